//! The damped Newton method that finishes a calibration where R's iteration stops short.

use super::distance::Distance;
use super::matrix::{AuxMatrix, pass, pass_from};
use super::solve::Cholesky;
use super::{CalibrationFunction, CalibrationOptions};

/// Calibrates where R's Newton iteration stopped short of the totals, or `None` when the
/// damped method cannot meet them in `budget` passes either.
///
/// R's `grake` takes full Newton steps. Once records reach their bounds those steps can cycle
/// without end, even when the totals are reachable within the bounds. The calibration equations
/// are the gradient of a convex function of `λ`, the dual objective `sum w rho(x'λ) - λ'T`
/// ([`Distance::rho`]; Deville & Särndal 1992, section 3). Newton steps on it, regularised by
/// `mu X'WX` (Levenberg-Marquardt) and shortened until the objective falls by Armijo's rule
/// (Nocedal & Wright 2006, 3.1), reach its minimum whenever it has one: that is, whenever some
/// g-weights within the bounds meet the totals. The weights are then the ones R would give had
/// it converged: the same equations, met to the same tolerance.
pub(super) fn settle(
    aux: &AuxMatrix,
    weights: &[f64],
    population: &[f64],
    options: &CalibrationOptions,
    unweighted_cross: &[f64],
    budget: usize,
) -> Option<(Vec<f64>, Vec<f64>, usize)> {
    let p = aux.width();
    let distance = Distance {
        exact: true,
        ..Distance::new(options)
    };
    let mut eta = vec![0.0; p + 1];
    let (mut g, mut t, mut totals) = (vec![1.0; weights.len()], vec![0.0; p * p], vec![0.0; p]);
    if budget == 0
        || !pass(aux, weights, &eta, &distance, &mut g, &mut t, &mut totals)
        || !within_reach(aux, weights, &totals, population, options)
    {
        return None;
    }
    let (mut trial_g, mut trial_t, mut trial_totals) = (g.clone(), t.clone(), totals.clone());
    // Each record's rho at the current coefficients (zero at the start, where u = 0).
    let (mut rho, mut trial_rho) = (vec![0.0; weights.len()], vec![0.0; weights.len()]);
    let met = |totals: &[f64]| {
        population
            .iter()
            .zip(totals)
            .all(|(a, s)| (a - s).abs() / (1.0 + a.abs()) < options.tolerance)
    };
    let mut passes = 1;
    // Starts at a thousandth of X'WX: hardly shorter than Newton's step where no record is at
    // a bound, and bounded where whole columns are.
    let mut mu = 1e-3;
    while !met(&totals) {
        let difference: Vec<f64> = population.iter().zip(&totals).map(|(a, s)| a - s).collect();
        let regularised: Vec<f64> = t
            .iter()
            .zip(unweighted_cross)
            .map(|(a, b)| a + mu * b)
            .collect();
        let Ok(factor) = Cholesky::new(&regularised, p) else {
            mu *= 100.0;
            if mu > 1e8 {
                return None;
            }
            continue;
        };
        let step = factor.solve(&difference);
        // Minus the objective's slope along the step; positive as the system is definite.
        let descent: f64 = step.iter().zip(&difference).map(|(d, r)| d * r).sum();
        let step_total: f64 = step.iter().zip(population).map(|(d, t)| d * t).sum();
        if !(descent > 0.0 && descent.is_finite() && step_total.is_finite()) {
            return None;
        }
        let mut length = 1.0;
        loop {
            if passes >= budget {
                return None;
            }
            passes += 1;
            let mut trial = eta.clone();
            trial
                .iter_mut()
                .zip(&step)
                .for_each(|(e, d)| *e += length * d);
            let mut change = 0.0;
            let finite = pass_from(
                aux,
                weights,
                &trial,
                &distance,
                &mut trial_g,
                &mut trial_t,
                &mut trial_totals,
                Some((&rho, &mut trial_rho, &mut change)),
            );
            let objective_change = change - length * step_total;
            if finite && (objective_change <= -1e-4 * length * descent || met(&trial_totals)) {
                eta = trial;
                std::mem::swap(&mut g, &mut trial_g);
                std::mem::swap(&mut t, &mut trial_t);
                std::mem::swap(&mut totals, &mut trial_totals);
                std::mem::swap(&mut rho, &mut trial_rho);
                mu = if length == 1.0 {
                    (mu / 10.0).max(1e-9)
                } else {
                    mu * 10.0
                };
                break;
            }
            // The quadratic through the objective's value and slope at 0 and its value here
            // has its minimum at `shorter`; kept within a tenth and a half of the length.
            let curvature = (objective_change + length * descent) / (length * length);
            let shorter = descent / (2.0 * curvature);
            length = if shorter.is_finite() && shorter > 0.0 {
                shorter.clamp(0.1 * length, 0.5 * length)
            } else {
                0.5 * length
            };
            if length < 1e-3 {
                // The regularised Newton direction is poor here: lean towards X'WX's.
                mu *= 100.0;
                if mu > 1e8 {
                    return None;
                }
                break;
            }
        }
    }
    Some((g, totals, passes))
}

/// Whether each total on its own is within reach of g-weights within the bounds: column `j`'s
/// total `sum w g x_j` can reach no further than `sum w x_j` over its positive values times the
/// upper bound (or the lower bound) and over its negative values times the other. A total out
/// of that range by more than the tolerance cannot be met, so the damped method is not tried
/// (the totals of categories and the intercept are `sample_totals`, at `g = 1`).
pub(super) fn within_reach(
    aux: &AuxMatrix,
    weights: &[f64],
    sample_totals: &[f64],
    population: &[f64],
    options: &CalibrationOptions,
) -> bool {
    let (mut lower, upper) = options.bounds;
    if options.function == CalibrationFunction::Raking {
        lower = lower.max(0.0);
    }
    // `bound * sum`, with a sum of zero reaching nothing whatever the bound.
    let times = |bound: f64, sum: f64| if sum == 0.0 { 0.0 } else { bound * sum };
    let outside = |j: usize, positive: f64, negative: f64| {
        let low = times(lower, positive) + times(upper, negative);
        let high = times(upper, positive) + times(lower, negative);
        let target = population.get(j).copied().unwrap_or(f64::NAN);
        let scale = 1.0 + target.abs();
        (low - target) / scale > options.tolerance || (target - high) / scale > options.tolerance
    };
    let mut indicators = sample_totals.iter().take(aux.numeric_start).enumerate();
    if indicators.any(|(j, &total)| outside(j, total, 0.0)) {
        return false;
    }
    for (i, values) in aux.numeric.iter().enumerate() {
        let (mut positive, mut negative) = (0.0, 0.0);
        for (&w, &x) in weights.iter().zip(values.iter()) {
            if w != 0.0 {
                if x > 0.0 {
                    positive += w * x;
                } else {
                    negative += w * x;
                }
            }
        }
        if outside(aux.numeric_start + i, positive, negative) {
            return false;
        }
    }
    true
}
