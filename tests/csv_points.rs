//! Pasted CSV becomes a scenario's `points`: the JSON `csv_to_points_json` writes rides in a
//! scenario the reader takes, and its numbers survive the trip bit for bit.
#![allow(clippy::unwrap_used)]

use gdviz::data::csv::csv_to_points_json;
use gdviz::scenario::Scenario;

#[test]
fn points_json_rides_in_a_scenario() {
    let json =
        csv_to_points_json("x1,x2,label\n0.5,0.9,0\n0.4,-0.4,1\n", "classification").unwrap();
    assert_eq!(json, "[[0.5,0.9,0.0],[0.4,-0.4,1.0]]");
    let scenario = format!(
        r#"{{"objective":{{"kind":"mlp","layers":[2,4,1],"activation":"tanh","loss":"bce","points":{json}}},
            "optimizer":{{"name":"adam","lr":0.01}},"steps":5}}"#
    );
    Scenario::from_json(&scenario).unwrap();
    let line = csv_to_points_json("x,y\n-1,0.5\n0,0.1\n1,-0.4", "regression1d").unwrap();
    assert_eq!(line, "[[-1.0,0.5],[0.0,0.1],[1.0,-0.4]]");
    let scenario = format!(
        r#"{{"objective":{{"kind":"linreg","points":{line}}},"optimizer":{{"name":"sgd","lr":0.1}}}}"#
    );
    Scenario::from_json(&scenario).unwrap();
    let plane = csv_to_points_json("1,2,0.25", "regression2d").unwrap();
    assert_eq!(plane, "[[1.0,2.0,0.25]]");
    // Values survive the trip to JSON and back bit for bit.
    let exact = csv_to_points_json("0.1,0.30000000000000004", "regression1d").unwrap();
    let back: Vec<[f64; 2]> = serde_json::from_str(&exact).unwrap();
    assert_eq!(back, vec![[0.1, 0.30000000000000004]]);
    assert_eq!(
        csv_to_points_json("1,2", "points"),
        Err("unknown kind `points` (accepted: classification, regression1d, regression2d)".into())
    );
    assert_eq!(
        csv_to_points_json("1,2,8", "classification"),
        Err("row 1, column 3: the label `8` is out of range (labels are classes 0 to 7)".into())
    );
    // Three classes ride in a ce network with three outputs.
    let three = csv_to_points_json("0,0,0\n1,0,1\n0,1,2", "classification").unwrap();
    let scenario = format!(
        r#"{{"objective":{{"kind":"mlp","layers":[2,4,3],"activation":"tanh","loss":"ce","points":{three}}},
            "optimizer":{{"name":"adam","lr":0.01}},"steps":5}}"#
    );
    Scenario::from_json(&scenario).unwrap();
}
