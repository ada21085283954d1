//! What is minimised: a parameter vector in, a loss and its gradient out.
//!
//! Every objective is a finite sum over samples (a 2-D surface is the one-sample case), so a
//! mini-batch gradient is the gradient of the loss on a real subset of the data.

pub mod cnn;
pub mod curvature;
pub mod expr;
pub mod gradcheck;
pub mod linreg;
pub mod metrics;
pub mod mlp;
pub mod model;
pub mod spec;
pub mod surfaces;
pub mod tanh;
pub mod view;

pub use spec::ObjectiveSpec;

use crate::read::{Length, Problem, Refusal};

/// `sign(x)`: `−1`, `0` or `1` — the subgradient of `|x|` that torch's `abs` backward uses,
/// `0` at `0` (unlike `f64::signum`, which gives `±1` there).
pub(crate) fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Checks data given inline: at least one point, every coordinate finite; a refusal names the
/// point and the coordinate (`points[17][0]`).
pub(crate) fn check_points<const N: usize>(points: &[[f64; N]]) -> Result<(), Refusal> {
    if points.is_empty() {
        let problem = Problem::WrongLength {
            found: 0,
            expected: Length::AtLeast(1),
            unit: crate::read::Unit::Points,
        };
        return Err(Refusal::at("points", problem));
    }
    for (i, point) in points.iter().enumerate() {
        if let Some(j) = point.iter().position(|value| !value.is_finite()) {
            let refusal = Refusal::here(Problem::NonFinite).in_index(j).in_index(i);
            return Err(refusal.in_key("points"));
        }
    }
    Ok(())
}

/// A differentiable objective over a flat parameter vector.
///
/// Losses are means over the samples they are taken on, so a batch of all samples gives the
/// full-objective loss and gradient exactly.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;

    /// Number of samples in the finite sum; `1` for an analytic surface.
    fn sample_count(&self) -> usize;

    /// Full-objective loss at `params`.
    fn loss(&self, params: &[f64]) -> f64;

    /// Full-objective loss at `params`, writing the gradient into `grad` (length [`Self::dim`]).
    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64;

    /// Loss of the samples in `batch` (indices into the data) at `params`, writing the gradient of
    /// that batch loss into `grad`. For an analytic surface the batch is ignored.
    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64;

    /// The Hessian at `params` in row-major order, for objectives that have one analytically
    /// (the 2-D surfaces); `None` otherwise.
    fn hessian(&self, _params: &[f64]) -> Option<Vec<f64>> {
        None
    }
}
