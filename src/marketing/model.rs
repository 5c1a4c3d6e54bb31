//! The collaboration survey's questions as types.

use crate::category;
use crate::survey::multi_select::MultiSelect;

category! {
    /// The respondent's role in the marketing department.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Category;
    /// use survey_analytics::marketing::Role;
    ///
    /// assert_eq!(Role::ALL, [Role::Leader, Role::Manager, Role::IndividualContributor]);
    /// assert_eq!(Role::IndividualContributor.label(), "Individual contributor");
    /// assert_eq!("manager".parse::<Role>()?, Role::Manager);
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub enum Role("role") {
        /// Marketing leader (营销负责人).
        Leader = "Marketing leader" as "leader",
        /// Manager (经理).
        Manager = "Manager" as "manager",
        /// Individual contributor (单个团队成员).
        IndividualContributor = "Individual contributor" as "individual_contributor",
    }
}

category! {
    /// The respondent's team within marketing.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Category;
    /// use survey_analytics::marketing::{TEAM_SIZES, Team};
    ///
    /// assert_eq!(Team::NAME, "team");
    /// assert_eq!(Team::Pr.label(), "PR");
    /// // TEAM_SIZES lists the teams in this order.
    /// assert!(Team::ALL.iter().zip(TEAM_SIZES).all(|(&team, (sized, _))| team == sized));
    /// ```
    pub enum Team("team") {
        /// Public relations.
        Pr = "PR" as "pr",
        /// Social media.
        SocialMedia = "Social media" as "social_media",
        /// Customer marketing.
        CustomerMarketing = "Customer marketing" as "customer_marketing",
        /// Product marketing.
        ProductMarketing = "Product marketing" as "product_marketing",
        /// Marketing operations.
        MarketingOperations = "Marketing operations" as "marketing_operations",
        /// Analytics.
        Analytics = "Analytics" as "analytics",
    }
}

category! {
    /// A department outside marketing that the report names.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{Department, collaboration_survey};
    ///
    /// // F15 is multi-select: each respondent chooses any of the departments.
    /// let responses = collaboration_survey();
    /// let close_to_it = responses.iter().filter(|r| r.closely_connected.contains(Department::It));
    /// assert_eq!(responses.len() - close_to_it.count(), 515); // 62% not closely connected to IT
    /// ```
    pub enum Department("department") {
        /// Sales.
        Sales = "Sales" as "sales",
        /// IT.
        It = "IT" as "it",
        /// Research and development.
        RandD = "R&D" as "r_and_d",
    }
}

category! {
    /// How familiar the respondent is with something (goals, a process), lowest to highest.
    ///
    /// The report's "very familiar" is the top point; "not fully familiar" (or "a limited
    /// understanding") is every other point.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Net;
    /// use survey_analytics::marketing::Familiarity;
    ///
    /// assert!(Familiarity::Somewhat < Familiarity::Very); // lowest to highest
    /// assert_eq!(Net::top_box::<Familiarity>(1)?.members(), [3]); // "very familiar"
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    pub ordinal enum Familiarity("familiarity") {
        /// Not at all familiar.
        NotAtAll = "Not at all familiar" as "not_at_all",
        /// Slightly familiar.
        Slightly = "Slightly familiar" as "slightly",
        /// Somewhat familiar.
        Somewhat = "Somewhat familiar" as "somewhat",
        /// Very familiar.
        Very = "Very familiar" as "very",
    }
}

impl Familiarity {
    /// "Very familiar": the top point of the scale.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{Familiarity, collaboration_survey};
    ///
    /// assert!(Familiarity::Very.is_very() && !Familiarity::Somewhat.is_very());
    /// let very = collaboration_survey().iter().filter(|r| r.creative_process.is_very()).count();
    /// assert_eq!(very, 598); // 72% of 830 (F7a)
    /// ```
    pub fn is_very(self) -> bool {
        self == Familiarity::Very
    }
}

category! {
    /// Where the company's goals are documented (F5).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{GoalLocation, collaboration_survey};
    ///
    /// let responses = collaboration_survey();
    /// let scattered = responses.iter().filter(|r| r.goal_location == GoalLocation::Scattered);
    /// assert_eq!(scattered.count(), 191); // 23% of 830 (F5a)
    /// ```
    pub enum GoalLocation("goal_location") {
        /// In one place everyone can find.
        OnePlace = "In one place" as "one_place",
        /// Scattered across many places.
        Scattered = "Scattered across many places" as "scattered",
        /// The respondent does not know where the goals are.
        DontKnow = "Don't know where they are" as "dont_know",
    }
}

category! {
    /// How often the respondent uses generative AI (F16), lowest to highest: "daily" is a subset of
    /// "at least weekly", which is a net of the top two points.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{AiFrequency, collaboration_survey};
    ///
    /// let responses = collaboration_survey();
    /// let weekly = responses.iter().filter(|r| r.ai_frequency >= AiFrequency::Weekly);
    /// assert_eq!(weekly.count(), 382); // at least weekly: 46% of 830 (F16a)
    /// ```
    pub ordinal enum AiFrequency("ai_frequency") {
        /// Never.
        Never = "Never" as "never",
        /// Less than monthly.
        LessThanMonthly = "Less than monthly" as "less_than_monthly",
        /// Monthly, not weekly.
        Monthly = "Monthly" as "monthly",
        /// Weekly, not daily.
        Weekly = "Weekly" as "weekly",
        /// Daily.
        Daily = "Daily" as "daily",
    }
}

category! {
    /// What the respondent uses AI for (F17, select all that apply).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::marketing::{AiFrequency, AiUse, collaboration_survey};
    ///
    /// let responses = collaboration_survey();
    /// let content = responses.iter().filter(|r| r.ai_uses.contains(AiUse::Content));
    /// assert_eq!(content.count(), 407); // 49% of all 830 (F17a)
    /// // Asked of AI users only: those who never use AI choose nothing.
    /// assert!(responses.iter().all(|r| r.ai_frequency != AiFrequency::Never || r.ai_uses.is_empty()));
    /// ```
    pub enum AiUse("ai_use") {
        /// Content creation.
        Content = "Content creation" as "content",
        /// Image generation.
        Images = "Image generation" as "images",
        /// Project planning.
        Planning = "Project planning" as "planning",
        /// Data analysis.
        Analysis = "Data analysis" as "analysis",
        /// Brainstorming and ideation.
        Ideation = "Brainstorming" as "ideation",
    }
}

/// One marketer's answers to the collaboration survey.
///
/// Yes/no statements are `bool`s (a [`Category`](crate::Category) with "Yes" first); familiarity
/// questions share one [`Familiarity`] scale; multi-select questions are [`MultiSelect`] sets. The
/// question about the partner team's goals (F11) was asked only of customer and product marketers,
/// about each other; everyone else has `None` there.
///
/// # Examples
///
/// ```
/// use survey_analytics::marketing::{Team, collaboration_survey};
///
/// let responses = collaboration_survey();
/// assert_eq!((responses[0].id, responses[829].id), (1, 830));
/// // F11 was asked only of customer and product marketers.
/// let asked = |team| matches!(team, Team::CustomerMarketing | Team::ProductMarketing);
/// assert!(responses.iter().all(|r| r.partner_team_goals.is_some() == asked(r.team)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketerResponse {
    /// Respondent number, 1 to 830.
    pub id: u16,
    /// Role in the marketing department.
    pub role: Role,
    /// Team within marketing.
    pub team: Team,
    /// F1: wants strategy-setting in the department to be more transparent.
    pub wants_transparent_strategy: bool,
    /// F2: says the department lacks a clear decision-making process.
    pub lacks_decision_process: bool,
    /// F3: familiarity with the department's annual goals.
    pub annual_goals: Familiarity,
    /// F4: confident that marketing's goals align with the company's business goals.
    pub goals_aligned: bool,
    /// F5: where the company's goals are documented.
    pub goal_location: GoalLocation,
    /// F6: says the team's goals are buried in email and chat.
    pub goals_buried_in_messages: bool,
    /// F7a: familiarity with the creative process.
    pub creative_process: Familiarity,
    /// F7b: familiarity with how the marketing organisation evaluates work.
    pub work_evaluation: Familiarity,
    /// F8: knows how the department measures the impact of its programmes.
    pub knows_impact_measurement: bool,
    /// F9: says the department has not fully adopted a data-driven approach.
    pub not_fully_data_driven: bool,
    /// F10: feels marketing is disconnected from the rest of the business.
    pub disconnected_from_business: bool,
    /// F11: familiarity with the partner team's goals (customer marketers about product
    /// marketing's, product marketers about customer marketing's); `None` for other teams.
    pub partner_team_goals: Option<Familiarity>,
    /// F12: believes working with other departments improves the quality of their work.
    pub collaboration_improves_work: bool,
    /// F13: believes marketing does not get credit for the organisation's success when it
    /// collaborates.
    pub no_credit_for_marketing: bool,
    /// F14: says marketing and sales celebrate successes together as one team.
    pub celebrates_with_sales: bool,
    /// F15: the departments outside marketing the respondent feels closely connected to.
    pub closely_connected: MultiSelect<Department>,
    /// F16: how often the respondent uses generative AI.
    pub ai_frequency: AiFrequency,
    /// F17: what the respondent uses AI for (empty for those who never use it).
    pub ai_uses: MultiSelect<AiUse>,
}
