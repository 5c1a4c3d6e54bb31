//! Regression tests: exact methods must return promptly, and stay sane, at n = 1e7 and 1e8 and at
//! the edges x = 0, 1, 2, n-1, n (statrs's `Beta::inverse_cdf` never returns there;
//! `docs/numerics.md`).
//!
//! The time limits are generous for a debug build on a shared machine; a release build is about
//! 30 times faster.

use std::time::{Duration, Instant};

use survey_analytics::{
    Alternative, ConfidenceLevel, MultinomialMethod, Proportion, ProportionMethod, PublishedShare,
    RateRatioMethod, fisher_exact, rate_ratio_interval, simultaneous_intervals,
};

fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    assert!(elapsed < limit, "{what} took {elapsed:?} (limit {limit:?})");
    value
}

#[test]
fn exact_intervals_return_promptly_at_huge_n() {
    let level = ConfidenceLevel::new(0.999).unwrap();
    for n in [10_000_000_u64, 100_000_000] {
        for x in [0, 1, 2, n / 100, n / 2, n - 2, n - 1, n] {
            let p = Proportion::new(x, n).unwrap();
            for method in [ProportionMethod::ClopperPearson, ProportionMethod::Jeffreys] {
                let ci = within(
                    Duration::from_millis(500),
                    &format!("{method} x={x} n={n}"),
                    || p.interval(method, level),
                );
                assert!(
                    0.0 <= ci.lower
                        && ci.lower <= p.estimate()
                        && p.estimate() <= ci.upper
                        && ci.upper <= 1.0
                );
                // The interval is about 2 z sqrt(p(1-p)/n) wide (1.04e-3 at worst here): nowhere near [0, 1].
                assert!(ci.width() < 2e-3, "{method} x={x} n={n}: {ci:?}");
            }
        }
    }
}

/// At the largest total Fisher's test accepts (10^12) the tails span millions of terms: 20 ms in a
/// release build. Beyond it the test is refused, naming the chi-square test; at 2^53 it used to take
/// 0.6 s, and longer on a loaded machine.
#[test]
fn fisher_exact_returns_promptly_at_its_largest_total() {
    let q = 250_000_000_000_u64;
    for table in [
        [[q, q], [q, q]],
        [
            [q + 1_000_000, q - 1_000_000],
            [q - 1_000_000, q + 1_000_000],
        ],
        [[q / 10, 19 * q / 10], [q / 10, 19 * q / 10]],
    ] {
        for alternative in Alternative::ALL {
            let test = within(
                Duration::from_secs(5),
                &format!("{table:?} {alternative}"),
                || fisher_exact(table, *alternative).unwrap(),
            );
            assert!((0.0..=1.0).contains(&test.p_value), "{table:?}: {test:?}");
        }
    }
    let err = fisher_exact([[q, q], [q, q + 1]], Alternative::TwoSided).unwrap_err();
    assert!(err.to_string().contains("chi_square_independence"), "{err}");
}

#[test]
fn fisher_exact_returns_promptly_at_ten_million() {
    // Near the mode (the most terms to sum), far in the tail, and unbalanced margins.
    let tables = [
        [[2_500_000, 2_500_000], [2_500_000, 2_500_000]],
        [[2_501_000, 2_499_000], [2_499_000, 2_501_000]],
        [[5_000_000, 4_000_000], [490_000, 510_000]],
        [[9_999_990, 10], [1, 0]],
        [[1, 9_999_999], [3, 5]],
    ];
    for table in tables {
        for alternative in [
            Alternative::TwoSided,
            Alternative::Less,
            Alternative::Greater,
        ] {
            let test = within(
                Duration::from_millis(500),
                &format!("{table:?} {alternative}"),
                || fisher_exact(table, alternative).unwrap(),
            );
            assert!((0.0..=1.0).contains(&test.p_value), "{table:?}: {test:?}");
        }
    }
}

#[test]
fn exact_rate_ratio_returns_promptly_at_huge_counts() {
    let level = ConfidenceLevel::NINETY_FIVE;
    for (c1, c2) in [
        (100_000_000, 99_000_000),
        (0, 100_000_000),
        (100_000_000, 1),
    ] {
        let r = within(Duration::from_millis(500), &format!("{c1}/{c2}"), || {
            rate_ratio_interval(c1, 1.0, c2, 1.0, level, RateRatioMethod::ExactConditional).unwrap()
        });
        assert!(
            r.interval.lower <= r.estimate && r.estimate <= r.interval.upper,
            "{r:?}"
        );
    }
}

/// Sison-Glaz at the sizes that used to take seconds to minutes (statsmodels' scan widens every
/// window one step at a time; at a level of 1 - 2^-53 the coverage never reaches it and the scan ran
/// to c = n): 7.6 s for 3 categories at a total of 1e8, 36 s for 30 at 1e8, 104 s for 1,000 at 1e7
/// in a release build. Each must now return within the limit (debug build) with intervals that
/// contain every share.
#[test]
fn sison_glaz_returns_promptly_at_large_totals() {
    let near_one = ConfidenceLevel::new(1.0 - f64::EPSILON / 2.0).unwrap();
    let cases: Vec<(&str, Vec<u64>)> = vec![
        ("3 at 1e8", vec![33_333_333, 33_333_333, 33_333_334]),
        (
            "30 at 1e8",
            (0..30).map(|i| 3_000_000 + i * 10_000).collect(),
        ),
        ("30 at 3e7", (0..30).map(|i| 900_000 + i * 7_919).collect()),
        ("1000 at 1e7", (0..1000).map(|i| 9_500 + i).collect()),
        ("1e5 ones", vec![1; 100_000]),
        (
            "dominant at 2^53",
            vec![1 << 52, (1 << 52) - 2_000_000, 1_000_000, 1_000_000],
        ),
    ];
    for (label, counts) in &cases {
        let total = counts.iter().sum::<u64>() as f64;
        for level in [near_one, ConfidenceLevel::NINETY_FIVE] {
            let cis = within(Duration::from_secs(5), &format!("{label} {level}"), || {
                simultaneous_intervals(counts, level, MultinomialMethod::SisonGlaz).unwrap()
            });
            for (ci, &c) in cis.iter().zip(counts) {
                let share = c as f64 / total;
                assert!(
                    0.0 <= ci.lower && ci.lower <= share && share <= ci.upper && ci.upper <= 1.0,
                    "{label} {level}: {ci:?} vs {share}"
                );
            }
        }
    }
    // More distinct counts than the method handles in time are refused, naming the alternative.
    let many: Vec<u64> = (1..=1001).collect();
    let err = simultaneous_intervals(
        &many,
        ConfidenceLevel::NINETY_FIVE,
        MultinomialMethod::SisonGlaz,
    )
    .unwrap_err();
    assert!(err.to_string().contains("Goodman"), "{err}");
}

/// Published figures on huge bases: a base of `u64::MAX` printed without decimals is consistent
/// with 1.8e17 counts, which used to be collected into a vector (out of memory).
#[test]
fn published_figures_on_huge_bases_return_promptly() {
    for base in [1_u64 << 53, u64::MAX] {
        for percent in [0.0_f64, 49.0, 100.0] {
            let share = PublishedShare::new(percent, base).unwrap();
            for method in [ProportionMethod::Wilson, ProportionMethod::ClopperPearson] {
                let ci = within(
                    Duration::from_secs(5),
                    &format!("{percent}% of {base}"),
                    || {
                        share
                            .interval(method, ConfidenceLevel::NINETY_FIVE)
                            .unwrap()
                    },
                );
                assert!(0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0);
                assert!(ci.lower <= (percent / 100.0 - 0.005).max(0.0) + 1e-12);
            }
            let other = PublishedShare::new(50.0, base).unwrap();
            let test = within(Duration::from_secs(5), "compare", || {
                share.compare(&other).unwrap()
            });
            assert!(0.0 <= test.p_value.lower && test.p_value.upper <= 1.0);
        }
    }
}
