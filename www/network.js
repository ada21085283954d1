// The network lab's controls: data set (with thumbnails), noise, size, split, classes, and the
// network editor (hidden layers, activation, loss, initialisation, L2, L1, early stopping), the
// count of weights near zero and the gradient check. Edits go through `edit`, like the surface
// lab's, so the core validates every one.
import { draw_dataset_thumbnail, fit_network_outputs } from '../pkg/gdviz_full.js';
import { $, disableFor, radioGroup, syncChildren } from './dom.js';
import { epochs, num } from './format.js';
import { catalogTitle, t } from './i18n.js';
import { stoppedEarlyText } from './legend.js';
import { shownCanvas } from './shown.js';
const MAX_LAYERS = 6;
const MAX_UNITS = 16;

/**
 * Wires the network lab's controls. `edit(mutate, options)` applies a change to a copy of the scenario;
 * `numberFrom(input)` reads a number field (undefined when it refused the text, and said why).
 */
export function createNetworkControls({ catalog, edit, numberFrom, gradientCheck }) {
  const select = $('dataset');
  const thumbnails = $('thumbnails');
  // One tab stop for the pictures; the arrow keys choose among them (www/dom.js).
  const thumbnailGroup = radioGroup(thumbnails);
  for (const entry of catalog) {
    const option = document.createElement('option');
    option.value = entry.name;
    option.textContent = catalogTitle('dataset', entry);
    select.append(option);
  }

  /**
   * The data set pictures, drawn the first time the network lab shows: generating and drawing
   * every data set costs milliseconds a page load that opens on the surface lab need not spend.
   * The buttons are made at once; each picture is drawn in a task of its own after the one that
   * shows the lab, so that opening it (a lesson, the Network tab) is not held up by them.
   */
  function buildThumbnails() {
    for (const entry of catalog) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'thumbnail';
      button.setAttribute('role', 'radio');
      button.setAttribute('aria-label', catalogTitle('dataset', entry));
      button.dataset.name = entry.name;
      const canvas = document.createElement('canvas');
      canvas.width = 56;
      canvas.height = 56;
      const picture = shownCanvas(canvas);
      setTimeout(() => picture.paint((source) => draw_dataset_thumbnail(source, entry.name)), 0);
      button.append(canvas);
      button.addEventListener('click', () => chooseData(entry.name));
      thumbnails.append(button);
    }
  }

  /** The most classes a data set takes (from the catalog; 2 for your own points). */
  const maxClasses = (s) => (s.objective.dataset ? catalog.find((e) => e.name === s.objective.dataset.name)?.max_classes ?? 2 : 2);
  /**
   * The output layer follows the loss and the data (the core's rule: one unit, or one per class
   * for ce). The rule reads the points' labels only, so the core is handed one point per label
   * rather than every point: 10,000 pasted rows would otherwise be written and read back whole.
   */
  const fitOutputs = (s) => {
    const { points } = s.objective;
    const byLabel = points && [...new Map(points.map((p) => [p[2], p])).values()];
    const fitted = JSON.parse(fit_network_outputs(JSON.stringify({ ...s.objective, ...(points && { points: byLabel }) })));
    s.objective.layers = fitted.layers;
  };

  /**
   * A data set change; the loss follows the kind of data (bce for labels, mse for values; ce
   * stays ce on labels), and classes the new set cannot take fall back to 2.
   */
  function chooseData(name) {
    const kind = catalog.find((e) => e.name === name)?.kind;
    edit((s) => {
      // From your own data back to a generated set: the points go, the set's defaults come.
      delete s.objective.points;
      s.objective.dataset ??= {};
      s.objective.dataset.name = name;
      if ((s.objective.dataset.classes ?? 2) > maxClasses(s)) delete s.objective.dataset.classes;
      if (kind === 'regression') s.objective.loss = 'mse';
      else if (s.objective.loss !== 'ce') s.objective.loss = 'bce';
      fitOutputs(s);
    });
  }
  select.addEventListener('change', () => chooseData(select.value));

  const dataField = (id, field) => $(id).addEventListener('change', () => {
    const value = numberFrom($(id));
    if (value !== undefined) edit((s) => { s.objective.dataset[field] = value; }, { field: `objective.dataset.${field}` });
  });
  dataField('net-noise', 'noise');
  dataField('net-points', 'n');
  dataField('test-fraction', 'test_fraction');
  dataField('data-seed', 'seed');
  // k classes: more than 2 need one output per class, so the loss becomes ce.
  $('classes').addEventListener('change', () => {
    const value = numberFrom($('classes'));
    if (value === undefined) return;
    edit((s) => {
      if (value === 2) delete s.objective.dataset.classes;
      else s.objective.dataset.classes = value;
      if (value > 2) s.objective.loss = 'ce';
      fitOutputs(s);
    });
  });

  const hidden = (s) => s.objective.layers.slice(1, -1);
  /** Each hidden layer's activation: the per-layer list, or the one shared activation. */
  const layerActivations = (s) => s.objective.activations ?? hidden(s).map(() => s.objective.activation);
  /**
   * Writes per-layer activations in their canonical form: one shared `activation` when every
   * layer agrees (so links stay short), the `activations` list otherwise.
   */
  const setActivations = (s, list) => {
    if (list.length > 0 && list.some((a) => a !== list[0])) {
      s.objective.activations = list;
    } else {
      if (list.length > 0) s.objective.activation = list[0];
      delete s.objective.activations;
    }
  };
  const setHidden = (s, units) => {
    const acts = layerActivations(s);
    s.objective.layers = [2, ...units, s.objective.layers.at(-1) ?? 1];
    // A new layer takes the activation of the layer before it.
    setActivations(s, units.map((_, i) => acts[Math.min(i, acts.length - 1)] ?? s.objective.activation));
  };
  $('add-layer').addEventListener('click', () => edit((s) => {
    const units = hidden(s);
    if (units.length < MAX_LAYERS) setHidden(s, [...units, units.at(-1) ?? 4]);
  }));
  $('remove-layer').addEventListener('click', () => edit((s) => { setHidden(s, hidden(s).slice(0, -1)); }));
  $('activation').addEventListener('change', () => edit((s) => {
    s.objective.activation = $('activation').value;
    delete s.objective.activations;
  }));
  $('loss').addEventListener('change', () => edit((s) => {
    s.objective.loss = $('loss').value;
    fitOutputs(s);
  }));
  $('init').addEventListener('change', () => edit((s) => { s.objective.init = $('init').value || null; }));
  $('l2').addEventListener('change', () => {
    const value = numberFrom($('l2'));
    if (value !== undefined) edit((s) => { s.objective.l2 = value; });
  });
  $('l1').addEventListener('change', () => {
    const value = numberFrom($('l1'));
    if (value !== undefined) edit((s) => { s.objective.l1 = value; });
  });

  /** Early stopping: a patience turns it on (empty: off); the box keeps or drops the best weights. */
  const setStop = (s, patience, restore) => {
    const stop = { ...(s.stop ?? {}) };
    delete stop.patience;
    delete stop.restore_best;
    if (patience !== null && patience !== undefined) {
      stop.patience = patience;
      if (!restore) stop.restore_best = false;
    }
    s.stop = Object.keys(stop).length ? stop : null;
  };
  $('patience').addEventListener('change', () => {
    const value = numberFrom($('patience'), { optional: true });
    if (value !== undefined) edit((s) => setStop(s, value, $('restore-best').checked));
  });
  $('restore-best').addEventListener('change', () => edit((s) => setStop(s, s.stop?.patience, $('restore-best').checked)));

  /** "Check gradients": the core's check at the selected racer's weights, a row per layer. */
  $('check-gradients').addEventListener('click', () => {
    const step = Number($('gradcheck-step').value);
    const check = gradientCheck(step);
    const table = $('gradcheck');
    table.replaceChildren();
    if (!check) return;
    const head = table.insertRow();
    for (const id of ['layer', 'parameters', 'largest', 'at', 'verdict']) head.insertCell().textContent = t(`network.gradcheck.${id}`);
    for (const group of check.groups) {
      const row = table.insertRow();
      for (const text of [groupName(group), String(group.parameters), group.max_relative_error.toExponential(2), group.worst.name, t(`network.verdict.${group.verdict}`)]) row.insertCell().textContent = text;
    }
    const w = check.worst;
    // Short of agreement, say which of finite differences' own errors the step chose: a central
    // difference is off by O(h²) (truncation) plus about ε·|L|/h (rounding), least near
    // h = ε^(1/3) ≈ 6e-6 (Nocedal & Wright, Numerical Optimization, 2nd ed., §8.1).
    const why = check.verdict === 'agree' ? '' : ` ${t(step > Math.cbrt(Number.EPSILON) ? 'network.gradcheck.stepLarge' : 'network.gradcheck.stepSmall')}`;
    $('gradcheck-worst').textContent = t('network.gradcheck.worst', {
      name: w.name, backprop: num(w.backprop), numeric: num(w.numeric), error: w.relative_error.toExponential(2), verdict: t(`network.verdict.${check.verdict}`),
    }) + why;
  });

  /** A gradient-check group in words: a layer (number, inputs, outputs), else the core's `w, b`. */
  const groupName = (group) => (group.layer
    ? t('network.gradcheck.group', { layer: group.layer[0], inputs: group.layer[1], outputs: group.layer[2] })
    : group.group);

  /** Hidden layer `index`'s row: its unit count and its activation. */
  function layerItem(index) {
    const item = document.createElement('li');
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'number';
    input.min = '1';
    input.max = String(MAX_UNITS);
    input.step = '1';
    input.dataset.key = `units-${index}`;
    input.dataset.lock = 'layers';
    input.addEventListener('change', () => {
      const value = numberFrom(input);
      if (value === undefined) return;
      edit((s) => {
        const next = hidden(s);
        next[index] = value;
        setHidden(s, next);
      });
    });
    label.append(`${t('network.unitsInLayer', { layer: index + 1 })} `, input);
    const activation = document.createElement('select');
    activation.className = 'layer-activation';
    activation.dataset.key = `activation-${index}`;
    activation.dataset.lock = 'activation';
    activation.setAttribute('aria-label', t('network.activationOfLayer', { layer: index + 1 }));
    for (const option of $('activation').options) {
      if (!option.disabled) activation.append(new Option(option.textContent, option.value));
    }
    activation.addEventListener('change', () => edit((s) => {
      const next = layerActivations(s);
      next[index] = activation.value;
      setActivations(s, next);
    }));
    item.append(label, ' ', activation);
    return item;
  }

  function show(scenario, state) {
    const objective = scenario.objective;
    const dataset = objective.dataset ?? {};
    for (const option of select.options) {
      const entry = catalog.find((e) => e.name === option.value);
      if (entry) option.textContent = catalogTitle('dataset', entry);
    }
    for (const button of thumbnails.children) {
      const entry = catalog.find((e) => e.name === button.dataset.name);
      if (entry) button.setAttribute('aria-label', catalogTitle('dataset', entry));
    }
    select.value = dataset.name ?? '';
    if (thumbnails.children.length === 0) buildThumbnails();
    for (const button of thumbnails.children) {
      button.setAttribute('aria-checked', String(button.dataset.name === dataset.name));
    }
    thumbnailGroup.refresh();
    // Your own data (CSV) has its rows and no test split: the generator's fields say so and are
    // fixed until a data set is chosen again (they took values and changed nothing).
    const yours = Array.isArray(objective.points);
    for (const id of ['net-noise', 'net-points', 'test-fraction', 'data-seed']) disableFor($(id), yours ? t('network.fromYourData') : null);
    $('net-noise').value = dataset.noise ?? '';
    $('net-noise').placeholder = t(yours ? 'controls.yourData' : 'controls.default');
    $('net-points').value = yours ? state.sample_count + state.test_count : dataset.n ?? 200;
    $('test-fraction').value = yours ? 0 : dataset.test_fraction ?? 0.5;
    $('data-seed').value = yours ? '' : dataset.seed ?? 0;
    $('classes').value = dataset.classes ?? (objective.loss === 'ce' ? objective.layers.at(-1) : 2);
    $('classes').disabled = maxClasses(scenario) <= 2;

    const acts = layerActivations(scenario);
    const units = hidden(scenario);
    syncChildren($('hidden-layers'), units.map((_, i) => `layer-${i}`), (key, index) => layerItem(index), (item, key, index) => {
      const [input, activation] = item.querySelectorAll('input, select');
      if (document.activeElement !== input) input.value = units[index];
      activation.value = acts[index];
    });
    disableFor($('add-layer'), hidden(scenario).length >= MAX_LAYERS ? t('limits.layers', { count: MAX_LAYERS }) : null);
    disableFor($('remove-layer'), hidden(scenario).length === 0 ? t('limits.noLayer') : null);
    $('activation').value = objective.activations ? 'mixed' : objective.activation;
    $('loss').value = objective.loss;
    $('init').value = objective.init ?? '';
    $('l2').value = objective.l2 ?? 0;
    $('l1').value = objective.l1 ?? 0;
    $('patience').value = scenario.stop?.patience ?? '';
    $('restore-best').checked = scenario.stop?.restore_best !== false;
    $('restore-best').disabled = !scenario.stop?.patience;
    showReadout(state);
  }

  /** "Test accuracy 97.5%" and the losses of the selected racer. */
  function showReadout(state, selected = 0) {
    const racer = state.racers[Math.min(selected, state.racers.length - 1)];
    if (!racer) return;
    const parts = [];
    const stopped = stoppedEarlyText(racer);
    if (stopped) parts.push(stopped);
    if (racer.test_accuracy !== null && racer.test_accuracy !== undefined) parts.push(t('network.testAccuracy', { percent: (100 * racer.test_accuracy).toFixed(1) }));
    if (racer.train_accuracy !== null && racer.train_accuracy !== undefined) parts.push(t('network.trainAccuracy', { percent: (100 * racer.train_accuracy).toFixed(1) }));
    parts.push(t('network.trainLoss', { loss: num(racer.loss) }));
    if (racer.test_loss !== null && racer.test_loss !== undefined) parts.push(t('network.testLoss', { loss: num(racer.test_loss) }));
    parts.push(t('network.epoch', { epoch: epochs(racer.epoch) }), t('network.samplesSeen', { samples: racer.samples }));
    $('readout').textContent = parts.join(' · ');
  }

  /** "12 of 96 weights near zero (|w| < 0.01), drawn faint". */
  function showSparsity(metrics) {
    $('sparsity').textContent = metrics && metrics.weights
      ? t('network.sparsity', { zero: metrics.near_zero_weights, weights: metrics.weights, threshold: metrics.near_zero })
      : '';
  }

  return { show, showReadout, showSparsity, fitOutputs };
}
