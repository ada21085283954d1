// Beyond the anchors: a fair race (tuned learning rates), stop conditions, your own function.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, stateOf, scenarioOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

test('tune learning rates: every racer gets its best grid rate, shown in the legend', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&o=sgd(lr=0.0001)~adam(lr=0.0001)&start=3,2&steps=300');
  await page.getByRole('button', { name: 'Tune learning rates' }).click();
  await page.waitForFunction(() => window.gdviz.tuned !== undefined, null, { timeout: 60000 });
  const tuned = await page.evaluate(() => window.gdviz.tuned);
  assert.equal(tuned.length, 2);
  for (const result of tuned) assert.equal(result.points.length, 16);
  const scenario = await scenarioOf(page);
  assert.equal(scenario.optimizer.lr, tuned[0].best_lr);
  assert.equal(scenario.race[0].optimizer.lr, tuned[1].best_lr);
  assert.ok(tuned[0].best_lr < 0.2, 'plain GD stays below 2/L');
  assert.ok(tuned[0].points.some((p) => p.lr > 0.2 && p.final_loss === null), 'rates above 2/L diverge');
  const legend = await page.locator('#legend').textContent();
  assert.ok(legend.includes(`lr=${tuned[0].best_lr}`) || legend.includes('lr=0.1'), legend);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/tuned.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('tune learning rates with one optimizer on a network: its rate is set, no error', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=xor&n=60&layers=4&o=sgd(lr=0.001)&steps=200');
  assert.equal((await scenarioOf(page)).race, undefined, 'one optimizer: the scenario has no race');
  await page.getByRole('button', { name: 'Tune learning rates' }).click();
  await page.waitForFunction(() => window.gdviz.tuned !== undefined, null, { timeout: 120000 });
  const tuned = await page.evaluate(() => window.gdviz.tuned);
  assert.equal(tuned.length, 1);
  assert.equal((await scenarioOf(page)).optimizer.lr, tuned[0].best_lr);
  assert.match(await page.locator('#status').textContent(), /^Tuned — /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a stop condition ends the run with “converged at step k”', async () => {
  const { page, errors } = await openPage(session, '?f=booth&o=adam(lr=0.1)&start=-5,5&stop_loss=0.000001&steps=100000');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].status === 'converged', null, { timeout: 60000 });
  const racer = (await stateOf(page)).racers[0];
  assert.match(racer.message, /^converged at step \d+ \(loss below 1e-6\)$/);
  assert.ok(racer.loss < 1e-6);
  assert.match(await page.locator('#legend').textContent(), /converged at step/);
  assert.equal(await page.getByLabel('Stop when loss below').inputValue(), '0.000001');
  assert.deepEqual(errors, []);
  await page.close();
});

test('type a function: it is drawn and raced; a typo is named and the last surface kept', async () => {
  const { page, errors } = await openPage(session, '?f=booth');
  await page.getByLabel('Surface', { exact: true }).selectOption('custom');
  const field = page.getByLabel('Function f(x, y)');
  await field.fill('x^2 + 10*sin(y) + 0.1*y^2');
  await field.press('Enter');
  assert.equal((await scenarioOf(page)).objective.expr, 'x^2 + 10*sin(y) + 0.1*y^2');
  // The start worked out from the view reads as a person writes it, not −1.7999999999999998.
  for (const label of ['Start x', 'Start y']) assert.match(await page.getByLabel(label, { exact: true }).inputValue(), /^−?-?\d+(\.\d{1,6})?$/, label);
  await page.evaluate(() => window.gdviz.lab.advance(200));
  await page.getByRole('button', { name: 'Step' }).click();
  const racers = (await stateOf(page)).racers;
  assert.ok(racers.every((r) => r.step === 201 && Number.isFinite(r.loss)));
  await page.screenshot({ path: `${SCREENSHOT_DIR}/custom-function.png`, fullPage: true });
  await field.fill('x^2 + (y');
  await field.press('Enter');
  assert.match(await page.locator('#notice').textContent(), /character \d+/);
  assert.equal((await scenarioOf(page)).objective.expr, 'x^2 + 10*sin(y) + 0.1*y^2', 'the last good surface stays');
  await field.fill('x^2 + z');
  await field.press('Enter');
  assert.match(await page.locator('#notice').textContent(), /“z” at character 7 is not a variable — use x and y\./);
  // Away to another surface and back: "Your function" races the last function taken, in view
  // (it used to try the refused text again, and stay on Beale with the field hidden).
  await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Beale' });
  assert.equal((await scenarioOf(page)).objective.name, 'beale');
  await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Your function f(x, y)' });
  assert.equal((await scenarioOf(page)).objective.expr, 'x^2 + 10*sin(y) + 0.1*y^2');
  assert.equal(await field.isVisible(), true);
  assert.equal(await field.inputValue(), 'x^2 + 10*sin(y) + 0.1*y^2');
  assert.equal(await page.locator('#notice').isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a function with a pole still shows its shape, not one flat colour', async () => {
  const { page, errors } = await openPage(session, '?lang=en&f=booth');
  await page.getByLabel('Surface', { exact: true }).selectOption('custom');
  const field = page.getByLabel('Function f(x, y)');
  // The share of the heat map's pixels in its commonest colour: 1/(x² + y²) is ~10⁵ beside the
  // origin, and on a scale running that far every other pixel was the bottom colour (0.99; now
  // 0.19, the pole's disc in the top colour).
  const flatness = () => page.evaluate(async () => {
    const canvas = document.getElementById('heat');
    const { data } = (await window.__seen(canvas)).getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map();
    let total = 0;
    for (let k = 0; k < data.length; k += 4 * 7) {
      const key = (data[k] << 16) | (data[k + 1] << 8) | data[k + 2];
      if (key === 0xffffff) continue; // the margin around the plot, where the axes are
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total += 1;
    }
    return Math.max(...counts.values()) / total;
  });
  for (const expr of ['1/(x^2 + y^2)', 'tan(x) + y^2']) {
    await field.fill(expr);
    await field.press('Enter');
    await page.waitForFunction((e) => window.gdviz.scenario.objective.expr === e, expr);
    const share = await flatness();
    assert.ok(share < 0.4, `${expr}: ${(100 * share).toFixed(1)} % of the map is one colour`);
    await page.locator('#stack').screenshot({ path: `${SCREENSHOT_DIR}/custom-function-pole-${expr.startsWith('tan') ? 'tan' : 'origin'}.png` });
  }
  assert.equal(await page.locator('#notice').isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('linear regression on pasted CSV: the first screen fetches the CSV reader, names a bad row, fits the rest', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&n=100&o=sgd(lr=0.05)&seed=1');
  const fetched = [];
  page.on('request', (request) => { if (request.url().includes('gdviz_full')) fetched.push(request.url()); });
  await page.locator('#linreg-controls summary').click();
  const box = page.getByLabel('CSV points for linear regression');
  await box.fill('x,y\n0.1,0.2\n0.3,oops');
  await page.getByRole('button', { name: 'Fit this data' }).click();
  await page.waitForFunction(() => document.querySelector('#notice').textContent.includes('row 3'));
  assert.match(await page.locator('#notice').textContent(), /row 3, column 2/);
  assert.ok(fetched.length > 0, 'the whole page\'s module brings the CSV reader');
  // y = 2x − 1 on 40 points: the fit's slope and intercept are read off the data, not generated.
  const rows = Array.from({ length: 40 }, (_, i) => `${(i / 20 - 1).toFixed(3)},${(2 * (i / 20 - 1) - 1).toFixed(3)}`);
  await box.fill(rows.join('\n'));
  await page.getByRole('button', { name: 'Fit this data' }).click();
  await page.waitForFunction(() => window.gdviz.scenario.objective.points?.length === 40);
  assert.equal((await scenarioOf(page)).objective.kind, 'linreg');
  await page.getByRole('button', { name: 'Step' }).click();
  assert.ok((await stateOf(page)).racers[0].step >= 1, 'the race runs on the pasted points');
  assert.deepEqual(errors, []);
  await page.close();
});

test('paste CSV and train on it; bad rows are named', async () => {
  const { page, errors } = await openPage(session, '?view=network');
  await page.locator('#csv-box summary').click();
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 60; i += 1) {
    const angle = (i / 60) * 2 * Math.PI;
    const r = i % 2 ? 0.3 : 0.9;
    rows.push(`${(r * Math.cos(angle)).toFixed(4)},${(r * Math.sin(angle)).toFixed(4)},${i % 2}`);
  }
  await page.getByLabel('CSV data').fill('x1,x2,label\n0.1,0.2,1\n0.3,abc,0');
  await page.getByRole('button', { name: 'Use this data' }).click();
  assert.match(await page.locator('#notice').textContent(), /row 3, column 2/);
  await page.getByLabel('CSV data').fill(rows.join('\n'));
  await page.getByRole('button', { name: 'Use this data' }).click();
  // The rows are loaded in a task of their own after the click.
  await page.waitForFunction(() => window.gdviz.scenario.objective.points?.length === 60);
  const objective = (await scenarioOf(page)).objective;
  assert.equal(objective.points.length, 60);
  assert.equal(objective.dataset, undefined);
  await page.evaluate(() => window.gdviz.lab.advance(1500));
  await page.getByRole('button', { name: 'Step' }).click();
  assert.ok((await stateOf(page)).racers[0].train_accuracy >= 0.9);
  assert.deepEqual(errors, []);
  await page.close();
});

test('curvature on flat shapes: a plane or kinks, a valley floor — flat, not curving down', async () => {
  const { page, errors } = await openPage(session, '?f=booth&start=1.5,1');
  await page.getByLabel('Surface', { exact: true }).selectOption('custom');
  await page.getByLabel('Curvature at the point').check();
  const field = page.getByLabel('Function f(x, y)');
  const readout = () => page.locator('#curvature-readout').textContent();
  await field.fill('abs(x) + abs(y)');
  await field.press('Enter');
  await page.waitForFunction(() => /λmax/.test(document.getElementById('curvature-readout').textContent));
  assert.match(await readout(), /λmax = 0, λmin = 0: no curvature here — the loss is flat in every direction/);
  await field.fill('x^2');
  await field.press('Enter');
  await page.waitForFunction(() => /λmax = 2/.test(document.getElementById('curvature-readout').textContent));
  assert.match(await readout(), /λmax = 2, λmin = 0: the loss curves up one way and is flat the other — a valley floor/);
  assert.doesNotMatch(await readout(), /curves down/);
  // Along a step on the plane the loss is a straight line.
  await field.fill('x + y');
  await field.press('Enter');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction(() => /c = 0/.test(document.getElementById('line-search-readout').textContent));
  assert.match(await page.locator('#line-search-readout').textContent(), /Along this step the loss does not curve \(c = 0\)/);
  assert.deepEqual(errors, []);
  await page.close();
});
