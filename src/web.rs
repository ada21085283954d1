//! The only `#[wasm_bindgen]` module: a thin facade over the core for the page.
//!
//! Long-lived state lives here behind one opaque handle ([`Lab`]); JavaScript owns the animation
//! loop and the DOM, calls a few methods and gets back small results. Every entry point returns
//! `Result<_, JsValue>` with a sentence, never panics on what the page passes in.

use crate::objective::surfaces::{Surface, SurfaceSpec, ViewBox};
use crate::render::colormap::ColorMap;
use crate::render::heatmap::{ColorScale, Heatmap};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Installs the panic hook so any bug shows as a console error (and the page's banner) instead of
/// an opaque `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn js_error(message: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&message.to_string())
}

/// The lab: the surface on screen and the buffers its pictures are drawn from.
#[wasm_bindgen]
pub struct Lab {
    surface: SurfaceSpec,
    view: ViewBox,
    colors: ColorMap,
    heatmap: Heatmap,
}

#[wasm_bindgen]
impl Lab {
    /// A lab on the surface described by `surface_json` (e.g. `{"name":"rosenbrock"}`).
    #[wasm_bindgen(constructor)]
    pub fn new(surface_json: &str) -> Result<Lab, JsValue> {
        let surface: SurfaceSpec =
            serde_json::from_str(surface_json).map_err(|e| js_error(format!("surface: {e}")))?;
        surface.validate().map_err(js_error)?;
        Ok(Lab {
            view: surface.view_box(),
            surface,
            colors: ColorMap::viridis(),
            heatmap: Heatmap::new(1, 1),
        })
    }

    /// The surface's name, as in scenarios.
    pub fn surface_name(&self) -> String {
        self.surface.name().to_string()
    }

    /// Draws the heat map with axes and the known minima onto `canvas`, at its pixel size.
    pub fn draw_surface(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let context = canvas
            .get_context("2d")?
            .ok_or_else(|| js_error("the canvas has no 2-D context"))?
            .dyn_into::<CanvasRenderingContext2d>()?;
        let backend = CanvasBackend::with_canvas_object(canvas.clone())
            .ok_or_else(|| js_error("plotters cannot draw on this canvas"))?;
        let root = backend.into_drawing_area();
        root.fill(&WHITE).map_err(js_error)?;
        let view = self.view;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(view.x_min..view.x_max, view.y_min..view.y_max)
            .map_err(js_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x")
            .y_desc("y")
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(js_error)?;
        let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
        let (width, height) = (
            (x_pixels.end - x_pixels.start).max(1) as usize,
            (y_pixels.end - y_pixels.start).max(1) as usize,
        );
        if self.heatmap.width != width || self.heatmap.height != height {
            self.heatmap = Heatmap::new(width, height);
        }
        let surface = &self.surface;
        let scale = if surface.log_scale() {
            ColorScale::Log
        } else {
            ColorScale::Linear
        };
        self.heatmap
            .render(|x, y| surface.value(x, y), &view, scale, &self.colors, true);
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.heatmap.rgba),
            width as u32,
            height as u32,
        )?;
        context.put_image_data(&image, x_pixels.start as f64, y_pixels.start as f64)?;
        let minima = surface.minima();
        chart
            .draw_series(
                minima
                    .iter()
                    .map(|m| Cross::new((m[0], m[1]), 6, ShapeStyle::from(&WHITE).stroke_width(2))),
            )
            .map_err(js_error)?;
        root.present().map_err(js_error)?;
        Ok(())
    }
}
