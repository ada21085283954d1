//! Scenarios as the numerical edge-case tests read and run them: accepted, refused with the
//! field named, or run step by step with every invariant checked.

use gdviz::read::Refusal;
use gdviz::run::{Runner, Status};
use gdviz::scenario::Scenario;

pub fn accept(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap_or_else(|e| panic!("{json} should be accepted: {e}"))
}

pub fn refuse(json: &str) -> Refusal {
    match Scenario::from_json(json) {
        Ok(_) => panic!("{json} should be refused"),
        Err(e) => e,
    }
}

pub fn assert_refused(json: &str, field: &str) -> Refusal {
    let error = refuse(json);
    assert_eq!(error.field(), field, "{json}: {error}");
    assert!(!error.reason().is_empty());
    error
}

/// Runs `steps` updates (or until the run stops), checking after every update that the
/// parameters are finite and the status consistent; returns the final status.
pub fn run_checked(runner: &mut Runner, steps: u64) -> Status {
    for _ in 0..steps {
        let before = runner.steps_taken();
        let report = runner.step();
        assert!(
            runner.params().iter().all(|p| p.is_finite()),
            "non-finite parameters {:?} left in place, status {:?}",
            runner.params(),
            runner.status()
        );
        match (report, runner.status()) {
            (Some(_), Status::Running) => assert_eq!(runner.steps_taken(), before + 1),
            (None, Status::Diverged { step } | Status::Failed { step, .. }) => {
                assert_eq!(*step, before + 1);
                assert!(runner.step().is_none(), "a stopped run stays stopped");
                break;
            }
            (None, Status::Converged { step, .. }) => {
                assert_eq!(*step, before, "a stop condition names the last line");
                break;
            }
            (report, status) => panic!("inconsistent: {report:?} with {status:?}"),
        }
    }
    runner.status().clone()
}
