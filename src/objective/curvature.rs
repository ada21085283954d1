//! Curvature at a point of a 2-parameter objective: the Hessian's eigenvalues and
//! eigen-directions, the condition number, and the learning rate past which plain gradient
//! descent overshoots.

use super::Objective;
use serde::Serialize;

/// The Hessian of a 2-parameter objective at one point, decomposed.
///
/// `H = λ_max·u uᵀ + λ_min·v vᵀ` with `u ⊥ v` unit vectors: the symmetric Schur decomposition of
/// a 2×2 matrix by one Jacobi rotation (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.5.2).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Curvature {
    /// The larger eigenvalue: the curvature along [`Curvature::steepest`].
    pub lambda_max: f64,
    /// The smaller eigenvalue: the curvature along [`Curvature::flattest`]; negative on a saddle.
    pub lambda_min: f64,
    /// The unit eigen-direction of `lambda_max`.
    pub steepest: [f64; 2],
    /// The unit eigen-direction of `lambda_min`.
    pub flattest: [f64; 2],
    /// `λ_max / λ_min` where both are positive (a local bowl); `None` otherwise.
    pub condition: Option<f64>,
    /// `2 / λ_max` where `λ_max > 0`; `None` otherwise ([`stability_limit`]).
    pub stability_limit: Option<f64>,
}

impl Curvature {
    /// Decomposes the symmetric 2×2 matrix `[[a, b], [b, c]]`; `None` if an entry is not finite.
    pub fn of_symmetric(a: f64, b: f64, c: f64) -> Option<Curvature> {
        if !(a.is_finite() && b.is_finite() && c.is_finite()) {
            return None;
        }
        // λ = m ± r with m = (a + c)/2 and r = √(((a − c)/2)² + b²). The eigenvalue of larger
        // magnitude first, then the other as det/λ, so that a small one does not lose its
        // digits to the cancellation in m − r (the stable quadratic formula).
        let m = 0.5 * (a + c);
        let r = libm::hypot(0.5 * (a - c), b);
        let big = if m >= 0.0 { m + r } else { m - r };
        let small = if big == 0.0 {
            0.0
        } else {
            (a * c - b * b) / big
        };
        let (lambda_max, lambda_min) = if big >= small {
            (big, small)
        } else {
            (small, big)
        };
        // The rotation angle θ with tan 2θ = 2b/(a − c) turns the x axis onto λ_max's direction.
        let theta = 0.5 * libm::atan2(2.0 * b, a - c);
        let (sin, cos) = (libm::sin(theta), libm::cos(theta));
        let steepest = [cos, sin];
        let flattest = [-sin, cos];
        let condition = (lambda_min > 0.0).then(|| lambda_max / lambda_min);
        Some(Curvature {
            lambda_max,
            lambda_min,
            steepest,
            flattest,
            condition,
            stability_limit: stability_limit(lambda_max),
        })
    }

    /// The curvature of `objective` at `params`, where it is a 2-parameter objective with an
    /// analytic Hessian; `None` otherwise or where the Hessian is not finite.
    pub fn at(objective: &impl Objective, params: &[f64]) -> Option<Curvature> {
        if params.len() != 2 {
            return None;
        }
        let h = objective.hessian(params)?;
        let [a, b, b2, c] = h.as_slice() else {
            return None;
        };
        // Symmetric in exact arithmetic; average the rounding of the two mixed partials away.
        Curvature::of_symmetric(*a, 0.5 * (b + b2), *c)
    }

    /// Whether the point is a saddle of the quadratic model: curvature of both signs.
    pub fn is_saddle(&self) -> bool {
        self.lambda_max > 0.0 && self.lambda_min < 0.0
    }
}

/// The largest learning rate for which plain gradient descent does not overshoot along a
/// direction of curvature `lambda`: on the quadratic model, `x − x* ← (1 − lr·λ)(x − x*)` along
/// that eigen-direction, which shrinks exactly when `|1 − lr·λ| < 1`, i.e. `lr < 2/λ` (Nesterov,
/// *Lectures on Convex Optimization*, 2018, §1.2.3; the "edge of stability" of Cohen et al.,
/// 2021). `None` where `λ ≤ 0`: no step size overshoots a flat or downward direction.
pub fn stability_limit(lambda: f64) -> Option<f64> {
    (lambda > 0.0 && lambda.is_finite()).then(|| 2.0 / lambda)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn a_diagonal_matrix_has_the_axes_as_directions() {
        let c = Curvature::of_symmetric(2.0, 0.0, 50.0).expect("finite");
        assert_eq!((c.lambda_max, c.lambda_min), (50.0, 2.0));
        assert!(close(c.steepest[0].abs(), 0.0, 1e-15) && close(c.steepest[1].abs(), 1.0, 1e-15));
        assert_eq!(c.condition, Some(25.0));
        assert_eq!(c.stability_limit, Some(0.04));
    }

    #[test]
    fn a_saddle_has_no_condition_number() {
        let c = Curvature::of_symmetric(2.0, 0.0, -2.0).expect("finite");
        assert!(c.is_saddle());
        assert_eq!(c.condition, None);
        assert_eq!(c.stability_limit, Some(1.0));
        let c = Curvature::of_symmetric(-1.0, 0.0, -3.0).expect("finite");
        assert_eq!(c.stability_limit, None);
    }

    #[test]
    fn rosenbrock_valley_floor_keeps_its_small_eigenvalue() {
        // Rosenbrock's Hessian at (−1, 1): [[1202 − 400·1 + 2, 400], [400, 200]] = [[802, 400],
        // [400, 200]]; det = 802·200 − 400² = 400, so λ_min = 400/λ_max to full precision.
        let c = Curvature::of_symmetric(802.0, 400.0, 200.0).expect("finite");
        assert!(close(c.lambda_max * c.lambda_min, 400.0, 1e-14));
        assert!(close(c.lambda_max + c.lambda_min, 1002.0, 1e-14));
    }

    #[test]
    fn non_finite_entries_give_none() {
        assert_eq!(Curvature::of_symmetric(f64::NAN, 0.0, 1.0), None);
        assert_eq!(Curvature::of_symmetric(1.0, f64::INFINITY, 1.0), None);
    }

    proptest! {
        /// H·u = λ_max·u and H·v = λ_min·v, with u, v orthonormal and λ_max ≥ λ_min.
        #[test]
        fn eigenpairs_satisfy_the_definition(a in -1e3..1e3f64, b in -1e3..1e3f64, c in -1e3..1e3f64) {
            let k = Curvature::of_symmetric(a, b, c).expect("finite");
            prop_assert!(k.lambda_max >= k.lambda_min);
            let scale = a.abs().max(b.abs()).max(c.abs()).max(1e-300);
            for (lambda, d) in [(k.lambda_max, k.steepest), (k.lambda_min, k.flattest)] {
                let hx = a * d[0] + b * d[1];
                let hy = b * d[0] + c * d[1];
                prop_assert!((hx - lambda * d[0]).abs() <= 1e-12 * scale);
                prop_assert!((hy - lambda * d[1]).abs() <= 1e-12 * scale);
            }
            prop_assert!(close(libm::hypot(k.steepest[0], k.steepest[1]), 1.0, 1e-15));
            prop_assert!((k.steepest[0] * k.flattest[0] + k.steepest[1] * k.flattest[1]).abs() < 1e-15);
        }
    }
}
