//! Native benchmarks of the lab's hot paths, the same workloads the benchmark page times in
//! WebAssembly (benches/scenarios.json): `cargo bench --bench native [-- FILTER] [--json PATH]`.
//!
//! Every figure is the median of repeated runs, each run timed with `std::time::Instant`; the
//! figures print as a table and, with `--json PATH`, are written as one JSON object (the
//! `native_…` entries of `target/bench/results.json`). A FILTER runs only the figures whose name
//! contains it, and `--once` times each once without a warm-up (for profiling one workload under
//! `perf` or callgrind).

use gdviz::objective::model::Model;
use gdviz::objective::surfaces::SurfaceSpec;
use gdviz::render::colormap::ColorMap;
use gdviz::render::heatmap::{paint_values, ColorScale, Heatmap};
use gdviz::run::Runner;
use gdviz::scenario::{ObjectiveSpec, Scenario};
use serde_json::{json, Map, Value};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// `--once`: one timed run per figure and no warm-up (for profilers such as callgrind).
static ONCE: AtomicBool = AtomicBool::new(false);

const SCENARIOS: &str = include_str!("scenarios.json");

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Runs `f` once untimed, then `reps` times; the median time in ms.
fn time_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    let reps = if ONCE.load(Ordering::Relaxed) {
        1
    } else {
        f();
        reps
    };
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn runner(workload: &Value) -> Runner {
    let scenario = Scenario::from_value(&workload["scenario"]).expect("a valid bench scenario");
    Runner::new(&scenario).expect("the bench scenario builds")
}

fn count(workload: &Value, key: &str) -> usize {
    workload[key].as_u64().expect("a count in scenarios.json") as usize
}

fn step_n(runner: &mut Runner, steps: usize) {
    for _ in 0..steps {
        assert!(runner.step().is_some(), "the bench run stopped early");
    }
}

/// `size × size` Rosenbrock heat map, log scale with contours, as the page draws it (no canvas
/// natively).
fn surface_heatmap(size: usize) -> f64 {
    let model = Model::build(&ObjectiveSpec::Surface(SurfaceSpec::Rosenbrock), 0).expect("builds");
    let view = gdviz::objective::view::view_box(&model);
    let colors = ColorMap::viridis();
    let mut heatmap = Heatmap::new(size, size);
    time_ms(15, || {
        heatmap.render_model(&model, &view, ColorScale::Log, &colors, true);
        black_box(&heatmap.rgba);
    })
}

/// Steps per second of `Runner::step` (reset before each repetition).
fn runner_steps(workload: &Value) -> f64 {
    let mut runner = runner(workload);
    let steps = count(workload, "steps");
    let ms = time_ms(7, || {
        runner.reset();
        step_n(&mut runner, steps);
    });
    steps as f64 / (ms / 1e3)
}

/// ms per epoch (`steps_per_epoch` updates; with `with_loss`, then training and test loss).
fn mlp_epoch(workload: &Value, with_loss: bool) -> f64 {
    let mut runner = runner(workload);
    let steps = count(workload, "steps_per_epoch");
    let epochs = 200;
    time_ms(15, || {
        runner.reset();
        for _ in 0..epochs {
            step_n(&mut runner, steps);
            if with_loss {
                black_box(runner.loss());
                black_box(runner.objective().test_loss(runner.params()));
            }
        }
    }) / epochs as f64
}

/// ms per `size × size` decision boundary after `train_steps` updates (predict_grid, then with
/// `colour` the RGBA picture).
fn boundary(workload: &Value, train_steps: usize, size: usize, colour: bool) -> f64 {
    let mut runner = runner(workload);
    for _ in 0..train_steps {
        if runner.step().is_none() {
            break;
        }
    }
    let Model::Mlp(mlp) = &**runner.objective() else {
        panic!("the boundary workload is not an mlp");
    };
    let axis: Vec<f64> = (0..size)
        .map(|i| -1.2 + 2.4 * i as f64 / (size - 1) as f64)
        .collect();
    let colors = ColorMap::diverging();
    let mut out = vec![0.0; size * size];
    let mut rgba = vec![0u8; 4 * size * size];
    time_ms(41, || {
        mlp.predict_grid(runner.params(), &axis, &axis, &mut out);
        if colour {
            paint_values(&out, 0.0, 1.0, &colors, &mut rgba);
        }
        black_box(&rgba);
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut json_path = None;
    let mut filter = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json_path = it.next().cloned(),
            "--once" => ONCE.store(true, Ordering::Relaxed),
            "--bench" => {}
            a if a.starts_with("--") => {}
            a => filter = Some(a.to_string()),
        }
    }
    let w: Value = serde_json::from_str(SCENARIOS).expect("scenarios.json parses");
    type Figure<'a> = (&'a str, &'a str, Box<dyn Fn() -> f64 + 'a>);
    let figures: Vec<Figure> = vec![
        (
            "native_surface_heatmap_512_ms",
            "ms",
            Box::new(|| surface_heatmap(512)),
        ),
        (
            "native_optimizer_steps_per_s",
            "steps/s",
            Box::new(|| runner_steps(&w["optimizer"])),
        ),
        (
            "native_mlp_epoch_ms",
            "ms",
            Box::new(|| mlp_epoch(&w["mlp_epoch"], false)),
        ),
        (
            "native_boundary_2_8_8_1_200_ms",
            "ms",
            Box::new(|| {
                let b = &w["boundary"];
                boundary(b, count(b, "train_steps"), count(b, "size"), true)
            }),
        ),
        (
            "native_peer_epoch_2421_ms",
            "ms",
            Box::new(|| mlp_epoch(&w["peer_2421"], true)),
        ),
        (
            "native_peer_boundary_2421_100_ms",
            "ms",
            Box::new(|| boundary(&w["peer_2421"], 0, 100, false)),
        ),
        (
            "native_peer_epoch_2881_ms",
            "ms",
            Box::new(|| mlp_epoch(&w["peer_2881"], true)),
        ),
        (
            "native_peer_boundary_2881_100_ms",
            "ms",
            Box::new(|| boundary(&w["peer_2881"], 0, 100, false)),
        ),
    ];
    let mut results = Map::new();
    for (name, unit, run) in &figures {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let value = run();
        println!("{name:<36} {value:>14.4} {unit}");
        results.insert((*name).to_string(), json!(value));
    }
    if let Some(path) = json_path {
        let text = serde_json::to_string_pretty(&Value::Object(results)).expect("serialises");
        std::fs::write(&path, text + "\n").unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
}
