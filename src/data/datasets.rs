//! Seeded toy data sets: five 2-D classification sets and two regression sets, each with a noise
//! level, a seeded train/test split and optional standardisation.
//!
//! The classification sets follow TensorFlow Playground's `dataset.ts` (circle, xor, two gaussians,
//! spiral) and scikit-learn's `make_moons`, rescaled so that the inputs lie in about `[−1, 1]²`
//! (Playground draws in `[−6, 6]²` with a data radius of 5; dividing by 5 maps it to the unit
//! box). Labels are `0` or `1`; point `i` (in generation order) has label `1` when `i` is even,
//! so the classes are balanced — equal counts, or one more `1` when `n` is odd.
//!
//! # Geometry (noise 0)
//!
//! `U(a, b)` is uniform, `N(μ, σ²)` Gaussian, `θ` an angle in radians.
//!
//! | name        | label 1                                              | label 0                                         |
//! |-------------|------------------------------------------------------|-------------------------------------------------|
//! | `circle`    | inner disc: radius `r ~ U(0, 0.5)`, `θ ~ U(0, 2π)`    | outer ring: `r ~ U(0.7, 1)`, `θ ~ U(0, 2π)`     |
//! | `xor`       | quadrants I and III (`x1·x2 > 0`)                    | quadrants II and IV (`x1·x2 < 0`)               |
//! | `gaussians` | `N((0.4, 0.4), 0.15²·I)`                             | `N((−0.4, −0.4), 0.15²·I)`                      |
//! | `spiral`    | `u ~ U(0, 1)`: `r = u`, `θ = 3.5π·u`                  | the same arm turned by `π`                      |
//! | `moons`     | the lower moon, `(1 − cos t, 0.5 − sin t)`           | the upper moon, `(cos t, sin t)`                |
//!
//! * `circle` — a point at radius `r`, angle `θ` is `(r·sin θ, r·cos θ)` (Playground's
//!   `classifyCircleData`, radius 5 → 1). The radius is uniform, not the area, as in Playground,
//!   so the disc is densest at its centre. With noise 0 the label is `1` exactly when `r < 0.6`.
//! * `xor` — each coordinate's magnitude is `U(0.05, 1)` (Playground's `classifyXORData`: `U(−5, 5)`
//!   padded by 0.3 away from the axes); its signs are drawn so that `sign(x1·x2)` is `+` for
//!   label 1.
//! * `gaussians` — Playground's `classifyTwoGaussData` at its lowest noise (variance 0.5 at
//!   centres `±(2, 2)`, i.e. standard deviation `√0.5 / 5 ≈ 0.14`, rounded to 0.15).
//! * `spiral` — two interleaved arms, Playground's `classifySpiralData` (`r = 5·i/n`,
//!   `t = 1.75·2π·i/n + δ`, point `(r·sin t, r·cos t)`, `δ = 0` for label 1 and `π` for label 0),
//!   with `u` drawn uniformly instead of evenly spaced. The arms are 1/3.5 ≈ 0.29 apart radially.
//! * `moons` — scikit-learn's `make_moons` (upper moon `(cos t, sin t)` label 0, lower moon
//!   `(1 − cos t, 1 − sin t − 0.5)` label 1, `t ∈ [0, π]`), with `t ~ U(0, π)` instead of evenly
//!   spaced, then mapped to `[−1, 1] × [−0.5, 0.5]` by `(x, y) ↦ ((x − 0.5)/1.5, (y − 0.25)/1.5)`.
//!   The moons' radius becomes 2/3; our noise σ equals scikit-learn's `noise = 1.5·σ`.
//!
//! # Regression sets
//!
//! * `linear` — 1-D points `(x, y)`, `x ~ U(−1, 1)`, `y = a·x + b + σ·N(0, 1)` with a seeded
//!   line: `a = ±U(0.25, 0.75)` (sign a fair coin), `b ~ U(−0.25, 0.25)` — the line fit that the
//!   `linreg` objective makes, with `(a, b)` its noise-free optimum.
//! * `plane` — `x1, x2 ~ U(−1, 1)`, `y = c1·x1 + c2·x2 + c0 + σ·N(0, 1)` with `c1, c2 = ±U(0.2, 0.4)`
//!   and `c0 ~ U(−0.2, 0.2)` (in the spirit of Playground's `regressPlane`, `y = (x1 + x2)/10` on
//!   its `[−6, 6]²`), so `|y| ≤ 1` before noise.
//!
//! [`Dataset::truth`] gives the generating coefficients (`[a, b]` or `[c1, c2, c0]`), in the
//! coordinates of the returned inputs (after standardisation when that is on).
//!
//! # Noise
//!
//! `noise = σ` adds independent `N(0, σ²)` to each input coordinate of a classification point —
//! moving it, possibly across the class boundary, while its label stays that of the class it was
//! drawn from (Playground instead keeps the point and relabels it, which unbalances the classes) —
//! and `N(0, σ²)` to the target of a regression point. Accepted: `0 ≤ σ ≤ 1`. Defaults: 0.05 for
//! the classification sets, 0.1 for the regression sets. The noise draws are taken even when
//! `σ = 0`, so one seed gives the same underlying points at every noise level, only more or less
//! jittered.
//!
//! # Split and standardisation
//!
//! After generation the points are shuffled (the same generator) and the first
//! `round(n·test_fraction)` become the test split, capped at `n − 1` so at least one training
//! point remains. With `standardize`, every input coordinate is mapped to `(x − μ)/s` with `μ`
//! and `s` the mean and population standard deviation (divisor `n_train`, as scikit-learn's
//! `StandardScaler`) of the *training* inputs, applied to both splits; a coordinate with `s = 0`
//! is only shifted. Targets and labels are never rescaled.
//!
//! # Randomness
//!
//! One `rand_pcg::Pcg64Mcg` seeded with [`DatasetSpec::seed`] draws everything, uniforms as
//! `random::<f64>()` (53-bit) and normals from `rand_distr::StandardNormal`, so a seed gives the
//! same data natively and in WebAssembly. The data depend on this seed only. Angles go through a
//! sine and cosine built from `+` and `×` alone (not the platform's maths library), so the
//! points are the same to the last bit on every platform — up to the rare normal draw in the
//! ziggurat's tail (`|z| > 3.65`, about 1 in 4000), which `rand_distr` computes with `ln`.
//!
//! Serde form: `{"name":"circle","n":200,"noise":0.05,"seed":0,"test_fraction":0.5,
//! "standardize":false}`; every field but `name` is optional, and fields at their default are
//! left out when serialising.

use crate::read::{Range, Refusal};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Default number of points.
pub const DEFAULT_N: usize = 200;

/// Largest number of points accepted.
pub const MAX_N: usize = 10_000;

/// Default fraction of the points held out for testing (Playground's default ratio, 50 %).
pub const DEFAULT_TEST_FRACTION: f64 = 0.5;

/// Largest noise level accepted.
pub const MAX_NOISE: f64 = 1.0;

crate::read::fields::read_by_name!(DatasetName);

/// Which data set to generate (see the module doc for each one's geometry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetName {
    /// Inner disc (label 1) against an outer ring (label 0).
    Circle,
    /// Label 1 where `x1·x2 > 0`.
    Xor,
    /// Two Gaussian blobs centred at `±(0.4, 0.4)`.
    Gaussians,
    /// Two interleaved spiral arms.
    Spiral,
    /// scikit-learn's two interleaving half circles.
    Moons,
    /// 1-D regression points `(x, y)` around a line.
    Linear,
    /// 2-D regression: a target linear in `(x1, x2)`.
    Plane,
}

impl DatasetName {
    /// Every data set, classification first.
    pub const ALL: [DatasetName; 7] = [
        DatasetName::Circle,
        DatasetName::Xor,
        DatasetName::Gaussians,
        DatasetName::Spiral,
        DatasetName::Moons,
        DatasetName::Linear,
        DatasetName::Plane,
    ];

    /// The serde name, e.g. `"circle"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetName::Circle => "circle",
            DatasetName::Xor => "xor",
            DatasetName::Gaussians => "gaussians",
            DatasetName::Spiral => "spiral",
            DatasetName::Moons => "moons",
            DatasetName::Linear => "linear",
            DatasetName::Plane => "plane",
        }
    }

    /// What the set's points are.
    pub fn kind(self) -> DatasetKind {
        match self {
            DatasetName::Linear => DatasetKind::Regression1d,
            DatasetName::Plane => DatasetKind::Regression2d,
            _ => DatasetKind::Classification,
        }
    }

    /// The noise level used when the spec gives none: 0.05 for classification, 0.1 for
    /// regression.
    pub fn default_noise(self) -> f64 {
        match self.kind() {
            DatasetKind::Classification => 0.05,
            DatasetKind::Regression1d | DatasetKind::Regression2d => 0.1,
        }
    }
}

/// The shape of a data set's points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatasetKind {
    /// `[x1, x2, label]`, label 0 or 1.
    Classification,
    /// `[x, y]`: one input, one real target.
    Regression1d,
    /// `[x1, x2, y]`: two inputs, one real target.
    Regression2d,
}

fn is_default_n(n: &usize) -> bool {
    *n == DEFAULT_N
}

fn is_default_test_fraction(f: &f64) -> bool {
    *f == DEFAULT_TEST_FRACTION
}

fn is_zero_u64(x: &u64) -> bool {
    *x == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The serde form of a generated data set (module doc); check it with [`DatasetSpec::validate`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatasetSpec {
    /// Which set.
    pub name: DatasetName,
    /// Number of points, train and test together (`1 ≤ n ≤ 10000`, default 200).
    #[serde(skip_serializing_if = "is_default_n")]
    pub n: usize,
    /// Noise level σ (`0 ≤ σ ≤ 1`); `None` means [`DatasetName::default_noise`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise: Option<f64>,
    /// Seed of the generator; the data depend on it alone (default 0).
    #[serde(skip_serializing_if = "is_zero_u64")]
    pub seed: u64,
    /// Fraction of the points held out for testing (`0 ≤ f < 1`, default 0.5).
    #[serde(skip_serializing_if = "is_default_test_fraction")]
    pub test_fraction: f64,
    /// Standardise the inputs with the training split's mean and standard deviation.
    #[serde(skip_serializing_if = "is_false")]
    pub standardize: bool,
}

crate::read::fields::read_fields!(DatasetSpec (DatasetSpec::new(DatasetName::Circle)) {
    name: Read required,
    n: Usize,
    noise: OptF64,
    seed: U64,
    test_fraction: F64,
    standardize: Bool,
});

impl DatasetSpec {
    /// A spec for `name` with every other field at its default.
    pub fn new(name: DatasetName) -> Self {
        DatasetSpec {
            name,
            n: DEFAULT_N,
            noise: None,
            seed: 0,
            test_fraction: DEFAULT_TEST_FRACTION,
            standardize: false,
        }
    }

    /// The effective noise level: the spec's, or the set's default.
    pub fn noise_level(&self) -> f64 {
        self.noise.unwrap_or_else(|| self.name.default_noise())
    }

    /// Checks every field; a refusal names the first offending one with its range, e.g.
    /// `n: 0 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)`.
    pub fn validate(&self) -> Result<(), Refusal> {
        let check = |field: &str, value: f64, range: Range| {
            if range.contains(value) {
                Ok(())
            } else {
                Err(Refusal::out_of_range(field, value, range))
            }
        };
        check("n", self.n as f64, Range::closed(1.0, MAX_N as f64).whole())?;
        if let Some(noise) = self.noise {
            check("noise", noise, Range::closed(0.0, MAX_NOISE))?;
        }
        check(
            "test_fraction",
            self.test_fraction,
            Range::closed_open(0.0, 1.0),
        )
    }

    /// Number of test points: `round(n·test_fraction)`, at most `n − 1`.
    pub fn test_count(&self) -> usize {
        let wanted = (self.n as f64 * self.test_fraction).round();
        // `wanted` is a finite, non-negative whole number ≤ n for a validated spec.
        (wanted.max(0.0) as usize).min(self.n.saturating_sub(1))
    }

    /// Validates the spec and generates the data set it describes.
    pub fn generate(&self) -> Result<Dataset, Refusal> {
        self.validate()?;
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed);
        let noise = self.noise_level();
        let n_test = self.test_count();
        Ok(match self.name.kind() {
            DatasetKind::Classification => {
                let mut points: Vec<[f64; 3]> = (0..self.n)
                    .map(|i| {
                        let label = if i % 2 == 0 { 1.0 } else { 0.0 };
                        let [x1, x2] = classification_point(self.name, label == 1.0, &mut rng);
                        let (e1, e2) = (normal(&mut rng), normal(&mut rng));
                        [x1 + noise * e1, x2 + noise * e2, label]
                    })
                    .collect();
                points.shuffle(&mut rng);
                let mut train = points.split_off(n_test);
                let mut test = points;
                if self.standardize {
                    standardize::<3, 2>(&mut train, &mut test);
                }
                Dataset::Classification { train, test }
            }
            DatasetKind::Regression1d => {
                let a = random_sign(&mut rng) * uniform(&mut rng, 0.25, 0.75);
                let b = uniform(&mut rng, -0.25, 0.25);
                let mut points: Vec<[f64; 2]> = (0..self.n)
                    .map(|_| {
                        let x = uniform(&mut rng, -1.0, 1.0);
                        [x, a * x + b + noise * normal(&mut rng)]
                    })
                    .collect();
                points.shuffle(&mut rng);
                let mut train = points.split_off(n_test);
                let mut test = points;
                let mut truth = [a, b];
                if self.standardize {
                    let [(mu, s)] = standardize::<2, 1>(&mut train, &mut test);
                    // y = a·(μ + s·z) + b = (a·s)·z + (b + a·μ).
                    truth = [a * s, b + a * mu];
                }
                Dataset::Regression1d { train, test, truth }
            }
            DatasetKind::Regression2d => {
                let c1 = random_sign(&mut rng) * uniform(&mut rng, 0.2, 0.4);
                let c2 = random_sign(&mut rng) * uniform(&mut rng, 0.2, 0.4);
                let c0 = uniform(&mut rng, -0.2, 0.2);
                let mut points: Vec<[f64; 3]> = (0..self.n)
                    .map(|_| {
                        let x1 = uniform(&mut rng, -1.0, 1.0);
                        let x2 = uniform(&mut rng, -1.0, 1.0);
                        [x1, x2, c1 * x1 + c2 * x2 + c0 + noise * normal(&mut rng)]
                    })
                    .collect();
                points.shuffle(&mut rng);
                let mut train = points.split_off(n_test);
                let mut test = points;
                let mut truth = [c1, c2, c0];
                if self.standardize {
                    // y = Σ cⱼ·(μⱼ + sⱼ·zⱼ) + c0 = Σ (cⱼ·sⱼ)·zⱼ + (c0 + Σ cⱼ·μⱼ).
                    let [(mu1, s1), (mu2, s2)] = standardize::<3, 2>(&mut train, &mut test);
                    truth = [c1 * s1, c2 * s2, c0 + c1 * mu1 + c2 * mu2];
                }
                Dataset::Regression2d { train, test, truth }
            }
        })
    }
}

/// A generated data set: its training and test points, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Dataset {
    /// `[x1, x2, label]` with label 0 or 1.
    Classification {
        /// Training points.
        train: Vec<[f64; 3]>,
        /// Held-out points.
        test: Vec<[f64; 3]>,
    },
    /// `[x, y]` points around the line `y = truth[0]·x + truth[1]`.
    Regression1d {
        /// Training points.
        train: Vec<[f64; 2]>,
        /// Held-out points.
        test: Vec<[f64; 2]>,
        /// The generating line `[slope, intercept]`.
        truth: [f64; 2],
    },
    /// `[x1, x2, y]` points around the plane `y = truth[0]·x1 + truth[1]·x2 + truth[2]`.
    Regression2d {
        /// Training points.
        train: Vec<[f64; 3]>,
        /// Held-out points.
        test: Vec<[f64; 3]>,
        /// The generating plane `[c1, c2, c0]`.
        truth: [f64; 3],
    },
}

impl Dataset {
    /// The shape of the points.
    pub fn kind(&self) -> DatasetKind {
        match self {
            Dataset::Classification { .. } => DatasetKind::Classification,
            Dataset::Regression1d { .. } => DatasetKind::Regression1d,
            Dataset::Regression2d { .. } => DatasetKind::Regression2d,
        }
    }

    /// Number of training points.
    pub fn train_len(&self) -> usize {
        match self {
            Dataset::Classification { train, .. } | Dataset::Regression2d { train, .. } => {
                train.len()
            }
            Dataset::Regression1d { train, .. } => train.len(),
        }
    }

    /// Number of test points.
    pub fn test_len(&self) -> usize {
        match self {
            Dataset::Classification { test, .. } | Dataset::Regression2d { test, .. } => test.len(),
            Dataset::Regression1d { test, .. } => test.len(),
        }
    }

    /// The splits as `[x, y]` points, for linear regression; `None` unless 1-D regression.
    pub fn points_1d(&self) -> Option<Split<'_, [f64; 2]>> {
        match self {
            Dataset::Regression1d { train, test, .. } => Some(Split { train, test }),
            _ => None,
        }
    }

    /// The splits as `[x1, x2, target]` points, for the MLP; `None` for 1-D regression.
    pub fn points_2d(&self) -> Option<Split<'_, [f64; 3]>> {
        match self {
            Dataset::Classification { train, test } | Dataset::Regression2d { train, test, .. } => {
                Some(Split { train, test })
            }
            Dataset::Regression1d { .. } => None,
        }
    }

    /// The generating coefficients of a regression set (`[a, b]` or `[c1, c2, c0]`, module doc),
    /// in the coordinates of the returned inputs; `None` for classification.
    pub fn truth(&self) -> Option<&[f64]> {
        match self {
            Dataset::Classification { .. } => None,
            Dataset::Regression1d { truth, .. } => Some(truth),
            Dataset::Regression2d { truth, .. } => Some(truth),
        }
    }
}

/// A data set's two splits, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split<'a, P> {
    /// The training points.
    pub train: &'a [P],
    /// The held-out points.
    pub test: &'a [P],
}

/// `U(lo, hi)` from one 53-bit uniform in `[0, 1)`.
fn uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// `+1` or `−1` with equal probability.
fn random_sign(rng: &mut Pcg64Mcg) -> f64 {
    if rng.random::<f64>() < 0.5 {
        -1.0
    } else {
        1.0
    }
}

/// `(sin 2πf, cos 2πf)` — an angle given in turns — from the four basic operations only.
///
/// `f64::sin` and `f64::cos` call the platform's maths library (glibc natively, a port of musl in
/// WebAssembly), whose results may differ in the last place; IEEE-754 `+`, `−`, `×`, `÷` are
/// exactly rounded everywhere, so this gives the same bits on every platform. The turn is reduced
/// to a quadrant `q` and a fraction `s ∈ [0, 1)` of it (scaling by 4 and subtracting the floor
/// are exact for `f ≥ 0`); the angle `(π/2)·s`, or its complement `(π/2)·(1 − s)` when
/// `s > ½`, lies in `[0, π/4]`, where the Taylor series below, to `x¹⁷` and `x¹⁸`, leave a
/// truncation error under `10⁻¹⁹`. Accurate to about 1 ulp.
fn sin_cos_turns(f: f64) -> (f64, f64) {
    const FRAC_PI_2: f64 = std::f64::consts::FRAC_PI_2;
    let quarters = 4.0 * f;
    let whole = quarters.floor();
    let s = quarters - whole;
    // Taylor series (Abramowitz & Stegun 4.3.65–66) in nested form:
    // sin x = x·(1 − x²/(2·3)·(1 − x²/(4·5)·(1 − …))), cos x = 1 − x²/(1·2)·(1 − x²/(3·4)·(…)).
    let taylor = |x: f64| {
        let x2 = x * x;
        let mut sin = 1.0;
        for k in (1..=8u32).rev() {
            sin = 1.0 - x2 / f64::from(2 * k * (2 * k + 1)) * sin;
        }
        let mut cos = 1.0;
        for k in (1..=9u32).rev() {
            cos = 1.0 - x2 / f64::from((2 * k - 1) * 2 * k) * cos;
        }
        (x * sin, cos)
    };
    // (sin, cos) of the angle y = (π/2)·s within the quadrant.
    let (sin_y, cos_y) = if s <= 0.5 {
        taylor(FRAC_PI_2 * s)
    } else {
        let (sin_z, cos_z) = taylor(FRAC_PI_2 * (1.0 - s));
        (cos_z, sin_z)
    };
    // Rotate by q quarter turns: sin(qπ/2 + y), cos(qπ/2 + y).
    match whole.rem_euclid(4.0) as u8 {
        0 => (sin_y, cos_y),
        1 => (cos_y, -sin_y),
        2 => (-sin_y, -cos_y),
        _ => (-cos_y, sin_y),
    }
}

/// One `N(0, 1)` draw.
fn normal(rng: &mut Pcg64Mcg) -> f64 {
    StandardNormal.sample(rng)
}

/// The noise-free inputs of one point of class `positive` (label 1) or not (module table).
fn classification_point(name: DatasetName, positive: bool, rng: &mut Pcg64Mcg) -> [f64; 2] {
    match name {
        DatasetName::Circle => {
            let r = if positive {
                uniform(rng, 0.0, 0.5)
            } else {
                uniform(rng, 0.7, 1.0)
            };
            // θ ~ U(0, 2π), as a turn.
            let (sin, cos) = sin_cos_turns(rng.random::<f64>());
            [r * sin, r * cos]
        }
        DatasetName::Xor => {
            let m1 = uniform(rng, 0.05, 1.0);
            let m2 = uniform(rng, 0.05, 1.0);
            let s1 = random_sign(rng);
            let s2 = if positive { s1 } else { -s1 };
            [s1 * m1, s2 * m2]
        }
        DatasetName::Gaussians => {
            let centre = if positive { 0.4 } else { -0.4 };
            [centre + 0.15 * normal(rng), centre + 0.15 * normal(rng)]
        }
        DatasetName::Spiral => {
            let u = rng.random::<f64>();
            // t = 3.5π·u (+ π), as 1.75·u (+ ½) turns.
            let (sin, cos) = sin_cos_turns(1.75 * u + if positive { 0.0 } else { 0.5 });
            [u * sin, u * cos]
        }
        DatasetName::Moons => {
            // t ~ U(0, π), as half a turn.
            let (sin, cos) = sin_cos_turns(0.5 * rng.random::<f64>());
            let (x, y) = if positive {
                (1.0 - cos, 1.0 - sin - 0.5)
            } else {
                (cos, sin)
            };
            [(x - 0.5) / 1.5, (y - 0.25) / 1.5]
        }
        // Regression sets never reach here; give the origin rather than panic.
        DatasetName::Linear | DatasetName::Plane => [0.0, 0.0],
    }
}

/// Standardises the first `K` coordinates (the inputs) of every point with the mean and population
/// standard deviation of `train` (a coordinate with zero spread is only shifted); returns `(μ, s)`
/// per coordinate, `s = 1` where the spread was zero.
fn standardize<const D: usize, const K: usize>(
    train: &mut [[f64; D]],
    test: &mut [[f64; D]],
) -> [(f64, f64); K] {
    let n = train.len() as f64;
    std::array::from_fn(|j| {
        let mean = train.iter().map(|p| p[j]).sum::<f64>() / n;
        let var = train.iter().map(|p| (p[j] - mean).powi(2)).sum::<f64>() / n;
        let sd = var.sqrt();
        let scale = if sd > 0.0 && sd.is_finite() { sd } else { 1.0 };
        for p in train.iter_mut().chain(test.iter_mut()) {
            p[j] = (p[j] - mean) / scale;
        }
        (mean, scale)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn spec(name: DatasetName, n: usize, noise: f64, seed: u64) -> DatasetSpec {
        DatasetSpec {
            n,
            noise: Some(noise),
            seed,
            ..DatasetSpec::new(name)
        }
    }

    /// Every point of a set, train then test, as `[x1, x2, target]` (1-D: `[x, 0, y]`).
    fn all_points(d: &Dataset) -> Vec<[f64; 3]> {
        match d.points_2d() {
            Some(Split { train, test }) => train.iter().chain(test).copied().collect(),
            None => {
                let Split { train, test } = d.points_1d().unwrap();
                train
                    .iter()
                    .chain(test)
                    .map(|p| [p[0], 0.0, p[1]])
                    .collect()
            }
        }
    }

    const CLASSIFICATION: [DatasetName; 5] = [
        DatasetName::Circle,
        DatasetName::Xor,
        DatasetName::Gaussians,
        DatasetName::Spiral,
        DatasetName::Moons,
    ];

    #[test]
    fn deterministic_per_seed_and_different_across_seeds() {
        for name in DatasetName::ALL {
            for noise in [0.0, 0.1] {
                let a = spec(name, 50, noise, 7).generate().unwrap();
                let b = spec(name, 50, noise, 7).generate().unwrap();
                let c = spec(name, 50, noise, 8).generate().unwrap();
                assert_eq!(a, b, "{name:?}");
                assert_ne!(a, c, "{name:?}");
            }
        }
    }

    /// Pinned values: a change in the generator (or in rand's value stability) shows up here.
    /// The same numbers must come out in WebAssembly (`Pcg64Mcg`, 53-bit uniforms and
    /// `StandardNormal` are value-stable across platforms).
    #[test]
    fn pinned_values() {
        let d = spec(DatasetName::Circle, 4, 0.0, 0).generate().unwrap();
        let expected = Dataset::Classification {
            train: vec![
                [0.45622082751564197, -0.5894547189934826, 0.0],
                [-0.14298973934119252, 0.08819042324451985, 1.0],
            ],
            test: vec![
                [0.0036483744787385447, -0.006509933325727479, 1.0],
                [-0.9082248794484247, -0.10764897944631652, 0.0],
            ],
        };
        assert_eq!(d, expected);
        let line = spec(DatasetName::Linear, 3, 0.1, 5).generate().unwrap();
        let expected = Dataset::Regression1d {
            train: vec![[-0.8288730778953111, -0.35716462065104093]],
            test: vec![
                [0.40596087964687855, 0.21752408021789651],
                [0.33543054191138233, 0.1274763967944524],
            ],
            truth: [0.31363941591446914, 0.08384830911615687],
        };
        assert_eq!(line, expected);
    }

    #[test]
    fn portable_sine_and_cosine() {
        assert_eq!(sin_cos_turns(0.0), (0.0, 1.0));
        assert_eq!(sin_cos_turns(0.25), (1.0, 0.0));
        assert_eq!(sin_cos_turns(0.5), (0.0, -1.0));
        assert_eq!(sin_cos_turns(0.75), (-1.0, 0.0));
        for k in 0..=20_000 {
            let f = f64::from(k) / 4000.0 - 0.5;
            let (s, c) = sin_cos_turns(f);
            // The reference's own argument is rounded (by up to an ulp of 2π, after reducing f).
            let t = 2.0 * PI * (f - f.floor());
            assert!(
                (s - libm::sin(t)).abs() <= 3e-15,
                "sin {f}: {s} vs {}",
                libm::sin(t)
            );
            assert!(
                (c - libm::cos(t)).abs() <= 3e-15,
                "cos {f}: {c} vs {}",
                libm::cos(t)
            );
        }
    }

    #[test]
    fn classes_are_balanced_and_labels_binary() {
        for name in CLASSIFICATION {
            for n in [1, 2, 7, 200, 201] {
                let d = spec(name, n, 0.3, 3).generate().unwrap();
                assert_eq!(d.kind(), DatasetKind::Classification);
                let pts = all_points(&d);
                assert_eq!(pts.len(), n);
                assert!(pts.iter().all(|p| p[2] == 0.0 || p[2] == 1.0));
                let ones = pts.iter().filter(|p| p[2] == 1.0).count();
                assert_eq!(ones, n.div_ceil(2), "{name:?} n={n}");
            }
        }
    }

    #[test]
    fn sizes_and_split() {
        for name in DatasetName::ALL {
            for (n, f, expected_test) in [
                (200, 0.5, 100),
                (10, 0.25, 3),
                (10, 0.0, 0),
                (1, 0.5, 0),
                (2, 0.9, 1),
                (3, 0.99, 2),
                (10_000, 0.3, 3000),
            ] {
                let s = DatasetSpec {
                    n,
                    test_fraction: f,
                    ..DatasetSpec::new(name)
                };
                let d = s.generate().unwrap();
                assert_eq!(d.test_len(), expected_test, "{name:?} n={n} f={f}");
                assert_eq!(d.train_len(), n - expected_test);
                assert!(d.train_len() >= 1);
                assert_eq!(s.test_count(), expected_test);
            }
        }
    }

    #[test]
    fn every_value_is_finite_and_in_about_the_unit_box() {
        for name in DatasetName::ALL {
            for noise in [0.0, 0.05, 1.0] {
                let d = spec(name, 500, noise, 11).generate().unwrap();
                for p in all_points(&d) {
                    assert!(p.iter().all(|v| v.is_finite()), "{name:?}");
                }
                if noise == 0.0 {
                    for p in all_points(&d) {
                        let bound = if name == DatasetName::Gaussians {
                            1.2
                        } else {
                            1.0 + 1e-12
                        };
                        assert!(p[0].abs() <= bound && p[1].abs() <= bound, "{name:?} {p:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn standardisation_uses_train_statistics() {
        for name in DatasetName::ALL {
            let s = DatasetSpec {
                n: 301,
                noise: Some(0.2),
                seed: 5,
                test_fraction: 0.3,
                standardize: true,
                name,
            };
            let d = s.generate().unwrap();
            let raw = DatasetSpec {
                standardize: false,
                ..s.clone()
            }
            .generate()
            .unwrap();
            let dims = if d.kind() == DatasetKind::Regression1d {
                1
            } else {
                2
            };
            let train: Vec<[f64; 3]> = all_points(&d)[..d.train_len()].to_vec();
            let raw_all = all_points(&raw);
            let raw_train = &raw_all[..raw.train_len()];
            for j in [0, 1].into_iter().take(dims) {
                let n = train.len() as f64;
                let mean = train.iter().map(|p| p[j]).sum::<f64>() / n;
                let var = train.iter().map(|p| (p[j] - mean).powi(2)).sum::<f64>() / n;
                assert!(mean.abs() < 1e-12, "{name:?} mean {mean}");
                assert!((var - 1.0).abs() < 1e-12, "{name:?} var {var}");
                // Test points use the same affine map as the training points.
                let raw_mean = raw_train.iter().map(|p| p[j]).sum::<f64>() / n;
                let raw_sd = (raw_train
                    .iter()
                    .map(|p| (p[j] - raw_mean).powi(2))
                    .sum::<f64>()
                    / n)
                    .sqrt();
                for (z, x) in all_points(&d).iter().zip(&raw_all) {
                    assert!((z[j] - (x[j] - raw_mean) / raw_sd).abs() < 1e-12);
                }
            }
            // Targets and labels are untouched.
            for (z, x) in all_points(&d).iter().zip(&raw_all) {
                assert_eq!(z[2], x[2]);
            }
        }
        // A single training point: shifted to 0, not divided by a zero spread.
        let one = DatasetSpec {
            n: 1,
            standardize: true,
            ..DatasetSpec::new(DatasetName::Xor)
        }
        .generate()
        .unwrap();
        let Split { train, .. } = one.points_2d().unwrap();
        assert_eq!(train[0][..2], [0.0, 0.0]);
    }

    #[test]
    fn noise_only_jitters_the_same_underlying_points() {
        let clean = spec(DatasetName::Spiral, 100, 0.0, 4).generate().unwrap();
        let a = all_points(&clean);
        let b = all_points(&spec(DatasetName::Spiral, 100, 0.01, 4).generate().unwrap());
        let c = all_points(&spec(DatasetName::Spiral, 100, 0.02, 4).generate().unwrap());
        for ((p, q), r) in a.iter().zip(&b).zip(&c) {
            assert_eq!(p[2], q[2]);
            for j in 0..2 {
                // Same direction, doubled length.
                assert!(((r[j] - p[j]) - 2.0 * (q[j] - p[j])).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn geometry_with_no_noise() {
        let n = 1000;
        let check = |name: DatasetName, rule: &dyn Fn(&[f64; 3]) -> bool, min_share: f64| {
            let pts = all_points(&spec(name, n, 0.0, 21).generate().unwrap());
            let ok = pts.iter().filter(|p| rule(p)).count();
            assert!(
                ok as f64 >= min_share * n as f64,
                "{name:?}: {ok} of {n} satisfy the rule"
            );
        };
        check(
            DatasetName::Circle,
            &|p| (libm::hypot(p[0], p[1]) < 0.6) == (p[2] == 1.0) && libm::hypot(p[0], p[1]) <= 1.0,
            1.0,
        );
        check(
            DatasetName::Xor,
            &|p| (p[0] * p[1] > 0.0) == (p[2] == 1.0) && p[0].abs().min(p[1].abs()) >= 0.05,
            1.0,
        );
        check(
            DatasetName::Gaussians,
            &|p| (p[0] + p[1] > 0.0) == (p[2] == 1.0),
            0.995,
        );
        // Moons: each point lies on its own (scaled) arc.
        check(
            DatasetName::Moons,
            &|p| {
                let (x, y) = (1.5 * p[0] + 0.5, 1.5 * p[1] + 0.25);
                let (cx, cy) = if p[2] == 1.0 { (1.0, 0.5) } else { (0.0, 0.0) };
                (libm::hypot(x - cx, y - cy) - 1.0).abs() < 1e-12
            },
            1.0,
        );
        // Spiral: r = u and the angle θ = 3.5π·r (+ π for label 0), modulo 2π.
        check(
            DatasetName::Spiral,
            &|p| {
                let r = libm::hypot(p[0], p[1]);
                let theta = libm::atan2(p[0], p[1]);
                let expected = 3.5 * PI * r + if p[2] == 1.0 { 0.0 } else { PI };
                let d = (theta - expected).rem_euclid(2.0 * PI);
                d.min(2.0 * PI - d) < 1e-9 || r < 1e-9
            },
            1.0,
        );
        // The interleaved sets are locally separable: nearest neighbours share the class.
        for name in [DatasetName::Moons, DatasetName::Spiral, DatasetName::Circle] {
            let pts = all_points(&spec(name, 600, 0.0, 2).generate().unwrap());
            let same = pts
                .iter()
                .enumerate()
                .filter(|(i, p)| {
                    let nearest = pts
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| j != i)
                        .min_by(|(_, a), (_, b)| {
                            let da = libm::hypot(a[0] - p[0], a[1] - p[1]);
                            let db = libm::hypot(b[0] - p[0], b[1] - p[1]);
                            da.total_cmp(&db)
                        })
                        .unwrap()
                        .1;
                    nearest[2] == p[2]
                })
                .count();
            assert!(same as f64 >= 0.97 * pts.len() as f64, "{name:?}: {same}");
        }
    }

    #[test]
    fn regression_sets_follow_their_truth() {
        for standardize in [false, true] {
            let line = DatasetSpec {
                noise: Some(0.0),
                standardize,
                seed: 9,
                ..DatasetSpec::new(DatasetName::Linear)
            }
            .generate()
            .unwrap();
            assert_eq!(line.kind(), DatasetKind::Regression1d);
            assert!(line.points_2d().is_none());
            let [a, b] = line.truth().unwrap() else {
                panic!("two coefficients")
            };
            if !standardize {
                assert!((0.25..=0.75).contains(&a.abs()) && b.abs() <= 0.25);
            }
            let Split { train, test } = line.points_1d().unwrap();
            for p in train.iter().chain(test) {
                assert!((a * p[0] + b - p[1]).abs() < 1e-12);
                if !standardize {
                    assert!(p[0].abs() <= 1.0 && p[1].abs() <= 1.0);
                }
            }
            let plane = DatasetSpec {
                noise: Some(0.0),
                standardize,
                seed: 9,
                ..DatasetSpec::new(DatasetName::Plane)
            }
            .generate()
            .unwrap();
            assert_eq!(plane.kind(), DatasetKind::Regression2d);
            assert!(plane.points_1d().is_none());
            let [c1, c2, c0] = plane.truth().unwrap() else {
                panic!("three coefficients")
            };
            let Split { train, test } = plane.points_2d().unwrap();
            for p in train.iter().chain(test) {
                assert!((c1 * p[0] + c2 * p[1] + c0 - p[2]).abs() < 1e-12);
            }
        }
        // Noise shows up as residual spread of about σ.
        let noisy = spec(DatasetName::Linear, 4000, 0.3, 1).generate().unwrap();
        let [a, b] = noisy.truth().unwrap() else {
            panic!()
        };
        let Split { train, test } = noisy.points_1d().unwrap();
        let pts: Vec<_> = train.iter().chain(test).collect();
        let var = pts
            .iter()
            .map(|p| (p[1] - a * p[0] - b).powi(2))
            .sum::<f64>()
            / pts.len() as f64;
        assert!((var.sqrt() - 0.3).abs() < 0.02, "{}", var.sqrt());
        assert!(Dataset::Classification {
            train: vec![],
            test: vec![]
        }
        .truth()
        .is_none());
    }

    #[test]
    fn validation_messages() {
        let good = DatasetSpec::new(DatasetName::Moons);
        assert!(good.validate().is_ok());
        let refuse = |edit: &dyn Fn(&mut DatasetSpec), expected: &str| {
            let mut s = good.clone();
            edit(&mut s);
            assert_eq!(s.validate().unwrap_err().to_string(), expected);
            assert_eq!(s.generate().unwrap_err().to_string(), expected);
        };
        refuse(
            &|s| s.n = 0,
            "n: 0 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)",
        );
        refuse(
            &|s| s.n = 10_001,
            "n: 10001 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)",
        );
        refuse(
            &|s| s.noise = Some(-0.1),
            "noise: -0.1 is out of range (accepted: 0 ≤ noise ≤ 1)",
        );
        refuse(
            &|s| s.noise = Some(f64::NAN),
            "noise: NaN is out of range (accepted: 0 ≤ noise ≤ 1)",
        );
        refuse(
            &|s| s.test_fraction = 1.0,
            "test_fraction: 1 is out of range (accepted: 0 ≤ test_fraction < 1)",
        );
        refuse(
            &|s| s.test_fraction = -0.5,
            "test_fraction: -0.5 is out of range (accepted: 0 ≤ test_fraction < 1)",
        );
    }

    #[test]
    fn serde_defaults_round_trip_and_unknown_fields() {
        let s: DatasetSpec = serde_json::from_str(r#"{"name":"circle"}"#).unwrap();
        assert_eq!(s, DatasetSpec::new(DatasetName::Circle));
        assert_eq!(
            (
                s.n,
                s.noise,
                s.noise_level(),
                s.seed,
                s.test_fraction,
                s.standardize
            ),
            (200, None, 0.05, 0, 0.5, false)
        );
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"name":"circle"}"#);
        let full = r#"{"name":"three","n":50}"#;
        assert!(serde_json::from_str::<DatasetSpec>(full).is_err());
        let json = r#"{"name":"linear","n":50,"noise":0.2,"seed":4,"test_fraction":0.25,"standardize":true}"#;
        let s: DatasetSpec = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), json);
        assert_eq!(DatasetSpec::new(DatasetName::Plane).noise_level(), 0.1);
        assert!(serde_json::from_str::<DatasetSpec>(r#"{"name":"xor","size":3}"#).is_err());
        for name in DatasetName::ALL {
            let text = serde_json::to_string(&name).unwrap();
            assert_eq!(text, format!("\"{}\"", name.as_str()));
            assert_eq!(serde_json::from_str::<DatasetName>(&text).unwrap(), name);
        }
    }
}
