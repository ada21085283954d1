//! Learning-rate tuning: one racer of a scenario run once per learning rate of a log-spaced grid,
//! on the same objective, start, batches (seed) and step budget, and the final full-objective
//! losses compared — so a race can be fair, each optimizer at its own best learning rate.
//!
//! [`Tuner`] does the work a slice at a time ([`Tuner::step`] takes a budget of updates and
//! reports the fraction done), so the page can tune between animation frames; [`tune`] runs it to
//! the end.
//!
//! Each run ignores the scenario's `stop` (every learning rate gets the whole step budget), and a
//! run that diverges or that its optimizer refuses to continue (Newton at a singular Hessian) has
//! no final loss. The best learning rate has the lowest final loss; ties go to the smaller one.

use crate::objective::model::Model;
use crate::read::{Problem, Refusal};
use crate::run::{Runner, Status};
use crate::scenario::{RacerSpec, Scenario};
use serde::Serialize;
use std::rc::Rc;

/// The default grid: from 1e-4 to 10, three values per decade.
pub const DEFAULT_GRID: (f64, f64, u32) = (1e-4, 10.0, 3);

/// Log-spaced learning rates from `min` to `max`, about `per_decade` per factor of ten: the
/// interval is cut into round(log₁₀(max/min)·per_decade) equal steps in log scale. Both endpoints
/// are exact; the values between are rounded to 12 significant digits, so whole decades come
/// out exact (`1e-4, 2.15443469003e-4, 4.64158883361e-4, 1e-3, …, 10` by default).
///
/// `[min]` when `min == max`; empty unless 0 < min ≤ max, both finite, and `per_decade` ≥ 1.
pub fn lr_grid(min: f64, max: f64, per_decade: u32) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite() && min > 0.0 && min <= max && per_decade >= 1) {
        return Vec::new();
    }
    if min == max {
        return vec![min];
    }
    let decades = libm::log10(max / min);
    let intervals = ((decades * f64::from(per_decade)).round() as u64).max(1);
    let (lo, hi) = (libm::log(min), libm::log(max));
    (0..=intervals)
        .map(|i| {
            if i == 0 {
                min
            } else if i == intervals {
                max
            } else {
                let value = libm::exp(lo + (hi - lo) * (i as f64 / intervals as f64));
                crate::read::float_text::parse_f64(&format!("{value:.11e}")).unwrap_or(value)
            }
        })
        .collect()
}

/// The default grid, [`DEFAULT_GRID`]: 16 values from 1e-4 to 10.
pub fn default_grid() -> Vec<f64> {
    let (min, max, per_decade) = DEFAULT_GRID;
    lr_grid(min, max, per_decade)
}

/// One learning rate's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TunePoint {
    /// The learning rate.
    pub lr: f64,
    /// Full-objective loss after the step budget; `None` (JSON `null`) where the run diverged,
    /// failed, or ended at a non-finite loss.
    pub final_loss: Option<f64>,
    /// How the run ended: running (the budget was used up), diverged or failed; for a learning
    /// rate the optimizer does not accept, failed at step 0 with the reason.
    pub status: Status,
}

/// The outcome of tuning one racer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TuneResult {
    /// The racer tuned: 0 for the scenario's own optimizer, i for `race[i - 1]`.
    pub racer: usize,
    /// The optimizer's name.
    pub optimizer: String,
    /// One point per grid value, in grid order (fewer while tuning is under way).
    pub points: Vec<TunePoint>,
    /// The learning rate with the lowest final loss (ties: the smaller); `None` when every run
    /// diverged or failed.
    pub best_lr: Option<f64>,
}

/// How far tuning has come.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Progress {
    /// Grid values finished.
    pub finished: usize,
    /// Grid values in all.
    pub total: usize,
    /// Share of the work done, 0 … 1: updates taken over updates budgeted (a run that stops early
    /// counts as its whole budget).
    pub fraction: f64,
    /// Whether every grid value is finished.
    pub done: bool,
}

/// Tunes one racer's learning rate incrementally; see the module documentation.
#[derive(Clone, Debug)]
pub struct Tuner {
    scenario: Scenario,
    objective: Rc<Model>,
    racer_index: usize,
    racer: RacerSpec,
    grid: Vec<f64>,
    points: Vec<TunePoint>,
    current: Option<Runner>,
}

impl Tuner {
    /// A tuner for racer `racer` of `scenario` (0 the scenario's own optimizer, i for
    /// `race[i - 1]`) over `grid`. Refused when the scenario does not build or there is no such
    /// racer (the error names `race`).
    pub fn new(scenario: &Scenario, grid: &[f64], racer: usize) -> Result<Tuner, Refusal> {
        scenario.validate()?;
        let racers = scenario.racers();
        let spec = racers.get(racer).cloned().ok_or_else(|| {
            let unfit = crate::read::Unfit::NoSuchRacer {
                racer,
                most: racers.len() - 1,
            };
            Refusal::at("race", Problem::unfit(unfit))
        })?;
        let mut scenario = scenario.clone();
        scenario.stop = None;
        let objective = Rc::new(Model::build(&scenario.objective, scenario.seed)?);
        Ok(Tuner {
            scenario,
            objective,
            racer_index: racer,
            racer: spec,
            grid: grid.to_vec(),
            points: Vec::with_capacity(grid.len()),
            current: None,
        })
    }

    /// Advances by up to `budget_steps` updates in all (moving on through the grid as runs
    /// finish) and reports the progress. A grid value whose run cannot start (a learning rate
    /// outside the optimizer's accepted range) finishes without using the budget.
    pub fn step(&mut self, budget_steps: u64) -> Progress {
        let mut budget = budget_steps;
        while self.points.len() < self.grid.len() {
            let lr = self.grid[self.points.len()];
            if self.current.is_none() {
                match self.start(lr) {
                    Ok(runner) => self.current = Some(runner),
                    Err(reason) => {
                        self.points.push(TunePoint {
                            lr,
                            final_loss: None,
                            status: Status::Failed {
                                step: 0,
                                reason,
                                code: None,
                            },
                        });
                        continue;
                    }
                }
            }
            let Some(runner) = self.current.as_mut() else {
                break;
            };
            while runner.steps_taken() < self.scenario.steps && budget > 0 {
                budget -= 1;
                if runner.step().is_none() {
                    break;
                }
            }
            let finished =
                runner.steps_taken() >= self.scenario.steps || *runner.status() != Status::Running;
            if !finished {
                break;
            }
            let status = runner.status().clone();
            let loss = runner.loss();
            let final_loss = (status == Status::Running && loss.is_finite()).then_some(loss);
            self.points.push(TunePoint {
                lr,
                final_loss,
                status,
            });
            self.current = None;
        }
        self.progress()
    }

    /// A runner for the racer at learning rate `lr`, or why there is none.
    fn start(&self, lr: f64) -> Result<Runner, String> {
        let racer = RacerSpec {
            optimizer: self.racer.optimizer.with_lr(lr),
            batch_size: self.racer.batch_size,
        };
        racer
            .optimizer
            .validate()
            .map_err(|e| format!("optimizer.{e}"))?;
        Runner::for_racer(Rc::clone(&self.objective), &self.scenario, &racer)
            .map_err(|e| e.to_string())
    }

    /// How far tuning has come.
    pub fn progress(&self) -> Progress {
        let total = self.grid.len();
        let finished = self.points.len();
        let steps = self.scenario.steps;
        let fraction = if finished >= total {
            1.0
        } else if steps == 0 {
            finished as f64 / total as f64
        } else {
            let current = self.current.as_ref().map_or(0, Runner::steps_taken);
            (finished as f64 * steps as f64 + current as f64) / (total as f64 * steps as f64)
        };
        Progress {
            finished,
            total,
            fraction,
            done: finished >= total,
        }
    }

    /// Whether every grid value is finished.
    pub fn is_done(&self) -> bool {
        self.points.len() >= self.grid.len()
    }

    /// The result so far: the finished points and the best of them.
    pub fn result(&self) -> TuneResult {
        TuneResult {
            racer: self.racer_index,
            optimizer: self.racer.optimizer.name().to_string(),
            points: self.points.clone(),
            best_lr: best_lr(&self.points),
        }
    }
}

/// The step budget per learning rate when a whole race is tuned from the page: the scenario's own
/// budget, capped so that tuning every racer finishes in seconds.
pub const RACE_TUNE_MAX_STEPS: u64 = 3000;

/// "Tune learning rates" for a whole race: one [`Tuner`] per racer over [`default_grid`], each
/// with a step budget of at most [`RACE_TUNE_MAX_STEPS`], worked through one racer after another
/// a slice at a time (so the page never freezes).
#[derive(Clone, Debug)]
pub struct RaceTuning {
    tuners: Vec<Tuner>,
    /// The racer being tuned (`tuners.len()` once every one is done).
    current: usize,
}

impl RaceTuning {
    /// Tuning for every racer of `scenario`, on its start and batches.
    pub fn new(scenario: &Scenario) -> Result<RaceTuning, Refusal> {
        let mut scenario = scenario.clone();
        scenario.steps = scenario.steps.min(RACE_TUNE_MAX_STEPS);
        let grid = default_grid();
        let tuners = (0..scenario.racers().len())
            .map(|racer| Tuner::new(&scenario, &grid, racer))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RaceTuning { tuners, current: 0 })
    }

    /// Advances the racer being tuned by up to `budget_steps` updates (at least one) and returns
    /// the fraction of the whole race's tuning done, 0 … 1.
    pub fn step(&mut self, budget_steps: u64) -> f64 {
        if let Some(tuner) = self.tuners.get_mut(self.current) {
            tuner.step(budget_steps.max(1));
            if tuner.is_done() {
                self.current += 1;
            }
        }
        let total = self.tuners.len().max(1) as f64;
        let partial = self
            .tuners
            .get(self.current)
            .map_or(0.0, |t| t.progress().fraction);
        ((self.current as f64 + partial) / total).min(1.0)
    }

    /// Whether every racer is tuned.
    pub fn is_done(&self) -> bool {
        self.current >= self.tuners.len()
    }

    /// Each racer's results so far, in racer order.
    pub fn results(&self) -> Vec<TuneResult> {
        self.tuners.iter().map(Tuner::result).collect()
    }
}

/// The learning rate with the lowest final loss; ties go to the smaller learning rate.
pub fn best_lr(points: &[TunePoint]) -> Option<f64> {
    points
        .iter()
        .filter_map(|p| p.final_loss.map(|loss| (loss, p.lr)))
        .fold(None, |best: Option<(f64, f64)>, (loss, lr)| match best {
            Some((best_loss, best_lr))
                if best_loss < loss || (best_loss == loss && best_lr <= lr) =>
            {
                Some((best_loss, best_lr))
            }
            _ => Some((loss, lr)),
        })
        .map(|(_, lr)| lr)
}

/// Runs racer `racer` of `scenario` once per learning rate of `grid` (see [`Tuner`]) to the end.
/// Refused when the scenario does not build or there is no such racer.
pub fn tune(scenario: &Scenario, grid: &[f64], racer: usize) -> Result<TuneResult, Refusal> {
    let mut tuner = Tuner::new(scenario, grid, racer)?;
    while !tuner.is_done() {
        tuner.step(u64::MAX);
    }
    Ok(tuner.result())
}
