// The speed is steps per second, whatever the device: the same scenario plays at the same pace on
// a fast CPU and on one four and six times slower (Chromium's CPU throttling through the DevTools
// protocol, as a phone would run it), and a tab that stalls does not leap thousands of steps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, stateOf } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** Plays for `seconds` at the speed shown and returns the steps per second the leader made. */
async function measurePace(page, seconds) {
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  // Let it settle for half a second, then time a window by the page's own clock.
  await page.waitForTimeout(500);
  const first = await page.evaluate(() => [performance.now(), window.gdviz.state.racers[0].step, window.gdviz.frames]);
  await page.waitForTimeout(seconds * 1000);
  const last = await page.evaluate(() => [performance.now(), window.gdviz.state.racers[0].step, window.gdviz.frames]);
  await page.getByRole('button', { name: 'Pause' }).click();
  const elapsed = (last[0] - first[0]) / 1000;
  return { stepsPerSecond: (last[1] - first[1]) / elapsed, framesPerSecond: (last[2] - first[2]) / elapsed };
}

test('200 steps/s is 200 steps a second at 1×, 4× and 6× slower CPUs', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=sgd(lr=0.001)~sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)&steps=100000&cloud=1');
  const speed = page.getByLabel('Speed', { exact: true });
  await speed.press('Home');
  while ((await page.locator('#speed-value').textContent()) !== '200 steps/s') await speed.press('ArrowRight');
  const cdp = await page.context().newCDPSession(page);
  const paces = {};
  for (const rate of [1, 4, 6]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    paces[rate] = await measurePace(page, 3);
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  for (const [rate, { stepsPerSecond, framesPerSecond }] of Object.entries(paces)) {
    assert.ok(Math.abs(stepsPerSecond - 200) <= 20, `${rate}× CPU: ${stepsPerSecond.toFixed(1)} steps/s at ${framesPerSecond.toFixed(1)} frames/s`);
  }
  console.log(`# pace: ${Object.entries(paces).map(([r, p]) => `${r}× ${p.stepsPerSecond.toFixed(1)} steps/s at ${p.framesPerSecond.toFixed(1)} fps`).join('; ')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a tab that stalls for two seconds takes at most a quarter second’s steps when it wakes', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&o=adam(lr=0.05)&steps=100000');
  const speed = page.getByLabel('Speed', { exact: true });
  await speed.press('Home');
  while ((await page.locator('#speed-value').textContent()) !== '1 000 steps/s') await speed.press('ArrowRight');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => window.gdviz.state.racers[0].step > 100);
  const [before, after] = await page.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => {
      const step = window.gdviz.state.racers[0].step;
      const started = performance.now();
      while (performance.now() - started < 2000) { /* the main thread is stuck */ }
      // The next frame sees 2 s elapsed; the one after shows what it did with them.
      requestAnimationFrame(() => requestAnimationFrame(() => resolve([step, window.gdviz.state.racers[0].step])));
    });
  }));
  await page.getByRole('button', { name: 'Pause' }).click();
  assert.ok(after - before <= 250 + 40, `after a 2 s stall: ${after - before} steps (1000 steps/s, at most 0.25 s counted)`);
  assert.ok((await stateOf(page)).racers[0].step > 100);
  assert.deepEqual(errors, []);
  await page.close();
});
