//! Reading the reference fixtures in `tests/fixtures` (format: `tests/fixtures/README.md`) and
//! comparing numbers with stated tolerances.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::HashMap;
use std::path::PathBuf;

/// One data row of a fixture file, addressed by column name.
pub struct Row {
    pub line: usize,
    cells: Vec<String>,
    columns: std::rc::Rc<HashMap<String, usize>>,
}

impl Row {
    pub fn str(&self, column: &str) -> &str {
        let index = self
            .columns
            .get(column)
            .unwrap_or_else(|| panic!("no column {column}"));
        &self.cells[*index]
    }

    pub fn f64(&self, column: &str) -> f64 {
        parse_f64(self.str(column))
            .unwrap_or_else(|| panic!("line {}: {column} is not a number", self.line))
    }

    pub fn u64(&self, column: &str) -> u64 {
        self.str(column)
            .parse()
            .unwrap_or_else(|_| panic!("line {}: {column} is not a count", self.line))
    }

    pub fn f64s(&self, column: &str) -> Vec<f64> {
        self.str(column)
            .split(',')
            .map(|s| parse_f64(s).expect("list of numbers"))
            .collect()
    }

    pub fn u64s(&self, column: &str) -> Vec<u64> {
        self.str(column)
            .split(',')
            .map(|s| s.parse().expect("list of counts"))
            .collect()
    }
}

fn parse_f64(s: &str) -> Option<f64> {
    match s {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

/// All data rows of `tests/fixtures/<name>`.
pub fn load(name: &str) -> Vec<Row> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.is_empty());
    let (_, header) = lines.next().expect("header line");
    let columns: std::rc::Rc<HashMap<String, usize>> = std::rc::Rc::new(
        header
            .split('\t')
            .enumerate()
            .map(|(i, c)| (c.to_string(), i))
            .collect(),
    );
    let rows: Vec<Row> = lines
        .map(|(i, l)| Row {
            line: i + 1,
            cells: l.split('\t').map(str::to_string).collect(),
            columns: columns.clone(),
        })
        .collect();
    assert!(!rows.is_empty(), "{name} has no rows");
    rows
}

/// Whether `got` is within `relative` of `expected` (exact equality required for 0 and infinities;
/// NaN matches NaN).
pub fn close(got: f64, expected: f64, relative: f64) -> bool {
    close_abs(got, expected, relative, 0.0)
}

/// Whether `got` is within `relative * |expected| + absolute` of `expected`. An infinite or NaN
/// reference needs the same value: `|got - inf| <= relative * inf` would accept any finite number.
pub fn close_abs(got: f64, expected: f64, relative: f64, absolute: f64) -> bool {
    if !expected.is_finite() {
        return got == expected || (expected.is_nan() && got.is_nan());
    }
    got == expected || (got - expected).abs() <= relative * expected.abs() + absolute
}

/// Collects failures instead of stopping at the first, so one run shows every disagreement.
#[derive(Default)]
pub struct Checker {
    failures: Vec<String>,
    checked: usize,
}

impl Checker {
    pub fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok {
            self.failures.push(message());
        }
    }

    /// Panics listing every failure (the first 40) if there was any.
    pub fn finish(self, what: &str) {
        assert!(self.checked > 0, "{what}: nothing was checked");
        if !self.failures.is_empty() {
            let shown: Vec<&String> = self.failures.iter().take(40).collect();
            panic!(
                "{what}: {} of {} checks failed:\n{}",
                self.failures.len(),
                self.checked,
                shown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

/// The columns of a CSV file with a header row, by header name, as text.
pub fn csv_columns(path: impl AsRef<std::path::Path>) -> HashMap<String, Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut columns: HashMap<String, Vec<String>> =
        headers.iter().map(|h| (h.clone(), Vec::new())).collect();
    for record in reader.records() {
        let record = record.unwrap();
        for (h, v) in headers.iter().zip(record.iter()) {
            columns.get_mut(h).unwrap().push(v.to_string());
        }
    }
    columns
}
