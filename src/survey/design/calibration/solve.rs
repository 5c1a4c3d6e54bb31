//! The linear solves of calibration: a scaled Cholesky factor, and R's pseudo-inverse.

use super::COLLINEAR;

/// The Cholesky factor of a symmetric positive definite matrix scaled to unit diagonal.
#[derive(Debug, PartialEq)]
pub(crate) struct Cholesky {
    p: usize,
    /// `1 / sqrt(diagonal)`.
    scale: Vec<f64>,
    /// Lower triangle, row-major `p x p`.
    lower: Vec<f64>,
}

impl Cholesky {
    /// The factor of `t` (`p x p`, row-major, symmetric), or the first column whose pivot falls
    /// below [`COLLINEAR`] (or is not finite).
    pub(super) fn new(t: &[f64], p: usize) -> std::result::Result<Self, usize> {
        let mut scale = vec![0.0; p];
        for (j, s) in scale.iter_mut().enumerate() {
            let d = t.get(j * p + j).copied().unwrap_or(0.0);
            if !(d > 0.0 && d.is_finite()) {
                return Err(j);
            }
            *s = 1.0 / d.sqrt();
        }
        let mut lower = vec![0.0; p * p];
        for j in 0..p {
            for i in j..p {
                let mut sum = t.get(i * p + j).copied().unwrap_or(0.0) * scale[i] * scale[j];
                for k in 0..j {
                    sum -= lower[i * p + k] * lower[j * p + k];
                }
                if i == j {
                    if !(sum > COLLINEAR && sum.is_finite()) {
                        return Err(j);
                    }
                    lower[j * p + j] = sum.sqrt();
                } else {
                    lower[i * p + j] = sum / lower[j * p + j];
                }
            }
        }
        Ok(Self { p, scale, lower })
    }

    /// `T^-1 b`.
    pub(super) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let p = self.p;
        let mut y: Vec<f64> = b.iter().zip(&self.scale).map(|(b, s)| b * s).collect();
        y.resize(p, 0.0);
        for i in 0..p {
            let sum = y[i] - (0..i).map(|k| self.lower[i * p + k] * y[k]).sum::<f64>();
            y[i] = sum / self.lower[i * p + i];
        }
        for i in (0..p).rev() {
            let sum = y[i]
                - (i + 1..p)
                    .map(|k| self.lower[k * p + i] * y[k])
                    .sum::<f64>();
            y[i] = sum / self.lower[i * p + i];
        }
        y.iter_mut().zip(&self.scale).for_each(|(y, s)| *y *= s);
        y
    }
}

/// `T^+ b` with `T^+` the Moore-Penrose inverse of the symmetric `t` (`p x p`), from its
/// eigen-decomposition by cyclic Jacobi rotations, dropping eigenvalues below `256 eps` times the
/// largest (as R's `MASS::ginv(tol = 256 * .Machine$double.eps)`, which `grake` uses).
pub(super) fn pseudo_solve(t: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut a = t.to_vec();
    a.resize(p * p, 0.0);
    let mut v = vec![0.0; p * p];
    for i in 0..p {
        v[i * p + i] = 1.0;
    }
    for _sweep in 0..60 {
        let off: f64 = (0..p)
            .flat_map(|i| (0..p).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * p + j] * a[i * p + j])
            .sum();
        let diag: f64 = (0..p).map(|i| a[i * p + i] * a[i * p + i]).sum();
        if off <= 1e-30 * diag || off.is_nan() {
            break;
        }
        for q in 1..p {
            for r in 0..q {
                let apq = a[r * p + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * p + q] - a[r * p + r]) / (2.0 * apq);
                let tan = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let tan = if theta == 0.0 { 1.0 } else { tan };
                let cos = 1.0 / (tan * tan + 1.0).sqrt();
                let sin = tan * cos;
                for k in 0..p {
                    let (akr, akq) = (a[k * p + r], a[k * p + q]);
                    a[k * p + r] = cos * akr - sin * akq;
                    a[k * p + q] = sin * akr + cos * akq;
                }
                for k in 0..p {
                    let (ark, aqk) = (a[r * p + k], a[q * p + k]);
                    a[r * p + k] = cos * ark - sin * aqk;
                    a[q * p + k] = sin * ark + cos * aqk;
                }
                for k in 0..p {
                    let (vkr, vkq) = (v[k * p + r], v[k * p + q]);
                    v[k * p + r] = cos * vkr - sin * vkq;
                    v[k * p + q] = sin * vkr + cos * vkq;
                }
            }
        }
    }
    let largest = (0..p).fold(0.0_f64, |m, i| m.max(a[i * p + i].abs()));
    let tol = 256.0 * f64::EPSILON * largest;
    let mut x = vec![0.0; p];
    for e in 0..p {
        let lambda = a[e * p + e];
        if lambda.abs() <= tol || lambda.is_nan() {
            continue;
        }
        let dot: f64 = (0..p)
            .map(|k| v[k * p + e] * b.get(k).copied().unwrap_or(0.0))
            .sum();
        for (k, xk) in x.iter_mut().enumerate() {
            *xk += v[k * p + e] * dot / lambda;
        }
    }
    x
}
