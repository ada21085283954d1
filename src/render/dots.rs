//! Data points as round dots, rasterised into an RGBA buffer: a filled disc with a ring around
//! it, edges anti-aliased by pixel coverage. Ten thousand dots cost a few milliseconds here and
//! one picture sent to the canvas; as canvas paths (an arc, a fill and a stroke each) the
//! browser's software rasteriser spends a quarter of a second on them.

/// A dot's look: its centre's colour, its ring's colour, and both sizes in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Colour inside the ring.
    pub fill: [u8; 3],
    /// Colour of the ring.
    pub ring: [u8; 3],
    /// Radius to the middle of the ring (the canvas `arc` radius).
    pub radius: f64,
    /// Width of the ring (the canvas `lineWidth`).
    pub ring_width: f64,
}

/// Draws `dot` centred at (`cx`, `cy`) (pixel coordinates, the pixel (i, j) covering
/// [i, i+1) × [j, j+1)) over `rgba`, a `width × height` picture, by source-over compositing.
/// Coverage of each pixel by the disc and by the ring is approximated by the distance from its
/// centre to the edges (a one-pixel ramp), as canvas anti-aliasing looks.
pub fn draw_dot(rgba: &mut [u8], width: usize, height: usize, (cx, cy): (f64, f64), dot: &Dot) {
    let outer = dot.radius + dot.ring_width / 2.0;
    let inner = (dot.radius - dot.ring_width / 2.0).max(0.0);
    if !(cx.is_finite() && cy.is_finite()) {
        return;
    }
    let x0 = (cx - outer - 1.0).floor().max(0.0) as usize;
    let y0 = (cy - outer - 1.0).floor().max(0.0) as usize;
    let x1 = ((cx + outer + 1.0).ceil().max(0.0) as usize).min(width);
    let y1 = ((cy + outer + 1.0).ceil().max(0.0) as usize).min(height);
    for y in y0..y1 {
        for x in x0..x1 {
            let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
            // Coverage of the whole dot and of its inside, each a one-pixel ramp at its edge.
            let all = (outer + 0.5 - d).clamp(0.0, 1.0);
            if all <= 0.0 {
                continue;
            }
            let inside = (inner + 0.5 - d).clamp(0.0, 1.0);
            let k = 4 * (y * width + x);
            let pixel = &mut rgba[k..k + 4];
            // The inside's colour mixed with the ring's, then laid over what is there.
            let colour =
                |c: usize| inside * dot.fill[c] as f64 + (1.0 - inside) * dot.ring[c] as f64;
            let below = pixel[3] as f64 / 255.0;
            let alpha = all + below * (1.0 - all);
            for (c, value) in pixel.iter_mut().take(3).enumerate() {
                let mixed = (colour(c) * all + *value as f64 * below * (1.0 - all)) / alpha;
                *value = mixed.round() as u8;
            }
            pixel[3] = (alpha * 255.0).round() as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOT: Dot = Dot {
        fill: [200, 0, 0],
        ring: [255, 255, 255],
        radius: 3.2,
        ring_width: 1.2,
    };

    #[test]
    fn a_dot_is_filled_at_its_centre_ringed_at_its_radius_and_clear_beyond() {
        let (w, h) = (20, 20);
        let mut rgba = vec![0u8; w * h * 4];
        draw_dot(&mut rgba, w, h, (10.0, 10.0), &DOT);
        let at = |x: usize, y: usize| &rgba[4 * (y * w + x)..4 * (y * w + x) + 4];
        assert_eq!(at(9, 9), &[200, 0, 0, 255], "the centre");
        let ring = at(13, 10);
        assert_eq!(&ring[..3], &[255, 255, 255], "on the ring (3.5 px out)");
        assert!(ring[3] > 150, "mostly covered: {ring:?}");
        assert_eq!(at(15, 9)[3], 0, "beyond it");
        assert_eq!(at(0, 0)[3], 0);
    }

    #[test]
    fn dots_at_the_edges_and_off_the_picture_are_clipped() {
        let (w, h) = (8, 6);
        let mut rgba = vec![0u8; w * h * 4];
        for centre in [
            (0.0, 0.0),
            (8.0, 6.0),
            (-50.0, 3.0),
            (f64::NAN, 1.0),
            (1e300, 2.0),
        ] {
            draw_dot(&mut rgba, w, h, centre, &DOT);
        }
        assert_eq!(rgba[3], 255, "the corner dot is drawn");
    }

    #[test]
    fn a_dot_over_another_covers_it() {
        let (w, h) = (20, 20);
        let mut rgba = vec![0u8; w * h * 4];
        draw_dot(&mut rgba, w, h, (10.0, 10.0), &DOT);
        let blue = Dot {
            fill: [0, 0, 200],
            ..DOT
        };
        draw_dot(&mut rgba, w, h, (10.0, 10.0), &blue);
        assert_eq!(
            &rgba[4 * (9 * w + 9)..4 * (9 * w + 9) + 4],
            &[0, 0, 200, 255]
        );
    }
}
