//! Rendering: breakdowns, crosstabs and comparisons as aligned text or Markdown tables.
//!
//! Built on the `survey` layer's results; charts are left to the example programs.

pub(crate) mod export;
pub(crate) mod render;
pub(crate) mod table;
