// Record: the run as a WebM video (canvas, paths, legend, loss chart) through MediaRecorder —
// the file downloaded is WebM (its EBML header) and plays for about as long as it recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openSession, openPage, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** The video's size and duration in seconds, as a <video> element reads them. */
async function videoFacts(bytes, screenshot) {
  const page = await session.browser.newPage({ viewport: { width: 900, height: 1100 } });
  await page.setContent('<!doctype html><title>video</title><video muted></video>');
  const facts = await page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const video = document.querySelector('video');
    video.src = URL.createObjectURL(new Blob([data], { type: 'video/webm' }));
    await new Promise((resolve, reject) => {
      video.onloadedmetadata = resolve;
      video.onerror = () => reject(new Error(`the video does not load: ${video.error?.message}`));
    });
    // MediaRecorder writes no duration in the header: seeking to the end makes the browser find it.
    if (!Number.isFinite(video.duration)) {
      await new Promise((resolve) => {
        video.ondurationchange = () => { if (Number.isFinite(video.duration)) resolve(); };
        video.currentTime = 1e6;
      });
    }
    // A frame from the middle, to look at.
    await new Promise((resolve) => {
      video.onseeked = resolve;
      video.currentTime = video.duration / 2;
    });
    return { width: video.videoWidth, height: video.videoHeight, duration: video.duration };
  }, bytes.toString('base64'));
  if (screenshot) await page.screenshot({ path: `${SCREENSHOT_DIR}/${screenshot}` });
  await page.close();
  return facts;
}

async function recorded(download, screenshot) {
  assert.equal(download.suggestedFilename(), 'gdviz-run.webm');
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'an EBML header');
  assert.ok(bytes.includes(Buffer.from('webm')), 'of DocType webm');
  return { bytes, ...(await videoFacts(bytes, screenshot)) };
}

test('Record, then Stop recording: a playable WebM of the time recorded', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&speed=100');
  const heat = await page.evaluate(() => document.getElementById('heat').width);
  const downloaded = page.waitForEvent('download', { timeout: 60000 });
  await page.getByRole('button', { name: 'Record' }).click();
  assert.equal(await page.evaluate(() => window.gdviz.playing), true, 'Record plays the run');
  const started = Date.now();
  await page.waitForTimeout(3000);
  await page.getByRole('button', { name: 'Stop recording' }).click();
  const seconds = (Date.now() - started) / 1000;
  const video = await recorded(await downloaded, 'record-frame.png');
  assert.ok(Math.abs(video.duration - seconds) < 1.2, `${video.duration} s of video for ${seconds} s recorded`);
  assert.equal(video.width, heat - (heat % 2), 'as wide as the canvas');
  assert.ok(video.height > heat * 0.8, `the legend and the chart are under the canvas (${video.width}×${video.height})`);
  assert.match(await page.locator('#record-note').textContent(), /^Saved gdviz-run\.webm \(\d+\.\d s of video\)\.$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the run’s end ends the video', async () => {
  const { page, errors } = await openPage(session, '?f=quadratic&kappa=10&o=sgd(lr=0.05)&steps=100&speed=50');
  const downloaded = page.waitForEvent('download', { timeout: 60000 });
  await page.getByRole('button', { name: 'Record' }).click();
  const video = await recorded(await downloaded);
  assert.equal((await page.evaluate(() => window.gdviz.state)).racers[0].step, 100);
  assert.ok(video.duration > 1 && video.duration < 5, `100 steps at 50 steps/s: ${video.duration} s`);
  assert.equal(await page.getByRole('button', { name: 'Record' }).getAttribute('aria-pressed'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});
