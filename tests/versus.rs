//! A crosstab's cells against the total, the rest of the sample and a previous wave, against
//! `fixtures/versus.json`, written by `fixtures/generate_versus.py` from statsmodels 0.15
//! (`proportions_ztest`, the pooled two-proportion z-test; the differences from the counts).
//! Tolerances: 1e-12 relative for differences, 1e-9 relative for p-values (the normal tail
//! goes through erfc in both).

mod common;

use common::{Checker, fixture};
use serde_json::Value;
use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, Direction, Versus};

fn table(counts: &Value) -> Crosstab {
    let rows: Vec<Vec<u64>> = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        })
        .collect();
    let answers = Categories::new("q", (0..rows.len()).map(|r| format!("a{r}"))).unwrap();
    let groups = Categories::new("g", (0..rows[0].len()).map(|c| format!("g{c}"))).unwrap();
    let counts = CrossCounts::from_table(answers, groups, &rows).unwrap();
    Crosstab::new(&counts, &CrosstabOptions::default()).unwrap()
}

#[test]
fn cells_against_total_rest_and_previous_wave_match_statsmodels() {
    let text = std::fs::read_to_string(fixture("versus.json")).unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    let mut checker = Checker::default();
    for (i, case) in cases.as_array().unwrap().iter().enumerate() {
        let (now, then) = (table(&case["now"]), table(&case["then"]));
        for (key, got) in [
            ("total", now.versus(Versus::Total).unwrap()),
            ("rest", now.versus(Versus::Rest).unwrap()),
            ("previous", now.versus(Versus::Previous(&then)).unwrap()),
        ] {
            for (r, row) in got.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let want = &case[key][r][c];
                    let path = format!("{i}.{key}[{r}][{c}]");
                    if want.is_null() {
                        checker.check(
                            cell.p_value.is_none() || cell.difference == Some(0.0),
                            || format!("{path}: expected no test, got {cell:?}"),
                        );
                        continue;
                    }
                    let (d, p) = (
                        want["difference"].as_f64().unwrap(),
                        want["p"].as_f64().unwrap(),
                    );
                    checker.number(
                        format!("{path}.difference"),
                        cell.difference.unwrap(),
                        d,
                        1e-12,
                        1e-15,
                    );
                    checker.number(format!("{path}.p"), cell.p_value.unwrap(), p, 1e-9, 1e-300);
                    let direction = if d > 0.0 {
                        Direction::Higher
                    } else {
                        Direction::Lower
                    };
                    let arrow = (p < 0.05).then_some(direction);
                    checker.check(cell.direction == arrow, || {
                        format!("{path}: arrow {:?}, want {arrow:?}", cell.direction)
                    });
                }
            }
        }
    }
    checker.finish("cells against references");
}

/// A previous wave must have the same answers and columns; a weighted table compares on
/// effective bases, and every test is the one it is against its own reference.
#[test]
fn previous_waves_must_match_and_weighted_tables_use_effective_bases() {
    use survey_analytics::{Error, Tally};
    let now = table(&serde_json::json!([[10, 20], [30, 40]]));
    let other = {
        let counts = CrossCounts::from_table(
            Categories::new("q", ["a0", "other"]).unwrap(),
            Categories::new("g", ["g0", "g1"]).unwrap(),
            &[[1, 2], [3, 4]],
        )
        .unwrap();
        Crosstab::new(&counts, &CrosstabOptions::default()).unwrap()
    };
    assert!(matches!(
        now.versus(Versus::Previous(&other)),
        Err(Error::UnknownCategory { .. })
    ));
    // Weights of 2 everywhere: the same shares and effective bases, so the same tests.
    let mut tally = Tally::new_weighted(vec![
        Categories::new("q", ["a0", "a1"]).unwrap(),
        Categories::new("g", ["g0", "g1"]).unwrap(),
    ])
    .unwrap();
    for (answer, group, n) in [(0, 0, 10), (0, 1, 20), (1, 0, 30), (1, 1, 40)] {
        for _ in 0..n {
            tally
                .add_weighted(&[Some(answer), Some(group)], 2.0)
                .unwrap();
        }
    }
    let weighted = Crosstab::new(&tally.cross(0, 1).unwrap(), &CrosstabOptions::default()).unwrap();
    let (a, b) = (
        weighted.versus(Versus::Rest).unwrap(),
        now.versus(Versus::Rest).unwrap(),
    );
    for (x, y) in a.iter().flatten().zip(b.iter().flatten()) {
        assert!((x.p_value.unwrap() - y.p_value.unwrap()).abs() < 1e-12);
    }
}
