//! Numbers and vectors as the explanations write them: four significant digits, a typographic
//! minus, and at most four entries of a vector.

/// Vectors longer than this show only their first `SHOWN` entries.
const SHOWN: usize = 4;

/// Writes `x` with four significant digits: plain for `1e-3 ≤ |x| < 1e4`, scientific otherwise
/// (`1.5e−5`), trailing zeros dropped, the minus sign written `−`; `0`, `NaN`, `∞`, `−∞`.
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "−∞" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    // Round to four significant digits first, so the choice of notation sees the rounded value
    // (9999.96 is written 1e4, not 10000).
    let scientific = format!("{x:.3e}");
    let rounded = crate::read::float_text::parse_f64(&scientific).unwrap_or(x);
    let magnitude = rounded.abs();
    let text = if (1e-3..1e4).contains(&magnitude) {
        let decimals = (3 - libm::log10(magnitude).floor() as i32).max(0) as usize;
        trim_zeros(&format!("{rounded:.decimals$}")).to_string()
    } else {
        let (mantissa, exponent) = scientific
            .split_once('e')
            .unwrap_or((scientific.as_str(), "0"));
        format!("{}e{exponent}", trim_zeros(mantissa))
    };
    text.replace('-', "−")
}

/// Drops trailing zeros after a decimal point, and the point itself if nothing follows it.
fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// Writes a vector in parentheses, entries as [`format_number`]; beyond four entries only the
/// first four are written, then its length as `…; n = 300` (symbols, the same in every language).
pub fn format_vector(values: &[f64]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|&x| format_number(x))
        .collect();
    if values.len() > SHOWN {
        format!("({}, …; n = {})", shown.join(", "), values.len())
    } else {
        format!("({})", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::explain::test_support::*;

    #[test]
    fn long_vectors_show_their_first_four_entries() {
        let start: Vec<f64> = (0..300).map(|i| 0.01 * i as f64 - 1.0).collect();
        let r = run(r#"{"name":"adam","lr":0.01}"#, 2, &start);
        let e = r.explain();
        check_step(&r, &e);
        for line in &e.lines {
            if line.value.starts_with('(') {
                assert!(line.value.ends_with(", …; n = 300)"), "{line:?}");
                assert_eq!(line.value.matches(", ").count(), 4, "{line:?}");
            }
        }
        assert_eq!(
            format_vector(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            "(1, 2, 3, 4, …; n = 5)"
        );
        assert_eq!(format_vector(&[1.0, -2.5, 3.0, 4.0]), "(1, −2.5, 3, 4)");
        assert_eq!(format_vector(&[]), "()");
    }

    #[test]
    fn numbers_have_four_significant_digits() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (0.123456, "0.1235"),
            (-5.678, "−5.678"),
            (1234.0, "1234"),
            (123.456, "123.5"),
            (0.001, "0.001"),
            (0.000999, "9.99e−4"),
            (1.5e-5, "1.5e−5"),
            (12346.0, "1.235e4"),
            (9999.96, "1e4"),
            (-2.0e-10, "−2e−10"),
            (1e-8, "1e−8"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "∞"),
            (f64::NEG_INFINITY, "−∞"),
        ];
        for (x, text) in cases {
            assert_eq!(format_number(x), text, "{x}");
        }
    }
}
