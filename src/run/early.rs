//! Early stopping on the test loss: the scenario's `"stop":{"patience":P}` watches the loss on the
//! test split at the end of every epoch and ends the run once it has not improved for `P` epochs
//! in a row, then (unless `"restore_best":false`) puts back the weights of the best epoch.
//!
//! The rule is Keras's `EarlyStopping(monitor="val_loss", patience=P, min_delta=0,
//! restore_best_weights=True)`: the first measurement is at the end of epoch 1 (the start is not
//! a candidate), an epoch improves when its test loss is strictly below the best so far, and the
//! run stops at the end of epoch `e` when `e − b ≥ P`, `b` the best epoch. An epoch ends at the
//! first trace line whose whole epochs completed (samples seen / n, rounded down) reach it; with
//! full batches every update is an epoch.

use crate::objective::model::Model;
use crate::read::Refusal;

/// What early stopping has seen so far: the last epoch measured and the best epoch's test loss,
/// step and weights.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct EarlyStop {
    /// Epochs without improvement that end the run (≥ 1).
    pub patience: u64,
    /// Whether the best epoch's weights are put back when the run stops.
    pub restore_best: bool,
    /// The last whole epoch whose end was measured (0 before the first).
    measured: u64,
    /// The best epoch so far: `(epoch, test loss, weights)`.
    best: Option<(u64, f64, Vec<f64>)>,
    /// The updates taken and samples seen at the best epoch's end.
    best_at: (u64, u64),
}

impl EarlyStop {
    /// A watcher with nothing seen yet.
    pub fn new(patience: u64, restore_best: bool) -> Self {
        EarlyStop {
            patience,
            restore_best,
            measured: 0,
            best: None,
            best_at: (0, 0),
        }
    }

    /// Back to nothing seen.
    pub fn reset(&mut self) {
        self.measured = 0;
        self.best = None;
        self.best_at = (0, 0);
    }

    /// The updates taken and samples seen at the end of the best epoch (`(0, 0)` before one).
    pub fn best_at(&self) -> (u64, u64) {
        self.best_at
    }

    /// Measures the test loss at `params` when `epochs` (whole epochs completed) has passed the
    /// last epoch measured (`at`: the updates taken and samples seen there); returns `(epoch, best epoch, best test loss)` once the best is
    /// `patience` or more epochs behind the current one. A non-finite test loss never improves.
    pub fn observe(
        &mut self,
        objective: &Model,
        params: &[f64],
        epochs: u64,
        at: (u64, u64),
    ) -> Option<(u64, u64, f64)> {
        if epochs <= self.measured {
            return None;
        }
        self.measured = epochs;
        let loss = objective.test_loss(params).unwrap_or(f64::NAN);
        let improves = match &self.best {
            None => loss.is_finite(),
            Some((_, best, _)) => loss < *best,
        };
        if improves {
            self.best_at = at;
            match &mut self.best {
                Some((epoch, best, weights)) => {
                    (*epoch, *best) = (epochs, loss);
                    weights.copy_from_slice(params);
                }
                None => self.best = Some((epochs, loss, params.to_vec())),
            }
        }
        let (best_epoch, best_loss) = match &self.best {
            Some((epoch, loss, _)) => (*epoch, *loss),
            // Nothing finite yet: counted from the start.
            None => (0, f64::NAN),
        };
        (epochs - best_epoch >= self.patience).then_some((epochs, best_epoch, best_loss))
    }

    /// The best epoch's weights, when one was measured.
    pub fn best_weights(&self) -> Option<&[f64]> {
        self.best.as_ref().map(|(_, _, w)| w.as_slice())
    }
}

/// Refuses early stopping on a built objective without a test split (a data set so small that
/// its held-out share rounds to no point), at `stop.patience`.
pub(super) fn check_test_split(objective: &Model, start: &[f64]) -> Result<(), Refusal> {
    if objective.test_loss(start).is_some() {
        return Ok(());
    }
    Err(crate::scenario::no_test_split(
        crate::read::NoSplit::NoPointHeldOut,
    ))
}
