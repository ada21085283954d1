// A challenge: the goal a lesson or a link sets (`goal=loss<0.01@samples<=200`), shown above the
// canvas with how each racer stands against it as the run goes — the core judges every step —
// and a link to the student's attempt (their scenario, goal included) that replays it.
import { $ } from './dom.js';
import { num } from './format.js';

/** Every sentence this module shows (the translation catalogue's English). */
const WORDS = {
  goal: (loss, budget) => `Challenge: get the loss below ${loss}${budget}.`,
  steps: (n) => ` within ${n} steps`,
  samples: (n) => ` within ${n} samples seen`,
  epochs: (n) => ` within ${n} epochs`,
  open: 'Press Play: the goal is checked at every step.',
  met: (names) => `Met by ${names}.`,
  missed: (names) => `Missed by ${names}.`,
  metBy: (name, step, samples, loss) => `${name} (loss ${loss} at step ${step}, ${samples} samples)`,
  missedBy: (name, step) => `${name} (at step ${step})`,
  running: (count) => `${count} still trying.`,
  share: 'Share my attempt',
  shared: 'This link replays your attempt:',
};

/** The goal in words: "Challenge: get the loss below 0.01 within 200 samples seen." */
export function goalText(goal) {
  const budget = goal.steps !== undefined ? WORDS.steps(goal.steps)
    : goal.samples !== undefined ? WORDS.samples(goal.samples)
      : goal.epochs !== undefined ? WORDS.epochs(num(goal.epochs)) : '';
  return WORDS.goal(num(goal.loss_below), budget);
}

/** How the racers stand: who met it (where), who missed it, how many are still trying. */
export function verdictText(state, labels) {
  const met = [];
  const missed = [];
  let open = 0;
  state.racers.forEach((racer, index) => {
    const verdict = racer.verdict;
    if (verdict?.verdict === 'met') met.push(WORDS.metBy(labels[index], verdict.step, verdict.samples, num(verdict.loss)));
    else if (verdict?.verdict === 'missed') missed.push(WORDS.missedBy(labels[index], verdict.step));
    else open += 1;
  });
  const sentences = [];
  if (met.length) sentences.push(WORDS.met(met.join(', ')));
  if (missed.length) sentences.push(WORDS.missed(missed.join(', ')));
  if (open && (met.length || missed.length)) sentences.push(WORDS.running(open));
  return sentences.length ? sentences.join(' ') : WORDS.open;
}

/**
 * Wires the challenge box: `show(state, labels)` after each state refresh; `attemptUrl()` is
 * the link that replays the attempt (the page's URL with `play=1`).
 */
export function createChallenge({ attemptUrl }) {
  const box = $('challenge');
  $('share-attempt').textContent = WORDS.share;
  $('share-attempt').addEventListener('click', () => {
    const link = $('attempt-link');
    link.value = attemptUrl();
    $('attempt-box').hidden = false;
    $('attempt-label').textContent = WORDS.shared;
    link.focus();
    link.select();
  });
  let lastVerdicts = '';
  return {
    show(state, labels) {
      box.hidden = !state.goal;
      if (!state.goal) return;
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
