//! Seeded data-set generators and the epoch-shuffle sampler.

pub mod datasets;
pub mod sampler;
