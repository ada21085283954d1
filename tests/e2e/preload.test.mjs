// The first screen's requests all start with the page: index.html preloads the first-screen wasm
// (from a small inline script, which preloads the whole page's wasm instead for a link to a
// network or to the 3-D view) and every module of www/main.js's static import graph, so a slow
// network pays one round trip for them all rather than one per import level. Checked without a
// browser (the list equals the graph, read from the sources, so it cannot go stale; the page's CSP
// allows the inline script by its hash) and in Chromium (each of those files is fetched once —
// the preload is the request the page uses — and no other script or wasm is requested before the
// first heat map; a network link fetches one wasm, not two). Modules the first screen does not
// need (the whole page's wasm and the network lab's controls, the digits lab, the Chinese
// catalogue, the embed API, sharing, recording and the read-outs beside the picture) are imported
// with import() and stay out of both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { openSession } from './harness.mjs';

const root = new URL('../../', import.meta.url);
const read = (path) => readFile(new URL(path, root), 'utf8');
/** The entry module, as index.html's module script names it. */
const ENTRY = 'www/main.js';
/** The wasm the entry's first screen instantiates (pkg/gdviz.js fetches it). */
const WASM = 'pkg/gdviz_bg.wasm';
/** The whole page's wasm, which a link to a network or to the 3-D view starts with. */
const FULL_WASM = 'pkg/gdviz_full_bg.wasm';

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
  const csp = /<meta http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  const inline = /<script id="wasm-preload">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return { modules, fetches, csp, inline, entryScript: /<script type="module" src="([^"]+)"><\/script>/.exec(html)?.[1] };
}

test('index.html preloads exactly the static import graph of its module script, and the wasm', async () => {
  const { modules, fetches, csp, inline, entryScript } = await preloads();
  assert.equal(entryScript, ENTRY);
  assert.equal(new Set(modules).size, modules.length, 'a module is preloaded twice');
  assert.deepEqual([...modules].sort(), [...(await staticGraph(ENTRY))].sort());
  // The wasm's preload is the inline script's, which picks one of the two modules.
  assert.deepEqual(fetches, []);
  assert.ok(inline?.includes(`'${WASM}'`) && inline.includes(`'${FULL_WASM}'`), 'the inline script preloads one of the two modules');
  // wasm-bindgen's init fetches the wasm in CORS mode; only a preload with `crossorigin` matches
  // that request and is reused rather than fetched a second time.
  assert.match(inline, /crossOrigin = 'anonymous'/);
  // The CSP allows no inline script but this one, by the hash of its text.
  const hash = createHash('sha256').update(inline, 'utf8').digest('base64');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+';/);
  assert.ok(csp.includes(`'sha256-${hash}'`), `the CSP allows the inline script: script-src needs 'sha256-${hash}'`);
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

test('a link to a network (or to the 3-D view) fetches the whole page\'s wasm alone, once, preloaded', async () => {
  const session = await openSession();
  try {
    for (const query of ['?view=network', '?f=rosenbrock&view3d=1']) {
      const page = await session.browser.newPage({ viewport: { width: 1280, height: 860 } });
      const warnings = [];
      page.on('console', (message) => { if (['error', 'warning'].includes(message.type())) warnings.push(message.text()); });
      page.on('pageerror', (error) => warnings.push(error.message));
      const fetched = [];
      page.on('request', (request) => fetched.push(new URL(request.url()).pathname.slice(1)));
      await page.goto(session.url + query);
      await page.waitForFunction(() => window.gdviz?.ready === true && window.gdviz.drawingInTurn === false, null, { timeout: 30000 });
      assert.equal(fetched.filter((path) => path === FULL_WASM).length, 1, `${query}: ${FULL_WASM} is fetched once`);
      assert.deepEqual(fetched.filter((path) => path === WASM), [], `${query}: the first screen's wasm is not fetched`);
      assert.deepEqual(warnings, [], `${query}: no console error or warning (an unused preload would be one)`);
      await page.close();
    }
  } finally {
    await session.close();
  }
});
