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

use crate::fields::{self, ReadValue};
use crate::objective::linreg::LinReg;
use crate::objective::mlp::MlpSpec;
use crate::objective::surfaces::{Surface, SurfaceSpec};
use crate::optim::schedule::Schedule;
use crate::optim::{compact, ConfigError, OptimizerConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The largest step budget a scenario may ask for.
pub const MAX_STEPS: u64 = 10_000_000;

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
}

impl<'de> Deserialize<'de> for ObjectiveSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::tagged::deserialize_via(deserializer, ObjectiveSpec::from_tagged)
    }
}

impl ReadValue for ObjectiveSpec {
    fn read_value(value: &Value) -> Result<Self, serde_json::Error> {
        ObjectiveSpec::from_tagged(value.clone())
    }
}

impl ObjectiveSpec {
    /// Reads `{"kind": …, the objective's fields…}`.
    pub(crate) fn from_tagged(value: Value) -> Result<Self, serde_json::Error> {
        let (index, rest) = crate::tagged::untag(
            value,
            "kind",
            &["surface", "linreg", "mlp"],
            "internally tagged enum ObjectiveSpec",
        )?;
        Ok(match index {
            0 => ObjectiveSpec::Surface(SurfaceSpec::from_tagged(rest)?),
            1 => ObjectiveSpec::Linreg(LinReg::read(&rest)?),
            _ => ObjectiveSpec::Mlp(MlpSpec::read(&rest)?),
        })
    }
}

/// Seeded Gaussian gradient noise for the analytic surfaces: N(0, σ²/B) added to each gradient
/// component, B the batch size — a labelled *model* of mini-batch noise.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NoiseModel {
    /// Standard deviation σ of the per-sample gradient noise.
    pub sigma: f64,
}

crate::fields::read_fields!(NoiseModel (NoiseModel { sigma: 0.0 }) {
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

crate::fields::read_fields!(RacerSpec (RacerSpec {
    optimizer: OptimizerConfig::Sgd(Default::default()),
    batch_size: None,
}) {
    optimizer: Read required,
    batch_size: Other,
});

/// When a run ends before its step budget: at the first trace line that meets any condition
/// given. Line k (the state before update k + 1) is checked; when it meets a condition it is the
/// last line, and the run's status becomes [`crate::run::Status::Converged`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
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
}

crate::fields::read_fields!(StopSpec {
    loss_below: OptF64,
    grad_norm_below: OptF64,
    epochs: OptF64,
});

impl StopSpec {
    /// Checks that every threshold given is finite and positive.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        for (name, value) in [
            ("loss_below", self.loss_below),
            ("grad_norm_below", self.grad_norm_below),
            ("epochs", self.epochs),
        ] {
            if let Some(v) = value {
                if !(v.is_finite() && v > 0.0) {
                    return Err(ScenarioError::new(
                        format!("stop.{name}"),
                        format!(
                            "{} is out of range (accepted: a finite number > 0)",
                            compact(v)
                        ),
                    ));
                }
            }
        }
        Ok(())
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
    /// Conditions that end the run early (loss, gradient norm, epochs); none by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<StopSpec>,
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
    /// A refusal; control characters (a newline in a key, say) are escaped, so the error is
    /// always one line.
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            field: one_line(field.into()),
            message: one_line(message.into()),
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
    "stop",
];

/// Reads one section of the document with `read`; a refusal names the field inside the section
/// that the reader stumbled on (e.g. `optimizer.betas[1]`) and, where known, the accepted values.
fn section<T>(
    document: &Map<String, Value>,
    name: &str,
    read: fn(&Value) -> Result<T, serde_json::Error>,
) -> Result<Option<T>, ScenarioError> {
    match document.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => read(value).map(Some).map_err(|e| {
            let check = |v: &Value| read(v).err().map(|e| e.to_string());
            serde_error(name, value, &e.to_string(), &check)
        }),
    }
}

impl Scenario {
    /// Parses and validates a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
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
        let objective =
            section(document, "objective", ObjectiveSpec::read_value)?.ok_or_else(|| {
                ScenarioError::new(
                    "objective",
                    "missing (e.g. {\"kind\":\"surface\",\"name\":\"rosenbrock\"})",
                )
            })?;
        let optimizer =
            section(document, "optimizer", OptimizerConfig::read_value)?.ok_or_else(|| {
                ScenarioError::new("optimizer", "missing (e.g. {\"name\":\"sgd\",\"lr\":0.01})")
            })?;
        let scenario = Scenario {
            objective,
            optimizer,
            schedule: section(document, "schedule", Schedule::read_value)?,
            clip_norm: section(document, "clip_norm", fields::f64_of)?,
            batch_size: section(document, "batch_size", fields::usize_of)?,
            with_replacement: section(document, "with_replacement", fields::bool_of)?
                .unwrap_or(false),
            noise: section(document, "noise", NoiseModel::read)?,
            seed: section(document, "seed", |v| fields::u64_of(v, "u64"))?.unwrap_or(0),
            start: section(document, "start", |v| fields::list_of(v, fields::f64_of))?,
            steps: section(document, "steps", |v| fields::u64_of(v, "u64"))?
                .unwrap_or_else(default_steps),
            race: section(document, "race", |v| fields::list_of(v, RacerSpec::read))?
                .unwrap_or_default(),
            stop: section(document, "stop", StopSpec::read)?,
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
                    format!(
                        "{} is out of range (accepted: 0 < clip_norm ≤ 1e12)",
                        compact(c)
                    ),
                ));
            }
        }
        check_batch_size("batch_size", self.batch_size)?;
        if let Some(stop) = &self.stop {
            stop.validate()?;
        }
        if let Some(noise) = &self.noise {
            if !(noise.sigma.is_finite() && (0.0..=1e6).contains(&noise.sigma)) {
                return Err(ScenarioError::new(
                    "noise.sigma",
                    format!(
                        "{} is out of range (accepted: 0 ≤ sigma ≤ 1e6)",
                        compact(noise.sigma)
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
                        compact(start[i])
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
        if let ObjectiveSpec::Surface(surface @ SurfaceSpec::Custom { expr, .. }) = &self.objective
        {
            // A typed-in function may be undefined at the start (log(x) at x < 0, say).
            let (field, [x, y]) = match self.start.as_deref() {
                Some(&[x, y]) => ("start", [x, y]),
                _ => ("objective.expr", Scenario::default_surface_start(surface)),
            };
            crate::objective::surfaces::custom::check_start(expr, x, y)
                .map_err(|m| ScenarioError::new(field, m))?;
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
        if optimizer.needs_hessian() && matches!(self.objective, ObjectiveSpec::Mlp(_)) {
            return Err(ScenarioError::new(
                format!("{section}.name"),
                format!(
                    "{} needs an exact Hessian, which only the 2-D surfaces and linear regression have",
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

    /// For each racer (in the order of [`Scenario::racers`]), the hyper-parameters besides `name`
    /// and `lr` that tell it apart from another racer of the same optimizer — the field and this
    /// racer's value (`null` for an optional one not set), in alphabetical order. A
    /// legend that shows these always tells two racers apart.
    pub fn racer_differences(&self) -> Vec<Vec<(String, Value)>> {
        let configs: Vec<(&str, Map<String, Value>)> = self
            .racers()
            .iter()
            .map(|racer| {
                // Through the JSON text the scenario's own writer and reader make (a direct
                // `to_value` would compile a second serialiser of every config into the wasm).
                let text = serde_json::to_string(&racer.optimizer).unwrap_or_default();
                let fields = match serde_json::from_str(&text) {
                    Ok(Value::Object(fields)) => fields,
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

/// `text` with its control characters escaped (`\n` for a newline), so it prints on one line.
fn one_line(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().collect()
            } else {
                c.to_string()
            }
        })
        .collect()
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

/// A JSON syntax error. Where it sits at a value — a number beyond f64 such as `1e999`, or a bare
/// `NaN`, `Infinity` or `-Infinity`, which JSON lacks — the field at that position is named.
fn json_error(text: &str, error: &serde_json::Error) -> ScenarioError {
    let message = error.to_string();
    let out_of_range = message.starts_with("number out of range");
    let at_value = out_of_range
        || message.starts_with("expected value")
        || message.starts_with("invalid number");
    let path = if at_value {
        byte_offset(text, error.line(), error.column())
            .map(|offset| json_path_at(text, offset))
            .unwrap_or_default()
    } else {
        String::new()
    };
    if path.is_empty() {
        return ScenarioError::new("scenario", format!("not valid JSON ({message})"));
    }
    let accepted = if out_of_range {
        "accepted: a finite number, |value| < 1.8e308"
    } else {
        "accepted: a JSON value; numbers must be finite — JSON has no NaN or Infinity"
    };
    ScenarioError::new(path, format!("not valid JSON ({message}; {accepted})"))
}

/// The byte offset of serde_json's 1-based `line` and `column` (columns count bytes).
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    Some((start + column).min(text.len()))
}

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(k) => format!(".{k}"),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect()
}

/// The dotted path (`optimizer.betas[1]`) of the value being read at byte `end` of `text`, found
/// by a small scan of brackets, keys, colons and commas; empty at the top level.
fn json_path_at(text: &str, end: usize) -> String {
    enum Frame {
        Object { key: Option<String>, at_key: bool },
        Array { index: usize },
    }
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(i + 1..j.min(bytes.len())).unwrap_or_default();
                if let Some(Frame::Object { key, at_key: true }) = stack.last_mut() {
                    *key = Some(
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string()),
                    );
                }
                i = j;
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                at_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { at_key, .. }) = stack.last_mut() {
                    *at_key = false;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, at_key }) => {
                    *key = None;
                    *at_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = Vec::new();
    for frame in stack {
        match frame {
            Frame::Object {
                key: Some(key),
                at_key: false,
            } => path.push(Step::Key(key)),
            Frame::Array { index } => path.push(Step::Index(index)),
            Frame::Object { .. } => break,
        }
    }
    render(&path).trim_start_matches('.').to_string()
}

/// Most candidates a refusal is traced through (bounds the work on large inline data).
const MAX_CANDIDATES: usize = 64;

/// Turns serde's `message` about `value` (the document's `section`) into a refusal that names the
/// field inside the section and, where known, the accepted values. `check` deserialises a
/// variant of `value` again, to confirm which of several look-alike values serde meant.
fn serde_error(
    section: &str,
    value: &Value,
    message: &str,
    check: &dyn Fn(&Value) -> Option<String>,
) -> ScenarioError {
    let path = locate(value, message, check).unwrap_or_default();
    let field = format!("{section}{}", render(&path));
    let message = match accepted(&field, message) {
        Some(accepted) => format!("{message} (accepted: {accepted})"),
        None => message.to_string(),
    };
    ScenarioError::new(field, message)
}

/// The text between `prefix` and the next backtick in `message`.
fn quoted<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let rest = message.get(start..)?;
    Some(&rest[..rest.find('`')?])
}

/// Every path in `value` (pre-order, in serde's reading order) whose node satisfies `test`.
fn paths_where(value: &Value, test: &dyn Fn(&Value) -> bool) -> Vec<Vec<Step>> {
    fn walk(
        value: &Value,
        path: &mut Vec<Step>,
        test: &dyn Fn(&Value) -> bool,
        found: &mut Vec<Vec<Step>>,
    ) {
        if found.len() >= MAX_CANDIDATES {
            return;
        }
        if test(value) {
            found.push(path.clone());
        }
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    path.push(Step::Key(k.clone()));
                    walk(v, path, test, found);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(v, path, test, found);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, &mut Vec::new(), test, &mut found);
    found
}

/// Whether `value` is what serde describes as `unexpected` (`string "x"`, `integer `-3``, …).
fn is_unexpected(value: &Value, unexpected: &str) -> bool {
    match value {
        Value::Null => unexpected == "null" || unexpected == "unit value",
        Value::Bool(b) => unexpected == format!("boolean `{b}`"),
        Value::String(s) => unexpected == format!("string {s:?}"),
        Value::Array(_) => unexpected == "sequence",
        Value::Object(_) => unexpected == "map",
        Value::Number(n) => {
            if let Some(t) = quoted(unexpected, "integer `") {
                !n.is_f64() && n.to_string() == t
            } else if let Some(t) = quoted(unexpected, "floating point `") {
                n.is_f64() && crate::float_text::parse_f64(t) == n.as_f64()
            } else {
                false
            }
        }
    }
}

/// Where in `value` serde's `message` points, as a path below the section.
fn locate(
    value: &Value,
    message: &str,
    check: &dyn Fn(&Value) -> Option<String>,
) -> Option<Vec<Step>> {
    if let Some(name) = quoted(message, "unknown variant `") {
        return paths_where(value, &|v| v.as_str() == Some(name))
            .into_iter()
            .next();
    }
    if let Some(key) = quoted(message, "unknown field `") {
        let mut path = paths_where(value, &|v| {
            v.as_object().is_some_and(|m| m.contains_key(key))
        })
        .into_iter()
        .next()?;
        path.push(Step::Key(key.to_string()));
        return Some(path);
    }
    if let Some(key) = quoted(message, "missing field `") {
        // Named only when a single object lacks the field; otherwise the section stands.
        let lacking = paths_where(value, &|v| {
            v.as_object().is_some_and(|m| !m.contains_key(key))
        });
        let [path] = lacking.as_slice() else {
            return None;
        };
        let mut path = path.clone();
        path.push(Step::Key(key.to_string()));
        return Some(path);
    }
    let candidates = if let Some(unexpected) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected "))
        .map(|(unexpected, _)| unexpected)
    {
        paths_where(value, &|v| is_unexpected(v, unexpected))
    } else if let Some(len) = message
        .strip_prefix("invalid length ")
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse::<usize>().ok())
    {
        paths_where(value, &|v| v.as_array().is_some_and(|a| a.len() == len))
    } else {
        return None;
    };
    // Several values may look alike: keep the first whose removal changes serde's complaint.
    let confirmed = candidates.iter().find(|path| {
        let Some(member) = path.iter().rposition(|s| matches!(s, Step::Key(_))) else {
            return false;
        };
        let mut trial = value.clone();
        let mut node = &mut trial;
        for step in &path[..member] {
            node = match (node, step) {
                (Value::Object(m), Step::Key(k)) => match m.get_mut(k) {
                    Some(v) => v,
                    None => return false,
                },
                (Value::Array(a), Step::Index(i)) => match a.get_mut(*i) {
                    Some(v) => v,
                    None => return false,
                },
                _ => return false,
            };
        }
        match (node, &path[member]) {
            (Value::Object(m), Step::Key(k)) => {
                m.remove(k);
            }
            _ => return false,
        }
        check(&trial).as_deref() != Some(message)
    });
    confirmed.or(candidates.first()).cloned()
}

/// The accepted values of a field serde refused, where the message does not list them already.
fn accepted(field: &str, message: &str) -> Option<String> {
    if message.contains("expected one of") {
        return None;
    }
    let leaf = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .split('[')
        .next()
        .unwrap_or_default();
    let text = match (field, leaf) {
        ("steps", _) => format!("a whole number, 0 ≤ steps ≤ {MAX_STEPS}"),
        ("seed", _) => format!("a whole number, 0 ≤ seed ≤ {}", u64::MAX),
        ("objective.dataset.n", _) => "a whole number, 1 ≤ n ≤ 10000".into(),
        (_, "step_size" | "t_max") => "a whole number ≥ 1".into(),
        (_, "batch_size") => {
            "a whole number, 1 ≤ batch_size ≤ 1000000; values ≥ n mean full batch".into()
        }
        ("clip_norm", _) => "a number, 0 < clip_norm ≤ 1e12".into(),
        ("stop", _) => {
            "{\"loss_below\":x, \"grad_norm_below\":y, \"epochs\":n}, each optional, each > 0".into()
        }
        ("stop.loss_below" | "stop.grad_norm_below" | "stop.epochs", _) => {
            "a finite number > 0".into()
        }
        (_, "max_iter" | "max_eval" | "history_size") => "a whole number, 1 ≤ value ≤ 10000".into(),
        (_, "line_search_fn") => "\"strong_wolfe\" or null".into(),
        ("with_replacement", _) => "true or false".into(),
        ("start", _) => "a list of finite numbers, one per parameter, |value| ≤ 1e12".into(),
        ("race", _) => format!(
            "a list of at most {} racers such as {{\"optimizer\":{{\"name\":\"adam\"}},\"batch_size\":8}}",
            MAX_RACERS - 1
        ),
        ("objective.kind", _) => "surface, linreg or mlp".into(),
        (_, "name") if field.ends_with("optimizer.name") => {
            "sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, adamax, newton or lbfgs".into()
        }
        _ if message.ends_with("expected u64") || message.ends_with("expected usize") => {
            "a whole number ≥ 0".into()
        }
        _ if message.ends_with("expected f64") => "a finite number".into(),
        _ if message.ends_with("expected a boolean") => "true or false".into(),
        _ => return None,
    };
    Some(text)
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
