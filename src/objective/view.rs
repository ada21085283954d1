//! How a built objective is shown on the plane: its view box, known minima, colour scale and
//! minimum value — for the surfaces as each declares them, and for linear regression derived from
//! the exact least-squares solution (its loss is a quadratic in (w, b), minimised in one Newton
//! step from anywhere).

use super::model::Model;
use super::surfaces::{Surface, ViewBox};
use super::Objective;

/// The least-squares minimiser of a 2-parameter quadratic objective: p* = −H⁻¹∇f(0).
fn quadratic_minimiser(model: &Model) -> Option<[f64; 2]> {
    if model.dim() != 2 {
        return None;
    }
    let h = model.hessian(&[0.0, 0.0])?;
    let mut g = [0.0; 2];
    model.loss_and_gradient(&[0.0, 0.0], &mut g);
    let det = h[0] * h[3] - h[1] * h[2];
    if !(det.is_finite() && det.abs() > 1e-300) {
        return None;
    }
    let w = -(h[3] * g[0] - h[1] * g[1]) / det;
    let b = -(-h[2] * g[0] + h[0] * g[1]) / det;
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
        Model::Mlp(_) => Vec::new(),
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
        Model::Mlp(_) => None,
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
}
