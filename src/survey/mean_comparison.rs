//! The mean counterpart of [`Comparison`](crate::Comparison): one rating or amount across groups,
//! with every pair's difference, interval, raw and adjusted p-value, Cohen's d and verdict, and
//! one test across the groups.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::adjust::adjust_p_values;
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::means::{FTest, MeanEstimate, VarianceAssumption, mean_difference, means_anova};
use crate::survey::comparison::{ComparisonOptions, ComparisonSettings, Verdict};

/// One group's mean in a [`MeanComparison`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption};
/// let groups = [("PR", MeanEstimate::from_summary(3.4, 1.0, 110.0)?), ("Analytics", MeanEstimate::from_summary(3.9, 0.9, 150.0)?)];
/// let c = MeanComparison::new("satisfaction", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?;
/// assert_eq!(c.groups()[1].label, "Analytics");
/// assert!(c.groups()[1].interval.lower < 3.9);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanGroup {
    /// The group's label.
    pub label: String,
    /// Its mean, spread and base.
    pub estimate: MeanEstimate,
    /// The mean's t interval.
    pub interval: Interval,
}

/// One pair of groups in a [`MeanComparison`]: `a` minus `b`.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption, Verdict};
/// let groups = [("PR", MeanEstimate::from_summary(3.4, 1.0, 110.0)?), ("Analytics", MeanEstimate::from_summary(3.9, 0.9, 150.0)?)];
/// let pair = MeanComparison::new("satisfaction", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?.pairs()[0];
/// assert_eq!(pair.verdict, Verdict::SecondHigher);
/// assert!(pair.cohens_d < -0.4);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanPair {
    /// First group (position).
    pub a: usize,
    /// Second group (position).
    pub b: usize,
    /// `mean_a - mean_b`.
    pub difference: f64,
    /// Its t interval.
    pub interval: Interval,
    /// The t-test's two-sided p-value.
    pub p_value: f64,
    /// The p-value after adjustment across all pairs.
    pub adjusted_p_value: f64,
    /// The difference over the pooled standard deviation (Cohen's d).
    pub cohens_d: f64,
    /// Which group is higher, if significantly so after adjustment.
    pub verdict: Verdict,
}

/// One rating or amount compared across groups: each group's mean and interval, every pair's
/// difference with its t interval and test (Welch's by default, pooled as an option), the
/// p-values adjusted across pairs as [`Comparison`](crate::Comparison) adjusts them, Cohen's d,
/// a verdict per pair, and the test that all means are equal (Welch's ANOVA, or the classic F
/// when the variances are pooled).
///
/// # Examples
///
/// ```
/// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, Render, VarianceAssumption};
/// let groups = [
///     ("Leaders", MeanEstimate::from_summary(4.1, 0.8, 130.0)?),
///     ("Managers", MeanEstimate::from_summary(3.8, 0.9, 300.0)?),
///     ("Individual contributors", MeanEstimate::from_summary(3.6, 1.0, 400.0)?),
/// ];
/// let c = MeanComparison::new("satisfaction", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?;
/// assert_eq!(c.pairs().len(), 3);
/// assert!(c.omnibus().unwrap().p_value < 0.001);
/// assert!(c.to_text().contains("Leaders"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanComparison {
    outcome: String,
    settings: ComparisonSettings,
    variance: VarianceAssumption,
    groups: Vec<MeanGroup>,
    pairs: Vec<MeanPair>,
    omnibus: Option<FTest>,
}

impl MeanComparison {
    /// Compares the groups' means (see [`MeanComparison`]); `options` give the level, the
    /// p-value adjustment and alpha.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, Error, MeanComparison, MeanEstimate, VarianceAssumption};
    /// let one = [("PR", MeanEstimate::from_summary(3.4, 1.0, 110.0)?)];
    /// let err = MeanComparison::new("satisfaction", &one, VarianceAssumption::Pooled, &ComparisonOptions::default());
    /// assert!(matches!(err, Err(Error::TooFewValues { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] with fewer than two groups; as
    /// [`adjust_p_values`](crate::adjust_p_values).
    pub fn new<S: AsRef<str>>(
        outcome: &str,
        groups: &[(S, MeanEstimate)],
        variance: VarianceAssumption,
        options: &ComparisonOptions,
    ) -> Result<Self> {
        let settings = options.settings;
        if groups.len() < 2 {
            return Err(Error::TooFewValues {
                name: "groups",
                len: groups.len(),
                min: 2,
            });
        }
        let level = settings.intervals.level;
        let alpha = settings.tests.alpha.value();
        let mut pairs = Vec::new();
        for (a, (_, ma)) in groups.iter().enumerate() {
            for (b, (_, mb)) in groups.iter().enumerate().skip(a + 1) {
                let d = mean_difference(ma, mb, variance, level, Alternative::TwoSided);
                let df = ma.degrees_of_freedom + mb.degrees_of_freedom;
                let pooled = ((ma.std_dev * ma.std_dev * ma.degrees_of_freedom
                    + mb.std_dev * mb.std_dev * mb.degrees_of_freedom)
                    / df)
                    .sqrt();
                let cohens_d = if pooled > 0.0 {
                    d.estimate / pooled
                } else {
                    0.0
                };
                pairs.push(MeanPair {
                    a,
                    b,
                    difference: d.estimate,
                    interval: d.interval,
                    p_value: d.test.p_value,
                    adjusted_p_value: d.test.p_value,
                    cohens_d,
                    verdict: Verdict::NotSignificant,
                });
            }
        }
        let raw: Vec<f64> = pairs.iter().map(|p| p.p_value).collect();
        for (pair, adjusted) in pairs
            .iter_mut()
            .zip(adjust_p_values(&raw, settings.tests.adjustment)?)
        {
            pair.adjusted_p_value = adjusted;
            pair.verdict = if adjusted >= alpha || pair.difference == 0.0 {
                Verdict::NotSignificant
            } else if pair.difference > 0.0 {
                Verdict::FirstHigher
            } else {
                Verdict::SecondHigher
            };
        }
        let estimates: Vec<MeanEstimate> = groups.iter().map(|(_, m)| *m).collect();
        Ok(Self {
            outcome: outcome.to_string(),
            settings,
            variance,
            groups: groups
                .iter()
                .map(|(label, m)| MeanGroup {
                    label: label.as_ref().to_string(),
                    estimate: *m,
                    interval: m.interval(level),
                })
                .collect(),
            pairs,
            omnibus: means_anova(&estimates, variance).ok(),
        })
    }

    /// The outcome compared.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption};
    /// let groups = [("a", MeanEstimate::from_summary(1.0, 1.0, 9.0)?), ("b", MeanEstimate::from_summary(2.0, 1.0, 9.0)?)];
    /// let c = MeanComparison::new("spend", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?;
    /// assert_eq!((c.outcome(), c.variance()), ("spend", VarianceAssumption::Welch));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn outcome(&self) -> &str {
        &self.outcome
    }

    /// How the variances entered the tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption};
    /// let groups = [("a", MeanEstimate::from_summary(1.0, 1.0, 9.0)?), ("b", MeanEstimate::from_summary(2.0, 1.0, 9.0)?)];
    /// let c = MeanComparison::new("spend", &groups, VarianceAssumption::Pooled, &ComparisonOptions::default())?;
    /// assert_eq!(c.variance(), VarianceAssumption::Pooled);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn variance(&self) -> VarianceAssumption {
        self.variance
    }

    /// The settings the comparison was made with.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, PValueAdjustment, VarianceAssumption};
    /// let groups = [("a", MeanEstimate::from_summary(1.0, 1.0, 9.0)?), ("b", MeanEstimate::from_summary(2.0, 1.0, 9.0)?)];
    /// let c = MeanComparison::new("spend", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?;
    /// assert_eq!(c.settings().tests.adjustment, PValueAdjustment::Holm);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn settings(&self) -> &ComparisonSettings {
        &self.settings
    }

    /// The groups, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption};
    /// let groups = [("a", MeanEstimate::from_summary(1.0, 1.0, 9.0)?), ("b", MeanEstimate::from_summary(2.0, 1.0, 9.0)?)];
    /// let c = MeanComparison::new("spend", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?;
    /// assert_eq!(c.groups()[0].estimate.mean, 1.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn groups(&self) -> &[MeanGroup] {
        &self.groups
    }

    /// Every pair of groups, `(0, 1), (0, 2), ..., (1, 2), ...`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption};
    /// let groups = [("a", MeanEstimate::from_summary(1.0, 1.0, 9.0)?), ("b", MeanEstimate::from_summary(2.0, 1.0, 9.0)?)];
    /// let c = MeanComparison::new("spend", &groups, VarianceAssumption::Welch, &ComparisonOptions::default())?;
    /// assert_eq!((c.pairs()[0].a, c.pairs()[0].b, c.pairs()[0].difference), (0, 1, -1.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn pairs(&self) -> &[MeanPair] {
        &self.pairs
    }

    /// The test that all groups' means are equal, where it is defined.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ComparisonOptions, MeanComparison, MeanEstimate, VarianceAssumption};
    /// let groups = [("a", MeanEstimate::from_summary(1.0, 1.0, 9.0)?), ("b", MeanEstimate::from_summary(2.0, 1.0, 9.0)?)];
    /// let c = MeanComparison::new("spend", &groups, VarianceAssumption::Pooled, &ComparisonOptions::default())?;
    /// assert_eq!(c.omnibus().unwrap().numerator_df, 1.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn omnibus(&self) -> Option<FTest> {
        self.omnibus
    }
}
