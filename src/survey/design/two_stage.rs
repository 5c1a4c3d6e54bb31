//! A second sampling stage: second-stage units (SSUs) nested in the PSUs, with their finite
//! population corrections, and the variance they add, as R's
//! `svydesign(ids = ~psu + ssu, fpc = ~N1 + N2)`, whose `multistage` adds, for each PSU, the
//! within-PSU variance of its SSU totals times the first-stage sampling fraction.

use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::survey::design::variance::GroupSums;
use crate::survey::design::{LonelyPsu, SampleDesign, dense, dense_pairs, group_by};

/// The second stage of a design: which SSU each record belongs to and the SSUs' finite
/// population corrections.
#[derive(Debug, Clone, Default)]
pub(crate) struct SecondStage {
    /// Dense code of each record's SSU label (nested in its PSU when indexed); `None`: every
    /// record is its own SSU.
    units: Option<Vec<u32>>,
    /// The correction as given, one value per record (population size or sampling fraction of
    /// the PSU's SSUs), kept so that PSUs set later re-derive `fpc_psus`.
    fpc: Option<Vec<f64>>,
    /// Each PSU's correction, from `fpc`.
    fpc_psus: Vec<f64>,
    /// The SSUs, indexed on first use.
    index: OnceLock<Arc<SsuIndex>>,
}

impl PartialEq for SecondStage {
    fn eq(&self, other: &Self) -> bool {
        self.units == other.units && self.fpc == other.fpc && self.fpc_psus == other.fpc_psus
    }
}

/// The SSUs of a two-stage design: which SSU each record belongs to, the SSUs of each PSU and the
/// records of each SSU.
#[derive(Debug)]
pub(crate) struct SsuIndex {
    /// Dense SSU index of each record (unique across PSUs).
    ssu: Vec<u32>,
    /// The SSUs of each PSU: `psu_ssus[psu_start[p]..psu_start[p + 1]]`.
    psu_ssus: Vec<u32>,
    psu_start: Vec<usize>,
    /// The records of each SSU: `members[member_start[s]..member_start[s + 1]]`.
    members: Vec<u32>,
    member_start: Vec<usize>,
}

impl SsuIndex {
    fn build(psu: &[u32], psus: usize, units: Option<&[u32]>) -> Self {
        let (ssu, count) = match units {
            Some(units) => dense_pairs(psu, psus, units),
            // `new` refuses more than u32::MAX records.
            None => ((0..psu.len()).map(|k| k as u32).collect(), psu.len()),
        };
        let mut ssu_psu = vec![0; count];
        for (&s, &p) in ssu.iter().zip(psu) {
            if let Some(slot) = ssu_psu.get_mut(s as usize) {
                *slot = p;
            }
        }
        let (psu_ssus, psu_start) = group_by(&ssu_psu, psus);
        let (members, member_start) = group_by(&ssu, count);
        Self {
            ssu,
            psu_ssus,
            psu_start,
            members,
            member_start,
        }
    }

    /// Number of SSUs.
    fn count(&self) -> usize {
        self.member_start.len().saturating_sub(1)
    }

    /// The SSUs of PSU `p`.
    fn ssus_of(&self, p: u32) -> &[u32] {
        slice(&self.psu_ssus, &self.psu_start, p as usize)
    }

    /// The records of SSU `s`.
    fn members_of(&self, s: u32) -> &[u32] {
        slice(&self.members, &self.member_start, s as usize)
    }
}

/// `items[start[g]..start[g + 1]]`, or nothing.
fn slice<'a>(items: &'a [u32], start: &[usize], g: usize) -> &'a [u32] {
    match (start.get(g), start.get(g + 1)) {
        (Some(&a), Some(&b)) => items.get(a..b).unwrap_or(&[]),
        _ => &[],
    }
}

impl SampleDesign {
    /// Adds a second sampling stage: the second-stage unit (SSU) of each respondent, nested in
    /// its PSU as R's `svydesign(ids = ~psu + ssu)` nests them (the same label in two PSUs names
    /// two SSUs). Give the first-stage clusters first ([`SampleDesign::with_clusters`]).
    ///
    /// The second stage adds to the variance only when the first stage is sampled without
    /// replacement (R's rule): for each PSU of a stratum sampled at fraction `f1`, `f1 (1 - f2)
    /// n2 / (n2 - 1)` times the sum of squared deviations of its `n2` SSU totals from their mean,
    /// `f2` the fraction of the PSU's SSUs sampled ([`SampleDesign::with_second_stage_fpc`]; 0,
    /// sampling with replacement, without one). So without a first-stage correction
    /// ([`SampleDesign::with_fpc`]) the variance is the with-replacement one of the PSUs alone.
    /// A PSU with a single SSU is handled as a lonely PSU ([`LonelyPsu`]) unless its SSUs were
    /// all sampled. Degrees of freedom stay PSUs minus strata.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// // 3 of 10 districts (PSUs), and 2 of each district's schools (SSUs, 2 records each).
    /// let schools = [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2];
    /// let one_stage = SampleDesign::new(vec![1.0; 12])?
    ///     .with_clusters(&["a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"])?
    ///     .with_fpc(&[10.0; 12])?;
    /// let y = [3.0, 4.0, 8.0, 9.0, 5.0, 5.0, 6.0, 7.0, 2.0, 3.0, 4.0, 9.0];
    /// let two_stage = one_stage.clone().with_second_stage_clusters(&schools)?;
    /// assert!(two_stage.has_second_stage());
    /// assert!(two_stage.mean(&y)?.std_error > one_stage.mean(&y)?.std_error);
    /// assert_eq!(two_stage.degrees_of_freedom(), 2.0); // 3 PSUs - 1 stratum
    /// // Second-stage units need first-stage clusters.
    /// let err = SampleDesign::new(vec![1.0; 12])?.with_second_stage_clusters(&schools).unwrap_err();
    /// assert!(matches!(err, Error::Undefined { .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one label per weight; [`Error::Undefined`] when
    /// the design has no first-stage clusters. A PSU with a single SSU makes variances fail with
    /// [`Error::LonelyPsu`] (naming the PSU by its first record) under [`LonelyPsu::Fail`], and
    /// with [`Error::Undefined`] under [`LonelyPsu::Average`] (R's variance is NaN there).
    pub fn with_second_stage_clusters<T: Hash + Eq>(mut self, clusters: &[T]) -> Result<Self> {
        self.check_len("second-stage clusters", clusters.len())?;
        self.require_clusters()?;
        self.second_stage
            .get_or_insert_with(SecondStage::default)
            .units = Some(dense(clusters.iter()).0);
        self.refresh_second_stage()?;
        Ok(self)
    }

    /// Adds the second stage's finite population corrections, one value per respondent as R's
    /// `svydesign(fpc = ~N1 + N2)` takes `N2`: the number of SSUs in the respondent's PSU in the
    /// population when above 1, else the fraction of them sampled (0: sampled with
    /// replacement); constant within each PSU. The PSU's second-stage variance is multiplied by
    /// `1 - f2`: a PSU whose SSUs were all sampled adds none. Without
    /// [`SampleDesign::with_second_stage_clusters`] each respondent is its own SSU (elements
    /// sampled within clusters, as R's `ids = ~psu + id` with a respondent id). Give the
    /// first-stage clusters first.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// // 2 of 20 classes, then 3 of each class's 30 pupils.
    /// let design = SampleDesign::new(vec![100.0; 6])?
    ///     .with_clusters(&[1, 1, 1, 2, 2, 2])?
    ///     .with_fpc(&[20.0; 6])?;
    /// let y = [4.0, 6.0, 5.0, 7.0, 9.0, 8.0];
    /// let sampled = design.clone().with_second_stage_fpc(&[30.0; 6])?;
    /// let fractions = design.clone().with_second_stage_fpc(&[0.1; 6])?;
    /// let (a, b) = (sampled.mean(&y)?.std_error, fractions.mean(&y)?.std_error);
    /// assert!((a - b).abs() < 1e-12 * a);
    /// // Every pupil of both classes: the second stage adds nothing.
    /// let census = design.clone().with_second_stage_fpc(&[1.0; 6])?;
    /// assert_eq!(census.mean(&y)?.std_error, design.mean(&y)?.std_error);
    /// let err = design.with_second_stage_fpc(&[30.0, 30.0, 31.0, 30.0, 30.0, 30.0]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidValue { record: 2, .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one value per respondent; [`Error::Undefined`]
    /// when the design has no first-stage clusters; [`Error::InvalidValue`] for a value that is
    /// negative or not finite, or that differs from its PSU's first (naming the record). A
    /// population smaller than its sample is refused when a variance is computed
    /// ([`Error::InvalidParameter`]).
    pub fn with_second_stage_fpc(mut self, fpc: &[f64]) -> Result<Self> {
        self.check_len("second-stage fpc", fpc.len())?;
        self.require_clusters()?;
        if let Some((record, &value)) = fpc
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(Error::InvalidValue {
                name: "second-stage fpc",
                record,
                value,
            });
        }
        self.second_stage
            .get_or_insert_with(SecondStage::default)
            .fpc = Some(fpc.to_vec());
        self.refresh_second_stage()?;
        Ok(self)
    }

    /// Whether a second sampling stage was given ([`SampleDesign::with_second_stage_clusters`]
    /// or [`SampleDesign::with_second_stage_fpc`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 4])?.with_clusters(&[1, 1, 2, 2])?;
    /// assert!(!design.has_second_stage());
    /// assert!(design.with_second_stage_clusters(&[1, 2, 1, 2])?.has_second_stage());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn has_second_stage(&self) -> bool {
        self.second_stage.is_some()
    }

    fn require_clusters(&self) -> Result<()> {
        if self.has_clusters {
            return Ok(());
        }
        Err(Error::Undefined {
            what: "a second sampling stage",
            reason: "second-stage units are nested in first-stage clusters: give the clusters \
                     (SampleDesign::with_clusters) first",
        })
    }

    /// Re-derives the second stage after its units, its corrections or the PSUs changed: drops
    /// the SSU index and takes each PSU's correction from the values given per respondent.
    pub(crate) fn refresh_second_stage(&mut self) -> Result<()> {
        let Some(stage) = &self.second_stage else {
            return Ok(());
        };
        let fpc_psus = match &stage.fpc {
            None => Vec::new(),
            Some(values) => {
                let index = self.index();
                let mut psus = vec![f64::NAN; index.psu_stratum.len()];
                for (record, (&p, &value)) in index.psu.iter().zip(values).enumerate() {
                    if let Some(slot) = psus.get_mut(p as usize) {
                        if slot.is_nan() {
                            *slot = value;
                        } else if *slot != value {
                            return Err(Error::InvalidValue {
                                name: "second-stage fpc (it must be the same within a PSU)",
                                record,
                                value,
                            });
                        }
                    }
                }
                psus
            }
        };
        if let Some(stage) = &mut self.second_stage {
            stage.fpc_psus = fpc_psus;
            stage.index = OnceLock::new();
        }
        Ok(())
    }

    /// The SSU index, built on first use; `None` without a second stage.
    fn ssu_index(&self) -> Option<&SsuIndex> {
        let stage = self.second_stage.as_ref()?;
        let index = self.index();
        Some(stage.index.get_or_init(|| {
            Arc::new(SsuIndex::build(
                &index.psu,
                index.psu_stratum.len(),
                stage.units.as_deref(),
            ))
        }))
    }

    /// The fraction of PSU `p`'s SSUs sampled, `n` of them (0 without a correction).
    fn second_stage_fraction(&self, p: u32, n: usize) -> Result<f64> {
        let Some(&value) = self
            .second_stage
            .as_ref()
            .and_then(|s| s.fpc_psus.get(p as usize))
        else {
            return Ok(0.0);
        };
        let fraction = if value > 1.0 { n as f64 / value } else { value };
        if fraction > 1.0 {
            return Err(Error::InvalidParameter {
                name: "second-stage fpc",
                value,
                requirement: "a PSU's population must be at least its sample (in second-stage \
                              units)",
            });
        }
        Ok(fraction)
    }

    /// How PSU `p` of stratum `h` with `n` SSUs enters the second-stage variance, as
    /// `stratum_scale` does for a stratum at the first stage: `Some((scale, centred))`, or `None`
    /// when it adds nothing. R's `onestrat` at stage 2.
    fn ssu_scale(&self, p: u32, n: usize) -> Result<Option<(f64, bool)>> {
        if n == 0 {
            return Ok(None);
        }
        let fraction = self.second_stage_fraction(p, n)?;
        if fraction >= 1.0 {
            return Ok(None);
        }
        if n > 1 {
            return Ok(Some((n as f64 / (n as f64 - 1.0) * (1.0 - fraction), true)));
        }
        match self.lonely {
            LonelyPsu::Fail => {
                let first = self
                    .index()
                    .members_of(p)
                    .first()
                    .copied()
                    .unwrap_or_default();
                Err(Error::LonelyPsu {
                    stratum: format!(
                        "the PSU of record {first} (at the second stage, with a single unit)"
                    ),
                })
            }
            LonelyPsu::Certainty | LonelyPsu::Remove => Ok(None),
            LonelyPsu::Average => Err(Error::Undefined {
                what: "variance with lonely PSUs averaged",
                reason: "a PSU has a single second-stage unit and no other second-stage stratum \
                         whose contribution could stand in for it (R's variance is NaN); choose \
                         another LonelyPsu option",
            }),
            // The unit's total, not centred, times 1 - f2 (R's `onestrat` with `adjust`).
            LonelyPsu::Adjust => Ok(Some((1.0 - fraction, false))),
        }
    }

    /// The PSUs that add a second-stage variance, with their multiplier (their stratum's
    /// first-stage sampling fraction), stratum by stratum: none where the first stage is with
    /// replacement.
    fn second_stage_psus(&self) -> Result<Vec<(u32, f64)>> {
        let mut psus = Vec::new();
        for h in 0..self.strata {
            let psus_in = self.index().psus_of(h);
            let fraction = self.sampling_fraction(h, psus_in.len())?;
            if fraction > 0.0 {
                psus.extend(psus_in.iter().map(|&p| (p, fraction)));
            }
        }
        Ok(psus)
    }

    /// Room for the SSU totals of `k` columns, when the design has a second stage.
    pub(crate) fn ssu_totals_buffer(&self, k: usize) -> Option<Vec<f64>> {
        let index = self.ssu_index()?;
        Some(vec![0.0; index.count().saturating_mul(k)])
    }

    /// Adds the linearised values `u` of column `j` (of `k`) to their SSUs' totals.
    pub(crate) fn add_ssu_totals(&self, totals: &mut [f64], u: &[f64], j: usize, k: usize) {
        let Some(index) = self.ssu_index() else {
            return;
        };
        for (&s, value) in index.ssu.iter().zip(u) {
            if let Some(t) = totals.get_mut(s as usize * k + j) {
                *t += value;
            }
        }
    }

    /// Adds the second stage's covariance (`k x k`) from the SSU totals of `k` columns
    /// (`totals[s * k + j]`): for each PSU, its multiplier times its scale times the
    /// cross-products of the deviations of its SSU totals from their mean.
    pub(crate) fn add_second_stage_columns(
        &self,
        totals: &[f64],
        k: usize,
        covariance: &mut [f64],
    ) -> Result<()> {
        let Some(index) = self.ssu_index() else {
            return Ok(());
        };
        let row = |s: u32| {
            totals
                .get(s as usize * k..s as usize * k + k)
                .unwrap_or(&[])
        };
        let (mut centre, mut deviation) = (vec![0.0; k], vec![0.0; k]);
        for (p, multiplier) in self.second_stage_psus()? {
            let units = index.ssus_of(p);
            let n = units.len();
            let Some((scale, centred)) = self.ssu_scale(p, n)? else {
                continue;
            };
            let scale = multiplier * scale;
            centre.iter_mut().for_each(|m| *m = 0.0);
            if centred {
                for &s in units {
                    for (m, t) in centre.iter_mut().zip(row(s)) {
                        *m += t / n as f64;
                    }
                }
            }
            for &s in units {
                for ((d, t), m) in deviation.iter_mut().zip(row(s)).zip(&centre) {
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
        Ok(())
    }

    /// Adds the second stage's covariance of domain totals (`count x count`, as
    /// [`SampleDesign::domain_covariance`] takes them: record `k` adds `z[k]` to domain
    /// `domain[k]`), PSU by PSU over the non-zero SSU totals.
    pub(crate) fn add_second_stage_domains(
        &self,
        domain: &[u32],
        z: &[f64],
        group: &mut GroupSums,
        covariance: &mut [f64],
    ) -> Result<()> {
        let Some(index) = self.ssu_index() else {
            return Ok(());
        };
        for (p, multiplier) in self.second_stage_psus()? {
            let units = index.ssus_of(p);
            let Some((scale, centred)) = self.ssu_scale(p, units.len())? else {
                continue;
            };
            for &s in units {
                group.add_records(index.members_of(s), domain, z);
            }
            group.finish(units.len(), multiplier * scale, centred, covariance);
        }
        Ok(())
    }
}
