//! The batch-noise cloud in canvas pixels: the full-batch gradient's arrow and the tips of the
//! batch gradients' arrows on one common scale, the 2-σ ellipse of those tips, and the "ghost"
//! contours of the last batch's own loss with that batch's minimum.
//!
//! The page draws these at the selected racer's point ([`crate::run::Runner::gradient_cloud`]
//! samples the gradients); everything here is plain numbers so it is tested natively.

use super::contour::{isolines, Polyline};
use super::viewport::Viewport;
use crate::objective::model::Model;
use crate::objective::Objective;

/// The bounds the cloud's scale is chosen within, in canvas pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CloudLimits {
    /// The longest the full gradient's arrow is drawn.
    pub arrow_max: f64,
    /// The shortest the full gradient's arrow is drawn, as long as the cloud stays within
    /// `radius_max`.
    pub arrow_min: f64,
    /// The distance from the point within which the `quantile` of the tips is kept.
    pub radius: f64,
    /// The distance the `quantile` of the tips may grow to so that the arrow reaches
    /// `arrow_min`.
    pub radius_max: f64,
    /// Which quantile of the tips' distances the radii bound (0.85: a few outliers may stray).
    pub quantile: f64,
}

impl CloudLimits {
    /// The page's limits at `dpr` canvas pixels per CSS pixel: arrow 25–70 px, 85 % of the tips
    /// within 110 px (220 px where the arrow needs it).
    pub fn at_dpr(dpr: f64) -> Self {
        CloudLimits {
            arrow_max: 70.0 * dpr,
            arrow_min: 25.0 * dpr,
            radius: 110.0 * dpr,
            radius_max: 220.0 * dpr,
            quantile: 0.85,
        }
    }
}

/// An ellipse in canvas pixels, as the canvas's `ellipse()` takes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Its centre.
    pub centre: [f64; 2],
    /// Its semi-axes, the first along `angle`, the larger first.
    pub radii: [f64; 2],
    /// The direction of the first semi-axis, radians from the +x (pixel) axis toward +y (down).
    pub angle: f64,
}

/// The cloud as drawn, in pixel offsets from the point (x right, y down).
#[derive(Clone, Debug, PartialEq)]
pub struct CloudPicture {
    /// Plane units the arrows are drawn per unit of gradient: each arrow is −`scale`·g in the
    /// plane, so an arrow's tip is where a plain gradient step of learning rate `scale` would go.
    pub scale: f64,
    /// The tip of the full gradient's arrow (−∇f).
    pub arrow: [f64; 2],
    /// The tip of each batch gradient's arrow, for the finite samples.
    pub tips: Vec<[f64; 2]>,
    /// The 2-σ covariance ellipse of the tips; `None` when they barely spread (full batch).
    pub ellipse: Option<Ellipse>,
    /// When the full gradient's arrow is shorter than `arrow_min` beside a wide cloud: a copy of
    /// it enlarged by a round factor (1, 2 or 5 × 10ⁿ) to at least `arrow_min`, to be drawn
    /// apart and labelled with the factor, so its direction shows while the scale stays one.
    pub magnified: Option<Magnified>,
}

/// The full gradient's arrow enlarged for legibility (see [`CloudPicture::magnified`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Magnified {
    /// How many times the true arrow's length.
    pub factor: f64,
    /// The enlarged arrow's tip.
    pub tip: [f64; 2],
}

/// Lays out the cloud of gradients `samples` around the full gradient `full` (2-D, plane units)
/// for a plot with `pixels_per_unit` = [x, y]: one common scale for arrow and tips, the largest
/// that keeps the arrow within `arrow_max` and the `quantile` of the tips' distances within
/// `radius`. When that leaves the arrow shorter than `arrow_min`, the scale is raised to make it
/// `arrow_min` if the tips' quantile then stays within `radius_max`; otherwise the noise dwarfs
/// the gradient, the cloud keeps `radius` and the arrow is also given [`Magnified`]. `None` when
/// nothing has length (all gradients zero or not finite).
pub fn cloud_picture(
    full: &[f64],
    samples: &[Vec<f64>],
    pixels_per_unit: [f64; 2],
    limits: &CloudLimits,
) -> Option<CloudPicture> {
    let [ppu_x, ppu_y] = pixels_per_unit;
    // Downhill, y flipped: the pixel offset of −g at scale 1.
    let to_pixels = |g: &[f64]| match g {
        [gx, gy, ..] => Some([-gx * ppu_x, gy * ppu_y]),
        _ => None,
    };
    let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let arrow = to_pixels(full).filter(finite).unwrap_or([0.0, 0.0]);
    let mut tips = Vec::with_capacity(samples.len());
    let mut distances = Vec::with_capacity(samples.len());
    for tip in samples.iter().filter_map(|g| to_pixels(g)).filter(finite) {
        tips.push(tip);
        distances.push(libm::hypot(tip[0], tip[1]));
    }
    let arrow_length = libm::hypot(arrow[0], arrow[1]);
    let spread = quantile(&mut distances, limits.quantile).filter(|&d| d > 0.0);
    let mut scale = f64::INFINITY;
    if arrow_length > 0.0 {
        scale = limits.arrow_max / arrow_length;
    }
    if let Some(spread) = spread {
        scale = scale.min(limits.radius / spread);
    }
    if arrow_length > 0.0 && scale * arrow_length < limits.arrow_min {
        let wanted = limits.arrow_min / arrow_length;
        if spread.is_none_or(|s| wanted * s <= limits.radius_max) {
            scale = wanted;
        }
    }
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    let arrow = [scale * arrow[0], scale * arrow[1]];
    let shown = scale * arrow_length;
    // (Below `arrow_min` by more than rounding: a scale raised to reach it does not count.)
    let magnified = (shown > 0.0 && shown < limits.arrow_min * (1.0 - 1e-9))
        .then(|| round_up_125(limits.arrow_min / shown))
        .filter(|factor| factor.is_finite())
        .map(|factor| Magnified {
            factor,
            tip: [factor * arrow[0], factor * arrow[1]],
        });
    for tip in &mut tips {
        *tip = [scale * tip[0], scale * tip[1]];
    }
    let ellipse = covariance_ellipse(&tips, 2.0).filter(|e| e.radii[0] >= 1.0);
    Some(CloudPicture {
        scale,
        arrow,
        tips,
        ellipse,
        magnified,
    })
}

/// The least of 1, 2, 5, 10, 20, 50, … that is at least `x` (≥ 1); ∞ past 10¹².
fn round_up_125(x: f64) -> f64 {
    let mut decade = 1.0;
    while decade <= 1e12 {
        for step in [1.0, 2.0, 5.0] {
            if step * decade >= x {
                return step * decade;
            }
        }
        decade *= 10.0;
    }
    f64::INFINITY
}

/// The `q`-quantile (0 … 1) of `values` by the nearest rank (sorts them); `None` when empty.
fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    // Insertion sort: a few dozen values, and far less code in the wasm than the library sort.
    for i in 1..values.len() {
        let mut j = i;
        while j > 0 && values[j - 1].total_cmp(&values[j]).is_gt() {
            values.swap(j - 1, j);
            j -= 1;
        }
    }
    let rank = libm::ceil(q.clamp(0.0, 1.0) * values.len() as f64) as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}

/// The `k`-σ ellipse of the sample covariance of `points` (the divisor n − 1): centred on their
/// mean, semi-axes k·√λ along the covariance's eigenvectors. `None` for fewer than two points.
pub fn covariance_ellipse(points: &[[f64; 2]], k: f64) -> Option<Ellipse> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mean = points
        .iter()
        .fold([0.0, 0.0], |m, p| [m[0] + p[0] / n, m[1] + p[1] / n]);
    let (mut xx, mut xy, mut yy) = (0.0, 0.0, 0.0);
    for p in points {
        let (dx, dy) = (p[0] - mean[0], p[1] - mean[1]);
        xx += dx * dx;
        xy += dx * dy;
        yy += dy * dy;
    }
    let (xx, xy, yy) = (xx / (n - 1.0), xy / (n - 1.0), yy / (n - 1.0));
    // Eigenvalues of [[xx, xy], [xy, yy]]: the half-trace ± the half-gap.
    let half_trace = (xx + yy) / 2.0;
    let half_gap = libm::hypot((xx - yy) / 2.0, xy);
    let (large, small) = (half_trace + half_gap, (half_trace - half_gap).max(0.0));
    let ellipse = Ellipse {
        centre: mean,
        radii: [k * libm::sqrt(large), k * libm::sqrt(small)],
        angle: libm::atan2(2.0 * xy, xx - yy) / 2.0,
    };
    let all_finite = [mean[0], mean[1], large, ellipse.angle]
        .iter()
        .all(|v| v.is_finite());
    all_finite.then_some(ellipse)
}

/// Contour levels for a field whose values span `low … high`: `count` levels strictly between,
/// spaced evenly in ln(1 + (v − low)/δ) with δ = 10⁻³·(high − low) — dense near the minimum,
/// sparse far from it, so a bowl shows rings both close to its bottom and out at the edges (on a
/// quadratic bowl the rings' radii grow about 1.4× from one to the next, for 10 levels). Empty
/// when the span is not positive and finite.
pub fn log_levels(low: f64, high: f64, count: usize) -> Vec<f64> {
    let span = high - low;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    let delta = span * 1e-3;
    let top = libm::log1p(span / delta);
    (1..=count)
        .map(|k| low + delta * libm::expm1(top * k as f64 / (count + 1) as f64))
        .filter(|&level| level > low && level < high)
        .collect()
}

/// Contour lines of `f(x, y)` over the plotting area of `viewport`, in canvas pixels: `f`
/// sampled on a grid of nodes about `cell` pixels apart (at least 1; the area's corners
/// included), traced at `count` [`log_levels`] between the grid's least and greatest finite
/// values. Also returns the grid node with the least value, in pixels (`None` when no value is
/// finite).
pub fn pixel_contours(
    f: impl Fn(f64, f64) -> f64,
    viewport: &Viewport,
    cell: f64,
    count: usize,
) -> (Vec<Polyline>, Option<[f64; 2]>) {
    let nodes = |length: f64| {
        let n = libm::ceil(length / cell.max(1.0));
        if n.is_finite() && n >= 1.0 {
            (n as usize).min(2048) + 1
        } else {
            0
        }
    };
    let (columns, rows) = (nodes(viewport.width), nodes(viewport.height));
    if columns < 2 || rows < 2 {
        return (Vec::new(), None);
    }
    let step_x = viewport.width / (columns - 1) as f64;
    let step_y = viewport.height / (rows - 1) as f64;
    let pixel = |[c, r]: [f64; 2]| [viewport.left + c * step_x, viewport.top + r * step_y];
    let mut values = Vec::with_capacity(columns * rows);
    let (mut low, mut high, mut lowest) = (f64::INFINITY, f64::NEG_INFINITY, None);
    for r in 0..rows {
        for c in 0..columns {
            let [px, py] = pixel([c as f64, r as f64]);
            let (x, y) = viewport.to_plane(px, py);
            let v = f(x, y);
            if v.is_finite() {
                if v < low {
                    low = v;
                    lowest = Some([px, py]);
                }
                high = high.max(v);
            }
            values.push(v);
        }
    }
    let levels = log_levels(low, high, count);
    let mut lines = Vec::new();
    for isoline in isolines(&values, columns, rows, &levels) {
        for mut line in isoline.lines {
            for point in &mut line.points {
                *point = pixel(*point);
            }
            lines.push(line);
        }
    }
    (lines, lowest)
}

/// The ghost contours of one batch: its loss's contour lines and its minimum, in canvas pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct GhostContours {
    /// The contour lines of the batch's loss over the plotting area.
    pub lines: Vec<Polyline>,
    /// The batch's minimum, or where it is a line (one distinct x), the point of that line
    /// nearest the point the last step started from; `None` when it cannot be placed.
    pub minimum: Option<[f64; 2]>,
}

/// Contour levels of a ghost contour picture.
pub const GHOST_LEVELS: usize = 10;

/// For linear regression with a true mini-batch (`0 < batch.len() <` the sample count): the
/// contours of the loss of `batch` alone over `(w, b)` — the surface the last step descended —
/// sampled every `cell` pixels, and its least-squares minimum ([`batch_minimum`]) relative to
/// `from`, the parameters the step started from. `None` otherwise.
pub fn batch_contours(
    model: &Model,
    batch: &[usize],
    from: &[f64],
    viewport: &Viewport,
    cell: f64,
) -> Option<GhostContours> {
    let Model::Linreg(regression) = model else {
        return None;
    };
    let points = regression.train_points();
    if batch.is_empty()
        || batch.len() >= points.len()
        || batch.iter().any(|&i| i >= points.len())
        || from.len() != 2
    {
        return None;
    }
    let (lines, lowest) = pixel_contours(
        |w, b| regression.batch_loss_and_gradient(&[w, b], batch, &mut [0.0; 2]),
        viewport,
        cell,
        GHOST_LEVELS,
    );
    let minimum = batch_minimum(points, batch, [from[0], from[1]])
        .map(|[w, b]| {
            let (px, py) = viewport.to_pixel(w, b);
            [px, py]
        })
        .or(lowest);
    Some(GhostContours { lines, minimum })
}

/// The least-squares line `[w, b]` through the points `batch` picks out of `points` (indices
/// out of range are skipped; repeats count twice). When the batch has one distinct x (a batch of
/// one, say) every line through (x̄, ȳ) fits it exactly; then the one nearest `from` in the
/// (w, b) plane — where a gradient step from `from` heads, since that batch's gradient is normal
/// to the line of minima. `None` for an empty batch or non-finite data.
pub fn batch_minimum(points: &[[f64; 2]], batch: &[usize], from: [f64; 2]) -> Option<[f64; 2]> {
    let chosen = || batch.iter().filter_map(|&i| points.get(i));
    let (mut n, mut sum_x, mut sum_y, mut largest_x) = (0.0, 0.0, 0.0, 1.0f64);
    for p in chosen() {
        n += 1.0;
        sum_x += p[0];
        sum_y += p[1];
        largest_x = largest_x.max(p[0].abs());
    }
    if n == 0.0 {
        return None;
    }
    let (mean_x, mean_y) = (sum_x / n, sum_y / n);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for p in chosen() {
        let dx = p[0] - mean_x;
        sxx += dx * dx;
        sxy += dx * (p[1] - mean_y);
    }
    // x's spread is zero up to rounding: one distinct x.
    let minimum = if sxx > 1e-12 * largest_x * largest_x * n {
        let w = sxy / sxx;
        [w, mean_y - w * mean_x]
    } else {
        // The minima are the line w·x̄ + b = ȳ, normal (x̄, 1): project `from` onto it.
        let excess = (from[0] * mean_x + from[1] - mean_y) / (mean_x * mean_x + 1.0);
        [from[0] - excess * mean_x, from[1] - excess]
    };
    minimum.iter().all(|v| v.is_finite()).then_some(minimum)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[allow(clippy::disallowed_methods)] // expectations may use the platform's functions
mod tests {
    use super::*;
    use crate::objective::surfaces::ViewBox;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    use rand_pcg::Pcg64Mcg;

    const LIMITS: CloudLimits = CloudLimits {
        arrow_max: 70.0,
        arrow_min: 25.0,
        radius: 110.0,
        radius_max: 220.0,
        quantile: 0.85,
    };

    fn gaussian(count: usize, mean: [f64; 2], spread: [[f64; 2]; 2], seed: u64) -> Vec<[f64; 2]> {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        (0..count)
            .map(|_| {
                let z: [f64; 2] = [
                    StandardNormal.sample(&mut rng),
                    StandardNormal.sample(&mut rng),
                ];
                [
                    mean[0] + spread[0][0] * z[0] + spread[0][1] * z[1],
                    mean[1] + spread[1][0] * z[0] + spread[1][1] * z[1],
                ]
            })
            .collect()
    }

    #[test]
    fn the_ellipse_of_a_known_gaussian() {
        // x = R·diag(3, 1)·z with R a rotation by 30°: axes 3 and 1 along 30° and 120°.
        let angle = std::f64::consts::PI / 6.0;
        let (c, s) = (angle.cos(), angle.sin());
        let spread = [[3.0 * c, -s], [3.0 * s, c]];
        let points = gaussian(20_000, [5.0, -2.0], spread, 7);
        let e = covariance_ellipse(&points, 2.0).unwrap();
        assert!(
            (e.centre[0] - 5.0).abs() < 0.06 && (e.centre[1] + 2.0).abs() < 0.06,
            "{e:?}"
        );
        assert!((e.radii[0] - 6.0).abs() < 0.1, "{e:?}");
        assert!((e.radii[1] - 2.0).abs() < 0.05, "{e:?}");
        assert!((e.angle - angle).abs() < 0.02, "{e:?}");
        // About 1 − e⁻² ≈ 86 % of a 2-D Gaussian lies inside its 2-σ ellipse.
        let inside = points
            .iter()
            .filter(|p| {
                let (dx, dy) = (p[0] - e.centre[0], p[1] - e.centre[1]);
                let (u, v) = (dx * c + dy * s, -dx * s + dy * c);
                (u / e.radii[0]).powi(2) + (v / e.radii[1]).powi(2) <= 1.0
            })
            .count() as f64
            / points.len() as f64;
        assert!((inside - (1.0 - (-2.0f64).exp())).abs() < 0.01, "{inside}");
    }

    #[test]
    fn the_ellipse_of_too_few_or_equal_points() {
        assert_eq!(covariance_ellipse(&[], 2.0), None);
        assert_eq!(covariance_ellipse(&[[1.0, 2.0]], 2.0), None);
        let same = covariance_ellipse(&[[1.0, 2.0]; 5], 2.0).unwrap();
        assert_eq!(same.radii, [0.0, 0.0]);
        assert_eq!(
            covariance_ellipse(&[[f64::NAN, 0.0], [0.0, 0.0]], 2.0),
            None
        );
    }

    fn length(p: [f64; 2]) -> f64 {
        p[0].hypot(p[1])
    }

    fn nth_distance(picture: &CloudPicture, q: f64) -> f64 {
        let mut d: Vec<f64> = picture.tips.iter().map(|&t| length(t)).collect();
        quantile(&mut d, q).unwrap()
    }

    /// Batch gradients around `full` with isotropic noise of size `noise` (plane units).
    fn cloud(full: [f64; 2], noise: f64, seed: u64) -> Vec<Vec<f64>> {
        gaussian(64, full, [[noise, 0.0], [0.0, noise]], seed)
            .into_iter()
            .map(|p| p.to_vec())
            .collect()
    }

    #[test]
    fn the_scale_keeps_arrow_and_cloud_within_their_bounds() {
        let ppu = [100.0, 50.0];
        for (noise, seed) in [(0.0, 1), (0.01, 2), (0.3, 3), (1.0, 4), (3.0, 5), (30.0, 6)] {
            let full = [1.0, -0.5];
            let picture = cloud_picture(&full, &cloud(full, noise, seed), ppu, &LIMITS).unwrap();
            let arrow = length(picture.arrow);
            let spread = nth_distance(&picture, 0.85);
            assert!(arrow <= 70.0 + 1e-9, "noise {noise}: arrow {arrow}");
            assert!(
                spread <= 220.0 + 1e-9,
                "noise {noise}: 85 % of tips within {spread}"
            );
            // The arrow is never shortened below 25 px while the cloud is within 110 px; it is
            // raised to 25 px if the cloud stays within 220 px, else enlarged apart.
            assert!(
                spread <= 110.0 + 1e-9 || (arrow - 25.0).abs() < 1e-9,
                "noise {noise}"
            );
            match picture.magnified {
                None => assert!(arrow >= 25.0 - 1e-9, "noise {noise}: arrow {arrow}"),
                Some(Magnified { factor, tip }) => {
                    assert!(
                        arrow < 25.0 && (spread - 110.0).abs() < 1e-9,
                        "noise {noise}"
                    );
                    let enlarged = length(tip);
                    assert!((enlarged - factor * arrow).abs() < 1e-9);
                    assert!((25.0..62.5).contains(&enlarged), "noise {noise}: ×{factor}");
                }
            }
            // One common scale: the arrow is −scale·∇f in the plane, shown in pixels.
            let expected = [
                -picture.scale * full[0] * ppu[0],
                picture.scale * full[1] * ppu[1],
            ];
            assert!((picture.arrow[0] - expected[0]).abs() < 1e-9);
            assert!((picture.arrow[1] - expected[1]).abs() < 1e-9);
            assert_eq!(picture.tips.len(), 64);
        }
        // No noise: the full arrow is 70 px and every tip sits on its tip, no ellipse.
        let full = [0.2, 0.1];
        let same = vec![full.to_vec(); 64];
        let picture = cloud_picture(&full, &same, ppu, &LIMITS).unwrap();
        assert!((length(picture.arrow) - 70.0).abs() < 1e-9);
        assert!(picture.tips.iter().all(|&t| t == picture.arrow));
        assert_eq!(picture.ellipse, None);
        assert_eq!(picture.magnified, None);
    }

    #[test]
    fn an_arrow_raised_to_its_minimum_is_not_also_enlarged() {
        // Tips about 6 units out: 110 px for the cloud would leave the arrow 18 px; raised to
        // 25 px, the cloud reaches 152 px, within 220.
        let samples: Vec<Vec<f64>> = (0..10).map(|k| vec![1.0, 6.0 + 0.01 * k as f64]).collect();
        let picture = cloud_picture(&[1.0, 0.0], &samples, [1.0, 1.0], &LIMITS).unwrap();
        assert!((length(picture.arrow) - 25.0).abs() < 1e-9);
        assert_eq!(picture.magnified, None);
    }

    #[test]
    fn a_gradient_dwarfed_by_noise_is_also_shown_enlarged() {
        // Noise 1000 times the gradient: one scale cannot show both within 220 px.
        let full = [0.001, 0.0];
        let picture = cloud_picture(&full, &cloud([0.0, 0.0], 1.0, 8), [50.0, 50.0], &LIMITS);
        let picture = picture.unwrap();
        assert!((nth_distance(&picture, 0.85) - 110.0).abs() < 1e-9);
        let Magnified { factor, tip } = picture.magnified.unwrap();
        assert!(length(picture.arrow) < 1.0);
        assert!(
            [100.0, 200.0, 500.0, 1000.0, 2000.0].contains(&factor),
            "×{factor}"
        );
        assert!(tip[0] < -25.0 && tip[1] == 0.0, "{tip:?}: downhill is −x");
        assert_eq!(round_up_125(1.0), 1.0);
        assert_eq!(round_up_125(1.01), 2.0);
        assert_eq!(round_up_125(37.0), 50.0);
        assert_eq!(round_up_125(1e13), f64::INFINITY);
    }

    #[test]
    fn the_scale_at_a_minimum_and_with_nothing_to_draw() {
        // At a minimum (∇f = 0) only the cloud sets the scale.
        let samples = cloud([0.0, 0.0], 1.0, 9);
        let picture = cloud_picture(&[0.0, 0.0], &samples, [10.0, 10.0], &LIMITS).unwrap();
        assert_eq!(picture.arrow, [0.0, 0.0]);
        assert!((nth_distance(&picture, 0.85) - 110.0).abs() < 1e-9);
        assert!(picture.ellipse.is_some());
        assert_eq!(cloud_picture(&[0.0, 0.0], &[], [1.0, 1.0], &LIMITS), None);
        let zeros = vec![vec![0.0, 0.0]; 4];
        assert_eq!(
            cloud_picture(&[0.0, 0.0], &zeros, [1.0, 1.0], &LIMITS),
            None
        );
        let bad = vec![vec![f64::NAN, 1.0], vec![1.0]];
        let picture = cloud_picture(&[1.0, 0.0], &bad, [1.0, 1.0], &LIMITS).unwrap();
        assert!(picture.tips.is_empty() && length(picture.arrow) == 70.0);
        assert_eq!(
            cloud_picture(&[f64::NAN, 0.0], &[], [1.0, 1.0], &LIMITS),
            None
        );
    }

    #[test]
    fn log_levels_are_dense_near_the_bottom() {
        let levels = log_levels(2.0, 102.0, 10);
        assert_eq!(levels.len(), 10);
        assert!(levels.windows(2).all(|w| w[0] < w[1]));
        assert!(levels[0] > 2.0 && levels[0] < 2.0 + 0.2, "{levels:?}");
        assert!(levels[9] < 102.0 && levels[9] > 2.0 + 50.0, "{levels:?}");
        assert!(log_levels(1.0, 1.0, 10).is_empty());
        assert!(log_levels(f64::NEG_INFINITY, 1.0, 10).is_empty());
        assert!(log_levels(0.0, 1.0, 0).is_empty());
    }

    fn viewport() -> Viewport {
        Viewport {
            view: ViewBox {
                x_min: -2.0,
                x_max: 2.0,
                y_min: -1.0,
                y_max: 3.0,
            },
            left: 40.0,
            top: 10.0,
            width: 400.0,
            height: 300.0,
        }
    }

    #[test]
    fn pixel_contours_lie_on_their_levels_inside_the_plot() {
        let viewport = viewport();
        let f = |x: f64, y: f64| (x - 0.5) * (x - 0.5) + 4.0 * (y - 1.0) * (y - 1.0);
        let (lines, lowest) = pixel_contours(f, &viewport, 8.0, 10);
        assert!(lines.len() >= 10, "{} lines", lines.len());
        // The grid's corners are its extremes here: the levels lie between f's grid range.
        let levels = log_levels(0.0, f(-2.0, 3.0), 10);
        for line in &lines {
            for p in &line.points {
                assert!(viewport.contains_pixel(p[0], p[1]), "{p:?}");
                let (x, y) = viewport.to_plane(p[0], p[1]);
                // Linear interpolation along an edge misses by at most h²·f''/8: along x, cells of
                // 0.08 plane units (400 px / 50) and f'' = 2; along y, of 4/38 (300 px / 38) and
                // f'' = 8.
                let bound = (0.08f64.powi(2) * 2.0 / 8.0).max((4.0f64 / 38.0).powi(2) * 8.0 / 8.0);
                let nearest = levels
                    .iter()
                    .map(|l| (f(x, y) - l).abs())
                    .fold(f64::MAX, f64::min);
                assert!(nearest <= bound + 1e-9, "{p:?}: off by {nearest}");
            }
        }
        let [lx, ly] = lowest.unwrap();
        let (x, y) = viewport.to_plane(lx, ly);
        assert!((x - 0.5).abs() < 0.05 && (y - 1.0).abs() < 0.05, "{x}, {y}");
        // Nothing finite, or no room: nothing.
        let (lines, lowest) = pixel_contours(|_, _| f64::NAN, &viewport, 8.0, 10);
        assert!(lines.is_empty() && lowest.is_none());
        let tiny = Viewport {
            width: 0.0,
            ..viewport
        };
        assert!(pixel_contours(f, &tiny, 8.0, 10).0.is_empty());
        // A cell below one pixel (or not a number) counts as one pixel.
        assert!(!pixel_contours(f, &viewport, f64::NAN, 10).0.is_empty());
    }

    #[test]
    fn the_minimum_of_a_batch() {
        let points = [[0.0, 1.0], [1.0, 3.0], [2.0, 5.0], [3.0, 0.0]];
        // The first three lie on y = 2x + 1.
        let [w, b] = batch_minimum(&points, &[0, 1, 2], [9.0, 9.0]).unwrap();
        assert!((w - 2.0).abs() < 1e-12 && (b - 1.0).abs() < 1e-12);
        // One point, (1, 3): the minima are the line w + b = 3; from (0, 0) the nearest is
        // (1.5, 1.5).
        let [w, b] = batch_minimum(&points, &[1], [0.0, 0.0]).unwrap();
        assert!((w - 1.5).abs() < 1e-12 && (b - 1.5).abs() < 1e-12);
        // A point already on the line is its own nearest minimum.
        assert_eq!(
            batch_minimum(&points, &[1, 1], [2.0, 1.0]),
            Some([2.0, 1.0])
        );
        assert_eq!(batch_minimum(&points, &[], [0.0, 0.0]), None);
        assert_eq!(batch_minimum(&points, &[7], [0.0, 0.0]), None);
    }

    #[test]
    fn ghost_contours_only_for_a_regression_mini_batch() {
        let spec = crate::objective::linreg::LinReg::from_points(
            (0..20)
                .map(|i| [i as f64 / 10.0 - 1.0, 0.5 * i as f64 / 10.0])
                .collect(),
        );
        let model = Model::Linreg(crate::objective::linreg::LinearRegression::new(spec).unwrap());
        let viewport = viewport();
        let ghost = batch_contours(&model, &[1, 5, 9], &[0.0, 0.0], &viewport, 8.0).unwrap();
        assert!(ghost.lines.len() >= 5);
        let [mx, my] = ghost.minimum.unwrap();
        let (w, b) = viewport.to_plane(mx, my);
        // The points lie on y = 0.5x + 0.5.
        assert!((w - 0.5).abs() < 1e-9 && (b - 0.5).abs() < 1e-9, "{w}, {b}");
        assert_eq!(
            batch_contours(&model, &[], &[0.0, 0.0], &viewport, 8.0),
            None
        );
        let all: Vec<usize> = (0..20).collect();
        assert_eq!(
            batch_contours(&model, &all, &[0.0, 0.0], &viewport, 8.0),
            None
        );
        assert_eq!(
            batch_contours(&model, &[99], &[0.0, 0.0], &viewport, 8.0),
            None
        );
    }
}
