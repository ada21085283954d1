// Every lesson, opened from the Lessons list as a student opens it and run to its end, with each
// sentence of its text checked against the numbers the page shows then (the legend, the theory
// panel, the read-outs). Where a text says "try this", the test does it with the real controls.
// The numbers were measured with `gdviz trace` (see www/lessons.js) and are the same here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, openAndRun, noticeOf, runToEnd, scenarioOf, setNumber, stateOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** The legend's text for racer `index` (label and status), as a student reads it. */
const legendOf = (page, index) => page.locator('.racer').nth(index).textContent();
const close = (actual, expected, tolerance, what) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('batching: at equal samples seen SGD is far ahead of mini-batches, which are ahead of BGD', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Batch, stochastic and mini-batch gradient descent');
  assert.deepEqual(await page.locator('.racer-name').allTextContents(), ['SGD lr=0.03 B=50 (BGD)', 'SGD lr=0.03 B=1 (SGD)', 'SGD lr=0.03 B=10 (mini-batch)']);
  // "each stops after 20 epochs: 1000 training points read"
  assert.deepEqual(racers.map((r) => [r.epoch, r.samples]), [[20, 1000], [20, 1000], [20, 1000]]);
  // "it gets only 20 steps", "after 1000 steps", "100 steps"
  assert.deepEqual(racers.map((r) => r.step), [20, 1000, 100]);
  const [bgd, sgd, mini] = racers.map((r) => r.loss);
  // "ends at loss 0.068", "at loss 0.0083", "loss 0.011"
  close(bgd, 0.068, 0.0005, 'BGD');
  close(sgd, 0.0083, 0.00005, 'SGD');
  close(mini, 0.011, 0.0005, 'mini-batch');
  assert.ok(sgd < mini && mini < bgd, 'per point read SGD is ahead, mini-batches in between');
  assert.match(await legendOf(page, 0), /loss 0\.0676/);
  // "the loss chart is drawn against samples seen"
  assert.equal(await page.getByLabel('Loss chart x-axis').inputValue(), 'samples');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-batching.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('momentum: the theory panel’s predicted and measured rates agree, and heavy ball wins', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Why momentum helps on an ill-conditioned quadratic');
  const theory = await page.locator('#theory').textContent();
  // "shrinks the error only by ≈ 0.96 per step", "contracts by ≈ 0.75 per step"
  const rates = [...theory.matchAll(/predicted rate ([\d.]+), measured ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(rates.length, 2, theory);
  close(rates[0][0], 0.9608, 1e-4, 'GD predicted');
  close(rates[1][0], 0.7523, 1e-4, 'heavy ball predicted');
  for (const [predicted, measured] of rates) close(measured, predicted, 0.005, 'measured vs predicted');
  // The theory panel tells the two SGD racers apart by their labels.
  assert.match(theory, /SGD lr=0\.0392 μ=0: predicted/);
  assert.match(theory, /SGD lr=0\.0614 μ=0\.566: predicted/);
  assert.ok(racers[0].loss < 1e-9 && racers[1].loss < 1e-60, `${racers[0].loss}, ${racers[1].loss}`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-momentum.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('learning rate: 0.01 crawls, 0.18 converges, 0.3 diverges and the step is marked', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Learning rate: too small, about right, too large');
  assert.ok(racers[0].loss > 1e-7 && racers[0].loss < 1e-6, `0.01 crawls: ${racers[0].loss}`);
  assert.ok(racers[1].loss < 1e-100, `0.18 converges: ${racers[1].loss}`);
  assert.equal(racers[2].status, 'diverged');
  assert.match(await legendOf(page, 2), /diverged at step 510/);
  // "select the orange racer and the read-out says its 0.3 is past 2/λmax, the slider's thumb
  // stands just right of the tick, and the tick turns thick and haloed; select the white one and
  // 0.18 is below it, the thumb just left of the tick."
  const slider = page.getByLabel('Learning rate slider (log scale)');
  const thumbX = async () => {
    const box = await slider.boundingBox();
    const at = Number(await slider.inputValue()) / Number(await slider.getAttribute('max'));
    return box.x + 8 + at * (box.width - 16);
  };
  const tickX = async () => {
    const tick = await page.locator('#lr-edge').boundingBox();
    return tick.x + tick.width / 2;
  };
  const curvature = () => page.locator('#curvature-readout').textContent();
  await page.locator('.racer').nth(2).click();
  assert.match(await curvature(), /Learning rate 0\.3 is past 2\/λmax = 0\.2/);
  assert.equal(await slider.getAttribute('aria-valuetext'), '0.3', 'the slider tells the orange racer\'s rate');
  assert.equal(await page.locator('#counter').textContent(), 'Optimizer 3: step 509 · 509 evaluations of f and ∇f · diverged at step 510', 'the counter counts the steps done and names the one it stopped at');
  assert.ok((await thumbX()) > (await tickX()), `orange: the thumb (${await thumbX()}) right of the tick (${await tickX()})`);
  assert.equal(await page.locator('#lr-edge.crossed').count(), 1, 'the tick is crossed');
  assert.equal((await page.locator('#lr-edge').boundingBox()).width, 4, 'and thick');
  await page.locator('.racer').nth(1).click();
  assert.match(await curvature(), /Learning rate 0\.18 is below 2\/λmax = 0\.2/);
  assert.equal(await slider.getAttribute('aria-valuetext'), '0.18');
  assert.ok((await thumbX()) < (await tickX()), `white: the thumb (${await thumbX()}) left of the tick (${await tickX()})`);
  assert.equal(await page.locator('#lr-edge.crossed').count(), 0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-learning-rate.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Adam vs SGD on Rosenbrock: SGD creeps, momentum and Adam get below 1e−6; Adam’s first step is lr', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Adam versus SGD on Rosenbrock’s valley');
  close(racers[0].loss, 0.049, 0.0005, 'SGD "at loss 0.049"');
  assert.ok(racers[1].loss < 1e-6 && racers[2].loss < 1e-6, `${racers[1].loss}, ${racers[2].loss}`);
  // "its first step is lr = 0.05 in both coordinates" (to within ε/|g|, 1e−10 here)
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Step' }).click();
  const adam = (await stateOf(page)).racers[2];
  close(Math.abs(adam.x + 1.5), 0.05, 1e-9, 'Adam Δx');
  close(Math.abs(adam.y - 2), 0.05, 1e-9, 'Adam Δy');
  // "from this start lr = 0.0022 already diverges": try it on the SGD racer.
  await page.locator('.racer').nth(0).click();
  await setNumber(page, 'Learning rate', 0.0022);
  const tried = (await runToEnd(page)).racers;
  assert.equal(tried[0].status, 'diverged', tried[0].message);
  assert.deepEqual(errors, []);
  await page.close();
});

test('saddle: SGD leaves slowly, Adam at once, Newton sits on the saddle point', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Escaping a saddle');
  close(racers[0].y, 0.001 * 1.1 ** 80, 1e-9, 'SGD y = 0.001·(1 + 2·lr)^80');
  assert.ok(racers[1].loss < -20, `Adam escaped: ${racers[1].loss}`);
  assert.deepEqual([racers[2].x, racers[2].y, racers[2].loss], [0, 0, 0], 'Newton on the saddle point');
  assert.deepEqual(errors, []);
  await page.close();
});

test('noise on Rastrigin: the exact run settles in the nearest pit, the noisy one lower, here', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Noise can help on a rugged landscape');
  close(racers[0].loss, 7.9597, 1e-3, 'red in the nearest pit');
  close(racers[1].loss, 2.135, 0.01, 'white in a lower basin');
  assert.ok(racers[1].loss < racers[0].loss);
  assert.deepEqual(errors, []);
  await page.close();
});

test('batch size and learning rate on the spiral: at equal epochs B=100 lags, 10× the rate catches up, 3 is too much', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Batch size and learning rate on the spiral');
  assert.deepEqual(await page.locator('.racer-name').allTextContents(), ['SGD lr=0.05 μ=0.9 B=10 (mini-batch)', 'SGD lr=0.05 μ=0.9 B=100 (mini-batch)', 'SGD lr=0.5 μ=0.9 B=100 (mini-batch)']);
  assert.deepEqual(racers.map((r) => r.epoch), [75, 75, 75], 'each stops after 75 epochs');
  assert.deepEqual(racers.map((r) => r.step), [1500, 150, 150], '20 updates an epoch against 2');
  const [red, white, orange] = racers.map((r) => r.loss);
  close(white, 0.65, 0.02, 'white "near 0.65"');
  close(red, 0.21, 0.02, 'red "near 0.21"');
  close(orange, 0.24, 0.02, 'orange "near 0.24"');
  assert.ok(white > 1.1 * red && white > 1.1 * orange);
  assert.ok(racers[0].test_accuracy > racers[1].test_accuracy && racers[2].test_accuracy > racers[1].test_accuracy);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-spiral.png`, fullPage: true });
  // "give the orange racer lr = 3 and its steps are too large for the network to learn"
  await page.locator('.racer').nth(2).click();
  await setNumber(page, 'Learning rate', 3);
  const tried = (await runToEnd(page)).racers;
  assert.ok(tried[2].loss > 0.69 || tried[2].status === 'diverged', `lr 3: ${tried[2].loss} ${tried[2].message}`);
  assert.ok(tried[2].test_accuracy === null || tried[2].test_accuracy < 0.6, `lr 3 learns nothing: ${tried[2].test_accuracy}`);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The class each test point's surroundings on the boundary map are coloured as: the class
 * colour (away from white) nearest in direction to the pixels just outside the point's marker. */
const boundaryClasses = (page) => page.evaluate(async () => {
  const palette = [[0xc0, 0x39, 0x2b], [0x1f, 0x5f, 0xa8], [0x27, 0xae, 0x60]];
  const canvas = document.getElementById('heat');
  const context = await window.__seen(document.getElementById('stack'));
  const lab = window.gdviz.lab;
  return JSON.parse(lab.test_points_json()).map(([x, y, label]) => {
    const [px, py] = Array.from(lab.to_pixel(x, y));
    const r = 7 * devicePixelRatio;
    const votes = [0, 0, 0];
    for (const [sx, sy] of [[px + r, py], [px - r, py], [px, py + r], [px, py - r]]) {
      const pixel = Array.from(context.getImageData(Math.round(sx), Math.round(sy), 1, 1).data).slice(0, 3).map((c) => 255 - c);
      const cosine = palette.map((c) => {
        const d = c.map((v) => 255 - v);
        const dot = d.reduce((sum, v, i) => sum + v * pixel[i], 0);
        return dot / (Math.hypot(...d) * Math.hypot(...pixel) || 1);
      });
      votes[cosine.indexOf(Math.max(...cosine))] += 1;
    }
    return { label, drawn: votes.indexOf(Math.max(...votes)) };
  });
});

test('softmax on three spiral arms: probabilities sum to one, 85% with hidden layers, chance without', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Three spiral arms: softmax, and why a linear model cannot separate them');
  // "a network with three outputs, one per class"
  const scenario = await page.evaluate(() => window.gdviz.scenario);
  assert.deepEqual(scenario.objective.layers, [2, 8, 8, 3]);
  assert.equal(await page.getByLabel('Loss', { exact: true }).inputValue(), 'ce');
  assert.equal(await page.getByLabel('Classes', { exact: true }).inputValue(), '3');
  // "after 4000 steps (133 epochs over the 300 training points) its test accuracy is about 85%"
  assert.equal(racers[0].step, 4000);
  close(racers[0].epoch, 133.3, 0.05, 'epochs');
  close(racers[0].test_accuracy, 0.85, 0.01, 'test accuracy with two hidden layers');
  assert.match(await page.locator('#readout').textContent(), /Test accuracy 84\.7%/);
  // "the 3×3 confusion matrix": a header row and three rows of 3 + 3 counts, test counts summing to 300
  const rows = await page.locator('#confusion tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
  assert.equal(rows.length, 4);
  assert.ok(rows.slice(1).every((row) => row.length === 7), JSON.stringify(rows));
  const testCounts = rows.slice(1).flatMap((row) => row.slice(4).map(Number));
  assert.equal(testCounts.reduce((a, b) => a + b, 0), 300);
  // "The map colours each place by its most probable class": the colour around each test point
  // is the class the network predicts there, so it agrees with the labels about as often as the
  // test accuracy says.
  const drawn = await boundaryClasses(page);
  const agree = drawn.filter((d) => d.label === d.drawn).length / drawn.length;
  assert.ok(agree >= 0.78, `the map's colours agree with ${agree} of the test labels`);
  // "hover the plane to read the class and its probability": a probability between 1/3 and 1.
  const box = await page.locator('#heat').boundingBox();
  const [px, py] = await page.evaluate(() => {
    const canvas = document.getElementById('heat');
    const [x, y] = Array.from(window.gdviz.lab.to_pixel(0.5, 0.1));
    return [x * canvas.getBoundingClientRect().width / canvas.width, y * canvas.getBoundingClientRect().height / canvas.height];
  });
  await page.mouse.move(box.x + px, box.y + py);
  const tip = await page.locator('#hover').textContent();
  const read = /predicted class ([0-2]), probability ([\d.]+)/.exec(tip);
  assert.ok(read, tip);
  const probability = Number(read[2]);
  assert.ok(probability >= 1 / 3 && probability <= 1, tip);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-softmax-spiral.png`, fullPage: true });
  // "Now press Remove layer twice … the linear model's test accuracy stays near 29% … its loss near log 3"
  await page.getByRole('button', { name: 'Remove layer' }).click();
  await page.getByRole('button', { name: 'Remove layer' }).click();
  assert.deepEqual((await page.evaluate(() => window.gdviz.scenario)).objective.layers, [2, 3]);
  const linear = (await runToEnd(page)).racers[0];
  close(linear.test_accuracy, 0.29, 0.01, 'linear test accuracy');
  assert.ok(linear.test_accuracy < 1 / 3, `no better than guessing: ${linear.test_accuracy}`);
  close(linear.loss, Math.log(3), 0.06, 'linear loss near log 3');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-softmax-linear.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('vanishing gradients: the first layer’s gradient is orders of magnitude below the last’s; tanh learns', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Vanishing gradients in a deep sigmoid network');
  const norms = (await page.evaluate(() => JSON.parse(window.gdviz.lab.metrics_json(0)))).layer_norms;
  assert.ok(norms.at(-1) >= 100 * norms[0], `first ${norms[0]}, last ${norms.at(-1)}`);
  assert.ok(racers[0].loss > 0.68, `it barely learns: ${racers[0].loss}`);
  assert.match(await page.locator('#readout').textContent(), /Test accuracy/);
  // "Switch Activation to tanh … and compare"
  await page.getByLabel('Activation', { exact: true }).selectOption('tanh');
  const tried = (await runToEnd(page)).racers;
  assert.ok(tried[0].test_accuracy >= 0.9, `tanh learns: ${tried[0].test_accuracy}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('zero initialisation: the loss stalls at the class balance; Xavier learns XOR', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Why weights cannot all start at zero');
  close(racers[0].loss, 0.6947, 0.005, 'stalls near the class balance');
  await page.getByLabel('Initialisation', { exact: true }).selectOption('xavier');
  const tried = (await runToEnd(page)).racers;
  assert.ok(tried[0].test_accuracy >= 0.9, `Xavier learns XOR: ${tried[0].test_accuracy}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Newton on linear regression: one step to the least-squares line; gradient descent needs 58', async () => {
  const { page, errors } = await openPage(session);
  const racers = await openAndRun(page, 'Newton’s method solves linear regression in one step');
  assert.equal(racers[0].status, 'converged');
  assert.match(await legendOf(page, 0), /converged at step 1 \(gradient norm below 1e-9\)/);
  close(racers[0].loss, 0.0744, 5e-5, 'the minimum');
  assert.match(await legendOf(page, 1), /converged at step 58/);
  await page.getByRole('button', { name: 'Reset' }).click();
  close((await stateOf(page)).racers[0].loss, 2.0, 0.005, 'the loss at the start');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/lesson-newton.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson’s text goes with its scenario: closed by hand, by a new surface, by the other lab; a bad id is named', async () => {
  const { page, errors } = await openPage(session, '?lesson=bogus');
  assert.match(await noticeOf(page), /ignored `lesson`: “bogus” is not a lesson \(accepted: batching, momentum/);
  await page.locator('#lessons summary').click();
  await page.getByRole('link', { name: 'Why momentum helps on an ill-conditioned quadratic' }).click();
  assert.match(page.url(), /lesson=momentum/);
  // Sharing while it is open carries the lesson.
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  assert.match(await page.getByLabel('Link', { exact: true }).inputValue(), /lesson=momentum/);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  // An edit of a hyper-parameter keeps it (the texts invite them); a new surface closes it.
  await setNumber(page, 'Learning rate', 0.03);
  assert.equal(await page.locator('#lesson').isVisible(), true);
  await page.getByLabel('Surface', { exact: true }).selectOption('booth');
  assert.equal(await page.locator('#lesson').isVisible(), false, 'the momentum text is gone with the quadratic');
  assert.doesNotMatch(page.url(), /lesson=/);
  // The close button.
  await page.locator('#lessons summary').click();
  await page.getByRole('link', { name: 'Batch, stochastic and mini-batch gradient descent' }).click();
  // From the keyboard, as a screen-reader user closes it: the focus goes back to the list.
  await page.getByRole('button', { name: 'Close lesson' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#lesson').isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Lessons', 'the focus is on Lessons, not lost');
  assert.doesNotMatch(page.url(), /lesson=/);
  // The other lab does not take a lesson along.
  await page.locator('#lessons summary').click();
  await page.getByRole('link', { name: 'Batch, stochastic and mini-batch gradient descent' }).click();
  await page.getByRole('button', { name: 'Network' }).click();
  await page.waitForFunction(() => window.gdviz.view === 'network');
  assert.equal(await page.locator('#lesson').isVisible(), false);
  assert.doesNotMatch(page.url(), /lesson=/);
  // Back returns to the lesson, text and all.
  await page.goBack();
  await page.waitForFunction(() => window.gdviz.view === 'surface');
  assert.equal(await page.locator('#lesson-title').textContent(), 'Batch, stochastic and mini-batch gradient descent');
  assert.equal(await page.locator('#lesson').isVisible(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link naming only a lesson (the README’s) opens that lesson’s scenario; on another objective the lesson is dropped, and said so', async () => {
  const { page, errors } = await openPage(session, '?lang=en&lesson=momentum');
  assert.equal(await page.locator('#lesson').isVisible(), true);
  assert.match(await page.locator('#lesson').textContent(), /momentum/i);
  const scenario = await scenarioOf(page);
  assert.deepEqual([scenario.objective.name, scenario.objective.kappa], ['quadratic', 50], 'the quadratic the text is about');
  assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'quadratic');
  assert.match(page.url(), /f=quadratic&kappa=50.*lesson=momentum.*lang=en/, 'the address now says what is shown');
  assert.equal(await noticeOf(page), '');
  assert.deepEqual(errors, []);
  await page.close();

  const other = await openPage(session, '?f=booth&lesson=momentum');
  assert.equal(await other.page.locator('#lesson').isVisible(), false);
  assert.equal(await other.page.getByLabel('Surface', { exact: true }).inputValue(), 'booth');
  assert.equal(await noticeOf(other.page), 'ignored `lesson`: the lesson “momentum” is about its own scenario, not this link’s — open it from the Lessons list');
  assert.doesNotMatch(other.page.url(), /lesson=/);
  assert.deepEqual(other.errors, []);
  await other.page.close();
});
