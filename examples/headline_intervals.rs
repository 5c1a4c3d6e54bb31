//! The published survey figures of the collaboration report (F1 to F18: percentages of the 830
//! marketers surveyed, or of a role or team), each with its 95% Wilson interval and margin of error.
//!
//! The report gives no bases, so every figure is taken on the full sample of 830. For figures about
//! a subgroup (individual contributors, leaders, a team) the true base is smaller and the true
//! interval wider; they are flagged.
//!
//! Run with `cargo run --example headline_intervals`.

use survey_analytics::{ConfidenceLevel, Proportion, ProportionMethod};

/// The report's sample size, the only base it publishes.
const SAMPLE: u64 = 830;

/// One published figure: id, who it is about, the published percent, the statement, and whether it
/// concerns a subgroup (so that its real base is unknown and smaller than 830).
struct Figure {
    id: &'static str,
    who: &'static str,
    percent: u32,
    statement: &'static str,
    subgroup: bool,
}

const fn figure(
    id: &'static str,
    who: &'static str,
    percent: u32,
    statement: &'static str,
) -> Figure {
    Figure {
        id,
        who,
        percent,
        statement,
        subgroup: false,
    }
}

const fn subgroup(
    id: &'static str,
    who: &'static str,
    percent: u32,
    statement: &'static str,
) -> Figure {
    Figure {
        subgroup: true,
        ..figure(id, who, percent, statement)
    }
}

/// Every survey figure of the report, F1 to F18.
const FIGURES: &[Figure] = &[
    figure(
        "F1",
        "all",
        49,
        "want strategy-setting to be more transparent",
    ),
    figure(
        "F2",
        "all",
        31,
        "say their department lacks a clear decision process",
    ),
    figure(
        "F3a",
        "all",
        47,
        "have a limited understanding of annual goals",
    ),
    subgroup(
        "F3b",
        "individual contributors",
        54,
        "are not fully familiar with annual goals",
    ),
    figure(
        "F4",
        "all",
        39,
        "are confident marketing and business goals align",
    ),
    figure(
        "F5a",
        "all",
        23,
        "say company goals are scattered across places",
    ),
    figure("F5b", "all", 13, "do not know where the goals are at all"),
    figure(
        "F6",
        "all",
        48,
        "say team goals are buried in email and chat",
    ),
    figure(
        "F7a",
        "all",
        72,
        "are very familiar with the creative process",
    ),
    figure(
        "F7b",
        "all",
        30,
        "are very familiar with how work is evaluated",
    ),
    subgroup(
        "F8a",
        "individual contributors",
        18,
        "know how programme impact is measured",
    ),
    subgroup(
        "F8b",
        "leaders",
        41,
        "know how programme impact is measured",
    ),
    subgroup(
        "F8c",
        "managers",
        42,
        "know how programme impact is measured",
    ),
    figure(
        "F9",
        "all",
        23,
        "say the department is not fully data-driven",
    ),
    figure(
        "F10",
        "all",
        27,
        "feel marketing is disconnected from the business",
    ),
    subgroup(
        "F11a",
        "customer marketers",
        9,
        "are very familiar with product marketing's goals",
    ),
    subgroup(
        "F11b",
        "product marketers",
        11,
        "are very familiar with customer marketing's goals",
    ),
    figure(
        "F12",
        "all",
        79,
        "say working with other departments improves their work",
    ),
    figure(
        "F13",
        "all",
        27,
        "say marketing gets no credit when they collaborate",
    ),
    figure(
        "F14",
        "all",
        57,
        "say marketing and sales celebrate success together",
    ),
    figure("F15", "all", 62, "do not feel closely connected to IT"),
    figure("F16a", "all", 46, "use generative AI at least weekly"),
    figure("F16b", "all", 15, "use generative AI daily"),
    figure("F17a", "all", 49, "use AI for content creation"),
    figure("F17b", "all", 26, "use AI for image generation"),
    figure("F17c", "all", 20, "use AI for project planning"),
    subgroup(
        "F18a",
        "marketers (other survey)",
        59,
        "expect to use AI more in 2024",
    ),
    subgroup(
        "F18b",
        "marketers (other survey)",
        44,
        "consider AI critical to social strategy",
    ),
];

fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

fn main() -> Result<(), survey_analytics::Error> {
    let level = ConfidenceLevel::NINETY_FIVE;
    println!(
        "Published survey figures with {level} Wilson intervals (base {SAMPLE} unless noted)\n"
    );
    println!(
        "{:<5} {:<25} {:>9} {:>9} {:>9}  {:<16} {:>9}  statement",
        "id", "who", "published", "count", "estimate", "95% interval", "margin"
    );
    for figure in FIGURES {
        // The count that the published percent stands for on the base, to the nearest respondent.
        let count = (f64::from(figure.percent) / 100.0 * SAMPLE as f64).round() as u64;
        let share = Proportion::new(count, SAMPLE)?;
        let ci = share.interval(ProportionMethod::Wilson, level);
        let margin = share.margin_of_error(level);
        let flag = if figure.subgroup { "*" } else { " " };
        println!(
            "{:<5} {:<25} {:>8}% {:>9} {:>9}  [{:>5}, {:>5}]  {:>6.1} pts{flag} {}",
            figure.id,
            figure.who,
            figure.percent,
            format!("{count}/{SAMPLE}"),
            percent(share.estimate()),
            percent(ci.lower),
            percent(ci.upper),
            100.0 * margin,
            figure.statement,
        );
    }
    println!(
        "\n* No base is published for this figure (a subgroup, or another survey); {SAMPLE} is assumed,\n  so the real interval is wider."
    );
    println!("  Margin: z * sqrt(p (1 - p) / n), the \"plus or minus\" a report would print.");
    Ok(())
}
