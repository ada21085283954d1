//! The loss chart's numbers — each racer's curve against iterations, epochs or samples seen, on a
//! log or a linear axis — and what lies under the pointer, on the chart and on the plane.

use super::view::finite;
use super::{network_of, Session};
use crate::objective::Objective;
use crate::render::viewport::Viewport;
use crate::run::{Status, StopCondition};
use crate::trail::TrailPoint;
use serde::Serialize;

/// The least number of columns a loss chart is read at (see [`Session::loss_chart`]).
pub const MIN_COLUMNS: usize = 16;

/// The most decades a log loss axis spans. The chart's ticks are laid out from the ratio of the
/// axis' ends, which past about 308 decades is no longer a finite `f64` (and plotters then
/// counted its decades up to `usize::MAX`: a run climbing towards 1e300 beside one converging to
/// 1e-16 took seconds a chart); a curve climbing past the top leaves the chart there.
pub const MAX_DECADES: f64 = 300.0;

/// The loss chart's x axis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartAxis {
    /// Updates taken.
    #[default]
    Steps,
    /// Epochs completed (fractional).
    Epochs,
    /// Samples seen (gradient evaluations).
    Samples,
}

impl ChartAxis {
    /// The axis the page names `"epochs"` or `"samples"`; anything else means steps.
    pub fn from_name(name: &str) -> ChartAxis {
        match name {
            "epochs" => ChartAxis::Epochs,
            "samples" => ChartAxis::Samples,
            _ => ChartAxis::Steps,
        }
    }

    /// A trail point's position along this axis.
    pub fn of(self, point: &TrailPoint) -> f64 {
        match self {
            ChartAxis::Steps => point.step as f64,
            ChartAxis::Epochs => point.epoch,
            ChartAxis::Samples => point.samples as f64,
        }
    }

    /// The axis' title.
    pub fn title(self) -> &'static str {
        match self {
            ChartAxis::Steps => "iterations",
            ChartAxis::Epochs => "epochs",
            ChartAxis::Samples => "samples seen (gradient evaluations)",
        }
    }
}

/// The loss chart's scale: where its axes run and how a loss maps onto the y axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartScale {
    /// The x axis.
    pub axis: ChartAxis,
    /// The x axis runs from 0 to this.
    pub x_max: f64,
    /// Whether the y axis is logarithmic.
    pub log: bool,
    /// The y axis' ends: their log₁₀ on a log axis, the values themselves on a linear one.
    pub y_low: f64,
    /// See `y_low`.
    pub y_high: f64,
    /// What is subtracted from every loss: the objective's known minimum, else 0.
    pub offset: f64,
    /// Whether the objective is one analytic function (a surface: one sample), whose samples
    /// seen are evaluations of f and ∇f.
    pub analytic: bool,
}

impl ChartScale {
    /// The y axis' title.
    pub fn y_title(&self) -> &'static str {
        if self.offset != 0.0 {
            "loss − minimum"
        } else {
            "loss"
        }
    }

    /// An x tick's label: one decimal for a short fractional (epochs) axis, whole numbers
    /// otherwise.
    pub fn x_label(&self, v: f64) -> String {
        if self.axis == ChartAxis::Epochs && self.x_max < 20.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.0}")
        }
    }

    /// The y coordinate of `loss` in the axis' own units (log₁₀ on a log axis); `None` where
    /// it is not finite.
    pub fn y_of(&self, loss: f64) -> Option<f64> {
        let y = loss - self.offset;
        let y = if self.log {
            libm::log10(y.max(1e-16))
        } else {
            y
        };
        y.is_finite().then_some(y)
    }

    /// The plotting area `left, top, width, height` (canvas pixels) as a viewport of this
    /// scale's plane: x from 0 to `x_max`, y from `y_low` to `y_high` (log₁₀ units on a log
    /// axis).
    pub fn viewport(&self, left: f64, top: f64, width: f64, height: f64) -> Viewport {
        Viewport {
            view: crate::objective::surfaces::ViewBox {
                x_min: 0.0,
                x_max: self.x_max,
                y_min: self.y_low,
                y_max: self.y_high,
            },
            left,
            top,
            width,
            height,
        }
    }
}

/// The loss chart: its scale and each racer's curves as `(x, loss − offset)` points.
#[derive(Clone, Debug, PartialEq)]
pub struct LossChart {
    /// The axes.
    pub scale: ChartScale,
    /// Each racer's training loss (clamped to 1e-16 on a log axis).
    pub series: Vec<Vec<(f64, f64)>>,
    /// Each racer's test loss, for a network with test points (empty otherwise).
    pub test_series: Vec<Vec<(f64, f64)>>,
    /// Where early stopping found the best epoch and stopped, per racer it stopped.
    pub marks: Vec<StopMarks>,
}

/// Early stopping's two marks on the loss chart, along its x axis.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StopMarks {
    /// The racer.
    pub racer: usize,
    /// The end of the best epoch (the weights put back, unless `restore_best` is false).
    pub best: f64,
    /// Where the run stopped.
    pub stopped: f64,
}

impl Session {
    /// The loss chart against `axis`: a log axis (of loss − minimum where the minimum is known)
    /// shows convergence over many decades; a function that reaches zero or below with no known
    /// minimum (your own function, the saddle) gets a linear axis instead of curves pinned to a
    /// floor.
    ///
    /// Each curve is read at `columns` columns across the x axis (at least [`MIN_COLUMNS`]): in
    /// each, its lowest and its highest point, in their order, and always its first and last
    /// point. This min–max decimation keeps the extent a curve covers in every column, so a
    /// noisy curve keeps its band and a spike its tip, with at most about two points per column
    /// however long the run (U. Jugel et al., "M4: A Visualization-Oriented Time Series Data
    /// Aggregation", PVLDB 7(10), 2014, §3, "MinMax").
    pub fn loss_chart(&self, axis: ChartAxis, columns: usize) -> LossChart {
        let minimum = self.objective().and_then(crate::objective::view::min_value);
        let offset = minimum.unwrap_or(0.0);
        // Steps and samples are whole numbers: their axis starts at 0..10, epochs at 0..1. A
        // curve ends at its last finite loss; the x axis reaches the furthest end.
        let start: f64 = if axis == ChartAxis::Epochs { 1.0 } else { 10.0 };
        let network = self.is_network();
        let x_max = self
            .trails
            .iter()
            .filter_map(|trail| {
                let points = trail.points();
                let last_x = |loss_of: fn(&TrailPoint) -> f64| {
                    let last = points
                        .iter()
                        .rev()
                        .find(|p| (loss_of(p) - offset).is_finite());
                    last.map(|p| axis.of(p))
                };
                let test = if network {
                    last_x(|p| p.test_loss)
                } else {
                    None
                };
                Some(last_x(|p| p.loss)?.max(test.unwrap_or(f64::NEG_INFINITY)))
            })
            .fold(start, f64::max);
        let columns = columns.max(MIN_COLUMNS);
        let (mut y_min, mut y_max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut collect = |loss_of: fn(&TrailPoint) -> f64| -> Vec<Vec<(f64, f64)>> {
            self.trails
                .iter()
                .map(|trail| {
                    let finite = trail.points().iter().filter_map(|p| {
                        let y = loss_of(p) - offset;
                        y.is_finite().then(|| (axis.of(p), y))
                    });
                    let curve = min_max_columns(finite, x_max, columns);
                    for &(_, y) in &curve {
                        y_min = y_min.min(y);
                        y_max = y_max.max(y);
                    }
                    curve
                })
                .collect()
        };
        let mut series = collect(|p| p.loss);
        let mut test_series = if network {
            collect(|p| p.test_loss)
        } else {
            Vec::new()
        };
        let log = minimum.is_some() || y_min > 0.0;
        if !(y_min.is_finite() && y_max.is_finite()) {
            (y_min, y_max) = if log { (1e-3, 1.0) } else { (0.0, 1.0) };
        }
        let (y_low, y_high) = if log {
            let low = libm::log10(y_min.max(1e-16)).floor().max(-16.0);
            let high = libm::log10(y_max.max(1e-16)).ceil().max(low + 1.0);
            (low, high.min(low + MAX_DECADES))
        } else {
            let pad = 0.05 * (y_max - y_min).max(1e-12);
            (y_min - pad, y_max + pad)
        };
        if log {
            // A loss at (or a rounding below) the minimum sits on the axis' floor, one above
            // the axis' top on its ceiling.
            let ceiling = libm::pow(10.0, y_high);
            for point in series.iter_mut().chain(&mut test_series).flatten() {
                point.1 = point.1.clamp(1e-16, ceiling);
            }
        }
        let marks = self
            .race
            .runners
            .iter()
            .zip(&self.trails)
            .enumerate()
            .filter_map(|(racer, (runner, trail))| {
                let Status::Converged {
                    condition:
                        StopCondition::Patience {
                            best_epoch,
                            best_step,
                            best_samples,
                            ..
                        },
                    ..
                } = *runner.status()
                else {
                    return None;
                };
                let best = match axis {
                    ChartAxis::Steps => best_step as f64,
                    ChartAxis::Epochs => best_epoch as f64,
                    ChartAxis::Samples => best_samples as f64,
                };
                let stopped = trail.points().last().map(|p| axis.of(p))?;
                Some(StopMarks {
                    racer,
                    best,
                    stopped,
                })
            })
            .collect();
        LossChart {
            marks,
            scale: ChartScale {
                analytic: self.objective().is_some_and(|o| o.sample_count() == 1),
                axis,
                x_max,
                log,
                y_low,
                y_high,
                offset,
            },
            series,
            test_series,
        }
    }

    /// The recorded point of any racer's trail whose pixel (`to_pixel`, `None` to skip a point)
    /// lies nearest to (px, py) within `radius`, with its racer's index.
    pub fn nearest_trail_point(
        &self,
        px: f64,
        py: f64,
        radius: f64,
        to_pixel: impl Fn(&TrailPoint) -> Option<(f64, f64)>,
    ) -> Option<(usize, TrailPoint)> {
        let mut best: Option<(f64, usize, TrailPoint)> = None;
        for (index, trail) in self.trails.iter().enumerate() {
            for p in trail.points() {
                let Some((qx, qy)) = to_pixel(p) else {
                    continue;
                };
                let d = libm::hypot(qx - px, qy - py);
                if d <= radius && best.is_none_or(|(bd, _, _)| d < bd) {
                    best = Some((d, index, *p));
                }
            }
        }
        best.map(|(_, index, p)| (index, p))
    }

    /// The recorded point of any racer's training-loss curve nearest to chart pixel (px, py)
    /// within `radius`, on a chart of `scale` drawn in `area`.
    pub fn pick_chart(
        &self,
        scale: &ChartScale,
        area: &Viewport,
        px: f64,
        py: f64,
        radius: f64,
    ) -> Option<ChartPick> {
        let (racer, p) = self.nearest_trail_point(px, py, radius, |p| {
            let x = scale.axis.of(p);
            let y = scale.y_of(p.loss)?;
            x.is_finite().then(|| area.to_pixel(x, y))
        })?;
        Some(ChartPick {
            racer,
            name: self.race.runners.get(racer).map(|r| r.optimizer().name()),
            step: p.step,
            epoch: p.epoch,
            samples: p.samples,
            loss: finite(p.loss),
        })
    }

    /// What lies under canvas pixel (px, py) of the plane drawn in `viewport`: in the network
    /// view, the network's output there; else the nearest trail point within `radius`, or the
    /// plane point and its loss. `None` outside the plotting area.
    pub fn pick_plane(&self, viewport: &Viewport, px: f64, py: f64, radius: f64) -> Option<Picked> {
        if !viewport.contains_pixel(px, py) {
            return None;
        }
        let (x, y) = viewport.to_plane(px, py);
        if let Some((runner, mlp)) = self
            .race
            .runners
            .first()
            .and_then(|r| network_of(r).map(|m| (r, m)))
        {
            // In the network view the plane is the input space: read the network's output, and
            // for a ce network the predicted class and its softmax probability.
            let mut output = [0.0];
            mlp.predict(runner.params(), &[[x, y]], &mut output);
            let (mut class, mut probability) = (None, None);
            if mlp.spec().loss == crate::objective::mlp::MlpLoss::Ce {
                let mut probabilities = vec![0.0; mlp.classes()];
                mlp.predict_probabilities(runner.params(), &[[x, y]], &mut probabilities);
                let best = crate::objective::mlp::argmax(&probabilities);
                class = Some(best);
                probability = probabilities.get(best).copied().and_then(finite);
            }
            return Some(Picked::Prediction {
                x,
                y,
                prediction: finite(output[0]),
                class,
                probability,
            });
        }
        let nearest =
            self.nearest_trail_point(px, py, radius, |p| Some(viewport.to_pixel(p.x, p.y)));
        Some(match nearest {
            Some((racer, p)) => Picked::TrailPoint {
                racer,
                name: self.race.runners.get(racer).map(|r| r.optimizer().name()),
                x: p.x,
                y: p.y,
                loss: finite(p.loss),
                step: p.step,
                epoch: p.epoch,
            },
            None => Picked::Plane {
                x,
                y,
                loss: self.objective().map(|o| o.loss(&[x, y])).and_then(finite),
            },
        })
    }
}

/// A point of a loss curve under the pointer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartPick {
    /// The racer.
    pub racer: usize,
    /// Its optimizer's scenario name.
    pub name: Option<&'static str>,
    /// Updates taken at the point.
    pub step: u64,
    /// Epochs completed.
    pub epoch: f64,
    /// Samples seen.
    pub samples: u64,
    /// The full-objective loss.
    pub loss: Option<f64>,
}

/// What lies under the pointer on the plane.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Picked {
    /// In the network view: the input point and the network's output there.
    Prediction {
        /// First input.
        x: f64,
        /// Second input.
        y: f64,
        /// The output (the probability of class 1 for `bce`, the predicted class for `ce`).
        prediction: Option<f64>,
        /// For a `ce` network, the predicted class (the most probable).
        #[serde(skip_serializing_if = "Option::is_none")]
        class: Option<usize>,
        /// For a `ce` network, the softmax probability of the predicted class.
        #[serde(skip_serializing_if = "Option::is_none")]
        probability: Option<f64>,
    },
    /// A recorded point of a racer's trail.
    TrailPoint {
        /// The racer.
        racer: usize,
        /// Its optimizer's scenario name.
        name: Option<&'static str>,
        /// The point.
        x: f64,
        /// See `x`.
        y: f64,
        /// The loss there.
        loss: Option<f64>,
        /// Updates taken.
        step: u64,
        /// Epochs completed.
        epoch: f64,
    },
    /// A point of the plane away from every trail, and the loss there.
    Plane {
        /// The point.
        x: f64,
        /// See `x`.
        y: f64,
        /// The loss there.
        loss: Option<f64>,
    },
}

/// `points` (x ascending, in `0..=x_max`) read at `columns` equal columns across `0..=x_max`:
/// each column's lowest and highest point in their order, and the first and last point: the
/// min–max decimation of [`Session::loss_chart`], for any curve drawn against x.
pub fn min_max_columns(
    points: impl Iterator<Item = (f64, f64)>,
    x_max: f64,
    columns: usize,
) -> Vec<(f64, f64)> {
    /// A point and its place in the curve.
    type Ranked = (usize, (f64, f64));
    /// The column being read: its index, and its lowest and highest point so far.
    struct Column {
        index: usize,
        low: Ranked,
        high: Ranked,
    }
    /// Appends a column's lowest and highest point in the curve's order, each once.
    fn flush(curve: &mut Vec<(f64, f64)>, column: &Column) {
        let (first, second) = if column.low.0 <= column.high.0 {
            (column.low, column.high)
        } else {
            (column.high, column.low)
        };
        for (_, point) in [first, second] {
            if curve.last() != Some(&point) {
                curve.push(point);
            }
        }
    }
    let columns = columns.max(1);
    let width = x_max / columns as f64;
    // (A curve with no length, x_max = 0, is one column.)
    let column_of = |x: f64| {
        let column = (x / width).floor();
        if column.is_finite() {
            column.clamp(0.0, (columns - 1) as f64) as usize
        } else {
            0
        }
    };
    let mut curve = Vec::with_capacity(2 * columns + 2);
    let mut open: Option<Column> = None;
    let mut last = None;
    for (rank, point) in points.enumerate() {
        if rank == 0 {
            curve.push(point);
        }
        let index = column_of(point.0);
        match &mut open {
            Some(column) if column.index == index => {
                if point.1 < column.low.1 .1 {
                    column.low = (rank, point);
                }
                if point.1 > column.high.1 .1 {
                    column.high = (rank, point);
                }
            }
            done => {
                if let Some(column) = done {
                    flush(&mut curve, column);
                }
                *done = Some(Column {
                    index,
                    low: (rank, point),
                    high: (rank, point),
                });
            }
        }
        last = Some(point);
    }
    if let Some(column) = &open {
        flush(&mut curve, column);
    }
    if let Some(point) = last.filter(|point| curve.last() != Some(point)) {
        curve.push(point);
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::min_max_columns;
    use proptest::prelude::*;

    #[test]
    fn min_max_columns_takes_a_point_and_no_columns() {
        let point = (0.0, 1.0);
        assert_eq!(min_max_columns(std::iter::once(point), 0.0, 0), vec![point]);
        assert_eq!(min_max_columns(std::iter::empty(), 0.0, 3), vec![]);
    }

    proptest! {
        /// The decimated curve is a subsequence of the curve with its first and last point, at
        /// most two points per column besides, and in every column the curve's lowest and
        /// highest values.
        #[test]
        fn min_max_columns_keeps_each_columns_extent_and_the_ends(
            ys in prop::collection::vec(-1e3f64..1e3, 1..400),
            columns in 1usize..60,
        ) {
            let points: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
            let x_max = (points.len() - 1).max(1) as f64;
            let curve = min_max_columns(points.iter().copied(), x_max, columns);
            prop_assert!(curve.len() <= 2 * columns + 2);
            prop_assert_eq!(curve.first(), points.first());
            prop_assert_eq!(curve.last(), points.last());
            prop_assert!(curve.windows(2).all(|w| w[0].0 < w[1].0), "in order, no repeats");
            prop_assert!(curve.iter().all(|p| points.contains(p)));
            let column = |x: f64| ((x / (x_max / columns as f64)).floor() as usize).min(columns - 1);
            for c in 0..columns {
                let within = |p: &&(f64, f64)| column(p.0) == c;
                let extent = |set: &[(f64, f64)]| set.iter().filter(within).fold(
                    (f64::INFINITY, f64::NEG_INFINITY),
                    |(lo, hi), p| (lo.min(p.1), hi.max(p.1)),
                );
                prop_assert_eq!(extent(&curve), extent(&points), "column {}", c);
            }
        }
    }
}
