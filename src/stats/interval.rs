//! Interval estimates.

use serde::{Deserialize, Serialize};

/// A two-sided interval `[lower, upper]`.
///
/// Proportions and differences of proportions are on the proportion scale (0.49, not 49%); ratios
/// are on the ratio scale, where `upper` may be infinite when the data cannot bound it (for example a
/// ratio whose denominator count is zero). Percent is for display only.
///
/// # Examples
///
/// ```
/// use survey_analytics::Interval;
///
/// let ci = Interval { lower: 0.456, upper: 0.524 };
/// assert!(ci.contains(0.49));
/// assert!((ci.width() - 0.068).abs() < 1e-12);
/// assert!((ci.half_width() - 0.034).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl Interval {
    /// `upper - lower`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Interval { lower: 0.25, upper: 0.75 }.width(), 0.5);
    /// ```
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// Half the width: the "plus or minus" of a symmetric interval.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Interval { lower: 0.25, upper: 0.75 }.half_width(), 0.25);
    /// ```
    pub fn half_width(&self) -> f64 {
        0.5 * self.width()
    }

    /// Whether `lower <= value <= upper`.
    ///
    /// # Examples
    ///
    /// ```
    /// let ci = survey_analytics::Interval { lower: 0.1, upper: 0.2 };
    /// assert!(ci.contains(0.1) && !ci.contains(0.21));
    /// ```
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }

    /// Whether the two intervals share at least one point.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Interval;
    /// let a = Interval { lower: 0.1, upper: 0.3 };
    /// assert!(a.overlaps(&Interval { lower: 0.3, upper: 0.5 }));
    /// assert!(!a.overlaps(&Interval { lower: 0.31, upper: 0.5 }));
    /// ```
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.lower <= other.upper && other.lower <= self.upper
    }

    /// The interval clipped to `[min, max]`.
    pub(crate) fn clipped(self, min: f64, max: f64) -> Interval {
        Interval {
            lower: self.lower.clamp(min, max),
            upper: self.upper.clamp(min, max),
        }
    }
}
