// The numbers the page writes for people (www/format.js): compact, never "NaN", and two numbers
// that differ never written alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { num, numsApart } from '../../www/format.js';

test('num: 4 significant digits, scientific outside [1e-3, 1e4), a dash for no number', () => {
  assert.equal(num(123.456), '123.5');
  assert.equal(num(-0.5), '−0.5');
  assert.equal(num(1e-5), '1.000e−5');
  assert.equal(num(NaN), '—');
  assert.equal(num(-Infinity), '−∞');
  assert.equal(num(0.0445912, 6), '0.0445912');
});

test('numsApart: as many more digits as it takes to tell two numbers apart', () => {
  assert.deepEqual(numsApart(0.0445912, 0.0445907), ['0.0445912', '0.0445907']);
  assert.deepEqual(numsApart(11.22, 23.9), ['11.22', '23.9']);
  assert.deepEqual(numsApart(0, 0), ['0', '0']);
  assert.deepEqual(numsApart(-2.084e178, -2.0840001e178), ['−2.0840000e+178', '−2.0840001e+178']);
  // The closest two doubles still differ in 17 digits.
  const [a, b] = numsApart(0.1, 0.1 + Number.EPSILON / 8);
  assert.notEqual(a, b);
});
