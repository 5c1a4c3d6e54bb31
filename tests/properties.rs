//! Property tests of the stats layer's contract: for every public function, an `Ok` result holds
//! finite numbers within their bounds (shares in [0, 1], differences in [-1, 1], ordered bounds,
//! p-values in [0, 1], the estimate inside its interval wherever the method guarantees it, ratio
//! upper bounds infinite only where documented), and anything else is a typed error of the
//! documented variant. No tolerances: these are exact rules.
//!
//! Every strategy reaches the edges of its input domain: counts 0, 1, n - 1, n, 2^53 and
//! `u64::MAX`; confidence levels 1e-300, 1e-16, 1/2 and `1 - 2^-53` beside ordinary ones; real
//! bases, exposures, shares and margins that are subnormal or near the largest double; empty and
//! single-element lists. The slowest inputs are timed in `tests/large_n.rs`.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use survey_analytics::*;

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

const TWO_53: u64 = 1 << 53;

/// A positive count for a base: small, large, and the edges 2^53 - 1, 2^53, 2^53 + 1 and u64::MAX.
fn trials() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 1_u64..20,
        3 => 1_u64..1_000_000,
        2 => 1_u64..TWO_53,
        1 => Just(TWO_53 - 1),
        1 => Just(TWO_53),
        1 => Just(TWO_53 + 1),
        1 => Just(u64::MAX - 1),
        1 => Just(u64::MAX),
        1 => 1_u64..=u64::MAX,
    ]
}

/// `(x, n)` with `x` one of 0, 1, n - 1, n, n / 2 or anything in [0, n].
fn counts() -> impl Strategy<Value = (u64, u64)> {
    trials().prop_flat_map(|n| {
        let x = prop_oneof![
            Just(0),
            Just(1.min(n)),
            Just(n / 2),
            Just(n - 1),
            Just(n),
            0..=n,
        ];
        (x, Just(n))
    })
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

/// A positive finite double: subnormal, tiny, ordinary, huge, the largest.
fn positive() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(5e-324),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(1e-300),
        1 => Just(1e300),
        1 => Just(f64::MAX),
        4 => 1e-3_f64..1e6,
        1 => (-300.0_f64..300.0).prop_map(|e| 10_f64.powf(e)),
    ]
}

/// A share in [0, 1], with its edges and subnormals.
fn share() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        1 => Just(1.0),
        1 => Just(5e-324),
        1 => Just(1e-300),
        1 => Just(1.0 - f64::EPSILON / 2.0),
        4 => 0.0_f64..=1.0,
    ]
}

/// A proportion from counts or from a weighted share on any effective base.
fn proportion() -> impl Strategy<Value = Proportion> {
    prop_oneof![
        3 => counts().prop_map(|(x, n)| Proportion::new(x, n).unwrap()),
        2 => (share(), positive()).prop_map(|(p, n)| Proportion::from_estimate(p, n).unwrap()),
    ]
}

/// A count for a category or a cell: zero, small, large, and the huge edges.
fn cell() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => Just(0_u64),
        4 => 0_u64..1_000,
        2 => 0_u64..10_000_000,
        1 => Just(TWO_53),
        1 => Just(u64::MAX),
        1 => any::<u64>(),
    ]
}

/// Any double, with the awkward values over-represented.
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

// ---------------------------------------------------------------------------------------------
// Contract checks
// ---------------------------------------------------------------------------------------------

/// A contract check: what broke, if anything.
type Check = std::result::Result<(), String>;

/// A share interval: finite, ordered, in [0, 1], around `estimate` when given.
fn share_interval(ci: Interval, estimate: Option<f64>) -> Check {
    let ok = ci.lower.is_finite()
        && ci.upper.is_finite()
        && 0.0 <= ci.lower
        && ci.lower <= ci.upper
        && ci.upper <= 1.0
        && estimate.is_none_or(|e| ci.contains(e));
    if ok {
        Ok(())
    } else {
        Err(format!("{ci:?} vs {estimate:?}"))
    }
}

/// A ratio interval: finite lower bound in [0, f64::MAX], upper bound at least the lower (not NaN),
/// around `estimate` when given.
fn ratio_interval(ci: Interval, estimate: Option<f64>) -> Check {
    let ok = ci.lower.is_finite()
        && 0.0 <= ci.lower
        && ci.lower <= ci.upper
        && estimate.is_none_or(|e| ci.contains(e));
    if ok {
        Ok(())
    } else {
        Err(format!("{ci:?} vs {estimate:?}"))
    }
}

fn probability(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

/// Every one-proportion method on `p` at `level`.
fn check_one_proportion(p: Proportion, level: ConfidenceLevel) -> Check {
    for &method in ProportionMethod::ALL {
        // Agresti-Coull recentres and Jeffreys is centred on the posterior median: the docs say
        // that only they may exclude the estimate.
        let guaranteed = !matches!(
            method,
            ProportionMethod::AgrestiCoull | ProportionMethod::Jeffreys
        );
        share_interval(
            p.interval(method, level),
            guaranteed.then_some(p.estimate()),
        )
        .map_err(|e| format!("{method} {p:?} {level}: {e}"))?;
    }
    let moe = p.margin_of_error(level);
    if !(moe.is_finite() && moe >= 0.0) {
        return Err(format!("margin of error {p:?} {level}: {moe}"));
    }
    Ok(())
}

/// Every comparison of two proportions.
fn check_two_proportions(a: Proportion, b: Proportion, level: ConfidenceLevel) -> Check {
    let d = a.estimate() - b.estimate();
    for &method in DifferenceMethod::ALL {
        let ci = difference_interval(a, b, method, level);
        let ok = -1.0 <= ci.lower
            && ci.lower <= ci.upper
            && ci.upper <= 1.0
            && (method == DifferenceMethod::AgrestiCaffo || ci.contains(d));
        if !ok {
            return Err(format!("{method} {a:?} {b:?} {level}: {ci:?} vs {d}"));
        }
    }
    for &method in RiskRatioMethod::ALL {
        match risk_ratio_interval(a, b, method, level) {
            Ok(ci) => {
                let estimate = a.estimate() / b.estimate();
                ratio_interval(ci, estimate.is_normal().then_some(estimate))
                    .map_err(|e| format!("{method} {a:?} {b:?} {level}: {e}"))?;
            }
            Err(Error::Undefined { .. })
                if a.successes() == 0.0
                    || (b.successes() == 0.0 && method == RiskRatioMethod::Log) => {}
            Err(e) => return Err(format!("{method} {a:?} {b:?}: unexpected {e}")),
        }
    }
    for &method in OddsRatioMethod::ALL {
        match odds_ratio_interval(a, b, method, level) {
            Ok(ci) => ratio_interval(ci, None)
                .map_err(|e| format!("{method} {a:?} {b:?} {level}: {e}"))?,
            Err(Error::Undefined { .. }) if method != OddsRatioMethod::WoolfAdjusted => {}
            Err(e) => return Err(format!("{method} {a:?} {b:?}: unexpected {e}")),
        }
    }
    for &alternative in Alternative::ALL {
        let t = two_proportion_z_test(a, b, alternative);
        if !(t.statistic.is_finite()
            && t.std_error.is_finite()
            && t.std_error >= 0.0
            && probability(t.p_value)
            // The difference of the rounded shares, corrected for their rounding.
            && (t.difference - d).abs() <= f64::EPSILON)
        {
            return Err(format!("z {a:?} {b:?}: {t:?}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn one_proportion_intervals_keep_the_contract(p in proportion(), level in level()) {
        prop_assert!(check_one_proportion(p, level).is_ok(), "{:?}", check_one_proportion(p, level));
    }

    #[test]
    fn intervals_widen_with_the_level(p in proportion(), a in level(), b in level()) {
        let (low, high) = if a.value() <= b.value() { (a, b) } else { (b, a) };
        for &method in ProportionMethod::ALL {
            let (narrow, wide) = (p.interval(method, low), p.interval(method, high));
            // Bounds are nested exactly in theory; a few ulps of iteration noise are allowed.
            let slack = 4.0 * f64::EPSILON;
            prop_assert!(wide.lower <= narrow.lower + slack && narrow.upper <= wide.upper + slack,
                "{method} {p:?}: {narrow:?} at {low} vs {wide:?} at {high}");
        }
    }

    #[test]
    fn comparisons_keep_the_contract(a in proportion(), b in proportion(), level in level()) {
        let result = check_two_proportions(a, b, level);
        prop_assert!(result.is_ok(), "{:?}", result);
    }

    #[test]
    fn adjusted_p_values_are_valid_and_monotone(raw in prop::collection::vec(
        prop_oneof![Just(0.0), Just(1.0), Just(5e-324), Just(1e-300), 0.0_f64..=1.0], 0..40)
    ) {
        let get = |m| adjust_p_values(&raw, m).unwrap();
        for &method in PValueAdjustment::ALL {
            let adjusted = get(method);
            prop_assert_eq!(adjusted.len(), raw.len());
            for (i, (&p, &q)) in raw.iter().zip(&adjusted).enumerate() {
                prop_assert!(probability(q) && q >= p, "{method}: {p} -> {q}");
                for (&p2, &q2) in raw.iter().zip(&adjusted).skip(i + 1) {
                    if p <= p2 { prop_assert!(q <= q2, "{method}: order broken"); }
                    if p2 <= p { prop_assert!(q2 <= q, "{method}: order broken"); }
                }
            }
        }
        // Known dominance: Bonferroni >= Holm >= Hochberg, and BY >= BH.
        let (bonferroni, holm, hochberg) = (get(PValueAdjustment::Bonferroni), get(PValueAdjustment::Holm), get(PValueAdjustment::Hochberg));
        let (bh, by) = (get(PValueAdjustment::BenjaminiHochberg), get(PValueAdjustment::BenjaminiYekutieli));
        for i in 0..raw.len() {
            prop_assert!(bonferroni[i] >= holm[i] && holm[i] >= hochberg[i] && by[i] >= bh[i]);
        }
    }

    #[test]
    fn fisher_p_values_are_probabilities_or_refused(cells in prop::collection::vec(cell(), 4)) {
        let table = [[cells[0], cells[1]], [cells[2], cells[3]]];
        let total = cells.iter().try_fold(0_u64, |s, &c| s.checked_add(c));
        for &alternative in Alternative::ALL {
            let empty = |i: usize, j: usize| cells[i] == 0 && cells[j] == 0;
            let empty_margin = empty(0, 1) || empty(2, 3) || empty(0, 2) || empty(1, 3);
            match fisher_exact(table, alternative) {
                Ok(test) => prop_assert!(
                    probability(test.p_value)
                        && test.odds_ratio >= 0.0
                        && (test.odds_ratio.is_finite() || cells[1] == 0 || cells[2] == 0)
                        && !empty_margin
                        && total.is_some_and(|t| t <= 1_000_000_000_000),
                    "{table:?} {test:?}"
                ),
                Err(Error::CountTooLarge { max, .. }) => prop_assert!(total.is_none_or(|t| t > max), "{table:?}"),
                Err(Error::EmptyMargin { .. }) => prop_assert!(empty_margin, "{table:?}"),
                Err(e) => prop_assert!(false, "{table:?}: {e}"),
            }
        }
    }

    #[test]
    fn chi_square_tests_are_valid_or_refused(
        table in prop::collection::vec(prop::collection::vec(cell(), 0..4), 0..4),
        shares in prop::collection::vec(positive(), 0..5),
        observed in prop::collection::vec(cell(), 0..5),
    ) {
        for correction in [ContinuityCorrection::None, ContinuityCorrection::Yates] {
            match chi_square_independence(&table, correction) {
                Ok(test) => prop_assert!(test.statistic.is_finite() && test.statistic >= 0.0 && probability(test.p_value), "{table:?}: {test:?}"),
                Err(e) => prop_assert!(matches!(e, Error::TooFewValues { .. } | Error::RaggedTable { .. } | Error::EmptyMargin { .. } | Error::CountTooLarge { .. } | Error::InvalidParameter { .. }), "{table:?}: {e}"),
            }
        }
        match chi_square_goodness_of_fit(&observed, &shares) {
            Ok(test) => prop_assert!(test.statistic.is_finite() && probability(test.p_value), "{observed:?} {shares:?}: {test:?}"),
            Err(e) => prop_assert!(matches!(e, Error::TooFewValues { .. } | Error::LengthMismatch { .. } | Error::EmptyBase | Error::Undefined { .. }), "{observed:?} {shares:?}: {e}"),
        }
    }

    #[test]
    fn simultaneous_intervals_cover_each_share(counts in prop::collection::vec(cell(), 0..12), level in level()) {
        let total = counts.iter().try_fold(0_u64, |s, &c| s.checked_add(c));
        for &method in MultinomialMethod::ALL {
            match simultaneous_intervals(&counts, level, method) {
                Ok(cis) => {
                    prop_assert_eq!(cis.len(), counts.len());
                    let total = total.unwrap_or(0) as f64;
                    for (ci, &c) in cis.iter().zip(&counts) {
                        let result = share_interval(*ci, Some(c as f64 / total));
                        prop_assert!(result.is_ok(), "{method} {counts:?} {level}: {:?}", result);
                    }
                }
                Err(Error::TooFewValues { .. }) => prop_assert!(counts.len() < 2),
                Err(Error::EmptyBase) => prop_assert_eq!(total, Some(0)),
                Err(Error::CountTooLarge { .. }) => prop_assert!(total.is_none_or(|t| t > TWO_53)),
                Err(e) => prop_assert!(false, "{method} {counts:?}: {e}"),
            }
        }
    }

    #[test]
    fn rate_ratios_keep_the_contract(c1 in cell(), e1 in positive(), c2 in cell(), e2 in positive(), level in level()) {
        for &method in RateRatioMethod::ALL {
            match rate_ratio_interval(c1, e1, c2, e2, level, method) {
                Ok(r) => {
                    prop_assert!(r.estimate >= 0.0 && (r.estimate.is_finite() || c2 == 0), "{method}: {r:?}");
                    let result = ratio_interval(r.interval, Some(r.estimate));
                    prop_assert!(result.is_ok(), "{method} {c1}/{e1:e} vs {c2}/{e2:e} {level}: {:?}", result);
                    // Infinite only where the data cannot bound the ratio or it leaves the doubles.
                    prop_assert!(r.interval.upper.is_finite() || c2 == 0 || e2 / e1 > 1e280 || (e2 / e1).is_infinite(), "{method}: {r:?}");
                }
                Err(Error::Undefined { .. }) => {}
                Err(e) => prop_assert!(false, "{method}: {e}"),
            }
        }
    }

    #[test]
    fn sample_size_for_margin_is_the_smallest_that_achieves_it(margin in positive(), p in share(), level in level()) {
        match sample_size_for_margin(margin, p, level) {
            Ok(n) => {
                prop_assert!(margin_of_error(p, n as f64, level).unwrap() <= margin);
                if n > 1 {
                    prop_assert!(margin_of_error(p, (n - 1) as f64, level).unwrap() > margin);
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::CountTooLarge { .. }), "{e}"),
        }
    }

    #[test]
    fn power_and_sample_sizes_are_valid(p1 in share(), p2 in share(), n1 in positive(), n2 in positive(),
        alpha in prop_oneof![Just(5e-324), Just(1e-300), Just(1.0 - 1e-16), 1e-6_f64..0.5], target in 1e-6_f64..0.999, ratio in positive()) {
        let alpha = Alpha::new(alpha).unwrap();
        for &alternative in Alternative::ALL {
            let power = two_proportion_power(p1, p2, n1, n2, alpha, alternative).unwrap();
            prop_assert!(probability(power), "{power}");
            match two_proportion_sample_size(p1, p2, target, alpha, ratio, alternative) {
                Ok(size) => prop_assert!(size.power >= target && size.power <= 1.0 && size.n1 >= 1 && size.n2 >= 1, "{size:?}"),
                Err(e) => prop_assert!(matches!(e, Error::InvalidParameter { .. } | Error::CountTooLarge { .. }), "{e}"),
            }
        }
    }

    #[test]
    fn published_figures_bound_every_consistent_count(
        percent in prop_oneof![Just(0.0), Just(100.0), Just(50.0), 0.0_f64..=100.0],
        base in trials(), decimals in 0_u32..=6, level in level(),
    ) {
        let share = PublishedShare::with_decimals(percent, base, decimals).unwrap();
        for &method in ProportionMethod::ALL {
            match share.interval(method, level) {
                Ok(ci) => prop_assert!(share_interval(ci, None).is_ok(), "{method} {share:?}: {ci:?}"),
                Err(e) => prop_assert!(matches!(e, Error::InvalidParameter { .. }) && share.counts().is_none(), "{e}"),
            }
        }
        let other = PublishedShare::new(50.0, 1000).unwrap();
        if let Ok(test) = share.compare(&other) {
            prop_assert!(probability(test.p_value.lower) && test.p_value.lower <= test.p_value.upper && probability(test.p_value.upper), "{test:?}");
            prop_assert!(-1.0 <= test.difference.lower && test.difference.lower <= test.difference.upper && test.difference.upper <= 1.0, "{test:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary numbers: typed refusals, or the contract
// ---------------------------------------------------------------------------------------------

/// Arguments that are valid most of the time (so that most cases reach the contract assertions)
/// and arbitrary doubles the rest (NaN, infinities, negatives, values outside [0, 1]).
fn mostly(valid: impl Strategy<Value = f64> + 'static) -> impl Strategy<Value = f64> {
    prop_oneof![49 => valid, 1 => any_f64()]
}

#[derive(Debug, Clone)]
struct Arbitrary {
    share: f64,
    base: f64,
    level: f64,
    counts: (u64, u64),
    other: (u64, u64),
    margin: f64,
    exposures: (f64, f64),
    p_values: Vec<f64>,
}

fn arbitrary() -> impl Strategy<Value = Arbitrary> {
    let level_value = prop_oneof![
        Just(1e-300),
        Just(0.5),
        Just(1.0 - f64::EPSILON / 2.0),
        0.5_f64..0.9999
    ];
    (
        mostly(share()),
        mostly(positive()),
        mostly(level_value),
        prop_oneof![19 => counts(), 1 => (any::<u64>(), any::<u64>())],
        prop_oneof![19 => counts(), 1 => (any::<u64>(), any::<u64>())],
        mostly(positive()),
        (mostly(positive()), mostly(positive())),
        prop::collection::vec(mostly(share()), 0..6),
    )
        .prop_map(
            |(share, base, level, counts, other, margin, exposures, p_values)| Arbitrary {
                share,
                base,
                level,
                counts,
                other,
                margin,
                exposures,
                p_values,
            },
        )
}

/// Every public function on arbitrary numbers: an invalid argument is refused with the variant
/// the docs name; valid ones give results that keep the contract. Counts how many cases pass
/// only valid arguments to everything (so that every contract assertion runs) and requires most.
#[test]
fn arbitrary_numbers_are_refused_by_name_or_keep_the_contract() {
    const CASES: u32 = 256;
    let (cases, reached) = (Cell::new(0_u32), Cell::new(0_u32));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&arbitrary(), |input| {
        cases.set(cases.get() + 1);
        let Arbitrary {
            share,
            base,
            level,
            counts,
            other,
            margin,
            exposures,
            p_values,
        } = input;
        let mut all_valid = true;

        let level_valid = level > 0.0 && level < 1.0;
        let level = match ConfidenceLevel::new(level) {
            Ok(l) => {
                prop_assert!(level_valid);
                l
            }
            Err(e) => {
                let named = matches!(e, Error::InvalidConfidenceLevel { level: l } if l.to_bits() == level.to_bits());
                prop_assert!(!level_valid && named);
                all_valid = false;
                ConfidenceLevel::NINETY_FIVE
            }
        };
        // A weighted share: refused by name when the share or the base is out of range.
        let weighted = match Proportion::from_estimate(share, base) {
            Ok(p) => {
                prop_assert!((0.0..=1.0).contains(&share) && base > 0.0 && base.is_finite());
                Some(p)
            }
            Err(Error::InvalidProportion {
                name: "estimate", ..
            }) => {
                prop_assert!(!(0.0..=1.0).contains(&share));
                all_valid = false;
                None
            }
            Err(Error::NotPositive { .. }) => {
                prop_assert!(!(base > 0.0 && base.is_finite()));
                all_valid = false;
                None
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let from_counts = |(x, n): (u64, u64)| match Proportion::new(x, n) {
            Ok(p) => Ok(Some(p)),
            Err(Error::EmptyBase) if n == 0 => Ok(None),
            Err(Error::SuccessesExceedTrials { successes, trials })
                if x > n && (successes, trials) == (x, n) =>
            {
                Ok(None)
            }
            Err(e) => Err(TestCaseError::fail(format!("{x}/{n}: {e}"))),
        };
        let (a, b) = (from_counts(counts)?, from_counts(other)?);
        all_valid &= a.is_some() && b.is_some();
        for p in [weighted, a, b].into_iter().flatten() {
            let result = check_one_proportion(p, level);
            prop_assert!(result.is_ok(), "{:?}", result);
        }
        for (x, y) in [(weighted, a), (a, b)] {
            if let (Some(x), Some(y)) = (x, y) {
                let result = check_two_proportions(x, y, level);
                prop_assert!(result.is_ok(), "{:?}", result);
            }
        }

        // Planning: the margin and the share are checked by name.
        match margin_of_error(share, base, level) {
            Ok(moe) => prop_assert!(moe.is_finite() && moe >= 0.0),
            Err(Error::InvalidProportion { .. }) => prop_assert!(!(0.0..=1.0).contains(&share)),
            Err(Error::NotPositive { .. }) => prop_assert!(!(base > 0.0 && base.is_finite())),
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }
        let margin_valid = margin > 0.0 && margin.is_finite();
        all_valid &= margin_valid;
        match sample_size_for_margin(margin, share, level) {
            Ok(n) => prop_assert!(
                margin_valid && margin_of_error(share, n as f64, level).unwrap() <= margin
            ),
            Err(Error::NotPositive { name: "margin", .. }) => prop_assert!(!margin_valid),
            Err(Error::InvalidProportion { .. }) => prop_assert!(!(0.0..=1.0).contains(&share)),
            Err(Error::CountTooLarge { .. }) => prop_assert!(margin_valid),
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }

        // Rates: exposures are checked by name.
        let (e1, e2) = exposures;
        let exposures_valid = [e1, e2].iter().all(|e| *e > 0.0 && e.is_finite());
        all_valid &= exposures_valid;
        for &method in RateRatioMethod::ALL {
            match rate_ratio_interval(counts.0, e1, other.0, e2, level, method) {
                Ok(r) => {
                    prop_assert!(exposures_valid);
                    let result = ratio_interval(r.interval, Some(r.estimate));
                    prop_assert!(result.is_ok(), "{:?}", result);
                }
                Err(Error::NotPositive { .. }) => prop_assert!(!exposures_valid),
                Err(Error::Undefined { .. }) => prop_assert!(exposures_valid),
                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
            }
        }

        // p-value adjustment: any value outside [0, 1] (or NaN) is named with its position.
        let first_bad = p_values.iter().position(|p| !(0.0..=1.0).contains(p));
        all_valid &= first_bad.is_none();
        match adjust_p_values(&p_values, PValueAdjustment::Holm) {
            Ok(adjusted) => {
                prop_assert!(first_bad.is_none() && adjusted.iter().all(|q| probability(*q)))
            }
            Err(Error::InvalidPValue { index, .. }) => prop_assert_eq!(Some(index), first_bad),
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }

        // Tests on the raw counts: refused only for the documented reasons.
        let cells = [counts.0, counts.1, other.0, other.1];
        match fisher_exact(
            [[cells[0], cells[1]], [cells[2], cells[3]]],
            Alternative::TwoSided,
        ) {
            Ok(test) => prop_assert!(probability(test.p_value) && test.odds_ratio >= 0.0),
            Err(e) => prop_assert!(matches!(e, Error::CountTooLarge { .. } | Error::EmptyMargin { .. }), "{e}"),
        }
        match chi_square_goodness_of_fit(&cells, &[share, base, margin, e1]) {
            Ok(test) => prop_assert!(test.statistic.is_finite() && probability(test.p_value)),
            Err(e) => prop_assert!(
                matches!(
                    e,
                    Error::NotPositive { .. } | Error::EmptyBase | Error::Undefined { .. }
                ),
                "{e}"
            ),
        }
        for &method in MultinomialMethod::ALL {
            if let Ok(cis) = simultaneous_intervals(&cells, level, method) {
                prop_assert!(
                    cis.iter().all(|ci| share_interval(*ci, None).is_ok()),
                    "{cis:?}"
                );
            }
        }
        match cohens_h(share, base) {
            Ok(h) => prop_assert!(h.is_finite() && h.abs() <= std::f64::consts::PI),
            Err(e) => prop_assert!(matches!(e, Error::InvalidProportion { .. }), "{e}"),
        }
        for name in ["wilson", "nonsense", "", "BH", "Two_Sided"] {
            let _ = name.parse::<ProportionMethod>();
            let _ = name.parse::<PValueAdjustment>();
            let _ = name.parse::<Alternative>();
        }
        if all_valid {
            reached.set(reached.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let fraction = f64::from(reached.get()) / f64::from(cases.get());
    eprintln!(
        "{} of {} cases passed only valid arguments to every function ({:.0}%)",
        reached.get(),
        cases.get(),
        100.0 * fraction
    );
    assert!(
        fraction >= 0.5,
        "only {:.0}% of the cases reached every assertion",
        100.0 * fraction
    );
}

#[test]
fn fisher_refuses_totals_beyond_its_largest() {
    let err = fisher_exact([[1 << 53, 1], [0, 0]], Alternative::TwoSided).unwrap_err();
    assert!(matches!(err, Error::CountTooLarge { .. }), "{err}");
    let err = fisher_exact([[u64::MAX, u64::MAX], [1, 1]], Alternative::TwoSided).unwrap_err();
    assert!(matches!(err, Error::CountTooLarge { .. }), "{err}");
}
