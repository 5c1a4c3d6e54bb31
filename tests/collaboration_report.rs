//! The collaboration survey end to end: the reconstructed dataset reproduces every published
//! figure, and the report example prints, exports and charts it consistently with the statistics
//! layer.

mod common;

use common::{run_example_ok, scratch_dir};
use survey_analytics::marketing::{ClaimVerdict, Role, collaboration_survey, findings};
use survey_analytics::{
    Alternative, ConfidenceLevel, PValueAdjustment, Proportion, ProportionMethod, adjust_p_values,
    two_proportion_z_test,
};

fn run_report(args: &[&str]) -> String {
    run_example_ok("collaboration_report", args)
}

#[test]
fn dataset_is_deterministic_and_reproduces_every_figure() {
    let responses = collaboration_survey();
    assert_eq!(responses, collaboration_survey());
    assert_eq!(responses.len(), 830);
    let found = findings(&responses).unwrap();
    let ids: Vec<&str> = found.figures.iter().map(|f| f.id).collect();
    for n in 1..=17 {
        assert!(
            ids.iter()
                .any(|id| id.trim_end_matches(['a', 'b', 'c']) == format!("F{n}")),
            "F{n} missing"
        );
    }
    for f in &found.figures {
        assert_eq!(
            (100.0 * f.estimate).round(),
            (100.0 * f.published).round(),
            "{} {f:?}",
            f.id
        );
    }
    // Subgroup bases are the reconstruction's documented choice (the report publishes none).
    let base = |id: &str| found.figures.iter().find(|f| f.id == id).unwrap().base;
    assert_eq!((base("F8a"), base("F8b"), base("F8c")), (400, 130, 300));
    assert_eq!((base("F11a"), base("F11b")), (140, 150));
    assert_eq!(
        responses.iter().filter(|r| r.role == Role::Leader).count(),
        130
    );
}

#[test]
fn json_report_agrees_with_the_statistics_layer() {
    let out = run_report(&["--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    let level = ConfidenceLevel::NINETY_FIVE;
    let figures = report["findings"].as_array().unwrap();
    assert_eq!(figures.len(), 26);
    for f in figures {
        let (count, base) = (f["count"].as_u64().unwrap(), f["base"].as_u64().unwrap());
        let p = Proportion::new(count, base).unwrap();
        let ci = p.interval(ProportionMethod::Wilson, level);
        let id = f["id"].as_str().unwrap();
        assert_eq!(f["estimate"].as_f64().unwrap(), p.estimate(), "{id}");
        assert!(
            (f["lower"].as_f64().unwrap() - ci.lower).abs() < 1e-15,
            "{id}"
        );
        assert!(
            (f["upper"].as_f64().unwrap() - ci.upper).abs() < 1e-15,
            "{id}"
        );
        let published = f["published"].as_f64().unwrap();
        assert_eq!(
            (100.0 * p.estimate()).round(),
            (100.0 * published).round(),
            "{id}"
        );
    }
    let comparisons = report["comparisons"].as_array().unwrap();
    let ids: Vec<&str> = comparisons
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["F8", "F11", "F3"]);
    for c in comparisons {
        let groups = c["groups"].as_array().unwrap();
        let proportion = |label: &str| {
            let g = groups.iter().find(|g| g["label"] == label).unwrap();
            Proportion::new(g["count"].as_u64().unwrap(), g["base"].as_u64().unwrap()).unwrap()
        };
        let pairs = c["pairs"].as_array().unwrap();
        let raw: Vec<f64> = pairs
            .iter()
            .map(|pair| {
                let (a, b) = (
                    proportion(pair["a"].as_str().unwrap()),
                    proportion(pair["b"].as_str().unwrap()),
                );
                let z = two_proportion_z_test(a, b, Alternative::TwoSided);
                assert_eq!(pair["p_value"].as_f64().unwrap(), z.p_value);
                assert_eq!(pair["difference"].as_f64().unwrap(), z.difference);
                z.p_value
            })
            .collect();
        let adjusted = adjust_p_values(&raw, PValueAdjustment::Holm).unwrap();
        for (pair, q) in pairs.iter().zip(adjusted) {
            assert_eq!(pair["adjusted_p_value"].as_f64().unwrap(), q);
            assert_eq!(pair["significant"].as_bool().unwrap(), q < 0.05);
        }
    }
    let verdicts = |id: &str| -> Vec<String> {
        let c = comparisons.iter().find(|c| c["id"] == id).unwrap();
        c["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["verdict"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        verdicts("F8"),
        ["holds", "holds", ClaimVerdict::NoneClaimedNoneFound.text()]
    );
    assert_eq!(verdicts("F11"), ["not supported at this sample size"]);
    assert_eq!(verdicts("F3"), ["holds"]);
}

#[test]
fn text_report_has_every_section() {
    let out = run_report(&[]);
    for heading in [
        "Findings: the published figures against the reconstructed data",
        "F8 as a crosstab: knows how impact is measured, by role",
        "F11: very familiar with the partner team's goals",
        "F16: how often marketers use generative AI",
        "F17: what marketers use AI for",
        "Auditing published figures without the raw data (F8, F11)",
        "Social listening (L1-L3): growth with intervals at ILLUSTRATIVE volumes",
        "What the data support",
    ] {
        assert!(out.contains(heading), "missing section {heading}");
    }
    assert!(out.contains("26 of 26 figures round to the published percentage."));
    assert!(
        out.contains("customer marketers vs product marketers: not supported at this sample size")
    );
}

#[test]
fn charts_are_valid_svg_and_markdown_and_csv_are_written() {
    let dir = scratch_dir("report");
    let (charts, markdown, csv) = (
        dir.join("charts"),
        dir.join("report.md"),
        dir.join("survey.csv"),
    );
    run_report(&[
        "--charts",
        charts.to_str().unwrap(),
        "--markdown",
        markdown.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    for name in ["findings.svg", "roles.svg"] {
        let svg = std::fs::read_to_string(charts.join(name)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{name}"
        );
        // Every opened element is closed: count tags of the elements plotters writes.
        for tag in ["text", "svg"] {
            assert_eq!(
                svg.matches(&format!("<{tag}")).count(),
                svg.matches(&format!("</{tag}>")).count(),
                "{name}"
            );
        }
        assert!(svg.contains("<rect") && svg.contains("<text"), "{name}");
    }
    let md = std::fs::read_to_string(&markdown).unwrap();
    assert!(md.starts_with("# The collaboration survey, rechecked"));
    assert!(md.contains("## What the data support") && md.contains("|:---|"));
    let rows = csv::Reader::from_path(&csv).unwrap().records().count();
    assert_eq!(rows, 830);
    let _ = std::fs::remove_dir_all(&dir);
}
