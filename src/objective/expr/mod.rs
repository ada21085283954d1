//! A typed-in function `f(x, y)`: a small parser and an evaluator with exact derivatives.
//!
//! # Grammar (EBNF)
//!
//! ```text
//! expression = term , { ( "+" | "-" ) , term } ;
//! term       = unary , { ( "*" | "/" ) , unary } ;
//! unary      = ( "-" | "+" ) , unary | power ;
//! power      = primary , [ "^" , unary ] ;
//! primary    = number | "x" | "y" | "pi" | "e"
//!            | function , "(" , expression , ")"
//!            | "(" , expression , ")" ;
//! function   = "sin" | "cos" | "tan" | "exp" | "log" | "sqrt" | "abs" | "tanh" ;
//! number     = digits , [ "." , [ digits ] ] , [ exponent ]
//!            | "." , digits , [ exponent ] ;
//! exponent   = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
//! digits     = digit , { digit } ;
//! ```
//!
//! Whitespace may separate tokens; `−` (U+2212) is read as `-`, and `×` and `·` as `*`. As in
//! mathematics, `^` binds tighter than a unary minus and
//! is right-associative: `-2^2 = -(2^2) = -4`, `2^3^2 = 2^(3^2) = 512`, and `2^-1 = 0.5` (the
//! exponent is a `unary`). `log` is the natural logarithm; `e` is Euler's number unless it is
//! the exponent of a number (`1e-3`). There is no implicit product: `2x` is refused with a hint
//! to write `2*x`. An expression has at most [`MAX_LEN`] characters and [`MAX_NESTING`] levels
//! of parentheses and signs.
//!
//! Refusals are [`ExprError`]s naming the 1-based character position and what was expected:
//! `expected ')' at position 7 to close the '(' at position 1`, ``unknown function `sine` at
//! position 1 (…)``, ``unknown variable `z` at position 3 (use x and y)``.
//!
//! # Evaluation
//!
//! The syntax tree is folded (every subtree without `x` or `y` becomes one constant, so `cos(0.3)`
//! or `2*pi` costs nothing per evaluation; a constant integer exponent becomes a multiplication
//! chain) and compiled to a postfix program for a small stack machine, [`CompiledExpr`], that
//! keeps its top in a register and reads constant and variable operands straight from the
//! instruction (`(1-x)^2 + 100*(y-x^2)^2` is 9 instructions, at most 2 values stacked). The same
//! program runs over three number types:
//!
//! * `f64` — the value alone, the heat map's hot path;
//! * dual numbers `(f, ∂x, ∂y)` — value and gradient;
//! * hyper-dual numbers `(f, ∂x, ∂y, ∂xx, ∂xy, ∂yy)` — value, gradient and Hessian in one pass.
//!
//! Derivatives are exact (forward-mode automatic differentiation: every operation applies the
//! chain rule to first and second order), never finite differences. Each number type computes
//! its value with the very same floating-point operations, and the dual and hyper-dual types
//! their first derivatives with the same ones too, so value, gradient and Hessian agree
//! bit-for-bit between the three passes. A unary function `g` maps `a` to
//! `g(a)`, `g′(a)·a′` and `g″(a)·a′a′ᵀ + g′(a)·a″`; `abs` takes the derivative `0` at `0`.

mod differentiation;
mod evaluation;
mod lexer;
mod parser;

pub use differentiation::Func;
pub use evaluation::{CompiledExpr, ROW_CHUNK};

use serde::Serialize;
use std::fmt;

/// Longest expression accepted, in characters.
pub const MAX_LEN: usize = 500;

/// Deepest nesting of parentheses, function calls, signs and exponents accepted.
pub const MAX_NESTING: usize = 100;

/// Why an expression was refused: the 1-based character position, what is wrong there as data
/// (serialised for the page, which words it), and the CLI's sentence that names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExprError {
    /// 1-based position of the offending character (one past the end for "ends too early").
    pub position: usize,
    /// What is wrong at that position.
    pub typo: Typo,
    /// The CLI's sentence, e.g. `expected ')' at position 7 to close the '(' at position 1`.
    #[serde(skip)]
    pub message: String,
}

/// What is wrong in an expression, with the text and numbers a sentence about it needs;
/// serialised as `{"id":"unknown_variable","name":"z"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "id", rename_all = "snake_case")]
pub enum Typo {
    /// Longer than [`MAX_LEN`] characters.
    TooLong {
        /// The characters given.
        length: usize,
        /// The most accepted.
        most: usize,
    },
    /// Nothing but blanks.
    Empty,
    /// `**` for a power.
    DoubleStar,
    /// Digits and points that are not a number (`1.2.3`).
    MalformedNumber {
        /// The text.
        text: String,
    },
    /// A number beyond ±1.8e308.
    NumberTooLarge {
        /// The text.
        text: String,
    },
    /// A character that is not part of an expression.
    UnexpectedCharacter {
        /// The character.
        text: String,
    },
    /// A `)` with no `(` open.
    UnmatchedClose,
    /// A number, name or `(` where an operator goes (a product without `*`).
    MissingOperator,
    /// Something else where an operator goes.
    ExpectedOperator,
    /// Deeper than [`MAX_NESTING`] levels.
    TooDeep {
        /// The most levels.
        most: usize,
    },
    /// A function name without `(`.
    NeedsParenthesis {
        /// The function's name.
        name: String,
    },
    /// A call of a function there is not.
    UnknownFunction {
        /// The name given.
        name: String,
        /// The functions there are.
        accepted: Vec<&'static str>,
    },
    /// A name that is not x, y, pi or e.
    UnknownVariable {
        /// The name given.
        name: String,
    },
    /// The expression ends where a value must come.
    EndsEarly,
    /// A `)` where a value must come.
    CloseForValue,
    /// Something else where a value must come.
    ExpectedValue,
    /// A `(` or call left open.
    Unclosed {
        /// The 1-based position of its `(` (or its function's name).
        open: usize,
        /// Whether the expression ended there (else something else stands where `)` must).
        at_end: bool,
    },
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}
