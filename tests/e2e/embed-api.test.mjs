// The embed API (docs/embed.md) as a course page uses it: the documented example page, served
// from another origin, drives two framed labs with its own buttons and marks a quiz from the
// frames' final losses; a test course page sends requests of every kind, bad ones included,
// and reads what the frame says back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { frameWith, openSession, SCREENSHOT_DIR } from './harness.mjs';
import { startServer } from '../../scripts/serve.mjs';

const COURSE = fileURLToPath(new URL('./course', import.meta.url));
let session;
let host;
let course;
before(async () => {
  session = await openSession();
  // The repository again on a second port: another origin, as a course site is.
  host = await startServer();
  course = await startServer({ root: COURSE });
});
after(async () => {
  for (const server of [host, course]) await new Promise((resolve) => server?.server.close(resolve));
  await session?.close();
});

/** A page that records console warnings and errors (of its frames too). */
async function newPage() {
  const page = await session.browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const errors = [];
  const warnings = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return { page, errors, warnings };
}

test('the example course page drives two labs on another origin and marks its quiz from their final losses', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${host.url}docs/embed-example.html?lab=${encodeURIComponent(`${session.url}index.html`)}`);
  const plain = await frameWith(page, 'sgd(lr=0.02)&');
  const momentum = await frameWith(page, 'momentum=0.9');
  assert.notEqual(new URL(plain.url()).origin, new URL(page.url()).origin, 'the labs are on another origin');
  for (const frame of [plain, momentum]) assert.equal(await frame.locator('#notice').isHidden(), true, 'the embed URL has nothing the lab ignores');
  await page.getByText('Ready: press Play both.').nth(1).waitFor();

  await page.getByRole('button', { name: 'Step both 10 times' }).click();
  await page.getByRole('button', { name: 'Step both 10 times' }).click();
  await page.locator('#plain-out', { hasText: 'Step 20: loss' }).waitFor();
  await page.locator('#momentum-out', { hasText: 'Step 20: loss' }).waitFor();
  assert.equal(await plain.evaluate(() => window.gdviz.state.racers[0].step), 20);

  await page.getByLabel('Learning rate (left)').fill('0.03');
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  await plain.waitForFunction(() => window.gdviz.scenario.optimizer.lr === 0.03);
  assert.equal(await momentum.evaluate(() => window.gdviz.scenario.optimizer.lr), 0.02, 'only the left lab changed');

  await page.getByLabel('Momentum').check();
  await page.getByRole('button', { name: 'Check my answer' }).click();
  assert.equal(await page.locator('#verdict').textContent(), 'Run both labs to the end first (Play both).');

  await page.getByRole('button', { name: 'Play both' }).click();
  await page.locator('#plain-out', { hasText: 'Finished at step 200' }).waitFor({ timeout: 60000 });
  await page.locator('#momentum-out', { hasText: 'Finished at step 200' }).waitFor({ timeout: 60000 });
  const [plainLoss, momentumLoss] = [await plain.evaluate(() => window.gdviz.state.racers[0].loss), await momentum.evaluate(() => window.gdviz.state.racers[0].loss)];
  assert.ok(momentumLoss < plainLoss, `momentum wins here (${momentumLoss} < ${plainLoss})`);
  await page.getByRole('button', { name: 'Check my answer' }).click();
  assert.match(await page.locator('#verdict').textContent(), new RegExp(`^Right: plain gradient descent ended at loss ${plainLoss.toPrecision(3)}, momentum at ${momentumLoss.toPrecision(3)}\\.$`));
  await page.getByLabel('Plain gradient descent').check();
  await page.getByRole('button', { name: 'Check my answer' }).click();
  assert.match(await page.locator('#verdict').textContent(), /^Not quite/);

  await page.getByRole('button', { name: 'Reset both' }).click();
  await plain.waitForFunction(() => window.gdviz.state.racers[0].step === 0);
  assert.equal(await page.locator('#plain-out').textContent(), 'Reset: press Play both.');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/embed-api-course.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

/**
 * Opens the test course page framing the lab at `query` (and waits for its `ready`, unless the
 * frame is told to talk to another origin); returns the page, its frame and logs.
 */
async function openCourse(query, { ready = true } = {}) {
  const opened = await newPage();
  await opened.page.goto(`${course.url}?lab=${encodeURIComponent(`${session.url}?${query}`)}`);
  const frame = await frameWith(opened.page, 'embed=1');
  if (ready) await opened.page.waitForFunction(() => window.heard.some((m) => m.type === 'ready'));
  return { ...opened, frame };
}
const post = (page, message) => page.evaluate((m) => document.querySelector('iframe').contentWindow.postMessage(m, '*'), message);
const heard = (page) => page.evaluate(() => window.heard);
const waitHeard = (page, type) => page.waitForFunction((t) => window.heard.some((m) => m.type === t), type, { timeout: 60000 });

test('requests of every kind: load by query and JSON, step, set, report, summary; endings and a learner’s edit come back', async () => {
  const { page, frame, errors } = await openCourse('f=rosenbrock&o=sgd(lr=0.001)~adam(lr=0.05)&embed=1&controls=lr');
  const ready = (await heard(page)).find((m) => m.type === 'ready');
  assert.equal(ready.gdviz, 1);
  assert.deepEqual(ready.racers.map((r) => r.optimizer), ['sgd', 'adam']);

  await post(page, { gdviz: 1, type: 'load', query: 'f=quadratic&kappa=10&o=sgd(lr=0.5)~sgd(lr=0.01)&steps=300' });
  await waitHeard(page, 'loaded');
  assert.equal((await heard(page)).find((m) => m.type === 'loaded').scenario.optimizer.lr, 0.5);
  await post(page, { gdviz: 1, type: 'report', every: 50 });
  await post(page, { gdviz: 1, type: 'step', n: 120 });
  await page.waitForFunction(() => window.heard.filter((m) => m.type === 'summary').length >= 1);
  const summary = (await heard(page)).find((m) => m.type === 'summary');
  assert.equal(summary.step, 120);
  assert.equal(summary.racers.length, 2);
  await post(page, { gdviz: 1, type: 'play' });
  await waitHeard(page, 'finished');
  const all = await heard(page);
  const diverged = all.find((m) => m.type === 'diverged');
  assert.equal(diverged?.racer, 0, 'lr 0.5 on κ = 10 diverges, and the host hears which racer');
  const finished = all.find((m) => m.type === 'finished');
  assert.equal(finished.racers[1].status !== 'running', true);
  assert.equal(await frame.evaluate(() => window.gdviz.playing), false);

  await post(page, { gdviz: 1, type: 'load', scenario: { objective: { kind: 'surface', name: 'rosenbrock' }, optimizer: { name: 'sgd', lr: -1 } }, id: 7 });
  await waitHeard(page, 'refused');
  const refusal = (await heard(page)).find((m) => m.type === 'refused');
  assert.equal(refusal.id, 7);
  assert.match(refusal.problem, /Learning rate/);
  await post(page, { gdviz: 1, type: 'set', control: 'lr', value: 0.002, racer: 1 });
  await frame.waitForFunction(() => window.gdviz.scenario.race[0].optimizer.lr === 0.002);
  // What the lab cannot take comes back refused, and nothing changes: an optimizer it does not
  // offer, a racer it does not have, the digits lab (which does not embed).
  const before = await frame.evaluate(() => JSON.stringify(window.gdviz.scenario));
  const refusals = [
    [{ type: 'set', control: 'optimizer', value: 'nope', racer: 0, id: 11 }, /^“nope” is not an optimizer \(accepted: sgd, .*adam/],
    [{ type: 'set', control: 'lr', value: 0.1, racer: 5, id: 12 }, /^racer 5: this lab has 2 racers \(0 to 1\)$/],
    [{ type: 'load', query: 'view=digits', id: 13 }, /^view=digits: the digits lab cannot be embedded/],
  ];
  for (const [request, problem] of refusals) {
    await post(page, { gdviz: 1, ...request });
    await page.waitForFunction((id) => window.heard.some((m) => m.type === 'refused' && m.id === id), request.id);
    assert.match((await heard(page)).find((m) => m.id === request.id).problem, problem);
  }
  assert.equal(await frame.evaluate(() => JSON.stringify(window.gdviz.scenario)), before);
  assert.equal((await heard(page)).some((m) => m.type === 'edited'), false, 'the host’s own changes are not told back');

  const lab = page.frameLocator('iframe');
  await lab.getByLabel('Learning rate', { exact: true }).fill('0.3');
  await lab.getByLabel('Learning rate', { exact: true }).press('Tab');
  await waitHeard(page, 'edited');
  const edited = (await heard(page)).find((m) => m.type === 'edited');
  assert.equal(edited.scenario.optimizer.lr, 0.3);
  assert.match(edited.query, /sgd\(lr=0\.3\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad messages are ignored with a warning, never an exception', async () => {
  const { page, frame, errors, warnings } = await openCourse('f=rosenbrock&embed=1');
  for (const message of ['play', null, { type: 'play' }, { gdviz: 1, type: 'explode' }, { gdviz: 1, type: 'step', n: -3 }, { gdviz: 1, type: 'step', n: 1e9 },
    { gdviz: 1, type: 'set', control: 'lr', value: 'fast' }, { gdviz: 1, type: 'set', control: 'colour', value: 1 }, { gdviz: 1, type: 'load' },
    { gdviz: 1, type: 'report', every: 0 }, { gdviz: 1, type: '__proto__' }, { gdviz: 1, type: 'toString' }]) await post(page, message);
  for (let i = 0; i < 100 && warnings.filter((w) => w.startsWith('gdviz embed API: ignored')).length < 12; i += 1) await page.waitForTimeout(50);
  const ignored = warnings.filter((w) => w.startsWith('gdviz embed API: ignored'));
  assert.equal(ignored.length, 12, ignored.join('\n'));
  assert.ok(ignored.some((w) => /unknown type "explode" \(accepted: load, play/.test(w)));
  assert.ok(ignored.some((w) => /step needs `n`, a whole number of steps from 1 to 1000000/.test(w)));
  const state = await frame.evaluate(() => ({ step: window.gdviz.state.racers[0].step, playing: window.gdviz.playing }));
  assert.deepEqual(state, { step: 0, playing: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a frame told its host’s origin ignores every other origin', async () => {
  const { page, frame, warnings } = await openCourse(`f=rosenbrock&embed=1&host=${encodeURIComponent('https://course.example.org')}`, { ready: false });
  // This page hears no 'ready' (it goes to the other origin): the request is sent again until the
  // frame's embed API, set up once the lab has started, is there to refuse it.
  for (let i = 0; i < 400 && !warnings.some((w) => w.includes('not from https://course.example.org')); i += 1) {
    await post(page, { gdviz: 1, type: 'step', n: 5 });
    await page.waitForTimeout(50);
  }
  assert.ok(warnings.some((w) => w.includes(`a message from ${course.url.replace(/\/$/, '')}, not from https://course.example.org`)), warnings.join('\n'));
  assert.equal(await frame.evaluate(() => window.gdviz.state.racers[0].step), 0);
  assert.deepEqual(await heard(page), [], 'and says nothing to a page of another origin');
  await page.close();
});
