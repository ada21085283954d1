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
}
