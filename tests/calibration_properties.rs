//! Property tests of calibration (`CalibrationTargets::calibrate_weights`,
//! `SampleDesign::calibrate_to`): for every distance (linear with and without bounds, raking with
//! and without, logit) calibrated weights reproduce their totals, recomputed from the weights, to
//! the stopping tolerance, and keep their g-weights within the bounds; weights that already meet
//! the totals are left as they are; and no input, however hostile, panics or runs away: zero,
//! subnormal (5e-324), huge (1e150), negative and NaN weights; NaN and huge auxiliaries; totals of
//! 0, negative, NaN; a single respondent; empty categories; out-of-range categories; mismatched
//! lengths; bounds that are NaN, inverted or exclude 1; iteration limits from 0.

use proptest::prelude::*;
use survey_analytics::*;

/// The distances and bounds checked, R's defaults otherwise.
fn settings() -> Vec<CalibrationOptions> {
    use CalibrationFunction::{Linear, Logit, Raking};
    vec![
        CalibrationOptions::default(),
        CalibrationOptions::bounded(Linear, 0.5, 2.0),
        CalibrationOptions {
            function: Raking,
            ..CalibrationOptions::default()
        },
        CalibrationOptions::bounded(Raking, 0.5, 2.0),
        CalibrationOptions::bounded(Logit, 0.5, 2.0),
    ]
}

/// Respondents: weight, two categories (of 3 and 2), a numeric value, and a factor in
/// (0.51, 1.98) that makes the totals reachable within the bounds (0.5, 2), near enough to them
/// that R's Newton steps sometimes cycle (and the damped method takes over).
fn sample() -> impl Strategy<Value = Vec<(f64, usize, usize, f64, f64)>> {
    prop::collection::vec(
        (
            0.1_f64..10.0,
            0_usize..3,
            0_usize..2,
            0.0_f64..10.0,
            0.51_f64..1.98,
        ),
        1..150,
    )
}

/// Totals of the sample's categories and numeric column under `weights`.
fn totals(rows: &[(f64, usize, usize, f64, f64)], weights: &[f64]) -> (Vec<f64>, Vec<f64>, f64) {
    let (mut a, mut b, mut x) = (vec![0.0; 3], vec![0.0; 2], 0.0);
    for (row, &w) in rows.iter().zip(weights) {
        a[row.1] += w;
        b[row.2] += w;
        x += w * row.3;
    }
    (a, b, x)
}

fn targets(rows: &[(f64, usize, usize, f64, f64)], weights: &[f64]) -> CalibrationTargets {
    let (a, b, x) = totals(rows, weights);
    CalibrationTargets::new()
        .margin(CalibrationMargin::new(rows.iter().map(|r| r.1).collect(), a).unwrap())
        .margin(CalibrationMargin::new(rows.iter().map(|r| r.2).collect(), b).unwrap())
        .numeric(NumericAuxiliary::new(rows.iter().map(|r| r.3).collect(), x).unwrap())
}

/// Whether `got` meets `want` by R's measure.
fn met(got: f64, want: f64) -> bool {
    (got - want).abs() / (1.0 + want.abs()) < 1e-7
}

fn edge_weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e150),
        1 => Just(f64::NAN),
        1 => Just(-1.0),
        6 => 0.01_f64..100.0,
    ]
}

fn edge_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e150),
        1 => Just(-1e150),
        1 => Just(f64::NAN),
        6 => -5.0_f64..5.0,
    ]
}

fn edge_total() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        1 => Just(-3.0),
        1 => Just(1e300),
        1 => Just(f64::NAN),
        1 => Just(5e-324),
        6 => 0.0_f64..500.0,
    ]
}

fn edge_bound() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NEG_INFINITY),
        Just(f64::INFINITY),
        Just(f64::NAN),
        Just(1.0),
        Just(0.0),
        -1.0_f64..3.0,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Reachable totals are reproduced to the tolerance within the bounds, or refused with a
    /// reason: collinear auxiliaries (few respondents), or negative weights from unbounded linear
    /// calibration.
    #[test]
    fn calibration_reproduces_its_totals_within_the_bounds(rows in sample()) {
        let weights: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let goal: Vec<f64> = rows.iter().map(|r| r.0 * r.4).collect();
        let targets = targets(&rows, &goal);
        let (a, b, x) = totals(&rows, &goal);
        for options in settings() {
            match targets.calibrate_weights(&weights, &options) {
                Ok((new, report)) => {
                    let (ga, gb, gx) = totals(&rows, &new);
                    // R's measure applies to the columns of the model matrix: the intercept and
                    // every category but the first of each margin, whose total is then met to
                    // the intercept's tolerance plus the other categories'.
                    let size: f64 = a.iter().sum();
                    prop_assert!(met(ga.iter().sum(), size));
                    for (got, want) in ga.iter().zip(&a).chain(gb.iter().zip(&b)) {
                        prop_assert!((got - want).abs() < 4e-7 * (1.0 + size), "{options:?}: {got} against {want}");
                    }
                    for (sums, wants) in [(&ga, &a), (&gb, &b)] {
                        // The reference is the first category with a total (categories empty in
                        // the sample and the population have no column).
                        let reference = wants.iter().position(|&t| t > 0.0);
                        for (c, (got, want)) in sums.iter().zip(wants).enumerate() {
                            if Some(c) != reference && *want > 0.0 {
                                prop_assert!(met(*got, *want), "{options:?}: {got} against {want}");
                            }
                        }
                    }
                    prop_assert!(met(gx, x), "{options:?}: {gx} against {x}");
                    prop_assert!(report.largest_misfit < 1e-7);
                    let (lower, upper) = options.bounds;
                    for (n, w) in new.iter().zip(&weights) {
                        let g = n / w;
                        prop_assert!(g >= lower * (1.0 - 1e-12) && g <= upper * (1.0 + 1e-12), "{options:?}: g = {g}");
                        prop_assert!(*n >= 0.0 && n.is_finite());
                    }
                }
                Err(Error::CollinearAuxiliaries { .. }) => prop_assert!(rows.len() < 40, "{options:?}"),
                Err(Error::Undefined { .. }) => prop_assert!(options.bounds.0 < 0.0),
                Err(err) => prop_assert!(false, "{options:?}: {err}"),
            }
        }
    }

    /// Weights that already meet the totals come back as they were.
    #[test]
    fn calibrated_weights_are_a_fixed_point(rows in sample()) {
        let weights: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let targets = targets(&rows, &weights);
        for options in settings() {
            match targets.calibrate_weights(&weights, &options) {
                Ok((new, report)) => {
                    prop_assert!(report.iterations <= 2, "{options:?}: {report:?}");
                    for (n, w) in new.iter().zip(&weights) {
                        prop_assert!((n - w).abs() <= 1e-12 * w, "{options:?}: {n} against {w}");
                    }
                }
                Err(Error::CollinearAuxiliaries { .. }) => prop_assert!(rows.len() < 40),
                Err(err) => prop_assert!(false, "{options:?}: {err}"),
            }
        }
    }

    /// Nothing panics or runs away, whatever the input; what is accepted is valid.
    #[test]
    fn no_input_panics(
        weights in prop::collection::vec(edge_weight(), 1..40),
        cells in prop::collection::vec(0_usize..4, 0..42),
        category_totals in prop::collection::vec(edge_total(), 0..4),
        values in prop::collection::vec(edge_value(), 0..42),
        total in edge_total(),
        size in prop::option::of(edge_total()),
        function in prop::sample::select(CalibrationFunction::ALL.to_vec()),
        bounds in (edge_bound(), edge_bound()),
        max_iterations in 0_usize..60,
        tolerance in prop_oneof![Just(0.0), Just(1e-7), Just(f64::NAN), Just(1e-300)],
    ) {
        let mut targets = CalibrationTargets::new();
        if let Some(size) = size {
            targets = targets.population_size(size);
        }
        if let Ok(margin) = CalibrationMargin::new(cells, category_totals) {
            targets = targets.margin(margin);
        }
        if let Ok(auxiliary) = NumericAuxiliary::new(values.clone(), total) {
            targets = targets.numeric(auxiliary);
        }
        let options = CalibrationOptions { function, bounds, max_iterations, tolerance };
        if let Ok((new, report)) = targets.calibrate_weights(&weights, &options) {
            prop_assert!(new.iter().all(|w| w.is_finite() && *w >= 0.0));
            prop_assert!(report.iterations <= max_iterations.max(1));
        }
        if let Ok(design) = SampleDesign::new(weights.clone())
            && let Ok((calibrated, _)) = design.calibrate_to(&targets, &options)
        {
            let y: Vec<f64> = (0..weights.len()).map(|k| k as f64).collect();
            if let Ok(m) = calibrated.mean(&y) {
                prop_assert!(!m.std_error.is_nan() || calibrated.weights().iter().all(|&w| w == 0.0));
            }
        }
    }
}
