//! Your own function: every built-in surface typed in as an expression gives the built-in's
//! value, gradient and Hessian at random points of its view (to 1e-9 relative), and the same
//! trace — every parameter and loss of 50 steps — for every optimizer.
//!
//! The expression's derivatives come from forward-mode automatic differentiation of the parsed
//! formula, the built-ins' from hand-written calculus, so agreement checks both.

// Tests may compute expectations with the platform's elementary functions (clippy.toml).
#![allow(clippy::disallowed_methods)]

use gdviz::objective::surfaces::custom::CustomExpr;
use gdviz::objective::surfaces::{Surface, SurfaceSpec};
use gdviz::run::{Runner, Status, TraceLine};
use gdviz::scenario::Scenario;
use proptest::prelude::*;
use serde_json::json;

/// Tolerance: `|custom − built-in| ≤ 1e-9·(1 + |built-in|)`.
const RELATIVE: f64 = 1e-9;

/// Every optimizer but those that evaluate the objective inside a step (L-BFGS runs on custom
/// surfaces too, but its inner tolerance tests branch on last-bit differences, so its traces are
/// not compared to 1e-9).
fn compared_optimizers() -> Vec<&'static str> {
    gdviz::optim::OPTIMIZERS
        .iter()
        .filter(|o| o.needs != gdviz::optim::Needs::Objective)
        .map(|o| o.name)
        .collect()
}

/// The quadratic's fixed κ and θ, written as numbers in its expression.
const KAPPA: f64 = 100.0;
const ANGLE: f64 = -0.3;

/// Every built-in surface and its formula as an expression.
fn surfaces() -> Vec<(SurfaceSpec, &'static str)> {
    vec![
        (SurfaceSpec::Rosenbrock, "(1 - x)^2 + 100*(y - x^2)^2"),
        (
            SurfaceSpec::Beale,
            "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        ),
        (
            SurfaceSpec::Himmelblau,
            "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        ),
        (SurfaceSpec::Booth, "(x + 2*y - 7)^2 + (2*x + y - 5)^2"),
        (SurfaceSpec::Matyas, "0.26*(x^2 + y^2) - 0.48*x*y"),
        (
            SurfaceSpec::ThreeHumpCamel,
            "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
        ),
        (SurfaceSpec::Saddle, "x^2 - y^2"),
        (
            SurfaceSpec::Rastrigin,
            "2*10 + (x^2 - 10*cos(2*pi*x)) + (y^2 - 10*cos(2*pi*y))",
        ),
        (
            SurfaceSpec::Ackley,
            "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        ),
        (
            SurfaceSpec::GoldsteinPrice,
            "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))
             * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
        ),
        (
            SurfaceSpec::Quadratic {
                kappa: KAPPA,
                angle: ANGLE,
            },
            "0.5*((x*cos(-0.3) + y*sin(-0.3))^2 + 100*(-x*sin(-0.3) + y*cos(-0.3))^2)",
        ),
    ]
}

/// The custom surface of `expr` on `builtin`'s view box.
fn custom_of(builtin: &SurfaceSpec, expr: &str) -> SurfaceSpec {
    let v = builtin.view_box();
    SurfaceSpec::Custom {
        expr: CustomExpr::new(expr),
        view: Some([v.x_min, v.x_max, v.y_min, v.y_max]),
    }
}

fn close(ours: f64, theirs: f64) -> bool {
    ours == theirs || (ours - theirs).abs() <= RELATIVE * (1.0 + theirs.abs())
}

#[test]
fn every_surface_is_covered_and_every_expression_validates() {
    let names: Vec<&str> = surfaces().iter().map(|(s, _)| s.name()).collect();
    assert_eq!(names, SurfaceSpec::ALL_NAMES);
    for (builtin, expr) in surfaces() {
        let custom = custom_of(&builtin, expr);
        assert_eq!(custom.validate(), Ok(()), "{}", builtin.name());
        assert_eq!(custom.view_box(), builtin.view_box());
        assert_eq!(custom.name(), "custom");
        assert_eq!(custom.title(), "Your function f(x, y)");
        assert!(custom.minima().is_empty() && !custom.log_scale());
        assert_eq!(custom.min_value(), None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Value, gradient and Hessian of each expression match the built-in's hand-written
    /// calculus at a random point of its view (Ackley away from its kink at the origin).
    #[test]
    fn expressions_match_the_built_in_surfaces(
        index in 0..11_usize, s in 0.0..1.0_f64, t in 0.0..1.0_f64,
    ) {
        let (builtin, expr) = &surfaces()[index];
        let custom = custom_of(builtin, expr);
        let v = builtin.view_box();
        let (x, y) = (v.x_min + s * (v.x_max - v.x_min), v.y_min + t * (v.y_max - v.y_min));
        prop_assume!(!matches!(builtin, SurfaceSpec::Ackley) || x.hypot(y) > 1e-3);
        let name = builtin.name();
        let (f, g, h) = (custom.value(x, y), custom.gradient(x, y), custom.hessian(x, y));
        let (bf, bg, bh) = (builtin.value(x, y), builtin.gradient(x, y), builtin.hessian(x, y));
        prop_assert!(close(f, bf), "{name} at ({x}, {y}): f {f} vs {bf}");
        for i in 0..2 {
            prop_assert!(close(g[i], bg[i]), "{name} at ({x}, {y}): ∇f {g:?} vs {bg:?}");
            for j in 0..2 {
                prop_assert!(close(h[i][j], bh[i][j]), "{name} at ({x}, {y}): H {h:?} vs {bh:?}");
            }
        }
        prop_assert_eq!(h[0][1], h[1][0]);
        // The one-pass value and gradient are the separate ones, bit for bit.
        prop_assert_eq!(custom.value_and_gradient(x, y), (f, g));
    }
}

/// A learning rate that keeps `optimizer` on `surface` in a sensible regime for 50 steps.
fn learning_rate(surface: &SurfaceSpec, optimizer: &str) -> f64 {
    let steep = matches!(
        surface,
        SurfaceSpec::GoldsteinPrice | SurfaceSpec::Beale | SurfaceSpec::Rosenbrock
    );
    match optimizer {
        "sgd" if matches!(surface, SurfaceSpec::GoldsteinPrice) => 1e-7,
        "sgd" if steep => 1e-5,
        "sgd" => 1e-3,
        "adadelta" => 1.0,
        "newton" => 0.5,
        _ => 0.05,
    }
}

fn scenario(objective: &SurfaceSpec, optimizer: &str, lr: f64, start: [f64; 2]) -> Scenario {
    let mut optimizer = json!({ "name": optimizer, "lr": lr });
    if optimizer["name"] == "sgd" {
        optimizer["momentum"] = json!(0.9);
    }

    let json = json!({
        "objective": serde_json::to_value(objective).expect("serialises").as_object().map(|o| {
            let mut o = o.clone();
            o.insert("kind".into(), json!("surface"));
            o
        }),
        "optimizer": optimizer,
        "start": start,
        "steps": 50,
    });
    Scenario::from_value(&json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn trace(scenario: &Scenario) -> (Vec<TraceLine>, Status) {
    let mut runner = Runner::new(scenario).expect("the scenario builds");
    let mut lines = Vec::new();
    let status = runner
        .trace(scenario.steps, |line| lines.push(line.clone()))
        .clone();
    (lines, status)
}

/// The key test: a custom expression of each built-in surface reproduces its trace under every
/// optimizer, to 1e-9 relative at every step.
#[test]
fn expressions_reproduce_the_built_in_traces_for_every_optimizer() {
    let mut worst = 0.0_f64;
    let mut runs = 0;
    for (builtin, expr) in surfaces() {
        let custom = custom_of(&builtin, expr);
        let start = Scenario::default_surface_start(&builtin);
        assert_eq!(start, Scenario::default_surface_start(&custom));
        for optimizer in compared_optimizers() {
            let lr = learning_rate(&builtin, optimizer);
            let id = format!("{} / {optimizer} (lr {lr})", builtin.name());
            let (expected, expected_status) = trace(&scenario(&builtin, optimizer, lr, start));
            let (actual, status) = trace(&scenario(&custom, optimizer, lr, start));
            assert_eq!(status, expected_status, "{id}");
            assert_eq!(actual.len(), expected.len(), "{id}");
            assert!(
                expected.len() > 1,
                "{id}: stopped at once ({expected_status:?})"
            );
            // Every run stays finite for its 50 steps, so every step is compared.
            assert_eq!(expected_status, Status::Running, "{id}");
            for (ours, theirs) in actual.iter().zip(&expected) {
                let step = ours.step;
                assert!(
                    close(ours.loss, theirs.loss),
                    "{id}: step {step}: loss {} vs {}",
                    ours.loss,
                    theirs.loss
                );
                for (p, q) in ours.params.iter().zip(&theirs.params) {
                    assert!(
                        close(*p, *q),
                        "{id}: step {step}: params {:?} vs {:?}",
                        ours.params,
                        theirs.params
                    );
                    worst = worst.max((p - q).abs() / (1.0 + q.abs()));
                }
            }
            runs += 1;
        }
    }
    assert_eq!(runs, 11 * compared_optimizers().len());
    println!("largest parameter difference over {runs} traces: {worst:e} (relative)");
}

#[test]
fn scenarios_read_validate_and_serialise_the_custom_form() {
    let json = r#"{"objective":{"kind":"surface","name":"custom","expr":"x^2 + 10*sin(y)","view":[-4,4,-2,6]},
        "optimizer":{"name":"adam","lr":0.1},"steps":20}"#;
    let scenario = Scenario::from_json(json).expect("accepted");
    let back = Scenario::from_json(&scenario.to_json()).expect("reads back");
    assert_eq!(back, scenario);
    assert!(scenario.to_json().contains(
        r#"{"kind":"surface","name":"custom","expr":"x^2 + 10*sin(y)","view":[-4.0,4.0,-2.0,6.0]}"#
    ));
    let (lines, status) = trace(&scenario);
    assert_eq!((lines.len(), status), (21, Status::Running));
    // The default start is a fifth in from the view's top-left corner.
    assert_eq!(lines[0].params, vec![-2.4, 4.4]);

    let refuse = |json: &str, field: &str, message: &str| {
        let error = Scenario::from_json(json).expect_err(json);
        assert_eq!(
            (error.field().as_str(), error.reason().as_str()),
            (field, message),
            "{json}"
        );
    };
    let with = |objective: &str, rest: &str| {
        format!(
            r#"{{"objective":{{"kind":"surface","name":"custom",{objective}}},"optimizer":{{"name":"sgd"}}{rest}}}"#
        )
    };
    refuse(
        &with(r#""expr":"(1-x)^2 + 100*(y-x^2""#, ""),
        "objective.expr",
        "expected ')' at position 21 to close the '(' at position 15",
    );
    refuse(
        &with(r#""expr":"sine(x)""#, ""),
        "objective.expr",
        "unknown function `sine` at position 1 (accepted: sin, cos, tan, exp, log, sqrt, abs, tanh)",
    );
    refuse(
        &with(r#""expr":"x+z""#, ""),
        "objective.expr",
        "unknown variable `z` at position 3 (use x and y)",
    );
    refuse(
        &with(r#""expr":" ""#, ""),
        "objective.expr",
        "the expression is empty; type a function of x and y such as x^2 + 3*y^2",
    );
    refuse(
        &with(&format!(r#""expr":"{}""#, "x+".repeat(300)), ""),
        "objective.expr",
        "the expression has 600 characters; at most 500 are accepted",
    );
    refuse(
        &with(r#""expr":"x","view":[3,-3,-3,3]"#, ""),
        "objective.view",
        "[3, -3, -3, 3] is not a box (accepted: [x_min, x_max, y_min, y_max] with x_min < x_max, y_min < y_max, each finite with |value| ≤ 1e12)",
    );
    // Undefined at the given start, or at the default start.
    refuse(
        &with(r#""expr":"log(x) + y^2""#, r#","start":[-1,0]"#),
        "start",
        "f is not finite at (-1, 0): f = NaN; choose a start where the function is defined",
    );
    refuse(
        &with(r#""expr":"sqrt(x) + y^2""#, ""),
        "objective.expr",
        "f is not finite at (-1.8, 1.8): f = NaN; choose a start where the function is defined",
    );
    refuse(
        &with(r#""expr":"sqrt(x) + y""#, r#","start":[0,1]"#),
        "start",
        "the gradient of f is not finite at (0, 1): ∇f = [inf, NaN]; choose a start where the function is smooth",
    );
    Scenario::from_json(&with(r#""expr":"log(x) + y^2""#, r#","start":[1,0]"#))
        .expect("defined at its start");
    // Unknown fields are refused, as for every surface.
    let error = Scenario::from_json(&with(r#""expr":"x","kappa":3"#, "")).expect_err("kappa");
    assert_eq!(
        error.to_string(),
        "objective.kappa: unknown field (accepted: kind, name, expr, view)"
    );
    let error = Scenario::from_json(&with(r#""view":[-1,1,-1,1]"#, "")).expect_err("no expr");
    assert_eq!(error.to_string(), "objective.expr: missing");
}

#[test]
fn newton_on_a_custom_function_uses_its_exact_hessian() {
    // One undamped Newton step minimises a quadratic exactly.
    let json = r#"{"objective":{"kind":"surface","name":"custom","expr":"3*(x-1)^2 + (x-1)*(y+2) + 2*(y+2)^2"},
        "optimizer":{"name":"newton","lr":1},"start":[2.5,-0.5],"steps":1}"#;
    let (lines, _) = trace(&Scenario::from_json(json).expect("accepted"));
    let [x, y] = [lines[1].params[0], lines[1].params[1]];
    assert!(
        (x - 1.0).abs() < 1e-12 && (y + 2.0).abs() < 1e-12,
        "{x}, {y}"
    );
}

#[test]
fn the_documented_example_runs_and_leaving_the_domain_diverges() {
    let example = r#"{"objective":{"kind":"surface","name":"custom","expr":"(1-x)^2 + 100*(y-x^2)^2","view":[-2,2,-1,3]},
 "optimizer":{"name":"newton","lr":0.5},"start":[-1.5,2.0],"steps":20}"#;
    let (lines, status) = trace(&Scenario::from_json(example).expect("the docs' example"));
    assert_eq!((lines.len(), status), (21, Status::Running));
    assert!(lines[20].loss < lines[0].loss);
    // log(x) is defined at the start; a large step leaves its domain and the run stops.
    let leaving = r#"{"objective":{"kind":"surface","name":"custom","expr":"log(x) + y^2"},
        "optimizer":{"name":"sgd","lr":10},"start":[0.5,1],"steps":10}"#;
    let (lines, status) = trace(&Scenario::from_json(leaving).expect("defined at its start"));
    assert!(matches!(status, Status::Diverged { .. }), "{status:?}");
    assert!(lines.iter().all(|l| l.params.iter().all(|p| p.is_finite())));
}
