// The control panel: shows the scenario in labelled HTML controls and turns each edit into a
// new scenario object, which main.js hands to the wasm lab (the core validates it). A number a
// person types is read here, and refused here in the control's own words when it is not one.
import { $, disableFor, ladderSlider, syncChildren } from './dom.js';
import { num, oneTwoFive, rate } from './format.js';
import { batchSizes, racersOf, showLegend } from './legend.js';
import { catalogTitle, t } from './i18n.js';
import { hyperLabel, readField } from './messages.js';

/** Learning rates on the slider: 1, 2, 5 per decade from 1e−6 to 100. */
export const LR_LADDER = oneTwoFive(1e-6, 100);
/** Hyper-parameters with their own control (not repeated under "More hyper-parameters"). */
const OWN_CONTROL = new Set(['name', 'lr', 'momentum']);
/** Choices of the hyper-parameters that are names, not numbers. */
const CHOICES = { line_search_fn: [['', 'controls.lineSearch.none'], ['strong_wolfe', 'controls.lineSearch.strongWolfe']] };
/** Each schedule's fields: the scenario's name, the label's catalogue id, the default. */
const SCHEDULE_FIELDS = {
  step: [['step_size', 'controls.schedule.stepSize', 50], ['gamma', 'controls.schedule.gamma', 0.5]],
  exponential: [['gamma', 'controls.schedule.gamma', 0.995]],
  cosine: [['t_max', 'controls.schedule.tMax', 1000], ['eta_min', 'controls.schedule.etaMin', 0]],
};

/** Batch sizes on the slider: 1, 2, 3, 5, 10, 20, 30, 50, … below `full`, then `full` itself. */
function batchLadder(full) {
  const values = [];
  for (let decade = 1; decade < full; decade *= 10) {
    for (const m of [1, 2, 3, 5]) if (m * decade < full) values.push(m * decade);
  }
  values.push(full);
  return values;
}

/** Writes `racers` (as `racersOf` lists them) back into `scenario`: the first is its own optimizer. */
export function setRacers(scenario, racers) {
  scenario.optimizer = racers[0].optimizer;
  scenario.race = racers.slice(1).map(({ optimizer, batch_size: batch }) => (batch === null || batch === undefined ? { optimizer } : { optimizer, batch_size: batch }));
}

/**
 * Sets the batch size of racer `index` (of every racer when `all`) to `value`, the lab `state`
 * showing `scenario`. The scenario's own batch size stays the first racer's; a racer carries its
 * own only where it differs.
 */
export function setBatch(scenario, state, index, value, all) {
  const sizes = batchSizes(state);
  if (all) sizes.fill(value);
  else sizes[index] = value;
  setBatches(scenario, state, sizes);
}

/** Gives racer i of `scenario` batch size `sizes[i]`, written as the scenario writes them. */
function setBatches(scenario, state, sizes) {
  const full = state.unset_batch;
  scenario.batch_size = sizes[0] === full && (scenario.batch_size ?? full) === full ? null : sizes[0];
  (scenario.race ?? []).forEach((racer, j) => {
    if (sizes[j + 1] === sizes[0]) delete racer.batch_size;
    else racer.batch_size = sizes[j + 1];
  });
}

/**
 * A racer's optimizer when it is switched to the catalog's `entry` (or added as it): its own
 * starting learning rate (the core's registry), every other hyper-parameter at its default.
 */
export function startingOptimizer(entry) {
  return { name: entry.name, lr: entry.lr };
}

/** The most racers a race takes (the core's `MAX_RACERS`). */
export const MAX_RACERS = 8;

/**
 * Wires every control. `edit(mutate)` applies a change to a copy of the scenario; `notify(lines)`
 * shows a sentence to the person; `catalogs` holds the surfaces and optimizers the lab offers.
 */
export function createControls({ catalogs, edit, notify, ui, onSelect, onUiChange }) {
  let current = { scenario: null, state: null };
  const optimizers = catalogs.optimizers;
  /** The catalog's entry for the optimizer called `name` (undefined for none). */
  const entryOf = (name) => optimizers.find((o) => o.name === name);
  const titleOf = (name) => (entryOf(name) ? catalogTitle('optimizer', entryOf(name)) : name);

  /** Reads a number field; a value that is not accepted is named and the field shown again. */
  const numberFrom = (input, options) => {
    const { value, problem } = readField(input, options);
    if (problem) {
      notify([problem], { refused: true });
      show(current.scenario, current.state);
      return undefined;
    }
    return value;
  };
  /** An edit from a number field: `apply(scenario, value)` runs only for an accepted value. */
  const onNumber = (input, apply, options) => input.addEventListener('change', () => {
    const value = numberFrom(input, options);
    if (value !== undefined) edit((s) => apply(s, value));
  });

  const surface = $('surface');
  /**
   * The last function of x and y the lab took (none yet: the field's placeholder, Rosenbrock's).
   * Choosing "Your function" again races it — not the field's text, which may be one the lab
   * refused: that left the menu on the old surface with the field hidden, no way back to it.
   */
  let lastExpr = '';
  for (const entry of catalogs.surfaces) surface.append(new Option(catalogTitle('surface', entry), entry.name));
  surface.addEventListener('change', () => edit((s) => {
    if (surface.value === 'custom') {
      s.objective = { kind: 'surface', name: 'custom', expr: lastExpr || $('expr').placeholder };
    } else if (surface.value === 'linreg') {
      s.objective = { kind: 'linreg', dataset: { name: 'linear', n: 100, noise: 0.3, seed: 1 } };
    } else {
      s.objective = { kind: 'surface', name: surface.value };
    }
    s.start = null;
    s.batch_size = null;
    for (const racer of s.race ?? []) delete racer.batch_size;
  }));
  $('expr').addEventListener('change', () => edit((s) => {
    s.objective = { kind: 'surface', name: 'custom', expr: $('expr').value, ...(s.objective.view ? { view: s.objective.view } : {}) };
    s.start = null;
  }));
  onNumber($('kappa'), (s, v) => { s.objective.kappa = v; });
  onNumber($('angle'), (s, v) => { s.objective.angle = v; });
  onNumber($('points'), (s, v) => { s.objective.dataset.n = v; s.start = null; });
  onNumber($('data-noise'), (s, v) => { s.objective.dataset.noise = v; s.start = null; });
  onNumber($('linreg-l1'), (s, v) => { s.objective.l1 = v; });
  onNumber($('linreg-l2'), (s, v) => { s.objective.l2 = v; });
  for (const [id, axis] of [['start-x', 0], ['start-y', 1]]) {
    onNumber($(id), (s, v) => {
      const start = [...(s.start ?? current.state.start)];
      start[axis] = v;
      s.start = start;
    });
  }

  const selectedIndex = (s) => Math.min(ui.selected, racersOf(s).length - 1);
  const editSelected = (mutate) => edit((s) => {
    const racers = racersOf(s);
    mutate(racers[selectedIndex(s)].optimizer);
    setRacers(s, racers);
  });

  const optimizer = $('optimizer');
  for (const entry of optimizers) optimizer.append(new Option(entry.title, entry.name));
  optimizer.addEventListener('change', () => editSelected((o) => {
    const entry = entryOf(optimizer.value);
    for (const key of Object.keys(o)) delete o[key];
    Object.assign(o, startingOptimizer(entry));
  }));
  const lrSlider = ladderSlider($('lr-slider'), {
    ladder: LR_LADDER,
    describe: rate,
    onInput: (value) => { $('lr').value = String(value); },
    onCommit: (value) => editSelected((o) => { o.lr = value; }),
  });
  onNumber($('lr'), (s, v) => {
    const racers = racersOf(s);
    racers[selectedIndex(s)].optimizer.lr = v;
    setRacers(s, racers);
  });
  onNumber($('momentum'), (s, v) => {
    const racers = racersOf(s);
    racers[selectedIndex(s)].optimizer.momentum = v;
    setRacers(s, racers);
  });

  $('add-racer').addEventListener('click', () => edit((s) => {
    const racers = racersOf(s);
    const used = new Set(racers.map((r) => r.optimizer.name));
    const entry = optimizers.find((e) => !used.has(e.name)) ?? optimizers[0];
    racers.push({ optimizer: startingOptimizer(entry), batch_size: null });
    setRacers(s, racers);
    ui.selected = racers.length - 1;
  }));
  $('remove-racer').addEventListener('click', () => edit((s) => {
    const racers = racersOf(s);
    if (racers.length > 1) {
      const [removed] = racers.splice(selectedIndex(s), 1);
      // The first racer's batch size is the scenario's: the next one inherits its own.
      if (selectedIndex(s) === 0) racers[0].batch_size = racers[0].batch_size ?? removed.batch_size;
      s.batch_size = racers[0].batch_size ?? null;
      ui.selected = Math.max(0, Math.min(ui.selected, racers.length - 1));
    }
    setRacers(s, racers);
  }));

  const commitBatch = (value) => edit((s) => setBatch(s, current.state, selectedIndex(s), value, $('batch-all').checked));
  const batchSlider = ladderSlider($('batch-slider'), {
    ladder: batchLadder(1000000),
    describe: (value) => String(value),
    onInput: (value) => { $('batch').value = String(value); },
    onCommit: commitBatch,
  });
  $('batch').addEventListener('change', () => {
    const value = numberFrom($('batch'));
    if (value !== undefined) commitBatch(value);
  });
  // Ticking the box gives every racer the selected one's batch size and says so; unticking it
  // straight after gives each its own size back, so a race a teacher built is never lost.
  $('batch-all').addEventListener('change', () => {
    ui.batchForAll = $('batch-all').checked;
    const sizes = batchSizes(current.state);
    if (ui.batchForAll) {
      const value = sizes[selectedIndex(current.scenario)];
      if (sizes.every((b) => b === value)) return;
      ui.batchesBefore = { sizes, value };
      edit((s) => setBatches(s, current.state, sizes.map(() => value)));
      notify([t('controls.batchForAll', { value, sizes: sizes.join(', '), box: t('page.sameBatchSizeFor') })]);
    } else if (ui.batchesBefore) {
      const { sizes: before, value } = ui.batchesBefore;
      ui.batchesBefore = null;
      if (sizes.length === before.length && sizes.every((b) => b === value)) {
        edit((s) => setBatches(s, current.state, before));
      }
    }
  });
  onNumber($('sigma'), (s, v) => { s.noise = v ? { sigma: v } : null; });
  $('schedule').addEventListener('change', () => edit((s) => {
    const name = $('schedule').value;
    s.schedule = name ? Object.fromEntries([['name', name], ...SCHEDULE_FIELDS[name].map(([k, , v]) => [k, v])]) : null;
  }));
  onNumber($('clip'), (s, v) => { s.clip_norm = v === null || v === 0 ? null : v; }, { optional: true });
  onNumber($('seed'), (s, v) => { s.seed = v; });
  onNumber($('steps'), (s, v) => { s.steps = v; });
  /** A stop condition `key` of the scenario's `stop` from an optional field (empty or 0: none). */
  const stopWhen = (key) => (s, v) => {
    const stop = { ...(s.stop ?? {}) };
    if (v === null || v === 0) delete stop[key];
    else stop[key] = v;
    s.stop = Object.keys(stop).length ? stop : null;
  };
  onNumber($('stop-loss'), stopWhen('loss_below'), { optional: true });
  onNumber($('stop-epochs'), stopWhen('epochs'), { optional: true });

  $('cloud').addEventListener('change', () => { ui.cloud = $('cloud').checked; onUiChange(); });
  $('curvature').addEventListener('change', () => { ui.curvature = $('curvature').checked; onUiChange(); });
  $('axis').addEventListener('change', () => { ui.axis = $('axis').value; onUiChange(); });

  /** Shows `scenario` (normalised by the core) and the lab `state` in the controls. */
  function show(scenario, state) {
    current = { scenario, state };
    const objective = scenario.objective;
    for (const option of surface.options) {
      const entry = catalogs.surfaces.find((e) => e.name === option.value);
      if (entry) option.textContent = catalogTitle('surface', entry);
    }
    surface.value = objective.kind === 'linreg' ? 'linreg' : objective.name ?? '';
    $('quadratic-controls').hidden = objective.name !== 'quadratic';
    $('custom-controls').hidden = objective.name !== 'custom';
    if (objective.name === 'custom') lastExpr = objective.expr;
    if (objective.name === 'custom' && document.activeElement !== $('expr')) $('expr').value = objective.expr;
    if (objective.name === 'quadratic') {
      $('kappa').value = objective.kappa;
      $('angle').value = objective.angle;
    }
    const isData = objective.kind === 'linreg';
    $('linreg-controls').hidden = !isData;
    $('inset').hidden = !isData;
    if (isData) {
      $('points').value = objective.dataset?.n ?? (state.sample_count + state.test_count);
      $('data-noise').value = objective.dataset?.noise ?? '';
      $('linreg-l1').value = objective.l1 ?? 0;
      $('linreg-l2').value = objective.l2 ?? 0;
      $('data-noise').placeholder = t(objective.points ? 'controls.yourData' : 'controls.default');
      $('points-hint').textContent = t('controls.pointsHint', { total: state.sample_count + state.test_count, train: state.sample_count, test: state.test_count });
    }
    const twoD = objective.kind !== 'mlp';
    $('start-fields').hidden = !twoD;
    if (twoD) {
      const [xName, yName] = isData ? ['w', 'b'] : ['x', 'y'];
      $('start-x-name').textContent = t('controls.start', { name: xName });
      $('start-y-name').textContent = t('controls.start', { name: yName });
      const start = scenario.start ?? state.start;
      // (Twelve digits: a start worked out from the view, −1.7999999999999998, reads −1.8.)
      const shown = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(12))) : '');
      $('start-x').value = shown(start[0]);
      $('start-y').value = shown(start[1]);
    }

    const racers = racersOf(scenario);
    ui.selected = selectedIndex(scenario);
    showLegend({ scenario, state, selected: ui.selected, onSelect: (index) => { ui.selected = index; onSelect(); } });
    const chosen = racers[ui.selected].optimizer;
    $('editing').textContent = racers.length > 1 ? t('controls.editing', { number: ui.selected + 1, count: racers.length, title: titleOf(chosen.name) }) : '';
    // A rule that needs an exact Hessian (Newton) cannot run on a network, which has none:
    // offered, but not to be picked.
    for (const option of optimizer.options) {
      const blocked = entryOf(option.value)?.needs === 'hessian' && objective.kind === 'mlp';
      option.disabled = blocked;
      option.textContent = blocked ? t('controls.needsHessian', { title: titleOf(option.value) }) : titleOf(option.value);
    }
    optimizer.value = chosen.name;
    if (document.activeElement !== $('lr')) $('lr').value = String(chosen.lr);
    lrSlider.show(chosen.lr);
    const hasMomentum = 'momentum' in chosen;
    $('momentum').disabled = !hasMomentum;
    $('momentum').value = hasMomentum ? chosen.momentum : '';
    $('momentum').title = hasMomentum ? '' : t('controls.noMomentum', { title: titleOf(chosen.name), betas: 'betas' in chosen });
    showHyper(chosen);
    disableFor($('add-racer'), racers.length >= MAX_RACERS ? t('limits.racers', { count: MAX_RACERS }) : null);
    disableFor($('remove-racer'), racers.length <= 1 ? t('limits.lastRacer') : null);

    showBatch(scenario, state, racers);
    $('sigma-label').hidden = objective.kind !== 'surface';
    $('sigma').value = scenario.noise?.sigma ?? 0;
    $('schedule').value = scenario.schedule?.name ?? '';
    showSchedule(scenario.schedule);
    $('clip').value = scenario.clip_norm ?? '';
    $('seed').value = scenario.seed;
    $('steps').value = scenario.steps;
    $('stop-loss').value = scenario.stop?.loss_below ?? '';
    $('stop-epochs').value = scenario.stop?.epochs ?? '';
    $('cloud').checked = ui.cloud;
    $('curvature').checked = ui.curvature;
    $('axis').value = ui.axis;
    // On one analytic function samples seen are evaluations of f and ∇f: the axis says so.
    const analytic = state.sample_count === 1 && !state.network;
    $('axis').querySelector('option[value="samples"]').textContent = t(analytic ? 'controls.axisEvaluations' : 'page.samplesSeen');
  }

  function showBatch(scenario, state, racers) {
    const n = state.sample_count;
    const hasData = scenario.objective.kind !== 'surface';
    const sizes = batchSizes(state);
    const batch = sizes[ui.selected];
    const racer = state.racers[ui.selected];
    const same = sizes.every((b) => b === sizes[0]);
    $('batch-all-label').hidden = racers.length < 2;
    $('batch-all').checked = same && ui.batchForAll;
    batchSlider.setLadder(batchLadder(hasData ? n : 1000000));
    batchSlider.show(Math.min(batch, hasData ? n : batch));
    $('batch').max = hasData ? String(Math.max(n, 1000000)) : '1000000';
    if (document.activeElement !== $('batch')) $('batch').value = String(batch);
    const who = racers.length > 1 && !$('batch-all').checked ? t('controls.whichOptimizer', { number: ui.selected + 1 }) : '';
    const effective = racer.batch_size;
    $('batch-kind').textContent = hasData
      ? who + (effective >= n ? t('controls.batch.bgd', { n })
        : effective === 1 ? t('controls.batch.sgd', { n })
          : t('controls.batch.mini', { batch: effective, n }))
      : (scenario.noise
        ? who + t('controls.batch.noiseModel', { std: num(racer.noise_std) })
        : t('controls.batch.surface'));
  }

  function showHyper(chosen) {
    const keys = [...new Set([...Object.keys(chosen), ...(entryOf(chosen.name)?.optional ?? [])])]
      .filter((key) => !OWN_CONTROL.has(key))
      .flatMap((key) => (Array.isArray(chosen[key]) ? chosen[key].map((_, i) => `${chosen.name}.${key}.${i}`) : [`${chosen.name}.${key}`]));
    syncChildren($('hyper-fields'), keys, (key) => hyperField(key, chosen), (label, key) => {
      const [, name, index] = key.split('.');
      const value = index === undefined ? chosen[name] : chosen[name][Number(index)];
      const input = label.querySelector('input, select');
      if (document.activeElement === input) return;
      if (input.type === 'checkbox') input.checked = value;
      else input.value = value ?? '';
    });
  }

  /** One hyper-parameter's control; `key` is "optimizer.field" or "optimizer.field.index". */
  function hyperField(key, chosen) {
    const [, name, index] = key.split('.');
    const set = (o, x) => { if (index === undefined) o[name] = x; else o[name][Number(index)] = x; };
    const label = document.createElement('label');
    const text = hyperLabel(name, index) ?? (index === undefined ? name : `${name} ${Number(index) + 1}`);
    let input;
    if (CHOICES[name]) {
      input = document.createElement('select');
      for (const [value, title] of CHOICES[name]) input.append(new Option(t(title), value));
      input.addEventListener('change', () => editSelected((o) => set(o, input.value || null)));
    } else if (typeof chosen[name] === 'boolean') {
      input = document.createElement('input');
      input.type = 'checkbox';
      label.className = 'check';
      input.addEventListener('change', () => editSelected((o) => set(o, input.checked)));
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.step = ['max_iter', 'max_eval', 'history_size'].includes(name) ? '1' : 'any';
      if (input.step === '1') input.min = '1';
      const optional = name === 'max_eval';
      if (optional) input.placeholder = t('controls.automatic');
      input.addEventListener('change', () => {
        const value = numberFrom(input, { optional });
        if (value !== undefined) editSelected((o) => set(o, value));
      });
    }
    input.dataset.key = key;
    if (input.type === 'checkbox') label.append(input, ` ${text}`);
    else label.append(`${text} `, input);
    return label;
  }

  function showSchedule(schedule) {
    const fields = schedule ? SCHEDULE_FIELDS[schedule.name] ?? [] : [];
    syncChildren($('schedule-fields'), fields.map(([key]) => `${schedule.name}.${key}`), (key, i) => {
      const [field, text] = fields[i];
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'number';
      input.step = ['step_size', 't_max'].includes(field) ? '1' : 'any';
      if (input.step === '1') input.min = '1';
      input.dataset.key = key;
      input.addEventListener('change', () => {
        const value = numberFrom(input);
        if (value !== undefined) edit((s) => { s.schedule[field] = value; });
      });
      label.append(`${t(text)} `, input);
      return label;
    }, (label, key, i) => {
      const input = label.querySelector('input');
      if (document.activeElement !== input) input.value = schedule[fields[i][0]];
    });
  }

  return { show };
}
