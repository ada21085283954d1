// Every control of the panel, driven as a person drives it — typed, picked, dragged and keyed
// across its whole range, ends included — with what the person would check: the scenario changed
// as the label says, the page refused nothing reasonable (and, for what it refuses, named the
// control and said what it accepts), and no console error. Every Step draws the path so far.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, runToEnd, scenarioOf, stateOf, setNumber, noticeOf, trailPixels, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

test('one Step — by button, by → and playing at 1 step/s — draws the path so far', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&o=sgd(lr=0.05)~adam(lr=0.05)');
  assert.equal(await trailPixels(page), 0, 'no path before the first step');
  let drawn = 0;
  for (let i = 1; i <= 15; i += 1) {
    if (i % 2) await page.getByRole('button', { name: 'Step' }).click();
    else await page.keyboard.press('ArrowRight');
    const now = await trailPixels(page);
    assert.ok(now > drawn, `step ${i} adds to the path (${drawn} → ${now} pixels)`);
    drawn = now;
  }
  assert.equal((await stateOf(page)).racers[0].step, 15);
  // Every segment so far is on the canvas: the midpoint of each step's segment is painted.
  const positions = [];
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.equal(await trailPixels(page), 0, 'Reset clears the path');
  for (let i = 0; i < 6; i += 1) {
    positions.push(await page.evaluate(() => [window.gdviz.state.racers[0].x, window.gdviz.state.racers[0].y]));
    await page.getByRole('button', { name: 'Step' }).click();
  }
  positions.push(await page.evaluate(() => [window.gdviz.state.racers[0].x, window.gdviz.state.racers[0].y]));
  const missing = await page.evaluate((points) => {
    const canvas = document.getElementById('trails');
    const context = canvas.getContext('2d');
    const gaps = [];
    for (let k = 0; k + 1 < points.length; k += 1) {
      const mid = [(points[k][0] + points[k + 1][0]) / 2, (points[k][1] + points[k + 1][1]) / 2];
      const [px, py] = Array.from(window.gdviz.lab.to_pixel(mid[0], mid[1]));
      const { data } = context.getImageData(Math.round(px) - 1, Math.round(py) - 1, 3, 3);
      if (![3, 7, 11, 15, 19, 23, 27, 31, 35].some((i) => data[i] > 0)) gaps.push(k + 1);
    }
    return gaps;
  }, positions);
  assert.deepEqual(missing, [], 'no step is missing from the path');
  // Playing at the slowest speed: one step a second, each drawn as it is taken.
  await page.getByLabel('Speed', { exact: true }).press('Home');
  assert.equal(await page.locator('#speed-value').textContent(), '1 step/s');
  const before = await trailPixels(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].step >= 8, null, { timeout: 10000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  assert.ok(await trailPixels(page) > before, 'playing at 1 step/s draws too');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/step-path.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the learning-rate slider: every notch from 1e−6 to 100 by key and by pointer, never refused', async () => {
  const { page, errors } = await openPage(session, '?f=booth&o=sgd(lr=0.001)');
  const slider = page.getByLabel('Learning rate slider (log scale)');
  const lr = async () => (await scenarioOf(page)).optimizer.lr;
  await slider.press('Home');
  assert.equal(await lr(), 1e-6, 'Home: the smallest rate');
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.000001', 'the field shows the number itself');
  assert.equal(await slider.getAttribute('aria-valuetext'), '1e−6', 'and the slider tells a screen reader the rate');
  const seen = [await lr()];
  for (let notch = 0; notch < 24; notch += 1) {
    await slider.press('ArrowRight');
    seen.push(await lr());
    assert.equal(await noticeOf(page), '', `no refusal at ${seen.at(-1)}`);
  }
  assert.deepEqual(seen, [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]);
  await slider.press('PageDown');
  assert.equal(await lr(), 10, 'Page Down: a decade down');
  await slider.press('PageUp');
  assert.equal(await lr(), 100, 'Page Up: a decade up');
  await slider.press('End');
  assert.equal(await lr(), 100);
  assert.match(await page.locator('.racer[aria-pressed="true"]').textContent(), /lr=100/, 'the legend follows');
  // The pointer: drag the thumb to each end of the track.
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 4, y);
  await page.mouse.down();
  await page.mouse.move(box.x - 40, y, { steps: 8 });
  await page.mouse.up();
  assert.equal(await lr(), 1e-6, 'dragged to the left end');
  await page.mouse.move(box.x + 4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 40, y, { steps: 8 });
  await page.mouse.up();
  assert.equal(await lr(), 100, 'dragged to the right end');
  await page.mouse.click(box.x + box.width * 0.5, y);
  assert.ok((await lr()) > 1e-3 && (await lr()) < 0.1, `the middle of the track is a middling rate (${await lr()})`);
  assert.equal(await noticeOf(page), '');
  assert.deepEqual(errors, []);
  await page.close();
});

/** Number fields of the surface lab: label, where the value lands, and values across the range. */
const SURFACE_FIELDS = [
  ['Learning rate', (s) => s.optimizer.lr, [0, 1e-7, 0.002, 1e12]],
  ['Momentum', (s) => s.optimizer.momentum, [0, 0.5, 0.999]],
  // On a surface an unset batch size is B = 1 (the noise model's σ/√B): 1 is written as unset.
  ['Batch size', (s) => s.batch_size ?? 1, [16, 1, 1000000]],
  ['Gradient noise σ', (s) => s.noise?.sigma ?? 0, [0.5, 1000000, 0]],
  ['Gradient clipping', (s) => s.clip_norm ?? '', [1e12, 0.5, '']],
  ['Seed', (s) => s.seed, [0, 7, 9007199254740991]],
  ['Step budget', (s) => s.steps, [0, 1000, 10000000]],
  ['Stop when loss below', (s) => s.stop?.loss_below ?? '', [1e-12, 0.001, '']],
  ['Start x', (s) => s.start[0], [-4.5, 0.25, 4.5]],
  ['Start y', (s) => s.start[1], [-4.5, 0.25, 4.5]],
];

test('every number field of the surface lab takes its whole range as the label says', async () => {
  const { page, errors } = await openPage(session, '?f=booth&o=sgd(lr=0.001,momentum=0.9)');
  for (const [label, read, values] of SURFACE_FIELDS) {
    for (const value of values) {
      await setNumber(page, label, value);
      assert.equal(await noticeOf(page), '', `${label} = ${value}: no refusal`);
      assert.equal(read(await scenarioOf(page)), value, `${label} = ${value}`);
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a value a field cannot take is refused in the field’s own words, and nothing changes', async () => {
  const { page, errors } = await openPage(session, '?f=booth&o=sgd(lr=0.001,momentum=0.9)');
  const cases = [
    ['Learning rate', '-1', 'Learning rate: −1 is too small — enter a number from 0 to 1e12.'],
    ['Learning rate', '', 'Learning rate: enter a number from 0 to 1e12, e.g. 0.01.'],
    ['Learning rate', '2e12', 'Learning rate: 2e12 is too large — enter a number from 0 to 1e12.'],
    ['Momentum', '1', 'Momentum: 1 is too large — enter a number from 0 to 0.999.'],
    ['Batch size', '0', 'Batch size: 0 is too small — enter a whole number from 1 to 1e6.'],
    ['Batch size', '2.5', 'Batch size: 2.5 is not a whole number — enter a whole number from 1 to 1e6.'],
    ['Seed', '-3', 'Seed: −3 is too small — enter a whole number from 0 to 9007199254740991.'],
    ['Step budget', '', 'Step budget: enter a whole number from 0 to 1e7, e.g. 1000.'],
  ];
  const before = await scenarioOf(page);
  for (const [label, text, message] of cases) {
    await setNumber(page, label, text);
    assert.equal(await noticeOf(page), message, `${label} ← "${text}"`);
    // The refused field is marked for assistive technology and described by the sentence.
    const field = page.getByLabel(label, { exact: true });
    assert.equal(await field.getAttribute('aria-invalid'), 'true', label);
    assert.equal(await field.getAttribute('aria-describedby'), 'notice', label);
    assert.deepEqual(await scenarioOf(page), before, `${label} ← "${text}" changes nothing`);
    assert.notEqual(await page.getByLabel(label, { exact: true }).inputValue(), text, 'the field shows the kept value again');
  }
  // Changing the refused field again takes the complaint away, even when the value it gets is
  // the one the lab already has.
  await setNumber(page, 'Momentum', '5');
  assert.match(await noticeOf(page), /^Momentum: 5 is too large/);
  await setNumber(page, 'Momentum', '0.9');
  assert.equal(await noticeOf(page), '');
  assert.equal(await page.getByLabel('Momentum', { exact: true }).getAttribute('aria-invalid'), null);
  // A refusal only the lab can make names the control too, never serde's words.
  await page.getByLabel('Schedule', { exact: true }).selectOption('step');
  await setNumber(page, 'γ (gamma)', 2000);
  assert.equal(await noticeOf(page), 'γ (gamma): 2000 is too large — enter a number from 0 to 1000.');
  assert.doesNotMatch(await noticeOf(page), /invalid type|expected f64|schedule\./);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every select and every option: surfaces, optimizers (L-BFGS too), schedules, chart axes', async () => {
  const { page, errors } = await openPage(session);
  const surfaces = await page.getByLabel('Surface', { exact: true }).evaluate((s) => [...s.options].map((o) => o.value));
  assert.ok(surfaces.length >= 12, surfaces.join());
  for (const name of surfaces) {
    await page.getByLabel('Surface', { exact: true }).selectOption(name);
    assert.equal(await noticeOf(page), '', `surface ${name}`);
    const objective = (await scenarioOf(page)).objective;
    assert.equal(objective.kind === 'linreg' ? 'linreg' : objective.name, name);
  }
  await page.getByLabel('Surface', { exact: true }).selectOption('himmelblau');
  const optimizers = await page.getByLabel('Optimizer', { exact: true }).evaluate((s) => [...s.options].map((o) => [o.value, o.textContent]));
  assert.deepEqual(optimizers.map(([v]) => v), ['sgd', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw', 'nadam', 'adamax', 'newton', 'lbfgs']);
  assert.deepEqual(optimizers.at(-1), ['lbfgs', 'L-BFGS']);
  for (const [name, title] of optimizers) {
    await page.getByLabel('Optimizer', { exact: true }).selectOption(name);
    assert.equal(await noticeOf(page), '', name);
    assert.equal((await scenarioOf(page)).optimizer.name, name);
    assert.equal(await page.getByLabel('Optimizer', { exact: true }).evaluate((s) => s.selectedOptions[0].textContent), title, 'the menu shows the choice');
    assert.match(await page.locator('.racer[aria-pressed="true"] .racer-name').textContent(), new RegExp(`^${title} lr=`));
    for (let i = 0; i < 3; i += 1) await page.getByRole('button', { name: 'Step' }).click();
    const racer = (await stateOf(page)).racers[0];
    assert.ok(['running', 'converged'].includes(racer.status), `${name}: ${racer.message}`);
  }
  for (const schedule of ['step', 'exponential', 'cosine', '']) {
    await page.getByLabel('Schedule', { exact: true }).selectOption(schedule);
    assert.equal((await scenarioOf(page)).schedule?.name ?? '', schedule);
  }
  await page.getByLabel('Schedule', { exact: true }).selectOption('step');
  await setNumber(page, 'Step size', 1);
  await setNumber(page, 'γ (gamma)', 1);
  assert.deepEqual((await scenarioOf(page)).schedule, { name: 'step', step_size: 1, gamma: 1 });
  await page.getByLabel('Schedule', { exact: true }).selectOption('cosine');
  await setNumber(page, 'T_max (steps)', 1);
  await setNumber(page, 'η_min', 0.001);
  assert.deepEqual((await scenarioOf(page)).schedule, { name: 'cosine', t_max: 1, eta_min: 0.001 });
  for (const axis of ['epochs', 'samples', 'steps']) {
    await page.getByLabel('Loss chart x-axis').selectOption(axis);
    assert.equal(await page.evaluate(() => window.gdviz.ui.axis), axis);
  }
  assert.equal(await noticeOf(page), '');
  assert.deepEqual(errors, []);
  await page.close();
});

/** A typical value for each hyper-parameter field, by its label. */
const HYPER_VALUES = {
  'β₁': 0.8, 'β₂': 0.99, 'ε (eps)': 1e-6, 'Weight decay': 0.01, Dampening: 0.1, 'lr decay': 0.01,
  'Initial accumulator': 0.1, 'α (alpha)': 0.9, 'ρ (rho)': 0.8, 'Momentum decay': 0.004, Damping: 0.001,
  'Iterations per step': 5, 'Evaluations per step': 10, 'Gradient tolerance': 1e-5, 'Change tolerance': 1e-7, 'History size': 10,
};

test('every hyper-parameter of every optimizer, by its label', async () => {
  const { page, errors } = await openPage(session, '?f=himmelblau&o=sgd(lr=0.01)');
  await page.locator('#hyper summary').click();
  const optimizers = await page.getByLabel('Optimizer', { exact: true }).evaluate((s) => [...s.options].map((o) => o.value));
  for (const name of optimizers) {
    await page.getByLabel('Optimizer', { exact: true }).selectOption(name);
    const fields = await page.locator('#hyper-fields label').evaluateAll((labels) => labels.map((l) => [l.textContent.trim(), l.querySelector('input, select').type]));
    assert.ok(fields.length > 0 || name === 'sgd', `${name} has hyper-parameters`);
    for (const [label, type] of fields) {
      const control = page.locator('#hyper-fields label', { hasText: label }).locator('input, select');
      if (type === 'checkbox') {
        if (label === 'Nesterov') {
          // Nesterov momentum needs momentum and no dampening: the page says so otherwise.
          await control.check();
          assert.equal(await noticeOf(page), 'Nesterov: Nesterov momentum needs a momentum above 0 and a dampening of 0 — raise the momentum, or untick Nesterov.');
          await setNumber(page, 'Momentum', 0.9);
          await page.locator('#hyper-fields label', { hasText: 'Dampening' }).locator('input').fill('0');
          await page.locator('#hyper-fields label', { hasText: 'Dampening' }).locator('input').press('Tab');
        }
        await control.check();
      } else if (type === 'select-one') {
        await control.selectOption('strong_wolfe');
      } else {
        assert.ok(label in HYPER_VALUES, `a value for ${label}`);
        await control.fill(String(HYPER_VALUES[label]));
        await control.press('Tab');
      }
      assert.equal(await noticeOf(page), '', `${name}: ${label}`);
    }
    const optimizer = (await scenarioOf(page)).optimizer;
    const expected = { sgd: { nesterov: true, dampening: 0, momentum: 0.9, weight_decay: 0.01 }, adam: { amsgrad: true, betas: [0.8, 0.99] }, lbfgs: { line_search_fn: 'strong_wolfe', history_size: 10, max_eval: 10 } }[name];
    if (expected) for (const [key, value] of Object.entries(expected)) assert.deepEqual(optimizer[key], value, `${name}.${key}`);
    for (let i = 0; i < 3; i += 1) await page.getByRole('button', { name: 'Step' }).click();
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('racers: add up to eight, pick one and edit it alone, remove down to one', async () => {
  const { page, errors } = await openPage(session, '?f=booth&o=sgd(lr=0.001)');
  const add = page.getByRole('button', { name: 'Add optimizer' });
  for (let count = 2; count <= 8; count += 1) {
    await add.click();
    assert.equal((await stateOf(page)).racers.length, count);
  }
  assert.equal(await add.isDisabled(), true, 'eight is the most');
  const titles = await page.locator('.racer-name').allTextContents();
  assert.equal(new Set(titles).size, 8, `eight different labels: ${titles.join(' | ')}`);
  // Pick the fourth by keyboard: Enter keeps the focus on it.
  await page.locator('.racer').nth(3).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => window.gdviz.ui.selected), 3);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('racer')), true, 'the focus stays on the racer');
  await setNumber(page, 'Learning rate', 0.004);
  const race = (await scenarioOf(page)).race;
  assert.equal(race[2].optimizer.lr, 0.004, 'the fourth racer changed');
  assert.equal((await scenarioOf(page)).optimizer.lr, 0.001, 'the first did not');
  const remove = page.getByRole('button', { name: 'Remove optimizer' });
  for (let count = 7; count >= 1; count -= 1) {
    await remove.click();
    assert.equal((await stateOf(page)).racers.length, count);
  }
  assert.equal(await remove.isDisabled(), true, 'one is the fewest');
  assert.deepEqual(errors, []);
  await page.close();
});

test('BGD vs SGD vs mini-batch built in the panel: each racer its own batch size, shown in the legend', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&n=100&o=sgd(lr=0.05)&seed=1');
  const add = page.getByRole('button', { name: 'Add optimizer' });
  const legend = () => page.locator('.racer-name').allTextContents();
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=50 (BGD)']);
  // Two more racers; make them SGD at the same rate, then give each its own batch size.
  for (const batch of [1, 10]) {
    await add.click();
    await page.getByLabel('Optimizer', { exact: true }).selectOption('sgd');
    await setNumber(page, 'Learning rate', 0.05);
    if (batch === 1) {
      assert.equal(await page.getByLabel('Same batch size for every optimizer').isChecked(), true, 'one batch size for all at first');
      await page.getByLabel('Same batch size for every optimizer').uncheck();
    }
    await setNumber(page, 'Batch size', batch);
  }
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=50 (BGD)', 'SGD lr=0.05 B=1 (SGD)', 'SGD lr=0.05 B=10 (mini-batch)']);
  // Selecting a racer shows its own batch size.
  await page.locator('.racer').nth(1).click();
  assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '1');
  assert.match(await page.locator('#batch-kind').textContent(), /^Optimizer 2: SGD \(stochastic\)/);
  await page.locator('.racer').nth(0).click();
  assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '50');
  // Editing the first racer's batch size leaves the others as they are.
  await setNumber(page, 'Batch size', 25);
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=25 (mini-batch)', 'SGD lr=0.05 B=1 (SGD)', 'SGD lr=0.05 B=10 (mini-batch)']);
  await setNumber(page, 'Batch size', 50);
  // The race reads as the legend says: BGD 50 samples a step, SGD 1, mini-batch 10.
  for (let i = 0; i < 4; i += 1) await page.getByRole('button', { name: 'Step' }).click();
  assert.deepEqual((await stateOf(page)).racers.map((r) => r.samples), [200, 4, 40]);
  // The counter speaks of the selected racer, and says which.
  assert.equal(await page.locator('#counter').textContent(), 'Optimizer 1: step 4 · epoch 4 · 200 samples');
  await page.locator('.racer').nth(1).click();
  assert.equal(await page.locator('#counter').textContent(), 'Optimizer 2: step 4 · epoch 0.08 · 4 samples');
  await page.locator('.racer').nth(0).click();
  assert.match(page.url(), /o=sgd\(lr=0\.05\)~sgd\(lr=0\.05,batch=1\)~sgd\(lr=0\.05,batch=10\)/);
  // A fair race, from the panel: each stops after 3 epochs, so each has read the same data.
  await setNumber(page, 'Stop after epochs', 3);
  assert.match(page.url(), /stop_epochs=3/);
  await page.getByLabel('Loss chart x-axis').selectOption('epochs');
  const { racers: fair } = await runToEnd(page);
  assert.deepEqual(fair.map((r) => [r.epoch, r.samples]), [[3, 150], [3, 150], [3, 150]], 'every racer read the 50 points three times');
  assert.deepEqual(fair.map((r) => r.step), [3, 150, 15]);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/batch-race-fair.png`, fullPage: true });
  await setNumber(page, 'Stop after epochs', '');
  assert.equal((await scenarioOf(page)).stop ?? null, null);
  await page.getByRole('button', { name: 'Reset' }).click();
  // "Same for every optimizer" puts them all on the selected one's batch size, says so, and
  // unticking it straight away gives the race back.
  const same = page.getByLabel('Same batch size for every optimizer');
  await same.check();
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=50 (BGD)', 'SGD lr=0.05 B=50 (BGD)', 'SGD lr=0.05 B=50 (BGD)']);
  assert.match(await noticeOf(page), /Every optimizer now uses batch size 50 \(they had 50, 1, 10\)\. Untick/);
  await same.uncheck();
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=50 (BGD)', 'SGD lr=0.05 B=1 (SGD)', 'SGD lr=0.05 B=10 (mini-batch)']);
  assert.equal(await same.isChecked(), false);
  await same.check();
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=50 (BGD)', 'SGD lr=0.05 B=50 (BGD)', 'SGD lr=0.05 B=50 (BGD)']);
  await page.getByLabel('Batch size slider').press('Home');
  assert.deepEqual(await legend(), ['SGD lr=0.05 B=1 (SGD)', 'SGD lr=0.05 B=1 (SGD)', 'SGD lr=0.05 B=1 (SGD)']);
  assert.equal(await noticeOf(page), '');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/batch-race-built.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the legend tells apart racers that differ only in Nesterov', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=sgd(lr=0.001,momentum=0.9)~sgd(lr=0.001,momentum=0.9,nesterov=true)');
  const labels = await page.locator('.racer-name').allTextContents();
  assert.deepEqual(labels, ['SGD lr=0.001 μ=0.9 no nesterov', 'SGD lr=0.001 μ=0.9 nesterov']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the start point by its fields, by pointer, and Newton on linear regression', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&n=100&noise=0.3&o=newton(lr=1)&seed=1');
  assert.equal(await noticeOf(page), '', 'Newton runs on linear regression');
  assert.equal(await page.locator('#start-x-name').textContent(), 'Start w');
  await setNumber(page, 'Start w', -1.5);
  await setNumber(page, 'Start b', 1);
  assert.deepEqual((await scenarioOf(page)).start, [-1.5, 1]);
  const losses = [];
  for (let i = 0; i < 3; i += 1) {
    await page.getByRole('button', { name: 'Step' }).click();
    losses.push((await stateOf(page)).racers[0].loss);
  }
  assert.ok(Math.abs(losses[1] - losses[0]) < 1e-12 && Math.abs(losses[2] - losses[0]) < 1e-12, `one step lands on the minimum: ${losses}`);
  // The pointer sets the start too (a click on the canvas), and the fields follow it.
  const box = await page.locator('#markers').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.7);
  const start = (await scenarioOf(page)).start;
  assert.equal(await page.getByLabel('Start w', { exact: true }).inputValue(), String(start[0]));
  assert.equal(await page.getByLabel('Start b', { exact: true }).inputValue(), String(start[1]));
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: Space on a focused button presses it, Space elsewhere plays; Lessons opens with Space', async () => {
  const { page, errors } = await openPage(session, '?f=booth');
  await page.getByRole('button', { name: 'Step' }).focus();
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.gdviz.playing), false, 'Space on Step steps, it does not play');
  assert.equal((await stateOf(page)).racers[0].step, 1);
  await page.locator('#lessons summary').focus();
  await page.keyboard.press(' ');
  assert.equal(await page.locator('#lessons').evaluate((d) => d.open), true, 'Space opens the Lessons list');
  assert.equal(await page.evaluate(() => window.gdviz.playing), false);
  await page.locator('#lessons summary').press(' ');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.gdviz.playing), true, 'Space on the page plays');
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.gdviz.playing), false);
  // A lesson picked with the keyboard takes the focus, so it is read next; Space then pauses it.
  await page.locator('#lessons summary').press('Enter');
  await page.getByRole('link', { name: 'Why momentum helps on an ill-conditioned quadratic' }).press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lesson');
  assert.equal(await page.evaluate(() => window.gdviz.playing), true, 'a lesson plays when it opens');
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.gdviz.playing), false, 'Space on the lesson pauses');
  assert.deepEqual(errors, []);
  await page.close();
});

test('every control of the network lab across its range: data, network, loss, initialisation, L2, L1, early stopping', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=circle&layers=4,2');
  const objective = async () => (await scenarioOf(page)).objective;
  const fields = [
    ['Noise', (o) => o.dataset.noise, [0, 0.5, 1]],
    // A default is left out of the scenario (and of links): 200 points, half of them for testing.
    ['Number of points', (o) => o.dataset.n ?? 200, [2, 10000, 200]],
    ['Test fraction', (o) => o.dataset.test_fraction ?? 0.5, [0, 0.95, 0.5]],
    ['Data seed', (o) => o.dataset.seed ?? 0, [0, 9007199254740991, 3]],
    ['L2', (o) => o.l2 ?? 0, [10, 0.001, 0]],
    ['L1', (o) => o.l1 ?? 0, [10, 0.001, 0]],
    ['Units in hidden layer 1', (o) => o.layers[1], [1, 16, 8]],
  ];
  for (const [label, read, values] of fields) {
    for (const value of values) {
      await setNumber(page, label, value);
      assert.equal(await noticeOf(page), '', `${label} = ${value}: no refusal`);
      assert.equal(read(await objective()), value, `${label} = ${value}`);
    }
  }
  // Early stopping: a patience turns it on, the box keeps or drops the best weights, empty is off.
  const stop = async () => (await scenarioOf(page)).stop ?? null;
  await setNumber(page, 'Early stopping patience (epochs)', 5);
  assert.deepEqual(await stop(), { patience: 5 });
  await page.getByLabel('Restore the best epoch’s weights', { exact: true }).uncheck();
  assert.deepEqual(await stop(), { patience: 5, restore_best: false });
  assert.match(page.url(), /stop_patience=5&stop_restore=0/);
  await setNumber(page, 'Early stopping patience (epochs)', 0);
  assert.match(await noticeOf(page), /^Early stopping patience \(epochs\): 0 is too small — enter/);
  assert.deepEqual(await stop(), { patience: 5, restore_best: false }, 'a refused value changes nothing');
  await setNumber(page, 'Early stopping patience (epochs)', '');
  assert.equal(await stop(), null);
  assert.equal(await page.getByLabel('Restore the best epoch’s weights', { exact: true }).isDisabled(), true);
  for (const name of await page.getByLabel('Data set', { exact: true }).evaluate((s) => [...s.options].map((o) => o.value))) {
    await page.getByLabel('Data set', { exact: true }).selectOption(name);
    assert.equal((await objective()).dataset.name, name);
    assert.equal(await noticeOf(page), '', name);
  }
  await page.getByRole('radio', { name: 'Spiral' }).click();
  assert.equal((await objective()).dataset.name, 'spiral', 'the thumbnails pick a data set too');
  for (const activation of ['relu', 'sigmoid', 'linear', 'tanh']) {
    await page.getByLabel('Activation', { exact: true }).selectOption(activation);
    assert.equal((await objective()).activation, activation);
  }
  for (const loss of ['mse', 'bce']) {
    await page.getByLabel('Loss', { exact: true }).selectOption(loss);
    assert.equal((await objective()).loss, loss);
  }
  for (const init of ['xavier', 'he', 'uniform', 'zeros', '']) {
    await page.getByLabel('Initialisation', { exact: true }).selectOption(init);
    assert.equal((await objective()).init ?? '', init);
  }
  const add = page.getByRole('button', { name: 'Add layer' });
  while (!(await add.isDisabled())) await add.click();
  assert.equal((await objective()).layers.length, 8, 'six hidden layers at most');
  assert.equal(await add.getAttribute('title'), 'At most 6 hidden layers.', 'the greyed-out button says why');
  const remove = page.getByRole('button', { name: 'Remove layer' });
  while (!(await remove.isDisabled())) await remove.click();
  assert.deepEqual((await objective()).layers, [2, 1], 'down to no hidden layer: logistic regression');
  assert.equal(await remove.getAttribute('title'), 'No hidden layer left to remove.');
  assert.equal(await add.getAttribute('title'), null, 'enabled again, nothing to explain');
  for (let i = 0; i < 5; i += 1) await page.getByRole('button', { name: 'Step' }).click();
  assert.equal((await stateOf(page)).racers[0].step, 5);
  assert.equal(await noticeOf(page), '');
  assert.deepEqual(errors, []);
  await page.close();
});

test('every number field on screen takes both ends of the range it offers (min and max), in each lab', async () => {
  // A field whose own range reaches past the lab's (Data noise offered up to 5, the lab took 1)
  // refuses a value its spinner offers. Each field: its max, its min, then its value back.
  for (const query of ['?f=booth&noise=1', '?f=linreg', '?f=mlp']) {
    const { page, errors } = await openPage(session, query);
    const fields = page.locator('input[type="number"]:not([disabled])');
    const count = await fields.count();
    let checked = 0;
    for (let i = 0; i < count; i += 1) {
      const field = fields.nth(i);
      if (!(await field.isVisible())) continue;
      const [min, max, before, name] = await field.evaluate((e) => [e.min, e.max, e.value, e.labels?.[0]?.textContent.trim() ?? e.id]);
      for (const end of [max, min, before].filter((v) => v !== '')) {
        await field.fill(end);
        await field.press('Tab');
        assert.equal(await noticeOf(page), '', `${query}: ${name} = ${end}`);
      }
      checked += 1;
    }
    assert.ok(checked >= 9, `${query}: ${checked} fields`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('after ticking a check box, → still steps and r resets; Space stays the box’s', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&o=sgd(lr=0.05)');
  const box = page.getByLabel('Curvature at the point');
  await box.check();
  assert.equal(await box.evaluate((e) => e === document.activeElement), true, 'the focus is on the box');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal((await stateOf(page)).racers[0].step, 2, '→ stepped');
  await page.keyboard.press('r');
  assert.equal((await stateOf(page)).racers[0].step, 0, 'r reset');
  await page.keyboard.press(' ');
  assert.equal(await box.isChecked(), false, 'Space unticked the box');
  assert.equal(await page.evaluate(() => window.gdviz.playing), false, 'and did not play');
  assert.deepEqual(errors, []);
  await page.close();
});
