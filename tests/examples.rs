//! Runs every example program and checks what it prints, so that examples and docs cannot drift.

mod common;

use common::{Checker, fixture, run_example, run_example_ok, scratch_dir};
use survey_analytics::{ConfidenceLevel, Proportion, ProportionMethod};

fn percent(cell: &str) -> f64 {
    cell.trim_matches(|c| c == '[' || c == ']' || c == ',')
        .trim_end_matches('%')
        .parse()
        .expect("a percentage")
}

#[test]
fn headline_intervals_prints_every_figure_with_a_sound_interval() {
    let out = run_example_ok("headline_intervals", &[]);
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with('F')).collect();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.split_whitespace().next().unwrap())
        .collect();
    for id in [
        "F1", "F3b", "F8a", "F8b", "F8c", "F11a", "F11b", "F16b", "F17c", "F18b",
    ] {
        assert!(ids.contains(&id), "{id} missing from:\n{out}");
    }
    assert_eq!(rows.len(), 28, "{out}");
    for row in rows {
        // id, who..., published, count, estimate, [lower, upper], margin, "pts"...
        let row = row.replace("[ ", "["); // "[ 7.3%, 11.2%]" pads one-digit bounds
        let cells: Vec<&str> = row.split_whitespace().collect();
        let at = cells
            .iter()
            .position(|c| c.contains('/'))
            .expect("count/base");
        let published = percent(cells[at - 1]);
        let (count, base) = cells[at].split_once('/').expect("count/base");
        let (count, base): (u64, u64) = (count.parse().unwrap(), base.parse().unwrap());
        let estimate = percent(cells[at + 1]);
        let (lower, upper) = (percent(cells[at + 2]), percent(cells[at + 3]));
        // The count is the published percent of the base, to the nearest respondent.
        assert_eq!(base, 830, "{row}");
        assert_eq!(count, (published / 100.0 * 830.0).round() as u64, "{row}");
        // The estimate, interval and margin printed are the count's (one decimal, in percent).
        let share = Proportion::new(count, base).unwrap();
        let ci = share.interval(ProportionMethod::Wilson, ConfidenceLevel::NINETY_FIVE);
        let margin = share.margin_of_error(ConfidenceLevel::NINETY_FIVE);
        let shown = |x: f64| (1000.0 * x).round() / 10.0;
        assert_eq!(estimate, shown(share.estimate()), "{row}");
        assert_eq!((lower, upper), (shown(ci.lower), shown(ci.upper)), "{row}");
        assert_eq!(percent(cells[at + 4]), shown(margin), "{row}");
    }
}

const SURVEY: &str = "tests/fixtures/crosstab/survey.csv";

/// The crosstab example's JSON against `fixtures/crosstab/expected.json`, computed independently
/// by `fixtures/crosstab/generate.py` (pandas counting; statsmodels `proportion_confint`,
/// `proportions_ztest` and `multipletests` for intervals and letters; scipy `chi2_contingency` for
/// the omnibus test).
#[test]
fn crosstab_json_matches_independent_reference() {
    let path = fixture("crosstab/expected.json");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = expected["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 6);
    let mut checker = Checker::default();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut args: Vec<&str> = vec![SURVEY];
        args.extend(
            case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap()),
        );
        args.extend(["--format", "json"]);
        let stdout = run_example_ok("crosstab", &args);
        let got: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
        // 1e-9 relative plus 1e-15 absolute: statsmodels leaves a Wilson lower bound of 1.4e-17
        // where the exact value is 0.
        checker.json(name, &got, &case["output"], &|_| (1e-9, 1e-15));
    }
    checker.finish("the crosstab example against pandas, statsmodels and scipy");
}

#[test]
fn crosstab_text_shows_letters_and_untested_columns() {
    let stdout = run_example_ok(
        "crosstab",
        &[SURVEY, "--by", "team", "--question", "familiarity"],
    );
    assert!(stdout.contains("PR (D)*"), "{stdout}");
    assert!(
        stdout.contains("* Base below 30: shown but not tested."),
        "{stdout}"
    );
    assert!(stdout.contains("Omnibus chi-square"), "{stdout}");
    let markdown = run_example_ok(
        "crosstab",
        &[
            SURVEY,
            "--by",
            "role",
            "--question",
            "knows_impact",
            "--format",
            "markdown",
        ],
    );
    assert!(markdown.contains("|:---|---:|---:|---:|"), "{markdown}");
}

/// Bad input: a one-line error naming the file, line and column, and a non-zero exit.
#[test]
fn crosstab_reports_bad_input_with_its_location() {
    let dir = scratch_dir("crosstab");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let good = "role,q,w\nLeader,1,1.0\nIC,2,0.5\n";
    let questionnaire = write(
        "questionnaire.json",
        r#"{"questions": [{"id": "q", "kind": "single", "answers": ["1", "2"]}]}"#,
    );
    let cases = [
        (
            write("columns.csv", good),
            vec!["--by", "rol", "--question", "q"],
            "has no column 'rol' (columns: role, q, w)",
        ),
        (
            write("ragged.csv", "role,q,w\nLeader,1,1.0\nIC,2\n"),
            vec!["--by", "role", "--question", "q"],
            ":3: the row has 2 fields but the header has 3",
        ),
        (
            write("weight.csv", "role,q,w\nLeader,1,1.0\nIC,2,-3\n"),
            vec!["--by", "role", "--question", "q", "--weight", "w"],
            ":3, column 'w': '-3' is not a weight",
        ),
        (
            write("empty_weight.csv", "role,q,w\nLeader,1,\n"),
            vec!["--by", "role", "--question", "q", "--weight", "w"],
            ":2, column 'w': '' is not a weight",
        ),
        (
            write("number.csv", "role,q,w\nLeader,1,1.0\nIC,2,heavy\n"),
            vec!["--by", "role", "--question", "q", "--weight", "w"],
            ":3, column 'w': 'heavy' is not a number",
        ),
        (
            write("stratum.csv", "role,q,s\nLeader,1,a\nIC,2,\n"),
            vec!["--by", "role", "--question", "q", "--strata", "s"],
            ":3, column 's': '' is empty: design variables must be given for every respondent",
        ),
        (
            write("total.csv", "role,q,g\nLeader,1,f\nIC,2,x\n"),
            vec![
                "--by",
                "role",
                "--question",
                "q",
                "--poststratify",
                "g=f:10",
            ],
            ":3, column 'g': 'x' has no population total",
        ),
        (
            write("unlisted.csv", "role,q\nLeader,1\nIC,7\n"),
            vec![
                "--by",
                "role",
                "--question",
                "q",
                "--questionnaire",
                &questionnaire,
            ],
            ":3, column 'q': '7' is not an answer of the question (answers: 1, 2)",
        ),
        (
            write("multi.csv", "role,a,b\nLeader,1,yes\n"),
            vec!["--by", "role", "--multi", "a,b"],
            ":2, column 'b': 'yes' is not 0, 1 or empty",
        ),
    ];
    for (file, flags, message) in &cases {
        let mut args = vec![file.as_str()];
        args.extend(flags.iter().copied());
        let run = run_example("crosstab", &args);
        let stderr = run.stderr;
        assert!(!run.success, "{file} should fail");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(file.as_str()) && stderr.contains(message),
            "{stderr} lacks {message}"
        );
    }
    let run = run_example(
        "crosstab",
        &[
            &cases[0].0,
            "--by",
            "role",
            "--question",
            "q",
            "--net",
            "x=9",
        ],
    );
    assert!(
        !run.success && run.stderr.contains("'9' is not a category of 'q'"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the crosstab example on `file` with `args` as JSON.
fn crosstab_json(file: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec![file];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    serde_json::from_str(&run_example_ok("crosstab", &all)).expect("one JSON object")
}

fn row_labels(table: &serde_json::Value) -> Vec<&str> {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect()
}

/// `--questionnaire`: rows and groups in questionnaire order (not the alphabet), "don't know"
/// (99) left out as no answer and counted, "refused" (98) kept as a row of its own.
#[test]
fn crosstab_questionnaire_keeps_its_order_and_missing_codes() {
    let dir = scratch_dir("crosstab-questionnaire");
    let data = dir.join("codes.csv");
    std::fs::write(&data, "g,q\nb,3\nb,1\na,99\na,2\nb,98\na,1\nb,99\na,3\n").unwrap();
    let questionnaire = dir.join("codes.json");
    std::fs::write(
        &questionnaire,
        r#"{"questions": [
            {"id": "q", "kind": "rating", "answers": [
                {"code": "3", "label": "High"}, {"code": "2", "label": "Mid"}, {"code": "1", "label": "Low"}],
             "missing": [{"code": "99", "label": "Don't know"},
                         {"code": "98", "label": "Refused", "as": "category"}]},
            {"id": "g", "kind": "single", "answers": [{"code": "b", "label": "Beta"}, {"code": "a", "label": "Alpha"}]}
        ]}"#,
    )
    .unwrap();
    let json = crosstab_json(
        &data.to_string_lossy(),
        &[
            "--by",
            "g",
            "--question",
            "q",
            "--questionnaire",
            &questionnaire.to_string_lossy(),
        ],
    );
    assert_eq!(row_labels(&json), ["High", "Mid", "Low", "Refused"]);
    let groups: Vec<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["Beta", "Alpha"]);
    // Bases: Beta answered 3, 1, 98 (99 left out); Alpha 2, 1, 3 (99 left out).
    assert_eq!(json["groups"][0]["base"], 3);
    assert_eq!(json["groups"][1]["base"], 3);
    assert_eq!(json["rows"][3]["cells"][0]["count"], 1); // Refused, in Beta
    assert_eq!(json["rows_read"], 8);
    let missing = json["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 2, "{json}");
    for m in missing {
        assert_eq!(
            (m["reason"].as_str(), m["count"].as_u64()),
            (Some("no answer"), Some(1))
        );
    }
    // Without the questionnaire the same column is inferred: numeric order, 98 and 99 answers.
    let inferred = crosstab_json(&data.to_string_lossy(), &["--by", "g", "--question", "q"]);
    assert_eq!(row_labels(&inferred), ["1", "2", "3", "98", "99"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--infer` prints the inferred questionnaire as JSON; it parses back with serde, and passed
/// with `--questionnaire` gives the same table as inferring again.
#[test]
fn crosstab_infer_prints_a_questionnaire_that_reads_the_same_table() {
    let printed = run_example_ok("crosstab", &[SURVEY, "--infer"]);
    let questionnaire: survey_analytics::Questionnaire =
        serde_json::from_str(&printed).expect("a questionnaire");
    let ids: Vec<&str> = questionnaire.questions().iter().map(|q| q.id()).collect();
    assert_eq!(
        ids,
        [
            "respondent",
            "role",
            "team",
            "familiarity",
            "knows_impact",
            "weight",
            "ai_content",
            "ai_images",
            "ai_planning"
        ]
    );
    let familiarity = questionnaire.question("familiarity").unwrap();
    let codes: Vec<&str> = familiarity
        .answers()
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(codes, ["1", "2", "3", "4", "5"]);
    let dir = scratch_dir("crosstab-infer");
    let path = dir.join("inferred.json");
    std::fs::write(&path, &printed).unwrap();
    let path = path.to_string_lossy().into_owned();
    for args in [
        vec!["--by", "role", "--question", "familiarity"],
        vec![
            "--by",
            "team",
            "--question",
            "knows_impact",
            "--weight",
            "weight",
            "--total",
        ],
    ] {
        let plain = crosstab_json(SURVEY, &args);
        let mut with = args.clone();
        with.extend(["--questionnaire", &path]);
        assert_eq!(crosstab_json(SURVEY, &with), plain, "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--total` adds a `total` table (one group, every respondent) and changes nothing else.
#[test]
fn crosstab_total_adds_a_total_and_keeps_every_other_field() {
    let args = ["--by", "role", "--question", "familiarity"];
    let plain = crosstab_json(SURVEY, &args);
    let mut with_total = crosstab_json(SURVEY, &[&args[..], &["--total"]].concat());
    let total = with_total
        .as_object_mut()
        .unwrap()
        .remove("total")
        .expect("a total");
    assert_eq!(with_total, plain);
    assert_eq!(total["group_by"], "Total");
    assert_eq!(total["groups"].as_array().unwrap().len(), 1);
    // Everyone with an answer, grouped or not: 800 rows, minus those without a familiarity.
    let no_answer: u64 = plain["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["reason"] == "no answer")
        .map(|m| m["count"].as_u64().unwrap())
        .sum();
    let bases: u64 = plain["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["base"].as_u64().unwrap())
        .sum();
    let ungrouped = plain["missing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["reason"] == "no group")
        .map_or(0, |m| m["count"].as_u64().unwrap());
    assert_eq!(bases + no_answer + ungrouped, 800);
    let total_base = total["groups"][0]["base"].as_u64().unwrap();
    assert!(
        total_base >= bases && total_base <= 800 - no_answer,
        "{total_base}"
    );
    assert_eq!(row_labels(&total), row_labels(&plain));
}

/// Repeated `--by`: one table per banner, in the order given, each the table that banner gives
/// alone; the first also at the top level.
#[test]
fn crosstab_repeated_by_gives_one_table_per_banner_in_order() {
    let json = crosstab_json(
        SURVEY,
        &["--by", "team", "--by", "role", "--question", "knows_impact"],
    );
    let banners = json["banners"].as_array().expect("banners");
    assert_eq!(banners.len(), 2);
    for (banner, by) in banners.iter().zip(["team", "role"]) {
        assert_eq!(banner["group_by"], by);
        let mut alone = crosstab_json(SURVEY, &["--by", by, "--question", "knows_impact"]);
        alone.as_object_mut().unwrap().remove("rows_read");
        assert_eq!(banner, &alone, "{by}");
    }
    assert_eq!(json["group_by"], "team");
    assert_eq!(json["groups"], banners[0]["groups"]);
    assert_eq!(json["rows"], banners[0]["rows"]);
    assert!(json.get("total").is_none());
}

/// `--means` adds a row of means: design-based on the committed design sample, each role's mean
/// of the 1-5 familiarity rating, its t interval on the design's degrees of freedom and the Wald
/// F test, against R's survey 4.1.1 (`fixtures/design/expected.tsv`: `svyby`, `confint(df =
/// degf)`, `regTermTest`; 1e-9 relative); without a design, the letters and test are Welch's.
#[test]
fn crosstab_means_adds_a_row_of_means_with_its_tests() {
    use common::Values;
    let want = Values::load("design/expected.tsv");
    let json = crosstab_json(
        "tests/fixtures/design/survey.csv",
        &[
            "--by",
            "role",
            "--question",
            "familiarity",
            "--weight",
            "weight",
            "--strata",
            "stratum",
            "--cluster",
            "psu",
            "--means",
        ],
    );
    let row = &json["means"][0];
    assert_eq!(row["label"], "Mean");
    let groups: Vec<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want.abs();
    for (c, role) in groups.iter().enumerate() {
        let cell = &row["cells"][c];
        let case = format!("byrole_familiarity_{role}");
        for (key, field) in [
            ("estimate", "mean"),
            ("se", "std_error"),
            ("lower_t", "lower"),
            ("upper_t", "upper"),
        ] {
            let got = cell[field].as_f64().unwrap();
            assert!(close(got, want.get(&case, key)), "{case} {key}: {got}");
        }
        assert_eq!(
            cell["df"].as_f64(),
            Some(want.get("byrole_familiarity_cov", "degf"))
        );
    }
    let omnibus = &row["omnibus"];
    assert!(close(
        omnibus["statistic"].as_f64().unwrap(),
        want.get("wald_familiarity_role", "F")
    ));
    assert_eq!(
        omnibus["ddf"].as_f64(),
        Some(want.get("wald_familiarity_role", "df2"))
    );
    // Without --means nothing changes; without a design the row is Welch's.
    let plain = crosstab_json(
        "tests/fixtures/design/survey.csv",
        &["--by", "role", "--question", "familiarity"],
    );
    assert!(plain.get("means").is_none());
    let text = run_example_ok(
        "crosstab",
        &[
            "tests/fixtures/design/survey.csv",
            "--by",
            "role",
            "--question",
            "familiarity",
            "--means",
        ],
    );
    assert!(
        text.contains("\nMean ") && text.contains("letters from Welch t-tests; Welch F = "),
        "{text}"
    );
}

/// `--nps` adds a Net Promoter Score row in points: promoters' percentage minus detractors' per
/// column (counted here from the file), with an interval around it; other output unchanged.
#[test]
fn crosstab_nps_adds_a_score_row_in_points() {
    let dir = scratch_dir("crosstab-nps");
    let file = dir.join("nps.csv");
    let mut text = String::from("team,recommend\n");
    let ratings = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9, 5, 8];
    for (i, r) in ratings.iter().cycle().take(120).enumerate() {
        text.push_str(&format!(
            "{},{r}\n",
            if i % 3 == 0 { "PR" } else { "Social" }
        ));
    }
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let json = crosstab_json(file, &["--by", "team", "--question", "recommend", "--nps"]);
    let row = &json["nps"][0];
    assert_eq!(row["label"], "NPS");
    for (c, team) in ["PR", "Social"].iter().enumerate() {
        let mine: Vec<i32> = ratings
            .iter()
            .cycle()
            .take(120)
            .enumerate()
            .filter(|(i, _)| (i % 3 == 0) == (*team == "PR"))
            .map(|(_, &r)| r)
            .collect();
        let share = |f: &dyn Fn(i32) -> bool| {
            mine.iter().filter(|&&r| f(r)).count() as f64 / mine.len() as f64
        };
        let want = 100.0 * (share(&|r| r >= 9) - share(&|r| r <= 6));
        let cell = &row["cells"][c];
        let got = cell["nps"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-9, "{team}: {got} vs {want}");
        let (lower, upper) = (
            cell["lower"].as_f64().unwrap(),
            cell["upper"].as_f64().unwrap(),
        );
        assert!(-100.0 <= lower && lower < got && got < upper && upper <= 100.0);
    }
    let plain = crosstab_json(file, &["--by", "team", "--question", "recommend"]);
    assert!(plain.get("nps").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--paired A,B` compares two 0/1 items answered by the same respondents within each column:
/// the shares among those who answered both (counted here from the file), their difference and
/// McNemar's test; with weights, design-based on the weights; other output unchanged.
#[test]
fn crosstab_paired_compares_two_items_within_each_column() {
    let json = crosstab_json(
        SURVEY,
        &[
            "--by",
            "role",
            "--question",
            "knows_impact",
            "--paired",
            "ai_content,ai_images",
        ],
    );
    let row = &json["paired"][0];
    assert_eq!(
        (row["first"].as_str(), row["second"].as_str()),
        (Some("ai_content"), Some("ai_images"))
    );
    let mut reader = csv::Reader::from_path(SURVEY).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (role, content, images) = (at("role"), at("ai_content"), at("ai_images"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for (c, group) in json["groups"].as_array().unwrap().iter().enumerate() {
        let label = group["label"].as_str().unwrap();
        let both: Vec<(bool, bool)> = records
            .iter()
            .filter(|r| &r[role] == label && !r[content].is_empty() && !r[images].is_empty())
            .map(|r| (&r[content] == "1", &r[images] == "1"))
            .collect();
        let n = both.len() as f64;
        let first = both.iter().filter(|p| p.0).count() as f64 / n;
        let second = both.iter().filter(|p| p.1).count() as f64 / n;
        let cell = &row["cells"][c];
        assert_eq!(cell["respondents"].as_u64(), Some(both.len() as u64));
        assert!((cell["first_share"].as_f64().unwrap() - first).abs() < 1e-12);
        assert!((cell["difference"].as_f64().unwrap() - (first - second)).abs() < 1e-12);
        assert_eq!(cell["test"], "mcnemar mid-p");
    }
    let weighted = crosstab_json(
        SURVEY,
        &[
            "--by",
            "role",
            "--question",
            "knows_impact",
            "--weight",
            "weight",
            "--paired",
            "ai_content,ai_images",
        ],
    );
    assert_eq!(weighted["paired"][0]["cells"][0]["test"], "design-based t");
    let plain = crosstab_json(SURVEY, &["--by", "role", "--question", "knows_impact"]);
    assert!(plain.get("paired").is_none());
}

/// `--numeric` reads the question as numbers: a table of means, each column's mean the
/// column's values' mean (computed here from the file), and no share rows.
#[test]
fn crosstab_numeric_makes_a_table_of_means() {
    let json = crosstab_json(
        SURVEY,
        &["--by", "role", "--question", "weight", "--numeric"],
    );
    assert!(json["rows"].as_array().unwrap().is_empty());
    let mut reader = csv::Reader::from_path(SURVEY).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (role, weight) = (at("role"), at("weight"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for (c, group) in json["groups"].as_array().unwrap().iter().enumerate() {
        let label = group["label"].as_str().unwrap();
        let values: Vec<f64> = records
            .iter()
            .filter(|r| &r[role] == label)
            .filter_map(|r| r[weight].parse().ok())
            .collect();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let got = json["means"][0]["cells"][c]["mean"].as_f64().unwrap();
        assert!((got - mean).abs() < 1e-12, "{label}: {got} vs {mean}");
    }
}

/// `--replicate-weights PREFIX --replicate-type TYPE`: the numbered columns of the export are
/// read as replicate weights and the table is design-based on them (shares, standard errors and
/// the Rao-Scott F as R's svyby and svychisq on the same svrepdesign, fixtures/replicate, 1e-9);
/// `--replicate-type jkn` alone creates them from `--strata` (as.svrepdesign); `--weighting-report`
/// adds the weights' report without changing the table.
#[test]
fn crosstab_replicate_weights_and_weighting_report() {
    let want = common::Values::load("replicate/expected.tsv");
    let close = |got: &serde_json::Value, case: &str, key: &str| {
        let (got, expected) = (got.as_f64().unwrap(), want.get(case, key));
        assert!(
            (got - expected).abs() <= 1e-9 * expected.abs(),
            "{case}/{key}: {got} vs {expected}"
        );
    };
    let supplied = common::fixture("replicate/supplied_jk1.csv");
    let args = [
        "--question",
        "awards",
        "--by",
        "stype",
        "--weight",
        "pw",
        "--replicate-weights",
        "rw",
        "--replicate-type",
        "jk1",
        "--min-base",
        "5",
    ];
    let json = crosstab_json(supplied.to_str().unwrap(), &args);
    let yes = &json["rows"][1];
    assert_eq!(yes["label"], "Yes");
    for (c, level) in ["E", "H", "M"].iter().enumerate() {
        let cell = &yes["cells"][c];
        close(
            &cell["share"],
            &format!("jk1s_awards_by_{level}"),
            "estimate",
        );
        close(&cell["std_error"], &format!("jk1s_awards_by_{level}"), "se");
    }
    close(&json["omnibus"]["statistic"], "jk1s_chisq", "F");
    assert_eq!(json["replicates"]["method"], "jk1");
    assert_eq!(json["replicates"]["count"], 15);
    assert!(json.get("weighting_report").is_none());
    let mut with_report = args.to_vec();
    with_report.push("--weighting-report");
    let reported = crosstab_json(supplied.to_str().unwrap(), &with_report);
    assert_eq!(reported["rows"], json["rows"]);
    let steps = reported["weighting_report"]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["overall"]["count"], 183);
    // Created from the strata, with the finite population correction.
    let strat = common::fixture("replicate/apistrat.csv");
    let created = crosstab_json(
        strat.to_str().unwrap(),
        &[
            "--question",
            "awards",
            "--by",
            "stype",
            "--weight",
            "pw",
            "--strata",
            "stype",
            "--fpc",
            "fpc",
            "--replicate-type",
            "jkn",
        ],
    );
    close(&created["omnibus"]["statistic"], "strat_jkn_chisq", "F");
    assert_eq!(created["replicates"]["method"], "jkn");
    assert_eq!(created["replicates"]["count"], 200);
    // A scheme that does not parse is a one-line error.
    let run = common::run_example(
        "crosstab",
        &[
            strat.to_str().unwrap(),
            "--question",
            "awards",
            "--by",
            "stype",
            "--replicate-type",
            "fay",
        ],
    );
    assert!(
        !run.success && run.stderr.contains("replicate scheme"),
        "{}",
        run.stderr
    );
}
