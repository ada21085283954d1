//! The `ce` network's tests: cross-entropy gradients against finite differences, its relation to
//! `bce`, predictions, probabilities and the drawing path's classes.
#![allow(clippy::unwrap_used)]

use super::test_support::*;
use super::{argmax, Activation, LayerWeights, Mlp, MlpLoss};
use crate::objective::Objective;

/// Cross-entropy over `K` classes: the gradient matches finite differences for every
/// activation, K = 2…8 and several depths, on full batches, subsets and repeats; with two
/// outputs whose first logit is pinned at 0 it is `bce` on the second.
#[test]
fn ce_gradients_match_finite_differences() {
    let mut seed = 500;
    for activation in ACTIVATIONS {
        for layers in [&[2, 3][..], &[2, 4, 5], &[2, 3, 4, 8], &[2, 6, 2]] {
            for l2 in [0.0, 0.2] {
                seed += 1;
                let spec = random_spec(layers, activation, MlpLoss::Ce, 13, l2, seed);
                let f = Mlp::new(spec, 0).unwrap();
                assert_eq!(f.classes(), *layers.last().unwrap());
                let p = f.initial_params();
                let all: Vec<usize> = (0..13).collect();
                let context = format!("ce {activation:?} {layers:?} l2={l2}");
                check_gradient(&f, &p, &all, &context);
                check_gradient(&f, &p, &[4, 4, 11], &context);
            }
        }
    }
    // [2, 2] ce with the first row of W and b at 0 is [2, 1] bce on the second row.
    let bce = random_spec(&[2, 1], Activation::Linear, MlpLoss::Bce, 20, 0.0, 3);
    let mut ce = bce.clone();
    ce.loss = MlpLoss::Ce;
    ce.layers = vec![2, 2];
    let w = &bce.weights.as_ref().unwrap()[0];
    ce.weights = Some(vec![LayerWeights {
        w: vec![vec![0.0, 0.0], w.w[0].clone()],
        b: vec![0.0, w.b[0]],
    }]);
    let (a, b) = (Mlp::new(bce, 0).unwrap(), Mlp::new(ce, 0).unwrap());
    assert!(close(
        a.loss(&a.initial_params()),
        b.loss(&b.initial_params()),
        1e-14
    ));
    let (pa, pb) = (a.initial_params(), b.initial_params());
    let all: Vec<usize> = (0..20).collect();
    assert_eq!(a.accuracy(&pa, &all), b.accuracy(&pb, &all));
}

/// A `ce` network's predictions: the class of the largest probability, probabilities that
/// sum to 1, accuracy as the share of points whose predicted class is their label, and the
/// drawing path's class and probability close to the exact ones.
#[test]
fn ce_predictions_probabilities_and_grid() {
    let f = Mlp::new(
        random_spec(&[2, 5, 4], Activation::Tanh, MlpLoss::Ce, 40, 0.0, 77),
        0,
    )
    .unwrap();
    let p: Vec<f64> = f.initial_params().iter().map(|v| 2.0 * v).collect();
    let xs: Vec<[f64; 2]> = f.train_points().iter().map(|q| [q[0], q[1]]).collect();
    let mut class = vec![0.0; xs.len()];
    f.predict(&p, &xs, &mut class);
    let mut probs = vec![0.0; xs.len() * 4];
    f.predict_probabilities(&p, &xs, &mut probs);
    let mut correct = 0;
    for (i, row) in probs.chunks_exact(4).enumerate() {
        assert!(close(row.iter().sum(), 1.0, 1e-14));
        assert_eq!(argmax(row) as f64, class[i]);
        correct += usize::from(class[i] == f.train_points()[i][2]);
    }
    let all: Vec<usize> = (0..xs.len()).collect();
    assert_eq!(f.accuracy(&p, &all), correct as f64 / xs.len() as f64);
    let grid_x: Vec<f64> = (0..19).map(|i| -1.0 + 0.11 * f64::from(i)).collect();
    let grid_y = [0.8, -0.3, 0.1];
    let mut classes = vec![0u8; grid_x.len() * 3];
    let mut top = vec![0.0; grid_x.len() * 3];
    f.predict_grid_classes(&p, &grid_x, &grid_y, &mut classes, &mut top);
    let mut plain = vec![0.0; top.len()];
    f.predict_grid(&p, &grid_x, &grid_y, &mut plain);
    assert_eq!(plain, top);
    for (j, &y) in grid_y.iter().enumerate() {
        for (i, &x) in grid_x.iter().enumerate() {
            let mut row = [0.0; 4];
            f.predict_probabilities(&p, &[[x, y]], &mut row);
            let at = j * grid_x.len() + i;
            assert!((top[at] - row[argmax(&row)]).abs() < 1e-5, "{x},{y}");
            // The f32 path may only disagree where two classes are all but tied.
            if usize::from(classes[at]) != argmax(&row) {
                assert!((row[usize::from(classes[at])] - top[at]).abs() < 1e-5);
            }
        }
    }
}
