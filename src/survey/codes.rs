//! Columns of category codes, one per respondent, as the design-based analyses read them: the
//! slices of positions that the public API takes, and the compact columns that the runtime layer
//! holds (a byte per respondent for most questions), read in place instead of widened to
//! `Option<usize>` (16 bytes per respondent) first.

/// A column of category positions, one per respondent; `None` where there is none. Shared
/// between threads, as the design-based crosstab estimates its rows in parallel.
pub(crate) trait CodeColumn: Sync {
    /// Number of respondents.
    fn len(&self) -> usize;

    /// Respondent `k`'s position (`None`: no answer, or `k` past the end).
    fn code(&self, k: usize) -> Option<usize>;
}

impl CodeColumn for [Option<usize>] {
    fn len(&self) -> usize {
        <[Option<usize>]>::len(self)
    }

    fn code(&self, k: usize) -> Option<usize> {
        self.get(k).copied().flatten()
    }
}

/// A column computed from a function of the respondent.
pub(crate) struct Mapped<F> {
    pub(crate) len: usize,
    pub(crate) code: F,
}

impl<F: Fn(usize) -> Option<usize> + Sync> CodeColumn for Mapped<F> {
    fn len(&self) -> usize {
        self.len
    }

    fn code(&self, k: usize) -> Option<usize> {
        if k < self.len { (self.code)(k) } else { None }
    }
}
