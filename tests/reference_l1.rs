//! L1 regularisation (alone and with L2) and early stopping against PyTorch: the cases of
//! `tests/fixtures/torch_traces_l1.json`, written by `tests/fixtures/generate_l1.py` (PyTorch
//! 2.15, float64, `foreach=False`, full batch). Every line — loss, test loss and every parameter —
//! agrees to 1e-9 relative; with `"stop":{"patience":P}` each run stops at the step the rule gives
//! on PyTorch's test losses and puts back the best step's weights.

mod common;

use gdviz::run::{Runner, Status, StopCondition, TraceLine};
use gdviz::scenario::Scenario;
use serde_json::{json, Value};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/torch_traces_l1.json"
);

/// The contract's tolerance, relative, above an absolute floor for values PyTorch drives to ~0.
const RELATIVE: f64 = 1e-9;
const ABSOLUTE: f64 = 1e-12;

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= RELATIVE * ours.abs().max(theirs.abs()) + ABSOLUTE
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Runs `scenario` (with `stop` when given) and returns its lines and runner.
fn run(scenario: &Value, stop: Option<Value>) -> (Vec<TraceLine>, Runner) {
    let mut scenario = scenario.clone();
    if let Some(stop) = stop {
        scenario["stop"] = stop;
    }
    let scenario = Scenario::from_value(&scenario).unwrap_or_else(|e| panic!("refused: {e}"));
    let mut runner = Runner::new(&scenario).unwrap_or_else(|e| panic!("refused: {e}"));
    let mut lines = Vec::new();
    runner.trace(scenario.steps, |line| lines.push(line.clone()));
    (lines, runner)
}

/// Our line against PyTorch's: step, loss, test loss, every parameter; the largest relative error.
fn check_line(id: &str, ours: &TraceLine, runner: &Runner, theirs: &Value) -> f64 {
    let step = ours.step;
    assert_eq!(theirs["step"].as_u64(), Some(step), "{id}");
    let mut worst = 0.0f64;
    let mut compare = |what: String, a: f64, b: f64| {
        assert!(close(a, b), "{id} step {step}: {what} {a} vs PyTorch {b}");
        if b.abs() > 1e-9 {
            worst = worst.max(common::relative_error(a, b));
        }
    };
    compare(
        "loss".into(),
        ours.loss,
        theirs["loss"].as_f64().unwrap_or(f64::NAN),
    );
    if let Some(test) = theirs["test_loss"].as_f64() {
        let ours_test = runner
            .objective()
            .test_loss(&ours.params)
            .unwrap_or(f64::NAN);
        compare("test loss".into(), ours_test, test);
    }
    let params = numbers(&theirs["params"]);
    assert_eq!(params.len(), ours.params.len(), "{id} step {step}");
    for (i, (a, b)) in ours.params.iter().zip(&params).enumerate() {
        compare(format!("params[{i}]"), *a, *b);
    }
    worst
}

#[test]
fn l1_traces_match_pytorch_to_1e_9() {
    let cases = common::cases(FIXTURE);
    assert!(cases.len() >= 8, "{} cases", cases.len());
    let mut worst = 0.0f64;
    let mut kinds = std::collections::BTreeSet::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let objective = &case["scenario"]["objective"];
        let l1 = objective["l1"].as_f64().unwrap_or(0.0);
        let l2 = objective["l2"].as_f64().unwrap_or(0.0);
        assert!(l1 > 0.0, "{id}: every case penalises by l1");
        kinds.insert(format!("{}/{}", objective["kind"], l2 > 0.0));
        let (lines, runner) = run(&case["scenario"], None);
        let expected = case["trace"].as_array().expect("a trace");
        assert_eq!(lines.len(), expected.len(), "{id}: {:?}", runner.status());
        for (ours, theirs) in lines.iter().zip(expected) {
            worst = worst.max(check_line(id, ours, &runner, theirs));
        }
    }
    eprintln!(
        "l1: {} cases, largest relative error {worst:.2e}",
        cases.len()
    );
    // l1 alone and with l2, on the MLP and on linear regression.
    for kind in ["\"mlp\"", "\"linreg\""] {
        for with_l2 in [false, true] {
            assert!(kinds.contains(&format!("{kind}/{with_l2}")), "{kinds:?}");
        }
    }
}

#[test]
fn early_stopping_cuts_the_pytorch_runs_where_the_rule_says() {
    let cases = common::cases(FIXTURE);
    let mut fired = 0;
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let expected = case["trace"].as_array().expect("a trace");
        let Some(rules) = case["early_stopping"].as_array() else {
            continue;
        };
        for rule in rules {
            let patience = rule["patience"].as_u64().expect("a patience");
            for restore in [true, false] {
                let stop = json!({"patience": patience, "restore_best": restore});
                let (lines, runner) = run(&case["scenario"], Some(stop));
                let context = format!("{id} patience {patience} restore {restore}");
                for (ours, theirs) in lines.iter().zip(expected) {
                    check_line(&context, ours, &runner, theirs);
                }
                let Some(stop_step) = rule["stop_step"].as_u64() else {
                    assert_eq!(lines.len(), expected.len(), "{context}: runs to the end");
                    assert_eq!(*runner.status(), Status::Running, "{context}");
                    continue;
                };
                let best_step = rule["best_step"].as_u64().expect("a best step");
                assert_eq!(lines.len() as u64, stop_step + 1, "{context}: stops there");
                let Status::Converged {
                    step,
                    condition:
                        StopCondition::Patience {
                            epoch,
                            best_epoch,
                            best_test_loss,
                            restored,
                            ..
                        },
                } = *runner.status()
                else {
                    panic!("{context}: {:?}", runner.status())
                };
                // Full batch: line k ends epoch k.
                assert_eq!((step, epoch, best_epoch), (stop_step, stop_step, best_step));
                assert_eq!(restored, restore, "{context}");
                let best_loss = rule["best_test_loss"].as_f64().unwrap_or(f64::NAN);
                assert!(close(best_test_loss, best_loss), "{context}");
                let kept = if restore { best_step } else { stop_step };
                let params = numbers(&expected[kept as usize]["params"]);
                for (a, b) in runner.params().iter().zip(&params) {
                    assert!(close(*a, *b), "{context}: weights {a} vs PyTorch {b}");
                }
                fired += 1;
            }
        }
    }
    assert!(fired >= 10, "early stopping fired {fired} times");
}
