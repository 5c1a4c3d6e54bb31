//! The calibration distances (R's `calfun`): the g-weights as a function of the linear
//! predictor, their derivatives, and their integrals for the damped method's objective.

use super::{CalibrationFunction, CalibrationOptions};

/// The distance with its bounds, evaluated as R's `calfun$Fm1` and `calfun$dF`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Distance {
    pub(super) function: CalibrationFunction,
    pub(super) lower: f64,
    pub(super) upper: f64,
    /// Logit's slope `(U - L) / ((U - 1)(1 - L))`.
    pub(super) slope: f64,
    /// Whether `df` is the derivative of `g` (for the damped method) rather than R's `dF`, whose
    /// bounds test for raking is on `u` against `L - 1` and `U - 1`.
    pub(super) exact: bool,
}

impl Distance {
    pub(super) fn new(options: &CalibrationOptions) -> Self {
        let (lower, upper) = options.bounds;
        Self {
            function: options.function,
            lower,
            upper,
            slope: (upper - lower) / ((upper - 1.0) * (1.0 - lower)),
            exact: false,
        }
    }

    /// The range of `u` in which `g` is not held at a bound.
    pub(super) fn free_range(&self) -> (f64, f64) {
        let (l, h) = (self.lower, self.upper);
        match self.function {
            CalibrationFunction::Raking if self.exact => {
                (if l > 0.0 { l.ln() } else { f64::NEG_INFINITY }, h.ln())
            }
            CalibrationFunction::Logit => (f64::NEG_INFINITY, f64::INFINITY),
            _ => (l - 1.0, h - 1.0),
        }
    }

    /// `rho(u)`, the integral of `g` from 0 to `u`: the calibration's dual objective is
    /// `sum w rho(x'λ) - λ'T`, convex, with gradient `sum w g x - T` (Deville & Särndal 1992).
    pub(super) fn rho(&self, u: f64) -> f64 {
        let (l, h) = (self.lower, self.upper);
        match self.function {
            CalibrationFunction::Linear => {
                let (a, b) = (l - 1.0, h - 1.0);
                if u > b {
                    b + b * b / 2.0 + h * (u - b)
                } else if u < a {
                    a + a * a / 2.0 + l * (u - a)
                } else {
                    u + u * u / 2.0
                }
            }
            CalibrationFunction::Raking => {
                let (a, b) = (if l > 0.0 { l.ln() } else { f64::NEG_INFINITY }, h.ln());
                if u > b {
                    h - 1.0 + h * (u - b)
                } else if u < a {
                    l - 1.0 + l * (u - a)
                } else {
                    u.exp_m1()
                }
            }
            CalibrationFunction::Logit => {
                // g = L + (U - L) σ(αu + c), c = ln((1 - L) / (U - 1)); (U - L) / α = (U - 1)(1 - L).
                let c = ((1.0 - l) / (h - 1.0)).ln();
                l * u + (h - 1.0) * (1.0 - l) * (softplus(self.slope * u + c) - softplus(c))
            }
        }
    }

    /// `g - 1` at `u` (R's `Fm1`).
    pub(super) fn fm1(&self, u: f64) -> f64 {
        let (l, h) = (self.lower, self.upper);
        match self.function {
            CalibrationFunction::Linear => (u + 1.0).max(l).min(h) - 1.0,
            CalibrationFunction::Raking => u.exp().max(l).min(h) - 1.0,
            CalibrationFunction::Logit => {
                let e = (self.slope * u).exp();
                (l * (h - 1.0) + h * (1.0 - l) * e) / (h - 1.0 + (1.0 - l) * e) - 1.0
            }
        }
    }

    /// `g = 1 + Fm1(u)` for each `u` and, when asked, the derivatives `dF(u)`; the function is
    /// matched once per block.
    pub(super) fn evaluate(&self, u: &[f64], g: &mut [f64], d: Option<&mut [f64]>) {
        match self.function {
            CalibrationFunction::Linear
                if self.lower == f64::NEG_INFINITY && self.upper == f64::INFINITY =>
            {
                for (g, &u) in g.iter_mut().zip(u) {
                    *g = 1.0 + u;
                }
                if let Some(d) = d {
                    d.iter_mut().for_each(|d| *d = 1.0);
                }
            }
            _ => {
                for (g, &u) in g.iter_mut().zip(u) {
                    *g = 1.0 + self.fm1(u);
                }
                if let Some(d) = d {
                    for (d, &u) in d.iter_mut().zip(u) {
                        *d = self.df(u);
                    }
                }
            }
        }
    }

    /// The derivative of `g` at `u` (R's `dF`, including its bounds test on `u` for raking).
    pub(super) fn df(&self, u: f64) -> f64 {
        let (l, h) = (self.lower, self.upper);
        let (a, b) = self.free_range();
        let inside = u < b && u > a;
        match self.function {
            CalibrationFunction::Linear => f64::from(u8::from(inside)),
            CalibrationFunction::Raking => {
                if inside {
                    u.exp()
                } else {
                    0.0
                }
            }
            CalibrationFunction::Logit if self.exact => {
                // (U - L) α σ(1 - σ), which stays finite where R's form divides infinities.
                let z = self.slope * u + ((1.0 - l) / (h - 1.0)).ln();
                let sigma = 1.0 / (1.0 + (-z).exp());
                (h - l) * self.slope * sigma * (1.0 - sigma)
            }
            CalibrationFunction::Logit => {
                let a = self.slope;
                let e = (a * u).exp();
                let d = h - 1.0 + (1.0 - l) * e;
                h * (1.0 - l) * e * a / d
                    - ((l * (h - 1.0) + h * (1.0 - l) * e) * ((1.0 - l) * e * a)) / (d * d)
            }
        }
    }
}

/// `ln(1 + e^z)` without overflow.
pub(super) fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}
