//! # Beale function
//!
//! ```text
//! f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²
//! ```
//!
//! A sum of three squared residuals `rₖ = cₖ − x(1 − yᵏ)` with `c = (1.5, 2.25, 2.625)`. The
//! global minimum is `f(3, 0.5) = 0`, in a narrow curved trough; the corners of the usual domain
//! `[-4.5, 4.5]²` climb to about 1.8·10⁵.
//!
//! Reference: E. M. L. Beale, "On an iterative method for finding a local minimum of a function
//! of more than one variable", Technical Report 25, Statistical Techniques Research Group,
//! Princeton University (1958); test function 5 of J. J. Moré, B. S. Garbow and K. E. Hillstrom,
//! "Testing unconstrained optimization software", *ACM TOMS* 7(1), 17–41 (1981).

use super::{SurfaceInfo, ViewBox};

/// The usual domain `[-4.5, 4.5]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -4.5,
    x_max: 4.5,
    y_min: -4.5,
    y_max: 4.5,
};

/// The global minimiser `(3, 0.5)`.
pub const MINIMA: [[f64; 2]; 1] = [[3.0, 0.5]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// Values span five decades over the view: a logarithmic colour scale shows the trough.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "beale",
    title: "Beale",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// The residuals `[r₁, r₂, r₃]`, `rₖ = cₖ − x + x·yᵏ`.
#[inline]
fn residuals(x: f64, y: f64) -> [f64; 3] {
    let y2 = y * y;
    [1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y]
}

/// `f(x, y) = r₁² + r₂² + r₃²`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let [r1, r2, r3] = residuals(x, y);
    r1 * r1 + r2 * r2 + r3 * r3
}

/// `∇f = 2·Σₖ rₖ·∇rₖ` with `∂rₖ/∂x = yᵏ − 1` and `∂rₖ/∂y = k·x·yᵏ⁻¹`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let [r1, r2, r3] = residuals(x, y);
    let y2 = y * y;
    let y3 = y2 * y;
    [
        2.0 * (r1 * (y - 1.0) + r2 * (y2 - 1.0) + r3 * (y3 - 1.0)),
        2.0 * (r1 * x + r2 * 2.0 * x * y + r3 * 3.0 * x * y2),
    ]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = 2·Σₖ (∇rₖ∇rₖᵀ + rₖ∇²rₖ)`, where `∂²rₖ/∂x² = 0`, `∂²rₖ/∂x∂y = k·yᵏ⁻¹` and
/// `∂²rₖ/∂y² = k(k − 1)·x·yᵏ⁻²`.
#[inline]
pub fn hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    let [r1, r2, r3] = residuals(x, y);
    let y2 = y * y;
    let y3 = y2 * y;
    // ∂rₖ/∂x and ∂rₖ/∂y.
    let (d1x, d2x, d3x) = (y - 1.0, y2 - 1.0, y3 - 1.0);
    let (d1y, d2y, d3y) = (x, 2.0 * x * y, 3.0 * x * y2);
    let f_xx = 2.0 * (d1x * d1x + d2x * d2x + d3x * d3x);
    let f_xy = 2.0 * (d1x * d1y + r1 + d2x * d2y + r2 * 2.0 * y + d3x * d3y + r3 * 3.0 * y2);
    let f_yy = 2.0 * (d1y * d1y + d2y * d2y + r2 * 2.0 * x + d3y * d3y + r3 * 6.0 * x * y);
    [[f_xx, f_xy], [f_xy, f_yy]]
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
        // PyTorch's start (1, 1.5) (s002): residuals 2, 3.5, 5 → 4 + 12.25 + 25 = 41.25.
        assert_eq!(value(1.0, 1.5), 41.25);
        // At x = 0 and at y = 1 every residual is its constant cₖ.
        assert_eq!(value(0.0, 0.0), 1.5 * 1.5 + 2.25 * 2.25 + 2.625 * 2.625);
        assert_eq!(value(1.0, 1.0), value(0.0, 0.0));
    }
}
