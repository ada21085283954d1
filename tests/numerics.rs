//! Numerical edge cases: learning rates across 24 decades, degenerate batches and data sets, far
//! starts, ill conditioning, a singular Hessian and overflow (non-finite inputs are in
//! tests/non_finite.rs). Every case is
//! refused with the field named, or runs and ends `Running`, `Diverged { step }` or (Newton)
//! `Failed { step, reason }` — never a panic, and never non-finite parameters left in place.
//! The `gdviz trace` outcomes of the same cases are at the end.

use gdviz::objective::model::Model;
use gdviz::objective::surfaces::SurfaceSpec;
use gdviz::objective::Objective;
use gdviz::optim::*;
use gdviz::run::{trace_digest, Runner, Status};
use gdviz::scenario::{ObjectiveSpec, Scenario};
use std::process::Output;

mod common;

use common::scenarios::{accept, assert_refused, refuse, run_checked};

// ---------------------------------------------------------------------------------------------
// Learning rates across 24 decades

fn optimizer_json(name: &str, lr: f64) -> String {
    format!(r#"{{"name":"{name}","lr":{lr:e}}}"#)
}

#[test]
fn every_learning_rate_from_1e_minus_12_to_1e12_on_every_optimizer_stops_cleanly() {
    let objectives = [
        (
            "rosenbrock",
            r#""objective":{"kind":"surface","name":"rosenbrock"},"start":[-1.5,2]"#,
        ),
        (
            "linreg",
            r#""objective":{"kind":"linreg","dataset":{"name":"linear","n":60,"seed":2}},"batch_size":8,"seed":4"#,
        ),
    ];
    let mut lrs: Vec<f64> = (-12..=12).map(|e| 10f64.powi(e)).collect();
    lrs.push(0.0);
    let (mut running, mut diverged, mut failed) = (0, 0, 0);
    for (objective_name, objective) in objectives {
        for name in OPTIMIZERS.iter().map(|o| o.name) {
            for &lr in &lrs {
                let text = format!(
                    r#"{{{objective},"optimizer":{},"steps":300}}"#,
                    optimizer_json(name, lr)
                );
                let scenario = Scenario::from_json(&text)
                    .unwrap_or_else(|e| panic!("{objective_name}: {text}: {e}"));
                let mut runner = Runner::new(&scenario).expect("builds");
                match run_checked(&mut runner, scenario.steps) {
                    Status::Running => {
                        assert_eq!(runner.steps_taken(), 300);
                        running += 1;
                    }
                    Status::Diverged { step } => {
                        assert!((1..=300).contains(&step));
                        diverged += 1;
                    }
                    Status::Failed { reason, .. } => {
                        assert_eq!(name, "newton", "only Newton refuses an update: {reason}");
                        failed += 1;
                    }
                    Status::Converged { .. } => panic!("no stop conditions were given: {text}"),
                }
                // The extremes behave as they must.
                if name == "sgd" && lr == 1e12 {
                    assert!(matches!(runner.status(), Status::Diverged { .. }), "{text}");
                }
                if lr <= 1e-6 {
                    assert_eq!(*runner.status(), Status::Running, "{text}");
                }
            }
        }
    }
    assert_eq!(running + diverged + failed, 2 * 10 * 26);
    assert!(diverged > 0 && running > 0);
    println!("{running} running, {diverged} diverged, {failed} failed");
}

#[test]
fn a_learning_rate_beyond_1e12_is_refused_with_the_range() {
    for name in OPTIMIZERS.iter().map(|o| o.name) {
        let error = assert_refused(
            &format!(
                r#"{{"objective":{{"kind":"surface","name":"booth"}},"optimizer":{}}}"#,
                optimizer_json(name, 1e13)
            ),
            "optimizer.lr",
        );
        assert!(error.reason().contains("1e12"), "{error}");
        assert_refused(
            &format!(
                r#"{{"objective":{{"kind":"surface","name":"booth"}},"optimizer":{}}}"#,
                optimizer_json(name, -1e-12)
            ),
            "optimizer.lr",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Batches and data sets

const DATA: &str = r#""objective":{"kind":"linreg","dataset":{"name":"linear","n":100,"seed":3}}"#;

#[test]
fn batch_size_zero_is_refused_and_one_beyond_the_data_is_full_batch() {
    for (rest, field) in [
        (r#""batch_size":0"#, "batch_size"),
        (r#""batch_size":1000001"#, "batch_size"),
        (r#""batch_size":-1"#, "batch_size"),
        (r#""batch_size":2.5"#, "batch_size"),
        (
            r#""race":[{"optimizer":{"name":"adam"},"batch_size":0}]"#,
            "race[0].batch_size",
        ),
    ] {
        let error = assert_refused(
            &format!(r#"{{{DATA},"optimizer":{{"name":"sgd"}},{rest}}}"#),
            field,
        );
        assert!(error.reason().contains("1 ≤ batch_size ≤ 1e6"), "{error}");
    }
    let full = accept(&format!(
        r#"{{{DATA},"optimizer":{{"name":"sgd","lr":0.1}},"seed":2,"steps":50}}"#
    ));
    for batch in [50, 51, 1000, 1_000_000] {
        let mut beyond = full.clone();
        beyond.batch_size = Some(batch);
        let mut runner = Runner::new(&beyond).expect("builds");
        let n = runner.objective().sample_count();
        assert_eq!(n, 50, "half the 100 points are the test split");
        assert_eq!(
            runner.batch_size(),
            n,
            "batch {batch} of {n} is the full batch"
        );
        run_checked(&mut runner, 3);
        assert_eq!(runner.samples_seen(), 3 * n as u64);
        assert_eq!(runner.epoch(), 3.0);
        assert_eq!(
            trace_digest(&beyond).expect("runs"),
            trace_digest(&full).expect("runs"),
            "batch {batch} replays full-batch gradient descent bit for bit"
        );
    }
}

#[test]
fn an_empty_data_set_is_refused_and_a_single_point_runs() {
    // Defined: an empty data set is refused by field; one point is a (degenerate) data set.
    assert_refused(
        r#"{"objective":{"kind":"linreg","points":[]},"optimizer":{"name":"sgd"}}"#,
        "objective.points",
    );
    assert_refused(
        r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":0}},"optimizer":{"name":"sgd"}}"#,
        "objective.dataset.n",
    );
    assert_refused(
        r#"{"objective":{"kind":"mlp","layers":[2,3,1],"activation":"tanh","loss":"bce","points":[]},"optimizer":{"name":"sgd"}}"#,
        "objective.points",
    );
    for objective in [
        r#"{"kind":"linreg","points":[[0.5,2.0]]}"#,
        r#"{"kind":"linreg","dataset":{"name":"linear","n":1,"seed":9}}"#,
        r#"{"kind":"linreg","dataset":{"name":"linear","n":2,"test_fraction":0.99}}"#,
        r#"{"kind":"mlp","layers":[2,3,1],"activation":"tanh","loss":"bce","points":[[0.5,-0.5,1]]}"#,
        r#"{"kind":"mlp","layers":[2,3,1],"activation":"tanh","loss":"mse","dataset":{"name":"plane","n":1}}"#,
    ] {
        for batch in [
            "",
            r#","batch_size":1"#,
            r#","batch_size":7"#,
            r#","with_replacement":true,"batch_size":1"#,
        ] {
            for optimizer in [r#"{"name":"sgd","lr":0.1}"#, r#"{"name":"adam","lr":0.05}"#] {
                let text = format!(
                    r#"{{"objective":{objective},"optimizer":{optimizer},"steps":200{batch}}}"#
                );
                let scenario = accept(&text);
                let mut runner = Runner::new(&scenario).expect("builds");
                assert_eq!(runner.objective().sample_count(), 1, "{text}");
                assert_eq!(runner.batch_size(), 1);
                let first = runner.loss();
                assert_eq!(run_checked(&mut runner, 200), Status::Running, "{text}");
                assert_eq!(runner.samples_seen(), 200);
                assert!(runner.loss() < first, "{text}: {first} → {}", runner.loss());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Far starts, ill conditioning, a singular Hessian, overflow

#[test]
fn starts_far_outside_the_view_run_or_diverge() {
    let starts = [
        [1e6, 1e6],
        [-1e6, 1e6],
        [1e12, 1e12],
        [1e12, -1e12],
        [-1e12, 3.0],
    ];
    let mut outcomes = [0; 3];
    for surface in SurfaceSpec::ALL_NAMES {
        for start in starts {
            for optimizer in [
                r#"{"name":"sgd","lr":0.001}"#,
                r#"{"name":"sgd","lr":0.001,"momentum":0.9}"#,
                r#"{"name":"adam","lr":0.05}"#,
                r#"{"name":"rmsprop"}"#,
                r#"{"name":"adagrad","lr":0.1}"#,
                r#"{"name":"newton"}"#,
                r#"{"name":"newton","damping":1}"#,
                r#"{"name":"lbfgs","lr":0.5}"#,
            ] {
                let text = format!(
                    r#"{{"objective":{{"kind":"surface","name":"{surface}"}},"optimizer":{optimizer},"start":[{:e},{:e}],"steps":100}}"#,
                    start[0], start[1]
                );
                let mut runner = Runner::new(&accept(&text)).expect("builds");
                let _ = runner.loss(); // may be infinite; must not panic
                match run_checked(&mut runner, 100) {
                    Status::Running => outcomes[0] += 1,
                    Status::Diverged { .. } => outcomes[1] += 1,
                    Status::Failed { .. } => outcomes[2] += 1,
                    Status::Converged { .. } => panic!("no stop conditions were given"),
                }
            }
        }
    }
    println!(
        "far starts: {outcomes:?} running/diverged/failed of {}",
        11 * 5 * 8
    );
    for start in ["[1e13,0]", "[0,-1e13]", "[1e100,0]", "[1e308,1e308]"] {
        let error = refuse(&format!(
            r#"{{"objective":{{"kind":"surface","name":"goldstein_price"}},"optimizer":{{"name":"sgd"}},"start":{start}}}"#
        ));
        assert!(error.field().starts_with("start["), "{error}");
        assert!(error.reason().contains("|value| ≤ 1e12"), "{error}");
        assert!(error.reason().len() < 120, "a short number in: {error}");
    }
}

#[test]
fn a_quadratic_with_condition_number_1e6_runs_and_reports_divergence() {
    let quadratic = |kappa: f64, optimizer: &str| {
        accept(&format!(
            r#"{{"objective":{{"kind":"surface","name":"quadratic","kappa":{kappa:e},"angle":0.3}},"optimizer":{optimizer},"start":[3,2],"steps":2000}}"#
        ))
    };
    // Above the critical rate 2/L = 2e-6, gradient descent diverges — and says at which update.
    let mut runner = Runner::new(&quadratic(1e6, r#"{"name":"sgd","lr":0.001}"#)).expect("builds");
    let Status::Diverged { step } = run_checked(&mut runner, 2000) else {
        panic!("lr 1e-3 ≫ 2/L diverges, got {:?}", runner.status())
    };
    assert!(step < 200, "diverged at update {step}");
    assert_eq!(runner.steps_taken(), step - 1);
    // Below it, it runs; so do adaptive methods and Newton (one step to the minimum).
    for optimizer in [
        r#"{"name":"sgd","lr":1.9e-6}"#,
        r#"{"name":"adam","lr":0.01}"#,
        r#"{"name":"rmsprop","lr":0.001}"#,
        r#"{"name":"newton"}"#,
    ] {
        let mut runner = Runner::new(&quadratic(1e6, optimizer)).expect("builds");
        let first = runner.loss();
        assert_eq!(
            run_checked(&mut runner, 2000),
            Status::Running,
            "{optimizer}"
        );
        assert!(runner.loss() < first, "{optimizer}");
    }
    // The flat end of the range runs too; beyond the range is refused.
    let mut runner = Runner::new(&quadratic(1e-6, r#"{"name":"newton"}"#)).expect("builds");
    assert_eq!(run_checked(&mut runner, 10), Status::Running);
    for kappa in ["1.000001e6", "1e7", "9e-7", "0", "-1"] {
        assert_refused(
            &format!(
                r#"{{"objective":{{"kind":"surface","name":"quadratic","kappa":{kappa}}},"optimizer":{{"name":"sgd"}}}}"#
            ),
            "objective.kappa",
        );
    }
}

/// Rosenbrock's Hessian [[1200x² − 400y + 2, −400x], [−400x, 200]] has determinant
/// 80000(x² − y) + 400, zero on the parabola y = x² + 0.005: at (0, 0.005) it is diag(0, 200).
const SINGULAR_POINT: [f64; 2] = [0.0, 0.005];

#[test]
fn newton_at_a_singular_hessian_fails_with_a_sentence() {
    let model = Model::build(&ObjectiveSpec::Surface(SurfaceSpec::Rosenbrock), 0).expect("builds");
    assert_eq!(
        model.hessian(&SINGULAR_POINT),
        Some(vec![0.0, 0.0, 0.0, 200.0])
    );
    let text = r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"newton"},"start":[0,0.005],"steps":10}"#;
    let mut runner = Runner::new(&accept(text)).expect("builds");
    let Status::Failed { step, reason, .. } = run_checked(&mut runner, 10) else {
        panic!("a singular Hessian stops Newton, got {:?}", runner.status())
    };
    assert_eq!(step, 1);
    assert_eq!(
        runner.params(),
        SINGULAR_POINT,
        "the parameters stay where they were"
    );
    assert!(
        reason.starts_with("the Hessian is singular here") && reason.contains("damping"),
        "{reason}"
    );
    // Damping makes H + δI regular and the run goes on; reset starts again.
    let damped = accept(&text.replace(r#""name":"newton""#, r#""name":"newton","damping":0.1"#));
    let mut runner = Runner::new(&damped).expect("builds");
    assert_eq!(run_checked(&mut runner, 10), Status::Running);
    // The saddle's Hessian is regular: Newton jumps onto the saddle point and stays.
    let saddle = accept(
        r#"{"objective":{"kind":"surface","name":"saddle"},"optimizer":{"name":"newton"},"start":[1,1],"steps":5}"#,
    );
    let mut runner = Runner::new(&saddle).expect("builds");
    assert_eq!(run_checked(&mut runner, 5), Status::Running);
    assert_eq!(runner.params(), [0.0, 0.0]);
}

#[test]
fn overflow_is_reported_as_divergence() {
    let model =
        Model::build(&ObjectiveSpec::Surface(SurfaceSpec::GoldsteinPrice), 0).expect("builds");
    let mut grad = [0.0; 2];
    for point in [[1e100, 0.0], [1e100, 1e100], [-1e300, 1e300], [1e12, 1e12]] {
        // Values past the range of f64 are infinite or NaN, never a panic.
        let _ = model.loss(&point);
        let _ = model.loss_and_gradient(&point, &mut grad);
        let _ = model.hessian(&point);
    }
    assert!(!model.loss(&[1e100, 0.0]).is_finite());
    // From the edge of the accepted starts, one SGD step overflows the degree-8 polynomial.
    for surface in SurfaceSpec::ALL_NAMES {
        let text = format!(
            r#"{{"objective":{{"kind":"surface","name":"{surface}"}},"optimizer":{{"name":"sgd","lr":1}},"start":[1e12,1e12],"steps":50}}"#
        );
        let mut runner = Runner::new(&accept(&text)).expect("builds");
        let status = run_checked(&mut runner, 50);
        if ["goldstein_price", "rosenbrock", "beale"].contains(surface) {
            assert!(
                matches!(status, Status::Diverged { .. }),
                "{surface}: {status:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The same cases through `gdviz trace`

/// `gdviz trace` with `stdin` as the scenario.
fn gdviz(stdin: &str) -> Output {
    common::cli::gdviz(&["trace"], stdin)
}

#[test]
fn trace_refuses_bad_numbers_with_exit_2_and_one_line() {
    let surface = r#""objective":{"kind":"surface","name":"rosenbrock"}"#;
    let cases = [
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd","lr":NaN}}}}"#), "optimizer.lr"),
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd","lr":1e999}}}}"#), "optimizer.lr"),
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd","lr":1e13}}}}"#), "optimizer.lr"),
        (format!(r#"{{{surface},"optimizer":{{"name":"adam","eps":-Infinity}}}}"#), "optimizer.eps"),
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd"}},"start":[1e999,0]}}"#), "start[0]"),
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd"}},"start":[1e100,0]}}"#), "start[0]"),
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd"}},"steps":-3}}"#), "steps"),
        (format!(r#"{{{surface},"optimizer":{{"name":"sgd"}},"steps":10000001}}"#), "steps"),
        (format!(r#"{{{DATA},"optimizer":{{"name":"sgd"}},"batch_size":0}}"#), "batch_size"),
        (
            r#"{"objective":{"kind":"linreg","points":[]},"optimizer":{"name":"sgd"}}"#.into(),
            "objective.points",
        ),
        (
            r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":0}},"optimizer":{"name":"sgd"}}"#.into(),
            "objective.dataset.n",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"quadratic","kappa":1e7},"optimizer":{"name":"sgd"}}"#.into(),
            "objective.kappa",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"himmelblau\n"},"optimizer":{"name":"sgd"}}"#.into(),
            "objective.name",
        ),
    ];
    for (scenario, field) in cases {
        let out = gdviz(&scenario);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{scenario}: {stderr}");
        assert!(out.stdout.is_empty(), "{scenario}: nothing on stdout");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{scenario}: one line: {stderr}"
        );
        assert!(
            stderr.starts_with(&format!("gdviz: invalid scenario: {field}: ")),
            "{scenario}: should name {field}: {stderr}"
        );
        assert!(
            stderr.contains("accepted") || stderr.contains("expected one of"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn trace_ends_a_divergence_or_failure_with_a_stopped_line() {
    let cases = [
        (
            r#"{"objective":{"kind":"surface","name":"quadratic","kappa":1e6},"optimizer":{"name":"sgd","lr":0.001},"start":[3,2],"steps":500}"#,
            "diverged",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"goldstein_price"},"optimizer":{"name":"sgd","lr":0.001},"start":[1e12,1e12],"steps":50}"#,
            "diverged",
        ),
        (
            r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":50}},"optimizer":{"name":"sgd","lr":1e12},"steps":500}"#,
            "diverged",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"newton"},"start":[0,0.005],"steps":50}"#,
            "failed",
        ),
    ];
    for (scenario, stopped) in cases {
        let out = gdviz(scenario);
        assert!(out.status.success(), "{scenario}");
        let lines = common::cli::json_lines(&out);
        let (last, trace) = lines.split_last().expect("some lines");
        assert_eq!(last["stopped"], stopped, "{scenario}");
        let step = last["step"].as_u64().expect("the update that stopped");
        let message = last["message"].as_str().expect("a message");
        let expected_prefix = match stopped {
            "diverged" => format!("diverged at step {step}: "),
            _ => format!("stopped at step {step}: "),
        };
        assert!(message.starts_with(&expected_prefix), "{message}");
        // Lines 0 … step − 1, each with finite parameters; the update `step` never happened.
        assert_eq!(trace.len() as u64, step, "{scenario}");
        for (k, line) in trace.iter().enumerate() {
            assert_eq!(line["step"], k as u64);
            assert!(line["params"]
                .as_array()
                .expect("params")
                .iter()
                .all(|p| p.as_f64().is_some_and(f64::is_finite)));
        }
    }
}

#[test]
fn trace_runs_the_degenerate_but_valid_cases_to_the_end() {
    for scenario in [
        r#"{"objective":{"kind":"linreg","points":[[0.5,2]]},"optimizer":{"name":"sgd","lr":0.1},"batch_size":1,"steps":20}"#,
        r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":30}},"optimizer":{"name":"adam"},"batch_size":1000000,"steps":20}"#,
        r#"{"objective":{"kind":"surface","name":"quadratic","kappa":1e6},"optimizer":{"name":"sgd","lr":1e-6},"start":[3,2],"steps":20}"#,
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":1e-12},"start":[1e12,-1e12],"steps":20}"#,
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"steps":0}"#,
    ] {
        let out = gdviz(scenario);
        assert!(out.status.success(), "{scenario}");
        let lines = common::cli::json_lines(&out);
        let last = lines.last().expect("some lines");
        assert!(last.get("stopped").is_none(), "{scenario}: {last}");
        assert_eq!(last["step"], lines.len() as u64 - 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Newton on linear regression

/// The least-squares line through `points`, from the normal equations in closed form:
/// w = (n·Σxy − Σx·Σy) / (n·Σx² − (Σx)²), b = (Σy − w·Σx) / n.
fn least_squares(points: &[[f64; 2]]) -> [f64; 2] {
    let n = points.len() as f64;
    let (sx, sy, sxx, sxy) = points.iter().fold((0.0, 0.0, 0.0, 0.0), |(a, b, c, d), p| {
        (a + p[0], b + p[1], c + p[0] * p[0], d + p[0] * p[1])
    });
    let w = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    [w, (sy - w * sx) / n]
}

#[test]
fn newton_on_linear_regression_reaches_least_squares_in_one_step() {
    // The mean squared error is a quadratic in (w, b) with the constant Hessian (2/n)·XᵀX, so one
    // full-batch Newton step at lr = 1 lands on the least-squares answer from any start.
    for (seed, start) in [(1, [-2.0, 3.0]), (7, [4.0, -1.0])] {
        let scenario = accept(&format!(
            r#"{{"objective":{{"kind":"linreg","dataset":{{"name":"linear","n":100,"noise":0.3,"seed":{seed}}}}},
                "optimizer":{{"name":"newton","lr":1}},"start":[{},{}],"steps":3}}"#,
            start[0], start[1]
        ));
        let mut runner = Runner::new(&scenario).expect("builds");
        let Some(gdviz::objective::model::Points::OneInput(train)) =
            runner.objective().train_points()
        else {
            panic!("linear regression has one-input points");
        };
        let answer = least_squares(train);
        runner.step().expect("one Newton step");
        let [w, b] = [runner.params()[0], runner.params()[1]];
        assert!(
            (w - answer[0]).abs() < 1e-12 && (b - answer[1]).abs() < 1e-12,
            "seed {seed}: ({w}, {b}) vs least squares {answer:?}"
        );
        let mut grad = [0.0; 2];
        runner
            .objective()
            .loss_and_gradient(runner.params(), &mut grad);
        assert!(grad.iter().all(|g| g.abs() < 1e-12), "{grad:?}");
    }
}

#[test]
fn newton_is_refused_on_a_network_with_the_reason() {
    let error = assert_refused(
        r#"{"objective":{"kind":"mlp","layers":[2,2,1],"activation":"tanh","loss":"bce","dataset":{"name":"xor"}},"optimizer":{"name":"newton"}}"#,
        "optimizer.name",
    );
    assert!(error.reason().contains("Hessian"), "{error}");
}
