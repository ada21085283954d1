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

mod goal;
mod json;

pub use goal::{Goal, Verdict};

use crate::objective::surfaces::{Surface, SurfaceSpec};
pub use crate::objective::ObjectiveSpec;
use crate::optim::schedule::Schedule;
use crate::optim::OptimizerConfig;
use crate::read::fields::{self, ReadValue};
use crate::read::{Expected, Length, NoSplit, Problem, Range, Refusal, Unfit};
use serde::Serialize;
use serde_json::{Map, Value};

/// The largest step budget a scenario may ask for.
pub const MAX_STEPS: u64 = 10_000_000;

/// The step budgets a scenario accepts: 0 ≤ steps ≤ [`MAX_STEPS`].
const STEP_BUDGETS: Range = Range::closed(0.0, MAX_STEPS as f64).whole();

/// Seeded Gaussian gradient noise for the analytic surfaces: N(0, σ²/B) added to each gradient
/// component, B the batch size — a labelled *model* of mini-batch noise.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NoiseModel {
    /// Standard deviation σ of the per-sample gradient noise.
    pub sigma: f64,
}

crate::read::fields::read_fields!(NoiseModel (NoiseModel { sigma: 0.0 }) {
    sigma: F64 required,
});

/// The largest number of optimizers racing in one scenario (`optimizer` plus `race`).
pub const MAX_RACERS: usize = 8;

/// One more optimizer racing beside the scenario's own on the same objective, start and batch
/// order; it may use its own batch size (compare mode: BGD vs SGD vs mini-batch).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RacerSpec {
    /// The racer's optimizer and hyper-parameters.
    pub optimizer: OptimizerConfig,
    /// The racer's batch size, where it differs from the scenario's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
}

/// The batch sizes a scenario accepts: 1 ≤ b ≤ 1 000 000 (values ≥ n mean full batch).
const BATCH_SIZES: Range = Range::closed(1.0, 1e6).whole();

/// A batch size, or `null` for none.
fn batch_size_of(value: &Value) -> Result<Option<usize>, Refusal> {
    if value.is_null() {
        Ok(None)
    } else {
        fields::whole_in(value, BATCH_SIZES).map(Some)
    }
}

impl RacerSpec {
    /// Reads `{"optimizer": {…}, "batch_size": b}` (the batch size optional).
    pub(crate) fn read(value: &Value) -> Result<Self, Refusal> {
        let mut racer = RacerSpec {
            optimizer: OptimizerConfig::Sgd(Default::default()),
            batch_size: None,
        };
        fields::read_struct(
            value,
            &["optimizer", "batch_size"],
            &[true, false],
            &mut [
                fields::Slot::Other(&mut fields::read(&mut racer.optimizer)),
                fields::Slot::Other(&mut |v| {
                    racer.batch_size = batch_size_of(v)?;
                    Ok(())
                }),
            ],
        )?;
        Ok(racer)
    }
}

/// When a run ends before its step budget: at the first trace line that meets any condition
/// given. Line k (the state before update k + 1) is checked; when it meets a condition it is the
/// last line, and the run's status becomes [`crate::run::Status::Converged`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StopSpec {
    /// Stop once the full-objective loss at the line's parameters is below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_below: Option<f64>,
    /// Stop once the Euclidean norm of the full-objective gradient at the line's parameters
    /// (no noise, no clipping) is below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_norm_below: Option<f64>,
    /// Stop once the epochs completed (samples seen / n, fractional; the line's `epoch`) reach
    /// this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epochs: Option<f64>,
    /// Early stopping: stop once the test-split loss, measured at each epoch's end, has not
    /// improved for this many epochs in a row (≥ 1; the rule is in [`crate::run`]'s `early`
    /// module). Needs a test split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patience: Option<u64>,
    /// With `patience`: put back the best epoch's weights when the run stops (default `true`);
    /// `false` keeps the last ones.
    #[serde(skip_serializing_if = "is_true")]
    pub restore_best: bool,
}

impl Default for StopSpec {
    fn default() -> Self {
        StopSpec {
            loss_below: None,
            grad_norm_below: None,
            epochs: None,
            patience: None,
            restore_best: true,
        }
    }
}

fn is_true(b: &bool) -> bool {
    *b
}

crate::read::fields::read_fields!(StopSpec {
    loss_below: OptF64,
    grad_norm_below: OptF64,
    epochs: OptF64,
    patience: OptU64,
    restore_best: Bool,
});

/// The patience early stopping accepts: 1 ≤ P ≤ 1 000 000 whole epochs.
pub const PATIENCE: Range = Range::closed(1.0, 1e6).whole();

impl StopSpec {
    /// Checks that every threshold given is finite and positive, the patience a whole number of
    /// epochs ≥ 1, and that `restore_best` comes with a patience; a refusal names the field.
    pub fn validate(&self) -> Result<(), Refusal> {
        for (name, value) in [
            ("loss_below", self.loss_below),
            ("grad_norm_below", self.grad_norm_below),
            ("epochs", self.epochs),
        ] {
            if let Some(v) = value {
                check(v, Range::above(0.0)).map_err(|r| r.in_key(name))?;
            }
        }
        match self.patience {
            Some(p) => check(p as f64, PATIENCE).map_err(|r| r.in_key("patience")),
            None if !self.restore_best => Err(Refusal::at(
                "restore_best",
                Problem::unfit(Unfit::RestoreNeedsPatience),
            )),
            None => Ok(()),
        }
    }
}

/// A complete, replayable run description; read it with [`Scenario::from_json`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// What is minimised.
    pub objective: ObjectiveSpec,
    /// The optimizer and its hyper-parameters (PyTorch names and defaults).
    pub optimizer: OptimizerConfig,
    /// Learning-rate schedule, stepped once per update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// Global gradient-norm bound, applied before the update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clip_norm: Option<f64>,
    /// Samples per step; omitted or ≥ n is full batch, 1 is SGD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// Draw each batch with replacement instead of epoch-wise shuffling.
    #[serde(skip_serializing_if = "is_false")]
    pub with_replacement: bool,
    /// Gradient-noise model for the analytic surfaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoiseModel>,
    /// Seed of every random choice in the run (batches, noise, initialisation).
    pub seed: u64,
    /// Starting parameters; defaults per objective.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Vec<f64>>,
    /// Number of updates.
    pub steps: u64,
    /// Further optimizers racing beside `optimizer` (the page's race; `gdviz trace` follows
    /// `optimizer` alone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub race: Vec<RacerSpec>,
    /// Conditions that end the run early (loss, gradient norm, epochs, patience on the test
    /// loss); none by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<StopSpec>,
    /// A challenge: the loss each racer is asked to get below, within a budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<Goal>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_steps() -> u64 {
    100
}

/// The members a scenario document may have.
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
    "stop",
    "goal",
];

/// Reads the member `name` of the document with `read`; absent or `null` is `None`. A refusal's
/// path starts at the member (`optimizer.betas[1]`).
fn section<T>(
    document: &Map<String, Value>,
    name: &str,
    read: impl Fn(&Value) -> Result<T, Refusal>,
) -> Result<Option<T>, Refusal> {
    match document.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => read(value).map(Some).map_err(|r| r.in_key(name)),
    }
}

/// A required member that is absent, with an example of it.
fn missing(field: &str, example: &'static str) -> Refusal {
    Refusal::at(
        field,
        Problem::Missing {
            names: Vec::new(),
            example: Some(example),
        },
    )
}

impl Scenario {
    /// Parses and validates a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, Refusal> {
        let value: Value = serde_json::from_str(text).map_err(|e| json::syntax(text, &e))?;
        Scenario::from_value(&value)
    }

    /// Parses and validates a scenario from a JSON value.
    pub fn from_value(value: &Value) -> Result<Scenario, Refusal> {
        let document = value
            .as_object()
            .ok_or_else(|| fields::wrong_type(value, Expected::Object))?;
        if let Some(unknown) = document
            .keys()
            .find(|k| !TOP_LEVEL_FIELDS.contains(&k.as_str()))
        {
            return Err(Refusal::at(
                unknown,
                Problem::UnknownField {
                    accepted: TOP_LEVEL_FIELDS.to_vec(),
                },
            ));
        }
        let objective = section(document, "objective", ObjectiveSpec::read_value)?
            .ok_or_else(|| missing("objective", r#"{"kind":"surface","name":"rosenbrock"}"#))?;
        let optimizer = section(document, "optimizer", OptimizerConfig::read_value)?
            .ok_or_else(|| missing("optimizer", r#"{"name":"sgd","lr":0.01}"#))?;
        let scenario = Scenario {
            objective,
            optimizer,
            schedule: section(document, "schedule", Schedule::read_value)?,
            clip_norm: section(document, "clip_norm", fields::f64_of)?,
            batch_size: section(document, "batch_size", batch_size_of)?.flatten(),
            with_replacement: section(document, "with_replacement", fields::bool_of)?
                .unwrap_or(false),
            noise: section(document, "noise", NoiseModel::read)?,
            seed: section(document, "seed", fields::u64_of)?.unwrap_or(0),
            start: section(document, "start", |v| fields::list_of(v, fields::f64_of))?,
            steps: section(document, "steps", |v| fields::whole_in(v, STEP_BUDGETS))?
                .map_or_else(default_steps, |steps| steps as u64),
            race: section(document, "race", |v| fields::list_of(v, RacerSpec::read))?
                .unwrap_or_default(),
            stop: section(document, "stop", StopSpec::read)?,
            goal: section(document, "goal", Goal::read)?,
        };
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks every value against its accepted range.
    pub fn validate(&self) -> Result<(), Refusal> {
        self.objective
            .validate()
            .map_err(|r| r.in_key("objective"))?;
        self.check_optimizer(&self.optimizer)
            .map_err(|r| r.in_key("optimizer"))?;
        if self.race.len() + 1 > MAX_RACERS {
            return Err(Refusal::at(
                "race",
                Problem::WrongLength {
                    found: self.race.len(),
                    expected: Length::AtMost(MAX_RACERS - 1),
                    unit: crate::read::Unit::Racers,
                },
            ));
        }
        for (i, racer) in self.race.iter().enumerate() {
            self.check_optimizer(&racer.optimizer)
                .map_err(|r| r.in_key("optimizer"))
                .and_then(|()| check_batch_size(racer.batch_size))
                .map_err(|r| r.in_index(i).in_key("race"))?;
        }
        if let Some(schedule) = &self.schedule {
            schedule.validate().map_err(|r| r.in_key("schedule"))?;
        }
        if let Some(goal) = &self.goal {
            goal.validate().map_err(|r| r.in_key("goal"))?;
        }
        if let Some(c) = self.clip_norm {
            check(c, Range::open_closed(0.0, 1e12)).map_err(|r| r.in_key("clip_norm"))?;
        }
        check_batch_size(self.batch_size)?;
        if let Some(stop) = &self.stop {
            stop.validate().map_err(|r| r.in_key("stop"))?;
            if stop.patience.is_some() {
                if let Some(why) = lacks_test_split(&self.objective) {
                    return Err(no_test_split(why));
                }
            }
        }
        if let Some(noise) = &self.noise {
            check(noise.sigma, Range::closed(0.0, 1e6))
                .map_err(|r| r.in_key("sigma").in_key("noise"))?;
            if !matches!(self.objective, ObjectiveSpec::Surface(_)) {
                return Err(Refusal::at(
                    "noise",
                    Problem::unfit(Unfit::NoiseOnSurfacesOnly),
                ));
            }
        }
        check(self.steps as f64, STEP_BUDGETS).map_err(|r| r.in_key("steps"))?;
        if let Some(start) = &self.start {
            for (i, &value) in start.iter().enumerate() {
                check(value, Range::closed(-1e12, 1e12))
                    .map_err(|r| r.in_index(i).in_key("start"))?;
            }
            let expected = self.dim();
            if start.len() != expected {
                return Err(Refusal::at(
                    "start",
                    Problem::WrongLength {
                        found: start.len(),
                        expected: Length::Exactly(expected),
                        unit: crate::read::Unit::Values,
                    },
                ));
            }
        }
        if let ObjectiveSpec::Surface(surface @ SurfaceSpec::Custom { expr, .. }) = &self.objective
        {
            // A typed-in function may be undefined at the start (log(x) at x < 0, say).
            let (at_start, [x, y]) = match self.start.as_deref() {
                Some(&[x, y]) => (true, [x, y]),
                _ => (false, Scenario::default_surface_start(surface)),
            };
            crate::objective::surfaces::custom::check_start(expr, x, y).map_err(|unfit| {
                let refusal = Refusal::here(Problem::unfit(unfit));
                if at_start {
                    refusal.in_key("start")
                } else {
                    refusal.in_key("expr").in_key("objective")
                }
            })?;
        }
        Ok(())
    }

    /// Checks one optimizer's hyper-parameters and that the objective can serve it; a refusal's
    /// path starts inside the optimizer (`lr`, `betas[1]`, `name`).
    fn check_optimizer(&self, optimizer: &OptimizerConfig) -> Result<(), Refusal> {
        optimizer.validate()?;
        if optimizer.needs_hessian()
            && matches!(
                self.objective,
                ObjectiveSpec::Mlp(_) | ObjectiveSpec::Cnn(_)
            )
        {
            return Err(Refusal::at(
                "name",
                Problem::unfit(Unfit::NeedsHessian {
                    optimizer: optimizer.name(),
                }),
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

    /// For each racer (in the order of [`Scenario::racers`]), the hyper-parameters besides `name`
    /// and `lr` that tell it apart from another racer of the same optimizer — the field and this
    /// racer's value (`null` for an optional one not set), in alphabetical order. A
    /// legend that shows these always tells two racers apart.
    pub fn racer_differences(&self) -> Vec<Vec<(String, Value)>> {
        let configs: Vec<(&str, Map<String, Value>)> = self
            .racers()
            .iter()
            .map(|racer| {
                let fields = match json_value(&racer.optimizer) {
                    Value::Object(fields) => fields,
                    _ => Map::new(),
                };
                (racer.optimizer.name(), fields)
            })
            .collect();
        configs
            .iter()
            .map(|(name, fields)| {
                let peers: Vec<&Map<String, Value>> = configs
                    .iter()
                    .filter(|(other, _)| other == name)
                    .map(|(_, f)| f)
                    .collect();
                let mut keys: Vec<&String> = Vec::new();
                for key in peers.iter().flat_map(|f| f.keys()) {
                    if key != "name" && key != "lr" && !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                keys.into_iter()
                    .filter(|key| {
                        let value = |f: &Map<String, Value>| f.get(*key).cloned();
                        peers.iter().any(|f| value(f) != value(fields))
                    })
                    .map(|key| (key.clone(), fields.get(key).cloned().unwrap_or(Value::Null)))
                    .collect()
            })
            .collect()
    }

    /// The number of parameters of the objective.
    pub fn dim(&self) -> usize {
        match &self.objective {
            ObjectiveSpec::Surface(_) | ObjectiveSpec::Linreg(_) => 2,
            // Saturating, so an unvalidated spec with absurd layer sizes cannot overflow.
            ObjectiveSpec::Mlp(m) => m
                .layers
                .windows(2)
                .map(|w| w[0].saturating_mul(w[1]).saturating_add(w[1]))
                .fold(0, usize::saturating_add),
            ObjectiveSpec::Cnn(c) => {
                crate::objective::cnn::Geometry::of(&c.convs).map_or(0, |g| g.dim)
            }
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

/// `value` as a JSON value, by way of its JSON text: the same value `serde_json::to_value` gives
/// (floats survive the text exactly), but through the serialiser [`Scenario::to_json`] already
/// uses, so the wasm carries no second, value-building copy of every type's serialisation.
pub(crate) fn json_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// Early stopping refused for want of a test split, at `stop.patience`: `why` says why there is
/// none, the sentence what would have one.
pub(crate) fn no_test_split(why: NoSplit) -> Refusal {
    Refusal::at("patience", Problem::unfit(Unfit::NoTestSplit { why })).in_key("stop")
}

/// Why the objective `spec` has no test split for early stopping: a surface, inline points, a
/// data set with `test_fraction` 0 or so few points that none is held out.
fn lacks_test_split(spec: &ObjectiveSpec) -> Option<NoSplit> {
    let dataset = match spec {
        ObjectiveSpec::Surface(_) => return Some(NoSplit::Surface),
        ObjectiveSpec::Linreg(l) => l.dataset.as_ref(),
        ObjectiveSpec::Mlp(m) => m.dataset.as_ref(),
        ObjectiveSpec::Cnn(c) if c.images.is_some() => return Some(NoSplit::InlineImages),
        ObjectiveSpec::Cnn(_) => return None,
    };
    match dataset {
        None => Some(NoSplit::InlinePoints),
        Some(d) if d.test_fraction == 0.0 => Some(NoSplit::FractionZero),
        Some(d) if d.test_count() == 0 => Some(NoSplit::NoPointHeldOut),
        Some(_) => None,
    }
}

/// Checks a batch size, at `batch_size`: 1 ≤ b ≤ 1 000 000 (values ≥ n mean full batch).
fn check_batch_size(batch_size: Option<usize>) -> Result<(), Refusal> {
    match batch_size {
        Some(b) => check(b as f64, BATCH_SIZES).map_err(|r| r.in_key("batch_size")),
        None => Ok(()),
    }
}

/// Checks that `value` lies in `range`; the refusal is of the value itself (the caller names it).
fn check(value: f64, range: Range) -> Result<(), Refusal> {
    if range.contains(value) {
        Ok(())
    } else {
        Err(Refusal::here(Problem::OutOfRange { value, range }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn differences(json: &str) -> Vec<Vec<(String, Value)>> {
        Scenario::from_json(json)
            .unwrap_or_else(|e| panic!("{json}: {e}"))
            .racer_differences()
    }

    #[test]
    fn a_legend_tells_racers_of_one_optimizer_apart() {
        let found = differences(
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":0.01,"momentum":0.9},
                "race":[{"optimizer":{"name":"sgd","lr":0.01,"momentum":0.9,"nesterov":true}},
                        {"optimizer":{"name":"adam","lr":0.05}},{"optimizer":{"name":"sgd","lr":0.02}}]}"#,
        );
        let text = |racer: &[(String, Value)]| {
            racer
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(text(&found[0]), "momentum=0.9 nesterov=false");
        assert_eq!(text(&found[1]), "momentum=0.9 nesterov=true");
        assert_eq!(
            text(&found[2]),
            "",
            "the only Adam needs no more than its name"
        );
        assert_eq!(text(&found[3]), "momentum=0.0 nesterov=false");
    }

    #[test]
    fn identical_optimizers_show_no_differences() {
        let found = differences(
            r#"{"objective":{"kind":"linreg","dataset":{"name":"linear"}},"optimizer":{"name":"sgd","lr":0.1},
                "race":[{"optimizer":{"name":"sgd","lr":0.1},"batch_size":1}]}"#,
        );
        assert_eq!(found, vec![Vec::new(), Vec::new()]);
    }
}
