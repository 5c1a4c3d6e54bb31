//! Typed answer sets: the `Category` trait and the `category!` macro that declares one.

use crate::error::{Error, Result};
use crate::survey::categories::Categories;

/// A finite set of answers (or groups) as a Rust type, usually a fieldless enum declared with
/// [`category!`](crate::category).
///
/// `ALL` lists the variants in their natural order (for an ordered scale, from lowest to highest);
/// `index` is the position in `ALL`; `label` is what reports print and `key` the short stable name
/// used by serde and by parsing.
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Category};
///
/// category! {
///     /// Role of the respondent.
///     pub enum Role("role") {
///         /// Leads the department.
///         Leader = "Leader" as "leader",
///         /// Individual contributor.
///         Contributor = "Individual contributor" as "ic",
///     }
/// }
/// assert_eq!(Role::NAME, "role");
/// assert_eq!(Role::ALL, [Role::Leader, Role::Contributor]);
/// assert_eq!(Role::Contributor.index(), 1);
/// assert_eq!(Role::Contributor.label(), "Individual contributor");
/// assert_eq!(Role::Contributor.key(), "ic");
/// ```
///
/// # Text keys
///
/// Typed tallies take categories, not text: a key of `&str` or `String` does not compile, and the
/// compiler's note points here.
///
/// ```compile_fail
/// use survey_analytics::Tally;
/// let roles = ["leader", "ic"];
/// let tally = Tally::count(&roles, |r| (**r,)); // `&str` is not a category type
/// ```
///
/// Answers known only at run time go through [`Categories`] and positions instead:
///
/// ```
/// use survey_analytics::{Categories, Tally};
///
/// let roles = Categories::new("role", ["leader", "ic"])?;
/// let mut tally = Tally::new(vec![roles.clone()])?;
/// for answer in ["leader", "ic", "ic"] {
///     tally.add(&[roles.index_of(answer)])?;
/// }
/// assert_eq!(tally.margin(0)?.cell(1).count(), 2);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a category type",
    label = "not a typed answer set",
    note = "declare a typed answer set with `category!` to count typed records",
    note = "for answers known only at run time (text such as `&str` or `String`), build the \
            dimension with `Categories::new` and add each record's positions with `Tally::add` \
            (`Categories::index_of` finds a label's position)"
)]
pub trait Category: Copy + Eq + std::hash::Hash + std::fmt::Debug + 'static {
    /// Name of the question or grouping variable (for example `"role"`).
    const NAME: &'static str;
    /// Every category, in order.
    const ALL: &'static [Self];

    /// Position in [`Category::ALL`].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Category};
    /// # category! {
    /// #     /// Role of the respondent.
    /// #     pub enum Role("role") {
    /// #         /// Leads the department.
    /// #         Leader = "Leader" as "leader",
    /// #         /// Individual contributor.
    /// #         Contributor = "Individual contributor" as "ic",
    /// #     }
    /// # }
    /// assert_eq!(Role::Leader.index(), 0);
    /// assert_eq!(Role::ALL[Role::Contributor.index()], Role::Contributor);
    /// ```
    fn index(self) -> usize;

    /// Human-readable label, as printed in tables.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Category};
    /// # category! {
    /// #     /// Role of the respondent.
    /// #     pub enum Role("role") {
    /// #         /// Leads the department.
    /// #         Leader = "Leader" as "leader",
    /// #         /// Individual contributor.
    /// #         Contributor = "Individual contributor" as "ic",
    /// #     }
    /// # }
    /// assert_eq!(Role::Contributor.label(), "Individual contributor");
    /// assert_eq!(Role::Contributor.to_string(), Role::Contributor.label());
    /// ```
    fn label(self) -> &'static str;

    /// Stable machine name, used by serde and accepted by parsing.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Category};
    /// # category! {
    /// #     /// Role of the respondent.
    /// #     pub enum Role("role") {
    /// #         /// Leads the department.
    /// #         Leader = "Leader" as "leader",
    /// #         /// Individual contributor.
    /// #         Contributor = "Individual contributor" as "ic",
    /// #     }
    /// # }
    /// assert_eq!(Role::Contributor.key(), "ic");
    /// assert_eq!("ic".parse::<Role>()?, Role::Contributor);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    fn key(self) -> &'static str;

    /// The category at a position in [`Category::ALL`].
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Category};
    /// # category! {
    /// #     /// Role of the respondent.
    /// #     pub enum Role("role") {
    /// #         /// Leads the department.
    /// #         Leader = "Leader" as "leader",
    /// #         /// Individual contributor.
    /// #         Contributor = "Individual contributor" as "ic",
    /// #     }
    /// # }
    /// assert_eq!(Role::from_index(1), Some(Role::Contributor));
    /// assert_eq!(Role::from_index(2), None);
    /// ```
    fn from_index(index: usize) -> Option<Self> {
        Self::ALL.get(index).copied()
    }

    /// The run-time [`Categories`] of this type.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Categories, Category};
    /// # category! {
    /// #     /// Role of the respondent.
    /// #     pub enum Role("role") {
    /// #         /// Leads the department.
    /// #         Leader = "Leader" as "leader",
    /// #         /// Individual contributor.
    /// #         Contributor = "Individual contributor" as "ic",
    /// #     }
    /// # }
    /// let roles = Role::categories();
    /// assert_eq!(roles.labels(), ["Leader", "Individual contributor"]);
    /// assert_eq!(roles, Categories::of::<Role>());
    /// ```
    fn categories() -> Categories {
        Categories::of::<Self>()
    }
}

/// An ordered scale (Likert, frequency): [`Category::ALL`] runs from the lowest to the highest
/// point, which gives meaning to top-box and bottom-box nets ([`Net`](crate::Net)).
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Category, Net, Ordinal};
///
/// category! {
///     /// Size of the organisation.
///     pub ordinal enum Size("size") {
///         /// Under 50 staff.
///         Small = "Small" as "small",
///         /// 50 to 499 staff.
///         Medium = "Medium" as "medium",
///         /// 500 staff or more.
///         Large = "Large" as "large",
///     }
/// }
///
/// fn highest<C: Ordinal>() -> Option<C> {
///     C::ALL.last().copied()
/// }
/// assert_eq!(highest::<Size>(), Some(Size::Large));
/// assert_eq!(Net::top_box::<Size>(2)?.members(), [1, 2]);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub trait Ordinal: Category {}

/// Parses a category by key or label, ignoring ASCII case. Used by the code that
/// [`category!`](crate::category) generates.
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Error};
/// use survey_analytics::__private::parse_category;
/// # category! {
/// #     /// Role of the respondent.
/// #     pub enum Role("role") {
/// #         /// Leads the department.
/// #         Leader = "Leader" as "leader",
/// #         /// Individual contributor.
/// #         Contributor = "Individual contributor" as "ic",
/// #     }
/// # }
/// assert_eq!(parse_category::<Role>(" IC ")?, Role::Contributor); // key, trimmed, any case
/// assert_eq!(parse_category::<Role>("individual contributor")?, Role::Contributor); // label
/// let err = parse_category::<Role>("boss").unwrap_err();
/// assert!(matches!(err, Error::UnknownCategory { ref dimension, .. } if dimension == "role"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::UnknownCategory`] when the text, trimmed, is neither a key nor a label of `C`.
#[doc(hidden)]
pub fn parse_category<C: Category>(text: &str) -> Result<C> {
    let text = text.trim();
    C::ALL
        .iter()
        .copied()
        .find(|c| c.key().eq_ignore_ascii_case(text) || c.label().eq_ignore_ascii_case(text))
        .ok_or_else(|| Error::UnknownCategory {
            dimension: C::NAME.to_string(),
            label: text.to_string(),
        })
}

/// Declares a category enum with its labels and serde names in one place.
///
/// Each variant is written `Variant = "Label" as "key"`. The macro derives `Debug, Clone, Copy,
/// PartialEq, Eq, Hash, PartialOrd, Ord`, implements [`Category`] (with `NAME` taken from the string
/// after the enum's name), `Display` (the label), `FromStr` (key or label, ASCII case-insensitive)
/// and serde's `Serialize`/`Deserialize` (the key), without the caller depending on serde. Writing
/// `ordinal enum` also implements [`Ordinal`], for scales whose variants are listed from lowest to
/// highest.
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Category};
///
/// category! {
///     /// How familiar the respondent is with the department's goals.
///     pub ordinal enum Familiarity("familiarity") {
///         /// Lowest point.
///         NotAtAll = "Not at all familiar" as "not_at_all",
///         /// Middle point.
///         Somewhat = "Somewhat familiar" as "somewhat",
///         /// Highest point.
///         Very = "Very familiar" as "very",
///     }
/// }
///
/// assert_eq!(Familiarity::ALL.len(), 3);
/// assert_eq!(Familiarity::Very.index(), 2);
/// assert_eq!(Familiarity::Very.to_string(), "Very familiar");
/// assert_eq!("SOMEWHAT".parse::<Familiarity>()?, Familiarity::Somewhat);
/// assert!("unsure".parse::<Familiarity>().is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[macro_export]
macro_rules! category {
    (
        $(#[$meta:meta])*
        $vis:vis ordinal enum $name:ident ($question:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $label:literal as $key:literal ),+ $(,)?
        }
    ) => {
        $crate::category! {
            $(#[$meta])*
            $vis enum $name ($question) { $( $(#[$vmeta])* $variant = $label as $key ),+ }
        }
        impl $crate::Ordinal for $name {}
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($question:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $label:literal as $key:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        #[diagnostic::do_not_recommend]
        impl $crate::Category for $name {
            const NAME: &'static str = $question;
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn index(self) -> usize {
                self as usize
            }

            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            fn key(self) -> &'static str {
                match self { $(Self::$variant => $key),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::Category::label(*self))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(s: &str) -> ::std::result::Result<Self, $crate::Error> {
                $crate::__private::parse_category(s)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S)
                -> ::std::result::Result<S::Ok, S::Error>
            {
                serializer.serialize_str($crate::Category::key(*self))
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D)
                -> ::std::result::Result<Self, D::Error>
            {
                let text = <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                $crate::__private::parse_category(&text).map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
            }
        }
    };
}

/// A typed answer that may be missing: a category, or an `Option` of one. Tally keys are tuples of
/// these.
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Slot};
/// # category! {
/// #     /// Role of the respondent.
/// #     pub enum Role("role") {
/// #         /// Leads the department.
/// #         Leader = "Leader" as "leader",
/// #         /// Individual contributor.
/// #         Contributor = "Individual contributor" as "ic",
/// #     }
/// # }
/// assert_eq!(Role::Contributor.slot(), Some(1));
/// assert_eq!(Some(Role::Leader).slot(), Some(0));
/// assert_eq!(None::<Role>.slot(), None); // no answer
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a typed answer (a category, or an `Option` of one)",
    label = "not a typed answer",
    note = "declare a typed answer set with `category!` to count typed records",
    note = "for answers known only at run time (text such as `&str` or `String`), build the \
            dimension with `Categories::new` and add each record's positions with `Tally::add` \
            (`Categories::index_of` finds a label's position)"
)]
pub trait Slot: Copy {
    /// The category type.
    type Category: Category;

    /// The position of the answer, or `None` when it is missing.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Slot};
    /// # category! {
    /// #     /// Role of the respondent.
    /// #     pub enum Role("role") {
    /// #         /// Leads the department.
    /// #         Leader = "Leader" as "leader",
    /// #         /// Individual contributor.
    /// #         Contributor = "Individual contributor" as "ic",
    /// #     }
    /// # }
    /// let answers = [Some(Role::Contributor), None];
    /// assert_eq!(answers.map(Slot::slot), [Some(1), None]);
    /// ```
    fn slot(self) -> Option<usize>;
}

impl<C: Category> Slot for C {
    type Category = C;

    fn slot(self) -> Option<usize> {
        Some(self.index())
    }
}

impl<C: Category> Slot for Option<C> {
    type Category = C;

    fn slot(self) -> Option<usize> {
        self.map(Category::index)
    }
}

/// Yes/no answers are plain `bool`s: `true` is "Yes" (position 0), `false` is "No" (position 1).
///
/// # Examples
///
/// ```
/// use survey_analytics::Category;
/// assert_eq!(bool::ALL, &[true, false]);
/// assert_eq!(true.label(), "Yes");
/// assert_eq!(false.index(), 1);
/// ```
#[diagnostic::do_not_recommend]
impl Category for bool {
    const NAME: &'static str = "yes_no";
    const ALL: &'static [Self] = &[true, false];

    fn index(self) -> usize {
        usize::from(!self)
    }

    fn label(self) -> &'static str {
        if self { "Yes" } else { "No" }
    }

    fn key(self) -> &'static str {
        if self { "yes" } else { "no" }
    }
}
