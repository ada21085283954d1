//! The network lab's numbers: each layer's gradient norm, the weight history of a racer, its loss
//! landscape (Li et al., 2018) with the path projected onto it, and the confusion matrices.

use super::{network_of, Session};
use crate::data::datasets::MAX_CLASSES;
use crate::objective::gradcheck::{gradient_check, GradCheck};
use crate::objective::mlp::Mlp;
use crate::objective::surfaces::ViewBox;
use crate::run::Runner;
use serde::Serialize;
use serde_json::Value;

/// The classes of a network objective's data (`objective` a scenario's `"objective"` as JSON):
/// its data set's `classes` (2 when absent), or for inline points the largest label + 1 — at
/// least 2, at most [`MAX_CLASSES`] (larger labels are the validation's to refuse).
pub fn classes_of(objective: &Value) -> usize {
    let counted = match (objective.get("dataset"), objective.get("points")) {
        (Some(dataset), _) => dataset
            .get("classes")
            .and_then(Value::as_u64)
            .map_or(2, |k| k as usize),
        (None, Some(Value::Array(points))) => {
            points
                .iter()
                .filter_map(|p| p.get(2).and_then(Value::as_f64))
                .filter(|label| label.is_finite() && *label >= 0.0)
                .fold(1.0f64, f64::max) as usize
                + 1
        }
        (None, _) => 2,
    };
    counted.clamp(2, MAX_CLASSES)
}

/// A network objective (a scenario's `"objective"` as JSON) with its output layer fitted to its
/// loss and data — one unit for `bce` and `mse`, one per class ([`classes_of`]) for `ce` — so
/// the page's edits of the loss, the hidden layers or the data keep a network that can be
/// trained. Anything that is not such an objective (another kind, no `layers`) comes back as
/// it was; the scenario's validation judges the result.
pub fn fit_outputs(mut objective: Value) -> Value {
    if objective.get("kind").and_then(Value::as_str) != Some("mlp") {
        return objective;
    }
    let ce = objective.get("loss").and_then(Value::as_str) == Some("ce");
    let outputs = if ce { classes_of(&objective) } else { 1 };
    if let Some(last) = objective
        .get_mut("layers")
        .and_then(Value::as_array_mut)
        .and_then(|layers| layers.last_mut())
    {
        *last = Value::from(outputs);
    }
    objective
}

/// One snapshot of a network racer: its weights and each layer's gradient norm.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkRecord {
    /// Updates taken.
    pub step: u64,
    /// The weights, flattened as the MLP's parameters.
    pub params: Vec<f64>,
    /// The Euclidean norm of the last gradient over each layer's weights and biases.
    pub layer_norms: Vec<f64>,
}

impl NetworkRecord {
    /// The current state of `runner`, which trains `mlp`.
    pub fn of(runner: &Runner, mlp: &Mlp) -> Self {
        NetworkRecord {
            step: runner.steps_taken(),
            params: runner.params().to_vec(),
            layer_norms: layer_norms(runner.last_gradient(), mlp.layers()),
        }
    }
}

/// The norm of `grad` over each layer of a network of widths `layers` (weights `[out][in]`, then
/// biases, layer by layer — the MLP's parameter order); a gradient shorter than the network
/// gives its layers what it has.
pub fn layer_norms(grad: &[f64], layers: &[usize]) -> Vec<f64> {
    let mut offset = 0;
    layers
        .windows(2)
        .map(|pair| {
            let size = pair[0] * pair[1] + pair[1];
            let end = (offset + size).min(grad.len());
            let norm = grad[offset.min(end)..end]
                .iter()
                .map(|g| g * g)
                .sum::<f64>()
                .sqrt();
            offset += size;
            norm
        })
        .collect()
}

/// A square view around a network's data (train and test), padded by 15 %.
pub fn data_view(mlp: &Mlp) -> ViewBox {
    let extent = mlp
        .train_points()
        .iter()
        .chain(mlp.test_points())
        .flat_map(|p| [p[0].abs(), p[1].abs()])
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let half = if extent > 0.0 { extent * 1.15 } else { 1.0 };
    ViewBox {
        x_min: -half,
        x_max: half,
        y_min: -half,
        y_max: half,
    }
}

/// Grid side of the landscape (each point is one pass over the training data).
pub const LANDSCAPE_RESOLUTION: usize = 41;

/// A racer's loss landscape: the loss on a grid over [−range, range]² of two filter-normalised
/// directions around its weights ([`crate::landscape`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    /// The racer.
    pub racer: usize,
    /// The racer's updates when the landscape was computed.
    pub step: u64,
    /// The weights at the centre.
    pub center: Vec<f64>,
    /// The first direction.
    pub d1: Vec<f64>,
    /// The second direction.
    pub d2: Vec<f64>,
    /// Half the side of the plane, in units of the directions.
    pub range: f64,
    /// Points per side of the grid.
    pub resolution: usize,
    /// The loss at each grid point, row by row from the top (the second direction at +range).
    pub losses: Vec<f64>,
}

impl Landscape {
    /// The landscape's loss at (a, b) of its plane, bilinear between grid points (clamped to the
    /// plane).
    pub fn loss_at(&self, a: f64, b: f64) -> f64 {
        let n = self.resolution;
        let last = (n - 1) as f64;
        let gx = ((a + self.range) / (2.0 * self.range) * last).clamp(0.0, last);
        let gy = ((self.range - b) / (2.0 * self.range) * last).clamp(0.0, last);
        let (i, j) = ((gx as usize).min(n - 2), (gy as usize).min(n - 2));
        let (fx, fy) = (gx - i as f64, gy - j as f64);
        let at = |row: usize, column: usize| self.losses[row * n + column];
        (1.0 - fy) * ((1.0 - fx) * at(j, i) + fx * at(j, i + 1))
            + fy * ((1.0 - fx) * at(j + 1, i) + fx * at(j + 1, i + 1))
    }

    /// The smallest and largest finite loss on the grid (`None` when none is finite).
    pub fn finite_range(&self) -> Option<(f64, f64)> {
        let (lo, hi) = self
            .losses
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        (lo <= hi).then_some((lo, hi))
    }

    /// The plane the landscape covers.
    pub fn view(&self) -> ViewBox {
        ViewBox {
            x_min: -self.range,
            x_max: self.range,
            y_min: -self.range,
            y_max: self.range,
        }
    }
}

/// A classifier racer's confusion matrices and per-layer gradient norms.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkMetrics {
    /// Counts `[true label][predicted label]` on the training points, `k × k`.
    pub train: Option<crate::objective::metrics::Confusion>,
    /// The same on the test points.
    pub test: Option<crate::objective::metrics::Confusion>,
    /// Each layer's gradient norm at the last update.
    pub layer_norms: Vec<f64>,
    /// How many entries the weight matrices hold (biases not counted).
    pub weights: usize,
    /// How many of them are near zero ([`is_near_zero`]): what L1 drives there.
    pub near_zero_weights: usize,
    /// The threshold of "near zero", [`NEAR_ZERO`].
    pub near_zero: f64,
}

/// A weight counts as near zero below this size: L1 with (sub)gradient steps leaves a weight it
/// has driven out oscillating around 0 by about lr·λ, far below it, while weights in use are
/// tenths and more.
pub const NEAR_ZERO: f64 = 0.01;

/// Whether weight `w` is near zero, `|w| < NEAR_ZERO` (the diagram draws it faint).
pub fn is_near_zero(w: f64) -> bool {
    w.abs() < NEAR_ZERO
}

/// The entries of the weight matrices of a network of widths `layers` (weights `[out][in]`, then
/// biases, layer by layer), and how many of them are near zero.
pub fn weight_sparsity(params: &[f64], layers: &[usize]) -> (usize, usize) {
    let (mut total, mut near) = (0, 0);
    let mut offset = 0;
    for pair in layers.windows(2) {
        let size = pair[0] * pair[1];
        let end = (offset + size).min(params.len());
        let weights = &params[offset.min(end)..end];
        total += weights.len();
        near += weights.iter().filter(|w| is_near_zero(**w)).count();
        offset += size + pair[1];
    }
    (total, near)
}

impl Session {
    /// Computes racer `racer`'s loss landscape (Li et al., 2018) around its current weights on
    /// [−1, 1]² of two filter-normalised directions, keeping it until the race restarts, at once
    /// ([`Session::start_landscape`], then every row). Returns false when there is no such racer
    /// or it does not train a network.
    pub fn compute_landscape(&mut self, racer: usize) -> bool {
        if !self.start_landscape(racer) {
            return false;
        }
        self.continue_landscape(usize::MAX);
        true
    }

    /// Starts racer `racer`'s loss landscape around its current weights, along two
    /// filter-normalised directions; [`Session::continue_landscape`] computes its rows. False
    /// (and nothing started) when the racer does not train a network.
    pub fn start_landscape(&mut self, racer: usize) -> bool {
        let Some(runner) = self.race.runners.get(racer) else {
            return false;
        };
        let Some(mlp) = network_of(runner) else {
            return false;
        };
        let center = runner.params().to_vec();
        let (d1, d2) = crate::landscape::filter_normalised_directions(
            mlp.layers(),
            &center,
            self.scenario.seed ^ 0x1A4D,
        );
        self.pending_landscape = Some(Landscape {
            racer,
            step: runner.steps_taken(),
            center,
            d1,
            d2,
            range: 1.0,
            resolution: LANDSCAPE_RESOLUTION,
            losses: Vec::with_capacity(LANDSCAPE_RESOLUTION * LANDSCAPE_RESOLUTION),
        });
        true
    }

    /// Computes up to `rows` more rows of the landscape started last; the fraction done. At 1
    /// the landscape is [`Session::landscape`]; with none started (or the race restarted since),
    /// 1 and nothing changes.
    pub fn continue_landscape(&mut self, rows: usize) -> f64 {
        let Some(job) = self.pending_landscape.as_mut() else {
            return 1.0;
        };
        let Some(mlp) = self.race.runners.get(job.racer).and_then(network_of) else {
            self.pending_landscape = None;
            return 1.0;
        };
        let done = job.losses.len() / job.resolution;
        let until = done.saturating_add(rows).min(job.resolution);
        crate::landscape::loss_rows(
            mlp,
            &job.center,
            (&job.d1, &job.d2),
            (job.range, job.resolution),
            done..until,
            &mut job.losses,
        );
        if until < job.resolution {
            return until as f64 / job.resolution as f64;
        }
        self.landscape = self.pending_landscape.take();
        1.0
    }

    /// The landscape computed last, if the race has not restarted since.
    pub fn landscape(&self) -> Option<&Landscape> {
        self.landscape.as_ref()
    }

    /// The landscape's racer's recorded weights projected onto its plane, oldest first, through
    /// the centre (the weights it was computed at) and on to any recorded since.
    pub fn landscape_path(&self) -> Vec<(f64, f64)> {
        let Some(view) = &self.landscape else {
            return Vec::new();
        };
        let Some(history) = self.histories.get(view.racer) else {
            return Vec::new();
        };
        let directions = (view.d1.as_slice(), view.d2.as_slice());
        let mut path: Vec<(f64, f64)> = history
            .points()
            .iter()
            .filter_map(|r| crate::landscape::project(&r.params, &view.center, directions))
            .collect();
        // A thinned history may not have recorded the centre itself.
        if history.points().last().is_none_or(|r| r.step < view.step) {
            path.push((0.0, 0.0));
        }
        path
    }

    /// For a network racer: its confusion matrices (classifiers only) and per-layer gradient
    /// norms; `None` for another objective or a racer that does not exist.
    pub fn metrics(&self, racer: usize) -> Option<NetworkMetrics> {
        let runner = self.race.runners.get(racer)?;
        let mlp = network_of(runner)?;
        let params = runner.params();
        let (weights, near_zero_weights) = weight_sparsity(params, mlp.layers());
        Some(NetworkMetrics {
            train: crate::objective::metrics::confusion_matrix(mlp, params, false),
            test: crate::objective::metrics::confusion_matrix(mlp, params, true),
            layer_norms: layer_norms(runner.last_gradient(), mlp.layers()),
            weights,
            near_zero_weights,
            near_zero: NEAR_ZERO,
        })
    }

    /// The gradient check ([`crate::objective::gradcheck`]) of racer `racer` at its current
    /// parameters with step `h`; `None` when there is no such racer or `h` is not in (0, 1].
    pub fn gradient_check(&self, racer: usize, h: f64) -> Option<GradCheck> {
        let runner = self.race.runners.get(racer)?;
        (h > 0.0 && h <= 1.0).then(|| gradient_check(runner.objective(), runner.params(), h))
    }

    /// Racer `selected` (the first when there is no such racer) and its network, when the
    /// objective is one.
    pub fn selected_network(&self, selected: usize) -> Option<(&Runner, &Mlp)> {
        let runners = &self.race.runners;
        let runner = runners.get(selected).or(runners.first())?;
        Some((runner, network_of(runner)?))
    }
}
