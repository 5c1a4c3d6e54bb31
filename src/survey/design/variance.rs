//! The variance engine: calibration adjustments, PSU totals, and the with-replacement sum over
//! strata (R's `svyrecvar`, `onestage` and `onestrat`).

use crate::error::{Error, Result};
use crate::survey::design::{Calibration, LonelyPsu, SampleDesign};

/// Iterations of the raking residual projection (R uses 10).
const RAKING_PROJECTIONS: usize = 10;

/// Most PSU totals (PSUs times domains) summed in one dense pass: 2^22 (32 MiB).
pub(crate) const DENSE_TOTALS: usize = 1 << 22;

/// The PSU totals of a set of domains, as [`SampleDesign::domain_covariance`] takes them.
pub(crate) enum PsuTotals<'a> {
    /// `totals[p * count + d]`, summed in one sequential pass over the records (fast whatever
    /// their order), when there are few enough of them.
    Dense(Vec<f64>),
    /// The records: record `k` adds `z[k]` to domain `domain[k]` (`u32::MAX` for none); each
    /// PSU's records are gathered in turn, so memory does not grow with PSUs times domains.
    Sparse { domain: &'a [u32], z: &'a [f64] },
}

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
                Calibration::Regression {
                    aux,
                    old_weights,
                    new_weights,
                    factor,
                } => super::calibration::regression_residuals(
                    u,
                    aux,
                    old_weights,
                    new_weights,
                    factor,
                ),
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
        self.index().psu_stratum.len()
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
        // A second stage also needs the (calibrated) values' totals per second-stage unit.
        let mut ssu_totals = self.ssu_totals_buffer(k);
        let mut u = Vec::new();
        for (j, column) in columns.iter().enumerate() {
            u.clone_from(column);
            self.calibrate(&mut u);
            for (&p, value) in self.index().psu.iter().zip(&u) {
                if let Some(t) = totals.get_mut(p as usize * k + j) {
                    *t += value;
                }
            }
            if let Some(ssu_totals) = &mut ssu_totals {
                self.add_ssu_totals(ssu_totals, &u, j, k);
            }
        }
        let mut covariance = self.covariance_of_psu_totals(&totals, k)?;
        if let Some(ssu_totals) = &ssu_totals {
            self.add_second_stage_columns(ssu_totals, k, &mut covariance)?;
        }
        Ok(covariance)
    }

    /// How stratum `h` with `n` PSUs enters the variance: `Some((scale, centred))`, the factor
    /// `n / (n - 1)` on the cross-products and whether deviations are taken from the stratum's
    /// mean; `None` when it contributes nothing; an error for a lonely PSU under
    /// [`LonelyPsu::Fail`]. `averaged_out` counts the strata left to [`LonelyPsu::Average`].
    fn stratum_scale(
        &self,
        h: usize,
        n: usize,
        averaged_out: &mut usize,
    ) -> Result<Option<(f64, bool)>> {
        if n == 0 {
            return Ok(None);
        }
        // Without replacement: a stratum sampled whole has no variance.
        let fraction = self.sampling_fraction(h, n)?;
        if fraction >= 1.0 {
            return Ok(None);
        }
        if n > 1 {
            return Ok(Some((n as f64 / (n as f64 - 1.0) * (1.0 - fraction), true)));
        }
        match self.lonely {
            LonelyPsu::Fail => {
                let stratum = self.stratum_labels.get(h).cloned().unwrap_or_default();
                Err(Error::LonelyPsu { stratum })
            }
            LonelyPsu::Certainty | LonelyPsu::Remove => Ok(None),
            LonelyPsu::Average => {
                *averaged_out += 1;
                Ok(None)
            }
            // The lonely PSU's deviation from the grand mean, which is zero for linearised values,
            // times 1 - f as R's `onestrat` scales it.
            LonelyPsu::Adjust => Ok(Some((1.0 - fraction, false))),
        }
    }

    /// Scales the covariance for the strata left to [`LonelyPsu::Average`]: the other strata's
    /// average contribution stands in for theirs.
    ///
    /// # Errors
    ///
    /// [`Error::Undefined`] when every stratum is lonely, so that there is no other to average.
    fn average_out(&self, covariance: &mut [f64], averaged_out: usize) -> Result<()> {
        if averaged_out == 0 {
            return Ok(());
        }
        let kept = self.strata.saturating_sub(averaged_out);
        if kept == 0 {
            return Err(Error::Undefined {
                what: "variance with lonely PSUs averaged",
                reason: "every stratum has a single PSU, so no stratum's contribution can stand \
                         in for the others'; choose another LonelyPsu option",
            });
        }
        let factor = self.strata as f64 / kept as f64;
        covariance.iter_mut().for_each(|c| *c *= factor);
        Ok(())
    }

    /// The with-replacement covariance (row-major, `k x k`) from the PSU totals of `k` columns
    /// (`totals[p * k + j]` is column `j`'s total in PSU `p`): within each stratum,
    /// `n_h / (n_h - 1)` times the cross-products of the deviations from the stratum's mean.
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::covariance`].
    pub(crate) fn covariance_of_psu_totals(&self, totals: &[f64], k: usize) -> Result<Vec<f64>> {
        let row = |p: u32| {
            totals
                .get(p as usize * k..p as usize * k + k)
                .unwrap_or(&[])
        };
        let mut covariance = vec![0.0; k * k];
        let (mut centre, mut deviation) = (vec![0.0; k], vec![0.0; k]);
        let mut averaged_out = 0_usize;
        for h in 0..self.strata {
            let psus_in = self.index().psus_of(h);
            let n = psus_in.len();
            let Some((scale, centred)) = self.stratum_scale(h, n, &mut averaged_out)? else {
                continue;
            };
            centre.iter_mut().for_each(|m| *m = 0.0);
            if centred {
                for &p in psus_in {
                    for (m, t) in centre.iter_mut().zip(row(p)) {
                        *m += t / n as f64;
                    }
                }
            }
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
        self.average_out(&mut covariance, averaged_out)?;
        Ok(covariance)
    }

    /// Whether the PSU totals of `count` domains are few enough ([`DENSE_TOTALS`]) to be summed
    /// densely; never for a design with a second stage, whose variance needs the records.
    pub(crate) fn dense_totals_fit(&self, count: usize) -> bool {
        !self.has_second_stage()
            && self
                .psu_count()
                .checked_mul(count)
                .is_some_and(|size| size <= DENSE_TOTALS)
    }

    /// The PSU totals of `count` domains where record `k` adds `z[k]` to domain `domain[k]`
    /// (`u32::MAX` for none): dense when they fit, else the records themselves.
    pub(crate) fn psu_totals<'a>(
        &self,
        domain: &'a [u32],
        z: &'a [f64],
        count: usize,
    ) -> PsuTotals<'a> {
        if !self.dense_totals_fit(count) {
            return PsuTotals::Sparse { domain, z };
        }
        let mut totals = vec![0.0; self.psu_count() * count];
        for ((&d, &value), &p) in domain.iter().zip(z).zip(&self.index().psu) {
            if (d as usize) < count
                && let Some(t) = totals.get_mut(p as usize * count + d as usize)
            {
                *t += value;
            }
        }
        PsuTotals::Dense(totals)
    }

    /// The with-replacement covariance (row-major, `count x count`) of the domain totals of
    /// linearised values, where record `k` adds `z[k]` to domain `domain[k]` (`u32::MAX` for
    /// none) and nothing to the others: the same sum as [`covariance_of_psu_totals`]
    /// (`Self::covariance_of_psu_totals`), taken over the non-zero PSU totals only, so that memory
    /// is `O(records + count^2)` and time `O(records + sum over PSUs of (domains in the PSU)^2 +
    /// sum over strata of (domains in the stratum)^2)`, whatever the numbers of PSUs and domains.
    ///
    /// Within stratum `h` of `n` PSUs with means `c`, over the PSUs `T_a` where domain `a` has a
    /// total: `sum_p (t_pa - c_a)(t_pb - c_b) = P_ab - c_b (D_a - E_ab) - c_a (D_b - E_ba) +
    /// (n - |T_a| - |T_b| + |T_a & T_b|) c_a c_b`, with `P_ab` the sum of the products over
    /// `T_a & T_b`, `D_a` the sum of `t_pa - c_a` over `T_a` and `E_ab` over `T_a & T_b`: the
    /// two-pass sum of deviations, exactly, without forming the zero totals.
    ///
    /// # Errors
    ///
    /// As [`SampleDesign::covariance`].
    pub(crate) fn domain_covariance(&self, totals: PsuTotals, count: usize) -> Result<Vec<f64>> {
        let mut covariance = vec![0.0; count * count];
        let mut averaged_out = 0_usize;
        let (dense, domain, z) = match &totals {
            PsuTotals::Dense(totals) => (Some(totals), &[][..], &[][..]),
            PsuTotals::Sparse { domain, z } => (None, *domain, *z),
        };
        let mut group = GroupSums::new(count);
        for h in 0..self.strata {
            let psus_in = self.index().psus_of(h);
            let n = psus_in.len();
            let Some((scale, centred)) = self.stratum_scale(h, n, &mut averaged_out)? else {
                continue;
            };
            for &p in psus_in {
                match &dense {
                    Some(dense) => group.add_row(
                        dense
                            .get(p as usize * count..(p as usize + 1) * count)
                            .unwrap_or(&[]),
                    ),
                    None => group.add_records(self.index().members_of(p), domain, z),
                }
            }
            group.finish(n, scale, centred, &mut covariance);
        }
        self.average_out(&mut covariance, averaged_out)?;
        if self.has_second_stage() {
            // Dense PSU totals have lost the second-stage units; `dense_totals_fit` keeps
            // two-stage designs on the records.
            if dense.is_some() {
                return Err(Error::Undefined {
                    what: "two-stage variance",
                    reason: "the second stage needs the records, not PSU totals",
                });
            }
            self.add_second_stage_domains(domain, z, &mut group, &mut covariance)?;
        }
        Ok(covariance)
    }

    /// The design variance of the total of one linearised column.
    pub(crate) fn variance(&self, column: Vec<f64>) -> Result<f64> {
        Ok(self.covariance(&[column])?.first().copied().unwrap_or(0.0))
    }
}

/// The sparse sum of centred cross-products of [`SampleDesign::domain_covariance`], one group of
/// sampling units at a time (the PSUs of a stratum, or the second-stage units of a PSU): each
/// unit's non-zero domain totals are gathered ([`GroupSums::add_row`],
/// [`GroupSums::add_records`]), then [`GroupSums::finish`] adds the group's contribution. The
/// buffers are kept from group to group.
pub(crate) struct GroupSums {
    count: usize,
    /// Per domain: its total in the current unit, whether the unit reached it, and its local
    /// index in the current group.
    total: Vec<f64>,
    in_unit: Vec<bool>,
    local: Vec<u32>,
    touched: Vec<u32>,
    /// The current group's non-zero unit totals, `(local domain, total)`, unit after unit.
    entries: Vec<(u32, f64)>,
    bounds: Vec<usize>,
    domains: Vec<u32>,
    sums: Vec<f64>,
    seen: Vec<f64>,
    products: Vec<f64>,
    partial: Vec<f64>,
    shared: Vec<f64>,
}

impl GroupSums {
    const NONE: u32 = u32::MAX;

    pub(crate) fn new(count: usize) -> Self {
        Self {
            count,
            total: vec![0.0; count],
            in_unit: vec![false; count],
            local: vec![Self::NONE; count],
            touched: Vec::new(),
            entries: Vec::new(),
            bounds: Vec::new(),
            domains: Vec::new(),
            sums: Vec::new(),
            seen: Vec::new(),
            products: Vec::new(),
            partial: Vec::new(),
            shared: Vec::new(),
        }
    }

    /// A unit whose domain totals are `row` (dense, one per domain).
    pub(crate) fn add_row(&mut self, row: &[f64]) {
        for (d, &t) in row.iter().enumerate() {
            if t != 0.0 {
                // d < count <= MAX_DOMAINS.
                self.touched.push(d as u32);
                if let Some(slot) = self.total.get_mut(d) {
                    *slot = t;
                }
            }
        }
        self.close_unit();
    }

    /// A unit of the records `members`: record `k` adds `z[k]` to domain `domain[k]` (`u32::MAX`
    /// for none).
    pub(crate) fn add_records(&mut self, members: &[u32], domain: &[u32], z: &[f64]) {
        for &k in members {
            let d = domain.get(k as usize).copied().unwrap_or(Self::NONE);
            let (Some(slot), Some(mark)) = (
                self.total.get_mut(d as usize),
                self.in_unit.get_mut(d as usize),
            ) else {
                continue;
            };
            if !*mark {
                *mark = true;
                self.touched.push(d);
            }
            *slot += z.get(k as usize).copied().unwrap_or(0.0);
        }
        self.close_unit();
    }

    /// Moves the current unit's totals into the group's entries.
    fn close_unit(&mut self) {
        for &d in &self.touched {
            let (Some(t), Some(l), Some(mark)) = (
                self.total.get_mut(d as usize),
                self.local.get_mut(d as usize),
                self.in_unit.get_mut(d as usize),
            ) else {
                continue;
            };
            *mark = false;
            if *l == Self::NONE {
                *l = self.domains.len() as u32;
                self.domains.push(d);
            }
            self.entries.push((*l, *t));
            *t = 0.0;
        }
        self.touched.clear();
        self.bounds.push(self.entries.len());
    }

    /// Adds `scale` times the group's cross-products of deviations (from the means over its `n`
    /// units when `centred`, else from zero) to `covariance` (`count x count`), and starts a new
    /// group.
    pub(crate) fn finish(&mut self, n: usize, scale: f64, centred: bool, covariance: &mut [f64]) {
        let count = self.count;
        let m = self.domains.len();
        // Means of the unit totals (zero for the units a domain does not reach) and reach.
        self.sums.clear();
        self.sums.resize(m, 0.0);
        self.seen.clear();
        self.seen.resize(m, 0.0);
        for &(l, t) in &self.entries {
            self.sums[l as usize] += t;
            self.seen[l as usize] += 1.0;
        }
        let centre: Vec<f64> = self
            .sums
            .iter()
            .map(|s| if centred { s / n as f64 } else { 0.0 })
            .collect();
        let (products, partial, shared) = (&mut self.products, &mut self.partial, &mut self.shared);
        products.clear();
        products.resize(m * m, 0.0);
        partial.clear();
        partial.resize(m * m, 0.0);
        shared.clear();
        shared.resize(m * m, 0.0);
        let mut begin = 0;
        for &end in &self.bounds {
            let unit = self.entries.get(begin..end).unwrap_or(&[]);
            for &(a, ta) in unit {
                let da = ta - centre[a as usize];
                for &(b, tb) in unit {
                    let db = tb - centre[b as usize];
                    let at = a as usize * m + b as usize;
                    products[at] += da * db;
                    partial[at] += da;
                    shared[at] += 1.0;
                }
            }
            begin = end;
        }
        // D_a = sum over T_a of (t_pa - c_a) = E_aa, summed in the same order, so that the
        // terms in D_a - E_ab cancel exactly on the diagonal.
        let deviation: Vec<f64> = (0..m).map(|a| partial[a * m + a]).collect();
        for a in 0..m {
            for b in 0..m {
                let (ab, ba) = (a * m + b, b * m + a);
                let untouched = n as f64 - self.seen[a] - self.seen[b] + shared[ab];
                let sum = products[ab]
                    - centre[b] * (deviation[a] - partial[ab])
                    - centre[a] * (deviation[b] - partial[ba])
                    + untouched * centre[a] * centre[b];
                let (da, db) = (self.domains[a] as usize, self.domains[b] as usize);
                if let Some(c) = covariance.get_mut(da * count + db) {
                    *c += scale * sum;
                }
            }
        }
        for &d in &self.domains {
            if let Some(l) = self.local.get_mut(d as usize) {
                *l = Self::NONE;
            }
        }
        self.entries.clear();
        self.bounds.clear();
        self.domains.clear();
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
