//! The key of a typed tally: a tuple of answers whose types fix the dimensions at compile time.

use crate::survey::categories::Categories;
use crate::survey::category::{Category, Slot};

/// A tuple of typed answers, one per dimension of a [`Tally`](crate::Tally): each element is a
/// [`Category`](crate::Category) or an `Option` of one (`None` = no answer).
///
/// # Examples
///
/// ```
/// use survey_analytics::{category, Key};
///
/// category! {
///     /// A yes/no answer.
///     pub enum YesNo("answer") {
///         /// Yes.
///         Yes = "Yes" as "yes",
///         /// No.
///         No = "No" as "no",
///     }
/// }
/// type Answers = (YesNo, Option<YesNo>);
/// assert_eq!(<Answers as Key<2>>::SLOTS, [3, 3]); // two answers plus "no answer", twice
/// assert_eq!(<Answers as Key<2>>::STRIDES, [1, 3]);
/// assert_eq!(<Answers as Key<2>>::CELLS, 9);
/// ```
pub trait Key<const D: usize>: Copy {
    /// Slots per dimension (categories plus "no answer"), known at compile time so that the
    /// counting loop multiplies by constants.
    const SLOTS: [usize; D];

    /// The tally's strides for these slots (dimension 0 varies fastest).
    const STRIDES: [usize; D] = strides(Self::SLOTS);

    /// Number of cells of the tally.
    const CELLS: usize = cells(Self::SLOTS);

    /// The dimensions, from the element types.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Key};
    /// # category! {
    /// #     /// A yes/no answer.
    /// #     pub enum YesNo("answer") {
    /// #         /// Yes.
    /// #         Yes = "Yes" as "yes",
    /// #         /// No.
    /// #         No = "No" as "no",
    /// #     }
    /// # }
    /// let [first, second] = <(YesNo, Option<YesNo>) as Key<2>>::dimensions();
    /// assert_eq!(first.name(), "answer");
    /// assert_eq!(second.labels(), ["Yes", "No"]);
    /// ```
    fn dimensions() -> [Categories; D];

    /// Each element's position, or `None` when missing.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{category, Key};
    /// # category! {
    /// #     /// A yes/no answer.
    /// #     pub enum YesNo("answer") {
    /// #         /// Yes.
    /// #         Yes = "Yes" as "yes",
    /// #         /// No.
    /// #         No = "No" as "no",
    /// #     }
    /// # }
    /// assert_eq!((YesNo::No, None::<YesNo>).slots(), [Some(1), None]);
    /// assert_eq!((Some(YesNo::Yes),).slots(), [Some(0)]);
    /// ```
    fn slots(self) -> [Option<usize>; D];
}

macro_rules! impl_key {
    ($d:literal; $($t:ident . $i:tt),+) => {
        impl<$($t: Slot),+> Key<$d> for ($($t,)+) {
            const SLOTS: [usize; $d] = [$(<$t::Category as Category>::ALL.len() + 1),+];

            fn dimensions() -> [Categories; $d] {
                [$(Categories::of::<$t::Category>()),+]
            }

            fn slots(self) -> [Option<usize>; $d] {
                [$(self.$i.slot()),+]
            }
        }
    };
}

/// Mixed-radix strides: the first dimension varies fastest.
const fn strides<const D: usize>(slots: [usize; D]) -> [usize; D] {
    let mut strides = [0; D];
    let mut stride: usize = 1;
    let mut d = 0;
    while d < D {
        strides[d] = stride;
        stride = stride.saturating_mul(slots[d]);
        d += 1;
    }
    strides
}

/// Product of the slot counts.
const fn cells<const D: usize>(slots: [usize; D]) -> usize {
    let mut cells: usize = 1;
    let mut d = 0;
    while d < D {
        cells = cells.saturating_mul(slots[d]);
        d += 1;
    }
    cells
}

impl_key!(1; A.0);
impl_key!(2; A.0, B.1);
impl_key!(3; A.0, B.1, C.2);
impl_key!(4; A.0, B.1, C.2, E.3);
