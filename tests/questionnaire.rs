//! The questionnaire as data: it round-trips through serde JSON for every question kind (answers
//! as bare strings and as `{code, label}` objects, missing codes treated as no answer and as a
//! category, separators), reading it runs the same checks as `Questionnaire::new` (each rule is
//! refused with a message naming the question and the rule), and an inferred questionnaire,
//! printed as JSON and passed back, reads the same data identically.
//!
//! Source: the rules listed on `Questionnaire::new` and `Question::checked` in
//! `src/frame/questionnaire.rs`, and the inference rules on `CsvReader`. No numbers: everything is
//! compared exactly.

use serde_json::{Value, json};
use survey_analytics::*;

/// One question of every kind, with every optional field used somewhere.
fn every_kind() -> Questionnaire {
    Questionnaire::new(vec![
        Question::single("role", [("1", "Leader"), ("2", "Manager"), ("3", "IC")])
            .with_text("What is your role?")
            .with_missing("99", "Prefer not to say", Missing::NoAnswer),
        Question::rating(
            "familiarity",
            [("1", "Not at all"), ("2", "Slightly"), ("3", "Very")],
        )
        .with_missing("98", "Refused", Missing::NoAnswer)
        .with_missing("99", "Don't know", Missing::Category),
        Question::multi("ai", [("ai_writing", "Writing"), ("ai_images", "Images")]),
        Question::multi("channels", [("mail", "Email"), ("chat", "Chat")])
            .separated_by(';')
            .with_missing("-", "Skipped", Missing::NoAnswer),
        Question::numeric("age").with_missing("-1", "", Missing::NoAnswer),
        Question::new("nps", QuestionType::Recommend),
        Question::new("cluster", QuestionType::Identifier),
    ])
    .unwrap()
}

#[test]
fn every_question_kind_round_trips_through_json() {
    let questionnaire = every_kind();
    let text = serde_json::to_string_pretty(&questionnaire).unwrap();
    let back: Questionnaire = serde_json::from_str(&text).unwrap();
    assert_eq!(back, questionnaire);
    // A fixed point: serialising what was read gives the same text.
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
    // Through a `Value` too (as a config system would hold it).
    let value = serde_json::to_value(&questionnaire).unwrap();
    assert_eq!(
        serde_json::from_value::<Questionnaire>(value).unwrap(),
        questionnaire
    );
    // Defaults filled in when the questionnaire was checked are serialised: the recommend
    // question's 11 points, the missing code's label (its code).
    let json: Value = serde_json::from_str(&text).unwrap();
    let nps = &json["questions"][5];
    assert_eq!(nps["kind"], "recommend");
    assert_eq!(nps["answers"].as_array().unwrap().len(), 11);
    assert_eq!(nps["answers"][10], json!({"code": "10", "label": "10"}));
    assert_eq!(
        json["questions"][4]["missing"][0],
        json!({"code": "-1", "label": "-1", "as": "no-answer"})
    );
    assert_eq!(json["questions"][3]["separator"], ";");
    assert_eq!(json["questions"][1]["missing"][1]["as"], "category");
    // Optional fields left out when empty.
    assert!(json["questions"][6].get("answers").is_none());
    assert!(json["questions"][6].get("text").is_none());
    assert!(json["questions"][0].get("separator").is_none());
}

#[test]
fn answers_read_as_bare_strings_or_objects() {
    let json = r#"{"questions": [
        {"id": "role", "kind": "single",
         "answers": ["Leader", {"code": "2", "label": "Manager"}, {"code": "3"}],
         "missing": [{"code": "99", "label": "Don't know", "as": "category"}, {"code": "98"}]},
        {"id": "channels", "kind": "multi", "answers": ["mail", "chat"], "separator": "|"}
    ]}"#;
    let read: Questionnaire = serde_json::from_str(json).unwrap();
    let built = Questionnaire::new(vec![
        Question::single("role", [("Leader", "Leader"), ("2", "Manager"), ("3", "3")])
            .with_missing("99", "Don't know", Missing::Category)
            .with_missing("98", "98", Missing::NoAnswer),
        Question::multi("channels", [("mail", "mail"), ("chat", "chat")]).separated_by('|'),
    ])
    .unwrap();
    assert_eq!(read, built);
    let role = read.question("role").unwrap();
    assert_eq!(
        role.categories().unwrap().labels(),
        ["Leader", "Manager", "3", "Don't know"]
    );
    assert_eq!(role.text(), "role");
    assert_eq!(read.question("channels").unwrap().separator(), Some('|'));
}

/// Builds the questionnaire and returns the error's question and message.
fn refused(questions: Vec<Question>) -> (String, String) {
    match Questionnaire::new(questions) {
        Err(e @ Error::InvalidQuestionnaire { .. }) => {
            let Error::InvalidQuestionnaire { question, .. } = &e else {
                unreachable!()
            };
            (question.clone(), e.to_string())
        }
        other => panic!("expected InvalidQuestionnaire, got {other:?}"),
    }
}

#[test]
fn every_rule_is_refused_with_the_question_and_the_rule() {
    let many: Vec<(String, String)> = (0..65)
        .map(|i| (format!("o{i}"), format!("Option {i}")))
        .collect();
    let cases: Vec<(Vec<Question>, &str, &str)> = vec![
        (
            vec![Question::numeric("age"), Question::numeric("age")],
            "age",
            "the column 'age' is claimed twice",
        ),
        (
            vec![Question::numeric("")],
            "",
            "a question needs a non-empty id",
        ),
        (
            vec![Question::numeric("  ")],
            "  ",
            "a question needs a non-empty id",
        ),
        (
            vec![Question::new("role", QuestionType::Single)],
            "role",
            "it needs at least one answer",
        ),
        (
            vec![Question::numeric("age").with_answers([("1", "One")])],
            "age",
            "a numeric question lists no answers (its values come from the data)",
        ),
        (
            vec![Question::new("c", QuestionType::Identifier).with_answers([("a", "A")])],
            "c",
            "an identifier question lists no answers (its values come from the data)",
        ),
        (
            vec![Question::numeric("age").with_missing("99", "DK", Missing::Category)],
            "age",
            "a numeric question has no categories, so its missing codes can only be no-answer",
        ),
        (
            vec![Question::single("q", [("a", "A"), ("a", "B")])],
            "q",
            "code 'a' is listed twice",
        ),
        (
            vec![
                Question::single("q", [("1", "Yes"), ("9", "No")]).with_missing(
                    "9",
                    "DK",
                    Missing::NoAnswer,
                ),
            ],
            "q",
            "code '9' is listed twice",
        ),
        (
            vec![Question::single("q", [("1", "Yes"), ("2", "Yes")])],
            "q",
            "its categories are not valid",
        ),
        (
            vec![Question::single("q", [("1", "Yes"), ("2", "")])],
            "q",
            "its categories are not valid",
        ),
        (
            vec![
                Question::single("q", [("1", "Yes"), ("2", "No")]).with_missing(
                    "9",
                    "No",
                    Missing::Category,
                ),
            ],
            "q",
            "its categories are not valid",
        ),
        (
            vec![Question::single("q", [(" 1", "Yes")])],
            "q",
            "code ' 1' is empty or has surrounding spaces (fields are trimmed)",
        ),
        (
            vec![Question::single("q", [("", "Yes")])],
            "q",
            "code '' is empty or has surrounding spaces",
        ),
        (
            vec![Question::multi("m", many)],
            "m",
            "a multi-select question holds up to 64 options, got 65",
        ),
        (
            vec![
                Question::new("nps", QuestionType::Recommend)
                    .with_answers([("0", "0"), ("1", "1")]),
            ],
            "nps",
            "a recommend question has the 11 points 0 to 10, got 2 answers",
        ),
        (
            vec![Question::single("q", [("1", "Yes")]).separated_by(';')],
            "q",
            "only multi-select questions have a separator",
        ),
        (
            vec![Question::multi("m", [("a", "A")]).separated_by('"')],
            "m",
            "'\"' cannot separate codes",
        ),
        (
            vec![Question::multi("m", [("a", "A")]).separated_by('\n')],
            "m",
            "'\\n' cannot separate codes",
        ),
        (
            vec![Question::multi("m", [("a;b", "A")]).separated_by(';')],
            "m",
            "code 'a;b' contains the separator ';'",
        ),
        (
            // A 0/1 option column that is another question's column.
            vec![
                Question::numeric("ai_writing"),
                Question::multi("ai", [("ai_writing", "Writing")]),
            ],
            // One of the two claimants is named (the later one in column-name order).
            "ai_writing",
            "the column 'ai_writing' is claimed twice",
        ),
        (
            vec![
                Question::multi("a", [("x", "X")]),
                Question::multi("b", [("x", "X")]),
            ],
            "b",
            "the column 'x' is claimed twice",
        ),
    ];
    for (questions, question, reason) in cases {
        let (got_question, message) = refused(questions);
        assert_eq!(got_question, question, "{message}");
        assert!(
            message.starts_with(&format!("question '{question}' of the questionnaire: ")),
            "{message}"
        );
        assert!(message.contains(reason), "{message} lacks {reason}");
    }
    // A separator in a multi-select question's own 0/1 columns is no problem, nor a separator
    // that codes of another question contain.
    assert!(
        Questionnaire::new(vec![
            Question::multi("m", [("a", "A")]).separated_by(','),
            Question::single("q", [("x,y", "XY")]),
        ])
        .is_ok()
    );
}

#[test]
fn reading_json_runs_the_same_checks() {
    let cases = [
        (
            json!({"questions": [{"id": "q", "kind": "numeric"}, {"id": "q", "kind": "numeric"}]}),
            "question 'q' of the questionnaire: the column 'q' is claimed twice",
        ),
        (
            json!({"questions": [{"id": "", "kind": "numeric"}]}),
            "a question needs a non-empty id",
        ),
        (
            json!({"questions": [{"id": "q", "kind": "single", "answers": ["a", {"code": "a", "label": "A"}]}]}),
            "question 'q' of the questionnaire: code 'a' is listed twice",
        ),
        (
            json!({"questions": [{"id": "q", "kind": "single", "answers": []}]}),
            "it needs at least one answer",
        ),
        (
            json!({"questions": [{"id": "m", "kind": "multi",
                "answers": (0..65).map(|i| i.to_string()).collect::<Vec<_>>()}]}),
            "holds up to 64 options, got 65",
        ),
        (
            json!({"questions": [{"id": "q", "kind": "single", "answers": ["a"], "separator": ";"}]}),
            "only multi-select questions have a separator",
        ),
        // Shape errors: serde's own messages.
        (
            json!({"questions": [{"id": "q", "kind": "ranking"}]}),
            "unknown variant `ranking`",
        ),
        (
            json!({"questions": [], "version": 2}),
            "unknown field `version`",
        ),
        (
            json!({"questions": [{"id": "q", "kind": "single", "answers": ["a"],
                "missing": [{"code": "9", "treat": "category"}]}]}),
            "unknown field `treat`",
        ),
        (
            json!({"questions": [{"id": "q", "kind": "single", "answers": ["a"],
                "missing": [{"code": "9", "as": "skip"}]}]}),
            "unknown variant `skip`",
        ),
        (
            json!({"questions": [{"id": "m", "kind": "multi", "answers": ["a"], "separator": ";;"}]}),
            "a character",
        ),
        (
            json!({"questions": [{"kind": "numeric"}]}),
            "missing field `id`",
        ),
    ];
    for (value, reason) in cases {
        let text = value.to_string();
        let err = serde_json::from_str::<Questionnaire>(&text).unwrap_err();
        assert!(
            err.to_string().contains(reason),
            "{text}: {err} lacks {reason}"
        );
    }
    // An empty questionnaire is valid (every column is then inferred or refused by name).
    let empty: Questionnaire = serde_json::from_str(r#"{"questions": []}"#).unwrap();
    assert!(empty.questions().is_empty());
}

/// Reads `data` twice: inferring the questionnaire, then with that questionnaire printed as JSON
/// and read back. Both readings must be the same responses.
fn infer_and_reread(data: &str) -> (Responses, Responses) {
    let inferred = CsvReader::new().read(data.as_bytes(), "data.csv").unwrap();
    let json = serde_json::to_string_pretty(inferred.questionnaire()).unwrap();
    let questionnaire: Questionnaire = serde_json::from_str(&json).unwrap();
    assert_eq!(&questionnaire, inferred.questionnaire(), "{json}");
    let again = CsvReader::new()
        .questionnaire(&questionnaire)
        .read(data.as_bytes(), "data.csv")
        .unwrap();
    (inferred, again)
}

#[test]
fn inference_orders_numbers_numerically_and_text_by_its_characters() {
    let data = "score,team,mixed\n10,pr,2\n9,an,b\n2,ops,10\n-1.5,an,\n,pr,a\n";
    let inferred = CsvReader::new().read(data.as_bytes(), "d").unwrap();
    assert_eq!(
        inferred.categories("score").unwrap().labels(),
        ["-1.5", "2", "9", "10"]
    );
    assert_eq!(
        inferred.categories("team").unwrap().labels(),
        ["an", "ops", "pr"]
    );
    // Not all numbers: the order of the text.
    assert_eq!(
        inferred.categories("mixed").unwrap().labels(),
        ["10", "2", "a", "b"]
    );
    let kinds: Vec<QuestionType> = inferred
        .questionnaire()
        .questions()
        .iter()
        .map(Question::kind)
        .collect();
    assert_eq!(kinds, [QuestionType::Single; 3]);
    assert_eq!(inferred.missing("score").unwrap().empty, 1);
    assert_eq!(inferred.numbers("score").unwrap()[3], -1.5);
}

#[test]
fn an_inferred_questionnaire_passed_back_reads_the_same_data_identically() {
    let data = "role,score,team,empty\nLeader,10,pr,\nIC,9,an,\n,2,ops,\nIC,10,an,\n";
    let (inferred, again) = infer_and_reread(data);
    assert_eq!(again, inferred);
    assert_eq!(
        again.tally(&["role", "score", "team"], None).unwrap(),
        inferred.tally(&["role", "score", "team"], None).unwrap()
    );
    // A column without any value is inferred as an identifier, and stays one.
    assert_eq!(
        again.questionnaire().question("empty").unwrap().kind(),
        QuestionType::Identifier
    );
}

#[test]
fn an_inferred_numeric_column_passed_back_reads_the_same_numbers() {
    // More distinct numbers than a single-choice question may hold: numeric.
    let n = INFER_MAX_CATEGORIES + 5;
    let mut data = String::from("spend,group\n");
    for i in 0..n {
        data.push_str(&format!("{}.25,{}\n", i, ["a", "b"][i % 2]));
    }
    data.push_str(",a\n");
    let (inferred, again) = infer_and_reread(&data);
    assert_eq!(
        inferred.questionnaire().question("spend").unwrap().kind(),
        QuestionType::Numeric
    );
    let (a, b) = (
        inferred.numbers("spend").unwrap(),
        again.numbers("spend").unwrap(),
    );
    assert_eq!(a.len(), n + 1);
    assert!(a[n].is_nan() && b[n].is_nan());
    assert_eq!(a[..n], b[..n]);
    assert_eq!(a[7], 7.25);
    assert_eq!(
        again.missing("spend").unwrap(),
        inferred.missing("spend").unwrap()
    );
    assert_eq!(
        again.codes("group").unwrap(),
        inferred.codes("group").unwrap()
    );
}

/// An identifier column (more distinct labels than a single-choice question may hold, not all
/// numbers) passed back: each record keeps its label, and the categories are the same list in the
/// same order (so tallies, banners and design strata come out the same).
///
#[test]
fn an_inferred_identifier_column_passed_back_reads_the_same_labels_and_categories() {
    let n = INFER_MAX_CATEGORIES + 5;
    let mut data = String::from("id\n");
    // First appearance differs from the text order: z-ids and a-ids alternate.
    for i in 0..n {
        let prefix = if i % 2 == 0 { "z" } else { "a" };
        data.push_str(&format!("{prefix}{i}\n"));
    }
    let (inferred, again) = infer_and_reread(&data);
    assert_eq!(
        inferred.questionnaire().question("id").unwrap().kind(),
        QuestionType::Identifier
    );
    assert_eq!(again.labels("id").unwrap(), inferred.labels("id").unwrap());
    let first = |r: &Responses| r.categories("id").unwrap().labels()[..3].to_vec();
    assert_eq!(
        first(&again),
        first(&inferred),
        "the re-read identifier's categories are in another order"
    );
    assert_eq!(
        again.categories("id").unwrap(),
        inferred.categories("id").unwrap()
    );
    assert_eq!(again.codes("id").unwrap(), inferred.codes("id").unwrap());
}
