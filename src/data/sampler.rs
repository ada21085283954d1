//! The batch sampler: which samples each step's gradient is taken on.
//!
//! * batch size ≥ n (or none): full batch, every index in order — batch gradient descent, bit for
//!   bit the full-objective gradient;
//! * otherwise, without replacement (the default): each epoch is a seeded shuffle of `0..n`, cut
//!   into consecutive batches, the last smaller batch kept — PyTorch `DataLoader(shuffle=True,
//!   drop_last=False)`; batch size 1 is classic SGD;
//! * with replacement: every batch draws its indices independently and uniformly, the noise model
//!   of the SGD-as-SDE lessons.
//!
//! The generator is PCG-64 (MCG variant) from `rand_pcg`, with `rand`'s value-stable shuffle, so a
//! seed gives the same batches natively and in WebAssembly.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The samples one update reads for a batch-size `setting` over `sample_count` samples: the
/// setting where it lies in 1 … n − 1, else all of them — unset, 0 or ≥ n mean full batch. The
/// one rule behind [`Sampler::new`] and [`crate::run::BatchSize`].
pub fn batch_size_over(setting: Option<usize>, sample_count: usize) -> usize {
    let sample_count = sample_count.max(1);
    match setting {
        Some(b) if b > 0 && b < sample_count => b,
        _ => sample_count,
    }
}

/// Draws the batches of one run.
#[derive(Clone, Debug)]
pub struct Sampler {
    sample_count: usize,
    batch_size: usize,
    with_replacement: bool,
    rng: Pcg64Mcg,
    order: Vec<usize>,
    cursor: usize,
    batch: Vec<usize>,
}

impl Sampler {
    /// A sampler over `sample_count` samples. `batch_size` of `None`, 0 or ≥ `sample_count` means
    /// full batch.
    pub fn new(
        sample_count: usize,
        batch_size: Option<usize>,
        seed: u64,
        with_replacement: bool,
    ) -> Self {
        let sample_count = sample_count.max(1);
        let batch_size = batch_size_over(batch_size, sample_count);
        Sampler {
            sample_count,
            batch_size,
            with_replacement,
            rng: Pcg64Mcg::seed_from_u64(seed),
            order: (0..sample_count).collect(),
            cursor: sample_count,
            batch: Vec::with_capacity(batch_size),
        }
    }

    /// Number of samples in the data.
    pub fn sample_count(&self) -> usize {
        self.sample_count
    }

    /// The effective batch size (the sample count for full batch).
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The indices of the batch drawn last (empty before the first).
    pub fn current_batch(&self) -> &[usize] {
        &self.batch
    }

    /// Whether every batch is the whole data set.
    pub fn is_full_batch(&self) -> bool {
        self.batch_size == self.sample_count
    }

    /// The indices of the next batch.
    #[inline]
    pub fn next_batch(&mut self) -> &[usize] {
        if self.is_full_batch() {
            // Always every index in order: fill once, then hand out the same batch.
            if self.batch.len() != self.sample_count {
                self.batch.clear();
                self.batch.extend(0..self.sample_count);
            }
            return &self.batch;
        }
        self.batch.clear();
        if self.with_replacement {
            for _ in 0..self.batch_size {
                self.batch.push(self.rng.random_range(0..self.sample_count));
            }
        } else {
            if self.cursor >= self.sample_count {
                self.order.shuffle(&mut self.rng);
                self.cursor = 0;
            }
            let end = (self.cursor + self.batch_size).min(self.sample_count);
            self.batch.extend_from_slice(&self.order[self.cursor..end]);
            self.cursor = end;
        }
        &self.batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_batch_is_every_index_in_order() {
        let mut s = Sampler::new(5, Some(5), 1, false);
        assert_eq!(s.next_batch(), &[0, 1, 2, 3, 4]);
        let mut s = Sampler::new(5, None, 1, false);
        assert_eq!(s.next_batch(), &[0, 1, 2, 3, 4]);
        let s = Sampler::new(5, Some(0), 1, false);
        assert!(s.is_full_batch());
    }

    #[test]
    fn a_setting_outside_one_to_n_minus_one_means_full_batch() {
        assert_eq!(batch_size_over(Some(4), 10), 4);
        assert_eq!(batch_size_over(Some(1), 10), 1);
        for setting in [None, Some(0), Some(10), Some(11), Some(1_000_000)] {
            assert_eq!(batch_size_over(setting, 10), 10, "{setting:?}");
        }
        // A surface is one sample: every setting reads it.
        assert_eq!(batch_size_over(Some(16), 1), 1);
        assert_eq!(batch_size_over(None, 0), 1);
    }

    #[test]
    fn every_index_appears_once_per_epoch_and_the_last_batch_is_kept() {
        let mut s = Sampler::new(10, Some(4), 7, false);
        for _ in 0..5 {
            let mut seen = Vec::new();
            let sizes: Vec<usize> = (0..3)
                .map(|_| {
                    let b = s.next_batch();
                    seen.extend_from_slice(b);
                    b.len()
                })
                .collect();
            assert_eq!(sizes, vec![4, 4, 2]);
            seen.sort_unstable();
            assert_eq!(seen, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn same_seed_same_batches_other_seed_other_batches() {
        let draw = |seed| {
            let mut s = Sampler::new(50, Some(5), seed, false);
            (0..20)
                .flat_map(|_| s.next_batch().to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }

    #[test]
    fn with_replacement_draws_in_range() {
        let mut s = Sampler::new(3, Some(2), 0, true);
        for _ in 0..100 {
            let b = s.next_batch();
            assert_eq!(b.len(), 2);
            assert!(b.iter().all(|&i| i < 3));
        }
    }
}
