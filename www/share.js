// Share / Embed: the link and an iframe snippet (each with a Copy button), export (a PNG with its
// legend, ready for a slide; CSV trajectories; the JSON scenario) and import (JSON).
import { $ } from './dom.js';
import { CANVAS_FONTS, t } from './i18n.js';
import { reasonText } from './messages.js';

/** Offers `blob` as a file download named `name`. */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * One picture of the stage for a slide: the view on screen (the heat map with trails and markers,
 * or the 3-D view) composited, and under it a legend — one row per racer: its colour, its label and how it stands.
 */
export function stageImage(canvases, rows) {
  const dpr = window.devicePixelRatio || 1;
  const rowHeight = Math.round(22 * dpr);
  const out = document.createElement('canvas');
  out.width = canvases.heat.width;
  out.height = canvases.heat.height + rowHeight * rows.length + Math.round(10 * dpr);
  const context = out.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, out.width, out.height);
  // The view on screen: each canvas of the stage that shows (the plane's or the 3-D view's, the
  // decision boundary under the plotting area, linear regression's inset of the data), in order,
  // where and as large as it shows.
  for (const canvas of canvases.heat.parentElement.querySelectorAll('canvas')) {
    const style = getComputedStyle(canvas);
    if (style.display === 'none' || style.visibility === 'hidden' || canvas.width === 0) continue;
    const [x, y, w, h] = [canvas.offsetLeft, canvas.offsetTop, canvas.offsetWidth, canvas.offsetHeight].map((v) => v * dpr);
    if (canvas.classList.contains('inset')) {
      // Its card, as the page draws it: white behind, a thin border.
      context.fillStyle = style.backgroundColor;
      context.fillRect(x, y, w, h);
      context.strokeStyle = style.borderTopColor;
      context.lineWidth = dpr;
      context.strokeRect(x, y, w, h);
    }
    context.drawImage(canvas, x, y, w, h);
  }
  context.font = `${Math.round(14 * dpr)}px ${CANVAS_FONTS}`;
  context.textBaseline = 'middle';
  rows.forEach((row, index) => {
    const y = canvases.heat.height + Math.round(5 * dpr) + index * rowHeight + rowHeight / 2;
    const x = Math.round(12 * dpr);
    const size = Math.round(14 * dpr);
    context.fillStyle = row.color;
    context.fillRect(x, y - size / 2, size, size);
    context.strokeStyle = '#333';
    context.strokeRect(x, y - size / 2, size, size);
    context.fillStyle = '#1d1d28';
    context.fillText(t('share.legendRow', { label: row.label, status: row.status }), x + size + Math.round(8 * dpr), y);
  });
  return out;
}

/** Copies `text`, falling back to selecting `field` and the browser's copy command. */
async function copy(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/**
 * Why `text` is not a scenario's JSON, in words: the lab reads it (and keeps its own scenario)
 * to say the line and column where it stops being JSON.
 */
function notJson(lab, text) {
  try {
    lab.load(text);
  } catch (refusal) {
    const { problem } = refusal ?? {};
    if (problem?.kind === 'not_json') return t('share.notJson', { line: problem.line, column: problem.column });
    return t('messages.labelled', { label: t('page.importJson'), text: reasonText(refusal) });
  }
  return t('share.notJson', { line: 1, column: 1 });
}

/**
 * Wires the dialog. `pageQuery()` is the page's whole state as a query; `legendRows()` the
 * racers as the legend shows them; `replace(scenario)` loads an imported scenario;
 * `digitsOpen()` whether the digits lab is on screen.
 */
export function setUpSharing({ lab, canvases, replace, pageQuery, legendRows, digitsOpen }) {
  const dialog = $('share');
  const base = () => `${window.location.origin}${window.location.pathname}`;
  const note = $('copy-note');
  $('share-open').addEventListener('click', () => {
    const query = pageQuery({ embed: false });
    $('share-link').value = `${base()}${query}`;
    // The embed code and the exports are the surface and network labs': with the digits lab
    // open, its link alone, and a sentence that says so.
    const digits = digitsOpen();
    const scenario = digits ? null : JSON.parse(lab.scenario_json());
    // The frame's controls: the learning rate, and the batch size where it changes something —
    // on data, or on a surface with gradient noise (on a plain surface it does nothing).
    const batchMatters = scenario !== null && (scenario.objective.kind !== 'surface' || Boolean(scenario.noise));
    const controls = batchMatters ? 'lr,batch' : 'lr';
    $('share-embed').value = `<iframe src="${base()}${query}&embed=1&controls=${controls}" width="760" height="680" title="${t('share.frameTitle')}" loading="lazy" style="border:0;width:100%;max-width:760px" sandbox="allow-scripts allow-same-origin"></iframe>`;
    for (const part of [$('share-embed').closest('label'), $('copy-embed').closest('.row'), $('export-png').closest('.row')]) part.hidden = digits;
    const points = scenario?.objective.points?.length ?? 0;
    $('share-note').textContent = t(digits ? 'share.digitsLinkOnly' : (points > 300 ? 'share.tooLarge' : 'share.note'), { points });
    note.textContent = '';
    $('import-note').textContent = '';
    dialog.showModal();
  });
  for (const [button, field, what] of [['copy-link', 'share-link', 'link'], ['copy-embed', 'share-embed', 'embed']]) {
    $(button).addEventListener('click', async () => {
      note.textContent = t((await copy($(field).value, $(field))) ? `share.copied.${what}` : `share.blocked.${what}`);
    });
  }
  $('export-png').addEventListener('click', () => {
    stageImage(canvases, legendRows()).toBlob((blob) => { if (blob) download('gdviz.png', blob); }, 'image/png');
  });
  $('export-csv').addEventListener('click', () => download('gdviz-trajectories.csv', new Blob([lab.trajectories_csv()], { type: 'text/csv' })));
  $('export-json').addEventListener('click', () => download('gdviz-scenario.json', new Blob([JSON.stringify(JSON.parse(lab.scenario_json()), null, 2)], { type: 'application/json' })));
  $('import-json').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    let imported;
    const text = await file.text();
    event.target.value = '';
    try {
      imported = JSON.parse(text);
    } catch {
      // Said in the dialog, which is still open (the page's notice is behind it).
      $('import-note').textContent = notJson(lab, text);
      return;
    }
    dialog.close();
    replace(imported, { source: t('page.importJson') });
  });
}
