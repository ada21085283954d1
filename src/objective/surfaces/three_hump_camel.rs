//! # Three-hump camel function
//!
//! ```text
//! f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²
//! ```
//!
//! The global minimum is `f(0, 0) = 0`. Two local minima `f ≈ 0.2986` at
//! `±(1.7476, −0.8738)` and two saddles at `±(1.0705, −0.5353)` lie on the line `y = −x/2` —
//! the three "humps" of the name. Viewed on `[-2, 2]²`, which holds all five stationary points;
//! the usual search domain `[-5, 5]²` is dominated by the `x⁶` walls (about 2050 at its corners).
//!
//! Reference: S. Surjanovic and D. Bingham, *Virtual Library of Simulation Experiments*
//! (<https://www.sfu.ca/~ssurjano/camel3.html>); M. Jamil and X.-S. Yang, "A literature survey of
//! benchmark functions for global optimization problems", *Int. J. Math. Model. Numer. Optim.*
//! 4(2), 150–194 (2013), function 29.

use super::{SurfaceInfo, ViewBox};

/// The view `[-2, 2]²`, holding the global and both local minima.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -2.0,
    x_max: 2.0,
    y_min: -2.0,
    y_max: 2.0,
};

/// The global minimiser `(0, 0)`.
pub const MINIMA: [[f64; 2]; 1] = [[0.0, 0.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// The local minima sit a fraction of a unit above the floor: a logarithmic scale separates them.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "three_hump_camel",
    title: "Three-hump camel",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// `f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let x2 = x * x;
    let x4 = x2 * x2;
    2.0 * x2 - 1.05 * x4 + x4 * x2 / 6.0 + x * y + y * y
}

/// `∇f = [4x − 4.2x³ + x⁵ + y, x + 2y]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let x2 = x * x;
    [x * (4.0 - 4.2 * x2 + x2 * x2) + y, x + 2.0 * y]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = [[4 − 12.6x² + 5x⁴, 1], [1, 2]]`.
#[inline]
pub fn hessian(x: f64, _y: f64) -> [[f64; 2]; 2] {
    let x2 = x * x;
    [[4.0 - 12.6 * x2 + 5.0 * x2 * x2, 1.0], [1.0, 2.0]]
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
    fn local_minima_lie_above_the_global_one() {
        // On y = −x/2, ∂f/∂x = x(3.5 − 4.2x² + x⁴): local minima at x² = 2.1 + √0.91.
        let x = (2.1 + 0.91_f64.sqrt()).sqrt();
        for [px, py] in [[x, -x / 2.0], [-x, x / 2.0]] {
            let [gx, gy] = gradient(px, py);
            assert!(gx.abs() <= 1e-12 && gy.abs() <= 1e-12);
            assert!(
                (value(px, py) - 0.298_638_442_3).abs() <= 1e-9,
                "{}",
                value(px, py)
            );
        }
    }

    #[test]
    fn known_values() {
        // PyTorch's start (1.5, −1.2) (s022): 4.5 − 5.315625 + 1.8984375 − 1.8 + 1.44.
        assert!((value(1.5, -1.2) - 0.7228125).abs() <= 1e-15);
    }
}
