// Shared set-up for the end-to-end tests: serve the repository root on a free port, drive
// Debian's Chromium through playwright-core, collect console errors, save screenshots.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';

export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Starts the server and the browser; `close()` stops both. */
export async function openSession() {
  const { server, url } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * In the page, `await window.__seen(element)`: a 2-D context holding a copy of what a canvas
 * shows after the next frame, whatever its context (the page hands its charts and heat map to
 * 'bitmaprenderer' canvases a moment after drawing them, and getImageData cannot read those);
 * for the stage (#stack), its canvases that show, laid where they show, as a person sees them.
 */
export const SEEN = `window.__seen = async (element) => {
  await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); });
  const stage = element.tagName !== 'CANVAS';
  const dpr = window.devicePixelRatio || 1;
  const copy = document.createElement('canvas');
  copy.width = stage ? Math.round(element.clientWidth * dpr) : element.width;
  copy.height = stage ? Math.round(element.clientHeight * dpr) : element.height;
  const context = copy.getContext('2d', { willReadFrequently: true });
  const layers = stage ? [...element.querySelectorAll('canvas:not(.inset)')].filter((canvas) => {
    const style = getComputedStyle(canvas);
    return style.display !== 'none' && style.visibility !== 'hidden' && canvas.width > 0;
  }) : [element];
  for (const canvas of layers) {
    if (canvas.width === 0 || canvas.height === 0) continue;
    if (stage) context.drawImage(canvas, canvas.offsetLeft * dpr, canvas.offsetTop * dpr, canvas.offsetWidth * dpr, canvas.offsetHeight * dpr);
    else context.drawImage(canvas, 0, 0);
  }
  return context;
};`;

/**
 * Opens `path` in a new page (Playwright's page `options`: viewport, touch, …) and waits for the
 * lab to be ready. Returns the page and the list that collects every console error, page error
 * and failed request.
 */
export async function openPage(session, path = '', options = {}) {
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 860 }, ...options });
  await page.addInitScript(SEEN);
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  // A request the browser aborted because the page navigated away (the favicon of a page left
  // at once, say) is no fault of the page; a missing file still shows as an HTTP status below.
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(session.url + path);
  await page.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 60000 });
  return { page, errors };
}

/** Mean and variance of the canvas's pixel luminance, sampled on a grid. */
export async function canvasStats(page, selector) {
  return page.evaluate(async (sel) => {
    const canvas = document.querySelector(sel);
    const context = await window.__seen(canvas);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sumSq = 0;
    let count = 0;
    for (let y = 0; y < canvas.height; y += 7) {
      for (let x = 0; x < canvas.width; x += 7) {
        const k = 4 * (y * canvas.width + x);
        const luma = 0.2126 * data[k] + 0.7152 * data[k + 1] + 0.0722 * data[k + 2];
        sum += luma;
        sumSq += luma * luma;
        count += 1;
      }
    }
    const mean = sum / count;
    return { mean, variance: sumSq / count - mean * mean };
  }, selector);
}

/** The scenario and the lab's state as the page holds them (read only). */
export const scenarioOf = (page) => page.evaluate(() => window.gdviz.scenario);
export const stateOf = (page) => page.evaluate(() => window.gdviz.state);

/** Types `value` into the number field labelled `label` and leaves it with Tab, as a person does. */
export async function setNumber(page, label, value) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.press('Tab');
}

/** The sentences the page shows above the lab ('' when none). */
export const noticeOf = (page) => page.evaluate(() => {
  const notice = document.getElementById('notice');
  return notice.hidden ? '' : notice.textContent;
});

/**
 * Runs the current scenario to its end as a person would: Speed to its fastest with the keyboard,
 * then Play, then waits until every racer has stopped (budget, stop condition or divergence).
 */
export async function runToEnd(page, { timeout = 90000 } = {}) {
  await page.getByLabel('Speed', { exact: true }).press('End');
  if (!(await page.evaluate(() => window.gdviz.playing))) await page.locator('#play').click();
  // Ended, and shown: after a lesson or another view the read-outs are drawn a frame each.
  await page.waitForFunction(() => !window.gdviz.playing && !window.gdviz.drawingInTurn
    && window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout });
  return stateOf(page);
}

/**
 * Opens the lesson titled `title` from the Lessons list as a student does (it shows, with no
 * notice), runs it to its end and returns its racers.
 */
export async function openAndRun(page, title) {
  await page.locator('#lessons summary').click();
  await page.getByRole('link', { name: title, exact: true }).click();
  // A network's lesson shows once the whole page's module is in (fetched the first time).
  await page.locator('#lesson-title', { hasText: title }).waitFor();
  assert.equal(await page.locator('#lesson-title').textContent(), title);
  assert.equal(await page.locator('#lesson').isVisible(), true);
  assert.equal(await noticeOf(page), '', `${title} opens without a notice`);
  // The lesson has the focus, and the window shows the whole picture with the text below it
  // (what does not fit is a scroll away): the picture's top is not cut off to show the text.
  await page.waitForFunction(() => document.activeElement?.id === 'lesson');
  const view = await page.evaluate(() => ({
    picture: document.getElementById('stack').getBoundingClientRect().top,
    text: document.getElementById('lesson').getBoundingClientRect().top,
    height: window.innerHeight,
  }));
  assert.ok(view.picture >= -1, `${title}: the picture's top is in view (${view.picture})`);
  assert.ok(view.text < view.height, `${title}: the lesson's text starts in view (${view.text} of ${view.height})`);
  return (await runToEnd(page)).racers;
}

/** Pixels of the trails canvas that something was drawn on. */
export const trailPixels = (page) => page.evaluate(() => {
  const canvas = document.getElementById('trails');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn += 1;
  return drawn;
});

/** The frame of `page` whose URL holds `text`, once its lab is ready (a course page's embed). */
export async function frameWith(page, text) {
  for (let i = 0; i < 600; i += 1) {
    const found = page.frames().find((f) => f.url().includes(text));
    if (found) {
      await found.waitForFunction(() => window.gdviz?.ready === true, null, { timeout: 60000 });
      return found;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`no frame whose URL holds ${text}`);
}
