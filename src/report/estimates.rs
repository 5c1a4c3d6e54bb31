//! Tables for single results: means and their differences, F and t tests, design-based estimates,
//! paired comparisons, McNemar's and Cochran's tests, Net Promoter Scores. Each prints as a
//! two-column table of what it holds, numbers to four significant places where they are
//! estimates and p-values as the crosstabs print them.

use crate::frame::analysis::WeightingReport;
use crate::report::render::Render;
use crate::report::table::{Align, Table};
use crate::stats::interval::Interval;
use crate::stats::means::{FTest, MeanDifference, MeanEstimate, TTest};
use crate::stats::nps::{NetPromoter, NpsDifference, NpsZTest};
use crate::stats::paired::{CochranQTest, McNemarTest};
use crate::stats::quantile::QuantileEstimate;
use crate::survey::design::estimate::{DesignEstimate, DomainEstimates};
use crate::survey::design::quantile::DesignQuantile;
use crate::survey::design::ratio::DesignRatio;
use crate::survey::design::summary::WeightSummary;
use crate::survey::mean_comparison::MeanComparison;
use crate::survey::paired::PairedComparison;

/// A titled table of `(name, value)` rows.
fn facts(title: &str, rows: Vec<(&str, String)>) -> Table {
    let mut table = Table::new(["", "Value"])
        .title(title)
        .align(1, Align::Right);
    for (name, value) in rows {
        table.push_row([name.to_string(), value]);
    }
    table
}

/// A number to four significant places (six for magnitudes from 1e4 up, in plain notation).
fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor();
    if (-4.0..6.0).contains(&magnitude) {
        let decimals = (3.0 - magnitude).max(0.0) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.3e}")
    }
}

fn p(value: f64) -> String {
    if value < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{value:.3}")
    }
}

fn interval(ci: &Interval) -> String {
    format!("[{}, {}]", num(ci.lower), num(ci.upper))
}

fn optional(x: Option<f64>) -> String {
    x.map_or("-".to_string(), num)
}

/// # Examples
///
/// ```
/// use survey_analytics::{MeanEstimate, Render};
/// let text = MeanEstimate::new(&[4.0, 5.0, 3.0, 4.0])?.to_text();
/// assert!(text.contains("Mean") && text.contains("4.000"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for MeanEstimate {
    fn table(&self) -> Table {
        facts(
            "Mean",
            vec![
                ("Mean", num(self.mean)),
                ("Standard deviation", num(self.std_dev)),
                ("Standard error", num(self.std_error)),
                ("Degrees of freedom", num(self.degrees_of_freedom)),
                ("Values", self.count.to_string()),
                ("Missing", self.missing.to_string()),
                ("Effective base", num(self.effective_base)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::*;
/// let a = MeanEstimate::from_summary(4.1, 0.8, 130.0)?;
/// let b = MeanEstimate::from_summary(3.6, 1.0, 400.0)?;
/// let gap = mean_difference(&a, &b, VarianceAssumption::Welch, ConfidenceLevel::NINETY_FIVE, Alternative::TwoSided);
/// assert!(gap.to_text().contains("<0.001"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for MeanDifference {
    fn table(&self) -> Table {
        facts(
            "Difference of means",
            vec![
                ("Difference", num(self.estimate)),
                ("Standard error", num(self.std_error)),
                ("Interval", interval(&self.interval)),
                ("t", num(self.test.statistic)),
                ("Degrees of freedom", num(self.test.degrees_of_freedom)),
                ("p", p(self.test.p_value)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{Alternative, MeanEstimate, Render};
/// let test = MeanEstimate::from_summary(1.0, 2.0, 25.0)?.t_test(0.0, Alternative::TwoSided);
/// assert!(test.to_text().contains("2.500"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for TTest {
    fn table(&self) -> Table {
        facts(
            "t-test",
            vec![
                ("t", num(self.statistic)),
                ("Degrees of freedom", num(self.degrees_of_freedom)),
                ("p", p(self.p_value)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{means_anova, MeanEstimate, Render, VarianceAssumption};
/// let groups = [MeanEstimate::from_summary(3.2, 1.0, 50.0)?, MeanEstimate::from_summary(3.9, 1.2, 60.0)?];
/// assert!(means_anova(&groups, VarianceAssumption::Welch)?.to_text().contains("F"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for FTest {
    fn table(&self) -> Table {
        facts(
            "F test",
            vec![
                ("F", num(self.statistic)),
                ("Numerator df", num(self.numerator_df)),
                ("Denominator df", num(self.denominator_df)),
                ("p", p(self.p_value)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{Render, SampleDesign};
/// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 4.0])?.with_clusters(&[1, 1, 2, 2])?;
/// let text = design.mean(&[1.0, 0.0, 1.0, 0.0])?.to_text();
/// assert!(text.contains("Design effect"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for DesignEstimate {
    fn table(&self) -> Table {
        facts(
            "Design-based estimate",
            vec![
                ("Estimate", num(self.estimate)),
                ("Standard error", num(self.std_error)),
                (
                    "Design effect (with replacement)",
                    optional(self.deff.with_replacement),
                ),
                (
                    "Design effect (without replacement)",
                    optional(self.deff.without_replacement),
                ),
                ("Degrees of freedom", num(self.degrees_of_freedom)),
                ("Observations", self.observations.to_string()),
                ("Weight", num(self.weight_sum)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{Render, SampleDesign};
/// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
/// let by = design.domain_means(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &[Some(0), Some(1), Some(0), Some(1), Some(0), None], 2)?;
/// let text = by.to_text();
/// assert!(text.lines().any(|l| l.starts_with("0 ")) && text.lines().any(|l| l.starts_with("1 ")));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for DomainEstimates {
    fn table(&self) -> Table {
        let mut table = Table::new([
            "Domain",
            "Estimate",
            "Std. error",
            "Deff",
            "df",
            "Observations",
        ])
        .title("Design-based domain estimates (deff with replacement)");
        for c in 1..=5 {
            table = table.align(c, Align::Right);
        }
        for (d, estimate) in self.estimates().iter().enumerate() {
            let row = match estimate {
                Some(e) => [
                    d.to_string(),
                    num(e.estimate),
                    num(e.std_error),
                    optional(e.deff.with_replacement),
                    num(e.degrees_of_freedom),
                    e.observations.to_string(),
                ],
                None => [
                    d.to_string(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "0".into(),
                ],
            };
            table.push_row(row);
        }
        table
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::*;
/// let gap = PairedComparison::new(PairedCounts::new(180, 227, 36, 387)?, PairedDifferenceMethod::Newcombe, McNemarMethod::MidP, ConfidenceLevel::NINETY_FIVE);
/// assert!(gap.to_text().contains("mcnemar mid-p"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for PairedComparison {
    fn table(&self) -> Table {
        facts(
            "Paired comparison (first minus second, among those who answered both)",
            vec![
                ("Respondents", self.respondents.to_string()),
                ("First share", num(self.first_share)),
                ("Second share", num(self.second_share)),
                ("Difference", num(self.difference)),
                ("Interval", interval(&self.interval)),
                ("Interval method", self.interval_method.clone()),
                ("p", p(self.p_value)),
                ("Test", self.test.clone()),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::*;
/// let test = mcnemar_test(PairedCounts::new(180, 227, 36, 387)?, McNemarMethod::Exact);
/// assert!(test.to_text().contains("Discordant pairs"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for McNemarTest {
    fn table(&self) -> Table {
        facts(
            &format!("McNemar's test ({})", self.method.name()),
            vec![
                ("Statistic", optional(self.statistic)),
                ("Discordant pairs", self.discordant.to_string()),
                ("p", p(self.p_value)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{cochrans_q, Render};
/// let rows = [[true, false, true], [true, true, false], [false, false, true], [true, false, false]];
/// assert!(cochrans_q(rows.iter())?.to_text().contains("Respondents"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for CochranQTest {
    fn table(&self) -> Table {
        facts(
            "Cochran's Q",
            vec![
                ("Q", optional(self.statistic)),
                ("Degrees of freedom", self.df.to_string()),
                ("Respondents", self.respondents.to_string()),
                ("p", p(self.p_value)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{NetPromoter, Render};
/// let text = NetPromoter::new(50, 30, 20)?.to_text();
/// assert!(text.contains("+30.0"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for NetPromoter {
    fn table(&self) -> Table {
        facts(
            "Net Promoter Score",
            vec![
                ("NPS (points)", format!("{:+.1}", self.points())),
                ("Standard error (points)", num(100.0 * self.std_error())),
                ("Promoters", num(self.promoters())),
                ("Passives", num(self.passives())),
                ("Detractors", num(self.detractors())),
                ("Base", num(self.base())),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{nps_difference, ConfidenceLevel, NetPromoter, Render};
/// let gap = nps_difference(NetPromoter::new(50, 30, 20)?, NetPromoter::new(30, 30, 40)?, ConfidenceLevel::NINETY_FIVE);
/// assert!(gap.to_text().contains("+40.0"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for NpsDifference {
    fn table(&self) -> Table {
        facts(
            "Difference of Net Promoter Scores (points)",
            vec![
                ("Difference", format!("{:+.1}", 100.0 * self.difference)),
                ("Standard error", num(100.0 * self.std_error)),
                (
                    "Interval",
                    format!(
                        "[{:+.1}, {:+.1}]",
                        100.0 * self.interval.lower,
                        100.0 * self.interval.upper
                    ),
                ),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{nps_z_test, Alternative, NetPromoter, Render};
/// let test = nps_z_test(NetPromoter::new(50, 30, 20)?, NetPromoter::new(30, 30, 40)?, Alternative::TwoSided)?;
/// assert!(test.to_text().contains("<0.001"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for NpsZTest {
    fn table(&self) -> Table {
        facts(
            &format!(
                "z-test of Net Promoter Scores ({})",
                self.alternative.name()
            ),
            vec![
                (
                    "Difference (points)",
                    format!("{:+.1}", 100.0 * self.difference),
                ),
                ("z", num(self.statistic)),
                ("p", p(self.p_value)),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, Render, VarianceAssumption};
/// let groups = [("PR", MeanEstimate::from_summary(3.4, 1.0, 110.0)?), ("Analytics", MeanEstimate::from_summary(3.9, 0.9, 150.0)?)];
/// let text = MeanComparison::new("satisfaction", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?.to_text();
/// assert!(text.contains("higher among Analytics than among PR"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for MeanComparison {
    fn table(&self) -> Table {
        let settings = self.settings();
        let mut table = Table::new([
            "",
            "Mean",
            "Interval",
            "Difference",
            "p (adjusted)",
            "Cohen's d",
            "Verdict",
        ])
        .title(format!(
            "{} ({} t intervals; {} t-tests, {} adjustment)",
            self.outcome(),
            settings.intervals.level,
            self.variance().name(),
            settings.tests.adjustment
        ));
        for c in 1..=5 {
            table = table.align(c, Align::Right);
        }
        let label = |i: usize| self.groups().get(i).map_or("?", |g| g.label.as_str());
        for group in self.groups() {
            table.push_row([
                format!("{} (n {})", group.label, group.estimate.count),
                num(group.estimate.mean),
                interval(&group.interval),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for pair in self.pairs() {
            table.push_row([
                format!("{} - {}", label(pair.a), label(pair.b)),
                String::new(),
                interval(&pair.interval),
                num(pair.difference),
                format!("{} ({})", p(pair.p_value), p(pair.adjusted_p_value)),
                num(pair.cohens_d),
                pair.verdict.describe(label(pair.a), label(pair.b)),
            ]);
        }
        if let Some(test) = self.omnibus() {
            table.note(format!(
                "All equal: F = {} on {} and {} df, p {}",
                num(test.statistic),
                num(test.numerator_df),
                num(test.denominator_df),
                p(test.p_value)
            ));
        }
        table
    }
}

fn bound(x: Option<f64>) -> String {
    x.map_or("-".to_string(), num)
}

/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, QuantileEstimate, Render};
/// let q = QuantileEstimate::new(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0, 9.0, 7.0, 9.0], 0.5, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(q.to_text().contains("[3.000, 8.000]"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for QuantileEstimate {
    fn table(&self) -> Table {
        facts(
            &format!("Quantile {} (order-statistic interval)", self.probability),
            vec![
                ("Quantile", num(self.quantile)),
                (
                    "Interval",
                    format!("[{}, {}]", bound(self.lower), bound(self.upper)),
                ),
                ("Values", self.count.to_string()),
                ("Missing", self.missing.to_string()),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, Render, SampleDesign};
/// let design = SampleDesign::new(vec![1.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
/// let q = design.quantile(&[10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0], 0.5, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(q.to_text().contains("Woodruff"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for DesignQuantile {
    fn table(&self) -> Table {
        facts(
            &format!(
                "Design-based quantile {} (Woodruff interval)",
                self.probability
            ),
            vec![
                ("Quantile", num(self.quantile)),
                (
                    "Interval",
                    format!("[{}, {}]", bound(self.lower), bound(self.upper)),
                ),
                ("Standard error", bound(self.std_error)),
                ("Degrees of freedom", num(self.degrees_of_freedom)),
                ("Observations", self.observations.to_string()),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{Render, SampleDesign};
/// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0])?.with_clusters(&[1, 1, 2, 2])?;
/// let text = design.ratio(&[10.0, 20.0, 30.0, 10.0], &[1.0, 2.0, 2.0, 1.0])?.to_text();
/// assert!(text.contains("11.11"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for DesignRatio {
    fn table(&self) -> Table {
        facts(
            "Design-based ratio",
            vec![
                ("Ratio", num(self.estimate)),
                ("Standard error", num(self.std_error)),
                ("Degrees of freedom", num(self.degrees_of_freedom)),
                ("Observations", self.observations.to_string()),
            ],
        )
    }
}

/// # Examples
///
/// ```
/// use survey_analytics::{Question, Questionnaire, Render, Responses};
/// let q = Questionnaire::new(vec![Question::single("g", [("a", "A"), ("b", "B")]), Question::numeric("w")])?;
/// let r = Responses::builder(&q).values("g", ["a", "a", "b"]).numbers("w", [1.0, 3.0, 2.0]).build()?;
/// let text = r.design().weight("w").weighting_report(Some("g"))?.to_text();
/// assert!(text.contains("weights") && text.contains("  A") && text.contains("3.00"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
impl Render for WeightingReport {
    fn table(&self) -> Table {
        let mut table = Table::new([
            "Step",
            "Group",
            "n",
            "Sum",
            "Min",
            "Max",
            "Max/min",
            "CV",
            "Efficiency",
            "Eff. base",
        ])
        .title("Weighting report (Kish efficiency = 1 / (1 + CV^2))");
        for c in 2..=9 {
            table = table.align(c, Align::Right);
        }
        let row = |step: &str, group: &str, s: &WeightSummary| {
            [
                step.to_string(),
                group.to_string(),
                s.count.to_string(),
                num(s.sum),
                num(s.min),
                num(s.max),
                s.ratio.map_or("-".to_string(), |r| format!("{r:.2}")),
                format!("{:.3}", s.cv),
                format!("{:.1}%", 100.0 * s.efficiency),
                num(s.effective_base),
            ]
        };
        for step in &self.steps {
            table.push_row(row(&step.step, "All", &step.overall));
            for (label, summary) in &step.groups {
                if let Some(summary) = summary {
                    table.push_row(row("", &format!("  {label}"), summary));
                }
            }
        }
        table
    }
}
