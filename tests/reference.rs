//! Every optimizer, schedule, clip and objective against PyTorch: the 57 cases of
//! `tests/fixtures/torch_traces.json` (PyTorch 2.15, float64, `foreach=False`; see the file's
//! `generator` field and tests/fixtures/README.md), each checked at every step — the loss and
//! every parameter — to 1e-6 relative.

mod common;

use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/torch_traces.json"
);

fn cases() -> Vec<Value> {
    common::cases(FIXTURE)
}

#[test]
fn all_reference_cases_match_pytorch() {
    let cases = cases();
    assert_eq!(cases.len(), 57, "the fixture holds 57 cases");
    common::assert_all_match(&cases, "reference");
}

#[test]
fn the_fixture_covers_every_optimizer_schedule_and_objective_kind() {
    let cases = cases();
    let names = |pointer: &str| -> std::collections::BTreeSet<String> {
        cases
            .iter()
            .filter_map(|c| {
                c["scenario"]
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .map(String::from)
            })
            .collect()
    };
    for optimizer in [
        "sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax",
    ] {
        assert!(names("/optimizer/name").contains(optimizer), "{optimizer}");
    }
    for schedule in ["step", "exponential", "cosine"] {
        assert!(names("/schedule/name").contains(schedule), "{schedule}");
    }
    for kind in ["surface", "linreg", "mlp"] {
        assert!(names("/objective/kind").contains(kind), "{kind}");
    }
}
