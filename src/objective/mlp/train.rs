//! The exact path, in `f64`: forward and backward passes over a batch in matrix form, the loss
//! and its gradient (the [`Objective`] the optimizers see), predictions and accuracy (see the
//! [module doc](super), "Evaluation").

use super::lanes::{tanh, F2};
use super::{
    argmax, cross_entropy, logistic, softmax, Activation, Mlp, MlpLoss, Workspace, CHUNK,
    MAX_HIDDEN_UNITS, PAIRS,
};
use crate::data::datasets::MAX_CLASSES;
use crate::objective::Objective;

/// Which samples an evaluation runs over.
#[derive(Clone, Copy)]
enum Samples<'a> {
    /// All `n` samples in order.
    All(usize),
    /// The listed indices (repeats allowed).
    Batch(&'a [usize]),
}

impl Samples<'_> {
    fn len(self) -> usize {
        match self {
            Samples::All(n) => n,
            Samples::Batch(b) => b.len(),
        }
    }

    #[inline]
    fn get(self, k: usize) -> usize {
        match self {
            Samples::All(_) => k,
            Samples::Batch(b) => b[k],
        }
    }
}

impl Mlp {
    /// The loss `L_S(θ)` on the training samples `indices` (repeats allowed), penalty included,
    /// without the gradient; `loss_on(θ, 0..n)` equals [`Objective::loss`]. An empty set
    /// contributes a data term of `0`.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or an index is out of range.
    pub fn loss_on(&self, params: &[f64], indices: &[usize]) -> f64 {
        self.evaluate(params, &self.train, Samples::Batch(indices), None)
    }

    /// The same objective on the test points — mean loss over them plus the L2 penalty, so it
    /// compares directly with [`Objective::loss`]; `None` when there are no test points.
    ///
    /// # Panics
    /// If `params.len() != self.dim()`.
    pub fn test_loss(&self, params: &[f64]) -> Option<f64> {
        if self.test.is_empty() {
            return None;
        }
        Some(self.evaluate(params, &self.test, Samples::All(self.test.len()), None))
    }

    /// The fraction of the training samples `indices` classified correctly: label 1 is predicted
    /// where the output passes the threshold — logit `z > 0` (probability `> 0.5`) for `bce`,
    /// `z > 0.5` for `mse` — and for `ce` the class of the largest logit ([`argmax`]). `NaN` when the targets are not all labels ([`Mlp::has_labels`]) or
    /// the set is empty.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or an index is out of range.
    pub fn accuracy(&self, params: &[f64], indices: &[usize]) -> f64 {
        if !self.labelled || indices.is_empty() {
            return f64::NAN;
        }
        self.accuracy_over(params, &self.train, Samples::Batch(indices))
    }

    /// The accuracy (as [`Mlp::accuracy`]) on every training point, or on every test point when
    /// `on_test`; `None` when the targets are not labels or the split is empty.
    ///
    /// # Panics
    /// If `params.len() != self.dim()`.
    pub fn split_accuracy(&self, params: &[f64], on_test: bool) -> Option<f64> {
        let points = if on_test { &self.test } else { &self.train };
        if !self.labelled || points.is_empty() {
            return None;
        }
        Some(self.accuracy_over(params, points, Samples::All(points.len())))
    }

    fn accuracy_over(&self, params: &[f64], points: &[[f64; 3]], samples: Samples<'_>) -> f64 {
        let loss = self.spec.loss;
        let threshold = match loss {
            MlpLoss::Mse => 0.5,
            MlpLoss::Bce | MlpLoss::Ce => 0.0,
        };
        let mut correct = 0usize;
        self.for_each_output(
            params,
            (0..samples.len()).map(|k| {
                let p = &points[samples.get(k)];
                [p[0], p[1]]
            }),
            |k, z| {
                let label = points[samples.get(k)][2];
                let right = match loss {
                    MlpLoss::Ce => argmax(z) as f64 == label,
                    MlpLoss::Bce | MlpLoss::Mse => (z[0] > threshold) == (label == 1.0),
                };
                if right {
                    correct += 1;
                }
            },
        );
        correct as f64 / samples.len() as f64
    }

    /// The network's prediction at each of `points` into `out`: the probability `s(z)` of label 1
    /// for `bce`, the raw output `z` for `mse`, the predicted class (the most probable, as a
    /// number `0, …, K − 1`) for `ce`.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or `out.len() != points.len()`.
    pub fn predict(&self, params: &[f64], points: &[[f64; 2]], out: &mut [f64]) {
        assert_eq!(
            out.len(),
            points.len(),
            "predict: out must have one entry per point"
        );
        let loss = self.spec.loss;
        self.for_each_output(params, points.iter().copied(), |k, z| {
            out[k] = match loss {
                MlpLoss::Bce => logistic(z[0]),
                MlpLoss::Mse => z[0],
                MlpLoss::Ce => argmax(z) as f64,
            }
        });
    }

    /// The probability of every class at each of `points`, `out[i·K + j]` for point `i` and class
    /// `j` of `K = self.classes()`: the softmax of the logits for `ce` ([`softmax`]), `(1 − s, s)`
    /// for `bce`, and for `mse` the output `z` clamped to `[0, 1]` read as class 1's.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or `out.len() != points.len() · self.classes()`.
    pub fn predict_probabilities(&self, params: &[f64], points: &[[f64; 2]], out: &mut [f64]) {
        let k = self.classes();
        assert_eq!(
            out.len(),
            points.len() * k,
            "predict_probabilities: out must have one entry per point and class"
        );
        let loss = self.spec.loss;
        self.for_each_output(params, points.iter().copied(), |i, z| {
            let row = &mut out[i * k..(i + 1) * k];
            match loss {
                MlpLoss::Ce => {
                    softmax(z, row);
                }
                MlpLoss::Bce | MlpLoss::Mse => {
                    let s = if loss == MlpLoss::Bce {
                        logistic(z[0])
                    } else {
                        z[0].clamp(0.0, 1.0)
                    };
                    row.copy_from_slice(&[1.0 - s, s]);
                }
            }
        });
    }

    /// Runs the network on each of `inputs` and hands the `i`-th sample's outputs (`K` of them)
    /// to `sink(i, z)`, chunk by chunk.
    fn for_each_output(
        &self,
        params: &[f64],
        inputs: impl Iterator<Item = [f64; 2]>,
        mut sink: impl FnMut(usize, &[f64]),
    ) {
        self.check_params(params);
        let outputs = self.outputs();
        let mut inputs = inputs.peekable();
        self.with_workspace(|ws| {
            let mut start = 0;
            while inputs.peek().is_some() {
                let mut chunk = [[0.0; 2]; CHUNK];
                let mut len = 0;
                for (slot, point) in chunk.iter_mut().zip(&mut inputs) {
                    *slot = point;
                    len += 1;
                }
                let logits = self.run_chunk(params, ws, &chunk[..len]);
                let mut z = [0.0; WIDEST];
                for k in 0..len {
                    for (zj, row) in z.iter_mut().zip(logits.chunks_exact(PAIRS)) {
                        *zj = lane(row, k);
                    }
                    sink(start + k, &z[..outputs]);
                }
                start += len;
            }
        });
    }

    /// `L_S(θ)` over `samples` of `points` and, when `grad` is given, `∇L_S(θ)` written into it
    /// (module formulas).
    fn evaluate(
        &self,
        params: &[f64],
        points: &[[f64; 3]],
        samples: Samples<'_>,
        grad: Option<&mut [f64]>,
    ) -> f64 {
        self.check_params(params);
        let n = samples.len();
        let mut grad = grad;
        if let Some(g) = grad.as_deref_mut() {
            assert_eq!(
                g.len(),
                self.dim,
                "mlp gradient has {} entries, got {}",
                self.dim,
                g.len()
            );
            g.fill(0.0);
        }
        let sum = self.with_workspace(|ws| {
            self.evaluate_in(params, points, samples, ws, grad.as_deref_mut())
        });
        let data = if n == 0 { 0.0 } else { sum / n as f64 };
        data + self.penalty(params, grad)
    }

    /// The summed per-sample loss over `samples` of `points`, chunk by chunk, and with `grad`
    /// `∇` of their mean added to it.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn evaluate_in(
        &self,
        params: &[f64],
        points: &[[f64; 3]],
        samples: Samples<'_>,
        ws: &mut Workspace,
        grad: Option<&mut [f64]>,
    ) -> f64 {
        let mut grad = grad;
        let n = samples.len();
        // ∂(mean)/∂ℓᵢ, as torch's MeanBackward: 1/|S| per sample.
        let scale = 1.0 / n as f64;
        let loss = self.spec.loss;
        let out_off = self.act_offsets[self.act_offsets.len() - 1];
        let outputs = self.outputs();
        let mut sum = 0.0;
        for start in (0..n).step_by(CHUNK) {
            let len = CHUNK.min(n - start);
            let (xs, rest) = ws.acts.split_at_mut(PAIRS);
            for (p, (x, y)) in xs.iter_mut().zip(&mut rest[..PAIRS]).enumerate() {
                if 2 * p >= len {
                    break;
                }
                // An odd chunk's last pair is padded with a sample at the origin.
                let a = points[samples.get(start + 2 * p)];
                let b = if 2 * p + 1 < len {
                    points[samples.get(start + 2 * p + 1)]
                } else {
                    [0.0; 3]
                };
                *x = F2::new(a[0], b[0]);
                *y = F2::new(a[1], b[1]);
            }
            self.forward(params, ws, len);
            let logits = &ws.acts[out_off..out_off + outputs * PAIRS];
            let deltas = &mut ws.delta[..outputs * PAIRS];
            if loss == MlpLoss::Ce {
                let (mut z, mut d) = ([0.0; WIDEST], [0.0; WIDEST]);
                for k in 0..len {
                    for (zj, row) in z.iter_mut().zip(logits.chunks_exact(PAIRS)) {
                        *zj = lane(row, k);
                    }
                    // A validated label is a whole number 0..K (module doc).
                    let y = points[samples.get(start + k)][2] as usize;
                    sum += cross_entropy(&z[..outputs], y, &mut d[..outputs]);
                    for (dj, row) in d.iter().zip(deltas.chunks_exact_mut(PAIRS)) {
                        set_lane(row, k, dj * scale);
                    }
                }
            } else {
                for k in 0..len {
                    let y = points[samples.get(start + k)][2];
                    let (l, dz) = loss.value_and_derivative(lane(logits, k), y);
                    sum += l;
                    set_lane(deltas, k, dz * scale);
                }
            }
            if len % 2 == 1 {
                // The padding lane carries no gradient.
                for row in deltas.chunks_exact_mut(PAIRS) {
                    set_lane(row, len, 0.0);
                }
            }
            if let Some(g) = grad.as_deref_mut() {
                self.backward(params, ws, len, g);
            }
        }
        sum
    }

    /// The outputs (a row of [`PAIRS`] lanes per output unit) of the network at `chunk` (at
    /// most [`CHUNK`] points).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn run_chunk<'w>(&self, params: &[f64], ws: &'w mut Workspace, chunk: &[[f64; 2]]) -> &'w [F2] {
        let (xs, rest) = ws.acts.split_at_mut(PAIRS);
        for ((x, y), pair) in xs.iter_mut().zip(&mut rest[..PAIRS]).zip(chunk.chunks(2)) {
            let (a, b) = (pair[0], pair.get(1).copied().unwrap_or([0.0; 2]));
            *x = F2::new(a[0], b[0]);
            *y = F2::new(a[1], b[1]);
        }
        self.forward(params, ws, chunk.len());
        let out_off = self.act_offsets[self.act_offsets.len() - 1];
        &ws.acts[out_off..out_off + self.outputs() * PAIRS]
    }

    /// `R(θ) = λ₁ Σ|W| + (λ₂/2) Σ W²` (module doc, "Loss"), adding `λ₁ sign(W) + λ₂ W` to
    /// `grad` when given, with `sign(0) = 0` as torch's backward of `abs`.
    fn penalty(&self, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (l1, l2) = (self.spec.l1, self.spec.l2);
        if l1 == 0.0 && l2 == 0.0 {
            return 0.0;
        }
        let (mut sum_abs, mut sum_sq) = (0.0, 0.0);
        let mut grad = grad;
        for (l, &off) in self.param_offsets.iter().enumerate() {
            let size = self.spec.layers[l] * self.spec.layers[l + 1];
            let w = &params[off..off + size];
            sum_abs += w.iter().map(|v| v.abs()).sum::<f64>();
            sum_sq += w.iter().map(|v| v * v).sum::<f64>();
            if let Some(g) = grad.as_deref_mut() {
                for (gk, &wk) in g[off..off + size].iter_mut().zip(w) {
                    *gk += l1 * crate::objective::sign(wk) + l2 * wk;
                }
            }
        }
        l1 * sum_abs + 0.5 * l2 * sum_sq
    }

    /// Forward pass over the first `len` samples whose inputs are in layer 0 of `ws.acts`:
    /// `a⁽ˡ⁺¹⁾ = σ(W⁽ˡ⁾ a⁽ˡ⁾ + b⁽ˡ⁾)`, the last layer without `σ` ([`forward_layer`]).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn forward(&self, params: &[f64], ws: &mut Workspace, len: usize) {
        let layers = &self.spec.layers;
        let last = layers.len() - 2;
        let pairs = len.div_ceil(2);
        for l in 0..=last {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            let w_off = self.param_offsets[l];
            let w = &params[w_off..w_off + n_in * n_out];
            let b = &params[w_off + n_in * n_out..w_off + n_in * n_out + n_out];
            let (below, above) = ws.acts.split_at_mut(self.act_offsets[l + 1]);
            let a_in = &below[self.act_offsets[l]..self.act_offsets[l] + n_in * PAIRS];
            let a_out = &mut above[..n_out * PAIRS];
            let activation = (l < last).then(|| self.activations[l]);
            forward_layer(w, b, a_in, a_out, pairs, activation);
        }
    }

    /// Backward pass after [`Mlp::forward`], with `∂L/∂z` of the outputs in `ws.delta` (a row
    /// of [`PAIRS`] lanes per output); accumulates `∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ᵀ a⁽ˡ⁾`,
    /// `∂L/∂b⁽ˡ⁾ = Σ δ⁽ˡ⁺¹⁾` into `grad` ([`accumulate_layer`]) and propagates
    /// `δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾) ⊙ σ′(a⁽ˡ⁾)` ([`propagate_layer`]).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn backward(&self, params: &[f64], ws: &mut Workspace, len: usize, grad: &mut [f64]) {
        let layers = &self.spec.layers;
        let pairs = len.div_ceil(2);
        for l in (0..layers.len() - 1).rev() {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            let w_off = self.param_offsets[l];
            let w = &params[w_off..w_off + n_in * n_out];
            let a_in = &ws.acts[self.act_offsets[l]..self.act_offsets[l] + n_in * PAIRS];
            let delta = &ws.delta[..n_out * PAIRS];
            let (g_w, g_b) = grad[w_off..w_off + n_in * n_out + n_out].split_at_mut(n_in * n_out);
            accumulate_layer(delta, a_in, len, g_w, g_b);
            if l == 0 {
                break;
            }
            // Layer l's inputs are hidden layer l − 1's outputs.
            let delta_prev = &mut ws.delta_prev[..n_in * PAIRS];
            propagate_layer(w, delta, a_in, pairs, self.activations[l - 1], delta_prev);
            std::mem::swap(&mut ws.delta, &mut ws.delta_prev);
        }
    }
}

/// Units a layer may have: a hidden layer's most, or one output per class.
const WIDEST: usize = if MAX_HIDDEN_UNITS > MAX_CLASSES {
    MAX_HIDDEN_UNITS
} else {
    MAX_CLASSES
};

/// Sample `k` of a row of lanes.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn lane(row: &[F2], k: usize) -> f64 {
    row[k / 2].to_array()[k % 2]
}

/// Sets sample `k` of a row of lanes.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn set_lane(row: &mut [F2], k: usize, value: f64) {
    let mut pair = row[k / 2].to_array();
    pair[k % 2] = value;
    row[k / 2] = F2::new(pair[0], pair[1]);
}

/// One layer forward over `pairs` pairs of samples: each output row of `a_out` is
/// `(Σᵢ wₒᵢ·xᵢ) + bₒ`, summed from `0` in input order, then `σ` applied when `activation` is
/// given. `a_in` and `a_out` hold a row of [`PAIRS`] lanes per unit.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn forward_layer(
    w: &[f64],
    b: &[f64],
    a_in: &[F2],
    a_out: &mut [F2],
    pairs: usize,
    activation: Option<Activation>,
) {
    let n_in = a_in.len() / PAIRS;
    let zero = F2::splat(0.0);
    // Filled once a call (a row's weights overwrite the first `n_in`).
    let mut weights = [zero; WIDEST];
    for ((row, &bo), z_row) in w
        .chunks_exact(n_in)
        .zip(b)
        .zip(a_out.chunks_exact_mut(PAIRS))
    {
        for (lane, &wi) in weights.iter_mut().zip(row) {
            *lane = F2::splat(wi);
        }
        let weights = &weights[..n_in];
        let bias = F2::splat(bo);
        let z_row = &mut z_row[..pairs];
        for (k, z) in z_row.iter_mut().enumerate() {
            let mut acc = zero;
            for (wi, x_row) in weights.iter().zip(a_in.chunks_exact(PAIRS)) {
                acc = acc.add(wi.mul(x_row[k]));
            }
            *z = acc.add(bias);
        }
        match activation {
            Some(Activation::Tanh) => z_row.iter_mut().for_each(|z| *z = tanh(*z)),
            Some(Activation::Relu) => z_row.iter_mut().for_each(|z| *z = z.relu()),
            Some(Activation::Sigmoid) => z_row.iter_mut().for_each(|z| {
                let [a, b] = z.to_array();
                *z = F2::new(logistic(a), logistic(b));
            }),
            Some(Activation::Linear) | None => {}
        }
    }
}

/// Adds one layer's gradient over the first `len` samples to `g_w` (`[out][in]`) and `g_b`:
/// `∂L/∂wₒᵢ += Σₖ δₒₖ·xᵢₖ`, `∂L/∂bₒ += Σₖ δₒₖ`, each entry accumulated over the samples in
/// order, two inputs side by side. `delta` and `a_in` hold a row of [`PAIRS`] lanes per unit.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn accumulate_layer(delta: &[F2], a_in: &[F2], len: usize, g_w: &mut [f64], g_b: &mut [f64]) {
    let n_in = a_in.len() / PAIRS;
    // Whole pairs of samples, then the odd sample's pair with its first lane alone.
    let (whole, odd) = (len / 2, len % 2 == 1);
    for ((d_row, g_row), gb) in delta
        .chunks_exact(PAIRS)
        .zip(g_w.chunks_exact_mut(n_in))
        .zip(g_b)
    {
        let mut acc = *gb;
        for d in &d_row[..whole] {
            let [first, second] = d.to_array();
            acc += first;
            acc += second;
        }
        if odd {
            acc += d_row[whole].to_array()[0];
        }
        *gb = acc;
        let mut x_rows = a_in.chunks_exact(PAIRS);
        let mut g_pairs = g_row.chunks_exact_mut(2);
        for g in &mut g_pairs {
            let (Some(x0), Some(x1)) = (x_rows.next(), x_rows.next()) else {
                break;
            };
            let mut acc = F2::new(g[0], g[1]);
            for ((d, &u), &v) in d_row[..whole].iter().zip(x0).zip(x1) {
                acc = acc.add(d.first().mul(u.firsts(v)));
                acc = acc.add(d.second().mul(u.seconds(v)));
            }
            if odd {
                let d = d_row[whole];
                acc = acc.add(d.first().mul(x0[whole].firsts(x1[whole])));
            }
            [g[0], g[1]] = acc.to_array();
        }
        if let (Some(g), Some(x)) = (g_pairs.into_remainder().first_mut(), x_rows.next()) {
            let mut acc = *g;
            for k in 0..len {
                acc += lane(d_row, k) * lane(x, k);
            }
            *g = acc;
        }
    }
}

/// `δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾) ⊙ σ′(a⁽ˡ⁾)` into `delta_prev` over `pairs` pairs of samples: each
/// entry `(Σₒ wₒᵢ·δₒ)` summed from `0` in output order, then times `σ′` of the input `a` (in
/// terms of the output, as torch's backward). Rows of [`PAIRS`] lanes per unit.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn propagate_layer(
    w: &[f64],
    delta: &[F2],
    a_in: &[F2],
    pairs: usize,
    activation: Activation,
    delta_prev: &mut [F2],
) {
    let n_in = a_in.len() / PAIRS;
    let zero = F2::splat(0.0);
    let one = F2::splat(1.0);
    // Filled once a call (a column's weights overwrite the first outputs' entries).
    let mut column = [zero; WIDEST];
    for (i, (p_row, x_row)) in delta_prev
        .chunks_exact_mut(PAIRS)
        .zip(a_in.chunks_exact(PAIRS))
        .enumerate()
    {
        for (lane, w_row) in column.iter_mut().zip(w.chunks_exact(n_in)) {
            *lane = F2::splat(w_row[i]);
        }
        let column = &column[..delta.len() / PAIRS];
        let p_row = &mut p_row[..pairs];
        for (k, p) in p_row.iter_mut().enumerate() {
            let mut acc = zero;
            for (wo, d_row) in column.iter().zip(delta.chunks_exact(PAIRS)) {
                acc = acc.add(wo.mul(d_row[k]));
            }
            *p = acc;
        }
        let rows = p_row.iter_mut().zip(&x_row[..pairs]);
        match activation {
            Activation::Tanh => rows.for_each(|(p, &a)| *p = p.mul(one.sub(a.mul(a)))),
            Activation::Relu => rows.for_each(|(p, &a)| *p = p.mul(zero.replace(zero.lt(a), one))),
            Activation::Sigmoid => rows.for_each(|(p, &a)| *p = p.mul(a.mul(one.sub(a)))),
            Activation::Linear => {}
        }
    }
}

impl Objective for Mlp {
    fn dim(&self) -> usize {
        self.dim
    }

    fn sample_count(&self) -> usize {
        self.train.len()
    }

    fn loss(&self, params: &[f64]) -> f64 {
        self.evaluate(params, &self.train, Samples::All(self.train.len()), None)
    }

    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluate(
            params,
            &self.train,
            Samples::All(self.train.len()),
            Some(grad),
        )
    }

    /// Indices may repeat (sampling with replacement); an index out of range panics. An empty
    /// batch has data loss and gradient `0` (the L2 penalty still applies).
    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        self.evaluate(params, &self.train, Samples::Batch(batch), Some(grad))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::objective::mlp::test_support::*;
    use crate::objective::mlp::{LayerWeights, MlpSpec};
    use proptest::prelude::*;

    #[test]
    fn gradient_matches_finite_differences_for_every_combination() {
        let architectures: [&[usize]; 4] = [&[2, 1], &[2, 3, 1], &[2, 4, 3, 1], &[2, 2, 2, 2, 1]];
        let mut seed = 1;
        for activation in ACTIVATIONS {
            for loss in LOSSES {
                for layers in architectures {
                    for (l1, l2) in [(0.0, 0.0), (0.0, 0.3), (0.2, 0.0), (0.2, 0.3)] {
                        seed += 1;
                        let mut spec = random_spec(layers, activation, loss, 11, l2, seed);
                        spec.l1 = l1;
                        let f = Mlp::new(spec, 0).unwrap();
                        let params = f.initial_params();
                        let all: Vec<usize> = (0..f.sample_count()).collect();
                        let context = format!("{activation:?}/{loss:?}/{layers:?}/l1={l1}/l2={l2}");
                        check_gradient(&f, &params, &all, &format!("{context} full"));
                        check_gradient(&f, &params, &[3, 7, 0], &format!("{context} subset"));
                        check_gradient(&f, &params, &[5, 5, 9], &format!("{context} repeats"));
                    }
                }
            }
        }
    }

    /// A network with one activation per hidden layer: its gradient matches finite differences
    /// for every ordered pair of activations, and its drawing path follows the exact prediction.
    #[test]
    fn per_layer_activations_gradients_and_drawing() {
        let mut seed = 40;
        for first in ACTIVATIONS {
            for second in ACTIVATIONS {
                for loss in LOSSES {
                    seed += 1;
                    let mut spec =
                        random_spec(&[2, 4, 3, 1], Activation::Linear, loss, 9, 0.05, seed);
                    spec.activations = Some(vec![first, second]);
                    let f = Mlp::new(spec, 0).unwrap();
                    assert_eq!(f.hidden_activations(), &[first, second]);
                    let params = f.initial_params();
                    let batch: Vec<usize> = (0..9).collect();
                    // relu has a kink; the random weights keep every unit away from it here
                    // almost surely, and the finite difference step is far below any margin.
                    check_gradient(
                        &f,
                        &params,
                        &batch,
                        &format!("{first:?},{second:?}/{loss:?}"),
                    );
                    let xs = [-0.7, -0.1, 0.3, 0.9];
                    let mut grid = [0.0; 16];
                    f.predict_grid(&params, &xs, &xs, &mut grid);
                    let points: Vec<[f64; 2]> = xs
                        .iter()
                        .flat_map(|&y| xs.iter().map(move |&x| [x, y]))
                        .collect();
                    let mut exact = [0.0; 16];
                    f.predict(&params, &points, &mut exact);
                    for (g, e) in grid.iter().zip(exact) {
                        assert!((g - e).abs() <= 1e-3 * (1.0 + e.abs()), "{g} vs {e}");
                    }
                }
            }
        }
    }

    /// `activations` naming the same activation for every layer is the plain network, bit for
    /// bit; a different one changes the loss.
    #[test]
    fn uniform_activations_list_is_the_single_activation() {
        for activation in ACTIVATIONS {
            let spec = random_spec(&[2, 5, 3, 1], activation, MlpLoss::Bce, 12, 0.0, 3);
            let mut listed = spec.clone();
            listed.activations = Some(vec![activation; 2]);
            let (a, b) = (Mlp::new(spec, 0).unwrap(), Mlp::new(listed, 0).unwrap());
            let params = a.initial_params();
            let (mut ga, mut gb) = (vec![0.0; a.dim()], vec![0.0; b.dim()]);
            let la = a.loss_and_gradient(&params, &mut ga);
            let lb = b.loss_and_gradient(&params, &mut gb);
            assert_eq!(la.to_bits(), lb.to_bits());
            assert_eq!(ga, gb);
        }
        let spec = random_spec(&[2, 5, 3, 1], Activation::Tanh, MlpLoss::Bce, 12, 0.0, 3);
        let mut mixed = spec.clone();
        mixed.activations = Some(vec![Activation::Tanh, Activation::Sigmoid]);
        let (a, b) = (Mlp::new(spec, 0).unwrap(), Mlp::new(mixed, 0).unwrap());
        let params = a.initial_params();
        assert_ne!(a.loss(&params), b.loss(&params));
    }

    #[test]
    fn hand_computed_network() {
        // [2, 1, 1] relu, mse: h = relu(1·x1 − 1·x2 + 0), z = 2h + 0.5.
        let spec = MlpSpec {
            layers: vec![2, 1, 1],
            activation: Activation::Relu,
            activations: None,
            loss: MlpLoss::Mse,
            points: Some(vec![[1.0, 0.0, 3.0], [0.0, 1.0, 0.0]]),
            dataset: None,
            init: None,
            weights: Some(vec![
                LayerWeights {
                    w: vec![vec![1.0, -1.0]],
                    b: vec![0.0],
                },
                LayerWeights {
                    w: vec![vec![2.0]],
                    b: vec![0.5],
                },
            ]),
            l2: 0.5,
            l1: 0.0,
        };
        let f = Mlp::new(spec, 0).unwrap();
        let p = f.initial_params();
        // Sample 0: h = 1, z = 2.5, r = −0.5; sample 1: h = 0, z = 0.5, r = 0.5.
        // Data loss 0.25; penalty (0.5/2)(1 + 1 + 4) = 1.5.
        let mut g = vec![0.0; f.dim()];
        assert_eq!(f.loss_and_gradient(&p, &mut g), 1.75);
        // ∂/∂z: (−1, 1)/2·... = 2r/2 = (−0.5, 0.5). Output layer: ∂w = Σ d·h = −0.5, ∂b = 0;
        // hidden: only sample 0 is active, δ = −0.5·2 = −1 → ∂w = (−1, 0), ∂b = −1.
        // Plus λW = 0.5·(1, −1, 2) on the weights.
        assert_eq!(g, vec![-1.0 + 0.5, -0.5, -1.0, -0.5 + 1.0, 0.0]);
        let mut out = [0.0; 2];
        f.predict(&p, &[[1.0, 0.0], [0.0, 1.0]], &mut out);
        assert_eq!(out, [2.5, 0.5]);
        assert!(f.accuracy(&p, &[0, 1]).is_nan());
    }

    #[test]
    fn chunked_evaluation_matches_per_sample_sum() {
        // More samples than one chunk: the mean over 600 equals the mean of single-sample losses.
        let f = Mlp::new(
            random_spec(&[2, 3, 1], Activation::Sigmoid, MlpLoss::Mse, 600, 0.0, 4),
            0,
        )
        .unwrap();
        let p = f.initial_params();
        let mut g = vec![0.0; f.dim()];
        let full = f.loss_and_gradient(&p, &mut g);
        let (mut sum, mut g_sum) = (0.0, vec![0.0; f.dim()]);
        let mut gi = vec![0.0; f.dim()];
        for i in 0..600 {
            sum += f.batch_loss_and_gradient(&p, &[i], &mut gi);
            for (a, b) in g_sum.iter_mut().zip(&gi) {
                *a += b / 600.0;
            }
        }
        assert!(close(full, sum / 600.0, 1e-12));
        for (a, b) in g.iter().zip(&g_sum) {
            assert!(close(*a, *b, 1e-12), "{a} vs {b}");
        }
    }

    #[test]
    fn empty_batch_keeps_only_the_penalty() {
        let f = Mlp::new(
            random_spec(&[2, 3, 1], Activation::Tanh, MlpLoss::Bce, 5, 0.2, 3),
            0,
        )
        .unwrap();
        let p = f.initial_params();
        let mut g = vec![1.0; f.dim()];
        let loss = f.batch_loss_and_gradient(&p, &[], &mut g);
        let weights: f64 = f
            .spec()
            .weights
            .iter()
            .flatten()
            .flat_map(|l| l.w.iter().flatten())
            .map(|w| w * w)
            .sum();
        assert!(close(loss, 0.1 * weights, 1e-15));
        assert_eq!(g[6..9], [0.0; 3]); // the first layer's biases
        assert_eq!(g[0], 0.2 * p[0]);
    }

    #[test]
    fn accuracy_for_mse_on_labels_and_none_for_real_targets() {
        let spec = dataset_spec(
            r#"{"layers":[2,3,1],"activation":"sigmoid","loss":"mse","dataset":{"name":"gaussians"}}"#,
        );
        let f = Mlp::new(spec, 1).unwrap();
        assert!(f.has_labels() && !f.is_classifier());
        let p = f.initial_params();
        let mut z = vec![0.0; f.train_points().len()];
        let xs: Vec<[f64; 2]> = f.train_points().iter().map(|q| [q[0], q[1]]).collect();
        f.predict(&p, &xs, &mut z);
        let correct = z
            .iter()
            .zip(f.train_points())
            .filter(|(z, q)| (**z > 0.5) == (q[2] == 1.0))
            .count();
        assert_eq!(
            f.split_accuracy(&p, false),
            Some(correct as f64 / xs.len() as f64)
        );
        let plane = dataset_spec(
            r#"{"layers":[2,3,1],"activation":"relu","loss":"mse","dataset":{"name":"plane"}}"#,
        );
        let f = Mlp::new(plane, 1).unwrap();
        assert!(!f.has_labels());
        assert_eq!(f.split_accuracy(&f.initial_params(), true), None);
        assert!(f.test_loss(&f.initial_params()).is_some());
    }

    /// The network's `tanh` stays within a few ulp of `f64::tanh` through a deep, wide network
    /// of large weights, and [`Mlp::predict`] is the loss's own forward pass.
    #[test]
    fn predictions_follow_the_platform_tanh_network_closely() {
        let f = Mlp::new(
            random_spec(&[2, 8, 8, 1], Activation::Tanh, MlpLoss::Mse, 300, 0.0, 8),
            0,
        )
        .unwrap();
        let p: Vec<f64> = f.initial_params().iter().map(|v| 3.0 * v).collect();
        let xs: Vec<[f64; 2]> = f.train_points().iter().map(|q| [q[0], q[1]]).collect();
        let mut ours = vec![0.0; xs.len()];
        f.predict(&p, &xs, &mut ours);
        // The same network by hand with the platform's tanh.
        let layers = f.layers();
        for (x, got) in xs.iter().zip(&ours) {
            let mut a = x.to_vec();
            let mut offset = 0;
            for (l, pair) in layers.windows(2).enumerate() {
                let (n_in, n_out) = (pair[0], pair[1]);
                let w = &p[offset..offset + n_in * n_out];
                let b = &p[offset + n_in * n_out..offset + n_in * n_out + n_out];
                offset += n_in * n_out + n_out;
                a = (0..n_out)
                    .map(|o| {
                        let z = w[o * n_in..(o + 1) * n_in]
                            .iter()
                            .zip(&a)
                            .fold(0.0, |acc, (wi, ai)| acc + wi * ai)
                            + b[o];
                        if l + 2 < layers.len() {
                            libm::tanh(z)
                        } else {
                            z
                        }
                    })
                    .collect();
            }
            assert!(
                (got - a[0]).abs() <= 1e-13 * (1.0 + a[0].abs()),
                "{got} vs {}",
                a[0]
            );
        }
        // The loss uses the same forward pass: mse against target 0 is z².
        let zeroed: Vec<[f64; 3]> = xs.iter().map(|x| [x[0], x[1], 0.0]).collect();
        let mut spec = f.spec().clone();
        spec.points = Some(zeroed);
        let g = Mlp::new(spec, 0).unwrap();
        let mean_sq = ours.iter().map(|z| z * z).sum::<f64>() / ours.len() as f64;
        assert!(close(g.loss(&p), mean_sq, 1e-14));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn full_gradient_is_weighted_mean_of_partition(
            arch in 0usize..4,
            activation in 0usize..4,
            loss in 0usize..2,
            n in 1usize..30,
            batch_size in 1usize..9,
            l2 in prop_oneof![Just(0.0), 0.0f64..1.0],
            seed in any::<u64>(),
        ) {
            let architectures: [&[usize]; 4] = [&[2, 1], &[2, 3, 1], &[2, 4, 3, 1], &[2, 16, 1]];
            let spec = random_spec(architectures[arch], ACTIVATIONS[activation], LOSSES[loss], n, l2, seed);
            let f = Mlp::new(spec, 0).unwrap();
            let p = f.initial_params();
            let mut g_full = vec![0.0; f.dim()];
            let l_full = f.loss_and_gradient(&p, &mut g_full);
            prop_assert_eq!(f.loss(&p), l_full);
            let all: Vec<usize> = (0..n).collect();
            let mut g_all = vec![0.0; f.dim()];
            prop_assert_eq!(f.batch_loss_and_gradient(&p, &all, &mut g_all), l_full);
            prop_assert_eq!(&g_all, &g_full);
            let (mut l_mix, mut g_mix) = (0.0, vec![0.0; f.dim()]);
            let mut g = vec![0.0; f.dim()];
            for chunk in all.chunks(batch_size) {
                let weight = chunk.len() as f64 / n as f64;
                l_mix += weight * f.batch_loss_and_gradient(&p, chunk, &mut g);
                for (m, gk) in g_mix.iter_mut().zip(&g) {
                    *m += weight * gk;
                }
            }
            prop_assert!(close(l_mix, l_full, 1e-12), "{} vs {}", l_mix, l_full);
            for (a, b) in g_mix.iter().zip(&g_full) {
                prop_assert!(close(*a, *b, 1e-12), "{} vs {}", a, b);
            }
        }

        #[test]
        fn smooth_gradients_match_finite_differences_on_subsets(
            activation in prop_oneof![Just(Activation::Tanh), Just(Activation::Sigmoid), Just(Activation::Linear)],
            loss in 0usize..2,
            picks in prop::collection::vec(0usize..8, 1..6),
            seed in any::<u64>(),
        ) {
            let f = Mlp::new(random_spec(&[2, 3, 2, 1], activation, LOSSES[loss], 8, 0.1, seed), 0).unwrap();
            check_gradient(&f, &f.initial_params(), &picks, "proptest");
        }
    }
}
