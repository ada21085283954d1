//! A bounded history of a run for drawing: every point is kept until the buffer is full, then
//! every other one is dropped and only every `stride`-th step is recorded from then on — so a run
//! left playing for an hour keeps a fixed memory and still spans its whole history evenly.

use crate::run::Runner;
use serde::Serialize;

/// One recorded state of a run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TrailPoint {
    /// Updates taken.
    pub step: u64,
    /// Epochs completed (fractional).
    pub epoch: f64,
    /// Samples seen.
    pub samples: u64,
    /// Full-objective loss.
    pub loss: f64,
    /// Loss on the held-out test points (NaN where there are none).
    pub test_loss: f64,
    /// The first two parameters (the point drawn on a 2-D surface).
    pub x: f64,
    /// See `x`.
    pub y: f64,
}

impl TrailPoint {
    /// The current state of `runner`: its counters, the full training loss, the test loss and
    /// the first two parameters (0 where the objective has fewer).
    pub fn of(runner: &Runner) -> Self {
        let params = runner.params();
        TrailPoint {
            step: runner.steps_taken(),
            epoch: runner.epoch(),
            samples: runner.samples_seen(),
            loss: runner.loss(),
            test_loss: runner.objective().test_loss(params).unwrap_or(f64::NAN),
            x: params.first().copied().unwrap_or(0.0),
            y: params.get(1).copied().unwrap_or(0.0),
        }
    }
}

/// A decimating buffer of [`TrailPoint`]s.
#[derive(Clone, Debug)]
pub struct Trail {
    points: Vec<TrailPoint>,
    capacity: usize,
    stride: u64,
    generation: u64,
}

impl Trail {
    /// An empty trail holding at most `capacity` points (at least 4).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(4);
        Trail {
            points: Vec::with_capacity(capacity),
            capacity,
            stride: 1,
            generation: 0,
        }
    }

    /// Records `point` if its step falls on the current stride (the first point always does).
    pub fn push(&mut self, point: TrailPoint) {
        if point.step % self.stride != 0 && !self.points.is_empty() {
            return;
        }
        if self.points.len() == self.capacity {
            let mut keep = 0;
            for i in (0..self.points.len()).step_by(2) {
                self.points[keep] = self.points[i];
                keep += 1;
            }
            self.points.truncate(keep);
            self.stride *= 2;
            self.generation += 1;
            if point.step % self.stride != 0 {
                return;
            }
        }
        self.points.push(point);
    }

    /// The recorded points, oldest first.
    pub fn points(&self) -> &[TrailPoint] {
        &self.points
    }

    /// How many times the trail has been thinned (changes whenever earlier points were dropped).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.points.clear();
        self.stride = 1;
        self.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(step: u64) -> TrailPoint {
        TrailPoint {
            step,
            epoch: 0.0,
            samples: step,
            loss: 1.0,
            test_loss: f64::NAN,
            x: step as f64,
            y: 0.0,
        }
    }

    #[test]
    fn memory_stays_bounded_and_the_history_spans_the_run() {
        let mut trail = Trail::new(100);
        for step in 0..1_000_000 {
            trail.push(point(step));
        }
        assert!(trail.points().len() <= 100);
        assert!(trail.points().len() >= 50);
        assert_eq!(trail.points()[0].step, 0);
        let last = trail.points()[trail.points().len() - 1].step;
        assert!(last > 990_000, "the newest point is recent: {last}");
        assert!(trail.points().windows(2).all(|w| w[0].step < w[1].step));
    }

    #[test]
    fn short_runs_keep_every_point() {
        let mut trail = Trail::new(100);
        for step in 0..50 {
            trail.push(point(step));
        }
        assert_eq!(trail.points().len(), 50);
        assert_eq!(trail.generation(), 0);
    }
}
