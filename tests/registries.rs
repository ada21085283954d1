//! Each optimizer, surface and data set is named in one table in the core (`optim::OPTIMIZERS`,
//! the `surfaces!` list, the `datasets!` list); the page's menus come from them through the
//! catalogs the wasm hands the page. These tests fail when a list is written anywhere else: when
//! `docs/scenario.md`'s tables drift from the registries, or when a page file spells out a kind's
//! entries itself.

use gdviz::data::datasets::DatasetName;
use gdviz::optim::OPTIMIZERS;
use gdviz::session::catalog;
use std::path::Path;

fn repo_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The names in backticks in `text`, in order.
fn quoted_names(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The first cell (a name in backticks) of each row of the Markdown table whose header row is
/// `header`.
fn table_names<'a>(doc: &'a str, header: &str) -> Vec<&'a str> {
    let mut lines = doc.lines().skip_while(|line| line.trim() != header);
    assert!(
        lines.next().is_some(),
        "docs/scenario.md has a table headed {header:?}"
    );
    lines
        .skip(1) // the | --- | row
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.split('|').nth(1))
        .filter_map(|cell| quoted_names(cell).first().copied())
        .collect()
}

/// The text of `doc` from `start` up to `end`.
fn between<'a>(doc: &'a str, start: &str, end: &str) -> &'a str {
    let from = doc
        .find(start)
        .unwrap_or_else(|| panic!("docs/scenario.md says {start:?}"));
    let rest = &doc[from + start.len()..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn the_docs_optimizer_table_is_the_registry() {
    let doc = repo_file("docs/scenario.md");
    let registry: Vec<&str> = OPTIMIZERS.iter().map(|o| o.name).collect();
    assert_eq!(
        table_names(&doc, "| name | hyper-parameters (PyTorch defaults) |"),
        registry
    );
}

#[test]
fn the_docs_surface_names_are_the_registry() {
    let doc = repo_file("docs/scenario.md");
    let listed = quoted_names(between(&doc, "`name` is one of ", "(your own function"));
    let menu = catalog::surfaces();
    let registry: Vec<&str> = menu
        .iter()
        .map(|s| s.name)
        .filter(|name| *name != "linreg")
        .collect();
    assert_eq!(listed, registry);
}

#[test]
fn the_docs_data_set_tables_are_the_registry() {
    let doc = repo_file("docs/scenario.md");
    let registry: Vec<&str> = DatasetName::ALL.iter().map(|d| d.as_str()).collect();
    assert_eq!(table_names(&doc, "| name | data |"), registry);
    let name_row = between(&doc, "| `name` | `circle`", "| required |");
    let mut listed = vec!["circle"];
    listed.extend(quoted_names(name_row));
    assert_eq!(listed, registry);
}

/// A page file that names most of a kind's entries is a list of them, which belongs in the
/// registry: special cases (a control for the quadratic's κ, Adam as the fallback racer) name one
/// or two.
#[test]
fn no_page_file_lists_a_kind() {
    let optimizers: Vec<&str> = OPTIMIZERS.iter().map(|o| o.name).collect();
    let surfaces: Vec<&str> = catalog::surfaces().iter().map(|s| s.name).collect();
    let datasets: Vec<&str> = DatasetName::ALL.iter().map(|d| d.as_str()).collect();
    let kinds = [
        ("optimizers", optimizers),
        ("surfaces", surfaces),
        ("data sets", datasets),
    ];
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    let mut files: Vec<String> = std::fs::read_dir(&www)
        .map(|dir| {
            dir.filter_map(|entry| entry.ok())
                .map(|entry| format!("www/{}", entry.file_name().to_string_lossy()))
                .filter(|name| name.ends_with(".js") || name.ends_with(".html"))
                .collect()
        })
        .unwrap_or_default();
    files.push("index.html".into());
    assert!(files.len() > 5, "the page's files are found: {files:?}");
    for file in &files {
        let text = repo_file(file);
        for (kind, names) in &kinds {
            let named: Vec<&&str> = names
                .iter()
                .filter(|name| names_entry(&text, name))
                .collect();
            assert!(
                named.len() * 2 <= names.len(),
                "{file} lists {kind} {named:?}: take them from the catalog instead"
            );
        }
    }
}

/// Whether `text` spells `name` as a string (`'adam'`, `"adam"`) or an object key (`adam:`).
fn names_entry(text: &str, name: &str) -> bool {
    ['\'', '"', '`']
        .iter()
        .any(|q| text.contains(&format!("{q}{name}{q}")))
        || text.match_indices(&format!("{name}:")).any(|(at, _)| {
            text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '-')
        })
}

/// `lib.rs`'s module docs list every module it declares.
#[test]
fn the_crate_docs_list_every_module() {
    let lib = repo_file("src/lib.rs");
    let docs: String = lib
        .lines()
        .filter(|line| line.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    assert!(modules.len() > 10, "{modules:?}");
    for module in modules {
        assert!(
            docs.contains(&format!("[`{module}`]")) || docs.contains(&format!("`{module}` —")),
            "src/lib.rs's docs do not list `{module}`"
        );
    }
}
