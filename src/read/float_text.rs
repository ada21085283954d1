//! Reading a number from text exactly as Rust's `f64::from_str` does, through serde_json's
//! correctly rounded float parser.
//!
//! The wasm needs one exact decimal-to-binary conversion for scenario JSON (serde_json's, with
//! `float_roundtrip`); `str::parse::<f64>` would link core's too, whose code and 10 KB table of
//! powers of five come to 13 KB of the gzipped wasm. So the lab's own number reading (URL
//! settings, expression literals, CSV cells, rounding) goes through [`parse_f64`], which accepts
//! Rust's grammar — `+1`, `.5`, `5.`, `1E5`, `inf`, `NaN`, no spaces — rewrites it in JSON's
//! and hands it to serde_json. The tests check it against `f64::from_str` bit for bit.

/// `text` as `f64::from_str` reads it: the nearest `f64` (ties to even), `±∞` beyond the
/// largest, or `None` where Rust's parser refuses the text.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let signed = |v: f64| if negative { -v } else { v };
    for (name, value) in [
        ("inf", f64::INFINITY),
        ("infinity", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        if body.eq_ignore_ascii_case(name) {
            return Some(signed(value));
        }
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    if exponent.is_none() {
        if let Some(value) = fast_path(whole, fraction) {
            return Some(signed(value));
        }
    }
    // JSON: an optional minus, no leading zeros, a fraction that is never empty (so `-0` is read
    // as the float −0, not the integer 0), an exponent with at least one digit.
    let mut json = String::with_capacity(text.len() + 4);
    if negative {
        json.push('-');
    }
    let whole = whole.trim_start_matches('0');
    json.push_str(if whole.is_empty() { "0" } else { whole });
    json.push('.');
    json.push_str(if fraction.is_empty() { "0" } else { fraction });
    if let Some(exponent) = exponent {
        let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if unsigned.is_empty() || !digits(unsigned) {
            return None;
        }
        json.push('e');
        json.push_str(exponent);
    }
    // The text is a valid JSON number now; serde_json refuses one only beyond f64's range.
    Some(serde_json::from_str::<f64>(&json).unwrap_or(signed(f64::INFINITY)))
}

/// Plain decimal digits `whole.fraction` of at most 15 digits in all, without the detour through
/// JSON (a CSV of 10 000 rows reads 30 000 of them): their integer `m` < 10¹⁵ < 2⁵³ and `10^k`
/// (k ≤ 15 < 23) are both exact in an `f64`, so the one correctly rounded division `m / 10^k` is
/// the nearest `f64` to the decimal — Clinger's fast path (W. D. Clinger, "How to read floating
/// point numbers accurately", PLDI 1990). `None` for longer texts.
fn fast_path(whole: &str, fraction: &str) -> Option<f64> {
    const MOST_DIGITS: usize = 15;
    if whole.len() + fraction.len() > MOST_DIGITS {
        return None;
    }
    let mantissa = whole
        .bytes()
        .chain(fraction.bytes())
        .fold(0_u64, |m, digit| m * 10 + u64::from(digit - b'0'));
    let scale = (0..fraction.len()).fold(1.0_f64, |p, _| p * 10.0);
    Some(mantissa as f64 / scale)
}

#[cfg(test)]
mod tests {
    use super::parse_f64;
    use proptest::prelude::*;

    /// Both parsers agree, bit for bit (NaN with NaN).
    fn agree(text: &str) {
        let ours = parse_f64(text);
        let rusts = text.parse::<f64>().ok();
        match (ours, rusts) {
            (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {}
            (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{text:?}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{text:?}"),
        }
    }

    #[test]
    fn reads_what_rust_reads_and_refuses_what_it_refuses() {
        for text in [
            "0",
            "-0",
            "+0",
            "0.0",
            "-0.0",
            "00",
            "007",
            "007.50",
            "1",
            "-1",
            "+1",
            ".5",
            "-.5",
            "5.",
            "-5.",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1.5e3",
            ".5e1",
            "5.e1",
            "1e0400",
            "1e400",
            "-1e400",
            "1e-400",
            "-1e-400",
            "4.9e-324",
            "2.5e-324",
            "2.4e-324",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "2.2250738585072011e-308",
            "0.30000000000000004",
            "0.1000000000000000055511151231257827",
            "9007199254740993",
            "123456789012345678901234567890",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0e99999999999999999999",
            "inf",
            "-inf",
            "+inf",
            "Infinity",
            "-INFINITY",
            "NaN",
            "nan",
            "-nan",
            "",
            ".",
            "-",
            "+",
            "e5",
            ".e5",
            "1e",
            "1e+",
            "1e-",
            "1.2.3",
            "1e5.5",
            "1ee5",
            "--1",
            "+-1",
            " 1",
            "1 ",
            "0x10",
            "1_000",
            "١",
            "infinit",
            "nana",
            "1e5e5",
            "1,5",
        ] {
            agree(text);
        }
        // Long digit strings: the exact halfway cases need every digit.
        for text in [
            format!("{}e-400", "1".repeat(400)),
            format!("0.{}1", "0".repeat(700)),
            format!("9007199254740993{}", "0".repeat(300)),
            format!("2.4703282292062327{}e-324", "0".repeat(200)),
            format!("2.4703282292062327{}1e-324", "0".repeat(200)),
        ] {
            agree(&text);
        }
    }

    proptest! {
        #[test]
        fn agrees_on_every_float_as_rust_writes_it(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            for text in [format!("{v}"), format!("{v:e}"), format!("{v:.3e}"), format!("{v:.20}")] {
                agree(&text);
            }
        }

        #[test]
        /// Short plain decimals, as CSV cells are written, take the fast path.
        #[test]
        fn agrees_on_short_decimals(text in "[+-]?[0-9]{0,8}(\\.[0-9]{0,8})?") {
            agree(&text);
        }

        #[test]
        fn agrees_on_decimal_strings(
            text in "[+-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?",
        ) {
            agree(&text);
        }
    }
}
