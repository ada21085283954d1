//! Writing a scenario as a query string that reading gives back exactly, leaving out what equals
//! the defaults so links stay short.

use super::text::plain;
use super::MAX_URL_POINTS;
use crate::objective::mlp::MlpLoss;
use crate::objective::surfaces::SurfaceSpec;
use crate::objective::ObjectiveSpec;
use crate::optim::OptimizerConfig;
use crate::scenario::{json_value, Scenario};
use serde_json::{json, Value};

/// Writes a scenario as a query string (without `?`) that [`from_query`](super::from_query) reads back exactly.
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
            let spec = json_value(linreg);
            write_dataset(&mut parts, &spec);
            write_penalties(&mut parts, &spec);
        }
        ObjectiveSpec::Mlp(mlp) => {
            parts.push("f=mlp".into());
            let spec = json_value(mlp);
            write_dataset(&mut parts, &spec);
            let hidden: Vec<String> = mlp.layers[1..mlp.layers.len().saturating_sub(1).max(1)]
                .iter()
                .map(|u| u.to_string())
                .collect();
            parts.push(format!("layers={}", hidden.join(",")));
            // k classes: the data set's and, for ce, the network's outputs.
            let classes = match (&mlp.dataset, mlp.loss) {
                (_, MlpLoss::Ce) => mlp.layers.last().copied().unwrap_or(2),
                (Some(dataset), _) => dataset.classes,
                (None, _) => 2,
            };
            if classes != 2 {
                parts.push(format!("classes={classes}"));
            }
            if let Some(Value::Array(list)) = spec.get("activations") {
                let names: Vec<String> = list.iter().map(plain).collect();
                parts.push(format!("acts={}", names.join(",")));
            }
            for (field, key) in [("activation", "act"), ("loss", "loss"), ("init", "init")] {
                if let Some(value) = spec.get(field) {
                    parts.push(format!("{key}={}", plain(value)));
                }
            }
            write_penalties(&mut parts, &spec);
        }
        // The digits lab: its network as `convs=8:1:pool,8:1`, then what differs from the
        // defaults (inline images and weights do not ride in a link). Its links are its own
        // module's (feature `cnn`); the page's lab only names the lab.
        #[cfg(not(feature = "cnn"))]
        ObjectiveSpec::Cnn(_) => parts.push("view=digits".into()),
        #[cfg(feature = "cnn")]
        ObjectiveSpec::Cnn(cnn) => {
            parts.push("view=digits".into());
            let convs: Vec<String> = cnn
                .convs
                .iter()
                .map(|c| {
                    let pool = if c.pool { ":pool" } else { "" };
                    format!("{}:{}{pool}", c.channels, c.padding)
                })
                .collect();
            parts.push(format!("convs={}", convs.join(",")));
            parts.push(format!("act={}", plain(&json_value(&cnn.activation))));
            if let Some(init) = cnn.init {
                parts.push(format!("init={}", plain(&json_value(&init))));
            }
            if cnn.init_scale != 1.0 {
                parts.push(format!("scale={}", cnn.init_scale));
            }
        }
    }
    let racers: Vec<String> = std::iter::once((&scenario.optimizer, None))
        .chain(scenario.race.iter().map(|r| (&r.optimizer, r.batch_size)))
        .map(|(optimizer, batch)| write_call(&without_defaults(optimizer), batch))
        .collect();
    parts.push(format!("o={}", racers.join("~")));
    if let Some(schedule) = &scenario.schedule {
        parts.push(format!("sched={}", write_call(&json_value(schedule), None)));
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
        if let Some(patience) = stop.patience {
            parts.push(format!("stop_patience={patience}"));
        }
        if !stop.restore_best {
            parts.push("stop_restore=0".into());
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
    if let Some(goal) = &scenario.goal {
        // `<` and `=` stay readable: a browser sends them as typed, and the reader takes both.
        let text: String = form_urlencoded::byte_serialize(goal.to_text().as_bytes()).collect();
        parts.push(format!(
            "goal={}",
            text.replace("%3C", "<")
                .replace("%3D", "=")
                .replace("%40", "@")
        ));
    }
    if let Some(start) = &scenario.start {
        let values: Vec<String> = start.iter().map(|v| v.to_string()).collect();
        parts.push(format!("start={}", values.join(",")));
    }
    parts.join("&")
}

/// Writes a data objective's L1 and L2 penalties (`l1`, `l2`) where they are set.
fn write_penalties(parts: &mut Vec<String>, spec: &Value) {
    for key in ["l1", "l2"] {
        if let Some(value) = spec.get(key) {
            parts.push(format!("{key}={}", plain(value)));
        }
    }
}

/// Writes a data objective's generated data set (`data`, `n`, `noise`, `dseed`, `test`).
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
    let mut value = json_value(optimizer);
    let defaults = OptimizerConfig::from_tagged(json!({ "name": optimizer.name() }))
        .ok()
        .map(|d| json_value(&d));
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
