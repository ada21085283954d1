//! The only `#[wasm_bindgen]` module: a thin facade over the core for the page.
//!
//! Long-lived state lives here behind one opaque handle ([`Lab`]); JavaScript owns the animation
//! loop and the DOM, calls a few methods and gets back small results (numbers, short JSON
//! strings). Every entry point returns `Result<_, JsValue>` with a sentence or a safe default, and
//! never panics on what the page passes in. Pictures are computed by [`crate::render`] and put on
//! the canvases here.

use crate::objective::mlp::Activation;
use crate::objective::model::Points;
use crate::objective::surfaces::ViewBox;
use crate::objective::Objective;
use crate::render::colormap::ColorMap;
use crate::render::heatmap::{ColorScale, Heatmap};
use crate::render::viewport::Viewport;
use crate::run::{Race, Runner, Status};
use crate::scenario::Scenario;
use crate::trail::{Trail, TrailPoint};
use crate::url_state;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

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
    /// Per racer: (trail generation, points already drawn) on the trails canvas.
    drawn: Vec<(u64, usize)>,
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
        let scenario = Scenario::from_json(scenario_json).map_err(js_error)?;
        let race = Race::new(&scenario).map_err(js_error)?;
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
                    trail.push(trail_point(runner));
                }
            }
            if !every_step && runner.steps_taken() > before {
                trail.push(trail_point(runner));
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
                    Status::Converged { .. } => ("converged", r.status().message()),
                    Status::Diverged { step } => ("diverged", format!("diverged at step {step}")),
                    Status::Failed { step, reason } => {
                        ("failed", format!("stopped at step {step}: {reason}"))
                    }
                };
                let params = r.params();
                json!({
                    "index": i,
                    "name": r.optimizer().name(),
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
                    "batch_size": r.batch_size(),
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
            "view": [self.view.x_min, self.view.x_max, self.view.y_min, self.view.y_max],
            "steps": self.scenario.steps,
            "network": self.is_network(),
        })
        .to_string()
    }

    /// Sizes the drawing for the device pixel ratio (fonts and strokes scale with it).
    pub fn set_device_pixel_ratio(&mut self, dpr: f64) {
        self.dpr = if dpr.is_finite() {
            dpr.clamp(0.5, 4.0)
        } else {
            1.0
        };
    }

    /// Draws the heat map with axes and the known minima onto `canvas`, at its pixel size, and
    /// remembers the plotting area for pixel ↔ plane mapping.
    pub fn draw_surface(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let view = self.view;
        let dpr = self.dpr;
        let font = (13.0 * dpr).round() as u32;
        let mut chart = ChartBuilder::on(&root)
            .margin((10.0 * dpr) as u32)
            .x_label_area_size((34.0 * dpr) as u32)
            .y_label_area_size((48.0 * dpr) as u32)
            .build_cartesian_2d(view.x_min..view.x_max, view.y_min..view.y_max)
            .map_err(js_error)?;
        let (x_label, y_label) = self.axis_names();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
        let width = (x_pixels.end - x_pixels.start).max(1) as usize;
        let height = (y_pixels.end - y_pixels.start).max(1) as usize;
        if self.heatmap.width != width || self.heatmap.height != height {
            self.heatmap = Heatmap::new(width, height);
        }
        let (objective, scale) = match self.race.runners.first() {
            // Only a 2-parameter objective has a loss surface over the plane.
            Some(r) if r.params().len() == 2 => (r.objective().clone(), color_scale(r)),
            _ => return Ok(()),
        };
        // A row at a time where the model is a surface (one dispatch per row, not per pixel):
        // the same pixels, and the first heat map of a page load lands sooner.
        self.heatmap
            .render_model(&objective, &view, scale, &self.colors, true);
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.heatmap.rgba),
            width as u32,
            height as u32,
        )?;
        context.put_image_data(&image, x_pixels.start as f64, y_pixels.start as f64)?;
        let minima = minima_of(&self.race);
        chart
            .draw_series(minima.iter().map(|m| {
                Cross::new(
                    (m[0], m[1]),
                    (5.0 * dpr) as u32,
                    ShapeStyle::from(&WHITE).stroke_width((2.0 * dpr) as u32),
                )
            }))
            .map_err(js_error)?;
        root.present().map_err(js_error)?;
        self.viewport = Some(Viewport {
            view,
            left: x_pixels.start as f64,
            top: y_pixels.start as f64,
            width: width as f64,
            height: height as f64,
        });
        for drawn in &mut self.drawn {
            *drawn = (u64::MAX, 0);
        }
        Ok(())
    }

    /// Appends the new trajectory segments to the trails canvas (a transparent canvas over the
    /// heat map); redraws every trail when the view changed or a trail was thinned.
    pub fn draw_trails(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let Some(viewport) = self.viewport else {
            return Ok(());
        };
        let context = context_2d(canvas)?;
        let full_redraw =
            self.drawn
                .iter()
                .zip(&self.trails)
                .any(|(&(generation, count), trail)| {
                    generation != trail.generation() || count > trail.points().len()
                });
        if full_redraw {
            context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
            for drawn in &mut self.drawn {
                *drawn = (u64::MAX, 0);
            }
        }
        context.save();
        context.begin_path();
        context.rect(viewport.left, viewport.top, viewport.width, viewport.height);
        context.clip();
        context.set_line_cap("round");
        context.set_line_join("round");
        for (index, trail) in self.trails.iter().enumerate() {
            let points = trail.points();
            let (_, from) = self.drawn[index];
            if points.len() < 2 || from + 1 >= points.len() {
                self.drawn[index] = (trail.generation(), points.len());
                continue;
            }
            let start = from.saturating_sub(1);
            for (width, color) in [
                (3.2, "rgba(0,0,0,0.55)"),
                (1.6, RACER_COLORS[index % RACER_COLORS.len()]),
            ] {
                context.set_line_width(width * self.dpr);
                context.set_stroke_style_str(color);
                context.begin_path();
                let mut last = (f64::NAN, f64::NAN);
                for (k, p) in points[start..].iter().enumerate() {
                    let (px, py) = viewport.to_pixel(p.x, p.y);
                    if !(px.is_finite() && py.is_finite()) {
                        continue;
                    }
                    let px = px.clamp(-1e5, 1e5);
                    let py = py.clamp(-1e5, 1e5);
                    if k == 0 || last.0.is_nan() {
                        context.move_to(px, py);
                        last = (px, py);
                    } else if (px - last.0).abs() + (py - last.1).abs() >= 0.5
                        || k + start + 1 == points.len()
                    {
                        context.line_to(px, py);
                        last = (px, py);
                    }
                }
                context.stroke();
            }
            self.drawn[index] = (trail.generation(), points.len());
        }
        context.restore();
        Ok(())
    }

    /// Redraws the top canvas: the start, each racer's current point (a cross and a label where
    /// it diverged), and — when `cloud` is set — the batch-noise cloud of racer `selected`.
    pub fn draw_markers(
        &self,
        canvas: &HtmlCanvasElement,
        cloud: bool,
        selected: usize,
    ) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        let Some(viewport) = self.viewport else {
            return Ok(());
        };
        let dpr = self.dpr;
        if let Some(start) = self.scenario.start.as_ref().filter(|s| s.len() == 2) {
            let (px, py) = viewport.to_pixel(start[0], start[1]);
            context.set_fill_style_str("rgba(255,255,255,0.9)");
            context.set_stroke_style_str("#000");
            context.set_line_width(1.5 * dpr);
            context.begin_path();
            context.rect(px - 4.0 * dpr, py - 4.0 * dpr, 8.0 * dpr, 8.0 * dpr);
            context.fill();
            context.stroke();
        }
        if cloud {
            if let Some(runner) = self.race.runners.get(selected) {
                self.draw_batch_contours(&context, &viewport, runner);
                self.draw_cloud(&context, &viewport, runner)?;
            }
        }
        context.set_font(&format!("{}px sans-serif", (12.0 * dpr).round()));
        for (index, runner) in self.race.runners.iter().enumerate() {
            let params = runner.params();
            if params.len() < 2 {
                continue;
            }
            let (px, py) = viewport.to_pixel(params[0], params[1]);
            let (px, py) = (
                px.clamp(viewport.left, viewport.left + viewport.width),
                py.clamp(viewport.top, viewport.top + viewport.height),
            );
            let color = RACER_COLORS[index % RACER_COLORS.len()];
            context.set_stroke_style_str("#000");
            context.set_fill_style_str(color);
            context.set_line_width(1.5 * dpr);
            match runner.status() {
                Status::Running | Status::Converged { .. } => {
                    context.begin_path();
                    context.arc(px, py, 5.0 * dpr, 0.0, std::f64::consts::TAU)?;
                    context.fill();
                    context.stroke();
                }
                Status::Diverged { step } | Status::Failed { step, .. } => {
                    let r = 6.0 * dpr;
                    context.set_stroke_style_str(color);
                    context.set_line_width(3.0 * dpr);
                    context.begin_path();
                    context.move_to(px - r, py - r);
                    context.line_to(px + r, py + r);
                    context.move_to(px + r, py - r);
                    context.line_to(px - r, py + r);
                    context.stroke();
                    let verb = if matches!(runner.status(), Status::Diverged { .. }) {
                        "diverged"
                    } else {
                        "stopped"
                    };
                    let label = format!("{} {verb} at step {step}", runner.optimizer().name());
                    let lx = (px + 9.0 * dpr).min(viewport.left + viewport.width - 160.0 * dpr);
                    context.set_fill_style_str("rgba(0,0,0,0.7)");
                    context.fill_rect(lx - 3.0 * dpr, py - 14.0 * dpr, 170.0 * dpr, 18.0 * dpr);
                    context.set_fill_style_str(color);
                    context.fill_text(&label, lx, py)?;
                }
            }
        }
        Ok(())
    }

    /// Draws the loss chart: every racer's full-objective loss against `axis` (`"steps"`,
    /// `"epochs"` or `"samples"`), on a log scale (of loss − minimum where the minimum is known).
    pub fn draw_chart(&mut self, canvas: &HtmlCanvasElement, axis: &str) -> Result<(), JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let dpr = self.dpr;
        let offset = self.loss_offset();
        let x_of = |p: &TrailPoint| match axis {
            "epochs" => p.epoch,
            "samples" => p.samples as f64,
            _ => p.step as f64,
        };
        // Steps and samples are whole numbers: their axis starts at 0..10, epochs at 0..1.
        let fractional = axis == "epochs";
        let mut x_max: f64 = if fractional { 1.0 } else { 10.0 };
        let (mut y_min, mut y_max) = (f64::INFINITY, f64::NEG_INFINITY);
        // Each racer's training loss, then (where there are test points) its test loss.
        let mut collect = |loss_of: &dyn Fn(&TrailPoint) -> f64| -> Vec<Vec<(f64, f64)>> {
            self.trails
                .iter()
                .map(|trail| {
                    let points = trail.points();
                    let stride = (points.len() / 600).max(1);
                    points
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % stride == 0 || *i + 1 == points.len())
                        .filter_map(|(_, p)| {
                            let y = loss_of(p) - offset;
                            y.is_finite().then(|| (x_of(p), y))
                        })
                        .inspect(|&(x, y)| {
                            x_max = x_max.max(x);
                            y_min = y_min.min(y);
                            y_max = y_max.max(y);
                        })
                        .collect()
                })
                .collect()
        };
        let series = collect(&|p| p.loss);
        let test_series = if self.is_network() {
            collect(&|p| p.test_loss)
        } else {
            Vec::new()
        };
        // A log axis (of loss − minimum where the minimum is known) shows convergence over many
        // decades; a function that goes to zero or below with no known minimum (your own
        // function, the saddle) gets a linear axis instead of curves pinned to a floor.
        let log = self.loss_minimum().is_some() || y_min > 0.0;
        if !(y_min.is_finite() && y_max.is_finite()) {
            (y_min, y_max) = if log { (1e-3, 1.0) } else { (0.0, 1.0) };
        }
        let (y_low, y_high) = if log {
            let low = libm::log10(y_min.max(1e-16)).floor().max(-16.0);
            (low, libm::log10(y_max.max(1e-16)).ceil().max(low + 1.0))
        } else {
            let pad = 0.05 * (y_max - y_min).max(1e-12);
            (y_min - pad, y_max + pad)
        };
        let x_desc = match axis {
            "epochs" => "epochs",
            "samples" => "samples seen (gradient evaluations)",
            _ => "iterations",
        };
        let y_desc = if offset != 0.0 {
            "loss − minimum"
        } else {
            "loss"
        };
        let x_label = |v: &f64| {
            if fractional && x_max < 20.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        };
        let curves = LossCurves {
            x_desc,
            y_desc,
            x_label: &x_label,
            dpr,
            series,
            test_series,
        };
        let (x_pixels, y_pixels) = if log {
            let floor = |curves: Vec<Vec<(f64, f64)>>| {
                curves
                    .into_iter()
                    .map(|c| c.into_iter().map(|(x, y)| (x, y.max(1e-16))).collect())
                    .collect()
            };
            let curves = LossCurves {
                series: floor(curves.series),
                test_series: floor(curves.test_series),
                ..curves
            };
            curves.draw(
                &root,
                0.0..x_max,
                (libm::pow(10f64, y_low)..libm::pow(10f64, y_high)).log_scale(),
                &|v| log_tick_label(*v, y_high - y_low),
            )?
        } else {
            curves.draw(&root, 0.0..x_max, y_low..y_high, &|v| format_tick(*v))?
        };
        self.chart_view = Some(ChartView {
            left: x_pixels.start as f64,
            top: y_pixels.start as f64,
            width: (x_pixels.end - x_pixels.start).max(1) as f64,
            height: (y_pixels.end - y_pixels.start).max(1) as f64,
            x_max,
            log,
            y_low,
            y_high,
            offset,
            axis: axis.to_string(),
        });
        root.present().map_err(js_error)?;
        Ok(())
    }

    /// For linear regression, draws the data (test points hollow) and each racer's current line
    /// y = w·x + b on the inset canvas; clears it for other objectives.
    pub fn draw_inset(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let Some(model) = self.race.runners.first().map(|r| r.objective().clone()) else {
            return Ok(());
        };
        let (Some(Points::OneInput(train)), Some(Points::OneInput(test))) =
            (model.train_points(), model.test_points())
        else {
            return Ok(());
        };
        let all = || train.iter().chain(test.iter());
        let (mut x_min, mut x_max, mut y_min, mut y_max) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in all() {
            x_min = x_min.min(p[0]);
            x_max = x_max.max(p[0]);
            y_min = y_min.min(p[1]);
            y_max = y_max.max(p[1]);
        }
        if !(x_min < x_max && y_min <= y_max) {
            return Ok(());
        }
        let pad = 0.1 * (y_max - y_min).max(1e-9);
        let (y_min, y_max) = (y_min - pad, y_max + pad);
        let dpr = self.dpr;
        let mut chart = ChartBuilder::on(&root)
            // No caption: plotters measures caption text with an inline-styled element, which the
            // page's Content-Security-Policy forbids.
            .margin((6.0 * dpr) as u32)
            .build_cartesian_2d(x_min..x_max, y_min..y_max)
            .map_err(js_error)?;
        let radius = (2.5 * dpr) as u32;
        chart
            .draw_series(
                train
                    .iter()
                    .map(|p| Circle::new((p[0], p[1]), radius, RGBColor(59, 82, 139).filled())),
            )
            .map_err(js_error)?;
        chart
            .draw_series(
                test.iter()
                    .map(|p| Circle::new((p[0], p[1]), radius, RGBColor(59, 82, 139))),
            )
            .map_err(js_error)?;
        for (index, runner) in self.race.runners.iter().enumerate() {
            let params = runner.params();
            if params.len() != 2 || !params.iter().all(|v| v.is_finite()) {
                continue;
            }
            let (w, b) = (params[0], params[1]);
            let stroke = chart_color(index);
            chart
                .draw_series(LineSeries::new(
                    [x_min, x_max].map(|x| (x, (w * x + b).clamp(y_min - 1e3, y_max + 1e3))),
                    ShapeStyle::from(&stroke).stroke_width((2.0 * dpr).round() as u32),
                ))
                .map_err(js_error)?;
        }
        root.present().map_err(js_error)?;
        Ok(())
    }

    /// The plane point under canvas pixel (px, py), as `[x, y]` (empty before the first draw).
    pub fn to_plane(&self, px: f64, py: f64) -> Box<[f64]> {
        match self.viewport {
            Some(v) if v.contains_pixel(px, py) => {
                let (x, y) = v.to_plane(px, py);
                Box::new([x, y])
            }
            _ => Box::new([]),
        }
    }

    /// What lies under canvas pixel (px, py), as JSON: the nearest trail point within 10 px
    /// (racer, x, y, loss, step), else the plane point and the loss there; `null` outside.
    pub fn pick(&self, px: f64, py: f64) -> String {
        let Some(viewport) = self.viewport.filter(|v| v.contains_pixel(px, py)) else {
            return "null".into();
        };
        if let Some((runner, mlp)) = self
            .race
            .runners
            .first()
            .and_then(|r| network_of(r).map(|m| (r, m)))
        {
            // In the network view the plane is the input space: read the network's output.
            let (x, y) = viewport.to_plane(px, py);
            let mut output = [0.0];
            mlp.predict(runner.params(), &[[x, y]], &mut output);
            return json!({ "x": x, "y": y, "prediction": finite_or_null(output[0]) }).to_string();
        }
        let best = self.nearest_trail_point(px, py, 10.0 * self.dpr, |p| {
            Some(viewport.to_pixel(p.x, p.y))
        });
        match best {
            Some((index, p)) => json!({
                "racer": index,
                "name": self.race.runners.get(index).map(|r| r.optimizer().name()),
                "x": p.x, "y": p.y, "loss": finite_or_null(p.loss), "step": p.step, "epoch": p.epoch,
            })
            .to_string(),
            None => {
                let (x, y) = viewport.to_plane(px, py);
                let loss = self.race.runners.first().map(|r| r.objective().loss(&[x, y])).unwrap_or(f64::NAN);
                json!({ "x": x, "y": y, "loss": finite_or_null(loss) }).to_string()
            }
        }
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
            return json!({ "title": runner.optimizer().name(), "lines": [], "note": "Take a step to see the update written out." }).to_string();
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
                trail.push(trail_point(runner));
                trail
            })
            .collect();
        self.drawn = vec![(u64::MAX, 0); self.trails.len()];
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

    fn axis_names(&self) -> (&'static str, &'static str) {
        match self.scenario.objective {
            crate::scenario::ObjectiveSpec::Linreg(_) => ("w (slope)", "b (intercept)"),
            _ => ("x", "y"),
        }
    }

    /// The minimum subtracted before the log scale of the loss chart (0 where unknown).
    fn loss_offset(&self) -> f64 {
        self.loss_minimum().unwrap_or(0.0)
    }

    /// The objective's known minimum value, if it has one.
    fn loss_minimum(&self) -> Option<f64> {
        self.race
            .runners
            .first()
            .and_then(|r| crate::objective::view::min_value(r.objective()))
    }

    /// For linear regression with mini-batches: a ghost contour of the loss of the last batch
    /// alone over (w, b) — the surface the last step actually descended.
    fn draw_batch_contours(
        &self,
        context: &CanvasRenderingContext2d,
        viewport: &Viewport,
        runner: &Runner,
    ) {
        let model = runner.objective();
        let batch = runner.last_batch();
        if !matches!(model.as_ref(), crate::objective::model::Model::Linreg(_))
            || batch.is_empty()
            || batch.len() >= model.sample_count()
        {
            return;
        }
        let cell = (4.0 * self.dpr).round().max(2.0);
        let (columns, rows) = (
            (viewport.width / cell) as usize,
            (viewport.height / cell) as usize,
        );
        if columns < 2 || rows < 2 {
            return;
        }
        let mut grad = [0.0; 2];
        let mut values = Vec::with_capacity(columns * rows);
        for r in 0..rows {
            for c in 0..columns {
                let (w, b) = viewport.to_plane(
                    viewport.left + (c as f64 + 0.5) * cell,
                    viewport.top + (r as f64 + 0.5) * cell,
                );
                values.push(model.batch_loss_and_gradient(&[w, b], batch, &mut grad));
            }
        }
        let (lo, hi) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        if !(lo.is_finite() && hi > lo) {
            return;
        }
        let delta = (hi - lo) * 1e-4;
        let band = |v: f64| libm::log1p((v - lo) / delta) / libm::log1p((hi - lo) / delta) * 16.0;
        let bands: Vec<i32> = values
            .iter()
            .map(|&v| if v.is_finite() { band(v) as i32 } else { -1 })
            .collect();
        context.set_fill_style_str("rgba(255,255,255,0.6)");
        for r in 0..rows - 1 {
            for c in 0..columns - 1 {
                let here = bands[r * columns + c];
                if here != bands[r * columns + c + 1] || here != bands[(r + 1) * columns + c] {
                    context.fill_rect(
                        viewport.left + c as f64 * cell + cell / 2.0,
                        viewport.top + r as f64 * cell + cell / 2.0,
                        cell * 0.6,
                        cell * 0.6,
                    );
                }
            }
        }
    }

    fn draw_cloud(
        &self,
        context: &CanvasRenderingContext2d,
        viewport: &Viewport,
        runner: &Runner,
    ) -> Result<(), JsValue> {
        let params = runner.params();
        if params.len() < 2 || *runner.status() != Status::Running {
            return Ok(());
        }
        let cloud = runner.gradient_cloud(CLOUD_SIZE, runner.steps_taken() ^ 0x5EED);
        // Arrows point downhill: −g in plane units shown in pixels (y flips), scaled so the full
        // gradient's arrow is 70 px long; each cloud point is the tip of one batch's arrow.
        let (ppu_x, ppu_y) = (pixels_per_unit_x(viewport), pixels_per_unit_y(viewport));
        let full_pixels = libm::hypot(cloud.full[0] * ppu_x, cloud.full[1] * ppu_y);
        if !(full_pixels.is_finite() && full_pixels > 0.0) {
            return Ok(());
        }
        let scale = 70.0 * self.dpr / full_pixels;
        let (ox, oy) = viewport.to_pixel(params[0], params[1]);
        let to_screen = |g: &[f64]| (ox - scale * g[0] * ppu_x, oy + scale * g[1] * ppu_y);
        context.set_fill_style_str("rgba(255,255,255,0.75)");
        for sample in &cloud.samples {
            let (sx, sy) = to_screen(sample);
            if sx.is_finite() && sy.is_finite() {
                context.begin_path();
                context.arc(sx, sy, 2.2 * self.dpr, 0.0, std::f64::consts::TAU)?;
                context.fill();
            }
        }
        let (fx, fy) = to_screen(&cloud.full);
        context.set_stroke_style_str("#fff");
        context.set_line_width(2.5 * self.dpr);
        context.begin_path();
        context.move_to(ox, oy);
        context.line_to(fx, fy);
        let angle = libm::atan2(fy - oy, fx - ox);
        let head = 9.0 * self.dpr;
        context.line_to(
            fx - head * libm::cos(angle - 0.4),
            fy - head * libm::sin(angle - 0.4),
        );
        context.move_to(fx, fy);
        context.line_to(
            fx - head * libm::cos(angle + 0.4),
            fy - head * libm::sin(angle + 0.4),
        );
        context.stroke();
        Ok(())
    }
}

/// Pixels per plane unit along x (the arrow scale is set in pixels, so plane units cancel).
fn pixels_per_unit_x(viewport: &Viewport) -> f64 {
    viewport.width / (viewport.view.x_max - viewport.view.x_min)
}

/// Pixels per plane unit along y.
fn pixels_per_unit_y(viewport: &Viewport) -> f64 {
    viewport.height / (viewport.view.y_max - viewport.view.y_min)
}

/// The loss chart's curves and titles, drawn on a log or a linear y axis.
struct LossCurves<'a> {
    x_desc: &'a str,
    y_desc: &'a str,
    x_label: &'a dyn Fn(&f64) -> String,
    dpr: f64,
    /// Each racer's training loss, `(x, y)` points.
    series: Vec<Vec<(f64, f64)>>,
    /// Each racer's test loss (faint), where there are test points.
    test_series: Vec<Vec<(f64, f64)>>,
}

impl LossCurves<'_> {
    /// Axes, grid and curves on `root` over `x` × `y`; returns the plotting area's pixel
    /// ranges (for mapping the pointer back to a point).
    fn draw<Y>(
        self,
        root: &DrawingArea<CanvasBackend, Shift>,
        x: std::ops::Range<f64>,
        y: Y,
        y_label: &dyn Fn(&f64) -> String,
    ) -> Result<(std::ops::Range<i32>, std::ops::Range<i32>), JsValue>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let dpr = self.dpr;
        let font = (12.0 * dpr).round() as u32;
        let mut chart = ChartBuilder::on(root)
            .margin((8.0 * dpr) as u32)
            .x_label_area_size((38.0 * dpr) as u32)
            .y_label_area_size((52.0 * dpr) as u32)
            .build_cartesian_2d(x, y)
            .map_err(js_error)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(235, 235, 240))
            .x_desc(self.x_desc)
            .y_desc(self.y_desc)
            .x_label_formatter(self.x_label)
            .y_label_formatter(y_label)
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        for (index, points) in self.test_series.into_iter().enumerate() {
            let stroke = chart_color(index).mix(0.45);
            chart
                .draw_series(LineSeries::new(
                    points,
                    ShapeStyle::from(&stroke).stroke_width((1.5 * dpr).round().max(1.0) as u32),
                ))
                .map_err(js_error)?;
        }
        for (index, points) in self.series.into_iter().enumerate() {
            chart
                .draw_series(LineSeries::new(
                    points,
                    ShapeStyle::from(&chart_color(index)).stroke_width((2.0 * dpr).round() as u32),
                ))
                .map_err(js_error)?;
        }
        Ok(chart.plotting_area().get_pixel_range())
    }
}

/// A tick label on a linear loss axis: short, in scientific notation when large or small.
fn format_tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || (1e-3..1e4).contains(&a) {
        let text = format!("{v:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.1e}")
    }
}

/// The label of tick `v` on a log axis spanning `decades`: plotters ticks every 1…9 × 10ᵏ over
/// one or two decades, so only 1, 2 and 5 × 10ᵏ are labelled there (only 10ᵏ over more), and
/// the labels stay apart.
fn log_tick_label(v: f64, decades: f64) -> String {
    let mantissa = (v / libm::pow(10.0, libm::log10(v).floor())).round();
    let shown = if decades <= 2.0 {
        matches!(mantissa as u32, 1 | 2 | 5)
    } else {
        mantissa == 1.0
    };
    if shown {
        format!("{v:.0e}")
    } else {
        String::new()
    }
}

/// A racer's colour on a white chart (the white racer is drawn grey there).
fn chart_color(index: usize) -> RGBColor {
    if index == 1 {
        RGBColor(90, 90, 90)
    } else {
        racer_rgb(index)
    }
}

impl Lab {
    /// The recorded point of any racer's trail whose pixel (`to_pixel`, `None` to skip a point)
    /// lies nearest to (px, py) within `radius`, with its racer's index.
    fn nearest_trail_point(
        &self,
        px: f64,
        py: f64,
        radius: f64,
        to_pixel: impl Fn(&TrailPoint) -> Option<(f64, f64)>,
    ) -> Option<(usize, TrailPoint)> {
        let mut best: Option<(f64, usize, TrailPoint)> = None;
        for (index, trail) in self.trails.iter().enumerate() {
            for p in trail.points() {
                let Some((qx, qy)) = to_pixel(p) else {
                    continue;
                };
                let d = libm::hypot(qx - px, qy - py);
                if d <= radius && best.is_none_or(|(bd, _, _)| d < bd) {
                    best = Some((d, index, *p));
                }
            }
        }
        best.map(|(_, index, p)| (index, p))
    }
}

fn trail_point(runner: &Runner) -> TrailPoint {
    let params = runner.params();
    TrailPoint {
        step: runner.steps_taken(),
        epoch: runner.epoch(),
        samples: runner.samples_seen(),
        loss: runner.loss(),
        test_loss: runner.objective().test_loss(params).unwrap_or(f64::NAN),
        x: params.first().copied().unwrap_or(0.0),
        y: params.get(1).copied().unwrap_or(0.0),
    }
}

fn finite_or_null(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn view_of(race: &Race) -> ViewBox {
    race.runners
        .first()
        .map(|r| crate::objective::view::view_box(r.objective()))
        .unwrap_or(ViewBox {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        })
}

fn minima_of(race: &Race) -> Vec<[f64; 2]> {
    race.runners
        .first()
        .map(|r| crate::objective::view::minima(r.objective()))
        .unwrap_or_default()
}

fn color_scale(runner: &Runner) -> ColorScale {
    if crate::objective::view::log_scale(runner.objective()) {
        ColorScale::Log
    } else {
        ColorScale::Linear
    }
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

/// Reused buffers of the decision-boundary picture (no allocation per frame).
#[derive(Default)]
struct BoundaryBuffers {
    xs: Vec<f64>,
    ys: Vec<f64>,
    values: Vec<f64>,
    rgba: Vec<u8>,
    offscreen: Option<HtmlCanvasElement>,
    diverging: Option<ColorMap>,
}

/// The largest side of the grid the network is evaluated on each frame; the canvas scales it
/// up smoothly to its full resolution.
const BOUNDARY_GRID: usize = 200;
/// Class colours of the data points: label 0 and label 1.
const CLASS_COLORS: [&str; 2] = ["#c0392b", "#1f5fa8"];

fn network_of(runner: &Runner) -> Option<&crate::objective::mlp::Mlp> {
    match runner.objective().as_ref() {
        crate::objective::model::Model::Mlp(m) => Some(m),
        _ => None,
    }
}

/// A square view around the data, padded by 15 %.
fn data_view(mlp: &crate::objective::mlp::Mlp) -> ViewBox {
    let extent = mlp
        .train_points()
        .iter()
        .chain(mlp.test_points())
        .flat_map(|p| [p[0].abs(), p[1].abs()])
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let half = if extent > 0.0 { extent * 1.15 } else { 1.0 };
    ViewBox {
        x_min: -half,
        x_max: half,
        y_min: -half,
        y_max: half,
    }
}

#[wasm_bindgen]
impl Lab {
    /// Whether the scenario trains a network (the network lab's view).
    pub fn is_network(&self) -> bool {
        self.race.runners.first().and_then(network_of).is_some()
    }

    /// The network lab's default scenario as JSON: TensorFlow Playground's 2-4-2-1 tanh network
    /// on the circle, trained by SGD with momentum in batches of 10.
    pub fn network_default_json() -> String {
        url_state::network_default().to_json()
    }

    /// Draws racer `selected`'s decision boundary (classification: the probability of class 1
    /// on a red–white–blue scale; regression: the output on viridis) with axes and the data
    /// points — training points filled, test points hollow.
    pub fn draw_boundary(
        &mut self,
        canvas: &HtmlCanvasElement,
        selected: usize,
    ) -> Result<(), JsValue> {
        let Some(runner) = self
            .race
            .runners
            .get(selected)
            .or(self.race.runners.first())
        else {
            return Ok(());
        };
        let Some(mlp) = network_of(runner) else {
            return Ok(());
        };
        let context = context_2d(canvas)?;
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let view = data_view(mlp);
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
            .x_desc("x₁")
            .y_desc("x₂")
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
        let (left, top) = (x_pixels.start as f64, y_pixels.start as f64);
        let (width, height) = (
            (x_pixels.end - x_pixels.start).max(1) as f64,
            (y_pixels.end - y_pixels.start).max(1) as f64,
        );
        let viewport = Viewport {
            view,
            left,
            top,
            width,
            height,
        };
        self.viewport = Some(viewport);

        // Evaluate on a grid of pixel centres, then colour.
        let grid_w = BOUNDARY_GRID.min(width as usize).max(2);
        let grid_h = ((grid_w as f64) * height / width)
            .round()
            .clamp(2.0, BOUNDARY_GRID as f64) as usize;
        let buffers = &mut self.boundary;
        buffers.xs.clear();
        buffers
            .xs
            .extend((0..grid_w).map(|i| {
                view.x_min + (i as f64 + 0.5) / grid_w as f64 * (view.x_max - view.x_min)
            }));
        buffers.ys.clear();
        buffers
            .ys
            .extend((0..grid_h).map(|j| {
                view.y_max - (j as f64 + 0.5) / grid_h as f64 * (view.y_max - view.y_min)
            }));
        buffers.values.resize(grid_w * grid_h, 0.0);
        mlp.predict_grid(
            runner.params(),
            &buffers.xs,
            &buffers.ys,
            &mut buffers.values,
        );
        let classifier = mlp.has_labels() && mlp.is_classifier();
        let diverging = buffers
            .diverging
            .get_or_insert_with(|| ColorMap::from_gradient(colorous::RED_BLUE));
        let (t_min, t_max) = if classifier {
            (0.0, 1.0)
        } else {
            let targets = mlp.train_points().iter().map(|p| p[2]);
            let lo = targets.clone().fold(f64::INFINITY, f64::min);
            let hi = targets.fold(f64::NEG_INFINITY, f64::max);
            if lo < hi {
                (lo, hi)
            } else {
                (lo - 1.0, lo + 1.0)
            }
        };
        buffers.rgba.resize(grid_w * grid_h * 4, 255);
        for (value, pixel) in buffers.values.iter().zip(buffers.rgba.chunks_exact_mut(4)) {
            let t = (value - t_min) / (t_max - t_min);
            let [r, g, b] = if classifier {
                diverging.at(t)
            } else {
                self.colors.at(t)
            };
            // Lighten toward white so the data points stand out.
            let lift = |c: u8| (c as f64 * 0.7 + 255.0 * 0.3) as u8;
            pixel.copy_from_slice(&[lift(r), lift(g), lift(b), 255]);
        }
        let offscreen = match &buffers.offscreen {
            Some(c) => c.clone(),
            None => {
                let document = web_sys::window()
                    .and_then(|w| w.document())
                    .ok_or_else(|| js_error("no document"))?;
                let c: HtmlCanvasElement = document
                    .create_element("canvas")?
                    .dyn_into()
                    .map_err(|_| js_error("not a canvas"))?;
                buffers.offscreen = Some(c.clone());
                c
            }
        };
        if offscreen.width() != grid_w as u32 || offscreen.height() != grid_h as u32 {
            offscreen.set_width(grid_w as u32);
            offscreen.set_height(grid_h as u32);
        }
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&buffers.rgba),
            grid_w as u32,
            grid_h as u32,
        )?;
        context_2d(&offscreen)?.put_image_data(&image, 0.0, 0.0)?;
        context.set_image_smoothing_enabled(true);
        context.draw_image_with_html_canvas_element_and_dw_and_dh(
            &offscreen, left, top, width, height,
        )?;

        // The data: training points filled, test points hollow.
        let radius = 3.2 * dpr;
        context.set_line_width(1.2 * dpr);
        for (points, hollow) in [(mlp.train_points(), false), (mlp.test_points(), true)] {
            for p in points {
                let (px, py) = viewport.to_pixel(p[0], p[1]);
                let color = if classifier {
                    CLASS_COLORS[usize::from(p[2] >= 0.5)]
                } else {
                    "#333"
                };
                context.begin_path();
                context.arc(px, py, radius, 0.0, std::f64::consts::TAU)?;
                if hollow {
                    context.set_fill_style_str("#fff");
                    context.set_stroke_style_str(color);
                } else {
                    context.set_fill_style_str(color);
                    context.set_stroke_style_str("#fff");
                }
                context.fill();
                context.stroke();
            }
        }
        root.present().map_err(js_error)?;
        Ok(())
    }

    /// Draws racer `selected`'s network: a column of nodes per layer, links coloured by the sign
    /// of their weight (blue positive, red negative) and as thick as its magnitude.
    pub fn draw_network(&self, canvas: &HtmlCanvasElement, selected: usize) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let (w, h) = (canvas.width() as f64, canvas.height() as f64);
        context.clear_rect(0.0, 0.0, w, h);
        let Some(runner) = self
            .race
            .runners
            .get(selected)
            .or(self.race.runners.first())
        else {
            return Ok(());
        };
        let Some(mlp) = network_of(runner) else {
            return Ok(());
        };
        let layers = mlp.layers();
        let params = runner.params();
        let dpr = self.dpr;
        let margin = 18.0 * dpr;
        let column =
            |l: usize| margin + (w - 2.0 * margin) * l as f64 / (layers.len() - 1).max(1) as f64;
        let row = |l: usize, i: usize| {
            let units = layers[l] as f64;
            let spacing = ((h - 2.0 * margin) / units.max(1.0)).min(26.0 * dpr);
            h / 2.0 + (i as f64 - (units - 1.0) / 2.0) * spacing
        };
        // Links, layer by layer: weights are [out][in] row-major, then the biases.
        let mut offset = 0;
        let largest = params.iter().fold(
            1e-9f64,
            |m, v| if v.is_finite() { m.max(v.abs()) } else { m },
        );
        for l in 0..layers.len() - 1 {
            let (fan_in, fan_out) = (layers[l], layers[l + 1]);
            for o in 0..fan_out {
                for i in 0..fan_in {
                    let weight = params.get(offset + o * fan_in + i).copied().unwrap_or(0.0);
                    let strength = if weight.is_finite() {
                        (weight.abs() / largest).sqrt()
                    } else {
                        1.0
                    };
                    context.set_stroke_style_str(if weight >= 0.0 {
                        "rgba(31,95,168,0.85)"
                    } else {
                        "rgba(192,57,43,0.85)"
                    });
                    context.set_line_width((0.4 + 4.0 * strength) * dpr);
                    context.begin_path();
                    context.move_to(column(l), row(l, i));
                    context.line_to(column(l + 1), row(l + 1, o));
                    context.stroke();
                }
            }
            offset += fan_in * fan_out + fan_out;
        }
        for (l, &units) in layers.iter().enumerate() {
            for i in 0..units {
                context.begin_path();
                context.arc(column(l), row(l, i), 6.0 * dpr, 0.0, std::f64::consts::TAU)?;
                context.set_fill_style_str("#fff");
                context.set_stroke_style_str("#333");
                context.set_line_width(1.5 * dpr);
                context.fill();
                context.stroke();
            }
        }
        // Each hidden layer's activation under its column (a layer may differ from the rest).
        context.set_fill_style_str("#444");
        context.set_font(&format!("{}px system-ui, sans-serif", (11.0 * dpr).round()));
        context.set_text_align("center");
        for (layer, activation) in mlp.hidden_activations().iter().enumerate() {
            let name = match activation {
                Activation::Tanh => "tanh",
                Activation::Relu => "ReLU",
                Activation::Sigmoid => "sigmoid",
                Activation::Linear => "linear",
            };
            context.fill_text(name, column(layer + 1), h - 4.0 * dpr)?;
        }
        Ok(())
    }
}

/// The data sets the network lab offers, as JSON `[{"name","kind"}]` (`kind` is
/// `classification` or `regression`; the 1-D `linear` set belongs to linear regression).
#[wasm_bindgen]
pub fn dataset_catalog() -> String {
    use crate::data::datasets::{DatasetKind, DatasetName};
    let entries: Vec<_> = DatasetName::ALL
        .iter()
        .filter(|name| name.kind() != DatasetKind::Regression1d)
        .map(|name| {
            let kind = if name.kind() == DatasetKind::Classification {
                "classification"
            } else {
                "regression"
            };
            json!({ "name": name.as_str(), "kind": kind })
        })
        .collect();
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

/// Draws a small picture of data set `name` (default size, noise and seed) for its picker.
#[wasm_bindgen]
pub fn draw_dataset_thumbnail(canvas: &HtmlCanvasElement, name: &str) -> Result<(), JsValue> {
    use crate::data::datasets::{DatasetName, DatasetSpec};
    use serde::Deserialize;
    let name: DatasetName =
        DatasetName::deserialize(&json!(name)).map_err(|e| js_error(format!("data set: {e}")))?;
    let dataset = DatasetSpec::new(name).generate().map_err(js_error)?;
    let context = context_2d(canvas)?;
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, w, h);
    let Some(split) = dataset.points_2d() else {
        return Ok(());
    };
    let points: Vec<[f64; 3]> = split.train.iter().chain(split.test).copied().collect();
    let extent = points
        .iter()
        .flat_map(|p| [p[0].abs(), p[1].abs()])
        .fold(1e-9f64, f64::max)
        * 1.1;
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[2]), hi.max(p[2]))
        });
    let colors = ColorMap::viridis();
    for p in &points {
        let (px, py) = (
            w / 2.0 + p[0] / extent * w / 2.0,
            h / 2.0 - p[1] / extent * h / 2.0,
        );
        let fill = if matches!(
            name.kind(),
            crate::data::datasets::DatasetKind::Classification
        ) {
            CLASS_COLORS[usize::from(p[2] >= 0.5)].to_string()
        } else {
            let [r, g, b] = colors.at((p[2] - lo) / (hi - lo).max(1e-12));
            format!("rgb({r},{g},{b})")
        };
        context.set_fill_style_str(&fill);
        context.fill_rect(px - 1.5, py - 1.5, 3.0, 3.0);
    }
    Ok(())
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

#[wasm_bindgen]
impl Lab {
    /// The canvas pixel of plane point (x, y) in the last drawn view, as `[px, py]` (empty
    /// before the first draw).
    pub fn to_pixel(&self, x: f64, y: f64) -> Box<[f64]> {
        match self.viewport {
            Some(v) => {
                let (px, py) = v.to_pixel(x, y);
                Box::new([px, py])
            }
            None => Box::new([]),
        }
    }

    /// The network's held-out points `[[x1, x2, target], …]` as JSON (`[]` elsewhere).
    pub fn test_points_json(&self) -> String {
        let points = self
            .race
            .runners
            .first()
            .and_then(network_of)
            .map(|m| m.test_points().to_vec())
            .unwrap_or_default();
        serde_json::to_string(&points).unwrap_or_else(|_| "[]".into())
    }
}

/// One snapshot of a network racer: its weights and each layer's gradient norm.
#[derive(Clone, Debug)]
struct NetworkRecord {
    step: u64,
    params: Vec<f64>,
    layer_norms: Vec<f64>,
}

/// Snapshots kept per racer before every other one is dropped.
const HISTORY_CAPACITY: usize = 512;

fn record_network(history: &mut Vec<NetworkRecord>, runner: &Runner, layers: &[usize]) {
    if history.len() >= HISTORY_CAPACITY {
        let mut keep = 0;
        for i in (0..history.len()).step_by(2) {
            history.swap(keep, i);
            keep += 1;
        }
        history.truncate(keep);
    }
    let grad = runner.last_gradient();
    let mut layer_norms = Vec::with_capacity(layers.len().saturating_sub(1));
    let mut offset = 0;
    for pair in layers.windows(2) {
        let size = pair[0] * pair[1] + pair[1];
        let end = (offset + size).min(grad.len());
        layer_norms.push(
            grad[offset.min(end)..end]
                .iter()
                .map(|g| g * g)
                .sum::<f64>()
                .sqrt(),
        );
        offset += size;
    }
    history.push(NetworkRecord {
        step: runner.steps_taken(),
        params: runner.params().to_vec(),
        layer_norms,
    });
}

/// A computed loss landscape around one racer's weights.
struct LandscapeView {
    racer: usize,
    center: Vec<f64>,
    d1: Vec<f64>,
    d2: Vec<f64>,
    range: f64,
    resolution: usize,
    losses: Vec<f64>,
}

/// Grid side of the landscape picture (each point is one pass over the training data).
const LANDSCAPE_RESOLUTION: usize = 41;

#[wasm_bindgen]
impl Lab {
    /// Computes racer `racer`'s loss landscape (Li et al., 2018) around its current weights on
    /// [−1, 1]² of two filter-normalised directions. Returns false when the objective is not a
    /// network.
    pub fn compute_landscape(&mut self, racer: usize) -> bool {
        let Some(runner) = self.race.runners.get(racer) else {
            return false;
        };
        let Some(mlp) = network_of(runner) else {
            return false;
        };
        let center = runner.params().to_vec();
        let (d1, d2) = crate::landscape::filter_normalised_directions(
            mlp.layers(),
            &center,
            self.scenario.seed ^ 0x1A4D,
        );
        let range = 1.0;
        let losses =
            crate::landscape::loss_grid(mlp, &center, (&d1, &d2), range, LANDSCAPE_RESOLUTION);
        self.landscape = Some(LandscapeView {
            racer,
            center,
            d1,
            d2,
            range,
            resolution: LANDSCAPE_RESOLUTION,
            losses,
        });
        true
    }

    /// Draws the computed landscape (log-scaled viridis with contours) and the racer's training
    /// path projected onto its plane, ending at the current weights (the centre).
    pub fn draw_landscape(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let (w, h) = (canvas.width() as usize, canvas.height() as usize);
        context.clear_rect(0.0, 0.0, w as f64, h as f64);
        let Some(view) = &self.landscape else {
            return Ok(());
        };
        let n = view.resolution;
        let (lo, hi) = view
            .losses
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let box_view = ViewBox {
            x_min: -view.range,
            x_max: view.range,
            y_min: -view.range,
            y_max: view.range,
        };
        let mut map = Heatmap::new(w, h);
        // Bilinear interpolation of the coarse grid to the canvas's pixels.
        let sample = |x: f64, y: f64| {
            let gx =
                ((x + view.range) / (2.0 * view.range) * (n - 1) as f64).clamp(0.0, (n - 1) as f64);
            let gy =
                ((view.range - y) / (2.0 * view.range) * (n - 1) as f64).clamp(0.0, (n - 1) as f64);
            let (i, j) = ((gx as usize).min(n - 2), (gy as usize).min(n - 2));
            let (fx, fy) = (gx - i as f64, gy - j as f64);
            let at = |r: usize, c: usize| view.losses[r * n + c];
            (1.0 - fy) * ((1.0 - fx) * at(j, i) + fx * at(j, i + 1))
                + fy * ((1.0 - fx) * at(j + 1, i) + fx * at(j + 1, i + 1))
        };
        if lo.is_finite() && hi > lo {
            map.render(sample, &box_view, ColorScale::Log, &self.colors, true);
            let image = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&map.rgba),
                w as u32,
                h as u32,
            )?;
            context.put_image_data(&image, 0.0, 0.0)?;
        }
        let viewport = Viewport {
            view: box_view,
            left: 0.0,
            top: 0.0,
            width: w as f64,
            height: h as f64,
        };
        let path: Vec<(f64, f64)> = self
            .histories
            .get(view.racer)
            .map(|history| {
                history
                    .iter()
                    .filter_map(|r| {
                        crate::landscape::project(&r.params, &view.center, (&view.d1, &view.d2))
                    })
                    .collect()
            })
            .unwrap_or_default();
        context.set_stroke_style_str(RACER_COLORS[view.racer % RACER_COLORS.len()]);
        context.set_line_width(2.0 * self.dpr);
        context.begin_path();
        for (k, &(a, b)) in path.iter().enumerate() {
            let (px, py) = viewport.to_pixel(a, b);
            let (px, py) = (px.clamp(-1e4, 1e4), py.clamp(-1e4, 1e4));
            if k == 0 {
                context.move_to(px, py);
            } else {
                context.line_to(px, py);
            }
        }
        context.stroke();
        let (cx, cy) = viewport.to_pixel(0.0, 0.0);
        context.set_fill_style_str("#fff");
        context.begin_path();
        context.arc(cx, cy, 4.0 * self.dpr, 0.0, std::f64::consts::TAU)?;
        context.fill();
        Ok(())
    }

    /// Draws each layer's gradient norm against iterations for racer `racer` (log scale): the
    /// picture of vanishing and exploding gradients.
    pub fn draw_layer_norms(
        &self,
        canvas: &HtmlCanvasElement,
        racer: usize,
    ) -> Result<(), JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let Some(history) = self.histories.get(racer) else {
            return Ok(());
        };
        let layers = history.last().map(|r| r.layer_norms.len()).unwrap_or(0);
        if layers == 0 {
            return Ok(());
        }
        let (mut lo, mut hi, mut x_max) = (f64::INFINITY, f64::NEG_INFINITY, 1.0f64);
        for record in history {
            x_max = x_max.max(record.step as f64);
            for &v in record
                .layer_norms
                .iter()
                .filter(|v| v.is_finite() && **v > 0.0)
            {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !(lo.is_finite() && hi.is_finite()) {
            (lo, hi) = (1e-3, 1.0);
        }
        let dpr = self.dpr;
        let font = (11.0 * dpr).round() as u32;
        let low = libm::log10(lo).floor();
        let high = libm::log10(hi).ceil().max(low + 1.0);
        let mut chart = ChartBuilder::on(&root)
            .margin((6.0 * dpr) as u32)
            .x_label_area_size((34.0 * dpr) as u32)
            .y_label_area_size((48.0 * dpr) as u32)
            .build_cartesian_2d(
                0.0..x_max,
                (libm::pow(10f64, low)..libm::pow(10f64, high)).log_scale(),
            )
            .map_err(js_error)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(235, 235, 240))
            .x_desc("iterations")
            .y_desc("‖∇ layer‖")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| log_tick_label(*v, high - low))
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        for layer in 0..layers {
            let [r, g, b] = self.colors.at(if layers > 1 {
                layer as f64 / (layers - 1) as f64 * 0.85
            } else {
                0.0
            });
            let points = history.iter().filter(|r| r.step > 0).filter_map(|r| {
                r.layer_norms
                    .get(layer)
                    .copied()
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .map(|v| (r.step as f64, v))
            });
            chart
                .draw_series(LineSeries::new(
                    points,
                    ShapeStyle::from(&RGBColor(r, g, b)).stroke_width((2.0 * dpr).round() as u32),
                ))
                .map_err(js_error)?;
        }
        root.present().map_err(js_error)?;
        Ok(())
    }

    /// For a classifier: train and test confusion matrices of racer `racer` and its last
    /// per-layer gradient norms, as JSON (`null` for other objectives).
    pub fn metrics_json(&self, racer: usize) -> String {
        let Some(runner) = self.race.runners.get(racer) else {
            return "null".into();
        };
        let Some(mlp) = network_of(runner) else {
            return "null".into();
        };
        let params = runner.params();
        let layer_norms = self
            .histories
            .get(racer)
            .and_then(|h| h.last())
            .map(|r| r.layer_norms.clone());
        json!({
            "train": crate::objective::metrics::confusion_matrix(mlp, params, false),
            "test": crate::objective::metrics::confusion_matrix(mlp, params, true),
            "layer_norms": layer_norms,
        })
        .to_string()
    }
}

/// Where the loss chart was drawn, so a mouse pixel maps back to a point of a curve.
struct ChartView {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    x_max: f64,
    /// Whether the y axis is logarithmic.
    log: bool,
    /// The y axis' ends: their log₁₀ on a log axis, the values themselves on a linear one.
    y_low: f64,
    y_high: f64,
    offset: f64,
    axis: String,
}

#[wasm_bindgen]
impl Lab {
    /// The loss chart's y axis as last drawn: `"log"` (of loss, or of loss − minimum where the
    /// minimum is known), `"linear"` (a function reaching zero or below with no known minimum),
    /// or `""` before the first draw.
    pub fn chart_scale(&self) -> String {
        match &self.chart_view {
            Some(view) if view.log => "log".into(),
            Some(_) => "linear".into(),
            None => String::new(),
        }
    }

    /// The recorded point of any racer's training-loss curve nearest to chart pixel (px, py)
    /// within 12 px, as JSON `{racer, name, step, epoch, samples, loss}`; `null` elsewhere.
    pub fn pick_chart(&self, px: f64, py: f64) -> String {
        let Some(view) = &self.chart_view else {
            return "null".into();
        };
        let best = self.nearest_trail_point(px, py, 12.0 * self.dpr, |p| {
            let x = match view.axis.as_str() {
                "epochs" => p.epoch,
                "samples" => p.samples as f64,
                _ => p.step as f64,
            };
            let y = p.loss - view.offset;
            let y = if view.log {
                libm::log10(y.max(1e-16))
            } else {
                y
            };
            (y.is_finite() && x.is_finite()).then(|| {
                (
                    view.left + x / view.x_max * view.width,
                    view.top + (view.y_high - y) / (view.y_high - view.y_low) * view.height,
                )
            })
        });
        match best {
            Some((index, p)) => json!({
                "racer": index,
                "name": self.race.runners.get(index).map(|r| r.optimizer().name()),
                "step": p.step, "epoch": p.epoch, "samples": p.samples, "loss": finite_or_null(p.loss),
            })
            .to_string(),
            None => "null".into(),
        }
    }
}

/// Step budget per learning rate when tuning from the page (the scenario's own budget, capped
/// so that a tune of every racer finishes in seconds).
const TUNE_MAX_STEPS: u64 = 3000;

/// "Tune learning rates": one [`crate::tune::Tuner`] per racer over the default log grid
/// (3 per decade, 1e-4 … 10), advanced a budget of steps at a time so the page never freezes.
#[wasm_bindgen]
pub struct TuneJob {
    tuners: Vec<crate::tune::Tuner>,
    current: usize,
}

#[wasm_bindgen]
impl Lab {
    /// Starts tuning every racer of the current scenario on the same start, batches and a step
    /// budget of min(steps, 3000).
    pub fn start_tuning(&self) -> Result<TuneJob, JsValue> {
        let mut scenario = self.scenario.clone();
        scenario.steps = scenario.steps.min(TUNE_MAX_STEPS);
        let grid = crate::tune::default_grid();
        let tuners = (0..self.race.runners.len())
            .map(|racer| crate::tune::Tuner::new(&scenario, &grid, racer))
            .collect::<Result<Vec<_>, _>>()
            .map_err(js_error)?;
        Ok(TuneJob { tuners, current: 0 })
    }
}

#[wasm_bindgen]
impl TuneJob {
    /// Advances by up to `budget` optimizer steps; returns the overall fraction done (0 … 1).
    pub fn step(&mut self, budget: u32) -> f64 {
        if let Some(tuner) = self.tuners.get_mut(self.current) {
            tuner.step(u64::from(budget.max(1)));
            if tuner.is_done() {
                self.current += 1;
            }
        }
        let total = self.tuners.len().max(1) as f64;
        let partial = self
            .tuners
            .get(self.current)
            .map(|t| t.progress().fraction)
            .unwrap_or(0.0);
        ((self.current as f64 + partial) / total).min(1.0)
    }

    /// Whether every racer is tuned.
    pub fn is_done(&self) -> bool {
        self.current >= self.tuners.len()
    }

    /// Each racer's grid results and best learning rate, as a JSON array.
    pub fn result_json(&self) -> String {
        let results: Vec<_> = self.tuners.iter().map(crate::tune::Tuner::result).collect();
        serde_json::to_string(&results).unwrap_or_else(|_| "[]".into())
    }
}

/// Parses pasted CSV into the JSON `points` of a scenario (`kind`: `classification`,
/// `regression1d` or `regression2d`); a refusal names the row and column.
#[wasm_bindgen]
pub fn csv_points(text: &str, kind: &str) -> Result<String, JsValue> {
    crate::data::csv::csv_to_points_json(text, kind).map_err(js_error)
}
