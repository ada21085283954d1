//! What the unit tests of the network share: every activation and loss, seeded random networks
//! on random data, and the finite-difference check of the gradient.
#![allow(clippy::unwrap_used)]

use super::{Activation, LayerWeights, Mlp, MlpLoss, MlpSpec};
use crate::objective::Objective;

/// Every activation.
pub(super) const ACTIVATIONS: [Activation; 4] = [
    Activation::Tanh,
    Activation::Relu,
    Activation::Sigmoid,
    Activation::Linear,
];
/// Every loss.
pub(super) const LOSSES: [MlpLoss; 2] = [MlpLoss::Bce, MlpLoss::Mse];

/// `|a − b| ≤ rel · max(|a|, |b|, 1)`.
pub(super) fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// SplitMix64, for reproducible test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A network of `layers` with random weights and biases on `n` random points in [−1, 1]²
/// (labels 0/1 for `bce`, `0..K` for `ce` with `K` outputs, real targets for `mse`), all drawn
/// from `seed`.
pub(super) fn random_spec(
    layers: &[usize],
    activation: Activation,
    loss: MlpLoss,
    n: usize,
    l2: f64,
    seed: u64,
) -> MlpSpec {
    let mut rng = Rng(seed);
    let points = (0..n)
        .map(|_| {
            let (x1, x2) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
            let target = match loss {
                MlpLoss::Bce => f64::from(u8::from(rng.uniform(0.0, 1.0) < 0.5)),
                MlpLoss::Mse => rng.uniform(-1.0, 1.0),
                MlpLoss::Ce => {
                    let k = layers.last().copied().unwrap_or(2) as f64;
                    rng.uniform(0.0, k).floor()
                }
            };
            [x1, x2, target]
        })
        .collect();
    let weights = layers
        .windows(2)
        .map(|pair| LayerWeights {
            w: (0..pair[1])
                .map(|_| (0..pair[0]).map(|_| rng.uniform(-1.0, 1.0)).collect())
                .collect(),
            b: (0..pair[1]).map(|_| rng.uniform(-0.5, 0.5)).collect(),
        })
        .collect();
    MlpSpec {
        layers: layers.to_vec(),
        activation,
        activations: None,
        loss,
        points: Some(points),
        dataset: None,
        weights: Some(weights),
        init: None,
        l2,
        l1: 0.0,
    }
}

/// Central finite differences of the batch loss, compared with the analytic gradient.
pub(super) fn check_gradient(f: &Mlp, params: &[f64], batch: &[usize], context: &str) {
    let mut grad = vec![0.0; f.dim()];
    let loss = f.batch_loss_and_gradient(params, batch, &mut grad);
    assert!(
        close(loss, f.loss_on(params, batch), 1e-15),
        "{context}: loss_on"
    );
    let mut scratch = vec![0.0; f.dim()];
    let h = 1e-6;
    let mut p = params.to_vec();
    for k in 0..f.dim() {
        p[k] = params[k] + h;
        let plus = f.batch_loss_and_gradient(&p, batch, &mut scratch);
        p[k] = params[k] - h;
        let minus = f.batch_loss_and_gradient(&p, batch, &mut scratch);
        p[k] = params[k];
        let fd = (plus - minus) / (2.0 * h);
        assert!(
            (grad[k] - fd).abs() <= 1e-7 * (1.0 + grad[k].abs()),
            "{context}: ∂/∂θ[{k}] analytic {} vs finite difference {fd}",
            grad[k]
        );
    }
}

/// The spec a test writes as JSON.
pub(super) fn dataset_spec(json: &str) -> MlpSpec {
    serde_json::from_str(json).unwrap()
}
