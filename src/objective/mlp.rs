//! A small multilayer perceptron on 2-D inputs, trained by binary cross-entropy or squared error.
//!
//! # Network
//!
//! `layers = [2, h₁, …, h_k, 1]` (`0 ≤ k ≤ 6`, `1 ≤ hⱼ ≤ 16`). Layer `l` maps `a⁽ˡ⁾` to
//! `z⁽ˡ⁺¹⁾ = W⁽ˡ⁾ a⁽ˡ⁾ + b⁽ˡ⁾` with `W⁽ˡ⁾` of shape `[out][in]`, exactly `torch.nn.Linear`. Hidden
//! layers apply the activation `a = σ(z)` — `activation` for all of them, or one per hidden layer
//! from `activations` (so a ReLU stack can end in a sigmoid layer); the last layer is linear, so
//! the network output `z` is a logit (for `bce`) or the prediction itself (for `mse`):
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
//! # Data
//!
//! Exactly one of `points` (`[[x1, x2, target], …]`, all training points) and `dataset` (a
//! generated set, [`crate::data::datasets`]) is given. A data set's training split is what the
//! loss and gradients are taken on; its test split gives [`Mlp::test_loss`] and the test
//! accuracy. The classification sets take either loss; `plane` (real targets) needs `mse`;
//! `linear` (1-D inputs) is refused — it is the line fit of the `linreg` objective. The data
//! depend on the data set's own `seed` only, never on the scenario seed.
//!
//! # Initialisation
//!
//! Given `weights` are the starting parameters. Without them, `init` draws them from the scenario
//! seed (a `rand_pcg::Pcg64Mcg` seeded with `seed ^ 0xD1B5_4A32_D192_ED03`, a stream apart from
//! the batch sampler's), in parameter order; every bias starts at `0`. For a layer with
//! `fan_in` inputs and `fan_out` outputs:
//!
//! | `init`    | weights                                                | reference                                      |
//! |-----------|--------------------------------------------------------|------------------------------------------------|
//! | `xavier`  | `U(−a, a)`, `a = √(6 / (fan_in + fan_out))`            | Glorot & Bengio (2010), eq. 16; `torch.nn.init.xavier_uniform_` (gain 1) |
//! | `he`      | `N(0, 2 / fan_in)`                                     | He et al. (2015), §2.2; `torch.nn.init.kaiming_normal_` (fan_in, relu)    |
//! | `uniform` | `U(−0.1, 0.1)`                                         | a small fixed range                            |
//! | `zeros`   | `0`                                                    | every hidden unit stays identical: the symmetry problem |
//!
//! The default is chosen per linear layer for the activation that layer feeds (the output layer
//! counts as feeding the last hidden layer's): `he` for `relu`, `xavier` for `tanh`, `sigmoid` and
//! `linear`; one generator draws every layer in order. (Glorot &
//! Bengio, "Understanding the difficulty of training deep feedforward neural networks", AISTATS
//! 2010; He, Zhang, Ren & Sun, "Delving deep into rectifiers", ICCV 2015.) Note that this is not
//! `torch.nn.Linear`'s own default, `U(±1/√fan_in)` for weights and biases.
//!
//! # Evaluation
//!
//! Forward and backward passes run over a whole batch at once in matrix form (one sample-major
//! buffer per layer), in chunks of at most [`CHUNK`] samples, in a workspace allocated once per
//! network — no heap allocation per call. The forward pass sums each pre-activation in a
//! register (from `0` in input order, then `+ b`), then applies the activation in one loop chosen
//! once per layer; the backward pass accumulates each gradient entry over the samples in order,
//! also in a register.
//!
//! `tanh` is [`super::tanh::tanh`]: within 2 ulp, in plain `f64` arithmetic, so training is bit
//! for bit the same natively and in WebAssembly, and about twice as fast as `f64::tanh` there.
//! [`Mlp::predict_grid`], the decision boundary redrawn every frame, is a drawing path: `f32`
//! lanes, four points at a time (WebAssembly SIMD in the browser), a rational `tanh`.

use std::cell::RefCell;

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::tanh::tanh;
use super::Objective;
use crate::data::datasets::{DatasetKind, DatasetSpec, Split};
use crate::read::{Length, Problem, Range, Refusal};

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

crate::read::fields::read_by_name!(Activation, MlpLoss, Init);

impl Activation {
    /// `σ(z)`.
    #[inline]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => tanh(z),
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
            MlpLoss::Bce => {
                let e = libm::exp(-z.abs());
                // For z ≥ 0, e^(−|z|) is the very e^(−z) of the logistic: one `exp`, same bits.
                let s = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    logistic(z)
                };
                (z.max(0.0) - z * y + libm::log1p(e), s - y)
            }
            MlpLoss::Mse => {
                let r = z - y;
                (r * r, 2.0 * r)
            }
        }
    }
}

/// XOR-ed into the scenario seed to seed the weight initialiser (module doc).
pub const INIT_STREAM: u64 = 0xD1B5_4A32_D192_ED03;

/// How the starting weights are drawn when the spec gives none (module doc, with references).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// Glorot/Xavier uniform: `U(−a, a)`, `a = √(6 / (fan_in + fan_out))` (Glorot & Bengio 2010).
    Xavier,
    /// He/Kaiming normal: `N(0, 2 / fan_in)` (He et al. 2015).
    He,
    /// Every weight and bias `0` — shows the symmetry problem.
    Zeros,
    /// Small uniform weights, `U(−0.1, 0.1)`.
    Uniform,
}

impl Init {
    /// The default for an activation: [`Init::He`] for `relu`, [`Init::Xavier`] otherwise.
    pub fn default_for(activation: Activation) -> Init {
        match activation {
            Activation::Relu => Init::He,
            Activation::Tanh | Activation::Sigmoid | Activation::Linear => Init::Xavier,
        }
    }

    /// Flat starting parameters for `layers` (parameter order, biases `0`), drawn from a
    /// `Pcg64Mcg` seeded with `seed ^ INIT_STREAM`, one draw per weight in order.
    pub fn params(self, layers: &[usize], seed: u64) -> Vec<f64> {
        Init::params_per_layer(layers, seed, |_| self)
    }

    /// As [`Init::params`], with linear layer `l` drawn by `init_of(l)`: one generator for the
    /// whole network, so a network whose layers all share one initialiser draws exactly what
    /// [`Init::params`] draws.
    pub fn params_per_layer(
        layers: &[usize],
        seed: u64,
        init_of: impl Fn(usize) -> Init,
    ) -> Vec<f64> {
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ INIT_STREAM);
        let mut params = Vec::new();
        for (l, pair) in layers.windows(2).enumerate() {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let (n_in, n_out) = (fan_in as f64, fan_out as f64);
            let init = init_of(l);
            for _ in 0..fan_in * fan_out {
                let w = match init {
                    Init::Xavier => {
                        // Glorot & Bengio (2010), eq. 16.
                        let a = (6.0 / (n_in + n_out)).sqrt();
                        a * (2.0 * rng.random::<f64>() - 1.0)
                    }
                    Init::He => {
                        // He et al. (2015), eq. 10: Var[w] = 2 / fan_in.
                        let z: f64 = StandardNormal.sample(&mut rng);
                        (2.0 / n_in).sqrt() * z
                    }
                    Init::Uniform => 0.1 * (2.0 * rng.random::<f64>() - 1.0),
                    Init::Zeros => 0.0,
                };
                params.push(w);
            }
            params.extend(std::iter::repeat_n(0.0, fan_out));
        }
        params
    }
}

/// The logistic function `1 / (1 + e^(−z))` (saturates to exactly 0 or 1, never `NaN`).
#[inline]
pub fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}

/// One linear layer's parameters: `w` is `[out][in]`, `b` is `[out]`, as `torch.nn.Linear`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerWeights {
    /// Weight matrix, one row per output unit.
    pub w: Vec<Vec<f64>>,
    /// Bias, one entry per output unit.
    pub b: Vec<f64>,
}

crate::read::fields::read_fields!(LayerWeights (LayerWeights { w: Vec::new(), b: Vec::new() }) {
    w: Read required,
    b: Read required,
});

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// The serde form of an MLP objective (the outer `"kind":"mlp"` tag belongs to the objective
/// enum): `{"layers":[2,4,1],"activation":"tanh","loss":"bce","points":[[x1,x2,label],...],
/// "weights":[{"w":[[..],..],"b":[..]},...],"l2":0.0}`, or with `"dataset":{"name":"circle"}` in
/// place of `points` and `"init":"xavier"` (or nothing) in place of `weights`. Checked by
/// [`MlpSpec::validate`]; built by [`Mlp::new`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MlpSpec {
    /// Units per layer, input (2) first, output (1) last.
    pub layers: Vec<usize>,
    /// Nonlinearity of the hidden layers (of every one that `activations` does not override).
    pub activation: Activation,
    /// One nonlinearity per hidden layer (`layers.len() − 2` entries, first hidden layer first),
    /// e.g. `["relu","relu","sigmoid"]`; absent means every hidden layer applies `activation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activations: Option<Vec<Activation>>,
    /// Per-sample loss.
    pub loss: MlpLoss,
    /// Samples `[x1, x2, target]`, when given inline (exactly one of `points` and `dataset`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<Vec<[f64; 3]>>,
    /// A data set to generate instead of `points`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetSpec>,
    /// Initial weights, one entry per linear layer; when absent, `init` draws them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<LayerWeights>>,
    /// The seeded initialiser used when `weights` is absent; `None` means
    /// [`Init::default_for`] the activation. Refused together with `weights`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<Init>,
    /// L2 penalty strength `λ ≥ 0` on weight matrices (module doc); `0` when absent.
    #[serde(skip_serializing_if = "is_zero")]
    pub l2: f64,
}

crate::read::fields::read_fields!(MlpSpec (MlpSpec {
    layers: Vec::new(),
    activation: Activation::Tanh,
    activations: None,
    loss: MlpLoss::Mse,
    points: None,
    dataset: None,
    weights: None,
    init: None,
    l2: 0.0,
}) {
    layers: Read required,
    activation: Read required,
    activations: Read,
    loss: Read required,
    points: Read,
    dataset: OptRead,
    weights: OptListRead,
    init: Read,
    l2: F64,
});

impl MlpSpec {
    /// Checks every field; a refusal names the first offending one, e.g. `weights[1].w`, with
    /// what is accepted there.
    pub fn validate(&self) -> Result<(), Refusal> {
        let unfit = |sentence: String| Refusal::here(Problem::unfit(sentence));
        let layers = &self.layers;
        if layers.len() < 2 {
            let sentence = format!(
                "expected at least 2 entries (input and output), got {}",
                layers.len()
            );
            return Err(unfit(sentence).in_key("layers"));
        }
        let in_layers = |refusal: Refusal, l: usize| refusal.in_index(l).in_key("layers");
        if layers[0] != 2 {
            let sentence = format!("the input layer must have 2 units, got {}", layers[0]);
            return Err(in_layers(unfit(sentence), 0));
        }
        let last = layers.len() - 1;
        if layers[last] != 1 {
            let sentence = format!("the output layer must have 1 unit, got {}", layers[last]);
            return Err(in_layers(unfit(sentence), last));
        }
        if last - 1 > MAX_HIDDEN_LAYERS {
            return Err(Refusal::at(
                "layers",
                Problem::WrongLength {
                    found: last - 1,
                    expected: Length::AtMost(MAX_HIDDEN_LAYERS),
                    unit: "hidden layers",
                },
            ));
        }
        let units = Range::closed(1.0, MAX_HIDDEN_UNITS as f64).whole();
        for (l, &n) in layers.iter().enumerate().take(last).skip(1) {
            if !units.contains(n as f64) {
                let problem = Problem::OutOfRange {
                    value: n as f64,
                    range: units,
                };
                return Err(in_layers(Refusal::here(problem), l));
            }
        }
        if let Some(activations) = &self.activations {
            if activations.len() != last - 1 {
                return Err(unfit(format!(
                    "expected {} entries (one per hidden layer of {layers:?}), got {}",
                    last - 1,
                    activations.len()
                ))
                .in_key("activations"));
            }
        }
        match (&self.points, &self.dataset) {
            (Some(_), Some(_)) => {
                let sentence = "give either points or dataset, not both".to_string();
                return Err(unfit(sentence).in_key("dataset"));
            }
            (None, None) => {
                return Err(Refusal::at(
                    "points",
                    Problem::Missing {
                        names: Vec::new(),
                        example: Some(
                            "[[x1,x2,target],...], or a dataset such as {\"name\":\"circle\"}",
                        ),
                    },
                ));
            }
            (Some(points), None) => self.validate_points(points)?,
            (None, Some(dataset)) => {
                dataset.validate().map_err(|r| r.in_key("dataset"))?;
                match dataset.name.kind() {
                    DatasetKind::Classification => {}
                    DatasetKind::Regression1d => {
                        return Err(unfit(format!(
                            "{} has 1-D inputs and the MLP takes 2 (use plane, or the linreg objective)",
                            dataset.name.as_str()
                        ))
                        .in_key("name")
                        .in_key("dataset"));
                    }
                    DatasetKind::Regression2d => {
                        if self.loss == MlpLoss::Bce {
                            return Err(unfit(format!(
                                "bce needs labels 0 or 1, but {} has real targets (use mse)",
                                dataset.name.as_str()
                            ))
                            .in_key("loss"));
                        }
                    }
                }
            }
        }
        if !Range::at_least(0.0).contains(self.l2) {
            return Err(Refusal::out_of_range("l2", self.l2, Range::at_least(0.0)));
        }
        let Some(weights) = &self.weights else {
            return Ok(());
        };
        if self.init.is_some() {
            let sentence = "weights are given, so init does not apply (give one or the other)";
            return Err(unfit(sentence.to_string()).in_key("init"));
        }
        if weights.len() != last {
            return Err(unfit(format!(
                "expected {last} layers for layers {layers:?}, got {}",
                weights.len()
            ))
            .in_key("weights"));
        }
        let in_weights = |refusal: Refusal, l: usize| refusal.in_index(l).in_key("weights");
        for (l, layer) in weights.iter().enumerate() {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            if layer.w.len() != n_out {
                let sentence = format!(
                    "expected {n_out} rows of {n_in}, got {} rows",
                    layer.w.len()
                );
                return Err(in_weights(unfit(sentence).in_key("w"), l));
            }
            for (o, row) in layer.w.iter().enumerate() {
                if row.len() != n_in {
                    let sentence = format!("expected {n_in} entries, got {}", row.len());
                    return Err(in_weights(unfit(sentence).in_index(o).in_key("w"), l));
                }
                if let Some(i) = row.iter().position(|v| !v.is_finite()) {
                    let refusal = Refusal::here(Problem::NonFinite).in_index(i).in_index(o);
                    return Err(in_weights(refusal.in_key("w"), l));
                }
            }
            if layer.b.len() != n_out {
                let sentence = format!("expected {n_out} entries, got {}", layer.b.len());
                return Err(in_weights(unfit(sentence).in_key("b"), l));
            }
            if let Some(o) = layer.b.iter().position(|v| !v.is_finite()) {
                let refusal = Refusal::here(Problem::NonFinite).in_index(o).in_key("b");
                return Err(in_weights(refusal, l));
            }
        }
        Ok(())
    }

    /// The nonlinearity of hidden layer `h` (`0` the first): `activations[h]` when given,
    /// otherwise `activation`.
    pub fn hidden_activation(&self, h: usize) -> Activation {
        self.activations
            .as_ref()
            .and_then(|list| list.get(h).copied())
            .unwrap_or(self.activation)
    }

    /// The initialiser of linear layer `l` (`0` the first) when `weights` is absent: `init` when
    /// given, otherwise [`Init::default_for`] the activation that layer feeds — its hidden layer's,
    /// and for the output layer the last hidden layer's (`activation` when there is none).
    pub fn layer_init(&self, l: usize) -> Init {
        self.init.unwrap_or_else(|| {
            let hidden = self.layers.len().saturating_sub(2);
            let feeds = if hidden == 0 {
                self.activation
            } else {
                self.hidden_activation(l.min(hidden - 1))
            };
            Init::default_for(feeds)
        })
    }

    /// At least one point, all values finite, `bce` labels 0 or 1.
    fn validate_points(&self, points: &[[f64; 3]]) -> Result<(), Refusal> {
        super::check_points(points)?;
        for (i, point) in points.iter().enumerate() {
            if self.loss == MlpLoss::Bce && point[2] != 0.0 && point[2] != 1.0 {
                let sentence = format!("a bce label must be 0 or 1, got {}", point[2]);
                let refusal = Refusal::here(Problem::unfit(sentence)).in_index(2);
                return Err(refusal.in_index(i).in_key("points"));
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
    /// The parameters as splatted `f32` lanes, for [`Mlp::predict_grid`].
    lanes: Vec<lanes::F4>,
}

impl Workspace {
    /// Buffers for `CHUNK` samples through `layers`.
    fn new(layers: &[usize]) -> Workspace {
        let widest = layers.iter().copied().max().unwrap_or(1);
        let total: usize = layers.iter().map(|u| CHUNK * u).sum();
        Workspace {
            acts: vec![0.0; total],
            delta: vec![0.0; CHUNK * widest],
            delta_prev: vec![0.0; CHUNK * widest],
            lanes: Vec::new(),
        }
    }
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

/// A validated MLP objective (see the module doc) with its data and starting parameters; build it
/// with [`Mlp::new`].
///
/// Holds a scratch workspace behind a `RefCell`, so it is `Send` but not `Sync`.
#[derive(Clone, Debug)]
pub struct Mlp {
    spec: MlpSpec,
    /// The points the loss is taken on.
    train: Vec<[f64; 3]>,
    /// The held-out points (empty for inline points).
    test: Vec<[f64; 3]>,
    /// Whether every target (train and test) is a 0/1 label, so accuracy is defined.
    labelled: bool,
    /// The starting parameters: the spec's weights, or the seeded initialiser's draw.
    initial: Vec<f64>,
    /// Offset of each layer's `W` in the flat parameter vector (its `b` follows `W`).
    param_offsets: Vec<usize>,
    /// Offset of each layer's activation block in the workspace.
    act_offsets: Vec<usize>,
    /// The nonlinearity of each hidden layer ([`MlpSpec::hidden_activation`]).
    activations: Vec<Activation>,
    dim: usize,
    workspace: RefCell<Workspace>,
}

impl Mlp {
    /// Validates `spec` ([`MlpSpec::validate`]) and builds the objective: generates the data set
    /// when the spec names one (from the data set's own seed), and draws the starting weights
    /// from `seed` (the scenario seed) when the spec gives none (module doc).
    pub fn new(spec: MlpSpec, seed: u64) -> Result<Mlp, Refusal> {
        spec.validate()?;
        let (train, test) = match (&spec.points, &spec.dataset) {
            (Some(points), _) => (points.clone(), Vec::new()),
            (None, Some(dataset)) => {
                let data = dataset.generate().map_err(|r| r.in_key("dataset"))?;
                let Split { train, test } = data.points_2d().ok_or_else(|| {
                    let sentence = "the MLP takes 2 inputs (use plane)".to_string();
                    Refusal::at("name", Problem::unfit(sentence)).in_key("dataset")
                })?;
                (train.to_vec(), test.to_vec())
            }
            (None, None) => {
                let problem = Problem::Missing {
                    names: Vec::new(),
                    example: None,
                };
                return Err(Refusal::at("points", problem));
            }
        };
        let labelled = train
            .iter()
            .chain(&test)
            .all(|p| p[2] == 0.0 || p[2] == 1.0);
        let mut param_offsets = Vec::with_capacity(spec.layers.len() - 1);
        let mut dim = 0;
        for pair in spec.layers.windows(2) {
            param_offsets.push(dim);
            dim += pair[0] * pair[1] + pair[1];
        }
        let initial = match &spec.weights {
            Some(weights) => {
                let mut params = Vec::with_capacity(dim);
                for layer in weights {
                    for row in &layer.w {
                        params.extend_from_slice(row);
                    }
                    params.extend_from_slice(&layer.b);
                }
                params
            }
            None => Init::params_per_layer(&spec.layers, seed, |l| spec.layer_init(l)),
        };
        let mut act_offsets = Vec::with_capacity(spec.layers.len());
        let mut total = 0;
        for &units in &spec.layers {
            act_offsets.push(total);
            total += CHUNK * units;
        }
        let workspace = Workspace::new(&spec.layers);
        let activations = (0..spec.layers.len() - 2)
            .map(|h| spec.hidden_activation(h))
            .collect();
        Ok(Mlp {
            activations,
            spec,
            train,
            test,
            labelled,
            initial,
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

    /// The nonlinearity of each hidden layer, first hidden layer first.
    pub fn hidden_activations(&self) -> &[Activation] {
        &self.activations
    }

    /// The starting parameters in parameter order (each layer's `W` row-major, then `b`): the
    /// spec's weights, or the seeded initialiser's draw.
    pub fn initial_params(&self) -> Vec<f64> {
        self.initial.clone()
    }

    /// The points the loss is taken on, `[x1, x2, target]`.
    pub fn train_points(&self) -> &[[f64; 3]] {
        &self.train
    }

    /// The held-out points, `[x1, x2, target]`; empty when the points were given inline.
    pub fn test_points(&self) -> &[[f64; 3]] {
        &self.test
    }

    /// Whether the network is a binary classifier (`bce` loss), so [`Mlp::predict`] gives
    /// probabilities.
    pub fn is_classifier(&self) -> bool {
        self.spec.loss == MlpLoss::Bce
    }

    /// Whether every target, train and test, is a label `0` or `1`, so accuracy is defined (always
    /// for `bce`; for `mse` on a classification set too).
    pub fn has_labels(&self) -> bool {
        self.labelled
    }

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
    /// `z > 0.5` for `mse`. `NaN` when the targets are not all labels ([`Mlp::has_labels`]) or
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
        let threshold = match self.spec.loss {
            MlpLoss::Bce => 0.0,
            MlpLoss::Mse => 0.5,
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
                if (z > threshold) == (label == 1.0) {
                    correct += 1;
                }
            },
        );
        correct as f64 / samples.len() as f64
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
        self.for_each_output(params, points.iter().copied(), |k, z| {
            out[k] = if prob { logistic(z) } else { z }
        });
    }

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
        self.check_params(params);
        self.with_workspace(|ws| {
            lanes::splat_weights(params, &mut ws.lanes);
            let kernel = lanes::Kernel {
                layers: &self.spec.layers,
                activations: &self.activations,
                probability: self.is_classifier(),
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

    /// Borrows the workspace, or builds a fresh one in the (unreachable in practice) case that it
    /// is already borrowed, so that no path panics.
    fn with_workspace<R>(&self, f: impl FnOnce(&mut Workspace) -> R) -> R {
        match self.workspace.try_borrow_mut() {
            Ok(mut ws) => f(&mut ws),
            Err(_) => {
                let mut ws = Workspace::new(&self.spec.layers);
                f(&mut ws)
            }
        }
    }

    /// Runs the network on each of `inputs` and hands the `k`-th output `z` to `sink(k, z)`,
    /// chunk by chunk.
    fn for_each_output(
        &self,
        params: &[f64],
        inputs: impl Iterator<Item = [f64; 2]>,
        mut sink: impl FnMut(usize, f64),
    ) {
        self.check_params(params);
        let out_off = self.act_offsets[self.act_offsets.len() - 1];
        let mut inputs = inputs.peekable();
        self.with_workspace(|ws| {
            let mut start = 0;
            while inputs.peek().is_some() {
                let mut len = 0;
                for (slot, [x1, x2]) in ws.acts[..2 * CHUNK].chunks_exact_mut(2).zip(&mut inputs) {
                    slot[0] = x1;
                    slot[1] = x2;
                    len += 1;
                }
                self.forward(params, ws, len);
                for (k, &z) in ws.acts[out_off..out_off + len].iter().enumerate() {
                    sink(start + k, z);
                }
                start += len;
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
    ///
    /// Each output is `(Σᵢ wₒᵢ·xᵢ) + bₒ`, summed from `0` in input order in a register, along a
    /// row of `W`; then `σ` is applied in one branch-free loop per layer.
    fn forward(&self, params: &[f64], ws: &mut Workspace, len: usize) {
        let layers = &self.spec.layers;
        let last = layers.len() - 2;
        for l in 0..=last {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            let w_off = self.param_offsets[l];
            let w = &params[w_off..w_off + n_in * n_out];
            let b = &params[w_off + n_in * n_out..w_off + n_in * n_out + n_out];
            let (below, above) = ws.acts.split_at_mut(self.act_offsets[l + 1]);
            let a_in = &below[self.act_offsets[l]..self.act_offsets[l] + len * n_in];
            let a_out = &mut above[..len * n_out];
            for (x, z) in a_in.chunks_exact(n_in).zip(a_out.chunks_exact_mut(n_out)) {
                for ((zo, row), &bo) in z.iter_mut().zip(w.chunks_exact(n_in)).zip(b) {
                    // Summed from 0 in input order, then + b.
                    let mut acc = 0.0;
                    for (&wi, &xi) in row.iter().zip(x) {
                        acc += wi * xi;
                    }
                    *zo = acc + bo;
                }
            }
            if l < last {
                match self.activations[l] {
                    Activation::Tanh => a_out.iter_mut().for_each(|v| *v = tanh(*v)),
                    Activation::Relu => a_out.iter_mut().for_each(|v| *v = v.max(0.0)),
                    Activation::Sigmoid => a_out.iter_mut().for_each(|v| *v = logistic(*v)),
                    Activation::Linear => {}
                }
            }
        }
    }

    /// Backward pass after [`Mlp::forward`], with `∂L/∂z` of the output in `ws.delta[..len]`;
    /// accumulates `∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ᵀ a⁽ˡ⁾`, `∂L/∂b⁽ˡ⁾ = Σ δ⁽ˡ⁺¹⁾` into `grad` and propagates
    /// `δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾) ⊙ σ′(a⁽ˡ⁾)`.
    fn backward(&self, params: &[f64], ws: &mut Workspace, len: usize, grad: &mut [f64]) {
        let layers = &self.spec.layers;
        for l in (0..layers.len() - 1).rev() {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            let w_off = self.param_offsets[l];
            let w = &params[w_off..w_off + n_in * n_out];
            let a_in = &ws.acts[self.act_offsets[l]..self.act_offsets[l] + len * n_in];
            let delta = &ws.delta[..len * n_out];
            let (g_w, g_b) = grad[w_off..w_off + n_in * n_out + n_out].split_at_mut(n_in * n_out);
            // Each entry accumulates over the samples in order (as a sample-by-sample loop would),
            // in a register.
            for (o, (g_row, gb)) in g_w.chunks_exact_mut(n_in).zip(g_b.iter_mut()).enumerate() {
                let mut acc = *gb;
                for d in delta.chunks_exact(n_out) {
                    acc += d[o];
                }
                *gb = acc;
                for (i, g) in g_row.iter_mut().enumerate() {
                    let mut acc = *g;
                    for (x, d) in a_in.chunks_exact(n_in).zip(delta.chunks_exact(n_out)) {
                        acc += d[o] * x[i];
                    }
                    *g = acc;
                }
            }
            if l == 0 {
                break;
            }
            // Layer l's inputs are hidden layer l − 1's outputs.
            let activation = self.activations[l - 1];
            let delta_prev = &mut ws.delta_prev[..len * n_in];
            for ((dp, x), d) in delta_prev
                .chunks_exact_mut(n_in)
                .zip(a_in.chunks_exact(n_in))
                .zip(delta.chunks_exact(n_out))
            {
                for (i, (p, &a)) in dp.iter_mut().zip(x).enumerate() {
                    let mut acc = 0.0;
                    for (w_row, &dk) in w.chunks_exact(n_in).zip(d) {
                        acc += w_row[i] * dk;
                    }
                    *p = acc * activation.derivative_from_output(a);
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

/// The drawing path of [`Mlp::predict_grid`]: four points at a time in `f32` lanes — a
/// WebAssembly SIMD vector (`v128`) in the browser, a plain array natively, with the same IEEE
/// operations, so the native tests check the very numbers the page draws.
mod lanes {
    use super::Activation;

    #[cfg(target_arch = "wasm32")]
    use core::arch::wasm32::{
        f32x4, f32x4_add, f32x4_div, f32x4_extract_lane, f32x4_mul, f32x4_pmax, f32x4_pmin,
        f32x4_splat, v128,
    };

    /// Four `f32` lanes.
    #[cfg(target_arch = "wasm32")]
    #[derive(Clone, Copy, Debug)]
    pub struct F4(v128);

    /// Four `f32` lanes.
    #[cfg(not(target_arch = "wasm32"))]
    #[derive(Clone, Copy, Debug)]
    pub struct F4([f32; 4]);

    #[cfg(target_arch = "wasm32")]
    impl F4 {
        #[inline]
        #[target_feature(enable = "simd128")]
        pub fn splat(v: f32) -> F4 {
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
        pub fn splat(v: f32) -> F4 {
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
    pub fn splat_weights(params: &[f64], out: &mut Vec<F4>) {
        out.clear();
        out.extend(params.iter().map(|&w| F4::splat(w as f32)));
    }

    /// One network, ready to run on blocks of four points.
    pub struct Kernel<'a> {
        pub layers: &'a [usize],
        /// The nonlinearity of each hidden layer.
        pub activations: &'a [Activation],
        /// Output `s(z)` (a classifier's probability) instead of `z`.
        pub probability: bool,
        /// [`splat_weights`] of the parameters.
        pub weights: &'a [F4],
    }

    impl Kernel<'_> {
        /// The network's outputs at the eight points `(x[k], y)`: two vectors of four lanes,
        /// side by side (each weight loaded once for both, two independent chains).
        #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
        pub fn run(&self, x: [f32; 8], y: f32) -> [f32; 8] {
            let zero = F4::splat(0.0);
            let mut a = [[zero; 2]; super::MAX_HIDDEN_UNITS];
            let mut z = [[zero; 2]; super::MAX_HIDDEN_UNITS];
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
            let mut out = z[0];
            if self.probability {
                out[0] = logistic(out[0]);
                out[1] = logistic(out[1]);
            }
            let (lo, hi) = (out[0].to_array(), out[1].to_array());
            [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]]
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
            activations: None,
            loss,
            points: Some(points),
            dataset: None,
            weights: Some(weights),
            init: None,
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
                        let f = Mlp::new(random_spec(layers, activation, loss, 11, l2, seed), 0)
                            .unwrap();
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

    /// Without `init`, each layer is initialised for the activation it feeds: a relu layer's
    /// weights are He draws, a tanh layer's Xavier draws, from one generator in order.
    #[test]
    fn default_initialisation_follows_each_layers_activation() {
        let json = r#"{"layers":[2,8,8,1],"activation":"tanh","activations":["relu","tanh"],
            "loss":"bce","dataset":{"name":"xor"}}"#;
        let spec: MlpSpec = serde_json::from_str(json).unwrap();
        assert_eq!(
            (0..3).map(|l| spec.layer_init(l)).collect::<Vec<_>>(),
            [Init::He, Init::Xavier, Init::Xavier]
        );
        let built = Mlp::new(spec.clone(), 5).unwrap().initial_params();
        let expected = Init::params_per_layer(&spec.layers, 5, |l| {
            [Init::He, Init::Xavier, Init::Xavier][l]
        });
        assert_eq!(built, expected);
        // An explicit init applies to every layer.
        let mut uniform = spec.clone();
        uniform.init = Some(Init::Uniform);
        assert_eq!(
            Mlp::new(uniform, 5).unwrap().initial_params(),
            Init::Uniform.params(&spec.layers, 5)
        );
        // One shared activation: the same draw as before per-layer defaults existed.
        let mut plain = spec.clone();
        plain.activations = None;
        plain.activation = Activation::Relu;
        assert_eq!(
            Mlp::new(plain, 5).unwrap().initial_params(),
            Init::He.params(&spec.layers, 5)
        );
    }

    #[test]
    fn activations_of_the_wrong_length_are_refused() {
        let json = r#"{"layers":[2,8,8,1],"activation":"tanh","activations":["relu"],
            "loss":"bce","dataset":{"name":"xor"}}"#;
        let spec: MlpSpec = serde_json::from_str(json).unwrap();
        let message = Mlp::new(spec, 0).unwrap_err().to_string();
        assert_eq!(
            message,
            "activations: expected 2 entries (one per hidden layer of [2, 8, 8, 1]), got 1"
        );
        let unknown = r#"{"layers":[2,8,1],"activation":"tanh","activations":["swish"],
            "loss":"bce","dataset":{"name":"xor"}}"#;
        assert!(serde_json::from_str::<MlpSpec>(unknown).is_err());
        let round = r#"{"layers":[2,8,1],"activation":"tanh","activations":["sigmoid"],"loss":"bce","dataset":{"name":"xor"}}"#;
        let spec: MlpSpec = serde_json::from_str(round).unwrap();
        let back: MlpSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
    }

    #[test]
    fn parameter_count_and_flattening() {
        let spec = MlpSpec {
            layers: vec![2, 4, 1],
            activation: Activation::Tanh,
            activations: None,
            loss: MlpLoss::Bce,
            points: Some(vec![[0.0, 0.0, 1.0]]),
            dataset: None,
            init: None,
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
        let f = Mlp::new(spec, 0).unwrap();
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
    fn bce_loss_is_stable_and_matches_naive_form() {
        for z in [-3.0, -0.2, 0.0, 0.7, 4.0] {
            for y in [0.0, 1.0] {
                let s: f64 = logistic(z);
                let naive = -(y * libm::log(s) + (1.0 - y) * libm::log(1.0 - s));
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
    fn validation_names_the_field() {
        let good = random_spec(&[2, 4, 1], Activation::Tanh, MlpLoss::Bce, 4, 0.0, 1);
        assert!(Mlp::new(good.clone(), 0).is_ok());
        let refuse = |edit: &dyn Fn(&mut MlpSpec), expected: &str| {
            let mut spec = good.clone();
            edit(&mut spec);
            assert_eq!(Mlp::new(spec, 0).unwrap_err().to_string(), expected);
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
            "layers[1]: 17 is out of range (accepted: a whole number, 1 ≤ value ≤ 16)",
        );
        refuse(
            &|s| s.layers[1] = 0,
            "layers[1]: 0 is out of range (accepted: a whole number, 1 ≤ value ≤ 16)",
        );
        refuse(
            &|s| s.layers = vec![2, 1, 1, 1, 1, 1, 1, 1, 1],
            "layers: 7 hidden layers given (accepted: at most 6)",
        );
        refuse(
            &|s| s.points.as_mut().unwrap().clear(),
            "points: 0 points given (accepted: at least 1)",
        );
        refuse(
            &|s| s.points.as_mut().unwrap()[2][1] = f64::NAN,
            "points[2][1]: not a finite number (accepted: a finite number; JSON has no NaN or Infinity, and |value| ≤ 1.8e308)",
        );
        refuse(
            &|s| s.points.as_mut().unwrap()[1][2] = 0.5,
            "points[1][2]: a bce label must be 0 or 1, got 0.5",
        );
        refuse(
            &|s| s.l2 = -1.0,
            "l2: -1 is out of range (accepted: l2 ≥ 0)",
        );
        refuse(
            &|s| s.init = Some(Init::He),
            "init: weights are given, so init does not apply (give one or the other)",
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
            "weights[0].w[1][0]: not a finite number (accepted: a finite number; JSON has no NaN or Infinity, and |value| ≤ 1.8e308)",
        );
        refuse(
            &|s| {
                s.weights.as_mut().unwrap()[0].b.pop();
            },
            "weights[0].b: expected 4 entries, got 3",
        );
        refuse(
            &|s| s.weights.as_mut().unwrap()[1].b[0] = f64::NAN,
            "weights[1].b[0]: not a finite number (accepted: a finite number; JSON has no NaN or Infinity, and |value| ≤ 1.8e308)",
        );
        // No hidden layer is fine, and mse accepts any finite target.
        let mut linear = random_spec(&[2, 1], Activation::Linear, MlpLoss::Mse, 3, 0.0, 2);
        linear.points.as_mut().unwrap()[0][2] = 0.5;
        assert_eq!(Mlp::new(linear, 0).unwrap().dim(), 3);
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

    fn dataset_spec(json: &str) -> MlpSpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn seeded_initialisation() {
        let layers = [2, 16, 16, 1];
        let mut spec = dataset_spec(
            r#"{"layers":[2,16,16,1],"activation":"tanh","loss":"bce","dataset":{"name":"xor"}}"#,
        );
        assert_eq!(spec.layer_init(0), Init::Xavier);
        spec.activation = Activation::Relu;
        assert_eq!(spec.layer_init(0), Init::He);
        for activation in [Activation::Sigmoid, Activation::Linear, Activation::Tanh] {
            assert_eq!(Init::default_for(activation), Init::Xavier);
        }
        assert_eq!(Init::default_for(Activation::Relu), Init::He);
        // The built network starts from the default initialiser's draw for the scenario seed.
        let f = Mlp::new(spec.clone(), 5).unwrap();
        assert_eq!(f.initial_params(), Init::He.params(&layers, 5));
        assert_ne!(
            Mlp::new(spec.clone(), 6).unwrap().initial_params(),
            f.initial_params()
        );
        spec.init = Some(Init::Uniform);
        assert_eq!(
            Mlp::new(spec, 5).unwrap().initial_params(),
            Init::Uniform.params(&layers, 5)
        );
        let weights_of = |p: &[f64], l: usize| -> Vec<f64> {
            // Layer offsets for [2, 16, 16, 1]: 0, 48, 320.
            let (off, n_in, n_out) = [(0, 2, 16), (48, 16, 16), (320, 16, 1)][l];
            let w = p[off..off + n_in * n_out].to_vec();
            assert!(p[off + n_in * n_out..off + n_in * n_out + n_out]
                .iter()
                .all(|&b| b == 0.0));
            w
        };
        for init in [Init::Xavier, Init::He, Init::Zeros, Init::Uniform] {
            let p = init.params(&layers, 11);
            assert_eq!(p.len(), 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1);
            assert_eq!(p, init.params(&layers, 11), "{init:?}");
            if init != Init::Zeros {
                assert_ne!(p, init.params(&layers, 12), "{init:?}");
            }
            let w = weights_of(&p, 1);
            let n = w.len() as f64;
            let var = w.iter().map(|v| v * v).sum::<f64>() / n;
            match init {
                Init::Xavier => {
                    // U(−a, a), a = √(6/32): variance a²/3 = 1/16.
                    let a = (6.0f64 / 32.0).sqrt();
                    for l in 0..3 {
                        let (n_in, n_out): (f64, f64) = [(2.0, 16.0), (16.0, 16.0), (16.0, 1.0)][l];
                        let bound = (6.0 / (n_in + n_out)).sqrt();
                        assert!(weights_of(&p, l).iter().all(|v| v.abs() <= bound));
                    }
                    assert!(w.iter().any(|v| v.abs() > 0.8 * a));
                    assert!((var - 1.0 / 16.0).abs() < 0.02, "{var}");
                }
                Init::He => assert!((var - 2.0 / 16.0).abs() < 0.04, "{var}"),
                Init::Uniform => {
                    assert!(p.iter().all(|v| v.abs() <= 0.1));
                    assert!((var - 0.01 / 3.0).abs() < 0.001, "{var}");
                }
                Init::Zeros => assert!(p.iter().all(|&v| v == 0.0)),
            }
        }
    }

    /// With every weight zero, every hidden unit computes the same function and receives the same
    /// gradient, so gradient descent never tells them apart.
    #[test]
    fn zeros_init_keeps_hidden_units_identical() {
        let spec = dataset_spec(
            r#"{"layers":[2,4,1],"activation":"tanh","loss":"bce","init":"zeros",
                "dataset":{"name":"circle","n":60}}"#,
        );
        let f = Mlp::new(spec, 3).unwrap();
        let mut p = f.initial_params();
        assert!(p.iter().all(|&v| v == 0.0));
        let mut g = vec![0.0; f.dim()];
        for _ in 0..50 {
            f.loss_and_gradient(&p, &mut g);
            for (pk, gk) in p.iter_mut().zip(&g) {
                *pk -= 0.5 * gk;
            }
        }
        // Layout: W1 (4×2) at 0..8, b1 at 8..12, W2 (1×4) at 12..16, b2 at 16.
        for unit in 1..4 {
            assert_eq!(p[2 * unit..2 * unit + 2], p[0..2]);
            assert_eq!(p[8 + unit], p[8]);
            assert_eq!(p[12 + unit], p[12]);
        }
    }

    #[test]
    fn dataset_training_and_test_splits() {
        let spec = dataset_spec(
            r#"{"layers":[2,6,1],"activation":"tanh","loss":"bce",
                "dataset":{"name":"moons","n":120,"seed":4,"test_fraction":0.25}}"#,
        );
        let f = Mlp::new(spec.clone(), 0).unwrap();
        let data = spec.dataset.as_ref().unwrap().generate().unwrap();
        let Split { train, test } = data.points_2d().unwrap();
        assert_eq!((f.train_points(), f.test_points()), (train, test));
        assert_eq!((f.sample_count(), test.len()), (90, 30));
        assert!(f.has_labels());
        let p = f.initial_params();
        // The test loss is the loss of a network holding the test points as its own.
        let mut as_points = spec.clone();
        as_points.dataset = None;
        as_points.points = Some(test.to_vec());
        let on_test = Mlp::new(as_points, 0).unwrap();
        assert_eq!(on_test.initial_params(), p);
        assert_eq!(f.test_loss(&p), Some(on_test.loss(&p)));
        assert_eq!(on_test.test_loss(&p), None);
        let all: Vec<usize> = (0..30).collect();
        assert_eq!(f.split_accuracy(&p, true), Some(on_test.accuracy(&p, &all)));
        let all: Vec<usize> = (0..90).collect();
        assert_eq!(f.split_accuracy(&p, false), Some(f.accuracy(&p, &all)));
        assert_eq!(on_test.split_accuracy(&p, true), None);
        // Full-batch gradient descent fits the training set and generalises to the test set.
        let mut q = p.clone();
        let mut g = vec![0.0; f.dim()];
        let start = f.loss(&q);
        for _ in 0..400 {
            f.loss_and_gradient(&q, &mut g);
            for (qk, gk) in q.iter_mut().zip(&g) {
                *qk -= 0.5 * gk;
            }
        }
        assert!(f.loss(&q) < 0.5 * start, "{} vs {start}", f.loss(&q));
        assert!(f.split_accuracy(&q, false).unwrap() > 0.8);
        assert!(f.split_accuracy(&q, true).unwrap() > 0.75);
        // The l2 penalty counts in the test loss as in the training loss.
        let mut with_l2 = spec;
        with_l2.l2 = 0.5;
        let h = Mlp::new(with_l2, 0).unwrap();
        let penalty = h.loss(&q) - f.loss(&q);
        assert!(close(
            h.test_loss(&q).unwrap() - f.test_loss(&q).unwrap(),
            penalty,
            1e-12
        ));
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

    #[test]
    fn dataset_and_init_serde_and_refusals() {
        let json = r#"{"layers":[2,4,1],"activation":"relu","loss":"bce","dataset":{"name":"xor","n":50,"seed":2},"init":"uniform"}"#;
        let spec: MlpSpec = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&spec).unwrap(), json);
        spec.validate().unwrap();
        assert!(serde_json::from_str::<MlpSpec>(&json.replace("uniform", "orthogonal")).is_err());
        let refuse = |json: &str, expected: &str| {
            let spec: MlpSpec = serde_json::from_str(json).unwrap();
            assert_eq!(spec.validate().unwrap_err().to_string(), expected, "{json}");
            assert_eq!(
                Mlp::new(spec, 0).unwrap_err().to_string(),
                expected,
                "{json}"
            );
        };
        refuse(
            r#"{"layers":[2,1],"activation":"relu","loss":"bce","points":[[0,0,1]],"dataset":{"name":"xor"}}"#,
            "dataset: give either points or dataset, not both",
        );
        refuse(
            r#"{"layers":[2,1],"activation":"relu","loss":"bce"}"#,
            r#"points: missing (e.g. [[x1,x2,target],...], or a dataset such as {"name":"circle"})"#,
        );
        refuse(
            r#"{"layers":[2,1],"activation":"relu","loss":"mse","dataset":{"name":"linear"}}"#,
            "dataset.name: linear has 1-D inputs and the MLP takes 2 (use plane, or the linreg objective)",
        );
        refuse(
            r#"{"layers":[2,1],"activation":"relu","loss":"bce","dataset":{"name":"plane"}}"#,
            "loss: bce needs labels 0 or 1, but plane has real targets (use mse)",
        );
        refuse(
            r#"{"layers":[2,1],"activation":"relu","loss":"bce","dataset":{"name":"spiral","noise":2}}"#,
            "dataset.noise: 2 is out of range (accepted: 0 ≤ noise ≤ 1)",
        );
        refuse(
            r#"{"layers":[2,1],"activation":"relu","loss":"bce","points":[[0,0,1]],"init":"he",
                "weights":[{"w":[[1,2]],"b":[0]}]}"#,
            "init: weights are given, so init does not apply (give one or the other)",
        );
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

    /// Every `mlp` case of the PyTorch reference: the spec's weights are trace step 0's
    /// parameters, the loss matches at every recorded step, and — for SGD, whose first step is
    /// `θ₁ = θ₀ − lr·∇L(θ₀)` with or without momentum (torch seeds the momentum buffer with the
    /// first gradient) — our gradient reproduces the first step.
    #[test]
    fn matches_torch_traces() {
        let cases = crate::objective::torch_cases::cases("mlp");
        assert!(
            cases.len() >= 12,
            "expected the mlp reference cases, found {}",
            cases.len()
        );
        let mut sgd_checked = 0;
        let mut combos = std::collections::BTreeSet::new();
        for case in &cases {
            let spec: MlpSpec = serde_json::from_value(case.spec.clone()).unwrap();
            combos.insert(format!("{:?}/{:?}", spec.activation, spec.loss));
            let f = Mlp::new(spec, 0).unwrap();
            let p0 = case.start();
            assert_eq!(f.initial_params(), p0, "{}", case.id);
            case.check_losses(|p| f.loss(p));
            let all: Vec<usize> = (0..f.sample_count()).collect();
            assert_eq!(f.loss_on(p0, &all), f.loss(p0));
            if let Some(lr) = case.plain_sgd_lr() {
                sgd_checked += 1;
                let mut g = vec![0.0; f.dim()];
                f.loss_and_gradient(p0, &mut g);
                case.check_first_sgd_step(lr, &g);
            }
        }
        assert!(sgd_checked >= 4, "sgd cases checked: {sgd_checked}");
        assert!(combos.len() >= 4, "{combos:?}");
    }
}
