//! The parser: the tokens as a syntax tree, by recursive descent over the grammar of the
//! [module doc](super), within [`MAX_LEN`] characters and [`MAX_NESTING`] levels.

use super::differentiation::Func;
use super::lexer::{error, lex, Tok, Token};
use super::{ExprError, Typo, MAX_LEN, MAX_NESTING};

/// The syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Node {
    Const(f64),
    X,
    Y,
    Neg(Box<Node>),
    Bin(Bin, Box<Node>, Box<Node>),
    Call(Func, Box<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// Parses `text` into a syntax tree, refusing empty and over-long expressions.
pub(super) fn parse_tree(text: &str) -> Result<Node, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_LEN {
        return Err(ExprError {
            position: MAX_LEN + 1,
            typo: Typo::TooLong {
                length: chars.len(),
                most: MAX_LEN,
            },
            message: format!(
                "the expression has {} characters; at most {MAX_LEN} are accepted",
                chars.len()
            ),
        });
    }
    if chars.iter().all(|c| c.is_whitespace()) {
        return Err(ExprError {
            position: 1,
            typo: Typo::Empty,
            message: "the expression is empty; type a function of x and y such as x^2 + 3*y^2"
                .to_string(),
        });
    }
    let mut parser = Parser {
        tokens: lex(&chars)?,
        next: 0,
        nesting: 0,
    };
    let tree = parser.expression()?;
    let token = parser.peek().clone();
    match token.kind {
        Tok::End => Ok(tree),
        Tok::Close => Err(error(
            token.at,
            Typo::UnmatchedClose,
            format!(
                "unmatched ')' at position {} (no '(' is open)",
                token.at + 1
            ),
        )),
        Tok::Number(_) | Tok::Ident(_) | Tok::Open => Err(error(
            token.at,
            Typo::MissingOperator,
            format!(
                "expected an operator at position {} (write * for a product, e.g. 2*x)",
                token.at + 1
            ),
        )),
        _ => Err(error(
            token.at,
            Typo::ExpectedOperator,
            format!("expected an operator at position {}", token.at + 1),
        )),
    }
}

/// A recursive-descent parser over the tokens, one method per grammar rule.
struct Parser {
    tokens: Vec<Token>,
    next: usize,
    nesting: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with `End`, which is never consumed.
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != Tok::End {
            self.next += 1;
        }
        token
    }

    /// Enters one level of nesting at character `at`, refusing more than [`MAX_NESTING`].
    fn enter(&mut self, at: usize) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(error(
                at,
                Typo::TooDeep { most: MAX_NESTING },
                format!(
                    "the expression is nested too deeply at position {} (at most {MAX_NESTING} levels)",
                    at + 1
                ),
            ));
        }
        Ok(())
    }

    /// `expression = term , { ( "+" | "-" ) , term }`.
    fn expression(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek().kind {
                Tok::Plus => Bin::Add,
                Tok::Minus => Bin::Sub,
                _ => return Ok(lhs),
            };
            self.advance();
            let rhs = self.term()?;
            lhs = Node::Bin(op, Box::new(lhs), Box::new(rhs));
        }
    }

    /// `term = unary , { ( "*" | "/" ) , unary }`.
    fn term(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek().kind {
                Tok::Star => Bin::Mul,
                Tok::Slash => Bin::Div,
                _ => return Ok(lhs),
            };
            self.advance();
            let rhs = self.unary()?;
            lhs = Node::Bin(op, Box::new(lhs), Box::new(rhs));
        }
    }

    /// `unary = ( "-" | "+" ) , unary | power`.
    fn unary(&mut self) -> Result<Node, ExprError> {
        let token = self.peek().clone();
        match token.kind {
            Tok::Minus | Tok::Plus => {
                self.advance();
                self.enter(token.at)?;
                let operand = self.unary()?;
                self.nesting -= 1;
                Ok(if token.kind == Tok::Minus {
                    Node::Neg(Box::new(operand))
                } else {
                    operand
                })
            }
            _ => self.power(),
        }
    }

    /// `power = primary , [ "^" , unary ]` — right-associative through `unary`.
    fn power(&mut self) -> Result<Node, ExprError> {
        let base = self.primary()?;
        let token = self.peek().clone();
        if token.kind != Tok::Caret {
            return Ok(base);
        }
        self.advance();
        self.enter(token.at)?;
        let exponent = self.unary()?;
        self.nesting -= 1;
        Ok(Node::Bin(Bin::Pow, Box::new(base), Box::new(exponent)))
    }

    /// `primary = number | variable | constant | function "(" expression ")" | "(" expression ")"`.
    fn primary(&mut self) -> Result<Node, ExprError> {
        let token = self.advance();
        let at = token.at;
        match token.kind {
            Tok::Number(v) => Ok(Node::Const(v)),
            Tok::Open => {
                self.enter(at)?;
                let inner = self.expression()?;
                self.nesting -= 1;
                self.close(at, "'('")?;
                Ok(inner)
            }
            Tok::Ident(name) => {
                let called = self.peek().kind == Tok::Open;
                if let Some(f) = Func::from_name(&name) {
                    if !called {
                        let after = at + name.chars().count();
                        return Err(error(
                            after,
                            Typo::NeedsParenthesis { name: name.clone() },
                            format!(
                                "expected '(' after `{name}` at position {} (write {name}(x))",
                                after + 1
                            ),
                        ));
                    }
                    let open = self.advance();
                    self.enter(open.at)?;
                    let argument = self.expression()?;
                    self.nesting -= 1;
                    self.close(at, &format!("`{name}(`"))?;
                    return Ok(Node::Call(f, Box::new(argument)));
                }
                if called {
                    let names: Vec<&'static str> = Func::ALL.iter().map(|f| f.name()).collect();
                    return Err(error(
                        at,
                        Typo::UnknownFunction {
                            name: name.clone(),
                            accepted: names.clone(),
                        },
                        format!(
                            "unknown function `{name}` at position {} (accepted: {})",
                            at + 1,
                            names.join(", ")
                        ),
                    ));
                }
                match name.as_str() {
                    "x" => Ok(Node::X),
                    "y" => Ok(Node::Y),
                    "pi" => Ok(Node::Const(std::f64::consts::PI)),
                    "e" => Ok(Node::Const(std::f64::consts::E)),
                    _ => {
                        let hint = if name.chars().all(|c| c == 'x' || c == 'y') {
                            "use x and y; write x*y for a product"
                        } else {
                            "use x and y"
                        };
                        Err(error(
                            at,
                            Typo::UnknownVariable { name: name.clone() },
                            format!("unknown variable `{name}` at position {} ({hint})", at + 1),
                        ))
                    }
                }
            }
            Tok::End => Err(error(
                at,
                Typo::EndsEarly,
                format!(
                    "expected a number, x, y, a function or '(' at position {} (the expression ends too early)",
                    at + 1
                ),
            )),
            Tok::Close => Err(error(
                at,
                Typo::CloseForValue,
                format!(
                    "expected a number, x, y, a function or '(' at position {}, not ')'",
                    at + 1
                ),
            )),
            _ => Err(error(
                at,
                Typo::ExpectedValue,
                format!(
                    "expected a number, x, y, a function or '(' at position {}",
                    at + 1
                ),
            )),
        }
    }

    /// Consumes the `)` that closes `what`, opened at character `open`.
    fn close(&mut self, open: usize, what: &str) -> Result<(), ExprError> {
        let token = self.peek().clone();
        if token.kind == Tok::Close {
            self.advance();
            return Ok(());
        }
        Err(error(
            token.at,
            Typo::Unclosed {
                open: open + 1,
                at_end: token.kind == Tok::End,
            },
            format!(
                "expected ')' at position {} to close the {what} at position {}",
                token.at + 1,
                open + 1
            ),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::objective::expr::evaluation::INLINE_STACK;
    use crate::objective::expr::{CompiledExpr, ExprError, MAX_LEN};
    use proptest::prelude::*;

    fn eval(text: &str) -> f64 {
        CompiledExpr::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .value(0.0, 0.0)
    }

    fn at(text: &str, x: f64, y: f64) -> f64 {
        CompiledExpr::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .value(x, y)
    }

    fn refusal(text: &str) -> ExprError {
        match CompiledExpr::parse(text) {
            Ok(_) => panic!("{text:?} was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(eval("2^3^2"), 512.0);
        assert_eq!(eval("(2^3)^2"), 64.0);
        assert_eq!(eval("-2^2"), -4.0);
        assert_eq!(eval("(-2)^2"), 4.0);
        assert_eq!(eval("2^-1"), 0.5);
        assert_eq!(eval("2^-1^2"), 0.5);
        assert_eq!(eval("1 + 2*3"), 7.0);
        assert_eq!(eval("(1 + 2)*3"), 9.0);
        assert_eq!(eval("8/4/2"), 1.0);
        assert_eq!(eval("8 - 4 - 2"), 2.0);
        assert_eq!(eval("2*-3"), -6.0);
        assert_eq!(eval("--3"), 3.0);
        assert_eq!(eval("+3 - -3"), 6.0);
        assert_eq!(eval("-3*2^2"), -12.0);
        assert_eq!(eval("2*3^2"), 18.0);
        assert_eq!(eval("2^3*2"), 16.0);
        assert_eq!(eval("1e-3"), 1e-3);
        assert_eq!(eval("2.5E+2"), 250.0);
        assert_eq!(eval(".5"), 0.5);
        assert_eq!(eval("3."), 3.0);
        assert_eq!(eval("pi"), std::f64::consts::PI);
        assert_eq!(eval("e"), std::f64::consts::E);
        assert_eq!(eval("2*e"), 2.0 * std::f64::consts::E);
        assert_eq!(eval("e^2"), std::f64::consts::E.powi(2));
        assert_eq!(eval("  sqrt( 16 )  "), 4.0);
        assert_eq!(
            eval("abs(-3) + exp(0) + log(1) + tanh(0) + sin(0) + cos(0) + tan(0)"),
            5.0
        );
        assert_eq!(at("x - y", 5.0, 3.0), 2.0);
        assert_eq!(at("x^2 + 10*sin(y)", 2.0, 0.0), 4.0);
        assert_eq!(at("-x^2", 3.0, 0.0), -9.0);
        assert_eq!(at("x^y", 2.0, 10.0), 1024.0);
        assert_eq!(at("x^0.5", 9.0, 0.0), 3.0);
        assert_eq!(at("(x)^3", -2.0, 0.0), -8.0);
    }

    #[test]
    fn every_error_class_names_the_position() {
        let cases: &[(&str, usize, &str)] = &[
            ("(x + y", 7, "expected ')' at position 7 to close the '(' at position 1"),
            ("sin(x", 6, "expected ')' at position 6 to close the `sin(` at position 1"),
            ("sine(x)", 1, "unknown function `sine` at position 1 (accepted: sin, cos, tan, exp, log, sqrt, abs, tanh)"),
            ("x + z", 5, "unknown variable `z` at position 5 (use x and y)"),
            ("x+z", 3, "unknown variable `z` at position 3 (use x and y)"),
            ("xy", 1, "unknown variable `xy` at position 1 (use x and y; write x*y for a product)"),
            ("sin x", 4, "expected '(' after `sin` at position 4 (write sin(x))"),
            ("x +", 4, "expected a number, x, y, a function or '(' at position 4 (the expression ends too early)"),
            ("x * * y", 5, "expected a number, x, y, a function or '(' at position 5"),
            ("()", 2, "expected a number, x, y, a function or '(' at position 2, not ')'"),
            ("x)", 2, "unmatched ')' at position 2 (no '(' is open)"),
            ("2x", 2, "expected an operator at position 2 (write * for a product, e.g. 2*x)"),
            ("x y", 3, "expected an operator at position 3 (write * for a product, e.g. 2*x)"),
            ("x # y", 3, "unexpected character `#` at position 3"),
            ("x²", 2, "unexpected character `²` at position 2 (write x^2 for a power)"),
            ("x**2", 2, "`**` is not an operator at position 2 (write ^ for a power)"),
            ("1.2.3", 1, "malformed number `1.2.3` at position 1"),
            ("1e999", 1, "the number `1e999` at position 1 is too large (at most about 1.8e308)"),
            ("", 1, "the expression is empty; type a function of x and y such as x^2 + 3*y^2"),
            ("   ", 1, "the expression is empty; type a function of x and y such as x^2 + 3*y^2"),
        ];
        for &(text, position, message) in cases {
            let e = refusal(text);
            assert_eq!(
                (e.position, e.message.as_str()),
                (position, message),
                "{text:?}"
            );
            assert_eq!(e.to_string(), message);
        }
        // Positions count characters, not bytes.
        assert_eq!(refusal("x·é").position, 3);
        assert_eq!(
            refusal("x − z").message,
            "unknown variable `z` at position 5 (use x and y)"
        );
    }

    #[test]
    fn length_and_nesting_are_bounded() {
        let long = format!("x{}", "+x".repeat(250));
        assert_eq!(long.chars().count(), 501);
        assert_eq!(
            refusal(&long).message,
            "the expression has 501 characters; at most 500 are accepted"
        );
        let longest = format!("x{}", "+x".repeat(248)) + "+11";
        assert_eq!(longest.chars().count(), MAX_LEN);
        assert_eq!(at(&longest, 1.0, 0.0), 260.0);
        let at_limit = format!("{}x{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(at(&at_limit, 2.0, 0.0), 2.0);
        let deep = format!("{}x{}", "(".repeat(101), ")".repeat(101));
        assert!(refusal(&deep)
            .message
            .contains("nested too deeply at position 101"));
        let signs = format!("{}x", "-".repeat(200));
        assert!(refusal(&signs).message.contains("nested too deeply"));
        // A sum nested to the right: leaf operands need no stack.
        let sum = format!("x{}", "+(x+(y".repeat(40) + &"))".repeat(40));
        let program = CompiledExpr::parse(&sum).unwrap();
        assert_eq!(program.depth, 1);
        assert_eq!(program.value(1.0, 2.0), 1.0 + 40.0 * 3.0);
        let (_, g, h) = program.value_gradient_hessian(1.0, 2.0);
        assert_eq!((g, h), ([41.0, 40.0], [[0.0, 0.0], [0.0, 0.0]]));
        // Non-leaf left operands stack up: a deep program runs on a heap stack, exactly.
        let deep = "sin(x)+(".repeat(40) + "y" + &")".repeat(40);
        let program = CompiledExpr::parse(&deep).unwrap();
        assert!(program.depth > INLINE_STACK, "{}", program.depth);
        let s = (0..40).fold(2.0, |acc, _| libm::sin(1f64) + acc);
        assert_eq!(program.value(1.0, 2.0), s);
        let (v, g, h) = program.value_gradient_hessian(1.0, 2.0);
        let gx = (0..40).fold(0.0, |acc, _| libm::cos(1f64) + acc);
        let hxx = (0..40).fold(0.0, |acc, _| -libm::sin(1f64) + acc);
        assert_eq!((v, g, h), (s, [gx, 1.0], [[hxx, 0.0], [0.0, 0.0]]));
    }

    proptest! {
        /// Any text parses or is refused with a position inside it (or one past its end) — never
        /// a panic.
        #[test]
        fn never_panics(text in "[-+*/^() .0-9a-z,#]{0,40}") {
            match CompiledExpr::parse(&text) {
                Ok(program) => { let _ = program.value_gradient_hessian(0.5, -0.25); }
                Err(e) => {
                    prop_assert!(e.position >= 1 && e.position <= text.chars().count() + 1, "{text:?}: {e:?}");
                    let position = format!("position {}", e.position);
                    prop_assert!(e.message.contains(&position) || e.message.starts_with("the expression is empty"), "{text:?}: {e:?}");
                }
            }
        }
    }
}
