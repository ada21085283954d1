//! Adam and AdamW, as `torch.optim.Adam` and `torch.optim.AdamW` (Kingma & Ba, 2015; decoupled
//! weight decay after Loshchilov & Hutter, 2019).
//!
//! With g the gradient, t the step count (from 1):
//!
//! ```text
//! Adam:   g ← g + λ·p                 AdamW:  p ← p·(1 − lr·λ)
//! m ← lerp(m, g, 1 − β₁)
//! v ← β₂·v + (1 − β₂)·g²
//! v̂ ← max(v̂, v)  (amsgrad; the denominator then uses v̂)
//! p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
//! ```
//!
//! The two take the same five hyper-parameters but stay two types, one per `torch.optim` class
//! (as argmin and optax keep one type per solver): each type carries its own PyTorch defaults —
//! AdamW's `weight_decay` is 1e-2, Adam's 0 — which the scenario reader fills absent fields
//! from, so an AdamW built from defaults is PyTorch's AdamW, never Adam with decoupled decay.
//! What they share is written once: the checks (`validate_adam`), the state (`init_adam`) and
//! the step (`adam_step`).

use super::{check_beta, check_lr, check_non_negative, check_range, lerp, Range, Refusal};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of `torch.optim.Adam`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdamConfig {
    /// Learning rate (PyTorch default 1e-3).
    pub lr: f64,
    /// Decay rates (β₁, β₂) of the moment estimates (default (0.9, 0.999)).
    pub betas: [f64; 2],
    /// Term added to the denominator (default 1e-8).
    pub eps: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Use the running maximum of the second moment (AMSGrad; default false).
    pub amsgrad: bool,
}

crate::read::fields::read_fields!(AdamConfig {
    lr: F64,
    betas: Pair,
    eps: F64,
    weight_decay: F64,
    amsgrad: Bool
});

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            betas: [0.9, 0.999],
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }
}

/// Hyper-parameters of `torch.optim.AdamW`: Adam's, with decoupled weight decay (default 1e-2).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdamWConfig {
    /// Learning rate (PyTorch default 1e-3).
    pub lr: f64,
    /// Decay rates (β₁, β₂) of the moment estimates (default (0.9, 0.999)).
    pub betas: [f64; 2],
    /// Term added to the denominator (default 1e-8).
    pub eps: f64,
    /// Decoupled decay λ: p ← p·(1 − lr·λ) before the Adam step (default 1e-2).
    pub weight_decay: f64,
    /// Use the running maximum of the second moment (AMSGrad; default false).
    pub amsgrad: bool,
}

crate::read::fields::read_fields!(AdamWConfig {
    lr: F64,
    betas: Pair,
    eps: F64,
    weight_decay: F64,
    amsgrad: Bool
});

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            lr: 1e-3,
            betas: [0.9, 0.999],
            eps: 1e-8,
            weight_decay: 1e-2,
            amsgrad: false,
        }
    }
}

/// State of [`AdamConfig`] and [`AdamWConfig`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdamState {
    /// Steps taken so far (t).
    pub step: u64,
    /// First-moment estimate m.
    pub exp_avg: Vec<f64>,
    /// Second-moment estimate v.
    pub exp_avg_sq: Vec<f64>,
    /// Running maximum v̂ of v (AMSGrad only).
    pub max_exp_avg_sq: Vec<f64>,
}

fn validate_adam(lr: f64, betas: [f64; 2], eps: f64, weight_decay: f64) -> Result<(), Refusal> {
    check_lr(lr)?;
    check_beta(0, betas[0])?;
    check_beta(1, betas[1])?;
    check_range("eps", eps, Range::closed(0.0, 1.0))?;
    check_non_negative("weight_decay", weight_decay)
}

fn init_adam(dim: usize, amsgrad: bool) -> AdamState {
    AdamState {
        step: 0,
        exp_avg: vec![0.0; dim],
        exp_avg_sq: vec![0.0; dim],
        max_exp_avg_sq: if amsgrad { vec![0.0; dim] } else { Vec::new() },
    }
}

/// Whether `baseᵗ` is certainly below 2⁻⁵⁷, so that `1 − baseᵗ` (and `1 − ½·baseᵗ`) round to
/// exactly `1.0` (anything under 2⁻⁵⁴ does): for `0 ≤ base < 1`, `ln base ≤ base − 1`, so
/// `baseᵗ ≤ e^(−t·(1 − base))`, and `t·(1 − base) ≥ 40` puts that under e⁻⁴⁰ ≈ 2⁻⁵⁷·⁷ — with
/// room for `powf`'s last-bit error. A cheap test that lets the bias corrections skip `powf` once
/// they have converged (Adam's default β₂ = 0.999 from step 40 000 on), with the very same
/// result bit for bit.
#[inline]
pub(crate) fn power_vanishes(base: f64, t: f64) -> bool {
    base >= 0.0 && t * (1.0 - base) >= 40.0
}

/// `1 − βᵗ`, a bias correction, exactly as `1.0 - beta.powf(t)` (see [`power_vanishes`]).
#[inline]
pub(crate) fn bias_correction(beta: f64, t: f64) -> f64 {
    if power_vanishes(beta, t) {
        1.0
    } else {
        1.0 - libm::pow(beta, t)
    }
}

/// The Adam step shared by both rules, on a gradient that already carries any L2 term.
#[inline]
fn adam_step(
    state: &mut AdamState,
    params: &mut [f64],
    grad: &[f64],
    lr: f64,
    betas: [f64; 2],
    eps: f64,
    amsgrad: bool,
) {
    state.step += 1;
    let [beta1, beta2] = betas;
    let t = state.step as f64;
    let bias_correction1 = bias_correction(beta1, t);
    let bias_correction2_sqrt = bias_correction(beta2, t).sqrt();
    let step_size = lr / bias_correction1;
    if amsgrad {
        for i in 0..params.len() {
            let g = grad[i];
            let m = lerp(state.exp_avg[i], g, 1.0 - beta1);
            state.exp_avg[i] = m;
            let v = beta2 * state.exp_avg_sq[i] + (1.0 - beta2) * g * g;
            state.exp_avg_sq[i] = v;
            let v_max = state.max_exp_avg_sq[i].max(v);
            state.max_exp_avg_sq[i] = v_max;
            let denom = v_max.sqrt() / bias_correction2_sqrt + eps;
            params[i] -= step_size * m / denom;
        }
        return;
    }
    // Once the correction is exactly 1, dividing by it is the identity: skip the division
    // (the longest step of the update's critical path), same bits.
    let unit = bias_correction2_sqrt == 1.0;
    let moments = state.exp_avg.iter_mut().zip(state.exp_avg_sq.iter_mut());
    for ((p, &g), (m, v)) in params.iter_mut().zip(grad).zip(moments) {
        *m = lerp(*m, g, 1.0 - beta1);
        *v = beta2 * *v + (1.0 - beta2) * g * g;
        let root = v.sqrt();
        let denom = if unit {
            root
        } else {
            root / bias_correction2_sqrt
        } + eps;
        *p -= step_size * *m / denom;
    }
}

impl AdamConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        validate_adam(self.lr, self.betas, self.eps, self.weight_decay)
    }

    /// A fresh, zeroed state.
    pub fn init(&self, dim: usize) -> AdamState {
        init_adam(dim, self.amsgrad)
    }

    /// One Adam step at learning rate `lr`.
    #[inline]
    pub fn update(&self, state: &mut AdamState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        super::add_weight_decay(grad, params, self.weight_decay);
        adam_step(state, params, grad, lr, self.betas, self.eps, self.amsgrad);
    }
}

impl AdamWConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        validate_adam(self.lr, self.betas, self.eps, self.weight_decay)
    }

    /// A fresh, zeroed state.
    pub fn init(&self, dim: usize) -> AdamState {
        init_adam(dim, self.amsgrad)
    }

    /// One AdamW step at learning rate `lr`.
    pub fn update(&self, state: &mut AdamState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        let shrink = 1.0 - lr * self.weight_decay;
        for p in params.iter_mut() {
            *p *= shrink;
        }
        adam_step(state, params, grad, lr, self.betas, self.eps, self.amsgrad);
    }
}

super::registry::gradient_rule! {
    AdamConfig => AdamState,
    name: "adam",
    title: "Adam",
    starting_lr: 0.05,
    note: "`weight_decay` is L2, added to the gradient",
}

super::registry::gradient_rule! {
    AdamWConfig => AdamState,
    name: "adamw",
    title: "AdamW",
    starting_lr: 0.05,
    note: "`weight_decay` is decoupled: p ← p·(1 − lr·λ) before the Adam step",
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skipping `powf` once the power has vanished changes nothing: around every threshold and
    /// far beyond it, `bias_correction` is `1 − βᵗ` bit for bit (and so is NAdam's `1 − ½·0.96ˢ`).
    #[test]
    fn skipping_vanished_powers_is_exact() {
        for beta in [0.0, 0.3, 0.5, 0.9, 0.96, 0.99, 0.999, 0.9999] {
            let threshold = (40.0 / (1.0 - beta)) as u64;
            let ts = (1..200)
                .chain(threshold.saturating_sub(3000)..threshold + 3000)
                .chain([10 * threshold, 1 << 40]);
            for t in ts {
                let t = t as f64;
                assert_eq!(
                    bias_correction(beta, t),
                    1.0 - libm::pow(beta, t),
                    "β {beta}, t {t}"
                );
                let half = if power_vanishes(beta, t) {
                    1.0
                } else {
                    1.0 - 0.5 * libm::pow(beta, t)
                };
                assert_eq!(half, 1.0 - 0.5 * libm::pow(beta, t), "β {beta}, t {t}");
            }
        }
    }

    #[test]
    fn defaults_follow_pytorch() {
        let a = AdamConfig::default();
        assert_eq!(
            (a.lr, a.betas, a.eps, a.weight_decay, a.amsgrad),
            (1e-3, [0.9, 0.999], 1e-8, 0.0, false)
        );
        let w = AdamWConfig::default();
        assert_eq!(
            (w.lr, w.betas, w.eps, w.weight_decay, w.amsgrad),
            (1e-3, [0.9, 0.999], 1e-8, 1e-2, false)
        );
    }

    #[test]
    fn first_step_has_size_lr_whatever_the_gradient_scale() {
        let c = AdamConfig {
            lr: 0.1,
            eps: 0.0,
            ..Default::default()
        };
        for g in [1e-6, 1.0, 1e6] {
            let mut s = c.init(1);
            let mut p = [0.0];
            c.update(&mut s, &mut p, &mut [g], 0.1);
            assert!((p[0] + 0.1).abs() < 1e-12, "g = {g}: p = {}", p[0]);
        }
    }

    #[test]
    fn amsgrad_keeps_the_running_maximum() {
        let c = AdamConfig {
            lr: 0.1,
            amsgrad: true,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [10.0], 0.1);
        let after_big = s.max_exp_avg_sq[0];
        c.update(&mut s, &mut p, &mut [0.1], 0.1);
        assert_eq!(s.max_exp_avg_sq[0], after_big.max(s.exp_avg_sq[0]));
        assert!(s.max_exp_avg_sq[0] > s.exp_avg_sq[0]);
    }

    #[test]
    fn weight_decay_alone_adam_couples_adamw_decouples() {
        // Zero gradient: Adam's L2 term becomes the gradient (a full-size Adam step);
        // AdamW only shrinks p by lr·λ·p and its Adam step is zero.
        let adam = AdamConfig {
            lr: 0.1,
            weight_decay: 0.5,
            eps: 0.0,
            ..Default::default()
        };
        let mut s = adam.init(1);
        let mut p = [2.0];
        adam.update(&mut s, &mut p, &mut [0.0], 0.1);
        assert!((p[0] - 1.9).abs() < 1e-12);
        let adamw = AdamWConfig {
            lr: 0.1,
            weight_decay: 0.5,
            ..Default::default()
        };
        let mut s = adamw.init(1);
        let mut p = [2.0];
        adamw.update(&mut s, &mut p, &mut [0.0], 0.1);
        assert!((p[0] - 2.0 * (1.0 - 0.05)).abs() < 1e-15);
    }

    #[test]
    fn betas_must_be_below_one() {
        let c = AdamConfig {
            betas: [1.0, 0.999],
            ..Default::default()
        };
        assert_eq!(
            c.validate().map_err(|e| e.field()),
            Err("betas[0]".to_string())
        );
    }
}
