//! Property tests of the runtime-data layer: any CSV text at all (random bytes, quotes, `\r`,
//! empty lines, non-UTF-8, huge numbers, "NaN", "inf", 2^53, u64::MAX, empty input, a header
//! alone) never panics and either loads or stops with a typed error, the same in one thread and
//! in two; when it loads, nothing is dropped: the records are those the `csv` crate counts, and in
//! every column the tally's answers plus its missing count make every record, the missing count
//! being exactly the empty fields and declared no-answer codes. Generated valid tables load
//! identically through CSV (one and two threads) and the in-memory builder, and values the
//! questionnaire does not list are counted under "Other" under the lenient policy, never lost.
//!
//! Reference: the `csv` crate (record counts) and the generated records themselves (answers,
//! missing counts); everything is compared exactly.

use proptest::prelude::*;
use survey_analytics::*;

/// Pieces of CSV text that reach the reader's edges.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"a",
        b"b",
        b"1",
        b"2",
        b",",
        b",",
        b"\n",
        b"\n",
        b"\r\n",
        b"\r",
        b"\"",
        b"\"\"",
        b" ",
        b"",
        b"\xff",
        b"\xc3\xa9",
        b"\xef\xbb\xbf",
        b"NaN",
        b"inf",
        b"-inf",
        b"1e400",
        b"-0",
        b"9007199254740992",
        b"9007199254740993",
        b"18446744073709551615",
        b"99",
        b";",
    ];
    prop_oneof![
        8 => prop::sample::select(fixed).prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 0..4),
    ]
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => Just(Vec::new()),
        1 => Just(b"q,w".to_vec()),
        1 => Just(b"q,w\n".to_vec()),
        8 => prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat()),
        4 => prop::collection::vec(piece(), 0..40)
            .prop_map(|p| [b"q,w\n".to_vec(), p.concat()].concat()),
    ]
}

/// The questionnaire of the `q,w` files: a single-choice question with a no-answer code, and a
/// number.
fn q_and_w() -> Questionnaire {
    Questionnaire::new(vec![
        Question::single("q", [("a", "A"), ("b", "B"), ("1", "One")]).with_missing(
            "99",
            "Don't know",
            Missing::NoAnswer,
        ),
        Question::numeric("w").with_missing("99", "Refused", Missing::NoAnswer),
    ])
    .unwrap()
}

/// Whether the error is one a bad file may give: typed, naming the source.
fn typed(error: &Error) -> bool {
    match error {
        Error::Read { source_name, .. }
        | Error::RaggedRow { source_name, .. }
        | Error::UnknownColumn { source_name, .. }
        | Error::DuplicateColumn { source_name, .. } => source_name == "fuzz.csv",
        Error::UnlistedValue { at, .. } | Error::InvalidField { at, .. } => {
            at.source_name == "fuzz.csv" && at.line.is_some_and(|l| l >= 2)
        }
        // An inferred column named "" (an empty header field).
        Error::InvalidQuestionnaire { .. } => true,
        _ => false,
    }
}

/// Records the `csv` crate reads after the header (the byte-order mark dropped as the reader
/// drops it), when it reads them all without error.
fn csv_records(bytes: &[u8]) -> Option<u64> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let mut count = 0;
    for record in reader.byte_records() {
        record.ok()?;
        count += 1;
    }
    Some(count)
}

/// Nothing dropped: every coded column's tally accounts for every record, its missing count is
/// the empty fields plus declared no-answers, and a numeric column's NaNs are its missing ones.
fn accounts_for_every_record(r: &Responses) {
    let n = r.len() as u64;
    for question in r.questionnaire().questions() {
        let id = question.id();
        let missing = r.missing(id).unwrap();
        match question.kind() {
            QuestionType::Numeric => {
                let nan = r.numbers(id).unwrap().iter().filter(|v| v.is_nan()).count();
                assert_eq!(nan as u64, missing.total(), "{id}");
            }
            QuestionType::Multi => {}
            _ => {
                if r.categories(id).is_err() {
                    // An identifier without any value: every record is empty.
                    assert_eq!(missing.empty, n, "{id}");
                    continue;
                }
                let margin = r.tally(&[id], None).unwrap().margin(0).unwrap();
                let answered: u64 = margin.cells().iter().map(|c| c.count()).sum();
                assert_eq!(answered + margin.missing().count(), n, "{id}");
                assert_eq!(margin.missing().count(), missing.total(), "{id}");
            }
        }
    }
}

fn read(bytes: &[u8], questionnaire: Option<&Questionnaire>, threads: usize) -> Result<Responses> {
    let mut reader = CsvReader::new().threads(threads);
    if let Some(q) = questionnaire {
        reader = reader.questionnaire(q);
    }
    reader.read(bytes, "fuzz.csv")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_loads_or_gives_a_typed_error(bytes in text()) {
        let questionnaire = q_and_w();
        for q in [None, Some(&questionnaire)] {
            let one = read(&bytes, q, 1);
            let two = read(&bytes, q, 2);
            prop_assert_eq!(&one, &two);
            match one {
                Ok(r) => {
                    if let Some(expected) = csv_records(&bytes) {
                        prop_assert_eq!(r.len() as u64, expected);
                    }
                    accounts_for_every_record(&r);
                    if q.is_none() {
                        // The inferred questionnaire passed back reads the same columns.
                        let back: Questionnaire = serde_json::from_str(
                            &serde_json::to_string(r.questionnaire()).unwrap(),
                        )
                        .unwrap();
                        let again = read(&bytes, Some(&back), 1).unwrap();
                        prop_assert_eq!(again.len(), r.len());
                        for question in back.questions() {
                            let id = question.id();
                            if question.kind() == QuestionType::Numeric {
                                let (a, b) = (r.numbers(id).unwrap(), again.numbers(id).unwrap());
                                prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
                            } else if question.kind() == QuestionType::Single {
                                prop_assert_eq!(r.labels(id).unwrap(), again.labels(id).unwrap());
                                prop_assert_eq!(
                                    r.tally(&[id], None).unwrap(),
                                    again.tally(&[id], None).unwrap()
                                );
                            }
                        }
                    }
                }
                Err(e) => prop_assert!(typed(&e), "untyped error {e:?} for {bytes:?}"),
            }
        }
    }
}

/// One generated record: an answer code (or a missing code, an unlisted value, an empty or
/// padded field), a number, chosen channels, a cluster label.
type Row = (usize, Option<f64>, Option<Vec<usize>>, u8);

const Q_VALUES: [&str; 7] = ["1", "2", "3", "99", "98", "", " 2 "];
const CHANNELS: [&str; 3] = ["mail", "chat", "phone"];

fn row() -> impl Strategy<Value = Row> {
    (
        0..Q_VALUES.len(),
        prop_oneof![
            1 => Just(None),
            1 => Just(Some(9_007_199_254_740_992.0)),
            1 => Just(Some(-0.0)),
            1 => Just(Some(1e300)),
            1 => Just(Some(5e-324)),
            6 => (-1e6_f64..1e6).prop_map(Some),
        ],
        prop_oneof![
            1 => Just(None),
            4 => prop::collection::btree_set(0_usize..3, 0..=3)
                .prop_map(|s| Some(s.into_iter().collect())),
        ],
        any::<u8>(),
    )
}

fn table_questionnaire() -> Questionnaire {
    Questionnaire::new(vec![
        Question::single("q", [("3", "Three"), ("1", "One"), ("2", "Two")])
            .with_missing("99", "Don't know", Missing::NoAnswer)
            .with_missing("98", "Refused", Missing::Category),
        Question::numeric("x"),
        Question::multi(
            "ch",
            [("mail", "Email"), ("chat", "Chat"), ("phone", "Phone")],
        )
        .separated_by(';'),
        Question::new("cluster", QuestionType::Identifier),
    ])
    .unwrap()
}

fn number_text(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

fn channels_text(c: &Option<Vec<usize>>) -> String {
    c.as_ref().map_or_else(String::new, |c| {
        c.iter().map(|&i| CHANNELS[i]).collect::<Vec<_>>().join(";")
    })
}

/// A cluster label that needs quoting now and then.
fn cluster_text(c: u8) -> String {
    match c % 5 {
        0 => format!("c{c}"),
        1 => format!("c,{c}"),
        2 => format!("c\"{c}\""),
        3 => format!("line\n{c}"),
        _ => format!("{}", c % 7),
    }
}

/// The rows as CSV written by the `csv` crate (quoting where needed), with CRLF endings when
/// asked.
fn table_csv(rows: &[Row], crlf: bool) -> Vec<u8> {
    let terminator = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(terminator)
        .from_writer(Vec::new());
    writer.write_record(["q", "x", "ch", "cluster"]).unwrap();
    for (q, x, ch, c) in rows {
        writer
            .write_record([
                Q_VALUES[*q].to_string(),
                number_text(*x),
                channels_text(ch),
                cluster_text(*c),
            ])
            .unwrap();
    }
    writer.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn valid_tables_load_identically_through_csv_and_the_builder(
        rows in prop::collection::vec(row(), 0..120),
        crlf in any::<bool>(),
    ) {
        let q = table_questionnaire();
        let bytes = table_csv(&rows, crlf);
        let one = CsvReader::new().questionnaire(&q).threads(1).read(&bytes[..], "t.csv").unwrap();
        let two = CsvReader::new().questionnaire(&q).threads(2).read(&bytes[..], "t.csv").unwrap();
        prop_assert_eq!(format!("{one:?}"), format!("{two:?}"));
        let built = Responses::builder(&q)
            .values("q", rows.iter().map(|r| Q_VALUES[r.0]))
            .values("x", rows.iter().map(|r| number_text(r.1)))
            .values("ch", rows.iter().map(|r| channels_text(&r.2)))
            .values("cluster", rows.iter().map(|r| cluster_text(r.3)))
            .build()
            .unwrap();
        prop_assert_eq!(one.len(), rows.len());
        prop_assert_eq!(built.len(), rows.len());
        for id in ["q", "cluster"] {
            prop_assert_eq!(one.codes(id).unwrap(), built.codes(id).unwrap());
            prop_assert_eq!(one.missing(id).unwrap(), built.missing(id).unwrap());
        }
        if !rows.is_empty() {
            prop_assert_eq!(one.categories("cluster").unwrap(), built.categories("cluster").unwrap());
        }
        prop_assert_eq!(one.selections("ch").unwrap(), built.selections("ch").unwrap());
        prop_assert_eq!(one.missing("ch").unwrap(), built.missing("ch").unwrap());
        prop_assert_eq!(
            format!("{:?}", one.numbers("x").unwrap()),
            format!("{:?}", built.numbers("x").unwrap())
        );
        // The numbers are the generated ones, bit for bit (-0 stays -0).
        for (got, (_, want, _, _)) in one.numbers("x").unwrap().iter().zip(&rows) {
            match want {
                Some(v) => prop_assert_eq!(got.to_bits(), v.to_bits()),
                None => prop_assert!(got.is_nan()),
            }
        }
        // (An identifier without any value has no categories to tally.)
        let ids: &[&str] = if rows.is_empty() { &["q"] } else { &["q", "cluster"] };
        prop_assert_eq!(one.tally(ids, None).unwrap(), built.tally(ids, None).unwrap());
        // Nothing dropped: answers (with "Refused" as a category) plus no-answers are every row.
        let count = |v: &[&str]| rows.iter().filter(|r| v.contains(&Q_VALUES[r.0])).count() as u64;
        let missing = one.missing("q").unwrap();
        prop_assert_eq!(missing.empty, count(&[""]));
        prop_assert_eq!(&missing.declared, &vec![("Don't know".to_string(), count(&["99"]))]);
        accounts_for_every_record(&one);
        let codes = one.codes("q").unwrap();
        prop_assert_eq!(codes.iter().filter(|c| **c == Some(3)).count() as u64, count(&["98"]));
        prop_assert_eq!(codes.iter().filter(|c| **c == Some(2)).count() as u64, count(&["2", " 2 "]));
    }

    /// Lenient reading: unlisted values are answers counted under "Other", never dropped.
    #[test]
    fn unlisted_values_are_counted_under_other(
        values in prop::collection::vec(prop_oneof![
            Just("1".to_string()), Just("".to_string()), Just("99".to_string()),
            "[a-z]{1,3}", "[0-9]{1,25}",
        ], 0..80)
    ) {
        let q = Questionnaire::new(vec![
            Question::single("q", [("1", "One")]).with_missing("99", "DK", Missing::NoAnswer),
        ])
        .unwrap();
        let mut text = String::from("q\n");
        for v in &values {
            text.push_str(v);
            text.push('\n');
        }
        let r = CsvReader::new().questionnaire(&q).unlisted(Unlisted::Other).read(text.as_bytes(), "o.csv").unwrap();
        let built = Responses::builder(&q).unlisted(Unlisted::Other).values("q", values.iter().cloned()).build().unwrap();
        let unlisted = values.iter().filter(|v| !["1", "", "99"].contains(&v.as_str())).count() as u64;
        prop_assert_eq!(r.unlisted("q").unwrap(), unlisted);
        prop_assert_eq!(built.unlisted("q").unwrap(), unlisted);
        prop_assert_eq!(built.len(), values.len());
        // In a one-column file an empty field is an empty line, which CSV skips: the file holds
        // the non-empty values, coded as the builder codes them.
        let kept: Vec<&String> = values.iter().filter(|v| !v.is_empty()).collect();
        prop_assert_eq!(r.len(), kept.len());
        let built_kept = Responses::builder(&q).unlisted(Unlisted::Other).values("q", kept.iter().map(|v| v.as_str())).build().unwrap();
        prop_assert_eq!(r.codes("q").unwrap(), built_kept.codes("q").unwrap());
        prop_assert_eq!(r.missing("q").unwrap(), built_kept.missing("q").unwrap());
        let margin = r.tally(&["q"], None).unwrap().margin(0).unwrap();
        if unlisted > 0 {
            prop_assert_eq!(r.categories("q").unwrap().labels(), ["One", "Other"]);
            prop_assert_eq!(margin.cell(1).count(), unlisted);
        } else {
            prop_assert_eq!(r.categories("q").unwrap().labels(), ["One"]);
        }
        accounts_for_every_record(&r);
        accounts_for_every_record(&built);
    }
}
