//! Exact running totals: counts, weights and squared weights in fixed point.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::portable::{MAX_PORTABLE_COUNT, serialize_count};

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

    /// Whether [`FixedWeight::new`] accepts `weight`.
    pub(crate) fn accepts(weight: f64) -> bool {
        (0.0..SCALE).contains(&weight)
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
            weight: fixed_point(weight),
            squared: fixed_point(weight * weight),
        })
    }
}

/// `(x * 2^64).round() as u128` for a finite `x >= 0` (`u128::MAX` from 2^64 on), from the bits
/// of `x`: the same integer, without the float-to-u128 conversion, which is a slow library call
/// on common targets and was most of a weighted tally's time.
fn fixed_point(x: f64) -> u128 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1 << 52) - 1));
    // x = mantissa * 2^(power - 64), so x * 2^64 = mantissa * 2^power.
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074 + FRACTION_BITS)
    } else {
        (fraction | (1 << 52), exponent - 1075 + FRACTION_BITS)
    };
    if power >= 0 {
        // mantissa < 2^53: the product fits below 2^128 while power <= 75.
        return if power <= 75 {
            mantissa << power
        } else {
            u128::MAX
        };
    }
    let shift = power.unsigned_abs();
    if shift > 54 {
        return 0; // below a quarter
    }
    // Round half away from zero, as `f64::round`.
    let kept = mantissa >> shift;
    let half = 1_u128 << (shift - 1);
    kept + u128::from(mantissa & ((1 << shift) - 1) >= half)
}

fn to_f64(fixed: u128) -> f64 {
    fixed as f64 / SCALE
}

/// A fixed-point sum written as a decimal string, so that JSON readers of every language keep all
/// 128 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal(pub(crate) u128);

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // Digits only: u128's parser would also take a leading '+'.
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(format!(
                "'{text}' is not a decimal string of a fixed-point sum"
            )));
        }
        text.parse().map(Decimal).map_err(|_| {
            serde::de::Error::custom(format!("'{text}' is past the fixed-point range (2^128)"))
        })
    }
}

/// Why `count` records cannot have weight sums `weight` and `weight_squared` (fixed point), if so:
/// no saturation, nothing without records, and the inequalities every set of non-negative weights
/// obeys, `sum w^2 <= (sum w)^2 <= n sum w^2`, up to the rounding of each weight to 2^-64.
pub(crate) fn inconsistency(count: u64, weight: u128, weight_squared: u128) -> Option<String> {
    if count > MAX_PORTABLE_COUNT {
        return Some(format!("a count of {count} is above 2^53"));
    }
    if weight == u128::MAX || weight_squared == u128::MAX {
        return Some("a weight sum is saturated (past 2^64)".to_string());
    }
    if count == 0 {
        return (weight != 0 || weight_squared != 0)
            .then(|| "weights are summed over no records".to_string());
    }
    let (n, w, w2) = (count as f64, to_f64(weight), to_f64(weight_squared));
    // Each weight and squared weight is rounded to a multiple of 2^-64 on entry.
    let slack = n / SCALE;
    if w2 > w * w * (1.0 + 1e-9) + slack * (1.0 + 2.0 * w) {
        return Some(format!(
            "the squared weights sum to {w2}, more than the square of the weights' sum {w}"
        ));
    }
    if n * w2 < w * w * (1.0 - 1e-9) - n * slack * (1.0 + 2.0 * w) {
        return Some(format!(
            "{count} records with weights summing to {w} need squared weights summing to at least \
             {}, not {w2}",
            w * w / n
        ));
    }
    None
}

/// Totals for one cell of a tally: how many records fell in it, the sum of their weights and the sum
/// of their squared weights (from which the Kish effective base follows).
///
/// Unweighted tallies leave the weight sums equal to the count. All three totals are exact, so
/// adding records in any order, or merging partial totals in any grouping, gives identical results.
///
/// # Serialised form
///
/// `{"count": 2, "fixed_weight": "55340232221128654848", "fixed_weight_squared":
/// "92233720368547758080"}` for two records of weights 1 and 2: the count as a JSON number (at
/// most 2^53) and the sums in units of 2^-64 as decimal strings (divide by 2^64 =
/// 18446744073709551616), so that every JSON reader keeps them exact. Reading refuses sums that no
/// set of non-negative weights can produce ([`Error::InvalidSerialized`]).
///
/// # Examples
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
#[serde(try_from = "SumsWire", into = "SumsWire")]
pub struct Sums {
    count: u64,
    weight: u128,
    weight_squared: u128,
}

/// The serialised form of [`Sums`]: see its docs.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SumsWire {
    #[serde(serialize_with = "serialize_count")]
    count: u64,
    fixed_weight: Decimal,
    fixed_weight_squared: Decimal,
}

impl From<Sums> for SumsWire {
    fn from(sums: Sums) -> Self {
        Self {
            count: sums.count,
            fixed_weight: Decimal(sums.weight),
            fixed_weight_squared: Decimal(sums.weight_squared),
        }
    }
}

impl TryFrom<SumsWire> for Sums {
    type Error = Error;

    fn try_from(wire: SumsWire) -> Result<Self> {
        let (count, weight, weight_squared) =
            (wire.count, wire.fixed_weight.0, wire.fixed_weight_squared.0);
        if let Some(reason) = inconsistency(count, weight, weight_squared) {
            return Err(Error::InvalidSerialized {
                what: "sums",
                reason,
            });
        }
        Ok(Sums {
            count,
            weight,
            weight_squared,
        })
    }
}

impl Sums {
    /// Adds one record of weight 1.
    ///
    /// # Examples
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
    /// # Examples
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
    /// # Examples
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
    /// # Examples
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
    /// # Examples
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
    /// # Examples
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
    /// # Examples
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
    /// # References
    ///
    /// Kish (1965), *Survey Sampling*, 11.7.
    ///
    /// # Examples
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

#[cfg(test)]
mod tests {
    use super::{SCALE, fixed_point};

    /// The bit-level conversion gives the integer that rounding the scaled float and converting
    /// it gives, at the edges (zero, subnormals, halves, the top of the range) and in between.
    #[test]
    fn fixed_point_is_the_rounded_scaled_weight() {
        let mut values = vec![
            0.0,
            f64::from_bits(1),
            f64::MIN_POSITIVE,
            0.5 / SCALE,
            0.5 / SCALE * (1.0 + f64::EPSILON),
            0.5 / SCALE * (1.0 - f64::EPSILON / 2.0),
            1.5 / SCALE,
            2.5 / SCALE,
            1.0 / SCALE,
            1.0,
            0.1,
            1.305506,
            2f64.powi(53),
            SCALE * (1.0 - f64::EPSILON),
            SCALE,
            SCALE * SCALE * (1.0 - f64::EPSILON),
            SCALE * SCALE,
            f64::MAX,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Any finite non-negative double: random bits below the exponent of infinity.
            values.push(f64::from_bits(state % 0x7ff0_0000_0000_0000));
            // Weights of ordinary sizes, and values near halves of 2^-64.
            values.push((state >> 11) as f64 / 2f64.powi(50));
            values.push(((state >> 40) as f64 + 0.5) / SCALE);
        }
        for x in values {
            assert_eq!(fixed_point(x), (x * SCALE).round() as u128, "{x:e}");
        }
    }
}
