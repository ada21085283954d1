//! The scenario format: one JSON object that fixes a run completely — objective, optimizer,
//! schedule, clipping, batching, seed, start and step budget.
//!
//! ```json
//! {"objective":{"kind":"surface","name":"rosenbrock"},
//!  "optimizer":{"name":"adam","lr":0.05},
//!  "schedule":{"name":"cosine","t_max":200},
//!  "clip_norm":1.0, "batch_size":8, "seed":3, "start":[-1.5,2.0], "steps":200}
//! ```
//!
//! [`Scenario::from_json`] parses and validates; every refusal names the field and, for numbers,
//! the accepted range. The same types serialise the page's URL state.

use crate::objective::linreg::LinReg;
use crate::objective::mlp::MlpSpec;
use crate::objective::surfaces::{Surface, SurfaceSpec};
use crate::optim::schedule::Schedule;
use crate::optim::{ConfigError, OptimizerConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The largest step budget a scenario may ask for.
pub const MAX_STEPS: u64 = 10_000_000;

/// The objective of a scenario; the `"objective"` object, tagged by `"kind"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ObjectiveSpec {
    /// An analytic 2-D surface, e.g. `{"kind":"surface","name":"rosenbrock"}`.
    Surface(SurfaceSpec),
    /// Linear regression on (x, y) points: parameters (w, b).
    Linreg(LinReg),
    /// A small multilayer perceptron on 2-D points.
    Mlp(MlpSpec),
}

/// Seeded Gaussian gradient noise for the analytic surfaces: N(0, σ²/B) added to each gradient
/// component, B the batch size — a labelled *model* of mini-batch noise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseModel {
    /// Standard deviation σ of the per-sample gradient noise.
    pub sigma: f64,
}

/// The largest number of optimizers racing in one scenario (`optimizer` plus `race`).
pub const MAX_RACERS: usize = 8;

/// One more optimizer racing beside the scenario's own on the same objective, start and batch
/// order; it may use its own batch size (compare mode: BGD vs SGD vs mini-batch).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RacerSpec {
    /// The racer's optimizer and hyper-parameters.
    pub optimizer: OptimizerConfig,
    /// The racer's batch size, where it differs from the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
}

/// A complete, replayable run description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What is minimised.
    pub objective: ObjectiveSpec,
    /// The optimizer and its hyper-parameters (PyTorch names and defaults).
    pub optimizer: OptimizerConfig,
    /// Learning-rate schedule, stepped once per update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// Global gradient-norm bound, applied before the update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_norm: Option<f64>,
    /// Samples per step; omitted or ≥ n is full batch, 1 is SGD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// Draw each batch with replacement instead of epoch-wise shuffling.
    #[serde(default, skip_serializing_if = "is_false")]
    pub with_replacement: bool,
    /// Gradient-noise model for the analytic surfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoiseModel>,
    /// Seed of every random choice in the run (batches, noise, initialisation).
    #[serde(default)]
    pub seed: u64,
    /// Starting parameters; defaults per objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Vec<f64>>,
    /// Number of updates.
    #[serde(default = "default_steps")]
    pub steps: u64,
    /// Further optimizers racing beside `optimizer` (the page's race; `gdviz trace` follows
    /// `optimizer` alone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub race: Vec<RacerSpec>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_steps() -> u64 {
    100
}

/// A refused scenario: the field (a dotted path such as `optimizer.betas[0]`) and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// The offending field, or `scenario` for the document as a whole.
    pub field: String,
    /// What was wrong and what is accepted.
    pub message: String,
}

impl ScenarioError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            field: field.into(),
            message: message.into(),
        }
    }

    fn in_section(section: &str, error: ConfigError) -> Self {
        ScenarioError::new(format!("{section}.{}", error.field), error.message)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ScenarioError {}

const TOP_LEVEL_FIELDS: &[&str] = &[
    "objective",
    "optimizer",
    "schedule",
    "clip_norm",
    "batch_size",
    "with_replacement",
    "noise",
    "seed",
    "start",
    "steps",
    "race",
];

/// Deserialises one section of the document, prefixing serde's message with the section name.
fn section<T: for<'de> Deserialize<'de>>(
    document: &Map<String, Value>,
    name: &str,
) -> Result<Option<T>, ScenarioError> {
    match document.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::deserialize(value)
            .map(Some)
            .map_err(|e| ScenarioError::new(name, e.to_string())),
    }
}

impl Scenario {
    /// Parses and validates a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ScenarioError::new("scenario", format!("not valid JSON ({e})")))?;
        Scenario::from_value(&value)
    }

    /// Parses and validates a scenario from a JSON value.
    pub fn from_value(value: &Value) -> Result<Scenario, ScenarioError> {
        let document = value
            .as_object()
            .ok_or_else(|| ScenarioError::new("scenario", "expected a JSON object"))?;
        if let Some(unknown) = document
            .keys()
            .find(|k| !TOP_LEVEL_FIELDS.contains(&k.as_str()))
        {
            return Err(ScenarioError::new(
                unknown.as_str(),
                format!("unknown field (accepted: {})", TOP_LEVEL_FIELDS.join(", ")),
            ));
        }
        let objective = section(document, "objective")?.ok_or_else(|| {
            ScenarioError::new(
                "objective",
                "missing (e.g. {\"kind\":\"surface\",\"name\":\"rosenbrock\"})",
            )
        })?;
        let optimizer = section(document, "optimizer")?.ok_or_else(|| {
            ScenarioError::new("optimizer", "missing (e.g. {\"name\":\"sgd\",\"lr\":0.01})")
        })?;
        let scenario = Scenario {
            objective,
            optimizer,
            schedule: section(document, "schedule")?,
            clip_norm: section(document, "clip_norm")?,
            batch_size: section(document, "batch_size")?,
            with_replacement: section(document, "with_replacement")?.unwrap_or(false),
            noise: section(document, "noise")?,
            seed: section(document, "seed")?.unwrap_or(0),
            start: section(document, "start")?,
            steps: section(document, "steps")?.unwrap_or_else(default_steps),
            race: section(document, "race")?.unwrap_or_default(),
        };
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks every value against its accepted range.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        match &self.objective {
            ObjectiveSpec::Surface(s) => s.validate().map_err(|m| field_message("objective", m))?,
            ObjectiveSpec::Linreg(l) => l.validate().map_err(|m| field_message("objective", m))?,
            ObjectiveSpec::Mlp(m) => m.validate().map_err(|m| field_message("objective", m))?,
        }
        self.check_optimizer("optimizer", &self.optimizer)?;
        if self.race.len() + 1 > MAX_RACERS {
            return Err(ScenarioError::new(
                "race",
                format!(
                    "{} racers is out of range (accepted: at most {MAX_RACERS} optimizers in all)",
                    self.race.len() + 1
                ),
            ));
        }
        for (i, racer) in self.race.iter().enumerate() {
            self.check_optimizer(&format!("race[{i}].optimizer"), &racer.optimizer)?;
            check_batch_size(&format!("race[{i}].batch_size"), racer.batch_size)?;
        }
        if let Some(schedule) = &self.schedule {
            schedule
                .validate()
                .map_err(|e| ScenarioError::in_section("schedule", e))?;
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0 && c <= 1e12) {
                return Err(ScenarioError::new(
                    "clip_norm",
                    format!("{c} is out of range (accepted: 0 < clip_norm ≤ 1e12)"),
                ));
            }
        }
        check_batch_size("batch_size", self.batch_size)?;
        if let Some(noise) = &self.noise {
            if !(noise.sigma.is_finite() && (0.0..=1e6).contains(&noise.sigma)) {
                return Err(ScenarioError::new(
                    "noise.sigma",
                    format!(
                        "{} is out of range (accepted: 0 ≤ sigma ≤ 1e6)",
                        noise.sigma
                    ),
                ));
            }
            if !matches!(self.objective, ObjectiveSpec::Surface(_)) {
                return Err(ScenarioError::new("noise", "the noise model applies to the 2-D surfaces only; data objectives have real mini-batch noise"));
            }
        }
        if self.steps > MAX_STEPS {
            return Err(ScenarioError::new(
                "steps",
                format!(
                    "{} is out of range (accepted: 0 ≤ steps ≤ {MAX_STEPS})",
                    self.steps
                ),
            ));
        }
        if let Some(start) = &self.start {
            if let Some(i) = start.iter().position(|v| !v.is_finite() || v.abs() > 1e12) {
                return Err(ScenarioError::new(
                    format!("start[{i}]"),
                    format!(
                        "{} is out of range (accepted: finite, |value| ≤ 1e12)",
                        start[i]
                    ),
                ));
            }
            let expected = self.dim();
            if start.len() != expected {
                return Err(ScenarioError::new(
                    "start",
                    format!(
                        "expected {expected} values (one per parameter), got {}",
                        start.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks one optimizer's hyper-parameters and that the objective can serve it.
    fn check_optimizer(
        &self,
        section: &str,
        optimizer: &OptimizerConfig,
    ) -> Result<(), ScenarioError> {
        optimizer
            .validate()
            .map_err(|e| ScenarioError::in_section(section, e))?;
        if optimizer.needs_hessian() && !matches!(self.objective, ObjectiveSpec::Surface(_)) {
            return Err(ScenarioError::new(
                format!("{section}.name"),
                format!(
                    "{} needs an exact Hessian, which only the 2-D surfaces have",
                    optimizer.name()
                ),
            ));
        }
        Ok(())
    }

    /// The racers in order: the scenario's own optimizer (with the scenario's batch size) first.
    pub fn racers(&self) -> Vec<RacerSpec> {
        std::iter::once(RacerSpec {
            optimizer: self.optimizer.clone(),
            batch_size: self.batch_size,
        })
        .chain(self.race.iter().map(|r| RacerSpec {
            optimizer: r.optimizer.clone(),
            batch_size: r.batch_size.or(self.batch_size),
        }))
        .collect()
    }

    /// The number of parameters of the objective.
    pub fn dim(&self) -> usize {
        match &self.objective {
            ObjectiveSpec::Surface(_) | ObjectiveSpec::Linreg(_) => 2,
            ObjectiveSpec::Mlp(m) => m.layers.windows(2).map(|w| w[0] * w[1] + w[1]).sum(),
        }
    }

    /// The recommended start of a surface: a fifth of the way in from its view box's top-left
    /// corner, away from every listed minimum.
    pub fn default_surface_start(surface: &SurfaceSpec) -> [f64; 2] {
        let view = surface.view_box();
        [
            view.x_min + 0.2 * (view.x_max - view.x_min),
            view.y_min + 0.8 * (view.y_max - view.y_min),
        ]
    }

    /// Serialises to compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Checks a batch size: 1 ≤ b ≤ 1 000 000 (values ≥ n mean full batch).
fn check_batch_size(field: &str, batch_size: Option<usize>) -> Result<(), ScenarioError> {
    match batch_size {
        Some(b) if b == 0 || b > 1_000_000 => Err(ScenarioError::new(
            field,
            format!("{b} is out of range (accepted: 1 ≤ batch_size ≤ 1000000; values ≥ n mean full batch)"),
        )),
        _ => Ok(()),
    }
}

/// Splits a `"field: message"` string from an objective validator into a scenario error.
fn field_message(section: &str, message: String) -> ScenarioError {
    match message.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') => {
            ScenarioError::new(format!("{section}.{field}"), rest)
        }
        _ => ScenarioError::new(section, message),
    }
}
