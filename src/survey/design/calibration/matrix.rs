//! The calibration's design matrix (R's `model.matrix` of the auxiliaries), summed per joint
//! cell: the passes over the respondents that give the g-weights, totals and `X'WX`, and the
//! regression residuals behind calibrated variances.

use std::sync::Arc;

use super::PSEUDO_INVERSE_COLUMNS;
use super::distance::Distance;
use super::solve::Cholesky;

/// One column of the calibration's design matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Column {
    Intercept,
    Category { margin: usize, category: usize },
    Numeric { index: usize },
}

/// The calibration's design matrix, kept (shared) by the designs calibrated with it so that
/// their variances take residuals on it.
///
/// Every record of a joint cell (a combination of the margins' categories) has the same
/// categorical columns, so the passes sum per joint cell (one scatter per record, whatever the
/// number of margins) and expand the cells' sums to the columns afterwards.
#[derive(Debug, PartialEq)]
pub(crate) struct AuxMatrix {
    pub(super) intercept: bool,
    /// The joint cell of each record.
    pub(super) joint: Vec<u32>,
    /// Number of joint cells.
    pub(super) cells: usize,
    /// Number of margins.
    pub(super) margins: usize,
    /// Per joint cell and margin, `cell_columns[cell * margins + margin]`: the column of the
    /// cell's category, `width()` for the reference (no column).
    pub(super) cell_columns: Vec<u32>,
    pub(super) numeric: Vec<Arc<Vec<f64>>>,
    /// The column of the first numeric auxiliary.
    pub(super) numeric_start: usize,
    pub(super) columns: Vec<Column>,
}

/// A category without a column (yet).
pub(super) const NONE: u32 = u32::MAX;

/// Records per block of the passes: a block's working columns stay in the first-level cache.
pub(super) const BLOCK: usize = 256;

/// What a pass sums: per joint cell `sum a`, and with the cross-products per joint cell and
/// numeric auxiliary `sum a x`; per numeric auxiliary `sum a x`, and `sum a x_i x_j`.
pub(super) struct Sums {
    pub(super) cell: Vec<f64>,
    pub(super) cell_x: Vec<f64>,
    pub(super) x: Vec<f64>,
    pub(super) xx: Vec<f64>,
}

impl AuxMatrix {
    pub(super) fn width(&self) -> usize {
        self.columns.len()
    }

    /// A pass's cost in rough operations, for `n` records: a scatter and the numeric auxiliaries
    /// per record, the joint cells' expansion and the solve (the pseudo-inverse's
    /// eigen-decomposition up to [`PSEUDO_INVERSE_COLUMNS`] columns, else a Cholesky factor).
    pub(super) fn work_per_pass(&self, n: usize) -> u64 {
        let (n, r, p) = (n as u64, self.numeric.len() as u64, self.width() as u64);
        let row = self.margins as u64 + 1 + r;
        let solve = if self.width() <= PSEUDO_INVERSE_COLUMNS {
            20 * p * p * p
        } else {
            p * p * p
        };
        n.saturating_mul(2 + 2 * r)
            .saturating_add((self.cells as u64).saturating_mul(row * row))
            .saturating_add(solve)
    }

    /// Empty sums for this matrix.
    pub(super) fn sums(&self, cross: bool) -> Sums {
        let r = self.numeric.len();
        Sums {
            cell: vec![0.0; self.cells],
            cell_x: vec![0.0; if cross { self.cells * r } else { 0 }],
            x: vec![0.0; r],
            xx: vec![0.0; if cross { r * r } else { 0 }],
        }
    }

    /// The non-numeric columns of joint cell `c` (the intercept first), into `out`.
    pub(super) fn columns_of(&self, c: usize, out: &mut Vec<usize>) {
        out.clear();
        if self.intercept {
            out.push(0);
        }
        let p = self.width();
        let of_cell = self
            .cell_columns
            .get(c * self.margins..(c + 1) * self.margins)
            .unwrap_or(&[]);
        out.extend(
            of_cell
                .iter()
                .map(|&col| col as usize)
                .filter(|&col| col < p),
        );
    }

    /// The categorical part of the linear predictor `x'β` of each joint cell.
    pub(super) fn cell_predictor(&self, beta: &[f64]) -> Vec<f64> {
        let mut columns = Vec::new();
        (0..self.cells)
            .map(|c| {
                self.columns_of(c, &mut columns);
                columns
                    .iter()
                    .map(|&col| beta.get(col).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }

    /// The linear predictor `x'β` of records `start..start + out.len()`, from the cells' part.
    pub(super) fn predict(&self, start: usize, cell_part: &[f64], beta: &[f64], out: &mut [f64]) {
        let end = start + out.len();
        for (o, &j) in out
            .iter_mut()
            .zip(self.joint.get(start..end).unwrap_or(&[]))
        {
            *o = cell_part.get(j as usize).copied().unwrap_or(0.0);
        }
        for (i, values) in self.numeric.iter().enumerate() {
            let b = beta.get(self.numeric_start + i).copied().unwrap_or(0.0);
            for (o, &x) in out.iter_mut().zip(values.get(start..end).unwrap_or(&[])) {
                *o += b * x;
            }
        }
    }

    /// Adds records `start..start + a.len()` with factors `a` to `sums`.
    pub(super) fn accumulate(&self, start: usize, a: &[f64], sums: &mut Sums, cross: bool) {
        let end = start + a.len();
        let joint = self.joint.get(start..end).unwrap_or(&[]);
        for (&ak, &j) in a.iter().zip(joint) {
            if let Some(s) = sums.cell.get_mut(j as usize) {
                *s += ak;
            }
        }
        let r = self.numeric.len();
        for (i, xi) in self.numeric.iter().enumerate() {
            let xi = xi.get(start..end).unwrap_or(&[]);
            if let Some(s) = sums.x.get_mut(i) {
                *s += a.iter().zip(xi).map(|(a, x)| a * x).sum::<f64>();
            }
            if !cross {
                continue;
            }
            for ((&ak, &j), &x) in a.iter().zip(joint).zip(xi) {
                if let Some(s) = sums.cell_x.get_mut(j as usize * r + i) {
                    *s += ak * x;
                }
            }
            for (j, xj) in self.numeric.iter().enumerate().skip(i) {
                let xj = xj.get(start..end).unwrap_or(&[]);
                let sum: f64 = a.iter().zip(xi).zip(xj).map(|((a, x), y)| a * x * y).sum();
                if let Some(s) = sums.xx.get_mut(i * r + j) {
                    *s += sum;
                }
            }
        }
    }

    /// `sum a x` per column, from the sums.
    pub(super) fn totals(&self, sums: &Sums, totals: &mut [f64]) {
        totals.iter_mut().for_each(|t| *t = 0.0);
        let mut columns = Vec::new();
        for (c, &s) in sums.cell.iter().enumerate() {
            self.columns_of(c, &mut columns);
            for &col in &columns {
                if let Some(t) = totals.get_mut(col) {
                    *t += s;
                }
            }
        }
        for (i, &s) in sums.x.iter().enumerate() {
            if let Some(t) = totals.get_mut(self.numeric_start + i) {
                *t = s;
            }
        }
    }

    /// `T = sum a x x'` (`p x p`, row-major), from the sums.
    pub(super) fn cross(&self, sums: &Sums, t: &mut [f64]) {
        let p = self.width();
        let r = self.numeric.len();
        t.iter_mut().for_each(|v| *v = 0.0);
        let mut add = |i: usize, j: usize, v: f64| {
            if let Some(slot) = t.get_mut(i * p + j) {
                *slot += v;
            }
        };
        let mut columns = Vec::new();
        for (c, &s) in sums.cell.iter().enumerate() {
            self.columns_of(c, &mut columns);
            for &a in &columns {
                for &b in &columns {
                    add(a, b, s);
                }
                for i in 0..r {
                    let v = sums.cell_x.get(c * r + i).copied().unwrap_or(0.0);
                    add(a, self.numeric_start + i, v);
                    add(self.numeric_start + i, a, v);
                }
            }
        }
        for i in 0..r {
            for j in i..r {
                let v = sums.xx.get(i * r + j).copied().unwrap_or(0.0);
                add(self.numeric_start + i, self.numeric_start + j, v);
                if i != j {
                    add(self.numeric_start + j, self.numeric_start + i, v);
                }
            }
        }
    }
}

/// One pass over the respondents at `eta`: each g-weight into `g`, the weighted sample totals
/// `sum w g x` into `totals` and, unless `t` is empty, `T = sum w dF x x'` into `t`. Returns
/// whether every g-weight and derivative is finite (R's test for step halving).
pub(super) fn pass(
    aux: &AuxMatrix,
    weights: &[f64],
    eta: &[f64],
    distance: &Distance,
    g: &mut [f64],
    t: &mut [f64],
    totals: &mut [f64],
) -> bool {
    pass_from(aux, weights, eta, distance, g, t, totals, None)
}

/// [`pass`], and with `change = (before, after, sum)` also each record's `rho(x'eta)` into
/// `after` and `sum w (rho(x'eta) - before)` into `sum`: the change of the dual objective's first
/// part from the `rho` values of the last pass, summed record by record so that it keeps its
/// precision when the steps are small.
#[allow(clippy::too_many_arguments)]
pub(super) fn pass_from(
    aux: &AuxMatrix,
    weights: &[f64],
    eta: &[f64],
    distance: &Distance,
    g: &mut [f64],
    t: &mut [f64],
    totals: &mut [f64],
    mut change: Option<(&[f64], &mut [f64], &mut f64)>,
) -> bool {
    let p = aux.width();
    let with_t = t.len() == p * p;
    let cell_part = aux.cell_predictor(eta);
    let (mut by_g, mut by_d) = (aux.sums(false), aux.sums(true));
    let (mut u, mut d) = ([0.0; BLOCK], [0.0; BLOCK]);
    let (mut wg, mut wd) = ([0.0; BLOCK], [0.0; BLOCK]);
    let mut finite = true;
    for (b, (w, g)) in weights.chunks(BLOCK).zip(g.chunks_mut(BLOCK)).enumerate() {
        let len = w.len();
        let start = b * BLOCK;
        let (u, d, wg, wd) = (&mut u[..len], &mut d[..len], &mut wg[..len], &mut wd[..len]);
        aux.predict(start, &cell_part, eta, u);
        if let Some((before, after, sum)) = change.as_mut() {
            let range = start..start + len;
            let (Some(before), Some(after)) = (before.get(range.clone()), after.get_mut(range))
            else {
                return false;
            };
            for (((&w, &u), &was), now) in w.iter().zip(u.iter()).zip(before).zip(after) {
                *now = distance.rho(u);
                if w != 0.0 {
                    **sum += w * (*now - was);
                }
            }
        }
        distance.evaluate(u, g, if with_t { Some(&mut *d) } else { None });
        for (((wg, wd), (&w, &g)), &d) in wg
            .iter_mut()
            .zip(wd.iter_mut())
            .zip(w.iter().zip(g.iter()))
            .zip(d.iter())
        {
            finite &= g.is_finite() && d.is_finite();
            // Records without weight play no part (R multiplies them by 0, which NaN survives).
            (*wg, *wd) = if w == 0.0 { (0.0, 0.0) } else { (w * g, w * d) };
        }
        aux.accumulate(start, wg, &mut by_g, false);
        if with_t {
            aux.accumulate(start, wd, &mut by_d, true);
        }
    }
    aux.totals(&by_g, totals);
    if with_t {
        aux.cross(&by_d, t);
    }
    finite
}

/// R's residuals after calibration (`qr.resid(qr, u / w) * w` with the QR of `X sqrt(w_old)`
/// and `w = g sqrt(w_old)`): `u - w_new x'β`, `β = (X' W_old X)^-1 sum x u / g`. Respondents
/// without a weight (old or new) add nothing to `β` (R's division gives NaN there).
pub(crate) fn regression_residuals(
    u: &mut [f64],
    aux: &AuxMatrix,
    old_weights: &[f64],
    new_weights: &[f64],
    factor: &Cholesky,
) {
    let p = aux.width();
    let mut sums = aux.sums(false);
    let mut a = [0.0; BLOCK];
    for (b, ((u, old), new)) in u
        .chunks(BLOCK)
        .zip(old_weights.chunks(BLOCK))
        .zip(new_weights.chunks(BLOCK))
        .enumerate()
    {
        let a = &mut a[..u.len()];
        for (((a, &value), &old), &new) in a.iter_mut().zip(u).zip(old).zip(new) {
            *a = if old == 0.0 || new == 0.0 {
                0.0
            } else {
                value * old / new
            };
        }
        aux.accumulate(b * BLOCK, a, &mut sums, false);
    }
    let mut cross = vec![0.0; p];
    aux.totals(&sums, &mut cross);
    let beta = factor.solve(&cross);
    let cell_part = aux.cell_predictor(&beta);
    let mut fitted = [0.0; BLOCK];
    for (b, (u, new)) in u
        .chunks_mut(BLOCK)
        .zip(new_weights.chunks(BLOCK))
        .enumerate()
    {
        let fitted = &mut fitted[..u.len()];
        aux.predict(b * BLOCK, &cell_part, &beta, fitted);
        for ((value, &new), &f) in u.iter_mut().zip(new).zip(fitted.iter()) {
            if new != 0.0 {
                *value -= new * f;
            }
        }
    }
}
