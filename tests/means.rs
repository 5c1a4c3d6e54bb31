//! Means, differences of means, tests across groups and the t and F distributions against
//! `fixtures/means.json`, written by `fixtures/generate_means.py` from statsmodels 0.15
//! (`DescrStatsW` with weights rescaled to the Kish effective base, `CompareMeans`,
//! `anova_generic`) and scipy 1.17 (`stats.t`, `stats.f`; unweighted cases are cross-checked
//! there against `ttest_1samp`, `ttest_ind` and `anova_oneway`).
//!
//! Tolerances: 1e-12 relative for closed forms (means, standard errors, statistics, degrees of
//! freedom, interval bounds); 1e-11 relative for p-values and distribution tails, which go
//! through the incomplete beta function, and for quantiles (a safeguarded root search); values
//! below 1e-300 compare absolutely.

mod common;

use common::{Checker, fixture};
use proptest::prelude::*;
use serde_json::Value;
use survey_analytics::{
    Alternative, ConfidenceLevel, FisherF, MeanEstimate, StudentT, VarianceAssumption,
    mean_difference, means_anova,
};

fn load() -> Value {
    let text = std::fs::read_to_string(fixture("means.json")).expect("fixtures/means.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn values(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn estimate(values_key: &Value, weights_key: &Value) -> MeanEstimate {
    let x = values(values_key);
    match weights_key {
        Value::Null => MeanEstimate::new(&x).unwrap(),
        w => MeanEstimate::weighted(&x, &values(w)).unwrap(),
    }
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

const CLOSED: f64 = 1e-12;
const TAIL: f64 = 1e-11;
const TINY: f64 = 1e-300;

#[test]
fn one_mean_matches_descr_stats_w() {
    let cases = load();
    let mut checker = Checker::default();
    for (i, case) in cases["one"].as_array().unwrap().iter().enumerate() {
        let m = estimate(&case["values"], &case["weights"]);
        let level = ConfidenceLevel::new(f(case, "level")).unwrap();
        let ci = m.interval(level);
        let mu = f(case, "mu");
        let path = |key: &str| format!("one[{i}].{key}");
        checker.number(path("mean"), m.mean, f(case, "mean"), CLOSED, TINY);
        checker.number(path("std_dev"), m.std_dev, f(case, "std_dev"), CLOSED, TINY);
        checker.number(
            path("std_error"),
            m.std_error,
            f(case, "std_error"),
            CLOSED,
            TINY,
        );
        checker.number(path("df"), m.degrees_of_freedom, f(case, "df"), CLOSED, 0.0);
        checker.number(path("lower"), ci.lower, f(case, "lower"), CLOSED, TINY);
        checker.number(path("upper"), ci.upper, f(case, "upper"), CLOSED, TINY);
        let test = m.t_test(mu, Alternative::TwoSided);
        checker.number(path("t"), test.statistic, f(case, "t"), CLOSED, 0.0);
        checker.number(
            path("p_two_sided"),
            test.p_value,
            f(case, "p_two_sided"),
            TAIL,
            TINY,
        );
        let greater = m.t_test(mu, Alternative::Greater).p_value;
        checker.number(path("p_greater"), greater, f(case, "p_greater"), TAIL, TINY);
        let less = m.t_test(mu, Alternative::Less).p_value;
        checker.number(path("p_less"), less, f(case, "p_less"), TAIL, TINY);
    }
    checker.finish("one mean");
}

#[test]
fn differences_of_means_match_compare_means() {
    let cases = load();
    let mut checker = Checker::default();
    for (i, case) in cases["two"].as_array().unwrap().iter().enumerate() {
        let a = estimate(&case["a"], &case["a_weights"]);
        let b = estimate(&case["b"], &case["b_weights"]);
        let level = ConfidenceLevel::new(f(case, "level")).unwrap();
        for (name, variance) in [
            ("welch", VarianceAssumption::Welch),
            ("pooled", VarianceAssumption::Pooled),
        ] {
            let want = &case[name];
            let got = mean_difference(&a, &b, variance, level, Alternative::TwoSided);
            let path = |key: &str| format!("two[{i}].{name}.{key}");
            checker.number(
                path("estimate"),
                got.estimate,
                f(want, "estimate"),
                CLOSED,
                1e-15,
            );
            checker.number(
                path("std_error"),
                got.std_error,
                f(want, "std_error"),
                CLOSED,
                0.0,
            );
            let df = got.test.degrees_of_freedom;
            checker.number(path("df"), df, f(want, "df"), CLOSED, 0.0);
            checker.number(path("t"), got.test.statistic, f(want, "t"), CLOSED, 1e-15);
            checker.number(path("p"), got.test.p_value, f(want, "p"), TAIL, TINY);
            checker.number(
                path("lower"),
                got.interval.lower,
                f(want, "lower"),
                CLOSED,
                1e-15,
            );
            checker.number(
                path("upper"),
                got.interval.upper,
                f(want, "upper"),
                CLOSED,
                1e-15,
            );
        }
    }
    checker.finish("differences of means");
}

#[test]
fn tests_across_groups_match_anova_generic() {
    let cases = load();
    let mut checker = Checker::default();
    for (i, case) in cases["anova"].as_array().unwrap().iter().enumerate() {
        let groups: Vec<MeanEstimate> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| estimate(&g["values"], &g["weights"]))
            .collect();
        for (name, variance) in [
            ("welch", VarianceAssumption::Welch),
            ("pooled", VarianceAssumption::Pooled),
        ] {
            let want = &case[name];
            let got = means_anova(&groups, variance).unwrap();
            let path = |key: &str| format!("anova[{i}].{name}.{key}");
            checker.number(
                path("statistic"),
                got.statistic,
                f(want, "statistic"),
                CLOSED,
                0.0,
            );
            checker.number(path("df1"), got.numerator_df, f(want, "df1"), CLOSED, 0.0);
            checker.number(path("df2"), got.denominator_df, f(want, "df2"), CLOSED, 0.0);
            checker.number(path("p"), got.p_value, f(want, "p"), TAIL, TINY);
        }
    }
    checker.finish("tests across groups");
}

#[test]
fn t_and_f_distributions_match_scipy() {
    let cases = load();
    let mut checker = Checker::default();
    for (i, case) in cases["t"].as_array().unwrap().iter().enumerate() {
        let t = StudentT::new(f(case, "df")).unwrap();
        let path = |key: &str| format!("t[{i}].{key}");
        if case.get("ppf").is_some() {
            let got = t.quantile(f(case, "p")).unwrap();
            checker.number(path("ppf"), got, f(case, "ppf"), TAIL, 0.0);
        } else {
            let x = f(case, "t");
            checker.number(path("cdf"), t.cdf(x), f(case, "cdf"), TAIL, TINY);
            checker.number(path("sf"), t.sf(x), f(case, "sf"), TAIL, TINY);
        }
    }
    for (i, case) in cases["f"].as_array().unwrap().iter().enumerate() {
        let dist = FisherF::new(f(case, "d1"), f(case, "d2")).unwrap();
        let got = dist.sf(f(case, "f"));
        checker.number(format!("f[{i}].sf"), got, f(case, "sf"), TAIL, TINY);
    }
    checker.finish("t and F distributions");
}

/// A crosstab's mean row against statsmodels: each column's `DescrStatsW`, every pair's Welch
/// p-value and its Holm adjustment, and Welch's ANOVA.
#[test]
fn crosstab_mean_rows_match_statsmodels() {
    use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
    let cases = load();
    let mut checker = Checker::default();
    for (i, case) in cases["crosstab"].as_array().unwrap().iter().enumerate() {
        let groups = case["groups"].as_array().unwrap();
        let (mut x, mut w, mut codes) = (Vec::new(), Vec::new(), Vec::new());
        let mut weighted = false;
        for (g, group) in groups.iter().enumerate() {
            let v = values(&group["values"]);
            let weights = match &group["weights"] {
                Value::Null => vec![1.0; v.len()],
                ws => {
                    weighted = true;
                    values(ws)
                }
            };
            codes.extend(std::iter::repeat_n(Some(g), v.len()));
            x.extend(v);
            w.extend(weights);
        }
        // The share rows do not matter here: one row counting everyone.
        let labels: Vec<String> = (0..groups.len()).map(|g| format!("g{g}")).collect();
        let counts = CrossCounts::from_table(
            Categories::new("rating", ["any"]).unwrap(),
            Categories::new("group", labels).unwrap(),
            &[groups
                .iter()
                .map(|g| g["values"].as_array().unwrap().len() as u64)
                .collect::<Vec<_>>()],
        )
        .unwrap();
        let options =
            CrosstabOptions::default().level(ConfidenceLevel::new(f(case, "level")).unwrap());
        let table = Crosstab::new(&counts, &options)
            .unwrap()
            .with_mean_row("Mean", &x, &codes, weighted.then_some(&w[..]))
            .unwrap();
        let row = &table.mean_rows()[0];
        for (c, want) in case["cells"].as_array().unwrap().iter().enumerate() {
            let cell = &row.cells[c];
            let path = |key: &str| format!("crosstab[{i}].cells[{c}].{key}");
            checker.number(
                path("mean"),
                cell.mean.unwrap(),
                f(want, "mean"),
                CLOSED,
                0.0,
            );
            checker.number(
                path("std_error"),
                cell.std_error.unwrap(),
                f(want, "std_error"),
                CLOSED,
                0.0,
            );
            checker.number(
                path("df"),
                cell.degrees_of_freedom.unwrap(),
                f(want, "df"),
                CLOSED,
                0.0,
            );
            checker.number(
                path("lower"),
                cell.interval.unwrap().lower,
                f(want, "lower"),
                CLOSED,
                0.0,
            );
            checker.number(
                path("upper"),
                cell.interval.unwrap().upper,
                f(want, "upper"),
                CLOSED,
                0.0,
            );
        }
        let pairs = case["pairs"].as_array().unwrap();
        assert_eq!(row.tests.len(), pairs.len());
        for (t, test) in row.tests.iter().enumerate() {
            assert_eq!(pairs[t], serde_json::json!([test.a, test.b]));
            let path = |key: &str| format!("crosstab[{i}].tests[{t}].{key}");
            checker.number(
                path("p"),
                test.p_value,
                case["p"][t].as_f64().unwrap(),
                TAIL,
                TINY,
            );
            let adjusted = case["adjusted"][t].as_f64().unwrap();
            checker.number(
                path("adjusted"),
                test.adjusted_p_value,
                adjusted,
                TAIL,
                TINY,
            );
        }
        let omnibus = row.omnibus.unwrap();
        let want = &case["anova"];
        checker.number(
            format!("crosstab[{i}].anova.statistic"),
            omnibus.statistic,
            f(want, "statistic"),
            CLOSED,
            0.0,
        );
        checker.number(
            format!("crosstab[{i}].anova.df2"),
            omnibus.denominator_df,
            f(want, "df2"),
            CLOSED,
            0.0,
        );
        checker.number(
            format!("crosstab[{i}].anova.p"),
            omnibus.p_value,
            f(want, "p"),
            TAIL,
            TINY,
        );
    }
    checker.finish("crosstab mean rows");
}

/// `MeanComparison` against statsmodels on the same groups: every pair's Welch p-value
/// (`CompareMeans`), its Holm adjustment (`multipletests`) and Welch's ANOVA (`anova_generic`).
#[test]
fn mean_comparisons_match_statsmodels() {
    use survey_analytics::{ComparisonOptions, MeanComparison};
    let cases = load();
    let mut checker = Checker::default();
    for (i, case) in cases["crosstab"].as_array().unwrap().iter().enumerate() {
        let groups: Vec<(String, MeanEstimate)> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(g, group)| {
                (
                    format!("g{g}"),
                    estimate(&group["values"], &group["weights"]),
                )
            })
            .collect();
        let c = MeanComparison::new(
            "rating",
            &groups,
            VarianceAssumption::Welch,
            &ComparisonOptions::default(),
        )
        .unwrap();
        for (t, pair) in c.pairs().iter().enumerate() {
            let path = |key: &str| format!("comparison[{i}].pairs[{t}].{key}");
            checker.number(
                path("p"),
                pair.p_value,
                case["p"][t].as_f64().unwrap(),
                TAIL,
                TINY,
            );
            let adjusted = case["adjusted"][t].as_f64().unwrap();
            checker.number(
                path("adjusted"),
                pair.adjusted_p_value,
                adjusted,
                TAIL,
                TINY,
            );
        }
        let omnibus = c.omnibus().unwrap();
        let want = f(&case["anova"], "statistic");
        checker.number(
            format!("comparison[{i}].anova"),
            omnibus.statistic,
            want,
            CLOSED,
            0.0,
        );
    }
    checker.finish("mean comparisons");
}

/// Invalid inputs get typed errors; limits give finite results or errors, never NaN.
#[test]
fn edges_are_values_or_typed_errors() {
    use survey_analytics::Error;
    assert!(matches!(
        MeanEstimate::new(&[]),
        Err(Error::TooFewValues { .. })
    ));
    assert!(matches!(
        MeanEstimate::weighted(&[1.0, 2.0], &[1.0, -1.0]),
        Err(Error::InvalidWeight {
            record: Some(1),
            ..
        })
    ));
    assert!(matches!(
        MeanEstimate::weighted(&[1.0, 2.0], &[1.0]),
        Err(Error::LengthMismatch { .. })
    ));
    // One positive weight: an effective base of 1 leaves no degrees of freedom.
    assert!(matches!(
        MeanEstimate::weighted(&[1.0, 2.0, 3.0], &[0.0, 5.0, 0.0]),
        Err(Error::TooFewValues { .. })
    ));
    assert!(matches!(
        MeanEstimate::new(&[1e200, -1e200, 1e200]),
        Err(Error::Undefined { .. })
    ));
    // Equal values: a zero standard error, a zero-width interval, and tests that still answer.
    let flat = MeanEstimate::new(&[3.0, 3.0, 3.0]).unwrap();
    assert_eq!(flat.std_error, 0.0);
    let test = flat.t_test(2.0, Alternative::TwoSided);
    assert_eq!((test.statistic, test.p_value), (f64::INFINITY, 0.0));
    assert_eq!(flat.t_test(3.0, Alternative::TwoSided).p_value, 1.0);
    assert!(means_anova(&[flat, flat], VarianceAssumption::Welch).is_err());
    assert_eq!(
        means_anova(&[flat, flat], VarianceAssumption::Pooled)
            .unwrap()
            .p_value,
        1.0
    );
    // Subnormal and huge weights are scaled, not squared into zero or infinity.
    let tiny = MeanEstimate::weighted(&[1.0, 2.0, 4.0], &[5e-324, 5e-324, 1e-323]).unwrap();
    let plain = MeanEstimate::weighted(&[1.0, 2.0, 4.0], &[1.0, 1.0, 2.0]).unwrap();
    assert_eq!(tiny.mean, plain.mean);
    assert_eq!(tiny.effective_base, plain.effective_base);
    let huge = MeanEstimate::weighted(&[1.0, 2.0, 4.0], &[1e300, 1e300, 2e300]).unwrap();
    assert_eq!(huge.std_error, plain.std_error);
    let t = StudentT::new(f64::INFINITY).unwrap();
    assert!((t.quantile(0.975).unwrap() - 1.959_963_984_540_054).abs() < 1e-15);
    assert!(StudentT::new(3.0).unwrap().cdf(f64::NAN).is_nan());
}

/// Values from the edges: zero, subnormal, huge, NaN (missing), infinite (refused).
fn edge_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -10.0..10.0_f64,
        1 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e300),
        1 => Just(-1e300),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => (1u8..=5).prop_map(f64::from),
    ]
}

fn edge_weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..5.0_f64,
        1 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e300),
        1 => Just(f64::NAN),
        1 => Just(-1.0),
        1 => Just(f64::INFINITY),
    ]
}

proptest! {
    /// No input panics; a result has finite numbers, an interval around the mean and p-values
    /// in [0, 1], and its differences and tests across groups do too.
    #[test]
    fn any_values_give_a_sound_mean_or_a_typed_error(
        pairs in proptest::collection::vec((edge_value(), edge_weight()), 0..40),
        level in prop_oneof![Just(1e-300), Just(0.95), Just(1.0 - 1e-16)],
    ) {
        let (x, w): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let level = ConfidenceLevel::new(level).unwrap();
        let mut estimates = Vec::new();
        for m in [MeanEstimate::new(&x), MeanEstimate::weighted(&x, &w)].into_iter().flatten() {
            prop_assert!(m.mean.is_finite() && m.std_dev.is_finite() && m.std_error.is_finite());
            prop_assert!(m.degrees_of_freedom > 0.0);
            let ci = m.interval(level);
            prop_assert!(ci.lower <= m.mean && m.mean <= ci.upper, "{ci:?} {m:?}");
            for alternative in [Alternative::TwoSided, Alternative::Greater, Alternative::Less] {
                let p = m.t_test(0.0, alternative).p_value;
                prop_assert!((0.0..=1.0).contains(&p));
            }
            estimates.push(m);
        }
        if let [a, b] = estimates[..] {
            for variance in [VarianceAssumption::Welch, VarianceAssumption::Pooled] {
                let d = mean_difference(&a, &b, variance, level, Alternative::TwoSided);
                prop_assert!((0.0..=1.0).contains(&d.test.p_value));
                prop_assert!(!d.interval.lower.is_nan() && !d.interval.upper.is_nan());
                if let Ok(test) = means_anova(&[a, b], variance) {
                    prop_assert!((0.0..=1.0).contains(&test.p_value));
                }
            }
        }
    }

    /// Equal weights give the unweighted mean, standard error and degrees of freedom.
    #[test]
    fn equal_weights_reduce_to_unweighted(
        x in proptest::collection::vec(-100.0..100.0_f64, 2..60),
        weight in prop_oneof![Just(1.0), Just(0.37), Just(5e-324), Just(1e300), 0.01..1e6_f64],
    ) {
        let Ok(plain) = MeanEstimate::new(&x) else { return Ok(()) };
        let weighted = MeanEstimate::weighted(&x, &vec![weight; x.len()]).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
        prop_assert!(close(weighted.mean, plain.mean) || (weighted.mean - plain.mean).abs() < 1e-13);
        prop_assert!(close(weighted.std_error, plain.std_error), "{weighted:?} {plain:?}");
        prop_assert!(close(weighted.degrees_of_freedom, plain.degrees_of_freedom));
    }
}
