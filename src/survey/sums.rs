//! Exact running totals: counts, weights and squared weights in fixed point.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Fractional bits of the fixed-point weight format: weights are held as multiples of 2^-64.
const FRACTION_BITS: i32 = 64;

/// `2^64` as an `f64`.
const SCALE: f64 = 18_446_744_073_709_551_616.0;

/// A weight converted once, on entry, to the fixed-point format used by [`Sums`].
///
/// Sums of `f64` weights depend on the order of addition, so two shards of the same data merged in
/// different orders would differ in the last bits. Weights are therefore rounded once to a multiple
/// of 2^-64 (about 5.4e-20) and summed as 128-bit integers: every sum is then exact, and merging is
/// associative and commutative. Totals up to 2^64 (about 1.8e19) are representable, for the weights
/// and for the squared weights; additions saturate, and a saturated total is reported as
/// [`Error::CountTooLarge`] when the tally is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedWeight {
    weight: u128,
    squared: u128,
}

impl FixedWeight {
    /// The weight 1 (an unweighted record).
    pub(crate) const ONE: Self = Self {
        weight: 1 << FRACTION_BITS,
        squared: 1 << FRACTION_BITS,
    };

    /// The fixed-point weight and squared weight.
    pub(crate) fn parts(self) -> (u128, u128) {
        (self.weight, self.squared)
    }

    /// Converts a weight, which must be finite and non-negative.
    pub(crate) fn new(weight: f64) -> Result<Self> {
        if !(0.0..SCALE).contains(&weight) {
            return Err(Error::InvalidWeight {
                value: weight,
                record: None,
            });
        }
        // weight * 2^64 < 2^128 here, so that conversion is an exact rounding; the squared weight
        // saturates at u128::MAX for weights of 2^32 and more, which `Sums::checked` reports.
        Ok(Self {
            weight: (weight * SCALE).round() as u128,
            squared: (weight * weight * SCALE).round() as u128,
        })
    }
}

fn to_f64(fixed: u128) -> f64 {
    fixed as f64 / SCALE
}

/// Totals for one cell of a tally: how many records fell in it, the sum of their weights and the sum
/// of their squared weights (from which the Kish effective base follows).
///
/// Unweighted tallies leave the weight sums equal to the count. All three totals are exact, so
/// adding records in any order, or merging partial totals in any grouping, gives identical results.
///
/// ```
/// use survey_analytics::Sums;
///
/// let mut a = Sums::default();
/// a.add_weighted(2.0)?;
/// a.add_weighted(1.0)?;
/// assert_eq!(a.count(), 2);
/// assert_eq!(a.weight(), 3.0);
/// assert_eq!(a.weight_squared(), 5.0);
/// assert_eq!(a.effective_base(), 9.0 / 5.0);
/// assert!(a.add_weighted(-1.0).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sums {
    count: u64,
    weight: u128,
    weight_squared: u128,
}

impl Sums {
    /// Adds one record of weight 1.
    ///
    /// ```
    /// use survey_analytics::Sums;
    ///
    /// let mut sums = Sums::default();
    /// sums.add();
    /// sums.add();
    /// assert_eq!((sums.count(), sums.weight(), sums.effective_base()), (2, 2.0, 2.0));
    /// ```
    pub fn add(&mut self) {
        self.add_fixed(FixedWeight::ONE);
    }

    /// Adds one record with a weight.
    ///
    /// ```
    /// use survey_analytics::{Error, Sums};
    ///
    /// let mut sums = Sums::default();
    /// sums.add_weighted(0.5)?;
    /// let err = sums.add_weighted(f64::INFINITY).unwrap_err();
    /// assert_eq!(err, Error::InvalidWeight { value: f64::INFINITY, record: None });
    /// assert_eq!((sums.count(), sums.weight()), (1, 0.5)); // the bad weight was not added
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWeight`] unless the weight is finite and non-negative (and below 2^64).
    pub fn add_weighted(&mut self, weight: f64) -> Result<()> {
        self.add_fixed(FixedWeight::new(weight)?);
        Ok(())
    }

    pub(crate) fn add_fixed(&mut self, w: FixedWeight) {
        self.count = self.count.saturating_add(1);
        self.weight = self.weight.saturating_add(w.weight);
        self.weight_squared = self.weight_squared.saturating_add(w.squared);
    }

    /// Totals from their fixed-point parts.
    pub(crate) fn from_parts(count: u64, weight: u128, weight_squared: u128) -> Sums {
        Sums {
            count,
            weight,
            weight_squared,
        }
    }

    /// `count` records of weight 1.
    pub(crate) fn unweighted(count: u64) -> Sums {
        let fixed = u128::from(count) << FRACTION_BITS;
        Sums {
            count,
            weight: fixed,
            weight_squared: fixed,
        }
    }

    /// `self`, unless a total saturated.
    ///
    /// ```
    /// use survey_analytics::{Error, Sums};
    ///
    /// let mut sums = Sums::default();
    /// sums.add_weighted(3.0)?;
    /// assert_eq!(sums.checked()?, sums);
    ///
    /// let mut huge = Sums::default();
    /// huge.add_weighted(1e10)?; // its square, 1e20, is past 2^64
    /// assert!(matches!(huge.checked(), Err(Error::CountTooLarge { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::CountTooLarge`] when the weights or squared weights summed past 2^64.
    pub fn checked(self) -> Result<Sums> {
        if self.count == u64::MAX || self.weight == u128::MAX || self.weight_squared == u128::MAX {
            return Err(Error::CountTooLarge {
                name: "weight total",
                value: u64::MAX,
                max: u64::MAX,
            });
        }
        Ok(self)
    }

    /// The totals of `self` and `other` together (saturating; see [`Sums::checked`]).
    ///
    /// ```
    /// use survey_analytics::Sums;
    /// let (mut a, mut b) = (Sums::default(), Sums::default());
    /// a.add_weighted(0.1)?;
    /// b.add_weighted(0.2)?;
    /// assert_eq!(a.merged(b), b.merged(a));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn merged(self, other: Sums) -> Sums {
        Sums {
            count: self.count.saturating_add(other.count),
            weight: self.weight.saturating_add(other.weight),
            weight_squared: self.weight_squared.saturating_add(other.weight_squared),
        }
    }

    /// Number of records.
    ///
    /// ```
    /// use survey_analytics::Sums;
    ///
    /// let mut sums = Sums::default();
    /// sums.add_weighted(0.0)?; // a zero weight still counts as a record
    /// assert_eq!((sums.count(), sums.weight()), (1, 0.0));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sum of the weights.
    ///
    /// ```
    /// use survey_analytics::Sums;
    ///
    /// let mut sums = Sums::default();
    /// for w in [0.25, 0.75, 1.5] {
    ///     sums.add_weighted(w)?;
    /// }
    /// assert_eq!(sums.weight(), 2.5);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn weight(&self) -> f64 {
        to_f64(self.weight)
    }

    /// Sum of the squared weights.
    ///
    /// ```
    /// use survey_analytics::Sums;
    ///
    /// let mut sums = Sums::default();
    /// for w in [0.25, 0.75] {
    ///     sums.add_weighted(w)?;
    /// }
    /// assert_eq!(sums.weight_squared(), 0.0625 + 0.5625);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn weight_squared(&self) -> f64 {
        to_f64(self.weight_squared)
    }

    /// The Kish effective base `(sum w)^2 / sum w^2`: the number of unweighted records that would
    /// give the same precision. Equal to the count for equal weights; 0 for an empty cell.
    ///
    /// Reference: Kish (1965), *Survey Sampling*, 11.7.
    ///
    /// ```
    /// use survey_analytics::Sums;
    ///
    /// let mut equal = Sums::default();
    /// for _ in 0..4 {
    ///     equal.add_weighted(3.0)?;
    /// }
    /// assert_eq!(equal.effective_base(), 4.0); // equal weights: the count
    ///
    /// let mut unequal = Sums::default();
    /// for w in [1.0, 3.0] {
    ///     unequal.add_weighted(w)?;
    /// }
    /// assert_eq!(unequal.effective_base(), 16.0 / 10.0); // fewer than 2 records' worth
    /// assert_eq!(Sums::default().effective_base(), 0.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn effective_base(&self) -> f64 {
        let squared = self.weight_squared();
        if squared > 0.0 {
            self.weight() * self.weight() / squared
        } else {
            0.0
        }
    }
}
