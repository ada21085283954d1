//! The URL state read, written and round-tripped.

use super::*;
use crate::objective::mlp::Activation;

#[test]
fn an_empty_query_is_the_page_default() {
    let state = from_query("");
    assert_eq!(state.scenario, page_default());
    assert!(state.ignored.is_empty());
    page_default().validate().expect("the default is valid");
}

#[test]
fn a_written_scenario_reads_back_exactly() {
    let mut scenario = page_default();
    scenario.objective = ObjectiveSpec::Surface(SurfaceSpec::Quadratic {
        kappa: 100.0,
        angle: -0.3,
    });
    scenario.schedule = Some(crate::optim::schedule::Schedule::Cosine {
        t_max: 100,
        eta_min: 1e-4,
    });
    scenario.clip_norm = Some(1.5);
    scenario.batch_size = Some(8);
    scenario.noise = Some(crate::scenario::NoiseModel { sigma: 0.5 });
    scenario.seed = 42;
    scenario.stop = Some(crate::scenario::StopSpec {
        loss_below: Some(1e-6),
        grad_norm_below: None,
        epochs: Some(30.0),
        ..Default::default()
    });
    scenario.start = Some(vec![3.0, -2.25]);
    scenario.race[1].batch_size = Some(1);
    scenario.race[1].optimizer = OptimizerConfig::Adam(AdamConfig {
        lr: 0.05,
        betas: [0.8, 0.99],
        amsgrad: true,
        ..AdamConfig::default()
    });
    let query = to_query(&scenario);
    let state = from_query(&query);
    assert!(state.ignored.is_empty(), "{query}: {:?}", state.ignored);
    assert_eq!(state.scenario, scenario, "{query}");
}

#[test]
fn bad_values_fall_back_and_are_named() {
    let state = from_query(
        "?f=rosenbrock&o=adam(lr=-5,betas=0.9/0.99)~sgd(lr=abc)&batch=0&seed=x&start=1,2,3&bogus=1",
    );
    let text = texts(&state.ignored).join("\n");
    for needle in [
        "`o[0].lr`",
        "`o[1].lr`",
        "`batch`",
        "`seed`",
        "`start`",
        "`bogus`",
    ] {
        assert!(
            text.contains(needle),
            "{needle} should be reported in:\n{text}"
        );
    }
    let OptimizerConfig::Adam(adam) = &state.scenario.optimizer else {
        panic!("adam")
    };
    assert_eq!(adam.lr, AdamConfig::default().lr);
    assert_eq!(adam.betas, [0.9, 0.99]);
    assert_eq!(state.scenario.batch_size, None);
    assert_eq!(state.scenario.start, page_default().start);
}

#[test]
fn an_unknown_surface_or_optimizer_keeps_the_default() {
    let state = from_query("f=nowhere&o=magic(lr=1)");
    assert_eq!(state.scenario.objective, page_default().objective);
    assert_eq!(state.scenario.optimizer, page_default().optimizer);
    let text = texts(&state.ignored).join("\n");
    assert!(
        text.contains("`f`") && text.contains("`o[0]`") && text.contains("nowhere"),
        "{text}"
    );
}

#[test]
fn an_out_of_range_kappa_is_ignored_but_the_quadratic_kept() {
    let state = from_query("f=quadratic&kappa=1e9&angle=0.5");
    assert_eq!(
        state.scenario.objective,
        ObjectiveSpec::Surface(SurfaceSpec::Quadratic {
            kappa: 10.0,
            angle: 0.5
        })
    );
    assert!(
        state
            .ignored
            .iter()
            .any(|m| m.to_string().contains("`kappa`")),
        "{:?}",
        state.ignored
    );
}

#[test]
fn the_network_default_opens_cleanly() {
    assert!(Scenario::from_json(NETWORK_DEFAULT).is_ok());
    let state = from_query("view=network");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    assert_eq!(state.scenario, network_default());
}

#[test]
fn activations_per_layer_ride_in_the_url() {
    let state = from_query("f=mlp&data=xor&layers=8,8,4&act=relu&acts=relu,relu,sigmoid");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
        panic!("an mlp")
    };
    assert_eq!(
        mlp.activations,
        Some(vec![
            Activation::Relu,
            Activation::Relu,
            Activation::Sigmoid
        ])
    );
    let query = to_query(&state.scenario);
    assert!(query.contains("acts=relu,relu,sigmoid"), "{query}");
    assert_eq!(from_query(&query).scenario, state.scenario);
    // The wrong count, or an unknown name, is ignored with a message naming `acts`; the
    // network keeps its single activation.
    for bad in ["layers=8,8&acts=relu", "layers=8&acts=swish"] {
        let state = from_query(&format!("f=mlp&{bad}"));
        assert!(
            state
                .ignored
                .iter()
                .any(|m| m.to_string().contains("`acts`")),
            "{bad}: {:?}",
            state.ignored
        );
        let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
            panic!("an mlp")
        };
        assert_eq!(mlp.activations, None);
    }
}

#[test]
fn a_network_scenario_round_trips_and_falls_back_per_field() {
    let state = from_query("f=mlp&data=spiral&n=300&noise=0.2&dseed=4&test=0.3&layers=8,8&act=relu&l2=0.001&o=adam(lr=0.01)&batch=10");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
        panic!("an mlp")
    };
    assert_eq!(mlp.layers, vec![2, 8, 8, 1]);
    let back = from_query(&to_query(&state.scenario));
    assert_eq!(
        back.scenario,
        state.scenario,
        "{}",
        to_query(&state.scenario)
    );
    let mangled = from_query("f=mlp&data=nowhere&layers=8,x&act=swish&n=0");
    for key in ["`data`", "`layers`", "`act`", "`n`"] {
        assert!(
            mangled.ignored.iter().any(|m| m.to_string().contains(key)),
            "{key}: {:?}",
            mangled.ignored
        );
    }
    assert!(
        matches!(mangled.scenario.objective, ObjectiveSpec::Mlp(_)),
        "the network lab still opens"
    );
    let view = from_query("view=network");
    assert!(matches!(view.scenario.objective, ObjectiveSpec::Mlp(_)));
}

#[test]
fn small_inline_data_rides_in_the_link() {
    let state = from_query("f=mlp&pts=0.1,0.2,1;0.3,-0.4,0;0.5,0.5,1&o=adam(lr=0.01)");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
        panic!("an mlp")
    };
    assert_eq!(mlp.points.as_ref().map(Vec::len), Some(3));
    assert_eq!(
        from_query(&to_query(&state.scenario)).scenario,
        state.scenario
    );
    let linreg = from_query("f=linreg&pts=0,1;1,3;2,5");
    assert!(
        matches!(linreg.scenario.objective, ObjectiveSpec::Linreg(_)),
        "{:?}",
        linreg.ignored
    );
    assert_eq!(
        from_query(&to_query(&linreg.scenario)).scenario,
        linreg.scenario
    );
    assert!(from_query("f=linreg&pts=0,1;oops")
        .ignored
        .iter()
        .any(|m| m.to_string().contains("`pts`")));
}

#[test]
fn percent_encoded_queries_are_read() {
    let state = from_query("f=booth&o=adam%28lr%3D0.1%29&start=0%2C0");
    assert_eq!(state.scenario.start, Some(vec![0.0, 0.0]));
    assert_eq!(state.scenario.optimizer.lr(), 0.1);
}

fn custom(state: &UrlState) -> (&str, Option<[f64; 4]>) {
    match &state.scenario.objective {
        ObjectiveSpec::Surface(SurfaceSpec::Custom { expr, view }) => (expr.source(), *view),
        other => panic!("not a custom surface: {other:?} ({:?})", state.ignored),
    }
}

#[test]
fn a_custom_function_round_trips_percent_encoded() {
    for text in [
        "(1-x)^2 + 100*(y-x^2)^2",
        "x^2 + 10*sin(y) & f=mlp",
        "exp(-x) / (1 + e^y) − 2·x",
        "1e-3*x^2 + y^2 % 2",
    ] {
        let json = serde_json::json!({"objective": {"kind": "surface", "name": "custom", "expr": text, "view": [-2.5, 2.0, -1.0, 3.25]}, "optimizer": {"name": "adam", "lr": 0.1}, "start": [0.5, 0.5]});
        let scenario = match Scenario::from_value(&json) {
            Ok(s) => s,
            Err(e) => {
                // The made-up texts that do not parse must say why.
                assert!(e.field() == "objective.expr", "{text}: {e}");
                continue;
            }
        };
        let query = to_query(&scenario);
        assert!(query.starts_with("f=custom&expr="), "{query}");
        assert!(!query.contains(' ') && !query.contains("view="), "{query}");
        let state = from_query(&query);
        assert!(state.ignored.is_empty(), "{query}: {:?}", state.ignored);
        assert_eq!(state.scenario, scenario, "{query}");
        assert_eq!(custom(&state), (text, Some([-2.5, 2.0, -1.0, 3.25])));
    }
    // Without a box, none is written or read.
    let state = from_query("f=custom&expr=x%5E2%2By%5E2");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    assert_eq!(custom(&state), ("x^2+y^2", None));
    assert!(!to_query(&state.scenario).contains("box="));
}

#[test]
fn a_custom_function_falls_back_per_field() {
    // A broken expression keeps the default objective and says why under `expr`.
    let state = from_query("f=custom&expr=(x%2By&o=adam(lr=0.1)");
    assert_eq!(state.scenario.objective, page_default().objective);
    assert_eq!(state.scenario.optimizer.lr(), 0.1);
    assert_eq!(
        state.ignored.iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["ignored `expr`: objective.expr: expected ')' at position 5 to close the '(' at position 1"]
    );
    let missing = from_query("f=custom");
    assert_eq!(missing.scenario.objective, page_default().objective);
    assert!(
        missing.ignored[0]
            .to_string()
            .starts_with("ignored `f`: custom needs expr="),
        "{:?}",
        missing.ignored
    );
    // A bad box is ignored, the function kept.
    for bad in ["1,2,3", "a,b,c,d", "3,-3,-3,3"] {
        let state = from_query(&format!("f=custom&expr=x*y&box={bad}"));
        assert_eq!(custom(&state), ("x*y", None), "{bad}");
        assert!(
            state
                .ignored
                .iter()
                .any(|m| m.to_string().starts_with("ignored `box`")),
            "{bad}: {:?}",
            state.ignored
        );
    }
    // The box and view=network do not collide.
    let state = from_query("f=custom&expr=x*y&box=-1,1,-2,2&view=surface");
    assert_eq!(custom(&state), ("x*y", Some([-1.0, 1.0, -2.0, 2.0])));
}

#[test]
fn a_custom_function_finds_a_start_where_it_is_defined() {
    // log(x) is undefined at the page's default start (-1.5, 2): the link's start is used.
    let state = from_query("f=custom&expr=log(x)%2By%5E2&start=1,1");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    assert_eq!(state.scenario.start, Some(vec![1.0, 1.0]));
    // Without one, the view's default start, a fifth in from the top-left corner.
    let state = from_query("f=custom&expr=log(x%2B2)&box=0,5,0,5");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    assert_eq!(state.scenario.start, Some(vec![1.0, 4.0]));
    // A start where it is undefined is ignored, the function kept.
    let state = from_query("f=custom&expr=log(x)&box=0,5,0,5&start=-1,1");
    assert_eq!(custom(&state).0, "log(x)");
    assert!(
        state
            .ignored
            .iter()
            .any(|m| m.to_string().starts_with("ignored `start`")),
        "{:?}",
        state.ignored
    );
    // Nowhere defined: refused, the default kept.
    let state = from_query("f=custom&expr=log(-x^2-1)");
    assert_eq!(state.scenario.objective, page_default().objective);
    assert_eq!(state.ignored.len(), 1, "{:?}", state.ignored);
}

/// `loss=ce` with `classes=k`: k spiral arms and k outputs, read, written and read back; a bad
/// count, or one the data set cannot take, is named and the rest of the network kept.
#[test]
fn many_classes_ride_in_the_url() {
    let state = from_query("f=mlp&data=spiral&classes=3&loss=ce&layers=8,8&o=adam(lr=0.03)");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
        panic!("an mlp")
    };
    assert_eq!(mlp.layers, vec![2, 8, 8, 3]);
    assert_eq!(mlp.loss, crate::objective::mlp::MlpLoss::Ce);
    assert_eq!(mlp.dataset.as_ref().map(|d| d.classes), Some(3));
    let query = to_query(&state.scenario);
    assert!(
        query.contains("classes=3") && query.contains("loss=ce"),
        "{query}"
    );
    assert_eq!(from_query(&query).scenario, state.scenario, "{query}");
    // Two classes with ce: two outputs, no classes= needed.
    let two = from_query("f=mlp&data=moons&loss=ce&layers=4");
    assert!(two.ignored.is_empty(), "{:?}", two.ignored);
    let ObjectiveSpec::Mlp(mlp) = &two.scenario.objective else {
        panic!("an mlp")
    };
    assert_eq!(mlp.layers, vec![2, 4, 2]);
    assert_eq!(from_query(&to_query(&two.scenario)).scenario, two.scenario);
    // Inline points with three labels.
    let pts = from_query("f=mlp&pts=0.1,0.2,2;0.3,-0.4,0;0.5,0.5,1&loss=ce&classes=3&layers=4");
    assert!(pts.ignored.is_empty(), "{:?}", pts.ignored);
    assert_eq!(from_query(&to_query(&pts.scenario)).scenario, pts.scenario);
    for (query, key) in [
        ("f=mlp&data=spiral&classes=12&loss=ce", "`classes`"),
        ("f=mlp&data=circle&classes=3&loss=ce", "`classes`"),
    ] {
        let state = from_query(query);
        assert!(
            state.ignored.iter().any(|m| m.to_string().contains(key)),
            "{query}: {:?}",
            state.ignored
        );
        let ObjectiveSpec::Mlp(mlp) = &state.scenario.objective else {
            panic!("{query}: the network lab still opens")
        };
        assert_eq!(mlp.layers.last(), Some(&2), "{query}");
    }
}

#[test]
fn l1_and_l2_ride_in_links_for_the_network_and_the_line() {
    for query in [
        "f=mlp&layers=8&l1=0.01&l2=0.001&o=sgd(lr=0.1)",
        "f=linreg&l1=0.2&o=sgd(lr=0.1)",
        "f=linreg&l1=0.2&l2=0.5&o=sgd(lr=0.1)",
    ] {
        let state = from_query(query);
        assert!(state.ignored.is_empty(), "{query}: {:?}", state.ignored);
        let (l1, l2) = match &state.scenario.objective {
            ObjectiveSpec::Mlp(m) => (m.l1, m.l2),
            ObjectiveSpec::Linreg(l) => (l.l1, l.l2),
            ObjectiveSpec::Surface(_) | ObjectiveSpec::Cnn(_) => {
                panic!("{query}: a data objective")
            }
        };
        assert!(l1 > 0.0, "{query}: l1 {l1}, l2 {l2}");
        let written = to_query(&state.scenario);
        assert!(written.contains("l1="), "{written}");
        assert_eq!(from_query(&written).scenario, state.scenario, "{written}");
    }
    let state = from_query("f=linreg&l1=-1");
    assert_eq!(
        texts(&state.ignored),
        vec!["ignored `l1`: objective.l1: -1 is out of range (accepted: l1 ≥ 0)".to_string()]
    );
}

#[test]
fn early_stopping_rides_in_links_and_is_ignored_without_a_test_split() {
    let query = "f=mlp&data=xor&n=40&noise=0.3&layers=16,16&act=relu&o=adam(lr=0.03)&stop_patience=5&stop_restore=0";
    let state = from_query(query);
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    let stop = state.scenario.stop.clone().expect("a stop");
    assert_eq!((stop.patience, stop.restore_best), (Some(5), false));
    let written = to_query(&state.scenario);
    assert!(
        written.contains("stop_patience=5&stop_restore=0"),
        "{written}"
    );
    assert_eq!(from_query(&written).scenario, state.scenario);
    let surface = from_query("f=booth&stop_patience=5");
    assert_eq!(surface.scenario.stop, None);
    assert_eq!(
        texts(&surface.ignored),
        vec!["ignored `stop_patience`: stop.patience: early stopping watches the test loss, and there is no test split (a 2-D surface has no data); use a generated data set with test_fraction > 0".to_string()]
    );
}

#[test]
fn the_page_language_is_the_page_s_own_key_not_an_ignored_one() {
    for query in [
        "lang=zh-CN",
        "lang=en&f=rosenbrock",
        "f=saddle&lang=zh-CN&speed=20",
    ] {
        let state = from_query(query);
        assert!(state.ignored.is_empty(), "{query}: {:?}", state.ignored);
        assert!(!to_query(&state.scenario).contains("lang"), "{query}");
    }
}

#[test]
fn a_challenge_rides_in_the_link_and_a_bad_one_is_named() {
    let state = from_query("f=quadratic&kappa=10&o=sgd(lr=0.1)&goal=loss<0.01@steps<=200");
    assert!(state.ignored.is_empty(), "{:?}", state.ignored);
    let goal = state.scenario.goal.clone().expect("a goal");
    assert_eq!((goal.loss_below, goal.steps), (0.01, Some(200)));
    let query = to_query(&state.scenario);
    assert!(query.contains("goal=loss<0.01@steps<=200"), "{query}");
    assert_eq!(from_query(&query).scenario, state.scenario);
    // Percent-encoded, as a browser may send it, it reads the same.
    let encoded = from_query("f=quadratic&goal=loss%3C0.01%40samples%3C%3D200");
    assert_eq!(encoded.scenario.goal.map(|g| g.samples), Some(Some(200)));
    let bad = from_query("f=quadratic&goal=accuracy>0.9");
    assert_eq!(bad.scenario.goal, None);
    assert!(
        bad.ignored[0]
            .to_string()
            .starts_with("ignored `goal`: write the goal as loss<0.01"),
        "{:?}",
        bad.ignored
    );
}

#[test]
fn a_race_is_judged_against_its_goal() {
    use crate::scenario::Verdict;
    use crate::session::Session;
    // κ = 10: lr 0.1 converges, lr 0.01 crawls and misses the budget, lr 0.25 diverges.
    let mut session = Session::open("f=quadratic&kappa=10&o=sgd(lr=0.1)~sgd(lr=0.01)~sgd(lr=0.25)&steps=2000&goal=loss<0.001@steps<=150");
    session.advance(2000);
    let verdicts = session.verdicts().expect("a goal").to_vec();
    assert!(
        matches!(verdicts[0], Verdict::Met { step, loss, .. } if step <= 150 && loss < 0.001),
        "{verdicts:?}"
    );
    assert_eq!(verdicts[1], Verdict::Missed { step: 151 });
    assert!(
        matches!(verdicts[2], Verdict::Missed { .. }),
        "{verdicts:?}"
    );
}

/// The ignored parameters' English sentences.
fn texts(ignored: &[super::Ignored]) -> Vec<String> {
    ignored.iter().map(ToString::to_string).collect()
}

/// The digits lab's settings ride in its links: the network, the optimizer, rate and batch size
/// of every racer, and read back as they were; a bad network is named and the default kept.
#[cfg(feature = "cnn")]
#[test]
fn the_digits_settings_ride_in_links() {
    assert_eq!(from_query("view=digits").scenario, digits_default());
    let mut scenario = Scenario::from_json(
        r#"{"objective":{"kind":"cnn","convs":[{"channels":4,"padding":0,"pool":false},{"channels":6,"padding":1,"pool":true}],"activation":"tanh","init":"xavier","init_scale":0.5},
            "optimizer":{"name":"sgd","lr":0.05},"race":[{"optimizer":{"name":"adam","lr":0.01},"batch_size":1}],
            "batch_size":16,"clip_norm":2,"stop":{"epochs":3},"seed":1,"steps":900}"#,
    )
    .expect("a valid scenario");
    let written = to_query(&scenario);
    assert!(
        written.starts_with("view=digits&convs=4:0,6:1:pool&act=tanh&init=xavier&scale=0.5&"),
        "{written}"
    );
    let read = from_query(&written);
    assert!(read.ignored.is_empty(), "{:?}", read.ignored);
    assert_eq!(read.scenario, scenario, "{written}");
    scenario.race.clear();
    assert_eq!(from_query(&to_query(&scenario)).scenario, scenario);
    let bad = from_query("view=digits&convs=8:1:pool,9:1&act=relu");
    assert_eq!(bad.scenario.objective, digits_default().objective);
    assert_eq!(bad.ignored.len(), 1, "{:?}", bad.ignored);
    assert!(
        texts(&bad.ignored)[0].starts_with("ignored `convs`"),
        "{:?}",
        bad.ignored
    );
}
