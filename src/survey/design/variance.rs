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
                Calibration::Raking { margins } => {
                    for _ in 0..RAKING_PROJECTIONS {
                        for (cells, weights) in margins {
                            raking_residuals(u, cells, weights);
                        }
                    }
                }
            }
        }
    }

    /// The design covariance matrix (row-major, `k x k`) of the totals of `k` linearised columns.
    ///
    /// # Errors
    ///
    /// [`Error::LonelyPsu`] when a stratum has one PSU and the design's option is
    /// [`LonelyPsu::Fail`].
    pub(crate) fn covariance(&self, columns: &[Vec<f64>]) -> Result<Vec<f64>> {
        let k = columns.len();
        let psus = self.psu_stratum.len();
        let mut totals = vec![0.0; psus * k];
        for (j, column) in columns.iter().enumerate() {
            let mut u = column.clone();
            self.calibrate(&mut u);
            for (&p, value) in self.psu.iter().zip(&u) {
                if let Some(t) = totals.get_mut(p as usize * k + j) {
                    *t += value;
                }
            }
        }
        // PSUs of each stratum.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.strata];
        for (p, &h) in self.psu_stratum.iter().enumerate() {
            if let Some(list) = members.get_mut(h as usize) {
                list.push(p);
            }
        }
        let mut covariance = vec![0.0; k * k];
        let mut averaged_out = 0_usize;
        for (h, psus_in) in members.iter().enumerate() {
            let n = psus_in.len();
            if n == 0 {
                continue;
            }
            let row = |p: usize| totals.get(p * k..p * k + k).unwrap_or(&[]);
            let (centre, scale) = if n > 1 {
                let mut mean = vec![0.0; k];
                for &p in psus_in {
                    for (m, t) in mean.iter_mut().zip(row(p)) {
                        *m += t / n as f64;
                    }
                }
                (mean, n as f64 / (n as f64 - 1.0))
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
                    LonelyPsu::Adjust => (vec![0.0; k], 1.0),
                }
            };
            for &p in psus_in {
                let deviation: Vec<f64> = row(p).iter().zip(&centre).map(|(t, m)| t - m).collect();
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

/// `u <- u - psw * ave(u / psw, margin)`: the unweighted mean within each margin category.
fn raking_residuals(u: &mut [f64], cells: &[u32], weights: &[f64]) {
    let cell_count = cells.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut sums = vec![0.0; cell_count];
    let mut counts = vec![0.0; cell_count];
    for ((&value, &c), &w) in u.iter().zip(cells).zip(weights) {
        if let (Some(s), Some(n)) = (sums.get_mut(c as usize), counts.get_mut(c as usize)) {
            if w != 0.0 {
                *s += value / w;
            }
            *n += 1.0;
        }
    }
    for ((value, &c), &w) in u.iter_mut().zip(cells).zip(weights) {
        let (s, n) = (
            sums.get(c as usize).copied().unwrap_or(0.0),
            counts.get(c as usize).copied().unwrap_or(0.0),
        );
        if n > 0.0 {
            *value -= w * s / n;
        }
    }
}
