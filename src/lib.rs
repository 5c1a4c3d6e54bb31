//! # survey-analytics
//!
//! The statistics behind survey reports, for Rust programs: how sure is "49% want more
//! transparency" on 830 respondents, is "18% of individual contributors but 41% of leaders" a real
//! gap, and is "+41% year over year" more than noise? Intervals, tests and plans computed to the
//! standard of R's `survey` package, statsmodels and scipy, with no interpreter.
//!
//! # Examples
//!
//! ```
//! use survey_analytics::{ConfidenceLevel, Proportion, ProportionMethod};
//!
//! // "49% of 830 marketers want strategy-setting to be more transparent."
//! let share = Proportion::new(407, 830)?;
//! let ci = share.interval(ProportionMethod::Wilson, ConfidenceLevel::NINETY_FIVE);
//! println!("{:.1}% [{:.1}%, {:.1}%]", 100.0 * share.estimate(), 100.0 * ci.lower, 100.0 * ci.upper);
//! # assert!(ci.lower > 0.45 && ci.upper < 0.53);
//! # Ok::<(), survey_analytics::Error>(())
//! ```
//!
//! ## Map of the crate
//!
//! Four layers, each using only the ones below it: **stats** (pure functions on counts),
//! **survey** (typed responses to counts to analyses), **frame** (survey data known at run time,
//! addressed by column name) and **report** (tables as text, Markdown or JSON). Everything public
//! is re-exported here. The [`marketing`] module, the collaboration survey that motivated the
//! crate (typed questions, 830 reconstructed respondents, the report's
//! findings tested), is an ordinary user of those layers.
//!
//! **Answers as types** (survey). [`category!`] declares an answer set as an enum with its labels
//! and serde keys; [`Category`] and [`Ordinal`] describe it; [`Categories`] is the same thing known
//! only at run time (labels read from a file). Optional answers are `Option<C>`: a missing answer is
//! counted as "no answer", never dropped. Multi-select answers are [`MultiSelect`] sets. [`Net`]s
//! merge answers (top-2-box, at-least-k, any set).
//!
//! **Counting** (survey). [`Tally`] counts records over any number of dimensions in one pass
//! ([`Tally::count`], [`Tally::count_parallel`], or record by record), with weights and squared
//! weights summed exactly ([`Sums`]), so tallies of shards merge to identical results in any
//! order; [`MultiSelectTally`] does the same for multi-select questions. A tally gives a question's
//! [`Margin`] or a question-by-group [`CrossCounts`] ([`CrossCounts::from_table`] takes counts
//! aggregated elsewhere). Tallies travel between shards and engines in a documented, versioned
//! wire format ([`TALLY_FORMAT`], [`TALLY_VERSION`]; see [`Tally`]) whose every integer a JSON reader
//! meets is at most 2^53.
//!
//! **Analyses** (survey). [`Breakdown`]: each answer's share of the base, with intervals.
//! [`Crosstab`]: a question by a group with bases, weighted and effective bases, shares, intervals,
//! significance letters, minimum-base flags and an omnibus test (the letter convention is on
//! [`Crosstab`]: pooled z-tests between every pair of tested columns, adjusted within each row, Holm
//! by default; with weights, effective bases replace counts). [`Comparison`]: one outcome across
//! groups, with every pair's difference, interval, raw and adjusted p-value, Cohen's h and
//! [`Verdict`]. Their options ([`BreakdownOptions`], [`CrosstabOptions`], [`ComparisonOptions`])
//! share the same blocks of settings ([`IntervalSettings`]: level and method; [`TestSettings`]:
//! adjustment and [`Alpha`]; [`DesignSettings`]: design interval and design effect), and each result
//! reports the settings it was made with through one `settings()`.
//!
//! **Complex samples** (survey). [`SampleDesign`] holds weights, strata and clusters (primary
//! sampling units) and computes what R's `survey` package computes: with-replacement Taylor
//! linearised standard errors and both of R's design effects ([`DesignEstimate`] from
//! [`SampleDesign::mean`], [`SampleDesign::proportion`], [`SampleDesign::total`]; [`DesignEffects`]
//! against sampling with and without replacement, [`DesignEffectKind`]: crosstabs report the
//! with-replacement one, which stays meaningful when exported weights are scaled to average 1);
//! subgroup estimates on the full design with their covariance ([`SampleDesign::domain_means`] to
//! [`DomainEstimates`] and [`DesignContrast`], up to [`MAX_DOMAINS`] domains); survey intervals for a proportion on the design's degrees of freedom
//! ([`DesignInterval`]: logit, asin, beta, mean, xlogit, likelihood); Rao-Scott tests of
//! independence ([`RaoScottTest`]); post-stratification, raking ([`CalibrationMargin`], [`RakeOptions`],
//! [`RakeReport`]), calibration to categorical and numeric totals with the linear, raking or logit
//! distance and bounds (R's `calibrate`: [`CalibrationTargets`], [`NumericAuxiliary`],
//! [`CalibrationOptions`], [`CalibrationFunction`], [`CalibrationReport`]) and trimming of the
//! weights, with later variances accounting for them; strata
//! with one PSU per [`LonelyPsu`]. [`Crosstab::from_design`] builds a crosstab from all of it.
//!
//! **Survey data known at run time** (frame). A [`Questionnaire`] of [`Question`]s says what each
//! column of an export holds (given, or inferred from the data); [`Responses`] hold the columns
//! coded by it, read from CSV ([`CsvReader`], feature `csv`, on by default), from Arrow record
//! batches (`ArrowReader`, feature `arrow`: polars and DataFusion hand their data over
//! directly, dictionary arrays coded without re-reading their strings) or from memory
//! ([`Responses::builder`]); one loader codes, counts and checks every source's fields, so the
//! same data give equal responses whichever way they arrive. Analyses are addressed by column
//! name ([`Responses::crosstab`], [`Responses::design`]) and hand the codes to the survey layer.
//!
//! **Rendering** (report). [`Render`] turns a breakdown, crosstab or comparison, and single
//! results (means, tests, design-based estimates, paired comparisons, NPS), into a [`Table`],
//! printed as aligned text or Markdown; [`Crosstab::export`] and [`Banners::export`] give JSON.
//!
//! **Rows beyond shares** (survey). Crosstabs take rows of means ([`Crosstab::with_mean_row`],
//! [`MeanRow`]), Net Promoter Scores ([`Crosstab::with_nps_row`]) and paired items
//! ([`Crosstab::with_paired_row`], [`PairedRow`]), each design-based too, and compare every cell
//! with the total, the rest or a previous wave ([`Crosstab::versus`], [`Versus`]). Under a design:
//! [`DomainEstimates::equality_test`] and [`SampleDesign::quantile`] ([`DesignQuantile`],
//! Woodruff intervals).
//!
//! **Statistics on counts** (stats).
//! - Inputs: [`Proportion`] (`x` of `n`, or a weighted share with its Kish effective base via
//!   [`Proportion::from_estimate`]) and [`ConfidenceLevel`]. Everything is on the proportion scale
//!   (0.49, not 49%); [`Interval`] holds `lower` and `upper`.
//! - How sure is one figure? [`Proportion::interval`] with a [`ProportionMethod`] (Wilson by
//!   default; Wald, Wilson with continuity correction, Agresti-Coull, Clopper-Pearson, Jeffreys);
//!   [`Proportion::margin_of_error`]; [`simultaneous_intervals`] for all the shares of one question
//!   at once ([`MultinomialMethod`]: Goodman, Sison-Glaz).
//! - Is a gap between two groups real? [`difference_interval`] ([`DifferenceMethod`]: Newcombe by
//!   default, Wald, Agresti-Caffo, Miettinen-Nurminen); [`risk_ratio_interval`] and
//!   [`odds_ratio_interval`]; [`cohens_h`]; [`two_proportion_z_test`]; [`fisher_exact`] for small
//!   groups; [`chi_square_independence`] and [`chi_square_goodness_of_fit`]; [`adjust_p_values`]
//!   when many comparisons are made ([`PValueAdjustment`], Holm by default).
//! - Two items answered by the same respondents? [`PairedCounts`], [`mcnemar_test`]
//!   ([`McNemarMethod`]), [`paired_difference_interval`] ([`PairedDifferenceMethod`]); `k` items:
//!   [`cochrans_q`], [`CochranQ`]; both shares and the gap: [`PairedComparison`].
//! - Ratings and amounts: [`MeanEstimate`] (weighted on the Kish effective base), its t interval
//!   and [`TTest`]; [`mean_difference`] ([`VarianceAssumption`]: Welch or pooled);
//!   [`means_anova`] ([`FTest`]); [`QuantileEstimate`] (order-statistic intervals); [`StudentT`]
//!   and [`FisherF`].
//! - Net Promoter Score: [`NetPromoter`] ([`NpsMethod`]: Tango's score interval or Wald),
//!   [`nps_difference`], [`nps_z_test`].
//! - How many respondents are needed? [`margin_of_error`], [`sample_size_for_margin`],
//!   [`two_proportion_power`], [`two_proportion_sample_size`].
//! - What can a reader conclude from printed percentages alone? [`PublishedShare`] recovers the
//!   counts consistent with a rounded figure and bounds its interval and tests.
//! - Is growth in mention counts real? [`rate_ratio_interval`] ([`RateRatioMethod`]: score, exact
//!   conditional, Wald) returns a [`RateRatio`] with its growth and growth interval.
//!
//! ## The contract, and the limits that keep it
//!
//! Fallible functions return [`Result`] with one [`Error`] enum. No public function panics or
//! hangs: an `Ok` result has finite numbers within their bounds (a share's interval in [0, 1], a
//! difference's in [-1, 1], ordered bounds, p-values in [0, 1]); anything else is a typed error that
//! says what was wrong and where (the record, the dimension, the cell). Every call returns within
//! about a second on any input it accepts, so inputs past these sizes are refused with their limit:
//!
//! - a tally's cells (the product of its dimensions' categories plus one, or options times groups):
//!   2^24; a category list: 2^32 labels, checked in `O(n log n)`;
//! - domains of one design-based estimate: [`MAX_DOMAINS`]; after calibration, domains times
//!   respondents: 2^26; a Rao-Scott test: 512 cells;
//! - the work of one crosstab, breakdown or comparison ([`Error::TooLarge`]): 2^24 units, an interval
//!   counting 1 (256 for the exact methods) and a pairwise test 4 (about 16 million Wilson cells, or
//!   65,000 Clopper-Pearson cells);
//! - raking passes: [`MAX_RAKE_ITERATIONS`].
//!
//! Deserialised values go through the same checks as constructed ones: JSON from outside cannot build
//! a state a constructor forbids.
//!
//! ## Floating-point accuracy
//!
//! Reference values from statsmodels, scipy and mpmath are committed under `tests/fixtures` with the
//! scripts that generated them, and each function's tests enforce the accuracy its docs state
//! (a *Numerics* section), never a looser one: closed forms to 1e-13 relative or better (the
//! references' own rounding), the exact methods to 1e-14 relative at any `n` up to 2^64 and any
//! level from 1e-300 to `1 - 2^-53`. The exact methods do not use statrs's `Beta::inverse_cdf` or
//! `Hypergeometric`, which fail at large `n`: beta quantiles come from the crate's own safeguarded
//! Newton iteration on an incomplete beta that keeps its relative precision at huge shapes, and
//! binomial, hypergeometric and Poisson probabilities from Loader's saddle-point formulas.
//! Clopper-Pearson bounds take microseconds (at most 0.3 ms on any input); Fisher's test is exact
//! for totals up to 10^12 (at most 20 ms). `docs/numerics.md` in the repository lists what is
//! measured, what each call costs at its slowest and where an exact method hands over to an
//! approximation. Design-based results agree with R's `survey` 4.1.1 to 1e-9 relative (1e-7 where
//! R iterates; 1e-13 for the likelihood interval's roots), on fixtures under
//! `tests/fixtures/design` written by committed R scripts.
//!
//! ## Limitations
//!
//! Counts are `u64`; Fisher's test refuses totals above 10^12 (the chi-square test serves there),
//! simultaneous intervals totals above 2^53 (and Sison-Glaz more than 1,000 distinct counts, where
//! Goodman's serve); elsewhere counts above 2^53 are rounded to the nearest `f64`. Weights are summed in fixed
//! point with 64 fractional bits (totals up to 2^64). Weighted data enter the tests through Kish
//! effective bases, the standard approximation for simple weighting; [`SampleDesign`] gives
//! design-based variances instead (with-replacement, first-stage: no finite-population correction
//! or multistage variance; no replicate weights). Multi-select questions hold up to 64 options.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod error;
mod frame;
pub mod marketing;
mod parallel;
mod portable;
mod report;
mod stats;
mod survey;

pub use error::{DataLocation, Error, Result};
pub use frame::analysis::{
    ColumnTotals, CrosstabBuilder, DesignBuilder, WeightingReport, WeightingStep,
};
#[cfg(feature = "arrow")]
pub use frame::arrow::ArrowReader;
pub use frame::column::Unlisted;
#[cfg(feature = "csv")]
pub use frame::csv::CsvReader;
pub use frame::questionnaire::{
    Answer, Missing, MissingCode, Question, QuestionType, Questionnaire,
};
pub use frame::responses::{INFER_MAX_CATEGORIES, MissingReport, Responses, ResponsesBuilder};
pub use report::export::{
    BannersExport, CrosstabExport, ExportCell, ExportFTest, ExportGroup, ExportMeanCell,
    ExportMeanRow, ExportMissing, ExportNpsCell, ExportNpsRow, ExportPairedCell, ExportPairedRow,
    ExportRow, ExportTest,
};
pub use report::render::Render;
pub use report::table::{Align, Table};
pub use stats::adjust::{PValueAdjustment, adjust_p_values};
pub use stats::alternative::Alternative;
pub use stats::chi_square::{
    ChiSquareTest, ContinuityCorrection, chi_square_goodness_of_fit, chi_square_independence,
};
pub use stats::difference::{DifferenceMethod, difference_interval};
pub use stats::effect_size::cohens_h;
pub use stats::fisher::{FisherExactTest, fisher_exact};
pub use stats::interval::Interval;
pub use stats::level::{Alpha, ConfidenceLevel};
pub use stats::means::{
    FTest, FisherF, MeanDifference, MeanEstimate, StudentT, TTest, VarianceAssumption,
    mean_difference, means_anova,
};
pub use stats::multinomial::{MultinomialMethod, simultaneous_intervals};
pub use stats::nps::{NetPromoter, NpsDifference, NpsMethod, NpsZTest, nps_difference, nps_z_test};
pub use stats::paired::{
    CochranQ, CochranQTest, McNemarMethod, McNemarTest, PairedCounts, PairedDifferenceMethod,
    cochrans_q, mcnemar_test, paired_difference_interval,
};
pub use stats::planning::{margin_of_error, sample_size_for_margin};
pub use stats::power::{SampleSize, two_proportion_power, two_proportion_sample_size};
pub use stats::proportion::{Proportion, ProportionMethod};
pub use stats::published::{PublishedComparison, PublishedShare};
pub use stats::quantile::QuantileEstimate;
pub use stats::rates::{RateRatio, RateRatioMethod, rate_ratio_interval};
pub use stats::ratio::{
    OddsRatioMethod, RiskRatioMethod, odds_ratio_interval, risk_ratio_interval,
};
pub use stats::z_test::{TwoProportionZTest, two_proportion_z_test};
pub use survey::breakdown::{Breakdown, BreakdownOptions, BreakdownRow};
pub use survey::categories::Categories;
pub use survey::category::{Category, Ordinal, Slot};
pub use survey::comparison::{
    Comparison, ComparisonOptions, ComparisonSettings, GroupEstimate, PairComparison, Verdict,
};
pub use survey::counts::{CrossCounts, Margin, QuestionKind};
pub use survey::crosstab::banners::Banners;
pub use survey::crosstab::letters::{PairTest, column_letter};
pub use survey::crosstab::means::{MeanCell, MeanRow, PairedRow};
pub use survey::crosstab::options::{CrosstabOptions, CrosstabSettings};
pub use survey::crosstab::versus::{CellVersus, Direction, Versus};
pub use survey::crosstab::{
    Crosstab, CrosstabCell, CrosstabColumn, CrosstabRow, DesignSummary, ReplicateSummary,
};
pub use survey::design::calibration::{
    CalibrationFunction, CalibrationOptions, CalibrationReport, CalibrationTargets,
    MAX_CALIBRATION_COLUMNS, MAX_CALIBRATION_ITERATIONS, NumericAuxiliary,
};
pub use survey::design::estimate::{
    DesignContrast, DesignEffectKind, DesignEffects, DesignEstimate, DomainEstimates, MAX_DOMAINS,
};
pub use survey::design::interval::DesignInterval;
pub use survey::design::quantile::DesignQuantile;
pub use survey::design::rao_scott::RaoScottTest;
pub use survey::design::ratio::DesignRatio;
pub use survey::design::replicate::{
    MAX_REPLICATES, ReplicateMethod, ReplicateScheme, ReplicateWeights,
};
pub use survey::design::summary::WeightSummary;
pub use survey::design::weighting::{
    CalibrationMargin, MAX_RAKE_ITERATIONS, RakeOptions, RakeReport,
};
pub use survey::design::{LonelyPsu, SampleDesign};
pub use survey::estimate::{Base, Estimate};
pub use survey::mean_comparison::{MeanComparison, MeanGroup, MeanPair};
pub use survey::multi_select::{MultiSelect, MultiSelectTally};
pub use survey::net::Net;
pub use survey::paired::PairedComparison;
pub use survey::settings::{DesignSettings, IntervalSettings, TestSettings};
pub use survey::sums::Sums;
pub use survey::tally::key::Key;
pub use survey::tally::{TALLY_FORMAT, TALLY_VERSION, Tally};

/// Items used by the code that [`category!`] generates; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::survey::category::parse_category;
    pub use serde;
}

/// The README's code sample, compiled and run as a doctest so that it cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
