//! Bracketed root finding for the score-interval inversions.

/// A root of `f` in `[lo, hi]`, where `f(lo)` and `f(hi)` have opposite signs (or one is zero), by
/// Brent's method (inverse quadratic interpolation safeguarded by bisection; Brent 1973, ch. 4).
///
/// Stops when the bracket is narrower than `4 eps |x| + tolerance`, or after 300 steps; always returns a
/// point inside the bracket.
pub(crate) fn brent<F: FnMut(f64) -> f64>(mut f: F, lo: f64, hi: f64, tolerance: f64) -> f64 {
    let (mut a, mut b) = (lo, hi);
    let (mut fa, mut fb) = (f(a), f(b));
    if fa == 0.0 {
        return a;
    }
    if fb == 0.0 {
        return b;
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..300 {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * tolerance;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q) = if a == c {
                (2.0 * m * s, 1.0 - s)
            } else {
                let q = fa / fc;
                let r = fb / fc;
                (
                    s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0)),
                    (q - 1.0) * (r - 1.0) * (s - 1.0),
                )
            };
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b);
        if fb.is_nan() {
            // Outside the function's domain: fall back to plain bisection towards c.
            b = a + 0.5 * (c - a);
            fb = f(b);
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_roots_to_full_precision() {
        let root = brent(|x| x * x - 2.0, 0.0, 2.0, 0.0);
        assert!((root - std::f64::consts::SQRT_2).abs() < 4e-16);
        let root = brent(|x| (x - 1e-12).powi(3), -1.0, 1.0, 0.0);
        assert!((root - 1e-12).abs() < 1e-15);
        assert_eq!(brent(|x| x - 0.25, 0.25, 1.0, 0.0), 0.25);
    }
}
