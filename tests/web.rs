//! The wasm facade in headless Chromium (`cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]

use gdviz::web::Lab;
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

#[wasm_bindgen_test]
fn draws_a_non_blank_heat_map() {
    let mut lab = Lab::new(r#"{"name":"rosenbrock"}"#).expect("a lab");
    let canvas = canvas(320, 280);
    lab.draw_surface(&canvas).expect("drawn");
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("ok")
        .expect("2d")
        .dyn_into()
        .expect("2d");
    let pixels = context
        .get_image_data(0.0, 0.0, 320.0, 280.0)
        .expect("pixels")
        .data();
    let distinct: std::collections::HashSet<[u8; 3]> =
        pixels.chunks(4).map(|p| [p[0], p[1], p[2]]).collect();
    assert!(
        distinct.len() > 50,
        "a heat map has many colours, got {}",
        distinct.len()
    );
}

#[wasm_bindgen_test]
fn refuses_an_unknown_surface_with_a_message() {
    let error = Lab::new(r#"{"name":"nope"}"#)
        .err()
        .and_then(|e| e.as_string())
        .unwrap_or_default();
    assert!(
        error.contains("surface") && error.contains("nope"),
        "{error}"
    );
}
