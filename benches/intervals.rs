//! Criterion benches for the hot paths of the statistics layer: every one-proportion interval
//! method at n = 830 (the report's sample) and n = 10^6, the two-proportion comparisons, and the
//! exact tests; and the slowest inputs found on a grid of edge values (`docs/numerics.md`, "Costs").
//!
//! Run with `cargo bench --bench intervals`. Targets (issue 2): Wilson and Wald under 50 ns;
//! Clopper-Pearson and Jeffreys under 5 us at n = 830 and under 20 us at n = 10^6. Every hostile
//! input must stay well under a second (the contract of the stats layer).

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use survey_analytics::{
    Alternative, ConfidenceLevel, DifferenceMethod, MultinomialMethod, Proportion,
    ProportionMethod, PublishedShare, RateRatioMethod, difference_interval, fisher_exact,
    rate_ratio_interval, simultaneous_intervals, two_proportion_z_test,
};

fn one_proportion(c: &mut Criterion) {
    let level = ConfidenceLevel::NINETY_FIVE;
    let mut group = c.benchmark_group("one_proportion");
    group.throughput(Throughput::Elements(1));
    for n in [830_u64, 1_000_000] {
        // A typical survey share (49%) and a small one (2%).
        for (label, x) in [("p=0.49", n * 49 / 100), ("p=0.02", n / 50)] {
            let p = Proportion::new(x, n).unwrap();
            for &method in ProportionMethod::ALL {
                group.bench_with_input(
                    BenchmarkId::new(format!("{method}/{label}"), n),
                    &p,
                    |b, p| b.iter(|| black_box(p).interval(black_box(method), level)),
                );
            }
        }
    }
    group.finish();
}

fn two_proportions(c: &mut Criterion) {
    let level = ConfidenceLevel::NINETY_FIVE;
    let mut group = c.benchmark_group("two_proportions");
    group.throughput(Throughput::Elements(1));
    let (a, b) = (
        Proportion::new(53, 130).unwrap(),
        Proportion::new(72, 400).unwrap(),
    );
    for &method in DifferenceMethod::ALL {
        group.bench_function(BenchmarkId::new("difference", method), |bench| {
            bench.iter(|| difference_interval(black_box(a), black_box(b), method, level))
        });
    }
    group.bench_function("z_test", |bench| {
        bench.iter(|| two_proportion_z_test(black_box(a), black_box(b), Alternative::TwoSided))
    });
    group.finish();
}

fn exact_tests(c: &mut Criterion) {
    let mut group = c.benchmark_group("exact_tests");
    group.throughput(Throughput::Elements(1));
    for (label, table) in [
        ("n=830", [[53_u64, 77], [72, 628]]),
        ("n=1e6", [[250_400, 249_600], [249_600, 250_400]]),
        ("n=1e7", [[2_501_000, 2_499_000], [2_499_000, 2_501_000]]),
    ] {
        group.bench_function(BenchmarkId::new("fisher_two_sided", label), |b| {
            b.iter(|| fisher_exact(black_box(table), Alternative::TwoSided))
        });
    }
    group.bench_function("rate_ratio_exact/1410_vs_1000", |b| {
        b.iter(|| {
            rate_ratio_interval(
                black_box(1410),
                365.0,
                1000,
                365.0,
                ConfidenceLevel::NINETY_FIVE,
                RateRatioMethod::ExactConditional,
            )
        })
    });
    group.finish();
}

/// The slowest calls a probe over edge values found, one per function family.
fn hostile_inputs(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile_inputs");
    group.sample_size(10);
    let tiny = ConfidenceLevel::new(1e-16).unwrap();
    let huge = Proportion::new(1 << 62, 1 << 63).unwrap();
    group.bench_function("clopper_pearson/n=2^63/level=1e-16", |b| {
        b.iter(|| black_box(huge).interval(ProportionMethod::ClopperPearson, tiny))
    });
    let (a, none) = (
        Proportion::from_estimate(1e-300, 1e300).unwrap(),
        Proportion::new(0, u64::MAX).unwrap(),
    );
    group.bench_function("miettinen_nurminen/1_in_1e300_vs_0_in_2^64", |b| {
        b.iter(|| {
            difference_interval(
                black_box(a),
                black_box(none),
                DifferenceMethod::MiettinenNurminen,
                tiny,
            )
        })
    });
    // Four standard deviations from the mode: both tails are summed over millions of terms.
    let (quarter, off) = (250_000_000_000_u64, 1_000_000);
    let table = [
        [quarter + off, quarter - off],
        [quarter - off, quarter + off],
    ];
    group.bench_function("fisher_two_sided/total=1e12", |b| {
        b.iter(|| fisher_exact(black_box(table), Alternative::TwoSided))
    });
    group.bench_function("rate_ratio_exact/counts=2^64", |b| {
        b.iter(|| {
            rate_ratio_interval(
                black_box(u64::MAX),
                1e300,
                u64::MAX,
                1e-10,
                ConfidenceLevel::new(1e-300).unwrap(),
                RateRatioMethod::ExactConditional,
            )
        })
    });
    let counts: Vec<u64> = (0..1000_u64).map(|i| 9_000_000_000_000 + 7 * i).collect();
    group.bench_function("sison_glaz/1000_distinct_near_9e12", |b| {
        b.iter(|| simultaneous_intervals(black_box(&counts), tiny, MultinomialMethod::SisonGlaz))
    });
    let published = PublishedShare::new(49.0, u64::MAX).unwrap();
    group.bench_function("published_interval/base=2^64", |b| {
        b.iter(|| black_box(published).interval(ProportionMethod::Jeffreys, tiny))
    });
    group.finish();
}

criterion_group!(
    benches,
    one_proportion,
    two_proportions,
    exact_tests,
    hostile_inputs
);
criterion_main!(benches);
