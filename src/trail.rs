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

/// How much of a [`Trail`] a picture already shows (the default: nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Drawn {
    /// The trail's generation when it was drawn (`None`: never drawn).
    generation: Option<u64>,
    /// The points drawn, oldest first.
    count: usize,
}

/// What to draw of a trail since a [`Drawn`] mark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NewPoints<'a> {
    /// Earlier points changed (the trail was thinned or cleared, or nothing was drawn yet):
    /// clear the picture and draw [`Trail::points`] whole.
    Redraw,
    /// Join these to the path on screen: the last point drawn, then every new one. Fewer than two
    /// points means there is no new segment.
    Append(&'a [TrailPoint]),
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

    /// The points a picture showing `drawn` has not shown yet: [`NewPoints::Redraw`] when the
    /// trail was thinned or cleared since (or nothing was drawn), else the new points preceded by
    /// the last one drawn, so that their segments join the path already on screen. After drawing
    /// them, record [`Trail::drawn_all`].
    pub fn since(&self, drawn: Drawn) -> NewPoints<'_> {
        match drawn.generation {
            Some(generation)
                if generation == self.generation && drawn.count <= self.points.len() =>
            {
                NewPoints::Append(&self.points[drawn.count.saturating_sub(1)..])
            }
            _ => NewPoints::Redraw,
        }
    }

    /// What a picture that shows every recorded point has drawn.
    pub fn drawn_all(&self) -> Drawn {
        Drawn {
            generation: Some(self.generation),
            count: self.points.len(),
        }
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

    /// The steps of the points to draw (`None` for a redraw); points compare by step, since
    /// a trail point's NaN test loss is unequal to itself.
    fn steps(new: NewPoints<'_>) -> Option<Vec<u64>> {
        match new {
            NewPoints::Redraw => None,
            NewPoints::Append(points) => Some(points.iter().map(|p| p.step).collect()),
        }
    }

    #[test]
    fn each_new_point_adds_a_segment_joined_to_the_last_one_drawn() {
        let mut trail = Trail::new(100);
        trail.push(point(0));
        assert_eq!(steps(trail.since(Drawn::default())), None);
        let mut drawn = trail.drawn_all();
        assert_eq!(steps(trail.since(drawn)), Some(vec![0]));
        for step in 1..20 {
            trail.push(point(step));
            // One Step adds one point: its segment starts at the point drawn before it.
            assert_eq!(
                steps(trail.since(drawn)),
                Some(vec![step - 1, step]),
                "step {step}"
            );
            drawn = trail.drawn_all();
            assert_eq!(steps(trail.since(drawn)), Some(vec![step]));
        }
        // Several steps between two pictures come as one joined run.
        for step in 20..25 {
            trail.push(point(step));
        }
        assert_eq!(
            steps(trail.since(drawn)),
            Some(vec![19, 20, 21, 22, 23, 24])
        );
    }

    #[test]
    fn thinning_or_clearing_asks_for_a_redraw() {
        let mut trail = Trail::new(4);
        for step in 0..4 {
            trail.push(point(step));
        }
        let drawn = trail.drawn_all();
        trail.push(point(4));
        assert_eq!(steps(trail.since(drawn)), None, "thinned");
        let drawn = trail.drawn_all();
        trail.clear();
        trail.push(point(0));
        assert_eq!(steps(trail.since(drawn)), None, "cleared");
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
