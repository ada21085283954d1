//! The small text forms of the URL's values: calls (`adam(lr=0.05,betas=0.9/0.999)`), lists,
//! numbers (Rust's grammar, finite only) and inline points, read and written.

use super::Why;
use serde_json::{json, Map, Value};

/// Parses `name(key=value,…)` into `{"name": name, key: value, …}`.
pub(super) fn parse_call(text: &str) -> Result<Value, Why> {
    let text = text.trim();
    let (name, args) = match text.split_once('(') {
        Some((name, rest)) => {
            let args = rest.strip_suffix(')').ok_or_else(|| Why::Unclosed {
                text: text.to_string(),
            })?;
            (name.trim(), args)
        }
        None => (text, ""),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Why::NotAName {
            text: name.to_string(),
        });
    }
    let mut object = Map::new();
    object.insert("name".into(), json!(name));
    for arg in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        let (key, value) = arg.split_once('=').ok_or_else(|| Why::NotKeyValue {
            text: arg.to_string(),
        })?;
        object.insert(key.trim().to_string(), parse_value(value.trim()));
    }
    Ok(Value::Object(object))
}

/// A value inside a call: a number, true/false, a `/`-separated list of numbers, or a string.
fn parse_value(text: &str) -> Value {
    if let Some(v) = parse_number(text) {
        return number_value(v);
    }
    match text {
        "true" => return json!(true),
        "false" => return json!(false),
        _ => {}
    }
    if text.contains('/') {
        if let Some(list) = parse_list(text, '/') {
            return json!(list);
        }
    }
    json!(text)
}

/// Whole numbers become JSON integers (so they fit integer fields such as `step_size`).
pub(super) fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

pub(super) fn parse_number(text: &str) -> Option<f64> {
    crate::read::float_text::parse_f64(text.trim()).filter(|v| v.is_finite())
}

pub(super) fn parse_list(text: &str, separator: char) -> Option<Vec<f64>> {
    text.split(separator).map(parse_number).collect()
}

/// `x,y[,label];…` → points with `columns` values each.
pub(super) fn parse_points(text: &str, columns: usize) -> Option<Vec<Vec<f64>>> {
    let points: Option<Vec<Vec<f64>>> = text
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| parse_list(p, ',').filter(|values| values.len() == columns))
        .collect();
    points.filter(|p| !p.is_empty() && p.len() <= 10_000)
}

pub(super) fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("/"),
        Value::Number(n) => n
            .as_f64()
            .map(|v| v.to_string())
            .unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}
