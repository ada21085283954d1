//! Learning-rate tuning: the grid, the tuner's incremental progress, and a quadratic where the
//! best learning rate of plain gradient descent is known in closed form.

// Tests may compute expectations with the platform's elementary functions (clippy.toml).
#![allow(clippy::disallowed_methods)]

use gdviz::run::Status;
use gdviz::scenario::Scenario;
use gdviz::tune::{default_grid, lr_grid, tune, RaceTuning, Tuner, RACE_TUNE_MAX_STEPS};

fn scenario(text: &str) -> Scenario {
    Scenario::from_json(text).expect("a valid scenario")
}

/// ½(u² + κv²) with κ = 10, rotated: Hessian eigenvalues μ = 1 and L = 10.
fn quadratic(steps: u64) -> Scenario {
    scenario(&format!(
        r#"{{"objective":{{"kind":"surface","name":"quadratic","kappa":10,"angle":0.3}},
            "optimizer":{{"name":"sgd"}},"start":[2,1.5],"steps":{steps}}}"#
    ))
}

#[test]
fn the_default_grid_has_three_values_per_decade_with_exact_decades() {
    let grid = default_grid();
    assert_eq!(grid.len(), 16);
    assert_eq!(grid, lr_grid(1e-4, 10.0, 3));
    for (i, decade) in [
        (0, 1e-4),
        (3, 1e-3),
        (6, 1e-2),
        (9, 0.1),
        (12, 1.0),
        (15, 10.0),
    ] {
        assert_eq!(grid[i], decade, "grid[{i}]");
    }
    assert!((grid[1] - 2.15443469003e-4).abs() < 1e-15, "{}", grid[1]);
    assert!((grid[2] - 4.64158883361e-4).abs() < 1e-15, "{}", grid[2]);
    let ratio = 10f64.powf(1.0 / 3.0);
    for pair in grid.windows(2) {
        assert!((pair[1] / pair[0] / ratio - 1.0).abs() < 1e-10, "{pair:?}");
    }
}

#[test]
fn grids_of_other_ranges_and_degenerate_ones() {
    assert_eq!(
        lr_grid(1e-3, 0.1, 2),
        vec![1e-3, 3.16227766017e-3, 0.01, 3.16227766017e-2, 0.1]
    );
    assert_eq!(lr_grid(0.5, 0.5, 3), vec![0.5]);
    // Less than one step per decade still keeps both endpoints.
    assert_eq!(lr_grid(1.0, 1.5, 3), vec![1.0, 1.5]);
    assert!(lr_grid(0.0, 1.0, 3).is_empty());
    assert!(lr_grid(1.0, 0.1, 3).is_empty());
    assert!(lr_grid(1e-3, f64::INFINITY, 3).is_empty());
    assert!(lr_grid(1e-3, 1.0, 0).is_empty());
}

#[test]
fn plain_gd_on_a_quadratic_is_best_just_below_two_over_l_plus_mu() {
    // The optimal constant step for GD is 2/(L + μ) = 2/11 ≈ 0.18; the grid's values around it
    // are 0.1 and 0.215, and 0.215 > 2/L = 0.2 is unstable, so 0.1 is the best.
    let result = tune(&quadratic(200), &default_grid(), 0).expect("tunes");
    assert_eq!(result.points.len(), 16);
    assert_eq!(result.optimizer, "sgd");
    let best = result.best_lr.expect("some run converged");
    assert_eq!(best, 0.1);
    assert!(
        best > 0.0 && best < 2.0 / 10.0,
        "within the stable range 0 < lr < 2/L"
    );
    let below: Vec<f64> = default_grid()
        .into_iter()
        .filter(|&lr| lr <= 2.0 / 11.0)
        .collect();
    assert_eq!(
        Some(&best),
        below.last(),
        "the grid value nearest below 2/(1+κ)"
    );
    // Below the optimum, a larger learning rate is better.
    let losses: Vec<f64> = result
        .points
        .iter()
        .filter(|p| p.lr <= 0.1)
        .map(|p| p.final_loss.expect("stable"))
        .collect();
    assert!(losses.windows(2).all(|w| w[1] < w[0]), "{losses:?}");
}

#[test]
fn learning_rates_above_two_over_l_diverge_given_enough_steps() {
    let result = tune(&quadratic(5000), &default_grid(), 0).expect("tunes");
    for point in &result.points {
        if point.lr > 2.0 / 10.0 {
            assert_eq!(point.final_loss, None, "lr {} should diverge", point.lr);
            assert!(
                matches!(point.status, Status::Diverged { .. }),
                "{:?}",
                point.status
            );
        } else {
            assert!(point.final_loss.is_some(), "lr {} is stable", point.lr);
            assert_eq!(point.status, Status::Running);
        }
    }
    assert_eq!(result.best_lr, Some(0.1));
}

#[test]
fn the_tuner_advances_a_slice_at_a_time() {
    let s = quadratic(50);
    let grid = lr_grid(1e-3, 1.0, 2);
    let mut tuner = Tuner::new(&s, &grid, 0).expect("builds");
    assert_eq!(tuner.progress().fraction, 0.0);
    let mut last = 0.0;
    let mut calls = 0;
    while !tuner.is_done() {
        let progress = tuner.step(7);
        assert!(progress.fraction >= last && progress.fraction <= 1.0);
        assert_eq!(progress.total, grid.len());
        assert_eq!(progress.finished, tuner.result().points.len());
        last = progress.fraction;
        calls += 1;
        assert!(calls < 1000, "the tuner makes progress");
    }
    assert!(
        calls > grid.len(),
        "the budget was respected: {calls} calls"
    );
    assert_eq!(tuner.progress().fraction, 1.0);
    assert!(tuner.progress().done);
    let all_at_once = tune(&s, &grid, 0).expect("tunes");
    assert_eq!(tuner.result(), all_at_once);
}

#[test]
fn every_run_uses_the_same_batches_and_ignores_stop() {
    let text = r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":40,"seed":1}},
        "optimizer":{"name":"sgd","momentum":0.9},"batch_size":4,"seed":7,"steps":60,
        "race":[{"optimizer":{"name":"adam"},"batch_size":8}],
        "stop":{"loss_below":1e6}}"#;
    let s = scenario(text);
    let grid = [0.01, 0.03];
    let result = tune(&s, &grid, 0).expect("tunes");
    // Each point equals a plain run of the scenario at that learning rate, without stop.
    for point in &result.points {
        let mut plain = s.clone();
        plain.stop = None;
        plain.optimizer = plain.optimizer.with_lr(point.lr);
        let mut runner = gdviz::run::Runner::new(&plain).expect("builds");
        runner.trace(plain.steps, |_| {});
        assert_eq!(runner.steps_taken(), 60, "the stop condition was ignored");
        assert_eq!(point.final_loss, Some(runner.loss()));
    }
    // The racer of the race, with its own batch size.
    let adam = tune(&s, &grid, 1).expect("tunes the racer");
    assert_eq!(adam.racer, 1);
    assert_eq!(adam.optimizer, "adam");
    assert_ne!(adam.points, result.points);
}

#[test]
fn a_missing_racer_is_refused_and_a_refused_lr_has_no_loss() {
    let s = quadratic(10);
    let error = Tuner::new(&s, &default_grid(), 1).expect_err("no racer 1");
    assert_eq!(error.field(), "race");
    let result = tune(&s, &[0.1, 2e12], 0).expect("tunes");
    assert!(result.points[0].final_loss.is_some());
    assert_eq!(result.points[1].final_loss, None);
    assert!(
        matches!(&result.points[1].status, Status::Failed { step: 0, reason, .. } if reason.contains("optimizer.lr")),
        "{:?}",
        result.points[1].status
    );
    assert_eq!(result.best_lr, Some(0.1));
    // Ties go to the smaller learning rate: at steps 0 every final loss is the start's.
    let none = tune(&quadratic(0), &[0.3, 0.1, 0.2], 0).expect("tunes");
    assert_eq!(none.best_lr, Some(0.1));
}

#[test]
fn lbfgs_and_newton_can_be_tuned() {
    let s = scenario(
        r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"lbfgs","line_search_fn":"strong_wolfe"},
            "race":[{"optimizer":{"name":"newton"}}],"start":[-1.5,2],"steps":20}"#,
    );
    let grid = lr_grid(0.1, 1.0, 1);
    let lbfgs = tune(&s, &grid, 0).expect("tunes");
    assert!(lbfgs.best_lr.is_some(), "{lbfgs:?}");
    let newton = tune(&s, &grid, 1).expect("tunes");
    assert_eq!(newton.best_lr, Some(1.0), "{newton:?}");
}

#[test]
fn a_race_is_tuned_racer_by_racer_within_the_capped_budget() {
    let race = scenario(
        r#"{"objective":{"kind":"surface","name":"quadratic","kappa":10,"angle":0.3},
            "optimizer":{"name":"sgd"},"start":[2,1.5],"steps":10000,
            "race":[{"optimizer":{"name":"adam","lr":0.1}}]}"#,
    );
    let mut tuning = RaceTuning::new(&race).expect("tunes");
    let mut fractions = Vec::new();
    while !tuning.is_done() {
        fractions.push(tuning.step(20_000));
    }
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert_eq!(fractions.last(), Some(&1.0));
    let results = tuning.results();
    let optimizers: Vec<&str> = results.iter().map(|r| r.optimizer.as_str()).collect();
    assert_eq!(optimizers, ["sgd", "adam"]);
    // Each grid value ran at most RACE_TUNE_MAX_STEPS updates, as `tune` does on a capped copy.
    let mut capped = race.clone();
    capped.steps = RACE_TUNE_MAX_STEPS;
    assert_eq!(
        results[0],
        tune(&capped, &default_grid(), 0).expect("tunes")
    );
    assert_eq!(
        results[1],
        tune(&capped, &default_grid(), 1).expect("tunes")
    );
}
