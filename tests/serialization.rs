//! Serialised data from outside: every type with a validating constructor deserialises through the
//! same checks (crafted JSON that breaks a rule is refused with the rule), the tally's versioned
//! wire format round-trips and merges, and every serialised form is portable JSON (no integer a
//! JSON reader meets exceeds 2^53).

use serde_json::{Value, json};
use survey_analytics::*;

fn dims() -> Vec<Categories> {
    vec![
        Categories::new("q", ["yes", "no"]).unwrap(),
        Categories::new("role", ["leader", "ic"]).unwrap(),
    ]
}

/// A weighted tally: leaders who said yes (weights 1 and 1.5), an IC without an answer (1).
fn weighted() -> Tally {
    let mut tally = Tally::new_weighted(dims()).unwrap();
    tally.add_weighted(&[Some(0), Some(0)], 1.0).unwrap();
    tally.add_weighted(&[Some(0), Some(0)], 1.5).unwrap();
    tally.add_weighted(&[None, Some(1)], 1.0).unwrap();
    tally
}

/// The reason of an `InvalidSerialized` error inside a serde error message, or the message.
fn refused<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
    match serde_json::from_value::<T>(value) {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.to_string(),
    }
}

/// Every number in `value` that is an integer is at most 2^53.
fn portable(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.as_u64().is_none_or(|u| u <= 1 << 53)
                && n.as_i64().is_none_or(|i| i.unsigned_abs() <= 1 << 53)
        }
        Value::Array(items) => items.iter().all(portable),
        Value::Object(fields) => fields.values().all(portable),
        _ => true,
    }
}

#[test]
fn the_tally_wire_format_is_the_documented_one() {
    // The example of `Tally`'s docs, "Wire format".
    let expected = json!({
        "format": "survey-analytics/tally",
        "version": 1,
        "weighted": true,
        "dimensions": [
            {"name": "q", "labels": ["yes", "no"]},
            {"name": "role", "labels": ["leader", "ic"]}
        ],
        "cells": [
            {"slots": [1, 1], "count": 2, "fixed_weight": "46116860184273879040",
             "fixed_weight_squared": "59951918239556042752"},
            {"slots": [0, 2], "count": 1, "fixed_weight": "18446744073709551616",
             "fixed_weight_squared": "18446744073709551616"}
        ]
    });
    let value = serde_json::to_value(weighted()).unwrap();
    assert_eq!(value, expected);
    let back: Tally = serde_json::from_value(expected).unwrap();
    assert_eq!(back, weighted());
    let unweighted = Tally::new(dims()).unwrap();
    let value = serde_json::to_value(&unweighted).unwrap();
    assert_eq!(value["cells"], json!([]));
    assert_eq!(serde_json::from_value::<Tally>(value).unwrap(), unweighted);
}

#[test]
fn tallies_survive_a_round_trip_and_a_merge_after_it() {
    let mut left = weighted();
    let mut right = Tally::new_weighted(dims()).unwrap();
    right.add_weighted(&[Some(1), Some(1)], 0.1).unwrap();
    right.add_weighted(&[Some(0), None], 3.0).unwrap();
    let travel =
        |t: &Tally| -> Tally { serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap() };
    let (mut left_back, right_back) = (travel(&left), travel(&right));
    left.merge(&right).unwrap();
    left_back.merge(&right_back).unwrap();
    assert_eq!(left_back, left);
    assert_eq!(left_back.cross(0, 1).unwrap(), left.cross(0, 1).unwrap());
}

#[test]
fn crafted_tallies_are_refused_with_the_rule_they_break() {
    let base = serde_json::to_value(weighted()).unwrap();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut value = base.clone();
        edit(&mut value);
        value
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            with(&|v| v["version"] = json!(2)),
            "version 2 is not supported; this build reads version 1",
        ),
        (with(&|v| v["format"] = json!("other")), "format 'other'"),
        (with(&|v| v["extra"] = json!(1)), "unknown field 'extra'"),
        (
            with(&|v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("cells")
                    .map(|_| ())
                    .unwrap()
            }),
            "field 'cells' is missing",
        ),
        (
            with(&|v| v["cells"][0]["slots"] = json!([3, 1])),
            "cell 0: category 2 of 'q' does not exist",
        ),
        (
            with(&|v| v["cells"][0]["slots"] = json!([1])),
            "cell 0: key has 1 entries but 2 were expected (one per dimension)",
        ),
        (
            with(&|v| v["cells"][1]["slots"] = json!([1, 1])),
            "cell 1: slots [1, 1] are listed twice",
        ),
        (
            with(&|v| v["cells"][0]["count"] = json!(0)),
            "a listed cell needs a count of at least 1",
        ),
        (
            with(&|v| v["cells"][0]["count"] = json!(9_007_199_254_740_993_u64)),
            "above 2^53",
        ),
        (
            with(&|v| {
                v["cells"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("fixed_weight");
            }),
            "needs fixed_weight",
        ),
        (
            with(&|v| v["weighted"] = json!(false)),
            "an unweighted tally carries no weights",
        ),
        // Two records whose squared weights sum to more than the square of their sum.
        (
            with(&|v| v["cells"][0]["fixed_weight_squared"] = json!("553402322211286548480")),
            "more than the square",
        ),
        // Two records of total weight 2.5 need squared weights of at least 3.125.
        (
            with(&|v| v["cells"][0]["fixed_weight_squared"] = json!("46116860184273879040")),
            "need squared weights summing to at least",
        ),
        (
            with(&|v| v["cells"][0]["fixed_weight"] = json!("-5")),
            "not a decimal string",
        ),
        (
            with(&|v| v["cells"][0]["fixed_weight"] = json!(2.5)),
            "invalid type",
        ),
        (
            with(&|v| v["dimensions"][0]["labels"] = json!(["yes", "yes"])),
            "labels must be distinct",
        ),
        (
            with(&|v| v["dimensions"] = json!([])),
            "at least 1 are needed",
        ),
    ];
    for (value, expected) in cases {
        let message = refused::<Tally>(value.clone());
        assert!(
            message.contains(expected),
            "{message}\n  lacks: {expected}\n  in: {value}"
        );
    }
    // A dimension set too large to hold is refused before anything is allocated for it.
    let huge: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    let value = json!({"format": "survey-analytics/tally", "version": 1, "weighted": false,
        "dimensions": [{"name": "a", "labels": huge}, {"name": "b", "labels": huge}], "cells": []});
    assert!(refused::<Tally>(value).contains("tally cells"));
}

#[test]
fn every_serialised_form_is_portable_json() {
    let tally = weighted();
    let counts = tally.cross(0, 1).unwrap();
    let margin = tally.margin(0).unwrap();
    let mut multi = MultiSelectTally::new_weighted(dims()[0].clone(), dims()[1].clone()).unwrap();
    multi.add_weighted(Some(&[0, 1]), Some(0), 2.0).unwrap();
    let table = Crosstab::new(&counts, &CrosstabOptions::default()).unwrap();
    let values = [
        serde_json::to_value(&tally).unwrap(),
        serde_json::to_value(&counts).unwrap(),
        serde_json::to_value(&margin).unwrap(),
        serde_json::to_value(&multi).unwrap(),
        serde_json::to_value(&table).unwrap(),
    ];
    for value in &values {
        assert!(portable(value), "{value}");
    }
    // Each round-trips to the same value.
    assert_eq!(
        serde_json::from_value::<CrossCounts>(values[1].clone()).unwrap(),
        counts
    );
    assert_eq!(
        serde_json::from_value::<Margin>(values[2].clone()).unwrap(),
        margin
    );
    assert_eq!(
        serde_json::from_value::<MultiSelectTally>(values[3].clone()).unwrap(),
        multi
    );
    // A sum's form: the count as a number, the fixed-point sums as decimal strings.
    let mut sums = Sums::default();
    sums.add_weighted(1.0).unwrap();
    sums.add_weighted(2.0).unwrap();
    assert_eq!(
        serde_json::to_value(sums).unwrap(),
        json!({"count": 2, "fixed_weight": "55340232221128654848", "fixed_weight_squared": "92233720368547758080"})
    );
}

#[test]
fn crafted_counts_and_margins_are_refused() {
    let counts = serde_json::to_value(weighted().cross(0, 1).unwrap()).unwrap();
    let margin = serde_json::to_value(weighted().margin(0).unwrap()).unwrap();
    let edit = |base: &Value, f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        v
    };
    // A single-choice base that is not the sum of its cells.
    let message = refused::<CrossCounts>(edit(
        &counts,
        &|v| v["bases"][0] = json!({"count": 3, "fixed_weight": "55340232221128654848", "fixed_weight_squared": "55340232221128654848"}),
    ));
    assert!(
        message.contains("a base differs from the sum of its cells"),
        "{message}"
    );
    let message = refused::<CrossCounts>(edit(&counts, &|v| v["cells"] = json!([])));
    assert!(
        message.contains("crosstab cells has 0 entries but 4 were expected"),
        "{message}"
    );
    let message = refused::<CrossCounts>(edit(&counts, &|v| v["missing"] = json!([])));
    assert!(message.contains("(one per column)"), "{message}");
    let message = refused::<CrossCounts>(edit(&counts, &|v| v["weighted"] = json!(false)));
    assert!(message.contains("marked unweighted"), "{message}");
    let message = refused::<Margin>(edit(&margin, &|v| v["cells"] = json!([])));
    assert!(message.contains("margin cells has 0 entries"), "{message}");
    let message = refused::<Margin>(edit(&margin, &|v| v["base"]["count"] = json!(3)));
    assert!(
        message.contains("a base differs from the sum of its cells"),
        "{message}"
    );
    let message = refused::<Margin>(edit(&margin, &|v| v["base"]["count"] = json!(1)));
    assert!(message.contains("invalid serialised sums"), "{message}");
    // A multi-select option chosen by more respondents than answered.
    let mut multi = MultiSelectTally::new(dims()[0].clone(), dims()[1].clone()).unwrap();
    multi.add(Some(&[0]), Some(0)).unwrap();
    let value = serde_json::to_value(&multi).unwrap();
    let message = refused::<MultiSelectTally>(edit(
        &value,
        &|v| v["cells"][0] = json!({"count": 2, "fixed_weight": "36893488147419103232", "fixed_weight_squared": "36893488147419103232"}),
    ));
    assert!(
        message.contains("more respondents than answered"),
        "{message}"
    );
    let message = refused::<MultiSelectTally>(edit(&value, &|v| v["bases"] = json!([])));
    assert!(message.contains("bases has 0 entries"), "{message}");
}

#[test]
fn validated_values_deserialise_through_their_constructors() {
    assert!(refused::<Net>(json!({"label": "", "members": [0]})).contains("a net needs a label"));
    assert!(refused::<Net>(json!({"label": "Top", "members": []})).contains("net members"));
    let net: Net = serde_json::from_value(json!({"label": "Top", "members": [4, 3, 4]})).unwrap();
    assert_eq!(net.members(), [3, 4]);
    assert!(
        refused::<CalibrationMargin>(json!({"cells": [0, 2], "totals": [1.0, 1.0]}))
            .contains("category 2 of 'margin' does not exist")
    );
    assert!(
        refused::<CalibrationMargin>(json!({"cells": [0], "totals": [-1.0]}))
            .contains("population total = -1")
    );
    assert!(refused::<Categories>(json!({"name": "q", "labels": ["a", "a"]})).contains("distinct"));
    assert!(refused::<ConfidenceLevel>(json!(1.5)).contains("confidence level"));
    assert!(refused::<Alpha>(json!(0.0)).contains("alpha"));
    assert!(refused::<Proportion>(json!({"successes": 3.0, "trials": 2.0})).contains("successes"));
    assert!(
        refused::<Sums>(json!({"count": 0, "fixed_weight": "1", "fixed_weight_squared": "0"}))
            .contains("weights are summed over no records")
    );
    assert!(
        refused::<Sums>(json!({"count": 1, "fixed_weight": "340282366920938463463374607431768211455", "fixed_weight_squared": "0"}))
            .contains("saturated")
    );
    let share = |percent: f64, base: u64, decimals: u32| json!({"percent": percent, "base": base, "decimals": decimals});
    assert!(refused::<PublishedShare>(share(141.0, 130, 0)).contains("percent"));
    assert!(refused::<PublishedShare>(share(41.0, 0, 0)).contains("base of at least one"));
    assert!(refused::<PublishedShare>(share(41.5, 130, 7)).contains("decimals"));
    let read: PublishedShare = serde_json::from_value(share(41.5, 130, 1)).unwrap();
    assert_eq!(read, PublishedShare::with_decimals(41.5, 130, 1).unwrap());
}

#[test]
fn values_past_2_53_are_not_written_as_numbers_a_reader_would_round() {
    let share = PublishedShare::new(41.0, (1 << 53) + 1).unwrap();
    let message = serde_json::to_string(&share).unwrap_err().to_string();
    assert!(message.contains("above 2^53"), "{message}");
    let at_limit = PublishedShare::new(41.0, 1 << 53).unwrap();
    assert!(portable(&serde_json::to_value(at_limit).unwrap()));
    // A minimum base past every count means the same at 2^53, and is written so.
    let settings = CrosstabSettings {
        min_base: u64::MAX,
        ..CrosstabSettings::default()
    };
    let value = serde_json::to_value(settings).unwrap();
    assert_eq!(value["min_base"], json!(1_u64 << 53));
    assert!(portable(&value));
}
