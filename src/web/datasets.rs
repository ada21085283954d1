//! The network lab's data sets (feature `full`): the list its picker offers, their thumbnails, and
//! a network's output layer fitted to its data.

use super::*;
use crate::render::colormap::class_css;

/// The data sets the network lab offers, as JSON `[{"name","kind"}]`
/// ([`crate::session::catalog::datasets`]).
#[wasm_bindgen]
pub fn dataset_catalog() -> String {
    to_json(&crate::session::catalog::datasets(), "[]")
}

/// Draws a small picture of data set `name` (default size, noise and seed) for its picker.
#[wasm_bindgen]
pub fn draw_dataset_thumbnail(canvas: &HtmlCanvasElement, name: &str) -> Result<(), JsValue> {
    use crate::data::datasets::{DatasetName, DatasetSpec};
    use serde::Deserialize;
    let name: DatasetName = DatasetName::deserialize(serde_json::Value::from(name))
        .map_err(|e| js_error(format!("data set: {e}")))?;
    let dataset = DatasetSpec::new(name).generate().map_err(js_error)?;
    let context = context_2d(canvas)?;
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, w, h);
    let Some(split) = dataset.points_2d() else {
        return Ok(());
    };
    let points: Vec<[f64; 3]> = split.train.iter().chain(split.test).copied().collect();
    let extent = points
        .iter()
        .flat_map(|p| [p[0].abs(), p[1].abs()])
        .fold(1e-9f64, f64::max)
        * 1.1;
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[2]), hi.max(p[2]))
        });
    let colors = ColorMap::viridis();
    for p in &points {
        let (px, py) = (
            w / 2.0 + p[0] / extent * w / 2.0,
            h / 2.0 - p[1] / extent * h / 2.0,
        );
        let fill = if matches!(
            name.kind(),
            crate::data::datasets::DatasetKind::Classification
        ) {
            class_css(p[2] as usize)
        } else {
            let [r, g, b] = colors.at((p[2] - lo) / (hi - lo).max(1e-12));
            format!("rgb({r},{g},{b})")
        };
        context.set_fill_style_str(&fill);
        context.fill_rect(px - 1.5, py - 1.5, 3.0, 3.0);
    }
    Ok(())
}

/// The network objective `objective_json` with its output layer fitted to its loss and data
/// ([`crate::session::network::fit_outputs`]); text that is not JSON comes back as it was.
#[wasm_bindgen]
pub fn fit_network_outputs(objective_json: &str) -> String {
    match serde_json::from_str(objective_json) {
        Ok(value) => to_json(&crate::session::network::fit_outputs(value), objective_json),
        Err(_) => objective_json.to_string(),
    }
}
