//! Reading a query string into a scenario, one setting at a time: each value that does not parse
//! or is out of range is ignored, named in a sentence, and the setting keeps its default.

use super::text::{number_value, parse_call, parse_list, parse_number, parse_points};
use super::{
    digits_default, network_default, page_default, Ignored, UrlState, Why, CUSTOM_KEYS,
    DATASET_KEYS, DEFAULT_LAYERS, KNOWN_KEYS,
};
use crate::data::datasets::MAX_CLASSES;
use crate::objective::surfaces::SurfaceSpec;
use crate::objective::ObjectiveSpec;
use crate::optim::schedule::Schedule;
use crate::optim::OptimizerConfig;
use crate::read::Refusal;
use crate::scenario::{RacerSpec, Scenario, MAX_RACERS};
use serde_json::{json, Map, Value};

/// Reads a query string (with or without the leading `?`).
pub fn from_query(query: &str) -> UrlState {
    let network = query.contains("f=mlp") || query.contains("view=network");
    // The digits lab's links are read by its own module (feature `cnn`); the page's lab leaves
    // them to it.
    let scenario = if cfg!(feature = "cnn") && query.contains("view=digits") {
        digits_default()
    } else if network {
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
            state.ignore(&format!("={value}"), Why::NoName);
        } else if !KNOWN_KEYS.contains(&key.as_str()) && !CUSTOM_KEYS.contains(&key.as_str()) {
            state.ignore(key, Why::NotASetting);
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
            Err(why) => state.ignore("sched", why),
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
    state.read_integer("stop_patience", get("stop_patience"), &|s, v| {
        s.stop.get_or_insert_with(Default::default).patience = Some(v)
    });
    if let Some(text) = get("stop_restore") {
        match text {
            "1" | "true" | "0" | "false" => {
                let restore = matches!(text, "1" | "true");
                // `stop_restore=1` alone is the default: no stop at all, as written back.
                state.try_set("stop_restore", |s| {
                    let mut stop = s.stop.clone().unwrap_or_default();
                    stop.restore_best = restore;
                    s.stop = (stop != crate::scenario::StopSpec::default()).then_some(stop);
                })
            }
            _ => state.ignore("stop_restore", Why::NotBinary { text: text.into() }),
        }
    }
    state.read_integer("batch", get("batch"), &|s, v| {
        s.batch_size = Some(v as usize)
    });
    state.read_integer("seed", get("seed"), &|s, v| s.seed = v);
    state.read_integer("steps", get("steps"), &|s, v| s.steps = v);
    state.read_number("sigma", get("sigma"), &|s, v| {
        s.noise = (v > 0.0).then_some(crate::scenario::NoiseModel { sigma: v })
    });
    if let Some(text) = get("goal") {
        match crate::scenario::Goal::from_text(text) {
            Ok(goal) => state.try_set("goal", |s| s.goal = Some(goal.clone())),
            Err(refusal) => state.ignore("goal", Why::refused(&refusal, refusal.reason())),
        }
    }
    if let Some(text) = get("replace") {
        match text {
            "1" | "true" => state.scenario.with_replacement = true,
            "0" | "false" => state.scenario.with_replacement = false,
            _ => state.ignore("replace", Why::NotBinary { text: text.into() }),
        }
    }
    if let Some(text) = get("start") {
        match parse_list(text, ',') {
            Some(values) => state.try_set("start", |s| s.start = Some(values.clone())),
            None => state.ignore(
                "start",
                Why::NotAList {
                    text: text.into(),
                    example: "-1.5,2",
                },
            ),
        }
    }
    state
}

/// The digits lab's default convolutions, as its default scenario has them.
#[cfg(feature = "cnn")]
fn default_convs() -> Value {
    match digits_default().objective {
        ObjectiveSpec::Cnn(cnn) => json!(cnn.convs),
        _ => json!([]),
    }
}

/// `8:1:pool,8:0` → `[{"channels":8,"padding":1,"pool":true},{"channels":8,"padding":0,"pool":false}]`;
/// the ranges are the scenario's to check.
#[cfg(feature = "cnn")]
fn parse_convs(text: &str) -> Result<Value, Why> {
    let refuse = || Why::NotAList {
        text: text.into(),
        example: "8:1:pool,8:1",
    };
    text.split(',')
        .map(|conv| {
            let parts: Vec<&str> = conv.trim().split(':').collect();
            let number = |i: usize| parts.get(i).and_then(|t| t.parse::<u64>().ok());
            match (number(0), number(1), parts.get(2).copied(), parts.len()) {
                (Some(channels), Some(padding), pool, 2 | 3)
                    if pool.is_none_or(|p| p == "pool") =>
                {
                    Ok(json!({"channels": channels, "padding": padding, "pool": pool.is_some()}))
                }
                _ => Err(refuse()),
            }
        })
        .collect::<Result<Vec<Value>, Why>>()
        .map(Value::Array)
}

impl UrlState {
    /// Reports an ignored parameter. A key from the link is shown with its backticks turned into
    /// quotes and control characters escaped, so the name in backticks is always unambiguous.
    fn ignore(&mut self, key: &str, why: Why) {
        let key: String = key
            .chars()
            .map(|c| match c {
                '`' => "'".to_string(),
                c if c.is_control() => c.escape_default().collect(),
                c => c.to_string(),
            })
            .collect();
        self.ignored.push(Ignored { key, why });
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
            Err(e) => self.ignore(key, Why::refused(&e, e.to_string())),
        }
    }

    // The setters are `&dyn`: one copy of each reader serves every setting.
    fn read_number(&mut self, key: &str, text: Option<&str>, set: &dyn Fn(&mut Scenario, f64)) {
        if let Some(text) = text {
            match parse_number(text) {
                Some(v) => self.try_set(key, |s| set(s, v)),
                None => self.ignore(key, Why::NotANumber { text: text.into() }),
            }
        }
    }

    fn read_integer(&mut self, key: &str, text: Option<&str>, set: &dyn Fn(&mut Scenario, u64)) {
        if let Some(text) = text {
            match text.trim().parse::<u64>() {
                Ok(v) => self.try_set(key, |s| set(s, v)),
                Err(_) => self.ignore(key, Why::NotWhole { text: text.into() }),
            }
        }
    }

    fn read_objective<'a>(&mut self, get: &impl Fn(&str) -> Option<&'a str>) {
        let name = match (get("f"), get("view")) {
            (Some(name), _) => name,
            (None, Some("network")) => "mlp",
            #[cfg(feature = "cnn")]
            (None, Some("digits")) => "cnn",
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
                    None => this.ignore(key, Why::NotANumber { text: text.into() }),
                }
            }
        };
        match name {
            #[cfg(feature = "cnn")]
            "cnn" => {
                // The digits lab's network: `convs=8:1:pool,8:1` (channels:padding[:pool] per
                // convolution), then its activation, initialiser and weight scale.
                base.insert("kind".into(), json!("cnn"));
                let convs = get("convs").map_or(Ok(default_convs()), parse_convs);
                match convs {
                    Ok(convs) => base.insert("convs".into(), convs),
                    Err(why) => {
                        self.ignore("convs", why);
                        base.insert("convs".into(), default_convs())
                    }
                };
                base.insert("activation".into(), json!("relu"));
                for (key, field) in [("act", "activation"), ("init", "init")] {
                    if let Some(text) = get(key) {
                        optional.push((key, Some(field), json!(text)));
                    }
                }
                number(self, "scale", Some("init_scale"), &mut optional);
            }
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
                            Why::NotAList {
                                text: text.into(),
                                example: if columns == 3 {
                                    "0.1,0.2,1;0.3,0.4,0"
                                } else {
                                    "0.1,0.2;0.3,0.4"
                                },
                            },
                        ),
                    }
                }
                // `classes=k`: k classes of the data set and, for `loss=ce`, k outputs — set in
                // the base (with the data set's name), since each alone would be refused.
                let ce = name == "mlp" && get("loss") == Some("ce");
                let mut classes = 2;
                if let Some(text) = get("classes") {
                    match text.trim().parse::<usize>() {
                        Ok(k) if (2..=MAX_CLASSES).contains(&k) => classes = k,
                        _ => self.ignore(
                            "classes",
                            Why::NotClasses {
                                text: text.into(),
                                most: MAX_CLASSES,
                            },
                        ),
                    }
                }
                if name == "mlp" {
                    let outputs = if ce { classes } else { 1 };
                    let mut layers = DEFAULT_LAYERS.to_vec();
                    if let Some(last) = layers.last_mut() {
                        *last = outputs;
                    }
                    base.insert("layers".into(), json!(layers));
                    base.insert("activation".into(), json!("tanh"));
                    base.insert("loss".into(), json!(if ce { "ce" } else { "bce" }));
                    if classes != 2 {
                        if let Some(Value::Object(dataset)) = base.get_mut("dataset") {
                            dataset.insert("classes".into(), json!(classes));
                            if let Some(data) = get("data") {
                                dataset.insert("name".into(), json!(data));
                            }
                        }
                        if let Err(why) = self.objective_candidate(&base, None) {
                            self.ignore("classes", Why::refused(&why, why.to_string()));
                            let mut layers = DEFAULT_LAYERS.to_vec();
                            if let Some(last) = layers.last_mut() {
                                *last = if ce { 2 } else { 1 };
                            }
                            base.insert("layers".into(), json!(layers));
                            if let Some(Value::Object(dataset)) = base.get_mut("dataset") {
                                dataset.remove("classes");
                                dataset.insert("name".into(), json!("circle"));
                            }
                            classes = 2;
                        } else {
                            // The name is in the base; trying it again alone would be refused.
                            optional.retain(|(key, _, _)| *key != "data");
                        }
                    }
                    let outputs = if ce { classes } else { 1 };
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
                                    .chain(std::iter::once(outputs as u64))
                                    .collect();
                                optional.push(("layers", None, json!(layers)));
                            }
                            None => self.ignore(
                                "layers",
                                Why::NotAList {
                                    text: text.into(),
                                    example: "4,2",
                                },
                            ),
                        }
                    }
                    for (key, field) in [("act", "activation"), ("loss", "loss"), ("init", "init")]
                    {
                        if let Some(text) = get(key).filter(|_| !(ce && key == "loss")) {
                            optional.push((key, Some(field), json!(text)));
                        }
                    }
                    // One activation per hidden layer, e.g. `acts=relu,relu,sigmoid`.
                    if let Some(text) = get("acts") {
                        let names: Vec<&str> = text.split(',').map(str::trim).collect();
                        optional.push(("acts", Some("activations"), json!(names)));
                    }
                }
                number(self, "l1", None, &mut optional);
                number(self, "l2", None, &mut optional);
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
                        self.ignore("f", Why::CustomNeedsExpr);
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
                                Why::NotAList {
                                    text: text.into(),
                                    example: "-3,3,-3,3",
                                },
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
                    self.ignore("box", Why::refused(&why, why.to_string()));
                    base = without;
                }
            }
        }
        if let Err(why) = self.objective_candidate(&base, start_hint) {
            let key = if why.path.is_within(&["objective", "expr"]) {
                "expr"
            } else if why.path.is_within(&["objective", "convs"]) {
                "convs"
            } else {
                "f"
            };
            self.ignore(key, Why::refused(&why, why.to_string()));
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
                Err(why) => self.ignore(key, Why::refused(&why, why.to_string())),
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
        // A build without feature `mlp` (the first screen's module) reads a network's settings
        // without building it: the whole page's module, which builds it, reads them again.
        if cfg!(feature = "mlp") || !matches!(candidate.objective, ObjectiveSpec::Mlp(_)) {
            crate::objective::model::Model::build(&candidate.objective, candidate.seed)?;
        }
        Ok(candidate)
    }

    fn read_racers(&mut self, text: &str) {
        let mut racers: Vec<RacerSpec> = Vec::new();
        for (i, call) in text.split('~').filter(|c| !c.trim().is_empty()).enumerate() {
            if racers.len() == MAX_RACERS {
                self.ignore("o", Why::TooManyRacers { most: MAX_RACERS });
                break;
            }
            let label = format!("o[{i}]");
            let object = match parse_call(call) {
                Ok(object) => object,
                Err(why) => {
                    self.ignore(&label, why);
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
                    self.ignore(&label, Why::refused(&e, e.to_string()));
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
                        Err(e) => {
                            self.ignore(&format!("{label}.{key}"), Why::refused(&e, e.to_string()))
                        }
                    },
                    Err(e) => {
                        self.ignore(&format!("{label}.{key}"), Why::refused(&e, e.to_string()))
                    }
                }
            }
            let optimizer = OptimizerConfig::from_tagged(Value::Object(kept)).unwrap_or(base);
            let batch_size = match batch.as_ref().and_then(Value::as_u64) {
                Some(b) if (1..=1_000_000).contains(&b) => Some(b as usize),
                Some(b) => {
                    let range = crate::read::Range::closed(1.0, 1e6).whole();
                    let refusal = Refusal::out_of_range("batch_size", b as f64, range);
                    let text = format!("{b} is out of range (accepted: 1 ≤ batch ≤ 1000000)");
                    self.ignore(&format!("{label}.batch"), Why::refused(&refusal, text));
                    None
                }
                None if batch.is_some() => {
                    self.ignore(
                        &format!("{label}.batch"),
                        Why::NotWhole {
                            text: batch.as_ref().map(super::text::plain).unwrap_or_default(),
                        },
                    );
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
            self.ignore("o", Why::NoOptimizer);
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
