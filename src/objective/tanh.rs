//! `tanh` for the network's training path: pure `f64` arithmetic (no call into the platform's
//! libm), so a trained network is bit-for-bit the same natively and in WebAssembly, and about
//! twice as fast as `f64::tanh` in the browser, where `f64::tanh` is a software `expm1`.
//!
//! Accuracy: within 2 ulp of the correctly rounded value on all of `f64` (the tests compare with
//! `f64::tanh` on a million points and at the edges); odd, monotone, exactly `±1` beyond
//! `|x| = 22` and exactly `x` for tiny `x`.
//!
//! # Method
//!
//! * `|x| < 0.625`: Moshier's Cephes `tanh` rational form,
//!   `tanh x = x + x·z·P(z)/Q(z)`, `z = x²` (Cephes Math Library, `tanh.c`, relative error
//!   about 2·10⁻¹⁶ on this interval).
//! * `0.625 ≤ |x| < 22`: `tanh x = 1 − 2/(e + 1)` with `e = e^{2|x|}`, written with one
//!   division (subtracting from 1 last keeps it monotone as it nears 1). `e` comes from Cody & Waite's argument reduction `2|x| = n·ln 2 + r`,
//!   `|r| ≤ ½ ln 2` (ln 2 split in two so `n·ln2_hi` is exact), and Cephes' Padé form
//!   `e^r = (Q(r²) + r·P(r²)) / (Q(r²) − r·P(r²))` (`exp.c`); so
//!   `tanh x = 1 − 2(q − p) / (2ⁿ(q + p) + (q − p))`.
//! * `|x| ≥ 22`: `±1` (`1 − tanh 22 < 2⁻⁶³`, far below half an ulp of 1).
//!
//! (W. J. Cody & W. Waite, *Software Manual for the Elementary Functions*, 1980; S. L. Moshier,
//! *Methods and Programs for Mathematical Functions*, 1989.)

// The coefficients as Cephes prints them (more digits than an f64 holds; the nearest f64 is
// meant).
/// Cephes `tanh.c`: numerator of the rational part on `|x| < 0.625`, highest power first.
#[allow(clippy::excessive_precision)]
pub(crate) const TANH_P: [f64; 3] = [
    -9.64399179425052238628E-1,
    -9.92877231001918586564E1,
    -1.61468768441708447952E3,
];
/// Cephes `tanh.c`: denominator (leading coefficient 1), highest power first.
#[allow(clippy::excessive_precision)]
pub(crate) const TANH_Q: [f64; 3] = [
    1.12811678491632931402E2,
    2.23548839060100448583E3,
    4.84406305325125486048E3,
];
/// Cephes `exp.c`: `P` of the Padé form of `e^r`, highest power first.
#[allow(clippy::excessive_precision)]
pub(crate) const EXP_P: [f64; 3] = [
    1.26177193074810590878E-4,
    3.02994407707441961300E-2,
    9.99999999999999999910E-1,
];
/// Cephes `exp.c`: `Q` of the Padé form of `e^r`, highest power first.
#[allow(clippy::excessive_precision)]
pub(crate) const EXP_Q: [f64; 4] = [
    3.00198505138664455042E-6,
    2.52448340349684104192E-3,
    2.27265548208155028766E-1,
    2.00000000000000000009E0,
];
/// `ln 2` in two parts (Cody–Waite): `LN2_HI` has few enough bits that `n·LN2_HI` is exact for
/// every `n` used here.
pub(crate) const LN2_HI: f64 = 6.93145751953125E-1;
#[allow(clippy::excessive_precision)]
pub(crate) const LN2_LO: f64 = 1.42860682030941723212E-6;

/// Below this `|x|` (2⁻²⁸), `tanh x` rounds to `x`.
pub(crate) const TINY: f64 = 3.725_290_298_461_914e-9;

/// Below this `|x|`, the rational form of Cephes' `tanh.c`; from it on, the one through `e^{2|x|}`.
pub(crate) const SMALL: f64 = 0.625;

/// Beyond this `|x|`, `tanh x` rounds to `±1`.
pub(crate) const SATURATION: f64 = 22.0;

/// `tanh x` (see the module doc for the method and its accuracy); `NaN` stays `NaN`.
#[inline]
pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    if a < TINY {
        // tanh x = x − x³/3 + …, and x²/3 is below half an ulp here (this also keeps −0).
        return x;
    }
    if a < SMALL {
        let z = x * x;
        let p = (TANH_P[0] * z + TANH_P[1]) * z + TANH_P[2];
        let q = ((z + TANH_Q[0]) * z + TANH_Q[1]) * z + TANH_Q[2];
        return x + x * z * (p / q);
    }
    if a >= SATURATION {
        return 1.0f64.copysign(x);
    }
    if a.is_nan() {
        return x;
    }
    // 2|x| = n·ln 2 + r, n = round(2|x| / ln 2), |r| ≤ ½ ln 2.
    let y = 2.0 * a;
    // Positive here, so truncation is the floor (and needs no call into libm's floor).
    let n = ((y * std::f64::consts::LOG2_E + 0.5) as u64) as f64;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    let rr = r * r;
    let p = r * ((EXP_P[0] * rr + EXP_P[1]) * rr + EXP_P[2]);
    let q = ((EXP_Q[0] * rr + EXP_Q[1]) * rr + EXP_Q[2]) * rr + EXP_Q[3];
    // 1 ≤ n ≤ 64 here, so 2ⁿ is an exact power of two built from its exponent bits.
    let scale = f64::from_bits((n as u64 + 1023) << 52);
    // e^{2|x|} = 2ⁿ (q + p)/(q − p); tanh = 1 − 2/(e + 1), with one division. (Subtracting
    // from 1 last keeps the result monotone as it approaches 1.)
    let (up, down) = (scale * (q + p), q - p);
    (1.0 - 2.0 * down / (up + down)).copysign(x)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // the platform's `tanh` is the independent reference
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite numbers of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn within_two_ulp_of_the_platform_tanh_everywhere() {
        // SplitMix64 over exponents and mantissas: every binade from 1e-12 to 30.
        let mut state = 0x1234_5678_u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut worst = (0, 0.0);
        for _ in 0..1_000_000 {
            let bits = next();
            let unit = (bits >> 11) as f64 / (1u64 << 53) as f64;
            let magnitude = libm::pow(10f64, -12.0 + 13.5 * unit);
            let x = if bits & 1 == 0 { magnitude } else { -magnitude };
            let err = ulps(tanh(x), x.tanh());
            if err > worst.0 {
                worst = (err, x);
            }
        }
        // Uniform on [−3, 3] as well, where training spends its time.
        for _ in 0..1_000_000 {
            let x = -3.0 + 6.0 * (next() >> 11) as f64 / (1u64 << 53) as f64;
            let err = ulps(tanh(x), x.tanh());
            if err > worst.0 {
                worst = (err, x);
            }
        }
        assert!(worst.0 <= 2, "{} ulp at x = {:e}", worst.0, worst.1);
    }

    #[test]
    fn edges_and_special_values() {
        assert_eq!(tanh(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(1e-300), 1e-300);
        assert_eq!(tanh(f64::MIN_POSITIVE / 4.0), f64::MIN_POSITIVE / 4.0);
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
        assert_eq!(tanh(f64::MAX), 1.0);
        assert_eq!(tanh(-1e300), -1.0);
        assert_eq!(tanh(21.999), 1.0);
        assert!(tanh(f64::NAN).is_nan());
        for x in [0.624_999_999, 0.625, 0.625_000_001, 19.0, 21.0, 22.0] {
            assert!(ulps(tanh(x), x.tanh()) <= 2, "{x}");
        }
    }

    #[test]
    fn odd_and_monotone() {
        let mut previous = -1.0;
        let mut x = -23.0;
        while x < 23.0 {
            let t = tanh(x);
            assert_eq!(t, -tanh(-x), "odd at {x}");
            assert!(t >= previous, "monotone at {x}");
            assert!((-1.0..=1.0).contains(&t));
            previous = t;
            x += 0.000_37;
        }
        // Across the switch between the two forms, ulp by ulp.
        let mut x: f64 = 0.625;
        for _ in 0..64 {
            x = f64::from_bits(x.to_bits() - 1);
        }
        let mut previous = tanh(x);
        for _ in 0..128 {
            x = f64::from_bits(x.to_bits() + 1);
            assert!(tanh(x) >= previous);
            previous = tanh(x);
        }
    }
}
