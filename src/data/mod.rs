//! Seeded data-set generators, the handwritten digits, CSV data of your own and the epoch-shuffle
//! sampler.

pub mod csv;
pub mod datasets;
pub mod digits;
pub mod sampler;
