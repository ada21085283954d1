//! Native benchmarks of the lab's hot paths: every figure of benches/scenarios.json (the
//! workloads the benchmark page times in WebAssembly), through `gdviz::bench`:
//! `cargo bench --bench native [-- FILTER] [--json PATH]`.
//!
//! The file is read when the benchmark runs. Every figure is the median of the figure's
//! repetitions, each timed with `std::time::Instant` after one untimed run; the figures print
//! as a table and, with `--json PATH`, are written as one JSON object (the `native_…` entries of
//! `target/bench/results.json`). A FILTER runs only the figures whose name contains it, and
//! `--once` times each once without a warm-up (for profiling one workload under `perf` or
//! callgrind).

use gdviz::bench::Workloads;
use serde_json::{json, Map, Value};
use std::time::Instant;

/// The workloads, shared with the benchmark page.
const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/scenarios.json");

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Runs `f` once untimed (unless `once`), then `reps` times (once if `once`); the median time
/// in ms.
fn time_ms(reps: u32, once: bool, mut f: impl FnMut()) -> f64 {
    let reps = if once {
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut json_path = None;
    let mut filter = None;
    let mut once = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json_path = it.next().cloned(),
            "--once" => once = true,
            "--bench" => {}
            a if a.starts_with("--") => {}
            a => filter = Some(a.to_string()),
        }
    }
    let text = std::fs::read_to_string(SCENARIOS)
        .unwrap_or_else(|e| panic!("cannot read {SCENARIOS}: {e}"));
    let workloads = Workloads::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut results = Map::new();
    for name in workloads.names() {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let mut workload = workloads.build(name).unwrap_or_else(|e| panic!("{e}"));
        let ms = time_ms(workload.repetitions(), once, || {
            workload.run().unwrap_or_else(|e| panic!("{name}: {e}"));
        });
        let value = workload.figure(ms);
        let name = format!("native_{name}");
        println!("{name:<44} {value:>14.4} {}", workload.unit());
        results.insert(name, json!(value));
    }
    if let Some(path) = json_path {
        let text = serde_json::to_string_pretty(&Value::Object(results)).expect("serialises");
        std::fs::write(&path, text + "\n").unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
}
