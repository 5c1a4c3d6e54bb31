//! Property tests of the survey layer: tallies merge exactly in any order, all-ones weights give
//! the unweighted results, single-choice shares sum to one, and nothing panics on any input.

use proptest::prelude::*;
use survey_analytics::*;

/// A record of a 4-point question, a 3-level group and a weight; `None` marks a missing answer.
type Record = (Option<usize>, Option<usize>, f64);

fn records() -> impl Strategy<Value = Vec<Record>> {
    prop::collection::vec(
        (
            prop_oneof![4 => (0_usize..4).prop_map(Some), 1 => Just(None)],
            prop_oneof![6 => (0_usize..3).prop_map(Some), 1 => Just(None)],
            prop_oneof![Just(1.0), 0.0_f64..10.0, 1e-6_f64..1e6],
        ),
        0..300,
    )
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
        // Serialisation round-trips exactly, so partial tallies can travel between processes.
        let json = serde_json::to_string(&whole).unwrap();
        let back: Tally = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, whole);
    }

    #[test]
    fn unit_weights_reproduce_the_unweighted_crosstab(records in records()) {
        let ones: Vec<Record> = records.iter().map(|&(a, g, _)| (a, g, 1.0)).collect();
        let options = CrosstabOptions::default().min_base(5);
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
            if column.base.count > 0 && column.base.weighted > 0.0 {
                prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{shares:?}");
            }
            for row in table.rows() {
                let e = &row.cells[c].estimate;
                if let (Some(share), Some(ci)) = (e.share, e.interval) {
                    prop_assert!(0.0 <= ci.lower && ci.lower <= share && share <= ci.upper && ci.upper <= 1.0);
                }
            }
        }
        // Nothing is dropped: answered + no answer + no group = all records.
        let answered: u64 = table.columns().iter().map(|c| c.base.count + c.missing.count).sum();
        prop_assert_eq!(answered + table.ungrouped().count, records.len() as u64);
    }

    #[test]
    fn breakdown_accounts_for_every_record(records in records()) {
        let t = tally(&records, false);
        let breakdown = Breakdown::new(&t.margin(0).unwrap(), &BreakdownOptions::default()).unwrap();
        prop_assert_eq!(breakdown.base().count + breakdown.missing().count, records.len() as u64);
        let counted: u64 = breakdown.rows().iter().map(|r| r.estimate.count).sum();
        prop_assert_eq!(counted, breakdown.base().count);
    }

    /// Arbitrary positions, weights and options give values or typed errors, never a panic.
    #[test]
    fn nothing_panics(
        slots in prop::collection::vec(prop::option::of(0_usize..8), 0..4),
        weight in prop_oneof![Just(f64::NAN), Just(-1.0), Just(f64::INFINITY), Just(1e300), any::<f64>(), 0.0_f64..5.0],
        alpha in prop_oneof![Just(0.0), Just(1.0), Just(f64::NAN), 0.0_f64..1.0],
        min_base in 0_u64..1000,
        members in prop::collection::vec(0_usize..10, 0..4),
        chosen in prop::option::of(prop::collection::vec(0_usize..6, 0..5)),
    ) {
        let mut plain = Tally::new(dims()).unwrap();
        let mut weighted = Tally::new_weighted(dims()).unwrap();
        let _ = plain.add(&slots);
        let _ = plain.add_weighted(&slots, weight);
        let _ = weighted.add_weighted(&slots, weight);
        let _ = weighted.add(&slots);
        let _ = plain.merge(&weighted);
        let mut options = CrosstabOptions::default().alpha(Alpha::new(alpha).unwrap_or_default()).min_base(min_base);
        if let Ok(net) = Net::new("net", members.clone()) {
            options = options.net(net);
        }
        for t in [&plain, &weighted] {
            for (r, c) in [(0, 1), (1, 0), (0, 0), (0, 5)] {
                if let Ok(counts) = t.cross(r, c) {
                    if let Ok(table) = Crosstab::new(&counts, &options) {
                        let _ = table.to_text();
                        let _ = table.to_markdown();
                    }
                    let _ = Comparison::from_counts(&counts, members.first().copied().unwrap_or(0), &ComparisonOptions::default().alpha(Alpha::new(alpha).unwrap_or_default()));
                }
            }
            if let Ok(margin) = t.margin(slots.len()) {
                let _ = Breakdown::new(&margin, &BreakdownOptions::default()).map(|b| b.to_text());
            }
        }
        let mut multi = MultiSelectTally::new_weighted(dims()[0].clone(), dims()[1].clone()).unwrap();
        let _ = multi.add_weighted(chosen.as_deref(), slots.first().copied().flatten(), weight);
        let _ = multi.add(chosen.as_deref(), None);
        if let Ok(counts) = multi.cross() {
            let _ = Crosstab::new(&counts, &options);
        }
        let _ = Categories::new("x", members.iter().map(|m| m.to_string()));
        let _ = Net::from_labels("n", &dims()[0], &["1", "9"]);
    }
}
