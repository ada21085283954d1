//! "Tune learning rates" from the page: [`crate::tune::RaceTuning`] behind a handle, advanced a
//! budget at a time.

use super::*;

/// "Tune learning rates": every racer's learning rate tuned in turn ([`crate::tune::RaceTuning`]).
#[wasm_bindgen]
pub struct TuneJob(crate::tune::RaceTuning);

#[wasm_bindgen]
impl Lab {
    /// Starts tuning every racer of the current scenario on the same start, batches and a step
    /// budget of min(steps, 3000).
    pub fn start_tuning(&self) -> Result<TuneJob, JsValue> {
        let tuning = crate::tune::RaceTuning::new(self.session.scenario()).map_err(refusal)?;
        Ok(TuneJob(tuning))
    }
}

#[wasm_bindgen]
impl TuneJob {
    /// Advances by up to `budget` optimizer steps; returns the overall fraction done (0 … 1).
    pub fn step(&mut self, budget: u32) -> f64 {
        self.0.step(u64::from(budget))
    }

    /// Whether every racer is tuned.
    pub fn is_done(&self) -> bool {
        self.0.is_done()
    }

    /// Each racer's grid results and best learning rate, as a JSON array.
    pub fn result_json(&self) -> String {
        to_json(&self.0.results(), "[]")
    }
}
