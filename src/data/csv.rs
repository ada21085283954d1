//! Your own data: comma-separated values read into the points of a data objective.
//!
//! # Format
//!
//! One point per line, columns separated by commas:
//!
//! | kind | columns | objective |
//! | --- | --- | --- |
//! | classification | `x1,x2,label`, label `0` or `1`, or `0, …, k − 1` for `k ≤ 8` classes | `mlp` (`bce` or `mse`; `ce` for `k` classes) |
//! | 1-D regression | `x,y` | `linreg` |
//! | 2-D regression | `x1,x2,y` | `mlp` (`mse`) |
//!
//! * An optional header: a first line none of whose fields is a number (`x1,x2,label`) is
//!   skipped. It must have the data's number of columns. (A first line mixing numbers and text is
//!   a data row with a typo, and refused as such.)
//! * Whitespace around lines and fields is ignored, as are blank lines, `\r\n` line ends, a
//!   byte-order mark, and one pair of double quotes around a field (`"1.5"`).
//! * Numbers as Rust's `f64::from_str` reads them (`-1.5`, `2e-3`, `.5`); every value must be
//!   finite.
//! * Commas only: a line with `;` or a tab is refused with a message saying so.
//! * At most [`MAX_ROWS`] rows (the limit of the generated data sets), at least one.
//!
//! Every refusal is a [`CsvError`] of one [`CsvErrorKind`], naming the row (the 1-based line
//! number in the text, header and blank lines counted, as an editor shows it) and, for a value,
//! the 1-based column: ``row 4, column 2: `NaN` is not a finite number``.
//!
//! The page turns a pasted or uploaded file into a scenario's inline `points` with
//! [`csv_to_points_json`]; the points ride in the scenario (and its URL state) like any others.

use super::datasets::{DatasetKind, MAX_CLASSES, MAX_N};
use std::fmt;

/// Most data rows accepted.
pub const MAX_ROWS: usize = MAX_N;

/// What was wrong with the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvErrorKind {
    /// No data rows (nothing at all, or only a header).
    Empty,
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows,
    /// A `;` or a tab where commas were expected.
    Separator,
    /// A row with the wrong number of columns.
    Ragged,
    /// Text (or nothing) where a number was expected.
    NotANumber,
    /// `NaN` or an infinity.
    NotFinite,
    /// A classification label that is not a whole number.
    BadLabel,
    /// A classification label outside `0, …, 7` (more classes than a network takes).
    LabelOutOfRange,
}

/// A refused CSV text: the class of the problem, where it is and what was found (serialised for
/// the page, which words it with what the kind of data takes), and the CLI's sentence.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CsvError {
    /// The class of the problem.
    pub kind: CsvErrorKind,
    /// The 1-based line number of the offending row, where there is one.
    pub row: Option<usize>,
    /// The 1-based column of the offending value, where there is one.
    pub column: Option<usize>,
    /// The offending cell's text, where there is one.
    pub cell: Option<String>,
    /// What was counted: the columns of a ragged row, the rows of too long a text.
    pub count: Option<usize>,
    /// The CLI's sentence, e.g. ``row 3, column 1: `abc` is not a number``.
    #[serde(skip)]
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CsvError {}

fn refuse(
    kind: CsvErrorKind,
    row: Option<usize>,
    column: Option<usize>,
    message: String,
) -> CsvError {
    CsvError {
        kind,
        row,
        column,
        cell: None,
        count: None,
        message,
    }
}

impl CsvError {
    /// The refusal naming the cell's text.
    fn cell(mut self, text: &str) -> Self {
        self.cell = Some(text.to_string());
        self
    }

    /// The refusal with what was counted (columns of a row, rows of the text).
    fn count(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }
}

/// A row of `kind` as the data should read, e.g. `0.5,-0.2,1`.
pub fn example(kind: DatasetKind) -> &'static str {
    match kind {
        DatasetKind::Classification => "0.5,-0.2,1",
        DatasetKind::Regression1d => "0.5,1.2",
        DatasetKind::Regression2d => "0.5,-0.2,0.8",
    }
}

/// The number of columns of a point of `kind`: 2 for 1-D regression, 3 otherwise.
pub fn columns(kind: DatasetKind) -> usize {
    match kind {
        DatasetKind::Regression1d => 2,
        DatasetKind::Classification | DatasetKind::Regression2d => 3,
    }
}

/// The column names of `kind`, as a header would give them.
pub fn header(kind: DatasetKind) -> &'static str {
    match kind {
        DatasetKind::Classification => "x1,x2,label",
        DatasetKind::Regression1d => "x,y",
        DatasetKind::Regression2d => "x1,x2,y",
    }
}

/// The kind named `"classification"`, `"regression1d"` or `"regression2d"`.
pub fn kind_from_name(name: &str) -> Option<DatasetKind> {
    match name {
        "classification" => Some(DatasetKind::Classification),
        "regression1d" => Some(DatasetKind::Regression1d),
        "regression2d" => Some(DatasetKind::Regression2d),
        _ => None,
    }
}

/// A field without surrounding whitespace and one pair of double quotes.
fn clean(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .map_or(field, str::trim)
}

/// Refuses a line that separates its columns with `;` or tabs.
fn check_separator(row: usize, line: &str) -> Result<(), CsvError> {
    if line.contains(';') || line.contains('\t') {
        return Err(refuse(
            CsvErrorKind::Separator,
            Some(row),
            None,
            format!("row {row}: columns must be separated by commas"),
        ));
    }
    Ok(())
}

fn ragged(row: usize, found: usize, kind: DatasetKind) -> CsvError {
    refuse(
        CsvErrorKind::Ragged,
        Some(row),
        None,
        format!(
            "row {row} has {found} column{}; expected {} ({})",
            if found == 1 { "" } else { "s" },
            columns(kind),
            header(kind)
        ),
    )
    .count(found)
}

/// Reads `text` (format in the module doc) into points of `kind`, `N` columns each.
///
/// `N` must be [`columns`]`(kind)`: `parse_csv::<3>(text, DatasetKind::Classification)`,
/// `parse_csv::<2>(text, DatasetKind::Regression1d)`, `parse_csv::<3>(text,
/// DatasetKind::Regression2d)`; another `N` is refused as a ragged first row.
pub fn parse_csv<const N: usize>(text: &str, kind: DatasetKind) -> Result<Vec<[f64; N]>, CsvError> {
    let values = parse_flat(text, kind, N)?;
    Ok(values
        .chunks_exact(N)
        .map(|row| {
            let mut point = [0.0; N];
            point.copy_from_slice(row);
            point
        })
        .collect())
}

/// [`parse_csv`] with the row width `n` a value: the rows' values one after another. The reading
/// is compiled once, not once per width.
fn parse_flat(text: &str, kind: DatasetKind, n: usize) -> Result<Vec<f64>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .peekable();
    let example = example(kind);
    let empty = |what: &str| {
        refuse(
            CsvErrorKind::Empty,
            None,
            None,
            format!("{what}; paste rows such as {example} ({})", header(kind)),
        )
    };
    let Some(&(first_row, first)) = lines.peek() else {
        return Err(empty("the data is empty"));
    };
    check_separator(first_row, first)?;
    let is_header = first
        .split(',')
        .all(|field| crate::read::float_text::parse_f64(clean(field)).is_none());
    if is_header {
        let found = first.split(',').count();
        if found != columns(kind) || n != columns(kind) {
            return Err(ragged(first_row, found, kind));
        }
        lines.next();
    }
    let rows: Vec<(usize, &str)> = lines.collect();
    if rows.is_empty() {
        return Err(empty("the data has a header but no rows"));
    }
    if rows.len() > MAX_ROWS {
        return Err(refuse(
            CsvErrorKind::TooManyRows,
            None,
            None,
            format!(
                "the data has {} rows; at most {MAX_ROWS} are accepted",
                rows.len()
            ),
        )
        .count(rows.len()));
    }
    let mut values = Vec::with_capacity(rows.len() * n);
    for (row, line) in rows {
        check_separator(row, line)?;
        let fields: Vec<&str> = line.split(',').map(clean).collect();
        if fields.len() != n || n != columns(kind) {
            return Err(ragged(row, fields.len(), kind));
        }
        for (j, field) in fields.iter().enumerate() {
            let column = j + 1;
            let at = |kind, message: String| refuse(kind, Some(row), Some(column), message);
            if field.is_empty() {
                return Err(at(
                    CsvErrorKind::NotANumber,
                    format!("row {row}, column {column} is empty (expected a number)"),
                )
                .cell(field));
            }
            let v = crate::read::float_text::parse_f64(field).ok_or_else(|| {
                at(
                    CsvErrorKind::NotANumber,
                    format!("row {row}, column {column}: `{field}` is not a number"),
                )
                .cell(field)
            })?;
            if !v.is_finite() {
                return Err(at(
                    CsvErrorKind::NotFinite,
                    format!("row {row}, column {column}: `{field}` is not a finite number"),
                )
                .cell(field));
            }
            if kind == DatasetKind::Classification && column == n {
                let most = MAX_CLASSES - 1;
                if v.fract() != 0.0 {
                    return Err(at(
                        CsvErrorKind::BadLabel,
                        format!("row {row}, column {column}: the label `{field}` is not a whole number (labels are classes 0 to {most})"),
                    )
                    .cell(field));
                }
                if !(0.0..=most as f64).contains(&v) {
                    return Err(at(
                        CsvErrorKind::LabelOutOfRange,
                        format!("row {row}, column {column}: the label `{field}` is out of range (labels are classes 0 to {most})"),
                    )
                    .cell(field));
                }
            }
            values.push(v);
        }
    }
    Ok(values)
}

/// Reads a CSV text into the JSON array of a scenario's inline `points`, e.g.
/// `[[0.5,-0.2,1.0],[0.1,0.3,0.0]]`: `kind` is `"classification"` (`x1,x2,label`, for the MLP),
/// `"regression1d"` (`x,y`, for linear regression) or `"regression2d"` (`x1,x2,y`, for the MLP
/// with `mse`). The error is the sentence of the [`CsvError`], or names the accepted kinds.
pub fn csv_to_points_json(text: &str, kind: &str) -> Result<String, String> {
    let Some(dataset_kind) = kind_from_name(kind) else {
        return Err(format!(
            "unknown kind `{kind}` (accepted: classification, regression1d, regression2d)"
        ));
    };
    points_json(text, dataset_kind).map_err(|e| e.message)
}

/// [`csv_to_points_json`] for a known `kind`, refused with the [`CsvError`] itself.
pub fn points_json(text: &str, kind: DatasetKind) -> Result<String, CsvError> {
    let json = match kind {
        DatasetKind::Regression1d => serde_json::to_string(&parse_csv::<2>(text, kind)?),
        DatasetKind::Classification | DatasetKind::Regression2d => {
            serde_json::to_string(&parse_csv::<3>(text, kind)?)
        }
    };
    // Plain numbers always serialise; an empty list stands in if they did not.
    Ok(json.unwrap_or_else(|_| "[]".to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use CsvErrorKind::*;
    use DatasetKind::*;

    fn refusal<const N: usize>(text: &str, kind: DatasetKind) -> CsvError {
        match parse_csv::<N>(text, kind) {
            Ok(points) => panic!("{text:?} was accepted: {points:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_each_kind_with_or_without_a_header() {
        let classification = "x1,x2,label\r\n0.5, -0.2, 1\r\n\r\n  -1e-1,3,0  \r\n";
        assert_eq!(
            parse_csv::<3>(classification, Classification).unwrap(),
            vec![[0.5, -0.2, 1.0], [-0.1, 3.0, 0.0]]
        );
        assert_eq!(
            parse_csv::<2>("1,2\n3,4.5\n", Regression1d).unwrap(),
            vec![[1.0, 2.0], [3.0, 4.5]]
        );
        assert_eq!(
            parse_csv::<3>(
                "\u{feff}\"a\",\"b\",\"target\"\n\"1\",2,-3.25",
                Regression2d
            )
            .unwrap(),
            vec![[1.0, 2.0, -3.25]]
        );
        // A regression target may be any finite number; labels 1.0 and 0.0 are labels, and so
        // are the classes 2 … 7.
        assert_eq!(
            parse_csv::<3>("1,1,1.0\n0,0,0.0\n0,1,7\n1,0,2", Classification).unwrap(),
            vec![
                [1.0, 1.0, 1.0],
                [0.0, 0.0, 0.0],
                [0.0, 1.0, 7.0],
                [1.0, 0.0, 2.0]
            ]
        );
        let full: String = (0..MAX_ROWS).map(|i| format!("{i},1\n")).collect();
        assert_eq!(parse_csv::<2>(&full, Regression1d).unwrap().len(), MAX_ROWS);
    }

    /// A refusal, its expected class, row, column and message.
    type Case = (
        CsvError,
        CsvErrorKind,
        Option<usize>,
        Option<usize>,
        &'static str,
    );

    #[test]
    fn every_error_class_names_the_row_and_column() {
        let cases: Vec<Case> = vec![
            (
                refusal::<3>("", Classification),
                Empty,
                None,
                None,
                "the data is empty; paste rows such as 0.5,-0.2,1 (x1,x2,label)",
            ),
            (
                refusal::<3>(" \n\r\n ", Classification),
                Empty,
                None,
                None,
                "the data is empty; paste rows such as 0.5,-0.2,1 (x1,x2,label)",
            ),
            (
                refusal::<2>("x,y\n", Regression1d),
                Empty,
                None,
                None,
                "the data has a header but no rows; paste rows such as 0.5,1.2 (x,y)",
            ),
            (
                refusal::<2>(&"1,2\n".repeat(12_000), Regression1d),
                TooManyRows,
                None,
                None,
                "the data has 12000 rows; at most 10000 are accepted",
            ),
            (
                refusal::<3>("x1,x2,y\n1,2,3\n1,2,3\n1,NaN,3", Regression2d),
                NotFinite,
                Some(4),
                Some(2),
                "row 4, column 2: `NaN` is not a finite number",
            ),
            (
                refusal::<2>("1,inf", Regression1d),
                NotFinite,
                Some(1),
                Some(2),
                "row 1, column 2: `inf` is not a finite number",
            ),
            (
                refusal::<2>("1,2\n3,4\nabc,5", Regression1d),
                NotANumber,
                Some(3),
                Some(1),
                "row 3, column 1: `abc` is not a number",
            ),
            (
                refusal::<3>("1,abc,0", Classification),
                NotANumber,
                Some(1),
                Some(2),
                "row 1, column 2: `abc` is not a number",
            ),
            (
                refusal::<3>("1,,0", Classification),
                NotANumber,
                Some(1),
                Some(2),
                "row 1, column 2 is empty (expected a number)",
            ),
            (
                refusal::<3>("1,2,0\n1,2,1\n\n\n3,4", Classification),
                Ragged,
                Some(5),
                None,
                "row 5 has 2 columns; expected 3 (x1,x2,label)",
            ),
            (
                refusal::<2>("1,2,3", Regression1d),
                Ragged,
                Some(1),
                None,
                "row 1 has 3 columns; expected 2 (x,y)",
            ),
            (
                refusal::<3>("x,y\n1,2", Classification),
                Ragged,
                Some(1),
                None,
                "row 1 has 2 columns; expected 3 (x1,x2,label)",
            ),
            (
                refusal::<3>("1,2,1\n1,2,0,", Classification),
                Ragged,
                Some(2),
                None,
                "row 2 has 4 columns; expected 3 (x1,x2,label)",
            ),
            (
                refusal::<3>("0.5,0.5,2\n0.1,0.1,8", Classification),
                LabelOutOfRange,
                Some(2),
                Some(3),
                "row 2, column 3: the label `8` is out of range (labels are classes 0 to 7)",
            ),
            (
                refusal::<3>("0.5,0.5,-1", Classification),
                LabelOutOfRange,
                Some(1),
                Some(3),
                "row 1, column 3: the label `-1` is out of range (labels are classes 0 to 7)",
            ),
            (
                refusal::<3>("x1,x2,label\n0.5,0.5,1\n0.5,0.5,0.5", Classification),
                BadLabel,
                Some(3),
                Some(3),
                "row 3, column 3: the label `0.5` is not a whole number (labels are classes 0 to 7)",
            ),
            (
                refusal::<3>("1;2;0", Classification),
                Separator,
                Some(1),
                None,
                "row 1: columns must be separated by commas",
            ),
            (
                refusal::<3>("1,2,0\n1\t2\t0", Classification),
                Separator,
                Some(2),
                None,
                "row 2: columns must be separated by commas",
            ),
            (
                refusal::<2>("x;y\n1;2", Regression1d),
                Separator,
                Some(1),
                None,
                "row 1: columns must be separated by commas",
            ),
            // N disagreeing with the kind is a programming slip, refused rather than misread.
            (
                refusal::<2>("1,2", Classification),
                Ragged,
                Some(1),
                None,
                "row 1 has 2 columns; expected 3 (x1,x2,label)",
            ),
        ];
        for (error, kind, row, column, message) in cases {
            assert_eq!(
                (error.kind, error.row, error.column, error.message.as_str()),
                (kind, row, column, message)
            );
            assert_eq!(error.to_string(), message);
        }
    }
}
