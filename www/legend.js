// The racers in words: each one's label (everything that tells it apart from the others), its
// status, and the legend that selects the racer the panel edits.
import { $, syncChildren } from './dom.js';
import { num, rate } from './format.js';
import { has, t } from './i18n.js';

/** Short names of hyper-parameters in a label: symbols, else the catalogue's `legend.short.*`. */
const SYMBOLS = { momentum: 'μ', betas: 'β', eps: 'ε', weight_decay: 'wd', alpha: 'α', rho: 'ρ' };
const shortName = (key) => SYMBOLS[key] ?? (has(`legend.short.${key}`) ? t(`legend.short.${key}`) : null);

/** The racers of a scenario, its own optimizer (with the scenario's batch size) first. */
export function racersOf(scenario) {
  return [{ optimizer: scenario.optimizer, batch_size: scenario.batch_size ?? null }, ...(scenario.race ?? [])];
}

/**
 * Whether racer `info` (from the lab's `state`) stands off the surface's map: a finite point
 * outside the view box, where the map shows it as an arrowhead on its edge and no glyph.
 */
export function offMap(state, info) {
  const [xMin, xMax, yMin, yMax] = state.view;
  return Number.isFinite(info.x) && Number.isFinite(info.y)
    && !(info.x >= xMin && info.x <= xMax && info.y >= yMin && info.y <= yMax);
}

function valueText(value) {
  if (value === null || value === undefined) return t('legend.none');
  if (typeof value === 'boolean') return t(value ? 'legend.on' : 'legend.off');
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
  if (batch >= state.sample_count) return t('legend.batch.bgd', { batch });
  return batch === 1 ? t('legend.batch.sgd') : t('legend.batch.mini', { batch });
}

/** Racer `index`'s label: "SGD lr=0.03 μ=0.9 B=1 (SGD)" — name, rate and what tells it apart. */
export function racerLabel(scenario, state, index) {
  const racer = racersOf(scenario)[index];
  const info = state.racers[index];
  if (!racer || !info) return '';
  const optimizer = racer.optimizer;
  const parts = [has(`catalog.optimizer.${optimizer.name}`) ? t(`catalog.optimizer.${optimizer.name}`) : info.title ?? optimizer.name, `lr=${rate(optimizer.lr)}`];
  const differs = info.differs ?? {};
  if (optimizer.momentum && !('momentum' in differs)) parts.push(`μ=${num(optimizer.momentum)}`);
  for (const [key, value] of Object.entries(differs)) {
    const short = shortName(key);
    parts.push(typeof value === 'boolean' && !short ? t(value ? 'legend.flagOn' : 'legend.flagOff', { name: key.replace(/_/g, ' ') }) : `${short ?? key.replace(/_/g, ' ')}=${valueText(value)}`);
  }
  if (batchesMatter(scenario)) parts.push(batchText(scenario, state, index));
  return parts.join(' ');
}

/** A threshold as the lab writes it: plain from 1e-3 to 1e6, else scientific (`1e-6`). */
function threshold(x) {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? String(x) : x.toExponential();
}

/** A loss in a sentence: four significant digits (`0.1234`, `12.35`, `1.235e-5`). */
function lossText(x) {
  if (!Number.isFinite(x)) return t('legend.notFinite');
  if (x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6)) return x.toFixed(Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x))))));
  return x.toExponential(3);
}

/** A stop condition the lab met (`{ loss_below: 1e-6 }`, …) in words. */
function conditionText(condition) {
  const [[name, value]] = Object.entries(condition ?? { unknown: null });
  if (name === 'patience') {
    return t('status.patience', { loss: lossText(value.best_test_loss), best: value.best_epoch, patience: value.patience, restored: value.restored });
  }
  if (name === 'epochs') return t('status.condition.epochs', { value: threshold(value) });
  return t(`status.condition.${name}`, { value: threshold(value) });
}

/** How a racer ended, in words, from the lab's data (`info.status` and `info.outcome`). */
export function outcomeText(info) {
  const outcome = info.outcome ?? {};
  switch (info.status) {
    case 'done': return t('status.finished', { steps: info.step });
    case 'diverged': return t('status.diverged', { step: outcome.step });
    case 'failed': return t('status.failed', { step: outcome.step, reason: outcome.code ? t(`status.reason.${outcome.code}`) : outcome.reason });
    case 'converged': {
      const condition = outcome.condition ?? {};
      if ('patience' in condition) {
        const p = condition.patience;
        return t('status.stoppedEarlyWhy', { stopped: t('status.stoppedEarly', { epoch: p.epoch, best: p.best_epoch }), why: conditionText(condition) });
      }
      if ('epochs' in condition) return t('status.stoppedAt', { step: outcome.step, condition: conditionText(condition) });
      return t('status.converged', { step: outcome.step, condition: conditionText(condition) });
    }
    default: return '';
  }
}

/** Where early stopping ended the run (`null` otherwise), for the network's read-out. */
export function stoppedEarlyText(info) {
  const p = info?.outcome?.condition?.patience;
  return p ? t('status.stoppedEarly', { epoch: p.epoch, best: p.best_epoch }) : null;
}

/** Racer `index`'s standing: its loss, and how it ended where it has. */
export function racerStatus(info) {
  if (!info) return '';
  const loss = info.loss === null || info.loss === undefined ? '' : t('legend.loss', { loss: num(info.loss) });
  if (info.status === 'diverged' || info.status === 'failed') return outcomeText(info);
  if (info.status === 'converged' || info.status === 'done') return [loss, outcomeText(info)].filter(Boolean).join(' · ');
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
