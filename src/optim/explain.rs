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

use super::{
    AdadeltaConfig, AdadeltaState, AdagradConfig, AdagradState, AdamConfig, AdamState, AdamWConfig,
    AdamaxConfig, AdamaxState, NadamConfig, NadamState, NewtonConfig, NewtonState, OptimizerConfig,
    OptimizerState, RmspropConfig, RmspropState, SgdConfig, SgdState,
};
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
}

/// The update rule of the last step, written out with its numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
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
    /// Its value: a number (`"0.1234"`), a vector (`"(0.1234, −5.678)"`) or an integer.
    pub value: String,
}

/// The formula of the line shown when there is no step to explain.
pub const NO_STEP_YET: &str = "no step has been taken yet";

/// Vectors longer than this show only their first `SHOWN` entries.
const SHOWN: usize = 4;

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
    let title = title(config);
    let lines = match (config, state_after) {
        (OptimizerConfig::Sgd(c), OptimizerState::Sgd(s)) => sgd(c, s, step),
        (OptimizerConfig::Adagrad(c), OptimizerState::Adagrad(s)) => adagrad(c, s, step),
        (OptimizerConfig::Rmsprop(c), OptimizerState::Rmsprop(s)) => rmsprop(c, s, step),
        (OptimizerConfig::Adadelta(c), OptimizerState::Adadelta(s)) => adadelta(c, s, step),
        (OptimizerConfig::Adam(c), OptimizerState::Adam(s)) => adam(c, s, step),
        (OptimizerConfig::Adamw(c), OptimizerState::Adam(s)) => adamw(c, s, step),
        (OptimizerConfig::Nadam(c), OptimizerState::Nadam(s)) => nadam(c, s, step),
        (OptimizerConfig::Adamax(c), OptimizerState::Adamax(s)) => adamax(c, s, step),
        (OptimizerConfig::Newton(c), OptimizerState::Newton(s)) => newton(c, s, step),
        _ => None,
    };
    Explanation {
        title,
        lines: lines.unwrap_or_else(|| {
            vec![ExplainLine {
                formula: NO_STEP_YET.to_string(),
                value: String::new(),
            }]
        }),
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

/// Writes `x` with four significant digits: plain for `1e-3 ≤ |x| < 1e4`, scientific otherwise
/// (`1.5e−5`), trailing zeros dropped, the minus sign written `−`; `0`, `NaN`, `∞`, `−∞`.
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "−∞" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    // Round to four significant digits first, so the choice of notation sees the rounded value
    // (9999.96 is written 1e4, not 10000).
    let scientific = format!("{x:.3e}");
    let rounded = crate::float_text::parse_f64(&scientific).unwrap_or(x);
    let magnitude = rounded.abs();
    let text = if (1e-3..1e4).contains(&magnitude) {
        let decimals = (3 - libm::log10(magnitude).floor() as i32).max(0) as usize;
        trim_zeros(&format!("{rounded:.decimals$}")).to_string()
    } else {
        let (mantissa, exponent) = scientific
            .split_once('e')
            .unwrap_or((scientific.as_str(), "0"));
        format!("{}e{exponent}", trim_zeros(mantissa))
    };
    text.replace('-', "−")
}

/// Drops trailing zeros after a decimal point, and the point itself if nothing follows it.
fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// Writes a vector in parentheses, entries as [`format_number`]; beyond four entries only the
/// first four are written, then `… (n values)`.
pub fn format_vector(values: &[f64]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|&x| format_number(x))
        .collect();
    if values.len() > SHOWN {
        format!("({}, … ({} values))", shown.join(", "), values.len())
    } else {
        format!("({})", shown.join(", "))
    }
}

/// The lines under construction, with the step's vectors cut to their common length.
struct Lines<'a> {
    lines: Vec<ExplainLine>,
    lr: f64,
    grad: &'a [f64],
    before: &'a [f64],
    after: &'a [f64],
}

impl<'a> Lines<'a> {
    /// Starts with the learning rate, the parameters before the step and the gradient (and a note
    /// when the step's vectors differ in length).
    fn new(step: &StepRecord<'a>) -> Self {
        let n = step
            .grad
            .len()
            .min(step.params_before.len())
            .min(step.params_after.len());
        let mut lines = Lines {
            lines: Vec::new(),
            lr: step.lr,
            grad: &step.grad[..n],
            before: &step.params_before[..n],
            after: &step.params_after[..n],
        };
        if step.grad.len() != n || step.params_before.len() != n || step.params_after.len() != n {
            lines.push(
                "note: the step's vectors differ in length; the first n are shown",
                format!(
                    "g: {}, p before: {}, p after: {} (n = {n})",
                    step.grad.len(),
                    step.params_before.len(),
                    step.params_after.len()
                ),
            );
        }
        lines.push("lr (learning rate of this step)", format_number(step.lr));
        lines.push("p (before the step)", format_vector(lines.before));
        lines.push("g (gradient received)", format_vector(lines.grad));
        lines
    }

    fn push(&mut self, formula: impl Into<String>, value: String) {
        self.lines.push(ExplainLine {
            formula: formula.into(),
            value,
        });
    }

    /// The step count line.
    fn steps(&mut self, t: u64) {
        self.push("t (steps taken, this one included)", t.to_string());
    }

    /// Coupled L2 weight decay, g ← g + λ·p (shown when λ ≠ 0); returns the gradient the rule
    /// uses.
    fn coupled_decay(&mut self, weight_decay: f64) -> Vec<f64> {
        let g: Vec<f64> = self
            .grad
            .iter()
            .zip(self.before)
            .map(|(g, p)| {
                if weight_decay != 0.0 {
                    g + weight_decay * p
                } else {
                    *g
                }
            })
            .collect();
        if weight_decay != 0.0 {
            self.push(
                format!("g ← g + λ·p   (λ = {})", format_number(weight_decay)),
                format_vector(&g),
            );
        }
        g
    }

    /// `m ← β₁·m + (1 − β₁)·g`, the first-moment average of Adam, NAdam and Adamax.
    fn first_moment(&mut self, beta1: f64, exp_avg: &[f64]) {
        self.push(
            format!("m ← β₁·m + (1 − β₁)·g   (β₁ = {})", format_number(beta1)),
            format_vector(exp_avg),
        );
    }

    /// `v ← β₂·v + (1 − β₂)·g²`, the second-moment average of Adam and NAdam.
    fn second_moment(&mut self, beta2: f64, exp_avg_sq: &[f64]) {
        self.push(
            format!("v ← β₂·v + (1 − β₂)·g²   (β₂ = {})", format_number(beta2)),
            format_vector(exp_avg_sq),
        );
    }

    /// The bias correction `1 − βₖᵗ` (`subscript` names k, as "₁"); returns its value.
    fn bias_correction(&mut self, subscript: &str, beta: f64, t: u64) -> f64 {
        let correction = 1.0 - libm::pow(beta, t as f64);
        self.push(
            format!("1 − β{subscript}ᵗ   (t = {t})"),
            format_number(correction),
        );
        correction
    }

    /// The step taken, Δp = p_after − p_before.
    fn delta(&self) -> Vec<f64> {
        self.after
            .iter()
            .zip(self.before)
            .map(|(a, b)| a - b)
            .collect()
    }

    /// −Δp/lr: the direction the rule scaled by lr, recovered from the step (`None` at lr = 0).
    fn direction(&self) -> Option<Vec<f64>> {
        (self.lr != 0.0).then(|| self.delta().iter().map(|d| -d / self.lr).collect())
    }

    /// Ends with the step, `Δp = rule`, and the parameters after it.
    fn finish(mut self, rule: &str) -> Option<Vec<ExplainLine>> {
        let delta = format_vector(&self.delta());
        self.push(format!("Δp = {rule}"), delta);
        self.push("p ← p + Δp", format_vector(self.after));
        Some(self.lines)
    }
}

/// Element-wise `a / (√b + eps)` over the common prefix.
fn over_root(a: &[f64], b: &[f64], eps: f64) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a / (b.sqrt() + eps)).collect()
}

/// Element-wise `v · k`.
fn scaled(v: &[f64], k: f64) -> Vec<f64> {
    v.iter().map(|x| x * k).collect()
}

fn sgd(c: &SgdConfig, s: &SgdState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    let momentum = c.momentum;
    if momentum != 0.0 && s.momentum_buffer.is_none() {
        return None;
    }
    let mut lines = Lines::new(step);
    let g = lines.coupled_decay(c.weight_decay);
    let Some(buffer) = s.momentum_buffer.as_deref().filter(|_| momentum != 0.0) else {
        return lines.finish("−lr·g");
    };
    lines.push(
        format!(
            "b ← μ·b + (1 − τ)·g   (μ = {}, τ = {}; b = g at the first step)",
            format_number(momentum),
            format_number(c.dampening)
        ),
        format_vector(buffer),
    );
    if c.nesterov {
        let d: Vec<f64> = g
            .iter()
            .zip(buffer)
            .map(|(g, b)| g + momentum * b)
            .collect();
        lines.push("d = g + μ·b   (Nesterov)", format_vector(&d));
        lines.finish("−lr·d = −lr·(g + μ·b)")
    } else {
        lines.finish("−lr·b")
    }
}

fn adagrad(c: &AdagradConfig, s: &AdagradState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    let g = lines.coupled_decay(c.weight_decay);
    lines.steps(s.step);
    let rate = if c.lr_decay != 0.0 {
        let decayed = step.lr / (1.0 + (s.step - 1) as f64 * c.lr_decay);
        lines.push(
            format!(
                "η = lr / (1 + (t − 1)·lr_decay)   (lr_decay = {})",
                format_number(c.lr_decay)
            ),
            format_number(decayed),
        );
        "η"
    } else {
        "lr"
    };
    lines.push(
        format!(
            "s ← s + g²   (s starts at {})",
            format_number(c.initial_accumulator_value)
        ),
        format_vector(&s.sum),
    );
    lines.push(
        format!("g / (√s + ε)   (ε = {})", format_number(c.eps)),
        format_vector(&over_root(&g, &s.sum, c.eps)),
    );
    lines.finish(&format!("−{rate}·g / (√s + ε)"))
}

fn rmsprop(c: &RmspropConfig, s: &RmspropState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    let g = lines.coupled_decay(c.weight_decay);
    lines.push(
        format!("v ← α·v + (1 − α)·g²   (α = {})", format_number(c.alpha)),
        format_vector(&s.square_avg),
    );
    let denominator: Vec<f64> = if c.centered {
        lines.push("ḡ ← α·ḡ + (1 − α)·g", format_vector(&s.grad_avg));
        let d: Vec<f64> = s
            .square_avg
            .iter()
            .zip(&s.grad_avg)
            .map(|(v, m)| (v - m * m).sqrt() + c.eps)
            .collect();
        lines.push(
            format!("d = √(v − ḡ²) + ε   (ε = {})", format_number(c.eps)),
            format_vector(&d),
        );
        d
    } else {
        let d: Vec<f64> = s.square_avg.iter().map(|v| v.sqrt() + c.eps).collect();
        lines.push(
            format!("d = √v + ε   (ε = {})", format_number(c.eps)),
            format_vector(&d),
        );
        d
    };
    if c.momentum > 0.0 {
        lines.push(
            format!("b ← μ·b + g/d   (μ = {})", format_number(c.momentum)),
            format_vector(&s.momentum_buffer),
        );
        lines.finish("−lr·b")
    } else {
        let ratio: Vec<f64> = g.iter().zip(&denominator).map(|(g, d)| g / d).collect();
        lines.push("g/d", format_vector(&ratio));
        lines.finish("−lr·g/d")
    }
}

fn adadelta(c: &AdadeltaConfig, s: &AdadeltaState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    lines.coupled_decay(c.weight_decay);
    lines.push(
        format!("v ← ρ·v + (1 − ρ)·g²   (ρ = {})", format_number(c.rho)),
        format_vector(&s.square_avg),
    );
    let update = lines
        .direction()
        .map_or_else(|| "— (lr = 0)".to_string(), |d| format_vector(&d));
    lines.push(
        format!(
            "Δ = √(u + ε) / √(v + ε) · g   (u before this step; ε = {})",
            format_number(c.eps)
        ),
        update,
    );
    lines.push("u ← ρ·u + (1 − ρ)·Δ²", format_vector(&s.acc_delta));
    lines.finish("−lr·Δ")
}

/// The Adam lines shared by Adam and AdamW, after any weight decay: m, v (and v_max), the bias
/// corrections, m̂ and v̂.
fn adam_moments(lines: &mut Lines, betas: [f64; 2], amsgrad: bool, s: &AdamState) {
    let [beta1, beta2] = betas;
    lines.steps(s.step);
    lines.first_moment(beta1, &s.exp_avg);
    lines.second_moment(beta2, &s.exp_avg_sq);
    let second = if amsgrad {
        lines.push(
            "v_max ← max(v_max, v)   (AMSGrad: v̂ uses v_max)",
            format_vector(&s.max_exp_avg_sq),
        );
        &s.max_exp_avg_sq
    } else {
        &s.exp_avg_sq
    };
    let correction1 = lines.bias_correction("₁", beta1, s.step);
    let correction2 = lines.bias_correction("₂", beta2, s.step);
    lines.push(
        "m̂ = m / (1 − β₁ᵗ)",
        format_vector(&scaled(&s.exp_avg, 1.0 / correction1)),
    );
    let v_hat = if amsgrad {
        "v̂ = v_max / (1 − β₂ᵗ)"
    } else {
        "v̂ = v / (1 − β₂ᵗ)"
    };
    lines.push(v_hat, format_vector(&scaled(second, 1.0 / correction2)));
}

fn adam(c: &AdamConfig, s: &AdamState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    lines.coupled_decay(c.weight_decay);
    adam_moments(&mut lines, c.betas, c.amsgrad, s);
    lines.finish(&format!(
        "−lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε) = −lr·m̂ / (√v̂ + ε)   (ε = {})",
        format_number(c.eps)
    ))
}

fn adamw(c: &AdamWConfig, s: &AdamState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    let shrink = 1.0 - step.lr * c.weight_decay;
    lines.push(
        format!(
            "p ← p·(1 − lr·λ)   (decoupled decay, λ = {}: factor {})",
            format_number(c.weight_decay),
            format_number(shrink)
        ),
        format_vector(&scaled(lines.before, shrink)),
    );
    adam_moments(&mut lines, c.betas, c.amsgrad, s);
    lines.finish(&format!(
        "−lr·λ·p − lr·m̂ / (√v̂ + ε)   (ε = {})",
        format_number(c.eps)
    ))
}

fn nadam(c: &NadamConfig, s: &NadamState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    lines.coupled_decay(c.weight_decay);
    lines.steps(s.step);
    let [beta1, beta2] = c.betas;
    let t = s.step as f64;
    let psi = c.momentum_decay;
    let mu = beta1 * (1.0 - 0.5 * libm::pow(0.96f64, t * psi));
    let mu_next = beta1 * (1.0 - 0.5 * libm::pow(0.96f64, (t + 1.0) * psi));
    let product = s.mu_product;
    lines.push(
        format!(
            "μₜ = β₁·(1 − ½·0.96^(t·ψ))   (β₁ = {}, ψ = {})",
            format_number(beta1),
            format_number(psi)
        ),
        format_number(mu),
    );
    lines.push("μₜ₊₁ = β₁·(1 − ½·0.96^((t + 1)·ψ))", format_number(mu_next));
    lines.push("Πₜ = μ₁·μ₂·…·μₜ", format_number(product));
    lines.first_moment(beta1, &s.exp_avg);
    lines.second_moment(beta2, &s.exp_avg_sq);
    let correction2 = lines.bias_correction("₂", beta2, s.step);
    lines.push(
        "v̂ = v / (1 − β₂ᵗ)",
        format_vector(&scaled(&s.exp_avg_sq, 1.0 / correction2)),
    );
    lines.push(
        "lr·(1 − μₜ)/(1 − Πₜ)   (weight of g)",
        format_number(step.lr * (1.0 - mu) / (1.0 - product)),
    );
    lines.push(
        "lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁)   (weight of m)",
        format_number(step.lr * mu_next / (1.0 - product * mu_next)),
    );
    lines.finish(&format!(
        "−lr·(1 − μₜ)/(1 − Πₜ) · g/(√v̂ + ε) − lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/(√v̂ + ε)   (ε = {})",
        format_number(c.eps)
    ))
}

fn adamax(c: &AdamaxConfig, s: &AdamaxState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    lines.coupled_decay(c.weight_decay);
    lines.steps(s.step);
    let [beta1, beta2] = c.betas;
    lines.first_moment(beta1, &s.exp_avg);
    lines.push(
        format!(
            "u ← max(β₂·u, |g| + ε)   (β₂ = {}, ε = {})",
            format_number(beta2),
            format_number(c.eps)
        ),
        format_vector(&s.exp_inf),
    );
    lines.bias_correction("₁", beta1, s.step);
    lines.finish("−lr/(1 − β₁ᵗ) · m/u")
}

fn newton(c: &NewtonConfig, s: &NewtonState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    lines.steps(s.step);
    let direction = lines
        .direction()
        .map_or_else(|| "— (lr = 0)".to_string(), |d| format_vector(&d));
    lines.push(
        format!(
            "d = (H + δ·I)⁻¹·g   (δ = {}; solved each step, not stored: −Δp/lr)",
            format_number(c.damping)
        ),
        direction,
    );
    lines.finish("−lr·(H + δ·I)⁻¹·g = −lr·d")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::StepContext;

    /// Runs `steps` real updates from `start` with gradients from `grad_at`, returning the config,
    /// the state after the last update and the last step's record data.
    struct Run {
        config: OptimizerConfig,
        state: OptimizerState,
        lr: f64,
        grad: Vec<f64>,
        before: Vec<f64>,
        after: Vec<f64>,
    }

    impl Run {
        fn record(&self) -> StepRecord<'_> {
            StepRecord {
                lr: self.lr,
                grad: &self.grad,
                params_before: &self.before,
                params_after: &self.after,
            }
        }

        fn explain(&self) -> Explanation {
            explain(&self.config, &self.state, &self.record())
        }
    }

    /// The gradient of f = ½(x² + 10y²) (+ a third coordinate when present).
    fn quadratic_grad(p: &[f64]) -> Vec<f64> {
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

    fn run(json: &str, steps: usize, start: &[f64]) -> Run {
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

    fn value<'a>(e: &'a Explanation, prefix: &str) -> &'a str {
        &e.lines
            .iter()
            .find(|l| l.formula.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in {e:#?}"))
            .value
    }

    fn has_line(e: &Explanation, prefix: &str) -> bool {
        e.lines.iter().any(|l| l.formula.starts_with(prefix))
    }

    /// Parses a value written by [`format_vector`] (short vectors only) back to numbers.
    fn parse_vector(text: &str) -> Vec<f64> {
        text.trim_start_matches('(')
            .trim_end_matches(')')
            .split(", ")
            .map(|x| x.replace('−', "-").parse().expect("a number"))
            .collect()
    }

    /// Checks the Δp line against p_after − p_before, and the parameters after.
    fn check_step(r: &Run, e: &Explanation) {
        let delta: Vec<f64> = r.after.iter().zip(&r.before).map(|(a, b)| a - b).collect();
        assert_eq!(value(e, "Δp ="), format_vector(&delta));
        assert_eq!(value(e, "p ← p + Δp"), format_vector(&r.after));
        assert_eq!(value(e, "g (gradient"), format_vector(&r.grad));
        assert_eq!(value(e, "lr"), format_number(r.lr));
        assert!(!has_line(e, NO_STEP_YET));
    }

    fn close(a: &[f64], b: &[f64], rel: f64) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= rel * x.abs().max(y.abs()))
    }

    #[test]
    fn sgd_plain_momentum_and_nesterov() {
        let r = run(r#"{"name":"sgd","lr":0.05}"#, 3, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        assert_eq!(e.title, "SGD (Robbins & Monro, 1951)");
        assert!(value(&e, "Δp").starts_with('('));
        assert!(!has_line(&e, "b ←"));

        let r = run(
            r#"{"name":"sgd","lr":0.05,"momentum":0.9,"weight_decay":0.1}"#,
            3,
            &[3.0, 2.0],
        );
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Sgd(s) = &r.state else {
            panic!("sgd state")
        };
        let buffer = s.momentum_buffer.as_deref().expect("buffer");
        assert_eq!(value(&e, "b ← μ·b"), format_vector(buffer));
        let decayed: Vec<f64> = r
            .grad
            .iter()
            .zip(&r.before)
            .map(|(g, p)| g + 0.1 * p)
            .collect();
        assert_eq!(value(&e, "g ← g + λ·p"), format_vector(&decayed));
        // Δp = −lr·b, read back from the formatted line.
        assert!(close(
            &parse_vector(value(&e, "Δp")),
            &scaled(buffer, -0.05),
            1e-3
        ));

        let r = run(
            r#"{"name":"sgd","lr":0.05,"momentum":0.5,"nesterov":true}"#,
            2,
            &[3.0, 2.0],
        );
        let e = r.explain();
        check_step(&r, &e);
        assert!(e.title.contains("Nesterov"));
        let d = parse_vector(value(&e, "d = g + μ·b"));
        let delta: Vec<f64> = r.after.iter().zip(&r.before).map(|(a, b)| a - b).collect();
        assert!(close(&scaled(&d, -0.05), &delta, 1e-3));
    }

    #[test]
    fn adagrad_shows_the_sum_of_squares() {
        let r = run(
            r#"{"name":"adagrad","lr":0.5,"lr_decay":0.1,"weight_decay":0.01}"#,
            3,
            &[3.0, 2.0],
        );
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Adagrad(s) = &r.state else {
            panic!("adagrad state")
        };
        assert_eq!(value(&e, "s ← s + g²"), format_vector(&s.sum));
        assert_eq!(value(&e, "t "), "3");
        assert_eq!(value(&e, "η = "), format_number(0.5 / 1.2));
    }

    #[test]
    fn rmsprop_plain_and_centred_with_momentum() {
        let r = run(r#"{"name":"rmsprop","lr":0.01}"#, 3, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Rmsprop(s) = &r.state else {
            panic!("rmsprop state")
        };
        assert_eq!(value(&e, "v ← α·v"), format_vector(&s.square_avg));
        assert!(value(&e, "v ← α·v").len() > 2);

        let r = run(
            r#"{"name":"rmsprop","lr":0.01,"centered":true,"momentum":0.5}"#,
            3,
            &[3.0, 2.0],
        );
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Rmsprop(s) = &r.state else {
            panic!("rmsprop state")
        };
        assert_eq!(value(&e, "ḡ ← α·ḡ"), format_vector(&s.grad_avg));
        assert_eq!(value(&e, "b ← μ·b"), format_vector(&s.momentum_buffer));
        assert!(e.title.contains("centred"));
    }

    #[test]
    fn adadelta_shows_both_accumulators() {
        let r = run(r#"{"name":"adadelta","lr":1.0}"#, 4, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Adadelta(s) = &r.state else {
            panic!("adadelta state")
        };
        assert_eq!(value(&e, "v ← ρ·v"), format_vector(&s.square_avg));
        assert_eq!(value(&e, "u ← ρ·u"), format_vector(&s.acc_delta));
        let delta: Vec<f64> = r.after.iter().zip(&r.before).map(|(a, b)| b - a).collect();
        assert_eq!(value(&e, "Δ = "), format_vector(&delta));
    }

    #[test]
    fn adam_shows_moments_corrections_and_estimates() {
        let r = run(
            r#"{"name":"adam","lr":0.1,"weight_decay":0.01,"amsgrad":true}"#,
            3,
            &[3.0, 2.0],
        );
        let e = r.explain();
        check_step(&r, &e);
        assert!(e.title.contains("Kingma & Ba, 2015"));
        let OptimizerState::Adam(s) = &r.state else {
            panic!("adam state")
        };
        assert_eq!(value(&e, "m ← β₁·m"), format_vector(&s.exp_avg));
        assert_eq!(value(&e, "v ← β₂·v"), format_vector(&s.exp_avg_sq));
        assert_eq!(value(&e, "v_max"), format_vector(&s.max_exp_avg_sq));
        assert_eq!(value(&e, "1 − β₁ᵗ"), "0.271");
        assert_eq!(value(&e, "1 − β₂ᵗ"), format_number(1.0 - 0.999f64.powi(3)));
        assert!(has_line(&e, "1 − β₁ᵗ   (t = 3)"));
        let m_hat = parse_vector(value(&e, "m̂"));
        assert!(close(&m_hat, &scaled(&s.exp_avg, 1.0 / 0.271), 1e-3));
        // The rule, evaluated on the shown numbers, gives the shown step.
        let v_hat = parse_vector(value(&e, "v̂"));
        let predicted: Vec<f64> = m_hat
            .iter()
            .zip(&v_hat)
            .map(|(m, v)| -0.1 * m / (v.sqrt() + 1e-8))
            .collect();
        assert!(close(&parse_vector(value(&e, "Δp")), &predicted, 2e-3));
    }

    #[test]
    fn adamw_shows_the_decoupled_shrink() {
        let r = run(
            r#"{"name":"adamw","lr":0.1,"weight_decay":0.5}"#,
            2,
            &[3.0, 2.0],
        );
        let e = r.explain();
        check_step(&r, &e);
        assert!(e.title.starts_with("AdamW"));
        assert_eq!(
            value(&e, "p ← p·(1 − lr·λ)"),
            format_vector(&scaled(&r.before, 0.95))
        );
        assert!(!has_line(&e, "g ← g + λ·p"));
        let OptimizerState::Adam(s) = &r.state else {
            panic!("adam state")
        };
        assert_eq!(value(&e, "m ← β₁·m"), format_vector(&s.exp_avg));
    }

    #[test]
    fn nadam_shows_the_momentum_schedule() {
        let r = run(r#"{"name":"nadam","lr":0.1}"#, 3, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Nadam(s) = &r.state else {
            panic!("nadam state")
        };
        assert_eq!(value(&e, "Πₜ"), format_number(s.mu_product));
        assert_eq!(value(&e, "m ← β₁·m"), format_vector(&s.exp_avg));
        assert_eq!(value(&e, "v ← β₂·v"), format_vector(&s.exp_avg_sq));
        let mu3 = 0.9 * (1.0 - 0.5 * libm::pow(0.96f64, 3.0 * 4e-3));
        assert_eq!(value(&e, "μₜ ="), format_number(mu3));
    }

    #[test]
    fn adamax_shows_the_infinity_norm() {
        let r = run(r#"{"name":"adamax","lr":0.1}"#, 3, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        let OptimizerState::Adamax(s) = &r.state else {
            panic!("adamax state")
        };
        assert_eq!(value(&e, "u ← max"), format_vector(&s.exp_inf));
        assert_eq!(value(&e, "m ← β₁·m"), format_vector(&s.exp_avg));
        assert_eq!(value(&e, "1 − β₁ᵗ"), "0.271");
    }

    #[test]
    fn newton_shows_the_step_and_its_direction() {
        let r = run(r#"{"name":"newton","lr":0.5}"#, 1, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        // H = diag(1, 10): the Newton direction is the start itself.
        assert_eq!(value(&e, "d = (H"), "(3, 2)");
        assert_eq!(value(&e, "Δp"), "(−1.5, −1)");
    }

    #[test]
    fn no_step_yet_for_fresh_or_foreign_states() {
        let adam = OptimizerConfig::Adam(AdamConfig::default());
        let record = StepRecord {
            lr: 0.1,
            grad: &[1.0, 2.0],
            params_before: &[0.0, 0.0],
            params_after: &[0.0, 0.0],
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
    fn long_vectors_show_their_first_four_entries() {
        let start: Vec<f64> = (0..300).map(|i| 0.01 * i as f64 - 1.0).collect();
        let r = run(r#"{"name":"adam","lr":0.01}"#, 2, &start);
        let e = r.explain();
        check_step(&r, &e);
        for line in &e.lines {
            if line.value.starts_with('(') {
                assert!(line.value.ends_with(", … (300 values))"), "{line:?}");
                assert_eq!(line.value.matches(", ").count(), 4, "{line:?}");
            }
        }
        assert_eq!(
            format_vector(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            "(1, 2, 3, 4, … (5 values))"
        );
        assert_eq!(format_vector(&[1.0, -2.5, 3.0, 4.0]), "(1, −2.5, 3, 4)");
        assert_eq!(format_vector(&[]), "()");
    }

    #[test]
    fn numbers_have_four_significant_digits() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (0.123456, "0.1235"),
            (-5.678, "−5.678"),
            (1234.0, "1234"),
            (123.456, "123.5"),
            (0.001, "0.001"),
            (0.000999, "9.99e−4"),
            (1.5e-5, "1.5e−5"),
            (12346.0, "1.235e4"),
            (9999.96, "1e4"),
            (-2.0e-10, "−2e−10"),
            (1e-8, "1e−8"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "∞"),
            (f64::NEG_INFINITY, "−∞"),
        ];
        for (x, text) in cases {
            assert_eq!(format_number(x), text, "{x}");
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
