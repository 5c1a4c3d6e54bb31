//! The versioned wire format of a [`Tally`] (documented on the type): what shards, threads and
//! other engines send each other, independent of the tally's memory layout.

use std::collections::{BTreeMap, HashSet};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::portable::serialize_count;
use crate::survey::categories::Categories;
use crate::survey::sums::{Decimal, inconsistency};
use crate::survey::tally::Tally;

/// The `format` of a serialised tally.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, Tally, TALLY_FORMAT, TALLY_VERSION};
///
/// let tally = Tally::new(vec![Categories::new("q", ["yes", "no"])?])?;
/// let json = serde_json::to_value(&tally).unwrap();
/// assert_eq!((json["format"].as_str(), json["version"].as_u64()), (Some(TALLY_FORMAT), Some(TALLY_VERSION.into())));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
pub const TALLY_FORMAT: &str = "survey-analytics/tally";

/// The version of the tally wire format this build writes and reads.
///
/// # Examples
///
/// ```
/// assert_eq!(survey_analytics::TALLY_VERSION, 1);
/// ```
pub const TALLY_VERSION: u32 = 1;

/// A tally as written (see [`Tally`], "Wire format"). Every field but `format` and `version` is
/// optional here, and unknown fields are collected, so that a document of another version or
/// format is refused by name rather than by whichever field fails to parse first.
#[derive(Serialize, Deserialize)]
pub(crate) struct TallyWire {
    format: String,
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    weighted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<Vec<Categories>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cells: Option<Vec<CellWire>>,
    #[serde(flatten, skip_serializing)]
    unknown: BTreeMap<String, IgnoredAny>,
}

/// One non-empty cell.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CellWire {
    slots: Vec<usize>,
    #[serde(serialize_with = "serialize_count")]
    count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed_weight: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed_weight_squared: Option<Decimal>,
}

impl From<Tally> for TallyWire {
    fn from(tally: Tally) -> Self {
        let cells = tally
            .counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(cell, &count)| {
                let weights = tally.weights.get(cell);
                CellWire {
                    slots: (0..tally.dimensions.len())
                        .map(|d| tally.slot_of(cell, d))
                        .collect(),
                    count,
                    fixed_weight: weights.map(|w| Decimal(w[0])),
                    fixed_weight_squared: weights.map(|w| Decimal(w[1])),
                }
            })
            .collect();
        Self {
            format: TALLY_FORMAT.to_string(),
            version: TALLY_VERSION,
            weighted: Some(tally.weighted),
            dimensions: Some(tally.dimensions),
            cells: Some(cells),
            unknown: BTreeMap::new(),
        }
    }
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidSerialized {
        what: "tally",
        reason: reason.into(),
    }
}

impl TryFrom<TallyWire> for Tally {
    type Error = Error;

    fn try_from(wire: TallyWire) -> Result<Self> {
        if wire.format != TALLY_FORMAT {
            return Err(invalid(format!(
                "format '{}' is not '{TALLY_FORMAT}'",
                wire.format
            )));
        }
        if wire.version != TALLY_VERSION {
            return Err(invalid(format!(
                "version {} is not supported; this build reads version {TALLY_VERSION}",
                wire.version
            )));
        }
        if let Some(field) = wire.unknown.keys().next() {
            return Err(invalid(format!("unknown field '{field}' in version 1")));
        }
        let missing = |field: &str| invalid(format!("field '{field}' is missing"));
        let weighted = wire.weighted.ok_or_else(|| missing("weighted"))?;
        let dimensions = wire.dimensions.ok_or_else(|| missing("dimensions"))?;
        let cells = wire.cells.ok_or_else(|| missing("cells"))?;
        let mut tally = if weighted {
            Tally::new_weighted(dimensions)?
        } else {
            Tally::new(dimensions)?
        };
        let mut seen = HashSet::with_capacity(cells.len());
        for (position, cell) in cells.into_iter().enumerate() {
            let at = |reason: String| invalid(format!("cell {position}: {reason}"));
            let index = tally
                .cell_of_slots(&cell.slots)
                .map_err(|e| at(e.to_string()))?;
            if !seen.insert(index) {
                return Err(at(format!("slots {:?} are listed twice", cell.slots)));
            }
            if cell.count == 0 {
                return Err(at("a listed cell needs a count of at least 1".to_string()));
            }
            let (count, sums) = match (weighted, cell.fixed_weight, cell.fixed_weight_squared) {
                (true, Some(weight), Some(squared)) => (cell.count, Some([weight.0, squared.0])),
                (false, None, None) => (cell.count, None),
                (true, _, _) => {
                    return Err(at("a weighted tally needs fixed_weight and \
                                   fixed_weight_squared in every cell"
                        .to_string()));
                }
                (false, _, _) => {
                    return Err(at("an unweighted tally carries no weights".to_string()));
                }
            };
            let [weight, squared] =
                sums.unwrap_or([u128::from(count) << 64, u128::from(count) << 64]);
            if let Some(reason) = inconsistency(count, weight, squared) {
                return Err(at(reason));
            }
            if let Some(slot) = tally.counts.get_mut(index) {
                *slot = count;
            }
            if let (Some(slot), Some(sums)) = (tally.weights.get_mut(index), sums) {
                *slot = sums;
            }
        }
        Ok(tally)
    }
}
