//! Values of the right kind and range that do not fit the rest of the scenario — Nesterov without
//! momentum, a typo in your own function, a pool on maps too small for it — as data: an id and
//! the numbers and names the sentence needs. Serialised for the page as
//! `{"id":"nesterov_needs_momentum"}`, `{"id":"pool_too_small","size":1}`, so it words them from
//! its catalogues (www/messages.js, `messages.unfit.<id>`); `Display` is the CLI's English.

use crate::objective::expr::ExprError;
use serde::Serialize;
use std::fmt;

/// Why there is no test split for early stopping to watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoSplit {
    /// The objective is a 2-D surface: it has no data.
    Surface,
    /// The images are given inline: all of them train.
    InlineImages,
    /// The points are given inline: all of them train.
    InlinePoints,
    /// The data set's `test_fraction` is 0.
    FractionZero,
    /// The data set is so small that its held-out share rounds to no point.
    NoPointHeldOut,
}

impl fmt::Display for NoSplit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoSplit::Surface => "a 2-D surface has no data",
            NoSplit::InlineImages => "inline images are all training images",
            NoSplit::InlinePoints => "inline points are all training points",
            NoSplit::FractionZero => "the data set's test_fraction is 0",
            NoSplit::NoPointHeldOut => "the data set holds no point out",
        })
    }
}

/// What does not fit, with the numbers and names that say what would.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "id", rename_all = "snake_case")]
pub enum Unfit {
    /// An optimizer name no optimizer has.
    UnknownOptimizer {
        /// The name given.
        name: String,
    },
    /// Nesterov momentum with momentum 0 or with dampening.
    NesterovNeedsMomentum,
    /// The tuner was asked for a racer the scenario does not have.
    NoSuchRacer {
        /// The racer asked for (0 is the scenario's own optimizer).
        racer: usize,
        /// The last racer there is.
        most: usize,
    },
    /// A goal with more than one budget.
    GoalOneBudget,
    /// A goal not written as `loss<0.01@samples<=200`.
    GoalForm,
    /// `restore_best` without `patience`.
    RestoreNeedsPatience,
    /// The gradient-noise model on a data objective.
    NoiseOnSurfacesOnly,
    /// Your own function is not finite at the start.
    StartNotFinite {
        /// The start's x.
        x: f64,
        /// The start's y.
        y: f64,
        /// The function's value there (NaN or infinite; `null` in JSON).
        f: f64,
    },
    /// Your own function's gradient is not finite at the start.
    GradientNotFinite {
        /// The start's x.
        x: f64,
        /// The start's y.
        y: f64,
        /// The gradient there (an entry NaN or infinite; `null` in JSON).
        gradient: [f64; 2],
    },
    /// A typo in your own function: where, and what (see [`ExprError`]).
    Formula {
        /// The parser's account.
        error: ExprError,
    },
    /// A view that is not a box `[x_min, x_max, y_min, y_max]`.
    NotABox {
        /// The four numbers given.
        view: [f64; 4],
    },
    /// An optimizer that needs an exact Hessian on an objective without one.
    NeedsHessian {
        /// The optimizer's name.
        optimizer: &'static str,
    },
    /// Early stopping without a test split.
    NoTestSplit {
        /// Why there is none.
        why: NoSplit,
    },
    /// Both inline points and a generated data set.
    PointsOrDataset,
    /// A data set that is not the 1-D regression set linear regression needs.
    NeedsLinear {
        /// The data set's name, when it is another.
        name: Option<&'static str>,
    },
    /// An MLP that is not 2 inputs → … → outputs.
    TooFewLayers {
        /// The layers given.
        found: usize,
    },
    /// An MLP input layer other than 2 units.
    InputUnits {
        /// The units given.
        found: usize,
    },
    /// Cross-entropy with one output.
    CeOneOutput,
    /// Cross-entropy with more outputs than classes are offered.
    CeOutputs {
        /// The outputs given.
        found: usize,
        /// The most classes.
        most: usize,
    },
    /// BCE or MSE with more than one output.
    OneOutput {
        /// The loss (`bce`, `mse`).
        loss: &'static str,
        /// The outputs given.
        found: usize,
    },
    /// Cross-entropy whose outputs differ from the data set's classes.
    OutputsNotClasses {
        /// The output units.
        outputs: usize,
        /// The data set's classes.
        classes: usize,
    },
    /// BCE or MSE on a data set with more than two classes.
    TwoClasses {
        /// The loss (`bce`, `mse`).
        loss: &'static str,
        /// The data set's classes.
        classes: usize,
    },
    /// A list with one entry per hidden layer of the wrong length.
    PerHiddenLayer {
        /// The entries expected.
        expected: usize,
        /// The entries given.
        found: usize,
        /// The network's layer sizes.
        layers: Vec<usize>,
    },
    /// Weights given together with an initialisation.
    WeightsOrInit,
    /// Weights for the wrong number of layers.
    WeightLayers {
        /// The layers expected.
        expected: usize,
        /// The layers given.
        found: usize,
        /// The network's layer sizes.
        layers: Vec<usize>,
    },
    /// A weight matrix with the wrong number of rows.
    WeightRows {
        /// The rows expected.
        rows: usize,
        /// The entries a row has.
        columns: usize,
        /// The rows given.
        found: usize,
    },
    /// A weight row or bias with the wrong number of entries.
    WeightEntries {
        /// The entries expected.
        expected: usize,
        /// The entries given.
        found: usize,
    },
    /// A BCE label other than 0 or 1.
    BceLabel {
        /// The label given.
        label: f64,
    },
    /// A cross-entropy label that is not one of the classes.
    CeLabel {
        /// The last class.
        most: usize,
        /// The label given.
        label: f64,
    },
    /// A data set of other than 2 inputs for the MLP.
    MlpTwoInputs,
    /// A 1-D regression set for the MLP.
    OneDimensionalSet {
        /// The data set's name.
        name: &'static str,
    },
    /// BCE or cross-entropy on a set with real targets.
    RealTargets {
        /// The loss (`bce`, `ce`).
        loss: &'static str,
        /// The data set's name.
        name: &'static str,
    },
    /// A data set other than the two-class ones given more classes.
    TwoClassSet {
        /// The data set's name.
        name: &'static str,
        /// The most classes the sets that take more offer.
        most: usize,
    },
    /// Inline images together with `train_size`.
    ImagesOrTrainSize,
    /// The digits are not installed yet.
    DigitsNotLoaded,
    /// The digits lab given an objective other than a CNN.
    DigitsNeedCnn,
    /// A CNN asked of a build without feature `cnn` (the surface and network page's module).
    CnnNotInThisBuild,
    /// A multilayer perceptron asked of a build without feature `mlp` (the first screen's
    /// module; the page loads the whole page's module before it opens a network).
    MlpNotInThisBuild,
    /// Maps too small for a 3×3 kernel without padding.
    KernelTooLarge {
        /// The maps' side.
        size: usize,
    },
    /// Maps too small for a 2×2 pool.
    PoolTooLarge {
        /// The maps' side.
        size: usize,
    },
}

impl fmt::Display for Unfit {
    /// The CLI's sentence: what does not fit, and what would.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::compact;
        match self {
            Unfit::UnknownOptimizer { name } => write!(f, "unknown optimizer `{name}`"),
            Unfit::NesterovNeedsMomentum => {
                f.write_str("Nesterov momentum requires a momentum > 0 and zero dampening")
            }
            Unfit::NoSuchRacer { racer, most } => write!(
                f,
                "there is no racer {racer} to tune (accepted: 0 … {most}; 0 is the scenario's optimizer)"
            ),
            Unfit::GoalOneBudget => f.write_str("a goal has one budget: steps, samples or epochs"),
            Unfit::GoalForm => f.write_str(
                "write the goal as loss<0.01, or with a budget as loss<0.01@steps<=500, loss<0.01@samples<=200 or loss<0.01@epochs<=5",
            ),
            Unfit::RestoreNeedsPatience => {
                f.write_str("restore_best belongs to early stopping: give patience too")
            }
            Unfit::NoiseOnSurfacesOnly => f.write_str(
                "the noise model applies to the 2-D surfaces only; data objectives have real mini-batch noise",
            ),
            Unfit::StartNotFinite { x, y, f: value } => write!(
                f,
                "f is not finite at ({}, {}): f = {value}; choose a start where the function is defined",
                compact(*x),
                compact(*y)
            ),
            Unfit::GradientNotFinite {
                x,
                y,
                gradient: [gx, gy],
            } => write!(
                f,
                "the gradient of f is not finite at ({}, {}): ∇f = [{gx}, {gy}]; choose a start where the function is smooth",
                compact(*x),
                compact(*y)
            ),
            Unfit::Formula { error } => write!(f, "{error}"),
            Unfit::NotABox { view } => {
                let shown: Vec<String> = view.iter().map(|c| compact(*c)).collect();
                write!(
                    f,
                    "[{}] is not a box (accepted: [x_min, x_max, y_min, y_max] with x_min < x_max, y_min < y_max, each finite with |value| ≤ 1e12)",
                    shown.join(", ")
                )
            }
            Unfit::NeedsHessian { optimizer } => write!(
                f,
                "{optimizer} needs an exact Hessian, which only the 2-D surfaces and linear regression have"
            ),
            Unfit::NoTestSplit { why } => write!(
                f,
                "early stopping watches the test loss, and there is no test split ({why}); use a generated data set with test_fraction > 0"
            ),
            Unfit::PointsOrDataset => f.write_str("give either points or dataset, not both"),
            Unfit::NeedsLinear { name: Some(name) } => write!(
                f,
                "{name} is not a 1-D regression set; linear regression needs \"linear\""
            ),
            Unfit::NeedsLinear { name: None } => {
                f.write_str("linear regression needs \"linear\"")
            }
            Unfit::TooFewLayers { found } => write!(
                f,
                "expected at least 2 entries (input and output), got {found}"
            ),
            Unfit::InputUnits { found } => {
                write!(f, "the input layer must have 2 units, got {found}")
            }
            Unfit::CeOneOutput => f.write_str(
                "ce needs one output per class, so at least 2 (with 1 output, use bce for two classes)",
            ),
            Unfit::CeOutputs { found, most } => write!(
                f,
                "ce takes one output per class, 2 to {most}, got {found}"
            ),
            Unfit::OneOutput { loss, found } => write!(
                f,
                "the output layer must have 1 unit for {loss}, got {found} (ce takes one per class)"
            ),
            Unfit::OutputsNotClasses { outputs, classes } => write!(
                f,
                "the output layer has {outputs} units but the data set has {classes} classes (ce takes one output per class)"
            ),
            Unfit::TwoClasses { loss, classes } => write!(
                f,
                "{loss} takes 2 classes, but the data set has {classes} (use ce)"
            ),
            Unfit::PerHiddenLayer {
                expected,
                found,
                layers,
            } => write!(
                f,
                "expected {expected} entries (one per hidden layer of {layers:?}), got {found}"
            ),
            Unfit::WeightsOrInit => f.write_str(
                "weights are given, so init does not apply (give one or the other)",
            ),
            Unfit::WeightLayers {
                expected,
                found,
                layers,
            } => write!(
                f,
                "expected {expected} layers for layers {layers:?}, got {found}"
            ),
            Unfit::WeightRows {
                rows,
                columns,
                found,
            } => write!(f, "expected {rows} rows of {columns}, got {found} rows"),
            Unfit::WeightEntries { expected, found } => {
                write!(f, "expected {expected} entries, got {found}")
            }
            Unfit::BceLabel { label } => {
                write!(f, "a bce label must be 0 or 1, got {}", compact(*label))
            }
            Unfit::CeLabel { most, label } => write!(
                f,
                "a ce label must be a whole number from 0 to {most} (one class per output), got {}",
                compact(*label)
            ),
            Unfit::MlpTwoInputs => f.write_str("the MLP takes 2 inputs (use plane)"),
            Unfit::OneDimensionalSet { name } => write!(
                f,
                "{name} has 1-D inputs and the MLP takes 2 (use plane, or the linreg objective)"
            ),
            Unfit::RealTargets { loss, name } => {
                let needs = if *loss == "bce" {
                    "bce needs labels 0 or 1"
                } else {
                    "ce needs class labels 0, 1, …"
                };
                write!(f, "{needs}, but {name} has real targets (use mse)")
            }
            Unfit::TwoClassSet { name, most } => write!(
                f,
                "{name} has 2 classes (gaussians and spiral take 2 to {most})"
            ),
            Unfit::ImagesOrTrainSize => {
                f.write_str("images are given inline, so train_size does not apply")
            }
            Unfit::DigitsNotLoaded => f.write_str("the digits are not loaded yet"),
            Unfit::DigitsNeedCnn => f.write_str("the digits lab trains a cnn"),
            Unfit::CnnNotInThisBuild => f.write_str(
                "this build leaves the convolutional network out (it is in the digits lab's module)",
            ),
            Unfit::MlpNotInThisBuild => f.write_str(
                "this build leaves the network out (it is in the whole page's module)",
            ),
            Unfit::KernelTooLarge { size } => write!(
                f,
                "the maps are {size}×{size} here, too small for a 3×3 kernel without padding"
            ),
            Unfit::PoolTooLarge { size } => {
                write!(f, "the maps are {size}×{size} here, too small for a 2×2 pool")
            }
        }
    }
}
