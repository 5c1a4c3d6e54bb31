//! Complex samples: weights, strata and clusters, with design-based (Taylor-linearised) variances,
//! as R's `survey` package computes them.

pub(crate) mod calibration;
pub(crate) mod estimate;
pub(crate) mod interval;
pub(crate) mod quantile;
pub(crate) mod rao_scott;
pub(crate) mod ratio;
pub(crate) mod replicate;
mod replicate_create;
pub(crate) mod summary;
pub(crate) mod two_stage;
pub(crate) mod variance;
pub(crate) mod weighting;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::names::method_names;

/// What to do with a stratum that has a single primary sampling unit, whose variance cannot be
/// estimated from within the stratum (R's `options(survey.lonely.psu = ...)`).
///
/// | option | contribution of the stratum to the variance |
/// |---|---|
/// | `Fail` (the default, as in R) | none: estimation stops with [`Error::LonelyPsu`] |
/// | `Certainty` | zero: the PSU is treated as sampled with certainty |
/// | `Remove` | zero: the stratum is ignored |
/// | `Adjust` | the PSU's deviation from the grand mean (zero) rather than the stratum mean, times `1 - f` with a finite population correction: conservative |
/// | `Average` | the average of the other strata's contributions |
///
/// At the second stage of a two-stage design
/// ([`SampleDesign::with_second_stage_clusters`]) a PSU with a single second-stage unit is
/// treated the same way (as R does), except that `Average` has no other second-stage stratum in
/// the PSU to average and is refused ([`Error::Undefined`]).
///
/// # Examples
///
/// ```
/// use survey_analytics::LonelyPsu;
/// assert_eq!(LonelyPsu::default(), LonelyPsu::Fail);
/// assert_eq!("adjust".parse::<LonelyPsu>()?, LonelyPsu::Adjust);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LonelyPsu {
    /// Refuse to estimate the variance.
    #[default]
    Fail,
    /// Contribute zero (certainty PSU).
    Certainty,
    /// Contribute zero (stratum removed from the variance).
    Remove,
    /// Centre the lonely PSU at the grand mean.
    Adjust,
    /// Replace the stratum's contribution by the average of the others.
    Average,
}

method_names!(LonelyPsu, "lonely-PSU option",
    Fail => "fail",
    Certainty => "certainty",
    Remove => "remove",
    Adjust => "adjust",
    Average => "average",
);

/// A post-stratification or raking step, kept so that variances account for it (R's
/// `design$postStrata`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Calibration {
    /// One post-stratification: cell of each record, weights before and after.
    PostStrata {
        cells: Vec<u32>,
        old_weights: Vec<f64>,
        new_weights: Vec<f64>,
    },
    /// A raking. Every record of a joint cell (a combination of the margins' categories) had its
    /// weight multiplied by the same factors, so the last pass is kept per joint cell: the weight
    /// after margin `j` is `base_weights[k] * factors[j][joint[k]]`.
    Raking {
        /// Joint cell of each record.
        joint: Vec<u32>,
        /// The weights before raking.
        base_weights: Vec<f64>,
        /// Per margin, the category of each joint cell.
        categories: Vec<Vec<u32>>,
        /// Per margin, each joint cell's weight factor after that margin was matched in the last
        /// pass.
        factors: Vec<Vec<f64>>,
    },
    /// A calibration to totals of auxiliaries (R's `calibrate`, stored in `postStrata` as a
    /// `greg_calibration`): the design matrix, the weights before and after, and the Cholesky
    /// factor of `X' W_old X` (R keeps the QR of `X sqrt(W_old)`).
    Regression {
        /// The auxiliaries' design matrix (shared with the designs derived from this one).
        aux: std::sync::Arc<calibration::AuxMatrix>,
        /// The weights before calibration.
        old_weights: Vec<f64>,
        /// The weights after.
        new_weights: Vec<f64>,
        /// Factor of `X' W_old X`.
        factor: std::sync::Arc<calibration::Cholesky>,
    },
}

/// A survey sample's design: a weight per respondent and, optionally, strata, primary sampling
/// units (clusters), finite population corrections and a second sampling stage, for
/// design-based estimation as in R's
/// `svydesign(ids = ~psu + ssu, strata = ~stratum, weights = ~weight, fpc = ~N1 + N2, nest = TRUE)`.
///
/// Variances are the Taylor linearisation of Wolter (2007) and Lumley (2004), R's
/// `svyrecvar`: within each stratum `h` with `n_h` PSUs,
/// `(1 - f_h) n_h / (n_h - 1) * sum over PSUs of (z_hi - zbar_h)^2`, where `z_hi` is the PSU
/// total of the estimate's linearised values and `f_h` the stratum's sampling fraction (0, with
/// replacement, the "ultimate cluster" variance, unless [`SampleDesign::with_fpc`] gives it).
/// With a second stage ([`SampleDesign::with_second_stage_clusters`],
/// [`SampleDesign::with_second_stage_fpc`]) each PSU adds `f_h` times the same sum over its
/// second-stage units, with their own fraction: nothing when the first stage is with
/// replacement. Clusters are nested in strata: the same cluster label in two strata names two
/// clusters (and second-stage units are nested in clusters). Without clusters every respondent
/// is its own PSU; without strata there is one stratum. Strata with a single PSU (and PSUs with
/// a single second-stage unit) are handled by [`LonelyPsu`].
///
/// # Examples
///
/// ```
/// use survey_analytics::SampleDesign;
///
/// let weights = vec![1.0, 2.0, 1.5, 3.0, 2.5, 1.0];
/// let design = SampleDesign::new(weights)?
///     .with_strata(&["a", "a", "a", "b", "b", "b"])?
///     .with_clusters(&[1, 1, 2, 1, 2, 2])?;
/// assert_eq!(design.len(), 6);
/// assert_eq!(design.degrees_of_freedom(), 2.0); // 4 PSUs - 2 strata
/// assert!(SampleDesign::new(vec![1.0, -1.0]).is_err());
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SampleDesign {
    weights: Vec<f64>,
    /// Dense stratum index of each record.
    stratum: Vec<u32>,
    /// Dense cluster index of each record, when clusters were given.
    cluster: Option<Vec<u32>>,
    /// The PSUs, indexed on first use.
    index: LazyIndex,
    strata: usize,
    /// Label of each stratum, for error messages.
    stratum_labels: Vec<String>,
    lonely: LonelyPsu,
    calibrations: Vec<Calibration>,
    has_strata: bool,
    has_clusters: bool,
    /// The finite population correction as given, one value per respondent (population size
    /// or sampling fraction), kept so that strata set later re-derive `fpc_strata`.
    fpc: Option<Vec<f64>>,
    /// Each stratum's population size (above 1) or sampling fraction (at most 1).
    fpc_strata: Vec<f64>,
    /// Replicate weights, when variances come from them rather than from strata and clusters.
    replicates: Option<Arc<replicate::Replicates>>,
    /// The second sampling stage, when given.
    second_stage: Option<two_stage::SecondStage>,
}

/// The PSUs of a design: which PSU each record belongs to, and the members of each PSU and
/// stratum. A function of the strata and clusters, built on first use so that a design set up in
/// several steps (weights, then strata, then clusters) indexes its PSUs once.
#[derive(Debug, Clone)]
pub(crate) struct PsuIndex {
    /// Dense PSU index of each record (unique across strata).
    pub(crate) psu: Vec<u32>,
    /// Stratum of each PSU.
    pub(crate) psu_stratum: Vec<u32>,
    /// The records of each PSU, `members[start[p]..start[p + 1]]`: gathered on first use (by
    /// the paths that go record by record through PSUs), not by designs whose PSU totals are
    /// summed densely.
    psu_members: OnceLock<(Vec<u32>, Vec<usize>)>,
    /// The PSUs of each stratum: `stratum_psus[stratum_start[h]..stratum_start[h + 1]]`.
    stratum_psus: Vec<u32>,
    stratum_start: Vec<usize>,
}

impl PsuIndex {
    fn build(stratum: &[u32], cluster: Option<&[u32]>, strata: usize) -> Self {
        let (psu, count) = match cluster {
            Some(clusters) => dense_pairs(stratum, strata, clusters),
            // `new` refuses more than u32::MAX records.
            None => (
                (0..stratum.len()).map(|k| k as u32).collect(),
                stratum.len(),
            ),
        };
        let mut psu_stratum = vec![0; count];
        for (&p, &h) in psu.iter().zip(stratum) {
            if let Some(slot) = psu_stratum.get_mut(p as usize) {
                *slot = h;
            }
        }
        let (stratum_psus, stratum_start) = group_by(&psu_stratum, strata);
        Self {
            psu,
            psu_stratum,
            psu_members: OnceLock::new(),
            stratum_psus,
            stratum_start,
        }
    }

    /// The PSUs of stratum `h`.
    pub(crate) fn psus_of(&self, h: usize) -> &[u32] {
        match (self.stratum_start.get(h), self.stratum_start.get(h + 1)) {
            (Some(&a), Some(&b)) => self.stratum_psus.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The records of PSU `p`.
    pub(crate) fn members_of(&self, p: u32) -> &[u32] {
        let (members, start) = self
            .psu_members
            .get_or_init(|| group_by(&self.psu, self.psu_stratum.len()));
        let p = p as usize;
        match (start.get(p), start.get(p + 1)) {
            (Some(&a), Some(&b)) => members.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A [`PsuIndex`] built on first use, and shared by the designs weighting derives from this one
/// (their strata and clusters are the same). Equal designs are equal whether or not either has
/// built it.
#[derive(Debug, Clone, Default)]
struct LazyIndex(OnceLock<Arc<PsuIndex>>);

impl PartialEq for LazyIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The positions of `keys` (each below `groups`) grouped by key, by a counting sort:
/// `members[start[g]..start[g + 1]]` are the positions with key `g`, in increasing order.
fn group_by(keys: &[u32], groups: usize) -> (Vec<u32>, Vec<usize>) {
    let mut start = vec![0_usize; groups + 1];
    for &key in keys {
        if let Some(s) = start.get_mut(key as usize + 1) {
            *s += 1;
        }
    }
    for g in 0..groups {
        start[g + 1] += start[g];
    }
    let mut next = start.clone();
    let mut members = vec![0_u32; keys.len()];
    for (position, &key) in keys.iter().enumerate() {
        if let Some(slot) = next.get_mut(key as usize)
            && let Some(member) = members.get_mut(*slot)
        {
            *member = position as u32;
            *slot += 1;
        }
    }
    (members, start)
}

/// Dense indices for labels, in order of first appearance.
fn dense<T: Hash + Eq>(labels: impl Iterator<Item = T>) -> (Vec<u32>, usize) {
    let mut seen: HashMap<T, u32> = HashMap::new();
    let codes = labels
        .map(|label| {
            let next = seen.len() as u32;
            *seen.entry(label).or_insert(next)
        })
        .collect();
    (codes, seen.len())
}

/// Dense codes of (stratum, cluster) pairs in order of first appearance, as [`dense`] gives them:
/// through a table of every pair where it is small (a pass over the records), else hashed.
fn dense_pairs(stratum: &[u32], strata: usize, cluster: &[u32]) -> (Vec<u32>, usize) {
    let clusters = cluster.iter().max().map_or(0, |&c| c as usize + 1);
    let pairs = strata.saturating_mul(clusters);
    if pairs > (4 * stratum.len()).max(1 << 16) {
        return dense(stratum.iter().zip(cluster));
    }
    let mut table = vec![u32::MAX; pairs];
    let mut count = 0_u32;
    let codes = stratum
        .iter()
        .zip(cluster)
        .map(
            |(&h, &c)| match table.get_mut(h as usize * clusters + c as usize) {
                Some(code) => {
                    if *code == u32::MAX {
                        // At most one code per record, and `new` refuses more than u32::MAX records.
                        *code = count;
                        count += 1;
                    }
                    *code
                }
                None => 0,
            },
        )
        .collect();
    (codes, count as usize)
}

impl SampleDesign {
    /// A design of weights only: every respondent is its own PSU, in one stratum (R's
    /// `svydesign(ids = ~1, weights = ~w)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 2.5, 0.5])?;
    /// assert!(!design.has_strata() && !design.has_clusters());
    /// assert_eq!(design.degrees_of_freedom(), 2.0); // 3 PSUs (one per respondent) - 1 stratum
    /// let err = SampleDesign::new(vec![1.0, f64::NAN]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidWeight { record: Some(1), .. }));
    /// assert!(matches!(SampleDesign::new(vec![]), Err(Error::TooFewValues { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewValues`] for no weights; [`Error::InvalidWeight`] (with the record's position)
    /// for a weight that is negative, NaN or infinite; [`Error::Undefined`] when the weights or
    /// their squares sum past the largest double (rescale them); [`Error::CountTooLarge`] for more
    /// than 2^32 - 1 respondents.
    pub fn new(weights: Vec<f64>) -> Result<Self> {
        if weights.is_empty() {
            return Err(Error::TooFewValues {
                name: "weights",
                len: 0,
                min: 1,
            });
        }
        if u32::try_from(weights.len()).is_err() {
            return Err(Error::CountTooLarge {
                name: "respondents",
                value: u64::try_from(weights.len()).unwrap_or(u64::MAX),
                max: u64::from(u32::MAX),
            });
        }
        if let Some((record, &value)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return Err(Error::InvalidWeight {
                value,
                record: Some(record),
            });
        }
        let (sum, squares) = weights
            .iter()
            .fold((0.0_f64, 0.0_f64), |(s, q), w| (s + w, q + w * w));
        if !(sum.is_finite() && squares.is_finite()) {
            return Err(Error::Undefined {
                what: "sample design",
                reason: "the weights (or their squares) sum past the largest double; rescale them",
            });
        }
        let n = weights.len();
        Ok(Self {
            weights,
            stratum: vec![0; n],
            cluster: None,
            index: LazyIndex::default(),
            strata: 1,
            stratum_labels: vec!["(all)".to_string()],
            lonely: LonelyPsu::default(),
            calibrations: Vec::new(),
            has_strata: false,
            has_clusters: false,
            fpc: None,
            fpc_strata: Vec::new(),
            replicates: None,
            second_stage: None,
        })
    }

    /// Adds strata: one label per respondent.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 4])?.with_strata(&["north", "north", "south", "south"])?;
    /// assert!(design.has_strata());
    /// assert_eq!(design.degrees_of_freedom(), 2.0); // 4 PSUs - 2 strata
    /// let err = SampleDesign::new(vec![1.0; 4])?.with_strata(&["north", "south"]).unwrap_err();
    /// assert!(matches!(err, Error::LengthMismatch { expected: 4, len: 2, .. }));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one label per weight.
    pub fn with_strata<T: Hash + Eq + std::fmt::Display>(mut self, strata: &[T]) -> Result<Self> {
        self.check_len("strata", strata.len())?;
        let (codes, count) = dense(strata.iter());
        let mut labels = vec![String::new(); count];
        for (&code, label) in codes.iter().zip(strata) {
            if let Some(slot) = labels.get_mut(code as usize).filter(|s| s.is_empty()) {
                *slot = label.to_string();
            }
        }
        self.stratum_labels = labels;
        self.stratum = codes;
        self.strata = count;
        self.has_strata = true;
        self.index = LazyIndex::default();
        self.refresh_fpc()?;
        self.refresh_second_stage()?;
        Ok(self)
    }

    /// Adds clusters (primary sampling units): one label per respondent, nested in strata.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[10, 10, 20, 20, 30, 30])?;
    /// assert_eq!(design.degrees_of_freedom(), 2.0); // 3 clusters - 1 stratum
    /// // Nested: cluster 1 of stratum "a" and cluster 1 of stratum "b" are two PSUs.
    /// let nested = SampleDesign::new(vec![1.0; 4])?.with_strata(&["a", "a", "b", "b"])?;
    /// assert_eq!(nested.with_clusters(&[1, 2, 1, 2])?.degrees_of_freedom(), 2.0); // 4 PSUs - 2 strata
    /// assert!(matches!(design.with_clusters(&[1, 2]), Err(Error::LengthMismatch { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one label per weight.
    pub fn with_clusters<T: Hash + Eq>(mut self, clusters: &[T]) -> Result<Self> {
        self.check_len("clusters", clusters.len())?;
        self.cluster = Some(dense(clusters.iter()).0);
        self.has_clusters = true;
        self.index = LazyIndex::default();
        self.refresh_second_stage()?;
        Ok(self)
    }

    /// Adds strata already coded: `codes[k]` is respondent `k`'s stratum, numbered from 0 in order
    /// of first appearance as [`SampleDesign::with_strata`] numbers labels, and `labels` names
    /// each stratum.
    pub(crate) fn with_stratum_codes(
        mut self,
        codes: Vec<u32>,
        labels: Vec<String>,
    ) -> Result<Self> {
        self.check_len("strata", codes.len())?;
        if let Some(&code) = codes.iter().find(|&&c| c as usize >= labels.len()) {
            return Err(Error::CategoryOutOfRange {
                dimension: "strata".to_string(),
                index: code as usize,
                len: labels.len(),
            });
        }
        self.strata = labels.len();
        self.stratum_labels = labels;
        self.stratum = codes;
        self.has_strata = true;
        self.index = LazyIndex::default();
        self.refresh_fpc()?;
        self.refresh_second_stage()?;
        Ok(self)
    }

    /// Adds clusters already coded: equal codes are the same cluster (within a stratum).
    pub(crate) fn with_cluster_codes(mut self, codes: Vec<u32>) -> Result<Self> {
        self.check_len("clusters", codes.len())?;
        self.cluster = Some(codes);
        self.has_clusters = true;
        self.index = LazyIndex::default();
        self.refresh_second_stage()?;
        Ok(self)
    }

    /// Adds finite population corrections, one value per respondent as R's `svydesign(fpc = )`
    /// takes them: the stratum's population size (in PSUs; in respondents for a design without
    /// clusters) when above 1, else its sampling fraction (0: sampled with replacement, no
    /// correction); constant within each stratum (so give
    /// strata first when the corrections differ between them). A stratum's
    /// variance is multiplied by `1 - f`, `f` the fraction of its PSUs sampled: a census (`f = 1`)
    /// contributes none, and neither does a lonely PSU sampled with certainty.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// // 4 of a stratum's 10 schools, 4 of another's 8.
    /// let design = SampleDesign::new(vec![2.5, 2.5, 2.5, 2.5, 2.0, 2.0, 2.0, 2.0])?
    ///     .with_strata(&["e", "e", "e", "e", "h", "h", "h", "h"])?;
    /// let y = [3.0, 5.0, 4.0, 6.0, 2.0, 1.0, 3.0, 2.0];
    /// let with_replacement = design.mean(&y)?.std_error;
    /// let corrected = design.clone().with_fpc(&[10.0, 10.0, 10.0, 10.0, 8.0, 8.0, 8.0, 8.0])?.mean(&y)?.std_error;
    /// assert!(corrected < with_replacement);
    /// let census = design.with_fpc(&[1.0; 8])?.mean(&y)?.std_error; // fractions of 1
    /// assert_eq!(census, 0.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one value per respondent;
    /// [`Error::InvalidValue`] for a value that is negative or not finite, or that differs from
    /// its stratum's first (naming the record). A population smaller than its sample is refused
    /// when a variance is computed ([`Error::InvalidParameter`]).
    pub fn with_fpc(mut self, fpc: &[f64]) -> Result<Self> {
        self.check_len("fpc", fpc.len())?;
        if let Some((record, &value)) = fpc
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(Error::InvalidValue {
                name: "fpc",
                record,
                value,
            });
        }
        self.fpc = Some(fpc.to_vec());
        self.refresh_fpc()?;
        Ok(self)
    }

    /// Each stratum's correction, from the values given per respondent.
    fn refresh_fpc(&mut self) -> Result<()> {
        let Some(values) = &self.fpc else {
            return Ok(());
        };
        let mut strata = vec![f64::NAN; self.strata];
        for (record, (&h, &value)) in self.stratum.iter().zip(values).enumerate() {
            if let Some(slot) = strata.get_mut(h as usize) {
                if slot.is_nan() {
                    *slot = value;
                } else if *slot != value {
                    return Err(Error::InvalidValue {
                        name: "fpc (it must be the same within a stratum)",
                        record,
                        value,
                    });
                }
            }
        }
        self.fpc_strata = strata;
        Ok(())
    }

    /// The sampling fraction of stratum `h`, with `n` PSUs sampled in it (0 without a correction).
    pub(crate) fn sampling_fraction(&self, h: usize, n: usize) -> Result<f64> {
        let Some(&value) = self.fpc_strata.get(h) else {
            return Ok(0.0);
        };
        let fraction = if value > 1.0 { n as f64 / value } else { value };
        if fraction > 1.0 {
            return Err(Error::InvalidParameter {
                name: "fpc",
                value,
                requirement: "a stratum's population must be at least its sample (in PSUs)",
            });
        }
        Ok(fraction)
    }

    /// Sets the handling of strata with a single PSU.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, LonelyPsu, SampleDesign};
    ///
    /// // Stratum "b" has a single PSU.
    /// let design = SampleDesign::new(vec![1.0; 3])?.with_strata(&["a", "a", "b"])?;
    /// let err = design.mean(&[1.0, 0.0, 1.0]).unwrap_err();
    /// assert!(matches!(err, Error::LonelyPsu { ref stratum } if stratum == "b"));
    /// let certain = design.with_lonely_psu(LonelyPsu::Certainty);
    /// assert!(certain.mean(&[1.0, 0.0, 1.0])?.std_error > 0.0); // from stratum "a" alone
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn with_lonely_psu(mut self, lonely: LonelyPsu) -> Self {
        self.lonely = lonely;
        self
    }

    pub(crate) fn check_len(&self, name: &'static str, len: usize) -> Result<()> {
        if len != self.weights.len() {
            return Err(Error::LengthMismatch {
                name,
                expected: self.weights.len(),
                len,
                per: "respondent",
            });
        }
        Ok(())
    }

    /// The PSU index, built on first use.
    pub(crate) fn index(&self) -> &PsuIndex {
        self.index.0.get_or_init(|| {
            Arc::new(PsuIndex::build(
                &self.stratum,
                self.cluster.as_deref(),
                self.strata,
            ))
        })
    }

    /// Number of respondents.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// // Respondents with a weight of zero are still respondents of the design.
    /// assert_eq!(SampleDesign::new(vec![2.0, 0.0, 1.0])?.len(), 3);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Always false: a design has at least one respondent.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Error, SampleDesign};
    ///
    /// assert!(!SampleDesign::new(vec![0.0])?.is_empty());
    /// assert!(matches!(SampleDesign::new(vec![]), Err(Error::TooFewValues { .. })));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The weights (after any post-stratification, raking or trimming).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{CalibrationMargin, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 3.0])?;
    /// assert_eq!(design.weights(), [1.0, 3.0]);
    /// let scaled = design.post_stratify(&CalibrationMargin::new(vec![0, 0], vec![8.0])?)?;
    /// assert_eq!(scaled.weights(), [2.0, 6.0]); // both times 8 / 4
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The lonely-PSU option.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{LonelyPsu, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 3])?;
    /// assert_eq!(design.lonely_psu(), LonelyPsu::Fail);
    /// assert_eq!(design.with_lonely_psu(LonelyPsu::Average).lonely_psu(), LonelyPsu::Average);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn lonely_psu(&self) -> LonelyPsu {
        self.lonely
    }

    /// Whether strata were given.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 3])?;
    /// assert!(!design.has_strata());
    /// // A single stratum given explicitly still counts as strata.
    /// assert!(design.with_strata(&["all"; 3])?.has_strata());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn has_strata(&self) -> bool {
        self.has_strata
    }

    /// Whether clusters were given.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let design = SampleDesign::new(vec![1.0; 4])?;
    /// assert!(!design.has_clusters()); // every respondent is its own PSU
    /// assert!(design.with_clusters(&[1, 1, 2, 2])?.has_clusters());
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn has_clusters(&self) -> bool {
        self.has_clusters
    }

    /// Design degrees of freedom: PSUs minus strata, counting only those with a non-zero weight
    /// (R's `degf`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    ///
    /// let weights = vec![1.0, 1.0, 2.0, 2.0, 0.0, 0.0];
    /// let design = SampleDesign::new(weights)?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// assert_eq!(design.degrees_of_freedom(), 1.0); // cluster 3 has no weight: 2 PSUs - 1 stratum
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn degrees_of_freedom(&self) -> f64 {
        if let Some(replicates) = self.replicates() {
            return replicates.degrees;
        }
        self.degrees_of_freedom_in(|_| true)
    }

    /// Degrees of freedom of the records selected by `keep` (a domain): PSUs minus strata among
    /// them with a non-zero weight, as R computes `degf` of a subset. On a replicate design, the
    /// rank of the kept records' replicate weights minus one, or the design's own when every
    /// record is kept (R recomputes `degf` only for a subset).
    pub(crate) fn degrees_of_freedom_in(&self, keep: impl Fn(usize) -> bool) -> f64 {
        if let Some(replicates) = self.replicates() {
            return replicates.degrees_in(&self.weights, keep);
        }
        let index = self.index();
        let mut psus = vec![false; index.psu_stratum.len()];
        let mut strata = vec![false; self.strata];
        for (i, ((&w, &p), &h)) in self
            .weights
            .iter()
            .zip(&index.psu)
            .zip(&self.stratum)
            .enumerate()
        {
            if w != 0.0 && keep(i) {
                if let Some(s) = psus.get_mut(p as usize) {
                    *s = true;
                }
                if let Some(s) = strata.get_mut(h as usize) {
                    *s = true;
                }
            }
        }
        let count = |v: &[bool]| v.iter().filter(|&&b| b).count() as f64;
        count(&psus) - count(&strata)
    }

    /// The Kish design effect of unequal weighting, `n sum w^2 / (sum w)^2 = 1 + CV(w)^2`
    /// (Kish 1965, 11.7): the variance inflation due to weights alone; `None` when every weight
    /// is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    /// let design = SampleDesign::new(vec![1.0, 1.0, 2.0, 4.0])?;
    /// assert!(design.kish_deff().is_some_and(|d| (d - 4.0 * 22.0 / 64.0).abs() < 1e-15));
    /// assert_eq!(SampleDesign::new(vec![0.0, 0.0])?.kish_deff(), None);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kish_deff(&self) -> Option<f64> {
        let effective = self.kish_effective_base();
        (effective > 0.0).then(|| self.weights.len() as f64 / effective)
    }

    /// The Kish effective base `(sum w)^2 / sum w^2`: the number of unweighted respondents that
    /// would give the same precision; 0 when every weight is zero.
    ///
    /// # Numerics
    ///
    /// The weights are scaled by the largest before squaring, so that subnormal weights keep their
    /// base (equal weights of 1e-300 give `n`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::SampleDesign;
    /// let design = SampleDesign::new(vec![1.0, 1.0, 2.0, 4.0])?;
    /// assert!((design.kish_effective_base() - 64.0 / 22.0).abs() < 1e-12);
    /// assert_eq!(SampleDesign::new(vec![1e-300; 3])?.kish_effective_base(), 3.0);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub fn kish_effective_base(&self) -> f64 {
        // Scaled by the largest weight, so that tiny weights do not square to zero.
        let largest = self.weights.iter().copied().fold(0.0_f64, f64::max);
        if largest <= 0.0 {
            return 0.0;
        }
        let (sum, squares) = self
            .weights
            .iter()
            .map(|w| w / largest)
            .fold((0.0, 0.0), |(s, q), w| (s + w, q + w * w));
        sum * sum / squares
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table path numbers PSUs exactly as hashing does: in order of first appearance.
    #[test]
    fn pair_codes_match_hashed_codes_on_both_paths() {
        let stratum: Vec<u32> = (0..5000).map(|k| (k * 7 % 13) as u32).collect();
        for clusters in [1_u32, 3, 40, 100_000] {
            let mut cluster: Vec<u32> =
                (0..5000).map(|k| (k * 31 % 97) as u32 % clusters).collect();
            // One large cluster code sends 13 x 100,000 pairs past the table's bound.
            if clusters == 100_000 {
                cluster[17] = clusters - 1;
            }
            assert_eq!(
                dense_pairs(&stratum, 13, &cluster),
                dense(stratum.iter().zip(&cluster)),
                "{clusters} clusters"
            );
        }
        assert_eq!(dense_pairs(&[], 1, &[]), (Vec::new(), 0));
    }

    /// Whether a design has built its PSU index does not change what it is.
    #[test]
    fn designs_are_equal_whether_or_not_indexed() {
        let build = || {
            SampleDesign::new(vec![1.0, 2.0, 3.0, 4.0])
                .and_then(|d| d.with_strata(&[0, 0, 1, 1]))
                .and_then(|d| d.with_clusters(&[0, 1, 0, 1]))
                .unwrap()
        };
        let (indexed, fresh) = (build(), build());
        assert_eq!(indexed.degrees_of_freedom(), 2.0);
        assert_eq!(indexed, fresh);
        // Re-stratifying drops the index: the PSUs follow the new strata.
        let merged = indexed.with_strata(&[0, 0, 0, 0]).unwrap();
        assert_eq!(merged.degrees_of_freedom(), 1.0);
    }
}
