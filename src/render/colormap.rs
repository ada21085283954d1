//! Colour maps as 256-entry lookup tables, sampled once from `colorous`' perceptually uniform
//! gradients (viridis for losses, a diverging map for classifier outputs).

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

#[cfg(test)]
mod tests {
    use super::*;

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
