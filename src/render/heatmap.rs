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
        }
    }

    /// The plane coordinates of pixel centre (column `i`, row `j`) for `view`.
    pub fn pixel_to_plane(&self, view: &ViewBox, i: usize, j: usize) -> (f64, f64) {
        let x = view.x_min + (i as f64 + 0.5) / self.width as f64 * (view.x_max - view.x_min);
        let y = view.y_max - (j as f64 + 0.5) / self.height as f64 * (view.y_max - view.y_min);
        (x, y)
    }

    /// Samples `f` over `view` and colours it; `contours` darkens band edges.
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
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for j in 0..h {
            let y = view.y_max - (j as f64 + 0.5) * dy;
            let row = &mut self.values[j * w..(j + 1) * w];
            for (i, value) in row.iter_mut().enumerate() {
                let v = f(view.x_min + (i as f64 + 0.5) * dx, y);
                if v.is_finite() {
                    min = min.min(v);
                    max = max.max(v);
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
        let delta = range * 1e-6;
        let log_norm = 1.0 / (range / delta).ln_1p();
        for (value, level) in self.values.iter().zip(self.levels.iter_mut()) {
            let v = *value;
            *level = if v.is_finite() {
                let t = match scale {
                    ColorScale::Linear => (v - min) / range,
                    ColorScale::Log => ((v - min) / delta).ln_1p() * log_norm,
                };
                (t.clamp(0.0, 1.0) * 255.0).round() as u8
            } else {
                // Marked by the colour pass below through the value itself.
                0
            };
        }
        let band = |level: u8| (level as f64 * CONTOUR_LEVELS / 256.0) as u8;
        for j in 0..h {
            for i in 0..w {
                let k = j * w + i;
                let mut rgb = if self.values[k].is_finite() {
                    map.entry(self.levels[k])
                } else {
                    NON_FINITE
                };
                if contours {
                    let here = band(self.levels[k]);
                    let right = if i + 1 < w {
                        band(self.levels[k + 1])
                    } else {
                        here
                    };
                    let below = if j + 1 < h {
                        band(self.levels[k + w])
                    } else {
                        here
                    };
                    if here != right || here != below {
                        for c in rgb.iter_mut() {
                            *c = (*c as u16 * 3 / 5) as u8;
                        }
                    }
                }
                self.rgba[4 * k..4 * k + 4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
            }
        }
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
