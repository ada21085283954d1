// The page's entry point: loads the wasm lab, keeps the scenario and the page's own settings, and
// wires the modules together — the panel (controls.js, network.js), the transport (player.js),
// the canvases (stage.js), the read-outs (panels.js, legend.js), lessons, sharing and embedding.
// The lab (Rust) owns every number; this module only moves edits in and pictures out.
import init, { Lab, csv_points, dataset_catalog, optimizer_catalog, surface_catalog } from '../pkg/gdviz.js';
import { createControls } from './controls.js';
import { $ } from './dom.js';
import { EMBED_PIECES, setUpEmbed } from './embed.js';
import { rate } from './format.js';
import { racerLabel, racerStatus, racersOf, showRacerStatus } from './legend.js';
import { LESSONS, lessonById, setUpLessons, showLesson } from './lessons.js';
import { readField, refusalText } from './messages.js';
import { createNetworkControls } from './network.js';
import { counterText, showConfusion, showExplain, showTheory, statusText } from './panels.js';
import { DEFAULT_SPEED, SPEEDS, createPlayer } from './player.js';
import { setUpSharing } from './share.js';
import { createStage } from './stage.js';

/** Whether the page is inside another page's frame (a course page's embed). */
const FRAMED = window.self !== window.top;

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

/** The control a person changed last, and the one whose value the notice refuses. */
let lastChanged = null;
let refusedControl = null;
document.addEventListener('change', (event) => { lastChanged = event.target; }, true);
// Typing into a refused control takes its complaint away (a new refusal puts it back), so no
// message outlives the value it was about — even when the value typed is the one kept.
document.addEventListener('input', (event) => {
  if (event.target === refusedControl) notify([]);
}, true);

/**
 * Shows sentences (ignored URL parameters, refused edits) above the lab; text only. With
 * `refused`, the control changed last is marked invalid and described by the notice.
 */
function notify(lines, { refused = false } = {}) {
  const notice = $('notice');
  notice.replaceChildren(...lines.map((line) => {
    const p = document.createElement('p');
    p.textContent = line;
    return p;
  }));
  notice.hidden = lines.length === 0;
  if (refusedControl) {
    refusedControl.removeAttribute('aria-invalid');
    refusedControl.removeAttribute('aria-describedby');
    refusedControl = null;
  }
  if (refused && lastChanged?.matches?.('input, select')) {
    refusedControl = lastChanged;
    refusedControl.setAttribute('aria-invalid', 'true');
    refusedControl.setAttribute('aria-describedby', 'notice');
  }
}

/**
 * The page's own settings (not the scenario), read from a URL query with their own checks; what
 * does not fit is named in `ignored`.
 */
function readUi(params, ignored) {
  const ui = { speed: DEFAULT_SPEED, axis: 'steps', cloud: false, selected: 0, batchForAll: true };
  const speed = params.get('speed');
  if (speed !== null) {
    if (SPEEDS.includes(Number(speed))) ui.speed = Number(speed);
    else ignored.push(`ignored \`speed\`: ${speed} is not one of the speeds offered (steps per second: ${SPEEDS.join(', ')})`);
  }
  const axis = params.get('axis');
  if (axis !== null) {
    if (['steps', 'epochs', 'samples'].includes(axis)) ui.axis = axis;
    else ignored.push(`ignored \`axis\`: ${axis} is not steps, epochs or samples`);
  }
  ui.cloud = params.get('cloud') === '1';
  ui.embed = params.get('embed') === '1';
  ui.autoplay = params.get('play') === '1';
  ui.lesson = params.get('lesson');
  if (ui.lesson !== null && !lessonById(ui.lesson)) {
    ignored.push(`ignored \`lesson\`: “${ui.lesson}” is not a lesson (accepted: ${LESSONS.map((l) => l.id).join(', ')})`);
    ui.lesson = null;
  }
  ui.controls = (params.get('controls') ?? '').split(',').filter(Boolean);
  const unknown = ui.controls.filter((name) => !EMBED_PIECES.includes(name));
  if (unknown.length) ignored.push(`ignored in \`controls\`: ${unknown.join(', ')} (accepted: ${EMBED_PIECES.join(', ')})`);
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
  let lastChart = 0;
  let lastPush = 0;
  let surfaceDirty = true;
  /** True while a lesson is being opened, so the objective change does not close it. */
  let openingLesson = false;
  /**
   * True until the first heat map is on screen: draw() then paints the heat map alone, so the
   * page's first picture is not held back by the chart and panels (drawn a frame later).
   */
  let heatOnly = true;

  // Embedded, the page is laid out for its frame before anything is sized or drawn.
  if (ui.embed) setUpEmbed([...ui.controls, ...(lessonById(ui.lesson)?.shows ?? [])]);
  const canvases = { heat: $('heat'), trails: $('trails'), markers: $('markers'), chart: $('chart'), inset: $('inset'), network: $('network') };
  const catalogs = { surfaces: JSON.parse(surface_catalog()), optimizers: JSON.parse(optimizer_catalog()) };
  /** The scenario each view last showed, to come back to. */
  const remembered = { surface: null, network: null };
  const isNetwork = () => state.network === true;
  const labels = () => state.racers.map((_, i) => racerLabel(scenario, state, i));

  /** The page's whole state as a query string: the scenario, then the page's own settings. */
  function pageQuery({ embed = ui.embed } = {}) {
    const extra = new URLSearchParams();
    if (ui.speed !== DEFAULT_SPEED) extra.set('speed', String(ui.speed));
    if (ui.axis !== 'steps') extra.set('axis', ui.axis);
    if (ui.cloud) extra.set('cloud', '1');
    if (embed) {
      extra.set('embed', '1');
      if (ui.controls.length) extra.set('controls', ui.controls.join(','));
    }
    if (ui.lesson) extra.set('lesson', ui.lesson);
    if (ui.present) extra.set('present', '1');
    if (ui.lock.length) extra.set('lock', ui.lock.join(','));
    const tail = extra.toString().replace(/%2C/gi, ',');
    return `?${lab.query()}${tail ? `&${tail}` : ''}`;
  }

  /**
   * Records the state in the URL: `push` a new history entry (`true`: unless the last one was
   * pushed a moment ago, so quick edits make one entry; `'new'`: always), else a replacement. In
   * a frame every edit replaces, so the course page's Back button is not spent on the lab; in a
   * sandboxed frame with an opaque origin the URL cannot change at all, and nothing is lost.
   */
  function updateUrl(push) {
    const url = `${window.location.pathname}${pageQuery()}`;
    const now = performance.now();
    try {
      if (push && !FRAMED && (push === 'new' || now - lastPush > 600)) window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    } catch {
      // An opaque origin (sandbox without allow-same-origin) may not touch its history.
    }
    if (push) lastPush = now;
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
        const metrics = JSON.parse(lab.metrics_json(ui.selected));
        showConfusion(metrics);
        networkControls.showSparsity(metrics);
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
      showRacerStatus(state);
      if (isNetwork()) networkControls.showReadout(state, ui.selected);
      $('counter').textContent = counterText(state, ui.selected);
      $('status').textContent = statusText(state, player.playing);
      showExplain(JSON.parse(lab.explain_json(ui.selected)));
      showTheory(JSON.parse(lab.theory_json()), scenario, state);
      lastChart = now;
    }
  }

  /** "Tune learning rates": runs the core's tuner a slice per frame, then applies the best rates. */
  function setUpTuning() {
    const button = $('tune');
    const bar = $('tune-progress');
    let job = null;
    let budget = 2000;
    const stop = () => {
      job.free();
      job = null;
      bar.hidden = true;
      button.textContent = 'Tune learning rates';
    };
    const finish = () => {
      const results = JSON.parse(job.result_json());
      stop();
      const names = labels();
      const summary = [];
      edit((s) => {
        const racers = racersOf(s);
        for (const result of results) {
          const racer = racers[result.racer];
          if (racer && result.best_lr !== null) racer.optimizer.lr = result.best_lr;
          summary.push(`${names[result.racer] ?? result.optimizer}: ${result.best_lr === null ? 'every rate diverged' : `lr = ${rate(result.best_lr)}`}`);
        }
        s.optimizer = racers[0].optimizer;
        s.race = (s.race ?? []).map((r, i) => ({ ...r, optimizer: racers[i + 1].optimizer }));
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
        stop();
        return;
      }
      if (player.playing) player.setPlaying(false);
      try {
        job = lab.start_tuning();
      } catch (error) {
        notify([`Tune learning rates: ${error.message ?? error}`]);
        return;
      }
      bar.hidden = false;
      bar.value = 0;
      button.textContent = 'Stop tuning';
      requestAnimationFrame(slice);
    });
  }

  /** Locked mode: the controls a teacher named in `lock=` are shown but fixed. */
  const LOCKS = {
    lr: ['lr', 'lr-slider'], batch: ['batch', 'batch-slider', 'batch-all'], optimizer: ['optimizer'], momentum: ['momentum'],
    surface: ['surface', 'kappa', 'angle'], seed: ['seed'], schedule: ['schedule'], clip: ['clip'], sigma: ['sigma'],
    racers: ['add-racer', 'remove-racer'], dataset: ['dataset'], noise: ['net-noise'], layers: ['add-layer', 'remove-layer'],
    activation: ['activation'], loss: ['loss'], init: ['init'], l2: ['l2', 'linreg-l2'], steps: ['steps'], start: ['start-x', 'start-y'],
    l1: ['l1', 'linreg-l1'], patience: ['patience', 'restore-best'], gradcheck: ['check-gradients', 'gradcheck-step'],
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
    replace(next);
  }

  /** The index of the racer a refusal is about when it is its optimizer's kind (`null` else). */
  const racerRefused = (error) => {
    const match = /^(?:race\[(\d+)\]\.)?optimizer\.name$/.exec(error?.field ?? '');
    return match ? (match[1] === undefined ? 0 : Number(match[1]) + 1) : null;
  };

  /**
   * Tries a changed scenario; keeps the old one, and says why, when the core refuses it. When
   * the objective changes and a racer cannot run on the new one (Newton needs a Hessian), the
   * racer becomes Adam and the page says so, rather than refusing the whole change.
   */
  function edit(mutate, { push = true } = {}) {
    const next = structuredClone(scenario);
    mutate(next);
    const objectiveChanged = lab.objective_differs(JSON.stringify(next));
    const adapted = [];
    for (;;) {
      try {
        lab.load(JSON.stringify(next));
        break;
      } catch (error) {
        const index = objectiveChanged ? racerRefused(error) : null;
        if (index === null || adapted.length >= 8) {
          notify([refusalText(error, labels())], { refused: true });
          controls.show(scenario, state);
          return false;
        }
        const racers = racersOf(next);
        const entry = catalogs.optimizers.find((o) => o.name === 'adam');
        const title = catalogs.optimizers.find((o) => o.name === racers[index].optimizer.name)?.title ?? racers[index].optimizer.name;
        adapted.push(`Optimizer ${index + 1} (${title}) cannot run here (${error.reason ?? error.message}): it races as Adam instead.`);
        racers[index].optimizer = { name: entry.name, lr: entry.lr };
        next.optimizer = racers[0].optimizer;
        next.race = next.race?.map((r, i) => ({ ...r, optimizer: racers[i + 1].optimizer })) ?? [];
      }
    }
    notify(adapted);
    scenario = JSON.parse(lab.scenario_json());
    state = JSON.parse(lab.state_json());
    if (objectiveChanged) {
      surfaceDirty = true;
      // A lesson's text is about its own objective: it goes when the objective does.
      if (ui.lesson && !openingLesson) {
        ui.lesson = null;
        showLesson(null);
      }
    }
    controls.show(scenario, state);
    showView();
    updateUrl(push);
    stage.resize();
    draw(true);
    return true;
  }

  /** Replaces the whole scenario (a lesson, another view, an imported file, Back): a new entry. */
  function replace(next, { push = 'new' } = {}) {
    return edit((s) => { for (const key of Object.keys(s)) delete s[key]; Object.assign(s, structuredClone(next)); }, { push });
  }

  /** Opens a lesson in place: its scenario and page settings, its text, and Play. */
  function openLesson(lesson) {
    player.setPlaying(false);
    const probe = new Lab(lesson.query);
    const next = JSON.parse(probe.scenario_json());
    probe.free();
    const settings = readUi(new URLSearchParams(lesson.query), []);
    Object.assign(ui, { speed: settings.speed, axis: settings.axis, cloud: settings.cloud, selected: 0, lesson: lesson.id, batchForAll: true });
    openingLesson = true;
    replace(next);
    openingLesson = false;
    showLesson(lesson);
    player.showSpeed();
    player.setPlaying(true);
  }

  function closeLesson() {
    ui.lesson = null;
    showLesson(null);
    updateUrl(false);
  }

  const controls = createControls({
    catalogs,
    edit,
    notify,
    ui,
    onSelect: () => { controls.show(scenario, state); applyLocks(); draw(true); },
    onUiChange: () => { updateUrl(false); draw(true); },
  });
  /** Reads a number field; undefined (and a sentence shown) when the text is not accepted. */
  const numberFrom = (input, options) => {
    const { value, problem } = readField(input, options);
    if (problem === undefined) return value;
    notify([problem], { refused: true });
    controls.show(scenario, state);
    if (isNetwork()) networkControls.show(scenario, state);
    return undefined;
  };
  const networkControls = createNetworkControls({
    catalog: JSON.parse(dataset_catalog()),
    edit,
    numberFrom,
    gradientCheck: (h) => JSON.parse(lab.gradient_check_json(ui.selected, h)),
  });
  const player = createPlayer({
    lab,
    ui,
    draw,
    onPlaying: () => { $('status').textContent = statusText(state, player.playing); },
    onUiChange: () => updateUrl(false),
  });
  const stage = createStage({
    lab,
    ui,
    canvases,
    draw,
    markDirty: () => { surfaceDirty = true; },
    moveStart: (start, push) => edit((s) => { s.start = start; }, { push }),
    nameOf: (index) => labels()[index] ?? '',
  });
  /**
   * Opens or closes the digits lab (www/digits.js, loaded with its data the first time it
   * opens); the surface and network labs keep their state behind it.
   */
  let digitsOpen = false;
  function showDigits(open) {
    if (open === digitsOpen) return;
    digitsOpen = open;
    if (!$('digits-lab')) document.querySelector('main.lab').after($('digits-template').content.cloneNode(true));
    $('digits-lab').hidden = !open;
    document.querySelector('main.lab').hidden = open;
    $('lessons').hidden = open;
    if (open) {
      player.setPlaying(false);
      for (const id of ['tab-surface', 'tab-network']) $(id).setAttribute('aria-pressed', 'false');
      $('tab-digits').setAttribute('aria-pressed', 'true');
      try {
        if (!FRAMED) window.history.replaceState(null, '', `${window.location.pathname}?view=digits`);
      } catch {
        // An opaque origin may not touch its history.
      }
      import('./digits.js').then((digits) => digits.openDigits());
    } else {
      $('tab-digits').setAttribute('aria-pressed', 'false');
      import('./digits.js').then((digits) => digits.pauseDigits());
      showView();
      stage.resize();
      draw(true);
      updateUrl(false);
    }
  }
  $('tab-surface').addEventListener('click', () => { showDigits(false); switchView(false); });
  $('tab-network').addEventListener('click', () => { showDigits(false); switchView(true); });
  $('tab-digits').addEventListener('click', () => showDigits(true));

  window.addEventListener('popstate', () => {
    const params = new URLSearchParams(window.location.search);
    const next = new Lab(window.location.search);
    const settings = readUi(params, []);
    Object.assign(ui, { speed: settings.speed, axis: settings.axis, cloud: settings.cloud, lesson: settings.lesson });
    openingLesson = true;
    replace(JSON.parse(next.scenario_json()), { push: false });
    openingLesson = false;
    next.free();
    showLesson(lessonById(ui.lesson));
    player.showSpeed();
  });

  controls.show(scenario, state);
  showView();
  stage.resize();
  // The heat map is drawn; let it reach the screen (the next frame, then a task after it)
  // before the rest of the first draw and the remaining set-up.
  await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); });
  heatOnly = false;
  draw(true);
  if (new URLSearchParams(window.location.search).get('view') === 'digits') showDigits(true);
  else updateUrl(false);
  setUpSharing({
    lab,
    canvases,
    replace,
    pageQuery,
    notify,
    legendRows: () => state.racers.map((info, i) => ({ color: info.color, label: racerLabel(scenario, state, i), status: racerStatus(info) })),
  });
  if (ui.present) document.body.classList.add('present');
  setUpTuning();
  /** Pasted CSV replaces the generated data set; the core names the row and column it refuses. */
  const useCsv = (textarea, kind, label) => {
    let points;
    try {
      points = JSON.parse(csv_points($(textarea).value, kind()));
    } catch (error) {
      notify([`${label}: ${error.message ?? error}`]);
      return;
    }
    edit((s) => {
      delete s.objective.dataset;
      s.objective.points = points;
      // Labels beyond 0 and 1 are classes: one output each, softmax and cross-entropy.
      if (s.objective.kind === 'mlp') {
        if (s.objective.loss !== 'mse' && points.some((p) => p[2] > 1)) s.objective.loss = 'ce';
        networkControls.fitOutputs(s);
      }
      s.start = null;
      s.batch_size = null;
      for (const racer of s.race ?? []) delete racer.batch_size;
    });
  };
  $('use-csv').addEventListener('click', () => useCsv('csv', () => (scenario.objective.loss === 'mse' ? 'regression2d' : 'classification'), 'Your data (CSV)'));
  $('use-csv-linreg').addEventListener('click', () => useCsv('csv-linreg', () => 'regression1d', 'Your data (CSV)'));
  $('compute-landscape').addEventListener('click', () => {
    if (lab.compute_landscape(ui.selected)) lab.draw_landscape($('landscape'));
  });
  setUpLessons({ open: openLesson, close: closeLesson, embed: ui.embed });
  showLesson(lessonById(ui.lesson));
  const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  if (ui.autoplay && !reducedMotion) player.setPlaying(true);

  /** State the end-to-end tests read; not an API. */
  window.gdviz = {
    ready: true,
    lab,
    get scenario() { return scenario; },
    get state() { return JSON.parse(lab.state_json()); },
    get playing() { return player.playing; },
    get frames() { return player.frames; },
    get achieved() { return player.achieved; },
    get ui() { return { ...ui }; },
    get view() { return digitsOpen ? 'digits' : (isNetwork() ? 'network' : 'surface'); },
    get labels() { return labels(); },
  };
}

main().catch((error) => showError(`The lab could not start: ${error?.message ?? error}`));
