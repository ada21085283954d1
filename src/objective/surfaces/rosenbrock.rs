//! # Rosenbrock function (the "banana")
//!
//! ```text
//! f(x, y) = (1 − x)² + 100·(y − x²)²
//! ```
//!
//! The global minimum is `f(1, 1) = 0`, at the end of a long, curved, nearly flat valley along
//! the parabola `y = x²`: easy to find, slow to follow. Viewed on `[-2, 2] × [-1, 3]`.
//!
//! Reference: H. H. Rosenbrock, "An automatic method for finding the greatest or least value of
//! a function", *The Computer Journal* 3(3), 175–184 (1960); the two-dimensional form with
//! a = 1, b = 100 as in S. Surjanovic and D. Bingham, *Virtual Library of Simulation
//! Experiments* (<https://www.sfu.ca/~ssurjano/rosen.html>).

use super::{SurfaceInfo, ViewBox};

/// The recommended view `[-2, 2] × [-1, 3]`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -2.0,
    x_max: 2.0,
    y_min: -1.0,
    y_max: 3.0,
};

/// The global minimiser `(1, 1)`.
pub const MINIMA: [[f64; 2]; 1] = [[1.0, 1.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// The valley floor lies decades below its walls: a logarithmic colour scale shows it.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "rosenbrock",
    title: "Rosenbrock",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// `f(x, y) = (1 − x)² + 100·(y − x²)²`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let a = 1.0 - x;
    let b = y - x * x;
    a * a + 100.0 * b * b
}

/// `∇f = [−2(1 − x) − 400x(y − x²), 200(y − x²)]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let a = 1.0 - x;
    let b = y - x * x;
    [-2.0 * a - 400.0 * x * b, 200.0 * b]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = [[2 − 400y + 1200x², −400x], [−400x, 200]]`.
#[inline]
pub fn hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    let f_xy = -400.0 * x;
    [[2.0 - 400.0 * y + 1200.0 * x * x, f_xy], [f_xy, 200.0]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::test_support::derivative_tests;

    derivative_tests!();

    #[test]
    fn minimum_is_zero_and_stationary() {
        for [x, y] in MINIMA {
            assert_eq!(value(x, y), MIN_VALUE);
            assert_eq!(gradient(x, y), [0.0, 0.0]);
        }
        // Positive definite there: the valley's curvatures are 1001.6 and 0.4.
        let h = hessian(1.0, 1.0);
        assert_eq!(h, [[802.0, -400.0], [-400.0, 200.0]]);
    }

    #[test]
    fn known_values() {
        // The usual start (−1.5, 2): 2.5² + 100·(−0.25)² = 12.5, as PyTorch reports (s012).
        assert_eq!(value(-1.5, 2.0), 12.5);
        assert_eq!(gradient(-1.5, 2.0), [-155.0, -50.0]);
        assert_eq!(value(0.0, 0.0), 1.0);
    }
}
