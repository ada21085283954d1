//! Timing entry points for `make bench` (the page in `benches/page/`), compiled for wasm32 with
//! feature `bench` only (`make bench` builds them into target/bench/pkg; the page's build leaves
//! them out).
//!
//! The page hands over the text of `benches/scenarios.json` and a figure's name; the workload is
//! [`crate::bench`](mod@crate::bench)'s, the one the native benchmark times too. Each entry point
//! times every repetition with `performance.now()` and returns the figures (or times) as a
//! `Float64Array`; the page takes medians. Nothing here is used by the lab itself.

use crate::bench::{Workload, Workloads};
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, Performance};

fn performance() -> Result<Performance, JsValue> {
    web_sys::window()
        .and_then(|w| w.performance())
        .ok_or_else(|| JsValue::from_str("no window.performance"))
}

fn workload(workloads_json: &str, name: &str) -> Result<Workload, JsValue> {
    let workloads = Workloads::parse(workloads_json).map_err(|e| JsValue::from_str(&e))?;
    workloads.build(name).map_err(|e| JsValue::from_str(&e))
}

/// The figure `name` of `workloads_json` (the text of `benches/scenarios.json`) for each of
/// `reps` repetitions, after one untimed run: steps per second, or ms per epoch or picture
/// ([`Workload::figure`]).
#[wasm_bindgen]
pub fn bench_figure(workloads_json: &str, name: &str, reps: u32) -> Result<Box<[f64]>, JsValue> {
    let perf = performance()?;
    let mut workload = workload(workloads_json, name)?;
    let mut figures = Vec::with_capacity(reps as usize);
    for rep in 0..=reps {
        let t0 = perf.now();
        workload.run().map_err(|e| JsValue::from_str(&e))?;
        let elapsed = perf.now() - t0;
        if rep > 0 {
            figures.push(workload.figure(elapsed));
        }
    }
    Ok(figures.into_boxed_slice())
}

/// A `heatmap` figure as the page shows it: the heat map rendered, then put on `canvas`
/// (resized to the map) with one `putImageData`. Returns `[total, render, put]` in ms for each of
/// `reps` repetitions, after one untimed run.
#[wasm_bindgen]
pub fn bench_heatmap_on_canvas(
    canvas: &HtmlCanvasElement,
    workloads_json: &str,
    name: &str,
    reps: u32,
) -> Result<Box<[f64]>, JsValue> {
    let perf = performance()?;
    let mut workload = workload(workloads_json, name)?;
    let context = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2-D context"))?
        .dyn_into::<CanvasRenderingContext2d>()?;
    let mut times = Vec::with_capacity(3 * reps as usize);
    for rep in 0..=reps {
        let t0 = perf.now();
        workload.run().map_err(|e| JsValue::from_str(&e))?;
        let t1 = perf.now();
        let (rgba, side) = workload
            .heatmap_rgba()
            .ok_or_else(|| JsValue::from_str(&format!("{name} is not a heatmap figure")))?;
        let side = side as u32;
        if canvas.width() != side || canvas.height() != side {
            canvas.set_width(side);
            canvas.set_height(side);
        }
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), side, side)?;
        context.put_image_data(&image, 0.0, 0.0)?;
        let t2 = perf.now();
        if rep > 0 {
            times.extend([t2 - t0, t1 - t0, t2 - t1]);
        }
    }
    Ok(times.into_boxed_slice())
}
