//! Fisher's exact test for a 2 x 2 table.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::numerics::loader::ln_hypergeometric_pmf;

/// Result of [`fisher_exact`].
///
/// # Examples
///
/// ```
/// use survey_analytics::{fisher_exact, Alternative};
/// let test = fisher_exact([[0, 5], [5, 0]], Alternative::TwoSided)?;
/// assert_eq!(test.odds_ratio, 0.0);
/// assert!((test.p_value - 2.0 / 252.0).abs() < 1e-15);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FisherExactTest {
    /// The sample odds ratio `(a d) / (b c)`: infinite when `b c = 0` (then `a d > 0`, as every
    /// margin is positive).
    pub odds_ratio: f64,
    /// Exact p-value under the chosen alternative.
    pub p_value: f64,
    /// The alternative the p-value refers to.
    pub alternative: Alternative,
}

/// Largest table total accepted, 10^12. The tails are summed term by term over about ten standard
/// deviations of the hypergeometric law, `10 sqrt(N) / 4` terms for balanced margins: at this total
/// 5 million terms and 20 ms (release build); at 2^53 it was 0.6 s. Beyond it the chi-square test
/// is as good as exact (`chi_square_independence`).
pub(crate) const MAX_TOTAL: u64 = 1_000_000_000_000;

/// Relative tolerance within which another table counts as "as likely" as the observed one
/// (scipy 1.17 uses 1e-14; R's `fisher.test` 1e-7).
const TIE_TOLERANCE: f64 = 1e-14;

/// Fisher's exact test of independence in the 2 x 2 table `[[a, b], [c, d]]`.
///
/// Conditional on the margins, `a` is hypergeometric: `a` successes in `a + c` draws from a population
/// of `a + b + c + d` holding `a + b` successes.
///
/// * `Less`: `P(X <= a)`; `Greater`: `P(X >= a)` (the odds ratio is below / above 1).
/// * `TwoSided`, as scipy 1.17 computes it: the sum of the probabilities of all tables no more likely
///   than the observed one, `P(X = k) <= P(X = a) (1 + 1e-14)`; exactly 1 when `a` is the mode.
///
/// When a row or a column of the table is empty the test is void (every table with those margins
/// is the observed one) and the odds ratio is 0/0: the table is refused, as
/// [`chi_square_independence`](crate::chi_square_independence) refuses it (scipy returns a p-value
/// of 1 and an odds ratio of NaN).
///
/// # Numerics
///
/// Probabilities come from Loader's saddle-point form of the hypergeometric probability (about
/// 1e-15 relative at any total, where statrs's `Hypergeometric` returns 0 or NaN from a total of
/// about 1000 upwards). Tails are summed outward from the observed count with the ratio recurrence,
/// re-anchored on Loader's formula every 1,024 terms, with compensated summation, until the
/// geometric bound on the rest of the tail falls below 1e-17 of the sum. The cost is about ten
/// standard deviations of terms: 0.2 ms at a total of 10^8, 20 ms at 10^12, the largest total
/// accepted (a two-sided test at 2^53 took 0.6 s; beyond 10^12 the chi-square test is as good as
/// exact).
///
/// Against the same rule evaluated in mpmath at 60 digits (`tests/fixtures/fisher_exact.tsv`,
/// `fisher_edges.tsv`) the p-values agree to **2e-14 relative for totals up to 10^8** (measured
/// 1.4e-14) and **1e-13 up to 10^12** (measured 6e-14, for a p-value of 6e-31: a tail of `e^-L` is
/// the exponential of an `O(L)` quantity). scipy's own values are good to about 1e-10 from a total
/// of 10^5 on.
///
/// # References
///
/// Fisher (1935), *The Design of Experiments*; Agresti (2002), *Categorical Data Analysis*, 3.5.
///
/// # Examples
///
/// ```
/// use survey_analytics::{fisher_exact, Alternative, Error};
///
/// // The lady tasting tea: 3 of 4 cups right each way.
/// let test = fisher_exact([[3, 1], [1, 3]], Alternative::Greater)?;
/// assert!((test.p_value - 17.0 / 70.0).abs() < 1e-15);
/// assert_eq!(test.odds_ratio, 9.0);
/// let two_sided = fisher_exact([[3, 1], [1, 3]], Alternative::TwoSided)?;
/// assert!((two_sided.p_value - 34.0 / 70.0).abs() < 1e-15);
///
/// // Beyond a total of 10^12 the chi-square test is the one to use.
/// let huge = fisher_exact([[1 << 40, 1 << 40], [1 << 40, 1 << 40]], Alternative::TwoSided);
/// assert!(matches!(huge, Err(Error::CountTooLarge { max: 1_000_000_000_000, .. })));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::CountTooLarge`] when the table total exceeds 10^12 (its message names
/// [`chi_square_independence`](crate::chi_square_independence), the test to use instead);
/// [`Error::EmptyMargin`] when a row or column sums to zero.
pub fn fisher_exact(table: [[u64; 2]; 2], alternative: Alternative) -> Result<FisherExactTest> {
    let [[a, b], [c, d]] = table;
    let total = [a, b, c, d]
        .iter()
        .try_fold(0_u64, |sum, &x| sum.checked_add(x));
    let total = match total {
        Some(t) if t <= MAX_TOTAL => t,
        other => {
            return Err(Error::CountTooLarge {
                name: "table total (Fisher's exact test; use chi_square_independence for larger \
                       tables)",
                value: other.unwrap_or(u64::MAX),
                max: MAX_TOTAL,
            });
        }
    };
    let (row0, row1, col0) = (a + b, c + d, a + c);
    let col1 = b + d;
    for (axis, index, margin) in [
        ("row", 0, row0),
        ("row", 1, row1),
        ("column", 0, col0),
        ("column", 1, col1),
    ] {
        if margin == 0 {
            return Err(Error::EmptyMargin { axis, index });
        }
    }
    let (fa, fb, fc, fd) = (a as f64, b as f64, c as f64, d as f64);
    let odds_ratio = if fb * fc > 0.0 {
        (fa * fd) / (fb * fc)
    } else {
        f64::INFINITY
    };
    let dist = Hypergeometric::new(total as f64, row0 as f64, col0 as f64);
    let p_value = match alternative {
        Alternative::Less => dist.tail_below(fa),
        Alternative::Greater => dist.tail_above(fa),
        Alternative::TwoSided => dist.two_sided(fa),
    };
    Ok(FisherExactTest {
        odds_ratio,
        p_value: p_value.clamp(0.0, 1.0),
        alternative,
    })
}

/// The hypergeometric law of the count in the top-left cell given the margins.
struct Hypergeometric {
    total: f64,
    marked: f64,
    draws: f64,
    low: f64,
    high: f64,
}

impl Hypergeometric {
    fn new(total: f64, marked: f64, draws: f64) -> Self {
        let low = (draws - (total - marked)).max(0.0);
        let high = marked.min(draws);
        Self {
            total,
            marked,
            draws,
            low,
            high,
        }
    }

    fn ln_pmf(&self, k: f64) -> f64 {
        ln_hypergeometric_pmf(k, self.total, self.marked, self.draws)
    }

    /// `P(X = k + 1) / P(X = k)`.
    fn ratio_up(&self, k: f64) -> f64 {
        (self.marked - k) * (self.draws - k)
            / ((k + 1.0) * (self.total - self.marked - self.draws + k + 1.0))
    }

    /// Sum of `P(X = j)` for `j` from `k` outward (`step = +1` upward, `-1` downward) to the end of the
    /// support, by the ratio recurrence from an exact start; stops once terms are negligible. The
    /// recurrence drifts by about one rounding per term, so every 1,024 terms the term is recomputed
    /// from Loader's formula (a tail at the largest total accepted spans millions of terms), and the
    /// terms are added with compensated summation.
    fn sum_from(&self, k: f64, step: f64) -> f64 {
        if k < self.low || k > self.high {
            return 0.0;
        }
        let mut term = self.ln_pmf(k).exp();
        // Compensated (Kahan) summation: millions of terms summed plainly lose about 1e-12.
        let (mut sum, mut carry) = (term, 0.0);
        let mut j = k;
        let mut count = 0_u32;
        // Terms decrease geometrically, each at least `ratio` times the last, so the rest of the
        // tail is below term * ratio / (1 - ratio): stop once that is negligible (at a total of
        // 1e12 the ratio is 1 - 2e-5 nine standard deviations out, and stopping at a term below
        // 1e-17 of the sum would drop 5e-13 of it).
        let mut ratio = 0.0;
        while term * ratio > 1e-17 * sum * (1.0 - ratio) || count == 0 {
            let next = j + step;
            if next < self.low || next > self.high {
                break;
            }
            count += 1;
            ratio = if step > 0.0 {
                self.ratio_up(j)
            } else {
                1.0 / self.ratio_up(next)
            };
            term = if count.is_multiple_of(1024) {
                self.ln_pmf(next).exp()
            } else {
                term * ratio
            };
            let corrected = term - carry;
            let total = sum + corrected;
            carry = (total - sum) - corrected;
            sum = total;
            j = next;
        }
        sum
    }

    fn mode(&self) -> f64 {
        ((self.draws + 1.0) * (self.marked + 1.0) / (self.total + 2.0)).floor()
    }

    /// `P(X <= k)`. A tail that contains the mode is 1 minus the opposite tail, so the sum never
    /// starts from a probability that underflows.
    fn tail_below(&self, k: f64) -> f64 {
        if k >= self.mode() {
            1.0 - self.sum_from(k + 1.0, 1.0)
        } else {
            self.sum_from(k, -1.0)
        }
    }

    /// `P(X >= k)`.
    fn tail_above(&self, k: f64) -> f64 {
        if k <= self.mode() {
            1.0 - self.sum_from(k - 1.0, -1.0)
        } else {
            self.sum_from(k, 1.0)
        }
    }

    fn two_sided(&self, observed: f64) -> f64 {
        let mode = self.mode();
        let ln_exact = self.ln_pmf(observed);
        let ln_mode = self.ln_pmf(mode);
        // |p_exact - p_mode| / max(p_exact, p_mode) <= 1e-14, in logs.
        if -(-(ln_exact - ln_mode).abs()).exp_m1() <= TIE_TOLERANCE {
            return 1.0;
        }
        let threshold = ln_exact + TIE_TOLERANCE.ln_1p();
        let within = |k: f64| self.ln_pmf(k) <= threshold;
        if observed < mode {
            let near = self.tail_below(observed);
            if !within(self.high) {
                return near;
            }
            // Smallest k above the mode whose probability is within the threshold.
            let (mut lo, mut hi) = (mode, self.high);
            while hi - lo > 1.0 {
                let mid = (0.5 * (lo + hi)).floor();
                if within(mid) { hi = mid } else { lo = mid }
            }
            near + self.tail_above(hi)
        } else {
            let near = self.tail_above(observed);
            if !within(self.low) {
                return near;
            }
            // Largest k below the mode whose probability is within the threshold.
            let (mut lo, mut hi) = (self.low, mode);
            while hi - lo > 1.0 {
                let mid = (0.5 * (lo + hi)).floor();
                if within(mid) { lo = mid } else { hi = mid }
            }
            near + self.tail_below(lo)
        }
    }
}
