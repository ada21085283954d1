// The surface lab as a teacher uses it: every control by its label, the canvas, the transport
// buttons and keys, shared links, divergence and mangled URLs — with no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, stateOf, scenarioOf, runToEnd, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** A checksum of a canvas's pixels, to see that a picture changed. */
const canvasSum = (page, selector) => page.evaluate(async (sel) => {
  const canvas = document.querySelector(sel);
  const { data } = (await window.__seen(canvas)).getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 16) sum = (sum * 31 + data[i]) % 1000000007;
  return sum;
}, selector);

async function setNumber(page, label, value) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.press('Tab');
}

test('each control changes the scenario, the URL and the picture', async () => {
  const { page, errors } = await openPage(session);
  const heatBefore = await canvasSum(page, '#heat');

  await page.getByLabel('Surface', { exact: true }).selectOption('himmelblau');
  assert.equal((await scenarioOf(page)).objective.name, 'himmelblau');
  assert.notEqual(await canvasSum(page, '#heat'), heatBefore, 'the heat map is redrawn');
  assert.match(page.url(), /f=himmelblau/);

  await setNumber(page, 'Learning rate', 0.002);
  assert.equal((await scenarioOf(page)).optimizer.lr, 0.002);
  assert.match(page.url(), /lr=0\.002/);

  await setNumber(page, 'Momentum', 0.5);
  assert.equal((await scenarioOf(page)).optimizer.momentum, 0.5);

  await page.getByLabel('Optimizer', { exact: true }).selectOption('adam');
  assert.equal((await scenarioOf(page)).optimizer.name, 'adam');
  assert.equal(await page.getByLabel('Momentum', { exact: true }).isDisabled(), true, 'Adam has betas, not momentum');

  await page.locator('#hyper summary').click();
  await setNumber(page, 'β₁', 0.8);
  assert.deepEqual((await scenarioOf(page)).optimizer.betas, [0.8, 0.999]);
  await page.getByLabel('AMSGrad').check();
  assert.equal((await scenarioOf(page)).optimizer.amsgrad, true);

  await setNumber(page, 'Gradient noise σ', 2);
  await setNumber(page, 'Batch size', 16);
  const noisy = await scenarioOf(page);
  assert.deepEqual([noisy.noise.sigma, noisy.batch_size], [2, 16]);
  assert.match(await page.locator('#batch-kind').textContent(), /σ\/√B = 0\.5/);

  await page.getByLabel('Schedule', { exact: true }).selectOption('cosine');
  assert.equal((await scenarioOf(page)).schedule.name, 'cosine');
  await setNumber(page, 'Gradient clipping', 1);
  assert.equal((await scenarioOf(page)).clip_norm, 1);
  await setNumber(page, 'Seed', 7);
  assert.equal((await scenarioOf(page)).seed, 7);

  const racers = (await stateOf(page)).racers.length;
  await page.getByRole('button', { name: 'Add optimizer' }).click();
  assert.equal((await stateOf(page)).racers.length, racers + 1);
  await page.getByRole('button', { name: 'Remove optimizer' }).click();
  assert.equal((await stateOf(page)).racers.length, racers);

  const trailsBefore = await canvasSum(page, '#trails');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.frames > 10);
  await page.getByRole('button', { name: 'Pause' }).click();
  assert.notEqual(await canvasSum(page, '#trails'), trailsBefore, 'trajectories are drawn');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/surface-himmelblau-adam.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the quadratic shows its momentum lesson and κ', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=50&angle=0.4&o=sgd(lr=0.039)~sgd(lr=0.03,momentum=0.7)&start=3,2');
  await setNumber(page, 'Condition number κ', 20);
  assert.equal((await scenarioOf(page)).objective.kappa, 20);
  await page.evaluate(() => { window.gdviz.lab.advance(150); });
  await page.getByRole('button', { name: 'Step' }).click();
  const theory = await page.locator('#theory').textContent();
  assert.match(theory, /Critical learning rate 2\/L = 0\.1/);
  assert.match(theory, /measured \d/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/surface-quadratic-theory.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('linear regression shows its data, real batches and the noise cloud', async () => {
  const { page, errors } = await openPage(session);
  await page.getByLabel('Surface', { exact: true }).selectOption('linreg');
  const scenario = await scenarioOf(page);
  assert.equal(scenario.objective.kind, 'linreg');
  assert.equal(await page.locator('#inset').isVisible(), true);
  const n = (await stateOf(page)).sample_count;
  assert.match(await page.locator('#batch-kind').textContent(), /BGD/);
  await page.getByLabel('Batch size slider').press('Home');
  assert.equal((await scenarioOf(page)).batch_size, 1, 'the first notch of the slider is SGD');
  assert.match(await page.locator('#batch-kind').textContent(), /SGD/);
  await page.getByLabel('Batch size slider').press('End');
  assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), String(n), 'the last notch is the full batch');
  assert.match(await page.locator('#batch-kind').textContent(), new RegExp(`BGD \\(batch gradient descent\\): each step reads all ${n} training points`));
  await setNumber(page, 'Batch size', 10);
  assert.match(await page.locator('#batch-kind').textContent(), new RegExp(`Mini-batch: each step reads 10 of the ${n} training points`));
  await setNumber(page, 'Learning rate', 0.1);
  await page.getByLabel('Batch noise cloud').check();
  for (let i = 0; i < 6; i += 1) await page.getByRole('button', { name: 'Step' }).click();
  const state = await stateOf(page);
  assert.equal(state.racers[0].samples, 60, '6 steps of 10 samples');
  assert.ok(Math.abs(state.racers[0].epoch - 60 / n) < 1e-12);
  const ghost = await page.evaluate(() => {
    const canvas = document.getElementById('markers');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let light = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] > 200 && data[i + 1] > 200 && data[i + 2] > 200) light += 1;
    return light;
  });
  assert.ok(ghost > 300, `the last batch's ghost contours are drawn (${ghost} light pixels)`);
  await page.getByLabel('Loss chart x-axis').selectOption('samples');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/surface-linreg-cloud.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('click or drag on the canvas sets the start point', async () => {
  const { page, errors } = await openPage(session, '?f=booth');
  const box = await page.locator('#markers').boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
  const start = (await scenarioOf(page)).start;
  const expected = await page.evaluate(([x, y]) => Array.from(window.gdviz.lab.to_plane(x * devicePixelRatio, y * devicePixelRatio)), [box.width * 0.6, box.height * 0.4]);
  assert.ok(Math.abs(start[0] - expected[0]) < 1e-3 && Math.abs(start[1] - expected[1]) < 1e-3, `${start} vs ${expected}`);
  assert.match(page.url(), /start=/);
  assert.deepEqual((await stateOf(page)).racers.map((r) => r.step), [0, 0, 0], 'a new start resets the race');
  assert.deepEqual(errors, []);
  await page.close();
});

test('step, play, pause, reset — by button and by key', async () => {
  const { page, errors } = await openPage(session);
  await page.getByRole('button', { name: 'Step' }).click();
  assert.equal((await stateOf(page)).racers[0].step, 1);
  await page.locator('body').press('ArrowRight');
  assert.equal((await stateOf(page)).racers[0].step, 2);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.frames > 5);
  assert.equal(await page.evaluate(() => window.gdviz.playing), true);
  await page.locator('body').press(' ');
  assert.equal(await page.evaluate(() => window.gdviz.playing), false);
  const paused = (await stateOf(page)).racers[0].step;
  assert.ok(paused > 2);
  await page.waitForTimeout(200);
  assert.equal((await stateOf(page)).racers[0].step, paused, 'paused means paused');
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.equal((await stateOf(page)).racers[0].step, 0);
  await page.locator('body').press('ArrowRight');
  await page.locator('body').press('r');
  assert.equal((await stateOf(page)).racers[0].step, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a shared URL reproduces the run exactly, batches and noise included', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&n=80&noise=0.4&o=sgd(lr=0.05)~adam(lr=0.05,batch=1)&batch=8&seed=11');
  await setNumber(page, 'Seed', 12);
  const url = page.url();
  const run = (p) => p.evaluate(() => { window.gdviz.lab.advance(300); return window.gdviz.state.racers.map((r) => [r.x, r.y, r.loss, r.samples]); });
  const first = await run(page);
  const second = await openPage(session, url.slice(url.indexOf('?')));
  assert.deepEqual(await scenarioOf(second.page), await scenarioOf(page));
  assert.deepEqual(await run(second.page), first);
  const noisy = await openPage(session, '?f=rosenbrock&o=sgd(lr=0.001)&sigma=3&batch=4&seed=5');
  const a = await run(noisy.page);
  const again = await openPage(session, noisy.page.url().slice(noisy.page.url().indexOf('?')));
  assert.deepEqual(await run(again.page), a);
  for (const p of [second, noisy, again]) { assert.deepEqual(p.errors, []); await p.page.close(); }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a huge learning rate diverges visibly and the page keeps working', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=sgd(lr=1000000)~adam(lr=0.05)');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].status === 'diverged');
  await page.waitForFunction(() => window.gdviz.frames > 10);
  await page.getByRole('button', { name: 'Pause' }).click();
  const state = await stateOf(page);
  assert.match(state.racers[0].message, /^diverged at step \d+$/);
  assert.equal(state.racers[1].status, 'running');
  assert.ok(state.racers[1].step > state.racers[0].step, 'the others keep running');
  assert.match(await page.locator('#legend').textContent(), /diverged at step/);
  assert.match(await page.locator('#status').textContent(), /diverged at step/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/surface-diverged.png`, fullPage: true });
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.equal((await stateOf(page)).racers[0].status, 'running');
  assert.deepEqual(errors, []);
  await page.close();
});

test('when the only racer diverges, the status line does not say it finished', async () => {
  const { page, errors } = await openPage(session, '?lang=en&f=rosenbrock&o=sgd(lr=1000000)');
  for (let i = 0; i < 6; i += 1) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].status === 'diverged');
  const status = await page.locator('#status').textContent();
  assert.match(status, /^Stopped: no optimizer can go on\. SGD.* diverged at step \d+\.$/, status);
  assert.doesNotMatch(status, /Finished/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('two racers of one optimizer that fail are told apart in the status line', async () => {
  const { page, errors } = await openPage(session, '?lang=en&f=rosenbrock&o=sgd(lr=1000000)~sgd(lr=1000000,momentum=0.9)~adam(lr=0.05)');
  for (let i = 0; i < 6; i += 1) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction(() => window.gdviz.state.racers.filter((r) => r.status === 'diverged').length === 2);
  const status = await page.locator('#status').textContent();
  assert.match(status, /SGD lr=1e6 μ=0 diverged at step \d+; SGD lr=1e6 μ=0\.9 diverged at step \d+\.$/, status);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a racer that leaves the view is an arrowhead on its edge, pointing the way it went', async () => {
  const { page, errors } = await openPage(session, '?lang=en');
  await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Saddle' });
  await runToEnd(page);
  // f = x² − y² has no minimum: every racer runs off the top (or bottom) of the view.
  // The orange racer (Adam) is drawn last, over the others, which went the same way.
  const orange = await page.evaluate(async () => {
    const canvas = document.getElementById('markers');
    const { data } = (await window.__seen(canvas)).getImageData(0, 0, canvas.width, canvas.height);
    const rows = new Map();
    let column = 0;
    for (let y = 0; y < canvas.height; y += 1) {
      for (let x = 0; x < canvas.width; x += 1) {
        const k = 4 * (y * canvas.width + x);
        if (data[k + 3] > 200 && data[k] > 230 && data[k + 1] > 130 && data[k + 1] < 200 && data[k + 2] < 60) {
          rows.set(y, (rows.get(y) ?? 0) + 1);
          column = x;
        }
      }
    }
    const ys = [...rows.keys()];
    const top = Math.min(...ys);
    const bottom = Math.max(...ys);
    return { top, bottom, topWidth: rows.get(top + 1), bottomWidth: rows.get(bottom - 1), planeY: Array.from(window.gdviz.lab.to_plane(column, top))[1] };
  });
  assert.ok(Math.abs(orange.planeY - 2) < 0.05, `the orange marker stands on the view's top edge (y = ${orange.planeY})`);
  assert.ok(orange.bottom - orange.top >= 10 * (await page.evaluate(() => devicePixelRatio)) - 1, `an arrowhead, not a clipped dot: ${JSON.stringify(orange)}`);
  assert.ok(orange.topWidth < orange.bottomWidth, `pointing up, out of the view: ${JSON.stringify(orange)}`);
  // And the status line says where they are.
  assert.equal(await page.locator('#status').textContent(), 'Finished at step 5000: every optimizer has stopped. All 3 have left the map: the arrows on its edge point the way they went.');
  await page.locator('#stack').screenshot({ path: `${SCREENSHOT_DIR}/surface-left-the-view.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a mangled URL falls back per parameter and says what it ignored', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=adam(lr=-1)~sgd(lr=0.001)&batch=zero&kappa=3&speed=99&bogus=1');
  const notice = await page.locator('#notice').textContent();
  for (const name of ['o[0].lr', 'batch', 'speed', 'bogus']) assert.ok(notice.includes(`\`${name}\``), `${name} in: ${notice}`);
  const scenario = await scenarioOf(page);
  assert.equal(scenario.optimizer.name, 'adam');
  assert.equal(scenario.optimizer.lr, 0.001, 'the bad lr fell back to the default');
  await page.getByRole('button', { name: 'Step' }).click();
  assert.equal((await stateOf(page)).racers[0].step, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page’s own link settings say what they ignored too: a camera, a switch, a lock', async () => {
  const { page, errors } = await openPage(session, '?lang=en&f=booth&cam=abc&view3d=2&curv=yes&present=2&lock=lr,nope');
  const notice = await page.locator('#notice').textContent();
  assert.match(notice, /ignored `cam`: “abc” is not a camera \(accepted: yaw,pitch,zoom/);
  for (const [key, value] of [['view3d', '2'], ['curv', 'yes'], ['present', '2']]) {
    assert.ok(notice.includes(`ignored \`${key}\`: “${value}” (accepted: 1 for on, 0 or left out for off)`), `${key} in: ${notice}`);
  }
  assert.match(notice, /ignored in `lock`: nope \(accepted: lr, batch, /);
  // What was well written is still taken: the learning rate is locked, nothing else is.
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).isDisabled(), true);
  assert.doesNotMatch(page.url(), /nope/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a refused edit keeps the old value and names the field', async () => {
  const { page, errors } = await openPage(session);
  await setNumber(page, 'Learning rate', -3);
  assert.equal(await page.locator('#notice').textContent(), 'Learning rate: −3 is too small — enter a number from 0 to 1e12.');
  assert.equal((await scenarioOf(page)).optimizer.lr, 0.001);
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.001');
  assert.deepEqual(errors, []);
  await page.close();
});

test('back and forward walk through the settings', async () => {
  const { page, errors } = await openPage(session);
  await page.getByLabel('Surface', { exact: true }).selectOption('beale');
  await page.waitForTimeout(700);
  await page.getByLabel('Surface', { exact: true }).selectOption('booth');
  await page.goBack();
  await page.waitForFunction(() => window.gdviz.scenario.objective.name === 'beale');
  assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'beale');
  await page.goForward();
  await page.waitForFunction(() => window.gdviz.scenario.objective.name === 'booth');
  assert.deepEqual(errors, []);
  await page.close();
});

/**
 * Hovers the loss chart down its right-hand edge (where the curves end) until the read-out
 * appears; its text, or null.
 */
async function hoverChartEnd(page) {
  await page.locator('#chart').scrollIntoViewIfNeeded();
  const box = await page.locator('#chart').boundingBox();
  for (let y = box.y + 4; y < box.y + box.height - 4; y += 3) {
    await page.mouse.move(box.x + box.width - 12, y);
    if (await page.locator('#chart-hover').isVisible()) return page.locator('#chart-hover').textContent();
  }
  return null;
}

test('hovering the loss chart reads out the step, epoch and exact loss, on log and linear axes', async () => {
  const cases = [
    // Rosenbrock's minimum is known: a log axis of loss − minimum.
    ['?f=rosenbrock&o=adam(lr=0.05)&steps=200', 'log'],
    // Your own function going below zero with no known minimum: a linear axis, not a floor.
    ['?f=custom&expr=x%5E2%2By%5E2-4&box=-3,3,-3,3&start=2,2&o=sgd(lr=0.1)&steps=200', 'linear'],
  ];
  for (const [query, scale] of cases) {
    const { page, errors } = await openPage(session, query);
    await page.evaluate(() => window.gdviz.lab.advance(199));
    await page.getByRole('button', { name: 'Step' }).click();
    assert.equal(await page.evaluate(() => window.gdviz.lab.chart_scale()), scale, query);
    const racer = (await stateOf(page)).racers[0];
    const text = await hoverChartEnd(page);
    assert.ok(text, `${query}: a read-out appears over the end of the curve`);
    const match = text.match(/step (\d+) · epoch ([\d.]+) · loss (\S+)/);
    assert.ok(match, text);
    assert.ok(Number(match[1]) >= 190, `${query}: near the end, ${text}`);
    if (Number(match[1]) === racer.step) assert.equal(Number(match[3]), racer.loss, 'the exact loss');
    // At the chart's right edge the read-out turns to the pointer's left, inside the chart.
    const [tip, chart] = await Promise.all(['#chart-hover', '#chart'].map((s) => page.locator(s).boundingBox()));
    assert.ok(tip.x >= chart.x && tip.x + tip.width <= chart.x + chart.width + 0.5,
      `${query}: the read-out ${JSON.stringify(tip)} stays within the chart ${JSON.stringify(chart)}`);
    if (scale === 'linear') {
      assert.ok(racer.loss < 0, `the custom function went below zero: ${racer.loss}`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/chart-linear-axis.png` });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});
