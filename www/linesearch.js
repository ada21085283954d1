// The line search, drawn: for an L-BFGS racer with a strong-Wolfe line search, φ(α) = f(x + α·d)
// along its last search direction, every trial the search evaluated (numbered in order, with the
// slope φ′ there: green where the curvature condition holds), the sufficient-decrease line and
// the step accepted (Nocedal & Wright, Numerical Optimization, §3.1). The numbers come from the
// core (session::line_search); this module only draws them.
import { $ } from './dom.js';
import { num } from './format.js';

/** The words of this inset, kept together for the language catalogues. */
const WORDS = {
  alpha: 'step length α',
  phi: 'φ(α) = f(x + α·d)',
  armijo: 'sufficient decrease',
  readout: ({ iteration, trials, accepted, from, to, slope, bound }) => `Inner iteration ${iteration} of the last step: ${trials === 1 ? '1 trial' : `${trials} trials`}; α = ${accepted} accepted. Sufficient decrease: φ fell from ${from} to ${to}. Curvature: |φ′(α)| = ${slope} ≤ c₂·|φ′(0)| = ${bound}.`,
  none: 'Select an L-BFGS racer with the strong-Wolfe line search, and take a step.',
};

/** Canvas colours: the curve, the sufficient-decrease line, slopes that pass and fail. */
const INK = { curve: '#222', armijo: '#2a6fdb', pass: '#1a9641', fail: '#d7191c', accepted: '#e6550d', grid: '#ddd' };

/**
 * Shows `search` (the lab's `line_search_json` of the selected racer, or null) in the inset:
 * the box is shown only when there is a search to draw.
 */
export function showLineSearch(search) {
  const box = $('line-search-box');
  const readout = $('line-search-readout');
  box.hidden = search === null;
  if (search === null) {
    readout.textContent = WORDS.none;
    return;
  }
  const [, , acceptedSlope] = search.trials.find((t) => t[0] === search.accepted) ?? [0, 0, NaN];
  const acceptedValue = search.trials.find((t) => t[0] === search.accepted)?.[1];
  readout.textContent = WORDS.readout({
    iteration: search.iteration,
    trials: search.trials.length,
    accepted: num(search.accepted),
    from: num(search.loss),
    to: num(acceptedValue),
    slope: num(Math.abs(acceptedSlope)),
    bound: num(search.c2 * Math.abs(search.slope)),
  });
  if (!box.open) return;
  draw($('line-search'), search);
}

function draw(canvas, search) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(200, canvas.parentElement.clientWidth - 4);
  const height = 180;
  if (canvas.width !== Math.round(width * dpr)) {
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  const pad = { left: 44, right: 10, top: 10, bottom: 30 };
  const alphaEnd = search.curve.at(-1)?.[0] ?? 1;
  const values = search.curve.map((p) => p[1]);
  const low = Math.min(...values, ...search.trials.map((t) => t[1]));
  // Far-off trials would flatten the curve: the top is at most twice the drop below φ(0) above it.
  const high = Math.min(Math.max(...values), search.loss + 2 * Math.max(search.loss - low, 1e-12));
  const span = high - low || 1;
  const x = (a) => pad.left + (a / alphaEnd) * (width - pad.left - pad.right);
  const y = (v) => pad.top + (1 - (Math.min(v, high) - low) / span) * (height - pad.top - pad.bottom);
  // Axes and their names.
  g.strokeStyle = INK.grid;
  g.lineWidth = 1;
  g.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.textAlign = 'center';
  g.fillText(WORDS.alpha, (pad.left + width - pad.right) / 2, height - 6);
  g.fillText('0', x(0), height - 18);
  g.fillText(num(alphaEnd), x(alphaEnd) - 10, height - 18);
  g.textAlign = 'right';
  g.fillText(num(high), pad.left - 4, pad.top + 8);
  g.fillText(num(low), pad.left - 4, height - pad.bottom);
  g.save();
  g.translate(10, (pad.top + height - pad.bottom) / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText(WORDS.phi, 0, 0);
  g.restore();
  g.save();
  g.beginPath();
  g.rect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  g.clip();
  // φ itself.
  g.strokeStyle = INK.curve;
  g.lineWidth = 1.5;
  g.beginPath();
  search.curve.forEach(([a, v], i) => (i === 0 ? g.moveTo(x(a), y(v)) : g.lineTo(x(a), y(v))));
  g.stroke();
  // The sufficient-decrease (Armijo) line φ(0) + c₁·α·φ′(0).
  g.strokeStyle = INK.armijo;
  g.setLineDash([5, 4]);
  g.beginPath();
  g.moveTo(x(0), y(search.loss));
  g.lineTo(x(alphaEnd), y(search.loss + search.c1 * alphaEnd * search.slope));
  g.stroke();
  g.setLineDash([]);
  // Each trial: its slope φ′(α) as a short tangent, green where |φ′(α)| ≤ c₂·|φ′(0)|.
  const bound = search.c2 * Math.abs(search.slope);
  const reach = 0.06 * alphaEnd;
  search.trials.forEach(([a, v, slope], i) => {
    const accepted = a === search.accepted;
    g.strokeStyle = Math.abs(slope) <= bound ? INK.pass : INK.fail;
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(x(a - reach), y(v - reach * slope));
    g.lineTo(x(a + reach), y(v + reach * slope));
    g.stroke();
    g.beginPath();
    g.arc(x(a), y(v), accepted ? 5 : 4, 0, 2 * Math.PI);
    g.fillStyle = accepted ? INK.accepted : '#fff';
    g.fill();
    g.strokeStyle = INK.curve;
    g.lineWidth = 1.2;
    g.stroke();
    g.fillStyle = INK.curve;
    g.textAlign = 'left';
    g.fillText(String(i + 1), x(a) + 6, y(v) - 6);
  });
  g.restore();
  g.fillStyle = INK.armijo;
  g.textAlign = 'right';
  g.fillText(WORDS.armijo, width - pad.right - 4, pad.top + 12);
}
