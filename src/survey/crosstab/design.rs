//! Crosstabs under a sample design: design-based shares, standard errors, design effects and
//! intervals per cell, letters from design-based tests of each difference, and the Rao-Scott test.

use crate::error::{Error, Result};
use crate::parallel;
use crate::stats::numerics::student_f::t_two_sided_p;
use crate::survey::budget;
use crate::survey::categories::Categories;
use crate::survey::codes::{CodeColumn, Mapped};
use crate::survey::counts::QuestionKind;
use crate::survey::crosstab::letters::{PairTest, assign_letters, column_letter};
use crate::survey::crosstab::options::CrosstabOptions;
use crate::survey::crosstab::{Crosstab, CrosstabCell, CrosstabColumn, CrosstabRow, DesignSummary};
use crate::survey::design::SampleDesign;
use crate::survey::design::estimate::DomainEstimates;
use crate::survey::design::interval::DesignInterval;
use crate::survey::estimate::{Base, Estimate};

/// Counts and weight sums of design-based bases, in floating point: a design's weights may be any
/// finite size (the fixed-point [`Sums`](crate::Sums) of tallies stop at 2^64), and squares are
/// taken of the weights scaled by the design's largest, so that tiny weights keep their Kish base.
#[derive(Debug, Clone, Copy, Default)]
struct WeightSums {
    count: u64,
    weight: f64,
    scaled_squares: f64,
}

impl WeightSums {
    fn add(&mut self, w: f64, largest: f64) {
        self.count += 1;
        self.weight += w;
        let scaled = if largest > 0.0 { w / largest } else { 0.0 };
        self.scaled_squares += scaled * scaled;
    }

    fn merged(self, other: Self) -> Self {
        Self {
            count: self.count + other.count,
            weight: self.weight + other.weight,
            scaled_squares: self.scaled_squares + other.scaled_squares,
        }
    }

    fn base(self, largest: f64) -> Base {
        let scaled = if largest > 0.0 {
            self.weight / largest
        } else {
            0.0
        };
        Base {
            count: self.count,
            weighted: self.weight,
            effective: if self.scaled_squares > 0.0 {
                scaled * scaled / self.scaled_squares
            } else {
                0.0
            },
        }
    }
}

/// A row to estimate: its label, whether it is a net, and for each respondent whether the row's
/// answer was given (`None` when the question was not answered).
struct RowSpec<'a> {
    label: String,
    is_net: bool,
    outcome: Box<dyn Fn(usize) -> Option<bool> + Sync + 'a>,
    /// The categories of a single-choice answer that the row counts (its own, or a net's).
    members: Option<Vec<usize>>,
}

/// A single-choice answer: each respondent's category (`None`: no answer), and how many there are.
type SingleChoice<'a> = (&'a (dyn Fn(usize) -> Option<usize> + Sync), usize);

impl Crosstab {
    /// A crosstab of a single-choice question by a group under a sample design.
    ///
    /// `answers[k]` and `groups[k]` are respondent `k`'s answer and group positions (`None` when
    /// missing). Each cell's share is the design-based domain proportion (R's `svyby(~I(answer ==
    /// r), ~group, design, svymean)`), with its standard error, the design effect named by the
    /// options' [`DesignSettings`](crate::DesignSettings) (with-replacement by default, R's
    /// `deff = "replace"`), and the interval of its design interval method (R's `svyciprop` on the
    /// group's domain; logit by default). Letters compare every pair of tested
    /// columns with a t-test of the design-based difference (`svycontrast` on `svyby(covmat =
    /// TRUE)`), on the design's degrees of freedom, adjusted within each row as usual. The omnibus
    /// test is the Rao-Scott F test of the answers by the tested columns (R's `svychisq`).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, DesignInterval, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0, 2.0, 1.0, 2.0, 1.5, 1.0, 2.0, 1.0])?
    ///     .with_clusters(&[1, 1, 2, 2, 3, 3, 4, 4])?;
    /// let answers = Categories::new("knows", ["yes", "no"])?;
    /// let groups = Categories::new("role", ["leader", "ic"])?;
    /// let knows = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(0), None, Some(1)];
    /// let role = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1), Some(1), Some(0)];
    /// let options = CrosstabOptions::default().min_base(2).design_interval(DesignInterval::Beta);
    /// let table = Crosstab::from_design(&design, &answers, &groups, &knows, &role, &options)?;
    /// let cell = &table.rows()[0].cells[0];
    /// assert!(cell.std_error.is_some() && cell.deff.is_some());
    /// assert_eq!(table.interval_method(), "beta");
    /// assert_eq!(table.columns()[1].missing.count, 1);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless answers and groups have one entry per respondent;
    /// [`Error::CategoryOutOfRange`] for a position past its categories; net errors as for
    /// [`Crosstab::new`]; [`Error::LonelyPsu`] per the design's option; as
    /// [`SampleDesign::domain_means`] for the number of groups; [`Error::TooLarge`] when the
    /// table would take more than about a second (2^24 units of work: a row costs an eighth of a
    /// unit per respondent, three per pair of groups, and one per interval, 256 for `Beta`).
    pub fn from_design(
        design: &SampleDesign,
        answers: &Categories,
        groups: &Categories,
        answer_codes: &[Option<usize>],
        group_codes: &[Option<usize>],
        options: &CrosstabOptions,
    ) -> Result<Crosstab> {
        Self::from_design_of(design, answers, groups, answer_codes, group_codes, options)
    }

    /// [`Crosstab::from_design`] of codes read from any code columns.
    pub(crate) fn from_design_of<A: CodeColumn + ?Sized, G: CodeColumn + ?Sized>(
        design: &SampleDesign,
        answers: &Categories,
        groups: &Categories,
        answer_codes: &A,
        group_codes: &G,
        options: &CrosstabOptions,
    ) -> Result<Crosstab> {
        design.check_len("answers", answer_codes.len())?;
        if let Some(index) = (0..answer_codes.len())
            .filter_map(|k| answer_codes.code(k))
            .find(|&a| a >= answers.len())
        {
            return Err(Error::CategoryOutOfRange {
                dimension: answers.name().to_string(),
                index,
                len: answers.len(),
            });
        }
        check_work(
            design,
            answers.len().saturating_add(options.nets.len()),
            groups.len(),
            options,
        )?;
        let answer = |k: usize| answer_codes.code(k);
        let mut rows: Vec<RowSpec> = (0..answers.len())
            .map(|r| RowSpec {
                label: answers.label(r).unwrap_or_default().to_string(),
                is_net: false,
                outcome: Box::new(move |k| answer(k).map(|a| a == r)),
                members: Some(vec![r]),
            })
            .collect();
        for net in &options.nets {
            net.check(QuestionKind::SingleChoice, answers)?;
            let members = net.members().to_vec();
            rows.push(RowSpec {
                label: net.label().to_string(),
                is_net: true,
                members: Some(members.clone()),
                outcome: Box::new(move |k| answer(k).map(|a| members.contains(&a))),
            });
        }
        let answered = |k: usize| answer(k).is_some();
        // Rao-Scott on the answers by the tested columns (those with the minimum base of
        // answering respondents), on a thread of its own while the cells are estimated.
        let min_base = options.settings.min_base.max(1);
        let rao_scott_of = |tested: &[bool]| {
            let tested_group = |k: usize| {
                group_codes
                    .code(k)
                    .filter(|&g| tested.get(g).copied().unwrap_or(false))
            };
            let (row_codes, column_codes) = (
                Mapped {
                    len: design.len(),
                    code: answer,
                },
                Mapped {
                    len: design.len(),
                    code: tested_group,
                },
            );
            design
                .rao_scott_of(&row_codes, &column_codes, answers.len(), groups.len())
                .ok()
        };
        let test = || {
            let mut answering = vec![0_u64; groups.len()];
            for k in 0..design.len() {
                if let (Some(g), Some(_)) = (group_codes.code(k), answer(k))
                    && let Some(n) = answering.get_mut(g)
                {
                    *n += 1;
                }
            }
            let tested: Vec<bool> = answering.iter().map(|&n| n >= min_base).collect();
            let test = rao_scott_of(&tested);
            (tested, test)
        };
        let (table, (tested, rao_scott)) = std::thread::scope(|scope| {
            let handle = std::thread::Builder::new().spawn_scoped(scope, test).ok();
            let table = build(
                design,
                answers.name(),
                groups,
                group_codes,
                &rows,
                &answered,
                Some((&answer, answers.len())),
                options,
                QuestionKind::SingleChoice,
            );
            let test = match handle {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
                None => test(),
            };
            (table, test)
        });
        let mut table = table?;
        // The columns tested are those the table marks (the same count, taken twice).
        let marked: Vec<bool> = table.columns().iter().map(|c| c.tested).collect();
        let rao_scott = if marked == tested {
            rao_scott
        } else {
            rao_scott_of(&marked)
        };
        if let Some(summary) = table.design.as_mut() {
            summary.rao_scott = rao_scott;
        }
        Ok(table)
    }

    /// A crosstab of a multi-select question by a group under a sample design: `chosen[k]` lists
    /// the options respondent `k` chose (`None` when the question was skipped); each option is a
    /// row whose share is of the group's respondents who answered. No omnibus test (the rows
    /// overlap).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, Crosstab, CrosstabOptions, SampleDesign};
    ///
    /// let design = SampleDesign::new(vec![1.0; 6])?.with_clusters(&[1, 1, 2, 2, 3, 3])?;
    /// let uses = Categories::new("ai_use", ["content", "images"])?;
    /// let groups = Categories::new("all", ["everyone"])?;
    /// let chosen = [Some(vec![0]), Some(vec![0, 1]), Some(vec![]), None, Some(vec![1]), Some(vec![0])];
    /// let options = CrosstabOptions::default().min_base(1);
    /// let table = Crosstab::from_design_multi(&design, &uses, &groups, &chosen, &[Some(0); 6], &options)?;
    /// assert_eq!(table.rows()[0].cells[0].estimate.share, Some(0.6));
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Crosstab::from_design`].
    pub fn from_design_multi(
        design: &SampleDesign,
        options_categories: &Categories,
        groups: &Categories,
        chosen: &[Option<Vec<usize>>],
        group_codes: &[Option<usize>],
        options: &CrosstabOptions,
    ) -> Result<Crosstab> {
        Self::from_design_multi_of(
            design,
            options_categories,
            groups,
            chosen,
            group_codes,
            options,
        )
    }

    /// [`Crosstab::from_design_multi`] of groups read from any code column.
    pub(crate) fn from_design_multi_of<G: CodeColumn + ?Sized>(
        design: &SampleDesign,
        options_categories: &Categories,
        groups: &Categories,
        chosen: &[Option<Vec<usize>>],
        group_codes: &G,
        options: &CrosstabOptions,
    ) -> Result<Crosstab> {
        design.check_len("chosen options", chosen.len())?;
        let len = options_categories.len();
        if let Some(&index) = chosen.iter().flatten().flatten().find(|&&o| o >= len) {
            return Err(Error::CategoryOutOfRange {
                dimension: options_categories.name().to_string(),
                index,
                len,
            });
        }
        let rows: Vec<RowSpec> = (0..len)
            .map(|r| RowSpec {
                label: options_categories.label(r).unwrap_or_default().to_string(),
                is_net: false,
                outcome: Box::new(move |k| {
                    chosen
                        .get(k)
                        .and_then(Option::as_ref)
                        .map(|set| set.contains(&r))
                }),
                members: None,
            })
            .collect();
        let answered = |k: usize| chosen.get(k).is_some_and(Option::is_some);
        build(
            design,
            options_categories.name(),
            groups,
            group_codes,
            &rows,
            &answered,
            None,
            options,
            QuestionKind::MultiSelect,
        )
    }
}

/// Refuses a design-based crosstab of `rows` rows by `groups` columns that would take more than
/// about a second, before anything is allocated for it.
fn check_work(
    design: &SampleDesign,
    rows: usize,
    groups: usize,
    options: &CrosstabOptions,
) -> Result<()> {
    let interval_cost = match options.settings.design.interval {
        DesignInterval::Beta => 256,
        DesignInterval::Likelihood => 64,
        _ => 1,
    };
    let per_row = u64::try_from(design.len() / 8)
        .unwrap_or(u64::MAX)
        .saturating_add(budget::pairs(groups).saturating_mul(2 + budget::PAIR_TEST))
        .saturating_add(
            u64::try_from(groups)
                .unwrap_or(u64::MAX)
                .saturating_mul(interval_cost),
        );
    budget::check(
        "a design-based crosstab's work (rows x (respondents / 8 + groups^2 x 3 + groups x \
         interval cost))",
        u64::try_from(rows)
            .unwrap_or(u64::MAX)
            .saturating_mul(per_row),
        "tabulate fewer rows at a time, or merge categories",
    )
}

/// The shared body of the design-based crosstabs.
#[allow(clippy::too_many_arguments)]
fn build<G: CodeColumn + ?Sized>(
    design: &SampleDesign,
    question: &str,
    groups: &Categories,
    group_codes: &G,
    rows: &[RowSpec],
    answered: &dyn Fn(usize) -> bool,
    single: Option<SingleChoice>,
    options: &CrosstabOptions,
    kind: QuestionKind,
) -> Result<Crosstab> {
    let settings = options.settings;
    design.check_len("groups", group_codes.len())?;
    let g = groups.len();
    check_work(design, rows.len(), g, options)?;
    if let Some(index) = (0..group_codes.len())
        .filter_map(|k| group_codes.code(k))
        .find(|&c| c >= g)
    {
        return Err(Error::CategoryOutOfRange {
            dimension: groups.name().to_string(),
            index,
            len: g,
        });
    }
    let weights = design.weights();
    // Bases, missing and ungrouped, from the weights.
    let largest = weights.iter().copied().fold(0.0_f64, f64::max);
    // Each row's domain estimates, and its answer's unweighted and weighted counts per column:
    // those of a single-choice answer in one pass over the respondents when the design allows
    // (on a thread of its own, while the bases are summed here), else a row at a time, rows in
    // parallel.
    let members: Option<Vec<Vec<usize>>> = rows.iter().map(|r| r.members.clone()).collect();
    let sum_bases = || {
        let mut bases = vec![WeightSums::default(); g];
        let mut missing = vec![WeightSums::default(); g];
        let mut ungrouped = WeightSums::default();
        // A single-choice answer's sums per category and column, gathered in the same pass.
        let mut by_cell =
            vec![WeightSums::default(); single.map_or(0, |(_, categories)| categories * g)];
        for (k, &w) in weights.iter().enumerate() {
            let group = group_codes.code(k);
            if let (Some((answer, _)), Some(c)) = (single, group)
                && let Some(a) = answer(k)
                && let Some(sums) = by_cell.get_mut(a * g + c)
            {
                sums.add(w, largest);
            }
            // Every code was checked above, so `get_mut` finds its column.
            let target = match group {
                Some(c) if answered(k) => bases.get_mut(c),
                Some(c) => missing.get_mut(c),
                None => Some(&mut ungrouped),
            };
            if let Some(target) = target {
                target.add(w, largest);
            }
        }
        (bases, missing, ungrouped, by_cell)
    };
    let estimate_shares = || -> Result<_> {
        let shares = match (single, &members) {
            (Some((answer, categories)), Some(members)) => design
                .domain_shares(answer, categories, members, group_codes, g)?
                .map(|domains| (domains, members)),
            _ => None,
        };
        Ok((shares, design.degrees_of_freedom()))
    };
    let ((bases, missing, ungrouped, by_cell), shares) = parallel::join(sum_bases, estimate_shares);
    let (shares, df) = shares?;
    let columns: Vec<CrosstabColumn> = (0..g)
        .map(|c| {
            let base = bases.get(c).copied().unwrap_or_default();
            CrosstabColumn {
                label: groups.label(c).unwrap_or_default().to_string(),
                letter: column_letter(c),
                base: base.base(largest),
                missing: missing.get(c).copied().unwrap_or_default().base(largest),
                tested: base.count >= settings.min_base.max(1),
            }
        })
        .collect();
    let level = settings.intervals.level;
    let (interval, deff_kind) = (settings.design.interval, settings.design.design_effect);
    let estimated: Vec<Result<(DomainEstimates, Vec<WeightSums>)>> = match shares {
        Some((domains, members)) => domains
            .into_iter()
            .zip(members)
            .map(|(domains, members)| {
                let counts = (0..g)
                    .map(|c| {
                        members
                            .iter()
                            .filter_map(|&a| by_cell.get(a * g + c))
                            .fold(WeightSums::default(), |sum, cell| sum.merged(*cell))
                    })
                    .collect();
                Ok((domains, counts))
            })
            .collect(),
        None => parallel::map(rows, |row| {
            let value = |k: usize| (row.outcome)(k).map_or(f64::NAN, |b| f64::from(u8::from(b)));
            let domains = design.domain_means_of(value, group_codes, g)?;
            let mut counts = vec![WeightSums::default(); g];
            for (k, &w) in weights.iter().enumerate() {
                if let (Some(c), Some(true)) = (group_codes.code(k), (row.outcome)(k))
                    && let Some(sums) = counts.get_mut(c)
                {
                    sums.add(w, largest);
                }
            }
            Ok((domains, counts))
        }),
    };
    let mut table_rows = Vec::with_capacity(rows.len());
    let mut covariances = Vec::with_capacity(rows.len());
    for (row, estimated) in rows.iter().zip(estimated) {
        let (domains, counts): (_, Vec<WeightSums>) = estimated?;
        covariances.push(
            (0..g * g)
                .map(|i| domains.covariance(i / g, i % g).unwrap_or(0.0))
                .collect(),
        );
        // Design-based t-tests of every pair of tested columns.
        let mut tests = Vec::new();
        for a in 0..g {
            for b in a + 1..g {
                let tested = |c: usize| columns.get(c).is_some_and(|col| col.tested);
                if !(tested(a) && tested(b)) {
                    continue;
                }
                let Ok(contrast) = domains.contrast(a, b) else {
                    continue;
                };
                let p_value = if contrast.std_error > 0.0 {
                    t_two_sided_p(contrast.estimate / contrast.std_error, df)
                } else if contrast.estimate == 0.0 {
                    1.0
                } else {
                    0.0
                };
                tests.push(PairTest {
                    a,
                    b,
                    difference: contrast.estimate,
                    p_value,
                    adjusted_p_value: p_value,
                });
            }
        }
        let beats = assign_letters(&mut tests, g, settings.tests)?;
        let cells = (0..g)
            .map(|c| {
                let sums = counts.get(c).copied().unwrap_or_default();
                let estimate = domains.estimates().get(c).copied().flatten();
                let letters: Vec<usize> = beats.get(c).cloned().unwrap_or_default();
                CrosstabCell {
                    estimate: Estimate {
                        count: sums.count,
                        weighted_count: sums.weight,
                        share: estimate.map(|e| e.estimate),
                        interval: estimate
                            .and_then(|e| e.proportion_interval(interval, level).ok()),
                    },
                    letters: letters.into_iter().map(column_letter).collect(),
                    std_error: estimate.map(|e| e.std_error),
                    deff: estimate.and_then(|e| e.deff.of(deff_kind)),
                }
            })
            .collect();
        table_rows.push(CrosstabRow {
            label: row.label.clone(),
            is_net: row.is_net,
            cells,
            tests,
        });
    }
    Ok(Crosstab {
        question: question.to_string(),
        group_by: groups.name().to_string(),
        kind,
        weighted: true,
        settings,
        columns,
        rows: table_rows,
        omnibus: None,
        ungrouped: ungrouped.base(largest),
        design: Some(DesignSummary::of(design, df)),
        means: Vec::new(),
        nps: Vec::new(),
        paired: Vec::new(),
        covariances,
    })
}
