//! # Booth function
//!
//! ```text
//! f(x, y) = (x + 2y − 7)² + (2x + y − 5)²
//! ```
//!
//! A convex quadratic with constant Hessian `[[10, 8], [8, 10]]` (condition number 9). The
//! global minimum is `f(1, 3) = 0`. Viewed on `[-10, 10]²`.
//!
//! Reference: S. Surjanovic and D. Bingham, *Virtual Library of Simulation Experiments*
//! (<https://www.sfu.ca/~ssurjano/booth.html>); M. Jamil and X.-S. Yang, "A literature survey of
//! benchmark functions for global optimization problems", *Int. J. Math. Model. Numer. Optim.*
//! 4(2), 150–194 (2013), function 24.

use super::{SurfaceInfo, ViewBox};

/// The usual domain `[-10, 10]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -10.0,
    x_max: 10.0,
    y_min: -10.0,
    y_max: 10.0,
};

/// The global minimiser `(1, 3)`.
pub const MINIMA: [[f64; 2]; 1] = [[1.0, 3.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// A bowl from 0 to about 2500: a logarithmic colour scale shows its floor.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "booth",
    title: "Booth",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// `f(x, y) = (x + 2y − 7)² + (2x + y − 5)²`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let p = x + 2.0 * y - 7.0;
    let q = 2.0 * x + y - 5.0;
    p * p + q * q
}

/// `∇f = [2(x + 2y − 7) + 4(2x + y − 5), 4(x + 2y − 7) + 2(2x + y − 5)]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let p = x + 2.0 * y - 7.0;
    let q = 2.0 * x + y - 5.0;
    [2.0 * p + 4.0 * q, 4.0 * p + 2.0 * q]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = [[10, 8], [8, 10]]` everywhere.
#[inline]
pub fn hessian(_x: f64, _y: f64) -> [[f64; 2]; 2] {
    [[10.0, 8.0], [8.0, 10.0]]
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
    }

    #[test]
    fn known_values() {
        // PyTorch's start (−5, 5) (s009): (−2)² + (−10)² = 104.
        assert_eq!(value(-5.0, 5.0), 104.0);
        assert_eq!(value(0.0, 0.0), 74.0);
    }
}
