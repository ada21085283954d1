//! The built objective of a scenario: one enum over every kind, dispatched without dynamic calls.

use super::linreg::LinReg;
use super::mlp::Mlp;
use super::surfaces::SurfaceSpec;
use super::Objective;
use crate::scenario::{ObjectiveSpec, ScenarioError};

/// An objective ready to evaluate, built from an [`ObjectiveSpec`].
#[derive(Clone, Debug)]
pub enum Model {
    /// An analytic 2-D surface.
    Surface(SurfaceSpec),
    /// Linear regression.
    Linreg(LinReg),
    /// A multilayer perceptron with its data.
    Mlp(Mlp),
}

impl Model {
    /// Builds the objective a scenario describes (`seed` drives any generated data or weights).
    pub fn build(spec: &ObjectiveSpec, _seed: u64) -> Result<Model, ScenarioError> {
        let refuse = |message: String| match message.split_once(": ") {
            Some((field, rest)) if !field.contains(' ') => ScenarioError {
                field: format!("objective.{field}"),
                message: rest.to_string(),
            },
            _ => ScenarioError {
                field: "objective".into(),
                message,
            },
        };
        Ok(match spec {
            ObjectiveSpec::Surface(s) => {
                s.validate().map_err(refuse)?;
                Model::Surface(s.clone())
            }
            ObjectiveSpec::Linreg(l) => {
                l.validate().map_err(refuse)?;
                Model::Linreg(l.clone())
            }
            ObjectiveSpec::Mlp(m) => Model::Mlp(Mlp::new(m.clone()).map_err(refuse)?),
        })
    }

    /// The parameters a run starts from when the scenario gives none: the MLP's weights, or the
    /// origin.
    pub fn initial_params(&self) -> Vec<f64> {
        match self {
            Model::Mlp(m) => m.initial_params(),
            _ => vec![0.0; self.dim()],
        }
    }
}

macro_rules! dispatch {
    ($self:ident, $inner:ident => $body:expr) => {
        match $self {
            Model::Surface($inner) => $body,
            Model::Linreg($inner) => $body,
            Model::Mlp($inner) => $body,
        }
    };
}

impl Objective for Model {
    fn dim(&self) -> usize {
        dispatch!(self, o => o.dim())
    }

    fn sample_count(&self) -> usize {
        dispatch!(self, o => o.sample_count())
    }

    fn loss(&self, params: &[f64]) -> f64 {
        dispatch!(self, o => o.loss(params))
    }

    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        dispatch!(self, o => o.loss_and_gradient(params, grad))
    }

    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        dispatch!(self, o => o.batch_loss_and_gradient(params, batch, grad))
    }

    fn hessian(&self, params: &[f64]) -> Option<Vec<f64>> {
        dispatch!(self, o => o.hessian(params))
    }
}
