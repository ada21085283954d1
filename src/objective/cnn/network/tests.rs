#![allow(clippy::unwrap_used)]

use super::*;
use crate::objective::gradcheck::gradient_check;
use crate::objective::model::Model;
use crate::objective::ObjectiveSpec;

fn spec(json: &str) -> CnnSpec {
    serde_json::from_str(json).unwrap()
}

/// Twelve training digits inline, for tests that need few.
fn few_images(n: usize) -> Vec<Vec<f64>> {
    let data = digits::digits().unwrap();
    data.train
        .iter()
        .take(n)
        .map(|d| {
            let mut image: Vec<f64> = d.pixels.iter().map(|&p| f64::from(p)).collect();
            image.push(f64::from(d.label));
            image
        })
        .collect()
}

fn model(mut cnn: CnnSpec, images: usize, seed: u64) -> Model {
    cnn.images = Some(few_images(images));
    Model::build(&ObjectiveSpec::Cnn(cnn), seed).unwrap()
}

#[test]
fn the_default_network_has_1370_parameters_and_the_digits_split() {
    let cnn = Cnn::new(CnnSpec::default(), 0).unwrap();
    assert_eq!(cnn.dim(), 8 * 9 + 8 + 10 * 128 + 10);
    assert_eq!(cnn.initial_params().len(), 1370);
    assert_eq!((cnn.sample_count(), cnn.test_samples().len()), (1438, 359));
    let p = cnn.initial_params();
    // He draws for the relu default, zero biases.
    assert!(p[72..80].iter().all(|&b| b == 0.0));
    assert!(p[..72].iter().all(|&w| w != 0.0));
    let loss = cnn.loss(&p);
    assert!(loss.is_finite() && loss > 0.5, "{loss}");
    let probabilities = cnn.probabilities(&p, &cnn.test_samples()[0].input);
    assert!((probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let confusion = cnn.confusion(&p);
    assert_eq!(confusion.iter().sum::<u32>(), 359);
}

#[test]
fn shapes_follow_padding_and_pooling() {
    let g = Geometry::of(&spec(
        r#"{"convs":[{"channels":4,"padding":0,"pool":true},{"channels":3,"padding":1}],"activation":"tanh"}"#,
    )
    .convs)
    .unwrap();
    // 8 → 6 → pool 3 → 3 (padding 1).
    assert_eq!(
        g.convs
            .iter()
            .map(|c| (c.s_in, c.s_conv, c.s_out))
            .collect::<Vec<_>>(),
        [(8, 6, 3), (3, 3, 3)]
    );
    assert_eq!(g.dense_in, 27);
    assert_eq!(g.dim, 4 * 9 + 4 + 3 * 4 * 9 + 3 + 10 * 27 + 10);
    assert_eq!(g.layer_ranges(), [0..40, 40..151, 151..431]);
}

#[test]
fn gradients_match_finite_differences() {
    for (json, images) in [
        (
            r#"{"convs":[{"channels":2,"padding":1,"pool":true}],"activation":"tanh"}"#,
            5,
        ),
        (
            r#"{"convs":[{"channels":3,"padding":0,"pool":false}],"activation":"sigmoid"}"#,
            4,
        ),
        (
            r#"{"convs":[{"channels":2,"padding":1,"pool":true},{"channels":3,"padding":1,"pool":true}],"activation":"tanh"}"#,
            4,
        ),
        (
            r#"{"convs":[{"channels":2,"padding":0},{"channels":2,"padding":0,"pool":true}],"activation":"linear"}"#,
            3,
        ),
        (
            r#"{"convs":[{"channels":3,"padding":1,"pool":true},{"channels":2,"padding":1}],"activation":"relu","init":"xavier"}"#,
            3,
        ),
    ] {
        let m = model(spec(json), images, 3);
        // Away from zero biases, where ReLU's kink at 0 would meet blank patches of the image.
        let p: Vec<f64> = (m.initial_params().iter().enumerate())
            .map(|(k, w)| w + 0.05 * libm::sin(k as f64))
            .collect();
        let check = gradient_check(&m, &p, 1e-5);
        assert!(
            check.worst.relative_error < 1e-5,
            "{json}: {} {:?}",
            check.verdict,
            check.worst
        );
        assert_eq!(check.groups.len(), spec(json).convs.len() + 1);
    }
}

#[test]
fn batch_gradients_are_means_over_their_samples() {
    let m = model(CnnSpec::default(), 6, 1);
    let p = m.initial_params();
    let (mut whole, mut a, mut b) = (vec![0.0; m.dim()], vec![0.0; m.dim()], vec![0.0; m.dim()]);
    let loss = m.loss_and_gradient(&p, &mut whole);
    let la = m.batch_loss_and_gradient(&p, &[0, 1, 2, 3], &mut a);
    let lb = m.batch_loss_and_gradient(&p, &[4, 5], &mut b);
    assert!((loss - (4.0 * la + 2.0 * lb) / 6.0).abs() < 1e-14);
    for k in 0..m.dim() {
        assert!((whole[k] - (4.0 * a[k] + 2.0 * b[k]) / 6.0).abs() < 1e-14);
    }
    assert_eq!(m.loss(&p), loss);
}

/// Ties in a pool window go to the first in row order (PyTorch's CPU kernel), so with ReLU's
/// zeros the gradient reaches one input only.
#[test]
fn pool_ties_go_to_the_first_in_row_order() {
    let c = Geometry::of(
        &spec(r#"{"convs":[{"channels":1,"padding":1,"pool":true}],"activation":"relu"}"#).convs,
    )
    .unwrap()
    .convs[0];
    let mut acts = vec![0.0; 64];
    acts[9] = 2.0; // row 1, column 1: the last of the first window
    acts[2] = 1.0; // the second window's first entry, tied with none
    acts[3] = 1.0; // tied with it, later
    let (mut out, mut chosen) = (vec![0.0; 16], vec![0; 16]);
    let mut to = Destination {
        buffer: &mut out,
        pad: 0,
    };
    pool(&c, &acts, &mut to, &mut chosen);
    assert_eq!((out[0], chosen[0]), (2.0, 9));
    assert_eq!((out[1], chosen[1]), (1.0, 2));
    assert_eq!((out[2], chosen[2]), (0.0, 4));
}

#[test]
fn training_learns_the_digits() {
    let cnn = CnnSpec {
        train_size: Some(300),
        ..CnnSpec::default()
    };
    let m = Cnn::new(cnn, 0).unwrap();
    let mut p = m.initial_params();
    let before = m.accuracy(&p, true).unwrap();
    let mut g = vec![0.0; m.dim()];
    for _ in 0..60 {
        m.loss_and_gradient(&p, &mut g);
        for (pk, gk) in p.iter_mut().zip(&g) {
            *pk -= 0.5 * gk;
        }
    }
    let after = m.accuracy(&p, true).unwrap();
    assert!(after > 0.7 && after > before + 0.3, "{before} → {after}");
}

#[test]
fn bad_fields_are_refused_by_name() {
    let refuse = |json: &str, expected: &str| {
        let message = match serde_json::from_str::<CnnSpec>(json) {
            Ok(s) => Cnn::new(s, 0).unwrap_err().to_string(),
            Err(e) => e.to_string(),
        };
        assert_eq!(message, expected, "{json}");
    };
    refuse(
        r#"{"convs":[],"activation":"relu"}"#,
        "convs: 0 convolutions given (accepted: at least 1)",
    );
    refuse(
        r#"{"convs":[{"channels":9}],"activation":"relu"}"#,
        "convs[0].channels: 9 is out of range (accepted: a whole number, 1 ≤ channels ≤ 8)",
    );
    refuse(
        r#"{"convs":[{"channels":2,"padding":2}],"activation":"relu"}"#,
        "convs[0].padding: 2 is out of range (accepted: a whole number, 0 ≤ padding ≤ 1)",
    );
    refuse(
        r#"{"convs":[{"channels":2,"padding":0,"pool":true},{"channels":2,"padding":0,"pool":true}],"activation":"relu"}"#,
        "convs[1].pool: the maps are 1×1 here, too small for a 2×2 pool",
    );
    refuse(
        r#"{"convs":[{"channels":2}],"activation":"relu","weights":[1,2]}"#,
        "weights: 2 parameters given (accepted: exactly 1310)",
    );
    refuse(
        r#"{"convs":[{"channels":2}],"activation":"relu","images":[[1,2]]}"#,
        "images[0]: 2 entries given (accepted: exactly 65)",
    );
    refuse(
        r#"{"convs":[{"channels":2}],"activation":"relu","train_size":5000}"#,
        "train_size: 5000 is out of range (accepted: a whole number, 1 ≤ train_size ≤ 1438)",
    );
    refuse(
        r#"{"convs":[{"channels":2}],"activation":"relu","init_scale":0}"#,
        "init_scale: 0 is out of range (accepted: 0 < init_scale ≤ 100)",
    );
}
