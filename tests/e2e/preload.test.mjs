// The first screen's requests all start with the page: index.html preloads the first-screen wasm
// and every module of www/main.js's static import graph, so a slow network pays one round trip
// for them all rather than one per import level. Checked without a browser (the list equals the
// graph, read from the sources, so it cannot go stale) and in Chromium (each of those files is
// fetched once — the preload is the request the page uses — and no other script or wasm is
// requested before the first heat map). Modules the first screen does not need (the whole page's
// wasm and the network lab's controls, the digits lab, the Chinese catalogue, the embed API,
// sharing, recording and the read-outs beside the picture)
// are imported with import() and stay out of both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { openSession } from './harness.mjs';

const root = new URL('../../', import.meta.url);
const read = (path) => readFile(new URL(path, root), 'utf8');
/** The entry module, as index.html's module script names it. */
const ENTRY = 'www/main.js';
/** The wasm the entry's first screen instantiates (pkg/gdviz.js fetches it). */
const WASM = 'pkg/gdviz_bg.wasm';

/** The module specifiers of `source`'s static imports and re-exports (not import()). */
function staticImports(source) {
  const statements = /^\s*(?:import|export)\s[^;]*?\sfrom\s*'([^']+)'|^\s*import\s*'([^']+)'/gm;
  return [...source.matchAll(statements)].map((m) => m[1] ?? m[2]);
}

/** Every module reached from `entry` through static imports, as paths from the root. */
async function staticGraph(entry) {
  const seen = new Set();
  const visit = async (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const specifier of staticImports(await read(path))) {
      assert.match(specifier, /^\.\.?\//, `${path} imports ${specifier}: only relative modules are served`);
      await visit(normalize(join(dirname(path), specifier)));
    }
  };
  await visit(entry);
  return seen;
}

/** index.html's preloads: the module paths and the fetch preloads (with their attributes). */
async function preloads() {
  const html = await read('index.html');
  const links = [...html.matchAll(/<link\s([^>]*)>/g)].map((m) => m[1]);
  const attribute = (link, name) => new RegExp(`(?:^|\\s)${name}(?:="([^"]*)")?(?=\\s|$)`).exec(link);
  const modules = links.filter((l) => attribute(l, 'rel')?.[1] === 'modulepreload').map((l) => attribute(l, 'href')[1]);
  const fetches = links.filter((l) => attribute(l, 'rel')?.[1] === 'preload').map((l) => ({
    href: attribute(l, 'href')[1],
    as: attribute(l, 'as')?.[1],
    crossorigin: attribute(l, 'crossorigin') !== null,
  }));
  return { modules, fetches, entryScript: /<script type="module" src="([^"]+)"><\/script>/.exec(html)?.[1] };
}

test('index.html preloads exactly the static import graph of its module script, and the wasm', async () => {
  const { modules, fetches, entryScript } = await preloads();
  assert.equal(entryScript, ENTRY);
  assert.equal(new Set(modules).size, modules.length, 'a module is preloaded twice');
  assert.deepEqual([...modules].sort(), [...(await staticGraph(ENTRY))].sort());
  // wasm-bindgen's init fetches the wasm in CORS mode; only a preload with `crossorigin` matches
  // that request and is reused rather than fetched a second time.
  assert.deepEqual(fetches, [{ href: WASM, as: 'fetch', crossorigin: true }]);
});

test('the lazy modules stay out of the first screen\'s graph', async () => {
  const graph = await staticGraph(ENTRY);
  for (const lazy of ['www/digits.js', 'www/i18n/zh-CN.js', 'pkg/gdviz_digits.js', 'pkg/gdviz_full.js', 'www/network.js', 'www/embed-api.js', 'www/share.js', 'www/record.js', 'www/narrate.js', 'www/challenge.js', 'www/curvature.js', 'www/slice.js']) {
    assert.ok(!graph.has(lazy), `${lazy} is imported statically`);
  }
});

test('in Chromium, the first heat map uses the preloaded files, each fetched once', async () => {
  const session = await openSession();
  try {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 860 } });
    const warnings = [];
    page.on('console', (message) => { if (['error', 'warning'].includes(message.type())) warnings.push(message.text()); });
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname.slice(1)));
    await page.addInitScript(() => {
      // The heat map reaches its canvas as a bitmap (www/shown.js).
      const show = ImageBitmapRenderingContext.prototype.transferFromImageBitmap;
      ImageBitmapRenderingContext.prototype.transferFromImageBitmap = function transferFromImageBitmap(...args) {
        if (this.canvas?.id === 'heat') window.firstHeatAt ??= performance.now();
        return show.apply(this, args);
      };
    });
    await page.goto(session.url);
    await page.waitForFunction(() => window.gdviz?.ready === true && window.firstHeatAt !== undefined, null, { timeout: 30000 });
    const { modules } = await preloads();
    for (const path of [...modules, WASM]) {
      assert.equal(fetched.filter((f) => f === path).length, 1, `${path} is fetched once`);
    }
    // Scripts and wasm requested before the first heat map: the preloaded ones (and boot.js, a
    // classic script the parser meets first) — nothing the first screen discovers late.
    const early = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((entry) => entry.startTime <= window.firstHeatAt && /\.(m?js|wasm)$/.test(new URL(entry.name).pathname))
      .map((entry) => new URL(entry.name).pathname.slice(1)));
    assert.deepEqual(early.filter((path) => ![...modules, WASM, 'www/boot.js'].includes(path)), []);
    // The whole page's module waits for what needs it: the first screen, started, never asked for it.
    await page.waitForFunction(() => window.gdviz.drawingInTurn === false);
    assert.deepEqual(fetched.filter((path) => path.startsWith('pkg/gdviz_full')), []);
    // An unused preload is a console warning in Chromium ("preloaded … but not used").
    assert.deepEqual(warnings.filter((w) => /preload/i.test(w)), []);
    await page.close();
  } finally {
    await session.close();
  }
});
