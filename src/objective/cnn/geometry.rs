//! The shapes through the network: each convolution's input and output sides, where its
//! parameters sit in the flat vector, and the dense layer's width — worked out once from the
//! spec, refusing architectures whose maps shrink to nothing.

use super::spec::ConvSpec;
use crate::data::digits::{CLASSES, SIDE};
use crate::read::{Length, Problem, Range, Refusal};

/// Most convolutions.
pub const MAX_CONVS: usize = 2;

/// Most channels of a convolution.
pub const MAX_CHANNELS: usize = 8;

/// Side of a convolution kernel.
pub const KERNEL: usize = 3;

/// One convolution's shapes and the offsets of its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvShape {
    /// Input channels (1 for the image).
    pub c_in: usize,
    /// Output channels.
    pub c_out: usize,
    /// Side of the square input maps.
    pub s_in: usize,
    /// Zero padding on each side.
    pub pad: usize,
    /// Side of the output maps before pooling: `s_in + 2·pad − 2`.
    pub s_conv: usize,
    /// Whether a 2×2 max-pool of stride 2 follows.
    pub pool: bool,
    /// Side of the maps passed on: `⌊s_conv / 2⌋` after a pool (PyTorch's `MaxPool2d(2)`),
    /// else `s_conv`.
    pub s_out: usize,
    /// Offset of the kernels `[c_out][c_in][3][3]` in the parameters; the biases follow.
    pub w_off: usize,
}

impl ConvShape {
    /// Number of kernel weights.
    pub fn weight_count(&self) -> usize {
        self.c_out * self.c_in * KERNEL * KERNEL
    }

    /// Offset of the biases.
    pub fn b_off(&self) -> usize {
        self.w_off + self.weight_count()
    }

    /// Numbers in the output maps before pooling.
    pub fn conv_len(&self) -> usize {
        self.c_out * self.s_conv * self.s_conv
    }

    /// Numbers in the maps passed on.
    pub fn out_len(&self) -> usize {
        self.c_out * self.s_out * self.s_out
    }

    /// Numbers in the input maps.
    pub fn in_len(&self) -> usize {
        self.c_in * self.s_in * self.s_in
    }
}

/// Every shape of a network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// The convolutions in order.
    pub convs: Vec<ConvShape>,
    /// Inputs of the dense layer: the last maps flattened channel by channel, row by row (as
    /// `torch.flatten`).
    pub dense_in: usize,
    /// Offset of the dense weights `[10][dense_in]`; the 10 biases follow.
    pub dense_off: usize,
    /// Number of parameters.
    pub dim: usize,
}

impl Geometry {
    /// The shapes of `convs` on 8×8 images, or a refusal naming the convolution that cannot be
    /// applied (`convs[1].pool`) or the field out of range.
    pub fn of(convs: &[ConvSpec]) -> Result<Geometry, Refusal> {
        if convs.is_empty() || convs.len() > MAX_CONVS {
            let problem = Problem::WrongLength {
                found: convs.len(),
                expected: if convs.is_empty() {
                    Length::AtLeast(1)
                } else {
                    Length::AtMost(MAX_CONVS)
                },
                unit: crate::read::Unit::Convolutions,
            };
            return Err(Refusal::at("convs", problem));
        }
        let channels = Range::closed(1.0, MAX_CHANNELS as f64).whole();
        let paddings = Range::closed(0.0, 1.0).whole();
        let mut shapes = Vec::with_capacity(convs.len());
        let (mut c_in, mut s_in, mut offset) = (1, SIDE, 0);
        for (l, conv) in convs.iter().enumerate() {
            let at = |refusal: Refusal| refusal.in_index(l).in_key("convs");
            if !channels.contains(conv.channels as f64) {
                let refusal = Refusal::out_of_range("channels", conv.channels as f64, channels);
                return Err(at(refusal));
            }
            if !paddings.contains(conv.padding as f64) {
                let refusal = Refusal::out_of_range("padding", conv.padding as f64, paddings);
                return Err(at(refusal));
            }
            let padded = s_in + 2 * conv.padding;
            if padded < KERNEL {
                let sentence = crate::read::Unfit::KernelTooLarge { size: s_in };
                return Err(at(Refusal::at("padding", Problem::unfit(sentence))));
            }
            let s_conv = padded - (KERNEL - 1);
            if conv.pool && s_conv < 2 {
                let sentence = crate::read::Unfit::PoolTooLarge { size: s_conv };
                return Err(at(Refusal::at("pool", Problem::unfit(sentence))));
            }
            let s_out = if conv.pool { s_conv / 2 } else { s_conv };
            let shape = ConvShape {
                c_in,
                c_out: conv.channels,
                s_in,
                pad: conv.padding,
                s_conv,
                pool: conv.pool,
                s_out,
                w_off: offset,
            };
            offset = shape.b_off() + shape.c_out;
            shapes.push(shape);
            (c_in, s_in) = (conv.channels, s_out);
        }
        let dense_in = c_in * s_in * s_in;
        Ok(Geometry {
            convs: shapes,
            dense_in,
            dense_off: offset,
            dim: offset + CLASSES * dense_in + CLASSES,
        })
    }

    /// The parameter blocks of each layer, convolutions first then the dense layer: each one's
    /// range in the flat vector (weights and biases together).
    pub fn layer_ranges(&self) -> Vec<std::ops::Range<usize>> {
        self.convs
            .iter()
            .map(|c| c.w_off..c.b_off() + c.c_out)
            .chain(std::iter::once(self.dense_off..self.dim))
            .collect()
    }
}
