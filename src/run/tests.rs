//! The runner's unit tests: what a batch setting means on data and on a surface; status words.

use super::*;

fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// The batch size of racer 0 of `json`, its samples per update, and its noise level.
fn batching(json: &str) -> (BatchSize, usize, f64) {
    let runner = Runner::new(&scenario(json)).unwrap_or_else(|e| panic!("{json}: {e}"));
    (runner.batch(), runner.batch_size(), runner.noise_std())
}

#[test]
fn a_batch_setting_means_samples_on_data_and_the_noise_models_b_on_a_surface() {
    let data = r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":100}},"optimizer":{"name":"sgd"}"#;
    let on_data = |rest: &str| batching(&format!("{data}{rest}}}"));
    let batch = |setting, effective| BatchSize { setting, effective };
    // 100 points, half held out: 50 training samples.
    assert_eq!(on_data(""), (batch(None, 50), 50, 0.0));
    assert_eq!(
        on_data(r#","batch_size":10"#),
        (batch(Some(10), 10), 10, 0.0)
    );
    assert_eq!(
        on_data(r#","batch_size":1000"#),
        (batch(Some(1000), 50), 50, 0.0)
    );
    let lbfgs = data.replace("sgd", "lbfgs");
    assert_eq!(
        batching(&format!(r#"{lbfgs},"batch_size":10}}"#)),
        (batch(Some(10), 50), 50, 0.0),
        "L-BFGS reads the whole training set"
    );

    let surface = r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"noise":{"sigma":2}"#;
    let on_surface = |rest: &str| batching(&format!("{surface}{rest}}}"));
    assert_eq!(on_surface(""), (batch(None, 1), 1, 2.0));
    assert_eq!(
        on_surface(r#","batch_size":16"#),
        (batch(Some(16), 16), 1, 0.5)
    );
    let lbfgs = surface.replace("sgd", "lbfgs");
    assert_eq!(
        batching(&format!(r#"{lbfgs},"batch_size":16}}"#)),
        (batch(Some(16), 16), 1, 0.0),
        "L-BFGS takes the exact gradient: no modelled noise"
    );
}

#[test]
fn every_status_is_worded_once_short_and_long() {
    let cases = [
        (Status::Running, "running", "running", None),
        (
            Status::Diverged { step: 12 },
            "diverged at step 12",
            "diverged at step 12: the loss or parameters became non-finite",
            Some(("diverged", 12)),
        ),
        (
            Status::Failed {
                step: 3,
                reason: "the Hessian is singular here".into(),
                code: Some("singular_hessian"),
            },
            "stopped at step 3",
            "stopped at step 3: the Hessian is singular here",
            Some(("failed", 3)),
        ),
        (
            Status::Converged {
                step: 37,
                condition: StopCondition::LossBelow(1e-6),
            },
            "converged at step 37 (loss below 1e-6)",
            "converged at step 37 (loss below 1e-6)",
            Some(("loss_below", 37)),
        ),
        (
            Status::Converged {
                step: 500,
                condition: StopCondition::Epochs(5.0),
            },
            "stopped at step 500 (5 epochs done)",
            "stopped at step 500 (5 epochs done)",
            Some(("epochs", 500)),
        ),
    ];
    for (status, summary, message, stopped) in cases {
        assert_eq!(status.summary(), summary);
        assert_eq!(status.message(), message);
        assert_eq!(status.stopped(), stopped);
        // The name is the JSON tag.
        let json = serde_json::to_value(&status).unwrap_or_default();
        assert_eq!(json["status"], status.name());
    }
}
