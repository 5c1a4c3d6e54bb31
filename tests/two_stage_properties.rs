//! Property tests of two-stage designs (R's `multistage`): a second stage sampled whole adds
//! nothing to the one-stage variance, and neither does any second stage under a first stage with
//! replacement (fraction 0, or no first-stage correction); a census at both stages has no
//! variance; adding a second stage never lowers a standard error; and no input panics: second-stage
//! corrections of 0, 1, n - 1, n, huge, NaN, infinite or negative, varying within a PSU, PSUs of
//! a single second-stage unit under every lonely-PSU option, zero, subnormal and huge weights.
//!
//! "Adds nothing" is exact in arithmetic; a two-stage design sums its first stage over the records
//! rather than over dense PSU totals, which may round differently, so means and domain means are
//! compared within 1e-12 relative (ratios, whose paths are the same, to the bit).

use proptest::prelude::*;
use survey_analytics::*;

const LONELY: [LonelyPsu; 5] = [
    LonelyPsu::Fail,
    LonelyPsu::Certainty,
    LonelyPsu::Remove,
    LonelyPsu::Adjust,
    LonelyPsu::Average,
];

/// A sample: per record its stratum, PSU (within the stratum), SSU (within the PSU), weight,
/// value and domain.
#[derive(Debug, Clone)]
struct Sample {
    strata: Vec<u8>,
    psus: Vec<(u8, u8)>,
    ssus: Vec<u8>,
    weights: Vec<f64>,
    y: Vec<f64>,
    x: Vec<f64>,
    domains: Vec<Option<usize>>,
}

fn sample(weight: BoxedStrategy<f64>) -> impl Strategy<Value = Sample> {
    prop::collection::vec(
        (
            0_u8..3,
            0_u8..4,
            0_u8..4,
            weight,
            -50.0_f64..50.0,
            0.5_f64..20.0,
            prop::option::weighted(0.9, 0_usize..3),
        ),
        2..60,
    )
    .prop_map(|rows| Sample {
        strata: rows.iter().map(|r| r.0).collect(),
        psus: rows.iter().map(|r| (r.0, r.1)).collect(),
        ssus: rows.iter().map(|r| r.2).collect(),
        weights: rows.iter().map(|r| r.3).collect(),
        y: rows.iter().map(|r| r.4).collect(),
        x: rows.iter().map(|r| r.5).collect(),
        domains: rows.iter().map(|r| r.6).collect(),
    })
}

impl Sample {
    /// Stratified clusters, with `fpc1(stratum)` as the first-stage correction when given.
    fn design(&self, lonely: LonelyPsu, fpc1: Option<&dyn Fn(u8) -> f64>) -> SampleDesign {
        let design = SampleDesign::new(self.weights.clone())
            .unwrap()
            .with_strata(&self.strata)
            .unwrap()
            .with_clusters(&self.psus)
            .unwrap()
            .with_lonely_psu(lonely);
        match fpc1 {
            Some(f) => {
                let values: Vec<f64> = self.strata.iter().map(|&h| f(h)).collect();
                design.with_fpc(&values).unwrap()
            }
            None => design,
        }
    }

    /// `design` with the second stage, `fpc2(psu)` its correction when given.
    fn two_stage(
        &self,
        design: SampleDesign,
        fpc2: Option<&dyn Fn((u8, u8)) -> f64>,
    ) -> Result<SampleDesign> {
        let design = design.with_second_stage_clusters(&self.ssus)?;
        match fpc2 {
            Some(f) => {
                let values: Vec<f64> = self.psus.iter().map(|&p| f(p)).collect();
                design.with_second_stage_fpc(&values)
            }
            None => Ok(design),
        }
    }
}

fn ordinary_weight() -> BoxedStrategy<f64> {
    prop_oneof![1 => Just(0.0), 6 => 0.01_f64..100.0].boxed()
}

fn any_weight() -> BoxedStrategy<f64> {
    prop_oneof![
        2 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e150),
        6 => 0.01_f64..100.0,
    ]
    .boxed()
}

/// Whether `a` and `b` agree within 1e-12 relative (of the larger), or both are tiny.
fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) + 1e-300
}

/// Means, domain means (and their covariances) and the ratio of `y` to `x` on `a` and `b` agree:
/// the same results or the same kind of error.
fn same_results(
    a: &SampleDesign,
    b: &SampleDesign,
    s: &Sample,
) -> std::result::Result<(), TestCaseError> {
    match (a.mean(&s.y), b.mean(&s.y)) {
        (Ok(m), Ok(n)) => {
            prop_assert_eq!(m.estimate, n.estimate);
            prop_assert!(near(m.std_error, n.std_error), "{m:?} vs {n:?}");
        }
        (Err(e), Err(f)) => prop_assert_eq!(std::mem::discriminant(&e), std::mem::discriminant(&f)),
        (m, n) => prop_assert!(false, "{m:?} vs {n:?}"),
    }
    match (
        a.domain_means(&s.y, &s.domains, 3),
        b.domain_means(&s.y, &s.domains, 3),
    ) {
        (Ok(m), Ok(n)) => {
            for i in 0..3 {
                for j in 0..3 {
                    let (c, d) = (m.covariance(i, j).unwrap(), n.covariance(i, j).unwrap());
                    let scale = (m.covariance(i, i).unwrap() * m.covariance(j, j).unwrap()).sqrt();
                    prop_assert!(
                        (c - d).abs() <= 1e-12 * scale.max(c.abs()) + 1e-300,
                        "{c} vs {d}"
                    );
                }
            }
        }
        (Err(e), Err(f)) => prop_assert_eq!(std::mem::discriminant(&e), std::mem::discriminant(&f)),
        (m, n) => prop_assert!(false, "{m:?} vs {n:?}"),
    }
    match (a.ratio(&s.y, &s.x), b.ratio(&s.y, &s.x)) {
        (Ok(m), Ok(n)) => {
            prop_assert_eq!(m.estimate.to_bits(), n.estimate.to_bits());
            prop_assert_eq!(m.std_error.to_bits(), n.std_error.to_bits());
        }
        (Err(e), Err(f)) => prop_assert_eq!(std::mem::discriminant(&e), std::mem::discriminant(&f)),
        (m, n) => prop_assert!(false, "{m:?} vs {n:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A second stage sampled whole (fraction 1, or populations equal to the samples) adds
    /// nothing: the one-stage results, whatever the first stage's fraction.
    #[test]
    fn a_second_stage_census_is_the_one_stage_design(
        s in sample(ordinary_weight()),
        f1 in prop_oneof![Just(0.0), Just(1.0), 0.01_f64..0.99],
        lonely in 0_usize..5,
    ) {
        let fpc1 = move |_: u8| f1;
        let one = s.design(LONELY[lonely], Some(&fpc1));
        let whole = s.two_stage(one.clone(), Some(&|_| 1.0)).unwrap();
        same_results(&one, &whole, &s)?;
        // Populations equal to each PSU's sample of SSUs.
        let sizes: Vec<f64> = s
            .psus
            .iter()
            .map(|p| {
                let mut units: Vec<u8> = s
                    .psus
                    .iter()
                    .zip(&s.ssus)
                    .filter(|(q, _)| *q == p)
                    .map(|(_, &u)| u)
                    .collect();
                units.sort_unstable();
                units.dedup();
                // A single unit is a fraction of 1, not a population of 1 (also a census).
                units.len() as f64
            })
            .collect();
        let counted = one
            .clone()
            .with_second_stage_clusters(&s.ssus)
            .unwrap()
            .with_second_stage_fpc(&sizes)
            .unwrap();
        same_results(&one, &counted, &s)?;
    }

    /// With replacement at the first stage (a fraction of 0, or no correction), any second stage
    /// adds nothing, not even a lonely second-stage unit's failure (R computes it, then multiplies
    /// it by 0).
    #[test]
    fn a_first_stage_with_replacement_ignores_the_second(
        s in sample(ordinary_weight()),
        f2 in prop_oneof![Just(0.0), Just(1.0), 0.01_f64..0.99, 5.0_f64..50.0],
        zero in any::<bool>(),
        lonely in 0_usize..5,
    ) {
        let fpc1 = |_: u8| 0.0;
        let one = s.design(LONELY[lonely], zero.then_some(&fpc1 as &dyn Fn(u8) -> f64));
        let fpc2 = move |_: (u8, u8)| f2;
        if let Ok(two) = s.two_stage(one.clone(), Some(&fpc2)) {
            same_results(&one, &two, &s)?;
        }
        let two = s.two_stage(one.clone(), None).unwrap();
        same_results(&one, &two, &s)?;
    }

    /// A census at both stages has no sampling variance.
    #[test]
    fn a_census_at_both_stages_has_no_variance(
        s in sample(ordinary_weight()),
        lonely in 0_usize..5,
    ) {
        let census = s
            .two_stage(s.design(LONELY[lonely], Some(&|_| 1.0)), Some(&|_| 1.0))
            .unwrap();
        if let Ok(m) = census.mean(&s.y) {
            prop_assert_eq!(m.std_error, 0.0);
        }
        if let Ok(t) = census.total(&s.y) {
            prop_assert_eq!(t.std_error, 0.0);
        }
        if let Ok(by) = census.domain_means(&s.y, &s.domains, 3) {
            for i in 0..3 {
                for j in 0..3 {
                    prop_assert_eq!(by.covariance(i, j).unwrap(), 0.0);
                }
            }
        }
        if let Ok(r) = census.ratio(&s.y, &s.x) {
            prop_assert_eq!(r.std_error, 0.0);
        }
    }

    /// The second stage's contribution is a sum of squares: it never lowers a standard error.
    #[test]
    fn a_second_stage_never_lowers_a_standard_error(
        s in sample(ordinary_weight()),
        f1 in 0.01_f64..1.0,
        f2 in prop_oneof![Just(0.0), 0.01_f64..1.0],
    ) {
        let fpc1 = move |_: u8| f1;
        let one = s.design(LonelyPsu::Certainty, Some(&fpc1));
        let two = s.two_stage(one.clone(), Some(&move |_| f2)).unwrap();
        if let (Ok(a), Ok(b)) = (one.mean(&s.y), two.mean(&s.y)) {
            prop_assert!(b.std_error >= a.std_error * (1.0 - 1e-12), "{a:?} vs {b:?}");
        }
    }

    /// No input panics: any correction at either stage is refused by name or estimated soundly.
    #[test]
    fn any_two_stage_design_is_estimated_or_refused(
        s in sample(any_weight()),
        fpc1 in prop::collection::vec(prop_oneof![
            Just(0.0), Just(1.0), Just(3.0), Just(4.0), Just(1e300), 0.0_f64..1.0, 1.0_f64..20.0,
        ], 3),
        fpc2 in prop::collection::vec(prop_oneof![
            Just(0.0), Just(1.0), Just(2.0), Just(3.0), Just(4.0), Just(1e300), Just(f64::NAN),
            Just(f64::INFINITY), Just(-1.0), 0.0_f64..1.0, 1.0_f64..10.0,
        ], 12),
        vary in any::<bool>(),
        single in any::<bool>(),
        lonely in 0_usize..5,
    ) {
        let f1 = fpc1.clone();
        let first = move |h: u8| f1[h as usize];
        let design = s.design(LONELY[lonely], Some(&first));
        // One SSU per PSU, or the sample's; the correction per PSU, or varying within them.
        let ssus: Vec<u8> = if single { vec![0; s.y.len()] } else { s.ssus.clone() };
        let values: Vec<f64> = s
            .psus
            .iter()
            .enumerate()
            .map(|(k, &(h, p))| {
                let at = (h as usize * 4 + p as usize + if vary { k } else { 0 }) % fpc2.len();
                fpc2[at]
            })
            .collect();
        let two = design
            .with_second_stage_clusters(&ssus)
            .and_then(|d| d.with_second_stage_fpc(&values));
        let two = match two {
            Ok(two) => two,
            Err(Error::InvalidValue { record, .. }) => {
                prop_assert!(record < values.len());
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        };
        let ok_error = |e: &Error| {
            matches!(
                e,
                Error::LonelyPsu { .. }
                    | Error::Undefined { .. }
                    | Error::InvalidParameter { .. }
                    | Error::EmptyBase
            )
        };
        for result in [two.mean(&s.y), two.total(&s.y)] {
            match result {
                Ok(e) => prop_assert!(
                    e.estimate.is_finite() && e.std_error.is_finite() && e.std_error >= 0.0,
                    "{e:?}"
                ),
                Err(e) => prop_assert!(ok_error(&e), "{e:?}"),
            }
        }
        match two.domain_means(&s.y, &s.domains, 3) {
            Ok(by) => {
                for e in by.estimates().iter().flatten() {
                    prop_assert!(e.std_error.is_finite() && e.std_error >= 0.0, "{e:?}");
                }
            }
            Err(e) => prop_assert!(ok_error(&e), "{e:?}"),
        }
        match two.ratio(&s.y, &s.x) {
            Ok(r) => prop_assert!(r.std_error.is_finite() && r.std_error >= 0.0, "{r:?}"),
            Err(e) => prop_assert!(ok_error(&e), "{e:?}"),
        }
        let rows: Vec<Option<usize>> = s.strata.iter().map(|&h| Some(h as usize % 2)).collect();
        if let Err(e) = two.rao_scott(&rows, &s.domains, 2, 3) {
            prop_assert!(ok_error(&e) || matches!(e, Error::TooFewValues { .. }), "{e:?}");
        }
        if let Err(e) = two.quantile(&s.y, 0.5, ConfidenceLevel::NINETY_FIVE) {
            prop_assert!(ok_error(&e), "{e:?}");
        }
    }
}
