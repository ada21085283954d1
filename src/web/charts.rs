//! The charts: the loss chart (log or linear axis, with its hover read-out) and the network
//! lab's per-layer gradient norms.

use super::*;
#[cfg(feature = "full")]
use crate::session::chart::min_max_columns;
use crate::session::chart::{ChartAxis, StopMarks};
use plotters::element::{EmptyElement, Text};

/// The loss chart and the layer norms read each curve at one column per this many CSS pixels of
/// their width ([`Session::loss_chart`]: each column's lowest and highest point): the band of a
/// noisy curve and the tip of a spike stay, and a curve has about two points per 4 px however
/// long the run, so that drawing it takes a few hundred strokes rather than thousands.
///
/// [`Session::loss_chart`]: crate::session::Session::loss_chart
const CHART_COLUMN_CSS_PX: f64 = 4.0;

/// The columns a chart on `canvas` reads its curves at, at `dpr` canvas pixels per CSS pixel
/// ([`CHART_COLUMN_CSS_PX`]).
fn chart_columns(canvas: &HtmlCanvasElement, dpr: f64) -> usize {
    (f64::from(canvas.width()) / dpr / CHART_COLUMN_CSS_PX) as usize
}

#[wasm_bindgen]
impl Lab {
    /// Draws the loss chart ([`Session::loss_chart`]): every racer's full-objective loss
    /// against `axis` (`"steps"`, `"epochs"` or `"samples"`), on a log scale (of loss − minimum
    /// where the minimum is known), or a linear one where the loss reaches zero or below and no
    /// minimum is known.
    ///
    /// [`Session::loss_chart`]: crate::session::Session::loss_chart
    pub fn draw_chart(&mut self, canvas: &HtmlCanvasElement, axis: &str) -> Result<(), JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let columns = chart_columns(canvas, self.dpr);
        let chart = self.session.loss_chart(ChartAxis::from_name(axis), columns);
        let scale = chart.scale;
        let x_label = |v: &f64| scale.x_label(*v);
        let words = &self.words;
        let curves = LossCurves {
            x_desc: words.axis(scale.axis, scale.analytic),
            y_desc: if scale.offset != 0.0 {
                &words.loss_minus_minimum
            } else {
                &words.loss
            },
            mark_words: [&words.best, &words.stopped],
            x_label: &x_label,
            dpr: self.dpr,
            series: chart.series,
            test_series: chart.test_series,
            marks: chart.marks,
        };
        let (y_low, y_high) = (scale.y_low, scale.y_high);
        let (x_pixels, y_pixels) = if scale.log {
            curves.draw(
                &root,
                0.0..scale.x_max,
                decades(y_low, y_high).log_scale(),
                &|v| log_tick_label(*v, y_high - y_low),
            )?
        } else {
            curves.draw(&root, 0.0..scale.x_max, y_low..y_high, &|v| format_tick(*v))?
        };
        let area = scale.viewport(
            x_pixels.start as f64,
            y_pixels.start as f64,
            (x_pixels.end - x_pixels.start).max(1) as f64,
            (y_pixels.end - y_pixels.start).max(1) as f64,
        );
        self.chart = Some((scale, area));
        root.present().map_err(js_error)?;
        Ok(())
    }
}

/// The loss chart's curves and titles, drawn on a log or a linear y axis.
pub(super) struct LossCurves<'a> {
    pub(super) x_desc: &'a str,
    pub(super) y_desc: &'a str,
    /// The words of the early-stopping marks: at the best epoch, where the run stopped.
    pub(super) mark_words: [&'a str; 2],
    pub(super) x_label: &'a dyn Fn(&f64) -> String,
    pub(super) dpr: f64,
    /// Each racer's training loss, `(x, y)` points.
    pub(super) series: Vec<Vec<(f64, f64)>>,
    /// Each racer's test loss (faint), where there are test points.
    pub(super) test_series: Vec<Vec<(f64, f64)>>,
    /// Early stopping's marks: a vertical line at the best epoch and one where the run stopped.
    pub(super) marks: Vec<StopMarks>,
}

impl LossCurves<'_> {
    /// Axes, grid and curves on `root` over `x` × `y`; returns the plotting area's pixel
    /// ranges (for mapping the pointer back to a point).
    pub(super) fn draw<Y>(
        self,
        root: &DrawingArea<CanvasBackend, Shift>,
        x: std::ops::Range<f64>,
        y: Y,
        y_label: &dyn Fn(&f64) -> String,
    ) -> Result<(std::ops::Range<i32>, std::ops::Range<i32>), JsValue>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let dpr = self.dpr;
        let font = (12.0 * dpr).round() as u32;
        let mut chart = ChartBuilder::on(root)
            .margin((8.0 * dpr) as u32)
            // Room for half of the last x label ("3000") at the right edge.
            .margin_right((20.0 * dpr) as u32)
            .margin_top((12.0 * dpr) as u32)
            .x_label_area_size((38.0 * dpr) as u32)
            .y_label_area_size((52.0 * dpr) as u32)
            .build_cartesian_2d(x, y)
            .map_err(js_error)?;
        let (x_labels, y_labels) = label_counts(root, dpr);
        chart
            .configure_mesh()
            .x_labels(x_labels)
            .y_labels(y_labels)
            .light_line_style(RGBColor(235, 235, 240))
            .x_desc(self.x_desc)
            .y_desc(self.y_desc)
            .x_label_formatter(self.x_label)
            .y_label_formatter(y_label)
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        // Each curve in its racer's own colour over a dark casing, as the paths on the heat map
        // are drawn: the white racer is white here too, and every colour reads on white.
        for (index, points) in self.test_series.into_iter().enumerate() {
            for (color, width) in cased(index, 0.35, 1.5) {
                chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        ShapeStyle::from(&color)
                            .stroke_width((width * dpr).round().max(1.0) as u32),
                    ))
                    .map_err(js_error)?;
            }
        }
        for (index, points) in self.series.into_iter().enumerate() {
            for (color, width) in cased(index, 1.0, 2.0) {
                chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        ShapeStyle::from(&color)
                            .stroke_width((width * dpr).round().max(1.0) as u32),
                    ))
                    .map_err(js_error)?;
            }
        }
        // Early stopping: the best epoch in the racer's colour, the stop in grey, each labelled.
        let y_range = chart.y_range();
        for mark in &self.marks {
            let [best, stopped] = self.mark_words;
            for (x, color, label, is_best) in [
                (mark.best, racer_rgb(mark.racer).mix(1.0), best, true),
                (mark.stopped, RGBColor(90, 90, 90).mix(1.0), stopped, false),
            ] {
                for (stroke, width) in [(BLACK.mix(0.55), 3.0), (color, 1.5)] {
                    chart
                        .draw_series(LineSeries::new(
                            [(x, y_range.start), (x, y_range.end)],
                            ShapeStyle::from(&stroke).stroke_width((width * dpr).round() as u32),
                        ))
                        .map_err(js_error)?;
                }
                // "best" right of its line at the top, "stopped" left of its line a row lower
                // (it is often the last x), so neither leaves the chart nor covers the other.
                let (dx, dy) = if is_best { (3.0, 2.0) } else { (-48.0, 16.0) };
                let style = (SANS, (11.0 * dpr).round() as u32)
                    .into_font()
                    .color(&BLACK);
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((x, y_range.end))
                            + Text::new(
                                label.to_string(),
                                ((dx * dpr) as i32, (dy * dpr) as i32),
                                style,
                            ),
                    ))
                    .map_err(js_error)?;
            }
        }
        Ok(chart.plotting_area().get_pixel_range())
    }
}

/// How many tick labels fit along each axis of a chart drawn on `root`: one per 70 drawing units
/// across (so "3000 4000" never run together on a narrow chart), one per 22 up (2 to 10 each).
pub(super) fn label_counts(root: &DrawingArea<CanvasBackend, Shift>, dpr: f64) -> (usize, usize) {
    let (width, height) = root.dim_in_pixel();
    let fit =
        |pixels: u32, spacing: f64| (f64::from(pixels) / (spacing * dpr)).clamp(2.0, 10.0) as usize;
    (fit(width, 70.0), fit(height, 22.0))
}

/// A tick label on a linear loss axis: short, in scientific notation when large or small.
pub(super) fn format_tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || (1e-3..1e4).contains(&a) {
        let text = format!("{v:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.1e}")
    }
}

/// The range `10^low .. 10^high` of a log axis, widened by a few ulp-scale parts per billion:
/// plotters puts its first tick at `10^ceil(log10 start)`, and `ln 0.1 / ln 10` comes out a hair
/// above −1, which would skip the bottom decade's ticks and labels altogether.
pub(super) fn decades(low: f64, high: f64) -> std::ops::Range<f64> {
    libm::pow(10.0, low) * (1.0 - 1e-9)..libm::pow(10.0, high) * (1.0 + 1e-9)
}

/// The label of tick `v` on a log axis spanning `decades`: plotters ticks every 1…9 × 10ᵏ over
/// one or two decades, so only 1, 2 and 5 × 10ᵏ are labelled there (only 10ᵏ over more), and
/// the labels stay apart.
pub(super) fn log_tick_label(v: f64, decades: f64) -> String {
    let mantissa = (v / libm::pow(10.0, libm::log10(v).floor())).round();
    let shown = if decades <= 2.0 {
        matches!(mantissa as u32, 1 | 2 | 5)
    } else {
        mantissa == 1.0
    };
    if shown {
        format!("{v:.0e}")
    } else {
        String::new()
    }
}

/// The two strokes of racer `index`'s line on a white chart, casing first: a dark line a little
/// wider, then the racer's colour, at `opacity` and `width` (in drawing units).
pub(super) fn cased(index: usize, opacity: f64, width: f64) -> [(RGBAColor, f64); 2] {
    [
        (BLACK.mix(0.55 * opacity), width + 1.6),
        (racer_rgb(index).mix(opacity), width),
    ]
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Lab {
    /// Draws each layer's gradient norm against iterations for racer `racer` (log scale): the
    /// picture of vanishing and exploding gradients.
    pub fn draw_layer_norms(
        &self,
        canvas: &HtmlCanvasElement,
        racer: usize,
    ) -> Result<(), JsValue> {
        let root = plotters_area(canvas)?;
        root.fill(&WHITE).map_err(js_error)?;
        let Some(history) = self.session.histories().get(racer) else {
            return Ok(());
        };
        let history = history.points();
        let layers = history.last().map(|r| r.layer_norms.len()).unwrap_or(0);
        if layers == 0 {
            return Ok(());
        }
        let (mut lo, mut hi, mut x_max) = (f64::INFINITY, f64::NEG_INFINITY, 1.0f64);
        for record in history {
            x_max = x_max.max(record.step as f64);
            for &v in record
                .layer_norms
                .iter()
                .filter(|v| v.is_finite() && **v > 0.0)
            {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !(lo.is_finite() && hi.is_finite()) {
            (lo, hi) = (1e-3, 1.0);
        }
        let dpr = self.dpr;
        let columns = chart_columns(canvas, dpr);
        let font = (11.0 * dpr).round() as u32;
        let low = libm::log10(lo).floor();
        let high = libm::log10(hi).ceil().max(low + 1.0);
        let mut chart = ChartBuilder::on(&root)
            .margin((6.0 * dpr) as u32)
            .margin_right((18.0 * dpr) as u32)
            .x_label_area_size((34.0 * dpr) as u32)
            .y_label_area_size((48.0 * dpr) as u32)
            .build_cartesian_2d(0.0..x_max, decades(low, high).log_scale())
            .map_err(js_error)?;
        chart
            .configure_mesh()
            .x_labels(label_counts(&root, dpr).0)
            .light_line_style(RGBColor(235, 235, 240))
            .x_desc(&self.words.iterations)
            .y_desc(&self.words.layer_norm)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| log_tick_label(*v, high - low))
            .label_style((SANS, font))
            .axis_desc_style((SANS, font))
            .draw()
            .map_err(js_error)?;
        for layer in 0..layers {
            let [r, g, b] = self.colors.at(if layers > 1 {
                layer as f64 / (layers - 1) as f64 * 0.85
            } else {
                0.0
            });
            let points = history.iter().filter(|r| r.step > 0).filter_map(|r| {
                r.layer_norms
                    .get(layer)
                    .copied()
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .map(|v| (r.step as f64, v))
            });
            chart
                .draw_series(LineSeries::new(
                    min_max_columns(points, x_max, columns),
                    ShapeStyle::from(&RGBColor(r, g, b)).stroke_width((2.0 * dpr).round() as u32),
                ))
                .map_err(js_error)?;
        }
        root.present().map_err(js_error)?;
        Ok(())
    }
}

#[wasm_bindgen]
impl Lab {
    /// The loss chart's y axis as last drawn: `"log"` (of loss, or of loss − minimum where the
    /// minimum is known), `"linear"` (a function reaching zero or below with no known minimum),
    /// or `""` before the first draw.
    pub fn chart_scale(&self) -> String {
        match &self.chart {
            Some((scale, _)) if scale.log => "log".into(),
            Some(_) => "linear".into(),
            None => String::new(),
        }
    }

    /// The recorded point of any racer's training-loss curve nearest to chart pixel (px, py)
    /// within 12 px, as JSON `{racer, name, step, epoch, samples, loss}`; `null` elsewhere.
    pub fn pick_chart(&self, px: f64, py: f64) -> String {
        let picked = self.chart.as_ref().and_then(|(scale, area)| {
            self.session
                .pick_chart(scale, area, px, py, 12.0 * self.dpr)
        });
        to_json(&picked, "null")
    }
}
