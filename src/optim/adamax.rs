//! Adamax, as `torch.optim.Adamax` (Kingma & Ba, 2015, §7.1: Adam with the infinity norm).
//!
//! With g the gradient (plus λ·p) and t the step count (from 1):
//!
//! ```text
//! m ← lerp(m, g, 1 − β₁)
//! u ← max(β₂·u, |g| + ε)
//! p ← p − lr/(1 − β₁ᵗ) · m/u
//! ```

use super::{check_beta, check_lr, check_non_negative, check_range, lerp, Range, Refusal};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of `torch.optim.Adamax`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdamaxConfig {
    /// Learning rate (PyTorch default 2e-3).
    pub lr: f64,
    /// Decay rates (β₁, β₂) of the moment estimates (default (0.9, 0.999)).
    pub betas: [f64; 2],
    /// Term added to |g| inside the maximum (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
}

crate::read::fields::read_fields!(AdamaxConfig {
    lr: F64,
    betas: Pair,
    eps: F64,
    weight_decay: F64
});

impl Default for AdamaxConfig {
    fn default() -> Self {
        AdamaxConfig {
            lr: 2e-3,
            betas: [0.9, 0.999],
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

/// State of [`AdamaxConfig`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdamaxState {
    /// Steps taken so far (t).
    pub step: u64,
    /// First-moment estimate m.
    pub exp_avg: Vec<f64>,
    /// Exponentially weighted infinity norm u.
    pub exp_inf: Vec<f64>,
}

impl AdamaxConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_beta(0, self.betas[0])?;
        check_beta(1, self.betas[1])?;
        check_range("eps", self.eps, Range::closed(0.0, 1.0))?;
        check_non_negative("weight_decay", self.weight_decay)
    }

    /// A fresh, zeroed state.
    pub fn init(&self, dim: usize) -> AdamaxState {
        AdamaxState {
            step: 0,
            exp_avg: vec![0.0; dim],
            exp_inf: vec![0.0; dim],
        }
    }

    /// One Adamax step at learning rate `lr`.
    pub fn update(&self, state: &mut AdamaxState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        super::add_weight_decay(grad, params, self.weight_decay);
        state.step += 1;
        let [beta1, beta2] = self.betas;
        let clr = lr / super::adam::bias_correction(beta1, state.step as f64);
        let moments = state.exp_avg.iter_mut().zip(state.exp_inf.iter_mut());
        for ((p, &g), (m, u)) in params.iter_mut().zip(&*grad).zip(moments) {
            *m = lerp(*m, g, 1.0 - beta1);
            *u = (beta2 * *u).max(g.abs() + self.eps);
            *p -= clr * *m / *u;
        }
    }
}

super::registry::gradient_rule! {
    AdamaxConfig => AdamaxState,
    name: "adamax",
    title: "Adamax",
    starting_lr: 0.05,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_pytorch() {
        let c = AdamaxConfig::default();
        assert_eq!(
            (c.lr, c.betas, c.eps, c.weight_decay),
            (2e-3, [0.9, 0.999], 1e-8, 0.0)
        );
    }

    #[test]
    fn first_step_has_size_lr() {
        let c = AdamaxConfig {
            lr: 0.5,
            eps: 0.0,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [-3.0], 0.5);
        assert!((p[0] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn zero_gradient_stays_put() {
        let c = AdamaxConfig::default();
        let mut s = c.init(1);
        let mut p = [1.0];
        c.update(&mut s, &mut p, &mut [0.0], c.lr);
        assert_eq!(p, [1.0]);
    }
}
