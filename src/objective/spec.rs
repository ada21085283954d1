//! What a scenario asks to minimise: the `"objective"` object, tagged by `"kind"` — a surface,
//! linear regression, a network or a convolutional network — as the scenario format reads and writes it. Building it into
//! something to evaluate is [`super::model::Model::build`].

use super::cnn::CnnSpec;
use super::linreg::LinReg;
use super::mlp::MlpSpec;
use super::surfaces::SurfaceSpec;
use crate::read::tagged::untag;
use crate::read::{ReadValue, Refusal};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The objective of a scenario; the `"objective"` object, tagged by `"kind"`.
///
/// `Deserialize` is written by hand, without serde's buffering of tagged enums; it reads the
/// JSON the derived `Serialize` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ObjectiveSpec {
    /// An analytic 2-D surface, e.g. `{"kind":"surface","name":"rosenbrock"}`.
    Surface(SurfaceSpec),
    /// Linear regression on (x, y) points: parameters (w, b).
    Linreg(LinReg),
    /// A small multilayer perceptron on 2-D points.
    Mlp(MlpSpec),
    /// A tiny convolutional network on the 8×8 handwritten digits.
    Cnn(CnnSpec),
}

impl<'de> Deserialize<'de> for ObjectiveSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::read::tagged::deserialize_via(deserializer, ObjectiveSpec::from_tagged)
    }
}

impl ReadValue for ObjectiveSpec {
    fn read_value(value: &Value) -> Result<Self, Refusal> {
        ObjectiveSpec::from_tagged(value.clone())
    }
}

impl ObjectiveSpec {
    /// Reads `{"kind": …, the objective's fields…}`.
    pub(crate) fn from_tagged(value: Value) -> Result<Self, Refusal> {
        let (index, rest) = untag(value, "kind", &["surface", "linreg", "mlp", "cnn"])?;
        let spec = match index {
            0 => SurfaceSpec::from_tagged(rest).map(ObjectiveSpec::Surface),
            1 => LinReg::read(&rest).map(ObjectiveSpec::Linreg),
            2 => MlpSpec::read(&rest).map(ObjectiveSpec::Mlp),
            _ => CnnSpec::read(&rest).map(ObjectiveSpec::Cnn),
        };
        spec.map_err(|r| r.accepting_too(&["kind"]))
    }

    /// Checks every field against its accepted range; a refusal's path starts inside the
    /// objective (`kappa`, `dataset.n`, `points[17][0]`).
    pub fn validate(&self) -> Result<(), Refusal> {
        match self {
            ObjectiveSpec::Surface(s) => s.validate(),
            ObjectiveSpec::Linreg(l) => l.validate(),
            ObjectiveSpec::Mlp(m) => m.validate(),
            ObjectiveSpec::Cnn(c) => c.validate(),
        }
    }
}
