//! The gradient check: backpropagation's gradient against central finite differences, parameter
//! by parameter, grouped by layer — how a course proves the chain rule is implemented right, and
//! where finite differences themselves fail (a ReLU kink within the step, a step so small that
//! rounding swamps the difference).
//!
//! For each parameter `θₖ` with unit vector `eₖ` and step `h`:
//!
//! ```text
//! numeric  gₖ ≈ (L(θ + h·eₖ) − L(θ − h·eₖ)) / (2h)          (central difference, error O(h²))
//! relative error  = |aₖ − gₖ| / max(|aₖ|, |gₖ|)   (0 when both are 0)
//! ```
//!
//! `aₖ` the analytic (backpropagated) gradient, `L` the full training objective, penalties
//! included. The relative error and its thresholds follow Stanford's CS231n notes, "Neural
//! Networks Part 3: Gradient checks" (<https://cs231n.github.io/neural-networks-3/#gradcheck>):
//! below 1e-7 the gradients agree; up to 1e-4 they are close (a large step's O(h²) error, or a
//! kink of ReLU or |w| inside the step);
//! above 1e-2 the gradient is probably wrong.

#[cfg(feature = "cnn")]
use super::cnn::KERNEL;
use super::model::Model;
use super::Objective;
#[cfg(feature = "cnn")]
use crate::data::digits::CLASSES;
use serde::Serialize;

/// The finite-difference step used when none is chosen (CS231n: 1e-5 … 1e-6 in double precision).
pub const DEFAULT_STEP: f64 = 1e-5;

/// One parameter compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamCheck {
    /// Its index in the flat parameter vector.
    pub index: usize,
    /// Its name: `W1[o][i]` or `b1[o]` (layer 1 first) for the MLP, `w` or `b` for linear
    /// regression, `x` or `y` on a surface.
    pub name: String,
    /// Backpropagation's (the analytic) gradient.
    pub backprop: f64,
    /// The central finite difference.
    pub numeric: f64,
    /// `|backprop − numeric| / max(|backprop|, |numeric|)`, 0 when both are 0.
    pub relative_error: f64,
}

/// One layer's parameters compared (a row of the table).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupCheck {
    /// The group: `layer 1 (2→4)` for the MLP, `w, b` for linear regression, `x, y` on a
    /// surface.
    pub group: String,
    /// For the MLP, the layer as data — its number (from 1), inputs and outputs — so the page
    /// can word the group in its reader's language; `None` for the other objectives.
    pub layer: Option<[usize; 3]>,
    /// How many parameters it holds.
    pub parameters: usize,
    /// The largest relative error among them.
    pub max_relative_error: f64,
    /// The parameter with that error.
    pub worst: ParamCheck,
    /// The error in words ([`verdict`]).
    pub verdict: &'static str,
}

/// The whole check: one row per layer and the worst parameter overall.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradCheck {
    /// The finite-difference step `h`.
    pub step: f64,
    /// The full-objective loss at the parameters checked.
    pub loss: f64,
    /// One row per layer (group of parameters), first layer first.
    pub groups: Vec<GroupCheck>,
    /// The parameter with the largest relative error of all.
    pub worst: ParamCheck,
    /// The worst error in words ([`verdict`]).
    pub verdict: &'static str,
}

/// A relative error in words, by CS231n's thresholds (module doc): `"agree"` below 1e-7,
/// `"close"` up to 1e-4 (what the O(h²) error of a step of 1e-3 gives, or a kink of ReLU or
/// `|w|` inside the step), `"doubtful"` up to 1e-2, `"disagree"` above (or not finite).
pub fn verdict(relative_error: f64) -> &'static str {
    if relative_error < 1e-7 {
        "agree"
    } else if relative_error <= 1e-4 {
        "close"
    } else if relative_error <= 1e-2 {
        "doubtful"
    } else {
        "disagree"
    }
}

/// `|a − n| / max(|a|, |n|)`, `0` when both are `0`.
fn relative_error(a: f64, n: f64) -> f64 {
    let scale = a.abs().max(n.abs());
    if scale == 0.0 {
        0.0
    } else {
        (a - n).abs() / scale
    }
}

/// The groups of an objective's parameters: each one's label, its layer (number, inputs,
/// outputs) for the MLP, and the names of its parameters in order.
type Group = (String, Option<[usize; 3]>, Vec<String>);

fn groups(objective: &Model) -> Vec<Group> {
    match objective {
        Model::Surface(_) => vec![("x, y".to_string(), None, vec!["x".into(), "y".into()])],
        Model::Linreg(_) => vec![("w, b".to_string(), None, vec!["w".into(), "b".into()])],
        #[cfg(feature = "mlp")]
        Model::Mlp(m) => m
            .spec()
            .layers
            .windows(2)
            .enumerate()
            .map(|(l, pair)| {
                let (n_in, n_out) = (pair[0], pair[1]);
                let layer = l + 1;
                let weights =
                    (0..n_out).flat_map(|o| (0..n_in).map(move |i| format!("W{layer}[{o}][{i}]")));
                let biases = (0..n_out).map(|o| format!("b{layer}[{o}]"));
                (
                    format!("layer {layer} ({n_in}→{n_out})"),
                    Some([layer, n_in, n_out]),
                    weights.chain(biases).collect(),
                )
            })
            .collect(),
        #[cfg(feature = "cnn")]
        Model::Cnn(c) => {
            let g = c.geometry();
            let conv_groups = g.convs.iter().enumerate().map(|(l, conv)| {
                let layer = l + 1;
                let kernels = (0..conv.c_out).flat_map(|o| {
                    (0..conv.c_in).flat_map(move |i| {
                        (0..KERNEL * KERNEL).map(move |k| {
                            format!("K{layer}[{o}][{i}][{}][{}]", k / KERNEL, k % KERNEL)
                        })
                    })
                });
                let biases = (0..conv.c_out).map(|o| format!("c{layer}[{o}]"));
                (
                    format!("conv {layer} ({}→{})", conv.c_in, conv.c_out),
                    None,
                    kernels.chain(biases).collect(),
                )
            });
            let n = g.dense_in;
            let dense = (0..CLASSES)
                .flat_map(|o| (0..n).map(move |i| format!("W[{o}][{i}]")))
                .chain((0..CLASSES).map(|o| format!("b[{o}]")))
                .collect();
            conv_groups
                .chain(std::iter::once((
                    format!("dense ({n}→{CLASSES})"),
                    None,
                    dense,
                )))
                .collect()
        }
    }
}

/// Checks the gradient of `objective` at `params` with step `h` (module doc). `h` must be
/// positive and finite (the callers refuse anything else).
///
/// # Panics
/// If `params.len() != objective.dim()`.
pub fn gradient_check(objective: &Model, params: &[f64], h: f64) -> GradCheck {
    let mut analytic = vec![0.0; params.len()];
    let loss = objective.loss_and_gradient(params, &mut analytic);
    let mut probe = params.to_vec();
    let mut checks = Vec::with_capacity(params.len());
    let names = groups(objective);
    let mut index = 0;
    for (_, _, members) in &names {
        for name in members {
            let k = index;
            probe[k] = params[k] + h;
            let plus = objective.loss(&probe);
            probe[k] = params[k] - h;
            let minus = objective.loss(&probe);
            probe[k] = params[k];
            let numeric = (plus - minus) / (2.0 * h);
            checks.push(ParamCheck {
                index: k,
                name: name.clone(),
                backprop: analytic[k],
                numeric,
                relative_error: relative_error(analytic[k], numeric),
            });
            index += 1;
        }
    }
    assert_eq!(
        index,
        params.len(),
        "gradient check: one name per parameter"
    );
    let worst_of = |slice: &[ParamCheck]| -> ParamCheck {
        slice
            .iter()
            .max_by(|a, b| {
                // A NaN error is the worst of all.
                let key = |c: &ParamCheck| {
                    if c.relative_error.is_nan() {
                        f64::INFINITY
                    } else {
                        c.relative_error
                    }
                };
                key(a).total_cmp(&key(b))
            })
            .cloned()
            .unwrap_or(ParamCheck {
                index: 0,
                name: String::new(),
                backprop: 0.0,
                numeric: 0.0,
                relative_error: 0.0,
            })
    };
    let mut start = 0;
    let groups = names
        .into_iter()
        .map(|(group, layer, members)| {
            let slice = &checks[start..start + members.len()];
            start += members.len();
            let worst = worst_of(slice);
            GroupCheck {
                group,
                layer,
                parameters: slice.len(),
                max_relative_error: worst.relative_error,
                verdict: verdict(worst.relative_error),
                worst,
            }
        })
        .collect();
    let worst = worst_of(&checks);
    GradCheck {
        step: h,
        loss,
        groups,
        verdict: verdict(worst.relative_error),
        worst,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::objective::ObjectiveSpec;

    fn model(json: &str) -> Model {
        let spec: ObjectiveSpec = serde_json::from_str(json).unwrap();
        Model::build(&spec, 3).unwrap()
    }

    #[cfg(feature = "mlp")]
    #[test]
    fn backprop_agrees_with_finite_differences_layer_by_layer() {
        let m = model(
            r#"{"kind":"mlp","layers":[2,4,3,1],"activation":"tanh","loss":"bce","l1":0.01,"l2":0.01,
                "dataset":{"name":"circle","n":40,"seed":1}}"#,
        );
        let check = gradient_check(&m, &m.initial_params(), DEFAULT_STEP);
        let rows: Vec<(&str, usize)> = check
            .groups
            .iter()
            .map(|g| (g.group.as_str(), g.parameters))
            .collect();
        assert_eq!(
            rows,
            [
                ("layer 1 (2→4)", 12),
                ("layer 2 (4→3)", 15),
                ("layer 3 (3→1)", 4)
            ]
        );
        assert!(check.worst.relative_error < 1e-7, "{:?}", check.worst);
        assert_eq!(check.verdict, "agree");
        let max = check
            .groups
            .iter()
            .map(|g| g.max_relative_error)
            .fold(0.0, f64::max);
        assert_eq!(max, check.worst.relative_error);
        // Names follow the flat order: W row-major, then b, layer by layer.
        let names = groups(&m);
        assert_eq!(names[0].2[..3], ["W1[0][0]", "W1[0][1]", "W1[1][0]"]);
        assert_eq!(names[0].2[8], "b1[0]");
    }

    #[test]
    fn too_small_a_step_is_swamped_by_rounding() {
        let m = model(r#"{"kind":"linreg","dataset":{"name":"linear","n":50,"seed":2}}"#);
        let p = [0.3, -0.2];
        let good = gradient_check(&m, &p, 1e-5);
        let tiny = gradient_check(&m, &p, 1e-13);
        assert!(good.worst.relative_error < 1e-7, "{:?}", good.worst);
        assert!(
            tiny.worst.relative_error > 100.0 * good.worst.relative_error,
            "{:?} vs {:?}",
            tiny.worst,
            good.worst
        );
        assert_eq!(good.groups[0].group, "w, b");
    }

    #[cfg(feature = "mlp")]
    #[test]
    fn a_relu_kink_inside_the_step_shows() {
        // One ReLU unit whose pre-activation at the point is 1e-4: a step of 1e-3 on its weight
        // crosses the kink, a step of 1e-6 does not.
        let m = model(
            r#"{"kind":"mlp","layers":[2,1,1],"activation":"relu","loss":"mse",
                "points":[[1,0,1]],"weights":[{"w":[[1e-4,0]],"b":[0]},{"w":[[1]],"b":[0]}]}"#,
        );
        let p = m.initial_params();
        let across = gradient_check(&m, &p, 1e-3);
        let within = gradient_check(&m, &p, 1e-6);
        assert!(across.worst.relative_error > 1e-2, "{:?}", across.worst);
        assert_eq!(across.verdict, "disagree");
        assert!(within.worst.relative_error < 1e-4, "{:?}", within.worst);
        assert_eq!(verdict(0.0), "agree");
        assert_eq!(verdict(1e-5), "close");
        assert_eq!(verdict(1e-3), "doubtful");
        assert_eq!(verdict(f64::NAN), "disagree");
    }
}
