//! Timing entry points for `make bench` (the page in `benches/page/`), compiled for wasm32 with
//! feature `bench` only (`make bench` builds them into target/bench/pkg; the page's build leaves
//! them out).
//!
//! Each function runs one workload of the benchmark table inside WebAssembly, times every
//! repetition with `performance.now()` and returns the times (or rates) as a `Float64Array`; the
//! page takes medians. Nothing here is used by the lab itself: every workload goes through the
//! same core calls the page makes ([`Heatmap::render_model`], [`Runner::step`],
//! [`Mlp::predict_grid`]).

use crate::objective::mlp::Mlp;
use crate::objective::model::Model;
use crate::objective::surfaces::SurfaceSpec;
use crate::objective::Objective;
use crate::render::colormap::ColorMap;
use crate::render::heatmap::{paint_values, ColorScale, Heatmap};
use crate::run::Runner;
use crate::scenario::{ObjectiveSpec, Scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, Performance};

fn performance() -> Result<Performance, JsValue> {
    web_sys::window()
        .and_then(|w| w.performance())
        .ok_or_else(|| JsValue::from_str("no window.performance"))
}

fn runner(scenario_json: &str) -> Result<Runner, JsValue> {
    let scenario =
        Scenario::from_json(scenario_json).map_err(|e| JsValue::from_str(&e.to_string()))?;
    Runner::new(&scenario).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The surface heat map: Rosenbrock on a `size × size` grid, log colour scale with contours,
/// then one `putImageData` on `canvas` (resized to `size × size`). The values come from
/// [`Heatmap::render_model`] (a row at a time), or with `closure` from [`Heatmap::render`] with
/// `|x, y| model.loss(&[x, y])` (a call per pixel) — the same pixels. Returns
/// `[total, render, put]` in ms for each of `reps` repetitions, after one untimed warm-up.
#[wasm_bindgen]
pub fn bench_surface_heatmap(
    canvas: &HtmlCanvasElement,
    size: u32,
    closure: bool,
    reps: u32,
) -> Result<Box<[f64]>, JsValue> {
    let perf = performance()?;
    let size = size.max(1);
    canvas.set_width(size);
    canvas.set_height(size);
    let context = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2-D context"))?
        .dyn_into::<CanvasRenderingContext2d>()?;
    let model = Model::build(&ObjectiveSpec::Surface(SurfaceSpec::Rosenbrock), 0)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let view = crate::objective::view::view_box(&model);
    let colors = ColorMap::viridis();
    let mut heatmap = Heatmap::new(size as usize, size as usize);
    let mut times = Vec::with_capacity(3 * reps as usize);
    for rep in 0..=reps {
        let t0 = perf.now();
        if closure {
            heatmap.render(
                |x, y| model.loss(&[x, y]),
                &view,
                ColorScale::Log,
                &colors,
                true,
            );
        } else {
            heatmap.render_model(&model, &view, ColorScale::Log, &colors, true);
        }
        let t1 = perf.now();
        let image =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&heatmap.rgba), size, size)?;
        context.put_image_data(&image, 0.0, 0.0)?;
        let t2 = perf.now();
        if rep > 0 {
            times.extend([t2 - t0, t1 - t0, t2 - t1]);
        }
    }
    Ok(times.into_boxed_slice())
}

/// The trajectory engine: [`Runner::step`] `steps` times in a loop on the scenario (reset before
/// each repetition). Returns steps per second for each of `reps` repetitions, after one untimed
/// warm-up; fails if the run stops early.
#[wasm_bindgen]
pub fn bench_runner_steps(
    scenario_json: &str,
    steps: u32,
    reps: u32,
) -> Result<Box<[f64]>, JsValue> {
    let perf = performance()?;
    let mut runner = runner(scenario_json)?;
    let mut rates = Vec::with_capacity(reps as usize);
    for rep in 0..=reps {
        runner.reset();
        let t0 = perf.now();
        for _ in 0..steps {
            if runner.step().is_none() {
                return Err(JsValue::from_str("the benchmark run stopped early"));
            }
        }
        let elapsed = perf.now() - t0;
        if rep > 0 {
            rates.push(f64::from(steps) / (elapsed.max(1e-3) / 1e3));
        }
    }
    Ok(rates.into_boxed_slice())
}

/// Epochs of an MLP scenario: `steps_per_epoch` calls of [`Runner::step`], and with `with_loss`
/// the full training loss and the test loss after each (as TensorFlow Playground's epoch).
/// Returns ms per epoch for each of `reps` repetitions of `epochs` epochs, after one untimed
/// warm-up repetition. The runner is reset before every repetition.
#[wasm_bindgen]
pub fn bench_mlp_epochs(
    scenario_json: &str,
    steps_per_epoch: u32,
    with_loss: bool,
    epochs: u32,
    reps: u32,
) -> Result<Box<[f64]>, JsValue> {
    let perf = performance()?;
    let mut runner = runner(scenario_json)?;
    let epochs = epochs.max(1);
    let mut sink = 0.0;
    let mut times = Vec::with_capacity(reps as usize);
    for rep in 0..=reps {
        runner.reset();
        let t0 = perf.now();
        for _ in 0..epochs {
            for _ in 0..steps_per_epoch {
                if runner.step().is_none() {
                    return Err(JsValue::from_str("the benchmark run stopped early"));
                }
            }
            if with_loss {
                sink +=
                    runner.loss() + runner.objective().test_loss(runner.params()).unwrap_or(0.0);
            }
        }
        let elapsed = perf.now() - t0;
        if rep > 0 {
            times.push(elapsed / f64::from(epochs));
        }
    }
    if sink.is_nan() {
        return Err(JsValue::from_str("the loss is not a number"));
    }
    Ok(times.into_boxed_slice())
}

/// The decision boundary of an MLP scenario's network after `train_steps` updates:
/// [`Mlp::predict_grid`] on `size × size` points of [−1.2, 1.2]², and with `colour` the
/// predictions painted into RGBA ([`paint_values`], the diverging map). Returns ms for each of
/// `reps` repetitions, after one untimed warm-up.
#[wasm_bindgen]
pub fn bench_boundary(
    scenario_json: &str,
    train_steps: u32,
    size: u32,
    colour: bool,
    reps: u32,
) -> Result<Box<[f64]>, JsValue> {
    let perf = performance()?;
    let mut runner = runner(scenario_json)?;
    for _ in 0..train_steps {
        if runner.step().is_none() {
            break;
        }
    }
    let Model::Mlp(mlp) = &**runner.objective() else {
        return Err(JsValue::from_str("the scenario's objective is not an mlp"));
    };
    let mlp: &Mlp = mlp;
    let size = size.max(2) as usize;
    let axis: Vec<f64> = (0..size)
        .map(|i| -1.2 + 2.4 * i as f64 / (size - 1) as f64)
        .collect();
    let colors = ColorMap::diverging();
    let mut out = vec![0.0; size * size];
    let mut rgba = vec![0u8; 4 * size * size];
    let mut times = Vec::with_capacity(reps as usize);
    for rep in 0..=reps {
        let t0 = perf.now();
        mlp.predict_grid(runner.params(), &axis, &axis, &mut out);
        if colour {
            paint_values(&out, 0.0, 1.0, &colors, &mut rgba);
        }
        let elapsed = perf.now() - t0;
        if rep > 0 {
            times.push(elapsed);
        }
    }
    Ok(times.into_boxed_slice())
}
