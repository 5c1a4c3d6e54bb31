//! Two-stage designs with finite population corrections at both stages against R's survey
//! package (4.1.1, R 4.2.2) on its public `apiclus2` data (40 of California's 757 school districts,
//! then up to 5 schools in each): `fixtures/fpc/generate.R` writes `apiclus2.csv` and
//! `two_stage.tsv` from `svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)`:
//! `svymean` (with design effects) and `svytotal` of api00 and enroll (with missing values),
//! `svyby` domain means by school type with their covariance, the shares of the school types and
//! the intervals of a share (`svyciprop`: logit, beta, asin, mean),
//! `svyratio`, `svychisq` (second-order F and first-order corrected chi-square), the same design
//! with fractions for fpc, with a second stage sampled whole (one stage), and with a second stage
//! sampled with replacement under two lonely-PSU options; the same shares and test through the
//! crosstab (`Crosstab::from_design`) and by column name (`DesignBuilder`); a post-stratified
//! mean (`postStratify` by school type); and a lonely stratum
//! under "adjust" with an fpc (apistrat). Tolerances: 1e-12 relative for
//! estimates, 1e-9 for standard errors, covariances, design effects and test statistics (R's
//! linearisation), 1e-8 for p-values.

mod common;

use common::{Checker, Values, fixture};
use survey_analytics::{ConfidenceLevel, DesignInterval, Error, LonelyPsu, SampleDesign};

struct Data {
    header: Vec<String>,
    records: Vec<csv::StringRecord>,
}

impl Data {
    fn load() -> Self {
        let mut reader = csv::Reader::from_path(fixture("fpc/apiclus2.csv")).unwrap();
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        let records = reader.records().map(Result::unwrap).collect();
        Self { header, records }
    }

    fn column(&self, name: &str) -> Vec<&str> {
        let at = self.header.iter().position(|h| h == name).unwrap();
        self.records.iter().map(|r| r.get(at).unwrap()).collect()
    }

    /// Numbers; an empty field (R's NA) is missing: NaN.
    fn numbers(&self, name: &str) -> Vec<f64> {
        common::numbers(&self.column(name))
    }

    /// The codes of a column's values among `levels`.
    fn codes(&self, name: &str, levels: &[&str]) -> Vec<Option<usize>> {
        common::codes(&self.column(name), levels)
    }

    /// Districts then schools, weighted as R weights `d2`, without any correction.
    fn clusters(&self) -> SampleDesign {
        SampleDesign::new(self.numbers("w"))
            .unwrap()
            .with_clusters(&self.column("dnum"))
            .unwrap()
    }

    /// `svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2)`.
    fn design(&self) -> SampleDesign {
        self.clusters()
            .with_fpc(&self.numbers("fpc1"))
            .unwrap()
            .with_second_stage_clusters(&self.column("snum"))
            .unwrap()
            .with_second_stage_fpc(&self.numbers("fpc2"))
            .unwrap()
    }
}

#[test]
fn two_stage_estimates_match_svydesign_with_two_fpcs() {
    let want = Values::load("fpc/two_stage.tsv");
    let mut checker = Checker::default();
    let data = Data::load();
    let design = data.design();
    assert!(design.has_second_stage());
    assert_eq!(design.degrees_of_freedom(), 39.0); // R's degf(d2): 40 districts - 1
    let fractions = data
        .clusters()
        .with_fpc(&data.numbers("f1"))
        .unwrap()
        .with_second_stage_clusters(&data.column("snum"))
        .unwrap()
        .with_second_stage_fpc(&data.numbers("f2"))
        .unwrap();
    let one_stage = data.clusters().with_fpc(&data.numbers("fpc1")).unwrap();
    // The second stage sampled whole (fraction 1) adds nothing: the one-stage design.
    let whole = data
        .clusters()
        .with_fpc(&data.numbers("fpc1"))
        .unwrap()
        .with_second_stage_clusters(&data.column("snum"))
        .unwrap()
        .with_second_stage_fpc(&vec![1.0; design.len()])
        .unwrap();
    // The second stage with replacement: no second-stage fpc (R: fpc = ~fpc1 + Inf).
    let replaced = data
        .clusters()
        .with_fpc(&data.numbers("fpc1"))
        .unwrap()
        .with_second_stage_clusters(&data.column("snum"))
        .unwrap();
    for y in ["api00", "enroll"] {
        let values = data.numbers(y);
        let case = format!("clus2_{y}");
        let m = design.mean(&values).unwrap();
        want.check(&mut checker, &case, "estimate", m.estimate, 1e-12);
        want.check(&mut checker, &case, "se", m.std_error, 1e-9);
        let deff = m.deff.without_replacement.unwrap();
        want.check(&mut checker, &case, "deff", deff, 1e-9);
        let deff = m.deff.with_replacement.unwrap();
        want.check(&mut checker, &case, "deff_replace", deff, 1e-9);
        let t = design.total(&values).unwrap();
        want.check(&mut checker, &case, "total", t.estimate, 1e-12);
        want.check(&mut checker, &case, "total_se", t.std_error, 1e-9);
        let se = fractions.mean(&values).unwrap().std_error;
        want.check(&mut checker, &format!("clus2_frac_{y}"), "se", se, 1e-9);
        let case = format!("clus2_one_{y}");
        want.check(
            &mut checker,
            &case,
            "se",
            one_stage.mean(&values).unwrap().std_error,
            1e-9,
        );
        want.check(
            &mut checker,
            &case,
            "se",
            whole.mean(&values).unwrap().std_error,
            1e-9,
        );
        for (option, lonely) in [
            ("certainty", LonelyPsu::Certainty),
            ("adjust", LonelyPsu::Adjust),
        ] {
            let se = replaced
                .clone()
                .with_lonely_psu(lonely)
                .mean(&values)
                .unwrap()
                .std_error;
            want.check(
                &mut checker,
                &format!("clus2_wr2_{option}_{y}"),
                "se",
                se,
                1e-9,
            );
        }
        // 10 districts have a single school: R stops under "fail", and so does the crate.
        assert!(matches!(
            replaced.mean(&values),
            Err(Error::LonelyPsu { .. })
        ));
    }
    // Domain means by school type, with their covariance.
    let stypes = ["E", "H", "M"];
    let stype = data.codes("stype", &stypes);
    let by = design
        .domain_means(&data.numbers("api00"), &stype, 3)
        .unwrap();
    for (d, s) in stypes.iter().enumerate() {
        let e = by.estimates()[d].unwrap();
        let case = format!("clus2_by_stype_{s}");
        want.check(&mut checker, &case, "estimate", e.estimate, 1e-12);
        want.check(&mut checker, &case, "se", e.std_error, 1e-9);
    }
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        let key = format!("{}_{}", stypes[a], stypes[b]);
        let cov = by.covariance(a, b).unwrap();
        want.check(&mut checker, "clus2_by_stype_cov", &key, cov, 1e-9);
    }
    // The shares of the school types (svymean of a factor).
    for (d, s) in stypes.iter().enumerate() {
        let indicator: Vec<f64> = stype.iter().map(|&c| f64::from(c == Some(d))).collect();
        let m = design.mean(&indicator).unwrap();
        let case = format!("clus2_share_{s}");
        want.check(&mut checker, &case, "estimate", m.estimate, 1e-12);
        want.check(&mut checker, &case, "se", m.std_error, 1e-9);
    }
    // The share of award-winning schools and its intervals (svyciprop).
    let yes: Vec<Option<bool>> = data
        .codes("awards", &["No", "Yes"])
        .iter()
        .map(|a| a.map(|a| a == 1))
        .collect();
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
        let case = format!("clus2_ciprop_{key}");
        want.check(&mut checker, &case, "lower", interval.lower, 1e-9);
        want.check(&mut checker, &case, "upper", interval.upper, 1e-9);
    }
    // Students tested per enrolled student.
    let r = design
        .ratio(&data.numbers("api.stu"), &data.numbers("enroll"))
        .unwrap();
    want.check(&mut checker, "clus2_ratio", "estimate", r.estimate, 1e-12);
    want.check(&mut checker, "clus2_ratio", "se", r.std_error, 1e-9);
    // The median with Woodruff's interval (`svyquantile`): the same school exactly, the standard
    // error of both stages to 1e-9.
    let q = design
        .quantile(
            &data.numbers("api00"),
            0.5,
            survey_analytics::ConfidenceLevel::NINETY_FIVE,
        )
        .unwrap();
    want.check_quantile(&mut checker, "clus2_median", &q, 1e-9);
    // Rao-Scott tests of school type by awards.
    let awards = data.codes("awards", &["No", "Yes"]);
    let test = design.rao_scott(&stype, &awards, 3, 2).unwrap();
    let case = "clus2_chisq";
    want.check(&mut checker, case, "f_statistic", test.statistic, 1e-9);
    want.check(&mut checker, case, "ndf", test.ndf, 1e-9);
    want.check(&mut checker, case, "ddf", test.ddf, 1e-9);
    want.check(&mut checker, case, "f_p_value", test.p_value, 1e-8);
    want.check(&mut checker, case, "pearson", test.pearson, 1e-9);
    want.check(&mut checker, case, "chisq_adjusted", test.chisq, 1e-9);
    want.check(&mut checker, case, "chisq_p_value", test.p_chisq, 1e-8);
    // Post-stratified to California's schools by type: the residuals go through both stages.
    let cells: Vec<usize> = stype.iter().map(|c| c.unwrap()).collect();
    let margin = survey_analytics::CalibrationMargin::new(cells, vec![4421.0, 755.0, 1018.0]);
    let post = design.post_stratify(&margin.unwrap()).unwrap();
    let m = post.mean(&data.numbers("api00")).unwrap();
    want.check(
        &mut checker,
        "clus2_poststrat",
        "estimate",
        m.estimate,
        1e-12,
    );
    want.check(&mut checker, "clus2_poststrat", "se", m.std_error, 1e-9);
    checker.finish("two-stage designs");
}

/// The design by column name: `Responses::design()` with the second stage's cluster and fpc
/// columns gives R's estimates.
#[test]
fn two_stage_designs_by_column_name_match_r() {
    use survey_analytics::{CsvReader, Question, QuestionType, Questionnaire};
    let want = Values::load("fpc/two_stage.tsv");
    let q = Questionnaire::new(vec![
        Question::new("dnum", QuestionType::Identifier),
        Question::new("snum", QuestionType::Identifier),
        Question::numeric("w"),
        Question::numeric("fpc1"),
        Question::numeric("fpc2"),
        Question::numeric("api00"),
    ])
    .unwrap();
    let r = CsvReader::new()
        .questionnaire(&q)
        .read_path(fixture("fpc/apiclus2.csv"))
        .unwrap();
    let (design, _) = r
        .design()
        .weight("w")
        .cluster("dnum")
        .fpc("fpc1")
        .second_stage_cluster("snum")
        .second_stage_fpc("fpc2")
        .build()
        .unwrap();
    assert!(design.has_second_stage());
    let m = design.mean(&r.numbers("api00").unwrap()).unwrap();
    let mut checker = Checker::default();
    want.check(&mut checker, "clus2_api00", "estimate", m.estimate, 1e-12);
    want.check(&mut checker, "clus2_api00", "se", m.std_error, 1e-9);
    // Schools are the records: the second-stage fpc alone makes each record its unit.
    let (records, _) = r
        .design()
        .weight("w")
        .cluster("dnum")
        .fpc("fpc1")
        .second_stage_fpc("fpc2")
        .build()
        .unwrap();
    let m = records.mean(&r.numbers("api00").unwrap()).unwrap();
    want.check(&mut checker, "clus2_api00", "se", m.std_error, 1e-9);
    checker.finish("two-stage designs by column name");
}

/// Second-stage units need first-stage clusters; their fpc is checked as the first stage's is,
/// within PSUs; PSUs set after the second stage re-derive it.
#[test]
fn second_stages_are_checked() {
    let base = SampleDesign::new(vec![1.0; 6]).unwrap();
    assert!(matches!(
        base.clone().with_second_stage_clusters(&[1, 2, 1, 2, 1, 2]),
        Err(Error::Undefined { .. })
    ));
    assert!(matches!(
        base.clone().with_second_stage_fpc(&[4.0; 6]),
        Err(Error::Undefined { .. })
    ));
    let design = base.with_clusters(&[1, 1, 1, 2, 2, 2]).unwrap();
    assert!(matches!(
        design.clone().with_second_stage_clusters(&[1, 2]),
        Err(Error::LengthMismatch { .. })
    ));
    for (record, bad) in [(2, f64::NAN), (4, -1.0), (5, f64::INFINITY)] {
        let mut fpc = vec![4.0; 6];
        fpc[record] = bad;
        assert!(matches!(
            design.clone().with_second_stage_fpc(&fpc),
            Err(Error::InvalidValue { record: r, .. }) if r == record
        ));
    }
    // Varying within a PSU: named by the first record that differs.
    assert!(matches!(
        design
            .clone()
            .with_second_stage_fpc(&[4.0, 4.0, 4.0, 5.0, 6.0, 5.0]),
        Err(Error::InvalidValue { record: 4, .. })
    ));
    // Re-clustering re-checks: the values differed between PSUs, now within one.
    let two = design
        .clone()
        .with_second_stage_fpc(&[4.0, 4.0, 4.0, 5.0, 5.0, 5.0])
        .unwrap();
    assert!(matches!(
        two.with_clusters(&[1; 6]),
        Err(Error::InvalidValue { record: 3, .. })
    ));
    // A population below the sample is refused when a variance is computed (with a first-stage
    // fraction, so that the second stage counts).
    let small = design
        .clone()
        .with_fpc(&[0.5; 6])
        .unwrap()
        .with_second_stage_fpc(&[2.0; 6])
        .unwrap();
    assert!(matches!(
        small.mean(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        Err(Error::InvalidParameter {
            name: "second-stage fpc",
            ..
        })
    ));
    // A PSU with a single second-stage unit.
    let lonely = design
        .with_fpc(&[0.5; 6])
        .unwrap()
        .with_second_stage_clusters(&[1, 2, 3, 7, 7, 7])
        .unwrap();
    let y = [1.0, 2.0, 3.0, 4.0, 5.0, 7.0];
    assert!(
        matches!(lonely.mean(&y), Err(Error::LonelyPsu { ref stratum }) if stratum.contains("record 3"))
    );
    assert!(matches!(
        lonely.clone().with_lonely_psu(LonelyPsu::Average).mean(&y),
        Err(Error::Undefined { .. })
    ));
    let certain = lonely.clone().with_lonely_psu(LonelyPsu::Certainty);
    let removed = lonely.clone().with_lonely_psu(LonelyPsu::Remove);
    let adjusted = lonely.with_lonely_psu(LonelyPsu::Adjust);
    let (c, r, a) = (
        certain.mean(&y).unwrap().std_error,
        removed.mean(&y).unwrap().std_error,
        adjusted.mean(&y).unwrap().std_error,
    );
    assert_eq!(c, r);
    assert!(a > c);
}

/// A lonely unit under [`LonelyPsu::Adjust`] adds its total squared times `1 - f`, at the first
/// stage as at the second (R's `onestrat`): schools 1-5 and 101 of `apistrat.csv` in a stratum
/// of 5 schools of 10 and a lonely one of 1 of 4.
#[test]
fn lonely_units_adjusted_keep_their_correction() {
    let want = Values::load("fpc/two_stage.tsv");
    let mut reader = csv::Reader::from_path(fixture("fpc/apistrat.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let number = |k: usize, name: &str| -> f64 {
        let at = header.iter().position(|h| h == name).unwrap();
        records[k].get(at).unwrap().parse().unwrap()
    };
    let rows = [0, 1, 2, 3, 4, 100];
    let design = SampleDesign::new(rows.iter().map(|&k| number(k, "pw")).collect())
        .unwrap()
        .with_strata(&[1, 1, 1, 1, 1, 2])
        .unwrap()
        .with_lonely_psu(LonelyPsu::Adjust);
    let y: Vec<f64> = rows.iter().map(|&k| number(k, "api00")).collect();
    let mut checker = Checker::default();
    let se = design.mean(&y).unwrap().std_error;
    want.check(&mut checker, "lonely_adjust", "se_nofpc", se, 1e-9);
    let corrected = design
        .with_fpc(&[10.0, 10.0, 10.0, 10.0, 10.0, 4.0])
        .unwrap();
    let se = corrected.mean(&y).unwrap().std_error;
    want.check(&mut checker, "lonely_adjust", "se", se, 1e-9);
    checker.finish("lonely units adjusted");
}

/// The crosstab of school type by awards under the two-stage design: each cell's share of its
/// column is a domain share and the omnibus test is R's `svychisq`; the shares of the whole
/// sample (one group) are R's `svymean(~stype, d2)`.
#[test]
fn two_stage_crosstabs_match_svychisq_and_shares() {
    use survey_analytics::{Categories, Crosstab, CrosstabOptions};
    let want = Values::load("fpc/two_stage.tsv");
    let data = Data::load();
    let design = data.design();
    let stypes = ["E", "H", "M"];
    let answers = Categories::new("stype", stypes).unwrap();
    let stype = data.codes("stype", &stypes);
    let mut checker = Checker::default();
    let everyone = Categories::new("all", ["all"]).unwrap();
    let options = CrosstabOptions::default();
    let table = Crosstab::from_design(
        &design,
        &answers,
        &everyone,
        &stype,
        &vec![Some(0); design.len()],
        &options,
    )
    .unwrap();
    for (row, s) in table.rows().iter().zip(stypes) {
        let cell = &row.cells[0];
        let case = format!("clus2_share_{s}");
        want.check(
            &mut checker,
            &case,
            "estimate",
            cell.estimate.share.unwrap(),
            1e-12,
        );
        want.check(&mut checker, &case, "se", cell.std_error.unwrap(), 1e-9);
    }
    let awards = Categories::new("awards", ["No", "Yes"]).unwrap();
    let by = data.codes("awards", &["No", "Yes"]);
    let table = Crosstab::from_design(&design, &answers, &awards, &stype, &by, &options).unwrap();
    let test = table.design().unwrap().rao_scott.unwrap();
    want.check(
        &mut checker,
        "clus2_chisq",
        "f_statistic",
        test.statistic,
        1e-9,
    );
    want.check(&mut checker, "clus2_chisq", "f_p_value", test.p_value, 1e-8);
    want.check(
        &mut checker,
        "clus2_chisq",
        "chisq_adjusted",
        test.chisq,
        1e-9,
    );
    checker.finish("two-stage crosstabs");
}
