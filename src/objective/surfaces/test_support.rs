//! Shared checks for the surface tests: finite-difference derivatives and the PyTorch fixtures.
//!
//! Derivatives are checked against the five-point central stencil
//! `f'(x) ≈ [f(x − 2h) − 8f(x − h) + 8f(x + h) − f(x + 2h)] / 12h`, whose truncation error is
//! O(h⁴), so a step of 1e-3 keeps both truncation and rounding far below the tolerance even for
//! the degree-8 Goldstein–Price polynomial.

use super::SurfaceSpec;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

/// Step of the finite-difference stencil.
const STEP: f64 = 1e-3;

/// Relative part of the tolerance: `|analytic − numeric| ≤ RTOL·(1 + |numeric|)`.
const RTOL: f64 = 1e-6;

/// Five-point central difference of `f` at `t`.
fn derivative(f: impl Fn(f64) -> f64, t: f64) -> f64 {
    (f(t - 2.0 * STEP) - 8.0 * f(t - STEP) + 8.0 * f(t + STEP) - f(t + 2.0 * STEP)) / (12.0 * STEP)
}

/// Fails unless `analytic` is within `RTOL·(1 + |numeric|)` of `numeric`.
pub(crate) fn close(what: &str, analytic: f64, numeric: f64) -> Result<(), TestCaseError> {
    if analytic.is_finite() && (analytic - numeric).abs() <= RTOL * (1.0 + numeric.abs()) {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{what}: analytic {analytic:e} vs finite differences {numeric:e}"
        )))
    }
}

/// Checks `gradient` against finite differences of `value` at `(x, y)`.
pub(crate) fn check_gradient(
    value: impl Fn(f64, f64) -> f64,
    gradient: impl Fn(f64, f64) -> [f64; 2],
    x: f64,
    y: f64,
) -> Result<(), TestCaseError> {
    let g = gradient(x, y);
    close("∂f/∂x", g[0], derivative(|t| value(t, y), x))?;
    close("∂f/∂y", g[1], derivative(|t| value(x, t), y))
}

/// Checks `hessian` against finite differences of the analytic `gradient` at `(x, y)`, and its
/// symmetry (exact: every Hessian here is assembled from one expression per off-diagonal entry).
pub(crate) fn check_hessian(
    gradient: impl Fn(f64, f64) -> [f64; 2],
    hessian: impl Fn(f64, f64) -> [[f64; 2]; 2],
    x: f64,
    y: f64,
) -> Result<(), TestCaseError> {
    let h = hessian(x, y);
    if h[0][1] != h[1][0] {
        return Err(TestCaseError::fail(format!("Hessian not symmetric: {h:?}")));
    }
    close("f_xx", h[0][0], derivative(|t| gradient(t, y)[0], x))?;
    close("f_xy", h[0][1], derivative(|t| gradient(x, t)[0], y))?;
    close("f_yx", h[1][0], derivative(|t| gradient(t, y)[1], x))?;
    close("f_yy", h[1][1], derivative(|t| gradient(x, t)[1], y))
}

/// One case of a PyTorch reference file whose objective is a 2-D surface.
pub(crate) struct TorchSurfaceCase {
    /// The case id, e.g. `s007-sgd-quadratic`.
    pub id: String,
    /// The objective, parsed from the scenario (its `kind` field removed).
    pub spec: SurfaceSpec,
    /// The scenario's optimizer object.
    pub optimizer: Value,
    /// The scenario's `clip_norm` (PyTorch's `clip_grad_norm_` before each step), if any.
    pub clip_norm: Option<f64>,
    /// Parameters at trace line 0 (the start).
    pub start: [f64; 2],
    /// Loss at trace line 0, as PyTorch computed it in float64.
    pub start_loss: f64,
    /// Parameters at trace line 1 (after the first update).
    pub after_first_step: [f64; 2],
}

fn point(value: &Value) -> [f64; 2] {
    let coordinate = |i: usize| value[i].as_f64().expect("a point is two numbers");
    [coordinate(0), coordinate(1)]
}

/// Every surface case of `tests/fixtures/<file>`.
pub(crate) fn torch_surface_cases(file: &str) -> Vec<TorchSurfaceCase> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the PyTorch fixture is readable");
    let root: Value = serde_json::from_str(&text).expect("the PyTorch fixture is JSON");
    let cases = root["cases"]
        .as_array()
        .expect("the fixture has a `cases` array");
    cases
        .iter()
        .filter(|case| case["scenario"]["objective"]["kind"] == "surface")
        .map(|case| {
            let mut objective = case["scenario"]["objective"].clone();
            if let Some(fields) = objective.as_object_mut() {
                fields.remove("kind");
            }
            let id = case["id"].as_str().unwrap_or("?").to_string();
            let spec: SurfaceSpec = serde_json::from_value(objective)
                .unwrap_or_else(|e| panic!("{id}: objective does not parse: {e}"));
            let trace = &case["trace"];
            TorchSurfaceCase {
                spec,
                optimizer: case["scenario"]["optimizer"].clone(),
                clip_norm: case["scenario"]["clip_norm"].as_f64(),
                start: point(&trace[0]["params"]),
                start_loss: trace[0]["loss"].as_f64().expect("trace line 0 has a loss"),
                after_first_step: point(&trace[1]["params"]),
                id,
            }
        })
        .collect()
}

/// `|a − b| ≤ tolerance·max(|a|, |b|)`, with a readable panic message.
#[track_caller]
pub(crate) fn assert_relative(what: &str, a: f64, b: f64, tolerance: f64) {
    assert!(
        (a - b).abs() <= tolerance * a.abs().max(b.abs()),
        "{what}: {a:e} vs {b:e} (relative difference {:e})",
        (a - b).abs() / a.abs().max(b.abs())
    );
}

/// Property tests of a surface module's `gradient` and `hessian` against finite differences, at
/// random points of its `VIEW_BOX` (the module's `value`, `gradient`, `hessian` and `VIEW_BOX`
/// must be in scope).
macro_rules! derivative_tests {
    () => {
        proptest::proptest! {
            #[test]
            fn gradient_matches_finite_differences(
                x in VIEW_BOX.x_min..VIEW_BOX.x_max,
                y in VIEW_BOX.y_min..VIEW_BOX.y_max,
            ) {
                $crate::objective::surfaces::test_support::check_gradient(value, gradient, x, y)?;
            }

            #[test]
            fn hessian_matches_finite_differences_of_gradient(
                x in VIEW_BOX.x_min..VIEW_BOX.x_max,
                y in VIEW_BOX.y_min..VIEW_BOX.y_max,
            ) {
                $crate::objective::surfaces::test_support::check_hessian(gradient, hessian, x, y)?;
            }
        }
    };
}
pub(crate) use derivative_tests;
