//! The settings of a crosstab and the options builder that holds them.

use serde::{Deserialize, Serialize};

use crate::stats::means::VarianceAssumption;

use crate::portable::serialize_threshold;
use crate::stats::adjust::PValueAdjustment;
use crate::stats::level::{Alpha, ConfidenceLevel};
use crate::stats::proportion::ProportionMethod;
use crate::survey::design::estimate::DesignEffectKind;
use crate::survey::design::interval::DesignInterval;
use crate::survey::net::Net;
use crate::survey::settings::{DesignSettings, IntervalSettings, TestSettings};

/// Minimum unweighted base of a tested column, by default.
const DEFAULT_MIN_BASE: u64 = 30;

/// What a [`Crosstab`](crate::Crosstab) was computed with: reported by
/// [`Crosstab::settings`](crate::Crosstab::settings).
///
/// `intervals` applies to crosstabs of counts ([`Crosstab::new`](crate::Crosstab::new)); `design`
/// to crosstabs built from a sample design ([`Crosstab::from_design`](crate::Crosstab::from_design)),
/// whose cells use the design-based interval instead of `intervals.method` (the level is shared).
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alpha, CrosstabSettings, PValueAdjustment, ProportionMethod};
///
/// let settings = CrosstabSettings::default();
/// assert_eq!(settings.intervals.method, ProportionMethod::Wilson);
/// assert_eq!((settings.tests.adjustment, settings.tests.alpha), (PValueAdjustment::Holm, Alpha::FIVE_PERCENT));
/// assert_eq!(settings.min_base, 30);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CrosstabSettings {
    /// Confidence level and interval method of the cells (tables of counts).
    pub intervals: IntervalSettings,
    /// Adjustment within each row and significance level of the letters.
    pub tests: TestSettings,
    /// Minimum unweighted base of a column that takes part in the tests (written to JSON as at
    /// most 2^53, which no base exceeds).
    #[serde(serialize_with = "serialize_threshold")]
    pub min_base: u64,
    /// Interval method and design effect of the cells (tables built from a design).
    pub design: DesignSettings,
    /// How the columns' variances enter the t-tests of rows of means (tables of counts): Welch's
    /// by default, or pooled (then the classic one-way ANOVA across columns).
    #[serde(default)]
    pub means: VarianceAssumption,
}

impl Default for CrosstabSettings {
    fn default() -> Self {
        Self {
            intervals: IntervalSettings::default(),
            tests: TestSettings::default(),
            min_base: DEFAULT_MIN_BASE,
            design: DesignSettings::default(),
            means: VarianceAssumption::default(),
        }
    }
}

/// Options of a [`Crosstab`](crate::Crosstab): its [`CrosstabSettings`] and any nets to add below
/// the answers. Defaults: 95% Wilson intervals, Holm adjustment at alpha 5%, minimum base 30,
/// design-based cells with logit intervals and with-replacement design effects, no nets.
///
/// Every setter returns the options, so they chain; the shared blocks can also be set at once
/// ([`CrosstabOptions::intervals`], [`CrosstabOptions::tests`]), the same blocks that
/// [`BreakdownOptions`](crate::BreakdownOptions) and [`ComparisonOptions`](crate::ComparisonOptions)
/// take.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alpha, Categories, ConfidenceLevel, CrossCounts, Crosstab, CrosstabOptions, Net, PValueAdjustment};
///
/// // Knows how impact is measured: 53/130 leaders (A), 126/300 managers (B), 72/400 ICs (C).
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
/// let options = CrosstabOptions::default()
///     .level(ConfidenceLevel::NINETY)
///     .adjustment(PValueAdjustment::BenjaminiHochberg)
///     .alpha(Alpha::ONE_PERCENT)
///     .min_base(200)
///     .net(Net::new("Any answer", [0, 1])?);
/// let table = Crosstab::new(&counts, &options)?;
/// assert_eq!(table.settings().intervals.level, ConfidenceLevel::NINETY);
/// assert!(!table.columns()[0].tested); // 130 leaders: below the minimum base of 200
/// assert_eq!(table.rows()[0].cells[1].letters, "C"); // managers beat ICs at 1%
/// assert_eq!(table.rows()[2].label, "Any answer");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrosstabOptions {
    pub(crate) settings: CrosstabSettings,
    pub(crate) nets: Vec<Net>,
}

impl CrosstabOptions {
    /// Sets every setting at once: settings saved with a result
    /// ([`Crosstab::settings`](crate::Crosstab::settings)) or read from a configuration file
    /// reproduce the analysis. Nets are kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CrosstabOptions, CrosstabSettings};
    ///
    /// let saved: CrosstabSettings = serde_json::from_str(r#"{
    ///     "intervals": {"level": 0.9, "method": "jeffreys"},
    ///     "tests": {"adjustment": "bonferroni", "alpha": 0.01},
    ///     "min_base": 50,
    ///     "design": {"interval": "logit", "design_effect": "with-replacement"}
    /// }"#).unwrap();
    /// let options = CrosstabOptions::default().with_settings(saved);
    /// assert_eq!(options, CrosstabOptions::default().with_settings(saved));
    /// assert_ne!(options, CrosstabOptions::default());
    /// ```
    pub fn with_settings(mut self, settings: CrosstabSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the confidence level of the intervals.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Crosstab, CrosstabOptions};
    /// # use survey_analytics::{Categories, CrossCounts};
    /// # let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    /// #     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let narrow = Crosstab::new(&counts, &CrosstabOptions::default().level(ConfidenceLevel::NINETY))?;
    /// let usual = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// let width = |t: &Crosstab| t.rows()[0].cells[0].estimate.interval.map(|ci| ci.width());
    /// assert!(width(&narrow) < width(&usual));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn level(mut self, level: ConfidenceLevel) -> Self {
        self.settings.intervals.level = level;
        self
    }

    /// Sets the interval method of crosstabs of counts.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Crosstab, CrosstabOptions, ProportionMethod};
    /// # use survey_analytics::{Categories, CrossCounts};
    /// # let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    /// #     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().method(ProportionMethod::Jeffreys))?;
    /// assert_eq!(table.settings().intervals.method, ProportionMethod::Jeffreys);
    /// assert_eq!(table.interval_method(), "jeffreys");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.settings.intervals.method = method;
        self
    }

    /// Sets the level and method at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, CrosstabOptions, IntervalSettings, ProportionMethod};
    ///
    /// let exact = IntervalSettings { level: ConfidenceLevel::NINETY_NINE, method: ProportionMethod::ClopperPearson };
    /// let options = CrosstabOptions::default().intervals(exact);
    /// assert_eq!(options, CrosstabOptions::default().level(exact.level).method(exact.method));
    /// ```
    pub fn intervals(mut self, intervals: IntervalSettings) -> Self {
        self.settings.intervals = intervals;
        self
    }

    /// Sets the p-value adjustment applied within each row.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Crosstab, CrosstabOptions, PValueAdjustment};
    /// # use survey_analytics::{Categories, CrossCounts};
    /// # let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    /// #     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let raw = Crosstab::new(&counts, &CrosstabOptions::default().adjustment(PValueAdjustment::None))?;
    /// assert!(raw.rows()[0].tests.iter().all(|t| t.adjusted_p_value == t.p_value));
    /// let holm = Crosstab::new(&counts, &CrosstabOptions::default())?;
    /// assert!(holm.rows()[0].tests.iter().any(|t| t.adjusted_p_value > t.p_value));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn adjustment(mut self, adjustment: PValueAdjustment) -> Self {
        self.settings.tests.adjustment = adjustment;
        self
    }

    /// Sets the significance level of the letters.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, Crosstab, CrosstabOptions};
    /// # use survey_analytics::{Categories, CrossCounts};
    /// # let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    /// #     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let strict = Crosstab::new(&counts, &CrosstabOptions::default().alpha(Alpha::new(1e-9)?))?;
    /// let yes = &strict.rows()[0];
    /// assert_eq!((yes.cells[0].letters.as_str(), yes.cells[1].letters.as_str()), ("", "C"));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.settings.tests.alpha = alpha;
        self
    }

    /// Sets the adjustment and significance level at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, CrosstabOptions, PValueAdjustment, TestSettings};
    ///
    /// let tests = TestSettings { adjustment: PValueAdjustment::Bonferroni, alpha: Alpha::ONE_PERCENT };
    /// let options = CrosstabOptions::default().tests(tests);
    /// assert_eq!(options, CrosstabOptions::default().adjustment(tests.adjustment).alpha(tests.alpha));
    /// ```
    pub fn tests(mut self, tests: TestSettings) -> Self {
        self.settings.tests = tests;
        self
    }

    /// Sets the minimum unweighted base below which a column is shown but not tested (0 counts
    /// as 1: an empty column is never tested).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Crosstab, CrosstabOptions};
    /// # use survey_analytics::{Categories, CrossCounts};
    /// # let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    /// #     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().min_base(200))?;
    /// assert!(!table.columns()[0].tested); // 130 leaders: shown but not tested
    /// assert_eq!(table.rows()[0].cells[0].letters, "");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn min_base(mut self, min_base: u64) -> Self {
        self.settings.min_base = min_base;
        self
    }

    /// Sets how rows of means test their columns: Welch's t-tests and ANOVA (the default), or
    /// pooled-variance t-tests and the classic one-way ANOVA.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, VarianceAssumption};
    /// let counts = CrossCounts::from_table(Categories::new("q", ["any"])?, Categories::new("g", ["a", "b"])?, &[[3, 3]])?;
    /// let options = CrosstabOptions::default().min_base(2).means(VarianceAssumption::Pooled);
    /// let table = Crosstab::new(&counts, &options)?
    ///     .with_mean_row("Mean", &[1.0, 2.0, 3.0, 2.0, 4.0, 6.0], &[Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)], None)?;
    /// assert_eq!(table.settings().means, VarianceAssumption::Pooled);
    /// assert_eq!(table.mean_rows()[0].omnibus.unwrap().denominator_df, 4.0); // 6 - 2 groups
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn means(mut self, variance: VarianceAssumption) -> Self {
        self.settings.means = variance;
        self
    }

    /// Sets the interval method of crosstabs built from a sample design.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CrosstabOptions, DesignInterval};
    ///
    /// let options = CrosstabOptions::default().design_interval(DesignInterval::Beta);
    /// assert_ne!(options, CrosstabOptions::default());
    /// ```
    pub fn design_interval(mut self, interval: DesignInterval) -> Self {
        self.settings.design.interval = interval;
        self
    }

    /// Sets which design effect the cells of a design-based crosstab report.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CrosstabOptions, DesignEffectKind};
    ///
    /// // R's default `deff = TRUE`: against sampling without replacement from sum(w).
    /// let options = CrosstabOptions::default().design_effect(DesignEffectKind::WithoutReplacement);
    /// assert_ne!(options, CrosstabOptions::default());
    /// ```
    pub fn design_effect(mut self, kind: DesignEffectKind) -> Self {
        self.settings.design.design_effect = kind;
        self
    }

    /// Adds a net row (single-choice questions), below the answers, in the order added.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Crosstab, CrosstabOptions, Net};
    /// # use survey_analytics::{Categories, CrossCounts};
    /// # let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
    /// #     Categories::new("role", ["leader", "manager", "ic"])?, &[[53, 126, 72], [77, 174, 328]])?;
    /// let table = Crosstab::new(&counts, &CrosstabOptions::default().net(Net::new("Any answer", [0, 1])?))?;
    /// let net = &table.rows()[2];
    /// assert!(net.is_net && net.cells.iter().all(|c| c.estimate.share == Some(1.0)));
    /// let bad = CrosstabOptions::default().net(Net::new("No such answer", [2])?);
    /// assert!(Crosstab::new(&counts, &bad).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn net(mut self, net: Net) -> Self {
        self.nets.push(net);
        self
    }
}
