//! What the explanations' unit tests share: real optimizer steps on a quadratic, and readers
//! of the lines they produce.

use super::{explain, format_number, format_vector, Explanation, StepRecord, NO_STEP_YET};
use crate::optim::{OptimizerConfig, OptimizerState, StepContext};

/// Runs `steps` real updates from `start` with gradients from `grad_at`, returning the config,
/// the state after the last update and the last step's record data.
pub(super) struct Run {
    pub(super) config: OptimizerConfig,
    pub(super) state: OptimizerState,
    pub(super) lr: f64,
    pub(super) grad: Vec<f64>,
    pub(super) before: Vec<f64>,
    pub(super) after: Vec<f64>,
}

impl Run {
    pub(super) fn record(&self) -> StepRecord<'_> {
        StepRecord {
            lr: self.lr,
            grad: &self.grad,
            params_before: &self.before,
            params_after: &self.after,
            clipped: None,
        }
    }

    pub(super) fn explain(&self) -> Explanation {
        explain(&self.config, &self.state, &self.record())
    }
}

/// The gradient of f = ½(x² + 10y²) (+ a third coordinate when present).
pub(super) fn quadratic_grad(p: &[f64]) -> Vec<f64> {
    p.iter()
        .enumerate()
        .map(|(i, x)| {
            if i == 1 {
                10.0 * x
            } else {
                x * (1.0 + i as f64)
            }
        })
        .collect()
}

pub(super) fn run(json: &str, steps: usize, start: &[f64]) -> Run {
    let config: OptimizerConfig = serde_json::from_str(json).expect("valid optimizer");
    config.validate().expect("in range");
    let lr = config.lr();
    let mut state = config.init(start.len());
    let mut params = start.to_vec();
    let mut last = None;
    for _ in 0..steps {
        let grad = quadratic_grad(&params);
        let before = params.clone();
        let mut work = grad.clone();
        let hessian: Vec<f64> = (0..start.len() * start.len())
            .map(|k| {
                let (i, j) = (k / start.len(), k % start.len());
                if i != j {
                    0.0
                } else if i == 1 {
                    10.0
                } else {
                    1.0 + i as f64
                }
            })
            .collect();
        let ctx = StepContext {
            lr,
            hessian: Some(&hessian),
            ..StepContext::default()
        };
        config
            .update(&mut state, &mut params, &mut work, ctx)
            .expect("step taken");
        last = Some((grad, before));
    }
    let (grad, before) = last.expect("at least one step");
    Run {
        config,
        state,
        lr,
        grad,
        before,
        after: params,
    }
}

pub(super) fn value<'a>(e: &'a Explanation, prefix: &str) -> &'a str {
    &e.lines
        .iter()
        .find(|l| l.gloss_text().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in {e:#?}"))
        .value
}

pub(super) fn has_line(e: &Explanation, prefix: &str) -> bool {
    e.lines.iter().any(|l| l.gloss_text().starts_with(prefix))
}

/// Parses a value written by [`format_vector`] (short vectors only) back to numbers.
pub(super) fn parse_vector(text: &str) -> Vec<f64> {
    text.trim_start_matches('(')
        .trim_end_matches(')')
        .split(", ")
        .map(|x| x.replace('−', "-").parse().expect("a number"))
        .collect()
}

/// Checks the Δp line against p_after − p_before, and the parameters after.
pub(super) fn check_step(r: &Run, e: &Explanation) {
    let delta: Vec<f64> = r.after.iter().zip(&r.before).map(|(a, b)| a - b).collect();
    assert_eq!(value(e, "Δp ="), format_vector(&delta));
    assert_eq!(value(e, "p ← p + Δp"), format_vector(&r.after));
    assert_eq!(value(e, "g (gradient"), format_vector(&r.grad));
    assert_eq!(value(e, "lr"), format_number(r.lr));
    assert!(!has_line(e, NO_STEP_YET));
}

pub(super) fn close(a: &[f64], b: &[f64], rel: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= rel * x.abs().max(y.abs()))
}
