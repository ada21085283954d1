// Words for people: a refusal names the control as its label does and says what is accepted.
// The lab refuses with the field's path (`race[1].optimizer.betas[0]`); the page owns the labels,
// and every sentence is a catalogue entry (www/i18n.js) with the numbers as parameters.
import { catalogTitle, t } from './i18n.js';

/** The catalogue id of each scenario field's label, as the panel shows it. */
const FIELD_LABELS = {
  'optimizer.name': 'page.optimizer',
  'optimizer.lr': 'page.learningRate',
  'optimizer.momentum': 'page.momentum',
  batch_size: 'page.batchSize',
  clip_norm: 'page.gradientClipping',
  seed: 'page.seed',
  steps: 'page.stepBudget',
  start: 'messages.field.start',
  'start[0]': 'messages.field.startX',
  'start[1]': 'messages.field.startY',
  'stop.loss_below': 'page.stopWhenLossBelow',
  'noise.sigma': 'page.gradientNoise',
  'schedule.step_size': 'controls.schedule.stepSize',
  'schedule.gamma': 'controls.schedule.gamma',
  'schedule.t_max': 'controls.schedule.tMax',
  'schedule.eta_min': 'controls.schedule.etaMin',
  'objective.name': 'page.tabSurface',
  'objective.kappa': 'page.conditionNumber',
  'objective.angle': 'page.angleRadians',
  'objective.expr': 'page.functionFXY',
  'objective.dataset.n': 'page.points',
  'objective.dataset.noise': 'page.noise',
  'objective.dataset.test_fraction': 'page.testFraction',
  'objective.dataset.seed': 'page.dataSeed',
  'objective.dataset.classes': 'page.classes',
  'objective.points': 'page.yourDataCsv',
  'objective.l2': 'messages.field.l2',
  'objective.l1': 'messages.field.l1',
  'stop.patience': 'page.earlyStoppingPatienceEpochs',
  'stop.epochs': 'page.stopAfterEpochs',
  'stop.restore_best': 'page.restoreTheBestEpoch',
  'objective.layers': 'messages.field.layers',
  'objective.activation': 'page.activation',
  'objective.activations': 'page.activation',
  'objective.loss': 'page.loss',
  'objective.init': 'page.initialisation',
};

/** The hyper-parameters under "More hyper-parameters" that have a label (lists: one per entry). */
const HYPER_KEYS = {
  betas: 2, eps: 1, weight_decay: 1, dampening: 1, nesterov: 1, amsgrad: 1, alpha: 1, centered: 1, rho: 1, lr_decay: 1,
  initial_accumulator_value: 1, momentum_decay: 1, damping: 1, max_iter: 1, max_eval: 1, tolerance_grad: 1,
  tolerance_change: 1, history_size: 1, line_search_fn: 1,
};

/**
 * The label of hyper-parameter `name` (entry `index` of a list such as `betas`), `null` when the
 * page has none.
 */
export function hyperLabel(name, index) {
  const entries = HYPER_KEYS[name];
  if (!entries) return null;
  if (entries === 1) return t(`messages.hyper.${name}`);
  const i = Number(index ?? 0);
  return i < entries ? t(`messages.hyper.${name}.${i}`) : null;
}

/** The label of a field path such as `optimizer.betas[0]` (`null` when the page has none). */
function labelOfPath(path) {
  if (FIELD_LABELS[path]) return t(FIELD_LABELS[path]);
  const hyper = /^optimizer\.(\w+)(?:\[(\d+)\])?$/.exec(path);
  if (hyper) {
    const label = hyperLabel(hyper[1], hyper[2]);
    if (label) return label;
  }
  const layer = /^objective\.layers\[(\d+)\]$/.exec(path);
  if (layer) return t('network.unitsInLayer', { layer: Number(layer[1]) });
  return null;
}

/**
 * A refusal from the lab as a sentence for people: the control's label (and, for a racer beyond
 * the first, which one), then what is wrong and what is accepted — worded here from the
 * refusal's data (`error.problem`) where the page knows how, else the lab's reason.
 * `titles[i]` names racer i; `changed`, the path of the control the person changed, when the
 * refusal is at another field because of it.
 */
export function refusalText(error, titles = [], changed = null) {
  const field = typeof error?.field === 'string' ? error.field : '';
  const problem = error?.problem;
  // Early stopping refused because a data control left no test split: named from the control the
  // person changed, which is the one to put back (the patience they set stays right).
  const changedLabel = changed && changed !== field ? labelOfPath(changed) : null;
  if (changedLabel && problem?.kind === 'unfit' && problem.id === 'no_test_split') {
    return t('messages.labelled', { label: changedLabel, text: t('messages.unfit.no_test_split_from_data', { ...unfitParams(problem), patience: t(FIELD_LABELS['stop.patience']) }) });
  }
  const reason = typeof error?.reason === 'string' ? error.reason : String(error?.message ?? error);
  let path = field;
  let racer = 0;
  const raced = /^race\[(\d+)\]\.(.*)$/.exec(field);
  if (raced) {
    racer = Number(raced[1]) + 1;
    path = raced[2];
  }
  const label = labelOfPath(path);
  const who = racer > 0 ? t('messages.whichRacer', { number: racer + 1, title: titles[racer] ?? '' }) : '';
  if (label && problem?.kind === 'out_of_range' && Number.isFinite(problem.value)) {
    return t(`messages.${rangeSide(problem)}`, { label: `${label}${who}`, value: bound(String(problem.value)), accepted: acceptedRange(problem.range) });
  }
  const text = problemText(problem) ?? reason;
  return label ? t('messages.labelled', { label: `${label}${who}`, text }) : field ? t('messages.labelled', { label: field, text }) : text;
}

/** Which side of its range an out-of-range value fell: `tooSmall`, `tooLarge` or `notWhole`. */
function rangeSide({ range, value }) {
  const side = range.min !== null && (value < range.min || (range.min_open && value === range.min)) ? 'tooSmall' : 'tooLarge';
  return range.whole && !Number.isInteger(value) ? 'notWhole' : side;
}

/**
 * What is wrong with a refused value and what is accepted, without the control's label (for a
 * page that names the control itself, as the digits lab's status line does).
 */
export function reasonText(error) {
  const problem = error?.problem;
  if (problem?.kind === 'out_of_range' && Number.isFinite(problem.value)) {
    return t(`messages.reason.${rangeSide(problem)}`, { value: bound(String(problem.value)), accepted: acceptedRange(problem.range) });
  }
  return problemText(problem) ?? (typeof error?.reason === 'string' ? error.reason : String(error?.message ?? error));
}

/**
 * A refused CSV text (`error.csv`, the lab's data: kind, row, column, cell, count, columns,
 * header, most, example) in words, else the lab's own sentence.
 */
export function csvText(error) {
  const csv = error?.csv;
  if (!csv?.kind) return String(error?.message ?? error);
  return t(`messages.csv.${csv.kind}`, { ...csv, cell: csv.cell === null ? '' : shown(csv.cell) });
}

/**
 * A link's parameter the lab ignored (`{ key, why, … }`, the lab's data) in words: its name and
 * why, in the control's words where the lab refused the value.
 */
export function ignoredText(entry) {
  const { key, why } = entry;
  if (why === 'refused') {
    // A refusal of the value itself (`goal`) has the whole scenario's path: the key names it.
    // A racer's hyper-parameter (`o[1].lr`) is refused inside its optimizer: label it so.
    const racer = /^o\[\d+\]\./.test(key) && !String(entry.field).startsWith('optimizer.');
    const field = entry.field === 'scenario' ? '' : racer ? `optimizer.${entry.field}` : entry.field;
    const text = refusalText({ field, problem: entry.problem, reason: entry.sentence });
    return key ? t('messages.ignored.refused', { key, text }) : t('messages.ignored.scenario', { text });
  }
  const params = { ...entry, text: shown(String(entry.text ?? '')), most: entry.most ?? '' };
  return t(`messages.ignored.${why}`, params);
}

/** A typo in your own function (the lab's `ExprError`: its position and what is wrong there). */
function typoText({ position, typo }) {
  const hint = typo.id === 'unexpected_character'
    ? { ',': 'comma', '²': 'power', '³': 'power', '[': 'brackets', ']': 'brackets', '{': 'brackets', '}': 'brackets' }[typo.text] ?? 'none'
    : typo.id === 'unknown_variable' && /^[xy]+$/.test(typo.name) ? 'product' : 'none';
  return t(`messages.typo.${typo.id}`, { ...typo, position, hint, accepted: typo.accepted?.join(', ') ?? '' });
}

/** A value the lab found (`"null"`, `{"text":"adm"}`, `{"number":3}`, `"list"`) as people read it. */
function foundText(found) {
  if (typeof found === 'string') return t(`messages.found.${found}`);
  const [[kind, value]] = Object.entries(found ?? { null: null });
  return kind === 'text' ? `“${value}”` : kind === 'number' ? bound(String(value)) : String(value);
}

/** The parameters of a misfit's sentence: its numbers as people read them, its ids worded. */
function unfitParams(problem) {
  const params = {};
  for (const [key, value] of Object.entries(problem)) params[key] = typeof value === 'number' ? bound(String(value)) : value;
  if (Array.isArray(problem.view)) params.view = problem.view.map((v) => bound(String(v))).join(', ');
  if (problem.why) params.why = t(`messages.noSplit.${problem.why}`);
  if (problem.optimizer) params.optimizer = catalogTitle('optimizer', { name: problem.optimizer, title: problem.optimizer });
  return params;
}

/**
 * The problem of a refusal in words, from its data (`null` for a kind the page does not know:
 * the lab's own sentence stands).
 */
function problemText(problem) {
  switch (problem?.kind) {
    case 'non_finite': return t('messages.problem.nonFinite');
    case 'wrong_type': return t('messages.problem.wrongType', { found: foundText(problem.found), expected: t(`messages.expected.${problem.expected}`) });
    case 'unknown_name': return t('messages.problem.unknownName', { found: foundText(problem.found), accepted: problem.accepted.join(', ') });
    case 'unknown_field': return t('messages.problem.unknownField', { accepted: problem.accepted.join(', ') });
    case 'missing': return problem.names.length
      ? t('messages.problem.missingName', { accepted: problem.names.join(', ') })
      : t('messages.problem.missing', { example: problem.example ?? '' });
    case 'not_json': return t('messages.problem.notJson', { line: problem.line, column: problem.column });
    case 'wrong_length': return t('messages.problem.wrongLength', {
      found: problem.found,
      unit: t(`messages.unit.${problem.unit}`, { count: problem.found }),
      expected: t(`messages.length.${Object.keys(problem.expected)[0]}`, { count: Object.values(problem.expected)[0] }),
    });
    case 'unfit': return problem.id === 'formula' ? typoText(problem.error) : t(`messages.unfit.${problem.id}`, unfitParams(problem));
    default: return null;
  }
}

/** The visible label of a form control (its <label> text, without the control's own value). */
export function labelOf(input) {
  if (input.labels?.length) {
    const label = input.labels[0];
    return [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim()
      || label.textContent.trim();
  }
  return input.getAttribute('aria-label') ?? input.id;
}

/** A bound as people read it: 10000, 0.95, 1e12 (a power of ten), −1e12, 9007199254740991. */
function bound(text) {
  const value = Number(text);
  const power = Math.abs(value) >= 1e6 && /^-?1e\+\d+$/.test(value.toExponential());
  return (power ? value.toExponential().replace('e+', 'e') : String(value)).replace(/-/g, '−');
}

/** What a person typed, quoted back with a typographic minus. */
function shown(text) {
  return text.replace(/-/g, '−');
}

/**
 * What a range accepts, in words: "a whole number from 1 to 10000", "a number from 0 to 1e12",
 * "a number above 0", "a number from 0 up to but not including 1". `range` is the lab's
 * (`{ min, max, min_open, max_open, whole }`, an absent end `null`).
 */
function acceptedRange({ min, max, min_open: minOpen, max_open: maxOpen, whole }) {
  const [low, high] = [min, max].map((b) => (b === null || b === undefined ? null : bound(String(b))));
  const open = (flag) => (flag ? 'Open' : 'Closed');
  if (low !== null && high !== null) return t(`messages.accept.between${open(minOpen)}${open(maxOpen)}`, { whole, low, high });
  if (low !== null) return t(`messages.accept.from${open(minOpen)}`, { whole, low });
  if (high !== null) return t(`messages.accept.to${open(maxOpen)}`, { whole, high });
  return t('messages.accept.any', { whole });
}

/**
 * What a number field accepts, from its min, max and step: "a whole number from 1 to 10000"; with
 * `data-min-open`, its min is excluded ("a number above 0, at most 100"), as the lab's range
 * for it (an input's own min cannot say so).
 */
function accepted(input) {
  const end = (b) => (b === '' ? null : Number(b));
  return acceptedRange({ min: end(input.min), max: end(input.max), min_open: minOpen(input), max_open: false, whole: input.step === '1' });
}

/** Whether the field's min is excluded (`data-min-open`). */
const minOpen = (input) => input.dataset.minOpen !== undefined;

/**
 * Reads a number field as a person filled it: `{ value }` (null when empty and `optional`), or
 * `{ problem }`, a sentence naming the field by its label and saying what it accepts. `text` and
 * `badInput` are what the person typed, when the field no longer shows it (the sentence worded
 * again in another language after the field was put back).
 */
export function readField(input, { optional = false, text: typed = input.value, badInput = input.validity?.badInput } = {}) {
  const label = labelOf(input);
  const example = input.dataset.example ?? '';
  const say = (id, extra = {}) => ({ problem: t(id, { label, accepted: accepted(input), example, ...extra }) });
  if (badInput) return say('messages.field.notANumber');
  const text = typed.trim();
  if (text === '') return optional ? { value: null } : say('messages.field.enter');
  const value = Number(text);
  if (!Number.isFinite(value)) return say('messages.field.enter');
  const problem = { label, value: shown(text), accepted: accepted(input) };
  if (input.step === '1' && !Number.isInteger(value)) return { problem: t('messages.notWhole', problem) };
  if (input.min !== '' && (value < Number(input.min) || (minOpen(input) && value === Number(input.min)))) return { problem: t('messages.tooSmall', problem) };
  if (input.max !== '' && value > Number(input.max)) return { problem: t('messages.tooLarge', problem) };
  return { value };
}
