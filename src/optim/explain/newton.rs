//! Newton's method (Nocedal & Wright, 2006, §3.3): the direction is solved each step and not
//! stored, so it is recovered from the step taken.

use super::lines::Lines;
use super::{format_number, format_vector, ExplainLine, StepRecord};
use crate::optim::{NewtonConfig, NewtonState};

pub(super) fn newton(
    c: &NewtonConfig,
    s: &NewtonState,
    step: &StepRecord,
) -> Option<Vec<ExplainLine>> {
    if s.step == 0 {
        return None;
    }
    let mut lines = Lines::new(step);
    lines.steps(s.step);
    let direction = lines
        .direction()
        .map_or_else(|| "— (lr = 0)".to_string(), |d| format_vector(&d));
    lines.push_glossed(
        format!("d = (H + δ·I)⁻¹·g   (δ = {})", format_number(c.damping)),
        "solved_not_stored",
        direction,
    );
    lines.finish("−lr·(H + δ·I)⁻¹·g = −lr·d")
}

#[cfg(test)]
mod tests {
    use crate::optim::explain::test_support::*;

    #[test]
    fn newton_shows_the_step_and_its_direction() {
        let r = run(r#"{"name":"newton","lr":0.5}"#, 1, &[3.0, 2.0]);
        let e = r.explain();
        check_step(&r, &e);
        // H = diag(1, 10): the Newton direction is the start itself.
        assert_eq!(value(&e, "d = (H"), "(3, 2)");
        assert_eq!(value(&e, "Δp"), "(−1.5, −1)");
    }
}
