//! Every optimizer, schedule, clip and objective against PyTorch: the 57 cases of
//! `tests/fixtures/torch_traces.json` (PyTorch 2.15, float64, `foreach=False`; see the file's
//! `generator` field and tests/fixtures/README.md), each checked at every step — the loss and
//! every parameter — to 1e-6 relative.

mod common;

use gdviz::objective::linreg::{LinReg, LinearRegression};
use gdviz::objective::mlp::{Mlp, MlpSpec};
use gdviz::objective::Objective;
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
    // Every torch.optim rule that steps from the gradient alone (Newton is ours; L-BFGS has its
    // own fixture, tests/reference_lbfgs.rs).
    let first_order = gdviz::optim::OPTIMIZERS
        .iter()
        .filter(|o| o.needs == gdviz::optim::Needs::Gradient);
    for optimizer in first_order.map(|o| o.name) {
        assert!(names("/optimizer/name").contains(optimizer), "{optimizer}");
    }
    for schedule in ["step", "exponential", "cosine"] {
        assert!(names("/schedule/name").contains(schedule), "{schedule}");
    }
    for kind in ["surface", "linreg", "mlp"] {
        assert!(names("/objective/kind").contains(kind), "{kind}");
    }
}

/// Every `linreg` case of the PyTorch reference: the loss at each recorded step, and — for
/// SGD, whose first step is `θ₁ = θ₀ − lr·∇L(θ₀)` with or without momentum (torch seeds the
/// momentum buffer with the first gradient) — the first step itself.
#[test]
#[allow(clippy::unwrap_used)]
fn linreg_losses_and_first_sgd_steps_match_torch() {
    let cases = common::torch_cases::cases(FIXTURE, "linreg");
    assert!(cases.len() >= 3, "expected the linreg reference cases");
    let mut sgd_checked = 0;
    for case in &cases {
        let spec: LinReg = serde_json::from_value(case.spec.clone()).unwrap();
        spec.validate().unwrap();
        let f = LinearRegression::new(spec).unwrap();
        let start: Vec<f64> = serde_json::from_value(case.scenario["start"].clone()).unwrap();
        assert_eq!(case.start(), start, "{}", case.id);
        case.check_losses(|p| f.loss(p));
        if let Some(lr) = case.plain_sgd_lr() {
            sgd_checked += 1;
            let mut g = [0.0; 2];
            f.loss_and_gradient(&start, &mut g);
            case.check_first_sgd_step(lr, &g);
        }
    }
    assert!(sgd_checked >= 1);
}

/// Every `mlp` case of the PyTorch reference: the spec's weights are trace step 0's
/// parameters, the loss matches at every recorded step, and — for SGD, whose first step is
/// `θ₁ = θ₀ − lr·∇L(θ₀)` with or without momentum (torch seeds the momentum buffer with the
/// first gradient) — our gradient reproduces the first step.
#[test]
#[allow(clippy::unwrap_used)]
fn mlp_losses_and_first_sgd_steps_match_torch() {
    let cases = common::torch_cases::cases(FIXTURE, "mlp");
    assert!(
        cases.len() >= 12,
        "expected the mlp reference cases, found {}",
        cases.len()
    );
    let mut sgd_checked = 0;
    let mut combos = std::collections::BTreeSet::new();
    for case in &cases {
        let spec: MlpSpec = serde_json::from_value(case.spec.clone()).unwrap();
        combos.insert(format!("{:?}/{:?}", spec.activation, spec.loss));
        let f = Mlp::new(spec, 0).unwrap();
        let p0 = case.start();
        assert_eq!(f.initial_params(), p0, "{}", case.id);
        case.check_losses(|p| f.loss(p));
        let all: Vec<usize> = (0..f.sample_count()).collect();
        assert_eq!(f.loss_on(p0, &all), f.loss(p0));
        if let Some(lr) = case.plain_sgd_lr() {
            sgd_checked += 1;
            let mut g = vec![0.0; f.dim()];
            f.loss_and_gradient(p0, &mut g);
            case.check_first_sgd_step(lr, &g);
        }
    }
    assert!(sgd_checked >= 4, "sgd cases checked: {sgd_checked}");
    assert!(combos.len() >= 4, "{combos:?}");
}
