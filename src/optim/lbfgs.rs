//! L-BFGS, as `torch.optim.LBFGS` (Liu & Nocedal, 1989; PyTorch's port of minFunc), with its
//! optional strong-Wolfe line search (`_strong_wolfe`, `_cubic_interpolate`; Nocedal & Wright,
//! *Numerical Optimization*, Algorithms 3.5–3.6).
//!
//! Unlike the other rules, one step re-evaluates the objective: it is handed the objective (a
//! [`FullObjective`], the runner's through [`StepContext::objective`]; a closure `f(x, grad) -> loss`
//! is one) beside the loss and gradient at the start ([`LbfgsConfig::step_from`]), and runs up to
//! `max_iter` inner iterations — PyTorch's `optimizer.step(closure)`, which
//! [`LbfgsConfig::step`] mirrors. With g the gradient, sₖ = t·d the last step and
//! yₖ = gₖ₊₁ − gₖ:
//!
//! ```text
//! first iteration ever:  d = −g,  t = min(1, 1/‖g‖₁)·lr
//! later iterations:      if y·s > 1e-10: remember (y, s, 1/(y·s)), H₀ = (y·s)/(y·y)
//!                        d = −H·g by the two-loop recursion over the last history_size pairs
//!                        t = lr
//! no line search:        p ← p + t·d   (the objective is re-evaluated unless it was the last
//!                        inner iteration)
//! strong_wolfe:          t from a bracketing + cubic-zoom search (c₁ = 1e-4, c₂ = 0.9, at most
//!                        25 evaluations), then p ← p + t·d
//! ```
//!
//! The step ends early when max|g| ≤ `tolerance_grad` (also checked before the first
//! iteration), when g·d > −`tolerance_change`, when max|t·d| ≤ `tolerance_change`, when the loss
//! changed by less than `tolerance_change`, or after `max_eval` evaluations. The direction, step
//! length, history, H₀, last gradient and loss carry over to the next step, as PyTorch's `state`.
//!
//! The arithmetic follows `torch/optim/lbfgs.py` line by line, including Python's `min`/`max`
//! (which keep the first argument unless the second is strictly smaller/larger).

mod line_search;

use super::{
    check_lr, check_non_negative, check_range, FullObjective, Needs, Optimizer, OptimizerInfo,
    Range, Refusal, StepContext, StepError,
};
use line_search::{strong_wolfe, WolfeOptions};
use serde::{Deserialize, Serialize};

/// The line searches `torch.optim.LBFGS` offers besides none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineSearchFn {
    /// `"strong_wolfe"`: bracketing and cubic interpolation until the strong Wolfe conditions hold.
    #[serde(rename = "strong_wolfe")]
    StrongWolfe,
}

crate::read::fields::read_by_name!(LineSearchFn);

/// Hyper-parameters of [`torch.optim.LBFGS`](https://pytorch.org/docs/stable/generated/torch.optim.LBFGS.html),
/// with PyTorch's field names and defaults.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LbfgsConfig {
    /// Learning rate: the step length tried first (default 1).
    pub lr: f64,
    /// Most inner iterations per step (default 20).
    pub max_iter: u64,
    /// Most objective evaluations per step; `None` (the default) means `max_iter * 5 / 4`
    /// (integer division, as PyTorch's `max_iter * 5 // 4`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_eval: Option<u64>,
    /// Termination tolerance on first-order optimality, max|g| (default 1e-7).
    pub tolerance_grad: f64,
    /// Termination tolerance on function value and parameter changes (default 1e-9).
    pub tolerance_change: f64,
    /// Number of (s, y) pairs remembered (default 100).
    pub history_size: usize,
    /// `None` (the default): a fixed step of `lr`; `"strong_wolfe"`: a strong-Wolfe line search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_search_fn: Option<LineSearchFn>,
}

crate::read::fields::read_fields!(LbfgsConfig {
    lr: F64,
    max_iter: U64,
    max_eval: OptU64,
    tolerance_grad: F64,
    tolerance_change: F64,
    history_size: Usize,
    line_search_fn: Read,
});

impl Default for LbfgsConfig {
    fn default() -> Self {
        LbfgsConfig {
            lr: 1.0,
            max_iter: 20,
            max_eval: None,
            tolerance_grad: 1e-7,
            tolerance_change: 1e-9,
            history_size: 100,
            line_search_fn: None,
        }
    }
}

/// State of [`LbfgsConfig`], carried across steps as PyTorch's `optimizer.state`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LbfgsState {
    /// Objective evaluations over all steps (`func_evals`).
    pub func_evals: u64,
    /// Inner iterations over all steps (`n_iter`).
    pub n_iter: u64,
    /// The last search direction `d`, `None` before the first iteration.
    pub d: Option<Vec<f64>>,
    /// The last step length `t`.
    pub t: f64,
    /// Remembered gradient differences y (`old_dirs`), oldest first.
    pub old_dirs: Vec<Vec<f64>>,
    /// Remembered steps s (`old_stps`), oldest first.
    pub old_stps: Vec<Vec<f64>>,
    /// 1/(y·s) of each remembered pair (`ro`).
    pub ro: Vec<f64>,
    /// Scale of the initial inverse-Hessian approximation (`H_diag`).
    pub h_diag: f64,
    /// The gradient at the start of the last iteration (`prev_flat_grad`).
    pub prev_flat_grad: Option<Vec<f64>>,
    /// The loss at the start of the last iteration (`prev_loss`).
    pub prev_loss: Option<f64>,
    /// The strong-Wolfe line searches of the last step, trial by trial, one per inner
    /// iteration in order, for the page to draw (not part of PyTorch's state); empty before the
    /// first step or without a line search.
    #[serde(default, skip)]
    pub searches: Vec<LineSearchRecord>,
}

/// One strong-Wolfe line search along `d` from `x`: what it tried and what it accepted, in terms
/// of φ(α) = f(x + α·d) (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §3.1).
#[derive(Clone, Debug, PartialEq)]
pub struct LineSearchRecord {
    /// The point the search started from, x.
    pub from: Vec<f64>,
    /// The search direction d.
    pub direction: Vec<f64>,
    /// φ(0) = f(x).
    pub loss: f64,
    /// φ'(0) = ∇f(x)·d (negative: d is a descent direction).
    pub slope: f64,
    /// Each trial in the order evaluated: `[α, φ(α), φ'(α)]`.
    pub trials: Vec<[f64; 3]>,
    /// The step length accepted.
    pub accepted: f64,
    /// The sufficient-decrease constant c₁: φ(α) ≤ φ(0) + c₁·α·φ'(0).
    pub c1: f64,
    /// The curvature constant c₂: |φ'(α)| ≤ c₂·|φ'(0)|.
    pub c2: f64,
    /// Which inner iteration of its step the search belongs to (1-based).
    pub iteration: u64,
}

/// The largest `max_iter`, `max_eval` and `history_size` accepted (a step costs up to `max_eval`
/// evaluations of the objective; the history holds 2·`history_size` vectors). Bounded so that
/// one outer step cannot freeze the page: PyTorch's defaults are 20, 25 and 100.
pub const MAX_LBFGS_COUNT: u64 = 1_000;

impl LbfgsConfig {
    /// Checks the ranges: 0 ≤ lr ≤ 1e12; 1 ≤ max_iter, max_eval, history_size ≤ 1000;
    /// tolerances 0 … 1e12.
    pub fn validate(&self) -> Result<(), Refusal> {
        check_lr(self.lr)?;
        let counts = Range::closed(1.0, MAX_LBFGS_COUNT as f64).whole();
        check_range("max_iter", self.max_iter as f64, counts)?;
        if let Some(max_eval) = self.max_eval {
            check_range("max_eval", max_eval as f64, counts)?;
        }
        check_range("history_size", self.history_size as f64, counts)?;
        check_non_negative("tolerance_grad", self.tolerance_grad)?;
        check_range(
            "tolerance_change",
            self.tolerance_change,
            Range::closed(0.0, 1e12),
        )
    }

    /// A fresh state.
    pub fn init(&self, _dim: usize) -> LbfgsState {
        LbfgsState {
            h_diag: 1.0,
            ..LbfgsState::default()
        }
    }

    /// The evaluation budget of one step: `max_eval`, or `max_iter * 5 / 4` when omitted.
    pub fn effective_max_eval(&self) -> u64 {
        self.max_eval.unwrap_or(self.max_iter * 5 / 4)
    }

    /// One `optimizer.step(closure)` at the configured `lr`, as PyTorch calls it:
    /// `closure(x, grad)` returns the objective at `x` and writes its gradient into `grad`; it is
    /// evaluated at `params` first, then as [`Self::step_from`] goes on. Returns the loss at the
    /// parameters the step started from.
    pub fn step(
        &self,
        state: &mut LbfgsState,
        params: &mut [f64],
        closure: impl FnMut(&[f64], &mut [f64]) -> f64,
    ) -> f64 {
        let closure = std::cell::RefCell::new(closure);
        let objective = |x: &[f64], grad: &mut [f64]| (closure.borrow_mut())(x, grad);
        let mut grad = vec![0.0; params.len()];
        let loss = objective(params, &mut grad);
        self.step_from(state, params, loss, &grad, self.lr, &objective)
    }

    /// One `optimizer.step(closure)` with the learning rate `lr` in force (a schedule's value),
    /// from `orig_loss` and `grad`, the objective and its gradient at `params` (PyTorch's first
    /// evaluation of the closure, counted in `state.func_evals`): up to `max_iter` inner
    /// iterations, moving `params` in place and evaluating `objective` at most
    /// [`Self::effective_max_eval`] − 1 more times, plus the line search's overrun. Returns
    /// `orig_loss`; the evaluations are added to `state.func_evals`.
    pub fn step_from(
        &self,
        state: &mut LbfgsState,
        params: &mut [f64],
        orig_loss: f64,
        grad: &[f64],
        lr: f64,
        objective: &dyn FullObjective,
    ) -> f64 {
        let n = params.len();
        let max_iter = self.max_iter;
        let max_eval = self.effective_max_eval();
        let tolerance_grad = self.tolerance_grad;
        let tolerance_change = self.tolerance_change;
        let history_size = self.history_size.max(1);

        state.searches.clear();
        // The initial f(x) and df/dx, evaluated by the caller.
        let mut flat_grad = grad.to_vec();
        let mut loss = orig_loss;
        let mut current_evals: u64 = 1;
        state.func_evals += 1;

        let mut opt_cond = max_abs(&flat_grad) <= tolerance_grad;
        if opt_cond {
            return orig_loss;
        }

        let mut d = state.d.take().filter(|d| d.len() == n);
        let mut t = state.t;
        let mut prev_flat_grad = state.prev_flat_grad.take().filter(|g| g.len() == n);
        let mut prev_loss = state.prev_loss;

        let mut n_iter = 0;
        while n_iter < max_iter {
            n_iter += 1;
            state.n_iter += 1;

            // Compute the descent direction.
            let direction = match (&d, &prev_flat_grad) {
                (Some(d_old), Some(prev)) if state.n_iter != 1 => {
                    // The L-BFGS update of the memory.
                    let y: Vec<f64> = flat_grad.iter().zip(prev).map(|(g, p)| g - p).collect();
                    let s: Vec<f64> = d_old.iter().map(|di| di * t).collect();
                    let ys = dot(&y, &s);
                    if ys > 1e-10 {
                        if state.old_dirs.len() >= history_size {
                            // Shift the history by one (limited memory).
                            let excess = state.old_dirs.len() + 1 - history_size;
                            state.old_dirs.drain(..excess);
                            state.old_stps.drain(..excess.min(state.old_stps.len()));
                            state.ro.drain(..excess.min(state.ro.len()));
                        }
                        state.h_diag = ys / dot(&y, &y);
                        state.old_dirs.push(y);
                        state.old_stps.push(s);
                        state.ro.push(1.0 / ys);
                    }
                    two_loop(state, &flat_grad)
                }
                _ => {
                    state.old_dirs.clear();
                    state.old_stps.clear();
                    state.ro.clear();
                    state.h_diag = 1.0;
                    flat_grad.iter().map(|g| -g).collect()
                }
            };
            let direction = d.insert(direction);

            match &mut prev_flat_grad {
                Some(prev) => prev.copy_from_slice(&flat_grad),
                None => prev_flat_grad = Some(flat_grad.clone()),
            }
            prev_loss = Some(loss);

            // The step length: reset the initial guess.
            t = if state.n_iter == 1 {
                py_min(1.0, 1.0 / sum_abs(&flat_grad)) * lr
            } else {
                lr
            };

            // The directional derivative.
            let gtd = dot(&flat_grad, direction);
            if gtd > -tolerance_change {
                break;
            }

            let mut ls_func_evals = 0;
            match self.line_search_fn {
                Some(LineSearchFn::StrongWolfe) => {
                    let x_init = params.to_vec();
                    let mut point = vec![0.0; n];
                    let mut trials = Vec::new();
                    let mut obj_func = |step: f64, grad: &mut [f64]| {
                        for ((p, x), di) in point.iter_mut().zip(&x_init).zip(direction.iter()) {
                            *p = x + step * di;
                        }
                        let value = objective.loss_and_gradient(&point, grad);
                        trials.push([step, value, dot(grad, direction)]);
                        value
                    };
                    let options = WolfeOptions::default();
                    let found =
                        strong_wolfe(&mut obj_func, t, direction, loss, &flat_grad, gtd, options);
                    state.searches.push(LineSearchRecord {
                        from: x_init,
                        direction: direction.clone(),
                        loss,
                        slope: gtd,
                        trials,
                        accepted: found.t,
                        c1: options.c1,
                        c2: options.c2,
                        iteration: n_iter,
                    });
                    loss = found.loss;
                    flat_grad = found.grad;
                    t = found.t;
                    ls_func_evals = found.evals;
                    add_scaled(params, t, direction);
                    opt_cond = max_abs(&flat_grad) <= tolerance_grad;
                }
                None => {
                    add_scaled(params, t, direction);
                    if n_iter != max_iter {
                        // Re-evaluate only if this is not the last iteration (in a stochastic
                        // setting there is no use in it).
                        loss = objective.loss_and_gradient(params, &mut flat_grad);
                        opt_cond = max_abs(&flat_grad) <= tolerance_grad;
                        ls_func_evals = 1;
                    }
                }
            }
            current_evals += ls_func_evals;
            state.func_evals += ls_func_evals;

            // Check the conditions.
            if n_iter == max_iter || current_evals >= max_eval || opt_cond {
                break;
            }
            // Lack of progress.
            if max_abs_scaled(direction, t) <= tolerance_change {
                break;
            }
            if (loss - prev_loss.unwrap_or(f64::NAN)).abs() < tolerance_change {
                break;
            }
        }

        state.d = d;
        state.t = t;
        state.prev_flat_grad = prev_flat_grad;
        state.prev_loss = prev_loss;
        orig_loss
    }
}

/// The two-loop recursion: −H·g for the remembered pairs and the initial scale H₀ (PyTorch's
/// loop, collapsed onto one buffer).
fn two_loop(state: &LbfgsState, flat_grad: &[f64]) -> Vec<f64> {
    let num_old = state
        .old_dirs
        .len()
        .min(state.old_stps.len())
        .min(state.ro.len());
    let mut al = vec![0.0; num_old];
    let mut q: Vec<f64> = flat_grad.iter().map(|g| -g).collect();
    for i in (0..num_old).rev() {
        al[i] = dot(&state.old_stps[i], &q) * state.ro[i];
        add_scaled(&mut q, -al[i], &state.old_dirs[i]);
    }
    // Multiply by the initial Hessian; r is the final direction.
    let mut r: Vec<f64> = q.iter().map(|qi| qi * state.h_diag).collect();
    for (i, al_i) in al.iter().enumerate() {
        let be_i = dot(&state.old_dirs[i], &r) * state.ro[i];
        add_scaled(&mut r, al_i - be_i, &state.old_stps[i]);
    }
    r
}

/// Python's `max(a, b)`: `b` only if it is strictly larger (so a NaN `a` is kept).
fn py_max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Python's `min(a, b)`: `b` only if it is strictly smaller (so a NaN `a` is kept).
fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `v.abs().max()` as torch computes it: NaN if any entry is NaN.
fn max_abs(v: &[f64]) -> f64 {
    let mut max = 0.0f64;
    for x in v {
        let a = x.abs();
        if a.is_nan() {
            return f64::NAN;
        }
        if a > max {
            max = a;
        }
    }
    max
}

/// `d.mul(t).abs().max()`.
fn max_abs_scaled(d: &[f64], t: f64) -> f64 {
    let mut max = 0.0f64;
    for x in d {
        let a = (x * t).abs();
        if a.is_nan() {
            return f64::NAN;
        }
        if a > max {
            max = a;
        }
    }
    max
}

fn sum_abs(v: &[f64]) -> f64 {
    v.iter().map(|x| x.abs()).sum()
}

/// `p.add_(v, alpha=alpha)`: p ← p + alpha·v.
fn add_scaled(p: &mut [f64], alpha: f64, v: &[f64]) {
    for (pi, vi) in p.iter_mut().zip(v) {
        *pi += alpha * vi;
    }
}

impl Optimizer for LbfgsConfig {
    type State = LbfgsState;
    const INFO: OptimizerInfo = OptimizerInfo {
        name: "lbfgs",
        title: "L-BFGS",
        starting_lr: 1.0,
        needs: Needs::Objective,
        optional: &["max_eval", "line_search_fn"],
        note: "`max_eval` null means max_iter·5/4, rounded down; `line_search_fn` null (a fixed step of lr) or `\"strong_wolfe\"`; always the exact full objective (below)",
    };

    fn lr(&self) -> f64 {
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn check(&self) -> Result<(), Refusal> {
        self.validate()
    }

    fn fresh_state(&self, dim: usize) -> LbfgsState {
        self.init(dim)
    }

    fn step(
        &self,
        state: &mut LbfgsState,
        params: &mut [f64],
        grad: &mut [f64],
        ctx: StepContext<'_>,
    ) -> Result<(), StepError> {
        let objective = ctx.objective.ok_or(StepError::NeedsObjective)?;
        self.step_from(state, params, ctx.loss, grad, ctx.lr, objective);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f = ½(x² + 10y²).
    fn quadratic(x: &[f64], g: &mut [f64]) -> f64 {
        g[0] = x[0];
        g[1] = 10.0 * x[1];
        0.5 * (x[0] * x[0] + 10.0 * x[1] * x[1])
    }

    #[test]
    fn defaults_follow_pytorch() {
        let c = LbfgsConfig::default();
        assert_eq!(
            (
                c.lr,
                c.max_iter,
                c.max_eval,
                c.tolerance_grad,
                c.tolerance_change,
                c.history_size,
                c.line_search_fn
            ),
            (1.0, 20, None, 1e-7, 1e-9, 100, None)
        );
        assert_eq!(c.effective_max_eval(), 25);
        let parsed: LbfgsConfig = serde_json::from_str("{}").expect("all fields default");
        assert_eq!(parsed, c);
        let c = LbfgsConfig {
            max_iter: 4,
            ..Default::default()
        };
        assert_eq!(c.effective_max_eval(), 5, "4 * 5 // 4");
        let c = LbfgsConfig {
            max_iter: 3,
            ..Default::default()
        };
        assert_eq!(c.effective_max_eval(), 3, "3 * 5 // 4");
        assert!(LbfgsConfig::default().validate().is_ok());
    }

    #[test]
    fn serde_uses_pytorch_names() {
        let c: LbfgsConfig = serde_json::from_str(
            r#"{"lr":0.5,"max_iter":4,"max_eval":10,"tolerance_grad":1e-9,"tolerance_change":1e-12,"history_size":5,"line_search_fn":"strong_wolfe"}"#,
        )
        .expect("parses");
        assert_eq!(c.line_search_fn, Some(LineSearchFn::StrongWolfe));
        assert_eq!(c.max_eval, Some(10));
        let none: LbfgsConfig =
            serde_json::from_str(r#"{"line_search_fn":null}"#).expect("null is None");
        assert_eq!(none.line_search_fn, None);
        assert!(
            serde_json::from_str::<LbfgsConfig>(r#"{"line_search_fn":"backtracking"}"#).is_err()
        );
        assert!(serde_json::from_str::<LbfgsConfig>(r#"{"momentum":0.9}"#).is_err());
        let text = serde_json::to_string(&LbfgsConfig::default()).expect("serialises");
        assert!(!text.contains("max_eval") && !text.contains("line_search_fn"));
    }

    #[test]
    fn validation_names_the_field() {
        for (config, field) in [
            (
                LbfgsConfig {
                    max_iter: 0,
                    ..Default::default()
                },
                "max_iter",
            ),
            (
                LbfgsConfig {
                    max_eval: Some(0),
                    ..Default::default()
                },
                "max_eval",
            ),
            (
                LbfgsConfig {
                    history_size: 0,
                    ..Default::default()
                },
                "history_size",
            ),
            (
                LbfgsConfig {
                    tolerance_grad: -1.0,
                    ..Default::default()
                },
                "tolerance_grad",
            ),
            (
                LbfgsConfig {
                    tolerance_change: f64::NAN,
                    ..Default::default()
                },
                "tolerance_change",
            ),
            (
                LbfgsConfig {
                    lr: -1.0,
                    ..Default::default()
                },
                "lr",
            ),
        ] {
            assert_eq!(config.validate().map_err(|e| e.field()), Err(field.into()));
        }
    }

    #[test]
    fn first_iteration_is_scaled_steepest_descent() {
        // One iteration, no line search: p ← p − min(1, 1/‖g‖₁)·lr·g, no re-evaluation.
        let c = LbfgsConfig {
            max_iter: 1,
            ..Default::default()
        };
        let mut s = c.init(2);
        let mut p = [3.0, 2.0];
        let mut calls = 0;
        let loss = c.step(&mut s, &mut p, |x, g| {
            calls += 1;
            quadratic(x, g)
        });
        assert_eq!(loss, 0.5 * (9.0 + 40.0));
        assert_eq!(calls, 1);
        let t = 1.0 / 23.0;
        assert_eq!(p, [3.0 - t * 3.0, 2.0 - t * 20.0]);
        assert_eq!((s.n_iter, s.func_evals, s.t), (1, 1, t));
    }

    #[test]
    fn solves_a_quadratic_with_the_line_search() {
        let c = LbfgsConfig {
            line_search_fn: Some(LineSearchFn::StrongWolfe),
            ..Default::default()
        };
        let mut s = c.init(2);
        let mut p = [3.0, 2.0];
        c.step(&mut s, &mut p, quadratic);
        // Near the minimum: PyTorch's default tolerances end the step there.
        assert!(p[0].abs() < 1e-4 && p[1].abs() < 1e-4, "{p:?}");
        // At most max_eval evaluations, plus the overrun of the last line search.
        assert!(s.func_evals < 25 + 25, "{}", s.func_evals);
        // At the minimum the next step returns at once (max|g| ≤ tolerance_grad) or stalls.
        let before = p;
        let mut g = [0.0; 2];
        let loss = c.step(&mut s, &mut p, quadratic);
        assert_eq!(loss, quadratic(&before, &mut g));
    }

    #[test]
    fn history_is_limited() {
        let c = LbfgsConfig {
            history_size: 2,
            max_iter: 50,
            max_eval: Some(200),
            tolerance_grad: 0.0,
            tolerance_change: 0.0,
            lr: 0.1,
            ..Default::default()
        };
        let mut s = c.init(2);
        let mut p = [1.0, 1.0];
        // A non-quadratic bowl so curvature pairs keep coming.
        c.step(&mut s, &mut p, |x, g| {
            g[0] = 4.0 * x[0].powi(3) + x[0];
            g[1] = 2.0 * x[1];
            x[0].powi(4) + 0.5 * x[0] * x[0] + x[1] * x[1]
        });
        assert!(s.old_dirs.len() <= 2 && s.old_stps.len() == s.old_dirs.len());
        assert_eq!(s.ro.len(), s.old_dirs.len());
    }
}
