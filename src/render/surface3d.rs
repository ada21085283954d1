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
}

/// One face of the mesh, ready to fill.
#[derive(Clone, Debug, PartialEq)]
pub struct Face {
    /// Its corners in canvas pixels.
    pub corners: [(f64, f64); 4],
    /// Its colour: the colour map at its mean height, shaded by its slope toward the light.
    pub rgb: [u8; 3],
    depth: f64,
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
            // The box's diagonal (2√2 wide) fits the canvas at zoom 1.
            scale: camera.zoom * 0.34 * width.min(height * 1.3),
            cx: width / 2.0,
            cy: height * 0.55,
        }
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
        let x = 2.0 * (px - view.x_min) / (view.x_max - view.x_min) - 1.0;
        let y = 2.0 * (py - view.y_min) / (view.y_max - view.y_min) - 1.0;
        let (sx, sy, _) = self.point(x, y, z);
        (sx, sy)
    }
}

/// The mesh's faces as `projection` shows them, back to front; faces with a non-finite corner
/// are left out. Each face is coloured by `colors` at its mean height and shaded by Lambert's
/// cosine law toward a light above and behind the camera.
pub fn faces(terrain: &Terrain, projection: &Projection, colors: &ColorMap) -> Vec<Face> {
    let n = terrain.n;
    let coord = |i: usize| 2.0 * i as f64 / (n - 1) as f64 - 1.0;
    let mut faces = Vec::with_capacity((n - 1) * (n - 1));
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let h = [
                terrain.heights[j * n + i],
                terrain.heights[j * n + i + 1],
                terrain.heights[(j + 1) * n + i + 1],
                terrain.heights[(j + 1) * n + i],
            ];
            if h.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let xs = [coord(i), coord(i + 1), coord(i + 1), coord(i)];
            let ys = [coord(j), coord(j), coord(j + 1), coord(j + 1)];
            let mut corners = [(0.0, 0.0); 4];
            let mut depth = 0.0;
            for k in 0..4 {
                let (sx, sy, d) = projection.point(xs[k], ys[k], h[k]);
                corners[k] = (sx, sy);
                depth += d / 4.0;
            }
            // The face's normal from its diagonals' slopes, in box units.
            let step = 2.0 / (n - 1) as f64;
            let dzdx = BOX_HEIGHT * ((h[1] + h[2]) - (h[0] + h[3])) / (2.0 * step);
            let dzdy = BOX_HEIGHT * ((h[3] + h[2]) - (h[0] + h[1])) / (2.0 * step);
            let norm = libm::sqrt(dzdx * dzdx + dzdy * dzdy + 1.0);
            // Lambert: cos θ between the normal (−∂z/∂x, −∂z/∂y, 1)/‖·‖ and the light
            // (−0.3, −0.3, 0.9)/‖·‖, above and a little toward −x, −y.
            let light = (0.3 * dzdx + 0.3 * dzdy + 0.9) / (norm * 0.994_987_4);
            let shade = 0.55 + 0.45 * light.clamp(0.0, 1.0);
            let [r, g, b] = colors.at((h[0] + h[1] + h[2] + h[3]) / 4.0);
            let dim = |c: u8| (c as f64 * shade).round().clamp(0.0, 255.0) as u8;
            faces.push(Face {
                corners,
                rgb: [dim(r), dim(g), dim(b)],
                depth,
            });
        }
    }
    faces.sort_by(|a, b| b.depth.total_cmp(&a.depth));
    faces
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
    fn faces_come_back_to_front_and_skip_holes() {
        let terrain = Terrain::sample(
            |x, y| if x > 1.5 && y > 2.5 { f64::NAN } else { x + y },
            view(),
            5,
            ColorScale::Linear,
        );
        let projection = Projection::new(Camera::default(), 400.0, 300.0);
        let faces = faces(&terrain, &projection, &ColorMap::viridis());
        assert_eq!(faces.len(), 16 - 1, "the corner face has a NaN height");
        assert!(faces.windows(2).all(|w| w[0].depth >= w[1].depth));
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
