// The digits lab: a tiny CNN learns the 8×8 handwritten digits live. Loaded, with its own
// WebAssembly module (pkg/gdviz_digits_bg.wasm: the CNN) and its data (data/digits.bin), only
// when the lab first opens, so the first screen carries none of them.
// The lab (Rust, DigitsLab) owns every number; this module moves edits in and pictures out, and
// trains in slices of a few milliseconds so the page stays responsive.
import initDigits, { DigitsLab, install_digits } from '../pkg/gdviz_digits.js';
import { MAX_RACERS, setBatch, setRacers, startingOptimizer } from './controls.js';
import { $, disableFor, radioGroup } from './dom.js';
import { num } from './format.js';
import { onLanguageChange, t } from './i18n.js';
import { core } from './labs.js';
import { racerLabel, racersOf } from './legend.js';
import { ignoredText, readField, reasonText } from './messages.js';
import { DIGITS_LESSONS } from './lessons.js';

/** Milliseconds of training per animation frame (the rest of the frame draws). */
const SLICE_MS = 6;
/** The read-outs and the norms' chart are redrawn at most this often (ms) while training. */
const FAST_MS = 100;
/** While training, one of the other pictures is redrawn at most this often (ms), in turn. */
const PART_MS = 40;

/** The labels of the digits lab's controls, for refusals (the field's path → the label). */
const FIELD_LABELS = {
  'objective.convs': 'digits.convs',
  'objective.convs[0].channels': 'digits.channels',
  'objective.convs[1].channels': 'digits.channels',
  'objective.convs[1].padding': 'digits.padding',
  'objective.convs[1].pool': 'digits.pool',
  'objective.init_scale': 'digits.scale',
  'optimizer.lr': 'digits.lr',
  batch_size: 'digits.batch',
  race: 'page.addRacer',
  clip_norm: 'digits.clip',
  steps: 'digits.steps',
};

let lab = null;
let scenario = null;
let playing = false;
let chosen = 0;
/** The racer the optimizer, rate and batch controls edit and the pictures show. */
let selected = 0;
let drawing = null;
let lastFast = 0;
let lastPart = 0;
let nextPart = 0;
let opening = null;
/** Words the refusal the status line shows (called again on a language switch), else null. */
let refused = null;

/** Called after every change of the lab's settings (the page records them in its address). */
let onChange = () => {};

/**
 * Fetches and installs the digits, builds the lab — on the settings of `link`, a query string
 * with `view=digits` (or the defaults) — and wires the controls; once. `changed` is called after
 * every change of the settings, and now.
 */
export function openDigits(link = '', changed = () => {}) {
  onChange = changed;
  if (opening) {
    onChange();
    return opening;
  }
  opening = (async () => {
    $('digits-status').textContent = t('digits.loading');
    // The module and the data travel at once; the data are installed into the module.
    const [response] = await Promise.all([fetch('data/digits.bin'), initDigits()]);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    install_digits(new Uint8Array(await response.arrayBuffer()));
    setUpControls();
    const linked = DigitsLab.from_query(link || 'view=digits');
    const ignored = JSON.parse(linked.ignored_json());
    const opened = load(JSON.parse(linked.scenario_json()));
    linked.free();
    if (opened && ignored.length) $('digits-status').textContent = ignored.map(ignoredText).join(' ');
  })().catch((error) => {
    $('digits-status').textContent = t('digits.loadFailed', { why: error?.message ?? error });
    opening = null;
  });
  return opening;
}

/** The lab's settings as a query string (`view=digits&convs=8:1:pool&o=adam(lr=0.01)…`). */
export function digitsQuery() {
  return lab ? lab.query() : 'view=digits';
}

/** Stops training (the lab is hidden). */
export function pauseDigits() {
  setPlaying(false);
}

/** Builds the lab on `next`, or keeps the old one and says why the core refused it. */
function load(next) {
  let built;
  try {
    built = new DigitsLab(JSON.stringify(next));
  } catch (error) {
    sayRefused(() => labRefusalText(error));
    showControls();
    return false;
  }
  lab?.free();
  lab = built;
  confusionShown = null;
  refused = null;
  scenario = JSON.parse(lab.scenario_json());
  selected = Math.min(selected, racersOf(scenario).length - 1);
  $('digits-status').textContent = '';
  showControls();
  drawAll();
  onChange();
  return true;
}

/** Shows on the status line the refusal `words` words (and again on a language switch). */
function sayRefused(words) {
  refused = words;
  $('digits-status').textContent = words();
}

/** Why the core refused the last edit, in the control's words. */
function labRefusalText(error) {
  // A racer's field (race[1].lr) is named by its control's label, as the first racer's is.
  const key = String(error.field ?? '').replace(/^race\[\d+\]\./, '');
  const field = FIELD_LABELS[key] ? t(FIELD_LABELS[key]) : error.field;
  return t('digits.refused', { field, reason: reasonText(error) });
}

// A language switch words the lab's read-outs, titles, buttons, lessons and status line again
// at once, not when they are next drawn.
onLanguageChange(() => {
  if (!lab) return;
  for (const button of $('digits-lessons').querySelectorAll('button[data-lesson]')) button.textContent = t(`lessons.${button.dataset.lesson}.title`);
  const open = $('digits-lesson').dataset.lesson;
  if (open) {
    $('digits-lesson-title').textContent = t(`lessons.${open}.title`);
    $('digits-lesson-text').textContent = t(`lessons.${open}.text`);
  }
  $('digits-play').textContent = t(playing ? 'digits.pause' : 'digits.play');
  // (The controls' words too: a greyed-out button's reason.)
  showControls();
  drawAll();
  if (refused) sayRefused(refused);
  else if ($('digits-status').textContent) $('digits-status').textContent = lab.finished() ? t('digits.finished') : '';
});

/** Applies `mutate` to a copy of the scenario and rebuilds the lab from the start. */
function edit(mutate) {
  const next = structuredClone(scenario);
  mutate(next);
  setPlaying(false);
  load(next);
}

function setUpControls() {
  const optimizer = $('digits-optimizer');
  const optimizers = JSON.parse(core.optimizer_catalog()).filter((entry) => entry.name !== 'newton');
  for (const entry of optimizers) optimizer.append(new Option(entry.title, entry.name));
  const conv = (s) => s.objective.convs;
  const each = (s, f) => conv(s).forEach(f);
  const on = (id, mutate) => $(id).addEventListener('change', () => edit(mutate));
  /**
   * An edit from a number field: `apply(scenario, value)` runs only for a value the field
   * accepts (its min, max and step, the lab's range for it: index.html); any other — empty,
   * too small or large, fractional — is refused naming the same range, and the field shows
   * its value again. `optional`: empty is a value of its own, null.
   */
  const onNumber = (id, apply, { optional = false } = {}) => $(id).addEventListener('change', () => {
    const input = $(id);
    const typed = { optional, text: input.value, badInput: input.validity?.badInput };
    const { value, problem } = readField(input, typed);
    if (problem === undefined) {
      edit((s) => apply(s, value));
      return;
    }
    setPlaying(false);
    sayRefused(() => readField(input, typed).problem);
    showControls();
  });
  on('digits-convs', (s) => {
    const want = Number($('digits-convs').value);
    while (conv(s).length < want) conv(s).push({ ...conv(s)[0] });
    conv(s).length = Math.max(1, want);
  });
  onNumber('digits-channels', (s, value) => each(s, (c) => { c.channels = value; }));
  on('digits-padding', (s) => each(s, (c) => { c.padding = Number($('digits-padding').value); }));
  on('digits-pool', (s) => each(s, (c) => { c.pool = $('digits-pool').checked; }));
  on('digits-activation', (s) => { s.objective.activation = $('digits-activation').value; });
  on('digits-init', (s) => {
    const value = $('digits-init').value;
    if (value) s.objective.init = value;
    else delete s.objective.init;
  });
  onNumber('digits-scale', (s, value) => { s.objective.init_scale = value; });
  const editSelected = (s, mutate) => {
    const racers = racersOf(s);
    mutate(racers[selected]);
    setRacers(s, racers);
  };
  // A racer switched to another optimizer starts at that one's own rate (Adadelta's 1, not
  // Adam's 0.01), as in the surface lab.
  on('digits-optimizer', (s) => editSelected(s, (r) => { r.optimizer = startingOptimizer(optimizers.find((e) => e.name === $('digits-optimizer').value)); }));
  onNumber('digits-lr', (s, value) => editSelected(s, (r) => { r.optimizer.lr = value; }));
  onNumber('digits-batch', (s, value) => {
    const state = legendState();
    setBatch(s, state, selected, value ?? state.unset_batch, false);
  }, { optional: true });
  $('digits-add-racer').addEventListener('click', () => edit((s) => {
    const racers = racersOf(s);
    if (racers.length >= MAX_RACERS) return;
    const used = new Set(racers.map((r) => r.optimizer.name));
    const entry = optimizers.find((e) => !used.has(e.name)) ?? optimizers[0];
    racers.push({ optimizer: startingOptimizer(entry), batch_size: null });
    setRacers(s, racers);
    selected = racers.length - 1;
  }));
  $('digits-remove-racer').addEventListener('click', () => edit((s) => {
    const racers = racersOf(s);
    if (racers.length <= 1) return;
    const [removed] = racers.splice(selected, 1);
    // The first racer's batch size is the scenario's: the next one inherits its own.
    if (selected === 0) racers[0].batch_size = racers[0].batch_size ?? removed.batch_size;
    s.batch_size = racers[0].batch_size ?? null;
    setRacers(s, racers);
    selected = Math.min(selected, racers.length - 1);
  }));
  // Empty or 0: off, as the surface lab's field.
  onNumber('digits-clip', (s, value) => { s.clip_norm = value || null; }, { optional: true });
  onNumber('digits-steps', (s, value) => { s.steps = value; });
  $('digits-play').addEventListener('click', () => setPlaying(!playing));
  $('digits-step').addEventListener('click', () => {
    setPlaying(false);
    lab.advance(1);
    drawAll();
  });
  $('digits-reset').addEventListener('click', () => {
    setPlaying(false);
    lab.reset();
    $('digits-status').textContent = '';
    drawAll();
  });
  setUpPad();
  for (const lesson of DIGITS_LESSONS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t(`lessons.${lesson.id}.title`);
    button.dataset.lesson = lesson.id;
    button.addEventListener('click', () => {
      setPlaying(false);
      if (!load(structuredClone(lesson.scenario))) return;
      $('digits-lesson').hidden = false;
      $('digits-lesson').dataset.lesson = lesson.id;
      $('digits-lesson-title').textContent = t(`lessons.${lesson.id}.title`);
      $('digits-lesson-text').textContent = t(`lessons.${lesson.id}.text`);
      setPlaying(true);
    });
    const item = document.createElement('li');
    item.append(button);
    $('digits-lessons').append(item);
  }
}

/** Puts the scenario's values into the controls. */
function showControls() {
  const first = scenario.objective.convs[0];
  $('digits-convs').value = String(scenario.objective.convs.length);
  $('digits-channels').value = String(first.channels);
  $('digits-padding').value = String(first.padding);
  $('digits-pool').checked = first.pool;
  $('digits-activation').value = scenario.objective.activation;
  $('digits-init').value = scenario.objective.init ?? '';
  $('digits-scale').value = String(scenario.objective.init_scale ?? 1);
  const racer = racersOf(scenario)[selected];
  const views = lab ? JSON.parse(lab.state_json()) : [];
  const batch = views[selected]?.batch_setting;
  $('digits-optimizer').value = racer.optimizer.name;
  $('digits-lr').value = String(racer.optimizer.lr ?? '');
  $('digits-batch').value = batch == null ? '' : String(batch);
  disableFor($('digits-add-racer'), racersOf(scenario).length >= MAX_RACERS ? t('limits.racers', { count: MAX_RACERS }) : null);
  disableFor($('digits-remove-racer'), racersOf(scenario).length <= 1 ? t('limits.lastRacer') : null);
  $('digits-clip').value = scenario.clip_norm == null ? '' : String(scenario.clip_norm);
  $('digits-steps').value = String(scenario.steps);
}

function setPlaying(on) {
  const was = playing;
  playing = on && lab !== null && !lab.finished();
  // A pause shows every picture as the run stands.
  if (was && !playing && lab) drawAll();
  $('digits-play').textContent = t(playing ? 'digits.pause' : 'digits.play');
  $('digits-play').setAttribute('aria-pressed', String(playing));
  if (playing) requestAnimationFrame(frame);
}

/** Updates per call of the lab, adapted so that one call takes about a slice. */
let perCall = 1;

/**
 * One frame: train for a slice of about SLICE_MS, in calls of `perCall` updates (the lab
 * measures the test accuracy once per call; a full-batch update is one call of its own).
 */
function frame() {
  if (!playing) return;
  const start = performance.now();
  while (performance.now() - start < SLICE_MS) {
    const before = performance.now();
    if (!lab.advance(perCall)) break;
    const took = performance.now() - before;
    if (took < SLICE_MS / 4) perCall = Math.min(256, perCall * 2);
    else if (took > SLICE_MS && perCall > 1) perCall = Math.max(1, perCall >> 1);
  }
  // A frame trains; the pictures follow a few times a second — the read-outs every FAST_MS, the
  // other pictures one per frame in turn, every PART_MS — so training and drawing together stay
  // within a frame.
  const now = performance.now();
  if (now - lastFast >= FAST_MS) {
    lastFast = now;
    drawAll(true);
  } else if (now - lastPart >= PART_MS) {
    lastPart = now;
    SLOW_PARTS[nextPart]();
    nextPart = (nextPart + 1) % SLOW_PARTS.length;
  }
  if (lab.finished()) {
    setPlaying(false);
    $('digits-status').textContent = t('digits.finished');
  }
  if (playing) requestAnimationFrame(frame);
}

/** Redraws every view; with `fastOnly`, the read-outs and the norm chart alone. */
/** The pictures drawn in turn while training (drawAll draws them all at once). */
const SLOW_PARTS = [() => drawAccuracy(), () => drawConfusion(), () => drawFilters(), () => drawMaps(), () => drawWrong(), () => drawProbabilities()];

function drawAll(fastOnly = false) {
  const views = JSON.parse(lab.state_json());
  const view = views[selected] ?? views[0];
  drawLegend(views);
  $('digits-accuracy').textContent = t('digits.accuracy', { percent: (100 * view.accuracy).toFixed(1) });
  $('digits-progress').textContent = t('digits.progress', { steps: view.steps, epochs: view.epoch.toFixed(2) });
  $('digits-norm-values').textContent = view.norms
    .map((n, l) => `${(l === view.norms.length - 1 ? t('digits.dense') : t('digits.conv', { layer: l + 1 }))}: ${num(n)}`).join(' · ');
  $('digits-norm-values').dataset.norms = JSON.stringify(view.norms);
  drawNorms();
  if (fastOnly) return;
  drawAccuracy();
  drawConfusion();
  drawFilters();
  drawMaps();
  drawWrong();
  drawProbabilities();
}

/** A grey picture of `values` (`side`×`side`, row by row) scaled to `size` pixels. */
function grid(values, side, { size = 48, signed = false, title = '' } = {}) {
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size}px`;
  canvas.className = 'pixels';
  if (title) canvas.title = title;
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (signed) {
    high = Math.max(Math.abs(low), Math.abs(high)) || 1;
    low = -high;
  }
  const span = high - low || 1;
  values.forEach((v, i) => {
    const t = (v - low) / span;
    // Signed: blue below zero, red above, white at zero; else black (low) to white (high).
    const [r, g, b] = signed
      ? (t < 0.5 ? [2 * t * 255, 2 * t * 255, 255] : [255, (2 - 2 * t) * 255, (2 - 2 * t) * 255])
      : [t * 255, t * 255, t * 255];
    image.data.set([r, g, b, 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
  return canvas;
}

/** The filters of each convolution: one small picture per kernel (red positive, blue negative). */
function drawFilters() {
  const box = $('digits-filters');
  box.replaceChildren(...JSON.parse(lab.filters_json(selected)).map((conv, l) => {
    const row = document.createElement('div');
    row.className = 'digits-row';
    const head = document.createElement('h4');
    head.textContent = t('digits.filterTitle', { layer: l + 1 });
    row.append(head);
    for (let k = 0; k < conv.c_out * conv.c_in; k += 1) {
      row.append(grid(conv.weights.slice(9 * k, 9 * k + 9), 3, { size: 30, signed: true }));
    }
    return row;
  }));
}

/** The chosen test digit (or the drawing) and its feature maps through each convolution. */
function drawMaps() {
  const drawn = drawing !== null;
  const pixels = lab.test_digit(chosen);
  const maps = JSON.parse(lab.feature_maps_json(selected, chosen, drawn ? drawing : new Float64Array(0)));
  const box = $('digits-maps');
  const head = document.createElement('p');
  head.className = 'hint';
  // A test digit says on screen what the network takes it for (a phone has no hover to read
  // the thumbnails' titles).
  head.textContent = drawn ? t('digits.drawing') : t('digits.chosen', { index: chosen, label: pixels[64], predicted: mostProbable(lab.classify_test_digit(selected, chosen)) });
  const input = drawn ? [...drawing] : [...pixels.slice(0, 64)];
  const rows = maps.map((layer, l) => {
    const row = document.createElement('div');
    row.className = 'digits-row';
    const title = document.createElement('h4');
    title.textContent = t('digits.mapTitle', { layer: l + 1 });
    row.append(title);
    const area = layer.side * layer.side;
    for (let c = 0; c < layer.channels; c += 1) {
      row.append(grid(layer.values.slice(c * area, (c + 1) * area), layer.side));
    }
    return row;
  });
  box.replaceChildren(head, grid(input, 8, { size: 64 }), ...rows);
}

/** The misclassified test digits' radio group (made once, with the first of them). */
let wrongGroup = null;

/** The most probable class of `probabilities` (the one the network takes an input for). */
function mostProbable(probabilities) {
  return probabilities.indexOf(Math.max(...probabilities));
}

/** The misclassified test digits (the first of them, saying so); clicking one shows its maps. */
function drawWrong() {
  const flat = lab.misclassified(selected);
  const box = $('digits-wrong');
  // The lab lists the first few: when it lists as many as it can, the confusion matrix on
  // screen counts them all (every test digit off its diagonal), without a pass of its own.
  const count = $('digits-wrong-count');
  const shown = flat.length / 2;
  const total = shown < DigitsLab.misclassified_shown() ? shown
    : (confusionShown ?? lab.confusion(selected)).reduce((sum, n, k) => (k % 11 === 0 ? sum : sum + n), 0);
  count.hidden = total === shown;
  count.textContent = total === shown ? '' : t('digits.wrongFirst', { shown, total });
  if (flat.length === 0) {
    box.removeAttribute('role');
    box.textContent = t('digits.noWrong');
    return;
  }
  // One radio group, one tab stop: the arrow keys go from digit to digit (www/dom.js).
  box.setAttribute('role', 'radiogroup');
  wrongGroup ??= radioGroup(box);
  const buttons = [];
  const check = () => {
    for (const button of buttons) button.setAttribute('aria-checked', String(drawing === null && Number(button.dataset.index) === chosen));
  };
  for (let k = 0; k < flat.length; k += 2) {
    const index = flat[k];
    const pixels = lab.test_digit(index);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'digit-button';
    button.setAttribute('role', 'radio');
    button.dataset.index = String(index);
    const title = t('digits.digitTitle', { index, label: pixels[64], predicted: flat[k + 1] });
    button.setAttribute('aria-label', title);
    button.title = title;
    button.append(grid([...pixels.slice(0, 64)], 8, { size: 32 }));
    button.addEventListener('click', () => {
      chosen = index;
      drawing = null;
      check();
      wrongGroup.refresh();
      drawMaps();
      drawPad();
      drawProbabilities();
    });
    buttons.push(button);
  }
  check();
  box.replaceChildren(...buttons);
  wrongGroup.refresh();
}

/**
 * The counts the confusion table shows (drawn just before the misclassified digits, by drawAll
 * and in turn while training), else null.
 */
let confusionShown = null;

/** The 10×10 test confusion matrix as a table (rows: true digit, columns: predicted). */
function drawConfusion() {
  const counts = lab.confusion(selected);
  confusionShown = counts;
  const table = $('digits-confusion');
  const header = document.createElement('tr');
  header.append(document.createElement('th'));
  for (let p = 0; p < 10; p += 1) {
    const th = document.createElement('th');
    th.textContent = String(p);
    header.append(th);
  }
  const rows = [header];
  const most = Math.max(1, ...counts);
  for (let t = 0; t < 10; t += 1) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = String(t);
    tr.append(th);
    for (let p = 0; p < 10; p += 1) {
      const td = document.createElement('td');
      const n = counts[10 * t + p];
      td.textContent = n ? String(n) : '';
      const shade = Math.round(255 - 180 * (n / most));
      td.style.background = t === p ? `rgb(${shade}, 255, ${shade})` : (n ? `rgb(255, ${shade}, ${shade})` : '');
      tr.append(td);
    }
    rows.push(tr);
  }
  table.replaceChildren(...rows);
}

/** Line chart helper: clears `canvas`, returns its context and size in CSS pixels. */
function chartContext(canvas) {
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.font = '11px sans-serif';
  context.fillStyle = '#444';
  return { context, width: canvas.width, height: canvas.height };
}

/** The lab's state as the legend's words take it (www/legend.js): the racers, and the samples. */
function legendState(views = JSON.parse(lab.state_json())) {
  const samples = lab.sample_count();
  return { racers: views, sample_count: samples, unset_batch: samples };
}

/** One button per racer, in its colour, named by what tells it apart; the pressed one is edited. */
function drawLegend(views) {
  const state = legendState(views);
  const items = views.map((view, index) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'racer';
    button.setAttribute('aria-pressed', String(index === selected));
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = view.color;
    const name = document.createElement('span');
    name.className = 'racer-name';
    name.textContent = racerLabel(scenario, state, index);
    const status = document.createElement('span');
    status.className = 'racer-status';
    status.textContent = ` — ${t('digits.accuracy', { percent: (100 * view.accuracy).toFixed(1) })}`;
    button.append(swatch, name, status);
    button.addEventListener('click', () => {
      selected = index;
      showControls();
      drawAll();
    });
    item.append(button);
    return item;
  });
  $('digits-legend').replaceChildren(...items);
}

/**
 * Strokes the current path in a racer's colour over a dark casing, as the other labs' charts
 * draw their curves: the white racer shows on white, and every colour reads.
 */
function strokeCased(context, color) {
  context.lineWidth = 3;
  context.strokeStyle = 'rgba(0, 0, 0, 0.55)';
  context.stroke();
  context.lineWidth = 1.4;
  context.strokeStyle = color;
  context.stroke();
}

/** The norm chart's line for each layer: solid for the first convolution, then dashed, dotted. */
const LAYER_DASHES = [[], [6, 3], [2, 3]];

/** Each racer's per-layer gradient norms against updates, on a log scale, in its colour. */
function drawNorms() {
  const views = JSON.parse(lab.state_json());
  const layers = views[0]?.norms.length || (scenario.objective.convs.length + 1);
  const { context, width, height } = chartContext($('digits-norms'));
  const histories = views.map((_, r) => lab.norm_history(r));
  const stride = layers + 1;
  let low = Infinity;
  let high = -Infinity;
  let lastStep = 1;
  for (const flat of histories) {
    for (let k = 0; k < flat.length; k += 1) {
      if (k % stride === 0) {
        lastStep = Math.max(lastStep, flat[k]);
        continue;
      }
      if (!(flat[k] > 0)) continue;
      low = Math.min(low, Math.log10(flat[k]));
      high = Math.max(high, Math.log10(flat[k]));
    }
  }
  if (!Number.isFinite(low)) {
    // Before the first update there is no gradient yet: the empty chart says so.
    context.textAlign = 'center';
    context.fillText(t('digits.normsEmpty'), width / 2, height / 2);
    context.textAlign = 'start';
    return;
  }
  low = Math.floor(low);
  high = Math.max(low + 1, Math.ceil(high));
  const left = 44;
  const x = (step) => left + (width - left - 8) * (step / lastStep);
  const y = (value) => 8 + (height - 26) * (1 - (Math.log10(value) - low) / (high - low));
  for (let e = low; e <= high; e += 1) {
    context.fillText(`1e${e}`.replace('-', '−'), 2, y(10 ** e) + 4);
    context.fillRect(left, y(10 ** e), width - left - 8, 0.5);
  }
  context.fillText(`${lastStep}`, width - 30, height - 4);
  histories.forEach((flat, r) => {
    const records = flat.length / stride;
    for (let l = 0; l < layers; l += 1) {
      context.setLineDash(LAYER_DASHES[l === layers - 1 ? 2 : l]);
      context.beginPath();
      for (let k = 0; k < records; k += 1) {
        const value = flat[k * stride + 1 + l];
        if (!(value > 0)) continue;
        context.lineTo(x(flat[k * stride]), y(value));
      }
      strokeCased(context, views[r].color);
    }
  });
  context.setLineDash([]);
}

/** Each racer's test accuracy against training samples read, in its colour. */
function drawAccuracy() {
  const views = JSON.parse(lab.state_json());
  const histories = views.map((_, r) => lab.accuracy_history(r));
  const { context, width, height } = chartContext($('digits-accuracy-chart'));
  const most = Math.max(1, ...histories.map((flat) => (flat.length ? flat[flat.length - 3] : 0)));
  const left = 34;
  const x = (samples) => left + (width - left - 8) * (samples / most);
  const y = (accuracy) => 8 + (height - 26) * (1 - accuracy);
  for (const a of [0, 0.5, 1]) {
    context.fillText(`${100 * a} %`, 2, y(a) + 4);
    context.fillRect(left, y(a), width - left - 8, 0.5);
  }
  context.fillText(`${most}`, width - 40, height - 4);
  histories.forEach((flat, r) => {
    context.beginPath();
    for (let k = 0; k < flat.length / 4; k += 1) context.lineTo(x(flat[4 * k + 1]), y(flat[4 * k + 2]));
    strokeCased(context, views[r].color);
  });
}

/** The drawing pad: 8×8 cells, drawn with the pointer or a finger. */
function setUpPad() {
  const pad = $('digits-pad');
  let down = false;
  /** Where the stroke was at the last event, in cells (null between strokes). */
  let last = null;
  const fill = (x, y) => {
    const col = Math.floor(x);
    const row = Math.floor(y);
    if (col >= 0 && col <= 7 && row >= 0 && row <= 7) drawing[8 * row + col] = 1;
  };
  const paint = (event) => {
    const box = pad.getBoundingClientRect();
    const here = [((event.clientX - box.left) / box.width) * 8, ((event.clientY - box.top) / box.height) * 8];
    drawing ??= new Float64Array(64);
    // A fast stroke crosses several cells between two events: every cell on the line between
    // them is drawn (at quarter-cell steps), not only the cells the events landed in.
    const from = last ?? here;
    const steps = Math.max(1, Math.ceil(4 * Math.hypot(here[0] - from[0], here[1] - from[1])));
    for (let i = 1; i <= steps; i += 1) fill(from[0] + ((here[0] - from[0]) * i) / steps, from[1] + ((here[1] - from[1]) * i) / steps);
    last = here;
    drawPad();
    drawProbabilities();
  };
  pad.addEventListener('pointerdown', (event) => {
    down = true;
    last = null;
    pad.setPointerCapture(event.pointerId);
    paint(event);
  });
  pad.addEventListener('pointermove', (event) => { if (down) paint(event); });
  pad.addEventListener('pointerup', () => {
    down = false;
    last = null;
    if (lab) drawMaps();
  });
  $('digits-clear').addEventListener('click', () => {
    drawing = null;
    drawPad();
    drawProbabilities();
    drawMaps();
  });
  drawPad();
}

function drawPad() {
  const pad = $('digits-pad');
  const context = pad.getContext('2d');
  const cell = pad.width / 8;
  context.fillStyle = '#000';
  context.fillRect(0, 0, pad.width, pad.height);
  context.fillStyle = '#fff';
  for (let k = 0; k < 64; k += 1) {
    if (drawing?.[k]) context.fillRect((k % 8) * cell, Math.floor(k / 8) * cell, cell, cell);
  }
}

/** The class probabilities of the drawing, else of the chosen test digit, as bars. */
function drawProbabilities() {
  const list = $('digits-probabilities');
  const title = $('digits-probabilities-title');
  if (!lab) {
    list.replaceChildren();
    title.textContent = '';
    return;
  }
  const drawn = drawing !== null;
  title.textContent = drawn ? t('digits.probabilitiesDrawing') : t('digits.probabilitiesDigit', { index: chosen });
  const p = drawn ? lab.classify_drawing(selected, drawing) : lab.classify_test_digit(selected, chosen);
  const best = mostProbable(p);
  list.replaceChildren(...[...p].map((value, digit) => {
    const item = document.createElement('li');
    item.textContent = t('digits.probability', { digit, percent: (100 * value).toFixed(1) });
    item.style.setProperty('--p', String(value));
    if (digit === best) item.className = 'best';
    return item;
  }));
}
