//! Stochastic gradient descent, plain, with momentum (Polyak, 1964) and with Nesterov momentum
//! (Sutskever et al., 2013), written out in PyTorch's form.

use super::lines::Lines;
use super::{format_number, format_vector, ExplainLine, StepRecord};
use crate::optim::{SgdConfig, SgdState};

pub(super) fn sgd(c: &SgdConfig, s: &SgdState, step: &StepRecord) -> Option<Vec<ExplainLine>> {
    let momentum = c.momentum;
    if momentum != 0.0 && s.momentum_buffer.is_none() {
        return None;
    }
    let mut lines = Lines::new(step);
    let g = lines.coupled_decay(c.weight_decay);
    let Some(buffer) = s.momentum_buffer.as_deref().filter(|_| momentum != 0.0) else {
        return lines.finish("−lr·g");
    };
    lines.push_glossed(
        format!(
            "b ← μ·b + (1 − τ)·g   (μ = {}, τ = {})",
            format_number(momentum),
            format_number(c.dampening)
        ),
        "buffer_starts_at_g",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::explain::lines::scaled;
    use crate::optim::explain::test_support::*;
    use crate::optim::OptimizerState;

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
}
