//! The per-sample losses of the network output, as the torch losses compute them (see the
//! [module doc](super), "Loss").

use serde::{Deserialize, Serialize};

use super::logistic;

/// The per-sample loss of the network output (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MlpLoss {
    /// Binary cross-entropy on logits, as `torch.nn.BCEWithLogitsLoss`; labels 0 or 1.
    Bce,
    /// Squared error, as `torch.nn.MSELoss`.
    Mse,
    /// Cross-entropy over `k` classes on `k` logits, as `torch.nn.functional.cross_entropy`
    /// (a stable log-softmax, then the negative log-likelihood); labels `0, …, k − 1`.
    Ce,
}

crate::read::fields::read_by_name!(MlpLoss);
impl MlpLoss {
    /// The scenario name: `"bce"`, `"mse"` or `"ce"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MlpLoss::Bce => "bce",
            MlpLoss::Mse => "mse",
            MlpLoss::Ce => "ce",
        }
    }

    /// Network outputs this loss reads for `classes` classes: `k` logits for `ce`, one output
    /// for `bce` and `mse`.
    pub fn outputs_for(self, classes: usize) -> usize {
        match self {
            MlpLoss::Ce => classes,
            MlpLoss::Bce | MlpLoss::Mse => 1,
        }
    }

    /// `(ℓ(z, y), ∂ℓ/∂z)` for a single output `z` and target `y` (`bce`, `mse`; `ce` reads
    /// [`cross_entropy`] over its `k` logits instead and gives `(0, 0)` here).
    #[inline]
    pub fn value_and_derivative(self, z: f64, y: f64) -> (f64, f64) {
        match self {
            MlpLoss::Bce => {
                let e = libm::exp(-z.abs());
                // For z ≥ 0, e^(−|z|) is the very e^(−z) of the logistic: one `exp`, same bits.
                let s = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    logistic(z)
                };
                // max(z, 0) as `f64::max` (0 for NaN), without its library call in wasm.
                let positive = if z.is_nan() || z < 0.0 { 0.0 } else { z };
                (positive - z * y + libm::log1p(e), s - y)
            }
            MlpLoss::Mse => {
                let r = z - y;
                (r * r, 2.0 * r)
            }
            MlpLoss::Ce => (0.0, 0.0),
        }
    }
}

/// The cross-entropy of the logits `z` (one per class) for the class `label`, and its gradient
/// `∂ℓ/∂zⱼ` written into `grad` — PyTorch's `log_softmax` followed by `nll_loss` (see the
/// [module doc](super), "Loss"):
///
/// ```text
/// m = maxⱼ zⱼ,   s = Σⱼ e^(zⱼ − m),   ℓ = log s − (z_y − m),   ∂ℓ/∂zⱼ = e^(zⱼ − m)/s − [j = y]
/// ```
///
/// Shifting by the largest logit keeps every exponent ≤ 0, so nothing overflows (Goodfellow,
/// Bengio & Courville, *Deep Learning*, 2016, §4.1, the stable softmax). A `label` outside
/// `0..z.len()` reads no logit (a validated network never passes one).
///
/// # Panics
/// If `grad.len() != z.len()`.
pub fn cross_entropy(z: &[f64], label: usize, grad: &mut [f64]) -> f64 {
    assert_eq!(grad.len(), z.len(), "cross_entropy: one gradient per logit");
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for (g, &zj) in grad.iter_mut().zip(z) {
        let e = libm::exp(zj - m);
        *g = e;
        s += e;
    }
    for g in grad.iter_mut() {
        *g /= s;
    }
    if let Some(g) = grad.get_mut(label) {
        *g -= 1.0;
    }
    let picked = z.get(label).map_or(0.0, |&zy| zy - m);
    libm::log(s) - picked
}

/// The softmax of the logits `z` into `out` (`pⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m)`, `m` the largest
/// logit, as [`cross_entropy`]), and the index of the most probable class (the first of equals,
/// as `torch.argmax`).
///
/// # Panics
/// If `out.len() != z.len()`.
pub fn softmax(z: &[f64], out: &mut [f64]) -> usize {
    assert_eq!(out.len(), z.len(), "softmax: one probability per logit");
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for (o, &zj) in out.iter_mut().zip(z) {
        *o = libm::exp(zj - m);
        s += *o;
    }
    for o in out.iter_mut() {
        *o /= s;
    }
    argmax(z)
}

/// The index of the largest value (the first of equals; `0` for an empty slice; NaN never wins).
pub fn argmax(z: &[f64]) -> usize {
    let mut best = 0;
    for (j, &v) in z.iter().enumerate() {
        if v > z[best] {
            best = j;
        }
    }
    best
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn bce_loss_is_stable_and_matches_naive_form() {
        for z in [-3.0, -0.2, 0.0, 0.7, 4.0] {
            for y in [0.0, 1.0] {
                let s: f64 = logistic(z);
                let naive = -(y * libm::log(s) + (1.0 - y) * libm::log(1.0 - s));
                let (l, d) = MlpLoss::Bce.value_and_derivative(z, y);
                assert!(close(l, naive, 1e-14), "z={z} y={y}");
                assert_eq!(d, s - y);
            }
        }
        let (l, d) = MlpLoss::Bce.value_and_derivative(800.0, 0.0);
        assert_eq!((l, d), (800.0, 1.0));
        let (l, d) = MlpLoss::Bce.value_and_derivative(-800.0, 0.0);
        assert_eq!((l, d), (0.0, 0.0));
    }

    #[test]
    fn cross_entropy_is_stable_and_matches_naive_form() {
        let z = [0.3, -1.2, 2.0];
        let mut g = [0.0; 3];
        for y in 0..3 {
            let l = cross_entropy(&z, y, &mut g);
            let sum: f64 = z.iter().map(|&v| libm::exp(v)).sum();
            assert!(close(l, -libm::log(libm::exp(z[y]) / sum), 1e-14), "y={y}");
            for j in 0..3 {
                let p = libm::exp(z[j]) / sum;
                let expected = p - if j == y { 1.0 } else { 0.0 };
                assert!(close(g[j], expected, 1e-14), "y={y} j={j}");
            }
        }
        // Huge logits: no overflow.
        let l = cross_entropy(&[1000.0, 0.0], 1, &mut [0.0; 2]);
        assert_eq!(l, 1000.0);
        let mut p = [0.0; 3];
        assert_eq!(softmax(&z, &mut p), 2);
        assert!(close(p.iter().sum(), 1.0, 1e-15));
        // Two classes: ce on logits (0, z) is bce on z.
        for z1 in [-3.0, 0.4, 5.0] {
            for y in [0usize, 1] {
                let ce = cross_entropy(&[0.0, z1], y, &mut [0.0; 2]);
                let (bce, _) = MlpLoss::Bce.value_and_derivative(z1, y as f64);
                assert!(close(ce, bce, 1e-14), "z={z1} y={y}");
            }
        }
        assert_eq!(argmax(&[1.0, 3.0, 3.0]), 1);
    }
}
