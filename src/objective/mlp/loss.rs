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
}

crate::read::fields::read_by_name!(MlpLoss);
impl MlpLoss {
    /// `(ℓ(z, y), ∂ℓ/∂z)` for output `z` and target `y`.
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
                (z.max(0.0) - z * y + libm::log1p(e), s - y)
            }
            MlpLoss::Mse => {
                let r = z - y;
                (r * r, 2.0 * r)
            }
        }
    }
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
}
