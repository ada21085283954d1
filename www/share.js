// Share / Embed: the link, an iframe snippet, and export (PNG, CSV, JSON) and import (JSON).

const $ = (id) => document.getElementById(id);

/** Offers `text` as a file download named `name`. */
function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One picture of the stage: the heat map with trails and markers composited on top. */
export function stageImage(canvases) {
  const out = document.createElement('canvas');
  out.width = canvases.heat.width;
  out.height = canvases.heat.height;
  const context = out.getContext('2d');
  for (const canvas of [canvases.heat, canvases.trails, canvases.markers]) context.drawImage(canvas, 0, 0);
  return out;
}

export function setUpSharing({ lab, canvases, edit, pageQuery, notify }) {
  const dialog = $('share');
  const base = () => `${window.location.origin}${window.location.pathname}`;
  $('share-open').addEventListener('click', () => {
    const query = pageQuery().replace(/&embed=1|&controls=[^&]*/g, '');
    $('share-link').value = `${base()}${query}`;
    $('share-embed').value = `<iframe src="${base()}${query}&embed=1" width="760" height="680" title="gdviz: gradient descent" loading="lazy" style="border:0"></iframe>`;
    const points = JSON.parse(lab.scenario_json()).objective.points?.length ?? 0;
    $('share-note').textContent = points > 300
      ? `Your data (${points} points) is too large for a link, which carries everything else: use Export JSON to share the whole scenario.`
      : 'The link carries the whole scenario: the same seed gives the same batches and the same run. Add &controls=lr,batch to the embed link to show those controls.';
    dialog.showModal();
  });
  $('export-png').addEventListener('click', () => {
    stageImage(canvases).toBlob((blob) => {
      if (!blob) return;
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = 'gdviz.png';
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }, 'image/png');
  });
  $('export-csv').addEventListener('click', () => download('gdviz-trajectories.csv', 'text/csv', lab.trajectories_csv()));
  $('export-json').addEventListener('click', () => download('gdviz-scenario.json', 'application/json', JSON.stringify(JSON.parse(lab.scenario_json()), null, 2)));
  $('import-json').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    let imported;
    try {
      imported = JSON.parse(await file.text());
    } catch (error) {
      notify([`Not imported — the file is not JSON (${error.message})`]);
      return;
    }
    dialog.close();
    edit((s) => { for (const key of Object.keys(s)) delete s[key]; Object.assign(s, imported); });
    event.target.value = '';
  });
}
