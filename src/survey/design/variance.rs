//! The variance engine: calibration adjustments, PSU totals, and the with-replacement sum over
//! strata (R's `svyrecvar`, `onestage` and `onestrat`).

use crate::error::{Error, Result};
use crate::survey::design::{Calibration, LonelyPsu, SampleDesign};

/// Iterations of the raking residual projection (R uses 10).
const RAKING_PROJECTIONS: usize = 10;

impl SampleDesign {
    /// Residuals of linearised values after the design's post-stratifications and rakings, in
    /// the order they were applied (R's `svyrecvar` with `postStrata`).
    fn calibrate(&self, u: &mut [f64]) {
        for step in &self.calibrations {
            match step {
                Calibration::PostStrata {
                    cells,
                    old_weights,
                    new_weights,
                } => {
                    post_stratum_residuals(u, cells, old_weights, new_weights);
                }
                Calibration::Raking {
                    joint,
                    base_weights,
                    categories,
                    factors,
                } => raking_residuals(u, joint, base_weights, categories, factors),
            }
        }
    }

    /// Whether the weights were post-stratified or raked (variances then need the whole
    /// linearised columns, to take residuals).
    pub(crate) fn is_calibrated(&self) -> bool {
        !self.calibrations.is_empty()
    }

    /// Number of PSUs.
    pub(crate) fn psu_count(&self) -> usize {
        self.psu_stratum.len()
    }

    /// The design covariance matrix (row-major, `k x k`) of the totals of `k` linearised columns.
    ///
    /// # Errors
    ///
    /// [`Error::LonelyPsu`] when a stratum has one PSU and the design's option is
    /// [`LonelyPsu::Fail`].
    pub(crate) fn covariance(&self, columns: &[Vec<f64>]) -> Result<Vec<f64>> {
        let k = columns.len();
        let mut totals = vec![0.0; self.psu_count() * k];
        let mut u = Vec::new();
        for (j, column) in columns.iter().enumerate() {
            u.clone_from(column);
            self.calibrate(&mut u);
            for (&p, value) in self.psu.iter().zip(&u) {
                if let Some(t) = totals.get_mut(p as usize * k + j) {
                    *t += value;
                }
            }
        }
        self.covariance_of_psu_totals(&totals, k)
    }

    /// The with-replacement covariance (row-major, `k x k`) from the PSU totals of `k` columns
    /// (`totals[p * k + j]` is column `j`'s total in PSU `p`): within each stratum,
    /// `n_h / (n_h - 1)` times the cross-products of the deviations from the stratum's mean.
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::covariance`].
    pub(crate) fn covariance_of_psu_totals(&self, totals: &[f64], k: usize) -> Result<Vec<f64>> {
        // PSUs of each stratum, grouped: `order[start[h]..start[h + 1]]`.
        let mut start = vec![0_usize; self.strata + 1];
        for &h in &self.psu_stratum {
            if let Some(s) = start.get_mut(h as usize + 1) {
                *s += 1;
            }
        }
        for h in 0..self.strata {
            start[h + 1] += start[h];
        }
        let mut next = start.clone();
        let mut order = vec![0_usize; self.psu_stratum.len()];
        for (p, &h) in self.psu_stratum.iter().enumerate() {
            if let Some(slot) = next.get_mut(h as usize)
                && let Some(o) = order.get_mut(*slot)
            {
                *o = p;
                *slot += 1;
            }
        }
        let row = |p: usize| totals.get(p * k..p * k + k).unwrap_or(&[]);
        let mut covariance = vec![0.0; k * k];
        let (mut centre, mut deviation) = (vec![0.0; k], vec![0.0; k]);
        let mut averaged_out = 0_usize;
        for h in 0..self.strata {
            let psus_in = order.get(start[h]..start[h + 1]).unwrap_or(&[]);
            let n = psus_in.len();
            if n == 0 {
                continue;
            }
            centre.iter_mut().for_each(|m| *m = 0.0);
            let scale = if n > 1 {
                for &p in psus_in {
                    for (m, t) in centre.iter_mut().zip(row(p)) {
                        *m += t / n as f64;
                    }
                }
                n as f64 / (n as f64 - 1.0)
            } else {
                match self.lonely {
                    LonelyPsu::Fail => {
                        let stratum = self.stratum_labels.get(h).cloned().unwrap_or_default();
                        return Err(Error::LonelyPsu { stratum });
                    }
                    LonelyPsu::Certainty | LonelyPsu::Remove => continue,
                    LonelyPsu::Average => {
                        averaged_out += 1;
                        continue;
                    }
                    LonelyPsu::Adjust => 1.0,
                }
            };
            for &p in psus_in {
                for ((d, t), m) in deviation.iter_mut().zip(row(p)).zip(&centre) {
                    *d = t - m;
                }
                for (a, da) in deviation.iter().enumerate() {
                    for (b, db) in deviation.iter().enumerate() {
                        if let Some(c) = covariance.get_mut(a * k + b) {
                            *c += scale * da * db;
                        }
                    }
                }
            }
        }
        if averaged_out > 0 {
            let kept = (self.strata - averaged_out) as f64;
            let factor = if kept > 0.0 {
                self.strata as f64 / kept
            } else {
                f64::NAN
            };
            covariance.iter_mut().for_each(|c| *c *= factor);
        }
        Ok(covariance)
    }

    /// The design variance of the total of one linearised column.
    pub(crate) fn variance(&self, column: Vec<f64>) -> Result<f64> {
        Ok(self.covariance(&[column])?.first().copied().unwrap_or(0.0))
    }
}

/// `u <- u - psw * m_h`, with `m_h` the old-weighted mean of `u / psw` in post-stratum `h`.
fn post_stratum_residuals(u: &mut [f64], cells: &[u32], old_weights: &[f64], new_weights: &[f64]) {
    let cell_count = cells.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut numerator = vec![0.0; cell_count];
    let mut denominator = vec![0.0; cell_count];
    let psw_of = |old: f64, new: f64| if new == 0.0 && old == 0.0 { 1.0 } else { new };
    for (((&value, &c), &old), &new) in u.iter().zip(cells).zip(old_weights).zip(new_weights) {
        let psw = psw_of(old, new);
        if let (Some(n), Some(d)) = (
            numerator.get_mut(c as usize),
            denominator.get_mut(c as usize),
        ) {
            if psw != 0.0 {
                *n += value * old / psw;
            }
            *d += old;
        }
    }
    for (((value, &c), &old), &new) in u.iter_mut().zip(cells).zip(old_weights).zip(new_weights) {
        let psw = psw_of(old, new);
        let (n, d) = (
            numerator.get(c as usize).copied().unwrap_or(0.0),
            denominator.get(c as usize).copied().unwrap_or(0.0),
        );
        if d != 0.0 {
            *value -= n / d * psw;
        }
    }
}

/// R's residuals after raking: ten times over, for each margin `j` of the last pass,
/// `u <- u - psw_j * ave(u / psw_j, margin_j)` with `psw_j` the weights after margin `j` (records
/// of zero weight count in the averages but add nothing to them). As `psw_j = base * g_j(cell)`
/// for the record's joint cell, the projections run on per-cell sums of `v = u / base`: each
/// subtracts `g_j(cell) * mean` from every `v` of the cell, so only the cell totals move until the
/// final pass applies the accumulated shift to the records.
fn raking_residuals(
    u: &mut [f64],
    joint: &[u32],
    base_weights: &[f64],
    categories: &[Vec<u32>],
    factors: &[Vec<f64>],
) {
    let cells = factors.first().map_or(0, Vec::len);
    // Per joint cell: sum of v, records (all, for the averages), records with a weight (whose v
    // the projections move).
    let (mut v, mut records, mut weighted) = (vec![0.0; cells], vec![0.0; cells], vec![0.0; cells]);
    for ((&value, &j), &w) in u.iter().zip(joint).zip(base_weights) {
        let j = j as usize;
        if let (Some(s), Some(n), Some(m)) = (v.get_mut(j), records.get_mut(j), weighted.get_mut(j))
        {
            *n += 1.0;
            if w != 0.0 {
                *s += value / w;
                *m += 1.0;
            }
        }
    }
    let mut shift = vec![0.0; cells];
    for _ in 0..RAKING_PROJECTIONS {
        for (category, factor) in categories.iter().zip(factors) {
            let count = category.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
            let (mut sums, mut counts) = (vec![0.0; count], vec![0.0; count]);
            for (((&c, &g), &s), &n) in category.iter().zip(factor).zip(&v).zip(&records) {
                if let (Some(sum), Some(k)) = (sums.get_mut(c as usize), counts.get_mut(c as usize))
                {
                    if g != 0.0 {
                        *sum += s / g;
                    }
                    *k += n;
                }
            }
            for ((((&c, &g), s), &m), a) in category
                .iter()
                .zip(factor)
                .zip(&mut v)
                .zip(&weighted)
                .zip(&mut shift)
            {
                let (sum, k) = (
                    sums.get(c as usize).copied().unwrap_or(0.0),
                    counts.get(c as usize).copied().unwrap_or(0.0),
                );
                if k > 0.0 {
                    let step = g * sum / k;
                    *s -= m * step;
                    *a += step;
                }
            }
        }
    }
    for ((value, &j), &w) in u.iter_mut().zip(joint).zip(base_weights) {
        if w != 0.0 {
            *value -= w * shift.get(j as usize).copied().unwrap_or(0.0);
        }
    }
}
