//! The page's URL state: a scenario written compactly as query parameters, so a shared link
//! reproduces a run exactly (same seed, same batches), and a mangled link still opens the lab.
//!
//! ```text
//! ?f=rosenbrock&o=sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)&batch=8&seed=3&start=-1.5,2
//! ```
//!
//! | key | meaning |
//! | --- | --- |
//! | `f` | objective: a surface name, or `linreg` |
//! | `kappa`, `angle` | the quadratic's condition number and rotation |
//! | `expr`, `box` | with `f=custom`: the function of x and y, percent-encoded (a literal `+` is a space in a query: write `%2B`), and its view box `x_min,x_max,y_min,y_max` (`view` is the page's tab) |
//! | `data`, `n`, `noise`, `dseed` | linear regression's generated data set |
//! | `layers`, `act`, `acts`, `loss`, `init`, `l2`, `test`, `pts` | the network lab's MLP: hidden units, activations, loss (`bce`, `mse`, `ce`), initialiser, L2, test split, inline points |
//! | `classes` | k classes: the data set's (gaussians, spiral) and, with `loss=ce`, the network's k outputs |
//! | `o` | racers separated by `~`, each `name(key=value,…)` with PyTorch's hyper-parameter names; lists such as `betas` separated by `/`; `batch=` gives a racer its own batch size |
//! | `sched` | `step(step_size=…,gamma=…)`, `exponential(gamma=…)`, `cosine(t_max=…,eta_min=…)` |
//! | `clip`, `batch`, `seed`, `sigma`, `replace`, `steps` | clip norm, batch size, seed, noise σ, sampling with replacement (1/0), step budget |
//! | `start` | `x,y` |
//!
//! Parsing never fails: each value that does not parse or is out of range is ignored — the
//! setting keeps its default — and reported in a sentence naming it, which the page shows.

mod ignored;
mod read;
#[cfg(test)]
mod tests;
mod text;
mod write;

use crate::objective::surfaces::SurfaceSpec;
use crate::objective::ObjectiveSpec;
use crate::optim::{AdamConfig, OptimizerConfig, SgdConfig};
use crate::scenario::{RacerSpec, Scenario};
use serde::Serialize;

pub use ignored::{Ignored, Why};
pub use read::from_query;
pub use write::to_query;

/// A scenario read from a URL, with what was ignored on the way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UrlState {
    /// The scenario to run.
    pub scenario: Scenario,
    /// Each ignored parameter, named, with why.
    pub ignored: Vec<Ignored>,
}

/// The scenario the page opens on: three classics racing on Rosenbrock.
pub fn page_default() -> Scenario {
    Scenario {
        objective: ObjectiveSpec::Surface(SurfaceSpec::Rosenbrock),
        optimizer: OptimizerConfig::Sgd(SgdConfig {
            lr: 1e-3,
            ..SgdConfig::default()
        }),
        schedule: None,
        clip_norm: None,
        batch_size: None,
        with_replacement: false,
        noise: None,
        seed: 0,
        start: Some(vec![-1.5, 2.0]),
        steps: 5000,
        race: vec![
            RacerSpec {
                optimizer: OptimizerConfig::Sgd(SgdConfig {
                    lr: 1e-3,
                    momentum: 0.9,
                    ..SgdConfig::default()
                }),
                batch_size: None,
            },
            RacerSpec {
                optimizer: OptimizerConfig::Adam(AdamConfig {
                    lr: 0.05,
                    ..AdamConfig::default()
                }),
                batch_size: None,
            },
        ],
        stop: None,
        goal: None,
    }
}

/// The network lab's opening scenario: TensorFlow Playground's 2-4-2-1 tanh network on the
/// circle, SGD with momentum in batches of 10.
pub fn network_default() -> Scenario {
    Scenario::from_json(NETWORK_DEFAULT).unwrap_or_else(|_| page_default())
}

const NETWORK_DEFAULT: &str = r#"{"objective":{"kind":"mlp","layers":[2,4,2,1],"activation":"tanh","loss":"bce",
  "dataset":{"name":"circle"}},"optimizer":{"name":"sgd","lr":0.1,"momentum":0.9},"batch_size":10,"steps":100000}"#;

/// The digits lab's opening scenario: the default network (8 channels, padding 1, ReLU, a 2×2
/// pool, the dense layer) trained by Adam in batches of 32 for 450 updates (10 epochs).
pub fn digits_default() -> Scenario {
    Scenario::from_json(DIGITS_DEFAULT).unwrap_or_else(|_| page_default())
}

/// [`digits_default`] as JSON.
pub const DIGITS_DEFAULT: &str = r#"{"objective":{"kind":"cnn","convs":[{"channels":8,"padding":1,"pool":true}],"activation":"relu"},"optimizer":{"name":"adam","lr":0.01},"batch_size":32,"seed":1,"steps":450}"#;

/// The hidden layers of the network lab's default network, as TensorFlow Playground's.
pub(super) const DEFAULT_LAYERS: [usize; 4] = [2, 4, 2, 1];

/// URL keys that set a field of the objective's generated data set.
pub(super) const DATASET_KEYS: &[&str] = &["data", "n", "noise", "dseed", "test"];

/// URL keys of the custom surface (`f=custom`): its expression and view box.
pub(super) const CUSTOM_KEYS: &[&str] = &["expr", "box", "pts"];

pub(super) const KNOWN_KEYS: &[&str] = &[
    "stop_loss",
    "stop_grad",
    "stop_epochs",
    "stop_patience",
    "stop_restore",
    "layers",
    "classes",
    "act",
    "acts",
    "loss",
    "l1",
    "l2",
    "init",
    "test",
    "f",
    "kappa",
    "angle",
    "data",
    "n",
    "noise",
    "dseed",
    "o",
    "sched",
    "clip",
    "batch",
    "seed",
    "sigma",
    "replace",
    "steps",
    "start",
    "goal",
    "convs",
    "scale",
    // Settings of the page itself (read by www/), not of the scenario.
    "speed",
    "axis",
    "cloud",
    "curv",
    "view3d",
    "cam",
    "view",
    "embed",
    "lesson",
    "explain",
    "play",
    "controls",
    "present",
    "lock",
    "lang",
    "host",
];

/// Inline data up to this many points rides in a link (`pts=`); larger data only in the exported
/// scenario JSON.
pub const MAX_URL_POINTS: usize = 300;
