//! A breakdown of one question: each answer's share of the base, with intervals.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stats::level::ConfidenceLevel;
use crate::stats::proportion::ProportionMethod;
use crate::survey::counts::{Margin, QuestionKind};
use crate::survey::estimate::{Base, Estimate, estimate};
use crate::survey::net::Net;
use crate::survey::sums::Sums;

/// Settings of a [`Breakdown`]: confidence level and interval method (95% Wilson by default), and
/// any nets to add below the categories.
///
/// ```
/// use survey_analytics::{BreakdownOptions, ConfidenceLevel, ProportionMethod};
/// let options = BreakdownOptions::default().level(ConfidenceLevel::NINETY).method(ProportionMethod::Jeffreys);
/// assert_eq!(options.get_level(), ConfidenceLevel::NINETY);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BreakdownOptions {
    level: ConfidenceLevel,
    method: ProportionMethod,
    nets: Vec<Net>,
}

impl BreakdownOptions {
    /// Sets the confidence level.
    pub fn level(mut self, level: ConfidenceLevel) -> Self {
        self.level = level;
        self
    }

    /// Sets the interval method.
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.method = method;
        self
    }

    /// Adds a net row.
    pub fn net(mut self, net: Net) -> Self {
        self.nets.push(net);
        self
    }

    /// The confidence level.
    pub fn get_level(&self) -> ConfidenceLevel {
        self.level
    }
}

/// One row of a [`Breakdown`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The answer (or net) label.
    pub label: String,
    /// Whether the row is a net of several answers.
    pub is_net: bool,
    /// Count, share and interval.
    pub estimate: Estimate,
}

/// A question's answers as shares of its base, with confidence intervals: the first table of any
/// survey report.
///
/// The base is the respondents who answered; those who did not are reported as `missing`, never
/// folded into the base or dropped. For a multi-select question each share is of the respondents
/// who answered, so the shares need not sum to 1.
///
/// ```
/// use survey_analytics::{category, Breakdown, BreakdownOptions, Net, Tally};
///
/// category! {
///     /// How often generative AI is used.
///     pub ordinal enum Frequency("ai_frequency") {
///         /// Less than weekly.
///         Rarely = "Less than weekly" as "rarely",
///         /// Weekly but not daily.
///         Weekly = "Weekly" as "weekly",
///         /// Daily.
///         Daily = "Daily" as "daily",
///     }
/// }
///
/// let answers = [Some(Frequency::Daily), Some(Frequency::Weekly), Some(Frequency::Rarely), None];
/// let tally = Tally::count(answers, |a| (*a,))?;
/// let options = BreakdownOptions::default().net(Net::at_least(Frequency::Weekly));
/// let breakdown = Breakdown::new(&tally.margin(0)?, &options)?;
/// assert_eq!(breakdown.base().count, 3);
/// assert_eq!(breakdown.missing().count, 1);
/// let weekly_or_more = breakdown.rows().last().unwrap();
/// assert_eq!(weekly_or_more.label, "At least Weekly");
/// assert_eq!(weekly_or_more.estimate.share, Some(2.0 / 3.0));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    question: String,
    kind: QuestionKind,
    weighted: bool,
    level: ConfidenceLevel,
    method: ProportionMethod,
    base: Base,
    missing: Base,
    rows: Vec<BreakdownRow>,
}

impl Breakdown {
    /// Computes the breakdown of a question's counts.
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`](crate::Error::CategoryOutOfRange) for a net member past the
    /// question's categories; [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a net
    /// on a multi-select question (whose options overlap, so a net must be tallied as its own
    /// option).
    pub fn new(margin: &Margin, options: &BreakdownOptions) -> Result<Self> {
        let categories = margin.categories();
        let base = margin.base();
        let weighted = margin.is_weighted();
        let row = |label: &str, is_net: bool, count: Sums| BreakdownRow {
            label: label.to_string(),
            is_net,
            estimate: estimate(count, base, weighted, options.method, options.level),
        };
        let mut rows: Vec<BreakdownRow> = categories
            .labels()
            .iter()
            .zip(margin.cells())
            .map(|(label, &count)| row(label, false, count))
            .collect();
        for net in &options.nets {
            check_net(net, margin.kind(), categories)?;
            let count = net
                .members()
                .iter()
                .fold(Sums::default(), |sum, &m| sum.merged(margin.cell(m)));
            rows.push(row(net.label(), true, count.checked()?));
        }
        Ok(Self {
            question: categories.name().to_string(),
            kind: margin.kind(),
            weighted,
            level: options.level,
            method: options.method,
            base: Base::from(base),
            missing: Base::from(margin.missing()),
            rows,
        })
    }

    /// The question's name.
    pub fn question(&self) -> &str {
        &self.question
    }

    /// Single choice or multi-select.
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Whether shares are weighted.
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The confidence level of the intervals.
    pub fn level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The interval method.
    pub fn method(&self) -> ProportionMethod {
        self.method
    }

    /// Respondents who answered.
    pub fn base(&self) -> Base {
        self.base
    }

    /// Respondents who did not answer.
    pub fn missing(&self) -> Base {
        self.missing
    }

    /// One row per category, then one per net.
    pub fn rows(&self) -> &[BreakdownRow] {
        &self.rows
    }
}

/// Nets apply to single-choice questions, and their members must exist.
pub(crate) fn check_net(
    net: &Net,
    kind: QuestionKind,
    categories: &crate::Categories,
) -> Result<()> {
    if kind == QuestionKind::MultiSelect {
        return Err(crate::Error::InvalidParameter {
            name: "net",
            value: net.members().len() as f64,
            requirement: "nets of a multi-select question overlap; tally the net as an option of its own",
        });
    }
    net.check(categories)
}
