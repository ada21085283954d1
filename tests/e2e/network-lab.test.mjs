// The network lab, lessons, sharing and embedding, as a teacher and a student use them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, openPage, noticeOf, stateOf, scenarioOf, setNumber, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/** Trains until the step budget or `steps` steps, in chunks, then draws once. */
async function train(page, steps) {
  await page.evaluate(async (total) => {
    for (let done = 0; done < total; done += 500) window.gdviz.lab.advance(Math.min(500, total - done));
  }, steps);
  await page.getByRole('button', { name: 'Step' }).click();
}

/** Fraction of test points whose pixel on the boundary map has their class's colour. */
const boundaryAgreement = (page) => page.evaluate(async () => {
  const canvas = document.getElementById('heat');
  const context = await window.__seen(document.getElementById('stack'));
  const lab = window.gdviz.lab;
  const points = JSON.parse(lab.test_points_json());
  let agree = 0;
  for (const [x, y, label] of points) {
    const [px, py] = Array.from(lab.to_pixel(x, y));
    // Sample a ring just outside the point's own marker.
    const r = 7 * devicePixelRatio;
    const samples = [[px + r, py], [px - r, py], [px, py + r], [px, py - r]];
    let blue = 0;
    let red = 0;
    for (const [sx, sy] of samples) {
      const [R, , B] = context.getImageData(Math.round(sx), Math.round(sy), 1, 1).data;
      if (B > R) blue += 1; else red += 1;
    }
    if ((label >= 0.5) === (blue > red)) agree += 1;
  }
  return { agree, total: points.length };
});

for (const [data, accuracy] of [['circle', 0.9], ['xor', 0.9], ['gaussians', 0.9], ['moons', 0.85], ['spiral', 0.75]]) {
  test(`the default network learns ${data} to ${accuracy * 100}% test accuracy`, async () => {
    const layers = data === 'spiral' ? '8,8' : '4,2';
    const { page, errors } = await openPage(session, `?f=mlp&data=${data}&layers=${layers}&o=adam(lr=0.03)&batch=10&seed=1&steps=3000`);
    await train(page, 3000);
    const racer = (await stateOf(page)).racers[0];
    assert.ok(racer.test_accuracy >= accuracy, `${data}: test accuracy ${racer.test_accuracy}`);
    assert.match(await page.locator('#readout').textContent(), /Test accuracy \d+\.\d%/);
    const { agree, total } = await boundaryAgreement(page);
    assert.ok(agree / total >= accuracy - 0.05, `${data}: the boundary colour agrees with ${agree}/${total} test points`);
    if (data === 'spiral' || data === 'circle') await page.screenshot({ path: `${SCREENSHOT_DIR}/network-${data}.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the Network tab switches views and back, keeping each scenario', async () => {
  const { page, errors } = await openPage(session, '?f=booth');
  // The first screen leaves the network lab out; the tab fetches the whole page's module, then
  // shows the lab.
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await page.getByRole('button', { name: 'Network', exact: true }).click();
  await page.getByLabel('Data set', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.gdviz.view), 'network');
  assert.ok(fetched.includes('/pkg/gdviz_full_bg.wasm'), fetched.join(', '));
  assert.equal(await page.locator('#tab-network').getAttribute('aria-busy'), null);
  await page.getByLabel('Data set', { exact: true }).selectOption('xor');
  await page.getByLabel('Activation', { exact: true }).selectOption('relu');
  await page.getByRole('button', { name: 'Add layer' }).click();
  const network = (await scenarioOf(page)).objective;
  assert.equal(network.dataset.name, 'xor');
  assert.equal(network.activation, 'relu');
  assert.equal(network.layers.length, 5);
  await page.getByLabel('Units in hidden layer 3').fill('16');
  await page.getByLabel('Units in hidden layer 3').press('Tab');
  assert.equal((await scenarioOf(page)).objective.layers[3], 16);
  await page.getByLabel('Noise', { exact: true }).fill('0.2');
  await page.getByLabel('Noise', { exact: true }).press('Tab');
  assert.equal((await scenarioOf(page)).objective.dataset.noise, 0.2);
  await page.getByRole('button', { name: 'Surface', exact: true }).click();
  assert.equal((await scenarioOf(page)).objective.name, 'booth');
  await page.getByRole('button', { name: 'Network', exact: true }).click();
  await page.getByLabel('Data set', { exact: true }).waitFor();
  assert.equal((await scenarioOf(page)).objective.dataset.name, 'xor', 'the network scenario was kept');
  assert.deepEqual(errors, []);
  await page.close();
});

test('each hidden layer takes its own activation, in the URL and in training', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=xor&layers=8,8&act=relu&o=adam(lr=0.03)&batch=10&seed=1');
  await page.getByLabel('Activation of hidden layer 2').selectOption('sigmoid');
  let objective = (await scenarioOf(page)).objective;
  assert.deepEqual(objective.activations, ['relu', 'sigmoid']);
  assert.equal(await page.getByLabel('Activation', { exact: true }).inputValue(), 'mixed', 'the shared select says "per layer"');
  assert.match(page.url(), /acts=relu,sigmoid/);
  // A new layer takes its predecessor's activation; removing it keeps the list in step.
  await page.getByRole('button', { name: 'Add layer' }).click();
  assert.deepEqual((await scenarioOf(page)).objective.activations, ['relu', 'sigmoid', 'sigmoid']);
  await page.getByRole('button', { name: 'Remove layer' }).click();
  assert.deepEqual((await scenarioOf(page)).objective.activations, ['relu', 'sigmoid']);
  await train(page, 1500);
  const racer = (await stateOf(page)).racers[0];
  assert.ok(racer.test_accuracy >= 0.9, `relu then sigmoid learns xor: ${racer.test_accuracy}`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/network-per-layer-activation.png`, fullPage: true });
  // The link reopens the same network; agreeing layers fold back into one activation.
  const reopened = await openPage(session, new URL(page.url()).search);
  assert.deepEqual((await scenarioOf(reopened.page)).objective.activations, ['relu', 'sigmoid']);
  await reopened.page.getByLabel('Activation of hidden layer 2').selectOption('relu');
  objective = (await scenarioOf(reopened.page)).objective;
  assert.equal(objective.activations, undefined);
  assert.equal(objective.activation, 'relu');
  await reopened.page.getByLabel('Activation', { exact: true }).selectOption('tanh');
  assert.equal(await reopened.page.getByLabel('Activation of hidden layer 1').inputValue(), 'tanh');
  assert.deepEqual(reopened.errors, []);
  await reopened.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('compare mode: copies start from identical weights and losses', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=circle&o=sgd(lr=0.1)~sgd(lr=0.1,batch=1)~adam(lr=0.01,batch=200)&batch=10&seed=4');
  const initial = (await stateOf(page)).racers.map((r) => r.loss);
  assert.equal(initial.length, 3);
  assert.ok(initial.every((l) => l === initial[0]), `initial losses ${initial}`);
  await train(page, 200);
  const after = (await stateOf(page)).racers;
  // 201 steps (200 and a click on Step) on 100 training points: batches of 10, of 1, and a
  // batch of 200 ≥ n, i.e. the full batch.
  assert.deepEqual(after.map((r) => r.samples), [2010, 201, 20100]);
  assert.ok(after.every((r) => r.loss < initial[0]), 'every copy learns');
  assert.deepEqual(errors, []);
  await page.close();
});

test('share dialog, embed snippet in an iframe, export and re-import', async () => {
  const { page, errors } = await openPage(session, '?f=linreg&o=sgd(lr=0.1)~adam(lr=0.05)&batch=5&seed=3', { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  const link = await page.getByLabel('Link', { exact: true }).inputValue();
  await page.getByRole('button', { name: 'Copy link' }).click();
  // The clipboard write is asynchronous: the note appears when it has finished.
  await page.waitForFunction(() => document.getElementById('copy-note').textContent !== '');
  assert.equal(await page.locator('#copy-note').textContent(), 'Link copied.');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
  const snippet = await page.getByLabel('Embed', { exact: true }).inputValue();
  assert.match(link, /f=linreg/);
  assert.match(snippet, /^<iframe src="[^"]+embed=1&controls=lr,batch" .*sandbox="allow-scripts allow-same-origin"/);

  // The snippet works inside a (sandboxed) iframe on a test page.
  const src = snippet.match(/src="([^"]+)"/)[1];
  const host = await session.browser.newPage();
  const hostErrors = [];
  host.on('pageerror', (e) => hostErrors.push(e.message));
  await host.setContent(`<!doctype html><title>course page</title><p>Our course</p><iframe sandbox="allow-scripts allow-same-origin" src="${src}" width="760" height="680"></iframe>`);
  const frame = host.frameLocator('iframe');
  await frame.getByRole('button', { name: 'Step' }).click();
  await frame.getByRole('button', { name: 'Step' }).click();
  const embedded = host.frames().find((f) => f.url().includes('embed=1'));
  await embedded.waitForFunction(() => window.gdviz?.ready);
  assert.equal(await embedded.evaluate(() => window.gdviz.state.racers[0].step), 2);
  assert.equal(await embedded.locator('.panel').isHidden(), true, 'minimal chrome');
  await host.screenshot({ path: `${SCREENSHOT_DIR}/embed-iframe.png` });
  assert.deepEqual(hostErrors, []);
  await host.close();

  // Export PNG, CSV and JSON.
  const downloadOf = async (name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    return readFile(await download.path());
  };
  await page.evaluate(() => window.gdviz.lab.advance(20));
  const png = await downloadOf('Export PNG');
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  // The picture is the canvas with a legend row per racer under it, ready for a slide.
  const heat = await page.evaluate(() => [document.getElementById('heat').width, document.getElementById('heat').height]);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20) > heat[1] + 2 * 20], [heat[0], true], `PNG ${png.readUInt32BE(16)}×${png.readUInt32BE(20)} vs canvas ${heat}`);
  // Linear regression's inset of the data and its lines is in the picture, where it shows: its
  // white card over the heat map.
  const insetWhite = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const copy = document.createElement('canvas');
    [copy.width, copy.height] = [image.width, image.height];
    const context = copy.getContext('2d');
    context.drawImage(image, 0, 0);
    const inset = document.getElementById('inset');
    const dpr = window.devicePixelRatio || 1;
    const { data } = context.getImageData(inset.offsetLeft * dpr, inset.offsetTop * dpr, inset.offsetWidth * dpr, inset.offsetHeight * dpr);
    let white = 0;
    for (let k = 0; k < data.length; k += 4) if (data[k] > 240 && data[k + 1] > 240 && data[k + 2] > 240) white += 1;
    return white / (data.length / 4);
  }, png.toString('base64'));
  assert.ok(insetWhite > 0.5, `the inset's card in the PNG: ${insetWhite} of its pixels white`);
  const csv = (await downloadOf('Export CSV')).toString();
  assert.match(csv.split('\n')[0], /^racer,optimizer,step,epoch,samples,loss,test_loss,x,y$/);
  assert.ok(csv.split('\n').length > 40);
  const json = (await downloadOf('Export JSON')).toString();
  const exported = JSON.parse(json);
  assert.equal(exported.objective.kind, 'linreg');

  // Import it into a fresh page: the same run.
  const fresh = await openPage(session, '?f=booth');
  const dir = await mkdtemp(join(tmpdir(), 'gdviz-'));
  const file = join(dir, 'scenario.json');
  await writeFile(file, json);
  await fresh.page.getByRole('button', { name: 'Share / Embed' }).click();
  await fresh.page.getByLabel('Import JSON').setInputFiles(file);
  await fresh.page.waitForFunction(() => window.gdviz.scenario.objective.kind === 'linreg');
  assert.deepEqual(await scenarioOf(fresh.page), await scenarioOf(page));
  const run = (p) => p.evaluate(() => { window.gdviz.lab.reset(); window.gdviz.lab.advance(50); return window.gdviz.state.racers.map((r) => [r.x, r.y]); });
  assert.deepEqual(await run(fresh.page), await run(page));
  assert.deepEqual(fresh.errors, []);
  await fresh.page.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard only: every control has an accessible name', async () => {
  const { page, errors } = await openPage(session);
  const unnamed = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('input, select, button, textarea')].filter((e) => e.offsetParent !== null);
    return controls.filter((e) => {
      const labelled = e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.tagName === 'BUTTON' && e.textContent.trim());
      return !labelled;
    }).map((e) => e.outerHTML.slice(0, 80));
  });
  assert.deepEqual(unnamed, []);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.tagName);
  assert.ok(['BUTTON', 'SELECT', 'INPUT', 'A', 'SUMMARY'].includes(focused), focused);
  assert.deepEqual(errors, []);
  await page.close();
});

test('deep-network views: layer gradient norms, confusion matrix, loss landscape', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=xor&layers=8,8,8&o=adam(lr=0.02)&batch=20&seed=3');
  await train(page, 300);
  const metrics = await page.evaluate(() => JSON.parse(window.gdviz.lab.metrics_json(0)));
  assert.equal(metrics.layer_norms.length, 4);
  const total = metrics.test.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, 100, 'every test point is counted once');
  assert.match(await page.locator('#confusion').textContent(), /true 1/);
  await page.locator('#landscape-box summary').click();
  await page.getByRole('button', { name: 'Compute landscape' }).click();
  // It is computed a few rows per frame, under a progress bar, then drawn.
  const colours = () => page.evaluate(async () => {
    const canvas = document.getElementById('landscape');
    const { data } = (await window.__seen(canvas)).getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 37) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
  await page.locator('#landscape-progress').waitFor({ state: 'hidden' });
  const lit = await colours();
  assert.ok(lit > 20, `the landscape is drawn (${lit} colours)`);
  // Its colours are read by the sentence under it, whose darkest end is about the training loss
  // at its centre, the current weights (the grid's pixels straddle the centre).
  const scale = await page.locator('#landscape-scale').textContent();
  const [, low, high] = scale.match(/^Colour: loss from (\S+) \(darkest\) to (\S+) \(brightest\), on a log scale\.$/) ?? [];
  const read = (text) => Number(text.replaceAll('−', '-'));
  const { loss } = (await stateOf(page)).racers[0];
  assert.ok(read(low) < read(high), scale);
  assert.ok(read(low) <= loss * 1.05, `${scale} vs the loss ${loss}`);
  await page.locator('#landscape').screenshot({ path: `${SCREENSHOT_DIR}/network-landscape.png` });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/network-deep-views.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('vanishing gradients: a 6-layer sigmoid network’s first layer gets ≥100× less gradient than its last', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=circle&layers=8,8,8,8,8,8&act=sigmoid&o=sgd(lr=0.1)&batch=10&seed=1');
  await train(page, 20);
  const norms = (await page.evaluate(() => JSON.parse(window.gdviz.lab.metrics_json(0)))).layer_norms;
  assert.ok(norms.at(-1) >= 100 * norms[0], `first ${norms[0]}, last ${norms.at(-1)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter mode draws paths, markers and type larger on the same canvas', async () => {
  const drawn = async (query) => {
    const { page, errors } = await openPage(session, query);
    for (let i = 0; i < 20; i += 1) await page.getByRole('button', { name: 'Step' }).click();
    const pixels = await page.evaluate(async () => Object.fromEntries(await Promise.all(['trails', 'markers', 'chart'].map(async (id) => {
      const canvas = document.getElementById(id);
      const { data } = (await window.__seen(canvas)).getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (id !== 'chart' || data[i] < 128)) count += 1;
      return [id, count];
    }))));
    assert.deepEqual(errors, []);
    return { page, pixels };
  };
  const plain = await drawn('?f=booth&o=sgd(lr=0.05)~adam(lr=0.2)');
  const present = await drawn('?f=booth&o=sgd(lr=0.05)~adam(lr=0.2)&present=1');
  for (const id of ['trails', 'markers', 'chart']) {
    assert.ok(present.pixels[id] > 1.3 * plain.pixels[id], `${id}: ${plain.pixels[id]} → ${present.pixels[id]} pixels`);
  }
  await present.page.screenshot({ path: `${SCREENSHOT_DIR}/presenter-booth.png` });
  await plain.page.close();
  await present.page.close();
});

test('the network panels opened from the Surface tab take their panel’s width', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock');
  await page.getByRole('button', { name: 'Network' }).click();
  await page.waitForFunction(() => window.gdviz.view === 'network');
  const widths = await page.evaluate(() => ['network', 'layer-norms'].map((id) => [document.getElementById(id).getBoundingClientRect().width, document.getElementById('network-editor').clientWidth]));
  for (const [canvas, panel] of widths) assert.ok(canvas >= Math.min(400, panel - 40), `a ${canvas} px canvas in a ${panel} px panel`);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/network-from-surface.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('presenter and locked modes', async () => {
  const { page, errors } = await openPage(session, '?f=rosenbrock&present=1&lock=lr,batch');
  assert.equal(await page.evaluate(() => document.body.classList.contains('present')), true);
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).isDisabled(), true);
  assert.equal(await page.getByLabel('Batch size', { exact: true }).isDisabled(), true);
  assert.equal(await page.getByLabel('Seed', { exact: true }).isDisabled(), false, 'only the named controls are locked');
  await page.getByLabel('Surface', { exact: true }).selectOption('booth');
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).isDisabled(), true, 'locks survive edits');
  assert.match(page.url(), /lock=lr,batch/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/presenter.png`, fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Newton is offered but not pickable on a network, and an imported network racer that cannot run becomes Adam, said so', async () => {
  const { page, errors } = await openPage(session, '?f=mlp&data=xor&layers=4');
  const newton = page.getByLabel('Optimizer', { exact: true }).locator('option[value="newton"]');
  assert.equal(await newton.isDisabled(), true);
  assert.match(await newton.textContent(), /needs an exact Hessian/);
  const dir = await mkdtemp(join(tmpdir(), 'gdviz-'));
  const file = join(dir, 'newton-network.json');
  await writeFile(file, JSON.stringify({
    objective: { kind: 'mlp', layers: [2, 4, 1], activation: 'tanh', loss: 'bce', dataset: { name: 'xor' } },
    optimizer: { name: 'sgd', lr: 0.1 }, race: [{ optimizer: { name: 'newton', lr: 1 } }], steps: 100,
  }));
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  await page.getByLabel('Import JSON').setInputFiles(file);
  await page.waitForFunction(() => window.gdviz.scenario.race?.length === 1);
  assert.equal((await scenarioOf(page)).race[0].optimizer.name, 'adam');
  assert.match(await page.locator('#notice').textContent(), /^Optimizer 2 \(Newton\) cannot run here \(Newton needs an exact Hessian, which only the 2-D surfaces and linear regression have\): it races as Adam instead\.$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('many classes from the controls: Classes makes the loss softmax cross-entropy with one output per class; CSV labels 0–2 too', async () => {
  const { page, errors } = await openPage(session, '?view=network');
  // Circle has two classes only: the Classes field is there but cannot be changed.
  assert.equal(await page.getByLabel('Classes', { exact: true }).isDisabled(), true);
  await page.getByLabel('Data set', { exact: true }).selectOption('spiral');
  await setNumber(page, 'Classes', 3);
  let objective = (await scenarioOf(page)).objective;
  assert.equal(objective.dataset.classes, 3);
  assert.equal(objective.loss, 'ce');
  assert.equal(objective.layers.at(-1), 3);
  assert.equal(await page.getByLabel('Loss', { exact: true }).inputValue(), 'ce');
  assert.match(page.url(), /classes=3/);
  assert.match(page.url(), /loss=ce/);
  // Adding a layer keeps the three outputs.
  await page.getByRole('button', { name: 'Add layer' }).click();
  assert.equal((await scenarioOf(page)).objective.layers.at(-1), 3);
  // Two classes with binary cross-entropy cannot take three: the refusal says why, in Loss's words.
  await page.getByLabel('Loss', { exact: true }).selectOption('bce');
  assert.match(await page.locator('#notice').textContent(), /^Loss: .*3.*use cross-entropy/);
  assert.equal((await scenarioOf(page)).objective.loss, 'ce', 'the refused change is not applied');
  await train(page, 300);
  const metrics = await page.evaluate(() => JSON.parse(window.gdviz.lab.metrics_json(0)));
  assert.equal(metrics.train.length, 3);
  assert.ok(metrics.train.every((row) => row.length === 3));
  // Your own data with labels 0, 1 and 2 trains a three-output softmax network.
  await page.locator('#csv-box summary').click();
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 60; i += 1) {
    const c = i % 3;
    const angle = (c / 3) * 2 * Math.PI + 0.3 * Math.sin(i);
    rows.push(`${(0.7 * Math.sin(angle)).toFixed(4)},${(0.7 * Math.cos(angle)).toFixed(4)},${c}`);
  }
  await page.getByLabel('CSV data').fill(`${rows.join('\n')}\n0.1,0.1,9`);
  await page.getByRole('button', { name: 'Use this data' }).click();
  assert.match(await page.locator('#notice').textContent(), /row 62, column 3: the label “9” is not a class — labels are 0 to 7/);
  await page.getByLabel('CSV data').fill(rows.join('\n'));
  await page.getByRole('button', { name: 'Use this data' }).click();
  // The rows are loaded in a task of their own after the click.
  await page.waitForFunction(() => window.gdviz.scenario.objective.points?.length === 60);
  objective = (await scenarioOf(page)).objective;
  assert.equal(objective.points.length, 60);
  assert.equal(objective.loss, 'ce');
  assert.equal(objective.layers.at(-1), 3);
  await train(page, 600);
  assert.ok((await stateOf(page)).racers[0].train_accuracy >= 0.9);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/network-many-classes.png`, fullPage: true });
  // The generator's fields say what your data is and are fixed: 60 points, no test split.
  assert.equal(await page.getByLabel('Number of points', { exact: true }).inputValue(), '60');
  for (const label of ['Number of points', 'Noise', 'Test fraction', 'Data seed']) {
    assert.equal(await page.getByLabel(label, { exact: true }).isDisabled(), true, `${label} is fixed`);
  }
  assert.equal(await page.getByLabel('Test fraction', { exact: true }).inputValue(), '0');
  assert.equal(await page.locator('#chart-title').textContent(), 'Loss (train; no test points)');
  // Choosing a data set again generates its points, and the fields take values again.
  await page.getByLabel('Data set', { exact: true }).selectOption('xor');
  objective = (await scenarioOf(page)).objective;
  assert.equal(objective.points, undefined);
  assert.equal(objective.dataset.name, 'xor');
  assert.equal(await page.getByLabel('Test fraction', { exact: true }).isDisabled(), false);
  await setNumber(page, 'Number of points', 50);
  assert.equal((await scenarioOf(page)).objective.dataset.n, 50);
  assert.equal(await page.locator('#chart-title').textContent(), 'Loss (train: solid, test: faint)');
  assert.deepEqual(errors, []);
  await page.close();
});

test('offline, the Network tab says the rest of the lab could not be loaded and the surface lab goes on; back online, it opens', async () => {
  const { page, errors } = await openPage(session, '?f=booth');
  const offline = (route) => route.abort('internetdisconnected');
  await page.route('**/pkg/gdviz_full*', offline);
  await page.route('**/www/network.js', offline);
  await page.getByRole('button', { name: 'Network', exact: true }).click();
  await page.locator('#notice').waitFor();
  assert.match(await noticeOf(page), /^The rest of the lab \(the network lab, the 3-D view, the tuner, the CSV reader\) could not be loaded: is the connection down\? Try again once it is back\.$/);
  assert.equal(await page.evaluate(() => window.gdviz.view), 'surface');
  assert.equal(await page.locator('#tab-network').getAttribute('aria-busy'), null, 'the tab no longer says it is busy');
  await page.getByRole('button', { name: 'Step' }).click();
  assert.equal((await stateOf(page)).racers[0].step, 1, 'the surface lab still steps');
  await page.unroute('**/pkg/gdviz_full*', offline);
  await page.unroute('**/www/network.js', offline);
  await page.getByRole('button', { name: 'Network', exact: true }).click();
  await page.getByLabel('Data set', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.gdviz.view), 'network');
  assert.equal(await noticeOf(page), '');
  // The only faults: the two requests refused while offline, and the browser's note of each.
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|request failed: .*\/(pkg\/gdviz_full\.js|www\/network\.js)$/.test(e)), []);
  await page.close();
});
