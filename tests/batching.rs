//! Batch, stochastic and mini-batch gradient descent are real: batches are subsets of the data
//! drawn by the seeded sampler, and the accounting (epochs, samples) is exact.

use gdviz::data::sampler::Sampler;
use gdviz::objective::model::Model;
use gdviz::objective::Objective;
use gdviz::run::{Race, Runner, TraceLine};
use gdviz::scenario::Scenario;

const DATA: &str = r#"{"kind":"linreg","dataset":{"name":"linear","n":50,"noise":0.4,"seed":2,"test_fraction":0}}"#;

fn scenario(extra: &str) -> Scenario {
    let json = format!(
        r#"{{"objective":{DATA},"optimizer":{{"name":"sgd","lr":0.05,"momentum":0.5}},"steps":60{extra}}}"#
    );
    Scenario::from_json(&json).expect("valid")
}

fn trace(scenario: &Scenario) -> Vec<TraceLine> {
    let mut runner = Runner::new(scenario).expect("runs");
    let mut lines = Vec::new();
    runner.trace(scenario.steps, |l| lines.push(l.clone()));
    lines
}

#[test]
fn batch_size_n_reproduces_full_batch_gradient_descent_exactly() {
    let full = trace(&scenario(""));
    let n = trace(&scenario(r#","batch_size":50"#));
    let more = trace(&scenario(r#","batch_size":5000,"seed":9"#));
    assert_eq!(full, n);
    assert_eq!(
        full, more,
        "batch sizes ≥ n are full batch, whatever the seed"
    );
    assert!(
        full.iter()
            .all(|l| l.batch_loss.is_none_or(|b| b == l.loss)),
        "the batch is everything"
    );
}

#[test]
fn one_epoch_of_mini_batch_gradients_averages_to_the_full_gradient() {
    let model = Model::build(&scenario("").objective, 0).expect("model");
    let n = model.sample_count();
    let params = [0.7, -0.3];
    let mut full = [0.0; 2];
    model.loss_and_gradient(&params, &mut full);
    for batch_size in [1, 3, 7, 16, 49] {
        let mut sampler = Sampler::new(n, Some(batch_size), 5, false);
        let mut weighted = [0.0; 2];
        let mut seen = 0;
        while seen < n {
            let batch = sampler.next_batch().to_vec();
            let mut g = [0.0; 2];
            model.batch_loss_and_gradient(&params, &batch, &mut g);
            for (w, gi) in weighted.iter_mut().zip(g) {
                *w += gi * batch.len() as f64 / n as f64;
            }
            seen += batch.len();
        }
        assert_eq!(seen, n, "one epoch covers the data exactly once");
        for (w, f) in weighted.iter().zip(full) {
            assert!(
                (w - f).abs() <= 1e-12 * (1.0 + f.abs()),
                "B = {batch_size}: {w} vs {f}"
            );
        }
    }
}

#[test]
fn epochs_and_samples_count_gradient_evaluations() {
    // 50 points in batches of 8: six batches of 8 and a last batch of 2 per epoch.
    let lines = trace(&scenario(r#","batch_size":8"#));
    assert_eq!(lines[0].samples, 0);
    assert_eq!(lines[7].samples, 50, "the last, smaller batch is kept");
    assert_eq!(lines[7].epoch, 1.0);
    assert_eq!(lines[14].samples, 100);
    assert_eq!(lines[1].samples, 8);
    assert!((lines[1].epoch - 8.0 / 50.0).abs() < 1e-15);
    assert!(lines[..60].iter().all(|l| l.batch_loss.is_some()));
    assert!(lines[60].batch_loss.is_none());
}

#[test]
fn sgd_batches_are_single_points_and_differ_from_the_full_loss() {
    let lines = trace(&scenario(r#","batch_size":1,"seed":3"#));
    assert_eq!(lines[10].samples, 10);
    assert!(lines.iter().take(60).any(|l| l.batch_loss != Some(l.loss)));
}

#[test]
fn racers_with_the_same_batch_size_see_the_same_batches() {
    let json = format!(
        r#"{{"objective":{DATA},"optimizer":{{"name":"sgd","lr":0.05}},"batch_size":4,"seed":8,"steps":40,
            "race":[{{"optimizer":{{"name":"sgd","lr":0.05}}}},{{"optimizer":{{"name":"sgd","lr":0.05}},"batch_size":5}}]}}"#
    );
    let scenario = Scenario::from_json(&json).expect("valid");
    let mut race = Race::new(&scenario).expect("race");
    for _ in 0..40 {
        for runner in &mut race.runners {
            runner.step();
        }
    }
    let [a, b, c] = [0, 1, 2].map(|i| race.runners[i].params().to_vec());
    assert_eq!(a, b, "same optimizer, same batches ⇒ same path");
    assert_ne!(a, c, "another batch size draws other batches");
    assert_eq!(race.runners[2].samples_seen(), 200);
}

#[test]
fn the_noise_model_spread_shrinks_like_one_over_root_b() {
    let spread = |batch: usize| {
        let json = format!(
            r#"{{"objective":{{"kind":"surface","name":"booth"}},"optimizer":{{"name":"sgd","lr":0.01}},"noise":{{"sigma":3.0}},"batch_size":{batch},"start":[1,1]}}"#
        );
        let runner = Runner::new(&Scenario::from_json(&json).expect("valid")).expect("runs");
        let cloud = runner.gradient_cloud(4000, 1);
        assert!(cloud.modelled);
        let mean = cloud.samples.iter().map(|g| g[0]).sum::<f64>() / 4000.0;
        let var = cloud
            .samples
            .iter()
            .map(|g| (g[0] - mean).powi(2))
            .sum::<f64>()
            / 3999.0;
        assert!((mean - cloud.full[0]).abs() < 0.2, "unbiased");
        var.sqrt()
    };
    let (one, sixteen) = (spread(1), spread(16));
    assert!((one - 3.0).abs() < 0.15, "σ = {one}");
    assert!((sixteen - 0.75).abs() < 0.04, "σ/4 = {sixteen}");
}

#[test]
fn real_batch_gradient_spread_shrinks_with_batch_size() {
    let spread = |batch: usize| {
        let runner = Runner::new(&scenario(&format!(
            r#","batch_size":{batch},"start":[2,2]"#
        )))
        .expect("runs");
        let cloud = runner.gradient_cloud(400, 3);
        assert!(!cloud.modelled);
        let d: f64 = cloud
            .samples
            .iter()
            .map(|g| (g[0] - cloud.full[0]).powi(2) + (g[1] - cloud.full[1]).powi(2))
            .sum();
        (d / 400.0).sqrt()
    };
    let (one, ten, all) = (spread(1), spread(10), spread(50));
    assert!(one > 2.0 * ten, "B = 1: {one}, B = 10: {ten}");
    assert_eq!(all, 0.0, "the full batch has no noise");
}
