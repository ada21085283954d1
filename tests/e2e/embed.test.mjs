// Embedding as a course page does it: the lab framed by a page on another origin (another port),
// at the README snippet's 760×680, with and without a sandbox. The frame fits, works with the
// pointer, keeps the course page's Back button, shows what an embedded lesson talks about, and
// says plainly when the host does not let it load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { frameWith, openPage, openSession, setNumber, SCREENSHOT_DIR } from './harness.mjs';
import { startServer } from '../../scripts/serve.mjs';

const COURSE = fileURLToPath(new URL('./course', import.meta.url));
let session;
let course;
before(async () => {
  session = await openSession();
  course = await startServer({ root: COURSE });
});
after(async () => {
  await new Promise((resolve) => course?.server.close(resolve));
  await session?.close();
});

/**
 * Opens the course page framing `labQuery` (sandbox tokens `sandbox`, or none for `null`) and
 * waits for the framed lab; returns the course page, the frame and every error either reported.
 */
async function openCourse(labQuery, { sandbox = 'allow-scripts allow-same-origin', lab = session.url } = {}) {
  const page = await session.browser.newPage({ viewport: { width: 1000, height: 900 } });
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  const src = `${lab}?${labQuery}`;
  await page.goto(`${course.url}?lab=${encodeURIComponent(src)}${sandbox === null ? '' : `&sandbox=${encodeURIComponent(sandbox)}`}`);
  const frame = await (async () => {
    for (let i = 0; i < 600; i += 1) {
      const found = page.frames().find((f) => f.url().startsWith(lab));
      if (found) return found;
      await page.waitForTimeout(50);
    }
    throw new Error('no frame');
  })();
  return { page, frame, errors };
}

/** How far the framed document overflows its frame (0: it fits). */
const overflow = (frame) => frame.evaluate(() => Math.max(0, document.documentElement.scrollHeight - window.innerHeight, document.documentElement.scrollWidth - window.innerWidth));

for (const sandbox of ['allow-scripts allow-same-origin', 'allow-scripts', null]) {
  test(`the README snippet in a course page on another origin, sandbox: ${sandbox ?? 'none'}`, async () => {
    const { page, frame, errors } = await openCourse('f=rosenbrock&o=sgd(lr=0.001)~adam(lr=0.05)&embed=1&controls=lr', { sandbox });
    await frame.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 60000 });
    assert.equal(await overflow(frame), 0, 'the frame shows everything at 760×680');
    const lab = page.frameLocator('iframe');
    const historyBefore = await page.evaluate(() => history.length);
    await lab.getByRole('button', { name: 'Step' }).click();
    await lab.getByRole('button', { name: 'Step' }).click();
    assert.equal(await frame.evaluate(() => window.gdviz.state.racers[0].step), 2);
    await lab.getByLabel('Learning rate', { exact: true }).fill('0.002');
    await lab.getByLabel('Learning rate', { exact: true }).press('Tab');
    assert.equal(await frame.evaluate(() => window.gdviz.scenario.optimizer.lr), 0.002);
    await lab.getByLabel('Learning rate slider (log scale)').press('ArrowLeft');
    assert.equal(await frame.evaluate(() => window.gdviz.scenario.optimizer.lr), 0.001);
    assert.equal(await page.evaluate(() => history.length), historyBefore, 'edits in the frame add nothing to the course page’s history');
    await lab.getByRole('button', { name: 'Play' }).click();
    await frame.waitForFunction(() => window.gdviz.state.racers[0].step > 50);
    await lab.getByRole('button', { name: 'Pause' }).click();
    const drawn = await frame.evaluate(() => {
      const canvas = document.getElementById('trails');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
      return count;
    });
    assert.ok(drawn > 100, `the paths are drawn (${drawn} pixels)`);
    if (sandbox === 'allow-scripts') {
      assert.equal(await frame.evaluate(() => window.origin), 'null', 'an opaque origin, and it still works');
      await page.screenshot({ path: `${SCREENSHOT_DIR}/embed-sandboxed.png` });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('an embedded lesson shows its text, legend and chart, and fits the frame', async () => {
  const query = 'f=linreg&n=100&noise=0.1&o=sgd(lr=0.03)~sgd(lr=0.03,batch=1)~sgd(lr=0.03,batch=10)&seed=1&steps=1200&stop_epochs=20&axis=samples&lesson=batching&embed=1&controls=batch';
  const { page, frame, errors } = await openCourse(query);
  await frame.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 60000 });
  assert.equal(await overflow(frame), 0, 'it fits 760×680');
  const lab = page.frameLocator('iframe');
  for (const selector of ['#lesson-text', '#legend', '#chart', '#stack']) {
    assert.equal(await lab.locator(selector).isVisible(), true, `${selector} is shown`);
    const box = await lab.locator(selector).boundingBox();
    assert.ok(box.width > 100 && box.height > 20, `${selector} has room: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(await lab.locator('.racer-name').allTextContents(), ['SGD lr=0.03 B=50 (BGD)', 'SGD lr=0.03 B=1 (SGD)', 'SGD lr=0.03 B=10 (mini-batch)']);
  const stack = await lab.locator('#stack').boundingBox();
  assert.ok(stack.height >= 300, `the canvas keeps a useful size (${stack.width}×${stack.height})`);
  await lab.getByRole('button', { name: 'Play' }).click();
  await frame.waitForFunction(() => window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 60000 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/embed-lesson.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('controls= adds the chart and the legend to a plain demo', async () => {
  const { page, frame, errors } = await openCourse('f=rosenbrock&o=sgd(lr=0.001)~adam(lr=0.05)&embed=1&controls=chart,legend,lr');
  await frame.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 60000 });
  const lab = page.frameLocator('iframe');
  assert.equal(await lab.locator('#chart').isVisible(), true);
  assert.equal(await lab.locator('#legend').isVisible(), true);
  assert.equal(await overflow(frame), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an embed link to the digits lab opens it as a page and says so, not over the surface lab', async () => {
  const { page, errors } = await openPage(session, '?lang=en&view=digits&embed=1&controls=lr');
  await page.locator('#digits-lab').waitFor({ state: 'visible' });
  assert.match(await page.locator('#notice').textContent(), /ignored `embed`: the digits lab cannot be embedded yet, so it opens as a page/);
  assert.equal(await page.locator('#stack').isVisible(), false, 'the surface lab is not drawn under it');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/embed-digits-refused.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('an embedded 3-D view with its camera and the curvature read-out: drawn as linked, turned by a drag in the frame', async () => {
  const { page, frame, errors } = await openCourse('f=himmelblau&o=adam(lr=0.05)&start=-4,4&steps=200&view3d=1&cam=-60,25,1.2&curv=1&embed=1&controls=curvature');
  await frame.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 60000 });
  assert.equal(await overflow(frame), 0);
  const lab = page.frameLocator('iframe');
  const view = lab.locator('#paths3d');
  await view.waitFor({ state: 'visible' });
  assert.deepEqual(await frame.evaluate(() => window.gdviz.ui.camera), { yaw: -60, pitch: 25, zoom: 1.2 });
  assert.match(await lab.locator('#curvature-readout').textContent(), /λmax/);
  const box = await view.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 50, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  assert.equal((await frame.evaluate(() => window.gdviz.ui.camera)).yaw, -80, '50 px dragged: 20° turned');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/embed-view3d.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a host that blocks the sandboxed frame’s requests gets a clear message, not “Loading…” forever', async () => {
  const closed = await startServer({ cors: false });
  const { page, frame } = await openCourse('f=rosenbrock&embed=1', { sandbox: 'allow-scripts', lab: closed.url });
  await frame.waitForFunction(() => /could not load its code/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
  const message = await frame.locator('#error-text').textContent();
  assert.match(message, /sandbox="allow-scripts allow-same-origin"/);
  assert.match(message, /Access-Control-Allow-Origin/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/embed-blocked.png` });
  await page.close();
  await new Promise((resolve) => closed.server.close(resolve));
});

test('the Share dialog’s embed code offers the batch size only where it changes something', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock');
  const embedCode = async () => {
    await page.getByRole('button', { name: 'Share / Embed' }).click();
    const code = await page.getByLabel('Embed', { exact: true }).inputValue();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    return /controls=([\w,]+)"/.exec(code)?.[1];
  };
  assert.equal(await embedCode(), 'lr', 'on a surface without gradient noise the batch size does nothing');
  await setNumber(page, 'Gradient noise σ', 2);
  assert.equal(await embedCode(), 'lr,batch', 'with noise it scales σ/√B');
  await page.getByLabel('Surface', { exact: true }).selectOption('linreg');
  assert.equal(await embedCode(), 'lr,batch', 'on data it chooses the points each step reads');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Share dialog’s embed code, pasted into a course page read on a phone, fits its width', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock');
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  const code = await page.getByLabel('Embed', { exact: true }).inputValue();
  await page.close();
  const phone = await session.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.setContent(`<!doctype html><meta name="viewport" content="width=device-width"><body style="margin:8px"><h1>Week 3</h1>${code}</body>`);
  const frame = phone.locator('iframe');
  const box = await frame.boundingBox();
  assert.ok(box.width <= 390 - 16 + 0.5, `the frame is ${box.width} px wide`);
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scroll');
  // On a wide page it keeps its 760 px.
  await phone.setViewportSize({ width: 1200, height: 900 });
  assert.equal((await frame.boundingBox()).width, 760);
  assert.deepEqual(errors, []);
  await phone.close();
  // On the narrowest phone (320 px) the lab inside fits its frame's width, and its square view is
  // drawn about square: a frame taller than wide does not stretch the plot (the gradient meets
  // the contours at right angles only on a plot in proportion).
  const small = await session.browser.newPage({ viewport: { width: 320, height: 700 }, isMobile: true, hasTouch: true });
  await small.setContent(`<!doctype html><meta name="viewport" content="width=device-width"><body style="margin:8px">${code}</body>`);
  const lab = await frameWith(small, 'embed=1');
  const fit = await lab.evaluate(() => {
    const heat = document.getElementById('heat').getBoundingClientRect();
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, ratio: heat.height / heat.width };
  });
  assert.equal(fit.overflow, 0, 'nothing runs past the frame’s edge');
  assert.ok(fit.ratio > 0.85 && fit.ratio < 1.15, `the picture is ${fit.ratio.toFixed(2)} times as tall as wide`);
  await small.screenshot({ path: `${SCREENSHOT_DIR}/embed-phone-320.png` });
  await small.close();
});
