//! A tiny convolutional network on the 8×8 handwritten digits ([`crate::data::digits`]),
//! trained by cross-entropy over the ten classes.
//!
//! # Network
//!
//! The image enters as one channel of 8×8 values `x = pixel / 16 ∈ [0, 1]`. Each of one or two
//! convolutions ([`CnnSpec::convs`]) maps `C_in` channels to `C_out` (1–8) with 3×3 kernels,
//! stride 1 and zero padding `p ∈ {0, 1}`, exactly `torch.nn.Conv2d(C_in, C_out, 3, padding=p)`
//! (a cross-correlation):
//!
//! ```text
//! z[o, y, x] = b[o] + Σ_i Σ_{u,v ∈ 0..3} W[o, i, u, v] · in[i, y + u − p, x + v − p]
//! ```
//!
//! (`in` is 0 outside the map), so the side goes from `s` to `s + 2p − 2`. Then the activation
//! `a = σ(z)` (`relu`, `tanh`, `sigmoid` or `linear`, as the MLP's, [`Activation`](crate::objective::mlp::Activation)), then, when
//! asked, a 2×2 max-pool of stride 2, `torch.nn.MaxPool2d(2)`: side `⌊s / 2⌋`, each output the
//! largest of its window, the gradient routed to that one input — the first of equals in row
//! order, as PyTorch's CPU kernel (which keeps a maximum only when a later value is strictly
//! larger). The last maps, flattened channel by channel and row by row (`torch.flatten`), feed a
//! dense layer `torch.nn.Linear(n, 10)` whose ten outputs are the logits.
//!
//! # Loss
//!
//! The mean over the samples `S` of the cross-entropy of the logits, `F.cross_entropy` —
//! [`cross_entropy`](crate::objective::mlp::cross_entropy), the network lab's `ce` loss: `L_S(θ) = (1/|S|) Σ_{i∈S} −log p_{yᵢ}(xᵢ)`
//! with `p` the softmax of the logits. The gradient is backpropagation's (Rumelhart, Hinton &
//! Williams, 1986; for convolutions LeCun et al., "Gradient-based learning applied to document
//! recognition", 1998, §II): `∂L/∂W[o,i,u,v] = Σ_{y,x} δ[o,y,x] · in[i, y+u−p, x+v−p]`,
//! `∂L/∂b[o] = Σ_{y,x} δ[o,y,x]` and `∂L/∂in[i,·,·]` the full correlation of `δ` with the
//! flipped kernels, where `δ = ∂L/∂z`.
//!
//! # Parameters
//!
//! In PyTorch's `named_parameters()` order: each convolution's kernels `[C_out][C_in][3][3]` then
//! its biases, then the dense weights `[10][n]` and its ten biases. The default network (8
//! channels, padding 1, pool) has `8·9 + 8 + 10·128 + 10 = 1370`.
//!
//! # Initialisation
//!
//! Given `weights` are the starting parameters. Otherwise one `rand_pcg::Pcg64Mcg` seeded with
//! `seed ^` [`INIT_STREAM`](crate::objective::mlp::INIT_STREAM) (as the MLP's) draws every weight in parameter order with the MLP's
//! initialisers ([`Init`](crate::objective::mlp::Init)), with PyTorch's fans for a convolution, `fan_in = C_in·9` and
//! `fan_out = C_out·9` (`torch.nn.init._calculate_fan_in_and_fan_out`), times `init_scale`;
//! biases start at 0.
//!
//! # Evaluation
//!
//! One sample at a time through a workspace allocated once per network: the forward pass keeps
//! every layer's input and activation and each pool's chosen inputs, the backward pass adds the
//! sample's gradient into the batch's, divided by the batch size at the end.

mod geometry;
mod spec;

pub use geometry::{ConvShape, Geometry, KERNEL, MAX_CHANNELS, MAX_CONVS};
pub use spec::{CnnSpec, ConvSpec};

#[cfg(feature = "cnn")]
mod network;
#[cfg(feature = "cnn")]
pub use network::{Cnn, Sample};
