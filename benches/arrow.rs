//! Criterion bench of Arrow input: a weighted crosstab of a 5-point question by role from a
//! 10-million-row record batch (role a dictionary of 3 labels, the answer a dictionary of "1" to
//! "5" or an Int8 array, about 3% missing, an f64 weight), read with [`ArrowReader`] and
//! analysed by column name, against the typed in-memory tally and crosstab of the same records.
//!
//! Run with `cargo bench --features arrow --bench arrow -- --sample-size 10`.

mod common;

use std::sync::Arc;

use arrow_array::types::Int8Type;
use arrow_array::{ArrayRef, DictionaryArray, Float64Array, Int8Array, RecordBatch, StringArray};
use common::{Familiarity, Role};
use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use survey_analytics::{
    ArrowReader, Banners, Category, Crosstab, CrosstabOptions, Question, Questionnaire, Tally,
};

/// One typed record: the answer, the role and the weight.
#[derive(Debug, Clone, Copy)]
struct Record {
    answer: Option<Familiarity>,
    role: Role,
    weight: f64,
}

/// The records of `common::responses`, with a weight from 0.5 to 2.
fn records(n: usize) -> Vec<Record> {
    common::responses(n)
        .iter()
        .enumerate()
        .map(|(i, r)| Record {
            answer: r.familiarity,
            role: r.role,
            weight: 0.5 + (i % 7) as f64 / 4.0,
        })
        .collect()
}

fn questionnaire() -> Questionnaire {
    Questionnaire::new(vec![
        Question::rating(
            "answer",
            [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")],
        ),
        Question::single(
            "role",
            [("leader", "Leader"), ("manager", "Manager"), ("ic", "IC")],
        ),
        Question::numeric("weight"),
    ])
    .expect("a valid questionnaire")
}

/// The records as one batch: the answer as a dictionary of strings, or as integers.
fn batch(records: &[Record], answer_as_integers: bool) -> RecordBatch {
    let dictionary = |keys: Vec<Option<i8>>, values: &[&str]| -> ArrayRef {
        Arc::new(
            DictionaryArray::<Int8Type>::try_new(
                Int8Array::from(keys),
                Arc::new(StringArray::from(values.to_vec())),
            )
            .expect("keys within the dictionary"),
        )
    };
    let answers: Vec<Option<i8>> = records
        .iter()
        .map(|r| r.answer.map(|a| a.index() as i8))
        .collect();
    let answer = if answer_as_integers {
        Arc::new(Int8Array::from(
            answers.iter().map(|a| a.map(|a| a + 1)).collect::<Vec<_>>(),
        )) as ArrayRef
    } else {
        dictionary(answers, &["1", "2", "3", "4", "5"])
    };
    let role = dictionary(
        records.iter().map(|r| Some(r.role.index() as i8)).collect(),
        &["leader", "manager", "ic"],
    );
    let weight = Arc::new(Float64Array::from(
        records.iter().map(|r| r.weight).collect::<Vec<_>>(),
    )) as ArrayRef;
    RecordBatch::try_from_iter([("answer", answer), ("role", role), ("weight", weight)])
        .expect("columns of one length")
}

/// The typed path: one weighted pass over the records, then the crosstab.
fn typed(records: &[Record]) -> Crosstab {
    let tally = Tally::count_weighted(records, |r| (r.answer, r.role), |r| r.weight)
        .expect("typed keys and finite weights");
    Crosstab::new(
        &tally.cross(0, 1).expect("two dimensions"),
        &CrosstabOptions::default(),
    )
    .expect("a crosstab")
}

/// The Arrow path: the batch read into responses, then the crosstab by column name.
fn arrow(reader: &ArrowReader, batch: &RecordBatch) -> Banners {
    let responses = reader
        .read(std::slice::from_ref(batch), "batch")
        .expect("valid data");
    responses
        .crosstab("answer")
        .by("role")
        .weight("weight")
        .run()
        .expect("a crosstab")
}

fn arrow_10m(c: &mut Criterion) {
    let records = records(10_000_000);
    let reader = ArrowReader::new().questionnaire(&questionnaire());
    let dictionary = batch(&records, false);
    let integers = batch(&records, true);
    // The same table both ways.
    let banners = arrow(&reader, &dictionary);
    let cells = |table: &Crosstab| -> Vec<(u64, f64)> {
        table
            .rows()
            .iter()
            .flat_map(|row| row.cells.iter())
            .map(|cell| (cell.estimate.count, cell.estimate.weighted_count))
            .collect()
    };
    assert_eq!(cells(&banners.banners()[0]), cells(&typed(&records)));
    assert_eq!(arrow(&reader, &integers), banners);

    let mut group = c.benchmark_group("arrow_10m");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("typed_tally_crosstab", |b| {
        b.iter(|| typed(black_box(&records)))
    });
    group.bench_function("arrow_read_crosstab", |b| {
        b.iter(|| arrow(&reader, black_box(&dictionary)))
    });
    group.bench_function("arrow_read_crosstab_integer_answer", |b| {
        b.iter(|| arrow(&reader, black_box(&integers)))
    });
    group.bench_function("arrow_read", |b| {
        b.iter(|| reader.read(std::slice::from_ref(black_box(&dictionary)), "batch"))
    });
    group.finish();
}

criterion_group!(benches, arrow_10m);
criterion_main!(benches);
