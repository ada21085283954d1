//! The hidden layers' nonlinearities: each one's value and its derivative in terms of its
//! output, as torch's backward formulas compute it (the table of the [module doc](super)).

use serde::{Deserialize, Serialize};

use crate::objective::tanh::tanh;

/// The nonlinearity of the hidden layers (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// `tanh z`, as `torch.tanh`.
    Tanh,
    /// `max(z, 0)`, as `torch.relu`.
    Relu,
    /// `1 / (1 + e^(−z))`, as `torch.sigmoid`.
    Sigmoid,
    /// The identity.
    Linear,
}

crate::read::fields::read_by_name!(Activation);
impl Activation {
    /// `σ(z)`.
    #[inline]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => tanh(z),
            Activation::Relu => z.max(0.0),
            Activation::Sigmoid => logistic(z),
            Activation::Linear => z,
        }
    }

    /// `σ′(z)` expressed through the output `a = σ(z)`, as torch's backward formulas compute it.
    #[inline]
    pub fn derivative_from_output(self, a: f64) -> f64 {
        match self {
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Linear => 1.0,
        }
    }
}

/// The logistic function `1 / (1 + e^(−z))` (saturates to exactly 0 or 1, never `NaN`).
#[inline]
pub fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}
