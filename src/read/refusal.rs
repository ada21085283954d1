//! A value the lab will not take, as data: where it sits in the scenario ([`FieldPath`]) and what
//! is wrong with it ([`Problem`]), with what is accepted. Readers and validators build these; the
//! words are written once, at the edge — the CLI prints [`Refusal`]'s `Display`, the page words
//! the same data in the control's own label (www/messages.js). No code parses them back.

use super::unfit::Unfit;
use serde::Serialize;
use std::fmt;

/// One step of a path into a scenario: a member's name or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member, e.g. `optimizer`.
    Key(String),
    /// A list element, e.g. the `1` of `betas[1]`.
    Index(usize),
}

/// Where a value sits in a scenario: `optimizer.betas[1]`, `race[2].optimizer.lr`,
/// `objective.points[17][0]`; empty for the document itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Step>);

impl FieldPath {
    /// The path of one member: `FieldPath::key("lr")`.
    pub fn key(name: &str) -> Self {
        FieldPath(vec![Step::Key(name.to_string())])
    }

    /// The path through `steps`, outermost first.
    pub fn from_steps(steps: Vec<Step>) -> Self {
        FieldPath(steps)
    }

    /// The steps from the document down, outermost first.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    /// Whether the path runs through the members `keys`, outermost first: `objective.expr` is
    /// within `["objective", "expr"]` and within `["objective"]`.
    pub fn is_within(&self, keys: &[&str]) -> bool {
        keys.len() <= self.0.len()
            && keys
                .iter()
                .zip(&self.0)
                .all(|(key, step)| matches!(step, Step::Key(name) if name == key))
    }

    fn prepend(&mut self, step: Step) {
        self.0.insert(0, step);
    }
}

impl fmt::Display for FieldPath {
    /// `optimizer.betas[1]`; `scenario` for the document itself; a key with no name as `""`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("scenario");
        }
        let key = |name: &str| {
            if name.is_empty() {
                "\"\"".to_string()
            } else {
                one_line(name)
            }
        };
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(name) if i == 0 => f.write_str(&key(name))?,
                Step::Key(name) => write!(f, ".{}", key(name))?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// What a refused value was, as a refusal names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
    /// A list.
    List,
    /// An object.
    Object,
}

impl Found {
    /// What `value` is.
    pub fn of(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Found::Null,
            serde_json::Value::Bool(b) => Found::Bool(*b),
            serde_json::Value::Number(n) => Found::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Found::Text(s.clone()),
            serde_json::Value::Array(_) => Found::List,
            serde_json::Value::Object(_) => Found::Object,
        }
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Null => f.write_str("null"),
            Found::Bool(b) => write!(f, "{b}"),
            Found::Number(n) => f.write_str(&compact(*n)),
            Found::Text(s) => write!(f, "{:?}", one_line(s)),
            Found::List => f.write_str("a list"),
            Found::Object => f.write_str("an object"),
        }
    }
}

/// What kind of value a field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// A finite number.
    Number,
    /// A whole number ≥ 0.
    WholeNumber,
    /// `true` or `false`.
    Boolean,
    /// Text.
    Text,
    /// A list.
    List,
    /// An object with the named members.
    Object,
}

impl Expected {
    /// What the value is not, and what is accepted instead: ("a number", "a finite number").
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Expected::Number => ("a number", "a finite number"),
            Expected::WholeNumber => ("a whole number", "a whole number ≥ 0"),
            Expected::Boolean => ("true or false", "true or false"),
            Expected::Text => ("text", "text"),
            Expected::List => ("a list", "a list"),
            Expected::Object => ("an object", "an object"),
        }
    }
}

/// The numbers a field accepts: an interval, each end closed or open, or unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    /// The lower end, if any.
    pub min: Option<f64>,
    /// Whether the lower end itself is excluded (`0 < clip_norm`).
    pub min_open: bool,
    /// The upper end, if any.
    pub max: Option<f64>,
    /// Whether the upper end itself is excluded (`beta < 1`).
    pub max_open: bool,
    /// Whether only whole numbers are accepted.
    pub whole: bool,
}

impl Range {
    /// `min ≤ value ≤ max`.
    pub const fn closed(min: f64, max: f64) -> Self {
        Range {
            min: Some(min),
            min_open: false,
            max: Some(max),
            max_open: false,
            whole: false,
        }
    }

    /// Any finite number.
    pub const fn any() -> Self {
        Range {
            min: None,
            min_open: false,
            max: None,
            max_open: false,
            whole: false,
        }
    }

    /// `min ≤ value < max`.
    pub const fn closed_open(min: f64, max: f64) -> Self {
        Range {
            max_open: true,
            ..Range::closed(min, max)
        }
    }

    /// `min < value ≤ max`.
    pub const fn open_closed(min: f64, max: f64) -> Self {
        Range {
            min_open: true,
            ..Range::closed(min, max)
        }
    }

    /// `value ≥ min`.
    pub const fn at_least(min: f64) -> Self {
        Range {
            max: None,
            ..Range::closed(min, 0.0)
        }
    }

    /// `value > min`.
    pub const fn above(min: f64) -> Self {
        Range {
            min_open: true,
            ..Range::at_least(min)
        }
    }

    /// The same range for whole numbers only.
    pub const fn whole(self) -> Self {
        Range {
            whole: true,
            ..self
        }
    }

    /// Whether `value` (finite) lies in the range.
    pub fn contains(&self, value: f64) -> bool {
        let above = match self.min {
            Some(min) if self.min_open => value > min,
            Some(min) => value >= min,
            None => true,
        };
        let below = match self.max {
            Some(max) if self.max_open => value < max,
            Some(max) => value <= max,
            None => true,
        };
        value.is_finite() && above && below && (!self.whole || value.fract() == 0.0)
    }

    /// The range with the value written as `name`: `0 ≤ lr ≤ 1e12`, `0 < gamma ≤ 1`, `n ≥ 1`,
    /// `|value| ≤ 1e12`.
    pub fn describe(&self, name: &str) -> String {
        if let (Some(min), Some(max), false, false) =
            (self.min, self.max, self.min_open, self.max_open)
        {
            if min == -max && max > 0.0 && !self.whole {
                return format!("|{name}| ≤ {}", compact(max));
            }
        }
        let low = self.min.map(|min| {
            format!(
                "{} {} ",
                compact(min),
                if self.min_open { "<" } else { "≤" }
            )
        });
        let high = self.max.map(|max| {
            format!(
                " {} {}",
                if self.max_open { "<" } else { "≤" },
                compact(max)
            )
        });
        let text = match (low, high) {
            (Some(low), Some(high)) => format!("{low}{name}{high}"),
            (Some(_), None) => format!(
                "{name} {} {}",
                if self.min_open { ">" } else { "≥" },
                compact(self.min.unwrap_or(0.0))
            ),
            (None, Some(high)) => format!("{name}{high}"),
            (None, None) => format!("any finite {name}"),
        };
        if self.whole {
            format!("a whole number, {text}")
        } else {
            text
        }
    }
}

/// How many entries a list must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    /// Exactly this many.
    Exactly(usize),
    /// At most this many.
    AtMost(usize),
    /// At least this many.
    AtLeast(usize),
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Exactly(n) => write!(f, "exactly {n}"),
            Length::AtMost(n) => write!(f, "at most {n}"),
            Length::AtLeast(n) => write!(f, "at least {n}"),
        }
    }
}

/// What is wrong with a refused value, and what is accepted there. Serialised for the page as
/// `{"kind":"out_of_range","value":…,"range":{…}}` and the like, so it words it itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The text is not JSON: where the parser stopped, and its account (for the CLI).
    NotJson {
        /// The 1-based line where the parser stopped.
        line: usize,
        /// The 1-based column (in bytes) where the parser stopped.
        column: usize,
        /// The parser's words, for the CLI; the page words the line and column.
        #[serde(skip)]
        detail: String,
    },
    /// A number JSON cannot hold: `NaN`, `Infinity`, or beyond ±1.8e308.
    NonFinite,
    /// A value of the wrong kind: text where a number goes, say.
    WrongType {
        /// What the value was.
        found: Found,
        /// What the field takes.
        expected: Expected,
    },
    /// A number outside the accepted range.
    OutOfRange {
        /// The number given.
        value: f64,
        /// The numbers accepted.
        range: Range,
    },
    /// A member the object does not have (the path ends at it).
    UnknownField {
        /// The members it has.
        accepted: Vec<&'static str>,
    },
    /// A member that must be given is absent (the path ends at it).
    Missing {
        /// The names it may take, where it is a name (an optimizer's, a surface's).
        names: Vec<&'static str>,
        /// An example of the value, where one helps.
        example: Option<&'static str>,
    },
    /// A value that is not one of the accepted names.
    UnknownName {
        /// What was given.
        found: Found,
        /// The names accepted.
        accepted: Vec<&'static str>,
    },
    /// A list of the wrong length.
    WrongLength {
        /// The entries given.
        found: usize,
        /// The entries accepted.
        expected: Length,
        /// What one entry is.
        unit: Unit,
    },
    /// A value of the right kind and range that does not fit the rest of the scenario (Nesterov
    /// without momentum, Newton without a Hessian, a typo in a function): which misfit, with
    /// its numbers.
    Unfit {
        /// What does not fit, and what would.
        #[serde(flatten)]
        unfit: Unfit,
    },
}

impl Problem {
    /// A value that does not fit the rest of the scenario: `unfit`.
    pub fn unfit(unfit: Unfit) -> Self {
        Problem::Unfit { unfit }
    }
}

/// What the entries of a list are, for a sentence about its length; serialised as its id
/// (`"values"`, `"hidden_layers"`), which the page words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Numbers of a list such as `betas`.
    Values,
    /// Racers of a race.
    Racers,
    /// Entries of a list.
    Entries,
    /// Numbers of a start point.
    Numbers,
    /// Points of a data set.
    Points,
    /// Hidden layers of a network.
    HiddenLayers,
    /// Convolutions of a CNN.
    Convolutions,
    /// Images of a data set.
    Images,
    /// Parameters of a model.
    Parameters,
}

impl Unit {
    /// The unit in English, `count` of them: "1 value", "2 values", "1 entry".
    fn english(self, count: usize) -> &'static str {
        let (one, many) = match self {
            Unit::Values => ("value", "values"),
            Unit::Racers => ("racer", "racers"),
            Unit::Entries => ("entry", "entries"),
            Unit::Numbers => ("number", "numbers"),
            Unit::Points => ("point", "points"),
            Unit::HiddenLayers => ("hidden layer", "hidden layers"),
            Unit::Convolutions => ("convolution", "convolutions"),
            Unit::Images => ("image", "images"),
            Unit::Parameters => ("parameter", "parameters"),
        };
        if count == 1 {
            one
        } else {
            many
        }
    }
}

/// A refused value: where it sits and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// Where in the scenario.
    pub path: FieldPath,
    /// What is wrong, with what is accepted.
    pub problem: Problem,
}

impl Refusal {
    /// A refusal of the value at the member `field` (relative to the reader that refuses it).
    pub fn at(field: &str, problem: Problem) -> Self {
        Refusal {
            path: FieldPath::key(field),
            problem,
        }
    }

    /// A refusal of the value being read itself (the reader above names where it sits).
    pub fn here(problem: Problem) -> Self {
        Refusal {
            path: FieldPath::default(),
            problem,
        }
    }

    /// `value` at `field` lies outside `range`.
    pub fn out_of_range(field: &str, value: f64, range: Range) -> Self {
        Refusal::at(field, Problem::OutOfRange { value, range })
    }

    /// A refusal of an unknown member of this object that also lists `tags`, the members a
    /// tagged reader took out before reading the rest (`name` of an optimizer).
    #[must_use]
    pub fn accepting_too(mut self, tags: &[&'static str]) -> Self {
        if let (Problem::UnknownField { accepted }, 1) = (&mut self.problem, self.path.0.len()) {
            for (i, tag) in tags.iter().enumerate() {
                accepted.insert(i, tag);
            }
        }
        self
    }

    /// The same refusal one member further out: `lr` inside `optimizer` becomes `optimizer.lr`.
    #[must_use]
    pub fn in_key(mut self, name: &str) -> Self {
        self.path.prepend(Step::Key(name.to_string()));
        self
    }

    /// The same refusal one list element further out: `lr` in racer 2 becomes `[2].lr`.
    #[must_use]
    pub fn in_index(mut self, index: usize) -> Self {
        self.path.prepend(Step::Index(index));
        self
    }

    /// The name a range is written with: the innermost member, or `value` inside a list.
    fn range_name(&self) -> &str {
        match self.path.steps().last() {
            Some(Step::Key(name)) => name,
            _ => "value",
        }
    }
}

impl Refusal {
    /// The path as people write it: `optimizer.betas[1]` (`scenario` for the document itself).
    pub fn field(&self) -> String {
        self.path.to_string()
    }

    /// What is wrong and what is accepted, without the path:
    /// `1e13 is out of range (accepted: 0 ≤ lr ≤ 1e12)`.
    pub fn reason(&self) -> String {
        Reason(self).to_string()
    }
}

impl fmt::Display for Refusal {
    /// The CLI's one line: `optimizer.lr: 1e13 is out of range (accepted: 0 ≤ lr ≤ 1e12)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, Reason(self))
    }
}

/// A refusal's reason alone, for [`Refusal::reason`] and `Display`.
struct Reason<'a>(&'a Refusal);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refusal = self.0;
        match &refusal.problem {
            Problem::NotJson { detail, .. } => write!(f, "not valid JSON ({})", one_line(detail)),
            Problem::NonFinite => f.write_str(
                "not a finite number (accepted: a finite number; JSON has no NaN or Infinity, and |value| ≤ 1.8e308)",
            ),
            Problem::WrongType { found, expected } => {
                let (not, accepted) = expected.words();
                write!(f, "{found} is not {not} (accepted: {accepted})")
            }
            Problem::OutOfRange { value, range } => write!(
                f,
                "{} is out of range (accepted: {})",
                compact(*value),
                range.describe(refusal.range_name())
            ),
            Problem::UnknownField { accepted } if accepted.is_empty() => {
                f.write_str("unknown field (this object takes no fields)")
            }
            Problem::UnknownField { accepted } => {
                write!(f, "unknown field (accepted: {})", accepted.join(", "))
            }
            Problem::Missing { names, example } => {
                f.write_str("missing")?;
                match (names.is_empty(), example) {
                    (true, None) => Ok(()),
                    (true, Some(example)) => write!(f, " (e.g. {example})"),
                    (false, None) => write!(f, " (one of {})", names.join(", ")),
                    (false, Some(example)) => {
                        write!(f, " (one of {}; e.g. {example})", names.join(", "))
                    }
                }
            }
            Problem::UnknownName { found, accepted } => write!(
                f,
                "{found} is not one of the names accepted ({})",
                accepted.join(", ")
            ),
            Problem::WrongLength {
                found,
                expected,
                unit,
            } => write!(
                f,
                "{found} {} given (accepted: {expected})",
                unit.english(*found)
            ),
            Problem::Unfit { unfit } => f.write_str(&one_line(&unfit.to_string())),
        }
    }
}

impl std::error::Error for Refusal {}

/// `text` with its control characters escaped (`\n` for a newline), so it prints on one line.
fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().collect()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A number as a message shows it: plain (`-3`, `0.05`, `1000`, `9007199254740991`) unless
/// scientific notation is shorter by three characters or more (`1e6`, `1e-6`, `2.5e-8`, `1e300`).
pub fn compact(value: f64) -> String {
    let plain = value.to_string();
    let scientific = format!("{value:e}");
    if plain.len() >= scientific.len() + 3 {
        scientific
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reads_as_people_write_it() {
        let refusal = Refusal::out_of_range("lr", 1e13, Range::closed(0.0, 1e12))
            .in_key("optimizer")
            .in_index(2)
            .in_key("race");
        assert_eq!(refusal.path.to_string(), "race[2].optimizer.lr");
        assert_eq!(
            refusal.to_string(),
            "race[2].optimizer.lr: 1e13 is out of range (accepted: 0 ≤ lr ≤ 1e12)"
        );
        let inner = Refusal::here(Problem::NonFinite)
            .in_index(0)
            .in_index(17)
            .in_key("points");
        assert_eq!(inner.path.to_string(), "points[17][0]");
        assert_eq!(FieldPath::default().to_string(), "scenario");
        // A key with no name (JSON allows "") is still named: found by the scenario fuzz test.
        let unnamed = Refusal::here(Problem::NonFinite)
            .in_key("")
            .in_key("optimizer");
        assert_eq!(unnamed.field(), "optimizer.\"\"");
        assert_eq!(Refusal::here(Problem::NonFinite).in_key("").field(), "\"\"");
    }

    #[test]
    fn ranges_say_which_ends_are_included() {
        assert_eq!(
            Range::closed_open(0.0, 1.0).describe("value"),
            "0 ≤ value < 1"
        );
        assert_eq!(
            Range::open_closed(0.0, 1e12).describe("clip_norm"),
            "0 < clip_norm ≤ 1e12"
        );
        assert_eq!(
            Range::at_least(1.0).whole().describe("n"),
            "a whole number, n ≥ 1"
        );
        assert_eq!(Range::above(0.0).describe("x"), "x > 0");
        assert_eq!(
            Range::closed(-1e12, 1e12).describe("value"),
            "|value| ≤ 1e12"
        );
        assert!(Range::closed_open(0.0, 1.0).contains(0.0));
        assert!(!Range::closed_open(0.0, 1.0).contains(1.0));
        assert!(!Range::at_least(0.0).contains(f64::INFINITY));
        assert!(!Range::at_least(1.0).whole().contains(1.5));
    }

    #[test]
    fn a_key_with_a_newline_stays_on_one_line() {
        let refusal = Refusal::at(
            "a\nb",
            Problem::UnknownField {
                accepted: vec!["x", "y"],
            },
        );
        assert_eq!(refusal.to_string(), "a\\nb: unknown field (accepted: x, y)");
    }

    #[test]
    fn problems_serialise_as_ids_and_numbers_for_the_page() {
        let json = |problem: &Problem| serde_json::to_string(problem).unwrap_or_default();
        assert_eq!(
            json(&Problem::unfit(Unfit::NesterovNeedsMomentum)),
            r#"{"kind":"unfit","id":"nesterov_needs_momentum"}"#
        );
        assert_eq!(
            json(&Problem::unfit(Unfit::PoolTooLarge { size: 1 })),
            r#"{"kind":"unfit","id":"pool_too_large","size":1}"#
        );
        let not_json = Problem::NotJson {
            line: 2,
            column: 7,
            detail: "expected value at line 2 column 7".into(),
        };
        assert_eq!(
            json(&not_json),
            r#"{"kind":"not_json","line":2,"column":7}"#
        );
        let length = Problem::WrongLength {
            found: 1,
            expected: Length::Exactly(2),
            unit: Unit::Values,
        };
        assert_eq!(
            json(&length),
            r#"{"kind":"wrong_length","found":1,"expected":{"exactly":2},"unit":"values"}"#
        );
        assert_eq!(
            Refusal::at("betas", length).to_string(),
            "betas: 1 value given (accepted: exactly 2)"
        );
    }

    #[test]
    fn compact_numbers() {
        assert_eq!(compact(-3.0), "-3");
        assert_eq!(compact(0.05), "0.05");
        assert_eq!(compact(1e300), "1e300");
        assert_eq!(compact(1e6), "1e6");
        assert_eq!(compact(1e-6), "1e-6");
        assert_eq!(compact(1000.0), "1000");
        assert_eq!(compact(0.001), "0.001");
        assert_eq!(compact(9007199254740991.0), "9007199254740991");
    }
}
