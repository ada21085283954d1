//! Prints the batches gdviz's sampler hands a run, so that a reference computed elsewhere (the
//! PyTorch generator tests/fixtures/generate_ce.py) can train on the very same batches.
//!
//! ```text
//! echo '{"n":30,"batch_size":8,"seed":3,"steps":12}' | cargo run --example batch_order
//! ```
//!
//! prints one JSON array of `steps` batches, each a list of sample indices, as
//! `gdviz::run::Runner` draws them for a scenario with that sample count, `batch_size`, `seed`
//! (and `with_replacement`, default false).

use gdviz::data::sampler::Sampler;
use serde_json::Value;
use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        eprintln!("batch_order: cannot read stdin");
        return ExitCode::from(2);
    }
    let Ok(request) = serde_json::from_str::<Value>(&text) else {
        eprintln!("batch_order: stdin is not JSON");
        return ExitCode::from(2);
    };
    let number = |key: &str| request[key].as_u64().map(|v| v as usize);
    let (Some(n), Some(steps)) = (number("n"), number("steps")) else {
        eprintln!("batch_order: give n and steps");
        return ExitCode::from(2);
    };
    let seed = request["seed"].as_u64().unwrap_or(0);
    let with_replacement = request["with_replacement"].as_bool().unwrap_or(false);
    let mut sampler = Sampler::new(n, number("batch_size"), seed, with_replacement);
    let batches: Vec<Vec<usize>> = (0..steps).map(|_| sampler.next_batch().to_vec()).collect();
    println!("{}", serde_json::to_string(&batches).unwrap_or_default());
    ExitCode::SUCCESS
}
