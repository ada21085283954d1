// Challenges: a teacher's link sets a goal; the page shows it, judges every racer as the run goes,
// says who met it and who missed it, and a student's attempt goes back as a link that replays it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, noticeOf, runToEnd, setNumber, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

const CHALLENGE = '?f=quadratic&kappa=10&o=sgd(lr=0.1)~sgd(lr=0.01)~sgd(lr=0.25)&steps=400&goal=loss<0.001@steps<=150';

test('a challenge link shows its goal, judges the race and names who met it and who missed it', async () => {
  const { page, errors } = await openPage(session, CHALLENGE);
  assert.equal(await noticeOf(page), '');
  assert.equal(await page.locator('#challenge-goal').textContent(), 'Challenge: get the loss below 0.001 within 150 steps.');
  assert.equal(await page.locator('#challenge-status').textContent(), 'Press Play: the goal is checked at every step.');
  await runToEnd(page);
  const status = await page.locator('#challenge-status').textContent();
  assert.match(status, /^Met by SGD lr=0\.1 \(loss [\d.e−]+ at step \d+, \d+ samples\)\. Missed by SGD lr=0\.01 \(at step 151\), SGD lr=0\.25 \(at step \d+\)\.$/);
  const metAt = Number(/at step (\d+), /.exec(status)[1]);
  assert.ok(metAt <= 150, `met within the budget (step ${metAt})`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/challenge.png` });

  // The student tries a better rate for the slow racer, and shares the attempt.
  await page.getByRole('button', { name: /SGD lr=0\.01/ }).click();
  await setNumber(page, 'Learning rate', 0.15);
  await runToEnd(page);
  assert.match(await page.locator('#challenge-status').textContent(), /^Met by SGD lr=0\.1 \([^)]*\), SGD lr=0\.15 \([^)]*\)\. Missed by SGD lr=0\.25/);
  await page.getByRole('button', { name: 'Share my attempt' }).click();
  const link = await page.getByLabel('This link replays your attempt:').inputValue();
  assert.match(link, /o=sgd\(lr=0\.1\)~sgd\(lr=0\.15\)~sgd\(lr=0\.25\)/);
  assert.match(link, /goal=loss<0\.001@steps<=150/);
  assert.match(link, /&play=1$/);
  // A change after sharing: the link shown follows it (it would replay the old attempt).
  await setNumber(page, 'Learning rate', 0.12);
  await page.waitForFunction(() => /lr=0\.12\)/.test(document.getElementById('attempt-link').value));
  await setNumber(page, 'Learning rate', 0.15);
  await page.waitForFunction(() => /lr=0\.15\)/.test(document.getElementById('attempt-link').value));
  assert.deepEqual(errors, []);

  // The teacher opens it: it plays by itself and comes to the same verdicts.
  const teacher = await session.browser.newPage({ viewport: { width: 1280, height: 860 } });
  await teacher.goto(link);
  await teacher.waitForFunction(() => window.gdviz?.ready && window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 90000 });
  await teacher.locator('#challenge-status', { hasText: /Met by SGD lr=0\.1 \([^)]*\), SGD lr=0\.15/ }).waitFor();
  await teacher.close();
  await page.close();
});

test('a goal the page cannot read is named, and the lab opens without it', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&goal=accuracy>0.9');
  assert.match(await noticeOf(page), /ignored `goal`: write the goal as loss<0\.01, or with a budget as loss<0\.01@steps<=500/);
  assert.equal(await page.locator('#challenge').isHidden(), true);
  const none = await openPage(session, '?f=quadratic');
  assert.equal(await none.page.locator('#challenge').isHidden(), true, 'no goal, no challenge box');
  assert.deepEqual(errors, []);
  await page.close();
  await none.page.close();
});
