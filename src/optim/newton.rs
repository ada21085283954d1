//! Newton's method with the exact Hessian, optionally damped (Levenberg):
//!
//! ```text
//! p ← p − lr · (H + δ·I)⁻¹ · g
//! ```
//!
//! (Nocedal & Wright, *Numerical Optimization*, §3.3). Where H + δI is singular the step is
//! undefined and the update is refused. At a saddle or a maximum the Newton step moves *toward*
//! that stationary point — which is what the lab shows.

use super::{
    check_lr, check_non_negative, Needs, Optimizer, OptimizerInfo, Refusal, StepContext, StepError,
};
use nalgebra::{Matrix2, Vector2};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of Newton's method.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewtonConfig {
    /// Step scale (default 1.0, the pure Newton step).
    pub lr: f64,
    /// Damping δ added to the Hessian's diagonal (default 0).
    pub damping: f64,
}

crate::read::fields::read_fields!(NewtonConfig {
    lr: F64,
    damping: F64
});

impl Default for NewtonConfig {
    fn default() -> Self {
        NewtonConfig {
            lr: 1.0,
            damping: 0.0,
        }
    }
}

/// State of [`NewtonConfig`]: only the step count (Newton keeps no memory).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewtonState {
    /// Steps taken so far.
    pub step: u64,
}

/// A Hessian whose reciprocal condition number (smallest over largest singular value) is below
/// this is treated as singular.
const SINGULAR_RCOND: f64 = 1e-12;

impl NewtonConfig {
    /// Checks lr and damping ranges.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        check_non_negative("damping", self.damping)
    }

    /// A fresh state.
    pub fn init(&self, _dim: usize) -> NewtonState {
        NewtonState::default()
    }

    /// One Newton step; refused where the (damped) Hessian is missing or singular, in which case
    /// `params` are left unchanged.
    pub fn update(
        &self,
        state: &mut NewtonState,
        params: &mut [f64],
        grad: &[f64],
        lr: f64,
        hessian: Option<&[f64]>,
    ) -> Result<(), StepError> {
        // Newton is offered on the 2-D surfaces, whose Hessian is 2 × 2 (row-major).
        let (&[h11, h12, h21, h22], &[g1, g2]) = (hessian.ok_or(StepError::NoHessian)?, grad)
        else {
            return Err(StepError::NoHessian);
        };
        if params.len() != 2 {
            return Err(StepError::NoHessian);
        }
        if !([h11, h12, h21, h22].iter().all(|v| v.is_finite()) && self.damping.is_finite()) {
            return Err(StepError::NonFiniteHessian);
        }
        let h = Matrix2::new(h11 + self.damping, h12, h21, h22 + self.damping);
        // Regularity from the singular values of H / max|Hᵢⱼ| (the scaling keeps the SVD's
        // squares from overflowing, and leaves the ratio as it is).
        let scale = h.amax();
        if !(scale > 0.0 && scale.is_finite()) {
            return Err(StepError::SingularHessian);
        }
        let sigma = (h / scale).singular_values();
        if sigma.min().is_nan() || sigma.min() <= SINGULAR_RCOND * sigma.max() {
            return Err(StepError::SingularHessian);
        }
        let direction = h
            .lu()
            .solve(&Vector2::new(g1, g2))
            .ok_or(StepError::SingularHessian)?;
        for (p, d) in params.iter_mut().zip(direction.iter()) {
            *p -= lr * d;
        }
        state.step += 1;
        Ok(())
    }
}

impl Optimizer for NewtonConfig {
    type State = NewtonState;
    const INFO: OptimizerInfo = OptimizerInfo {
        name: "newton",
        title: "Newton",
        starting_lr: 1.0,
        needs: Needs::Hessian,
        optional: &[],
        note: "p ← p − lr·(H + damping·I)⁻¹∇f with the exact Hessian H: the 2-D surfaces and linear regression; a singular Hessian stops the run with a message",
    };

    fn lr(&self) -> f64 {
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn check(&self) -> Result<(), Refusal> {
        self.validate()
    }

    fn fresh_state(&self, dim: usize) -> NewtonState {
        self.init(dim)
    }

    fn step(
        &self,
        state: &mut NewtonState,
        params: &mut [f64],
        grad: &mut [f64],
        ctx: StepContext<'_>,
    ) -> Result<(), StepError> {
        self.update(state, params, grad, ctx.lr, ctx.hessian)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One undamped, full Newton step from a fresh state.
    fn newton_step(p: &mut [f64], g: &[f64], h: &[f64]) -> Result<(), StepError> {
        let c = NewtonConfig::default();
        c.update(&mut c.init(p.len()), p, g, 1.0, Some(h))
    }

    #[test]
    fn one_step_solves_a_quadratic() {
        // f = ½(x² + 10y²): H = diag(1, 10), g = (x, 10y).
        let c = NewtonConfig::default();
        let mut s = c.init(2);
        let mut p = [3.0, -2.0];
        let g = [3.0, -20.0];
        c.update(&mut s, &mut p, &g, 1.0, Some(&[1.0, 0.0, 0.0, 10.0]))
            .expect("regular");
        assert!(p[0].abs() < 1e-12 && p[1].abs() < 1e-12);
    }

    #[test]
    fn singular_hessian_is_refused_and_damping_cures_it() {
        let c = NewtonConfig::default();
        let mut s = c.init(2);
        let mut p = [1.0, 1.0];
        let h = [1.0, 1.0, 1.0, 1.0];
        assert_eq!(
            c.update(&mut s, &mut p, &[1.0, 1.0], 1.0, Some(&h)),
            Err(StepError::SingularHessian)
        );
        assert_eq!(p, [1.0, 1.0]);
        let damped = NewtonConfig {
            damping: 0.1,
            ..Default::default()
        };
        assert!(damped
            .update(&mut s, &mut p, &[1.0, 1.0], 1.0, Some(&h))
            .is_ok());
    }

    #[test]
    fn a_non_finite_hessian_is_refused_not_a_panic() {
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            let mut p = [1.0, 1.0];
            assert_eq!(
                newton_step(&mut p, &[1.0, 1.0], &[bad, 0.0, 0.0, 1.0]),
                Err(StepError::NonFiniteHessian)
            );
            assert_eq!(p, [1.0, 1.0]);
        }
    }

    #[test]
    fn only_two_dimensional_steps_are_taken() {
        let mut p = [1.0, 2.0, 3.0];
        let identity3 = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        assert_eq!(
            newton_step(&mut p, &[1.0, 1.0, 1.0], &identity3),
            Err(StepError::NoHessian)
        );
        assert_eq!(p, [1.0, 2.0, 3.0]);
    }

    #[test]
    fn huge_but_finite_hessians_are_judged_without_overflow() {
        let mut p = [1.0, 1.0];
        // The squares of these entries overflow; scaled first, the SVD sees at most 1.
        newton_step(&mut p, &[1e300, 1e300], &[1e300, 0.0, 0.0, 1e300]).expect("regular");
        assert_eq!(p, [0.0, 0.0]);
        assert_eq!(
            newton_step(&mut p, &[1.0, 1.0], &[1e300, 1e300, 1e300, 1e300]),
            Err(StepError::SingularHessian)
        );
    }

    #[test]
    fn missing_hessian_is_refused() {
        let c = NewtonConfig::default();
        let mut s = c.init(2);
        assert_eq!(
            c.update(&mut s, &mut [0.0, 0.0], &[1.0, 1.0], 1.0, None),
            Err(StepError::NoHessian)
        );
    }
}
