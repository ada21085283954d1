//! The workloads of `make bench`, read from `benches/scenarios.json` — the one description that
//! both halves of the benchmark time: natively (`benches/native.rs`) and inside WebAssembly
//! (`src/web_common/bench.rs`, called by the page `benches/page/`).
//!
//! Each figure of that file names a scenario, what one repetition does with it (its `kind`), and
//! how many repetitions give its median. A harness builds the figure's [`Workload`], runs
//! [`Workload::run`] once untimed and then `repetitions` times under its own clock
//! (`std::time::Instant` natively, `performance.now()` in the browser), and reports
//! [`Workload::figure`] of the median time. Every workload goes through the calls the lab
//! itself makes: [`Heatmap::render_model`], [`Runner::step`], [`Mlp::predict_grid`].
//!
//! [`Mlp::predict_grid`]: crate::objective::mlp::Mlp::predict_grid

use std::collections::BTreeMap;
use std::hint::black_box;

use serde::Deserialize;
use serde_json::Value;

use crate::objective::surfaces::ViewBox;
use crate::objective::view::view_box;
use crate::objective::Objective;
use crate::render::colormap::ColorMap;
use crate::render::heatmap::{paint_values, ColorScale, Heatmap};
use crate::render::surface3d::{Camera, Projection, Raster, Terrain, MESH_POINTS};
use crate::run::Runner;
use crate::scenario::Scenario;
use crate::session::network_of;

/// `benches/scenarios.json`: the scenarios by name, and the figures timed on them, in the order
/// they are printed.
#[derive(Debug, Deserialize)]
pub struct Workloads {
    /// Scenarios (the format of `gdviz trace`) by the name figures refer to them by.
    scenarios: BTreeMap<String, Value>,
    /// The figures, in order.
    figures: Vec<FigureSpec>,
}

/// One figure: its name (as it appears in `target/bench/results.json`), its scenario, what a
/// repetition does, and how many repetitions give the median.
#[derive(Debug, Deserialize)]
struct FigureSpec {
    name: String,
    scenario: String,
    repetitions: u32,
    #[serde(flatten)]
    task: TaskSpec,
}

/// What one repetition of a figure does.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum TaskSpec {
    /// The scenario's surface as a `size × size` heat map, log colours with contours; with
    /// `per_pixel`, through a call of the objective per pixel instead of a row at a time.
    Heatmap { size: usize, per_pixel: bool },
    /// `steps` updates from the start (the run is reset first). Figure: steps per second.
    Steps { steps: u64 },
    /// `epochs` epochs of `steps_per_epoch` updates from the start, and with `with_loss` the
    /// training and test loss after each (as TensorFlow Playground's epoch). Figure: ms per epoch.
    Epochs {
        steps_per_epoch: u64,
        epochs: u64,
        with_loss: bool,
    },
    /// After `train_steps` updates (once, when the workload is built), the network's predictions
    /// on `size × size` points of [−1.2, 1.2]², and with `colour` painted into RGBA with the
    /// diverging map. Figure: ms per picture.
    Boundary {
        train_steps: u64,
        size: usize,
        colour: bool,
    },
    /// The 3-D view's mesh of the scenario's surface (its terrain sampled, then rasterised with
    /// depth) on a `width × height` canvas from the default camera, turned `turn` degrees more
    /// each repetition as a drag turns it. Figure: ms per picture.
    Mesh {
        width: usize,
        height: usize,
        turn: f64,
    },
}

impl Workloads {
    /// Reads the document (the text of `benches/scenarios.json`).
    pub fn parse(text: &str) -> Result<Workloads, String> {
        let workloads: Workloads =
            serde_json::from_str(text).map_err(|e| format!("benches/scenarios.json: {e}"))?;
        Ok(workloads)
    }

    /// The figures' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.figures.iter().map(|f| f.name.as_str())
    }

    /// The workload of the figure `name`, ready to run: its scenario built, and for a boundary
    /// its network trained.
    pub fn build(&self, name: &str) -> Result<Workload, String> {
        let figure = self
            .figures
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| format!("no figure {name:?} in benches/scenarios.json"))?;
        let document = self
            .scenarios
            .get(&figure.scenario)
            .ok_or_else(|| format!("{name}: no scenario {:?} in scenarios", figure.scenario))?;
        let scenario = Scenario::from_value(document).map_err(|e| format!("{name}: {e}"))?;
        let mut runner = Runner::new(&scenario).map_err(|e| format!("{name}: {e}"))?;
        let task = match figure.task {
            TaskSpec::Heatmap { size, per_pixel } => Task::Heatmap {
                view: view_box(runner.objective()),
                colors: ColorMap::viridis(),
                heatmap: Heatmap::new(size, size),
                per_pixel,
            },
            TaskSpec::Steps { steps } => Task::Steps { steps },
            TaskSpec::Epochs {
                steps_per_epoch,
                epochs,
                with_loss,
            } => Task::Epochs {
                steps_per_epoch,
                epochs: epochs.max(1),
                with_loss,
            },
            TaskSpec::Boundary {
                train_steps,
                size,
                colour,
            } => {
                if network_of(&runner).is_none() {
                    return Err(format!("{name}: a boundary needs an mlp objective"));
                }
                for _ in 0..train_steps {
                    if runner.step().is_none() {
                        break;
                    }
                }
                let size = size.max(2);
                Task::Boundary {
                    axis: (0..size)
                        .map(|i| -1.2 + 2.4 * i as f64 / (size - 1) as f64)
                        .collect(),
                    colors: colour.then(ColorMap::diverging),
                    predictions: vec![0.0; size * size],
                    rgba: vec![0; 4 * size * size],
                }
            }
            TaskSpec::Mesh {
                width,
                height,
                turn,
            } => Task::Mesh {
                view: view_box(runner.objective()),
                colors: ColorMap::viridis(),
                raster: Raster::new(width.max(1), height.max(1)),
                turn,
                camera: Camera::default(),
            },
        };
        Ok(Workload {
            runner,
            task,
            repetitions: figure.repetitions.max(1),
        })
    }
}

/// One figure's workload, built: each [`Workload::run`] is one repetition to time.
pub struct Workload {
    runner: Runner,
    task: Task,
    repetitions: u32,
}

/// What [`Workload::run`] does, with the buffers it reuses.
enum Task {
    Heatmap {
        view: ViewBox,
        colors: ColorMap,
        heatmap: Heatmap,
        per_pixel: bool,
    },
    Steps {
        steps: u64,
    },
    Epochs {
        steps_per_epoch: u64,
        epochs: u64,
        with_loss: bool,
    },
    Boundary {
        axis: Vec<f64>,
        /// The colour map, when the predictions are painted.
        colors: Option<ColorMap>,
        predictions: Vec<f64>,
        rgba: Vec<u8>,
    },
    Mesh {
        view: ViewBox,
        colors: ColorMap,
        raster: Raster,
        turn: f64,
        camera: Camera,
    },
}

impl Workload {
    /// Timed repetitions the figure's median is taken over (after one untimed run).
    pub fn repetitions(&self) -> u32 {
        self.repetitions
    }

    /// One repetition. Fails if a run that must go on stops (a diverging benchmark scenario).
    pub fn run(&mut self) -> Result<(), String> {
        let runner = &mut self.runner;
        match &mut self.task {
            Task::Heatmap {
                view,
                colors,
                heatmap,
                per_pixel,
            } => {
                let model = runner.objective();
                if *per_pixel {
                    let loss = |x, y| model.loss(&[x, y]);
                    heatmap.render(loss, view, ColorScale::Log, colors, true);
                } else {
                    heatmap.render_model(model, view, ColorScale::Log, colors, true);
                }
                black_box(&heatmap.rgba);
            }
            Task::Steps { steps } => {
                runner.reset();
                step_n(runner, *steps)?;
            }
            Task::Epochs {
                steps_per_epoch,
                epochs,
                with_loss,
            } => {
                runner.reset();
                for _ in 0..*epochs {
                    step_n(runner, *steps_per_epoch)?;
                    if *with_loss {
                        black_box(runner.loss());
                        black_box(runner.objective().test_loss(runner.params()));
                    }
                }
            }
            Task::Boundary {
                axis,
                colors,
                predictions,
                rgba,
            } => {
                if let Some(mlp) = network_of(runner) {
                    mlp.predict_grid(runner.params(), axis, axis, predictions);
                }
                if let Some(colors) = colors {
                    paint_values(predictions, 0.0, 1.0, colors, rgba);
                }
                black_box(&rgba);
            }
            Task::Mesh {
                view,
                colors,
                raster,
                turn,
                camera,
            } => {
                let model = runner.objective();
                let terrain = Terrain::sample(
                    |x, y| model.loss(&[x, y]),
                    *view,
                    MESH_POINTS,
                    ColorScale::Log,
                );
                camera.yaw += *turn;
                let projection =
                    Projection::new(*camera, raster.width as f64, raster.height as f64);
                raster.draw(&terrain, &projection, colors, [0, 0, 0]);
                black_box(&raster.rgba);
            }
        }
        Ok(())
    }

    /// The figure for a repetition that took `ms` milliseconds: steps per second for `steps`,
    /// ms per epoch for `epochs`, ms per picture otherwise.
    pub fn figure(&self, ms: f64) -> f64 {
        match self.task {
            Task::Steps { steps } => steps as f64 / (ms.max(1e-6) / 1e3),
            Task::Epochs { epochs, .. } => ms / epochs as f64,
            Task::Heatmap { .. } | Task::Boundary { .. } | Task::Mesh { .. } => ms,
        }
    }

    /// The unit of [`Workload::figure`]: `"steps/s"` or `"ms"`.
    pub fn unit(&self) -> &'static str {
        match self.task {
            Task::Steps { .. } => "steps/s",
            _ => "ms",
        }
    }

    /// The heat map's RGBA pixels and its side in pixels, for a `heatmap` figure (the page puts
    /// them on a canvas).
    pub fn heatmap_rgba(&self) -> Option<(&[u8], usize)> {
        match &self.task {
            Task::Heatmap { heatmap, .. } => Some((&heatmap.rgba, heatmap.width)),
            _ => None,
        }
    }
}

/// `steps` updates, failing if the run stops.
fn step_n(runner: &mut Runner, steps: u64) -> Result<(), String> {
    for _ in 0..steps {
        if runner.step().is_none() {
            return Err("the benchmark run stopped early".to_string());
        }
    }
    Ok(())
}

// The workloads include networks and the digits CNN.
#[cfg(all(test, feature = "mlp", feature = "cnn"))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn workloads() -> Workloads {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/scenarios.json");
        Workloads::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Every figure of `make bench` builds (its scenario valid, a boundary's network trained),
    /// and every name is unique.
    #[test]
    fn every_figure_builds() {
        let workloads = workloads();
        let names: Vec<&str> = workloads.names().collect();
        assert!(names.len() >= 8, "{names:?}");
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for name in names {
            let workload = workloads.build(name).unwrap();
            assert!(workload.repetitions() >= 1, "{name}");
        }
        assert!(workloads.build("no such figure").is_err());
    }

    /// A repetition of each kind runs, and its figure is in the kind's unit.
    #[test]
    fn repetitions_run_and_figures_convert() {
        let text = r#"{"about": "", "scenarios": {
            "quadratic": {"objective": {"kind": "surface", "name": "quadratic"},
                          "optimizer": {"name": "sgd", "lr": 0.01}, "steps": 1000},
            "xor": {"objective": {"kind": "mlp", "layers": [2, 3, 1], "activation": "tanh",
                    "loss": "bce", "dataset": {"name": "xor", "n": 40}},
                    "optimizer": {"name": "sgd", "lr": 0.1}, "batch_size": 10, "steps": 1000}},
          "figures": [
            {"name": "a", "scenario": "quadratic", "repetitions": 1, "kind": "heatmap",
             "size": 8, "per_pixel": true},
            {"name": "b", "scenario": "quadratic", "repetitions": 1, "kind": "steps", "steps": 100},
            {"name": "c", "scenario": "xor", "repetitions": 1, "kind": "epochs",
             "steps_per_epoch": 4, "epochs": 2, "with_loss": true},
            {"name": "d", "scenario": "xor", "repetitions": 3, "kind": "boundary",
             "train_steps": 5, "size": 4, "colour": true},
            {"name": "e", "scenario": "quadratic", "repetitions": 1, "kind": "boundary",
             "train_steps": 0, "size": 4, "colour": false}]}"#;
        let workloads = Workloads::parse(text).unwrap();
        let mut heatmap = workloads.build("a").unwrap();
        heatmap.run().unwrap();
        assert_eq!(
            heatmap
                .heatmap_rgba()
                .map(|(rgba, side)| (rgba.len(), side)),
            Some((256, 8))
        );
        assert_eq!((heatmap.figure(2.0), heatmap.unit()), (2.0, "ms"));
        let mut steps = workloads.build("b").unwrap();
        steps.run().unwrap();
        assert_eq!((steps.figure(2.0), steps.unit()), (50_000.0, "steps/s"));
        let mut epochs = workloads.build("c").unwrap();
        epochs.run().unwrap();
        assert_eq!(epochs.figure(2.0), 1.0);
        let mut boundary = workloads.build("d").unwrap();
        boundary.run().unwrap();
        assert_eq!((boundary.repetitions(), boundary.heatmap_rgba()), (3, None));
        assert!(workloads
            .build("e")
            .err()
            .is_some_and(|e| e.contains("mlp")));
    }
}
