//! Cross-entropy over many classes against PyTorch: the cases of
//! `tests/fixtures/torch_traces_ce.json` (`F.cross_entropy` in float64, k = 2…5 classes, several
//! widths, depths and activations, every optimizer family, mini-batches; written by
//! tests/fixtures/generate_ce.py, see tests/fixtures/README.md), each checked at every step — the
//! loss and every parameter — to 1e-9 relative.

mod common;

use gdviz::objective::mlp::{Mlp, MlpSpec};
use gdviz::objective::Objective;
use serde_json::Value;
use std::collections::BTreeSet;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/torch_traces_ce.json"
);

/// The contract for the new traces.
const RELATIVE: f64 = 1e-9;

#[test]
fn all_ce_cases_match_pytorch_to_1e_9() {
    common::assert_fixture_matches(FIXTURE, "reference ce", 12, RELATIVE);
}

/// The fixture covers k = 2…5, every optimizer family, mini-batches and full batches, and more
/// than one activation and depth.
#[test]
fn the_ce_fixture_covers_classes_optimizers_and_batches() {
    let cases = common::cases(FIXTURE);
    let collect = |f: &dyn Fn(&Value) -> Option<String>| -> BTreeSet<String> {
        cases.iter().filter_map(|c| f(&c["scenario"])).collect()
    };
    let classes = collect(&|s| {
        s["objective"]["layers"]
            .as_array()
            .and_then(|l| l.last())
            .map(|k| k.to_string())
    });
    for k in ["2", "3", "4", "5"] {
        assert!(classes.contains(k), "k = {k}: {classes:?}");
    }
    let optimizers = collect(&|s| s["optimizer"]["name"].as_str().map(String::from));
    for optimizer in gdviz::optim::OPTIMIZERS
        .iter()
        .filter(|o| o.name != "newton")
    {
        assert!(optimizers.contains(optimizer.name), "{}", optimizer.name);
    }
    let activations = collect(&|s| s["objective"]["activation"].as_str().map(String::from));
    assert!(activations.len() >= 4, "{activations:?}");
    let batches = collect(&|s| Some(s["batch_size"].to_string()));
    assert!(
        batches.contains("null") && batches.len() >= 5,
        "{batches:?}"
    );
    assert!(cases
        .iter()
        .all(|c| c["scenario"]["objective"]["loss"] == "ce"));
}

/// Each case's loss on its own: our cross-entropy at every traced point is PyTorch's.
#[test]
#[allow(clippy::unwrap_used)]
fn ce_losses_at_every_traced_point_match_torch() {
    for case in common::torch_cases::cases(FIXTURE, "mlp") {
        let spec: MlpSpec = serde_json::from_value(case.spec.clone()).unwrap();
        let f = Mlp::new(spec, 0).unwrap();
        assert_eq!(f.initial_params(), case.start(), "{}", case.id);
        case.check_losses(|p| f.loss(p));
    }
}
