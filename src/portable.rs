//! Portable JSON: every integer a serialised value holds stays within what every JSON reader
//! (JavaScript's numbers included) keeps exactly.

/// Largest count a serialised value may hold: 2^53, the largest integer every JSON reader holds
/// exactly.
pub(crate) const MAX_PORTABLE_COUNT: u64 = 1 << 53;

/// Writes a count as a JSON number, refusing one above 2^53 that a JSON reader would round.
pub(crate) fn serialize_count<S: serde::Serializer>(
    count: &u64,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    if *count > MAX_PORTABLE_COUNT {
        return Err(serde::ser::Error::custom(format!(
            "a count of {count} is above 2^53 and cannot be written exactly to JSON"
        )));
    }
    serializer.serialize_u64(*count)
}

/// Writes a threshold on counts as a JSON number, saturating at 2^53: no count is larger, so the
/// threshold means the same.
pub(crate) fn serialize_threshold<S: serde::Serializer>(
    threshold: &u64,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_u64((*threshold).min(MAX_PORTABLE_COUNT))
}
