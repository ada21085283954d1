//! # Matyas function
//!
//! ```text
//! f(x, y) = 0.26·(x² + y²) − 0.48·xy
//! ```
//!
//! A convex quadratic with constant Hessian `[[0.52, −0.48], [−0.48, 0.52]]`, whose eigenvalues
//! 1 and 0.04 (along the diagonals `y = −x` and `y = x`) give condition number 25: a long, flat
//! valley along `y = x`. The global minimum is `f(0, 0) = 0`. Viewed on `[-10, 10]²`.
//!
//! Reference: J. Matyas, "Random optimization", *Automation and Remote Control* 26(2), 246–253
//! (1965); S. Surjanovic and D. Bingham, *Virtual Library of Simulation Experiments*
//! (<https://www.sfu.ca/~ssurjano/matya.html>).

use super::{SurfaceInfo, ViewBox};

/// The usual domain `[-10, 10]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -10.0,
    x_max: 10.0,
    y_min: -10.0,
    y_max: 10.0,
};

/// The global minimiser `(0, 0)`.
pub const MINIMA: [[f64; 2]; 1] = [[0.0, 0.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// The valley floor is decades below the walls: a logarithmic colour scale shows it.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "matyas",
    title: "Matyas",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// `f(x, y) = 0.26·(x² + y²) − 0.48·xy`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    0.26 * (x * x + y * y) - 0.48 * x * y
}

/// `∇f = [0.52x − 0.48y, 0.52y − 0.48x]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    [0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = [[0.52, −0.48], [−0.48, 0.52]]` everywhere.
#[inline]
pub fn hessian(_x: f64, _y: f64) -> [[f64; 2]; 2] {
    [[0.52, -0.48], [-0.48, 0.52]]
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
        // PyTorch's start (6, −4) (s003): 0.26·52 + 0.48·24 = 13.52 + 11.52 = 25.04.
        assert!((value(6.0, -4.0) - 25.04).abs() <= 1e-13);
        // Along the valley y = x: f(t, t) = 0.52t² − 0.48t² = 0.04t².
        assert!((value(3.0, 3.0) - 0.04 * 9.0).abs() <= 1e-15);
    }
}
