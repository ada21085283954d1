//! Adadelta, as `torch.optim.Adadelta` (Zeiler, 2012, Algorithm 1, with PyTorch's `lr` factor).
//!
//! With g the gradient (plus λ·p) and ρ the decay:
//!
//! ```text
//! v ← ρ·v + (1 − ρ)·g²
//! Δ = √(u + ε) / √(v + ε) · g
//! u ← ρ·u + (1 − ρ)·Δ²
//! p ← p − lr·Δ
//! ```

use super::{check_lr, check_non_negative, check_range, Range, Refusal};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of `torch.optim.Adadelta`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdadeltaConfig {
    /// Scale applied to Δ before it is subtracted (PyTorch default 1.0).
    pub lr: f64,
    /// Decay ρ of both running averages (default 0.9).
    pub rho: f64,
    /// Term added inside the square roots (default 1e-6).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
}

crate::read::fields::read_fields!(AdadeltaConfig {
    lr: F64,
    rho: F64,
    eps: F64,
    weight_decay: F64
});

impl Default for AdadeltaConfig {
    fn default() -> Self {
        AdadeltaConfig {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
        }
    }
}

/// State of [`AdadeltaConfig`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdadeltaState {
    /// Steps taken so far.
    pub step: u64,
    /// Running average of squared gradients v.
    pub square_avg: Vec<f64>,
    /// Running average of squared updates u.
    pub acc_delta: Vec<f64>,
}

impl AdadeltaConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_range("rho", self.rho, Range::closed(0.0, 1.0))?;
        check_range("eps", self.eps, Range::closed(0.0, 1.0))?;
        check_non_negative("weight_decay", self.weight_decay)
    }

    /// A fresh, zeroed state.
    pub fn init(&self, dim: usize) -> AdadeltaState {
        AdadeltaState {
            step: 0,
            square_avg: vec![0.0; dim],
            acc_delta: vec![0.0; dim],
        }
    }

    /// One Adadelta step with scale `lr`.
    pub fn update(&self, state: &mut AdadeltaState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        super::add_weight_decay(grad, params, self.weight_decay);
        state.step += 1;
        let rho = self.rho;
        for i in 0..params.len() {
            let g = grad[i];
            let v = rho * state.square_avg[i] + (1.0 - rho) * g * g;
            state.square_avg[i] = v;
            let std = (v + self.eps).sqrt();
            let delta = (state.acc_delta[i] + self.eps).sqrt() / std * g;
            state.acc_delta[i] = rho * state.acc_delta[i] + (1.0 - rho) * delta * delta;
            params[i] -= lr * delta;
        }
    }
}

super::registry::gradient_rule! {
    AdadeltaConfig => AdadeltaState,
    name: "adadelta",
    title: "Adadelta",
    starting_lr: 1.0,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_pytorch() {
        let c = AdadeltaConfig::default();
        assert_eq!((c.lr, c.rho, c.eps, c.weight_decay), (1.0, 0.9, 1e-6, 0.0));
    }

    #[test]
    fn first_step_is_tiny_and_sized_by_eps() {
        let c = AdadeltaConfig::default();
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [1.0], 1.0);
        let expected = -(1e-6f64).sqrt() / (0.1f64 + 1e-6).sqrt();
        assert!((p[0] - expected).abs() < 1e-18);
    }

    #[test]
    fn zero_gradient_stays_put() {
        let c = AdadeltaConfig::default();
        let mut s = c.init(2);
        let mut p = [1.0, 2.0];
        c.update(&mut s, &mut p, &mut [0.0, 0.0], 1.0);
        assert_eq!(p, [1.0, 2.0]);
    }
}
