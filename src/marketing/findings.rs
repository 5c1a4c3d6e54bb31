//! The report's figures as data: each published percentage beside its estimate and interval, and
//! each comparison the report makes, tested.

use std::cmp::Ordering;

use serde::Serialize;

use crate::error::Result;
use crate::marketing::model::{
    AiFrequency, AiUse, Department, Familiarity, GoalLocation, MarketerResponse, Role, Team,
};
use crate::stats::interval::Interval;
use crate::stats::level::ConfidenceLevel;
use crate::stats::proportion::{Proportion, ProportionMethod};
use crate::survey::comparison::{Comparison, ComparisonOptions, Verdict};

/// The respondents a figure is about.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{Role, Subgroup, collaboration_survey};
///
/// let leaders = Subgroup::Role(Role::Leader);
/// assert_eq!(leaders.label(), "marketing leaders");
/// assert_eq!(collaboration_survey().iter().filter(|r| leaders.contains(r)).count(), 130);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subgroup {
    /// Every respondent.
    All,
    /// One role.
    Role(Role),
    /// One team.
    Team(Team),
}

impl Subgroup {
    /// Whether a respondent belongs to the subgroup.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{Subgroup, Team, collaboration_survey};
    ///
    /// let responses = collaboration_survey();
    /// assert!(responses.iter().all(|r| Subgroup::All.contains(r)));
    /// let pr = responses.iter().filter(|r| Subgroup::Team(Team::Pr).contains(r));
    /// assert_eq!(pr.count(), 110);
    /// ```
    pub fn contains(self, response: &MarketerResponse) -> bool {
        match self {
            Subgroup::All => true,
            Subgroup::Role(role) => response.role == role,
            Subgroup::Team(team) => response.team == team,
        }
    }

    /// How the report names the subgroup.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{Subgroup, Team};
    ///
    /// assert_eq!(Subgroup::All.label(), "all marketers");
    /// assert_eq!(Subgroup::Team(Team::CustomerMarketing).label(), "customer marketers");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Subgroup::All => "all marketers",
            Subgroup::Role(Role::Leader) => "marketing leaders",
            Subgroup::Role(Role::Manager) => "managers",
            Subgroup::Role(Role::IndividualContributor) => "individual contributors",
            Subgroup::Team(Team::Pr) => "PR",
            Subgroup::Team(Team::SocialMedia) => "social media",
            Subgroup::Team(Team::CustomerMarketing) => "customer marketers",
            Subgroup::Team(Team::ProductMarketing) => "product marketers",
            Subgroup::Team(Team::MarketingOperations) => "marketing operations",
            Subgroup::Team(Team::Analytics) => "analytics",
        }
    }
}

/// A published figure: which respondents, what percentage, and the yes/no outcome behind it
/// (`None` when the question was not asked of a respondent).
#[derive(Clone, Copy)]
pub(crate) struct FigureSpec {
    pub(crate) id: &'static str,
    pub(crate) statement: &'static str,
    pub(crate) subgroup: Subgroup,
    pub(crate) published_percent: u32,
    pub(crate) outcome: fn(&MarketerResponse) -> Option<bool>,
}

const fn figure(
    id: &'static str,
    statement: &'static str,
    subgroup: Subgroup,
    published_percent: u32,
    outcome: fn(&MarketerResponse) -> Option<bool>,
) -> FigureSpec {
    FigureSpec {
        id,
        statement,
        subgroup,
        published_percent,
        outcome,
    }
}

/// Every survey figure of the report taken from the survey itself (F1 to F17), with its statement,
/// the subgroup it is about and the percentage printed.
pub(crate) const FIGURES: [FigureSpec; 26] = [
    figure(
        "F1",
        "want strategy-setting in their department to be more transparent",
        Subgroup::All,
        49,
        |r| Some(r.wants_transparent_strategy),
    ),
    figure(
        "F2",
        "say their department lacks a clear decision-making process",
        Subgroup::All,
        31,
        |r| Some(r.lacks_decision_process),
    ),
    figure(
        "F3a",
        "admit a limited understanding of the department's annual goals",
        Subgroup::All,
        47,
        |r| Some(!r.annual_goals.is_very()),
    ),
    figure(
        "F3b",
        "are not fully familiar with the department's annual goals",
        Subgroup::Role(Role::IndividualContributor),
        54,
        |r| Some(!r.annual_goals.is_very()),
    ),
    figure(
        "F4",
        "are confident marketing's goals align with the company's",
        Subgroup::All,
        39,
        |r| Some(r.goals_aligned),
    ),
    figure(
        "F5a",
        "say the company's goals are scattered across many places",
        Subgroup::All,
        23,
        |r| Some(r.goal_location == GoalLocation::Scattered),
    ),
    figure(
        "F5b",
        "do not know where the goals are at all",
        Subgroup::All,
        13,
        |r| Some(r.goal_location == GoalLocation::DontKnow),
    ),
    figure(
        "F6",
        "say their team's goals are buried in email and chat",
        Subgroup::All,
        48,
        |r| Some(r.goals_buried_in_messages),
    ),
    figure(
        "F7a",
        "are very familiar with the creative process",
        Subgroup::All,
        72,
        |r| Some(r.creative_process.is_very()),
    ),
    figure(
        "F7b",
        "are very familiar with how their organisation evaluates work",
        Subgroup::All,
        30,
        |r| Some(r.work_evaluation.is_very()),
    ),
    figure(
        "F8a",
        "know how the department measures the impact of its programmes",
        Subgroup::Role(Role::IndividualContributor),
        18,
        |r| Some(r.knows_impact_measurement),
    ),
    figure(
        "F8b",
        "know how the department measures the impact of its programmes",
        Subgroup::Role(Role::Leader),
        41,
        |r| Some(r.knows_impact_measurement),
    ),
    figure(
        "F8c",
        "know how the department measures the impact of its programmes",
        Subgroup::Role(Role::Manager),
        42,
        |r| Some(r.knows_impact_measurement),
    ),
    figure(
        "F9",
        "say their department has not fully adopted a data-driven approach",
        Subgroup::All,
        23,
        |r| Some(r.not_fully_data_driven),
    ),
    figure(
        "F10",
        "feel marketing is disconnected from the rest of the business",
        Subgroup::All,
        27,
        |r| Some(r.disconnected_from_business),
    ),
    figure(
        "F11a",
        "are very familiar with product marketing's goals",
        Subgroup::Team(Team::CustomerMarketing),
        9,
        |r| r.partner_team_goals.map(Familiarity::is_very),
    ),
    figure(
        "F11b",
        "are very familiar with customer marketing's goals",
        Subgroup::Team(Team::ProductMarketing),
        11,
        |r| r.partner_team_goals.map(Familiarity::is_very),
    ),
    figure(
        "F12",
        "believe working with other departments improves their work",
        Subgroup::All,
        79,
        |r| Some(r.collaboration_improves_work),
    ),
    figure(
        "F13",
        "believe marketing gets no credit for shared success",
        Subgroup::All,
        27,
        |r| Some(r.no_credit_for_marketing),
    ),
    figure(
        "F14",
        "say marketing and sales celebrate successes as one team",
        Subgroup::All,
        57,
        |r| Some(r.celebrates_with_sales),
    ),
    figure(
        "F15",
        "do not feel closely connected to IT",
        Subgroup::All,
        62,
        |r| Some(!r.closely_connected.contains(Department::It)),
    ),
    figure(
        "F16a",
        "use generative AI at least weekly",
        Subgroup::All,
        46,
        |r| Some(r.ai_frequency >= AiFrequency::Weekly),
    ),
    figure("F16b", "use generative AI daily", Subgroup::All, 15, |r| {
        Some(r.ai_frequency == AiFrequency::Daily)
    }),
    figure(
        "F17a",
        "use AI for content creation",
        Subgroup::All,
        49,
        |r| Some(r.ai_uses.contains(AiUse::Content)),
    ),
    figure(
        "F17b",
        "use AI for image generation",
        Subgroup::All,
        26,
        |r| Some(r.ai_uses.contains(AiUse::Images)),
    ),
    figure(
        "F17c",
        "use AI for project planning",
        Subgroup::All,
        20,
        |r| Some(r.ai_uses.contains(AiUse::Planning)),
    ),
];

/// One published figure checked against the data.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{Subgroup, collaboration_survey, findings};
///
/// let findings = findings(&collaboration_survey())?;
/// let f1 = &findings.figures[0];
/// assert_eq!((f1.id, f1.subgroup, f1.published), ("F1", Subgroup::All, 0.49));
/// assert_eq!((f1.count, f1.base), (407, 830));
/// assert!(f1.interval.contains(f1.estimate) && f1.interval.contains(f1.published));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The report's figure id (F1 to F17, with letters for parts).
    pub id: &'static str,
    /// What the figure says the respondents do or think.
    pub statement: &'static str,
    /// Who the figure is about.
    pub subgroup: Subgroup,
    /// The percentage as published, as a proportion (0.49 for 49%).
    pub published: f64,
    /// Respondents with the outcome.
    pub count: u64,
    /// Respondents in the subgroup who were asked.
    pub base: u64,
    /// `count / base`.
    pub estimate: f64,
    /// 95% Wilson interval of the estimate.
    pub interval: Interval,
    /// The conventional margin of error at 95%, `1.96 sqrt(p (1 - p) / n)`.
    pub margin_of_error: f64,
}

/// Counts of an outcome among the respondents of a subgroup who were asked.
fn count(
    responses: &[MarketerResponse],
    subgroup: Subgroup,
    outcome: fn(&MarketerResponse) -> Option<bool>,
) -> (u64, u64) {
    responses
        .iter()
        .filter(|r| subgroup.contains(r))
        .filter_map(outcome)
        .fold((0, 0), |(yes, base), answer| {
            (yes + u64::from(answer), base + 1)
        })
}

/// What the data say about a claim the report makes, for one pair of groups.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{ClaimVerdict, collaboration_survey, findings};
///
/// let f8 = &findings(&collaboration_survey())?.comparisons[0];
/// // ICs against leaders and against managers (both claimed), leaders against managers (not).
/// let expected = [ClaimVerdict::Holds, ClaimVerdict::Holds, ClaimVerdict::NoneClaimedNoneFound];
/// assert_eq!(f8.verdicts, expected);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimVerdict {
    /// The claimed difference is significant, in the claimed direction.
    Holds,
    /// The claimed difference is not significant: this sample cannot confirm it.
    NotSupported,
    /// The data show a significant difference in the other direction.
    Contradicted,
    /// No difference is claimed and none is significant.
    NoneClaimedNoneFound,
    /// A significant difference the report does not mention.
    Unclaimed,
}

impl ClaimVerdict {
    /// The verdict in plain words.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::ClaimVerdict;
    /// assert_eq!(ClaimVerdict::NotSupported.text(), "not supported at this sample size");
    /// ```
    pub fn text(self) -> &'static str {
        match self {
            ClaimVerdict::Holds => "holds",
            ClaimVerdict::NotSupported => "not supported at this sample size",
            ClaimVerdict::Contradicted => "contradicted by the data",
            ClaimVerdict::NoneClaimedNoneFound => "no difference claimed or found",
            ClaimVerdict::Unclaimed => "a difference the report does not mention",
        }
    }

    fn judge(claim: Option<Ordering>, verdict: Verdict) -> Self {
        match (claim, verdict) {
            (None, Verdict::NotSignificant) => ClaimVerdict::NoneClaimedNoneFound,
            (None, _) => ClaimVerdict::Unclaimed,
            (Some(_), Verdict::NotSignificant) => ClaimVerdict::NotSupported,
            (Some(Ordering::Less), Verdict::SecondHigher)
            | (Some(Ordering::Greater), Verdict::FirstHigher) => ClaimVerdict::Holds,
            (Some(_), _) => ClaimVerdict::Contradicted,
        }
    }
}

/// A comparison the report makes without testing it, tested.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{ClaimVerdict, collaboration_survey, findings};
///
/// let f11 = &findings(&collaboration_survey())?.comparisons[1];
/// assert_eq!(f11.id, "F11");
/// assert_eq!(f11.verdicts.len(), f11.comparison.pairs().len()); // one verdict per pair
/// assert!(f11.comparison.pairs()[0].interval.contains(0.0)); // 9.3% against 10.7%
/// assert_eq!(f11.verdicts[0], ClaimVerdict::NotSupported);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportComparison {
    /// The figures compared ("F8", "F11", "F3").
    pub id: &'static str,
    /// What the report claims, in words.
    pub claim: &'static str,
    /// Groups, pairwise differences, intervals, raw and Holm-adjusted p-values, Cohen's h.
    pub comparison: Comparison,
    /// For each pair of the comparison, in order, whether the report's claim holds.
    pub verdicts: Vec<ClaimVerdict>,
}

/// The report's figures and comparisons, checked against a dataset.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{collaboration_survey, findings};
///
/// let findings = findings(&collaboration_survey())?;
/// let ids: Vec<&str> = findings.comparisons.iter().map(|c| c.id).collect();
/// assert_eq!(ids, ["F8", "F11", "F3"]);
/// assert_eq!(findings.figures.first().map(|f| f.id), Some("F1"));
/// assert_eq!(findings.figures.last().map(|f| f.id), Some("F17c"));
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Findings {
    /// Every survey figure F1 to F17, in the report's order.
    pub figures: Vec<Finding>,
    /// The comparisons the report makes without testing them: F8 (by role), F11 (customer vs
    /// product marketing), F3 (individual contributors vs the other roles).
    pub comparisons: Vec<ReportComparison>,
}

/// Checks the report's figures against `responses` (normally
/// [`collaboration_survey`](crate::marketing::collaboration_survey)): for each figure the published
/// value, the count and base, the estimate, its 95% Wilson interval and margin of error; for each
/// comparison the report makes, a [`Comparison`] with Holm-adjusted p-values and a verdict on the
/// report's claim.
///
/// F3a (47% of all marketers) and F3b (54% of individual contributors) overlap, since individual
/// contributors are among "all"; the F3 comparison therefore tests individual contributors against
/// the leaders and managers, which is what the report's "worse for individual contributors" means.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{collaboration_survey, findings, ClaimVerdict};
///
/// let findings = findings(&collaboration_survey())?;
/// assert_eq!(findings.figures.len(), 26);
/// assert!(findings.figures.iter().all(|f| (f.estimate * 100.0).round() == (f.published * 100.0).round()));
/// let f8 = &findings.comparisons[0];
/// assert_eq!(f8.verdicts[0], ClaimVerdict::Holds); // ICs below leaders
/// let f11 = &findings.comparisons[1];
/// assert_eq!(f11.verdicts[0], ClaimVerdict::NotSupported); // 9% vs 11%
/// # Ok::<(), survey_analytics::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyBase`](crate::Error::EmptyBase) when a subgroup has no respondents in `responses`
/// (never for the embedded dataset).
pub fn findings(responses: &[MarketerResponse]) -> Result<Findings> {
    let level = ConfidenceLevel::NINETY_FIVE;
    let figures = FIGURES
        .iter()
        .map(|spec| {
            let (yes, base) = count(responses, spec.subgroup, spec.outcome);
            let proportion = Proportion::new(yes, base)?;
            Ok(Finding {
                id: spec.id,
                statement: spec.statement,
                subgroup: spec.subgroup,
                published: f64::from(spec.published_percent) / 100.0,
                count: yes,
                base,
                estimate: proportion.estimate(),
                interval: proportion.interval(ProportionMethod::Wilson, level),
                margin_of_error: proportion.margin_of_error(level),
            })
        })
        .collect::<Result<Vec<Finding>>>()?;
    let knows = |r: &MarketerResponse| Some(r.knows_impact_measurement);
    let partner = |r: &MarketerResponse| r.partner_team_goals.map(Familiarity::is_very);
    let not_fully = |r: &MarketerResponse| Some(!r.annual_goals.is_very());
    let group = |label: &str,
                 subgroup: fn(&MarketerResponse) -> bool,
                 outcome: fn(&MarketerResponse) -> Option<bool>| {
        let (yes, base) = responses
            .iter()
            .filter(|r| subgroup(r))
            .filter_map(outcome)
            .fold((0, 0), |(y, b), a| (y + u64::from(a), b + 1));
        Proportion::new(yes, base).map(|p| (label.to_string(), p))
    };
    let options = ComparisonOptions::default();
    let f8 = [
        group(
            "individual contributors",
            |r| r.role == Role::IndividualContributor,
            knows,
        )?,
        group("marketing leaders", |r| r.role == Role::Leader, knows)?,
        group("managers", |r| r.role == Role::Manager, knows)?,
    ];
    let f11 = [
        group(
            "customer marketers",
            |r| r.team == Team::CustomerMarketing,
            partner,
        )?,
        group(
            "product marketers",
            |r| r.team == Team::ProductMarketing,
            partner,
        )?,
    ];
    let f3 = [
        group(
            "individual contributors",
            |r| r.role == Role::IndividualContributor,
            not_fully,
        )?,
        group(
            "leaders and managers",
            |r| r.role != Role::IndividualContributor,
            not_fully,
        )?,
    ];
    let tested =
        |id, claim, outcome: &str, groups: &[(String, Proportion)], claims: &[Option<Ordering>]| {
            let comparison = Comparison::new(outcome, groups, &options)?;
            let verdicts = comparison
                .pairs()
                .iter()
                .zip(claims)
                .map(|(pair, claim)| ClaimVerdict::judge(*claim, pair.verdict))
                .collect();
            Ok(ReportComparison {
                id,
                claim,
                comparison,
                verdicts,
            })
        };
    let comparisons = vec![
        tested(
            "F8",
            "individual contributors (18%) know far less often than leaders (41%) and managers (42%) how impact is measured",
            "know how the department measures impact",
            &f8,
            &[Some(Ordering::Less), Some(Ordering::Less), None],
        )?,
        tested(
            "F11",
            "product marketers (11%) know customer marketing's goals more often than customer marketers (9%) know product marketing's",
            "very familiar with the partner team's goals",
            &f11,
            &[Some(Ordering::Less)],
        )?,
        tested(
            "F3",
            "individual contributors are less familiar with annual goals (54% not fully familiar, against 47% of all)",
            "not fully familiar with the department's annual goals",
            &f3,
            &[Some(Ordering::Greater)],
        )?,
    ];
    Ok(Findings {
        figures,
        comparisons,
    })
}
