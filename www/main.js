// The page's entry point: loads the wasm build, draws the lab, reports errors in a banner.
import init, { Lab } from '../pkg/gdviz.js';

const status = document.getElementById('status');
const banner = document.getElementById('error-banner');

/** Shows `message` in the error banner (text only, never HTML). */
function showError(message) {
  document.getElementById('error-text').textContent = message;
  banner.hidden = false;
}

document.getElementById('error-reset').addEventListener('click', () => {
  window.location.href = window.location.pathname;
});
window.addEventListener('error', (event) => showError(`Something went wrong: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => showError(`Something went wrong: ${event.reason}`));

/** State the end-to-end tests read; not an API. */
window.gdviz = { ready: false };

async function main() {
  await init();
  const lab = new Lab(JSON.stringify({ name: 'rosenbrock' }));
  const canvas = document.getElementById('surface');
  lab.draw_surface(canvas);
  status.textContent = `Surface: ${lab.surface_name()}`;
  window.gdviz = { ready: true, surface: lab.surface_name() };
}

main().catch((error) => showError(`The lab could not start: ${error}`));
