//! Analytic 2-D test functions with exact gradients and Hessians.
//!
//! One file per function, after `argmin-testfunctions`: formula and minima in the module doc,
//! value, gradient and Hessian side by side, and its [`SurfaceInfo`]. [`SurfaceSpec`] is the serde
//! form used in scenarios (`{"kind":"surface","name":"rosenbrock"}`); it is generated from one
//! list (`surfaces!` below) and dispatches to the files without dynamic calls.

use super::Objective;
use crate::read::{Range, Refusal};
use serde::{Deserialize, Serialize};

pub mod ackley;
pub mod beale;
pub mod booth;
pub mod custom;
pub mod goldstein_price;
pub mod himmelblau;
pub mod matyas;
pub mod quadratic;
pub mod rastrigin;
pub mod rosenbrock;
pub mod saddle;
pub mod three_hump_camel;

#[cfg(test)]
mod test_support;

/// A rectangle of the plane `[x_min, x_max] × [y_min, y_max]`, the recommended view of a surface.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewBox {
    /// Left edge.
    pub x_min: f64,
    /// Right edge.
    pub x_max: f64,
    /// Bottom edge.
    pub y_min: f64,
    /// Top edge.
    pub y_max: f64,
}

/// A function of two variables with its analytic first and second derivatives.
pub trait Surface {
    /// f(x, y).
    fn value(&self, x: f64, y: f64) -> f64;
    /// ∇f(x, y) = [∂f/∂x, ∂f/∂y].
    fn gradient(&self, x: f64, y: f64) -> [f64; 2];
    /// The Hessian [[f_xx, f_xy], [f_yx, f_yy]].
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2];
    /// The view box the page opens on.
    fn view_box(&self) -> ViewBox;
    /// Known global minimisers (empty where there is none, e.g. the saddle).
    fn minima(&self) -> Vec<[f64; 2]>;
    /// Whether the heat map should use a logarithmic colour scale (the surface spans decades).
    fn log_scale(&self) -> bool;
}

/// What the registry knows of a surface without evaluating it; each surface's file defines its
/// own as `INFO`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceInfo {
    /// The scenario name (`"three_hump_camel"`): the serde tag of its [`SurfaceSpec`].
    pub name: &'static str,
    /// The name shown to people (`"Three-hump camel"`).
    pub title: &'static str,
    /// The view box the page opens on (for your own function, the default one).
    pub view_box: ViewBox,
    /// Known global minimisers (empty where there is none, e.g. the saddle).
    pub minima: &'static [[f64; 2]],
    /// The global minimum value, where it is known.
    pub min_value: Option<f64>,
    /// Whether the heat map should use a logarithmic colour scale (the surface spans decades).
    pub log_scale: bool,
}

/// Declares the surfaces from one list of the parameterless ones, one line each —
/// `Variant => module,` — each module holding `INFO`, `value`, `gradient`,
/// `value_and_gradient` and `hessian` of its function; the two surfaces with parameters, the
/// quadratic and your own function, follow the list in every `match`. It generates
/// [`SurfaceSpec`] (variant names in snake case are the scenario names; a test checks they are
/// the `INFO` names), [`SurfaceSpec::PLAIN`] and the dispatch of every method, so that
/// evaluation stays a `match`: no dynamic call, no allocation. Adding a surface: write its file
/// and tests, add one line to the list.
macro_rules! surfaces {
    ($( $(#[$doc:meta])* $variant:ident => $module:ident, )*) => {
        /// A 2-D test surface as written in a scenario: `{"name":"rosenbrock"}`,
        /// `{"name":"quadratic","kappa":100.0,"angle":-0.3}`.
        ///
        /// Names are the snake-case variant names; only [`SurfaceSpec::Quadratic`] and
        /// [`SurfaceSpec::Custom`] have parameters. Unknown names and unknown fields are refused,
        /// for every variant. `Deserialize` is written by hand (without serde's buffering of tagged
        /// enums) and reads the same JSON the derived `Serialize` writes.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "name", rename_all = "snake_case")]
        pub enum SurfaceSpec {
            $( $(#[$doc])* $variant, )*
            /// [`quadratic`]: `½(u² + κv²)` in axes rotated by `angle`.
            Quadratic {
                /// Curvature κ along the second rotated axis, the first having curvature 1
                /// (default 10; accepted 1e-6 ≤ κ ≤ 1e6).
                kappa: f64,
                /// Rotation θ of the axes in radians, counter-clockwise (default 0).
                angle: f64,
            },
            /// [`custom`]: a function of `x` and `y` typed by the user,
            /// `{"name":"custom","expr":"x^2 + 10*sin(y)","view":[-3,3,-3,3]}` — compiled once,
            /// exact derivatives. Not part of [`SurfaceSpec::all`] (it has no default).
            Custom {
                /// The expression, compiled when the spec is built (a parse error is reported by
                /// [`SurfaceSpec::validate`]).
                expr: custom::CustomExpr,
                /// The view box `[x_min, x_max, y_min, y_max]` (default `[-3, 3, -3, 3]`).
                #[serde(default, skip_serializing_if = "Option::is_none")]
                view: Option<[f64; 4]>,
            },
        }

        impl SurfaceSpec {
            /// The surfaces without parameters, in the order of the list.
            pub const PLAIN: &'static [SurfaceSpec] = &[ $( SurfaceSpec::$variant, )* ];

            /// What the registry knows of this surface.
            pub const fn info(&self) -> &'static SurfaceInfo {
                match self {
                    $( SurfaceSpec::$variant => &$module::INFO, )*
                    SurfaceSpec::Quadratic { .. } => &quadratic::INFO,
                    SurfaceSpec::Custom { .. } => &custom::INFO,
                }
            }

            /// `f(x, y)` at every `x` of `xs` into `out` — one row of a heat map — bit-for-bit
            /// [`Surface::value`], dispatched once per row instead of once per point (and the
            /// quadratic's `sin_cos` once per row).
            pub fn value_row(&self, y: f64, xs: &[f64], out: &mut [f64]) {
                #[inline(always)]
                fn fill(xs: &[f64], out: &mut [f64], f: impl Fn(f64) -> f64) {
                    for (o, &x) in out.iter_mut().zip(xs) {
                        *o = f(x);
                    }
                }
                match *self {
                    $( SurfaceSpec::$variant => fill(xs, out, |x| $module::value(x, y)), )*
                    SurfaceSpec::Quadratic { kappa, angle } => {
                        let q = quadratic::Quadratic::new(kappa, angle);
                        fill(xs, out, |x| q.value(x, y));
                    }
                    SurfaceSpec::Custom { ref expr, .. } => custom::value_row(expr, y, xs, out),
                }
            }

            /// `f` and `∇f` together, bit-for-bit [`Surface::value`] and [`Surface::gradient`]: one
            /// dispatch on the optimizer's hot path, each pair from its own module so the compiler
            /// shares their common terms (Ackley's transcendental functions and the quadratic's
            /// `sin_cos` are computed once).
            #[inline]
            pub fn value_and_gradient(&self, x: f64, y: f64) -> (f64, [f64; 2]) {
                match *self {
                    $( SurfaceSpec::$variant => $module::value_and_gradient(x, y), )*
                    SurfaceSpec::Quadratic { kappa, angle } => {
                        let q = quadratic::Quadratic::new(kappa, angle);
                        (q.value(x, y), q.gradient(x, y))
                    }
                    SurfaceSpec::Custom { ref expr, .. } => custom::value_and_gradient(expr, x, y),
                }
            }
        }

        impl Surface for SurfaceSpec {
            #[inline]
            fn value(&self, x: f64, y: f64) -> f64 {
                match *self {
                    $( SurfaceSpec::$variant => $module::value(x, y), )*
                    SurfaceSpec::Quadratic { kappa, angle } => quadratic::value(x, y, kappa, angle),
                    SurfaceSpec::Custom { ref expr, .. } => custom::value(expr, x, y),
                }
            }

            #[inline]
            fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
                match *self {
                    $( SurfaceSpec::$variant => $module::gradient(x, y), )*
                    SurfaceSpec::Quadratic { kappa, angle } => {
                        quadratic::gradient(x, y, kappa, angle)
                    }
                    SurfaceSpec::Custom { ref expr, .. } => custom::gradient(expr, x, y),
                }
            }

            #[inline]
            fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
                match *self {
                    $( SurfaceSpec::$variant => $module::hessian(x, y), )*
                    SurfaceSpec::Quadratic { kappa, angle } => {
                        quadratic::hessian(x, y, kappa, angle)
                    }
                    SurfaceSpec::Custom { ref expr, .. } => custom::hessian(expr, x, y),
                }
            }

            fn view_box(&self) -> ViewBox {
                match self {
                    SurfaceSpec::Custom { view, .. } => custom::view_box(*view),
                    _ => self.info().view_box,
                }
            }

            fn minima(&self) -> Vec<[f64; 2]> {
                self.info().minima.to_vec()
            }

            fn log_scale(&self) -> bool {
                self.info().log_scale
            }
        }
    };
}

surfaces! {
    /// [`rosenbrock`]: `(1 − x)² + 100(y − x²)²`.
    Rosenbrock => rosenbrock,
    /// [`beale`]: three squared residuals, minimum at (3, 0.5).
    Beale => beale,
    /// [`himmelblau`]: `(x² + y − 11)² + (x + y² − 7)²`, four minima.
    Himmelblau => himmelblau,
    /// [`booth`]: `(x + 2y − 7)² + (2x + y − 5)²`.
    Booth => booth,
    /// [`matyas`]: `0.26(x² + y²) − 0.48xy`.
    Matyas => matyas,
    /// [`three_hump_camel`]: `2x² − 1.05x⁴ + x⁶/6 + xy + y²`.
    ThreeHumpCamel => three_hump_camel,
    /// [`saddle`]: `x² − y²`, no minimum.
    Saddle => saddle,
    /// [`rastrigin`]: a bowl under a grid of cosine ripples.
    Rastrigin => rastrigin,
    /// [`ackley`]: a rippled plateau with a funnel at the origin.
    Ackley => ackley,
    /// [`goldstein_price`]: a degree-8 polynomial, minimum 3 at (0, −1).
    GoldsteinPrice => goldstein_price,
}

// The fields of the surfaces that have parameters, read as plain structs by
// `SurfaceSpec::from_tagged`.
struct QuadraticFields {
    kappa: f64,
    angle: f64,
}

crate::read::fields::read_fields!(QuadraticFields (QuadraticFields { kappa: default_kappa(), angle: 0.0 }) {
    kappa: F64,
    angle: F64,
});

struct CustomFields {
    expr: String,
    view: Option<[f64; 4]>,
}

crate::read::fields::read_fields!(CustomFields (CustomFields { expr: String::new(), view: None }) {
    expr: Str required,
    view: Read,
});

/// The (absent) parameters of a parameterless surface, shared by all ten. It refuses every
/// field, with serde's own messages (`unknown field `kappa`, there are no fields`), exactly as
/// an empty struct variant.
struct NoParams {}

crate::read::fields::read_fields!(NoParams (NoParams {}) {});

fn default_kappa() -> f64 {
    quadratic::DEFAULT_KAPPA
}

/// Every surface's scenario name, in the order of the variants: the parameterless ones, the
/// quadratic, your own function.
const VARIANT_NAMES: [&str; SurfaceSpec::PLAIN.len() + 2] = {
    let mut names = [""; SurfaceSpec::PLAIN.len() + 2];
    let mut i = 0;
    while i < SurfaceSpec::PLAIN.len() {
        names[i] = SurfaceSpec::PLAIN[i].info().name;
        i += 1;
    }
    names[i] = quadratic::INFO.name;
    names[i + 1] = custom::INFO.name;
    names
};

impl<'de> Deserialize<'de> for SurfaceSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::read::tagged::deserialize_via(deserializer, SurfaceSpec::from_tagged)
    }
}

impl SurfaceSpec {
    /// Every surface's scenario name, in the order of [`SurfaceSpec::all`]: the names a scenario
    /// takes, but for the custom function (the last of them).
    pub const ALL_NAMES: &'static [&'static str] =
        VARIANT_NAMES.split_at(VARIANT_NAMES.len() - 1).0;

    /// Reads `{"name": …, parameters…}`.
    pub(crate) fn from_tagged(value: serde_json::Value) -> Result<Self, Refusal> {
        let (index, rest) = crate::read::tagged::untag(value, "name", &VARIANT_NAMES)?;
        let read = |rest: &serde_json::Value| -> Result<Self, Refusal> {
            if let Some(plain) = SurfaceSpec::PLAIN.get(index) {
                NoParams::read(rest)?;
                return Ok(plain.clone());
            }
            Ok(if index == SurfaceSpec::PLAIN.len() {
                let QuadraticFields { kappa, angle } = QuadraticFields::read(rest)?;
                SurfaceSpec::Quadratic { kappa, angle }
            } else {
                let CustomFields { expr, view } = CustomFields::read(rest)?;
                SurfaceSpec::Custom {
                    expr: custom::CustomExpr::new(expr),
                    view,
                }
            })
        };
        read(&rest).map_err(|r| r.accepting_too(&["name"]))
    }

    /// Every surface, the quadratic with its default parameters (κ = 10, θ = 0).
    pub fn all() -> Vec<SurfaceSpec> {
        let mut all = SurfaceSpec::PLAIN.to_vec();
        all.push(SurfaceSpec::Quadratic {
            kappa: quadratic::DEFAULT_KAPPA,
            angle: quadratic::DEFAULT_ANGLE,
        });
        all
    }

    /// The surface called `name` in scenarios, with default parameters; `None` if there is none.
    pub fn from_name(name: &str) -> Option<SurfaceSpec> {
        SurfaceSpec::all()
            .into_iter()
            .find(|spec| spec.name() == name)
    }

    /// The scenario name, e.g. `"three_hump_camel"` (the serde tag).
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// The name shown to people, e.g. `"Three-hump camel"`.
    pub fn title(&self) -> &'static str {
        self.info().title
    }

    /// Refuses parameters outside their accepted ranges: κ must lie in `[1e-6, 1e6]` and θ must
    /// be finite; a custom expression must parse and its view be a finite box
    /// ([`custom::validate`]). A refusal names the field, with the accepted range.
    pub fn validate(&self) -> Result<(), Refusal> {
        if let SurfaceSpec::Custom { expr, view } = self {
            return custom::validate(expr, *view);
        }
        if let SurfaceSpec::Quadratic { kappa, angle } = *self {
            let kappas = Range::closed(quadratic::KAPPA_MIN, quadratic::KAPPA_MAX);
            if !kappas.contains(kappa) {
                return Err(Refusal::out_of_range("kappa", kappa, kappas));
            }
            if !angle.is_finite() {
                return Err(Refusal::out_of_range("angle", angle, Range::any()));
            }
        }
        Ok(())
    }

    /// The global minimum value, where there is one (`None` for the saddle).
    pub fn min_value(&self) -> Option<f64> {
        self.info().min_value
    }
}

/// The point `(x, y)` of a two-parameter vector.
#[inline]
fn point(params: &[f64]) -> (f64, f64) {
    debug_assert_eq!(params.len(), 2, "a surface has two parameters");
    (params[0], params[1])
}

/// A surface as the one-sample objective over `[x, y]`.
impl Objective for SurfaceSpec {
    fn dim(&self) -> usize {
        2
    }

    fn sample_count(&self) -> usize {
        1
    }

    #[inline]
    fn loss(&self, params: &[f64]) -> f64 {
        let (x, y) = point(params);
        self.value(x, y)
    }

    #[inline]
    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        let (x, y) = point(params);
        let (loss, [gx, gy]) = self.value_and_gradient(x, y);
        // Two stores, not `copy_from_slice` (a `memcpy` call per step in the wasm build).
        let [g0, g1, ..] = grad else {
            panic!("a surface gradient has 2 entries");
        };
        (*g0, *g1) = (gx, gy);
        loss
    }

    /// The batch is ignored: a surface is its own single sample.
    #[inline]
    fn batch_loss_and_gradient(&self, params: &[f64], _batch: &[usize], grad: &mut [f64]) -> f64 {
        self.loss_and_gradient(params, grad)
    }

    /// `[f_xx, f_xy, f_yx, f_yy]`.
    fn hessian(&self, params: &[f64]) -> Option<Vec<f64>> {
        let (x, y) = point(params);
        let h = Surface::hessian(self, x, y);
        Some(vec![h[0][0], h[0][1], h[1][0], h[1][1]])
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{
        assert_relative, check_gradient, check_hessian, torch_surface_cases, TorchSurfaceCase,
    };
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Every surface, with a few more quadratics (steep, flat, rotated both ways).
    fn specimens() -> Vec<SurfaceSpec> {
        let mut all = SurfaceSpec::all();
        all.extend([
            SurfaceSpec::Quadratic {
                kappa: 100.0,
                angle: -0.3,
            },
            SurfaceSpec::Quadratic {
                kappa: 1e-2,
                angle: 2.0,
            },
            SurfaceSpec::Quadratic {
                kappa: 1e3,
                angle: 0.4,
            },
        ]);
        all
    }

    /// A point of `spec`'s view box at fractions `(s, t)` of its width and height.
    fn in_view(spec: &SurfaceSpec, s: f64, t: f64) -> (f64, f64) {
        let v = spec.view_box();
        (
            v.x_min + s * (v.x_max - v.x_min),
            v.y_min + t * (v.y_max - v.y_min),
        )
    }

    /// Ackley's derivatives have no finite-difference check at the cone's tip.
    fn away_from_kinks(spec: &SurfaceSpec, x: f64, y: f64) -> bool {
        !matches!(spec, SurfaceSpec::Ackley) || libm::hypot(x, y) > 0.2
    }

    proptest! {
        // The per-file tests check each module; these check the dispatch of `SurfaceSpec`.
        #[test]
        fn every_surface_gradient_matches_finite_differences(
            index in 0..14_usize, s in 0.0..1.0_f64, t in 0.0..1.0_f64,
        ) {
            let spec = &specimens()[index];
            let (x, y) = in_view(spec, s, t);
            prop_assume!(away_from_kinks(spec, x, y));
            check_gradient(|x, y| spec.value(x, y), |x, y| spec.gradient(x, y), x, y)?;
        }

        #[test]
        fn every_surface_hessian_matches_finite_differences(
            index in 0..14_usize, s in 0.0..1.0_f64, t in 0.0..1.0_f64,
        ) {
            let spec = &specimens()[index];
            let (x, y) = in_view(spec, s, t);
            prop_assume!(away_from_kinks(spec, x, y));
            check_hessian(|x, y| spec.gradient(x, y), |x, y| Surface::hessian(spec, x, y), x, y)?;
        }

        #[test]
        fn objective_agrees_with_surface(
            index in 0..14_usize, s in 0.0..1.0_f64, t in 0.0..1.0_f64, batch in 0..4_usize,
        ) {
            let spec = &specimens()[index];
            let (x, y) = in_view(spec, s, t);
            let mut grad = [f64::NAN; 2];
            let loss = spec.loss_and_gradient(&[x, y], &mut grad);
            prop_assert_eq!(loss, spec.value(x, y));
            prop_assert_eq!(loss, spec.loss(&[x, y]));
            prop_assert_eq!(grad, spec.gradient(x, y));
            let mut batch_grad = [f64::NAN; 2];
            let indices: Vec<usize> = (0..batch).collect();
            prop_assert_eq!(spec.batch_loss_and_gradient(&[x, y], &indices, &mut batch_grad), loss);
            prop_assert_eq!(batch_grad, grad);
            let h = Surface::hessian(spec, x, y);
            prop_assert_eq!(h[0][1], h[1][0]);
            prop_assert_eq!(
                Objective::hessian(spec, &[x, y]),
                Some(vec![h[0][0], h[0][1], h[1][0], h[1][1]])
            );
        }
    }

    #[test]
    fn minima_have_the_minimum_value_and_zero_gradient() {
        for spec in specimens() {
            let minima = spec.minima();
            assert_eq!(
                minima.is_empty(),
                spec.min_value().is_none(),
                "{}",
                spec.name()
            );
            for [x, y] in minima {
                let min_value = spec.min_value().unwrap_or(f64::NAN);
                assert!(
                    (spec.value(x, y) - min_value).abs() <= 1e-12,
                    "{} at ({x}, {y})",
                    spec.name()
                );
                let [gx, gy] = spec.gradient(x, y);
                assert!(
                    libm::hypot(gx, gy) <= 1e-12,
                    "{}: ∇f({x}, {y}) = [{gx}, {gy}]",
                    spec.name()
                );
                let v = spec.view_box();
                assert!((v.x_min..=v.x_max).contains(&x) && (v.y_min..=v.y_max).contains(&y));
            }
        }
    }

    #[test]
    fn objective_shape() {
        for spec in SurfaceSpec::all() {
            assert_eq!((spec.dim(), spec.sample_count()), (2, 1));
            let v = spec.view_box();
            assert!(v.x_min < v.x_max && v.y_min < v.y_max, "{}", spec.name());
        }
        assert!(!SurfaceSpec::Saddle.log_scale() && SurfaceSpec::Rosenbrock.log_scale());
    }

    #[test]
    fn finite_at_the_origin_and_the_corners() {
        for spec in specimens() {
            for (s, t) in [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0)] {
                let (x, y) = in_view(&spec, s, t);
                for (x, y) in [(x, y), (0.0, 0.0)] {
                    assert!(spec.value(x, y).is_finite(), "{}", spec.name());
                    assert!(
                        spec.gradient(x, y).iter().all(|g| g.is_finite()),
                        "{}",
                        spec.name()
                    );
                    let h = Surface::hessian(&spec, x, y);
                    assert!(h.iter().flatten().all(|h| h.is_finite()), "{}", spec.name());
                }
            }
        }
    }

    /// Every surface formula against PyTorch: the loss PyTorch computed in float64 at the start of
    /// every surface case of the reference traces (trace line 0) matches to 1e-12 relative.
    #[test]
    fn start_losses_match_pytorch() {
        let mut seen = std::collections::BTreeSet::new();
        for file in ["torch_traces.json", "torch_traces_lbfgs.json"] {
            let cases = torch_surface_cases(file);
            assert!(!cases.is_empty(), "{file} has no surface case");
            for case in cases {
                assert_eq!(case.spec.validate(), Ok(()), "{}", case.id);
                let [x, y] = case.start;
                assert_relative(&case.id, case.spec.value(x, y), case.start_loss, 1e-12);
                seen.insert(case.spec.name());
            }
        }
        // The fixtures exercise every surface, so every formula is checked against PyTorch.
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>().len(),
            SurfaceSpec::ALL_NAMES.len()
        );
    }

    /// The first update of a plain, momentum or Nesterov SGD case follows from the gradient
    /// alone (the momentum buffer starts at the gradient, and schedules start at the base rate):
    /// with c the `clip_grad_norm_` factor `min(1, max_norm/(‖∇f‖ + 1e-6))` and
    /// g = c·∇f(p₀) + λ·p₀, `p₁ = p₀ − lr·(1 + μ)·g` with Nesterov, else `p₁ = p₀ − lr·g`.
    /// PyTorch's p₁ thus checks the gradient of every surface that has an SGD case.
    #[test]
    fn first_sgd_steps_match_pytorch() {
        let sgd_cases: Vec<TorchSurfaceCase> = torch_surface_cases("torch_traces.json")
            .into_iter()
            .filter(|case| case.optimizer["name"] == "sgd")
            .collect();
        assert!(sgd_cases.len() >= 8);
        for case in sgd_cases {
            let number = |key: &str, default: f64| case.optimizer[key].as_f64().unwrap_or(default);
            let lr = number("lr", 1e-3);
            let momentum = number("momentum", 0.0);
            let weight_decay = number("weight_decay", 0.0);
            let nesterov = case.optimizer["nesterov"].as_bool().unwrap_or(false);
            let [x, y] = case.start;
            let gradient = case.spec.gradient(x, y);
            let clip = case.clip_norm.map_or(1.0, |max_norm| {
                (max_norm / (libm::hypot(gradient[0], gradient[1]) + 1e-6)).min(1.0)
            });
            let coordinates = case
                .start
                .into_iter()
                .zip(case.after_first_step)
                .zip(gradient);
            for (i, ((start, actual), partial)) in coordinates.enumerate() {
                let g = clip * partial + weight_decay * start;
                let direction = if nesterov { g + momentum * g } else { g };
                let expected = start - lr * direction;
                assert!(
                    (expected - actual).abs() <= 1e-12 * (1.0 + actual.abs()),
                    "{} coordinate {i}: {expected} vs PyTorch {actual}",
                    case.id
                );
            }
        }
    }

    #[test]
    fn parses_scenario_objects() {
        let quadratic: SurfaceSpec =
            serde_json::from_str(r#"{"name":"quadratic","kappa":100.0,"angle":-0.3}"#)
                .expect("a quadratic with parameters parses");
        assert_eq!(
            quadratic,
            SurfaceSpec::Quadratic {
                kappa: 100.0,
                angle: -0.3
            }
        );
        let rosenbrock: SurfaceSpec =
            serde_json::from_str(r#"{"name":"rosenbrock"}"#).expect("rosenbrock parses");
        assert_eq!(rosenbrock, SurfaceSpec::Rosenbrock);
        let defaults: SurfaceSpec =
            serde_json::from_str(r#"{"name":"quadratic"}"#).expect("a bare quadratic parses");
        assert_eq!(
            defaults,
            SurfaceSpec::Quadratic {
                kappa: 10.0,
                angle: 0.0
            }
        );
        let camel: SurfaceSpec = serde_json::from_value(json!({"name": "three_hump_camel"}))
            .expect("snake-case names parse");
        assert_eq!(camel, SurfaceSpec::ThreeHumpCamel);
    }

    #[test]
    fn refuses_unknown_names_and_fields() {
        for text in [
            r#"{"name":"banana"}"#,
            r#"{"name":"Rosenbrock"}"#,
            r#"{"name":"quadratic","kapa":3.0}"#,
            r#"{"name":"rosenbrock","kappa":3.0}"#,
            r#"{"name":"saddle","angle":0.1}"#,
            r#"{"kappa":3.0}"#,
            r#"{"name":"quadratic","kappa":"big"}"#,
        ] {
            assert!(
                serde_json::from_str::<SurfaceSpec>(text).is_err(),
                "{text} was accepted"
            );
        }
        let error = serde_json::from_str::<SurfaceSpec>(r#"{"name":"quadratic","kapa":3.0}"#)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(
            matches!(&error, Err(message) if message.contains("kapa")),
            "{error:?}"
        );
    }

    #[test]
    fn nests_under_a_kind_tag_as_in_scenarios() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        enum Objective {
            Surface(SurfaceSpec),
        }
        let parsed: Objective = serde_json::from_str(
            r#"{"kind":"surface","name":"quadratic","kappa":100.0,"angle":-0.3}"#,
        )
        .expect("a tagged surface parses");
        assert_eq!(
            parsed,
            Objective::Surface(SurfaceSpec::Quadratic {
                kappa: 100.0,
                angle: -0.3
            })
        );
        let unknown = r#"{"kind":"surface","name":"booth","x":1}"#;
        assert!(serde_json::from_str::<Objective>(unknown).is_err());
    }

    #[test]
    fn round_trips_through_json() {
        for spec in specimens() {
            let text = serde_json::to_string(&spec).expect("serializes");
            let back: SurfaceSpec = serde_json::from_str(&text).expect("parses back");
            assert_eq!(back, spec, "{text}");
        }
        assert_eq!(
            serde_json::to_value(SurfaceSpec::Quadratic {
                kappa: 100.0,
                angle: -0.3
            })
            .ok(),
            Some(json!({"name": "quadratic", "kappa": 100.0, "angle": -0.3}))
        );
        assert_eq!(
            serde_json::to_value(SurfaceSpec::GoldsteinPrice).ok(),
            Some(json!({"name": "goldstein_price"}))
        );
    }

    #[test]
    fn names_titles_and_listing_agree() {
        let all = SurfaceSpec::all();
        let names: Vec<&str> = all.iter().map(SurfaceSpec::name).collect();
        assert_eq!(names, SurfaceSpec::ALL_NAMES);
        for spec in &all {
            // The name is the serde tag, and parses back to the default-parameter surface.
            let parsed: SurfaceSpec = serde_json::from_value(json!({ "name": spec.name() }))
                .expect("every listed name parses");
            assert_eq!(&parsed, spec);
            assert_eq!(SurfaceSpec::from_name(spec.name()).as_ref(), Some(spec));
            assert!(!spec.title().is_empty());
            assert_eq!(spec.validate(), Ok(()));
        }
        assert_eq!(SurfaceSpec::from_name("banana"), None);
        assert_eq!(SurfaceSpec::ThreeHumpCamel.title(), "Three-hump camel");
        assert_eq!(SurfaceSpec::Rosenbrock.title(), "Rosenbrock");
    }

    #[test]
    fn validate_names_the_field_and_the_range() {
        let quadratic = |kappa, angle| SurfaceSpec::Quadratic { kappa, angle };
        assert_eq!(
            quadratic(0.0, 0.0).validate().map_err(|e| e.to_string()),
            Err("kappa: 0 is out of range (accepted: 1e-6 ≤ kappa ≤ 1e6)".to_string())
        );
        for kappa in [-1.0, 1e-7, 2e6, f64::NAN, f64::INFINITY] {
            let error = quadratic(kappa, 0.0).validate();
            assert!(
                matches!(&error, Err(m) if m.field() == "kappa"),
                "{kappa}: {error:?}"
            );
        }
        for angle in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let error = quadratic(10.0, angle).validate();
            assert!(
                matches!(&error, Err(m) if m.field() == "angle"),
                "{angle}: {error:?}"
            );
        }
        for (kappa, angle) in [(1e-6, 0.0), (1e6, 0.0), (1.0, -100.0), (10.0, 7.0)] {
            assert_eq!(quadratic(kappa, angle).validate(), Ok(()));
        }
    }
}
