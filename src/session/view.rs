//! What the controls, the legend and the read-outs show of a session: one [`RacerView`] per
//! racer and a few facts about the objective, serialised as the page's `state`.

use super::Session;
use crate::objective::curvature::Curvature;
use crate::objective::Objective;
use crate::optim::{OptimizerConfig, StepLimit};
use crate::run::{Runner, Status, StopCondition};
use crate::scenario::{Goal, Verdict};
use serde::Serialize;
use serde_json::{Map, Value};

/// Racer colours as RGB: racer `i` has colour `i mod 8`, in the legend, on the canvases and in
/// the charts: red, white, orange (the lessons name these three), violet, slate, sky blue, khaki
/// and mauve. All eight stay apart for every eye: as seen with typical vision and under
/// simulated protanopia, deuteranopia and tritanopia every pair differs by CIEDE2000 ≥ 20
/// (smallest 20.9, deuteranopia; [`crate::render::vision`], tested in this module's tests).
/// Each path and chart line is drawn over a dark casing, on the heat map and on the white
/// charts alike, so every colour has L* ≥ 40 to stand out from it. The set was found by a
/// seeded simulated-annealing search over sRGB (the three named colours held to their hues,
/// every other colour to 40 ≤ L* ≤ 85) maximising the smallest difference.
pub const RACER_RGB: [[u8; 3]; 8] = [
    [219, 15, 4],
    [255, 249, 238],
    [252, 165, 17],
    [113, 62, 206],
    [107, 141, 158],
    [61, 224, 255],
    [161, 160, 137],
    [132, 83, 89],
];

/// Racer `index`'s colour as CSS writes it, `"#db0f04"`.
pub fn racer_color(index: usize) -> String {
    crate::render::colormap::css_hex(RACER_RGB[index % RACER_RGB.len()])
}

/// The session as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabState {
    /// One entry per racer, in the scenario's order.
    pub racers: Vec<RacerView>,
    /// Training samples of the objective (1 for a surface).
    pub sample_count: usize,
    /// What an unset batch size means here ([`crate::run::BatchSize::unset_on`]).
    pub unset_batch: usize,
    /// Held-out test samples (0 where there are none).
    pub test_count: usize,
    /// The start of a 2-parameter run (absent for a network).
    pub start: Option<Vec<f64>>,
    /// The surface view's box `[x_min, x_max, y_min, y_max]`.
    pub view: [f64; 4],
    /// The step budget.
    pub steps: u64,
    /// Whether the racers train a network.
    pub network: bool,
    /// The scenario's challenge, if it has one (each racer's `verdict` says how it stands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<Goal>,
}

/// One racer as the legend and the read-outs show it. Non-finite numbers are `None` (`null`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RacerView {
    /// Its place in the race (0: the scenario's own optimizer).
    pub index: usize,
    /// The optimizer's scenario name (`"sgd"`).
    pub name: &'static str,
    /// The optimizer's name in print (`"SGD"`).
    pub title: &'static str,
    /// The hyper-parameters besides the learning rate that tell it from a racer of the same
    /// optimizer ([`crate::scenario::Scenario::racer_differences`]), field → value.
    pub differs: Map<String, Value>,
    /// Its batch-size setting (its own, else the scenario's; `None`: unset).
    pub batch_setting: Option<usize>,
    /// Its batch size as it acts ([`crate::run::BatchSize::effective`]).
    pub batch_size: usize,
    /// The modelled gradient noise per component, σ/√B (0 without a noise model).
    pub noise_std: f64,
    /// The configured learning rate.
    pub lr: f64,
    /// The learning rate of the next update (after any schedule).
    pub current_lr: f64,
    /// Its colour, `"#ff4d4d"` ([`racer_color`]).
    pub color: String,
    /// Where it stands: `running`, `done` (the step budget spent), `converged`, `diverged` or
    /// `failed`.
    pub status: &'static str,
    /// The standing in words (empty while running): `"finished 500 steps"`, `"diverged at step
    /// 12"`, `"stopped at step 3: …"`, `"converged at step 37 (loss below 1e-6)"`.
    pub message: String,
    /// Updates taken.
    pub step: u64,
    /// Epochs completed (fractional).
    pub epoch: f64,
    /// Samples seen (on an analytic surface: evaluations of f and ∇f).
    pub samples: u64,
    /// Hessian evaluations, for a rule that uses the Hessian (Newton's); `None` otherwise.
    pub hessians: Option<u64>,
    /// Full-objective loss.
    pub loss: Option<f64>,
    /// The first parameter (the point on a surface).
    pub x: Option<f64>,
    /// The second parameter.
    pub y: Option<f64>,
    /// Loss on the test points, where there are some.
    pub test_loss: Option<f64>,
    /// Classification accuracy on the training points, for a classifier.
    pub train_accuracy: Option<f64>,
    /// Classification accuracy on the test points, for a classifier with test points.
    pub test_accuracy: Option<f64>,
    /// Where it stands as data, for the page to word in its reader's language: the runner's
    /// [`Status`] (`{"status": "converged", "step": 37, "condition": {"loss_below": 1e-6}}`).
    pub outcome: Status,
    /// Where it stands against the scenario's goal (absent without a goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Where early stopping ended the run, in words (`"stopped at epoch 30, best test loss at
    /// epoch 25"`); `None` otherwise.
    pub stopped_early: Option<String>,
    /// The loss's curvature at the racer's point, for a 2-parameter objective with an analytic
    /// Hessian (a surface, linear regression); `None` otherwise or where it is not finite.
    pub curvature: Option<Curvature>,
    /// The largest learning rate at which the racer's own update does not overshoot along the
    /// steepest direction there (2/λmax for plain SGD, more with momentum); `None` for an
    /// optimizer whose learning rate is not its step along the gradient (Adam, L-BFGS, Newton…).
    pub step_limit: Option<StepLimit>,
}

impl Session {
    /// Everything the controls, legend and read-outs show.
    pub fn state(&self) -> LabState {
        let differences = self.scenario.racer_differences();
        let racers = self
            .race
            .runners
            .iter()
            .zip(differences.into_iter().chain(std::iter::repeat(Vec::new())))
            .enumerate()
            .map(|(index, (runner, differs))| RacerView {
                verdict: self.verdicts().and_then(|v| v.get(index).copied()),
                ..racer_view(index, runner, differs, self.scenario.steps)
            })
            .collect();
        let objective = self.objective();
        let v = self.view;
        LabState {
            racers,
            sample_count: objective.map_or(1, |o| o.sample_count()),
            unset_batch: objective.map_or(1, crate::run::BatchSize::unset_on),
            test_count: objective
                .and_then(|o| o.test_points())
                .map_or(0, |p| p.len()),
            start: self
                .race
                .runners
                .first()
                .filter(|r| r.start().len() == 2)
                .map(|r| r.start().to_vec()),
            view: [v.x_min, v.x_max, v.y_min, v.y_max],
            steps: self.scenario.steps,
            network: self.is_network(),
            goal: self.scenario.goal.clone(),
        }
    }
}

/// Where a runner stands within a budget of `budget` updates, in the legend's words.
pub fn standing(runner: &Runner, budget: u64) -> (&'static str, String) {
    match runner.status() {
        Status::Running if runner.steps_taken() >= budget => {
            ("done", format!("finished {} steps", runner.steps_taken()))
        }
        Status::Running => ("running", String::new()),
        // The legend is short: a divergence's cause goes without saying.
        status @ Status::Diverged { .. } => (status.name(), status.summary()),
        status => (status.name(), status.message()),
    }
}

fn racer_view(
    index: usize,
    runner: &Runner,
    differs: Vec<(String, Value)>,
    budget: u64,
) -> RacerView {
    let (status, message) = standing(runner, budget);
    let params = runner.params();
    let objective = runner.objective();
    let batch = runner.batch();
    let curvature = Curvature::at(&**objective, params);
    RacerView {
        index,
        name: runner.optimizer().name(),
        title: runner.optimizer().info().title,
        differs: differs.into_iter().collect(),
        batch_setting: batch.setting,
        batch_size: batch.effective,
        noise_std: runner.noise_std(),
        lr: runner.optimizer().lr(),
        current_lr: runner.current_lr(),
        color: racer_color(index),
        status,
        message,
        step: runner.steps_taken(),
        epoch: runner.epoch(),
        samples: runner.samples_seen(),
        hessians: runner
            .optimizer()
            .needs_hessian()
            .then(|| runner.hessians_evaluated()),
        loss: finite(runner.loss()),
        x: params.first().copied().and_then(finite),
        y: params.get(1).copied().and_then(finite),
        test_loss: objective.test_loss(params).and_then(finite),
        train_accuracy: objective.accuracy(params, false).and_then(finite),
        test_accuracy: objective.accuracy(params, true).and_then(finite),
        outcome: runner.status().clone(),
        verdict: None,
        stopped_early: match runner.status() {
            status @ Status::Converged {
                condition: StopCondition::Patience { .. },
                ..
            } => Some(status.summary()),
            _ => None,
        },
        curvature,
        step_limit: match (runner.optimizer(), curvature) {
            (OptimizerConfig::Sgd(sgd), Some(c)) => sgd.step_limit(c.lambda_max),
            _ => None,
        },
    }
}

/// `Some(v)` for a finite `v`: the page shows `null` as a dash.
pub fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}
