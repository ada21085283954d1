//! How a built objective is shown on the plane: its view box, known minima, colour scale and
//! minimum value — for the surfaces as each declares them, and for linear regression derived from
//! the exact least-squares solution (its loss is a quadratic in (w, b), minimised in one Newton
//! step from anywhere).

use super::model::Model;
use super::surfaces::{Surface, ViewBox};
use super::Objective;

/// The minimiser of a 2-parameter quadratic objective, plus linear regression's L1 term λ₁·|w|
/// on the first parameter when it has one.
///
/// The smooth part is `f(p) = f(0) + gᵀp + ½ pᵀHp` (g, H at 0; any L2 term is in them). Without
/// L1, p* = −H⁻¹g. With it, minimising over b first (b = −(g₁ + H₁₀w)/H₁₁) leaves the profile
/// `½A·w² + G·w + λ₁|w|`, A = H₀₀ − H₀₁H₁₀/H₁₁, G = g₀ − H₀₁g₁/H₁₁, whose minimiser is the
/// soft-thresholding `w* = −sign(G)·max(|G| − λ₁, 0)/A` (Tibshirani, "Regression shrinkage and
/// selection via the lasso", 1996, the one-variable case) — 0 whenever the data pull less than
/// λ₁.
fn quadratic_minimiser(model: &Model) -> Option<[f64; 2]> {
    if model.dim() != 2 {
        return None;
    }
    let h = model.hessian(&[0.0, 0.0])?;
    let mut g = [0.0; 2];
    // At w = 0 the L1 term contributes sign(0) = 0: g is the smooth part's gradient.
    model.loss_and_gradient(&[0.0, 0.0], &mut g);
    let l1 = match model {
        Model::Linreg(l) => l.spec().l1,
        _ => 0.0,
    };
    let (w, b) = if l1 > 0.0 && h[3] > 0.0 {
        let a = h[0] - h[1] * h[2] / h[3];
        let pull = g[0] - h[1] * g[1] / h[3];
        if !(a.is_finite() && a > 0.0) {
            return None;
        }
        let w = -pull.signum() * (pull.abs() - l1).max(0.0) / a;
        (w, -(g[1] + h[2] * w) / h[3])
    } else {
        let det = h[0] * h[3] - h[1] * h[2];
        if !(det.is_finite() && det.abs() > 1e-300) {
            return None;
        }
        (
            -(h[3] * g[0] - h[1] * g[1]) / det,
            -(-h[2] * g[0] + h[0] * g[1]) / det,
        )
    };
    (w.is_finite() && b.is_finite()).then_some([w, b])
}

/// The rectangle of the plane the page opens on.
pub fn view_box(model: &Model) -> ViewBox {
    match model {
        Model::Surface(s) => s.view_box(),
        _ => match quadratic_minimiser(model) {
            Some([w, b]) => {
                let half = (1.5f64).max(1.5 * w.abs().max(b.abs()));
                ViewBox {
                    x_min: w - half,
                    x_max: w + half,
                    y_min: b - half,
                    y_max: b + half,
                }
            }
            None => ViewBox {
                x_min: -2.0,
                x_max: 2.0,
                y_min: -2.0,
                y_max: 2.0,
            },
        },
    }
}

/// Known global minimisers to mark.
pub fn minima(model: &Model) -> Vec<[f64; 2]> {
    match model {
        Model::Surface(s) => s.minima(),
        Model::Linreg(_) => quadratic_minimiser(model).into_iter().collect(),
        #[cfg(feature = "mlp")]
        Model::Mlp(_) => Vec::new(),
        #[cfg(feature = "cnn")]
        Model::Cnn(_) => Vec::new(),
    }
}

/// Whether the heat map should use a logarithmic colour scale.
pub fn log_scale(model: &Model) -> bool {
    match model {
        Model::Surface(s) => s.log_scale(),
        _ => true,
    }
}

/// The global minimum value where it is known (subtracted on the loss chart's log scale).
pub fn min_value(model: &Model) -> Option<f64> {
    match model {
        Model::Surface(s) => s.min_value(),
        Model::Linreg(_) => quadratic_minimiser(model).map(|p| model.loss(&p)),
        #[cfg(feature = "mlp")]
        Model::Mlp(_) => None,
        #[cfg(feature = "cnn")]
        Model::Cnn(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::SurfaceSpec;
    use crate::objective::ObjectiveSpec;

    #[test]
    fn linear_regression_is_viewed_around_its_least_squares_fit() {
        let spec: ObjectiveSpec =
            serde_json::from_str(r#"{"kind":"linreg","points":[[0,1],[1,3],[2,5],[3,7.5]]}"#)
                .expect("spec");
        let model = Model::build(&spec, 0).expect("model");
        let [w, b] = minima(&model)[0];
        // Ordinary least squares by hand: x̄ = 1.5, ȳ = 4.125, Sxy = 10.75, Sxx = 5.
        assert!(
            (w - 2.15).abs() < 1e-12 && (b - 0.9).abs() < 1e-12,
            "{w} {b}"
        );
        let view = view_box(&model);
        assert!(view.x_min < w && w < view.x_max && view.y_min < b && b < view.y_max);
        let min = min_value(&model).expect("known");
        assert!(model.loss(&[w + 0.01, b]) > min);
    }

    #[test]
    fn surfaces_keep_their_own_view() {
        let model = Model::Surface(SurfaceSpec::Rosenbrock);
        assert_eq!(view_box(&model), SurfaceSpec::Rosenbrock.view_box());
        assert_eq!(min_value(&model), Some(0.0));
    }

    #[test]
    fn the_l1_minimiser_is_the_soft_threshold_and_no_point_nearby_is_lower() {
        for (l1, l2, on_axis) in [
            (0.05, 0.0, false),
            (0.05, 0.3, false),
            (5.0, 0.0, false),
            (6.0, 0.0, true),
        ] {
            let spec: ObjectiveSpec = serde_json::from_value(serde_json::json!({
                "kind": "linreg", "points": [[0, 1], [1, 3], [2, 5], [3, 7.5]], "l1": l1, "l2": l2
            }))
            .expect("spec");
            let model = Model::build(&spec, 0).expect("model");
            let [w, b] = minima(&model)[0];
            assert_eq!(w == 0.0, on_axis, "l1 {l1}: w = {w}");
            let best = min_value(&model).expect("a minimum");
            assert_eq!(best, model.loss(&[w, b]));
            for (dw, db) in [
                (1e-4, 0.0),
                (-1e-4, 0.0),
                (0.0, 1e-4),
                (0.0, -1e-4),
                (1e-4, 1e-4),
            ] {
                assert!(
                    model.loss(&[w + dw, b + db]) >= best,
                    "l1 {l1} l2 {l2}: ({dw}, {db})"
                );
            }
        }
    }
}
