//! The alternative hypothesis of a test.

use serde::{Deserialize, Serialize};

use crate::stats::names::method_names;
use crate::stats::numerics::normal;

/// Which departure from the null hypothesis a test looks for.
///
/// For a comparison of a first group with a second, `Greater` means "the first is larger".
///
/// # Examples
///
/// ```
/// use survey_analytics::Alternative;
/// assert_eq!(Alternative::default(), Alternative::TwoSided);
/// assert_eq!("greater".parse::<Alternative>()?, Alternative::Greater);
/// assert_eq!("two_sided".parse::<Alternative>()?.to_string(), "two-sided");
/// assert!("sideways".parse::<Alternative>().is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// The first differs from the second in either direction.
    #[default]
    TwoSided,
    /// The first is larger than the second.
    Greater,
    /// The first is smaller than the second.
    Less,
}

method_names!(Alternative, "alternative",
    TwoSided => "two-sided" | "twosided",
    Greater => "greater" | "larger",
    Less => "less" | "smaller",
);

impl Alternative {
    /// The p-value of a standard normal statistic `z` under this alternative.
    pub(crate) fn normal_p_value(self, z: f64) -> f64 {
        match self {
            Self::TwoSided => normal::two_sided_p(z),
            Self::Greater => normal::sf(z),
            Self::Less => normal::cdf(z),
        }
    }
}
