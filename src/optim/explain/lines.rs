//! The lines of an explanation under construction, and the quantities several rules share: the
//! coupled weight decay, the moment averages, the bias corrections, and the step actually taken.

use super::{format_number, format_vector, ExplainLine, StepRecord};

/// The lines under construction, with the step's vectors cut to their common length.
pub(super) struct Lines<'a> {
    pub(super) lines: Vec<ExplainLine>,
    pub(super) lr: f64,
    pub(super) grad: &'a [f64],
    pub(super) before: &'a [f64],
    pub(super) after: &'a [f64],
}

impl<'a> Lines<'a> {
    /// Starts with the learning rate, the parameters before the step and the gradient (and a note
    /// when the step's vectors differ in length).
    pub(super) fn new(step: &StepRecord<'a>) -> Self {
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
            lines.push_glossed(
                "note",
                "vectors_differ",
                format!(
                    "g: {}, p before: {}, p after: {} (n = {n})",
                    step.grad.len(),
                    step.params_before.len(),
                    step.params_after.len()
                ),
            );
        }
        lines.push_glossed("lr", "lr_of_step", format_number(step.lr));
        lines.push_glossed("p", "before_step", format_vector(lines.before));
        // Clipping happened before the optimizer saw g: said above the g it received.
        if let Some((norm, bound)) = step.clipped {
            lines.push_glossed(
                format!(
                    "‖g‖ before clipping, then g ← g·c/(‖g‖ + 10⁻⁶)   (c = {})",
                    format_number(bound)
                ),
                "gradient_clipped",
                format_number(norm),
            );
        }
        lines.push_glossed("g", "gradient_received", format_vector(lines.grad));
        lines
    }

    pub(super) fn push(&mut self, formula: impl Into<String>, value: String) {
        self.lines.push(ExplainLine {
            formula: formula.into(),
            gloss: None,
            value,
        });
    }

    /// A line whose formula is a bare symbol, explained by the gloss `gloss` (an id the page
    /// words: [`ExplainLine::gloss`]).
    pub(super) fn push_glossed(
        &mut self,
        formula: impl Into<String>,
        gloss: &'static str,
        value: String,
    ) {
        self.lines.push(ExplainLine {
            formula: formula.into(),
            gloss: Some(gloss),
            value,
        });
    }

    /// The step count line.
    pub(super) fn steps(&mut self, t: u64) {
        self.push_glossed("t", "steps_taken", t.to_string());
    }

    /// Coupled L2 weight decay, g ← g + λ·p (shown when λ ≠ 0); returns the gradient the rule
    /// uses.
    pub(super) fn coupled_decay(&mut self, weight_decay: f64) -> Vec<f64> {
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
    pub(super) fn first_moment(&mut self, beta1: f64, exp_avg: &[f64]) {
        self.push(
            format!("m ← β₁·m + (1 − β₁)·g   (β₁ = {})", format_number(beta1)),
            format_vector(exp_avg),
        );
    }

    /// `v ← β₂·v + (1 − β₂)·g²`, the second-moment average of Adam and NAdam.
    pub(super) fn second_moment(&mut self, beta2: f64, exp_avg_sq: &[f64]) {
        self.push(
            format!("v ← β₂·v + (1 − β₂)·g²   (β₂ = {})", format_number(beta2)),
            format_vector(exp_avg_sq),
        );
    }

    /// The bias correction `1 − βₖᵗ` (`subscript` names k, as "₁"); returns its value.
    pub(super) fn bias_correction(&mut self, subscript: &str, beta: f64, t: u64) -> f64 {
        let correction = 1.0 - libm::pow(beta, t as f64);
        self.push(
            format!("1 − β{subscript}ᵗ   (t = {t})"),
            format_number(correction),
        );
        correction
    }

    /// The step taken, Δp = p_after − p_before.
    pub(super) fn delta(&self) -> Vec<f64> {
        self.after
            .iter()
            .zip(self.before)
            .map(|(a, b)| a - b)
            .collect()
    }

    /// −Δp/lr: the direction the rule scaled by lr, recovered from the step (`None` at lr = 0).
    pub(super) fn direction(&self) -> Option<Vec<f64>> {
        (self.lr != 0.0).then(|| self.delta().iter().map(|d| -d / self.lr).collect())
    }

    /// Ends with the step, `Δp = rule`, and the parameters after it.
    pub(super) fn finish(mut self, rule: &str) -> Option<Vec<ExplainLine>> {
        let delta = format_vector(&self.delta());
        self.push(format!("Δp = {rule}"), delta);
        self.push("p ← p + Δp", format_vector(self.after));
        Some(self.lines)
    }
}

/// Element-wise `a / (√b + eps)` over the common prefix.
pub(super) fn over_root(a: &[f64], b: &[f64], eps: f64) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a / (b.sqrt() + eps)).collect()
}

/// Element-wise `v · k`.
pub(super) fn scaled(v: &[f64], k: f64) -> Vec<f64> {
    v.iter().map(|x| x * k).collect()
}
