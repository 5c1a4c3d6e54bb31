//! Property tests of design-based estimation: equal weights without strata or clusters reduce to
//! the simple-random-sampling results, calibration reproduces its margins, and nothing panics on
//! any input (zero or negative weights, strata with one cluster, empty domains).

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn equal_weights_reduce_to_simple_random_sampling(rows in answers(), weight in 0.5_f64..50.0) {
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
        prop_assert!((design.kish_effective_base() - rows.len() as f64).abs() < 1e-9);
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
        let second = CalibrationMargin::new(b, tb).unwrap();
        let post = design.post_stratify(&first).unwrap();
        for (c, total) in ta.iter().enumerate() {
            let sum: f64 = post.weights().iter().zip(&a).filter(|(_, x)| **x == c).map(|(w, _)| w).sum();
            prop_assert!((sum - total).abs() <= 1e-9 * total.max(1.0));
        }
        let (raked, report) = design.rake(&[first, second], &RakeOptions::default()).unwrap();
        if report.converged {
            prop_assert!(report.largest_margin_error <= 1e-6 * sa, "{report:?}");
        }
        let total: f64 = raked.weights().iter().sum();
        prop_assert!((total - sa).abs() <= 1e-9 * sa);
    }

    /// Arbitrary weights, designs, codes and options: values or typed errors, never a panic.
    #[test]
    fn nothing_panics(
        weights in prop::collection::vec(prop_oneof![Just(0.0), Just(-1.0), Just(f64::NAN), Just(f64::INFINITY), 0.0_f64..100.0], 1..40),
        strata in prop::collection::vec(0_u8..3, 40),
        clusters in prop::collection::vec(0_u8..4, 40),
        values in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(0.0), Just(1.0), -5.0_f64..5.0], 40),
        codes in prop::collection::vec(prop::option::of(0_usize..5), 40),
        lonely in 0_usize..5,
        bounds in (prop_oneof![Just(f64::NAN), 0.0_f64..10.0], 0.0_f64..100.0),
    ) {
        let n = weights.len();
        let Ok(design) = SampleDesign::new(weights.clone()) else { return Ok(()) };
        let options = [LonelyPsu::Fail, LonelyPsu::Certainty, LonelyPsu::Remove, LonelyPsu::Adjust, LonelyPsu::Average];
        let design = design
            .with_strata(&strata[..n]).unwrap()
            .with_clusters(&clusters[..n]).unwrap()
            .with_lonely_psu(options[lonely]);
        let _ = design.mean(&values[..n]);
        let _ = design.total(&values[..n]);
        let _ = design.mean(&values);
        let outcome: Vec<Option<bool>> = values[..n].iter().map(|v| (!v.is_nan()).then_some(*v > 0.0)).collect();
        if let Ok(p) = design.proportion(&outcome) {
            for method in DesignInterval::ALL {
                let _ = p.proportion_interval(*method, ConfidenceLevel::NINETY_FIVE);
            }
        }
        if let Ok(domains) = design.domain_means(&values[..n], &codes[..n], 5) {
            let _ = domains.contrast(0, 4);
            let _ = domains.contrast(1, 9);
        }
        let _ = design.domain_means(&values[..n], &codes[..n], 2);
        let _ = design.rao_scott(&codes[..n], &codes[..n].iter().rev().copied().collect::<Vec<_>>(), 5, 5);
        let _ = design.rao_scott(&codes[..n], &codes[..n], 2, 2);
        let cells: Vec<usize> = codes[..n].iter().map(|c| c.unwrap_or(0)).collect();
        if let Ok(margin) = CalibrationMargin::new(cells.clone(), vec![10.0; 5]) {
            let _ = design.post_stratify(&margin);
            let _ = design.rake(&[margin.clone(), margin], &RakeOptions { max_iterations: 5, relative_tolerance: 1e-12 });
        }
        let _ = CalibrationMargin::new(cells, vec![f64::NAN]);
        let _ = design.trim_weights(bounds.0, bounds.1, true);
        let answers = Categories::new("a", ["0", "1", "2", "3", "4"]).unwrap();
        let groups = Categories::new("g", ["0", "1", "2", "3", "4"]).unwrap();
        let crosstab_options = CrosstabOptions::default().min_base(2);
        if let Ok(table) = Crosstab::from_design(&design, &answers, &groups, &codes[..n], &codes[..n], &crosstab_options.clone().design_interval(DesignInterval::Beta)) {
            let _ = table.to_text();
        }
        let chosen: Vec<Option<Vec<usize>>> = codes[..n].iter().map(|c| c.map(|x| vec![x])).collect();
        let _ = Crosstab::from_design_multi(&design, &answers, &groups, &chosen, &codes[..n], &crosstab_options.clone().design_interval(DesignInterval::Asin));
    }
}

#[test]
fn invalid_designs_are_refused_with_their_reason() {
    assert!(matches!(
        SampleDesign::new(vec![]).unwrap_err(),
        Error::TooFewValues { .. }
    ));
    assert!(matches!(
        SampleDesign::new(vec![1.0, -2.0]).unwrap_err(),
        Error::InvalidWeight {
            record: Some(1),
            ..
        }
    ));
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
