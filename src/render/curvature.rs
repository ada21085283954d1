//! The curvature glyph drawn at a racer's point: the level set of the local quadratic model
//! (an ellipse in a bowl) with its principal axes, in canvas pixels.

use super::viewport::Viewport;
use crate::objective::curvature::Curvature;

/// One principal axis of the glyph, as a segment through the point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    /// One end, in canvas pixels.
    pub from: (f64, f64),
    /// The other end, in canvas pixels.
    pub to: (f64, f64),
    /// Whether the curvature along it is negative (the loss curves down: drawn dashed).
    pub downward: bool,
}

/// What the page draws to show the curvature at a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    /// The steep axis (along `λ_max`'s direction), then the flat one.
    pub axes: [Axis; 2],
    /// The closed outline of the quadratic model's level set through the glyph's size, where the
    /// point is a bowl (both curvatures positive); `None` on a saddle or a ridge.
    pub ellipse: Option<Vec<(f64, f64)>>,
}

/// Points on the ellipse's outline.
const OUTLINE_POINTS: usize = 48;

/// The glyph of `curvature` at plane point `at`, its longer half-axis `radius` pixels long.
///
/// The quadratic model `q(x + d) = f + gᵀd + ½ dᵀH d` has level sets whose half-axes along the
/// eigen-directions are proportional to `1/√λ` (a steep direction is short, a flat one long),
/// just as the heat map's contours are near a minimum. Each half-axis is mapped to pixels through
/// the viewport, so the glyph matches the contours however the plane's axes are scaled. A
/// curvature within 10⁻⁴ of the larger one's size counts as that small, so a flat direction has a
/// finite length. `None` where the point is outside the plotting area or nothing is finite.
pub fn glyph(
    curvature: &Curvature,
    viewport: &Viewport,
    at: [f64; 2],
    radius: f64,
) -> Option<Glyph> {
    let (cx, cy) = viewport.to_pixel(at[0], at[1]);
    if !viewport.contains_pixel(cx, cy) {
        return None;
    }
    let scale = curvature.lambda_max.abs().max(curvature.lambda_min.abs());
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    let half_axis = |lambda: f64, direction: [f64; 2]| {
        let length = 1.0 / lambda.abs().max(scale * 1e-4).sqrt();
        let (px, py) =
            viewport.to_pixel(at[0] + length * direction[0], at[1] + length * direction[1]);
        (px - cx, py - cy)
    };
    let steep = half_axis(curvature.lambda_max, curvature.steepest);
    let flat = half_axis(curvature.lambda_min, curvature.flattest);
    let longest = libm::hypot(steep.0, steep.1).max(libm::hypot(flat.0, flat.1));
    if !(longest.is_finite() && longest > 0.0) {
        return None;
    }
    let s = radius / longest;
    let axis = |(dx, dy): (f64, f64), lambda: f64| Axis {
        from: (cx - s * dx, cy - s * dy),
        to: (cx + s * dx, cy + s * dy),
        downward: lambda < 0.0,
    };
    let ellipse = (curvature.lambda_min > 0.0).then(|| {
        (0..=OUTLINE_POINTS)
            .map(|i| {
                let phi = std::f64::consts::TAU * i as f64 / OUTLINE_POINTS as f64;
                let (sin, cos) = (libm::sin(phi), libm::cos(phi));
                (
                    cx + s * (steep.0 * cos + flat.0 * sin),
                    cy + s * (steep.1 * cos + flat.1 * sin),
                )
            })
            .collect()
    });
    Some(Glyph {
        axes: [
            axis(steep, curvature.lambda_max),
            axis(flat, curvature.lambda_min),
        ],
        ellipse,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::surfaces::ViewBox;

    fn viewport() -> Viewport {
        Viewport {
            view: ViewBox {
                x_min: -2.0,
                x_max: 2.0,
                y_min: -1.0,
                y_max: 1.0,
            },
            left: 0.0,
            top: 0.0,
            width: 400.0,
            height: 400.0,
        }
    }

    fn length(axis: &Axis) -> f64 {
        libm::hypot(axis.to.0 - axis.from.0, axis.to.1 - axis.from.1)
    }

    #[test]
    fn a_bowl_has_a_short_steep_axis_and_an_ellipse() {
        let k = Curvature::of_symmetric(100.0, 0.0, 1.0).expect("finite");
        let g = glyph(&k, &viewport(), [0.0, 0.0], 40.0).expect("inside");
        // x is steep (λ = 100), y flat (λ = 1): half-axes 0.1 and 1 in the plane, 10 px and
        // 200 px before scaling; the longer is scaled to 40 px.
        assert!((length(&g.axes[1]) - 80.0).abs() < 1e-9);
        assert!((length(&g.axes[0]) - 80.0 * 10.0 / 200.0).abs() < 1e-9);
        assert!(g.ellipse.is_some());
        assert!(!g.axes[0].downward && !g.axes[1].downward);
    }

    #[test]
    fn a_saddle_has_a_dashed_axis_and_no_ellipse() {
        let k = Curvature::of_symmetric(2.0, 0.0, -2.0).expect("finite");
        let g = glyph(&k, &viewport(), [0.5, 0.5], 40.0).expect("inside");
        assert!(g.ellipse.is_none());
        assert!(g.axes[1].downward && !g.axes[0].downward);
    }

    #[test]
    fn a_point_outside_the_view_has_no_glyph() {
        let k = Curvature::of_symmetric(2.0, 0.0, 2.0).expect("finite");
        assert_eq!(glyph(&k, &viewport(), [5.0, 0.0], 40.0), None);
        let flat = Curvature::of_symmetric(0.0, 0.0, 0.0).expect("finite");
        assert_eq!(glyph(&flat, &viewport(), [0.0, 0.0], 40.0), None);
    }
}
