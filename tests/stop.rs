//! Stop conditions (`"stop"`), the `Converged` status, and L-BFGS inside the runner.

use gdviz::objective::Objective;
use gdviz::optim::{OptimizerConfig, StepContext, StepError};
use gdviz::run::{Runner, Status, StopCondition, TraceLine};
use gdviz::scenario::Scenario;

fn scenario(text: &str) -> Scenario {
    Scenario::from_json(text).expect("a valid scenario")
}

fn trace(s: &Scenario) -> (Vec<TraceLine>, Runner) {
    let mut runner = Runner::new(s).expect("builds");
    let mut lines = Vec::new();
    runner.trace(s.steps, |line| lines.push(line.clone()));
    (lines, runner)
}

fn grad_norm(runner: &Runner, params: &[f64]) -> f64 {
    let mut grad = vec![0.0; params.len()];
    runner.objective().loss_and_gradient(params, &mut grad);
    grad.iter().map(|g| g * g).sum::<f64>().sqrt()
}

const BOOTH: &str = r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":0.05},"start":[0,0],"steps":1000"#;

#[test]
fn loss_below_ends_the_trace_at_the_first_line_that_meets_it() {
    let s = scenario(&format!(r#"{BOOTH},"stop":{{"loss_below":1e-6}}}}"#));
    let (lines, mut runner) = trace(&s);
    let last = lines.last().expect("lines");
    assert!(last.loss < 1e-6);
    assert!(lines[..lines.len() - 1].iter().all(|l| l.loss >= 1e-6));
    assert!(last.step < 1000 && last.step > 10, "{}", last.step);
    assert!(last.batch_loss.is_none(), "no update follows the last line");
    assert_eq!(
        *runner.status(),
        Status::Converged {
            step: last.step,
            condition: StopCondition::LossBelow(1e-6)
        }
    );
    assert_eq!(
        runner.status().message(),
        format!("converged at step {} (loss below 1e-6)", last.step)
    );
    // A converged run takes no further step.
    assert!(runner.step().is_none());
    assert_eq!(runner.steps_taken(), last.step);
    assert_eq!(runner.params(), &last.params[..]);
    assert_eq!(
        serde_json::to_value(runner.status()).expect("serialises"),
        serde_json::json!({"status":"converged","step":last.step,"condition":{"loss_below":1e-6}})
    );
    // Reset runs again from the start.
    runner.reset();
    assert_eq!(*runner.status(), Status::Running);
    assert!(runner.step().is_some());
}

#[test]
fn grad_norm_below_checks_the_full_gradient_at_each_line() {
    let s = scenario(&format!(r#"{BOOTH},"stop":{{"grad_norm_below":1e-3}}}}"#));
    let (lines, runner) = trace(&s);
    let last = lines.last().expect("lines");
    assert!(grad_norm(&runner, &last.params) < 1e-3);
    for line in &lines[..lines.len() - 1] {
        assert!(
            grad_norm(&runner, &line.params) >= 1e-3,
            "step {}",
            line.step
        );
    }
    assert_eq!(
        runner.status().message(),
        format!(
            "converged at step {} (gradient norm below 0.001)",
            last.step
        )
    );
}

#[test]
fn epochs_counts_samples_seen_over_n() {
    // 10 points in batches of 2: 0.2 epochs per update, 3 epochs after 15 updates.
    let s = scenario(
        r#"{"objective":{"kind":"linreg","points":[[0,1],[1,2],[2,2],[3,4],[4,5],[5,5],[6,7],[7,8],[8,8],[9,10]]},
            "optimizer":{"name":"sgd","lr":0.001},"batch_size":2,"steps":100,"stop":{"epochs":3}}"#,
    );
    let (lines, runner) = trace(&s);
    assert_eq!(lines.len(), 16);
    assert_eq!(lines[15].epoch, 3.0);
    assert_eq!(
        runner.status().message(),
        "stopped at step 15 (3 epochs done)"
    );
    assert!(matches!(
        runner.status(),
        Status::Converged {
            step: 15,
            condition: StopCondition::Epochs(n)
        } if *n == 3.0
    ));
}

#[test]
fn the_first_and_the_last_line_are_checked_too() {
    let s = scenario(&format!(r#"{BOOTH},"stop":{{"loss_below":100}}}}"#));
    let (lines, runner) = trace(&s);
    assert_eq!(lines.len(), 1, "Booth at the origin is 74 < 100");
    assert!(matches!(runner.status(), Status::Converged { step: 0, .. }));
    // The condition is first met on the last line of the budget: still converged.
    let all = trace(&scenario(&format!("{}}}", BOOTH.replace("1000", "40")))).0;
    let target = all[40].loss * 1.0000001;
    assert!(all[39].loss >= target);
    let s = scenario(&format!(
        r#"{},"stop":{{"loss_below":{target}}}}}"#,
        BOOTH.replace("1000", "40")
    ));
    let (lines, runner) = trace(&s);
    assert_eq!(lines.len(), 41);
    assert!(matches!(
        runner.status(),
        Status::Converged { step: 40, .. }
    ));
    // Several conditions: the first met ends the run.
    let s = scenario(&format!(
        r#"{BOOTH},"stop":{{"loss_below":1e-12,"epochs":7}}}}"#
    ));
    let (lines, runner) = trace(&s);
    assert_eq!(lines.len(), 8);
    assert_eq!(
        runner.status().message(),
        "stopped at step 7 (7 epochs done)"
    );
}

#[test]
fn stop_is_validated_and_refusals_name_the_field() {
    for (stop, field) in [
        (r#"{"loss_below":0}"#, "stop.loss_below"),
        (r#"{"grad_norm_below":-1}"#, "stop.grad_norm_below"),
        (r#"{"epochs":0}"#, "stop.epochs"),
        (r#"{"loss":1}"#, "stop.loss"),
        (r#"{"epochs":"many"}"#, "stop.epochs"),
        ("3", "stop"),
    ] {
        let text = format!(r#"{BOOTH},"stop":{stop}}}"#);
        let error = Scenario::from_json(&text).expect_err(&text);
        assert_eq!(error.field(), field, "{text}: {error}");
    }
    let s = scenario(&format!(r#"{BOOTH},"stop":{{"epochs":2.5}}}}"#));
    let again = Scenario::from_json(&s.to_json()).expect("round trip");
    assert_eq!(again, s);
    assert!(scenario(&format!("{BOOTH}}}"))
        .to_json()
        .find("stop")
        .is_none());
}

#[test]
fn lbfgs_runs_on_data_objectives_with_full_batches() {
    let s = scenario(
        r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":40,"seed":2}},
            "optimizer":{"name":"lbfgs","line_search_fn":"strong_wolfe"},"batch_size":4,
            "noise":null,"steps":5,"start":[0,0]}"#,
    );
    let mut runner = Runner::new(&s).expect("builds");
    let n = runner.objective().sample_count() as u64;
    assert_eq!(
        runner.batch_size() as u64,
        n,
        "batch_size does not apply to lbfgs"
    );
    let start_loss = runner.loss();
    let report = runner.step().expect("steps");
    assert_eq!(report.batch_len as u64, n);
    assert_eq!(report.batch_loss, start_loss);
    let gdviz::optim::OptimizerState::Lbfgs(state) = runner.optimizer_state() else {
        panic!("an lbfgs state");
    };
    assert!(state.func_evals > 1);
    assert_eq!(runner.samples_seen(), state.func_evals * n);
    // Least squares in two parameters: L-BFGS with a line search is near the minimum after a
    // few steps (PyTorch's tolerance_change = 1e-9 on g·d ends the steps there).
    for _ in 0..4 {
        runner.step();
    }
    assert!(runner.loss() < start_loss);
    let norm = grad_norm(&runner, runner.params());
    assert!(norm < 1e-4, "{norm}");
    // And on a network.
    let mlp = scenario(
        r#"{"objective":{"kind":"mlp","layers":[2,4,1],"activation":"tanh","loss":"bce",
            "dataset":{"name":"xor","n":40}},"optimizer":{"name":"lbfgs"},"steps":10}"#,
    );
    let (lines, runner) = trace(&mlp);
    assert_eq!(lines.len(), 11, "{:?}", runner.status());
    assert!(lines[10].loss < lines[0].loss);
}

#[test]
fn lbfgs_has_no_gradient_only_update() {
    let config: OptimizerConfig = serde_json::from_str(r#"{"name":"lbfgs"}"#).expect("parses");
    assert_eq!(config.name(), "lbfgs");
    assert_eq!(config.lr(), 1.0);
    assert!(config.reads_objective() && !config.needs_hessian());
    let mut state = config.init(2);
    let mut params = [1.0, 2.0];
    let result = config.update(
        &mut state,
        &mut params,
        &mut [1.0, 1.0],
        StepContext::at_lr(1.0),
    );
    assert_eq!(result, Err(StepError::NeedsObjective));
    assert_eq!(params, [1.0, 2.0]);
    assert_eq!(state, config.init(2));
}

#[test]
fn lbfgs_divergence_is_reported_and_keeps_finite_parameters() {
    // A fixed step of 1e9 without a line search leaves the range of f64 on Rosenbrock.
    let s = scenario(
        r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"lbfgs","lr":1e9,"max_iter":3},"start":[2,2],"steps":50}"#,
    );
    let (lines, runner) = trace(&s);
    assert!(
        matches!(runner.status(), Status::Diverged { .. }),
        "{:?}",
        runner.status()
    );
    assert!(runner.params().iter().all(|p| p.is_finite()));
    assert!(lines.len() < 51);
}
