//! survey-analytics (work in progress)
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod error;
mod stats;

pub use error::{Error, Result};
pub use stats::adjust::{PValueAdjustment, adjust_p_values};
pub use stats::alternative::Alternative;
pub use stats::chi_square::{
    ChiSquareTest, ContinuityCorrection, chi_square_goodness_of_fit, chi_square_independence,
};
pub use stats::difference::{DifferenceMethod, difference_interval};
pub use stats::effect_size::cohens_h;
pub use stats::fisher::{FisherExactTest, fisher_exact};
pub use stats::interval::Interval;
pub use stats::level::ConfidenceLevel;
pub use stats::multinomial::{MultinomialMethod, simultaneous_intervals};
pub use stats::planning::{margin_of_error, sample_size_for_margin};
pub use stats::power::{SampleSize, two_proportion_power, two_proportion_sample_size};
pub use stats::proportion::{Proportion, ProportionMethod};
pub use stats::rates::{RateRatio, RateRatioMethod, rate_ratio_interval};
pub use stats::ratio::{
    OddsRatioMethod, RiskRatioMethod, odds_ratio_interval, risk_ratio_interval,
};
pub use stats::z_test::{TwoProportionZTest, two_proportion_z_test};
