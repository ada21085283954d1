//! The 3-D view: the surface as a shaded mesh seen by an orbiting camera, every racer's path
//! lifted onto it and the known minima marked (the geometry is render::surface3d's).

use super::surface::color_scale;
use super::*;
use crate::objective::Objective;
use crate::render::colormap::css_hex;
use crate::render::surface3d::{faces, Camera, Projection, Terrain};

/// Grid points per side of the mesh: 47² faces.
const MESH: usize = 48;

#[wasm_bindgen]
impl Lab {
    /// Draws the surface in 3-D onto `canvas` from a camera at `yaw` and `pitch` degrees and
    /// `zoom`: the mesh, the floor with the axes' names and the known minima; nothing but the
    /// background for an objective without a surface over the plane. The paths go on a canvas
    /// of their own ([`Lab::draw_paths_3d`]), so a playing run does not redraw the mesh.
    pub fn draw_surface_3d(
        &self,
        canvas: &HtmlCanvasElement,
        yaw: f64,
        pitch: f64,
        zoom: f64,
    ) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let (width, height) = (canvas.width() as f64, canvas.height() as f64);
        context.set_fill_style_str("#10131a");
        context.fill_rect(0.0, 0.0, width, height);
        let Some((terrain, projection)) = self.terrain_3d(canvas, Camera { yaw, pitch, zoom })
        else {
            return Ok(());
        };
        let objective = self.session.race().runners[0].objective().clone();
        let view = terrain.view;
        let dpr = self.dpr;
        // The mesh, back to front; a hairline of its own colour closes the seams between faces.
        context.set_line_width(0.6 * dpr);
        for face in faces(&terrain, &projection, &self.colors) {
            let color = css_hex(face.rgb);
            context.set_fill_style_str(&color);
            context.set_stroke_style_str(&color);
            context.begin_path();
            let [first, rest @ ..] = face.corners;
            context.move_to(first.0, first.1);
            for (x, y) in rest {
                context.line_to(x, y);
            }
            context.close_path();
            context.fill();
            context.stroke();
        }
        // The floor's outline and the axes' names, so the plane's orientation reads.
        let corner = |x: f64, y: f64| projection.plane_point(&view, x, y, 0.0);
        let corners = [
            corner(view.x_min, view.y_min),
            corner(view.x_max, view.y_min),
            corner(view.x_max, view.y_max),
            corner(view.x_min, view.y_max),
        ];
        context.set_stroke_style_str("rgba(255,255,255,0.35)");
        context.set_line_width(dpr);
        context.begin_path();
        context.move_to(corners[3].0, corners[3].1);
        for (x, y) in corners {
            context.line_to(x, y);
        }
        context.stroke();
        context.set_fill_style_str("rgba(255,255,255,0.8)");
        context.set_font(&format!("{}px sans-serif", (13.0 * dpr).round()));
        let (x_label, y_label) = self.axis_names();
        let mid_x = corner(0.5 * (view.x_min + view.x_max), view.y_min);
        let mid_y = corner(view.x_min, 0.5 * (view.y_min + view.y_max));
        context.fill_text(x_label, mid_x.0, mid_x.1 + 16.0 * dpr)?;
        context.fill_text(y_label, mid_y.0 - 16.0 * dpr, mid_y.1)?;
        let inside = |x: f64, y: f64| {
            x >= view.x_min && x <= view.x_max && y >= view.y_min && y <= view.y_max
        };
        // The known minima: white crosses on the surface.
        let arm = 5.0 * dpr;
        context.set_stroke_style_str("#fff");
        context.set_line_width(2.0 * dpr);
        context.begin_path();
        for m in crate::objective::view::minima(&objective) {
            if !inside(m[0], m[1]) {
                continue;
            }
            let (px, py) =
                projection.plane_point(&view, m[0], m[1], terrain.height(objective.loss(&m)));
            context.move_to(px - arm, py - arm);
            context.line_to(px + arm, py + arm);
            context.move_to(px + arm, py - arm);
            context.line_to(px - arm, py + arm);
        }
        context.stroke();
        Ok(())
    }

    /// Draws each racer's path lifted onto the surface and its point (racer `selected`'s path
    /// wider) onto `canvas`, a transparent canvas over [`Lab::draw_surface_3d`]'s, seen by the
    /// same camera; paths are broken where they leave the view.
    pub fn draw_paths_3d(
        &self,
        canvas: &HtmlCanvasElement,
        yaw: f64,
        pitch: f64,
        zoom: f64,
        selected: usize,
    ) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        let Some((terrain, projection)) = self.terrain_3d(canvas, Camera { yaw, pitch, zoom })
        else {
            return Ok(());
        };
        let view = terrain.view;
        let dpr = self.dpr;
        let inside = |x: f64, y: f64| {
            x >= view.x_min && x <= view.x_max && y >= view.y_min && y <= view.y_max
        };
        context.set_line_cap("round");
        context.set_line_join("round");
        for (index, (trail, runner)) in self
            .session
            .trails()
            .iter()
            .zip(&self.session.race().runners)
            .enumerate()
        {
            let color = racer_color(index);
            context.set_stroke_style_str(&color);
            context.set_line_width(if index == selected { 3.0 } else { 2.0 } * dpr);
            context.begin_path();
            let mut pen_down = false;
            for p in trail.points() {
                let z = terrain.height(p.loss);
                if !(inside(p.x, p.y) && z.is_finite()) {
                    pen_down = false;
                    continue;
                }
                let (px, py) = projection.plane_point(&view, p.x, p.y, z);
                if pen_down {
                    context.line_to(px, py);
                } else {
                    context.move_to(px, py);
                    pen_down = true;
                }
            }
            context.stroke();
            let params = runner.params();
            let z = terrain.height(runner.loss());
            if inside(params[0], params[1]) && z.is_finite() {
                let (px, py) = projection.plane_point(&view, params[0], params[1], z);
                context.set_fill_style_str(&color);
                context.set_stroke_style_str("#000");
                context.set_line_width(1.5 * dpr);
                context.begin_path();
                context.arc(px, py, 5.0 * dpr, 0.0, std::f64::consts::TAU)?;
                context.fill();
                context.stroke();
            }
        }
        Ok(())
    }
}

impl Lab {
    /// The current surface's terrain and the camera's projection onto `canvas`; `None` where the
    /// objective is not a function of two parameters.
    fn terrain_3d(
        &self,
        canvas: &HtmlCanvasElement,
        camera: Camera,
    ) -> Option<(Terrain, Projection)> {
        let runner = self.session.race().runners.first()?;
        if runner.params().len() != 2 {
            return None;
        }
        let objective = runner.objective();
        let terrain = Terrain::sample(
            |x, y| objective.loss(&[x, y]),
            self.session.view(),
            MESH,
            color_scale(runner),
        );
        let projection = Projection::new(camera, canvas.width() as f64, canvas.height() as f64);
        Some((terrain, projection))
    }
}

/// The camera `text` names (the URL's `cam=yaw,pitch,zoom`) brought into range, as
/// `[yaw, pitch, zoom]`; the default camera where `text` is not three numbers.
#[wasm_bindgen]
pub fn camera_from_text(text: &str) -> Box<[f64]> {
    let camera = Camera::parse(text).unwrap_or_default();
    Box::new([camera.yaw, camera.pitch, camera.zoom])
}

/// `[yaw, pitch, zoom]` brought into range (yaw −180 … 180, pitch 5 … 90, zoom 0.5 … 4).
#[wasm_bindgen]
pub fn clamp_camera(yaw: f64, pitch: f64, zoom: f64) -> Box<[f64]> {
    let camera = Camera { yaw, pitch, zoom }.clamped();
    Box::new([camera.yaw, camera.pitch, camera.zoom])
}
