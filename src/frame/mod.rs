//! Survey data known at run time: a [`Questionnaire`] that says what each column holds (given,
//! or inferred from the data), [`Responses`] that hold the columns coded by it, loaders for CSV
//! files (feature `csv`, on by default) and Arrow record batches (feature `arrow`), and analyses
//! addressed by column name that hand the codes to the survey layer's own tallies, crosstabs,
//! comparisons and designs.

pub(crate) mod analysis;
#[cfg(feature = "arrow")]
pub(crate) mod arrow;
pub(crate) mod column;
#[cfg(feature = "csv")]
pub(crate) mod csv;
pub(crate) mod questionnaire;
pub(crate) mod responses;

/// The number of a column named `prefix` followed by digits only (`repwt12` is 12 of `repwt`).
pub(crate) fn numbered(name: &str, prefix: &str) -> Option<u64> {
    let digits = name.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
