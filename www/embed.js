// Embed mode (`embed=1`): the demo alone, fitted to its frame — the canvas, the transport and the
// controls named in `controls=` (plus what an embedded lesson's text talks about), moved into a
// strip under the canvas. The page's layout fits the frame's height (see style.css, body.embed).
import { $ } from './dom.js';
import { t } from './i18n.js';

/** What each name in `controls=` shows: the element moved into the strip. */
const PIECES = {
  surface: () => $('surface').closest('.field'),
  optimizer: () => $('optimizer').closest('.field'),
  lr: () => $('lr').closest('.field'),
  momentum: () => $('momentum').closest('label'),
  batch: () => $('batch-box'),
  seed: () => $('seed').closest('label'),
  schedule: () => $('schedule').closest('.field'),
  dataset: () => $('dataset').closest('.field'),
  noise: () => $('net-noise').closest('label'),
  legend: () => $('legend-box'),
  theory: () => $('theory'),
  readout: () => $('readout'),
  curvature: () => $('curvature-readout'),
  norms: () => $('norms-box'),
  chart: () => $('chart-box'),
};

/** The names `controls=` accepts. */
export const EMBED_PIECES = Object.keys(PIECES);

/** Lays the page out for a frame, showing the pieces named (unknown names are ignored). */
export function setUpEmbed(names) {
  document.body.classList.add('embed');
  const strip = $('embed-controls');
  const wide = $('embed-wide');
  for (const name of new Set(names)) {
    const piece = PIECES[name]?.();
    if (!piece) continue;
    piece.classList.add('embedded');
    // The legend, the chart and the panels go beside the canvas; controls go under it.
    (['chart', 'legend', 'theory', 'norms', 'readout', 'curvature'].includes(name) ? wide : strip).append(piece);
  }
  strip.hidden = strip.children.length === 0;
  wide.hidden = wide.children.length === 0;
  // A frame wide enough puts the legend, chart and panels beside the canvas (style.css).
  document.body.classList.toggle('embed-side', !wide.hidden);
}

/**
 * The origin an embed URL's `host=` names, or null when it names none; `ignored` hears about a
 * value that is not an origin (and the frame then accepts no host's messages but the parent's).
 */
export function hostOrigin(params, ignored) {
  const host = params.get('host');
  if (host === null) return null;
  try {
    const origin = new URL(host).origin;
    if (origin !== 'null' && origin === host.replace(/\/$/, '')) return origin;
  } catch {
    // Refused below with the accepted form.
  }
  ignored.push(t('main.ignored.host', { host }));
  return null;
}
