//! Property tests of design-based estimation: equal weights without strata or clusters reduce to
//! the simple-random-sampling results, calibration reproduces its margins (recomputed from the
//! weights, not taken from the report), invalid inputs are refused with the error that names them,
//! and every estimate on every valid input respects the contract (finite, within its bounds).
//!
//! The strategies reach the edges: zero, subnormal (5e-324) and huge (1e150) weights; values that
//! are missing, subnormal, huge enough to overflow a weighted square, or infinite; one respondent
//! and one stratum per respondent; lonely PSUs under every option; empty domains; domain counts
//! of 0, 1, n - 1, n, `MAX_DOMAINS`, `MAX_DOMAINS + 1` and `usize::MAX`; levels of 1e-300 and
//! 1 - 1e-16.

use proptest::prelude::*;
use survey_analytics::*;

fn answers() -> impl Strategy<Value = Vec<(Option<bool>, usize, usize)>> {
    prop::collection::vec(
        (
            prop::option::weighted(0.9, any::<bool>()),
            0_usize..3,
            0_usize..4,
        ),
        2..200,
    )
}

/// A valid weight, edges over-represented.
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e-300),
        1 => Just(1e150),
        6 => 0.01_f64..100.0,
    ]
}

/// A value: missing (NaN), an edge, or ordinary; `infinite` adds infinities.
fn value(infinite: bool) -> impl Strategy<Value = f64> {
    let edges = prop_oneof![
        Just(f64::NAN),
        Just(0.0),
        Just(1.0),
        Just(5e-324),
        Just(-1e150),
        Just(1e160),
    ];
    let bad = if infinite {
        prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY)].boxed()
    } else {
        Just(0.5).boxed()
    };
    prop_oneof![3 => edges, 1 => bad, 6 => -5.0_f64..5.0]
}

fn level() -> impl Strategy<Value = ConfidenceLevel> {
    prop_oneof![Just(1e-300), Just(1.0 - 1e-16), Just(0.95), 0.5_f64..0.999]
        .prop_map(|l| ConfidenceLevel::new(l).unwrap())
}

const LONELY: [LonelyPsu; 5] = [
    LonelyPsu::Fail,
    LonelyPsu::Certainty,
    LonelyPsu::Remove,
    LonelyPsu::Adjust,
    LonelyPsu::Average,
];

/// A valid design: weights, strata (from one for all to one per respondent), clusters and a
/// lonely-PSU option.
fn design() -> impl Strategy<Value = (SampleDesign, Vec<usize>)> {
    (1_usize..40).prop_flat_map(|n| {
        (
            prop::collection::vec(weight(), n),
            prop_oneof![Just(1_usize), Just(2), Just(n), 1..=n],
            prop::collection::vec(0_usize..1000, n),
            prop::collection::vec(0_usize..4, n),
            0_usize..5,
        )
            .prop_filter_map(
                "weights that overflow",
                |(w, strata, draws, clusters, lonely)| {
                    let stratum: Vec<usize> = draws.iter().map(|d| d % strata).collect();
                    let design = SampleDesign::new(w)
                        .ok()?
                        .with_strata(&stratum)
                        .ok()?
                        .with_clusters(&clusters)
                        .ok()?
                        .with_lonely_psu(LONELY[lonely]);
                    Some((design, stratum))
                },
            )
    })
}

/// The checks an estimate must pass whenever it is returned.
fn sound(e: &DesignEstimate) -> std::result::Result<(), TestCaseError> {
    prop_assert!(e.estimate.is_finite(), "{e:?}");
    prop_assert!(e.std_error.is_finite() && e.std_error >= 0.0, "{e:?}");
    for d in [e.deff.with_replacement, e.deff.without_replacement]
        .into_iter()
        .flatten()
    {
        prop_assert!(d.is_finite() && d >= 0.0, "{e:?}");
    }
    prop_assert!(e.degrees_of_freedom.is_finite(), "{e:?}");
    prop_assert!(e.weight_sum.is_finite() && e.weight_sum >= 0.0, "{e:?}");
    Ok(())
}

/// The errors a design estimate may give for these values, of which those where `read` is true
/// are estimated: nothing estimable, the first infinite value read, weighted sums that overflow,
/// or lonely PSUs.
fn expected_error(err: &Error, values: &[f64], read: impl Fn(usize) -> bool) -> bool {
    let first_infinite = (0..values.len()).find(|&i| read(i) && values[i].is_infinite());
    match err {
        Error::InvalidValue { record, value, .. } => {
            first_infinite == Some(*record) && value.is_infinite()
        }
        Error::EmptyBase | Error::LonelyPsu { .. } | Error::Undefined { .. } => {
            first_infinite.is_none()
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn equal_weights_reduce_to_simple_random_sampling(
        rows in answers(),
        weight in prop_oneof![Just(1e-300), Just(1e150), Just(1.0), 0.5_f64..50.0],
    ) {
        let outcome: Vec<Option<bool>> = rows.iter().map(|r| r.0).collect();
        let design = SampleDesign::new(vec![weight; rows.len()]).unwrap();
        let answered: Vec<bool> = outcome.iter().flatten().copied().collect();
        prop_assume!(answered.len() >= 2);
        let n = answered.len() as f64;
        let p = answered.iter().filter(|&&b| b).count() as f64 / n;
        let estimate = design.proportion(&outcome).unwrap();
        prop_assert!((estimate.estimate - p).abs() < 1e-12);
        // With-replacement variance of a mean over the answered respondents, estimated as a domain of
        // all `rows` (unanswered ones count with zero weight, as in R's `na.rm = TRUE`):
        // N / (N - 1) * p (1 - p) / n, which is p (1 - p) / (n - 1) when everyone answered.
        let big_n = rows.len() as f64;
        let se = (big_n / (big_n - 1.0) * p * (1.0 - p) / n).sqrt();
        prop_assert!((estimate.std_error - se).abs() <= 1e-12 * se.max(1e-300), "{} vs {se}", estimate.std_error);
        prop_assert_eq!(estimate.degrees_of_freedom, n - 1.0);
        prop_assert!((design.kish_effective_base() - rows.len() as f64).abs() < 1e-9 * big_n);
        // Domain shares equal the counted shares of each group.
        let groups: Vec<Option<usize>> = rows.iter().map(|r| Some(r.1)).collect();
        let values: Vec<f64> = outcome.iter().map(|o| o.map_or(f64::NAN, |b| f64::from(u8::from(b)))).collect();
        let by_group = design.domain_means(&values, &groups, 3).unwrap();
        for g in 0..3 {
            let members: Vec<bool> = rows.iter().filter(|r| r.1 == g).filter_map(|r| r.0).collect();
            match by_group.estimates()[g] {
                Some(e) => {
                    let share = members.iter().filter(|&&b| b).count() as f64 / members.len() as f64;
                    prop_assert!((e.estimate - share).abs() < 1e-12);
                }
                None => prop_assert!(members.is_empty()),
            }
        }
    }

    #[test]
    fn calibration_reproduces_its_margins(rows in answers(), weights in prop::collection::vec(0.1_f64..10.0, 200)) {
        let n = rows.len();
        let design = SampleDesign::new(weights[..n].to_vec()).unwrap();
        // Population totals proportional to 1, 2, 3 (and 1..4): only categories present.
        let present = |codes: &[usize], k: usize| (0..k).map(|c| if codes.contains(&c) { (c + 1) as f64 * 100.0 } else { 0.0 }).collect::<Vec<_>>();
        let a: Vec<usize> = rows.iter().map(|r| r.1).collect();
        let b: Vec<usize> = rows.iter().map(|r| r.2).collect();
        let (ta, tb) = (present(&a, 3), present(&b, 4));
        let (sa, sb): (f64, f64) = (ta.iter().sum(), tb.iter().sum());
        let tb: Vec<f64> = tb.iter().map(|t| t * sa / sb).collect();
        let first = CalibrationMargin::new(a.clone(), ta.clone()).unwrap();
        let second = CalibrationMargin::new(b.clone(), tb.clone()).unwrap();
        // The weighted total of each category, recomputed from the weights.
        let margin_of = |weights: &[f64], codes: &[usize], k: usize| -> Vec<f64> {
            let mut sums = vec![0.0; k];
            for (w, &c) in weights.iter().zip(codes) {
                sums[c] += w;
            }
            sums
        };
        let post = design.post_stratify(&first).unwrap();
        for (sum, total) in margin_of(post.weights(), &a, 3).iter().zip(&ta) {
            prop_assert!((sum - total).abs() <= 1e-9 * total.max(1.0));
        }
        let (raked, report) = design.rake(&[first, second], &RakeOptions::default()).unwrap();
        let errors: Vec<f64> = margin_of(raked.weights(), &a, 3).iter().zip(&ta)
            .chain(margin_of(raked.weights(), &b, 4).iter().zip(&tb))
            .map(|(sum, total)| (sum - total).abs())
            .collect();
        let largest = errors.iter().copied().fold(0.0_f64, f64::max);
        // The report tells the truth about the margins...
        prop_assert!((report.largest_margin_error - largest).abs() <= 1e-9 * sa, "{report:?} vs {largest}");
        // ... and a converged raking meets them.
        if report.converged {
            prop_assert!(largest <= 1e-6 * sa, "{report:?}: {errors:?}");
        }
        let total: f64 = raked.weights().iter().sum();
        prop_assert!((total - sa).abs() <= 1e-9 * sa);
    }

    /// Weights with invalid entries are refused, naming the first invalid record.
    #[test]
    fn invalid_weights_are_refused_by_record(
        weights in prop::collection::vec(
            prop_oneof![weight(), Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-1.0), Just(-5e-324)],
            0..30,
        ),
    ) {
        let first_invalid = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0));
        let overflow = {
            let (s, q) = weights.iter().fold((0.0_f64, 0.0_f64), |(s, q), w| (s + w, q + w * w));
            !(s.is_finite() && q.is_finite())
        };
        match SampleDesign::new(weights.clone()) {
            Ok(design) => {
                prop_assert!(!weights.is_empty() && first_invalid.is_none() && !overflow);
                prop_assert_eq!(design.len(), weights.len());
            }
            Err(Error::TooFewValues { .. }) => prop_assert!(weights.is_empty()),
            Err(Error::InvalidWeight { record, value }) => {
                prop_assert_eq!(record, first_invalid);
                prop_assert!(value.is_nan() || value == weights[first_invalid.unwrap()]);
            }
            Err(Error::Undefined { .. }) => prop_assert!(first_invalid.is_none() && overflow),
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    /// Every estimate of a valid design is sound or refused with the error its input calls for.
    #[test]
    fn estimates_on_valid_designs_are_sound_or_refused_by_name(
        (design, strata) in design(),
        values in prop::collection::vec(value(true), 40),
        codes in prop::collection::vec(prop::option::of(0_usize..6), 40),
        count in prop_oneof![Just(0_usize), Just(1), Just(5), Just(6), Just(MAX_DOMAINS), Just(MAX_DOMAINS + 1), Just(usize::MAX)],
        level in level(),
    ) {
        let n = design.len();
        let (values, codes) = (&values[..n], &codes[..n]);
        for result in [design.mean(values), design.total(values)] {
            match result {
                Ok(e) => sound(&e)?,
                Err(e) => prop_assert!(expected_error(&e, values, |_| true), "{e} for {values:?}"),
            }
        }
        let outcome: Vec<Option<bool>> = values.iter().map(|v| (!v.is_nan()).then_some(*v > 0.0)).collect();
        match design.proportion(&outcome) {
            Ok(p) => {
                sound(&p)?;
                prop_assert!((0.0..=1.0).contains(&p.estimate));
                for method in DesignInterval::ALL {
                    match p.proportion_interval(*method, level) {
                        Ok(ci) => prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0, "{method}: {ci:?} for {p:?}"),
                        Err(e) => prop_assert!(matches!(e, Error::Undefined { .. }), "{method}: {e}"),
                    }
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::EmptyBase | Error::LonelyPsu { .. } | Error::Undefined { .. }), "{e}"),
        }
        match design.domain_means(values, codes, count) {
            Ok(domains) => {
                prop_assert!(count <= MAX_DOMAINS);
                prop_assert_eq!(domains.estimates().len(), count);
                for (d, estimate) in domains.estimates().iter().enumerate() {
                    if let Some(e) = estimate {
                        sound(e)?;
                    }
                    if count > 0 {
                        match domains.contrast(d, count - 1) {
                            Ok(c) => prop_assert!(c.estimate.is_finite() && c.std_error.is_finite() && c.std_error >= 0.0),
                            Err(e) => prop_assert!(matches!(e, Error::EmptyBase | Error::Undefined { .. }), "{e}"),
                        }
                    }
                }
                prop_assert!(domains.contrast(0, count).is_err());
            }
            Err(Error::CountTooLarge { .. }) => prop_assert!(count > MAX_DOMAINS),
            Err(Error::CategoryOutOfRange { index, .. }) => {
                prop_assert!(index >= count && codes.iter().flatten().any(|&c| c == index));
            }
            Err(e) => prop_assert!(expected_error(&e, values, |i| codes[i].is_some()), "{e}"),
        }
        // Rao-Scott on the codes and the strata as a second variable.
        let columns: Vec<Option<usize>> = strata.iter().map(|&s| Some(s % 3)).collect();
        match design.rao_scott(codes, &columns, 6, 3) {
            Ok(test) => {
                prop_assert!((0.0..=1.0).contains(&test.p_value) && (0.0..=1.0).contains(&test.p_chisq), "{test:?}");
                prop_assert!(test.statistic.is_finite() && test.statistic >= 0.0 && test.ndf > 0.0 && test.ddf > 0.0);
            }
            Err(e) => prop_assert!(matches!(e, Error::TooFewValues { .. } | Error::Undefined { .. } | Error::LonelyPsu { .. }), "{e}"),
        }
        // Crosstabs of the codes by the strata-derived groups, single and multiple choice.
        let answers = Categories::new("a", ["0", "1", "2", "3", "4", "5"]).unwrap();
        let groups = Categories::new("g", ["0", "1", "2"]).unwrap();
        let options = CrosstabOptions::default().min_base(2).level(level);
        for interval in DesignInterval::ALL {
            let options = options.clone().design_interval(*interval);
            match Crosstab::from_design(&design, &answers, &groups, codes, &columns, &options) {
                Ok(table) => {
                    for cell in table.rows().iter().flat_map(|r| &r.cells) {
                        if let (Some(share), Some(ci)) = (cell.estimate.share, cell.estimate.interval) {
                            prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0 && (0.0..=1.0).contains(&share), "{interval}: {cell:?}");
                        }
                        prop_assert!(cell.std_error.is_none_or(|s| s.is_finite() && s >= 0.0));
                        prop_assert!(cell.deff.is_none_or(|d| d.is_finite() && d >= 0.0));
                    }
                    let _ = table.to_text();
                }
                Err(e) => prop_assert!(matches!(e, Error::LonelyPsu { .. } | Error::Undefined { .. }), "{interval}: {e}"),
            }
        }
        let chosen: Vec<Option<Vec<usize>>> = codes.iter().map(|c| c.map(|x| vec![x, (x + 1) % 6])).collect();
        if let Err(e) = Crosstab::from_design_multi(&design, &answers, &groups, &chosen, &columns, &options) {
            prop_assert!(matches!(e, Error::LonelyPsu { .. } | Error::Undefined { .. }), "{e}");
        }
    }

    /// Weighting on valid designs: results with finite non-negative weights, or a typed error.
    #[test]
    fn weighting_keeps_weights_valid(
        (design, strata) in design(),
        totals in prop::collection::vec(prop_oneof![Just(0.0), Just(1e-300), Just(1e150), 1.0_f64..1e4], 3),
        bounds in (prop_oneof![Just(f64::NAN), Just(0.0), 0.0_f64..10.0], prop_oneof![Just(f64::INFINITY), 0.0_f64..100.0]),
        strict in any::<bool>(),
    ) {
        let n = design.len();
        let cells: Vec<usize> = strata.iter().map(|s| s % 3).collect();
        let valid = |d: &SampleDesign| d.weights().len() == n && d.weights().iter().all(|w| w.is_finite() && *w >= 0.0);
        let margin = CalibrationMargin::new(cells.clone(), totals.clone()).unwrap();
        match design.post_stratify(&margin) {
            Ok(post) => prop_assert!(valid(&post)),
            Err(e) => prop_assert!(matches!(e, Error::EmptyCalibrationCell { .. } | Error::Undefined { .. }), "{e}"),
        }
        let scaled: Vec<f64> = totals.iter().rev().copied().collect();
        let other = CalibrationMargin::new(cells.iter().map(|c| 2 - c).collect(), scaled).unwrap();
        let options = RakeOptions { max_iterations: 50, relative_tolerance: 1e-12 };
        match design.rake(&[margin, other], &options) {
            Ok((raked, report)) => {
                prop_assert!(valid(&raked));
                prop_assert!(report.iterations <= 50 && report.largest_margin_error.is_finite());
            }
            Err(e) => prop_assert!(matches!(e, Error::EmptyCalibrationCell { .. } | Error::Undefined { .. } | Error::InconsistentMargins { .. }), "{e}"),
        }
        match design.trim_weights(bounds.0, bounds.1, strict) {
            Ok(trimmed) => {
                prop_assert!(valid(&trimmed));
                let (before, after): (f64, f64) = (design.weights().iter().sum(), trimmed.weights().iter().sum());
                prop_assert!((before - after).abs() <= 1e-9 * before.max(1e-300), "{before} vs {after}");
                if strict {
                    prop_assert!(trimmed.weights().iter().all(|w| *w >= bounds.0 && *w <= bounds.1));
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::InvalidParameter { .. } | Error::Undefined { .. }), "{e}"),
        }
    }
}

#[test]
fn invalid_designs_are_refused_with_their_reason() {
    let design = SampleDesign::new(vec![1.0; 4]).unwrap();
    assert!(matches!(
        design.clone().with_strata(&[1, 2]).unwrap_err(),
        Error::LengthMismatch { .. }
    ));
    // Two strata with one cluster each: the default refuses, naming the stratum.
    let lonely = design
        .clone()
        .with_strata(&["x", "x", "y", "y"])
        .unwrap()
        .with_clusters(&[1, 1, 2, 2])
        .unwrap();
    let err = lonely.mean(&[1.0, 0.0, 1.0, 1.0]).unwrap_err();
    assert!(
        matches!(err, Error::LonelyPsu { ref stratum } if stratum == "x"),
        "{err}"
    );
    // Inconsistent raking margins and empty calibration cells.
    let a = CalibrationMargin::new(vec![0, 0, 1, 1], vec![10.0, 10.0]).unwrap();
    let b = CalibrationMargin::new(vec![0, 1, 0, 1], vec![10.0, 11.0]).unwrap();
    assert!(matches!(
        design.rake(&[a, b], &RakeOptions::default()).unwrap_err(),
        Error::InconsistentMargins { .. }
    ));
    let empty = CalibrationMargin::new(vec![0, 0, 0, 0], vec![10.0, 10.0]).unwrap();
    assert!(matches!(
        design.post_stratify(&empty).unwrap_err(),
        Error::EmptyCalibrationCell { category: 1, .. }
    ));
}
