//! Non-finite values — NaN and infinity in any hyper-parameter, anywhere else in a scenario, and
//! in JSON text — are refused with the field named, never run.

use gdviz::objective::surfaces::SurfaceSpec;
use gdviz::optim::*;
use gdviz::run::Runner;
use gdviz::scenario::{NoiseModel, ObjectiveSpec, RacerSpec, Scenario};

mod common;

use common::scenarios::{accept, assert_refused};

fn rosenbrock() -> Scenario {
    accept(
        r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"sgd"},"start":[-1.5,2]}"#,
    )
}

// ---------------------------------------------------------------------------------------------
// Non-finite values

/// Every numeric hyper-parameter of every optimizer, set to `bad`.
fn poisoned(bad: f64) -> Vec<(&'static str, OptimizerConfig)> {
    use OptimizerConfig as O;
    let sgd = SgdConfig::default;
    let adagrad = AdagradConfig::default;
    let rmsprop = RmspropConfig::default;
    let adadelta = AdadeltaConfig::default;
    let adam = AdamConfig::default;
    let adamw = AdamWConfig::default;
    let nadam = NadamConfig::default;
    let adamax = AdamaxConfig::default;
    let newton = NewtonConfig::default;
    let lbfgs = LbfgsConfig::default;
    vec![
        ("lr", O::Sgd(SgdConfig { lr: bad, ..sgd() })),
        (
            "momentum",
            O::Sgd(SgdConfig {
                momentum: bad,
                ..sgd()
            }),
        ),
        (
            "dampening",
            O::Sgd(SgdConfig {
                dampening: bad,
                ..sgd()
            }),
        ),
        (
            "weight_decay",
            O::Sgd(SgdConfig {
                weight_decay: bad,
                ..sgd()
            }),
        ),
        (
            "lr",
            O::Adagrad(AdagradConfig {
                lr: bad,
                ..adagrad()
            }),
        ),
        (
            "lr_decay",
            O::Adagrad(AdagradConfig {
                lr_decay: bad,
                ..adagrad()
            }),
        ),
        (
            "weight_decay",
            O::Adagrad(AdagradConfig {
                weight_decay: bad,
                ..adagrad()
            }),
        ),
        (
            "initial_accumulator_value",
            O::Adagrad(AdagradConfig {
                initial_accumulator_value: bad,
                ..adagrad()
            }),
        ),
        (
            "eps",
            O::Adagrad(AdagradConfig {
                eps: bad,
                ..adagrad()
            }),
        ),
        (
            "lr",
            O::Rmsprop(RmspropConfig {
                lr: bad,
                ..rmsprop()
            }),
        ),
        (
            "alpha",
            O::Rmsprop(RmspropConfig {
                alpha: bad,
                ..rmsprop()
            }),
        ),
        (
            "eps",
            O::Rmsprop(RmspropConfig {
                eps: bad,
                ..rmsprop()
            }),
        ),
        (
            "weight_decay",
            O::Rmsprop(RmspropConfig {
                weight_decay: bad,
                ..rmsprop()
            }),
        ),
        (
            "momentum",
            O::Rmsprop(RmspropConfig {
                momentum: bad,
                ..rmsprop()
            }),
        ),
        (
            "lr",
            O::Adadelta(AdadeltaConfig {
                lr: bad,
                ..adadelta()
            }),
        ),
        (
            "rho",
            O::Adadelta(AdadeltaConfig {
                rho: bad,
                ..adadelta()
            }),
        ),
        (
            "eps",
            O::Adadelta(AdadeltaConfig {
                eps: bad,
                ..adadelta()
            }),
        ),
        (
            "weight_decay",
            O::Adadelta(AdadeltaConfig {
                weight_decay: bad,
                ..adadelta()
            }),
        ),
        ("lr", O::Adam(AdamConfig { lr: bad, ..adam() })),
        (
            "betas[0]",
            O::Adam(AdamConfig {
                betas: [bad, 0.999],
                ..adam()
            }),
        ),
        (
            "betas[1]",
            O::Adam(AdamConfig {
                betas: [0.9, bad],
                ..adam()
            }),
        ),
        ("eps", O::Adam(AdamConfig { eps: bad, ..adam() })),
        (
            "weight_decay",
            O::Adam(AdamConfig {
                weight_decay: bad,
                ..adam()
            }),
        ),
        ("lr", O::Adamw(AdamWConfig { lr: bad, ..adamw() })),
        (
            "betas[0]",
            O::Adamw(AdamWConfig {
                betas: [bad, 0.999],
                ..adamw()
            }),
        ),
        (
            "betas[1]",
            O::Adamw(AdamWConfig {
                betas: [0.9, bad],
                ..adamw()
            }),
        ),
        (
            "eps",
            O::Adamw(AdamWConfig {
                eps: bad,
                ..adamw()
            }),
        ),
        (
            "weight_decay",
            O::Adamw(AdamWConfig {
                weight_decay: bad,
                ..adamw()
            }),
        ),
        ("lr", O::Nadam(NadamConfig { lr: bad, ..nadam() })),
        (
            "betas[0]",
            O::Nadam(NadamConfig {
                betas: [bad, 0.999],
                ..nadam()
            }),
        ),
        (
            "betas[1]",
            O::Nadam(NadamConfig {
                betas: [0.9, bad],
                ..nadam()
            }),
        ),
        (
            "eps",
            O::Nadam(NadamConfig {
                eps: bad,
                ..nadam()
            }),
        ),
        (
            "weight_decay",
            O::Nadam(NadamConfig {
                weight_decay: bad,
                ..nadam()
            }),
        ),
        (
            "momentum_decay",
            O::Nadam(NadamConfig {
                momentum_decay: bad,
                ..nadam()
            }),
        ),
        (
            "lr",
            O::Adamax(AdamaxConfig {
                lr: bad,
                ..adamax()
            }),
        ),
        (
            "betas[0]",
            O::Adamax(AdamaxConfig {
                betas: [bad, 0.999],
                ..adamax()
            }),
        ),
        (
            "betas[1]",
            O::Adamax(AdamaxConfig {
                betas: [0.9, bad],
                ..adamax()
            }),
        ),
        (
            "eps",
            O::Adamax(AdamaxConfig {
                eps: bad,
                ..adamax()
            }),
        ),
        (
            "weight_decay",
            O::Adamax(AdamaxConfig {
                weight_decay: bad,
                ..adamax()
            }),
        ),
        (
            "lr",
            O::Newton(NewtonConfig {
                lr: bad,
                ..newton()
            }),
        ),
        (
            "damping",
            O::Newton(NewtonConfig {
                damping: bad,
                ..newton()
            }),
        ),
        ("lr", O::Lbfgs(LbfgsConfig { lr: bad, ..lbfgs() })),
        (
            "tolerance_grad",
            O::Lbfgs(LbfgsConfig {
                tolerance_grad: bad,
                ..lbfgs()
            }),
        ),
        (
            "tolerance_change",
            O::Lbfgs(LbfgsConfig {
                tolerance_change: bad,
                ..lbfgs()
            }),
        ),
    ]
}

#[test]
fn nan_and_infinity_in_any_hyper_parameter_are_refused_by_field() {
    let mut cases = 0;
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for (field, optimizer) in poisoned(bad) {
            let name = optimizer.name();
            let mut scenario = rosenbrock();
            scenario.optimizer = optimizer.clone();
            let error = scenario.validate().expect_err("refused");
            assert_eq!(
                error.field(),
                format!("optimizer.{field}"),
                "{name} {bad}: {error}"
            );
            assert!(error.reason().contains("accepted"), "{error}");
            assert!(Runner::new(&scenario).is_err(), "the runner refuses it too");
            // The same optimizer as a racer is named by its place in the race.
            let mut scenario = rosenbrock();
            scenario.race = vec![RacerSpec {
                optimizer,
                batch_size: None,
            }];
            let error = scenario.validate().expect_err("refused");
            assert_eq!(
                error.field(),
                format!("race[0].optimizer.{field}"),
                "{error}"
            );
            cases += 2;
        }
    }
    assert_eq!(cases, 3 * 44 * 2);
}

#[test]
fn nan_and_infinity_elsewhere_are_refused_by_field() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut cases: Vec<(&str, Scenario)> = Vec::new();
        let mut s = rosenbrock();
        s.start = Some(vec![bad, 0.0]);
        cases.push(("start[0]", s));
        let mut s = rosenbrock();
        s.start = Some(vec![0.0, bad]);
        cases.push(("start[1]", s));
        let mut s = rosenbrock();
        s.clip_norm = Some(bad);
        cases.push(("clip_norm", s));
        let mut s = rosenbrock();
        s.noise = Some(NoiseModel { sigma: bad });
        cases.push(("noise.sigma", s));
        let mut s = rosenbrock();
        s.schedule = Some(gdviz::optim::schedule::Schedule::Exponential { gamma: bad });
        cases.push(("schedule.gamma", s));
        let mut s = rosenbrock();
        s.schedule = Some(gdviz::optim::schedule::Schedule::Cosine {
            t_max: 10,
            eta_min: bad,
        });
        cases.push(("schedule.eta_min", s));
        let mut s = rosenbrock();
        s.objective = ObjectiveSpec::Surface(SurfaceSpec::Quadratic {
            kappa: bad,
            angle: 0.0,
        });
        cases.push(("objective.kappa", s));
        let mut s = rosenbrock();
        s.objective = ObjectiveSpec::Surface(SurfaceSpec::Quadratic {
            kappa: 10.0,
            angle: bad,
        });
        cases.push(("objective.angle", s));
        for (field, scenario) in cases {
            let error = scenario.validate().expect_err("refused");
            assert_eq!(error.field(), field, "{bad}: {error}");
            assert!(Runner::new(&scenario).is_err());
        }
    }
}

#[test]
fn non_finite_numbers_in_json_text_are_refused_by_field() {
    let base = |optimizer: &str, rest: &str| {
        format!(
            r#"{{"objective":{{"kind":"surface","name":"quadratic","kappa":KAPPA}},"optimizer":{optimizer},"start":START{rest}}}"#
        )
    };
    for bad in [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e999",
        "-1e999",
        "\"NaN\"",
        "\"inf\"",
        "null",
    ] {
        let cases = [
            (
                base(&format!(r#"{{"name":"sgd","lr":{bad}}}"#), ""),
                "optimizer.lr",
            ),
            (
                base(&format!(r#"{{"name":"adam","betas":[{bad},0.9]}}"#), ""),
                "optimizer.betas[0]",
            ),
            (
                base(r#"{"name":"sgd"}"#, &format!(r#","clip_norm":{bad}"#)),
                "clip_norm",
            ),
            (
                base(r#"{"name":"sgd"}"#, "").replace("START", &format!("[0,{bad}]")),
                "start[1]",
            ),
            (
                base(r#"{"name":"sgd"}"#, "").replace("KAPPA", bad),
                "objective.kappa",
            ),
        ];
        for (text, field) in cases {
            let text = text.replace("KAPPA", "10").replace("START", "[1,1]");
            if bad == "null" && field == "clip_norm" {
                // null is "absent" for an optional field: accepted, not refused.
                accept(&text);
                continue;
            }
            let error = assert_refused(&text, field);
            assert!(error.reason().contains("accepted"), "{text}: {error}");
        }
    }
}
