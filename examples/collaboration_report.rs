//! The collaboration report, rechecked: every published survey figure beside its estimate and
//! 95% interval on the reconstructed data, the report's comparisons tested, AI adoption, an audit
//! of the published figures that needs no raw data, and the social-listening growth figures with
//! intervals at illustrative volumes.
//!
//! ```text
//! cargo run --example collaboration_report [-- --json] [--markdown FILE] [--charts DIR] [--csv FILE]
//! ```
//!
//! `--json` prints one JSON object (findings and comparisons) instead of the text report;
//! `--markdown FILE` also writes the report as Markdown; `--charts DIR` writes `findings.svg` (every
//! figure with its interval) and `roles.svg` (F8 by role); `--csv FILE` exports the reconstructed
//! respondents so that `examples/crosstab.rs` can run on them. The data are a reconstruction, not
//! the study's raw data (see `survey_analytics::marketing`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plotters::prelude::*;
use serde_json::{Value, json};
use survey_analytics::marketing::{
    AiFrequency, AiUse, ClaimVerdict, Department, Findings, GROWTH_FIGURES, MarketerResponse,
    ROLE_SIZES, TEAM_SIZES, collaboration_survey, findings, positive_sentiment_at,
};
use survey_analytics::{
    Align, Alpha, Alternative, Breakdown, BreakdownOptions, Category, Comparison, ConfidenceLevel,
    Crosstab, CrosstabOptions, MultiSelectTally, Net, ProportionMethod, PublishedShare, Render,
    Table, Tally, two_proportion_sample_size,
};

/// Last year's mention volumes at which the growth figures are illustrated.
const VOLUMES: [u64; 3] = [100, 1_000, 10_000];

/// A titled part of the report: a table and the sentences around it.
struct Section {
    title: String,
    intro: Vec<String>,
    table: Option<Table>,
    outro: Vec<String>,
}

impl Section {
    fn new(title: impl Into<String>) -> Self {
        Section {
            title: title.into(),
            intro: Vec::new(),
            table: None,
            outro: Vec::new(),
        }
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

fn interval(lower: f64, upper: f64) -> String {
    format!("[{:.1}, {:.1}]", 100.0 * lower, 100.0 * upper)
}

fn findings_section(found: &Findings) -> Section {
    let mut section =
        Section::new("Findings: the published figures against the reconstructed data");
    section.intro.push(
        "Each survey figure of the report with its estimate, 95% Wilson interval and margin of error. \
         Bases of subgroups are the reconstruction's (the report publishes none)."
            .to_string(),
    );
    let mut table = Table::new([
        "id",
        "who",
        "published",
        "estimate",
        "95% interval",
        "margin",
        "count",
        "statement",
    ]);
    for c in 2..=6 {
        table = table.align(c, Align::Right);
    }
    for f in &found.figures {
        table.push_row([
            f.id.to_string(),
            f.subgroup.label().to_string(),
            format!("{:.0}%", 100.0 * f.published),
            percent(f.estimate),
            interval(f.interval.lower, f.interval.upper),
            format!("±{:.1}", 100.0 * f.margin_of_error),
            format!("{}/{}", f.count, f.base),
            f.statement.to_string(),
        ]);
    }
    let rounded = found
        .figures
        .iter()
        .filter(|f| (f.estimate * 100.0).round() == (f.published * 100.0).round());
    section.outro.push(format!(
        "{} of {} figures round to the published percentage.",
        rounded.count(),
        found.figures.len()
    ));
    section.table = Some(table);
    section
}

fn role_crosstab_section(
    responses: &[MarketerResponse],
) -> Result<Section, survey_analytics::Error> {
    let tally = Tally::count(responses, |r| (r.knows_impact_measurement, r.role))?
        .renamed(0, "knows how impact is measured")?;
    let table = Crosstab::new(&tally.cross(0, 1)?, &CrosstabOptions::default())?;
    let mut section = Section::new("F8 as a crosstab: knows how impact is measured, by role");
    section.intro.push(
        "Columns are lettered; a share carries the letter of each column it exceeds significantly \
         (pooled z-tests, Holm-adjusted within the row, alpha 0.05)."
            .to_string(),
    );
    section.table = Some(table.table());
    Ok(section)
}

fn comparison_sections(found: &Findings) -> Vec<Section> {
    found
        .comparisons
        .iter()
        .map(|c| {
            let mut section = Section::new(format!("{}: {}", c.id, c.comparison.outcome()));
            section
                .intro
                .push(format!("The report's claim: {}.", c.claim));
            section.table = Some(c.comparison.table());
            for (pair, verdict) in c.comparison.pairs().iter().zip(&c.verdicts) {
                let groups = c.comparison.groups();
                let name = |i: usize| groups.get(i).map_or("?", |g| g.label.as_str());
                section.outro.push(format!(
                    "{} vs {}: {}.",
                    name(pair.a),
                    name(pair.b),
                    verdict.text()
                ));
            }
            section
        })
        .collect()
}

fn ai_sections(responses: &[MarketerResponse]) -> Result<Vec<Section>, survey_analytics::Error> {
    let frequency = Tally::count(responses, |r| (r.ai_frequency,))?;
    let options = BreakdownOptions::default()
        .net(Net::of(
            "At least weekly (F16a)",
            &[AiFrequency::Weekly, AiFrequency::Daily],
        )?)
        .net(Net::of("Daily (F16b)", &[AiFrequency::Daily])?);
    let mut f16 = Section::new("F16: how often marketers use generative AI");
    f16.table = Some(Breakdown::new(&frequency.margin(0)?, &options)?.table());
    f16.outro.push(
        "Daily users are a subset of the at-least-weekly users: one ordered scale, two nets."
            .to_string(),
    );
    let uses = MultiSelectTally::count(responses, |r| Some(r.ai_uses), |_| Some(true))?;
    let mut f17 = Section::new("F17: what marketers use AI for (select all that apply)");
    f17.table = Some(Breakdown::new(&uses.margin()?, &BreakdownOptions::default())?.table());
    f17.outro.push(
        "Shares are of all respondents and need not sum to 100%; those who never use AI chose no use.".to_string(),
    );
    Ok(vec![f16, f17])
}

fn audit_section() -> Result<Section, survey_analytics::Error> {
    let level = ConfidenceLevel::NINETY_FIVE;
    let mut section = Section::new("Auditing published figures without the raw data (F8, F11)");
    section.intro.push(
        "A reader with only the printed percentages and a base can still bound the counts, the intervals \
         and the tests. The bases below are the reconstruction's assumptions."
            .to_string(),
    );
    let figures = [
        ("F8a individual contributors", 18.0, 400),
        ("F8b marketing leaders", 41.0, 130),
        ("F8c managers", 42.0, 300),
        ("F11a customer marketers", 9.0, 140),
        ("F11b product marketers", 11.0, 150),
    ];
    let shares: Vec<PublishedShare> = figures
        .iter()
        .map(|&(_, p, n)| PublishedShare::new(p, n))
        .collect::<Result<_, _>>()?;
    let mut table = Table::new([
        "figure",
        "published",
        "base",
        "counts consistent",
        "95% interval (all counts)",
    ]);
    for c in 1..=4 {
        table = table.align(c, Align::Right);
    }
    for ((name, p, n), share) in figures.iter().zip(&shares) {
        let counts = share
            .counts()
            .map_or("none".to_string(), |r| format!("{}-{}", r.start(), r.end()));
        let ci = share.interval(ProportionMethod::Wilson, level)?;
        table.push_row([
            name.to_string(),
            format!("{p:.0}%"),
            n.to_string(),
            counts,
            interval(ci.lower, ci.upper),
        ]);
    }
    section.table = Some(table);
    for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 4)] {
        if let (Some(x), Some(y)) = (shares.get(a), shares.get(b)) {
            let test = x.compare(y)?;
            let verdict = if test.significant(Alpha::FIVE_PERCENT) {
                "significant whatever the true counts"
            } else if test.p_value.lower >= 0.05 {
                "not significant whatever the true counts"
            } else {
                "depends on the unpublished counts"
            };
            section.outro.push(format!(
                "{} vs {}: p between {:.2e} and {:.2e}: {verdict}.",
                figures[a].0, figures[b].0, test.p_value.lower, test.p_value.upper
            ));
        }
    }
    Ok(section)
}

fn listening_section() -> Result<Section, survey_analytics::Error> {
    let level = ConfidenceLevel::NINETY_FIVE;
    let mut section =
        Section::new("Social listening (L1-L3): growth with intervals at ILLUSTRATIVE volumes");
    section.intro.push(
        "The report gives growth rates but no mention counts. The intervals below are what the published \
         growth would carry if last year's volume had been 100, 1,000 or 10,000 mentions: illustrations, \
         not the report's data."
            .to_string(),
    );
    let mut header = vec!["id".to_string(), "published".to_string()];
    header.extend(
        VOLUMES
            .iter()
            .map(|v| format!("95% interval if {v} last year")),
    );
    header.push("what was counted".to_string());
    let mut table = Table::new(header);
    for c in 1..=VOLUMES.len() + 1 {
        table = table.align(c, Align::Right);
    }
    for figure in GROWTH_FIGURES {
        let mut row = vec![
            figure.id.to_string(),
            format!("+{:.0}%", 100.0 * figure.growth),
        ];
        for volume in VOLUMES {
            let ci = figure.at_volume(volume, level)?.growth_interval();
            row.push(format!(
                "[{:+.0}%, {:+.0}%]",
                100.0 * ci.lower,
                100.0 * ci.upper
            ));
        }
        row.push(figure.statement.to_string());
        table.push_row(row);
    }
    section.table = Some(table);
    for mentions in VOLUMES {
        let ci = positive_sentiment_at(mentions, level)?;
        section.outro.push(format!(
            "L3b, 57% of AI mentions positive: {} if {mentions} mentions were classified (illustrative).",
            interval(ci.lower, ci.upper)
        ));
    }
    Ok(section)
}

fn conclusion(found: &Findings) -> Result<Section, survey_analytics::Error> {
    let mut section = Section::new("What the data support");
    for c in &found.comparisons {
        let groups = c.comparison.groups();
        let name = |i: usize| groups.get(i).map_or("?", |g| g.label.as_str());
        let verdicts: Vec<String> = c
            .comparison
            .pairs()
            .iter()
            .zip(&c.verdicts)
            .filter(|(_, verdict)| **verdict != ClaimVerdict::NoneClaimedNoneFound)
            .map(|(pair, verdict)| {
                format!("{} vs {}: {}", name(pair.a), name(pair.b), verdict.text())
            })
            .collect();
        section.intro.push(format!(
            "{} ({}): {}.",
            c.id,
            c.comparison.outcome(),
            verdicts.join("; ")
        ));
    }
    // What it would take to settle the F11 comparison: the sample size for 9% vs 11% at 80% power.
    let needed = two_proportion_sample_size(
        0.11,
        0.09,
        0.8,
        Alpha::FIVE_PERCENT,
        1.0,
        Alternative::TwoSided,
    )?;
    section.intro.push(format!(
        "Detecting a true 11% against 9% (F11) with 80% power at alpha 0.05 would take {} respondents per \
         team; the reconstruction has 140 and 150.",
        needed.n1
    ));
    let l1 = GROWTH_FIGURES[0];
    let (small, large) = (
        l1.at_volume(100, ConfidenceLevel::NINETY_FIVE)?
            .growth_interval(),
        l1.at_volume(10_000, ConfidenceLevel::NINETY_FIVE)?
            .growth_interval(),
    );
    section.intro.push(format!(
        "The social-listening growth rates cannot be judged without their mention counts: +41% (L1) \
         could mean anything from {:+.0}% to {:+.0}% on 100 mentions last year, or {:+.0}% to {:+.0}% on \
         10,000.",
        100.0 * small.lower,
        100.0 * small.upper,
        100.0 * large.lower,
        100.0 * large.upper
    ));
    Ok(section)
}

fn render_text(sections: &[Section]) -> String {
    let mut out = String::from(
        "The collaboration survey, rechecked (830 reconstructed respondents; a reconstruction, not the study's data)\n",
    );
    for s in sections {
        let _ = write!(
            out,
            "\n{}\n{}\n",
            s.title,
            "=".repeat(s.title.chars().count())
        );
        for p in &s.intro {
            let _ = writeln!(out, "{p}");
        }
        if let Some(t) = &s.table {
            let _ = write!(out, "\n{}", t.to_text());
        }
        for p in &s.outro {
            let _ = writeln!(out, "{p}");
        }
    }
    out
}

fn render_markdown(sections: &[Section]) -> String {
    let mut out = String::from(
        "# The collaboration survey, rechecked\n\n830 reconstructed respondents: a reconstruction, not the study's data.\n",
    );
    for s in sections {
        let _ = write!(out, "\n## {}\n\n", s.title);
        for p in &s.intro {
            let _ = write!(out, "{p}\n\n");
        }
        if let Some(t) = &s.table {
            let _ = writeln!(out, "{}", t.to_markdown());
        }
        for p in &s.outro {
            let _ = writeln!(out, "- {p}");
        }
    }
    out
}

fn to_json(found: &Findings) -> Value {
    let figures: Vec<Value> = found
        .figures
        .iter()
        .map(|f| {
            json!({"id": f.id, "published": f.published, "estimate": f.estimate, "lower": f.interval.lower,
                   "upper": f.interval.upper, "count": f.count, "base": f.base})
        })
        .collect();
    let comparisons: Vec<Value> = found
        .comparisons
        .iter()
        .map(|c| comparison_json(c.id, &c.comparison, &c.verdicts))
        .collect();
    json!({"findings": figures, "comparisons": comparisons})
}

fn comparison_json(id: &str, comparison: &Comparison, verdicts: &[ClaimVerdict]) -> Value {
    let groups = comparison.groups();
    let label = |i: usize| groups.get(i).map_or(String::new(), |g| g.label.clone());
    let group_values: Vec<Value> = groups
        .iter()
        .map(|g| {
            // The groups come from counts, so successes and trials are whole numbers.
            let whole = |x: f64| x.round() as u64;
            json!({"label": g.label, "count": whole(g.proportion.successes()), "base": whole(g.proportion.trials()),
                   "estimate": g.estimate, "lower": g.interval.lower, "upper": g.interval.upper})
        })
        .collect();
    let pairs: Vec<Value> = comparison
        .pairs()
        .iter()
        .zip(verdicts)
        .map(|(p, v)| {
            json!({"a": label(p.a), "b": label(p.b), "difference": p.difference, "lower": p.interval.lower,
                   "upper": p.interval.upper, "p_value": p.p_value, "adjusted_p_value": p.adjusted_p_value,
                   "significant": p.verdict.is_significant(), "verdict": v.text()})
        })
        .collect();
    json!({"id": id, "outcome": comparison.outcome(), "groups": group_values, "pairs": pairs})
}

/// Bar colour of the charts.
const BAR: RGBColor = RGBColor(120, 160, 210);

fn findings_chart(found: &Findings, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let n = found.figures.len();
    let root = SVGBackend::new(path, (900, 60 + 26 * n as u32)).into_drawing_area();
    root.fill(&WHITE)?;
    // A discrete usize axis over 0..n-1 has exactly one segment per figure.
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Published figures: estimate with 95% interval (red dot: published)",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..100.0, (0..n - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) => found
                .figures
                .get(*i)
                .map_or(String::new(), |f| f.id.to_string()),
            _ => String::new(),
        })
        .x_desc("percent of the subgroup")
        .draw()?;
    chart.draw_series(
        Histogram::horizontal(&chart)
            .style(BAR.filled())
            .margin(4)
            .data(
                found
                    .figures
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (i, 100.0 * f.estimate)),
            ),
    )?;
    for (i, f) in found.figures.iter().enumerate() {
        let mid = SegmentValue::CenterOf(i);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (100.0 * f.interval.lower, mid.clone()),
                (100.0 * f.interval.upper, mid.clone()),
            ],
            BLACK.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (100.0 * f.published, mid),
            3,
            RED.filled(),
        )))?;
    }
    root.present()?;
    Ok(())
}

fn roles_chart(found: &Findings, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let Some(f8) = found.comparisons.iter().find(|c| c.id == "F8") else {
        return Ok(());
    };
    let groups = f8.comparison.groups();
    let root = SVGBackend::new(path, (640, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "F8: know how impact is measured, by role (95% intervals)",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((0..groups.len() - 1).into_segmented(), 0.0..60.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len())
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => groups.get(*i).map_or(String::new(), |g| g.label.clone()),
            _ => String::new(),
        })
        .y_desc("percent")
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(BAR.filled())
            .margin(30)
            .data(
                groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (i, 100.0 * g.estimate)),
            ),
    )?;
    for (i, g) in groups.iter().enumerate() {
        let mid = SegmentValue::CenterOf(i);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (mid.clone(), 100.0 * g.interval.lower),
                (mid, 100.0 * g.interval.upper),
            ],
            BLACK.stroke_width(2),
        )))?;
    }
    root.present()?;
    Ok(())
}

/// The dataset as CSV, one column per question (categories by key, multi-select options as 0/1).
fn write_csv(
    responses: &[MarketerResponse],
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut writer = csv::Writer::from_path(path)?;
    let mut header: Vec<String> = [
        "id",
        "role",
        "team",
        "wants_transparent_strategy",
        "lacks_decision_process",
        "annual_goals",
        "goals_aligned",
        "goal_location",
        "goals_buried_in_messages",
        "creative_process",
        "work_evaluation",
        "knows_impact_measurement",
        "not_fully_data_driven",
        "disconnected_from_business",
        "partner_team_goals",
        "collaboration_improves_work",
        "no_credit_for_marketing",
        "celebrates_with_sales",
        "ai_frequency",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(
        Department::ALL
            .iter()
            .map(|d| format!("close_to_{}", d.key())),
    );
    header.extend(AiUse::ALL.iter().map(|u| format!("ai_{}", u.key())));
    writer.write_record(&header)?;
    for r in responses {
        let yes = |b: bool| b.key().to_string();
        let mut row = vec![
            r.id.to_string(),
            r.role.key().to_string(),
            r.team.key().to_string(),
            yes(r.wants_transparent_strategy),
            yes(r.lacks_decision_process),
            r.annual_goals.key().to_string(),
            yes(r.goals_aligned),
            r.goal_location.key().to_string(),
            yes(r.goals_buried_in_messages),
            r.creative_process.key().to_string(),
            r.work_evaluation.key().to_string(),
            yes(r.knows_impact_measurement),
            yes(r.not_fully_data_driven),
            yes(r.disconnected_from_business),
            r.partner_team_goals
                .map_or(String::new(), |f| f.key().to_string()),
            yes(r.collaboration_improves_work),
            yes(r.no_credit_for_marketing),
            yes(r.celebrates_with_sales),
            r.ai_frequency.key().to_string(),
        ];
        row.extend(
            Department::ALL
                .iter()
                .map(|d| u8::from(r.closely_connected.contains(*d)).to_string()),
        );
        row.extend(
            AiUse::ALL
                .iter()
                .map(|u| u8::from(r.ai_uses.contains(*u)).to_string()),
        );
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

struct Args {
    json: bool,
    markdown: Option<PathBuf>,
    charts: Option<PathBuf>,
    csv: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: false,
        markdown: None,
        charts: None,
        csv: None,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(arg) = raw.next() {
        let mut path = |flag: &str| {
            raw.next()
                .map(PathBuf::from)
                .ok_or(format!("{flag} needs a path"))
        };
        match arg.as_str() {
            "--json" => args.json = true,
            "--markdown" => args.markdown = Some(path("--markdown")?),
            "--charts" => args.charts = Some(path("--charts")?),
            "--csv" => args.csv = Some(path("--csv")?),
            other => {
                return Err(format!(
                    "unknown argument '{other}'\nusage: collaboration_report [--json] [--markdown FILE] [--charts DIR] [--csv FILE]"
                ));
            }
        }
    }
    Ok(args)
}

/// Writes to standard output; a closed pipe (`| head`) ends the output quietly.
fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let responses = collaboration_survey();
    let found = findings(&responses)?;
    if args.json {
        emit(&format!("{}\n", to_json(&found)))?;
    }
    let mut sections = vec![findings_section(&found), role_crosstab_section(&responses)?];
    sections.extend(comparison_sections(&found));
    sections.extend(ai_sections(&responses)?);
    sections.push(audit_section()?);
    sections.push(listening_section()?);
    sections.push(conclusion(&found)?);
    let mut samples = Section::new("The reconstruction's groups");
    samples.intro.push(format!(
        "Roles: {}. Teams: {}.",
        ROLE_SIZES
            .iter()
            .map(|(r, n)| format!("{} {n}", r.label()))
            .collect::<Vec<_>>()
            .join(", "),
        TEAM_SIZES
            .iter()
            .map(|(t, n)| format!("{} {n}", t.label()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    sections.insert(0, samples);
    if !args.json {
        emit(&render_text(&sections))?;
    }
    if let Some(path) = &args.markdown {
        std::fs::write(path, render_markdown(&sections))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(dir) = &args.charts {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        findings_chart(&found, &dir.join("findings.svg"))?;
        roles_chart(&found, &dir.join("roles.svg"))?;
    }
    if let Some(path) = &args.csv {
        write_csv(&responses, path)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
