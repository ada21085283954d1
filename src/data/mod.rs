//! Seeded data-set generators, CSV data of your own and the epoch-shuffle sampler.

pub mod csv;
pub mod datasets;
pub mod sampler;
