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
//! | `o` | racers separated by `~`, each `name(key=value,…)` with PyTorch's hyper-parameter names; lists such as `betas` separated by `/`; `batch=` gives a racer its own batch size |
//! | `sched` | `step(step_size=…,gamma=…)`, `exponential(gamma=…)`, `cosine(t_max=…,eta_min=…)` |
//! | `clip`, `batch`, `seed`, `sigma`, `replace`, `steps` | clip norm, batch size, seed, noise σ, sampling with replacement (1/0), step budget |
//! | `start` | `x,y` |
//!
//! Parsing never fails: each value that does not parse or is out of range is ignored — the
//! setting keeps its default — and reported in a sentence naming it, which the page shows.

use crate::objective::surfaces::SurfaceSpec;
use crate::optim::{AdamConfig, OptimizerConfig, SgdConfig};
use crate::read::Refusal;
use crate::scenario::{ObjectiveSpec, RacerSpec, Scenario, MAX_RACERS};
// Every setting is read from a JSON value with the readers the scenario reader uses
// (`from_tagged`, `crate::fields`), so the wasm carries each type's reading once.
use crate::optim::schedule::Schedule;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// A scenario read from a URL, with what was ignored on the way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UrlState {
    /// The scenario to run.
    pub scenario: Scenario,
    /// One sentence per ignored parameter, naming it and why.
    pub ignored: Vec<String>,
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
    }
}

/// The network lab's opening scenario: TensorFlow Playground's 2-4-2-1 tanh network on the
/// circle, SGD with momentum in batches of 10.
pub fn network_default() -> Scenario {
    Scenario::from_json(NETWORK_DEFAULT).unwrap_or_else(|_| page_default())
}

const NETWORK_DEFAULT: &str = r#"{"objective":{"kind":"mlp","layers":[2,4,2,1],"activation":"tanh","loss":"bce",
  "dataset":{"name":"circle"}},"optimizer":{"name":"sgd","lr":0.1,"momentum":0.9},"batch_size":10,"steps":100000}"#;

/// Reads a query string (with or without the leading `?`).
pub fn from_query(query: &str) -> UrlState {
    let network = query.contains("f=mlp") || query.contains("view=network");
    let scenario = if network {
        network_default()
    } else {
        page_default()
    };
    let mut state = UrlState {
        scenario,
        ignored: Vec::new(),
    };
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };

    for (key, value) in &pairs {
        if key.is_empty() {
            state.ignore(&format!("={value}"), "a value without a name");
        } else if !KNOWN_KEYS.contains(&key.as_str()) && !CUSTOM_KEYS.contains(&key.as_str()) {
            state.ignore(key, "not a setting of the lab");
        }
    }
    state.read_objective(&get);
    if let Some(racers) = get("o") {
        state.read_racers(racers);
    }
    if let Some(text) = get("sched") {
        match parse_call(text) {
            Ok(object) => state.try_set("sched", |s| {
                s.schedule = Schedule::from_tagged(object.clone()).ok()
            }),
            Err(why) => state.ignore("sched", &why),
        }
    }
    state.read_number("clip", get("clip"), &|s, v| s.clip_norm = Some(v));
    state.read_number("stop_loss", get("stop_loss"), &|s, v| {
        s.stop.get_or_insert_with(Default::default).loss_below = Some(v)
    });
    state.read_number("stop_grad", get("stop_grad"), &|s, v| {
        s.stop.get_or_insert_with(Default::default).grad_norm_below = Some(v)
    });
    state.read_number("stop_epochs", get("stop_epochs"), &|s, v| {
        s.stop.get_or_insert_with(Default::default).epochs = Some(v)
    });
    state.read_integer("batch", get("batch"), &|s, v| {
        s.batch_size = Some(v as usize)
    });
    state.read_integer("seed", get("seed"), &|s, v| s.seed = v);
    state.read_integer("steps", get("steps"), &|s, v| s.steps = v);
    state.read_number("sigma", get("sigma"), &|s, v| {
        s.noise = (v > 0.0).then_some(crate::scenario::NoiseModel { sigma: v })
    });
    if let Some(text) = get("replace") {
        match text {
            "1" | "true" => state.scenario.with_replacement = true,
            "0" | "false" => state.scenario.with_replacement = false,
            _ => state.ignore("replace", &format!("`{text}` is not 1 or 0")),
        }
    }
    if let Some(text) = get("start") {
        match parse_list(text, ',') {
            Some(values) => state.try_set("start", |s| s.start = Some(values.clone())),
            None => state.ignore(
                "start",
                &format!("`{text}` is not a list of numbers such as -1.5,2"),
            ),
        }
    }
    state
}

/// The hidden layers of the network lab's default network, as TensorFlow Playground's.
const DEFAULT_LAYERS: [usize; 4] = [2, 4, 2, 1];

/// URL keys that set a field of the objective's generated data set.
const DATASET_KEYS: &[&str] = &["data", "n", "noise", "dseed", "test"];

/// URL keys of the custom surface (`f=custom`): its expression and view box.
const CUSTOM_KEYS: &[&str] = &["expr", "box", "pts"];

const KNOWN_KEYS: &[&str] = &[
    "stop_loss",
    "stop_grad",
    "stop_epochs",
    "layers",
    "act",
    "acts",
    "loss",
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
    // Settings of the page itself (read by www/), not of the scenario.
    "speed",
    "axis",
    "cloud",
    "view",
    "embed",
    "lesson",
    "explain",
    "play",
    "controls",
    "present",
    "lock",
];

impl UrlState {
    /// Reports an ignored parameter. A key from the link is shown with its backticks turned into
    /// quotes and control characters escaped, so the name in backticks is always unambiguous.
    fn ignore(&mut self, key: &str, why: &str) {
        let key: String = key
            .chars()
            .map(|c| match c {
                '`' => "'".to_string(),
                c if c.is_control() => c.escape_default().collect(),
                c => c.to_string(),
            })
            .collect();
        self.ignored.push(format!("ignored `{key}`: {why}"));
    }

    /// Applies `change` to a copy of the scenario and keeps it only if it validates.
    fn try_set(&mut self, key: &str, change: impl FnOnce(&mut Scenario)) {
        let mut candidate = self.scenario.clone();
        change(&mut candidate);
        self.keep_if_valid(key, candidate);
    }

    /// The non-generic half of [`UrlState::try_set`]: compiled once, not once per setting.
    #[inline(never)]
    fn keep_if_valid(&mut self, key: &str, candidate: Scenario) {
        match candidate.validate() {
            Ok(()) => self.scenario = candidate,
            Err(e) => self.ignore(key, &e.to_string()),
        }
    }

    // The setters are `&dyn`: one copy of each reader serves every setting.
    fn read_number(&mut self, key: &str, text: Option<&str>, set: &dyn Fn(&mut Scenario, f64)) {
        if let Some(text) = text {
            match parse_number(text) {
                Some(v) => self.try_set(key, |s| set(s, v)),
                None => self.ignore(key, &format!("`{text}` is not a number")),
            }
        }
    }

    fn read_integer(&mut self, key: &str, text: Option<&str>, set: &dyn Fn(&mut Scenario, u64)) {
        if let Some(text) = text {
            match text.trim().parse::<u64>() {
                Ok(v) => self.try_set(key, |s| set(s, v)),
                Err(_) => self.ignore(key, &format!("`{text}` is not a whole number ≥ 0")),
            }
        }
    }

    fn read_objective<'a>(&mut self, get: &impl Fn(&str) -> Option<&'a str>) {
        let name = match (get("f"), get("view")) {
            (Some(name), _) => name,
            (None, Some("network")) => "mlp",
            _ => return,
        };
        // A base objective, then each optional setting tried alone on top of what was kept.
        let mut base = Map::new();
        let mut optional: Vec<(&str, Option<&str>, Value)> = Vec::new();
        let number = |this: &mut Self,
                      key: &'static str,
                      field: Option<&'static str>,
                      into: &mut Vec<(&str, Option<&str>, Value)>| {
            if let Some(text) = get(key) {
                match parse_number(text) {
                    Some(v) => into.push((key, field.or(Some(key)), number_value(v))),
                    None => this.ignore(key, &format!("`{text}` is not a number")),
                }
            }
        };
        match name {
            "linreg" | "mlp" => {
                base.insert("kind".into(), json!(name));
                let default_data = if name == "linreg" { "linear" } else { "circle" };
                let mut dataset = Map::new();
                dataset.insert("name".into(), json!(default_data));
                if let Some(data) = get("data") {
                    optional.push(("data", Some("name"), json!(data)));
                }
                base.insert("dataset".into(), Value::Object(dataset));
                if let Some(text) = get("pts") {
                    let columns = if name == "linreg" { 2 } else { 3 };
                    match parse_points(text, columns) {
                        Some(points) => {
                            base.remove("dataset");
                            base.insert("points".into(), json!(points));
                        }
                        None => self.ignore(
                            "pts",
                            &format!(
                                "not a list of points such as 0.1,0.2{}",
                                if columns == 3 {
                                    ",1;0.3,0.4,0"
                                } else {
                                    ";0.3,0.4"
                                }
                            ),
                        ),
                    }
                }
                if name == "mlp" {
                    base.insert("layers".into(), json!(DEFAULT_LAYERS));
                    base.insert("activation".into(), json!("tanh"));
                    base.insert("loss".into(), json!("bce"));
                    if let Some(text) = get("layers") {
                        let hidden: Option<Vec<u64>> = text
                            .split(',')
                            .filter(|t| !t.trim().is_empty())
                            .map(|t| t.trim().parse::<u64>().ok())
                            .collect();
                        match hidden {
                            Some(hidden) => {
                                let layers: Vec<u64> = std::iter::once(2)
                                    .chain(hidden)
                                    .chain(std::iter::once(1))
                                    .collect();
                                optional.push(("layers", None, json!(layers)));
                            }
                            None => self.ignore(
                                "layers",
                                &format!("`{text}` is not a list of unit counts such as 4,2"),
                            ),
                        }
                    }
                    for (key, field) in [("act", "activation"), ("loss", "loss"), ("init", "init")]
                    {
                        if let Some(text) = get(key) {
                            optional.push((key, Some(field), json!(text)));
                        }
                    }
                    // One activation per hidden layer, e.g. `acts=relu,relu,sigmoid`.
                    if let Some(text) = get("acts") {
                        let names: Vec<&str> = text.split(',').map(str::trim).collect();
                        optional.push(("acts", Some("activations"), json!(names)));
                    }
                    number(self, "l2", None, &mut optional);
                }
                for (key, field) in [
                    ("n", "n"),
                    ("noise", "noise"),
                    ("dseed", "seed"),
                    ("test", "test_fraction"),
                ] {
                    number(self, key, Some(field), &mut optional);
                }
            }
            surface => {
                base.insert("kind".into(), json!("surface"));
                base.insert("name".into(), json!(surface));
                if surface == "quadratic" {
                    number(self, "kappa", None, &mut optional);
                    number(self, "angle", None, &mut optional);
                }
                if surface == "custom" {
                    let Some(text) = get("expr") else {
                        self.ignore("f", "custom needs expr=… (a function of x and y)");
                        return;
                    };
                    base.insert("expr".into(), json!(text));
                    if let Some(text) = get("box") {
                        match parse_list(text, ',') {
                            Some(view) if view.len() == 4 => {
                                base.insert("view".into(), json!(view));
                            }
                            _ => self.ignore(
                                "box",
                                &format!("`{text}` is not four numbers x_min,x_max,y_min,y_max such as -3,3,-3,3"),
                            ),
                        }
                    }
                }
            }
        }
        let start_hint = get("start").and_then(|text| parse_list(text, ','));
        let start_hint = start_hint.as_deref();
        // The custom function's box is part of its base (its start depends on it), but a bad box
        // alone does not lose the function.
        if base.contains_key("view") {
            if let Err(why) = self.objective_candidate(&base, start_hint) {
                let mut without = base.clone();
                without.remove("view");
                if self.objective_candidate(&without, start_hint).is_ok() {
                    self.ignore("box", &why.to_string());
                    base = without;
                }
            }
        }
        if let Err(why) = self.objective_candidate(&base, start_hint) {
            let key = if why.path.is_within(&["objective", "expr"]) {
                "expr"
            } else {
                "f"
            };
            self.ignore(key, &why.to_string());
            return;
        }
        let mut kept = base;
        for (key, field, value) in optional {
            let mut trial = kept.clone();
            let field = field.unwrap_or(key);
            if DATASET_KEYS.contains(&key) {
                if let Some(Value::Object(dataset)) = trial.get_mut("dataset") {
                    dataset.insert(field.to_string(), value);
                }
            } else {
                trial.insert(field.to_string(), value);
            }
            match self.objective_candidate(&trial, start_hint) {
                Ok(_) => kept = trial,
                Err(why) => self.ignore(key, &why.to_string()),
            }
        }
        if let Ok(candidate) = self.objective_candidate(&kept, start_hint) {
            self.scenario = candidate;
        }
    }

    /// The scenario with the objective `object`, validated and built. `start_hint` is the link's
    /// `start`, tried first for a custom function (which may be undefined at the start kept from
    /// before); then the kept start, if inside its view; then its view's default start.
    fn objective_candidate(
        &self,
        object: &Map<String, Value>,
        start_hint: Option<&[f64]>,
    ) -> Result<Scenario, Refusal> {
        let objective = ObjectiveSpec::from_tagged(Value::Object(object.clone()))
            .map_err(|r| r.in_key("objective"))?;
        let mut candidate = self.scenario.clone();
        if candidate.dim() != 2 || !matches!(objective, ObjectiveSpec::Surface(_)) {
            candidate.start = None;
        }
        candidate.objective = objective;
        if let ObjectiveSpec::Surface(s) = &candidate.objective {
            let default_start = Scenario::default_surface_start(s).to_vec();
            if let SurfaceSpec::Custom { .. } = s {
                let view = crate::objective::surfaces::Surface::view_box(s);
                let inside = |p: &Vec<f64>| {
                    matches!(p.as_slice(), &[x, y] if (view.x_min..=view.x_max).contains(&x)
                        && (view.y_min..=view.y_max).contains(&y))
                };
                let starts = [
                    start_hint.map(<[f64]>::to_vec),
                    candidate.start.clone().filter(inside),
                    Some(default_start),
                ];
                let mut outcome = Ok(());
                for start in starts.into_iter().flatten() {
                    candidate.start = Some(start);
                    outcome = candidate.validate();
                    if outcome.is_ok() {
                        break;
                    }
                }
                outcome?;
            } else if candidate.start.is_none() {
                candidate.start = Some(default_start);
            }
        }
        candidate.validate()?;
        crate::objective::model::Model::build(&candidate.objective, candidate.seed)?;
        Ok(candidate)
    }

    fn read_racers(&mut self, text: &str) {
        let mut racers: Vec<RacerSpec> = Vec::new();
        for (i, call) in text.split('~').filter(|c| !c.trim().is_empty()).enumerate() {
            if racers.len() == MAX_RACERS {
                self.ignore(
                    "o",
                    &format!("at most {MAX_RACERS} optimizers race; the rest were dropped"),
                );
                break;
            }
            let label = format!("o[{i}]");
            let object = match parse_call(call) {
                Ok(object) => object,
                Err(why) => {
                    self.ignore(&label, &why);
                    continue;
                }
            };
            let Value::Object(mut fields) = object else {
                continue;
            };
            let batch = fields.remove("batch");
            let name = fields.get("name").cloned().unwrap_or(Value::Null);
            let base = match OptimizerConfig::from_tagged(json!({ "name": name })) {
                Ok(config) => config,
                Err(e) => {
                    self.ignore(&label, &e.to_string());
                    continue;
                }
            };
            // Each hyper-parameter alone on the defaults: keep those that validate.
            let mut kept = Map::new();
            kept.insert("name".into(), name.clone());
            for (key, value) in fields.iter().filter(|(k, _)| k.as_str() != "name") {
                let mut trial = kept.clone();
                trial.insert(key.clone(), value.clone());
                match OptimizerConfig::from_tagged(Value::Object(trial.clone())) {
                    Ok(config) => match config.validate() {
                        Ok(()) => kept = trial,
                        Err(e) => self.ignore(&format!("{label}.{key}"), &e.to_string()),
                    },
                    Err(e) => self.ignore(&format!("{label}.{key}"), &e.to_string()),
                }
            }
            let optimizer = OptimizerConfig::from_tagged(Value::Object(kept)).unwrap_or(base);
            let batch_size = match batch.as_ref().and_then(Value::as_u64) {
                Some(b) if (1..=1_000_000).contains(&b) => Some(b as usize),
                Some(b) => {
                    self.ignore(
                        &format!("{label}.batch"),
                        &format!("{b} is out of range (accepted: 1 ≤ batch ≤ 1000000)"),
                    );
                    None
                }
                None if batch.is_some() => {
                    self.ignore(&format!("{label}.batch"), "not a whole number");
                    None
                }
                None => None,
            };
            racers.push(RacerSpec {
                optimizer,
                batch_size,
            });
        }
        if racers.is_empty() {
            self.ignore("o", "no optimizer could be read; the default race runs");
            return;
        }
        let first = racers.remove(0);
        self.try_set("o", |s| {
            s.optimizer = first.optimizer;
            if first.batch_size.is_some() {
                s.batch_size = first.batch_size;
            }
            s.race = racers;
        });
    }
}

/// `value` as a JSON value, by way of its JSON text: the same value `serde_json::to_value` gives
/// (floats survive the text exactly), but through the serialiser the scenario's `to_json` already
/// uses, so the wasm carries no second, value-building copy of every type's serialisation.
fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// Parses `name(key=value,…)` into `{"name": name, key: value, …}`.
fn parse_call(text: &str) -> Result<Value, String> {
    let text = text.trim();
    let (name, args) = match text.split_once('(') {
        Some((name, rest)) => {
            let args = rest
                .strip_suffix(')')
                .ok_or_else(|| format!("`{text}` lacks its closing parenthesis"))?;
            (name.trim(), args)
        }
        None => (text, ""),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`{name}` is not a name"));
    }
    let mut object = Map::new();
    object.insert("name".into(), json!(name));
    for arg in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        let (key, value) = arg
            .split_once('=')
            .ok_or_else(|| format!("`{arg}` is not key=value"))?;
        object.insert(key.trim().to_string(), parse_value(value.trim()));
    }
    Ok(Value::Object(object))
}

/// A value inside a call: a number, true/false, a `/`-separated list of numbers, or a string.
fn parse_value(text: &str) -> Value {
    if let Some(v) = parse_number(text) {
        return number_value(v);
    }
    match text {
        "true" => return json!(true),
        "false" => return json!(false),
        _ => {}
    }
    if text.contains('/') {
        if let Some(list) = parse_list(text, '/') {
            return json!(list);
        }
    }
    json!(text)
}

/// Whole numbers become JSON integers (so they fit integer fields such as `step_size`).
fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

fn parse_number(text: &str) -> Option<f64> {
    crate::read::float_text::parse_f64(text.trim()).filter(|v| v.is_finite())
}

fn parse_list(text: &str, separator: char) -> Option<Vec<f64>> {
    text.split(separator).map(parse_number).collect()
}

/// Writes a scenario as a query string (without `?`) that [`from_query`] reads back exactly.
pub fn to_query(scenario: &Scenario) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &scenario.objective {
        ObjectiveSpec::Surface(surface) => {
            parts.push(format!("f={}", surface.name()));
            if let SurfaceSpec::Quadratic { kappa, angle } = surface {
                parts.push(format!("kappa={kappa}&angle={angle}"));
            }
            if let SurfaceSpec::Custom { expr, view } = surface {
                let encoded: String =
                    form_urlencoded::byte_serialize(expr.source().as_bytes()).collect();
                parts.push(format!("expr={encoded}"));
                if let Some(view) = view {
                    let values: Vec<String> = view.iter().map(|v| v.to_string()).collect();
                    parts.push(format!("box={}", values.join(",")));
                }
            }
        }
        ObjectiveSpec::Linreg(linreg) => {
            parts.push("f=linreg".into());
            write_dataset(&mut parts, &to_value(linreg));
        }
        ObjectiveSpec::Mlp(mlp) => {
            parts.push("f=mlp".into());
            let spec = to_value(mlp);
            write_dataset(&mut parts, &spec);
            let hidden: Vec<String> = mlp.layers[1..mlp.layers.len().saturating_sub(1).max(1)]
                .iter()
                .map(|u| u.to_string())
                .collect();
            parts.push(format!("layers={}", hidden.join(",")));
            if let Some(Value::Array(list)) = spec.get("activations") {
                let names: Vec<String> = list.iter().map(plain).collect();
                parts.push(format!("acts={}", names.join(",")));
            }
            for (field, key) in [
                ("activation", "act"),
                ("loss", "loss"),
                ("init", "init"),
                ("l2", "l2"),
            ] {
                if let Some(value) = spec.get(field) {
                    parts.push(format!("{key}={}", plain(value)));
                }
            }
        }
    }
    let racers: Vec<String> = std::iter::once((&scenario.optimizer, None))
        .chain(scenario.race.iter().map(|r| (&r.optimizer, r.batch_size)))
        .map(|(optimizer, batch)| write_call(&without_defaults(optimizer), batch))
        .collect();
    parts.push(format!("o={}", racers.join("~")));
    if let Some(schedule) = &scenario.schedule {
        parts.push(format!("sched={}", write_call(&to_value(schedule), None)));
    }
    if let Some(stop) = &scenario.stop {
        for (key, value) in [
            ("stop_loss", stop.loss_below),
            ("stop_grad", stop.grad_norm_below),
            ("stop_epochs", stop.epochs),
        ] {
            if let Some(v) = value {
                parts.push(format!("{key}={v}"));
            }
        }
    }
    if let Some(clip) = scenario.clip_norm {
        parts.push(format!("clip={clip}"));
    }
    if let Some(batch) = scenario.batch_size {
        parts.push(format!("batch={batch}"));
    }
    if let Some(noise) = &scenario.noise {
        parts.push(format!("sigma={}", noise.sigma));
    }
    if scenario.with_replacement {
        parts.push("replace=1".into());
    }
    parts.push(format!("seed={}", scenario.seed));
    parts.push(format!("steps={}", scenario.steps));
    if let Some(start) = &scenario.start {
        let values: Vec<String> = start.iter().map(|v| v.to_string()).collect();
        parts.push(format!("start={}", values.join(",")));
    }
    parts.join("&")
}

/// Writes a data objective's generated data set (`data`, `n`, `noise`, `dseed`, `test`).
/// Inline data up to this many points rides in a link (`pts=`); larger data only in the exported
/// scenario JSON.
pub const MAX_URL_POINTS: usize = 300;

/// `x,y[,label];…` → points with `columns` values each.
fn parse_points(text: &str, columns: usize) -> Option<Vec<Vec<f64>>> {
    let points: Option<Vec<Vec<f64>>> = text
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| parse_list(p, ',').filter(|values| values.len() == columns))
        .collect();
    points.filter(|p| !p.is_empty() && p.len() <= 10_000)
}

fn write_dataset(parts: &mut Vec<String>, spec: &Value) {
    if let Some(Value::Array(points)) = spec.get("points") {
        if points.len() <= MAX_URL_POINTS {
            let written: Vec<String> = points
                .iter()
                .map(plain)
                .map(|p| p.replace('/', ","))
                .collect();
            parts.push(format!("pts={}", written.join(";")));
        }
    }
    if let Some(Value::Object(dataset)) = spec.get("dataset") {
        for (field, key) in [
            ("name", "data"),
            ("n", "n"),
            ("noise", "noise"),
            ("seed", "dseed"),
            ("test_fraction", "test"),
        ] {
            if let Some(value) = dataset.get(field) {
                parts.push(format!("{key}={}", plain(value)));
            }
        }
    }
}

/// The optimizer as JSON without the hyper-parameters that equal PyTorch's defaults (the
/// learning rate is always kept, so a link says what it runs).
fn without_defaults(optimizer: &OptimizerConfig) -> Value {
    let mut value = to_value(optimizer);
    let defaults = OptimizerConfig::from_tagged(json!({ "name": optimizer.name() }))
        .ok()
        .map(|d| to_value(&d));
    if let (Value::Object(fields), Some(Value::Object(defaults))) = (&mut value, defaults) {
        fields.retain(|key, v| key == "name" || key == "lr" || defaults.get(key) != Some(v));
    }
    value
}

/// `{"name":"adam","lr":0.05,"betas":[0.9,0.999]}` → `adam(lr=0.05,betas=0.9/0.999,…)`.
fn write_call(object: &Value, batch: Option<usize>) -> String {
    let Value::Object(fields) = object else {
        return String::new();
    };
    let name = fields.get("name").map(plain).unwrap_or_default();
    let mut args: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "name")
        .map(|(k, v)| format!("{k}={}", plain(v)))
        .collect();
    if let Some(b) = batch {
        args.push(format!("batch={b}"));
    }
    format!("{name}({})", args.join(","))
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("/"),
        Value::Number(n) => n
            .as_f64()
            .map(|v| v.to_string())
            .unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::mlp::Activation;

    #[test]
    fn an_empty_query_is_the_page_default() {
        let state = from_query("");
        assert_eq!(state.scenario, page_default());
        assert!(state.ignored.is_empty());
        page_default().validate().expect("the default is valid");
    }

    #[test]
    fn a_written_scenario_reads_back_exactly() {
        let mut scenario = page_default();
        scenario.objective = ObjectiveSpec::Surface(SurfaceSpec::Quadratic {
            kappa: 100.0,
            angle: -0.3,
        });
        scenario.schedule = Some(crate::optim::schedule::Schedule::Cosine {
            t_max: 100,
            eta_min: 1e-4,
        });
        scenario.clip_norm = Some(1.5);
        scenario.batch_size = Some(8);
        scenario.noise = Some(crate::scenario::NoiseModel { sigma: 0.5 });
        scenario.seed = 42;
        scenario.stop = Some(crate::scenario::StopSpec {
            loss_below: Some(1e-6),
            grad_norm_below: None,
            epochs: Some(30.0),
        });
        scenario.start = Some(vec![3.0, -2.25]);
        scenario.race[1].batch_size = Some(1);
        scenario.race[1].optimizer = OptimizerConfig::Adam(AdamConfig {
            lr: 0.05,
            betas: [0.8, 0.99],
            amsgrad: true,
            ..AdamConfig::default()
        });
        let query = to_query(&scenario);
        let state = from_query(&query);
        assert!(state.ignored.is_empty(), "{query}: {:?}", state.ignored);
        assert_eq!(state.scenario, scenario, "{query}");
    }

    #[test]
    fn bad_values_fall_back_and_are_named() {
        let state = from_query("?f=rosenbrock&o=adam(lr=-5,betas=0.9/0.99)~sgd(lr=abc)&batch=0&seed=x&start=1,2,3&bogus=1");
        let text = state.ignored.join("\n");
        for needle in [
            "`o[0].lr`",
            "`o[1].lr`",
            "`batch`",
            "`seed`",
            "`start`",
            "`bogus`",
        ] {
            assert!(
                text.contains(needle),
                "{needle} should be reported in:\n{text}"
            );
        }
        let OptimizerConfig::Adam(adam) = &state.scenario.optimizer else {
            panic!("adam")
        };
        assert_eq!(adam.lr, AdamConfig::default().lr);
        assert_eq!(adam.betas, [0.9, 0.99]);
        assert_eq!(state.scenario.batch_size, None);
        assert_eq!(state.scenario.start, page_default().start);
    }

    #[test]
    fn an_unknown_surface_or_optimizer_keeps_the_default() {
        let state = from_query("f=nowhere&o=magic(lr=1)");
        assert_eq!(state.scenario.objective, page_default().objective);
        assert_eq!(state.scenario.optimizer, page_default().optimizer);
        let text = state.ignored.join("\n");
        assert!(
            text.contains("`f`") && text.contains("`o[0]`") && text.contains("nowhere"),
            "{text}"
        );
    }

    #[test]
    fn an_out_of_range_kappa_is_ignored_but_the_quadratic_kept() {
        let state = from_query("f=quadratic&kappa=1e9&angle=0.5");
        assert_eq!(
            state.scenario.objective,
            ObjectiveSpec::Surface(SurfaceSpec::Quadratic {
                kappa: 10.0,
                angle: 0.5
            })
        );
        assert!(
            state.ignored.iter().any(|m| m.contains("`kappa`")),
            "{:?}",
            state.ignored
        );
    }

    #[test]
    fn the_network_default_opens_cleanly() {
        assert!(Scenario::from_json(NETWORK_DEFAULT).is_ok());
        let state = from_query("view=network");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        assert_eq!(state.scenario, network_default());
    }

    #[test]
    fn activations_per_layer_ride_in_the_url() {
        let state = from_query("f=mlp&data=xor&layers=8,8,4&act=relu&acts=relu,relu,sigmoid");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
            panic!("an mlp")
        };
        assert_eq!(
            mlp.activations,
            Some(vec![
                Activation::Relu,
                Activation::Relu,
                Activation::Sigmoid
            ])
        );
        let query = to_query(&state.scenario);
        assert!(query.contains("acts=relu,relu,sigmoid"), "{query}");
        assert_eq!(from_query(&query).scenario, state.scenario);
        // The wrong count, or an unknown name, is ignored with a message naming `acts`; the
        // network keeps its single activation.
        for bad in ["layers=8,8&acts=relu", "layers=8&acts=swish"] {
            let state = from_query(&format!("f=mlp&{bad}"));
            assert!(
                state.ignored.iter().any(|m| m.contains("`acts`")),
                "{bad}: {:?}",
                state.ignored
            );
            let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
                panic!("an mlp")
            };
            assert_eq!(mlp.activations, None);
        }
    }

    #[test]
    fn a_network_scenario_round_trips_and_falls_back_per_field() {
        let state = from_query("f=mlp&data=spiral&n=300&noise=0.2&dseed=4&test=0.3&layers=8,8&act=relu&l2=0.001&o=adam(lr=0.01)&batch=10");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
            panic!("an mlp")
        };
        assert_eq!(mlp.layers, vec![2, 8, 8, 1]);
        let back = from_query(&to_query(&state.scenario));
        assert_eq!(
            back.scenario,
            state.scenario,
            "{}",
            to_query(&state.scenario)
        );
        let mangled = from_query("f=mlp&data=nowhere&layers=8,x&act=swish&n=0");
        for key in ["`data`", "`layers`", "`act`", "`n`"] {
            assert!(
                mangled.ignored.iter().any(|m| m.contains(key)),
                "{key}: {:?}",
                mangled.ignored
            );
        }
        assert!(
            matches!(mangled.scenario.objective, ObjectiveSpec::Mlp(_)),
            "the network lab still opens"
        );
        let view = from_query("view=network");
        assert!(matches!(view.scenario.objective, ObjectiveSpec::Mlp(_)));
    }

    #[test]
    fn small_inline_data_rides_in_the_link() {
        let state = from_query("f=mlp&pts=0.1,0.2,1;0.3,-0.4,0;0.5,0.5,1&o=adam(lr=0.01)");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
            panic!("an mlp")
        };
        assert_eq!(mlp.points.as_ref().map(Vec::len), Some(3));
        assert_eq!(
            from_query(&to_query(&state.scenario)).scenario,
            state.scenario
        );
        let linreg = from_query("f=linreg&pts=0,1;1,3;2,5");
        assert!(
            matches!(linreg.scenario.objective, ObjectiveSpec::Linreg(_)),
            "{:?}",
            linreg.ignored
        );
        assert_eq!(
            from_query(&to_query(&linreg.scenario)).scenario,
            linreg.scenario
        );
        assert!(from_query("f=linreg&pts=0,1;oops")
            .ignored
            .iter()
            .any(|m| m.contains("`pts`")));
    }

    #[test]
    fn percent_encoded_queries_are_read() {
        let state = from_query("f=booth&o=adam%28lr%3D0.1%29&start=0%2C0");
        assert_eq!(state.scenario.start, Some(vec![0.0, 0.0]));
        assert_eq!(state.scenario.optimizer.lr(), 0.1);
    }

    fn custom(state: &UrlState) -> (&str, Option<[f64; 4]>) {
        match &state.scenario.objective {
            ObjectiveSpec::Surface(SurfaceSpec::Custom { expr, view }) => (expr.source(), *view),
            other => panic!("not a custom surface: {other:?} ({:?})", state.ignored),
        }
    }

    #[test]
    fn a_custom_function_round_trips_percent_encoded() {
        for text in [
            "(1-x)^2 + 100*(y-x^2)^2",
            "x^2 + 10*sin(y) & f=mlp",
            "exp(-x) / (1 + e^y) − 2·x",
            "1e-3*x^2 + y^2 % 2",
        ] {
            let json = serde_json::json!({"objective": {"kind": "surface", "name": "custom", "expr": text, "view": [-2.5, 2.0, -1.0, 3.25]}, "optimizer": {"name": "adam", "lr": 0.1}, "start": [0.5, 0.5]});
            let scenario = match Scenario::from_value(&json) {
                Ok(s) => s,
                Err(e) => {
                    // The made-up texts that do not parse must say why.
                    assert!(e.field() == "objective.expr", "{text}: {e}");
                    continue;
                }
            };
            let query = to_query(&scenario);
            assert!(query.starts_with("f=custom&expr="), "{query}");
            assert!(!query.contains(' ') && !query.contains("view="), "{query}");
            let state = from_query(&query);
            assert!(state.ignored.is_empty(), "{query}: {:?}", state.ignored);
            assert_eq!(state.scenario, scenario, "{query}");
            assert_eq!(custom(&state), (text, Some([-2.5, 2.0, -1.0, 3.25])));
        }
        // Without a box, none is written or read.
        let state = from_query("f=custom&expr=x%5E2%2By%5E2");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        assert_eq!(custom(&state), ("x^2+y^2", None));
        assert!(!to_query(&state.scenario).contains("box="));
    }

    #[test]
    fn a_custom_function_falls_back_per_field() {
        // A broken expression keeps the default objective and says why under `expr`.
        let state = from_query("f=custom&expr=(x%2By&o=adam(lr=0.1)");
        assert_eq!(state.scenario.objective, page_default().objective);
        assert_eq!(state.scenario.optimizer.lr(), 0.1);
        assert_eq!(
            state.ignored,
            vec!["ignored `expr`: objective.expr: expected ')' at position 5 to close the '(' at position 1"]
        );
        let missing = from_query("f=custom");
        assert_eq!(missing.scenario.objective, page_default().objective);
        assert!(
            missing.ignored[0].starts_with("ignored `f`: custom needs expr="),
            "{:?}",
            missing.ignored
        );
        // A bad box is ignored, the function kept.
        for bad in ["1,2,3", "a,b,c,d", "3,-3,-3,3"] {
            let state = from_query(&format!("f=custom&expr=x*y&box={bad}"));
            assert_eq!(custom(&state), ("x*y", None), "{bad}");
            assert!(
                state.ignored.iter().any(|m| m.starts_with("ignored `box`")),
                "{bad}: {:?}",
                state.ignored
            );
        }
        // The box and view=network do not collide.
        let state = from_query("f=custom&expr=x*y&box=-1,1,-2,2&view=surface");
        assert_eq!(custom(&state), ("x*y", Some([-1.0, 1.0, -2.0, 2.0])));
    }

    #[test]
    fn a_custom_function_finds_a_start_where_it_is_defined() {
        // log(x) is undefined at the page's default start (-1.5, 2): the link's start is used.
        let state = from_query("f=custom&expr=log(x)%2By%5E2&start=1,1");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        assert_eq!(state.scenario.start, Some(vec![1.0, 1.0]));
        // Without one, the view's default start, a fifth in from the top-left corner.
        let state = from_query("f=custom&expr=log(x%2B2)&box=0,5,0,5");
        assert!(state.ignored.is_empty(), "{:?}", state.ignored);
        assert_eq!(state.scenario.start, Some(vec![1.0, 4.0]));
        // A start where it is undefined is ignored, the function kept.
        let state = from_query("f=custom&expr=log(x)&box=0,5,0,5&start=-1,1");
        assert_eq!(custom(&state).0, "log(x)");
        assert!(
            state
                .ignored
                .iter()
                .any(|m| m.starts_with("ignored `start`")),
            "{:?}",
            state.ignored
        );
        // Nowhere defined: refused, the default kept.
        let state = from_query("f=custom&expr=log(-x^2-1)");
        assert_eq!(state.scenario.objective, page_default().objective);
        assert_eq!(state.ignored.len(), 1, "{:?}", state.ignored);
    }
}
