//! Settings shared by the analyses: how intervals are computed, how significance is decided, and
//! how design-based cells are estimated.
//!
//! Each options type ([`BreakdownOptions`](crate::BreakdownOptions),
//! [`CrosstabOptions`](crate::CrosstabOptions), [`ComparisonOptions`](crate::ComparisonOptions))
//! holds these blocks and forwards its setters to them, so a setting is validated and documented in
//! one place; each result reports the settings it was made with through one `settings()` call.

use serde::{Deserialize, Serialize};

use crate::stats::adjust::PValueAdjustment;
use crate::stats::level::{Alpha, ConfidenceLevel};
use crate::stats::proportion::ProportionMethod;
use crate::survey::design::estimate::DesignEffectKind;
use crate::survey::design::interval::DesignInterval;

/// How the confidence intervals of shares are computed: the level and the method. Defaults: 95%,
/// Wilson.
///
/// # Examples
///
/// ```
/// use survey_analytics::{BreakdownOptions, ConfidenceLevel, IntervalSettings, ProportionMethod};
///
/// let exact = IntervalSettings { level: ConfidenceLevel::NINETY_NINE, method: ProportionMethod::ClopperPearson };
/// assert_eq!(IntervalSettings::default().method, ProportionMethod::Wilson);
/// // One block of settings, shared by several analyses.
/// let options = BreakdownOptions::default().intervals(exact);
/// assert_eq!(options, BreakdownOptions::default().level(ConfidenceLevel::NINETY_NINE).method(ProportionMethod::ClopperPearson));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct IntervalSettings {
    /// The confidence level.
    pub level: ConfidenceLevel,
    /// The interval method for a share.
    pub method: ProportionMethod,
}

/// How significance is decided when groups are compared pairwise: the adjustment applied to each
/// family of pairwise p-values (a crosstab row, or all the pairs of a comparison) and the
/// significance level. Defaults: Holm, 5%.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Alpha, PValueAdjustment, TestSettings};
///
/// let strict = TestSettings { adjustment: PValueAdjustment::Bonferroni, alpha: Alpha::ONE_PERCENT };
/// assert_eq!(TestSettings::default().alpha, Alpha::FIVE_PERCENT);
/// assert_eq!(TestSettings::default().adjustment, PValueAdjustment::Holm);
/// assert_ne!(strict, TestSettings::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TestSettings {
    /// The p-value adjustment within each family of pairwise tests.
    pub adjustment: PValueAdjustment,
    /// The significance level: an adjusted p-value below it is significant.
    pub alpha: Alpha,
}

/// How the cells of a crosstab built from a [`SampleDesign`](crate::SampleDesign) are estimated:
/// the design-based interval method and which design effect the cells report. Defaults: logit
/// intervals (R's `svyciprop` default) and the design effect against a with-replacement simple
/// random sample (R's `deff = "replace"`), which stays meaningful when exported weights are scaled
/// to average 1.
///
/// # Examples
///
/// ```
/// use survey_analytics::{DesignEffectKind, DesignInterval, DesignSettings};
///
/// let settings = DesignSettings::default();
/// assert_eq!(settings.interval, DesignInterval::Logit);
/// assert_eq!(settings.design_effect, DesignEffectKind::WithReplacement);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DesignSettings {
    /// The interval method of a design-based share.
    pub interval: DesignInterval,
    /// The design effect reported per cell.
    pub design_effect: DesignEffectKind,
}
