//! The built objective of a scenario: one enum over every kind, dispatched without dynamic calls.
//!
//! Building generates any data set (from the data set's own seed) and draws any MLP weights the
//! spec leaves out (from the scenario seed). The data objectives keep their training points — what
//! the loss, gradients and batches are taken on — and their test points, for
//! [`Model::test_loss`] and [`Model::accuracy`].

#[cfg(feature = "cnn")]
use super::cnn::Cnn;
use super::linreg::LinearRegression;
#[cfg(feature = "mlp")]
use super::mlp::Mlp;
use super::surfaces::SurfaceSpec;
use super::Objective;
use super::ObjectiveSpec;
use crate::read::Refusal;
#[cfg(not(all(feature = "cnn", feature = "mlp")))]
use crate::read::Unfit;

/// An objective ready to evaluate, built from an [`ObjectiveSpec`].
///
/// Built once per scenario and shared behind an `Rc`, so the size difference between the
/// variants (the data objectives carry their spec and points) costs nothing.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Model {
    /// An analytic 2-D surface.
    Surface(SurfaceSpec),
    /// Linear regression.
    Linreg(LinearRegression),
    /// A multilayer perceptron with its data (feature `mlp`).
    #[cfg(feature = "mlp")]
    Mlp(Mlp),
    /// A convolutional network with its images (feature `cnn`).
    #[cfg(feature = "cnn")]
    Cnn(Cnn),
}

impl Model {
    /// Builds the objective a scenario describes. `seed` (the scenario seed) draws the MLP's
    /// starting weights when the spec gives none; generated data depend on the data set's own
    /// seed only, so runs with different scenario seeds see the same data.
    #[cfg_attr(not(any(feature = "cnn", feature = "mlp")), allow(unused_variables))]
    pub fn build(spec: &ObjectiveSpec, seed: u64) -> Result<Model, Refusal> {
        let model = match spec {
            ObjectiveSpec::Surface(s) => s.validate().map(|()| Model::Surface(s.clone())),
            ObjectiveSpec::Linreg(l) => LinearRegression::new(l.clone()).map(Model::Linreg),
            #[cfg(feature = "mlp")]
            ObjectiveSpec::Mlp(m) => Mlp::new(m.clone(), seed).map(Model::Mlp),
            #[cfg(not(feature = "mlp"))]
            ObjectiveSpec::Mlp(_) => Err(not_in_this_build(Unfit::MlpNotInThisBuild)),
            #[cfg(feature = "cnn")]
            ObjectiveSpec::Cnn(c) => Cnn::new(c.clone(), seed).map(Model::Cnn),
            #[cfg(not(feature = "cnn"))]
            ObjectiveSpec::Cnn(_) => Err(not_in_this_build(Unfit::CnnNotInThisBuild)),
        };
        model.map_err(|r| r.in_key("objective"))
    }

    /// The parameters a run starts from when the scenario gives none: the MLP's weights (given
    /// or drawn), or the origin.
    pub fn initial_params(&self) -> Vec<f64> {
        match self {
            #[cfg(feature = "mlp")]
            Model::Mlp(m) => m.initial_params(),
            #[cfg(feature = "cnn")]
            Model::Cnn(c) => c.initial_params(),
            _ => vec![0.0; self.dim()],
        }
    }

    /// The objective on the test points (for the MLP, L2 penalty included, as the training
    /// loss); `None` for a surface or when there are no test points (inline points, or a
    /// `test_fraction` of 0).
    ///
    /// # Panics
    /// If `params.len() != self.dim()`.
    pub fn test_loss(&self, params: &[f64]) -> Option<f64> {
        match self {
            Model::Surface(_) => None,
            Model::Linreg(l) => l.test_loss(params),
            #[cfg(feature = "mlp")]
            Model::Mlp(m) => m.test_loss(params),
            #[cfg(feature = "cnn")]
            Model::Cnn(c) => c.test_loss(params),
        }
    }

    /// The fraction of the training points (or the test points, when `on_test`) the MLP
    /// classifies correctly ([`Mlp::accuracy`]); `None` for a surface, linear regression, real
    /// targets, or an empty split.
    ///
    /// # Panics
    /// If `params.len() != self.dim()`.
    #[cfg_attr(not(any(feature = "cnn", feature = "mlp")), allow(unused_variables))]
    pub fn accuracy(&self, params: &[f64], on_test: bool) -> Option<f64> {
        match self {
            #[cfg(feature = "mlp")]
            Model::Mlp(m) => m.split_accuracy(params, on_test),
            #[cfg(feature = "cnn")]
            Model::Cnn(c) => c.accuracy(params, on_test),
            Model::Surface(_) | Model::Linreg(_) => None,
        }
    }

    /// The points the loss is taken on, for drawing; `None` for a surface or the images of a
    /// convolutional network.
    pub fn train_points(&self) -> Option<Points<'_>> {
        match self {
            Model::Surface(_) => None,
            #[cfg(feature = "cnn")]
            Model::Cnn(_) => None,
            Model::Linreg(l) => Some(Points::OneInput(l.train_points())),
            #[cfg(feature = "mlp")]
            Model::Mlp(m) => Some(Points::TwoInputs(m.train_points())),
        }
    }

    /// The held-out points, for drawing (possibly empty); `None` for a surface or the images
    /// of a convolutional network.
    pub fn test_points(&self) -> Option<Points<'_>> {
        match self {
            Model::Surface(_) => None,
            #[cfg(feature = "cnn")]
            Model::Cnn(_) => None,
            Model::Linreg(l) => Some(Points::OneInput(l.test_points())),
            #[cfg(feature = "mlp")]
            Model::Mlp(m) => Some(Points::TwoInputs(m.test_points())),
        }
    }
}

/// The refusal of an objective this build leaves out: a convolutional network without feature
/// `cnn` (the page's modules; the digits lab's own completes them), a network without `mlp` (the
/// first screen's module; the whole page's completes it).
#[cfg(not(all(feature = "cnn", feature = "mlp")))]
fn not_in_this_build(why: Unfit) -> Refusal {
    Refusal::at("kind", crate::read::Problem::unfit(why))
}

/// The samples of a data objective, borrowed for drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Points<'a> {
    /// Linear regression's `[x, y]`.
    OneInput(&'a [[f64; 2]]),
    /// The MLP's `[x1, x2, target]`; the target is a 0/1 label on a classification set.
    TwoInputs(&'a [[f64; 3]]),
}

impl Points<'_> {
    /// Number of points.
    pub fn len(&self) -> usize {
        match self {
            Points::OneInput(p) => p.len(),
            Points::TwoInputs(p) => p.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

macro_rules! dispatch {
    ($self:ident, $inner:ident => $body:expr) => {
        match $self {
            Model::Surface($inner) => $body,
            Model::Linreg($inner) => $body,
            #[cfg(feature = "mlp")]
            Model::Mlp($inner) => $body,
            #[cfg(feature = "cnn")]
            Model::Cnn($inner) => $body,
        }
    };
}

impl Objective for Model {
    fn dim(&self) -> usize {
        dispatch!(self, o => o.dim())
    }

    fn sample_count(&self) -> usize {
        dispatch!(self, o => o.sample_count())
    }

    fn loss(&self, params: &[f64]) -> f64 {
        dispatch!(self, o => o.loss(params))
    }

    fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        dispatch!(self, o => o.loss_and_gradient(params, grad))
    }

    fn batch_loss_and_gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        dispatch!(self, o => o.batch_loss_and_gradient(params, batch, grad))
    }

    fn hessian(&self, params: &[f64]) -> Option<Vec<f64>> {
        dispatch!(self, o => o.hessian(params))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn objective(json: &str) -> ObjectiveSpec {
        serde_json::from_str(json).unwrap()
    }

    #[cfg(feature = "mlp")]
    const CIRCLE_MLP: &str = r#"{"kind":"mlp","layers":[2,8,1],"activation":"tanh","loss":"bce",
        "dataset":{"name":"circle","n":200,"noise":0.05,"seed":1}}"#;

    #[cfg(feature = "mlp")]
    #[test]
    fn data_follow_the_dataset_seed_and_weights_the_scenario_seed() {
        let spec = objective(CIRCLE_MLP);
        let a = Model::build(&spec, 2).unwrap();
        let b = Model::build(&spec, 3).unwrap();
        let c = Model::build(&spec, 2).unwrap();
        assert_eq!(a.train_points(), b.train_points());
        assert_eq!(a.test_points(), b.test_points());
        assert_ne!(a.initial_params(), b.initial_params());
        assert_eq!(a.initial_params(), c.initial_params());
        assert_eq!(a.dim(), 2 * 8 + 8 + 8 + 1);
        assert_eq!(a.initial_params().len(), a.dim());
        assert_eq!(a.sample_count(), 100);
        assert_eq!(a.train_points().unwrap().len(), 100);
        assert_eq!(a.test_points().unwrap().len(), 100);
        let other_data = objective(&CIRCLE_MLP.replace(r#""seed":1"#, r#""seed":5"#));
        let d = Model::build(&other_data, 2).unwrap();
        assert_ne!(a.train_points(), d.train_points());
        assert_eq!(a.initial_params(), d.initial_params());
    }

    #[cfg(feature = "mlp")]
    #[test]
    fn test_loss_and_accuracy() {
        let m = Model::build(&objective(CIRCLE_MLP), 0).unwrap();
        let p = m.initial_params();
        let test_loss = m.test_loss(&p).unwrap();
        assert!(test_loss.is_finite() && test_loss > 0.0);
        assert_ne!(test_loss, m.loss(&p));
        for on_test in [false, true] {
            let acc = m.accuracy(&p, on_test).unwrap();
            assert!((0.0..=1.0).contains(&acc));
        }
        let Model::Mlp(mlp) = &m else { panic!() };
        assert_eq!(m.test_loss(&p), mlp.test_loss(&p));
        // Surfaces have neither data nor a test split.
        let surface = Model::build(&objective(r#"{"kind":"surface","name":"booth"}"#), 0).unwrap();
        assert_eq!(surface.test_loss(&[0.0, 0.0]), None);
        assert_eq!(surface.accuracy(&[0.0, 0.0], false), None);
        assert_eq!(surface.train_points(), None);
        assert_eq!(surface.test_points(), None);
        // Linear regression has a test loss but no accuracy; inline points have no test split.
        let line = Model::build(
            &objective(r#"{"kind":"linreg","dataset":{"name":"linear","n":40,"noise":0}}"#),
            0,
        )
        .unwrap();
        let Model::Linreg(l) = &line else { panic!() };
        let truth = l.truth().unwrap();
        assert!(line.test_loss(&truth).unwrap() < 1e-28);
        assert_eq!(line.accuracy(&truth, true), None);
        assert!(matches!(line.train_points(), Some(Points::OneInput(p)) if p.len() == 20));
        let inline =
            Model::build(&objective(r#"{"kind":"linreg","points":[[0,1],[1,2]]}"#), 0).unwrap();
        assert_eq!(inline.test_loss(&[0.0, 0.0]), None);
        assert!(inline.test_points().unwrap().is_empty());
        // The MLP on a regression plane: test loss, no accuracy.
        let plane = Model::build(
            &objective(
                r#"{"kind":"mlp","layers":[2,1],"activation":"linear","loss":"mse",
                    "dataset":{"name":"plane","test_fraction":0.25}}"#,
            ),
            0,
        )
        .unwrap();
        let p = plane.initial_params();
        assert!(plane.test_loss(&p).is_some());
        assert_eq!(plane.accuracy(&p, false), None);
        assert!(matches!(plane.test_points(), Some(Points::TwoInputs(t)) if t.len() == 50));
    }

    #[test]
    fn specs_serialise_back_unchanged() {
        for json in [
            r#"{"kind":"mlp","layers":[2,8,1],"activation":"relu","loss":"bce","dataset":{"name":"spiral","n":300,"noise":0.1,"seed":4},"init":"he"}"#,
            r#"{"kind":"linreg","dataset":{"name":"linear","standardize":true}}"#,
            r#"{"kind":"linreg","points":[[0.0,1.0]]}"#,
        ] {
            let spec = objective(json);
            assert_eq!(serde_json::to_string(&spec).unwrap(), json);
        }
    }
}
