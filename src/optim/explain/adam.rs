//! The Adam family: Adam (Kingma & Ba, 2015; AMSGrad after Reddi, Kale & Kumar, 2018), AdamW
//! (Loshchilov & Hutter, 2019), NAdam (Dozat, 2016) and Adamax (Kingma & Ba, 2015, §7.1).

use super::lines::{scaled, Lines};
use super::{format_number, format_vector, ExplainLine, StepRecord};
use crate::optim::{
    AdamConfig, AdamState, AdamWConfig, AdamaxConfig, AdamaxState, NadamConfig, NadamState,
};

/// The Adam lines shared by Adam and AdamW, after any weight decay: m, v (and v_max), the bias
/// corrections, m̂ and v̂.
fn adam_moments(lines: &mut Lines, betas: [f64; 2], amsgrad: bool, s: &AdamState) {
    let [beta1, beta2] = betas;
    lines.steps(s.step);
    lines.first_moment(beta1, &s.exp_avg);
    lines.second_moment(beta2, &s.exp_avg_sq);
    let second = if amsgrad {
        lines.push_glossed(
            "v_max ← max(v_max, v)",
            "amsgrad_uses_vmax",
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

pub(super) fn adam(c: &AdamConfig, s: &AdamState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
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

pub(super) fn adamw(c: &AdamWConfig, s: &AdamState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    // The decay's own term, which Δp below adds: written as the assignment p ← p·(1 − lr·λ) with
    // the shrunk p, it read as applied once there and again in Δp (AdamW's update is one sum,
    // p ← p − lr·λ·p − lr·m̂/(√v̂ + ε); Loshchilov & Hutter, 2019, Algorithm 2, line 12).
    let shrink = 1.0 - step.lr * c.weight_decay;
    lines.push_glossed(
        format!(
            "−lr·λ·p   (λ = {}: p shrinks by the factor 1 − lr·λ = {})",
            format_number(c.weight_decay),
            format_number(shrink)
        ),
        "decoupled_decay",
        format_vector(&scaled(lines.before, -step.lr * c.weight_decay)),
    );
    adam_moments(&mut lines, c.betas, c.amsgrad, s);
    lines.finish(&format!(
        "−lr·λ·p − lr·m̂ / (√v̂ + ε)   (ε = {})",
        format_number(c.eps)
    ))
}

pub(super) fn nadam(
    c: &NadamConfig,
    s: &NadamState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
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
    lines.push_glossed(
        "lr·(1 − μₜ)/(1 − Πₜ)",
        "weight_of_g",
        format_number(step.lr * (1.0 - mu) / (1.0 - product)),
    );
    lines.push_glossed(
        "lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁)",
        "weight_of_m",
        format_number(step.lr * mu_next / (1.0 - product * mu_next)),
    );
    lines.finish(&format!(
        "−lr·(1 − μₜ)/(1 − Πₜ) · g/(√v̂ + ε) − lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/(√v̂ + ε)   (ε = {})",
        format_number(c.eps)
    ))
}

pub(super) fn adamax(
    c: &AdamaxConfig,
    s: &AdamaxState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::explain::test_support::*;
    use crate::optim::OptimizerState;

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
        // The decay's term, −lr·λ·p = −0.05·p, which Δp adds once (not a p already shrunk).
        assert_eq!(
            value(
                &e,
                "−lr·λ·p   (λ = 0.5: p shrinks by the factor 1 − lr·λ = 0.95)"
            ),
            format_vector(&scaled(&r.before, -0.05))
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
}
