//! The one list of optimizers, and the [`Optimizer`] trait each of them implements.
//!
//! An optimizer is one file: its config type (the hyper-parameters, plain data with PyTorch's
//! names and defaults), its state type, and `impl Optimizer for` the config — its catalog entry
//! ([`OptimizerInfo`]: scenario name, name in print, starting learning rate, what a step needs,
//! notes for the docs) and its `init`/`step` pair, as optax's `init`/`update`. The
//! [`optimizers!`] list below names each one once; from it come [`OptimizerConfig`] (the
//! scenario's `"optimizer"` object), [`OptimizerState`], [`OPTIMIZERS`] (what the scenario
//! reader, the URL reader, the page's menu and the docs' table read) and every dispatch `match`.
//! Adding an optimizer: write its file and tests, add one line to the list.

use super::*;
use serde::{Deserialize, Serialize};

/// What a step needs besides the gradient of the batch at the parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Needs {
    /// The gradient alone (every first-order rule).
    Gradient,
    /// The objective's Hessian at the parameters ([`StepContext::hessian`]): Newton's method.
    Hessian,
    /// The exact objective itself, evaluated away from the parameters
    /// ([`StepContext::objective`]): L-BFGS. Such a rule always sees the full objective — no
    /// batches, no gradient noise, no clipping.
    Objective,
}

/// An optimizer's entry in the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct OptimizerInfo {
    /// The scenario name (`"sgd"`, `"lbfgs"`, …): the serde tag of its [`OptimizerConfig`].
    pub name: &'static str,
    /// The name in print: `"SGD"`, `"L-BFGS"`.
    pub title: &'static str,
    /// A learning rate that makes progress without diverging on the built-in surfaces (where a
    /// learner who switches to it starts).
    pub starting_lr: f64,
    /// What a step needs.
    pub needs: Needs,
    /// Hyper-parameters left out of a scenario when unset (`null` means automatic), which the
    /// page shows all the same.
    pub optional: &'static [&'static str],
    /// What the docs' table says beside the defaults (constraints, the form of the rule).
    pub note: &'static str,
}

/// One update rule: `Self` is its hyper-parameters, [`Optimizer::State`] what it carries from
/// step to step (optax's `init`/`update` pair; argmin's solver). Implemented in each rule's file
/// over its own inherent `validate`, `init` and update.
pub trait Optimizer {
    /// The state between steps: moments, buffers, step count.
    type State;
    /// The catalog entry.
    const INFO: OptimizerInfo;
    /// The base learning rate, before any schedule.
    fn lr(&self) -> f64;
    /// Sets the base learning rate.
    fn set_lr(&mut self, lr: f64);
    /// Checks every hyper-parameter against its accepted range, as `torch.optim` constructors do.
    fn check(&self) -> Result<(), Refusal>;
    /// A fresh state for `dim` parameters.
    fn fresh_state(&self, dim: usize) -> Self::State;
    /// One step: updates `params` in place from `grad`, the batch gradient at `params` (which the
    /// rule may overwrite), with what `ctx` gives.
    fn step(
        &self,
        state: &mut Self::State,
        params: &mut [f64],
        grad: &mut [f64],
        ctx: StepContext<'_>,
    ) -> Result<(), StepError>;
}

/// Implements [`Optimizer`] for a first-order rule — one that needs the gradient alone — from
/// its inherent `validate`, `init` and `update(state, params, grad, lr)` and its catalog entry:
///
/// ```text
/// gradient_rule! {
///     SgdConfig => SgdState,
///     name: "sgd",
///     title: "SGD",
///     starting_lr: 1e-3,
///     note: "…",            // optional: what the docs' table adds to the defaults
/// }
/// ```
macro_rules! gradient_rule {
    (
        $config:ty => $state:ty,
        name: $name:literal,
        title: $title:literal,
        starting_lr: $starting_lr:expr,
        $( note: $note:literal, )?
    ) => {
        impl $crate::optim::Optimizer for $config {
            type State = $state;
            const INFO: $crate::optim::OptimizerInfo = $crate::optim::OptimizerInfo {
                name: $name,
                title: $title,
                starting_lr: $starting_lr,
                needs: $crate::optim::Needs::Gradient,
                optional: &[],
                note: concat!("" $(, $note)?),
            };

            fn lr(&self) -> f64 {
                self.lr
            }

            fn set_lr(&mut self, lr: f64) {
                self.lr = lr;
            }

            fn check(&self) -> Result<(), $crate::optim::Refusal> {
                self.validate()
            }

            fn fresh_state(&self, dim: usize) -> $state {
                self.init(dim)
            }

            #[inline]
            fn step(
                &self,
                state: &mut $state,
                params: &mut [f64],
                grad: &mut [f64],
                ctx: $crate::optim::StepContext<'_>,
            ) -> Result<(), $crate::optim::StepError> {
                self.update(state, params, grad, ctx.lr);
                Ok(())
            }
        }
    };
}
pub(crate) use gradient_rule;

/// Declares the optimizers from one list, one line each:
///
/// ```text
/// /// doc of the variant
/// Variant(ConfigType) => StateVariant(StateType),   // a rule with its own state
/// Variant(ConfigType) => StateVariant,              // a rule sharing another's state
/// ```
///
/// and generates [`OptimizerConfig`] (variant names lowercased are the scenario names; a test
/// checks they are the [`OptimizerInfo::name`]s), [`OptimizerState`], [`OPTIMIZERS`] and the
/// dispatch of [`OptimizerConfig`]'s methods, each arm calling the [`Optimizer`] impl.
macro_rules! optimizers {
    ($(
        $(#[$doc:meta])*
        $variant:ident($config:ty) => $state:ident $(($state_type:ty))?,
    )*) => {
        /// Any optimizer the lab knows, with its hyper-parameters; the `"optimizer"` object of a
        /// scenario.
        ///
        /// `Deserialize` is written by hand, without serde's buffering of tagged enums; it reads
        /// the JSON the derived `Serialize` writes.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "name", rename_all = "lowercase")]
        pub enum OptimizerConfig {
            $( $(#[$doc])* $variant($config), )*
        }

        /// The state of any optimizer; the variant matches its [`OptimizerConfig`].
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "name", rename_all = "lowercase")]
        pub enum OptimizerState {
            $( $(
                #[doc = concat!("State of [`", stringify!($config), "`].")]
                $state($state_type),
            )? )*
        }

        /// Every optimizer's catalog entry, in the order of the list: the one table from which
        /// the scenario reader, the URL reader, the page's Optimizer menu and the docs take
        /// their names.
        pub const OPTIMIZERS: &[OptimizerInfo] = &[ $( <$config as Optimizer>::INFO, )* ];

        impl OptimizerConfig {
            /// This optimizer's entry in [`OPTIMIZERS`].
            pub fn info(&self) -> &'static OptimizerInfo {
                match self {
                    $( OptimizerConfig::$variant(_) => &<$config as Optimizer>::INFO, )*
                }
            }

            /// What a step of this optimizer needs besides the gradient.
            #[inline]
            pub const fn needs(&self) -> Needs {
                match self {
                    $( OptimizerConfig::$variant(_) => <$config as Optimizer>::INFO.needs, )*
                }
            }

            /// The configured (base) learning rate, before any schedule.
            pub fn lr(&self) -> f64 {
                match self {
                    $( OptimizerConfig::$variant(c) => Optimizer::lr(c), )*
                }
            }

            /// The same optimizer with base learning rate `lr` (for learning-rate tuning).
            pub fn with_lr(&self, lr: f64) -> OptimizerConfig {
                let mut config = self.clone();
                match &mut config {
                    $( OptimizerConfig::$variant(c) => Optimizer::set_lr(c, lr), )*
                }
                config
            }

            /// Checks every hyper-parameter against its accepted range, as `torch.optim`
            /// constructors do.
            pub fn validate(&self) -> Result<(), Refusal> {
                match self {
                    $( OptimizerConfig::$variant(c) => Optimizer::check(c), )*
                }
            }

            /// A fresh state for `dim` parameters.
            pub fn init(&self, dim: usize) -> OptimizerState {
                match self {
                    $( OptimizerConfig::$variant(c) => {
                        OptimizerState::$state(Optimizer::fresh_state(c, dim))
                    } )*
                }
            }

            /// Reads the hyper-parameters of the optimizer called `name` from `fields`.
            fn read_named(name: &str, fields: &serde_json::Value) -> Result<Self, Refusal> {
                $(
                    if name == <$config as Optimizer>::INFO.name {
                        return Ok(OptimizerConfig::$variant(<$config>::read(fields)?));
                    }
                )*
                Err(Refusal::here(crate::read::Problem::unfit(crate::read::Unfit::UnknownOptimizer { name: name.to_string() })))
            }

            /// Whether `state` is of this optimizer's kind.
            fn state_matches(&self, state: &OptimizerState) -> bool {
                match (self, state) {
                    $( (OptimizerConfig::$variant(_), OptimizerState::$state(_)) => true, )*
                    _ => false,
                }
            }

            /// The step of a config and a state of the same kind; `None` for a mismatched pair.
            #[inline]
            fn step_matching(
                &self,
                state: &mut OptimizerState,
                params: &mut [f64],
                grad: &mut [f64],
                ctx: StepContext<'_>,
            ) -> Option<Result<(), StepError>> {
                match (self, state) {
                    $( (OptimizerConfig::$variant(c), OptimizerState::$state(s)) => {
                        Some(Optimizer::step(c, s, params, grad, ctx))
                    } )*
                    _ => None,
                }
            }
        }
    };
}

optimizers! {
    /// `torch.optim.SGD`, with momentum, dampening and Nesterov.
    Sgd(SgdConfig) => Sgd(SgdState),
    /// `torch.optim.Adagrad`.
    Adagrad(AdagradConfig) => Adagrad(AdagradState),
    /// `torch.optim.RMSprop`.
    Rmsprop(RmspropConfig) => Rmsprop(RmspropState),
    /// `torch.optim.Adadelta`.
    Adadelta(AdadeltaConfig) => Adadelta(AdadeltaState),
    /// `torch.optim.Adam` (L2 weight decay added to the gradient).
    Adam(AdamConfig) => Adam(AdamState),
    /// `torch.optim.AdamW` (decoupled weight decay); Adam's state.
    Adamw(AdamWConfig) => Adam,
    /// `torch.optim.NAdam`.
    Nadam(NadamConfig) => Nadam(NadamState),
    /// `torch.optim.Adamax`.
    Adamax(AdamaxConfig) => Adamax(AdamaxState),
    /// Newton's method with the exact Hessian (the 2-D surfaces and linear regression).
    Newton(NewtonConfig) => Newton(NewtonState),
    /// `torch.optim.LBFGS`, with its optional strong-Wolfe line search; it evaluates the full
    /// objective inside each step (see [`lbfgs`]).
    Lbfgs(LbfgsConfig) => Lbfgs(LbfgsState),
}

impl<'de> Deserialize<'de> for OptimizerConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::read::tagged::deserialize_via(deserializer, OptimizerConfig::from_tagged)
    }
}

impl crate::read::fields::ReadValue for OptimizerConfig {
    fn read_value(value: &serde_json::Value) -> Result<Self, Refusal> {
        OptimizerConfig::from_tagged(value.clone())
    }
}

impl OptimizerConfig {
    /// Every optimizer's scenario name, in the order of [`OPTIMIZERS`].
    const NAMES: [&'static str; OPTIMIZERS.len()] = {
        let mut names = [""; OPTIMIZERS.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = OPTIMIZERS[i].name;
            i += 1;
        }
        names
    };

    /// Reads `{"name": …, hyper-parameters…}`.
    pub(crate) fn from_tagged(value: serde_json::Value) -> Result<Self, Refusal> {
        let (index, rest) = crate::read::tagged::untag(value, "name", &Self::NAMES)?;
        OptimizerConfig::read_named(Self::NAMES[index], &rest)
            .map_err(|r| r.accepting_too(&["name"]))
    }

    /// The scenario name of this optimizer (`"sgd"`, `"adam"`, …).
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// Whether a step evaluates the exact objective itself ([`Needs::Objective`]): it then reads
    /// the full data, with no gradient noise and no clipping.
    pub fn reads_objective(&self) -> bool {
        matches!(self.needs(), Needs::Objective)
    }

    /// Whether updates need the objective's Hessian.
    pub fn needs_hessian(&self) -> bool {
        matches!(self.needs(), Needs::Hessian)
    }

    /// Takes one step: updates `params` in place from `grad` (the batch gradient at `params`,
    /// which the rule may overwrite, e.g. with weight decay added) with what `ctx` gives.
    ///
    /// A state of another optimizer's kind is replaced by a fresh one first, so a mismatched pair
    /// never panics. A rule that evaluates the objective ([`Needs::Objective`]) refuses with
    /// [`StepError::NeedsObjective`], `params` unchanged, when `ctx` has none.
    #[inline]
    pub fn update(
        &self,
        state: &mut OptimizerState,
        params: &mut [f64],
        grad: &mut [f64],
        ctx: StepContext<'_>,
    ) -> Result<(), StepError> {
        if !self.state_matches(state) {
            *state = self.init(params.len());
        }
        // A state that matches (a fresh one always does) takes the step.
        self.step_matching(state, params, grad, ctx)
            .unwrap_or(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_names_every_variant_in_order_with_a_valid_starting_rate() {
        for (index, entry) in OPTIMIZERS.iter().enumerate() {
            let config = OptimizerConfig::from_tagged(serde_json::json!({ "name": entry.name }))
                .unwrap_or_else(|e| panic!("{}: {e}", entry.name));
            assert_eq!(config.name(), entry.name);
            assert_eq!(config.info(), entry);
            assert_eq!(OptimizerConfig::NAMES[index], entry.name);
            // The serde tag (the variant's name, lowercased) is the catalog's name.
            let written = serde_json::to_value(&config).unwrap_or_default();
            assert_eq!(written["name"], entry.name);
            assert!(
                config.with_lr(entry.starting_lr).validate().is_ok(),
                "{}",
                entry.name
            );
            assert_eq!(config.with_lr(0.25).lr(), 0.25);
            // Its fresh state is of its own kind, and names it (Adam's serves AdamW too).
            let state = serde_json::to_value(config.init(2)).unwrap_or_default();
            assert!(entry
                .name
                .starts_with(state["name"].as_str().unwrap_or("?")));
        }
        let names: std::collections::BTreeSet<_> = OPTIMIZERS.iter().map(|o| o.name).collect();
        assert_eq!(names.len(), OPTIMIZERS.len(), "names are unique");
    }
}
