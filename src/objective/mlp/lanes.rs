//! Two `f64` lanes for the exact path ([`super::train`]): a WebAssembly SIMD vector (`v128`) in
//! the browser, a plain pair natively. Every operation is the IEEE operation of each lane on its
//! own — no fused multiply-add, no reassociation — so two samples computed side by side give the
//! very bits each gives alone, natively and in WebAssembly, and the native tests check the
//! numbers the page trains with.
//!
//! [`tanh`] here is [`crate::objective::tanh::tanh`] lane by lane, bit for bit: both of its
//! branches computed and the lane's one selected.

#[cfg(target_arch = "wasm32")]
use core::arch::wasm32::{
    f64x2, f64x2_abs, f64x2_add, f64x2_div, f64x2_extract_lane, f64x2_floor, f64x2_ge, f64x2_lt,
    f64x2_mul, f64x2_pmax, f64x2_splat, f64x2_sub, i64x2_add, i64x2_all_true, i64x2_shl,
    i64x2_shuffle, i64x2_splat, v128, v128_and, v128_andnot, v128_any_true, v128_bitselect,
    v128_or,
};

use crate::objective::tanh::{
    EXP_P, EXP_Q, LN2_HI, LN2_LO, SATURATION, SMALL, TANH_P, TANH_Q, TINY,
};

/// Two `f64` lanes.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, Debug)]
pub(super) struct F2(v128);

/// Two `f64` lanes.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug)]
pub(super) struct F2([f64; 2]);

/// A lane mask: all ones where a comparison holds.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, Debug)]
pub(super) struct Mask(v128);

/// A lane mask: where a comparison holds.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug)]
pub(super) struct Mask([bool; 2]);

#[cfg(target_arch = "wasm32")]
impl Mask {
    /// Whether the comparison holds in both lanes.
    #[inline]
    #[target_feature(enable = "simd128")]
    fn all(self) -> bool {
        i64x2_all_true(self.0)
    }
    /// Whether the comparison holds in some lane.
    #[inline]
    #[target_feature(enable = "simd128")]
    fn any(self) -> bool {
        v128_any_true(self.0)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Mask {
    /// Whether the comparison holds in both lanes.
    #[inline]
    fn all(self) -> bool {
        self.0[0] && self.0[1]
    }
    /// Whether the comparison holds in some lane.
    #[inline]
    fn any(self) -> bool {
        self.0[0] || self.0[1]
    }
}

#[cfg(target_arch = "wasm32")]
impl F2 {
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn splat(v: f64) -> F2 {
        F2(f64x2_splat(v))
    }
    /// The lanes `[a, b]`.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn new(a: f64, b: f64) -> F2 {
        F2(f64x2(a, b))
    }
    /// The lanes as an array.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn to_array(self) -> [f64; 2] {
        [
            f64x2_extract_lane::<0>(self.0),
            f64x2_extract_lane::<1>(self.0),
        ]
    }
    /// The first lane in both.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn first(self) -> F2 {
        F2(i64x2_shuffle::<0, 0>(self.0, self.0))
    }
    /// The second lane in both.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn second(self) -> F2 {
        F2(i64x2_shuffle::<1, 1>(self.0, self.0))
    }
    /// `[self[0], o[0]]`.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn firsts(self, o: F2) -> F2 {
        F2(i64x2_shuffle::<0, 2>(self.0, o.0))
    }
    /// `[self[1], o[1]]`.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn seconds(self, o: F2) -> F2 {
        F2(i64x2_shuffle::<1, 3>(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn add(self, o: F2) -> F2 {
        F2(f64x2_add(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn sub(self, o: F2) -> F2 {
        F2(f64x2_sub(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn mul(self, o: F2) -> F2 {
        F2(f64x2_mul(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn div(self, o: F2) -> F2 {
        F2(f64x2_div(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn abs(self) -> F2 {
        F2(f64x2_abs(self.0))
    }
    /// `⌊x⌋` per lane.
    #[inline]
    #[target_feature(enable = "simd128")]
    fn floor(self) -> F2 {
        F2(f64x2_floor(self.0))
    }
    /// `0 < x ? x : 0` per lane (wasm's `pmax`): `NaN` gives `0`, as `f64::max(x, 0)`.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn relu(self) -> F2 {
        F2(f64x2_pmax(f64x2_splat(0.0), self.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn lt(self, o: F2) -> Mask {
        Mask(f64x2_lt(self.0, o.0))
    }
    #[inline]
    #[target_feature(enable = "simd128")]
    fn ge(self, o: F2) -> Mask {
        Mask(f64x2_ge(self.0, o.0))
    }
    /// `mask ? yes : self` per lane.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn replace(self, mask: Mask, yes: F2) -> F2 {
        F2(v128_bitselect(yes.0, self.0, mask.0))
    }
    /// `|self|` with the sign of `sign`, per lane.
    #[inline]
    #[target_feature(enable = "simd128")]
    fn copysign(self, sign: F2) -> F2 {
        let bit = f64x2_splat(-0.0);
        F2(v128_or(v128_andnot(self.0, bit), v128_and(sign.0, bit)))
    }
    /// `2ⁿ` for lanes holding a whole number `n` with `−1022 ≤ n ≤ 1023` (other lanes: some
    /// number).
    #[inline]
    #[target_feature(enable = "simd128")]
    fn exp2_int(self) -> F2 {
        // n + 2⁵² has n in its low mantissa bits; shifting (n + 1023) to the exponent field
        // pushes the constant's own exponent bits out.
        let biased = f64x2_add(self.0, f64x2_splat(4_503_599_627_370_496.0));
        F2(i64x2_shl(i64x2_add(biased, i64x2_splat(1023)), 52))
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl F2 {
    #[inline]
    fn map(self, f: impl Fn(f64) -> f64) -> F2 {
        F2([f(self.0[0]), f(self.0[1])])
    }
    #[inline]
    fn zip(self, o: F2, f: impl Fn(f64, f64) -> f64) -> F2 {
        F2([f(self.0[0], o.0[0]), f(self.0[1], o.0[1])])
    }
    #[inline]
    pub(super) fn splat(v: f64) -> F2 {
        F2([v; 2])
    }
    /// The lanes `[a, b]`.
    #[inline]
    pub(super) fn new(a: f64, b: f64) -> F2 {
        F2([a, b])
    }
    /// The lanes as an array.
    #[inline]
    pub(super) fn to_array(self) -> [f64; 2] {
        self.0
    }
    /// The first lane in both.
    #[inline]
    pub(super) fn first(self) -> F2 {
        F2([self.0[0]; 2])
    }
    /// The second lane in both.
    #[inline]
    pub(super) fn second(self) -> F2 {
        F2([self.0[1]; 2])
    }
    /// `[self[0], o[0]]`.
    #[inline]
    pub(super) fn firsts(self, o: F2) -> F2 {
        F2([self.0[0], o.0[0]])
    }
    /// `[self[1], o[1]]`.
    #[inline]
    pub(super) fn seconds(self, o: F2) -> F2 {
        F2([self.0[1], o.0[1]])
    }
    #[inline]
    pub(super) fn add(self, o: F2) -> F2 {
        self.zip(o, |a, b| a + b)
    }
    #[inline]
    pub(super) fn sub(self, o: F2) -> F2 {
        self.zip(o, |a, b| a - b)
    }
    #[inline]
    pub(super) fn mul(self, o: F2) -> F2 {
        self.zip(o, |a, b| a * b)
    }
    #[inline]
    pub(super) fn div(self, o: F2) -> F2 {
        self.zip(o, |a, b| a / b)
    }
    #[inline]
    fn abs(self) -> F2 {
        self.map(f64::abs)
    }
    /// `⌊x⌋` per lane, for lanes `0 ≤ x < 2⁶³` (others: some number); a conversion rather
    /// than `f64::floor`, which is a library call on baseline x86-64.
    #[inline]
    fn floor(self) -> F2 {
        self.map(|x| x as i64 as f64)
    }
    /// `0 < x ? x : 0` per lane (wasm's `pmax`): `NaN` gives `0`, as `f64::max(x, 0)`.
    #[inline]
    pub(super) fn relu(self) -> F2 {
        self.map(|x| if 0.0 < x { x } else { 0.0 })
    }
    #[inline]
    pub(super) fn lt(self, o: F2) -> Mask {
        Mask([self.0[0] < o.0[0], self.0[1] < o.0[1]])
    }
    #[inline]
    fn ge(self, o: F2) -> Mask {
        Mask([self.0[0] >= o.0[0], self.0[1] >= o.0[1]])
    }
    /// `mask ? yes : self` per lane.
    #[inline]
    pub(super) fn replace(self, mask: Mask, yes: F2) -> F2 {
        let pick = |k: usize| if mask.0[k] { yes.0[k] } else { self.0[k] };
        F2([pick(0), pick(1)])
    }
    /// `|self|` with the sign of `sign`, per lane.
    #[inline]
    fn copysign(self, sign: F2) -> F2 {
        self.zip(sign, f64::copysign)
    }
    /// `2ⁿ` for lanes holding a whole number `n` with `−1022 ≤ n ≤ 1023` (other lanes: some
    /// number).
    #[inline]
    fn exp2_int(self) -> F2 {
        self.map(|n| {
            let biased = (n + 4_503_599_627_370_496.0).to_bits();
            f64::from_bits(biased.wrapping_add(1023) << 52)
        })
    }
}

/// [`crate::objective::tanh::tanh`] of each lane, to the bit: each branch of the scalar function
/// that some lane takes is computed, and each lane's result selected.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub(super) fn tanh(x: F2) -> F2 {
    let a = x.abs();
    let small = a.lt(F2::splat(SMALL));
    let value = if small.all() {
        tanh_small(x)
    } else {
        let large = tanh_large(x, a);
        if small.any() {
            large.replace(small, tanh_small(x))
        } else {
            large
        }
    };
    let one = F2::splat(1.0);
    value
        .replace(a.ge(F2::splat(SATURATION)), one.copysign(x))
        .replace(a.lt(F2::splat(TINY)), x)
}

/// The scalar `tanh`'s branch for `|x| < SMALL`: `x + x·z·P(z)/Q(z)`, `z = x²`.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn tanh_small(x: F2) -> F2 {
    let z = x.mul(x);
    let p = F2::splat(TANH_P[0])
        .mul(z)
        .add(F2::splat(TANH_P[1]))
        .mul(z)
        .add(F2::splat(TANH_P[2]));
    let q = z
        .add(F2::splat(TANH_Q[0]))
        .mul(z)
        .add(F2::splat(TANH_Q[1]))
        .mul(z)
        .add(F2::splat(TANH_Q[2]));
    x.add(x.mul(z).mul(p.div(q)))
}

/// The scalar `tanh`'s branch for `SMALL ≤ |x| < SATURATION` (`a = |x|`):
/// `1 − 2(q − p)/(2ⁿ(q + p) + (q − p))` from `e^{2|x|} = 2ⁿ e^r`, with the sign of `x`.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn tanh_large(x: F2, a: F2) -> F2 {
    let y = F2::splat(2.0).mul(a);
    let n = y
        .mul(F2::splat(std::f64::consts::LOG2_E))
        .add(F2::splat(0.5))
        .floor();
    let r = y
        .sub(n.mul(F2::splat(LN2_HI)))
        .sub(n.mul(F2::splat(LN2_LO)));
    let rr = r.mul(r);
    let ep = r.mul(
        F2::splat(EXP_P[0])
            .mul(rr)
            .add(F2::splat(EXP_P[1]))
            .mul(rr)
            .add(F2::splat(EXP_P[2])),
    );
    let eq = F2::splat(EXP_Q[0])
        .mul(rr)
        .add(F2::splat(EXP_Q[1]))
        .mul(rr)
        .add(F2::splat(EXP_Q[2]))
        .mul(rr)
        .add(F2::splat(EXP_Q[3]));
    let scale = n.exp2_int();
    let (up, down) = (scale.mul(eq.add(ep)), eq.sub(ep));
    F2::splat(1.0)
        .sub(F2::splat(2.0).mul(down).div(up.add(down)))
        .copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lane by lane the very bits of the scalar `tanh`, on every branch and its edges.
    #[test]
    fn tanh_lanes_are_the_scalar_tanh() {
        let mut xs = vec![
            0.0, -0.0, 1e-300, 3e-9, 4e-9, 0.3, 0.624_999, 0.625, 0.7, 1.0, 3.0, 10.0, 21.999,
            22.0, 40.0, 1e300,
        ];
        let mut state = 7_u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            xs.push(((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 12.0);
        }
        xs.extend(xs.clone().iter().map(|x| -x));
        for pair in xs.chunks_exact(2) {
            let out = tanh(F2::new(pair[0], pair[1])).to_array();
            for (x, got) in pair.iter().zip(out) {
                let want = crate::objective::tanh::tanh(*x);
                assert_eq!(got.to_bits(), want.to_bits(), "tanh({x:e})");
            }
        }
        let out = tanh(F2::new(f64::NAN, f64::INFINITY)).to_array();
        assert!(out[0].is_nan());
        assert_eq!(out[1], 1.0);
    }
}
