//! Heat maps as pixels: a function of (x, y) sampled at pixel centres over a view box, mapped
//! through a colour map into one RGBA buffer (row 0 at the top), with contour lines where the
//! quantised colour level changes between neighbouring pixels.

use super::colormap::ColorMap;
use crate::objective::model::Model;
use crate::objective::surfaces::{SurfaceSpec, ViewBox};
use crate::objective::Objective;

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
    /// The bottom of the last render's colour range: the smallest finite value, or its 1st
    /// percentile when the values below that run far further than the rest (a pole).
    pub min: f64,
    /// The top of the last render's colour range: the largest finite value, or the 99th
    /// percentile past a long high tail (a pole).
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
    /// indexed by level. On the log scale a level is found without a logarithm per pixel (see
    /// `LogLevels`). For a surface, [`Heatmap::render_surface`] is several times faster.
    pub fn render(
        &mut self,
        f: impl Fn(f64, f64) -> f64,
        view: &ViewBox,
        scale: ColorScale,
        map: &ColorMap,
        contours: bool,
    ) {
        self.render_rows(
            |y, xs, out| {
                for (value, &x) in out.iter_mut().zip(xs) {
                    *value = f(x, y);
                }
            },
            view,
            scale,
            map,
            contours,
        );
    }

    /// [`Heatmap::render`] of a 2-D surface, evaluated a row at a time
    /// ([`SurfaceSpec::value_row`]: one dispatch per row, not per pixel); the same pixels.
    pub fn render_surface(
        &mut self,
        surface: &SurfaceSpec,
        view: &ViewBox,
        scale: ColorScale,
        map: &ColorMap,
        contours: bool,
    ) {
        self.render_rows(
            |y, xs, out| surface.value_row(y, xs, out),
            view,
            scale,
            map,
            contours,
        );
    }

    /// [`Heatmap::render`] of a model's loss over `(x, y)`, its two parameters: a surface through
    /// [`Heatmap::render_surface`], anything else point by point — the same pixels as
    /// `render(|x, y| model.loss(&[x, y]), …)`.
    pub fn render_model(
        &mut self,
        model: &Model,
        view: &ViewBox,
        scale: ColorScale,
        map: &ColorMap,
        contours: bool,
    ) {
        match model {
            Model::Surface(surface) => self.render_surface(surface, view, scale, map, contours),
            _ => self.render(|x, y| model.loss(&[x, y]), view, scale, map, contours),
        }
    }

    /// [`Heatmap::render`] with the values computed a row at a time: `row(y, xs, out)` fills
    /// `out[i]` with the value at `(xs[i], y)` (pixel centres, `xs` left to right; rows from the
    /// top).
    pub fn render_rows(
        &mut self,
        mut row: impl FnMut(f64, &[f64], &mut [f64]),
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
        for (j, out) in self.values.chunks_exact_mut(w).enumerate() {
            row(view.y_max - (j as f64 + 0.5) * dy, &self.xs, out);
        }
        self.colour(scale, map, contours);
    }

    /// The pixels stretched to `width × height` (each at least 1), nearest neighbour: target
    /// pixel (i, j) takes source pixel (⌊i·w/width⌋, ⌊j·h/height⌋). A map rendered at a fraction
    /// of the size, shown at full size while the full one is computed.
    pub fn scaled_rgba(&self, width: usize, height: usize) -> Vec<u8> {
        let (width, height) = (width.max(1), height.max(1));
        let columns: Vec<usize> = (0..width).map(|i| i * self.width / width).collect();
        let mut out = Vec::with_capacity(width * height * 4);
        for j in 0..height {
            let row = j * self.height / height * self.width;
            for &i in &columns {
                let k = (row + i) * 4;
                out.extend_from_slice(&self.rgba[k..k + 4]);
            }
        }
        out
    }

    /// The passes after the values: their finite range, the levels, the pixels.
    fn colour(&mut self, scale: ColorScale, map: &ColorMap, contours: bool) {
        let (w, h) = (self.width, self.height);
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut all_finite = true;
        for &v in &self.values {
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
        }
        if !(min.is_finite() && max.is_finite()) {
            (min, max) = (0.0, 1.0);
        }
        let lowest = min;
        (min, max) = colour_range(&self.values, (min, max));
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
                let log_norm = 1.0 / libm::log1p(range / delta);
                match LogLevels::new(min, delta, log_norm) {
                    Some(log) => {
                        if min > lowest {
                            // A value below a clipped range's bottom takes its colour (`level`
                            // reads only values from `min` up); NaN and −∞ still go to level 0.
                            for (value, level) in self.values.iter().zip(self.levels.iter_mut()) {
                                *level = log.level(value.max(min));
                            }
                        } else {
                            for (value, level) in self.values.iter().zip(self.levels.iter_mut()) {
                                *level = log.level(*value);
                            }
                        }
                    }
                    // A degenerate range (δ or its reciprocal not finite): the formula itself.
                    None => {
                        for (value, level) in self.values.iter().zip(self.levels.iter_mut()) {
                            let v = *value;
                            let t = libm::log1p((v - min) / delta) * log_norm;
                            *level = if v.is_finite() {
                                (t.clamp(0.0, 1.0) * 255.0).round() as u8
                            } else {
                                0
                            };
                        }
                    }
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

/// How many times wider than the middle 98 % of the values a tail must be before the colour
/// range stops short of it ([`colour_range`]).
const TAIL_SPAN: f64 = 3.0;

/// The most values [`colour_range`] reads its percentiles from.
const RANGE_SAMPLE: usize = 1024;

/// The golden ratio's fractional part, (√5 − 1)/2: offsets spread evenly (the Weyl sequence
/// k·φ mod 1), used to place [`colour_range`]'s samples.
const GOLDEN: f64 = 0.618_033_988_749_894_9;

/// The colour range of `values` whose finite extremes are `(min, max)`: those extremes, unless a
/// tail is more than [`TAIL_SPAN`] times as wide as the span between the 1st and 99th percentiles
/// — a pole, like 1/(x² + y²) at the origin or tan x at π/2, whose few huge values would
/// otherwise take the whole scale and leave the rest of the picture one flat colour. That side
/// then ends at its percentile, and the values past it take the end colour. The percentiles are
/// those of [`RANGE_SAMPLE`] values spread over the grid (the k-th of as many equal runs of it, at
/// a golden-ratio offset within the run: an even stride down a 512-wide map would read one
/// column), so the cost stays far below the render's (about 50 µs). The built-in surfaces' tails
/// are far shorter, so their pictures keep their full range: on their views the longest, Beale's
/// and Himmelblau's, are 0.7 times the middle span.
fn colour_range(values: &[f64], (min, max): (f64, f64)) -> (f64, f64) {
    let runs = RANGE_SAMPLE.min(values.len());
    let mut sample = [0.0; RANGE_SAMPLE];
    let mut n = 0;
    for k in 0..runs {
        let at = (k as f64 + (k as f64 * GOLDEN).fract()) * values.len() as f64 / runs as f64;
        let v = values[(at as usize).min(values.len() - 1)];
        if v.is_finite() {
            sample[n] = v;
            n += 1;
        }
    }
    let sample = &sample[..n];
    if n < 100 {
        return (min, max);
    }
    // The nearest-rank percentile p, the k-th smallest value (k = ⌊p·(n − 1)⌉, from 0), found by
    // bisection on the value, where the count of values ≤ v passes k: to within 2⁻²⁴ of the
    // range, far below a colour level (1/256 of the range, or less). (A selection would sort;
    // this keeps the first screen's module small.)
    let percentile = |p: f64| {
        let k = (p * (n - 1) as f64).round() as usize;
        let at_most = |v: f64| sample.iter().filter(|&&x| x <= v).count();
        if at_most(min) > k {
            return min;
        }
        let (mut below, mut above) = (min, max);
        for _ in 0..24 {
            let mid = below + (above - below) / 2.0;
            if at_most(mid) > k {
                above = mid;
            } else {
                below = mid;
            }
        }
        above
    };
    let (low, high) = (percentile(0.01), percentile(0.99));
    let middle = high - low;
    if middle <= 0.0 {
        return (min, max);
    }
    (
        if low - min > TAIL_SPAN * middle {
            low
        } else {
            min
        },
        if max - high > TAIL_SPAN * middle {
            high
        } else {
            max
        },
    )
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
                put(px, self.plain[level as usize]);
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
            put(px, pixel(pair[0], edge));
        }
        if let (Some(&level), Some(&down), Some(px)) =
            (here.last(), below.last(), out.chunks_exact_mut(4).last())
        {
            let edge = band(level) != band(down);
            put(px, pixel(level, edge));
        }
    }
}

/// Writes a packed pixel into its 4 bytes (one store; `copy_from_slice` would call `memcpy` per
/// pixel in the size-optimised wasm build).
#[inline]
fn put(px: &mut [u8], rgba: u32) {
    if let Ok(px) = <&mut [u8; 4]>::try_from(px) {
        *px = rgba.to_le_bytes();
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

/// Buckets of the lookup from a value to its log-scale level: the top 8 mantissa bits and the
/// exponent of `w = 1 + (v − min)/δ` (at most 2²¹ for values up to `max`).
const LOG_BUCKETS: usize = 21 << 8;

/// The log scale's level of a value, `round(255 · ln(1 + (v − min)/δ) · log_norm)`, without a
/// logarithm per value: the bucket of `w = 1 + (v − min)/δ` (its float exponent and top mantissa
/// bits, a bucket far narrower than a level) gives the level at the bucket's start, which one
/// comparison up and one down against the values where the level changes make exact.
struct LogLevels {
    min: f64,
    inv_delta: f64,
    /// Entry `k` (1 … 255) is the least value of level `k`, `min + δ·(e^((k − ½)/(255·log_norm))
    /// − 1)`; entry 0 is −∞ and entry 256 is +∞.
    thresholds: [f64; 257],
    /// The level at the start of each bucket.
    guess: Vec<u8>,
}

impl LogLevels {
    fn new(min: f64, delta: f64, log_norm: f64) -> Option<LogLevels> {
        let inv_delta = 1.0 / delta;
        if !(min.is_finite() && delta > 0.0 && inv_delta.is_finite() && log_norm.is_finite()) {
            return None;
        }
        let exponent = |k: usize| (k as f64 - 0.5) / (255.0 * log_norm);
        let mut thresholds = [0.0; 257];
        thresholds[0] = f64::NEG_INFINITY;
        thresholds[256] = f64::INFINITY;
        for (k, t) in thresholds.iter_mut().enumerate().take(256).skip(1) {
            *t = min + delta * libm::expm1(exponent(k));
        }
        // Levels change where w = e^exponent(k); walk those against the bucket starts.
        let mut guess = vec![0u8; LOG_BUCKETS];
        let mut level = 0;
        let mut next = libm::exp(exponent(1));
        for (b, g) in guess.iter_mut().enumerate() {
            let start = f64::from_bits(((b + (1023 << 8)) as u64) << 44);
            while level < 255 && next <= start {
                level += 1;
                next = libm::exp(exponent(level + 1));
            }
            *g = level as u8;
        }
        Some(LogLevels {
            min,
            inv_delta,
            thresholds,
            guess,
        })
    }

    /// The level of `v` (0 for a non-finite value).
    #[inline]
    fn level(&self, v: f64) -> u8 {
        let w = (v - self.min) * self.inv_delta + 1.0;
        let bucket = ((w.to_bits() >> 44) as usize)
            .wrapping_sub(1023 << 8)
            .min(LOG_BUCKETS - 1);
        let g = self.guess[bucket] as usize;
        // NaN compares false both ways; ±∞ are sent to 0 below.
        let up = usize::from(v >= self.thresholds[g + 1]);
        let down = usize::from(v < self.thresholds[g]);
        if v.is_finite() {
            (g + up - down) as u8
        } else {
            0
        }
    }
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
    let mut table = [0u32; 257];
    for (level, entry) in table.iter_mut().take(256).enumerate() {
        *entry = pack(map.entry(level as u8));
    }
    table[256] = pack(NON_FINITE);
    for (v, px) in values.iter().zip(rgba.chunks_exact_mut(4)) {
        // t + ½ truncated is t rounded half up (t ≥ 0); NaN truncates to 0.
        let t = ((v - lo) * scale).clamp(0.0, 255.0) + 0.5;
        let index = if v.is_finite() { t as usize } else { 256 };
        put(px, table[index.min(256)]);
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // expectations may use the platform's functions
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

    /// The row-wise and model paths paint exactly what the point-wise closure paints, on every
    /// surface and scale (including the non-finite and degenerate corners of the log scale).
    #[test]
    fn surface_and_model_paths_match_the_closure() {
        use crate::objective::surfaces::Surface;
        let colors = ColorMap::viridis();
        for surface in SurfaceSpec::all() {
            let model = Model::Surface(surface.clone());
            let view = surface.view_box();
            for (scale, contours) in [
                (ColorScale::Log, true),
                (ColorScale::Linear, true),
                (ColorScale::Log, false),
            ] {
                let mut a = Heatmap::new(97, 61);
                let mut b = Heatmap::new(97, 61);
                let mut c = Heatmap::new(97, 61);
                a.render(|x, y| surface.value(x, y), &view, scale, &colors, contours);
                b.render_surface(&surface, &view, scale, &colors, contours);
                c.render_model(&model, &view, scale, &colors, contours);
                assert!(
                    a.rgba == b.rgba && a.rgba == c.rgba,
                    "{surface:?} {scale:?}"
                );
                assert_eq!((a.min, a.max), (b.min, b.max));
            }
        }
    }

    #[test]
    fn a_pole_does_not_take_the_whole_colour_scale() {
        let view = ViewBox {
            x_min: -2.0,
            x_max: 2.0,
            y_min: -2.0,
            y_max: 2.0,
        };
        // 1/r² is 1/8 at the corners and ~10⁵ beside the origin: over the full range every
        // pixel but a few would be level 0. The 99th percentile of 1/r² here is ≈ 20 (r ≈ 0.23).
        let mut map = Heatmap::new(200, 200);
        let f = |x: f64, y: f64| 1.0 / (x * x + y * y);
        map.render(f, &view, ColorScale::Linear, &ColorMap::viridis(), true);
        assert!(
            (map.min - 0.125).abs() < 0.01,
            "the low side keeps its end: {}",
            map.min
        );
        assert!(
            map.max > 10.0 && map.max < 30.0,
            "the top is the 99th percentile: {}",
            map.max
        );
        let level_at = |map: &Heatmap, x: f64, y: f64| {
            let i = ((x + 2.0) / 4.0 * 200.0) as usize;
            let j = ((2.0 - y) / 4.0 * 200.0) as usize;
            map.levels[j * 200 + i]
        };
        assert_eq!(
            level_at(&map, 0.01, 0.01),
            255,
            "the pole takes the top colour"
        );
        assert!(
            level_at(&map, 0.3, 0.0) > level_at(&map, 0.6, 0.0) + 50,
            "the rings around it read"
        );
        let distinct: std::collections::BTreeSet<u8> = map.levels.iter().copied().collect();
        assert!(distinct.len() > 100, "{} levels", distinct.len());
        // On the log scale too, and a value under a clipped bottom takes the bottom colour.
        map.render(
            |x, y| -f(x, y),
            &view,
            ColorScale::Log,
            &ColorMap::viridis(),
            true,
        );
        assert!(map.min > -30.0 && map.min < -10.0, "{}", map.min);
        assert_eq!(level_at(&map, 0.01, 0.01), 0);
        assert!(level_at(&map, 0.3, 0.0) < level_at(&map, 0.6, 0.0));
    }

    #[test]
    fn the_built_in_surfaces_keep_their_full_colour_range() {
        use crate::objective::surfaces::Surface;
        for surface in SurfaceSpec::all() {
            let view = surface.view_box();
            let mut map = Heatmap::new(120, 90);
            let f = |x: f64, y: f64| surface.value(x, y);
            map.render(f, &view, ColorScale::Linear, &ColorMap::viridis(), false);
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for &v in map.values.iter().filter(|v| v.is_finite()) {
                (min, max) = (min.min(v), max.max(v));
            }
            assert_eq!((map.min, map.max), (min, max), "{surface:?}");
        }
    }

    /// The log scale's levels without a logarithm per pixel are the formula's levels,
    /// `round(255 · ln(1 + (v − min)/δ) · log_norm)`, across many decades.
    #[test]
    fn log_levels_follow_the_formula() {
        let mut map = Heatmap::new(1000, 3);
        let view = ViewBox {
            x_min: 0.0,
            x_max: 1.0,
            y_min: 0.0,
            y_max: 1.0,
        };
        let f = |x: f64, y: f64| 3.0 + (30.0 * x).exp() * (1.0 + y) - (x * 7.0).sin();
        map.render(f, &view, ColorScale::Log, &ColorMap::viridis(), false);
        let (min, max) = (map.min, map.max);
        let range = max - min;
        let delta = range * 1e-6;
        let log_norm = 1.0 / (range / delta).ln_1p();
        let mut differ = 0;
        for (v, level) in map.values.iter().zip(&map.levels) {
            let t = ((v - min) / delta).ln_1p() * log_norm;
            let expected = (t.clamp(0.0, 1.0) * 255.0).round() as u8;
            assert!(expected.abs_diff(*level) <= 1, "{v}: {level} vs {expected}");
            differ += usize::from(expected != *level);
        }
        assert!(
            differ <= 2,
            "{differ} levels off by one (only at a rounding tie)"
        );
        let mut flat = Heatmap::new(4, 4);
        flat.render(
            |_, _| 5.0,
            &view,
            ColorScale::Log,
            &ColorMap::viridis(),
            true,
        );
        assert!(flat.levels.iter().all(|&l| l == 0));
    }

    #[test]
    fn scaled_pixels_repeat_the_nearest_source_pixel() {
        let mut map = Heatmap::new(2, 2);
        for (k, pixel) in map.rgba.chunks_exact_mut(4).enumerate() {
            pixel.copy_from_slice(&[k as u8; 4]);
        }
        let big = map.scaled_rgba(4, 3);
        let at = |i: usize, j: usize| big[(j * 4 + i) * 4];
        // Columns 0-1 from source column 0, 2-3 from 1; rows 0-1 from source row 0, row 2 from 1.
        assert_eq!([at(0, 0), at(1, 1), at(2, 0), at(3, 1)], [0, 0, 1, 1]);
        assert_eq!([at(0, 2), at(3, 2)], [2, 3]);
        assert_eq!(big.len(), 4 * 3 * 4);
        // The same size: the same pixels.
        assert_eq!(map.scaled_rgba(2, 2), map.rgba);
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
