//! Property tests: invariants of the statistics, and that no public function panics on any input.

use proptest::prelude::*;
use survey_analytics::*;

const PROPORTION_METHODS: &[ProportionMethod] = ProportionMethod::ALL;

/// Counts with `successes <= trials`, spread over small and huge bases.
fn counts() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![
        (1_u64..50).prop_flat_map(|n| (0..=n, Just(n))),
        (1_u64..100_000).prop_flat_map(|n| (0..=n, Just(n))),
        (1_u64..10_000_000_000)
            .prop_flat_map(|n| (prop_oneof![Just(0), Just(1), Just(n), 0..=n], Just(n))),
    ]
}

fn level() -> impl Strategy<Value = ConfidenceLevel> {
    (0.5_f64..0.9999).prop_map(|l| ConfidenceLevel::new(l).unwrap())
}

/// Any f64, with the awkward values over-represented.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(f64::MIN_POSITIVE),
        Just(f64::MAX),
        -2.0_f64..2.0,
        any::<f64>(),
    ]
}

/// A valid proportion from counts or from a weighted estimate and effective base.
fn proportion() -> impl Strategy<Value = Proportion> {
    prop_oneof![
        counts().prop_map(|(x, n)| Proportion::new(x, n).unwrap()),
        (0.0_f64..=1.0, 0.01_f64..1e7).prop_map(|(p, n)| Proportion::from_estimate(p, n).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn intervals_lie_in_the_unit_interval_around_the_estimate(p in proportion(), level in level()) {
        let estimate = p.estimate();
        for &method in PROPORTION_METHODS {
            let ci = p.interval(method, level);
            prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0, "{method}: {ci:?}");
            // Agresti-Coull recentres on (x + z^2/2) / (n + z^2), so only it may exclude the estimate.
            if method != ProportionMethod::AgrestiCoull {
                prop_assert!(ci.lower <= estimate && estimate <= ci.upper, "{method} {p:?}: {ci:?}");
            }
        }
    }

    #[test]
    fn intervals_widen_with_the_level(p in proportion(), a in 0.5_f64..0.999, b in 0.5_f64..0.999) {
        let (low, high) = (a.min(b), a.max(b));
        let (low, high) = (ConfidenceLevel::new(low).unwrap(), ConfidenceLevel::new(high).unwrap());
        for &method in PROPORTION_METHODS {
            let (narrow, wide) = (p.interval(method, low), p.interval(method, high));
            // 1e-12 absolute slack for the iterative methods' last-ulp noise.
            prop_assert!(wide.lower <= narrow.lower + 1e-12 && narrow.upper <= wide.upper + 1e-12,
                "{method} {p:?}: {narrow:?} at {low} vs {wide:?} at {high}");
        }
    }

    #[test]
    fn differences_lie_in_range_and_cover_the_estimate(a in proportion(), b in proportion(), level in level()) {
        let d = a.estimate() - b.estimate();
        for &method in DifferenceMethod::ALL {
            let ci = difference_interval(a, b, method, level);
            prop_assert!(-1.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0, "{method}: {ci:?}");
            if method != DifferenceMethod::AgrestiCaffo {
                prop_assert!(ci.lower <= d + 1e-12 && d - 1e-12 <= ci.upper, "{method} {a:?} {b:?}: {ci:?} vs {d}");
            }
        }
    }

    #[test]
    fn ratio_intervals_are_ordered_and_positive(a in proportion(), b in proportion(), level in level()) {
        for &method in RiskRatioMethod::ALL {
            if let Ok(ci) = risk_ratio_interval(a, b, method, level) {
                prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper, "{method}: {ci:?}");
            }
        }
        for &method in OddsRatioMethod::ALL {
            if let Ok(ci) = odds_ratio_interval(a, b, method, level) {
                prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper, "{method}: {ci:?}");
            }
        }
    }

    #[test]
    fn adjusted_p_values_are_valid_and_monotone(raw in prop::collection::vec(0.0_f64..=1.0, 0..40)) {
        let get = |m| adjust_p_values(&raw, m).unwrap();
        for &method in PValueAdjustment::ALL {
            let adjusted = get(method);
            prop_assert_eq!(adjusted.len(), raw.len());
            for (i, (&p, &q)) in raw.iter().zip(&adjusted).enumerate() {
                prop_assert!((0.0..=1.0).contains(&q) && q >= p, "{method}: {p} -> {q}");
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
    fn test_results_are_probabilities(a in proportion(), b in proportion(), cells in prop::collection::vec(0_u64..1_000_000, 4)) {
        for &alternative in Alternative::ALL {
            let z = two_proportion_z_test(a, b, alternative);
            prop_assert!((0.0..=1.0).contains(&z.p_value), "{z:?}");
            let table = [[cells[0], cells[1]], [cells[2], cells[3]]];
            let fisher = fisher_exact(table, alternative).unwrap();
            prop_assert!((0.0..=1.0).contains(&fisher.p_value), "{table:?} {fisher:?}");
        }
    }

    #[test]
    fn simultaneous_intervals_cover_each_share(counts in prop::collection::vec(0_u64..20_000, 2..9), level in level()) {
        let total: u64 = counts.iter().sum();
        for &method in MultinomialMethod::ALL {
            match simultaneous_intervals(&counts, level, method) {
                Ok(cis) => {
                    for (ci, &c) in cis.iter().zip(&counts) {
                        let share = c as f64 / total as f64;
                        prop_assert!(0.0 <= ci.lower && ci.lower <= share && share <= ci.upper && ci.upper <= 1.0,
                            "{method} {counts:?}: {ci:?} vs {share}");
                    }
                }
                Err(e) => prop_assert!(total == 0, "{e}"),
            }
        }
    }

    #[test]
    fn rate_ratio_intervals_contain_the_estimate(c1 in 0_u64..10_000_000, e1 in 0.1_f64..1e4, c2 in 0_u64..10_000_000, e2 in 0.1_f64..1e4, level in level()) {
        for &method in RateRatioMethod::ALL {
            if let Ok(r) = rate_ratio_interval(c1, e1, c2, e2, level, method) {
                let ci = r.interval;
                prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper, "{method}: {r:?}");
                prop_assert!(ci.lower <= r.estimate * (1.0 + 1e-12) && r.estimate <= ci.upper * (1.0 + 1e-12), "{method}: {r:?}");
            }
        }
    }

    #[test]
    fn sample_size_for_margin_is_the_smallest_that_achieves_it(margin in 0.001_f64..0.5, p in 0.0_f64..=1.0, level in level()) {
        let n = sample_size_for_margin(margin, p, level).unwrap();
        prop_assert!(margin_of_error(p, n as f64, level).unwrap() <= margin);
        if n > 1 {
            prop_assert!(margin_of_error(p, (n - 1) as f64, level).unwrap() > margin);
        }
    }

    /// Every public function, fed arbitrary numbers, returns a value or a typed error: no panic.
    #[test]
    fn nothing_panics_on_arbitrary_numbers(
        f in prop::collection::vec(any_f64(), 6),
        u in prop::collection::vec(prop_oneof![any::<u64>(), 0_u64..100, Just(u64::MAX)], 4),
        ragged in prop::collection::vec(prop::collection::vec(0_u64..1000, 0..4), 0..4),
    ) {
        let _ = ConfidenceLevel::new(f[0]);
        let _ = ConfidenceLevel::from_alpha(f[0]);
        let _ = Proportion::new(u[0], u[1]);
        let _ = Proportion::from_estimate(f[0], f[1]);
        if let (Ok(p), Ok(q), Ok(level)) = (Proportion::from_estimate(f[0], f[1]), Proportion::new(u[2] % 1000, u[3] % 1000 + u[2] % 1000), ConfidenceLevel::new(f[2])) {
            for &m in PROPORTION_METHODS { let _ = p.interval(m, level); }
            let _ = p.margin_of_error(level);
            for &m in DifferenceMethod::ALL { let _ = difference_interval(p, q, m, level); }
            for &m in RiskRatioMethod::ALL { let _ = risk_ratio_interval(p, q, m, level); }
            for &m in OddsRatioMethod::ALL { let _ = odds_ratio_interval(p, q, m, level); }
            for &a in Alternative::ALL { let _ = two_proportion_z_test(p, q, a); }
        }
        let _ = cohens_h(f[0], f[1]);
        let _ = chi_square_independence(&ragged, ContinuityCorrection::None);
        let _ = chi_square_independence(&ragged, ContinuityCorrection::Yates);
        let _ = chi_square_goodness_of_fit(&u, &f[..4]);
        let _ = chi_square_goodness_of_fit(&[u[0] % 1000, u[1] % 1000], &f[..2]);
        // Totals above 2^53 must be refused at once rather than summed.
        let _ = fisher_exact([[u[0], u[1]], [u[2], u[3]]], Alternative::TwoSided).map_err(|e| e.to_string());
        let _ = adjust_p_values(&f, PValueAdjustment::Holm);
        let _ = simultaneous_intervals(&[u[0] % 5000, u[1] % 5000, u[2] % 5000], ConfidenceLevel::NINETY_FIVE, MultinomialMethod::SisonGlaz);
        let _ = simultaneous_intervals(&u, ConfidenceLevel::NINETY_FIVE, MultinomialMethod::Goodman);
        let level = ConfidenceLevel::NINETY_FIVE;
        let _ = margin_of_error(f[0], f[1], level);
        let _ = sample_size_for_margin(f[0], f[1], level);
        let _ = two_proportion_power(f[0], f[1], f[2], f[3], Alpha::new(f[4]).unwrap_or_default(), Alternative::TwoSided);
        if f[4].abs() > 1e-4 {
            let _ = two_proportion_sample_size(f[0], f[1], f[2], Alpha::new(f[4]).unwrap_or_default(), f[3], Alternative::TwoSided);
        }
        for &m in RateRatioMethod::ALL {
            let _ = rate_ratio_interval(u[0], f[0], u[1], f[1], level, m);
        }
        for name in ["wilson", "nonsense", "", "BH", "Two_Sided"] {
            let _ = name.parse::<ProportionMethod>();
            let _ = name.parse::<PValueAdjustment>();
            let _ = name.parse::<Alternative>();
        }
    }
}

#[test]
fn fisher_refuses_totals_beyond_exact_integers() {
    let err = fisher_exact([[1 << 53, 1], [0, 0]], Alternative::TwoSided).unwrap_err();
    assert!(matches!(err, Error::CountTooLarge { .. }), "{err}");
    let err = fisher_exact([[u64::MAX, u64::MAX], [1, 1]], Alternative::TwoSided).unwrap_err();
    assert!(matches!(err, Error::CountTooLarge { .. }), "{err}");
}
