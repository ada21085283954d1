//! Replays: the same scenario and seed give a bit-identical trace — run after run, and natively
//! exactly as in the browser. `tests/fixtures/replay.json` lists the scenarios and their trace
//! digests; `tests/web.rs` checks the same digests inside headless Chromium's WebAssembly. The
//! core takes its elementary functions from the `libm` crate (clippy.toml forbids the platform's),
//! which is what makes the second half hold.

use gdviz::run::trace_digest;
use gdviz::scenario::Scenario;
use serde_json::Value;

const REPLAY: &str = include_str!("fixtures/replay.json");

fn cases() -> Vec<(String, String, String)> {
    let fixture: Value = serde_json::from_str(REPLAY).expect("replay.json is JSON");
    fixture["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            (
                case["about"].as_str().expect("about").to_string(),
                case["scenario"].to_string(),
                case["digest"].as_str().expect("digest").to_string(),
            )
        })
        .collect()
}

fn digest(json: &str) -> String {
    let scenario = Scenario::from_json(json).expect("a valid scenario");
    format!("{:016x}", trace_digest(&scenario).expect("it runs"))
}

#[test]
fn a_seed_replays_bit_for_bit() {
    let (_, minibatch, _) = &cases()[0];
    assert_eq!(digest(minibatch), digest(minibatch));
    let other_seed = minibatch.replace("\"seed\":21", "\"seed\":22");
    assert_ne!(
        digest(minibatch),
        digest(&other_seed),
        "the seed chooses the batches"
    );
}

#[test]
fn digests_match_the_ones_the_wasm_test_expects() {
    let mismatches: Vec<String> = cases()
        .into_iter()
        .filter_map(|(about, scenario, expected)| {
            let got = digest(&scenario);
            (got != expected).then(|| format!("{about}: {got} (fixture says {expected})"))
        })
        .collect();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
