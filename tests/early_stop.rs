//! Early stopping (`"stop":{"patience":P}`): the rule at epoch ends, the restored weights, the
//! words, and the refusals where there is no test split.

use gdviz::run::{Runner, Status, StopCondition, TraceLine};
use gdviz::scenario::Scenario;

fn scenario(text: &str) -> Scenario {
    Scenario::from_json(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn trace(s: &Scenario) -> (Vec<TraceLine>, Runner) {
    let mut runner = Runner::new(s).expect("builds");
    let mut lines = Vec::new();
    runner.trace(s.steps, |line| lines.push(line.clone()));
    (lines, runner)
}

/// A big network on a few noisy points: its test loss turns up after a few epochs.
fn overfitting(batch: &str, stop: &str) -> String {
    format!(
        r#"{{"objective":{{"kind":"mlp","layers":[2,16,16,1],"activation":"relu","loss":"bce",
            "dataset":{{"name":"xor","n":40,"noise":0.3,"seed":2,"test_fraction":0.5}}}},
            "optimizer":{{"name":"adam","lr":0.03}},"steps":600,"seed":1{batch},"stop":{stop}}}"#
    )
}

/// Keras's rule, by hand, on the lines' test losses: the first line of each whole epoch is its
/// end; the best is the lowest strictly, the run ends `patience` epochs after it.
fn by_hand(lines: &[TraceLine], patience: u64) -> Option<(usize, usize)> {
    let mut best: Option<(usize, u64, f64)> = None;
    let mut measured = 0;
    for (k, line) in lines.iter().enumerate() {
        let epoch = line.epoch.floor() as u64;
        if epoch <= measured {
            continue;
        }
        measured = epoch;
        let loss = line.test_loss.expect("early stopping traces the test loss");
        if best.is_none_or(|(_, _, b)| loss < b) {
            best = Some((k, epoch, loss));
        }
        let (best_k, best_epoch, _) = best.expect("a finite test loss");
        if epoch - best_epoch >= patience {
            return Some((k, best_k));
        }
    }
    None
}

#[test]
fn the_run_ends_patience_epochs_after_the_best_and_restores_it() {
    for batch in ["", r#","batch_size":7"#] {
        let s = scenario(&overfitting(batch, r#"{"patience":5}"#));
        let (lines, runner) = trace(&s);
        let (stop_k, best_k) = by_hand(&lines, 5).expect("the network overfits");
        assert_eq!(
            lines.len(),
            stop_k + 1,
            "{batch}: the stop line is the last"
        );
        let (best, last) = (&lines[best_k], &lines[stop_k]);
        let Status::Converged {
            step,
            condition:
                StopCondition::Patience {
                    patience: 5,
                    epoch,
                    best_epoch,
                    best_test_loss,
                    restored: true,
                    ..
                },
        } = *runner.status()
        else {
            panic!("{batch}: {:?}", runner.status())
        };
        assert_eq!(step, last.step);
        assert_eq!(epoch, last.epoch.floor() as u64);
        assert_eq!(best_epoch, best.epoch.floor() as u64);
        assert_eq!(epoch - best_epoch, 5);
        assert_eq!(Some(best_test_loss), best.test_loss);
        assert_eq!(
            runner.params(),
            &best.params[..],
            "{batch}: the best weights"
        );
        assert_eq!(runner.test_loss(), best.test_loss);
        assert!(runner.status().message().starts_with(&format!(
            "stopped at epoch {epoch}, best test loss at epoch {best_epoch} (test loss "
        )));
        assert!(runner.status().message().ends_with("its weights restored)"));
    }
}

#[test]
fn restore_best_false_keeps_the_last_weights_and_a_reset_starts_over() {
    let s = scenario(&overfitting("", r#"{"patience":3,"restore_best":false}"#));
    let (lines, mut runner) = trace(&s);
    let last = lines.last().expect("lines");
    assert_eq!(runner.params(), &last.params[..]);
    assert!(matches!(
        runner.status(),
        Status::Converged {
            condition: StopCondition::Patience {
                restored: false,
                ..
            },
            ..
        }
    ));
    assert!(runner
        .status()
        .message()
        .ends_with("the last weights kept)"));
    runner.reset();
    let mut again = Vec::new();
    runner.trace(s.steps, |line| again.push(line.clone()));
    assert_eq!(again, lines, "a reset forgets the best epoch");
    // Written back, the scenario keeps restore_best only where it is false.
    assert!(s
        .to_json()
        .contains(r#""stop":{"patience":3,"restore_best":false}"#));
    let kept = scenario(&overfitting("", r#"{"patience":3}"#));
    assert!(kept.to_json().contains(r#""stop":{"patience":3}"#));
}

#[test]
fn early_stopping_is_refused_without_a_test_split() {
    let refusal = |text: &str| {
        match Scenario::from_json(text) {
            Ok(s) => Runner::new(&s).err().map(|e| e.to_string()),
            Err(e) => Some(e.to_string()),
        }
        .unwrap_or_else(|| panic!("accepted: {text}"))
    };
    let end = "; use a generated data set with test_fraction > 0";
    let head = "stop.patience: early stopping watches the test loss, and there is no test split";
    let cases = [
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"stop":{"patience":3}}"#,
            "a 2-D surface has no data",
        ),
        (
            r#"{"objective":{"kind":"linreg","points":[[0,1],[1,2]]},"optimizer":{"name":"sgd"},"stop":{"patience":3}}"#,
            "inline points are all training points",
        ),
        (
            r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","test_fraction":0}},"optimizer":{"name":"sgd"},"stop":{"patience":3}}"#,
            "the data set's test_fraction is 0",
        ),
        (
            r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":3,"test_fraction":0.1}},"optimizer":{"name":"sgd"},"stop":{"patience":3}}"#,
            "the data set holds no point out",
        ),
    ];
    for (text, why) in cases {
        assert_eq!(refusal(text), format!("{head} ({why}){end}"));
    }
    let data = r#"{"objective":{"kind":"linreg","dataset":{"name":"linear"}},"optimizer":{"name":"sgd"},"stop":"#;
    assert_eq!(
        refusal(&format!(r#"{data}{{"patience":0}}}}"#)),
        "stop.patience: 0 is out of range (accepted: a whole number, 1 ≤ patience ≤ 1e6)"
    );
    assert!(refusal(&format!(r#"{data}{{"patience":2.5}}}}"#)).starts_with("stop.patience: "));
    assert_eq!(
        refusal(&format!(r#"{data}{{"restore_best":false}}}}"#)),
        "stop.restore_best: restore_best belongs to early stopping: give patience too"
    );
}
