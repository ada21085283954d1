//! A tiny convolutional network on the 8×8 handwritten digits ([`crate::data::digits`]),
//! trained by cross-entropy over the ten classes.
//!
//! # Network
//!
//! The image enters as one channel of 8×8 values `x = pixel / 16 ∈ [0, 1]`. Each of one or two
//! convolutions ([`CnnSpec::convs`]) maps `C_in` channels to `C_out` (1–8) with 3×3 kernels,
//! stride 1 and zero padding `p ∈ {0, 1}`, exactly `torch.nn.Conv2d(C_in, C_out, 3, padding=p)`
//! (a cross-correlation):
//!
//! ```text
//! z[o, y, x] = b[o] + Σ_i Σ_{u,v ∈ 0..3} W[o, i, u, v] · in[i, y + u − p, x + v − p]
//! ```
//!
//! (`in` is 0 outside the map), so the side goes from `s` to `s + 2p − 2`. Then the activation
//! `a = σ(z)` (`relu`, `tanh`, `sigmoid` or `linear`, as the MLP's, [`Activation`]), then, when
//! asked, a 2×2 max-pool of stride 2, `torch.nn.MaxPool2d(2)`: side `⌊s / 2⌋`, each output the
//! largest of its window, the gradient routed to that one input — the first of equals in row
//! order, as PyTorch's CPU kernel (which keeps a maximum only when a later value is strictly
//! larger). The last maps, flattened channel by channel and row by row (`torch.flatten`), feed a
//! dense layer `torch.nn.Linear(n, 10)` whose ten outputs are the logits.
//!
//! # Loss
//!
//! The mean over the samples `S` of the cross-entropy of the logits, `F.cross_entropy` —
//! [`cross_entropy`], the network lab's `ce` loss: `L_S(θ) = (1/|S|) Σ_{i∈S} −log p_{yᵢ}(xᵢ)`
//! with `p` the softmax of the logits. The gradient is backpropagation's (Rumelhart, Hinton &
//! Williams, 1986; for convolutions LeCun et al., "Gradient-based learning applied to document
//! recognition", 1998, §II): `∂L/∂W[o,i,u,v] = Σ_{y,x} δ[o,y,x] · in[i, y+u−p, x+v−p]`,
//! `∂L/∂b[o] = Σ_{y,x} δ[o,y,x]` and `∂L/∂in[i,·,·]` the full correlation of `δ` with the
//! flipped kernels, where `δ = ∂L/∂z`.
//!
//! # Parameters
//!
//! In PyTorch's `named_parameters()` order: each convolution's kernels `[C_out][C_in][3][3]` then
//! its biases, then the dense weights `[10][n]` and its ten biases. The default network (8
//! channels, padding 1, pool) has `8·9 + 8 + 10·128 + 10 = 1370`.
//!
//! # Initialisation
//!
//! Given `weights` are the starting parameters. Otherwise one `rand_pcg::Pcg64Mcg` seeded with
//! `seed ^` [`INIT_STREAM`] (as the MLP's) draws every weight in parameter order with the MLP's
//! initialisers ([`Init`]), with PyTorch's fans for a convolution, `fan_in = C_in·9` and
//! `fan_out = C_out·9` (`torch.nn.init._calculate_fan_in_and_fan_out`), times `init_scale`;
//! biases start at 0.
//!
//! # Evaluation
//!
//! One sample at a time through a workspace allocated once per network: the forward pass keeps
//! every layer's input and activation and each pool's chosen inputs, the backward pass adds the
//! sample's gradient into the batch's, divided by the batch size at the end.

mod geometry;
mod spec;

pub use geometry::{ConvShape, Geometry, KERNEL, MAX_CHANNELS, MAX_CONVS};
pub use spec::{CnnSpec, ConvSpec};

use std::cell::RefCell;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::data::digits::{self, Digit, CLASSES, MAX_PIXEL, PIXELS};
use crate::objective::mlp::{argmax, cross_entropy, softmax, Activation, Init, INIT_STREAM};
use crate::objective::Objective;
use crate::read::{Problem, Refusal};

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

/// The forward pass's record of one sample, and the backward pass's scratch.
#[derive(Clone, Debug)]
struct Workspace {
    /// Each convolution's input maps, then the dense layer's input.
    inputs: Vec<Vec<f64>>,
    /// Each convolution's activations before pooling.
    acts: Vec<Vec<f64>>,
    /// For each pooled output, the index (into `acts`) of the input it took.
    chosen: Vec<Vec<usize>>,
    /// The logits, then `∂ℓ/∂logits`.
    logits: [f64; CLASSES],
    /// `∂ℓ/∂(a layer's output)`, being read.
    delta_out: Vec<f64>,
    /// `∂ℓ/∂z` of the current convolution.
    delta_z: Vec<f64>,
    /// `∂ℓ/∂(its input)`, being written.
    delta_in: Vec<f64>,
}

impl Workspace {
    fn new(geometry: &Geometry) -> Workspace {
        let widest = geometry
            .convs
            .iter()
            .map(|c| c.conv_len().max(c.in_len()))
            .max()
            .unwrap_or(0)
            .max(geometry.dense_in);
        let mut inputs: Vec<Vec<f64>> = geometry
            .convs
            .iter()
            .map(|c| vec![0.0; c.in_len()])
            .collect();
        inputs.push(vec![0.0; geometry.dense_in]);
        Workspace {
            inputs,
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
            delta_out: vec![0.0; widest],
            delta_z: vec![0.0; widest],
            delta_in: vec![0.0; widest],
        }
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
        ws.inputs[0].copy_from_slice(input);
        for (l, c) in self.geometry.convs.iter().enumerate() {
            let (before, after) = ws.inputs.split_at_mut(l + 1);
            let source = &before[l];
            let acts = &mut ws.acts[l];
            let kernels = &params[c.w_off..c.b_off()];
            let biases = &params[c.b_off()..c.b_off() + c.c_out];
            convolve(c, kernels, biases, source, acts);
            apply(activation, acts);
            let next = &mut after[0];
            if c.pool {
                pool(c, acts, next, &mut ws.chosen[l]);
            } else {
                next.copy_from_slice(acts);
            }
        }
        let g = &self.geometry;
        let flat = &ws.inputs[g.convs.len()];
        let weights = &params[g.dense_off..g.dense_off + CLASSES * g.dense_in];
        let biases = &params[g.dense_off + CLASSES * g.dense_in..g.dim];
        for (j, logit) in ws.logits.iter_mut().enumerate() {
            let row = &weights[j * g.dense_in..(j + 1) * g.dense_in];
            let mut s = 0.0;
            for (w, x) in row.iter().zip(flat) {
                s += w * x;
            }
            *logit = s + biases[j];
        }
    }

    /// Adds the gradient of one sample's loss into `grad`, from `∂ℓ/∂logits` and the forward
    /// pass recorded in `ws` (module doc, "Loss").
    fn backward(&self, params: &[f64], dlogits: &[f64], ws: &mut Workspace, grad: &mut [f64]) {
        let g = &self.geometry;
        let activation = self.spec.activation;
        let last = g.convs.len();
        let n = g.dense_in;
        let wd = g.dense_off;
        let bd = wd + CLASSES * n;
        let flat = &ws.inputs[last];
        let delta = &mut ws.delta_out[..n];
        delta.fill(0.0);
        for (j, &d) in dlogits.iter().enumerate() {
            grad[bd + j] += d;
            let grow = &mut grad[wd + j * n..wd + (j + 1) * n];
            for (gw, x) in grow.iter_mut().zip(flat) {
                *gw += d * x;
            }
            let row = &params[wd + j * n..wd + (j + 1) * n];
            for (dx, w) in delta.iter_mut().zip(row) {
                *dx += w * d;
            }
        }
        for (l, c) in g.convs.iter().enumerate().rev() {
            let acts = &ws.acts[l];
            let delta_z = &mut ws.delta_z[..c.conv_len()];
            if c.pool {
                delta_z.fill(0.0);
                for (k, &index) in ws.chosen[l].iter().enumerate() {
                    delta_z[index] += ws.delta_out[k];
                }
            } else {
                delta_z.copy_from_slice(&ws.delta_out[..c.conv_len()]);
            }
            for (d, &a) in delta_z.iter_mut().zip(acts) {
                *d *= activation.derivative_from_output(a);
            }
            let need_input = l > 0;
            let delta_in = &mut ws.delta_in[..c.in_len()];
            delta_in.fill(0.0);
            correlate_back(
                c,
                &params[c.w_off..c.b_off()],
                &ws.inputs[l],
                delta_z,
                grad,
                need_input.then_some(delta_in),
            );
            if need_input {
                let len = c.in_len();
                ws.delta_out[..len].copy_from_slice(&ws.delta_in[..len]);
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

/// `z = b + W ⋆ in` for one convolution (module doc), into `out` (`[C_out][s][s]`).
fn convolve(c: &ConvShape, kernels: &[f64], biases: &[f64], input: &[f64], out: &mut [f64]) {
    let (s_in, s_out) = (c.s_in, c.s_conv);
    let area = s_in * s_in;
    for o in 0..c.c_out {
        for y in 0..s_out {
            let (u_lo, u_hi) = window(c, y);
            for x in 0..s_out {
                let (v_lo, v_hi) = window(c, x);
                let mut s = 0.0;
                for i in 0..c.c_in {
                    let k0 = (o * c.c_in + i) * KERNEL * KERNEL;
                    let m0 = i * area;
                    for u in u_lo..u_hi {
                        let row = m0 + (y + u - c.pad) * s_in + x;
                        for v in v_lo..v_hi {
                            s += kernels[k0 + u * KERNEL + v] * input[row + v - c.pad];
                        }
                    }
                }
                out[(o * s_out + y) * s_out + x] = s + biases[o];
            }
        }
    }
}

/// The gradients of one convolution from `δ = ∂ℓ/∂z` (module doc, "Loss"): adds `∂ℓ/∂W` and
/// `∂ℓ/∂b` into `grad` at the convolution's offsets and writes `∂ℓ/∂in` into `delta_in` when
/// given (the first convolution's input is the image, which needs none).
fn correlate_back(
    c: &ConvShape,
    kernels: &[f64],
    input: &[f64],
    delta_z: &[f64],
    grad: &mut [f64],
    mut delta_in: Option<&mut [f64]>,
) {
    let (s_in, s_out) = (c.s_in, c.s_conv);
    let area = s_in * s_in;
    let (w_off, b_off) = (c.w_off, c.b_off());
    for o in 0..c.c_out {
        let deltas = &delta_z[o * s_out * s_out..(o + 1) * s_out * s_out];
        grad[b_off + o] += deltas.iter().sum::<f64>();
        for i in 0..c.c_in {
            let k0 = (o * c.c_in + i) * KERNEL * KERNEL;
            let m0 = i * area;
            for y in 0..s_out {
                let (u_lo, u_hi) = window(c, y);
                for x in 0..s_out {
                    let d = deltas[y * s_out + x];
                    if d == 0.0 {
                        continue;
                    }
                    let (v_lo, v_hi) = window(c, x);
                    for u in u_lo..u_hi {
                        let row = m0 + (y + u - c.pad) * s_in + x;
                        for v in v_lo..v_hi {
                            grad[w_off + k0 + u * KERNEL + v] += d * input[row + v - c.pad];
                        }
                        if let Some(delta_in) = delta_in.as_deref_mut() {
                            for v in v_lo..v_hi {
                                delta_in[row + v - c.pad] += kernels[k0 + u * KERNEL + v] * d;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The kernel rows (or columns) `lo..hi` that fall inside the input map at output row (or
/// column) `at`: padding reads zeros, so the others add nothing.
#[inline]
fn window(c: &ConvShape, at: usize) -> (usize, usize) {
    let lo = c.pad.saturating_sub(at);
    let hi = KERNEL.min(c.s_in + c.pad - at);
    (lo, hi)
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
fn pool(c: &ConvShape, acts: &[f64], out: &mut [f64], chosen: &mut [usize]) {
    let (s, s_out) = (c.s_conv, c.s_out);
    for ch in 0..c.c_out {
        for py in 0..s_out {
            for px in 0..s_out {
                let mut best = (ch * s + 2 * py) * s + 2 * px;
                for (dy, dx) in [(0, 1), (1, 0), (1, 1)] {
                    let at = (ch * s + 2 * py + dy) * s + 2 * px + dx;
                    if acts[at] > acts[best] || acts[at].is_nan() {
                        best = at;
                    }
                }
                let k = (ch * s_out + py) * s_out + px;
                out[k] = acts[best];
                chosen[k] = best;
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
