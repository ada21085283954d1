//! Replays: the same scenario and seed give a bit-identical trace, here and in the browser.
//! `tests/web.rs` checks the same digests inside headless Chromium's WebAssembly.

use gdviz::run::trace_digest;
use gdviz::scenario::Scenario;

/// Mini-batch SGD with momentum on generated linear-regression data.
pub const MINIBATCH_SCENARIO: &str = r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":64,"noise":0.3,"seed":4}},
  "optimizer":{"name":"sgd","lr":0.05,"momentum":0.9},"batch_size":8,"seed":21,"steps":300}"#;
/// SGD on Booth under the seeded gradient-noise model.
pub const NOISE_SCENARIO: &str = r#"{"objective":{"kind":"surface","name":"booth"},
  "optimizer":{"name":"sgd","lr":0.01},"noise":{"sigma":2.0},"batch_size":4,"seed":9,"start":[-5,5],"steps":300}"#;

fn digest(json: &str) -> String {
    let scenario = Scenario::from_json(json).expect("a valid scenario");
    format!("{:016x}", trace_digest(&scenario).expect("it runs"))
}

#[test]
fn a_seed_replays_bit_for_bit() {
    assert_eq!(digest(MINIBATCH_SCENARIO), digest(MINIBATCH_SCENARIO));
    let other_seed = MINIBATCH_SCENARIO.replace("\"seed\":21", "\"seed\":22");
    assert_ne!(
        digest(MINIBATCH_SCENARIO),
        digest(&other_seed),
        "the seed chooses the batches"
    );
}

#[test]
fn digests_match_the_ones_the_wasm_test_expects() {
    // The same constants stand in tests/web.rs; both builds must produce them.
    assert_eq!(digest(MINIBATCH_SCENARIO), MINIBATCH_DIGEST);
    assert_eq!(digest(NOISE_SCENARIO), NOISE_DIGEST);
}

const MINIBATCH_DIGEST: &str = "e18d10b679abaa8a";
const NOISE_DIGEST: &str = "e2fbb34b641246e8";
