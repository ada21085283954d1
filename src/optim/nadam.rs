//! NAdam, as `torch.optim.NAdam` (Dozat, 2016, with the momentum-decay schedule of PyTorch).
//!
//! With g the gradient (plus λ·p), t the step count (from 1) and ψ the momentum decay:
//!
//! ```text
//! μₜ = β₁·(1 − ½·0.96^(t·ψ)),   μₜ₊₁ = β₁·(1 − ½·0.96^((t+1)·ψ)),   Πₜ = μ₁⋯μₜ
//! m ← lerp(m, g, 1 − β₁),   v ← β₂·v + (1 − β₂)·g²
//! d = √(v / (1 − β₂ᵗ)) + ε
//! p ← p − lr·(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d
//! ```

use super::{check_beta, check_lr, check_non_negative, check_range, lerp, Range, Refusal};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of `torch.optim.NAdam`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NadamConfig {
    /// Learning rate (PyTorch default 2e-3).
    pub lr: f64,
    /// Decay rates (β₁, β₂) of the moment estimates (default (0.9, 0.999)).
    pub betas: [f64; 2],
    /// Term added to the denominator (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Momentum decay ψ (default 4e-3).
    pub momentum_decay: f64,
}

crate::read::fields::read_fields!(NadamConfig {
    lr: F64,
    betas: Pair,
    eps: F64,
    weight_decay: F64,
    momentum_decay: F64
});

impl Default for NadamConfig {
    fn default() -> Self {
        NadamConfig {
            lr: 2e-3,
            betas: [0.9, 0.999],
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 4e-3,
        }
    }
}

/// State of [`NadamConfig`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NadamState {
    /// Steps taken so far (t).
    pub step: u64,
    /// Product Πₜ of the momentum coefficients so far (1 before the first step).
    pub mu_product: f64,
    /// First-moment estimate m.
    pub exp_avg: Vec<f64>,
    /// Second-moment estimate v.
    pub exp_avg_sq: Vec<f64>,
}

impl Default for NadamState {
    fn default() -> Self {
        NadamState {
            step: 0,
            mu_product: 1.0,
            exp_avg: Vec::new(),
            exp_avg_sq: Vec::new(),
        }
    }
}

impl NadamConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_beta(0, self.betas[0])?;
        check_beta(1, self.betas[1])?;
        check_range("eps", self.eps, Range::closed(0.0, 1.0))?;
        check_non_negative("weight_decay", self.weight_decay)?;
        check_non_negative("momentum_decay", self.momentum_decay)
    }

    /// A fresh, zeroed state.
    pub fn init(&self, dim: usize) -> NadamState {
        NadamState {
            exp_avg: vec![0.0; dim],
            exp_avg_sq: vec![0.0; dim],
            ..Default::default()
        }
    }

    /// One NAdam step at learning rate `lr`.
    pub fn update(&self, state: &mut NadamState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        super::add_weight_decay(grad, params, self.weight_decay);
        state.step += 1;
        let [beta1, beta2] = self.betas;
        let t = state.step as f64;
        let bias_correction2 = super::adam::bias_correction(beta2, t);
        // 1 − ½·0.96^s, without `powf` once 0.96^s can no longer change it.
        let momentum = |s: f64| {
            if super::adam::power_vanishes(0.96, s) {
                1.0
            } else {
                1.0 - 0.5 * libm::pow(0.96f64, s)
            }
        };
        let mu = beta1 * momentum(t * self.momentum_decay);
        let mu_next = beta1 * momentum((t + 1.0) * self.momentum_decay);
        state.mu_product *= mu;
        let mu_product = state.mu_product;
        let mu_product_next = mu_product * mu_next;
        let grad_coef = lr * (1.0 - mu) / (1.0 - mu_product);
        let avg_coef = lr * mu_next / (1.0 - mu_product_next);
        let moments = state.exp_avg.iter_mut().zip(state.exp_avg_sq.iter_mut());
        for ((p, &g), (m, v)) in params.iter_mut().zip(&*grad).zip(moments) {
            *m = lerp(*m, g, 1.0 - beta1);
            *v = beta2 * *v + (1.0 - beta2) * g * g;
            let denom = (*v / bias_correction2).sqrt() + self.eps;
            *p -= grad_coef * g / denom;
            *p -= avg_coef * *m / denom;
        }
    }
}

super::registry::gradient_rule! {
    NadamConfig => NadamState,
    name: "nadam",
    title: "NAdam",
    starting_lr: 0.05,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_pytorch() {
        let c = NadamConfig::default();
        assert_eq!(
            (c.lr, c.betas, c.eps, c.weight_decay, c.momentum_decay),
            (2e-3, [0.9, 0.999], 1e-8, 0.0, 4e-3)
        );
    }

    #[test]
    fn momentum_product_accumulates() {
        let c = NadamConfig::default();
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [1.0], c.lr);
        let mu1 = 0.9 * (1.0 - 0.5 * libm::pow(0.96f64, 4e-3));
        assert!((s.mu_product - mu1).abs() < 1e-15);
        assert!(p[0] < 0.0);
    }

    #[test]
    fn zero_gradient_stays_put() {
        let c = NadamConfig::default();
        let mut s = c.init(1);
        let mut p = [1.0];
        c.update(&mut s, &mut p, &mut [0.0], c.lr);
        assert_eq!(p, [1.0]);
    }
}
