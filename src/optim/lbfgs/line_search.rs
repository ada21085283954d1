//! The strong-Wolfe line search of `torch.optim.LBFGS` (`_strong_wolfe`, `_cubic_interpolate`;
//! Nocedal & Wright, *Numerical Optimization*, Algorithms 3.5–3.6): a step length along the
//! L-BFGS direction by bracketing and cubic zoom, as `torch/optim/lbfgs.py` computes it.

use super::{dot, max_abs, py_max, py_min};

/// The constants of [`strong_wolfe`] (PyTorch's defaults; `LBFGS.step` does not pass its own
/// `tolerance_change` to the line search).
#[derive(Clone, Copy, Debug)]
pub(super) struct WolfeOptions {
    pub(super) c1: f64,
    pub(super) c2: f64,
    tolerance_change: f64,
    max_ls: u32,
}

impl Default for WolfeOptions {
    fn default() -> Self {
        WolfeOptions {
            c1: 1e-4,
            c2: 0.9,
            tolerance_change: 1e-9,
            max_ls: 25,
        }
    }
}

/// What the line search found: the step length and the loss and gradient there.
pub(super) struct WolfeResult {
    pub(super) loss: f64,
    pub(super) grad: Vec<f64>,
    pub(super) t: f64,
    pub(super) evals: u64,
}

/// `_strong_wolfe`: a step length along `d` from `x` (where the loss is `f`, the gradient `g` and
/// the directional derivative `gtd`) satisfying the strong Wolfe conditions, by bracketing and
/// cubic zoom. `obj_func(t, grad)` evaluates the objective at x + t·d.
pub(super) fn strong_wolfe(
    obj_func: &mut impl FnMut(f64, &mut [f64]) -> f64,
    mut t: f64,
    d: &[f64],
    f: f64,
    g: &[f64],
    gtd: f64,
    options: WolfeOptions,
) -> WolfeResult {
    let WolfeOptions {
        c1,
        c2,
        tolerance_change,
        max_ls,
    } = options;
    let n = d.len();
    let d_norm = max_abs(d);
    let g = g.to_vec();
    // Evaluate the objective and gradient at the initial step.
    let mut g_new = vec![0.0; n];
    let mut f_new = obj_func(t, &mut g_new);
    let mut ls_func_evals: u64 = 1;
    let mut gtd_new = dot(&g_new, d);

    // Bracket an interval containing a point satisfying the Wolfe criteria.
    let (mut t_prev, mut f_prev, mut g_prev, mut gtd_prev) = (0.0, f, g.clone(), gtd);
    let mut done = false;
    let mut ls_iter = 0;
    let mut bracket: Vec<f64> = Vec::new();
    let mut bracket_f: Vec<f64> = Vec::new();
    let mut bracket_g: Vec<Vec<f64>> = Vec::new();
    let mut bracket_gtd: Vec<f64> = vec![0.0, 0.0];
    while ls_iter < max_ls {
        // Check the conditions.
        if f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev) {
            bracket = vec![t_prev, t];
            bracket_f = vec![f_prev, f_new];
            bracket_g = vec![g_prev, g_new.clone()];
            bracket_gtd = vec![gtd_prev, gtd_new];
            break;
        }
        if gtd_new.abs() <= -c2 * gtd {
            bracket = vec![t];
            bracket_f = vec![f_new];
            bracket_g = vec![g_new.clone()];
            done = true;
            break;
        }
        if gtd_new >= 0.0 {
            bracket = vec![t_prev, t];
            bracket_f = vec![f_prev, f_new];
            bracket_g = vec![g_prev, g_new.clone()];
            bracket_gtd = vec![gtd_prev, gtd_new];
            break;
        }
        // Interpolate.
        let min_step = t + 0.01 * (t - t_prev);
        let max_step = t * 10.0;
        let tmp = t;
        t = cubic_interpolate(
            t_prev,
            f_prev,
            gtd_prev,
            t,
            f_new,
            gtd_new,
            Some((min_step, max_step)),
        );
        // The next step.
        t_prev = tmp;
        f_prev = f_new;
        g_prev = g_new.clone();
        gtd_prev = gtd_new;
        f_new = obj_func(t, &mut g_new);
        ls_func_evals += 1;
        gtd_new = dot(&g_new, d);
        ls_iter += 1;
    }

    // Reached the maximum number of iterations?
    if ls_iter == max_ls {
        bracket = vec![0.0, t];
        bracket_f = vec![f, f_new];
        bracket_g = vec![g.clone(), g_new.clone()];
    }

    // The zoom phase: we now have a point satisfying the criteria, or a bracket around it; refine
    // the bracket until the point is found.
    let mut insuf_progress = false;
    // (A one-point bracket — the Wolfe conditions held at once — has its point at 0; PyTorch
    // would index past a one-point bracket only where that point's loss is NaN.)
    let last = bracket_f.len().saturating_sub(1);
    let (mut low_pos, mut high_pos) = if last == 0 || bracket_f[0] <= bracket_f[last] {
        (0, 1)
    } else {
        (1, 0)
    };
    while !done && ls_iter < max_ls {
        // The line-search bracket is too small.
        if (bracket[1] - bracket[0]).abs() * d_norm < tolerance_change {
            break;
        }
        // Compute a new trial value.
        t = cubic_interpolate(
            bracket[0],
            bracket_f[0],
            bracket_gtd[0],
            bracket[1],
            bracket_f[1],
            bracket_gtd[1],
            None,
        );

        // Test that we are making sufficient progress: if `t` is too close to the boundary, mark
        // insufficient progress, and if we made insufficient progress in the last step too, or
        // `t` is at one of the boundaries, move `t` to 0.1·len(bracket) from the nearest end.
        let b_max = py_max(bracket[0], bracket[1]);
        let b_min = py_min(bracket[0], bracket[1]);
        let eps = 0.1 * (b_max - b_min);
        if py_min(b_max - t, t - b_min) < eps {
            // Interpolation close to the boundary.
            if insuf_progress || t >= b_max || t <= b_min {
                // Evaluate 0.1 away from the boundary.
                t = if (t - b_max).abs() < (t - b_min).abs() {
                    b_max - eps
                } else {
                    b_min + eps
                };
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }

        // Evaluate the new point.
        f_new = obj_func(t, &mut g_new);
        ls_func_evals += 1;
        gtd_new = dot(&g_new, d);
        ls_iter += 1;

        if f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low_pos] {
            // Armijo condition not satisfied or not lower than the lowest point.
            bracket[high_pos] = t;
            bracket_f[high_pos] = f_new;
            bracket_g[high_pos].clone_from(&g_new);
            bracket_gtd[high_pos] = gtd_new;
            (low_pos, high_pos) = if bracket_f[0] <= bracket_f[1] {
                (0, 1)
            } else {
                (1, 0)
            };
        } else {
            if gtd_new.abs() <= -c2 * gtd {
                // The Wolfe conditions are satisfied.
                done = true;
            } else if gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0.0 {
                // The old high becomes the new low.
                bracket[high_pos] = bracket[low_pos];
                bracket_f[high_pos] = bracket_f[low_pos];
                bracket_g[high_pos] = bracket_g[low_pos].clone();
                bracket_gtd[high_pos] = bracket_gtd[low_pos];
            }
            // The new point becomes the new low.
            bracket[low_pos] = t;
            bracket_f[low_pos] = f_new;
            bracket_g[low_pos].clone_from(&g_new);
            bracket_gtd[low_pos] = gtd_new;
        }
    }

    WolfeResult {
        t: bracket[low_pos],
        loss: bracket_f[low_pos],
        grad: std::mem::take(&mut bracket_g[low_pos]),
        evals: ls_func_evals,
    }
}

/// `_cubic_interpolate`: the minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2),
/// clamped to `bounds` (by default the interval between x1 and x2); the midpoint of the bounds
/// where the cubic has no minimum.
fn cubic_interpolate(
    x1: f64,
    f1: f64,
    g1: f64,
    x2: f64,
    f2: f64,
    g2: f64,
    bounds: Option<(f64, f64)>,
) -> f64 {
    let (xmin_bound, xmax_bound) = match bounds {
        Some(bounds) => bounds,
        None if x1 <= x2 => (x1, x2),
        None => (x2, x1),
    };
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        py_min(py_max(min_pos, xmin_bound), xmax_bound)
    } else {
        (xmin_bound + xmax_bound) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cubic_interpolation_finds_a_cubic_minimum() {
        // f(x) = (x − 1)² through x = 0 and x = 3: the minimiser 1 exactly.
        let t = cubic_interpolate(0.0, 1.0, -2.0, 3.0, 4.0, 4.0, None);
        assert!((t - 1.0).abs() < 1e-12, "{t}");
        // Clamped to the bounds.
        assert_eq!(
            cubic_interpolate(0.0, 1.0, -2.0, 3.0, 4.0, 4.0, Some((2.0, 5.0))),
            2.0
        );
        assert!(py_max(f64::NAN, 1.0).is_nan() && py_min(f64::NAN, 1.0).is_nan());
        assert_eq!((py_max(1.0, f64::NAN), py_min(1.0, f64::NAN)), (1.0, 1.0));
    }
}
