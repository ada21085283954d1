//! The wasm facade in headless Chromium (`cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]

use gdviz::web::{surface_catalog, trace_digest, Lab};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .expect("canvas")
        .dyn_into()
        .expect("a canvas");
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
}

/// The RGBA pixels of `canvas`.
fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("ok")
        .expect("2d")
        .dyn_into()
        .expect("2d");
    context
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .expect("pixels")
        .data()
        .to_vec()
}

fn distinct_colours(canvas: &HtmlCanvasElement) -> usize {
    let distinct: std::collections::HashSet<[u8; 3]> = pixels(canvas)
        .chunks(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    distinct.len()
}

/// Pixels of `canvas` that are not transparent.
fn inked(canvas: &HtmlCanvasElement) -> usize {
    pixels(canvas).chunks(4).filter(|p| p[3] > 0).count()
}

#[wasm_bindgen_test]
fn draws_a_non_blank_heat_map_trails_and_chart() {
    let mut lab = Lab::new("");
    let heat = canvas(320, 280);
    lab.draw_surface(&heat).expect("drawn");
    assert!(distinct_colours(&heat) > 50, "a heat map has many colours");
    assert_eq!(lab.advance(50), 3, "all three default racers still run");
    let trails = canvas(320, 280);
    lab.draw_trails(&trails).expect("trails");
    assert!(distinct_colours(&trails) > 2);
    let chart = canvas(320, 200);
    lab.draw_chart(&chart, "steps").expect("chart");
    assert!(distinct_colours(&chart) > 3);
}

/// The page's first heat map, a draft at half resolution, is the full one at a glance: the same
/// plotting area, and most pixels within a few levels of the full map's (its contour lines are
/// twice as thick, and fall up to a pixel away).
#[wasm_bindgen_test]
fn a_draft_heat_map_is_the_full_one_coarser() {
    let mut lab = Lab::new("");
    let draft = canvas(320, 280);
    lab.draw_surface_draft(&draft).expect("draft");
    let draft_area = lab.plot_area();
    let full = canvas(320, 280);
    lab.draw_surface(&full).expect("drawn");
    assert_eq!(draft_area, lab.plot_area(), "the same plotting area");
    let (a, b) = (pixels(&draft), pixels(&full));
    let close = a
        .chunks(4)
        .zip(b.chunks(4))
        .filter(|(p, q)| p.iter().zip(q.iter()).all(|(x, y)| x.abs_diff(*y) <= 24))
        .count();
    assert!(
        close * 5 >= a.len() / 4 * 4,
        "{close} of {} pixels alike",
        a.len() / 4
    );
}

#[wasm_bindgen_test]
fn a_refused_scenario_names_the_field_and_keeps_the_lab() {
    let mut lab = Lab::new("?f=booth");
    let before = lab.scenario_json();
    let error = lab
        .load(r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"adam","lr":-2}}"#)
        .expect_err("refused");
    // A JavaScript Error whose message is the sentence, with the field path and the reason
    // apart, so the page can name the control as its label does.
    let property = |name: &str| {
        js_sys::Reflect::get(&error, &name.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    assert_eq!(property("field"), "optimizer.lr");
    assert!(
        property("reason").starts_with("-2 is out of range"),
        "{}",
        property("reason")
    );
    assert!(
        property("message").starts_with("optimizer.lr: -2 is out of range"),
        "{}",
        property("message")
    );
    assert_eq!(lab.scenario_json(), before);
}

#[wasm_bindgen_test]
fn the_canvas_words_keep_their_english_where_absent_and_refuse_what_is_not_a_word() {
    let mut lab = Lab::new("?f=booth");
    let chart = canvas(400, 220);
    lab.set_words(r#"{"loss": "损失"}"#).expect("a word");
    lab.draw_chart(&chart, "steps").expect("drawn");
    let field = |error: &wasm_bindgen::JsValue| {
        js_sys::Reflect::get(error, &"field".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let not_a_word = lab.set_words(r#"{"loss": 3}"#).expect_err("refused");
    assert_eq!(field(&not_a_word), "loss");
    let unknown = lab.set_words(r#"{"lost": "x"}"#).expect_err("refused");
    assert_eq!(field(&unknown), "lost");
    assert!(lab.set_words("not json").is_err());
    // The lab still draws after each refusal.
    lab.draw_chart(&chart, "steps").expect("drawn");
    assert!(inked(&chart) > 100);
}

#[wasm_bindgen_test]
fn a_mangled_query_is_reported_not_fatal() {
    let lab = Lab::new("?f=nowhere&o=adam(lr=x)&batch=-1");
    let ignored = lab.ignored_json();
    assert!(
        ignored.contains("`f`") && ignored.contains("`o[0].lr`") && ignored.contains("`batch`"),
        "{ignored}"
    );
    // Each as data for the page to word: the parameter, why, and the value written.
    let batch = ignored
        .split("},{")
        .find(|entry| entry.contains(r#""key":"batch""#))
        .unwrap_or_default();
    assert!(
        batch.contains(r#""why":"not_whole""#) && batch.contains(r#""text":"-1""#),
        "{ignored}"
    );
    assert!(lab.state_json().contains("\"racers\""));
}

#[wasm_bindgen_test]
fn the_catalog_lists_every_surface_and_linear_regression() {
    let catalog = surface_catalog();
    for name in ["rosenbrock", "quadratic", "goldstein_price", "linreg"] {
        assert!(catalog.contains(name), "{name}");
    }
}

/// The scenarios and digests of tests/replay.rs (tests/fixtures/replay.json): every trace is
/// bit-identical in wasm and natively.
#[wasm_bindgen_test]
fn same_seed_same_trace_as_native() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/replay.json")).expect("replay.json is JSON");
    let mut mismatches = Vec::new();
    for case in fixture["cases"].as_array().expect("cases") {
        let got = trace_digest(&case["scenario"].to_string()).expect("runs");
        if got != case["digest"].as_str().expect("digest") {
            mismatches.push(format!("{}: {got}", case["about"]));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[wasm_bindgen_test]
fn the_3d_view_draws_its_mesh_coarse_and_in_full_and_the_paths_over_it() {
    let mut lab = Lab::new("?f=himmelblau&o=adam(lr=0.05)~sgd(lr=0.01)&start=-4,4");
    lab.advance(200);
    let mesh = canvas(300, 240);
    let paths = canvas(300, 240);
    // Coarse while turning (half the canvas's pixels each way, then a quarter: a coarser grid
    // too, and the paths at half), then in full, then a resized canvas: each a whole picture.
    for (coarse, size) in [
        (2, (300, 240)),
        (4, (300, 240)),
        (1, (300, 240)),
        (1, (200, 160)),
    ] {
        for canvas in [&mesh, &paths] {
            canvas.set_width(size.0);
            canvas.set_height(size.1);
        }
        mesh.set_width(size.0 / coarse);
        mesh.set_height(size.1 / coarse);
        if coarse > 2 {
            paths.set_width(size.0 / 2);
            paths.set_height(size.1 / 2);
        }
        lab.draw_surface_3d(&mesh, -35.0, 35.0, 1.0, size.0, size.1)
            .expect("the mesh is drawn");
        assert!(distinct_colours(&mesh) > 100, "a shaded surface");
        lab.draw_paths_3d(&paths, -35.0, 35.0, 1.0, size.0, size.1, 0)
            .expect("the paths are drawn");
        assert!(
            distinct_colours(&paths) > 3,
            "two paths and the racers' points over the clear canvas"
        );
    }
    // A playing run's next frame adds its new stretch to what the canvas shows.
    let before = inked(&paths);
    assert!(before > 0);
    lab.advance(300);
    lab.draw_paths_3d(&paths, -35.0, 35.0, 1.0, 200, 160, 0)
        .expect("the new stretch is drawn");
    assert!(inked(&paths) >= before, "nothing drawn is lost");
    // An objective with no surface over the plane: the background only.
    let mut network = Lab::new("?view=network&data=circle");
    network
        .draw_surface_3d(&mesh, 0.0, 35.0, 1.0, 200, 160)
        .expect("nothing to draw is not an error");
    assert_eq!(distinct_colours(&mesh), 1);
}

#[wasm_bindgen_test]
fn each_line_search_of_an_lbfgs_step_can_be_asked_for() {
    let mut lab = Lab::new("?f=rosenbrock&o=lbfgs(lr=1,line_search_fn=strong_wolfe)&start=-1.5,2");
    assert_eq!(lab.line_search_json(0, None), "null");
    lab.advance(1);
    let last: serde_json::Value =
        serde_json::from_str(&lab.line_search_json(0, None)).expect("JSON");
    let count = last["searches"].as_u64().expect("a count");
    assert!(count > 1);
    assert_eq!(last["iteration"].as_u64(), Some(count));
    let first: serde_json::Value =
        serde_json::from_str(&lab.line_search_json(0, Some(0))).expect("JSON");
    assert_eq!(first["iteration"].as_u64(), Some(1));
}

/// The digits lab's facade (src/web_digits.rs) on the digits: opened from a link with two
/// racers, it trains, names the racers and writes the link back.
#[wasm_bindgen_test]
fn the_digits_facade_trains_its_racers_from_a_link() {
    gdviz::web_digits::install_digits(include_bytes!("../data/digits.bin")).expect("the digits");
    let link = "view=digits&convs=4:1:pool&o=adam(lr=0.01)~sgd(lr=0.05,batch=1)&batch=32&steps=3";
    let mut lab = gdviz::web_digits::DigitsLab::from_query(link).expect("a lab");
    assert_eq!(lab.ignored_json(), "[]");
    assert_eq!(lab.sample_count(), 1438);
    while lab.advance(1) {}
    let views: serde_json::Value = serde_json::from_str(&lab.state_json()).expect("JSON");
    assert_eq!(views[0]["steps"], 3);
    assert_eq!(
        (
            views[0]["batch_size"].clone(),
            views[1]["batch_size"].clone()
        ),
        (32.into(), 1.into())
    );
    assert_eq!(views[1]["samples"], 3);
    assert!(
        lab.query().starts_with(
            "view=digits&convs=4:1:pool&act=relu&o=adam(lr=0.01)~sgd(lr=0.05,batch=1)&batch=32"
        ),
        "{}",
        lab.query()
    );
}
