//! Reading scenario values from JSON by hand, and refusing them as data.
//!
//! Every scenario is a [`serde_json::Value`] before it is anything else (the page's edits, the
//! CLI's stdin and the URL reader all make one), so the structs and tagged enums of the format are
//! read from it by small non-generic readers rather than serde's derive, which compiled two
//! visitors per struct and per field type into the wasm. Each reader returns a [`Refusal`]: the
//! path of the value it refused, relative to what it reads, and a [`Problem`] with what is
//! accepted; each enclosing reader puts its own step in front, so the path arrives whole
//! (`race[2].optimizer.betas[1]`) and nothing is ever parsed back out of a message.
//!
//! * [`refusal`] — the refusal types and their one wording for the command line.
//! * `fields` — a struct's fields (`read_fields!`), numbers, lists.
//! * `tagged` — internally tagged enums (`{"name":"adam",…}`).
//! * [`float_text`] — numbers from text (URL settings, expression literals, CSV cells).
//!
//! It sits below `optim`, `objective` and `data`, whose configurations it reads, and depends on
//! none of them.

pub(crate) mod fields;
pub mod float_text;
pub mod refusal;
pub(crate) mod tagged;
pub mod unfit;

pub(crate) use fields::ReadValue;
pub use refusal::{
    compact, Expected, FieldPath, Found, Length, Problem, Range, Refusal, Step, Unit,
};
pub use unfit::{NoSplit, Unfit};
