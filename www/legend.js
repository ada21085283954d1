// The racers in words: each one's label (everything that tells it apart from the others), its
// status, and the legend that selects the racer the panel edits.
import { $, syncChildren } from './dom.js';
import { num, rate } from './format.js';

/** Short names of hyper-parameters in a label. */
const SHORT = {
  momentum: 'μ', betas: 'β', eps: 'ε', weight_decay: 'wd', alpha: 'α', rho: 'ρ', lr_decay: 'lr decay',
  initial_accumulator_value: 'init. acc.', momentum_decay: 'μ decay', max_iter: 'iterations', max_eval: 'evaluations',
  tolerance_grad: 'grad tol.', tolerance_change: 'change tol.', history_size: 'history', line_search_fn: 'line search',
};

/** The racers of a scenario, its own optimizer (with the scenario's batch size) first. */
export function racersOf(scenario) {
  return [{ optimizer: scenario.optimizer, batch_size: scenario.batch_size ?? null }, ...(scenario.race ?? [])];
}

function valueText(value) {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.map(valueText).join('/');
  if (typeof value === 'number') return num(value);
  return String(value).replace(/_/g, ' ');
}

/** Each racer's batch size as its control shows it: its setting, else what an unset one means. */
export function batchSizes(state) {
  return state.racers.map((racer) => racer.batch_setting ?? state.unset_batch);
}

/** Whether the objective has data (so batches are real), or the surface's noise model is on. */
export function batchesMatter(scenario) {
  return scenario.objective.kind !== 'surface' || Boolean(scenario.noise);
}

/** Racer `index`'s batch size in words: "B=50 (BGD)", "B=1 (SGD)", "B=10 (mini-batch)". */
export function batchText(scenario, state, index) {
  const info = state.racers[index];
  if (!info) return '';
  const batch = info.batch_size;
  if (scenario.objective.kind === 'surface') return `B=${batch}`;
  if (batch >= state.sample_count) return `B=${batch} (BGD)`;
  return batch === 1 ? 'B=1 (SGD)' : `B=${batch} (mini-batch)`;
}

/** Racer `index`'s label: "SGD lr=0.03 μ=0.9 B=1 (SGD)" — name, rate and what tells it apart. */
export function racerLabel(scenario, state, index) {
  const racer = racersOf(scenario)[index];
  const info = state.racers[index];
  if (!racer || !info) return '';
  const optimizer = racer.optimizer;
  const parts = [info.title ?? optimizer.name, `lr=${rate(optimizer.lr)}`];
  const differs = info.differs ?? {};
  if (optimizer.momentum && !('momentum' in differs)) parts.push(`μ=${num(optimizer.momentum)}`);
  for (const [key, value] of Object.entries(differs)) {
    parts.push(typeof value === 'boolean' && !SHORT[key] ? `${value ? '' : 'no '}${key.replace(/_/g, ' ')}` : `${SHORT[key] ?? key.replace(/_/g, ' ')}=${valueText(value)}`);
  }
  if (batchesMatter(scenario)) parts.push(batchText(scenario, state, index));
  return parts.join(' ');
}

/** Racer `index`'s standing: its loss, and how it ended where it has. */
export function racerStatus(info) {
  if (!info) return '';
  const loss = info.loss === null || info.loss === undefined ? '' : `loss ${num(info.loss)}`;
  if (info.status === 'diverged' || info.status === 'failed') return info.message;
  if (info.status === 'converged' || info.status === 'done') return [loss, info.message].filter(Boolean).join(' · ');
  return loss;
}

/** Draws the legend: one button per racer (swatch, label, status); the pressed one is edited. */
export function showLegend({ scenario, state, selected, onSelect }) {
  const keys = state.racers.map((_, i) => `racer-${i}`);
  syncChildren($('legend'), keys, (key, index) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'racer';
    button.dataset.key = key;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    const name = document.createElement('span');
    name.className = 'racer-name';
    const status = document.createElement('span');
    status.className = 'racer-status';
    button.append(swatch, name, status);
    button.addEventListener('click', () => onSelect(index));
    item.append(button);
    return item;
  }, (item, key, index) => {
    const button = item.firstChild;
    const info = state.racers[index];
    button.setAttribute('aria-pressed', String(index === selected));
    button.querySelector('.swatch').style.background = info.color;
    button.querySelector('.racer-name').textContent = racerLabel(scenario, state, index);
    updateStatus(button.querySelector('.racer-status'), info);
  });
}

function updateStatus(element, info) {
  element.textContent = ` — ${racerStatus(info)}`;
  element.classList.toggle('bad', info.status === 'diverged' || info.status === 'failed');
}

/** Refreshes only each racer's status (cheap; called while playing). */
export function showRacerStatus(state) {
  [...$('legend').children].forEach((item, index) => {
    const info = state.racers[index];
    if (info) updateStatus(item.querySelector('.racer-status'), info);
  });
}
