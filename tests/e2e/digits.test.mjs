// The digits lab as a student uses it: opened from the header (its data fetched only then) or
// from a link, trained live, its views read and clicked, a digit drawn on the pad.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, canvasStats, stateOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** Presses Play and waits until the status says the budget is spent. */
async function trainToEnd(page) {
  await page.locator('#digits-play').click();
  await page.waitForFunction(() => /Finished/.test(document.getElementById('digits-status').textContent), null, { timeout: 120000 });
}

/** The digits lab's own control labelled `label` (the other labs' controls share some labels). */
const control = (page, label) => page.locator('#digits-lab').getByLabel(label, { exact: true });

/** Types `value` into the digits lab's field labelled `label` and leaves it with Tab. */
async function setNumber(page, label, value) {
  await control(page, label).fill(String(value));
  await control(page, label).press('Tab');
}

const accuracyOf = async (page) => Number(/([\d.]+) %/.exec(await page.locator('#digits-accuracy').textContent())[1]) / 100;

test('the Digits tab loads the digits only when opened, trains live and shows every view', async () => {
  const { page, errors } = await openPage(session, '');
  const fetched = [];
  page.on('request', (request) => { if (request.url().includes('digits')) fetched.push(request.url()); });
  const firstScreen = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
  assert.deepEqual(firstScreen.filter((url) => url.includes('digits')), [], 'the first screen fetches no digits and no CNN');
  await page.getByRole('button', { name: 'Digits' }).click();
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  assert.ok(fetched.some((url) => url.endsWith('data/digits.bin')), fetched.join(', '));
  // The CNN comes in a WebAssembly module of its own, fetched with the data.
  assert.ok(fetched.some((url) => url.endsWith('pkg/gdviz_digits_bg.wasm')), fetched.join(', '));
  assert.match(page.url(), /view=digits/);
  assert.equal(await page.locator('main.lab').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Digits' }).getAttribute('aria-pressed'), 'true');
  const before = await accuracyOf(page);
  await trainToEnd(page);
  const afterTraining = await accuracyOf(page);
  assert.ok(afterTraining >= 0.9 && afterTraining > before, `test accuracy ${before} → ${afterTraining}`);
  assert.match(await page.locator('#digits-progress').textContent(), /^450 updates · 10\.0\d epochs$/);
  // The confusion matrix: 10 rows of 10 counts (plus headers) adding up to the 359 test digits.
  const counts = await page.locator('#digits-confusion td').allTextContents();
  assert.equal(counts.length, 100);
  assert.equal(counts.reduce((sum, text) => sum + Number(text || 0), 0), 359);
  // The filters: 8 kernels of the one convolution; the norm and accuracy charts are drawn.
  assert.equal(await page.locator('#digits-filters canvas').count(), 8);
  for (const id of ['#digits-norms', '#digits-accuracy-chart']) {
    assert.ok((await canvasStats(page, id)).variance > 0, `${id} is drawn`);
  }
  assert.match(await page.locator('#digits-norm-values').textContent(), /^conv 1: .+ · dense: .+$/);
  // A misclassified digit, clicked, shows its feature maps.
  const wrong = page.locator('#digits-wrong button').first();
  const index = await wrong.getAttribute('data-index');
  await wrong.click();
  assert.match(await page.locator('#digits-maps p').textContent(), new RegExp(`test digit ${index}: `));
  assert.equal(await page.locator('#digits-maps canvas').count(), 1 + 8);
  // Drawing a 1 down the middle of the pad: ten probabilities, adding up to 100 %.
  const pad = page.locator('#digits-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height - 4, { steps: 12 });
  await page.mouse.up();
  const probabilities = await page.locator('#digits-probabilities li').allTextContents();
  assert.equal(probabilities.length, 10);
  const total = probabilities.reduce((sum, text) => sum + Number(/([\d.]+) %/.exec(text)[1]), 0);
  assert.ok(Math.abs(total - 100) < 0.5, `${total}`);
  assert.equal(await page.locator('#digits-probabilities li.best').count(), 1);
  assert.match(await page.locator('#digits-maps p').textContent(), /your drawing/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/digits-trained.png`, fullPage: true });
  // A fast stroke across the pad (one move event from edge to edge) draws every cell it crosses.
  await page.locator('#digits-clear').click();
  await page.mouse.move(box.x + 2, box.y + box.height * 0.55);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + box.height * 0.55, { steps: 1 });
  await page.mouse.up();
  const row = await page.evaluate(() => {
    const canvas = document.getElementById('digits-pad');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const cell = canvas.width / 8;
    const y = Math.floor(4.5 * cell);
    return Array.from({ length: 8 }, (_, col) => data[4 * (y * canvas.width + Math.floor((col + 0.5) * cell))] > 128);
  });
  assert.deepEqual(row, Array(8).fill(true), 'no gaps in a fast stroke');
  // Back to the surface lab, as it was.
  await page.getByRole('button', { name: 'Surface' }).click();
  assert.equal(await page.locator('main.lab').isVisible(), true);
  assert.equal(await page.locator('#digits-lab').isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link with view=digits opens the digits lab, and a bad value is refused by its label', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  assert.equal(await page.locator('#digits-lab').isVisible(), true);
  assert.equal(await page.locator('#notice').isVisible(), false);
  await setNumber(page, 'Channels', 9);
  assert.equal(await page.locator('#digits-status').textContent(), 'Channels: 9 is too large — enter a whole number from 1 to 8.');
  // Two convolutions without padding, pooled after each, leave no map to pool.
  await control(page, 'Padding').selectOption('0');
  await control(page, 'Pool after each convolution (2×2 max)').check();
  await control(page, 'Convolutions').selectOption('2');
  assert.match(await page.locator('#digits-status').textContent(), /^Pool after each convolution \(2×2 max\): the maps are 1×1 here/);
  assert.equal(await control(page, 'Convolutions').inputValue(), '1', 'the refused edit is not kept');
  // The batch size's ends, as the refusal words them: 1 to 1e6, a size past the digits a full batch.
  await setNumber(page, 'Batch size', 0);
  assert.equal(await page.locator('#digits-status').textContent(), 'Batch size: 0 is too small — enter a whole number from 1 to 1e6.');
  await setNumber(page, 'Batch size', 1000000);
  assert.equal(await control(page, 'Batch size').evaluate((input) => input.matches(':invalid')), false, 'the field takes what the lab takes');
  assert.match((await racers(page))[0].text, /B=1438 \(BGD\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('on the Digits tab, Space, → and r act on the digits run, not on the hidden surface run', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  const surfaceSteps = async () => (await stateOf(page)).racers.map((r) => r.step);
  const before = await surfaceSteps();
  const progress = () => page.locator('#digits-progress').textContent();
  assert.match(await progress(), /^0 updates/);
  await page.mouse.click(5, 5);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^1 update/.test(document.getElementById('digits-progress').textContent));
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#digits-play').textContent(), 'Pause', 'Space plays the digits lab');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#digits-play').textContent(), 'Play');
  await page.keyboard.press('r');
  await page.waitForFunction(() => /^0 updates/.test(document.getElementById('digits-progress').textContent));
  assert.deepEqual(await surfaceSteps(), before, 'the surface run did not move');
  assert.deepEqual(errors, []);
  await page.close();
});

/** The norms the page shows (conv 1 first, dense last) and its test accuracy. */
const readout = async (page) => ({
  norms: JSON.parse(await page.locator('#digits-norm-values').getAttribute('data-norms')),
  accuracy: await accuracyOf(page),
});

/** Opens a digits lesson from the panel and waits until its run ends. */
async function runLesson(page, title) {
  await page.getByRole('button', { name: title }).click();
  assert.equal(await page.locator('#digits-lesson-title').textContent(), title);
  await page.waitForFunction(() => /Finished/.test(document.getElementById('digits-status').textContent), null, { timeout: 180000 });
  return readout(page);
}

/** Trains the current scenario to its end again with Reset and Play, as a student does. */
async function rerun(page) {
  await page.locator('#digits-reset').click();
  await trainToEnd(page);
  return readout(page);
}

test('lesson: sigmoid and small weights starve the first layer; ReLU and He fix it', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  const sigmoid = await runLesson(page, 'Vanishing gradients: sigmoid and small weights');
  assert.equal(sigmoid.norms.length, 3);
  assert.ok(sigmoid.norms[0] * 100 < sigmoid.norms[2], `norms ${sigmoid.norms}`);
  assert.ok(sigmoid.accuracy < 0.3, `accuracy ${sigmoid.accuracy}`);
  await control(page, 'Activation').selectOption('relu');
  await control(page, 'Initialisation').selectOption('he');
  const relu = await rerun(page);
  assert.ok(relu.norms[0] * 5 > relu.norms[2], `norms ${relu.norms}`);
  assert.ok(relu.accuracy > 0.8, `accuracy ${relu.accuracy}`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/digits-lesson-vanishing.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson: large weights and a high rate explode; clipping rescues the run', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  await page.getByRole('button', { name: 'Exploding gradients, and clipping' }).click();
  await page.locator('#digits-reset').click();
  await page.locator('#digits-step').click();
  const first = await readout(page);
  assert.ok(first.norms.every((n) => n > 10), `first norms ${first.norms}`);
  await trainToEnd(page);
  const exploded = await readout(page);
  assert.ok(exploded.accuracy < 0.3, `accuracy ${exploded.accuracy}`);
  await setNumber(page, 'Gradient clipping', 1);
  const clipped = await rerun(page);
  assert.ok(clipped.accuracy > 0.8, `accuracy ${clipped.accuracy}`);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The legend's racers as the page names them: label and test accuracy. */
async function racers(page) {
  const items = await page.locator('#digits-legend li').allTextContents();
  return items.map((text) => ({ text, accuracy: Number(/([\d.]+) %/.exec(text)[1]) / 100 }));
}

test('racers: a second optimizer races from the same weights, in its colour, named by what differs', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  assert.equal((await racers(page)).length, 1);
  await page.locator('#digits-add-racer').click();
  assert.equal((await racers(page)).length, 2);
  // The new racer is the one the controls edit: one digit a step, at its own rate.
  await control(page, 'Optimizer').selectOption('sgd');
  await setNumber(page, 'Learning rate', 0.05);
  await setNumber(page, 'Batch size', 1);
  await setNumber(page, 'Step budget', 200);
  const [adam, sgd] = await racers(page);
  assert.match(adam.text, /^Adam lr=0\.01 B=32 \(mini-batch\)/);
  assert.match(sgd.text, /^SGD lr=0\.05 B=1 \(SGD\)/);
  await trainToEnd(page);
  // Both lines of the accuracy chart, each in its racer's colour (the white one on a dark
  // casing, which the red one's line shares, so only red is counted).
  const colours = await page.locator('#digits-legend .swatch').evaluateAll((swatches) => swatches.map((s) => getComputedStyle(s).backgroundColor));
  assert.equal(new Set(colours).size, 2);
  const drawn = await page.evaluate((wanted) => {
    const canvas = document.getElementById('digits-accuracy-chart');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const rgb = wanted.map((c) => c.match(/\d+/g).map(Number)).filter((c) => c.some((v) => v < 250));
    return rgb.map(([r, g, b]) => {
      let n = 0;
      for (let k = 0; k < data.length; k += 4) if (Math.abs(data[k] - r) + Math.abs(data[k + 1] - g) + Math.abs(data[k + 2] - b) < 30 && data[k + 3] > 200) n += 1;
      return n;
    });
  }, colours);
  assert.ok(drawn.length > 0 && drawn.every((n) => n > 20), `pixels of each racer's colour: ${drawn}`);
  // Selecting the first racer puts its settings back in the controls.
  await page.locator('#digits-legend button').first().click();
  assert.equal(await control(page, 'Optimizer').inputValue(), 'adam');
  assert.equal(await control(page, 'Batch size').inputValue(), '32');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/digits-racers.png`, fullPage: true });
  await page.locator('#digits-remove-racer').click();
  assert.equal((await racers(page)).length, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson: per sample read, SGD and mini-batches learn more than the full batch', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  await page.getByRole('button', { name: 'BGD vs mini-batch vs SGD on real images' }).click();
  await page.waitForFunction(() => /Finished/.test(document.getElementById('digits-status').textContent), null, { timeout: 300000 });
  const [full, mini, single] = await racers(page);
  assert.match(full.text, /B=1438 \(BGD\)/);
  assert.match(mini.text, /B=32 \(mini-batch\)/);
  assert.match(single.text, /B=1 \(SGD\)/);
  // Each has read three epochs, 4,314 digits: 3, 135 and 4,314 updates.
  const progress = [];
  for (const index of [0, 1, 2]) {
    await page.locator('#digits-legend button').nth(index).click();
    progress.push(await page.locator('#digits-progress').textContent());
  }
  assert.deepEqual(progress, ['3 updates · 3.00 epochs', '135 updates · 3.00 epochs', '4314 updates · 3.00 epochs']);
  // The lesson's claim: below 30 %, above 75 %, and better still.
  assert.ok(full.accuracy < 0.3, `full batch ${full.accuracy}`);
  assert.ok(mini.accuracy > 0.75, `batches of 32 ${mini.accuracy}`);
  assert.ok(single.accuracy > mini.accuracy, `single digits ${single.accuracy}`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/digits-lesson-batching.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the digits settings ride in the share link, and read back the same; no embed code or export is offered for them', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  await control(page, 'Convolutions').selectOption('2');
  await control(page, 'Activation').selectOption('tanh');
  await control(page, 'Optimizer').selectOption('sgd');
  await setNumber(page, 'Learning rate', 0.05);
  await setNumber(page, 'Batch size', 16);
  await page.locator('#digits-add-racer').click();
  await setNumber(page, 'Batch size', 1);
  const shown = async (p) => ({
    convs: await control(p, 'Convolutions').inputValue(),
    activation: await control(p, 'Activation').inputValue(),
    racers: await p.locator('#digits-legend .racer-name').allTextContents(),
  });
  const before = await shown(page);
  assert.equal(before.racers.length, 2);
  assert.match(before.racers[0], /^SGD lr=0\.05 B=16/);
  assert.match(page.url(), /view=digits&convs=8:1:pool,8:1:pool&act=tanh/, 'the address keeps the settings');
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  const link = await page.getByLabel('Link', { exact: true }).inputValue();
  // An embed (and the exports) would show the surface lab's run: not offered here, and said so.
  assert.equal(await page.getByLabel('Embed', { exact: true }).isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Export PNG' }).isVisible(), false);
  assert.match(await page.locator('#share-note').textContent(), /^The digits lab is shared by its link/);
  await page.keyboard.press('Escape');
  // The shared link, opened afresh, shows the same lab.
  const fresh = await openPage(session, new URL(link).search);
  await fresh.page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  assert.deepEqual(await shown(fresh.page), before);
  assert.equal(await control(fresh.page, 'Optimizer').inputValue(), 'sgd');
  assert.equal(await control(fresh.page, 'Learning rate').inputValue(), '0.05');
  assert.equal(await control(fresh.page, 'Batch size').inputValue(), '16');
  assert.equal(await fresh.page.locator('#notice').isVisible(), false);
  assert.deepEqual(fresh.errors, []);
  await fresh.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

/**
 * Each number field of the digits lab, what it accepts as its refusals word it (the lab's range
 * for it), its two ends, a value below and above them, a fraction for a whole number, and what
 * an empty field means (`null`: it is refused; else what the field shows then: a batch of all
 * 1,438 training digits, clipping off).
 */
const DIGITS_FIELDS = [
  { label: 'Channels', accepted: 'a whole number from 1 to 8', ends: [1, 8], below: [0, -1], above: 9, fraction: 2.5, empty: null },
  { label: 'Initial weight scale', accepted: 'a number above 0, at most 100', ends: [0.001, 100], below: [0, -1], above: 100.5, empty: null },
  { label: 'Learning rate', accepted: 'a number from 0 to 1e12', ends: [0, 1000000000000], below: [-0.5], above: 2000000000000, empty: null },
  { label: 'Batch size', accepted: 'a whole number from 1 to 1e6', ends: [1, 1000000], below: [0, -1], above: 1000001, fraction: 2.5, empty: '1438' },
  { label: 'Gradient clipping', accepted: 'a number from 0 to 1e12', ends: [0, 1000000000000], below: [-1], above: 2000000000000, empty: '' },
  { label: 'Step budget', accepted: 'a whole number from 0 to 1e7', ends: [0, 10000000], below: [-1], above: 10000001, fraction: 2.5, empty: null },
];

/** A value as the refusals quote it: a typographic minus. */
const quoted = (value) => String(value).replace('-', '−');

test('every number field of the digits lab refuses with the one range it accepts, and an empty field as empty', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  const status = () => page.locator('#digits-status').textContent();
  for (const field of DIGITS_FIELDS) {
    const { label, accepted } = field;
    for (const end of field.ends) {
      await setNumber(page, label, end);
      assert.equal(await status(), '', `${label} takes ${end}`);
      assert.equal(Number(await control(page, label).inputValue() || 0), end, `${label} shows ${end}`);
    }
    const kept = await control(page, label).inputValue();
    const refusals = [
      ...field.below.map((value) => [value, `${label}: ${quoted(value)} is too small — enter ${accepted}.`]),
      [field.above, `${label}: ${field.above} is too large — enter ${accepted}.`],
      ...(field.fraction ? [[field.fraction, `${label}: ${field.fraction} is not a whole number — enter ${accepted}.`]] : []),
      ...(field.empty === null ? [['', `${label}: enter ${accepted}.`]] : []),
    ];
    for (const [value, sentence] of refusals) {
      await setNumber(page, label, value);
      assert.equal(await status(), sentence);
      assert.equal(await control(page, label).inputValue(), kept, `${label}: the refused ${value === '' ? 'empty field' : value} is not kept`);
    }
    if (field.empty !== null) {
      await setNumber(page, label, '');
      assert.equal(await status(), '', `${label} takes an empty field`);
      assert.equal(await control(page, label).inputValue(), field.empty);
    }
  }
  // The same in Chinese, and worded again on a language switch.
  await page.locator('#language').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  for (const [value, sentence] of [['0', '通道数：0 太小——请输入从 1 到 8 之间的整数。'], ['-1', '通道数：−1 太小——请输入从 1 到 8 之间的整数。'],
    ['2.5', '通道数：2.5 不是整数——请输入从 1 到 8 之间的整数。'], ['', '通道数：请输入从 1 到 8 之间的整数。'],
    ['9', '通道数：9 太大——请输入从 1 到 8 之间的整数。']]) {
    await page.locator('#digits-channels').fill(value);
    await page.locator('#digits-channels').press('Tab');
    assert.equal(await status(), sentence);
  }
  await page.locator('#digits-scale').fill('0');
  await page.locator('#digits-scale').press('Tab');
  assert.equal(await status(), '初始权重缩放：0 太小——请输入大于 0 且不超过 100 的数。');
  await page.locator('#language').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await status(), 'Initial weight scale: 0 is too small — enter a number above 0, at most 100.');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the update counter says 1 update, 2 updates', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  await page.locator('#digits-step').click();
  assert.match(await page.locator('#digits-progress').textContent(), /^1 update · /);
  await page.locator('#digits-step').click();
  assert.match(await page.locator('#digits-progress').textContent(), /^2 updates · /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching a racer’s optimizer starts it at that optimizer’s own learning rate, as in the surface lab', async () => {
  const { page, errors } = await openPage(session, '?view=digits');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  assert.equal(await control(page, 'Learning rate').inputValue(), '0.01');
  const names = ['adadelta', 'lbfgs', 'sgd', 'rmsprop', 'adagrad'];
  const digitsRates = {};
  for (const name of names) {
    await control(page, 'Optimizer').selectOption(name);
    digitsRates[name] = await control(page, 'Learning rate').inputValue();
  }
  // Adadelta's default rate is 1 (PyTorch's), not the 0.01 Adam had; the legend says so too.
  await control(page, 'Optimizer').selectOption('adadelta');
  assert.equal(digitsRates.adadelta, '1');
  assert.equal(digitsRates.lbfgs, '1');
  assert.match((await racers(page))[0].text, /^Adadelta lr=1\b/);
  // An added racer, switched, takes its new optimizer's rate as well.
  await page.locator('#digits-add-racer').click();
  await control(page, 'Optimizer').selectOption('lbfgs');
  assert.match((await racers(page))[1].text, /^L-BFGS lr=1\b/);
  // The surface lab's menu gives each the same rate.
  await page.getByRole('button', { name: 'Surface' }).click();
  for (const name of names) {
    await page.locator('main.lab').getByLabel('Optimizer', { exact: true }).selectOption(name);
    assert.equal(await page.locator('#lr').inputValue(), digitsRates[name], `${name}: the same starting rate in both labs`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a phone, a tapped misclassified digit says on screen what the network took it for, with its class probabilities', async () => {
  const { page, errors } = await openPage(session, '?view=digits', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  // Untrained, most test digits are wrong: the lab shows the first 48 and says of how many,
  // the count the confusion matrix gives (the test digits off its diagonal).
  const cells = await page.locator('#digits-confusion tr').evaluateAll((rows) => rows.slice(1).map((row) => [...row.querySelectorAll('td')].map((td) => Number(td.textContent || 0))));
  const wrongCount = cells.reduce((sum, row, t) => sum + row.reduce((s, n, p) => s + (p === t ? 0 : n), 0), 0);
  assert.ok(wrongCount > 48, `${wrongCount} misclassified before training`);
  assert.equal(await page.locator('#digits-wrong button').count(), 48);
  assert.equal(await page.locator('#digits-wrong-count').textContent(), `The first 48 of ${wrongCount} misclassified test digits:`);
  assert.equal(await page.locator('#digits-wrong-count').isVisible(), true);
  // Before any digit is chosen, the first test digit's probabilities show, named as its.
  assert.equal(await page.locator('#digits-probabilities li').count(), 10);
  assert.equal(await page.locator('#digits-probabilities-title').textContent(), 'Class probabilities of test digit 0');
  // A tapped thumbnail: its feature maps' heading says what it is and what the network guessed.
  const wrong = page.locator('#digits-wrong button').nth(5);
  await wrong.scrollIntoViewIfNeeded();
  const index = await wrong.getAttribute('data-index');
  const title = await wrong.getAttribute('aria-label');
  const [, digit, guess] = /^Test digit \d+: an? (\d), taken for an? (\d)$/.exec(title);
  await wrong.tap();
  const heading = page.locator('#digits-maps p');
  assert.equal(await heading.textContent(), `Feature maps of test digit ${index}: ${digit === '8' ? 'an' : 'a'} ${digit}, taken for ${guess === '8' ? 'an' : 'a'} ${guess}`);
  assert.equal(await heading.isVisible(), true);
  // Its class probabilities: ten, adding up to 100 %, the guess the most probable.
  assert.equal(await page.locator('#digits-probabilities-title').textContent(), `Class probabilities of test digit ${index}`);
  const probabilities = await page.locator('#digits-probabilities li').allTextContents();
  assert.equal(probabilities.length, 10);
  const total = probabilities.reduce((sum, text) => sum + Number(/([\d.]+) %/.exec(text)[1]), 0);
  assert.ok(Math.abs(total - 100) < 0.5, `${total}`);
  assert.match(await page.locator('#digits-probabilities li.best').textContent(), new RegExp(`^${guess}: `));
  await page.screenshot({ path: `${SCREENSHOT_DIR}/digits-phone-wrong.png`, fullPage: true });
  // Trained, few are wrong: all of them show, and no count is needed.
  await trainToEnd(page);
  const shown = await page.locator('#digits-wrong button').count();
  assert.ok(shown < 48, `${shown} misclassified after training`);
  assert.equal(await page.locator('#digits-wrong-count').isVisible(), false);
  // In Chinese, the same heading.
  await page.locator('#digits-wrong button').first().tap();
  const first = await page.locator('#digits-wrong button').first().getAttribute('aria-label');
  const [, i, d, g] = /^Test digit (\d+): an? (\d), taken for an? (\d)$/.exec(first);
  await page.locator('#language').selectOption('zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await heading.textContent(), `测试数字 ${i}（真实为 ${d}，被认成 ${g}）的特征图`);
  assert.deepEqual(errors, []);
  await page.close();
});
