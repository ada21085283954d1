// The page as the engine smoke tests serve it: the repository root through scripts/serve.mjs,
// behind a small front server that notes every response with status >= 400 and, when asked,
// adds tests/engines/error-hook.js to index.html's <head> (for an engine whose driver cannot
// see the console). The files themselves are never changed.
import { createServer } from 'node:http';
import { startServer } from '../../scripts/serve.mjs';

const HOOK = '<script src="/tests/engines/error-hook.js"></script>';

/**
 * Serves the page on a free port. Resolves to { url, httpErrors, close() }; `httpErrors` is the
 * list of failed requests so far (tests read and empty it).
 */
export async function serveSite({ hookErrors = false } = {}) {
  const files = await startServer();
  const httpErrors = [];
  const front = createServer(async (request, response) => {
    try {
      const upstream = await fetch(new URL(request.url, files.url));
      const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
      let body = Buffer.from(await upstream.arrayBuffer());
      if (upstream.status >= 400) httpErrors.push(`HTTP ${upstream.status}: ${request.url}`);
      if (hookErrors && type.startsWith('text/html')) {
        const html = body.toString('utf8');
        if (!html.includes('</head>')) throw new Error(`no </head> in ${request.url} to put the error hook before`);
        body = Buffer.from(html.replace('</head>', `${HOOK}\n</head>`));
      }
      response.writeHead(upstream.status, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    } catch (error) {
      httpErrors.push(`serving ${request.url}: ${error.message}`);
      response.writeHead(500).end();
    }
  });
  await new Promise((resolve, reject) => {
    front.once('error', reject);
    front.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${front.address().port}/`,
    httpErrors,
    async close() {
      front.closeAllConnections();
      files.server.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await new Promise((resolve) => files.server.close(resolve));
    },
  };
}
