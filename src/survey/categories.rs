//! A dimension known at run time: a question's answers or a grouping variable's levels, by label.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::category::Category;

/// The ordered, named set of categories of one question or grouping variable.
///
/// Typed enums declared with [`category!`](crate::category) give theirs through
/// [`Categories::of`]; data whose answers are only known at run time (labels read from a file) build
/// one with [`Categories::new`]. Everything downstream (tallies, breakdowns, crosstabs) works on
/// positions in this list, so both routes share one machinery.
///
/// # Examples
///
/// ```
/// use survey_analytics::Categories;
///
/// let teams = Categories::new("team", ["PR", "Social media", "Analytics"])?;
/// assert_eq!(teams.len(), 3);
/// assert_eq!(teams.index_of("Analytics"), Some(2));
/// assert!(Categories::new("team", ["PR", "PR"]).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawCategories")]
pub struct Categories {
    name: String,
    labels: Vec<String>,
    /// Positions ordered by label (then position), for [`Categories::index_of`] by binary search.
    #[serde(skip)]
    by_label: Vec<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategories {
    name: String,
    labels: Vec<String>,
}

impl TryFrom<RawCategories> for Categories {
    type Error = Error;

    fn try_from(raw: RawCategories) -> Result<Self> {
        Self::new(raw.name, raw.labels)
    }
}

impl Categories {
    /// A named list of distinct, non-empty labels.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Error};
    ///
    /// let answers = Categories::new("knows_impact", ["Yes", "No"])?;
    /// assert_eq!(answers.labels(), ["Yes", "No"]);
    /// let none: [&str; 0] = [];
    /// assert!(matches!(Categories::new("q", none), Err(Error::TooFewValues { .. })));
    /// assert!(matches!(Categories::new("q", ["Yes", ""]), Err(Error::InvalidLabel { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Numerics
    ///
    /// Checking and indexing the labels costs `O(k log k)` for `k` labels (a million postcodes
    /// take well under a second); [`Categories::index_of`] then costs `O(log k)`.
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for an empty list; [`Error::InvalidLabel`] for an empty or repeated
    /// label; [`Error::CountTooLarge`] for more than 2^32 labels.
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        labels: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let labels: Vec<String> = labels.into_iter().map(Into::into).collect();
        if labels.is_empty() {
            return Err(Error::TooFewValues {
                name: "categories",
                len: 0,
                min: 1,
            });
        }
        if let Some(label) = labels.iter().find(|l| l.is_empty()) {
            return Err(Error::InvalidLabel {
                label: label.clone(),
                reason: "labels must not be empty",
            });
        }
        let by_label = order_by_label(&labels)?;
        // Equal labels sit side by side in label order.
        if let Some(pair) = by_label.windows(2).find(|pair| {
            let label = |i: u32| labels.get(i as usize);
            label(pair[0]) == label(pair[1])
        }) {
            let repeated = labels.get(pair[0] as usize).cloned().unwrap_or_default();
            return Err(Error::InvalidLabel {
                label: repeated,
                reason: "labels must be distinct",
            });
        }
        Ok(Self {
            name: name.into(),
            labels,
            by_label,
        })
    }

    /// The categories of a typed enum, in declaration order, named after the enum's question.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Categories, Category};
    ///
    /// category! {
    ///     /// Seniority of the respondent.
    ///     pub enum Seniority("seniority") {
    ///         /// Junior staff.
    ///         Junior = "Junior" as "junior",
    ///         /// Senior staff.
    ///         Senior = "Senior" as "senior",
    ///     }
    /// }
    /// let levels = Categories::of::<Seniority>();
    /// assert_eq!(levels.name(), "seniority");
    /// assert_eq!(levels.labels(), ["Junior", "Senior"]);
    /// ```
    pub fn of<C: Category>() -> Self {
        let labels: Vec<String> = C::ALL.iter().map(|c| c.label().to_string()).collect();
        // A category type has far fewer than 2^32 variants.
        let by_label = order_by_label(&labels).unwrap_or_default();
        Self {
            name: C::NAME.to_string(),
            labels,
            by_label,
        }
    }

    /// The same categories under another name (a question's wording, say).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Category};
    /// let knows = bool::categories().renamed("knows how impact is measured");
    /// assert_eq!(knows.name(), "knows how impact is measured");
    /// assert_eq!(knows.labels(), ["Yes", "No"]);
    /// ```
    pub fn renamed(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The name of the question or variable.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Categories;
    ///
    /// assert_eq!(Categories::new("team", ["PR", "Analytics"])?.name(), "team");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The labels, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Categories;
    ///
    /// let teams = Categories::new("team", ["PR", "Analytics"])?;
    /// assert_eq!(teams.labels(), ["PR", "Analytics"]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of categories.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Categories;
    ///
    /// assert_eq!(Categories::new("team", ["PR", "Social media", "Analytics"])?.len(), 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false: a dimension has at least one category.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Categories;
    ///
    /// assert!(!Categories::new("team", ["PR"])?.is_empty());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The label at `index`, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Categories;
    ///
    /// let teams = Categories::new("team", ["PR", "Analytics"])?;
    /// assert_eq!(teams.label(1), Some("Analytics"));
    /// assert_eq!(teams.label(2), None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index).map(String::as_str)
    }

    /// The position of a label.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Categories;
    ///
    /// let teams = Categories::new("team", ["PR", "Analytics"])?;
    /// assert_eq!(teams.index_of("PR"), Some(0));
    /// assert_eq!(teams.index_of("pr"), None); // labels match exactly
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn index_of(&self, label: &str) -> Option<usize> {
        let label_at = |i: u32| self.labels.get(i as usize).map_or("", String::as_str);
        // The first position whose label is not below `label` (the first of equal labels).
        let at = self.by_label.partition_point(|&i| label_at(i) < label);
        self.by_label
            .get(at)
            .filter(|&&i| label_at(i) == label)
            .map(|&i| i as usize)
    }
}

/// The positions of `labels` ordered by label, equal labels by position.
fn order_by_label(labels: &[String]) -> Result<Vec<u32>> {
    let len = u32::try_from(labels.len()).map_err(|_| Error::CountTooLarge {
        name: "categories",
        value: u64::try_from(labels.len()).unwrap_or(u64::MAX),
        max: u64::from(u32::MAX),
    })?;
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| {
        let label = |i: u32| labels.get(i as usize);
        label(a).cmp(&label(b)).then(a.cmp(&b))
    });
    Ok(order)
}
