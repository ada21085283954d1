//! The digits CNN against PyTorch: the cases of `tests/fixtures/torch_traces_cnn.json`
//! (`nn.Conv2d`, `nn.MaxPool2d`, `nn.Linear` and `F.cross_entropy` in float64; one and two
//! convolutions, padding 0 and 1, with and without pooling, every activation, every optimizer
//! family, full batches, mini-batches and single samples, schedules and clipping, on a few
//! inline digits; written by tests/fixtures/generate_cnn.py, see tests/fixtures/README.md), each
//! checked at every step — the loss and every parameter — to 1e-9 relative.

mod common;

use gdviz::objective::cnn::{Cnn, CnnSpec};
use gdviz::objective::Objective;
use serde_json::Value;
use std::collections::BTreeSet;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/torch_traces_cnn.json"
);

/// The contract.
const RELATIVE: f64 = 1e-9;

#[test]
fn all_cnn_cases_match_pytorch_to_1e_9() {
    common::assert_fixture_matches(FIXTURE, "reference cnn", 10, RELATIVE);
}

/// The fixture covers every optimizer family but Newton, every activation, one and two
/// convolutions, both paddings, pooled and not, and full, mini- and single-sample batches.
#[test]
fn the_cnn_fixture_covers_architectures_optimizers_and_batches() {
    let cases = common::cases(FIXTURE);
    let collect = |f: &dyn Fn(&Value) -> Vec<String>| -> BTreeSet<String> {
        cases.iter().flat_map(|c| f(&c["scenario"])).collect()
    };
    let optimizers = collect(&|s| {
        s["optimizer"]["name"]
            .as_str()
            .map(String::from)
            .into_iter()
            .collect()
    });
    for optimizer in gdviz::optim::OPTIMIZERS
        .iter()
        .filter(|o| o.name != "newton")
    {
        assert!(optimizers.contains(optimizer.name), "{}", optimizer.name);
    }
    let activations = collect(&|s| vec![s["objective"]["activation"].to_string()]);
    assert_eq!(activations.len(), 4, "{activations:?}");
    let depths = collect(&|s| {
        vec![s["objective"]["convs"]
            .as_array()
            .map_or(0, Vec::len)
            .to_string()]
    });
    assert_eq!(depths.len(), 2, "{depths:?}");
    let layers = collect(&|s| {
        s["objective"]["convs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| format!("padding {} pool {}", c["padding"], c["pool"]))
            .collect()
    });
    assert_eq!(layers.len(), 4, "{layers:?}");
    let batches = collect(&|s| vec![s["batch_size"].to_string()]);
    assert!(
        batches.contains("null") && batches.contains("1") && batches.len() >= 5,
        "{batches:?}"
    );
    assert!(cases.iter().any(|c| c["scenario"]["clip_norm"].is_number()));
    assert!(cases.iter().any(|c| c["scenario"]["schedule"].is_object()));
}

/// Each case's loss on its own: our cross-entropy at every traced point is PyTorch's.
#[test]
#[allow(clippy::unwrap_used)]
fn cnn_losses_at_every_traced_point_match_torch() {
    for case in common::torch_cases::cases(FIXTURE, "cnn") {
        let spec: CnnSpec = serde_json::from_value(case.spec.clone()).unwrap();
        let f = Cnn::new(spec, 0).unwrap();
        assert_eq!(f.initial_params(), case.start(), "{}", case.id);
        case.check_losses(|p| f.loss(p));
    }
}
