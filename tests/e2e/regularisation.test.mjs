// The lessons of L1, early stopping and the gradient check, opened from the Lessons list and run
// to their end as a student does, each claim checked against the numbers the page shows (the
// read-out, the count of weights near zero, the gradient-check table); where a text says "try
// this", the test does it with the real controls. The numbers were measured with `gdviz trace`
// and `gdviz gradcheck` (see www/lessons.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, openAndRun, noticeOf, runToEnd, setNumber, scenarioOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** "76 of 88 weights near zero …" as the page shows it under the network diagram. */
async function nearZero(page) {
  const text = await page.locator('#sparsity').textContent();
  const match = /^(\d+) of (\d+) weights near zero \(\|w\| < 0\.01\), drawn faint$/.exec(text);
  assert.ok(match, text);
  return [Number(match[1]), Number(match[2])];
}

/** The number in the read-out after `label` ("test loss 0.331"). */
async function readoutNumber(page, label) {
  const text = await page.locator('#readout').textContent();
  const match = new RegExp(`${label} ([\\d.e−-]+)`).exec(text);
  assert.ok(match, text);
  return Number(match[1].replace('−', '-'));
}

test('L1 vs L2: L1 drives 76 of 88 weights to zero, L2 only 3', async () => {
  const { page, errors } = await openPage(session);
  await openAndRun(page, 'L1 versus L2: zeros or small weights');
  assert.equal(await page.getByLabel('L1', { exact: true }).inputValue(), '0.01');
  assert.deepEqual(await nearZero(page), [76, 88]);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-l1.png`, fullPage: true });
  // "Now set L1 to 0 and L2 to 0.01"
  await setNumber(page, 'L1', 0);
  await setNumber(page, 'L2', 0.01);
  const objective = (await scenarioOf(page)).objective;
  assert.deepEqual([objective.l1 ?? 0, objective.l2], [0, 0.01]);
  await runToEnd(page);
  assert.deepEqual(await nearZero(page), [3, 88]);
  assert.match(page.url(), /l2=0\.01/);
  assert.doesNotMatch(page.url(), /l1=/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-l1-then-l2.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('early stopping: stopped at epoch 31 with the best test loss of epoch 11; training to the end ends worse', async () => {
  const { page, errors } = await openPage(session);
  const [racer] = await openAndRun(page, 'Early stopping on the test loss');
  assert.equal(racer.status, 'converged');
  const readout = await page.locator('#readout').textContent();
  assert.match(readout, /^stopped at epoch 31, best test loss at epoch 11 · /);
  const stopped = await readoutNumber(page, 'test loss');
  assert.ok(Math.abs(stopped - 0.331) < 0.0005, `the best epoch's weights, restored: ${stopped}`);
  assert.match(await page.locator('.racer').first().textContent(), /test loss 0\.3307 at epoch 11, none lower for 20 epochs; its weights restored/);
  assert.equal(await page.getByLabel('Early stopping patience (epochs)', { exact: true }).inputValue(), '20');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-early-stopping.png`, fullPage: true });
  // "Clear Early stopping patience and train to the end"
  await page.getByLabel('Early stopping patience (epochs)', { exact: true }).fill('');
  await page.getByLabel('Early stopping patience (epochs)', { exact: true }).press('Tab');
  assert.equal((await scenarioOf(page)).stop ?? null, null);
  const [end] = (await runToEnd(page)).racers;
  assert.equal(end.epoch, 125);
  assert.ok(end.loss < 0.0015, `training loss ${end.loss}`);
  const last = await readoutNumber(page, 'test loss');
  assert.ok(Math.abs(last - 0.77) < 0.005, `test loss at the end ${last}`);
  assert.ok(last > 2 * stopped, 'early stopping ends with the lower test loss');
  assert.deepEqual(errors, []);
  await page.close();
});

test('early stopping on, then a test fraction of 0: the refusal names Test fraction and the field goes back', async () => {
  const { page, errors } = await openPage(session, '?f=mlp');
  await setNumber(page, 'Early stopping patience (epochs)', 5);
  await setNumber(page, 'Test fraction', 0);
  assert.equal(await noticeOf(page), 'Test fraction: then there would be no test split (the test fraction is 0), and early stopping watches the test loss — clear “Early stopping patience (epochs)” first.');
  assert.equal(await page.getByLabel('Test fraction', { exact: true }).inputValue(), '0.5', 'the refused 0 does not stay in the field');
  assert.equal((await scenarioOf(page)).stop.patience, 5);
  // Doing as it says: clear the patience, then 0 is taken.
  await setNumber(page, 'Early stopping patience (epochs)', '');
  await setNumber(page, 'Test fraction', 0);
  assert.equal(await noticeOf(page), '');
  assert.equal((await scenarioOf(page)).objective.dataset.test_fraction, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('gradient check: h = 1e-5 agrees in every layer; 1e-3 is close; 1e-12 fails on rounding', async () => {
  const { page, errors } = await openPage(session);
  await openAndRun(page, 'Checking backpropagation with finite differences');
  const check = async (step) => {
    await page.getByLabel('Finite-difference step', { exact: true }).selectOption({ label: step });
    await page.getByRole('button', { name: 'Check gradients' }).click();
    const rows = await page.locator('#gradcheck tr').evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
    return { rows, worst: await page.locator('#gradcheck-worst').textContent() };
  };
  const fine = await check('1e-5');
  assert.deepEqual(fine.rows.map((r) => [r[0], r[1]]), [['layer 1 (2→8)', '24'], ['layer 2 (8→8)', '72'], ['layer 3 (8→1)', '9']]);
  assert.ok(fine.rows.every((r) => Number(r[2]) < 1e-8 && r[4] === 'agree'), JSON.stringify(fine.rows));
  assert.match(fine.worst, /^Worst parameter \S+: backpropagation .*, relative error .* \(agree\)\.$/, 'agreement needs no excuse');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-gradient-check.png`, fullPage: true });
  const large = await check('1e-3');
  const largest = Math.max(...large.rows.map((r) => Number(r[2])));
  assert.ok(largest > 1e-6 && largest < 1e-4, `h² error ${largest}`);
  assert.match(large.worst, /\(close\)\. This step is large: the finite difference’s own error, which shrinks like h², shows\./);
  const tiny = await check('1e-12');
  assert.match(tiny.worst, /\(disagree\)\. This step is tiny: the loss’s rounding error .* shows in the difference, so backpropagation may well be right\./);
  assert.ok(tiny.rows.some((r) => r[4] === 'disagree'), JSON.stringify(tiny.rows));
  assert.deepEqual(errors, []);
  await page.close();
});

test('L1 and L2 on linear regression: the controls, the link, a refusal in words', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&o=sgd(lr=0.01)&start=1,1&steps=400');
  await setNumber(page, 'L1 (on w)', 0.5);
  assert.equal((await scenarioOf(page)).objective.l1, 0.5);
  assert.match(page.url(), /l1=0\.5/);
  const [racer] = (await runToEnd(page)).racers;
  // A strong L1 holds the slope at zero: the path ends on the axis w = 0.
  assert.ok(Math.abs(racer.x) < 0.01, `w = ${racer.x}`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/linreg-l1.png`, fullPage: true });
  await setNumber(page, 'L2 (on w)', -1);
  assert.match(await noticeOf(page), /^L2 \(on w\): \S+ is too small — enter/);
  assert.deepEqual(errors, []);
  await page.close();
});
