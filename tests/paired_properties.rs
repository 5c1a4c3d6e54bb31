//! Property tests of the paired-proportion contract (in the style of `tests/properties.rs`): any
//! four counts, from 0 to `u64::MAX`, give either a typed error of the documented variant or a
//! table whose tests and intervals keep the rules: p-values in [0, 1], 1 without discordant
//! pairs; statistics finite and non-negative; bounds finite, ordered, within [-1, 1] and around the
//! estimate; exchanging the two items leaves the p-values unchanged and negates the intervals,
//! to the last bit. Cochran's Q keeps the same rules and equals McNemar's statistic for two
//! items. No tolerances: these are exact rules.

use proptest::prelude::*;
use survey_analytics::*;

const TWO_53: u64 = 1 << 53;

/// A cell of a paired table: zero, small, large, and the huge edges.
fn cell() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0_u64),
        4 => 0_u64..20,
        3 => 0_u64..10_000_000,
        2 => 0_u64..TWO_53 / 4,
        1 => Just(TWO_53 / 4),
        1 => Just(TWO_53),
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

type Check = std::result::Result<(), String>;

fn check_table(table: PairedCounts, level: ConfidenceLevel) -> Check {
    let swapped = table.swapped();
    let estimate = table.difference();
    if !(-1.0..=1.0).contains(&estimate) || swapped.difference() != -estimate {
        return Err(format!("estimate {estimate}"));
    }
    for &method in McNemarMethod::ALL {
        let test = mcnemar_test(table, method);
        let ok = (0.0..=1.0).contains(&test.p_value)
            && test.statistic.is_none_or(|s| s.is_finite() && s >= 0.0)
            && (table.discordant() > 0 || (test.p_value == 1.0 && test.statistic.is_none()))
            && mcnemar_test(swapped, method) == test;
        if !ok {
            return Err(format!("{method}: {test:?}"));
        }
    }
    for &method in PairedDifferenceMethod::ALL {
        let ci = paired_difference_interval(table, method, level);
        let mirror = paired_difference_interval(swapped, method, level);
        let ok = ci.lower.is_finite()
            && ci.upper.is_finite()
            && -1.0 <= ci.lower
            && ci.lower <= ci.upper
            && ci.upper <= 1.0
            && ci.contains(estimate)
            && mirror.lower == -ci.upper
            && mirror.upper == -ci.lower;
        if !ok {
            return Err(format!("{method} at {level}: {ci:?}, swapped {mirror:?}"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn paired_tables_keep_the_contract_or_are_refused(
        both in cell(), first_only in cell(), second_only in cell(), neither in cell(),
        level in level(),
    ) {
        let total = [both, first_only, second_only, neither]
            .iter()
            .try_fold(0_u64, |sum, &x| sum.checked_add(x));
        match PairedCounts::new(both, first_only, second_only, neither) {
            Ok(table) => {
                prop_assert!(matches!(total, Some(t) if (1..=TWO_53).contains(&t)));
                prop_assert_eq!(table.total(), total.unwrap());
                let check = check_table(table, level);
                prop_assert!(check.is_ok(), "{:?}: {:?}", table, check);
            }
            Err(Error::EmptyBase) => prop_assert_eq!(total, Some(0)),
            Err(Error::CountTooLarge { max, .. }) => {
                prop_assert_eq!(max, TWO_53);
                prop_assert!(total.is_none_or(|t| t > TWO_53));
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn cochran_q_keeps_the_contract(
        rows in prop::collection::vec(prop::collection::vec(any::<bool>(), 2..6), 1..40),
    ) {
        let k = rows[0].len();
        let result = cochrans_q(&rows);
        if rows.iter().any(|r| r.len() != k) {
            let is_length_mismatch = matches!(result, Err(Error::LengthMismatch { .. }));
            prop_assert!(is_length_mismatch);
            return Ok(());
        }
        let test = result.unwrap();
        prop_assert_eq!(test.df, k as u64 - 1);
        prop_assert!((0.0..=1.0).contains(&test.p_value));
        prop_assert!(test.statistic.is_none_or(|s| s.is_finite() && s >= 0.0));
        let constant = rows.iter().all(|r| r.iter().all(|&a| a == r[0]));
        prop_assert_eq!(test.statistic.is_none(), constant);
        if k == 2 {
            // Q is McNemar's uncorrected statistic, to the last bit.
            let cell = |x: bool, y: bool| rows.iter().filter(|r| r[0] == x && r[1] == y).count() as u64;
            let table = PairedCounts::new(
                cell(true, true), cell(true, false), cell(false, true), cell(false, false),
            ).unwrap();
            let mcnemar = mcnemar_test(table, McNemarMethod::ChiSquare);
            prop_assert_eq!(test.statistic, mcnemar.statistic);
            prop_assert_eq!(test.p_value, mcnemar.p_value);
        }
    }

    #[test]
    fn cochran_totals_are_refused_by_name_or_keep_the_contract(
        totals in prop::collection::vec(cell(), 0..6), respondents in cell(), squares in cell(),
    ) {
        match CochranQ::from_totals(&totals, respondents, squares) {
            Ok(q) => match q.test() {
                Ok(test) => {
                    prop_assert!((0.0..=1.0).contains(&test.p_value));
                    prop_assert!(test.statistic.is_none_or(|s| s.is_finite() && s >= 0.0));
                }
                Err(error) => prop_assert_eq!(error, Error::EmptyBase),
            },
            Err(
                Error::TooFewValues { .. }
                | Error::CountTooLarge { .. }
                | Error::SuccessesExceedTrials { .. }
                | Error::InvalidParameter { .. },
            ) => {}
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }
}

#[test]
fn edges_keep_the_contract() {
    let levels =
        [1e-300, 0.5, 0.95, 1.0 - f64::EPSILON / 2.0].map(|l| ConfidenceLevel::new(l).unwrap());
    let tables = [
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 1),
        (TWO_53, 0, 0, 0),
        (0, TWO_53, 0, 0),
        (0, 0, TWO_53, 0),
        (0, 0, 0, TWO_53),
        (TWO_53 / 2, 0, 0, TWO_53 / 2),
        (0, TWO_53 / 2, TWO_53 / 2, 0),
        (0, TWO_53 / 2 + 1, TWO_53 / 2 - 1, 0),
        (TWO_53 - 2, 1, 1, 0),
        (0, 1, 0, TWO_53 - 1),
    ];
    for (a, b, c, d) in tables {
        let table = PairedCounts::new(a, b, c, d).unwrap();
        for level in levels {
            assert_eq!(check_table(table, level), Ok(()), "{table:?} at {level}");
        }
    }
    assert_eq!(PairedCounts::new(0, 0, 0, 0), Err(Error::EmptyBase));
    assert!(matches!(
        PairedCounts::new(u64::MAX, u64::MAX, u64::MAX, u64::MAX),
        Err(Error::CountTooLarge {
            value: u64::MAX,
            ..
        })
    ));
    assert!(matches!(
        PairedCounts::new(TWO_53, 1, 0, 0),
        Err(Error::CountTooLarge { .. })
    ));
    // No rows at all, or items fewer than two.
    assert_eq!(cochrans_q(Vec::<Vec<bool>>::new()), Err(Error::EmptyBase));
    assert!(matches!(
        cochrans_q([[true]]),
        Err(Error::TooFewValues { min: 2, .. })
    ));
    // Serde goes through the same checks.
    let bad: serde_json::Result<PairedCounts> =
        serde_json::from_str(r#"{"both": 0, "first_only": 0, "second_only": 0, "neither": 0}"#);
    assert!(bad.is_err());
    let good: PairedCounts =
        serde_json::from_str(r#"{"both": 1, "first_only": 2, "second_only": 3, "neither": 4}"#)
            .unwrap();
    assert_eq!(good, PairedCounts::new(1, 2, 3, 4).unwrap());
    let q: serde_json::Result<CochranQ> = serde_json::from_str(
        r#"{"item_totals": [3, 1], "respondents": 2, "sum_squared_row_totals": 4}"#,
    );
    assert!(q.is_err(), "an item total above the respondents");
}

proptest! {
    /// Items uncorrelated in the sample (the "both" cell exactly `n p1 p2`): the paired Wald
    /// interval is the independent one on the same shares and base (its covariance term is
    /// zero), and Newcombe's paired interval (phi = 0) is Newcombe's hybrid score interval for
    /// independent groups.
    #[test]
    fn uncorrelated_items_give_the_independent_interval(
        p1 in 1_u64..100,
        p2 in 1_u64..100,
        scale in 1_u64..1000,
        level in prop_oneof![Just(0.9), Just(0.95), Just(0.99)],
    ) {
        // n = 10,000 scale: every cell an integer.
        let n = 10_000 * scale;
        let both = p1 * p2 * scale;
        let (first, second) = (p1 * 100 * scale, p2 * 100 * scale);
        let counts = PairedCounts::new(both, first - both, second - both, n + both - first - second).unwrap();
        let level = ConfidenceLevel::new(level).unwrap();
        let (a, b) = (Proportion::new(first, n).unwrap(), Proportion::new(second, n).unwrap());
        let close = |x: Interval, y: Interval| {
            (x.lower - y.lower).abs() <= 1e-12 && (x.upper - y.upper).abs() <= 1e-12
        };
        let paired = paired_difference_interval(counts, PairedDifferenceMethod::Wald, level);
        let independent = difference_interval(a, b, DifferenceMethod::Wald, level);
        prop_assert!(close(paired, independent), "{paired:?} {independent:?}");
        let paired = paired_difference_interval(counts, PairedDifferenceMethod::Newcombe, level);
        let independent = difference_interval(a, b, DifferenceMethod::Newcombe, level);
        prop_assert!(close(paired, independent), "{paired:?} {independent:?}");
    }
}
