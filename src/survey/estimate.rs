//! The numbers every table cell carries: counts, weighted counts, share and interval.

use serde::{Deserialize, Serialize};

use crate::stats::interval::Interval;
use crate::stats::proportion::Proportion;
use crate::survey::settings::IntervalSettings;
use crate::survey::sums::Sums;

/// The size of a base: respondents counted, their total weight, and the Kish effective base.
///
/// For unweighted data all three are equal.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Base, Sums};
/// let mut sums = Sums::default();
/// for w in [1.0, 1.0, 2.0, 4.0] { sums.add_weighted(w)?; }
/// let base = Base::from(sums);
/// assert_eq!((base.count, base.weighted), (4, 8.0));
/// assert!((base.effective - 64.0 / 22.0).abs() < 1e-12);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Base {
    /// Respondents counted (unweighted).
    pub count: u64,
    /// Sum of their weights.
    pub weighted: f64,
    /// Kish effective base `(sum w)^2 / sum w^2`.
    pub effective: f64,
}

impl From<Sums> for Base {
    fn from(sums: Sums) -> Self {
        Base {
            count: sums.count(),
            weighted: sums.weight(),
            effective: sums.effective_base(),
        }
    }
}

/// One cell of a breakdown or crosstab: how many respondents gave the answer, the share of the base
/// they make, and the confidence interval of that share. `share` and `interval` are `None` when the
/// base is empty.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Breakdown, BreakdownOptions, Categories, Tally};
///
/// let yes_no = Categories::new("q", ["yes", "no"])?;
/// let mut tally = Tally::new(vec![yes_no.clone()])?;
/// for answer in [0, 0, 0, 1] {
///     tally.add(&[Some(answer)])?;
/// }
/// let breakdown = Breakdown::new(&tally.margin(0)?, &BreakdownOptions::default())?;
/// let yes = breakdown.rows()[0].estimate;
/// assert_eq!((yes.count, yes.weighted_count, yes.share), (3, 3.0, Some(0.75)));
/// assert!(yes.interval.is_some_and(|ci| ci.lower < 0.75 && 0.75 < ci.upper));
///
/// // An empty base has no share.
/// let empty = Tally::new(vec![yes_no])?.margin(0)?;
/// let nobody = Breakdown::new(&empty, &BreakdownOptions::default())?.rows()[0].estimate;
/// assert_eq!((nobody.share, nobody.interval), (None, None));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Respondents counted (unweighted).
    pub count: u64,
    /// Sum of their weights.
    pub weighted_count: f64,
    /// Weighted share of the base, in [0, 1].
    pub share: Option<f64>,
    /// Confidence interval of the share.
    pub interval: Option<Interval>,
}

/// The share of `base` that `count` makes, as a [`Proportion`]: counts when unweighted, the weighted
/// share on the base's Kish effective base when weighted. `None` for an empty base.
pub(crate) fn share_of(count: Sums, base: Sums, weighted: bool) -> Option<Proportion> {
    if base.count() == 0 {
        return None;
    }
    if weighted {
        let total = base.weight();
        if total <= 0.0 {
            return None;
        }
        Proportion::from_estimate((count.weight() / total).min(1.0), base.effective_base()).ok()
    } else {
        Proportion::new(count.count(), base.count()).ok()
    }
}

/// The estimate for one cell.
pub(crate) fn estimate(
    count: Sums,
    base: Sums,
    weighted: bool,
    intervals: IntervalSettings,
) -> Estimate {
    let proportion = share_of(count, base, weighted);
    Estimate {
        count: count.count(),
        weighted_count: count.weight(),
        share: proportion.map(|p| p.estimate()),
        interval: proportion.map(|p| p.interval(intervals.method, intervals.level)),
    }
}
