//! A refused objective is refused with the same field path and words whether it is built alone
//! (`Model::build`) or read inside a scenario (`Scenario::from_json`): the objective's validators
//! are the scenario's.

use gdviz::objective::model::Model;
use gdviz::objective::ObjectiveSpec;
use gdviz::scenario::Scenario;

fn objective(json: &str) -> ObjectiveSpec {
    serde_json::from_str(json).expect("an objective the reader takes (the model refuses it)")
}

#[test]
fn refusals_name_the_field() {
    let refuse = |json: &str, field: &str, message: &str| {
        let err = Model::build(&objective(json), 0).expect_err("refused");
        assert_eq!(
            (err.field().as_str(), err.reason().as_str()),
            (field, message),
            "{json}"
        );
        // The scenario validator says the same before anything is built.
        let scenario = format!(r#"{{"objective":{json},"optimizer":{{"name":"sgd"}}}}"#);
        let err = Scenario::from_json(&scenario).expect_err("refused");
        assert_eq!(
            (err.field().as_str(), err.reason().as_str()),
            (field, message),
            "{json}"
        );
    };
    refuse(
        r#"{"kind":"linreg","points":[[0,1]],"dataset":{"name":"linear"}}"#,
        "objective.dataset",
        "give either points or dataset, not both",
    );
    refuse(
        r#"{"kind":"linreg","dataset":{"name":"moons"}}"#,
        "objective.dataset.name",
        r#"moons is not a 1-D regression set; linear regression needs "linear""#,
    );
    refuse(
        r#"{"kind":"linreg","dataset":{"name":"linear","n":0}}"#,
        "objective.dataset.n",
        "0 is out of range (accepted: a whole number, 1 ≤ n ≤ 10000)",
    );
    refuse(
        r#"{"kind":"mlp","layers":[2,1],"activation":"tanh","loss":"bce"}"#,
        "objective.points",
        r#"missing (e.g. [[x1,x2,target],...], or a dataset such as {"name":"circle"})"#,
    );
    refuse(
        r#"{"kind":"mlp","layers":[2,1],"activation":"tanh","loss":"mse","dataset":{"name":"linear"}}"#,
        "objective.dataset.name",
        "linear has 1-D inputs and the MLP takes 2 (use plane, or the linreg objective)",
    );
    refuse(
        r#"{"kind":"mlp","layers":[2,1],"activation":"tanh","loss":"bce","dataset":{"name":"plane"}}"#,
        "objective.loss",
        "bce needs labels 0 or 1, but plane has real targets (use mse)",
    );
    refuse(
        r#"{"kind":"mlp","layers":[2,1],"activation":"tanh","loss":"bce",
            "dataset":{"name":"xor","test_fraction":1}}"#,
        "objective.dataset.test_fraction",
        "1 is out of range (accepted: 0 ≤ test_fraction < 1)",
    );
}
