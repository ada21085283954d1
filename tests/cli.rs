//! The `gdviz` command line as a course author uses it: scenario on stdin, JSON lines out,
//! exit code 2 and one line naming the field for a bad scenario.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn gdviz(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gdviz"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gdviz starts");
    if let Some(mut input) = child.stdin.take() {
        // The command may exit before reading everything; a broken pipe here is fine.
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("gdviz finishes")
}

#[test]
fn trace_prints_one_line_per_step_including_step_zero() {
    let out = gdviz(
        &["trace"],
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":0.01},"start":[0,0],"steps":5}"#,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["step"], 0);
    assert_eq!(lines[0]["params"], serde_json::json!([0.0, 0.0]));
    // Booth at the origin: 7² + 5² = 74.
    assert_eq!(lines[0]["loss"], 74.0);
    assert_eq!(lines[5]["step"], 5);
    assert!(lines[5]["loss"].as_f64().expect("a number") < 74.0);
    assert!(
        lines[5].get("batch_loss").is_none(),
        "the last line has no next batch"
    );
}

#[test]
fn a_bad_scenario_exits_2_with_one_line_naming_the_field() {
    let cases = [
        (
            r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"adam","lr":-1}}"#,
            "optimizer.lr",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"adam","betas":[1.5,0.9]}}"#,
            "optimizer.betas[0]",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"nope"},"optimizer":{"name":"sgd"}}"#,
            "objective.name",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lrr":1}}"#,
            "optimizer.lrr",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"steps":-3}"#,
            "steps",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"stepz":3}"#,
            "stepz",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","momentum":0.9,"dampening":0.1,"nesterov":true}}"#,
            "optimizer.nesterov",
        ),
        (
            r#"{"objective":{"kind":"linreg","points":[[0,1]]},"optimizer":{"name":"newton"}}"#,
            "optimizer.name",
        ),
        ("not json", "scenario"),
        ("", "scenario"),
    ];
    for (scenario, field) in cases {
        let out = gdviz(&["trace"], scenario);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{scenario}: {stderr}");
        assert!(out.stdout.is_empty(), "{scenario}: nothing on stdout");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{scenario}: one line, got {stderr}"
        );
        assert!(
            stderr.contains(&format!("{field}:")),
            "{scenario}: should name {field}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{scenario}: {stderr}");
    }
}

#[test]
fn divergence_ends_the_trace_with_a_stopped_line() {
    let out = gdviz(
        &["trace"],
        r#"{"objective":{"kind":"surface","name":"rosenbrock"},"optimizer":{"name":"sgd","lr":1e6},"start":[2,2],"steps":50}"#,
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let last: serde_json::Value =
        serde_json::from_str(text.lines().last().expect("some lines")).expect("JSON");
    assert_eq!(last["stopped"], "diverged", "{text}");
    assert!(last["message"]
        .as_str()
        .unwrap_or("")
        .starts_with("diverged at step"));
}

#[test]
fn unknown_command_prints_usage_and_exits_2() {
    let out = gdviz(&["frobnicate"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: gdviz"));
}
