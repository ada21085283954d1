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
        if !(hessian.iter().all(|v| v.is_finite()) && self.damping.is_finite()) {
            return Err(StepError::NonFiniteHessian);
        }
        let mut h = hessian.to_vec();
        for i in 0..n {
            h[i * n + i] += self.damping;
        }
        let (largest, smallest) = singular_value_range(&h, n);
        if !(largest.is_finite() && smallest > SINGULAR_RCOND * largest) {
            return Err(StepError::SingularHessian);
        }
        let direction = lu_solve(h, n, grad).ok_or(StepError::SingularHessian)?;
        for (p, d) in params.iter_mut().zip(direction.iter()) {
            *p -= lr * d;
        }
        state.step += 1;
        Ok(())
    }
}

/// The largest and smallest singular values of the `n × n` row-major matrix `h`, by one-sided
/// Jacobi rotations (Hestenes, 1958) on its columns, scaled by the largest entry so no square
/// overflows. For the regularity test only: the step itself is [`lu_solve`].
fn singular_value_range(h: &[f64], n: usize) -> (f64, f64) {
    let scale = h.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(scale > 0.0 && scale.is_finite()) {
        return (scale, 0.0);
    }
    // cols[j·n + i] = h[i][j] / scale.
    let mut cols: Vec<f64> = (0..n * n).map(|k| h[(k % n) * n + k / n] / scale).collect();
    for _sweep in 0..64 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (mut alpha, mut beta, mut gamma) = (0.0, 0.0, 0.0);
                for i in 0..n {
                    let (x, y) = (cols[p * n + i], cols[q * n + i]);
                    alpha += x * x;
                    beta += y * y;
                    gamma += x * y;
                }
                if gamma.abs() <= 1e-15 * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + libm::hypot(1f64, zeta));
                let c = 1.0 / libm::hypot(1f64, t);
                let s = c * t;
                for i in 0..n {
                    let (x, y) = (cols[p * n + i], cols[q * n + i]);
                    cols[p * n + i] = c * x - s * y;
                    cols[q * n + i] = s * x + c * y;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    cols.chunks_exact(n.max(1))
        .map(|col| scale * col.iter().map(|v| v * v).sum::<f64>().sqrt())
        .fold((0.0f64, f64::INFINITY), |(hi, lo), sigma| {
            (hi.max(sigma), lo.min(sigma))
        })
}

/// Solves `h·x = b` (`h` row-major `n × n`) by LU decomposition with partial pivoting, step for
/// step as `nalgebra`'s `LU::new(h).solve(b)` (the multipliers scaled by the pivot's reciprocal,
/// rows swapped to the first largest pivot), so Newton's steps are unchanged from when it used
/// that crate. `None` where a pivot is zero.
fn lu_solve(mut a: Vec<f64>, n: usize, b: &[f64]) -> Option<Vec<f64>> {
    let mut swaps = Vec::new();
    for i in 0..n {
        let mut piv = i;
        let mut best = a[i * n + i].abs();
        for r in i + 1..n {
            if a[r * n + i].abs() > best {
                best = a[r * n + i].abs();
                piv = r;
            }
        }
        let diag = a[piv * n + i];
        if diag == 0.0 {
            continue;
        }
        if piv != i {
            swaps.push((i, piv));
            for c in 0..n {
                a.swap(i * n + c, piv * n + c);
            }
        }
        let inv_diag = 1.0 / diag;
        for r in i + 1..n {
            a[r * n + i] *= inv_diag;
        }
        for k in i + 1..n {
            let pivot = a[i * n + k];
            for r in i + 1..n {
                a[r * n + k] += -pivot * a[r * n + i];
            }
        }
    }
    let mut x = b.to_vec();
    for &(i, piv) in &swaps {
        x.swap(i, piv);
    }
    for i in 0..n {
        let coeff = x[i];
        for r in i + 1..n {
            x[r] += -coeff * a[r * n + i];
        }
    }
    for i in (0..n).rev() {
        let diag = a[i * n + i];
        if diag == 0.0 {
            return None;
        }
        let coeff = x[i] / diag;
        x[i] = coeff;
        for r in 0..i {
            x[r] += -coeff * a[r * n + i];
        }
    }
    Some(x)
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
