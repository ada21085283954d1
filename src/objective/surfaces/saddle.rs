//! # Saddle
//!
//! ```text
//! f(x, y) = x² − y²
//! ```
//!
//! The hyperbolic paraboloid: a stationary point at the origin that is not a minimum (Hessian
//! `diag(2, −2)`), and no minimum at all — f is unbounded below along the y axis. It shows how
//! slowly plain gradient descent leaves a saddle when it starts near the stable direction, and
//! how adaptive and momentum methods escape it. Viewed on `[-2, 2]²`.
//!
//! Reference: the standard example of a non-degenerate saddle point, e.g. I. Goodfellow,
//! Y. Bengio and A. Courville, *Deep Learning*, MIT Press (2016), §4.3.1.

use super::{SurfaceInfo, ViewBox};

/// The view `[-2, 2]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -2.0,
    x_max: 2.0,
    y_min: -2.0,
    y_max: 2.0,
};

/// No minimiser: f is unbounded below.
pub const MINIMA: [[f64; 2]; 0] = [];

/// Values are negative over half the view, so the colour scale is linear.
pub const LOG_SCALE: bool = false;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "saddle",
    title: "Saddle",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: None,
    log_scale: LOG_SCALE,
};

/// `f(x, y) = x² − y²`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    x * x - y * y
}

/// `∇f = [2x, −2y]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    [2.0 * x, -2.0 * y]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = [[2, 0], [0, −2]]` everywhere.
#[inline]
pub fn hessian(_x: f64, _y: f64) -> [[f64; 2]; 2] {
    [[2.0, 0.0], [0.0, -2.0]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::test_support::derivative_tests;

    derivative_tests!();

    #[test]
    fn origin_is_a_saddle_not_a_minimum() {
        assert!(MINIMA.is_empty());
        assert_eq!(gradient(0.0, 0.0), [0.0, 0.0]);
        assert!(value(0.0, 1.0) < value(0.0, 0.0) && value(1.0, 0.0) > value(0.0, 0.0));
    }

    #[test]
    fn known_values() {
        // PyTorch's start (1, 0.01) (s008): 1 − 0.0001.
        assert_eq!(value(1.0, 0.01), 1.0 - 0.01 * 0.01);
        assert_eq!(value(2.0, 2.0), 0.0);
    }
}
