//! Significance letters: the market-research way of marking which columns a cell beats. Shared by
//! the crosstab of counts (pooled z-tests) and the design-based crosstab (t-tests of design-based
//! differences), which differ only in how each pair's p-value is computed.

use crate::error::Result;
use crate::stats::adjust::adjust_p_values;
use crate::stats::alternative::Alternative;
use crate::stats::proportion::Proportion;
use crate::stats::z_test::two_proportion_z_test;
use crate::survey::settings::TestSettings;

/// The letter of column `index`: A, B, ..., Z, AA, AB, ... (bijective base 26).
///
/// # Examples
///
/// ```
/// use survey_analytics::column_letter;
/// assert_eq!(column_letter(0), "A");
/// assert_eq!(column_letter(25), "Z");
/// assert_eq!(column_letter(26), "AA");
/// assert_eq!(column_letter(27), "AB");
/// ```
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let digit = (n - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// One pairwise test of a crosstab row: the pooled z-test for a crosstab of counts, the t-test of
/// the design-based difference for a crosstab built from a design.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions};
///
/// let counts = CrossCounts::from_table(Categories::new("knows_impact", ["yes", "no"])?,
///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let test = table.rows()[0].tests[0]; // "yes": leaders (A) against individual contributors (B)
/// assert_eq!((test.a, test.b), (0, 1));
/// assert!((test.difference - (53.0 / 130.0 - 72.0 / 400.0)).abs() < 1e-12);
/// assert!(test.p_value < 1e-6);
/// assert_eq!(test.adjusted_p_value, test.p_value); // one pair: nothing to adjust
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PairTest {
    /// First column (position).
    pub a: usize,
    /// Second column (position).
    pub b: usize,
    /// Share of `a` minus share of `b`.
    pub difference: f64,
    /// Two-sided p-value of the pair's test.
    pub p_value: f64,
    /// The p-value after adjustment within the row.
    pub adjusted_p_value: f64,
}

/// Tests every pair of `columns` (`None` = not testable) and returns the pair tests and, per
/// column, the positions of the columns it is significantly higher than.
pub(crate) fn significance(
    columns: &[Option<Proportion>],
    settings: TestSettings,
) -> Result<(Vec<PairTest>, Vec<Vec<usize>>)> {
    let mut tests = Vec::new();
    for (a, pa) in columns.iter().enumerate() {
        for (b, pb) in columns.iter().enumerate().skip(a + 1) {
            if let (Some(pa), Some(pb)) = (pa, pb) {
                let z = two_proportion_z_test(*pa, *pb, Alternative::TwoSided);
                tests.push(PairTest {
                    a,
                    b,
                    difference: z.difference,
                    p_value: z.p_value,
                    adjusted_p_value: z.p_value,
                });
            }
        }
    }
    let beats = assign_letters(&mut tests, columns.len(), settings)?;
    Ok((tests, beats))
}

/// Adjusts the p-values of a row's pair tests together and returns, per column (of `columns`),
/// the sorted positions of the columns it is significantly higher than: the letters it carries.
pub(crate) fn assign_letters(
    tests: &mut [PairTest],
    columns: usize,
    settings: TestSettings,
) -> Result<Vec<Vec<usize>>> {
    let raw: Vec<f64> = tests.iter().map(|t| t.p_value).collect();
    let adjusted = adjust_p_values(&raw, settings.adjustment)?;
    let alpha = settings.alpha.value();
    let mut beats = vec![Vec::new(); columns];
    for (test, q) in tests.iter_mut().zip(adjusted) {
        test.adjusted_p_value = q;
        if q < alpha && test.difference != 0.0 {
            let (winner, loser) = if test.difference > 0.0 {
                (test.a, test.b)
            } else {
                (test.b, test.a)
            };
            if let Some(list) = beats.get_mut(winner) {
                list.push(loser);
            }
        }
    }
    for list in &mut beats {
        list.sort_unstable();
    }
    Ok(beats)
}
