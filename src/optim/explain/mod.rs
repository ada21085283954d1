//! "The update, written out": the rule an optimizer just applied, in PyTorch's form, with the
//! numbers of the last step substituted — for a student watching the lab.
//!
//! [`explain`] reads the optimizer's config, its state *after* the step and a [`StepRecord`] of
//! the step (learning rate, gradient, parameters before and after) and returns an
//! [`Explanation`]: a title naming the method and its source, and lines pairing a formula with its
//! value. Nothing is recomputed that the state holds: moments, accumulators and buffers are shown
//! as stored, and the step is always the one actually taken, Δp = p_after − p_before. Derived
//! quantities (bias corrections, m̂, v̂, denominators) follow the rule as each module documents it.
//!
//! Sources of the formulas: the `torch.optim` documentation of each class
//! (<https://pytorch.org/docs/stable/optim.html>, single-tensor code path) and the papers named in
//! each title — Robbins & Monro (1951); Polyak (1964); Sutskever, Martens, Dahl & Hinton (2013);
//! Duchi, Hazan & Singer (2011); Hinton, *Neural Networks for Machine Learning*, lecture 6e
//! (2012); Graves (2013); Zeiler (2012); Kingma & Ba (2015); Reddi, Kale & Kumar (2018);
//! Loshchilov & Hutter (2019); Dozat (2016); Nocedal & Wright, *Numerical Optimization* (2006).
//!
//! Numbers are written with four significant digits ([`format_number`]) and vectors longer than
//! four entries are cut to their first four ([`format_vector`]).

mod adam;
mod adaptive;
mod format;
mod lbfgs;
mod lines;
mod newton;
mod sgd;
#[cfg(test)]
mod test_support;

pub use format::{format_number, format_vector};

use super::{OptimizerConfig, OptimizerState};
use serde::Serialize;

/// What one step did, as the runner saw it.
#[derive(Clone, Copy, Debug)]
pub struct StepRecord<'a> {
    /// The learning rate in force for the step (after any schedule).
    pub lr: f64,
    /// The gradient the optimizer received (after clipping and noise, before its own weight
    /// decay).
    pub grad: &'a [f64],
    /// The parameters before the step.
    pub params_before: &'a [f64],
    /// The parameters after the step.
    pub params_after: &'a [f64],
    /// When clipping rescaled the gradient: its norm before, and the bound c it was scaled to
    /// ([`crate::optim::clip::clips`]); written out above `grad`, which is the clipped one.
    pub clipped: Option<(f64, f64)>,
}

/// The update rule of the last step, written out with its numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The method as an id the page words in its reader's language ([`method`]): `"sgd"`,
    /// `"sgd_momentum"`, `"adam_amsgrad"`, …
    pub method: &'static str,
    /// The method and its source, e.g. `"Adam (Kingma & Ba, 2015)"`.
    pub title: String,
    /// One line per quantity, in the order the rule computes them.
    pub lines: Vec<ExplainLine>,
}

/// One quantity of the rule: its formula and its value at the last step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainLine {
    /// The formula, hyper-parameters substituted where that helps, e.g.
    /// `"m ← β₁·m + (1 − β₁)·g   (β₁ = 0.9)"`.
    pub formula: String,
    /// What the formula's symbols stand for, as an id the page words in its reader's language
    /// (`"lr_of_step"`: the learning rate of this step; `"before_step"`, `"steps_taken"`,
    /// `"buffer_starts_at_g"`, …); [`ExplainLine::gloss_text`] has every id's English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gloss: Option<&'static str>,
    /// Its value: a number (`"0.1234"`), a vector (`"(0.1234, −5.678)"`) or an integer.
    pub value: String,
}

/// The formula of the line shown when there is no step to explain.
pub const NO_STEP_YET: &str = "no step has been taken yet";

impl ExplainLine {
    /// The formula with its gloss in English words, as the CLI and the tests read it:
    /// `"lr (learning rate of this step)"`.
    pub fn gloss_text(&self) -> String {
        let words = match self.gloss {
            None => return self.formula.clone(),
            Some("lr_of_step") => "learning rate of this step",
            Some("before_step") => "before the step",
            Some("gradient_received") => "gradient received",
            Some("steps_taken") => "steps taken, this one included",
            Some("buffer_starts_at_g") => "b = g at the first step",
            Some("amsgrad_uses_vmax") => "AMSGrad: v̂ uses v_max",
            Some("decoupled_decay") => "decoupled decay",
            Some("gradient_clipped") => "clipped: the g below is the rescaled one",
            Some("weight_of_g") => "weight of g",
            Some("weight_of_m") => "weight of m",
            Some("u_before_step") => "u before this step",
            Some("solved_not_stored") => "solved each step, not stored: −Δp/lr",
            Some("vectors_differ") => {
                return format!(
                    "{}: the step's vectors differ in length; the first n are shown",
                    self.formula
                )
            }
            Some(other) => other,
        };
        format!("{} ({words})", self.formula)
    }
}

/// Writes out the rule `config` applied in `step`, with the state it left (`state_after`).
///
/// A state of another optimizer's kind, or one that has not stepped yet (step count 0, SGD
/// momentum buffer absent), gives an explanation with the title and the single line
/// [`NO_STEP_YET`]. Vectors of different lengths never panic: the computed quantities use their
/// common prefix and a line notes the lengths.
pub fn explain(
    config: &OptimizerConfig,
    state_after: &OptimizerState,
    step: &StepRecord,
) -> Explanation {
    let (method, title) = (method(config), title(config));
    let lines = match (config, state_after) {
        (OptimizerConfig::Sgd(c), OptimizerState::Sgd(s)) => sgd::sgd(c, s, step),
        (OptimizerConfig::Adagrad(c), OptimizerState::Adagrad(s)) => adaptive::adagrad(c, s, step),
        (OptimizerConfig::Rmsprop(c), OptimizerState::Rmsprop(s)) => adaptive::rmsprop(c, s, step),
        (OptimizerConfig::Adadelta(c), OptimizerState::Adadelta(s)) => {
            adaptive::adadelta(c, s, step)
        }
        (OptimizerConfig::Adam(c), OptimizerState::Adam(s)) => adam::adam(c, s, step),
        (OptimizerConfig::Adamw(c), OptimizerState::Adam(s)) => adam::adamw(c, s, step),
        (OptimizerConfig::Nadam(c), OptimizerState::Nadam(s)) => adam::nadam(c, s, step),
        (OptimizerConfig::Adamax(c), OptimizerState::Adamax(s)) => adam::adamax(c, s, step),
        (OptimizerConfig::Newton(c), OptimizerState::Newton(s)) => newton::newton(c, s, step),
        (OptimizerConfig::Lbfgs(c), OptimizerState::Lbfgs(s)) => lbfgs::lbfgs(c, s, step),
        _ => None,
    };
    Explanation {
        method,
        title,
        lines: lines.unwrap_or_else(|| {
            vec![ExplainLine {
                formula: NO_STEP_YET.to_string(),
                gloss: Some("no_step_yet"),
                value: String::new(),
            }]
        }),
    }
}

/// The method as an id: the optimizer's name, with `_momentum`, `_nesterov`, `_centered` or
/// `_amsgrad` where the title says so.
pub fn method(config: &OptimizerConfig) -> &'static str {
    match config {
        OptimizerConfig::Sgd(c) if c.nesterov => "sgd_nesterov",
        OptimizerConfig::Sgd(c) if c.momentum != 0.0 => "sgd_momentum",
        OptimizerConfig::Sgd(_) => "sgd",
        OptimizerConfig::Adagrad(_) => "adagrad",
        OptimizerConfig::Rmsprop(c) if c.centered => "rmsprop_centered",
        OptimizerConfig::Rmsprop(_) => "rmsprop",
        OptimizerConfig::Adadelta(_) => "adadelta",
        OptimizerConfig::Adam(c) if c.amsgrad => "adam_amsgrad",
        OptimizerConfig::Adam(_) => "adam",
        OptimizerConfig::Adamw(c) if c.amsgrad => "adamw_amsgrad",
        OptimizerConfig::Adamw(_) => "adamw",
        OptimizerConfig::Nadam(_) => "nadam",
        OptimizerConfig::Adamax(_) => "adamax",
        OptimizerConfig::Newton(_) => "newton",
        OptimizerConfig::Lbfgs(_) => "lbfgs",
    }
}

/// The method's name and its source.
fn title(config: &OptimizerConfig) -> String {
    match config {
        OptimizerConfig::Sgd(c) if c.nesterov => {
            "SGD with Nesterov momentum (Sutskever et al., 2013; PyTorch's form)".to_string()
        }
        OptimizerConfig::Sgd(c) if c.momentum != 0.0 => {
            "SGD with momentum (Polyak, 1964; PyTorch's form)".to_string()
        }
        OptimizerConfig::Sgd(_) => "SGD (Robbins & Monro, 1951)".to_string(),
        OptimizerConfig::Adagrad(_) => "Adagrad (Duchi, Hazan & Singer, 2011)".to_string(),
        OptimizerConfig::Rmsprop(c) if c.centered => {
            "RMSprop, centred (Hinton, 2012, lecture 6e; Graves, 2013)".to_string()
        }
        OptimizerConfig::Rmsprop(_) => "RMSprop (Hinton, 2012, lecture 6e)".to_string(),
        OptimizerConfig::Adadelta(_) => "Adadelta (Zeiler, 2012)".to_string(),
        OptimizerConfig::Adam(c) if c.amsgrad => {
            "Adam with AMSGrad (Kingma & Ba, 2015; Reddi, Kale & Kumar, 2018)".to_string()
        }
        OptimizerConfig::Adam(_) => "Adam (Kingma & Ba, 2015)".to_string(),
        OptimizerConfig::Adamw(c) if c.amsgrad => {
            "AdamW with AMSGrad (Loshchilov & Hutter, 2019; Reddi, Kale & Kumar, 2018)".to_string()
        }
        OptimizerConfig::Adamw(_) => "AdamW (Loshchilov & Hutter, 2019)".to_string(),
        OptimizerConfig::Nadam(_) => "NAdam (Dozat, 2016)".to_string(),
        OptimizerConfig::Adamax(_) => "Adamax (Kingma & Ba, 2015, §7.1)".to_string(),
        OptimizerConfig::Newton(_) => "Newton's method (Nocedal & Wright, 2006, §3.3)".to_string(),
        OptimizerConfig::Lbfgs(_) => {
            "L-BFGS (Liu & Nocedal, 1989; PyTorch's form, Nocedal & Wright, 2006, §7.2)".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::explain::test_support::*;
    use crate::optim::{AdamConfig, NewtonState, SgdConfig, SgdState};

    #[test]
    fn no_step_yet_for_fresh_or_foreign_states() {
        let adam = OptimizerConfig::Adam(AdamConfig::default());
        let record = StepRecord {
            lr: 0.1,
            grad: &[1.0, 2.0],
            params_before: &[0.0, 0.0],
            params_after: &[0.0, 0.0],
            clipped: None,
        };
        for state in [
            adam.init(2),
            OptimizerState::Sgd(SgdState::default()),
            OptimizerState::Newton(NewtonState { step: 4 }),
        ] {
            let e = explain(&adam, &state, &record);
            assert_eq!(e.title, "Adam (Kingma & Ba, 2015)");
            assert_eq!(e.lines.len(), 1);
            assert_eq!(e.lines[0].formula, NO_STEP_YET);
        }
        let momentum = OptimizerConfig::Sgd(SgdConfig {
            momentum: 0.9,
            ..Default::default()
        });
        let e = explain(&momentum, &momentum.init(2), &record);
        assert_eq!(e.lines[0].formula, NO_STEP_YET);
    }

    #[test]
    fn mismatched_lengths_never_panic() {
        let configs = [
            r#"{"name":"sgd","lr":0.1,"momentum":0.9,"nesterov":true,"weight_decay":0.1}"#,
            r#"{"name":"adagrad","lr_decay":0.1}"#,
            r#"{"name":"rmsprop","centered":true,"momentum":0.5}"#,
            r#"{"name":"adadelta"}"#,
            r#"{"name":"adam","amsgrad":true}"#,
            r#"{"name":"adamw"}"#,
            r#"{"name":"nadam"}"#,
            r#"{"name":"adamax"}"#,
            r#"{"name":"newton"}"#,
        ];
        let grads: [&[f64]; 4] = [&[1.0, 2.0, 3.0], &[1.0], &[], &[1.0, 2.0]];
        let befores: [&[f64]; 3] = [&[1.0, 2.0], &[], &[1.0, 2.0, 3.0, 4.0]];
        for json in configs {
            // A state that stepped once on 2 parameters, then records of every other length.
            let r = run(json, 1, &[3.0, 2.0]);
            for grad in grads {
                for before in befores {
                    let record = StepRecord {
                        lr: 0.1,
                        grad,
                        params_before: before,
                        params_after: &[0.5],
                        clipped: None,
                    };
                    let e = explain(&r.config, &r.state, &record);
                    assert!(has_line(&e, "note: the step's vectors differ"), "{json}");
                    assert!(has_line(&e, "Δp"));
                }
            }
            // A state of the right kind but the wrong length (Newton, for the 2-D surfaces
            // alone, keeps no per-parameter state).
            if !json.contains("newton") {
                let longer = run(json, 1, &[3.0, 2.0, 1.0]);
                let e = explain(&r.config, &longer.state, &r.record());
                check_step(&r, &e);
                let e = explain(&longer.config, &r.state, &longer.record());
                check_step(&longer, &e);
            }
            // lr = 0 leaves no direction to recover, and says so.
            let zero = StepRecord {
                lr: 0.0,
                ..r.record()
            };
            let e = explain(&r.config, &r.state, &zero);
            assert_eq!(value(&e, "lr"), "0");
        }
    }

    #[test]
    fn serialises_to_json() {
        let r = run(r#"{"name":"sgd","lr":0.1}"#, 1, &[1.0, 2.0]);
        let json = serde_json::to_value(r.explain()).expect("serialisable");
        assert_eq!(json["title"], "SGD (Robbins & Monro, 1951)");
        assert!(json["lines"][0]["formula"].is_string());
        assert!(json["lines"][0]["value"].is_string());
    }
}
