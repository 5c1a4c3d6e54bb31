//! Several crosstabs of one question side by side: a Total column and one banner per grouping.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::crosstab::Crosstab;

/// One question's crosstabs by several groupings (banners), side by side as market-research
/// tables print them, with an optional Total column. Each banner keeps its own columns, letters
/// and tests: a letter compares columns of its banner only.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Banners, Categories, CrossCounts, Crosstab, CrosstabOptions, Render};
///
/// let q = Categories::new("knows_impact", ["yes", "no"])?;
/// let by_role = CrossCounts::from_table(q.clone(), Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
/// let by_team = CrossCounts::from_table(q.clone(), Categories::new("team", ["PR", "Analytics"])?, &[[60, 65], [200, 205]])?;
/// let total = CrossCounts::from_table(q, Categories::new("Total", ["Total"])?, &[[125], [405]])?;
/// let options = CrosstabOptions::default();
/// let banners = Banners::new(
///     Some(Crosstab::new(&total, &options)?),
///     vec![Crosstab::new(&by_role, &options)?, Crosstab::new(&by_team, &options)?],
/// )?;
/// assert_eq!(banners.question(), "knows_impact");
/// let text = banners.to_text();
/// assert!(text.contains("Total") && text.contains("leader (A)") && text.contains("PR (A)"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Banners {
    total: Option<Crosstab>,
    banners: Vec<Crosstab>,
}

impl Banners {
    /// Puts crosstabs of one question side by side.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Banners, Error};
    /// assert!(matches!(Banners::new(None, vec![]), Err(Error::TooFewValues { .. })));
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] without any table; [`Error::InvalidParameter`] when the tables
    /// are of different questions (their rows differ) or the total has more than one column.
    pub fn new(total: Option<Crosstab>, banners: Vec<Crosstab>) -> Result<Self> {
        let mut tables = total.iter().chain(&banners);
        let Some(first) = tables.next() else {
            return Err(Error::TooFewValues {
                name: "crosstabs",
                len: 0,
                min: 1,
            });
        };
        let labels =
            |t: &Crosstab| -> Vec<String> { t.rows().iter().map(|r| r.label.clone()).collect() };
        if tables.any(|t| t.question() != first.question() || labels(t) != labels(first)) {
            return Err(Error::InvalidParameter {
                name: "crosstabs",
                value: f64::NAN,
                requirement: "side by side tables must be of one question, with the same rows",
            });
        }
        if total.as_ref().is_some_and(|t| t.columns().len() != 1) {
            return Err(Error::InvalidParameter {
                name: "total",
                value: f64::NAN,
                requirement: "the total is a crosstab with one column",
            });
        }
        Ok(Self { total, banners })
    }

    /// The question.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Banners, Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// # let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("role", ["a", "b"])?, &[[1, 2], [3, 4]])?;
    /// let banners = Banners::new(None, vec![Crosstab::new(&counts, &CrosstabOptions::default())?])?;
    /// assert_eq!(banners.question(), "q");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn question(&self) -> &str {
        self.tables().next().map_or("", Crosstab::question)
    }

    /// The Total column's table, when there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Banners, Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// # let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("role", ["a", "b"])?, &[[1, 2], [3, 4]])?;
    /// let banners = Banners::new(None, vec![Crosstab::new(&counts, &CrosstabOptions::default())?])?;
    /// assert!(banners.total().is_none());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn total(&self) -> Option<&Crosstab> {
        self.total.as_ref()
    }

    /// The banners, in the order given.
    ///
    /// # Examples
    ///
    /// ```
    /// # use survey_analytics::{Banners, Categories, CrossCounts, Crosstab, CrosstabOptions};
    /// # let counts = CrossCounts::from_table(Categories::new("q", ["yes", "no"])?, Categories::new("role", ["a", "b"])?, &[[1, 2], [3, 4]])?;
    /// let banners = Banners::new(None, vec![Crosstab::new(&counts, &CrosstabOptions::default())?])?;
    /// assert_eq!(banners.banners()[0].group_by(), "role");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn banners(&self) -> &[Crosstab] {
        &self.banners
    }

    /// The total (first, when there is one), then the banners.
    pub(crate) fn tables(&self) -> impl Iterator<Item = &Crosstab> {
        self.total.iter().chain(&self.banners)
    }
}
