// The WebAssembly half of `make bench`: times every figure of ../scenarios.json with the entry
// points of src/web_common/bench.rs (the workloads of src/bench.rs, which the native benchmark times
// too), and leaves the medians in window.__bench = { done, results, details } (or
// { done, error }): results holds every figure by name; scripts/bench.mjs drives the page.
// It loads target/bench/pkg, the builds with those entry points (`make bench` makes them): the
// page's module, and the digits lab's (its own module, as the page loads it) for the figures of
// a "cnn" scenario.
import init, { bench_figure, bench_heatmap_on_canvas } from '../../target/bench/pkg/gdviz.js';
import initDigits, { bench_figure as digitsFigure, install_digits } from '../../target/bench/pkg/gdviz_digits.js';

const median = (xs) => {
  const s = Array.from(xs).sort((a, b) => a - b);
  return s[s.length >> 1];
};
const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * V8 compiles WebAssembly with its baseline compiler first and optimises hot functions in the
 * background; a call already running never switches. So every workload is called a few times
 * untimed, with pauses for the optimising compiler, before the timed call.
 */
async function warm(run) {
  for (let i = 0; i < 3; i += 1) {
    run();
    await pause(150);
  }
}

async function main() {
  await Promise.all([init(), initDigits()]);
  // The digits lab's data, as the page fetches them when that lab opens.
  install_digits(new Uint8Array(await (await fetch('../../data/digits.bin')).arrayBuffer()));
  const workloads = await (await fetch('../scenarios.json')).text();
  const results = {};
  const details = {};
  const canvas = document.getElementById('canvas');

  const { scenarios, figures } = JSON.parse(workloads);
  for (const { name, kind, repetitions, scenario } of figures) {
    const figure = scenarios[scenario]?.objective?.kind === 'cnn' ? digitsFigure : bench_figure;
    if (kind === 'heatmap') {
      // Timed as the page shows a heat map: rendered, then one putImageData.
      await warm(() => bench_heatmap_on_canvas(canvas, workloads, name, 1));
      const times = bench_heatmap_on_canvas(canvas, workloads, name, repetitions);
      const pick = (k) => median(times.filter((_, i) => i % 3 === k));
      const stem = name.replace(/_ms$/, '');
      results[name] = pick(0);
      details[`${stem}_render_ms`] = pick(1);
      details[`${stem}_put_ms`] = pick(2);
    } else {
      await warm(() => figure(workloads, name, 1));
      results[name] = median(figure(workloads, name, repetitions));
    }
  }

  // 5 µs timers when the driver serves this page cross-origin isolated, 100 µs otherwise.
  details.cross_origin_isolated = window.crossOriginIsolated;
  window.__bench = { done: true, results, details };
  document.getElementById('out').textContent = JSON.stringify({ results, details }, null, 2);
}

main().catch((error) => {
  window.__bench = { done: true, error: String(error?.stack ?? error) };
  document.getElementById('out').textContent = `failed: ${error}`;
});
