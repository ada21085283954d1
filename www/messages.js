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
  'objective.points': 'Your data (CSV)',
  'objective.l2': 'L2',
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
 * the first, which one), then the lab's reason. `titles[i]` names racer i.
 */
export function refusalText(error, titles = []) {
  const field = typeof error?.field === 'string' ? error.field : '';
  const reason = typeof error?.reason === 'string' ? error.reason : String(error?.message ?? error);
  let path = field;
  let racer = 0;
  const raced = /^race\[(\d+)\]\.(.*)$/.exec(field);
  if (raced) {
    racer = Number(raced[1]) + 1;
    path = raced[2] === 'batch_size' ? 'batch_size' : raced[2];
  }
  const label = labelOfPath(path);
  const who = racer > 0 ? ` (optimizer ${racer + 1}${titles[racer] ? `, ${titles[racer]}` : ''})` : '';
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

/** What a number field accepts, from its min, max and step: "a whole number from 1 to 10000". */
function accepted(input) {
  const whole = input.step === '1';
  const kind = whole ? 'a whole number' : 'a number';
  const [min, max] = [input.min, input.max].map((b) => (b === '' ? '' : bound(b)));
  if (min !== '' && max !== '') return `${kind} from ${min} to ${max}`;
  if (min !== '') return `${kind} ≥ ${min}`;
  if (max !== '') return `${kind} ≤ ${max}`;
  return kind;
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
