//! Criterion bench of design-based estimation on a stratified cluster sample of 100,000
//! respondents (50 strata, 1,000 clusters): per-role estimates with standard errors and their
//! covariance, raking to three margins, a mean on the raked design, and linear and bounded
//! raking calibration to the three margins and a numeric amount (12 columns) with a mean on the
//! calibrated design; and per-role estimates on replicate weights: 200 bootstrap replicates
//! created from the design (1,000 PSU rows of factors) and 80 replicate columns supplied as
//! combined weights.
//!
//! Run with `cargo bench --bench design`. `benches/compare_r.py` puts these steps beside R's
//! survey package on a million respondents.

mod common;

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use survey_analytics::{
    CalibrationFunction, CalibrationOptions, RakeOptions, ReplicateMethod, ReplicateScheme,
    ReplicateWeights, SampleDesign,
};

fn design_100k(c: &mut Criterion) {
    let s = common::design::sample(100_000);
    let design = common::design::design(&s);
    let margins = common::design::margins(&s);
    let (raked, _) = design
        .rake(&margins, &RakeOptions::default())
        .expect("raking");
    let mut group = c.benchmark_group("design_100k");
    group.throughput(Throughput::Elements(s.weight.len() as u64));
    group.bench_function("build_design", |b| {
        b.iter(|| common::design::design(black_box(&s)))
    });
    group.bench_function("estimates_by_role", |b| {
        b.iter(|| design.domain_means(black_box(&s.outcome), &s.role, 3))
    });
    group.bench_function("rake_3_margins", |b| {
        b.iter(|| design.rake(black_box(&margins), &RakeOptions::default()))
    });
    group.bench_function("raked_mean", |b| {
        b.iter(|| raked.mean(black_box(&s.outcome)))
    });
    group.bench_function("raked_estimates_by_role", |b| {
        b.iter(|| raked.domain_means(black_box(&s.outcome), &s.role, 3))
    });
    let (targets, _) = common::design::calibration_targets(&s);
    let linear = CalibrationOptions::default();
    let raking = CalibrationOptions::bounded(CalibrationFunction::Raking, 0.5, 2.0);
    let (calibrated, _) = design.calibrate_to(&targets, &linear).expect("calibration");
    group.bench_function("calibrate_linear", |b| {
        b.iter(|| design.calibrate_to(black_box(&targets), &linear))
    });
    group.bench_function("calibrate_weights_linear", |b| {
        b.iter(|| targets.calibrate_weights(black_box(design.weights()), &linear))
    });
    group.bench_function("calibrate_raking_bounded", |b| {
        b.iter(|| design.calibrate_to(black_box(&targets), &raking))
    });
    group.bench_function("calibrated_mean", |b| {
        b.iter(|| calibrated.mean(black_box(&s.outcome)))
    });
    let bootstrap = design
        .replicate(ReplicateScheme::Bootstrap {
            replicates: 200,
            seed: 1,
        })
        .expect("bootstrap");
    group.bench_function("bootstrap_200_estimates_by_role", |b| {
        b.iter(|| bootstrap.domain_means(black_box(&s.outcome), &s.role, 3))
    });
    // 80 supplied replicates: the weight times a factor of 0 to 2 per PSU.
    let columns: Vec<Vec<f64>> = (0..80_u64)
        .map(|r| {
            let factor = |p: u64| ((p * 2_654_435_761 + r * 40_503) % 1_000_003 % 5) as f64 * 0.5;
            s.weight
                .iter()
                .zip(&s.cluster)
                .map(|(w, &p)| w * factor(u64::from(p)))
                .collect()
        })
        .collect();
    let supplied = SampleDesign::new(s.weight.clone())
        .and_then(|d| {
            d.with_replicate_weights(ReplicateWeights::new(ReplicateMethod::Bootstrap, columns))
        })
        .expect("replicate weights");
    group.bench_function("replicate_80_estimates_by_role", |b| {
        b.iter(|| supplied.domain_means(black_box(&s.outcome), &s.role, 3))
    });
    group.finish();
}

criterion_group!(benches, design_100k);
criterion_main!(benches);
