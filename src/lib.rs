//! gdviz — an interactive gradient-descent lab.
//!
//! The crate is layered so that every arrow points toward the numerical core:
//!
//! * [`objective`] — what is minimised: analytic 2-D surfaces, linear regression, a tiny MLP.
//! * [`optim`] — one module per `torch.optim` rule, learning-rate schedules and clipping.
//! * [`data`] — seeded data-set generators and the epoch-shuffle sampler.
//! * [`read`] — reading scenario values from JSON by hand; a refusal is data: a field path and
//!   what is wrong there, with what is accepted.
//! * [`scenario`] — the serde scenario format shared by the CLI, the page's URL state and tests.
//! * [`run`] — the runner that owns parameters, optimizer state, sampler and status.
//! * [`tune`] — learning-rate tuning: a racer run once per value of a log-spaced grid.
//! * [`theory`] — what theory predicts on the quadratic bowl (rates, optimal step sizes), beside
//!   each racer's measured rate.
//! * [`trail`] — the bounded, self-thinning history of a run that the page draws.
//! * [`landscape`] — a network's own loss landscape on a plane of filter-normalised directions.
//! * [`url_state`] — the scenario written as a short, readable query string and read back.
//! * [`session`] — a session of the lab without the browser: the race, its trails and every
//!   number the page shows of them (the page's state, the loss chart, the network's metrics,
//!   the menus).
//! * [`render`] — pure pixel and chart code (colour maps, heat maps) that needs no browser.
//! * [`bench`](mod@bench) — the workloads of `make bench` (`benches/scenarios.json`), timed
//!   natively and in WebAssembly alike.
//! * `web` — the surface and network labs' `#[wasm_bindgen]` facade (`wasm32`, feature `lab`).
//! * `web_digits` — the digits lab's facade (`wasm32`, feature `cnn`): a WebAssembly module of
//!   its own, which the page loads when that lab first opens.
//! * `web_common` — what both facades carry (`wasm32`): the panic hook, errors and JSON for
//!   JavaScript, and the timing entry points of `make bench`.
//!
//! Features: `cnn` (default) — the convolutional network ([`objective::cnn`]'s numbers,
//! `session::digits`, the digits facade); without it a `"cnn"` objective is refused with a
//! sentence. `lab` (default) — the surface and network labs' facade. `bench` — the timing entry
//! points of `make bench`. `make web` builds the page's module with `lab` alone and the digits
//! module with `cnn` alone.
//!
//! Every elementary function the core evaluates (`exp`, `log`, `pow`, `sin`, …) comes from the
//! `libm` crate, and `tanh` from [`objective::tanh`], never from the platform's C library:
//! the same scenario therefore gives the same trace bit for bit in `gdviz trace` and in the
//! browser (tests/replay.rs and tests/web.rs check eleven scenarios). `clippy.toml` forbids the
//! platform's functions everywhere but in tests.
#![warn(missing_docs)]

pub mod bench;
pub mod data;
pub mod landscape;
pub mod objective;
pub mod optim;
pub mod read;
pub mod render;
pub mod run;
pub mod scenario;
pub mod session;
pub mod theory;
pub mod trail;
pub mod tune;
pub mod url_state;

#[cfg(all(target_arch = "wasm32", feature = "lab"))]
pub mod web;
#[cfg(target_arch = "wasm32")]
pub mod web_common;
#[cfg(all(target_arch = "wasm32", feature = "cnn"))]
pub mod web_digits;
