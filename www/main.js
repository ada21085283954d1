// The page's entry point: loads the wasm lab, owns the animation loop, the URL and the canvases.
// The lab (Rust) owns every number; this module only moves events in and pictures out.
import init, { Lab, csv_points, dataset_catalog, surface_catalog } from '../pkg/gdviz.js';
import { createControls } from './controls.js';
import { createNetworkControls } from './network.js';
import { setUpLessons } from './lessons.js';
import { setUpSharing } from './share.js';
import { num, rate } from './format.js';

const $ = (id) => document.getElementById(id);
const SPEEDS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
/** Time per frame the simulation may use before steps per frame shrink (ms). */
const FRAME_BUDGET_MS = 8;

const banner = $('error-banner');
function showError(message) {
  $('error-text').textContent = message;
  banner.hidden = false;
}
$('error-reset').addEventListener('click', () => { window.location.href = window.location.pathname; });
window.addEventListener('error', (event) => {
  // Chromium reports a benign ResizeObserver notice as an error event; it is not a fault.
  if (String(event.message).startsWith('ResizeObserver loop')) return;
  showError(`Something went wrong: ${event.message}`);
});
window.addEventListener('unhandledrejection', (event) => showError(`Something went wrong: ${event.reason}`));

/** Shows sentences (ignored URL parameters, refused edits) above the lab; text only. */
function notify(lines) {
  const notice = $('notice');
  notice.replaceChildren();
  for (const line of lines) {
    const p = document.createElement('p');
    p.textContent = line;
    notice.append(p);
  }
  notice.hidden = lines.length === 0;
}

/** Page settings that are not part of the scenario, read from the URL with their own checks. */
function readUi(params, ignored) {
  const ui = { speed: 3, axis: 'steps', cloud: false, selected: 0 };
  const speed = params.get('speed');
  if (speed !== null) {
    const value = Number(speed);
    if (Number.isInteger(value) && value >= 0 && value < SPEEDS.length) ui.speed = value;
    else ignored.push(`ignored \`speed\`: ${speed} is out of range (accepted: 0 … ${SPEEDS.length - 1})`);
  }
  const axis = params.get('axis');
  if (axis !== null) {
    if (['steps', 'epochs', 'samples'].includes(axis)) ui.axis = axis;
    else ignored.push(`ignored \`axis\`: ${axis} is not steps, epochs or samples`);
  }
  if (params.get('cloud') === '1') ui.cloud = true;
  ui.embed = params.get('embed') === '1';
  ui.autoplay = params.get('play') === '1';
  ui.lesson = params.get('lesson');
  ui.controls = (params.get('controls') ?? '').split(',').filter(Boolean);
  ui.present = params.get('present') === '1';
  ui.lock = (params.get('lock') ?? '').split(',').filter(Boolean);
  return ui;
}

async function main() {
  await init();
  const lab = new Lab(window.location.search);
  const ignored = JSON.parse(lab.ignored_json());
  const ui = readUi(new URLSearchParams(window.location.search), ignored);
  notify(ignored);
  let scenario = JSON.parse(lab.scenario_json());
  let state = JSON.parse(lab.state_json());
  let playing = false;
  let effectiveSteps = SPEEDS[ui.speed];
  let lastChart = 0;
  let lastPush = 0;
  let frames = 0;
  let surfaceDirty = true;
  /**
   * True until the first heat map is on screen: draw() then paints the heat map alone, so the
   * page's first picture is not held back by the chart and panels (drawn a frame later).
   */
  let heatOnly = true;

  const canvases = { heat: $('heat'), trails: $('trails'), markers: $('markers'), chart: $('chart'), inset: $('inset'), network: $('network') };
  /** The scenario each view last showed, to come back to. */
  const remembered = { surface: null, network: null };
  const isNetwork = () => state.network === true;

  function pageQuery() {
    const extra = new URLSearchParams();
    if (ui.speed !== 3) extra.set('speed', String(ui.speed));
    if (ui.axis !== 'steps') extra.set('axis', ui.axis);
    if (ui.cloud) extra.set('cloud', '1');
    if (ui.embed) extra.set('embed', '1');
    if (ui.controls.length) extra.set('controls', ui.controls.join(','));
    if (ui.lesson) extra.set('lesson', ui.lesson);
    if (ui.present) extra.set('present', '1');
    if (ui.lock.length) extra.set('lock', ui.lock.join(','));
    const tail = extra.toString().replace(/%2C/gi, ',');
    return `?${lab.query()}${tail ? `&${tail}` : ''}`;
  }

  /** Records the state in the URL: a new history entry, or a replacement during quick edits. */
  function updateUrl(push) {
    const url = `${window.location.pathname}${pageQuery()}`;
    const now = performance.now();
    if (push && now - lastPush > 600) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
    if (push) lastPush = now;
  }

  let sized = '';
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    // Presenter mode draws type and strokes larger on the same pixels.
    const drawScale = ui.present ? 1.7 : 1;
    const stack = $('stack');
    const width = Math.max(280, Math.min(stack.parentElement.clientWidth, 760));
    if (sized === `${width}@${dpr}`) return;
    sized = `${width}@${dpr}`;
    lab.set_device_pixel_ratio(dpr);
    const height = Math.round(width * 0.82);
    stack.style.width = `${width}px`;
    stack.style.height = `${height}px`;
    for (const canvas of [canvases.heat, canvases.trails, canvases.markers]) {
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const chart = canvases.chart;
    chart.style.width = `${width}px`;
    chart.style.height = '220px';
    chart.width = Math.round(width * dpr);
    chart.height = Math.round(220 * dpr);
    const inset = canvases.inset;
    inset.width = Math.round(220 * dpr);
    inset.height = Math.round(160 * dpr);
    const network = canvases.network;
    const networkWidth = Math.max(200, Math.min(network.parentElement.clientWidth - 4, 400));
    network.style.width = `${networkWidth}px`;
    network.style.height = '190px';
    network.width = Math.round(networkWidth * dpr);
    network.height = Math.round(190 * dpr);
    for (const [id, w, h] of [['layer-norms', networkWidth, 170], ['landscape', Math.min(networkWidth, 300), Math.min(networkWidth, 300)]]) {
      const canvas = $(id);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    surfaceDirty = true;
    draw(true);
  }

  function draw(all) {
    const now = performance.now();
    if (isNetwork()) {
      // The boundary is the animation: redrawn every frame while training.
      lab.draw_boundary(canvases.heat, ui.selected);
      if (heatOnly) return;
      if (surfaceDirty) {
        for (const canvas of [canvases.trails, canvases.markers]) canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
        surfaceDirty = false;
      }
      if (all || now - lastChart > 120) {
        lab.draw_network(canvases.network, ui.selected);
        lab.draw_layer_norms($('layer-norms'), ui.selected);
        showConfusion();
      }
    } else {
      if (surfaceDirty) {
        lab.draw_surface(canvases.heat);
        surfaceDirty = false;
      }
      if (heatOnly) return;
      lab.draw_trails(canvases.trails);
      lab.draw_markers(canvases.markers, ui.cloud, ui.selected);
    }
    if (all || now - lastChart > 120) {
      lab.draw_chart(canvases.chart, ui.axis);
      if (!canvases.inset.hidden) lab.draw_inset(canvases.inset);
      state = JSON.parse(lab.state_json());
      controls.showStatus(state);
      if (isNetwork()) networkControls.showReadout(state, ui.selected);
      showCounter();
      showExplain();
      showTheory();
      lastChart = now;
    }
  }

  /** "Tune learning rates": runs the core's tuner a slice per frame, then applies the best rates. */
  function setUpTuning() {
    const button = $('tune');
    const bar = $('tune-progress');
    let job = null;
    let budget = 2000;
    const finish = () => {
      const results = JSON.parse(job.result_json());
      job.free();
      job = null;
      bar.hidden = true;
      button.textContent = 'Tune learning rates';
      const summary = [];
      edit((s) => {
        const racers = [{ optimizer: s.optimizer }, ...(s.race ?? [])];
        for (const result of results) {
          const racer = racers[result.racer];
          if (racer && result.best_lr !== null) racer.optimizer.lr = result.best_lr;
          summary.push(`${result.optimizer}: ${result.best_lr === null ? 'every rate diverged' : `lr = ${rate(result.best_lr)}`}`);
        }
        s.optimizer = racers[0].optimizer;
        s.race = racers.slice(1);
      });
      $('status').textContent = `Tuned — ${summary.join('; ')}`;
      window.gdviz.tuned = results;
    };
    const slice = () => {
      if (!job) return;
      const started = performance.now();
      const fraction = job.step(budget);
      const spent = performance.now() - started;
      budget = spent > 12 ? Math.max(50, Math.round(budget * 0.6)) : Math.min(50000, Math.round(budget * 1.3));
      bar.value = fraction;
      if (job.is_done()) finish();
      else requestAnimationFrame(slice);
    };
    button.addEventListener('click', () => {
      if (job) {
        job.free();
        job = null;
        bar.hidden = true;
        button.textContent = 'Tune learning rates';
        return;
      }
      if (playing) setPlaying(false);
      try {
        job = lab.start_tuning();
      } catch (error) {
        notify([`Cannot tune — ${error}`]);
        return;
      }
      bar.hidden = false;
      bar.value = 0;
      button.textContent = 'Stop tuning';
      requestAnimationFrame(slice);
    });
  }

  /** The 2×2 confusion matrices of the selected network, as a small table (text only). */
  function showConfusion() {
    const table = $('confusion');
    table.replaceChildren();
    const metrics = JSON.parse(lab.metrics_json(ui.selected));
    if (!metrics || !metrics.train) return;
    const head = table.insertRow();
    for (const text of ['', 'train: pred 0', 'pred 1', 'test: pred 0', 'pred 1']) head.insertCell().textContent = text;
    for (const truth of [0, 1]) {
      const row = table.insertRow();
      row.insertCell().textContent = `true ${truth}`;
      for (const split of ['train', 'test']) {
        for (const predicted of [0, 1]) {
          const cell = row.insertCell();
          cell.textContent = metrics[split] ? String(metrics[split][truth][predicted]) : '—';
          cell.className = truth === predicted ? 'hit' : 'miss';
        }
      }
    }
  }

  /** Locked mode: the controls a teacher named in `lock=` are shown but fixed. */
  const LOCKS = {
    lr: ['lr', 'lr-slider'], batch: ['batch', 'batch-slider'], optimizer: ['optimizer'], momentum: ['momentum'],
    surface: ['surface', 'kappa', 'angle'], seed: ['seed'], schedule: ['schedule'], clip: ['clip'], sigma: ['sigma'],
    racers: ['add-racer', 'remove-racer'], dataset: ['dataset'], noise: ['net-noise'], layers: ['add-layer', 'remove-layer'],
    activation: ['activation'], loss: ['loss'], init: ['init'], l2: ['l2'], steps: ['steps'],
  };
  function applyLocks() {
    for (const name of ui.lock) {
      // The named controls, and those built per layer, which carry the lock's name.
      const fixed = [...(LOCKS[name] ?? []).map($), ...document.querySelectorAll(`[data-lock="${name}"]`)];
      for (const element of fixed) {
        if (!element) continue;
        element.disabled = true;
        element.title = 'Fixed for this lesson';
      }
    }
  }

  /** Shows the controls of the current view and marks its tab. */
  function showView() {
    const network = isNetwork();
    for (const element of document.querySelectorAll('.network-only')) element.hidden = !network;
    for (const element of document.querySelectorAll('.surface-only')) element.hidden = network;
    $('tab-surface').setAttribute('aria-pressed', String(!network));
    $('tab-network').setAttribute('aria-pressed', String(network));
    $('stack').classList.toggle('network-view', network);
    $('chart-title').textContent = network ? 'Loss (train: solid, test: faint)' : 'Loss';
    if (network) networkControls.show(scenario, state);
    applyLocks();
  }

  /** Switches between the surface and the network lab, remembering each one's scenario. */
  function switchView(toNetwork) {
    if (toNetwork === isNetwork()) return;
    remembered[isNetwork() ? 'network' : 'surface'] = scenario;
    const next = remembered[toNetwork ? 'network' : 'surface']
      ?? JSON.parse(toNetwork ? Lab.network_default_json() : new Lab('').scenario_json());
    ui.selected = 0;
    edit((s) => { for (const key of Object.keys(s)) delete s[key]; Object.assign(s, structuredClone(next)); });
  }

  function showCounter() {
    const leader = state.racers.reduce((a, r) => (r.step > a.step ? r : a), state.racers[0]);
    $('counter').textContent = `step ${leader.step} · epoch ${num(leader.epoch)} · ${leader.samples} samples`;
    const stopped = state.racers.filter((r) => r.status === 'diverged' || r.status === 'failed');
    $('status').textContent = stopped.length
      ? stopped.map((r) => `${r.name}: ${r.message}`).join('; ')
      : `${state.racers.length} optimizer${state.racers.length > 1 ? 's' : ''} racing${playing ? '' : ' (paused)'}`;
  }

  function showExplain() {
    const box = $('explain');
    const explanation = JSON.parse(lab.explain_json(ui.selected));
    box.replaceChildren();
    if (!explanation) return;
    const title = document.createElement('p');
    title.className = 'explain-title';
    title.textContent = explanation.title;
    box.append(title);
    if (explanation.note) {
      const note = document.createElement('p');
      note.className = 'hint';
      note.textContent = explanation.note;
      box.append(note);
    }
    const table = document.createElement('table');
    for (const line of explanation.lines ?? []) {
      const row = table.insertRow();
      row.insertCell().textContent = line.formula;
      row.insertCell().textContent = line.value;
    }
    box.append(table);
  }

  function showTheory() {
    const box = $('theory');
    const data = JSON.parse(lab.theory_json());
    box.hidden = !data;
    if (!data) return;
    const t = data.theory;
    box.replaceChildren();
    const heading = document.createElement('h3');
    heading.textContent = `Quadratic with κ = ${num(t.condition)} (Goh, “Why Momentum Really Works”)`;
    const list = document.createElement('ul');
    const facts = [
      `Critical learning rate 2/L = ${num(t.critical_lr)}: above it gradient descent diverges.`,
      `Best fixed rate 2/(μ+L) = ${num(t.best_lr)}: error shrinks by ${num(t.best_rate_gd)} per step.`,
      `Heavy ball: lr = ${num(t.heavy_ball_lr)}, momentum = ${num(t.heavy_ball_momentum)}: rate ${num(t.heavy_ball_rate)} per step.`,
    ];
    for (const racer of data.racers) {
      facts.push(`${racer.name}: predicted rate ${racer.predicted === null ? '— (not plain SGD/momentum)' : num(racer.predicted)}, measured ${racer.measured === null ? '—' : num(racer.measured)}`);
    }
    for (const fact of facts) {
      const item = document.createElement('li');
      item.textContent = fact;
      list.append(item);
    }
    box.append(heading, list);
  }

  /** Tries a changed scenario; keeps the old one, and says why, when the core refuses it. */
  function edit(mutate, { push = true } = {}) {
    const next = structuredClone(scenario);
    mutate(next);
    const json = JSON.stringify(next);
    const objectiveChanged = lab.objective_differs(json);
    try {
      lab.load(json);
    } catch (error) {
      notify([`Not applied — ${error}`]);
      controls.show(scenario, state);
      return false;
    }
    notify([]);
    scenario = JSON.parse(lab.scenario_json());
    state = JSON.parse(lab.state_json());
    if (objectiveChanged) surfaceDirty = true;
    controls.show(scenario, state);
    showView();
    updateUrl(push);
    draw(true);
    return true;
  }

  const controls = createControls({
    catalog: JSON.parse(surface_catalog()),
    edit,
    ui,
    onSelect: () => { controls.show(scenario, state); applyLocks(); draw(true); },
    onUiChange: () => { updateUrl(false); draw(true); },
  });
  const networkControls = createNetworkControls({ catalog: JSON.parse(dataset_catalog()), edit });
  $('tab-surface').addEventListener('click', () => switchView(false));
  $('tab-network').addEventListener('click', () => switchView(true));

  function setPlaying(value) {
    playing = value;
    $('play').textContent = playing ? 'Pause' : 'Play';
    $('play').setAttribute('aria-pressed', String(playing));
    if (playing) {
      if (lab.running_count() === 0) lab.reset();
      requestAnimationFrame(frame);
    }
    draw(true);
  }

  function frame() {
    if (!playing) return;
    const target = SPEEDS[ui.speed];
    const started = performance.now();
    const running = lab.advance(Math.max(1, Math.round(effectiveSteps)));
    const spent = performance.now() - started;
    // Adapt steps per frame to the budget: shrink when over, grow back toward the target.
    if (spent > FRAME_BUDGET_MS) effectiveSteps = Math.max(1, effectiveSteps * 0.7);
    else effectiveSteps = Math.min(target, effectiveSteps * 1.25 + 1);
    frames += 1;
    draw(false);
    if (running === 0) {
      setPlaying(false);
      return;
    }
    requestAnimationFrame(frame);
  }

  function step() {
    if (playing) setPlaying(false);
    lab.advance(1);
    draw(true);
  }

  function reset() {
    lab.reset();
    draw(true);
  }

  $('play').addEventListener('click', () => setPlaying(!playing));
  $('step').addEventListener('click', step);
  $('reset').addEventListener('click', reset);
  const speed = $('speed');
  speed.value = ui.speed;
  const showSpeed = () => { $('speed-value').textContent = `${SPEEDS[ui.speed]} steps/frame`; };
  showSpeed();
  speed.addEventListener('input', () => {
    ui.speed = Number(speed.value);
    effectiveSteps = SPEEDS[ui.speed];
    showSpeed();
  });
  speed.addEventListener('change', () => updateUrl(false));

  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
    if (event.key === ' ') { event.preventDefault(); setPlaying(!playing); }
    else if (event.key === 'ArrowRight') { event.preventDefault(); step(); }
    else if (event.key === 'r' || event.key === 'R') { reset(); }
  });
  document.addEventListener('visibilitychange', () => { if (document.hidden && playing) setPlaying(false); });

  // Click or drag on the surface to choose the start point; hover to read a point.
  const top = canvases.markers;
  let dragging = false;
  const pixel = (event) => {
    const box = top.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    return [(event.clientX - box.left) * dpr, (event.clientY - box.top) * dpr];
  };
  const moveStart = (event, push) => {
    const [px, py] = pixel(event);
    const point = lab.to_plane(px, py);
    if (point.length !== 2) return;
    edit((s) => { s.start = [Number(point[0].toPrecision(6)), Number(point[1].toPrecision(6))]; }, { push });
  };
  top.addEventListener('pointerdown', (event) => {
    dragging = true;
    top.setPointerCapture(event.pointerId);
    moveStart(event, false);
  });
  top.addEventListener('pointermove', (event) => {
    if (dragging) { moveStart(event, false); return; }
    const [px, py] = pixel(event);
    const hit = JSON.parse(lab.pick(px, py));
    const hover = $('hover');
    if (!hit) { hover.hidden = true; return; }
    if (hit.prediction !== undefined) {
      hover.textContent = `(${num(hit.x)}, ${num(hit.y)}) · network output ${num(hit.prediction)}`;
    } else {
      hover.textContent = hit.step !== undefined
        ? `${hit.name} · step ${hit.step} · (${num(hit.x)}, ${num(hit.y)}) · loss ${num(hit.loss)}`
        : `(${num(hit.x)}, ${num(hit.y)}) · loss ${num(hit.loss)}`;
    }
    const box = top.getBoundingClientRect();
    placeTip(hover, event.clientX - box.left, event.clientY - box.top, box);
  });
  top.addEventListener('pointerup', (event) => {
    if (!dragging) return;
    dragging = false;
    moveStart(event, true);
  });
  top.addEventListener('pointerleave', () => { $('hover').hidden = true; });

  /**
   * Shows a read-out `tip` beside the pointer at (x, y) of a `box`-sized area, on the pointer's
   * left (or above it) where it would otherwise spill out of the area's card.
   */
  function placeTip(tip, x, y, box) {
    const gap = 12;
    tip.hidden = false;
    const { offsetWidth: w, offsetHeight: h } = tip;
    const left = x + gap + w > box.width ? Math.max(0, x - gap - w) : x + gap;
    const down = y + gap + h > box.height ? Math.max(0, y - gap - h) : y + gap;
    tip.style.left = `${left}px`;
    tip.style.top = `${down}px`;
  }

  // Hover on the loss chart reads out the step, epoch and exact loss under the pointer.
  canvases.chart.addEventListener('pointermove', (event) => {
    const box = canvases.chart.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const hit = JSON.parse(lab.pick_chart((event.clientX - box.left) * dpr, (event.clientY - box.top) * dpr));
    const hover = $('chart-hover');
    if (!hit) { hover.hidden = true; return; }
    hover.textContent = `${hit.name} · step ${hit.step} · epoch ${num(hit.epoch)} · loss ${hit.loss}`;
    placeTip(hover, event.clientX - box.left, event.clientY - box.top, box);
  });
  canvases.chart.addEventListener('pointerleave', () => { $('chart-hover').hidden = true; });

  window.addEventListener('popstate', () => {
    const next = new Lab(window.location.search);
    edit((s) => Object.assign(s, JSON.parse(next.scenario_json())), { push: false });
    next.free();
  });
  new ResizeObserver(() => resize()).observe($('stack').parentElement);

  controls.show(scenario, state);
  showView();
  resize();
  // The heat map is drawn; let it reach the screen (the next frame, then a task after it)
  // before the rest of the first draw and the remaining set-up.
  await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); });
  heatOnly = false;
  draw(true);
  updateUrl(false);
  setUpSharing({ lab, canvases, edit, pageQuery, notify });
  if (ui.present) document.body.classList.add('present');
  setUpTuning();
  /** Pasted CSV replaces the generated data set; the core names the row and column it refuses. */
  const useCsv = (textarea, kind) => {
    let points;
    try {
      points = JSON.parse(csv_points($(textarea).value, kind()));
    } catch (error) {
      notify([`Data not used — ${error}`]);
      return;
    }
    edit((s) => {
      delete s.objective.dataset;
      s.objective.points = points;
      s.start = null;
      s.batch_size = null;
    });
  };
  $('use-csv').addEventListener('click', () => useCsv('csv', () => (scenario.objective.loss === 'mse' ? 'regression2d' : 'classification')));
  $('use-csv-linreg').addEventListener('click', () => useCsv('csv-linreg', () => 'regression1d'));
  $('compute-landscape').addEventListener('click', () => {
    if (lab.compute_landscape(ui.selected)) lab.draw_landscape($('landscape'));
  });
  setUpLessons({ current: ui.lesson, embed: ui.embed });
  if (ui.embed) setUpEmbed(ui.controls);
  if (ui.autoplay) setPlaying(true);

  /** State the end-to-end tests read; not an API. */
  window.gdviz = {
    ready: true,
    lab,
    get scenario() { return scenario; },
    get state() { return JSON.parse(lab.state_json()); },
    get playing() { return playing; },
    get frames() { return frames; },
    get effectiveSteps() { return effectiveSteps; },
    get ui() { return { ...ui }; },
    get view() { return isNetwork() ? 'network' : 'surface'; },
  };
}

/**
 * Embed mode: the canvas, the transport buttons and, optionally, the controls named in
 * `controls=` (e.g. `lr,batch`), moved into a compact strip under the canvas.
 */
function setUpEmbed(names) {
  document.body.classList.add('embed');
  const strip = $('embed-controls');
  const wrappers = {
    surface: $('surface').closest('.field'),
    optimizer: $('optimizer').closest('.field'),
    lr: $('lr').closest('.field'),
    momentum: $('momentum').closest('label'),
    batch: $('batch').closest('.field'),
    seed: $('seed').closest('label'),
    schedule: $('schedule').closest('.field'),
    dataset: $('dataset').closest('.field'),
    noise: $('net-noise').closest('label'),
  };
  for (const name of names) {
    if (wrappers[name]) strip.append(wrappers[name]);
  }
  strip.hidden = strip.children.length === 0;
}

main().catch((error) => showError(`The lab could not start: ${error}`));
