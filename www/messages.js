// Words for people: a refusal names the control as its label does and says what is accepted.
// The lab refuses with the field's path (`race[1].optimizer.betas[0]`); the page owns the labels.

/** The label of each scenario field, as the panel shows it. */
const FIELD_LABELS = {
  'optimizer.name': 'Optimizer',
  'optimizer.lr': 'Learning rate',
  'optimizer.momentum': 'Momentum',
  batch_size: 'Batch size',
  clip_norm: 'Gradient clipping',
  seed: 'Seed',
  steps: 'Step budget',
  start: 'Start',
  'start[0]': 'Start x',
  'start[1]': 'Start y',
  'stop.loss_below': 'Stop when loss below',
  'noise.sigma': 'Gradient noise σ',
  'schedule.step_size': 'Step size',
  'schedule.gamma': 'γ (gamma)',
  'schedule.t_max': 'T_max (steps)',
  'schedule.eta_min': 'η_min',
  'objective.kappa': 'Condition number κ',
  'objective.angle': 'Angle (radians)',
  'objective.expr': 'Function f(x, y)',
  'objective.dataset.n': 'Points',
  'objective.dataset.noise': 'Noise',
  'objective.dataset.test_fraction': 'Test fraction',
  'objective.dataset.seed': 'Data seed',
  'objective.dataset.classes': 'Classes',
  'objective.points': 'Your data (CSV)',
  'objective.l2': 'L2',
  'objective.l1': 'L1',
  'stop.patience': 'Early stopping patience (epochs)',
  'stop.restore_best': 'Restore the best epoch’s weights',
  'objective.layers': 'Units in hidden layer',
  'objective.activation': 'Activation',
  'objective.activations': 'Activation',
  'objective.loss': 'Loss',
  'objective.init': 'Initialisation',
};

/** Labels of the hyper-parameters under "More hyper-parameters" (lists: one per entry). */
export const HYPER_LABELS = {
  betas: ['β₁', 'β₂'], eps: 'ε (eps)', weight_decay: 'Weight decay', dampening: 'Dampening', nesterov: 'Nesterov',
  amsgrad: 'AMSGrad', alpha: 'α (alpha)', centered: 'Centered', rho: 'ρ (rho)', lr_decay: 'lr decay',
  initial_accumulator_value: 'Initial accumulator', momentum_decay: 'Momentum decay', damping: 'Damping',
  max_iter: 'Iterations per step', max_eval: 'Evaluations per step', tolerance_grad: 'Gradient tolerance',
  tolerance_change: 'Change tolerance', history_size: 'History size', line_search_fn: 'Line search',
};

/** The label of a field path such as `optimizer.betas[0]` (`null` when the page has none). */
function labelOfPath(path) {
  if (FIELD_LABELS[path]) return FIELD_LABELS[path];
  const hyper = /^optimizer\.(\w+)(?:\[(\d+)\])?$/.exec(path);
  if (hyper) {
    const label = HYPER_LABELS[hyper[1]];
    if (Array.isArray(label)) return label[Number(hyper[2] ?? 0)] ?? null;
    if (label) return label;
  }
  const layer = /^objective\.layers\[(\d+)\]$/.exec(path);
  if (layer) return `Units in hidden layer ${Number(layer[1])}`;
  return null;
}

/**
 * A refusal from the lab as a sentence for people: the control's label (and, for a racer beyond
 * the first, which one), then what is wrong and what is accepted — worded here from the
 * refusal's data (`error.problem`) where the page knows how, else the lab's reason.
 * `titles[i]` names racer i.
 */
export function refusalText(error, titles = []) {
  const field = typeof error?.field === 'string' ? error.field : '';
  const reason = typeof error?.reason === 'string' ? error.reason : String(error?.message ?? error);
  let path = field;
  let racer = 0;
  const raced = /^race\[(\d+)\]\.(.*)$/.exec(field);
  if (raced) {
    racer = Number(raced[1]) + 1;
    path = raced[2];
  }
  const label = labelOfPath(path);
  const who = racer > 0 ? ` (optimizer ${racer + 1}${titles[racer] ? `, ${titles[racer]}` : ''})` : '';
  const problem = error?.problem;
  if (label && problem?.kind === 'out_of_range' && Number.isFinite(problem.value)) {
    const { range, value } = problem;
    const side = range.min !== null && (value < range.min || (range.min_open && value === range.min)) ? 'too small' : 'too large';
    const which = range.whole && !Number.isInteger(value) ? 'not a whole number' : side;
    return `${label}${who}: ${bound(String(value))} is ${which} — enter ${acceptedRange(range)}.`;
  }
  return label ? `${label}${who}: ${reason}` : `${field ? `${field}: ` : ''}${reason}`;
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
  const kind = whole ? 'a whole number' : 'a number';
  const [low, high] = [min, max].map((b) => (b === null || b === undefined ? null : bound(String(b))));
  if (low !== null && high !== null) {
    if (minOpen && !maxOpen) return `${kind} above ${low}, at most ${high}`;
    if (!minOpen && maxOpen) return `${kind} from ${low} up to but not including ${high}`;
    if (minOpen && maxOpen) return `${kind} between ${low} and ${high}, ends excluded`;
    return `${kind} from ${low} to ${high}`;
  }
  if (low !== null) return minOpen ? `${kind} above ${low}` : `${kind} ≥ ${low}`;
  if (high !== null) return maxOpen ? `${kind} below ${high}` : `${kind} ≤ ${high}`;
  return whole ? kind : 'a finite number';
}

/** What a number field accepts, from its min, max and step: "a whole number from 1 to 10000". */
function accepted(input) {
  const end = (b) => (b === '' ? null : Number(b));
  return acceptedRange({ min: end(input.min), max: end(input.max), min_open: false, max_open: false, whole: input.step === '1' });
}

/**
 * Reads a number field as a person filled it: `{ value }` (null when empty and `optional`), or
 * `{ problem }`, a sentence naming the field by its label and saying what it accepts.
 */
export function readField(input, { optional = false } = {}) {
  const label = labelOf(input);
  const example = input.dataset.example ? `, e.g. ${input.dataset.example}` : '';
  if (input.validity?.badInput) return { problem: `${label}: that is not a number — enter ${accepted(input)}${example}.` };
  const text = input.value.trim();
  if (text === '') {
    return optional ? { value: null } : { problem: `${label}: enter ${accepted(input)}${example}.` };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return { problem: `${label}: enter ${accepted(input)}${example}.` };
  if (input.step === '1' && !Number.isInteger(value)) return { problem: `${label}: ${shown(text)} is not a whole number — enter ${accepted(input)}.` };
  if (input.min !== '' && value < Number(input.min)) return { problem: `${label}: ${shown(text)} is too small — enter ${accepted(input)}.` };
  if (input.max !== '' && value > Number(input.max)) return { problem: `${label}: ${shown(text)} is too large — enter ${accepted(input)}.` };
  return { value };
}
