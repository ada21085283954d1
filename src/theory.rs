//! What theory predicts on the quadratic bowl — the lessons of G. Goh, "Why Momentum Really
//! Works", *Distill* (2017), <https://distill.pub/2017/momentum/>, for the lab's
//!
//! ```text
//! f = ½·(u² + κ·v²)
//! ```
//!
//! (the `quadratic` surface, whose rotation θ changes nothing here). Its Hessian has the
//! eigenvalues 1 and κ, so μ = λ_min = min(1, κ), L = λ_max = max(1, κ) and the condition number
//! is L/μ = max(κ, 1/κ).
//!
//! **Gradient descent** with step α multiplies the error along eigenvalue λ by 1 − αλ each step
//! (Goh, §"First steps"; Nocedal & Wright, *Numerical Optimization*, 2nd ed., §3.3). It converges
//! iff α < 2/L, and the slowest mode contracts fastest at α = 2/(μ + L), by (κ − 1)/(κ + 1).
//!
//! **Heavy ball** (Polyak, 1964) with step α and momentum β: on eigenvalue λ the error obeys
//!
//! ```text
//! x_{k+1} = x_k − α·λ·x_k + β·(x_k − x_{k−1}),
//! (x_{k+1}, x_k) = [[1 + β − αλ, −β], [1, 0]] · (x_k, x_{k−1})
//! ```
//!
//! whose eigenvalues are the roots of z² − (1 + β − αλ)·z + β = 0; when they are complex both
//! have modulus √β. PyTorch's `SGD(momentum=β, dampening=0)` keeps a buffer instead,
//! b ← β·b + g, p ← p − lr·b; at constant lr this *is* the heavy ball with α = lr, since
//! p_{k+1} − p_k = −lr·b_{k+1} = −lr·(β·b_k + g_k) = β·(p_k − p_{k−1}) − lr·g_k, and the first
//! buffer b₁ = g₀ matches starting from x₋₁ = x₀. The best choice, α = (2/(√L + √μ))² and
//! β = ((√κ − 1)/(√κ + 1))², makes both modes contract by (√κ − 1)/(√κ + 1) (Goh, §"The Critical
//! Damping Coefficient" and §"Optimal parameters"; Polyak, 1964).
//!
//! These rates are for the error ‖x − x*‖; the loss, quadratic in the error, contracts by the
//! square of the rate, which [`measured_rate`] undoes.

use crate::objective::surfaces::SurfaceSpec;
use crate::optim::OptimizerConfig;
use crate::scenario::ObjectiveSpec;
use serde::Serialize;

/// The closed forms of Goh (2017) for the quadratic with curvature ratio κ.
///
/// Every field is `NaN` when κ is not positive and finite.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct QuadraticTheory {
    /// Smallest Hessian eigenvalue μ = min(1, κ).
    pub mu: f64,
    /// Largest Hessian eigenvalue L = max(1, κ).
    pub l: f64,
    /// Condition number L/μ (= κ when κ ≥ 1).
    pub condition: f64,
    /// The largest stable gradient-descent step, 2/L: beyond it GD diverges.
    pub critical_lr: f64,
    /// The gradient-descent step with the fastest worst-case contraction, 2/(μ + L).
    pub best_lr: f64,
    /// The contraction per step of gradient descent at `best_lr`, (κ − 1)/(κ + 1).
    pub best_rate_gd: f64,
    /// The optimal heavy-ball step, (2/(√L + √μ))².
    pub heavy_ball_lr: f64,
    /// The optimal heavy-ball momentum, ((√κ − 1)/(√κ + 1))².
    pub heavy_ball_momentum: f64,
    /// The contraction per step of the heavy ball at its optimal settings, (√κ − 1)/(√κ + 1).
    pub heavy_ball_rate: f64,
}

/// The closed forms for f = ½(u² + κv²); for κ < 1 the roles of the two axes swap (μ = κ, L = 1)
/// and the condition number is 1/κ.
pub fn quadratic_theory(kappa: f64) -> QuadraticTheory {
    if !(kappa.is_finite() && kappa > 0.0) {
        return QuadraticTheory {
            mu: f64::NAN,
            l: f64::NAN,
            condition: f64::NAN,
            critical_lr: f64::NAN,
            best_lr: f64::NAN,
            best_rate_gd: f64::NAN,
            heavy_ball_lr: f64::NAN,
            heavy_ball_momentum: f64::NAN,
            heavy_ball_rate: f64::NAN,
        };
    }
    let (mu, l) = if kappa >= 1.0 {
        (1.0, kappa)
    } else {
        (kappa, 1.0)
    };
    let condition = l / mu;
    let root = condition.sqrt();
    let heavy_ball_rate = (root - 1.0) / (root + 1.0);
    let heavy_ball_step = 2.0 / (l.sqrt() + mu.sqrt());
    QuadraticTheory {
        mu,
        l,
        condition,
        critical_lr: 2.0 / l,
        best_lr: 2.0 / (mu + l),
        best_rate_gd: (condition - 1.0) / (condition + 1.0),
        heavy_ball_lr: heavy_ball_step * heavy_ball_step,
        heavy_ball_momentum: heavy_ball_rate * heavy_ball_rate,
        heavy_ball_rate,
    }
}

/// The contraction per step of the heavy ball (momentum β, step α) along one eigenvalue λ: the
/// spectral radius of [[1 + β − αλ, −β], [1, 0]], i.e. the largest |z| with
/// z² − (1 + β − αλ)·z + β = 0. With β = 0 it is |1 − αλ|, gradient descent's.
///
/// Near a double root the radius depends on the discriminant through a square root, so rounding
/// of order ε in the inputs moves it by order √ε; a discriminant within a few ulps of zero is
/// therefore taken as zero (the double root of critical damping, |z| = √β), which keeps the
/// optimal heavy ball at exactly (√κ − 1)/(√κ + 1).
pub fn mode_rate(lambda: f64, lr: f64, momentum: f64) -> f64 {
    let beta = momentum;
    let a = 1.0 + beta - lr * lambda;
    let discriminant = a * a - 4.0 * beta;
    let tolerance = 8.0 * f64::EPSILON * (a * a + 4.0 * beta.abs());
    if discriminant.abs() <= tolerance {
        // Double root a/2 with (a/2)² = β.
        (a.abs() / 2.0).max(beta.max(0.0).sqrt())
    } else if discriminant < 0.0 {
        // Complex pair: |z|² = z·z̄ = β.
        beta.sqrt()
    } else {
        // Real roots (a ± √disc)/2: the larger modulus takes the sign of a.
        (a.abs() + discriminant.sqrt()) / 2.0
    }
}

/// Predicted per-step contraction of the error for GD (momentum 0) or heavy ball (SGD momentum β,
/// PyTorch's form, which for constant lr is equivalent to Polyak's heavy ball with step lr): the
/// spectral radius of the iteration matrix over both eigenvalues; > 1 means divergence.
///
/// `kappa` is the surface's κ (eigenvalues 1 and κ, in either order); see [`mode_rate`] for one
/// eigenvalue and the module documentation for the derivation.
pub fn predicted_rate(kappa: f64, lr: f64, momentum: f64) -> f64 {
    mode_rate(1.0, lr, momentum).max(mode_rate(kappa, lr, momentum))
}

/// Measured rate from a trajectory of losses: (f_k / f_0)^(1/(2k)) fitted over the tail.
///
/// `losses[k]` is the loss after k updates (`losses[0]` at the start, as in a trace). The
/// estimator is the geometric mean of the per-step error contraction over the last half of the
/// run, `(f_n / f_h)^(1/(2·(n − h)))` with n = `losses.len() − 1` and h = n/2 (rounded down): the
/// square root because the loss is quadratic in the error, the last half because by then the
/// transients (the faster mode, the k·ρᵏ term of a double root) have faded and the slowest mode
/// dominates. With a double root the polynomial factor still biases it up by about
/// 2^(1/(n − h)) (0.7 % for n = 200).
///
/// `None` when fewer than three losses are given, or when any loss of the last half is not
/// positive and finite (a diverged run, or one that reached exactly zero).
pub fn measured_rate(losses: &[f64]) -> Option<f64> {
    if losses.len() < 3 {
        return None;
    }
    let n = losses.len() - 1;
    let h = n / 2;
    let tail = &losses[h..];
    if !tail.iter().all(|f| f.is_finite() && *f > 0.0) {
        return None;
    }
    let ratio = losses[n] / losses[h];
    Some(libm::pow(ratio, 1.0 / (2.0 * (n - h) as f64)))
}

/// The κ of a scenario objective that is the rotated quadratic; `None` for any other.
pub fn quadratic_kappa(objective: &ObjectiveSpec) -> Option<f64> {
    match objective {
        ObjectiveSpec::Surface(SurfaceSpec::Quadratic { kappa, .. }) => Some(*kappa),
        _ => None,
    }
}

/// The momentum lesson's numbers for a race on the quadratic with curvature ratio κ: the closed
/// forms, and for each racer what theory predicts and what its run shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaceTheory {
    /// [`quadratic_theory`] of κ.
    pub theory: QuadraticTheory,
    /// One entry per racer, in order.
    pub racers: Vec<RacerRates>,
}

/// One racer's rates on the quadratic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RacerRates {
    /// The optimizer's scenario name.
    pub name: &'static str,
    /// [`predicted_rate`] at its learning rate and momentum, for plain SGD and SGD with
    /// momentum (`None` for other optimizers, and where the prediction is not finite).
    pub predicted: Option<f64>,
    /// [`measured_rate`] of its recorded losses.
    pub measured: Option<f64>,
}

/// [`RaceTheory`] of κ for racers given as their optimizer and recorded losses (first to last).
pub fn race_theory<'a>(
    kappa: f64,
    racers: impl IntoIterator<Item = (&'a OptimizerConfig, Vec<f64>)>,
) -> RaceTheory {
    let racers = racers
        .into_iter()
        .map(|(optimizer, losses)| {
            let momentum = match optimizer {
                OptimizerConfig::Sgd(c) => Some(c.momentum),
                _ => None,
            };
            RacerRates {
                name: optimizer.name(),
                predicted: momentum
                    .map(|m| predicted_rate(kappa, optimizer.lr(), m))
                    .filter(|rate| rate.is_finite()),
                measured: measured_rate(&losses),
            }
        })
        .collect();
    RaceTheory {
        theory: quadratic_theory(kappa),
        racers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Runner;
    use crate::scenario::Scenario;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn closed_forms_at_kappa_1_10_100() {
        let t = quadratic_theory(1.0);
        assert_eq!((t.mu, t.l, t.condition), (1.0, 1.0, 1.0));
        assert_eq!((t.critical_lr, t.best_lr, t.best_rate_gd), (2.0, 1.0, 0.0));
        assert_eq!(
            (t.heavy_ball_lr, t.heavy_ball_momentum, t.heavy_ball_rate),
            (1.0, 0.0, 0.0)
        );

        let t = quadratic_theory(10.0);
        let r = 10f64.sqrt();
        assert_eq!((t.mu, t.l, t.condition), (1.0, 10.0, 10.0));
        assert!(close(t.critical_lr, 0.2, 1e-15));
        assert!(close(t.best_lr, 2.0 / 11.0, 1e-15));
        assert!(close(t.best_rate_gd, 9.0 / 11.0, 1e-15));
        assert!(close(t.heavy_ball_lr, 4.0 / ((r + 1.0) * (r + 1.0)), 1e-15));
        assert!(close(t.heavy_ball_rate, (r - 1.0) / (r + 1.0), 1e-15));
        assert!(close(
            t.heavy_ball_momentum,
            t.heavy_ball_rate.powi(2),
            1e-15
        ));
        assert!(close(t.heavy_ball_rate, 0.519_493_853_3, 1e-9));

        let t = quadratic_theory(100.0);
        assert_eq!((t.mu, t.l, t.condition), (1.0, 100.0, 100.0));
        assert!(close(t.critical_lr, 0.02, 1e-15));
        assert!(close(t.best_lr, 2.0 / 101.0, 1e-15));
        assert!(close(t.best_rate_gd, 99.0 / 101.0, 1e-15));
        assert!(close(t.heavy_ball_lr, 4.0 / 121.0, 1e-15));
        assert!(close(t.heavy_ball_momentum, 81.0 / 121.0, 1e-15));
        assert!(close(t.heavy_ball_rate, 9.0 / 11.0, 1e-15));
    }

    #[test]
    fn kappa_below_one_swaps_the_axes() {
        let t = quadratic_theory(0.1);
        let u = quadratic_theory(10.0);
        assert_eq!((t.mu, t.l), (0.1, 1.0));
        assert!(close(t.condition, 10.0, 1e-12));
        assert!(close(t.best_rate_gd, u.best_rate_gd, 1e-12));
        assert!(close(t.heavy_ball_rate, u.heavy_ball_rate, 1e-12));
        assert!(close(t.critical_lr, 2.0, 1e-15));
        assert!(close(
            predicted_rate(0.1, t.best_lr, 0.0),
            t.best_rate_gd,
            1e-12
        ));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(quadratic_theory(bad).best_lr.is_nan());
        }
    }

    #[test]
    fn predicted_rates_match_the_closed_forms() {
        for kappa in [1.0, 2.0, 10.0, 100.0, 1e4, 0.01] {
            let t = quadratic_theory(kappa);
            let gd = predicted_rate(kappa, t.best_lr, 0.0);
            assert!(close(gd, t.best_rate_gd, 1e-9), "κ = {kappa}: {gd}");
            let hb = predicted_rate(kappa, t.heavy_ball_lr, t.heavy_ball_momentum);
            assert!(close(hb, t.heavy_ball_rate, 1e-9), "κ = {kappa}: {hb}");
            // Any other setting does no better.
            assert!(predicted_rate(kappa, t.best_lr * 0.9, 0.0) >= gd);
            assert!(predicted_rate(kappa, t.heavy_ball_lr, t.heavy_ball_momentum * 0.8) >= hb);
        }
    }

    #[test]
    fn gd_diverges_just_above_the_critical_lr() {
        for kappa in [1.0, 10.0, 100.0] {
            let t = quadratic_theory(kappa);
            assert!(predicted_rate(kappa, t.critical_lr * 1.01, 0.0) > 1.0);
            assert!(predicted_rate(kappa, t.critical_lr * 0.99, 0.0) < 1.0);
            assert!(close(predicted_rate(kappa, t.critical_lr, 0.0), 1.0, 1e-12));
        }
    }

    #[test]
    fn mode_rate_cases() {
        // Real roots of z² − 1.5z + 0.5: 1 and 0.5.
        assert!(close(mode_rate(1.0, 0.0, 0.5), 1.0, 1e-15));
        // Complex roots: modulus √β.
        assert!(close(mode_rate(1.0, 1.0, 0.64), 0.8, 1e-15));
        // GD: |1 − αλ|.
        assert!(close(mode_rate(10.0, 0.3, 0.0), 2.0, 1e-15));
        // Momentum β ≥ 1 never converges.
        assert!(mode_rate(1.0, 0.1, 1.0) >= 1.0);
    }

    #[test]
    fn measured_rate_estimator() {
        let losses: Vec<f64> = (0..=20).map(|k| 5.0 * 0.25f64.powi(k)).collect();
        assert!(close(measured_rate(&losses).expect("rate"), 0.5, 1e-12));
        assert_eq!(measured_rate(&[1.0, 0.5]), None);
        assert_eq!(measured_rate(&[]), None);
        assert_eq!(measured_rate(&[1.0, 0.5, f64::NAN]), None);
        assert_eq!(measured_rate(&[1.0, 0.5, 0.0]), None);
        assert_eq!(measured_rate(&[1.0, 0.5, f64::INFINITY, 0.1]), None);
        // Only the tail counts: a fast start does not change it.
        let mut mixed = vec![1e6, 1e3];
        mixed.extend((0..=40).map(|k| 0.81f64.powi(k)));
        assert!(close(measured_rate(&mixed).expect("rate"), 0.9, 1e-12));
    }

    /// Runs the lab's quadratic (κ = 10, θ = 0.3) from (3, 2) for 200 updates and measures.
    fn measure(optimizer: &str) -> f64 {
        let json = format!(
            r#"{{"objective":{{"kind":"surface","name":"quadratic","kappa":10,"angle":0.3}},"optimizer":{optimizer},"start":[3,2],"steps":200}}"#
        );
        let scenario = Scenario::from_json(&json).expect("valid scenario");
        let mut runner = Runner::new(&scenario).expect("runner");
        let mut losses = vec![runner.loss()];
        for _ in 0..scenario.steps {
            runner.step().expect("a finite step");
            losses.push(runner.loss());
        }
        measured_rate(&losses).expect("a positive, finite tail")
    }

    #[test]
    fn measured_rate_agrees_with_theory_on_real_runs() {
        let t = quadratic_theory(10.0);
        let gd = measure(&format!(r#"{{"name":"sgd","lr":{}}}"#, t.best_lr));
        let predicted = predicted_rate(10.0, t.best_lr, 0.0);
        assert!(
            (gd / predicted - 1.0).abs() < 0.02,
            "GD: {gd} vs {predicted}"
        );

        let hb = measure(&format!(
            r#"{{"name":"sgd","lr":{},"momentum":{}}}"#,
            t.heavy_ball_lr, t.heavy_ball_momentum
        ));
        let predicted = predicted_rate(10.0, t.heavy_ball_lr, t.heavy_ball_momentum);
        assert!(
            (hb / predicted - 1.0).abs() < 0.03,
            "heavy ball: {hb} vs {predicted}"
        );

        // Off the optimum too: a smaller step and a smaller momentum.
        let (lr, momentum) = (0.1, 0.3);
        let other = measure(&format!(
            r#"{{"name":"sgd","lr":{lr},"momentum":{momentum}}}"#
        ));
        let predicted = predicted_rate(10.0, lr, momentum);
        assert!(
            (other / predicted - 1.0).abs() < 0.03,
            "lr {lr}, β {momentum}: {other} vs {predicted}"
        );
        // Momentum wins: the measured heavy ball beats the measured best GD.
        assert!(hb < gd);
    }
}
