//! Where a run stands: running, diverged, stopped by a condition, refused by a step — and the
//! words for it, said once for the CLI, the legend and the surface markers.

use serde::Serialize;

/// Where a run stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Status {
    /// Still taking steps.
    Running,
    /// The loss, gradient or parameters became non-finite during update `step`; the parameters
    /// are those before it.
    Diverged {
        /// The 1-based update that failed.
        step: u64,
    },
    /// The optimizer refused update `step` (e.g. Newton at a singular Hessian).
    Failed {
        /// The 1-based update that was refused.
        step: u64,
        /// Why, in a sentence.
        reason: String,
        /// Why, as an id the page words in its reader's language ([`crate::optim::StepError::code`]);
        /// `None` where only the sentence exists.
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'static str>,
    },
    /// Trace line `step` (the state after `step` updates) met a condition of the scenario's
    /// `stop`; no further update is taken.
    Converged {
        /// Updates taken when the condition was met (the last trace line).
        step: u64,
        /// The condition met.
        condition: StopCondition,
    },
}

/// A condition of the scenario's `stop` that a run met, with its threshold. Serialised as
/// `{"loss_below": 1e-6}`, `{"grad_norm_below": 1e-3}`, `{"epochs": 5}` or
/// `{"patience": {"patience": 5, "epoch": 30, "best_epoch": 25, "best_step": 25,
/// "best_samples": 500, "best_test_loss": 0.12, "restored": true}}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopCondition {
    /// The full-objective loss fell below the threshold.
    LossBelow(f64),
    /// The full gradient's norm fell below the threshold.
    GradNormBelow(f64),
    /// The epochs completed reached the threshold.
    Epochs(f64),
    /// Early stopping: the test loss had not improved for `patience` epochs at the end of
    /// `epoch`.
    Patience {
        /// Epochs without improvement that end the run.
        patience: u64,
        /// The epoch at whose end the run stopped.
        epoch: u64,
        /// The epoch with the lowest test loss (0 when none was finite).
        best_epoch: u64,
        /// The updates taken at the end of the best epoch.
        best_step: u64,
        /// The samples seen at the end of the best epoch.
        best_samples: u64,
        /// That epoch's test loss.
        best_test_loss: f64,
        /// Whether the best epoch's weights were put back.
        restored: bool,
    },
}

impl StopCondition {
    /// The scenario field of the condition: `"loss_below"`, `"grad_norm_below"`, `"epochs"` or
    /// `"patience"`.
    pub fn name(&self) -> &'static str {
        match self {
            StopCondition::LossBelow(_) => "loss_below",
            StopCondition::GradNormBelow(_) => "grad_norm_below",
            StopCondition::Epochs(_) => "epochs",
            StopCondition::Patience { .. } => "patience",
        }
    }

    /// The condition in words: `"loss below 1e-6"`, `"gradient norm below 0.001"`,
    /// `"5 epochs done"`, `"test loss 0.1234 at epoch 25, none lower for 5 epochs; its weights
    /// restored"`.
    pub fn describe(&self) -> String {
        match self {
            StopCondition::LossBelow(x) => format!("loss below {}", threshold_text(*x)),
            StopCondition::GradNormBelow(x) => {
                format!("gradient norm below {}", threshold_text(*x))
            }
            StopCondition::Epochs(n) => format!("{} epochs done", threshold_text(*n)),
            StopCondition::Patience {
                patience,
                best_epoch,
                best_test_loss,
                restored,
                ..
            } => format!(
                "test loss {} at epoch {best_epoch}, none lower for {patience} epoch{}; {}",
                loss_text(*best_test_loss),
                if *patience == 1 { "" } else { "s" },
                if *restored {
                    "its weights restored"
                } else {
                    "the last weights kept"
                }
            ),
        }
    }
}

/// A loss as a sentence shows it: four significant digits (`0.1234`, `12.35`, `1.235e-5`).
fn loss_text(x: f64) -> String {
    if !x.is_finite() {
        return "not finite".to_string();
    }
    if x == 0.0 || (1e-3..1e6).contains(&x.abs()) {
        let decimals = (3 - libm::log10(x.abs()).floor() as i32).clamp(0, 6) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.3e}")
    }
}

/// A threshold as a sentence shows it: plain from 1e-3 to 1e6 (`0.001`, `5`), else in scientific
/// notation (`1e-6`, `2.5e-8`).
fn threshold_text(x: f64) -> String {
    if (1e-3..1e6).contains(&x.abs()) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

impl Status {
    /// Where the run stands, in a sentence: `"running"`, `"diverged at step 12: the loss or
    /// parameters became non-finite"`, `"stopped at step 3: <reason>"` or `"converged at step
    /// 37 (loss below 1e-6)"` (`"stopped at step 500 (5 epochs done)"` for an epoch limit) —
    /// [`Self::summary`], then [`Self::cause`] where there is one (early stopping: the best test
    /// loss and what became of the weights, in parentheses).
    pub fn message(&self) -> String {
        match (self, self.cause()) {
            (_, Some(cause)) => format!("{}: {cause}", self.summary()),
            (
                Status::Converged {
                    condition: condition @ StopCondition::Patience { .. },
                    ..
                },
                None,
            ) => format!("{} ({})", self.summary(), condition.describe()),
            (_, None) => self.summary(),
        }
    }

    /// Where the run stands, in a phrase without the cause: `"running"`, `"diverged at step
    /// 12"`, `"stopped at step 3"`, `"converged at step 37 (loss below 1e-6)"`, `"stopped at
    /// step 500 (5 epochs done)"`, `"stopped at epoch 30, best test loss at epoch 25"`. The words
    /// of every status are written here once; the command
    /// line, the page's legend and its markers all take them from this and [`Self::message`].
    pub fn summary(&self) -> String {
        match self {
            Status::Running => "running".to_string(),
            Status::Diverged { step } => format!("diverged at step {step}"),
            Status::Failed { step, .. } => format!("stopped at step {step}"),
            Status::Converged {
                step,
                condition: condition @ StopCondition::Epochs(_),
            } => format!("stopped at step {step} ({})", condition.describe()),
            Status::Converged {
                condition:
                    StopCondition::Patience {
                        epoch, best_epoch, ..
                    },
                ..
            } => format!("stopped at epoch {epoch}, best test loss at epoch {best_epoch}"),
            Status::Converged { step, condition } => {
                format!("converged at step {step} ({})", condition.describe())
            }
        }
    }

    /// Why the run stopped where [`Self::summary`] does not say: the loss or parameters became
    /// non-finite, or the optimizer's reason for refusing a step.
    pub fn cause(&self) -> Option<&str> {
        match self {
            Status::Diverged { .. } => Some("the loss or parameters became non-finite"),
            Status::Failed { reason, .. } => Some(reason),
            Status::Running | Status::Converged { .. } => None,
        }
    }

    /// The status's name, as its JSON tag: `"running"`, `"diverged"`, `"failed"` or
    /// `"converged"`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Diverged { .. } => "diverged",
            Status::Failed { .. } => "failed",
            Status::Converged { .. } => "converged",
        }
    }

    /// What ended the run and at which trace line, as `gdviz trace`'s last line names it:
    /// `"diverged"`, `"failed"`, or the field of the stop condition met (`"loss_below"`, …);
    /// `None` while it runs.
    pub fn stopped(&self) -> Option<(&'static str, u64)> {
        match self {
            Status::Running => None,
            Status::Diverged { step } | Status::Failed { step, .. } => Some((self.name(), *step)),
            Status::Converged { step, condition } => Some((condition.name(), *step)),
        }
    }
}
