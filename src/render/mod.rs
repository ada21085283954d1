//! Pure pixel and chart code: colour maps and heat maps, with no browser types, so every picture
//! the page shows is computed (and tested) natively.

pub mod cloud;
pub mod colormap;
pub mod contour;
pub mod curvature;
pub mod dots;
pub mod heatmap;
pub mod surface3d;
pub mod viewport;
pub mod vision;
