//! Reading the fields of a scenario struct from a JSON value without serde's derive.
//!
//! `#[derive(Deserialize)]` writes, for every struct, a visitor for the object form and another
//! for the array form, each instantiated once per field type — for the ten optimizer configs
//! alone about 13 KB of the raw wasm. Every scenario is a [`serde_json::Value`] already, so a struct
//! lists its fields once ([`read_struct`]: names, and where each value goes) and one
//! non-generic reader fills it in. It reads what the derive read and refuses what it refused,
//! with serde's own messages (the tests below compare the two on generated values): an object's
//! members in key order, or, as the derive does, an array of the fields in order; absent fields
//! keep the struct's defaults; an unknown member is refused listing the accepted ones.

use serde::de::{Error as _, Unexpected};
use serde::Deserialize;
use serde_json::{Error, Value};

/// Where the value of one field goes, and which JSON it accepts.
pub(crate) enum Slot<'a> {
    /// Any number (`f64`).
    F64(&'a mut f64),
    /// A number or `null` (`Option<f64>`).
    OptF64(&'a mut Option<f64>),
    /// `true` or `false`.
    Bool(&'a mut bool),
    /// A string.
    Str(&'a mut String),
    /// A whole number ≥ 0 (`u64`).
    U64(&'a mut u64),
    /// A whole number ≥ 0 or `null` (`Option<u64>`).
    OptU64(&'a mut Option<u64>),
    /// A whole number ≥ 0 that fits a `usize`.
    Usize(&'a mut usize),
    /// An array of two numbers (`[f64; 2]`).
    Pair(&'a mut [f64; 2]),
    /// Anything else, read by its own `Deserialize`.
    Other(&'a mut dyn FnMut(&Value) -> Result<(), Error>),
}

impl Slot<'_> {
    /// Reads `value` into the slot, or refuses it as serde's primitive visitors do.
    fn read(&mut self, value: &Value) -> Result<(), Error> {
        match self {
            Slot::F64(out) => **out = f64_of(value)?,
            Slot::OptF64(out) => {
                **out = if value.is_null() {
                    None
                } else {
                    Some(f64_of(value)?)
                }
            }
            Slot::Bool(out) => **out = bool_of(value)?,
            Slot::Str(out) => {
                **out = value
                    .as_str()
                    .ok_or_else(|| Error::invalid_type(unexpected(value), &"a string"))?
                    .to_string();
            }
            Slot::U64(out) => **out = u64_of(value, "u64")?,
            Slot::OptU64(out) => {
                **out = if value.is_null() {
                    None
                } else {
                    Some(u64_of(value, "u64")?)
                };
            }
            Slot::Usize(out) => **out = usize_of(value)?,
            Slot::Pair(out) => **out = pair_of(value)?,
            Slot::Other(read) => read(value)?,
        }
        Ok(())
    }
}

/// Gives a struct `read(&Value)`, [`ReadValue`] and `Deserialize` through [`read_struct`],
/// reading what serde's derive with `#[serde(deny_unknown_fields)]` reads. For example
/// `read_fields!(StepFields (StepFields { step_size: 0, gamma: 0.1 }) { step_size: U64 required,
/// gamma: F64 })` lists every field in declaration order with its kind: a [`Slot`] variant;
/// `Read`, `OptRead` or `OptListRead` for a [`ReadValue`] type, plain, optional or an optional
/// list; `Other` for a field read by its own `Deserialize`. `required` marks a field serde has no
/// default for. The value in parentheses (the struct's `Default` when omitted) gives the fields
/// that are absent.
macro_rules! read_fields {
    ($ty:ident $(($init:expr))? { $($field:ident: $kind:ident $($required:ident)?),* $(,)? }) => {
        impl $ty {
            /// Reads the struct from a scenario's JSON value; absent fields take the defaults.
            pub(crate) fn read(value: &serde_json::Value) -> Result<Self, serde_json::Error> {
                const FIELDS: &[&str] = &[$(stringify!($field)),*];
                const REQUIRED: &[bool] = &[$($crate::fields::read_fields!(@required $($required)?)),*];
                #[allow(unused_mut)]
                let mut out = $crate::fields::read_fields!(@init $ty $($init)?);
                $crate::fields::read_struct(
                    value,
                    stringify!($ty),
                    FIELDS,
                    REQUIRED,
                    &mut [$($crate::fields::read_fields!(@slot out.$field $kind)),*],
                )?;
                Ok(out)
            }
        }

        impl $crate::fields::ReadValue for $ty {
            fn read_value(value: &serde_json::Value) -> Result<Self, serde_json::Error> {
                $ty::read(value)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::tagged::deserialize_via(deserializer, |value| $ty::read(&value))
            }
        }
    };
    (@required required) => { true };
    (@required) => { false };
    (@init $ty:ident) => { <$ty as Default>::default() };
    (@init $ty:ident $init:expr) => { $init };
    (@slot $out:ident.$field:ident Read) => {
        $crate::fields::Slot::Other(&mut $crate::fields::read(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident OptRead) => {
        $crate::fields::Slot::Other(&mut $crate::fields::opt_read(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident OptListRead) => {
        $crate::fields::Slot::Other(&mut $crate::fields::opt_list_read(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident Other) => {
        $crate::fields::Slot::Other(&mut $crate::fields::other(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident $kind:ident) => {
        $crate::fields::Slot::$kind(&mut $out.$field)
    };
}
pub(crate) use read_fields;

/// Reads `value` into `slots`, the fields of the struct `name` in declaration order, named by
/// `fields` and marked in `required` (the same order). Fields absent from `value` keep what the
/// slots hold, the defaults, unless required.
pub(crate) fn read_struct(
    value: &Value,
    name: &'static str,
    fields: &'static [&'static str],
    required: &[bool],
    slots: &mut [Slot<'_>],
) -> Result<(), Error> {
    debug_assert!(
        fields.len() == slots.len() && fields.len() == required.len(),
        "one slot and one mark per field of {name}"
    );
    match value {
        Value::Object(map) => {
            let mut seen = vec![false; fields.len()];
            for (key, member) in map {
                let Some(index) = fields.iter().position(|f| f == key) else {
                    return Err(Error::unknown_field(key, fields));
                };
                slots[index].read(member)?;
                seen[index] = true;
            }
            match (0..fields.len()).find(|&i| required[i] && !seen[i]) {
                Some(i) => Err(Error::missing_field(fields[i])),
                None => Ok(()),
            }
        }
        Value::Array(items) => {
            for (slot, item) in slots.iter_mut().zip(items) {
                slot.read(item)?;
            }
            // As the derive: the first required field past the end, by its position.
            if let Some(i) = (items.len()..fields.len()).find(|&i| required[i]) {
                let n = fields.len();
                let expected = format!(
                    "struct {name} with {n} element{}",
                    if n == 1 { "" } else { "s" }
                );
                return Err(Error::invalid_length(i, &expected.as_str()));
            }
            if items.len() > slots.len() {
                return Err(Error::invalid_length(
                    items.len(),
                    &"fewer elements in array",
                ));
            }
            Ok(())
        }
        other => Err(Error::invalid_type(
            unexpected(other),
            &format!("struct {name}").as_str(),
        )),
    }
}

/// A number as `f64` (integers converted), or serde's refusal.
pub(crate) fn f64_of(value: &Value) -> Result<f64, Error> {
    value
        .as_f64()
        .ok_or_else(|| Error::invalid_type(unexpected(value), &"f64"))
}

/// `true` or `false`, or serde's refusal.
pub(crate) fn bool_of(value: &Value) -> Result<bool, Error> {
    value
        .as_bool()
        .ok_or_else(|| Error::invalid_type(unexpected(value), &"a boolean"))
}

/// A whole number ≥ 0 that fits a `usize`, or serde's refusal.
pub(crate) fn usize_of(value: &Value) -> Result<usize, Error> {
    let u = u64_of(value, "usize")?;
    usize::try_from(u).map_err(|_| Error::invalid_value(Unexpected::Unsigned(u), &"usize"))
}

/// A whole number ≥ 0, or serde's refusal naming `expected` (`u64`, `usize`).
pub(crate) fn u64_of(value: &Value, expected: &'static str) -> Result<u64, Error> {
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Ok(u),
            (None, Some(i)) => Err(Error::invalid_value(Unexpected::Signed(i), &expected)),
            _ => Err(Error::invalid_type(unexpected(value), &expected)),
        },
        other => Err(Error::invalid_type(unexpected(other), &expected)),
    }
}

/// `[a, b]` as a pair of numbers, or serde's refusal.
fn pair_of(value: &Value) -> Result<[f64; 2], Error> {
    const EXPECTED: &str = "an array of length 2";
    let Value::Array(items) = value else {
        return Err(Error::invalid_type(unexpected(value), &EXPECTED));
    };
    let mut pair = [0.0; 2];
    for (i, out) in pair.iter_mut().enumerate() {
        let item = items
            .get(i)
            .ok_or_else(|| Error::invalid_length(i, &EXPECTED))?;
        *out = f64_of(item)?;
    }
    if items.len() > 2 {
        return Err(Error::invalid_length(
            items.len(),
            &"fewer elements in array",
        ));
    }
    Ok(pair)
}

/// A slot for a field read by its own `Deserialize` (an enum, a nested struct).
pub(crate) fn other<'a, T: for<'de> Deserialize<'de>>(
    out: &'a mut T,
) -> impl FnMut(&Value) -> Result<(), Error> + 'a {
    move |value| {
        *out = T::deserialize(value)?;
        Ok(())
    }
}

/// A type read from a scenario's JSON value by hand (with [`read_fields!`] or a tagged reader).
pub(crate) trait ReadValue: Sized {
    /// Reads the value, refusing it with serde's message where serde's derive would.
    fn read_value(value: &Value) -> Result<Self, Error>;
}

/// A slot for an optional field of a hand-read type: `null` is `None`.
pub(crate) fn opt_read<T: ReadValue>(
    out: &mut Option<T>,
) -> impl FnMut(&Value) -> Result<(), Error> + '_ {
    move |value| {
        *out = if value.is_null() {
            None
        } else {
            Some(T::read_value(value)?)
        };
        Ok(())
    }
}

/// A slot for an optional list of a hand-read type: `null` is `None`.
pub(crate) fn opt_list_read<T: ReadValue>(
    out: &mut Option<Vec<T>>,
) -> impl FnMut(&Value) -> Result<(), Error> + '_ {
    move |value| {
        *out = if value.is_null() {
            None
        } else {
            Some(list_of(value, T::read_value)?)
        };
        Ok(())
    }
}

/// A slot for a required field of a hand-read type.
pub(crate) fn read<T: ReadValue>(out: &mut T) -> impl FnMut(&Value) -> Result<(), Error> + '_ {
    move |value| {
        *out = T::read_value(value)?;
        Ok(())
    }
}

/// A JSON array read element by element with `read`, or serde's refusal of a non-array.
pub(crate) fn list_of<T>(
    value: &Value,
    read: impl Fn(&Value) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    match value {
        Value::Array(items) => items.iter().map(read).collect(),
        other => Err(Error::invalid_type(unexpected(other), &"a sequence")),
    }
}

/// `value` as serde describes it in an `invalid type` message.
pub(crate) fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every kind of slot, read by serde's derive: the reference.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Derived {
        a: f64,
        b: Option<f64>,
        c: bool,
        d: u64,
        e: Option<u64>,
        f: usize,
        g: [f64; 2],
    }

    impl Default for Derived {
        fn default() -> Self {
            Derived {
                a: 0.5,
                b: Some(2.0),
                c: true,
                d: 7,
                e: None,
                f: 3,
                g: [0.9, 0.999],
            }
        }
    }

    const FIELDS: &[&str] = &["a", "b", "c", "d", "e", "f", "g"];

    /// The same struct read by [`read_struct`].
    fn by_hand(value: &Value) -> Result<Derived, Error> {
        let mut s = Derived::default();
        read_struct(
            value,
            "Derived",
            FIELDS,
            &[false; 7],
            &mut [
                Slot::F64(&mut s.a),
                Slot::OptF64(&mut s.b),
                Slot::Bool(&mut s.c),
                Slot::U64(&mut s.d),
                Slot::OptU64(&mut s.e),
                Slot::Usize(&mut s.f),
                Slot::Pair(&mut s.g),
            ],
        )?;
        Ok(s)
    }

    /// Required fields, field defaults and a string, read by serde's derive.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Required {
        #[serde(default = "half")]
        a: f64,
        b: String,
        #[serde(default)]
        c: bool,
        d: u64,
    }

    fn half() -> f64 {
        0.5
    }

    /// The same struct through [`read_fields!`].
    #[derive(Debug, PartialEq)]
    struct ByMacro {
        a: f64,
        b: String,
        c: bool,
        d: u64,
    }

    read_fields!(ByMacro (ByMacro { a: 0.5, b: String::new(), c: false, d: 0 }) {
        a: F64,
        b: Str required,
        c: Bool,
        d: U64 required,
    });

    /// One required field: serde says "1 element", not "1 elements".
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct One {
        a: f64,
    }

    #[derive(Debug, PartialEq)]
    struct OneByMacro {
        a: f64,
    }

    read_fields!(OneByMacro (OneByMacro { a: 0.0 }) { a: F64 required });

    fn same(value: &Value) {
        let derived = One::deserialize(value)
            .map(|o| o.a)
            .map_err(|e| e.to_string());
        let hand = OneByMacro::read(value)
            .map(|o| o.a)
            .map_err(|e| e.to_string().replace("OneByMacro", "One"));
        assert_eq!(hand, derived, "{value}");
        let derived = Derived::deserialize(value).map_err(|e| e.to_string());
        let hand = by_hand(value).map_err(|e| e.to_string());
        assert_eq!(hand, derived, "{value}");
        let derived = Required::deserialize(value)
            .map(|r| (r.a, r.b, r.c, r.d))
            .map_err(|e| e.to_string());
        let hand = ByMacro::read(value)
            .map(|r| (r.a, r.b, r.c, r.d))
            .map_err(|e| e.to_string().replace("ByMacro", "Required"));
        assert_eq!(hand, derived, "{value}");
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            Just(Value::from(u64::MAX)),
            "[a-g]{0,2}".prop_map(Value::from),
            "[a-g]".prop_map(Value::from),
        ]
    }

    fn json() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..9).prop_map(Value::Array),
                prop::collection::btree_map("[a-h]", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn reads_and_refuses_as_serdes_derive(value in json()) {
            same(&value);
        }
    }

    #[test]
    fn the_cases_that_matter_read_as_serdes_derive() {
        for text in [
            "{}",
            "[]",
            r#"{"a":1,"b":null,"c":false,"d":0,"e":5,"f":2,"g":[1,2]}"#,
            r#"{"a":"1"}"#,
            r#"{"b":true}"#,
            r#"{"c":1}"#,
            r#"{"d":-3}"#,
            r#"{"d":2.5}"#,
            r#"{"d":1e30}"#,
            r#"{"e":-1}"#,
            r#"{"f":18446744073709551615}"#,
            r#"{"g":[1]}"#,
            r#"{"g":[1,2,3]}"#,
            r#"{"g":[1,"x"]}"#,
            r#"{"g":{}}"#,
            r#"{"z":1}"#,
            r#"{"a":1,"z":1}"#,
            r#"{"z":1,"a":"x"}"#,
            r#"{"b":"x","d":1}"#,
            r#"{"b":"x"}"#,
            r#"{"d":1}"#,
            r#"{"b":3,"d":1}"#,
            r#"[0.1, "x", true, 3]"#,
            r#"[0.1, "x", true]"#,
            r#"[0.1]"#,
            "[1, null, true, 4, 5, 6, [7, 8]]",
            "[1, 2, true, 4, 5, 6, [7, 8], 9]",
            r#"[1, "x"]"#,
            "true",
            "3",
            "null",
            r#""a""#,
        ] {
            same(&serde_json::from_str(text).expect("valid JSON"));
        }
    }
}
