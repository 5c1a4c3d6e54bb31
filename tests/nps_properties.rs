//! Property tests of the Net Promoter Score's contract, in the style of `tests/properties.rs`: no
//! panic on any input (counts 0 to `u64::MAX`, any double as a weighted sum or effective base);
//! anything refused is refused with the documented error; an `Ok` result has finite numbers,
//! ordered bounds within [-1, 1] (a difference within [-2, 2]) around the estimate, p-values in
//! [0, 1]; and exchanging promoters and detractors negates the estimate and mirrors every
//! interval exactly. No tolerances: these are exact rules.

use proptest::prelude::*;
use survey_analytics::*;

const TWO_53: u64 = 1 << 53;

/// A count for one group: zero, small, large, and the huge edges.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0_u64),
        4 => 0_u64..20,
        2 => 0_u64..10_000_000,
        1 => Just(TWO_53),
        1 => Just(TWO_53 + 1),
        1 => Just(u64::MAX / 3),
        1 => Just(u64::MAX),
        1 => any::<u64>(),
    ]
}

/// Confidence levels from 1e-300 to 1 - 2^-53.
fn level() -> impl Strategy<Value = ConfidenceLevel> {
    prop_oneof![
        1 => Just(1e-300),
        1 => Just(1e-16),
        1 => Just(0.5),
        1 => Just(1.0 - f64::EPSILON / 2.0),
        1 => Just(1.0 - 1e-15),
        3 => 0.5_f64..0.9999,
        1 => 1e-10_f64..1.0,
    ]
    .prop_map(|l| ConfidenceLevel::new(l).unwrap())
}

/// Any double, with the awkward values (NaN, infinities, zeros, subnormals, the largest)
/// over-represented.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(5e-324),
        Just(f64::MAX),
        -2.0_f64..2.0,
        any::<f64>(),
    ]
}

/// A valid weighted sum: zero, subnormal, ordinary, huge.
fn weight_sum() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e-300),
        1 => Just(f64::MAX),
        4 => 0.0_f64..1e6,
        1 => (-300.0_f64..300.0).prop_map(|e| 10_f64.powf(e)),
    ]
}

/// A positive finite effective base: subnormal to the largest double.
fn base() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(5e-324),
        1 => Just(1e-300),
        1 => Just(f64::MAX),
        4 => 1e-3_f64..1e6,
        1 => (-300.0_f64..300.0).prop_map(|e| 10_f64.powf(e)),
    ]
}

/// A valid score from counts or weighted sums, with the swapped one (promoters and detractors
/// exchanged).
fn score_pair() -> impl Strategy<Value = (NetPromoter, NetPromoter)> {
    let from_counts = (count(), count(), count()).prop_filter_map("valid counts", |(p, m, d)| {
        Some((
            NetPromoter::new(p, m, d).ok()?,
            NetPromoter::new(d, m, p).ok()?,
        ))
    });
    let weighted = (weight_sum(), weight_sum(), weight_sum(), base()).prop_filter_map(
        "valid sums",
        |(p, m, d, n)| {
            Some((
                NetPromoter::from_weighted(p, m, d, n).ok()?,
                NetPromoter::from_weighted(d, m, p, n).ok()?,
            ))
        },
    );
    prop_oneof![3 => from_counts, 2 => weighted]
}

fn score() -> impl Strategy<Value = NetPromoter> {
    score_pair().prop_map(|(s, _)| s)
}

/// The one-group contract at `level`: every method's interval finite, ordered, in [-1, 1] and
/// around the estimate; the points interval the same times 100.
fn check_one(nps: NetPromoter, level: ConfidenceLevel) -> std::result::Result<(), String> {
    let d = nps.estimate();
    let se = nps.std_error();
    if !((-1.0..=1.0).contains(&d) && se.is_finite() && se >= 0.0 && nps.base() > 0.0) {
        return Err(format!("{nps:?}: estimate {d}, standard error {se}"));
    }
    for &method in NpsMethod::ALL {
        let ci = nps.interval(method, level);
        let points = nps.interval_points(method, level);
        let ok = ci.lower.is_finite()
            && ci.upper.is_finite()
            && -1.0 <= ci.lower
            && ci.lower <= ci.upper
            && ci.upper <= 1.0
            && ci.contains(d)
            && -100.0 <= points.lower
            && points.lower <= points.upper
            && points.upper <= 100.0;
        if !ok {
            return Err(format!(
                "{method} {nps:?} {level}: {ci:?}, points {points:?}"
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn counts_are_refused_by_name_or_keep_the_contract(
        p in count(), m in count(), d in count(), level in level()
    ) {
        let total = p.checked_add(m).and_then(|s| s.checked_add(d));
        match NetPromoter::new(p, m, d) {
            Ok(nps) => {
                prop_assert!(total.is_some_and(|t| t > 0));
                prop_assert!(check_one(nps, level).is_ok(), "{:?}", check_one(nps, level));
            }
            Err(Error::EmptyBase) => prop_assert_eq!(total, Some(0)),
            Err(Error::CountTooLarge { .. }) => prop_assert!(total.is_none()),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn ratings_are_refused_by_name_or_keep_the_contract(
        counts in proptest::array::uniform11(count()), level in level()
    ) {
        let total = counts.iter().try_fold(0_u64, |acc, &c| acc.checked_add(c));
        match NetPromoter::from_ratings(counts) {
            Ok(nps) => {
                let (p, m, d) = (counts[9] + counts[10], counts[7] + counts[8],
                    counts[..7].iter().sum::<u64>());
                prop_assert_eq!(nps, NetPromoter::new(p, m, d).unwrap());
                prop_assert!(check_one(nps, level).is_ok(), "{:?}", check_one(nps, level));
            }
            Err(Error::EmptyBase) => prop_assert_eq!(total, Some(0)),
            Err(Error::CountTooLarge { .. }) => prop_assert!(total.is_none()),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn weighted_sums_are_refused_by_name_or_keep_the_contract(
        p in any_f64(), m in any_f64(), d in any_f64(), n in any_f64(), level in level()
    ) {
        let valid_sum = |w: f64| w >= 0.0 && w.is_finite();
        match NetPromoter::from_weighted(p, m, d, n) {
            Ok(nps) => {
                prop_assert!(valid_sum(p) && valid_sum(m) && valid_sum(d) && n > 0.0 && n.is_finite());
                prop_assert!(check_one(nps, level).is_ok(), "{:?}", check_one(nps, level));
            }
            Err(Error::InvalidWeight { value, record: None }) => {
                prop_assert!(!valid_sum(value));
                prop_assert!([p, m, d].iter().any(|w| w.to_bits() == value.to_bits()));
            }
            Err(Error::EmptyBase) => prop_assert!(p == 0.0 && m == 0.0 && d == 0.0),
            Err(Error::NotPositive { .. }) => prop_assert!(!(n > 0.0 && n.is_finite())),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn valid_scores_keep_the_contract(nps in score(), level in level()) {
        prop_assert!(check_one(nps, level).is_ok(), "{:?}", check_one(nps, level));
    }

    #[test]
    fn exchanging_promoters_and_detractors_mirrors_everything(
        (nps, swapped) in score_pair(), level in level()
    ) {
        prop_assert_eq!(swapped.estimate(), -nps.estimate());
        prop_assert_eq!(swapped.std_error(), nps.std_error());
        for &method in NpsMethod::ALL {
            let (ci, mirrored) = (nps.interval(method, level), swapped.interval(method, level));
            prop_assert!(mirrored.lower == -ci.upper && mirrored.upper == -ci.lower,
                "{method} {nps:?} {level}: {ci:?} vs {mirrored:?}");
        }
    }

    #[test]
    fn differences_keep_the_contract(a in score(), b in score(), level in level()) {
        let diff = nps_difference(a, b, level);
        let ci = diff.interval;
        prop_assert!(diff.difference.is_finite() && (-2.0..=2.0).contains(&diff.difference));
        prop_assert!(diff.std_error.is_finite() && diff.std_error >= 0.0);
        prop_assert!(-2.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 2.0
            && ci.contains(diff.difference), "{a:?} {b:?} {level}: {diff:?}");
        for &alternative in Alternative::ALL {
            match nps_z_test(a, b, alternative) {
                Ok(test) => {
                    prop_assert!(test.statistic.is_finite() && (0.0..=1.0).contains(&test.p_value),
                        "{a:?} {b:?}: {test:?}");
                    prop_assert_eq!(test.difference, diff.difference);
                    prop_assert_eq!(test.std_error, diff.std_error);
                }
                Err(Error::Undefined { .. }) => {
                    prop_assert!(diff.std_error == 0.0 && diff.difference != 0.0);
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }
}
