// The WebAssembly half of `make bench`: times the lab's hot paths with the entry points of
// src/web/bench.rs, in the workloads of ../scenarios.json, and leaves the medians in
// window.__bench = { done, results, details } (or { done, error }). scripts/bench.mjs drives it.
// It loads target/bench/pkg, the build with those entry points (`make bench` makes it).
import init, {
  bench_surface_heatmap, bench_runner_steps, bench_mlp_epochs, bench_boundary,
} from '../../target/bench/pkg/gdviz.js';

const median = (xs) => {
  const s = Array.from(xs).sort((a, b) => a - b);
  return s[s.length >> 1];
};
const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const json = (value) => JSON.stringify(value);

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
  await init();
  const w = await (await fetch('../scenarios.json')).json();
  const results = {};
  const details = {};
  const canvas = document.getElementById('canvas');

  for (const closure of [false, true]) {
    await warm(() => bench_surface_heatmap(canvas, 512, closure, 2));
    const heat = bench_surface_heatmap(canvas, 512, closure, 21);
    const pick = (k) => median(heat.filter((_, i) => i % 3 === k));
    if (closure) {
      // Heatmap::render with a call of Model::loss per pixel (what src/web.rs's draw_surface
      // does unless it calls render_model).
      details.surface_heatmap_512_closure_ms = pick(0);
    } else {
      results.surface_heatmap_512_ms = pick(0);
      details.surface_heatmap_512_render_ms = pick(1);
      details.surface_heatmap_512_put_ms = pick(2);
    }
  }

  const opt = w.optimizer;
  await warm(() => bench_runner_steps(json(opt.scenario), opt.steps / 10, 1));
  results.optimizer_steps_per_s = median(bench_runner_steps(json(opt.scenario), opt.steps, 9));

  const epoch = (workload, withLoss, epochs, reps) => median(
    bench_mlp_epochs(json(workload.scenario), workload.steps_per_epoch, withLoss, epochs, reps));
  await warm(() => epoch(w.mlp_epoch, false, 100, 1));
  results.mlp_epoch_ms = epoch(w.mlp_epoch, false, 200, 15);

  const b = w.boundary;
  const boundary = (workload, trainSteps, size, colour, reps) => median(
    bench_boundary(json(workload.scenario), trainSteps, size, colour, reps));
  await warm(() => boundary(b, b.train_steps, b.size, true, 2));
  results.boundary_2_8_8_1_200_ms = boundary(b, b.train_steps, b.size, true, 31);
  details.boundary_2_8_8_1_200_uncoloured_ms = boundary(b, b.train_steps, b.size, false, 31);

  // Like for like with TensorFlow Playground's own code (window.__peer, timed by the driver).
  for (const [name, workload] of [['2421', w.peer_2421], ['2881', w.peer_2881]]) {
    await warm(() => epoch(workload, true, 50, 1));
    details[`peer_epoch_${name}_ms`] = epoch(workload, true, 100, 15);
    await warm(() => boundary(workload, 0, workload.boundary_size, false, 3));
    details[`peer_boundary_${name}_100_ms`] = boundary(workload, 0, workload.boundary_size, false, 31);
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
