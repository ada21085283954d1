//! Bounded memory: a run left playing for ten million steps keeps a fixed footprint. The runner
//! holds fixed-size buffers and the trail decimates itself (docs/robustness.md), so neither the
//! trail's length nor the process's resident memory may grow with the step count.
//!
//! Alone in its test binary, so the resident-set measurement sees no other test's allocations.
//! A debug build drives [`DEBUG_STEPS`] (one million: about 5 s on two cores), a release build
//! the full [`STEPS`] (ten million); `cargo test --release --test memory` runs the full length
//! natively, and `tests/web_memory.rs` runs ten million steps per racer in WebAssembly.

use gdviz::run::{Runner, Status};
use gdviz::scenario::Scenario;
use gdviz::trail::{Trail, TrailPoint};

/// The full length: ten million updates.
const STEPS: u64 = 10_000_000;
/// The length in a debug build (unoptimised code is some twenty times slower).
const DEBUG_STEPS: u64 = 1_000_000;
/// The page's trail capacity per racer (`TRAIL_CAPACITY` in src/web/mod.rs).
const CAPACITY: usize = 4096;
/// Growth of the peak resident set allowed over the run: the trail and runner need well under
/// a megabyte; the rest is slack for the allocator and the test harness.
const MAX_GROWTH_BYTES: u64 = 8 << 20;

/// A field of `/proc/self/status` in bytes (Linux); `None` elsewhere.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn ten_million_steps_keep_a_fixed_footprint() {
    let steps = if cfg!(debug_assertions) {
        DEBUG_STEPS
    } else {
        STEPS
    };
    // Mini-batch SGD with momentum on generated data: the sampler reshuffles every epoch, the
    // optimizer keeps a momentum buffer — every buffer the runner has is exercised.
    let scenario = Scenario::from_json(&format!(
        r#"{{"objective":{{"kind":"linreg","dataset":{{"name":"linear","n":40,"noise":0.2,"seed":1}}}},
            "optimizer":{{"name":"sgd","lr":0.01,"momentum":0.9}},"batch_size":4,"seed":5,"steps":{steps}}}"#
    ))
    .expect("a valid scenario");
    let mut runner = Runner::new(&scenario).expect("builds");
    let mut trail = Trail::new(CAPACITY);
    trail.push(TrailPoint::of(&runner));
    let before = proc_status_bytes("VmHWM:");
    let mut longest = 0;
    for _ in 0..steps {
        runner.step().expect("a small learning rate keeps running");
        trail.push(TrailPoint::of(&runner));
        longest = longest.max(trail.points().len());
    }
    let after = proc_status_bytes("VmHWM:");

    assert_eq!(runner.steps_taken(), steps);
    assert_eq!(*runner.status(), Status::Running);
    assert!(runner.params().iter().all(|p| p.is_finite()));
    assert!(longest <= CAPACITY, "the trail held {longest} points");
    let points = trail.points();
    assert!(points.len() >= CAPACITY / 2, "{} points kept", points.len());
    assert_eq!(points[0].step, 0, "the trail still starts at the start");
    // Evenly spaced: every gap is the current stride (one power of two), and the newest point
    // is less than one stride old.
    let stride = points[1].step - points[0].step;
    assert!(stride.is_power_of_two());
    assert!(points.windows(2).all(|w| w[1].step - w[0].step == stride));
    let newest = points[points.len() - 1].step;
    assert!(
        newest + stride > steps,
        "the newest point is recent: {newest}"
    );
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "{steps} steps: peak resident set {:.1} MiB → {:.1} MiB, trail {} points (stride {stride})",
            before as f64 / 1048576.0,
            after as f64 / 1048576.0,
            points.len()
        );
        assert!(
            after.saturating_sub(before) <= MAX_GROWTH_BYTES,
            "peak resident memory grew by {} bytes over {steps} steps",
            after - before
        );
    }
}
