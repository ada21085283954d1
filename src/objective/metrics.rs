//! Classification metrics of a network: the 2×2 confusion matrix on the training or test split.

use super::mlp::Mlp;

/// Counts of a binary classifier's outcomes: rows are the true label, columns the prediction,
/// `[[true 0 → 0, true 0 → 1], [true 1 → 0, true 1 → 1]]`; a point is predicted 1 when the
/// network's probability exceeds ½.
pub fn confusion_matrix(mlp: &Mlp, params: &[f64], on_test: bool) -> Option<[[u64; 2]; 2]> {
    if !(mlp.is_classifier() && mlp.has_labels()) {
        return None;
    }
    let points = if on_test {
        mlp.test_points()
    } else {
        mlp.train_points()
    };
    let inputs: Vec<[f64; 2]> = points.iter().map(|p| [p[0], p[1]]).collect();
    let mut outputs = vec![0.0; inputs.len()];
    mlp.predict(params, &inputs, &mut outputs);
    let mut matrix = [[0u64; 2]; 2];
    for (point, probability) in points.iter().zip(outputs) {
        let truth = usize::from(point[2] >= 0.5);
        let predicted = usize::from(probability > 0.5);
        matrix[truth][predicted] += 1;
    }
    Some(matrix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::model::Model;
    use crate::objective::ObjectiveSpec;

    #[test]
    fn the_matrix_counts_every_point_and_agrees_with_accuracy() {
        let objective: ObjectiveSpec = serde_json::from_str(
            r#"{"kind":"mlp","layers":[2,4,1],"activation":"tanh","loss":"bce","dataset":{"name":"xor","n":80}}"#,
        )
        .expect("valid");
        let Model::Mlp(mlp) = Model::build(&objective, 5).expect("model") else {
            panic!("an mlp")
        };
        let params = mlp.initial_params();
        for on_test in [false, true] {
            let m = confusion_matrix(&mlp, &params, on_test).expect("a classifier");
            let total: u64 = m.iter().flatten().sum();
            let expected = if on_test {
                mlp.test_points().len()
            } else {
                mlp.train_points().len()
            };
            assert_eq!(total as usize, expected);
            let accuracy = (m[0][0] + m[1][1]) as f64 / total as f64;
            let reported = mlp.split_accuracy(&params, on_test).expect("labels");
            assert!(
                (accuracy - reported).abs() < 1e-12,
                "{accuracy} vs {reported}"
            );
        }
    }
}
