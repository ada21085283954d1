//! Where a scenario's JSON text stops being JSON: serde_json gives the line and column; the path
//! of the value there (`optimizer.betas[1]`) is found by reading the text up to that point, and
//! what was written there decides the problem — a number JSON cannot hold (`1e999`, `NaN`,
//! `Infinity`) or any other syntax error. The parser's message is passed on as it is, never read.

use crate::read::{FieldPath, Problem, Refusal, Step};

/// The refusal of `text`, which serde_json could not read (`error`).
pub(super) fn syntax(text: &str, error: &serde_json::Error) -> Refusal {
    let at = byte_offset(text, error.line(), error.column());
    let problem = if at.is_some_and(|offset| written_as_non_finite(text, offset)) {
        Problem::NonFinite
    } else {
        Problem::NotJson {
            line: error.line(),
            column: error.column(),
            detail: error.to_string(),
        }
    };
    let path = at.map(|offset| path_at(text, offset)).unwrap_or_default();
    Refusal { path, problem }
}

/// The byte offset of serde_json's 1-based `line` and `column` (columns count bytes).
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    Some((start + column).min(text.len()))
}

/// Whether what is written where the parser stopped (the byte before `offset`, serde_json's
/// column) is a number JSON cannot hold: the parser stops on the last digit of a number too large
/// for f64, and on the first letter of `NaN`, `Infinity` and `-Infinity`, which JSON lacks.
fn written_as_non_finite(text: &str, offset: usize) -> bool {
    let Some(at) = offset.checked_sub(1) else {
        return false;
    };
    let rest = text.get(at..).unwrap_or_default();
    if ["NaN", "Infinity", "-Infinity"]
        .iter()
        .any(|word| rest.starts_with(word))
    {
        return true;
    }
    let head = text.get(..=at).unwrap_or_default();
    let token = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || ".eE+-".contains(c)))
        .map_or(head, |(i, c)| &head[i + c.len_utf8()..]);
    !token.is_empty() && crate::read::float_text::parse_f64(token).is_some_and(f64::is_infinite)
}

/// The path of the value being read at byte `end` of `text`, found by a small scan of brackets,
/// keys, colons and commas; empty at the top level.
fn path_at(text: &str, end: usize) -> FieldPath {
    enum Frame {
        Object { key: Option<String>, at_key: bool },
        Array { index: usize },
    }
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(i + 1..j.min(bytes.len())).unwrap_or_default();
                if let Some(Frame::Object { key, at_key: true }) = stack.last_mut() {
                    *key = Some(
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string()),
                    );
                }
                i = j;
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                at_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { at_key, .. }) = stack.last_mut() {
                    *at_key = false;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, at_key }) => {
                    *key = None;
                    *at_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut steps = Vec::new();
    for frame in stack {
        match frame {
            Frame::Object {
                key: Some(key),
                at_key: false,
            } => steps.push(Step::Key(key)),
            Frame::Array { index } => steps.push(Step::Index(index)),
            Frame::Object { .. } => break,
        }
    }
    FieldPath::from_steps(steps)
}
