//! Confidence levels.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::numerics::normal;

/// A confidence level strictly between 0 and 1, such as 0.95.
///
/// Constructed through [`ConfidenceLevel::new`], which rejects 0, 1, anything outside (0, 1) and NaN,
/// so every interval function can rely on it. Deserialising checks the same rule.
///
/// The two-sided critical value is `z = Phi^-1(1 - alpha / 2)` with `alpha = 1 - level`; see
/// [`ConfidenceLevel::z`].
///
/// # Examples
///
/// ```
/// use survey_analytics::ConfidenceLevel;
///
/// let level = ConfidenceLevel::new(0.95)?;
/// assert_eq!(level, ConfidenceLevel::NINETY_FIVE);
/// assert!((level.z() - 1.959_963_984_540_054).abs() < 1e-15);
/// assert!(ConfidenceLevel::new(1.0).is_err());
/// assert!(ConfidenceLevel::new(f64::NAN).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct ConfidenceLevel(f64);

impl ConfidenceLevel {
    /// 90% confidence.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::ConfidenceLevel::NINETY.value(), 0.90);
    /// ```
    pub const NINETY: Self = Self(0.90);
    /// 95% confidence, the default.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::ConfidenceLevel;
    /// assert_eq!(ConfidenceLevel::default(), ConfidenceLevel::NINETY_FIVE);
    /// ```
    pub const NINETY_FIVE: Self = Self(0.95);
    /// 99% confidence.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::ConfidenceLevel::NINETY_NINE.value(), 0.99);
    /// ```
    pub const NINETY_NINE: Self = Self(0.99);

    /// A validated confidence level.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::ConfidenceLevel;
    /// assert_eq!(ConfidenceLevel::new(0.8)?.value(), 0.8);
    /// // Any level strictly between 0 and 1, down to the smallest doubles.
    /// assert!(ConfidenceLevel::new(1e-300).is_ok() && ConfidenceLevel::new(1.0 - 1e-16).is_ok());
    /// assert!(ConfidenceLevel::new(0.0).is_err() && ConfidenceLevel::new(95.0).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfidenceLevel`] unless `0 < level < 1`.
    pub fn new(level: f64) -> Result<Self> {
        if level > 0.0 && level < 1.0 {
            Ok(Self(level))
        } else {
            Err(Error::InvalidConfidenceLevel { level })
        }
    }

    /// The level from a significance level: `1 - alpha`.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::ConfidenceLevel;
    /// assert_eq!(ConfidenceLevel::from_alpha(0.05)?.value(), 0.95);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAlpha`] unless `0 < alpha < 1`; [`Error::InvalidConfidenceLevel`] when
    /// `alpha` is so small (below about 1.1e-16) that `1 - alpha` rounds to 1.
    pub fn from_alpha(alpha: f64) -> Result<Self> {
        let alpha = Alpha::new(alpha)?;
        // Below 2^-53, 1 - alpha rounds to 1, which is not a level.
        Self::new(1.0 - alpha.value())
    }

    /// The level as a number in (0, 1).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::ConfidenceLevel::NINETY.value(), 0.9);
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }

    /// `alpha = 1 - level`, the total tail probability outside a two-sided interval.
    ///
    /// # Examples
    ///
    /// ```
    /// let alpha = survey_analytics::ConfidenceLevel::NINETY_NINE.alpha();
    /// assert!((alpha - 0.01).abs() < 1e-15);
    /// ```
    pub fn alpha(self) -> f64 {
        1.0 - self.0
    }

    /// The two-sided standard normal critical value `z` with `P(|Z| > z) = alpha`, that is
    /// `P(|Z| <= z) = level`.
    ///
    /// # Numerics
    ///
    /// statrs's `erfc_inv` of `alpha` for levels above 1/2 (where `alpha = 1 - level` is exact) and
    /// `erf_inv` of the level below, within a few ulps of the exact quantile for every level: at
    /// 1e-300, where `1 - level` rounds to 1, `z` is `1.2533e-300` rather than 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::ConfidenceLevel;
    ///
    /// let z = ConfidenceLevel::NINETY_NINE.z();
    /// assert!((z - 2.575_829_303_548_901).abs() < 1e-14);
    /// // Tiny levels keep their precision: z = sqrt(pi / 2) * level to first order.
    /// let tiny = ConfidenceLevel::new(1e-300)?.z();
    /// assert!((tiny / 1.253_314_137_315_500_3e-300 - 1.0).abs() < 1e-15);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn z(self) -> f64 {
        normal::two_sided_quantile(self.0)
    }
}

impl Default for ConfidenceLevel {
    /// 95%.
    fn default() -> Self {
        Self::NINETY_FIVE
    }
}

impl TryFrom<f64> for ConfidenceLevel {
    type Error = Error;

    fn try_from(level: f64) -> Result<Self> {
        Self::new(level)
    }
}

impl From<ConfidenceLevel> for f64 {
    fn from(level: ConfidenceLevel) -> f64 {
        level.0
    }
}

impl fmt::Display for ConfidenceLevel {
    /// As a percentage: `95%`, `99.9%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = self.0 * 100.0;
        let rounded = (percent * 1e6).round() / 1e6;
        write!(f, "{rounded}%")
    }
}

impl std::str::FromStr for ConfidenceLevel {
    type Err = Error;

    /// Reads a level written as a number (`0.95`), as command lines and configuration files give
    /// it.
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Error};
    /// assert_eq!("0.9".parse::<ConfidenceLevel>()?, ConfidenceLevel::NINETY);
    /// assert!(matches!("95%".parse::<ConfidenceLevel>(), Err(Error::InvalidParameter { .. })));
    /// assert!(matches!("1.5".parse::<ConfidenceLevel>(), Err(Error::InvalidConfidenceLevel { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Self> {
        Self::new(number(text, "confidence level")?)
    }
}

/// A number written in text, for the levels' `FromStr`.
fn number(text: &str, name: &'static str) -> Result<f64> {
    text.trim().parse().map_err(|_| Error::InvalidParameter {
        name,
        value: f64::NAN,
        requirement: "must be written as a number such as 0.95 or 0.05",
    })
}

/// A significance level `alpha` strictly between 0 and 1, such as 0.05: the largest p-value that
/// counts as significant.
///
/// Constructed through [`Alpha::new`], which rejects 0, 1, anything outside (0, 1) and NaN, so every
/// test and letter assignment can rely on it. Deserialising checks the same rule.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alpha, ConfidenceLevel, Error};
///
/// let alpha = Alpha::new(0.01)?;
/// assert_eq!(alpha.value(), 0.01);
/// assert_eq!(Alpha::default(), Alpha::FIVE_PERCENT);
/// assert_eq!(Alpha::new(1.5), Err(Error::InvalidAlpha { alpha: 1.5 }));
/// assert!(Alpha::new(f64::NAN).is_err());
/// // The matching two-sided confidence level.
/// assert_eq!(ConfidenceLevel::from_alpha(Alpha::TEN_PERCENT.value())?, ConfidenceLevel::NINETY);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Alpha(f64);

impl Alpha {
    /// 10%.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Alpha::TEN_PERCENT.value(), 0.10);
    /// ```
    pub const TEN_PERCENT: Self = Self(0.10);
    /// 5%, the default.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Alpha;
    /// assert_eq!(Alpha::default(), Alpha::FIVE_PERCENT);
    /// ```
    pub const FIVE_PERCENT: Self = Self(0.05);
    /// 1%.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Alpha::ONE_PERCENT.value(), 0.01);
    /// ```
    pub const ONE_PERCENT: Self = Self(0.01);

    /// A validated significance level.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Alpha, Error};
    /// assert_eq!(Alpha::new(0.001)?.value(), 0.001);
    /// assert!(matches!(Alpha::new(5.0), Err(Error::InvalidAlpha { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAlpha`] unless `0 < alpha < 1`.
    pub fn new(alpha: f64) -> Result<Self> {
        if alpha > 0.0 && alpha < 1.0 {
            Ok(Self(alpha))
        } else {
            Err(Error::InvalidAlpha { alpha })
        }
    }

    /// The level as a number in (0, 1).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Alpha::ONE_PERCENT.value(), 0.01);
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }
}

impl Default for Alpha {
    /// 5%.
    fn default() -> Self {
        Self::FIVE_PERCENT
    }
}

impl TryFrom<f64> for Alpha {
    type Error = Error;

    fn try_from(alpha: f64) -> Result<Self> {
        Self::new(alpha)
    }
}

impl From<Alpha> for f64 {
    fn from(alpha: Alpha) -> f64 {
        alpha.0
    }
}

impl std::str::FromStr for Alpha {
    type Err = Error;

    /// Reads a significance level written as a number (`0.05`).
    ///
    /// ```
    /// use survey_analytics::Alpha;
    /// assert_eq!("0.01".parse::<Alpha>()?, Alpha::ONE_PERCENT);
    /// assert!("five percent".parse::<Alpha>().is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Self> {
        Self::new(number(text, "alpha")?)
    }
}

impl fmt::Display for Alpha {
    /// As a number: `0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_everything_outside_the_open_unit_interval() {
        for bad in [
            0.0,
            1.0,
            -0.5,
            1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert!(ConfidenceLevel::new(bad).is_err(), "{bad}");
            assert!(ConfidenceLevel::from_alpha(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_as_percent() {
        assert_eq!(ConfidenceLevel::NINETY_FIVE.to_string(), "95%");
        assert_eq!(ConfidenceLevel::new(0.999).unwrap().to_string(), "99.9%");
    }
}
