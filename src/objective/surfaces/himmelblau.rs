//! # Himmelblau function
//!
//! ```text
//! f(x, y) = (x² + y − 11)² + (x + y² − 7)²
//! ```
//!
//! Four global minima, all with `f = 0`: `(3, 2)` exactly, and three irrational ones,
//! `(−2.805118…, 3.131312…)`, `(−3.779310…, −3.283186…)` and `(3.584428…, −1.848126…)`, given
//! here to full double precision (roots of the gradient, refined by Newton's method in 40-digit
//! arithmetic). A local maximum `f(−0.270845, −0.923039) ≈ 181.617` sits between them. Viewed on
//! `[-5, 5]²`.
//!
//! Reference: D. M. Himmelblau, *Applied Nonlinear Programming*, McGraw-Hill (1972).

use super::{SurfaceInfo, ViewBox};

/// The usual domain `[-5, 5]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -5.0,
    x_max: 5.0,
    y_min: -5.0,
    y_max: 5.0,
};

/// The four global minimisers, to double precision.
pub const MINIMA: [[f64; 2]; 4] = [
    [3.0, 2.0],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.2831859912861696],
    [3.5844283403304917, -1.8481265269644036],
];

/// f at every minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// Four wells of value 0 between walls near 900: a logarithmic colour scale shows them.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "himmelblau",
    title: "Himmelblau",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// `f(x, y) = (x² + y − 11)² + (x + y² − 7)²`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let p = x * x + y - 11.0;
    let q = x + y * y - 7.0;
    p * p + q * q
}

/// `∇f = [4x(x² + y − 11) + 2(x + y² − 7), 2(x² + y − 11) + 4y(x + y² − 7)]`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let p = x * x + y - 11.0;
    let q = x + y * y - 7.0;
    [4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = [[12x² + 4y − 42, 4x + 4y], [4x + 4y, 4x + 12y² − 26]]`.
#[inline]
pub fn hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    let f_xy = 4.0 * (x + y);
    [
        [12.0 * x * x + 4.0 * y - 42.0, f_xy],
        [f_xy, 4.0 * x + 12.0 * y * y - 26.0],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::test_support::derivative_tests;

    derivative_tests!();

    #[test]
    fn four_minima_are_zero_and_stationary() {
        for [x, y] in MINIMA {
            assert!(value(x, y) <= 1e-28, "f{:?} = {}", [x, y], value(x, y));
            let [gx, gy] = gradient(x, y);
            assert!(
                gx.abs() <= 1e-13 && gy.abs() <= 1e-13,
                "∇f{:?} = {:?}",
                [x, y],
                [gx, gy]
            );
            let h = hessian(x, y);
            let determinant = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            assert!(
                h[0][0] > 0.0 && determinant > 0.0,
                "not a minimum at {:?}",
                [x, y]
            );
        }
    }

    #[test]
    fn known_values() {
        // PyTorch's start (0.5, −1) (s000): (−11.75)² + (−5.5)² = 168.3125.
        assert_eq!(value(0.5, -1.0), 168.3125);
        assert_eq!(value(0.0, 0.0), 170.0);
    }
}
