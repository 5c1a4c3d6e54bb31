//! Nets: rows that merge several answers of a question ("top 2 box", "at least weekly").

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::categories::Categories;
use crate::survey::category::{Category, Ordinal};
use crate::survey::counts::QuestionKind;
use crate::survey::sums::Sums;

/// A row that merges several categories of a single-choice question, shown beside the categories
/// themselves: top-2-box ("agree or strongly agree"), bottom-2-box, at-least-k ("at least weekly"),
/// or any named set.
///
/// Members are positions in the question's categories; typed constructors take the categories
/// themselves. Since a single-choice respondent gives one answer, a net's count is the sum of its
/// members' counts (and likewise for weights), so nets are computed from a tally after the fact.
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Net};
///
/// category! {
///     /// Agreement scale.
///     pub ordinal enum Agreement("agreement") {
///         /// 1.
///         StronglyDisagree = "Strongly disagree" as "1",
///         /// 2.
///         Disagree = "Disagree" as "2",
///         /// 3.
///         Neutral = "Neither" as "3",
///         /// 4.
///         Agree = "Agree" as "4",
///         /// 5.
///         StronglyAgree = "Strongly agree" as "5",
///     }
/// }
///
/// let top = Net::top_box::<Agreement>(2)?;
/// assert_eq!(top.label(), "Top 2 box");
/// assert_eq!(top.members(), [3, 4]);
/// assert_eq!(Net::at_least(Agreement::Neutral).members(), [2, 3, 4]);
/// assert!(Net::top_box::<Agreement>(0).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawNet")]
pub struct Net {
    label: String,
    members: Vec<usize>,
}

/// Unvalidated form used to deserialise a [`Net`] (through [`Net::new`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNet {
    label: String,
    members: Vec<usize>,
}

impl TryFrom<RawNet> for Net {
    type Error = Error;

    fn try_from(raw: RawNet) -> Result<Self> {
        Self::new(raw.label, raw.members)
    }
}

impl Net {
    /// A net of category positions.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, Net};
    ///
    /// let net = Net::new("Any use", [2, 0, 2])?;
    /// assert_eq!(net.members(), [0, 2]); // sorted, duplicates dropped
    /// assert!(matches!(Net::new("Empty", []), Err(Error::TooFewValues { .. })));
    /// assert!(matches!(Net::new("", [0]), Err(Error::InvalidLabel { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for no members; [`Error::InvalidLabel`] for an empty label.
    pub fn new(label: impl Into<String>, members: impl IntoIterator<Item = usize>) -> Result<Self> {
        let label = label.into();
        if label.is_empty() {
            return Err(Error::InvalidLabel {
                label,
                reason: "a net needs a label",
            });
        }
        let mut members: Vec<usize> = members.into_iter().collect();
        members.sort_unstable();
        members.dedup();
        if members.is_empty() {
            return Err(Error::TooFewValues {
                name: "net members",
                len: 0,
                min: 1,
            });
        }
        Ok(Self { label, members })
    }

    /// A net of typed categories.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Net};
    /// # category! {
    /// #     /// Agreement scale.
    /// #     pub ordinal enum Agreement("agreement") {
    /// #         /// 1.
    /// #         StronglyDisagree = "Strongly disagree" as "1",
    /// #         /// 2.
    /// #         Disagree = "Disagree" as "2",
    /// #         /// 3.
    /// #         Neutral = "Neither" as "3",
    /// #         /// 4.
    /// #         Agree = "Agree" as "4",
    /// #         /// 5.
    /// #         StronglyAgree = "Strongly agree" as "5",
    /// #     }
    /// # }
    /// // `Agreement` is the five-point scale of the example on `Net`.
    /// let ends = [Agreement::StronglyAgree, Agreement::StronglyDisagree];
    /// let strong = Net::of("Strong views", &ends)?;
    /// assert_eq!(strong.members(), [0, 4]);
    /// assert!(Net::of::<Agreement>("Nobody", &[]).is_err());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Net::new`].
    pub fn of<C: Category>(label: impl Into<String>, members: &[C]) -> Result<Self> {
        Self::new(label, members.iter().map(|c| c.index()))
    }

    /// A net of categories named by label, for questions known only at run time.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Error, Net};
    ///
    /// let teams = Categories::new("team", ["PR", "Social media", "Analytics"])?;
    /// let comms = Net::from_labels("Communications", &teams, &["Social media", "PR"])?;
    /// assert_eq!(comms.members(), [0, 1]);
    /// let err = Net::from_labels("Legal and PR", &teams, &["PR", "Legal"]).unwrap_err();
    /// assert_eq!(err, Error::UnknownCategory { dimension: "team".into(), label: "Legal".into() });
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCategory`] for a label that is not one of `categories`; as [`Net::new`].
    pub fn from_labels<S: AsRef<str>>(
        label: impl Into<String>,
        categories: &Categories,
        members: &[S],
    ) -> Result<Self> {
        let positions = members
            .iter()
            .map(|m| {
                categories
                    .index_of(m.as_ref())
                    .ok_or_else(|| Error::UnknownCategory {
                        dimension: categories.name().to_string(),
                        label: m.as_ref().to_string(),
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        Self::new(label, positions)
    }

    /// The `k` highest points of an ordered scale, labelled "Top k box".
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Error, Net};
    /// # category! {
    /// #     /// Agreement scale.
    /// #     pub ordinal enum Agreement("agreement") {
    /// #         /// 1.
    /// #         StronglyDisagree = "Strongly disagree" as "1",
    /// #         /// 2.
    /// #         Disagree = "Disagree" as "2",
    /// #         /// 3.
    /// #         Neutral = "Neither" as "3",
    /// #         /// 4.
    /// #         Agree = "Agree" as "4",
    /// #         /// 5.
    /// #         StronglyAgree = "Strongly agree" as "5",
    /// #     }
    /// # }
    /// // `Agreement` is the five-point scale of the example on `Net`.
    /// let top = Net::top_box::<Agreement>(1)?;
    /// assert_eq!((top.label(), top.members()), ("Top 1 box", &[4][..]));
    /// assert!(matches!(Net::top_box::<Agreement>(6), Err(Error::InvalidParameter { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `1 <= k <= ` the number of points.
    pub fn top_box<C: Ordinal>(k: usize) -> Result<Self> {
        let n = C::ALL.len();
        check_box_size(k, n)?;
        Self::new(format!("Top {k} box"), n - k..n)
    }

    /// The `k` lowest points of an ordered scale, labelled "Bottom k box".
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Error, Net};
    /// # category! {
    /// #     /// Agreement scale.
    /// #     pub ordinal enum Agreement("agreement") {
    /// #         /// 1.
    /// #         StronglyDisagree = "Strongly disagree" as "1",
    /// #         /// 2.
    /// #         Disagree = "Disagree" as "2",
    /// #         /// 3.
    /// #         Neutral = "Neither" as "3",
    /// #         /// 4.
    /// #         Agree = "Agree" as "4",
    /// #         /// 5.
    /// #         StronglyAgree = "Strongly agree" as "5",
    /// #     }
    /// # }
    /// // `Agreement` is the five-point scale of the example on `Net`.
    /// let bottom = Net::bottom_box::<Agreement>(2)?;
    /// assert_eq!((bottom.label(), bottom.members()), ("Bottom 2 box", &[0, 1][..]));
    /// assert!(matches!(Net::bottom_box::<Agreement>(0), Err(Error::InvalidParameter { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `1 <= k <= ` the number of points.
    pub fn bottom_box<C: Ordinal>(k: usize) -> Result<Self> {
        check_box_size(k, C::ALL.len())?;
        Self::new(format!("Bottom {k} box"), 0..k)
    }

    /// `threshold` and every point above it, labelled "At least" and the threshold's label.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Net};
    /// # category! {
    /// #     /// Agreement scale.
    /// #     pub ordinal enum Agreement("agreement") {
    /// #         /// 1.
    /// #         StronglyDisagree = "Strongly disagree" as "1",
    /// #         /// 2.
    /// #         Disagree = "Disagree" as "2",
    /// #         /// 3.
    /// #         Neutral = "Neither" as "3",
    /// #         /// 4.
    /// #         Agree = "Agree" as "4",
    /// #         /// 5.
    /// #         StronglyAgree = "Strongly agree" as "5",
    /// #     }
    /// # }
    /// // `Agreement` is the five-point scale of the example on `Net`.
    /// let agree = Net::at_least(Agreement::Agree);
    /// assert_eq!(agree.label(), "At least Agree");
    /// assert_eq!(agree.members(), [3, 4]);
    /// ```
    pub fn at_least<C: Ordinal>(threshold: C) -> Self {
        Self {
            label: format!("At least {}", threshold.label()),
            members: (threshold.index()..C::ALL.len()).collect(),
        }
    }

    /// The row label.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Net;
    ///
    /// assert_eq!(Net::new("Agree (any)", [3, 4])?.label(), "Agree (any)");
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Positions of the merged categories, ascending.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Net;
    ///
    /// assert_eq!(Net::new("Ends of the scale", [4, 0])?.members(), [0, 4]);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn members(&self) -> &[usize] {
        &self.members
    }

    /// Checks that the net applies to a question of this kind with these categories: nets merge
    /// the answers of single-choice questions, and their members must exist.
    pub(crate) fn check(&self, kind: QuestionKind, categories: &Categories) -> Result<()> {
        if kind == QuestionKind::MultiSelect {
            return Err(Error::InvalidNet {
                label: self.label.clone(),
                reason: "the options of a multi-select question overlap, so their counts do not add \
                         up; tally the net as an option of its own",
            });
        }
        match self.members.iter().find(|&&m| m >= categories.len()) {
            Some(&index) => Err(Error::CategoryOutOfRange {
                dimension: categories.name().to_string(),
                index,
                len: categories.len(),
            }),
            None => Ok(()),
        }
    }

    /// The net's sums: its members' cells merged, refused where they overflow.
    pub(crate) fn merge(&self, cell: impl Fn(usize) -> Sums) -> Result<Sums> {
        self.members
            .iter()
            .fold(Sums::default(), |sum, &m| sum.merged(cell(m)))
            .checked()
    }
}

fn check_box_size(k: usize, points: usize) -> Result<()> {
    if k == 0 || k > points {
        return Err(Error::InvalidParameter {
            name: "box size",
            value: k as f64,
            requirement: "must be between 1 and the number of scale points",
        });
    }
    Ok(())
}
