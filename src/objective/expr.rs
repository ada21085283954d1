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

use std::fmt;

/// Longest expression accepted, in characters.
pub const MAX_LEN: usize = 500;

/// Deepest nesting of parentheses, function calls, signs and exponents accepted.
pub const MAX_NESTING: usize = 100;

/// Stack slots held inline (no heap allocation) by an evaluation; deeper programs use a `Vec`.
const INLINE_STACK: usize = 8;

/// Why an expression was refused: the 1-based character position and a sentence that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// 1-based position of the offending character (one past the end for "ends too early").
    pub position: usize,
    /// The sentence shown to people, e.g. `expected ')' at position 7 to close the '(' at
    /// position 1`.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// A built-in function of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `sin`.
    Sin,
    /// `cos`.
    Cos,
    /// `tan`.
    Tan,
    /// `exp`.
    Exp,
    /// `log`, the natural logarithm.
    Log,
    /// `sqrt`.
    Sqrt,
    /// `abs`.
    Abs,
    /// `tanh`.
    Tanh,
}

impl Func {
    /// Every function, in the order the error messages list them.
    pub const ALL: [Func; 8] = [
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Exp,
        Func::Log,
        Func::Sqrt,
        Func::Abs,
        Func::Tanh,
    ];

    /// The name in expressions.
    pub fn name(self) -> &'static str {
        match self {
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Tanh => "tanh",
        }
    }

    fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// `g(a)`.
    #[inline]
    fn value(self, a: f64) -> f64 {
        match self {
            Func::Sin => libm::sin(a),
            Func::Cos => libm::cos(a),
            Func::Tan => libm::tan(a),
            Func::Exp => libm::exp(a),
            Func::Log => libm::log(a),
            Func::Sqrt => a.sqrt(),
            Func::Abs => a.abs(),
            Func::Tanh => libm::tanh(a),
        }
    }

    /// `(g(a), g′(a))`.
    #[inline]
    fn first(self, a: f64) -> (f64, f64) {
        let (g0, g1, _) = self.second(a);
        (g0, g1)
    }

    /// `(g(a), g′(a), g″(a))`.
    #[inline]
    fn second(self, a: f64) -> (f64, f64, f64) {
        let g0 = self.value(a);
        match self {
            Func::Sin => {
                let c = libm::cos(a);
                (g0, c, -g0)
            }
            Func::Cos => (g0, -libm::sin(a), -g0),
            Func::Tan => {
                let sec2 = 1.0 + g0 * g0;
                (g0, sec2, 2.0 * g0 * sec2)
            }
            Func::Exp => (g0, g0, g0),
            Func::Log => (g0, 1.0 / a, -1.0 / (a * a)),
            Func::Sqrt => (g0, 0.5 / g0, -0.25 / (g0 * a)),
            Func::Abs => {
                let sign = if a > 0.0 {
                    1.0
                } else if a < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                (g0, sign, 0.0)
            }
            Func::Tanh => {
                let d = 1.0 - g0 * g0;
                (g0, d, -2.0 * g0 * d)
            }
        }
    }
}

/// `a^n` by repeated squaring (the algorithm of compiler-rt's `__powidf2`, written out so every
/// platform computes the same bits); `a^2` is exactly `a·a`.
#[inline]
fn powi(a: f64, n: i32) -> f64 {
    if n == 2 {
        return a * a;
    }
    let mut e = n.unsigned_abs();
    let mut base = a;
    let mut r = 1.0;
    loop {
        if e & 1 == 1 {
            r *= base;
        }
        e >>= 1;
        if e == 0 {
            break;
        }
        base *= base;
    }
    if n < 0 {
        1.0 / r
    } else {
        r
    }
}

/// `(a^n, n·a^(n−1), n(n−1)·a^(n−2))`, zero where the coefficient is zero (so `x^1` and `x^0`
/// have finite derivatives at 0).
#[inline]
fn powi_second(a: f64, n: i32) -> (f64, f64, f64) {
    let g0 = powi(a, n);
    let nf = f64::from(n);
    let g1 = if n == 0 { 0.0 } else { nf * powi(a, n - 1) };
    let g2 = if n == 0 || n == 1 {
        0.0
    } else {
        nf * (nf - 1.0) * powi(a, n - 2)
    };
    (g0, g1, g2)
}

/// `(a^c, c·a^(c−1), c(c−1)·a^(c−2))` for a constant non-integer exponent `c`.
#[inline]
fn powf_second(a: f64, c: f64) -> (f64, f64, f64) {
    (
        libm::pow(a, c),
        c * libm::pow(a, c - 1.0),
        c * (c - 1.0) * libm::pow(a, c - 2.0),
    )
}

/// A number the stack machine computes with: `f64`, [`Dual`] or [`HyperDual`].
trait Num: Copy {
    const ZERO: Self;
    fn constant(c: f64) -> Self;
    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    fn div(self, b: Self) -> Self;
    fn neg(self) -> Self;
    fn func(self, f: Func) -> Self;
    fn powi(self, n: i32) -> Self;
    fn powf(self, c: f64) -> Self;
    /// `self ^ b` with a variable exponent: `exp(b·ln self)` differentiated, valued `powf`.
    fn pow(self, b: Self) -> Self;
}

impl Num for f64 {
    const ZERO: Self = 0.0;
    #[inline]
    fn constant(c: f64) -> Self {
        c
    }
    #[inline]
    fn add(self, b: Self) -> Self {
        self + b
    }
    #[inline]
    fn sub(self, b: Self) -> Self {
        self - b
    }
    #[inline]
    fn mul(self, b: Self) -> Self {
        self * b
    }
    #[inline]
    fn div(self, b: Self) -> Self {
        self / b
    }
    #[inline]
    fn neg(self) -> Self {
        -self
    }
    #[inline]
    fn func(self, f: Func) -> Self {
        f.value(self)
    }
    #[inline]
    fn powi(self, n: i32) -> Self {
        powi(self, n)
    }
    #[inline]
    fn powf(self, c: f64) -> Self {
        libm::pow(self, c)
    }
    #[inline]
    fn pow(self, b: Self) -> Self {
        libm::pow(self, b)
    }
}

/// `f + f_x·εx + f_y·εy` with `εx² = εy² = εx·εy = 0`: value and gradient.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Dual {
    v: f64,
    x: f64,
    y: f64,
}

impl Dual {
    #[inline]
    fn chain(self, g0: f64, g1: f64) -> Self {
        Dual {
            v: g0,
            x: g1 * self.x,
            y: g1 * self.y,
        }
    }
}

impl Num for Dual {
    const ZERO: Self = Dual {
        v: 0.0,
        x: 0.0,
        y: 0.0,
    };
    #[inline]
    fn constant(c: f64) -> Self {
        Dual { v: c, ..Self::ZERO }
    }
    #[inline]
    fn add(self, b: Self) -> Self {
        Dual {
            v: self.v + b.v,
            x: self.x + b.x,
            y: self.y + b.y,
        }
    }
    #[inline]
    fn sub(self, b: Self) -> Self {
        Dual {
            v: self.v - b.v,
            x: self.x - b.x,
            y: self.y - b.y,
        }
    }
    #[inline]
    fn mul(self, b: Self) -> Self {
        Dual {
            v: self.v * b.v,
            x: self.x * b.v + self.v * b.x,
            y: self.y * b.v + self.v * b.y,
        }
    }
    #[inline]
    fn div(self, b: Self) -> Self {
        let q = self.v / b.v;
        Dual {
            v: q,
            x: (self.x - q * b.x) / b.v,
            y: (self.y - q * b.y) / b.v,
        }
    }
    #[inline]
    fn neg(self) -> Self {
        Dual {
            v: -self.v,
            x: -self.x,
            y: -self.y,
        }
    }
    #[inline]
    fn func(self, f: Func) -> Self {
        let (g0, g1) = f.first(self.v);
        self.chain(g0, g1)
    }
    #[inline]
    fn powi(self, n: i32) -> Self {
        let (g0, g1, _) = powi_second(self.v, n);
        self.chain(g0, g1)
    }
    #[inline]
    fn powf(self, c: f64) -> Self {
        let (g0, g1, _) = powf_second(self.v, c);
        self.chain(g0, g1)
    }
    #[inline]
    fn pow(self, b: Self) -> Self {
        let l = b.mul(self.func(Func::Log));
        let p = libm::pow(self.v, b.v);
        Dual {
            v: p,
            x: p * l.x,
            y: p * l.y,
        }
    }
}

/// Value, gradient and Hessian (`xx`, `xy`, `yy`) carried together through every operation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct HyperDual {
    v: f64,
    x: f64,
    y: f64,
    xx: f64,
    xy: f64,
    yy: f64,
}

impl HyperDual {
    /// `g(a)`: `g′·a′` and `g″·a′a′ᵀ + g′·a″`.
    #[inline]
    fn chain(self, g0: f64, g1: f64, g2: f64) -> Self {
        HyperDual {
            v: g0,
            x: g1 * self.x,
            y: g1 * self.y,
            xx: g2 * self.x * self.x + g1 * self.xx,
            xy: g2 * self.x * self.y + g1 * self.xy,
            yy: g2 * self.y * self.y + g1 * self.yy,
        }
    }
}

impl Num for HyperDual {
    const ZERO: Self = HyperDual {
        v: 0.0,
        x: 0.0,
        y: 0.0,
        xx: 0.0,
        xy: 0.0,
        yy: 0.0,
    };
    #[inline]
    fn constant(c: f64) -> Self {
        HyperDual { v: c, ..Self::ZERO }
    }
    #[inline]
    fn add(self, b: Self) -> Self {
        HyperDual {
            v: self.v + b.v,
            x: self.x + b.x,
            y: self.y + b.y,
            xx: self.xx + b.xx,
            xy: self.xy + b.xy,
            yy: self.yy + b.yy,
        }
    }
    #[inline]
    fn sub(self, b: Self) -> Self {
        HyperDual {
            v: self.v - b.v,
            x: self.x - b.x,
            y: self.y - b.y,
            xx: self.xx - b.xx,
            xy: self.xy - b.xy,
            yy: self.yy - b.yy,
        }
    }
    #[inline]
    fn mul(self, b: Self) -> Self {
        HyperDual {
            v: self.v * b.v,
            x: self.x * b.v + self.v * b.x,
            y: self.y * b.v + self.v * b.y,
            xx: self.xx * b.v + 2.0 * self.x * b.x + self.v * b.xx,
            xy: self.xy * b.v + self.x * b.y + self.y * b.x + self.v * b.xy,
            yy: self.yy * b.v + 2.0 * self.y * b.y + self.v * b.yy,
        }
    }
    /// `q = a/b`: `q′ = (a′ − q·b′)/b`, `q″ = (a″ − q′b′ᵀ − b′q′ᵀ − q·b″)/b`.
    #[inline]
    fn div(self, b: Self) -> Self {
        let q = self.v / b.v;
        let qx = (self.x - q * b.x) / b.v;
        let qy = (self.y - q * b.y) / b.v;
        HyperDual {
            v: q,
            x: qx,
            y: qy,
            xx: (self.xx - 2.0 * qx * b.x - q * b.xx) / b.v,
            xy: (self.xy - qx * b.y - qy * b.x - q * b.xy) / b.v,
            yy: (self.yy - 2.0 * qy * b.y - q * b.yy) / b.v,
        }
    }
    #[inline]
    fn neg(self) -> Self {
        HyperDual {
            v: -self.v,
            x: -self.x,
            y: -self.y,
            xx: -self.xx,
            xy: -self.xy,
            yy: -self.yy,
        }
    }
    #[inline]
    fn func(self, f: Func) -> Self {
        let (g0, g1, g2) = f.second(self.v);
        self.chain(g0, g1, g2)
    }
    #[inline]
    fn powi(self, n: i32) -> Self {
        let (g0, g1, g2) = powi_second(self.v, n);
        self.chain(g0, g1, g2)
    }
    #[inline]
    fn powf(self, c: f64) -> Self {
        let (g0, g1, g2) = powf_second(self.v, c);
        self.chain(g0, g1, g2)
    }
    /// `p = a^b = exp(l)`, `l = b·ln a`: `p′ = p·l′`, `p″ = p·(l″ + l′l′ᵀ)`.
    #[inline]
    fn pow(self, b: Self) -> Self {
        let l = b.mul(self.func(Func::Log));
        let p = libm::pow(self.v, b.v);
        HyperDual {
            v: p,
            x: p * l.x,
            y: p * l.y,
            xx: p * (l.xx + l.x * l.x),
            xy: p * (l.xy + l.x * l.y),
            yy: p * (l.yy + l.y * l.y),
        }
    }
}

/// An operand read directly by an instruction: a constant or a variable.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Leaf {
    Const(f64),
    X,
    Y,
}

impl Leaf {
    #[inline(always)]
    fn load<T: Num>(self, xs: T, ys: T) -> T {
        match self {
            Leaf::Const(c) => T::constant(c),
            Leaf::X => xs,
            Leaf::Y => ys,
        }
    }
}

/// One instruction of the program, for a stack machine whose top is held apart (in a register):
/// binary operations with a leaf operand read it directly instead of pushing it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    /// Push the top; the leaf becomes the top.
    Load(Leaf),
    /// `top ← pop() ∘ top`.
    Bin(Bin),
    /// `top ← top ∘ leaf`.
    BinLeaf(Bin, Leaf),
    /// `top ← leaf ∘ top`.
    LeafBin(Bin, Leaf),
    /// `top ← −top`.
    Neg,
    /// `top ← top^n`, a constant integer exponent.
    PowI(i32),
    /// `top ← top^c`, a constant non-integer exponent.
    PowF(f64),
    /// `top ← f(top)`.
    Func(Func),
}

/// Points per chunk of [`CompiledExpr::value_row`].
pub const ROW_CHUNK: usize = 64;

/// `top[i] ← a ∘ b` over a chunk, `(a, b) = operands(top[i], i)`; the operation is chosen once.
#[inline(always)]
fn row_apply(op: Bin, top: &mut [f64], operands: impl Fn(f64, usize) -> (f64, f64)) {
    #[inline(always)]
    fn each(
        top: &mut [f64],
        operands: impl Fn(f64, usize) -> (f64, f64),
        f: impl Fn(f64, f64) -> f64,
    ) {
        for (i, t) in top.iter_mut().enumerate() {
            let (a, b) = operands(*t, i);
            *t = f(a, b);
        }
    }
    match op {
        Bin::Add => each(top, operands, |a, b| a + b),
        Bin::Sub => each(top, operands, |a, b| a - b),
        Bin::Mul => each(top, operands, |a, b| a * b),
        Bin::Div => each(top, operands, |a, b| a / b),
        Bin::Pow => each(top, operands, libm::pow),
    }
}

/// `a ∘ b`.
#[inline(always)]
fn apply<T: Num>(op: Bin, a: T, b: T) -> T {
    match op {
        Bin::Add => a.add(b),
        Bin::Sub => a.sub(b),
        Bin::Mul => a.mul(b),
        Bin::Div => a.div(b),
        Bin::Pow => a.pow(b),
    }
}

/// A parsed, folded and compiled expression: evaluate it with [`CompiledExpr::value`],
/// [`CompiledExpr::value_and_gradient`] or [`CompiledExpr::value_gradient_hessian`].
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledExpr {
    ops: Vec<Op>,
    /// Most values pushed below the top at once.
    depth: usize,
}

impl CompiledExpr {
    /// Parses and compiles `text` (grammar in the module doc).
    pub fn parse(text: &str) -> Result<CompiledExpr, ExprError> {
        let tree = parse_tree(text)?;
        let mut ops = Vec::new();
        emit(&fold(tree), &mut ops);
        let (mut depth, mut max_depth) = (0usize, 0usize);
        for op in &ops {
            match op {
                Op::Load(_) => depth += 1,
                Op::Bin(_) => depth -= 1,
                _ => {}
            }
            max_depth = max_depth.max(depth);
        }
        Ok(CompiledExpr {
            ops,
            depth: max_depth,
        })
    }

    /// The number of instructions of the compiled program (constants folded, leaf operands
    /// fused into the operations that read them).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the program is empty (never, for a parsed expression).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// f(x, y).
    #[inline]
    pub fn value(&self, x: f64, y: f64) -> f64 {
        self.run(x, y)
    }

    /// `(f, ∇f)` in one pass.
    #[inline]
    pub fn value_and_gradient(&self, x: f64, y: f64) -> (f64, [f64; 2]) {
        let d = self.run(
            Dual {
                v: x,
                x: 1.0,
                y: 0.0,
            },
            Dual {
                v: y,
                x: 0.0,
                y: 1.0,
            },
        );
        (d.v, [d.x, d.y])
    }

    /// `(f, ∇f, ∇²f)` in one pass; the Hessian is exactly symmetric.
    #[inline]
    pub fn value_gradient_hessian(&self, x: f64, y: f64) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let h = self.run(
            HyperDual {
                v: x,
                x: 1.0,
                ..HyperDual::ZERO
            },
            HyperDual {
                v: y,
                y: 1.0,
                ..HyperDual::ZERO
            },
        );
        (h.v, [h.x, h.y], [[h.xx, h.xy], [h.xy, h.yy]])
    }

    /// `f(x, y)` at every `x` of `xs` into `out` (one row of a heat map), bit-for-bit
    /// [`CompiledExpr::value`]: each instruction runs over a chunk of [`ROW_CHUNK`] points at a
    /// time, so the interpreter's dispatch is paid once per chunk, not once per point.
    ///
    /// # Panics
    /// If `out.len() != xs.len()`.
    pub fn value_row(&self, y: f64, xs: &[f64], out: &mut [f64]) {
        assert_eq!(out.len(), xs.len(), "value_row: one output per x");
        let mut stack = vec![[0.0; ROW_CHUNK]; self.depth];
        for (xs, out) in xs.chunks(ROW_CHUNK).zip(out.chunks_mut(ROW_CHUNK)) {
            let n = xs.len();
            let mut top = [0.0; ROW_CHUNK];
            let mut sp = 0;
            let leaf = |leaf: Leaf, i: usize| match leaf {
                Leaf::Const(c) => c,
                Leaf::X => xs[i],
                Leaf::Y => y,
            };
            for op in &self.ops {
                match *op {
                    Op::Load(l) => {
                        stack[sp] = top;
                        sp += 1;
                        for (i, t) in top[..n].iter_mut().enumerate() {
                            *t = leaf(l, i);
                        }
                    }
                    Op::Bin(b) => {
                        sp -= 1;
                        let below = &stack[sp];
                        row_apply(b, &mut top[..n], |t, i| (below[i], t));
                    }
                    Op::BinLeaf(b, l) => row_apply(b, &mut top[..n], |t, i| (t, leaf(l, i))),
                    Op::LeafBin(b, l) => row_apply(b, &mut top[..n], |t, i| (leaf(l, i), t)),
                    Op::Neg => top[..n].iter_mut().for_each(|t| *t = -*t),
                    Op::PowI(k) => top[..n].iter_mut().for_each(|t| *t = powi(*t, k)),
                    Op::PowF(c) => top[..n].iter_mut().for_each(|t| *t = libm::pow(*t, c)),
                    Op::Func(f) => top[..n].iter_mut().for_each(|t| *t = f.value(*t)),
                }
            }
            out.copy_from_slice(&top[..n]);
        }
    }

    /// Runs the program with the variables `x` and `y` seeded as `xs` and `ys`, on a stack held
    /// inline when it is shallow.
    #[inline]
    fn run<T: Num>(&self, xs: T, ys: T) -> T {
        if self.depth <= INLINE_STACK {
            let mut stack = [T::ZERO; INLINE_STACK];
            self.exec(&mut stack, xs, ys)
        } else {
            let mut stack = vec![T::ZERO; self.depth];
            self.exec(&mut stack, xs, ys)
        }
    }

    fn exec<T: Num>(&self, stack: &mut [T], xs: T, ys: T) -> T {
        let mut top = T::ZERO;
        let mut sp = 0;
        for op in &self.ops {
            top = match *op {
                Op::Load(leaf) => {
                    stack[sp] = top;
                    sp += 1;
                    leaf.load(xs, ys)
                }
                Op::Bin(b) => {
                    sp -= 1;
                    apply(b, stack[sp], top)
                }
                Op::BinLeaf(b, leaf) => apply(b, top, leaf.load(xs, ys)),
                Op::LeafBin(b, leaf) => apply(b, leaf.load(xs, ys), top),
                Op::Neg => top.neg(),
                Op::PowI(n) => top.powi(n),
                Op::PowF(c) => top.powf(c),
                Op::Func(f) => top.func(f),
            };
        }
        top
    }
}

/// The syntax tree.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Const(f64),
    X,
    Y,
    Neg(Box<Node>),
    Bin(Bin, Box<Node>, Box<Node>),
    Call(Func, Box<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// Folds every subtree free of `x` and `y` into a constant, evaluated with the same operations
/// as the `f64` stack machine.
fn fold(node: Node) -> Node {
    match node {
        Node::Neg(a) => match fold(*a) {
            Node::Const(c) => Node::Const(-c),
            a => Node::Neg(Box::new(a)),
        },
        Node::Call(f, a) => match fold(*a) {
            Node::Const(c) => Node::Const(f.value(c)),
            a => Node::Call(f, Box::new(a)),
        },
        Node::Bin(op, a, b) => match (fold(*a), fold(*b)) {
            (Node::Const(a), Node::Const(b)) => Node::Const(match op {
                Bin::Add => a + b,
                Bin::Sub => a - b,
                Bin::Mul => a * b,
                Bin::Div => a / b,
                Bin::Pow => match integer_exponent(b) {
                    Some(n) => powi(a, n),
                    None => libm::pow(a, b),
                },
            }),
            (a, b) => Node::Bin(op, Box::new(a), Box::new(b)),
        },
        leaf => leaf,
    }
}

/// `c` as an `i32` exponent when it is a whole number of moderate size.
fn integer_exponent(c: f64) -> Option<i32> {
    (c.fract() == 0.0 && c.abs() <= 1024.0).then_some(c as i32)
}

/// `node` as a leaf operand, if it is one.
fn leaf(node: &Node) -> Option<Leaf> {
    match node {
        Node::Const(c) => Some(Leaf::Const(*c)),
        Node::X => Some(Leaf::X),
        Node::Y => Some(Leaf::Y),
        _ => None,
    }
}

/// Appends the program of `node` to `ops`: on return its value is the top.
fn emit(node: &Node, ops: &mut Vec<Op>) {
    if let Some(l) = leaf(node) {
        ops.push(Op::Load(l));
        return;
    }
    match node {
        Node::Neg(a) => {
            emit(a, ops);
            ops.push(Op::Neg);
        }
        Node::Call(f, a) => {
            emit(a, ops);
            ops.push(Op::Func(*f));
        }
        Node::Bin(op, a, b) => match (leaf(a), leaf(b)) {
            (_, Some(Leaf::Const(c))) if *op == Bin::Pow => {
                emit(a, ops);
                ops.push(match integer_exponent(c) {
                    Some(n) => Op::PowI(n),
                    None => Op::PowF(c),
                });
            }
            (_, Some(lb)) => {
                emit(a, ops);
                ops.push(Op::BinLeaf(*op, lb));
            }
            (Some(la), None) => {
                emit(b, ops);
                ops.push(Op::LeafBin(*op, la));
            }
            (None, None) => {
                emit(a, ops);
                emit(b, ops);
                ops.push(Op::Bin(*op));
            }
        },
        Node::Const(_) | Node::X | Node::Y => {}
    }
}

/// A token and the 0-based index of its first character.
#[derive(Clone, Debug, PartialEq)]
struct Token {
    kind: Tok,
    at: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
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

fn error(at: usize, message: impl Into<String>) -> ExprError {
    ExprError {
        position: at + 1,
        message: message.into(),
    }
}

/// Splits `chars` into tokens, ending with [`Tok::End`] one past the last character.
fn lex(chars: &[char]) -> Result<Vec<Token>, ExprError> {
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
                    format!("malformed number `{text}` at position {}", at + 1),
                )
            })?;
            if !value.is_finite() {
                return Err(error(
                    at,
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

/// Parses `text` into a syntax tree, refusing empty and over-long expressions.
fn parse_tree(text: &str) -> Result<Node, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_LEN {
        return Err(ExprError {
            position: MAX_LEN + 1,
            message: format!(
                "the expression has {} characters; at most {MAX_LEN} are accepted",
                chars.len()
            ),
        });
    }
    if chars.iter().all(|c| c.is_whitespace()) {
        return Err(ExprError {
            position: 1,
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
            format!(
                "unmatched ')' at position {} (no '(' is open)",
                token.at + 1
            ),
        )),
        Tok::Number(_) | Tok::Ident(_) | Tok::Open => Err(error(
            token.at,
            format!(
                "expected an operator at position {} (write * for a product, e.g. 2*x)",
                token.at + 1
            ),
        )),
        _ => Err(error(
            token.at,
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
                    let names: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
                    return Err(error(
                        at,
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
                            format!("unknown variable `{name}` at position {} ({hint})", at + 1),
                        ))
                    }
                }
            }
            Tok::End => Err(error(
                at,
                format!(
                    "expected a number, x, y, a function or '(' at position {} (the expression ends too early)",
                    at + 1
                ),
            )),
            Tok::Close => Err(error(
                at,
                format!(
                    "expected a number, x, y, a function or '(' at position {}, not ')'",
                    at + 1
                ),
            )),
            _ => Err(error(
                at,
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
    use super::*;
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
    fn constants_are_folded() {
        let program = CompiledExpr::parse("2*pi*cos(0.3)*x").unwrap();
        assert_eq!(program.len(), 2, "{program:?}");
        let rosenbrock = CompiledExpr::parse("(1-x)^2 + 100*(y-x^2)^2").unwrap();
        assert_eq!(rosenbrock.len(), 9, "{rosenbrock:?}");
        assert_eq!(rosenbrock.depth, 2);
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

    #[test]
    fn derivatives_of_each_function() {
        use std::f64::consts::PI;
        // (expression, f, f_x, f_xx) at x = a, with y absent.
        let a = 0.7_f64;
        let cases: &[(&str, f64, f64, f64)] = &[
            ("sin(x)", libm::sin(a), libm::cos(a), -libm::sin(a)),
            ("cos(x)", libm::cos(a), -libm::sin(a), -libm::cos(a)),
            (
                "tan(x)",
                libm::tan(a),
                1.0 / libm::cos(a).powi(2),
                2.0 * libm::tan(a) / libm::cos(a).powi(2),
            ),
            ("exp(x)", libm::exp(a), libm::exp(a), libm::exp(a)),
            ("log(x)", libm::log(a), 1.0 / a, -1.0 / (a * a)),
            (
                "sqrt(x)",
                a.sqrt(),
                0.5 / a.sqrt(),
                -0.25 * libm::pow(a, -1.5),
            ),
            ("abs(x)", a, 1.0, 0.0),
            ("abs(-x)", a, 1.0, 0.0),
            (
                "tanh(x)",
                libm::tanh(a),
                1.0 - libm::tanh(a).powi(2),
                -2.0 * libm::tanh(a) * (1.0 - libm::tanh(a).powi(2)),
            ),
            ("x^3", a.powi(3), 3.0 * a * a, 6.0 * a),
            ("x^-2", a.powi(-2), -2.0 * a.powi(-3), 6.0 * a.powi(-4)),
            ("x^1.5", libm::pow(a, 1.5), 1.5 * a.sqrt(), 0.75 / a.sqrt()),
            (
                "2^x",
                libm::pow(2f64, a),
                libm::pow(2f64, a) * libm::log(2f64),
                libm::pow(2f64, a) * libm::log(2f64).powi(2),
            ),
            (
                "x^x",
                libm::pow(a, a),
                libm::pow(a, a) * (libm::log(a) + 1.0),
                libm::pow(a, a) * ((libm::log(a) + 1.0).powi(2) + 1.0 / a),
            ),
            ("1/x", 1.0 / a, -1.0 / (a * a), 2.0 / a.powi(3)),
            (
                "x/(1+x)",
                a / (1.0 + a),
                1.0 / (1.0 + a).powi(2),
                -2.0 / (1.0 + a).powi(3),
            ),
            (
                "sin(pi*x)",
                libm::sin(PI * a),
                PI * libm::cos(PI * a),
                -PI * PI * libm::sin(PI * a),
            ),
        ];
        for &(text, f, fx, fxx) in cases {
            let program = CompiledExpr::parse(text).unwrap();
            let (v, g, h) = program.value_gradient_hessian(a, 0.3);
            let close = |p: f64, q: f64| (p - q).abs() <= 1e-12 * (1.0 + q.abs());
            assert!(
                close(v, f) && close(g[0], fx) && close(h[0][0], fxx),
                "{text}: {v} {g:?} {h:?}"
            );
            assert_eq!((g[1], h[0][1], h[1][1]), (0.0, 0.0, 0.0), "{text}");
        }
        // abs at 0 takes the derivative 0; x^1 and x^0 stay finite at 0.
        for text in ["abs(x)", "x^1", "x^0", "x^2"] {
            let (_, g, h) = CompiledExpr::parse(text)
                .unwrap()
                .value_gradient_hessian(0.0, 0.0);
            assert!(
                g.iter().chain(h.iter().flatten()).all(|v| v.is_finite()),
                "{text}"
            );
        }
    }

    #[test]
    fn mixed_second_derivatives() {
        let program = CompiledExpr::parse("x^2*y^3 + sin(x*y) + x/y").unwrap();
        let (x, y) = (0.4_f64, 1.3_f64);
        let (_, g, h) = program.value_gradient_hessian(x, y);
        let expected_g = [
            2.0 * x * y.powi(3) + y * libm::cos(x * y) + 1.0 / y,
            3.0 * x * x * y * y + x * libm::cos(x * y) - x / (y * y),
        ];
        let expected_h = [
            [
                2.0 * y.powi(3) - y * y * libm::sin(x * y),
                6.0 * x * y * y + libm::cos(x * y) - x * y * libm::sin(x * y) - 1.0 / (y * y),
            ],
            [
                0.0,
                6.0 * x * x * y - x * x * libm::sin(x * y) + 2.0 * x / y.powi(3),
            ],
        ];
        for i in 0..2 {
            assert!((g[i] - expected_g[i]).abs() < 1e-12, "{g:?}");
        }
        assert!((h[0][0] - expected_h[0][0]).abs() < 1e-12);
        assert!((h[0][1] - expected_h[0][1]).abs() < 1e-12);
        assert!((h[1][1] - expected_h[1][1]).abs() < 1e-12);
        assert_eq!(h[0][1], h[1][0]);
    }

    #[test]
    fn rows_are_the_points_bit_for_bit() {
        for text in [
            "(1-x)^2 + 100*(y-x^2)^2",
            "x^y + 2^x - sqrt(x)",
            "sin(x)+(sin(x)+(cos(y)+(x/y)))",
            "-x^3 / (1 + tanh(y*x)) + abs(x) * log(x^2)",
            "3",
            "y",
        ] {
            let program = CompiledExpr::parse(text).unwrap();
            for n in [0, 1, 63, 64, 65, 200] {
                let xs: Vec<f64> = (0..n).map(|i| -2.0 + 0.0371 * i as f64).collect();
                let mut out = vec![f64::NAN; n];
                program.value_row(0.7, &xs, &mut out);
                for (x, v) in xs.iter().zip(&out) {
                    let expected = program.value(*x, 0.7);
                    assert!(
                        v.to_bits() == expected.to_bits() || (v.is_nan() && expected.is_nan()),
                        "{text} at {x}: {v} vs {expected}"
                    );
                }
            }
        }
    }

    proptest! {
        /// The three passes agree bit-for-bit on the value, the dual and hyper-dual passes on
        /// the gradient.
        #[test]
        fn passes_agree(x in -3.0..3.0_f64, y in -3.0..3.0_f64, which in 0..6_usize) {
            let text = [
                "(1-x)^2 + 100*(y-x^2)^2",
                "x^2 + 10*sin(y)",
                "exp(-(x^2+y^2)/2) * cos(3*x) / (2 + tanh(y))",
                "sqrt(x^2 + y^2 + 1) + abs(x - y) + log(1 + x^4)",
                "x^y + 2^x",
                "tan(x/3) - x*y^-2",
            ][which];
            let program = CompiledExpr::parse(text).unwrap();
            let v = program.value(x, y);
            let (v1, g1) = program.value_and_gradient(x, y);
            let (v2, g2, h) = program.value_gradient_hessian(x, y);
            prop_assert!(v.to_bits() == v1.to_bits() || (v.is_nan() && v1.is_nan()));
            prop_assert!(v.to_bits() == v2.to_bits() || (v.is_nan() && v2.is_nan()));
            for i in 0..2 {
                prop_assert!(g1[i].to_bits() == g2[i].to_bits() || (g1[i].is_nan() && g2[i].is_nan()));
            }
            prop_assert!(h[0][1].to_bits() == h[1][0].to_bits());
        }

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
