//! A bounded history of a run for drawing: every point is kept until the buffer is full, then
//! every other one is dropped and only every `stride`-th point offered is recorded from then on
//! — so a run left playing for an hour keeps a fixed memory and still spans its whole history
//! evenly. The stride counts the points offered, not the steps they carry: a 2-D run offers one
//! per step, a network one per epoch and one per frame (after however many steps the frame
//! took), and both thin evenly.

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
pub enum NewPoints<'a, T = TrailPoint> {
    /// Earlier points changed (the trail was thinned or cleared, or nothing was drawn yet):
    /// clear the picture and draw [`Trail::points`] whole.
    Redraw,
    /// Join these to the path on screen: the last point drawn, then every new one. Fewer than two
    /// points means there is no new segment.
    Append(&'a [T]),
}

/// A decimating buffer of recorded points ([`TrailPoint`]s unless said otherwise).
#[derive(Clone, Debug)]
pub struct Trail<T = TrailPoint> {
    points: Vec<T>,
    capacity: usize,
    /// Every `stride`-th point offered is recorded (a power of two: it doubles at each thinning).
    stride: u64,
    /// Points offered since the trail started or was cleared.
    offered: u64,
    generation: u64,
}

impl<T> Trail<T> {
    /// An empty trail holding at most `capacity` points (at least 4).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(4);
        Trail {
            points: Vec::with_capacity(capacity),
            capacity,
            stride: 1,
            offered: 0,
            generation: 0,
        }
    }

    /// Offers `point`: it is recorded when it falls on the current stride (the first always
    /// does). When the buffer is full, every other point is dropped first and the stride doubles.
    pub fn push(&mut self, point: T) {
        let index = self.offered;
        self.offered += 1;
        if index % self.stride != 0 {
            return;
        }
        if self.points.len() == self.capacity {
            // Keep the even-indexed points, in order, without cloning them.
            let mut keep = 0;
            for i in (0..self.points.len()).step_by(2) {
                self.points.swap(keep, i);
                keep += 1;
            }
            self.points.truncate(keep);
            self.stride *= 2;
            self.generation += 1;
            if index % self.stride != 0 {
                return;
            }
        }
        self.points.push(point);
    }

    /// The recorded points, oldest first.
    pub fn points(&self) -> &[T] {
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
    pub fn since(&self, drawn: Drawn) -> NewPoints<'_, T> {
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
        self.offered = 0;
        self.generation += 1;
    }
}

/// Racers' trails as CSV, header line first — `racer,optimizer,step,epoch,samples,loss,
/// test_loss,x,y` — then one line per recorded point: the racer's index, its optimizer's name
/// and the point, with every non-finite number left empty.
pub fn trajectories_csv<'a>(racers: impl IntoIterator<Item = (&'a str, &'a Trail)>) -> String {
    let mut csv = String::from("racer,optimizer,step,epoch,samples,loss,test_loss,x,y\n");
    let number = |v: f64| {
        if v.is_finite() {
            v.to_string()
        } else {
            String::new()
        }
    };
    for (index, (optimizer, trail)) in racers.into_iter().enumerate() {
        for p in trail.points() {
            csv.push_str(&format!(
                "{index},{optimizer},{},{},{},{},{},{},{}\n",
                p.step,
                number(p.epoch),
                p.samples,
                number(p.loss),
                number(p.test_loss),
                number(p.x),
                number(p.y)
            ));
        }
    }
    csv
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
    fn any_record_thins_by_the_points_offered_not_their_steps() {
        // A network's history: one record per frame, after an uneven number of steps each.
        let mut trail: Trail<Vec<u64>> = Trail::new(8);
        let mut step = 0;
        for offer in 0..100u64 {
            trail.push(vec![offer, step]);
            step += 1 + offer % 5;
        }
        let offers: Vec<u64> = trail.points().iter().map(|r| r[0]).collect();
        // Thinned four times (at offers 8, 16, 32 and 64): every 16th offer is left, evenly.
        assert_eq!(offers, [0, 16, 32, 48, 64, 80, 96]);
        assert_eq!(trail.generation(), 4);
    }

    #[test]
    fn trajectories_are_csv_with_non_finite_numbers_left_empty() {
        let mut first = Trail::new(10);
        first.push(point(0));
        first.push(TrailPoint {
            loss: f64::INFINITY,
            test_loss: 0.5,
            ..point(1)
        });
        let mut second = Trail::new(10);
        second.push(TrailPoint {
            epoch: 0.25,
            ..point(0)
        });
        let csv = trajectories_csv([("sgd", &first), ("adam", &second)]);
        assert_eq!(
            csv,
            "racer,optimizer,step,epoch,samples,loss,test_loss,x,y\n\
             0,sgd,0,0,0,1,,0,0\n\
             0,sgd,1,0,1,,0.5,1,0\n\
             1,adam,0,0.25,0,1,,0,0\n"
        );
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
