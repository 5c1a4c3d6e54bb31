//! Property tests of the survey layer: tallies merge exactly in any order and survive their wire
//! format, all-ones weights give the unweighted results, single-choice shares sum to one, nothing
//! is dropped, invalid input is refused with the error that names it, and every analysis of every
//! tally respects the contract (shares and intervals in [0, 1], ordered bounds, p-values in
//! [0, 1], letters only between tested columns).
//!
//! The strategies reach the edges: weights of 0, 5e-324 (which the fixed-point sums round to 0),
//! 1e-300, 1 and 2^26 (300 of whose squares stay below the 2^64 limit of a sum; saturated sums are
//! tested apart), and invalid ones (NaN, infinities, negatives, 2^64); positions past the end and
//! `usize::MAX`; empty and single-record tallies; confidence levels of 1e-300 and 1 - 1e-16,
//! alphas of 1e-300 and 1 - 1e-16, minimum bases of 0, 1 and `u64::MAX`.

use proptest::prelude::*;
use survey_analytics::*;

/// A record of a 4-point question, a 3-level group and a weight; `None` marks a missing answer.
type Record = (Option<usize>, Option<usize>, f64);

/// A valid weight small enough that 300 squared weights stay below 2^64, the fixed-point limit of
/// a sum (sums past it are tested apart).
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(1.0),
        1 => Just(0.0),
        1 => Just(5e-324),
        1 => Just(1e-300),
        1 => Just(67_108_864.0), // 2^26
        4 => 0.0_f64..10.0,
        2 => 1e-6_f64..1e6,
    ]
}

fn record() -> impl Strategy<Value = Record> {
    (
        prop_oneof![4 => (0_usize..4).prop_map(Some), 1 => Just(None)],
        prop_oneof![6 => (0_usize..3).prop_map(Some), 1 => Just(None)],
        weight(),
    )
}

fn records() -> impl Strategy<Value = Vec<Record>> {
    // Empty and single-record tallies, and ordinary ones.
    prop_oneof![
        1 => prop::collection::vec(record(), 0..=1),
        4 => prop::collection::vec(record(), 0..300),
    ]
}

fn dims() -> Vec<Categories> {
    vec![
        Categories::new("q", ["1", "2", "3", "4"]).unwrap(),
        Categories::new("g", ["A", "B", "C"]).unwrap(),
    ]
}

fn tally(records: &[Record], weighted: bool) -> Tally {
    let mut tally = if weighted {
        Tally::new_weighted(dims())
    } else {
        Tally::new(dims())
    }
    .unwrap();
    for &(answer, group, weight) in records {
        let slots = [answer, group];
        if weighted {
            tally.add_weighted(&slots, weight)
        } else {
            tally.add(&slots)
        }
        .unwrap();
    }
    tally
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

fn level() -> impl Strategy<Value = ConfidenceLevel> {
    prop_oneof![Just(1e-300), Just(1.0 - 1e-16), Just(0.95), 0.5_f64..0.999]
        .prop_map(|l| ConfidenceLevel::new(l).unwrap())
}

fn alpha() -> impl Strategy<Value = Alpha> {
    prop_oneof![Just(1e-300), Just(1.0 - 1e-16), Just(0.05), 1e-6_f64..0.5]
        .prop_map(|a| Alpha::new(a).unwrap())
}

fn settings() -> impl Strategy<Value = (IntervalSettings, TestSettings, u64)> {
    (
        level(),
        prop::sample::select(ProportionMethod::ALL),
        prop::sample::select(PValueAdjustment::ALL),
        alpha(),
        prop_oneof![Just(0_u64), Just(1), Just(30), Just(u64::MAX), 0_u64..100],
    )
        .prop_map(|(level, method, adjustment, alpha, min_base)| {
            (
                IntervalSettings { level, method },
                TestSettings { adjustment, alpha },
                min_base,
            )
        })
}

/// A share interval is in [0, 1], ordered, and holds its share for the methods that guarantee it.
fn sound(estimate: &Estimate, method: ProportionMethod) -> std::result::Result<(), TestCaseError> {
    match (estimate.share, estimate.interval) {
        (Some(share), Some(ci)) => {
            prop_assert!((0.0..=1.0).contains(&share), "{estimate:?}");
            prop_assert!(
                0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0,
                "{method}: {estimate:?}"
            );
            if !matches!(
                method,
                ProportionMethod::AgrestiCoull | ProportionMethod::Jeffreys
            ) {
                prop_assert!(
                    ci.lower <= share && share <= ci.upper,
                    "{method}: {estimate:?}"
                );
            }
        }
        (None, None) => {}
        _ => prop_assert!(false, "share without interval: {estimate:?}"),
    }
    prop_assert!(estimate.weighted_count.is_finite() && estimate.weighted_count >= 0.0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn merging_is_exact_and_order_free(records in records(), cuts in prop::collection::vec(0_usize..300, 2)) {
        let (a, b) = (cuts[0].min(cuts[1]).min(records.len()), cuts[0].max(cuts[1]).min(records.len()));
        let parts = [&records[..a], &records[a..b], &records[b..]];
        let whole = tally(&records, true);
        let shards: Vec<Tally> = parts.iter().map(|p| tally(p, true)).collect();
        let mut left = shards[0].clone();
        left.merge(&shards[1]).unwrap();
        left.merge(&shards[2]).unwrap();
        let mut right = shards[2].clone();
        right.merge(&shards[0]).unwrap();
        right.merge(&shards[1]).unwrap();
        prop_assert_eq!(&left, &whole);
        prop_assert_eq!(&right, &whole);
        // The wire format round-trips exactly, and merging after the trip gives the same tally.
        let travel = |t: &Tally| -> Tally { serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap() };
        prop_assert_eq!(travel(&whole), whole.clone());
        let mut travelled = travel(&shards[0]);
        travelled.merge(&travel(&shards[1])).unwrap();
        travelled.merge(&travel(&shards[2])).unwrap();
        prop_assert_eq!(travelled, whole);
    }

    #[test]
    fn unit_weights_reproduce_the_unweighted_crosstab(records in records(), (intervals, tests, min_base) in settings()) {
        let ones: Vec<Record> = records.iter().map(|&(a, g, _)| (a, g, 1.0)).collect();
        let options = CrosstabOptions::default().intervals(intervals).tests(tests).min_base(min_base);
        let plain = Crosstab::new(&tally(&ones, false).cross(0, 1).unwrap(), &options).unwrap();
        let weighted = Crosstab::new(&tally(&ones, true).cross(0, 1).unwrap(), &options).unwrap();
        prop_assert_eq!(plain.columns().len(), weighted.columns().len());
        for (p, w) in plain.columns().iter().zip(weighted.columns()) {
            prop_assert_eq!(p.base.count, w.base.count);
            prop_assert!(close(p.base.effective, w.base.effective));
        }
        for (p, w) in plain.rows().iter().zip(weighted.rows()) {
            for (pc, wc) in p.cells.iter().zip(&w.cells) {
                prop_assert_eq!(pc.estimate.count, wc.estimate.count);
                prop_assert_eq!(pc.estimate.share, wc.estimate.share);
                match (pc.estimate.interval, wc.estimate.interval) {
                    (Some(a), Some(b)) => prop_assert!(close(a.lower, b.lower) && close(a.upper, b.upper), "{a:?} {b:?}"),
                    (a, b) => prop_assert_eq!(a, b),
                }
                prop_assert_eq!(&pc.letters, &wc.letters);
            }
        }
        match (plain.omnibus(), weighted.omnibus()) {
            (Some(a), Some(b)) => prop_assert!(close(a.statistic, b.statistic) && a.df == b.df, "{a:?} {b:?}"),
            (a, b) => prop_assert_eq!(a, b),
        }
    }

    #[test]
    fn single_choice_shares_sum_to_one(records in records(), weighted in any::<bool>()) {
        let table = Crosstab::new(&tally(&records, weighted).cross(0, 1).unwrap(), &CrosstabOptions::default()).unwrap();
        for (c, column) in table.columns().iter().enumerate() {
            let shares: Vec<f64> = table.rows().iter().filter_map(|r| r.cells[c].estimate.share).collect();
            if !shares.is_empty() {
                prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{shares:?} {column:?}");
            }
        }
        // Nothing is dropped: answered + no answer + no group = all records.
        let answered: u64 = table.columns().iter().map(|c| c.base.count + c.missing.count).sum();
        prop_assert_eq!(answered + table.ungrouped().count, records.len() as u64);
    }

    #[test]
    fn breakdown_accounts_for_every_record(records in records(), weighted in any::<bool>()) {
        let t = tally(&records, weighted);
        let breakdown = Breakdown::new(&t.margin(0).unwrap(), &BreakdownOptions::default()).unwrap();
        prop_assert_eq!(breakdown.base().count + breakdown.missing().count, records.len() as u64);
        let counted: u64 = breakdown.rows().iter().map(|r| r.estimate.count).sum();
        prop_assert_eq!(counted, breakdown.base().count);
    }

    /// Every analysis of every tally, under every setting, respects the contract.
    #[test]
    fn analyses_are_sound_under_every_setting(
        records in records(),
        weighted in any::<bool>(),
        (intervals, tests, min_base) in settings(),
        difference in prop::sample::select(DifferenceMethod::ALL),
        members in prop::collection::vec(prop_oneof![0_usize..4, Just(usize::MAX)], 0..4),
    ) {
        let t = tally(&records, weighted);
        let counts = t.cross(0, 1).unwrap();
        let net = Net::new("net", members.clone());
        let mut options = CrosstabOptions::default().intervals(intervals).tests(tests).min_base(min_base);
        if let Ok(net) = &net {
            options = options.net(net.clone());
        }
        match Crosstab::new(&counts, &options) {
            Ok(table) => {
                for row in table.rows() {
                    for (c, cell) in row.cells.iter().enumerate() {
                        sound(&cell.estimate, intervals.method)?;
                        // Letters only between tested columns.
                        for letter in cell.letters.chars() {
                            let beaten = (letter as u8 - b'A') as usize;
                            prop_assert!(table.columns()[c].tested && table.columns()[beaten].tested);
                        }
                    }
                    for test in &row.tests {
                        prop_assert!((0.0..=1.0).contains(&test.p_value) && test.p_value <= test.adjusted_p_value + 1e-15 && test.adjusted_p_value <= 1.0, "{test:?}");
                    }
                }
                if let Some(test) = table.omnibus() {
                    prop_assert!((0.0..=1.0).contains(&test.p_value) && test.statistic >= 0.0);
                }
                let _ = (table.to_text(), table.to_markdown());
            }
            // Only the net can be wrong: a member past the answers.
            Err(e) => prop_assert!(members.iter().any(|&m| m >= 4) && matches!(e, Error::CategoryOutOfRange { .. }), "{e}"),
        }
        let comparison_options = ComparisonOptions::default().intervals(intervals).tests(tests).difference(difference);
        for row in [0, 3, 4, usize::MAX] {
            match Comparison::from_counts(&counts, row, &comparison_options) {
                Ok(c) => {
                    for g in c.groups() {
                        prop_assert!(0.0 <= g.interval.lower && g.interval.lower <= g.interval.upper && g.interval.upper <= 1.0, "{g:?}");
                    }
                    for pair in c.pairs() {
                        prop_assert!(-1.0 <= pair.interval.lower && pair.interval.lower <= pair.interval.upper && pair.interval.upper <= 1.0, "{pair:?}");
                        prop_assert!((0.0..=1.0).contains(&pair.p_value) && (0.0..=1.0).contains(&pair.adjusted_p_value) && pair.cohens_h.is_finite());
                    }
                }
                Err(Error::CategoryOutOfRange { index, .. }) => prop_assert!(row >= 4 && index == row),
                Err(Error::TooFewValues { .. }) => prop_assert!(row < 4),
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
        let breakdown_options = match &net {
            Ok(net) => BreakdownOptions::default().intervals(intervals).net(net.clone()),
            Err(_) => BreakdownOptions::default().intervals(intervals),
        };
        for dimension in [0, 1] {
            match Breakdown::new(&t.margin(dimension).unwrap(), &breakdown_options) {
                Ok(b) => {
                    for row in b.rows() {
                        sound(&row.estimate, intervals.method)?;
                    }
                    let _ = b.to_text();
                }
                Err(e) => prop_assert!(matches!(e, Error::CategoryOutOfRange { .. }), "{e}"),
            }
        }
    }

    /// Adding records with any positions and weights: added, or refused naming what is wrong.
    #[test]
    fn records_are_added_or_refused_by_name(
        slots in prop::collection::vec(prop::option::of(prop_oneof![0_usize..5, Just(usize::MAX)]), 0..4),
        weight in prop_oneof![weight(), Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(-5e-324), Just(18_446_744_073_709_551_616.0)],
        before in 0_usize..5,
    ) {
        let mut t = Tally::new_weighted(dims()).unwrap();
        for _ in 0..before {
            t.add_weighted(&[None, None], 1.0).unwrap();
        }
        let result = t.add_weighted(&slots, weight);
        let added = result.is_ok();
        let out_of_range = slots.iter().zip([4, 3]).find_map(|(s, len)| s.filter(|&i| i >= len));
        let invalid_weight = !(0.0..18_446_744_073_709_551_616.0).contains(&weight);
        match result {
            Ok(()) => prop_assert!(slots.len() == 2 && out_of_range.is_none() && !invalid_weight),
            Err(Error::InvalidWeight { record, .. }) => prop_assert!(invalid_weight && record == Some(before)),
            Err(Error::LengthMismatch { expected: 2, len, per: "dimension", .. }) => prop_assert!(!invalid_weight && len == slots.len()),
            Err(Error::CategoryOutOfRange { index, .. }) => prop_assert!(!invalid_weight && slots.len() == 2 && Some(index) == out_of_range),
            Err(e) => prop_assert!(false, "{e}"),
        }
        prop_assert_eq!(t.records(), before as u64 + u64::from(added));
    }

    /// Multi-select answers are sets: repeats count once and no share passes 1.
    #[test]
    fn multi_select_shares_stay_within_one(
        answers in prop::collection::vec((prop::option::of(prop::collection::vec(0_usize..4, 0..8)), prop::option::of(0_usize..3)), 0..60),
    ) {
        let mut t = MultiSelectTally::new(dims()[0].clone(), dims()[1].clone()).unwrap();
        for (chosen, group) in &answers {
            t.add(chosen.as_deref(), *group).unwrap();
        }
        let counts = t.cross().unwrap();
        for c in 0..3 {
            for r in 0..4 {
                prop_assert!(counts.cell(r, c).count() <= counts.base(c).count());
            }
        }
        let table = Crosstab::new(&counts, &CrosstabOptions::default()).unwrap();
        for cell in table.rows().iter().flat_map(|r| &r.cells) {
            sound(&cell.estimate, ProportionMethod::Wilson)?;
        }
    }

    /// Label lists: accepted when non-empty and distinct, every label then found at its place.
    #[test]
    fn categories_check_and_find_their_labels(labels in prop::collection::vec(prop_oneof![Just(String::new()), "[a-c]{1,2}", "\\PC{1,3}"], 0..12)) {
        let distinct = {
            let mut sorted = labels.clone();
            sorted.sort();
            sorted.dedup();
            sorted.len() == labels.len()
        };
        match Categories::new("q", labels.clone()) {
            Ok(c) => {
                prop_assert!(!labels.is_empty() && distinct && labels.iter().all(|l| !l.is_empty()));
                for (i, label) in labels.iter().enumerate() {
                    prop_assert_eq!(c.index_of(label), Some(i));
                }
                prop_assert_eq!(c.index_of("not a label \u{1}"), None);
            }
            Err(Error::TooFewValues { .. }) => prop_assert!(labels.is_empty()),
            Err(Error::InvalidLabel { label, .. }) => prop_assert!(label.is_empty() || !distinct),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn saturated_sums_are_reported_and_refused_on_the_wire() {
    let mut t = Tally::new_weighted(dims()).unwrap();
    t.add_weighted(&[Some(0), Some(0)], 1e19).unwrap();
    t.add_weighted(&[Some(0), Some(0)], 1e19).unwrap();
    assert!(matches!(t.cross(0, 1), Err(Error::CountTooLarge { .. })));
    let json = serde_json::to_string(&t).unwrap();
    let err = serde_json::from_str::<Tally>(&json)
        .unwrap_err()
        .to_string();
    assert!(err.contains("saturated"), "{err}");
}
