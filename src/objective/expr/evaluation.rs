//! Evaluation: the syntax tree folded (every subtree without `x` or `y` one constant) and
//! compiled to a postfix program, and the stack machine that runs it over `f64`, dual and
//! hyper-dual numbers — a point at a time, or a row of a heat map a chunk at a time.

use super::differentiation::{powi, Dual, Func, HyperDual, Num};
use super::parser::{parse_tree, Bin, Node};
use super::ExprError;

/// Stack slots held inline (no heap allocation) by an evaluation; deeper programs use a `Vec`.
pub(super) const INLINE_STACK: usize = 8;

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
    pub(super) depth: usize,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_folded() {
        let program = CompiledExpr::parse("2*pi*cos(0.3)*x").unwrap();
        assert_eq!(program.len(), 2, "{program:?}");
        let rosenbrock = CompiledExpr::parse("(1-x)^2 + 100*(y-x^2)^2").unwrap();
        assert_eq!(rosenbrock.len(), 9, "{rosenbrock:?}");
        assert_eq!(rosenbrock.depth, 2);
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
}
