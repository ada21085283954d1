//! The `gdviz` command line as the tests drive it: a scenario on standard input, what it printed
//! back.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `gdviz args…` with `stdin` on its standard input, to the end.
pub fn gdviz(args: &[&str], stdin: &str) -> Output {
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

/// Each line of the standard output, as the JSON value it must be.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}
