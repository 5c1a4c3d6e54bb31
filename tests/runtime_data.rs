//! Runtime data against the typed path, and bad input with its location.
//!
//! The same records go through three doors: CSV text (`CsvReader`), in-memory field text
//! (`ResponsesBuilder::values`) and in-memory positions (`codes`/`numbers`/`selections`). Every
//! door gives the same columns, missing counts and tallies; CSV read in one thread and in several
//! (with enough text for several 4 MB blocks and quoted fields spanning lines) gives the same
//! `Responses`. Analyses by column name (tallies, crosstabs with banners and a total, breakdowns,
//! comparisons, weighted or design-based, post-stratified and raked by label) equal those the
//! survey layer's typed API (`category!` enums, `Tally::count`, `Crosstab::new`,
//! `Crosstab::from_design`, `SampleDesign` built by hand) computes from the same records.
//! Reference: the typed path itself; both sides run the same code on the same numbers, so every
//! estimate, interval, letter and weight is compared exactly (`==`, no tolerance).
//!
//! Every bad-input class is a typed error naming the file, the line (after a quoted field that
//! spans lines) and the column, with its `Display` text checked in full: an unknown or duplicate
//! column, an unlisted value (strict; lenient counts it under "Other"), a ragged row, an
//! unparsable number ("abc", "inf", "NaN"), a bad 0/1 field, a bad delimited code, non-UTF-8 text,
//! an invalid or missing weight, an empty stratum or cluster, a category without a population
//! total.

use survey_analytics::*;

category! {
    /// Role, in questionnaire order (not alphabetical).
    pub enum Role("role") {
        /// Leads.
        Leader = "Leader" as "1",
        /// Manages.
        Manager = "Manager" as "2",
        /// Individual contributor.
        Ic = "IC" as "3",
    }
}

category! {
    /// Satisfaction, with "Don't know" kept as a category of its own.
    pub enum Sat("sat") {
        /// 1.
        VeryLow = "Very low" as "1",
        /// 2.
        Low = "Low" as "2",
        /// 3.
        Neutral = "Neutral" as "3",
        /// 4.
        High = "High" as "4",
        /// 5.
        VeryHigh = "Very high" as "5",
        /// 99, declared as a category.
        DontKnow = "Don't know" as "99",
    }
}

category! {
    /// Knows the impact.
    pub enum Knows("knows") {
        /// y.
        Yes = "Yes" as "y",
        /// n.
        No = "No" as "n",
    }
}

fn questionnaire() -> Questionnaire {
    Questionnaire::new(vec![
        Question::single("role", [("1", "Leader"), ("2", "Manager"), ("3", "IC")]).with_missing(
            "99",
            "Prefer not to say",
            Missing::NoAnswer,
        ),
        Question::rating(
            "sat",
            [
                ("1", "Very low"),
                ("2", "Low"),
                ("3", "Neutral"),
                ("4", "High"),
                ("5", "Very high"),
            ],
        )
        .with_missing("98", "Refused", Missing::NoAnswer)
        .with_missing("99", "Don't know", Missing::Category),
        Question::single("knows", [("y", "Yes"), ("n", "No")]),
        Question::multi("ai", [("ai_w", "Writing"), ("ai_a", "Analysis")]),
        Question::multi(
            "channels",
            [("mail", "Email"), ("chat", "Chat"), ("phone", "Phone")],
        )
        .separated_by(';'),
        Question::numeric("w"),
        Question::new("stratum", QuestionType::Identifier),
        Question::new("psu", QuestionType::Identifier),
        Question::single("gender", [("f", "Female"), ("m", "Male")]),
    ])
    .unwrap()
}

/// One record's fields, as text.
#[derive(Clone, Debug)]
struct Record {
    role: &'static str,
    sat: &'static str,
    knows: &'static str,
    ai_w: &'static str,
    ai_a: &'static str,
    channels: &'static str,
    w: f64,
    stratum: String,
    psu: String,
    gender: &'static str,
}

/// `n` records from a fixed xorshift stream: every answer, missing code and empty field occurs.
fn records(n: usize) -> Vec<Record> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |k: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % k) as usize
    };
    (0..n)
        .map(|_| {
            let stratum = next(3);
            Record {
                role: ["1", "2", "3", "3", "2", "99", ""][next(7)],
                sat: ["1", "2", "3", "4", "5", "5", "4", "99", "98", ""][next(10)],
                knows: ["y", "n", "n", ""][next(4)],
                ai_w: ["0", "1", "1", ""][next(4)],
                ai_a: ["0", "1", "0", ""][next(4)],
                channels: [
                    "mail",
                    "chat;mail",
                    "",
                    "phone",
                    "mail;chat;phone",
                    " chat ",
                ][next(6)],
                w: [0.5, 1.0, 1.25, 2.0, 3.5][next(5)],
                stratum: format!("s{stratum}"),
                psu: format!("{}", 10 * stratum + next(4)),
                gender: ["f", "m", "f"][next(3)],
            }
        })
        .collect()
}

const HEADER: &str = "id,role,sat,knows,ai_w,ai_a,channels,w,stratum,psu,gender,note";

/// The records as CSV: an id and a note the questionnaire does not list (skipped), every tenth
/// note quoted with a comma, a doubled quote and a line break.
fn csv(records: &[Record]) -> String {
    let mut text = format!("{HEADER}\n");
    for (i, r) in records.iter().enumerate() {
        let note = if i % 10 == 3 {
            "\"said \"\"hi\"\",\nthen left\""
        } else {
            "plain"
        };
        text.push_str(&format!(
            "R{i},{},{},{},{},{},{},{},{},{},{},{note}\n",
            r.role, r.sat, r.knows, r.ai_w, r.ai_a, r.channels, r.w, r.stratum, r.psu, r.gender
        ));
    }
    text
}

fn from_csv(records: &[Record]) -> Responses {
    CsvReader::new()
        .questionnaire(&questionnaire())
        .read(csv(records).as_bytes(), "data.csv")
        .unwrap()
}

/// The records through the builder as field text.
fn from_values(records: &[Record]) -> Responses {
    let col = |f: fn(&Record) -> String| records.iter().map(f).collect::<Vec<String>>();
    Responses::builder(&questionnaire())
        .values("role", col(|r| r.role.into()))
        .values("sat", col(|r| r.sat.into()))
        .values("knows", col(|r| r.knows.into()))
        .values("ai_w", col(|r| r.ai_w.into()))
        .values("ai_a", col(|r| r.ai_a.into()))
        .values("channels", col(|r| r.channels.into()))
        .values("w", col(|r| r.w.to_string()))
        .values("stratum", col(|r| r.stratum.clone()))
        .values("psu", col(|r| r.psu.clone()))
        .values("gender", col(|r| r.gender.into()))
        .build()
        .unwrap()
}

fn position(codes: &[&str], value: &str) -> Option<usize> {
    codes.iter().position(|c| *c == value)
}

/// The position of a record's answer among a question's categories (`None` for no answer).
fn role_of(r: &Record) -> Option<Role> {
    position(&["1", "2", "3"], r.role).map(|i| Role::ALL[i])
}
fn sat_of(r: &Record) -> Option<Sat> {
    position(&["1", "2", "3", "4", "5", "99"], r.sat).map(|i| Sat::ALL[i])
}
fn knows_of(r: &Record) -> Option<Knows> {
    position(&["y", "n"], r.knows).map(|i| Knows::ALL[i])
}
fn ai_of(r: &Record) -> Option<Vec<usize>> {
    if r.ai_w.is_empty() && r.ai_a.is_empty() {
        return None;
    }
    let mut chosen = Vec::new();
    if r.ai_w == "1" {
        chosen.push(0);
    }
    if r.ai_a == "1" {
        chosen.push(1);
    }
    Some(chosen)
}
fn channels_of(r: &Record) -> Option<Vec<usize>> {
    if r.channels.trim().is_empty() {
        return None;
    }
    let mut chosen: Vec<usize> = r
        .channels
        .split(';')
        .map(|c| position(&["mail", "chat", "phone"], c.trim()).unwrap())
        .collect();
    chosen.sort_unstable();
    Some(chosen)
}

/// The records through the builder as positions and numbers.
fn from_positions(records: &[Record]) -> Responses {
    Responses::builder(&questionnaire())
        .codes(
            "role",
            records.iter().map(|r| role_of(r).map(|c| c.index())),
        )
        .codes("sat", records.iter().map(|r| sat_of(r).map(|c| c.index())))
        .codes(
            "knows",
            records.iter().map(|r| knows_of(r).map(|c| c.index())),
        )
        // The question in 0/1 columns is given as its option columns' text.
        .values("ai_w", records.iter().map(|r| r.ai_w))
        .values("ai_a", records.iter().map(|r| r.ai_a))
        .selections("channels", records.iter().map(channels_of))
        .numbers("w", records.iter().map(|r| r.w))
        .values("stratum", records.iter().map(|r| r.stratum.clone()))
        .values("psu", records.iter().map(|r| r.psu.clone()))
        .values("gender", records.iter().map(|r| r.gender))
        .build()
        .unwrap()
}

const CODED: [&str; 6] = ["role", "sat", "knows", "stratum", "psu", "gender"];

/// Everything two loadings must agree on, column by column (not the source's name or lines).
fn assert_same_columns(a: &Responses, b: &Responses, missing_reasons: bool) {
    assert_eq!(a.len(), b.len());
    assert_eq!(a.questionnaire(), b.questionnaire());
    for id in CODED {
        assert_eq!(a.codes(id).unwrap(), b.codes(id).unwrap(), "{id}");
        assert_eq!(a.labels(id).unwrap(), b.labels(id).unwrap(), "{id}");
        assert_eq!(a.categories(id).unwrap(), b.categories(id).unwrap(), "{id}");
    }
    for id in ["ai", "channels"] {
        assert_eq!(a.selections(id).unwrap(), b.selections(id).unwrap(), "{id}");
        assert_eq!(a.categories(id).unwrap(), b.categories(id).unwrap(), "{id}");
    }
    assert_eq!(a.numbers("w").unwrap(), b.numbers("w").unwrap());
    if missing_reasons {
        for id in CODED.iter().chain(&["ai", "channels", "w"]) {
            assert_eq!(a.missing(id).unwrap(), b.missing(id).unwrap(), "{id}");
        }
    }
    for weight in [None, Some("w")] {
        assert_eq!(
            a.tally(&["sat", "role", "knows", "gender"], weight)
                .unwrap(),
            b.tally(&["sat", "role", "knows", "gender"], weight)
                .unwrap()
        );
        for id in ["ai", "channels"] {
            assert_eq!(
                a.multi_tally(id, Some("role"), weight).unwrap(),
                b.multi_tally(id, Some("role"), weight).unwrap()
            );
        }
    }
}

#[test]
fn csv_and_the_builder_give_the_same_columns_and_tallies() {
    let records = records(400);
    let csv = from_csv(&records);
    let values = from_values(&records);
    let positions = from_positions(&records);
    assert_eq!(csv.len(), 400);
    assert_eq!(csv.source_name(), "data.csv");
    assert_eq!(values.source_name(), "columns");
    assert_same_columns(&csv, &values, true);
    // Positions cannot say why an answer is missing (99 and 98 become plain no-answers).
    assert_same_columns(&csv, &positions, false);
    // The choices are the records'.
    let ai: Vec<Option<Vec<usize>>> = records.iter().map(ai_of).collect();
    assert_eq!(csv.selections("ai").unwrap(), ai);
    let channels: Vec<Option<Vec<usize>>> = records.iter().map(channels_of).collect();
    assert_eq!(csv.selections("channels").unwrap(), channels);
    // Questionnaire order, not the alphabet; "Don't know" after the answers.
    assert_eq!(
        csv.categories("role").unwrap().labels(),
        ["Leader", "Manager", "IC"]
    );
    assert_eq!(
        csv.categories("sat").unwrap().labels(),
        [
            "Very low",
            "Low",
            "Neutral",
            "High",
            "Very high",
            "Don't know"
        ]
    );
    // Identifiers in order of first appearance.
    let first: Vec<&str> = {
        let mut seen = Vec::new();
        for r in &records {
            if !seen.contains(&r.stratum.as_str()) {
                seen.push(r.stratum.as_str());
            }
        }
        seen
    };
    assert_eq!(csv.categories("stratum").unwrap().labels(), first);
}

/// Selections given by position for a multi-select question held in 0/1 columns are what the
/// responses hold, positions past the options are refused, and the question is given one way:
/// as selections, or as its option columns, not both.
#[test]
fn selections_of_a_question_in_01_columns_are_kept() {
    let q = Questionnaire::new(vec![Question::multi(
        "ai",
        [("ai_w", "Writing"), ("ai_a", "Analysis")],
    )])
    .unwrap();
    let r = Responses::builder(&q)
        .selections("ai", [Some(vec![0, 1]), Some(vec![]), None])
        .build()
        .unwrap();
    assert_eq!(
        r.selections("ai").unwrap(),
        [Some(vec![0, 1]), Some(vec![]), None]
    );
    assert_eq!(r.missing("ai").unwrap().empty, 1);
    let err = Responses::builder(&q)
        .selections("ai", [Some(vec![5])])
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::CategoryOutOfRange { index: 5, .. }),
        "{err}"
    );
    let both = Responses::builder(&q)
        .selections("ai", [Some(vec![0])])
        .values("ai_w", ["1"])
        .build()
        .unwrap_err();
    assert!(both.to_string().contains("not both"), "{both}");
    let as_text = Responses::builder(&q)
        .values("ai", ["1"])
        .build()
        .unwrap_err();
    assert!(
        as_text.to_string().contains("given as selections"),
        "{as_text}"
    );
}

/// Missing codes: "Prefer not to say" (99) and "Refused" (98) are no answers, counted by reason;
/// "Don't know" (99 on `sat`) is a category of its own, counted in the tally. Nothing is lost:
/// answers plus empty fields plus declared no-answers make every record.
#[test]
fn missing_codes_are_honoured_and_counted() {
    let records = records(400);
    let r = from_csv(&records);
    let count = |f: &dyn Fn(&Record) -> bool| records.iter().filter(|r| f(r)).count() as u64;
    let role = r.missing("role").unwrap();
    assert_eq!(role.empty, count(&|r| r.role.is_empty()));
    assert_eq!(
        role.declared,
        [("Prefer not to say".to_string(), count(&|r| r.role == "99"))]
    );
    let sat = r.missing("sat").unwrap();
    assert_eq!(
        sat.declared,
        [("Refused".to_string(), count(&|r| r.sat == "98"))]
    );
    assert_eq!(sat.empty, count(&|r| r.sat.is_empty()));
    let margin = r.tally(&["sat"], None).unwrap().margin(0).unwrap();
    assert_eq!(margin.cell(5).count(), count(&|r| r.sat == "99"));
    assert_eq!(margin.missing().count(), sat.total());
    let answered: u64 = (0..6).map(|c| margin.cell(c).count()).sum();
    assert_eq!(answered + sat.total(), 400);
    let role_margin = r.tally(&["role"], None).unwrap().margin(0).unwrap();
    assert_eq!(role_margin.missing().count(), role.total());
    // A breakdown reports them as missing, not as a share.
    let breakdown = r
        .breakdown("role", None, &BreakdownOptions::default())
        .unwrap();
    assert_eq!(breakdown.missing().count, role.total());
    // Multi-select: a record with neither 0/1 field given is no answer.
    assert_eq!(
        r.missing("ai").unwrap().empty,
        count(&|r| r.ai_w.is_empty() && r.ai_a.is_empty())
    );
    assert_eq!(
        r.missing("channels").unwrap().empty,
        count(&|r| r.channels.trim().is_empty())
    );
}

/// Multi-select as 0/1 columns and as one delimited column: the same choices give the same
/// selections and the same tables.
#[test]
fn multi_select_in_01_columns_and_in_one_delimited_column_agree() {
    let q = Questionnaire::new(vec![
        Question::multi("flags", [("c_mail", "Email"), ("c_chat", "Chat")]),
        Question::multi("joined", [("mail", "Email"), ("chat", "Chat")]).separated_by('|'),
        Question::single("g", [("a", "A"), ("b", "B")]),
    ])
    .unwrap();
    let data = "c_mail,c_chat,joined,g\n1,0,mail,a\n1,1,chat|mail,b\n0,0,,a\n0,1, chat ,b\n,,,a\n0,0,|,b\n";
    // "0,0" is an answer with no option chosen; "|" likewise; ",," and "" are no answer.
    let r = CsvReader::new()
        .questionnaire(&q)
        .read(data.as_bytes(), "multi.csv")
        .unwrap();
    let flags = r.selections("flags").unwrap();
    let joined = r.selections("joined").unwrap();
    assert_eq!(
        flags,
        [
            Some(vec![0]),
            Some(vec![0, 1]),
            Some(vec![]),
            Some(vec![1]),
            None,
            Some(vec![])
        ]
    );
    assert_eq!(joined[..2], flags[..2]);
    assert_eq!(joined[3], flags[3]);
    // An empty delimited field is no answer, where 0/1 columns "0,0" answered "none".
    assert_eq!((joined[2].clone(), joined[4].clone()), (None, None));
    assert_eq!(joined[5], Some(vec![]));
    assert_eq!(r.missing("flags").unwrap().empty, 1);
    assert_eq!(r.missing("joined").unwrap().empty, 2);
    let a = r.crosstab("flags").by("g").total().run().unwrap();
    assert_eq!(a.banners()[0].rows()[1].cells[1].estimate.count, 2);
}

#[test]
fn csv_in_one_thread_and_in_several_gives_the_same_responses() {
    // About 5 MB: two blocks (of 4 MB each at most), quoted notes spanning lines in both.
    let records = records(120_000);
    let text = csv(&records);
    assert!(text.len() > 4 << 20, "{}", text.len());
    let read = |threads: usize| {
        CsvReader::new()
            .questionnaire(&questionnaire())
            .threads(threads)
            .read(text.as_bytes(), "big.csv")
            .unwrap()
    };
    let one = read(1);
    assert_eq!(one.len(), records.len());
    assert_eq!(read(3), one);
    // And they equal the builder's columns.
    assert_same_columns(&one, &from_values(&records), true);

    // An unlisted value near the end, after ~12,000 quoted notes spanning two lines each: the
    // same line in one thread and in several, and it is the first error in file order even when
    // a later block has one too.
    let mut bad = records.clone();
    bad[110_000].knows = "maybe";
    bad[119_000].knows = "later";
    let text = csv(&bad);
    let line = 2 + 110_000 + (0..110_000).filter(|i| i % 10 == 3).count() as u64;
    for threads in [1, 3] {
        let err = CsvReader::new()
            .questionnaire(&questionnaire())
            .threads(threads)
            .read(text.as_bytes(), "big.csv")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "big.csv:{line}, column 'knows': 'maybe' is not an answer of the question (answers: y, n)"
            ),
            "{threads} threads"
        );
        match err {
            Error::UnlistedValue { at, .. } => assert_eq!(at.record, 110_000),
            other => panic!("{other:?}"),
        }
    }
}

fn options() -> CrosstabOptions {
    CrosstabOptions::default().min_base(5)
}

/// The typed tally of (sat, role), weighted or not, from the same records.
fn typed_sat_by_role(records: &[Record], weighted: bool) -> Tally {
    if weighted {
        Tally::count_weighted(records, |r| (sat_of(r), role_of(r)), |r| r.w).unwrap()
    } else {
        Tally::count(records, |r| (sat_of(r), role_of(r))).unwrap()
    }
}

#[test]
fn crosstabs_breakdowns_and_comparisons_equal_the_typed_path() {
    let records = records(600);
    let r = from_csv(&records);
    for weighted in [false, true] {
        let weight = weighted.then_some("w");
        let typed = typed_sat_by_role(&records, weighted);
        let runtime = r.tally(&["sat", "role"], weight).unwrap();
        assert_eq!(runtime, typed, "weighted {weighted}");

        // A crosstab by role with a net and a total.
        let top = Net::new("Top 2", [3, 4]).unwrap();
        let mut builder = r
            .crosstab("sat")
            .by("role")
            .total()
            .options(options())
            .net("Top 2", &["4", "Very high"]);
        if let Some(w) = weight {
            builder = builder.weight(w);
        }
        let banners = builder.run().unwrap();
        let expected =
            Crosstab::new(&typed.cross(0, 1).unwrap(), &options().net(top.clone())).unwrap();
        assert_eq!(
            shares(&banners.banners()[0]),
            shares(&expected),
            "weighted {weighted}"
        );
        // A rating question gets its row of means by name.
        assert_eq!(banners.banners()[0].mean_rows()[0].label, "Mean");
        // The total: the same records in one group "Total".
        let total_records: Vec<(Option<Sat>, f64)> =
            records.iter().map(|x| (sat_of(x), x.w)).collect();
        let mut total = if weighted {
            Tally::new_weighted(vec![
                Categories::of::<Sat>(),
                Categories::new("Total", ["Total"]).unwrap(),
            ])
        } else {
            Tally::new(vec![
                Categories::of::<Sat>(),
                Categories::new("Total", ["Total"]).unwrap(),
            ])
        }
        .unwrap();
        for (sat, w) in &total_records {
            let slots = [sat.map(|s| s.index()), Some(0)];
            if weighted {
                total.add_weighted(&slots, *w).unwrap();
            } else {
                total.add(&slots).unwrap();
            }
        }
        let expected_total =
            Crosstab::new(&total.cross(0, 1).unwrap(), &options().net(top)).unwrap();
        assert_eq!(shares(banners.total().unwrap()), shares(&expected_total));

        // A breakdown of sat.
        let breakdown = r
            .breakdown("sat", weight, &BreakdownOptions::default())
            .unwrap();
        let expected =
            Breakdown::new(&typed.margin(0).unwrap(), &BreakdownOptions::default()).unwrap();
        assert_eq!(breakdown, expected);

        // A comparison of "knows = Yes" across roles, the answer named by label and by code.
        let typed_knows = if weighted {
            Tally::count_weighted(&records, |x| (knows_of(x), role_of(x)), |x| x.w).unwrap()
        } else {
            Tally::count(&records, |x| (knows_of(x), role_of(x))).unwrap()
        };
        let expected = Comparison::from_net(
            &typed_knows.cross(0, 1).unwrap(),
            &Net::new("Yes", [0]).unwrap(),
            &ComparisonOptions::default(),
        )
        .unwrap();
        for yes in ["Yes", "y"] {
            let got = r
                .comparison(
                    "knows",
                    &[yes],
                    "role",
                    weight,
                    &ComparisonOptions::default(),
                )
                .unwrap();
            if yes == "Yes" {
                assert_eq!(got, expected);
            } else {
                // Named by code, the outcome's label is the code; everything else is the same.
                assert_eq!(got.groups(), expected.groups());
                assert_eq!(got.pairs(), expected.pairs());
            }
        }
    }
}

#[test]
fn several_banners_are_the_typed_crosstabs_in_order() {
    let records = records(500);
    let r = from_csv(&records);
    let banners = r
        .crosstab("sat")
        .by("role")
        .by("knows")
        .options(options())
        .run()
        .unwrap();
    assert!(banners.total().is_none());
    let by_role = Tally::count(&records, |x| (sat_of(x), role_of(x))).unwrap();
    let by_knows = Tally::count(&records, |x| (sat_of(x), knows_of(x))).unwrap();
    let expected = [
        Crosstab::new(&by_role.cross(0, 1).unwrap(), &options()).unwrap(),
        Crosstab::new(&by_knows.cross(0, 1).unwrap(), &options()).unwrap(),
    ];
    assert_eq!(banners.banners().len(), 2);
    for (got, want) in banners.banners().iter().zip(&expected) {
        assert_eq!(shares(got), shares(want));
    }
}

/// The design built from columns equals `SampleDesign` built by hand from the same vectors, and
/// so do its crosstabs (design-based shares, standard errors, design effects, intervals,
/// letters, Rao-Scott test), post-stratified and raked with totals given by label or code.
#[test]
fn designs_from_columns_equal_designs_built_by_hand() {
    let records = records(600);
    let r = from_csv(&records);
    let weights: Vec<f64> = records.iter().map(|x| x.w).collect();
    let strata: Vec<&str> = records.iter().map(|x| x.stratum.as_str()).collect();
    let psus: Vec<&str> = records.iter().map(|x| x.psu.as_str()).collect();
    let by_hand = SampleDesign::new(weights.clone())
        .unwrap()
        .with_strata(&strata)
        .unwrap()
        .with_clusters(&psus)
        .unwrap();
    let (design, report) = r
        .design()
        .weight("w")
        .strata("stratum")
        .cluster("psu")
        .build()
        .unwrap();
    assert!(report.is_none());
    assert_eq!(design, by_hand);
    assert_eq!(design.degrees_of_freedom(), 12.0 - 3.0);

    let answers = Categories::of::<Sat>();
    let groups = Categories::of::<Role>();
    let sat: Vec<Option<usize>> = records
        .iter()
        .map(|x| sat_of(x).map(|c| c.index()))
        .collect();
    let role: Vec<Option<usize>> = records
        .iter()
        .map(|x| role_of(x).map(|c| c.index()))
        .collect();
    let expected =
        Crosstab::from_design(&by_hand, &answers, &groups, &sat, &role, &options()).unwrap();
    let got = r
        .crosstab("sat")
        .by("role")
        .design(&design)
        .options(options())
        .run()
        .unwrap();
    assert_eq!(shares(&got.banners()[0]), shares(&expected));
    assert!(got.banners()[0].design().is_some());

    // Post-stratified to gender totals by label ("Female") and by code ("m").
    let gender: Vec<usize> = records
        .iter()
        .map(|x| usize::from(x.gender == "m"))
        .collect();
    let margin = CalibrationMargin::new(gender.clone(), vec![5200.0, 4800.0]).unwrap();
    let post_by_hand = by_hand.post_stratify(&margin).unwrap();
    let (post, _) = r
        .design()
        .weight("w")
        .strata("stratum")
        .cluster("psu")
        .post_stratify("gender", &[("Female", 5200.0), ("m", 4800.0)])
        .build()
        .unwrap();
    assert_eq!(post, post_by_hand);
    let total: f64 = post.weights().iter().sum();
    assert!((total - 10_000.0).abs() < 1e-8, "{total}"); // tolerance: summing 600 doubles
    let expected =
        Crosstab::from_design(&post_by_hand, &answers, &groups, &sat, &role, &options()).unwrap();
    let got = r
        .crosstab("sat")
        .by("role")
        .design(&post)
        .options(options())
        .run()
        .unwrap();
    assert_eq!(shares(&got.banners()[0]), shares(&expected));

    // Raked to gender and stratum totals (stratum labels are an identifier's categories).
    let stratum_labels = r.categories("stratum").unwrap().labels().to_vec();
    let stratum_cells: Vec<usize> = records
        .iter()
        .map(|x| stratum_labels.iter().position(|l| *l == x.stratum).unwrap())
        .collect();
    let stratum_totals = [3000.0, 3500.0, 3500.0];
    let margins = [
        CalibrationMargin::new(gender, vec![5200.0, 4800.0]).unwrap(),
        CalibrationMargin::new(stratum_cells, stratum_totals.to_vec()).unwrap(),
    ];
    let (raked_by_hand, report_by_hand) = by_hand.rake(&margins, &RakeOptions::default()).unwrap();
    let stratum_spec: Vec<(&str, f64)> = stratum_labels
        .iter()
        .map(String::as_str)
        .zip(stratum_totals)
        .collect();
    let (raked, report) = r
        .design()
        .weight("w")
        .strata("stratum")
        .cluster("psu")
        .rake("gender", &[("f", 5200.0), ("Male", 4800.0)])
        .rake("stratum", &stratum_spec)
        .build()
        .unwrap();
    assert_eq!(raked, raked_by_hand);
    assert_eq!(report.unwrap(), report_by_hand);
    assert!(report_by_hand.converged);
}

// ---------------------------------------------------------------------------------------------
// Bad input: each class a typed error naming the file, line and column.

/// A small file whose second record has a quoted note spanning three lines, so that records
/// after it stand two lines further down than their position says.
const PREFIX: &str =
    "role,knows,w,stratum,psu,note\n1,y,1.0,a,1,plain\n2,n,2.0,a,2,\"first\nsecond\nthird\"\n";

fn small_questionnaire() -> Questionnaire {
    Questionnaire::new(vec![
        Question::single("role", [("1", "Leader"), ("2", "Manager"), ("3", "IC")]),
        Question::single("knows", [("y", "Yes"), ("n", "No")]),
        Question::numeric("w"),
        Question::new("stratum", QuestionType::Identifier),
        Question::new("psu", QuestionType::Identifier),
    ])
    .unwrap()
}

/// Reads `PREFIX` + `tail` (and optional extra lines) with the small questionnaire.
fn read_small(tail: &str, unlisted: Unlisted) -> Result<Responses> {
    CsvReader::new()
        .questionnaire(&small_questionnaire())
        .unlisted(unlisted)
        .read(format!("{PREFIX}{tail}").as_bytes(), "survey.csv")
}

#[test]
fn an_unknown_or_duplicate_column_is_named_with_the_file() {
    let err = CsvReader::new()
        .questionnaire(&small_questionnaire())
        .read("role,knows,w,stratum\n1,y,1,a\n".as_bytes(), "survey.csv")
        .unwrap_err();
    assert_eq!(
        err,
        Error::UnknownColumn {
            name: "psu".into(),
            source_name: "survey.csv".into(),
            available: "role, knows, w, stratum".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "survey.csv has no column 'psu' (columns: role, knows, w, stratum)"
    );
    // Chosen columns: a name the file lacks.
    let err = CsvReader::new()
        .columns(["rol"])
        .read(PREFIX.as_bytes(), "survey.csv")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv has no column 'rol' (columns: role, knows, w, stratum, psu, note)"
    );
    // An analysis of a column not loaded.
    let r = read_small("", Unlisted::Refuse).unwrap();
    let err = r.tally(&["team"], None).unwrap_err();
    assert!(matches!(err, Error::UnknownColumn { ref name, .. } if name == "team"));
    assert_eq!(
        err.to_string(),
        "survey.csv has no column 'team' (columns: role, knows, w, stratum, psu)"
    );
    // A header naming a needed column twice.
    let err = CsvReader::new()
        .questionnaire(&small_questionnaire())
        .read(
            "role,knows,w,stratum,psu, role\n1,y,1,a,1,2\n".as_bytes(),
            "survey.csv",
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv has more than one column 'role'; rename all but one"
    );
    // The builder: a column that is no question's.
    let err = Responses::builder(&small_questionnaire())
        .values("team", ["a"])
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::UnknownColumn { ref name, .. } if name == "team"),
        "{err}"
    );
}

#[test]
fn an_unlisted_value_is_refused_or_counted_under_other() {
    // Record 2 stands on line 6: record 1's note spans lines 3 to 5.
    let err = read_small("7,y,1.0,a,1,x\n", Unlisted::Refuse).unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:6, column 'role': '7' is not an answer of the question (answers: 1, 2, 3)"
    );
    assert_eq!(
        err,
        Error::UnlistedValue {
            at: DataLocation {
                source_name: "survey.csv".into(),
                record: 2,
                line: Some(6),
                column: "role".into()
            },
            value: "7".into(),
            expected: "1, 2, 3".into()
        }
    );
    // Lenient: counted under "Other", after the answers, and reported.
    let r = read_small(
        "7,y,1.0,a,1,x\n8,n,1.0,a,1,x\n3,n,1,a,1,x\n",
        Unlisted::Other,
    )
    .unwrap();
    assert_eq!(
        r.categories("role").unwrap().labels(),
        ["Leader", "Manager", "IC", "Other"]
    );
    assert_eq!(r.unlisted("role").unwrap(), 2);
    assert_eq!(r.missing("role").unwrap().unlisted, 2);
    assert_eq!(r.missing("role").unwrap().total(), 0); // answers, not missing
    assert_eq!(
        r.labels("role").unwrap(),
        [
            Some("Leader"),
            Some("Manager"),
            Some("Other"),
            Some("Other"),
            Some("IC")
        ]
    );
    let margin = r.tally(&["role"], None).unwrap().margin(0).unwrap();
    assert_eq!(margin.cell(3).count(), 2);
    assert_eq!(r.unlisted("knows").unwrap(), 0);
    assert_eq!(r.categories("knows").unwrap().len(), 2); // no "Other" where none was counted
    // The builder: strict names the record; lenient counts.
    let err = Responses::builder(&small_questionnaire())
        .source_name("panel")
        .values("role", ["1", "2", "9"])
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "panel, record 2, column 'role': '9' is not an answer of the question (answers: 1, 2, 3)"
    );
    let r = Responses::builder(&small_questionnaire())
        .unlisted(Unlisted::Other)
        .values("role", ["1", "2", "9"])
        .build()
        .unwrap();
    assert_eq!(r.unlisted("role").unwrap(), 1);
    // A label "Other" already taken: the added category is named apart.
    let q = Questionnaire::new(vec![Question::single("q", [("1", "Other")])]).unwrap();
    let r = Responses::builder(&q)
        .unlisted(Unlisted::Other)
        .values("q", ["1", "2"])
        .build()
        .unwrap();
    assert_eq!(
        r.categories("q").unwrap().labels(),
        ["Other", "Other (unlisted)"]
    );
}

#[test]
fn a_ragged_row_names_its_line() {
    let err = read_small("1,y,1.0\n", Unlisted::Refuse).unwrap_err();
    assert_eq!(
        err,
        Error::RaggedRow {
            source_name: "survey.csv".into(),
            line: 6,
            expected: 6,
            found: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "survey.csv:6: the row has 3 fields but the header has 6"
    );
    // Too many fields, after an empty line (skipped, but counted as a line).
    let err = read_small("\n1,y,1.0,a,1,x,extra\n", Unlisted::Refuse).unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:7: the row has 7 fields but the header has 6"
    );
    // Without quotes (the plain splitter), CRLF endings.
    let err = CsvReader::new()
        .read("a,b\r\n1,2\r\n3\r\n".as_bytes(), "crlf.csv")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "crlf.csv:3: the row has 1 fields but the header has 2"
    );
}

#[test]
fn an_unparsable_number_names_its_line_and_column() {
    for (value, shown) in [
        ("abc", "abc"),
        ("inf", "inf"),
        ("NaN", "NaN"),
        ("1e999", "1e999"),
    ] {
        let err = read_small(&format!("1,y,{value},a,1,x\n"), Unlisted::Refuse).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("survey.csv:6, column 'w': '{shown}' is not a finite number"),
        );
        assert!(matches!(err, Error::InvalidField { ref at, .. } if at.record == 2));
    }
    // A quoted number with spaces is trimmed and read.
    let r = read_small("1,y,\" 2.5 \",a,1,x\n", Unlisted::Refuse).unwrap();
    assert_eq!(r.numbers("w").unwrap(), [1.0, 2.0, 2.5]);
    // The builder refuses infinities, naming the record.
    let err = Responses::builder(&small_questionnaire())
        .numbers("w", [1.0, f64::NEG_INFINITY])
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "columns, record 1, column 'w': '-inf' is not a finite number (NaN marks no answer)"
    );
}

#[test]
fn bad_multi_select_fields_and_non_utf8_text_name_their_line_and_column() {
    let q = Questionnaire::new(vec![
        Question::multi("ai", [("ai_w", "Writing"), ("ai_a", "Analysis")]),
        Question::multi("ch", [("mail", "Email"), ("chat", "Chat")]).separated_by(';'),
        Question::new("id", QuestionType::Identifier),
    ])
    .unwrap();
    let read = |text: &[u8]| {
        CsvReader::new()
            .questionnaire(&q)
            .read(text, "multi.csv")
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        read(b"ai_w,ai_a,ch,id\n1,0,mail,a\n1,yes,mail,b\n"),
        "multi.csv:3, column 'ai_a': 'yes' is not 0, 1 or empty"
    );
    assert_eq!(
        read(b"ai_w,ai_a,ch,id\n\"1\n\",0,mail,a\n1,0,mail;fax,b\n"),
        "multi.csv:4, column 'ch': 'fax' is not an answer of the question (answers: mail, chat)"
    );
    assert_eq!(
        read(b"ai_w,ai_a,ch,id\n1,0,mail,a\n1,0,mail,b\xff\n"),
        "multi.csv:3, column 'id': 'b\u{fffd}' is not valid UTF-8"
    );
    // Without a questionnaire, non-UTF-8 text in an inferred column is refused the same way.
    let err = CsvReader::new()
        .read(&b"q\nok\n\xc3\x28\n"[..], "raw.csv")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "raw.csv:3, column 'q': '\u{fffd}(' is not valid UTF-8"
    );
}

#[test]
fn missing_or_invalid_design_variables_name_their_line_and_column() {
    // Weights: empty, negative; a line after the spanning note.
    let r = read_small("1,y,,a,1,x\n", Unlisted::Refuse).unwrap();
    let err = r.weights("w").unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:6, column 'w': '' is not a weight: weights must be given, finite and not negative"
    );
    let err = r.design().weight("w").build().unwrap_err();
    assert!(
        err.to_string().starts_with("survey.csv:6, column 'w': ''"),
        "{err}"
    );
    let err = r
        .crosstab("knows")
        .by("role")
        .weight("w")
        .run()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("survey.csv:6, column 'w': ''"),
        "{err}"
    );
    let r = read_small("1,y,-0.5,a,1,x\n", Unlisted::Refuse).unwrap();
    assert_eq!(
        r.weights("w").unwrap_err().to_string(),
        "survey.csv:6, column 'w': '-0.5' is not a weight: weights must be given, finite and not negative"
    );
    // An empty stratum and an empty cluster.
    let r = read_small("1,y,1,,1,x\n", Unlisted::Refuse).unwrap();
    let err = r.design().strata("stratum").build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:6, column 'stratum': '' is empty: design variables must be given for every respondent"
    );
    assert!(matches!(err, Error::InvalidField { ref at, .. } if at.record == 2));
    let r = read_small("1,y,1,a,,x\n", Unlisted::Refuse).unwrap();
    let err = r.design().cluster("psu").build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:6, column 'psu': '' is empty: design variables must be given for every respondent"
    );
    // A numeric design variable with a missing value.
    let r = read_small("1,y,,a,1,x\n", Unlisted::Refuse).unwrap();
    let err = r.design().strata("w").build().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("survey.csv:6, column 'w': '' is empty"),
        "{err}"
    );
    // A category without a population total; an empty calibration variable.
    let r = read_small("3,,1,a,1,x\n", Unlisted::Refuse).unwrap();
    let err = r
        .design()
        .post_stratify("role", &[("Leader", 10.0), ("2", 20.0)])
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:6, column 'role': 'IC' has no population total"
    );
    let err = r
        .design()
        .rake("knows", &[("y", 10.0), ("n", 20.0)])
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "survey.csv:6, column 'knows': '' is empty: design variables must be given for every respondent"
    );
    let err = r
        .design()
        .post_stratify("role", &[("Chief", 10.0)])
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "'Chief' is not a category of 'role'");
    // The builder's columns: the record instead of the line.
    let r = Responses::builder(&small_questionnaire())
        .source_name("panel")
        .numbers("w", [1.0, f64::NAN])
        .values("stratum", ["a", ""])
        .build()
        .unwrap();
    assert_eq!(
        r.weights("w").unwrap_err().to_string(),
        "panel, record 1, column 'w': '' is not a weight: weights must be given, finite and not negative"
    );
    assert_eq!(
        r.design()
            .strata("stratum")
            .build()
            .unwrap_err()
            .to_string(),
        "panel, record 1, column 'stratum': '' is empty: design variables must be given for every respondent"
    );
}

/// Files with old Mac line endings (a lone `\r`) read every record, as the `csv` crate reads them.
///
/// Library bug: the header is cut at the first `\n` (`Blocks::header` via `record_end`), the CSV
/// reader then takes the header record up to the `\r` and the rest of that "line" is thrown
/// away: `"q\r1\r2\r"` loads 0 records and `"q\r1\r2\n3\n"` loads 1, without an error. Records
/// after the header are split at a lone `\r` correctly. Ignored until fixed.
#[test]
fn records_after_a_header_ended_by_a_lone_cr_are_read() {
    let r = CsvReader::new().read(&b"q\r1\r2\r"[..], "cr.csv").unwrap();
    assert_eq!(r.len(), 2);
    let r = CsvReader::new()
        .read(&b"q\r1\r2\n3\n"[..], "cr.csv")
        .unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r.categories("q").unwrap().labels(), ["1", "2", "3"]);
}

/// A byte-order mark is dropped at the start of the file only; after the header it is data, read
/// the same whether or not the block holding it has a quote.
///
/// Library bug: each block with a quote goes through a fresh `csv::Reader`, which strips a UTF-8
/// byte-order mark at the start of its input; blocks without quotes (the plain splitter) keep it.
/// So `"q,w\n\u{feff}x,1\n"` reads the label `"\u{feff}x"` but `"q,w\n\u{feff}x,\"1\"\n"` reads
/// `"x"`, and a line holding only a mark is silently skipped where it should be a ragged row.
/// Ignored until fixed.
#[test]
fn a_byte_order_mark_after_the_header_is_data() {
    let plain = CsvReader::new()
        .read("q,w\n\u{feff}x,1\n".as_bytes(), "bom.csv")
        .unwrap();
    let quoted = CsvReader::new()
        .read("q,w\n\u{feff}x,\"1\"\n".as_bytes(), "bom.csv")
        .unwrap();
    assert_eq!(plain.labels("q").unwrap(), quoted.labels("q").unwrap());
    let err = CsvReader::new()
        .read("q,w\n\u{feff}\n\"a\",1\n".as_bytes(), "bom.csv")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bom.csv:2: the row has 1 fields but the header has 2"
    );
}

#[test]
fn unreadable_sources_are_read_errors() {
    let err = CsvReader::new()
        .read_path("tests/fixtures/no-such-file.csv")
        .unwrap_err();
    assert!(
        matches!(err, Error::Read { ref source_name, .. } if source_name == "tests/fixtures/no-such-file.csv"),
        "{err}"
    );
    let err = CsvReader::new().read(&b""[..], "empty.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "empty.csv: the file is empty: a header row naming the columns is needed"
    );
    // A header alone: no records, every column empty.
    let r = CsvReader::new()
        .questionnaire(&small_questionnaire())
        .read(&b"role,knows,w,stratum,psu\n"[..], "header.csv")
        .unwrap();
    assert!(r.is_empty());
    assert_eq!(r.tally(&["role"], None).unwrap().records(), 0);
}

/// A weight a tally cannot sum (2^64 or more) is refused naming its record, past the first
/// chunk and the first parallel run of the tally too.
#[test]
fn a_weight_too_large_to_tally_names_its_record() {
    let q = Questionnaire::new(vec![
        Question::single("q", [("1", "Yes"), ("2", "No")]),
        Question::numeric("w"),
    ])
    .unwrap();
    let n = (1 << 20) + 5000;
    let mut weights = vec![1.0; n];
    weights[n - 3] = 1e20;
    let r = Responses::builder(&q)
        .source_name("big")
        .values("q", (0..n).map(|i| if i % 2 == 0 { "1" } else { "2" }))
        .numbers("w", weights)
        .build()
        .unwrap();
    let err = r.tally(&["q"], Some("w")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "big, record {}, column 'w': '100000000000000000000' is too large a weight to tally: \
             tallies sum weights below 2^64",
            n - 3
        )
    );
}

/// Responses with numeric no-answers (NaN) loaded twice compare equal, and differ when a
/// value does.
#[test]
fn responses_with_missing_numbers_equal_themselves() {
    let q = Questionnaire::new(vec![Question::numeric("x")]).unwrap();
    let read = |text: &str| {
        CsvReader::new()
            .questionnaire(&q)
            .read(text.as_bytes(), "n.csv")
            .unwrap()
    };
    let data = "x\n1.5\n\n2\n";
    assert_eq!(read(data), read(data));
    assert_ne!(read(data), read("x\n1.5\n\n3\n"));
}

/// Rows of means and Net Promoter Scores by column name come from the counts (each answer's
/// weights per column) and equal those from the respondents' values
/// (`Crosstab::with_mean_row`/`with_nps_row`, checked against statsmodels and the NPS
/// references elsewhere) to 1e-12, weighted and not; a "don't know" kept as a category is left
/// out of both, and counted as missing in the mean.
#[test]
fn rows_of_means_and_scores_from_counts_equal_those_from_respondents() {
    use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, Missing, Question};
    let q = Questionnaire::new(vec![
        Question::new("rec", survey_analytics::QuestionType::Recommend).with_missing(
            "dk",
            "Don't know",
            Missing::Category,
        ),
        Question::single("g", [("a", "A"), ("b", "B"), ("c", "C")]),
        Question::numeric("w"),
    ])
    .unwrap();
    let n = 3000;
    let mut state = 99_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut rec, mut group, mut weight) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let r = next();
        rec.push(match r % 13 {
            11 => "dk".to_string(),
            12 => String::new(),
            v => (v % 11).to_string(),
        });
        group.push(["a", "b", "c"][(r >> 8) as usize % 3]);
        weight.push(0.5 + ((r >> 16) % 100) as f64 / 40.0);
    }
    let responses = Responses::builder(&q)
        .values("rec", rec.iter().map(String::as_str))
        .values("g", group.iter().copied())
        .numbers("w", weight.clone())
        .build()
        .unwrap();
    let ratings: Vec<f64> = rec.iter().map(|r| r.parse().unwrap_or(f64::NAN)).collect();
    let codes = responses.codes("g").unwrap();
    for weighted in [false, true] {
        let mut builder = responses.crosstab("rec").by("g").means().nps();
        if weighted {
            builder = builder.weight("w");
        }
        let by_name = builder.run().unwrap();
        let table = &by_name.banners()[0];
        let counts = CrossCounts::from_table(
            Categories::new("any", ["any"]).unwrap(),
            Categories::new("g", ["A", "B", "C"]).unwrap(),
            &[[1, 1, 1]],
        )
        .unwrap();
        let weights = weighted.then_some(&weight[..]);
        let options = CrosstabOptions::default().with_settings(*table.settings());
        let from_respondents = Crosstab::new(&counts, &options)
            .unwrap()
            .with_mean_row("Mean", &ratings, &codes, weights)
            .unwrap()
            .with_nps_row("NPS", &ratings, &codes, weights)
            .unwrap();
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            _ => false,
        };
        for (got, want) in [
            (&table.mean_rows()[0], &from_respondents.mean_rows()[0]),
            (&table.nps_rows()[0], &from_respondents.nps_rows()[0]),
        ] {
            for (g, w) in got.cells.iter().zip(&want.cells) {
                assert!(close(g.mean, w.mean), "{g:?} {w:?}");
                assert!(close(g.std_error, w.std_error), "{g:?} {w:?}");
                assert!(close(
                    g.interval.map(|i| i.lower),
                    w.interval.map(|i| i.lower)
                ));
                assert_eq!((g.count, &g.letters), (w.count, &w.letters));
            }
        }
    }
}

/// Options of a multi-select question compared within each column: `paired` names them by code
/// (or label); among the column's respondents who answered the question, each option's share and
/// McNemar's test on the counts (computed here from the answers).
#[test]
fn multi_select_options_compare_within_each_column() {
    let q = Questionnaire::new(vec![
        Question::multi("ai", [("ai_w", "Writing"), ("ai_a", "Analysis")]),
        Question::single("g", [("x", "X"), ("y", "Y")]),
    ])
    .unwrap();
    let w = ["1", "1", "0", "1", "", "1", "0", "1"];
    let a = ["0", "1", "0", "0", "", "1", "1", "0"];
    let g = ["x", "x", "x", "x", "y", "y", "y", "y"];
    let r = Responses::builder(&q)
        .values("ai_w", w)
        .values("ai_a", a)
        .values("g", g)
        .build()
        .unwrap();
    let tables = r
        .crosstab("ai")
        .by("g")
        .paired("ai_w", "Analysis")
        .run()
        .unwrap();
    let row = &tables.banners()[0].paired_rows()[0];
    for (c, group) in ["x", "y"].iter().enumerate() {
        let answered: Vec<(bool, bool)> = (0..8)
            .filter(|&k| g[k] == *group && !w[k].is_empty())
            .map(|k| (w[k] == "1", a[k] == "1"))
            .collect();
        let cell = row.cells[c].as_ref().unwrap();
        let n = answered.len() as f64;
        assert_eq!(cell.respondents as usize, answered.len());
        let first = answered.iter().filter(|p| p.0).count() as f64 / n;
        let second = answered.iter().filter(|p| p.1).count() as f64 / n;
        assert_eq!((cell.first_share, cell.second_share), (first, second));
        assert_eq!(cell.test, "mcnemar mid-p");
    }
}

/// A crosstab's share rows, bases and tests as JSON, without its rows of means (a rating
/// question gets one by column name; the typed path has no scores to make one).
fn shares(table: &Crosstab) -> serde_json::Value {
    let mut value = serde_json::to_value(table).unwrap();
    if let Some(object) = value.as_object_mut() {
        object.remove("means");
    }
    value
}

/// A numeric question by column name: no share rows, each column's base the respondents with a
/// value, and a row of means equal to each group's `MeanEstimate` (weighted and not) or, under a
/// design, to its domain means.
#[test]
fn numeric_questions_make_tables_of_means() {
    use survey_analytics::{MeanEstimate, SampleDesign};
    let q = Questionnaire::new(vec![
        Question::numeric("spend"),
        Question::single("g", [("a", "A"), ("b", "B")]),
        Question::numeric("w"),
    ])
    .unwrap();
    let spend = [
        12.0,
        30.5,
        f64::NAN,
        8.0,
        44.0,
        21.0,
        17.5,
        9.0,
        f64::NAN,
        33.0,
    ];
    let g = ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b"];
    let w = [1.0, 2.0, 1.0, 0.5, 1.5, 1.0, 1.0, 2.0, 1.0, 0.5];
    let r = Responses::builder(&q)
        .numbers("spend", spend)
        .values("g", g)
        .numbers("w", w)
        .build()
        .unwrap();
    for weighted in [false, true] {
        let mut builder = r.crosstab("spend").by("g");
        if weighted {
            builder = builder.weight("w");
        }
        let tables = builder.run().unwrap();
        let table = &tables.banners()[0];
        assert!(table.rows().is_empty());
        for (c, group) in ["a", "b"].iter().enumerate() {
            let (x, ws): (Vec<f64>, Vec<f64>) = (0..10)
                .filter(|&k| g[k] == *group)
                .map(|k| (spend[k], w[k]))
                .unzip();
            let want = if weighted {
                MeanEstimate::weighted(&x, &ws).unwrap()
            } else {
                MeanEstimate::new(&x).unwrap()
            };
            let cell = &table.mean_rows()[0].cells[c];
            assert!((cell.mean.unwrap() - want.mean).abs() < 1e-12);
            assert!((cell.std_error.unwrap() - want.std_error).abs() < 1e-12);
            assert_eq!(table.columns()[c].base.count, want.count);
            assert_eq!(table.columns()[c].missing.count, want.missing);
        }
    }
    let design = SampleDesign::new(w.to_vec())
        .unwrap()
        .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        .unwrap();
    let by_design = r.crosstab("spend").by("g").design(&design).run().unwrap();
    let codes = r.codes("g").unwrap();
    let domains = design.domain_means(&spend, &codes, 2).unwrap();
    for c in 0..2 {
        let cell = &by_design.banners()[0].mean_rows()[0].cells[c];
        let want = domains.estimates()[c].unwrap();
        assert!((cell.mean.unwrap() - want.estimate).abs() < 1e-12);
        assert!((cell.std_error.unwrap() - want.std_error).abs() < 1e-12);
    }
}
