//! Rao-Scott tests of independence in a two-way table under a complex design (R's `svychisq`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::chi_square::{ContinuityCorrection, pearson_statistic};
use crate::stats::numerics::chi_square_sf;
use crate::stats::numerics::student_f::f_sf;
use crate::survey::codes::CodeColumn;
use crate::survey::counts::MAX_CELLS;
use crate::survey::design::SampleDesign;

/// Largest number of cells (rows times columns with respondents) of a Rao-Scott test: its
/// matrices grow as the square of the cells and its contrasts as their product.
const MAX_TEST_CELLS: usize = 512;

/// No table cell (or no tested cell) for a respondent.
const NO_CELL: u32 = u32::MAX;

/// Largest number of linearised values (cells times respondents) of a test on a calibrated
/// design: 2^26 (512 MiB).
const MAX_RESIDUALS: usize = 1 << 26;

/// Result of [`SampleDesign::rao_scott`]: Pearson's statistic corrected for the design.
///
/// With `Delta` the matrix of generalised design effects of the table's interaction contrasts:
///
/// * first order (`statistic = "Chisq"` in R): `X^2 / mean(eigenvalues of Delta)` on `(r-1)(c-1)`
///   degrees of freedom;
/// * second order (`statistic = "F"`, R's default): `F = X^2 / trace(Delta)` on `d` and `d nu`
///   degrees of freedom, `d = trace(Delta)^2 / trace(Delta^2)` and `nu` the design's degrees of
///   freedom (PSUs minus strata).
///
/// Both are invariant to the scale of the weights.
///
/// # Examples
///
/// ```
/// use survey_analytics::SampleDesign;
///
/// let design = SampleDesign::new(vec![1.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
/// let role = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
/// let knows = [Some(0), Some(1), Some(0), Some(0), Some(1), Some(1), Some(0), Some(1)];
/// let test = design.rao_scott(&role, &knows, 2, 2)?;
/// assert_eq!(test.chisq_df, 1.0); // (2 - 1)(2 - 1)
/// assert_eq!(test.ddf, test.ndf * design.degrees_of_freedom());
/// // In a 2 x 2 table Delta is a single number: both corrections agree.
/// assert!((test.ndf - 1.0).abs() < 1e-12 && (test.statistic - test.chisq).abs() < 1e-12);
/// let scaled = SampleDesign::new(vec![50.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
/// assert!((scaled.rao_scott(&role, &knows, 2, 2)?.p_value - test.p_value).abs() < 1e-12);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # References
///
/// Rao & Scott (1981, 1984); Lumley (2010), *Complex Surveys*, 6.3.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RaoScottTest {
    /// Pearson's `X^2` of the weighted table scaled to the number of respondents.
    pub pearson: f64,
    /// The second-order (F) statistic.
    pub statistic: f64,
    /// Its numerator degrees of freedom `d` (fractional).
    pub ndf: f64,
    /// Its denominator degrees of freedom `d nu`.
    pub ddf: f64,
    /// `P(F(ndf, ddf) > statistic)`.
    pub p_value: f64,
    /// The first-order corrected chi-square.
    pub chisq: f64,
    /// Its degrees of freedom `(r - 1)(c - 1)`.
    pub chisq_df: f64,
    /// `P(chi2(chisq_df) > chisq)`.
    pub p_chisq: f64,
}

/// Row-major dense matrix helpers for the small matrices of the test.
fn multiply(a: &[f64], b: &[f64], n: usize, m: usize, p: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * p];
    for i in 0..n {
        for k in 0..m {
            let aik = a.get(i * m + k).copied().unwrap_or(0.0);
            if aik == 0.0 {
                continue;
            }
            for j in 0..p {
                if let (Some(o), Some(bkj)) = (out.get_mut(i * p + j), b.get(k * p + j)) {
                    *o += aik * bkj;
                }
            }
        }
    }
    out
}

fn transpose(a: &[f64], n: usize, m: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * m];
    for i in 0..n {
        for j in 0..m {
            if let (Some(o), Some(v)) = (out.get_mut(j * n + i), a.get(i * m + j)) {
                *o = *v;
            }
        }
    }
    out
}

/// Solves `a x = b` for square `a` (`n x n`) and `b` (`n x m`) by Gaussian elimination with
/// partial pivoting; `None` when `a` is singular.
pub(crate) fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize, m: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs()))?;
        if a[pivot * n + col].abs() < 1e-300 {
            return None;
        }
        if pivot != col {
            for j in 0..n {
                a.swap(pivot * n + j, col * n + j);
            }
            for j in 0..m {
                b.swap(pivot * m + j, col * m + j);
            }
        }
        for row in 0..n {
            if row == col {
                continue;
            }
            let factor = a[row * n + col] / a[col * n + col];
            if factor == 0.0 {
                continue;
            }
            for j in col..n {
                a[row * n + j] -= factor * a[col * n + j];
            }
            for j in 0..m {
                b[row * m + j] -= factor * b[col * m + j];
            }
        }
    }
    for row in 0..n {
        let d = a[row * n + row];
        for j in 0..m {
            b[row * m + j] /= d;
        }
    }
    Some(b)
}

/// Helmert contrasts: `k x (k - 1)`, orthogonal columns summing to zero.
fn helmert(k: usize) -> Vec<f64> {
    let mut h = vec![0.0; k * (k - 1)];
    for j in 0..k - 1 {
        for i in 0..=j {
            h[i * (k - 1) + j] = 1.0;
        }
        h[(j + 1) * (k - 1) + j] = -((j + 1) as f64);
    }
    h
}

impl SampleDesign {
    /// Rao-Scott tests of independence between two categorical variables (codes `0..rows` and
    /// `0..columns`, `None` = missing; respondents missing either are left out as a domain), as R's
    /// `svychisq(~row + col, design, statistic = "F")` and `statistic = "Chisq"`. Categories with no
    /// respondent are dropped, as R builds the table from the values present.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 8])?.with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let role = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
    /// let knows = [Some(0), Some(1), Some(0), Some(0), Some(1), Some(1), Some(0), Some(1)];
    /// let test = design.rao_scott(&role, &knows, 2, 2)?;
    /// assert!(test.p_value > 0.05 && test.ddf > 0.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] for codes not one per respondent; [`Error::CategoryOutOfRange`]
    /// for a code past its count; [`Error::TooFewValues`] when fewer than two rows or columns have
    /// respondents; [`Error::Undefined`] when the design leaves no degrees of freedom or the
    /// contrasts' covariance is singular; [`Error::LonelyPsu`]; [`Error::CountTooLarge`] for more
    /// than 2^24 table cells; [`Error::TooLarge`] for more than 512 cells with respondents, or, on a
    /// calibrated design, more than 2^26 residuals (cells times respondents).
    pub fn rao_scott(
        &self,
        row_codes: &[Option<usize>],
        column_codes: &[Option<usize>],
        rows: usize,
        columns: usize,
    ) -> Result<RaoScottTest> {
        self.rao_scott_of(row_codes, column_codes, rows, columns)
    }

    /// [`SampleDesign::rao_scott`] of codes read from any code columns.
    pub(crate) fn rao_scott_of<R: CodeColumn + ?Sized, C: CodeColumn + ?Sized>(
        &self,
        row_codes: &R,
        column_codes: &C,
        rows: usize,
        columns: usize,
    ) -> Result<RaoScottTest> {
        self.check_len("row codes", row_codes.len())?;
        self.check_len("column codes", column_codes.len())?;
        let cell_of = |k: usize| -> Result<Option<(usize, usize)>> {
            match (row_codes.code(k), column_codes.code(k)) {
                (Some(r), Some(c)) => {
                    if r >= rows {
                        return Err(Error::CategoryOutOfRange {
                            dimension: "rows".to_string(),
                            index: r,
                            len: rows,
                        });
                    }
                    if c >= columns {
                        return Err(Error::CategoryOutOfRange {
                            dimension: "columns".to_string(),
                            index: c,
                            len: columns,
                        });
                    }
                    Ok(Some((r, c)))
                }
                _ => Ok(None),
            }
        };
        // Weighted table, and which rows and columns are present.
        let table_cells = rows
            .checked_mul(columns)
            .filter(|&c| c <= MAX_CELLS && rows <= MAX_CELLS && columns <= MAX_CELLS)
            .ok_or(Error::CountTooLarge {
                name: "table cells (rows x columns)",
                value: u64::try_from(rows.saturating_mul(columns)).unwrap_or(u64::MAX),
                max: MAX_CELLS as u64,
            })?;
        let mut table = vec![0.0; table_cells];
        let mut observations = 0_u64;
        let (mut row_sums, mut column_sums) = (vec![0.0; rows], vec![0.0; columns]);
        // Each respondent's table cell, `r * columns + c` (`NO_CELL`: none); the table has at most
        // MAX_CELLS cells, so the index fits.
        let mut cells: Vec<u32> = Vec::with_capacity(self.len());
        for (k, &w) in self.weights.iter().enumerate() {
            let cell = cell_of(k)?;
            if let Some((r, c)) = cell {
                if let Some(t) = table.get_mut(r * columns + c) {
                    *t += w;
                }
                row_sums[r] += w;
                column_sums[c] += w;
                observations += u64::from(w != 0.0);
            }
            cells.push(cell.map_or(NO_CELL, |(r, c)| (r * columns + c) as u32));
        }
        // Rows and columns present: with a share of the total weight that is not zero (a weight
        // can be positive yet negligible next to the others).
        let all: f64 = row_sums.iter().sum();
        let present = |sums: &[f64]| -> Vec<usize> {
            (0..sums.len()).filter(|&i| sums[i] / all > 0.0).collect()
        };
        let (kept_rows, kept_columns) = (present(&row_sums), present(&column_sums));
        let (nr, nc) = (kept_rows.len(), kept_columns.len());
        if nr < 2 || nc < 2 {
            return Err(Error::TooFewValues {
                name: "rows and columns with respondents",
                len: nr.min(nc),
                min: 2,
            });
        }
        // Each row's and column's place among those kept (`NO_CELL`: not kept).
        let places = |kept: &[usize], len: usize| {
            let mut place = vec![NO_CELL; len];
            for (i, &x) in kept.iter().enumerate() {
                place[x] = i as u32;
            }
            place
        };
        let (row_place, column_place) = (places(&kept_rows, rows), places(&kept_columns, columns));
        let position = |r: usize, c: usize| -> Option<usize> {
            let i = row_place.get(r).copied().filter(|&i| i != NO_CELL)? as usize;
            let j = column_place.get(c).copied().filter(|&j| j != NO_CELL)? as usize;
            Some(i + nr * j) // rows vary fastest, as R's interaction()
        };
        // The position of a respondent's table cell among the cells tested.
        let position_of = |cell: u32| {
            let cell = cell as usize;
            (cell != NO_CELL as usize)
                .then(|| position(cell / columns, cell % columns))
                .flatten()
        };
        let total: f64 = table.iter().sum();
        let cells_count = nr * nc;
        let mut shares = vec![0.0; cells_count];
        for &r in &kept_rows {
            for &c in &kept_columns {
                if let (Some(j), Some(t)) = (position(r, c), table.get(r * columns + c)) {
                    shares[j] = t / total;
                }
            }
        }
        if cells_count > MAX_TEST_CELLS {
            return Err(Error::TooLarge {
                what: "the cells of a Rao-Scott test (rows x columns with respondents)",
                size: u64::try_from(cells_count).unwrap_or(u64::MAX),
                max: MAX_TEST_CELLS as u64,
                hint: "merge categories before testing",
            });
        }
        // Degrees of freedom of the respondents in the table.
        // R's svychisq takes the whole design's degrees of freedom on a replicate design.
        let nu = if self.replicates().is_some() {
            self.degrees_of_freedom()
        } else {
            self.degrees_of_freedom_in(|k| cells.get(k).is_some_and(|&c| c != NO_CELL))
        };
        // The covariance of the linearised cell proportions w (1{cell = j} - p_j) / W over the
        // domain. Their PSU totals are (A_p - W_p p) / W = M A_p / W, with A_p the PSU's weight
        // per cell (sparse), W_p = 1'A_p and M = I - p 1': so V = M Cov(A / W) M', where Cov(A / W)
        // is a domain covariance (a record adds w / W to its cell). After calibration the values
        // take residuals and are dense.
        let v = if let Some(replicates) = self.replicates() {
            // Each replicate's cell proportions, from its cell totals.
            let slot: Vec<u32> = cells
                .iter()
                .map(|&cell| position_of(cell).map_or(NO_CELL, |j| j as u32))
                .collect();
            let totals = replicates.totals(&self.weights, &slot, cells_count, None)?;
            let r = replicates.count;
            let mut thetas = vec![f64::NAN; cells_count * r];
            for rep in 0..r {
                let all: f64 = (0..cells_count).map(|j| totals[j * r + rep]).sum();
                if all != 0.0 {
                    for j in 0..cells_count {
                        thetas[j * r + rep] = totals[j * r + rep] / all;
                    }
                }
            }
            replicates.covariance(&shares, &thetas)
        } else if self.is_calibrated() {
            let residuals = cells_count.saturating_mul(self.len());
            if residuals > MAX_RESIDUALS {
                return Err(Error::TooLarge {
                    what: "the residuals of a Rao-Scott test on a calibrated design (cells x \
                           respondents)",
                    size: u64::try_from(residuals).unwrap_or(u64::MAX),
                    max: MAX_RESIDUALS as u64,
                    hint: "merge categories before testing",
                });
            }
            let mut linearised = vec![vec![0.0; self.len()]; cells_count];
            for (k, (&w, &cell)) in self.weights.iter().zip(&cells).enumerate() {
                if cell == NO_CELL {
                    continue;
                }
                let own = position_of(cell);
                for (j, column) in linearised.iter_mut().enumerate() {
                    let indicator = if own == Some(j) { 1.0 } else { 0.0 };
                    column[k] = w * (indicator - shares[j]) / total;
                }
            }
            self.covariance(&linearised)?
        } else {
            // Each respondent's position among the cells tested, in place of its table cell
            // (cells_count <= MAX_TEST_CELLS, so the position fits).
            for cell in cells.iter_mut() {
                *cell = position_of(*cell).map_or(NO_CELL, |j| j as u32);
            }
            let z: Vec<f64> = self
                .weights
                .iter()
                .zip(&cells)
                .map(|(&w, &j)| if j == NO_CELL { 0.0 } else { w / total })
                .collect();
            let per_cell =
                self.domain_covariance(self.psu_totals(&cells, &z, cells_count), cells_count)?;
            // M C M' with M = I - p 1': (M C)_ij = C_ij - p_i sum_k C_kj.
            let column_sums: Vec<f64> = (0..cells_count)
                .map(|j| {
                    (0..cells_count)
                        .map(|i| per_cell[i * cells_count + j])
                        .sum()
                })
                .collect();
            let mut left = per_cell;
            for i in 0..cells_count {
                for j in 0..cells_count {
                    left[i * cells_count + j] -= shares[i] * column_sums[j];
                }
            }
            // (M C) M': ((M C) M')_ij = (M C)_ij - p_j sum_k (M C)_ik.
            let row_sums: Vec<f64> = (0..cells_count)
                .map(|i| left[i * cells_count..(i + 1) * cells_count].iter().sum())
                .collect();
            for i in 0..cells_count {
                for j in 0..cells_count {
                    left[i * cells_count + j] -= shares[j] * row_sums[i];
                }
            }
            left
        };
        let n = observations as f64;
        // Interaction contrasts C (cells x m), m = (nr - 1)(nc - 1): Kronecker of Helmert bases.
        let m = (nr - 1) * (nc - 1);
        let (hr, hc) = (helmert(nr), helmert(nc));
        let mut contrast = vec![0.0; cells_count * m];
        for i in 0..nr {
            for j in 0..nc {
                for a in 0..nr - 1 {
                    for b in 0..nc - 1 {
                        contrast[(i + nr * j) * m + (a + (nr - 1) * b)] =
                            hr[i * (nr - 1) + a] * hc[j * (nc - 1) + b];
                    }
                }
            }
        }
        let inverse_shares: Vec<f64> = shares
            .iter()
            .map(|&p| if p == 0.0 { 0.0 } else { 1.0 / p })
            .collect();
        // D^-1 C, then denom = C' D^-1 C / n and numr = (D^-1 C)' V (D^-1 C).
        let scaled: Vec<f64> = (0..cells_count * m)
            .map(|x| contrast[x] * inverse_shares[x / m])
            .collect();
        let ct = transpose(&contrast, cells_count, m);
        let denom: Vec<f64> = multiply(&ct, &scaled, m, cells_count, m)
            .iter()
            .map(|x| x / n)
            .collect();
        let scaled_t = transpose(&scaled, cells_count, m);
        let numr = multiply(
            &multiply(&scaled_t, &v, m, cells_count, cells_count),
            &scaled,
            m,
            cells_count,
            m,
        );
        let delta = solve(denom, numr, m, m).ok_or(Error::Undefined {
            what: "Rao-Scott test",
            reason: "the table's contrasts are degenerate (a row or column holds a single cell)",
        })?;
        let trace: f64 = (0..m).map(|i| delta[i * m + i]).sum();
        let trace_square: f64 = multiply(&delta, &delta, m, m, m)
            .iter()
            .enumerate()
            .filter(|(x, _)| x / m == x % m)
            .map(|(_, v)| v)
            .sum();
        if !(nu > 0.0 && trace > 0.0) {
            return Err(Error::Undefined {
                what: "Rao-Scott test",
                reason: "the design leaves no degrees of freedom or no variance",
            });
        }
        let observed: Vec<f64> = shares.iter().map(|p| p * n).collect();
        // `observed` is column-major (rows fastest); Pearson's statistic is symmetric in layout.
        let pearson = pearson_statistic(&observed, nc, nr, ContinuityCorrection::None)?;
        let d = trace * trace / trace_square;
        let statistic = pearson / trace;
        let chisq = pearson / (trace / m as f64);
        let test = RaoScottTest {
            pearson,
            statistic,
            ndf: d,
            ddf: d * nu,
            p_value: f_sf(statistic, d, d * nu),
            chisq,
            chisq_df: m as f64,
            p_chisq: chi_square_sf(chisq, m as f64),
        };
        let numbers = [
            test.pearson,
            test.statistic,
            test.ndf,
            test.ddf,
            test.p_value,
            test.chisq,
            test.p_chisq,
        ];
        if !(numbers.iter().all(|x| x.is_finite()) && d > 0.0) {
            return Err(Error::Undefined {
                what: "Rao-Scott test",
                reason: "the design effects of the table's contrasts are degenerate (weights too \
                         uneven for the correction to be computed in floating point)",
            });
        }
        Ok(test)
    }
}
