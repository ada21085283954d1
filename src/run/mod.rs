//! The runner: one optimizer on one objective — parameters, optimizer state, schedule, sampler,
//! noise and status. It is plain data, so it can be cloned for a race, snapshotted or reset.
//!
//! Conventions follow a PyTorch training loop: update k + 1 draws a batch, evaluates the batch
//! loss and gradient at the current parameters, clips, adds any noise model, and steps at the
//! learning rate the schedule gives after k updates.

use crate::data::sampler::{batch_size_over, Sampler};
use crate::objective::model::Model;
use crate::objective::Objective;
use crate::objective::ObjectiveSpec;
use crate::optim::clip::clip_grad_norm;
use crate::optim::schedule::Schedule;
use crate::optim::{FullObjective, OptimizerConfig, OptimizerState, StepContext};
use crate::read::{Length, Problem, Refusal};
use crate::scenario::{RacerSpec, Scenario, StopSpec};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

mod early;
mod status;
use early::EarlyStop;
pub use status::{Status, StopCondition};
use std::cell::Cell;
use std::rc::Rc;

/// What one update measured, for charts and the written-out update rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct StepReport {
    /// Loss on the batch the update used, at the parameters before the update.
    pub batch_loss: f64,
    /// Learning rate in force.
    pub lr: f64,
    /// Norm of the batch gradient before clipping.
    pub grad_norm: f64,
    /// Number of samples in the batch.
    pub batch_len: usize,
}

/// A racer's batch size, as set and as it acts — the one place a setting is normalised.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BatchSize {
    /// The setting: the racer's own `batch_size`, else the scenario's; `None` when neither is
    /// set.
    pub setting: Option<usize>,
    /// What one update averages. On data, the samples it reads ([`batch_size_over`]: the
    /// setting, capped at the training set, all of it when unset) — always all of it for an
    /// optimizer that evaluates the exact objective itself (L-BFGS). On a 2-D surface, itself a
    /// single sample, the batch B of the gradient-noise model (σ/√B): the setting, 1 when unset.
    pub effective: usize,
}

impl BatchSize {
    /// The batch size a racer with `setting` and `optimizer` has on `objective`.
    pub fn of(setting: Option<usize>, optimizer: &OptimizerConfig, objective: &Model) -> Self {
        let effective = match (objective, setting) {
            (Model::Surface(_), Some(b)) => b.max(1),
            (_, Some(b)) if !optimizer.reads_objective() => {
                batch_size_over(Some(b), objective.sample_count())
            }
            _ => BatchSize::unset_on(objective),
        };
        BatchSize { setting, effective }
    }

    /// What an unset batch size means on `objective`: every training sample (full batch), or
    /// B = 1 on a surface.
    pub fn unset_on(objective: &Model) -> usize {
        match objective {
            Model::Surface(_) => 1,
            _ => batch_size_over(None, objective.sample_count()),
        }
    }
}

/// One line of a trace: the state *before* update `step + 1`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceLine {
    /// Updates taken so far.
    pub step: u64,
    /// Parameters.
    pub params: Vec<f64>,
    /// Full-objective loss at `params` (`null` in JSON when non-finite).
    pub loss: f64,
    /// Epochs completed (samples seen / n), fractional.
    pub epoch: f64,
    /// Gradient evaluations so far, counted in samples.
    pub samples: u64,
    /// Loss on the batch of the next update, at `params`; absent on the last line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_loss: Option<f64>,
    /// With early stopping, the test-split loss at `params` (what the rule watches at each
    /// epoch's end); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_loss: Option<f64>,
    /// Hessian evaluations so far, for a rule that uses the Hessian (Newton's); absent otherwise.
    /// With `samples` (evaluations of the loss and gradient, on a surface) it is what the run
    /// has cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hessians: Option<u64>,
}

/// One optimizer working through one scenario.
#[derive(Clone, Debug)]
pub struct Runner {
    objective: Rc<Model>,
    optimizer: OptimizerConfig,
    state: OptimizerState,
    schedule: Option<Schedule>,
    clip_norm: Option<f64>,
    noise_std: f64,
    noise_rng: Pcg64Mcg,
    sampler: Sampler,
    seed: u64,
    batch: BatchSize,
    with_replacement: bool,
    start: Vec<f64>,
    params: Vec<f64>,
    previous: Vec<f64>,
    /// Where the last update left the parameters, kept when early stopping has put back the best
    /// epoch's weights since (`None` while the parameters are still where it left them).
    updated: Option<Vec<f64>>,
    grad: Vec<f64>,
    last_grad: Vec<f64>,
    steps_taken: u64,
    samples_seen: u64,
    hessians_evaluated: u64,
    status: Status,
    last: Option<StepReport>,
    stop: Option<StopSpec>,
    early: Option<EarlyStop>,
}

/// Seed offset for the noise stream, so batches do not change when noise is switched on.
const NOISE_STREAM: u64 = 0x9E37_79B9_7F4A_7C15;

impl Runner {
    /// Builds the objective of `scenario` and a runner on it.
    pub fn new(scenario: &Scenario) -> Result<Runner, Refusal> {
        let objective = Rc::new(Model::build(&scenario.objective, scenario.seed)?);
        Runner::on(objective, scenario)
    }

    /// A runner on an already built objective, with the optimizer, schedule, batching and start
    /// of `scenario`.
    pub fn on(objective: Rc<Model>, scenario: &Scenario) -> Result<Runner, Refusal> {
        let racer = RacerSpec {
            optimizer: scenario.optimizer.clone(),
            batch_size: scenario.batch_size,
        };
        Runner::for_racer(objective, scenario, &racer)
    }

    /// A runner for one racer of `scenario` on an already built (shared) objective: the racer's
    /// optimizer and batch size, the scenario's schedule, clipping, seed and start — so racers
    /// with equal batch sizes see the same batches.
    pub fn for_racer(
        objective: Rc<Model>,
        scenario: &Scenario,
        racer: &RacerSpec,
    ) -> Result<Runner, Refusal> {
        scenario.validate()?;
        let dim = objective.dim();
        let start = match (&scenario.start, &scenario.objective) {
            (Some(start), _) => start.clone(),
            (None, ObjectiveSpec::Surface(s)) => Scenario::default_surface_start(s).to_vec(),
            (None, _) => objective.initial_params(),
        };
        if start.len() != dim {
            return Err(Refusal::at(
                "start",
                Problem::WrongLength {
                    found: start.len(),
                    expected: Length::Exactly(dim),
                    unit: crate::read::Unit::Values,
                },
            ));
        }
        let early = match &scenario.stop {
            Some(StopSpec {
                patience: Some(patience),
                restore_best,
                ..
            }) => {
                early::check_test_split(&objective, &start)?;
                Some(EarlyStop::new(*patience, *restore_best))
            }
            _ => None,
        };
        let batch = BatchSize::of(racer.batch_size, &racer.optimizer, &objective);
        // A rule that evaluates the objective itself (L-BFGS) sees the exact full objective: no
        // batches (above), no noise, no clipping.
        let exact = racer.optimizer.reads_objective();
        let noise_std = match &scenario.noise {
            Some(noise) if !exact => noise.sigma / (batch.effective as f64).sqrt(),
            _ => 0.0,
        };
        Ok(Runner {
            state: racer.optimizer.init(dim),
            optimizer: racer.optimizer.clone(),
            schedule: scenario.schedule.clone(),
            clip_norm: scenario.clip_norm.filter(|_| !exact),
            noise_std,
            noise_rng: Pcg64Mcg::seed_from_u64(scenario.seed ^ NOISE_STREAM),
            sampler: Sampler::new(
                objective.sample_count(),
                Some(batch.effective),
                scenario.seed,
                scenario.with_replacement,
            ),
            seed: scenario.seed,
            batch,
            with_replacement: scenario.with_replacement,
            params: start.clone(),
            previous: start.clone(),
            updated: None,
            start,
            grad: vec![0.0; dim],
            last_grad: vec![0.0; dim],
            steps_taken: 0,
            samples_seen: 0,
            hessians_evaluated: 0,
            status: Status::Running,
            last: None,
            stop: scenario.stop.clone(),
            early,
            objective,
        })
    }

    /// The objective being minimised.
    pub fn objective(&self) -> &Rc<Model> {
        &self.objective
    }

    /// The optimizer's configuration.
    pub fn optimizer(&self) -> &OptimizerConfig {
        &self.optimizer
    }

    /// The optimizer's state (moments, buffers, step count), for the written-out update.
    pub fn optimizer_state(&self) -> &OptimizerState {
        &self.state
    }

    /// Current parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Updates taken.
    pub fn steps_taken(&self) -> u64 {
        self.steps_taken
    }

    /// Gradient evaluations so far, in samples.
    pub fn samples_seen(&self) -> u64 {
        self.samples_seen
    }

    /// Hessian evaluations so far (a rule that needs one, Newton's, evaluates it every step).
    pub fn hessians_evaluated(&self) -> u64 {
        self.hessians_evaluated
    }

    /// Epochs completed, fractional.
    pub fn epoch(&self) -> f64 {
        self.samples_seen as f64 / self.sampler.sample_count() as f64
    }

    /// Where the run stands.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// What the last update measured.
    pub fn last_report(&self) -> Option<StepReport> {
        self.last
    }

    /// Full-objective loss at the current parameters.
    pub fn loss(&self) -> f64 {
        self.objective.loss(&self.params)
    }

    /// The learning rate the next update will use.
    #[inline]
    pub fn current_lr(&self) -> f64 {
        let base = self.optimizer.lr();
        match &self.schedule {
            Some(schedule) => schedule.lr_at(base, self.steps_taken),
            None => base,
        }
    }

    /// The gradient-norm bound of clipping, if the run clips.
    pub fn clip_norm(&self) -> Option<f64> {
        self.clip_norm
    }

    /// The parameters before the last update (equal to [`Self::params`] before the first).
    pub fn previous_params(&self) -> &[f64] {
        &self.previous
    }

    /// The parameters the last update left: [`Self::params`], unless early stopping has put back
    /// the best epoch's weights since (then the step from [`Self::previous_params`] is the
    /// update, not the jump back).
    pub fn updated_params(&self) -> &[f64] {
        self.updated.as_deref().unwrap_or(&self.params)
    }

    /// The gradient the optimizer received at the last update (after noise and clipping, before
    /// the optimizer's own weight decay).
    pub fn last_gradient(&self) -> &[f64] {
        &self.last_grad
    }

    /// The sample indices of the last update's batch (empty before the first update).
    pub fn last_batch(&self) -> &[usize] {
        self.sampler.current_batch()
    }

    /// The samples each update reads (the sample count for full batch; 1 on a surface).
    pub fn batch_size(&self) -> usize {
        self.sampler.batch_size()
    }

    /// The batch size as set and as it acts (on a surface, the noise model's B).
    pub fn batch(&self) -> BatchSize {
        self.batch
    }

    /// The standard deviation of the modelled gradient noise added to each component, σ/√B
    /// (0 without a noise model).
    pub fn noise_std(&self) -> f64 {
        self.noise_std
    }

    /// The starting parameters.
    pub fn start(&self) -> &[f64] {
        &self.start
    }

    /// Back to the start, with fresh optimizer state, sampler and noise stream.
    pub fn reset(&mut self) {
        self.params.clone_from(&self.start);
        self.previous.clone_from(&self.start);
        self.updated = None;
        self.last_grad.iter_mut().for_each(|g| *g = 0.0);
        self.state = self.optimizer.init(self.params.len());
        self.sampler = Sampler::new(
            self.objective.sample_count(),
            Some(self.batch.effective),
            self.seed,
            self.with_replacement,
        );
        self.noise_rng = Pcg64Mcg::seed_from_u64(self.seed ^ NOISE_STREAM);
        self.steps_taken = 0;
        self.samples_seen = 0;
        self.hessians_evaluated = 0;
        self.status = Status::Running;
        self.last = None;
        if let Some(early) = &mut self.early {
            early.reset();
        }
    }

    /// The first condition of the scenario's `stop` that the current state (the trace line
    /// after [`Self::steps_taken`] updates) meets, checked in the order `loss_below` (the
    /// full-objective loss), `grad_norm_below` (the norm of the full-objective gradient, without
    /// noise or clipping), `epochs` ([`Self::epoch`]), `patience` (early stopping: at an epoch's
    /// end, the test loss not improved for that many epochs; this measures it, once per epoch).
    pub fn stop_condition(&mut self) -> Option<StopCondition> {
        let stop = self.stop.as_ref()?;
        if let Some(x) = stop.loss_below {
            if self.loss() < x {
                return Some(StopCondition::LossBelow(x));
            }
        }
        if let Some(x) = stop.grad_norm_below {
            let mut grad = vec![0.0; self.params.len()];
            self.objective.loss_and_gradient(&self.params, &mut grad);
            if grad.iter().map(|g| g * g).sum::<f64>().sqrt() < x {
                return Some(StopCondition::GradNormBelow(x));
            }
        }
        if let Some(n) = stop.epochs {
            if self.epoch() >= n {
                return Some(StopCondition::Epochs(n));
            }
        }
        let epochs = self.samples_seen / self.sampler.sample_count() as u64;
        let early = self.early.as_mut()?;
        let at = (self.steps_taken, self.samples_seen);
        let (epoch, best_epoch, best_test_loss) =
            early.observe(&self.objective, &self.params, epochs, at)?;
        let (best_step, best_samples) = early.best_at();
        Some(StopCondition::Patience {
            patience: early.patience,
            epoch,
            best_epoch,
            best_step,
            best_samples,
            best_test_loss,
            restored: early.restore_best && early.best_weights().is_some(),
        })
    }

    /// The test-split loss at the current parameters (the objective's, penalties included);
    /// `None` without a test split.
    pub fn test_loss(&self) -> Option<f64> {
        self.objective.test_loss(&self.params)
    }

    /// Checks the scenario's `stop` at the current state; when a condition is met the status
    /// becomes [`Status::Converged`] at the current step, and early stopping puts back the best
    /// epoch's weights (unless `restore_best` is `false`). Returns whether the run has converged.
    /// [`Self::step`] calls this before every update.
    pub fn check_stop(&mut self) -> bool {
        if self.status == Status::Running {
            if let Some(condition) = self.stop_condition() {
                if let (StopCondition::Patience { restored: true, .. }, Some(early)) =
                    (condition, &self.early)
                {
                    if let Some(best) = early.best_weights() {
                        self.updated = Some(self.params.clone());
                        self.params.copy_from_slice(best);
                    }
                }
                self.status = Status::Converged {
                    step: self.steps_taken,
                    condition,
                };
            }
        }
        matches!(self.status, Status::Converged { .. })
    }

    /// Takes one update. Returns its report, or `None` once the run has stopped (diverged,
    /// failed, or converged: a condition of the scenario's `stop` holds at the current state,
    /// checked first), leaving the last finite parameters in place.
    pub fn step(&mut self) -> Option<StepReport> {
        // (`matches!` and the `stop` test first keep this hot path free of calls.)
        if !matches!(self.status, Status::Running) || (self.stop.is_some() && self.check_stop()) {
            return None;
        }
        let update = self.steps_taken + 1;
        let lr = self.current_lr();
        let batch = self.sampler.next_batch();
        let batch_len = batch.len();
        let batch_loss =
            self.objective
                .batch_loss_and_gradient(&self.params, batch, &mut self.grad);
        if self.noise_std > 0.0 {
            for g in self.grad.iter_mut() {
                let z: f64 = StandardNormal.sample(&mut self.noise_rng);
                *g += self.noise_std * z;
            }
        }
        let grad_norm = match self.clip_norm {
            Some(max_norm) => clip_grad_norm(&mut self.grad, max_norm),
            None => self.grad.iter().map(|g| g * g).sum::<f64>().sqrt(),
        };
        if !batch_loss.is_finite() || !grad_norm.is_finite() {
            self.status = Status::Diverged { step: update };
            return None;
        }
        copy(&mut self.previous, &self.params);
        copy(&mut self.last_grad, &self.grad);
        let hessian = if self.optimizer.needs_hessian() {
            self.hessians_evaluated += 1;
            self.objective.hessian(&self.params)
        } else {
            None
        };
        if hessian
            .as_deref()
            .is_some_and(|h| h.iter().any(|v| !v.is_finite()))
        {
            // The curvature overflowed where the loss and gradient did not: the run has left
            // the range of f64, which is divergence, not a refusal of the method.
            self.status = Status::Diverged { step: update };
            return None;
        }
        let objective = CountedObjective {
            objective: &self.objective,
            evaluations: Cell::new(0),
        };
        let ctx = StepContext {
            lr,
            hessian: hessian.as_deref(),
            loss: batch_loss,
            objective: Some(&objective),
        };
        if let Err(error) =
            self.optimizer
                .update(&mut self.state, &mut self.params, &mut self.grad, ctx)
        {
            self.status = Status::Failed {
                step: update,
                reason: error.to_string(),
                code: Some(error.code()),
            };
            return None;
        }
        if self.params.iter().any(|p| !p.is_finite()) {
            self.params.copy_from_slice(&self.previous);
            self.status = Status::Diverged { step: update };
            return None;
        }
        self.steps_taken = update;
        // Evaluations of the objective inside the step (L-BFGS's) each read every sample.
        let evaluated = objective.evaluations.get() * self.sampler.sample_count() as u64;
        self.samples_seen += batch_len as u64 + evaluated;
        let report = StepReport {
            batch_loss,
            lr,
            grad_norm,
            batch_len,
        };
        match &mut self.last {
            // Field by field: assigning the whole `Option` is a `memory.copy` call in wasm.
            Some(last) => {
                last.batch_loss = batch_loss;
                last.lr = lr;
                last.grad_norm = grad_norm;
                last.batch_len = batch_len;
            }
            None => self.last = Some(report),
        }
        Some(report)
    }

    /// The current state as a trace line (without a batch loss).
    pub fn trace_line(&self) -> TraceLine {
        TraceLine {
            step: self.steps_taken,
            params: self.params.clone(),
            loss: self.loss(),
            epoch: self.epoch(),
            samples: self.samples_seen,
            batch_loss: None,
            test_loss: self.early.as_ref().and_then(|_| self.test_loss()),
            hessians: self
                .optimizer
                .needs_hessian()
                .then_some(self.hessians_evaluated),
        }
    }

    /// Runs up to `steps` updates, returning trace lines 0..=steps (fewer if the run stops), each
    /// carrying the batch loss of the update that followed it. Every line is checked against the
    /// scenario's `stop` (the last one too): the first line meeting a condition is the last line
    /// emitted, and the status is then [`Status::Converged`].
    pub fn trace(&mut self, steps: u64, mut emit: impl FnMut(&TraceLine)) -> &Status {
        for k in 0..=steps {
            let mut line = self.trace_line();
            if k < steps {
                match self.step() {
                    Some(report) => line.batch_loss = Some(report.batch_loss),
                    None => {
                        emit(&line);
                        return &self.status;
                    }
                }
            } else {
                self.check_stop();
            }
            emit(&line);
        }
        &self.status
    }
}

/// The objective as a step evaluates it ([`StepContext::objective`]), counting the evaluations so
/// that samples seen include them.
struct CountedObjective<'a> {
    objective: &'a Model,
    evaluations: Cell<u64>,
}

impl FullObjective for CountedObjective<'_> {
    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluations.set(self.evaluations.get() + 1);
        self.objective.loss_and_gradient(params, grad)
    }
}

/// `dst ← src` (equal lengths). The two parameters of a 2-D run are moved as two plain
/// stores: `copy_from_slice` (and any copy loop, which the compiler turns back into one) is a
/// `memory.copy` in WebAssembly, a call into the engine on every step.
#[inline]
fn copy(dst: &mut [f64], src: &[f64]) {
    match (dst, src) {
        ([d0, d1], [s0, s1]) => (*d0, *d1) = (*s0, *s1),
        (dst, src) => dst.copy_from_slice(src),
    }
}

/// Several runners racing on one shared objective from the same start, with the same seed (and
/// so the same batch order wherever their batch sizes agree).
#[derive(Clone, Debug)]
pub struct Race {
    /// The racers, the scenario's own optimizer first.
    pub runners: Vec<Runner>,
}

impl Race {
    /// Builds the objective once and one runner per racer of `scenario`.
    pub fn new(scenario: &Scenario) -> Result<Race, Refusal> {
        let objective = Rc::new(Model::build(&scenario.objective, scenario.seed)?);
        let runners = scenario
            .racers()
            .iter()
            .map(|racer| Runner::for_racer(Rc::clone(&objective), scenario, racer))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Race { runners })
    }
}

/// The full-batch gradient at a point beside gradients of random batches of the run's batch size:
/// the picture of mini-batch noise (its spread shrinks like 1/√B).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientCloud {
    /// The full-objective gradient.
    pub full: Vec<f64>,
    /// One gradient per random batch (or per draw of the noise model on a surface).
    pub samples: Vec<Vec<f64>>,
    /// The batch size the samples use.
    pub batch_size: usize,
    /// Whether the spread comes from the Gaussian noise model rather than real batches.
    pub modelled: bool,
}

impl Runner {
    /// `count` batch gradients at the current parameters, drawn with their own generator seeded
    /// by `seed` (the run's own batch order is untouched).
    pub fn gradient_cloud(&self, count: usize, seed: u64) -> GradientCloud {
        let dim = self.params.len();
        let mut full = vec![0.0; dim];
        self.objective.loss_and_gradient(&self.params, &mut full);
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let n = self.sampler.sample_count();
        let batch_size = self.sampler.batch_size();
        let modelled = self.noise_std > 0.0;
        let samples = (0..count)
            .map(|_| {
                if modelled {
                    full.iter()
                        .map(|g| {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            g + self.noise_std * z
                        })
                        .collect()
                } else if batch_size < n {
                    let batch = rand::seq::index::sample(&mut rng, n, batch_size).into_vec();
                    let mut grad = vec![0.0; dim];
                    self.objective
                        .batch_loss_and_gradient(&self.params, &batch, &mut grad);
                    grad
                } else {
                    full.clone()
                }
            })
            .collect();
        GradientCloud {
            full,
            samples,
            batch_size,
            modelled,
        }
    }
}

/// A fingerprint of a whole trace: FNV-1a (64-bit) over the step, every parameter's and the
/// loss's IEEE-754 bits of each line. Equal digests mean bit-identical runs, which is how the
/// tests show that a seed replays the same run natively and in WebAssembly.
pub fn trace_digest(scenario: &Scenario) -> Result<u64, Refusal> {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut runner = Runner::new(scenario)?;
    let mut hash = OFFSET;
    let mut feed = |word: u64| {
        for byte in word.to_le_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    };
    runner.trace(scenario.steps, |line| {
        feed(line.step);
        for p in &line.params {
            feed(p.to_bits());
        }
        feed(line.loss.to_bits());
        feed(line.batch_loss.map_or(0, f64::to_bits));
    });
    Ok(hash)
}

#[cfg(test)]
mod tests;
