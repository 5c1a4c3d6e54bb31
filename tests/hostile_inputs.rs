//! Hostile inputs to the survey and design layers: huge sizes, absurd indices, invalid and extreme
//! weights and values, impossible margins, lonely PSUs and empty domains. Each case must end
//! quickly, with a value that respects the contract or a typed error naming what was wrong, and
//! within a bound on the memory it allocates (measured by a counting allocator).
//!
//! The time limits are for a debug build on a shared machine (a release build is 10 to 30 times
//! faster); the memory limits count the bytes allocated at the peak of the case, beyond what was
//! allocated before it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use survey_analytics::*;

/// Counts the bytes allocated now and at the peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded to the system allocator with the caller's layout.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from `alloc` above with this layout.
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time, setup included, so that the memory measured is the case's own: every
/// test holds this for its whole body.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const MIB: usize = 1 << 20;

/// Runs `f` (under [`serial`]), asserting it ends within `time` and allocates at most `memory` bytes at its peak.
fn bounded<T>(what: &str, time: Duration, memory: usize, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(before);
    // Shown with `--nocapture`: how close each case runs to its bounds.
    eprintln!("{what}: {elapsed:?}, peak {} KiB", peak / 1024);
    assert!(elapsed < time, "{what}: took {elapsed:?} (limit {time:?})");
    assert!(
        peak <= memory,
        "{what}: allocated {} MiB at its peak (limit {} MiB)",
        peak / MIB,
        memory / MIB
    );
    value
}

const QUICK: Duration = Duration::from_millis(200);
const SLOW: Duration = Duration::from_secs(5);
/// For a million items in a debug build on a loaded machine: the quadratic checks these cases
/// replace took hours.
const MILLION: Duration = Duration::from_secs(20);

fn labels(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn categories_of_a_million_labels_are_checked_in_n_log_n() {
    let _serial = serial();
    let many = labels("respondent-", 1_000_000);
    let categories = bounded("a million labels", MILLION, 200 * MIB, || {
        Categories::new("id", many.clone()).unwrap()
    });
    assert_eq!(categories.index_of("respondent-999999"), Some(999_999));
    assert_eq!(categories.index_of("respondent-1000000"), None);
    let mut repeated = many;
    repeated.push("respondent-17".to_string());
    let err = bounded("a million labels, one repeated", MILLION, 200 * MIB, || {
        Categories::new("id", repeated).unwrap_err()
    });
    assert_eq!(
        err,
        Error::InvalidLabel {
            label: "respondent-17".into(),
            reason: "labels must be distinct"
        }
    );
}

#[test]
fn tallies_refuse_their_size_before_allocating() {
    let _serial = serial();
    let wide = Categories::new("postcode", labels("P", 100_000)).unwrap();
    let dimensions = vec![wide.clone(), wide.clone(), wide.clone()];
    let err = bounded("three 100k dimensions", QUICK, MIB, || {
        Tally::new(dimensions).unwrap_err()
    });
    assert!(
        matches!(err, Error::CountTooLarge { value, max, .. } if value > max && max == 1 << 24),
        "{err}"
    );
    let (options, groups) = (wide.clone(), wide);
    let err = bounded("a 100k x 100k multi-select tally", QUICK, MIB, || {
        MultiSelectTally::new(options, groups).unwrap_err()
    });
    assert!(matches!(err, Error::CountTooLarge { .. }), "{err}");
}

#[test]
fn tally_indices_and_keys_are_checked_with_what_they_count() {
    let _serial = serial();
    let q = Categories::new("q", ["yes", "no"]).unwrap();
    let role = Categories::new("role", ["leader", "ic"]).unwrap();
    let mut tally = Tally::new_weighted(vec![q, role]).unwrap();
    assert_eq!(
        tally.add_weighted(&[Some(0)], 1.0),
        Err(Error::LengthMismatch {
            name: "key",
            expected: 2,
            len: 1,
            per: "dimension"
        })
    );
    assert!(
        tally
            .add_weighted(&[Some(0)], 1.0)
            .unwrap_err()
            .to_string()
            .ends_with("(one per dimension)")
    );
    assert_eq!(
        tally.add_weighted(&[Some(usize::MAX), None], 1.0),
        Err(Error::CategoryOutOfRange {
            dimension: "q".into(),
            index: usize::MAX,
            len: 2
        })
    );
    tally.add_weighted(&[Some(0), Some(1)], 2.0).unwrap();
    tally.add_weighted(&[None, Some(1)], 0.0).unwrap();
    for bad in [f64::NAN, -1.0, f64::INFINITY, 1e300, -0.0 - 1e-300] {
        let err = tally.add_weighted(&[Some(1), Some(0)], bad).unwrap_err();
        // Two records were added before: this one is record 2.
        assert!(
            matches!(
                err,
                Error::InvalidWeight {
                    record: Some(2),
                    ..
                }
            ),
            "{bad}: {err}"
        );
    }
    for index in [2, 17, usize::MAX] {
        assert_eq!(
            tally.margin(index),
            Err(Error::DimensionOutOfRange { index, len: 2 })
        );
        assert_eq!(
            tally.cross(0, index),
            Err(Error::DimensionOutOfRange { index, len: 2 })
        );
        assert!(tally.clone().renamed(index, "x").is_err());
    }
    assert_eq!(tally.cross(1, 1), Err(Error::SameDimension { index: 1 }));
    // Weights whose squares pass 2^64 saturate; the tally reports it when read.
    let mut heavy = Tally::new_weighted(vec![Categories::new("q", ["a"]).unwrap()]).unwrap();
    heavy.add_weighted(&[Some(0)], 1e19).unwrap();
    heavy.add_weighted(&[Some(0)], 1e19).unwrap();
    assert!(matches!(heavy.margin(0), Err(Error::CountTooLarge { .. })));
}

#[test]
fn analyses_refuse_tables_that_would_run_for_minutes() {
    let _serial = serial();
    let rows = Categories::new("q", labels("answer ", 4096)).unwrap();
    let columns = Categories::new("group", labels("group ", 4096)).unwrap();
    let table: Vec<Vec<u64>> = (0..4096).map(|_| vec![1; 4096]).collect();
    let counts = CrossCounts::from_table(rows, columns.clone(), &table).unwrap();
    let err = bounded("a 4096 x 4096 crosstab", QUICK, MIB, || {
        Crosstab::new(&counts, &CrosstabOptions::default()).unwrap_err()
    });
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let exact = CrosstabOptions::default().method(ProportionMethod::ClopperPearson);
    let narrow = CrossCounts::from_table(
        Categories::new("q", labels("a", 1000)).unwrap(),
        Categories::new("g", ["x"]).unwrap(),
        &vec![[5_u64]; 1000],
    )
    .unwrap();
    let table = bounded("1000 exact intervals", SLOW, 16 * MIB, || {
        Crosstab::new(&narrow, &exact).unwrap()
    });
    assert_eq!(table.rows().len(), 1000);
    let groups: Vec<(String, Proportion)> = (0..10_000)
        .map(|i| (format!("g{i}"), Proportion::new(i % 7, 10).unwrap()))
        .collect();
    let err = bounded("a comparison of 10,000 groups", QUICK, 4 * MIB, || {
        Comparison::new("outcome", &groups, &ComparisonOptions::default()).unwrap_err()
    });
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let mut tally = Tally::new(vec![Categories::new("q", labels("a", 100_000)).unwrap()]).unwrap();
    tally.add(&[Some(99_999)]).unwrap();
    let margin = tally.margin(0).unwrap();
    let err = bounded(
        "a breakdown of 100k exact intervals",
        QUICK,
        16 * MIB,
        || {
            Breakdown::new(
                &margin,
                &BreakdownOptions::default().method(ProportionMethod::Jeffreys),
            )
            .unwrap_err()
        },
    );
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let breakdown = bounded(
        "a breakdown of 100k Wilson intervals",
        SLOW,
        64 * MIB,
        || Breakdown::new(&margin, &BreakdownOptions::default()).unwrap(),
    );
    assert_eq!(breakdown.rows()[99_999].estimate.share, Some(1.0));
    // Nets that name categories that do not exist.
    let net = CrosstabOptions::default().net(Net::new("far", [usize::MAX]).unwrap());
    assert!(matches!(
        Crosstab::new(&narrow, &net),
        Err(Error::CategoryOutOfRange {
            index: usize::MAX,
            ..
        })
    ));
    assert!(matches!(
        Comparison::from_counts(&narrow, usize::MAX, &ComparisonOptions::default()),
        Err(Error::CategoryOutOfRange { .. })
    ));
}

fn design(n: usize) -> SampleDesign {
    SampleDesign::new((0..n).map(|k| 1.0 + (k % 7) as f64 / 7.0).collect()).unwrap()
}

#[test]
fn designs_refuse_invalid_and_overflowing_weights() {
    let _serial = serial();
    assert!(matches!(
        SampleDesign::new(vec![]),
        Err(Error::TooFewValues { .. })
    ));
    for (weights, record) in [
        (vec![1.0, f64::NAN], 1),
        (vec![-1e-300, 1.0], 0),
        (vec![1.0, 2.0, f64::INFINITY], 2),
    ] {
        assert!(matches!(
            SampleDesign::new(weights),
            Err(Error::InvalidWeight { record: Some(r), .. }) if r == record
        ));
    }
    assert!(matches!(
        SampleDesign::new(vec![1e308, 1e308]),
        Err(Error::Undefined { .. })
    ));
    assert!(matches!(
        SampleDesign::new(vec![1e200, 1.0]),
        Err(Error::Undefined { .. })
    ));
    // Subnormal and zero weights are weights.
    let tiny = SampleDesign::new(vec![5e-324, 1e-300, 0.0, 1.0]).unwrap();
    let mean = tiny.mean(&[1.0, 0.0, 1.0, 0.0]).unwrap();
    assert!(mean.estimate.is_finite() && mean.std_error.is_finite());
}

#[test]
fn domain_estimates_bound_their_domains_and_their_memory() {
    let _serial = serial();
    let four = design(4);
    let err = bounded("a billion domains on four respondents", QUICK, MIB, || {
        four.domain_means(&[1.0; 4], &[Some(0); 4], 1_000_000_000)
            .unwrap_err()
    });
    assert_eq!(
        err,
        Error::CountTooLarge {
            name: "domains",
            value: 1_000_000_000,
            max: MAX_DOMAINS as u64
        }
    );
    // Every domain allowed, each with a few of 100,000 respondents, no clusters: memory for the
    // covariance and its scratch (4 x 8 MiB) and the records, never domains x respondents.
    let n = 100_000;
    let big = design(n);
    let values: Vec<f64> = (0..n).map(|k| (k % 3) as f64).collect();
    let domains: Vec<Option<usize>> = (0..n).map(|k| Some(k % MAX_DOMAINS)).collect();
    let estimates = bounded(
        "1024 domains of 100,000 respondents",
        SLOW,
        48 * MIB,
        || big.domain_means(&values, &domains, MAX_DOMAINS).unwrap(),
    );
    assert!(estimates.estimates().iter().all(|e| e.is_some_and(|e| {
        e.estimate.is_finite() && e.std_error.is_finite() && e.std_error >= 0.0
    })));
    // Domains past the count are refused with the offending index.
    assert_eq!(
        four.domain_means(&[1.0; 4], &[Some(0), Some(3), None, Some(2)], 3),
        Err(Error::CategoryOutOfRange {
            dimension: "domains".into(),
            index: 3,
            len: 3
        })
    );
    // Lengths name what they count.
    let err = four.domain_means(&[1.0; 3], &[Some(0); 4], 1).unwrap_err();
    assert!(err.to_string().ends_with("(one per respondent)"), "{err}");
}

#[test]
fn design_values_must_be_finite_and_estimates_stay_finite() {
    let _serial = serial();
    let d = design(5);
    assert_eq!(
        d.mean(&[1.0, 2.0, f64::INFINITY, 0.0, f64::NAN]),
        Err(Error::InvalidValue {
            name: "values",
            record: 2,
            value: f64::INFINITY
        })
    );
    assert!(matches!(
        d.total(&[f64::NEG_INFINITY, 0.0, 0.0, 0.0, 0.0]),
        Err(Error::InvalidValue { record: 0, .. })
    ));
    // Finite values whose squares overflow: a typed error, not NaN.
    assert!(matches!(
        d.mean(&[1e300, -1e300, 1e300, 0.0, 1.0]),
        Err(Error::Undefined { .. })
    ));
    // Every value missing: nothing to estimate.
    assert_eq!(d.mean(&[f64::NAN; 5]), Err(Error::EmptyBase));
    // An empty domain has no estimate; the others are unaffected.
    let by = d
        .domain_means(
            &[1.0, 0.0, 1.0, 0.0, 1.0],
            &[Some(0), Some(0), None, Some(2), Some(2)],
            3,
        )
        .unwrap();
    assert!(by.estimates()[1].is_none());
    assert!(matches!(by.contrast(0, 1), Err(Error::EmptyBase)));
    assert!(by.contrast(0, 2).is_ok());
}

#[test]
fn lonely_psus_are_handled_as_chosen_in_every_stratum() {
    let _serial = serial();
    let n = 200_000;
    // Every respondent its own stratum and PSU: every stratum is lonely.
    let strata: Vec<usize> = (0..n).collect();
    let values: Vec<f64> = (0..n).map(|k| (k % 2) as f64).collect();
    let base = design(n).with_strata(&strata).unwrap();
    let err = bounded("200,000 lonely strata, fail", SLOW, 64 * MIB, || {
        base.mean(&values).unwrap_err()
    });
    assert!(matches!(err, Error::LonelyPsu { .. }), "{err}");
    for option in [
        LonelyPsu::Certainty,
        LonelyPsu::Remove,
        LonelyPsu::Adjust,
        LonelyPsu::Average,
    ] {
        let d = base.clone().with_lonely_psu(option);
        let mean = bounded("200,000 lonely strata", SLOW, 64 * MIB, || d.mean(&values));
        match (option, mean) {
            (LonelyPsu::Certainty | LonelyPsu::Remove, Ok(m)) => assert_eq!(m.std_error, 0.0),
            (LonelyPsu::Adjust, Ok(m)) => assert!(m.std_error > 0.0 && m.std_error.is_finite()),
            // Every stratum averaged out leaves nothing to average.
            (LonelyPsu::Average, result) => assert!(
                matches!(result, Err(Error::Undefined { what, .. }) if what.contains("averaged")),
                "{result:?}"
            ),
            (option, result) => panic!("{option}: {result:?}"),
        }
    }
}

#[test]
fn weighting_refuses_impossible_targets_and_options() {
    let _serial = serial();
    let d = design(6);
    let cells = vec![0, 0, 1, 1, 2, 2];
    assert!(matches!(
        CalibrationMargin::new(cells.clone(), vec![1e308, 1e308, 1.0]),
        Err(Error::InvalidParameter { .. })
    ));
    let margin = CalibrationMargin::new(cells.clone(), vec![10.0, 20.0, 30.0]).unwrap();
    for options in [
        RakeOptions {
            max_iterations: usize::MAX,
            relative_tolerance: 0.0,
        },
        RakeOptions {
            max_iterations: 10,
            relative_tolerance: f64::NAN,
        },
        RakeOptions {
            max_iterations: 10,
            relative_tolerance: -1.0,
        },
    ] {
        assert!(
            d.rake(std::slice::from_ref(&margin), &options).is_err(),
            "{options:?}"
        );
    }
    // Totals a hundred orders of magnitude above the sample's weights overflow: refused.
    let far = CalibrationMargin::new(cells.clone(), vec![1e300, 1e300, 1e300]).unwrap();
    let tiny = SampleDesign::new(vec![1e-300; 6]).unwrap();
    assert!(matches!(
        tiny.post_stratify(&far),
        Err(Error::Undefined { .. })
    ));
    // Margins that contradict each other: the longest raking allowed stays short and finite.
    let a = CalibrationMargin::new(vec![0, 0, 0, 1, 1, 1], vec![100.0, 1.0]).unwrap();
    let b = CalibrationMargin::new(vec![0, 1, 1, 0, 1, 1], vec![1.0, 100.0]).unwrap();
    let options = RakeOptions {
        max_iterations: MAX_RAKE_ITERATIONS,
        relative_tolerance: 0.0,
    };
    let (raked, report) = bounded("raking contradictory margins", SLOW, MIB, || {
        d.rake(&[a, b], &options).unwrap()
    });
    assert!(!report.converged && report.largest_margin_error.is_finite());
    assert!(raked.weights().iter().all(|w| w.is_finite() && *w >= 0.0));
    // Trimming bounds that the total cannot meet, and spreading that would go negative.
    assert!(d.trim_weights(5.0, 6.0, true).is_err());
    assert!(d.trim_weights(0.0, 0.1, false).is_err());
    assert!(d.trim_weights(f64::NAN, 1.0, false).is_err());
    // Eight weights raised to 1 take 8 from the two inside, 4 each: the weight of 1 would go to -3
    // (R's trimWeights returns it).
    let mut skewed = vec![0.0; 8];
    skewed.extend([1.0, 20.0]);
    let skewed = SampleDesign::new(skewed).unwrap();
    assert!(matches!(
        skewed.trim_weights(1.0, 100.0, false),
        Err(Error::Undefined { .. })
    ));
}

#[test]
fn rao_scott_and_design_crosstabs_refuse_their_size() {
    let _serial = serial();
    let d = design(8);
    let codes = [
        Some(0),
        Some(1),
        Some(0),
        Some(1),
        Some(0),
        Some(1),
        Some(0),
        Some(1),
    ];
    let err = bounded("a Rao-Scott table of 2^62 cells", QUICK, MIB, || {
        d.rao_scott(&codes, &codes, 1 << 31, 1 << 31).unwrap_err()
    });
    assert!(matches!(err, Error::CountTooLarge { .. }), "{err}");
    let many: Vec<Option<usize>> = (0..8).map(Some).collect();
    let groups = Categories::new("g", labels("g", 8)).unwrap();
    let answers = Categories::new("a", labels("a", 100_000)).unwrap();
    let big = design(100_000);
    let rows: Vec<Option<usize>> = (0..100_000).map(Some).collect();
    let group_codes: Vec<Option<usize>> = (0..100_000).map(|k| Some(k % 8)).collect();
    let err = bounded("a design crosstab of 100,000 rows", QUICK, 16 * MIB, || {
        Crosstab::from_design(
            &big,
            &answers,
            &groups,
            &rows,
            &group_codes,
            &CrosstabOptions::default(),
        )
        .unwrap_err()
    });
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let _ = many;
}

#[test]
fn calibrations_that_cannot_converge_end_within_their_iterations() {
    let _serial = serial();
    let n = 100_000;
    let design = design(n);
    let margin = CalibrationMargin::new(
        (0..n).map(|k| k % 3).collect(),
        vec![20_000.0, 60_000.0, 40_000.0],
    )
    .unwrap();
    let x = NumericAuxiliary::new((0..n).map(|k| (k % 11) as f64).collect(), 700_000.0).unwrap();
    let targets = CalibrationTargets::new().margin(margin).numeric(x);
    // Bounds of (0.9, 1.1) cannot move a third of the weight: 50 iterations, then the error.
    for function in CalibrationFunction::ALL {
        let options = CalibrationOptions::bounded(*function, 0.9, 1.1);
        let err = bounded("calibration that fails", SLOW, 16 * MIB, || {
            design.calibrate_to(&targets, &options).unwrap_err()
        });
        assert!(
            matches!(err, Error::CalibrationFailed { iterations: 50, .. }),
            "{err}"
        );
    }
    // Totals each within reach of the bounds but not together (the categories at 1.05 times
    // their sample totals leave the numeric total at most about 1.088 times its own, and it asks
    // 1.095): R's 50 iterations, then the damped method's, then the error, still bounded (half
    // the respondents: the damped passes cost about twice R's).
    {
        let n = n / 2;
        let design = self::design(n);
        let weights = design.weights();
        let sums = |f: &dyn Fn(usize) -> f64| -> f64 { (0..n).map(|k| weights[k] * f(k)).sum() };
        let categories: Vec<f64> = (0..3)
            .map(|c| 1.05 * sums(&|k| f64::from(u8::from(k % 3 == c))))
            .collect();
        let numeric = 1.095 * sums(&|k| (k % 11) as f64);
        let together = CalibrationTargets::new()
            .margin(CalibrationMargin::new((0..n).map(|k| k % 3).collect(), categories).unwrap())
            .numeric(
                NumericAuxiliary::new((0..n).map(|k| (k % 11) as f64).collect(), numeric).unwrap(),
            );
        for function in CalibrationFunction::ALL {
            let options = CalibrationOptions::bounded(*function, 0.9, 1.1);
            let err = bounded("calibration out of reach together", SLOW, 16 * MIB, || {
                design.calibrate_to(&together, &options).unwrap_err()
            });
            assert!(
                matches!(err, Error::CalibrationFailed { iterations: 50, .. }),
                "{err}"
            );
        }
    }
    // Iterations past the work budget are refused before any pass.
    let options = CalibrationOptions {
        max_iterations: MAX_CALIBRATION_ITERATIONS,
        ..CalibrationOptions::bounded(CalibrationFunction::Raking, 0.9, 1.1)
    };
    let err = bounded("calibration past its budget", QUICK, 16 * MIB, || {
        design.calibrate_to(&targets, &options).unwrap_err()
    });
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    // Auxiliaries large enough to overflow X'WX are refused, not iterated.
    let huge = NumericAuxiliary::new(vec![1e300; n], 1e300).unwrap();
    let err = bounded("calibration that overflows", QUICK, 16 * MIB, || {
        CalibrationTargets::new()
            .numeric(huge)
            .calibrate_weights(design.weights(), &CalibrationOptions::default())
            .unwrap_err()
    });
    assert!(matches!(err, Error::Undefined { .. }), "{err}");
}
