//! A session of the lab, without the browser: the scenario, its racing runners, their trails and
//! network histories, and every number the page shows of them.
//!
//! The page's handle (the `web` module's `Lab`) holds one [`Session`] beside its canvases and
//! turns what it computes into JavaScript values and pictures; everything here runs, and is
//! tested, natively. The pieces are split by what they serve: [`view`] (the per-racer state the
//! controls, legend and read-outs show), [`chart`] (the loss chart's curves, axes and picking),
//! [`network`] (per-layer gradient norms, the weight history, the loss landscape, the confusion
//! matrices), [`line_search`] (L-BFGS's last strong-Wolfe search, trial by trial) and
//! [`catalog`] (the menus of optimizers, surfaces and data sets).

pub mod catalog;
pub mod chart;
#[cfg(feature = "cnn")]
pub mod digits;
pub mod line_search;
pub mod network;
pub mod view;

use crate::objective::mlp::Mlp;
use crate::objective::model::Model;
use crate::objective::surfaces::ViewBox;
use crate::optim::explain::{ExplainLine, StepRecord};
use crate::read::Refusal;
use crate::run::{Race, Runner, Status};
use crate::scenario::{Goal, Scenario, Verdict};
use crate::trail::{Trail, TrailPoint};
use crate::url_state::{self, Ignored, Why};
use network::{Landscape, NetworkRecord};
use serde::Serialize;

/// Points kept per racer for drawing (the trail thins itself beyond this).
pub const TRAIL_CAPACITY: usize = 4096;

/// Network snapshots (weights and per-layer gradient norms) kept per racer.
pub const HISTORY_CAPACITY: usize = 512;

/// The scenario, its race, and the bounded histories the pictures are drawn from.
#[derive(Clone, Debug)]
pub struct Session {
    scenario: Scenario,
    race: Race,
    /// What the opening URL asked for and the session ignored, as sentences.
    ignored: Vec<Ignored>,
    trails: Vec<Trail>,
    /// Per racer, for networks: weight snapshots and per-layer gradient norms, one per
    /// [`Session::advance`] that moved the racer (empty for other objectives).
    histories: Vec<Trail<NetworkRecord>>,
    /// Per racer, where it stands against the scenario's goal (empty without one), judged at
    /// every point its trail records: every step on a 2-parameter problem, every advance else.
    verdicts: Vec<Verdict>,
    /// The plane the surface view shows (kept while only the optimizers change).
    view: ViewBox,
    landscape: Option<Landscape>,
    /// A landscape being computed a few rows at a time ([`Session::start_landscape`]).
    pending_landscape: Option<Landscape>,
}

impl Session {
    /// A session on the scenario in a URL query string; parameters that do not parse are
    /// ignored (see [`Session::ignored`]), and a scenario that does not build gives way to the
    /// page's default one, so a session always opens.
    pub fn open(query: &str) -> Session {
        let state = url_state::from_query(query);
        let mut ignored = state.ignored;
        let (scenario, race) = match Race::new(&state.scenario) {
            Ok(race) => (state.scenario, race),
            Err(e) => {
                ignored.push(Ignored {
                    key: String::new(),
                    why: Why::refused(&e, e.to_string()),
                });
                let scenario = url_state::page_default();
                match Race::new(&scenario) {
                    Ok(race) => (scenario, race),
                    // The default scenario is tested to build; this arm only keeps `open` total.
                    Err(e) => {
                        ignored.push(Ignored {
                            key: String::new(),
                            why: Why::refused(&e, e.to_string()),
                        });
                        degenerate()
                    }
                }
            }
        };
        ignored.dedup();
        Session::with(scenario, race, ignored)
    }

    fn with(scenario: Scenario, race: Race, ignored: Vec<Ignored>) -> Session {
        let mut session = Session {
            view: view_of(&race),
            scenario,
            race,
            ignored,
            trails: Vec::new(),
            histories: Vec::new(),
            verdicts: Vec::new(),
            landscape: None,
            pending_landscape: None,
        };
        session.restart_histories();
        session
    }

    /// What the opening URL asked for and the session ignored.
    pub fn ignored(&self) -> &[Ignored] {
        &self.ignored
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The racers.
    pub fn race(&self) -> &Race {
        &self.race
    }

    /// Each racer's recorded trail.
    pub fn trails(&self) -> &[Trail] {
        &self.trails
    }

    /// Each racer's network history (empty trails where the objective is not a network).
    pub fn histories(&self) -> &[Trail<NetworkRecord>] {
        &self.histories
    }

    /// The plane the surface view shows.
    pub fn view(&self) -> ViewBox {
        self.view
    }

    /// The objective the racers share (the first racer's; every racer has the same one).
    pub fn objective(&self) -> Option<&Model> {
        self.race.runners.first().map(|r| r.objective().as_ref())
    }

    /// Replaces the scenario (parsed from JSON) and restarts the race. On a refusal the session
    /// keeps its current scenario; the error names the field and the accepted range.
    pub fn load(&mut self, scenario_json: &str) -> Result<(), Refusal> {
        let scenario = Scenario::from_json(scenario_json)?;
        let race = Race::new(&scenario)?;
        let objective_changed = scenario.objective != self.scenario.objective;
        self.scenario = scenario;
        self.race = race;
        if objective_changed {
            self.view = view_of(&self.race);
        }
        self.restart_histories();
        Ok(())
    }

    /// Whether the objective (and so the heat map) differs from the one in `scenario_json`
    /// (`true` when that does not parse).
    pub fn objective_differs(&self, scenario_json: &str) -> bool {
        match Scenario::from_json(scenario_json) {
            Ok(s) => s.objective != self.scenario.objective,
            Err(_) => true,
        }
    }

    /// Back to the start: every racer's parameters, optimizer state and batch order.
    pub fn reset(&mut self) {
        for runner in &mut self.race.runners {
            runner.reset();
        }
        self.restart_histories();
    }

    /// Runs up to `steps` updates on every racer still running within the scenario's step
    /// budget, recording each 2-D racer's every step and each network racer's state at the end
    /// of every epoch and once at the end (a network's point costs a pass over the data): its
    /// curves then have the same points however many steps a frame takes. Weights put back by
    /// early stopping are not recorded: the curves end where training ended. Returns how many
    /// racers are still running afterwards.
    pub fn advance(&mut self, steps: u32) -> u32 {
        let budget = self.scenario.steps;
        let every_step = self
            .race
            .runners
            .first()
            .is_some_and(|r| r.params().len() == 2);
        let goal = self.scenario.goal.as_ref();
        let runners = self.race.runners.iter_mut().zip(&mut self.verdicts);
        for (((runner, verdict), trail), history) in
            runners.zip(&mut self.trails).zip(&mut self.histories)
        {
            // The updates taken at the last point recorded (every call ends with one).
            let mut recorded = runner.steps_taken();
            let mut record = |runner: &Runner, verdict: &mut Verdict| {
                let point = TrailPoint::of(runner);
                judge(goal, verdict, runner, &point, budget);
                trail.push(point);
                if let Some(mlp) = network_of(runner) {
                    history.push(NetworkRecord::of(runner, mlp));
                }
            };
            for _ in 0..steps {
                let epochs = runner.epoch().floor();
                // (A stop that puts back the best weights happens inside a step that then
                // reports none: nothing is recorded of it.)
                if runner.steps_taken() >= budget || runner.step().is_none() {
                    break;
                }
                if every_step || runner.epoch().floor() > epochs {
                    record(runner, verdict);
                    recorded = runner.steps_taken();
                }
            }
            if runner.steps_taken() > recorded {
                record(runner, verdict);
            }
            // A racer that stopped without a new point (a divergence ends its run in the step
            // that fails) has missed a goal still open.
            let stopped = *runner.status() != Status::Running || runner.steps_taken() >= budget;
            if goal.is_some() && *verdict == Verdict::Open && stopped {
                *verdict = Verdict::Missed {
                    step: runner.steps_taken(),
                };
            }
        }
        self.running_count()
    }

    /// Racers still running within the step budget.
    pub fn running_count(&self) -> u32 {
        let budget = self.scenario.steps;
        self.race
            .runners
            .iter()
            .filter(|r| *r.status() == Status::Running && r.steps_taken() < budget)
            .count() as u32
    }

    /// Steps taken by the racer furthest along.
    pub fn steps_taken(&self) -> u64 {
        self.race
            .runners
            .iter()
            .map(Runner::steps_taken)
            .max()
            .unwrap_or(0)
    }

    /// Whether the racers train a network (the network lab's view).
    pub fn is_network(&self) -> bool {
        self.race.runners.first().and_then(network_of).is_some()
    }

    /// Racer `index`'s last update written out with its numbers ([`crate::optim::explain`]); a
    /// note asking for a step before the first; `None` for a racer that does not exist.
    pub fn explain(&self, index: usize) -> Option<Explained> {
        let runner = self.race.runners.get(index)?;
        if runner.steps_taken() == 0 {
            return Some(Explained {
                method: None,
                title: runner.optimizer().info().title.to_string(),
                lines: Vec::new(),
                note: Some("take_a_step"),
            });
        }
        let record = StepRecord {
            lr: runner
                .last_report()
                .map(|r| r.lr)
                .unwrap_or_else(|| runner.current_lr()),
            grad: runner.last_gradient(),
            params_before: runner.previous_params(),
            params_after: runner.updated_params(),
            clipped: runner
                .clip_norm()
                .zip(runner.last_report())
                .filter(|(bound, report)| crate::optim::clip::clips(report.grad_norm, *bound))
                .map(|(bound, report)| (report.grad_norm, bound)),
        };
        let explanation =
            crate::optim::explain::explain(runner.optimizer(), runner.optimizer_state(), &record);
        Some(Explained {
            method: Some(explanation.method),
            title: explanation.title,
            lines: explanation.lines,
            note: None,
        })
    }

    /// On the rotated quadratic, the momentum lesson's numbers ([`crate::theory::race_theory`]):
    /// the closed-form rates, and each racer's predicted and measured rate; `None` on any other
    /// objective.
    pub fn theory(&self) -> Option<crate::theory::RaceTheory> {
        let kappa = crate::theory::quadratic_kappa(&self.scenario.objective)?;
        let racers = self
            .race
            .runners
            .iter()
            .zip(&self.trails)
            .map(|(r, trail)| {
                let losses: Vec<f64> = trail.points().iter().map(|p| p.loss).collect();
                (r.optimizer(), losses)
            });
        Some(crate::theory::race_theory(kappa, racers))
    }

    /// Every racer's recorded trail as CSV ([`crate::trail::trajectories_csv`]).
    pub fn trajectories_csv(&self) -> String {
        let names = self.race.runners.iter().map(|r| r.optimizer().name());
        crate::trail::trajectories_csv(names.zip(&self.trails))
    }

    fn restart_histories(&mut self) {
        self.trails = self
            .race
            .runners
            .iter()
            .map(|runner| {
                let mut trail = Trail::new(TRAIL_CAPACITY);
                trail.push(TrailPoint::of(runner));
                trail
            })
            .collect();
        self.histories = self
            .race
            .runners
            .iter()
            .map(|runner| {
                let mut history = Trail::new(HISTORY_CAPACITY);
                if let Some(mlp) = network_of(runner) {
                    history.push(NetworkRecord::of(runner, mlp));
                }
                history
            })
            .collect();
        self.verdicts = vec![Verdict::Open; self.race.runners.len()];
        self.landscape = None;
        self.pending_landscape = None;
    }

    /// Each racer's standing against the scenario's goal (`None` without a goal).
    pub fn verdicts(&self) -> Option<&[Verdict]> {
        self.scenario
            .goal
            .as_ref()
            .map(|_| self.verdicts.as_slice())
    }
}

/// The update rule of a racer's last step, written out — or, before its first step, its title
/// and a note.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explained {
    /// The method as an id the page words ([`crate::optim::explain::method`]); `None` before
    /// the first step.
    pub method: Option<&'static str>,
    /// The method and its source (before the first step: the optimizer's name in print).
    pub title: String,
    /// One line per quantity of the rule, with its value.
    pub lines: Vec<ExplainLine>,
    /// In place of the lines, when there is no step to write out yet, the id of the page's
    /// sentence for it: `"take_a_step"` (take a step to see the update written out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// The network a racer trains, when its objective is one (never in a build without feature
/// `mlp`, where no network is built: what reads a network then reads nothing).
pub fn network_of(runner: &Runner) -> Option<&Mlp> {
    match runner.objective().as_ref() {
        #[cfg(feature = "mlp")]
        Model::Mlp(m) => Some(m),
        _ => None,
    }
}

/// The plane the surface view of `race` opens on (the unit box when there is no racer).
fn view_of(race: &Race) -> ViewBox {
    race.runners
        .first()
        .map(|r| crate::objective::view::view_box(r.objective()))
        .unwrap_or(ViewBox {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        })
}

/// A degenerate but valid session's scenario and race: Booth with no racer. Reached only if the
/// page's default scenario stopped building, which a native test rules out.
fn degenerate() -> (Scenario, Race) {
    let scenario = Scenario {
        objective: crate::scenario::ObjectiveSpec::Surface(
            crate::objective::surfaces::SurfaceSpec::Booth,
        ),
        race: Vec::new(),
        ..url_state::page_default()
    };
    let race = Race {
        runners: Runner::new(&scenario).into_iter().collect(),
    };
    (scenario, race)
}

#[cfg(test)]
mod tests;

/// Judges a racer's new trail point against the goal while its verdict is open: a loss that is
/// not finite counts as none, and a racer that has stopped (or spent the step budget) without
/// meeting the goal has missed it.
fn judge(
    goal: Option<&Goal>,
    verdict: &mut Verdict,
    runner: &Runner,
    point: &TrailPoint,
    budget: u64,
) {
    let Some(goal) = goal else { return };
    if *verdict != Verdict::Open {
        return;
    }
    let stopped = *runner.status() != Status::Running || point.step >= budget;
    let loss = point.loss.is_finite().then_some(point.loss);
    *verdict = goal.judge(point.step, point.samples, point.epoch, loss, stopped);
}
