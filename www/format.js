// Number formatting for readouts: short, exact enough to read, never "NaN" on screen. Text built
// here is for people (typographic minus); values sent back to the lab are the numbers themselves.

/** A compact number: 4 significant digits (or `digits`), scientific outside [1e-3, 1e4). */
export function num(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e4)) {
    return value.toExponential(digits - 1).replace(/-/g, '−');
  }
  return Number(value.toPrecision(digits)).toString().replace('-', '−');
}

/**
 * Two numbers as [`num`] writes them, with as many more digits (up to 17) as it takes to tell
 * them apart when they differ: a step that moved the loss from 0.0445912 to 0.0445907 reads
 * "0.044591 to 0.044591" no more.
 */
export function numsApart(a, b) {
  let digits = 4;
  while (a !== b && num(a, digits) === num(b, digits) && digits < 17) digits += 1;
  return [num(a, digits), num(b, digits)];
}

/** Epochs completed as a counter shows them: 0.08, 3.33, 125, 20000 (not 2.000e+4). */
export function epochs(value) {
  return Number.isFinite(value) && Math.abs(value) >= 1e4 ? value.toFixed(0) : num(value);
}

/** A learning rate as people write it: 0.001, 0.05, 1e−6. */
export function rate(value) {
  if (!Number.isFinite(value)) return '—';
  if (value !== 0 && (value < 1e-3 || value >= 1e4)) {
    return Number(value.toPrecision(3)).toExponential().replace('e+', 'e').replace('e-', 'e−');
  }
  return Number(value.toPrecision(3)).toString();
}

/**
 * A whole number with its digits in groups of three, as the page writes counts: "20 000". Not
 * toLocaleString: the page's first use of Intl costs tens of milliseconds before the first paint.
 */
export function grouped(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** "1 point", "50 points". */
export function count(n, noun, plural = `${noun}s`) {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** 1, 2, 5, 10, 20, 50, … from `low` to `high` (both powers of ten), exact decimals. */
export function oneTwoFive(low, high) {
  const values = [];
  for (let exponent = Math.round(Math.log10(low)); exponent <= Math.round(Math.log10(high)); exponent += 1) {
    for (const mantissa of [1, 2, 5]) {
      const value = Number(`${mantissa}e${exponent}`);
      if (value <= high) values.push(value);
    }
  }
  return values;
}

/**
 * Where `value` stands on the increasing, log-spaced `ladder`, as a fractional index: `i` at notch
 * `i`, between two notches as far along as it is on a log scale, and held at the ends beyond
 * them (0 for a value that is not a positive number).
 */
export function ladderPosition(ladder, value) {
  const last = ladder.length - 1;
  if (!(value > ladder[0])) return 0;
  if (value >= ladder[last]) return last;
  let i = 0;
  while (value > ladder[i + 1]) i += 1;
  return i + Math.log(value / ladder[i]) / Math.log(ladder[i + 1] / ladder[i]);
}
