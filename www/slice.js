// The last step in one dimension. For an L-BFGS racer with a strong-Wolfe line search:
// φ(α) = f(x + α·d) along its last search direction, every trial the search evaluated (numbered in
// order, with the slope φ′ there: green where the curvature condition holds), the
// sufficient-decrease line and the step accepted (Nocedal & Wright, Numerical Optimization, §3.1).
// For any other racer: φ along its last update, α = 1 where it landed, and the lowest point of the
// line — a step past 2/λ lands beyond twice that. The numbers come from the core
// (session::line_search); this module only draws them.
import { $ } from './dom.js';
import { num, numsApart, rate } from './format.js';
import { sentences, t } from './i18n.js';
import { shownCanvas } from './shown.js';

/** Canvas colours: the curve, the sufficient-decrease line, slopes that pass and fail. */
const INK = { curve: '#222', armijo: '#2a6fdb', pass: '#1a9641', fail: '#d7191c', accepted: '#e6550d', grid: '#ddd' };

/**
 * Shows the selected racer's last step: a line search of it when it is L-BFGS with a strong-Wolfe
 * line search (`searchAt(index)`: the lab's `line_search_json` for search `index` of the step, the
 * last for null; null when there is none), else `slice` (`step_slice_json`, or null); the box is
 * hidden when there is neither (before the first step). A step makes one search per inner
 * iteration: ◀ and ▶ go through them, and a new step shows its last again.
 */
export function showLastStep(searchAt, slice) {
  shown = { searchAt, slice };
  const box = $('line-search-box');
  let search = searchAt(chosen.index);
  if (search !== null && search.step !== chosen.step) {
    chosen = { index: null, step: search.step };
    search = searchAt(null);
  }
  box.hidden = search === null && slice === null;
  $('line-search-nav').hidden = search === null || search.searches < 2;
  if (search !== null) showSearch(box, search);
  else if (slice !== null) showSlice(box, slice);
}

/** The search chosen with ◀ ▶ (null: the step's last) and the step it belongs to. */
let chosen = { index: null, step: null };
/** What was last shown, to show again when ◀ ▶ choose another search. */
let shown = null;
/** The inset's canvas, drawn off the page and shown through a bitmap (shown.js). */
let picture = null;

/** Wires ◀ and ▶, which go through the searches of the shown step. */
export function setUpSearchNav() {
  const go = (delta) => {
    const search = shown?.searchAt(chosen.index);
    if (!search) return;
    const index = Math.min(search.searches - 1, Math.max(0, search.iteration - 1 + delta));
    chosen = { index, step: search.step };
    showLastStep(shown.searchAt, shown.slice);
  };
  $('search-previous').addEventListener('click', () => go(-1));
  $('search-next').addEventListener('click', () => go(1));
}

/**
 * The read-out when a step's start or end has no finite loss (the run overflowed: there is no
 * line to draw); the inset is cleared. Returns whether it was so.
 */
function showNotFinite(from, to) {
  if (Number.isFinite(from) && Number.isFinite(to)) return false;
  $('line-search-readout').textContent = t('slice.notFinite', { from: num(from), to: num(to) });
  if (picture) {
    picture.drawable().getContext('2d').clearRect(0, 0, picture.view.width, picture.view.height);
    picture.show();
  }
  return true;
}

function showSlice(box, slice) {
  $('line-search-hint').textContent = t('slice.sliceHint');
  if (showNotFinite(slice.loss, slice.landed)) return;
  // A step that did not move the loss at all (at a minimum's exact 0, or an update too small to
  // change a digit): the line is level, not "rising from the very start", and has no lowest point.
  const level = slice.curve.every(([, value]) => value === slice.loss) && slice.landed === slice.loss;
  $('line-search-readout').textContent = level ? t('slice.level', { from: num(slice.loss) }) : sloping(slice);
  if (!box.open) return;
  const plot = frame(slice.curve, [slice.loss, slice.landed], t('slice.phiStep'));
  plot.curve(slice.curve);
  plot.point(0, slice.loss, { fill: INK.curve, label: '0', radius: 3 });
  if (!level) plot.point(slice.lowest[0], slice.lowest[1], { fill: '#fff', stroke: INK.pass, label: '' });
  plot.point(1, slice.landed, { fill: INK.accepted, label: '1' });
  plot.done();
}

/** The read-out of a line the loss moves along: where the step landed against its lowest point. */
function sloping(slice) {
  const at = slice.lowest[0];
  let ratio = t('slice.near');
  if (at === 0) ratio = t('slice.uphill');
  else if (at < 0.95) ratio = t('slice.past', { times: num(1 / at) });
  else if (at > 1.05) ratio = t('slice.short');
  const [from, to] = numsApart(slice.loss, slice.landed);
  const words = { from, to, lowest: numsApart(slice.loss, slice.lowest[1])[1], at: num(at), ratio };
  // The lowest point sampled is the end of the plot when the loss is still falling there.
  const end = slice.curve.at(-1)?.[0] ?? 2;
  let text = t(at >= end ? 'slice.sliceBeyond' : 'slice.slice', words);
  // The curvature along the step ties the slice to the read-out's 2/λmax (which is its worst case).
  const c = slice.curvature;
  if (c !== null && c !== undefined) {
    // (No curvature along it, to rounding: a straight line, which no step overshoots.)
    const key = Math.abs(c) <= 1e-12 ? 'slice.alongFlat' : c > 0 ? 'slice.along' : 'slice.alongDown';
    text = sentences(text, t(key, { c: num(c), limit: c > 0 ? rate(2 / c) : '' }));
  }
  return text;
}

function showSearch(box, search) {
  $('line-search-hint').textContent = t('slice.searchHint');
  const readout = $('line-search-readout');
  const [, acceptedValue, acceptedSlope] = search.trials.find((trial) => trial[0] === search.accepted) ?? [0, NaN, NaN];
  if (showNotFinite(search.loss, acceptedValue)) return;
  const [from, to] = numsApart(search.loss, acceptedValue);
  $('search-which').textContent = t('slice.which', { k: search.iteration, n: search.searches });
  $('search-previous').disabled = search.iteration <= 1;
  $('search-next').disabled = search.iteration >= search.searches;
  readout.textContent = t('slice.search', {
    iteration: search.iteration,
    trials: search.trials.length,
    accepted: num(search.accepted),
    from,
    to,
    slope: num(Math.abs(acceptedSlope)),
    bound: num(search.c2 * Math.abs(search.slope)),
  });
  if (!box.open) return;
  const plot = frame(search.curve, [search.loss]);
  plot.curve(search.curve);
  plot.armijo(search);
  plot.trials(search);
  plot.done();
}

/**
 * Sizes the inset's canvas, draws the axes for `curve` (and the `extra` values that must fit, the
 * start first; the value axis named `axisName`) and returns the painters of the inset's parts,
 * each drawing in the plot's coordinates; `done()` shows the picture.
 */
function frame(curve, extra, axisName = t('slice.phi')) {
  picture ??= shownCanvas($('line-search'));
  const { view } = picture;
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(200, view.parentElement.clientWidth - 4);
  const height = 180;
  if (view.width !== Math.round(width * dpr)) {
    view.style.width = `${width}px`;
    view.style.height = `${height}px`;
    view.width = Math.round(width * dpr);
    view.height = Math.round(height * dpr);
  }
  const g = picture.drawable().getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  const pad = { left: 44, right: 10, top: 10, bottom: 30 };
  g.font = '11px sans-serif';
  const alphaEnd = curve.at(-1)?.[0] ?? 1;
  const values = curve.map((p) => p[1]);
  const start = extra[0];
  const low = Math.min(...values, ...extra);
  // Far-off trials would flatten the curve: its top is at most the start plus twice its drop,
  // though every value in `extra` stays in view.
  const high = Math.max(Math.min(Math.max(...values), start + 2 * Math.max(start - low, 1e-12)), ...extra);
  const span = high - low || 1;
  // The value axis's labels (6.330e−7) fit between the rotated axis name and the plot.
  pad.left = Math.max(pad.left, Math.ceil(Math.max(...[high, low].map((v) => g.measureText(num(v)).width))) + 22);
  const x = (a) => pad.left + (0.03 + 0.94 * (a / alphaEnd)) * (width - pad.left - pad.right);
  // Margins of 6 % above and below and 3 % either side, so a point at an end is drawn whole.
  const y = (v) => pad.top + (0.94 - 0.88 * (v - low) / span) * (height - pad.top - pad.bottom);
  g.strokeStyle = INK.grid;
  g.lineWidth = 1;
  g.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.textAlign = 'center';
  g.fillText(t('slice.alpha'), (pad.left + width - pad.right) / 2, height - 6);
  g.fillText('0', x(0), height - 18);
  g.fillText(num(alphaEnd), x(alphaEnd) - 10, height - 18);
  g.textAlign = 'right';
  g.fillText(num(high), pad.left - 4, y(high) + 4);
  g.fillText(num(low), pad.left - 4, y(low) + 4);
  g.save();
  g.translate(10, (pad.top + height - pad.bottom) / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText(axisName, 0, 0);
  g.restore();
  g.save();
  g.beginPath();
  g.rect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  g.clip();
  // A point above the top is drawn on the top edge (the curve itself is clipped there).
  const point = (a, value, { fill, stroke = INK.curve, label, radius = 4 }) => {
    const v = Math.min(value, high);
    g.beginPath();
    g.arc(x(a), y(v), radius, 0, 2 * Math.PI);
    g.fillStyle = fill;
    g.fill();
    g.strokeStyle = stroke;
    g.lineWidth = 1.5;
    g.stroke();
    if (label) {
      g.fillStyle = INK.curve;
      g.textAlign = 'left';
      // Above the point, or below it where the top would cut the label.
      g.fillText(label, x(a) + 6, y(v) - 6 < pad.top + 10 ? y(v) + 14 : y(v) - 6);
    }
  };
  return {
    /** φ itself. */
    curve(points) {
      g.strokeStyle = INK.curve;
      g.lineWidth = 1.5;
      g.beginPath();
      points.forEach(([a, v], i) => (i === 0 ? g.moveTo(x(a), y(v)) : g.lineTo(x(a), y(v))));
      g.stroke();
    },
    point,
    /** The sufficient-decrease (Armijo) line φ(0) + c₁·α·φ′(0). */
    armijo(search) {
      g.strokeStyle = INK.armijo;
      g.setLineDash([5, 4]);
      g.beginPath();
      g.moveTo(x(0), y(search.loss));
      g.lineTo(x(alphaEnd), y(search.loss + search.c1 * alphaEnd * search.slope));
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = INK.armijo;
      g.textAlign = 'right';
      g.fillText(t('slice.armijo'), width - pad.right - 4, pad.top + 24);
    },
    /** Each trial: its slope φ′(α) as a short tangent, green where |φ′(α)| ≤ c₂·|φ′(0)|. */
    trials(search) {
      const bound = search.c2 * Math.abs(search.slope);
      const reach = 0.06 * alphaEnd;
      search.trials.forEach(([a, v, slope], i) => {
        g.strokeStyle = Math.abs(slope) <= bound ? INK.pass : INK.fail;
        g.lineWidth = 2;
        g.beginPath();
        g.moveTo(x(a - reach), y(v - reach * slope));
        g.lineTo(x(a + reach), y(v + reach * slope));
        g.stroke();
        const accepted = a === search.accepted;
        point(a, v, { fill: accepted ? INK.accepted : '#fff', label: String(i + 1), radius: accepted ? 5 : 4 });
      });
    },
    done() {
      g.restore();
      picture.show();
    },
  };
}
