//! What the integration tests share: reading the reference fixtures in `tests/fixtures` (formats:
//! `tests/fixtures/README.md`), one checker that compares numbers with stated tolerances and
//! reports every disagreement, and one way to run an example program.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of `tests/fixtures/<relative>`.
pub fn fixture(relative: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", relative]
        .iter()
        .collect()
}

/// One data row of a tab-separated fixture file, addressed by column name.
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
        "nan" | "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

/// All data rows of the tab-separated fixture `tests/fixtures/<name>` (a header line naming the
/// columns; lines starting with `#` are comments).
pub fn load(name: &str) -> Vec<Row> {
    let path = fixture(name);
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

/// A `case<TAB>key<TAB>value` fixture (the R scripts' output): one reference number per
/// (case, key), NaN where R returned `NA`.
pub struct Values {
    name: String,
    values: HashMap<(String, String), f64>,
}

impl Values {
    /// Reads `tests/fixtures/<name>` (its first line is the header).
    pub fn load(name: &str) -> Self {
        let values = load(name)
            .iter()
            .map(|row| {
                let key = (row.str("case").to_string(), row.str("key").to_string());
                (key, row.f64("value"))
            })
            .collect();
        Self {
            name: name.to_string(),
            values,
        }
    }

    /// The reference for `case`/`key`; panics when the fixture has none.
    pub fn get(&self, case: &str, key: &str) -> f64 {
        *self
            .values
            .get(&(case.to_string(), key.to_string()))
            .unwrap_or_else(|| panic!("no {case}/{key} in {}", self.name))
    }

    /// Checks `got` against the reference for `case`/`key` within `relative`.
    pub fn check(&self, checker: &mut Checker, case: &str, key: &str, got: f64, relative: f64) {
        checker.number(
            format!("{case}/{key}"),
            got,
            self.get(case, key),
            relative,
            0.0,
        );
    }
}

impl Values {
    /// A quantile with its interval against R's `svyquantile(ci = TRUE)` (keys `quantile`,
    /// `lower`, `upper`, `se`): the quantile and its bounds exactly (they are data values), the
    /// standard error to `relative`.
    pub fn check_quantile(
        &self,
        checker: &mut Checker,
        case: &str,
        q: &survey_analytics::DesignQuantile,
        relative: f64,
    ) {
        self.check(checker, case, "quantile", q.quantile, 0.0);
        self.check(checker, case, "lower", q.lower.unwrap_or(f64::NAN), 0.0);
        self.check(checker, case, "upper", q.upper.unwrap_or(f64::NAN), 0.0);
        self.check(
            checker,
            case,
            "se",
            q.std_error.unwrap_or(f64::NAN),
            relative,
        );
    }
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

/// Collects failures instead of stopping at the first, so one run shows every disagreement, and
/// records the largest relative difference per kind of number (the last part of its path).
#[derive(Default)]
pub struct Checker {
    failures: Vec<String>,
    checked: usize,
    largest: BTreeMap<String, (f64, String)>,
}

impl Checker {
    pub fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok {
            self.failures.push(message());
        }
    }

    /// `got` against the reference `want`, within `relative * |want| + absolute` (see
    /// [`close_abs`]).
    pub fn number(
        &mut self,
        path: impl Display,
        got: f64,
        want: f64,
        relative: f64,
        absolute: f64,
    ) {
        let path = path.to_string();
        let difference = (got - want).abs();
        let scaled = if want == 0.0 {
            difference
        } else {
            difference / want.abs()
        };
        let kind = path
            .rsplit(['/', '.'])
            .next()
            .unwrap_or_default()
            .to_string();
        let largest = self.largest.entry(kind).or_default();
        if scaled > largest.0 {
            *largest = (scaled, path.clone());
        }
        self.check(close_abs(got, want, relative, absolute), || {
            format!("{path}: got {got:.17e}, want {want:.17e} (relative {scaled:.2e}; tolerance {relative:e} + {absolute:e})")
        });
    }

    /// Walks a JSON value against its reference: objects with the same keys, arrays of the same
    /// length, integers equal, other numbers within `tolerance(path)` = (relative, absolute), and
    /// everything else equal.
    pub fn json(
        &mut self,
        path: &str,
        got: &serde_json::Value,
        want: &serde_json::Value,
        tolerance: &dyn Fn(&str) -> (f64, f64),
    ) {
        use serde_json::Value;
        match (got, want) {
            (Value::Number(g), Value::Number(w)) if g.is_u64() && w.is_u64() => {
                self.check(g == w, || format!("{path}: got {g}, want {w}"));
            }
            (Value::Number(g), Value::Number(w)) => {
                let (relative, absolute) = tolerance(path);
                let (g, w) = (
                    g.as_f64().unwrap_or(f64::NAN),
                    w.as_f64().unwrap_or(f64::NAN),
                );
                self.number(path, g, w, relative, absolute);
            }
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
                for (i, (g, w)) in g.iter().zip(w).enumerate() {
                    self.json(&format!("{path}[{i}]"), g, w, tolerance);
                }
            }
            (Value::Object(g), Value::Object(w)) => {
                for key in g.keys().filter(|k| !w.contains_key(*k)) {
                    self.check(false, || format!("{path}: unexpected key {key}"));
                }
                for (key, w) in w {
                    match g.get(key) {
                        Some(g) => self.json(&format!("{path}.{key}"), g, w, tolerance),
                        None => self.check(false, || format!("{path}: no key {key}")),
                    }
                }
            }
            (g, w) => self.check(g == w, || format!("{path}: got {g}, want {w}")),
        }
    }

    /// The number of checks made so far.
    pub fn checked(&self) -> usize {
        self.checked
    }

    /// Prints the largest relative differences, then panics listing every failure (the first 40)
    /// if there was any.
    pub fn finish(self, what: &str) {
        assert!(self.checked > 0, "{what}: nothing was checked");
        if !self.largest.is_empty() {
            eprintln!(
                "{what}: {} checks; largest relative differences:",
                self.checked
            );
            for (kind, (difference, path)) in &self.largest {
                eprintln!("  {kind:24} {difference:.2e} ({path})");
            }
        }
        if !self.failures.is_empty() {
            let shown: Vec<&str> = self.failures.iter().take(40).map(String::as_str).collect();
            panic!(
                "{what}: {} of {} checks failed:\n{}",
                self.failures.len(),
                self.checked,
                shown.join("\n")
            );
        }
    }
}

/// The columns of a CSV file with a header row, by header name, as text.
pub fn csv_columns(path: impl AsRef<Path>) -> HashMap<String, Vec<String>> {
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

/// Numbers from text fields; an empty field or R's `NA` is a missing value: NaN.
pub fn numbers<S: AsRef<str>>(fields: &[S]) -> Vec<f64> {
    fields
        .iter()
        .map(|v| match v.as_ref() {
            "" | "NA" => f64::NAN,
            v => v.parse().unwrap_or_else(|_| panic!("not a number: {v:?}")),
        })
        .collect()
}

/// Each field's position among `levels`; `None` for any other value (an empty field, say).
pub fn codes<S: AsRef<str>>(fields: &[S], levels: &[&str]) -> Vec<Option<usize>> {
    fields
        .iter()
        .map(|v| levels.iter().position(|l| *l == v.as_ref()))
        .collect()
}

/// What an example program did.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs example `name` with `args` (through cargo, from the crate's folder).
pub fn run_example(name: &str, args: &[&str]) -> Run {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--example", name, "--"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
    Run {
        success: output.status.success(),
        stdout: text(output.stdout),
        stderr: text(output.stderr),
    }
}

/// Runs example `name` with `args` and returns what it printed, failing the test on a non-zero
/// exit.
pub fn run_example_ok(name: &str, args: &[&str]) -> String {
    let run = run_example(name, args);
    assert!(run.success, "{name} {args:?} failed: {}", run.stderr);
    run.stdout
}

/// A fresh scratch folder for one test's files.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("survey-analytics-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
