//! # Rotated ill-conditioned quadratic
//!
//! ```text
//! f(x, y) = ½·(u² + κ·v²),   u =  x·cos θ + y·sin θ,
//!                            v = −x·sin θ + y·cos θ
//! ```
//!
//! `(u, v) = R(θ)ᵀ·(x, y)` are the coordinates of the point in axes rotated by θ
//! counter-clockwise, so the bowl's shallow axis (curvature 1) points along `(cos θ, sin θ)` and
//! its steep axis (curvature κ) along `(−sin θ, cos θ)`. The Hessian is the constant
//! `R(θ)·diag(1, κ)·R(θ)ᵀ` and its condition number is `max(κ, 1/κ)`. The global minimum is
//! `f(0, 0) = 0`. Viewed on `[-4, 4]²`.
//!
//! The sign convention is the one of the PyTorch reference traces
//! (`tests/fixtures/torch_traces.json`, e.g. case `s007` with κ = 100, θ = −0.3 and start (3, 2),
//! loss 393.81353…): the opposite rotation gives 58.4159… there. The tests check it.
//!
//! Reference: the model problem of convergence analyses of gradient descent and momentum, e.g.
//! J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006), §3.3, and
//! G. Goh, "Why momentum really works", *Distill* (2017).

use super::{Surface, SurfaceInfo, ViewBox};

/// The view `[-4, 4]²`.
pub const VIEW_BOX: ViewBox = ViewBox {
    x_min: -4.0,
    x_max: 4.0,
    y_min: -4.0,
    y_max: 4.0,
};

/// The global minimiser `(0, 0)`.
pub const MINIMA: [[f64; 2]; 1] = [[0.0, 0.0]];

/// f at the minimiser.
pub const MIN_VALUE: f64 = 0.0;

/// An ill-conditioned bowl spans decades: a logarithmic colour scale shows its floor.
pub const LOG_SCALE: bool = true;

/// The surface in the registry.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "quadratic",
    title: "Quadratic",
    view_box: VIEW_BOX,
    minima: &MINIMA,
    min_value: Some(MIN_VALUE),
    log_scale: LOG_SCALE,
};

/// Curvature ratio κ when a scenario gives none.
pub const DEFAULT_KAPPA: f64 = 10.0;

/// Rotation θ (radians) when a scenario gives none.
pub const DEFAULT_ANGLE: f64 = 0.0;

/// Smallest accepted κ.
pub const KAPPA_MIN: f64 = 1e-6;

/// Largest accepted κ.
pub const KAPPA_MAX: f64 = 1e6;

/// The quadratic for one (κ, θ), with `cos θ` and `sin θ` computed once.
///
/// [`super::SurfaceSpec`] builds one per evaluation; a loop evaluating a fixed quadratic many
/// times can build it once instead and save the `sin_cos`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quadratic {
    /// Curvature κ along the steep axis (the shallow axis has curvature 1).
    pub kappa: f64,
    /// cos θ.
    pub cos: f64,
    /// sin θ.
    pub sin: f64,
}

impl Quadratic {
    /// The quadratic with curvature ratio `kappa` rotated by `angle` radians.
    #[inline]
    pub fn new(kappa: f64, angle: f64) -> Self {
        let (sin, cos) = libm::sincos(angle);
        Quadratic { kappa, cos, sin }
    }

    /// The rotated coordinates `(u, v) = (x·cos θ + y·sin θ, −x·sin θ + y·cos θ)`.
    #[inline]
    pub fn rotated(&self, x: f64, y: f64) -> (f64, f64) {
        (x * self.cos + y * self.sin, -x * self.sin + y * self.cos)
    }

    /// `f(x, y) = ½·(u² + κ·v²)`.
    #[inline]
    pub fn value(&self, x: f64, y: f64) -> f64 {
        let (u, v) = self.rotated(x, y);
        0.5 * (u * u + self.kappa * v * v)
    }

    /// `∇f = u·∇u + κv·∇v = [u·cos θ − κv·sin θ, u·sin θ + κv·cos θ]` (chain rule, as autograd
    /// computes it).
    #[inline]
    pub fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        let (u, v) = self.rotated(x, y);
        let kv = self.kappa * v;
        [u * self.cos - kv * self.sin, u * self.sin + kv * self.cos]
    }

    /// `∇²f = ∇u∇uᵀ + κ·∇v∇vᵀ = [[cos²θ + κ sin²θ, (1 − κ) sin θ cos θ],
    /// [(1 − κ) sin θ cos θ, sin²θ + κ cos²θ]]`, constant.
    #[inline]
    pub fn hessian(&self) -> [[f64; 2]; 2] {
        let (c, s, k) = (self.cos, self.sin, self.kappa);
        let f_xy = (1.0 - k) * s * c;
        [[c * c + k * s * s, f_xy], [f_xy, s * s + k * c * c]]
    }
}

impl Surface for Quadratic {
    #[inline]
    fn value(&self, x: f64, y: f64) -> f64 {
        Quadratic::value(self, x, y)
    }

    #[inline]
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        Quadratic::gradient(self, x, y)
    }

    #[inline]
    fn hessian(&self, _x: f64, _y: f64) -> [[f64; 2]; 2] {
        Quadratic::hessian(self)
    }

    fn view_box(&self) -> ViewBox {
        VIEW_BOX
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        MINIMA.to_vec()
    }

    fn log_scale(&self) -> bool {
        LOG_SCALE
    }
}

/// `f(x, y)` for curvature ratio `kappa` and rotation `angle` (see [`Quadratic::value`]).
#[inline]
pub fn value(x: f64, y: f64, kappa: f64, angle: f64) -> f64 {
    Quadratic::new(kappa, angle).value(x, y)
}

/// `∇f(x, y)` for curvature ratio `kappa` and rotation `angle` (see [`Quadratic::gradient`]).
#[inline]
pub fn gradient(x: f64, y: f64, kappa: f64, angle: f64) -> [f64; 2] {
    Quadratic::new(kappa, angle).gradient(x, y)
}

/// `∇²f` for curvature ratio `kappa` and rotation `angle` (see [`Quadratic::hessian`]).
#[inline]
pub fn hessian(_x: f64, _y: f64, kappa: f64, angle: f64) -> [[f64; 2]; 2] {
    Quadratic::new(kappa, angle).hessian()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::test_support::{
        assert_relative, check_gradient, check_hessian, torch_surface_cases,
    };
    use crate::objective::surfaces::SurfaceSpec;
    use proptest::prelude::*;
    use std::f64::consts::PI;

    proptest! {
        #[test]
        fn gradient_matches_finite_differences(
            x in VIEW_BOX.x_min..VIEW_BOX.x_max,
            y in VIEW_BOX.y_min..VIEW_BOX.y_max,
            log_kappa in -3.0..3.0_f64,
            angle in -PI..PI,
        ) {
            let q = Quadratic::new(libm::pow(10f64, log_kappa), angle);
            check_gradient(|x, y| q.value(x, y), |x, y| q.gradient(x, y), x, y)?;
        }

        #[test]
        fn hessian_matches_finite_differences_of_gradient(
            x in VIEW_BOX.x_min..VIEW_BOX.x_max,
            y in VIEW_BOX.y_min..VIEW_BOX.y_max,
            log_kappa in -3.0..3.0_f64,
            angle in -PI..PI,
        ) {
            let q = Quadratic::new(libm::pow(10f64, log_kappa), angle);
            check_hessian(|x, y| q.gradient(x, y), |_, _| q.hessian(), x, y)?;
        }

        #[test]
        fn value_is_half_the_hessian_form(
            x in VIEW_BOX.x_min..VIEW_BOX.x_max,
            y in VIEW_BOX.y_min..VIEW_BOX.y_max,
            log_kappa in -3.0..3.0_f64,
            angle in -PI..PI,
        ) {
            let q = Quadratic::new(libm::pow(10f64, log_kappa), angle);
            let h = q.hessian();
            let form = 0.5 * (h[0][0] * x * x + 2.0 * h[0][1] * x * y + h[1][1] * y * y);
            let scale = 1.0 + q.kappa.max(1.0) * (x * x + y * y);
            prop_assert!((q.value(x, y) - form).abs() <= 1e-13 * scale);
        }
    }

    #[test]
    fn minimum_is_zero_and_stationary() {
        let q = Quadratic::new(100.0, -0.3);
        for [x, y] in MINIMA {
            assert_eq!(q.value(x, y), MIN_VALUE);
            assert_eq!(q.gradient(x, y), [0.0, 0.0]);
        }
    }

    #[test]
    fn axes_have_curvatures_one_and_kappa() {
        let (kappa, angle) = (25.0, 0.7);
        let q = Quadratic::new(kappa, angle);
        let shallow = [libm::cos(angle), libm::sin(angle)];
        let steep = [-libm::sin(angle), libm::cos(angle)];
        assert!((q.value(shallow[0], shallow[1]) - 0.5).abs() <= 1e-14);
        assert!((q.value(steep[0], steep[1]) - 0.5 * kappa).abs() <= 1e-13);
        // Unrotated, it is ½(x² + κy²).
        assert_eq!(value(2.0, 3.0, kappa, 0.0), 0.5 * (4.0 + kappa * 9.0));
        assert_eq!(hessian(0.0, 0.0, kappa, 0.0), [[1.0, 0.0], [0.0, kappa]]);
    }

    /// The rotation direction is fixed by PyTorch's step-0 losses: every quadratic case of the
    /// reference traces (κ = 100, θ = −0.3 and κ = 10, θ = 0.5, from (3, 2)) matches to 1e-12
    /// relative, and the opposite rotation (θ → −θ) matches none.
    #[test]
    fn rotation_direction_follows_the_pytorch_traces() {
        let mut checked = 0;
        for file in ["torch_traces.json", "torch_traces_lbfgs.json"] {
            for case in torch_surface_cases(file) {
                let SurfaceSpec::Quadratic { kappa, angle } = case.spec else {
                    continue;
                };
                let [x, y] = case.start;
                assert_relative(&case.id, value(x, y, kappa, angle), case.start_loss, 1e-12);
                let opposite = value(x, y, kappa, -angle);
                assert!(
                    (opposite - case.start_loss).abs() > 1e-3 * case.start_loss,
                    "{}",
                    case.id
                );
                checked += 1;
            }
        }
        assert!(
            checked >= 6,
            "only {checked} quadratic cases in the fixtures"
        );
    }

    /// PyTorch's first SGD step (Nesterov, μ = 0.9) on κ = 100, θ = −0.3 (case s007): the buffer
    /// starts at g, so p₁ = p₀ − lr·(1 + μ)·∇f(p₀). This pins the gradient's rotation as well.
    #[test]
    fn first_nesterov_step_matches_pytorch() {
        let cases = torch_surface_cases("torch_traces.json");
        let case = cases
            .iter()
            .find(|c| c.id.starts_with("s007"))
            .expect("case s007");
        let SurfaceSpec::Quadratic { kappa, angle } = case.spec else {
            panic!("s007 is a quadratic");
        };
        let (lr, momentum) = (0.003, 0.9);
        let [x, y] = case.start;
        let g = gradient(x, y, kappa, angle);
        for ((p0, p1), g) in case.start.iter().zip(case.after_first_step).zip(g) {
            let expected = p0 - lr * (g + momentum * g);
            assert!((expected - p1).abs() <= 1e-13, "{expected} vs PyTorch {p1}");
        }
    }
}
