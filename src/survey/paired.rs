//! Two yes/no items answered by the same respondents ("49% use AI for content, 26% for images"):
//! their shares, the difference with a paired interval and test; from counts, or design-based.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::means::StudentT;
use crate::stats::paired::{
    McNemarMethod, PairedCounts, PairedDifferenceMethod, mcnemar_test, paired_difference_interval,
};
use crate::survey::design::SampleDesign;

/// Two items' shares among the respondents who answered both, and their difference
/// (first minus second) with an interval and a test that account for the pairing.
///
/// # Examples
///
/// ```
/// use survey_analytics::{ConfidenceLevel, McNemarMethod, PairedComparison, PairedCounts, PairedDifferenceMethod};
///
/// // 830 marketers: 180 use AI for content and images, 227 for content only, 36 for images only.
/// let counts = PairedCounts::new(180, 227, 36, 387)?;
/// let gap = PairedComparison::new(counts, PairedDifferenceMethod::Newcombe, McNemarMethod::MidP, ConfidenceLevel::NINETY_FIVE);
/// assert!((gap.first_share - 407.0 / 830.0).abs() < 1e-15);
/// assert!(gap.interval.lower > 0.19 && gap.p_value < 1e-6);
/// assert_eq!(gap.test, "mcnemar mid-p");
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedComparison {
    /// Respondents who answered both items.
    pub respondents: u64,
    /// Their weight (their number, unweighted).
    pub weighted_base: f64,
    /// The first item's share among them.
    pub first_share: f64,
    /// The second item's share among them.
    pub second_share: f64,
    /// `first_share - second_share`.
    pub difference: f64,
    /// The difference's interval.
    pub interval: Interval,
    /// The p-value of the test of no difference.
    pub p_value: f64,
    /// The interval's method: `newcombe`, `tango`, `wald`, or `design-based t`.
    pub interval_method: String,
    /// The test: `mcnemar <method>`, or `design-based t`.
    pub test: String,
}

impl PairedComparison {
    /// From the counts of the two items' answers: the interval by `method` (Newcombe's method 10
    /// by default), the test by McNemar's `test` (mid-p by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, McNemarMethod, PairedComparison, PairedCounts, PairedDifferenceMethod};
    /// let same = PairedCounts::new(10, 0, 0, 5)?;
    /// let c = PairedComparison::new(same, PairedDifferenceMethod::Tango, McNemarMethod::Exact, ConfidenceLevel::NINETY_FIVE);
    /// assert_eq!((c.difference, c.p_value), (0.0, 1.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn new(
        counts: PairedCounts,
        method: PairedDifferenceMethod,
        test: McNemarMethod,
        level: ConfidenceLevel,
    ) -> Self {
        let interval = paired_difference_interval(counts, method, level);
        let mcnemar = mcnemar_test(counts, test);
        Self {
            respondents: counts.total(),
            weighted_base: counts.total() as f64,
            first_share: counts.first_share(),
            second_share: counts.second_share(),
            difference: counts.difference(),
            interval,
            p_value: mcnemar.p_value,
            interval_method: method.name().to_string(),
            test: format!("mcnemar {}", test.name()),
        }
    }

    /// Design-based: among the respondents who answered both, each item's share and the mean of
    /// their difference (R's `svycontrast(svymean(~a + b, design, na.rm = TRUE), quote(a - b))`),
    /// with a t interval and test on the design's degrees of freedom. Weighted data without
    /// strata or clusters take a design of their weights alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, PairedComparison, SampleDesign};
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0, 1.0, 1.0])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let content = [Some(true), Some(true), Some(false), Some(true), None, Some(true)];
    /// let images = [Some(false), Some(true), Some(false), Some(false), Some(true), Some(false)];
    /// let gap = PairedComparison::from_design(&design, &content, &images, ConfidenceLevel::NINETY_FIVE)?;
    /// assert_eq!(gap.respondents, 5); // the fifth answered only one
    /// assert!((gap.difference - gap.first_share + gap.second_share).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless both items have one answer per respondent;
    /// [`Error::EmptyBase`] when nobody answered both; [`Error::Undefined`] when the design leaves
    /// no degrees of freedom; as [`SampleDesign::mean`].
    pub fn from_design(
        design: &SampleDesign,
        first: &[Option<bool>],
        second: &[Option<bool>],
        level: ConfidenceLevel,
    ) -> Result<Self> {
        design.check_len("first item's answers", first.len())?;
        design.check_len("second item's answers", second.len())?;
        let both = |k: usize| match (
            first.get(k).copied().flatten(),
            second.get(k).copied().flatten(),
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let column = |f: &dyn Fn(bool, bool) -> f64| -> Vec<f64> {
            (0..design.len())
                .map(|k| both(k).map_or(f64::NAN, |(a, b)| f(a, b)))
                .collect()
        };
        let one = |b: bool| f64::from(u8::from(b));
        let a = design.mean(&column(&|a, _| one(a)))?;
        let b = design.mean(&column(&|_, b| one(b)))?;
        let d = design.mean(&column(&|a, b| one(a) - one(b)))?;
        let df = design.degrees_of_freedom();
        let t = StudentT::new(df).map_err(|_| Error::Undefined {
            what: "design-based paired difference",
            reason: "the design leaves no degrees of freedom",
        })?;
        let critical = t.quantile(0.5 + 0.5 * level.value())?;
        let p_value = if d.std_error > 0.0 {
            t.two_sided_p(d.estimate / d.std_error)
        } else if d.estimate == 0.0 {
            1.0
        } else {
            0.0
        };
        let interval = Interval {
            lower: (d.estimate - critical * d.std_error).max(-1.0),
            upper: (d.estimate + critical * d.std_error).min(1.0),
        };
        Ok(Self {
            respondents: d.observations,
            weighted_base: d.weight_sum,
            first_share: a.estimate,
            second_share: b.estimate,
            difference: d.estimate,
            interval,
            p_value,
            interval_method: "design-based t".to_string(),
            test: "design-based t".to_string(),
        })
    }
}
