//! Runs every example program and checks what it prints, so that examples and docs cannot drift.

use std::process::Command;

/// Runs an example with arguments; returns (success, stdout, stderr).
fn run_example_with(name: &str, args: &[&str]) -> (bool, String, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--example", name, "--"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
    (
        output.status.success(),
        text(output.stdout),
        text(output.stderr),
    )
}

fn run_example(name: &str) -> String {
    let (ok, stdout, stderr) = run_example_with(name, &[]);
    assert!(ok, "{name} failed: {stderr}");
    stdout
}

fn percent(cell: &str) -> f64 {
    cell.trim_matches(|c| c == '[' || c == ']' || c == ',')
        .trim_end_matches('%')
        .parse()
        .expect("a percentage")
}

#[test]
fn headline_intervals_prints_every_figure_with_a_sound_interval() {
    let out = run_example("headline_intervals");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with('F')).collect();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.split_whitespace().next().unwrap())
        .collect();
    for id in [
        "F1", "F3b", "F8a", "F8b", "F8c", "F11a", "F11b", "F16b", "F17c", "F18b",
    ] {
        assert!(ids.contains(&id), "{id} missing from:\n{out}");
    }
    assert_eq!(rows.len(), 28, "{out}");
    for row in rows {
        // id, who..., published, count, estimate, [lower, upper], margin, "pts"...
        let row = row.replace("[ ", "["); // "[ 7.3%, 11.2%]" pads one-digit bounds
        let cells: Vec<&str> = row.split_whitespace().collect();
        let at = cells
            .iter()
            .position(|c| c.contains('/'))
            .expect("count/base");
        let published = percent(cells[at - 1]);
        let estimate = percent(cells[at + 1]);
        let (lower, upper) = (percent(cells[at + 2]), percent(cells[at + 3]));
        assert!((estimate - published).abs() <= 0.5, "{row}");
        assert!(lower < estimate && estimate < upper, "{row}");
        assert!(upper - lower < 8.0, "{row}");
    }
}

const SURVEY: &str = "tests/fixtures/crosstab/survey.csv";

/// Compares a JSON value from the example with the reference: numbers within 1e-9 relative plus
/// 1e-15 absolute (statsmodels leaves a Wilson lower bound of 1.4e-17 where the exact value is 0),
/// everything else equal.
fn compare(
    path: &str,
    got: &serde_json::Value,
    want: &serde_json::Value,
    failures: &mut Vec<String>,
) {
    use serde_json::Value;
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            if (g - w).abs() > 1e-9 * w.abs() + 1e-15 {
                failures.push(format!("{path}: got {g}, want {w}"));
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                compare(&format!("{path}[{i}]"), g, w, failures);
            }
        }
        (Value::Object(g), Value::Object(w)) if g.len() == w.len() => {
            for (key, w) in w {
                match g.get(key) {
                    Some(g) => compare(&format!("{path}.{key}"), g, w, failures),
                    None => failures.push(format!("{path}: no key {key}")),
                }
            }
        }
        (g, w) if g == w => {}
        (g, w) => failures.push(format!("{path}: got {g}, want {w}")),
    }
}

/// The crosstab example's JSON against `fixtures/crosstab/expected.json`, computed independently
/// by `fixtures/crosstab/generate.py` (pandas counting; statsmodels `proportion_confint`,
/// `proportions_ztest` and `multipletests` for intervals and letters; scipy `chi2_contingency` for
/// the omnibus test).
#[test]
fn crosstab_json_matches_independent_reference() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/crosstab/expected.json"
    );
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = expected["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 6);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut args: Vec<&str> = vec![SURVEY];
        args.extend(
            case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap()),
        );
        args.extend(["--format", "json"]);
        let (ok, stdout, stderr) = run_example_with("crosstab", &args);
        assert!(ok, "{name}: {stderr}");
        let got: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
        compare(name, &got, &case["output"], &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn crosstab_text_shows_letters_and_untested_columns() {
    let (ok, stdout, _) = run_example_with(
        "crosstab",
        &[SURVEY, "--by", "team", "--question", "familiarity"],
    );
    assert!(ok);
    assert!(stdout.contains("PR (D)*"), "{stdout}");
    assert!(
        stdout.contains("* Base below 30: shown but not tested."),
        "{stdout}"
    );
    assert!(stdout.contains("Omnibus chi-square"), "{stdout}");
    let (ok, markdown, _) = run_example_with(
        "crosstab",
        &[
            SURVEY,
            "--by",
            "role",
            "--question",
            "knows_impact",
            "--format",
            "markdown",
        ],
    );
    assert!(
        ok && markdown.contains("|:---|---:|---:|---:|"),
        "{markdown}"
    );
}

/// Bad input: a one-line error naming the file, line and column, and a non-zero exit.
#[test]
fn crosstab_reports_bad_input_with_its_location() {
    let dir =
        std::env::temp_dir().join(format!("survey-analytics-crosstab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let good = "role,q,w\nLeader,1,1.0\nIC,2,0.5\n";
    let cases = [
        (
            write("columns.csv", good),
            vec!["--by", "rol", "--question", "q"],
            ":1: no column 'rol'",
        ),
        (
            write("ragged.csv", "role,q,w\nLeader,1,1.0\nIC,2\n"),
            vec!["--by", "role", "--question", "q"],
            ":3: row has 2 fields but the header has 3",
        ),
        (
            write("weight.csv", "role,q,w\nLeader,1,1.0\nIC,2,-3\n"),
            vec!["--by", "role", "--question", "q", "--weight", "w"],
            ":3: column 'w': '-3' is not a finite non-negative number",
        ),
        (
            write("empty_weight.csv", "role,q,w\nLeader,1,\n"),
            vec!["--by", "role", "--question", "q", "--weight", "w"],
            ":2: column 'w': '' is not a finite non-negative number",
        ),
        (
            write("multi.csv", "role,a,b\nLeader,1,yes\n"),
            vec!["--by", "role", "--multi", "a,b"],
            ":2: column 'b': 'yes' is not 0, 1 or empty",
        ),
    ];
    for (file, flags, message) in &cases {
        let mut args = vec![file.as_str()];
        args.extend(flags.iter().copied());
        let (ok, _, stderr) = run_example_with("crosstab", &args);
        assert!(!ok, "{file} should fail");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(file.as_str()) && stderr.contains(message),
            "{stderr} lacks {message}"
        );
    }
    let (ok, _, stderr) = run_example_with(
        "crosstab",
        &[
            &cases[0].0,
            "--by",
            "role",
            "--question",
            "q",
            "--net",
            "x=9",
        ],
    );
    assert!(
        !ok && stderr.contains("'9' is not a category of 'q'"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
