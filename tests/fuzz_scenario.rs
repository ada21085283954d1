//! Fuzzing the scenario format: no text breaks [`Scenario::from_json`], every refusal names a
//! field in one line, every accepted scenario reads back equal from its own JSON and runs.
//!
//! Each property runs [`CASES`] = 2000 cases by default (the whole file takes about 6 s in a
//! debug build on two cores); `PROPTEST_CASES=100000 cargo test --release --test fuzz_scenario`
//! runs a longer campaign (docs/robustness.md). Failures are shrunk and their seeds saved under
//! `proptest-regressions/`, which is committed so they are replayed first ever after.

// Tests may compute expectations with the platform's elementary functions (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;

use gdviz::read::Refusal;
use gdviz::run::{Race, Status};
use gdviz::scenario::Scenario;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};

/// Cases per property, unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 2000;

fn config() -> ProptestConfig {
    common::fuzz::config(CASES, "proptest-regressions/fuzz_scenario.txt")
}

/// Updates each racer of an accepted scenario takes in the "runs" property (work is capped again
/// for large data objectives).
const STEP_CAP: u64 = 40;

/// Numbers at every edge a scenario field has: zero and its sign, the accepted bounds and just
/// beyond, the extremes of f64, u64 and i64, subnormals, and plain random values.
fn wild_number() -> BoxedStrategy<Value> {
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
fn wild_string() -> BoxedStrategy<Value> {
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
fn wild_value() -> BoxedStrategy<Value> {
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
fn near(centre: f64) -> BoxedStrategy<Value> {
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
fn optimizer() -> BoxedStrategy<Value> {
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
fn expression() -> BoxedStrategy<String> {
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

fn surface() -> BoxedStrategy<Value> {
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

fn named_surface() -> BoxedStrategy<Value> {
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

fn dataset(names: &'static [&'static str]) -> BoxedStrategy<Value> {
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

fn points(width: usize) -> BoxedStrategy<Value> {
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

fn linreg() -> BoxedStrategy<Value> {
    prop_oneof![
        points(2).prop_map(|p| json!({"kind": "linreg", "points": p})),
        dataset(&["linear", "linear", "linear", "plane", "circle"])
            .prop_map(|d| json!({"kind": "linreg", "dataset": d})),
    ]
    .boxed()
}

fn mlp() -> BoxedStrategy<Value> {
    (
        prop::collection::vec(1usize..6, 0..3),
        prop::sample::select(vec!["tanh", "relu", "sigmoid", "linear"]),
        prop::sample::select(vec!["bce", "mse"]),
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
        prop::option::weighted(0.2, near(1e-3)),
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
            |(hidden, activation, loss, (data_key, data), init, l2, activations)| {
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

fn schedule() -> BoxedStrategy<Value> {
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

/// An early stop: thresholds on the loss, the gradient norm or the epochs.
fn stop() -> BoxedStrategy<Value> {
    (
        prop::option::of(near(1e-3)),
        prop::option::of(near(1e-4)),
        prop::option::of(near(2.0)),
    )
        .prop_map(|(loss, grad, epochs)| {
            let mut object = json!({});
            for (key, value) in [
                ("loss_below", loss),
                ("grad_norm_below", grad),
                ("epochs", epochs),
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
fn skeleton() -> BoxedStrategy<Value> {
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
enum Mutation {
    Replace(Index, Value),
    Remove(Index),
    Insert(Index, String, Value),
    Rename(Index, String),
}

fn mutation() -> BoxedStrategy<Mutation> {
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

/// Every node of `value` as a chain of keys and indices.
fn all_paths(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(json!(k));
                all_paths(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(json!(i));
                all_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Value::String(k) => node.get_mut(k.as_str()),
        Value::Number(i) => node.get_mut(i.as_u64()? as usize),
        _ => None,
    })
}

fn apply(document: &mut Value, mutation: &Mutation) {
    let mut paths = Vec::new();
    all_paths(document, &mut Vec::new(), &mut paths);
    let pick = |i: &Index| paths[i.index(paths.len())].clone();
    match mutation {
        Mutation::Replace(i, v) => {
            if let Some(node) = node_mut(document, &pick(i)) {
                *node = v.clone();
            }
        }
        Mutation::Remove(i) => {
            let path = pick(i);
            if let Some((last, parent)) = path.split_last() {
                match (node_mut(document, parent), last) {
                    (Some(Value::Object(m)), Value::String(k)) => {
                        m.remove(k);
                    }
                    (Some(Value::Array(a)), Value::Number(n)) => {
                        let n = n.as_u64().unwrap_or(0) as usize;
                        if n < a.len() {
                            a.remove(n);
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Insert(i, key, v) => {
            if let Some(Value::Object(m)) = node_mut(document, &pick(i)) {
                m.insert(key.clone(), v.clone());
            }
        }
        Mutation::Rename(i, key) => {
            let path = pick(i);
            if let Some((Value::String(old), parent)) = path.split_last() {
                if let Some(Value::Object(m)) = node_mut(document, parent) {
                    if let Some(v) = m.remove(old) {
                        m.insert(key.clone(), v);
                    }
                }
            }
        }
    }
}

/// A refusal names a field and says why, each on one line.
fn check_refusal(error: &Refusal, input: &str) {
    assert!(
        !error.field().is_empty(),
        "empty field for {input:?}: {error:?}"
    );
    assert!(
        !error.reason().is_empty(),
        "empty message for {input:?}: {error:?}"
    );
    for text in [&error.field(), &error.reason()] {
        assert!(
            !text.contains(['\n', '\r']),
            "a refusal is one line: {error:?} for {input:?}"
        );
    }
}

/// Parses `text`; an accepted scenario must validate and read back equal from its own JSON.
fn parse_and_round_trip(text: &str) -> Option<Scenario> {
    match Scenario::from_json(text) {
        Err(error) => {
            check_refusal(&error, text);
            None
        }
        Ok(scenario) => {
            scenario.validate().expect("an accepted scenario validates");
            let json = scenario.to_json();
            assert_eq!(
                Scenario::from_json(&json).as_ref(),
                Ok(&scenario),
                "{text} was written back as {json}"
            );
            Some(scenario)
        }
    }
}

/// Runs every racer of an accepted scenario for up to [`STEP_CAP`] updates (fewer on large data);
/// parameters must stay finite whatever the status, and a stopped run must say at which update.
fn run_capped(scenario: &Scenario) {
    let race = match Race::new(scenario) {
        Ok(race) => race,
        Err(error) => panic!(
            "an accepted scenario builds; refused with {error} for {}",
            scenario.to_json()
        ),
    };
    for mut runner in race.runners {
        let work = common::fuzz::update_work(&runner);
        let cap = scenario.steps.min(match work {
            0..=20_000 => STEP_CAP,
            20_001..=2_000_000 => 3,
            _ => 0,
        });
        for _ in 0..cap {
            let before = runner.steps_taken();
            let report = runner.step();
            assert!(
                runner.params().iter().all(|p| p.is_finite()),
                "non-finite parameters {:?} with status {:?} in {}",
                runner.params(),
                runner.status(),
                scenario.to_json()
            );
            match (report, runner.status()) {
                (Some(report), Status::Running) => {
                    assert_eq!(runner.steps_taken(), before + 1);
                    assert!(report.batch_loss.is_finite() && report.grad_norm.is_finite());
                }
                (None, Status::Diverged { step } | Status::Failed { step, .. }) => {
                    assert_eq!(*step, before + 1, "the failing update is named");
                    assert_eq!(runner.steps_taken(), before);
                    assert!(runner.step().is_none(), "a stopped run stays stopped");
                    break;
                }
                (None, Status::Converged { step, .. }) => {
                    assert_eq!(*step, before, "a stop condition names the last line");
                    assert!(runner.step().is_none(), "a stopped run stays stopped");
                    break;
                }
                (report, status) => panic!("inconsistent {report:?} with {status:?}"),
            }
            // What the page reads after each update (loss, epoch) must not panic either.
            let line = runner.trace_line();
            assert_eq!(line.step, runner.steps_taken());
        }
        runner.reset();
        assert_eq!(*runner.status(), Status::Running);
        assert_eq!(runner.params(), runner.start());
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any text at all: never a panic; a refusal names a field in one line.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        parse_and_round_trip(&text);
    }

    /// Token soup that looks like JSON — brackets, quotes, keys, numbers — gets further into the
    /// parser than random text.
    #[test]
    fn json_ish_text_never_panics(
        tokens in prop::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", ":", ",", "\"", "\"objective\"", "\"optimizer\"", "\"kind\"",
            "\"surface\"", "\"name\"", "\"rosenbrock\"", "\"sgd\"", "\"lr\"", "\"steps\"",
            "\"start\"", "\"race\"", "0", "-1", "1e999", "NaN", "Infinity", "1.5", "null", "true",
            "\"\\u0000\"", "\"\\n\"", " ", "\n",
        ]), 0..60)
    ) {
        parse_and_round_trip(&tokens.concat());
    }

    /// A valid-looking scenario with up to three nodes replaced, removed, added or renamed:
    /// refused with a named field, or accepted, re-serialised, read back equal — and run.
    #[test]
    fn mangled_scenarios_are_refused_by_field_or_run(
        document in skeleton(),
        mutations in prop::collection::vec(mutation(), 0..4),
    ) {
        let mut document = document;
        for m in &mutations {
            apply(&mut document, m);
        }
        let text = document.to_string();
        if let Some(scenario) = parse_and_round_trip(&text) {
            run_capped(&scenario);
        }
    }

    /// The unmangled skeletons: a larger share is accepted, and every accepted one runs.
    #[test]
    fn accepted_scenarios_run_without_panicking(document in skeleton()) {
        if let Some(scenario) = parse_and_round_trip(&document.to_string()) {
            run_capped(&scenario);
        }
    }
}

/// The skeleton generator is worth its cost only if it gets past the parser often: at least a
/// quarter of unmangled skeletons must be accepted (measured on a fixed seed). `SHOW_REFUSALS=1`
/// prints why the others were refused, to tune the generator.
#[test]
fn most_skeletons_are_accepted() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = skeleton();
    let total = 300;
    let accepted = (0..total)
        .filter(|_| {
            let document = strategy
                .new_tree(&mut runner)
                .map(|tree| tree.current())
                .unwrap_or(Value::Null);
            match Scenario::from_json(&document.to_string()) {
                Ok(_) => true,
                Err(e) => {
                    if std::env::var_os("SHOW_REFUSALS").is_some() {
                        eprintln!("refused: {e}");
                    }
                    false
                }
            }
        })
        .count();
    println!("{accepted} of {total} unmangled skeletons accepted");
    assert!(
        accepted * 4 >= total,
        "only {accepted} of {total} skeletons were accepted"
    );
}

/// The first bug this file found: without serde_json's `float_roundtrip` feature, a start of
/// `7.93319754509586e-176` parsed one ulp off, so a scenario written back as JSON (the page's
/// edits, a saved scenario) did not replay bit for bit.
#[test]
fn numbers_read_back_bit_for_bit() {
    for value in [
        7.93319754509586e-176_f64,
        0.1,
        1.0 / 3.0,
        5e-324,
        1e12,
        -2.2250738585072014e-308,
    ] {
        let text = format!(
            r#"{{"objective":{{"kind":"surface","name":"rosenbrock"}},"optimizer":{{"name":"sgd","lr":{lr}}},"start":[{value:e},0.5]}}"#,
            lr = value.abs().min(1e12)
        );
        let scenario = Scenario::from_json(&text).expect("accepted");
        assert_eq!(
            scenario.start.as_deref().map(|s| s[0].to_bits()),
            Some(value.to_bits())
        );
        let again = Scenario::from_json(&scenario.to_json()).expect("accepted again");
        assert_eq!(
            again.start.as_deref().map(|s| s[0].to_bits()),
            Some(value.to_bits()),
            "{}",
            scenario.to_json()
        );
    }
}
