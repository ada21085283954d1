//! Reading the fields of a scenario struct from a JSON value without serde's derive.
//!
//! `#[derive(Deserialize)]` writes, for every struct, a visitor for the object form and another
//! for the array form, each instantiated once per field type — for the ten optimizer configs
//! alone about 13 KB of the raw wasm. Every scenario is a [`serde_json::Value`] already, so a struct
//! lists its fields once ([`read_struct`]: names, and where each value goes) and one
//! non-generic reader fills it in. It accepts what the derive accepted and refuses what it
//! refused (the tests below compare the two on generated values): an object's members in key
//! order, or, as the derive does, an array of the fields in order; absent fields keep the struct's
//! defaults; an unknown member is refused listing the accepted ones. A refusal is a
//! [`Refusal`] whose path starts at the field that was refused (`betas[1]`); the reader of the
//! enclosing value adds its own step in front (`optimizer.betas[1]`).

use super::refusal::{Expected, Found, Length, Problem, Refusal};
use serde::Deserialize;
use serde_json::Value;

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
    /// Anything else, read by its own reader.
    Other(&'a mut dyn FnMut(&Value) -> Result<(), Refusal>),
}

impl Slot<'_> {
    /// Reads `value` into the slot; a refusal's path starts below the slot (an index of a pair).
    fn read(&mut self, value: &Value) -> Result<(), Refusal> {
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
                    .ok_or_else(|| wrong_type(value, Expected::Text))?
                    .to_string();
            }
            Slot::U64(out) => **out = u64_of(value)?,
            Slot::OptU64(out) => {
                **out = if value.is_null() {
                    None
                } else {
                    Some(u64_of(value)?)
                };
            }
            Slot::Usize(out) => **out = usize_of(value)?,
            Slot::Pair(out) => **out = numbers_of(value)?,
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
/// list (a list, an optional value and a unit enum are [`ReadValue`] types too: see
/// [`read_by_name!`]). `required` marks a field serde has no
/// default for. The value in parentheses (the struct's `Default` when omitted) gives the fields
/// that are absent.
macro_rules! read_fields {
    ($ty:ident $(($init:expr))? { $($field:ident: $kind:ident $($required:ident)?),* $(,)? }) => {
        impl $ty {
            /// Reads the struct from a scenario's JSON value; absent fields take the defaults.
            pub(crate) fn read(value: &serde_json::Value) -> Result<Self, $crate::read::Refusal> {
                const FIELDS: &[&str] = &[$(stringify!($field)),*];
                const REQUIRED: &[bool] = &[$($crate::read::fields::read_fields!(@required $($required)?)),*];
                #[allow(unused_mut)]
                let mut out = $crate::read::fields::read_fields!(@init $ty $($init)?);
                $crate::read::fields::read_struct(
                    value,
                    FIELDS,
                    REQUIRED,
                    &mut [$($crate::read::fields::read_fields!(@slot out.$field $kind)),*],
                )?;
                Ok(out)
            }
        }

        impl $crate::read::ReadValue for $ty {
            fn read_value(value: &serde_json::Value) -> Result<Self, $crate::read::Refusal> {
                $ty::read(value)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::read::tagged::deserialize_via(deserializer, |value| $ty::read(&value))
            }
        }
    };
    (@required required) => { true };
    (@required) => { false };
    (@init $ty:ident) => { <$ty as Default>::default() };
    (@init $ty:ident $init:expr) => { $init };
    (@slot $out:ident.$field:ident Read) => {
        $crate::read::fields::Slot::Other(&mut $crate::read::fields::read(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident OptRead) => {
        $crate::read::fields::Slot::Other(&mut $crate::read::fields::opt_read(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident OptListRead) => {
        $crate::read::fields::Slot::Other(&mut $crate::read::fields::opt_list_read(&mut $out.$field))
    };
    (@slot $out:ident.$field:ident $kind:ident) => {
        $crate::read::fields::Slot::$kind(&mut $out.$field)
    };
}
pub(crate) use read_fields;

/// Makes unit-variant enums [`ReadValue`] types read from their names ([`by_name`]), e.g.
/// `read_by_name!(Activation, Init);`.
macro_rules! read_by_name {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::read::ReadValue for $ty {
            fn read_value(value: &serde_json::Value) -> Result<Self, $crate::read::Refusal> {
                $crate::read::fields::by_name(value)
            }
        })*
    };
}
pub(crate) use read_by_name;

/// Reads `value` into `slots`, the fields of a struct in declaration order, named by `fields` and
/// marked in `required` (the same order). Fields absent from `value` keep what the slots hold,
/// the defaults, unless required. A refusal's path starts at the field.
pub(crate) fn read_struct(
    value: &Value,
    fields: &'static [&'static str],
    required: &[bool],
    slots: &mut [Slot<'_>],
) -> Result<(), Refusal> {
    debug_assert!(
        fields.len() == slots.len() && fields.len() == required.len(),
        "one slot and one mark per field"
    );
    match value {
        Value::Object(map) => {
            let mut seen = vec![false; fields.len()];
            for (key, member) in map {
                let Some(index) = fields.iter().position(|f| f == key) else {
                    return Err(Refusal::at(
                        key,
                        Problem::UnknownField {
                            accepted: fields.to_vec(),
                        },
                    ));
                };
                slots[index].read(member).map_err(|r| r.in_key(key))?;
                seen[index] = true;
            }
            match (0..fields.len()).find(|&i| required[i] && !seen[i]) {
                Some(i) => Err(Refusal::at(
                    fields[i],
                    Problem::Missing {
                        names: Vec::new(),
                        example: None,
                    },
                )),
                None => Ok(()),
            }
        }
        Value::Array(items) => {
            for (index, (slot, item)) in slots.iter_mut().zip(items).enumerate() {
                slot.read(item).map_err(|r| r.in_index(index))?;
            }
            // As the derive: every required field must be there, and no more than there are.
            if let Some(i) = (items.len()..fields.len()).find(|&i| required[i]) {
                return Err(Refusal::at(
                    fields[i],
                    Problem::Missing {
                        names: Vec::new(),
                        example: None,
                    },
                ));
            }
            if items.len() > slots.len() {
                return Err(Refusal::here(Problem::WrongLength {
                    found: items.len(),
                    expected: Length::AtMost(slots.len()),
                    unit: crate::read::Unit::Values,
                }));
            }
            Ok(())
        }
        other => Err(wrong_type(other, Expected::Object)),
    }
}

/// The refusal of `value` for not being `expected`.
pub(crate) fn wrong_type(value: &Value, expected: Expected) -> Refusal {
    Refusal::here(Problem::WrongType {
        found: Found::of(value),
        expected,
    })
}

/// A number as `f64` (integers converted).
pub(crate) fn f64_of(value: &Value) -> Result<f64, Refusal> {
    value
        .as_f64()
        .ok_or_else(|| wrong_type(value, Expected::Number))
}

/// `true` or `false`.
pub(crate) fn bool_of(value: &Value) -> Result<bool, Refusal> {
    value
        .as_bool()
        .ok_or_else(|| wrong_type(value, Expected::Boolean))
}

/// A whole number ≥ 0 that fits a `usize`.
pub(crate) fn usize_of(value: &Value) -> Result<usize, Refusal> {
    let u = u64_of(value)?;
    usize::try_from(u).map_err(|_| wrong_type(value, Expected::WholeNumber))
}

/// A whole number ≥ 0; a negative or fractional number is refused as out of that range.
pub(crate) fn u64_of(value: &Value) -> Result<u64, Refusal> {
    match (value.as_u64(), value.as_f64()) {
        (Some(u), _) => Ok(u),
        (None, Some(number)) => Err(Refusal::here(Problem::OutOfRange {
            value: number,
            range: super::refusal::Range::at_least(0.0).whole(),
        })),
        (None, None) => Err(wrong_type(value, Expected::WholeNumber)),
    }
}

/// A whole number in `range` (a `usize`): a refusal of anything else names the range, so a batch
/// size of `-1` or `2.5` is told the batch sizes there are, not just "a whole number".
pub(crate) fn whole_in(value: &Value, range: super::refusal::Range) -> Result<usize, Refusal> {
    let number = value
        .as_f64()
        .ok_or_else(|| wrong_type(value, Expected::WholeNumber))?;
    match value.as_u64().and_then(|u| usize::try_from(u).ok()) {
        Some(whole) if range.contains(number) => Ok(whole),
        _ => Err(Refusal::here(Problem::OutOfRange {
            value: number,
            range,
        })),
    }
}

/// `[a, b, …]`, exactly `N` numbers.
pub(crate) fn numbers_of<const N: usize>(value: &Value) -> Result<[f64; N], Refusal> {
    let Value::Array(items) = value else {
        return Err(wrong_type(value, Expected::List));
    };
    if items.len() != N {
        return Err(Refusal::here(Problem::WrongLength {
            found: items.len(),
            expected: Length::Exactly(N),
            unit: crate::read::Unit::Numbers,
        }));
    }
    let mut out = [0.0; N];
    for (i, (slot, item)) in out.iter_mut().zip(items).enumerate() {
        *slot = f64_of(item).map_err(|r| r.in_index(i))?;
    }
    Ok(out)
}

/// A type read from a scenario's JSON value by hand (with [`read_fields!`] or a tagged reader).
pub(crate) trait ReadValue: Sized {
    /// Reads the value; a refusal's path starts below it.
    fn read_value(value: &Value) -> Result<Self, Refusal>;
}

impl ReadValue for usize {
    fn read_value(value: &Value) -> Result<Self, Refusal> {
        usize_of(value)
    }
}

impl ReadValue for f64 {
    fn read_value(value: &Value) -> Result<Self, Refusal> {
        f64_of(value)
    }
}

impl<const N: usize> ReadValue for [f64; N] {
    fn read_value(value: &Value) -> Result<Self, Refusal> {
        numbers_of(value)
    }
}

impl<T: ReadValue> ReadValue for Vec<T> {
    fn read_value(value: &Value) -> Result<Self, Refusal> {
        list_of(value, T::read_value)
    }
}

impl<T: ReadValue> ReadValue for Option<T> {
    fn read_value(value: &Value) -> Result<Self, Refusal> {
        if value.is_null() {
            Ok(None)
        } else {
            T::read_value(value).map(Some)
        }
    }
}

/// A unit-variant enum read from its name, with serde's names (`"relu"`, `"strong_wolfe"`): the
/// names are taken from the enum's own `Deserialize`, so they are written once, on the enum.
pub(crate) fn by_name<T: for<'de> Deserialize<'de>>(value: &Value) -> Result<T, Refusal> {
    T::deserialize(value).map_err(|_| {
        Refusal::here(Problem::UnknownName {
            found: super::refusal::Found::of(value),
            accepted: variant_names::<T>().to_vec(),
        })
    })
}

/// The names of the variants of the enum `T`, as its derived `Deserialize` knows them: it asks a
/// deserializer for an enum and hands over its names, which this one keeps and refuses.
pub(crate) fn variant_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Names(Option<&'static [&'static str]>);
    impl<'de> serde::Deserializer<'de> for &mut Names {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom(
                "only an enum's names are asked for",
            ))
        }
        fn deserialize_enum<V: serde::de::Visitor<'de>>(
            self,
            _name: &'static str,
            variants: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(variants);
            Err(serde::de::Error::custom("names taken"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
            ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

/// A slot for an optional field of a hand-read type: `null` is `None`.
pub(crate) fn opt_read<T: ReadValue>(
    out: &mut Option<T>,
) -> impl FnMut(&Value) -> Result<(), Refusal> + '_ {
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
) -> impl FnMut(&Value) -> Result<(), Refusal> + '_ {
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
pub(crate) fn read<T: ReadValue>(out: &mut T) -> impl FnMut(&Value) -> Result<(), Refusal> + '_ {
    move |value| {
        *out = T::read_value(value)?;
        Ok(())
    }
}

/// A JSON array read element by element with `read`; a refusal names the element's index.
pub(crate) fn list_of<T>(
    value: &Value,
    read: impl Fn(&Value) -> Result<T, Refusal>,
) -> Result<Vec<T>, Refusal> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| read(item).map_err(|r| r.in_index(i)))
            .collect(),
        other => Err(wrong_type(other, Expected::List)),
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
    fn by_hand(value: &Value) -> Result<Derived, Refusal> {
        let mut s = Derived::default();
        read_struct(
            value,
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

    /// The hand reader accepts exactly what serde's derive accepts, with the same values.
    fn same(value: &Value) {
        let derived = One::deserialize(value).map(|o| o.a).ok();
        let hand = OneByMacro::read(value).map(|o| o.a).ok();
        assert_eq!(hand, derived, "{value}");
        let derived = Derived::deserialize(value).ok();
        let hand = by_hand(value).ok();
        assert_eq!(hand, derived, "{value}");
        let derived = Required::deserialize(value)
            .map(|r| (r.a, r.b, r.c, r.d))
            .ok();
        let hand = ByMacro::read(value).map(|r| (r.a, r.b, r.c, r.d)).ok();
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
        fn accepts_and_refuses_as_serdes_derive(value in json()) {
            same(&value);
        }
    }

    /// The refusal of `text` by the struct with every kind of slot, as the CLI words it.
    fn refusal(text: &str) -> String {
        let value: Value = serde_json::from_str(text).expect("valid JSON");
        by_hand(&value)
            .err()
            .map(|r| r.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn a_refusal_names_the_field_and_what_it_takes() {
        assert_eq!(
            refusal(r#"{"a":"1"}"#),
            r#"a: "1" is not a number (accepted: a finite number)"#
        );
        assert_eq!(
            refusal(r#"{"d":-3}"#),
            "d: -3 is out of range (accepted: a whole number, d ≥ 0)"
        );
        assert_eq!(
            refusal(r#"{"d":2.5}"#),
            "d: 2.5 is out of range (accepted: a whole number, d ≥ 0)"
        );
        assert_eq!(
            refusal(r#"{"d":"x"}"#),
            r#"d: "x" is not a whole number (accepted: a whole number ≥ 0)"#
        );
        assert_eq!(
            refusal(r#"{"g":[1,"x"]}"#),
            r#"g[1]: "x" is not a number (accepted: a finite number)"#
        );
        assert_eq!(
            refusal(r#"{"g":[1]}"#),
            "g: 1 number given (accepted: exactly 2)"
        );
        assert_eq!(
            refusal(r#"{"z":1}"#),
            "z: unknown field (accepted: a, b, c, d, e, f, g)"
        );
        assert_eq!(
            refusal("true"),
            "scenario: true is not an object (accepted: an object)"
        );
        assert_eq!(
            refusal("[1, 2, 3]"),
            "[2]: 3 is not true or false (accepted: true or false)"
        );
        let value: Value = serde_json::from_str(r#"{"b":"x"}"#).expect("valid JSON");
        assert_eq!(
            ByMacro::read(&value)
                .err()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            "d: missing"
        );
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
