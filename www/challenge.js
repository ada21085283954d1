// A challenge: the goal a lesson or a link sets (`goal=loss<0.01@samples<=200`), shown above the
// canvas with how each racer stands against it as the run goes — the core judges every step —
// and a link to the student's attempt (their scenario, goal included) that replays it.
import { $ } from './dom.js';
import { num } from './format.js';
import { t } from './i18n.js';

/** The goal in words: "Challenge: get the loss below 0.01 within 200 samples seen." */
export function goalText(goal) {
  const budget = goal.steps !== undefined ? t('challenge.steps', { n: goal.steps })
    : goal.samples !== undefined ? t('challenge.samples', { n: goal.samples })
      : goal.epochs !== undefined ? t('challenge.epochs', { n: num(goal.epochs) }) : '';
  return t('challenge.goal', { loss: num(goal.loss_below), budget });
}

/** How the racers stand: who met it (where), who missed it, how many are still trying. */
export function verdictText(state, labels) {
  const met = [];
  const missed = [];
  let open = 0;
  state.racers.forEach((racer, index) => {
    const verdict = racer.verdict;
    if (verdict?.verdict === 'met') met.push(t('challenge.metBy', { name: labels[index], step: verdict.step, samples: verdict.samples, loss: num(verdict.loss) }));
    else if (verdict?.verdict === 'missed') missed.push(t('challenge.missedBy', { name: labels[index], step: verdict.step }));
    else open += 1;
  });
  const sentences = [];
  if (met.length) sentences.push(t('challenge.met', { names: met.join(t('challenge.separator')) }));
  if (missed.length) sentences.push(t('challenge.missed', { names: missed.join(t('challenge.separator')) }));
  if (open && (met.length || missed.length)) sentences.push(t('challenge.running', { count: open }));
  return sentences.length ? sentences.join(' ') : t('challenge.open');
}

/**
 * Wires the challenge box: `show(state, labels)` after each state refresh; `attemptUrl()` is
 * the link that replays the attempt (the page's URL with `play=1`).
 */
export function createChallenge({ attemptUrl }) {
  const box = $('challenge');
  $('share-attempt').textContent = t('challenge.share');
  $('share-attempt').addEventListener('click', () => {
    const link = $('attempt-link');
    link.value = attemptUrl();
    $('attempt-box').hidden = false;
    $('attempt-label').textContent = t('challenge.shared');
    link.focus();
    link.select();
  });
  let lastVerdicts = '';
  return {
    show(state, labels) {
      box.hidden = !state.goal;
      if (!state.goal) return;
      // A link shown before an edit would replay the old attempt: it follows the page's.
      const link = $('attempt-link');
      if (!$('attempt-box').hidden && link.value !== attemptUrl()) link.value = attemptUrl();
      $('challenge-goal').textContent = goalText(state.goal);
      const text = verdictText(state, labels);
      // The status is a live region: it speaks only when a verdict changes.
      if (text !== lastVerdicts) {
        $('challenge-status').textContent = text;
        lastVerdicts = text;
      }
      const done = state.racers.every((racer) => racer.verdict && racer.verdict.verdict !== 'open');
      box.classList.toggle('met', state.racers.some((racer) => racer.verdict?.verdict === 'met'));
      box.classList.toggle('missed', done && !state.racers.some((racer) => racer.verdict?.verdict === 'met'));
    },
  };
}
