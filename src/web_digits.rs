//! The digits lab's `#[wasm_bindgen]` facade (feature `cnn`): a [`DigitsSession`] behind an
//! opaque [`DigitsLab`], converting its numbers for the page (flat typed arrays and short JSON),
//! nothing else. It is built into a WebAssembly module of its own (`pkg/gdviz_digits_bg.wasm`,
//! see the Makefile), which the page fetches with the digits (`data/digits.bin`, installed first
//! by [`install_digits`]) when the lab first opens, so the first screen carries neither.

use crate::data::digits;
use crate::scenario::Scenario;
use crate::session::digits::{DigitsSession, DEFAULT_SCENARIO};
use crate::web_common::{js_error, refusal, to_json};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Decodes and keeps the digits (the bytes of `data/digits.bin`); the digits lab needs them.
#[wasm_bindgen]
pub fn install_digits(bytes: &[u8]) -> Result<(), JsValue> {
    digits::install(bytes).map_err(js_error)
}

/// The digits lab: a race of CNNs on the handwritten digits.
#[wasm_bindgen]
pub struct DigitsLab {
    session: DigitsSession,
    /// What the URL it was opened on asked for and it ignored.
    ignored: Vec<crate::url_state::Ignored>,
}

/// One convolution's kernels, for the filter pictures.
#[derive(Serialize)]
struct Filters {
    c_in: usize,
    c_out: usize,
    weights: Vec<f64>,
}

/// One convolution's activations, for the feature-map pictures.
#[derive(Serialize)]
struct Maps {
    channels: usize,
    side: usize,
    values: Vec<f64>,
}

#[wasm_bindgen]
impl DigitsLab {
    /// A lab on the scenario `scenario_json`, which must train a `"cnn"`; a refusal names the
    /// field (as the surface lab's).
    #[wasm_bindgen(constructor)]
    pub fn new(scenario_json: &str) -> Result<DigitsLab, JsValue> {
        let scenario = Scenario::from_json(scenario_json).map_err(refusal)?;
        let session = DigitsSession::new(scenario).map_err(refusal)?;
        Ok(DigitsLab {
            session,
            ignored: Vec::new(),
        })
    }

    /// A lab on the digits settings of a URL query string (`view=digits&convs=8:1:pool&o=…`,
    /// [`crate::url_state`]); settings that do not parse or fit are ignored (see
    /// [`DigitsLab::ignored_json`]) and keep their defaults.
    pub fn from_query(query: &str) -> Result<DigitsLab, JsValue> {
        let state = crate::url_state::from_query(query);
        let session = DigitsSession::new(state.scenario).map_err(refusal)?;
        Ok(DigitsLab {
            session,
            ignored: state.ignored,
        })
    }

    /// What the URL asked for and the lab ignored, as the surface lab's
    /// [`crate::web::Lab::ignored_json`] gives it.
    pub fn ignored_json(&self) -> String {
        crate::web_common::ignored_json(&self.ignored)
    }

    /// The scenario as a URL query string (without `?`), for the address bar and shared links.
    pub fn query(&self) -> String {
        crate::url_state::to_query(self.session.scenario())
    }

    /// The digits lab's default scenario as JSON: the default network (8 channels, padding,
    /// ReLU, pool, dense) trained by Adam in batches of 32 for 10 epochs.
    pub fn default_json() -> String {
        DEFAULT_SCENARIO.to_string()
    }

    /// The scenario as JSON.
    pub fn scenario_json(&self) -> String {
        self.session.scenario().to_json()
    }

    /// Takes up to `steps` updates per racer; whether any moved.
    pub fn advance(&mut self, steps: u32) -> bool {
        self.session.advance(u64::from(steps))
    }

    /// Whether every racer has stopped or spent its budget.
    pub fn finished(&self) -> bool {
        self.session.finished()
    }

    /// Back to the start: a fresh race on the same scenario.
    pub fn reset(&mut self) -> Result<(), JsValue> {
        let scenario = self.session.scenario().clone();
        self.session = DigitsSession::new(scenario).map_err(refusal)?;
        Ok(())
    }

    /// The training digits each epoch reads (what a full batch is).
    pub fn sample_count(&self) -> usize {
        self.session.cnn().train_samples().len()
    }

    /// Every racer's view as JSON: steps, samples, epoch, test accuracy, loss, status and its
    /// latest per-layer gradient norms.
    pub fn state_json(&self) -> String {
        to_json(&self.session.views(), "[]")
    }

    /// Racer `r`'s per-update gradient norms, flat: per record the step, then one norm per
    /// layer (convolutions first).
    pub fn norm_history(&self, r: usize) -> Box<[f64]> {
        self.session
            .norm_history(r)
            .iter()
            .flat_map(|n| std::iter::once(n.step as f64).chain(n.norms.iter().copied()))
            .collect()
    }

    /// Racer `r`'s evaluations, flat: per record the step, samples seen, test accuracy and
    /// the last batch's loss.
    pub fn accuracy_history(&self, r: usize) -> Box<[f64]> {
        self.session
            .accuracy_history(r)
            .iter()
            .flat_map(|a| [a.step as f64, a.samples as f64, a.accuracy, a.loss])
            .collect()
    }

    /// Racer `r`'s test confusion matrix, `[true][predicted]` row-major.
    pub fn confusion(&self, r: usize) -> Box<[u32]> {
        self.session.confusion(r).into_boxed_slice()
    }

    /// Racer `r`'s kernels per convolution as JSON: `[{"c_in","c_out","weights"}]`.
    pub fn filters_json(&self, r: usize) -> String {
        let shapes = &self.session.cnn().geometry().convs;
        let filters: Vec<Filters> = shapes
            .iter()
            .zip(self.session.filters(r))
            .map(|(c, weights)| Filters {
                c_in: c.c_in,
                c_out: c.c_out,
                weights,
            })
            .collect();
        to_json(&filters, "[]")
    }

    /// Racer `r`'s activations of each convolution for test digit `index` (or, when `drawing`
    /// holds 64 values 0–1, for that drawing) as JSON: `[{"channels","side","values"}]`.
    pub fn feature_maps_json(&self, r: usize, index: usize, drawing: &[f64]) -> String {
        let maps = if drawing.is_empty() {
            self.session.feature_maps(r, index)
        } else {
            self.session.drawing_maps(r, drawing)
        };
        let shapes = &self.session.cnn().geometry().convs;
        let maps: Vec<Maps> = shapes
            .iter()
            .zip(maps)
            .map(|(c, values)| Maps {
                channels: c.c_out,
                side: c.s_conv,
                values,
            })
            .collect();
        to_json(&maps, "[]")
    }

    /// Test digit `index`: its 64 pixels (0–16) then its class; empty when there is none.
    pub fn test_digit(&self, index: usize) -> Box<[u8]> {
        self.session
            .test_digit(index)
            .map(|(pixels, label)| pixels.iter().copied().chain([label]).collect())
            .unwrap_or_default()
    }

    /// The first test digits racer `r` gets wrong (at most [`DigitsLab::misclassified_shown`]),
    /// flat: per digit its index and the class predicted.
    pub fn misclassified(&self, r: usize) -> Box<[u32]> {
        self.session
            .misclassified(r)
            .iter()
            .flat_map(|&(i, p)| [i as u32, p as u32])
            .collect()
    }

    /// The most misclassified test digits [`DigitsLab::misclassified`] lists (the first ones).
    pub fn misclassified_shown() -> usize {
        crate::session::digits::MISCLASSIFIED_SHOWN
    }

    /// Racer `r`'s class probabilities for test digit `index`; empty for a digit there is not.
    pub fn classify_test_digit(&self, r: usize, index: usize) -> Box<[f64]> {
        self.session
            .test_probabilities(r, index)
            .map(|p| p.to_vec().into_boxed_slice())
            .unwrap_or_default()
    }

    /// Racer `r`'s class probabilities for a drawing of 64 values 0–1 (row by row); empty for a
    /// drawing it does not take.
    pub fn classify_drawing(&self, r: usize, drawing: &[f64]) -> Box<[f64]> {
        self.session
            .classify_drawing(r, drawing)
            .map(|p| p.to_vec().into_boxed_slice())
            .unwrap_or_default()
    }
}
