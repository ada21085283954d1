//! The handwritten digits of the digits lab: the UCI optical digits, 8×8 pixels 0–16, ten
//! classes, as scikit-learn ships them (credited in `data/README.md`), decoded from the packed
//! file `data/digits.bin`, and their fixed, seeded 80/20 train/test split.
//!
//! Natively the file is compiled in ([`digits`] finds it without help); the WebAssembly build
//! leaves it out, so the first screen does not carry it, and the page hands the fetched bytes to
//! [`install`] when the digits lab first opens.

use std::sync::OnceLock;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// Pixels per image (8 × 8, row by row).
pub const PIXELS: usize = 64;

/// Side of an image.
pub const SIDE: usize = 8;

/// Number of classes, the digits 0–9.
pub const CLASSES: usize = 10;

/// The largest pixel value (a count of set pixels in a 4×4 block).
pub const MAX_PIXEL: u8 = 16;

/// Bytes per record of `data/digits.bin`: the class, then 64 pixels at 5 bits.
pub const RECORD: usize = 41;

/// The seed of the train/test shuffle, fixed so every run sees the same split.
pub const SPLIT_SEED: u64 = 21;

/// The share of the images held out for testing.
pub const TEST_FRACTION: f64 = 0.2;

/// One image: 64 pixels 0–16, row by row, and its class 0–9.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digit {
    /// The pixels, row by row, each 0–16.
    pub pixels: [u8; PIXELS],
    /// The digit drawn, 0–9.
    pub label: u8,
}

/// The digits in the file's order, split into training and test images.
#[derive(Clone, Debug, PartialEq)]
pub struct Digits {
    /// The training images, in the split's shuffled order.
    pub train: Vec<Digit>,
    /// The held-out test images, in the split's shuffled order.
    pub test: Vec<Digit>,
}

/// Why bytes are not a digits file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The length is not a positive multiple of [`RECORD`].
    Length(usize),
    /// Record `index` has a class above 9 or a pixel above 16.
    Value(usize),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Length(n) => write!(
                f,
                "{n} bytes is not a whole number of {RECORD}-byte digit records"
            ),
            DecodeError::Value(i) => write!(
                f,
                "digit record {i} holds a class above 9 or a pixel above 16"
            ),
        }
    }
}

/// Decodes `data/digits.bin` (format in `data/README.md`) in the file's order.
pub fn decode(bytes: &[u8]) -> Result<Vec<Digit>, DecodeError> {
    if bytes.is_empty() || bytes.len() % RECORD != 0 {
        return Err(DecodeError::Length(bytes.len()));
    }
    bytes
        .chunks_exact(RECORD)
        .enumerate()
        .map(|(index, record)| {
            let label = record[0];
            let mut pixels = [0u8; PIXELS];
            for (k, pixel) in pixels.iter_mut().enumerate() {
                // Pixel k occupies bits 5k … 5k + 4 of the 320-bit field, MSB first.
                let bit = 5 * k;
                let byte = 1 + bit / 8;
                let pair =
                    (u16::from(record[byte]) << 8) | u16::from(*record.get(byte + 1).unwrap_or(&0));
                *pixel = ((pair >> (11 - bit % 8)) & 0x1F) as u8;
            }
            if usize::from(label) >= CLASSES || pixels.iter().any(|&p| p > MAX_PIXEL) {
                return Err(DecodeError::Value(index));
            }
            Ok(Digit { pixels, label })
        })
        .collect()
}

/// The fixed split: a `Pcg64Mcg` seeded with [`SPLIT_SEED`] shuffles the images (`rand`'s
/// value-stable shuffle, as the batch sampler's); the first `round(n · TEST_FRACTION)` are the
/// test images, the rest the training images.
pub fn split(all: &[Digit]) -> Digits {
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.shuffle(&mut Pcg64Mcg::seed_from_u64(SPLIT_SEED));
    let test_count = (all.len() as f64 * TEST_FRACTION).round() as usize;
    let (test, train) = order.split_at(test_count);
    Digits {
        train: train.iter().map(|&i| all[i]).collect(),
        test: test.iter().map(|&i| all[i]).collect(),
    }
}

static INSTALLED: OnceLock<Digits> = OnceLock::new();

/// Decodes and splits `bytes` (the page's fetch of `data/digits.bin`) and keeps them for
/// [`digits`]; a second call keeps the first data set.
pub fn install(bytes: &[u8]) -> Result<(), DecodeError> {
    let all = decode(bytes)?;
    let _ = INSTALLED.set(split(&all));
    Ok(())
}

/// The digits, split: those [`install`]ed, or natively the compiled-in file; `None` in
/// WebAssembly before the page has installed them.
pub fn digits() -> Option<&'static Digits> {
    #[cfg(not(target_arch = "wasm32"))]
    if INSTALLED.get().is_none() {
        let _ = install(include_bytes!("../../data/digits.bin"));
    }
    INSTALLED.get()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_file_holds_scikit_learns_digits() {
        let all = decode(include_bytes!("../../data/digits.bin")).unwrap();
        assert_eq!(all.len(), 1797);
        // scikit-learn's first image (load_digits().images[0]), a 0.
        let first: [u8; 16] = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0];
        assert_eq!(all[0].pixels[..16], first);
        assert_eq!(all[0].label, 0);
        assert_eq!(all[1].label, 1);
        assert_eq!(all[1796].label, 8);
        let mut per_class = [0; CLASSES];
        for d in &all {
            per_class[usize::from(d.label)] += 1;
        }
        assert_eq!(
            per_class,
            [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        );
        assert!(all.iter().any(|d| d.pixels.contains(&16)));
    }

    #[test]
    fn the_split_is_fixed_and_eighty_twenty() {
        let d = digits().unwrap();
        assert_eq!((d.train.len(), d.test.len()), (1438, 359));
        let again = split(&decode(include_bytes!("../../data/digits.bin")).unwrap());
        assert_eq!(&again, d);
    }

    #[test]
    fn bad_files_are_refused() {
        assert_eq!(decode(&[]), Err(DecodeError::Length(0)));
        assert_eq!(decode(&[0; 40]), Err(DecodeError::Length(40)));
        let mut record = [0u8; RECORD];
        record[0] = 10;
        assert_eq!(decode(&record), Err(DecodeError::Value(0)));
        record[0] = 3;
        record[1] = 0xFF; // the first pixel reads 31
        assert_eq!(decode(&record), Err(DecodeError::Value(0)));
    }
}
