//! Optimizers, after `torch.optim`: same names, same hyper-parameters, same defaults, same
//! arithmetic (the single-tensor, `foreach=False` code path).
//!
//! An optimizer is a pair of plain data: an immutable config ([`OptimizerConfig`], the serde form
//! used in scenarios) and a state ([`OptimizerState`]) created by [`OptimizerConfig::init`] and
//! advanced by [`OptimizerConfig::update`]. Each lives in its own file and implements
//! [`Optimizer`]; one list (`registry.rs`) names them all, and [`OPTIMIZERS`] is their catalog.
//! A step sees parameters, the batch gradient and what its rule needs ([`StepContext`]): Newton
//! the Hessian, L-BFGS the objective itself as a [`FullObjective`] (argmin's problem) — never the
//! objective's type. Learning-rate schedules live in [`schedule`], gradient clipping in [`clip`].

pub mod adadelta;
pub mod adagrad;
pub mod adam;
pub mod adamax;
pub mod clip;
pub mod explain;
pub mod lbfgs;
pub mod nadam;
pub mod newton;
mod registry;
pub mod rmsprop;
pub mod schedule;
pub mod sgd;

use std::fmt;

pub use adadelta::{AdadeltaConfig, AdadeltaState};
pub use adagrad::{AdagradConfig, AdagradState};
pub use adam::{AdamConfig, AdamState, AdamWConfig};
pub use adamax::{AdamaxConfig, AdamaxState};
pub use lbfgs::{LbfgsConfig, LbfgsState, LineSearchFn, LineSearchRecord};
pub use nadam::{NadamConfig, NadamState};
pub use newton::{NewtonConfig, NewtonState};
pub use registry::{Needs, Optimizer, OptimizerConfig, OptimizerInfo, OptimizerState, OPTIMIZERS};
pub use rmsprop::{RmspropConfig, RmspropState};
pub use sgd::{SgdConfig, SgdState, StepLimit, UpdateRule};

pub use crate::read::{Range, Refusal};

/// Why an update could not be taken.
#[derive(Clone, Debug, PartialEq)]
pub enum StepError {
    /// Newton's method needs a Hessian and the objective has none.
    NoHessian,
    /// Newton's method met a (numerically) singular Hessian and refuses to divide by it.
    SingularHessian,
    /// The Hessian overflowed (an infinite or NaN entry), so no Newton step can be computed.
    NonFiniteHessian,
    /// L-BFGS re-evaluates the objective inside its step: it cannot update from a gradient
    /// alone, without [`StepContext::objective`].
    NeedsObjective,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::NoHessian => {
                write!(f, "newton needs a Hessian; only the 2-D surfaces and linear regression have one")
            }
            StepError::SingularHessian => write!(
                f,
                "the Hessian is singular here, so the Newton step is undefined (add damping)"
            ),
            StepError::NonFiniteHessian => write!(
                f,
                "the Hessian overflowed here (an entry is infinite or NaN), so the Newton step is undefined"
            ),
            StepError::NeedsObjective => write!(
                f,
                "lbfgs re-evaluates the objective inside its step; it cannot update from a gradient alone"
            ),
        }
    }
}

impl StepError {
    /// The error as an id for the page to word (`"singular_hessian"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            StepError::NoHessian => "no_hessian",
            StepError::SingularHessian => "singular_hessian",
            StepError::NonFiniteHessian => "non_finite_hessian",
            StepError::NeedsObjective => "needs_objective",
        }
    }
}

impl std::error::Error for StepError {}

/// What an update needs besides parameters and gradient: the learning rate in force, and what
/// the rule's [`Needs`] ask for — the Hessian, or the objective itself, as argmin hands its
/// solvers the problem.
#[derive(Clone, Copy, Default)]
pub struct StepContext<'a> {
    /// The learning rate in force for this step (the schedule's value).
    pub lr: f64,
    /// The objective's Hessian at the parameters, row-major, where it has one.
    pub hessian: Option<&'a [f64]>,
    /// The loss at the parameters on the batch the gradient was taken on.
    pub loss: f64,
    /// The full objective, for a rule that evaluates it away from the parameters (L-BFGS).
    pub objective: Option<&'a dyn FullObjective>,
}

impl StepContext<'_> {
    /// A context with the learning rate alone (no Hessian, no objective).
    pub fn at_lr(lr: f64) -> Self {
        StepContext {
            lr,
            ..StepContext::default()
        }
    }
}

impl fmt::Debug for StepContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepContext")
            .field("lr", &self.lr)
            .field("hessian", &self.hessian)
            .field("loss", &self.loss)
            .field("objective", &self.objective.map(|_| "…"))
            .finish()
    }
}

/// The objective as a step may evaluate it (argmin's problem): the full loss at any point, its
/// gradient written into `grad`. An optimizer never sees more of the objective than this.
pub trait FullObjective {
    /// The full-objective loss at `params`, its gradient into `grad` (of the same length).
    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64;
}

/// A closure `f(x, grad) -> loss` is a full objective (PyTorch's `closure`).
impl<F: Fn(&[f64], &mut [f64]) -> f64> FullObjective for F {
    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        self(params, grad)
    }
}

/// Checks `0 ≤ lr ≤ 1e12` (finite), the range every optimizer accepts for its learning rate.
pub(crate) fn check_lr(lr: f64) -> Result<(), Refusal> {
    check_range("lr", lr, Range::closed(0.0, MAX_LR))
}

/// The largest learning rate accepted anywhere; beyond it every optimizer diverges at once.
pub const MAX_LR: f64 = 1e12;

/// Checks that `value`, the hyper-parameter `field`, is finite and lies in `range`.
pub(crate) fn check_range(field: &str, value: f64, range: Range) -> Result<(), Refusal> {
    if range.contains(value) {
        Ok(())
    } else {
        Err(Refusal::out_of_range(field, value, range))
    }
}

/// Checks a β coefficient, `betas[index]`: `0 ≤ value < 1`.
pub(crate) fn check_beta(index: usize, value: f64) -> Result<(), Refusal> {
    let range = Range::closed_open(0.0, 1.0);
    if range.contains(value) {
        Ok(())
    } else {
        let problem = crate::read::Problem::OutOfRange { value, range };
        Err(Refusal::here(problem).in_index(index).in_key("betas"))
    }
}

/// Checks a non-negative, finite hyper-parameter (eps, weight decay, …), at most `1e12`.
pub(crate) fn check_non_negative(field: &str, value: f64) -> Result<(), Refusal> {
    check_range(field, value, Range::closed(0.0, 1e12))
}

/// Adds L2 weight decay to a gradient: g ← g + λ·p (the coupled form every `torch.optim` rule
/// but AdamW uses).
pub(crate) fn add_weight_decay(grad: &mut [f64], params: &[f64], weight_decay: f64) {
    if weight_decay != 0.0 {
        for (g, p) in grad.iter_mut().zip(params) {
            *g += weight_decay * p;
        }
    }
}

/// `torch.lerp(start, end, weight)` as PyTorch's CPU kernel computes it (two forms, chosen by
/// `|weight| < 0.5`, for accuracy near both ends).
#[inline]
pub(crate) fn lerp(start: f64, end: f64, weight: f64) -> f64 {
    if weight.abs() < 0.5 {
        start + weight * (end - start)
    } else {
        end - (end - start) * (1.0 - weight)
    }
}
