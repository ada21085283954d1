//! A small multilayer perceptron on 2-D inputs, trained by binary cross-entropy, squared error, or
//! cross-entropy over many classes.
//!
//! # Network
//!
//! `layers = [2, h₁, …, h_k, K]` (`0 ≤ k ≤ 6`, `1 ≤ hⱼ ≤ 16`; `K = 1` output for `bce` and
//! `mse`, one output per class, `2 ≤ K ≤ 8`, for `ce`). Layer `l` maps `a⁽ˡ⁾` to
//! `z⁽ˡ⁺¹⁾ = W⁽ˡ⁾ a⁽ˡ⁾ + b⁽ˡ⁾` with `W⁽ˡ⁾` of shape `[out][in]`, exactly `torch.nn.Linear`. Hidden
//! layers apply the activation `a = σ(z)` — `activation` for all of them, or one per hidden layer
//! from `activations` (so a ReLU stack can end in a sigmoid layer); the last layer is linear, so
//! the network output `z` is a logit (for `bce`), `K` logits (for `ce`) or the prediction
//! itself (for `mse`):
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
//! * `ce` — `torch.nn.functional.cross_entropy` on `K` logits `z` and a class `y ∈ {0, …, K − 1}`:
//!   `ℓ(z, y) = −log pᵧ` with the softmax `pⱼ = e^(zⱼ) / Σₖ e^(zₖ)`, computed as
//!   `log Σₖ e^(zₖ − m) − (zᵧ − m)` with `m = maxₖ zₖ` (PyTorch's stable `log_softmax`), and
//!   `∂ℓ/∂zⱼ = pⱼ − [j = y]` ([`cross_entropy`]; Bishop, *Pattern Recognition and Machine
//!   Learning*, 2006, eq. 4.109). The predicted class is the most probable one, `argmax pⱼ`.
//!
//! `L_S(θ) = (1/|S|) Σ_{i∈S} ℓ(zᵢ, yᵢ) + R(θ)` with the optional L1 (`l1`, λ₁) and L2 (`l2`,
//! λ₂) penalties on the weight matrices only (no biases):
//!
//! ```text
//! R(θ) = λ₁ Σ_l Σ_{o,i} |W⁽ˡ⁾_{o,i}| + (λ₂/2) Σ_l Σ_{o,i} (W⁽ˡ⁾_{o,i})²
//! ∂R/∂W⁽ˡ⁾ = λ₁ sign(W⁽ˡ⁾) + λ₂ W⁽ˡ⁾,    ∂R/∂b⁽ˡ⁾ = 0
//! ```
//!
//! with `sign(0) = 0`, the subgradient `torch.abs`'s backward gives (`torch.sgn`). In PyTorch
//! this is `loss + l1 * sum(lin.weight.abs().sum() for lin in linears) + l2 / 2 *
//! sum((lin.weight ** 2).sum() for lin in linears)`; the L2 term is *not* `torch.optim`'s
//! `weight_decay`, which also decays biases and is no part of the loss.
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
//! Forward and backward passes run over a whole batch at once in matrix form (one buffer per
//! layer, a row of samples per unit), in chunks of at most [`CHUNK`] samples, in a workspace
//! allocated once per network — no heap allocation per call. Samples go two at a time through
//! `f64` lanes (a WebAssembly SIMD vector in the browser; each lane the plain IEEE operations, so
//! the bits are those of one sample at a time). The forward pass sums each pre-activation in a
//! register (from `0` in input order, then `+ b`), then applies the activation in one loop chosen
//! once per layer; the backward pass accumulates each gradient entry over the samples in order,
//! also in a register.
//!
//! `tanh` is [`super::tanh::tanh`]: within 2 ulp, in plain `f64` arithmetic, so training is bit
//! for bit the same natively and in WebAssembly, and about twice as fast as `f64::tanh` there.
//! [`Mlp::predict_grid`], the decision boundary redrawn every frame, is a drawing path: `f32`
//! lanes, four points a vector (WebAssembly SIMD in the browser), a row of points through a
//! layer at a time, a rational `tanh`.

mod activation;
#[cfg(test)]
mod ce_tests;
mod grid;
mod init;
mod lanes;
mod loss;
mod spec;
#[cfg(test)]
mod test_support;
mod train;

pub use activation::{logistic, Activation};
pub use init::{Init, INIT_STREAM};
pub use loss::{argmax, cross_entropy, softmax, MlpLoss};
pub use spec::{is_class, LayerWeights, MlpSpec};

use std::cell::RefCell;

use crate::data::datasets::Split;
use crate::read::{Problem, Refusal};

/// Samples per forward/backward chunk; bounds the workspace at `CHUNK · Σ layers` numbers.
pub const CHUNK: usize = 256;

/// Pairs of samples per chunk: the length of a unit's row of lanes in the workspace.
const PAIRS: usize = CHUNK / 2;

/// Most hidden layers accepted.
pub const MAX_HIDDEN_LAYERS: usize = 6;

/// Most units in a hidden layer.
pub const MAX_HIDDEN_UNITS: usize = 16;

/// Scratch buffers for one chunk, sized once from the architecture.
#[derive(Clone, Debug)]
struct Workspace {
    /// Layer `l`'s activations (`l = 0` the inputs, the last the linear output), unit-major (a
    /// row of [`PAIRS`] pairs of samples per unit), starting at `Mlp::act_offsets[l]`.
    acts: Vec<lanes::F2>,
    /// `∂L/∂z` of the current layer's outputs, unit-major.
    delta: Vec<lanes::F2>,
    /// `∂L/∂z` of the layer below, being computed.
    delta_prev: Vec<lanes::F2>,
    /// The parameters as splatted `f32` lanes, then the grid's columns four a vector, for
    /// [`Mlp::predict_grid`].
    lanes: Vec<grid::F4>,
    /// Two layers' values for a block of points of [`Mlp::predict_grid`].
    grid: Vec<grid::F4>,
}

impl Workspace {
    /// Buffers for `CHUNK` samples through `layers`.
    fn new(layers: &[usize]) -> Workspace {
        let widest = layers.iter().copied().max().unwrap_or(1);
        let total: usize = layers.iter().map(|u| PAIRS * u).sum();
        let zero = lanes::F2::splat(0.0);
        Workspace {
            acts: vec![zero; total],
            delta: vec![zero; PAIRS * widest],
            delta_prev: vec![zero; PAIRS * widest],
            lanes: Vec::new(),
            grid: Vec::new(),
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
    /// Whether every target (train and test) is a class label (0/1, or `0..K` for `ce`), so
    /// accuracy is defined.
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
                    let sentence = crate::read::Unfit::MlpTwoInputs;
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
        let classes = spec
            .loss
            .outputs_for(spec.layers.last().copied().unwrap_or(1));
        let classes = classes.max(2);
        let labelled = train.iter().chain(&test).all(|p| is_class(p[2], classes));
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
            total += PAIRS * units;
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

    /// Whether the network is a classifier (`bce` or `ce` loss): [`Mlp::predict`] gives the
    /// probability of class 1 for `bce` and the predicted class for `ce`.
    pub fn is_classifier(&self) -> bool {
        matches!(self.spec.loss, MlpLoss::Bce | MlpLoss::Ce)
    }

    /// The number of classes: `K` outputs for `ce`, 2 for `bce` and `mse` (whose labels, when
    /// they are labels, are 0 and 1).
    pub fn classes(&self) -> usize {
        match self.spec.loss {
            MlpLoss::Ce => self.outputs(),
            MlpLoss::Bce | MlpLoss::Mse => 2,
        }
    }

    /// Units of the output layer: `K` logits for `ce`, 1 otherwise.
    pub fn outputs(&self) -> usize {
        self.spec.layers.last().copied().unwrap_or(1)
    }

    /// Whether every target, train and test, is a class label — `0` or `1`, or `0, …, K − 1` for
    /// `ce` — so accuracy is defined (always for `bce` and `ce`; for `mse` on a classification
    /// set too).
    pub fn has_labels(&self) -> bool {
        self.labelled
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::objective::mlp::test_support::{close, dataset_spec};
    use crate::objective::Objective;

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
            l1: 0.0,
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

    /// `λ₁ Σ|W| + (λ₂/2) Σ W²` over the weight matrices alone, with gradient `λ₁ sign(W) + λ₂ W`
    /// and `sign(0) = 0`, as torch's `abs` backward.
    #[test]
    fn l1_and_l2_penalties_on_weights_only() {
        let mut spec = crate::objective::mlp::test_support::random_spec(
            &[2, 2, 1],
            Activation::Tanh,
            MlpLoss::Mse,
            5,
            0.0,
            3,
        );
        let plain = Mlp::new(spec.clone(), 0).unwrap();
        spec.l1 = 0.25;
        spec.l2 = 0.5;
        let f = Mlp::new(spec, 0).unwrap();
        // W⁽⁰⁾ = [[0, −2], [3, 0]], b⁽⁰⁾ = [5, −5], W⁽¹⁾ = [[−1, 0]], b⁽¹⁾ = [7].
        let p = [0.0, -2.0, 3.0, 0.0, 5.0, -5.0, -1.0, 0.0, 7.0];
        let penalty = 0.25 * (2.0 + 3.0 + 1.0) + 0.5 * 0.5 * (4.0 + 9.0 + 1.0);
        assert!(close(f.loss(&p) - plain.loss(&p), penalty, 1e-14));
        let (mut g, mut g_plain) = (vec![0.0; 9], vec![0.0; 9]);
        f.loss_and_gradient(&p, &mut g);
        plain.loss_and_gradient(&p, &mut g_plain);
        let extra: Vec<f64> = g.iter().zip(&g_plain).map(|(a, b)| a - b).collect();
        let expected = [
            0.0,
            -0.25 - 1.0,
            0.25 + 1.5,
            0.0,
            0.0,
            0.0,
            -0.25 - 0.5,
            0.0,
            0.0,
        ];
        for (k, (e, x)) in extra.iter().zip(expected).enumerate() {
            assert!((e - x).abs() < 1e-12, "∂R/∂θ[{k}]: {e} vs {x}");
        }
    }
}
