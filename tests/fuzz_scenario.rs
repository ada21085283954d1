//! Fuzzing the scenario format: no text breaks [`Scenario::from_json`], every refusal names a
//! field in one line, every accepted scenario reads back equal from its own JSON and runs.
//!
//! Each property runs [`CASES`] = 2000 cases by default (the whole file takes about 6 s in a
//! debug build on two cores); `PROPTEST_CASES=100000 cargo test --release --test fuzz_scenario`
//! runs a longer campaign (docs/robustness.md). Failures are shrunk and their seeds saved under
//! `proptest-regressions/`, which is committed so they are replayed first ever after.

// Tests may compute expectations with the platform's elementary functions (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;

use common::scenario_strategies::*;

use gdviz::read::Refusal;
use gdviz::run::{Race, Status};
use gdviz::scenario::Scenario;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

/// Cases per property, unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 2000;

fn config() -> ProptestConfig {
    common::fuzz::config(CASES, "proptest-regressions/fuzz_scenario.txt")
}

/// Updates each racer of an accepted scenario takes in the "runs" property (work is capped again
/// for large data objectives).
const STEP_CAP: u64 = 40;

/// Every node of `value` as a chain of keys and indices.
fn all_paths(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(json!(k));
                all_paths(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(json!(i));
                all_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Value::String(k) => node.get_mut(k.as_str()),
        Value::Number(i) => node.get_mut(i.as_u64()? as usize),
        _ => None,
    })
}

fn apply(document: &mut Value, mutation: &Mutation) {
    let mut paths = Vec::new();
    all_paths(document, &mut Vec::new(), &mut paths);
    let pick = |i: &Index| paths[i.index(paths.len())].clone();
    match mutation {
        Mutation::Replace(i, v) => {
            if let Some(node) = node_mut(document, &pick(i)) {
                *node = v.clone();
            }
        }
        Mutation::Remove(i) => {
            let path = pick(i);
            if let Some((last, parent)) = path.split_last() {
                match (node_mut(document, parent), last) {
                    (Some(Value::Object(m)), Value::String(k)) => {
                        m.remove(k);
                    }
                    (Some(Value::Array(a)), Value::Number(n)) => {
                        let n = n.as_u64().unwrap_or(0) as usize;
                        if n < a.len() {
                            a.remove(n);
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Insert(i, key, v) => {
            if let Some(Value::Object(m)) = node_mut(document, &pick(i)) {
                m.insert(key.clone(), v.clone());
            }
        }
        Mutation::Rename(i, key) => {
            let path = pick(i);
            if let Some((Value::String(old), parent)) = path.split_last() {
                if let Some(Value::Object(m)) = node_mut(document, parent) {
                    if let Some(v) = m.remove(old) {
                        m.insert(key.clone(), v);
                    }
                }
            }
        }
    }
}

/// A refusal names a field and says why, each on one line.
fn check_refusal(error: &Refusal, input: &str) {
    assert!(
        !error.field().is_empty(),
        "empty field for {input:?}: {error:?}"
    );
    assert!(
        !error.reason().is_empty(),
        "empty message for {input:?}: {error:?}"
    );
    for text in [&error.field(), &error.reason()] {
        assert!(
            !text.contains(['\n', '\r']),
            "a refusal is one line: {error:?} for {input:?}"
        );
    }
}

/// Parses `text`; an accepted scenario must validate and read back equal from its own JSON.
fn parse_and_round_trip(text: &str) -> Option<Scenario> {
    match Scenario::from_json(text) {
        Err(error) => {
            check_refusal(&error, text);
            None
        }
        Ok(scenario) => {
            scenario.validate().expect("an accepted scenario validates");
            let json = scenario.to_json();
            assert_eq!(
                Scenario::from_json(&json).as_ref(),
                Ok(&scenario),
                "{text} was written back as {json}"
            );
            Some(scenario)
        }
    }
}

/// Runs every racer of an accepted scenario for up to [`STEP_CAP`] updates (fewer on large data);
/// parameters must stay finite whatever the status, and a stopped run must say at which update.
fn run_capped(scenario: &Scenario) {
    let race = match Race::new(scenario) {
        Ok(race) => race,
        Err(error) => panic!(
            "an accepted scenario builds; refused with {error} for {}",
            scenario.to_json()
        ),
    };
    for mut runner in race.runners {
        let work = common::fuzz::update_work(&runner);
        let cap = scenario.steps.min(match work {
            0..=20_000 => STEP_CAP,
            20_001..=2_000_000 => 3,
            _ => 0,
        });
        for _ in 0..cap {
            let before = runner.steps_taken();
            let report = runner.step();
            assert!(
                runner.params().iter().all(|p| p.is_finite()),
                "non-finite parameters {:?} with status {:?} in {}",
                runner.params(),
                runner.status(),
                scenario.to_json()
            );
            match (report, runner.status()) {
                (Some(report), Status::Running) => {
                    assert_eq!(runner.steps_taken(), before + 1);
                    assert!(report.batch_loss.is_finite() && report.grad_norm.is_finite());
                }
                (None, Status::Diverged { step } | Status::Failed { step, .. }) => {
                    assert_eq!(*step, before + 1, "the failing update is named");
                    assert_eq!(runner.steps_taken(), before);
                    assert!(runner.step().is_none(), "a stopped run stays stopped");
                    break;
                }
                (None, Status::Converged { step, .. }) => {
                    assert_eq!(*step, before, "a stop condition names the last line");
                    assert!(runner.step().is_none(), "a stopped run stays stopped");
                    break;
                }
                (report, status) => panic!("inconsistent {report:?} with {status:?}"),
            }
            // What the page reads after each update (loss, epoch) must not panic either.
            let line = runner.trace_line();
            assert_eq!(line.step, runner.steps_taken());
        }
        runner.reset();
        assert_eq!(*runner.status(), Status::Running);
        assert_eq!(runner.params(), runner.start());
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any text at all: never a panic; a refusal names a field in one line.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        parse_and_round_trip(&text);
    }

    /// Token soup that looks like JSON — brackets, quotes, keys, numbers — gets further into the
    /// parser than random text.
    #[test]
    fn json_ish_text_never_panics(
        tokens in prop::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", ":", ",", "\"", "\"objective\"", "\"optimizer\"", "\"kind\"",
            "\"surface\"", "\"name\"", "\"rosenbrock\"", "\"sgd\"", "\"lr\"", "\"steps\"",
            "\"start\"", "\"race\"", "0", "-1", "1e999", "NaN", "Infinity", "1.5", "null", "true",
            "\"\\u0000\"", "\"\\n\"", " ", "\n",
        ]), 0..60)
    ) {
        parse_and_round_trip(&tokens.concat());
    }

    /// A valid-looking scenario with up to three nodes replaced, removed, added or renamed:
    /// refused with a named field, or accepted, re-serialised, read back equal — and run.
    #[test]
    fn mangled_scenarios_are_refused_by_field_or_run(
        document in skeleton(),
        mutations in prop::collection::vec(mutation(), 0..4),
    ) {
        let mut document = document;
        for m in &mutations {
            apply(&mut document, m);
        }
        let text = document.to_string();
        if let Some(scenario) = parse_and_round_trip(&text) {
            run_capped(&scenario);
        }
    }

    /// The unmangled skeletons: a larger share is accepted, and every accepted one runs.
    #[test]
    fn accepted_scenarios_run_without_panicking(document in skeleton()) {
        if let Some(scenario) = parse_and_round_trip(&document.to_string()) {
            run_capped(&scenario);
        }
    }
}

/// The skeleton generator is worth its cost only if it gets past the parser often: at least a
/// quarter of unmangled skeletons must be accepted (measured on a fixed seed). `SHOW_REFUSALS=1`
/// prints why the others were refused, to tune the generator.
#[test]
fn most_skeletons_are_accepted() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = skeleton();
    let total = 300;
    let accepted = (0..total)
        .filter(|_| {
            let document = strategy
                .new_tree(&mut runner)
                .map(|tree| tree.current())
                .unwrap_or(Value::Null);
            match Scenario::from_json(&document.to_string()) {
                Ok(_) => true,
                Err(e) => {
                    if std::env::var_os("SHOW_REFUSALS").is_some() {
                        eprintln!("refused: {e}");
                    }
                    false
                }
            }
        })
        .count();
    println!("{accepted} of {total} unmangled skeletons accepted");
    assert!(
        accepted * 4 >= total,
        "only {accepted} of {total} skeletons were accepted"
    );
}

/// The first bug this file found: without serde_json's `float_roundtrip` feature, a start of
/// `7.93319754509586e-176` parsed one ulp off, so a scenario written back as JSON (the page's
/// edits, a saved scenario) did not replay bit for bit.
#[test]
fn numbers_read_back_bit_for_bit() {
    for value in [
        7.93319754509586e-176_f64,
        0.1,
        1.0 / 3.0,
        5e-324,
        1e12,
        -2.2250738585072014e-308,
    ] {
        let text = format!(
            r#"{{"objective":{{"kind":"surface","name":"rosenbrock"}},"optimizer":{{"name":"sgd","lr":{lr}}},"start":[{value:e},0.5]}}"#,
            lr = value.abs().min(1e12)
        );
        let scenario = Scenario::from_json(&text).expect("accepted");
        assert_eq!(
            scenario.start.as_deref().map(|s| s[0].to_bits()),
            Some(value.to_bits())
        );
        let again = Scenario::from_json(&scenario.to_json()).expect("accepted again");
        assert_eq!(
            again.start.as_deref().map(|s| s[0].to_bits()),
            Some(value.to_bits()),
            "{}",
            scenario.to_json()
        );
    }
}
