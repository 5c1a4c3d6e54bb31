//! The collaboration survey that motivated the crate, as a typed model with a reconstructed
//! dataset and its findings.
//!
//! The report (a cross-functional collaboration guide for marketing leaders) surveyed 830 marketers
//! and analysed online conversation. It publishes survey figures F1 to F18 (percentages of all
//! respondents or of a role or team; [`findings`] lists each with its statement) and social-listening
//! figures L1 to L4 (growth and sentiment of mentions; the numeric ones, L1 to L3b, in
//! [`GROWTH_FIGURES`] and [`POSITIVE_AI_SENTIMENT`]).
//! This module is an ordinary user of the crate's layers, the way an application would be:
//!
//! - the questions as types: [`Role`], [`Team`], [`Department`], the [`Familiarity`] scale,
//!   [`GoalLocation`], [`AiFrequency`] (daily is the top point of a scale whose top two points are
//!   "at least weekly"), [`AiUse`] (multi-select), and [`MarketerResponse`];
//! - [`collaboration_survey`]: 830 reconstructed respondents;
//! - [`findings`]: every survey figure beside its estimate and interval, and the report's
//!   comparisons tested ([`Findings`], [`ReportComparison`], [`ClaimVerdict`]);
//! - [`GROWTH_FIGURES`] and [`positive_sentiment_at`] for the social-listening figures, whose
//!   intervals depend on mention volumes the report does not give.
//!
//! # A reconstruction, not the study's data
//!
//! The report publishes percentages only: no raw data, no role or team split, no subgroup bases,
//! no mention counts, no weights. The dataset therefore makes choices, all of them here:
//!
//! - **Roles**: 130 marketing leaders, 300 managers, 400 individual contributors ([`ROLE_SIZES`]).
//! - **Teams**: PR 110, social media 150, customer marketing 140, product marketing 150, marketing
//!   operations 130, analytics 150 ([`TEAM_SIZES`]); roles and teams are crossed at random.
//! - **Subgroup figures**: F3b 216 of 400 individual contributors not fully familiar with annual
//!   goals (54.0%); F8 72 of 400 individual contributors (18.0%), 53 of 130 leaders (40.8%) and 126
//!   of 300 managers (42.0%) know how impact is measured; F11 13 of 140 customer marketers (9.3%) and
//!   16 of 150 product marketers (10.7%) are very familiar with the partner team's goals (the
//!   question is modelled as asked of those two teams only).
//! - **Scales**: familiarity has four points; "very familiar" is the top one and "not fully
//!   familiar" (F3's "limited understanding") the other three, whose split is invented. F3's
//!   leaders and managers are 40 of 130 and 134 of 300 not fully familiar, so that all marketers
//!   give 390 of 830 (47.0%).
//! - **AI**: frequency is never 120, less than monthly 140, monthly 188, weekly 257, daily 125, so
//!   that at least weekly is 382 (46.0%) and daily 125 (15.1%); uses are asked of the 710 users,
//!   with content creation 407, image generation 216, project planning 166 of 830 (49.0%, 26.0%,
//!   20.0%) and two unpublished options (data analysis 180, brainstorming 260).
//! - **F15**: "not closely connected to IT" is 515 of 830 (62.0%) not choosing IT among the
//!   departments they feel close to (sales 560, IT 315, R&D 280 chosen).
//! - **Everything else** is asked of all 830, with the published percentage as the nearest count.
//!   Answers to different questions are combined by fixed permutations, so the dataset carries no
//!   real associations between questions beyond those listed: do not read one into it.
//! - **F18** comes from a separate social-media report and is not part of this survey.
//!
//! Every figure F1 to F17, rounded to a whole percent, equals the published one for the subgroup
//! the report names; the tests check it.

pub(crate) mod dataset;
pub(crate) mod findings;
pub(crate) mod listening;
pub(crate) mod model;

pub use dataset::{ROLE_SIZES, SAMPLE_SIZE, TEAM_SIZES, collaboration_survey};
pub use findings::{ClaimVerdict, Finding, Findings, ReportComparison, Subgroup, findings};
pub use listening::{GROWTH_FIGURES, GrowthFigure, POSITIVE_AI_SENTIMENT, positive_sentiment_at};
pub use model::{
    AiFrequency, AiUse, Department, Familiarity, GoalLocation, MarketerResponse, Role, Team,
};
