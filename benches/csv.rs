//! Criterion bench of the CSV path: a survey export of 500,000 respondents (an id, a role of 3
//! labels, a 1-5 answer with about 3% empty, a float weight, a stratum 0-49 and a cluster 0-999,
//! 22 MB; the shape `benches/compare_csv.py` times at 5 million against polars) read into
//! `Responses`, then tabulated: weighted, and design-based with strata and clusters.
//!
//! Run with `cargo bench --bench csv`.

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use survey_analytics::CsvReader;

const RECORDS: usize = 500_000;
const ROLES: [&str; 3] = ["Individual contributor", "Manager", "Executive"];

/// The export, generated from a fixed seed.
fn export() -> Vec<u8> {
    let mut state = 0x853c_49e6_748f_ea9b_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::from("respondent,role,answer,weight,stratum,cluster\n");
    for k in 0..RECORDS {
        let r = next();
        let answer = if r % 100 < 3 {
            String::new()
        } else {
            (1 + (r >> 8) % 5).to_string()
        };
        let weight = 0.25 + ((r >> 16) % 1_000_000) as f64 / 500_000.0;
        text.push_str(&format!(
            "R{k:08},{},{answer},{weight:.6},{},{}\n",
            ROLES[((r >> 40) % 3) as usize],
            (r >> 44) % 50,
            (r >> 50) % 1000
        ));
    }
    text.into_bytes()
}

fn csv_path(c: &mut Criterion) {
    let bytes = export();
    let columns = ["role", "answer", "weight", "stratum", "cluster"];
    let mut group = c.benchmark_group("csv_500k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    for threads in [1, 2] {
        group.bench_function(format!("read_{threads}_threads"), |b| {
            b.iter(|| {
                CsvReader::new()
                    .columns(columns)
                    .threads(threads)
                    .read(black_box(&bytes[..]), "export.csv")
                    .unwrap()
            })
        });
    }
    group.bench_function("read_and_weighted_crosstab", |b| {
        b.iter(|| {
            let responses = CsvReader::new()
                .columns(["role", "answer", "weight"])
                .read(black_box(&bytes[..]), "export.csv")
                .unwrap();
            responses
                .crosstab("answer")
                .by("role")
                .weight("weight")
                .run()
                .unwrap()
        })
    });
    group.bench_function("read_and_design_crosstab", |b| {
        b.iter(|| {
            let responses = CsvReader::new()
                .columns(columns)
                .read(black_box(&bytes[..]), "export.csv")
                .unwrap();
            let (design, _) = responses
                .design()
                .weight("weight")
                .strata("stratum")
                .cluster("cluster")
                .build()
                .unwrap();
            responses
                .crosstab("answer")
                .by("role")
                .design(&design)
                .run()
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, csv_path);
criterion_main!(benches);
