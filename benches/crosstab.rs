//! Criterion bench of the crosstab hot path: a 5-point question by role (3) and by team
//! (6) over 10 million typed records, against a bare loop that only reads the same fields.
//!
//! Run with `cargo bench --bench crosstab`. `benches/compare_polars.py` puts these beside polars.

mod common;

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};

fn crosstab_10m(c: &mut Criterion) {
    let records = common::responses(10_000_000);
    let mut group = c.benchmark_group("crosstab_10m");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.sample_size(20);
    group.bench_function("bare_loop", |b| {
        b.iter(|| common::bare_loop(black_box(&records)))
    });
    group.bench_function("tally", |b| b.iter(|| common::tally(black_box(&records))));
    group.bench_function("crosstabs_with_letters", |b| {
        b.iter(|| common::crosstabs(black_box(&records)))
    });
    group.bench_function("bare_loop_2_threads", |b| {
        b.iter(|| common::bare_loop_parallel(black_box(&records)))
    });
    group.bench_function("tally_2_threads", |b| {
        b.iter(|| common::tally_parallel(black_box(&records)))
    });
    group.bench_function("crosstabs_with_letters_2_threads", |b| {
        b.iter(|| common::crosstabs_parallel(black_box(&records)))
    });
    group.finish();
}

criterion_group!(benches, crosstab_10m);
criterion_main!(benches);
