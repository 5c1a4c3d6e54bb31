//! Auditing published survey figures when no raw data exist: a rounded percentage and a base
//! determine a range of possible counts, hence intervals and tests that hold for all of them.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::interval::Interval;
use crate::stats::level::{Alpha, ConfidenceLevel};
use crate::stats::proportion::{Proportion, ProportionMethod};
use crate::stats::z_test::two_proportion_z_test;

/// A percentage as a report prints it ("41%"), with the base it was computed on.
///
/// A printed figure hides the count behind it: 41% of 130 could be 53 respondents (40.8%) or 54
/// (41.5%). [`PublishedShare::counts`] recovers every count consistent with the rounding, and the
/// interval and tests below hold whichever of them is the true one. The rounding is taken as
/// "nearest", with both half-way points allowed (a report may round halves up or to even).
///
/// ```
/// use survey_analytics::{ConfidenceLevel, ProportionMethod, PublishedShare};
///
/// let leaders = PublishedShare::new(41.0, 130)?;
/// assert_eq!(leaders.counts(), Some(53..=53));
/// let ics = PublishedShare::new(18.0, 400)?;
/// assert_eq!(ics.counts(), Some(70..=74));
/// let ci = ics.interval(ProportionMethod::Wilson, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(ci.lower < 0.15 && ci.upper > 0.21);
/// // 33% of 10 is impossible: no count out of 10 rounds to 33%.
/// assert_eq!(PublishedShare::new(33.0, 10)?.counts(), None);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PublishedShare {
    percent: f64,
    base: u64,
    decimals: u32,
}

impl PublishedShare {
    /// A whole-number percentage of `base` respondents.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= percent <= 100`; [`Error::EmptyBase`] for a zero
    /// base.
    pub fn new(percent: f64, base: u64) -> Result<Self> {
        Self::with_decimals(percent, base, 0)
    }

    /// A percentage printed with `decimals` decimal places (41.5% has one).
    ///
    /// # Errors
    ///
    /// As [`PublishedShare::new`], and [`Error::InvalidParameter`] for more than 6 decimals.
    pub fn with_decimals(percent: f64, base: u64, decimals: u32) -> Result<Self> {
        if !(0.0..=100.0).contains(&percent) {
            return Err(Error::InvalidParameter {
                name: "percent",
                value: percent,
                requirement: "must be between 0 and 100",
            });
        }
        if decimals > 6 {
            return Err(Error::InvalidParameter {
                name: "decimals",
                value: f64::from(decimals),
                requirement: "at most 6 decimal places",
            });
        }
        if base == 0 {
            return Err(Error::EmptyBase);
        }
        Ok(Self {
            percent,
            base,
            decimals,
        })
    }

    /// The percentage as printed.
    pub fn percent(&self) -> f64 {
        self.percent
    }

    /// The base.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Every count `k` whose percentage `100 k / base` rounds to the printed figure, or `None` when
    /// no count does (the figure and base are inconsistent).
    pub fn counts(&self) -> Option<RangeInclusive<u64>> {
        let half = 0.5 * 10_f64.powi(-(self.decimals as i32));
        let n = self.base as f64;
        // Small slack so that exact half-way points survive floating-point rounding.
        let slack = 1e-9 * n;
        let low = (((self.percent - half) / 100.0) * n - slack)
            .ceil()
            .max(0.0);
        let high = (((self.percent + half) / 100.0) * n + slack).floor().min(n);
        (low <= high).then_some(low as u64..=high as u64)
    }

    fn proportions(&self) -> Result<Vec<Proportion>> {
        let counts = self.counts().ok_or(Error::InvalidParameter {
            name: "percent",
            value: self.percent,
            requirement: "no count of the base rounds to this percentage",
        })?;
        counts.map(|k| Proportion::new(k, self.base)).collect()
    }

    /// The confidence interval that covers the intervals of every consistent count.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when no count is consistent with the figure.
    pub fn interval(&self, method: ProportionMethod, level: ConfidenceLevel) -> Result<Interval> {
        let intervals: Vec<Interval> = self
            .proportions()?
            .iter()
            .map(|p| p.interval(method, level))
            .collect();
        Ok(Interval {
            lower: intervals
                .iter()
                .map(|i| i.lower)
                .fold(f64::INFINITY, f64::min),
            upper: intervals
                .iter()
                .map(|i| i.upper)
                .fold(f64::NEG_INFINITY, f64::max),
        })
    }

    /// Tests `self` against `other` (two independent groups) for every pair of consistent counts:
    /// the pooled two-proportion z-test, two-sided.
    ///
    /// ```
    /// use survey_analytics::PublishedShare;
    ///
    /// let customer = PublishedShare::new(9.0, 140)?;
    /// let product = PublishedShare::new(11.0, 150)?;
    /// let test = customer.compare(&product)?;
    /// assert!(test.p_value.lower > 0.05); // not significant whichever counts are the true ones
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when a figure has no consistent count.
    pub fn compare(&self, other: &PublishedShare) -> Result<PublishedComparison> {
        let (mine, theirs) = (self.proportions()?, other.proportions()?);
        // Exhaustive over small ranges; otherwise the extremes of each range and its middle,
        // where the statistic (monotone in each count) takes its extreme values.
        let pick = |all: &[Proportion]| -> Vec<Proportion> {
            if all.len() <= 100 {
                all.to_vec()
            } else {
                [all.first(), all.get(all.len() / 2), all.last()]
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect()
            }
        };
        let (mine, theirs) = (pick(&mine), pick(&theirs));
        let mut difference = Interval {
            lower: f64::INFINITY,
            upper: f64::NEG_INFINITY,
        };
        let mut p_value = Interval {
            lower: f64::INFINITY,
            upper: f64::NEG_INFINITY,
        };
        for a in &mine {
            for b in &theirs {
                let test = two_proportion_z_test(*a, *b, Alternative::TwoSided);
                difference.lower = difference.lower.min(test.difference);
                difference.upper = difference.upper.max(test.difference);
                p_value.lower = p_value.lower.min(test.p_value);
                p_value.upper = p_value.upper.max(test.p_value);
            }
        }
        Ok(PublishedComparison {
            difference,
            p_value,
        })
    }
}

/// What two published figures allow one to conclude, over every pair of counts consistent with
/// their rounding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PublishedComparison {
    /// The smallest and largest possible observed difference (first minus second).
    pub difference: Interval,
    /// The smallest and largest possible two-sided p-value of the pooled z-test.
    pub p_value: Interval,
}

impl PublishedComparison {
    /// Whether the difference is significant at `alpha` whatever the true counts.
    ///
    /// ```
    /// use survey_analytics::{Alpha, PublishedShare};
    /// let test = PublishedShare::new(18.0, 400)?.compare(&PublishedShare::new(41.0, 130)?)?;
    /// assert!(test.significant(Alpha::FIVE_PERCENT));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn significant(&self, alpha: Alpha) -> bool {
        self.p_value.upper < alpha.value()
    }
}
