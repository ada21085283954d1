// Every learner: a screen reader hears the race (a calm live narration, and a table standing for
// the canvases), reduced motion keeps everything still until Play, and axe-core finds no
// violation in any view — the surface lab, the network lab, a lesson, a challenge, the share dialog, the
// embed alone and framed, and the embed API's example course page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { frameWith, openSession, openPage, stateOf, trailPixels, SCREENSHOT_DIR } from './harness.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** axe-core's violations in `target` (a page or a frame), one line each; frames are checked on their own. */
async function violations(target) {
  await target.evaluate(AXE);
  return target.evaluate(() => window.axe.run(document, { iframes: false }).then((result) => result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`)));
}

test('axe-core finds no violation in any view', async () => {
  const { page, errors } = await openPage(session);
  assert.deepEqual(await violations(page), [], 'the surface lab');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  assert.deepEqual(await violations(page), [], 'the surface lab after a step (narration and table filled)');
  await page.locator('#lessons summary').click();
  await page.locator('#lesson-list a').first().click();
  await page.getByRole('button', { name: 'Pause' }).click();
  assert.deepEqual(await violations(page), [], 'a lesson');
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  assert.deepEqual(await violations(page), [], 'the share dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Network' }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  assert.deepEqual(await violations(page), [], 'the network lab');
  assert.deepEqual(errors, []);
  await page.close();

  const challenge = await openPage(session, '?f=quadratic&kappa=10&o=sgd(lr=0.1)&steps=200&goal=loss<0.001@steps<=150');
  await challenge.page.getByRole('button', { name: 'Step', exact: true }).click();
  await challenge.page.getByRole('button', { name: 'Share my attempt' }).click();
  assert.deepEqual(await violations(challenge.page), [], 'a challenge, with its attempt link');
  await challenge.page.close();

  const embed = await openPage(session, '?f=rosenbrock&o=sgd(lr=0.001)~adam(lr=0.05)&embed=1&controls=lr,legend,chart', { viewport: { width: 760, height: 680 } });
  assert.deepEqual(await violations(embed.page), [], 'the embed alone');
  assert.equal(await embed.page.getByRole('heading', { level: 1 }).textContent(), 'gdviz: a gradient-descent lab', 'the embed has a heading for screen readers');
  await embed.page.close();

  const course = await session.browser.newPage({ viewport: { width: 1300, height: 1000 } });
  await course.goto(`${session.url}docs/embed-example.html`);
  const frame = await frameWith(course, 'momentum=0.9');
  await frameWith(course, 'sgd(lr=0.02)&');
  assert.deepEqual(await violations(course), [], 'the example course page');
  assert.deepEqual(await violations(frame), [], 'the embed in its frame');
  await course.close();
});

test('a screen reader hears the race at a calm pace and reads the canvases as a table', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&o=adam(lr=0.05)~sgd(lr=2)&steps=250&speed=20');
  assert.equal(await page.locator('#narration').getAttribute('aria-live'), 'polite');
  assert.equal(await page.locator('#narration').textContent(), '', 'nothing is said before anything happens');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const state = await stateOf(page);
  const told = await page.locator('#narration').textContent();
  assert.match(told, /^step 1 — Adam: loss [\d.e−]+; SGD: loss [\d.e−]+$/);
  // The table stands for the canvases: a row per racer with its position and loss, as shown.
  const table = page.getByRole('table', { name: /what the canvases show/ });
  const rows = await table.locator('tr').allInnerTexts();
  assert.equal(rows.length, 3);
  assert.match(rows[0], /Optimizer\s+Step\s+Position \(x, y\)\s+Loss\s+Standing/);
  assert.match(rows[1], /^Adam lr=0\.05\s+1\s+/);
  const adamLoss = state.racers[0].loss;
  assert.ok(rows[1].includes(Number(adamLoss.toPrecision(4)).toString()), `${rows[1]} shows Adam's loss ${adamLoss}`);

  // While playing, the narration changes at most once every five seconds (250 steps at 20 a
  // second: 12.5 s, so at least two narrations and the end).
  await page.evaluate(() => {
    window.told = [];
    new MutationObserver(() => window.told.push({ at: performance.now(), text: document.getElementById('narration').textContent }))
      .observe(document.getElementById('narration'), { childList: true, characterData: true, subtree: true });
    // The status line is a live region too: it changes when the run's state does, not each frame.
    window.statuses = [];
    new MutationObserver(() => window.statuses.push(document.getElementById('status').textContent))
      .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.told.some((h) => /SGD: diverged at step \d+$/.test(h.text)), null, { timeout: 120000 });
  // The run ends at its budget (a Pause is not sure to get through a page this busy).
  await page.waitForFunction(() => !window.gdviz.playing, null, { timeout: 120000 });
  const heard = await page.evaluate(() => window.told);
  assert.ok(heard.length >= 3, JSON.stringify(heard));
  // Every narration while playing came at least 5 s after the one before; the end is told at once.
  for (let i = 1; i < heard.length - 1; i += 1) assert.ok(heard[i].at - heard[i - 1].at >= 4900, `calm: ${heard[i].at - heard[i - 1].at} ms apart`);
  assert.match(heard.at(-1).text, /^step 250 — Adam: loss [^;]+; SGD: diverged at step \d+$/, 'the end is told');
  const statuses = await page.evaluate(() => window.statuses);
  assert.ok(statuses.length <= 4, `the status line changed ${statuses.length} times in 12 s: ${JSON.stringify(statuses)}`);
  assert.match(statuses.at(-1), /^Finished at step 250/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the network lab’s table gives each racer’s accuracy', async () => {
  const { page, errors } = await openPage(session);
  await page.getByRole('button', { name: 'Network' }).click();
  for (let i = 0; i < 5; i += 1) await page.getByRole('button', { name: 'Step', exact: true }).click();
  // After the switch the read-outs are drawn a frame each (again from the start after each Step).
  await page.waitForFunction(() => !window.gdviz.drawingInTurn);
  const rows = await page.getByRole('table', { name: /what the canvases show/ }).locator('tr').allInnerTexts();
  assert.match(rows[0], /Accuracy \(train \/ test\)/);
  assert.match(rows[1], /\s5\s.*\d+\.\d % \/ \d+\.\d %/);
  assert.match(await page.locator('#narration').textContent(), /^step 5 — .*accuracy \d+\.\d %/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with reduced motion nothing plays by itself, and Play still draws the paths', async () => {
  const options = { reducedMotion: 'reduce' };
  const { page, errors } = await openPage(session, '?f=rosenbrock&play=1', options);
  await page.waitForTimeout(800);
  assert.equal((await stateOf(page)).racers[0].step, 0, 'play=1 waits for Play');
  await page.locator('#lessons summary').click();
  await page.locator('#lesson-list a').first().click();
  await page.waitForTimeout(800);
  assert.equal(await page.evaluate(() => window.gdviz.playing), false, 'a lesson waits for Play');
  assert.equal((await stateOf(page)).racers[0].step, 0);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].step >= 10);
  await page.getByRole('button', { name: 'Pause' }).click();
  assert.ok(await trailPixels(page) > 100, 'the paths are drawn');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/reduced-motion.png` });
  assert.deepEqual(errors, []);
  await page.close();

  const course = await session.browser.newPage({ viewport: { width: 1300, height: 1000 }, ...options });
  await course.goto(`${session.url}docs/embed-example.html`);
  const frame = await frameWith(course, 'momentum=0.9');
  await frame.evaluate(() => new Promise((resolve) => { setTimeout(resolve, 500); }));
  assert.equal(await frame.evaluate(() => window.gdviz.state.racers[0].step), 0, 'an embed waits too');
  await course.close();
});

test('the data-set pictures and the misclassified digits are one tab stop each; the arrow keys choose', async () => {
  const { page, errors } = await openPage(session, '?f=mlp');
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id);
  // Back from the "Data set" list: the checked picture, the only stop in the group.
  await page.getByLabel('Data set', { exact: true }).focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'Circle');
  await page.keyboard.press('ArrowRight');
  const name = await page.getByLabel('Data set', { exact: true }).inputValue();
  assert.notEqual(name, 'circle', 'the arrow chose the next picture');
  assert.equal(await focused(), await page.locator('#thumbnails [aria-checked="true"]').getAttribute('aria-label'));
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('#thumbnails') === null), true, 'one Shift+Tab leaves the pictures');
  assert.equal(await page.locator('#thumbnails [tabindex="0"]').count(), 1);

  await page.getByRole('button', { name: 'Digits' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#digits-wrong [role="radio"]').length > 10, null, { timeout: 60000 });
  const heading = () => page.locator('#digits-maps').textContent();
  // Each is named as it is said: "Test digit 12: an 8, taken for a 3".
  const names = await page.locator('#digits-wrong [role="radio"]').evaluateAll((radios) => radios.map((r) => r.getAttribute('aria-label')));
  assert.ok(names.every((name) => /^Test digit \d+: an? \d, taken for an? \d$/.test(name) && !/\ba 8\b/.test(name)), names.join('; '));
  const first = page.locator('#digits-wrong [role="radio"]').first();
  await first.click();
  const before = await heading();
  await page.keyboard.press('ArrowRight');
  const second = page.locator('#digits-wrong [role="radio"]').nth(1);
  assert.equal(await second.getAttribute('aria-checked'), 'true');
  assert.equal(await focused(), await second.getAttribute('aria-label'));
  assert.notEqual(await heading(), before, 'the next digit’s feature maps');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('#digits-wrong') === null), true, 'one Tab leaves the digits');
  assert.equal(await page.locator('#digits-wrong [tabindex="0"]').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});
