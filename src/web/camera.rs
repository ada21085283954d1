//! The 3-D view's camera as the page reads and keeps it (the URL's `cam=`, a drag, the keys):
//! in the first screen's module, which reads links, though the view itself is drawn by the whole
//! page's ([`crate::render::surface3d::Camera`] is the camera).

use crate::render::surface3d::Camera;
use wasm_bindgen::prelude::*;

/// The camera `text` names (the URL's `cam=yaw,pitch,zoom`) brought into range, as
/// `[yaw, pitch, zoom]`: the default camera for an empty text, none (`undefined`) where it is
/// not three numbers.
#[wasm_bindgen]
pub fn camera_from_text(text: &str) -> Option<Box<[f64]>> {
    let camera = if text.trim().is_empty() {
        Camera::default()
    } else {
        Camera::parse(text)?
    };
    Some(Box::new([camera.yaw, camera.pitch, camera.zoom]))
}

/// `[yaw, pitch, zoom]` brought into range (yaw −180 … 180, pitch 5 … 90, zoom 0.5 … 4).
#[wasm_bindgen]
pub fn clamp_camera(yaw: f64, pitch: f64, zoom: f64) -> Box<[f64]> {
    let camera = Camera { yaw, pitch, zoom }.clamped();
    Box::new([camera.yaw, camera.pitch, camera.zoom])
}
