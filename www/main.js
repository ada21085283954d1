// The page's entry point: loads the wasm lab, keeps the scenario and the page's own settings, and
// wires the modules together — the panel (controls.js, network.js), the transport (player.js),
// the canvases (stage.js), the read-outs (panels.js, legend.js), lessons, sharing and embedding.
// The lab (Rust) owns every number; this module only moves edits in and pictures out.
import { LR_LADDER, createControls, startingOptimizer } from './controls.js';
import { $ } from './dom.js';
import { EMBED_PIECES, hostOrigin, setUpEmbed } from './embed.js';
import { num, rate } from './format.js';
import { CANVAS_FONTS, LANGUAGES, chooseLanguage, language, loadAllLanguages, offeredLanguage, onLanguageChange, setLanguage, t, translatePage } from './i18n.js';
import { racerLabel, racerStatus, racersOf, showRacerStatus } from './legend.js';
import { coreReady, labClassFor, loadFullModule, needsNetwork, openLab } from './labs.js';
import { LESSONS, lessonById, lessonLink, relabelLessons, setUpLessons, showLesson } from './lessons.js';
import { csvText, ignoredText, readField, reasonText, refusalText } from './messages.js';
import { counterText, showConfusion, showExplain, showTheory, statusText } from './panels.js';
import { DEFAULT_SPEED, SPEEDS, createPlayer } from './player.js';
import { shownCanvas } from './shown.js';
import { createStage } from './stage.js';
import { cameraText, markMeshDirty, readCamera, setUpView3d, showView3d } from './view3d.js';

/** Whether the person asked for reduced motion: then nothing plays until they press Play. */
const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

/** Whether the page is inside another page's frame (a course page's embed). */
const FRAMED = window.self !== window.top;

// The wasm (preloaded by index.html) compiles while the words below are fetched and filled in;
// main() awaits it and reports its failure (the catch only keeps it from counting as unhandled
// until then).
coreReady.catch(() => {});

// The page's words, in the language the URL asks for, else the browser's: filled before the
// lab loads, so even "Loading the lab…" is in the reader's language.
const REQUESTED_LANGUAGE = new URLSearchParams(window.location.search).get('lang');
await setLanguage(chooseLanguage(REQUESTED_LANGUAGE, navigator.languages ?? [navigator.language]));

const banner = $('error-banner');
function showError(message) {
  $('error-text').textContent = message;
  banner.hidden = false;
}
$('error-reset').addEventListener('click', () => { window.location.href = window.location.pathname; });
window.addEventListener('error', (event) => {
  // Chromium reports a benign ResizeObserver notice as an error event; it is not a fault.
  if (String(event.message).startsWith('ResizeObserver loop')) return;
  showError(t('main.wentWrong', { error: event.message }));
});
window.addEventListener('unhandledrejection', (event) => showError(t('main.wentWrong', { error: event.reason })));

/** The words the lab draws on its canvases (Lab::set_words), from the catalogue. */
function canvasWords() {
  const ids = ['iterations', 'epochs', 'samples', 'evaluations', 'loss', 'loss_minus_minimum', 'best', 'stopped', 'layer_norm', 'diverged', 'failed', 'slope', 'intercept'];
  return { font: CANVAS_FONTS, ...Object.fromEntries(ids.map((id) => [id, t(`chart.${id}`)])) };
}

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
 * The status line's sentence. The line is a live region: it is written only when the sentence
 * changes, so a screen reader hears each change once, not every frame's rewrite of it.
 */
function showStatus(text) {
  const line = $('status');
  if (line.textContent !== text) line.textContent = text;
}

/** The query the surface and network labs read: none of a link to the digits lab (its own). */
function surfaceQuery(search) {
  return new URLSearchParams(search).get('view') === 'digits' ? '' : search;
}

/** Locked mode: the controls a teacher named in `lock=` are shown but fixed. */
const LOCKS = {
  lr: ['lr', 'lr-slider'], batch: ['batch', 'batch-slider', 'batch-all'], optimizer: ['optimizer'], momentum: ['momentum'],
  surface: ['surface', 'kappa', 'angle'], seed: ['seed'], schedule: ['schedule'], clip: ['clip'], sigma: ['sigma'],
  racers: ['add-racer', 'remove-racer'], dataset: ['dataset'], noise: ['net-noise'], layers: ['add-layer', 'remove-layer'],
  activation: ['activation'], loss: ['loss'], init: ['init'], l2: ['l2', 'linreg-l2'], steps: ['steps'], start: ['start-x', 'start-y'],
  l1: ['l1', 'linreg-l1'], patience: ['patience', 'restore-best'], gradcheck: ['check-gradients', 'gradcheck-step'],
};

/**
 * The page's own settings (not the scenario), read from a URL query with their own checks; what
 * does not fit is named in `ignored`.
 */
function readUi(params, ignored) {
  const ui = { speed: DEFAULT_SPEED, axis: 'steps', cloud: false, curvature: false, selected: 0, batchForAll: true };
  const speed = params.get('speed');
  if (speed !== null) {
    if (SPEEDS.includes(Number(speed))) ui.speed = Number(speed);
    else ignored.push(t('main.ignored.speed', { speed, speeds: SPEEDS.join(', ') }));
  }
  const axis = params.get('axis');
  if (axis !== null) {
    if (['steps', 'epochs', 'samples'].includes(axis)) ui.axis = axis;
    else ignored.push(t('main.ignored.axis', { axis }));
  }
  // A switch is on with 1 (and off with 0, or left out): anything else is named, not guessed.
  const on = (key) => {
    const value = params.get(key);
    if (value !== null && value !== '0' && value !== '1') ignored.push(t('main.ignored.flag', { key, value }));
    return value === '1';
  };
  ui.cloud = on('cloud');
  ui.curvature = on('curv');
  ui.view3d = on('view3d');
  const cam = params.get('cam');
  ui.camera = readCamera(cam);
  if (ui.camera === null) {
    ignored.push(t('main.ignored.cam', { cam }));
    ui.camera = readCamera('');
  }
  ui.embed = on('embed');
  if (ui.embed && params.get('view') === 'digits') {
    // The embed layout is the surface and network labs'; over it the digits lab was unreadable.
    ignored.push(t('main.ignored.embedDigits'));
    ui.embed = false;
  }
  ui.autoplay = on('play');
  ui.lesson = params.get('lesson');
  if (ui.lesson !== null && !lessonById(ui.lesson)) {
    ignored.push(t('main.ignored.lesson', { lesson: ui.lesson, accepted: LESSONS.map((l) => l.id).join(', ') }));
    ui.lesson = null;
  }
  ui.controls = (params.get('controls') ?? '').split(',').filter(Boolean);
  const unknown = ui.controls.filter((name) => !EMBED_PIECES.includes(name));
  if (unknown.length) ignored.push(t('main.ignored.controls', { unknown: unknown.join(', '), accepted: EMBED_PIECES.join(', ') }));
  const lang = params.get('lang');
  ui.lang = lang === null ? null : offeredLanguage(lang);
  if (lang !== null && ui.lang === null) ignored.push(t('main.ignored.lang', { lang, accepted: Object.keys(LANGUAGES).join(', ') }));
  ui.present = on('present');
  ui.lock = (params.get('lock') ?? '').split(',').filter(Boolean);
  const unlockable = ui.lock.filter((name) => !Object.hasOwn(LOCKS, name));
  if (unlockable.length) ignored.push(t('main.ignored.lock', { unknown: unlockable.join(', '), accepted: Object.keys(LOCKS).join(', ') }));
  ui.lock = ui.lock.filter((name) => Object.hasOwn(LOCKS, name));
  ui.host = hostOrigin(params, ignored);
  return ui;
}

async function main() {
  // The catalogues and the reading of scenarios: the module the page starts with (labs.js).
  const { optimizer_catalog, scenario_json_of_query, surface_catalog } = await coreReady;
  const pageIgnored = [];
  const { search: link, ignored: otherLesson } = lessonLink(window.location.search, scenario_json_of_query);
  if (otherLesson) pageIgnored.push(t('main.ignored.lessonElsewhere', { lesson: otherLesson }));
  const ui = readUi(new URLSearchParams(link), pageIgnored);
  // A link to a network or to the 3-D view waits for the whole page's module too (labs.js).
  const labs = await openLab(surfaceQuery(link), { full: ui.view3d });
  const { lab } = labs;
  // The canvases' words before the first picture, which is then drawn in them once.
  lab.set_words(JSON.stringify(canvasWords()));
  notify([...JSON.parse(lab.ignored_json()).map(ignoredText), ...pageIgnored]);
  let scenario = JSON.parse(lab.scenario_json());
  let state = JSON.parse(lab.state_json());
  let lastPush = 0;
  let surfaceDirty = true;
  /** The embed API's hooks once a course page frames the lab (embed-api.js), else null. */
  let embedApi = null;
  /** True while a lesson is being opened, so the objective change does not close it. */
  let openingLesson = false;
  /**
   * True until the first heat map is on screen: draw() then paints the heat map alone, and only
   * a draft of it (Lab::draw_surface_draft), so the page's first picture is not held back by the
   * chart and panels, nor by the full heat map's cold first run (all drawn a frame later).
   */
  let heatOnly = true;
  /** The tuner's button, once set up (it words itself again after a language switch). */
  let tuning = null;
  /**
   * The read-outs beside the picture, their modules fetched once the first heat map is on screen
   * (as sharing and recording are), each skipped until then: `narrator` tells a screen reader how
   * the race goes (narrate.js), `challenge` shows the goal a lesson or link sets and who meets it
   * (challenge.js), `showCurvature` the curvature read-out (curvature.js), `slice` the last step
   * in one dimension (slice.js).
   */
  const readouts = { narrator: null, challenge: null, showCurvature: null, slice: null };

  // Embedded, the page is laid out for its frame before anything is sized or drawn.
  if (ui.embed) setUpEmbed([...ui.controls, ...(lessonById(ui.lesson)?.shows ?? [])]);
  const canvases = { boundary: $('boundary'), heat: $('heat'), trails: $('trails'), markers: $('markers'), surface3d: $('surface3d'), paths3d: $('paths3d'), chart: $('chart'), inset: $('inset'), network: $('network') };
  /** The pictures drawn now and then, each drawn off the page and shown through a bitmap (shown.js). */
  const pictures = {
    heat: shownCanvas(canvases.heat),
    chart: shownCanvas(canvases.chart),
    inset: shownCanvas(canvases.inset),
    network: shownCanvas(canvases.network),
    layerNorms: shownCanvas($('layer-norms')),
    landscape: shownCanvas($('landscape')),
  };
  const catalogs = { surfaces: JSON.parse(surface_catalog()), optimizers: JSON.parse(optimizer_catalog()) };
  /** The scenario each view last showed, to come back to. */
  const remembered = { surface: null, network: null };
  const isNetwork = () => state.network === true;
  const labels = () => state.racers.map((_, i) => racerLabel(scenario, state, i));

  /** Whether the digits lab is open (showDigits below). */
  let digitsOpen = false;
  /** www/digits.js, once imported (it gives the digits lab's settings as a query). */
  let digitsModule = null;

  /** The page's whole state as a query string: the scenario, then the page's own settings. */
  function pageQuery({ embed = ui.embed } = {}) {
    const extra = new URLSearchParams();
    if (ui.speed !== DEFAULT_SPEED) extra.set('speed', String(ui.speed));
    if (ui.axis !== 'steps') extra.set('axis', ui.axis);
    if (ui.cloud) extra.set('cloud', '1');
    if (ui.curvature) extra.set('curv', '1');
    if (ui.view3d) extra.set('view3d', '1');
    const camera = cameraText(ui.camera);
    if (camera) extra.set('cam', camera);
    if (embed) {
      extra.set('embed', '1');
      if (ui.controls.length) extra.set('controls', ui.controls.join(','));
    }
    if (ui.lesson) extra.set('lesson', ui.lesson);
    if (ui.present) extra.set('present', '1');
    if (ui.lock.length) extra.set('lock', ui.lock.join(','));
    if (ui.lang) extra.set('lang', ui.lang);
    if (embed && ui.host) extra.set('host', ui.host);
    const tail = extra.toString().replace(/%2C/gi, ',');
    const query = digitsOpen ? (digitsModule?.digitsQuery() ?? 'view=digits') : lab.query();
    return `?${query}${tail ? `&${tail}` : ''}`;
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

  /**
   * The parts of the lab redrawn while a run plays, each with the least time (ms) between two of
   * its redraws (`every`) and how it is drawn. The decision boundary is the animation; the loss
   * chart, the network diagram and the read-outs are read rather than watched, so a few times a
   * second is enough. A frame redraws at most one part (the one longest overdue), so that no
   * frame pays for two; a part is small enough that its frame stays within a few milliseconds.
   *
   * `share`: a read-out is redrawn at most once per this many times what it last took, so that
   * on a slow device (or with a network, whose last-step slice evaluates the loss ~140 times)
   * the read-outs take at most a fiftieth of a playing run's time and few of its frames: at full
   * speed on a laptop this leaves `every` as it is; on a phone's CPU the chart and read-outs
   * refresh about once a second while the paths stay smooth (`readout`: every 250 ms, share 50).
   * The boundary keeps its pace.
   */
  const readout = (draw) => ({ every: 250, share: 50, draw });
  const PARTS = {
    // While playing, on the coarser grid; the picture a run stops on is drawn in full (draw(true)).
    boundary: { every: 50, share: 0, draw: () => lab.redraw_boundary(canvases.boundary, ui.selected, true) },
    chart: readout(() => {
      pictures.chart.paint((canvas) => lab.draw_chart(canvas, ui.axis));
      if (!canvases.inset.hidden) pictures.inset.paint((canvas) => lab.draw_inset(canvas));
    }),
    network: readout(() => {
      pictures.network.paint((canvas) => lab.draw_network(canvas, ui.selected));
      const metrics = JSON.parse(lab.metrics_json(ui.selected));
      showConfusion(metrics);
      networkControls.showSparsity(metrics);
    }),
    norms: readout(() => pictures.layerNorms.paint((canvas) => lab.draw_layer_norms(canvas, ui.selected))),
    panels: readout(() => {
      state = JSON.parse(lab.state_json());
      showRacerStatus(state);
      readouts.narrator?.update(state, labels(), player.playing);
      readouts.challenge?.show(state, labels());
      if (isNetwork()) networkControls.showReadout(state, ui.selected);
      $('counter').textContent = counterText(state, ui.selected);
      showStatus(statusText(scenario, state, player.playing));
    }),
    // The read-outs that explain the last step, and the loss along it (with a network, the loss
    // on every sample at ~140 points): parts of their own, so that no frame pays for them and
    // another part together.
    details: readout(() => {
      showExplain(JSON.parse(lab.explain_json(ui.selected)));
      showTheory(JSON.parse(lab.theory_json()), scenario, state);
      readouts.showCurvature?.({ state, selected: ui.selected, shown: ui.curvature, name: labels()[ui.selected] ?? '', ladder: LR_LADDER, flat: !ui.view3d });
    }),
    slice: readout(() => readouts.slice?.showLastStep((index) => JSON.parse(lab.line_search_json(ui.selected, index ?? undefined)), JSON.parse(lab.step_slice_json(ui.selected)))),
  };
  /** Each part's last redraw: when (performance.now()), what it took (ms), and whether the run has moved since. */
  const redrawn = Object.fromEntries(Object.keys(PARTS).map((part) => [part, { at: 0, took: 0, stale: false }]));
  /** Draws `part` now and notes when, and what it took. */
  function redrawPart(part) {
    const started = performance.now();
    PARTS[part].draw();
    redrawn[part] = { at: started, took: performance.now() - started, stale: false };
  }
  const NETWORK_PARTS = ['boundary', 'chart', 'network', 'norms', 'panels', 'details', 'slice'];
  /**
   * A part overdue by this much (ms) is drawn even in a frame whose picture was a frame's worth of
   * work, so that turning the 3-D view (a mesh every frame) does not hold the read-outs back.
   */
  const BUSY_FRAME_WAIT_MS = 1000;
  /** The batch-noise cloud is sampled afresh at most this often (ms) while playing. */
  const CLOUD_MS = 50;
  let cloudAt = 0;
  const SURFACE_PARTS = ['chart', 'panels', 'details', 'slice'];

  /** Lays the decision boundary's picture under the heat map's plotting area (Lab::plot_area). */
  function placeBoundary() {
    const [left, top, width, height] = lab.plot_area();
    if (width === undefined) return;
    const dpr = window.devicePixelRatio || 1;
    Object.assign(canvases.boundary.style, { left: `${left / dpr}px`, top: `${top / dpr}px`, width: `${width / dpr}px`, height: `${height / dpr}px` });
  }

  /**
   * The picture itself: the heat map (the surface, or the decision boundary and its data), and
   * in the surface lab the paths, markers and 3-D view. `all`: everything; else a frame of a run
   * that `moved` or not. Returns whether it did a frame's worth of work (sampled the noise cloud
   * afresh, or drew the 3-D view's mesh): that frame draws no other part unless one is long
   * overdue (BUSY_FRAME_WAIT_MS).
   */
  function drawPicture(all, moved) {
    if (isNetwork()) {
      // Axes and data points again only when the data or the canvas changed.
      if (surfaceDirty || heatOnly) {
        pictures.heat.paint((canvas) => lab.draw_boundary(canvas, canvases.boundary, ui.selected));
        placeBoundary();
      } else if (all) {
        lab.redraw_boundary(canvases.boundary, ui.selected, false);
      }
      if (heatOnly) return false;
      if (surfaceDirty) {
        for (const canvas of [canvases.trails, canvases.markers]) canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
        surfaceDirty = false;
      }
      return false;
    }
    let sampled = false;
    if (surfaceDirty) {
      pictures.heat.paint((canvas) => (heatOnly ? lab.draw_surface_draft(canvas) : lab.draw_surface(canvas)));
      markMeshDirty();
      // A draft is drawn again in full with the rest of the picture.
      surfaceDirty = heatOnly;
    }
    if (heatOnly) return false;
    // The 3-D view covers the plane's canvases: they catch up when it is turned off.
    if ((all || moved) && !ui.view3d) {
      lab.draw_trails(canvases.trails);
      const now = performance.now();
      const freshCloud = all || now - cloudAt >= CLOUD_MS;
      lab.draw_markers(canvases.markers, ui.cloud, ui.selected, freshCloud, ui.curvature);
      if (freshCloud) cloudAt = now;
      sampled = ui.cloud && freshCloud;
    }
    const drewMesh = (all || moved) && showView3d({ lab, ui, network: false, ready: labs.hasFull() });
    return sampled || drewMesh;
  }

  /**
   * The parts still to be drawn after the scenario was replaced (a lesson, the other view,
   * imported data or a file), one per animation frame: the picture first, so that it changes at
   * once, then the chart and the read-outs, so that no task pays for them all. Empty otherwise.
   */
  let inTurn = [];
  /** The time of the frame that drew the picture in turn last (requestAnimationFrame's). */
  let pictureFrame = null;
  /** Draws everything part by part from the next frame on (again from the start if under way). */
  function drawInTurn() {
    if (inTurn.length === 0) requestAnimationFrame(drawNextPart);
    inTurn = ['picture', ...(isNetwork() ? NETWORK_PARTS : SURFACE_PARTS).filter((part) => part !== 'boundary')];
  }
  function drawNextPart(now) {
    const part = inTurn.shift();
    if (part === 'picture') {
      drawPicture(true);
      pictureFrame = now;
    } else {
      redrawPart(part);
    }
    if (inTurn.length) requestAnimationFrame(drawNextPart);
  }

  /**
   * Shows the lab. `all`: everything, now (an edit, Step, Pause, the end of a run). Otherwise a
   * frame of a run that `moved` (took steps) or not: the surface lab's paths and markers, and at
   * most one overdue part of PARTS (in a frame whose picture was a frame's worth of work, only
   * one overdue by BUSY_FRAME_WAIT_MS). While the parts are drawn in turn (drawInTurn), `all`
   * starts them again and a frame of a run draws only the picture, once it has been drawn.
   */
  function draw(all, moved = true) {
    if (inTurn.length) {
      if (all) drawInTurn();
      else if (!inTurn.includes('picture')) drawPicture(false, moved);
      return;
    }
    const busy = drawPicture(all, moved);
    if (heatOnly) return;
    const parts = isNetwork() ? NETWORK_PARTS : SURFACE_PARTS;
    const now = performance.now();
    if (all) {
      for (const part of parts) {
        if (part !== 'boundary') PARTS[part].draw();
        redrawn[part].at = now;
        redrawn[part].stale = false;
      }
      return;
    }
    let due = null;
    let overdue = 0;
    for (const part of parts) {
      const last = redrawn[part];
      if (moved) last.stale = true;
      const late = now - last.at - Math.max(PARTS[part].every, PARTS[part].share * last.took);
      if (last.stale && late >= (busy ? BUSY_FRAME_WAIT_MS : 0) && (due === null || late > overdue)) {
        due = part;
        overdue = late;
      }
    }
    if (due !== null) redrawPart(due);
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
      button.textContent = t('page.tune');
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
          summary.push(`${names[result.racer] ?? result.optimizer}: ${result.best_lr === null ? t('main.tune.allDiverged') : `lr = ${rate(result.best_lr)}`}`);
        }
        s.optimizer = racers[0].optimizer;
        s.race = (s.race ?? []).map((r, i) => ({ ...r, optimizer: racers[i + 1].optimizer }));
      });
      showStatus(t('main.tune.done', { summary: summary.join(t('panels.listSeparator')) }));
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
    let starting = false;
    button.addEventListener('click', async () => {
      if (job) {
        stop();
        return;
      }
      if (starting) return;
      if (player.playing) player.setPlaying(false);
      // The tuner is in the whole page's module, fetched the first time it is asked for.
      starting = true;
      const ready = await useFullModule(button);
      starting = false;
      if (!ready) return;
      draw(true);
      try {
        job = lab.start_tuning();
      } catch (error) {
        notify([t('messages.labelled', { label: t('page.tune'), text: refusalText(error, labels()) })]);
        return;
      }
      bar.hidden = false;
      bar.value = 0;
      button.textContent = t('main.tune.stop');
      requestAnimationFrame(slice);
    });
    return {
      /** Words the button again (the page's words put "Tune learning rates" back on a switch). */
      relabel() { if (job) button.textContent = t('main.tune.stop'); },
    };
  }

  /**
   * "Compute landscape": the core computes it a few rows per frame (as many as fit in a few
   * milliseconds), with a progress bar, then it is drawn. A click while it runs starts it again.
   */
  function setUpLandscape() {
    const bar = $('landscape-progress');
    let rows = 1;
    let running = false;
    /** The losses at the colour scale's two ends, from the last drawing (none before one). */
    let scale = [];
    const showScale = () => {
      $('landscape-scale').textContent = scale.length === 2 ? t('landscape.scale', { low: num(scale[0]), high: num(scale[1]) }) : '';
    };
    onLanguageChange(showScale);
    const slice = () => {
      const started = performance.now();
      const done = lab.continue_landscape(rows);
      const spent = performance.now() - started;
      rows = spent > 6 ? Math.max(1, Math.floor(rows / 2)) : Math.min(64, rows * 2);
      bar.value = done;
      if (done < 1) {
        requestAnimationFrame(slice);
        return;
      }
      running = false;
      bar.hidden = true;
      pictures.landscape.paint((canvas) => { scale = lab.draw_landscape(canvas); });
      showScale();
    };
    $('compute-landscape').addEventListener('click', () => {
      if (!lab.start_landscape(ui.selected) || running) return;
      running = true;
      bar.hidden = false;
      bar.value = 0;
      requestAnimationFrame(slice);
    });
  }

  function applyLocks() {
    for (const name of ui.lock) {
      // The named controls, and those built per layer, which carry the lock's name.
      const fixed = [...(LOCKS[name] ?? []).map($), ...document.querySelectorAll(`[data-lock="${name}"]`)];
      for (const element of fixed) {
        if (!element) continue;
        element.disabled = true;
        element.title = t('main.locked');
      }
    }
  }

  /** Every control shows the scenario as the lab holds it (after a refusal, the refused value goes). */
  function showControls() {
    controls.show(scenario, state);
    if (isNetwork()) networkControls.show(scenario, state);
  }

  /** Shows the controls of the current view and marks its tab. */
  function showView() {
    const network = isNetwork();
    for (const element of document.querySelectorAll('.network-only')) element.hidden = !network;
    for (const element of document.querySelectorAll('.surface-only')) element.hidden = network;
    // With the digits lab open (a language switch words the page again), its tab stays marked.
    const digits = $('digits-lab')?.hidden === false;
    $('tab-surface').setAttribute('aria-pressed', String(!network && !digits));
    $('tab-network').setAttribute('aria-pressed', String(network && !digits));
    $('stack').classList.toggle('network-view', network);
    showView3d({ lab, ui, network, ready: labs.hasFull() });
    // A network's faint curve is its test loss: none without test points (your own data has none).
    $('chart-title').textContent = t(network ? (state.test_count > 0 ? 'main.chartTitleNetwork' : 'main.chartTitleNetworkTrain') : 'page.chartTitle');
    if (network) networkControls.show(scenario, state);
    applyLocks();
  }

  /**
   * The whole page's module (and whatever `alongside` sets up), fetched the first time while the
   * control that asked for it (`asker`) and the status line say so; null, with a sentence, when
   * it cannot be fetched (offline, say).
   */
  async function fetchFullModule(asker, alongside = async () => {}) {
    asker.setAttribute('aria-busy', 'true');
    showStatus(t('main.loadingFull'));
    try {
      await alongside();
      return await loadFullModule();
    } catch {
      notify([t('main.fullNotLoaded')]);
      return null;
    } finally {
      asker.removeAttribute('aria-busy');
      showStatus(statusText(scenario, state, player.playing));
    }
  }

  /** Steps a task when a run is taken again in the whole page's module (useFullModule). */
  const REPLAY_SLICE = 20000;

  /**
   * Makes the page's lab the whole page's module's (the network lab, the 3-D view, the tuner),
   * on the scenario it has and its run so far: fetched the first time, while the control that
   * asked for it (`asker`) and the status line say so. Resolves to false, with a sentence, when
   * the module cannot be fetched (offline, say).
   */
  async function useFullModule(asker = $('tab-network')) {
    if (labs.hasFull()) return true;
    const full = await fetchFullModule(asker, setUpNetworkControls);
    if (!full) return false;
    if (labs.hasFull()) return true;
    const { Lab } = full;
    const next = new Lab('');
    next.set_words(JSON.stringify(canvasWords()));
    next.load(lab.scenario_json());
    // The run so far is taken again in the new module, so turning on the 3-D view keeps a race
    // (the lab is deterministic: the same scenario and steps give the same run), a slice a task
    // so that no task is long, until it has caught up with the old one (which may be playing).
    const stepOf = (l) => Math.max(0, ...JSON.parse(l.state_json()).racers.map((r) => r.step));
    for (let behind = stepOf(lab); behind > 0; behind = stepOf(lab) - stepOf(next)) {
      if (next.advance(Math.min(REPLAY_SLICE, behind)) === 0) break;
      await new Promise((resolve) => { setTimeout(resolve, 0); });
    }
    if (labs.hasFull()) {
      next.free();
      return true;
    }
    labs.swapToFull(next);
    // The new lab has drawn nothing yet: the caller's next drawing draws it all.
    stage.rescale();
    surfaceDirty = true;
    markMeshDirty();
    return true;
  }

  /** The last view asked for by the tabs (a click may come while the whole page's module loads). */
  let viewAsked = null;
  /** Switches between the surface and the network lab, remembering each one's scenario. */
  async function switchView(toNetwork) {
    viewAsked = toNetwork;
    if (toNetwork === isNetwork()) return;
    if (toNetwork && !(await useFullModule())) return;
    if (viewAsked !== toNetwork || toNetwork === isNetwork()) return;
    const defaultJson = toNetwork ? (await loadFullModule()).Lab.network_default_json() : scenario_json_of_query('');
    remembered[isNetwork() ? 'network' : 'surface'] = scenario;
    const next = remembered[toNetwork ? 'network' : 'surface'] ?? JSON.parse(defaultJson);
    ui.selected = 0;
    await replace(next);
  }

  /** The index of the racer a refusal is about when it is its optimizer's kind (`null` else). */
  const racerRefused = (error) => {
    const match = /^(?:race\[(\d+)\]\.)?optimizer\.name$/.exec(error?.field ?? '');
    return match ? (match[1] === undefined ? 0 : Number(match[1]) + 1) : null;
  };

  /**
   * Tries a changed scenario; keeps the old one, and says why, when the core refuses it. When
   * the objective changes and a racer cannot run on the new one (Newton needs a Hessian), the
   * racer becomes Adam and the page says so, rather than refusing the whole change. `partByPart`:
   * the picture and the read-outs are drawn part by part on the next frames (drawInTurn), not
   * all in this task; `newObjective`: the caller knows the objective changes (new data), so it
   * is not compared; `source`: the label of where the whole scenario came from (Import JSON),
   * which a refusal names first; `field`: the scenario path of the control the person changed,
   * which a refusal it caused at another field names (a test fraction of 0 under early stopping).
   */
  function edit(mutate, { push = true, partByPart = false, newObjective = false, source = null, field = null } = {}) {
    const next = structuredClone(scenario);
    mutate(next);
    const text = JSON.stringify(next);
    const objectiveChanged = newObjective || lab.objective_differs(text);
    const adapted = [];
    for (;;) {
      try {
        lab.load(adapted.length ? JSON.stringify(next) : text);
        break;
      } catch (error) {
        const index = objectiveChanged ? racerRefused(error) : null;
        if (index === null || adapted.length >= 8) {
          const text = refusalText(error, labels(), field);
          notify([source === null ? text : t('messages.labelled', { label: source, text })], { refused: source === null });
          showControls();
          return false;
        }
        const racers = racersOf(next);
        const entry = catalogs.optimizers.find((o) => o.name === 'adam');
        const title = catalogs.optimizers.find((o) => o.name === racers[index].optimizer.name)?.title ?? racers[index].optimizer.name;
        adapted.push(t('main.racesAsAdam', { number: index + 1, title, reason: reasonText(error) }));
        racers[index].optimizer = startingOptimizer(entry);
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
    if (partByPart) drawInTurn();
    // A change of size redraws everything itself.
    if (!stage.resize()) draw(true);
    embedApi?.edited();
    return true;
  }

  /**
   * Replaces the whole scenario (a lesson, another view, an imported file, Back): a new entry.
   * The new picture and read-outs are drawn part by part on the next frames. Resolves to whether
   * the lab took it: at once, or for a network or the 3-D view the first time, once the whole
   * page's module is in. `source`: as `edit`'s.
   */
  async function replace(next, { push = 'new', source = null } = {}) {
    if ((needsNetwork(next) || ui.view3d) && !(await useFullModule())) return false;
    return edit((s) => { for (const key of Object.keys(s)) delete s[key]; Object.assign(s, structuredClone(next)); }, { push, partByPart: true, source });
  }

  /**
   * Words everything the scripts wrote in the current language again (after a switch); `redraw`:
   * the canvases too (not needed at start, when their words were set before they were drawn).
   */
  function relabel({ redraw = true } = {}) {
    $('language').value = language();
    lab.set_words(JSON.stringify(canvasWords()));
    // Lists built once per set of keys (hyper-parameters, layers, schedule fields) are rebuilt.
    for (const element of document.querySelectorAll('[data-keys]')) delete element.dataset.keys;
    controls.show(scenario, state);
    showView();
    showLesson(lessonById(ui.lesson));
    relabelLessons();
    player.relabel();
    tuning?.relabel();
    readouts.narrator?.relabel();
    if (redraw) {
      surfaceDirty = true;
      if (!heatOnly) draw(true);
    }
    showStatus(statusText(scenario, state, player.playing));
  }

  /** Opens a lesson in place: its scenario and page settings, its text, and Play. */
  async function openLesson(lesson) {
    // The old picture is not drawn again on Pause: the lesson's is drawn in turn.
    drawInTurn();
    player.setPlaying(false);
    // A lesson's query is tested to build: it is read, and built once, by replace().
    const next = JSON.parse(scenario_json_of_query(lesson.query));
    const settings = readUi(new URLSearchParams(lesson.query), []);
    Object.assign(ui, { speed: settings.speed, axis: settings.axis, cloud: settings.cloud, curvature: settings.curvature, view3d: settings.view3d, camera: settings.camera, selected: 0, lesson: lesson.id, batchForAll: true });
    openingLesson = true;
    await replace(next);
    openingLesson = false;
    showLesson(lesson);
    player.showSpeed();
    // With reduced motion asked for, a lesson waits for Play.
    if (!reducedMotion()) player.setPlaying(true);
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
    showControls();
    return undefined;
  };
  /**
   * The network lab's controls (www/network.js), wired when the whole page's module, which has
   * their data sets, is in (the two are fetched side by side).
   */
  let networkControls = null;
  async function setUpNetworkControls() {
    const [full, { createNetworkControls }] = await Promise.all([loadFullModule(), import('./network.js')]);
    networkControls ??= createNetworkControls({
      catalog: JSON.parse(full.dataset_catalog()),
      edit,
      numberFrom,
      gradientCheck: (h) => JSON.parse(lab.gradient_check_json(ui.selected, h)),
    });
  }
  const player = createPlayer({
    lab,
    ui,
    draw,
    onPlaying: () => { showStatus(statusText(scenario, state, player.playing)); },
    onUiChange: () => updateUrl(false),
    onAdvanced: () => embedApi?.advanced(),
    // A run that starts with a new picture (a lesson) takes its first steps after it is drawn.
    drawing: (now) => inTurn.includes('picture') || now === pictureFrame,
    // The digits lab, when open, takes the keys through its own buttons.
    onScreen: () => (digitsOpen ? { toggle: () => $('digits-play').click(), step: () => $('digits-step').click(), reset: () => $('digits-reset').click() } : null),
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
  setUpView3d({
    ui,
    // While a run plays, its next frame draws the view with the new camera (and is timed so).
    redraw: () => { if (!player.playing) showView3d({ lab, ui, network: isNetwork(), ready: labs.hasFull() }); },
    onUiChange: () => {
      updateUrl(false);
      // The 3-D view is drawn by the whole page's module, fetched when the view is first turned on.
      if (ui.view3d && !labs.hasFull()) {
        useFullModule($('view3d')).then((ready) => {
          if (!ready) ui.view3d = false;
          updateUrl(false);
          draw(true);
        });
      } else draw(true);
    },
  });
  /**
   * Opens or closes the digits lab (www/digits.js, loaded with its data the first time it
   * opens); the surface and network labs keep their state behind it.
   */
  function showDigits(open) {
    if (open === digitsOpen) return;
    digitsOpen = open;
    if (!$('digits-lab')) {
      document.querySelector('main').after($('digits-template').content.cloneNode(true));
      translatePage($('digits-lab'));
    }
    $('digits-lab').hidden = !open;
    document.querySelector('main').hidden = open;
    $('lessons').hidden = open;
    if (open) {
      player.setPlaying(false);
      for (const id of ['tab-surface', 'tab-network']) $(id).setAttribute('aria-pressed', 'false');
      $('tab-digits').setAttribute('aria-pressed', 'true');
      // A link to the digits lab carries its settings; they are read when it first opens.
      const link = new URLSearchParams(window.location.search).get('view') === 'digits' ? window.location.search : '';
      import('./digits.js').then((digits) => {
        digitsModule = digits;
        digits.openDigits(link, () => updateUrl(false));
      });
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

  window.addEventListener('popstate', async () => {
    const params = new URLSearchParams(window.location.search);
    const next = JSON.parse(scenario_json_of_query(surfaceQuery(window.location.search)));
    const settings = readUi(params, []);
    Object.assign(ui, { speed: settings.speed, axis: settings.axis, cloud: settings.cloud, curvature: settings.curvature, view3d: settings.view3d, camera: settings.camera, lesson: settings.lesson });
    openingLesson = true;
    await replace(next, { push: false });
    openingLesson = false;
    showLesson(lessonById(ui.lesson));
    player.showSpeed();
  });

  // A link to a network opens on the network lab: its controls first.
  if (labs.hasFull()) await setUpNetworkControls();
  controls.show(scenario, state);
  showView();
  stage.resize();
  // The heat map's draft is drawn; let it reach the screen (the next frame, then a task after
  // it), and draw the rest of the first screen for the frame after: the heat map in full, the
  // chart and the read-outs. (The controls' values are filled before the first layout that
  // needs them: a <select> whose options change after it is laid out may keep its old width.)
  await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(() => requestAnimationFrame(resolve), 0)); });
  heatOnly = false;
  draw(true);
  if (new URLSearchParams(window.location.search).get('view') === 'digits') showDigits(true);
  else updateUrl(false);
  /** The legend under an exported picture or video: each racer's colour, label and standing. */
  const legendRows = () => state.racers.map((info, i) => ({ color: info.color, label: racerLabel(scenario, state, i), status: racerStatus(info) }));
  // Sharing, recording and the read-outs beside the picture are wired after the first heat map,
  // their modules fetched only then; the read-outs are drawn as soon as they are in.
  const [{ setUpSharing }, { setUpRecording }, { createNarrator }, { createChallenge }, { showCurvature }, slice] = await Promise.all(
    [import('./share.js'), import('./record.js'), import('./narrate.js'), import('./challenge.js'), import('./curvature.js'), import('./slice.js')],
  );
  readouts.narrator = createNarrator();
  readouts.challenge = createChallenge({
    attemptUrl: () => `${window.location.origin}${window.location.pathname}${pageQuery({ embed: false })}&play=1`,
  });
  readouts.showCurvature = showCurvature;
  readouts.slice = slice;
  slice.setUpSearchNav();
  draw(true);
  setUpSharing({
    lab,
    canvases,
    replace,
    pageQuery,
    legendRows,
    digitsOpen: () => digitsOpen,
  });
  setUpRecording({
    canvases,
    player,
    legendRows,
    tell: (sentence) => { $('record-note').textContent = sentence; },
  });
  if (ui.present) document.body.classList.add('present');
  tuning = setUpTuning();
  /**
   * Pasted CSV replaces the generated data set; the core names the row and column it refuses.
   * The CSV reader is the whole page's module's (the first screen has no pasted data).
   */
  const useCsv = async (button, textarea, kind, label) => {
    const full = await fetchFullModule($(button));
    if (!full) return;
    let points;
    try {
      points = JSON.parse(full.csv_points($(textarea).value, kind()));
    } catch (error) {
      // The text box is marked as refused, and typing into it takes the sentence away.
      notify([t('messages.labelled', { label, text: csvText(error) })], { refused: true });
      return;
    }
    // Thousands of rows: read here, loaded in a task of their own, then drawn part by part, so
    // that no one task does it all.
    setTimeout(() => edit((s) => {
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
    }, { partByPart: true, newObjective: true, field: 'objective.points' }), 0);
  };
  $('use-csv').addEventListener('click', () => useCsv('use-csv', 'csv', () => (scenario.objective.loss === 'mse' ? 'regression2d' : 'classification'), t('page.yourDataCsv')));
  $('use-csv-linreg').addEventListener('click', () => useCsv('use-csv-linreg', 'csv-linreg', () => 'regression1d', t('page.yourDataCsv')));
  setUpLandscape();
  setUpLessons({ open: openLesson, close: closeLesson, embed: ui.embed, language: () => ui.lang });
  showLesson(lessonById(ui.lesson));
  if (ui.autoplay && !reducedMotion()) player.setPlaying(true);

  /**
   * The language menu: a switch re-words every visible string — the marked HTML, the controls,
   * the legend, the lesson, the read-outs and the canvases — and keeps the run where it is.
   */
  const menu = $('language');
  for (const [code, { name }] of Object.entries(LANGUAGES)) menu.append(new Option(name, code));
  menu.value = language();
  menu.addEventListener('change', async () => {
    ui.lang = menu.value;
    await setLanguage(menu.value);
    updateUrl(false);
  });
  // A notice is worded in the language it was shown in: a switch takes it away (with the mark on
  // the control it refused) rather than leave a sentence in the other language.
  onLanguageChange(() => {
    notify([]);
    relabel();
  });
  relabel({ redraw: false });
  // The other languages' words, fetched once the lab has started, so a switch is immediate.
  setTimeout(() => { loadAllLanguages().catch(() => {}); }, 0);

  /** State the end-to-end tests read; not an API. */
  window.gdviz = {
    ready: true,
    lab,
    get scenario() { return scenario; },
    get state() { return JSON.parse(lab.state_json()); },
    get playing() { return player.playing; },
    /** Whether parts of the lab are still being drawn in turn (drawInTurn), after a replace. */
    get drawingInTurn() { return inTurn.length > 0; },
    get frames() { return player.frames; },
    frameTimes: (from) => player.frameTimes(from),
    get achieved() { return player.achieved; },
    get ui() { return { ...ui }; },
    get view() { return digitsOpen ? 'digits' : (isNetwork() ? 'network' : 'surface'); },
    get labels() { return labels(); },
  };
  if (FRAMED) {
    // The embed API's code only in a frame, where a course page may speak to it.
    const { setUpEmbedApi } = await import('./embed-api.js');
    embedApi = setUpEmbedApi({
      lab,
      player,
      replace,
      edit,
      host: ui.host,
      optimizers: catalogs.optimizers.map((entry) => entry.name),
      notice: () => $('notice').textContent,
      summary: () => {
        const now = JSON.parse(lab.state_json());
        return now.racers.map((racer, index) => ({
          label: racerLabel(scenario, now, index),
          optimizer: racersOf(scenario)[index]?.optimizer.name ?? racer.title,
          step: racer.step,
          epoch: racer.epoch,
          samples: racer.samples,
          loss: racer.loss,
          status: racer.status,
          message: racer.message ?? null,
        }));
      },
      setSpeed: (speed) => {
        ui.speed = SPEEDS.reduce((best, offered) => (Math.abs(offered - speed) < Math.abs(best - speed) ? offered : best));
        player.showSpeed();
        updateUrl(false);
      },
      readQuery: async (query) => {
        const probe = new (await labClassFor(query))(query);
        // The embed protocol's words are English, for course-page authors (docs/embed.md).
        const read = { scenario: JSON.parse(probe.scenario_json()), ignored: JSON.parse(probe.ignored_json()).map((entry) => entry.sentence) };
        probe.free();
        return read;
      },
    });
  }
}

main().catch((error) => showError(t('main.couldNotStart', { error: error?.message ?? error })));
