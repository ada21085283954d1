//! Bounded memory in the browser: the page's lab driven for ten million steps per racer keeps
//! its WebAssembly memory under [`MAX_MEMORY_BYTES`]
//! (`cargo test --target wasm32-unknown-unknown --test web_memory`, in headless Chromium).
//!
//! The runners hold fixed-size buffers and each racer's trail thins itself to at most 4096
//! points (docs/robustness.md), so the linear memory — which WebAssembly can grow but never
//! shrink — must stop growing after the first chunk.
#![cfg(target_arch = "wasm32")]

use gdviz::web::Lab;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Steps per racer: ten million, the largest step budget a scenario may ask for.
const STEPS: u32 = 10_000_000;
/// Steps per `advance` call; memory is measured after each.
const CHUNK: u32 = 500_000;
/// The bound on the whole linear memory (code's data, stack and heap): 32 MiB.
const MAX_MEMORY_BYTES: f64 = 32.0 * 1024.0 * 1024.0;

fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .expect("the module's memory")
        .buffer()
        .dyn_into::<js_sys::ArrayBuffer>()
        .map(|buffer| buffer.byte_length() as f64)
        .unwrap_or(f64::INFINITY)
}

#[wasm_bindgen_test]
fn ten_million_steps_per_racer_keep_memory_bounded() {
    // The page's default race on Rosenbrock with its step budget raised to the maximum; a racer
    // of the default race that diverged would stop early, so the race is checked to run.
    let mut lab = Lab::new("?steps=10000000");
    let racers = lab.running_count();
    assert!(racers >= 1);
    let mut after_first_chunk = 0.0;
    let mut largest: f64 = 0.0;
    let mut taken = 0;
    while taken < STEPS {
        let running = lab.advance(CHUNK);
        taken += CHUNK;
        let bytes = memory_bytes();
        largest = largest.max(bytes);
        if taken == CHUNK {
            after_first_chunk = bytes;
        }
        assert!(
            bytes <= MAX_MEMORY_BYTES,
            "{bytes} bytes of memory after {taken} steps per racer"
        );
        if taken < STEPS {
            assert_eq!(
                running, racers,
                "every racer still runs after {taken} steps"
            );
        }
    }
    assert_eq!(lab.steps_taken(), f64::from(STEPS));
    assert_eq!(lab.running_count(), 0, "the budget is spent");
    let state = lab.state_json();
    assert!(state.contains("\"status\":\"done\""), "{state}");
    assert!(
        largest <= after_first_chunk + 1024.0 * 1024.0,
        "memory kept growing: {after_first_chunk} bytes after the first chunk, {largest} at most"
    );
    web_sys::console::log_1(
        &format!(
            "{racers} racers × {STEPS} steps: memory {:.1} MiB (bound {:.0} MiB)",
            largest / 1048576.0,
            MAX_MEMORY_BYTES / 1048576.0
        )
        .into(),
    );
}
