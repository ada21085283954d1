//! The network lab (feature `full`): the decision boundary, the network diagram, the weight
//! history, the loss landscape and the classification metrics.

use super::*;
use crate::objective::mlp::{Activation, MlpLoss};
use crate::render::colormap::{class_css, class_region, CLASS_PALETTE};
use crate::render::dots::{draw_dot, Dot};
use crate::session::network::is_near_zero;

/// Reused buffers of the decision-boundary picture (no allocation per frame).
#[derive(Default)]
pub(super) struct BoundaryBuffers {
    pub(super) xs: Vec<f64>,
    pub(super) ys: Vec<f64>,
    pub(super) values: Vec<f64>,
    pub(super) rgba: Vec<u8>,
    pub(super) classes: Vec<u8>,
    /// The data points drawn on a transparent canvas the size of the stage, then over the axes.
    pub(super) points: Option<HtmlCanvasElement>,
    /// The points layer's pixels.
    pub(super) dots: Vec<u8>,
    /// Where the last full drawing put the plotting area.
    pub(super) drawn: Option<Viewport>,
}

/// The largest side of the grid the network is evaluated on; the browser enlarges the picture
/// smoothly to the plotting area.
pub(super) const BOUNDARY_GRID: usize = 200;
/// The side while a run plays ([`Lab::redraw_boundary`] with `coarse`): a quarter of the work,
/// and TensorFlow Playground's own density (`DENSITY = 100` in its playground.ts). The picture a
/// run stops on is drawn at [`BOUNDARY_GRID`].
pub(super) const PLAYING_GRID: usize = 100;

#[wasm_bindgen]
impl Lab {
    /// Whether the scenario trains a network (the network lab's view).
    pub fn is_network(&self) -> bool {
        self.session.is_network()
    }

    /// The network lab's default scenario as JSON: TensorFlow Playground's 2-4-2-1 tanh network
    /// on the circle, trained by SGD with momentum in batches of 10.
    pub fn network_default_json() -> String {
        url_state::network_default().to_json()
    }

    /// Draws racer `selected`'s decision boundary (two classes: the probability of class 1 on a
    /// red–white–blue scale; `ce`: the predicted class's colour, lighter where its probability
    /// is lower ([`class_region`]); regression: the output on viridis) with axes and the data
    /// points in their class's colour — training points filled, test points white. The axes
    /// and points go on `canvas`, whose plotting area is left clear; the boundary goes on
    /// `boundary`, one pixel per grid cell, which the page lays under that area
    /// ([`Lab::plot_area`]) and the browser enlarges smoothly.
    pub fn draw_boundary(
        &mut self,
        canvas: &HtmlCanvasElement,
        boundary: &HtmlCanvasElement,
        selected: usize,
    ) -> Result<(), JsValue> {
        let Some((_, mlp)) = self.session.selected_network(selected) else {
            return Ok(());
        };
        let view = crate::session::network::data_view(mlp);
        let viewport = self.draw_plane_axes(canvas, view, "x₁", "x₂")?;
        self.viewport = Some(viewport);
        context_2d(canvas)?.clear_rect(
            viewport.left,
            viewport.top,
            viewport.width,
            viewport.height,
        );
        self.draw_points_layer(canvas, selected, viewport)?;
        self.boundary.drawn = Some(viewport);
        self.redraw_boundary(boundary, selected, false)
    }

    /// The plotting area of the last [`Lab::draw_boundary`] or surface, in canvas pixels:
    /// `[left, top, width, height]`; empty before the first.
    pub fn plot_area(&self) -> Vec<f64> {
        self.viewport
            .map(|v| vec![v.left, v.top, v.width, v.height])
            .unwrap_or_default()
    }

    /// Draws racer `selected`'s current boundary on `boundary` alone (the axes and the points
    /// stay as [`Lab::draw_boundary`] drew them): one small picture and one call across to the
    /// browser for each frame of a run; `coarse` evaluates the network on the smaller grid
    /// (100²). Nothing before the first [`Lab::draw_boundary`] of the current plotting area.
    pub fn redraw_boundary(
        &mut self,
        boundary: &HtmlCanvasElement,
        selected: usize,
        coarse: bool,
    ) -> Result<(), JsValue> {
        let Some(viewport) = self.boundary.drawn.filter(|v| self.viewport == Some(*v)) else {
            return Ok(());
        };
        let Some((runner, mlp)) = self.session.selected_network(selected) else {
            return Ok(());
        };
        let Viewport {
            view,
            width,
            height,
            ..
        } = viewport;

        // Evaluate on a grid of pixel centres, then colour.
        let side = if coarse { PLAYING_GRID } else { BOUNDARY_GRID };
        let grid_w = side.min(width as usize).max(2);
        let grid_h = ((grid_w as f64) * height / width)
            .round()
            .clamp(2.0, side as f64) as usize;
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
        let classifier = mlp.has_labels() && mlp.is_classifier();
        let classes = mlp.classes();
        let multiclass = classifier && mlp.spec().loss == MlpLoss::Ce;
        if multiclass {
            buffers.classes.resize(grid_w * grid_h, 0);
            mlp.predict_grid_classes(
                runner.params(),
                &buffers.xs,
                &buffers.ys,
                &mut buffers.classes,
                &mut buffers.values,
            );
        } else {
            mlp.predict_grid(
                runner.params(),
                &buffers.xs,
                &buffers.ys,
                &mut buffers.values,
            );
        }
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
        if multiclass {
            // The predicted class's colour, lighter where its probability is lower.
            let cells = buffers.values.iter().zip(&buffers.classes);
            for ((p, class), pixel) in cells.zip(buffers.rgba.chunks_exact_mut(4)) {
                let [r, g, b] = class_region(usize::from(*class), *p, classes);
                pixel.copy_from_slice(&[r, g, b, 255]);
            }
        } else {
            for (value, pixel) in buffers.values.iter().zip(buffers.rgba.chunks_exact_mut(4)) {
                let t = (value - t_min) / (t_max - t_min);
                let [r, g, b] = if classifier {
                    // Two classes as many are drawn: class 1's colour where p(1) > ½, class
                    // 0's below, white at chance — the colours the points have.
                    let class = usize::from(*value >= 0.5);
                    class_region(class, value.max(1.0 - value), 2)
                } else {
                    // Lighten toward white so the data points stand out.
                    let lift = |c: u8| (c as f64 * 0.7 + 255.0 * 0.3) as u8;
                    self.colors.at(t).map(lift)
                };
                pixel.copy_from_slice(&[r, g, b, 255]);
            }
        }
        if boundary.width() != grid_w as u32 || boundary.height() != grid_h as u32 {
            boundary.set_width(grid_w as u32);
            boundary.set_height(grid_h as u32);
        }
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&buffers.rgba),
            grid_w as u32,
            grid_h as u32,
        )?;
        context_2d(boundary)?.put_image_data(&image, 0.0, 0.0)
    }

    /// The data points of racer `selected`'s data on the points layer (sized to `canvas`):
    /// training points filled and ringed dark, test points white and ringed in their class's
    /// colour — rasterised here ([`draw_dot`]) and sent as one picture.
    fn draw_points_layer(
        &mut self,
        canvas: &HtmlCanvasElement,
        selected: usize,
        viewport: Viewport,
    ) -> Result<(), JsValue> {
        let Some((_, mlp)) = self.session.selected_network(selected) else {
            return Ok(());
        };
        let (w, h) = (canvas.width(), canvas.height());
        let layer = offscreen_canvas(&mut self.boundary.points)?;
        if (layer.width(), layer.height()) != (w, h) {
            layer.set_width(w);
            layer.set_height(h);
        }
        let classifier = mlp.has_labels() && mlp.is_classifier();
        let pixels = &mut self.boundary.dots;
        pixels.clear();
        pixels.resize(w as usize * h as usize * 4, 0);
        const WHITE: [u8; 3] = [255, 255, 255];
        const GREY: [u8; 3] = [0x33, 0x33, 0x33];
        // A training point's ring is dark: with a white one, a dot on a region of its own
        // colour (a trained map at certainty) read as a white ring around nothing, as hollow as
        // a test point.
        const DARK: [u8; 3] = [0x22, 0x22, 0x22];
        for (points, hollow) in [(mlp.train_points(), false), (mlp.test_points(), true)] {
            for p in points {
                let colour = if classifier {
                    CLASS_PALETTE[p[2] as usize % CLASS_PALETTE.len()]
                } else {
                    GREY
                };
                let (fill, ring) = if hollow {
                    (WHITE, colour)
                } else {
                    (colour, DARK)
                };
                let dot = Dot {
                    fill,
                    ring,
                    radius: 3.2 * self.dpr,
                    ring_width: 1.2 * self.dpr,
                };
                let (px, py) = viewport.to_pixel(p[0], p[1]);
                draw_dot(pixels, w as usize, h as usize, (px, py), &dot);
            }
        }
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), w, h)?;
        context_2d(&layer)?.put_image_data(&image, 0.0, 0.0)?;
        // Points past the plotting area's edge overlap the axes: drawn there once, with them.
        context_2d(canvas)?.draw_image_with_html_canvas_element(&layer, 0.0, 0.0)?;
        Ok(())
    }

    /// Draws racer `selected`'s network: a column of nodes per layer, links coloured by the sign
    /// of their weight (blue positive, red negative) and as thick as its magnitude; a weight near
    /// zero ([`is_near_zero`]) faint grey and hairline; a `ce` network's k outputs filled with
    /// their classes' colours, "softmax" under them.
    pub fn draw_network(&self, canvas: &HtmlCanvasElement, selected: usize) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let (w, h) = (canvas.width() as f64, canvas.height() as f64);
        context.clear_rect(0.0, 0.0, w, h);
        let Some((runner, mlp)) = self.session.selected_network(selected) else {
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
                    // A weight near zero (what L1 drives there) is drawn faint and hairline.
                    let faint = is_near_zero(weight);
                    context.set_stroke_style_str(match (weight >= 0.0, faint) {
                        (_, true) => "rgba(120,120,120,0.25)",
                        (true, false) => "rgba(31,95,168,0.85)",
                        (false, false) => "rgba(192,57,43,0.85)",
                    });
                    let width = if faint { 0.6 } else { 0.4 + 4.0 * strength };
                    context.set_line_width(width * dpr);
                    context.begin_path();
                    context.move_to(column(l), row(l, i));
                    context.line_to(column(l + 1), row(l + 1, o));
                    context.stroke();
                }
            }
            offset += fan_in * fan_out + fan_out;
        }
        // A ce network's outputs are its classes' logits: each in its class's colour.
        let multiclass = mlp.spec().loss == MlpLoss::Ce;
        for (l, &units) in layers.iter().enumerate() {
            for i in 0..units {
                context.begin_path();
                context.arc(column(l), row(l, i), 6.0 * dpr, 0.0, std::f64::consts::TAU)?;
                if multiclass && l + 1 == layers.len() {
                    context.set_fill_style_str(&class_css(i));
                } else {
                    context.set_fill_style_str("#fff");
                }
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
        if multiclass {
            // Right-aligned under the output column, so the word stays inside the canvas.
            context.set_text_align("right");
            context.fill_text("softmax", w - 2.0 * dpr, h - 4.0 * dpr)?;
        }
        Ok(())
    }
}

#[wasm_bindgen]
impl Lab {
    /// The network's held-out points `[[x1, x2, target], …]` as JSON (`[]` elsewhere).
    pub fn test_points_json(&self) -> String {
        let points = self
            .session
            .selected_network(0)
            .map(|(_, mlp)| mlp.test_points())
            .unwrap_or_default();
        to_json(&points, "[]")
    }
}

#[wasm_bindgen]
impl Lab {
    /// Starts racer `racer`'s loss landscape (Li et al., 2018) around its current weights on
    /// [−1, 1]² of two filter-normalised directions; [`Lab::continue_landscape`] computes it a
    /// few rows at a time. Returns false when the objective is not a network.
    pub fn start_landscape(&mut self, racer: usize) -> bool {
        self.session.start_landscape(racer)
    }

    /// Computes up to `rows` more rows of the landscape started last; returns the fraction done
    /// (1: ready to draw).
    pub fn continue_landscape(&mut self, rows: usize) -> f64 {
        self.session.continue_landscape(rows)
    }

    /// Draws the computed landscape (log-scaled viridis with contours) on axes α and β, the
    /// coordinates along its two directions, and the racer's training path projected onto its
    /// plane, ending at the current weights (the centre). Returns the losses at the two ends of
    /// the colour scale, `[darkest, brightest]` (empty when nothing was drawn).
    pub fn draw_landscape(&self, canvas: &HtmlCanvasElement) -> Result<Vec<f64>, JsValue> {
        let context = context_2d(canvas)?;
        context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        let Some(landscape) = self.session.landscape() else {
            return Ok(Vec::new());
        };
        let box_view = landscape.view();
        let viewport = self.draw_plane_axes(canvas, box_view, "α", "β")?;
        let (w, h) = (viewport.width as usize, viewport.height as usize);
        let mut map = Heatmap::new(w, h);
        let mut scale = Vec::new();
        if landscape.finite_range().is_some_and(|(lo, hi)| hi > lo) {
            map.render(
                |a, b| landscape.loss_at(a, b),
                &box_view,
                ColorScale::Log,
                &self.colors,
                true,
            );
            let image = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&map.rgba),
                w as u32,
                h as u32,
            )?;
            context.put_image_data(&image, viewport.left, viewport.top)?;
            scale = vec![map.min, map.max];
        }
        context.save();
        context.begin_path();
        context.rect(viewport.left, viewport.top, viewport.width, viewport.height);
        context.clip();
        context.set_stroke_style_str(&racer_color(landscape.racer));
        context.set_line_width(2.0 * self.dpr);
        context.begin_path();
        for (k, (a, b)) in self.session.landscape_path().into_iter().enumerate() {
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
        context.restore();
        Ok(scale)
    }

    /// For a classifier: train and test confusion matrices of racer `racer` and its last
    /// per-layer gradient norms, as JSON (`null` for other objectives).
    pub fn metrics_json(&self, racer: usize) -> String {
        to_json(&self.session.metrics(racer), "null")
    }

    /// The gradient check of racer `racer` at its current parameters with step `h`
    /// ([`Session::gradient_check`](crate::session::Session::gradient_check)), as JSON: its rows
    /// per layer and worst parameter (`null` for no such racer or a step outside (0, 1]).
    pub fn gradient_check_json(&self, racer: usize, h: f64) -> String {
        to_json(&self.session.gradient_check(racer, h), "null")
    }
}
