//! The scenario fuzz test's generators (proptest strategies): numbers, strings and values at
//! every edge a field has; well-formed optimizers, surfaces, data sets, networks, schedules and
//! stops; whole scenario skeletons; and the mutations that break one node of a document.

// Tests may compute expectations with the platform's elementary functions (clippy.toml).
#![allow(clippy::disallowed_methods)]

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};

/// Numbers at every edge a scenario field has: zero and its sign, the accepted bounds and just
/// beyond, the extremes of f64, u64 and i64, subnormals, and plain random values.
pub fn wild_number() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(vec![
            json!(0),
            json!(-0.0),
            json!(1),
            json!(-1),
            json!(2),
            json!(0.5),
            json!(0.999),
            json!(1.0),
            json!(1e-12),
            json!(1e-300),
            json!(5e-324),
            json!(1e6),
            json!(1e12),
            json!(1e13),
            json!(1e100),
            json!(1e308),
            json!(-1e308),
            json!(f64::MAX),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(10_000),
            json!(10_001),
            json!(1_000_000),
            json!(1_000_001),
            json!(10_000_000),
            json!(10_000_001),
        ]),
        2 => any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        1 => any::<i64>().prop_map(|i| json!(i)),
        2 => (-3.0f64..3.0).prop_map(|f| json!(f)),
        2 => (0u64..300).prop_map(|i| json!(i)),
    ]
    .boxed()
}

/// Names the format knows, near-misses and garbage.
pub fn wild_string() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "rosenbrock", "quadratic", "booth", "saddle", "goldstein_price", "linreg", "mlp",
            "surface", "sgd", "adam", "newton", "adamw", "step", "cosine", "exponential",
            "linear", "circle", "plane", "xor", "tanh", "relu", "bce", "mse", "he", "zeros",
            "", "NaN", "Infinity", "-inf", "1e999", "null", "Rosenbrock", "sgd ", "é",
            "<img src=x onerror=alert(1)>", "a\nb", "`", "\u{0}",
        ])
        .prop_map(|s| json!(s)),
        1 => "\\PC{0,12}".prop_map(|s| json!(s)),
    ]
    .boxed()
}

/// Any JSON value, shallow: numbers, strings, booleans, null, small lists and objects.
pub fn wild_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        6 => wild_number(),
        3 => wild_string(),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A plausible value of about `centre`: exact, a little off, or wild.
pub fn near(centre: f64) -> BoxedStrategy<Value> {
    prop_oneof![
        3 => Just(json!(centre)),
        3 => (0.3f64..1.2).prop_map(move |f| json!(centre * f)),
        1 => wild_number(),
    ]
    .boxed()
}

const OPTIMIZERS: &[(&str, &[(&str, f64)])] = &[
    (
        "sgd",
        &[
            ("lr", 1e-3),
            ("momentum", 0.9),
            ("dampening", 0.0),
            ("weight_decay", 1e-4),
        ],
    ),
    (
        "adagrad",
        &[
            ("lr", 1e-2),
            ("lr_decay", 1e-3),
            ("weight_decay", 0.0),
            ("initial_accumulator_value", 0.1),
            ("eps", 1e-10),
        ],
    ),
    (
        "rmsprop",
        &[
            ("lr", 1e-2),
            ("alpha", 0.99),
            ("eps", 1e-8),
            ("weight_decay", 0.0),
            ("momentum", 0.5),
        ],
    ),
    (
        "adadelta",
        &[
            ("lr", 1.0),
            ("rho", 0.9),
            ("eps", 1e-6),
            ("weight_decay", 0.0),
        ],
    ),
    (
        "adam",
        &[("lr", 1e-3), ("eps", 1e-8), ("weight_decay", 0.0)],
    ),
    (
        "adamw",
        &[("lr", 1e-3), ("eps", 1e-8), ("weight_decay", 1e-2)],
    ),
    (
        "nadam",
        &[
            ("lr", 2e-3),
            ("eps", 1e-8),
            ("weight_decay", 0.0),
            ("momentum_decay", 4e-3),
        ],
    ),
    (
        "adamax",
        &[("lr", 2e-3), ("eps", 1e-8), ("weight_decay", 0.0)],
    ),
    ("newton", &[("lr", 1.0), ("damping", 0.1)]),
    (
        "lbfgs",
        &[
            ("lr", 1.0),
            ("max_iter", 8.0),
            ("tolerance_grad", 1e-7),
            ("tolerance_change", 1e-9),
            ("history_size", 5.0),
        ],
    ),
];

/// An optimizer object: a known name (now and then a wrong one) with some of its
/// hyper-parameters, mostly plausible.
pub fn optimizer() -> BoxedStrategy<Value> {
    (
        0..OPTIMIZERS.len(),
        prop::collection::vec(any::<bool>(), 5),
        prop::collection::vec(near(1.0), 5),
        prop::option::weighted(
            0.3,
            (
                prop_oneof![4 => (0.0f64..0.99).prop_map(|b| json!(b)), 1 => wild_number()],
                prop_oneof![4 => (0.5f64..0.9999).prop_map(|b| json!(b)), 1 => wild_number()],
            ),
        ),
        prop::option::weighted(0.2, any::<bool>()),
    )
        .prop_map(|(which, keep, scale, betas, flag)| {
            let (name, params) = OPTIMIZERS[which];
            let mut object = Map::new();
            object.insert("name".into(), json!(name));
            for (i, (key, default)) in params.iter().enumerate() {
                if keep[i] {
                    let value = match &scale[i] {
                        Value::Number(n) if n.as_f64() == Some(1.0) => json!(default),
                        Value::Number(n) if ["max_iter", "history_size"].contains(key) => {
                            json!((default * n.as_f64().unwrap_or(1.0)).round().max(1.0) as u64)
                        }
                        Value::Number(n) => json!(default * n.as_f64().unwrap_or(1.0)),
                        other => other.clone(),
                    };
                    object.insert((*key).into(), value);
                }
            }
            if let Some((b1, b2)) = betas {
                if name.starts_with("adam") || name == "nadam" {
                    object.insert("betas".into(), json!([b1, b2]));
                }
            }
            if let Some(flag) = flag {
                let key = match name {
                    "sgd" => "nesterov",
                    "rmsprop" => "centered",
                    "adam" | "adamw" => "amsgrad",
                    "lbfgs" => "line_search_fn",
                    _ => "",
                };
                if key == "line_search_fn" {
                    if flag {
                        object.insert(key.into(), json!("strong_wolfe"));
                    }
                } else if !key.is_empty() {
                    object.insert(key.into(), json!(flag));
                }
            }
            Value::Object(object)
        })
        .boxed()
}

/// A typed-in function of x and y: well-formed formulas over every operator and function of the
/// grammar (with poles, branch cuts and overflow within reach), deep nesting, and token soup.
pub fn expression() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        4 => prop::sample::select(vec!["x", "y", "x", "y", "pi", "e"]).prop_map(String::from),
        2 => prop::sample::select(vec![
            "0", "1", "2", "0.5", ".5", "3.", "1e-3", "1e308", "1e-320", "1e999", "100", "-1",
        ])
        .prop_map(String::from),
    ];
    let formula = leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (
                prop::sample::select(vec![
                    "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh",
                ]),
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "^"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}){op}({b})")),
            inner.clone().prop_map(|a| format!("-{a}")),
        ]
    });
    prop_oneof![
        6 => formula,
        1 => (
            prop::sample::select(vec!["(", "-", "+", "sin(", "x^", "-("]),
            0usize..600
        )
            .prop_map(|(open, depth)| {
                let close = if open.ends_with('(') { ")" } else { "" };
                format!("{}x{}", open.repeat(depth), close.repeat(depth))
            }),
        1 => prop::collection::vec(
            prop::sample::select(vec![
                "x", "y", "(", ")", "+", "-", "*", "/", "^", "sin", "log", "2", "1e5", ".", "e",
                "pi", " ", "z", ",", "2x", "é",
            ]),
            0..40
        )
        .prop_map(|tokens| tokens.concat()),
    ]
    .boxed()
}

pub fn surface() -> BoxedStrategy<Value> {
    prop_oneof![
        5 => named_surface(),
        2 => (
            expression(),
            prop::option::weighted(
                0.3,
                prop_oneof![
                    3 => Just(json!([-2, 2, -1, 3])),
                    1 => prop::collection::vec(wild_number(), 0..5).prop_map(Value::Array),
                ]
            ),
        )
            .prop_map(|(expr, view)| {
                let mut object = json!({"kind": "surface", "name": "custom", "expr": expr});
                if let Some(view) = view {
                    object["view"] = view;
                }
                object
            }),
    ]
    .boxed()
}

pub fn named_surface() -> BoxedStrategy<Value> {
    (
        prop::sample::select(gdviz::objective::surfaces::SurfaceSpec::ALL_NAMES.to_vec()),
        prop::option::weighted(
            0.5,
            prop_oneof![
                (-6.0f64..6.0).prop_map(|e| json!(10f64.powf(e))),
                wild_number()
            ],
        ),
        prop::option::weighted(0.5, near(0.3)),
    )
        .prop_map(|(name, kappa, angle)| {
            let mut object = json!({"kind": "surface", "name": name});
            if name == "quadratic" {
                if let Some(kappa) = kappa {
                    object["kappa"] = kappa;
                }
                if let Some(angle) = angle {
                    object["angle"] = angle;
                }
            }
            object
        })
        .boxed()
}

pub fn dataset(names: &'static [&'static str]) -> BoxedStrategy<Value> {
    (
        prop::sample::select(names),
        prop::option::weighted(
            0.7,
            prop_oneof![4 => (1u64..120).prop_map(|n| json!(n)), 1 => wild_number()],
        ),
        prop::option::weighted(
            0.5,
            prop_oneof![6 => (0.0f64..1.0).prop_map(|f| json!(f)), 1 => wild_number()],
        ),
        prop::option::of(0u64..1000),
        prop::option::weighted(
            0.4,
            prop_oneof![6 => (0.0f64..0.99).prop_map(|f| json!(f)), 1 => wild_number()],
        ),
        any::<bool>(),
    )
        .prop_map(|(name, n, noise, seed, test_fraction, standardize)| {
            let mut object = json!({ "name": name });
            for (key, value) in [("n", n), ("noise", noise), ("test_fraction", test_fraction)] {
                if let Some(value) = value {
                    object[key] = value;
                }
            }
            if let Some(seed) = seed {
                object["seed"] = json!(seed);
            }
            if standardize {
                object["standardize"] = json!(true);
            }
            object
        })
        .boxed()
}

pub fn points(width: usize) -> BoxedStrategy<Value> {
    prop::collection::vec(prop::collection::vec(-2.0f64..2.0, width), 0..12)
        .prop_map(move |points| {
            json!(points
                .into_iter()
                .map(|mut p| {
                    if width == 3 {
                        p[2] = if p[2] > 0.0 { 1.0 } else { 0.0 };
                    }
                    p
                })
                .collect::<Vec<_>>())
        })
        .boxed()
}

pub fn linreg() -> BoxedStrategy<Value> {
    let data = prop_oneof![
        points(2).prop_map(|p| json!({"kind": "linreg", "points": p})),
        dataset(&["linear", "linear", "linear", "plane", "circle"])
            .prop_map(|d| json!({"kind": "linreg", "dataset": d})),
    ];
    (
        data,
        prop::option::weighted(0.2, near(1e-2)),
        prop::option::weighted(0.2, near(1e-2)),
    )
        .prop_map(|(mut object, l1, l2)| {
            for (key, value) in [("l1", l1), ("l2", l2)] {
                if let Some(value) = value {
                    object[key] = value;
                }
            }
            object
        })
        .boxed()
}

pub fn mlp() -> BoxedStrategy<Value> {
    (
        prop::collection::vec(1usize..6, 0..3),
        prop::sample::select(vec!["tanh", "relu", "sigmoid", "linear"]),
        prop::sample::select(vec!["bce", "mse", "ce"]),
        prop_oneof![
            points(3).prop_map(|p| ("points", p)),
            dataset(&[
                "circle",
                "xor",
                "gaussians",
                "spiral",
                "moons",
                "plane",
                "linear"
            ])
            .prop_map(|d| ("dataset", d)),
        ],
        prop::option::weighted(
            0.3,
            prop::sample::select(vec!["xavier", "he", "uniform", "zeros"]),
        ),
        (
            prop::option::weighted(0.2, near(1e-3)),
            prop::option::weighted(0.2, near(1e-3)),
        ),
        // Per-layer activations: mostly one per hidden layer, sometimes a wrong count.
        prop::option::weighted(
            0.3,
            prop::collection::vec(
                prop::sample::select(vec!["tanh", "relu", "sigmoid", "linear"]),
                0..4,
            ),
        ),
    )
        .prop_map(
            |(hidden, activation, loss, (data_key, data), init, (l1, l2), activations)| {
                let mut layers = vec![2];
                layers.extend(hidden);
                layers.push(1);
                let mut object = json!({
                    "kind": "mlp", "layers": layers, "activation": activation, "loss": loss,
                });
                object[data_key] = data;
                if let Some(init) = init {
                    object["init"] = json!(init);
                }
                if let Some(l1) = l1 {
                    object["l1"] = l1;
                }
                if let Some(l2) = l2 {
                    object["l2"] = l2;
                }
                if let Some(activations) = activations {
                    object["activations"] = json!(activations);
                }
                object
            },
        )
        .boxed()
}

pub fn schedule() -> BoxedStrategy<Value> {
    prop_oneof![
        (
            prop_oneof![6 => (1u64..100).prop_map(|n| json!(n)), 1 => wild_number()],
            near(0.5)
        )
            .prop_map(
                |(step_size, gamma)| json!({"name": "step", "step_size": step_size, "gamma": gamma})
            ),
        near(0.99).prop_map(|gamma| json!({"name": "exponential", "gamma": gamma})),
        (
            prop_oneof![6 => (1u64..100).prop_map(|n| json!(n)), 1 => wild_number()],
            near(1e-4)
        )
            .prop_map(
                |(t_max, eta_min)| json!({"name": "cosine", "t_max": t_max, "eta_min": eta_min})
            ),
    ]
    .boxed()
}

/// An early stop: thresholds on the loss, the gradient norm or the epochs; a patience (early
/// stopping, refused where there is no test split), sometimes without its best weights.
pub fn stop() -> BoxedStrategy<Value> {
    (
        prop::option::of(near(1e-3)),
        prop::option::of(near(1e-4)),
        prop::option::of(near(2.0)),
        prop::option::weighted(
            0.3,
            prop_oneof![4 => (1u64..30).prop_map(|p| json!(p)), 1 => wild_number()],
        ),
        prop::option::weighted(0.2, any::<bool>()),
    )
        .prop_map(|(loss, grad, epochs, patience, restore)| {
            let mut object = json!({});
            for (key, value) in [
                ("loss_below", loss),
                ("grad_norm_below", grad),
                ("epochs", epochs),
                ("patience", patience),
                ("restore_best", restore.map(Value::Bool)),
            ] {
                if let Some(value) = value {
                    object[key] = value;
                }
            }
            object
        })
        .boxed()
}

/// A scenario that is mostly well-formed: a valid skeleton with plausible, sometimes wild,
/// values in every section.
pub fn skeleton() -> BoxedStrategy<Value> {
    (
        prop_oneof![4 => surface(), 2 => linreg(), 1 => mlp()],
        optimizer(),
        (
            prop::option::weighted(0.3, schedule()),
            prop::option::weighted(0.2, near(1.0)),
            prop::option::weighted(
                0.4,
                prop_oneof![6 => (1u64..64).prop_map(|b| json!(b)), 1 => wild_number()],
            ),
            prop::option::weighted(0.2, any::<bool>()),
            prop::option::weighted(0.2, near(0.5)),
        ),
        (
            prop::option::of(any::<u64>()),
            prop::option::weighted(0.15, stop()),
        ),
        prop::option::weighted(
            0.6,
            prop_oneof![
                5 => (-3.0f64..3.0, -3.0f64..3.0).prop_map(|(x, y)| json!([x, y])),
                1 => prop::collection::vec(wild_number(), 0..4).prop_map(Value::Array),
            ],
        ),
        prop::option::of(prop_oneof![8 => (0u64..60).prop_map(|s| json!(s)), 1 => wild_number()]),
        prop::collection::vec(
            (
                optimizer(),
                prop::option::weighted(0.3, (1u64..32).prop_map(|b| json!(b))),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(
                objective,
                optimizer,
                (schedule, clip, batch, replace, noise),
                (seed, stop),
                start,
                steps,
                race,
            )| {
                let mut scenario = json!({ "objective": objective, "optimizer": optimizer });
                let optional = [
                    ("schedule", schedule),
                    ("clip_norm", clip),
                    ("batch_size", batch),
                    ("with_replacement", replace.map(Value::Bool)),
                    ("noise", noise.map(|sigma| json!({ "sigma": sigma }))),
                    ("seed", seed.map(|s| json!(s))),
                    ("stop", stop),
                    ("start", start),
                    ("steps", steps),
                ];
                for (key, value) in optional {
                    if let Some(value) = value {
                        scenario[key] = value;
                    }
                }
                if !race.is_empty() {
                    scenario["race"] = json!(race
                        .into_iter()
                        .map(|(optimizer, batch)| match batch {
                            Some(b) => json!({"optimizer": optimizer, "batch_size": b}),
                            None => json!({ "optimizer": optimizer }),
                        })
                        .collect::<Vec<_>>());
                }
                scenario
            },
        )
        .boxed()
}

/// One way of breaking a document at one of its nodes.
#[derive(Clone, Debug)]
pub enum Mutation {
    Replace(Index, Value),
    Remove(Index),
    Insert(Index, String, Value),
    Rename(Index, String),
}

pub fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        4 => (any::<Index>(), wild_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<Index>().prop_map(Mutation::Remove),
        1 => (any::<Index>(), prop_oneof![
                prop::sample::select(vec!["lr", "name", "kind", "kappa", "steps", "race", "points", "dataset", "weights", "init", "betas", "noise"]).prop_map(String::from),
                "[a-z_]{1,10}",
            ], wild_value())
            .prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
        1 => (any::<Index>(), "[a-z_]{1,10}").prop_map(|(i, k)| Mutation::Rename(i, k)),
    ]
    .boxed()
}
