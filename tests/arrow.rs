//! The same survey data through CSV, in-memory columns and Arrow record batches (plain strings,
//! dictionaries, integers, booleans, several batches) give equal responses, tallies and
//! crosstabs; every error class names its record and column.
#![cfg(feature = "arrow")]

use std::sync::Arc;

use arrow_array::types::{Int8Type, Int32Type, UInt16Type};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, DictionaryArray, Float32Array, Float64Array,
    Int8Array, Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray, StringViewArray,
    UInt16Array, UInt64Array,
};
use survey_analytics::{
    ArrowReader, CsvReader, Error, Missing, Question, Questionnaire, Responses, Unlisted,
};

const ROLES: [&str; 3] = ["leader", "manager", "ic"];
const TEAMS: [&str; 4] = ["pr", "social", "ops", "analytics"];

/// One record's fields, as a CSV export would hold them ("" for no answer).
struct Row {
    role: &'static str,
    /// 1-5, 9 (declared no answer), 8 (kept as a category), or none.
    answer: Option<i64>,
    team: &'static str,
    weight: Option<f64>,
    mail: Option<bool>,
    chat: Option<bool>,
    tags: &'static str,
}

fn rows(n: usize) -> Vec<Row> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let r = next();
            let answer = match r % 20 {
                0 => None,
                1 => Some(9),
                2 => Some(8),
                a => Some((a % 5 + 1) as i64),
            };
            let flag = |bits: u64| match bits % 5 {
                0 => None,
                1 | 2 => Some(true),
                _ => Some(false),
            };
            Row {
                role: if (r >> 8) % 17 == 0 {
                    ""
                } else {
                    ROLES[((r >> 16) % 3) as usize]
                },
                answer,
                // An identifier: its labels sorted, whatever the source.
                team: TEAMS[((r >> 24) % 4) as usize],
                weight: Some(0.25 + ((r >> 32) % 8) as f64 / 4.0),
                mail: flag(r >> 40),
                chat: flag(r >> 44),
                tags: ["", "a", "b;a", "c"][((r >> 50) % 4) as usize],
            }
        })
        .collect()
}

fn questionnaire() -> Questionnaire {
    Questionnaire::new(vec![
        Question::single(
            "role",
            [("leader", "Leader"), ("manager", "Manager"), ("ic", "IC")],
        ),
        Question::rating(
            "answer",
            [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")],
        )
        .with_missing("9", "Refused", Missing::NoAnswer)
        .with_missing("8", "Don't know", Missing::Category),
        Question::new("team", survey_analytics::QuestionType::Identifier),
        Question::numeric("weight"),
        Question::multi("channels", [("mail", "Email"), ("chat", "Chat")]),
        Question::multi("tags", [("a", "A"), ("b", "B"), ("c", "C")]).separated_by(';'),
    ])
    .unwrap()
}

fn text(v: Option<impl ToString>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

fn flag(v: Option<bool>) -> String {
    text(v.map(u8::from))
}

fn csv(rows: &[Row]) -> String {
    let mut out = String::from("role,answer,team,weight,mail,chat,tags\n");
    for r in rows {
        out += &format!(
            "{},{},{},{},{},{},{}\n",
            r.role,
            text(r.answer),
            r.team,
            text(r.weight),
            flag(r.mail),
            flag(r.chat),
            r.tags
        );
    }
    out
}

fn builder(rows: &[Row], name: &str) -> Responses {
    Responses::builder(&questionnaire())
        .source_name(name)
        .values("role", rows.iter().map(|r| r.role))
        .values("answer", rows.iter().map(|r| text(r.answer)))
        .values("team", rows.iter().map(|r| r.team))
        .values("weight", rows.iter().map(|r| text(r.weight)))
        .values("mail", rows.iter().map(|r| flag(r.mail)))
        .values("chat", rows.iter().map(|r| flag(r.chat)))
        .values("tags", rows.iter().map(|r| r.tags))
        .build()
        .unwrap()
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn strings(values: impl Iterator<Item = String>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

/// Every column as plain strings, as a CSV field would hold it.
fn string_batch(rows: &[Row]) -> RecordBatch {
    batch(vec![
        ("role", strings(rows.iter().map(|r| r.role.to_string()))),
        ("answer", strings(rows.iter().map(|r| text(r.answer)))),
        ("team", strings(rows.iter().map(|r| r.team.to_string()))),
        ("weight", strings(rows.iter().map(|r| text(r.weight)))),
        ("mail", strings(rows.iter().map(|r| flag(r.mail)))),
        ("chat", strings(rows.iter().map(|r| flag(r.chat)))),
        ("tags", strings(rows.iter().map(|r| r.tags.to_string()))),
    ])
}

/// Typed columns: dictionaries (nulls for no answer), integers, floats, booleans, large and
/// view strings.
fn typed_batch(rows: &[Row]) -> RecordBatch {
    let role: DictionaryArray<Int8Type> = rows
        .iter()
        .map(|r| (!r.role.is_empty()).then_some(r.role))
        .collect();
    let answer = Int64Array::from(rows.iter().map(|r| r.answer).collect::<Vec<_>>());
    let team: DictionaryArray<UInt16Type> = rows.iter().map(|r| r.team).collect();
    let weight = Float64Array::from(rows.iter().map(|r| r.weight).collect::<Vec<_>>());
    let mail = BooleanArray::from(rows.iter().map(|r| r.mail).collect::<Vec<_>>());
    let chat = Int8Array::from(
        rows.iter()
            .map(|r| r.chat.map(i8::from))
            .collect::<Vec<_>>(),
    );
    let tags = LargeStringArray::from_iter_values(rows.iter().map(|r| r.tags));
    batch(vec![
        ("role", Arc::new(role)),
        ("answer", Arc::new(answer)),
        ("team", Arc::new(team)),
        ("weight", Arc::new(weight)),
        ("mail", Arc::new(mail)),
        ("chat", Arc::new(chat)),
        ("tags", Arc::new(tags)),
    ])
}

/// The answer as a dictionary of strings (Int32 keys) whose values come in another order than
/// their first use, with values no record uses (one unlisted, one null).
fn dictionary_batch(rows: &[Row]) -> RecordBatch {
    let values = StringArray::from(vec![
        Some("5"),
        Some("99"),
        Some("4"),
        None,
        Some("3"),
        Some("2"),
        Some("1"),
        Some("9"),
        Some("8"),
        Some(" 3 "),
    ]);
    let key = |a: Option<i64>| -> Option<i32> {
        match a? {
            5 => Some(0),
            4 => Some(2),
            3 => Some(9),
            2 => Some(5),
            1 => Some(6),
            9 => Some(7),
            _ => Some(8),
        }
    };
    let keys = Int32Array::from(rows.iter().map(|r| key(r.answer)).collect::<Vec<_>>());
    let answer = DictionaryArray::<Int32Type>::try_new(keys, Arc::new(values)).unwrap();
    let typed = typed_batch(rows);
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("role", typed.column(0).clone()),
        ("answer", Arc::new(answer)),
    ];
    columns.push(("team", strings(rows.iter().map(|r| r.team.to_string()))));
    columns.push((
        "weight",
        Arc::new(Float32Array::from(
            rows.iter()
                .map(|r| r.weight.map(|w| w as f32))
                .collect::<Vec<_>>(),
        )),
    ));
    columns.push(("mail", typed.column(4).clone()));
    columns.push((
        "chat",
        Arc::new(BooleanArray::from(
            rows.iter().map(|r| r.chat).collect::<Vec<_>>(),
        )),
    ));
    columns.push((
        "tags",
        Arc::new(StringViewArray::from_iter_values(
            rows.iter().map(|r| r.tags),
        )),
    ));
    batch(columns)
}

/// A batch cut into several.
fn split(batch: &RecordBatch, parts: usize) -> Vec<RecordBatch> {
    let size = batch.num_rows().div_ceil(parts);
    (0..batch.num_rows())
        .step_by(size)
        .map(|start| batch.slice(start, size.min(batch.num_rows() - start)))
        .collect()
}

fn arrow(batches: &[RecordBatch], name: &str) -> Responses {
    ArrowReader::new()
        .questionnaire(&questionnaire())
        .read(batches, name)
        .unwrap()
}

/// What analyses see: the same whichever way the data came.
fn assert_same_analyses(a: &Responses, b: &Responses) {
    assert_eq!(a.questionnaire(), b.questionnaire());
    assert_eq!(a.len(), b.len());
    for id in ["role", "answer", "team"] {
        assert_eq!(a.codes(id).unwrap(), b.codes(id).unwrap(), "{id}");
        assert_eq!(a.categories(id).unwrap(), b.categories(id).unwrap(), "{id}");
    }
    for id in ["role", "answer", "team", "weight", "channels", "tags"] {
        assert_eq!(a.missing(id).unwrap(), b.missing(id).unwrap(), "{id}");
    }
    for id in ["channels", "tags"] {
        assert_eq!(a.selections(id).unwrap(), b.selections(id).unwrap(), "{id}");
    }
    assert_eq!(
        a.tally(&["answer", "role", "team"], Some("weight"))
            .unwrap(),
        b.tally(&["answer", "role", "team"], Some("weight"))
            .unwrap()
    );
    for question in ["answer", "channels"] {
        let table = |r: &Responses| {
            r.crosstab(question)
                .by("role")
                .by("team")
                .total()
                .weight("weight")
                .run()
                .unwrap()
        };
        assert_eq!(table(a), table(b), "{question}");
    }
}

#[test]
fn csv_memory_and_arrow_give_equal_responses_and_tallies() {
    let rows = rows(3000);
    let name = "export";
    let from_csv = CsvReader::new()
        .questionnaire(&questionnaire())
        .read(csv(&rows).as_bytes(), name)
        .unwrap();
    let from_memory = builder(&rows, name);
    assert_same_analyses(&from_csv, &from_memory);
    // Declared and kept missing codes, empty fields: counted the same way.
    let missing = from_csv.missing("answer").unwrap();
    assert!(missing.empty > 0 && missing.declared[0].1 > 0);
    assert_eq!(
        from_csv
            .categories("answer")
            .unwrap()
            .labels()
            .last()
            .unwrap(),
        "Don't know"
    );

    let strings = arrow(&[string_batch(&rows)], name);
    assert_eq!(strings, from_memory);
    assert_same_analyses(&strings, &from_csv);

    let typed = typed_batch(&rows);
    assert_eq!(arrow(std::slice::from_ref(&typed), name), from_memory);
    assert_eq!(arrow(&split(&typed, 7), name), from_memory);

    let dictionary = dictionary_batch(&rows);
    let from_dictionary = arrow(&split(&dictionary, 3), name);
    // The weights were given as f32: the same values as text ("0.75"), so equal responses.
    assert_eq!(from_dictionary, from_memory);
    assert_same_analyses(&from_dictionary, &from_csv);

    let streamed = ArrowReader::new()
        .questionnaire(&questionnaire())
        .read_iter(split(&typed, 4), name)
        .unwrap();
    assert_eq!(streamed, from_memory);
}

#[test]
fn inferred_questionnaires_agree_with_csv() {
    let rows = rows(500);
    let from_csv = CsvReader::new().read(csv(&rows).as_bytes(), "x").unwrap();
    for batches in [
        vec![string_batch(&rows)],
        split(&string_batch(&rows), 3),
        vec![typed_batch(&rows)],
    ] {
        let from_arrow = ArrowReader::new().read(&batches, "x").unwrap();
        assert_eq!(from_arrow.questionnaire(), from_csv.questionnaire());
        for q in from_csv.questionnaire().questions() {
            let id = q.id();
            assert_eq!(
                from_arrow.missing(id).unwrap(),
                from_csv.missing(id).unwrap()
            );
            if let Ok(codes) = from_csv.codes(id) {
                assert_eq!(from_arrow.codes(id).unwrap(), codes, "{id}");
            }
        }
    }
}

#[test]
fn questionnaire_order_missing_codes_and_numbers_as_codes() {
    let q = Questionnaire::new(vec![
        Question::rating("sat", [("5", "High"), ("1", "Low")]).with_missing(
            "-1",
            "Refused",
            Missing::NoAnswer,
        ),
        Question::numeric("age").with_missing("99", "Unknown", Missing::NoAnswer),
    ])
    .unwrap();
    let b = batch(vec![
        (
            "sat",
            Arc::new(Int32Array::from(vec![
                Some(1),
                Some(5),
                Some(-1),
                None,
                Some(1),
            ])),
        ),
        (
            "age",
            Arc::new(Float64Array::from(vec![
                Some(31.0),
                Some(99.0),
                None,
                Some(40.5),
                Some(99.0),
            ])),
        ),
    ]);
    let r = ArrowReader::new()
        .questionnaire(&q)
        .read(&[b], "p")
        .unwrap();
    // Categories in the questionnaire's order, not the values'.
    assert_eq!(
        r.codes("sat").unwrap(),
        [Some(1), Some(0), None, None, Some(1)]
    );
    let missing = r.missing("sat").unwrap();
    assert_eq!((missing.empty, missing.declared[0].1), (1, 1));
    // 99.0 reads as "99", the declared code.
    let age = r.numbers("age").unwrap();
    assert_eq!((age[0], age[3]), (31.0, 40.5));
    assert!(age[1].is_nan() && age[4].is_nan());
    let missing = r.missing("age").unwrap();
    assert_eq!((missing.empty, missing.declared[0].1), (1, 2));
    let from_csv = CsvReader::new()
        .questionnaire(&q)
        .read("sat,age\n1,31\n5,99\n-1,\n,40.5\n1,99\n".as_bytes(), "p")
        .unwrap();
    assert_eq!(r.codes("sat").unwrap(), from_csv.codes("sat").unwrap());
    assert_eq!(r.missing("age").unwrap(), from_csv.missing("age").unwrap());
}

#[test]
fn unlisted_values_are_refused_or_counted_as_other() {
    let q = Questionnaire::new(vec![Question::single("q", [("1", "Yes"), ("2", "No")])]).unwrap();
    let values = vec![Some("1"), Some("7"), None, Some("7"), Some("2"), Some("7")];
    let dictionary: DictionaryArray<Int8Type> = values.iter().copied().collect();
    let plain = StringArray::from(values.clone());
    for array in [Arc::new(dictionary) as ArrayRef, Arc::new(plain)] {
        let batches = split(&batch(vec![("q", array)]), 2);
        let err = ArrowReader::new()
            .questionnaire(&q)
            .read(&batches, "panel")
            .unwrap_err();
        let Error::UnlistedValue { at, value, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (at.record, at.line, at.column.as_str(), value.as_str()),
            (1, None, "q", "7")
        );
        let r = ArrowReader::new()
            .questionnaire(&q)
            .unlisted(Unlisted::Other)
            .read(&batches, "panel")
            .unwrap();
        assert_eq!(r.unlisted("q").unwrap(), 3);
        assert_eq!(r.missing("q").unwrap().empty, 1);
        assert_eq!(
            r.labels("q").unwrap(),
            [
                Some("Yes"),
                Some("Other"),
                None,
                Some("Other"),
                Some("No"),
                Some("Other")
            ]
        );
        let memory = Responses::builder(&q)
            .source_name("panel")
            .unlisted(Unlisted::Other)
            .values("q", ["1", "7", "", "7", "2", "7"])
            .build()
            .unwrap();
        assert_eq!(r, memory);
    }
}

#[test]
fn errors_name_their_record_and_column() {
    let q = Questionnaire::new(vec![
        Question::single("q", [("1", "Yes"), ("2", "No")]),
        Question::numeric("n"),
        Question::multi("m", [("m_a", "A")]),
    ])
    .unwrap();
    let ok = |rows: usize| -> Vec<(&'static str, ArrayRef)> {
        vec![
            ("q", Arc::new(StringArray::from(vec!["1"; rows]))),
            ("n", Arc::new(Float64Array::from(vec![1.0; rows]))),
            ("m_a", Arc::new(UInt64Array::from(vec![1; rows]))),
        ]
    };
    let read = |batches: &[RecordBatch]| ArrowReader::new().questionnaire(&q).read(batches, "b");
    let location = |err: &Error| match err {
        Error::UnlistedValue { at, .. } | Error::InvalidField { at, .. } => {
            (at.record, at.line, at.column.clone())
        }
        other => panic!("{other:?}"),
    };

    // Unknown column.
    let mut columns = ok(2);
    columns.remove(1);
    let err = read(&[batch(columns)]).unwrap_err();
    assert!(
        matches!(err, Error::UnknownColumn { ref name, .. } if name == "n"),
        "{err:?}"
    );

    // Unparsable number (text), and numbers that are not finite, in the second batch.
    let with_n = |n: Vec<&'static str>| {
        let mut columns = ok(n.len());
        columns[1].1 = Arc::new(StringArray::from(n));
        batch(columns)
    };
    let err = read(&[with_n(vec!["1", "2", "3"]), with_n(vec!["1", "x", "2"])]).unwrap_err();
    assert_eq!(location(&err), (4, None, "n".to_string()));
    assert!(
        err.to_string().contains("'x' is not a finite number"),
        "{err}"
    );
    let mut columns = ok(3);
    columns[1].1 = Arc::new(Float64Array::from(vec![1.0, 2.0, f64::INFINITY]));
    let err = read(&[batch(columns)]).unwrap_err();
    assert_eq!(location(&err), (2, None, "n".to_string()));

    // A 0/1 option column holding 2.
    let mut columns = ok(3);
    columns[2].1 = Arc::new(UInt64Array::from(vec![1, 2, 0]));
    let err = read(&[batch(columns)]).unwrap_err();
    assert_eq!(location(&err), (1, None, "m_a".to_string()));
    assert!(err.to_string().contains("is not 0, 1 or empty"), "{err}");

    // The first failure in record order, whatever the columns' order.
    let mut columns = ok(4);
    columns[0].1 = Arc::new(StringArray::from(vec!["1", "1", "1", "3"]));
    columns[1].1 = Arc::new(StringArray::from(vec!["1", "y", "1", "1"]));
    let err = read(&[batch(columns)]).unwrap_err();
    assert_eq!(location(&err), (1, None, "n".to_string()));
    let mut columns = ok(4);
    columns[0].1 = Arc::new(StringArray::from(vec!["1", "3", "1", "3"]));
    columns[1].1 = Arc::new(StringArray::from(vec!["1", "y", "1", "1"]));
    let err = read(&[batch(columns)]).unwrap_err();
    assert!(
        matches!(err, Error::UnlistedValue { ref at, .. } if at.record == 1 && at.column == "q")
    );

    // Unsupported type, named with its column; a column not read may hold anything.
    let mut columns = ok(2);
    columns[0].1 = Arc::new(BinaryArray::from(vec![&b"1"[..], b"2"]));
    let err = read(&[batch(columns.clone())]).unwrap_err();
    assert_eq!(
        err,
        Error::UnsupportedColumnType {
            source_name: "b".into(),
            column: "q".into(),
            data_type: "Binary".into()
        }
    );
    assert!(
        err.to_string()
            .contains("column 'q': type Binary cannot be read"),
        "{err}"
    );
    let only_n = ArrowReader::new()
        .questionnaire(&q)
        .columns(["n"])
        .read(&[batch(columns)], "b");
    assert_eq!(only_n.unwrap().numbers("n").unwrap(), [1.0, 1.0]);

    // Batches of different schemas.
    let mut columns = ok(2);
    columns[1].1 = Arc::new(Int32Array::from(vec![1, 2]));
    let err = read(&[batch(ok(2)), batch(ok(1)), batch(columns)]).unwrap_err();
    let Error::SchemaMismatch {
        batch: b,
        expected,
        found,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*b, 2);
    assert!(
        expected.contains("n: Float64") && found.contains("n: Int32"),
        "{err}"
    );
}

#[test]
fn integers_of_every_width_code_as_their_text() {
    let q = Questionnaire::new(vec![Question::single(
        "q",
        [("1", "a"), ("3", "b"), ("-2", "c")],
    )])
    .unwrap();
    let expected = [Some(1), Some(0), None, Some(2)];
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(Int8Array::from(vec![Some(3), Some(1), None, Some(-2)])),
        Arc::new(Int64Array::from(vec![Some(3), Some(1), None, Some(-2)])),
        Arc::new(Float64Array::from(vec![
            Some(3.0),
            Some(1.0),
            None,
            Some(-2.0),
        ])),
        Arc::new(StringArray::from(vec![
            Some("3"),
            Some(" 1"),
            Some(""),
            Some("-2"),
        ])),
    ];
    for array in arrays {
        let r = ArrowReader::new()
            .questionnaire(&q)
            .read(&[batch(vec![("q", array.clone())])], "i")
            .unwrap();
        assert_eq!(r.codes("q").unwrap(), expected, "{:?}", array.data_type());
    }
    // Unsigned values past the table's range go through their text.
    let q = Questionnaire::new(vec![Question::single(
        "q",
        [("1", "a"), ("18446744073709551615", "max")],
    )])
    .unwrap();
    let array = Arc::new(UInt64Array::from(vec![u64::MAX, 1])) as ArrayRef;
    let r = ArrowReader::new()
        .questionnaire(&q)
        .read(&[batch(vec![("q", array)])], "u")
        .unwrap();
    assert_eq!(r.codes("q").unwrap(), [Some(1), Some(0)]);
    let array = Arc::new(UInt16Array::from(vec![2])) as ArrayRef;
    let err = ArrowReader::new()
        .questionnaire(&q)
        .read(&[batch(vec![("q", array)])], "u")
        .unwrap_err();
    assert!(matches!(err, Error::UnlistedValue { ref value, .. } if value == "2"));
}

#[test]
fn identifiers_from_dictionaries_read_as_from_text() {
    let q = Questionnaire::new(vec![Question::new(
        "id",
        survey_analytics::QuestionType::Identifier,
    )])
    .unwrap();
    let values = StringArray::from(vec![Some("z"), Some("y"), None, Some("x"), Some("w")]);
    let keys = Int8Array::from(vec![Some(3), Some(0), None, Some(3), Some(2), Some(1)]);
    let id = DictionaryArray::<Int8Type>::try_new(keys, Arc::new(values)).unwrap();
    let from_arrow = ArrowReader::new()
        .questionnaire(&q)
        .read(&[batch(vec![("id", Arc::new(id))])], "d")
        .unwrap();
    let from_memory = Responses::builder(&q)
        .source_name("d")
        .values("id", ["x", "z", "", "x", "", "y"])
        .build()
        .unwrap();
    assert_eq!(from_arrow, from_memory);
    // Sorted, as every identifier's labels are; unused dictionary values ("w") are not labels.
    assert_eq!(
        from_arrow.categories("id").unwrap().labels(),
        ["x", "y", "z"]
    );
    assert_eq!(from_arrow.missing("id").unwrap().empty, 2);
}

/// Batches large enough to load their questions side by side (more than 2^16 rows) give what
/// the builder gives, whether they come as one batch, many, or as a stream (loaded batch after
/// batch); and of several failures the first in record order, then column order, is reported.
#[test]
fn large_batches_load_their_columns_side_by_side_alike() {
    let rows = rows(150_000);
    let from_memory = builder(&rows, "big");
    let typed = typed_batch(&rows);
    let whole = arrow(std::slice::from_ref(&typed), "big");
    assert_eq!(whole, from_memory);
    let pieces = split(&typed, 7);
    assert_eq!(arrow(&pieces, "big"), from_memory);
    let streamed = ArrowReader::new()
        .questionnaire(&questionnaire())
        .read_iter(pieces, "big")
        .unwrap();
    assert_eq!(streamed, from_memory);
    // An unlisted answer at record 140,000, an infinite weight at 100,000 and an unlisted role
    // on the same record: the role (the first column) at record 100,000 is reported.
    let mut answers: Vec<Option<i64>> = rows.iter().map(|r| r.answer).collect();
    answers[140_000] = Some(7);
    let mut weights: Vec<Option<f64>> = rows.iter().map(|r| r.weight).collect();
    weights[100_000] = Some(f64::INFINITY);
    let mut roles: Vec<Option<&str>> = rows
        .iter()
        .map(|r| (!r.role.is_empty()).then_some(r.role))
        .collect();
    roles[100_000] = Some("intern");
    let bad = |answers: &[Option<i64>], weights: &[Option<f64>], roles: &[Option<&str>]| {
        let mut columns = typed.columns().to_vec();
        columns[0] = Arc::new(roles.iter().copied().collect::<DictionaryArray<Int8Type>>());
        columns[1] = Arc::new(Int64Array::from(answers.to_vec()));
        columns[3] = Arc::new(Float64Array::from(weights.to_vec()));
        let batch = RecordBatch::try_new(typed.schema(), columns).unwrap();
        ArrowReader::new()
            .questionnaire(&questionnaire())
            .read(&[batch], "big")
            .unwrap_err()
    };
    let err = bad(&answers, &weights, &roles);
    assert!(
        matches!(&err, Error::UnlistedValue { at, value, .. }
            if at.record == 100_000 && at.column == "role" && value == "intern"),
        "{err}"
    );
    let clean_roles: Vec<Option<&str>> = rows
        .iter()
        .map(|r| (!r.role.is_empty()).then_some(r.role))
        .collect();
    let err = bad(&answers, &weights, &clean_roles);
    assert!(
        matches!(&err, Error::InvalidField { at, .. } if at.record == 100_000 && at.column == "weight"),
        "{err}"
    );
    let clean_weights: Vec<Option<f64>> = rows.iter().map(|r| r.weight).collect();
    let err = bad(&answers, &clean_weights, &clean_roles);
    assert!(
        matches!(&err, Error::UnlistedValue { at, .. } if at.record == 140_000 && at.column == "answer"),
        "{err}"
    );
}
