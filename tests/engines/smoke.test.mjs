// The engine smoke suite: the page in Firefox ESR and in WebKitGTK (Chromium has tests/e2e/),
// driven only through its controls — click, type, keys — and read through window.gdviz.
// Each engine: both labs load with no error; Step ×10 gives exactly the losses of the native
// `gdviz trace`; Play and Pause start and stop the run; the learning-rate and batch-size fields
// change the scenario, which still replays bit for bit. Screenshots go to tests/e2e/screenshots/.
// Run: xvfb-run -a node --test tests/engines/   (ENGINES=firefox or ENGINES=webkit picks one)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ENGINES, launchEngine } from './drivers.mjs';
import { buildCli, racerScenario, traceLine } from './trace.mjs';

const SCREENSHOT_DIR = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));
const LABS = { surface: '/', network: '/?view=network' };
const ROSENBROCK_RACE = '/?f=rosenbrock&o=sgd(lr=0.001)~adam(lr=0.05)&start=-1.5,2&steps=50';
const LINREG_BATCHES = '/?f=linreg&n=100&noise=0.3&o=sgd(lr=0.1,batch=10)&seed=1&steps=50';
const STEPS = 10;
const SLOW = { timeout: 180000 };

/** Resolves after `frames` animation frames of the page, to the leading racer's step. */
const stepAfterFrames = (frames) => `new Promise((resolve) => {
  let left = ${frames};
  const tick = () => (--left === 0 ? resolve(window.gdviz.state.racers[0].step) : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
})`;

/**
 * The largest luminance variance among the page's canvases, sampled on a 7-pixel grid: a page
 * that drew nothing has none. (Any canvas: element ids other than the controls' are not ours.)
 */
const canvasVariance = `Math.max(...[...document.querySelectorAll('canvas')].map((canvas) => {
  if (canvas.width === 0 || canvas.height === 0) return 0;
  // What the canvas shows, copied: the page shows some pictures through a bitmap renderer.
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const context = copy.getContext('2d');
  context.drawImage(canvas, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0, sumSq = 0, count = 0;
  for (let y = 0; y < canvas.height; y += 7) {
    for (let x = 0; x < canvas.width; x += 7) {
      const k = 4 * (y * canvas.width + x);
      const luma = 0.2126 * data[k] + 0.7152 * data[k + 1] + 0.0722 * data[k + 2];
      sum += luma; sumSq += luma * luma; count += 1;
    }
  }
  return sumSq / count - (sum / count) ** 2;
}))`;

async function assertNoErrors(engine) {
  assert.deepEqual(await engine.errors(), [], `${engine.name}: errors on the page`);
  const banner = await engine.eval("(({ hidden, textContent }) => ({ hidden, text: textContent.trim() }))(document.getElementById('error-banner'))");
  assert.ok(banner.hidden, `${engine.name}: the error banner shows: ${banner.text}`);
}

/** Clicks Step `count` times and waits until every racer has taken them. */
async function clickStep(engine, count) {
  const before = await engine.eval('window.gdviz.state.racers.map((r) => r.step)');
  for (let i = 0; i < count; i += 1) await engine.click('#step');
  const expected = JSON.stringify(before.map((step) => step + count));
  await engine.waitFor(`JSON.stringify(window.gdviz.state.racers.map((r) => r.step)) === '${expected}'`);
}

/**
 * Every racer's loss on the page equals line `step` of `gdviz trace` of its scenario, as
 * doubles (Object.is: bit for bit), and so do the samples seen and, on a 2-D problem, the
 * parameters.
 */
async function assertMatchesTrace(engine, step) {
  const { scenario, racers } = await engine.eval('({ scenario: window.gdviz.scenario, racers: window.gdviz.state.racers })');
  for (const [index, racer] of racers.entries()) {
    const { text, line } = await traceLine(racerScenario(scenario, index), step);
    const label = `${engine.name}, racer ${index} (${racer.name}), step ${step}: page loss ${racer.loss}, trace ${text}`;
    assert.equal(racer.step, step, label);
    assert.ok(Object.is(racer.loss, line.loss), label);
    assert.equal(racer.samples, line.samples, `${label}; samples seen`);
    if (scenario.objective.kind !== 'mlp') {
      assert.ok(Object.is(racer.x, line.params[0]) && Object.is(racer.y, line.params[1]), `${label}; page params ${racer.x}, ${racer.y}`);
    }
  }
}

before(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await buildCli();
}, SLOW);

for (const name of (process.env.ENGINES?.split(',') ?? ENGINES)) {
  describe(name, () => {
    let engine;
    before(async () => {
      engine = await launchEngine(name);
    }, SLOW);
    after(async () => {
      await engine?.close();
    });

    test('both labs load with no console error, page error or error banner', SLOW, async () => {
      for (const [lab, path] of Object.entries(LABS)) {
        await engine.open(path);
        assert.equal(await engine.eval('window.gdviz.state.network'), lab === 'network');
        const variance = await engine.eval(canvasVariance);
        assert.ok(variance > 200, `${lab}: the canvases should not be blank (largest luminance variance ${variance})`);
        await assertNoErrors(engine);
      }
    });

    test('Step ×10 gives the losses of `gdviz trace`, bit for bit', SLOW, async () => {
      for (const path of [ROSENBROCK_RACE, LINREG_BATCHES, LABS.network]) {
        await engine.open(path);
        await clickStep(engine, STEPS);
        await assertMatchesTrace(engine, STEPS);
        await assertNoErrors(engine);
      }
    });

    test('Play runs the lab and Pause stops it; a screenshot of each lab', SLOW, async () => {
      for (const [lab, path] of Object.entries(LABS)) {
        await engine.open(path);
        const start = await engine.eval('window.gdviz.state.racers[0].step');
        await engine.click('#play');
        assert.equal(await engine.eval("document.getElementById('play').textContent"), 'Pause');
        // Long enough a run for the screenshot to show trails (the surface) or a boundary (the network).
        await engine.waitFor(`window.gdviz.state.racers[0].step >= ${start + 100}`, { timeout: 60000 });
        await engine.click('#play');
        assert.equal(await engine.eval("document.getElementById('play').textContent"), 'Play');
        const paused = await engine.eval('window.gdviz.state.racers[0].step');
        assert.ok(paused < (await engine.eval('window.gdviz.state.steps')), `${lab}: the run ended before Pause was clicked`);
        assert.equal(await engine.eval(stepAfterFrames(10)), paused, `${lab}: the step counter moved after Pause`);
        await engine.screenshot(`${SCREENSHOT_DIR}engine-${name}-${lab}.png`);
        await assertNoErrors(engine);
      }
    });

    test('the learning-rate and batch-size fields change the run, which still matches the trace', SLOW, async () => {
      await engine.open(ROSENBROCK_RACE);
      await engine.type('#lr', '0.002');
      await engine.press('Tab');
      await engine.waitFor('window.gdviz.scenario.optimizer.lr === 0.002');
      assert.equal(await engine.eval('window.gdviz.scenario.race[0].optimizer.lr'), 0.05, 'the other racer keeps its rate');
      await clickStep(engine, STEPS);
      await assertMatchesTrace(engine, STEPS);
      await assertNoErrors(engine);

      await engine.open(LINREG_BATCHES);
      await engine.type('#batch', '20');
      await engine.press('Tab');
      await engine.waitFor('window.gdviz.scenario.batch_size === 20');
      await clickStep(engine, STEPS);
      await assertMatchesTrace(engine, STEPS);
      await assertNoErrors(engine);
    });
  });
}
