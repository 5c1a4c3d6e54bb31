//! Calibration (`SampleDesign::calibrate_to`) against R's survey package (4.1.1, R 4.2.2):
//! `fixtures/calibration/generate.R` calibrates the public `api` samples (`apiclus1.csv`, a
//! one-stage cluster sample; `apistrat.csv`, a stratified sample) and the crate's synthetic
//! survey (`fixtures/design/survey.csv`) with `calibrate(design, formula, population, calfun = ,
//! bounds = )`: linear, raking and logit, with and without bounds, on categorical (`~stype`) and
//! categorical plus numeric (`~stype + api99`, `~awards + api99`) auxiliaries, and without an
//! intercept (`~api99 - 1`). It writes every calibrated weight, `svymean`, `svytotal` and
//! `svyby` domain means with their standard errors, the design effect of the mean, the logit
//! and beta intervals of a share (`svyciprop`), the Rao-Scott F (`svychisq`) and the median
//! with its Woodruff interval (`svyquantile`) after
//! calibration, and records that tight bounds (`c(0.7, 1.5)`) make R fail to converge, as they
//! leave the totals out of reach, and a case where R fails although they are within reach
//! (`tiny.csv`).
//!
//! Tolerances: 1e-9 relative where R's answer is closed form (linear without bounds, R's
//! `regcalibrate`); 1e-7 where R iterates (`grake`, stopping at a misfit of 1e-7 relative);
//! p-values to 1e-8 at least.

mod common;

use common::{Checker, Values, fixture};
use survey_analytics::{
    CalibrationFunction, CalibrationMargin, CalibrationOptions, CalibrationTargets,
    ConfidenceLevel, DesignInterval, Error, NumericAuxiliary, SampleDesign,
};

type Table = (Vec<String>, Vec<csv::StringRecord>);

fn table(name: &str) -> Table {
    let mut reader = csv::Reader::from_path(fixture(name)).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

fn column<'a>(data: &'a Table, name: &str) -> Vec<&'a str> {
    let at = data.0.iter().position(|h| h == name).unwrap();
    data.1.iter().map(|r| r.get(at).unwrap()).collect()
}

fn numbers(data: &Table, name: &str) -> Vec<f64> {
    common::numbers(&column(data, name))
}

/// Each row's position among `levels`.
fn codes(data: &Table, name: &str, levels: &[&str]) -> Vec<usize> {
    let codes = common::codes(&column(data, name), levels);
    codes.into_iter().map(Option::unwrap).collect()
}

struct Case {
    name: &'static str,
    function: CalibrationFunction,
    bounds: Option<(f64, f64)>,
}

const fn case(
    name: &'static str,
    function: CalibrationFunction,
    bounds: Option<(f64, f64)>,
) -> Case {
    Case {
        name,
        function,
        bounds,
    }
}

fn options(case: &Case) -> CalibrationOptions {
    match case.bounds {
        Some((lower, upper)) => CalibrationOptions::bounded(case.function, lower, upper),
        None => CalibrationOptions {
            function: case.function,
            ..CalibrationOptions::default()
        },
    }
}

/// Checks one calibrated design against its case: weights, the mean of api00, the total of
/// enroll and the domain means of api00 by `by` (levels `levels`).
fn check_api(
    want: &Values,
    checker: &mut Checker,
    case: &Case,
    design: &SampleDesign,
    data: &Table,
    by: (&str, &[&str]),
) {
    let closed = case.function == CalibrationFunction::Linear && case.bounds.is_none();
    let tolerance = if closed { 1e-9 } else { 1e-7 };
    let name = case.name;
    assert_eq!(want.get(name, "fails"), 0.0, "{name}");
    let kind = if closed { "closed" } else { "iterated" };
    for (k, &w) in design.weights().iter().enumerate() {
        let expected = want.get(name, &format!("w{}", k + 1));
        checker.number(
            format!("{name}[{k}]/weight {kind}"),
            w,
            expected,
            tolerance,
            0.0,
        );
    }
    let sum: f64 = design.weights().iter().sum();
    want.check(checker, name, "sum_w", sum, tolerance);
    let api00 = numbers(data, "api00");
    let m = design.mean(&api00).unwrap();
    checker.number(
        format!("{name}/estimate {kind}"),
        m.estimate,
        want.get(name, "mean_api00"),
        tolerance,
        0.0,
    );
    checker.number(
        format!("{name}/se {kind}"),
        m.std_error,
        want.get(name, "mean_api00_se"),
        tolerance,
        0.0,
    );
    let t = design.total(&numbers(data, "enroll")).unwrap();
    checker.number(
        format!("{name}/total estimate {kind}"),
        t.estimate,
        want.get(name, "total_enroll"),
        tolerance,
        0.0,
    );
    checker.number(
        format!("{name}/total se {kind}"),
        t.std_error,
        want.get(name, "total_enroll_se"),
        tolerance,
        0.0,
    );
    let deff = m.deff.with_replacement.unwrap_or(f64::NAN);
    let expected = want.get(name, "deff_api00");
    checker.number(
        format!("{name}/deff {kind}"),
        deff,
        expected,
        tolerance,
        0.0,
    );
    // The share of award-winning schools: its logit and beta intervals (R's svyciprop), where R
    // gives them (calibrating to the awards margin fixes the share, and R's beta interval is NaN).
    let awards = codes(data, "awards", &["No", "Yes"]);
    let yes: Vec<Option<bool>> = awards.iter().map(|&a| Some(a == 1)).collect();
    let share = design.proportion(&yes).unwrap();
    for (method, key) in [
        (DesignInterval::Logit, "logit"),
        (DesignInterval::Beta, "beta"),
    ] {
        let interval = share
            .proportion_interval(method, ConfidenceLevel::NINETY_FIVE)
            .unwrap();
        for (bound, got) in [("lower", interval.lower), ("upper", interval.upper)] {
            let expected = want.get(name, &format!("ci_{key}_{bound}"));
            if !expected.is_nan() {
                let what = format!("{name}/ci {key} {bound} {kind}");
                checker.number(what, got, expected, tolerance, 0.0);
            }
        }
    }
    // Rao-Scott F of awards by school type (R's svychisq), p-values to 1e-8 at least.
    let stype = codes(data, "stype", &["E", "H", "M"]);
    let some = |c: Vec<usize>| c.into_iter().map(Some).collect::<Vec<_>>();
    let test = design
        .rao_scott(&some(awards.clone()), &some(stype), 2, 3)
        .unwrap();
    let expected = want.get(name, "chisq_F");
    checker.number(
        format!("{name}/chisq F {kind}"),
        test.statistic,
        expected,
        tolerance,
        0.0,
    );
    let expected = want.get(name, "chisq_p");
    let p_tolerance = tolerance.max(1e-8);
    checker.number(
        format!("{name}/chisq p {kind}"),
        test.p_value,
        expected,
        p_tolerance,
        0.0,
    );
    // The median with Woodruff's interval (svyquantile): the same school's score exactly (the
    // weights agree far more closely than the gaps between scores), its standard error as
    // everything else.
    let q = design
        .quantile(&api00, 0.5, ConfidenceLevel::NINETY_FIVE)
        .unwrap();
    for (key, got, relative) in [
        ("median", q.quantile, 0.0),
        ("median_lower", q.lower.unwrap_or(f64::NAN), 0.0),
        ("median_upper", q.upper.unwrap_or(f64::NAN), 0.0),
        ("median_se", q.std_error.unwrap_or(f64::NAN), tolerance),
    ] {
        let what = format!("{name}/{key} {kind}");
        checker.number(what, got, want.get(name, key), relative, 0.0);
    }
    let (by, levels) = by;
    let domains: Vec<Option<usize>> = codes(data, by, levels).into_iter().map(Some).collect();
    let d = design.domain_means(&api00, &domains, levels.len()).unwrap();
    for (j, level) in levels.iter().enumerate() {
        let e = d.estimates()[j].unwrap();
        checker.number(
            format!("{name}/by_{level} domain estimate {kind}"),
            e.estimate,
            want.get(name, &format!("by_{level}")),
            tolerance,
            0.0,
        );
        checker.number(
            format!("{name}/by_{level} domain se {kind}"),
            e.std_error,
            want.get(name, &format!("by_{level}_se")),
            tolerance,
            0.0,
        );
    }
}

#[test]
fn calibrated_weights_estimates_and_errors_match_r_calibrate() {
    use CalibrationFunction::{Linear, Logit, Raking};
    let want = Values::load("calibration/expected.tsv");
    let mut checker = Checker::default();

    // apiclus1: ~stype, ~stype + api99 and ~api99 - 1.
    let clus = table("calibration/apiclus1.csv");
    let design = SampleDesign::new(numbers(&clus, "pw"))
        .unwrap()
        .with_clusters(&column(&clus, "dnum"))
        .unwrap();
    let stype = CalibrationMargin::new(
        codes(&clus, "stype", &["E", "H", "M"]),
        vec![4421.0, 755.0, 1018.0],
    )
    .unwrap();
    let api99 = NumericAuxiliary::new(numbers(&clus, "api99"), 3_914_069.0).unwrap();
    let by = ("awards", &["No", "Yes"][..]);
    let only_stype = CalibrationTargets::new().margin(stype.clone());
    let both = CalibrationTargets::new()
        .margin(stype)
        .numeric(api99.clone());
    let ratio = CalibrationTargets::new().numeric(api99);
    let bounds = Some((0.6, 1.6));
    for (targets, case) in [
        (&only_stype, case("clus1_stype_linear", Linear, None)),
        (&both, case("clus1_linear", Linear, None)),
        (&both, case("clus1_linear_bounded", Linear, bounds)),
        (&both, case("clus1_raking", Raking, None)),
        (&both, case("clus1_raking_bounded", Raking, bounds)),
        (&both, case("clus1_logit_bounded", Logit, bounds)),
        (&ratio, case("clus1_ratio", Linear, None)),
    ] {
        let (calibrated, report) = design.calibrate_to(targets, &options(&case)).unwrap();
        assert!(report.largest_misfit < 1e-7, "{}: {report:?}", case.name);
        if let Some((lower, upper)) = case.bounds {
            assert!(
                report.min_ratio >= lower && report.max_ratio <= upper,
                "{}",
                case.name
            );
        }
        check_api(&want, &mut checker, &case, &calibrated, &clus, by);
    }
    // Bounds of (0.7, 1.5) cannot reach the totals: R fails to converge, and so do we.
    for function in [Linear, Raking, Logit] {
        let name = format!("clus1_fail_{function}");
        assert_eq!(want.get(&name, "fails"), 1.0);
        let err = design
            .calibrate_to(&both, &CalibrationOptions::bounded(function, 0.7, 1.5))
            .unwrap_err();
        let Error::CalibrationFailed {
            iterations, misfit, ..
        } = &err
        else {
            panic!("{name}: {err:?}");
        };
        assert!(*iterations == 50 && *misfit > 1e-7, "{name}: {err}");
        assert!(err.to_string().contains("widen the bounds"));
    }

    // apistrat: ~awards + api99.
    let strat = table("calibration/apistrat.csv");
    let design = SampleDesign::new(numbers(&strat, "pw"))
        .unwrap()
        .with_strata(&column(&strat, "stype"))
        .unwrap();
    let awards = CalibrationMargin::new(
        codes(&strat, "awards", &["No", "Yes"]),
        vec![2027.0, 4167.0],
    )
    .unwrap();
    let api99 = NumericAuxiliary::new(numbers(&strat, "api99"), 3_914_069.0).unwrap();
    let targets = CalibrationTargets::new().margin(awards).numeric(api99);
    let by = ("stype", &["E", "H", "M"][..]);
    let bounds = Some((0.9, 1.1));
    for case in [
        case("strat_linear", Linear, None),
        case("strat_linear_bounded", Linear, bounds),
        case("strat_raking_bounded", Raking, bounds),
        case("strat_logit_bounded", Logit, bounds),
    ] {
        let (calibrated, _) = design.calibrate_to(&targets, &options(&case)).unwrap();
        check_api(&want, &mut checker, &case, &calibrated, &strat, by);
    }

    // The synthetic survey: ~region + age + gender, three margins.
    let synth = table("design/survey.csv");
    let population = table("design/population.csv");
    let total = |variable: &str, level: &str| -> f64 {
        let (v, l, t) = (
            column(&population, "variable"),
            column(&population, "level"),
            numbers(&population, "total"),
        );
        (0..t.len())
            .find(|&i| v[i] == variable && l[i] == level)
            .map(|i| t[i])
            .unwrap()
    };
    let mut targets = CalibrationTargets::new();
    for (variable, levels) in [
        ("region", &["North", "South", "East", "West"][..]),
        ("age", &["18-34", "35-54", "55+"][..]),
        ("gender", &["F", "M"][..]),
    ] {
        let totals = levels.iter().map(|l| total(variable, l)).collect();
        targets = targets
            .margin(CalibrationMargin::new(codes(&synth, variable, levels), totals).unwrap());
    }
    let design = SampleDesign::new(numbers(&synth, "weight"))
        .unwrap()
        .with_strata(&column(&synth, "stratum"))
        .unwrap()
        .with_clusters(&column(&synth, "psu"))
        .unwrap();
    let leader: Vec<f64> = column(&synth, "role")
        .iter()
        .map(|r| f64::from(u8::from(*r == "Leader")))
        .collect();
    for case in [
        case("synth_raking", Raking, None),
        case("synth_linear_bounded", Linear, Some((0.5, 2.0))),
    ] {
        let (calibrated, _) = design.calibrate_to(&targets, &options(&case)).unwrap();
        let name = case.name;
        for (k, &w) in calibrated.weights().iter().enumerate() {
            let expected = want.get(name, &format!("w{}", k + 1));
            checker.number(
                format!("{name}[{k}]/weight iterated"),
                w,
                expected,
                1e-7,
                0.0,
            );
        }
        let m = calibrated.mean(&leader).unwrap();
        want.check(&mut checker, name, "mean_leader", m.estimate, 1e-7);
        want.check(&mut checker, name, "mean_leader_se", m.std_error, 1e-7);
    }
    checker.finish("calibration against R's calibrate");
}

/// Four respondents (`tiny.csv`, a case found by the property tests) whose totals come from
/// g-weights between 0.7 and 1.21: R's bounded raking (`bounds = c(0.5, 2)`) cycles and fails to
/// converge, although its unbounded raking converges to g-weights inside those bounds (0.50 to
/// 0.98), which therefore also solve the bounded problem. The damped method meets the totals
/// with R's unbounded weights. Tolerance 1e-7 relative: both sides iterate to a misfit of 1e-7.
#[test]
fn where_r_cycles_at_the_bounds_the_damped_method_meets_the_totals() {
    let want = Values::load("calibration/expected.tsv");
    assert_eq!(want.get("tiny_raking_bounded", "fails"), 1.0);
    assert_eq!(want.get("tiny_raking", "fails"), 0.0);
    let tiny = table("calibration/tiny.csv");
    let (w, x, f) = (
        numbers(&tiny, "w"),
        numbers(&tiny, "x"),
        numbers(&tiny, "f"),
    );
    let a = codes(&tiny, "a", &["0", "2"]);
    let goal: Vec<f64> = w.iter().zip(&f).map(|(w, f)| w * f).collect();
    let total = |values: &[f64]| -> f64 { goal.iter().zip(values).map(|(g, v)| g * v).sum() };
    let in_two: Vec<f64> = a.iter().map(|&c| c as f64).collect();
    let targets = CalibrationTargets::new()
        .margin(
            CalibrationMargin::new(a, vec![total(&[1.0; 4]) - total(&in_two), total(&in_two)])
                .unwrap(),
        )
        .numeric(NumericAuxiliary::new(x, total(&numbers(&tiny, "x"))).unwrap());
    let mut checker = Checker::default();
    for options in [
        CalibrationOptions::bounded(CalibrationFunction::Raking, 0.5, 2.0),
        CalibrationOptions {
            function: CalibrationFunction::Raking,
            ..CalibrationOptions::default()
        },
    ] {
        let (weights, report) = targets.calibrate_weights(&w, &options).unwrap();
        let bounded = options.bounds.0 > 0.0;
        // R's own iteration: it converges unbounded and fails bounded, here as in R.
        assert_eq!(report.damped, bounded, "{report:?}");
        assert!(report.largest_misfit < 1e-7 && report.min_ratio > 0.5 && report.max_ratio < 2.0);
        for (k, got) in weights.iter().enumerate() {
            let key = format!("w{}", k + 1);
            want.check(&mut checker, "tiny_raking", &key, *got, 1e-7);
        }
    }
    // Fewer iterations leave the damped method too few passes: R's failure is reported.
    let short = CalibrationOptions {
        max_iterations: 2,
        ..CalibrationOptions::bounded(CalibrationFunction::Raking, 0.5, 2.0)
    };
    let err = targets.calibrate_weights(&w, &short).unwrap_err();
    assert!(
        matches!(err, Error::CalibrationFailed { iterations: 2, .. }),
        "{err}"
    );
    checker.finish("the damped method against R's unbounded raking");
}

/// Invalid inputs are refused with the error that names them.
#[test]
fn invalid_inputs_are_refused_by_name() {
    let margin = || CalibrationMargin::new(vec![0, 0, 1, 1], vec![60.0, 40.0]).unwrap();
    let x = |total| NumericAuxiliary::new(vec![1.0, 2.0, 3.0, 4.0], total).unwrap();
    let weights = [10.0; 4];
    let default = CalibrationOptions::default();
    // Logit without finite bounds, as R's cal.logit.
    let logit = CalibrationOptions {
        function: CalibrationFunction::Logit,
        ..default
    };
    let targets = CalibrationTargets::new().margin(margin());
    assert!(matches!(
        targets.calibrate_weights(&weights, &logit),
        Err(Error::InvalidParameter { .. })
    ));
    // Bounds that exclude 1, NaN bounds, a tolerance of 0.
    for bounds in [(1.0, 2.0), (0.5, 1.0), (f64::NAN, 2.0), (2.0, 0.5)] {
        let options = CalibrationOptions { bounds, ..default };
        assert!(matches!(
            targets.calibrate_weights(&weights, &options),
            Err(Error::InvalidParameter { .. })
        ));
    }
    let options = CalibrationOptions {
        tolerance: 0.0,
        ..default
    };
    assert!(targets.calibrate_weights(&weights, &options).is_err());
    // Lengths, weights, NaN auxiliaries, negative category totals.
    assert!(matches!(
        targets.calibrate_weights(&[1.0; 3], &default),
        Err(Error::LengthMismatch {
            expected: 3,
            len: 4,
            ..
        })
    ));
    assert!(matches!(
        targets.calibrate_weights(&[1.0, f64::NAN, 1.0, 1.0], &default),
        Err(Error::InvalidWeight {
            record: Some(1),
            ..
        })
    ));
    assert!(matches!(
        NumericAuxiliary::new(vec![1.0, f64::NAN], 1.0),
        Err(Error::InvalidValue { record: 1, .. })
    ));
    assert!(CalibrationMargin::new(vec![0, 1], vec![1.0, -1.0]).is_err());
    // A population size that disagrees with the margin.
    let wrong = CalibrationTargets::new()
        .population_size(90.0)
        .margin(margin());
    assert!(matches!(
        wrong.calibrate_weights(&weights, &default),
        Err(Error::InconsistentMargins { total, first, .. }) if total == 100.0 && first == 90.0
    ));
    // A category with a population total but nobody in the sample.
    let empty = CalibrationTargets::new()
        .margin(CalibrationMargin::new(vec![0, 0, 0, 0], vec![60.0, 40.0]).unwrap());
    assert!(matches!(
        empty.calibrate_weights(&weights, &default),
        Err(Error::EmptyCalibrationCell { category: 1, .. })
    ));
    // Collinear auxiliaries: x is twice the category indicator.
    let twice = NumericAuxiliary::new(vec![0.0, 0.0, 2.0, 2.0], 80.0).unwrap();
    let collinear = CalibrationTargets::new().margin(margin()).numeric(twice);
    let err = collinear.calibrate_weights(&weights, &default).unwrap_err();
    assert!(
        matches!(&err, Error::CollinearAuxiliaries { auxiliary } if auxiliary.contains("numeric auxiliary 0")),
        "{err}"
    );
    // A numeric auxiliary zero for everyone with a weight but a non-zero total.
    let zero = NumericAuxiliary::new(vec![0.0; 4], 5.0).unwrap();
    assert!(matches!(
        CalibrationTargets::new()
            .numeric(zero)
            .calibrate_weights(&weights, &default),
        Err(Error::CollinearAuxiliaries { .. })
    ));
    // Unbounded linear calibration that would need negative weights.
    // (A mean of 3.5 on x of 1 to 4 from a sample mean of 2.5: g = 0.8 x - 1.)
    let far = CalibrationTargets::new()
        .population_size(40.0)
        .numeric(x(140.0));
    assert!(matches!(
        far.calibrate_weights(&weights, &default),
        Err(Error::Undefined { .. })
    ));
    // With a lower bound of 0, or by raking, the same totals are reached.
    let bounded = CalibrationOptions::bounded(CalibrationFunction::Linear, 0.0, 10.0);
    let raking = CalibrationOptions {
        function: CalibrationFunction::Raking,
        ..default
    };
    for options in [bounded, raking] {
        let (w, _) = far.calibrate_weights(&weights, &options).unwrap();
        assert!(w.iter().all(|&w| w >= 0.0));
        let x_total: f64 = w.iter().zip(1..).map(|(w, x)| w * f64::from(x)).sum();
        assert!((x_total - 140.0).abs() < 1e-4, "{options:?}: {x_total}");
    }
    // Unreachable whatever the weights: a mean of 5 on x of 1 to 4.
    let beyond = CalibrationTargets::new()
        .population_size(40.0)
        .numeric(x(200.0));
    for options in [bounded, raking] {
        assert!(matches!(
            beyond.calibrate_weights(&weights, &options),
            Err(Error::CalibrationFailed { .. })
        ));
    }
}

/// The edges: zero, subnormal and huge weights, one respondent, totals of zero, empty categories.
#[test]
fn edges_are_calibrated_or_refused_without_panicking() {
    let default = CalibrationOptions::default();
    let raking = CalibrationOptions {
        function: CalibrationFunction::Raking,
        ..default
    };
    // One respondent: the population size scales its weight.
    let one = CalibrationTargets::new().population_size(7.0);
    for options in [default, raking] {
        let (w, _) = one.calibrate_weights(&[2.0], &options).unwrap();
        assert!((w[0] - 7.0).abs() < 1e-6, "{options:?}");
    }
    // Zero weights stay zero and play no part.
    let margin = CalibrationMargin::new(vec![0, 1, 1, 0], vec![50.0, 50.0]).unwrap();
    let targets = CalibrationTargets::new().margin(margin);
    let (w, _) = targets
        .calibrate_weights(&[0.0, 1.0, 1.0, 1.0], &default)
        .unwrap();
    assert_eq!(w[0], 0.0);
    assert!((w[3] - 50.0).abs() < 1e-9 && (w[1] - 25.0).abs() < 1e-9);
    // A category empty in the sample and the population is dropped.
    let with_empty = CalibrationTargets::new()
        .margin(CalibrationMargin::new(vec![0, 2, 2, 0], vec![50.0, 0.0, 50.0]).unwrap());
    assert!(with_empty.calibrate_weights(&[1.0; 4], &default).is_ok());
    // Totals of zero: every weight would have to be zero.
    let nothing = CalibrationTargets::new().population_size(0.0);
    match nothing.calibrate_weights(&[1.0, 1.0], &default) {
        Ok((w, _)) => assert!(w.iter().all(|&w| w == 0.0)),
        Err(err) => panic!("{err}"),
    }
    // Raking approaches zero: R's measure stops it below 1e-7 in absolute terms.
    if let Ok((w, _)) = nothing.calibrate_weights(&[1.0, 1.0], &raking) {
        assert!(w.iter().sum::<f64>() < 1e-7);
    }
    // Subnormal and huge weights: calibrated or refused, never non-finite.
    for weights in [[5e-324, 1.0, 1.0, 1.0], [1e150, 1.0, 1.0, 1.0], [1e300; 4]] {
        for options in [default, raking] {
            if let Ok((w, _)) = targets.calibrate_weights(&weights, &options) {
                assert!(w.iter().all(|w| w.is_finite() && *w >= 0.0));
            }
        }
    }
    // Huge auxiliaries overflow X'WX: refused.
    let huge = NumericAuxiliary::new(vec![1e200, 1.0, 1.0, 1.0], 1e200).unwrap();
    assert!(
        CalibrationTargets::new()
            .numeric(huge)
            .calibrate_weights(&[1.0; 4], &default)
            .is_err()
    );
}

/// The runtime layer calibrates by column name, as `calibrate_to` does, and reports the step.
#[test]
fn design_builder_calibrates_by_column_name() {
    use survey_analytics::{Question, QuestionType, Questionnaire, Responses};
    let want = Values::load("calibration/expected.tsv");
    let clus = table("calibration/apiclus1.csv");
    let q = Questionnaire::new(vec![
        Question::numeric("pw"),
        Question::new("dnum", QuestionType::Identifier),
        Question::single(
            "stype",
            [("E", "Elementary"), ("H", "High"), ("M", "Middle")],
        ),
        Question::numeric("api99"),
    ])
    .unwrap();
    let r = Responses::builder(&q)
        .numbers("pw", numbers(&clus, "pw"))
        .values("dnum", column(&clus, "dnum"))
        .values("stype", column(&clus, "stype"))
        .numbers("api99", numbers(&clus, "api99"))
        .build()
        .unwrap();
    let builder = r
        .design()
        .weight("pw")
        .cluster("dnum")
        .calibrate_margin("stype", &[("E", 4421.0), ("High", 755.0), ("M", 1018.0)])
        .calibrate_numeric("api99", 3_914_069.0)
        .calibration_options(CalibrationOptions::bounded(
            CalibrationFunction::Raking,
            0.6,
            1.6,
        ));
    let (design, report) = builder.build().unwrap();
    assert!(report.is_none());
    let mut checker = Checker::default();
    for (k, &w) in design.weights().iter().enumerate() {
        let expected = want.get("clus1_raking_bounded", &format!("w{}", k + 1));
        checker.number(format!("builder[{k}]/weight"), w, expected, 1e-7, 0.0);
    }
    let m = design.mean(&numbers(&clus, "api00")).unwrap();
    want.check(
        &mut checker,
        "clus1_raking_bounded",
        "mean_api00_se",
        m.std_error,
        1e-7,
    );
    checker.finish("DesignBuilder calibration");
    let steps = builder.weighting_report(Some("stype")).unwrap().steps;
    let names: Vec<&str> = steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(names, ["weights", "calibrated"]);
    assert!((steps[1].overall.sum - 6194.0).abs() < 1e-3);
    // Raked first, then calibrated: both steps are reported.
    let both = r
        .design()
        .weight("pw")
        .rake("stype", &[("E", 4421.0), ("H", 755.0), ("M", 1018.0)])
        .calibrate_population(6194.0)
        .calibrate_numeric("api99", 3_914_069.0);
    let steps = both.weighting_report(None).unwrap().steps;
    let names: Vec<&str> = steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(names, ["weights", "raked", "calibrated"]);
    // Errors name the column and category.
    let err = r
        .design()
        .weight("pw")
        .calibrate_margin("stype", &[("E", 4421.0), ("H", 755.0), ("M", 1018.0)])
        .calibrate_numeric("api99", 3_914_069.0)
        .calibration_options(CalibrationOptions::bounded(
            CalibrationFunction::Linear,
            0.7,
            1.5,
        ))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::CalibrationFailed { auxiliary, .. } if auxiliary.contains("stype") || auxiliary.contains("api99") || auxiliary.contains("population size")),
        "{err}"
    );
}

/// Calibration on one margin is post-stratification, and raking calibration on several margins
/// is raking: the same weights and, for the first, the same standard errors (R's `calibrate` on
/// `~stype` and `postStratify` on `~stype` give the same variance too).
#[test]
fn calibration_generalises_post_stratification_and_raking() {
    let clus = table("calibration/apiclus1.csv");
    let design = SampleDesign::new(numbers(&clus, "pw"))
        .unwrap()
        .with_clusters(&column(&clus, "dnum"))
        .unwrap();
    let stype = CalibrationMargin::new(
        codes(&clus, "stype", &["E", "H", "M"]),
        vec![4421.0, 755.0, 1018.0],
    )
    .unwrap();
    let awards =
        CalibrationMargin::new(codes(&clus, "awards", &["No", "Yes"]), vec![2027.0, 4167.0])
            .unwrap();
    let api00 = numbers(&clus, "api00");
    let post = design.post_stratify(&stype).unwrap();
    let (calibrated, _) = design
        .calibrate_to(
            &CalibrationTargets::new().margin(stype.clone()),
            &CalibrationOptions::default(),
        )
        .unwrap();
    for (a, b) in post.weights().iter().zip(calibrated.weights()) {
        assert!((a - b).abs() <= 1e-12 * a, "{a} {b}");
    }
    let (a, b) = (post.mean(&api00).unwrap(), calibrated.mean(&api00).unwrap());
    assert!((a.std_error - b.std_error).abs() <= 1e-10 * a.std_error);
    let (raked, report) = design
        .rake(
            &[stype.clone(), awards.clone()],
            &survey_analytics::RakeOptions::default(),
        )
        .unwrap();
    assert!(report.converged);
    let raking = CalibrationOptions {
        function: CalibrationFunction::Raking,
        ..CalibrationOptions::default()
    };
    let targets = CalibrationTargets::new().margin(stype).margin(awards);
    let (calibrated, _) = design.calibrate_to(&targets, &raking).unwrap();
    for (a, b) in raked.weights().iter().zip(calibrated.weights()) {
        assert!((a - b).abs() <= 1e-6 * a, "{a} {b}");
    }
    // The variances differ in method (R's iterated projection for rake, the regression residual
    // for calibrate) but estimate the same thing.
    let (a, b) = (
        raked.mean(&api00).unwrap(),
        calibrated.mean(&api00).unwrap(),
    );
    assert!(
        (a.std_error - b.std_error).abs() <= 1e-3 * a.std_error,
        "{a:?} {b:?}"
    );
}
