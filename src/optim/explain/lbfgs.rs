//! L-BFGS (Liu & Nocedal, 1989; PyTorch's `torch.optim.LBFGS`, Nocedal & Wright, 2006, §7.2):
//! one step is up to `max_iter` inner iterations, each along d = −H·g, H the inverse-Hessian
//! approximation the two-loop recursion builds from the remembered pairs (s, y), times a step
//! length t (lr, or the strong-Wolfe line search's α). The state keeps the last iteration's d
//! and t; the step in all is recovered from the parameters.

use super::lines::Lines;
use super::{format_number, format_vector, ExplainLine, StepRecord};
use crate::optim::{LbfgsConfig, LbfgsState};

pub(super) fn lbfgs(
    c: &LbfgsConfig,
    s: &LbfgsState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
    let d = s.d.as_ref()?;
    let mut lines = Lines::new(step);
    lines.push_glossed(
        "(s, y)",
        "lbfgs_pairs",
        format!("{} / {}", s.old_dirs.len(), c.history_size),
    );
    // gₖ, not the g above: the step's first inner iteration starts from that g, its last (whose
    // d the state keeps) from the gradient where the earlier iterations led.
    lines.push_glossed("d = −H·gₖ", "lbfgs_direction", format_vector(d));
    lines.push_glossed("t", "lbfgs_step_length", format_number(s.t));
    lines.finish("Σ tᵢ·dᵢ")
}

#[cfg(test)]
mod tests {
    use crate::session::Session;

    #[test]
    fn lbfgs_shows_its_pairs_direction_length_and_step() {
        let mut session = Session::open(
            "f=rosenbrock&o=lbfgs(lr=1,line_search_fn=strong_wolfe)&start=-1.5,2&steps=10",
        );
        let before = session.explain(0).expect("a racer");
        assert_eq!(before.note, Some("take_a_step"));
        session.advance(1);
        let e = session.explain(0).expect("a racer");
        let line = |formula: &str| {
            e.lines
                .iter()
                .find(|l| l.formula == formula)
                .map(|l| l.value.clone())
        };
        assert!(
            line("(s, y)").is_some_and(|v| v.ends_with(" / 100")),
            "{:?}",
            e.lines
        );
        assert!(line("d = −H·gₖ").is_some_and(|v| v.starts_with('(')));
        assert!(line("t").is_some());
        assert!(line("Δp = Σ tᵢ·dᵢ").is_some());
        assert!(e.lines.iter().all(|l| l.gloss != Some("no_step_yet")));
    }
}
