// The page as a person sees it: it loads without errors and shows the loss surface.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, canvasStats, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => {
  session = await openSession();
});
after(async () => {
  await session?.close();
});

test('the page loads with no console errors and draws a heat map', async () => {
  const { page, errors } = await openPage(session);
  const stats = await canvasStats(page, '#heat');
  assert.ok(stats.variance > 200, `the canvas should not be blank (luminance variance ${stats.variance.toFixed(1)})`);
  assert.equal(await page.evaluate(() => window.gdviz.scenario.objective.name), 'rosenbrock');
  assert.equal(await page.locator('#error-banner').isHidden(), true);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/first-page.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
