//! Reading internally tagged enums (`{"name":"adam","lr":0.1}`) without serde's derive.
//!
//! `#[serde(tag = "…")]` makes serde buffer the whole object in its private `Content` type before
//! it can see the tag, and instantiates that buffering machinery once per enum and per variant
//! type — tens of kilobytes of wasm. Every scenario is a [`serde_json::Value`] already, so the
//! hand-written readers of the tagged enums take the tag out with [`untag`] and read the variant
//! from what remains ([`super::fields`]). A missing tag, an unknown name (listing the accepted
//! ones) and a value of the wrong type are refused with the tag's path.

use super::fields::wrong_type;
use super::refusal::{Expected, Found, Problem, Refusal};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The body of a hand-read type's `Deserialize` (for reading it from JSON text directly): reads
/// the input as a JSON value and hands it to `read`, passing a refusal on as the deserializer's
/// error, worded as the CLI words it.
pub(crate) fn deserialize_via<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    read: impl FnOnce(Value) -> Result<T, Refusal>,
) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    read(value).map_err(D::Error::custom)
}

/// Splits an internally tagged `value` into the index in `variants` of its tag's name and the
/// rest (the object without the tag). As serde's derive does, a sequence is read too, its first
/// element the tag.
pub(crate) fn untag(
    value: Value,
    tag: &'static str,
    variants: &'static [&'static str],
) -> Result<(usize, Value), Refusal> {
    let missing = || {
        Refusal::at(
            tag,
            Problem::Missing {
                names: variants.to_vec(),
                example: None,
            },
        )
    };
    let (name, rest) = match value {
        Value::Object(mut map) => match map.remove(tag) {
            Some(name) => (name, Value::Object(map)),
            None => return Err(missing()),
        },
        Value::Array(mut items) => {
            if items.is_empty() {
                return Err(missing());
            }
            let name = items.remove(0);
            (name, Value::Array(items))
        }
        other => return Err(wrong_type(&other, Expected::Object)),
    };
    match variants.iter().position(|v| name.as_str() == Some(v)) {
        Some(index) => Ok((index, rest)),
        None => Err(Refusal::at(
            tag,
            Problem::UnknownName {
                found: Found::of(&name),
                accepted: variants.to_vec(),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    fn refusal(objective: &str, optimizer: &str) -> String {
        let text = format!(r#"{{"objective":{objective},"optimizer":{optimizer}}}"#);
        match Scenario::from_json(&text) {
            Ok(_) => panic!("{text} should be refused"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_tag_is_refused_with_its_path_and_the_names_it_takes() {
        let booth = r#"{"kind":"surface","name":"booth"}"#;
        assert_eq!(
            refusal(booth, r#"{"lr":0.1}"#),
            "optimizer.name: missing (one of sgd, adagrad, rmsprop, adadelta, adam, adamw, \
             nadam, adamax, newton, lbfgs)"
        );
        assert_eq!(
            refusal(booth, r#"{"name":"adma"}"#),
            "optimizer.name: \"adma\" is not one of the names accepted (sgd, adagrad, rmsprop, \
             adadelta, adam, adamw, nadam, adamax, newton, lbfgs)"
        );
        assert_eq!(
            refusal(booth, "true"),
            "optimizer: true is not an object (accepted: an object)"
        );
        assert_eq!(
            refusal(
                r#"{"kind":"surface","name":"booth","kappa":3}"#,
                r#"{"name":"sgd"}"#
            ),
            "objective.kappa: unknown field (accepted: kind, name)"
        );
        assert_eq!(
            refusal(r#"{"kind":null}"#, r#"{"name":"sgd"}"#),
            "objective.kind: null is not one of the names accepted (surface, linreg, mlp, cnn)"
        );
    }

    #[test]
    fn a_number_is_not_a_surface_name() {
        // serde's derive read `"name": 3` below `"kind"` as the fourth variant (booth).
        assert!(
            refusal(r#"{"kind":"surface","name":3}"#, r#"{"name":"sgd"}"#)
                .starts_with("objective.name: 3 is not one of the names accepted (rosenbrock, ")
        );
    }
}
