//! The session natively: what the page's state holds, how racers advance and are recorded, and
//! the numbers behind the charts and read-outs.
#![allow(clippy::unwrap_used)]

use super::chart::{ChartAxis, Picked};
use super::view::racer_color;
use super::*;
use crate::render::viewport::Viewport;
use serde_json::{json, Value};

#[cfg(feature = "mlp")]
const NETWORK: &str = "f=mlp&data=xor&n=40&layers=3&o=sgd(lr=0.3)~adam(lr=0.05)&batch=10&seed=1";

fn state_json(session: &Session) -> Value {
    serde_json::to_value(session.state()).unwrap()
}

#[test]
fn the_state_holds_every_field_the_page_reads() {
    let session = Session::open("f=booth&o=sgd(lr=0.01)~sgd(lr=0.01,momentum=0.9)&steps=50");
    let state = state_json(&session);
    let keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&state),
        [
            "network",
            "racers",
            "sample_count",
            "start",
            "steps",
            "test_count",
            "unset_batch",
            "view"
        ]
    );
    assert_eq!(
        keys(&state["racers"][1]),
        [
            "batch_setting",
            "batch_size",
            "color",
            "current_lr",
            "curvature",
            "differs",
            "epoch",
            "hessians",
            "index",
            "loss",
            "lr",
            "message",
            "name",
            "noise_std",
            "outcome",
            "samples",
            "status",
            "step",
            "step_limit",
            "stopped_early",
            "test_accuracy",
            "test_loss",
            "title",
            "train_accuracy",
            "x",
            "y"
        ]
    );
    let second = &state["racers"][1];
    assert_eq!(second["name"], "sgd");
    assert_eq!(second["title"], "SGD");
    assert_eq!(second["color"], "#fff9ee");
    assert_eq!(second["differs"], json!({"momentum": 0.9}));
    assert_eq!(state["racers"][0]["differs"], json!({"momentum": 0.0}));
    assert_eq!(
        (second["status"].as_str(), second["message"].as_str()),
        (Some("running"), Some(""))
    );
    assert_eq!(state["start"], json!(session.race().runners[0].start()));
    assert_eq!(state["view"], json!([-10.0, 10.0, -10.0, 10.0]));
    assert_eq!(
        (state["steps"].as_u64(), state["network"].as_bool()),
        (Some(50), Some(false))
    );
    // A surface has no test points, so no test loss nor accuracy.
    assert_eq!(second["test_loss"], Value::Null);
    assert_eq!(second["train_accuracy"], Value::Null);
}

#[test]
fn racer_colours_are_css_hex_in_the_racers_order() {
    assert_eq!(racer_color(0), "#db0f04");
    assert_eq!(racer_color(3), "#713ece");
    assert_eq!(racer_color(8), racer_color(0));
}

#[test]
fn the_legend_words_each_standing() {
    // One racer diverges at once, one runs out its budget.
    let mut session = Session::open("f=booth&o=sgd(lr=1e12)~sgd(lr=0.01)&steps=50");
    session.advance(100);
    let state = session.state();
    assert_eq!(state.racers[0].status, "diverged");
    assert!(state.racers[0].message.starts_with("diverged at step "));
    assert!(
        !state.racers[0].message.contains(':'),
        "the legend leaves the cause out"
    );
    assert_eq!(state.racers[1].status, "done");
    assert_eq!(state.racers[1].message, "finished 50 steps");
    assert_eq!(session.running_count(), 0);
    // A refused step says why.
    let mut session = Session::open("f=custom&expr=x&o=newton&steps=5");
    session.advance(1);
    let racer = &session.state().racers[0];
    assert_eq!(racer.status, "failed");
    assert!(
        racer.message.starts_with("stopped at step 1: the Hessian"),
        "{}",
        racer.message
    );
}

#[test]
fn batch_fields_are_the_setting_and_what_it_means() {
    let session =
        Session::open("f=linreg&n=100&o=sgd(lr=0.1)~sgd(lr=0.1,batch=10)~lbfgs&batch=1000");
    let state = session.state();
    assert_eq!((state.sample_count, state.unset_batch), (50, 50));
    let batches: Vec<_> = state
        .racers
        .iter()
        .map(|r| (r.batch_setting, r.batch_size))
        .collect();
    assert_eq!(
        batches,
        [(Some(1000), 50), (Some(10), 10), (Some(1000), 50)]
    );
    let session = Session::open("f=rastrigin&o=sgd(lr=0.002)~sgd(lr=0.002,batch=4)&sigma=8");
    let state = session.state();
    assert_eq!(state.unset_batch, 1);
    let noise: Vec<_> = state
        .racers
        .iter()
        .map(|r| (r.batch_setting, r.batch_size, r.noise_std))
        .collect();
    assert_eq!(noise, [(None, 1, 8.0), (Some(4), 4, 4.0)]);
}

#[cfg(feature = "mlp")]
#[test]
fn a_surface_run_records_every_step_and_a_network_every_epoch_and_advance() {
    let mut session = Session::open("f=booth&o=adam(lr=0.1)&steps=100");
    assert_eq!(session.advance(7), 1);
    assert_eq!(
        session.trails()[0].points().len(),
        8,
        "the start and every step"
    );
    assert!(session.histories()[0].points().is_empty());

    let mut session = Session::open(NETWORK);
    assert!(session.is_network());
    session.advance(7);
    session.advance(7);
    // 20 training points in batches of 10: an epoch ends every 2 steps; a call ends at 7 and 14.
    for (trail, history) in session.trails().iter().zip(session.histories()) {
        let steps: Vec<u64> = trail.points().iter().map(|p| p.step).collect();
        assert_eq!(steps, [0, 2, 4, 6, 7, 8, 10, 12, 14]);
        let steps: Vec<u64> = history.points().iter().map(|r| r.step).collect();
        assert_eq!(steps, [0, 2, 4, 6, 7, 8, 10, 12, 14]);
        assert_eq!(
            history.points()[2].layer_norms.len(),
            2,
            "one norm per layer"
        );
    }
    // Reset restarts every history.
    session.reset();
    assert_eq!(session.steps_taken(), 0);
    assert_eq!(session.histories()[0].points().len(), 1);
}

#[cfg(feature = "mlp")]
#[test]
fn a_long_network_run_keeps_a_bounded_history_spanning_it_evenly() {
    let mut session = Session::open(&format!("{NETWORK}&steps=100000"));
    for _ in 0..3 * HISTORY_CAPACITY {
        session.advance(3);
    }
    let history = session.histories()[0].points();
    assert!(history.len() <= HISTORY_CAPACITY);
    assert!(history.len() >= HISTORY_CAPACITY / 2);
    let gaps: Vec<u64> = history.windows(2).map(|w| w[1].step - w[0].step).collect();
    // Every other record dropped at each thinning and the stride kept since: one gap throughout.
    assert!(gaps.iter().all(|&gap| gap == gaps[0]), "{gaps:?}");
    assert_eq!(history[0].step, 0);
}

#[test]
fn explain_asks_for_a_step_first_then_writes_it_out() {
    let mut session = Session::open("f=booth&o=adam(lr=0.1)");
    let before = serde_json::to_value(session.explain(0)).unwrap();
    assert_eq!(
        before,
        json!({"method": null, "title": "Adam", "lines": [], "note": "take_a_step"})
    );
    session.advance(1);
    let after = session.explain(0).unwrap();
    assert!(after.title.starts_with("Adam ("), "{}", after.title);
    assert!(!after.lines.is_empty() && after.note.is_none());
    assert_eq!(session.explain(5), None);
}

#[test]
fn a_clipped_gradient_is_said_above_the_g_the_optimizer_received() {
    let glosses = |session: &Session| -> Vec<Option<&'static str>> {
        session
            .explain(0)
            .unwrap()
            .lines
            .iter()
            .map(|l| l.gloss)
            .collect()
    };
    // Booth's gradient at (−5, 5) is (−44, −28), far longer than 1: clipped.
    let mut clipped = Session::open("f=booth&o=sgd(lr=0.01)&clip=1&start=-5,5");
    clipped.advance(1);
    let explained = clipped.explain(0).unwrap();
    let at = explained
        .lines
        .iter()
        .position(|l| l.gloss == Some("gradient_clipped"))
        .expect("a clipping line");
    assert_eq!(explained.lines[at + 1].gloss, Some("gradient_received"));
    let norm = clipped.race().runners[0].last_report().unwrap().grad_norm;
    assert!(norm > 1.0);
    assert_eq!(
        explained.lines[at].value,
        crate::optim::explain::format_number(norm)
    );
    assert!(explained.lines[at].formula.contains("(c = 1)"));
    // Not clipped (no bound, or a gradient inside it): no such line.
    let mut free = Session::open("f=booth&o=sgd(lr=0.01)&start=-5,5");
    free.advance(1);
    assert!(!glosses(&free).contains(&Some("gradient_clipped")));
    let mut inside = Session::open("f=booth&o=sgd(lr=0.01)&clip=1000&start=-5,5");
    inside.advance(1);
    assert!(!glosses(&inside).contains(&Some("gradient_clipped")));
}

#[test]
fn theory_is_for_the_quadratic_alone() {
    assert_eq!(Session::open("f=booth").theory(), None);
    let mut session = Session::open(
        "f=quadratic&kappa=10&o=sgd(lr=0.1)~sgd(lr=0.1,momentum=0.5)~adam(lr=0.1)&steps=60",
    );
    session.advance(60);
    let theory = session.theory().unwrap();
    assert_eq!(theory.theory, crate::theory::quadratic_theory(10.0));
    let predicted: Vec<bool> = theory
        .racers
        .iter()
        .map(|r| r.predicted.is_some())
        .collect();
    assert_eq!(predicted, [true, true, false], "SGD and momentum only");
    assert!(theory.racers.iter().all(|r| r.measured.is_some()));
}

#[test]
fn trajectories_are_one_csv_line_per_recorded_point() {
    let mut session = Session::open("f=booth&o=sgd(lr=0.01)~adam(lr=0.1)&steps=10");
    session.advance(3);
    let csv = session.trajectories_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "racer,optimizer,step,epoch,samples,loss,test_loss,x,y"
    );
    assert_eq!(lines.len(), 1 + 2 * 4);
    assert!(lines[1].starts_with("0,sgd,0,0,0,"));
    assert!(lines[5].starts_with("1,adam,0,"));
    // No test points: the test loss column is empty.
    assert!(lines[1].split(',').nth(6) == Some(""));
}

#[test]
fn the_loss_chart_is_logarithmic_where_the_minimum_is_known() {
    let mut session = Session::open("f=booth&o=sgd(lr=0.01)&steps=50");
    session.advance(50);
    let chart = session.loss_chart(ChartAxis::Steps, 200);
    assert!(chart.scale.log);
    assert_eq!(chart.scale.offset, 0.0);
    assert_eq!(chart.scale.x_max, 50.0);
    assert_eq!(chart.series[0].len(), 51);
    assert!(chart.test_series.is_empty());
    assert!(chart.scale.y_low < chart.scale.y_high);
    // Goldstein–Price's minimum is 3: the chart shows loss − 3.
    let session = Session::open("f=goldstein_price");
    let chart = session.loss_chart(ChartAxis::Epochs, 200);
    assert_eq!(
        (chart.scale.offset, chart.scale.y_title()),
        (3.0, "loss − minimum")
    );
    assert_eq!(chart.scale.x_max, 1.0, "an epoch axis starts at 0 … 1");
    // The saddle has no minimum and goes below zero: a linear axis.
    let mut session = Session::open("f=saddle&o=sgd(lr=0.1)&start=1,0.5&steps=20");
    session.advance(20);
    let chart = session.loss_chart(ChartAxis::Samples, 200);
    assert!(!chart.scale.log);
    assert_eq!(
        chart.scale.axis.title(),
        "samples seen (gradient evaluations)"
    );
}

/// A run climbing towards 1e300 beside one converging far below 1e-16: the log axis keeps its
/// floor and spans at most MAX_DECADES, and the climbing curve stops at its top.
#[test]
fn a_log_chart_spans_at_most_its_decades() {
    let mut session = Session::open("f=quadratic&o=sgd(lr=1.05)~adam(lr=0.05)&steps=2000");
    session.advance(2000);
    let chart = session.loss_chart(ChartAxis::Steps, 200);
    let scale = &chart.scale;
    assert!(scale.log);
    assert_eq!(scale.y_low, -16.0);
    assert_eq!(scale.y_high - scale.y_low, chart::MAX_DECADES);
    let ceiling = libm::pow(10.0, scale.y_high);
    let top = chart.series[0].iter().map(|p| p.1).fold(0.0, f64::max);
    assert_eq!(top, ceiling, "the diverging run reaches the top");
}

#[cfg(feature = "mlp")]
#[test]
fn a_network_chart_has_test_curves_and_long_trails_are_sampled() {
    let mut session = Session::open(&format!("{NETWORK}&steps=100000"));
    for _ in 0..1500 {
        session.advance(1);
    }
    let chart = session.loss_chart(ChartAxis::Steps, 100);
    assert_eq!(chart.test_series.len(), 2);
    let curve = &chart.series[0];
    assert!(curve.len() <= 2 * 100 + 2);
    assert_eq!(
        curve.last().map(|p| p.0),
        Some(1500.0),
        "the last point is kept"
    );
}

#[test]
fn picking_finds_the_nearest_recorded_point() {
    let mut session = Session::open("f=booth&o=sgd(lr=0.01)&start=-5,5&steps=20");
    session.advance(20);
    let viewport = Viewport {
        view: session.view(),
        left: 0.0,
        top: 0.0,
        width: 200.0,
        height: 200.0,
    };
    let start = viewport.to_pixel(-5.0, 5.0);
    match session.pick_plane(&viewport, start.0 + 1.0, start.1, 10.0) {
        Some(Picked::TrailPoint { racer, step, .. }) => assert_eq!((racer, step), (0, 0)),
        other => panic!("{other:?}"),
    }
    match session.pick_plane(&viewport, 199.0, 199.0, 10.0) {
        Some(Picked::Plane { x, y, loss }) => {
            assert!(x > 9.0 && y < -9.0);
            assert!(loss.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(session.pick_plane(&viewport, 250.0, 10.0, 10.0), None);

    let chart = session.loss_chart(ChartAxis::Steps, 200);
    let area = chart.scale.viewport(0.0, 0.0, 400.0, 300.0);
    let last = *session.trails()[0].points().last().unwrap();
    let y = chart.scale.y_of(last.loss).unwrap();
    let (px, py) = area.to_pixel(20.0, y);
    let picked = session
        .pick_chart(&chart.scale, &area, px, py, 12.0)
        .unwrap();
    assert_eq!(
        (picked.racer, picked.step, picked.name),
        (0, 20, Some("sgd"))
    );
}

#[cfg(feature = "mlp")]
#[test]
fn a_network_pick_reads_the_output_and_metrics_count_the_classes() {
    let mut session = Session::open(NETWORK);
    session.advance(5);
    let mlp = session.selected_network(0).unwrap().1;
    let viewport = Viewport {
        view: network::data_view(mlp),
        left: 0.0,
        top: 0.0,
        width: 100.0,
        height: 100.0,
    };
    assert!(matches!(
        session.pick_plane(&viewport, 50.0, 50.0, 10.0),
        Some(Picked::Prediction {
            prediction: Some(_),
            ..
        })
    ));
    let metrics = session.metrics(1).unwrap();
    let counted: u64 = metrics.train.unwrap().iter().flatten().sum();
    assert_eq!(counted, 20, "every training point counted once");
    assert_eq!(
        metrics.layer_norms,
        session.histories()[1].points().last().unwrap().layer_norms
    );
    assert_eq!(Session::open("f=booth").metrics(0), None);
}

#[cfg(feature = "mlp")]
#[test]
fn a_landscape_computed_a_few_rows_at_a_time_is_the_one_computed_at_once() {
    let mut session = Session::open(NETWORK);
    session.advance(4);
    assert!(session.compute_landscape(1));
    let whole = session.landscape().unwrap().clone();
    assert!(session.start_landscape(1));
    let mut fractions = Vec::new();
    loop {
        let done = session.continue_landscape(7);
        fractions.push(done);
        if done >= 1.0 {
            break;
        }
        assert_eq!(
            session.landscape(),
            Some(&whole),
            "the last one stays until the new is done"
        );
    }
    assert!(fractions.windows(2).all(|w| w[0] < w[1]), "{fractions:?}");
    assert_eq!(session.landscape(), Some(&whole));
    // A restart drops a landscape half done.
    assert!(session.start_landscape(1));
    session.continue_landscape(3);
    session.reset();
    assert_eq!(session.continue_landscape(3), 1.0);
    assert_eq!(session.landscape(), None);
}

#[cfg(feature = "mlp")]
#[test]
fn the_landscape_path_runs_through_its_centre() {
    let mut session = Session::open(NETWORK);
    session.advance(4);
    assert!(!Session::open("f=booth").compute_landscape(0));
    assert!(session.compute_landscape(1));
    let landscape = session.landscape().unwrap();
    assert_eq!(landscape.losses.len(), network::LANDSCAPE_RESOLUTION.pow(2));
    let path = session.landscape_path();
    // Recorded at 0, at the ends of epochs 1 and 2 (steps 2 and 4), the last the centre.
    assert_eq!(path.len(), 3, "the start, an epoch's end and the centre");
    let (a, b) = path[2];
    assert!(a.abs() < 1e-12 && b.abs() < 1e-12);
    // Bilinear between grid points: exact at the centre node.
    let centre = network::LANDSCAPE_RESOLUTION / 2;
    let at_centre = landscape.losses[centre * network::LANDSCAPE_RESOLUTION + centre];
    assert_eq!(landscape.loss_at(0.0, 0.0), at_centre);
    session.reset();
    assert!(session.landscape().is_none());
}

#[test]
fn layer_norms_follow_the_parameter_layout() {
    // 2-2-1: layer 1 has 2·2 weights and 2 biases, layer 2 has 2 weights and 1 bias.
    let grad = [3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    assert_eq!(network::layer_norms(&grad, &[2, 2, 1]), [5.0, 1.0]);
    assert_eq!(network::layer_norms(&grad[..5], &[2, 2, 1]), [5.0, 0.0]);
}

#[test]
fn a_link_that_does_not_build_opens_the_default_and_says_so() {
    let session = Session::open("f=nowhere&o=adam(lr=x)");
    assert!(!session.ignored().is_empty());
    assert_eq!(
        session.race().runners.len(),
        session.scenario().racers().len()
    );
    let mut session = Session::open("f=booth");
    let before = session.scenario().clone();
    assert!(session
        .load(
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":-1}}"#
        )
        .is_err());
    assert_eq!(session.scenario(), &before, "a refusal keeps the scenario");
    assert!(session.objective_differs(
        r#"{"objective":{"kind":"surface","name":"beale"},"optimizer":{"name":"sgd"}}"#
    ));
    assert!(!session.objective_differs(&before.to_json()));
}

/// The output layer follows the loss and the data: one unit for bce and mse, one per class for
/// ce — the data set's classes, or the largest label + 1 of inline points.
#[test]
fn the_page_s_network_edits_fit_the_outputs_to_the_loss_and_the_classes() {
    use crate::session::network::{classes_of, fit_outputs};
    let spiral = json!({"kind": "mlp", "layers": [2, 8, 1], "activation": "tanh", "loss": "ce",
        "dataset": {"name": "spiral", "classes": 3}});
    assert_eq!(fit_outputs(spiral.clone())["layers"], json!([2, 8, 3]));
    let mut bce = spiral.clone();
    bce["loss"] = json!("bce");
    bce["layers"] = json!([2, 8, 3]);
    assert_eq!(fit_outputs(bce)["layers"], json!([2, 8, 1]));
    let two = json!({"kind": "mlp", "layers": [2, 1], "loss": "ce", "dataset": {"name": "moons"}});
    assert_eq!(fit_outputs(two)["layers"], json!([2, 2]));
    let points = json!({"kind": "mlp", "layers": [2, 4, 1], "loss": "ce",
        "points": [[0.0, 0.0, 0.0], [1.0, 0.0, 4.0], [0.0, 1.0, 1.0]]});
    assert_eq!(classes_of(&points), 5);
    assert_eq!(fit_outputs(points)["layers"], json!([2, 4, 5]));
    assert_eq!(classes_of(&json!({"points": [[0, 0, 99]]})), 8);
    let surface = json!({"kind": "surface", "name": "booth"});
    assert_eq!(fit_outputs(surface.clone()), surface);
}

#[cfg(feature = "mlp")]
#[test]
fn early_stopping_l1_and_the_gradient_check_reach_the_page() {
    let mut session = Session::open(
        "f=mlp&data=xor&n=40&noise=0.3&layers=16,16&act=relu&o=adam(lr=0.03)&l1=0.01&stop_patience=3&seed=1&steps=600",
    );
    session.advance(600);
    let state = session.state();
    let racer = &state.racers[0];
    let words = racer.stopped_early.clone().unwrap();
    assert!(words.starts_with("stopped at epoch "), "{words}");
    assert!(words.contains(", best test loss at epoch "), "{words}");
    assert!(racer.message.starts_with(&words) && racer.message.len() > words.len());
    let chart = session.loss_chart(ChartAxis::Epochs, 200);
    let marks = chart.marks[0];
    assert_eq!((marks.racer, marks.stopped), (0, racer.epoch));
    assert_eq!(marks.stopped - marks.best, 3.0, "{marks:?}");
    // Near-zero weights: counted over the weight matrices alone (2·16 + 16·16 + 16).
    let metrics = session.metrics(0).unwrap();
    assert_eq!(
        (metrics.weights, metrics.near_zero),
        (304, network::NEAR_ZERO)
    );
    let params = session.selected_network(0).unwrap().0.params().to_vec();
    let (_, near) = network::weight_sparsity(&params, &[2, 16, 16, 1]);
    assert_eq!(metrics.near_zero_weights, near);
    // The gradient check at the racer's weights: one row per layer.
    let check = session.gradient_check(0, 1e-6).unwrap();
    assert_eq!(check.groups.len(), 3);
    assert!(check.worst.relative_error < 1e-2, "{:?}", check.worst);
    assert_eq!(session.gradient_check(0, 0.0), None);
    assert_eq!(session.gradient_check(5, 1e-6), None);
}

#[cfg(feature = "mlp")]
#[test]
fn each_racer_carries_the_curvature_at_its_point() {
    // Booth, (x + 2y − 7)² + (2x + y − 5)²: the Hessian [[10, 8], [8, 10]] everywhere, so
    // λ = 18 and 2, κ = 9 and 2/λmax = 1/9.
    let session = Session::open("f=booth&o=sgd(lr=0.01)&steps=5");
    let curvature = session.state().racers[0]
        .curvature
        .expect("a surface has one");
    assert!((curvature.lambda_max - 18.0).abs() < 1e-12);
    assert!((curvature.lambda_min - 2.0).abs() < 1e-12);
    assert_eq!(curvature.condition.map(|k| (k * 1e9).round()), Some(9e9));
    let network = Session::open("f=mlp&data=circle&layers=4");
    assert_eq!(
        network.state().racers[0].curvature,
        None,
        "no Hessian for a network"
    );
}

#[test]
fn racer_colours_stay_apart_for_colour_blind_eyes() {
    use crate::render::vision::{closest_pair, lab_seen, Vision};
    use crate::session::view::RACER_RGB;
    // CIEDE2000 between every pair, as seen with each kind of colour vision (Machado et al.
    // 2009's dichromacy simulations at full severity): the issue's threshold, 20, for all eight.
    for vision in Vision::ALL {
        let (difference, i, j) = closest_pair(&RACER_RGB, vision);
        assert!(
            difference >= 20.0,
            "{vision:?}: racers {i} and {j} differ by ΔE00 {difference:.2}"
        );
    }
    // Legible over the dark casing drawn under every path and chart line: L* ≥ 40.
    for (i, &rgb) in RACER_RGB.iter().enumerate() {
        let [lightness, ..] = lab_seen(rgb, Vision::Typical);
        assert!(lightness >= 40.0, "racer {i}: L* {lightness:.1}");
    }
}

#[cfg(feature = "mlp")]
#[test]
fn a_network_curve_has_the_same_epochs_at_any_speed_and_ends_where_training_ended() {
    // The early-stopping lesson (www/lessons.js): 20 training points in batches of 5, 4 steps an
    // epoch; it stops at the end of epoch 31 and puts back epoch 11's weights.
    const EARLY: &str = "f=mlp&data=moons&n=40&noise=0.3&dseed=1&layers=16,16&act=relu&o=sgd(lr=0.1,momentum=0.9)&batch=5&seed=1&steps=500&stop_patience=20";
    let run = |per_call: u32| {
        let mut session = Session::open(EARLY);
        while session.advance(per_call) > 0 {}
        let epochs: Vec<(f64, f64, f64)> = session.trails()[0]
            .points()
            .iter()
            .filter(|p| p.epoch.fract() == 0.0)
            .map(|p| (p.epoch, p.loss, p.test_loss))
            .collect();
        (session, epochs)
    };
    let (_, slow) = run(1);
    let (fast_session, fast) = run(100_000);
    assert_eq!(slow, fast, "a step a frame or the whole run in one");
    assert_eq!(fast.len(), 32, "the start and epochs 1 to 31");
    let last = *fast_session.trails()[0].points().last().unwrap();
    assert_eq!(last.epoch, 31.0);
    let restored = &fast_session.race.runners[0];
    assert_ne!(
        last.loss,
        restored.loss(),
        "the curve ends on epoch 31's training, not on the weights put back"
    );
    let best = fast[11].2;
    assert_eq!(
        restored.test_loss(),
        Some(best),
        "epoch 11's weights put back"
    );
    // "The last step, in one dimension" is the last update, which ended on epoch 31's training,
    // not the jump back to epoch 11's weights.
    let slice = fast_session.step_slice(0).expect("a last update");
    assert!(
        (slice.landed - last.loss).abs() <= 1e-12 * last.loss,
        "the update landed at loss {}, epoch 31's is {}",
        slice.landed,
        last.loss
    );
}
