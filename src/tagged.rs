//! Reading internally tagged enums (`{"name":"adam","lr":0.1}`) without serde's derive.
//!
//! `#[serde(tag = "…")]` makes serde buffer the whole object in its private `Content` type before
//! it can see the tag, and instantiates that buffering machinery once per enum and per variant
//! type — tens of kilobytes of wasm. Every scenario is a [`serde_json::Value`] already, so the
//! hand-written `Deserialize` impls of the tagged enums read a `Value`, take the tag out with
//! [`untag`], and read the variant from what remains ([`crate::fields`]). The messages are
//! serde's own: a missing tag, an unknown name (listing the accepted ones), a value of the wrong
//! type.

use crate::fields::unexpected;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Error, Value};

/// The body of a tagged enum's `Deserialize`: reads the input as a JSON value and hands it to
/// the enum's `from_tagged` (which uses [`untag`]), passing its error on as the deserializer's.
pub(crate) fn deserialize_via<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    from_tagged: fn(Value) -> Result<T, Error>,
) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    from_tagged(value).map_err(D::Error::custom)
}

/// Splits an internally tagged `value` into the index in `variants` of its tag's name and the
/// rest (the object without the tag). As serde's derive does, a sequence is read too, its first
/// element the tag. `expecting` describes the enum for a value of the wrong type, e.g.
/// `internally tagged enum Schedule`.
pub(crate) fn untag(
    value: Value,
    tag: &'static str,
    variants: &'static [&'static str],
    expecting: &str,
) -> Result<(usize, Value), Error> {
    let (name, rest) = match value {
        Value::Object(mut map) => match map.remove(tag) {
            Some(name) => (name, Value::Object(map)),
            None => return Err(Error::missing_field(tag)),
        },
        Value::Array(mut items) => {
            if items.is_empty() {
                return Err(Error::missing_field(tag));
            }
            let name = items.remove(0);
            (name, Value::Array(items))
        }
        other => return Err(Error::invalid_type(unexpected(&other), &expecting)),
    };
    let Value::String(name) = name else {
        return Err(Error::invalid_type(
            unexpected(&name),
            &"variant identifier",
        ));
    };
    match variants.iter().position(|v| *v == name) {
        Some(index) => Ok((index, rest)),
        None => Err(Error::unknown_variant(&name, variants)),
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
    fn refusals_keep_serdes_messages() {
        let booth = r#"{"kind":"surface","name":"booth"}"#;
        assert_eq!(
            refusal(booth, r#"{"lr":0.1}"#),
            "optimizer.name: missing field `name` (accepted: sgd, adagrad, rmsprop, adadelta, \
             adam, adamw, nadam, adamax, newton or lbfgs)"
        );
        assert_eq!(
            refusal(booth, r#"{"name":"adma"}"#),
            "optimizer.name: unknown variant `adma`, expected one of `sgd`, `adagrad`, `rmsprop`, \
             `adadelta`, `adam`, `adamw`, `nadam`, `adamax`, `newton`, `lbfgs`"
        );
        assert_eq!(
            refusal(booth, "true"),
            "optimizer: invalid type: boolean `true`, expected internally tagged enum \
             OptimizerConfig"
        );
        assert_eq!(
            refusal(
                r#"{"kind":"surface","name":"booth","kappa":3}"#,
                r#"{"name":"sgd"}"#
            ),
            "objective.kappa: unknown field `kappa`, there are no fields"
        );
        assert_eq!(
            refusal(r#"{"kind":null}"#, r#"{"name":"sgd"}"#),
            "objective.kind: invalid type: null, expected variant identifier (accepted: surface, \
             linreg or mlp)"
        );
    }

    #[test]
    fn a_number_is_not_a_surface_name() {
        // serde's derive read `"name": 3` below `"kind"` as the fourth variant (booth).
        assert_eq!(
            refusal(r#"{"kind":"surface","name":3}"#, r#"{"name":"sgd"}"#),
            "objective.name: invalid type: integer `3`, expected variant identifier"
        );
    }
}
