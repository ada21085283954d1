//! The digits lab without the browser: a race of CNNs on the handwritten digits from identical
//! starting weights, and everything its page shows — per racer the test accuracy against
//! samples seen, the per-layer gradient norms of every update, the confusion matrix, the
//! filters, the feature maps of a test digit, the misclassified test digits and the class
//! probabilities of a drawing.

use serde::Serialize;

use crate::data::digits::{self, CLASSES, PIXELS};
use crate::objective::cnn::{Cnn, Sample, KERNEL};
use crate::objective::model::Model;
use crate::objective::ObjectiveSpec;
use crate::read::{Problem, Refusal};
use crate::run::{Race, Runner, Status};
use crate::scenario::Scenario;
use crate::session::view::racer_color;

/// The digits lab's default scenario ([`crate::url_state::digits_default`]).
pub const DEFAULT_SCENARIO: &str = crate::url_state::DIGITS_DEFAULT;

/// Gradient-norm records kept per racer; older ones are thinned to every other.
pub const NORM_CAPACITY: usize = 2048;

/// Misclassified test digits listed at most.
pub const MISCLASSIFIED_SHOWN: usize = 48;

/// One update's per-layer gradient norms (before clipping), convolutions first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NormRecord {
    /// The update (1 the first).
    pub step: u64,
    /// Each layer's norm.
    pub norms: Vec<f64>,
}

/// One evaluation of a racer on the test digits.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AccuracyRecord {
    /// Updates taken.
    pub step: u64,
    /// Training samples read so far.
    pub samples: u64,
    /// The fraction of test digits classified right.
    pub accuracy: f64,
    /// The loss of the last batch (the full loss before the first update).
    pub loss: f64,
}

/// What the page shows of one racer now: its legend entry (as the other labs' legend,
/// [`crate::session::view::RacerView`]) and its latest numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RacerView {
    /// The optimizer's name in print (`"Adam"`).
    pub title: &'static str,
    /// The hyper-parameters besides the learning rate that tell it from a racer of the same
    /// optimizer ([`Scenario::racer_differences`]), field → value.
    pub differs: serde_json::Map<String, serde_json::Value>,
    /// Its batch-size setting (its own, else the scenario's; `None`: the full batch).
    pub batch_setting: Option<usize>,
    /// Its batch size as it acts.
    pub batch_size: usize,
    /// Its colour, `"#ff4d4d"` ([`racer_color`]).
    pub color: String,
    /// Updates taken.
    pub steps: u64,
    /// Training samples read.
    pub samples: u64,
    /// Epochs, fractional.
    pub epoch: f64,
    /// The last evaluation's test accuracy.
    pub accuracy: f64,
    /// The last evaluation's batch loss.
    pub loss: f64,
    /// `"running"`, `"diverged"`, …
    pub status: &'static str,
    /// The status in a sentence.
    pub message: String,
    /// The latest per-layer gradient norms (empty before the first update).
    pub norms: Vec<f64>,
}

/// A digits race and its histories.
#[derive(Clone, Debug)]
pub struct DigitsSession {
    scenario: Scenario,
    race: Race,
    norms: Vec<Vec<NormRecord>>,
    accuracy: Vec<Vec<AccuracyRecord>>,
}

impl DigitsSession {
    /// A session on `scenario`, which must train a `"cnn"` objective; refused otherwise, or when
    /// the digits are not loaded.
    pub fn new(scenario: Scenario) -> Result<DigitsSession, Refusal> {
        if !matches!(scenario.objective, ObjectiveSpec::Cnn(_)) {
            let sentence = crate::read::Unfit::DigitsNeedCnn;
            return Err(Refusal::at("kind", Problem::unfit(sentence)).in_key("objective"));
        }
        let race = Race::new(&scenario)?;
        let count = race.runners.len();
        let mut session = DigitsSession {
            scenario,
            race,
            norms: vec![Vec::new(); count],
            accuracy: vec![Vec::new(); count],
        };
        session.evaluate();
        Ok(session)
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The network every racer trains.
    pub fn cnn(&self) -> &Cnn {
        match &**self.race.runners[0].objective() {
            Model::Cnn(cnn) => cnn,
            // `new` admits only a cnn objective.
            _ => unreachable!("a digits session trains a cnn"),
        }
    }

    /// The racers.
    pub fn runners(&self) -> &[Runner] {
        &self.race.runners
    }

    /// Takes up to `steps` updates per running racer (within the scenario's step budget),
    /// recording each update's per-layer gradient norms, then evaluates every racer that moved
    /// on the test digits. Returns whether any racer moved.
    pub fn advance(&mut self, steps: u64) -> bool {
        let budget = self.scenario.steps;
        let mut moved = false;
        for (r, runner) in self.race.runners.iter_mut().enumerate() {
            for _ in 0..steps {
                if runner.steps_taken() >= budget {
                    break;
                }
                let Some(report) = runner.step() else { break };
                moved = true;
                let cnn = match &**runner.objective() {
                    Model::Cnn(cnn) => cnn,
                    _ => break,
                };
                let gradient = runner.last_gradient();
                let mut norms = cnn.layer_norms(gradient);
                // Undo clipping's common factor: the norms the batch gradient had.
                let after: f64 = norms.iter().map(|n| n * n).sum::<f64>().sqrt();
                if after > 0.0 && report.grad_norm.is_finite() {
                    let scale = report.grad_norm / after;
                    norms.iter_mut().for_each(|n| *n *= scale);
                }
                let history = &mut self.norms[r];
                history.push(NormRecord {
                    step: runner.steps_taken(),
                    norms,
                });
                if history.len() > NORM_CAPACITY {
                    let mut keep = 0;
                    history.retain(|_| {
                        keep += 1;
                        keep % 2 == 0
                    });
                }
            }
        }
        if moved {
            self.evaluate();
        }
        moved
    }

    /// Records every racer's test accuracy and last batch loss where it last moved.
    fn evaluate(&mut self) {
        for (r, runner) in self.race.runners.iter().enumerate() {
            let record = AccuracyRecord {
                step: runner.steps_taken(),
                samples: runner.samples_seen(),
                accuracy: runner
                    .objective()
                    .accuracy(runner.params(), true)
                    .unwrap_or(0.0),
                loss: runner
                    .last_report()
                    .map_or_else(|| runner.loss(), |r| r.batch_loss),
            };
            let history = &mut self.accuracy[r];
            if history.last().map(|h| h.step) != Some(record.step) {
                history.push(record);
            }
        }
    }

    /// Whether every racer has stopped or spent its budget.
    pub fn finished(&self) -> bool {
        self.race.runners.iter().all(|r| {
            !matches!(r.status(), Status::Running) || r.steps_taken() >= self.scenario.steps
        })
    }

    /// What the page shows of each racer.
    pub fn views(&self) -> Vec<RacerView> {
        let differences = self.scenario.racer_differences();
        self.race
            .runners
            .iter()
            .zip(differences.into_iter().chain(std::iter::repeat(Vec::new())))
            .enumerate()
            .map(|(r, (runner, differs))| {
                let last = self.accuracy[r].last().copied();
                let batch = runner.batch();
                RacerView {
                    title: runner.optimizer().info().title,
                    differs: differs.into_iter().collect(),
                    batch_setting: batch.setting,
                    batch_size: batch.effective,
                    color: racer_color(r),
                    steps: runner.steps_taken(),
                    samples: runner.samples_seen(),
                    epoch: runner.epoch(),
                    accuracy: last.map_or(0.0, |a| a.accuracy),
                    loss: last.map_or(f64::NAN, |a| a.loss),
                    status: runner.status().name(),
                    message: runner.status().message(),
                    norms: self.norms[r]
                        .last()
                        .map(|n| n.norms.clone())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Racer `r`'s per-update gradient norms (empty for an unknown racer).
    pub fn norm_history(&self, r: usize) -> &[NormRecord] {
        self.norms.get(r).map_or(&[], Vec::as_slice)
    }

    /// Racer `r`'s test accuracy at each evaluation (empty for an unknown racer).
    pub fn accuracy_history(&self, r: usize) -> &[AccuracyRecord] {
        self.accuracy.get(r).map_or(&[], Vec::as_slice)
    }

    fn params(&self, r: usize) -> Option<&[f64]> {
        self.race.runners.get(r).map(Runner::params)
    }

    /// Racer `r`'s test confusion matrix, `[true][predicted]` row-major (zeros for an unknown
    /// racer).
    pub fn confusion(&self, r: usize) -> Vec<u32> {
        match self.params(r) {
            Some(p) => self.cnn().confusion(p).to_vec(),
            None => vec![0; CLASSES * CLASSES],
        }
    }

    /// Racer `r`'s kernels: per convolution, `[C_out][C_in][3][3]` flat.
    pub fn filters(&self, r: usize) -> Vec<Vec<f64>> {
        let Some(p) = self.params(r) else {
            return Vec::new();
        };
        self.cnn()
            .geometry()
            .convs
            .iter()
            .map(|c| p[c.w_off..c.w_off + c.c_out * c.c_in * KERNEL * KERNEL].to_vec())
            .collect()
    }

    /// The pixels (0–16) and class of test digit `index`, if there is one.
    pub fn test_digit(&self, index: usize) -> Option<([u8; PIXELS], u8)> {
        digits::digits()
            .and_then(|d| d.test.get(index))
            .map(|d| (d.pixels, d.label))
    }

    /// Racer `r`'s activations of each convolution for test digit `index`.
    pub fn feature_maps(&self, r: usize, index: usize) -> Vec<Vec<f64>> {
        match (self.params(r), self.cnn().test_samples().get(index)) {
            (Some(p), Some(sample)) => self.cnn().feature_maps(p, &sample.input),
            _ => Vec::new(),
        }
    }

    /// Racer `r`'s activations of each convolution for a drawing (64 values 0–1).
    pub fn drawing_maps(&self, r: usize, drawing: &[f64]) -> Vec<Vec<f64>> {
        match (self.params(r), input_of(drawing)) {
            (Some(p), Some(input)) => self.cnn().feature_maps(p, &input),
            _ => Vec::new(),
        }
    }

    /// The test digits racer `r` gets wrong (at most [`MISCLASSIFIED_SHOWN`]): each one's index
    /// and the class predicted.
    pub fn misclassified(&self, r: usize) -> Vec<(usize, usize)> {
        let Some(p) = self.params(r) else {
            return Vec::new();
        };
        let cnn = self.cnn();
        cnn.test_samples()
            .iter()
            .enumerate()
            .filter_map(|(i, s): (usize, &Sample)| {
                let predicted = cnn.classify(p, &s.input);
                (predicted != s.label).then_some((i, predicted))
            })
            .take(MISCLASSIFIED_SHOWN)
            .collect()
    }

    /// Racer `r`'s class probabilities (the softmax of its logits) for test digit `index`, as
    /// for a drawing; `None` for an unknown racer or digit.
    pub fn test_probabilities(&self, r: usize, index: usize) -> Option<[f64; CLASSES]> {
        let p = self.params(r)?;
        let sample = self.cnn().test_samples().get(index)?;
        Some(self.cnn().probabilities(p, &sample.input))
    }

    /// Racer `r`'s class probabilities for a drawing of 64 values 0–1 (row by row); `None` for
    /// an unknown racer or a drawing of the wrong size or with values outside 0–1.
    pub fn classify_drawing(&self, r: usize, drawing: &[f64]) -> Option<[f64; CLASSES]> {
        let p = self.params(r)?;
        Some(self.cnn().probabilities(p, &input_of(drawing)?))
    }
}

/// A drawing of 64 values 0–1 as the network's input (`pixel / 16` on the same 0–1 scale).
fn input_of(drawing: &[f64]) -> Option<[f64; PIXELS]> {
    let input: [f64; PIXELS] = drawing.try_into().ok()?;
    input
        .iter()
        .all(|v| (0.0..=1.0).contains(v))
        .then_some(input)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn session(json: &str) -> DigitsSession {
        DigitsSession::new(Scenario::from_json(json).unwrap()).unwrap()
    }

    #[test]
    fn racers_start_alike_and_record_norms_and_accuracy() {
        let mut s = session(
            r#"{"objective":{"kind":"cnn","convs":[{"channels":4,"padding":1,"pool":true}],"activation":"relu","train_size":200},
                "optimizer":{"name":"adam","lr":0.01},"batch_size":20,"steps":40,
                "race":[{"optimizer":{"name":"sgd","lr":0.1},"batch_size":1}]}"#,
        );
        assert_eq!(s.runners()[0].params(), s.runners()[1].params());
        assert!(s.advance(10));
        let views = s.views();
        assert_eq!((views[0].steps, views[0].samples), (10, 200));
        assert_eq!((views[1].steps, views[1].samples), (10, 10));
        assert_eq!(views[0].norms.len(), 2);
        assert_eq!(s.norm_history(0).len(), 10);
        assert_eq!(s.accuracy_history(0).len(), 2);
        while s.advance(10) {}
        assert!(s.finished());
        assert_eq!(s.views()[0].steps, 40);
        assert!(s.views()[0].accuracy > 0.5, "{:?}", s.views()[0]);
        assert_eq!(s.confusion(0).iter().sum::<u32>(), 359);
        assert_eq!(s.filters(0)[0].len(), 4 * 9);
        assert_eq!(s.feature_maps(0, 3)[0].len(), 4 * 64);
        let wrong = s.misclassified(0);
        assert!(wrong
            .iter()
            .all(|&(i, p)| s.test_digit(i).unwrap().1 as usize != p));
        // A test digit's probabilities are its drawing's (pixel / 16), and their most probable
        // class is the one the list of misclassified digits gives.
        for &(i, predicted) in &wrong {
            let p = s.test_probabilities(0, i).unwrap();
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            let most = (0..10).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
            assert_eq!(most, predicted, "test digit {i}: {p:?}");
            let drawing = s.test_digit(i).unwrap().0.map(|v| f64::from(v) / 16.0);
            assert_eq!(s.classify_drawing(0, &drawing), Some(p));
        }
        assert!(
            !wrong.is_empty(),
            "some test digits are wrong after 40 updates"
        );
        assert_eq!(s.test_probabilities(0, 359), None);
        assert_eq!(s.test_probabilities(2, 0), None);
        let blank = [0.0; 64];
        let p = s.classify_drawing(0, &blank).unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(s.classify_drawing(0, &[2.0; 64]), None);
        assert_eq!(s.classify_drawing(0, &[0.0; 3]), None);
    }

    #[test]
    fn the_default_scenario_learns_the_digits() {
        let mut s = session(DEFAULT_SCENARIO);
        assert_eq!(s.cnn().initial_params().len(), 1370);
        while s.advance(50) {}
        assert!(s.views()[0].accuracy > 0.9, "{:?}", s.views()[0]);
    }

    #[test]
    fn only_a_cnn_is_taken() {
        let scenario = Scenario::from_json(
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"}}"#,
        )
        .unwrap();
        let refusal = DigitsSession::new(scenario).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "objective.kind: the digits lab trains a cnn"
        );
    }
}

/// The numbers behind the digits lab's lessons (the page's lessons are still to be written; these
/// are the claims they will make, checked on the core).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod lesson_claims {
    use super::*;

    const TWO_CONVS: &str = r#"{"kind":"cnn","convs":[{"channels":8,"padding":1,"pool":true},{"channels":8,"padding":1,"pool":true}]"#;

    /// The views after the first update and at the end of `steps` updates of batches of 32;
    /// `training` holds the optimizer and any clipping.
    const SGD_SLOW: &str = r#""optimizer":{"name":"sgd","lr":0.1}"#;
    const SGD_FAST: &str = r#""optimizer":{"name":"sgd","lr":0.5}"#;

    fn run(objective: &str, training: &str, steps: u64) -> (RacerView, RacerView) {
        let json = format!(
            r#"{{"objective":{TWO_CONVS},{objective}}},{training},"batch_size":32,"seed":1,"steps":{steps}}}"#
        );
        let mut s = DigitsSession::new(Scenario::from_json(&json).unwrap()).unwrap();
        s.advance(1);
        let first = s.views()[0].clone();
        while s.advance(50) {}
        (first, s.views()[0].clone())
    }

    /// Sigmoid with small initial weights: the first layer's gradient is two orders of
    /// magnitude below the dense layer's, and the network barely learns; ReLU with He
    /// initialisation keeps the layers' norms alike and learns.
    #[test]
    fn sigmoid_and_small_weights_starve_the_first_layer() {
        let (first, end) = run(r#""activation":"sigmoid","init":"uniform""#, SGD_SLOW, 150);
        assert!(first.norms[0] * 100.0 < first.norms[2], "{:?}", first.norms);
        assert!(end.accuracy < 0.3, "{end:?}");
        let (first, end) = run(r#""activation":"relu","init":"he""#, SGD_SLOW, 150);
        assert!(first.norms[0] * 3.0 > first.norms[2], "{:?}", first.norms);
        assert!(end.accuracy > 0.8, "{end:?}");
    }

    /// Four times the default weights and a learning rate of 0.5: gradients of norm ~40 wreck the
    /// network; clipping them to norm 1 rescues the run.
    #[test]
    fn clipping_rescues_large_weights_and_a_high_rate() {
        let large = r#""activation":"relu","init_scale":4"#;
        let (first, end) = run(large, SGD_FAST, 150);
        assert!(first.norms.iter().all(|&n| n > 10.0), "{:?}", first.norms);
        assert!(end.accuracy < 0.3, "{end:?}");
        let (_, clipped) = run(large, &format!(r#"{SGD_FAST},"clip_norm":1"#), 150);
        assert!(clipped.accuracy > 0.8, "{clipped:?}");
    }

    /// The same SGD with the full batch, batches of 32 and single samples, each for three epochs
    /// (4,314 samples read): the full batch has taken three updates and still guesses; batches
    /// of 32 (135 updates) read most digits, single samples (4,314 updates) more.
    #[test]
    fn small_batches_learn_more_per_sample_read() {
        let json = format!(
            r#"{{"objective":{TWO_CONVS},"activation":"relu"}},"optimizer":{{"name":"sgd","lr":0.05}},"race":[{{"optimizer":{{"name":"sgd","lr":0.05}},"batch_size":32}},{{"optimizer":{{"name":"sgd","lr":0.05}},"batch_size":1}}],"stop":{{"epochs":3}},"seed":1,"steps":100000}}"#
        );
        let mut s = DigitsSession::new(Scenario::from_json(&json).unwrap()).unwrap();
        while s.advance(100) {}
        let views = s.views();
        let read: Vec<(u64, u64)> = views.iter().map(|v| (v.steps, v.samples)).collect();
        assert_eq!(read, [(3, 4314), (135, 4314), (4314, 4314)]);
        // 14 %, 81 % and 90 % when written.
        assert!(views[0].accuracy < 0.3, "{views:?}");
        assert!(views[1].accuracy > 0.75, "{views:?}");
        assert!(views[2].accuracy > views[1].accuracy, "{views:?}");
    }
}
