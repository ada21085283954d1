//! L-BFGS against PyTorch: the 8 cases of `tests/fixtures/torch_traces_lbfgs.json`
//! (`torch.optim.LBFGS`, float64, with and without the strong-Wolfe line search; see the file's
//! `generator` and `contract` fields), one trace line per outer step, each checked — the loss and
//! every parameter — to 1e-6 relative, in the same form as tests/reference.rs.

use gdviz::run::Runner;
use gdviz::scenario::Scenario;
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/torch_traces_lbfgs.json"
);

/// Relative tolerance of the comparison (the contract).
const RELATIVE: f64 = 1e-6;
/// Absolute floor, for quantities that PyTorch itself drives to ~0.
const ABSOLUTE: f64 = 1e-12;

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= RELATIVE * ours.abs().max(theirs.abs()) + ABSOLUTE
}

/// Relative difference, for the report printed with `--nocapture`.
fn relative_error(ours: f64, theirs: f64) -> f64 {
    (ours - theirs).abs() / ours.abs().max(theirs.abs()).max(1e-300)
}

fn cases() -> Vec<Value> {
    let text =
        std::fs::read_to_string(FIXTURE).expect("the reference fixture is in the repository");
    let document: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    document["cases"]
        .as_array()
        .expect("a list of cases")
        .clone()
}

/// Runs one case and returns the largest relative error over losses and parameters (where
/// PyTorch's value exceeds the absolute floor), or the first disagreement.
fn check_case(case: &Value) -> Result<f64, String> {
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
        if !close(ours.loss, loss) {
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
            if !close(*a, *b) {
                return Err(format!("{id}: step {step}: params[{i}] {a} vs PyTorch {b}"));
            }
            if b.abs() > 1e-9 {
                worst = worst.max(relative_error(*a, *b));
            }
        }
    }
    Ok(worst)
}

#[test]
fn all_lbfgs_cases_match_pytorch() {
    let cases = cases();
    assert_eq!(cases.len(), 8, "the fixture holds 8 cases");
    let results: Vec<Result<f64, String>> = cases.iter().map(check_case).collect();
    for (case, result) in cases.iter().zip(&results) {
        if let Ok(worst) = result {
            eprintln!("  {}: largest relative error {worst:.2e}", case["id"]);
        }
    }
    let worst = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .fold(0.0f64, |a, &b| a.max(b));
    eprintln!(
        "reference lbfgs: {} cases, largest relative error {worst:.2e}",
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

#[test]
fn the_fixture_covers_both_line_searches() {
    let cases = cases();
    let searches: std::collections::BTreeSet<String> = cases
        .iter()
        .map(|c| {
            c["scenario"]["optimizer"]["line_search_fn"]
                .as_str()
                .unwrap_or("none")
                .to_string()
        })
        .collect();
    assert!(searches.contains("strong_wolfe") && searches.contains("none"));
    assert!(cases
        .iter()
        .all(|c| c["scenario"]["optimizer"]["name"] == "lbfgs"));
}
