//! Tables for breakdowns, crosstabs and comparisons, the way a market-research report prints them.

use crate::report::table::{Align, Table};
use crate::stats::interval::Interval;
use crate::stats::means::VarianceAssumption;
use crate::survey::breakdown::Breakdown;
use crate::survey::comparison::Comparison;
use crate::survey::crosstab::Crosstab;
use crate::survey::crosstab::banners::Banners;
use crate::survey::estimate::{Base, Estimate};

/// Results that print as a [`Table`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Comparison, ComparisonOptions, Proportion, Render};
///
/// let groups = [("Customer marketing", Proportion::new(9, 100)?), ("Product marketing", Proportion::new(11, 100)?)];
/// let comparison = Comparison::new("very familiar with the other team's goals", &groups, &ComparisonOptions::default())?;
/// let text = comparison.to_text();
/// assert!(text.contains("9.0%") && text.contains("no significant difference"));
/// assert!(comparison.to_markdown().starts_with("**"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub trait Render {
    /// The result as a table.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Render, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("knows_impact", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// let mut table = breakdown.table();
    /// assert_eq!(table.rows()[0][..3], ["yes", "1", "33.3%"]);
    /// table.note("Source: staff survey, 2024."); // a table can be extended before printing
    /// assert!(table.to_text().ends_with("Base: 3; no answer: 1\nSource: staff survey, 2024.\n"));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn table(&self) -> Table;

    /// Aligned plain text.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Render, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("knows_impact", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// let expected = "\
    /// knows_impact (95% wilson intervals)
    /// Answer  Count  Share      Interval
    /// ------  -----  -----  ------------
    /// yes         1  33.3%   [6.1, 79.2]
    /// no          2  66.7%  [20.8, 93.9]
    /// Base: 3; no answer: 1
    /// ";
    /// assert_eq!(breakdown.to_text(), expected);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn to_text(&self) -> String {
        self.table().to_text()
    }

    /// Markdown.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Render, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("knows_impact", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// let expected = "\
    /// **knows_impact (95% wilson intervals)**
    ///
    /// | Answer | Count | Share | Interval |
    /// |:---|---:|---:|---:|
    /// | yes | 1 | 33.3% | [6.1, 79.2] |
    /// | no | 2 | 66.7% | [20.8, 93.9] |
    ///
    /// Base: 3; no answer: 1
    ///
    /// ";
    /// assert_eq!(breakdown.to_markdown(), expected);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn to_markdown(&self) -> String {
        self.table().to_markdown()
    }
}

/// `0.4903` as `49.0%`.
fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// An interval in percent, `[45.6, 52.4]`.
fn interval(ci: &Interval) -> String {
    format!("[{:.1}, {:.1}]", 100.0 * ci.lower, 100.0 * ci.upper)
}

/// A p-value with three decimals, or `<0.001`.
fn p_value(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}

/// `p = 0.012`, or `p < 0.001`.
fn p_text(p: f64) -> String {
    let text = p_value(p);
    match text.strip_prefix('<') {
        Some(bound) => format!("p < {bound}"),
        None => format!("p = {text}"),
    }
}

/// `49.0% [45.6, 52.4]`, or `-` for an empty base.
fn share_with_interval(estimate: &Estimate) -> String {
    match (estimate.share, &estimate.interval) {
        (Some(share), Some(ci)) => format!("{} {}", percent(share), interval(ci)),
        _ => "-".to_string(),
    }
}

/// A base for display: the count, plus the weighted and effective bases when weighted.
fn base(base: &Base, weighted: bool) -> String {
    if weighted {
        format!(
            "{} (wtd {:.1}, eff {:.1})",
            base.count, base.weighted, base.effective
        )
    } else {
        base.count.to_string()
    }
}

impl Render for Breakdown {
    fn table(&self) -> Table {
        let weighted = self.is_weighted();
        let count_heading = if weighted { "Weighted count" } else { "Count" };
        let mut table = Table::new(["Answer", count_heading, "Share", "Interval"])
            .title(format!(
                "{} ({} {} intervals)",
                self.question(),
                self.settings().level,
                self.settings().method
            ))
            .align(1, Align::Right)
            .align(2, Align::Right)
            .align(3, Align::Right);
        for row in self.rows() {
            let e = &row.estimate;
            let label = if row.is_net {
                format!("{} (net)", row.label)
            } else {
                row.label.clone()
            };
            let count = if weighted {
                format!("{:.1}", e.weighted_count)
            } else {
                e.count.to_string()
            };
            let share = e.share.map_or("-".to_string(), percent);
            let ci = e.interval.as_ref().map_or("-".to_string(), interval);
            table.push_row([label, count, share, ci]);
        }
        table.note(format!(
            "Base: {}; no answer: {}",
            base(&self.base(), weighted),
            self.missing().count
        ));
        table
    }
}

/// The columns of one crosstab as printed: their headers, base rows and one cell per row.
struct Block {
    header: Vec<String>,
    bases: Vec<Vec<String>>,
    cells: Vec<Vec<String>>,
}

/// The base rows' labels: the count, then the weighted and effective bases when weighted.
fn base_labels(weighted: bool) -> &'static [&'static str] {
    if weighted {
        &["Base", "Weighted base", "Effective base"]
    } else {
        &["Base"]
    }
}

/// A crosstab's columns, with `weighted` base rows (blank when the table itself is not weighted).
fn block(table: &Crosstab, weighted: bool) -> Block {
    let header = table
        .columns()
        .iter()
        .map(|c| {
            let flag = if c.tested { "" } else { "*" };
            format!("{} ({}){flag}", c.label, c.letter)
        })
        .collect();
    let mut bases = vec![
        table
            .columns()
            .iter()
            .map(|c| c.base.count.to_string())
            .collect(),
    ];
    if weighted {
        let own = table.is_weighted();
        let shown = |v: f64| {
            if own {
                format!("{v:.1}")
            } else {
                String::new()
            }
        };
        bases.push(
            table
                .columns()
                .iter()
                .map(|c| shown(c.base.weighted))
                .collect(),
        );
        bases.push(
            table
                .columns()
                .iter()
                .map(|c| shown(c.base.effective))
                .collect(),
        );
    }
    let cells = table
        .rows()
        .iter()
        .map(|row| {
            row.cells
                .iter()
                .map(|cell| lettered(share_with_interval(&cell.estimate), &cell.letters))
                .collect()
        })
        .chain(table.mean_rows().iter().map(|row| {
            row.cells
                .iter()
                .map(|cell| {
                    let text = match (cell.mean, &cell.interval) {
                        (Some(mean), Some(ci)) => {
                            format!("{mean:.2} [{:.2}, {:.2}]", ci.lower, ci.upper)
                        }
                        _ => "-".to_string(),
                    };
                    lettered(text, &cell.letters)
                })
                .collect()
        }))
        .chain(table.nps_rows().iter().map(|row| {
            row.cells
                .iter()
                .map(|cell| {
                    let text = match (cell.mean, &cell.interval) {
                        (Some(nps), Some(ci)) => format!(
                            "{:+.1} [{:+.1}, {:+.1}]",
                            100.0 * nps,
                            100.0 * ci.lower,
                            100.0 * ci.upper
                        ),
                        _ => "-".to_string(),
                    };
                    lettered(text, &cell.letters)
                })
                .collect()
        }))
        .chain(table.paired_rows().iter().map(|row| {
            row.cells
                .iter()
                .map(|cell| match cell {
                    Some(c) => format!(
                        "{:+.1} [{:+.1}, {:+.1}] {}",
                        100.0 * c.difference,
                        100.0 * c.interval.lower,
                        100.0 * c.interval.upper,
                        p_value(c.p_value)
                    ),
                    None => "-".to_string(),
                })
                .collect()
        }))
        .collect();
    Block {
        header,
        bases,
        cells,
    }
}

/// A cell's text followed by its letters, if any.
fn lettered(text: String, letters: &str) -> String {
    if letters.is_empty() {
        text
    } else {
        format!("{text} {letters}")
    }
}

/// The row labels of a crosstab, nets marked.
fn row_labels(table: &Crosstab) -> Vec<String> {
    table
        .rows()
        .iter()
        .map(|row| {
            if row.is_net {
                format!("{} (net)", row.label)
            } else {
                row.label.clone()
            }
        })
        .chain(table.mean_rows().iter().map(|row| row.label.clone()))
        .chain(table.nps_rows().iter().map(|row| row.label.clone()))
        .chain(
            table
                .paired_rows()
                .iter()
                .map(|row| format!("{} - {}", row.first, row.second)),
        )
        .collect()
}

/// The kind of test behind a crosstab's letters.
fn test_name(table: &Crosstab) -> &'static str {
    match table.design() {
        Some(_) => "design-based t-tests",
        None => "z-tests",
    }
}

/// A crosstab's notes: the design, the omnibus test, untested columns, missing answers.
fn notes(table: &Crosstab) -> Vec<String> {
    let settings = table.settings();
    let mut notes = Vec::new();
    if let Some(design) = table.design() {
        let variances = design.replicates.map_or(String::new(), |r| {
            format!(
                " (variances from {} {} replicate weights)",
                r.count, r.method
            )
        });
        notes.push(format!(
            "Design-based{variances}: {} intervals and t-tests on {} degrees of freedom; design \
             effects {}.",
            table.interval_method(),
            design.degrees_of_freedom,
            settings.design.design_effect
        ));
        if let Some(test) = &design.rao_scott {
            notes.push(format!(
                "Rao-Scott F = {:.2} on {:.2} and {:.1} df, {}",
                test.statistic,
                test.ndf,
                test.ddf,
                p_text(test.p_value)
            ));
        }
    }
    if let Some(test) = table.omnibus() {
        notes.push(format!(
            "Omnibus chi-square = {:.2}, df = {}, {}",
            test.statistic,
            test.df,
            p_text(test.p_value)
        ));
    }
    for row in table.mean_rows() {
        let (letters, omnibus) = match (table.design(), table.settings().means) {
            (Some(_), _) => ("design-based t-tests", "Wald F"),
            (None, VarianceAssumption::Welch) => ("Welch t-tests", "Welch F"),
            (None, VarianceAssumption::Pooled) => ("pooled t-tests", "F"),
        };
        let test = row.omnibus.map_or(String::new(), |t| {
            format!(
                "; {omnibus} = {:.2} on {:.0} and {:.1} df, {}",
                t.statistic,
                t.numerator_df,
                t.denominator_df,
                p_text(t.p_value)
            )
        });
        notes.push(format!(
            "{}: means with t intervals, letters from {letters}{test}",
            row.label
        ));
    }
    for row in table.nps_rows() {
        let method = match table.design() {
            Some(_) => "design-based t intervals and t-tests of the +1/0/-1 recode",
            None => "score intervals, letters from z-tests",
        };
        notes.push(format!(
            "{}: promoters (9-10) minus detractors (0-6), in points; {method}",
            row.label
        ));
    }
    for row in table.paired_rows() {
        let test = row
            .cells
            .iter()
            .flatten()
            .next()
            .map_or("", |c| c.test.as_str());
        notes.push(format!(
            "{} - {}: difference in points among those who answered both, interval and p-value ({test})",
            row.first, row.second
        ));
    }
    if table.columns().iter().any(|c| !c.tested) {
        notes.push(format!(
            "* Base below {}: shown but not tested.",
            settings.min_base
        ));
    }
    let no_answer: u64 = table.columns().iter().map(|c| c.missing.count).sum();
    notes.push(format!(
        "No answer: {no_answer}; no {}: {}",
        table.group_by(),
        table.ungrouped().count
    ));
    notes
}

/// Tables side by side: a header, base rows, answer rows and notes from each block.
fn side_by_side(title: String, labels: Vec<String>, blocks: &[Block], weighted: bool) -> Table {
    let header = std::iter::once(String::new()).chain(blocks.iter().flat_map(|b| b.header.clone()));
    let mut table = Table::new(header).title(title);
    let width: usize = blocks.iter().map(|b| b.header.len()).sum();
    for c in 1..=width {
        table = table.align(c, Align::Right);
    }
    for (i, label) in base_labels(weighted).iter().enumerate() {
        let cells = blocks
            .iter()
            .flat_map(|b| b.bases.get(i).cloned().unwrap_or_default());
        table.push_row(std::iter::once(label.to_string()).chain(cells));
    }
    for (r, label) in labels.into_iter().enumerate() {
        let cells = blocks
            .iter()
            .flat_map(|b| b.cells.get(r).cloned().unwrap_or_default());
        table.push_row(std::iter::once(label).chain(cells));
    }
    table
}

impl Render for Crosstab {
    fn table(&self) -> Table {
        let settings = self.settings();
        let title = format!(
            "{} by {} ({} {} intervals; letters: {}-adjusted {} at alpha {})",
            self.question(),
            self.group_by(),
            settings.intervals.level,
            self.interval_method(),
            settings.tests.adjustment,
            test_name(self),
            settings.tests.alpha
        );
        let weighted = self.is_weighted();
        let mut table = side_by_side(title, row_labels(self), &[block(self, weighted)], weighted);
        for note in notes(self) {
            table.note(note);
        }
        table
    }
}

impl Render for Banners {
    /// One banner without a total prints as its crosstab. Otherwise the Total column comes
    /// first, then each banner's columns, lettered within their banner; each banner's notes are
    /// prefixed with its grouping.
    fn table(&self) -> Table {
        let tables: Vec<&Crosstab> = self.tables().collect();
        let (Some(first), false) = (tables.first(), self.total().is_none() && tables.len() == 1)
        else {
            return tables
                .first()
                .map(|t| t.table())
                .unwrap_or_else(|| Table::new([""]));
        };
        let settings = first.settings();
        let groupings: Vec<&str> = self.banners().iter().map(Crosstab::group_by).collect();
        let title = format!(
            "{} by {} ({} {} intervals; letters within each banner: {}-adjusted {} at alpha {})",
            first.question(),
            if groupings.is_empty() {
                "Total".to_string()
            } else {
                groupings.join(", ")
            },
            settings.intervals.level,
            first.interval_method(),
            settings.tests.adjustment,
            test_name(first),
            settings.tests.alpha
        );
        let weighted = tables.iter().any(|t| t.is_weighted());
        let mut blocks: Vec<Block> = tables.iter().map(|t| block(t, weighted)).collect();
        if let (Some(total), Some(_)) = (blocks.first_mut(), self.total()) {
            total.header = vec!["Total".to_string()];
        }
        let mut table = side_by_side(title, row_labels(first), &blocks, weighted);
        if let Some(total) = self.total() {
            let no_answer: u64 = total.columns().iter().map(|c| c.missing.count).sum();
            table.note(format!("Total: no answer: {no_answer}"));
        }
        for banner in self.banners() {
            for note in notes(banner) {
                table.note(format!("{}: {note}", banner.group_by()));
            }
        }
        table
    }
}

impl Render for Comparison {
    fn table(&self) -> Table {
        let groups = self.groups();
        let label = |i: usize| groups.get(i).map_or("?", |g| g.label.as_str());
        let mut table = Table::new([
            "",
            "Share",
            "Interval",
            "Difference",
            "p (adjusted)",
            "Cohen's h",
            "Verdict",
        ])
        .title(format!(
            "{} ({} intervals; {} adjustment)",
            self.outcome(),
            self.settings().intervals.level,
            self.settings().tests.adjustment
        ));
        for c in 1..=5 {
            table = table.align(c, Align::Right);
        }
        for group in groups {
            let size = match (group.count, &group.base) {
                (Some(count), Some(base)) => format!(" ({count}/{})", base.count),
                _ => String::new(),
            };
            table.push_row([
                format!("{}{size}", group.label),
                percent(group.estimate),
                interval(&group.interval),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for pair in self.pairs() {
            table.push_row([
                format!("{} vs {}", label(pair.a), label(pair.b)),
                String::new(),
                interval(&pair.interval),
                format!("{:+.1} pts", 100.0 * pair.difference),
                format!(
                    "{} ({})",
                    p_value(pair.p_value),
                    p_value(pair.adjusted_p_value)
                ),
                format!("{:+.2}", pair.cohens_h),
                pair.verdict.describe(label(pair.a), label(pair.b)),
            ]);
        }
        table
    }
}
