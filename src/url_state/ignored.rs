//! What a link asked for and the lab ignored, as data: the parameter's name and why, with the
//! text and numbers a sentence needs. Serialised for the page as
//! `{"key":"speed","why":"not_a_number","text":"fast"}`, so it words them from its catalogues
//! (www/messages.js); `Display` is the English sentence (`ignored `seed`: `x` is not a number`).

use crate::read::{Problem, Refusal};
use serde::Serialize;
use std::fmt;

/// One ignored parameter: its name as the link wrote it (empty for the link's whole scenario)
/// and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ignored {
    /// The parameter's name, with backticks turned into quotes and control characters escaped.
    pub key: String,
    /// Why it was ignored.
    #[serde(flatten)]
    pub why: Why,
}

/// Why a parameter was ignored.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Why {
    /// `=value` with no name.
    NoName,
    /// A name that is not a setting of the lab.
    NotASetting,
    /// Not `1` or `0`.
    NotBinary {
        /// What was written.
        text: String,
    },
    /// Not a number.
    NotANumber {
        /// What was written.
        text: String,
    },
    /// Not a whole number ≥ 0.
    NotWhole {
        /// What was written.
        text: String,
    },
    /// Not a list of the form `example`.
    NotAList {
        /// What was written.
        text: String,
        /// A list of the right form.
        example: &'static str,
    },
    /// Not a number of classes from 2 to `most`.
    NotClasses {
        /// What was written.
        text: String,
        /// The most classes.
        most: usize,
    },
    /// `f=custom` without `expr=`.
    CustomNeedsExpr,
    /// An optimizer written `name(key=value,…)` whose name is not a name.
    NotAName {
        /// What was written.
        text: String,
    },
    /// A call `name(…` without its closing parenthesis.
    Unclosed {
        /// What was written.
        text: String,
    },
    /// An argument of a call that is not `key=value`.
    NotKeyValue {
        /// What was written.
        text: String,
    },
    /// More racers than race.
    TooManyRacers {
        /// The most that race.
        most: usize,
    },
    /// No racer could be read.
    NoOptimizer,
    /// The value was read but the lab refused it: where, and why (a [`Refusal`]'s data).
    Refused {
        /// The refused field's path (`kappa`, `optimizer.lr`).
        field: String,
        /// What is wrong, with what is accepted.
        problem: Box<Problem>,
        /// The refusal in English, for the CLI.
        #[serde(skip)]
        text: String,
    },
}

impl Why {
    /// The lab's `refusal` of the value, worded in English as `text`.
    pub fn refused(refusal: &Refusal, text: String) -> Why {
        Why::Refused {
            field: refusal.field(),
            problem: Box::new(refusal.problem.clone()),
            text,
        }
    }
}

impl fmt::Display for Ignored {
    /// `ignored `seed`: `x` is not a whole number ≥ 0`; `ignored the link's scenario: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            if let Why::Refused { text, .. } = &self.why {
                return write!(f, "ignored the link's scenario: {text}");
            }
        }
        write!(f, "ignored `{}`: ", self.key)?;
        match &self.why {
            Why::NoName => f.write_str("a value without a name"),
            Why::NotASetting => f.write_str("not a setting of the lab"),
            Why::NotBinary { text } => write!(f, "`{text}` is not 1 or 0"),
            Why::NotANumber { text } => write!(f, "`{text}` is not a number"),
            Why::NotWhole { text } => write!(f, "`{text}` is not a whole number ≥ 0"),
            Why::NotAList { text, example } => {
                write!(f, "`{text}` is not a list such as {example}")
            }
            Why::NotClasses { text, most } => {
                write!(f, "`{text}` is not a number of classes from 2 to {most}")
            }
            Why::CustomNeedsExpr => f.write_str("custom needs expr=… (a function of x and y)"),
            Why::NotAName { text } => write!(f, "`{text}` is not a name"),
            Why::Unclosed { text } => write!(f, "`{text}` lacks its closing parenthesis"),
            Why::NotKeyValue { text } => write!(f, "`{text}` is not key=value"),
            Why::TooManyRacers { most } => {
                write!(f, "at most {most} optimizers race; the rest were dropped")
            }
            Why::NoOptimizer => f.write_str("no optimizer could be read; the default race runs"),
            Why::Refused { text, .. } => f.write_str(text),
        }
    }
}
