//! The `gdviz` command line as a course author uses it: scenario on stdin, JSON lines out,
//! exit code 2 and one line naming the field for a bad scenario.

mod common;

use common::cli::gdviz;

/// Runs a command that must succeed; its standard output and the JSON value of each line.
fn json_lines(args: &[&str], stdin: &str) -> (String, Vec<serde_json::Value>) {
    let out = gdviz(args, stdin);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = common::cli::json_lines(&out);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    (text, lines)
}

#[test]
fn trace_prints_one_line_per_step_including_step_zero() {
    let (_, lines) = json_lines(
        &["trace"],
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":0.01},"start":[0,0],"steps":5}"#,
    );
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
            r#"{"objective":{"kind":"mlp","layers":[2,2,1],"activation":"tanh","loss":"bce","dataset":{"name":"xor"}},"optimizer":{"name":"newton"}}"#,
            "optimizer.name",
        ),
        (
            r#"{"objective":{"kind":"mlp","layers":[2,4,4,1],"activation":"tanh","activations":["relu"],"loss":"bce","dataset":{"name":"xor"}},"optimizer":{"name":"sgd"}}"#,
            "objective.activations",
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

#[test]
fn a_stop_condition_ends_the_trace_with_a_converged_line() {
    let (_, lines) = json_lines(
        &["trace"],
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":0.05},"start":[0,0],"steps":1000,"stop":{"loss_below":1e-6}}"#,
    );
    let (stopped, trace) = lines.split_last().expect("some lines");
    let last = trace.last().expect("trace lines");
    let k = last["step"].as_u64().expect("a step");
    assert!(k > 0 && k < 1000, "{k}");
    assert_eq!(trace.len() as u64, k + 1, "lines 0..=k");
    assert!(last["loss"].as_f64().expect("a loss") < 1e-6);
    assert!(trace[trace.len() - 2]["loss"].as_f64().expect("a loss") >= 1e-6);
    assert!(last.get("batch_loss").is_none(), "no update follows");
    assert_eq!(
        *stopped,
        serde_json::json!({"step": k, "stopped": "loss_below", "message": format!("converged at step {k} (loss below 1e-6)")})
    );
}

#[test]
fn lbfgs_traces_one_line_per_outer_step() {
    let (_, lines) = json_lines(
        &["trace"],
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"lbfgs","max_iter":4,"history_size":10,"line_search_fn":"strong_wolfe"},"start":[-5,5],"steps":12}"#,
    );
    assert_eq!(lines.len(), 13);
    // PyTorch's first outer step (tests/fixtures/torch_traces_lbfgs.json, sL00-booth).
    let p = &lines[1]["params"];
    assert!(
        (p[0].as_f64().expect("x") - 0.962770143559297).abs() < 1e-9,
        "{p}"
    );
    assert!(
        (p[1].as_f64().expect("y") - 3.210829582374041).abs() < 1e-9,
        "{p}"
    );
    assert!(
        lines[1]["samples"].as_u64().expect("samples") > 1,
        "every evaluation counts"
    );
}

#[test]
fn trace_lines_carry_what_the_run_has_cost() {
    // Newton's lines count its Hessians beside the evaluations of f and ∇f ("samples");
    // L-BFGS's count every line-search trial in "samples"; Adam's have no "hessians".
    let scenario = |optimizer: &str| {
        format!(
            r#"{{"objective":{{"kind":"surface","name":"rosenbrock"}},"optimizer":{optimizer},"start":[-1.5,2],"steps":3}}"#
        )
    };
    let (_, newton) = json_lines(&["trace"], &scenario(r#"{"name":"newton","lr":1}"#));
    let cost = |line: &serde_json::Value| (line["samples"].as_u64(), line["hessians"].as_u64());
    assert_eq!(
        newton.iter().map(cost).collect::<Vec<_>>(),
        (0..=3).map(|k| (Some(k), Some(k))).collect::<Vec<_>>()
    );
    let (_, lbfgs) = json_lines(
        &["trace"],
        &scenario(r#"{"name":"lbfgs","lr":1,"line_search_fn":"strong_wolfe"}"#),
    );
    assert_eq!(
        lbfgs.iter().map(cost).collect::<Vec<_>>(),
        [
            (Some(0), None),
            (Some(25), None),
            (Some(50), None),
            (Some(53), None)
        ]
    );
    let (_, adam) = json_lines(&["trace"], &scenario(r#"{"name":"adam","lr":0.05}"#));
    assert!(adam.iter().all(|line| line.get("hessians").is_none()));
}

#[test]
fn tune_prints_one_line_per_learning_rate_then_the_best() {
    let (text, lines) = json_lines(
        &["tune"],
        r#"{"objective":{"kind":"surface","name":"quadratic","kappa":10},"optimizer":{"name":"sgd"},"start":[2,1.5],"steps":5000}"#,
    );
    assert_eq!(lines.len(), 17, "16 learning rates and the best: {text}");
    assert!(
        text.lines().take(16).all(|l| l.starts_with("{\"lr\":")),
        "lr first: {text}"
    );
    assert_eq!(lines[0]["lr"], 1e-4);
    assert_eq!(lines[15]["lr"], 10.0);
    for line in &lines[..16] {
        let lr = line["lr"].as_f64().expect("an lr");
        let keys: Vec<&String> = line.as_object().expect("an object").keys().collect();
        assert_eq!(keys, ["final_loss", "lr"], "{line}");
        // GD on ½(u² + 10v²) is stable exactly below 2/L = 0.2.
        assert_eq!(line["final_loss"].is_null(), lr > 0.2, "{line}");
    }
    assert_eq!(lines[16], serde_json::json!({"best_lr": 0.1}));
}

#[test]
fn tune_refuses_a_bad_scenario_like_trace() {
    for (scenario, field) in [
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd","lr":-1}}"#,
            "optimizer.lr",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"stop":{"loss_below":-1}}"#,
            "stop.loss_below",
        ),
        (
            r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"lbfgs","max_iter":0}}"#,
            "optimizer.max_iter",
        ),
        ("not json", "scenario"),
    ] {
        let out = gdviz(&["tune"], scenario);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{scenario}: {stderr}");
        assert!(out.stdout.is_empty(), "{scenario}: nothing on stdout");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{scenario}: {stderr}");
        assert!(
            stderr.contains(&format!("{field}:")),
            "{scenario}: {stderr}"
        );
    }
    let help = gdviz(&["--help"], "");
    assert!(String::from_utf8_lossy(&help.stdout).contains("gdviz tune < scenario.json"));
}

#[test]
fn an_activation_per_hidden_layer_traces() {
    let out = gdviz(
        &["trace"],
        r#"{"objective":{"kind":"mlp","layers":[2,6,4,1],"activation":"relu","activations":["relu","sigmoid"],"loss":"bce","dataset":{"name":"xor","n":40}},"optimizer":{"name":"adam","lr":0.05},"batch_size":10,"steps":40}"#,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let losses: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let line: serde_json::Value = serde_json::from_str(l).expect("JSON");
            line["loss"].as_f64().expect("a loss")
        })
        .collect();
    assert_eq!(losses.len(), 41);
    assert!(losses[40] < losses[0], "it learns: {losses:?}");
}

/// Three spiral arms with softmax and cross-entropy train from the command line; `ce` with one
/// output, or a label the outputs cannot hold, exits 2 naming the field and why.
#[test]
fn many_classes_trace_and_refuse_on_the_command_line() {
    let (_, lines) = json_lines(
        &["trace"],
        r#"{"objective":{"kind":"mlp","layers":[2,8,3],"activation":"tanh","loss":"ce",
            "dataset":{"name":"spiral","classes":3,"n":90}},
            "optimizer":{"name":"adam","lr":0.05},"batch_size":15,"seed":1,"steps":40}"#,
    );
    assert_eq!(lines.len(), 41);
    // 2·8 + 8 + 8·3 + 3 = 51 parameters; the loss starts near log 3 and falls.
    assert_eq!(lines[0]["params"].as_array().map(Vec::len), Some(51));
    let first = lines[0]["loss"].as_f64().expect("a number");
    let last = lines[40]["loss"].as_f64().expect("a number");
    assert!(
        (first - libm::log(3.0)).abs() < 0.5 && last < first,
        "{first} → {last}"
    );
    for (scenario, field, why) in [
        (
            r#"{"objective":{"kind":"mlp","layers":[2,4,1],"activation":"tanh","loss":"ce","dataset":{"name":"spiral"}},"optimizer":{"name":"sgd"}}"#,
            "objective.layers[2]",
            "ce needs one output per class",
        ),
        (
            r#"{"objective":{"kind":"mlp","layers":[2,3],"activation":"tanh","loss":"ce","points":[[0,0,0],[1,1,3]]},"optimizer":{"name":"sgd"}}"#,
            "objective.points[1][2]",
            "a ce label must be a whole number from 0 to 2",
        ),
    ] {
        let out = gdviz(&["trace"], scenario);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(field) && stderr.contains(why), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn early_stopping_ends_the_trace_with_the_best_epoch_and_its_weights() {
    let scenario = r#"{"objective":{"kind":"mlp","layers":[2,16,16,1],"activation":"relu","loss":"bce",
        "dataset":{"name":"xor","n":40,"noise":0.3,"seed":2,"test_fraction":0.5}},
        "optimizer":{"name":"adam","lr":0.03},"steps":600,"seed":1,"stop":{"patience":4}}"#;
    let (_, lines) = json_lines(&["trace"], scenario);
    let stop = lines.last().expect("a stop line");
    assert_eq!(stop["stopped"], "patience");
    let best = stop["best_epoch"].as_u64().expect("the best epoch") as usize;
    let step = stop["step"].as_u64().expect("a step") as usize;
    assert_eq!(step, best + 4, "full batch: one epoch per update");
    // The best line's test loss and weights, restored.
    assert_eq!(stop["best_test_loss"], lines[best]["test_loss"]);
    assert_eq!(stop["params"], lines[best]["params"]);
    assert_eq!(lines.len(), step + 2);
    assert!(stop["message"]
        .as_str()
        .expect("words")
        .starts_with(&format!(
            "stopped at epoch {step}, best test loss at epoch {best} ("
        )));
    let refused = gdviz(
        &["trace"],
        r#"{"objective":{"kind":"surface","name":"booth"},"optimizer":{"name":"sgd"},"stop":{"patience":4}}"#,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("stop.patience: early stopping watches the test loss"));
}

#[test]
fn data_prints_the_points_and_the_start_a_run_uses() {
    let (_, lines) = json_lines(
        &["data"],
        r#"{"objective":{"kind":"linreg","dataset":{"name":"linear","n":10,"test_fraction":0.3}},"optimizer":{"name":"sgd"},"start":[0.5,-1]}"#,
    );
    assert_eq!(lines.len(), 1);
    let data = &lines[0];
    assert_eq!(data["train"].as_array().map(Vec::len), Some(7));
    assert_eq!(data["test"].as_array().map(Vec::len), Some(3));
    assert_eq!(data["train"][0].as_array().map(Vec::len), Some(2));
    assert_eq!(data["start"], serde_json::json!([0.5, -1.0]));
}

#[test]
fn gradcheck_prints_one_row_per_layer_and_the_worst_parameter() {
    let scenario = r#"{"objective":{"kind":"mlp","layers":[2,4,3,1],"activation":"tanh","loss":"bce","l1":0.01,
        "dataset":{"name":"circle","n":40}},"optimizer":{"name":"sgd"},"seed":2}"#;
    let (_, lines) = json_lines(&["gradcheck"], scenario);
    let groups: Vec<&str> = lines[..3]
        .iter()
        .map(|l| l["group"].as_str().expect("a group"))
        .collect();
    assert_eq!(groups, ["layer 1 (2→4)", "layer 2 (4→3)", "layer 3 (3→1)"]);
    let summary = &lines[3];
    assert_eq!(summary["step"], 1e-5);
    assert_eq!(summary["verdict"], "agree");
    assert!(
        summary["worst"]["relative_error"]
            .as_f64()
            .expect("an error")
            < 1e-7
    );
    // Too small a step: rounding swamps the difference.
    let (_, tiny) = json_lines(&["gradcheck", "--step", "1e-13"], scenario);
    assert_ne!(tiny[3]["verdict"], "agree");
    let refused = gdviz(&["gradcheck", "--step", "0"], scenario);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr).trim(),
        "gdviz: --step: `0` is not accepted (accepted: a number h, 0 < h ≤ 1)"
    );
}

#[test]
fn a_cnn_on_the_digits_traces_and_refuses_on_the_command_line() {
    let (_, lines) = json_lines(
        &["trace"],
        r#"{"objective":{"kind":"cnn","convs":[{"channels":4,"padding":1,"pool":true}],
            "activation":"relu","train_size":120},
            "optimizer":{"name":"adam","lr":0.01},"batch_size":16,"seed":3,"steps":30}"#,
    );
    assert_eq!(lines.len(), 31);
    // 4·9 + 4 + 10·64 + 10 = 690 parameters; the loss starts near log 10 and falls.
    assert_eq!(lines[0]["params"].as_array().map(Vec::len), Some(690));
    let first = lines[0]["loss"].as_f64().expect("a number");
    let last = lines[30]["loss"].as_f64().expect("a number");
    assert!(last < 0.8 * first, "{first} → {last}");
    let out = gdviz(
        &["trace"],
        r#"{"objective":{"kind":"cnn","convs":[{"channels":2,"padding":0,"pool":true},{"channels":2,"padding":0,"pool":true}],"activation":"relu"},"optimizer":{"name":"sgd"}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("objective.convs[1].pool") && stderr.contains("too small for a 2×2 pool"),
        "{stderr}"
    );
    let (_, rows) = json_lines(
        &["gradcheck"],
        r#"{"objective":{"kind":"cnn","convs":[{"channels":2,"padding":1,"pool":true}],"activation":"tanh",
            "train_size":5},"optimizer":{"name":"sgd"},"seed":1}"#,
    );
    assert_eq!(rows[0]["group"], "conv 1 (1→2)");
    assert_eq!(rows[1]["group"], "dense (32→10)");
    let verdict = rows[2]["verdict"].as_str().expect("a verdict");
    assert!(verdict == "agree" || verdict == "close", "{}", rows[2]);
}
