//! # Goldstein–Price function
//!
//! ```text
//! f(x, y) = [1 + (x + y + 1)²·(19 − 14x + 3x² − 14y + 6xy + 3y²)]
//!         · [30 + (2x − 3y)²·(18 − 32x + 12x² + 48y − 36xy + 27y²)]
//! ```
//!
//! A degree-8 polynomial, written here `f = F·G` with `F = 1 + a²·P`, `a = x + y + 1` and
//! `G = 30 + b²·Q`, `b = 2x − 3y` (P and Q the quadratics above). The global minimum is
//! `f(0, −1) = 3`; there are local minima at `(−0.6, −0.4)` (f = 30), `(1.8, 0.2)` (f = 84) and
//! `(1.2, 0.8)` (f = 840). Values reach about 10⁶ on the usual domain `[-2, 2]²`.
//!
//! Reference: A. A. Goldstein and J. F. Price, "On descent from local minima", *Mathematics of
//! Computation* 25(115), 569–574 (1971); S. Surjanovic and D. Bingham, *Virtual Library of
//! Simulation Experiments* (<https://www.sfu.ca/~ssurjano/goldpr.html>).

use super::{SurfaceInfo, ViewBox};

/// The usual domain `[-2, 2]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -2.0,
    x_max: 2.0,
    y_min: -2.0,
    y_max: 2.0,
};

/// The global minimiser `(0, −1)`.
pub const MINIMA: [[f64; 2]; 1] = [[0.0, -1.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 3.0;

/// Values span six decades: a logarithmic colour scale shows the basins.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "goldstein_price",
    title: "Goldstein–Price",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// The two factors and their ingredients, shared by f and its derivatives.
struct Factors {
    /// a = x + y + 1.
    a: f64,
    /// P = 19 − 14x + 3x² − 14y + 6xy + 3y².
    p: f64,
    /// ∂P/∂x = ∂P/∂y = −14 + 6x + 6y.
    p_d: f64,
    /// F = 1 + a²·P.
    f: f64,
    /// b = 2x − 3y.
    b: f64,
    /// Q = 18 − 32x + 12x² + 48y − 36xy + 27y².
    q: f64,
    /// ∂Q/∂x = −32 + 24x − 36y.
    q_x: f64,
    /// ∂Q/∂y = 48 − 36x + 54y.
    q_y: f64,
    /// G = 30 + b²·Q.
    g: f64,
}

#[inline]
fn factors(x: f64, y: f64) -> Factors {
    let a = x + y + 1.0;
    let p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y;
    let b = 2.0 * x - 3.0 * y;
    let q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y;
    Factors {
        a,
        p,
        p_d: -14.0 + 6.0 * x + 6.0 * y,
        f: 1.0 + a * a * p,
        b,
        q,
        q_x: -32.0 + 24.0 * x - 36.0 * y,
        q_y: 48.0 - 36.0 * x + 54.0 * y,
        g: 30.0 + b * b * q,
    }
}

/// First derivatives of the factors: `(F_x = F_y, G_x, G_y)`.
///
/// `F_x = F_y = 2a·P + a²·∂P/∂x` (since ∂a/∂x = ∂a/∂y = 1 and ∂P/∂x = ∂P/∂y);
/// `G_x = 4b·Q + b²·∂Q/∂x` and `G_y = −6b·Q + b²·∂Q/∂y` (since ∂b/∂x = 2, ∂b/∂y = −3).
#[inline]
fn factor_slopes(k: &Factors) -> (f64, f64, f64) {
    let f_d = 2.0 * k.a * k.p + k.a * k.a * k.p_d;
    let g_x = 4.0 * k.b * k.q + k.b * k.b * k.q_x;
    let g_y = -6.0 * k.b * k.q + k.b * k.b * k.q_y;
    (f_d, g_x, g_y)
}

/// `f(x, y) = F·G`, the product of the two bracketed factors.
#[inline]
pub fn value(x: f64, y: f64) -> f64 {
    let k = factors(x, y);
    k.f * k.g
}

/// `∇f = [F_x·G + F·G_x, F_y·G + F·G_y]` (product rule), with the factor slopes of
/// `factor_slopes`.
#[inline]
pub fn gradient(x: f64, y: f64) -> [f64; 2] {
    let k = factors(x, y);
    let (f_d, g_x, g_y) = factor_slopes(&k);
    [f_d * k.g + k.f * g_x, f_d * k.g + k.f * g_y]
}

/// `(f, ∇f)` in one call (the optimizer's hot path): bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(x: f64, y: f64) -> (f64, [f64; 2]) {
    (value(x, y), gradient(x, y))
}

/// `∇²f = ∇²F·G + ∇F∇Gᵀ + ∇G∇Fᵀ + F·∇²G`, where every entry of ∇²F is
/// `2P + 4a·∂P/∂x + 6a²`, and `G_xx = 8Q + 8b·Q_x + 24b²`,
/// `G_xy = −12Q + 4b·Q_y − 6b·Q_x − 36b²`, `G_yy = 18Q − 12b·Q_y + 54b²`.
#[inline]
pub fn hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    let k = factors(x, y);
    let (f_d, g_x, g_y) = factor_slopes(&k);
    let f_dd = 2.0 * k.p + 4.0 * k.a * k.p_d + 6.0 * k.a * k.a;
    let b2 = k.b * k.b;
    let g_xx = 8.0 * k.q + 8.0 * k.b * k.q_x + 24.0 * b2;
    let g_xy = -12.0 * k.q + 4.0 * k.b * k.q_y - 6.0 * k.b * k.q_x - 36.0 * b2;
    let g_yy = 18.0 * k.q - 12.0 * k.b * k.q_y + 54.0 * b2;
    let h_xx = f_dd * k.g + 2.0 * f_d * g_x + k.f * g_xx;
    let h_xy = f_dd * k.g + f_d * g_y + f_d * g_x + k.f * g_xy;
    let h_yy = f_dd * k.g + 2.0 * f_d * g_y + k.f * g_yy;
    [[h_xx, h_xy], [h_xy, h_yy]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::test_support::derivative_tests;

    derivative_tests!();

    #[test]
    fn minimum_is_three_and_stationary() {
        for [x, y] in MINIMA {
            assert_eq!(value(x, y), MIN_VALUE);
            assert_eq!(gradient(x, y), [0.0, 0.0]);
        }
    }

    #[test]
    fn local_minima() {
        for ([x, y], f) in [
            ([-0.6, -0.4], 30.0),
            ([1.8, 0.2], 84.0),
            ([1.2, 0.8], 840.0),
        ] {
            assert!(
                (value(x, y) - f).abs() <= 1e-10 * f,
                "f({x}, {y}) = {}",
                value(x, y)
            );
            let [gx, gy] = gradient(x, y);
            assert!(
                gx.abs() <= 1e-9 * f && gy.abs() <= 1e-9 * f,
                "∇f({x}, {y}) = {gx}, {gy}"
            );
        }
    }

    #[test]
    fn known_values() {
        // PyTorch's start (0.5, −1.5) (s001): F = 1 + 0·P = 1, G = 30 + 5.5²·Q = 657.6875.
        assert_eq!(value(0.5, -1.5), 657.6875);
        assert_eq!(value(0.0, 0.0), 600.0);
    }
}
