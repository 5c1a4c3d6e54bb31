//! Replicate-weight designs against R's survey package (4.1.1): `fixtures/replicate/generate.R`
//! writes R's public `apiclus1`, `apistrat` and `scd` data, replicate weights R drew or formed
//! (`supplied_boot.csv`, `supplied_jk1.csv`), R's Hadamard matrices (`hadamard.tsv`) and
//! `expected.tsv`: `svymean` (with design effects), `svytotal`, `svyby` domain means with their
//! covariance and each domain's `degf`, `svyratio`, the share of a factor, `svychisq` (Rao-Scott
//! F), `degf`, `svyciprop` (logit, beta, asin, mean) and `svyquantile` on designs created by `as.svrepdesign` (JK1, JKn, BRR, Fay) and on
//! replicate weights supplied to `svrepdesign` (bootstrap, JK1 with and without `mse`,
//! successive differences, other with `rscales`).
//!
//! Tolerances: 1e-12 relative for estimates and degrees of freedom (the same sums), 1e-9 for
//! standard errors, covariances, design effects, test statistics and intervals (R sums its
//! replicates in another order), 1e-7 for the logit interval (R refits the logit in each replicate
//! by iterated least squares), 1e-8 for p-values; quantiles and their bounds exactly.

mod common;

use common::{Checker, Values, fixture};
use survey_analytics::{
    ConfidenceLevel, DesignInterval, Error, ReplicateMethod, ReplicateScheme, ReplicateWeights,
    SampleDesign,
};

struct Data {
    header: Vec<String>,
    records: Vec<csv::StringRecord>,
}

impl Data {
    fn load(name: &str) -> Self {
        let mut reader = csv::Reader::from_path(fixture(name)).unwrap();
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        Self {
            header,
            records: reader.records().map(Result::unwrap).collect(),
        }
    }

    fn column(&self, name: &str) -> Vec<&str> {
        let at = self.header.iter().position(|h| h == name).unwrap();
        self.records.iter().map(|r| r.get(at).unwrap()).collect()
    }

    /// Numbers, with R's "NA" as NaN.
    fn numbers(&self, name: &str) -> Vec<f64> {
        common::numbers(&self.column(name))
    }

    /// The columns rw1, rw2, ...
    fn replicate_columns(&self) -> Vec<Vec<f64>> {
        (1..)
            .map(|r| format!("rw{r}"))
            .take_while(|name| self.header.contains(name))
            .map(|name| self.numbers(&name))
            .collect()
    }

    fn codes(&self, name: &str, levels: &[&str]) -> Vec<Option<usize>> {
        common::codes(&self.column(name), levels)
    }
}

const STYPES: [&str; 3] = ["E", "H", "M"];

/// The cases `estimates()` of generate.R writes for design `name`.
fn check_estimates(
    checker: &mut Checker,
    want: &Values,
    name: &str,
    design: &SampleDesign,
    data: &Data,
) {
    for y in ["api00", "enroll"] {
        let values = data.numbers(y);
        let case = format!("{name}_mean_{y}");
        let m = design.mean(&values).unwrap();
        want.check(checker, &case, "estimate", m.estimate, 1e-12);
        want.check(checker, &case, "se", m.std_error, 1e-9);
        want.check(
            checker,
            &case,
            "deff",
            m.deff.with_replacement.unwrap_or(f64::NAN),
            1e-9,
        );
        let case = format!("{name}_total_{y}");
        let t = design.total(&values).unwrap();
        want.check(checker, &case, "estimate", t.estimate, 1e-12);
        want.check(checker, &case, "se", t.std_error, 1e-9);
    }
    let stype = data.codes("stype", &STYPES);
    let by = design
        .domain_means(&data.numbers("api00"), &stype, 3)
        .unwrap();
    for (d, level) in STYPES.iter().enumerate() {
        let e = by.estimates()[d].unwrap();
        let case = format!("{name}_by_{level}");
        want.check(checker, &case, "estimate", e.estimate, 1e-12);
        want.check(checker, &case, "se", e.std_error, 1e-9);
        want.check(checker, &case, "degf", e.degrees_of_freedom, 1e-12);
    }
    // Relative to the standard errors: R's covariance is exactly 0 where a stratified jackknife
    // leaves one domain's replicates unchanged, and the order of the sums leaves ~1e-21 here.
    let cov = by.covariance(0, 1).unwrap();
    let expected = want.get(&format!("{name}_by_cov"), "first_second");
    let scale = by.covariance(0, 0).unwrap().sqrt() * by.covariance(1, 1).unwrap().sqrt();
    checker.check((cov - expected).abs() <= 1e-9 * scale, || {
        format!("{name}_by_cov: got {cov:e}, want {expected:e} (scale {scale:e})")
    });
    let r = design
        .ratio(&data.numbers("api.stu"), &data.numbers("enroll"))
        .unwrap();
    want.check(
        checker,
        &format!("{name}_ratio"),
        "estimate",
        r.estimate,
        1e-12,
    );
    want.check(checker, &format!("{name}_ratio"), "se", r.std_error, 1e-9);
    let awards = data.codes("awards", &["No", "Yes"]);
    let yes: Vec<Option<bool>> = awards.iter().map(|a| a.map(|a| a == 1)).collect();
    let share = design.proportion(&yes).unwrap();
    want.check(
        checker,
        &format!("{name}_share"),
        "estimate",
        share.estimate,
        1e-12,
    );
    want.check(
        checker,
        &format!("{name}_share"),
        "se",
        share.std_error,
        1e-9,
    );
    for (method, key) in [
        (DesignInterval::Logit, "logit"),
        (DesignInterval::Beta, "beta"),
        (DesignInterval::Asin, "asin"),
        (DesignInterval::Mean, "mean"),
    ] {
        let interval = share
            .proportion_interval(method, ConfidenceLevel::NINETY_FIVE)
            .unwrap();
        // R fits the logit by iterated weighted least squares in every replicate (svyglm).
        let tolerance = if key == "logit" { 1e-7 } else { 1e-9 };
        let case = format!("{name}_ciprop_{key}");
        want.check(checker, &case, "lower", interval.lower, tolerance);
        want.check(checker, &case, "upper", interval.upper, tolerance);
    }
    let test = design.rao_scott(&awards, &stype, 2, 3).unwrap();
    let case = format!("{name}_chisq");
    want.check(checker, &case, "F", test.statistic, 1e-9);
    want.check(checker, &case, "ndf", test.ndf, 1e-9);
    want.check(checker, &case, "ddf", test.ddf, 1e-9);
    want.check(checker, &case, "p", test.p_value, 1e-8);
    let degf = design.degrees_of_freedom();
    want.check(checker, &format!("{name}_degf"), "degf", degf, 1e-12);
    let q = design
        .quantile(
            &data.numbers("api00"),
            0.5,
            ConfidenceLevel::new(0.95).unwrap(),
        )
        .unwrap();
    want.check_quantile(checker, &format!("{name}_median"), &q, 1e-9);
}

#[test]
fn created_jackknives_match_as_svrepdesign() {
    let want = Values::load("replicate/expected.tsv");
    let mut checker = Checker::default();
    let clus = Data::load("replicate/apiclus1.csv");
    let jk1 = SampleDesign::new(clus.numbers("pw"))
        .unwrap()
        .with_clusters(&clus.column("dnum"))
        .unwrap()
        .with_fpc(&clus.numbers("fpc"))
        .unwrap()
        .replicate(ReplicateScheme::Jk1)
        .unwrap();
    assert_eq!(jk1.replicate_count(), 15);
    check_estimates(&mut checker, &want, "clus1_jk1", &jk1, &clus);
    let strat = Data::load("replicate/apistrat.csv");
    let jkn = SampleDesign::new(strat.numbers("pw"))
        .unwrap()
        .with_strata(&strat.column("stype"))
        .unwrap()
        .with_fpc(&strat.numbers("fpc"))
        .unwrap()
        .replicate(ReplicateScheme::Jkn)
        .unwrap();
    assert_eq!(jkn.replicate_method(), Some(ReplicateMethod::Jkn));
    check_estimates(&mut checker, &want, "strat_jkn", &jkn, &strat);
    checker.finish("created jackknife designs");
}

#[test]
fn created_half_samples_match_as_svrepdesign() {
    let want = Values::load("replicate/expected.tsv");
    let mut checker = Checker::default();
    let scd = Data::load("replicate/scd.csv");
    let base = SampleDesign::new(vec![1.0; 6])
        .unwrap()
        .with_strata(&scd.column("ESA"))
        .unwrap()
        .with_clusters(&scd.column("ambulance"))
        .unwrap();
    for (name, scheme) in [
        ("scd_brr", ReplicateScheme::Brr),
        ("scd_fay", ReplicateScheme::Fay { rho: 0.3 }),
    ] {
        let design = base.replicate(scheme).unwrap();
        let alive = scd.numbers("alive");
        let arrests = scd.numbers("arrests");
        let m = design.mean(&alive).unwrap();
        want.check(
            &mut checker,
            &format!("{name}_mean_alive"),
            "estimate",
            m.estimate,
            1e-12,
        );
        want.check(
            &mut checker,
            &format!("{name}_mean_alive"),
            "se",
            m.std_error,
            1e-9,
        );
        let t = design.total(&arrests).unwrap();
        let case = format!("{name}_total_arrests");
        want.check(&mut checker, &case, "estimate", t.estimate, 1e-12);
        want.check(&mut checker, &case, "se", t.std_error, 1e-9);
        let r = design.ratio(&alive, &arrests).unwrap();
        want.check(
            &mut checker,
            &format!("{name}_ratio"),
            "estimate",
            r.estimate,
            1e-12,
        );
        want.check(
            &mut checker,
            &format!("{name}_ratio"),
            "se",
            r.std_error,
            1e-9,
        );
        let degf = design.degrees_of_freedom();
        want.check(&mut checker, &format!("{name}_degf"), "degf", degf, 1e-12);
    }
    checker.finish("created half-sample designs");
}

#[test]
fn supplied_weights_match_svrepdesign() {
    let want = Values::load("replicate/expected.tsv");
    let mut checker = Checker::default();
    let boot = Data::load("replicate/supplied_boot.csv");
    let scale = want.get("boot_scale", "scale");
    let design = SampleDesign::new(boot.numbers("pw"))
        .unwrap()
        .with_replicate_weights(
            ReplicateWeights::new(ReplicateMethod::Bootstrap, boot.replicate_columns())
                .with_scale(scale),
        )
        .unwrap();
    check_estimates(&mut checker, &want, "boot", &design, &boot);
    let jk = Data::load("replicate/supplied_jk1.csv");
    let base = SampleDesign::new(jk.numbers("pw")).unwrap();
    let columns = jk.replicate_columns();
    let supplied =
        |weights: ReplicateWeights| base.clone().with_replicate_weights(weights).unwrap();
    let cases = [
        (
            "jk1s",
            supplied(ReplicateWeights::new(ReplicateMethod::Jk1, columns.clone())),
        ),
        (
            "jk1s_mse",
            supplied(ReplicateWeights::new(ReplicateMethod::Jk1, columns.clone()).with_mse(true)),
        ),
        (
            "sdr",
            supplied(ReplicateWeights::new(
                ReplicateMethod::SuccessiveDifference,
                columns.clone(),
            )),
        ),
        (
            "other",
            supplied(
                ReplicateWeights::new(ReplicateMethod::Other, columns.clone())
                    .with_scale(0.5)
                    .with_rscales((1..=15).map(|r| f64::from(r) / 15.0).collect()),
            ),
        ),
    ];
    for (name, design) in &cases {
        check_estimates(&mut checker, &want, name, design, &jk);
    }
    checker.finish("supplied replicate weights");
}

/// The Hadamard matrices behind BRR have the orders of R's `hadamard(n)` for 1 to 40 strata.
#[test]
fn half_samples_have_as_many_replicates_as_r() {
    // Through the public path: BRR on n strata of two PSUs gives as many replicates as R's
    // hadamard(n) has columns.
    let rows = common::load("replicate/hadamard.tsv");
    for n in 1..=40_usize {
        let order = rows.iter().filter(|r| r.u64("n") == n as u64).count();
        let strata: Vec<usize> = (0..2 * n).map(|k| k / 2).collect();
        let design = SampleDesign::new(vec![1.0; 2 * n])
            .unwrap()
            .with_strata(&strata)
            .unwrap()
            .replicate(ReplicateScheme::Brr)
            .unwrap();
        assert_eq!(design.replicate_count(), order, "{n} strata");
    }
}

#[test]
fn invalid_replicate_weights_are_refused() {
    let base = SampleDesign::new(vec![1.0; 3]).unwrap();
    let attach = |weights: ReplicateWeights| base.clone().with_replicate_weights(weights);
    assert!(matches!(
        attach(ReplicateWeights::new(
            ReplicateMethod::Jk1,
            vec![vec![1.0; 3]]
        )),
        Err(Error::TooFewValues { min: 2, .. })
    ));
    assert!(matches!(
        attach(ReplicateWeights::new(
            ReplicateMethod::Jk1,
            vec![vec![1.0; 3], vec![1.0; 2]]
        )),
        Err(Error::LengthMismatch {
            expected: 3,
            len: 2,
            ..
        })
    ));
    assert!(matches!(
        attach(ReplicateWeights::new(
            ReplicateMethod::Jk1,
            vec![vec![1.0; 3], vec![1.0, f64::INFINITY, 1.0]]
        )),
        Err(Error::InvalidReplicateWeight {
            replicate: 1,
            record: 1,
            ..
        })
    ));
    assert!(matches!(
        attach(ReplicateWeights::new(
            ReplicateMethod::Fay,
            vec![vec![1.0; 3]; 2]
        )),
        Err(Error::InvalidParameter { name: "rho", .. })
    ));
    assert!(matches!(
        attach(ReplicateWeights::new(
            ReplicateMethod::Jkn,
            vec![vec![1.0; 3]; 2]
        )),
        Err(Error::InvalidParameter {
            name: "rscales",
            ..
        })
    ));
    assert!(matches!(
        attach(ReplicateWeights::new(ReplicateMethod::Brr, vec![vec![1.0; 3]; 2]).with_scale(2.0)),
        Err(Error::InvalidParameter { name: "scale", .. })
    ));
    assert!(matches!(
        attach(
            ReplicateWeights::new(ReplicateMethod::Other, vec![vec![1.0; 3]; 2]).with_scale(0.0)
        ),
        Err(Error::NotPositive { .. })
    ));
    assert!(matches!(
        attach(
            ReplicateWeights::new(ReplicateMethod::Other, vec![vec![1.0; 3]; 2])
                .with_rscales(vec![1.0, -1.0])
        ),
        Err(Error::InvalidParameter {
            name: "rscales",
            ..
        })
    ));
    // Schemes that do not fit the design.
    let stratified = SampleDesign::new(vec![1.0; 6])
        .unwrap()
        .with_strata(&[1, 1, 1, 2, 2, 2])
        .unwrap();
    assert!(stratified.replicate(ReplicateScheme::Jk1).is_err());
    assert!(matches!(
        stratified.replicate(ReplicateScheme::Brr),
        Err(Error::InvalidParameter {
            name: "PSUs in a stratum",
            ..
        })
    ));
    assert!(base.replicate(ReplicateScheme::Jkn).is_err());
    assert!(matches!(
        base.replicate(ReplicateScheme::Bootstrap {
            replicates: 1,
            seed: 0
        }),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        base.replicate(ReplicateScheme::Fay { rho: 1.0 }),
        Err(Error::InvalidParameter { name: "rho", .. })
    ));
}

/// By column name: replicate weights read from a CSV export by their prefix, and a design-based
/// crosstab on them: shares and standard errors as R's `svyby(~awards, ~stype, d, svymean)`, the
/// Rao-Scott F as `svychisq`.
#[test]
fn runtime_replicate_weights_by_prefix_match_svrepdesign() {
    use survey_analytics::{CrosstabOptions, CrosstabSettings, CsvReader};
    let want = Values::load("replicate/expected.tsv");
    let mut checker = Checker::default();
    let responses = CsvReader::new()
        .read_path(fixture("replicate/supplied_jk1.csv"))
        .unwrap();
    let spec = ReplicateWeights::new(ReplicateMethod::Jk1, Vec::new()).with_scale(14.0 / 15.0);
    let (design, _) = responses
        .design()
        .weight("pw")
        .replicate_weights("rw", spec)
        .build()
        .unwrap();
    assert_eq!(design.replicate_count(), 15);
    // Every column tested, so that the table carries its Rao-Scott test.
    let settings = CrosstabSettings {
        min_base: 1,
        ..Default::default()
    };
    let table = responses
        .crosstab("awards")
        .by("stype")
        .options(CrosstabOptions::default().with_settings(settings))
        .design(&design)
        .run()
        .unwrap();
    let crosstab = &table.banners()[0];
    let yes = crosstab.rows().iter().find(|r| r.label == "Yes").unwrap();
    for (cell, level) in yes.cells.iter().zip(STYPES) {
        let case = format!("jk1s_awards_by_{level}");
        let share = cell.estimate.share.unwrap();
        want.check(&mut checker, &case, "estimate", share, 1e-12);
        want.check(&mut checker, &case, "se", cell.std_error.unwrap(), 1e-9);
    }
    let test = crosstab.design().unwrap().rao_scott.as_ref().unwrap();
    want.check(&mut checker, "jk1s_chisq", "F", test.statistic, 1e-9);
    want.check(&mut checker, "jk1s_chisq", "p", test.p_value, 1e-8);
    checker.finish("replicate weights by column name");
    // A prefix that names no column.
    let err = responses
        .design()
        .replicate_weights(
            "nope",
            ReplicateWeights::new(ReplicateMethod::Jk1, Vec::new()),
        )
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::UnknownColumn { .. }), "{err}");
}

/// Post-stratification, raking and calibration of a replicate design repeat the step in every
/// replicate (R's `postStratify`, `rake` and `calibrate` on an `svrepdesign`, with R's default
/// stopping rules): means, domain means and degrees of freedom as R's (1e-7 where R iterates the
/// calibration; its stopping rule leaves the replicates within 1e-7 of the totals).
#[test]
fn weighting_a_replicate_design_reweights_every_replicate() {
    use survey_analytics::{
        CalibrationFunction, CalibrationMargin, CalibrationOptions, CalibrationTargets,
        NumericAuxiliary, RakeOptions,
    };
    let want = Values::load("replicate/expected.tsv");
    let mut checker = Checker::default();
    let check = |checker: &mut Checker, name: &str, design: &SampleDesign, data: &Data| {
        let api00 = data.numbers("api00");
        let m = design.mean(&api00).unwrap();
        want.check(
            checker,
            &format!("{name}_mean_api00"),
            "estimate",
            m.estimate,
            1e-12,
        );
        want.check(
            checker,
            &format!("{name}_mean_api00"),
            "se",
            m.std_error,
            1e-9,
        );
        let by = design
            .domain_means(&api00, &data.codes("stype", &STYPES), 3)
            .unwrap();
        for (d, level) in STYPES.iter().enumerate() {
            let e = by.estimates()[d].unwrap();
            want.check(
                checker,
                &format!("{name}_by_{level}"),
                "estimate",
                e.estimate,
                1e-12,
            );
            want.check(
                checker,
                &format!("{name}_by_{level}"),
                "se",
                e.std_error,
                1e-9,
            );
        }
        let degf = design.degrees_of_freedom();
        want.check(checker, &format!("{name}_degf"), "degf", degf, 0.0);
    };
    let margin = |data: &Data, column: &str, levels: &[&str], totals: Vec<f64>| {
        let cells = data
            .codes(column, levels)
            .into_iter()
            .map(Option::unwrap)
            .collect();
        CalibrationMargin::new(cells, totals).unwrap()
    };
    let strat = Data::load("replicate/apistrat.csv");
    let jkn = SampleDesign::new(strat.numbers("pw"))
        .unwrap()
        .with_strata(&strat.column("stype"))
        .unwrap()
        .with_fpc(&strat.numbers("fpc"))
        .unwrap()
        .replicate(ReplicateScheme::Jkn)
        .unwrap();
    let awards = margin(&strat, "awards", &["No", "Yes"], vec![2500.0, 3694.0]);
    check(
        &mut checker,
        "ps_jkn",
        &jkn.post_stratify(&awards).unwrap(),
        &strat,
    );
    let clus = Data::load("replicate/apiclus1.csv");
    let jk1 = SampleDesign::new(clus.numbers("pw"))
        .unwrap()
        .with_clusters(&clus.column("dnum"))
        .unwrap()
        .with_fpc(&clus.numbers("fpc"))
        .unwrap()
        .replicate(ReplicateScheme::Jk1)
        .unwrap();
    let margins = [
        margin(&clus, "stype", &STYPES, vec![4421.0, 755.0, 1018.0]),
        margin(&clus, "awards", &["No", "Yes"], vec![2500.0, 3694.0]),
    ];
    let total: f64 = clus.numbers("pw").iter().sum();
    let (raked, _) = jk1.rake(&margins, &RakeOptions::r_defaults(total)).unwrap();
    check(&mut checker, "rk_jk1", &raked, &clus);
    // Calibration to the school types and the total api99: linear, and raking within bounds.
    let api99 = want.get("cal_population", "api99");
    let targets = CalibrationTargets::new()
        .population_size(6194.0)
        .margin(margin(&clus, "stype", &STYPES, vec![4421.0, 755.0, 1018.0]))
        .numeric(NumericAuxiliary::new(clus.numbers("api99"), api99).unwrap());
    let (linear, _) = jk1
        .calibrate_to(&targets, &CalibrationOptions::default())
        .unwrap();
    check(&mut checker, "cal_jk1", &linear, &clus);
    let raking = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.3, 3.0);
    let (bounded, _) = jk1.calibrate_to(&targets, &raking).unwrap();
    check(&mut checker, "calr_jk1", &bounded, &clus);
    checker.finish("weighted replicate designs");
}
