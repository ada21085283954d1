//! Seeded toy data sets: five 2-D classification sets and two regression sets, each with a noise
//! level, a seeded train/test split and optional standardisation.
//!
//! The classification sets follow TensorFlow Playground's `dataset.ts` (circle, xor, two gaussians,
//! spiral) and scikit-learn's `make_moons`, rescaled so that the inputs lie in about `[−1, 1]²`
//! (Playground draws in `[−6, 6]²` with a data radius of 5; dividing by 5 maps it to the unit
//! box). Labels are `0` or `1`; point `i` (in generation order) has label `1` when `i` is even,
//! so the classes are balanced — equal counts, or one more `1` when `n` is odd. Gaussians and
//! spiral also come in `k` classes (see "Many classes").
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
//! # Many classes
//!
//! With `classes = k` (`2 ≤ k ≤ 8`; gaussians and spiral only), point `i` has label
//! `k − 1 − (i mod k)` — for `k = 2` the rule above, so two classes give the very same points
//! — and the classes are balanced to within one point.
//!
//! * `gaussians` — for `k > 2`, class `c` is `N(0.6·(sin 2πc/k, cos 2πc/k), 0.15²·I)`: `k`
//!   blobs evenly around a circle of radius 0.6, class 0 at the top (for `k = 2`, the two blobs
//!   above).
//! * `spiral` — class `c` is an arm `u ~ U(0, 1)`, `r = u`, `θ = (7π/k)·u + 2π·(k − 1 − c)/k`:
//!   `k` interleaved arms, each turned by `1/k` of a turn from the next and winding `3.5/k`
//!   turns (for `k = 2` the two arms above), so neighbouring arms are 1/3.5 ≈ 0.29 apart
//!   radially for every `k`, as the two arms are.
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
//! "standardize":false,"classes":2}`; every field but `name` is optional, and fields at their default are
//! left out when serialising.

mod draw;
#[cfg(test)]
mod tests;

use crate::read::{Problem, Range, Refusal};
use draw::{classification_point, normal, random_sign, standardize, uniform};
use rand::seq::SliceRandom;
use rand::SeedableRng;
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

/// Most classes a classification set (and a `ce` network) takes.
pub const MAX_CLASSES: usize = 8;

/// The number of classes when the spec gives none.
pub const DEFAULT_CLASSES: usize = 2;

crate::read::fields::read_by_name!(DatasetName);

/// What the registry knows of a data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DatasetInfo {
    /// The scenario name (`"gaussians"`): the serde name of its [`DatasetName`].
    pub name: &'static str,
    /// The name shown to people (`"Two Gaussians"`).
    pub title: &'static str,
    /// What its points are.
    pub kind: DatasetKind,
    /// The most classes it can be drawn with: [`MAX_CLASSES`] for the sets with a `k`-class
    /// form (gaussians, spiral), 2 for the other classification sets, 0 for regression.
    pub max_classes: usize,
}

/// Declares the data sets from one list, one line each —
/// `Variant => ("name", "Title", Kind, max_classes),` — and generates [`DatasetName`] (variant names in snake
/// case are the scenario names; a test checks they are the listed names), [`DatasetName::ALL`]
/// and [`DatasetName::info`]. Adding a data set: add its line, its points in
/// [`DatasetSpec::generate`] (a classification set's in `draw::classification_point`), and its
/// tests.
macro_rules! datasets {
    ($( $(#[$doc:meta])* $variant:ident => ($name:literal, $title:literal, $kind:ident, $classes:expr), )*) => {
        /// Which data set to generate (see the module doc for each one's geometry).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum DatasetName {
            $( $(#[$doc])* $variant, )*
        }

        impl DatasetName {
            /// Every data set, in the order of the list (classification first).
            pub const ALL: &'static [DatasetName] = &[ $( DatasetName::$variant, )* ];

            /// What the registry knows of this data set.
            pub const fn info(self) -> &'static DatasetInfo {
                match self {
                    $( DatasetName::$variant => &DatasetInfo {
                        name: $name,
                        title: $title,
                        kind: DatasetKind::$kind,
                        max_classes: $classes,
                    }, )*
                }
            }
        }
    };
}

datasets! {
    /// Inner disc (label 1) against an outer ring (label 0).
    Circle => ("circle", "Circle", Classification, 2),
    /// Label 1 where `x1·x2 > 0`.
    Xor => ("xor", "XOR", Classification, 2),
    /// Gaussian blobs: two centred at `±(0.4, 0.4)`, or `k` on a circle.
    Gaussians => ("gaussians", "Gaussians", Classification, MAX_CLASSES),
    /// Interleaved spiral arms: two, or `k`.
    Spiral => ("spiral", "Spiral", Classification, MAX_CLASSES),
    /// scikit-learn's two interleaving half circles.
    Moons => ("moons", "Moons", Classification, 2),
    /// 1-D regression points `(x, y)` around a line.
    Linear => ("linear", "Line (regression)", Regression1d, 0),
    /// 2-D regression: a target linear in `(x1, x2)`.
    Plane => ("plane", "Plane (regression)", Regression2d, 0),
}

impl DatasetName {
    /// The scenario name, e.g. `"circle"`.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// What the set's points are.
    pub fn kind(self) -> DatasetKind {
        self.info().kind
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// `[x1, x2, label]`, label `0, …, k − 1`.
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
    /// Number of classes `k` of a classification set (`2 ≤ k ≤ 8` for gaussians and spiral, 2
    /// for the others; default 2, which leaves the data as they were before `k` was a field).
    #[serde(skip_serializing_if = "is_default_classes")]
    pub classes: usize,
}

fn is_default_classes(k: &usize) -> bool {
    *k == DEFAULT_CLASSES
}

crate::read::fields::read_fields!(DatasetSpec (DatasetSpec::new(DatasetName::Circle)) {
    name: Read required,
    n: Usize,
    noise: OptF64,
    seed: U64,
    test_fraction: F64,
    standardize: Bool,
    classes: Usize,
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
            classes: DEFAULT_CLASSES,
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
        )?;
        let most = self.name.info().max_classes.max(DEFAULT_CLASSES);
        if self.classes != DEFAULT_CLASSES && most == DEFAULT_CLASSES {
            let sentence = crate::read::Unfit::TwoClassSet {
                name: self.name.as_str(),
                most: MAX_CLASSES,
            };
            return Err(Refusal::at("classes", Problem::unfit(sentence)));
        }
        check(
            "classes",
            self.classes as f64,
            Range::closed(DEFAULT_CLASSES as f64, most as f64).whole(),
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
                let k = self.classes;
                let mut points: Vec<[f64; 3]> = (0..self.n)
                    .map(|i| {
                        // k − 1 − (i mod k): for two classes, label 1 on even i (as always).
                        let label = k - 1 - i % k;
                        let [x1, x2] = classification_point(self.name, label, k, &mut rng);
                        let (e1, e2) = (normal(&mut rng), normal(&mut rng));
                        [x1 + noise * e1, x2 + noise * e2, label as f64]
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
    /// `[x1, x2, label]` with label `0, …, k − 1` (0 or 1 for two classes).
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
