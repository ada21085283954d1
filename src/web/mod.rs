//! The surface and network labs' `#[wasm_bindgen]` facade: a thin layer over the core for the
//! page. Feature `lab` is the first screen's part (the surface lab, the reading of every
//! scenario); feature `full` adds the network lab (`network`), the 3-D view (`surface3d`), the
//! learning-rate tuner (`tune`) and the reader of pasted CSV ([`csv_points`]), in the whole page's
//! module, which the page fetches when one of those is first used (www/labs.js). The digits lab has its own, [`crate::web_digits`], in a
//! module of its own that the page loads when that lab first opens; all share
//! [`crate::web_common`].
//!
//! Long-lived state lives here behind one opaque handle ([`Lab`]); JavaScript owns the animation
//! loop and the DOM, calls a few methods and gets back small results (numbers, short JSON
//! strings). Every entry point returns `Result<_, JsValue>` with a sentence or a safe default, and
//! never panics on what the page passes in. Pictures are computed by [`crate::render`] and put on
//! the canvases here.
//!
//! This file holds the handle, its lifecycle (load, advance, reset, state) and the small entry
//! points; the pictures are split by what they show: `surface` (heat map, trails, markers, noise
//! cloud, inset), `charts` (loss chart and per-layer gradient norms), `datasets` (the data sets'
//! list and thumbnails), `network` (decision boundary, diagram, landscape, metrics), `surface3d`
//! and `camera` (the 3-D view) and `tune` (learning-rate tuning).

use crate::objective::model::Points;
use crate::objective::surfaces::ViewBox;
use crate::render::colormap::ColorMap;
use crate::render::heatmap::{ColorScale, Heatmap};
use crate::render::viewport::Viewport;
use crate::run::{Runner, Status};
use crate::session::chart::ChartScale;
use crate::session::view::{racer_color, RACER_RGB};
use crate::session::Session;
use crate::trail::{Drawn, NewPoints, TrailPoint};
use crate::url_state;
use crate::web_common::{js_error, refusal, to_json};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

mod camera;
mod charts;
#[cfg(feature = "full")]
mod datasets;
#[cfg(feature = "full")]
mod network;
mod surface;
#[cfg(feature = "full")]
mod surface3d;
#[cfg(feature = "full")]
mod tune;
mod words;

pub use camera::{camera_from_text, clamp_camera};
use charts::*;
#[cfg(feature = "full")]
pub use datasets::{dataset_catalog, draw_dataset_thumbnail, fit_network_outputs};
#[cfg(feature = "full")]
use network::*;
#[cfg(feature = "full")]
pub use tune::TuneJob;
use words::CanvasWords;

/// The axes' typeface, named by variant: a family given as text is matched through
/// `str::to_lowercase` (Unicode case tables and all), which this saves the wasm from carrying.
const SANS: FontFamily<'static> = FontFamily::SansSerif;

fn racer_rgb(index: usize) -> RGBColor {
    let [r, g, b] = RACER_RGB[index % RACER_RGB.len()];
    RGBColor(r, g, b)
}

/// Gradients in the batch-noise cloud.
const CLOUD_SIZE: usize = 64;

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| js_error("the canvas has no 2-D context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| js_error("the canvas context is not 2-D"))
}

/// The canvas kept in `slot`, made (outside the document) the first time.
pub(super) fn offscreen_canvas(
    slot: &mut Option<HtmlCanvasElement>,
) -> Result<HtmlCanvasElement, JsValue> {
    if let Some(canvas) = slot {
        return Ok(canvas.clone());
    }
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| js_error("no document"))?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")?
        .dyn_into()
        .map_err(|_| js_error("not a canvas"))?;
    *slot = Some(canvas.clone());
    Ok(canvas)
}

fn plotters_area(canvas: &HtmlCanvasElement) -> Result<DrawingArea<CanvasBackend, Shift>, JsValue> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| js_error("plotters cannot draw on this canvas"))?;
    Ok(backend.into_drawing_area())
}

/// The batch-noise cloud and the last batch's contours, each drawn on a canvas of its own a few
/// times a second and copied onto the markers every frame: the racer's point (in pixels) the
/// cloud was drawn around, and how far from it the cloud reaches, so that a frame copies that
/// square alone (a copy of the whole canvas, or the contours' dashes stroked afresh, cost a
/// playing frame more than all the rest of the markers).
#[derive(Default)]
struct CloudLayer {
    layer: Option<HtmlCanvasElement>,
    contours: Option<HtmlCanvasElement>,
    origin: Option<(f64, f64)>,
    reach: f64,
}

/// The lab: a [`Session`] (the scenario, its racers and their histories) and the buffers and
/// geometry its pictures come from.
#[wasm_bindgen]
pub struct Lab {
    session: Session,
    /// Per racer: how much of its trail the trails canvas shows.
    drawn: Vec<Drawn>,
    viewport: Option<Viewport>,
    colors: ColorMap,
    heatmap: Heatmap,
    #[cfg(feature = "full")]
    boundary: BoundaryBuffers,
    /// The batch-noise cloud as last drawn, kept between a run's frames.
    cloud: CloudLayer,
    /// The loss chart's scale and plotting area as last drawn, for picking a point of a curve.
    chart: Option<(ChartScale, Viewport)>,
    /// Canvas pixels per drawing unit: the device pixel ratio, times the enlargement of
    /// presenter mode. Type, strokes, markers and margins scale with it; pixel ↔ plane mapping
    /// does not (the page converts pointer positions to canvas pixels itself).
    dpr: f64,
    /// The words drawn on the canvases, in the page's language ([`Lab::set_words`]).
    words: CanvasWords,
    /// The 3-D view's mesh as last drawn, which the paths are lifted onto and hidden behind.
    #[cfg(feature = "full")]
    mesh3d: Option<surface3d::Mesh3d>,
    /// What the 3-D view's paths canvas shows.
    #[cfg(feature = "full")]
    paths3d: surface3d::Paths3d,
    /// The 3-D view's terrain, kept while only the camera moves.
    #[cfg(feature = "full")]
    terrain3d: Option<surface3d::Terrain3d>,
}

#[wasm_bindgen]
impl Lab {
    /// A lab on the scenario in a URL query string; parameters that do not parse are ignored
    /// (see [`Lab::ignored_json`]) and the page opens all the same.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Lab {
        let session = Session::open(query);
        Lab {
            drawn: vec![Drawn::default(); session.trails().len()],
            session,
            viewport: None,
            colors: ColorMap::viridis(),
            heatmap: Heatmap::new(1, 1),
            #[cfg(feature = "full")]
            boundary: BoundaryBuffers::default(),
            cloud: CloudLayer::default(),
            chart: None,
            dpr: 1.0,
            words: CanvasWords::default(),
            #[cfg(feature = "full")]
            mesh3d: None,
            #[cfg(feature = "full")]
            paths3d: Default::default(),
            #[cfg(feature = "full")]
            terrain3d: None,
        }
    }

    /// What the URL asked for and the lab ignored, as a JSON array of
    /// `{"key","why",…,"sentence"}`: the parameter, why as data for the page to word
    /// ([`crate::url_state::Ignored`]), and the English sentence (for the embed API).
    pub fn ignored_json(&self) -> String {
        crate::web_common::ignored_json(self.session.ignored())
    }

    /// The scenario as JSON (the page edits it and hands it back to [`Lab::load`]).
    pub fn scenario_json(&self) -> String {
        self.session.scenario().to_json()
    }

    /// The scenario as a URL query string (without `?`).
    pub fn query(&self) -> String {
        url_state::to_query(self.session.scenario())
    }

    /// Replaces the scenario (from the page's controls) and restarts the race. On a refusal the
    /// lab keeps its current scenario and the error names the field and the accepted range.
    pub fn load(&mut self, scenario_json: &str) -> Result<(), JsValue> {
        self.session.load(scenario_json).map_err(refusal)?;
        self.restarted();
        Ok(())
    }

    /// Whether the objective (and so the heat map) differs from the one in `scenario_json`.
    pub fn objective_differs(&self, scenario_json: &str) -> bool {
        self.session.objective_differs(scenario_json)
    }

    /// Back to the start: every racer's parameters, optimizer state and batch order.
    pub fn reset(&mut self) {
        self.session.reset();
        self.restarted();
    }

    /// Runs up to `steps` updates on every racer still running (within the scenario's step
    /// budget). Returns how many racers are still running afterwards.
    pub fn advance(&mut self, steps: u32) -> u32 {
        self.session.advance(steps)
    }

    /// Racers still running within the step budget.
    pub fn running_count(&self) -> u32 {
        self.session.running_count()
    }

    /// Steps taken by the furthest racer.
    pub fn steps_taken(&self) -> f64 {
        self.session.steps_taken() as f64
    }

    /// Everything the controls, legend and readouts show, as JSON ([`Session::state`]).
    pub fn state_json(&self) -> String {
        to_json(&self.session.state(), "null")
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

    /// The last update of racer `index`, written out with its numbers, as JSON
    /// ([`Session::explain`]; `null` for no such racer).
    pub fn explain_json(&self, index: usize) -> String {
        to_json(&self.session.explain(index), "null")
    }

    /// Line search `index` (0-based; the last where absent) of racer `racer`'s last step as
    /// JSON ([`Session::line_search`]): `null` unless it is L-BFGS with a strong-Wolfe line
    /// search and has taken a step.
    ///
    /// [`Session::line_search`]: crate::session::Session::line_search
    pub fn line_search_json(&self, racer: usize, index: Option<u32>) -> String {
        to_json(
            &self.session.line_search(racer, index.map(|i| i as usize)),
            "null",
        )
    }

    /// Racer `racer`'s last update in one dimension as JSON ([`Session::step_slice`]): `null`
    /// before its first update.
    ///
    /// [`Session::step_slice`]: crate::session::Session::step_slice
    pub fn step_slice_json(&self, racer: usize) -> String {
        to_json(&self.session.step_slice(racer), "null")
    }

    /// For the rotated quadratic, the momentum lesson's numbers (critical and best learning
    /// rates, optimal momentum, predicted and measured rates per racer), as JSON; `null`
    /// elsewhere ([`Session::theory`]).
    pub fn theory_json(&self) -> String {
        to_json(&self.session.theory(), "null")
    }

    /// Every racer's recorded trail as CSV (header line first): racer, optimizer, step, epoch,
    /// samples, loss, test_loss, x, y — the trajectories behind the pictures.
    pub fn trajectories_csv(&self) -> String {
        self.session.trajectories_csv()
    }
}

impl Lab {
    /// After the race restarted: nothing of the new trails is drawn yet.
    fn restarted(&mut self) {
        self.drawn = vec![Drawn::default(); self.session.trails().len()];
    }
}

/// The optimizers the page offers, as JSON `[{"name","title","lr"}]`
/// ([`crate::session::catalog::optimizers`]).
#[wasm_bindgen]
pub fn optimizer_catalog() -> String {
    to_json(&crate::session::catalog::optimizers(), "[]")
}

/// The objectives the Surface control offers, as JSON `[{"name","title"}]`
/// ([`crate::session::catalog::surfaces`]).
#[wasm_bindgen]
pub fn surface_catalog() -> String {
    to_json(&crate::session::catalog::surfaces(), "[]")
}

/// The scenario a URL query string names, as JSON ([`Lab::scenario_json`]'s form), read without
/// building its race: for a query known to build (a lesson's), which [`Lab::load`] then builds
/// once. Parameters that do not parse are left at their defaults, as [`Lab::new`] leaves them.
#[wasm_bindgen]
pub fn scenario_json_of_query(query: &str) -> String {
    url_state::from_query(query).scenario.to_json()
}

/// [`crate::run::trace_digest`] of a scenario, as 16 hex digits (for the replay tests, which
/// build every feature: the page's first screen does not carry it).
#[cfg(feature = "full")]
#[wasm_bindgen]
pub fn trace_digest(scenario_json: &str) -> Result<String, JsValue> {
    let scenario = crate::scenario::Scenario::from_json(scenario_json).map_err(js_error)?;
    let digest = crate::run::trace_digest(&scenario).map_err(js_error)?;
    Ok(format!("{digest:016x}"))
}

/// Parses pasted CSV into the JSON `points` of a scenario (`kind`: `classification`,
/// `regression1d` or `regression2d`); a refusal names the row and column.
/// A refusal is a JavaScript `Error` (the CLI's sentence) whose `csv` property holds the
/// [`crate::data::csv::CsvError`] as data, which the page words (www/messages.js).
#[cfg(feature = "full")]
#[wasm_bindgen]
pub fn csv_points(text: &str, kind: &str) -> Result<String, JsValue> {
    let Some(kind) = crate::data::csv::kind_from_name(kind) else {
        return crate::data::csv::csv_to_points_json(text, kind).map_err(js_error);
    };
    crate::data::csv::points_json(text, kind).map_err(|error| {
        use crate::data::csv;
        let js = js_sys::Error::new(&error.message);
        let mut data = crate::scenario::json_value(&error);
        if let Some(object) = data.as_object_mut() {
            // What points of this kind take, for the sentence.
            let most = match error.kind {
                csv::CsvErrorKind::TooManyRows => csv::MAX_ROWS,
                _ => crate::data::datasets::MAX_CLASSES - 1,
            };
            object.insert("columns".into(), csv::columns(kind).into());
            object.insert("header".into(), csv::header(kind).into());
            object.insert("example".into(), csv::example(kind).into());
            object.insert("most".into(), most.into());
        }
        let data = js_sys::JSON::parse(&data.to_string()).unwrap_or(JsValue::NULL);
        // Setting a property on a fresh Error cannot fail; the sentence stands alone if it did.
        let _ = js_sys::Reflect::set(&js, &"csv".into(), &data);
        js.into()
    })
}

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
        let (x_span, y_span) = (view.x_max - view.x_min, view.y_max - view.y_min);
        let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
        // At most one tick label per five font sizes of width ("−0.8" and a gap): ten on a
        // laptop's stage, five on a phone's, where eleven ran into each other.
        let x_labels = ((x_pixels.end - x_pixels.start) as f64 / (5.0 * f64::from(font)))
            .floor()
            .clamp(3.0, 10.0) as usize;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(x_labels)
            .x_label_formatter(&|v| plane_tick_label(*v, x_span))
            .y_label_formatter(&|v| plane_tick_label(*v, y_span))
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
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

/// The label of tick `v` on a plane's axis spanning `span`: plotters' own, except that a tick
/// within rounding of zero reads 0.0 (not −0.0) and a negative one starts with a minus sign.
fn plane_tick_label(v: f64, span: f64) -> String {
    let v = if v.abs() <= 1e-9 * span.abs() { 0.0 } else { v };
    let label = <plotters::coord::types::RangedCoordf64 as ValueFormatter<f64>>::format(&v);
    match label.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => label,
    }
}

/// An arrowhead in `color` with a dark outline, its tip at `tip`, pointing along the unit vector
/// `toward` (pixels, y down): a racer that has left the plot, shown on its edge the way it went.
fn draw_arrowhead(
    context: &CanvasRenderingContext2d,
    tip: (f64, f64),
    toward: (f64, f64),
    color: &str,
    dpr: f64,
) -> Result<(), JsValue> {
    let (length, half_width) = (14.0 * dpr, 7.0 * dpr);
    let base = (tip.0 - toward.0 * length, tip.1 - toward.1 * length);
    let across = (-toward.1 * half_width, toward.0 * half_width);
    context.set_fill_style_str(color);
    context.set_stroke_style_str("#000");
    context.set_line_width(1.5 * dpr);
    context.begin_path();
    context.move_to(tip.0, tip.1);
    context.line_to(base.0 + across.0, base.1 + across.1);
    context.line_to(base.0 - across.0, base.1 - across.1);
    context.close_path();
    context.fill();
    context.stroke();
    Ok(())
}

/// A racer's current point: a disc of its `color`, outlined in black, at canvas pixel `at`.
fn draw_point(
    context: &CanvasRenderingContext2d,
    (x, y): (f64, f64),
    color: &str,
    dpr: f64,
) -> Result<(), JsValue> {
    context.set_fill_style_str(color);
    context.set_stroke_style_str("#000");
    context.set_line_width(1.5 * dpr);
    context.begin_path();
    context.arc(x, y, 5.0 * dpr, 0.0, std::f64::consts::TAU)?;
    context.fill();
    context.stroke();
    Ok(())
}
