//! "Tune learning rates" from the page: one tuner per racer, advanced a budget at a time.

use super::*;

/// Step budget per learning rate when tuning from the page (the scenario's own budget, capped
/// so that a tune of every racer finishes in seconds).
pub(super) const TUNE_MAX_STEPS: u64 = 3000;

/// "Tune learning rates": one [`crate::tune::Tuner`] per racer over the default log grid
/// (3 per decade, 1e-4 … 10), advanced a budget of steps at a time so the page never freezes.
#[wasm_bindgen]
pub struct TuneJob {
    pub(super) tuners: Vec<crate::tune::Tuner>,
    pub(super) current: usize,
}

#[wasm_bindgen]
impl Lab {
    /// Starts tuning every racer of the current scenario on the same start, batches and a step
    /// budget of min(steps, 3000).
    pub fn start_tuning(&self) -> Result<TuneJob, JsValue> {
        let mut scenario = self.scenario.clone();
        scenario.steps = scenario.steps.min(TUNE_MAX_STEPS);
        let grid = crate::tune::default_grid();
        let tuners = (0..self.race.runners.len())
            .map(|racer| crate::tune::Tuner::new(&scenario, &grid, racer))
            .collect::<Result<Vec<_>, _>>()
            .map_err(js_error)?;
        Ok(TuneJob { tuners, current: 0 })
    }
}

#[wasm_bindgen]
impl TuneJob {
    /// Advances by up to `budget` optimizer steps; returns the overall fraction done (0 … 1).
    pub fn step(&mut self, budget: u32) -> f64 {
        if let Some(tuner) = self.tuners.get_mut(self.current) {
            tuner.step(u64::from(budget.max(1)));
            if tuner.is_done() {
                self.current += 1;
            }
        }
        let total = self.tuners.len().max(1) as f64;
        let partial = self
            .tuners
            .get(self.current)
            .map(|t| t.progress().fraction)
            .unwrap_or(0.0);
        ((self.current as f64 + partial) / total).min(1.0)
    }

    /// Whether every racer is tuned.
    pub fn is_done(&self) -> bool {
        self.current >= self.tuners.len()
    }

    /// Each racer's grid results and best learning rate, as a JSON array.
    pub fn result_json(&self) -> String {
        let results: Vec<_> = self.tuners.iter().map(crate::tune::Tuner::result).collect();
        serde_json::to_string(&results).unwrap_or_else(|_| "[]".into())
    }
}
