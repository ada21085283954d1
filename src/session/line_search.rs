//! The last step in one dimension, as the page draws it: φ(α) = f(x + α·d) along the last
//! strong-Wolfe search of an L-BFGS racer (the trials it evaluated, the sufficient-decrease line,
//! the accepted step), or along any other racer's last update (where it landed, and where the
//! loss along that line is lowest).

use super::Session;
use crate::objective::Objective;
use crate::optim::{LineSearchRecord, OptimizerState};
use serde::Serialize;

/// Points at which φ is sampled for its curve.
const CURVE_POINTS: usize = 96;

/// The last line search of one racer, with φ sampled between α = 0 and past its furthest trial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineSearchView {
    /// Which inner iteration of the last step the search belongs to (1-based).
    pub iteration: u64,
    /// How many line searches the last step made (one per inner iteration).
    pub searches: usize,
    /// The racer's steps taken: a new step's searches replace the last one's.
    pub step: u64,
    /// φ(0) = f(x).
    pub loss: f64,
    /// φ'(0) = ∇f(x)·d.
    pub slope: f64,
    /// The sufficient-decrease constant c₁ (Armijo): φ(α) ≤ φ(0) + c₁·α·φ'(0).
    pub c1: f64,
    /// The curvature constant c₂: |φ'(α)| ≤ c₂·|φ'(0)|.
    pub c2: f64,
    /// Each trial in the order evaluated: `[α, φ(α), φ'(α)]`.
    pub trials: Vec<[f64; 3]>,
    /// The step length accepted.
    pub accepted: f64,
    /// φ sampled on `[0, 1.15·max α tried]`: `[α, φ(α)]`, non-finite values left out.
    pub curve: Vec<[f64; 2]>,
}

impl LineSearchView {
    /// The view of `record`, one of `searches` made by step `step`, on `objective`.
    pub fn of(
        record: &LineSearchRecord,
        (searches, step): (usize, u64),
        objective: &impl Objective,
    ) -> LineSearchView {
        let furthest = record
            .trials
            .iter()
            .map(|t| t[0])
            .fold(record.accepted, f64::max);
        let end = if furthest > 0.0 { 1.15 * furthest } else { 1.0 };
        let mut point = vec![0.0; record.from.len()];
        let curve = (0..=CURVE_POINTS)
            .filter_map(|i| {
                let alpha = end * i as f64 / CURVE_POINTS as f64;
                for ((p, x), d) in point.iter_mut().zip(&record.from).zip(&record.direction) {
                    *p = x + alpha * d;
                }
                let value = objective.loss(&point);
                value.is_finite().then_some([alpha, value])
            })
            .collect();
        LineSearchView {
            iteration: record.iteration,
            searches,
            step,
            loss: record.loss,
            slope: record.slope,
            c1: record.c1,
            c2: record.c2,
            trials: record.trials.clone(),
            accepted: record.accepted,
            curve,
        }
    }
}

/// The loss along a racer's last update Δ = x₁ − x₀: φ(α) = f(x₀ + α·Δ), so that α = 1 is where
/// the step landed. Where the lowest point of φ lies below α = ½ the step went more than twice as
/// far as the line's minimum and landed higher than it started on a quadratic: the overshoot of
/// a learning rate past 2/λ.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepSlice {
    /// φ(0): the loss where the step started.
    pub loss: f64,
    /// φ(1): the loss where it landed.
    pub landed: f64,
    /// Where φ is lowest among the sampled points of `[0, 2]`.
    pub lowest: [f64; 2],
    /// φ sampled on `[0, 2]`: `[α, φ(α)]`, non-finite values left out.
    pub curve: Vec<[f64; 2]>,
    /// The curvature along the step where it started, ΔᵀHΔ/‖Δ‖² (the Rayleigh quotient of the
    /// Hessian H: between λmin and λmax, and λmax only along the steepest eigen-direction), for
    /// an objective with an analytic Hessian; `None` otherwise. On the quadratic model the line's
    /// minimum lies at α = 1/(lr·c) for a plain gradient step, so it overshoots the line's
    /// minimum more than twice exactly when lr > 2/c.
    pub curvature: Option<f64>,
}

impl StepSlice {
    /// The slice of `objective` along the step from `from` to `to`; `None` where the step is
    /// zero or its ends are not finite.
    pub fn along(objective: &impl Objective, from: &[f64], to: &[f64]) -> Option<StepSlice> {
        let moved = from.iter().zip(to).any(|(a, b)| a != b);
        if !moved || from.iter().chain(to).any(|v| !v.is_finite()) {
            return None;
        }
        let mut point = vec![0.0; from.len()];
        let mut phi = |alpha: f64| {
            for ((p, a), b) in point.iter_mut().zip(from).zip(to) {
                *p = a + alpha * (b - a);
            }
            objective.loss(&point)
        };
        let curve: Vec<[f64; 2]> = (0..=CURVE_POINTS)
            .map(|i| 2.0 * i as f64 / CURVE_POINTS as f64)
            .map(|alpha| [alpha, phi(alpha)])
            .filter(|p| p[1].is_finite())
            .collect();
        let (at, &grid_lowest) = curve
            .iter()
            .enumerate()
            .min_by(|a, b| a.1[1].total_cmp(&b.1[1]))?;
        // Between the sampled points either side, the line's lowest point by golden-section
        // search (Kiefer, 1953), so the read-out's α is the line's, not the grid's.
        let lowest = match (
            at.checked_sub(1).and_then(|i| curve.get(i)),
            curve.get(at + 1),
        ) {
            (Some(left), Some(right)) => golden_minimum(&mut phi, left[0], right[0], grid_lowest),
            _ => grid_lowest,
        };
        let (loss, landed) = (phi(0.0), phi(1.0));
        Some(StepSlice {
            loss,
            landed,
            lowest,
            curve,
            curvature: curvature_along(objective, from, to),
        })
    }
}

/// The lowest point `[α, φ(α)]` of `phi` on `[a, b]`, bracketing `start` (a sampled point no
/// higher than the ends), narrowed by golden-section search to a width of 10⁻⁹·(b − a).
fn golden_minimum(phi: &mut impl FnMut(f64) -> f64, a: f64, b: f64, start: [f64; 2]) -> [f64; 2] {
    const INVERSE_PHI: f64 = 0.618_033_988_749_894_8;
    let (mut a, mut b) = (a, b);
    let width = 1e-9 * (b - a);
    let mut c = b - INVERSE_PHI * (b - a);
    let mut d = a + INVERSE_PHI * (b - a);
    let (mut fc, mut fd) = (phi(c), phi(d));
    while b - a > width {
        if fc < fd {
            (b, d, fd) = (d, c, fc);
            c = b - INVERSE_PHI * (b - a);
            fc = phi(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + INVERSE_PHI * (b - a);
            fd = phi(d);
        }
    }
    let alpha = 0.5 * (a + b);
    let value = phi(alpha);
    if value.is_finite() && value <= start[1] {
        [alpha, value]
    } else {
        start
    }
}

/// ΔᵀHΔ/‖Δ‖² with Δ = `to` − `from` and H the Hessian at `from`; `None` without an analytic
/// Hessian or where it is not finite.
fn curvature_along(objective: &impl Objective, from: &[f64], to: &[f64]) -> Option<f64> {
    let h = objective.hessian(from)?;
    let n = from.len();
    let d: Vec<f64> = to.iter().zip(from).map(|(b, a)| b - a).collect();
    if h.len() != n * n {
        return None;
    }
    let quadratic: f64 = (0..n)
        .map(|i| d[i] * (0..n).map(|j| h[i * n + j] * d[j]).sum::<f64>())
        .sum();
    let length: f64 = d.iter().map(|v| v * v).sum();
    let c = quadratic / length;
    c.is_finite().then_some(c)
}

impl Session {
    /// Racer `racer`'s last update in one dimension ([`StepSlice`]); `None` before its first
    /// update or where the update did not move it.
    pub fn step_slice(&self, racer: usize) -> Option<StepSlice> {
        let runner = self.race.runners.get(racer)?;
        if runner.steps_taken() == 0 {
            return None;
        }
        StepSlice::along(
            &**runner.objective(),
            runner.previous_params(),
            runner.updated_params(),
        )
    }

    /// Line search `index` (0-based; the last where `None` or past the end) of racer `racer`'s
    /// last step, where it is L-BFGS with a strong-Wolfe line search and has taken a step;
    /// `None` otherwise.
    pub fn line_search(&self, racer: usize, index: Option<usize>) -> Option<LineSearchView> {
        let runner = self.race.runners.get(racer)?;
        match runner.optimizer_state() {
            OptimizerState::Lbfgs(state) => {
                let last = state.searches.len().checked_sub(1)?;
                let record = &state.searches[index.unwrap_or(last).min(last)];
                let made = (state.searches.len(), runner.steps_taken());
                Some(LineSearchView::of(record, made, &**runner.objective()))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_past_two_over_lambda_lands_beyond_the_lines_minimum() {
        // The quadratic with κ = 10 has λmax = 10 along its steep axis: from a point on that axis
        // a step of lr = 0.3 goes 3 times as far as the line's minimum (α = 1/3) and lands
        // higher; lr = 0.05 stops halfway (α = 2 is the minimum).
        let slice = |lr: f64| {
            let mut session = Session::open(&format!(
                "f=quadratic&kappa=10&angle=0&o=sgd(lr={lr})&start=0,1&steps=5"
            ));
            session.advance(1);
            session.step_slice(0).expect("a step was taken")
        };
        let past = slice(0.3);
        assert!(
            (past.lowest[0] - 1.0 / 3.0).abs() < 1e-7,
            "the line's own minimum, not the sampled one: {:?}",
            past.lowest
        );
        assert!(past.landed > past.loss);
        let short = slice(0.05);
        assert!((short.lowest[0] - 2.0).abs() < 1e-12, "{:?}", short.lowest);
        assert!(short.landed < short.loss);
        // Along the steep axis the curvature is λmax = 10: 2/c = 0.2 lies between the two rates,
        // and the line's minimum sits at α = 1/(lr·c).
        for s in [&past, &short] {
            let c = s.curvature.expect("the quadratic has a Hessian");
            assert!((c - 10.0).abs() < 1e-9, "{c}");
        }
        assert_eq!(Session::open("f=booth").step_slice(0), None, "no step yet");
    }

    /// The trial `[α, φ(α), φ'(α)]` a search accepted.
    fn accepted_trial(view: &LineSearchView) -> [f64; 3] {
        *view
            .trials
            .iter()
            .find(|t| t[0] == view.accepted)
            .expect("the accepted step was a trial")
    }

    #[test]
    fn the_accepted_step_meets_the_strong_wolfe_conditions_and_the_curve_passes_its_trials() {
        let mut session = Session::open(
            "f=rosenbrock&o=lbfgs(lr=1,line_search_fn=strong_wolfe)~sgd(lr=0.001)&start=-1.5,2",
        );
        assert_eq!(
            session.line_search(0, None),
            None,
            "no search before the first step"
        );
        session.advance(1);
        assert_eq!(session.line_search(1, None), None, "SGD has no line search");
        let view = session.line_search(0, None).expect("L-BFGS searched");
        assert!(view.slope < 0.0, "a descent direction");
        let [alpha, value, slope] = accepted_trial(&view);
        assert!(
            value <= view.loss + view.c1 * alpha * view.slope,
            "sufficient decrease"
        );
        assert!(
            slope.abs() <= view.c2 * view.slope.abs(),
            "curvature condition"
        );
        // The curve is φ itself: at α = 0 it is the loss the search started from.
        assert_eq!(view.curve[0], [0.0, view.loss]);
        assert!(view.curve.last().expect("points")[0] > alpha);
        // A step of L-BFGS makes one search per inner iteration (20 by default): each can be
        // looked at, the first starting where the step did, each next where the last ended.
        assert!(view.searches > 1, "{} searches", view.searches);
        assert_eq!(
            view.iteration as usize, view.searches,
            "the last by default"
        );
        let first = session.line_search(0, Some(0)).expect("the first search");
        assert_eq!((first.iteration, first.step), (1, 1));
        let second = session.line_search(0, Some(1)).expect("the second search");
        let [_, landed, _] = accepted_trial(&first);
        assert_eq!(
            second.loss, landed,
            "the second search starts where the first ended"
        );
        assert_eq!(
            session.line_search(0, Some(99)),
            Some(view),
            "past the end: the last"
        );
        session.advance(1);
        assert_eq!(session.line_search(0, Some(0)).expect("searched").step, 2);
    }
}
