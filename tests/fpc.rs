//! Finite population corrections against R's survey package (4.1.1) on its public `api` data:
//! `fixtures/fpc/generate.R` writes the stratified sample `apistrat.csv` (fpc: each school
//! type's population), the one-stage cluster sample `apiclus1.csv` (fpc: the districts in the
//! population) and `expected.tsv`: `svymean` with and without `fpc = ~fpc`, `svyby` domain means
//! with their covariance, `svyratio` overall and by domain, a census whose standard error is 0, design
//! effects, `svyciprop` intervals and `svychisq` tests. Tolerances: 1e-12 relative for
//! estimates, 1e-9 for standard errors and covariances (R's linearisation).

mod common;

use common::{Checker, Values, fixture};
use survey_analytics::SampleDesign;

fn columns(name: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(fixture(name)).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

fn column<'a>(data: &'a (Vec<String>, Vec<csv::StringRecord>), name: &str) -> Vec<&'a str> {
    let at = data.0.iter().position(|h| h == name).unwrap();
    data.1.iter().map(|r| r.get(at).unwrap()).collect()
}

fn numbers(data: &(Vec<String>, Vec<csv::StringRecord>), name: &str) -> Vec<f64> {
    common::numbers(&column(data, name))
}

#[test]
fn corrected_means_and_domains_match_svydesign_fpc() {
    let want = Values::load("fpc/expected.tsv");
    let mut checker = Checker::default();
    let strat = columns("fpc/apistrat.csv");
    let base = SampleDesign::new(numbers(&strat, "pw"))
        .unwrap()
        .with_strata(&column(&strat, "stype"))
        .unwrap();
    let corrected = base.clone().with_fpc(&numbers(&strat, "fpc")).unwrap();
    let clus = columns("fpc/apiclus1.csv");
    let clus_base = SampleDesign::new(numbers(&clus, "pw"))
        .unwrap()
        .with_clusters(&column(&clus, "dnum"))
        .unwrap();
    let clus_corrected = clus_base.clone().with_fpc(&numbers(&clus, "fpc")).unwrap();
    for (prefix, data, plain, fpc) in [
        ("strat", &strat, &base, &corrected),
        ("clus1", &clus, &clus_base, &clus_corrected),
    ] {
        for y in ["api00", "enroll"] {
            let values = numbers(data, y);
            let case = format!("{prefix}_{y}");
            let m = fpc.mean(&values).unwrap();
            want.check(&mut checker, &case, "estimate", m.estimate, 1e-12);
            want.check(&mut checker, &case, "se", m.std_error, 1e-9);
            let m0 = plain.mean(&values).unwrap();
            want.check(&mut checker, &case, "se_nofpc", m0.std_error, 1e-9);
        }
    }
    // Domains: the award-winning schools and the others, with their covariance.
    let awards: Vec<Option<usize>> = column(&strat, "awards")
        .iter()
        .map(|a| ["No", "Yes"].iter().position(|l| l == a))
        .collect();
    let by = corrected
        .domain_means(&numbers(&strat, "api00"), &awards, 2)
        .unwrap();
    for (d, a) in ["No", "Yes"].iter().enumerate() {
        let e = by.estimates()[d].unwrap();
        let case = format!("strat_by_awards_{a}");
        want.check(&mut checker, &case, "estimate", e.estimate, 1e-12);
        want.check(&mut checker, &case, "se", e.std_error, 1e-9);
    }
    let cov = by.covariance(0, 1).unwrap();
    want.check(&mut checker, "strat_by_awards_cov", "No_Yes", cov, 1e-9);
    // Ratios: students tested per enrolled student, overall and by awards.
    let (tested, enrolled) = (numbers(&strat, "api.stu"), numbers(&strat, "enroll"));
    let r = corrected.ratio(&tested, &enrolled).unwrap();
    want.check(&mut checker, "ratio", "estimate", r.estimate, 1e-12);
    want.check(&mut checker, "ratio", "se", r.std_error, 1e-9);
    let by = corrected
        .domain_ratios(&tested, &enrolled, &awards, 2)
        .unwrap();
    for (d, a) in ["No", "Yes"].iter().enumerate() {
        let e = by[d].unwrap();
        want.check(
            &mut checker,
            &format!("ratio_{a}"),
            "estimate",
            e.estimate,
            1e-12,
        );
        want.check(&mut checker, &format!("ratio_{a}"), "se", e.std_error, 1e-9);
    }
    // A census of every stratum: no sampling variance.
    let stype = column(&strat, "stype");
    let sizes: Vec<f64> = stype
        .iter()
        .map(|s| stype.iter().filter(|t| *t == s).count() as f64)
        .collect();
    let census = base.with_fpc(&sizes).unwrap();
    let se = census.mean(&numbers(&strat, "api00")).unwrap().std_error;
    want.check(&mut checker, "census_api00", "se", se, 0.0);
    checker.finish("finite population corrections");
}

/// Values must be positive and constant within strata; a population below its sample is refused
/// when a variance is computed; strata set after the correction re-derive it.
#[test]
fn corrections_are_checked() {
    use survey_analytics::Error;
    let design = SampleDesign::new(vec![1.0; 4])
        .unwrap()
        .with_strata(&["a", "a", "b", "b"])
        .unwrap();
    assert!(matches!(
        design.clone().with_fpc(&[10.0, 11.0, 5.0, 5.0]),
        Err(Error::InvalidValue { record: 1, .. })
    ));
    assert!(matches!(
        design.clone().with_fpc(&[10.0, 10.0, -1.0, 5.0]),
        Err(Error::InvalidValue { record: 2, .. })
    ));
    let too_small = design.clone().with_fpc(&[10.0, 10.0, 1.5, 1.5]).unwrap();
    assert!(matches!(
        too_small.mean(&[1.0, 2.0, 3.0, 5.0]),
        Err(Error::InvalidParameter { name: "fpc", .. })
    ));
    // Strata given after the correction re-derive it: the same design either way round (a
    // correction that differs between strata must come after them).
    let first = SampleDesign::new(vec![1.0; 4])
        .unwrap()
        .with_fpc(&[10.0; 4])
        .unwrap()
        .with_strata(&["a", "a", "b", "b"])
        .unwrap();
    let after = design.with_fpc(&[10.0; 4]).unwrap();
    let y = [1.0, 2.0, 3.0, 5.0];
    assert_eq!(first.mean(&y).unwrap(), after.mean(&y).unwrap());
}

/// The correction by column name: `Responses::design().fpc(column)` gives R's standard error.
#[test]
fn corrections_by_column_name_match_r() {
    use survey_analytics::{CsvReader, Question, Questionnaire};
    let want = Values::load("fpc/expected.tsv");
    let q = Questionnaire::new(vec![
        Question::new("stype", survey_analytics::QuestionType::Identifier),
        Question::numeric("pw"),
        Question::numeric("fpc"),
        Question::numeric("api00"),
    ])
    .unwrap();
    let r = CsvReader::new()
        .questionnaire(&q)
        .read_path(fixture("fpc/apistrat.csv"))
        .unwrap();
    let (design, _) = r
        .design()
        .weight("pw")
        .strata("stype")
        .fpc("fpc")
        .build()
        .unwrap();
    let m = design.mean(&r.numbers("api00").unwrap()).unwrap();
    let mut checker = Checker::default();
    want.check(&mut checker, "strat_api00", "estimate", m.estimate, 1e-12);
    want.check(&mut checker, "strat_api00", "se", m.std_error, 1e-9);
    checker.finish("finite population corrections by column name");
}

proptest::proptest! {
    /// A sampling fraction of 0 is sampling with replacement: the same standard error, to the
    /// bit; a census (fraction 1, or populations equal to the samples) has none.
    #[test]
    fn fractions_of_0_and_1_bound_the_correction(
        rows in proptest::collection::vec((0_u8..4, 0_u8..5, 0.1_f64..10.0, -100.0_f64..100.0), 8..60),
    ) {
        let strata: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let clusters: Vec<(u8, u8)> = rows.iter().map(|r| (r.0, r.1)).collect();
        let weights: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let design = SampleDesign::new(weights)
            .unwrap()
            .with_strata(&strata)
            .unwrap()
            .with_clusters(&clusters)
            .unwrap()
            .with_lonely_psu(survey_analytics::LonelyPsu::Certainty);
        let plain = design.mean(&y).unwrap();
        let zero = design.clone().with_fpc(&vec![0.0; y.len()]).unwrap().mean(&y).unwrap();
        proptest::prop_assert_eq!(plain.std_error.to_bits(), zero.std_error.to_bits());
        let census = design.with_fpc(&vec![1.0; y.len()]).unwrap().mean(&y).unwrap();
        proptest::prop_assert_eq!(census.std_error, 0.0);
        proptest::prop_assert_eq!(census.estimate, plain.estimate);
    }
}

/// Design effects (against sampling with and without replacement), the intervals of a share
/// (`svyciprop`: logit, beta, asin, mean), the Rao-Scott F (`svychisq`) and the median with its
/// Woodruff interval (`svyquantile`) under the corrections, on the stratified and the cluster
/// sample: 1e-9 relative (1e-8 for p-values; the median and its bounds exactly).
#[test]
fn corrected_design_effects_intervals_and_tests_match_r() {
    use survey_analytics::{ConfidenceLevel, DesignInterval};
    let want = Values::load("fpc/expected.tsv");
    let mut checker = Checker::default();
    let strat = columns("fpc/apistrat.csv");
    let clus = columns("fpc/apiclus1.csv");
    let designs = [
        (
            "strat",
            &strat,
            SampleDesign::new(numbers(&strat, "pw"))
                .unwrap()
                .with_strata(&column(&strat, "stype"))
                .unwrap()
                .with_fpc(&numbers(&strat, "fpc"))
                .unwrap(),
        ),
        (
            "clus1",
            &clus,
            SampleDesign::new(numbers(&clus, "pw"))
                .unwrap()
                .with_clusters(&column(&clus, "dnum"))
                .unwrap()
                .with_fpc(&numbers(&clus, "fpc"))
                .unwrap(),
        ),
    ];
    for (name, data, design) in &designs {
        let m = design.mean(&numbers(data, "api00")).unwrap();
        let case = format!("{name}_deff");
        let (with, without) = (m.deff.with_replacement, m.deff.without_replacement);
        want.check(&mut checker, &case, "with", with.unwrap(), 1e-9);
        want.check(&mut checker, &case, "without", without.unwrap(), 1e-9);
        let codes = |name: &str, levels: &[&str]| common::codes(&column(data, name), levels);
        let awards = codes("awards", &["No", "Yes"]);
        let yes: Vec<Option<bool>> = awards.iter().map(|a| a.map(|a| a == 1)).collect();
        let share = design.proportion(&yes).unwrap();
        for (method, key) in [
            (DesignInterval::Logit, "logit"),
            (DesignInterval::Beta, "beta"),
            (DesignInterval::Asin, "asin"),
            (DesignInterval::Mean, "mean"),
        ] {
            let interval = share
                .proportion_interval(method, ConfidenceLevel::NINETY_FIVE)
                .unwrap();
            let case = format!("{name}_ciprop_{key}");
            want.check(&mut checker, &case, "lower", interval.lower, 1e-9);
            want.check(&mut checker, &case, "upper", interval.upper, 1e-9);
        }
        let stype = codes("stype", &["E", "H", "M"]);
        let test = design.rao_scott(&awards, &stype, 2, 3).unwrap();
        let case = format!("{name}_chisq");
        want.check(&mut checker, &case, "F", test.statistic, 1e-9);
        want.check(&mut checker, &case, "ndf", test.ndf, 1e-9);
        want.check(&mut checker, &case, "ddf", test.ddf, 1e-9);
        want.check(&mut checker, &case, "p", test.p_value, 1e-8);
        // The median with Woodruff's interval: the same school's score exactly.
        let q = design
            .quantile(&numbers(data, "api00"), 0.5, ConfidenceLevel::NINETY_FIVE)
            .unwrap();
        let case = format!("{name}_median");
        want.check(&mut checker, &case, "quantile", q.quantile, 0.0);
        want.check(
            &mut checker,
            &case,
            "lower",
            q.lower.unwrap_or(f64::NAN),
            0.0,
        );
        want.check(
            &mut checker,
            &case,
            "upper",
            q.upper.unwrap_or(f64::NAN),
            0.0,
        );
        want.check(
            &mut checker,
            &case,
            "se",
            q.std_error.unwrap_or(f64::NAN),
            1e-9,
        );
    }
    checker.finish("corrected design effects, intervals, tests and medians");
}
