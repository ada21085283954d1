// The read-outs beside the run: the status line, the step counter, the update written out, the
// quadratic's theory and the network's confusion matrices. Text only; every number from the lab.
import { $ } from './dom.js';
import { epochs, num } from './format.js';
import { has, sentences, t } from './i18n.js';
import { offMap, outcomeText, racerLabel } from './legend.js';

/**
 * The run in one sentence: ready, running, paused or finished, and any racer that failed — by
 * its optimizer's name, or where two share it by the legend's label ("SGD lr=0.01 μ=0.9").
 */
export function statusText(scenario, state, playing) {
  const racers = state.racers;
  const step = Math.max(...racers.map((r) => r.step));
  const name = (racer, index) => (racers.filter((r) => r.title === racer.title).length > 1 ? racerLabel(scenario, state, index) : racer.title);
  const failed = racers.map((r, i) => [r, i]).filter(([r]) => r.status === 'diverged' || r.status === 'failed').map(([r, i]) => `${name(r, i)} ${outcomeText(r)}`);
  const running = racers.filter((r) => r.status === 'running').length;
  let sentence;
  if (step === 0 && failed.length === 0) sentence = t('panels.ready', { count: racers.length });
  // When every racer diverged or failed, the failures say where each stopped; a step count here
  // ("finished at step 1", the last one completed) read as a contradiction of "diverged at step 2".
  else if (running === 0) sentence = failed.length === racers.length ? t('panels.allStopped') : t('panels.finished', { step });
  // (No step count while running: the line is a live region, and the counter beside the
  // picture counts the steps; a sentence that changed every frame would be read out each time.)
  else if (playing) sentence = t('panels.running', { running, count: racers.length });
  else sentence = t('panels.paused', { step });
  // Stopped or paused on a surface, racers past the map's edge are arrows there: say so (on a
  // function with no minimum, x + y say, it is where every racer ends up).
  if (!playing && !state.network && step > 0) {
    const off = racers.filter((r) => r.status !== 'diverged' && r.status !== 'failed' && offMap(state, r)).length;
    if (off > 0) sentence = sentences(sentence, t('panels.offMap', { count: off, total: racers.length }));
  }
  return failed.length ? t('panels.withFailures', { sentence, failed: failed.join(t('panels.listSeparator')) }) : sentence;
}

/** "Optimizer 2: step 40 · epoch 0.8 · 40 samples" — the selected racer's counts. */
export function counterText(state, selected = 0) {
  const racer = state.racers[selected] ?? state.racers[0];
  const who = state.racers.length > 1 ? t('controls.whichOptimizer', { number: state.racers.indexOf(racer) + 1 }) : '';
  // On one analytic function (a surface) an epoch is a step and a sample an evaluation of f and
  // ∇f: the counter says what the run has cost, the Hessians Newton's method evaluates included.
  // A run that diverged or failed counts the steps it completed, and says which step it stopped
  // at (the legend's words): "step 3 · … · diverged at step 4".
  const ended = racer.status === 'diverged' || racer.status === 'failed' ? ` · ${outcomeText(racer)}` : '';
  if (state.sample_count === 1 && !state.network) {
    const hessians = racer.hessians === null || racer.hessians === undefined ? '' : t('panels.hessians', { hessians: racer.hessians });
    return who + t('panels.counterEvaluations', { step: racer.step, evaluations: racer.samples }) + hessians + ended;
  }
  return who + t('panels.counter', { step: racer.step, epoch: epochs(racer.epoch), samples: racer.samples }) + ended;
}

/** The selected racer's last update, written out with its numbers. */
export function showExplain(explanation) {
  const box = $('explain');
  box.replaceChildren();
  if (!explanation) return;
  const title = document.createElement('p');
  title.className = 'explain-title';
  title.textContent = explanation.method ? t(`explain.method.${explanation.method}`) : explanation.title;
  box.append(title);
  if (explanation.note) {
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = t(`explain.note.${explanation.note}`);
    box.append(note);
  }
  const table = document.createElement('table');
  for (const line of explanation.lines ?? []) {
    const row = table.insertRow();
    row.insertCell().textContent = line.gloss && has(`explain.gloss.${line.gloss}`)
      ? t(`explain.gloss.${line.gloss}`, { formula: line.formula })
      : line.formula;
    row.insertCell().textContent = line.value;
  }
  box.append(table);
}

/** The quadratic's rates (Goh, "Why Momentum Really Works") and each racer's predicted and measured rate. */
export function showTheory(data, scenario, state) {
  const box = $('theory');
  box.hidden = !data;
  if (!data) return;
  const theory = data.theory;
  const heading = document.createElement('h3');
  heading.textContent = t('panels.theory.heading', { kappa: num(theory.condition) });
  const list = document.createElement('ul');
  const facts = [
    t('panels.theory.critical', { lr: num(theory.critical_lr) }),
    t('panels.theory.best', { lr: num(theory.best_lr), rate: num(theory.best_rate_gd) }),
    t('panels.theory.heavyBall', { lr: num(theory.heavy_ball_lr), momentum: num(theory.heavy_ball_momentum), rate: num(theory.heavy_ball_rate) }),
  ];
  const items = facts.map((fact) => {
    const item = document.createElement('li');
    item.textContent = fact;
    return item;
  });
  data.racers.forEach((racer, index) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch inline-swatch';
    swatch.style.background = state.racers[index]?.color ?? '#888';
    const predicted = racer.predicted === null ? t('panels.theory.noPrediction') : num(racer.predicted);
    item.append(swatch, t('panels.theory.racer', { label: racerLabel(scenario, state, index), predicted, measured: racer.measured === null ? '—' : num(racer.measured) }));
    items.push(item);
  });
  list.append(...items);
  box.replaceChildren(heading, list);
}

/** The selected network's k×k confusion matrices, train and test, as a small table. */
export function showConfusion(metrics) {
  const table = $('confusion');
  table.replaceChildren();
  if (!metrics || !metrics.train) return;
  const classes = metrics.train.map((_, k) => k);
  const head = table.insertRow();
  head.insertCell();
  for (const split of ['train', 'test']) {
    for (const predicted of classes) head.insertCell().textContent = predicted === 0 ? t(`panels.confusion.${split}First`) : t('panels.confusion.predicted', { k: predicted });
  }
  for (const truth of classes) {
    const row = table.insertRow();
    row.insertCell().textContent = t('panels.confusion.truth', { k: truth });
    for (const split of ['train', 'test']) {
      for (const predicted of classes) {
        const cell = row.insertCell();
        cell.textContent = metrics[split] ? String(metrics[split][truth][predicted]) : '—';
        cell.className = truth === predicted ? 'hit' : 'miss';
      }
    }
  }
}
