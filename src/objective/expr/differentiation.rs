//! Exact derivatives by forward-mode automatic differentiation: the number types the stack
//! machine computes with (`f64`, dual and hyper-dual numbers, through [`Num`]) and each built-in
//! function's first and second derivative ([`Func`], the powers). Every type computes its value
//! with the same floating-point operations, so the three passes agree bit for bit (module doc of
//! [`super`]).

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

    pub(super) fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// `g(a)`.
    #[inline]
    pub(super) fn value(self, a: f64) -> f64 {
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
pub(super) fn powi(a: f64, n: i32) -> f64 {
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
pub(super) trait Num: Copy {
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
pub(super) struct Dual {
    pub(super) v: f64,
    pub(super) x: f64,
    pub(super) y: f64,
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
pub(super) struct HyperDual {
    pub(super) v: f64,
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) xx: f64,
    pub(super) xy: f64,
    pub(super) yy: f64,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::objective::expr::CompiledExpr;
    use proptest::prelude::*;

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
    }
}
