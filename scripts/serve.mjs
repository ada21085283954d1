// A small static file server for the page: the repository root on 127.0.0.1, with the right
// MIME type for .wasm, no caching, compressed (brotli or gzip, as the browser accepts) and open
// to cross-origin reads (see below).
// `node scripts/serve.mjs [port]` serves and prints the URL; the end-to-end tests import
// startServer() to serve on a free port.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The types worth compressing (text and wasm; images are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.txt']);
/**
 * Encoders by Content-Encoding name, best first, and their settings for a body of `size` bytes.
 * Brotli's best quality (11) takes about 2 s for the release wasm, quality 5 a fortieth of that
 * at 13 % more bytes: files up to LARGE are compressed at 11 on the fly (once per version, see
 * `compressed`), larger ones at 5 — unless `make web` left a file compressed at 11 beside them
 * (`<file>.br`, newer than the file), which is sent as it is.
 */
const LARGE = 256 * 1024;
const ENCODERS = [
  ['br', promisify(brotliCompress), (size) => ({ params: { [constants.BROTLI_PARAM_QUALITY]: size <= LARGE ? 11 : 5 } })],
  ['gzip', promisify(gzip), () => ({ level: 9 })],
];
/** Compressed bodies by encoding, path and modification time. */
const compressed = new Map();

/** `file` as `make web` compressed it beforehand, if that copy is up to date. */
async function precompressed(file, name, info) {
  if (name !== 'br') return null;
  try {
    const copy = await stat(`${file}.br`);
    return copy.mtimeMs >= info.mtimeMs ? readFile(`${file}.br`) : null;
  } catch {
    return null;
  }
}

/** The body to send for `file` and the encoding it is in (null: as stored). */
async function encoded(request, file, info) {
  if (!COMPRESSIBLE.has(extname(file))) return { body: await readFile(file), encoding: null };
  const accepted = String(request.headers['accept-encoding'] ?? '').split(',').map((e) => e.trim().split(';')[0]);
  const encoder = ENCODERS.find(([name]) => accepted.includes(name));
  if (!encoder) return { body: await readFile(file), encoding: null };
  const [name, compress, options] = encoder;
  const key = `${name} ${file} ${info.mtimeMs}`;
  if (!compressed.has(key)) {
    compressed.set(key, (async () => (await precompressed(file, name, info))
      ?? compress(await readFile(file), options(info.size)))());
  }
  return { body: await compressed.get(key), encoding: name };
}

async function handle(request, response, root, cors) {
  const url = new URL(request.url, 'http://localhost');
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403).end('forbidden');
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    const { body, encoding } = await encoded(request, file, info);
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      Vary: 'Accept-Encoding',
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
      // A course page may frame the lab with sandbox="allow-scripts" alone: the frame's origin
      // is then opaque and every module and the wasm are cross-origin requests.
      ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
    });
    response.end(body);
  } catch {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
}

/**
 * Serves `root` on 127.0.0.1:`port` (0 picks a free port); resolves to { server, url }. `cors`
 * false leaves out the cross-origin header, as a host that does not send it would.
 */
export function startServer({ port = 0, root = ROOT, cors = true } = {}) {
  const server = createServer((req, res) => {
    handle(req, res, root, cors).catch(() => res.writeHead(500).end());
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolvePromise({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8000);
  startServer({ port })
    .then(({ url }) => console.log(`gdviz is being served at ${url}  (Ctrl-C stops)`))
    .catch((error) => {
      console.error(`gdviz: cannot serve on port ${port}: ${error.message} (set PORT= to choose another)`);
      process.exit(1);
    });
}
