//! `gdviz` — the headless command line: runs the same scenarios as the page, for tests,
//! benchmarks and course authors. It parses, runs and prints; the numerics live in the library.
//!
//! ```text
//! gdviz trace < scenario.json    one JSON line per step 0..=steps: {"step","params","loss",…}
//! gdviz tune < scenario.json     one JSON line per learning rate {"lr","final_loss"}, then
//!                                {"best_lr"}
//! gdviz data < scenario.json     one JSON line {"train","test","start"}: the points the run
//!                                trains and tests on, and the parameters it starts from
//! gdviz gradcheck [--step h] < scenario.json
//!                                the gradient check at the start: one JSON line per layer
//!                                {"group","parameters","max_relative_error","worst","verdict"},
//!                                then {"step","loss","worst","verdict"}
//! ```
//!
//! A scenario that is not accepted exits with code 2 and a one-line message on stderr naming the
//! field and the accepted range; nothing is written to stdout.

use gdviz::objective::gradcheck::{gradient_check, DEFAULT_STEP};
use gdviz::objective::model::Points;
use gdviz::run::{Runner, Status, StopCondition};
use gdviz::scenario::Scenario;
use gdviz::tune::{default_grid, Tuner};
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: gdviz trace < scenario.json
       gdviz tune < scenario.json
       gdviz data < scenario.json
       gdviz gradcheck [--step h] < scenario.json

commands:
  trace   run the scenario on stdin; print one JSON line per step 0..=steps:
          {\"step\":k,\"params\":[...],\"loss\":f,\"epoch\":e,\"samples\":n,\"batch_loss\":b}
          (params and full-objective loss before update k+1; samples counts every
          evaluation of the loss and gradient, L-BFGS's line-search trials included, and
          Newton's lines add \"hessians\":h, the Hessians evaluated); a run that stops early
          (diverged, failed, or met a condition of \"stop\") ends with
          {\"step\":k,\"stopped\":...,\"message\":...}; early stopping's line adds
          \"best_epoch\", \"best_test_loss\" and the restored \"params\"
  tune    run the scenario's optimizer once per learning rate 1e-4 ... 10 (3 per decade)
          with the same start, batches and steps; print {\"lr\":x,\"final_loss\":f} per
          learning rate (null where the run diverged or failed), then {\"best_lr\":x}
  data    print {\"train\":[...],\"test\":[...],\"start\":[...]}: the scenario's training and
          test points ([x,y] for linreg, [x1,x2,target] for mlp; none for a surface) and
          the parameters the run starts from, to reproduce a run in another framework
  gradcheck
          compare backpropagation's gradient at the start with central finite differences
          (step h, default 1e-5, 0 < h <= 1), parameter by parameter: one line per layer
          {\"group\":\"layer 1 (2→4)\",\"parameters\":12,\"max_relative_error\":e,
          \"worst\":{\"name\":\"W1[0][1]\",\"backprop\":a,\"numeric\":n,...},\"verdict\":v},
          then {\"step\":h,\"loss\":f,\"worst\":{...},\"verdict\":v}

The scenario format is documented in docs/scenario.md.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("trace") if args.len() == 1 => trace(),
        Some("tune") if args.len() == 1 => tune(),
        Some("data") if args.len() == 1 => data(),
        Some("gradcheck") => match gradcheck_step(&args[1..]) {
            Ok(h) => gradcheck(h),
            Err(message) => {
                eprintln!("gdviz: {message}");
                ExitCode::from(2)
            }
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads a scenario from stdin, refusing it with exit code 2 when it does not parse.
fn read_scenario() -> Result<Scenario, ExitCode> {
    let mut text = String::new();
    if let Err(e) = io::stdin().read_to_string(&mut text) {
        eprintln!("gdviz: cannot read the scenario from stdin: {e}");
        return Err(ExitCode::from(2));
    }
    Scenario::from_json(&text).map_err(invalid)
}

/// Reads a scenario from stdin and builds its runner, refusing either with exit code 2.
fn read_runner() -> Result<(Scenario, Runner), ExitCode> {
    let scenario = read_scenario()?;
    let runner = Runner::new(&scenario).map_err(invalid)?;
    Ok((scenario, runner))
}

/// Says why a scenario is refused, on stderr, and gives the exit code for it (2).
fn invalid(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("gdviz: invalid scenario: {error}");
    ExitCode::from(2)
}

fn trace() -> ExitCode {
    let (scenario, mut runner) = match read_runner() {
        Ok(read) => read,
        Err(code) => return code,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut write_error = None;
    let status = runner
        .trace(scenario.steps, |line| {
            if write_error.is_none() {
                if let Err(e) = serde_json::to_writer(&mut out, line)
                    .map_err(io::Error::from)
                    .and_then(|()| out.write_all(b"\n"))
                {
                    write_error = Some(e);
                }
            }
        })
        .clone();
    if let Some((stopped, step)) = status.stopped() {
        let mut line =
            serde_json::json!({"step": step, "stopped": stopped, "message": status.message()});
        if let Status::Converged {
            condition:
                StopCondition::Patience {
                    best_epoch,
                    best_test_loss,
                    restored,
                    ..
                },
            ..
        } = status
        {
            line["best_epoch"] = best_epoch.into();
            line["best_test_loss"] = best_test_loss.into();
            if restored {
                line["params"] = runner.params().into();
            }
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(e) = write_error.or_else(|| out.flush().err()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("gdviz: cannot write the trace: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// A split's points as JSON: `[x, y]` or `[x1, x2, target]` each; empty for a surface.
fn points_json(points: Option<Points<'_>>) -> serde_json::Value {
    match points {
        Some(Points::OneInput(p)) => serde_json::json!(p),
        Some(Points::TwoInputs(p)) => serde_json::json!(p),
        None => serde_json::json!([]),
    }
}

fn data() -> ExitCode {
    let (_, runner) = match read_runner() {
        Ok(read) => read,
        Err(code) => return code,
    };
    let objective = runner.objective();
    let line = serde_json::json!({
        "train": points_json(objective.train_points()),
        "test": points_json(objective.test_points()),
        "start": runner.start(),
    });
    println!("{line}");
    ExitCode::SUCCESS
}

/// The step of `gdviz gradcheck [--step h]`: [`DEFAULT_STEP`] without `--step`; refused unless
/// `0 < h ≤ 1`.
fn gradcheck_step(args: &[String]) -> Result<f64, String> {
    match args {
        [] => Ok(DEFAULT_STEP),
        [flag, value] if flag == "--step" => match value.parse::<f64>() {
            Ok(h) if h > 0.0 && h <= 1.0 => Ok(h),
            _ => Err(format!(
                "--step: `{value}` is not accepted (accepted: a number h, 0 < h ≤ 1)"
            )),
        },
        _ => Err(USAGE.to_string()),
    }
}

fn gradcheck(h: f64) -> ExitCode {
    let (_, runner) = match read_runner() {
        Ok(read) => read,
        Err(code) => return code,
    };
    let check = gradient_check(runner.objective(), runner.params(), h);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut result = Ok(());
    for group in &check.groups {
        result = result.and_then(|()| {
            serde_json::to_writer(&mut out, group)?;
            writeln!(out)
        });
    }
    let summary = serde_json::json!({
        "step": check.step,
        "loss": check.loss,
        "worst": check.worst,
        "verdict": check.verdict,
    });
    result = result
        .and_then(|()| writeln!(out, "{summary}"))
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("gdviz: cannot write the check: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

/// One line of `gdviz tune`, fields in this order.
#[derive(serde::Serialize)]
struct TuneLine {
    lr: f64,
    final_loss: Option<f64>,
}

fn tune() -> ExitCode {
    let scenario = match read_scenario() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut tuner = match Tuner::new(&scenario, &default_grid(), 0) {
        Ok(t) => t,
        Err(e) => return invalid(e),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut printed = 0;
    let mut result = Ok(());
    while result.is_ok() && !tuner.is_done() {
        tuner.step(10_000);
        let points = tuner.result().points;
        for point in &points[printed..] {
            let line = TuneLine {
                lr: point.lr,
                final_loss: point.final_loss,
            };
            result = result.and_then(|()| {
                serde_json::to_writer(&mut out, &line)?;
                writeln!(out)
            });
        }
        printed = points.len();
        result = result.and_then(|()| out.flush());
    }
    let best = serde_json::json!({"best_lr": tuner.result().best_lr});
    result = result
        .and_then(|()| writeln!(out, "{best}"))
        .and_then(|()| out.flush());
    if let Err(e) = result {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("gdviz: cannot write the results: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
