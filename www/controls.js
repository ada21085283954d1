// The control panel: shows the scenario in labelled HTML controls and turns each edit into a
// new scenario object, which main.js hands to the wasm lab (the core validates it).
import { num, rate, readNumber } from './format.js';

const $ = (id) => document.getElementById(id);

/** A learning rate that suits each optimizer on the 2-D surfaces, used when switching to it. */
const STARTING_LR = {
  sgd: 1e-3, adagrad: 0.1, rmsprop: 0.01, adadelta: 1.0, adam: 0.05, adamw: 0.05, nadam: 0.05, adamax: 0.05, newton: 1.0,
};
/** Optimizers offered, in order, when one is added to the race. */
const ADD_ORDER = ['adam', 'rmsprop', 'adagrad', 'nadam', 'adamw', 'adadelta', 'adamax', 'sgd', 'newton'];
/** Hyper-parameters with their own control (not repeated under "More hyper-parameters"). */
const OWN_CONTROL = new Set(['name', 'lr', 'momentum']);
const LABELS = {
  betas: ['β₁', 'β₂'], eps: 'ε (eps)', weight_decay: 'Weight decay', dampening: 'Dampening', nesterov: 'Nesterov',
  amsgrad: 'AMSGrad', alpha: 'α (alpha)', centered: 'Centered', rho: 'ρ (rho)', lr_decay: 'lr decay',
  initial_accumulator_value: 'Initial accumulator', momentum_decay: 'Momentum decay', damping: 'Damping',
};
const SCHEDULE_FIELDS = {
  step: [['step_size', 'Step size', 50], ['gamma', 'γ (gamma)', 0.5]],
  exponential: [['gamma', 'γ (gamma)', 0.995]],
  cosine: [['t_max', 'T_max (steps)', 1000], ['eta_min', 'η_min', 0]],
};

/** The racers of a scenario, its own optimizer first. */
export function racersOf(scenario) {
  return [{ optimizer: scenario.optimizer }, ...(scenario.race ?? [])];
}

function setRacers(scenario, racers) {
  scenario.optimizer = racers[0].optimizer;
  scenario.race = racers.slice(1);
}

/** Wires every control; `edit(mutate)` is called with a function that changes a scenario copy. */
export function createControls({ catalog, edit, ui, onSelect, onUiChange }) {
  const surface = $('surface');
  for (const entry of catalog) {
    const option = document.createElement('option');
    option.value = entry.name;
    option.textContent = entry.title;
    surface.append(option);
  }

  surface.addEventListener('change', () => edit((s) => {
    if (surface.value === 'custom') {
      s.objective = { kind: 'surface', name: 'custom', expr: $('expr').value.trim() || '(1-x)^2 + 100*(y-x^2)^2' };
    } else if (surface.value === 'linreg') {
      s.objective = { kind: 'linreg', dataset: { name: 'linear', n: 100, noise: 0.3, seed: 1 } };
    } else {
      s.objective = { kind: 'surface', name: surface.value };
    }
    s.start = null;
    s.batch_size = null;
  }));
  $('expr').addEventListener('change', () => edit((s) => {
    s.objective = { kind: 'surface', name: 'custom', expr: $('expr').value, ...(s.objective.view ? { view: s.objective.view } : {}) };
    s.start = null;
  }));
  $('kappa').addEventListener('change', () => edit((s) => { s.objective.kappa = readNumber($('kappa')); }));
  $('angle').addEventListener('change', () => edit((s) => { s.objective.angle = readNumber($('angle')); }));
  $('points').addEventListener('change', () => edit((s) => { s.objective.dataset.n = readNumber($('points')); s.start = null; }));
  $('data-noise').addEventListener('change', () => edit((s) => { s.objective.dataset.noise = readNumber($('data-noise')); s.start = null; }));

  const selected = (s) => racersOf(s)[Math.min(ui.selected, racersOf(s).length - 1)];
  const editSelected = (mutate) => edit((s) => {
    const racers = racersOf(s);
    mutate(racers[Math.min(ui.selected, racers.length - 1)].optimizer);
    setRacers(s, racers);
  });

  $('optimizer').addEventListener('change', () => editSelected((o) => {
    const name = $('optimizer').value;
    for (const key of Object.keys(o)) delete o[key];
    o.name = name;
    o.lr = STARTING_LR[name];
  }));
  const lrSlider = $('lr-slider');
  lrSlider.addEventListener('input', () => {
    $('lr').value = rate(10 ** Number(lrSlider.value));
  });
  lrSlider.addEventListener('change', () => editSelected((o) => { o.lr = Number(rate(10 ** Number(lrSlider.value))); }));
  $('lr').addEventListener('change', () => editSelected((o) => { o.lr = readNumber($('lr')); }));
  $('momentum').addEventListener('change', () => editSelected((o) => { o.momentum = readNumber($('momentum')); }));

  $('add-racer').addEventListener('click', () => edit((s) => {
    const racers = racersOf(s);
    const used = new Set(racers.map((r) => r.optimizer.name));
    const name = ADD_ORDER.find((n) => !used.has(n)) ?? 'sgd';
    racers.push({ optimizer: { name, lr: STARTING_LR[name] } });
    setRacers(s, racers);
    ui.selected = racers.length - 1;
  }));
  $('remove-racer').addEventListener('click', () => edit((s) => {
    const racers = racersOf(s);
    if (racers.length > 1) {
      racers.splice(Math.min(ui.selected, racers.length - 1), 1);
      ui.selected = Math.max(0, Math.min(ui.selected, racers.length - 1));
    }
    setRacers(s, racers);
  }));

  const batchSlider = $('batch-slider');
  batchSlider.addEventListener('input', () => { $('batch').value = batchSlider.value; });
  batchSlider.addEventListener('change', () => edit((s) => { s.batch_size = Number(batchSlider.value); }));
  $('batch').addEventListener('change', () => edit((s) => { s.batch_size = readNumber($('batch')); }));
  $('sigma').addEventListener('change', () => edit((s) => {
    const sigma = readNumber($('sigma'));
    s.noise = sigma ? { sigma } : null;
  }));
  $('schedule').addEventListener('change', () => edit((s) => {
    const name = $('schedule').value;
    s.schedule = name ? Object.fromEntries([['name', name], ...SCHEDULE_FIELDS[name].map(([k, , v]) => [k, v])]) : null;
  }));
  $('clip').addEventListener('change', () => edit((s) => {
    const clip = readNumber($('clip'));
    s.clip_norm = clip === null || clip === 0 ? null : clip;
  }));
  $('seed').addEventListener('change', () => edit((s) => { s.seed = readNumber($('seed')); }));
  $('steps').addEventListener('change', () => edit((s) => { s.steps = readNumber($('steps')); }));
  $('stop-loss').addEventListener('change', () => edit((s) => {
    const below = readNumber($('stop-loss'));
    const stop = { ...(s.stop ?? {}) };
    if (below === null || below === 0) delete stop.loss_below;
    else stop.loss_below = below;
    s.stop = Object.keys(stop).length ? stop : null;
  }));

  $('cloud').addEventListener('change', () => { ui.cloud = $('cloud').checked; onUiChange(); });
  $('axis').addEventListener('change', () => { ui.axis = $('axis').value; onUiChange(); });

  /** Shows `scenario` (normalised by the core) and the lab `state` in the controls. */
  function show(scenario, state) {
    const objective = scenario.objective;
    surface.value = objective.kind === 'linreg' ? 'linreg' : objective.name ?? '';
    $('quadratic-controls').hidden = objective.name !== 'quadratic';
    $('custom-controls').hidden = objective.name !== 'custom';
    if (objective.name === 'custom' && document.activeElement !== $('expr')) $('expr').value = objective.expr;
    if (objective.name === 'quadratic') {
      $('kappa').value = objective.kappa;
      $('angle').value = objective.angle;
    }
    const isData = objective.kind === 'linreg';
    $('linreg-controls').hidden = !isData;
    $('inset').hidden = !isData;
    if (isData) {
      $('points').value = objective.dataset?.n ?? (objective.points ? '' : 200);
      $('data-noise').value = objective.dataset?.noise ?? '';
      $('data-noise').placeholder = objective.points ? 'your data' : 'default';
    }

    const racers = racersOf(scenario);
    ui.selected = Math.min(ui.selected, racers.length - 1);
    showLegend(racers, state);
    const optimizer = selected(scenario).optimizer;
    $('optimizer').value = optimizer.name;
    $('lr').value = optimizer.lr;
    lrSlider.value = Math.log10(Math.max(optimizer.lr, 1e-12));
    const hasMomentum = 'momentum' in optimizer;
    $('momentum').disabled = !hasMomentum;
    $('momentum').value = hasMomentum ? optimizer.momentum : '';
    $('momentum').title = hasMomentum ? '' : `${optimizer.name} has no momentum parameter (see its betas)`;
    showHyper(optimizer);
    $('add-racer').disabled = racers.length >= 8;
    $('remove-racer').disabled = racers.length <= 1;

    const n = state.sample_count;
    const hasData = objective.kind !== 'surface';
    const maxBatch = hasData ? n : 256;
    batchSlider.max = maxBatch;
    $('batch').max = hasData ? n : 1000000;
    const batch = scenario.batch_size ?? (hasData ? n : 1);
    batchSlider.value = Math.min(batch, maxBatch);
    $('batch').value = batch;
    $('batch-kind').textContent = hasData
      ? (batch >= n ? `BGD: full batch of all ${n} points` : batch === 1 ? 'SGD: one point per step' : `Mini-batch: ${batch} of ${n} points per step`)
      : (scenario.noise ? `Noise model: σ/√B = ${num(scenario.noise.sigma / Math.sqrt(batch))} per gradient component` : 'On a surface, batch size only scales the gradient-noise model (set σ).');
    $('sigma-label').hidden = hasData;
    $('sigma').value = scenario.noise?.sigma ?? 0;

    $('schedule').value = scenario.schedule?.name ?? '';
    showSchedule(scenario.schedule);
    $('clip').value = scenario.clip_norm ?? '';
    $('seed').value = scenario.seed;
    $('steps').value = scenario.steps;
    $('stop-loss').value = scenario.stop?.loss_below ?? '';
    $('cloud').checked = ui.cloud;
    $('axis').value = ui.axis;
  }

  function showLegend(racers, state) {
    const legend = $('legend');
    legend.replaceChildren();
    racers.forEach((racer, index) => {
      const info = state.racers[index] ?? {};
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'racer';
      button.setAttribute('aria-pressed', String(index === ui.selected));
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = info.color ?? '#888';
      const label = document.createElement('span');
      label.className = 'racer-name';
      label.textContent = `${racer.optimizer.name} lr=${rate(racer.optimizer.lr)}${racer.optimizer.momentum ? ` μ=${racer.optimizer.momentum}` : ''}${racer.batch_size ? ` B=${racer.batch_size}` : ''}`;
      const status = document.createElement('span');
      status.className = 'racer-status';
      status.dataset.index = String(index);
      button.append(swatch, label, status);
      button.addEventListener('click', () => { ui.selected = index; onSelect(); });
      item.append(button);
      legend.append(item);
    });
    showStatus(state);
  }

  function showHyper(optimizer) {
    const box = $('hyper-fields');
    box.replaceChildren();
    for (const [key, value] of Object.entries(optimizer)) {
      if (OWN_CONTROL.has(key)) continue;
      if (Array.isArray(value)) {
        value.forEach((v, i) => box.append(field(`${LABELS[key]?.[i] ?? `${key}[${i}]`}`, v, (o, x) => { o[key][i] = x; })));
      } else if (typeof value === 'boolean') {
        const label = document.createElement('label');
        label.className = 'check';
        const input = document.createElement('input');
        input.type = 'checkbox';
        input.checked = value;
        input.addEventListener('change', () => editSelected((o) => { o[key] = input.checked; }));
        label.append(input, ` ${LABELS[key] ?? key}`);
        box.append(label);
      } else {
        box.append(field(LABELS[key] ?? key, value, (o, x) => { o[key] = x; }));
      }
    }
  }

  function field(text, value, set) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'number';
    input.step = 'any';
    input.value = value;
    input.addEventListener('change', () => editSelected((o) => set(o, readNumber(input))));
    label.append(`${text} `, input);
    return label;
  }

  function showSchedule(schedule) {
    const box = $('schedule-fields');
    box.replaceChildren();
    if (!schedule) return;
    for (const [key, text] of SCHEDULE_FIELDS[schedule.name] ?? []) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
      input.value = schedule[key];
      input.addEventListener('change', () => edit((s) => { s.schedule[key] = readNumber(input); }));
      label.append(`${text} `, input);
      box.append(label);
    }
  }

  /** Updates only the per-racer status text (cheap; called while playing). */
  function showStatus(state) {
    for (const element of document.querySelectorAll('.racer-status')) {
      const info = state.racers[Number(element.dataset.index)];
      if (!info) continue;
      element.textContent = ['diverged', 'failed', 'converged'].includes(info.status)
        ? ` — ${info.message}`
        : ` — loss ${num(info.loss)}`;
      element.classList.toggle('bad', info.status === 'diverged' || info.status === 'failed');
    }
  }

  return { show, showStatus };
}
