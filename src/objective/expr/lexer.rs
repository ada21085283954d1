//! The lexer: the characters of an expression as tokens (numbers, names, operators), each with
//! its position, or the refusal of the first character that starts none.

use super::{ExprError, Typo};

/// A token and the 0-based index of its first character.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub(super) kind: Tok,
    pub(super) at: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Number(f64),
    Ident(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Open,
    Close,
    End,
}

pub(super) fn error(at: usize, typo: Typo, message: impl Into<String>) -> ExprError {
    ExprError {
        position: at + 1,
        typo,
        message: message.into(),
    }
}

/// Splits `chars` into tokens, ending with [`Tok::End`] one past the last character.
pub(super) fn lex(chars: &[char]) -> Result<Vec<Token>, ExprError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        let simple = match c {
            '+' => Some(Tok::Plus),
            '-' | '−' => Some(Tok::Minus),
            '/' => Some(Tok::Slash),
            '^' => Some(Tok::Caret),
            '(' => Some(Tok::Open),
            ')' => Some(Tok::Close),
            '*' if chars.get(i + 1) == Some(&'*') => {
                return Err(error(
                    at,
                    Typo::DoubleStar,
                    format!(
                        "`**` is not an operator at position {} (write ^ for a power)",
                        at + 1
                    ),
                ));
            }
            '*' | '×' | '·' => Some(Tok::Star),
            _ => None,
        };
        if let Some(kind) = simple {
            tokens.push(Token { kind, at });
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // An exponent only where digits follow `e`, so `2*e` and `e^x` keep Euler's number.
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let sign = usize::from(matches!(chars.get(i + 1), Some('+' | '-')));
                if chars.get(i + 1 + sign).is_some_and(char::is_ascii_digit) {
                    i += 1 + sign;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[at..i].iter().collect();
            let value = crate::read::float_text::parse_f64(&text).ok_or_else(|| {
                error(
                    at,
                    Typo::MalformedNumber { text: text.clone() },
                    format!("malformed number `{text}` at position {}", at + 1),
                )
            })?;
            if !value.is_finite() {
                return Err(error(
                    at,
                    Typo::NumberTooLarge { text: text.clone() },
                    format!(
                        "the number `{text}` at position {} is too large (at most about 1.8e308)",
                        at + 1
                    ),
                ));
            }
            tokens.push(Token {
                kind: Tok::Number(value),
                at,
            });
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                kind: Tok::Ident(chars[at..i].iter().collect()),
                at,
            });
        } else {
            let hint = match c {
                ',' => " (functions take one argument; write decimals with a point)",
                '²' | '³' => " (write x^2 for a power)",
                '[' | ']' | '{' | '}' => " (use round brackets)",
                _ => "",
            };
            return Err(error(
                at,
                Typo::UnexpectedCharacter {
                    text: c.to_string(),
                },
                format!("unexpected character `{c}` at position {}{hint}", at + 1),
            ));
        }
    }
    tokens.push(Token {
        kind: Tok::End,
        at: chars.len(),
    });
    Ok(tokens)
}
