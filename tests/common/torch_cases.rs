//! The PyTorch reference cases (`tests/fixtures/torch_traces.json`) of one objective kind, for
//! checking an objective on its own: every traced loss, and the first step of plain SGD, which
//! recovers torch's gradient.
#![allow(clippy::unwrap_used)]

use serde_json::Value;

/// One reference case: its id, scenario, objective spec (without `kind`) and trace.
pub struct TorchCase {
    /// The case's id, for messages.
    pub id: String,
    /// The whole scenario.
    pub scenario: Value,
    /// The objective's fields without its `kind` tag, ready for the objective's own serde form.
    pub spec: Value,
    /// `(params, loss)` at each step, step 0 first.
    pub trace: Vec<(Vec<f64>, f64)>,
}

/// `|a − b| ≤ rel · max(|a|, |b|, 1)`.
fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// Every case of `fixture` whose objective is of `kind` (`"linreg"`, `"mlp"`).
pub fn cases(fixture: &str, kind: &str) -> Vec<TorchCase> {
    super::cases(fixture)
        .iter()
        .filter(|case| case["scenario"]["objective"]["kind"] == kind)
        .map(|case| {
            let mut spec = case["scenario"]["objective"].clone();
            spec.as_object_mut().unwrap().remove("kind");
            TorchCase {
                id: case["id"].as_str().unwrap().to_string(),
                scenario: case["scenario"].clone(),
                spec,
                trace: case["trace"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|step| {
                        (
                            serde_json::from_value(step["params"].clone()).unwrap(),
                            step["loss"].as_f64().unwrap(),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

impl TorchCase {
    /// The starting parameters (step 0 of the trace).
    pub fn start(&self) -> &[f64] {
        &self.trace[0].0
    }

    /// `loss` at every traced point agrees with torch's loss to 1e-12 (relative).
    pub fn check_losses(&self, loss: impl Fn(&[f64]) -> f64) {
        for (step, (params, expected)) in self.trace.iter().enumerate() {
            let got = loss(params);
            assert!(
                close(got, *expected, 1e-12),
                "{} step {step}: {got} vs {expected}",
                self.id
            );
        }
    }

    /// The learning rate when the case is plain SGD (no weight decay, Nesterov, clipping or
    /// schedule), whose first step is `θ₁ = θ₀ − lr·∇L(θ₀)` with or without momentum (torch seeds
    /// the momentum buffer with the first gradient).
    pub fn plain_sgd_lr(&self) -> Option<f64> {
        let scenario = &self.scenario;
        let opt = &scenario["optimizer"];
        let plain = opt["name"] == "sgd"
            && opt
                .get("weight_decay")
                .is_none_or(|v| v.as_f64() == Some(0.0))
            && opt.get("nesterov").is_none_or(|v| v == false)
            && scenario.get("clip_norm").is_none_or(Value::is_null)
            && scenario.get("schedule").is_none_or(Value::is_null);
        plain.then(|| opt["lr"].as_f64().unwrap())
    }

    /// Our gradient `grad` at the start gives torch's first step `θ₁ = θ₀ − lr·g` to 1e-12, and
    /// equals the gradient recovered from it, `(θ₀ − θ₁)/lr`, up to the rounding of `θ₁`.
    pub fn check_first_sgd_step(&self, lr: f64, grad: &[f64]) {
        let (p0, p1) = (self.start(), &self.trace[1].0);
        for k in 0..p0.len() {
            let ours = p0[k] - lr * grad[k];
            assert!(
                close(ours, p1[k], 1e-12),
                "{} param {k}: {ours} vs {}",
                self.id,
                p1[k]
            );
            let torch_g = (p0[k] - p1[k]) / lr;
            assert!(
                (torch_g - grad[k]).abs() <= 1e-13 / lr * p0[k].abs().max(1.0),
                "{} ∂θ[{k}]: {} vs {torch_g}",
                self.id,
                grad[k]
            );
        }
    }
}
