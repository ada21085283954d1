//! Newton's method with the exact Hessian, optionally damped (Levenberg):
//!
//! ```text
//! p ← p − lr · (H + δ·I)⁻¹ · g
//! ```
//!
//! (Nocedal & Wright, *Numerical Optimization*, §3.3). Where H + δI is singular the step is
//! undefined and the update is refused. At a saddle or a maximum the Newton step moves *toward*
//! that stationary point — which is what the lab shows.

use super::{check_lr, check_non_negative, ConfigError, StepError};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// Hyper-parameters of Newton's method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewtonConfig {
    /// Step scale (default 1.0, the pure Newton step).
    pub lr: f64,
    /// Damping δ added to the Hessian's diagonal (default 0).
    pub damping: f64,
}

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

/// A Hessian whose reciprocal condition estimate is below this is treated as singular.
const SINGULAR_RCOND: f64 = 1e-12;

impl NewtonConfig {
    /// Checks lr and damping ranges.
    pub fn validate(&self) -> Result<(), ConfigError> {
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
        let n = params.len();
        let hessian = hessian
            .filter(|h| h.len() == n * n)
            .ok_or(StepError::NoHessian)?;
        // nalgebra's SVD panics ("Singular value was NaN") on a non-finite matrix.
        if !(hessian.iter().all(|v| v.is_finite()) && self.damping.is_finite()) {
            return Err(StepError::NonFiniteHessian);
        }
        let mut h = DMatrix::from_row_slice(n, n, hessian);
        for i in 0..n {
            h[(i, i)] += self.damping;
        }
        let singular_values = h.singular_values();
        let largest = singular_values.max();
        let smallest = singular_values.min();
        if !(largest.is_finite() && smallest > SINGULAR_RCOND * largest) {
            return Err(StepError::SingularHessian);
        }
        let direction = h
            .lu()
            .solve(&DVector::from_column_slice(grad))
            .ok_or(StepError::SingularHessian)?;
        for (p, d) in params.iter_mut().zip(direction.iter()) {
            *p -= lr * d;
        }
        state.step += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let c = NewtonConfig::default();
        let mut s = c.init(2);
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            let mut p = [1.0, 1.0];
            assert_eq!(
                c.update(
                    &mut s,
                    &mut p,
                    &[1.0, 1.0],
                    1.0,
                    Some(&[bad, 0.0, 0.0, 1.0])
                ),
                Err(StepError::NonFiniteHessian)
            );
            assert_eq!(p, [1.0, 1.0]);
        }
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
