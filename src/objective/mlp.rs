//! A small multilayer perceptron on 2-D inputs, trained by binary cross-entropy or squared error.
//!
//! # Network
//!
//! `layers = [2, h₁, …, h_k, 1]` (`0 ≤ k ≤ 6`, `1 ≤ hⱼ ≤ 16`). Layer `l` maps `a⁽ˡ⁾` to
//! `z⁽ˡ⁺¹⁾ = W⁽ˡ⁾ a⁽ˡ⁾ + b⁽ˡ⁾` with `W⁽ˡ⁾` of shape `[out][in]`, exactly `torch.nn.Linear`. Hidden
//! layers apply the activation `a = σ(z)`; the last layer is linear, so the network output `z` is a
//! logit (for `bce`) or the prediction itself (for `mse`):
//!
//! | activation | σ(z)                 | σ′ in terms of the output `a` (as torch's backward) |
//! |------------|----------------------|------------------------------------------------------|
//! | `tanh`     | `tanh z`             | `1 − a²`                                             |
//! | `relu`     | `max(z, 0)`          | `1` if `a > 0`, else `0` (torch's choice at `z = 0`)  |
//! | `sigmoid`  | `1 / (1 + e^(−z))`   | `a·(1 − a)`                                          |
//! | `linear`   | `z`                  | `1`                                                  |
//!
//! # Loss
//!
//! On a set `S` of samples `(xᵢ, yᵢ)` with network output `zᵢ` the loss is a mean, as the torch
//! losses with reduction `"mean"`:
//!
//! * `bce` — `torch.nn.BCEWithLogitsLoss`: `ℓ(z, y) = max(z, 0) − z·y + log(1 + e^(−|z|))`
//!   (the overflow-free form of `−[y log s(z) + (1 − y) log(1 − s(z))]`, `s` the logistic
//!   function), `∂ℓ/∂z = s(z) − y`; labels must be exactly `0` or `1`.
//! * `mse` — `torch.nn.MSELoss`: `ℓ(z, y) = (z − y)²`, `∂ℓ/∂z = 2(z − y)`.
//!
//! `L_S(θ) = (1/|S|) Σ_{i∈S} ℓ(zᵢ, yᵢ) + R(θ)` with the optional L2 penalty on the weight
//! matrices only (no biases):
//!
//! ```text
//! R(θ) = (λ/2) Σ_l Σ_{o,i} (W⁽ˡ⁾_{o,i})²,    ∂R/∂W⁽ˡ⁾ = λ W⁽ˡ⁾,    ∂R/∂b⁽ˡ⁾ = 0
//! ```
//!
//! In PyTorch this is `loss + lam / 2 * sum((lin.weight ** 2).sum() for lin in linears)`; it is
//! *not* `torch.optim`'s `weight_decay`, which also decays biases and is no part of the loss.
//! `R` does not depend on the samples, so it is added once to every batch loss and the full loss
//! is still the size-weighted mean of the batch losses of any partition.
//!
//! # Parameters
//!
//! Flattened layer by layer, each layer's `W` row-major then its `b`: `[2, 4, 1]` has
//! `2·4 + 4 + 4·1 + 1 = 17` parameters.
//!
//! # Evaluation
//!
//! Forward and backward passes run over a whole batch at once in matrix form (one sample-major
//! buffer per layer), in chunks of at most [`CHUNK`] samples, in a workspace allocated once per
//! network — no heap allocation per call.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::Objective;

/// Samples per forward/backward chunk; bounds the workspace at `CHUNK · Σ layers` numbers.
pub const CHUNK: usize = 256;

/// Most hidden layers accepted.
pub const MAX_HIDDEN_LAYERS: usize = 6;

/// Most units in a hidden layer.
pub const MAX_HIDDEN_UNITS: usize = 16;

/// The nonlinearity of the hidden layers (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// `tanh z`, as `torch.tanh`.
    Tanh,
    /// `max(z, 0)`, as `torch.relu`.
    Relu,
    /// `1 / (1 + e^(−z))`, as `torch.sigmoid`.
    Sigmoid,
    /// The identity.
    Linear,
}

impl Activation {
    /// `σ(z)`.
    #[inline]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
            Activation::Sigmoid => logistic(z),
            Activation::Linear => z,
        }
    }

    /// `σ′(z)` expressed through the output `a = σ(z)`, as torch's backward formulas compute it.
    #[inline]
    pub fn derivative_from_output(self, a: f64) -> f64 {
        match self {
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Linear => 1.0,
        }
    }
}

/// The per-sample loss of the network output (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MlpLoss {
    /// Binary cross-entropy on logits, as `torch.nn.BCEWithLogitsLoss`; labels 0 or 1.
    Bce,
    /// Squared error, as `torch.nn.MSELoss`.
    Mse,
}

impl MlpLoss {
    /// `(ℓ(z, y), ∂ℓ/∂z)` for output `z` and target `y`.
    #[inline]
    pub fn value_and_derivative(self, z: f64, y: f64) -> (f64, f64) {
        match self {
            MlpLoss::Bce => (
                z.max(0.0) - z * y + (-z.abs()).exp().ln_1p(),
                logistic(z) - y,
            ),
            MlpLoss::Mse => {
                let r = z - y;
                (r * r, 2.0 * r)
            }
        }
    }
}

/// The logistic function `1 / (1 + e^(−z))` (saturates to exactly 0 or 1, never `NaN`).
#[inline]
pub fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One linear layer's parameters: `w` is `[out][in]`, `b` is `[out]`, as `torch.nn.Linear`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerWeights {
    /// Weight matrix, one row per output unit.
    pub w: Vec<Vec<f64>>,
    /// Bias, one entry per output unit.
    pub b: Vec<f64>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// The serde form of an MLP objective (the outer `"kind":"mlp"` tag belongs to the objective
/// enum): `{"layers":[2,4,1],"activation":"tanh","loss":"bce","points":[[x1,x2,label],...],
/// "weights":[{"w":[[..],..],"b":[..]},...],"l2":0.0}`. Checked by [`Mlp::new`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpSpec {
    /// Units per layer, input (2) first, output (1) last.
    pub layers: Vec<usize>,
    /// Nonlinearity of the hidden layers.
    pub activation: Activation,
    /// Per-sample loss.
    pub loss: MlpLoss,
    /// Samples `[x1, x2, target]`.
    pub points: Vec<[f64; 3]>,
    /// Initial weights, one entry per linear layer. Required for now; a seeded initialiser will
    /// stand in when they are absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<LayerWeights>>,
    /// L2 penalty strength `λ ≥ 0` on weight matrices (module doc); `0` when absent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub l2: f64,
}

impl MlpSpec {
    /// Checks every field; the message names the first offending one, e.g.
    /// `"weights[1].w: expected 1 rows of 4, got 2 rows"`.
    pub fn validate(&self) -> Result<(), String> {
        let layers = &self.layers;
        if layers.len() < 2 {
            return Err(format!(
                "layers: expected at least 2 entries (input and output), got {}",
                layers.len()
            ));
        }
        if layers[0] != 2 {
            return Err(format!(
                "layers[0]: the input layer must have 2 units, got {}",
                layers[0]
            ));
        }
        let last = layers.len() - 1;
        if layers[last] != 1 {
            return Err(format!(
                "layers[{last}]: the output layer must have 1 unit, got {}",
                layers[last]
            ));
        }
        if last - 1 > MAX_HIDDEN_LAYERS {
            return Err(format!(
                "layers: at most {MAX_HIDDEN_LAYERS} hidden layers are allowed, got {}",
                last - 1
            ));
        }
        for (l, &units) in layers.iter().enumerate().take(last).skip(1) {
            if !(1..=MAX_HIDDEN_UNITS).contains(&units) {
                return Err(format!(
                    "layers[{l}]: a hidden layer must have 1 to {MAX_HIDDEN_UNITS} units, got {units}"
                ));
            }
        }
        if self.points.is_empty() {
            return Err("points: at least 1 point is required".to_string());
        }
        for (i, point) in self.points.iter().enumerate() {
            for (j, value) in point.iter().enumerate() {
                if !value.is_finite() {
                    return Err(format!("points[{i}][{j}] is not finite"));
                }
            }
            if self.loss == MlpLoss::Bce && point[2] != 0.0 && point[2] != 1.0 {
                return Err(format!(
                    "points[{i}][2]: a bce label must be 0 or 1, got {}",
                    point[2]
                ));
            }
        }
        if !self.l2.is_finite() || self.l2 < 0.0 {
            return Err(format!("l2: must be a finite number ≥ 0, got {}", self.l2));
        }
        let Some(weights) = &self.weights else {
            return Err(
                "weights: required (seeded initialisation is not available yet)".to_string(),
            );
        };
        if weights.len() != last {
            return Err(format!(
                "weights: expected {last} layers for layers {layers:?}, got {}",
                weights.len()
            ));
        }
        for (l, layer) in weights.iter().enumerate() {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            if layer.w.len() != n_out {
                return Err(format!(
                    "weights[{l}].w: expected {n_out} rows of {n_in}, got {} rows",
                    layer.w.len()
                ));
            }
            for (o, row) in layer.w.iter().enumerate() {
                if row.len() != n_in {
                    return Err(format!(
                        "weights[{l}].w[{o}]: expected {n_in} entries, got {}",
                        row.len()
                    ));
                }
                if let Some(i) = row.iter().position(|v| !v.is_finite()) {
                    return Err(format!("weights[{l}].w[{o}][{i}] is not finite"));
                }
            }
            if layer.b.len() != n_out {
                return Err(format!(
                    "weights[{l}].b: expected {n_out} entries, got {}",
                    layer.b.len()
                ));
            }
            if let Some(o) = layer.b.iter().position(|v| !v.is_finite()) {
                return Err(format!("weights[{l}].b[{o}] is not finite"));
            }
        }
        Ok(())
    }
}

/// Scratch buffers for one chunk, sized once from the architecture.
#[derive(Clone, Debug)]
struct Workspace {
    /// Layer `l`'s activations (`l = 0` the inputs, the last the linear output), sample-major,
    /// starting at `Mlp::act_offsets[l]`.
    acts: Vec<f64>,
    /// `∂L/∂z` of the current layer's outputs, sample-major.
    delta: Vec<f64>,
    /// `∂L/∂z` of the layer below, being computed.
    delta_prev: Vec<f64>,
}

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

/// A validated MLP objective (see the module doc); build it with [`Mlp::new`].
///
/// Holds a scratch workspace behind a `RefCell`, so it is `Send` but not `Sync`.
#[derive(Clone, Debug)]
pub struct Mlp {
    spec: MlpSpec,
    /// Offset of each layer's `W` in the flat parameter vector (its `b` follows `W`).
    param_offsets: Vec<usize>,
    /// Offset of each layer's activation block in the workspace.
    act_offsets: Vec<usize>,
    dim: usize,
    workspace: RefCell<Workspace>,
}

impl Mlp {
    /// Validates `spec` ([`MlpSpec::validate`]) and builds the objective.
    pub fn new(spec: MlpSpec) -> Result<Mlp, String> {
        spec.validate()?;
        let mut param_offsets = Vec::with_capacity(spec.layers.len() - 1);
        let mut dim = 0;
        for pair in spec.layers.windows(2) {
            param_offsets.push(dim);
            dim += pair[0] * pair[1] + pair[1];
        }
        let mut act_offsets = Vec::with_capacity(spec.layers.len());
        let mut total = 0;
        for &units in &spec.layers {
            act_offsets.push(total);
            total += CHUNK * units;
        }
        let widest = spec.layers.iter().copied().max().unwrap_or(1);
        let workspace = Workspace {
            acts: vec![0.0; total],
            delta: vec![0.0; CHUNK * widest],
            delta_prev: vec![0.0; CHUNK * widest],
        };
        Ok(Mlp {
            spec,
            param_offsets,
            act_offsets,
            dim,
            workspace: RefCell::new(workspace),
        })
    }

    /// The validated spec this network was built from.
    pub fn spec(&self) -> &MlpSpec {
        &self.spec
    }

    /// Units per layer, input first.
    pub fn layers(&self) -> &[usize] {
        &self.spec.layers
    }

    /// The spec's weights flattened in parameter order (each layer's `W` row-major, then `b`).
    pub fn initial_params(&self) -> Vec<f64> {
        let mut params = Vec::with_capacity(self.dim);
        for layer in self.spec.weights.iter().flatten() {
            for row in &layer.w {
                params.extend_from_slice(row);
            }
            params.extend_from_slice(&layer.b);
        }
        params
    }

    /// Whether the network is a binary classifier (`bce` loss), so [`Mlp::accuracy`] is defined.
    pub fn is_classifier(&self) -> bool {
        self.spec.loss == MlpLoss::Bce
    }

    /// The loss `L_S(θ)` on the samples `indices` (repeats allowed), penalty included, without
    /// the gradient; `loss_on(θ, 0..n)` equals [`Objective::loss`]. An empty set contributes a
    /// data term of `0`.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or an index is out of range.
    pub fn loss_on(&self, params: &[f64], indices: &[usize]) -> f64 {
        self.evaluate(params, Samples::Batch(indices), None)
    }

    /// The fraction of `indices` classified correctly, predicting label 1 where the logit is
    /// positive (probability `> 0.5`). `NaN` for an `mse` network or an empty set.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or an index is out of range.
    pub fn accuracy(&self, params: &[f64], indices: &[usize]) -> f64 {
        if !self.is_classifier() || indices.is_empty() {
            return f64::NAN;
        }
        let mut correct = 0usize;
        self.for_each_output(
            params,
            indices.len(),
            |k| {
                let p = &self.spec.points[indices[k]];
                [p[0], p[1]]
            },
            |k, z| {
                let label = self.spec.points[indices[k]][2];
                if (z > 0.0) == (label == 1.0) {
                    correct += 1;
                }
            },
        );
        correct as f64 / indices.len() as f64
    }

    /// The network's prediction at each of `points` into `out`: the probability `s(z)` of label 1
    /// for `bce`, the raw output `z` for `mse`.
    ///
    /// # Panics
    /// If `params.len() != self.dim()` or `out.len() != points.len()`.
    pub fn predict(&self, params: &[f64], points: &[[f64; 2]], out: &mut [f64]) {
        assert_eq!(
            out.len(),
            points.len(),
            "predict: out must have one entry per point"
        );
        let prob = self.is_classifier();
        self.for_each_output(
            params,
            points.len(),
            |k| points[k],
            |k, z| out[k] = if prob { logistic(z) } else { z },
        );
    }

    /// The prediction (as [`Mlp::predict`]) on the grid `xs × ys`, for a heat map:
    /// `out[j·xs.len() + i]` is the prediction at `(xs[i], ys[j])`, one row per `y`.
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
        let width = xs.len();
        let prob = self.is_classifier();
        self.for_each_output(
            params,
            out.len(),
            |k| [xs[k % width], ys[k / width]],
            |k, z| out[k] = if prob { logistic(z) } else { z },
        );
    }

    /// Borrows the workspace, or builds a fresh one in the (unreachable in practice) case that it
    /// is already borrowed, so that no path panics.
    fn with_workspace<R>(&self, f: impl FnOnce(&mut Workspace) -> R) -> R {
        match self.workspace.try_borrow_mut() {
            Ok(mut ws) => f(&mut ws),
            Err(_) => {
                let mut ws = self.workspace_like();
                f(&mut ws)
            }
        }
    }

    fn workspace_like(&self) -> Workspace {
        let widest = self.spec.layers.iter().copied().max().unwrap_or(1);
        let total: usize = self.spec.layers.iter().map(|u| CHUNK * u).sum();
        Workspace {
            acts: vec![0.0; total],
            delta: vec![0.0; CHUNK * widest],
            delta_prev: vec![0.0; CHUNK * widest],
        }
    }

    /// Runs the network on `count` inputs given by `input(k)` and hands each output `z` to
    /// `sink(k, z)`, chunk by chunk.
    fn for_each_output(
        &self,
        params: &[f64],
        count: usize,
        input: impl Fn(usize) -> [f64; 2],
        mut sink: impl FnMut(usize, f64),
    ) {
        self.check_params(params);
        let out_off = self.act_offsets[self.act_offsets.len() - 1];
        self.with_workspace(|ws| {
            for start in (0..count).step_by(CHUNK) {
                let len = CHUNK.min(count - start);
                for k in 0..len {
                    let [x1, x2] = input(start + k);
                    ws.acts[2 * k] = x1;
                    ws.acts[2 * k + 1] = x2;
                }
                self.forward(params, ws, len);
                for (k, &z) in ws.acts[out_off..out_off + len].iter().enumerate() {
                    sink(start + k, z);
                }
            }
        });
    }

    fn check_params(&self, params: &[f64]) {
        assert_eq!(
            params.len(),
            self.dim,
            "mlp {:?} has {} parameters, got {}",
            self.spec.layers,
            self.dim,
            params.len()
        );
    }

    /// `L_S(θ)` and, when `grad` is given, `∇L_S(θ)` written into it (module formulas).
    fn evaluate(&self, params: &[f64], samples: Samples<'_>, grad: Option<&mut [f64]>) -> f64 {
        self.check_params(params);
        let n = samples.len();
        let points = &self.spec.points;
        let out_off = self.act_offsets[self.act_offsets.len() - 1];
        let loss = self.spec.loss;
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
        // ∂(mean)/∂ℓᵢ, as torch's MeanBackward: 1/|S| per sample.
        let scale = 1.0 / n as f64;
        let mut sum = 0.0;
        self.with_workspace(|ws| {
            for start in (0..n).step_by(CHUNK) {
                let len = CHUNK.min(n - start);
                for k in 0..len {
                    let p = &points[samples.get(start + k)];
                    ws.acts[2 * k] = p[0];
                    ws.acts[2 * k + 1] = p[1];
                }
                self.forward(params, ws, len);
                for k in 0..len {
                    let y = points[samples.get(start + k)][2];
                    let (l, d) = loss.value_and_derivative(ws.acts[out_off + k], y);
                    sum += l;
                    ws.delta[k] = d * scale;
                }
                if let Some(g) = grad.as_deref_mut() {
                    self.backward(params, ws, len, g);
                }
            }
        });
        let data = if n == 0 { 0.0 } else { sum / n as f64 };
        data + self.penalty(params, grad)
    }

    /// `R(θ) = (λ/2) Σ W²`, adding `λ W` to `grad` when given.
    fn penalty(&self, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let lambda = self.spec.l2;
        if lambda == 0.0 {
            return 0.0;
        }
        let mut sum_sq = 0.0;
        let mut grad = grad;
        for (l, &off) in self.param_offsets.iter().enumerate() {
            let size = self.spec.layers[l] * self.spec.layers[l + 1];
            let w = &params[off..off + size];
            sum_sq += w.iter().map(|v| v * v).sum::<f64>();
            if let Some(g) = grad.as_deref_mut() {
                for (gk, wk) in g[off..off + size].iter_mut().zip(w) {
                    *gk += lambda * wk;
                }
            }
        }
        0.5 * lambda * sum_sq
    }

    /// Forward pass over the first `len` samples whose inputs are in layer 0 of `ws.acts`:
    /// `a⁽ˡ⁺¹⁾ = σ(W⁽ˡ⁾ a⁽ˡ⁾ + b⁽ˡ⁾)`, the last layer without `σ`.
    fn forward(&self, params: &[f64], ws: &mut Workspace, len: usize) {
        let layers = &self.spec.layers;
        let last = layers.len() - 2;
        let activation = self.spec.activation;
        for l in 0..=last {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            let w_off = self.param_offsets[l];
            let w = &params[w_off..w_off + n_in * n_out];
            let b = &params[w_off + n_in * n_out..w_off + n_in * n_out + n_out];
            let (below, above) = ws.acts.split_at_mut(self.act_offsets[l + 1]);
            let a_in = &below[self.act_offsets[l]..self.act_offsets[l] + len * n_in];
            let a_out = &mut above[..len * n_out];
            for (x, z) in a_in.chunks_exact(n_in).zip(a_out.chunks_exact_mut(n_out)) {
                for ((zo, w_row), &bo) in z.iter_mut().zip(w.chunks_exact(n_in)).zip(b) {
                    let dot = w_row.iter().zip(x).fold(0.0, |acc, (wi, xi)| acc + wi * xi);
                    let pre = dot + bo;
                    *zo = if l == last {
                        pre
                    } else {
                        activation.apply(pre)
                    };
                }
            }
        }
    }

    /// Backward pass after [`Mlp::forward`], with `∂L/∂z` of the output in `ws.delta[..len]`;
    /// accumulates `∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ᵀ a⁽ˡ⁾`, `∂L/∂b⁽ˡ⁾ = Σ δ⁽ˡ⁺¹⁾` into `grad` and propagates
    /// `δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾) ⊙ σ′(a⁽ˡ⁾)`.
    fn backward(&self, params: &[f64], ws: &mut Workspace, len: usize, grad: &mut [f64]) {
        let layers = &self.spec.layers;
        let activation = self.spec.activation;
        for l in (0..layers.len() - 1).rev() {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            let w_off = self.param_offsets[l];
            let w = &params[w_off..w_off + n_in * n_out];
            let a_in = &ws.acts[self.act_offsets[l]..self.act_offsets[l] + len * n_in];
            let delta = &ws.delta[..len * n_out];
            let (g_w, g_b) = grad[w_off..w_off + n_in * n_out + n_out].split_at_mut(n_in * n_out);
            for (x, d) in a_in.chunks_exact(n_in).zip(delta.chunks_exact(n_out)) {
                for ((g_row, gb), &dk) in g_w.chunks_exact_mut(n_in).zip(g_b.iter_mut()).zip(d) {
                    *gb += dk;
                    for (g, &xi) in g_row.iter_mut().zip(x) {
                        *g += dk * xi;
                    }
                }
            }
            if l == 0 {
                break;
            }
            let delta_prev = &mut ws.delta_prev[..len * n_in];
            for ((dp, x), d) in delta_prev
                .chunks_exact_mut(n_in)
                .zip(a_in.chunks_exact(n_in))
                .zip(delta.chunks_exact(n_out))
            {
                dp.fill(0.0);
                for (w_row, &dk) in w.chunks_exact(n_in).zip(d) {
                    for (p, &wi) in dp.iter_mut().zip(w_row) {
                        *p += wi * dk;
                    }
                }
                for (p, &a) in dp.iter_mut().zip(x) {
                    *p *= activation.derivative_from_output(a);
                }
            }
            std::mem::swap(&mut ws.delta, &mut ws.delta_prev);
        }
    }
}

impl Objective for Mlp {
    fn dim(&self) -> usize {
        self.dim
    }

    fn sample_count(&self) -> usize {
        self.spec.points.len()
    }

    fn loss(&self, params: &[f64]) -> f64 {
        self.evaluate(params, Samples::All(self.spec.points.len()), None)
    }

    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluate(params, Samples::All(self.spec.points.len()), Some(grad))
    }

    /// Indices may repeat (sampling with replacement); an index out of range panics. An empty
    /// batch has data loss and gradient `0` (the L2 penalty still applies).
    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        self.evaluate(params, Samples::Batch(batch), Some(grad))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    const TRACES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/torch_traces.json"
    );

    const ACTIVATIONS: [Activation; 4] = [
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Linear,
    ];
    const LOSSES: [MlpLoss; 2] = [MlpLoss::Bce, MlpLoss::Mse];

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
    }

    /// SplitMix64, for reproducible test data.
    struct Rng(u64);

    impl Rng {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in `[lo, hi)`.
        fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn random_spec(
        layers: &[usize],
        activation: Activation,
        loss: MlpLoss,
        n: usize,
        l2: f64,
        seed: u64,
    ) -> MlpSpec {
        let mut rng = Rng(seed);
        let points = (0..n)
            .map(|_| {
                let (x1, x2) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
                let target = match loss {
                    MlpLoss::Bce => f64::from(u8::from(rng.uniform(0.0, 1.0) < 0.5)),
                    MlpLoss::Mse => rng.uniform(-1.0, 1.0),
                };
                [x1, x2, target]
            })
            .collect();
        let weights = layers
            .windows(2)
            .map(|pair| LayerWeights {
                w: (0..pair[1])
                    .map(|_| (0..pair[0]).map(|_| rng.uniform(-1.0, 1.0)).collect())
                    .collect(),
                b: (0..pair[1]).map(|_| rng.uniform(-0.5, 0.5)).collect(),
            })
            .collect();
        MlpSpec {
            layers: layers.to_vec(),
            activation,
            loss,
            points,
            weights: Some(weights),
            l2,
        }
    }

    /// Central finite differences of the batch loss, compared with the analytic gradient.
    fn check_gradient(f: &Mlp, params: &[f64], batch: &[usize], context: &str) {
        let mut grad = vec![0.0; f.dim()];
        let loss = f.batch_loss_and_gradient(params, batch, &mut grad);
        assert!(
            close(loss, f.loss_on(params, batch), 1e-15),
            "{context}: loss_on"
        );
        let mut scratch = vec![0.0; f.dim()];
        let h = 1e-6;
        let mut p = params.to_vec();
        for k in 0..f.dim() {
            p[k] = params[k] + h;
            let plus = f.batch_loss_and_gradient(&p, batch, &mut scratch);
            p[k] = params[k] - h;
            let minus = f.batch_loss_and_gradient(&p, batch, &mut scratch);
            p[k] = params[k];
            let fd = (plus - minus) / (2.0 * h);
            assert!(
                (grad[k] - fd).abs() <= 1e-7 * (1.0 + grad[k].abs()),
                "{context}: ∂/∂θ[{k}] analytic {} vs finite difference {fd}",
                grad[k]
            );
        }
    }

    #[test]
    fn gradient_matches_finite_differences_for_every_combination() {
        let architectures: [&[usize]; 4] = [&[2, 1], &[2, 3, 1], &[2, 4, 3, 1], &[2, 2, 2, 2, 1]];
        let mut seed = 1;
        for activation in ACTIVATIONS {
            for loss in LOSSES {
                for layers in architectures {
                    for l2 in [0.0, 0.3] {
                        seed += 1;
                        let f =
                            Mlp::new(random_spec(layers, activation, loss, 11, l2, seed)).unwrap();
                        let params = f.initial_params();
                        let all: Vec<usize> = (0..f.sample_count()).collect();
                        let context = format!("{activation:?}/{loss:?}/{layers:?}/l2={l2}");
                        check_gradient(&f, &params, &all, &format!("{context} full"));
                        check_gradient(&f, &params, &[3, 7, 0], &format!("{context} subset"));
                        check_gradient(&f, &params, &[5, 5, 9], &format!("{context} repeats"));
                    }
                }
            }
        }
    }

    #[test]
    fn parameter_count_and_flattening() {
        let spec = MlpSpec {
            layers: vec![2, 4, 1],
            activation: Activation::Tanh,
            loss: MlpLoss::Bce,
            points: vec![[0.0, 0.0, 1.0]],
            weights: Some(vec![
                LayerWeights {
                    w: vec![
                        vec![1.0, 2.0],
                        vec![3.0, 4.0],
                        vec![5.0, 6.0],
                        vec![7.0, 8.0],
                    ],
                    b: vec![9.0, 10.0, 11.0, 12.0],
                },
                LayerWeights {
                    w: vec![vec![13.0, 14.0, 15.0, 16.0]],
                    b: vec![17.0],
                },
            ]),
            l2: 0.0,
        };
        let f = Mlp::new(spec).unwrap();
        assert_eq!(f.dim(), 17);
        assert_eq!(
            f.initial_params(),
            (1..=17).map(f64::from).collect::<Vec<_>>()
        );
        assert_eq!(f.sample_count(), 1);
        assert!(f.hessian(&f.initial_params()).is_none());
    }

    #[test]
    fn hand_computed_network() {
        // [2, 1, 1] relu, mse: h = relu(1·x1 − 1·x2 + 0), z = 2h + 0.5.
        let spec = MlpSpec {
            layers: vec![2, 1, 1],
            activation: Activation::Relu,
            loss: MlpLoss::Mse,
            points: vec![[1.0, 0.0, 3.0], [0.0, 1.0, 0.0]],
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
        };
        let f = Mlp::new(spec).unwrap();
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
    fn bce_loss_is_stable_and_matches_naive_form() {
        for z in [-3.0, -0.2, 0.0, 0.7, 4.0] {
            for y in [0.0, 1.0] {
                let s: f64 = logistic(z);
                let naive = -(y * s.ln() + (1.0 - y) * (1.0 - s).ln());
                let (l, d) = MlpLoss::Bce.value_and_derivative(z, y);
                assert!(close(l, naive, 1e-14), "z={z} y={y}");
                assert_eq!(d, s - y);
            }
        }
        let (l, d) = MlpLoss::Bce.value_and_derivative(800.0, 0.0);
        assert_eq!((l, d), (800.0, 1.0));
        let (l, d) = MlpLoss::Bce.value_and_derivative(-800.0, 0.0);
        assert_eq!((l, d), (0.0, 0.0));
    }

    #[test]
    fn predictions_accuracy_and_grid() {
        let f = Mlp::new(random_spec(
            &[2, 5, 1],
            Activation::Tanh,
            MlpLoss::Bce,
            40,
            0.0,
            9,
        ))
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
                assert_eq!(grid[j * xs.len() + i], one[0]);
                assert!((0.0..=1.0).contains(&one[0]));
            }
        }
        // Accuracy agrees with thresholding predicted probabilities at 0.5.
        let pts: Vec<[f64; 2]> = f.spec().points.iter().map(|q| [q[0], q[1]]).collect();
        let mut probs = vec![0.0; pts.len()];
        f.predict(&p, &pts, &mut probs);
        let all: Vec<usize> = (0..pts.len()).collect();
        let correct = probs
            .iter()
            .zip(&f.spec().points)
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
        assert_eq!(big[many.len() + 650], one[0]);
    }

    #[test]
    fn chunked_evaluation_matches_per_sample_sum() {
        // More samples than one chunk: the mean over 600 equals the mean of single-sample losses.
        let f = Mlp::new(random_spec(
            &[2, 3, 1],
            Activation::Sigmoid,
            MlpLoss::Mse,
            600,
            0.0,
            4,
        ))
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
        let f = Mlp::new(random_spec(
            &[2, 3, 1],
            Activation::Tanh,
            MlpLoss::Bce,
            5,
            0.2,
            3,
        ))
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
    fn validation_names_the_field() {
        let good = random_spec(&[2, 4, 1], Activation::Tanh, MlpLoss::Bce, 4, 0.0, 1);
        assert!(Mlp::new(good.clone()).is_ok());
        let refuse = |edit: &dyn Fn(&mut MlpSpec), expected: &str| {
            let mut spec = good.clone();
            edit(&mut spec);
            assert_eq!(Mlp::new(spec).unwrap_err(), expected);
        };
        refuse(
            &|s| s.layers = vec![2],
            "layers: expected at least 2 entries (input and output), got 1",
        );
        refuse(
            &|s| s.layers[0] = 3,
            "layers[0]: the input layer must have 2 units, got 3",
        );
        refuse(
            &|s| s.layers[2] = 2,
            "layers[2]: the output layer must have 1 unit, got 2",
        );
        refuse(
            &|s| s.layers[1] = 17,
            "layers[1]: a hidden layer must have 1 to 16 units, got 17",
        );
        refuse(
            &|s| s.layers[1] = 0,
            "layers[1]: a hidden layer must have 1 to 16 units, got 0",
        );
        refuse(
            &|s| s.layers = vec![2, 1, 1, 1, 1, 1, 1, 1, 1],
            "layers: at most 6 hidden layers are allowed, got 7",
        );
        refuse(
            &|s| s.points.clear(),
            "points: at least 1 point is required",
        );
        refuse(&|s| s.points[2][1] = f64::NAN, "points[2][1] is not finite");
        refuse(
            &|s| s.points[1][2] = 0.5,
            "points[1][2]: a bce label must be 0 or 1, got 0.5",
        );
        refuse(&|s| s.l2 = -1.0, "l2: must be a finite number ≥ 0, got -1");
        refuse(
            &|s| s.weights = None,
            "weights: required (seeded initialisation is not available yet)",
        );
        refuse(
            &|s| drop(s.weights.as_mut().unwrap().pop()),
            "weights: expected 2 layers for layers [2, 4, 1], got 1",
        );
        refuse(
            &|s| s.weights.as_mut().unwrap()[1].w.push(vec![0.0; 4]),
            "weights[1].w: expected 1 rows of 4, got 2 rows",
        );
        refuse(
            &|s| s.weights.as_mut().unwrap()[0].w[2].push(0.0),
            "weights[0].w[2]: expected 2 entries, got 3",
        );
        refuse(
            &|s| s.weights.as_mut().unwrap()[0].w[1][0] = f64::INFINITY,
            "weights[0].w[1][0] is not finite",
        );
        refuse(
            &|s| {
                s.weights.as_mut().unwrap()[0].b.pop();
            },
            "weights[0].b: expected 4 entries, got 3",
        );
        refuse(
            &|s| s.weights.as_mut().unwrap()[1].b[0] = f64::NAN,
            "weights[1].b[0] is not finite",
        );
        // No hidden layer is fine, and mse accepts any finite target.
        let mut linear = random_spec(&[2, 1], Activation::Linear, MlpLoss::Mse, 3, 0.0, 2);
        linear.points[0][2] = 0.5;
        assert_eq!(Mlp::new(linear).unwrap().dim(), 3);
    }

    #[test]
    fn serde_form() {
        let json = r#"{"layers":[2,1],"activation":"sigmoid","loss":"mse",
            "points":[[0.5,-0.5,2.0]],"weights":[{"w":[[1.0,2.0]],"b":[3.0]}]}"#;
        let spec: MlpSpec = serde_json::from_str(json).unwrap();
        assert_eq!(
            (spec.activation, spec.loss, spec.l2),
            (Activation::Sigmoid, MlpLoss::Mse, 0.0)
        );
        let back: MlpSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        assert!(!serde_json::to_string(&spec).unwrap().contains("l2"));
        let no_weights = r#"{"layers":[2,1],"activation":"relu","loss":"bce","points":[[0,0,1]]}"#;
        assert_eq!(
            serde_json::from_str::<MlpSpec>(no_weights).unwrap().weights,
            None
        );
        let unknown = r#"{"layers":[2,1],"activation":"relu","loss":"bce","points":[],"seed":1}"#;
        assert!(serde_json::from_str::<MlpSpec>(unknown).is_err());
        let bad_layer = r#"{"layers":[2,1],"activation":"relu","loss":"bce","points":[],
            "weights":[{"w":[[1,2]],"b":[0],"bias":[0]}]}"#;
        assert!(serde_json::from_str::<MlpSpec>(bad_layer).is_err());
        let bad_activation = r#"{"layers":[2,1],"activation":"gelu","loss":"bce","points":[]}"#;
        assert!(serde_json::from_str::<MlpSpec>(bad_activation).is_err());
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
            let f = Mlp::new(spec).unwrap();
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
            let f = Mlp::new(random_spec(&[2, 3, 2, 1], activation, LOSSES[loss], 8, 0.1, seed)).unwrap();
            check_gradient(&f, &f.initial_params(), &picks, "proptest");
        }
    }

    /// Every `mlp` case of the PyTorch reference: the spec's weights are trace step 0's
    /// parameters, the loss matches at every recorded step, and — for SGD, whose first step is
    /// `θ₁ = θ₀ − lr·∇L(θ₀)` with or without momentum (torch seeds the momentum buffer with the
    /// first gradient) — our gradient reproduces the first step.
    #[test]
    fn matches_torch_traces() {
        let text = std::fs::read_to_string(TRACES).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let (mut seen, mut sgd_checked) = (0, 0);
        let mut combos = std::collections::BTreeSet::new();
        for case in doc["cases"].as_array().unwrap() {
            let scenario = &case["scenario"];
            let mut spec = scenario["objective"].clone();
            if spec["kind"] != "mlp" {
                continue;
            }
            seen += 1;
            let id = case["id"].as_str().unwrap();
            spec.as_object_mut().unwrap().remove("kind");
            let spec: MlpSpec = serde_json::from_value(spec).unwrap();
            combos.insert(format!("{:?}/{:?}", spec.activation, spec.loss));
            let f = Mlp::new(spec).unwrap();
            let trace = case["trace"].as_array().unwrap();
            let p0: Vec<f64> = serde_json::from_value(trace[0]["params"].clone()).unwrap();
            assert_eq!(f.initial_params(), p0, "{id}");
            for step in trace {
                let p: Vec<f64> = serde_json::from_value(step["params"].clone()).unwrap();
                let expected = step["loss"].as_f64().unwrap();
                let got = f.loss(&p);
                assert!(
                    close(got, expected, 1e-12),
                    "{id} step {}: {got} vs {expected}",
                    step["step"]
                );
            }
            let all: Vec<usize> = (0..f.sample_count()).collect();
            assert_eq!(f.loss_on(&p0, &all), f.loss(&p0));
            let opt = &scenario["optimizer"];
            let plain_sgd = opt["name"] == "sgd"
                && opt
                    .get("weight_decay")
                    .is_none_or(|v| v.as_f64() == Some(0.0))
                && opt.get("nesterov").is_none_or(|v| v == false)
                && scenario.get("clip_norm").is_none_or(Value::is_null)
                && scenario.get("schedule").is_none_or(Value::is_null);
            if plain_sgd {
                sgd_checked += 1;
                let lr = opt["lr"].as_f64().unwrap();
                let mut g = vec![0.0; f.dim()];
                f.loss_and_gradient(&p0, &mut g);
                let p1: Vec<f64> = serde_json::from_value(trace[1]["params"].clone()).unwrap();
                for k in 0..f.dim() {
                    let ours = p0[k] - lr * g[k];
                    assert!(
                        close(ours, p1[k], 1e-12),
                        "{id} param {k}: {ours} vs {}",
                        p1[k]
                    );
                    // The recovered torch gradient, up to the rounding of θ₁.
                    let torch_g = (p0[k] - p1[k]) / lr;
                    assert!(
                        (torch_g - g[k]).abs() <= 1e-13 / lr,
                        "{id} ∂θ[{k}]: {} vs {torch_g}",
                        g[k]
                    );
                }
            }
        }
        assert!(seen >= 12, "expected the mlp reference cases, found {seen}");
        assert!(sgd_checked >= 4, "sgd cases checked: {sgd_checked}");
        assert!(combos.len() >= 4, "{combos:?}");
    }
}
