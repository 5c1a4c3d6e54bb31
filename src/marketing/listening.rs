//! The social-listening figures with numbers (L1, L2, L3a and L3b): growth of online mentions, and
//! sentiment.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::proportion::{Proportion, ProportionMethod};
use crate::stats::rates::{RateRatio, RateRatioMethod, rate_ratio_interval};

/// A published year-over-year growth in mentions.
///
/// # Examples
///
/// ```
/// use survey_analytics::ConfidenceLevel;
/// use survey_analytics::marketing::GROWTH_FIGURES;
///
/// let l1 = GROWTH_FIGURES[0];
/// assert_eq!((l1.id, l1.growth), ("L1", 0.41)); // "+41%"
/// let ratio = l1.at_volume(1000, ConfidenceLevel::NINETY_FIVE)?; // 1,410 mentions against 1,000
/// assert!((ratio.growth() - l1.growth).abs() < 1e-12);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthFigure {
    /// The report's id.
    pub id: &'static str,
    /// What was counted.
    pub statement: &'static str,
    /// Published growth (0.41 for "+41%").
    pub growth: f64,
}

/// The report's growth figures: L1 (+41%), L2 (+318%) and L3a (+606%).
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::GROWTH_FIGURES;
///
/// let ids: Vec<&str> = GROWTH_FIGURES.iter().map(|g| g.id).collect();
/// assert_eq!(ids, ["L1", "L2", "L3a"]);
/// assert_eq!(GROWTH_FIGURES[2].growth, 6.06); // "+606%": about seven times last year's volume
/// ```
pub const GROWTH_FIGURES: [GrowthFigure; 3] = [
    GrowthFigure {
        id: "L1",
        statement: "online discussion of marketing and collaboration",
        growth: 0.41,
    },
    GrowthFigure {
        id: "L2",
        statement: "discussion of goals and goal-setting (Reddit, X, Pinterest)",
        growth: 3.18,
    },
    GrowthFigure {
        id: "L3a",
        statement: "marketers' mentions of AI together with collaboration",
        growth: 6.06,
    },
];

/// L3b: the published share of AI mentions that are positive.
///
/// # Examples
///
/// ```
/// use survey_analytics::ConfidenceLevel;
/// use survey_analytics::marketing::{POSITIVE_AI_SENTIMENT, positive_sentiment_at};
///
/// assert_eq!(POSITIVE_AI_SENTIMENT, 0.57);
/// // Whether 57% is a clear majority depends on how many mentions were classified.
/// let few = positive_sentiment_at(50, ConfidenceLevel::NINETY_FIVE)?;
/// let many = positive_sentiment_at(2_000, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(few.lower < 0.5 && many.lower > 0.5);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub const POSITIVE_AI_SENTIMENT: f64 = 0.57;

impl GrowthFigure {
    /// The growth with its confidence interval **if** last year's volume had been
    /// `previous_mentions` over the same period: this year's count is `previous * (1 + growth)`
    /// rounded, and the ratio's interval is the score interval for two Poisson counts.
    ///
    /// The report gives no mention counts, so the interval of a published growth cannot be
    /// known; this shows how it depends on volume. Label any use of it as illustrative.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::ConfidenceLevel;
    /// use survey_analytics::marketing::GROWTH_FIGURES;
    ///
    /// let l1 = GROWTH_FIGURES[0];
    /// let small = l1.at_volume(100, ConfidenceLevel::NINETY_FIVE)?;
    /// let large = l1.at_volume(10_000, ConfidenceLevel::NINETY_FIVE)?;
    /// assert!(small.growth_interval().lower < 0.1); // +41% on 100 mentions: barely above +9%
    /// assert!(large.growth_interval().lower > 0.37);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Undefined`](crate::Error::Undefined) when both counts are zero;
    /// [`Error::CountTooLarge`](crate::Error::CountTooLarge) when either count would exceed 2^53,
    /// past which this year's count cannot be formed exactly.
    ///
    /// ```
    /// use survey_analytics::{ConfidenceLevel, Error};
    /// use survey_analytics::marketing::GROWTH_FIGURES;
    ///
    /// let err = GROWTH_FIGURES[2].at_volume(1 << 62, ConfidenceLevel::NINETY_FIVE).unwrap_err();
    /// assert!(matches!(err, Error::CountTooLarge { name: "mentions this year", .. }));
    /// ```
    pub fn at_volume(&self, previous_mentions: u64, level: ConfidenceLevel) -> Result<RateRatio> {
        const MAX_EXACT: u64 = 1 << 53;
        let current = (previous_mentions as f64 * (1.0 + self.growth)).round();
        if previous_mentions > MAX_EXACT || current > MAX_EXACT as f64 {
            return Err(Error::CountTooLarge {
                name: "mentions this year",
                // Saturating: the count is only reported.
                value: current as u64,
                max: MAX_EXACT,
            });
        }
        let current = current as u64;
        rate_ratio_interval(
            current,
            1.0,
            previous_mentions,
            1.0,
            level,
            RateRatioMethod::Score,
        )
    }
}

/// L3b's positive share with its interval **if** `mentions` AI mentions had been classified: an
/// illustration, since the report gives no count.
///
/// # Examples
///
/// ```
/// use survey_analytics::ConfidenceLevel;
/// use survey_analytics::marketing::positive_sentiment_at;
///
/// let ci = positive_sentiment_at(700, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(ci.lower > 0.53 && ci.upper < 0.61);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyBase`](crate::Error::EmptyBase) for zero mentions.
pub fn positive_sentiment_at(mentions: u64, level: ConfidenceLevel) -> Result<Interval> {
    let positive = (mentions as f64 * POSITIVE_AI_SENTIMENT).round() as u64;
    Ok(Proportion::new(positive, mentions)?.interval(ProportionMethod::Wilson, level))
}
