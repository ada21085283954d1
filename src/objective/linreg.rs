//! Least-squares linear regression on 2-D points: the smallest finite-sum objective.
//!
//! Samples are pairs `(xᵢ, yᵢ)`, `i = 1..n`; the parameters are `θ = (w, b)`. The loss on a set
//! `S` of samples is the mean squared residual, as `torch.nn.MSELoss` (reduction `"mean"`) of the
//! prediction `w·x + b`:
//!
//! ```text
//! L_S(w, b) = (1/|S|) Σ_{i∈S} rᵢ²,        rᵢ = w·xᵢ + b − yᵢ
//! ∂L_S/∂w   = (2/|S|) Σ_{i∈S} rᵢ·xᵢ
//! ∂L_S/∂b   = (2/|S|) Σ_{i∈S} rᵢ
//! ∇²L       = (2/n) [[Σ xᵢ², Σ xᵢ], [Σ xᵢ, n]]   (full objective; constant in θ)
//! ```
//!
//! Optional penalties on the slope `w` (never on `b`), as the MLP's on its weight matrices
//! ([`crate::objective::mlp`], "Loss"): `l1` (λ₁) and `l2` (λ₂) add
//!
//! ```text
//! R(w) = λ₁·|w| + (λ₂/2)·w²,    ∂R/∂w = λ₁·sign(w) + λ₂·w  (sign(0) = 0, torch's abs backward)
//! ```
//!
//! to every loss (training, batch and test) and `λ₂` to `∂²L/∂w²` (`|w|` has no curvature
//! away from 0, and none is claimed at it).
//!
//! Serde form (the outer `"kind"` tag belongs to the objective enum): either the points,
//! `{"kind":"linreg","points":[[x,y],...]}`, or a generated data set,
//! `{"kind":"linreg","dataset":{"name":"linear","n":100,"noise":0.1,"seed":3}}` — exactly one of
//! the two. Only the 1-D regression set `linear` fits a line (see [`crate::data::datasets`]); its
//! training split is what the loss, gradient and Hessian are taken on, and its test split gives
//! [`LinearRegression::test_loss`]. Given points are all training points (no test split).

use crate::read::{Problem, Range, Refusal};
use serde::Serialize;

use super::Objective;
use crate::data::datasets::{DatasetKind, DatasetSpec, Split};

/// The serde form of a linear-regression objective `y ≈ w·x + b` (module doc): its points, or a
/// data set to generate. Check it with [`LinReg::validate`]; build the objective with
/// [`LinearRegression::new`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinReg {
    /// The samples `[x, y]`, when given inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<Vec<[f64; 2]>>,
    /// A data set to generate instead (it must be `linear`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetSpec>,
    /// L1 penalty strength `λ₁ ≥ 0` on `w` (module doc); `0` when absent.
    #[serde(skip_serializing_if = "is_zero")]
    pub l1: f64,
    /// L2 penalty strength `λ₂ ≥ 0` on `w` (module doc); `0` when absent.
    #[serde(skip_serializing_if = "is_zero")]
    pub l2: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

crate::read::fields::read_fields!(LinReg (LinReg { points: None, dataset: None, l1: 0.0, l2: 0.0 }) {
    points: Read,
    dataset: OptRead,
    l1: F64,
    l2: F64,
});

impl LinReg {
    /// The spec of a regression over `points` (not validated).
    pub fn from_points(points: Vec<[f64; 2]>) -> Self {
        LinReg {
            points: Some(points),
            dataset: None,
            l1: 0.0,
            l2: 0.0,
        }
    }

    /// The spec of a regression over a generated data set (not validated).
    pub fn from_dataset(dataset: DatasetSpec) -> Self {
        LinReg {
            points: None,
            dataset: Some(dataset),
            l1: 0.0,
            l2: 0.0,
        }
    }

    /// Checks the spec: exactly one of `points` and `dataset`; points non-empty and finite; the
    /// data set valid and of the 1-D regression kind; `l1`, `l2` ≥ 0. A refusal names the
    /// field, e.g. `points[3][1]` or `dataset.n`.
    pub fn validate(&self) -> Result<(), Refusal> {
        for (name, value) in [("l1", self.l1), ("l2", self.l2)] {
            if !Range::at_least(0.0).contains(value) {
                return Err(Refusal::out_of_range(name, value, Range::at_least(0.0)));
            }
        }
        match (&self.points, &self.dataset) {
            (Some(_), Some(_)) => Err(Refusal::at(
                "dataset",
                Problem::unfit(crate::read::Unfit::PointsOrDataset),
            )),
            (None, None) => Err(Refusal::at(
                "points",
                Problem::Missing {
                    names: Vec::new(),
                    example: Some("[[x,y],...], or a dataset such as {\"name\":\"linear\"}"),
                },
            )),
            (Some(points), None) => super::check_points(points),
            (None, Some(dataset)) => {
                dataset.validate().map_err(|r| r.in_key("dataset"))?;
                if dataset.name.kind() != DatasetKind::Regression1d {
                    return Err(Refusal::at(
                        "name",
                        Problem::unfit(crate::read::Unfit::NeedsLinear {
                            name: Some(dataset.name.as_str()),
                        }),
                    )
                    .in_key("dataset"));
                }
                Ok(())
            }
        }
    }
}

/// Linear regression `y ≈ w·x + b` by mean squared error over its training points, parameters
/// `[w, b]` — the built objective of a [`LinReg`] spec, with its data generated.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegression {
    spec: LinReg,
    train: Vec<[f64; 2]>,
    test: Vec<[f64; 2]>,
    truth: Option<[f64; 2]>,
}

impl LinearRegression {
    /// Validates `spec` ([`LinReg::validate`]) and builds the objective, generating the data set
    /// when the spec names one.
    pub fn new(spec: LinReg) -> Result<Self, Refusal> {
        spec.validate()?;
        let (train, test, truth) = match (&spec.points, &spec.dataset) {
            (Some(points), _) => (points.clone(), Vec::new(), None),
            (None, Some(dataset)) => {
                let data = dataset.generate().map_err(|r| r.in_key("dataset"))?;
                let Split { train, test } = data.points_1d().ok_or_else(|| {
                    Refusal::at(
                        "name",
                        Problem::unfit(crate::read::Unfit::NeedsLinear { name: None }),
                    )
                    .in_key("dataset")
                })?;
                let truth = match data.truth() {
                    Some(&[w, b]) => Some([w, b]),
                    _ => None,
                };
                (train.to_vec(), test.to_vec(), truth)
            }
            (None, None) => {
                return Err(Refusal::at(
                    "points",
                    Problem::Missing {
                        names: Vec::new(),
                        example: None,
                    },
                ))
            }
        };
        Ok(LinearRegression {
            spec,
            train,
            test,
            truth,
        })
    }

    /// A regression over `points` (all training points), refusing an empty set or a non-finite
    /// coordinate; the refusal names the point, e.g. `points[3][1]`.
    pub fn from_points(points: Vec<[f64; 2]>) -> Result<Self, Refusal> {
        LinearRegression::new(LinReg::from_points(points))
    }

    /// The spec this objective was built from.
    pub fn spec(&self) -> &LinReg {
        &self.spec
    }

    /// The points the loss is taken on, `[x, y]`.
    pub fn train_points(&self) -> &[[f64; 2]] {
        &self.train
    }

    /// The held-out points, `[x, y]`; empty when the points were given inline.
    pub fn test_points(&self) -> &[[f64; 2]] {
        &self.test
    }

    /// The line `[w, b]` a generated data set was drawn around (its noise-free optimum), in the
    /// data's coordinates; `None` for given points.
    pub fn truth(&self) -> Option<[f64; 2]> {
        self.truth
    }

    /// The mean squared residual on the test points plus the penalty (module doc), so it
    /// compares with [`Objective::loss`]; `None` when there are none.
    ///
    /// # Panics
    /// If `params.len() != 2`.
    pub fn test_loss(&self, params: &[f64]) -> Option<f64> {
        if self.test.is_empty() {
            return None;
        }
        let data = evaluate(params, self.test.iter(), self.test.len(), None);
        Some(data + self.penalty(params, None))
    }

    /// `R(w) = λ₁·|w| + (λ₂/2)·w²` (module doc), adding `λ₁·sign(w) + λ₂·w` to `grad[0]` when
    /// given.
    fn penalty(&self, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (l1, l2) = (self.spec.l1, self.spec.l2);
        if l1 == 0.0 && l2 == 0.0 {
            return 0.0;
        }
        let w = params[0];
        if let Some(g) = grad {
            g[0] += l1 * super::sign(w) + l2 * w;
        }
        l1 * w.abs() + 0.5 * l2 * w * w
    }
}

/// Mean squared residual over the samples yielded by `samples` (`count` of them), and its
/// gradient `[∂/∂w, ∂/∂b]` when `grad` is given (see the module formulas). An empty set has
/// loss and gradient zero.
fn evaluate<'a>(
    params: &[f64],
    samples: impl Iterator<Item = &'a [f64; 2]>,
    count: usize,
    grad: Option<&mut [f64]>,
) -> f64 {
    assert_eq!(
        params.len(),
        2,
        "linreg has 2 parameters (w, b), got {}",
        params.len()
    );
    let (w, b) = (params[0], params[1]);
    let mut sum_sq = 0.0;
    let (mut sum_rx, mut sum_r) = (0.0, 0.0);
    for &[x, y] in samples {
        let r = w * x + b - y;
        sum_sq += r * r;
        sum_rx += r * x;
        sum_r += r;
    }
    if let Some(grad) = grad {
        assert_eq!(
            grad.len(),
            2,
            "linreg gradient has 2 entries, got {}",
            grad.len()
        );
        if count == 0 {
            grad.fill(0.0);
        } else {
            let n = count as f64;
            grad[0] = 2.0 * sum_rx / n;
            grad[1] = 2.0 * sum_r / n;
        }
    }
    if count == 0 {
        0.0
    } else {
        sum_sq / count as f64
    }
}

impl Objective for LinearRegression {
    fn dim(&self) -> usize {
        2
    }

    fn sample_count(&self) -> usize {
        self.train.len()
    }

    fn loss(&self, params: &[f64]) -> f64 {
        evaluate(params, self.train.iter(), self.train.len(), None) + self.penalty(params, None)
    }

    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        let data = evaluate(
            params,
            self.train.iter(),
            self.train.len(),
            Some(&mut *grad),
        );
        data + self.penalty(params, Some(grad))
    }

    /// Indices may repeat (sampling with replacement); an index out of range panics. An empty
    /// batch has data loss and gradient `0` (the penalty still applies).
    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        let samples = batch.iter().map(|&i| &self.train[i]);
        let data = evaluate(params, samples, batch.len(), Some(&mut *grad));
        data + self.penalty(params, Some(grad))
    }

    /// `(2/n) [[Σx², Σx], [Σx, n]] + [[λ₂, 0], [0, 0]]`, row-major; independent of `params`
    /// (the L1 term has no curvature away from `w = 0`).
    fn hessian(&self, _params: &[f64]) -> Option<Vec<f64>> {
        let n = self.train.len() as f64;
        let (sum_xx, sum_x) = self
            .train
            .iter()
            .fold((0.0, 0.0), |(sxx, sx), &[x, _]| (sxx + x * x, sx + x));
        let off = 2.0 * sum_x / n;
        Some(vec![2.0 * sum_xx / n + self.spec.l2, off, off, 2.0])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
    }

    fn sample() -> LinearRegression {
        LinearRegression::from_points(vec![
            [-1.0, 0.5],
            [0.25, -0.3],
            [1.5, 2.0],
            [2.0, 1.0],
            [-0.7, 0.1],
        ])
        .unwrap()
    }

    /// Central finite differences of the batch loss.
    fn fd_gradient(f: &LinearRegression, p: [f64; 2], batch: &[usize]) -> [f64; 2] {
        let h = 1e-6;
        let mut g = [0.0; 2];
        let mut scratch = [0.0; 2];
        for (k, gk) in g.iter_mut().enumerate() {
            let (mut plus, mut minus) = (p, p);
            plus[k] += h;
            minus[k] -= h;
            let lp = f.batch_loss_and_gradient(&plus, batch, &mut scratch);
            let lm = f.batch_loss_and_gradient(&minus, batch, &mut scratch);
            *gk = (lp - lm) / (2.0 * h);
        }
        g
    }

    #[test]
    fn new_refuses_empty_and_non_finite() {
        assert_eq!(
            LinearRegression::from_points(vec![])
                .unwrap_err()
                .to_string(),
            "points: 0 points given (accepted: at least 1)"
        );
        let mut pts = vec![[0.0, 0.0]; 5];
        pts[3][1] = f64::NAN;
        assert_eq!(
            LinearRegression::from_points(pts.clone()).unwrap_err().to_string(),
            "points[3][1]: not a finite number (accepted: a finite number; JSON has no NaN or Infinity, and |value| ≤ 1.8e308)"
        );
        pts[3][1] = 0.0;
        pts[0][0] = f64::INFINITY;
        assert_eq!(
            LinearRegression::from_points(pts).unwrap_err().to_string(),
            "points[0][0]: not a finite number (accepted: a finite number; JSON has no NaN or Infinity, and |value| ≤ 1.8e308)"
        );
    }

    #[test]
    fn serde_round_trip_and_unknown_fields() {
        let f: LinReg = serde_json::from_str(r#"{"points":[[1.0,2.0],[3.0,-4.5]]}"#).unwrap();
        assert_eq!(f.points, Some(vec![[1.0, 2.0], [3.0, -4.5]]));
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<LinReg>(&json).unwrap(), f);
        assert!(serde_json::from_str::<LinReg>(r#"{"points":[],"extra":1}"#).is_err());
        let empty: LinReg = serde_json::from_str(r#"{"points":[]}"#).unwrap();
        assert!(empty.validate().is_err());
    }

    #[test]
    fn points_or_dataset_exactly_one() {
        let both: LinReg =
            serde_json::from_str(r#"{"points":[[0,1]],"dataset":{"name":"linear"}}"#).unwrap();
        assert_eq!(
            both.validate().unwrap_err().to_string(),
            "dataset: give either points or dataset, not both"
        );
        let neither: LinReg = serde_json::from_str("{}").unwrap();
        assert_eq!(
            neither.validate().unwrap_err().to_string(),
            r#"points: missing (e.g. [[x,y],...], or a dataset such as {"name":"linear"})"#
        );
        assert!(LinearRegression::new(neither).is_err());
        for name in ["circle", "xor", "gaussians", "spiral", "moons", "plane"] {
            let spec: LinReg =
                serde_json::from_str(&format!(r#"{{"dataset":{{"name":"{name}"}}}}"#)).unwrap();
            assert_eq!(
                spec.validate().unwrap_err().to_string(),
                format!(
                    "dataset.name: {name} is not a 1-D regression set; linear regression needs \"linear\""
                )
            );
        }
        let bad: LinReg = serde_json::from_str(r#"{"dataset":{"name":"linear","n":0}}"#).unwrap();
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "dataset.n: 0 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)"
        );
        assert!(
            serde_json::from_str::<LinReg>(r#"{"dataset":{"name":"linear","size":3}}"#).is_err()
        );
    }

    #[test]
    fn generated_dataset_trains_on_train_and_tests_on_test() {
        let json =
            r#"{"dataset":{"name":"linear","n":101,"noise":0.0,"seed":3,"test_fraction":0.2}}"#;
        let spec: LinReg = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&spec).unwrap(), json);
        let f = LinearRegression::new(spec.clone()).unwrap();
        assert_eq!(f.spec(), &spec);
        assert_eq!((f.train_points().len(), f.test_points().len()), (81, 20));
        assert_eq!(f.sample_count(), 81);
        let data = spec.dataset.as_ref().unwrap().generate().unwrap();
        let Split { train, test } = data.points_1d().unwrap();
        assert_eq!((f.train_points(), f.test_points()), (train, test));
        // Noise 0: the generating line is an exact fit, on both splits.
        let truth = f.truth().unwrap();
        assert!(f.loss(&truth) < 1e-28);
        assert!(f.test_loss(&truth).unwrap() < 1e-28);
        // Elsewhere the test loss is the mean squared residual over the test points alone.
        let p = [0.3, -0.2];
        let by_hand = test
            .iter()
            .map(|&[x, y]| (p[0] * x + p[1] - y).powi(2))
            .sum::<f64>()
            / test.len() as f64;
        assert!(close(f.test_loss(&p).unwrap(), by_hand, 1e-14));
        let mut g = [0.0; 2];
        assert_eq!(f.loss_and_gradient(&p, &mut g), f.loss(&p));
        // The data depend on the data set's seed only; given points have no test split.
        assert_eq!(LinearRegression::new(spec).unwrap(), f);
        let inline = sample();
        assert!(inline.test_points().is_empty());
        assert_eq!(inline.test_loss(&p), None);
        assert_eq!(inline.truth(), None);
        // A standardised set reports its line in standardised coordinates.
        let std_spec: LinReg = serde_json::from_str(
            r#"{"dataset":{"name":"linear","n":50,"noise":0,"standardize":true}}"#,
        )
        .unwrap();
        let f = LinearRegression::new(std_spec).unwrap();
        assert!(f.loss(&f.truth().unwrap()) < 1e-28);
        let mean = f.train_points().iter().map(|p| p[0]).sum::<f64>() / 25.0;
        assert!(mean.abs() < 1e-12);
    }

    #[test]
    fn known_values() {
        // One point (2, 1) at (w, b) = (1, 1): r = 2, L = 4, ∇ = (2·2·2, 2·2) = (8, 4).
        let f = LinearRegression::from_points(vec![[2.0, 1.0]]).unwrap();
        let mut g = [0.0; 2];
        assert_eq!(f.loss_and_gradient(&[1.0, 1.0], &mut g), 4.0);
        assert_eq!(g, [8.0, 4.0]);
        assert_eq!(f.hessian(&[0.0, 0.0]).unwrap(), vec![8.0, 4.0, 4.0, 2.0]);
        assert_eq!((f.dim(), f.sample_count()), (2, 1));
    }

    #[test]
    fn l1_and_l2_penalise_the_slope_only() {
        let plain = sample();
        let mut spec = plain.spec().clone();
        spec.l1 = 0.3;
        spec.l2 = 0.5;
        let f = LinearRegression::new(spec).unwrap();
        for (p, sign) in [([0.8, -0.4], 1.0), ([-1.5, 2.0], -1.0), ([0.0, 0.7], 0.0)] {
            let (mut g, mut g_plain) = ([0.0; 2], [0.0; 2]);
            let loss = f.loss_and_gradient(&p, &mut g);
            let expected =
                plain.loss_and_gradient(&p, &mut g_plain) + 0.3 * p[0].abs() + 0.25 * p[0] * p[0];
            assert!(close(loss, expected, 1e-14), "{p:?}");
            assert_eq!(f.loss(&p), loss);
            // ∂R/∂w = λ₁ sign(w) + λ₂ w, with sign(0) = 0; b is not penalised.
            assert!(close(g[0], g_plain[0] + 0.3 * sign + 0.5 * p[0], 1e-14));
            assert_eq!(g[1], g_plain[1]);
            if p[0] != 0.0 {
                let fd = fd_gradient(&f, p, &[0, 1, 2, 3, 4]);
                assert!(close(g[0], fd[0], 1e-8) && close(g[1], fd[1], 1e-8));
            }
        }
        let h = f.hessian(&[0.0, 0.0]).unwrap();
        let h_plain = plain.hessian(&[0.0, 0.0]).unwrap();
        assert_eq!(h[0], h_plain[0] + 0.5);
        assert_eq!(h[1..], h_plain[1..]);
        let mut bad = f.spec().clone();
        bad.l1 = -1.0;
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "l1: -1 is out of range (accepted: l1 ≥ 0)"
        );
    }

    #[test]
    fn empty_batch_is_zero() {
        let f = sample();
        let mut g = [7.0; 2];
        assert_eq!(f.batch_loss_and_gradient(&[0.3, 0.2], &[], &mut g), 0.0);
        assert_eq!(g, [0.0, 0.0]);
    }

    #[test]
    fn hessian_matches_finite_differences_of_gradient() {
        let f = sample();
        let p = [0.4, -0.9];
        let hess = f.hessian(&p).unwrap();
        let h = 1e-5;
        for k in 0..2 {
            let (mut plus, mut minus) = (p, p);
            plus[k] += h;
            minus[k] -= h;
            let (mut gp, mut gm) = ([0.0; 2], [0.0; 2]);
            f.loss_and_gradient(&plus, &mut gp);
            f.loss_and_gradient(&minus, &mut gm);
            for r in 0..2 {
                let fd = (gp[r] - gm[r]) / (2.0 * h);
                assert!(
                    close(hess[r * 2 + k], fd, 1e-8),
                    "H[{r}][{k}] {} vs {fd}",
                    hess[r * 2 + k]
                );
            }
        }
    }

    proptest! {
        #[test]
        fn gradient_matches_finite_differences(
            points in prop::collection::vec([-3.0f64..3.0, -3.0f64..3.0], 1..12),
            w in -2.0f64..2.0,
            b in -2.0f64..2.0,
            picks in prop::collection::vec(any::<prop::sample::Index>(), 1..8),
        ) {
            let f = LinearRegression::from_points(points.iter().map(|p| [p[0], p[1]]).collect()).unwrap();
            let n = f.sample_count();
            let all: Vec<usize> = (0..n).collect();
            let subset: Vec<usize> = picks.iter().map(|i| i.index(n)).collect();
            for batch in [&all, &subset] {
                let mut g = [0.0; 2];
                f.batch_loss_and_gradient(&[w, b], batch, &mut g);
                let fd = fd_gradient(&f, [w, b], batch);
                for k in 0..2 {
                    prop_assert!((g[k] - fd[k]).abs() <= 1e-6 * (1.0 + g[k].abs()), "{g:?} vs {fd:?}");
                }
            }
        }

        #[test]
        fn full_gradient_is_weighted_mean_of_partition(
            points in prop::collection::vec([-3.0f64..3.0, -3.0f64..3.0], 2..20),
            w in -2.0f64..2.0,
            b in -2.0f64..2.0,
            batch_size in 1usize..7,
        ) {
            let f = LinearRegression::from_points(points.iter().map(|p| [p[0], p[1]]).collect()).unwrap();
            let n = f.sample_count();
            let all: Vec<usize> = (0..n).collect();
            let mut g_full = [0.0; 2];
            let l_full = f.loss_and_gradient(&[w, b], &mut g_full);
            let mut g_all = [0.0; 2];
            prop_assert_eq!(f.batch_loss_and_gradient(&[w, b], &all, &mut g_all), l_full);
            prop_assert_eq!(f.loss(&[w, b]), l_full);
            let (mut l_mix, mut g_mix) = (0.0, [0.0; 2]);
            for chunk in all.chunks(batch_size) {
                let mut g = [0.0; 2];
                let weight = chunk.len() as f64 / n as f64;
                l_mix += weight * f.batch_loss_and_gradient(&[w, b], chunk, &mut g);
                g_mix[0] += weight * g[0];
                g_mix[1] += weight * g[1];
            }
            prop_assert!(close(l_mix, l_full, 1e-12), "{} vs {}", l_mix, l_full);
            for k in 0..2 {
                prop_assert!(close(g_mix[k], g_full[k], 1e-12), "{:?} vs {:?}", g_mix, g_full);
            }
        }
    }
}
