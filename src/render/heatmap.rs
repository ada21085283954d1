//! Heat maps as pixels: a function of (x, y) sampled at pixel centres over a view box, mapped
//! through a colour map into one RGBA buffer (row 0 at the top), with contour lines where the
//! quantised colour level changes between neighbouring pixels.

use super::colormap::ColorMap;
use crate::objective::surfaces::ViewBox;

/// How values map to colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorScale {
    /// t = (v − min) / (max − min).
    Linear,
    /// t = ln(1 + (v − min)/δ) / ln(1 + (max − min)/δ), δ = 1e-6·(max − min): for surfaces that
    /// span decades, such as Rosenbrock's valley.
    Log,
}

/// Reusable buffers and settings for heat maps of one size.
#[derive(Clone, Debug)]
pub struct Heatmap {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// RGBA bytes, `width × height × 4`, row-major from the top-left pixel.
    pub rgba: Vec<u8>,
    /// Smallest finite value seen in the last render.
    pub min: f64,
    /// Largest finite value seen in the last render.
    pub max: f64,
    values: Vec<f64>,
    levels: Vec<u8>,
    xs: Vec<f64>,
}

/// Colour of pixels where the function is not finite.
const NON_FINITE: [u8; 3] = [60, 60, 60];

/// Number of contour bands across the colour range.
pub const CONTOUR_LEVELS: f64 = 24.0;

impl Heatmap {
    /// Buffers for a `width × height` map (each at least 1).
    pub fn new(width: usize, height: usize) -> Self {
        let (width, height) = (width.max(1), height.max(1));
        Heatmap {
            width,
            height,
            rgba: vec![0; width * height * 4],
            min: 0.0,
            max: 0.0,
            values: vec![0.0; width * height],
            levels: vec![0; width * height],
            xs: Vec::with_capacity(width),
        }
    }

    /// The plane coordinates of pixel centre (column `i`, row `j`) for `view`.
    pub fn pixel_to_plane(&self, view: &ViewBox, i: usize, j: usize) -> (f64, f64) {
        let x = view.x_min + (i as f64 + 0.5) / self.width as f64 * (view.x_max - view.x_min);
        let y = view.y_max - (j as f64 + 0.5) / self.height as f64 * (view.y_max - view.y_min);
        (x, y)
    }

    /// Samples `f` over `view` and colours it; `contours` darkens band edges.
    ///
    /// Three passes over reused buffers: the values (and their finite range); each value's colour
    /// level, 0 … 255; the pixels, from two 256-entry tables of packed RGBA (plain and darkened)
    /// indexed by level. On the log scale a level is found without a logarithm per pixel: a
    /// cheap estimate from the float's exponent bits (within a small fraction of a level) is
    /// corrected against the table of the 255 values where the level changes, computed once per
    /// render with `exp_m1`.
    pub fn render(
        &mut self,
        f: impl Fn(f64, f64) -> f64,
        view: &ViewBox,
        scale: ColorScale,
        map: &ColorMap,
        contours: bool,
    ) {
        let (w, h) = (self.width, self.height);
        let dx = (view.x_max - view.x_min) / w as f64;
        let dy = (view.y_max - view.y_min) / h as f64;
        self.xs.clear();
        self.xs
            .extend((0..w).map(|i| view.x_min + (i as f64 + 0.5) * dx));
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut all_finite = true;
        for (j, row) in self.values.chunks_exact_mut(w).enumerate() {
            let y = view.y_max - (j as f64 + 0.5) * dy;
            for (value, &x) in row.iter_mut().zip(&self.xs) {
                let v = f(x, y);
                if v.is_finite() {
                    if v < min {
                        min = v;
                    }
                    if v > max {
                        max = v;
                    }
                } else {
                    all_finite = false;
                }
                *value = v;
            }
        }
        if !(min.is_finite() && max.is_finite()) {
            (min, max) = (0.0, 1.0);
        }
        self.min = min;
        self.max = max;
        let range = (max - min).max(f64::MIN_POSITIVE);
        match scale {
            ColorScale::Linear => {
                for (value, level) in self.values.iter().zip(self.levels.iter_mut()) {
                    let v = *value;
                    let t = ((v - min) / range).clamp(0.0, 1.0) * 255.0;
                    // t + ½ truncated is t rounded half up (t ≥ 0); non-finite values get 0.
                    *level = if v.is_finite() { (t + 0.5) as u8 } else { 0 };
                }
            }
            ColorScale::Log => {
                let delta = range * 1e-6;
                let log_norm = 1.0 / (range / delta).ln_1p();
                let thresholds = log_thresholds(min, delta, log_norm);
                // Levels per octave of 1 + (v − min)/δ.
                let per_octave = (std::f64::consts::LN_2 * log_norm * 255.0) as f32;
                let inv_delta = 1.0 / delta;
                for (value, level) in self.values.iter().zip(self.levels.iter_mut()) {
                    let v = *value;
                    let u = ((v - min) * inv_delta) as f32;
                    let guess = (log2_1p_estimate(u) * per_octave + 0.5) as usize;
                    let g = guess.min(255);
                    // The estimate is within one level: step up or down once.
                    let up = usize::from(v >= thresholds[g + 1]);
                    let down = usize::from(v < thresholds[g]);
                    // NaN compares false both ways and ±∞ saturate; the colour pass marks
                    // non-finite values through the value itself.
                    *level = if v.is_finite() {
                        (g + up - down) as u8
                    } else {
                        0
                    };
                }
            }
        }
        let tables = ColourTables::new(map);
        for j in 0..h {
            let (here, rest) = self.levels[j * w..].split_at(w);
            let below = if j + 1 < h { &rest[..w] } else { here };
            let out = &mut self.rgba[4 * j * w..4 * (j + 1) * w];
            tables.colour_row(here, below, contours, out);
            if !all_finite {
                // Non-finite values are grey, darkened on a contour like any other pixel.
                let values = &self.values[j * w..(j + 1) * w];
                for (i, v) in values.iter().enumerate() {
                    if !v.is_finite() {
                        let rgb = if contours && tables.edge(here, below, i) {
                            darken(NON_FINITE)
                        } else {
                            NON_FINITE
                        };
                        out[4 * i..4 * i + 4].copy_from_slice(&pack(rgb).to_le_bytes());
                    }
                }
            }
        }
    }
}

/// Per-level pixel tables for one colour map: packed RGBA plain and darkened, and the contour
/// band of each level.
struct ColourTables {
    plain: [u32; 256],
    dark: [u32; 256],
    band: [u8; 256],
}

impl ColourTables {
    fn new(map: &ColorMap) -> Self {
        let mut tables = ColourTables {
            plain: [0; 256],
            dark: [0; 256],
            band: [0; 256],
        };
        for level in 0..256 {
            let rgb = map.entry(level as u8);
            tables.plain[level] = pack(rgb);
            tables.dark[level] = pack(darken(rgb));
            tables.band[level] = (level as f64 * CONTOUR_LEVELS / 256.0) as u8;
        }
        tables
    }

    /// Whether pixel `i` of row `here` lies on a band edge (see [`ColourTables::colour_row`]).
    fn edge(&self, here: &[u8], below: &[u8], i: usize) -> bool {
        let band = |level: u8| self.band[level as usize];
        let b = band(here[i]);
        let right = here.get(i + 1).map_or(b, |&l| band(l));
        b != right || b != band(below[i])
    }

    /// Colours one row of levels; with `contours`, a pixel whose band differs from its right or
    /// lower neighbour's (`below` is the next row, or `here` for the last) is darkened.
    #[inline]
    fn colour_row(&self, here: &[u8], below: &[u8], contours: bool, out: &mut [u8]) {
        let band = |level: u8| self.band[level as usize];
        if !contours {
            for (px, &level) in out.chunks_exact_mut(4).zip(here) {
                px.copy_from_slice(&self.plain[level as usize].to_le_bytes());
            }
            return;
        }
        let pixel = |level: u8, edge: bool| {
            if edge {
                self.dark[level as usize]
            } else {
                self.plain[level as usize]
            }
        };
        for ((px, pair), &down) in out.chunks_exact_mut(4).zip(here.windows(2)).zip(below) {
            let b = band(pair[0]);
            let edge = b != band(pair[1]) || b != band(down);
            px.copy_from_slice(&pixel(pair[0], edge).to_le_bytes());
        }
        if let (Some(&level), Some(&down), Some(px)) =
            (here.last(), below.last(), out.chunks_exact_mut(4).last())
        {
            let edge = band(level) != band(down);
            px.copy_from_slice(&pixel(level, edge).to_le_bytes());
        }
    }
}

/// RGB as little-endian RGBA bytes in a `u32`, opaque.
#[inline]
fn pack([r, g, b]: [u8; 3]) -> u32 {
    u32::from_le_bytes([r, g, b, 255])
}

/// The contour colour: each channel × 3/5.
#[inline]
fn darken(rgb: [u8; 3]) -> [u8; 3] {
    rgb.map(|c| (c as u16 * 3 / 5) as u8)
}

/// `log₂(1 + u)` within 0.008 for `u ≥ 0` (the float's exponent plus a quadratic in its
/// mantissa); `0` for NaN or negative `u`.
#[inline]
fn log2_1p_estimate(u: f32) -> f32 {
    let bits = (1.0 + u.max(0.0)).to_bits();
    let exponent = ((bits >> 23) as i32 - 127) as f32;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000) - 1.0;
    exponent + m + 0.346_573_6 * m * (1.0 - m)
}

/// Where the log scale's level changes: entry `k` (1 … 255) is the least value of level `k`,
/// `min + δ·(e^((k − ½)/(255·log_norm)) − 1)`, the inverse of
/// `level = round(255 · ln(1 + (v − min)/δ) · log_norm)`; entry 0 is −∞ and entry 256 is +∞.
fn log_thresholds(min: f64, delta: f64, log_norm: f64) -> [f64; 257] {
    let mut thresholds = [0.0; 257];
    thresholds[0] = f64::NEG_INFINITY;
    thresholds[256] = f64::INFINITY;
    for (k, t) in thresholds.iter_mut().enumerate().take(256).skip(1) {
        *t = min + delta * ((k as f64 - 0.5) / (255.0 * log_norm)).exp_m1();
    }
    thresholds
}

/// Paints `values` (one per pixel) through `map` into `rgba` (4 bytes per pixel, opaque),
/// linearly from `lo` (entry 0) to `hi` (entry 255), clamped; non-finite values are grey. For
/// pictures whose range is known in advance, such as a classifier's probabilities.
///
/// # Panics
/// If `rgba.len() != 4 · values.len()`.
pub fn paint_values(values: &[f64], lo: f64, hi: f64, map: &ColorMap, rgba: &mut [u8]) {
    assert_eq!(
        rgba.len(),
        4 * values.len(),
        "paint_values: 4 bytes per value"
    );
    let scale = 255.0 / (hi - lo);
    for (v, px) in values.iter().zip(rgba.chunks_exact_mut(4)) {
        let rgb = if v.is_finite() {
            map.entry(((v - lo) * scale).clamp(0.0, 255.0).round() as u8)
        } else {
            NON_FINITE
        };
        px.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_view() -> ViewBox {
        ViewBox {
            x_min: 0.0,
            x_max: 1.0,
            y_min: 0.0,
            y_max: 1.0,
        }
    }

    #[test]
    fn linear_ramp_goes_dark_to_light_left_to_right() {
        let mut map = Heatmap::new(64, 8);
        let colors = ColorMap::viridis();
        map.render(|x, _| x, &unit_view(), ColorScale::Linear, &colors, false);
        let left = &map.rgba[0..3];
        let right = &map.rgba[4 * 63..4 * 63 + 3];
        assert_eq!(left, &colors.at(0.0)[..]);
        assert_eq!(right, &colors.at(1.0)[..]);
        assert!(map.rgba.chunks(4).all(|p| p[3] == 255));
    }

    #[test]
    fn row_zero_is_the_top_of_the_view() {
        let map = Heatmap::new(10, 10);
        let (_, y_top) = map.pixel_to_plane(&unit_view(), 0, 0);
        let (_, y_bottom) = map.pixel_to_plane(&unit_view(), 0, 9);
        assert!(y_top > 0.9 && y_bottom < 0.1);
    }

    #[test]
    fn non_finite_values_are_grey_not_a_panic() {
        let mut map = Heatmap::new(4, 4);
        map.render(
            |x, _| if x < 0.5 { f64::NAN } else { x },
            &unit_view(),
            ColorScale::Log,
            &ColorMap::viridis(),
            true,
        );
        assert_eq!(&map.rgba[0..3], &NON_FINITE[..]);
        let mut all_nan = Heatmap::new(2, 2);
        all_nan.render(
            |_, _| f64::INFINITY,
            &unit_view(),
            ColorScale::Linear,
            &ColorMap::viridis(),
            true,
        );
        assert_eq!((all_nan.min, all_nan.max), (0.0, 1.0));
    }

    #[test]
    fn contours_darken_band_edges() {
        let mut plain = Heatmap::new(128, 2);
        let mut lined = Heatmap::new(128, 2);
        let colors = ColorMap::viridis();
        plain.render(|x, _| x, &unit_view(), ColorScale::Linear, &colors, false);
        lined.render(|x, _| x, &unit_view(), ColorScale::Linear, &colors, true);
        let differing = plain
            .rgba
            .chunks(4)
            .zip(lined.rgba.chunks(4))
            .filter(|(a, b)| a != b)
            .count();
        assert!(
            differing >= 20,
            "about one dark column per band, got {differing}"
        );
    }
}
