//! # Your function: a surface typed in by the user
//!
//! ```text
//! {"kind":"surface","name":"custom","expr":"(1-x)^2 + 100*(y-x^2)^2","view":[-2,2,-1,3]}
//! ```
//!
//! `expr` is any function of `x` and `y` in the grammar of [`crate::objective::expr`] (`+ - * /
//! ^`, parentheses, `sin cos tan exp log sqrt abs tanh`, `pi`, `e`, at most 500 characters);
//! `view` is the box `[x_min, x_max, y_min, y_max]` the page opens on, default
//! `[-3, 3, -3, 3]`. Gradient and Hessian are exact, by forward-mode automatic differentiation
//! of the compiled expression (no finite differences).
//!
//! The expression is parsed and compiled once, when the spec is built ([`CustomExpr::new`],
//! also on deserialisation), and shared behind an `Arc`; a spec compares and serialises by its
//! source text. A text that does not parse still makes a [`CustomExpr`] — so a scenario with a
//! typo deserialises — but [`validate`] refuses it with the parser's message
//! (`expr: expected ')' at position 7 …`), and it evaluates to NaN.
//!
//! Nothing is known about the function in advance: no minima, no minimum value, a linear colour
//! scale. Where it is not finite at the start of a run the scenario is refused
//! ([`check_start`], called by [`crate::scenario::Scenario::validate`]).

use super::{SurfaceInfo, ViewBox};
use crate::objective::expr::{CompiledExpr, ExprError};
use crate::read::{Problem, Refusal, Unfit};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// The view `[x_min, x_max, y_min, y_max]` when the spec gives none.
pub const DEFAULT_VIEW: [f64; 4] = [-3.0, 3.0, -3.0, 3.0];

/// Largest magnitude of a view coordinate (as for a start).
pub const VIEW_LIMIT: f64 = 1e12;

/// No known minimiser.
pub const MINIMA: [[f64; 2]; 0] = [];

/// A linear colour scale: nothing says the function spans decades.
pub const LOG_SCALE: bool = false;

/// The name shown to people.
pub const TITLE: &str = "Your function f(x, y)";

/// Your function in the registry: nothing is known of it in advance.
pub const INFO: SurfaceInfo = SurfaceInfo {
    name: "custom",
    title: TITLE,
    view_box: ViewBox {
        x_min: DEFAULT_VIEW[0],
        x_max: DEFAULT_VIEW[1],
        y_min: DEFAULT_VIEW[2],
        y_max: DEFAULT_VIEW[3],
    },
    minima: &MINIMA,
    min_value: None,
    log_scale: LOG_SCALE,
};

/// A typed-in expression: its source text and, compiled once, its program (or the parse error).
///
/// Cloning shares the program. Equality, `Debug` and serde use the source text alone.
#[derive(Clone)]
pub struct CustomExpr(Arc<Compiled>);

struct Compiled {
    source: String,
    program: Result<CompiledExpr, ExprError>,
}

impl CustomExpr {
    /// Parses and compiles `source`; a parse error is kept (see [`CustomExpr::error`]).
    pub fn new(source: impl Into<String>) -> Self {
        let source = source.into();
        let program = CompiledExpr::parse(&source);
        CustomExpr(Arc::new(Compiled { source, program }))
    }

    /// The text as typed.
    pub fn source(&self) -> &str {
        &self.0.source
    }

    /// The compiled program, or why the text does not parse.
    pub fn program(&self) -> Result<&CompiledExpr, &ExprError> {
        self.0.program.as_ref()
    }

    /// Why the text does not parse, if it does not.
    pub fn error(&self) -> Option<&ExprError> {
        self.0.program.as_ref().err()
    }
}

impl PartialEq for CustomExpr {
    fn eq(&self, other: &Self) -> bool {
        self.source() == other.source()
    }
}

impl fmt::Debug for CustomExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomExpr({:?})", self.source())
    }
}

impl From<&str> for CustomExpr {
    fn from(source: &str) -> Self {
        CustomExpr::new(source)
    }
}

impl Serialize for CustomExpr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.source())
    }
}

impl<'de> Deserialize<'de> for CustomExpr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(CustomExpr::new)
    }
}

/// f(x, y); NaN when the expression does not parse.
#[inline]
pub fn value(expr: &CustomExpr, x: f64, y: f64) -> f64 {
    match expr.program() {
        Ok(p) => p.value(x, y),
        Err(_) => f64::NAN,
    }
}

/// f(x, y) at every `x` of `xs` into `out` (a heat map row), bit-for-bit [`value`]; NaN when
/// the expression does not parse.
pub fn value_row(expr: &CustomExpr, y: f64, xs: &[f64], out: &mut [f64]) {
    match expr.program() {
        Ok(p) => p.value_row(y, xs, out),
        Err(_) => out.fill(f64::NAN),
    }
}

/// ∇f(x, y), exact; NaN when the expression does not parse.
#[inline]
pub fn gradient(expr: &CustomExpr, x: f64, y: f64) -> [f64; 2] {
    value_and_gradient(expr, x, y).1
}

/// `(f, ∇f)` in one pass; bit-for-bit [`value`] and [`gradient`].
#[inline]
pub fn value_and_gradient(expr: &CustomExpr, x: f64, y: f64) -> (f64, [f64; 2]) {
    match expr.program() {
        Ok(p) => p.value_and_gradient(x, y),
        Err(_) => (f64::NAN, [f64::NAN; 2]),
    }
}

/// ∇²f(x, y), exact and symmetric; NaN when the expression does not parse.
#[inline]
pub fn hessian(expr: &CustomExpr, x: f64, y: f64) -> [[f64; 2]; 2] {
    match expr.program() {
        Ok(p) => p.value_gradient_hessian(x, y).2,
        Err(_) => [[f64::NAN; 2]; 2],
    }
}

/// The view box of `view` (`[x_min, x_max, y_min, y_max]`), or [`DEFAULT_VIEW`].
pub fn view_box(view: Option<[f64; 4]>) -> ViewBox {
    let [x_min, x_max, y_min, y_max] = view.unwrap_or(DEFAULT_VIEW);
    ViewBox {
        x_min,
        x_max,
        y_min,
        y_max,
    }
}

/// Refuses an expression that does not parse (at `expr`, with the parser's account) and a view
/// that is not a box of finite coordinates (at `view`).
pub fn validate(expr: &CustomExpr, view: Option<[f64; 4]>) -> Result<(), Refusal> {
    if let Some(e) = expr.error() {
        return Err(Refusal::at(
            "expr",
            Problem::unfit(Unfit::Formula { error: e.clone() }),
        ));
    }
    if let Some(v @ [x_min, x_max, y_min, y_max]) = view {
        let finite = v.iter().all(|c| c.is_finite() && c.abs() <= VIEW_LIMIT);
        if !(finite && x_min < x_max && y_min < y_max) {
            return Err(Refusal::at(
                "view",
                Problem::unfit(Unfit::NotABox { view: v }),
            ));
        }
    }
    Ok(())
}

/// Refuses a start where the function or its gradient is not finite, in a sentence such as
/// `f is not finite at (-1.8, 1.8): f = NaN; choose a start where the function is defined`.
pub fn check_start(expr: &CustomExpr, x: f64, y: f64) -> Result<(), Unfit> {
    let (f, [gx, gy]) = value_and_gradient(expr, x, y);
    // Ten significant digits: a default start such as -1.7999999999999998 reads -1.8.
    let shown = |v: f64| crate::read::float_text::parse_f64(&format!("{v:.9e}")).unwrap_or(v);
    let (x, y) = (shown(x), shown(y));
    if !f.is_finite() {
        return Err(Unfit::StartNotFinite { x, y, f });
    }
    if !(gx.is_finite() && gy.is_finite()) {
        return Err(Unfit::GradientNotFinite {
            x,
            y,
            gradient: [gx, gy],
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn compiles_once_and_compares_by_source() {
        let a = CustomExpr::new("x^2 + y^2");
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, CustomExpr::new("x^2 + y^2"));
        assert_ne!(a, CustomExpr::new("x^2+y^2"));
        assert_eq!(format!("{a:?}"), r#"CustomExpr("x^2 + y^2")"#);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#""x^2 + y^2""#);
        let back: CustomExpr = serde_json::from_str(r#""x^2 + y^2""#).unwrap();
        assert_eq!(back, a);
        assert_eq!(value(&a, 3.0, 4.0), 25.0);
        let mut row = [0.0; 3];
        value_row(&a, 4.0, &[3.0, 0.0, -1.0], &mut row);
        assert_eq!(row, [25.0, 16.0, 17.0]);
        assert_eq!(value_and_gradient(&a, 3.0, 4.0), (25.0, [6.0, 8.0]));
        assert_eq!(hessian(&a, 3.0, 4.0), [[2.0, 0.0], [0.0, 2.0]]);
    }

    #[test]
    fn a_typo_deserialises_but_does_not_validate() {
        let typo: CustomExpr = serde_json::from_str(r#""(x + y""#).unwrap();
        assert_eq!(typo.error().map(|e| e.position), Some(7));
        assert_eq!(
            validate(&typo, None).map_err(|e| e.to_string()),
            Err("expr: expected ')' at position 7 to close the '(' at position 1".into())
        );
        assert!(value(&typo, 0.0, 0.0).is_nan());
        let mut row = [0.0; 2];
        value_row(&typo, 0.0, &[1.0, 2.0], &mut row);
        assert!(row.iter().all(|v| v.is_nan()));
        assert!(gradient(&typo, 0.0, 0.0).iter().all(|g| g.is_nan()));
        assert!(hessian(&typo, 0.0, 0.0)
            .iter()
            .flatten()
            .all(|h| h.is_nan()));
    }

    #[test]
    fn views() {
        let ok = CustomExpr::new("x");
        assert_eq!(validate(&ok, None), Ok(()));
        assert_eq!(validate(&ok, Some([-1.0, 1.0, 0.0, 5.0])), Ok(()));
        assert_eq!(view_box(None), view_box(Some(DEFAULT_VIEW)));
        assert_eq!(view_box(Some([-1.0, 1.0, 0.0, 5.0])).y_max, 5.0);
        for bad in [
            [1.0, 0.0, -3.0, 3.0],
            [0.0, 1.0, 3.0, 3.0],
            [f64::NAN, 1.0, 0.0, 1.0],
            [0.0, f64::INFINITY, 0.0, 1.0],
            [-1e13, 1.0, 0.0, 1.0],
        ] {
            let error = validate(&ok, Some(bad)).unwrap_err().to_string();
            assert!(error.starts_with("view: ["), "{error}");
        }
        assert_eq!(
            validate(&ok, Some([1.0, 0.0, -3.0, 3.0])).unwrap_err().to_string(),
            "view: [1, 0, -3, 3] is not a box (accepted: [x_min, x_max, y_min, y_max] with x_min < x_max, y_min < y_max, each finite with |value| ≤ 1e12)"
        );
    }

    #[test]
    fn starts_where_the_function_is_undefined_are_refused() {
        let log = CustomExpr::new("log(x) + y^2");
        assert_eq!(check_start(&log, 1.0, 0.0), Ok(()));
        assert_eq!(
            check_start(&log, -1.8, 1.8).unwrap_err().to_string(),
            "f is not finite at (-1.8, 1.8): f = NaN; choose a start where the function is defined"
        );
        assert!(matches!(
            check_start(&log, 0.0, 0.0),
            Err(Unfit::StartNotFinite { x, y, .. }) if x == 0.0 && y == 0.0
        ));
        let cone = CustomExpr::new("sqrt(x^2 + y^2)");
        assert_eq!(
            check_start(&cone, 0.0, 0.0).unwrap_err().to_string(),
            "the gradient of f is not finite at (0, 0): ∇f = [NaN, NaN]; choose a start where the function is smooth"
        );
        assert_eq!(check_start(&cone, 1.0, 0.0), Ok(()));
    }

    #[test]
    fn the_surface_spec_form() {
        use crate::objective::surfaces::{Surface, SurfaceSpec};
        let spec: SurfaceSpec = serde_json::from_str(
            r#"{"name":"custom","expr":"x^2 + 10*sin(y)","view":[-4,4,-2,6]}"#,
        )
        .unwrap();
        assert_eq!(
            spec,
            SurfaceSpec::Custom {
                expr: CustomExpr::new("x^2 + 10*sin(y)"),
                view: Some([-4.0, 4.0, -2.0, 6.0])
            }
        );
        assert_eq!(
            serde_json::to_string(&spec).unwrap(),
            r#"{"name":"custom","expr":"x^2 + 10*sin(y)","view":[-4.0,4.0,-2.0,6.0]}"#
        );
        let bare: SurfaceSpec = serde_json::from_str(r#"{"name":"custom","expr":"x*y"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"name":"custom","expr":"x*y"}"#
        );
        assert_eq!(bare.view_box(), view_box(Some(DEFAULT_VIEW)));
        assert_eq!(
            (bare.name(), bare.title(), bare.min_value()),
            ("custom", TITLE, None)
        );
        assert_eq!(
            SurfaceSpec::from_name("custom"),
            None,
            "custom has no default"
        );
        for text in [
            r#"{"name":"custom"}"#,
            r#"{"name":"custom","expr":"x","kappa":1}"#,
            r#"{"name":"custom","expr":3}"#,
            r#"{"name":"custom","expr":"x","view":[1,2,3]}"#,
        ] {
            assert!(serde_json::from_str::<SurfaceSpec>(text).is_err(), "{text}");
        }
        let typo: SurfaceSpec =
            serde_json::from_str(r#"{"name":"custom","expr":"(x + y"}"#).unwrap();
        assert_eq!(
            typo.validate().map_err(|e| e.to_string()),
            Err("expr: expected ')' at position 7 to close the '(' at position 1".into())
        );
        // Dispatch: the Objective view of the spec.
        use crate::objective::Objective;
        let mut grad = [0.0; 2];
        let loss = spec.loss_and_gradient(&[1.0, 0.0], &mut grad);
        assert_eq!((loss, grad), (1.0, [2.0, 10.0]));
        assert_eq!(
            Objective::hessian(&spec, &[1.0, 0.0]),
            Some(vec![2.0, 0.0, 0.0, -0.0])
        );
    }
}
