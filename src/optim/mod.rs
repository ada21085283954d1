//! Optimizers, after `torch.optim`: same names, same hyper-parameters, same defaults, same
//! arithmetic (the single-tensor, `foreach=False` code path).
//!
//! An optimizer is a pair of plain data: an immutable config ([`OptimizerConfig`], the serde form
//! used in scenarios) and a state ([`OptimizerState`]) created by [`OptimizerConfig::init`] and
//! advanced by [`OptimizerConfig::update`]. Optimizers see parameters, gradients and — for Newton
//! — a Hessian; never the objective, except L-BFGS, which re-evaluates it through a closure
//! ([`LbfgsConfig::step`]; its `update` is refused). Learning-rate schedules live in [`schedule`], gradient
//! clipping in [`clip`].

pub mod adadelta;
pub mod adagrad;
pub mod adam;
pub mod adamax;
pub mod clip;
pub mod explain;
pub mod lbfgs;
pub mod nadam;
pub mod newton;
pub mod rmsprop;
pub mod schedule;
pub mod sgd;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use adadelta::{AdadeltaConfig, AdadeltaState};
pub use adagrad::{AdagradConfig, AdagradState};
pub use adam::{AdamConfig, AdamState, AdamWConfig};
pub use adamax::{AdamaxConfig, AdamaxState};
pub use lbfgs::{LbfgsConfig, LbfgsState, LineSearchFn};
pub use nadam::{NadamConfig, NadamState};
pub use newton::{NewtonConfig, NewtonState};
pub use rmsprop::{RmspropConfig, RmspropState};
pub use sgd::{SgdConfig, SgdState};

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
    /// L-BFGS re-evaluates the objective inside its step, so it has no plain `update(grad)`:
    /// use [`LbfgsConfig::step`] with a closure (as [`crate::run::Runner`] does).
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

impl std::error::Error for StepError {}

/// What an update needs besides parameters and gradient.
#[derive(Clone, Copy, Debug)]
pub struct StepContext<'a> {
    /// The learning rate in force for this step (the schedule's value).
    pub lr: f64,
    /// The objective's Hessian at the parameters, row-major, where it has one.
    pub hessian: Option<&'a [f64]>,
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

/// Any optimizer the lab knows, with its hyper-parameters; the `"optimizer"` object of a scenario.
///
/// `Deserialize` is written by hand, without serde's buffering of tagged enums; it reads the
/// JSON the derived `Serialize` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum OptimizerConfig {
    /// `torch.optim.SGD`, with momentum, dampening and Nesterov.
    Sgd(SgdConfig),
    /// `torch.optim.Adagrad`.
    Adagrad(AdagradConfig),
    /// `torch.optim.RMSprop`.
    Rmsprop(RmspropConfig),
    /// `torch.optim.Adadelta`.
    Adadelta(AdadeltaConfig),
    /// `torch.optim.Adam` (L2 weight decay added to the gradient).
    Adam(AdamConfig),
    /// `torch.optim.AdamW` (decoupled weight decay).
    Adamw(AdamWConfig),
    /// `torch.optim.NAdam`.
    Nadam(NadamConfig),
    /// `torch.optim.Adamax`.
    Adamax(AdamaxConfig),
    /// Newton's method with the exact Hessian (the 2-D surfaces and linear regression).
    Newton(NewtonConfig),
    /// `torch.optim.LBFGS`, with its optional strong-Wolfe line search; it re-evaluates the
    /// full objective inside each step (see [`lbfgs`]).
    Lbfgs(LbfgsConfig),
}

impl<'de> Deserialize<'de> for OptimizerConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::read::tagged::deserialize_via(deserializer, OptimizerConfig::from_tagged)
    }
}

impl crate::read::fields::ReadValue for OptimizerConfig {
    fn read_value(value: &serde_json::Value) -> Result<Self, crate::read::Refusal> {
        OptimizerConfig::from_tagged(value.clone())
    }
}

/// One optimizer the lab offers: its scenario name, the name people know it by, and a learning
/// rate that suits it on the 2-D surfaces (where a learner who switches to it starts).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct OptimizerInfo {
    /// The scenario name (`"sgd"`, `"lbfgs"`, …), as [`OptimizerConfig::name`] gives it.
    pub name: &'static str,
    /// The name in print: `"SGD"`, `"L-BFGS"`.
    pub title: &'static str,
    /// A learning rate that makes progress without diverging on the built-in surfaces.
    pub starting_lr: f64,
}

/// Every optimizer, in the order of [`OptimizerConfig`]'s variants: the one list from which the
/// scenario reader, the URL reader and the page's Optimizer menu take their names.
pub const OPTIMIZERS: [OptimizerInfo; 10] = [
    info("sgd", "SGD", 1e-3),
    info("adagrad", "Adagrad", 0.1),
    info("rmsprop", "RMSprop", 0.01),
    info("adadelta", "Adadelta", 1.0),
    info("adam", "Adam", 0.05),
    info("adamw", "AdamW", 0.05),
    info("nadam", "NAdam", 0.05),
    info("adamax", "Adamax", 0.05),
    info("newton", "Newton", 1.0),
    info("lbfgs", "L-BFGS", 1.0),
];

const fn info(name: &'static str, title: &'static str, starting_lr: f64) -> OptimizerInfo {
    OptimizerInfo {
        name,
        title,
        starting_lr,
    }
}

impl OptimizerConfig {
    /// Every optimizer's scenario name, in the order of the variants (from [`OPTIMIZERS`]).
    const NAMES: [&'static str; OPTIMIZERS.len()] = {
        let mut names = [""; OPTIMIZERS.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = OPTIMIZERS[i].name;
            i += 1;
        }
        names
    };

    /// Reads `{"name": …, hyper-parameters…}`.
    pub(crate) fn from_tagged(value: serde_json::Value) -> Result<Self, crate::read::Refusal> {
        let (index, rest) = crate::read::tagged::untag(value, "name", &Self::NAMES)?;
        let config = match index {
            0 => SgdConfig::read(&rest).map(OptimizerConfig::Sgd),
            1 => AdagradConfig::read(&rest).map(OptimizerConfig::Adagrad),
            2 => RmspropConfig::read(&rest).map(OptimizerConfig::Rmsprop),
            3 => AdadeltaConfig::read(&rest).map(OptimizerConfig::Adadelta),
            4 => AdamConfig::read(&rest).map(OptimizerConfig::Adam),
            5 => AdamWConfig::read(&rest).map(OptimizerConfig::Adamw),
            6 => NadamConfig::read(&rest).map(OptimizerConfig::Nadam),
            7 => AdamaxConfig::read(&rest).map(OptimizerConfig::Adamax),
            8 => NewtonConfig::read(&rest).map(OptimizerConfig::Newton),
            _ => LbfgsConfig::read(&rest).map(OptimizerConfig::Lbfgs),
        };
        config.map_err(|r| r.accepting_too(&["name"]))
    }
}

/// The state of any optimizer; the variant matches its [`OptimizerConfig`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum OptimizerState {
    /// State of [`SgdConfig`].
    Sgd(SgdState),
    /// State of [`AdagradConfig`].
    Adagrad(AdagradState),
    /// State of [`RmspropConfig`].
    Rmsprop(RmspropState),
    /// State of [`AdadeltaConfig`].
    Adadelta(AdadeltaState),
    /// State of [`AdamConfig`] and [`AdamWConfig`].
    Adam(AdamState),
    /// State of [`NadamConfig`].
    Nadam(NadamState),
    /// State of [`AdamaxConfig`].
    Adamax(AdamaxState),
    /// State of [`NewtonConfig`].
    Newton(NewtonState),
    /// State of [`LbfgsConfig`].
    Lbfgs(LbfgsState),
}

impl OptimizerConfig {
    /// The scenario name of this optimizer (`"sgd"`, `"adam"`, …).
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd(_) => "sgd",
            OptimizerConfig::Adagrad(_) => "adagrad",
            OptimizerConfig::Rmsprop(_) => "rmsprop",
            OptimizerConfig::Adadelta(_) => "adadelta",
            OptimizerConfig::Adam(_) => "adam",
            OptimizerConfig::Adamw(_) => "adamw",
            OptimizerConfig::Nadam(_) => "nadam",
            OptimizerConfig::Adamax(_) => "adamax",
            OptimizerConfig::Newton(_) => "newton",
            OptimizerConfig::Lbfgs(_) => "lbfgs",
        }
    }

    /// This optimizer's entry in [`OPTIMIZERS`].
    pub fn info(&self) -> &'static OptimizerInfo {
        let name = self.name();
        OPTIMIZERS
            .iter()
            .find(|entry| entry.name == name)
            .unwrap_or(&OPTIMIZERS[0])
    }

    /// The configured (base) learning rate, before any schedule.
    pub fn lr(&self) -> f64 {
        match self {
            OptimizerConfig::Sgd(c) => c.lr,
            OptimizerConfig::Adagrad(c) => c.lr,
            OptimizerConfig::Rmsprop(c) => c.lr,
            OptimizerConfig::Adadelta(c) => c.lr,
            OptimizerConfig::Adam(c) => c.lr,
            OptimizerConfig::Adamw(c) => c.lr,
            OptimizerConfig::Nadam(c) => c.lr,
            OptimizerConfig::Adamax(c) => c.lr,
            OptimizerConfig::Newton(c) => c.lr,
            OptimizerConfig::Lbfgs(c) => c.lr,
        }
    }

    /// The same optimizer with base learning rate `lr` (for learning-rate tuning).
    pub fn with_lr(&self, lr: f64) -> OptimizerConfig {
        let mut config = self.clone();
        match &mut config {
            OptimizerConfig::Sgd(c) => c.lr = lr,
            OptimizerConfig::Adagrad(c) => c.lr = lr,
            OptimizerConfig::Rmsprop(c) => c.lr = lr,
            OptimizerConfig::Adadelta(c) => c.lr = lr,
            OptimizerConfig::Adam(c) => c.lr = lr,
            OptimizerConfig::Adamw(c) => c.lr = lr,
            OptimizerConfig::Nadam(c) => c.lr = lr,
            OptimizerConfig::Adamax(c) => c.lr = lr,
            OptimizerConfig::Newton(c) => c.lr = lr,
            OptimizerConfig::Lbfgs(c) => c.lr = lr,
        }
        config
    }

    /// Whether a step re-evaluates the objective through a closure ([`LbfgsConfig::step`])
    /// instead of updating from one gradient ([`Self::update`]).
    pub fn needs_closure(&self) -> bool {
        matches!(self, OptimizerConfig::Lbfgs(_))
    }

    /// Whether updates need the objective's Hessian.
    pub fn needs_hessian(&self) -> bool {
        matches!(self, OptimizerConfig::Newton(_))
    }

    /// Checks every hyper-parameter against its accepted range, as `torch.optim` constructors do.
    pub fn validate(&self) -> Result<(), Refusal> {
        match self {
            OptimizerConfig::Sgd(c) => c.validate(),
            OptimizerConfig::Adagrad(c) => c.validate(),
            OptimizerConfig::Rmsprop(c) => c.validate(),
            OptimizerConfig::Adadelta(c) => c.validate(),
            OptimizerConfig::Adam(c) => c.validate(),
            OptimizerConfig::Adamw(c) => c.validate(),
            OptimizerConfig::Nadam(c) => c.validate(),
            OptimizerConfig::Adamax(c) => c.validate(),
            OptimizerConfig::Newton(c) => c.validate(),
            OptimizerConfig::Lbfgs(c) => c.validate(),
        }
    }

    /// A fresh state for `dim` parameters.
    pub fn init(&self, dim: usize) -> OptimizerState {
        match self {
            OptimizerConfig::Sgd(c) => OptimizerState::Sgd(c.init(dim)),
            OptimizerConfig::Adagrad(c) => OptimizerState::Adagrad(c.init(dim)),
            OptimizerConfig::Rmsprop(c) => OptimizerState::Rmsprop(c.init(dim)),
            OptimizerConfig::Adadelta(c) => OptimizerState::Adadelta(c.init(dim)),
            OptimizerConfig::Adam(c) => OptimizerState::Adam(c.init(dim)),
            OptimizerConfig::Adamw(c) => OptimizerState::Adam(c.init(dim)),
            OptimizerConfig::Nadam(c) => OptimizerState::Nadam(c.init(dim)),
            OptimizerConfig::Adamax(c) => OptimizerState::Adamax(c.init(dim)),
            OptimizerConfig::Newton(c) => OptimizerState::Newton(c.init(dim)),
            OptimizerConfig::Lbfgs(c) => OptimizerState::Lbfgs(c.init(dim)),
        }
    }

    /// Takes one step: updates `params` in place from `grad` (which the rule may overwrite, e.g.
    /// with weight decay added) at the learning rate in `ctx`.
    ///
    /// A state of another optimizer's kind is replaced by a fresh one first, so a mismatched pair
    /// never panics.
    ///
    /// L-BFGS cannot step from a gradient alone: for it this returns
    /// [`StepError::NeedsObjective`] and leaves `params` and `state` unchanged (call
    /// [`LbfgsConfig::step`] with a closure instead).
    #[inline]
    pub fn update(
        &self,
        state: &mut OptimizerState,
        params: &mut [f64],
        grad: &mut [f64],
        ctx: StepContext<'_>,
    ) -> Result<(), StepError> {
        if self.needs_closure() {
            return Err(StepError::NeedsObjective);
        }
        if !self.state_matches(state) {
            *state = self.init(params.len());
        }
        match (self, state) {
            (OptimizerConfig::Sgd(c), OptimizerState::Sgd(s)) => c.update(s, params, grad, ctx.lr),
            (OptimizerConfig::Adagrad(c), OptimizerState::Adagrad(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Rmsprop(c), OptimizerState::Rmsprop(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Adadelta(c), OptimizerState::Adadelta(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Adam(c), OptimizerState::Adam(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Adamw(c), OptimizerState::Adam(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Nadam(c), OptimizerState::Nadam(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Adamax(c), OptimizerState::Adamax(s)) => {
                c.update(s, params, grad, ctx.lr)
            }
            (OptimizerConfig::Newton(c), OptimizerState::Newton(s)) => {
                return c.update(s, params, grad, ctx.lr, ctx.hessian)
            }
            // Unreachable after the re-initialisation above; kept total rather than panicking.
            _ => {}
        }
        Ok(())
    }

    fn state_matches(&self, state: &OptimizerState) -> bool {
        matches!(
            (self, state),
            (OptimizerConfig::Sgd(_), OptimizerState::Sgd(_))
                | (OptimizerConfig::Adagrad(_), OptimizerState::Adagrad(_))
                | (OptimizerConfig::Rmsprop(_), OptimizerState::Rmsprop(_))
                | (OptimizerConfig::Adadelta(_), OptimizerState::Adadelta(_))
                | (OptimizerConfig::Adam(_), OptimizerState::Adam(_))
                | (OptimizerConfig::Adamw(_), OptimizerState::Adam(_))
                | (OptimizerConfig::Nadam(_), OptimizerState::Nadam(_))
                | (OptimizerConfig::Adamax(_), OptimizerState::Adamax(_))
                | (OptimizerConfig::Newton(_), OptimizerState::Newton(_))
                | (OptimizerConfig::Lbfgs(_), OptimizerState::Lbfgs(_))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_names_every_variant_in_order_with_a_valid_starting_rate() {
        for (index, entry) in OPTIMIZERS.iter().enumerate() {
            let config = OptimizerConfig::from_tagged(serde_json::json!({ "name": entry.name }))
                .unwrap_or_else(|e| panic!("{}: {e}", entry.name));
            assert_eq!(config.name(), entry.name);
            assert_eq!(config.info(), entry);
            assert_eq!(OptimizerConfig::NAMES[index], entry.name);
            assert!(
                config.with_lr(entry.starting_lr).validate().is_ok(),
                "{}",
                entry.name
            );
        }
    }
}
