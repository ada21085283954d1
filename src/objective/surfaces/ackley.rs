//! # Ackley function (two variables, a = 20, b = 0.2, c = 2π)
//!
//! ```text
//! f(x, y) = −a·exp(−b·r) − exp(½(cos cx + cos cy)) + a + e,   r = √(½(x² + y²))
//! ```
//!
//! A nearly flat, rippled plateau with a deep funnel at the origin. The global minimum is
//! `f(0, 0) = 0`. Viewed on `[-5, 5]²`.
//!
//! ## The origin
//!
//! The first term is a cone in `r`: its gradient `a·b·exp(−b·r)·∇r` has length `a·b/√2` on every
//! ray, so ∇f has no limit at the origin, and its Hessian grows like `1/r`. Where `r` is zero (or
//! so small that `1/r` would overflow) this module returns, finite and never NaN:
//!
//! * gradient `[0, 0]`, the subgradient of least norm — the origin is the minimum;
//! * Hessian `(2π²e − a·b²/2)·I ≈ 53.26·I`: the cosine term's Hessian plus the cone's curvature
//!   along the ray, `½·∂²(−a·exp(−b·r))/∂r²`, in every direction. The cone's unbounded curvature
//!   across the ray is left out, so Newton's method takes a zero step at the minimum.
//!
//! Reference: D. H. Ackley, *A Connectionist Machine for Genetic Hillclimbing*, Kluwer (1987);
//! the form and constants of S. Surjanovic and D. Bingham, *Virtual Library of Simulation
//! Experiments* (<https://www.sfu.ca/~ssurjano/ackley.html>), with d = 2.

use super::{SurfaceInfo, ViewBox};
use std::f64::consts::{E, PI};

/// The view `[-5, 5]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -5.0,
    x_max: 5.0,
    y_min: -5.0,
    y_max: 5.0,
};

/// The global minimiser `(0, 0)`.
pub const MINIMA: [[f64; 2]; 1] = [[0.0, 0.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// The plateau's ripples span a narrow band of values: a linear colour scale shows them.
pub const LOG_SCALE: bool = false;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "ackley",
    title: "Ackley",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// Depth a of the funnel.
pub const A: f64 = 20.0;
/// Decay rate b of the funnel.
pub const B: f64 = 0.2;
/// Angular frequency c of the ripples.
pub const C: f64 = 2.0 * PI;

/// `f(x, y) = −a·exp(−b·√(½(x² + y²))) − exp(½(cos cx + cos cy)) + a + e`.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let r = (0.5 * (x * x + y * y)).sqrt();
    -A * libm::exp(-B * r) - libm::exp(0.5 * (libm::cos(C * x) + libm::cos(C * y))) + E + A
}

/// The radius `r = √(½(x² + y²))`, or `None` where it is too small for `1/r` to be finite.
#[inline]
fn radius(x: f64, y: f64) -> Option<f64> {
    let r = (0.5 * (x * x + y * y)).sqrt();
    // Below the smallest normal number, 1/r overflows (and x² + y² may underflow to 0).
    (r >= f64::MIN_POSITIVE).then_some(r)
}

/// `∇f = a·b·exp(−b·r)·∇r + (c/2)·exp(½(cos cx + cos cy))·[sin cx, sin cy]`, with
/// `∇r = [x, y]/(2r)`; `[0, 0]` at the origin (see the module doc).
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let Some(r) = radius(x, y) else {
        return [0.0, 0.0];
    };
    // d/dr of −a·exp(−b·r).
    let cone_slope = A * B * libm::exp(-B * r);
    let ripple = libm::exp(0.5 * (libm::cos(C * x) + libm::cos(C * y)));
    [
        cone_slope * (0.5 * x / r) + 0.5 * C * libm::sin(C * x) * ripple,
        cone_slope * (0.5 * y / r) + 0.5 * C * libm::sin(C * y) * ripple,
    ]
}

/// `(f, ∇f)` together, sharing the square root, exponentials and cosines; bit-for-bit the
/// results of [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    let r = (0.5 * (x * x + y * y)).sqrt();
    let decay = libm::exp(-B * r);
    let (sin_x, cos_x) = libm::sincos(C * x);
    let (sin_y, cos_y) = libm::sincos(C * y);
    let ripple = libm::exp(0.5 * (cos_x + cos_y));
    let f = -A * decay - ripple + E + A;
    if r < f64::MIN_POSITIVE {
        return (f, [0.0, 0.0]);
    }
    let cone_slope = A * B * decay;
    let g = [
        cone_slope * (0.5 * x / r) + 0.5 * C * sin_x * ripple,
        cone_slope * (0.5 * y / r) + 0.5 * C * sin_y * ripple,
    ];
    (f, g)
}

/// `∇²f = p″·∇r∇rᵀ + p′·(½I − ∇r∇rᵀ)/r + ∇²(ripples)`, where `p(r) = −a·exp(−b·r)` and the
/// ripple term `−exp(s)`, `s = ½(cos cx + cos cy)`, has `∂²/∂x² = exp(s)·(½c²·cos cx −
/// ¼c²·sin² cx)` and `∂²/∂x∂y = −¼c²·sin cx·sin cy·exp(s)`; at the origin the finite choice of the
/// module doc.
#[inline]
pub fn hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    let (sin_x, cos_x) = libm::sincos(C * x);
    let (sin_y, cos_y) = libm::sincos(C * y);
    let ripple = libm::exp(0.5 * (cos_x + cos_y));
    let quarter_c2 = 0.25 * C * C;
    let ripple_xx = ripple * (2.0 * quarter_c2 * cos_x - quarter_c2 * sin_x * sin_x);
    let ripple_yy = ripple * (2.0 * quarter_c2 * cos_y - quarter_c2 * sin_y * sin_y);
    let ripple_xy = -quarter_c2 * sin_x * sin_y * ripple;
    let Some(r) = radius(x, y) else {
        // |∇r|² = ½, so the curvature along any ray is ½·p″(0) = −a·b²/2.
        let along_ray = -0.5 * A * B * B;
        return [
            [ripple_xx + along_ray, ripple_xy],
            [ripple_xy, ripple_yy + along_ray],
        ];
    };
    let decay = libm::exp(-B * r);
    let slope = A * B * decay; // p′(r)
    let bend = -A * B * B * decay; // p″(r)
    let (rx, ry) = (0.5 * x / r, 0.5 * y / r); // ∇r, bounded by 1/√2
    let f_xx = bend * rx * rx + slope * (0.5 - rx * rx) / r + ripple_xx;
    let f_yy = bend * ry * ry + slope * (0.5 - ry * ry) / r + ripple_yy;
    let f_xy = bend * rx * ry - slope * rx * ry / r + ripple_xy;
    [[f_xx, f_xy], [f_xy, f_yy]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::test_support::{check_gradient, check_hessian};
    use proptest::prelude::*;

    proptest! {
        // The stencil (±2·10⁻³) must stay well clear of the cone's tip, where the derivatives of
        // the 1/r terms make its O(h⁴) error large.
        #[test]
        fn gradient_matches_finite_differences(
            x in VIEW_BOX.x_min..VIEW_BOX.x_max,
            y in VIEW_BOX.y_min..VIEW_BOX.y_max,
        ) {
            prop_assume!(libm::hypot(x, y) > 0.2);
            check_gradient(value, gradient, x, y)?;
        }

        #[test]
        fn hessian_matches_finite_differences_of_gradient(
            x in VIEW_BOX.x_min..VIEW_BOX.x_max,
            y in VIEW_BOX.y_min..VIEW_BOX.y_max,
        ) {
            prop_assume!(libm::hypot(x, y) > 0.2);
            check_hessian(gradient, hessian, x, y)?;
        }

        #[test]
        fn fused_value_and_gradient_is_bitwise_the_same(
            x in VIEW_BOX.x_min..VIEW_BOX.x_max,
            y in VIEW_BOX.y_min..VIEW_BOX.y_max,
        ) {
            prop_assert_eq!(value_and_gradient(x, y), (value(x, y), gradient(x, y)));
            prop_assert_eq!(value_and_gradient(x * 1e-9, y), (value(x * 1e-9, y), gradient(x * 1e-9, y)));
        }

        #[test]
        fn finite_near_the_origin(x in -1e-3..1e-3_f64, y in -1e-3..1e-3_f64) {
            let h = hessian(x, y);
            prop_assert!(value(x, y).is_finite());
            prop_assert!(gradient(x, y).iter().all(|g| g.is_finite()));
            prop_assert!(h.iter().flatten().all(|h| h.is_finite()));
            prop_assert_eq!(h[0][1], h[1][0]);
        }
    }

    #[test]
    fn minimum_is_zero_and_stationary() {
        for [x, y] in MINIMA {
            assert!((value(x, y) - MIN_VALUE).abs() <= 1e-14, "{}", value(x, y));
            assert_eq!(gradient(x, y), [0.0, 0.0]);
        }
    }

    #[test]
    fn origin_has_the_documented_finite_hessian() {
        let expected = 2.0 * PI * PI * E - 0.4;
        let h = hessian(0.0, 0.0);
        assert!((h[0][0] - expected).abs() <= 1e-12 && (h[1][1] - expected).abs() <= 1e-12);
        assert_eq!((h[0][1], h[1][0]), (0.0, 0.0));
        assert!((expected - 53.2565).abs() < 1e-3);
        // Along an axis, where the cone's cross-ray curvature does not enter f_xx, the Hessian
        // tends to the same value.
        let near = hessian(1e-6, 0.0);
        assert!(
            (near[0][0] - expected).abs() <= 1e-6,
            "{}",
            near[0][0] - expected
        );
    }

    #[test]
    fn never_nan_at_tiny_radii() {
        for (x, y) in [
            (0.0, 0.0),
            (-0.0, 0.0),
            (1e-300, 0.0),
            (5e-324, -5e-324),
            (0.0, 1e-160),
        ] {
            assert!(value(x, y).is_finite());
            assert!(gradient(x, y).iter().all(|g| g.is_finite()), "∇f({x}, {y})");
            assert_eq!(value_and_gradient(x, y), (value(x, y), gradient(x, y)));
            assert!(
                hessian(x, y).iter().flatten().all(|h| h.is_finite()),
                "∇²f({x}, {y})"
            );
        }
    }

    #[test]
    fn known_values() {
        // Away from the origin the cone's slope has length a·b/√2 on every ray.
        let [gx, gy] = gradient(1.0, 0.0);
        let expected_slope = A * B * libm::exp(-B / 2.0_f64.sqrt()) / 2.0_f64.sqrt();
        assert!(
            (gx - expected_slope).abs() <= 1e-12 && gy.abs() <= 1e-12,
            "{gx} {gy}"
        );
    }
}
