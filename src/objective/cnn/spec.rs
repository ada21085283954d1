//! The serde form of a CNN objective and its validation: the convolutions, the activation, the
//! starting weights or their initialiser, and the images (the digits' training split, or inline).

use serde::Serialize;

use super::geometry::Geometry;
use crate::data::digits::{self, CLASSES, MAX_PIXEL, PIXELS};
use crate::objective::mlp::{Activation, Init};
use crate::read::{Length, Problem, Range, Refusal};

/// One convolution: `channels` output maps from 3×3 kernels, stride 1, `padding` 0 or 1, then
/// the activation and, when `pool`, a 2×2 max-pool of stride 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ConvSpec {
    /// Output channels, 1–8.
    pub channels: usize,
    /// Zero padding on each side, 0 or 1.
    pub padding: usize,
    /// Whether a 2×2 max-pool (stride 2) follows the activation.
    pub pool: bool,
}

crate::read::fields::read_fields!(ConvSpec (ConvSpec { channels: 8, padding: 1, pool: false }) {
    channels: Usize required,
    padding: Usize,
    pool: Bool,
});

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// The serde form of a CNN objective (the outer `"kind":"cnn"` tag belongs to the objective
/// enum): `{"convs":[{"channels":8,"padding":1,"pool":true}],"activation":"relu"}` trains on the
/// digits' training split; `"images":[[p₀,…,p₆₃,label],…]` gives the images inline instead,
/// `"train_size":n` keeps the first `n` training images, `"weights":[…]` the starting
/// parameters in parameter order ([module doc](super)), else `"init"` and `"init_scale"` draw
/// them. Checked by [`CnnSpec::validate`]; built by [`Cnn::new`](super::Cnn::new).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CnnSpec {
    /// The convolutions, first first: one or two.
    pub convs: Vec<ConvSpec>,
    /// The nonlinearity after every convolution.
    pub activation: Activation,
    /// The seeded initialiser used when `weights` is absent; `None` means
    /// [`Init::default_for`] the activation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<Init>,
    /// A factor on every drawn weight (`0 < s ≤ 100`), to start from weights larger or smaller
    /// than the initialiser's; `1` when absent.
    #[serde(skip_serializing_if = "is_one")]
    pub init_scale: f64,
    /// The starting parameters in parameter order; when absent, `init` draws them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<f64>>,
    /// Images given inline, each 64 pixels 0–16 row by row and then its class 0–9; when absent,
    /// the digits' training split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Vec<f64>>>,
    /// Train on the first `n` images of the digits' training split only (the test split stays
    /// whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_size: Option<usize>,
}

impl Default for CnnSpec {
    /// The digits lab's default network: one convolution of 8 channels with padding, ReLU, a
    /// 2×2 pool, the dense layer.
    fn default() -> Self {
        CnnSpec {
            convs: vec![ConvSpec {
                channels: 8,
                padding: 1,
                pool: true,
            }],
            activation: Activation::Relu,
            init: None,
            init_scale: 1.0,
            weights: None,
            images: None,
            train_size: None,
        }
    }
}

crate::read::fields::read_fields!(CnnSpec (CnnSpec { convs: Vec::new(), ..CnnSpec::default() }) {
    convs: Read required,
    activation: Read required,
    init: Read,
    init_scale: F64,
    weights: Read,
    images: Read,
    train_size: Read,
});

impl CnnSpec {
    /// Checks every field; a refusal names the first offending one, e.g. `convs[1].channels`,
    /// with what is accepted there.
    pub fn validate(&self) -> Result<(), Refusal> {
        let geometry = Geometry::of(&self.convs)?;
        let unfit = |unfit: crate::read::Unfit| Refusal::here(Problem::unfit(unfit));
        let scales = Range::open_closed(0.0, 100.0);
        if !scales.contains(self.init_scale) {
            return Err(Refusal::out_of_range("init_scale", self.init_scale, scales));
        }
        if let Some(weights) = &self.weights {
            if self.init.is_some() {
                return Err(unfit(crate::read::Unfit::WeightsOrInit).in_key("init"));
            }
            if weights.len() != geometry.dim {
                let problem = Problem::WrongLength {
                    found: weights.len(),
                    expected: Length::Exactly(geometry.dim),
                    unit: crate::read::Unit::Parameters,
                };
                return Err(Refusal::at("weights", problem));
            }
            if let Some(k) = weights.iter().position(|w| !w.is_finite()) {
                return Err(Refusal::here(Problem::NonFinite)
                    .in_index(k)
                    .in_key("weights"));
            }
        }
        match (&self.images, self.train_size) {
            (Some(_), Some(_)) => {
                Err(unfit(crate::read::Unfit::ImagesOrTrainSize).in_key("train_size"))
            }
            (Some(images), None) => check_images(images),
            (None, Some(n)) => {
                let most = digits::digits().map_or(usize::MAX, |d| d.train.len());
                let sizes = Range::closed(1.0, most as f64).whole();
                if sizes.contains(n as f64) {
                    Ok(())
                } else {
                    Err(Refusal::out_of_range("train_size", n as f64, sizes))
                }
            }
            (None, None) => Ok(()),
        }
    }

    /// The initialiser of every layer when `weights` is absent: `init`, or the activation's
    /// default.
    pub fn layer_init(&self) -> Init {
        self.init
            .unwrap_or_else(|| Init::default_for(self.activation))
    }
}

/// At least one image, each of 65 entries: 64 whole pixels 0–16 and a class 0–9.
fn check_images(images: &[Vec<f64>]) -> Result<(), Refusal> {
    if images.is_empty() {
        let problem = Problem::WrongLength {
            found: 0,
            expected: Length::AtLeast(1),
            unit: crate::read::Unit::Images,
        };
        return Err(Refusal::at("images", problem));
    }
    let pixels = Range::closed(0.0, f64::from(MAX_PIXEL)).whole();
    let classes = Range::closed(0.0, (CLASSES - 1) as f64).whole();
    for (i, image) in images.iter().enumerate() {
        let at = |refusal: Refusal| refusal.in_index(i).in_key("images");
        if image.len() != PIXELS + 1 {
            let problem = Problem::WrongLength {
                found: image.len(),
                expected: Length::Exactly(PIXELS + 1),
                unit: crate::read::Unit::Entries,
            };
            return Err(at(Refusal::here(problem)));
        }
        for (k, &value) in image.iter().enumerate() {
            let range = if k < PIXELS { pixels } else { classes };
            if !range.contains(value) {
                let problem = Problem::OutOfRange { value, range };
                return Err(at(Refusal::here(problem).in_index(k)));
            }
        }
    }
    Ok(())
}
