//! What the fuzz tests share: how many cases a property runs, where its shrunk failures are
//! kept, and how much work one update of a generated scenario costs (to cap the steps taken).

use gdviz::objective::Objective;
use gdviz::optim::OptimizerConfig;
use gdviz::run::Runner;
use proptest::test_runner::{Config, FileFailurePersistence};

/// `cases` per property unless `PROPTEST_CASES` says otherwise, shrunk failures saved to (and
/// replayed first from) `regressions`, a file under `proptest-regressions/`.
pub fn config(cases: u32, regressions: &'static str) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..Config::with_cases(cases)
    }
}

/// The work of one update of `runner`, roughly in multiply-adds: samples × parameters, times
/// L-BFGS's evaluations and two-loop recursions when it is L-BFGS. The fuzz tests take fewer
/// steps of costly runs.
pub fn update_work(runner: &Runner) -> usize {
    let mut work = runner.objective().sample_count().max(1) * runner.params().len().max(1);
    if let OptimizerConfig::Lbfgs(c) = runner.optimizer() {
        // An L-BFGS step evaluates the objective up to max_eval times and runs a two-loop
        // recursion over its history at each inner iteration.
        let evals = c.max_eval.unwrap_or(c.max_iter.saturating_mul(5) / 4) as usize;
        let history = c.history_size.min(c.max_iter as usize);
        work = work
            .saturating_mul(evals.max(1))
            .saturating_add(runner.params().len() * history * c.max_iter as usize);
    }
    work
}
