// The batch-noise cloud as a teacher shows it: linear regression at batch sizes 1 to 50 (with
// the last batch's ghost contours) and Rosenbrock with the Gaussian noise model. The cloud must
// stay near the point it explains and inside the plot at every batch size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** A checksum of a canvas's pixels, to see that a picture changed. */
const canvasSum = (page, selector) => page.evaluate((sel) => {
  const canvas = document.querySelector(sel);
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 16) sum = (sum * 31 + data[i]) % 1000000007;
  return sum;
}, selector);

/**
 * What the markers canvas shows of the cloud, in CSS pixels: where the selected racer's red
 * marker is, and the opaque white pixels (the arrow, the dots, their ellipse; the ghost
 * contours are translucent and left out) — how many, how far from the marker, and how many lie
 * outside the plotting area (found where `lab.to_plane` answers).
 */
const cloudPixels = (page) => page.evaluate(() => {
  const canvas = document.getElementById('markers');
  const { width, height } = canvas;
  const { data } = canvas.getContext('2d').getImageData(0, 0, width, height);
  const lab = window.gdviz.lab;
  const inside = (x, y) => lab.to_plane(x, y).length === 2;
  // The first pixel from `outer` toward `inner` (inside) that is inside, along one axis.
  const edge = (outer, inner, at) => {
    let [out, into] = [outer, inner];
    while (Math.abs(into - out) > 1) {
      const mid = Math.round((out + into) / 2);
      if (at(mid)) into = mid; else out = mid;
    }
    return into;
  };
  const [cx, cy] = [Math.round(width / 2), Math.round(height / 2)];
  const area = {
    left: edge(0, cx, (x) => inside(x, cy)),
    right: edge(width - 1, cx, (x) => inside(x, cy)),
    top: edge(0, cy, (y) => inside(cx, y)),
    bottom: edge(height - 1, cy, (y) => inside(cx, y)),
  };
  let [mx, my, marker] = [0, 0, 0];
  const white = [];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const k = 4 * (y * width + x);
      const [r, g, b, a] = [data[k], data[k + 1], data[k + 2], data[k + 3]];
      if (a > 200 && r > 180 && g < 40 && b < 40) {
        mx += x;
        my += y;
        marker += 1;
      } else if (a >= 205 && r >= 230 && g >= 230 && b >= 230) {
        white.push([x, y]);
      }
    }
  }
  const dpr = window.devicePixelRatio;
  [mx, my] = [mx / marker, my / marker];
  const distances = white.map(([x, y]) => Math.hypot(x - mx, y - my) / dpr).sort((p, q) => p - q);
  const outside = white.filter(([x, y]) => x < area.left - 1 || x > area.right + 1 || y < area.top - 1 || y > area.bottom + 1);
  return {
    marker: marker > 0,
    white: white.length / (dpr * dpr),
    within160: distances.filter((d) => d <= 160).length / Math.max(1, distances.length),
    p90: distances[Math.floor(0.9 * distances.length)] ?? 0,
    outside: outside.length,
  };
});

const cases = [
  ...[1, 5, 20, 50].map((batch) => [`linreg-b${batch}`, `?f=linreg&n=100&noise=0.3&o=sgd(lr=0.1,batch=${batch})&seed=1&steps=400`]),
  // Near the minimum the full gradient is small beside the noise of one-sample batches.
  ['linreg-b1-near-minimum', '?f=linreg&n=100&noise=0.3&o=sgd(lr=0.1,batch=1)&seed=1&steps=400&start=-0.5,0'],
  ['rosenbrock-sigma150-b1', '?f=rosenbrock&sigma=150&batch=1'],
];

test('the batch-noise cloud stays near its point and inside the plot at every batch size', async () => {
  for (const [name, path] of cases) {
    const { page, errors } = await openPage(session, path);
    const step = page.getByRole('button', { name: 'Step' });
    for (let k = 0; k < 5; k += 1) await step.click();
    const without = await canvasSum(page, '#markers');
    // What the cloud shows is said once it shows.
    assert.equal(await page.locator('#cloud-hint').isVisible(), false, `${name}: no explanation of a cloud not drawn`);
    await page.getByLabel('Batch noise cloud').check();
    assert.equal(await page.locator('#cloud-hint').isVisible(), true, `${name}: the cloud explained`);
    assert.notEqual(await canvasSum(page, '#markers'), without, `${name}: the cloud is drawn`);
    await step.click();
    const cloud = await cloudPixels(page);
    console.log(name, JSON.stringify(cloud));
    assert.ok(cloud.marker, `${name}: the racer's marker is on the canvas`);
    assert.ok(cloud.white > 100, `${name}: the arrow and dots are drawn (${cloud.white} px)`);
    assert.ok(cloud.within160 > 0.8, `${name}: most of the cloud lies near its point (${cloud.within160})`);
    assert.equal(cloud.outside, 0, `${name}: nothing is drawn outside the plotting area`);
    await page.locator('#stack').screenshot({ path: `${SCREENSHOT_DIR}/cloud-${name}.png` });
    assert.deepEqual(errors, [], name);
    await page.close();
  }
});
