//! Colour maps as 256-entry lookup tables, sampled once from `colorous`' perceptually uniform
//! gradients (viridis for losses, a diverging map), and the classes' colours.

/// A 256-colour lookup table of RGB triples.
#[derive(Clone, Debug)]
pub struct ColorMap {
    table: [[u8; 3]; 256],
}

impl ColorMap {
    /// Samples a `colorous` gradient at 256 evenly spaced points.
    pub fn from_gradient(gradient: colorous::Gradient) -> Self {
        let mut table = [[0u8; 3]; 256];
        for (i, entry) in table.iter_mut().enumerate() {
            let c = gradient.eval_rational(i, 256);
            *entry = [c.r, c.g, c.b];
        }
        ColorMap { table }
    }

    /// Viridis (van der Walt & Smith, 2015): perceptually uniform, readable in grey and by
    /// colour-blind viewers; dark is low loss.
    pub fn viridis() -> Self {
        ColorMap::from_gradient(colorous::VIRIDIS)
    }

    /// A diverging map for classifier outputs (probability 0 → 1): ColorBrewer's red–blue, light
    /// in the middle where the network is unsure.
    pub fn diverging() -> Self {
        ColorMap::from_gradient(colorous::RED_BLUE)
    }

    /// The colour at `t ∈ [0, 1]` (clamped; NaN maps to 0).
    #[inline]
    pub fn at(&self, t: f64) -> [u8; 3] {
        let index = if t.is_nan() {
            0.0
        } else {
            (t.clamp(0.0, 1.0) * 255.0).round()
        };
        self.table[index as usize]
    }

    /// The colour of table entry `index`.
    #[inline]
    pub fn entry(&self, index: u8) -> [u8; 3] {
        self.table[index as usize]
    }
}

/// One colour per class, for up to 8 classes: class 0 red, 1 blue and 2 green (the lessons name
/// these), then mauve, sage, azure, pink and maroon. They stay apart for every eye: as seen with
/// typical vision and under simulated protanopia, deuteranopia and tritanopia
/// ([`crate::render::vision`]) every pair differs by CIEDE2000 ≥ 22 as the points' colours, and
/// the first four by ≥ 22 as the regions' colours at certainty ([`class_region`]), so a two- to
/// four-class map reads for everyone; with more classes the regions' pale colours come closer
/// (≥ 13.9 for all eight), and the points keep them apart. Found by a seeded simulated-annealing
/// search over sRGB with the three named hues held.
pub const CLASS_PALETTE: [[u8; 3]; 8] = [
    [201, 2, 5],
    [61, 34, 159],
    [99, 225, 2],
    [139, 107, 129],
    [167, 173, 153],
    [41, 118, 255],
    [233, 181, 231],
    [115, 24, 50],
];

/// The colour of class `class` (modulo the palette's 8) as CSS, e.g. `"#c90205"`.
pub fn class_css(class: usize) -> String {
    css_hex(CLASS_PALETTE[class % CLASS_PALETTE.len()])
}

/// An RGB colour as CSS writes it in hexadecimal, e.g. `[192, 57, 43]` as `"#c0392b"`.
pub fn css_hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The colour of a region of a `classes`-class boundary where the network predicts `class`
/// with probability `p`: white at chance (`p = 1/k`), the class colour at certainty — mixed
/// with white in proportion `t = (p − 1/k) / (1 − 1/k)` — and at most 70 % of the way to it,
/// so the data points drawn on top stand out (as the two-class map's 30 % lift).
pub fn class_region(class: usize, p: f64, classes: usize) -> [u8; 3] {
    let chance = 1.0 / classes.max(2) as f64;
    let t = if p.is_nan() {
        0.0
    } else {
        ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0)
    };
    CLASS_PALETTE[class % CLASS_PALETTE.len()].map(|c| {
        let c = f64::from(c);
        (255.0 - 0.7 * t * (255.0 - c)).round() as u8
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_regions_fade_to_white_at_chance() {
        assert_eq!(class_region(2, 1.0 / 3.0, 3), [255, 255, 255]);
        assert_eq!(class_region(0, f64::NAN, 3), [255, 255, 255]);
        let sure = class_region(1, 1.0, 4);
        let unsure = class_region(1, 0.5, 4);
        assert!(sure.iter().zip(unsure).all(|(a, b)| *a <= b));
        assert_eq!(class_css(0), "#c90205");
        assert_eq!(class_css(9), "#3d229f");
    }

    #[test]
    fn class_colours_stay_apart_for_colour_blind_eyes() {
        use crate::render::vision::{closest_pair, Vision};
        let sure = |k: usize| -> Vec<[u8; 3]> { (0..k).map(|c| class_region(c, 1.0, k)).collect() };
        for vision in Vision::ALL {
            // The points' colours, every class.
            let (difference, i, j) = closest_pair(&CLASS_PALETTE, vision);
            assert!(
                difference >= 20.0,
                "{vision:?}: classes {i}, {j}: ΔE00 {difference:.2}"
            );
            // The two-class map's regions, and the many-class map's up to four classes.
            for k in 2..=4 {
                let (difference, i, j) = closest_pair(&sure(k), vision);
                assert!(
                    difference >= 20.0,
                    "{vision:?}, {k} classes: regions {i}, {j}: ΔE00 {difference:.2}"
                );
            }
            // Beyond four, the pale regions come closer; the points tell them apart.
            let (difference, i, j) = closest_pair(&sure(8), vision);
            assert!(
                difference >= 13.9,
                "{vision:?}, 8 classes: regions {i}, {j}: ΔE00 {difference:.2}"
            );
        }
    }

    #[test]
    fn viridis_runs_from_dark_purple_to_yellow() {
        let map = ColorMap::viridis();
        let [r0, g0, b0] = map.at(0.0);
        let [r1, g1, b1] = map.at(1.0);
        assert!(b0 > r0 && b0 > g0, "low end is purple-blue");
        assert!(r1 > b1 && g1 > b1, "high end is yellow");
        assert_eq!(map.at(f64::NAN), map.at(0.0));
        assert_eq!(map.at(7.0), map.at(1.0));
    }

    #[test]
    fn lightness_increases_monotonically() {
        let map = ColorMap::viridis();
        let luma = |c: [u8; 3]| 0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64;
        let mut last = -1.0;
        for i in 0..=255u8 {
            let l = luma(map.entry(i));
            assert!(l >= last - 1.0, "entry {i}");
            last = l;
        }
    }
}
