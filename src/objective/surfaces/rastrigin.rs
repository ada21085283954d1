//! # Rastrigin function (two variables, A = 10)
//!
//! ```text
//! f(x, y) = 2A + (x² − A·cos 2πx) + (y² − A·cos 2πy),   A = 10
//! ```
//!
//! A bowl covered in a regular grid of local minima near the integer points. The global minimum
//! is `f(0, 0) = 0`. Viewed on the usual domain `[-5.12, 5.12]²`.
//!
//! Reference: L. A. Rastrigin, *Systems of Extremal Control*, Nauka, Moscow (1974); the
//! n-dimensional form `A·n + Σᵢ (xᵢ² − A·cos 2πxᵢ)` of H. Mühlenbein, M. Schomisch and J. Born,
//! "The parallel genetic algorithm as function optimizer", *Parallel Computing* 17, 619–632
//! (1991), with n = 2.

use super::{SurfaceInfo, ViewBox};
use std::f64::consts::PI;

/// The usual domain `[-5.12, 5.12]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -5.12,
    x_max: 5.12,
    y_min: -5.12,
    y_max: 5.12,
};

/// The global minimiser `(0, 0)`.
pub const MINIMA: [[f64; 2]; 1] = [[0.0, 0.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// The ripples have the same height everywhere: a linear colour scale shows them evenly.
pub const LOG_SCALE: bool = false;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "rastrigin",
    title: "Rastrigin",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// The amplitude A of the cosine ripples.
pub const A: f64 = 10.0;

/// `f(x, y) = 2A + x² − A·cos 2πx + y² − A·cos 2πy`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    2.0 * A + (x * x - A * libm::cos(2.0 * PI * x)) + (y * y - A * libm::cos(2.0 * PI * y))
}

/// `∇f = [2x + 2πA·sin 2πx, 2y + 2πA·sin 2πy]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    [
        2.0 * x + 2.0 * PI * A * libm::sin(2.0 * PI * x),
        2.0 * y + 2.0 * PI * A * libm::sin(2.0 * PI * y),
    ]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = diag(2 + 4π²A·cos 2πx, 2 + 4π²A·cos 2πy)`: the variables are separate.
#[inline]
pub fn hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    let curvature = 4.0 * PI * PI * A;
    [
        [2.0 + curvature * libm::cos(2.0 * PI * x), 0.0],
        [0.0, 2.0 + curvature * libm::cos(2.0 * PI * y)],
    ]
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
        // Near every integer point there is a local minimum close to x² + y².
        assert!((value(1.0, 0.0) - 1.0).abs() <= 1e-12);
        assert!((value(0.5, 0.5) - (20.0 + 0.5 + 20.0)).abs() <= 1e-12);
    }
}
