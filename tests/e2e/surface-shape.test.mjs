// The shape of the surface: curvature at the point (the checkbox draws the Hessian's
// eigen-directions at the selected racer, the read-out gives λmax, λmin and κ, the learning-rate
// slider carries a tick at the stability limit 2/λmax), the line search drawn, and what a run
// costs in evaluations. Driven as a teacher does: tick the box, press keys on the slider, pick a
// racer in the legend, press Step, open the lessons from the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, openAndRun, runToEnd, scenarioOf, stateOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

const readout = (page) => page.locator('#curvature-readout').textContent();
const close = (actual, expected, tolerance, what) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

/** How many pixels of canvas `id` (the markers canvas unless named) are drawn (not transparent). */
const drawnPixels = (page, id = 'markers') => page.evaluate(async (name) => {
  const canvas = document.getElementById(name);
  const { data } = (await window.__seen(canvas)).getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let k = 3; k < data.length; k += 4) if (data[k] > 0) n += 1;
  return n;
}, id);

test('curvature on the quadratic: tick the box, read λmax = 10, step the learning rate across 2/λmax = 0.2', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&angle=0.3&o=sgd(lr=0.1)&start=3,2');
  const box = page.getByLabel('Curvature at the point');
  assert.equal(await page.locator('#curvature-readout').isHidden(), true, 'off by default');
  assert.equal(await page.locator('#lr-edge').isHidden(), true);
  const before = await drawnPixels(page);
  await box.check();
  const text = await readout(page);
  assert.match(text, /λmax = 10, λmin = 1, condition number κ = λmax\/λmin = 10\./);
  assert.match(text, /Learning rate 0\.1 is below 2\/λmax = 0\.2/);
  assert.ok((await drawnPixels(page)) > before + 100, 'the glyph is drawn at the racer');
  assert.equal(await page.locator('#lr-edge').isVisible(), true, 'the slider carries the tick');
  // The tick sits where the thumb stands at 0.2: one notch right of 0.1.
  const slider = page.getByLabel('Learning rate slider (log scale)');
  await slider.press('ArrowRight');
  assert.equal((await scenarioOf(page)).optimizer.lr, 0.2);
  assert.match(await readout(page), /Learning rate 0\.2 is 2\/λmax exactly/);
  const thumbAt = async () => {
    const b = await slider.boundingBox();
    const v = Number(await slider.inputValue()) / Number(await slider.getAttribute('max'));
    return b.x + 8 + v * (b.width - 16);
  };
  const tick = await page.locator('#lr-edge').boundingBox();
  close(tick.x + tick.width / 2, await thumbAt(), 1.5, 'the tick is under the thumb at 2/λmax');
  await slider.press('ArrowRight');
  assert.equal((await scenarioOf(page)).optimizer.lr, 0.5);
  assert.match(await readout(page), /Learning rate 0\.5 is past 2\/λmax = 0\.2: plain gradient descent overshoots/);
  assert.equal(await page.locator('#lr-edge.crossed').count(), 1, 'the tick shows it is crossed');
  // Past the edge the run does what the read-out says: it diverges.
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].status === 'diverged', null, { timeout: 30000 });
  // The setting rides in the link.
  assert.match(page.url(), /[?&]curv=1(&|$)/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/curvature-quadratic.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('curvature on a saddle: a negative λmin, the downward axis dashed, and no condition number', async () => {
  const { page, errors } = await openPage(session, '?f=saddle&o=sgd(lr=0.05)&start=0.5,0.3&curv=1');
  assert.equal(await page.getByLabel('Curvature at the point').isChecked(), true, 'curv=1 ticks the box');
  const text = await readout(page);
  assert.match(text, /λmax = 2, λmin = −2: a saddle/);
  assert.doesNotMatch(text, /κ/);
  assert.ok((await drawnPixels(page)) > 200);
  // A phone-sized touch screen: the box is reached and ticked by a tap.
  const phone = await openPage(session, '?f=quadratic&o=sgd(lr=0.1)&start=3,2', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await phone.page.getByLabel('Curvature at the point').tap();
  assert.match(await readout(phone.page), /λmax = 10/);
  await phone.page.screenshot({ path: `${SCREENSHOT_DIR}/curvature-phone.png`, fullPage: true });
  assert.deepEqual(phone.errors, []);
  await phone.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson “Past the edge”: each racer is within or past 2/λmax as the text says, and its loss shows it', async () => {
  const { page, errors } = await openPage(session);
  // "λmax grows from 850 at this start": the read-out before the run.
  await page.locator('#lessons summary').click();
  await page.getByRole('link', { name: 'Past the edge: the step size against the curvature', exact: true }).click();
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Reset' }).click();
  // The read-outs follow a Reset on the next frames (drawn part by part), as a person sees them.
  await page.waitForFunction(() => /λmax = 849\.5/.test(document.getElementById('curvature-readout').textContent), null, { timeout: 5000 })
    .catch(() => {});
  assert.match(await readout(page), /λmax = 849\.5/);
  assert.match(await readout(page), /Learning rate 0\.0019 is below 2\/λmax = 0\.00235/);
  const racers = await openAndRun(page, 'Past the edge: the step size against the curvature');
  // "it creeps down the floor to loss 8e−5"
  close(racers[0].loss, 8e-5, 0.5e-5, 'red');
  assert.match(await readout(page), /Learning rate 0\.0019 is below 2\/λmax/);
  // "its loss falls to 2e−4 by step 2100, then … climbs again": the white racer ends higher.
  assert.ok(racers[1].loss > 2.5e-4, `white climbs again: ${racers[1].loss}`);
  await page.locator('.racer').nth(1).click();
  assert.match(await readout(page), /Learning rate 0\.0021 is past 2\/λmax = 0\.00208/);
  // "it ends up far from the minimum, its loss swinging around 0.17, where λmax ≈ 765 puts 2/λmax = 0.0026 just above its rate"
  close(racers[2].loss, 0.17, 0.005, 'orange');
  await page.locator('.racer').nth(2).click();
  assert.match(await readout(page), /λmax = 765\.4/);
  assert.match(await readout(page), /Learning rate 0\.0025 is below 2\/λmax = 0\.00261/);
  // "falls to 2e−4 by step 2100": the same run with a budget of 2100 steps.
  await page.getByLabel('Step budget', { exact: true }).fill('2100');
  await page.getByLabel('Step budget', { exact: true }).press('Tab');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => !window.gdviz.playing && window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 60000 });
  close((await stateOf(page)).racers[1].loss, 2e-4, 0.3e-4, 'white at step 2100');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-past-the-edge.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson “Newton vs L-BFGS vs Adam by cost”: L-BFGS wins by steps, Newton by evaluations of f and ∇f', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Newton vs L-BFGS vs Adam by cost');
  const [newton, lbfgs, adam] = racers;
  // "after 6 steps it is below 10⁻⁹", "below 10⁻⁹ after 3", "L-BFGS spent 53 of them, Newton 6 (and 6 Hessians)"
  assert.deepEqual([newton.status, newton.step, newton.samples, newton.hessians], ['converged', 6, 6, 6]);
  assert.ok(newton.loss < 1e-9);
  assert.deepEqual([lbfgs.status, lbfgs.step, lbfgs.samples, lbfgs.hessians], ['converged', 3, 53, null]);
  assert.ok(lbfgs.loss < 1e-9);
  // "Adam … after 400 is at loss 0.40"
  assert.deepEqual([adam.step, adam.samples], [400, 400]);
  close(adam.loss, 0.40, 0.005, 'Adam');
  // The axis the text names, and the counter in the same words.
  const axis = page.getByLabel('Loss chart x-axis');
  assert.equal(await axis.inputValue(), 'samples');
  assert.equal(await axis.locator('option:checked').textContent(), 'Evaluations of f and ∇f');
  assert.equal(await page.locator('#counter').textContent(), 'Optimizer 1: step 6 · 6 evaluations of f and ∇f · 6 Hessians');
  // "its second step overshoots to loss 752": Reset, two Steps.
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Step' }).click();
  await page.getByRole('button', { name: 'Step' }).click();
  close((await stateOf(page)).racers[0].loss, 752, 0.5, 'Newton after 2 steps');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-newton-lbfgs-adam.png`, fullPage: true });
  // "Switch the x-axis to iterations"
  await axis.selectOption('steps');
  assert.match(page.url(), /[?&]lesson=newton-lbfgs-adam-cost/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the line search, drawn: an L-BFGS step shows its trials and the accepted α; Adam its last update', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=lbfgs(lr=1,line_search_fn=strong_wolfe)~adam(lr=0.05)&start=-1.5,2&steps=10');
  const box = page.locator('#line-search-box');
  assert.equal(await box.isHidden(), true, 'nothing to draw before the first step');
  await page.getByRole('button', { name: 'Step' }).click();
  await box.waitFor({ state: 'visible' });
  const text = await page.locator('#line-search-readout').textContent();
  const [, trials, accepted] = text.match(/(\d+) trials?; α = ([\d.e−]+) accepted/) ?? [];
  assert.ok(Number(trials) >= 1, text);
  assert.match(text, /Sufficient decrease: φ fell from [\d.]+ to [\d.]+\. Curvature: \|φ′\(α\)\| = [\d.e−]+ ≤ c₂·\|φ′\(0\)\| = [\d.e−]+\./);
  assert.ok(Number(accepted.replace('−', '-')) > 0);
  const inked = await drawnPixels(page, 'line-search');
  assert.ok(inked > 1000, `the inset is drawn (${inked} pixels)`);
  await box.screenshot({ path: `${SCREENSHOT_DIR}/line-search.png` });
  // The step made one search per inner iteration: ◀ and ▶ go through them, the last shown first.
  const which = page.locator('#search-which');
  const [, last, count] = (await which.textContent()).match(/^Search (\d+) of (\d+) in this step$/) ?? [];
  assert.ok(Number(count) > 1 && last === count, await which.textContent());
  assert.equal(await page.getByRole('button', { name: 'Next line search' }).isDisabled(), true);
  const picture = await page.locator('#line-search').screenshot();
  await page.getByRole('button', { name: 'Previous line search' }).click();
  assert.equal(await which.textContent(), `Search ${count - 1} of ${count} in this step`);
  assert.match(await page.locator('#line-search-readout').textContent(), new RegExp(`^Inner iteration ${count - 1} of the last step`));
  assert.notDeepEqual(await page.locator('#line-search').screenshot(), picture, 'another search is drawn');
  // Keys work as for any button: to the first search and no further.
  await page.getByRole('button', { name: 'Previous line search' }).focus();
  for (let k = 0; k < Number(count) + 2; k += 1) await page.keyboard.press('Enter').catch(() => {});
  assert.equal(await which.textContent(), `Search 1 of ${count} in this step`);
  // The next step shows its own last search again.
  await page.getByRole('button', { name: 'Step' }).click();
  await page.waitForFunction(() => /^Search (\d+) of \1 in this step$/.test(document.getElementById('search-which').textContent));
  // Adam has no line search: selecting it shows the loss along its last update instead.
  await page.locator('.racer').nth(1).click();
  assert.match(await page.locator('#line-search-readout').textContent(), /^Along the last update:/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the curvature read-out points at the glyph only where it is on screen', async () => {
  // A saddle near its centre, on the map: the glyph's dashed axis is there to point at.
  const { page, errors } = await openPage(session, '?lang=en&f=saddle&o=sgd(lr=0.1)&start=-1,0.5');
  await page.getByLabel('Curvature at the point').check();
  assert.match(await readout(page), /a saddle — the loss curves down along the dashed axis\./);
  // The 3-D view draws no glyph: the sentence says the shape in words alone.
  await page.getByLabel('3-D view').check();
  await page.waitForFunction(() => !/dashed axis/.test(document.getElementById('curvature-readout').textContent));
  assert.match(await readout(page), /a saddle — the loss curves up one way and down the other\./);
  // A racer past the edge of the map (lr 0.25 on the quadratic, past 2/λmax = 0.2): none either.
  const off = await openPage(session, '?lang=en&f=quadratic&kappa=10&o=sgd(lr=0.25)&start=3,2&curv=1');
  for (let i = 0; i < 12; i += 1) await off.page.getByRole('button', { name: 'Step', exact: true }).click();
  const text = await readout(off.page);
  assert.match(text, /Learning rate 0\.25 is past 2\/λmax = 0\.2: plain gradient descent overshoots along the steepest direction\.$/);
  assert.doesNotMatch(text, /glyph/);
  assert.deepEqual([...errors, ...off.errors], []);
  await off.page.close();
  await page.close();
});

test('the update, written out: a clipped gradient is said, and AdamW’s decay counts once', async () => {
  const { page, errors } = await openPage(session, '?lang=en&f=booth&o=sgd(lr=0.01)&start=-5,5');
  await page.getByLabel('Gradient clipping', { exact: true }).fill('1');
  await page.getByLabel('Gradient clipping', { exact: true }).press('Tab');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  // Booth's gradient at (−5, 5) is (−44, −28): norm 52.15, clipped to 1.
  const table = page.locator('#explain');
  await table.filter({ hasText: 'before clipping' }).waitFor();
  assert.match(await table.textContent(), /‖g‖ before clipping, then g ← g·c\/\(‖g‖ \+ 10⁻⁶\) {3}\(c = 1\); clipped: the g below is the rescaled one\s*52\.15/);
  const adamw = await openPage(session, '?lang=en&f=booth&o=adamw(lr=0.1,weight_decay=0.5)&start=3,2');
  await adamw.page.getByRole('button', { name: 'Step', exact: true }).click();
  const text = await adamw.page.locator('#explain').textContent();
  // The decay is a term of Δp, shown as such, not a p already shrunk that Δp shrinks again.
  assert.match(text, /−lr·λ·p {3}\(λ = 0\.5: p shrinks by the factor 1 − lr·λ = 0\.95\); decoupled weight decay\s*\(−0\.15, −0\.1\)/);
  assert.doesNotMatch(text, /p ← p·\(1 − lr·λ\)/);
  assert.deepEqual([...errors, ...adamw.errors], []);
  await adamw.page.close();
  await page.close();
});

test('the last step in one dimension at a run’s edges: an overflow, a level line, a tiny change', async () => {
  const cases = [
    // x³ − 3x + y² falls without bound: the run overflows, and there is no line to draw.
    ['?lang=en&f=custom&expr=x%5E3-3*x%2By%5E2&box=-3,3,-3,3&o=sgd(lr=0.01)', /^The loss is not a finite number at an end of the last step \(where it started: −\d\.\d+e\+\d+; where it landed: —\): the run overflowed/],
    // Nesterov on the quadratic reaches exactly 0 and stays: nothing rose.
    ['?lang=en&f=quadratic&kappa=10&o=sgd(lr=0.05,momentum=0.9,nesterov=true)', /^Along the last update the loss stayed at 0: the step did not change it/],
  ];
  for (const [query, expected] of cases) {
    const { page, errors } = await openPage(session, query);
    await runToEnd(page);
    const text = await page.locator('#line-search-readout').textContent();
    assert.match(text, expected, query);
    assert.doesNotMatch(text, /rises from the very start|still falling/, query);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('the last step in one dimension: past 2/λmax the step lands beyond twice the line’s lowest point', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&angle=0.3&o=sgd(lr=0.3)~sgd(lr=0.05)&start=3,2');
  const box = page.locator('#line-search-box');
  assert.equal(await box.isHidden(), true, 'nothing before the first step');
  await page.getByRole('button', { name: 'Step' }).click();
  await box.waitFor({ state: 'visible' });
  const readout = page.locator('#line-search-readout');
  // lr = 0.3 on curvature c = 9.079 along the step: the line's minimum is at α = 1/(lr·c) =
  // 0.3671, the step 2.724 times as far.
  assert.match(await readout.textContent(), /from 11\.22 to 23\.9 where the step landed \(α = 1\)\. The lowest loss on this line, 4\.786, is at α = 0\.3671: the step went 2\.724 times as far, past it/);
  // On a quadratic the line's minimum is at α = 1/(lr·c), and 0.3 is past 2/c = 0.22 — the
  // read-out's 2/λmax = 0.2 is the steepest direction's.
  assert.match(await readout.textContent(), /Along this step the curvature is c = 9\.079 where it started .* passes 2\/c = 0\.22\./);
  assert.ok((await drawnPixels(page, 'line-search')) > 1000);
  await box.screenshot({ path: `${SCREENSHOT_DIR}/step-slice.png` });
  await page.locator('.racer').nth(1).click();
  // lr = 0.05: the line's minimum, at α = 1/(0.05·9.079) = 2.2, is past the plot's end.
  assert.match(await readout.textContent(), /from 11\.22 to 6\.704 where the step landed \(α = 1\), and it is still falling at α = 2 \(4\.84\), the end of this plot: the step stopped far short of the line’s lowest point\./);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The camera the page's URL holds: `cam=` as numbers, or null for the default camera. */
const cameraInUrl = (page) => {
  const text = new URL(page.url()).searchParams.get('cam');
  return text === null ? null : text.split(',').map(Number);
};

/** Waits until the URL's camera is `expected` (`null`: the default camera, not written). */
const expectCamera = async (page, expected) => {
  const text = expected === null ? null : expected.join(',');
  await page.waitForFunction((want) => new URL(window.location.href).searchParams.get('cam') === want, text, { timeout: 5000 })
    .catch(() => assert.deepEqual(cameraInUrl(page), expected));
};

test('3-D view ticked after a race has run: the same race, its paths and curves kept, not a new start', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&n=100&noise=0.1&o=sgd(lr=0.03)~sgd(lr=0.03,batch=1)&seed=1&steps=300');
  const { racers: ran } = await runToEnd(page);
  assert.ok(ran.every((r) => r.step === 300), 'both ran their 300 steps');
  await page.getByLabel('3-D view').check();
  await page.locator('#paths3d').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !window.gdviz.drawingInTurn);
  const { racers: shown } = await stateOf(page);
  assert.deepEqual(shown.map((r) => [r.step, r.loss]), ran.map((r) => [r.step, r.loss]), 'every racer where it was');
  assert.match(await page.locator('#status').textContent(), /^Finished at step 300/);
  assert.ok((await drawnPixels(page, 'paths3d')) > 200, 'the paths are drawn in 3-D');
  assert.deepEqual(errors, []);
  await page.close();
});

test('3-D view: tick it, turn it by dragging, keys, wheel and a finger, reset it; the camera rides in the link', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)&start=-1.5,2&steps=300');
  const canvas = page.locator('#paths3d');
  assert.equal(await canvas.isHidden(), true, 'off by default');
  await page.getByLabel('3-D view').check();
  await canvas.waitFor({ state: 'visible' });
  assert.match(page.url(), /[?&]view3d=1(&|$)/);
  assert.equal(cameraInUrl(page), null, 'the default camera is not written');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 30000 });
  assert.ok((await drawnPixels(page, 'surface3d')) > 10000, 'the surface is drawn');
  assert.ok((await drawnPixels(page, 'paths3d')) > 200, 'the paths are drawn');
  const before = await canvas.screenshot();
  // Drag with the mouse: the view turns, and the link remembers it.
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2 + 20, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.has('cam'));
  const [yaw, pitch, zoom] = cameraInUrl(page);
  assert.equal(yaw, -75, 'dragged 100 px right: 40° more');
  assert.equal(pitch, 43, 'dragged 20 px down: 8° higher');
  assert.equal(zoom, 1);
  assert.notDeepEqual(await canvas.screenshot(), before, 'the picture turned');
  // Keys, once the view has the focus: an arrow turns it 5°, + zooms, 0 resets.
  await canvas.focus();
  await page.keyboard.press('ArrowLeft');
  await expectCamera(page, [-70, 43, 1]);
  await page.keyboard.press('+');
  await expectCamera(page, [-70, 43, 1.2]);
  await page.keyboard.press('0');
  await expectCamera(page, null);
  // The wheel zooms, to the end of its range and no further.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 12; i += 1) await page.mouse.wheel(0, -400);
  await expectCamera(page, [-35, 35, 4]);
  // A link with the camera opens on that view; Reset camera brings the default back.
  const shared = page.url();
  const again = await openPage(session, new URL(shared).search);
  assert.equal(await again.page.getByLabel('3-D view').isChecked(), true);
  assert.deepEqual(cameraInUrl(again.page), [-35, 35, 4]);
  await again.page.getByRole('button', { name: 'Reset camera' }).click();
  await expectCamera(again.page, null);
  assert.deepEqual(again.errors, []);
  await again.page.close();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/view3d.png` });
  // The plane's canvases were left alone under the 3-D view: turned off, it shows the whole run.
  await page.getByLabel('3-D view').uncheck();
  await canvas.waitFor({ state: 'hidden' });
  assert.ok((await drawnPixels(page, 'trails')) > 200, 'the paths on the plane caught up');
  assert.ok((await drawnPixels(page, 'markers')) > 20, 'and the markers');
  assert.deepEqual(errors, []);
  await page.close();
});

test('3-D view on a phone: a finger turns it and the page does not scroll', async () => {
  const { page, errors } = await openPage(session, '?f=himmelblau&o=adam(lr=0.05)&start=-4,4&steps=200&view3d=1', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const canvas = page.locator('#paths3d');
  await canvas.waitFor({ state: 'visible' });
  const box = await canvas.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y: box.y + box.height / 2 }] });
  const scrolled = await page.evaluate(() => window.scrollY);
  await touch('touchStart', box.x + 100);
  for (let x = 110; x <= 200; x += 10) await touch('touchMove', box.x + x);
  await touch('touchEnd');
  await page.waitForFunction(() => new URL(window.location.href).searchParams.has('cam'));
  assert.equal(cameraInUrl(page)[0], -75, 'a 100 px swipe turns it 40°');
  assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the swipe turned the view, not the page');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/view3d-phone.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('3-D view: a hill hides the path behind it, drawn faint there, and the floor under the surface', async () => {
  // Himmelblau from low over one side: the runs end in the far well, behind the near hills.
  const { page, errors } = await openPage(session, '?f=himmelblau&o=adam(lr=0.05)~sgd(lr=0.01)&start=-4,4&steps=300&view3d=1&cam=-60,12,1.3');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 30000 });
  const alphas = await page.evaluate(() => {
    const canvas = document.getElementById('paths3d');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const counts = { solid: 0, faint: 0 };
    for (let k = 3; k < data.length; k += 4) {
      if (data[k] >= 200) counts.solid += 1;
      else if (data[k] >= 40 && data[k] <= 110) counts.faint += 1;
    }
    return counts;
  });
  assert.ok(alphas.solid > 150, `the seen stretch is drawn solid (${alphas.solid} px)`);
  assert.ok(alphas.faint > 150 && alphas.faint > alphas.solid / 4, `the hidden stretch is drawn faint (${alphas.faint} px, ${alphas.solid} solid)`);
  await page.locator('#stack').screenshot({ path: `${SCREENSHOT_DIR}/view3d-hidden.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('3-D view: a racer that leaves the view is drawn to its edge and shown on it, as on the plane', async () => {
  // lr = 0.3 past 2/λmax = 0.2: the second step throws the red racer out of the view.
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&angle=0.3&o=sgd(lr=0.3)~sgd(lr=0.05)&start=3,2&view3d=1&cam=0,90,1');
  await page.locator('#paths3d').waitFor({ state: 'visible' });
  for (let i = 0; i < 2; i += 1) await page.getByRole('button', { name: 'Step', exact: true }).click();
  const [x, y] = await page.evaluate(() => [window.gdviz.state.racers[0].x, window.gdviz.state.racers[0].y]);
  assert.ok(Math.abs(x) > 4 || Math.abs(y) > 4, `the red racer is off the view at (${x}, ${y})`);
  // Both racers' points are drawn over the paths (the red one on the view's edge): their black
  // outlines, a colour no path is drawn in.
  const outlines = await page.evaluate(() => {
    const canvas = document.getElementById('paths3d');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let k = 0; k < data.length; k += 4) if (data[k + 3] >= 200 && Math.max(data[k], data[k + 1], data[k + 2]) < 40) count += 1;
    return count;
  });
  assert.ok(outlines > 40, `two points' outlines drawn (${outlines} px)`);
  await page.locator('#stack').screenshot({ path: `${SCREENSHOT_DIR}/view3d-left-the-view.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('curvature: momentum has its own limit 2(1 + μ)/λmax, and L-BFGS’s rate is not compared with 2/λmax', async () => {
  // Heavy ball with μ = 0.9 on λmax = 10: stable up to 2·1.9/10 = 0.38, so lr 0.3 — past plain
  // gradient descent's 0.2 — still converges.
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&angle=0&o=sgd(lr=0.3,momentum=0.9)&start=3,2&curv=1&steps=300');
  assert.match(await readout(page), /Learning rate 0\.3 is below 2\(1 \+ μ\)\/λmax = 0\.38, the limit of this update with momentum μ = 0\.9 \(plain gradient descent’s is 2\/λmax = 0\.2\): it does not overshoot here\./);
  assert.equal(await page.locator('#lr-edge').isHidden(), false, 'the tick marks 0.38');
  assert.match(await page.locator('#lr-edge').getAttribute('title'), /^2\(1 \+ μ\)\/λmax = 0\.38/);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 30000 });
  const { loss } = (await stateOf(page)).racers[0];
  assert.ok(loss < 1e-6, `it converged: loss ${loss}`);
  await page.close();
  // L-BFGS's lr scales a quasi-Newton step: no verdict, no tick.
  const lbfgs = await openPage(session, '?f=rosenbrock&o=lbfgs(lr=1,line_search_fn=strong_wolfe)&start=-1.5,2&curv=1');
  assert.match(await readout(lbfgs.page), /2\/λmax = [\d.e−]+ is the limit of plain gradient descent; L-BFGS’s learning rate is not a step along the gradient, so it is not compared with it\./);
  assert.equal(await lbfgs.page.locator('#lr-edge').isHidden(), true);
  assert.equal(await lbfgs.page.locator('#curvature-readout.past-edge').count(), 0);
  assert.deepEqual([...errors, ...lbfgs.errors], []);
  await lbfgs.page.close();
});
