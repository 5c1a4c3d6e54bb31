//! Property tests of replicate-weight designs: for a total (a linear estimate) the jackknives and
//! balanced half samples created from a design reproduce its linearised variance (the identity
//! that makes them unbiased), sampling fractions carry over, the bootstrap agrees with the
//! linearisation within its Monte Carlo error on a large sample, and no input panics: supplied
//! weights of every kind (zero, subnormal, negative, huge, NaN, infinite), any method and scale,
//! any estimate.
//!
//! Tolerances: 1e-9 relative for the identities (sums in another order), 10% for the bootstrap
//! with 500 replicates (the Monte Carlo relative error of its standard error is about 3.2%; the
//! seeds are fixed, so the test is deterministic).

use proptest::prelude::*;
use survey_analytics::*;

/// A stratified cluster design with `strata` strata of `psus` PSUs each (two to four respondents
/// per PSU), random positive weights and values.
fn clustered(
    psus: std::ops::Range<usize>,
) -> impl Strategy<Value = (Vec<f64>, Vec<usize>, Vec<usize>, Vec<f64>)> {
    (1_usize..6, psus).prop_flat_map(|(strata, psus)| {
        let units = strata * psus;
        (
            Just(strata),
            Just(psus),
            prop::collection::vec(1_usize..4, units),
            prop::collection::vec((0.5_f64..5.0, -10.0_f64..10.0), 4 * units),
        )
            .prop_map(|(_, psus, sizes, draws)| {
                let (mut weights, mut stratum, mut cluster, mut values) =
                    (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                let mut draws = draws.into_iter();
                for (unit, &size) in sizes.iter().enumerate() {
                    for _ in 0..size {
                        let (w, y) = draws.next().unwrap_or((1.0, 0.0));
                        weights.push(w);
                        stratum.push(unit / psus);
                        cluster.push(unit);
                        values.push(y);
                    }
                }
                (weights, stratum, cluster, values)
            })
    })
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()) + 1e-300
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// JKn and BRR/Fay of a total equal the with-replacement linearisation; so do JK1 without
    /// strata; with a sampling fraction the jackknife's equals the corrected linearisation.
    #[test]
    fn created_replicates_reproduce_the_linearised_total(
        (weights, stratum, cluster, values) in clustered(2..6),
        fraction in prop_oneof![Just(0.0), Just(1.0), 0.0_f64..1.0],
        rho in 0.0_f64..0.9,
    ) {
        let design = SampleDesign::new(weights.clone()).unwrap()
            .with_strata(&stratum).unwrap()
            .with_clusters(&cluster).unwrap();
        let linearised = design.total(&values).unwrap();
        let jkn = design.replicate(ReplicateScheme::Jkn).unwrap().total(&values).unwrap();
        prop_assert_eq!(jkn.estimate, linearised.estimate);
        prop_assert!(close(jkn.std_error, linearised.std_error, 1e-9),
            "JKn {} vs {}", jkn.std_error, linearised.std_error);
        // A sampling fraction f scales both variances by 1 - f; f = 1 is a census.
        let corrected = design.clone().with_fpc(&vec![fraction; weights.len()]).unwrap();
        let expected = corrected.total(&values).unwrap().std_error;
        match corrected.replicate(ReplicateScheme::Jkn) {
            Ok(replicated) => {
                let se = replicated.total(&values).unwrap().std_error;
                prop_assert!(close(se, expected, 1e-9), "fpc {fraction}: {se} vs {expected}");
            }
            Err(Error::Undefined { .. }) => prop_assert!(fraction >= 1.0 && expected == 0.0),
            Err(e) => prop_assert!(false, "{e}"),
        }
        // Without strata: JK1.
        let single = SampleDesign::new(weights.clone()).unwrap().with_clusters(&cluster).unwrap();
        let jk1 = single.replicate(ReplicateScheme::Jk1).unwrap().total(&values).unwrap();
        let plain = single.total(&values).unwrap();
        prop_assert!(close(jk1.std_error, plain.std_error, 1e-9));
        // Two PSUs per stratum: balanced half samples.
        let pairs: Vec<usize> = cluster.iter().map(|&c| c % 2).collect();
        let paired = SampleDesign::new(weights).unwrap()
            .with_strata(&stratum).unwrap()
            .with_clusters(&pairs).unwrap();
        let expected = paired.total(&values).unwrap().std_error;
        for scheme in [ReplicateScheme::Brr, ReplicateScheme::Fay { rho }] {
            let se = paired.replicate(scheme).unwrap().total(&values).unwrap().std_error;
            prop_assert!(close(se, expected, 1e-9), "{scheme:?}: {se} vs {expected}");
        }
    }

    /// Supplied weights of any kind, any method and factors, any estimate: a value or a typed
    /// error, never a panic; the standard errors that come back are finite and not negative.
    #[test]
    fn supplied_weights_never_panic(
        weights in prop::collection::vec(prop_oneof![Just(0.0), Just(5e-324), Just(1e150), 0.1_f64..10.0], 1..30),
        replicates in 0_usize..6,
        cells in prop::collection::vec(prop_oneof![
            Just(0.0), Just(5e-324), Just(-1.0), Just(1e150), 0.0_f64..3.0], 200),
        bad in prop::option::weighted(0.15, (any::<usize>(), prop_oneof![Just(f64::NAN), Just(f64::INFINITY)])),
        method in prop::sample::select(ReplicateMethod::ALL.to_vec()),
        scale in prop_oneof![Just(None), Just(Some(0.0)), Just(Some(f64::NAN)), (0.01_f64..2.0).prop_map(Some)],
        rho in prop_oneof![Just(None), Just(Some(1.0)), (0.0_f64..1.0).prop_map(Some)],
        mse in any::<bool>(),
        combined in any::<bool>(),
        values in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(0.0), Just(1e160), -5.0_f64..5.0], 30),
        groups in prop::collection::vec(prop::option::of(0_usize..3), 30),
    ) {
        let n = weights.len();
        let mut columns: Vec<Vec<f64>> = (0..replicates)
            .map(|r| (0..n).map(|k| cells[(r * n + k) % cells.len()]).collect())
            .collect();
        // One weight that is not a number, named in the error when the rest is valid.
        let bad = bad.filter(|_| replicates >= 2).map(|(at, value)| {
            let (r, k) = (at % replicates, at / replicates % n);
            columns[r][k] = value;
            (r, k)
        });
        let mut spec = ReplicateWeights::new(method, columns).with_mse(mse).with_combined(combined);
        if let Some(scale) = scale {
            spec = spec.with_scale(scale);
        }
        if let Some(rho) = rho {
            spec = spec.with_rho(rho);
        }
        if method == ReplicateMethod::Jkn {
            spec = spec.with_rscales(vec![0.5; replicates]);
        }
        let design = match SampleDesign::new(weights).and_then(|d| d.with_replicate_weights(spec)) {
            Ok(design) => design,
            Err(Error::InvalidReplicateWeight { replicate, record, .. }) => {
                prop_assert_eq!(Some((replicate, record)), bad);
                return Ok(());
            }
            Err(Error::TooFewValues { .. }) => {
                prop_assert!(replicates < 2);
                return Ok(());
            }
            Err(Error::InvalidParameter { name, .. }) => {
                prop_assert!(matches!(name, "rho" | "scale" | "rscales"), "{name}");
                return Ok(());
            }
            Err(Error::NotPositive { .. }) => {
                prop_assert!(scale.is_some_and(|s| s.is_nan() || s <= 0.0));
                return Ok(());
            }
            Err(e) => {
                prop_assert!(matches!(e, Error::Undefined { .. }), "{e}");
                return Ok(());
            }
        };
        prop_assert!(bad.is_none());
        let values = &values[..n];
        let groups = &groups[..n];
        let finite = |e: &DesignEstimate| e.std_error.is_finite() && e.std_error >= 0.0;
        if let Ok(m) = design.mean(values) { prop_assert!(finite(&m)); }
        if let Ok(t) = design.total(values) { prop_assert!(finite(&t)); }
        if let Ok(by) = design.domain_means(values, groups, 3) {
            prop_assert!(by.estimates().iter().flatten().all(finite));
        }
        let _ = design.ratio(values, &vec![1.0; n]);
        let codes: Vec<Option<usize>> = values.iter().map(|v| Some(usize::from(*v > 0.0))).collect();
        let _ = design.rao_scott(&codes, groups, 2, 3);
        let _ = design.quantile(values, 0.5, ConfidenceLevel::NINETY_FIVE);
        prop_assert!(design.degrees_of_freedom() >= -1.0);
    }
}

/// Rao and Wu's bootstrap with 500 replicates agrees with the linearisation of a mean and a
/// total within 10% on a sample of 60 PSUs in 3 strata (equal PSUs per stratum, where its scale
/// is exact), for several seeds; the same seed gives the same replicates.
#[test]
fn bootstrap_agrees_with_the_linearisation_on_a_large_sample() {
    let (mut weights, mut stratum, mut cluster, mut values) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..3_000_usize {
        let psu = k % 60;
        weights.push(1.0 + (k % 7) as f64 / 3.0);
        stratum.push(psu % 3);
        cluster.push(psu);
        values.push(((k * 7_919) % 101) as f64 / 10.0 + psu as f64 / 6.0);
    }
    let design = SampleDesign::new(weights)
        .unwrap()
        .with_strata(&stratum)
        .unwrap()
        .with_clusters(&cluster)
        .unwrap();
    let mean = design.mean(&values).unwrap().std_error;
    let total = design.total(&values).unwrap().std_error;
    for seed in [1, 2, 3] {
        let scheme = ReplicateScheme::Bootstrap {
            replicates: 500,
            seed,
        };
        let boot = design.replicate(scheme).unwrap();
        let (m, t) = (
            boot.mean(&values).unwrap().std_error,
            boot.total(&values).unwrap().std_error,
        );
        assert!(
            (m / mean - 1.0).abs() < 0.1,
            "seed {seed}: mean {m} vs {mean}"
        );
        assert!(
            (t / total - 1.0).abs() < 0.1,
            "seed {seed}: total {t} vs {total}"
        );
        let again = design.replicate(scheme).unwrap().mean(&values).unwrap();
        assert_eq!(again.std_error, m);
    }
}
