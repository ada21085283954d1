//! Classification metrics of a network: the k×k confusion matrix on the training or test split.

use super::mlp::{Mlp, MlpLoss};

/// A confusion matrix: `matrix[truth][predicted]` counts the points of class `truth` the network
/// put in class `predicted`; `k` rows of `k`.
pub type Confusion = Vec<Vec<u64>>;

/// Counts of a classifier's outcomes, `k × k` for `k` classes: rows are the true label, columns
/// the prediction — for `bce`, `[[true 0 → 0, true 0 → 1], [true 1 → 0, true 1 → 1]]` with class
/// 1 predicted where the network's probability exceeds ½; for `ce`, the most probable class.
/// `None` for a network that is not a classifier or whose targets are not labels.
pub fn confusion_matrix(mlp: &Mlp, params: &[f64], on_test: bool) -> Option<Confusion> {
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
    let k = mlp.classes();
    let multiclass = mlp.spec().loss == MlpLoss::Ce;
    let mut matrix = vec![vec![0u64; k]; k];
    for (point, output) in points.iter().zip(outputs) {
        // Labels are validated whole numbers 0..k ([`Mlp::has_labels`]).
        let truth = (point[2] as usize).min(k - 1);
        let predicted = if multiclass {
            (output as usize).min(k - 1)
        } else {
            usize::from(output > 0.5)
        };
        matrix[truth][predicted] += 1;
    }
    Some(matrix)
}

// Both tests build a network.
#[cfg(all(test, feature = "mlp"))]
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
            assert_eq!((m.len(), m[0].len()), (2, 2));
            let reported = mlp.split_accuracy(&params, on_test).expect("labels");
            assert!(
                (accuracy - reported).abs() < 1e-12,
                "{accuracy} vs {reported}"
            );
        }
    }

    #[test]
    fn a_ce_network_has_a_k_by_k_matrix_whose_diagonal_is_the_accuracy() {
        let objective: ObjectiveSpec = serde_json::from_str(
            r#"{"kind":"mlp","layers":[2,6,3],"activation":"tanh","loss":"ce","dataset":{"name":"spiral","classes":3,"n":90}}"#,
        )
        .expect("valid");
        let Model::Mlp(mlp) = Model::build(&objective, 2).expect("model") else {
            panic!("an mlp")
        };
        let params = mlp.initial_params();
        for on_test in [false, true] {
            let m = confusion_matrix(&mlp, &params, on_test).expect("a classifier");
            assert_eq!((m.len(), m[2].len()), (3, 3));
            let total: u64 = m.iter().flatten().sum();
            let points = if on_test {
                mlp.test_points()
            } else {
                mlp.train_points()
            };
            assert_eq!(total as usize, points.len());
            for (c, row) in m.iter().enumerate() {
                let in_class = points.iter().filter(|p| p[2] == c as f64).count();
                assert_eq!(row.iter().sum::<u64>() as usize, in_class);
            }
            let diagonal: u64 = (0..3).map(|c| m[c][c]).sum();
            let reported = mlp.split_accuracy(&params, on_test).expect("labels");
            assert!((diagonal as f64 / total as f64 - reported).abs() < 1e-12);
        }
    }
}
