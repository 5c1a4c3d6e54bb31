//! The reconstructed dataset: 830 respondents built from a declarative table of answer counts.

use crate::marketing::model::{
    AiFrequency, AiUse, Department, Familiarity, GoalLocation, MarketerResponse, Role, Team,
};
use crate::survey::category::Category;
use crate::survey::multi_select::MultiSelect;

/// Number of respondents, as published.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{SAMPLE_SIZE, collaboration_survey};
///
/// assert_eq!(SAMPLE_SIZE, 830);
/// assert_eq!(collaboration_survey().len(), SAMPLE_SIZE);
/// ```
pub const SAMPLE_SIZE: usize = 830;

/// Respondents by role: a reconstruction (the report publishes no split).
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{ROLE_SIZES, Role, SAMPLE_SIZE, collaboration_survey};
///
/// assert_eq!(ROLE_SIZES.iter().map(|(_, n)| n).sum::<usize>(), SAMPLE_SIZE);
/// let leaders = collaboration_survey().iter().filter(|r| r.role == Role::Leader).count();
/// assert_eq!(ROLE_SIZES[0], (Role::Leader, leaders));
/// ```
pub const ROLE_SIZES: [(Role, usize); 3] = [
    (Role::Leader, 130),
    (Role::Manager, 300),
    (Role::IndividualContributor, 400),
];

/// Respondents by team: a reconstruction (the report publishes no split).
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{TEAM_SIZES, collaboration_survey};
///
/// let responses = collaboration_survey();
/// for (team, size) in TEAM_SIZES {
///     assert_eq!(responses.iter().filter(|r| r.team == team).count(), size);
/// }
/// ```
pub const TEAM_SIZES: [(Team, usize); 6] = [
    (Team::Pr, 110),
    (Team::SocialMedia, 150),
    (Team::CustomerMarketing, 140),
    (Team::ProductMarketing, 150),
    (Team::MarketingOperations, 130),
    (Team::Analytics, 150),
];

/// The respondents an allocation covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    All,
    Role(Role),
    Team(Team),
    /// Respondents who use generative AI at all.
    AiUsers,
}

impl Scope {
    fn contains(self, r: &MarketerResponse) -> bool {
        match self {
            Scope::All => true,
            Scope::Role(role) => r.role == role,
            Scope::Team(team) => r.team == team,
            Scope::AiUsers => r.ai_frequency != AiFrequency::Never,
        }
    }
}

/// How many respondents of a scope give each answer, in the answer type's order (`true` before
/// `false` for yes/no).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allocation {
    pub(crate) scope: Scope,
    pub(crate) counts: &'static [usize],
}

const fn all(counts: &'static [usize]) -> Allocation {
    Allocation {
        scope: Scope::All,
        counts,
    }
}

const fn by_role(role: Role, counts: &'static [usize]) -> Allocation {
    Allocation {
        scope: Scope::Role(role),
        counts,
    }
}

const fn by_team(team: Team, counts: &'static [usize]) -> Allocation {
    Allocation {
        scope: Scope::Team(team),
        counts,
    }
}

const fn users(counts: &'static [usize]) -> Allocation {
    Allocation {
        scope: Scope::AiUsers,
        counts,
    }
}

// The table. Yes/no counts are [yes, no]; familiarity counts are [not at all, slightly, somewhat,
// very]; each row sums to its scope's size (checked by the tests).
pub(crate) const F1_TRANSPARENCY: &[Allocation] = &[all(&[407, 423])];
pub(crate) const F2_DECISIONS: &[Allocation] = &[all(&[257, 573])];
pub(crate) const F3_ANNUAL_GOALS: &[Allocation] = &[
    by_role(Role::Leader, &[2, 8, 30, 90]),
    by_role(Role::Manager, &[10, 40, 84, 166]),
    by_role(Role::IndividualContributor, &[20, 70, 126, 184]),
];
pub(crate) const F4_ALIGNED: &[Allocation] = &[all(&[324, 506])];
pub(crate) const F5_LOCATION: &[Allocation] = &[all(&[531, 191, 108])];
pub(crate) const F6_BURIED: &[Allocation] = &[all(&[398, 432])];
pub(crate) const F7A_CREATIVE: &[Allocation] = &[all(&[12, 60, 160, 598])];
pub(crate) const F7B_EVALUATION: &[Allocation] = &[all(&[60, 191, 330, 249])];
pub(crate) const F8_IMPACT: &[Allocation] = &[
    by_role(Role::Leader, &[53, 77]),
    by_role(Role::Manager, &[126, 174]),
    by_role(Role::IndividualContributor, &[72, 328]),
];
pub(crate) const F9_DATA_DRIVEN: &[Allocation] = &[all(&[191, 639])];
pub(crate) const F10_DISCONNECTED: &[Allocation] = &[all(&[224, 606])];
pub(crate) const F11_PARTNER_GOALS: &[Allocation] = &[
    by_team(Team::CustomerMarketing, &[20, 45, 62, 13]),
    by_team(Team::ProductMarketing, &[18, 50, 66, 16]),
];
pub(crate) const F12_IMPROVES: &[Allocation] = &[all(&[656, 174])];
pub(crate) const F13_NO_CREDIT: &[Allocation] = &[all(&[224, 606])];
pub(crate) const F14_SALES: &[Allocation] = &[all(&[473, 357])];
/// F15, one row per department (multi-select): [chosen, not chosen].
pub(crate) const F15_CONNECTED: [(Department, &[Allocation]); 3] = [
    (Department::Sales, &[all(&[560, 270])]),
    (Department::It, &[all(&[315, 515])]),
    (Department::RandD, &[all(&[280, 550])]),
];
/// F16: [never, less than monthly, monthly, weekly, daily].
pub(crate) const F16_AI_FREQUENCY: &[Allocation] = &[all(&[120, 140, 188, 257, 125])];
/// F17, one row per use (multi-select, among the 710 who use AI): [chosen, not chosen].
pub(crate) const F17_AI_USES: [(AiUse, &[Allocation]); 5] = [
    (AiUse::Content, &[users(&[407, 303])]),
    (AiUse::Images, &[users(&[216, 494])]),
    (AiUse::Planning, &[users(&[166, 544])]),
    (AiUse::Analysis, &[users(&[180, 530])]),
    (AiUse::Ideation, &[users(&[260, 450])]),
];

/// Multipliers for the spreading permutation; one is picked per field so that fields are not
/// aligned with each other.
const PRIMES: [usize; 24] = [
    7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 89, 97, 101, 103,
    107,
];

/// Position of member `k` of `n` in a fixed permutation of `0..n` that depends on `salt`:
/// `(k * m + salt) mod n` with `m` a prime not dividing `n`, so the map is a bijection and every
/// answer gets exactly its count.
fn spread(k: usize, n: usize, salt: usize) -> usize {
    let start = salt % PRIMES.len();
    let m = (0..PRIMES.len())
        .map(|i| PRIMES[(start + i) % PRIMES.len()])
        .find(|p| !n.is_multiple_of(*p))
        .unwrap_or(1);
    (k * m + salt * 31) % n.max(1)
}

/// The answer position of each respondent of each scope: member `k` of a scope gets the answer
/// whose cumulative count first exceeds `spread(k)`. Respondents outside every scope get `None`.
fn allocate(
    responses: &[MarketerResponse],
    table: &[Allocation],
    salt: usize,
) -> Vec<Option<usize>> {
    let mut answers = vec![None; responses.len()];
    for (row, allocation) in table.iter().enumerate() {
        let members: Vec<usize> = responses
            .iter()
            .enumerate()
            .filter(|(_, r)| allocation.scope.contains(r))
            .map(|(i, _)| i)
            .collect();
        for (k, &member) in members.iter().enumerate() {
            let position = spread(k, members.len(), salt * 7 + row);
            let mut cumulative = 0;
            let level = allocation
                .counts
                .iter()
                .position(|&c| {
                    cumulative += c;
                    position < cumulative
                })
                .unwrap_or(allocation.counts.len().saturating_sub(1));
            if let Some(slot) = answers.get_mut(member) {
                *slot = Some(level);
            }
        }
    }
    answers
}

/// Applies a table to one field of every respondent it covers.
fn fill<C: Category>(
    responses: &mut [MarketerResponse],
    table: &[Allocation],
    salt: usize,
    mut set: impl FnMut(&mut MarketerResponse, C),
) {
    let answers = allocate(responses, table, salt);
    for (response, answer) in responses.iter_mut().zip(answers) {
        if let Some(value) = answer.and_then(C::from_index) {
            set(response, value);
        }
    }
}

/// Assigns `sizes` of a grouping to `0..n` through a permutation.
fn groups<C: Copy>(n: usize, sizes: &[(C, usize)], salt: usize) -> Vec<Option<C>> {
    (0..n)
        .map(|i| {
            let position = spread(i, n, salt);
            let mut cumulative = 0;
            sizes
                .iter()
                .find(|(_, size)| {
                    cumulative += size;
                    position < cumulative
                })
                .map(|(c, _)| *c)
        })
        .collect()
}

/// The collaboration survey, reconstructed: 830 respondents whose answers reproduce, rounded to
/// whole percents, every survey figure F1 to F17 of the report for the subgroup it names.
///
/// **This is a reconstruction, not the study's raw data.** The report publishes percentages only.
/// The role split ([`ROLE_SIZES`]: 130 leaders, 300 managers, 400 individual contributors), the team
/// split ([`TEAM_SIZES`]), the subgroup bases, the points of each familiarity scale below "very
/// familiar", the AI-use options beyond the three published, and all combinations of answers across
/// questions are choices made here; they are documented in the [module docs](crate::marketing).
///
/// The data are built deterministically from a declarative table of answer counts per question and
/// subgroup (no file is parsed): each question's answers are dealt to the respondents of its
/// subgroup through a fixed permutation, so every count is exact and questions are not aligned
/// with each other. The same call always returns the same respondents.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{collaboration_survey, Role};
///
/// let responses = collaboration_survey();
/// assert_eq!(responses.len(), 830);
/// let ics: Vec<_> = responses.iter().filter(|r| r.role == Role::IndividualContributor).collect();
/// let know = ics.iter().filter(|r| r.knows_impact_measurement).count();
/// assert_eq!((know, ics.len()), (72, 400)); // 18%, as published (F8a)
/// ```
pub fn collaboration_survey() -> Vec<MarketerResponse> {
    let roles = groups(SAMPLE_SIZE, &ROLE_SIZES, 1);
    let teams = groups(SAMPLE_SIZE, &TEAM_SIZES, 2);
    let mut responses: Vec<MarketerResponse> = roles
        .into_iter()
        .zip(teams)
        .enumerate()
        .map(|(i, (role, team))| MarketerResponse {
            id: u16::try_from(i + 1).unwrap_or(u16::MAX),
            role: role.unwrap_or(Role::IndividualContributor),
            team: team.unwrap_or(Team::Analytics),
            wants_transparent_strategy: false,
            lacks_decision_process: false,
            annual_goals: Familiarity::NotAtAll,
            goals_aligned: false,
            goal_location: GoalLocation::OnePlace,
            goals_buried_in_messages: false,
            creative_process: Familiarity::NotAtAll,
            work_evaluation: Familiarity::NotAtAll,
            knows_impact_measurement: false,
            not_fully_data_driven: false,
            disconnected_from_business: false,
            partner_team_goals: None,
            collaboration_improves_work: false,
            no_credit_for_marketing: false,
            celebrates_with_sales: false,
            closely_connected: MultiSelect::new(),
            ai_frequency: AiFrequency::Never,
            ai_uses: MultiSelect::new(),
        })
        .collect();
    let r = &mut responses;
    fill(r, F1_TRANSPARENCY, 3, |x, v| {
        x.wants_transparent_strategy = v
    });
    fill(r, F2_DECISIONS, 4, |x, v| x.lacks_decision_process = v);
    fill(r, F3_ANNUAL_GOALS, 5, |x, v| x.annual_goals = v);
    fill(r, F4_ALIGNED, 6, |x, v| x.goals_aligned = v);
    fill(r, F5_LOCATION, 7, |x, v| x.goal_location = v);
    fill(r, F6_BURIED, 8, |x, v| x.goals_buried_in_messages = v);
    fill(r, F7A_CREATIVE, 9, |x, v| x.creative_process = v);
    fill(r, F7B_EVALUATION, 10, |x, v| x.work_evaluation = v);
    fill(r, F8_IMPACT, 11, |x, v| x.knows_impact_measurement = v);
    fill(r, F9_DATA_DRIVEN, 12, |x, v| x.not_fully_data_driven = v);
    fill(r, F10_DISCONNECTED, 13, |x, v| {
        x.disconnected_from_business = v
    });
    fill(r, F11_PARTNER_GOALS, 14, |x, v: Familiarity| {
        x.partner_team_goals = Some(v)
    });
    fill(r, F12_IMPROVES, 15, |x, v| {
        x.collaboration_improves_work = v
    });
    fill(r, F13_NO_CREDIT, 16, |x, v| x.no_credit_for_marketing = v);
    fill(r, F14_SALES, 17, |x, v| x.celebrates_with_sales = v);
    for (salt, (department, table)) in (18..).zip(F15_CONNECTED) {
        fill(r, table, salt, |x, chosen: bool| {
            if chosen {
                x.closely_connected.insert(department);
            }
        });
    }
    fill(r, F16_AI_FREQUENCY, 21, |x, v| x.ai_frequency = v);
    for (salt, (use_, table)) in (22..).zip(F17_AI_USES) {
        fill(r, table, salt, |x, chosen: bool| {
            if chosen {
                x.ai_uses.insert(use_);
            }
        });
    }
    responses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_size(scope: Scope, responses: &[MarketerResponse]) -> usize {
        responses.iter().filter(|r| scope.contains(r)).count()
    }

    #[test]
    fn every_allocation_row_sums_to_its_scope() {
        let responses = collaboration_survey();
        let mut tables: Vec<&[Allocation]> = vec![
            F1_TRANSPARENCY,
            F2_DECISIONS,
            F3_ANNUAL_GOALS,
            F4_ALIGNED,
            F5_LOCATION,
            F6_BURIED,
            F7A_CREATIVE,
            F7B_EVALUATION,
            F8_IMPACT,
            F9_DATA_DRIVEN,
            F10_DISCONNECTED,
            F11_PARTNER_GOALS,
            F12_IMPROVES,
            F13_NO_CREDIT,
            F14_SALES,
            F16_AI_FREQUENCY,
        ];
        tables.extend(F15_CONNECTED.iter().map(|(_, t)| *t));
        tables.extend(F17_AI_USES.iter().map(|(_, t)| *t));
        for table in tables {
            for allocation in table {
                let total: usize = allocation.counts.iter().sum();
                assert_eq!(
                    total,
                    scope_size(allocation.scope, &responses),
                    "{allocation:?}"
                );
            }
        }
    }

    #[test]
    fn groups_have_the_reconstructions_documented_sizes() {
        // The report publishes no split of the 830; ROLE_SIZES and TEAM_SIZES are the
        // reconstruction's choice, and the generator must honour them.
        let responses = collaboration_survey();
        for (role, size) in ROLE_SIZES {
            assert_eq!(responses.iter().filter(|r| r.role == role).count(), size);
        }
        for (team, size) in TEAM_SIZES {
            assert_eq!(responses.iter().filter(|r| r.team == team).count(), size);
        }
    }
}
