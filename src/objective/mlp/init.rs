//! The seeded initialisers of the weights (Glorot & Bengio, 2010; He et al., 2015): the table
//! and the stream they draw from are in the [module doc](super), "Initialisation".

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::Activation;

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

crate::read::fields::read_by_name!(Init);
impl Init {
    /// The default for an activation: [`Init::He`] for `relu`, [`Init::Xavier`] otherwise.
    pub fn default_for(activation: Activation) -> Init {
        match activation {
            Activation::Relu => Init::He,
            Activation::Tanh | Activation::Sigmoid | Activation::Linear => Init::Xavier,
        }
    }

    /// One weight of a layer with `fan_in` inputs and `fan_out` outputs per unit, drawn from
    /// `rng` (one draw per weight; `zeros` draws nothing).
    pub fn draw(self, rng: &mut Pcg64Mcg, fan_in: usize, fan_out: usize) -> f64 {
        let (n_in, n_out) = (fan_in as f64, fan_out as f64);
        match self {
            Init::Xavier => {
                // Glorot & Bengio (2010), eq. 16.
                let a = (6.0 / (n_in + n_out)).sqrt();
                a * (2.0 * rng.random::<f64>() - 1.0)
            }
            Init::He => {
                // He et al. (2015), eq. 10: Var[w] = 2 / fan_in.
                let z: f64 = StandardNormal.sample(rng);
                (2.0 / n_in).sqrt() * z
            }
            Init::Uniform => 0.1 * (2.0 * rng.random::<f64>() - 1.0),
            Init::Zeros => 0.0,
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
            let init = init_of(l);
            for _ in 0..fan_in * fan_out {
                params.push(init.draw(&mut rng, fan_in, fan_out));
            }
            params.extend(std::iter::repeat_n(0.0, fan_out));
        }
        params
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::objective::mlp::test_support::dataset_spec;
    use crate::objective::mlp::{Mlp, MlpSpec};
    use crate::objective::Objective;

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
}
