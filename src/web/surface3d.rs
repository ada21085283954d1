//! The 3-D view (feature `full`): the surface as a shaded mesh seen by an orbiting camera, every racer's path
//! lifted onto it and the known minima marked (the geometry and the pixels are
//! render::surface3d's; this module puts them on the canvases).

use super::surface::color_scale;
use super::*;
use crate::objective::model::Model;
use crate::objective::Objective;
use crate::render::colormap::css_hex;
use crate::render::surface3d::{
    Camera, Projection, Raster, Shading, Terrain, COARSE_MESH_POINTS, MESH_POINTS,
};
use std::rc::Rc;

/// The view's background, where no face covers the canvas.
const BACKGROUND: [u8; 3] = [0x10, 0x13, 0x1a];

/// Canvas pixels (at a device pixel ratio of 1) between the points a path is cut at to test
/// what the mesh hides.
const PATH_STEP: f64 = 4.0;

/// The mesh as last drawn: the camera and canvas it was drawn for, its terrain and projection,
/// and its pixels' depths, so the paths drawn over it are lifted onto the same surface and
/// hidden where it hides them.
pub(super) struct Mesh3d {
    camera: Camera,
    size: (u32, u32),
    /// The surface drawn ([`Terrain3d::terrain`]).
    surface: Rc<Terrain>,
    /// The mesh drawn of it: the surface's own, or its coarser one ([`COARSE_SCALE`]).
    terrain: Rc<Terrain>,
    projection: Projection,
    /// The pixels, at `scale` of the view's: ½ to ¼ while the view is being turned.
    raster: Raster,
    scale: f64,
}

/// What the 3-D paths canvas shows, so a playing run's frame draws only the new stretch of
/// each path: the view it was drawn for, how much of each trail it holds, and where the racers'
/// points were drawn over them. One canvas holds both: every canvas the page shows is copied to
/// the screen each frame, changed or not, and the points' own canvas cost a full copy for a few
/// small discs.
#[derive(Default)]
pub(super) struct Paths3d {
    /// The view the canvas was drawn for.
    key: Option<PathsView>,
    /// Per racer, the part of its trail on the canvas.
    drawn: Vec<Drawn>,
    /// Meshes drawn so far: a new mesh (surface, camera or size) redraws the paths.
    meshes: u64,
    /// The paths alone, outside the document: the canvas shown is mended from it where the
    /// points were.
    layer: Option<HtmlCanvasElement>,
    /// The canvas rectangles (x, y, width, height) the points cover on the canvas shown.
    points: Vec<[f64; 4]>,
    /// Whether the paths were last drawn straight onto the canvas shown, as they are while the
    /// view turns (each frame then draws them whole), and not onto the layer.
    layer_stale: bool,
}

/// What a 3-D paths canvas depends on besides the trails.
#[derive(Clone, Copy, PartialEq)]
struct PathsView {
    camera: Camera,
    size: (u32, u32),
    /// The mesh drawn, by its count ([`Paths3d::meshes`]).
    mesh: u64,
    selected: usize,
    dpr: f64,
}

/// The terrain last sampled and the objective it was sampled from: a turning camera changes
/// neither, so the surface is sampled once per objective and view, not once per frame.
pub(super) struct Terrain3d {
    /// The objective sampled (held, so another objective cannot take its place in memory).
    objective: Rc<Model>,
    terrain: Rc<Terrain>,
    /// Its colours, once drawn.
    shading: Option<Rc<Shading>>,
    /// Its coarser mesh ([`COARSE_MESH_POINTS`]) and that mesh's colours, once a turning view
    /// asked for them.
    coarse: Option<(Rc<Terrain>, Rc<Shading>)>,
}

/// Canvas pixels per view pixel at or below which the mesh is drawn from the coarser grid: a
/// third each way (the page lowers the resolution this far while a turning view's frames run
/// late).
const COARSE_SCALE: f64 = 0.34;

impl Mesh3d {
    /// Whether the mesh shows a surface point at canvas pixel (`x`, `y`) and `depth`.
    fn shows(&self, x: f64, y: f64, depth: f64) -> bool {
        self.raster.shows(x * self.scale, y * self.scale, depth)
    }
}

#[wasm_bindgen]
impl Lab {
    /// Draws the surface in 3-D onto `canvas` from a camera at `yaw` and `pitch` degrees and
    /// `zoom`, as a view of `width × height` pixels: the mesh (rasterised here, put on the canvas
    /// at once), the floor with the axes' names and the known minima; nothing but the background
    /// for an objective without a surface over the plane. The canvas may hold fewer pixels than
    /// the view (the page gives it ½ to ¼ of them each way while a drag or the wheel turns the
    /// view, and the browser enlarges it): the mesh is rasterised at the canvas's own resolution,
    /// from a grid of half the points each way at a third or less. The paths go on a canvas of
    /// their own ([`Lab::draw_paths_3d`]), so a playing run does not redraw the mesh.
    pub fn draw_surface_3d(
        &mut self,
        canvas: &HtmlCanvasElement,
        yaw: f64,
        pitch: f64,
        zoom: f64,
        width: u32,
        height: u32,
    ) -> Result<(), JsValue> {
        let context = context_2d(canvas)?;
        let pixels = (canvas.width() as usize, canvas.height() as usize);
        let size = (width.max(1), height.max(1));
        let camera = Camera { yaw, pitch, zoom };
        // Canvas pixels per view pixel: ½ or less while turning.
        let scale = pixels.0 as f64 / size.0 as f64;
        let Some(surface) = self.terrain_3d() else {
            self.mesh3d = None;
            context.set_fill_style_str(&css_hex(BACKGROUND));
            context.fill_rect(0.0, 0.0, pixels.0 as f64, pixels.1 as f64);
            return Ok(());
        };
        let Some((terrain, shading)) = self.shaded_3d(scale <= COARSE_SCALE) else {
            return Ok(());
        };
        // The last mesh's buffers, when they have this size.
        let mut raster = match self.mesh3d.take() {
            Some(mesh) if (mesh.raster.width, mesh.raster.height) == pixels => mesh.raster,
            _ => Raster::new(pixels.0, pixels.1),
        };
        let projection = Projection::new(camera, size.0 as f64, size.1 as f64);
        let scaled = Projection::new(camera, pixels.0 as f64, pixels.1 as f64);
        raster.draw_shaded(&terrain, &shading, &scaled, BACKGROUND);
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&raster.rgba),
            pixels.0 as u32,
            pixels.1 as u32,
        )?;
        context.put_image_data(&image, 0.0, 0.0)?;
        // What follows is drawn in the view's pixels, scaled onto the canvas.
        context.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0)?;
        let mesh = Mesh3d {
            camera: camera.clamped(),
            size,
            surface,
            terrain,
            projection,
            raster,
            scale,
        };
        let view = mesh.terrain.view;
        let projection = &mesh.projection;
        let dpr = self.dpr;
        // The floor's outline and the axes' names, so the plane's orientation reads.
        let corner = |x: f64, y: f64| projection.plane_point(&view, x, y, 0.0);
        // The floor lies under the surface: only where no face hides it.
        let mut floor = PathRuns::default();
        let ends = [
            (view.x_min, view.y_min),
            (view.x_max, view.y_min),
            (view.x_max, view.y_max),
            (view.x_min, view.y_max),
            (view.x_min, view.y_min),
        ];
        for pair in ends.windows(2) {
            let [(x0, y0), (x1, y1)] = [pair[0], pair[1]];
            for k in 0..=FLOOR_PIECES {
                let t = k as f64 / FLOOR_PIECES as f64;
                let (px, py, depth) =
                    projection.plane_depth(&view, x0 + t * (x1 - x0), y0 + t * (y1 - y0), 0.0);
                floor.extend((px, py), mesh.shows(px, py, depth));
            }
        }
        context.set_stroke_style_str("rgba(255,255,255,0.35)");
        floor.stroke(&context, dpr, 0.0)?;
        // The names, unless the canvas is too coarse for letters to read (back once it rests).
        if scale > COARSE_SCALE {
            context.set_fill_style_str("rgba(255,255,255,0.8)");
            context.set_font(&format!("{}px {}", (13.0 * dpr).round(), self.words.font));
            let (x_label, y_label) = self.axis_names();
            let mid_x = corner(0.5 * (view.x_min + view.x_max), view.y_min);
            let mid_y = corner(view.x_min, 0.5 * (view.y_min + view.y_max));
            context.fill_text(x_label, mid_x.0, mid_x.1 + 16.0 * dpr)?;
            context.fill_text(y_label, mid_y.0 - 16.0 * dpr, mid_y.1)?;
        }
        // The known minima: white crosses on the surface where it does not hide them.
        let arm = 5.0 * dpr;
        context.set_stroke_style_str("#fff");
        context.set_line_width(2.0 * dpr);
        context.begin_path();
        if let Some(runner) = self.session.race().runners.first() {
            for m in crate::objective::view::minima(runner.objective()) {
                let (px, py, depth) =
                    projection.plane_depth(&view, m[0], m[1], mesh.terrain.mesh_height(m[0], m[1]));
                if !mesh.shows(px, py, depth) {
                    continue;
                }
                context.move_to(px - arm, py - arm);
                context.line_to(px + arm, py + arm);
                context.move_to(px + arm, py - arm);
                context.line_to(px - arm, py + arm);
            }
        }
        context.stroke();
        context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)?;
        self.mesh3d = Some(mesh);
        self.paths3d.meshes += 1;
        Ok(())
    }

    /// Draws each racer's path lifted onto the surface (racer `selected`'s wider) and its point
    /// over the paths onto `paths`: a transparent canvas over [`Lab::draw_surface_3d`]'s, seen
    /// by the same camera. Where the mesh as last drawn hides a stretch of path or a point, it is
    /// drawn faint; paths are broken where they leave the view. While the camera, the canvas,
    /// the mesh and the selection stay as they were, only the paths' new stretches are drawn
    /// (onto what `paths` shows, mended where the points were); the points are drawn afresh
    /// each time. The view is `width × height` pixels, as [`Lab::draw_surface_3d`]'s; `paths`
    /// may hold fewer (the page halves it while a slow device turns the view): then the paths
    /// are drawn whole, scaled onto it.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_paths_3d(
        &mut self,
        paths: &HtmlCanvasElement,
        yaw: f64,
        pitch: f64,
        zoom: f64,
        width: u32,
        height: u32,
        selected: usize,
    ) -> Result<(), JsValue> {
        let size = (width.max(1), height.max(1));
        let pixels = (paths.width(), paths.height());
        // Canvas pixels per view pixel.
        let scale = pixels.0 as f64 / size.0 as f64;
        let camera = Camera { yaw, pitch, zoom }.clamped();
        let Some(surface) = self.terrain_3d() else {
            context_2d(paths)?.clear_rect(0.0, 0.0, pixels.0 as f64, pixels.1 as f64);
            self.paths3d.key = None;
            return Ok(());
        };
        // The mesh as last drawn, when it shows this surface from this camera on this canvas;
        // the paths lie on the mesh it drew.
        let mesh = self.mesh3d.as_ref().filter(|mesh| {
            mesh.camera == camera && mesh.size == size && Rc::ptr_eq(&mesh.surface, &surface)
        });
        let terrain = mesh.map_or(&surface, |mesh| &mesh.terrain);
        let fresh;
        let projection = match mesh {
            Some(mesh) => &mesh.projection,
            None => {
                fresh = Projection::new(camera, size.0 as f64, size.1 as f64);
                &fresh
            }
        };
        let view = terrain.view;
        let dpr = self.dpr;
        // A plane point's canvas pixel and whether the mesh shows it; None off the mesh.
        let place = |x: f64, y: f64| {
            let z = terrain.mesh_height(x, y);
            if !z.is_finite() {
                return None;
            }
            let (px, py, depth) = projection.plane_depth(&view, x, y, z);
            Some(((px, py), mesh.is_none_or(|m| m.shows(px, py, depth))))
        };
        // While the view turns (the mesh drawn coarse) the paths are drawn again each frame: cut
        // more coarsely still (4 × at half the pixels, 16 × at a quarter), in fewer and longer
        // segments.
        let grain = dpr / mesh.map_or(1.0, |m| m.scale).powi(2);
        let trails = self.session.trails();
        let state = &mut self.paths3d;
        // Drawn onto what the canvas shows, or from scratch: after any change of view, or when
        // a trail was thinned or cleared.
        let key = PathsView {
            camera,
            size,
            mesh: state.meshes,
            selected,
            dpr,
        };
        let mut whole = state.key != Some(key)
            || state.drawn.len() != trails.len()
            || state.layer_stale
            || pixels != size;
        if !whole {
            whole = trails
                .iter()
                .zip(&state.drawn)
                .any(|(trail, &drawn)| matches!(trail.since(drawn), NewPoints::Redraw));
        }
        let layer = offscreen_canvas(&mut state.layer)?;
        if (layer.width(), layer.height()) != size {
            layer.set_width(size.0);
            layer.set_height(size.1);
            whole = true;
        }
        // While the view turns every frame draws the paths whole: straight onto the canvas
        // shown, which saves copying the layer over it; the layer is drawn again once it rests.
        let turning = mesh.is_some_and(|mesh| mesh.scale < 1.0);
        let direct = whole && (turning || pixels != size);
        let shown = context_2d(paths)?;
        // Everything below is in the view's pixels.
        shown.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0)?;
        let context = if direct {
            shown.clone()
        } else {
            context_2d(&layer)?
        };
        if whole {
            context.clear_rect(0.0, 0.0, size.0 as f64, size.1 as f64);
            state.drawn = vec![Drawn::default(); trails.len()];
            state.key = Some(key);
            state.layer_stale = direct;
        } else {
            // The paths as they were under last frame's points; the new stretches go on both.
            for &[x, y, w, h] in &state.points {
                shown.clear_rect(x, y, w, h);
                shown
                    .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                        &layer, x, y, w, h, x, y, w, h,
                    )?;
            }
        }
        // The stretches go on the layer, and onto the canvas shown unless it is copied whole.
        let both = [&context, &shown];
        let targets = if whole { &both[..1] } else { &both[..] };
        for context in targets {
            context.set_line_cap("round");
            context.set_line_join("round");
        }
        for (index, trail) in trails.iter().enumerate() {
            let points = match trail.since(state.drawn[index]) {
                NewPoints::Append(points) => points,
                NewPoints::Redraw => trail.points(),
            };
            let mut runs = PathRuns::default();
            // Cuts the stretch from plane point `a` to `b` every few pixels, each piece seen or
            // hidden by its end, onto the polyline being drawn.
            let span = |runs: &mut PathRuns, (x0, y0): (f64, f64), (x1, y1): (f64, f64)| {
                let (Some((from, _)), Some((to, _))) = (place(x0, y0), place(x1, y1)) else {
                    runs.lift();
                    return;
                };
                let pieces = (libm::hypot(to.0 - from.0, to.1 - from.1) / (PATH_STEP * grain))
                    .ceil()
                    .clamp(1.0, 64.0) as usize;
                for k in 1..=pieces {
                    let t = k as f64 / pieces as f64;
                    match place(x0 + t * (x1 - x0), y0 + t * (y1 - y0)) {
                        Some((at, seen)) => runs.extend(at, seen),
                        None => runs.lift(),
                    }
                }
            };
            // Puts the pen down where the stretch from `from` (off the view) to `to` enters the
            // view; returns that plane point and the one where the stretch leaves the view again,
            // or None where it misses the view or enters beside a hole in the mesh.
            let enter = |runs: &mut PathRuns, from: (f64, f64), to: (f64, f64)| {
                let (t0, t1) = clip(&view, from, to)?;
                let entry = along(&view, from, to, t0);
                let (at, seen) = place(entry.0, entry.1)?;
                runs.start(at, seen);
                Some((entry, along(&view, from, to, t1)))
            };
            // The last point drawn (plane, pixel), and the last one offered when it lay off the
            // mesh: a path that leaves the view is drawn to its edge, and from its edge when it
            // comes back, as the plane's view draws it.
            let mut last: Option<((f64, f64), (f64, f64))> = None;
            let mut off: Option<(f64, f64)> = None;
            // While turning, a long trail is drawn through every `stride`-th point (a power of two,
            // as the trail thins itself) and its last: at most TURNING_POINTS of them.
            let stride = if turning {
                points.len().div_ceil(TURNING_POINTS).next_power_of_two()
            } else {
                1
            };
            let end = points.len().saturating_sub(1);
            let picks = (0..end)
                .step_by(stride)
                .chain((!points.is_empty()).then_some(end));
            for k in picks {
                let Some(p) = points.get(k) else {
                    continue;
                };
                let here = (p.x, p.y);
                if !(p.x.is_finite() && p.y.is_finite()) {
                    runs.lift();
                    (last, off) = (None, None);
                    continue;
                }
                let Some((pixel, seen)) = place(p.x, p.y) else {
                    match (last, off) {
                        (Some((from, _)), _) => {
                            if let Some((_, t1)) = clip(&view, from, here) {
                                span(&mut runs, from, along(&view, from, here, t1));
                            }
                        }
                        (None, Some(from)) => {
                            if let Some((entry, exit)) = enter(&mut runs, from, here) {
                                span(&mut runs, entry, exit);
                            }
                        }
                        (None, None) => {}
                    }
                    runs.lift();
                    (last, off) = (None, Some(here));
                    continue;
                };
                // Points closer than a pixel or so to the last one drawn add nothing to the
                // picture: a long run near its end would otherwise cost a segment per step. The
                // last point is always drawn: the next frame's stretch starts there.
                let near = |(_, from): ((f64, f64), (f64, f64))| {
                    let (dx, dy) = (pixel.0 - from.0, pixel.1 - from.1);
                    dx * dx + dy * dy < (MIN_SEGMENT * grain).powi(2)
                };
                if k < end && last.is_some_and(near) {
                    continue;
                }
                match (last, off) {
                    (Some((from, _)), _) => span(&mut runs, from, here),
                    (None, Some(from)) => match enter(&mut runs, from, here) {
                        Some((entry, _)) => span(&mut runs, entry, here),
                        None => runs.start(pixel, seen),
                    },
                    (None, None) => runs.start(pixel, seen),
                }
                (last, off) = (Some((here, pixel)), None);
            }
            let width = if index == selected { 3.0 } else { 2.0 } * dpr;
            for context in targets {
                context.set_stroke_style_str(&racer_color(index));
                runs.stroke(context, width, HIDDEN_ALPHA)?;
            }
            state.drawn[index] = trail.drawn_all();
        }
        if whole && !direct {
            shown.clear_rect(0.0, 0.0, size.0 as f64, size.1 as f64);
            shown.draw_image_with_html_canvas_element(&layer, 0.0, 0.0)?;
        }
        let context = shown;
        // A point's disc and outline, with a pixel to spare for antialiasing, in whole pixels.
        let reach = POINT_REACH * dpr + 1.0;
        state.points.clear();
        for (index, runner) in self.session.race().runners.iter().enumerate() {
            let params = runner.params();
            if params.len() < 2 {
                continue;
            }
            // A racer that has left the view is shown on its edge, as on the plane.
            let (x, y) = (
                params[0].clamp(view.x_min, view.x_max),
                params[1].clamp(view.y_min, view.y_max),
            );
            if let Some((pixel, seen)) = place(x, y) {
                context.set_global_alpha(if seen { 1.0 } else { HIDDEN_ALPHA });
                draw_point(&context, pixel, &racer_color(index), dpr)?;
                context.set_global_alpha(1.0);
                let (left, top) = ((pixel.0 - reach).floor(), (pixel.1 - reach).floor());
                let (right, bottom) = ((pixel.0 + reach).ceil(), (pixel.1 + reach).ceil());
                state.points.push([left, top, right - left, bottom - top]);
            }
        }
        context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)?;
        Ok(())
    }
}

/// The part of the segment from `a` to `b` inside `view`, as parameters `t0 ≤ t1` of
/// `a + t·(b − a)` within 0 … 1; `None` where it misses the view (Liang & Barsky, "A New Concept
/// and Method for Line Clipping", 1984).
fn clip(view: &ViewBox, a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.0 - view.x_min),
        (dx, view.x_max - a.0),
        (-dy, a.1 - view.y_min),
        (dy, view.y_max - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

/// The point `a + t·(b − a)`, kept inside `view` against rounding.
fn along(view: &ViewBox, a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    (
        (a.0 + t * (b.0 - a.0)).clamp(view.x_min, view.x_max),
        (a.1 + t * (b.1 - a.1)).clamp(view.y_min, view.y_max),
    )
}

/// Canvas pixels (at a device pixel ratio of 1) a path's point must lie from the last one
/// drawn to be drawn.
const MIN_SEGMENT: f64 = 1.5;

/// Points of a trail drawn at most while the view turns ([`Lab::draw_paths_3d`]).
const TURNING_POINTS: usize = 512;

/// Pieces each edge of the floor is cut into to test what the mesh hides.
const FLOOR_PIECES: usize = 48;

/// How far a racer's point reaches from its centre, at a device pixel ratio of 1: its radius
/// and half its outline ([`draw_point`]).
const POINT_REACH: f64 = 5.0 + 0.75;

/// How strongly what the mesh hides still shows through it.
const HIDDEN_ALPHA: f64 = 0.3;

/// A path cut into polylines, each wholly seen or wholly hidden by the mesh.
#[derive(Default)]
struct PathRuns {
    seen: Vec<Vec<(f64, f64)>>,
    hidden: Vec<Vec<(f64, f64)>>,
    /// Whether the polyline being drawn is seen, and whether there is one (the pen is down).
    current: Option<bool>,
}

impl PathRuns {
    /// Puts the pen down at `at`.
    fn start(&mut self, at: (f64, f64), seen: bool) {
        self.runs(seen).push(vec![at]);
        self.current = Some(seen);
    }

    /// Draws on to `at`; a change between seen and hidden starts a new polyline there, joined
    /// to the last point.
    fn extend(&mut self, at: (f64, f64), seen: bool) {
        match self.current {
            Some(was) if was == seen => {
                if let Some(line) = self.runs(seen).last_mut() {
                    line.push(at);
                }
            }
            Some(was) => {
                let joint = self.runs(was).last().and_then(|l| l.last().copied());
                self.runs(seen)
                    .push(joint.into_iter().chain([at]).collect());
                self.current = Some(seen);
            }
            None => self.start(at, seen),
        }
    }

    /// Lifts the pen: the next point starts a new polyline.
    fn lift(&mut self) {
        self.current = None;
    }

    fn runs(&mut self, seen: bool) -> &mut Vec<Vec<(f64, f64)>> {
        if seen {
            &mut self.seen
        } else {
            &mut self.hidden
        }
    }

    /// Strokes the hidden polylines thinner at `hidden_alpha` (not at all at 0), then the seen
    /// ones, in the context's stroke colour.
    fn stroke(
        &self,
        context: &CanvasRenderingContext2d,
        width: f64,
        hidden_alpha: f64,
    ) -> Result<(), JsValue> {
        for (lines, alpha, scale) in [(&self.hidden, hidden_alpha, 0.7), (&self.seen, 1.0, 1.0)] {
            if alpha == 0.0 {
                continue;
            }
            context.set_global_alpha(alpha);
            context.set_line_width(width * scale);
            context.begin_path();
            for line in lines {
                let [(x, y), rest @ ..] = line.as_slice() else {
                    continue;
                };
                context.move_to(*x, *y);
                for (x, y) in rest {
                    context.line_to(*x, *y);
                }
            }
            context.stroke();
        }
        context.set_global_alpha(1.0);
        Ok(())
    }
}

impl Lab {
    /// The mesh to draw of the terrain last sampled ([`Lab::terrain_3d`]): its own, or its
    /// coarser one, with its colours (each computed once).
    fn shaded_3d(&mut self, coarse: bool) -> Option<(Rc<Terrain>, Rc<Shading>)> {
        let colors = &self.colors;
        let kept = self.terrain3d.as_mut()?;
        if coarse {
            let (terrain, shading) = kept.coarse.get_or_insert_with(|| {
                let terrain = kept.terrain.coarser(COARSE_MESH_POINTS);
                let shading = Rc::new(terrain.shading(colors));
                (Rc::new(terrain), shading)
            });
            return Some((terrain.clone(), shading.clone()));
        }
        let shading = kept
            .shading
            .get_or_insert_with(|| Rc::new(kept.terrain.shading(colors)));
        Some((kept.terrain.clone(), shading.clone()))
    }

    /// The current surface's terrain over the current view, sampled again only when the
    /// objective or the view changed; `None` where the objective is not a function of two
    /// parameters.
    fn terrain_3d(&mut self) -> Option<Rc<Terrain>> {
        let runner = self.session.race().runners.first()?;
        if runner.params().len() != 2 {
            return None;
        }
        let objective = runner.objective();
        let view = self.session.view();
        if let Some(kept) = &self.terrain3d {
            if Rc::ptr_eq(&kept.objective, objective) && kept.terrain.view == view {
                return Some(kept.terrain.clone());
            }
        }
        let terrain = Rc::new(Terrain::sample(
            |x, y| objective.loss(&[x, y]),
            view,
            MESH_POINTS,
            color_scale(runner),
        ));
        self.terrain3d = Some(Terrain3d {
            objective: objective.clone(),
            terrain: terrain.clone(),
            shading: None,
            coarse: None,
        });
        Some(terrain)
    }
}
