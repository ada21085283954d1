//! The 3-D view of a 2-parameter loss: the surface as a shaded mesh seen by an orbiting camera,
//! with paths lifted onto it, projected to canvas pixels and ordered back to front (the painter's
//! algorithm), so the page only fills polygons and strokes lines.

use super::colormap::ColorMap;
use super::heatmap::ColorScale;
use crate::objective::surfaces::ViewBox;

/// Where the camera looks from: it orbits the surface's centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Turn about the vertical axis, in degrees (0: looking along +y).
    pub yaw: f64,
    /// Elevation above the plane, in degrees, 5 … 90 (90: straight down).
    pub pitch: f64,
    /// Magnification, 0.5 … 4.
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            yaw: -35.0,
            pitch: 35.0,
            zoom: 1.0,
        }
    }
}

impl Camera {
    /// The camera with its angles and zoom brought into range (yaw to −180 … 180).
    pub fn clamped(self) -> Camera {
        let yaw = (self.yaw + 180.0).rem_euclid(360.0) - 180.0;
        Camera {
            yaw: if yaw.is_finite() { yaw } else { 0.0 },
            pitch: if self.pitch.is_finite() {
                self.pitch.clamp(5.0, 90.0)
            } else {
                35.0
            },
            zoom: if self.zoom.is_finite() {
                self.zoom.clamp(0.5, 4.0)
            } else {
                1.0
            },
        }
    }

    /// Reads `yaw,pitch,zoom` (the URL's `cam=`); `None` unless it is three finite numbers.
    pub fn parse(text: &str) -> Option<Camera> {
        let mut parts = text
            .split(',')
            .map(|p| crate::read::float_text::parse_f64(p.trim()));
        let (yaw, pitch, zoom) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() || ![yaw, pitch, zoom].iter().all(|v| v.is_finite()) {
            return None;
        }
        Some(Camera { yaw, pitch, zoom }.clamped())
    }
}

/// Grid points per side of the page's mesh: 63² cells, two triangles each.
pub const MESH_POINTS: usize = 64;

/// Grid points per side of the mesh the page draws while the view turns at a third of its
/// pixels or fewer ([`Terrain::coarser`]): about as many cells as such a canvas shows apart.
pub const COARSE_MESH_POINTS: usize = 32;

/// The surface's heights on a grid, normalised to 0 … 1 by the heat map's colour scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Terrain {
    /// Grid points per side.
    pub n: usize,
    /// The plane rectangle sampled.
    pub view: ViewBox,
    /// Heights, row-major from (x_min, y_min), `n × n`; NaN where the loss is not finite.
    pub heights: Vec<f64>,
    scale: ColorScale,
    min: f64,
    max: f64,
}

impl Terrain {
    /// Samples `loss` on an `n × n` grid over `view` (n ≥ 2); heights follow `scale`, as the heat
    /// map's colours do (log where the surface spans decades).
    pub fn sample(
        loss: impl Fn(f64, f64) -> f64,
        view: ViewBox,
        n: usize,
        scale: ColorScale,
    ) -> Terrain {
        let n = n.max(2);
        let at = |i: usize, lo: f64, hi: f64| lo + (hi - lo) * i as f64 / (n - 1) as f64;
        let values: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = (k % n, k / n);
                loss(at(i, view.x_min, view.x_max), at(j, view.y_min, view.y_max))
            })
            .collect();
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let min = finite.clone().fold(f64::INFINITY, f64::min);
        let max = finite.fold(f64::NEG_INFINITY, f64::max);
        let mut terrain = Terrain {
            n,
            view,
            heights: Vec::new(),
            scale,
            min,
            max,
        };
        terrain.heights = values.iter().map(|&v| terrain.height(v)).collect();
        terrain
    }

    /// The same surface on an `n × n` grid over the same view (n ≥ 2), its heights read off
    /// this mesh ([`Terrain::mesh_height`]) on the same scale: a lighter mesh of the same shape,
    /// for a picture of fewer pixels.
    pub fn coarser(&self, n: usize) -> Terrain {
        let n = n.max(2);
        // Grid point i of the coarser grid on this one's grid (exact at both ends).
        let at = |i: usize| i as f64 * (self.n - 1) as f64 / (n - 1) as f64;
        Terrain {
            n,
            view: self.view,
            heights: (0..n * n)
                .map(|k| self.grid_height(at(k % n), at(k / n)))
                .collect(),
            scale: self.scale,
            min: self.min,
            max: self.max,
        }
    }

    /// The height (0 … 1, clamped) of loss `value`; NaN where it or the range is not finite.
    /// Log: ln(1 + (v − min)/δ) / ln(1 + (max − min)/δ), the heat map's [`ColorScale::Log`]
    /// but with δ = 10⁻³·(max − min) rather than 10⁻⁶: three decades of relief instead of six,
    /// so a narrow valley sampled by the mesh does not turn into a row of spikes.
    pub fn height(&self, value: f64) -> f64 {
        let range = self.max - self.min;
        if !(value.is_finite() && range.is_finite()) {
            return f64::NAN;
        }
        if range <= 0.0 {
            return 0.0;
        }
        let t = match self.scale {
            ColorScale::Linear => (value - self.min) / range,
            ColorScale::Log => {
                let delta = range * 1e-3;
                libm::log1p((value - self.min).max(0.0) / delta) / libm::log1p(range / delta)
            }
        };
        t.clamp(0.0, 1.0)
    }

    /// The mesh's height at plane point (`px`, `py`): interpolated on the same two triangles per
    /// grid cell the mesh is drawn with, so a path lifted by it lies on the surface as drawn
    /// (a coarse mesh bridges a narrow valley above its floor). NaN outside the view or next to
    /// a hole in the mesh.
    pub fn mesh_height(&self, px: f64, py: f64) -> f64 {
        let last = (self.n - 1) as f64;
        let u = (px - self.view.x_min) / (self.view.x_max - self.view.x_min) * last;
        let v = (py - self.view.y_min) / (self.view.y_max - self.view.y_min) * last;
        self.grid_height(u, v)
    }

    /// [`Terrain::mesh_height`] at grid coordinates (`u`, `v`), 0 … n − 1 each way.
    fn grid_height(&self, u: f64, v: f64) -> f64 {
        let n = self.n;
        let last = (n - 1) as f64;
        if !(u >= 0.0 && v >= 0.0 && u <= last && v <= last) {
            return f64::NAN;
        }
        let (i, j) = ((u as usize).min(n - 2), (v as usize).min(n - 2));
        let (fu, fv) = (u - i as f64, v - j as f64);
        let h = |di: usize, dj: usize| self.heights[(j + dj) * n + i + di];
        if fu >= fv {
            h(0, 0) + fu * (h(1, 0) - h(0, 0)) + fv * (h(1, 1) - h(1, 0))
        } else {
            h(0, 0) + fv * (h(0, 1) - h(0, 0)) + fu * (h(1, 1) - h(0, 1))
        }
    }

    /// The mesh's colours in `colors` ([`Shading`]).
    pub fn shading(&self, colors: &ColorMap) -> Shading {
        Shading {
            rgb: (0..self.n * self.n)
                .map(|k| self.shade(k, colors))
                .collect(),
        }
    }

    /// Grid point `k`'s vertex as `projection` shows it, in colour `rgb`: its canvas position
    /// and depth.
    fn vertex(&self, k: usize, projection: &Projection, rgb: [f64; 3]) -> Vertex {
        let n = self.n;
        let coord = |i: usize| 2.0 * i as f64 / (n - 1) as f64 - 1.0;
        let (x, y, depth) = projection.point(coord(k % n), coord(k / n), self.heights[k]);
        Vertex { x, y, depth, rgb }
    }

    /// Grid point `k`'s colour: the colour map at its height, shaded by Lambert's cosine law
    /// between its normal and [`LIGHT`]; `None` where its height is not finite.
    fn shade(&self, k: usize, colors: &ColorMap) -> Option<[f64; 3]> {
        let n = self.n;
        let (i, j) = (k % n, k / n);
        let h = self.heights[k];
        if !h.is_finite() {
            return None;
        }
        // The slope by central differences (one-sided at the edges and beside holes), in box units.
        let spacing = 2.0 / (n - 1) as f64;
        let slope = |before: Option<f64>, after: Option<f64>| {
            let (rise, cells) = match (
                before.filter(|v| v.is_finite()),
                after.filter(|v| v.is_finite()),
            ) {
                (Some(a), Some(b)) => (b - a, 2.0),
                (Some(a), None) => (h - a, 1.0),
                (None, Some(b)) => (b - h, 1.0),
                (None, None) => return 0.0,
            };
            BOX_HEIGHT * rise / (cells * spacing)
        };
        let at = |i: usize, j: usize| self.heights[j * n + i];
        let dzdx = slope(
            i.checked_sub(1).map(|i| at(i, j)),
            (i + 1 < n).then(|| at(i + 1, j)),
        );
        let dzdy = slope(
            j.checked_sub(1).map(|j| at(i, j)),
            (j + 1 < n).then(|| at(i, j + 1)),
        );
        let norm = libm::sqrt(dzdx * dzdx + dzdy * dzdy + 1.0);
        // Lambert: cos θ between the normal (−∂z/∂x, −∂z/∂y, 1)/‖·‖ and the light.
        let light = (-dzdx * LIGHT[0] - dzdy * LIGHT[1] + LIGHT[2]) / norm;
        let shade = 0.55 + 0.45 * light.clamp(0.0, 1.0);
        Some(colors.at(h).map(|c| c as f64 * shade))
    }
}

/// The orthographic projection of the unit box (x, y ∈ −1 … 1 across the view, height 0 … 1
/// drawn 0.9 tall) onto a `width × height` canvas by `camera`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    cos_yaw: f64,
    sin_yaw: f64,
    cos_pitch: f64,
    sin_pitch: f64,
    scale: f64,
    cx: f64,
    cy: f64,
}

/// The box's height in the x, y units of the unit box.
const BOX_HEIGHT: f64 = 0.9;

impl Projection {
    /// The projection of `camera` onto a canvas of this size.
    pub fn new(camera: Camera, width: f64, height: f64) -> Projection {
        let camera = camera.clamped();
        let (yaw, pitch) = (camera.yaw.to_radians(), camera.pitch.to_radians());
        Projection {
            cos_yaw: libm::cos(yaw),
            sin_yaw: libm::sin(yaw),
            cos_pitch: libm::cos(pitch),
            sin_pitch: libm::sin(pitch),
            scale: camera.zoom * Self::fitting_scale(pitch, width, height),
            cx: width / 2.0,
            cy: height / 2.0,
        }
    }

    /// The scale at zoom 1 that fits the box in a `width × height` canvas seen from `pitch`
    /// (radians), centred, whatever the yaw: turning about the vertical, the box's footprint
    /// stays within the circle of radius √2 about its centre, so it spans at most 2√2 across and
    /// 2√2·sin(pitch) + BOX_HEIGHT·cos(pitch) up, symmetric about the centre. (A fixed share of
    /// the width let a short, wide canvas — a phone's — cut the box's front off.) The margin
    /// leaves room for the axis names beside the box.
    fn fitting_scale(pitch: f64, width: f64, height: f64) -> f64 {
        const MARGIN: f64 = 0.95;
        let across = 2.0 * std::f64::consts::SQRT_2;
        let up = across * libm::sin(pitch) + BOX_HEIGHT * libm::cos(pitch);
        MARGIN * (width / across).min(height / up)
    }

    /// Canvas pixel and depth (larger: further from the camera) of box point (x, y, z).
    pub fn point(&self, x: f64, y: f64, z: f64) -> (f64, f64, f64) {
        // Turn by yaw about the vertical, then tilt the view down by pitch.
        let xr = x * self.cos_yaw - y * self.sin_yaw;
        let yr = x * self.sin_yaw + y * self.cos_yaw;
        let zc = (z - 0.5) * BOX_HEIGHT;
        let screen_y = yr * self.sin_pitch + zc * self.cos_pitch;
        let depth = yr * self.cos_pitch - zc * self.sin_pitch;
        (
            self.cx + self.scale * xr,
            self.cy - self.scale * screen_y,
            depth,
        )
    }

    /// Canvas pixel of plane point (px, py) at height `z` (0 … 1) over `view`.
    pub fn plane_point(&self, view: &ViewBox, px: f64, py: f64, z: f64) -> (f64, f64) {
        let (sx, sy, _) = self.plane_depth(view, px, py, z);
        (sx, sy)
    }

    /// Canvas pixel and depth of plane point (px, py) at height `z` (0 … 1) over `view`.
    pub fn plane_depth(&self, view: &ViewBox, px: f64, py: f64, z: f64) -> (f64, f64, f64) {
        let x = 2.0 * (px - view.x_min) / (view.x_max - view.x_min) - 1.0;
        let y = 2.0 * (py - view.y_min) / (view.y_max - view.y_min) - 1.0;
        self.point(x, y, z)
    }
}

/// The light the mesh is shaded by, in box units: above, and a little toward −x and −y
/// (unit length).
const LIGHT: [f64; 3] = [-0.3 / 0.994_987_4, -0.3 / 0.994_987_4, 0.9 / 0.994_987_4];

/// The mesh drawn into pixels with a depth buffer (z-buffering: Catmull, "A Subdivision
/// Algorithm for Computer Display of Curved Surfaces", 1974), so the page puts it on its canvas
/// in one call and paths can be tested against it for what a hill hides.
#[derive(Clone, Debug, PartialEq)]
pub struct Raster {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// RGBA, row-major from the top left: the background where no face covers a pixel.
    pub rgba: Vec<u8>,
    /// Per pixel, the depth ([`Projection::point`]'s third coordinate) of the nearest face;
    /// +∞ where none (single precision: the depths span a few units).
    depth: Vec<f32>,
    /// Depth a point may lie behind the mesh and still count as on it: half a face's rise on a
    /// steep slope, in box units.
    tolerance: f64,
}

/// A terrain's colour at each grid point ([`Terrain::shading`]; `None` where its height is not
/// finite): the same from every camera (the light is fixed to the surface), so a turning view
/// computes it once.
#[derive(Clone, Debug, PartialEq)]
pub struct Shading {
    rgb: Vec<Option<[f64; 3]>>,
}

/// A corner of a triangle on its way to the pixels: canvas position, depth and colour.
#[derive(Clone, Copy)]
struct Vertex {
    x: f64,
    y: f64,
    depth: f64,
    rgb: [f64; 3],
}

impl Raster {
    /// An empty raster of `width × height` pixels, to [`Raster::draw`] into.
    pub fn new(width: usize, height: usize) -> Raster {
        Raster {
            width,
            height,
            rgba: vec![0; 4 * width * height],
            depth: vec![f32::INFINITY; width * height],
            tolerance: 0.0,
        }
    }

    /// Draws `terrain` as `projection` shows it over `background`, replacing what was drawn
    /// (the buffers are reused: a turning view redraws many times a second). Each grid cell is
    /// two triangles; colours are the colour map at each corner's height, shaded by Lambert's
    /// cosine law at the corner's normal and blended across the face (Gouraud shading,
    /// "Continuous Shading of Curved Surfaces", 1971).
    pub fn draw(
        &mut self,
        terrain: &Terrain,
        projection: &Projection,
        colors: &ColorMap,
        background: [u8; 3],
    ) {
        self.draw_shaded(terrain, &terrain.shading(colors), projection, background);
    }

    /// [`Raster::draw`] with the terrain's colours computed before ([`Terrain::shading`]; a
    /// shading of another grid leaves faces out).
    pub fn draw_shaded(
        &mut self,
        terrain: &Terrain,
        shading: &Shading,
        projection: &Projection,
        background: [u8; 3],
    ) {
        let [r, g, b] = background;
        fill_repeating(&mut self.rgba, &[r, g, b, 255]);
        fill_repeating(&mut self.depth, &[f32::INFINITY]);
        let n = terrain.n;
        self.tolerance = 4.0 / (n - 1) as f64;
        let raster = self;
        let vertices: Vec<Option<Vertex>> = (0..n * n)
            .map(|k| {
                let rgb = shading.rgb.get(k).copied().flatten()?;
                Some(terrain.vertex(k, projection, rgb))
            })
            .collect();
        for j in 0..n - 1 {
            for i in 0..n - 1 {
                let corner = |di: usize, dj: usize| vertices[(j + dj) * n + i + di];
                // The cell's diagonal runs from (i, j) to (i + 1, j + 1), as Terrain::mesh_height
                // interpolates it.
                for triangle in [
                    [corner(0, 0), corner(1, 0), corner(1, 1)],
                    [corner(0, 0), corner(1, 1), corner(0, 1)],
                ] {
                    if let [Some(a), Some(b), Some(c)] = triangle {
                        raster.fill([a, b, c]);
                    }
                }
            }
        }
    }

    /// Fills one triangle, pixel centres inside it (edges shared by neighbours drawn by both),
    /// nearer than what is there; depth and colour interpolated barycentrically (exact for
    /// depth under an orthographic projection). Row by row over the triangle's own span, so a
    /// long sliver on a steep wall costs its pixels, not its bounding box's.
    fn fill(&mut self, [a, b, c]: [Vertex; 3]) {
        // Edge function of p → q at (x, y): twice the signed area of (p, q, (x, y)).
        let edge = |p: &Vertex, q: &Vertex, x: f64, y: f64| {
            (q.x - p.x) * (y - p.y) - (q.y - p.y) * (x - p.x)
        };
        let area = edge(&a, &b, c.x, c.y);
        if !area.is_finite() || area.abs() < 1e-9 {
            return;
        }
        let (top, bottom) = (least(least(a.y, b.y), c.y), most(most(a.y, b.y), c.y));
        let (left, right) = (least(least(a.x, b.x), c.x), most(most(a.x, b.x), c.x));
        if right < 0.0 || bottom < 0.0 || left >= self.width as f64 || top >= self.height as f64 {
            return;
        }
        // The weights of a, b and c are affine in (x, y): w = w0 + dx·x + dy·y.
        let affine = |p: &Vertex, q: &Vertex| {
            let (dx, dy) = (-(q.y - p.y) / area, (q.x - p.x) / area);
            (edge(p, q, 0.0, 0.0) / area, dx, dy)
        };
        let weights = [affine(&b, &c), affine(&c, &a), affine(&a, &b)];
        // The quantity that is `fa`, `fb` and `fc` at the corners as an affine function of (x, y).
        let value = |fa: f64, fb: f64, fc: f64| {
            let at = |k: usize| weights[k];
            (
                fa * at(0).0 + fb * at(1).0 + fc * at(2).0,
                fa * at(0).1 + fb * at(1).1 + fc * at(2).1,
                fa * at(0).2 + fb * at(1).2 + fc * at(2).2,
            )
        };
        let depth = value(a.depth, b.depth, c.depth);
        let rgb = [0, 1, 2].map(|k| value(a.rgb[k], b.rgb[k], c.rgb[k]));
        // Inside by a hair: neighbouring triangles overlap by rounding rather than leave a seam.
        const EDGE: f64 = -1e-9;
        let row_first = top.floor().max(0.0) as usize;
        let row_last = (bottom.ceil() as usize).min(self.height - 1);
        for py in row_first..=row_last {
            let cy = py as f64 + 0.5;
            // The span of pixel centres x + 0.5 where every weight is ≥ EDGE on this row.
            let (mut lo, mut hi) = (
                most(left.floor(), 0.0),
                least(right.ceil(), self.width as f64 - 1.0),
            );
            for (w0, dx, dy) in weights {
                let at_row = w0 + dy * cy;
                if dx > 0.0 {
                    lo = most(((EDGE - at_row) / dx - 0.5).ceil(), lo);
                } else if dx < 0.0 {
                    hi = least(((EDGE - at_row) / dx - 0.5).floor(), hi);
                } else if at_row < EDGE {
                    hi = -1.0;
                }
            }
            if hi < lo {
                continue;
            }
            let (first, last) = (lo as usize, hi as usize);
            let line =
                |(f0, fx, fy): (f64, f64, f64)| (f0 + fy * cy + fx * (first as f64 + 0.5), fx);
            let (mut z, dz) = line(depth);
            // Each quantity in a variable of its own: the hot loop keeps them out of memory.
            let [(mut r, dr), (mut g, dg), (mut b, db)] = rgb.map(line);
            // The span's depths and pixels as slices of their own: no index checks per pixel.
            let (from, to) = (py * self.width + first, py * self.width + last + 1);
            let depths = &mut self.depth[from..to];
            let pixels = self.rgba[4 * from..4 * to].chunks_exact_mut(4);
            for (stored, pixel) in depths.iter_mut().zip(pixels) {
                let near = z as f32;
                if near < *stored {
                    *stored = near;
                    if let [red, green, blue, _] = pixel {
                        // `as` saturates: below 0 is 0, above 255 is 255.
                        (*red, *green, *blue) = ((r + 0.5) as u8, (g + 0.5) as u8, (b + 0.5) as u8);
                    }
                }
                z += dz;
                (r, g, b) = (r + dr, g + dg, b + db);
            }
        }
    }

    /// Whether a point on the surface at canvas pixel (`x`, `y`) and `depth` is seen: no face
    /// lies in front of it by more than the mesh's own tolerance. Off the canvas it is not.
    pub fn shows(&self, x: f64, y: f64, depth: f64) -> bool {
        if !(x >= 0.0 && y >= 0.0 && x < self.width as f64 && y < self.height as f64) {
            return false;
        }
        let index = y as usize * self.width + x as usize;
        depth <= self.depth[index] as f64 + self.tolerance
    }
}

/// The smaller of `a` and `b` (`b` where `a` is NaN): one comparison, where `f64::min` is a
/// call in WebAssembly.
fn least(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of `a` and `b` (`b` where `a` is NaN), as [`least`].
fn most(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// Fills `buffer` with copies of `unit` (whose length divides the buffer's): the first copy
/// written, then what is written copied after itself, doubling, as block copies.
fn fill_repeating<T: Copy>(buffer: &mut [T], unit: &[T]) {
    let Some(start) = buffer.get_mut(..unit.len()) else {
        return;
    };
    start.copy_from_slice(unit);
    let mut done = unit.len();
    while done < buffer.len() {
        let more = done.min(buffer.len() - done);
        buffer.copy_within(..more, done);
        done += more;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> ViewBox {
        ViewBox {
            x_min: -2.0,
            x_max: 2.0,
            y_min: -1.0,
            y_max: 3.0,
        }
    }

    #[test]
    fn the_box_fits_any_canvas_from_any_side_at_zoom_1() {
        // A phone's short, wide canvas, the desktop's, a tall one; every yaw and pitch.
        for (width, height) in [
            (345.0, 280.0),
            (760.0, 620.0),
            (300.0, 600.0),
            (900.0, 300.0),
        ] {
            for yaw in (-180..180).step_by(15) {
                for pitch in (5..=90).step_by(5) {
                    let camera = Camera {
                        yaw: f64::from(yaw),
                        pitch: f64::from(pitch),
                        zoom: 1.0,
                    };
                    let projection = Projection::new(camera, width, height);
                    for corner in 0..8 {
                        let x = if corner & 1 == 0 { -1.0 } else { 1.0 };
                        let y = if corner & 2 == 0 { -1.0 } else { 1.0 };
                        let z = if corner & 4 == 0 { 0.0 } else { 1.0 };
                        let (px, py, _) = projection.point(x, y, z);
                        assert!(
                            (0.0..=width).contains(&px) && (0.0..=height).contains(&py),
                            "{width}×{height}, yaw {yaw}, pitch {pitch}: corner at ({px}, {py})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn heights_span_zero_to_one_and_paths_share_the_scale() {
        let terrain = Terrain::sample(|x, y| x * x + y * y, view(), 9, ColorScale::Linear);
        let finite: Vec<f64> = terrain.heights.clone();
        assert_eq!(finite.iter().copied().fold(f64::INFINITY, f64::min), 0.0);
        assert_eq!(finite.iter().copied().fold(0.0, f64::max), 1.0);
        assert_eq!(terrain.height(13.0), 1.0, "the top corner (2, 3): 4 + 9");
        assert_eq!(terrain.height(100.0), 1.0, "clamped");
        assert!(terrain.height(f64::NAN).is_nan());
    }

    #[test]
    fn the_raster_covers_the_mesh_and_leaves_its_holes() {
        let terrain = Terrain::sample(
            |x, y| if x > 1.5 && y > 2.5 { f64::NAN } else { x + y },
            view(),
            5,
            ColorScale::Linear,
        );
        let down = Camera {
            yaw: 0.0,
            pitch: 90.0,
            zoom: 1.0,
        };
        let projection = Projection::new(down, 200.0, 200.0);
        let mut raster = Raster::new(200, 200);
        raster.draw(&terrain, &projection, &ColorMap::viridis(), [1, 2, 3]);
        let pixel = |px: f64, py: f64| {
            let (x, y) = projection.plane_point(&view(), px, py, 0.0);
            let index = 4 * (y as usize * 200 + x as usize);
            [
                raster.rgba[index],
                raster.rgba[index + 1],
                raster.rgba[index + 2],
            ]
        };
        assert_ne!(pixel(0.0, 1.0), [1, 2, 3], "the middle is covered");
        assert_eq!(pixel(1.9, 2.9), [1, 2, 3], "the hole shows the background");
        assert_eq!(raster.rgba[3], 255, "opaque");
        // Low values are dark in viridis: the (−2, −1) corner darker than the (0.9, 1.9) one.
        let sum = |c: [u8; 3]| c.iter().map(|&v| v as u32).sum::<u32>();
        assert!(sum(pixel(-1.9, -0.9)) < sum(pixel(0.9, 1.9)));
    }

    #[test]
    fn colours_computed_once_draw_the_same_picture() {
        let terrain = Terrain::sample(|x, y| x * x + y, view(), 9, ColorScale::Linear);
        let projection = Projection::new(Camera::default(), 120.0, 100.0);
        let colors = ColorMap::viridis();
        let (mut once, mut each) = (Raster::new(120, 100), Raster::new(120, 100));
        once.draw_shaded(&terrain, &terrain.shading(&colors), &projection, [0, 0, 0]);
        each.draw(&terrain, &projection, &colors, [0, 0, 0]);
        assert_eq!(once, each);
        // Another grid's colours leave the faces they do not cover out, and do not panic.
        let coarse = terrain.coarser(5).shading(&colors);
        once.draw_shaded(&terrain, &coarse, &projection, [0, 0, 0]);
        assert_ne!(once, each);
    }

    #[test]
    fn a_ridge_hides_what_lies_behind_it() {
        // A wall along y = 1 (the middle of the view), seen from low over the −y side.
        let wall = |_: f64, y: f64| libm::exp(-((y - 1.0) * 8.0).powi(2));
        let terrain = Terrain::sample(wall, view(), 33, ColorScale::Linear);
        let camera = Camera {
            yaw: 0.0,
            pitch: 10.0,
            zoom: 1.0,
        };
        let projection = Projection::new(camera, 300.0, 300.0);
        let mut raster = Raster::new(300, 300);
        raster.draw(&terrain, &projection, &ColorMap::viridis(), [0, 0, 0]);
        let seen = |px: f64, py: f64| {
            let (x, y, depth) =
                projection.plane_depth(&view(), px, py, terrain.mesh_height(px, py));
            raster.shows(x, y, depth)
        };
        assert!(seen(0.0, -0.5), "in front of the wall");
        assert!(seen(0.0, 1.0), "on its top");
        assert!(!seen(0.0, 1.6), "just behind it, on the floor");
        assert!(!seen(9.0, 1.0), "off the view");
    }

    #[test]
    fn mesh_heights_follow_the_mesh_triangles() {
        let terrain = Terrain::sample(|x, y| x * x + y, view(), 5, ColorScale::Linear);
        // At grid points: the sampled heights.
        for (k, &h) in terrain.heights.iter().enumerate() {
            let (i, j) = ((k % 5) as f64, (k / 5) as f64);
            let (x, y) = (-2.0 + i, -1.0 + j);
            assert!((terrain.mesh_height(x, y) - h).abs() < 1e-12, "({x}, {y})");
        }
        // Inside a cell, linear on each triangle: the midpoint of the diagonal is the mean of
        // its ends, not of the four corners.
        let diagonal = (terrain.mesh_height(-2.0, -1.0) + terrain.mesh_height(-1.0, 0.0)) / 2.0;
        assert!((terrain.mesh_height(-1.5, -0.5) - diagonal).abs() < 1e-12);
        assert!(terrain.mesh_height(2.5, 0.0).is_nan(), "outside the view");
    }

    #[test]
    fn a_coarser_mesh_keeps_the_shape_and_the_scale() {
        let terrain = Terrain::sample(|x, y| x * x + y * y, view(), 9, ColorScale::Linear);
        let coarse = terrain.coarser(5);
        assert_eq!((coarse.n, coarse.view), (5, terrain.view));
        // Every other point of the finer grid, the corners included.
        for (k, &h) in coarse.heights.iter().enumerate() {
            let (i, j) = (2 * (k % 5), 2 * (k / 5));
            assert!((h - terrain.heights[j * 9 + i]).abs() < 1e-12, "({i}, {j})");
        }
        assert_eq!(coarse.height(13.0), terrain.height(13.0), "the same scale");
    }

    #[test]
    fn looking_straight_down_shows_the_plane_as_the_heat_map_does() {
        let camera = Camera {
            yaw: 0.0,
            pitch: 90.0,
            zoom: 1.0,
        };
        let p = Projection::new(camera, 400.0, 400.0);
        let (left, _) = p.plane_point(&view(), -2.0, 1.0, 0.3);
        let (right, _) = p.plane_point(&view(), 2.0, 1.0, 0.7);
        let (_, top) = p.plane_point(&view(), 0.0, 3.0, 0.0);
        let (_, bottom) = p.plane_point(&view(), 0.0, -1.0, 1.0);
        assert!(
            left < right && top < bottom,
            "x to the right, y up, height unseen"
        );
        let (_, a) = p.plane_point(&view(), 0.0, 1.0, 0.0);
        let (_, b) = p.plane_point(&view(), 0.0, 1.0, 1.0);
        assert!((a - b).abs() < 1e-9);
    }

    #[test]
    fn buffers_are_filled_with_whole_copies() {
        for len in [0, 1, 3, 4, 5, 12, 28] {
            let mut buffer = vec![0_u8; 4 * len];
            fill_repeating(&mut buffer, &[1, 2, 3, 4]);
            assert_eq!(buffer, [1, 2, 3, 4].repeat(len), "{len} copies");
        }
        assert_eq!((least(f64::NAN, 2.0), most(f64::NAN, 2.0)), (2.0, 2.0));
    }

    #[test]
    fn cameras_are_read_and_kept_in_range() {
        assert_eq!(
            Camera::parse("-35,35,1"),
            Some(Camera {
                yaw: -35.0,
                pitch: 35.0,
                zoom: 1.0
            })
        );
        assert_eq!(
            Camera::parse("370,100,9"),
            Some(Camera {
                yaw: 10.0,
                pitch: 90.0,
                zoom: 4.0
            })
        );
        assert_eq!(Camera::parse("1,2"), None);
        assert_eq!(Camera::parse("1,2,x"), None);
        assert_eq!(Camera::parse("1,2,3,4"), None);
        assert_eq!(Camera::parse("nan,2,3"), None);
    }
}
