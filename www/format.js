// Number formatting for readouts: short, exact enough to read, never "NaN" on screen.

/** A compact number: 4 significant digits, scientific outside [1e-3, 1e4). */
export function num(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e4)) {
    return value.toExponential(3).replace('-', '−');
  }
  return Number(value.toPrecision(4)).toString().replace('-', '−');
}

/** A learning rate as people write it: 0.001, 0.05, 1e-6. */
export function rate(value) {
  if (!Number.isFinite(value)) return '—';
  if (value !== 0 && (value < 1e-3 || value >= 1e4)) return value.toExponential(1).replace('e-', 'e−');
  return Number(value.toPrecision(3)).toString();
}

/** Parses a number field: a finite number, or null when empty or not a number. */
export function readNumber(input) {
  if (input.value.trim() === '') return null;
  const value = Number(input.value);
  return Number.isFinite(value) ? value : null;
}
