//! The rules that scale each coordinate by its own history of squared gradients: Adagrad
//! (Duchi, Hazan & Singer, 2011), RMSprop (Hinton, 2012; centred after Graves, 2013) and
//! Adadelta (Zeiler, 2012).

use super::lines::{over_root, Lines};
use super::{format_number, format_vector, ExplainLine, StepRecord};
use crate::optim::{
    AdadeltaConfig, AdadeltaState, AdagradConfig, AdagradState, RmspropConfig, RmspropState,
};

pub(super) fn adagrad(
    c: &AdagradConfig,
    s: &AdagradState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
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
            "s ← s + g²   (s₀ = {})",
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

pub(super) fn rmsprop(
    c: &RmspropConfig,
    s: &RmspropState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
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

pub(super) fn adadelta(
    c: &AdadeltaConfig,
    s: &AdadeltaState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
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
    lines.push_glossed(
        format!(
            "Δ = √(u + ε) / √(v + ε) · g   (ε = {})",
            format_number(c.eps)
        ),
        "u_before_step",
        update,
    );
    lines.push("u ← ρ·u + (1 − ρ)·Δ²", format_vector(&s.acc_delta));
    lines.finish("−lr·Δ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::explain::test_support::*;
    use crate::optim::OptimizerState;

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
}
