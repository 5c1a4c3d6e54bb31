//! Double-double arithmetic: a value carried as an unevaluated sum `hi + lo` of two doubles, about
//! 106 bits, for the few computations whose cancellation would otherwise eat the 53 bits of a double
//! (the continued fraction of the incomplete beta function run in `y = 1 - x`, and the gap `x - n p` of
//! Loader's binomial probability).
//!
//! The error-free transformations are Knuth's `two_sum` and the fused multiply-add product; the
//! arithmetic follows Dekker (1971) and the QD library of Hida, Li & Bailey (2001): relative error
//! about `2^-104` per operation, no handling of overflow beyond what doubles do.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dd {
    pub hi: f64,
    pub lo: f64,
}

/// `a + b` exactly, as `(s, e)` with `s = fl(a + b)` (Knuth).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// `a + b` exactly when `|a| >= |b|` (Dekker's fast two-sum).
fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// `a * b` exactly, as `(p, e)` with `p = fl(a b)`, through one fused multiply-add.
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

impl Dd {
    /// A double as a double-double.
    pub(crate) const fn new(x: f64) -> Self {
        Self { hi: x, lo: 0.0 }
    }

    /// The exact product of two doubles.
    pub(crate) fn product(a: f64, b: f64) -> Self {
        let (hi, lo) = two_prod(a, b);
        Self { hi, lo }
    }

    /// `1 - x` exactly, for `x` in [0, 1] (or any `x` with `|x| <= 1`).
    pub(crate) fn one_minus(x: f64) -> Self {
        let (hi, lo) = quick_two_sum(1.0, -x);
        Self { hi, lo }
    }

    /// The nearest double.
    pub(crate) fn value(self) -> f64 {
        self.hi + self.lo
    }
}

impl Add for Dd {
    type Output = Dd;
    fn add(self, other: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, other.hi);
        let (t, f) = two_sum(self.lo, other.lo);
        let (s, e) = quick_two_sum(s, e + t);
        let (hi, lo) = quick_two_sum(s, e + f);
        Dd { hi, lo }
    }
}

impl Neg for Dd {
    type Output = Dd;
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
}

impl Sub for Dd {
    type Output = Dd;
    fn sub(self, other: Dd) -> Dd {
        self + (-other)
    }
}

impl Mul for Dd {
    type Output = Dd;
    fn mul(self, other: Dd) -> Dd {
        let (p, e) = two_prod(self.hi, other.hi);
        let e = e + (self.hi * other.lo + self.lo * other.hi);
        let (hi, lo) = quick_two_sum(p, e);
        Dd { hi, lo }
    }
}

impl Div for Dd {
    type Output = Dd;
    fn div(self, other: Dd) -> Dd {
        // A first quotient, corrected once from the remainder (QD's "sloppy" division, relative
        // error a few units of 2^-104).
        let q1 = self.hi / other.hi;
        let (p, p_error) = two_prod(other.hi, q1);
        let p_lo = p_error + other.lo * q1;
        let (s1, s2) = two_sum(self.hi, -p);
        let s2 = s2 - p_lo + self.lo;
        let q2 = (s1 + s2) / other.hi;
        let (hi, lo) = quick_two_sum(q1, q2);
        Dd { hi, lo }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_keep_about_106_bits() {
        // 1 - 2^-60 is not a double; as a double-double it is exact.
        let x = Dd::one_minus(2f64.powi(-60));
        assert_eq!((x.hi, x.lo), (1.0, -(2f64.powi(-60))));
        // (1 + 2^-60)^2 = 1 + 2^-59 + 2^-120.
        let y = Dd::new(1.0) + Dd::new(2f64.powi(-60));
        let square = y * y;
        assert_eq!(square.hi, 1.0);
        assert!((square.lo - 2f64.powi(-59)).abs() <= 2f64.powi(-110));
        // 1 / 3 times 3 is 1 to about 2^-104.
        let third = Dd::new(1.0) / Dd::new(3.0);
        let one = third * Dd::new(3.0);
        assert!((one - Dd::new(1.0)).value().abs() < 1e-31);
        // An exact product: (2^27 + 1)^2 = 2^54 + 2^28 + 1.
        let p = Dd::product(134_217_729.0, 134_217_729.0);
        assert_eq!(p.hi + 0.0, 18_014_398_777_917_440.0);
        assert_eq!(p.lo, 1.0);
    }
}
