//! The serde form of an MLP objective and its validation: the architecture, the data (inline
//! points or a generated data set), the starting weights or their initialiser, the L1 and L2
//! penalties.

use serde::Serialize;

use super::{Activation, Init, MlpLoss, MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS};
use crate::data::datasets::{DatasetKind, DatasetSpec, MAX_CLASSES};
use crate::read::{Length, Problem, Range, Refusal, Unfit};

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
/// [`MlpSpec::validate`]; built by [`Mlp::new`](super::Mlp::new).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MlpSpec {
    /// Units per layer, input (2) first, output last: 1 unit for `bce` and `mse`, one per class
    /// (2 to 8) for `ce`.
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
    /// L1 penalty strength `λ ≥ 0` on weight matrices, `λ·Σ|w|` (module doc of
    /// [`super`]); `0` when absent.
    #[serde(skip_serializing_if = "is_zero")]
    pub l1: f64,
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
    l1: 0.0,
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
    l1: F64,
});

impl MlpSpec {
    /// Checks every field; a refusal names the first offending one, e.g. `weights[1].w`, with
    /// what is accepted there.
    pub fn validate(&self) -> Result<(), Refusal> {
        let unfit = |unfit: Unfit| Refusal::here(Problem::unfit(unfit));
        let layers = &self.layers;
        if layers.len() < 2 {
            let found = layers.len();
            return Err(unfit(Unfit::TooFewLayers { found }).in_key("layers"));
        }
        let in_layers = |refusal: Refusal, l: usize| refusal.in_index(l).in_key("layers");
        if layers[0] != 2 {
            let found = layers[0];
            return Err(in_layers(unfit(Unfit::InputUnits { found }), 0));
        }
        let last = layers.len() - 1;
        let outputs = layers[last];
        match self.loss {
            MlpLoss::Ce if outputs == 1 => {
                return Err(in_layers(unfit(Unfit::CeOneOutput), last));
            }
            MlpLoss::Ce if outputs > MAX_CLASSES => {
                let sentence = Unfit::CeOutputs {
                    found: outputs,
                    most: MAX_CLASSES,
                };
                return Err(in_layers(unfit(sentence), last));
            }
            MlpLoss::Bce | MlpLoss::Mse if outputs != 1 => {
                let sentence = Unfit::OneOutput {
                    loss: self.loss.as_str(),
                    found: outputs,
                };
                return Err(in_layers(unfit(sentence), last));
            }
            _ => {}
        }
        if last - 1 > MAX_HIDDEN_LAYERS {
            return Err(Refusal::at(
                "layers",
                Problem::WrongLength {
                    found: last - 1,
                    expected: Length::AtMost(MAX_HIDDEN_LAYERS),
                    unit: crate::read::Unit::HiddenLayers,
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
                return Err(unfit(Unfit::PerHiddenLayer {
                    expected: last - 1,
                    found: activations.len(),
                    layers: layers.clone(),
                })
                .in_key("activations"));
            }
        }
        match (&self.points, &self.dataset) {
            (Some(_), Some(_)) => {
                return Err(unfit(Unfit::PointsOrDataset).in_key("dataset"));
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
                    DatasetKind::Classification => {
                        let classes = dataset.classes;
                        if self.loss == MlpLoss::Ce && classes != outputs {
                            let sentence = Unfit::OutputsNotClasses { outputs, classes };
                            return Err(in_layers(unfit(sentence), last));
                        }
                        if self.loss != MlpLoss::Ce && classes != 2 {
                            return Err(unfit(Unfit::TwoClasses {
                                loss: self.loss.as_str(),
                                classes,
                            })
                            .in_key("loss"));
                        }
                    }
                    DatasetKind::Regression1d => {
                        return Err(unfit(Unfit::OneDimensionalSet {
                            name: dataset.name.as_str(),
                        })
                        .in_key("name")
                        .in_key("dataset"));
                    }
                    DatasetKind::Regression2d => {
                        if self.loss != MlpLoss::Mse {
                            return Err(unfit(Unfit::RealTargets {
                                loss: self.loss.as_str(),
                                name: dataset.name.as_str(),
                            })
                            .in_key("loss"));
                        }
                    }
                }
            }
        }
        if !Range::at_least(0.0).contains(self.l2) {
            return Err(Refusal::out_of_range("l2", self.l2, Range::at_least(0.0)));
        }
        if !Range::at_least(0.0).contains(self.l1) {
            return Err(Refusal::out_of_range("l1", self.l1, Range::at_least(0.0)));
        }
        let Some(weights) = &self.weights else {
            return Ok(());
        };
        if self.init.is_some() {
            return Err(unfit(Unfit::WeightsOrInit).in_key("init"));
        }
        if weights.len() != last {
            return Err(unfit(Unfit::WeightLayers {
                expected: last,
                found: weights.len(),
                layers: layers.clone(),
            })
            .in_key("weights"));
        }
        let in_weights = |refusal: Refusal, l: usize| refusal.in_index(l).in_key("weights");
        for (l, layer) in weights.iter().enumerate() {
            let (n_in, n_out) = (layers[l], layers[l + 1]);
            if layer.w.len() != n_out {
                let sentence = Unfit::WeightRows {
                    rows: n_out,
                    columns: n_in,
                    found: layer.w.len(),
                };
                return Err(in_weights(unfit(sentence).in_key("w"), l));
            }
            for (o, row) in layer.w.iter().enumerate() {
                if row.len() != n_in {
                    let sentence = Unfit::WeightEntries {
                        expected: n_in,
                        found: row.len(),
                    };
                    return Err(in_weights(unfit(sentence).in_index(o).in_key("w"), l));
                }
                if let Some(i) = row.iter().position(|v| !v.is_finite()) {
                    let refusal = Refusal::here(Problem::NonFinite).in_index(i).in_index(o);
                    return Err(in_weights(refusal.in_key("w"), l));
                }
            }
            if layer.b.len() != n_out {
                let sentence = Unfit::WeightEntries {
                    expected: n_out,
                    found: layer.b.len(),
                };
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

    /// At least one point, all values finite, `bce` labels 0 or 1, `ce` labels whole numbers
    /// `0, …, k − 1` for `k` outputs.
    fn validate_points(&self, points: &[[f64; 3]]) -> Result<(), Refusal> {
        crate::objective::check_points(points)?;
        let outputs = self.layers.last().copied().unwrap_or(1);
        for (i, point) in points.iter().enumerate() {
            let label = point[2];
            let sentence = match self.loss {
                MlpLoss::Bce if label != 0.0 && label != 1.0 => Unfit::BceLabel { label },
                MlpLoss::Ce if !is_class(label, outputs) => Unfit::CeLabel {
                    most: outputs - 1,
                    label,
                },
                _ => continue,
            };
            let refusal = Refusal::here(Problem::unfit(sentence)).in_index(2);
            return Err(refusal.in_index(i).in_key("points"));
        }
        Ok(())
    }
}

/// Whether `label` is one of the classes `0, …, classes − 1`.
pub fn is_class(label: f64, classes: usize) -> bool {
    label >= 0.0 && label.fract() == 0.0 && label < classes as f64
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::objective::mlp::test_support::random_spec;
    use crate::objective::mlp::Mlp;
    use crate::objective::Objective;

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
            "layers[2]: the output layer must have 1 unit for bce, got 2 (ce takes one per class)",
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
            &|s| s.l1 = -0.5,
            "l1: -0.5 is out of range (accepted: l1 ≥ 0)",
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
    fn ce_needs_one_output_per_class_and_labels_in_range() {
        let good = random_spec(&[2, 4, 3], Activation::Tanh, MlpLoss::Ce, 6, 0.0, 1);
        assert!(Mlp::new(good.clone(), 0).is_ok());
        let refuse = |edit: &dyn Fn(&mut MlpSpec), expected: &str| {
            let mut spec = good.clone();
            edit(&mut spec);
            assert_eq!(Mlp::new(spec, 0).unwrap_err().to_string(), expected);
        };
        refuse(
            &|s| {
                s.layers[2] = 1;
                s.weights = None;
            },
            "layers[2]: ce needs one output per class, so at least 2 (with 1 output, use bce for two classes)",
        );
        refuse(
            &|s| {
                s.layers[2] = 9;
                s.weights = None;
            },
            "layers[2]: ce takes one output per class, 2 to 8, got 9",
        );
        refuse(
            &|s| s.points.as_mut().unwrap()[4][2] = 3.0,
            "points[4][2]: a ce label must be a whole number from 0 to 2 (one class per output), got 3",
        );
        refuse(
            &|s| s.points.as_mut().unwrap()[1][2] = 0.5,
            "points[1][2]: a ce label must be a whole number from 0 to 2 (one class per output), got 0.5",
        );
        refuse(
            &|s| s.loss = MlpLoss::Mse,
            "layers[2]: the output layer must have 1 unit for mse, got 3 (ce takes one per class)",
        );
        let refuse_json = |json: &str, expected: &str| {
            let spec: MlpSpec = serde_json::from_str(json).unwrap();
            assert_eq!(
                Mlp::new(spec, 0).unwrap_err().to_string(),
                expected,
                "{json}"
            );
        };
        refuse_json(
            r#"{"layers":[2,4,2],"activation":"tanh","loss":"ce","dataset":{"name":"spiral","classes":3}}"#,
            "layers[2]: the output layer has 2 units but the data set has 3 classes (ce takes one output per class)",
        );
        refuse_json(
            r#"{"layers":[2,4,1],"activation":"tanh","loss":"bce","dataset":{"name":"spiral","classes":3}}"#,
            "loss: bce takes 2 classes, but the data set has 3 (use ce)",
        );
        refuse_json(
            r#"{"layers":[2,4,2],"activation":"tanh","loss":"ce","dataset":{"name":"plane"}}"#,
            "loss: ce needs class labels 0, 1, …, but plane has real targets (use mse)",
        );
        let json = r#"{"layers":[2,4,3],"activation":"tanh","loss":"ce","dataset":{"name":"spiral","classes":3}}"#;
        let spec: MlpSpec = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&spec).unwrap(), json);
        let f = Mlp::new(spec, 0).unwrap();
        assert!(f.has_labels() && f.is_classifier());
        assert_eq!((f.classes(), f.outputs()), (3, 3));
        // ce on a two-class set takes two outputs.
        let two = r#"{"layers":[2,2],"activation":"tanh","loss":"ce","dataset":{"name":"moons"}}"#;
        assert_eq!(
            Mlp::new(serde_json::from_str(two).unwrap(), 0)
                .unwrap()
                .classes(),
            2
        );
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
}
