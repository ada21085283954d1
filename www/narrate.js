// The canvases in words, for a screen reader: a live region that tells how the race goes at a
// calm pace (after each Step and when the run stops, at most once every few seconds while it
// plays), and a table of the racers — where each one is, its loss, and a network's accuracy —
// that stands for the pictures and updates with them.
import { $ } from './dom.js';
import { num } from './format.js';
import { t } from './i18n.js';
import { outcomeText } from './legend.js';

/** A fraction as a percentage with one decimal, "97.5 %". */
const percent = (fraction) => `${(100 * fraction).toFixed(1)} %`;

/** Seconds between two narrations while the run plays: calm enough to hear each one out. */
export const CALM_SECONDS = 5;
/** Seconds between two refreshes of the table while the run plays. */
const TABLE_SECONDS = 1;

const known = (value) => value !== null && value !== undefined;

/** Each racer's short name: its optimizer's title, or its whole label where titles repeat. */
function namesOf(state, labels) {
  const titles = state.racers.map((racer) => racer.title);
  return titles.map((title, index) => (titles.indexOf(title) === titles.lastIndexOf(title) ? title : labels[index]));
}

/** "step 40 — Adam: loss 0.012; SGD: loss 0.31, diverged at step 12". */
export function narration(state, labels) {
  const names = namesOf(state, labels);
  const step = Math.max(...state.racers.map((racer) => racer.step));
  const parts = state.racers.map((racer, index) => {
    const facts = [];
    if (known(racer.loss)) facts.push(t('narrate.lossFact', { loss: num(racer.loss) }));
    if (known(racer.test_accuracy ?? racer.train_accuracy)) facts.push(t('narrate.accuracyFact', { accuracy: percent(racer.test_accuracy ?? racer.train_accuracy) }));
    if (racer.status !== 'running' && outcomeText(racer)) facts.push(outcomeText(racer));
    return t('narrate.racerTold', { name: names[index], facts: facts.join(t('narrate.comma')) });
  });
  return t('narrate.told', { step, parts: parts.join(t('narrate.semicolon')) });
}

function cell(row, text, header = false) {
  const element = document.createElement(header ? 'th' : 'td');
  element.textContent = text;
  row.append(element);
}

/** Fills the table that stands for the canvases: one row per racer. */
function showTable(state, labels) {
  const table = $('racer-table');
  const network = state.network === true;
  const columns = network
    ? [t('narrate.racer'), t('narrate.step'), t('narrate.loss'), t('narrate.testLoss'), t('narrate.accuracy'), t('narrate.standing')]
    : [t('narrate.racer'), t('narrate.step'), t('narrate.position'), t('narrate.loss'), t('narrate.standing')];
  const caption = document.createElement('caption');
  caption.textContent = t('narrate.caption');
  const head = document.createElement('tr');
  for (const column of columns) cell(head, column, true);
  const rows = state.racers.map((racer, index) => {
    const row = document.createElement('tr');
    cell(row, labels[index], true);
    cell(row, String(racer.step));
    if (network) {
      cell(row, num(racer.loss));
      cell(row, num(racer.test_loss));
      cell(row, [racer.train_accuracy, racer.test_accuracy].map((a) => (known(a) ? percent(a) : '—')).join(' / '));
    } else {
      cell(row, known(racer.x) ? `${num(racer.x)}, ${num(racer.y)}` : '—');
      cell(row, num(racer.loss));
    }
    cell(row, racer.status === 'running' ? t('narrate.running') : outcomeText(racer));
    return row;
  });
  table.replaceChildren(caption, head, ...rows);
}

/**
 * The narrator: `update(state, labels, playing)` after each draw that read the state refreshes
 * the table (at most once a second while playing) and speaks when there is news — the step
 * changed while paused (a Step, the run's end), or CALM_SECONDS passed while playing.
 */
export function createNarrator() {
  let lastTold = -Infinity;
  let lastStep = 0;
  let lastTable = -Infinity;
  return {
    update(state, labels, playing) {
      const now = performance.now();
      if (!playing || now - lastTable >= TABLE_SECONDS * 1000) {
        showTable(state, labels);
        lastTable = now;
      }
      const step = Math.max(...state.racers.map((racer) => racer.step));
      const news = playing ? now - lastTold >= CALM_SECONDS * 1000 && step !== lastStep : step !== lastStep;
      // A fresh start (Reset, a new scenario) is news to no one: the page was just changed.
      if (step === 0) lastStep = 0;
      if (!news || step === 0) return;
      $('narration').textContent = narration(state, labels);
      lastTold = now;
      lastStep = step;
    },
    /** A language switch: the last sentence, in the old language, goes (a switch is no news). */
    relabel() {
      $('narration').textContent = '';
    },
  };
}
