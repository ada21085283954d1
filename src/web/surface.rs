//! The surface view: the heat map, trails, markers, the batch-noise cloud, the linear
//! regression inset, and reading the plane under the pointer.

use super::*;
use crate::objective::curvature::Curvature;
use crate::render::cloud::{batch_contours, cloud_picture, CloudLimits, CloudPicture};
use crate::render::curvature::glyph;
use crate::render::viewport::Marker;

#[wasm_bindgen]
impl Lab {
    /// Draws the heat map with axes and the known minima onto `canvas`, at its pixel size, and
    /// remembers the plotting area for pixel ↔ plane mapping.
    pub fn draw_surface(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        self.paint_surface(canvas, false)
    }

    /// [`Lab::draw_surface`] with the heat map computed at half the resolution and stretched:
    /// a quarter of the work, for a page's first picture, drawn again in full right after. The
    /// page's first heat map runs the wasm cold (its code compiled lazily, not yet optimised),
    /// where the full map costs several times what it does later.
    pub fn draw_surface_draft(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        self.paint_surface(canvas, true)
    }

    /// Appends the new trajectory segments to the trails canvas (a transparent canvas over the
    /// heat map); redraws every trail when the view changed or a trail was thinned.
    pub fn draw_trails(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let Some(viewport) = self.viewport else {
            return Ok(());
        };
        let context = context_2d(canvas)?;
        let redraw = self
            .drawn
            .iter()
            .zip(self.session.trails())
            .any(|(&drawn, trail)| trail.since(drawn) == NewPoints::Redraw);
        if redraw {
            context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        }
        context.save();
        context.begin_path();
        context.rect(viewport.left, viewport.top, viewport.width, viewport.height);
        context.clip();
        context.set_line_cap("round");
        context.set_line_join("round");
        let trails = self.session.trails();
        for (index, (trail, drawn)) in trails.iter().zip(&mut self.drawn).enumerate() {
            let points = match trail.since(*drawn) {
                NewPoints::Append(points) if !redraw => points,
                _ => trail.points(),
            };
            *drawn = trail.drawn_all();
            if points.len() < 2 {
                continue;
            }
            for (width, color) in [(3.2, "rgba(0,0,0,0.55)".into()), (1.6, racer_color(index))] {
                context.set_line_width(width * self.dpr);
                context.set_stroke_style_str(&color);
                stroke_path(&context, &viewport, points);
            }
        }
        context.restore();
        Ok(())
    }

    /// Redraws the top canvas: the start, each racer's current point (a cross and a label where
    /// it diverged), and for racer `selected` the curvature glyph when `curvature` is set and —
    /// when `cloud` is — the batch-noise cloud: drawn afresh when `fresh_cloud` is set, else the
    /// one drawn last, moved to the racer's point (a run's frames redraw it a few times less often
    /// than its markers).
    pub fn draw_markers(
        &mut self,
        canvas: &HtmlCanvasElement,
        cloud: bool,
        selected: usize,
        fresh_cloud: bool,
        curvature: bool,
    ) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        let Some(viewport) = self.viewport else {
            return Ok(());
        };
        let dpr = self.dpr;
        let scenario_start = self.session.scenario().start.as_ref();
        if let Some(start) = scenario_start.filter(|s| s.len() == 2) {
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
            if let Some(runner) = self.session.race().runners.get(selected) {
                let params = runner.params();
                let here = match params {
                    [x, y, ..] => viewport.to_pixel(*x, *y),
                    _ => (0.0, 0.0),
                };
                let layer = offscreen_canvas(&mut self.cloud.layer)?;
                let contours = offscreen_canvas(&mut self.cloud.contours)?;
                let (w, h) = (canvas.width(), canvas.height());
                let stale = (layer.width(), layer.height()) != (w, h);
                if fresh_cloud || stale || self.cloud.origin.is_none() {
                    if stale {
                        for each in [&layer, &contours] {
                            each.set_width(w);
                            each.set_height(h);
                        }
                    }
                    let contours_context = context_2d(&contours)?;
                    contours_context.clear_rect(0.0, 0.0, w as f64, h as f64);
                    self.draw_batch_contours(&contours_context, &viewport, runner)?;
                    let layer_context = context_2d(&layer)?;
                    layer_context.clear_rect(0.0, 0.0, w as f64, h as f64);
                    self.cloud.reach = self.draw_cloud(&layer_context, &viewport, runner)?;
                    self.cloud.origin = Some(here);
                }
                context.draw_image_with_html_canvas_element(&contours, 0.0, 0.0)?;
                if let Some(origin) = self.cloud.origin {
                    copy_square(&context, &layer, origin, here, self.cloud.reach)?;
                }
            }
        }
        if curvature {
            if let Some(runner) = self.session.race().runners.get(selected) {
                self.draw_curvature(&context, &viewport, runner)?;
            }
        }
        // The label font is set only when a label is drawn: every setting crosses into
        // JavaScript as a string.
        let mut font_set = false;
        for (index, runner) in self.session.race().runners.iter().enumerate() {
            let params = runner.params();
            if params.len() < 2 {
                continue;
            }
            let (px, py) = viewport.to_pixel(params[0], params[1]);
            let Some(marker) = viewport.marker(px, py) else {
                continue;
            };
            let (px, py) = match marker {
                Marker::Inside(at) | Marker::Beyond { at, .. } => at,
            };
            let color = racer_color(index);
            match runner.status() {
                Status::Running | Status::Converged { .. } => match marker {
                    Marker::Inside(at) => draw_point(&context, at, &color, dpr)?,
                    Marker::Beyond { at, toward } => {
                        draw_arrowhead(&context, at, toward, &color, dpr)?
                    }
                },
                Status::Diverged { .. } | Status::Failed { .. } => {
                    let r = 6.0 * dpr;
                    if !font_set {
                        context.set_font(&format!(
                            "{}px {}",
                            (12.0 * dpr).round(),
                            self.words.font
                        ));
                        font_set = true;
                    }
                    context.set_stroke_style_str(&color);
                    context.set_line_width(3.0 * dpr);
                    context.begin_path();
                    context.move_to(px - r, py - r);
                    context.line_to(px + r, py + r);
                    context.move_to(px + r, py - r);
                    context.line_to(px - r, py + r);
                    context.stroke();
                    // The words in white on a dark box, led by a bar in the racer's colour (a
                    // dark racer's colour on the dark box did not read), inside the plot; the
                    // legend names the racer of that colour.
                    let label = self.words.ended(runner.status());
                    let (pad, bar, height) = (4.0 * dpr, 4.0 * dpr, 18.0 * dpr);
                    let width = context.measure_text(&label)?.width() + bar + 3.0 * pad;
                    let right = viewport.left + viewport.width;
                    let bx = (px + 9.0 * dpr).min(right - width).max(viewport.left);
                    let top = (py - height + 4.0 * dpr)
                        .min(viewport.top + viewport.height - height)
                        .max(viewport.top);
                    context.set_fill_style_str("rgba(0,0,0,0.8)");
                    context.fill_rect(bx, top, width, height);
                    context.set_fill_style_str(&color);
                    context.fill_rect(bx + pad, top + 3.0 * dpr, bar, height - 6.0 * dpr);
                    context.set_fill_style_str("#fff");
                    context.fill_text(&label, bx + bar + 2.0 * pad, top + height - 5.0 * dpr)?;
                }
            }
        }
        Ok(())
    }

    /// For linear regression, draws the data (test points hollow) and each racer's current line
    /// y = w·x + b on the inset canvas; clears it for other objectives.
    pub fn draw_inset(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let Some(model) = self.session.objective() else {
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
        for (index, runner) in self.session.race().runners.iter().enumerate() {
            let params = runner.params();
            if params.len() != 2 || !params.iter().all(|v| v.is_finite()) {
                continue;
            }
            let (w, b) = (params[0], params[1]);
            for (color, width) in cased(index, 1.0, 2.0) {
                chart
                    .draw_series(LineSeries::new(
                        [x_min, x_max].map(|x| (x, (w * x + b).clamp(y_min - 1e3, y_max + 1e3))),
                        ShapeStyle::from(&color).stroke_width((width * dpr).round() as u32),
                    ))
                    .map_err(js_error)?;
            }
        }
        root.present().map_err(js_error)?;
        Ok(())
    }

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

    /// What lies under canvas pixel (px, py), as JSON ([`Session::pick_plane`]): the nearest
    /// trail point within 10 px (racer, x, y, loss, step), else the plane point and the loss
    /// there — in the network view the network's output; `null` outside.
    ///
    /// [`Session::pick_plane`]: crate::session::Session::pick_plane
    pub fn pick(&self, px: f64, py: f64) -> String {
        let picked = self
            .viewport
            .and_then(|viewport| self.session.pick_plane(&viewport, px, py, 10.0 * self.dpr));
        to_json(&picked, "null")
    }
}

impl Lab {
    /// The heat map, axes and minima ([`Lab::draw_surface`]); `draft`: the map at half
    /// resolution, stretched.
    fn paint_surface(&mut self, canvas: &HtmlCanvasElement, draft: bool) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let view = self.session.view();
        let dpr = self.dpr;
        let (x_label, y_label) = self.axis_names();
        let viewport = self.draw_plane_axes(canvas, view, x_label, y_label)?;
        // Whole pixels: the heat map is one ImageData of exactly the plotting area.
        let width = viewport.width as usize;
        let height = viewport.height as usize;
        if !draft && (self.heatmap.width != width || self.heatmap.height != height) {
            self.heatmap = Heatmap::new(width, height);
        }
        let (objective, scale) = match self.session.race().runners.first() {
            // Only a 2-parameter objective has a loss surface over the plane.
            Some(r) if r.params().len() == 2 => (r.objective().clone(), color_scale(r)),
            _ => return Ok(()),
        };
        // A row at a time where the model is a surface (one dispatch per row, not per pixel):
        // the same pixels, and the first heat map of a page load lands sooner.
        let stretched;
        let rgba: &[u8] = if draft {
            let mut half = Heatmap::new(width.div_ceil(2), height.div_ceil(2));
            half.render_model(&objective, &view, scale, &self.colors, true);
            stretched = half.scaled_rgba(width, height);
            &stretched
        } else {
            self.heatmap
                .render_model(&objective, &view, scale, &self.colors, true);
            &self.heatmap.rgba
        };
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(rgba),
            width as u32,
            height as u32,
        )?;
        context.put_image_data(&image, viewport.left, viewport.top)?;
        // The minima: white crosses.
        let arm = 5.0 * dpr;
        context.set_stroke_style_str("#fff");
        context.set_line_width((2.0 * dpr).round());
        context.begin_path();
        let minima = self
            .session
            .objective()
            .map(crate::objective::view::minima)
            .unwrap_or_default();
        for m in minima {
            let (px, py) = viewport.to_pixel(m[0], m[1]);
            context.move_to(px - arm, py - arm);
            context.line_to(px + arm, py + arm);
            context.move_to(px + arm, py - arm);
            context.line_to(px - arm, py + arm);
        }
        context.stroke();
        self.viewport = Some(viewport);
        self.drawn.fill(Drawn::default());
        Ok(())
    }

    pub(super) fn axis_names(&self) -> (&str, &str) {
        match self.session.scenario().objective {
            crate::scenario::ObjectiveSpec::Linreg(_) => (&self.words.slope, &self.words.intercept),
            _ => ("x", "y"),
        }
    }

    /// For linear regression with mini-batches: ghost contours of the loss of the last batch
    /// alone over (w, b) — the surface the last step actually descended — dashed, with that
    /// batch's minimum as a hollow ring ([`batch_contours`]).
    pub(super) fn draw_batch_contours(
        &self,
        context: &CanvasRenderingContext2d,
        viewport: &Viewport,
        runner: &Runner,
    ) -> Result<(), JsValue> {
        let dpr = self.dpr;
        let Some(ghost) = batch_contours(
            runner.objective(),
            runner.last_batch(),
            runner.previous_params(),
            viewport,
            7.0 * dpr,
        ) else {
            return Ok(());
        };
        context.save();
        clip_to(context, viewport);
        context.set_line_join("round");
        context.begin_path();
        for line in &ghost.lines {
            let mut points = line.points.iter();
            if let Some(&[x, y]) = points.next() {
                context.move_to(x, y);
            }
            for &[x, y] in points {
                context.line_to(x, y);
            }
            if line.closed {
                context.close_path();
            }
        }
        // A faint dark bed under white dashes: the lines read on the light end of the map too.
        context.set_line_width(2.5 * dpr);
        context.set_stroke_style_str("rgba(0,0,0,0.18)");
        context.stroke();
        context.set_line_dash(&dashes(6.0 * dpr, 4.0 * dpr))?;
        context.set_line_width(1.25 * dpr);
        context.set_stroke_style_str("rgba(255,255,255,0.7)");
        context.stroke();
        context.set_line_dash(&dashes(0.0, 0.0))?;
        if let Some([x, y]) = ghost
            .minimum
            .filter(|m| viewport.contains_pixel(m[0], m[1]))
        {
            context.begin_path();
            context.arc(x, y, 6.0 * dpr, 0.0, std::f64::consts::TAU)?;
            context.set_line_width(3.5 * dpr);
            context.set_stroke_style_str("rgba(0,0,0,0.55)");
            context.stroke();
            context.set_line_width(1.75 * dpr);
            context.set_stroke_style_str("#fff");
            context.stroke();
        }
        context.restore();
        Ok(())
    }

    /// The curvature glyph at `runner`'s point (render::curvature): the quadratic model's level
    /// set in white, the steep axis solid, a downward-curving axis dashed.
    fn draw_curvature(
        &self,
        context: &CanvasRenderingContext2d,
        viewport: &Viewport,
        runner: &Runner,
    ) -> Result<(), JsValue> {
        let params = runner.params();
        let Some(curvature) = Curvature::at(&**runner.objective(), params) else {
            return Ok(());
        };
        let dpr = self.dpr;
        let Some(glyph) = glyph(&curvature, viewport, [params[0], params[1]], 38.0 * dpr) else {
            return Ok(());
        };
        context.set_stroke_style_str("rgba(255,255,255,0.95)");
        context.set_line_width(1.5 * dpr);
        if let Some(outline) = &glyph.ellipse {
            context.begin_path();
            for (i, &(x, y)) in outline.iter().enumerate() {
                if i == 0 {
                    context.move_to(x, y);
                } else {
                    context.line_to(x, y);
                }
            }
            context.stroke();
        }
        for (axis, width) in glyph.axes.iter().zip([2.5, 1.25]) {
            let dash = if axis.downward { 5.0 * dpr } else { 0.0 };
            context.set_line_dash(&dashes(dash, dash * 0.7))?;
            context.set_line_width(width * dpr);
            context.begin_path();
            context.move_to(axis.from.0, axis.from.1);
            context.line_to(axis.to.0, axis.to.1);
            context.stroke();
        }
        context.set_line_dash(&dashes(0.0, 0.0))?;
        Ok(())
    }

    /// The batch-noise cloud at `runner`'s point: the full gradient's arrow (−∇f), the tips of
    /// the batch gradients' arrows and their 2-σ ellipse, all on one scale ([`cloud_picture`]),
    /// clipped to the plotting area. Returns how far from the point (canvas pixels, either way)
    /// anything was drawn: 0 when nothing was.
    pub(super) fn draw_cloud(
        &self,
        context: &CanvasRenderingContext2d,
        viewport: &Viewport,
        runner: &Runner,
    ) -> Result<f64, JsValue> {
        let params = runner.params();
        if params.len() < 2 || *runner.status() != Status::Running {
            return Ok(0.0);
        }
        let dpr = self.dpr;
        let cloud = runner.gradient_cloud(CLOUD_SIZE, runner.steps_taken() ^ 0x5EED);
        let pixels_per_unit = [pixels_per_unit_x(viewport), pixels_per_unit_y(viewport)];
        let Some(picture) = cloud_picture(
            &cloud.full,
            &cloud.samples,
            pixels_per_unit,
            &CloudLimits::at_dpr(dpr),
        ) else {
            return Ok(0.0);
        };
        let (ox, oy) = viewport.to_pixel(params[0], params[1]);
        context.save();
        clip_to(context, viewport);
        if let Some(ellipse) = picture.ellipse {
            context.begin_path();
            context.ellipse(
                ox + ellipse.centre[0],
                oy + ellipse.centre[1],
                ellipse.radii[0],
                ellipse.radii[1],
                ellipse.angle,
                0.0,
                std::f64::consts::TAU,
            )?;
            context.set_line_width(3.0 * dpr);
            context.set_stroke_style_str("rgba(0,0,0,0.3)");
            context.stroke();
            context.set_line_width(1.25 * dpr);
            context.set_stroke_style_str("rgba(255,255,255,0.85)");
            context.stroke();
        }
        let radius = 2.2 * dpr;
        context.begin_path();
        for [dx, dy] in &picture.tips {
            let (x, y) = (ox + dx, oy + dy);
            context.move_to(x + radius, y);
            context.arc(x, y, radius, 0.0, std::f64::consts::TAU)?;
        }
        context.set_fill_style_str("rgba(255,255,255,0.8)");
        context.fill();
        context.set_line_width(0.75 * dpr);
        context.set_stroke_style_str("rgba(0,0,0,0.45)");
        context.stroke();
        context.set_line_cap("round");
        if let Some(magnified) = picture.magnified {
            // The full gradient enlarged, dashed and labelled, beside its true-scale arrow.
            let tip = [ox + magnified.tip[0], oy + magnified.tip[1]];
            context.set_line_dash(&dashes(5.0 * dpr, 3.5 * dpr))?;
            stroke_arrow(context, [ox, oy], tip, 1.75 * dpr, 7.0 * dpr);
            context.set_line_dash(&dashes(0.0, 0.0))?;
            let label = format!("−∇f ×{}", magnified.factor);
            let along = libm::hypot(magnified.tip[0], magnified.tip[1]).max(1.0);
            let (ux, uy) = (magnified.tip[0] / along, magnified.tip[1] / along);
            context.set_font(&format!("{}px sans-serif", (12.0 * dpr).round()));
            context.set_text_align(if ux < 0.0 { "right" } else { "left" });
            context.set_text_baseline("middle");
            let (lx, ly) = (tip[0] + 8.0 * dpr * ux, tip[1] + 8.0 * dpr * uy);
            context.set_line_width(3.0 * dpr);
            context.set_stroke_style_str("rgba(0,0,0,0.6)");
            context.stroke_text(&label, lx, ly)?;
            context.set_fill_style_str("#fff");
            context.fill_text(&label, lx, ly)?;
        }
        if libm::hypot(picture.arrow[0], picture.arrow[1]) >= 0.5 {
            let tip = [ox + picture.arrow[0], oy + picture.arrow[1]];
            stroke_arrow(context, [ox, oy], tip, 2.5 * dpr, 9.0 * dpr);
        }
        context.restore();
        Ok(cloud_reach(&picture, dpr))
    }
}

/// How far from the point (canvas pixels, along either axis) the cloud's picture reaches: its
/// tips, ellipse and arrows, with room for the dots' radius, the arrows' heads and strokes, and
/// the magnified arrow's label.
fn cloud_reach(picture: &CloudPicture, dpr: f64) -> f64 {
    let far = |[x, y]: [f64; 2]| x.abs().max(y.abs());
    let tips = picture.tips.iter().copied().map(far).fold(0.0, f64::max);
    let ellipse = picture.ellipse.as_ref().map_or(0.0, |e| {
        far(e.centre) + e.radii[0].abs().max(e.radii[1].abs())
    });
    let label = picture
        .magnified
        .as_ref()
        .map_or(0.0, |m| far(m.tip) + CLOUD_LABEL_ROOM * dpr);
    tips.max(ellipse).max(far(picture.arrow)).max(label) + CLOUD_MARGIN * dpr
}

/// Room (CSS pixels) beyond the magnified arrow's tip for its label ("−∇f ×500" at 12 px).
const CLOUD_LABEL_ROOM: f64 = 110.0;
/// Room (CSS pixels) around the cloud's outermost point: dots, arrow heads, strokes.
const CLOUD_MARGIN: f64 = 14.0;

/// Copies the square of `layer` within `reach` of `origin` onto `context`, moved so that
/// `origin` lands on `here`; the square is cut to the layer's bounds first.
fn copy_square(
    context: &CanvasRenderingContext2d,
    layer: &HtmlCanvasElement,
    origin: (f64, f64),
    here: (f64, f64),
    reach: f64,
) -> Result<(), JsValue> {
    let (w, h) = (f64::from(layer.width()), f64::from(layer.height()));
    let x0 = (origin.0 - reach).floor().clamp(0.0, w);
    let y0 = (origin.1 - reach).floor().clamp(0.0, h);
    let x1 = (origin.0 + reach).ceil().clamp(0.0, w);
    let y1 = (origin.1 + reach).ceil().clamp(0.0, h);
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    let (dx, dy) = (here.0 - origin.0, here.1 - origin.1);
    context.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        layer,
        x0,
        y0,
        x1 - x0,
        y1 - y0,
        x0 + dx,
        y0 + dy,
        x1 - x0,
        y1 - y0,
    )
}

/// Strokes an arrow from `from` to `to` (canvas pixels) in white over a dark bed, `width` wide
/// with barbs `head` long; the head shrinks with a short shaft.
fn stroke_arrow(
    context: &CanvasRenderingContext2d,
    from: [f64; 2],
    to: [f64; 2],
    width: f64,
    head: f64,
) {
    let (dx, dy) = (to[0] - from[0], to[1] - from[1]);
    let head = head.min(0.6 * libm::hypot(dx, dy));
    let angle = libm::atan2(dy, dx);
    context.begin_path();
    context.move_to(from[0], from[1]);
    context.line_to(to[0], to[1]);
    for side in [-0.4, 0.4] {
        context.move_to(to[0], to[1]);
        context.line_to(
            to[0] - head * libm::cos(angle + side),
            to[1] - head * libm::sin(angle + side),
        );
    }
    context.set_line_width(1.8 * width);
    context.set_stroke_style_str("rgba(0,0,0,0.5)");
    context.stroke();
    context.set_line_width(width);
    context.set_stroke_style_str("#fff");
    context.stroke();
}

/// Restricts drawing to the plotting area (inside a `save`/`restore` pair).
fn clip_to(context: &CanvasRenderingContext2d, viewport: &Viewport) {
    context.begin_path();
    context.rect(viewport.left, viewport.top, viewport.width, viewport.height);
    context.clip();
}

/// A canvas line-dash pattern: `on` pixels drawn, `off` skipped (`0, 0`: solid).
fn dashes(on: f64, off: f64) -> JsValue {
    js_sys::Array::of2(&JsValue::from_f64(on), &JsValue::from_f64(off)).into()
}

/// Pixels per plane unit along x (the arrow scale is set in pixels, so plane units cancel).
pub(super) fn pixels_per_unit_x(viewport: &Viewport) -> f64 {
    viewport.width / (viewport.view.x_max - viewport.view.x_min)
}

/// Pixels per plane unit along y.
pub(super) fn pixels_per_unit_y(viewport: &Viewport) -> f64 {
    viewport.height / (viewport.view.y_max - viewport.view.y_min)
}

/// Strokes the path through `points` (plane coordinates) in the current style, skipping moves
/// under half a pixel except the last, so a long run stays cheap and still ends where it is.
fn stroke_path(context: &CanvasRenderingContext2d, viewport: &Viewport, points: &[TrailPoint]) {
    context.begin_path();
    let mut last: Option<(f64, f64)> = None;
    for (k, p) in points.iter().enumerate() {
        let (px, py) = viewport.to_pixel(p.x, p.y);
        if !(px.is_finite() && py.is_finite()) {
            continue;
        }
        let (px, py) = (px.clamp(-1e5, 1e5), py.clamp(-1e5, 1e5));
        match last {
            None => context.move_to(px, py),
            Some((lx, ly)) if (px - lx).abs() + (py - ly).abs() < 0.5 && k + 1 < points.len() => {
                continue
            }
            Some(_) => context.line_to(px, py),
        }
        last = Some((px, py));
    }
    context.stroke();
}

pub(super) fn color_scale(runner: &Runner) -> ColorScale {
    if crate::objective::view::log_scale(runner.objective()) {
        ColorScale::Log
    } else {
        ColorScale::Linear
    }
}
