//! Replicate weights created from a design's strata and clusters (R's `as.svrepdesign`, with
//! `jk1weights`, `jknweights`, `brrweights` and `bootweights`), as factors per PSU.

use crate::error::{Error, Result};
use crate::survey::design::replicate::{
    MAX_REPLICATES, ReplicateMethod, ReplicateScheme, Replicates,
};
use crate::survey::design::{LonelyPsu, SampleDesign};

use super::replicate::compressed;

/// Most PSUs times replicates: 2^25 factors (256 MiB).
const MAX_FACTORS: usize = 1 << 25;

/// The replicate factors of `design` under `scheme`.
pub(crate) fn create(design: &SampleDesign, scheme: ReplicateScheme) -> Result<Replicates> {
    let index = design.index();
    let psus = index.psu_stratum.len();
    let wrong = |requirement: &'static str| Error::InvalidParameter {
        name: "replicate scheme",
        value: f64::NAN,
        requirement,
    };
    match scheme {
        ReplicateScheme::Jk1 => {
            if design.has_strata() {
                return Err(wrong(
                    "JK1 deletes PSUs of an unstratified design; use JKn for a stratified one",
                ));
            }
            check_size(psus, psus)?;
            let n = psus as f64;
            let f = design.sampling_fraction(0, psus)?;
            let mut factors = vec![n / (n - 1.0); psus * psus];
            for p in 0..psus {
                factors[p * psus + p] = 0.0;
            }
            let scale = (1.0 - f) * (n - 1.0) / n;
            if psus < 2 {
                return Err(Error::TooFewValues {
                    name: "PSUs for a jackknife",
                    len: psus,
                    min: 2,
                });
            }
            Ok(compressed(
                ReplicateMethod::Jk1,
                scale,
                vec![1.0; psus],
                index.psu.clone(),
                factors,
                psus,
            ))
        }
        ReplicateScheme::Jkn => jkn(design),
        ReplicateScheme::Brr => brr(design, 0.0, ReplicateMethod::Brr),
        ReplicateScheme::Fay { rho } => {
            if !(0.0..1.0).contains(&rho) {
                return Err(Error::InvalidParameter {
                    name: "rho",
                    value: rho,
                    requirement: "Fay's rho must lie in [0, 1)",
                });
            }
            brr(design, rho, ReplicateMethod::Fay)
        }
        ReplicateScheme::Bootstrap { replicates, seed } => bootstrap(design, replicates, seed),
    }
}

/// Refuses more than [`MAX_REPLICATES`] replicates or [`MAX_FACTORS`] factors.
fn check_size(psus: usize, replicates: usize) -> Result<()> {
    if replicates > MAX_REPLICATES {
        return Err(Error::TooLarge {
            what: "replicates (a jackknife has one per PSU)",
            size: replicates as u64,
            max: MAX_REPLICATES as u64,
            hint: "use the bootstrap with fewer replicates",
        });
    }
    let size = psus.saturating_mul(replicates);
    if size > MAX_FACTORS {
        return Err(Error::TooLarge {
            what: "replicate factors (PSUs x replicates)",
            size: u64::try_from(size).unwrap_or(u64::MAX),
            max: MAX_FACTORS as u64,
            hint: "use the bootstrap with fewer replicates, or cluster the respondents",
        });
    }
    Ok(())
}

/// The stratified jackknife: for each PSU `j` of stratum `h` with `n_h > 1` PSUs, a replicate
/// where `j` gets 0, the stratum's other PSUs `n_h / (n_h - 1)` and every other PSU 1, with
/// `rscale = (1 - f_h)(n_h - 1) / n_h`. Strata sampled whole add no replicate; a lonely PSU follows
/// the design's option as R's `jknweights` does.
fn jkn(design: &SampleDesign) -> Result<Replicates> {
    if !design.has_strata() {
        return Err(Error::InvalidParameter {
            name: "replicate scheme",
            value: f64::NAN,
            requirement: "JKn deletes PSUs within strata; use JK1 or the bootstrap for an \
                          unstratified design",
        });
    }
    let index = design.index();
    let psus = index.psu_stratum.len();
    let strata = design.strata;
    // The columns: (stratum, PSU deleted or None for the adjusted lonely PSU, rscale).
    let mut columns: Vec<(usize, Option<u32>, f64)> = Vec::new();
    let mut lonely_skipped = false;
    for h in 0..strata {
        let members = index.psus_of(h);
        let n = members.len();
        if n == 0 {
            continue;
        }
        let f = design.sampling_fraction(h, n)?;
        if f >= 1.0 {
            continue;
        }
        if n == 1 {
            match design.lonely_psu() {
                LonelyPsu::Fail => {
                    return Err(Error::LonelyPsu {
                        stratum: design.stratum_labels.get(h).cloned().unwrap_or_default(),
                    });
                }
                LonelyPsu::Remove | LonelyPsu::Certainty | LonelyPsu::Average => {
                    lonely_skipped = true;
                }
                LonelyPsu::Adjust => {
                    let s = strata as f64;
                    columns.push((h, None, (s - 1.0) / s));
                }
            }
            continue;
        }
        let nh = n as f64;
        for &p in members {
            columns.push((h, Some(p), (1.0 - f) * (nh - 1.0) / nh));
        }
    }
    if columns.is_empty() {
        return Err(Error::Undefined {
            what: "jackknife replicates",
            reason: "every stratum was sampled whole (or has a single PSU left out), so there is \
                     no sampling variance to replicate",
        });
    }
    let r = columns.len();
    check_size(psus, r)?;
    let mut factors = vec![1.0; psus * r];
    let s = strata as f64;
    for (c, &(h, deleted, _)) in columns.iter().enumerate() {
        let members = index.psus_of(h);
        match deleted {
            Some(j) => {
                let nh = members.len() as f64;
                for &p in members {
                    factors[p as usize * r + c] = if p == j { 0.0 } else { nh / (nh - 1.0) };
                }
            }
            None => {
                for p in 0..psus {
                    let own = index.psu_stratum.get(p).copied() == Some(h as u32);
                    factors[p * r + c] = if own { 0.0 } else { s / (s - 1.0) };
                }
            }
        }
    }
    let mut scale = 1.0;
    // R's "average": the strata left out are made up for by the others' average.
    if lonely_skipped && design.lonely_psu() == LonelyPsu::Average {
        scale = psus as f64 / r as f64;
    }
    let rscales = columns.iter().map(|c| c.2).collect();
    Ok(compressed(
        ReplicateMethod::Jkn,
        scale,
        rscales,
        index.psu.clone(),
        factors,
        r,
    ))
}

/// Balanced half samples: strata sorted by label (as R's `brrweights`), each with two PSUs in
/// order of appearance; replicate `i` keeps the second PSU of stratum `s` (factor `2 - rho`, the
/// first `rho`) where row `s + 1` of a Hadamard matrix of order at least strata + 1 is 0 in column
/// `i`, else the first. Scale `1 / (R (1 - rho)^2)`.
fn brr(design: &SampleDesign, rho: f64, method: ReplicateMethod) -> Result<Replicates> {
    if !design.has_strata() {
        return Err(Error::InvalidParameter {
            name: "replicate scheme",
            value: f64::NAN,
            requirement: "BRR forms half samples within strata; use JK1 or the bootstrap for an \
                          unstratified design",
        });
    }
    let index = design.index();
    let psus = index.psu_stratum.len();
    let mut order: Vec<usize> = (0..design.strata).collect();
    order.sort_by(|&a, &b| {
        design
            .stratum_labels
            .get(a)
            .cmp(&design.stratum_labels.get(b))
    });
    for &h in &order {
        if index.psus_of(h).len() != 2 {
            return Err(Error::InvalidParameter {
                name: "PSUs in a stratum",
                value: index.psus_of(h).len() as f64,
                requirement: "BRR needs exactly two PSUs in every stratum; pair or split the \
                              PSUs, or use the jackknife or the bootstrap",
            });
        }
    }
    let hadamard = Hadamard::at_least(order.len() + 1);
    let r = hadamard.order;
    check_size(psus, r)?;
    let mut factors = vec![0.0; psus * r];
    for (s, &h) in order.iter().enumerate() {
        let members = index.psus_of(h);
        let (first, second) = (members[0] as usize, members[1] as usize);
        for i in 0..r {
            let keep_second = !hadamard.get(s + 1, i);
            let (kept, left) = if keep_second {
                (second, first)
            } else {
                (first, second)
            };
            factors[kept * r + i] = 2.0 - rho;
            factors[left * r + i] = rho;
        }
    }
    let scale = 1.0 / (r as f64 * (1.0 - rho) * (1.0 - rho));
    Ok(compressed(
        method,
        scale,
        vec![1.0; r],
        index.psu.clone(),
        factors,
        r,
    ))
}

/// Rao and Wu's bootstrap as R's `bootweights`: in each stratum, `n_h` PSUs drawn with replacement
/// (or, with a population of `N_h` PSUs, `n_h` drawn without replacement from the PSUs repeated up
/// to `N_h`), each PSU's factor the number of times it was drawn; scale `m / ((m - 1)(R - 1))` with
/// `m` the harmonic mean of the PSUs per stratum.
fn bootstrap(design: &SampleDesign, replicates: usize, seed: u64) -> Result<Replicates> {
    if replicates < 2 {
        return Err(Error::InvalidParameter {
            name: "bootstrap replicates",
            value: replicates as f64,
            requirement: "the bootstrap needs at least two replicates",
        });
    }
    let index = design.index();
    let psus = index.psu_stratum.len();
    check_size(psus, replicates)?;
    let r = replicates;
    let mut factors = vec![0.0; psus * r];
    let mut rng = Xoshiro256::seeded(seed);
    let (mut strata_used, mut inverse_sizes) = (0.0, 0.0);
    let mut pool: Vec<u32> = Vec::new();
    for h in 0..design.strata {
        let members = index.psus_of(h);
        let n = members.len();
        if n == 0 {
            continue;
        }
        strata_used += 1.0;
        inverse_sizes += 1.0 / n as f64;
        let f = design.sampling_fraction(h, n)?;
        // The population of PSUs, when the correction gives one (R: fewer than 100 n_h).
        let population = (f > 0.0).then(|| (n as f64 / f).round() as usize);
        for i in 0..r {
            match population {
                Some(total) if total < 100 * n => {
                    // Without replacement from the PSUs repeated up to the population.
                    pool.clear();
                    pool.extend((0..total).map(|t| members[t % n]));
                    for d in 0..n.min(total) {
                        let pick = d + rng.below(total - d);
                        pool.swap(d, pick);
                        factors[pool[d] as usize * r + i] += 1.0;
                    }
                }
                _ => {
                    for _ in 0..n {
                        let p = members[rng.below(n)];
                        factors[p as usize * r + i] += 1.0;
                    }
                }
            }
        }
    }
    let m = strata_used / inverse_sizes;
    if m.is_nan() || m <= 1.0 {
        return Err(Error::Undefined {
            what: "bootstrap replicates",
            reason: "every stratum has a single PSU, so resampling PSUs has no variance",
        });
    }
    let scale = m / ((m - 1.0) * (r as f64 - 1.0));
    Ok(compressed(
        ReplicateMethod::Bootstrap,
        scale,
        vec![1.0; r],
        index.psu.clone(),
        factors,
        r,
    ))
}

/// A normalised Hadamard matrix (first row and column all +1), with its entries kept as signs.
/// Orders are multiples of four, at least four, as R's `hadamard` gives them; each is built by
/// Sylvester's doubling, or by Paley's first (`q + 1`, `q` a prime of the form 4k + 3) or second
/// (`2 (q + 1)`, `q` a prime of the form 4k + 1) construction, and doublings of those.
pub(crate) struct Hadamard {
    pub(crate) order: usize,
    entries: Vec<bool>,
}

impl Hadamard {
    /// The matrix of the smallest order this module builds among the multiples of four that are
    /// at least `n` (and at least 4).
    pub(crate) fn at_least(n: usize) -> Self {
        let mut order = n.max(4).div_ceil(4) * 4;
        loop {
            if let Some(signs) = build(order) {
                let mut h = Self {
                    order,
                    entries: signs.iter().map(|&x| x > 0).collect(),
                };
                h.normalise();
                return h;
            }
            order += 4;
        }
    }

    /// Flips rows, then columns, whose first entry is -1.
    fn normalise(&mut self) {
        let n = self.order;
        for i in 0..n {
            if !self.entries[i * n] {
                for j in 0..n {
                    self.entries[i * n + j] = !self.entries[i * n + j];
                }
            }
        }
        for j in 0..n {
            if !self.entries[j] {
                for i in 0..n {
                    self.entries[i * n + j] = !self.entries[i * n + j];
                }
            }
        }
    }

    /// Whether entry `(i, j)` is +1.
    pub(crate) fn get(&self, i: usize, j: usize) -> bool {
        self.entries
            .get(i * self.order + j)
            .copied()
            .unwrap_or(true)
    }
}

/// A Hadamard matrix of `order` (row-major signs), when one of the constructions gives it.
fn build(order: usize) -> Option<Vec<i8>> {
    match order {
        0 => None,
        1 => Some(vec![1]),
        2 => Some(vec![1, 1, 1, -1]),
        _ if !order.is_multiple_of(4) => None,
        _ => {
            let q = order - 1;
            if is_prime(q) && q % 4 == 3 {
                return Some(paley_first(q));
            }
            let q = order / 2 - 1;
            if is_prime(q) && q % 4 == 1 {
                return Some(paley_second(q));
            }
            build(order / 2).map(|h| double(&h, order / 2))
        }
    }
}

/// `[[H, H], [H, -H]]`.
fn double(h: &[i8], n: usize) -> Vec<i8> {
    let m = 2 * n;
    let mut out = vec![0_i8; m * m];
    for i in 0..n {
        for j in 0..n {
            let x = h[i * n + j];
            out[i * m + j] = x;
            out[i * m + j + n] = x;
            out[(i + n) * m + j] = x;
            out[(i + n) * m + j + n] = -x;
        }
    }
    out
}

/// The quadratic character modulo the prime `q`.
fn legendre(q: usize) -> impl Fn(usize) -> i8 {
    let mut square = vec![false; q];
    for x in 1..q {
        square[(x * x) % q] = true;
    }
    move |a: usize| {
        let a = a % q;
        if a == 0 {
            0
        } else if square[a] {
            1
        } else {
            -1
        }
    }
}

/// Paley I, order `q + 1`: `I + S` with the skew conference matrix `S = [[0, 1'], [-1, Q]]`,
/// `Q_ij = chi(j - i)`.
fn paley_first(q: usize) -> Vec<i8> {
    let chi = legendre(q);
    let n = q + 1;
    let mut h = vec![0_i8; n * n];
    for i in 0..n {
        for j in 0..n {
            let s = match (i, j) {
                (0, 0) => 0,
                (0, _) => 1,
                (_, 0) => -1,
                _ => chi(j + q - i),
            };
            h[i * n + j] = s + i8::from(i == j);
        }
    }
    h
}

/// Paley II, order `2 (q + 1)`: the symmetric conference matrix `C = [[0, 1'], [1, Q]]` with each
/// 0 replaced by `[[1, -1], [-1, -1]]` and each +-1 by +-`[[1, 1], [1, -1]]`.
fn paley_second(q: usize) -> Vec<i8> {
    let chi = legendre(q);
    let c = q + 1;
    let n = 2 * c;
    let mut h = vec![0_i8; n * n];
    for i in 0..c {
        for j in 0..c {
            let s = match (i, j) {
                (0, 0) => 0,
                (0, _) | (_, 0) => 1,
                _ => chi(j + q - i),
            };
            let block: [[i8; 2]; 2] = if s == 0 {
                [[1, -1], [-1, -1]]
            } else {
                [[s, s], [s, -s]]
            };
            for (a, row) in block.iter().enumerate() {
                for (b, &x) in row.iter().enumerate() {
                    h[(2 * i + a) * n + 2 * j + b] = x;
                }
            }
        }
    }
    h
}

fn is_prime(n: usize) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

/// The xoshiro256** generator of Blackman and Vigna (2018), seeded through SplitMix64.
struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    fn seeded(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Self {
            s: [next(), next(), next(), next()],
        }
    }

    fn next(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer below `n` (n > 0), without bias (Lemire 2019).
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        if n <= 1 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next()) * u128::from(n);
            // Rejected when the low part falls in the biased zone.
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hadamard_rows_are_orthogonal() {
        for n in 1..=120 {
            let h = Hadamard::at_least(n);
            assert!(h.order >= n && h.order.is_multiple_of(4));
            for i in 0..h.order {
                assert!(h.get(0, i) && h.get(i, 0));
                for j in 0..i {
                    let dot: i32 = (0..h.order)
                        .map(|c| if h.get(i, c) == h.get(j, c) { 1 } else { -1 })
                        .sum();
                    assert_eq!(dot, 0, "order {} rows {i} {j}", h.order);
                }
            }
        }
        // Orders R's hadamard() gives: the smallest multiple of four at least n.
        for (n, order) in [
            (1, 4),
            (5, 8),
            (11, 12),
            (27, 28),
            (35, 36),
            (39, 40),
            (43, 44),
        ] {
            assert_eq!(Hadamard::at_least(n).order, order, "n = {n}");
        }
        // Order 52 needs a construction this module does not have (R stores one): 56.
        assert_eq!(Hadamard::at_least(49).order, 56);
    }

    #[test]
    fn draws_are_uniform_enough() {
        let mut rng = Xoshiro256::seeded(1);
        let mut counts = [0_u32; 7];
        for _ in 0..70_000 {
            counts[rng.below(7)] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
    }
}
