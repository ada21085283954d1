// The read-outs beside the run: the status line, the step counter, the update written out, the
// quadratic's theory and the network's confusion matrices. Text only; every number from the lab.
import { $ } from './dom.js';
import { count, num } from './format.js';
import { racerLabel } from './legend.js';

/** The run in one sentence: ready, running, paused or finished, and any racer that failed. */
export function statusText(state, playing) {
  const racers = state.racers;
  const step = Math.max(...racers.map((r) => r.step));
  const optimizers = count(racers.length, 'optimizer');
  const failed = racers.filter((r) => r.status === 'diverged' || r.status === 'failed').map((r) => `${r.title} ${r.message}`);
  const running = racers.filter((r) => r.status === 'running').length;
  let sentence;
  if (step === 0 && failed.length === 0) sentence = `Ready: ${optimizers} at the start — press Play or Step.`;
  else if (running === 0) sentence = `Finished at step ${step}: every optimizer has stopped.`;
  else if (playing) sentence = `Running: ${count(running, 'optimizer')} of ${racers.length} still going, step ${step}.`;
  else sentence = `Paused at step ${step} — press Play or Step to go on.`;
  return failed.length ? `${sentence} ${failed.join('; ')}.` : sentence;
}

/** "Optimizer 2: step 40 · epoch 0.8 · 40 samples" — the selected racer's counts. */
export function counterText(state, selected = 0) {
  const racer = state.racers[selected] ?? state.racers[0];
  const who = state.racers.length > 1 ? `Optimizer ${state.racers.indexOf(racer) + 1}: ` : '';
  // On one analytic function (a surface) an epoch is a step and a sample an evaluation of f and
  // ∇f: the counter says what the run has cost, the Hessians Newton's method evaluates included.
  if (state.sample_count === 1 && !state.network) {
    const hessians = racer.hessians === null || racer.hessians === undefined ? '' : ` · ${count(racer.hessians, 'Hessian')}`;
    return `${who}step ${racer.step} · ${count(racer.samples, 'evaluation')} of f and ∇f${hessians}`;
  }
  return `${who}step ${racer.step} · epoch ${num(racer.epoch)} · ${count(racer.samples, 'sample')}`;
}

/** The selected racer's last update, written out with its numbers. */
export function showExplain(explanation) {
  const box = $('explain');
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

/** The quadratic's rates (Goh, "Why Momentum Really Works") and each racer's predicted and measured rate. */
export function showTheory(data, scenario, state) {
  const box = $('theory');
  box.hidden = !data;
  if (!data) return;
  const t = data.theory;
  const heading = document.createElement('h3');
  heading.textContent = `Quadratic with κ = ${num(t.condition)} (Goh, “Why Momentum Really Works”)`;
  const list = document.createElement('ul');
  const facts = [
    `Critical learning rate 2/L = ${num(t.critical_lr)}: above it gradient descent diverges.`,
    `Best fixed rate 2/(μ+L) = ${num(t.best_lr)}: error shrinks by ${num(t.best_rate_gd)} per step.`,
    `Heavy ball: lr = ${num(t.heavy_ball_lr)}, momentum = ${num(t.heavy_ball_momentum)}: rate ${num(t.heavy_ball_rate)} per step.`,
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
    const predicted = racer.predicted === null ? '— (not plain SGD or momentum)' : num(racer.predicted);
    item.append(swatch, `${racerLabel(scenario, state, index)}: predicted rate ${predicted}, measured ${racer.measured === null ? '—' : num(racer.measured)}`);
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
    for (const predicted of classes) head.insertCell().textContent = predicted === 0 ? `${split}: pred 0` : `pred ${predicted}`;
  }
  for (const truth of classes) {
    const row = table.insertRow();
    row.insertCell().textContent = `true ${truth}`;
    for (const split of ['train', 'test']) {
      for (const predicted of classes) {
        const cell = row.insertCell();
        cell.textContent = metrics[split] ? String(metrics[split][truth][predicted]) : '—';
        cell.className = truth === predicted ? 'hit' : 'miss';
      }
    }
  }
}
