//! Design-based estimation against R's `survey` package (Lumley), on the committed synthetic
//! complex sample `fixtures/design/survey.csv` (6 strata, 45 PSUs, unequal weights).
//!
//! Reference values: `fixtures/design/expected.tsv`, written by `fixtures/design/generate.R`
//! (R 4.2.2, survey 4.1.1; the R calls are listed in `fixtures/design/README.md`).
//! Tolerances (relative): 1e-9 for closed forms; 1e-7 for R's iterative results (the `logit`
//! interval from an iteratively fitted `svyglm`, raking).

mod common;

use std::collections::HashMap;

use common::{Checker, Values};
use survey_analytics::{
    CalibrationMargin, ConfidenceLevel, DesignEffects, DesignInterval, LonelyPsu, RakeOptions,
    SampleDesign,
};

struct Data {
    stratum: Vec<String>,
    psu: Vec<String>,
    weight: Vec<f64>,
    columns: HashMap<String, Vec<String>>,
}

fn load() -> Data {
    let columns = common::csv_columns(common::fixture("design/survey.csv"));
    Data {
        stratum: columns["stratum"].clone(),
        psu: columns["psu"].clone(),
        weight: columns["weight"]
            .iter()
            .map(|w| w.parse().unwrap())
            .collect(),
        columns,
    }
}

impl Data {
    fn design(&self) -> SampleDesign {
        self.design_with(self.weight.clone())
    }

    fn design_with(&self, weights: Vec<f64>) -> SampleDesign {
        SampleDesign::new(weights)
            .unwrap()
            .with_strata(&self.stratum)
            .unwrap()
            .with_clusters(&self.psu)
            .unwrap()
    }

    /// A numeric column, NaN where empty.
    fn numbers(&self, name: &str) -> Vec<f64> {
        common::numbers(&self.columns[name])
    }

    /// Positions of a column's values in `levels` (None where empty).
    fn codes(&self, name: &str, levels: &[&str]) -> Vec<Option<usize>> {
        common::codes(&self.columns[name], levels)
    }
}

/// The R reference values and a checker that reports every disagreement.
struct Check {
    want: Values,
    checker: Checker,
}

impl Check {
    fn new() -> Self {
        Self {
            want: Values::load("design/expected.tsv"),
            checker: Checker::default(),
        }
    }

    fn value(&self, case: &str, key: &str) -> f64 {
        self.want.get(case, key)
    }

    fn close(&mut self, case: &str, key: &str, got: f64, relative: f64) {
        self.want.check(&mut self.checker, case, key, got, relative);
    }

    /// Both design effects of an estimate against R's `deff = TRUE` (`deff`) and `deff = "replace"`
    /// (`deff_replace`, under `key` + `_replace`).
    fn deffs(&mut self, case: &str, key: &str, got: DesignEffects, relative: f64) {
        self.close(
            case,
            key,
            got.without_replacement.unwrap_or(f64::NAN),
            relative,
        );
        let replace = format!("{key}_replace");
        self.close(
            case,
            &replace,
            got.with_replacement.unwrap_or(f64::NAN),
            relative,
        );
    }

    fn finish(self) {
        self.checker.finish("design estimates against R's survey");
    }
}

const ROLES: [&str; 3] = ["Leader", "Manager", "IC"];

#[test]
fn design_summary_means_and_totals_match_r() {
    let data = load();
    let design = data.design();
    let mut check = Check::new();
    check.close("design", "degf", design.degrees_of_freedom(), 0.0);
    check.close("design", "kish_deff", design.kish_deff().unwrap(), 1e-12);
    check.close(
        "design",
        "kish_effective_base",
        design.kish_effective_base(),
        1e-12,
    );
    for (case, column) in [
        ("mean_knows", "knows"),
        ("mean_familiarity", "familiarity"),
        ("mean_ai_content", "ai_content"),
    ] {
        let values = data.numbers(column);
        let mean = design.mean(&values).unwrap();
        check.close(case, "estimate", mean.estimate, 1e-12);
        check.close(case, "se", mean.std_error, 1e-9);
        check.deffs(case, "deff", mean.deff, 1e-9);
        let total = design.total(&values).unwrap();
        check.close(case, "total", total.estimate, 1e-12);
        check.close(case, "total_se", total.std_error, 1e-9);
        check.deffs(case, "total_deff", total.deff, 1e-9);
    }
    check.finish();
}

#[test]
fn proportion_intervals_match_svyciprop() {
    let data = load();
    let design = data.design();
    let knows: Vec<Option<bool>> = data
        .numbers("knows")
        .iter()
        .map(|v| (!v.is_nan()).then_some(*v == 1.0))
        .collect();
    let p = design.proportion(&knows).unwrap();
    let mut check = Check::new();
    for (method, name) in [
        (DesignInterval::Logit, "logit"),
        (DesignInterval::Asin, "asin"),
        (DesignInterval::Beta, "beta"),
        (DesignInterval::Mean, "mean"),
        (DesignInterval::Xlogit, "xlogit"),
    ] {
        // R's `logit` comes from an iteratively fitted svyglm: 1e-7.
        let tolerance = if method == DesignInterval::Logit {
            1e-7
        } else {
            1e-9
        };
        for level in ["0.90", "0.95", "0.99"] {
            let case = format!("ciprop_{name}_{level}");
            let ci = p
                .proportion_interval(
                    method,
                    ConfidenceLevel::new(level.parse().unwrap()).unwrap(),
                )
                .unwrap();
            check.close(&case, "lower", ci.lower, tolerance);
            check.close(&case, "upper", ci.upper, tolerance);
            check.close(&case, "degf", p.degrees_of_freedom, 0.0);
        }
        // A small domain near 1: Leaders in stratum S1 (4 degrees of freedom).
        let small: Vec<Option<bool>> = knows
            .iter()
            .enumerate()
            .map(|(k, v)| {
                v.filter(|_| data.columns["role"][k] == "Leader" && data.stratum[k] == "S1")
            })
            .collect();
        let q = design.proportion(&small).unwrap();
        let case = format!("ciprop_small_{name}");
        check.close(&case, "estimate", q.estimate, 1e-12);
        check.close(&case, "degf", q.degrees_of_freedom, 0.0);
        let ci = q
            .proportion_interval(method, ConfidenceLevel::NINETY_FIVE)
            .unwrap();
        // Where R's interval leaves the parameter space, the crate departs from it on purpose:
        // R leaves the `mean` interval unclipped (upper 1.026 here) and maps an `asin` angle past
        // pi/2 back through sin^2, which folds it down (upper 0.9958 here for an angle of 1.70);
        // the crate clips both, to 1.
        let (lower, mut upper) = (check.value(&case, "lower"), check.value(&case, "upper"));
        let clip = |x: f64| {
            if method == DesignInterval::Mean {
                x.clamp(0.0, 1.0)
            } else {
                x
            }
        };
        if method == DesignInterval::Asin {
            let t = 2.776_445_105_197_793_4; // qt(0.975, 4)
            let angle = q.estimate.sqrt().asin()
                + t * q.std_error / (2.0 * (q.estimate * (1.0 - q.estimate)).sqrt());
            assert!(angle > std::f64::consts::FRAC_PI_2, "{angle}");
            upper = 1.0;
        }
        for (got, want, key) in [
            (ci.lower, clip(lower), "lower"),
            (ci.upper, clip(upper), "upper"),
        ] {
            check
                .checker
                .number(format!("{case}/{key} (clipped)"), got, want, tolerance, 0.0);
        }
    }
    check.finish();
}

#[test]
fn domain_estimates_and_contrasts_match_svyby() {
    let data = load();
    let design = data.design();
    let role = data.codes("role", &ROLES);
    let mut check = Check::new();
    for variable in ["knows", "familiarity"] {
        let values = data.numbers(variable);
        let domains = design.domain_means(&values, &role, 3).unwrap();
        for (d, name) in ROLES.iter().enumerate() {
            let e = domains.estimates()[d].unwrap();
            let case = format!("byrole_{variable}_{name}");
            check.close(&case, "estimate", e.estimate, 1e-12);
            check.close(&case, "se", e.std_error, 1e-9);
            check.deffs(&case, "deff", e.deff, 1e-9);
            for (d2, name2) in ROLES.iter().enumerate() {
                check.close(
                    &format!("byrole_{variable}_cov"),
                    &format!("{name}_{name2}"),
                    domains.covariance(d, d2).unwrap(),
                    1e-9,
                );
            }
        }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let contrast = domains.contrast(a, b).unwrap();
            let case = format!("contrast_{variable}_{}_{}", ROLES[a], ROLES[b]);
            check.close(&case, "estimate", contrast.estimate, 1e-12);
            check.close(&case, "se", contrast.std_error, 1e-9);
        }
        // svyttest between leaders and ICs: the contrast over its standard error.
        let contrast = domains.contrast(0, 2).unwrap();
        let case = format!("ttest_{variable}_Leader_IC");
        check.close(&case, "t", contrast.estimate / contrast.std_error, 1e-9);
        // One test of equal means across the roles: regTermTest on svyglm(y ~ role).
        let wald = domains
            .equality_test(&[0, 1, 2], design.degrees_of_freedom())
            .unwrap();
        let case = format!("wald_{variable}_role");
        check.close(&case, "F", wald.statistic, 1e-9);
        check.close(&case, "df1", wald.numerator_df, 0.0);
        check.close(&case, "df2", wald.denominator_df, 0.0);
        check.close(&case, "p", wald.p_value, 1e-8);
    }
    check.finish();
}

/// A crosstab's design-based mean row: each role's mean and standard error (`svyby`), its t
/// interval on the design's degrees of freedom (`confint(by, df = degf)`), each pair's t-test
/// p-value (`svycontrast`, before adjustment) and the omnibus Wald F (`regTermTest`).
#[test]
fn design_mean_rows_match_svyby_svycontrast_and_regtermtest() {
    use survey_analytics::{Categories, Crosstab, CrosstabOptions};
    let data = load();
    let design = data.design();
    let role = data.codes("role", &ROLES);
    let mut check = Check::new();
    for variable in ["knows", "familiarity"] {
        let values = data.numbers(variable);
        // The share rows: the answers as categories (their rows are checked elsewhere).
        let levels: Vec<String> = {
            let mut l: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            l.sort_by(f64::total_cmp);
            l.dedup();
            l.iter().map(|v| v.to_string()).collect()
        };
        let answers = Categories::new(variable, levels.clone()).unwrap();
        let codes: Vec<Option<usize>> = values
            .iter()
            .map(|v| levels.iter().position(|l| *l == v.to_string()))
            .collect();
        let groups = Categories::new("role", ROLES).unwrap();
        let options = CrosstabOptions::default();
        let table = Crosstab::from_design(&design, &answers, &groups, &codes, &role, &options)
            .unwrap()
            .with_design_mean_row("Mean", &design, &values, &role)
            .unwrap();
        let row = &table.mean_rows()[0];
        let degf = check.value(&format!("byrole_{variable}_cov"), "degf");
        for (d, name) in ROLES.iter().enumerate() {
            let cell = &row.cells[d];
            let case = format!("byrole_{variable}_{name}");
            check.close(&case, "estimate", cell.mean.unwrap(), 1e-12);
            check.close(&case, "se", cell.std_error.unwrap(), 1e-9);
            check.close(&case, "lower_t", cell.interval.unwrap().lower, 1e-9);
            check.close(&case, "upper_t", cell.interval.unwrap().upper, 1e-9);
            assert_eq!(cell.degrees_of_freedom, Some(degf));
        }
        for test in &row.tests {
            let case = format!("contrast_{variable}_{}_{}", ROLES[test.a], ROLES[test.b]);
            check.close(&case, "p_t", test.p_value, 1e-8);
        }
        let omnibus = row.omnibus.unwrap();
        let case = format!("wald_{variable}_role");
        check.close(&case, "F", omnibus.statistic, 1e-9);
        check.close(&case, "p", omnibus.p_value, 1e-8);
        // Leaders know and are familiar most, then managers, then ICs: every pair differs.
        let letters: Vec<&str> = row.cells.iter().map(|c| c.letters.as_str()).collect();
        assert_eq!(letters, ["BC", "C", ""], "{variable}");
    }
    check.finish();
}

/// Two items answered by the same respondents: their shares among those who answered both, the
/// difference, its t interval and test (R's `svycontrast(svymean(~a + b, na.rm = TRUE),
/// quote(a - b))`, `confint(df = degf)`).
#[test]
fn paired_items_match_svycontrast() {
    use survey_analytics::PairedComparison;
    let data = load();
    let design = data.design();
    let mut check = Check::new();
    let answers = |name: &str| -> Vec<Option<bool>> {
        data.numbers(name)
            .iter()
            .map(|&v| (!v.is_nan()).then_some(v == 1.0))
            .collect()
    };
    for (a, b) in [("ai_content", "ai_images"), ("ai_content", "ai_planning")] {
        let got = PairedComparison::from_design(
            &design,
            &answers(a),
            &answers(b),
            ConfidenceLevel::NINETY_FIVE,
        )
        .unwrap();
        let case = format!("paired_{a}_{b}");
        check.close(&case, "first_share", got.first_share, 1e-12);
        check.close(&case, "second_share", got.second_share, 1e-12);
        check.close(&case, "difference", got.difference, 1e-12);
        check.close(&case, "lower", got.interval.lower, 1e-9);
        check.close(&case, "upper", got.interval.upper, 1e-9);
        check.close(&case, "p", got.p_value, 1e-8);
        check.close(&case, "respondents", got.respondents as f64, 0.0);
    }
    // Within each role, as a crosstab's paired row: each role a domain of the full design.
    use survey_analytics::{Categories, Crosstab, CrosstabOptions};
    let role = data.codes("role", &ROLES);
    let table = Crosstab::from_design(
        &design,
        &Categories::new("any", ["any"]).unwrap(),
        &Categories::new("role", ROLES).unwrap(),
        &vec![Some(0); design.len()],
        &role,
        &CrosstabOptions::default(),
    )
    .unwrap()
    .with_design_paired_row(
        "ai_content",
        "ai_images",
        &design,
        &answers("ai_content"),
        &answers("ai_images"),
        &role,
    )
    .unwrap();
    for (d, name) in ROLES.iter().enumerate() {
        let cell = table.paired_rows()[0].cells[d].as_ref().unwrap();
        let case = format!("paired_role_{name}");
        check.close(&case, "first_share", cell.first_share, 1e-12);
        check.close(&case, "second_share", cell.second_share, 1e-12);
        check.close(&case, "difference", cell.difference, 1e-12);
        check.close(&case, "lower", cell.interval.lower, 1e-9);
        check.close(&case, "upper", cell.interval.upper, 1e-9);
    }
    check.finish();
}

/// A crosstab's design-based NPS row, on a 0-10 rating made from the sample
/// (`min(10, 2 familiarity + ai_content)`): the design-based mean of the +1/0/-1 recode by role
/// (`svyby`), its t interval on the design's degrees of freedom and the Wald F (`regTermTest`).
#[test]
fn design_nps_rows_match_svyby_of_the_recode() {
    use survey_analytics::{Categories, Crosstab, CrosstabOptions};
    let data = load();
    let design = data.design();
    let role = data.codes("role", &ROLES);
    let (familiarity, content) = (data.numbers("familiarity"), data.numbers("ai_content"));
    let ratings: Vec<f64> = familiarity
        .iter()
        .zip(&content)
        // NaN (no answer) stays NaN: `f64::min` would turn it into 10.
        .map(|(f, c)| {
            let r = 2.0 * f + c;
            if r > 10.0 { 10.0 } else { r }
        })
        .collect();
    let answers = Categories::new("recommend", ["any"]).unwrap();
    let groups = Categories::new("role", ROLES).unwrap();
    let everyone = vec![Some(0); design.len()];
    let table = Crosstab::from_design(
        &design,
        &answers,
        &groups,
        &everyone,
        &role,
        &CrosstabOptions::default(),
    )
    .unwrap()
    .with_design_nps_row("NPS", &design, &ratings, &role)
    .unwrap();
    let row = &table.nps_rows()[0];
    let mut check = Check::new();
    for (d, name) in ROLES.iter().enumerate() {
        let cell = &row.cells[d];
        let case = format!("nps_role_{name}");
        check.close(&case, "estimate", cell.mean.unwrap(), 1e-12);
        check.close(&case, "se", cell.std_error.unwrap(), 1e-9);
        check.close(&case, "lower_t", cell.interval.unwrap().lower, 1e-9);
        check.close(&case, "upper_t", cell.interval.unwrap().upper, 1e-9);
    }
    let omnibus = row.omnibus.unwrap();
    check.close("nps_role_wald", "F", omnibus.statistic, 1e-9);
    check.close("nps_role_wald", "p", omnibus.p_value, 1e-8);
    check.finish();
}

/// Quantiles with Woodruff intervals, as `svyquantile(ci = TRUE, interval.type = "mean",
/// qrule = "math", na.rm = TRUE)`: the 1-5 familiarity (ties everywhere) and a continuous amount.
/// The quantile and bounds are values of the data (compared exactly, 1e-12 for the amount's
/// arithmetic); the standard error is the width over twice the t critical value (1e-9).
#[test]
fn quantiles_match_svyquantile() {
    let data = load();
    let design = data.design();
    let familiarity = data.numbers("familiarity");
    let amount: Vec<f64> = familiarity
        .iter()
        .zip(&data.weight)
        .map(|(f, w)| w * f)
        .collect();
    let mut check = Check::new();
    for (name, values) in [("familiarity", &familiarity), ("amount", &amount)] {
        for p in [0.1, 0.25, 0.5, 0.75, 0.9] {
            let q = design
                .quantile(values, p, ConfidenceLevel::NINETY_FIVE)
                .unwrap();
            let case = format!("quantile_{name}_{p}");
            check.close(&case, "quantile", q.quantile, 1e-12);
            check.close(&case, "lower", q.lower.unwrap_or(f64::NAN), 1e-12);
            check.close(&case, "upper", q.upper.unwrap_or(f64::NAN), 1e-12);
            check.close(&case, "se", q.std_error.unwrap_or(f64::NAN), 1e-9);
        }
    }
    check.finish();
}

/// A design-based crosstab's cells against the total and the rest: the contrast of the roles'
/// shares weighted by their weighted bases, with its design covariance and a t-test on the
/// design's degrees of freedom (R's `svycontrast` on `svyby(covmat = TRUE)`).
#[test]
fn design_cells_against_total_and_rest_match_svycontrast() {
    use survey_analytics::{Categories, Crosstab, CrosstabOptions, Versus};
    let data = load();
    let design = data.design();
    let role = data.codes("role", &ROLES);
    let knows = data.codes("knows", &["0", "1"]);
    let table = Crosstab::from_design(
        &design,
        &Categories::new("knows", ["0", "1"]).unwrap(),
        &Categories::new("role", ROLES).unwrap(),
        &knows,
        &role,
        &CrosstabOptions::default(),
    )
    .unwrap();
    let mut check = Check::new();
    for (reference, name) in [(Versus::Total, "total"), (Versus::Rest, "rest")] {
        let cells = table.versus(reference).unwrap();
        for (c, r) in ROLES.iter().enumerate() {
            let cell = cells[1][c]; // the "1" row: knows
            let case = format!("versus_{name}_knows_{r}");
            check.close(&case, "difference", cell.difference.unwrap(), 1e-12);
            check.close(&case, "p", cell.p_value.unwrap(), 1e-8);
        }
    }
    check.finish();
}

/// The weighting report's summaries: Kish's design effect and effective base of the design's
/// weights, and the post-stratified weights' total, smallest and largest, against R's
/// `n sum(w^2) / sum(w)^2`, `sum(w)^2 / sum(w^2)`, `sum`, `min` and `max` of `weights()`.
#[test]
fn weight_summaries_match_r() {
    use survey_analytics::WeightSummary;
    let data = load();
    let design = data.design();
    let mut check = Check::new();
    let s = WeightSummary::new(design.weights()).unwrap();
    check.close("design", "kish_deff", s.kish_deff, 1e-12);
    check.close("design", "kish_effective_base", s.effective_base, 1e-12);
    check.close("design", "weight_sum", s.sum, 1e-12);
    let post = design
        .post_stratify(&margin(&data, "region:gender"))
        .unwrap();
    let s = WeightSummary::new(post.weights()).unwrap();
    check.close("poststrat", "weight_sum", s.sum, 1e-12);
    check.close("poststrat", "weight_min", s.min, 1e-12);
    check.close("poststrat", "weight_max", s.max, 1e-12);
    assert!((s.cv * s.cv + 1.0 - s.kish_deff).abs() < 1e-12);
    check.finish();
}

#[test]
fn rao_scott_tests_match_svychisq() {
    let data = load();
    let design = data.design();
    let role = data.codes("role", &ROLES);
    let mut check = Check::new();
    for (case, column, levels) in [
        (
            "chisq_role_familiarity",
            "familiarity",
            vec!["1", "2", "3", "4", "5"],
        ),
        ("chisq_role_knows", "knows", vec!["0", "1"]),
    ] {
        let answers = data.codes(column, &levels);
        let test = design.rao_scott(&role, &answers, 3, levels.len()).unwrap();
        check.close(case, "f_statistic", test.statistic, 1e-9);
        check.close(case, "ndf", test.ndf, 1e-9);
        check.close(case, "ddf", test.ddf, 1e-9);
        check.close(case, "f_p_value", test.p_value, 1e-8);
        // R prints the uncorrected X^2 as "statistic" of the "Chisq" test; its p-value uses the
        // first-order corrected X^2 / mean(eigenvalues), which is the crate's `chisq`.
        check.close(case, "pearson", test.pearson, 1e-9);
        check.close(case, "chisq_adjusted", test.chisq, 1e-9);
        check.close(case, "chisq_df", test.chisq_df, 0.0);
        check.close(case, "chisq_p_value", test.p_chisq, 1e-8);
    }
    check.finish();
}

/// Population totals from `fixtures/design/population.csv`.
fn margin(data: &Data, variable: &str) -> CalibrationMargin {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/design/population.csv"
    );
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut levels = Vec::new();
    let mut totals = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        if &record[0] == variable {
            levels.push(record[1].to_string());
            totals.push(record[2].parse().unwrap());
        }
    }
    let cells = if variable == "region:gender" {
        (0..data.weight.len())
            .map(|k| {
                format!(
                    "{}:{}",
                    data.columns["region"][k], data.columns["gender"][k]
                )
            })
            .map(|label| levels.iter().position(|l| *l == label).unwrap())
            .collect()
    } else {
        data.columns[variable]
            .iter()
            .map(|v| levels.iter().position(|l| l == v).unwrap())
            .collect()
    };
    CalibrationMargin::new(cells, totals).unwrap()
}

fn weight_summary(check: &mut Check, case: &str, design: &SampleDesign, tolerance: f64) {
    let w = design.weights();
    check.close(case, "weight_sum", w.iter().sum(), tolerance);
    check.close(
        case,
        "weight_sumsq",
        w.iter().map(|x| x * x).sum(),
        tolerance,
    );
    check.close(
        case,
        "weight_min",
        w.iter().copied().fold(f64::INFINITY, f64::min),
        tolerance,
    );
    check.close(
        case,
        "weight_max",
        w.iter().copied().fold(0.0, f64::max),
        tolerance,
    );
    for i in 1..=10 {
        check.close(case, &format!("w_{i}"), w[i - 1], tolerance);
    }
}

#[test]
fn post_stratification_and_raking_match_r() {
    let data = load();
    let design = data.design();
    let knows = data.numbers("knows");
    let ai = data.numbers("ai_content");
    let mut check = Check::new();
    let post = design
        .post_stratify(&margin(&data, "region:gender"))
        .unwrap();
    weight_summary(&mut check, "poststrat", &post, 1e-12);
    let mean = post.mean(&knows).unwrap();
    check.close("poststrat", "knows_estimate", mean.estimate, 1e-12);
    check.close("poststrat", "knows_se", mean.std_error, 1e-9);
    check.close(
        "poststrat",
        "knows_deff",
        mean.deff.without_replacement.unwrap(),
        1e-9,
    );
    let total = post.total(&ai).unwrap();
    check.close("poststrat", "ai_total", total.estimate, 1e-12);
    check.close("poststrat", "ai_total_se", total.std_error, 1e-9);

    let margins = [
        margin(&data, "region"),
        margin(&data, "age"),
        margin(&data, "gender"),
    ];
    let options = RakeOptions {
        max_iterations: 200,
        relative_tolerance: 1e-12,
    };
    let (raked, report) = design.rake(&margins, &options).unwrap();
    assert!(report.converged);
    // `cycles` is the smallest `maxit` for which R's rake converges: its number of passes.
    check.close("rake", "cycles", report.iterations as f64, 0.0);
    weight_summary(&mut check, "rake", &raked, 1e-7);
    let mean = raked.mean(&knows).unwrap();
    check.close("rake", "knows_estimate", mean.estimate, 1e-7);
    check.close("rake", "knows_se", mean.std_error, 1e-7);
    check.close(
        "rake",
        "knows_deff",
        mean.deff.without_replacement.unwrap(),
        1e-7,
    );
    let total = raked.total(&ai).unwrap();
    check.close("rake", "ai_total", total.estimate, 1e-7);
    check.close("rake", "ai_total_se", total.std_error, 1e-7);

    // R's defaults (maxit 10, epsilon 1 weight unit) stop earlier; the crate reproduces them.
    let total_weight: f64 = design.weights().iter().sum();
    let (loose, report) = design
        .rake(&margins, &RakeOptions::r_defaults(total_weight))
        .unwrap();
    check.close("rake_default", "cycles", report.iterations as f64, 0.0);
    weight_summary(&mut check, "rake_default", &loose, 1e-9);
    let mean = loose.mean(&knows).unwrap();
    check.close("rake_default", "knows_estimate", mean.estimate, 1e-9);
    check.close("rake_default", "knows_se", mean.std_error, 1e-9);
    check.finish();
}

#[test]
fn trimming_matches_trim_weights() {
    let data = load();
    let design = data.design();
    let knows = data.numbers("knows");
    let mut check = Check::new();
    for (case, strict) in [("trim", false), ("trim_strict", true)] {
        let (lower, upper) = (check.value(case, "lower"), check.value(case, "upper"));
        let trimmed = design.trim_weights(lower, upper, strict).unwrap();
        weight_summary(&mut check, case, &trimmed, 1e-12);
        let mean = trimmed.mean(&knows).unwrap();
        check.close(case, "knows_estimate", mean.estimate, 1e-12);
        check.close(case, "knows_se", mean.std_error, 1e-9);
    }
    check.finish();
}

#[test]
fn lonely_psu_options_match_r() {
    let data = load();
    // Stratum S6 restricted to a single PSU (its first one), as generate.R does.
    let first_s6 = data
        .psu
        .iter()
        .zip(&data.stratum)
        .find(|(_, s)| *s == "S6")
        .map(|(p, _)| p.clone())
        .unwrap();
    let keep: Vec<usize> = (0..data.weight.len())
        .filter(|&k| data.stratum[k] != "S6" || data.psu[k] == first_s6)
        .collect();
    let pick = |v: &[String]| -> Vec<String> { keep.iter().map(|&k| v[k].clone()).collect() };
    let weights: Vec<f64> = keep.iter().map(|&k| data.weight[k]).collect();
    let knows: Vec<f64> = keep.iter().map(|&k| data.numbers("knows")[k]).collect();
    let base = SampleDesign::new(weights)
        .unwrap()
        .with_strata(&pick(&data.stratum))
        .unwrap()
        .with_clusters(&pick(&data.psu))
        .unwrap();
    let err = base.mean(&knows).unwrap_err();
    assert!(err.to_string().contains("'S6' has a single PSU"), "{err}");
    let mut check = Check::new();
    for (option, name) in [
        (LonelyPsu::Certainty, "certainty"),
        (LonelyPsu::Remove, "remove"),
        (LonelyPsu::Adjust, "adjust"),
        (LonelyPsu::Average, "average"),
    ] {
        let mean = base.clone().with_lonely_psu(option).mean(&knows).unwrap();
        let case = format!("lonely_{name}");
        check.close(&case, "estimate", mean.estimate, 1e-12);
        check.close(&case, "se", mean.std_error, 1e-9);
    }
    check.finish();
}

#[test]
fn simpler_designs_match_r() {
    let data = load();
    let knows = data.numbers("knows");
    let mut check = Check::new();
    let designs = [
        (
            "nostrata_knows",
            SampleDesign::new(data.weight.clone())
                .unwrap()
                .with_clusters(&data.psu)
                .unwrap(),
        ),
        (
            "noclusters_knows",
            SampleDesign::new(data.weight.clone())
                .unwrap()
                .with_strata(&data.stratum)
                .unwrap(),
        ),
        (
            "weightsonly_knows",
            SampleDesign::new(data.weight.clone()).unwrap(),
        ),
    ];
    for (case, design) in designs {
        let mean = design.mean(&knows).unwrap();
        check.close(case, "estimate", mean.estimate, 1e-12);
        check.close(case, "se", mean.std_error, 1e-9);
        check.deffs(case, "deff", mean.deff, 1e-9);
        check.close(case, "degf", design.degrees_of_freedom(), 0.0);
    }
    check.finish();
}

/// Weights scaled to average 1, as survey exports ship them (`generate.R`, section k): R's default
/// design effect (`deff = TRUE`) compares with sampling without replacement from a population of
/// `sum(w)`, about `n` here, so it is NA (a mean, where `sum(w) < n`), negative (a total) or in the
/// hundreds; `deff = "replace"` is unaffected by the scale. The crate reports both: the
/// with-replacement effect always, R's default where R's is a positive number and `None` where R's
/// is NA or not positive (a departure: R divides by a variance that is zero or negative there).
/// Tolerance 1e-9 relative (closed forms).
#[test]
fn design_effects_with_weights_scaled_to_average_one() {
    let data = load();
    let average = data.weight.iter().sum::<f64>() / data.weight.len() as f64;
    let design = data.design_with(data.weight.iter().map(|w| w / average).collect());
    let role = data.codes("role", &ROLES);
    let mut check = Check::new();
    let mut r_default_undefined = 0;
    let mut both = |check: &mut Check, case: &str, key: &str, got: DesignEffects| {
        let r_default = check.value(case, key);
        if r_default.is_nan() || r_default <= 0.0 {
            r_default_undefined += 1;
            check.checker.check(got.without_replacement.is_none(), || {
                format!("{case}/{key}: R has {r_default}, the crate {got:?}")
            });
            let replace = format!("{key}_replace");
            check.close(
                case,
                &replace,
                got.with_replacement.unwrap_or(f64::NAN),
                1e-9,
            );
        } else {
            check.deffs(case, key, got, 1e-9);
        }
    };
    for variable in ["knows", "familiarity"] {
        let values = data.numbers(variable);
        let case = format!("mean1_{variable}");
        let mean = design.mean(&values).unwrap();
        check.close(&case, "weight_sum_used", mean.weight_sum, 1e-12);
        check.close(&case, "n_used", mean.observations as f64, 0.0);
        check.close(&case, "estimate", mean.estimate, 1e-12);
        check.close(&case, "se", mean.std_error, 1e-9);
        both(&mut check, &case, "deff", mean.deff);
        let total = design.total(&values).unwrap();
        check.close(&case, "total", total.estimate, 1e-12);
        check.close(&case, "total_se", total.std_error, 1e-9);
        both(&mut check, &case, "total_deff", total.deff);
        let domains = design.domain_means(&values, &role, 3).unwrap();
        for (d, name) in ROLES.iter().enumerate() {
            let e = domains.estimates()[d].unwrap();
            let case = format!("mean1_byrole_{variable}_{name}");
            check.close(&case, "weight_sum_used", e.weight_sum, 1e-12);
            check.close(&case, "n_used", e.observations as f64, 0.0);
            check.close(&case, "estimate", e.estimate, 1e-12);
            check.close(&case, "se", e.std_error, 1e-9);
            both(&mut check, &case, "deff", e.deff);
        }
    }
    // The fixture holds the cases this test is about: R's default undefined, and huge.
    assert!(r_default_undefined >= 3, "{r_default_undefined}");
    assert!(check.value("mean1_byrole_knows_IC", "deff") > 100.0);
    check.finish();
}
