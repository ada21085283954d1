//! The network's numbers (module doc of [`super`]): the forward and backward passes, the
//! evaluations and the seeded starting weights. Compiled with feature `cnn` only, which the
//! surface and network page's WebAssembly leaves out (the digits lab loads its own module).

use std::cell::RefCell;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::data::digits::{self, Digit, CLASSES, MAX_PIXEL, PIXELS};
use crate::objective::mlp::{argmax, cross_entropy, softmax, Activation, Init, INIT_STREAM};
use crate::objective::Objective;
use crate::read::{Problem, Refusal};

use super::{CnnSpec, ConvShape, Geometry, KERNEL, MAX_CHANNELS};

/// One image as the network reads it: 64 values `pixel / 16`, and its class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// `pixel / 16`, row by row.
    pub input: [f64; PIXELS],
    /// The class, 0–9.
    pub label: usize,
}

impl Sample {
    /// The sample of a digit.
    pub fn of(digit: &Digit) -> Sample {
        let mut input = [0.0; PIXELS];
        for (x, &p) in input.iter_mut().zip(&digit.pixels) {
            *x = f64::from(p) / f64::from(MAX_PIXEL);
        }
        Sample {
            input,
            label: usize::from(digit.label),
        }
    }
}

/// The forward pass's record of one sample, and the backward pass's scratch; allocated once per
/// network, so a sample costs no allocation.
///
/// Each convolution reads its input maps from a zero-bordered copy (`padded`), so its 3×3 window
/// never leaves the buffer and the loops need no bounds of their own; a zero read from the border
/// adds nothing, exactly as the padding of the module doc.
#[derive(Clone, Debug)]
struct Workspace {
    /// Each convolution's input maps `[C_in][s + 2p][s + 2p]`, zero on the border.
    padded: Vec<Vec<f64>>,
    /// The dense layer's input: the last maps flattened.
    flat: Vec<f64>,
    /// Each convolution's activations before pooling.
    acts: Vec<Vec<f64>>,
    /// For each pooled output, the index (into `acts`) of the input it took.
    chosen: Vec<Vec<usize>>,
    /// The logits.
    logits: [f64; CLASSES],
    /// `∂ℓ/∂(a layer's output)`, being read.
    delta_out: Vec<f64>,
    /// The non-zero entries of `∂ℓ/∂z` of the current convolution in index order, `(index, δ)`:
    /// after a pool at most one in four, after ReLU fewer.
    active: Vec<(usize, f64)>,
    /// `∂ℓ/∂(its input)` on the padded maps, being written.
    delta_in: Vec<f64>,
}

/// Side of a convolution's input maps with their zero border.
fn padded_side(c: &ConvShape) -> usize {
    c.s_in + 2 * c.pad
}

/// Numbers in a convolution's input maps with their zero border.
fn padded_len(c: &ConvShape) -> usize {
    c.c_in * padded_side(c) * padded_side(c)
}

impl Workspace {
    fn new(geometry: &Geometry) -> Workspace {
        let widest = |f: fn(&ConvShape) -> usize| geometry.convs.iter().map(f).max().unwrap_or(0);
        Workspace {
            padded: geometry
                .convs
                .iter()
                .map(|c| vec![0.0; padded_len(c)])
                .collect(),
            flat: vec![0.0; geometry.dense_in],
            acts: geometry
                .convs
                .iter()
                .map(|c| vec![0.0; c.conv_len()])
                .collect(),
            chosen: geometry
                .convs
                .iter()
                .map(|c| vec![0; if c.pool { c.out_len() } else { 0 }])
                .collect(),
            logits: [0.0; CLASSES],
            delta_out: vec![0.0; widest(ConvShape::conv_len).max(geometry.dense_in)],
            active: Vec::with_capacity(widest(ConvShape::conv_len)),
            delta_in: vec![0.0; widest(padded_len)],
        }
    }
}

/// Where a layer's output maps `[C][s][s]` go: the interior of the next convolution's padded
/// maps (`pad` > 0), or as they are.
struct Destination<'a> {
    buffer: &'a mut [f64],
    pad: usize,
}

impl Destination<'_> {
    /// The buffer index of map `channel`'s row `y`, column 0, for maps of side `side`.
    #[inline]
    fn row(&self, channel: usize, side: usize, y: usize) -> usize {
        let sp = side + 2 * self.pad;
        (channel * sp + y + self.pad) * sp + self.pad
    }
}

/// A validated CNN objective (module doc) with its images and starting parameters; build it with
/// [`Cnn::new`].
#[derive(Clone, Debug)]
pub struct Cnn {
    spec: CnnSpec,
    geometry: Geometry,
    train: Vec<Sample>,
    test: Vec<Sample>,
    initial: Vec<f64>,
    workspace: RefCell<Workspace>,
}

impl Cnn {
    /// Validates `spec` ([`CnnSpec::validate`]) and builds the objective: its images (inline, or
    /// the digits' split) and its starting weights (given, or drawn from `seed`, the scenario
    /// seed). Refused when the digits are not loaded yet (in the page, before their fetch).
    pub fn new(spec: CnnSpec, seed: u64) -> Result<Cnn, Refusal> {
        spec.validate()?;
        let geometry = Geometry::of(&spec.convs)?;
        let (train, test) = match &spec.images {
            Some(images) => {
                let train = images
                    .iter()
                    .map(|image| {
                        let mut input = [0.0; PIXELS];
                        for (x, &p) in input.iter_mut().zip(image) {
                            *x = p / f64::from(MAX_PIXEL);
                        }
                        Sample {
                            input,
                            label: image[PIXELS] as usize,
                        }
                    })
                    .collect();
                (train, Vec::new())
            }
            None => {
                let Some(data) = digits::digits() else {
                    let sentence = crate::read::Unfit::DigitsNotLoaded;
                    return Err(Refusal::at("images", Problem::unfit(sentence)));
                };
                let take = spec.train_size.unwrap_or(data.train.len());
                (
                    data.train.iter().take(take).map(Sample::of).collect(),
                    data.test.iter().map(Sample::of).collect(),
                )
            }
        };
        let initial = match &spec.weights {
            Some(weights) => weights.clone(),
            None => draw_weights(&geometry, spec.layer_init(), spec.init_scale, seed),
        };
        let workspace = RefCell::new(Workspace::new(&geometry));
        Ok(Cnn {
            spec,
            geometry,
            train,
            test,
            initial,
            workspace,
        })
    }

    /// The validated spec this network was built from.
    pub fn spec(&self) -> &CnnSpec {
        &self.spec
    }

    /// The shapes of the network.
    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// The starting parameters (module doc, "Parameters").
    pub fn initial_params(&self) -> Vec<f64> {
        self.initial.clone()
    }

    /// The training samples.
    pub fn train_samples(&self) -> &[Sample] {
        &self.train
    }

    /// The test samples (empty for inline images).
    pub fn test_samples(&self) -> &[Sample] {
        &self.test
    }

    /// The mean cross-entropy on the test samples; `None` without any.
    pub fn test_loss(&self, params: &[f64]) -> Option<f64> {
        if self.test.is_empty() {
            return None;
        }
        self.check_params(params);
        let mut ws = self.workspace.borrow_mut();
        let mut scratch = [0.0; CLASSES];
        let total: f64 = self
            .test
            .iter()
            .map(|s| {
                self.forward(params, &s.input, &mut ws);
                cross_entropy(&ws.logits, s.label, &mut scratch)
            })
            .sum();
        Some(total / self.test.len() as f64)
    }

    /// The fraction of the training (or, `on_test`, test) samples whose most probable class is
    /// theirs; `None` for an empty split.
    pub fn accuracy(&self, params: &[f64], on_test: bool) -> Option<f64> {
        let samples = if on_test { &self.test } else { &self.train };
        if samples.is_empty() {
            return None;
        }
        let right = samples
            .iter()
            .filter(|s| self.classify(params, &s.input) == s.label)
            .count();
        Some(right as f64 / samples.len() as f64)
    }

    /// The most probable class of an input of 64 values `pixel / 16`.
    ///
    /// # Panics
    /// If `params.len()` is not the network's parameter count.
    pub fn classify(&self, params: &[f64], input: &[f64; PIXELS]) -> usize {
        self.check_params(params);
        let mut ws = self.workspace.borrow_mut();
        self.forward(params, input, &mut ws);
        argmax(&ws.logits)
    }

    /// The class probabilities (the softmax of the logits) of an input of 64 values
    /// `pixel / 16`.
    ///
    /// # Panics
    /// If `params.len()` is not the network's parameter count.
    pub fn probabilities(&self, params: &[f64], input: &[f64; PIXELS]) -> [f64; CLASSES] {
        self.check_params(params);
        let mut ws = self.workspace.borrow_mut();
        self.forward(params, input, &mut ws);
        let mut p = [0.0; CLASSES];
        softmax(&ws.logits, &mut p);
        p
    }

    /// The activations of every convolution (before pooling) for an input: per convolution,
    /// its maps `[C_out][s][s]` flat.
    ///
    /// # Panics
    /// If `params.len()` is not the network's parameter count.
    pub fn feature_maps(&self, params: &[f64], input: &[f64; PIXELS]) -> Vec<Vec<f64>> {
        self.check_params(params);
        let mut ws = self.workspace.borrow_mut();
        self.forward(params, input, &mut ws);
        ws.acts.clone()
    }

    /// The test confusion matrix: `counts[true class][predicted class]`, row-major.
    pub fn confusion(&self, params: &[f64]) -> [u32; CLASSES * CLASSES] {
        let mut counts = [0; CLASSES * CLASSES];
        for s in &self.test {
            counts[s.label * CLASSES + self.classify(params, &s.input)] += 1;
        }
        counts
    }

    /// The Euclidean norm of each layer's block of `grad` (weights and biases), convolutions
    /// first, the dense layer last.
    pub fn layer_norms(&self, grad: &[f64]) -> Vec<f64> {
        self.geometry
            .layer_ranges()
            .into_iter()
            .map(|r| {
                grad.get(r)
                    .map_or(0.0, |g| g.iter().map(|v| v * v).sum::<f64>().sqrt())
            })
            .collect()
    }

    /// The loss of `samples`' mean cross-entropy, with its gradient written into `grad` when
    /// given.
    fn mean_loss(&self, params: &[f64], samples: &[&Sample], grad: Option<&mut [f64]>) -> f64 {
        self.check_params(params);
        let mut ws = self.workspace.borrow_mut();
        let mut total = 0.0;
        let mut dlogits = [0.0; CLASSES];
        match grad {
            Some(grad) => {
                grad.fill(0.0);
                for s in samples {
                    self.forward(params, &s.input, &mut ws);
                    total += cross_entropy(&ws.logits, s.label, &mut dlogits);
                    self.backward(params, &dlogits, &mut ws, grad);
                }
                let scale = 1.0 / samples.len().max(1) as f64;
                for g in grad.iter_mut() {
                    *g *= scale;
                }
            }
            None => {
                for s in samples {
                    self.forward(params, &s.input, &mut ws);
                    total += cross_entropy(&ws.logits, s.label, &mut dlogits);
                }
            }
        }
        total / samples.len().max(1) as f64
    }

    /// The forward pass of one input (module doc, "Network"), recorded in `ws`.
    fn forward(&self, params: &[f64], input: &[f64; PIXELS], ws: &mut Workspace) {
        let activation = self.spec.activation;
        let convs = &self.geometry.convs;
        let mut first = Destination {
            buffer: &mut ws.padded[0],
            pad: convs[0].pad,
        };
        pass_on(input, convs[0].c_in, convs[0].s_in, &mut first);
        for (l, c) in convs.iter().enumerate() {
            let (before, after) = ws.padded.split_at_mut(l + 1);
            let acts = &mut ws.acts[l];
            let kernels = &params[c.w_off..c.b_off()];
            let biases = &params[c.b_off()..c.b_off() + c.c_out];
            convolve(c, kernels, biases, &before[l], acts);
            apply(activation, acts);
            let mut next = match (after.first_mut(), convs.get(l + 1)) {
                (Some(buffer), Some(n)) => Destination { buffer, pad: n.pad },
                _ => Destination {
                    buffer: &mut ws.flat,
                    pad: 0,
                },
            };
            if c.pool {
                pool(c, acts, &mut next, &mut ws.chosen[l]);
            } else {
                pass_on(acts, c.c_out, c.s_conv, &mut next);
            }
        }
        let g = &self.geometry;
        let weights = &params[g.dense_off..g.dense_off + CLASSES * g.dense_in];
        let biases = &params[g.dense_off + CLASSES * g.dense_in..g.dim];
        for ((logit, row), bias) in ws
            .logits
            .iter_mut()
            .zip(weights.chunks_exact(g.dense_in))
            .zip(biases)
        {
            let mut s = 0.0;
            for (w, x) in row.iter().zip(&ws.flat) {
                s += w * x;
            }
            *logit = s + bias;
        }
    }

    /// Adds the gradient of one sample's loss into `grad`, from `∂ℓ/∂logits` and the forward
    /// pass recorded in `ws` (module doc, "Loss").
    fn backward(&self, params: &[f64], dlogits: &[f64], ws: &mut Workspace, grad: &mut [f64]) {
        let g = &self.geometry;
        let activation = self.spec.activation;
        let n = g.dense_in;
        let wd = g.dense_off;
        let bd = wd + CLASSES * n;
        let delta = &mut ws.delta_out[..n];
        delta.fill(0.0);
        for (j, &d) in dlogits.iter().enumerate() {
            grad[bd + j] += d;
            let grow = &mut grad[wd + j * n..wd + (j + 1) * n];
            for (gw, x) in grow.iter_mut().zip(&ws.flat) {
                *gw += d * x;
            }
            let row = &params[wd + j * n..wd + (j + 1) * n];
            for (dx, w) in delta.iter_mut().zip(row) {
                *dx += w * d;
            }
        }
        for (l, c) in g.convs.iter().enumerate().rev() {
            let acts = &ws.acts[l];
            ws.active.clear();
            let delta = |index: usize, d: f64| d * activation.derivative_from_output(acts[index]);
            if c.pool {
                // Only the inputs a pool took receive a gradient. Each pooled row's window spans
                // two rows of the maps: its picks in the upper row, then those in the lower,
                // keep the entries in index order.
                let (side, s_out) = (c.s_conv, c.s_out);
                for (row, chosen) in ws.chosen[l].chunks_exact(s_out).enumerate() {
                    let upper_end = (row / s_out * side + 2 * (row % s_out) + 1) * side;
                    let deltas = &ws.delta_out[row * s_out..(row + 1) * s_out];
                    for lower in [false, true] {
                        for (&index, &d) in chosen.iter().zip(deltas) {
                            if (index >= upper_end) == lower {
                                let d = delta(index, d);
                                if d != 0.0 {
                                    ws.active.push((index, d));
                                }
                            }
                        }
                    }
                }
            } else {
                for (index, &d) in ws.delta_out[..c.conv_len()].iter().enumerate() {
                    let d = delta(index, d);
                    if d != 0.0 {
                        ws.active.push((index, d));
                    }
                }
            }
            let kernels = &params[c.w_off..c.b_off()];
            if l == 0 {
                // The first convolution's input is the image, which needs no gradient.
                correlate_back(c, kernels, &ws.padded[l], &ws.active, grad, None);
                continue;
            }
            let delta_in = &mut ws.delta_in[..padded_len(c)];
            delta_in.fill(0.0);
            correlate_back(c, kernels, &ws.padded[l], &ws.active, grad, Some(delta_in));
            // The interior of the padded gradient is `∂ℓ/∂(the layer below's output)`.
            let source = Destination {
                buffer: delta_in,
                pad: c.pad,
            };
            let side = c.s_in;
            for ch in 0..c.c_in {
                for y in 0..side {
                    let from = source.row(ch, side, y);
                    let to = (ch * side + y) * side;
                    ws.delta_out[to..to + side].copy_from_slice(&source.buffer[from..from + side]);
                }
            }
        }
    }

    fn check_params(&self, params: &[f64]) {
        assert_eq!(
            params.len(),
            self.geometry.dim,
            "the cnn has {} parameters, got {}",
            self.geometry.dim,
            params.len()
        );
    }
}

/// `z = b + W ⋆ in` for one convolution (module doc), from its zero-bordered input maps
/// `padded`, into `out` (`[C_out][s][s]`).
///
/// Each input channel's 3×3 window is read once per output position and serves every output
/// channel; each output's sum runs over the input channels, then the kernel's rows and columns,
/// the bias added last.
fn convolve(c: &ConvShape, kernels: &[f64], biases: &[f64], padded: &[f64], out: &mut [f64]) {
    const TAPS: usize = KERNEL * KERNEL;
    let sp = padded_side(c);
    let area = sp * sp;
    let s_out = c.s_conv;
    for y in 0..s_out {
        for x in 0..s_out {
            let mut sums = [0.0; MAX_CHANNELS];
            let sums = &mut sums[..c.c_out];
            for i in 0..c.c_in {
                let at = i * area + y * sp + x;
                let (r0, r1, r2) = (
                    &padded[at..at + KERNEL],
                    &padded[at + sp..at + sp + KERNEL],
                    &padded[at + 2 * sp..at + 2 * sp + KERNEL],
                );
                let window = [
                    r0[0], r0[1], r0[2], r1[0], r1[1], r1[2], r2[0], r2[1], r2[2],
                ];
                for (o, sum) in sums.iter_mut().enumerate() {
                    let k0 = (o * c.c_in + i) * TAPS;
                    let k = &kernels[k0..k0 + TAPS];
                    let mut s = *sum;
                    for t in 0..TAPS {
                        s += k[t] * window[t];
                    }
                    *sum = s;
                }
            }
            let position = y * s_out + x;
            for (o, (sum, bias)) in sums.iter().zip(biases).enumerate() {
                out[o * s_out * s_out + position] = sum + bias;
            }
        }
    }
}

/// The gradients of one convolution from the non-zero entries of `δ = ∂ℓ/∂z`, `active`, in
/// index order (module doc, "Loss"): adds `∂ℓ/∂W` and `∂ℓ/∂b` into `grad` at the convolution's
/// offsets and, when given, `∂ℓ/∂in` into `delta_in`, laid out as the padded input maps (its
/// border is written and ignored). Each sum runs over the outputs in row order.
fn correlate_back(
    c: &ConvShape,
    kernels: &[f64],
    padded: &[f64],
    active: &[(usize, f64)],
    grad: &mut [f64],
    mut delta_in: Option<&mut [f64]>,
) {
    let sp = padded_side(c);
    let area = sp * sp;
    let s_out = c.s_conv;
    let per_output = c.c_in * KERNEL * KERNEL;
    let (w_off, b_off) = (c.w_off, c.b_off());
    let mut bias_sums = [0.0; MAX_CHANNELS];
    for &(index, d) in active {
        let o = index / (s_out * s_out);
        let (y, x) = ((index / s_out) % s_out, index % s_out);
        bias_sums[o] += d;
        let k_off = o * per_output;
        for i in 0..c.c_in {
            let at = i * area + y * sp + x;
            let k0 = k_off + i * KERNEL * KERNEL;
            let gk = &mut grad[w_off + k0..w_off + k0 + KERNEL * KERNEL];
            for u in 0..KERNEL {
                let row = &padded[at + u * sp..at + u * sp + KERNEL];
                let g_row = &mut gk[u * KERNEL..u * KERNEL + KERNEL];
                g_row[0] += d * row[0];
                g_row[1] += d * row[1];
                g_row[2] += d * row[2];
            }
            if let Some(delta_in) = delta_in.as_deref_mut() {
                let k = &kernels[k0..k0 + KERNEL * KERNEL];
                for u in 0..KERNEL {
                    let row = &mut delta_in[at + u * sp..at + u * sp + KERNEL];
                    let k_row = &k[u * KERNEL..u * KERNEL + KERNEL];
                    row[0] += k_row[0] * d;
                    row[1] += k_row[1] * d;
                    row[2] += k_row[2] * d;
                }
            }
        }
    }
    for (g, sum) in grad[b_off..b_off + c.c_out].iter_mut().zip(bias_sums) {
        *g += sum;
    }
}

/// Copies maps `[channels][side][side]` to `to` (into the interior of its padded maps).
fn pass_on(maps: &[f64], channels: usize, side: usize, to: &mut Destination) {
    for ch in 0..channels {
        for y in 0..side {
            let from = (ch * side + y) * side;
            let at = to.row(ch, side, y);
            to.buffer[at..at + side].copy_from_slice(&maps[from..from + side]);
        }
    }
}

/// Applies the activation in place.
fn apply(activation: Activation, values: &mut [f64]) {
    match activation {
        Activation::Linear => {}
        _ => {
            for v in values.iter_mut() {
                *v = activation.apply(*v);
            }
        }
    }
}

/// The 2×2, stride-2 max-pool of `acts` into `out`, recording each output's chosen input: the
/// first of equals in row order (module doc).
fn pool(c: &ConvShape, acts: &[f64], out: &mut Destination, chosen: &mut [usize]) {
    let (s, s_out) = (c.s_conv, c.s_out);
    for ch in 0..c.c_out {
        for py in 0..s_out {
            let at = out.row(ch, s_out, py);
            for px in 0..s_out {
                let mut best = (ch * s + 2 * py) * s + 2 * px;
                for (dy, dx) in [(0, 1), (1, 0), (1, 1)] {
                    let at = (ch * s + 2 * py + dy) * s + 2 * px + dx;
                    if acts[at] > acts[best] || acts[at].is_nan() {
                        best = at;
                    }
                }
                out.buffer[at + px] = acts[best];
                chosen[(ch * s_out + py) * s_out + px] = best;
            }
        }
    }
}

/// The seeded starting parameters (module doc, "Initialisation").
fn draw_weights(geometry: &Geometry, init: Init, scale: f64, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ INIT_STREAM);
    let mut params = Vec::with_capacity(geometry.dim);
    let area = KERNEL * KERNEL;
    for c in &geometry.convs {
        for _ in 0..c.weight_count() {
            params.push(scale * init.draw(&mut rng, c.c_in * area, c.c_out * area));
        }
        params.extend(std::iter::repeat_n(0.0, c.c_out));
    }
    for _ in 0..CLASSES * geometry.dense_in {
        params.push(scale * init.draw(&mut rng, geometry.dense_in, CLASSES));
    }
    params.extend(std::iter::repeat_n(0.0, CLASSES));
    params
}

impl Objective for Cnn {
    fn dim(&self) -> usize {
        self.geometry.dim
    }

    fn sample_count(&self) -> usize {
        self.train.len()
    }

    fn loss(&self, params: &[f64]) -> f64 {
        let all: Vec<&Sample> = self.train.iter().collect();
        self.mean_loss(params, &all, None)
    }

    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        let all: Vec<&Sample> = self.train.iter().collect();
        self.mean_loss(params, &all, Some(grad))
    }

    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        let samples: Vec<&Sample> = batch.iter().filter_map(|&i| self.train.get(i)).collect();
        self.mean_loss(params, &samples, Some(grad))
    }
}

#[cfg(test)]
mod tests;
