//! L-BFGS against PyTorch: the 8 cases of `tests/fixtures/torch_traces_lbfgs.json`
//! (`torch.optim.LBFGS`, float64, with and without the strong-Wolfe line search; see the file's
//! `generator` and `contract` fields), one trace line per outer step, each checked — the loss and
//! every parameter — to 1e-6 relative, by the same comparison as tests/reference.rs.

mod common;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/torch_traces_lbfgs.json"
);

fn cases() -> Vec<serde_json::Value> {
    common::cases(FIXTURE)
}

#[test]
fn all_lbfgs_cases_match_pytorch() {
    let cases = cases();
    assert_eq!(cases.len(), 8, "the fixture holds 8 cases");
    for case in &cases {
        if let Ok(worst) = common::check_case(case) {
            eprintln!("  {}: largest relative error {worst:.2e}", case["id"]);
        }
    }
    common::assert_all_match(&cases, "reference lbfgs");
}

#[test]
fn the_fixture_covers_both_line_searches() {
    let cases = cases();
    let searches: std::collections::BTreeSet<String> = cases
        .iter()
        .map(|c| {
            c["scenario"]["optimizer"]["line_search_fn"]
                .as_str()
                .unwrap_or("none")
                .to_string()
        })
        .collect();
    assert!(searches.contains("strong_wolfe") && searches.contains("none"));
    assert!(cases
        .iter()
        .all(|c| c["scenario"]["optimizer"]["name"] == "lbfgs"));
}
