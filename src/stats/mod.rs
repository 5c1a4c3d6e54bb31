//! Pure statistics on counts and estimates: intervals, tests, adjustments, planning and rates.
//!
//! Nothing here knows about respondents or questions; the `survey` layer turns responses into the
//! counts and effective bases these functions take. One idea per file; everything public is
//! re-exported from the crate root.

pub(crate) mod adjust;
pub(crate) mod alternative;
pub(crate) mod chi_square;
pub(crate) mod difference;
pub(crate) mod effect_size;
pub(crate) mod fisher;
pub(crate) mod interval;
pub(crate) mod level;
pub(crate) mod means;
pub(crate) mod multinomial;
pub(crate) mod names;
pub(crate) mod nps;
pub(crate) mod numerics;
pub(crate) mod paired;
pub(crate) mod planning;
pub(crate) mod power;
pub(crate) mod proportion;
pub(crate) mod published;
pub(crate) mod quantile;
pub(crate) mod rates;
pub(crate) mod ratio;
pub(crate) mod z_test;
