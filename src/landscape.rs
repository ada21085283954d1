//! A network's own loss landscape in 2-D: the loss on the plane through the current weights θ
//! spanned by two random, *filter-normalised* directions, after Li, Xu, Taylor, Studer &
//! Goldstein, "Visualizing the Loss Landscape of Neural Nets" (NeurIPS 2018), §4:
//!
//! ```text
//! f(α, β) = L(θ + α·δ + β·η)
//! ```
//!
//! δ and η are Gaussian; each filter — for a fully connected layer, the incoming weights of one
//! unit — is rescaled to the norm of the same filter of θ (dᵢ ← dᵢ/‖dᵢ‖·‖θᵢ‖), and bias
//! directions are zero, as in the paper. A training path is shown by projecting each stored
//! weight vector onto the plane (least squares on span(δ, η)).

use crate::objective::Objective;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

/// Two filter-normalised directions for a network with units `layers` (input first) whose
/// parameters `params` are flattened layer by layer, `w` row-major then `b`.
pub fn filter_normalised_directions(
    layers: &[usize],
    params: &[f64],
    seed: u64,
) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut draw = || -> Vec<f64> {
        let mut direction: Vec<f64> = (0..params.len())
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let mut offset = 0;
        for pair in layers.windows(2) {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            for unit in 0..fan_out {
                let row = offset + unit * fan_in..offset + (unit + 1) * fan_in;
                if row.end > params.len() {
                    break;
                }
                let theta_norm = params[row.clone()]
                    .iter()
                    .map(|v| v * v)
                    .sum::<f64>()
                    .sqrt();
                let d_norm = direction[row.clone()]
                    .iter()
                    .map(|v| v * v)
                    .sum::<f64>()
                    .sqrt();
                let scale = if d_norm > 0.0 {
                    theta_norm / d_norm
                } else {
                    0.0
                };
                direction[row].iter_mut().for_each(|v| *v *= scale);
            }
            let biases =
                offset + fan_in * fan_out..(offset + fan_in * fan_out + fan_out).min(params.len());
            direction[biases].iter_mut().for_each(|v| *v = 0.0);
            offset += fan_in * fan_out + fan_out;
        }
        direction
    };
    let first = draw();
    let second = draw();
    (first, second)
}

/// The loss on a `resolution × resolution` grid of (α, β) ∈ [−range, range]², row 0 at β = +range
/// (the top of a picture), as `losses[row · resolution + column]`.
pub fn loss_grid(
    objective: &impl Objective,
    center: &[f64],
    directions: (&[f64], &[f64]),
    range: f64,
    resolution: usize,
) -> Vec<f64> {
    let resolution = resolution.max(2);
    let mut losses = Vec::with_capacity(resolution * resolution);
    loss_rows(
        objective,
        center,
        directions,
        (range, resolution),
        0..resolution,
        &mut losses,
    );
    losses
}

/// Rows `rows` of [`loss_grid`]'s grid (`grid` = (range, resolution)), appended to `losses`: the
/// grid a few rows at a time, so that a page computing it stays responsive.
pub fn loss_rows(
    objective: &impl Objective,
    center: &[f64],
    directions: (&[f64], &[f64]),
    grid: (f64, usize),
    rows: std::ops::Range<usize>,
    losses: &mut Vec<f64>,
) {
    let (range, resolution) = (grid.0, grid.1.max(2));
    let (d1, d2) = directions;
    let mut point = center.to_vec();
    let step = 2.0 * range / (resolution - 1) as f64;
    for row in rows {
        let beta = range - row as f64 * step;
        for column in 0..resolution {
            let alpha = -range + column as f64 * step;
            for (i, p) in point.iter_mut().enumerate() {
                *p = center[i] + alpha * d1[i] + beta * d2[i];
            }
            losses.push(objective.loss(&point));
        }
    }
}

/// The coordinates (α, β) of `point`'s projection onto the plane through `center` spanned by the
/// two directions (least squares: the 2×2 normal equations). `None` for parallel directions.
pub fn project(point: &[f64], center: &[f64], directions: (&[f64], &[f64])) -> Option<(f64, f64)> {
    let (d1, d2) = directions;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let offset: Vec<f64> = point.iter().zip(center).map(|(p, c)| p - c).collect();
    let (a11, a12, a22) = (dot(d1, d1), dot(d1, d2), dot(d2, d2));
    let (b1, b2) = (dot(d1, &offset), dot(d2, &offset));
    let det = a11 * a22 - a12 * a12;
    if !(det.is_finite() && det.abs() > 1e-300) {
        return None;
    }
    Some(((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "mlp")]
    use crate::objective::model::Model;
    #[cfg(feature = "mlp")]
    use crate::scenario::Scenario;

    #[test]
    fn directions_are_filter_normalised_with_zero_bias() {
        let layers = [2, 3, 1];
        let params: Vec<f64> = (0..13).map(|i| (i as f64 - 6.0) / 3.0).collect();
        let (d1, d2) = filter_normalised_directions(&layers, &params, 7);
        assert_ne!(d1, d2);
        for d in [&d1, &d2] {
            // Units of layer 1: rows of 2 weights at 0..2, 2..4, 4..6; biases 6..9.
            for unit in 0..3 {
                let row = unit * 2..unit * 2 + 2;
                let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
                assert!((norm(&d[row.clone()]) - norm(&params[row])).abs() < 1e-12);
            }
            assert_eq!(&d[6..9], &[0.0; 3]);
            assert_eq!(d[12], 0.0, "the output bias");
        }
    }

    #[cfg(feature = "mlp")]
    #[test]
    fn projection_recovers_plane_coordinates_and_the_grid_centre_is_the_current_loss() {
        let scenario = Scenario::from_json(
            r#"{"objective":{"kind":"mlp","layers":[2,4,1],"activation":"tanh","loss":"bce","dataset":{"name":"circle","n":60}},"optimizer":{"name":"sgd"}}"#,
        )
        .expect("valid");
        let model = Model::build(&scenario.objective, 3).expect("model");
        let center = model.initial_params();
        let (d1, d2) = filter_normalised_directions(&[2, 4, 1], &center, 1);
        let point: Vec<f64> = center
            .iter()
            .zip(&d1)
            .zip(&d2)
            .map(|((c, a), b)| c + 0.3 * a - 0.7 * b)
            .collect();
        let (alpha, beta) = project(&point, &center, (&d1, &d2)).expect("independent directions");
        assert!((alpha - 0.3).abs() < 1e-9 && (beta + 0.7).abs() < 1e-9);
        let grid = loss_grid(&model, &center, (&d1, &d2), 1.0, 5);
        assert_eq!(grid.len(), 25);
        assert!(
            (grid[12] - model.loss(&center)).abs() < 1e-12,
            "the middle of the grid is θ itself"
        );
        assert!(grid.iter().all(|l| l.is_finite()));
    }
}
