//! Colour vision: how a colour looks to a person with a dichromacy, and how far apart two colours
//! look — the measures behind the racer palette's test (every pair of racer colours stays
//! distinguishable under simulated deuteranopia, protanopia and tritanopia).
//!
//! - sRGB ↔ linear light: IEC 61966-2-1 (the sRGB standard's transfer function).
//! - Dichromacy: Machado, Oliveira & Fernandes, "A Physiologically-based Model for Simulation
//!   of Color Vision Deficiency", IEEE TVCG 15(6), 2009 — the severity-1.0 matrices of their
//!   table, applied to linear RGB.
//! - CIELAB: CIE 15:2004 with the D65 white point; sRGB → XYZ by the sRGB standard's matrix.
//! - Colour difference: CIEDE2000 (CIE 142:2001), implemented as Sharma, Wu & Dalal, "The
//!   CIEDE2000 Color-Difference Formula: Implementation Notes, Supplementary Test Data, and
//!   Mathematical Observations", Color Research & Application 30(1), 2005, whose test pairs the
//!   tests below reproduce.

/// A kind of colour vision to simulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vision {
    /// Trichromatic vision: the colour as it is.
    Typical,
    /// No long-wavelength (red) cones.
    Protanopia,
    /// No medium-wavelength (green) cones.
    Deuteranopia,
    /// No short-wavelength (blue) cones.
    Tritanopia,
}

impl Vision {
    /// Every kind, typical vision first.
    pub const ALL: [Vision; 4] = [
        Vision::Typical,
        Vision::Protanopia,
        Vision::Deuteranopia,
        Vision::Tritanopia,
    ];

    /// Machado et al. (2009), severity 1.0: the matrix applied to linear RGB.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Vision::Typical => [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            Vision::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Vision::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Vision::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }
}

/// An sRGB component (0–255) as linear light in [0, 1] (IEC 61966-2-1).
fn linear(component: u8) -> f64 {
    let c = f64::from(component) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        libm::pow((c + 0.055) / 1.055, 2.4)
    }
}

/// CIELAB (D65) of an sRGB colour as seen with `vision`: `[L*, a*, b*]`.
pub fn lab_seen(rgb: [u8; 3], vision: Vision) -> [f64; 3] {
    let light = rgb.map(linear);
    let m = vision.matrix();
    let seen: [f64; 3] = std::array::from_fn(|row| {
        (m[row][0] * light[0] + m[row][1] * light[1] + m[row][2] * light[2]).clamp(0.0, 1.0)
    });
    // sRGB (D65) to XYZ, then CIELAB against the D65 white (CIE 15:2004).
    let x = 0.4124 * seen[0] + 0.3576 * seen[1] + 0.1805 * seen[2];
    let y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2];
    let z = 0.0193 * seen[0] + 0.1192 * seen[1] + 0.9505 * seen[2];
    let f = |t: f64| {
        let delta: f64 = 6.0 / 29.0;
        if t > delta * delta * delta {
            libm::cbrt(t)
        } else {
            t / (3.0 * delta * delta) + 4.0 / 29.0
        }
    };
    let (fx, fy, fz) = (f(x / 0.95047), f(y), f(z / 1.08883));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIEDE2000 colour difference ΔE₀₀ between two CIELAB colours (kL = kC = kH = 1), following
/// Sharma, Wu & Dalal (2005), equations (1)–(22).
pub fn ciede2000(lab1: [f64; 3], lab2: [f64; 3]) -> f64 {
    let [l1, a1, b1] = lab1;
    let [l2, a2, b2] = lab2;
    let pow7 = |x: f64| libm::pow(x, 7.0);
    let c_bar = (libm::hypot(a1, b1) + libm::hypot(a2, b2)) / 2.0;
    let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (libm::hypot(a1p, b1), libm::hypot(a2p, b2));
    let hue = |b: f64, a: f64| {
        if b == 0.0 && a == 0.0 {
            0.0
        } else {
            libm::atan2(b, a).to_degrees().rem_euclid(360.0)
        }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let delta_l = l2 - l1;
    let delta_c = c2p - c1p;
    let delta_h_angle = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let delta_h = 2.0 * (c1p * c2p).sqrt() * libm::sin((delta_h_angle / 2.0).to_radians());
    let l_bar = (l1 + l2) / 2.0;
    let c_bar_p = (c1p + c2p) / 2.0;
    let h_bar = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let cos = |degrees: f64| libm::cos(degrees.to_radians());
    let t =
        1.0 - 0.17 * cos(h_bar - 30.0) + 0.24 * cos(2.0 * h_bar) + 0.32 * cos(3.0 * h_bar + 6.0)
            - 0.20 * cos(4.0 * h_bar - 63.0);
    let delta_theta = 30.0 * libm::exp(-((h_bar - 275.0) / 25.0).powi(2));
    let r_c = 2.0 * (pow7(c_bar_p) / (pow7(c_bar_p) + pow7(25.0))).sqrt();
    let s_l = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
    let s_c = 1.0 + 0.045 * c_bar_p;
    let s_h = 1.0 + 0.015 * c_bar_p * t;
    let r_t = -libm::sin((2.0 * delta_theta).to_radians()) * r_c;
    let (dl, dc, dh) = (delta_l / s_l, delta_c / s_c, delta_h / s_h);
    (dl * dl + dc * dc + dh * dh + r_t * dc * dh).sqrt()
}

/// The smallest CIEDE2000 difference between two colours of `palette` as seen with `vision`,
/// with the pair's indices.
pub fn closest_pair(palette: &[[u8; 3]], vision: Vision) -> (f64, usize, usize) {
    let labs: Vec<[f64; 3]> = palette.iter().map(|&c| lab_seen(c, vision)).collect();
    let mut closest = (f64::INFINITY, 0, 0);
    for i in 0..labs.len() {
        for j in i + 1..labs.len() {
            let difference = ciede2000(labs[i], labs[j]);
            if difference < closest.0 {
                closest = (difference, i, j);
            }
        }
    }
    closest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciede2000_matches_sharmas_test_pairs() {
        // Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 13, 17, 25 and 34 with their ΔE00.
        let pairs = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.49, -0.001], [50.0, -2.49, 0.0011], 7.2195),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
            (
                [22.7233, 20.0904, -46.694],
                [23.0331, 14.973, -42.5619],
                2.0373,
            ),
        ];
        for (lab1, lab2, expected) in pairs {
            let got = ciede2000(lab1, lab2);
            assert!(
                (got - expected).abs() < 1e-4,
                "{lab1:?} {lab2:?}: {got} ≠ {expected}"
            );
            assert!((ciede2000(lab2, lab1) - expected).abs() < 1e-4, "symmetric");
        }
    }

    #[test]
    fn white_is_l100_and_dichromats_confuse_red_and_green() {
        let white = lab_seen([255, 255, 255], Vision::Typical);
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.05 && white[2].abs() < 0.05);
        // A red and a green of like lightness are far apart to typical eyes and close without
        // green cones — the confusion the simulation exists to catch.
        let (red, green) = ([200, 80, 60], [110, 140, 50]);
        let typical = ciede2000(
            lab_seen(red, Vision::Typical),
            lab_seen(green, Vision::Typical),
        );
        let deutan = ciede2000(
            lab_seen(red, Vision::Deuteranopia),
            lab_seen(green, Vision::Deuteranopia),
        );
        assert!(
            typical > 30.0 && deutan < typical / 2.0,
            "{typical} {deutan}"
        );
    }
}
