//! Rendering: breakdowns, crosstabs, comparisons and single results (means, tests, design-based
//! estimates, paired comparisons, Net Promoter Scores) as aligned text or Markdown tables, and
//! crosstabs as JSON.
//!
//! Built on the `survey` layer's results; charts are left to the example programs.

pub(crate) mod estimates;
pub(crate) mod export;
pub(crate) mod render;
pub(crate) mod table;
