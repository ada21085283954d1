// A student's phone: 390×844 CSS px, a touch screen at twice the pixel density. A tap on the
// canvas sets the start, a swipe over it scrolls the page, every control is a finger's width
// (44 px) tall and within the screen, the Share dialog fits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, scenarioOf, stateOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

/** Opens `path` on a phone-sized touch screen. */
async function openPhone(path) {
  return openPage(session, path, PHONE);
}

/** Visible controls a finger must hit that are shorter than 44 CSS px, or reach off the screen. */
const tooSmallOrOff = (page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  const targets = [...document.querySelectorAll('button, select, input, summary, a[href], textarea')]
    .filter((e) => e.offsetParent !== null && e.type !== 'hidden' && !e.closest('dialog:not([open])'));
  const problems = [];
  for (const element of targets) {
    // A checkbox is hit through its label, which is the target.
    const target = element.type === 'checkbox' ? element.closest('label') ?? element : element;
    const box = target.getBoundingClientRect();
    const name = `${element.tagName.toLowerCase()}#${element.id || element.textContent.trim().slice(0, 20) || element.getAttribute('aria-label')}`;
    if (box.height < 44 - 0.5) problems.push(`${name}: ${box.height.toFixed(1)} px tall`);
    if (box.left < -0.5 || box.right > width + 0.5) problems.push(`${name}: off the screen (${box.left.toFixed(0)}–${box.right.toFixed(0)})`);
  }
  return problems;
});

test('a tap on the canvas sets the start; a swipe over it scrolls and leaves the run alone', async () => {
  const { page, errors } = await openPhone('?f=rosenbrock');
  for (let i = 0; i < 3; i += 1) await page.getByRole('button', { name: 'Step' }).tap();
  assert.equal((await stateOf(page)).racers[0].step, 3);
  const startBefore = (await scenarioOf(page)).start;
  const box = await page.locator('#markers').boundingBox();
  // A swipe up from the middle of the canvas: the page scrolls down; no start, no reset.
  // A finger, through the browser's own touch input (Playwright has taps, not swipes).
  const cdp = await page.context().newCDPSession(page);
  const x = box.x + box.width / 2;
  const [from, to] = [box.y + box.height * 0.8, box.y + box.height * 0.1];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y: from }] });
  for (let i = 1; i <= 10; i += 1) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: from + ((to - from) * i) / 10 }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction(() => window.scrollY > 100);
  assert.deepEqual((await scenarioOf(page)).start, startBefore, 'the swipe did not move the start');
  assert.equal((await stateOf(page)).racers[0].step, 3, 'nor reset the run');
  // Let the fling settle, then back to the top.
  await page.evaluate(() => new Promise((resolve) => {
    let last = -1;
    let still = 0;
    const check = () => {
      still = window.scrollY === last ? still + 1 : 0;
      last = window.scrollY;
      if (still >= 10) { window.scrollTo(0, 0); resolve(); } else requestAnimationFrame(check);
    };
    check();
  }));
  await page.waitForFunction(() => window.scrollY === 0);
  // A tap: the start moves to the point under the finger and the race starts there.
  const canvas = await page.locator('#markers').boundingBox();
  const [tx, ty] = [canvas.x + canvas.width * 0.6, canvas.y + canvas.height * 0.45];
  await page.touchscreen.tap(tx, ty);
  const expected = await page.evaluate(([x, y]) => Array.from(window.gdviz.lab.to_plane(x * devicePixelRatio, y * devicePixelRatio)), [canvas.width * 0.6, canvas.height * 0.45]);
  const start = (await scenarioOf(page)).start;
  assert.ok(Math.abs(start[0] - expected[0]) < 1e-3 && Math.abs(start[1] - expected[1]) < 1e-3, `${start} vs ${expected}`);
  assert.equal((await stateOf(page)).racers[0].step, 0, 'a new start resets the race');
  assert.deepEqual(errors, []);
  await page.close();
});

test('every control of the surface lab is a finger’s width tall and on the screen', async () => {
  const { page, errors } = await openPhone('?f=linreg&o=sgd(lr=0.05)~adam(lr=0.05)&batch=5');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (page is ${width} px wide)`);
  await page.locator('#hyper summary').tap();
  await page.locator('#lessons summary').tap();
  assert.deepEqual(await tooSmallOrOff(page), []);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/phone.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the network lab on a phone: fits, its controls finger-sized, per-layer selects and diagram included', async () => {
  const { page, errors } = await openPhone('?f=mlp&data=xor&layers=8,8,4&acts=relu,tanh,sigmoid');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (page is ${width} px wide)`);
  assert.equal(await page.getByLabel('Activation of hidden layer 3').inputValue(), 'sigmoid');
  assert.deepEqual(await tooSmallOrOff(page), []);
  const diagram = await page.locator('#network').boundingBox();
  assert.ok(diagram.width >= 250, `the diagram uses the panel's width (${diagram.width} px)`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/phone-network.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Share dialog fits a phone: link, copy, embed code, exports and import', async () => {
  const { page, errors } = await openPhone('?f=booth');
  await page.getByRole('button', { name: 'Share / Embed' }).tap();
  const overflow = await page.evaluate(() => {
    const dialog = document.getElementById('share');
    const width = document.documentElement.clientWidth;
    return [...dialog.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > width + 0.5).map((e) => e.id || e.tagName);
  });
  assert.deepEqual(overflow, [], 'nothing in the dialog reaches past the screen');
  assert.deepEqual(await tooSmallOrOff(page), []);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/phone-share.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('an embedded network lesson on a phone keeps its picture square and large; the rest scrolls under it', async () => {
  const { page, errors } = await openPhone('?lesson=batch-lr-spiral&embed=1&controls=lr,batch');
  const box = await page.locator('#stack').boundingBox();
  assert.ok(box.height >= 0.9 * box.width, `the picture is ${box.width}×${box.height} CSS px, not squeezed flat`);
  assert.equal((await scenarioOf(page)).objective.dataset.name, 'spiral', 'the lesson’s own data');
  // Its text, legend and chart are still there, a swipe down.
  await page.locator('#lesson').scrollIntoViewIfNeeded();
  assert.equal(await page.locator('#lesson').isVisible(), true);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/phone-embed-lesson.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
