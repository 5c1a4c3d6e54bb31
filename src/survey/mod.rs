//! Typed survey responses: answer sets, one-pass tallies, breakdowns, crosstabs and comparisons.
//!
//! Built only on the `stats` layer: a tally turns records into counts (with weights, exactly
//! mergeable), and the analyses turn counts into shares, intervals, tests and letters.

pub(crate) mod breakdown;
pub(crate) mod budget;
pub(crate) mod categories;
pub(crate) mod category;
pub(crate) mod codes;
pub(crate) mod comparison;
pub(crate) mod counts;
pub(crate) mod crosstab;
pub(crate) mod design;
pub(crate) mod estimate;
pub(crate) mod mean_comparison;
pub(crate) mod multi_select;
pub(crate) mod net;
pub(crate) mod paired;
pub(crate) mod settings;
pub(crate) mod sums;
pub(crate) mod tally;
