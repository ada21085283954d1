//! The draws every data set is made of: uniforms, signs, normals, the portable sine and cosine
//! its angles go through, each classification set's point, and standardisation.

use super::DatasetName;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

/// `U(lo, hi)` from one 53-bit uniform in `[0, 1)`.
pub(super) fn uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// `+1` or `−1` with equal probability.
pub(super) fn random_sign(rng: &mut Pcg64Mcg) -> f64 {
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
pub(super) fn sin_cos_turns(f: f64) -> (f64, f64) {
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
pub(super) fn normal(rng: &mut Pcg64Mcg) -> f64 {
    StandardNormal.sample(rng)
}

/// The noise-free inputs of one point of class `label` out of `classes` (module table; "Many
/// classes" for `classes > 2`).
pub(super) fn classification_point(
    name: DatasetName,
    label: usize,
    classes: usize,
    rng: &mut Pcg64Mcg,
) -> [f64; 2] {
    let positive = label == 1;
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
        DatasetName::Gaussians if classes > 2 => {
            // Centre c at radius 0.6, angle c/k turns: (0.6·sin, 0.6·cos).
            let (sin, cos) = sin_cos_turns(label as f64 / classes as f64);
            [
                0.6 * sin + 0.15 * normal(rng),
                0.6 * cos + 0.15 * normal(rng),
            ]
        }
        DatasetName::Gaussians => {
            let centre = if positive { 0.4 } else { -0.4 };
            [centre + 0.15 * normal(rng), centre + 0.15 * normal(rng)]
        }
        DatasetName::Spiral => {
            let u = rng.random::<f64>();
            // t = 2π·(3.5/k)·u + 2π·(k − 1 − label)/k, as (3.5/k)·u + (k − 1 − label)/k turns:
            // for two classes 1.75·u + 0 (label 1) or + ½ (label 0), as Playground.
            let k = classes.max(1) as f64;
            let arm = (classes.saturating_sub(1 + label)) as f64 / k;
            let (sin, cos) = sin_cos_turns(3.5 / k * u + arm);
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
pub(super) fn standardize<const D: usize, const K: usize>(
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
