//! Unweighted quantiles and their order-statistic intervals against `fixtures/quantiles.json`,
//! written by `fixtures/generate_quantiles.py` from numpy (`quantile(method="inverted_cdf")`) and
//! scipy 1.17 (`quantile_test(...).confidence_interval(level)`). Quantiles and bounds are values
//! of the data: compared exactly, `None` where scipy gives NaN (a bound past the data).

mod common;

use common::fixture;
use serde_json::Value;
use survey_analytics::{ConfidenceLevel, QuantileEstimate};

#[test]
fn quantiles_and_intervals_match_numpy_and_scipy() {
    let text = std::fs::read_to_string(fixture("quantiles.json")).unwrap();
    let fixtures: Value = serde_json::from_str(&text).unwrap();
    let datasets: Vec<Vec<f64>> = fixtures["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    let mut failures = Vec::new();
    let cases = fixtures["cases"].as_array().unwrap();
    for case in cases {
        let values = &datasets[case["dataset"].as_u64().unwrap() as usize];
        let (p, level) = (case["p"].as_f64().unwrap(), case["level"].as_f64().unwrap());
        let got = QuantileEstimate::new(values, p, ConfidenceLevel::new(level).unwrap()).unwrap();
        let want = (
            case["quantile"].as_f64().unwrap(),
            case["lower"].as_f64(),
            case["upper"].as_f64(),
        );
        if (got.quantile, got.lower, got.upper) != want {
            failures.push(format!(
                "n {} p {p} level {level}: got {:?}, want {want:?}",
                values.len(),
                (got.quantile, got.lower, got.upper)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {}:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
