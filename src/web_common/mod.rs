//! What both WebAssembly modules carry at the JavaScript edge: the panic hook, errors as
//! JavaScript values, JSON text, and (feature `bench`) the timing entry points of `make bench`.
//!
//! The page's module (feature `lab`: [`crate::web`], the surface and network labs) and the digits
//! lab's module (feature `cnn`: [`crate::web_digits`]) are built from this crate with different
//! features (see the Makefile); each is a whole wasm of its own, so each carries these few items.

use wasm_bindgen::prelude::*;

// Only in `make bench`'s own builds (feature `bench`): the page's modules do not carry it.
#[cfg(feature = "bench")]
pub mod bench;

/// Installs the panic hook so any bug shows as a console error (and the page's banner) instead of
/// an opaque `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// `message` as a JavaScript string, for an entry point's `Err`.
pub(crate) fn js_error(message: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&message.to_string())
}

/// JSON text of `value` (`fallback` if it cannot be written, which plain data never is).
pub(crate) fn to_json(value: &impl serde::Serialize, fallback: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| fallback.into())
}

/// What a link asked for and a lab ignored, as a JSON array of `{"key","why",…,"sentence"}`:
/// the parameter, why as data for the page to word ([`crate::url_state::Ignored`]), and the
/// English sentence (for the embed API).
pub(crate) fn ignored_json(ignored: &[crate::url_state::Ignored]) -> String {
    let entries: Vec<serde_json::Value> = ignored
        .iter()
        .map(|ignored| {
            let mut entry = crate::scenario::json_value(ignored);
            if let Some(object) = entry.as_object_mut() {
                object.insert("sentence".into(), ignored.to_string().into());
            }
            entry
        })
        .collect();
    to_json(&entries, "[]")
}

/// A refused scenario for the page: a JavaScript `Error` whose message is the CLI's sentence,
/// with the field path (`race[1].optimizer.lr`), the reason alone and the problem as data
/// (`{"kind":"out_of_range","value":…,"range":{…}}`) as its `field`, `reason` and `problem`
/// properties — the page words it in the control's own label (www/messages.js).
pub(crate) fn refusal(error: crate::read::Refusal) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let problem = serde_json::to_string(&error.problem)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL);
    // Setting a property on a fresh Error cannot fail; the sentence stands alone if it did.
    for (name, value) in [
        ("field", JsValue::from_str(&error.field())),
        ("reason", JsValue::from_str(&error.reason())),
        ("problem", problem),
    ] {
        let _ = js_sys::Reflect::set(&js, &name.into(), &value);
    }
    js.into()
}
