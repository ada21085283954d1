//! The words the lab draws on its canvases — axis titles and the early-stopping marks — handed
//! in by the page in its reader's language ([`Lab::set_words`]); English until then. The core
//! carries no words of its own for these: the page's catalogue (www/i18n/) has them.

use super::*;
use crate::session::chart::ChartAxis;

/// The canvases' words, each a catalogue entry of the page's (`chart.*`).
#[derive(Clone, Debug)]
pub(super) struct CanvasWords {
    /// The CSS font families of the words the lab draws on a canvas itself (the racers'
    /// markers): the page's `CANVAS_FONTS`, which has fonts with Chinese glyphs.
    pub(super) font: String,
    /// The x axis of steps: `"iterations"`.
    pub(super) iterations: String,
    /// The x axis of epochs.
    pub(super) epochs: String,
    /// The x axis of samples seen.
    pub(super) samples: String,
    /// The x axis of samples seen on one analytic function (a surface): evaluations of f and ∇f.
    pub(super) evaluations: String,
    /// The loss chart's y axis.
    pub(super) loss: String,
    /// The loss chart's y axis when the known minimum is subtracted.
    pub(super) loss_minus_minimum: String,
    /// The early-stopping mark at the best epoch.
    pub(super) best: String,
    /// The early-stopping mark where the run stopped.
    pub(super) stopped: String,
    /// The y axis of the per-layer gradient norms.
    pub(super) layer_norm: String,
    /// A diverged racer's marker, `{step}` its step: `"diverged at step {step}"`.
    pub(super) diverged: String,
    /// The marker of a racer whose step was refused, `{step}` its step.
    pub(super) failed: String,
    /// The linear regression plane's x axis.
    pub(super) slope: String,
    /// The linear regression plane's y axis.
    pub(super) intercept: String,
}

// Read by the crate's field reader (absent keys keep their English), not serde's derive, whose
// visitor for fourteen strings cost the first screen's module 11 KB of raw wasm (4 KB gzipped).
crate::read::fields::read_fields!(CanvasWords {
    font: Str,
    iterations: Str,
    epochs: Str,
    samples: Str,
    evaluations: Str,
    loss: Str,
    loss_minus_minimum: Str,
    best: Str,
    stopped: Str,
    layer_norm: Str,
    diverged: Str,
    failed: Str,
    slope: Str,
    intercept: Str,
});

impl Default for CanvasWords {
    fn default() -> Self {
        CanvasWords {
            font: "sans-serif".into(),
            iterations: "iterations".into(),
            epochs: "epochs".into(),
            samples: "samples seen (gradient evaluations)".into(),
            evaluations: "evaluations of f and ∇f".into(),
            loss: "loss".into(),
            loss_minus_minimum: "loss − minimum".into(),
            best: "best".into(),
            stopped: "stopped".into(),
            layer_norm: "‖∇ layer‖".into(),
            diverged: "diverged at step {step}".into(),
            failed: "stopped at step {step}".into(),
            slope: "w (slope)".into(),
            intercept: "b (intercept)".into(),
        }
    }
}

impl CanvasWords {
    /// The title of the loss chart's x axis `axis`; on one `analytic` function (a surface)
    /// samples seen are what a run has cost in evaluations of f and ∇f (L-BFGS's line-search
    /// trials included).
    pub(super) fn axis(&self, axis: ChartAxis, analytic: bool) -> &str {
        match axis {
            ChartAxis::Steps => &self.iterations,
            ChartAxis::Epochs => &self.epochs,
            ChartAxis::Samples if analytic => &self.evaluations,
            ChartAxis::Samples => &self.samples,
        }
    }
}

impl CanvasWords {
    /// The words of a diverged or refused racer's marker (empty for any other status).
    pub(super) fn ended(&self, status: &Status) -> String {
        match status {
            Status::Diverged { step } => self.diverged.replace("{step}", &step.to_string()),
            Status::Failed { step, .. } => self.failed.replace("{step}", &step.to_string()),
            Status::Running | Status::Converged { .. } => String::new(),
        }
    }
}

#[wasm_bindgen]
impl Lab {
    /// Sets the words drawn on the canvases from a JSON object (`{"iterations": "迭代次数",
    /// …}`; absent keys keep their English); the next draw uses them.
    pub fn set_words(&mut self, json: &str) -> Result<(), JsValue> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(js_error)?;
        self.words = CanvasWords::read(&value).map_err(refusal)?;
        Ok(())
    }
}
