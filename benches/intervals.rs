//! Criterion benches for the hot paths of the statistics layer: every one-proportion interval
//! method at n = 830 (the report's sample) and n = 10^6, the two-proportion comparisons, and the
//! exact tests.
//!
//! Run with `cargo bench --bench intervals`. Targets (issue 2): Wilson and Wald under 50 ns;
//! Clopper-Pearson and Jeffreys under 5 us at n = 830 and under 20 us at n = 10^6.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use survey_analytics::{
    Alternative, ConfidenceLevel, DifferenceMethod, Proportion, ProportionMethod, RateRatioMethod,
    difference_interval, fisher_exact, rate_ratio_interval, two_proportion_z_test,
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

criterion_group!(benches, one_proportion, two_proportions, exact_tests);
criterion_main!(benches);
