//! Fuzzing the page's URL state: [`url_state::from_query`] never panics, always opens a scenario
//! that validates and builds, and names every key it ignored in backticks; a link it writes reads
//! back to the same scenario with nothing ignored.
//!
//! Each property runs [`CASES`] = 1000 cases by default (the whole file takes about 10 s in a
//! debug build on two cores); `PROPTEST_CASES=100000 cargo test --release --test fuzz_url` runs a
//! longer campaign (docs/robustness.md). Shrunk failures are saved to
//! `proptest-regressions/fuzz_url.txt` and replayed first on every later run.

mod common;

use gdviz::run::{Race, Status};
use gdviz::url_state::{from_query, to_query, UrlState};
use proptest::prelude::*;

/// Cases per property, unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 1000;

fn config() -> ProptestConfig {
    common::fuzz::config(CASES, "proptest-regressions/fuzz_url.txt")
}

/// The properties every query must have; returns the state for further checks.
fn check(query: &str) -> UrlState {
    let state = from_query(query);
    if let Err(error) = state.scenario.validate() {
        panic!("{query:?} opened a scenario that does not validate: {error}");
    }
    for message in state.ignored.iter().map(ToString::to_string) {
        // The key sits between the first two backticks (a key's own backticks are shown as
        // quotes) and is followed by the reason.
        let named = message
            .strip_prefix("ignored `")
            .and_then(|rest| rest.split_once('`'))
            .is_some_and(|(key, why)| !key.is_empty() && why.starts_with(": ") && why.len() > 2);
        assert!(
            named,
            "{query:?}: every ignored message names a key in backticks, got {message:?}"
        );
    }
    let race = match Race::new(&state.scenario) {
        Ok(race) => race,
        Err(error) => panic!("{query:?} opened a scenario that does not build: {error}"),
    };
    // A few updates of each racer, as the page's first frames take (fewer on large data).
    for mut runner in race.runners {
        let steps = match common::fuzz::update_work(&runner) {
            0..=20_000 => 5,
            20_001..=2_000_000 => 1,
            _ => 0,
        };
        for _ in 0..steps.min(state.scenario.steps) {
            if runner.step().is_none() {
                assert!(matches!(
                    runner.status(),
                    Status::Diverged { .. } | Status::Failed { .. } | Status::Converged { .. }
                ));
                break;
            }
        }
        assert!(runner.params().iter().all(|p| p.is_finite()));
    }
    state
}

/// A link the lab writes opens the same scenario, with nothing ignored.
fn check_round_trip(state: &UrlState, query: &str) {
    let written = to_query(&state.scenario);
    let again = from_query(&written);
    assert!(
        again.ignored.is_empty(),
        "{query:?} was written as {written:?}, which ignores {:?}",
        again.ignored
    );
    assert_eq!(
        again.scenario, state.scenario,
        "{query:?} was written as {written:?}, which reads back differently"
    );
}

/// Values at the edges of what the page's number parser sees.
fn wild_number() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "0", "-0", "1", "-1", "0.5", "1e-12", "1e12", "1e13", "1e308", "1e309", "-1e308",
            "5e-324", "1e-400", "NaN", "nan", "inf", "-inf", "Infinity", "", " ", " 3 ", "0x10",
            "1_000", "1,2", "3/4", "+5", "--1", ".5", "5.", "1e", "18446744073709551615",
            "18446744073709551616", "-9223372036854775808", "10000000", "10000001", "1000000",
            "1000001", "10000", "10001",
        ])
        .prop_map(String::from),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        2 => (-3.0f64..3.0).prop_map(|f| f.to_string()),
        2 => (0u64..300).prop_map(|i| i.to_string()),
    ]
    .boxed()
}

fn wild_text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => prop::sample::select(vec![
            "rosenbrock", "quadratic", "booth", "saddle", "goldstein_price", "linreg", "mlp", "custom",
            "network", "surface", "linear", "circle", "plane", "xor", "spiral", "tanh", "relu",
            "bce", "mse", "ce", "he", "zeros", "steps", "epochs", "<img src=x onerror=alert(1)>",
            "<b>x</b>", "`", "\u{0}", "a\nb", "é", "%", "%zz", "&", "=", "~", "(", ")",
        ])
        .prop_map(String::from),
        1 => "\\PC{0,12}",
    ]
    .boxed()
}

const OPTIMIZER_KEYS: &[&str] = &[
    "max_iter",
    "history_size",
    "line_search_fn",
    "tolerance_grad",
    "lr",
    "momentum",
    "dampening",
    "weight_decay",
    "nesterov",
    "lr_decay",
    "eps",
    "alpha",
    "centered",
    "rho",
    "betas",
    "amsgrad",
    "momentum_decay",
    "damping",
    "batch",
    "bogus",
    "",
];

/// One racer as the `o` parameter writes it, sometimes broken.
fn racer() -> BoxedStrategy<String> {
    let name = prop_oneof![
        6 => prop::sample::select(gdviz::optim::OPTIMIZERS.iter().map(|o| o.name).collect::<Vec<_>>())
            .prop_map(String::from),
        1 => wild_text(),
    ];
    let value = prop_oneof![
        4 => wild_number(),
        1 => (wild_number(), wild_number()).prop_map(|(a, b)| format!("{a}/{b}")),
        1 => prop::sample::select(vec!["true", "false", "1", "0.9/0.999", "0.9/0.999/0.5"])
            .prop_map(String::from),
        1 => wild_text(),
    ];
    let argument = (prop::sample::select(OPTIMIZER_KEYS), value)
        .prop_map(|(key, value)| format!("{key}={value}"));
    (
        name,
        prop::collection::vec(argument, 0..4),
        prop::sample::select(vec!["()", "(", ")", "", "()", "()"]),
    )
        .prop_map(|(name, args, parens)| match parens {
            "()" => format!("{name}({})", args.join(",")),
            "(" => format!("{name}({}", args.join(",")),
            ")" => format!("{name}{})", args.join(",")),
            _ => name,
        })
        .boxed()
}

fn schedule() -> BoxedStrategy<String> {
    (
        prop::sample::select(vec!["step", "exponential", "cosine", "linear", ""]),
        prop::collection::vec(
            (
                prop::sample::select(vec!["step_size", "gamma", "t_max", "eta_min", "x"]),
                wild_number(),
            ),
            0..3,
        ),
    )
        .prop_map(|(name, args)| {
            let args: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{name}({})", args.join(","))
        })
        .boxed()
}

const KEYS: &[&str] = &[
    "f",
    "kappa",
    "angle",
    "data",
    "n",
    "noise",
    "dseed",
    "test",
    "layers",
    "classes",
    "act",
    "acts",
    "loss",
    "l1",
    "l2",
    "init",
    "o",
    "sched",
    "clip",
    "batch",
    "seed",
    "sigma",
    "replace",
    "steps",
    "start",
    "speed",
    "axis",
    "cloud",
    "view",
    "embed",
    "lesson",
    "explain",
    "bogus",
    "",
    "expr",
    "box",
    "f",
    "f",
    "stop_loss",
    "stop_grad",
    "stop_epochs",
    "stop_patience",
    "stop_restore",
];

/// One `key=value` pair with a value of the kind the key expects, mostly.
fn pair() -> BoxedStrategy<(String, String)> {
    let value = |key: &str| -> BoxedStrategy<String> {
        match key {
            "f" | "data" | "act" | "loss" | "init" | "view" => wild_text(),
            "acts" => prop_oneof![
                3 => prop::sample::select(vec![
                    "relu,tanh", "sigmoid", "tanh,tanh,tanh", "relu,swish", "", ",", "linear,relu,sigmoid,tanh",
                ])
                .prop_map(str::to_string),
                1 => wild_text(),
            ]
            .boxed(),
            "expr" => prop_oneof![
                3 => prop::sample::select(vec![
                    "x^2+y^2", "(1-x)^2 + 100*(y-x^2)^2", "log(x)", "1/x", "sqrt(x*y)", "x^y",
                    "exp(exp(x))", "tan(x)", "sin(x)*cos(y)", "-x", "2x", "", "((x)", "x)", "z",
                    "1e999*x", "abs(x)+abs(y)",
                ])
                .prop_map(String::from),
                1 => "[-+*/^().0-9a-z ]{0,40}",
            ]
            .boxed(),
            "box" => prop::collection::vec(wild_number(), 0..6)
                .prop_map(|v| v.join(","))
                .boxed(),
            "o" => prop::collection::vec(racer(), 0..10)
                .prop_map(|r| r.join("~"))
                .boxed(),
            "sched" => schedule(),
            "start" | "layers" => prop::collection::vec(wild_number(), 0..4)
                .prop_map(|v| v.join(","))
                .boxed(),
            "replace" | "cloud" => prop::sample::select(vec!["1", "0", "true", "false", "yes", ""])
                .prop_map(String::from)
                .boxed(),
            _ => prop_oneof![4 => wild_number(), 1 => wild_text()].boxed(),
        }
    };
    prop::sample::select(KEYS)
        .prop_flat_map(move |key| (Just(key.to_string()), value(key)))
        .boxed()
}

/// Writes pairs as a query, percent-encoding the values (or, now and then, not).
fn query(pairs: &[(String, String)], encode: bool) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            if encode {
                let v: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
                format!("{k}={v}")
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

proptest! {
    #![proptest_config(config())]

    /// Any text as a query string.
    #[test]
    fn arbitrary_text_opens_a_valid_lab(text in "\\PC{0,120}") {
        check(&text);
    }

    /// Query-like soup: the characters a query is made of, in any order.
    #[test]
    fn query_ish_text_opens_a_valid_lab(text in "[?&=~(),./%0-9a-z_+\\-eE ]{0,120}") {
        let state = check(&text);
        check_round_trip(&state, &text);
    }

    /// Known keys (and a few unknown) with wild values, repeated keys, many racers, encoded or
    /// not: the lab opens, every ignored key is named, and its own link reads back exactly.
    #[test]
    fn mangled_links_fall_back_per_parameter(
        pairs in prop::collection::vec(pair(), 0..8),
        encode in any::<bool>(),
        question_mark in any::<bool>(),
    ) {
        let text = format!("{}{}", if question_mark { "?" } else { "" }, query(&pairs, encode));
        let state = check(&text);
        check_round_trip(&state, &text);
    }
}

#[test]
fn a_key_with_backticks_or_newlines_is_named_unambiguously() {
    let state = check("%60%3A%20=1&a%0Ab=2");
    assert_eq!(
        state
            .ignored
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "ignored `': `: not a setting of the lab",
            "ignored `a\\nb`: not a setting of the lab"
        ]
    );
}

#[test]
fn an_empty_key_is_reported_by_its_value() {
    let state = from_query("=5&&=&f=booth");
    assert!(
        state
            .ignored
            .iter()
            .any(|m| m.to_string().starts_with("ignored `=5`:")),
        "{:?}",
        state.ignored
    );
    assert!(state
        .ignored
        .iter()
        .all(|m| !m.to_string().starts_with("ignored ``")));
}
