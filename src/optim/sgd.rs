//! Stochastic gradient descent with momentum, dampening and Nesterov, as `torch.optim.SGD`.
//!
//! With g the gradient (plus λ·p when `weight_decay` = λ ≠ 0), μ the momentum and τ the dampening:
//!
//! ```text
//! b₁ = g₁                        (the buffer starts at the first gradient)
//! bₜ = μ·bₜ₋₁ + (1 − τ)·gₜ
//! d  = gₜ + μ·bₜ  if nesterov,  else bₜ   (d = gₜ when μ = 0)
//! p ← p − lr·d
//! ```

use super::{add_weight_decay, check_lr, check_non_negative, check_range, Range, Refusal};
use crate::read::Problem;
use serde::{Deserialize, Serialize};

/// Hyper-parameters of [`torch.optim.SGD`](https://pytorch.org/docs/stable/generated/torch.optim.SGD.html).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SgdConfig {
    /// Learning rate (PyTorch default 1e-3).
    pub lr: f64,
    /// Momentum factor μ (default 0).
    pub momentum: f64,
    /// Dampening τ of the gradient added to the buffer (default 0).
    pub dampening: f64,
    /// L2 penalty λ added to the gradient as λ·p (default 0).
    pub weight_decay: f64,
    /// Nesterov momentum (default false); needs μ > 0 and τ = 0, as in PyTorch.
    pub nesterov: bool,
}

crate::read::fields::read_fields!(SgdConfig {
    lr: F64,
    momentum: F64,
    dampening: F64,
    weight_decay: F64,
    nesterov: Bool
});

/// Which update a [`StepLimit`] is the limit of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateRule {
    /// Plain gradient descent: p ← p − lr·g.
    Plain,
    /// Heavy-ball momentum, PyTorch's form: v ← μ·v + (1 − τ)·g, p ← p − lr·v.
    HeavyBall,
    /// Nesterov momentum, PyTorch's form: v ← μ·v + g, p ← p − lr·(g + μ·v).
    Nesterov,
}

/// The largest learning rate at which an SGD update does not overshoot along a direction of
/// given curvature, on the quadratic model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StepLimit {
    /// The limit: past it the iterates along that direction grow.
    pub lr: f64,
    /// The update it is the limit of.
    pub rule: UpdateRule,
    /// The update's momentum μ (0 for plain gradient descent).
    pub momentum: f64,
}

impl SgdConfig {
    /// This update's [`StepLimit`] along a direction of curvature `lambda` (weight decay adds
    /// its λ to it): on the quadratic model each update is linear, and it stays bounded while
    /// its iteration matrix's eigenvalues lie inside the unit circle. Plain: |1 − lr·λ| < 1, so
    /// lr < 2/λ. Heavy ball: z² − (1 + μ − a)z + μ with a = lr·(1 − τ)·λ has its roots inside
    /// iff 0 < a < 2(1 + μ) (Polyak, 1964; Goh, "Why Momentum Really Works", Distill 2017).
    /// Nesterov: its matrix [[1 − a(1 + μ), −μ²], [a, μ]] with a = lr·λ passes Jury's test iff
    /// a < 2(1 + μ)/(1 + 2μ). `None` where the curvature is not positive or not finite.
    pub fn step_limit(&self, lambda: f64) -> Option<StepLimit> {
        let curvature = lambda + self.weight_decay;
        if !(curvature > 0.0 && curvature.is_finite()) {
            return None;
        }
        let mu = self.momentum;
        let (lr, rule) = if mu == 0.0 {
            (2.0 / curvature, UpdateRule::Plain)
        } else if self.nesterov {
            (
                2.0 * (1.0 + mu) / ((1.0 + 2.0 * mu) * curvature),
                UpdateRule::Nesterov,
            )
        } else {
            let kept = 1.0 - self.dampening;
            if kept <= 0.0 {
                return None;
            }
            (2.0 * (1.0 + mu) / (kept * curvature), UpdateRule::HeavyBall)
        };
        lr.is_finite().then_some(StepLimit {
            lr,
            rule,
            momentum: mu,
        })
    }
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
        }
    }
}

/// State of [`SgdConfig`]: the momentum buffer, absent until the first step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SgdState {
    /// The momentum buffer b, `None` before the first step or when μ = 0.
    pub momentum_buffer: Option<Vec<f64>>,
}

impl SgdConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_range("momentum", self.momentum, Range::closed(0.0, 1e3))?;
        check_range("dampening", self.dampening, Range::closed(0.0, 1.0))?;
        check_non_negative("weight_decay", self.weight_decay)?;
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(Refusal::at(
                "nesterov",
                Problem::unfit(crate::read::Unfit::NesterovNeedsMomentum),
            ));
        }
        Ok(())
    }

    /// A fresh state (no buffer yet).
    pub fn init(&self, _dim: usize) -> SgdState {
        SgdState::default()
    }

    /// One SGD step at learning rate `lr`.
    pub fn update(&self, state: &mut SgdState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        add_weight_decay(grad, params, self.weight_decay);
        if self.momentum != 0.0 {
            let momentum = self.momentum;
            match state.momentum_buffer.as_mut() {
                Some(buffer) => {
                    for (b, g) in buffer.iter_mut().zip(grad.iter()) {
                        *b = momentum * *b + (1.0 - self.dampening) * g;
                    }
                }
                None => state.momentum_buffer = Some(grad.to_vec()),
            }
            if let Some(buffer) = state.momentum_buffer.as_ref() {
                for (g, b) in grad.iter_mut().zip(buffer) {
                    *g = if self.nesterov { *g + momentum * b } else { *b };
                }
            }
        }
        for (p, d) in params.iter_mut().zip(grad.iter()) {
            *p -= lr * d;
        }
    }
}

super::registry::gradient_rule! {
    SgdConfig => SgdState,
    name: "sgd",
    title: "SGD",
    starting_lr: 1e-3,
    note: "`nesterov` needs momentum > 0 and dampening 0",
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `sgd` on f(x) = λx²/2 from x = 1 for 400 steps: whether |x| shrank.
    fn converges(sgd: &SgdConfig, lambda: f64) -> bool {
        let (mut x, mut v) = (1.0_f64, 0.0_f64);
        for _ in 0..400 {
            let g = lambda * x + sgd.weight_decay * x;
            let d = if sgd.momentum == 0.0 {
                g
            } else {
                v = sgd.momentum * v + (1.0 - sgd.dampening) * g;
                if sgd.nesterov {
                    g + sgd.momentum * v
                } else {
                    v
                }
            };
            x -= sgd.lr * d;
        }
        x.abs() < 1.0
    }

    #[test]
    fn each_update_overshoots_exactly_past_its_limit() {
        for (momentum, dampening, nesterov, weight_decay) in [
            (0.0, 0.0, false, 0.0),
            (0.9, 0.0, false, 0.0),
            (0.5, 0.3, false, 0.0),
            (0.9, 0.0, true, 0.0),
            (0.0, 0.0, false, 1.0),
        ] {
            let rule = SgdConfig {
                momentum,
                dampening,
                nesterov,
                weight_decay,
                ..SgdConfig::default()
            };
            let limit = rule.step_limit(10.0).expect("a positive curvature").lr;
            for (factor, inside) in [(0.98, true), (1.02, false)] {
                let sgd = SgdConfig {
                    lr: limit * factor,
                    ..rule.clone()
                };
                assert_eq!(converges(&sgd, 10.0), inside, "{sgd:?} against {limit}");
            }
        }
        assert_eq!(SgdConfig::default().step_limit(-1.0), None);
    }

    #[test]
    fn defaults_follow_pytorch() {
        let c = SgdConfig::default();
        assert_eq!(
            (c.lr, c.momentum, c.dampening, c.weight_decay),
            (1e-3, 0.0, 0.0, 0.0)
        );
        assert!(!c.nesterov);
    }

    #[test]
    fn plain_step_is_lr_times_gradient() {
        let c = SgdConfig {
            lr: 0.1,
            ..Default::default()
        };
        let mut s = c.init(2);
        let mut p = [1.0, 2.0];
        c.update(&mut s, &mut p, &mut [1.0, -2.0], 0.1);
        assert_eq!(p, [0.9, 2.2]);
        assert!(s.momentum_buffer.is_none());
    }

    #[test]
    fn momentum_buffer_starts_at_first_gradient_then_accumulates() {
        let c = SgdConfig {
            lr: 1.0,
            momentum: 0.9,
            dampening: 0.5,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [1.0], 1.0);
        // First step: no dampening applied, b = g.
        assert_eq!(s.momentum_buffer.as_deref(), Some(&[1.0][..]));
        c.update(&mut s, &mut p, &mut [1.0], 1.0);
        assert_eq!(s.momentum_buffer.as_deref(), Some(&[0.9 + 0.5][..]));
        assert_eq!(p, [-1.0 - 1.4]);
    }

    #[test]
    fn nesterov_looks_ahead() {
        let c = SgdConfig {
            lr: 1.0,
            momentum: 0.5,
            nesterov: true,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [2.0], 1.0);
        assert_eq!(p, [-(2.0 + 0.5 * 2.0)]);
    }

    #[test]
    fn weight_decay_alone_shrinks_parameters() {
        let c = SgdConfig {
            lr: 0.1,
            weight_decay: 0.5,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [2.0];
        c.update(&mut s, &mut p, &mut [0.0], 0.1);
        assert_eq!(p, [2.0 - 0.1 * 0.5 * 2.0]);
    }

    #[test]
    fn zero_gradient_leaves_parameters() {
        let c = SgdConfig {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        };
        let mut s = c.init(2);
        let mut p = [1.0, -1.0];
        c.update(&mut s, &mut p, &mut [0.0, 0.0], 0.1);
        assert_eq!(p, [1.0, -1.0]);
    }

    #[test]
    fn nesterov_refused_as_pytorch_refuses_it() {
        let with_dampening = SgdConfig {
            momentum: 0.9,
            dampening: 0.1,
            nesterov: true,
            ..Default::default()
        };
        assert_eq!(
            with_dampening.validate().map_err(|e| e.field()),
            Err("nesterov".into())
        );
        let without_momentum = SgdConfig {
            nesterov: true,
            ..Default::default()
        };
        assert!(without_momentum.validate().is_err());
        assert!(SgdConfig {
            lr: -1.0,
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(SgdConfig {
            lr: f64::NAN,
            ..Default::default()
        }
        .validate()
        .is_err());
    }
}
