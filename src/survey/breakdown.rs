//! A breakdown of one question: each answer's share of the base, with intervals.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stats::level::ConfidenceLevel;
use crate::stats::proportion::ProportionMethod;
use crate::survey::budget;
use crate::survey::counts::{Margin, QuestionKind};
use crate::survey::estimate::{Base, Estimate, estimate};
use crate::survey::net::Net;
use crate::survey::settings::IntervalSettings;
use crate::survey::sums::Sums;

/// Options of a [`Breakdown`]: its [`IntervalSettings`] (95% Wilson by default) and any nets to
/// add below the categories.
///
/// # Examples
///
/// ```
/// use survey_analytics::{BreakdownOptions, ConfidenceLevel, Net, ProportionMethod};
///
/// let options = BreakdownOptions::default()
///     .level(ConfidenceLevel::NINETY)
///     .method(ProportionMethod::Jeffreys)
///     .net(Net::new("Yes or maybe", [0, 1])?);
/// assert_ne!(options, BreakdownOptions::default());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BreakdownOptions {
    intervals: IntervalSettings,
    nets: Vec<Net>,
}

impl BreakdownOptions {
    /// Sets the confidence level.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, ConfidenceLevel, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let margin = tally.margin(0)?;
    /// let options = BreakdownOptions::default().level(ConfidenceLevel::NINETY_NINE);
    /// let wide = Breakdown::new(&margin, &options)?;
    /// let usual = Breakdown::new(&margin, &BreakdownOptions::default())?;
    /// assert_eq!(wide.settings().level, ConfidenceLevel::NINETY_NINE);
    /// let width = |b: &Breakdown| b.rows()[0].estimate.interval.map(|ci| ci.width());
    /// assert!(width(&wide) > width(&usual));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn level(mut self, level: ConfidenceLevel) -> Self {
        self.intervals.level = level;
        self
    }

    /// Sets the interval method.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, ProportionMethod, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let margin = tally.margin(0)?;
    /// let options = BreakdownOptions::default().method(ProportionMethod::ClopperPearson);
    /// let exact = Breakdown::new(&margin, &options)?;
    /// let wilson = Breakdown::new(&margin, &BreakdownOptions::default())?;
    /// assert_eq!(exact.settings().method, ProportionMethod::ClopperPearson);
    /// assert_ne!(exact.rows()[0].estimate.interval, wilson.rows()[0].estimate.interval);
    /// assert_eq!(exact.rows()[0].estimate.share, wilson.rows()[0].estimate.share);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.intervals.method = method;
        self
    }

    /// Sets the level and method at once (one block shared with other analyses).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{BreakdownOptions, ConfidenceLevel, IntervalSettings, ProportionMethod};
    ///
    /// let exact = IntervalSettings { level: ConfidenceLevel::NINETY_NINE, method: ProportionMethod::ClopperPearson };
    /// let options = BreakdownOptions::default().intervals(exact);
    /// assert_eq!(options, BreakdownOptions::default().level(exact.level).method(exact.method));
    /// ```
    pub fn intervals(mut self, intervals: IntervalSettings) -> Self {
        self.intervals = intervals;
        self
    }

    /// Adds a net row, below the categories, in the order added.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Net, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "maybe", "no"])?])?;
    /// for answer in [0, 1, 2, 2] {
    ///     tally.add(&[Some(answer)])?;
    /// }
    /// let margin = tally.margin(0)?;
    /// let options = BreakdownOptions::default().net(Net::new("Yes or maybe", [0, 1])?);
    /// let breakdown = Breakdown::new(&margin, &options)?;
    /// let net = &breakdown.rows()[3]; // after the three answers
    /// assert!(net.is_net);
    /// assert_eq!(net.estimate.share, Some(0.5));
    ///
    /// let bad = BreakdownOptions::default().net(Net::new("No such answer", [3])?);
    /// assert!(Breakdown::new(&margin, &bad).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn net(mut self, net: Net) -> Self {
        self.nets.push(net);
        self
    }
}

/// One row of a [`Breakdown`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
///
/// use survey_analytics::Net;
///
/// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
/// for answer in [Some(0), Some(1), Some(1), None] {
///     tally.add(&[answer])?;
/// }
/// let options = BreakdownOptions::default().net(Net::new("Any", [0, 1])?);
/// let breakdown = Breakdown::new(&tally.margin(0)?, &options)?;
/// let labels: Vec<(&str, bool)> =
///     breakdown.rows().iter().map(|r| (r.label.as_str(), r.is_net)).collect();
/// assert_eq!(labels, [("yes", false), ("no", false), ("Any", true)]);
/// assert_eq!(breakdown.rows()[1].estimate.count, 2);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
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
/// # Examples
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
    settings: IntervalSettings,
    base: Base,
    missing: Base,
    rows: Vec<BreakdownRow>,
}

impl Breakdown {
    /// Computes the breakdown of a question's counts.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Error, MultiSelectTally};
    /// use survey_analytics::Net;
    ///
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let mut tally = MultiSelectTally::new(uses, Categories::new("role", ["leader"])?)?;
    /// tally.add(Some(&[0, 1]), Some(0))?;
    /// tally.add(Some(&[1]), Some(0))?;
    /// let margin = tally.margin()?;
    /// let breakdown = Breakdown::new(&margin, &BreakdownOptions::default())?;
    /// let shares: Vec<Option<f64>> = breakdown.rows().iter().map(|r| r.estimate.share).collect();
    /// assert_eq!(shares, [Some(0.5), Some(1.0)]); // shares of respondents: no need to sum to 1
    ///
    /// let with_net = BreakdownOptions::default().net(Net::new("Any", [0, 1])?);
    /// let err = Breakdown::new(&margin, &with_net).unwrap_err();
    /// assert!(matches!(err, Error::InvalidNet { .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CategoryOutOfRange`](crate::Error::CategoryOutOfRange) for a net member past the
    /// question's categories; [`Error::InvalidNet`](crate::Error::InvalidNet) for a net on a
    /// multi-select question (whose options overlap, so a net must be tallied as its own option);
    /// [`Error::CountTooLarge`](crate::Error::CountTooLarge) when a net's weights sum past the
    /// fixed-point range; [`Error::TooLarge`](crate::Error::TooLarge) past 2^24 units of work (an
    /// interval counts 1, 256 with the exact methods).
    pub fn new(margin: &Margin, options: &BreakdownOptions) -> Result<Self> {
        let categories = margin.categories();
        let rows =
            u64::try_from(categories.len().saturating_add(options.nets.len())).unwrap_or(u64::MAX);
        budget::check(
            "a breakdown's work (rows x interval cost)",
            rows.saturating_mul(budget::interval_cost(options.intervals.method)),
            "merge categories, or use a closed-form interval method",
        )?;
        let base = margin.base();
        let weighted = margin.is_weighted();
        let row = |label: &str, is_net: bool, count: Sums| BreakdownRow {
            label: label.to_string(),
            is_net,
            estimate: estimate(count, base, weighted, options.intervals),
        };
        let mut rows: Vec<BreakdownRow> = categories
            .labels()
            .iter()
            .zip(margin.cells())
            .map(|(label, &count)| row(label, false, count))
            .collect();
        for net in &options.nets {
            net.check(margin.kind(), categories)?;
            rows.push(row(net.label(), true, net.merge(|m| margin.cell(m))?));
        }
        Ok(Self {
            question: categories.name().to_string(),
            kind: margin.kind(),
            weighted,
            settings: options.intervals,
            base: Base::from(base),
            missing: Base::from(margin.missing()),
            rows,
        })
    }

    /// The question's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
    ///
    /// let tally = Tally::new(vec![Categories::new("knows_impact", ["yes", "no"])?])?;
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// assert_eq!(breakdown.question(), "knows_impact");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn question(&self) -> &str {
        &self.question
    }

    /// Single choice or multi-select.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, QuestionKind, Tally};
    ///
    /// let tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// assert_eq!(breakdown.kind(), QuestionKind::SingleChoice);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    /// Whether shares are weighted.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
    ///
    /// let mut tally = Tally::new_weighted(vec![Categories::new("q", ["yes", "no"])?])?;
    /// tally.add_weighted(&[Some(0)], 3.0)?;
    /// tally.add_weighted(&[Some(1)], 1.0)?;
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// assert!(breakdown.is_weighted());
    /// let yes = breakdown.rows()[0].estimate;
    /// assert_eq!(yes.count, 1); // one record...
    /// assert!(yes.share.is_some_and(|s| (s - 0.75).abs() < 1e-12)); // ...with 3/4 of the weight
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_weighted(&self) -> bool {
        self.weighted
    }

    /// The confidence level and interval method the breakdown was computed with.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, ConfidenceLevel, ProportionMethod, Tally};
    ///
    /// let margin = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?.margin(0)?;
    /// let breakdown = Breakdown::new(&margin, &BreakdownOptions::default())?;
    /// assert_eq!(breakdown.settings().level, ConfidenceLevel::NINETY_FIVE);
    /// assert_eq!(breakdown.settings().method, ProportionMethod::Wilson);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn settings(&self) -> IntervalSettings {
        self.settings
    }

    /// Respondents who answered.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
    ///
    /// let mut tally = Tally::new_weighted(vec![Categories::new("q", ["yes", "no"])?])?;
    /// for (answer, weight) in [(Some(0), 1.0), (Some(1), 3.0), (None, 2.0)] {
    ///     tally.add_weighted(&[answer], weight)?;
    /// }
    /// let base = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?.base();
    /// assert_eq!((base.count, base.weighted), (2, 4.0));
    /// assert_eq!(base.effective, 16.0 / 10.0); // Kish: (1 + 3)^2 / (1 + 9)
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn base(&self) -> Base {
        self.base
    }

    /// Respondents who did not answer.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// assert_eq!((breakdown.base().count, breakdown.missing().count), (3, 1));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn missing(&self) -> Base {
        self.missing
    }

    /// One row per category, then one per net.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
    ///
    /// let mut tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
    /// for answer in [Some(0), Some(1), Some(1), None] {
    ///     tally.add(&[answer])?;
    /// }
    /// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
    /// let rows = breakdown.rows();
    /// assert_eq!((rows[0].label.as_str(), rows[1].label.as_str()), ("yes", "no"));
    /// assert_eq!(rows[1].estimate.share, Some(2.0 / 3.0)); // no answer is not in the base
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn rows(&self) -> &[BreakdownRow] {
        &self.rows
    }
}
