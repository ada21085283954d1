//! Global gradient-norm clipping, as `torch.nn.utils.clip_grad_norm_` (L2 norm).

/// Rescales `grad` so its Euclidean norm is at most `max_norm`, with PyTorch's formula
/// `g ← g · min(1, max_norm / (‖g‖ + 1e-6))`. Returns the norm before clipping.
pub fn clip_grad_norm(grad: &mut [f64], max_norm: f64) -> f64 {
    let total_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
    if clips(total_norm, max_norm) {
        let clip_coef = max_norm / (total_norm + 1e-6);
        for g in grad.iter_mut() {
            *g *= clip_coef;
        }
    }
    total_norm
}

/// Whether [`clip_grad_norm`] rescales a gradient of norm `total_norm` to `max_norm`: when
/// `max_norm / (‖g‖ + 1e-6) < 1`.
pub fn clips(total_norm: f64, max_norm: f64) -> bool {
    max_norm / (total_norm + 1e-6) < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_gradients_are_scaled_to_the_bound() {
        let mut g = [3.0, 4.0];
        assert_eq!(clip_grad_norm(&mut g, 1.0), 5.0);
        let norm = (g[0] * g[0] + g[1] * g[1]).sqrt();
        assert!((norm - 5.0 / (5.0 + 1e-6)).abs() < 1e-15);
    }

    #[test]
    fn short_gradients_are_untouched() {
        let mut g = [0.3, 0.4];
        clip_grad_norm(&mut g, 1.0);
        assert_eq!(g, [0.3, 0.4]);
    }
}
