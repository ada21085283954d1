//! The only `#[wasm_bindgen]` module: a thin facade over the core for the page.
//!
//! Long-lived state lives here behind one opaque handle ([`Lab`]); JavaScript owns the animation
//! loop and the DOM, calls a few methods and gets back small results (numbers, short JSON
//! strings). Every entry point returns `Result<_, JsValue>` with a sentence or a safe default, and
//! never panics on what the page passes in. Pictures are computed by [`crate::render`] and put on
//! the canvases here.
//!
//! This file holds the handle, its lifecycle (load, advance, reset, state) and the small entry
//! points; the pictures are split by what they show: `surface` (heat map, trails, markers, noise
//! cloud, inset), `charts` (loss chart and per-layer gradient norms), `network` (decision
//! boundary, diagram, thumbnails, landscape, metrics) and `tune` (learning-rate tuning).

use crate::objective::mlp::Activation;
use crate::objective::model::Points;
use crate::objective::surfaces::ViewBox;
use crate::objective::Objective;
use crate::render::colormap::ColorMap;
use crate::render::heatmap::{ColorScale, Heatmap};
use crate::render::viewport::Viewport;
use crate::run::{Race, Runner, Status};
use crate::scenario::Scenario;
use crate::trail::{Drawn, NewPoints, Trail, TrailPoint};
use crate::url_state;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

mod charts;
mod network;
mod surface;
mod tune;

use charts::*;
use network::*;
pub use network::{dataset_catalog, draw_dataset_thumbnail};
use surface::*;
pub use tune::TuneJob;

/// Installs the panic hook so any bug shows as a console error (and the page's banner) instead of
/// an opaque `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The axes' typeface, named by variant: a family given as text is matched through
/// `str::to_lowercase` (Unicode case tables and all), which this saves the wasm from carrying.
const SANS: FontFamily<'static> = FontFamily::SansSerif;

fn js_error(message: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&message.to_string())
}

/// Racer colours, chosen to stand out on viridis (no yellow, no dark purple).
pub const RACER_COLORS: [&str; 8] = [
    "#ff4d4d", "#ffffff", "#ff9f1c", "#4dd6ff", "#ff66d9", "#9dff5c", "#c9a0ff", "#ffb3b3",
];

fn racer_rgb(index: usize) -> RGBColor {
    const RGB: [(u8, u8, u8); 8] = [
        (255, 77, 77),
        (255, 255, 255),
        (255, 159, 28),
        (77, 214, 255),
        (255, 102, 217),
        (157, 255, 92),
        (201, 160, 255),
        (255, 179, 179),
    ];
    let (r, g, b) = RGB[index % RGB.len()];
    RGBColor(r, g, b)
}

/// Points kept per racer for drawing (the trail thins itself beyond this).
const TRAIL_CAPACITY: usize = 4096;

/// Gradients in the batch-noise cloud.
const CLOUD_SIZE: usize = 64;

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| js_error("the canvas has no 2-D context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| js_error("the canvas context is not 2-D"))
}

fn plotters_area(canvas: &HtmlCanvasElement) -> Result<DrawingArea<CanvasBackend, Shift>, JsValue> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| js_error("plotters cannot draw on this canvas"))?;
    Ok(backend.into_drawing_area())
}

/// The lab: the scenario, its racing runners, their trails, and the buffers pictures come from.
#[wasm_bindgen]
pub struct Lab {
    scenario: Scenario,
    race: Race,
    ignored: Vec<String>,
    trails: Vec<Trail>,
    /// Per racer: how much of its trail the trails canvas shows.
    drawn: Vec<Drawn>,
    view: ViewBox,
    viewport: Option<Viewport>,
    colors: ColorMap,
    heatmap: Heatmap,
    boundary: BoundaryBuffers,
    /// Per racer, for networks: weight snapshots (for the landscape's path) and per-layer
    /// gradient norms, one entry per `advance` call, thinned to a bounded length.
    histories: Vec<Vec<NetworkRecord>>,
    landscape: Option<LandscapeView>,
    chart_view: Option<ChartView>,
    /// Canvas pixels per drawing unit: the device pixel ratio, times the enlargement of
    /// presenter mode. Type, strokes, markers and margins scale with it; pixel ↔ plane mapping
    /// does not (the page converts pointer positions to canvas pixels itself).
    dpr: f64,
}

#[wasm_bindgen]
impl Lab {
    /// A lab on the scenario in a URL query string; parameters that do not parse are ignored
    /// (see [`Lab::ignored_json`]) and the page opens all the same.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Lab {
        let state = url_state::from_query(query);
        let (scenario, race, mut ignored) = match Race::new(&state.scenario) {
            Ok(race) => (state.scenario, race, state.ignored),
            Err(e) => {
                let scenario = url_state::page_default();
                let mut ignored = state.ignored;
                ignored.push(format!("ignored the link's scenario: {e}"));
                match Race::new(&scenario) {
                    Ok(race) => (scenario, race, ignored),
                    // The default scenario is tested to build; this arm only keeps the
                    // constructor total.
                    Err(e) => unreachable_default(e),
                }
            }
        };
        ignored.dedup();
        let mut lab = Lab {
            view: view_of(&race),
            scenario,
            race,
            ignored,
            trails: Vec::new(),
            drawn: Vec::new(),
            viewport: None,
            colors: ColorMap::viridis(),
            heatmap: Heatmap::new(1, 1),
            boundary: BoundaryBuffers::default(),
            histories: Vec::new(),
            landscape: None,
            chart_view: None,
            dpr: 1.0,
        };
        lab.restart_trails();
        lab
    }

    /// What the URL asked for and the lab ignored, as a JSON array of sentences.
    pub fn ignored_json(&self) -> String {
        serde_json::to_string(&self.ignored).unwrap_or_else(|_| "[]".into())
    }

    /// The scenario as JSON (the page edits it and hands it back to [`Lab::load`]).
    pub fn scenario_json(&self) -> String {
        self.scenario.to_json()
    }

    /// The scenario as a URL query string (without `?`).
    pub fn query(&self) -> String {
        url_state::to_query(&self.scenario)
    }

    /// Replaces the scenario (from the page's controls) and restarts the race. On a refusal the
    /// lab keeps its current scenario and the error names the field and the accepted range.
    pub fn load(&mut self, scenario_json: &str) -> Result<(), JsValue> {
        let scenario = Scenario::from_json(scenario_json).map_err(refusal)?;
        let race = Race::new(&scenario).map_err(refusal)?;
        let objective_changed = scenario.objective != self.scenario.objective;
        self.scenario = scenario;
        self.race = race;
        if objective_changed {
            self.view = view_of(&self.race);
        }
        self.restart_trails();
        Ok(())
    }

    /// Whether the objective (and so the heat map) differs from the one in `scenario_json`.
    pub fn objective_differs(&self, scenario_json: &str) -> bool {
        match Scenario::from_json(scenario_json) {
            Ok(s) => s.objective != self.scenario.objective,
            Err(_) => true,
        }
    }

    /// Back to the start: every racer's parameters, optimizer state and batch order.
    pub fn reset(&mut self) {
        for runner in &mut self.race.runners {
            runner.reset();
        }
        self.restart_trails();
    }

    /// Runs up to `steps` updates on every racer still running (within the scenario's step
    /// budget). Returns how many racers are still running afterwards.
    pub fn advance(&mut self, steps: u32) -> u32 {
        let budget = self.scenario.steps;
        // A 2-D path is drawn step by step; a network's curves need one point per call (each
        // costs a pass over the data).
        let every_step = self
            .race
            .runners
            .first()
            .is_some_and(|r| r.params().len() == 2);
        for (runner, trail) in self.race.runners.iter_mut().zip(self.trails.iter_mut()) {
            let before = runner.steps_taken();
            for _ in 0..steps {
                if runner.steps_taken() >= budget || runner.step().is_none() {
                    break;
                }
                if every_step {
                    trail.push(TrailPoint::of(runner));
                }
            }
            if !every_step && runner.steps_taken() > before {
                trail.push(TrailPoint::of(runner));
            }
        }
        if !every_step {
            for (runner, history) in self.race.runners.iter().zip(self.histories.iter_mut()) {
                if history
                    .last()
                    .is_some_and(|r| r.step == runner.steps_taken())
                {
                    continue;
                }
                if let Some(mlp) = network_of(runner) {
                    record_network(history, runner, mlp.layers());
                }
            }
        }
        self.running_count()
    }

    /// Racers still running within the step budget.
    pub fn running_count(&self) -> u32 {
        let budget = self.scenario.steps;
        self.race
            .runners
            .iter()
            .filter(|r| *r.status() == Status::Running && r.steps_taken() < budget)
            .count() as u32
    }

    /// Steps taken by the furthest racer.
    pub fn steps_taken(&self) -> f64 {
        self.race
            .runners
            .iter()
            .map(Runner::steps_taken)
            .max()
            .unwrap_or(0) as f64
    }

    /// Everything the controls, legend and readouts show, as JSON.
    pub fn state_json(&self) -> String {
        let differences = self.scenario.racer_differences();
        let racers: Vec<_> = self
            .race
            .runners
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (status, message) = match r.status() {
                    Status::Running if r.steps_taken() >= self.scenario.steps => {
                        ("done", format!("finished {} steps", r.steps_taken()))
                    }
                    Status::Running => ("running", String::new()),
                    // The legend is short: a divergence's cause goes without saying.
                    status @ Status::Diverged { .. } => (status.name(), status.summary()),
                    status => (status.name(), status.message()),
                };
                let params = r.params();
                json!({
                    "index": i,
                    "name": r.optimizer().name(),
                    "title": r.optimizer().info().title,
                    "differs": differences.get(i).map(|d| d.iter().cloned().collect::<serde_json::Map<_, _>>()),
                    "batch_setting": r.batch().setting,
                    "lr": r.optimizer().lr(),
                    "current_lr": r.current_lr(),
                    "color": RACER_COLORS[i % RACER_COLORS.len()],
                    "status": status,
                    "message": message,
                    "step": r.steps_taken(),
                    "epoch": r.epoch(),
                    "samples": r.samples_seen(),
                    "loss": finite_or_null(r.loss()),
                    "x": params.first().copied().map(finite_or_null),
                    "y": params.get(1).copied().map(finite_or_null),
                    "batch_size": r.batch().effective,
                    "noise_std": r.noise_std(),
                    "test_loss": r.objective().test_loss(params).and_then(finite_or_null),
                    "train_accuracy": r.objective().accuracy(params, false).and_then(finite_or_null),
                    "test_accuracy": r.objective().accuracy(params, true).and_then(finite_or_null),
                })
            })
            .collect();
        let objective = self.race.runners.first().map(|r| r.objective());
        json!({
            "racers": racers,
            "sample_count": objective.map(|o| o.sample_count()).unwrap_or(1),
            "unset_batch": objective.map(|o| crate::run::BatchSize::unset_on(o)).unwrap_or(1),
            "test_count": objective.and_then(|o| o.test_points()).map_or(0, |p| p.len()),
            "start": self.race.runners.first().filter(|r| r.start().len() == 2).map(|r| r.start()),
            "view": [self.view.x_min, self.view.x_max, self.view.y_min, self.view.y_max],
            "steps": self.scenario.steps,
            "network": self.is_network(),
        })
        .to_string()
    }

    /// Sizes type, strokes and markers: `scale` canvas pixels per drawing unit (the device
    /// pixel ratio, times 1.7 in presenter mode, say); clamped to 0.5 … 8.
    pub fn set_draw_scale(&mut self, scale: f64) {
        self.dpr = if scale.is_finite() {
            scale.clamp(0.5, 8.0)
        } else {
            1.0
        };
    }

    /// The last update of racer `index`, written out with its numbers, as JSON.
    pub fn explain_json(&self, index: usize) -> String {
        let Some(runner) = self.race.runners.get(index) else {
            return "null".into();
        };
        let record = crate::optim::explain::StepRecord {
            lr: runner
                .last_report()
                .map(|r| r.lr)
                .unwrap_or_else(|| runner.current_lr()),
            grad: runner.last_gradient(),
            params_before: runner.previous_params(),
            params_after: runner.params(),
        };
        if runner.steps_taken() == 0 {
            return json!({ "title": runner.optimizer().info().title, "lines": [], "note": "Take a step to see the update written out." }).to_string();
        }
        let explanation =
            crate::optim::explain::explain(runner.optimizer(), runner.optimizer_state(), &record);
        serde_json::to_string(&explanation).unwrap_or_else(|_| "null".into())
    }

    /// For the rotated quadratic, the momentum lesson's numbers (critical and best learning
    /// rates, optimal momentum, predicted and measured rates per racer), as JSON; `null`
    /// elsewhere.
    pub fn theory_json(&self) -> String {
        let crate::scenario::ObjectiveSpec::Surface(
            crate::objective::surfaces::SurfaceSpec::Quadratic { kappa, .. },
        ) = self.scenario.objective
        else {
            return "null".into();
        };
        let theory = crate::theory::quadratic_theory(kappa);
        let racers: Vec<_> = self
            .race
            .runners
            .iter()
            .zip(&self.trails)
            .map(|(runner, trail)| {
                let momentum = match runner.optimizer() {
                    crate::optim::OptimizerConfig::Sgd(c) => Some(c.momentum),
                    _ => None,
                };
                let losses: Vec<f64> = trail.points().iter().map(|p| p.loss).collect();
                json!({
                    "name": runner.optimizer().name(),
                    "predicted": momentum.map(|m| crate::theory::predicted_rate(kappa, runner.optimizer().lr(), m)),
                    "measured": crate::theory::measured_rate(&losses),
                })
            })
            .collect();
        json!({ "theory": theory, "racers": racers }).to_string()
    }
}

impl Lab {
    fn restart_trails(&mut self) {
        self.trails = self
            .race
            .runners
            .iter()
            .map(|runner| {
                let mut trail = Trail::new(TRAIL_CAPACITY);
                trail.push(TrailPoint::of(runner));
                trail
            })
            .collect();
        self.drawn = vec![Drawn::default(); self.trails.len()];
        self.histories = vec![Vec::new(); self.trails.len()];
        self.landscape = None;
        let networks: Vec<_> = self
            .race
            .runners
            .iter()
            .map(|r| network_of(r).map(|m| m.layers().to_vec()))
            .collect();
        for ((history, runner), layers) in self
            .histories
            .iter_mut()
            .zip(&self.race.runners)
            .zip(networks)
        {
            if let Some(layers) = layers {
                record_network(history, runner, &layers);
            }
        }
    }
}

/// A refused scenario for the page: a JavaScript `Error` whose message is the whole sentence,
/// with the field path (`race[1].optimizer.lr`) and the reason as its `field` and `reason`
/// properties, so the page can name the control as its label does.
fn refusal(error: crate::scenario::ScenarioError) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    // Setting a property on a fresh Error cannot fail; the sentence stands alone if it did.
    let _ = js_sys::Reflect::set(&js, &"field".into(), &error.field.as_str().into());
    let _ = js_sys::Reflect::set(&js, &"reason".into(), &error.message.as_str().into());
    js.into()
}

/// The optimizers the page offers, as JSON `[{"name","title","lr"}]`: every entry of
/// [`crate::optim::OPTIMIZERS`] with its starting learning rate.
#[wasm_bindgen]
pub fn optimizer_catalog() -> String {
    let entries: Vec<_> = crate::optim::OPTIMIZERS
        .iter()
        .map(|entry| json!({ "name": entry.name, "title": entry.title, "lr": entry.starting_lr }))
        .collect();
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

fn finite_or_null(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn unreachable_default(error: crate::scenario::ScenarioError) -> (Scenario, Race, Vec<String>) {
    // A degenerate but valid race: Booth with plain SGD. Reached only if the page default
    // scenario stopped building, which a native test rules out.
    let scenario = Scenario {
        objective: crate::scenario::ObjectiveSpec::Surface(
            crate::objective::surfaces::SurfaceSpec::Booth,
        ),
        race: Vec::new(),
        ..url_state::page_default()
    };
    let race = Race {
        runners: Runner::new(&scenario).into_iter().collect(),
    };
    (
        scenario,
        race,
        vec![format!("the default scenario failed to build: {error}")],
    )
}

/// The objectives the "Surface" control offers, as JSON `[{"name","title"}]`: every 2-D surface
impl Lab {
    /// Axes of the plane `view` on `canvas` — white background, ticks, titles, no grid — as the
    /// surface and the network lab draw them; returns where the plotting area landed.
    fn draw_plane_axes(
        &self,
        canvas: &HtmlCanvasElement,
        view: ViewBox,
        x_desc: &str,
        y_desc: &str,
    ) -> Result<Viewport, JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let dpr = self.dpr;
        let font = (13.0 * dpr).round() as u32;
        let mut chart = ChartBuilder::on(&root)
            .margin((10.0 * dpr) as u32)
            .x_label_area_size((34.0 * dpr) as u32)
            .y_label_area_size((48.0 * dpr) as u32)
            .build_cartesian_2d(view.x_min..view.x_max, view.y_min..view.y_max)
            .map_err(js_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
        root.present().map_err(js_error)?;
        Ok(Viewport {
            view,
            left: x_pixels.start as f64,
            top: y_pixels.start as f64,
            width: (x_pixels.end - x_pixels.start).max(1) as f64,
            height: (y_pixels.end - y_pixels.start).max(1) as f64,
        })
    }
}

/// and linear regression.
#[wasm_bindgen]
pub fn surface_catalog() -> String {
    let mut entries: Vec<_> = crate::objective::surfaces::SurfaceSpec::all()
        .iter()
        .filter(|s| s.name() != "custom")
        .map(|s| json!({ "name": s.name(), "title": s.title() }))
        .collect();
    entries.push(json!({ "name": "custom", "title": "Your function f(x, y)" }));
    entries.push(json!({ "name": "linreg", "title": "Linear regression (w, b)" }));
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

/// [`crate::run::trace_digest`] of a scenario, as 16 hex digits (for the replay tests).
#[wasm_bindgen]
pub fn trace_digest(scenario_json: &str) -> Result<String, JsValue> {
    let scenario = Scenario::from_json(scenario_json).map_err(js_error)?;
    let digest = crate::run::trace_digest(&scenario).map_err(js_error)?;
    Ok(format!("{digest:016x}"))
}

#[wasm_bindgen]
impl Lab {
    /// Every racer's recorded trail as CSV (header line first): racer, optimizer, step, epoch,
    /// samples, loss, test_loss, x, y — the trajectories behind the pictures.
    pub fn trajectories_csv(&self) -> String {
        let mut csv = String::from("racer,optimizer,step,epoch,samples,loss,test_loss,x,y\n");
        for (index, (runner, trail)) in self.race.runners.iter().zip(&self.trails).enumerate() {
            for p in trail.points() {
                let number = |v: f64| {
                    if v.is_finite() {
                        v.to_string()
                    } else {
                        String::new()
                    }
                };
                csv.push_str(&format!(
                    "{index},{},{},{},{},{},{},{},{}\n",
                    runner.optimizer().name(),
                    p.step,
                    number(p.epoch),
                    p.samples,
                    number(p.loss),
                    number(p.test_loss),
                    number(p.x),
                    number(p.y)
                ));
            }
        }
        csv
    }
}

/// Parses pasted CSV into the JSON `points` of a scenario (`kind`: `classification`,
/// `regression1d` or `regression2d`); a refusal names the row and column.
#[wasm_bindgen]
pub fn csv_points(text: &str, kind: &str) -> Result<String, JsValue> {
    crate::data::csv::csv_to_points_json(text, kind).map_err(js_error)
}
