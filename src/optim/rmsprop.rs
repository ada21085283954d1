//! RMSprop, as `torch.optim.RMSprop` (Hinton's lecture 6e; the centred form after Graves, 2013).
//!
//! With g the gradient (plus λ·p), α the smoothing constant and μ the momentum:
//!
//! ```text
//! v ← α·v + (1 − α)·g²
//! ḡ ← lerp(ḡ, g, 1 − α)                     (centred only)
//! d = √(v − ḡ²) + ε  if centred,  else √v + ε
//! b ← μ·b + g/d,  p ← p − lr·b   if μ > 0,  else  p ← p − lr·g/d
//! ```

use super::{check_lr, check_non_negative, check_range, lerp, Range, Refusal};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of `torch.optim.RMSprop`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RmspropConfig {
    /// Learning rate (PyTorch default 1e-2).
    pub lr: f64,
    /// Smoothing constant α (default 0.99).
    pub alpha: f64,
    /// Term added to the denominator (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Momentum factor μ (default 0).
    pub momentum: f64,
    /// Normalise by the estimated variance instead of the second moment (default false).
    pub centered: bool,
}

crate::read::fields::read_fields!(RmspropConfig {
    lr: F64,
    alpha: F64,
    eps: F64,
    weight_decay: F64,
    momentum: F64,
    centered: Bool
});

impl Default for RmspropConfig {
    fn default() -> Self {
        RmspropConfig {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }
}

/// State of [`RmspropConfig`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RmspropState {
    /// Steps taken so far.
    pub step: u64,
    /// Running average of squared gradients v.
    pub square_avg: Vec<f64>,
    /// Running average of gradients ḡ (centred only).
    pub grad_avg: Vec<f64>,
    /// Momentum buffer b (momentum > 0 only).
    pub momentum_buffer: Vec<f64>,
}

impl RmspropConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_range("alpha", self.alpha, Range::closed(0.0, 1.0))?;
        check_range("eps", self.eps, Range::closed(0.0, 1.0))?;
        check_non_negative("weight_decay", self.weight_decay)?;
        check_range("momentum", self.momentum, Range::closed(0.0, 1e3))
    }

    /// A fresh, zeroed state.
    pub fn init(&self, dim: usize) -> RmspropState {
        RmspropState {
            step: 0,
            square_avg: vec![0.0; dim],
            grad_avg: if self.centered {
                vec![0.0; dim]
            } else {
                Vec::new()
            },
            momentum_buffer: if self.momentum > 0.0 {
                vec![0.0; dim]
            } else {
                Vec::new()
            },
        }
    }

    /// One RMSprop step at learning rate `lr`.
    pub fn update(&self, state: &mut RmspropState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        super::add_weight_decay(grad, params, self.weight_decay);
        state.step += 1;
        let alpha = self.alpha;
        for i in 0..params.len() {
            let g = grad[i];
            let v = alpha * state.square_avg[i] + (1.0 - alpha) * g * g;
            state.square_avg[i] = v;
            let avg = if self.centered {
                let m = lerp(state.grad_avg[i], g, 1.0 - alpha);
                state.grad_avg[i] = m;
                (v - m * m).sqrt() + self.eps
            } else {
                v.sqrt() + self.eps
            };
            if self.momentum > 0.0 {
                let b = self.momentum * state.momentum_buffer[i] + g / avg;
                state.momentum_buffer[i] = b;
                params[i] -= lr * b;
            } else {
                params[i] -= lr * g / avg;
            }
        }
    }
}

super::registry::gradient_rule! {
    RmspropConfig => RmspropState,
    name: "rmsprop",
    title: "RMSprop",
    starting_lr: 0.01,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_pytorch() {
        let c = RmspropConfig::default();
        assert_eq!(
            (c.lr, c.alpha, c.eps, c.weight_decay, c.momentum),
            (1e-2, 0.99, 1e-8, 0.0, 0.0)
        );
        assert!(!c.centered);
    }

    #[test]
    fn first_step_divides_by_root_mean_square() {
        let c = RmspropConfig {
            lr: 0.1,
            alpha: 0.75,
            eps: 0.0,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [2.0], 0.1);
        // v = 0.25·4 = 1, so the step is lr·g/1.
        assert!((p[0] + 0.2).abs() < 1e-15);
    }

    #[test]
    fn centred_variance_uses_the_mean_gradient() {
        let c = RmspropConfig {
            lr: 1.0,
            alpha: 0.5,
            eps: 0.0,
            centered: true,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [2.0], 1.0);
        // v = 2, ḡ = 1, d = √(2 − 1) = 1.
        assert_eq!(s.grad_avg, vec![1.0]);
        assert!((p[0] + 2.0).abs() < 1e-15);
    }

    #[test]
    fn zero_gradient_with_eps_stays_put() {
        let c = RmspropConfig::default();
        let mut s = c.init(1);
        let mut p = [3.0];
        c.update(&mut s, &mut p, &mut [0.0], c.lr);
        assert_eq!(p, [3.0]);
    }
}
