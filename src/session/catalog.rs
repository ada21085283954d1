//! The page's menus, read from the registries: the optimizers ([`crate::optim::OPTIMIZERS`]),
//! the objectives of the surface lab and the data sets of the network lab.

use crate::data::datasets::{DatasetKind, DatasetName};
use crate::objective::surfaces::SurfaceSpec;
use serde::Serialize;

/// An entry of the Optimizer menu.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OptimizerEntry {
    /// The scenario name.
    pub name: &'static str,
    /// The name in print.
    pub title: &'static str,
    /// The learning rate a racer switched to it starts with.
    pub lr: f64,
    /// What a step needs besides the gradient (`hessian`: offered only where the objective has
    /// one).
    pub needs: crate::optim::Needs,
    /// Hyper-parameters a scenario leaves out when unset, which the page shows all the same.
    pub optional: &'static [&'static str],
}

/// Every optimizer, in the registry's order.
pub fn optimizers() -> Vec<OptimizerEntry> {
    crate::optim::OPTIMIZERS
        .iter()
        .map(|entry| OptimizerEntry {
            name: entry.name,
            title: entry.title,
            lr: entry.starting_lr,
            needs: entry.needs,
            optional: entry.optional,
        })
        .collect()
}

/// An entry of the Surface menu.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurfaceEntry {
    /// The surface's scenario name, or `linreg` for linear regression.
    pub name: &'static str,
    /// The name in print.
    pub title: &'static str,
}

/// The objectives the Surface menu offers: every built-in surface, your own function, and
/// linear regression.
pub fn surfaces() -> Vec<SurfaceEntry> {
    let mut entries: Vec<_> = SurfaceSpec::all()
        .iter()
        .map(|s| SurfaceEntry {
            name: s.name(),
            title: s.title(),
        })
        .collect();
    entries.push(SurfaceEntry {
        name: "custom",
        title: "Your function f(x, y)",
    });
    entries.push(SurfaceEntry {
        name: "linreg",
        title: "Linear regression (w, b)",
    });
    entries
}

/// An entry of the network lab's Data set menu.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatasetEntry {
    /// The data set's scenario name.
    pub name: &'static str,
    /// The name in print.
    pub title: &'static str,
    /// `classification` or `regression`.
    pub kind: &'static str,
    /// The most classes it can be drawn with (the `classes` field: 2 … this; 2 for most
    /// classification sets, 0 for regression).
    pub max_classes: usize,
}

/// The data sets a network trains on (every one but the 1-D `linear`, which belongs to linear
/// regression).
pub fn datasets() -> Vec<DatasetEntry> {
    DatasetName::ALL
        .iter()
        .filter(|name| name.kind() != DatasetKind::Regression1d)
        .map(|name| DatasetEntry {
            name: name.as_str(),
            title: name.info().title,
            kind: if name.kind() == DatasetKind::Classification {
                "classification"
            } else {
                "regression"
            },
            max_classes: name.info().max_classes,
        })
        .collect()
}
