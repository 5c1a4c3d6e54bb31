//! A stratified cluster sample for the design benches: 50 strata of 20 clusters (1,000 PSUs),
//! unequal weights, three roles, a yes/no outcome with ~2% missing, and region (5), gender (2) and
//! age (6) with population totals to rake to, generated deterministically.

use survey_analytics::{CalibrationMargin, CalibrationTargets, NumericAuxiliary, SampleDesign};

/// SplitMix64: deterministic, dependency-free pseudo-random numbers.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// An index drawn with the given cumulative probabilities.
    fn pick(&mut self, cumulative: &[f64]) -> usize {
        let u = self.unit();
        cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(cumulative.len() - 1)
    }
}

/// The sample's columns.
pub struct Sample {
    pub stratum: Vec<u32>,
    pub cluster: Vec<u32>,
    pub weight: Vec<f64>,
    pub role: Vec<Option<usize>>,
    pub outcome: Vec<f64>,
    pub region: Vec<usize>,
    pub gender: Vec<usize>,
    pub age: Vec<usize>,
    /// A 1-5 rating (about 3% missing), higher for the first role.
    pub rating: Vec<f64>,
    /// A continuous amount (a multiple of 1/64, so its decimal text is exact).
    pub amount: Vec<f64>,
}

pub const STRATA: u32 = 50;
pub const CLUSTERS_PER_STRATUM: u32 = 20;

/// `records` respondents from a fixed seed.
pub fn sample(records: usize) -> Sample {
    let mut rng = SplitMix(20_261_126);
    let clusters = (STRATA * CLUSTERS_PER_STRATUM) as usize;
    // Cluster effects on the outcome and the stratum's base weight.
    let cluster_shift: Vec<f64> = (0..clusters).map(|_| 0.2 * (rng.unit() - 0.5)).collect();
    let mut s = Sample {
        stratum: Vec::with_capacity(records),
        cluster: Vec::with_capacity(records),
        weight: Vec::with_capacity(records),
        role: Vec::with_capacity(records),
        outcome: Vec::with_capacity(records),
        region: Vec::with_capacity(records),
        gender: Vec::with_capacity(records),
        age: Vec::with_capacity(records),
        rating: Vec::with_capacity(records),
        amount: Vec::with_capacity(records),
    };
    // The rating and the amount from a stream of their own, so the other columns stay as they were.
    let mut extra = SplitMix(20_261_130);
    for k in 0..records {
        let cluster = (k * clusters / records.max(1)) as u32;
        let stratum = cluster / CLUSTERS_PER_STRATUM;
        let base = 40.0 + 2.0 * f64::from(stratum);
        // A multiple of 1/64 between `base` and `base` + 60.
        let weight = ((base + 60.0 * rng.unit()) * 64.0).round() / 64.0;
        let role = rng.pick(&[0.16, 0.52, 1.0]);
        let p = [0.41, 0.30, 0.18][role] + cluster_shift[cluster as usize];
        let outcome = if rng.unit() < 0.02 {
            f64::NAN
        } else if rng.unit() < p {
            1.0
        } else {
            0.0
        };
        s.stratum.push(stratum);
        s.cluster.push(cluster);
        s.weight.push(weight);
        s.role.push(Some(role));
        s.outcome.push(outcome);
        s.region.push(rng.pick(&[0.3, 0.5, 0.7, 0.85, 1.0]));
        s.gender.push(rng.pick(&[0.45, 1.0]));
        s.age.push(rng.pick(&[0.1, 0.3, 0.5, 0.7, 0.9, 1.0]));
        let shift = [0.6, 0.0, -0.4][role];
        s.rating.push(if extra.unit() < 0.03 {
            f64::NAN
        } else {
            (3.0 + shift + 2.0 * (extra.unit() - 0.5) * 2.0)
                .round()
                .clamp(1.0, 5.0)
        });
        s.amount
            .push((100.0 * (1.0 + shift) * (-extra.unit().max(1e-12).ln()) * 64.0).round() / 64.0);
    }
    s
}

/// Population totals for raking: `shares` of the sample's total weight.
pub fn margin(cells: &[usize], shares: &[f64], total: f64) -> CalibrationMargin {
    let sum: f64 = shares.iter().sum();
    let totals = shares.iter().map(|s| total * s / sum).collect();
    CalibrationMargin::new(cells.to_vec(), totals).expect("valid margin")
}

/// The three raking margins, with population shares unlike the sample's.
pub fn margins(s: &Sample) -> [CalibrationMargin; 3] {
    let total: f64 = s.weight.iter().sum();
    [
        margin(&s.region, &[0.25, 0.2, 0.2, 0.2, 0.15], total),
        margin(&s.gender, &[0.49, 0.51], total),
        margin(&s.age, &[0.12, 0.18, 0.2, 0.2, 0.18, 0.12], total),
    ]
}

/// Calibration targets: the three margins and the amount, whose population total is 5% above
/// the sample's estimate (12 columns: the intercept, 4 + 1 + 5 categories, the amount). Returns
/// the targets and the amount's total.
#[allow(dead_code)] // not every bench calibrates
pub fn calibration_targets(s: &Sample) -> (CalibrationTargets, f64) {
    let amount: f64 = s
        .weight
        .iter()
        .zip(&s.amount)
        .map(|(w, a)| w * a)
        .sum::<f64>()
        * 1.05;
    let mut targets = CalibrationTargets::new();
    for margin in margins(s) {
        targets = targets.margin(margin);
    }
    let auxiliary = NumericAuxiliary::new(s.amount.clone(), amount).expect("finite amounts");
    (targets.numeric(auxiliary), amount)
}

/// The sample's design: weights, strata and clusters, with its PSUs indexed. The index is built
/// on first use; forcing it here (the degrees of freedom read it) keeps its cost in the build and
/// out of whichever estimate happens to run first.
pub fn design(s: &Sample) -> SampleDesign {
    let design = SampleDesign::new(s.weight.clone())
        .and_then(|d| d.with_strata(&s.stratum))
        .and_then(|d| d.with_clusters(&s.cluster))
        .expect("valid design");
    assert!(design.degrees_of_freedom() > 0.0);
    design
}
