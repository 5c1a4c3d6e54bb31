//! Pearson chi-square tests: independence in an r x c table, and goodness of fit.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::names::method_names;
use crate::stats::numerics::chi_square_sf;

/// Result of a chi-square test ([`chi_square_independence`], [`chi_square_goodness_of_fit`]).
///
/// # Examples
///
/// ```
/// let test = survey_analytics::chi_square_goodness_of_fit(&[30, 10], &[1.0, 1.0])?;
/// assert_eq!((test.statistic, test.df), (10.0, 1));
/// assert!(test.p_value < 0.01);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChiSquareTest {
    /// Pearson's statistic `sum (O - E)^2 / E` (after the continuity correction, if any).
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: u64,
    /// `P(chi2(df) >= statistic)`.
    pub p_value: f64,
}

/// Continuity correction for a chi-square test of a 2 x 2 table.
///
/// # Examples
///
/// ```
/// use survey_analytics::ContinuityCorrection;
/// assert_eq!(ContinuityCorrection::default(), ContinuityCorrection::None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContinuityCorrection {
    /// No correction: Pearson's statistic as is.
    #[default]
    None,
    /// Yates (1934): move each observed count half a unit towards its expected count (but not past
    /// it), as scipy `chi2_contingency(correction=True)` and R `chisq.test` do for 2 x 2 tables.
    Yates,
}

method_names!(ContinuityCorrection, "continuity correction",
    None => "none" | "off",
    Yates => "yates",
);

/// Pearson's chi-square test of independence for an r x c contingency table of counts.
///
/// Expected counts `E_ij = R_i C_j / T` from the row totals `R`, column totals `C` and grand total
/// `T`; statistic `sum (O_ij - E_ij)^2 / E_ij` on `(r - 1)(c - 1)` degrees of freedom. With
/// [`ContinuityCorrection::Yates`] (2 x 2 tables only) each `O` first moves `min(1/2, |O - E|)` towards
/// `E`. Matches scipy `chi2_contingency`.
///
/// The table is any slice of rows (`&[[u64; 3]]`, `&[Vec<u64>]`, ...). Rows are typically the answers
/// and columns the groups of a crosstab.
///
/// # Numerics
///
/// For totals below 2^53 the statistic is formed from exact integers (each term
/// `(O T - R C)^2 / (R C T)` with `O T - R C` in 128-bit arithmetic), a few ulps whatever the
/// cancellation in `O - E`; above, from doubles. The p-value is the regularized upper incomplete
/// gamma function `Q(df / 2, statistic / 2)`, computed by the crate itself (Loader's Poisson
/// probability as prefactor, a series, continued fractions and, for shapes above 1e5 near the mean,
/// a Gauss-Legendre integral; see `docs/numerics.md`): accurate to 2e-14 plus 5e-16 `|ln p|`
/// relative (a p-value of `e^-L` is the exponential of a quantity of order `L`, whose last bits
/// carry over), at any number of degrees of freedom and down to the smallest doubles; below those
/// it is 0. Tested against mpmath at 60 digits. The usual caveat applies: the chi-square
/// approximation needs expected counts of about 5 or more; use [`fisher_exact`] for sparse 2 x 2
/// tables.
///
/// # References
///
/// Pearson (1900); Yates (1934).
///
/// [`fisher_exact`]: crate::fisher_exact
///
/// # Examples
///
/// ```
/// use survey_analytics::{chi_square_independence, ContinuityCorrection};
///
/// // Answers to a yes/no question (rows) by role (columns).
/// let table = [[53, 60, 72], [77, 100, 328]];
/// let test = chi_square_independence(&table, ContinuityCorrection::None)?;
/// assert_eq!(test.df, 2);
/// assert!(test.p_value < 1e-6);
///
/// let ragged: Vec<Vec<u64>> = vec![vec![1, 2], vec![3]];
/// assert!(chi_square_independence(&ragged, ContinuityCorrection::None).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooFewValues`] for fewer than 2 rows or columns; [`Error::RaggedTable`] when rows differ in
/// length; [`Error::EmptyMargin`] when a row or column sums to zero; [`Error::CountTooLarge`] when the
/// total overflows; [`Error::InvalidParameter`] for Yates on a table larger than 2 x 2.
pub fn chi_square_independence<R: AsRef<[u64]>>(
    table: &[R],
    correction: ContinuityCorrection,
) -> Result<ChiSquareTest> {
    let rows = table.len();
    if rows < 2 {
        return Err(Error::TooFewValues {
            name: "table rows",
            len: rows,
            min: 2,
        });
    }
    let cols = table.first().map_or(0, |row| row.as_ref().len());
    if cols < 2 {
        return Err(Error::TooFewValues {
            name: "table columns",
            len: cols,
            min: 2,
        });
    }
    let mut cells = Vec::with_capacity(rows * cols);
    let mut total: u64 = 0;
    for (index, row) in table.iter().enumerate() {
        let row = row.as_ref();
        if row.len() != cols {
            return Err(Error::RaggedTable {
                row: index,
                expected: cols,
                len: row.len(),
            });
        }
        for &count in row {
            total = total.checked_add(count).ok_or(Error::CountTooLarge {
                name: "table total",
                value: u64::MAX,
                max: u64::MAX,
            })?;
            cells.push(count);
        }
    }
    if correction == ContinuityCorrection::Yates && (rows, cols) != (2, 2) {
        return Err(Error::InvalidParameter {
            name: "table size",
            value: (rows * cols) as f64,
            requirement: "the Yates correction applies to 2 x 2 tables only",
        });
    }
    let statistic = if total < 1 << 53 {
        exact_pearson_statistic(&cells, cols, correction)?
    } else {
        let cells: Vec<f64> = cells.iter().map(|&c| c as f64).collect();
        pearson_statistic(&cells, rows, cols, correction)?
    };
    let df = ((rows - 1) * (cols - 1)) as u64;
    Ok(ChiSquareTest {
        statistic,
        df,
        p_value: chi_square_sf(statistic, df as f64),
    })
}

/// Pearson's statistic for a row-major table of counts with total below 2^53, from exact integers:
/// each term is `(O T - R C)^2 / (R C T)`, where `O T - R C` is formed in `i128` (no cancellation, so
/// the statistic carries ~3e-16 relative error where the float form `(O - E)^2 / E` loses up to 6e-14,
/// which a p-value of 1e-264 amplifies 600-fold). Yates: `|O T - R C|` shrinks by `min(T/2, |O T - R C|)`,
/// kept exact by doubling.
fn exact_pearson_statistic(
    cells: &[u64],
    cols: usize,
    correction: ContinuityCorrection,
) -> Result<f64> {
    let row_totals: Vec<i128> = cells
        .chunks(cols)
        .map(|row| row.iter().map(|&c| i128::from(c)).sum())
        .collect();
    let col_totals: Vec<i128> = (0..cols)
        .map(|j| {
            cells
                .iter()
                .skip(j)
                .step_by(cols)
                .map(|&c| i128::from(c))
                .sum()
        })
        .collect();
    if let Some(index) = row_totals.iter().position(|&t| t == 0) {
        return Err(Error::EmptyMargin { axis: "row", index });
    }
    if let Some(index) = col_totals.iter().position(|&t| t == 0) {
        return Err(Error::EmptyMargin {
            axis: "column",
            index,
        });
    }
    let total: i128 = row_totals.iter().sum();
    let mut statistic = 0.0;
    for (row, &row_total) in cells.chunks(cols).zip(&row_totals) {
        for (&observed, &col_total) in row.iter().zip(&col_totals) {
            // All factors are below 2^53, so products stay below 2^106.
            let twice_gap = 2 * (i128::from(observed) * total - row_total * col_total).abs();
            let shrink = if correction == ContinuityCorrection::Yates {
                total.min(twice_gap)
            } else {
                0
            };
            let numerator = (twice_gap - shrink) as f64;
            statistic +=
                numerator * numerator / (4.0 * row_total as f64 * col_total as f64 * total as f64);
        }
    }
    Ok(statistic)
}

/// Pearson's statistic for a row-major `rows x cols` table of non-negative (possibly weighted) counts.
pub(crate) fn pearson_statistic(
    cells: &[f64],
    rows: usize,
    cols: usize,
    correction: ContinuityCorrection,
) -> Result<f64> {
    let row_totals: Vec<f64> = cells.chunks(cols).map(|row| row.iter().sum()).collect();
    let col_totals: Vec<f64> = (0..cols)
        .map(|j| cells.iter().skip(j).step_by(cols).sum())
        .collect();
    if let Some(index) = row_totals.iter().position(|&t| t <= 0.0) {
        return Err(Error::EmptyMargin { axis: "row", index });
    }
    if let Some(index) = col_totals.iter().position(|&t| t <= 0.0) {
        return Err(Error::EmptyMargin {
            axis: "column",
            index,
        });
    }
    let total: f64 = row_totals.iter().sum();
    let mut statistic = 0.0;
    for (row, row_total) in cells.chunks(cols).zip(&row_totals).take(rows) {
        for (&observed, col_total) in row.iter().zip(&col_totals) {
            let expected = row_total * col_total / total;
            let mut gap = (observed - expected).abs();
            if correction == ContinuityCorrection::Yates {
                gap -= gap.min(0.5);
            }
            statistic += gap * gap / expected;
        }
    }
    Ok(statistic)
}

/// Pearson's chi-square goodness-of-fit test of observed counts against expected shares.
///
/// `expected_shares` are positive weights, one per category, normalised to sum to 1 (so `&[1.0; k]`
/// tests equal shares). Expected counts `E_i = T s_i`, statistic `sum (O_i - E_i)^2 / E_i` on `k - 1`
/// degrees of freedom. Matches scipy `chisquare(f_obs, f_exp)`.
///
/// # Numerics
///
/// Shares anywhere in the positive doubles, subnormal or huge, are normalised without overflow;
/// the p-value is as accurate as [`chi_square_independence`]'s.
///
/// # Examples
///
/// ```
/// use survey_analytics::chi_square_goodness_of_fit;
///
/// // Does the sample's role mix match a population of 20% leaders, 30% managers, 50% ICs?
/// let test = chi_square_goodness_of_fit(&[150, 260, 420], &[0.2, 0.3, 0.5])?;
/// assert_eq!(test.df, 2);
/// assert!(test.p_value > 0.05);
/// assert!(chi_square_goodness_of_fit(&[1, 2], &[0.5]).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooFewValues`] for fewer than 2 categories; [`Error::LengthMismatch`] when the shares do
/// not match the counts; [`Error::NotPositive`] for a share that is not finite and positive;
/// [`Error::EmptyBase`] when every count is zero; [`Error::Undefined`] when the statistic exceeds the
/// largest double (a category observed whose expected share is, say, 1e-300 of another's: its
/// p-value would be 0 to any precision).
pub fn chi_square_goodness_of_fit(
    observed: &[u64],
    expected_shares: &[f64],
) -> Result<ChiSquareTest> {
    let k = observed.len();
    if k < 2 {
        return Err(Error::TooFewValues {
            name: "observed counts",
            len: k,
            min: 2,
        });
    }
    if expected_shares.len() != k {
        return Err(Error::LengthMismatch {
            name: "expected shares",
            expected: k,
            len: expected_shares.len(),
            per: "category",
        });
    }
    if let Some(&bad) = expected_shares
        .iter()
        .find(|&&s| !(s > 0.0 && s.is_finite()))
    {
        return Err(Error::NotPositive {
            name: "expected share",
            value: bad,
        });
    }
    let total: f64 = observed.iter().map(|&o| o as f64).sum();
    if total <= 0.0 {
        return Err(Error::EmptyBase);
    }
    // Scaled by the largest share first, so that huge weights cannot overflow the sum.
    let largest = expected_shares.iter().fold(0.0_f64, |m, &s| m.max(s));
    let share_sum: f64 = expected_shares.iter().map(|&s| s / largest).sum();
    let statistic = observed
        .iter()
        .zip(expected_shares)
        .map(|(&o, &s)| {
            let (o, expected) = (o as f64, total * (s / largest / share_sum));
            if o == 0.0 {
                // (0 - E)^2 / E = E, also when E underflows to 0 (a share 1e-600 of the largest).
                expected
            } else {
                (o - expected) * ((o - expected) / expected)
            }
        })
        .sum::<f64>();
    if !statistic.is_finite() {
        return Err(Error::Undefined {
            what: "chi-square statistic",
            reason: "it exceeds the largest double: a category is observed where its expected share \
                     is vanishingly small against the others; check the expected shares",
        });
    }
    let df = (k - 1) as u64;
    Ok(ChiSquareTest {
        statistic,
        df,
        p_value: chi_square_sf(statistic, df as f64),
    })
}
