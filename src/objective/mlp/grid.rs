//! The drawing path of [`Mlp::predict_grid`]: four points at a time in `f32` lanes — a
//! WebAssembly SIMD vector (`v128`) in the browser, a plain array natively, with the same IEEE
//! operations, so the native tests check the very numbers the page draws.
//!
//! The lanes are written here rather than taken from the `wide` crate (already in the tree
//! through nalgebra), measured A/B in one browser session: `wide` picks its WebAssembly
//! implementation only when the whole build enables `simd128`, and under the web profile's
//! `opt-level = "z"` its `splat` became a store-and-reload loop, in `tanh` once per coefficient
//! — the 2-8-8-1 boundary on 200 × 200 took 24.5 ms instead of 6.4 ms (3.8×), for 229 bytes
//! more gzipped. Its `min`/`max` also choose the other lane on a NaN, where WebAssembly's
//! `pmin`/`pmax` used here keep it, as the plain-array twin does natively.

#[cfg(target_arch = "wasm32")]
use core::arch::wasm32::{
    f32x4, f32x4_add, f32x4_div, f32x4_extract_lane, f32x4_mul, f32x4_pmax, f32x4_pmin,
    f32x4_splat, v128,
};

use super::{Activation, Mlp, MlpLoss, MAX_HIDDEN_UNITS};

impl Mlp {
    /// The prediction on the grid `xs × ys`, for a heat map (the decision boundary, redrawn every
    /// frame): `out[j·xs.len() + i]` is the prediction at `(xs[i], ys[j])`, one row per `y`.
    ///
    /// This is the drawing path: it computes in `f32`, four points at a time (one WebAssembly
    /// SIMD vector in the browser), with `tanh` as a rational function: a classifier's
    /// probabilities within about 1e-6 of [`Mlp::predict`], any output within 1e-3 relative even
    /// for six wide layers of large weights — far below one step of a 256-colour map — and
    /// several times faster. Loss, gradients, accuracy and [`Mlp::predict`] keep the exact path.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or `out.len() != xs.len() · ys.len()`.
    pub fn predict_grid(&self, params: &[f64], xs: &[f64], ys: &[f64], out: &mut [f64]) {
        assert_eq!(
            out.len(),
            xs.len() * ys.len(),
            "predict_grid: out must have xs.len() · ys.len() entries"
        );
        if xs.is_empty() {
            return;
        }
        if self.spec.loss == MlpLoss::Ce {
            self.predict_grid_classes(params, xs, ys, &mut [], out);
            return;
        }
        self.check_params(params);
        self.with_workspace(|ws| {
            splat_weights(params, &mut ws.lanes);
            let kernel = Kernel {
                layers: &self.spec.layers,
                activations: &self.activations,
                probability: self.spec.loss == MlpLoss::Bce,
                weights: &ws.lanes,
            };
            // A row at a time, eight points per call (the last block of a row padded by
            // repeating its last point).
            for (row, &y) in out.chunks_mut(xs.len()).zip(ys) {
                for (out, x) in row.chunks_mut(8).zip(xs.chunks(8)) {
                    let lanes: [f32; 8] = std::array::from_fn(|k| x[k.min(x.len() - 1)] as f32);
                    let values = kernel.run(lanes, y as f32);
                    for (o, v) in out.iter_mut().zip(values) {
                        *o = f64::from(v);
                    }
                }
            }
        });
    }
}

impl Mlp {
    /// For a `ce` network, the most probable class at each point of the grid `xs × ys` into
    /// `classes` (when it is not empty) and that class's softmax probability into `out`, laid out
    /// as [`Mlp::predict_grid`]'s; for the other losses, class `1` where
    /// [`Mlp::predict_grid`]'s output exceeds ½ (else `0`) and that output.
    ///
    /// The drawing path, as [`Mlp::predict_grid`]: the logits in `f32` lanes, then the softmax
    /// `1 / Σⱼ e^(zⱼ − m)` of the largest logit `m` in `f32` (the first of equal logits wins).
    ///
    /// # Panics
    /// If `params.len() != self.dim()`, `out.len() != xs.len() · ys.len()`, or `classes` is
    /// neither empty nor as long as `out`.
    pub fn predict_grid_classes(
        &self,
        params: &[f64],
        xs: &[f64],
        ys: &[f64],
        classes: &mut [u8],
        out: &mut [f64],
    ) {
        assert_eq!(
            out.len(),
            xs.len() * ys.len(),
            "predict_grid_classes: out must have xs.len() · ys.len() entries"
        );
        assert!(
            classes.is_empty() || classes.len() == out.len(),
            "predict_grid_classes: classes must be empty or as long as out"
        );
        if xs.is_empty() {
            return;
        }
        if self.spec.loss != MlpLoss::Ce {
            self.predict_grid(params, xs, ys, out);
            for (c, v) in classes.iter_mut().zip(out.iter()) {
                *c = u8::from(*v > 0.5);
            }
            return;
        }
        self.check_params(params);
        let outputs = self.outputs();
        self.with_workspace(|ws| {
            splat_weights(params, &mut ws.lanes);
            let kernel = Kernel {
                layers: &self.spec.layers,
                activations: &self.activations,
                probability: false,
                weights: &ws.lanes,
            };
            let width = xs.len();
            for (j, &y) in ys.iter().enumerate() {
                for (b, x) in xs.chunks(8).enumerate() {
                    let lanes: [f32; 8] = std::array::from_fn(|k| x[k.min(x.len() - 1)] as f32);
                    let z = kernel.logits(lanes, y as f32);
                    let mut rows = [[0.0f32; 8]; MAX_HIDDEN_UNITS];
                    for (row, pair) in rows.iter_mut().zip(&z[..outputs]) {
                        let (lo, hi) = (pair[0].to_array(), pair[1].to_array());
                        *row = [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]];
                    }
                    let rows = &rows[..outputs];
                    for k in 0..x.len() {
                        let mut best = 0;
                        for (c, row) in rows.iter().enumerate() {
                            if row[k] > rows[best][k] {
                                best = c;
                            }
                        }
                        let m = rows[best][k];
                        let sum: f32 = rows.iter().map(|row| libm::expf(row[k] - m)).sum();
                        let at = j * width + b * 8 + k;
                        out[at] = f64::from(1.0 / sum);
                        if let Some(c) = classes.get_mut(at) {
                            *c = best as u8;
                        }
                    }
                }
            }
        });
    }
}

/// Four `f32` lanes.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, Debug)]
pub(super) struct F4(v128);

/// Four `f32` lanes.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug)]
pub(super) struct F4([f32; 4]);

#[cfg(target_arch = "wasm32")]
impl F4 {
    #[inline]
    #[target_feature(enable = "simd128")]
    fn splat(v: f32) -> F4 {
        F4(f32x4_splat(v))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn new(a: [f32; 4]) -> F4 {
        F4(f32x4(a[0], a[1], a[2], a[3]))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn to_array(self) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(self.0),
            f32x4_extract_lane::<1>(self.0),
            f32x4_extract_lane::<2>(self.0),
            f32x4_extract_lane::<3>(self.0),
        ]
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn add(self, o: F4) -> F4 {
        F4(f32x4_add(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn mul(self, o: F4) -> F4 {
        F4(f32x4_mul(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn div(self, o: F4) -> F4 {
        F4(f32x4_div(self.0, o.0))
    }
    /// `o < self ? o : self` per lane (wasm's `pmin`).
    #[inline]
    #[target_feature(enable = "simd128")]
    fn pmin(self, o: F4) -> F4 {
        F4(f32x4_pmin(self.0, o.0))
    }
    /// `self < o ? o : self` per lane (wasm's `pmax`).
    #[inline]
    #[target_feature(enable = "simd128")]
    fn pmax(self, o: F4) -> F4 {
        F4(f32x4_pmax(self.0, o.0))
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl F4 {
    #[inline]
    fn splat(v: f32) -> F4 {
        F4([v; 4])
    }
    #[inline]
    fn new(a: [f32; 4]) -> F4 {
        F4(a)
    }
    #[inline]
    fn to_array(self) -> [f32; 4] {
        self.0
    }
    #[inline]
    fn zip(self, o: F4, f: impl Fn(f32, f32) -> f32) -> F4 {
        F4([
            f(self.0[0], o.0[0]),
            f(self.0[1], o.0[1]),
            f(self.0[2], o.0[2]),
            f(self.0[3], o.0[3]),
        ])
    }
    #[inline]
    fn add(self, o: F4) -> F4 {
        self.zip(o, |a, b| a + b)
    }
    #[inline]
    fn mul(self, o: F4) -> F4 {
        self.zip(o, |a, b| a * b)
    }
    #[inline]
    fn div(self, o: F4) -> F4 {
        self.zip(o, |a, b| a / b)
    }
    #[inline]
    fn pmin(self, o: F4) -> F4 {
        self.zip(o, |a, b| if b < a { b } else { a })
    }
    #[inline]
    fn pmax(self, o: F4) -> F4 {
        self.zip(o, |a, b| if a < b { b } else { a })
    }
}

/// `tanh x` to within 2 ulp of `f32` (Eigen's rational minimax, `x·P(x²)/Q(x²)` on
/// `|x| ≤ 7.9`, where `tanh` has reached 1 in `f32`); NaN stays NaN.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn tanh(x: F4) -> F4 {
    const CLAMP: f32 = 7.905_311;
    // The published coefficients, kept digit for digit.
    #[allow(clippy::excessive_precision)]
    const ALPHA: [f32; 7] = [
        -2.760_768_5e-16,
        2.000_187_9e-13,
        -8.604_671_5e-11,
        5.122_297e-8,
        1.485_722_4e-5,
        6.372_619_3e-4,
        4.893_524_6e-3,
    ];
    const BETA: [f32; 4] = [1.198_258_4e-6, 1.185_347_1e-4, 2.268_434_6e-3, 4.893_525e-3];
    let x = x.pmax(F4::splat(-CLAMP)).pmin(F4::splat(CLAMP));
    let x2 = x.mul(x);
    let mut p = F4::splat(ALPHA[0]);
    for a in &ALPHA[1..] {
        p = p.mul(x2).add(F4::splat(*a));
    }
    let mut q = F4::splat(BETA[0]);
    for b in &BETA[1..] {
        q = q.mul(x2).add(F4::splat(*b));
    }
    x.mul(p).div(q)
}

/// `1 / (1 + e^(−z)) = ½ + ½·tanh(z/2)`.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn logistic(z: F4) -> F4 {
    let half = F4::splat(0.5);
    half.add(half.mul(tanh(half.mul(z))))
}

/// Each layer's `W` (row-major `[out][in]`) then `b` — the parameters in order — as splatted
/// `f32` lanes, into `out`.
fn splat_weights(params: &[f64], out: &mut Vec<F4>) {
    out.clear();
    out.extend(params.iter().map(|&w| F4::splat(w as f32)));
}

/// One network, ready to run on blocks of four points.
struct Kernel<'a> {
    layers: &'a [usize],
    /// The nonlinearity of each hidden layer.
    activations: &'a [Activation],
    /// Output `s(z)` (a classifier's probability) instead of `z`.
    probability: bool,
    /// [`splat_weights`] of the parameters.
    weights: &'a [F4],
}

impl Kernel<'_> {
    /// The network's outputs at the eight points `(x[k], y)`: two vectors of four lanes,
    /// side by side (each weight loaded once for both, two independent chains).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn run(&self, x: [f32; 8], y: f32) -> [f32; 8] {
        let z = self.logits(x, y);
        let mut out = z[0];
        if self.probability {
            out[0] = logistic(out[0]);
            out[1] = logistic(out[1]);
        }
        let (lo, hi) = (out[0].to_array(), out[1].to_array());
        [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]]
    }

    /// The last layer's outputs at the eight points `(x[k], y)`, unit by unit (the first
    /// `layers.last()` entries), each as two vectors of four lanes.
    #[inline]
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn logits(&self, x: [f32; 8], y: f32) -> [[F4; 2]; MAX_HIDDEN_UNITS] {
        let zero = F4::splat(0.0);
        let mut a = [[zero; 2]; MAX_HIDDEN_UNITS];
        let mut z = [[zero; 2]; MAX_HIDDEN_UNITS];
        a[0] = [
            F4::new([x[0], x[1], x[2], x[3]]),
            F4::new([x[4], x[5], x[6], x[7]]),
        ];
        a[1] = [F4::splat(y); 2];
        let last = self.layers.len() - 2;
        let mut offset = 0;
        for l in 0..=last {
            let (n_in, n_out) = (self.layers[l], self.layers[l + 1]);
            let w = &self.weights[offset..offset + n_in * n_out];
            let b = &self.weights[offset + n_in * n_out..offset + n_in * n_out + n_out];
            offset += n_in * n_out + n_out;
            for ((zo, row), &bo) in z.iter_mut().zip(w.chunks_exact(n_in)).zip(b) {
                let (mut acc0, mut acc1) = (bo, bo);
                for (&wi, ai) in row.iter().zip(&a[..n_in]) {
                    acc0 = acc0.add(wi.mul(ai[0]));
                    acc1 = acc1.add(wi.mul(ai[1]));
                }
                *zo = [acc0, acc1];
            }
            if l < last {
                let activation = self.activations[l];
                // Plain loops (a closure here would be a call per vector in wasm).
                for (ao, zo) in a.iter_mut().zip(&z[..n_out]) {
                    for (av, &zv) in ao.iter_mut().zip(zo) {
                        *av = match activation {
                            Activation::Tanh => tanh(zv),
                            Activation::Relu => zv.pmax(zero),
                            Activation::Sigmoid => logistic(zv),
                            Activation::Linear => zv,
                        };
                    }
                }
            }
        }
        z
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::objective::mlp::test_support::{random_spec, ACTIVATIONS, LOSSES};
    use crate::objective::mlp::{Activation, Mlp, MlpLoss};

    #[test]
    fn predictions_accuracy_and_grid() {
        let f = Mlp::new(
            random_spec(&[2, 5, 1], Activation::Tanh, MlpLoss::Bce, 40, 0.0, 9),
            0,
        )
        .unwrap();
        let p = f.initial_params();
        let xs = [-1.0, -0.25, 0.5];
        let ys = [0.75, 0.0];
        let mut grid = [0.0; 6];
        f.predict_grid(&p, &xs, &ys, &mut grid);
        for (j, &y) in ys.iter().enumerate() {
            for (i, &x) in xs.iter().enumerate() {
                let mut one = [0.0];
                f.predict(&p, &[[x, y]], &mut one);
                // The grid is the drawing path (f32): within 1e-4 of the exact prediction.
                assert!((grid[j * xs.len() + i] - one[0]).abs() <= 1e-4);
                assert!((0.0..=1.0).contains(&one[0]));
            }
        }
        // Accuracy agrees with thresholding predicted probabilities at 0.5.
        let pts: Vec<[f64; 2]> = f.train_points().iter().map(|q| [q[0], q[1]]).collect();
        let mut probs = vec![0.0; pts.len()];
        f.predict(&p, &pts, &mut probs);
        let all: Vec<usize> = (0..pts.len()).collect();
        let correct = probs
            .iter()
            .zip(f.train_points())
            .filter(|(prob, q)| (**prob > 0.5) == (q[2] == 1.0))
            .count();
        assert_eq!(f.accuracy(&p, &all), correct as f64 / pts.len() as f64);
        assert!(f.accuracy(&p, &[]).is_nan());
        // Large inputs spanning several chunks.
        let many: Vec<f64> = (0..700).map(|k| f64::from(k) / 350.0 - 1.0).collect();
        let mut big = vec![0.0; many.len() * 2];
        f.predict_grid(&p, &many, &[0.1, -0.3], &mut big);
        let mut one = [0.0];
        f.predict(&p, &[[many[650], -0.3]], &mut one);
        assert!((big[many.len() + 650] - one[0]).abs() <= 1e-4);
    }

    /// The drawing path (`f32`, four points at a time, rational `tanh`) stays within 1e-3
    /// (relative) of the exact prediction for every activation and loss, deep and wide networks
    /// and large weights — within 1e-5 for the probabilities of small classifiers — and fills
    /// every entry of a grid whose size is not a multiple of four.
    #[test]
    fn grid_drawing_path_is_close_to_the_exact_prediction() {
        let architectures: [&[usize]; 4] = [
            &[2, 1],
            &[2, 8, 8, 1],
            &[2, 3, 5, 1],
            &[2, 16, 16, 16, 16, 16, 16, 1],
        ];
        let mut worst: f64 = 0.0;
        for (a, layers) in architectures.iter().enumerate() {
            for activation in ACTIVATIONS {
                for loss in LOSSES {
                    for scale in [1.0, 3.0] {
                        let f = Mlp::new(
                            random_spec(layers, activation, loss, 10, 0.0, 7 + a as u64),
                            0,
                        )
                        .unwrap();
                        let p: Vec<f64> = f.initial_params().iter().map(|v| scale * v).collect();
                        let xs: Vec<f64> = (0..23).map(|i| -1.5 + 0.13 * f64::from(i)).collect();
                        let ys: Vec<f64> = (0..7).map(|j| 1.2 - 0.4 * f64::from(j)).collect();
                        let mut grid = vec![f64::NAN; xs.len() * ys.len()];
                        f.predict_grid(&p, &xs, &ys, &mut grid);
                        for (j, &y) in ys.iter().enumerate() {
                            for (i, &x) in xs.iter().enumerate() {
                                let mut one = [0.0];
                                f.predict(&p, &[[x, y]], &mut one);
                                let got = grid[j * xs.len() + i];
                                let error = (got - one[0]).abs() / (1.0 + one[0].abs());
                                worst = worst.max(error);
                                let bound = if loss == MlpLoss::Bce && layers.len() <= 4 {
                                    1e-5
                                } else {
                                    1e-3
                                };
                                assert!(
                                    error <= bound,
                                    "{layers:?} {activation:?} {loss:?} ×{scale}: {got} vs {}",
                                    one[0]
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(worst > 0.0, "the drawing path is the f32 one");
    }
}
