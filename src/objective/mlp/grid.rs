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

use super::{Activation, Mlp, MlpLoss, Workspace, MAX_HIDDEN_UNITS};

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
        let probability = self.spec.loss == MlpLoss::Bce;
        self.with_workspace(|ws| {
            let (kernel, scratch) = Kernel::prepare(self, params, xs, ws);
            // A row at a time, [`BLOCK`] vectors of four points per pass.
            for (row, &y) in out.chunks_mut(xs.len()).zip(ys) {
                for (b, out) in row.chunks_mut(4 * BLOCK).enumerate() {
                    let values = kernel.block(b, y as f32, probability, scratch);
                    for (out, v) in out.chunks_mut(4).zip(values) {
                        for (o, v) in out.iter_mut().zip(v.to_array()) {
                            *o = f64::from(v);
                        }
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
            let (kernel, scratch) = Kernel::prepare(self, params, xs, ws);
            let width = xs.len();
            let mut rows = [[0.0f32; 4]; MAX_HIDDEN_UNITS];
            for (j, &y) in ys.iter().enumerate() {
                for (b, x) in xs.chunks(4 * BLOCK).enumerate() {
                    let vectors = x.len().div_ceil(4);
                    let z = kernel.block(b, y as f32, false, scratch);
                    for (v, x) in x.chunks(4).enumerate() {
                        for (row, unit) in rows.iter_mut().zip(z.chunks_exact(vectors)) {
                            *row = unit[v].to_array();
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
                            let at = j * width + b * 4 * BLOCK + v * 4 + k;
                            out[at] = f64::from(1.0 / sum);
                            if let Some(c) = classes.get_mut(at) {
                                *c = best as u8;
                            }
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

/// `tanh x` of each of `values`, in place, to within 2 ulp of `f32` (Eigen's rational minimax,
/// `x·P(x²)/Q(x²)` on `|x| ≤ 7.9`, where `tanh` has reached 1 in `f32`); NaN stays NaN.
///
/// A whole layer per call, with Horner written out: under the web profile's `opt-level = "z"`
/// a `tanh` of one vector stayed a call per vector (its argument and result through memory),
/// and a loop over the coefficients a loop (a splat from memory per coefficient).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn tanh_each(values: &mut [F4]) {
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
    // Written out: a closure (as `map`'s) has no `simd128` of its own, and its splat would be
    // a call.
    let c = [
        F4::splat(ALPHA[0]),
        F4::splat(ALPHA[1]),
        F4::splat(ALPHA[2]),
        F4::splat(ALPHA[3]),
        F4::splat(ALPHA[4]),
        F4::splat(ALPHA[5]),
        F4::splat(ALPHA[6]),
    ];
    let d = [
        F4::splat(BETA[0]),
        F4::splat(BETA[1]),
        F4::splat(BETA[2]),
        F4::splat(BETA[3]),
    ];
    let (low, high) = (F4::splat(-CLAMP), F4::splat(CLAMP));
    for v in values {
        let x = v.pmax(low).pmin(high);
        let x2 = x.mul(x);
        let p = c[0].mul(x2).add(c[1]).mul(x2).add(c[2]).mul(x2).add(c[3]);
        let p = p.mul(x2).add(c[4]).mul(x2).add(c[5]).mul(x2).add(c[6]);
        let q = d[0].mul(x2).add(d[1]).mul(x2).add(d[2]).mul(x2).add(d[3]);
        *v = x.mul(p).div(q);
    }
}

/// `σ` of each vector of `values`, in place; the logistic as
/// `σ(z) = 1 / (1 + e^(−z)) = ½ + ½·tanh(z/2)`.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn activate(activation: Activation, values: &mut [F4]) {
    let half = F4::splat(0.5);
    match activation {
        Activation::Tanh => tanh_each(values),
        Activation::Sigmoid => {
            for v in values.iter_mut() {
                *v = half.mul(*v);
            }
            tanh_each(values);
            for v in values.iter_mut() {
                *v = half.add(half.mul(*v));
            }
        }
        Activation::Relu => {
            let zero = F4::splat(0.0);
            for v in values.iter_mut() {
                *v = v.pmax(zero);
            }
        }
        Activation::Linear => {}
    }
}

/// Vectors of four points a pass of the drawing path runs through the network layer by layer:
/// a layer's loops run over all of them with its weights and the `tanh` constants in
/// registers, and its values, at most [`MAX_HIDDEN_UNITS`] rows of `BLOCK` vectors, stay in
/// the first level of cache (8 KiB a layer).
const BLOCK: usize = 32;

/// One network, ready to run on rows of points.
struct Kernel<'a> {
    layers: &'a [usize],
    /// The nonlinearity of each hidden layer.
    activations: &'a [Activation],
    /// Each layer's `W` (row-major `[out][in]`) then `b` — the parameters in order — as
    /// splatted `f32` lanes.
    weights: &'a [F4],
    /// The grid's `x`s, four a vector, the last padded by repeating the last `x` (the same for
    /// every row).
    xs: &'a [F4],
}

impl<'a> Kernel<'a> {
    /// The kernel of `mlp` at `params` on a grid of columns `xs`, its weights and `xs` in the
    /// workspace, and the scratch [`Kernel::block`] runs in.
    fn prepare(
        mlp: &'a Mlp,
        params: &[f64],
        xs: &[f64],
        ws: &'a mut Workspace,
    ) -> (Kernel<'a>, &'a mut [F4]) {
        ws.lanes.clear();
        ws.lanes.extend(params.iter().map(|&w| F4::splat(w as f32)));
        ws.lanes.extend(xs.chunks(4).map(|four| {
            let last = four.len() - 1;
            F4::new(std::array::from_fn(|k| four[k.min(last)] as f32))
        }));
        ws.grid.resize(2 * MAX_HIDDEN_UNITS * BLOCK, F4::splat(0.0));
        let (weights, xs) = ws.lanes.split_at(params.len());
        let kernel = Kernel {
            layers: &mlp.spec.layers,
            activations: &mlp.activations,
            weights,
            xs,
        };
        (kernel, &mut ws.grid)
    }

    /// The last layer's outputs at the points of block `index` of a row at `y` (the columns'
    /// vectors `index·BLOCK` on, at most `BLOCK`), unit by unit: a row of as many vectors per
    /// output; for `probability`, `s(z)` of the first output instead of `z`.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn block<'s>(
        &self,
        index: usize,
        y: f32,
        probability: bool,
        scratch: &'s mut [F4],
    ) -> &'s [F4] {
        let x = &self.xs[index * BLOCK..self.xs.len().min((index + 1) * BLOCK)];
        let len = x.len();
        let (mut input, mut output) = scratch.split_at_mut(MAX_HIDDEN_UNITS * BLOCK);
        let y = F4::splat(y);
        let last = self.layers.len() - 2;
        let mut offset = 0;
        for l in 0..=last {
            let (n_in, n_out) = (self.layers[l], self.layers[l + 1]);
            let w = &self.weights[offset..offset + n_in * n_out];
            let b = &self.weights[offset + n_in * n_out..offset + n_in * n_out + n_out];
            offset += n_in * n_out + n_out;
            if l == 0 {
                // Along a row `y` is fixed: each first-layer unit is `(b + w₁y) + w₀x`.
                for ((z_row, w_row), &bo) in
                    output.chunks_exact_mut(len).zip(w.chunks_exact(2)).zip(b)
                {
                    let (w0, along) = (w_row[0], bo.add(w_row[1].mul(y)));
                    for (z, &u) in z_row.iter_mut().zip(x) {
                        *z = along.add(w0.mul(u));
                    }
                }
            } else {
                // Each output `((b + w₀a₀) + w₁a₁) + …` over the whole block, two inputs a pass.
                for ((z_row, w_row), &bo) in output
                    .chunks_exact_mut(len)
                    .zip(w.chunks_exact(n_in))
                    .zip(b)
                {
                    for z in z_row.iter_mut() {
                        *z = bo;
                    }
                    let mut inputs = w_row.iter().zip(input.chunks_exact(len));
                    while let Some((&w0, a0)) = inputs.next() {
                        if let Some((&w1, a1)) = inputs.next() {
                            for ((z, &u), &v) in z_row.iter_mut().zip(a0).zip(a1) {
                                *z = z.add(w0.mul(u)).add(w1.mul(v));
                            }
                        } else {
                            for (z, &u) in z_row.iter_mut().zip(a0) {
                                *z = z.add(w0.mul(u));
                            }
                        }
                    }
                }
            }
            if l < last {
                activate(self.activations[l], &mut output[..n_out * len]);
            } else if probability {
                activate(Activation::Sigmoid, &mut output[..len]);
            }
            std::mem::swap(&mut input, &mut output);
        }
        let outputs = self.layers[last + 1];
        let input: &'s [F4] = input;
        &input[..outputs * len]
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
