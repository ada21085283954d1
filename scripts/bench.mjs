// The browser half of `make bench` (the Makefile builds the release wasm and runs the native
// benchmarks first): serves the repository, drives Debian's Chromium through playwright-core
// (tests/e2e/harness.mjs) and writes target/bench/results.json — one object of named figures,
// each the median of repeated runs, with the CPU model and the Chromium version beside them —
// then prints the table with each figure's target.
//
//   node scripts/bench.mjs [--native target/bench/native.json] [--out target/bench/results.json]
//                          [--only micro,frames,view3d,interactions,paint]
//
// TensorFlow Playground's own network code (benches/peer/, its source with its licences; the
// Makefile bundles it into target/bench/peer/) is timed in the same browser; should the bundle be
// missing, the comparison is skipped with a note.
import { readFile, writeFile, mkdir, access } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { openSession } from '../tests/e2e/harness.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PEER_SCRIPT = join(ROOT, 'target', 'bench', 'peer', 'playground_bench.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const NATIVE = arg('--native', join(ROOT, 'target/bench/native.json'));
const OUT = arg('--out', join(ROOT, 'target/bench/results.json'));

/** The race of the issue: 8 optimizers on Rosenbrock, default speed, noise cloud on. */
const RACE_QUERY = '?f=rosenbrock&o=sgd(lr=0.001)~sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)~rmsprop(lr=0.01)'
  + '~adagrad(lr=0.1)~nadam(lr=0.05)~adamw(lr=0.05)~adamax(lr=0.05)&cloud=1&steps=10000000';
/** The network lab training 2-8-8-1 on the spiral (the boundary is redrawn every frame). */
const NETWORK_QUERY = '?view=network&data=spiral&layers=8,8&steps=10000000';
const FRAME_SECONDS = 5;
/**
 * The micro-benchmark page runs this many times, each in a fresh page (and renderer process);
 * each figure is the median over the runs of the page's own medians. One run can land on a
 * busy core and come out uniformly slower; the median of three shrugs that off.
 */
const PAGE_RUNS = 3;
const FIRST_PAINT_RUNS = 7;
const VIEWPORT = { width: 1280, height: 860 };

/** name → [target, 'max' | 'min', unit] */
const TARGETS = {
  surface_heatmap_512_ms: [3, 'max', 'ms'],
  optimizer_steps_per_s: [20e6, 'min', 'steps/s'],
  mlp_epoch_ms: [0.05, 'max', 'ms'],
  digits_epoch_ms: [30, 'max', 'ms'],
  boundary_2_8_8_1_200_ms: [4, 'max', 'ms'],
  frame_p95_ms_race: [16.7, 'max', 'ms'],
  frame_p95_ms_network: [16.7, 'max', 'ms'],
  frame_script_p95_ms_race: [4, 'max', 'ms'],
  frame_script_p95_ms_network: [4, 'max', 'ms'],
  fps_4x_race: [58, 'min', 'fps'],
  fps_4x_network: [58, 'min', 'fps'],
  long_tasks_4x_race: [0, 'max', 'tasks'],
  long_tasks_4x_network: [0, 'max', 'tasks'],
  fps_6x_race: [50, 'min', 'fps'],
  fps_6x_network: [50, 'min', 'fps'],
  fps_digits: [58, 'min', 'fps'],
  long_tasks_digits: [0, 'max', 'tasks'],
  surface3d_mesh_760x620_ms: [8, 'max', 'ms'],
  fps_rotate3d: [58, 'min', 'fps'],
  frame_script_p95_ms_rotate3d: [8, 'max', 'ms'],
  fps_4x_rotate3d: [58, 'min', 'fps'],
  long_tasks_4x_rotate3d: [0, 'max', 'tasks'],
  long_tasks_tune: [0, 'max', 'tasks'],
  long_tasks_landscape: [0, 'max', 'tasks'],
  long_tasks_switch_views: [0, 'max', 'tasks'],
  long_tasks_lesson: [0, 'max', 'tasks'],
  long_tasks_csv_10000: [0, 'max', 'tasks'],
  long_tasks_layers: [0, 'max', 'tasks'],
  wasm_gzip_bytes: [250000, 'max', 'bytes'],
  first_paint_ms: [300, 'max', 'ms'],
  first_paint_slow_ms: [2000, 'max', 'ms'],
};
/** The benchmark's parts; `--only frames,paint` runs some of them (the others are left out). */
const SECTIONS = ['micro', 'frames', 'view3d', 'interactions', 'paint'];
const ONLY = arg('--only', SECTIONS.join(',')).split(',');
/** Our figure ↔ the peer's, for the like-for-like ratios. */
const PEER_PAIRS = [
  ['peer_epoch_2421_ms', 'epoch_2421_ms'],
  ['peer_boundary_2421_100_ms', 'boundary_2421_100_ms'],
  ['peer_epoch_2881_ms', 'epoch_2881_ms'],
  ['peer_boundary_2881_100_ms', 'boundary_2881_100_ms'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : null;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};
const exists = (path) => access(path).then(() => true, () => false);
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

async function cpuModel() {
  try {
    const info = await readFile('/proc/cpuinfo', 'utf8');
    const model = info.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim();
    const cores = (info.match(/^processor\s*:/gm) ?? []).length;
    return model ? `${model} (${cores} logical cores)` : null;
  } catch {
    return null;
  }
}

/** gzip -9 of a release wasm (the first screen's by default), as the Makefile's `web` target reports it. */
function wasmGzipBytes(path = 'pkg/gdviz_bg.wasm') {
  return execFileSync('gzip', ['-9c', join(ROOT, path)], { maxBuffer: 1 << 26 }).length;
}

async function newPage(session) {
  const page = await session.browser.newPage({ viewport: VIEWPORT });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  return { page, errors };
}

/**
 * The wasm micro-benchmarks of benches/page/, PAGE_RUNS times; the median of each figure. The
 * figures with a target are the results; the others (and the page's own details) are details.
 */
async function pageBenchmarks(session) {
  const runs = [];
  for (let i = 0; i < PAGE_RUNS; i += 1) runs.push(await pageBenchmarksOnce(session));
  const combine = (key) => Object.fromEntries(Object.keys(runs[0][key]).map((name) => [
    name, median(runs.map((r) => r[key][name])),
  ]));
  const targeted = ([name]) => name in TARGETS;
  const split = (figures, keep) => Object.fromEntries(Object.entries(figures).filter(keep));
  const figures = combine('results');
  return {
    results: split(figures, targeted),
    details: {
      ...split(figures, (entry) => !targeted(entry)),
      ...combine('details'),
      page_runs: runs.map((r) => split(r.results, targeted)),
    },
  };
}

async function pageBenchmarksOnce(session) {
  const { page, errors } = await newPage(session);
  await isolate(page);
  await page.goto(`${session.url}benches/page/index.html`);
  await page.waitForFunction(() => window.__bench?.done === true, null, { timeout: 600000, polling: 500 });
  const bench = await page.evaluate(() => window.__bench);
  await page.close();
  if (bench.error) throw new Error(`the benchmark page failed: ${bench.error}\n${errors.join('\n')}`);
  return bench;
}

/** TensorFlow Playground's network code (a classic script) in a fresh page of the same browser. */
async function peerBenchmarks(session) {
  if (!(await exists(PEER_SCRIPT))) return { peer: null, note: `skipped: ${PEER_SCRIPT} is absent` };
  const { page } = await newPage(session);
  await isolate(page);
  await page.goto(`${session.url}benches/peer/index.html`);
  await page.addScriptTag({ content: await readFile(PEER_SCRIPT, 'utf8') });
  await page.waitForFunction(() => window.__peer !== undefined, null, { timeout: 300000, polling: 500 });
  const peer = await page.evaluate(() => window.__peer);
  await page.close();
  return { peer, note: 'TensorFlow Playground (src/nn.ts) timed in the same Chromium session' };
}

/** The CPU slow-downs the page is played under (DevTools protocol), and the runs at each. */
const THROTTLE_RATES = [4, 6];
const THROTTLE_RUNS = 3;
const THROTTLE_SECONDS = 6;

/**
 * Counts, inside the page over `ms`, animation frames (successive requestAnimationFrame
 * timestamps) and long tasks (the Long Tasks API: tasks over 50 ms).
 */
function countFrames(page, ms) {
  return page.evaluate((span) => new Promise((resolve) => {
    const long = [];
    const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) long.push(entry.duration); });
    observer.observe({ type: 'longtask' });
    const times = [];
    const tick = (t) => {
      times.push(t);
      if (t - times[0] < span) {
        requestAnimationFrame(tick);
        return;
      }
      // Long tasks are reported after they end: one more task lets the last one in.
      setTimeout(() => {
        observer.disconnect();
        resolve({ times, long });
      }, 0);
    };
    requestAnimationFrame(tick);
  }), ms);
}

/**
 * The live page while it plays. At 1×: the interval between animation frames (the display's,
 * 16.67 ms at 60 Hz while a frame fits) and the script time of each frame measured inside the
 * page's frame loop (player.js: stepping, drawing, DOM updates), over `seconds` after a one-second
 * settle. Then, for each CPU slow-down, THROTTLE_RUNS runs of THROTTLE_SECONDS: frames per second
 * and long tasks, the median of the runs.
 */
async function framesWhilePlaying(page, seconds) {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction(() => window.gdviz.playing === true && window.gdviz.frames > 5, null, { timeout: 10000 });
  await page.waitForTimeout(1000);
  const framesBefore = await page.evaluate(() => window.gdviz.frames);
  const isolated = await page.evaluate(() => window.crossOriginIsolated);
  const { times: stamps, long } = await countFrames(page, seconds * 1000);
  const { frames, playing, script } = await page.evaluate((from) => ({
    frames: window.gdviz.frames, playing: window.gdviz.playing, script: window.gdviz.frameTimes(from),
  }), framesBefore);
  const deltas = stamps.slice(1).map((t, i) => t - stamps[i]);
  const typical = median(deltas);
  const throttled = {};
  const cdp = await page.context().newCDPSession(page);
  for (const rate of THROTTLE_RATES) {
    const runs = [];
    for (let run = 0; run < THROTTLE_RUNS; run += 1) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await page.waitForTimeout(1000);
      const load = loadavg()[0];
      const { times, long: tasks } = await countFrames(page, THROTTLE_SECONDS * 1000);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      runs.push({
        fps: (1000 * gaps.length) / (times.at(-1) - times[0]),
        long_tasks: tasks.length,
        interval_p95_ms: percentile(gaps, 95),
        load_average: load,
      });
    }
    throttled[rate] = {
      fps: median(runs.map((r) => r.fps)),
      long_tasks: median(runs.map((r) => r.long_tasks)),
      interval_p95_ms: median(runs.map((r) => r.interval_p95_ms)),
      runs,
    };
  }
  const stillPlaying = await page.evaluate(() => window.gdviz.playing);
  return {
    p95: percentile(deltas, 95),
    median: typical,
    max: Math.max(...deltas),
    frames: deltas.length,
    script_p95_ms: percentile(script, 95),
    script_median_ms: median(script),
    script_max_ms: Math.max(...script),
    long_tasks: long.length,
    throttled,
    cross_origin_isolated: isolated,
    // Frames that took longer than one and a half display intervals: a refresh was missed.
    dropped: deltas.filter((d) => d > 1.5 * typical).length,
    page_frames: frames - framesBefore,
    still_playing: playing && stillPlaying,
  };
}

/**
 * Serves the page cross-origin isolated (COOP/COEP added to every response on the way in), so
 * that performance.now() and requestAnimationFrame timestamps have 5 µs resolution instead of
 * 100 µs: frame times are then display intervals (16.67 ms), not 16.6/16.7/16.8 by rounding, and
 * a 0.2 ms boundary pass is not read as 0.2 ± 0.1. Every timed page is served so.
 */
async function isolate(page) {
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: {
        ...response.headers(),
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      },
    });
  });
}

async function raceFrames(session) {
  const { page, errors } = await newPage(session);
  await isolate(page);
  await page.goto(session.url + RACE_QUERY);
  await page.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 20000 });
  const racers = await page.evaluate(() => window.gdviz.state.racers.length);
  const result = await framesWhilePlaying(page, FRAME_SECONDS);
  await page.close();
  return { ...result, racers, errors };
}

async function networkFrames(session) {
  const { page, errors } = await newPage(session);
  await isolate(page);
  await page.goto(session.url + NETWORK_QUERY);
  await page.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 20000 });
  const result = await framesWhilePlaying(page, FRAME_SECONDS);
  await page.close();
  return { ...result, errors };
}

/**
 * The digits lab training (its default network, Adam, a budget it does not reach): frames per
 * second and long tasks over FRAME_SECONDS at 1×, after the module and the data have loaded and
 * a one-second settle.
 */
async function digitsFrames(session) {
  const { page, errors } = await newPage(session);
  await isolate(page);
  await page.goto(`${session.url}?view=digits&steps=100000`);
  await page.locator('#digits-play').waitFor({ state: 'visible', timeout: 60000 });
  // Loaded when the lab has drawn its read-outs (the status line is empty before the fetch too).
  await page.waitForFunction(() => document.getElementById('digits-accuracy').textContent !== '', null, { timeout: 60000 });
  await page.locator('#digits-play').click();
  await page.waitForFunction(() => document.getElementById('digits-play').getAttribute('aria-pressed') === 'true');
  await page.waitForTimeout(1000);
  const { times, long } = await countFrames(page, FRAME_SECONDS * 1000);
  const training = await page.locator('#digits-play').getAttribute('aria-pressed');
  await page.close();
  return { fps: (1000 * (times.length - 1)) / (times.at(-1) - times[0]), long_tasks: long.length, longest_ms: Math.max(0, ...long), still_training: training === 'true', errors };
}

/**
 * The 3-D view turning while the race of RACE_QUERY plays: the mouse (real input events through
 * the browser) drags to and fro across the view without a pause, a move every 8 ms, so the mesh
 * is drawn again every frame. Frames per second, the script time of each of the page's frames
 * (the mesh is drawn inside the frame while a run plays) and long tasks, at 1× over
 * FRAME_SECONDS, then under 4× CPU throttling, THROTTLE_RUNS runs of THROTTLE_SECONDS.
 */
async function rotationFrames(session) {
  const { page, errors } = await newPage(session);
  await isolate(page);
  await page.goto(`${session.url}${RACE_QUERY}&view3d=1`);
  await page.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 20000 });
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction(() => window.gdviz.playing === true && window.gdviz.frames > 5, null, { timeout: 10000 });
  const box = await page.locator('#paths3d').boundingBox();
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  let dragging = true;
  const drag = (async () => {
    for (let k = 0; dragging; k += 1) {
      // A triangle wave of ±100 px, 4 px a move.
      const phase = (k * 4) % 400;
      await page.mouse.move(cx - 100 + (phase < 200 ? phase : 400 - phase), cy);
      await new Promise((resolve) => { setTimeout(resolve, 8); });
    }
  })();
  const yawBefore = await page.evaluate(() => window.gdviz.ui.camera.yaw);
  await page.waitForTimeout(1000);
  const framesBefore = await page.evaluate(() => window.gdviz.frames);
  const { times, long } = await countFrames(page, FRAME_SECONDS * 1000);
  const script = await page.evaluate((from) => window.gdviz.frameTimes(from), framesBefore);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const cdp = await page.context().newCDPSession(page);
  const runs = [];
  for (let run = 0; run < THROTTLE_RUNS; run += 1) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.waitForTimeout(1000);
    const load = loadavg()[0];
    const { times: slow, long: tasks } = await countFrames(page, THROTTLE_SECONDS * 1000);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const slowGaps = slow.slice(1).map((t, i) => t - slow[i]);
    runs.push({ fps: (1000 * slowGaps.length) / (slow.at(-1) - slow[0]), long_tasks: tasks.length, load_average: load });
  }
  const turned = await page.evaluate((before) => window.gdviz.ui.camera.yaw !== before, yawBefore);
  dragging = false;
  await drag;
  await page.mouse.up();
  await page.close();
  return {
    fps: (1000 * gaps.length) / (times.at(-1) - times[0]),
    script_p95_ms: percentile(script, 95),
    script_median_ms: median(script),
    long_tasks: long.length,
    fps_4x: median(runs.map((r) => r.fps)),
    long_tasks_4x: median(runs.map((r) => r.long_tasks)),
    runs,
    turned,
    errors,
  };
}

/**
 * Navigation start to the first heat map on screen. The page is not instrumented: an init
 * script (run before the page's own) wraps ImageBitmapRenderingContext.transferFromImageBitmap
 * (the heat map is drawn off the page and handed to #heat as a bitmap, www/shown.js), and on the
 * first call for the #heat canvas records performance.now(), then waits for the next animation
 * frame and a task after it — the frame that shows the picture has been produced by then. A
 * poll afterwards confirms the canvas is not blank. Without a `network`, one load first is not
 * counted (`warm_up_ms`): scripts/serve.mjs compresses each file the first time it sends it
 * (brotli 11; the wasm comes precompressed), a cost of the test server, not of the page.
 */
async function firstPaint(session, { runs: count, network = null, query = '', canvas = 'heat' }) {
  const runs = [];
  let warmUp = null;
  for (let i = network ? 0 : -1; i < count; i += 1) {
    const { page } = await newPage(session);
    if (network) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', network);
    }
    // The first picture reaches `canvas` as a bitmap (the heat map, www/shown.js) or as pixels
    // (a network's decision boundary).
    await page.addInitScript((id) => {
      window.__firstHeat = null;
      const drawn = (target) => {
        if (window.__firstHeat !== null || target?.id !== id) return;
        window.__firstHeat = { put: performance.now() };
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => { window.__firstHeat.shown = performance.now(); };
          channel.port2.postMessage(null);
        });
      };
      for (const [prototype, name] of [[ImageBitmapRenderingContext.prototype, 'transferFromImageBitmap'], [CanvasRenderingContext2D.prototype, 'putImageData']]) {
        const original = prototype[name];
        prototype[name] = function drawing(...args) {
          const result = original.apply(this, args);
          drawn(this.canvas);
          return result;
        };
      }
    }, canvas);
    await page.goto(session.url + query);
    await page.waitForFunction(() => window.__firstHeat?.shown !== undefined, null, { timeout: 60000 });
    const run = await page.evaluate((id) => {
      const canvas = document.getElementById(id);
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      copy.getContext('2d').drawImage(canvas, 0, 0);
      const { data } = copy.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let coloured = 0;
      for (let k = 0; k < data.length; k += 4 * 97) if (data[k + 3] > 0 && (data[k] !== 255 || data[k + 1] !== 255)) coloured += 1;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      // Bytes on the wire (compressed bodies) of the page and everything it fetched by then.
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      const bytes = entries.filter((e) => e.responseEnd <= window.__firstHeat.shown).reduce((sum, e) => sum + e.encodedBodySize, 0);
      return { ...window.__firstHeat, nonblank: coloured > 100, fcp, bytes };
    }, canvas);
    if (i < 0) warmUp = run.shown;
    else runs.push(run);
    await page.close();
  }
  return {
    value: median(runs.map((r) => r.shown)),
    put_ms: median(runs.map((r) => r.put)),
    fcp_ms: median(runs.filter((r) => r.fcp !== null).map((r) => r.fcp)),
    bytes: median(runs.map((r) => r.bytes)),
    nonblank: runs.every((r) => r.nonblank),
    runs: runs.map((r) => Math.round(r.shown * 10) / 10),
    ...(warmUp === null ? {} : { warm_up_ms: Math.round(warmUp * 10) / 10 }),
  };
}

function verdict(name, value) {
  const target = TARGETS[name];
  if (!target) return '';
  if (value === null || value === undefined) return 'n/a';
  const [limit, kind] = target;
  return (kind === 'max' ? value <= limit : value >= limit) ? 'met' : 'MISSED';
}

const fmt = (v) => {
  if (v === null || v === undefined) return '—';
  if (Math.abs(v) >= 1e5) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toPrecision(3);
};

/** The 1-minute load average during a throttled figure's runs (their median), else empty. */
function loadBeside(results, name) {
  const match = /^(?:fps|long_tasks)_(\d+)x_(\w+)$/.exec(name);
  const details = match && results.details[match[2]];
  const runs = details && (details.throttled?.[match[1]]?.runs ?? details.runs);
  return runs ? `load ${median(runs.map((r) => r.load_average)).toFixed(1)}` : '';
}

function table(results) {
  const rows = [['figure', 'wasm (Chromium)', 'native', 'target', 'verdict', 'load']];
  for (const [name, [limit, kind, unit]] of Object.entries(TARGETS)) {
    const nativeName = `native_${name}`;
    rows.push([
      name,
      `${fmt(results[name])} ${unit}`,
      nativeName in results ? `${fmt(results[nativeName])} ${unit}` : '',
      `${kind === 'max' ? '≤' : '≥'} ${fmt(limit)}`,
      verdict(name, results[name]),
      loadBeside(results, name),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  const line = (r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function peerTable(details, peer) {
  const rows = [['like for like (ms)', 'gdviz (wasm)', 'Playground (JS)', 'speed-up']];
  for (const [ours, theirs] of PEER_PAIRS) {
    const a = details[ours];
    const b = peer[theirs];
    rows.push([theirs, fmt(a), fmt(b), a && b ? `${(b / a).toFixed(1)}×` : '—']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  const line = (r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ');
  return [line(rows[0]), ...rows.slice(1).map(line)].join('\n');
}

/**
 * Long tasks (the Long Tasks API) while `act` drives a real control and `done` (a function run
 * in the page) becomes true, then two animation frames and a quiet 300 ms. Returns the count,
 * the longest (ms) and the wall time from the action to done.
 */
async function longTasksDuring(page, act, done) {
  await page.evaluate(() => {
    window.__long = [];
    window.__longObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__long.push(entry.duration);
    });
    window.__longObserver.observe({ type: 'longtask' });
  });
  const started = Date.now();
  await act();
  await page.waitForFunction(done, null, { timeout: 120000, polling: 50 });
  const wall = Date.now() - started;
  await page.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)));
  }));
  const long = await page.evaluate(() => {
    window.__longObserver.disconnect();
    return window.__long;
  });
  return { value: long.length, longest_ms: long.length ? Math.max(...long) : 0, wall_ms: wall };
}

/** A 10,000-row CSV of two spiral arms (x1, x2, label), as a person might paste it. */
function spiralCsv(rows) {
  const lines = ['x1,x2,label'];
  for (let i = 0; i < rows; i += 1) {
    const label = i % 2;
    const r = (i / rows) * 0.9 + 0.05;
    const angle = 4 * Math.PI * (i / rows) + label * Math.PI;
    lines.push(`${(r * Math.cos(angle)).toFixed(4)},${(r * Math.sin(angle)).toFixed(4)},${label}`);
  }
  return lines.join('\n');
}

/**
 * Each interaction of the issue at 1×, in a fresh page, driven through its real control: the
 * long tasks from the click (or paste) until the page shows the result.
 */
async function interactions(session) {
  const open = async (query) => {
    const { page, errors } = await newPage(session);
    await page.goto(session.url + query);
    await page.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 20000 });
    return { page, errors };
  };
  const cases = {
    tune: [RACE_QUERY, async (page) => longTasksDuring(page,
      () => page.getByRole('button', { name: 'Tune learning rates' }).click(),
      () => window.gdviz.tuned !== undefined)],
    landscape: [NETWORK_QUERY, async (page) => {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await page.locator('#landscape-box summary').click();
      return longTasksDuring(page,
        () => page.getByRole('button', { name: 'Compute landscape' }).click(),
        () => {
          // What the canvas shows (the page hands it a bitmap, www/shown.js), copied to be read.
          const canvas = document.getElementById('landscape');
          const copy = document.createElement('canvas');
          copy.width = canvas.width;
          copy.height = canvas.height;
          copy.getContext('2d').drawImage(canvas, 0, 0);
          const { data } = copy.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          for (let k = 3; k < data.length; k += 4 * 31) if (data[k] > 0) return true;
          return false;
        });
    }],
    switch_views: ['', async (page) => longTasksDuring(page,
      async () => {
        await page.getByRole('button', { name: 'Network', exact: true }).click();
        await page.waitForFunction(() => window.gdviz.view === 'network');
        await page.getByRole('button', { name: 'Surface', exact: true }).click();
      },
      () => window.gdviz.view === 'surface')],
    lesson: ['', async (page) => {
      await page.locator('#lessons summary').click();
      return longTasksDuring(page,
        () => page.getByRole('link', { name: 'Three spiral arms: softmax, and why a linear model cannot separate them', exact: true }).click(),
        () => window.gdviz.view === 'network' && window.gdviz.frames > 3);
    }],
    csv_10000: [NETWORK_QUERY, async (page) => {
      await page.locator('#csv-box summary').click();
      // Playwright's fill() types 10,000 lines too slowly; the text is put in as a paste would.
      await page.getByLabel('CSV data').evaluate((area, text) => {
        area.value = text;
        area.dispatchEvent(new Event('input', { bubbles: true }));
      }, spiralCsv(10000));
      return longTasksDuring(page,
        () => page.getByRole('button', { name: 'Use this data' }).click(),
        () => window.gdviz.scenario.objective.points?.length === 10000);
    }],
    layers: [NETWORK_QUERY, async (page) => longTasksDuring(page,
      () => page.getByRole('button', { name: 'Add layer' }).click(),
      () => window.gdviz.scenario.objective.layers.length === 5)],
  };
  const results = {};
  for (const [name, [query, run]] of Object.entries(cases)) {
    const { page, errors } = await open(query);
    try {
      results[name] = { ...(await run(page)), errors };
    } catch (error) {
      results[name] = { value: null, errors: [...errors, String(error.message).slice(0, 300)] };
    }
    await page.close();
  }
  return results;
}

/** DevTools protocol network emulation of a slow mobile link: 1.6 Mbit/s down, 150 ms round trip. */
const SLOW_NETWORK = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 };
const SLOW_PAINT_RUNS = 3;

async function main() {
  const native = (await exists(NATIVE)) ? JSON.parse(await readFile(NATIVE, 'utf8')) : {};
  const loadBefore = loadavg();
  const session = await openSession();
  const wanted = (section) => ONLY.includes(section);
  let results;
  try {
    const chromium = session.browser.version();
    let bench = { results: {}, details: {} };
    let peer = null;
    let peerNote = 'not run (--only)';
    if (wanted('micro')) {
      log(`Chromium ${chromium}; timing the wasm workloads (benches/page/)`);
      bench = await pageBenchmarks(session);
      log('TensorFlow Playground, same session');
      ({ peer, note: peerNote } = await peerBenchmarks(session));
    }
    let race = null;
    let network = null;
    let digits = null;
    if (wanted('frames')) {
      log('the race: 8 optimizers on Rosenbrock, playing (1×, then 4× and 6× CPU throttling)');
      race = await raceFrames(session);
      log('the network lab, playing (1×, 4×, 6×)');
      network = await networkFrames(session);
      log('the digits lab, training (1×)');
      digits = await digitsFrames(session);
    }
    let rotation = null;
    if (wanted('view3d')) {
      log('the 3-D view turning by a mouse drag while the race plays (1×, then 4× CPU throttling)');
      rotation = await rotationFrames(session);
    }
    let actions = null;
    if (wanted('interactions')) {
      log('interactions: long tasks while driving each control');
      actions = await interactions(session);
    }
    let paint = null;
    let slowPaint = null;
    let slowNetworkLink = null;
    if (wanted('paint')) {
      log('first paint');
      paint = await firstPaint(session, { runs: FIRST_PAINT_RUNS });
      log('first paint on a slow network (1.6 Mbit/s, 150 ms)');
      slowPaint = await firstPaint(session, { runs: SLOW_PAINT_RUNS, network: SLOW_NETWORK });
      log('first paint of a link to a network on a slow network');
      slowNetworkLink = await firstPaint(session, { runs: SLOW_PAINT_RUNS, network: SLOW_NETWORK, query: NETWORK_QUERY, canvas: 'boundary' });
    }
    const playingFigures = (view, d) => (d ? {
      [`frame_p95_ms_${view}`]: d.p95,
      [`frame_script_p95_ms_${view}`]: d.script_p95_ms,
      ...Object.fromEntries(THROTTLE_RATES.flatMap((rate) => [
        [`fps_${rate}x_${view}`, d.throttled[rate].fps],
        [`long_tasks_${rate}x_${view}`, d.throttled[rate].long_tasks],
      ])),
    } : {});

    results = {
      ...bench.results,
      ...playingFigures('race', race),
      ...playingFigures('network', network),
      ...(digits ? { fps_digits: digits.fps, long_tasks_digits: digits.long_tasks } : {}),
      ...(rotation ? {
        fps_rotate3d: rotation.fps,
        frame_script_p95_ms_rotate3d: rotation.script_p95_ms,
        fps_4x_rotate3d: rotation.fps_4x,
        long_tasks_4x_rotate3d: rotation.long_tasks_4x,
      } : {}),
      ...(actions ? Object.fromEntries(Object.entries(actions).map(([name, r]) => [`long_tasks_${name}`, r.value])) : {}),
      wasm_gzip_bytes: wasmGzipBytes(),
      first_paint_ms: paint?.value ?? null,
      first_paint_slow_ms: slowPaint?.value ?? null,
      ...native,
      cpu_model: await cpuModel(),
      chromium_version: chromium,
      // Other work on the machine skews every figure (the frame times most): the 1-minute load
      // average before and after the run (and at each throttled run, in details).
      load_average: { before: loadBefore[0], after: loadavg()[0] },
      measured_at: new Date().toISOString(),
      sections: ONLY,
      targets: Object.fromEntries(Object.entries(TARGETS).map(([k, [limit, kind]]) => [k, { [kind]: limit }])),
      details: {
        ...bench.details,
        race,
        network,
        digits,
        rotate3d: rotation,
        interactions: actions,
        first_paint: paint,
        first_paint_slow: slowPaint,
        first_paint_slow_network_link: slowNetworkLink,
        wasm_bytes: (await readFile(join(ROOT, 'pkg/gdviz_bg.wasm'))).length,
        full_wasm_gzip_bytes: wasmGzipBytes('pkg/gdviz_full_bg.wasm'),
      },
      peer: peer ? {
        ...peer,
        ratios: Object.fromEntries(PEER_PAIRS.map(([ours, theirs]) => [theirs, peer[theirs] / bench.details[ours]])),
      } : null,
      notes: {
        method: 'Every figure is the median of repeated runs. Wasm figures are timed inside WebAssembly with performance.now() '
          + `(the benchmark page run ${PAGE_RUNS} times in fresh pages, the median of the pages' medians; each page's figures in details.page_runs) `
          + '(src/web_common/bench.rs, called from benches/page/bench.js after untimed warm-up calls so V8 has optimised the code); '
          + 'native_* figures are the same workloads natively (benches/native.rs, std::time). Workloads: benches/scenarios.json, '
          + 'run by src/bench.rs for both. '
          + 'The benchmark pages (ours and the peer\'s) are served cross-origin isolated, so performance.now() resolves 5 µs.',
        surface_heatmap_512_ms: 'Rosenbrock (the lab\'s Model) on 512×512 with Heatmap::render_model (values a row at a time, log scale, contours), '
          + 'then one putImageData; details.surface_heatmap_512_closure_ms is Heatmap::render with a Model::loss call per pixel.',
        optimizer_steps_per_s: 'Adam (lr 0.05) on Rosenbrock, Runner::step 1,000,000 times from the start (reset before each run).',
        mlp_epoch_ms: '2-4-2-1 tanh, bce, 250 circle points (test_fraction 0), batch 10, SGD lr 0.03: 25 Runner::step calls.',
        boundary_2_8_8_1_200_ms: '2-8-8-1 tanh after 500 Adam steps on the spiral: Mlp::predict_grid on 200×200, painted into RGBA (paint_values).',
        frame_p95_ms: `95th percentile of successive requestAnimationFrame timestamps over ${FRAME_SECONDS} s while playing `
          + '(the display interval: 16.67 ms at 60 Hz whenever a frame fits, so it shows no headroom), '
          + `${VIEWPORT.width}×${VIEWPORT.height} viewport, headless Chromium (software rendering), the page served cross-origin `
          + `isolated (COOP/COEP added by the driver) so timestamps have 5 µs resolution. Race: ${RACE_QUERY}; network: ${NETWORK_QUERY}`,
        frame_script_p95_ms: `95th percentile over the same ${FRAME_SECONDS} s of the script time of each frame, measured inside the page's `
          + 'frame loop (www/player.js: performance.now() around stepping, drawing and DOM updates; window.gdviz.frameTimes). '
          + 'The browser\'s own work after the script (style, layout, canvas raster, commit) is not in it: the throttled frame rates include it.',
        throttled: `Emulation.setCPUThrottlingRate ${THROTTLE_RATES.join('× and ')}× (DevTools protocol) on the same playing page, `
          + `${THROTTLE_RUNS} runs of ${THROTTLE_SECONDS} s each after a 1 s settle: fps = animation frames / seconds, `
          + 'long tasks = PerformanceObserver entries of type longtask (> 50 ms); the median of the runs, each run with the '
          + 'load average in details.<view>.throttled.',
        digits_frames: `The digits lab training its default network (?view=digits, Play): fps = animation frames / seconds and long tasks `
          + `(> 50 ms, Long Tasks API) over ${FRAME_SECONDS} s at 1× after a 1 s settle; details.digits says whether it was still training.`,
        surface3d_mesh_760x620_ms: 'The 3-D view\'s mesh of Rosenbrock: the 64×64 terrain sampled and rasterised with depth (render::surface3d::Raster) '
          + 'on 760×620 pixels, the camera turned 3° a repetition (the wasm figure; native_surface3d_mesh_760x620_ms beside it).',
        rotate3d: `The 3-D view (view3d=1) of the race (${RACE_QUERY}) while it plays and the mouse drags to and fro across it without a `
          + 'pause (Playwright mouse events, a 4 px move every 8 ms), so the mesh is drawn every frame inside the page\'s frame '
          + '(at ½ of the view\'s pixels each way, down to ¼ where the last turning frame\'s mesh and paths took over 4 ms, the paths at ½ from a third: www/view3d.js): '
          + `fps and the frames' script time p95 over ${FRAME_SECONDS} s at 1×; at 4× (Emulation.setCPUThrottlingRate) fps and long tasks, `
          + `the median of ${THROTTLE_RUNS} runs of ${THROTTLE_SECONDS} s (details.rotate3d.runs, each with the load average).`,
        long_tasks_interactions: 'Long tasks (Long Tasks API) at 1× from driving the real control (click, paste) until the page shows '
          + 'the result, then two frames and 300 ms, in a fresh page each: tune = Tune learning rates on the race; landscape = Compute '
          + 'landscape after one Step in the network lab; switch_views = Network tab then Surface tab; lesson = opening the '
          + 'three-spiral-arms lesson from the list; csv_10000 = Use this data with 10,000 pasted rows; layers = Add layer. '
          + 'The longest task and the wall time are in details.interactions.',
        first_paint_ms: 'performance.now() (from navigation start) when the first heat map is on screen, median of '
          + `${FIRST_PAINT_RUNS} loads from localhost (no-store) after one not counted (details: warm_up_ms; the test server `
          + 'compresses each file the first time it sends it): an init script wraps transferFromImageBitmap; on the first call for '
          + '#heat it waits for the next animation frame and a task after it. first_contentful_paint is in details.',
        first_paint_slow_ms: `The same under Network.emulateNetworkConditions (${SLOW_NETWORK.downloadThroughput * 8 / 1e6} Mbit/s down, `
          + `${SLOW_NETWORK.latency} ms latency), cache disabled, median of ${SLOW_PAINT_RUNS} loads; scripts/serve.mjs compresses. `
          + 'details.first_paint_slow.bytes: the compressed bytes fetched by then (Resource Timing encodedBodySize), which the '
          + 'load of the machine does not change: at 1.6 Mbit/s each 100 KB takes 0.5 s. '
          + `details.first_paint_slow_network_link (no target): the same for a link to a network (${NETWORK_QUERY}), until its `
          + 'decision boundary is on screen; such a link starts with the whole page\'s module alone.',
        wasm_gzip_bytes: 'gzip -9 of pkg/gdviz_bg.wasm (make web: wasm-bindgen, wasm-opt -Oz), the wasm the first screen loads; details.full_wasm_gzip_bytes: pkg/gdviz_full_bg.wasm, fetched when the network lab, the 3-D view, the tuner or the CSV reader is first used (a link to a network or to the 3-D view starts with it alone).',
        peer: peerNote,
      },
    };
  } finally {
    await session.close();
  }
  results.verdicts = Object.fromEntries(Object.keys(TARGETS).map((k) => [k, verdict(k, results[k])]));
  await mkdir(join(OUT, '..'), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);

  console.log(`\ngdviz benchmarks — ${results.cpu_model}; Chromium ${results.chromium_version}; `
    + `load average ${results.load_average.before.toFixed(1)} → ${results.load_average.after.toFixed(1)}\n`);
  console.log(table(results));
  for (const [name, d] of [['race', results.details.race], ['network', results.details.network]]) {
    if (!d) continue;
    console.log(`${name}: ${d.frames} frames in ${FRAME_SECONDS} s, median ${fmt(d.median)} ms, max ${fmt(d.max)} ms, ${d.dropped} dropped; `
      + `script per frame median ${fmt(d.script_median_ms)} ms, max ${fmt(d.script_max_ms)} ms`);
    for (const [rate, t] of Object.entries(d.throttled)) {
      console.log(`  ${rate}× CPU: ${t.runs.map((r) => `${r.fps.toFixed(1)} fps, ${r.long_tasks} long, load ${r.load_average.toFixed(1)}`).join(' | ')}`);
    }
  }
  const training = results.details.digits;
  if (training) {
    console.log(`digits lab training: ${fmt(training.fps)} fps, ${training.long_tasks} long tasks (longest ${fmt(training.longest_ms)} ms)`
      + `${training.still_training ? '' : '; NOT still training at the end'}${training.errors.length ? `; errors: ${training.errors.join('; ')}` : ''}`);
  }
  const turning = results.details.rotate3d;
  if (turning) {
    console.log(`3-D view turning: ${fmt(turning.fps)} fps, script per frame median ${fmt(turning.script_median_ms)} ms, `
      + `${turning.long_tasks} long tasks; the camera ${turning.turned ? 'turned' : 'did NOT turn'}`
      + `${turning.errors.length ? `; errors: ${turning.errors.join('; ')}` : ''}`);
    console.log(`  4× CPU: ${turning.runs.map((r) => `${r.fps.toFixed(1)} fps, ${r.long_tasks} long, load ${r.load_average.toFixed(1)}`).join(' | ')}`);
  }
  if (results.details.interactions) {
    for (const [name, r] of Object.entries(results.details.interactions)) {
      console.log(`${name}: ${fmt(r.value)} long tasks, longest ${fmt(r.longest_ms)} ms, ${fmt(r.wall_ms)} ms to the result${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
    }
  }
  for (const [name, d] of [['first paint', results.details.first_paint], ['first paint, slow network', results.details.first_paint_slow], ['first decision boundary of a link to a network, slow network', results.details.first_paint_slow_network_link]]) {
    if (d) console.log(`${name} runs: ${d.runs.join(', ')} ms${d.warm_up_ms === undefined ? '' : ` (after a warm-up load, ${d.warm_up_ms} ms)`}; ${d.bytes} bytes on the wire by then`);
  }
  if (results.peer) {
    console.log(`\n${peerTable(results.details, results.peer)}`);
  } else {
    console.log(`\nPlayground comparison ${results.notes.peer}`);
  }
  console.log(`\nwritten: ${OUT}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
