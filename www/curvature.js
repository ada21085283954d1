// The curvature read-out: at the selected racer's point, the Hessian's eigenvalues λmax and λmin,
// the condition number κ and the stability limit 2/λmax — and that limit marked on the
// learning-rate slider, so a learner sees the step size cross it. The numbers come from the core
// (objective::curvature); the glyph on the surface is drawn with the markers.
import { $ } from './dom.js';
import { ladderPosition, num, rate } from './format.js';
import { catalogTitle, sentences, t } from './i18n.js';
import { offMap } from './legend.js';

/**
 * The slider position (0…1) of learning rate `value` on the log-spaced `ladder`, interpolated
 * between notches on a log scale; `null` outside the ladder.
 */
export function ladderFraction(ladder, value) {
  if (!(value >= ladder[0] && value <= ladder[ladder.length - 1])) return null;
  return ladderPosition(ladder, value) / (ladder.length - 1);
}

/**
 * Shows racer `selected`'s curvature (from `state`) in the read-out and the stability limit on
 * the learning-rate slider when `shown`; hides both otherwise. `name` is the racer's label;
 * `flat` whether the 2-D map is shown (not the 3-D view), where the glyph is drawn at the point.
 */
export function showCurvature({ state, selected, shown, name, ladder, flat: onMap = true }) {
  const readout = $('curvature-readout');
  const mark = $('lr-edge');
  const racer = state.racers[selected];
  const curvature = shown ? racer?.curvature : null;
  readout.hidden = !shown || state.network;
  mark.hidden = true;
  if (readout.hidden) return;
  if (!curvature) {
    readout.textContent = t('curvature.none');
    return;
  }
  const { lambda_max: max, lambda_min: min, condition, stability_limit: limit } = curvature;
  const parts = [t('curvature.heading', { name })];
  // The sentences point at the glyph only where it is on screen: the 2-D map, the racer inside
  // its view (the 3-D view draws no glyph, and a racer off the map has none to see).
  const where = onMap && !offMap(state, racer) ? '' : 'NoGlyph';
  // A curvature this small beside the other (or below 1e−12) is none: the loss is flat that way
  // (x², a plane, a kink the Hessian does not see), neither curving up nor down.
  const flat = (lambda) => Math.abs(lambda) <= 1e-12 * Math.max(1, Math.abs(max), Math.abs(min));
  const words = { max: num(max), min: num(min) };
  if (flat(max) && flat(min)) parts.push(t('curvature.flat', words));
  else if (flat(min)) parts.push(t(max > 0 ? 'curvature.valley' : 'curvature.ridge', words));
  else if (flat(max)) parts.push(t(min > 0 ? 'curvature.valley' : 'curvature.ridge', words));
  else if (min > 0) parts.push(t('curvature.bowl', { ...words, kappa: num(condition) }));
  else if (max > 0) parts.push(t(`curvature.saddle${where}`, words));
  else parts.push(t('curvature.cap', words));
  // The racer's own limit: 2/λmax for plain SGD, more with momentum; none where the learning
  // rate is not a step along the gradient (Adam, L-BFGS, …), which is said instead.
  const own = racer.step_limit;
  let past = false;
  if (limit !== null && !own) {
    parts.push(t('curvature.notStep', { limit: rate(limit), optimizer: catalogTitle('optimizer', { name: racer.name, title: racer.title }) }));
  } else if (own) {
    const onEdge = Math.abs(racer.lr - own.lr) <= 1e-9 * own.lr;
    past = racer.lr > own.lr && !onEdge;
    const plain = own.rule === 'plain';
    const words = { lr: rate(racer.lr), limit: rate(own.lr), rule: plain ? '' : t(`curvature.rule.${own.rule}`), mu: num(own.momentum), plain: limit === null ? '' : rate(limit) };
    if (plain && onEdge) parts.push(t('curvature.at', words));
    else if (plain) parts.push(t(past ? `curvature.past${where}` : 'curvature.within', words));
    else parts.push(t(past ? `curvature.pastRule${where}` : 'curvature.withinRule', words));
    const fraction = ladderFraction(ladder, own.lr);
    if (fraction !== null) {
      mark.hidden = false;
      // The thumb's centre runs from half a thumb in from either end of the track.
      mark.style.left = `calc(${fraction} * (100% - 16px) + 8px)`;
      mark.title = t(plain ? 'curvature.mark' : 'curvature.markRule', words);
      mark.classList.toggle('crossed', past);
    }
  }
  readout.textContent = sentences(...parts);
  readout.classList.toggle('past-edge', past);
}
