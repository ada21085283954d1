//! Adagrad, as `torch.optim.Adagrad`.
//!
//! With g the gradient (plus λ·p for weight decay λ), t the step count (from 1) and η the
//! learning rate (Duchi, Hazan & Singer, 2011; PyTorch's single-tensor form):
//!
//! ```text
//! η̃ = η / (1 + (t − 1)·lr_decay)
//! s ← s + g²                       (s starts at initial_accumulator_value)
//! p ← p − η̃ · g / (√s + ε)
//! ```

use super::{check_lr, check_non_negative, check_range, Range, Refusal};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of `torch.optim.Adagrad`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdagradConfig {
    /// Learning rate (PyTorch default 1e-2).
    pub lr: f64,
    /// Learning-rate decay per step (default 0).
    pub lr_decay: f64,
    /// L2 penalty λ added to the gradient (default 0).
    pub weight_decay: f64,
    /// Starting value of the sum of squares (default 0).
    pub initial_accumulator_value: f64,
    /// Term added to the denominator (default 1e-10).
    pub eps: f64,
}

crate::read::fields::read_fields!(AdagradConfig {
    lr: F64,
    lr_decay: F64,
    weight_decay: F64,
    initial_accumulator_value: F64,
    eps: F64
});

impl Default for AdagradConfig {
    fn default() -> Self {
        AdagradConfig {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
        }
    }
}

/// State of [`AdagradConfig`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdagradState {
    /// Steps taken so far.
    pub step: u64,
    /// Running sum of squared gradients s.
    pub sum: Vec<f64>,
}

impl AdagradConfig {
    /// Checks the ranges PyTorch checks, plus finiteness and upper bounds.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_non_negative("lr_decay", self.lr_decay)?;
        check_non_negative("weight_decay", self.weight_decay)?;
        check_non_negative("initial_accumulator_value", self.initial_accumulator_value)?;
        check_range("eps", self.eps, Range::closed(0.0, 1.0))
    }

    /// A fresh state with the accumulator at its initial value.
    pub fn init(&self, dim: usize) -> AdagradState {
        AdagradState {
            step: 0,
            sum: vec![self.initial_accumulator_value; dim],
        }
    }

    /// One Adagrad step at learning rate `lr`.
    pub fn update(&self, state: &mut AdagradState, params: &mut [f64], grad: &mut [f64], lr: f64) {
        super::add_weight_decay(grad, params, self.weight_decay);
        state.step += 1;
        let clr = lr / (1.0 + (state.step - 1) as f64 * self.lr_decay);
        for ((p, g), s) in params.iter_mut().zip(grad.iter()).zip(state.sum.iter_mut()) {
            *s += g * g;
            *p -= clr * g / (s.sqrt() + self.eps);
        }
    }
}

super::registry::gradient_rule! {
    AdagradConfig => AdagradState,
    name: "adagrad",
    title: "Adagrad",
    starting_lr: 0.1,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_pytorch() {
        let c = AdagradConfig::default();
        assert_eq!(
            (
                c.lr,
                c.lr_decay,
                c.weight_decay,
                c.initial_accumulator_value,
                c.eps
            ),
            (1e-2, 0.0, 0.0, 0.0, 1e-10)
        );
    }

    #[test]
    fn first_step_moves_by_lr_in_each_coordinate() {
        let c = AdagradConfig {
            lr: 0.5,
            eps: 0.0,
            ..Default::default()
        };
        let mut s = c.init(2);
        let mut p = [0.0, 0.0];
        c.update(&mut s, &mut p, &mut [4.0, -0.25], 0.5);
        assert_eq!(p, [-0.5, 0.5]);
        assert_eq!(s.sum, vec![16.0, 0.0625]);
    }

    #[test]
    fn lr_decay_shrinks_later_steps() {
        let c = AdagradConfig {
            lr: 1.0,
            lr_decay: 1.0,
            eps: 0.0,
            ..Default::default()
        };
        let mut s = c.init(1);
        let mut p = [0.0];
        c.update(&mut s, &mut p, &mut [1.0], 1.0);
        c.update(&mut s, &mut p, &mut [1.0], 1.0);
        // Second step: lr/(1+1) · 1/√2.
        assert!((p[0] - (-1.0 - 0.5 / 2f64.sqrt())).abs() < 1e-15);
    }

    #[test]
    fn zero_gradient_with_zero_accumulator_is_finite() {
        let c = AdagradConfig::default();
        let mut s = c.init(1);
        let mut p = [1.0];
        c.update(&mut s, &mut p, &mut [0.0], c.lr);
        assert_eq!(p, [1.0]);
    }
}
