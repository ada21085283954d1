//! What the integration tests share. Here, the comparison with PyTorch's reference traces of
//! tests/reference.rs and tests/reference_lbfgs.rs: run a fixture case's scenario through `gdviz`
//! and check every line — the loss and every parameter — to 1e-6 relative. In [`torch_cases`], a
//! fixture's cases of one objective kind, to check that objective on its own; in [`cli`], the
//! command line run as a test runs it; in [`fuzz`], the fuzz tests' proptest settings.
// Each test binary uses a part of this module.
#![allow(dead_code)]

pub mod cli;
pub mod fuzz;
pub mod scenario_strategies;
pub mod scenarios;
pub mod torch_cases;

use gdviz::run::Runner;
use gdviz::scenario::Scenario;
use serde_json::Value;

/// Relative tolerance of the comparison (the contract).
pub const RELATIVE: f64 = 1e-6;
/// Absolute floor, for quantities that PyTorch itself drives to ~0.
pub const ABSOLUTE: f64 = 1e-12;

/// Whether our value agrees with PyTorch's to [`RELATIVE`] (above the [`ABSOLUTE`] floor).
pub fn close(ours: f64, theirs: f64) -> bool {
    close_to(ours, theirs, RELATIVE)
}

/// Whether our value agrees with PyTorch's to `relative` (above the [`ABSOLUTE`] floor).
pub fn close_to(ours: f64, theirs: f64, relative: f64) -> bool {
    (ours - theirs).abs() <= relative * ours.abs().max(theirs.abs()) + ABSOLUTE
}

/// Relative difference, for the report printed with `--nocapture`.
pub fn relative_error(ours: f64, theirs: f64) -> f64 {
    (ours - theirs).abs() / ours.abs().max(theirs.abs()).max(1e-300)
}

/// Every case of a fixture (`tests/fixtures/torch_traces*.json`), as JSON.
pub fn cases(fixture: &str) -> Vec<Value> {
    let text =
        std::fs::read_to_string(fixture).expect("the reference fixture is in the repository");
    let document: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    document["cases"]
        .as_array()
        .expect("a list of cases")
        .clone()
}

/// Runs one case and returns the largest relative error over losses and parameters (where
/// PyTorch's value exceeds the absolute floor), or the first disagreement beyond [`RELATIVE`].
pub fn check_case(case: &Value) -> Result<f64, String> {
    check_case_to(case, RELATIVE)
}

/// [`check_case`] to the tolerance `relative`.
pub fn check_case_to(case: &Value, relative: f64) -> Result<f64, String> {
    let id = case["id"].as_str().unwrap_or("?");
    let scenario =
        Scenario::from_value(&case["scenario"]).map_err(|e| format!("{id}: refused: {e}"))?;
    let mut runner = Runner::new(&scenario).map_err(|e| format!("{id}: {e}"))?;
    let expected = case["trace"].as_array().ok_or(format!("{id}: no trace"))?;
    let mut lines = Vec::new();
    runner.trace(scenario.steps, |line| lines.push(line.clone()));
    if lines.len() != expected.len() {
        return Err(format!(
            "{id}: {} lines, PyTorch has {} (status {:?})",
            lines.len(),
            expected.len(),
            runner.status()
        ));
    }
    let mut worst = 0.0f64;
    for (ours, theirs) in lines.iter().zip(expected) {
        let step = ours.step;
        if theirs["step"].as_u64() != Some(step) {
            return Err(format!("{id}: line {step} is PyTorch's {}", theirs["step"]));
        }
        let loss = theirs["loss"].as_f64().unwrap_or(f64::NAN);
        if !close_to(ours.loss, loss, relative) {
            return Err(format!(
                "{id}: step {step}: loss {} vs PyTorch {loss}",
                ours.loss
            ));
        }
        if loss.abs() > 1e-9 {
            worst = worst.max(relative_error(ours.loss, loss));
        }
        let params: Vec<f64> = theirs["params"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        if params.len() != ours.params.len() {
            return Err(format!(
                "{id}: step {step}: {} parameters vs PyTorch {}",
                ours.params.len(),
                params.len()
            ));
        }
        for (i, (a, b)) in ours.params.iter().zip(&params).enumerate() {
            if !close_to(*a, *b, relative) {
                return Err(format!("{id}: step {step}: params[{i}] {a} vs PyTorch {b}"));
            }
            if b.abs() > 1e-9 {
                worst = worst.max(relative_error(*a, *b));
            }
        }
    }
    Ok(worst)
}

/// Checks every case, prints the largest relative error (seen with `--nocapture`) and fails
/// with every disagreement beyond [`RELATIVE`].
pub fn assert_all_match(cases: &[Value], label: &str) {
    assert_all_match_to(cases, label, RELATIVE);
}

/// The fixture `fixture` holds at least `at_least` cases, and each matches to `relative`; each
/// case's largest relative error is printed (seen with `--nocapture`), then the worst.
pub fn assert_fixture_matches(fixture: &str, label: &str, at_least: usize, relative: f64) {
    let cases = cases(fixture);
    assert!(cases.len() >= at_least, "{} cases", cases.len());
    for case in &cases {
        if let Ok(worst) = check_case_to(case, relative) {
            eprintln!("  {}: largest relative error {worst:.2e}", case["id"]);
        }
    }
    assert_all_match_to(&cases, label, relative);
}

/// [`assert_all_match`] to the tolerance `relative`.
pub fn assert_all_match_to(cases: &[Value], label: &str, relative: f64) {
    let results: Vec<Result<f64, String>> =
        cases.iter().map(|c| check_case_to(c, relative)).collect();
    let worst = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .fold(0.0f64, |a, &b| a.max(b));
    eprintln!(
        "{label}: {} cases, largest relative error {worst:.2e}",
        cases.len()
    );
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
