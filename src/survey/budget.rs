//! Work budgets: the largest inputs the analyses accept, so that every call returns within about a
//! second (on one core of an ordinary machine) instead of running for minutes on a table nobody
//! can read. Work is counted in units of a closed-form interval (about 50 ns).

use crate::error::{Error, Result};
use crate::stats::difference::DifferenceMethod;
use crate::stats::proportion::ProportionMethod;

/// The most work one analysis may do: 2^24 units (about half a second).
pub(crate) const MAX_WORK: u64 = 1 << 24;

/// A pairwise z-test, with its p-value.
pub(crate) const PAIR_TEST: u64 = 4;

/// The cost of one interval of a share: the exact methods search beta quantiles.
pub(crate) fn interval_cost(method: ProportionMethod) -> u64 {
    match method {
        ProportionMethod::ClopperPearson | ProportionMethod::Jeffreys => 256,
        _ => 1,
    }
}

/// The cost of one interval of a difference: the score interval is found by root finding.
pub(crate) fn difference_cost(method: DifferenceMethod) -> u64 {
    match method {
        DifferenceMethod::MiettinenNurminen => 64,
        _ => 2,
    }
}

/// The number of pairs among `n` groups.
pub(crate) fn pairs(n: usize) -> u64 {
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    n.saturating_mul(n.saturating_sub(1)) / 2
}

/// Refuses `work` past [`MAX_WORK`].
pub(crate) fn check(what: &'static str, work: u64, hint: &'static str) -> Result<()> {
    if work > MAX_WORK {
        return Err(Error::TooLarge {
            what,
            size: work,
            max: MAX_WORK,
            hint,
        });
    }
    Ok(())
}
