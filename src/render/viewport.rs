//! The map between plane coordinates and canvas pixels for a chart's plotting area, so a mouse
//! pixel maps back to data coordinates (click to set the start, hover to read a point).

use crate::objective::surfaces::ViewBox;

/// A view box shown in a pixel rectangle of a canvas (y grows downward in pixels, upward in the
/// plane).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// The plane rectangle shown.
    pub view: ViewBox,
    /// Left edge of the plotting area, in canvas pixels.
    pub left: f64,
    /// Top edge of the plotting area, in canvas pixels.
    pub top: f64,
    /// Width of the plotting area, in canvas pixels.
    pub width: f64,
    /// Height of the plotting area, in canvas pixels.
    pub height: f64,
}

impl Viewport {
    /// Canvas pixel of plane point (x, y).
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let v = &self.view;
        (
            self.left + (x - v.x_min) / (v.x_max - v.x_min) * self.width,
            self.top + (v.y_max - y) / (v.y_max - v.y_min) * self.height,
        )
    }

    /// Plane point under canvas pixel (px, py).
    pub fn to_plane(&self, px: f64, py: f64) -> (f64, f64) {
        let v = &self.view;
        (
            v.x_min + (px - self.left) / self.width * (v.x_max - v.x_min),
            v.y_max - (py - self.top) / self.height * (v.y_max - v.y_min),
        )
    }

    /// Whether canvas pixel (px, py) lies inside the plotting area.
    pub fn contains_pixel(&self, px: f64, py: f64) -> bool {
        px >= self.left
            && px <= self.left + self.width
            && py >= self.top
            && py <= self.top + self.height
    }

    /// Where the marker of a point at canvas pixel (px, py) goes: the point itself inside the
    /// plotting area; outside it, the nearest spot on the area's edge (each coordinate clamped,
    /// so a point far above still stands over its own x), with the unit direction, in pixels,
    /// from that spot toward the point — the page draws an arrowhead there pointing the way the
    /// racer went. A coordinate too large to be a pixel (±∞) counts as a direction along its
    /// axis alone. `None` for a NaN pixel (no position to show).
    pub fn marker(&self, px: f64, py: f64) -> Option<Marker> {
        if px.is_nan() || py.is_nan() {
            return None;
        }
        let at = (
            px.clamp(self.left, self.left + self.width),
            py.clamp(self.top, self.top + self.height),
        );
        if at == (px, py) {
            return Some(Marker::Inside(at));
        }
        let (dx, dy) = if px.is_finite() && py.is_finite() {
            (px - at.0, py - at.1)
        } else {
            let axis = |d: f64| if d.is_infinite() { d.signum() } else { 0.0 };
            (axis(px), axis(py))
        };
        let length = libm::hypot(dx, dy);
        Some(Marker::Beyond {
            at,
            toward: (dx / length, dy / length),
        })
    }
}

/// Where and how a point is marked on a plot ([`Viewport::marker`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Marker {
    /// Inside the plotting area, at this pixel.
    Inside((f64, f64)),
    /// Outside it: at this pixel of its edge, pointing along this unit vector (pixels, y down).
    Beyond {
        /// The spot on the edge nearest the point.
        at: (f64, f64),
        /// The unit direction from `at` toward the point.
        toward: (f64, f64),
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_and_plane_points_round_trip() {
        let viewport = Viewport {
            view: ViewBox {
                x_min: -2.0,
                x_max: 2.0,
                y_min: -1.0,
                y_max: 3.0,
            },
            left: 40.0,
            top: 10.0,
            width: 400.0,
            height: 200.0,
        };
        assert_eq!(viewport.to_pixel(-2.0, 3.0), (40.0, 10.0));
        assert_eq!(viewport.to_pixel(2.0, -1.0), (440.0, 210.0));
        let (x, y) = viewport.to_plane(140.0, 60.0);
        assert!((x + 1.0).abs() < 1e-12 && (y - 2.0).abs() < 1e-12);
        assert!(viewport.contains_pixel(41.0, 11.0));
        assert!(!viewport.contains_pixel(39.0, 11.0));
    }

    #[test]
    fn a_point_outside_the_view_is_marked_on_its_edge_pointing_its_way() {
        let viewport = Viewport {
            view: ViewBox {
                x_min: -2.0,
                x_max: 2.0,
                y_min: -2.0,
                y_max: 2.0,
            },
            left: 0.0,
            top: 0.0,
            width: 400.0,
            height: 400.0,
        };
        let at = |x: f64, y: f64| {
            let (px, py) = viewport.to_pixel(x, y);
            viewport.marker(px, py)
        };
        assert_eq!(at(1.0, 1.0), Some(Marker::Inside((300.0, 100.0))));
        assert_eq!(
            at(2.0, -2.0),
            Some(Marker::Inside((400.0, 400.0))),
            "the edge is inside"
        );
        // Far above x = −1.5 (the saddle's escape): on the top edge over x = −1.5, pointing up.
        assert_eq!(
            at(-1.5, 1e37),
            Some(Marker::Beyond {
                at: (50.0, 0.0),
                toward: (0.0, -1.0)
            })
        );
        // Past a corner by as much each way: at the corner, pointing diagonally out.
        let Some(Marker::Beyond { at: corner, toward }) = at(3.0, -3.0) else {
            panic!("beyond")
        };
        assert_eq!(corner, (400.0, 400.0));
        assert!(
            (toward.0 - 0.5f64.sqrt()).abs() < 1e-12 && (toward.1 - 0.5f64.sqrt()).abs() < 1e-12
        );
        // Beyond any pixel: the infinite coordinate's axis alone; NaN has no marker.
        assert_eq!(
            viewport.marker(f64::NEG_INFINITY, 200.0),
            Some(Marker::Beyond {
                at: (0.0, 200.0),
                toward: (-1.0, 0.0)
            })
        );
        assert_eq!(viewport.marker(f64::NAN, 0.0), None);
    }
}
