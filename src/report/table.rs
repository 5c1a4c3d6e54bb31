//! A plain table with two renderings: aligned text and Markdown.

use std::fmt;

/// Horizontal alignment of a column.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Align, Table};
///
/// let mut table = Table::new(["Team", "n"]).align(1, Align::Right);
/// table.push_row(["PR", "9"]);
/// table.push_row(["Analytics", "120"]);
/// assert_eq!(table.to_text(), "Team         n\n---------  ---\nPR           9\nAnalytics  120\n");
/// assert!(table.to_markdown().contains("|:---|---:|"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left (labels).
    Left,
    /// Flush right (numbers).
    Right,
}

/// A rectangular table of text cells with a title, a header, and notes underneath.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Align, Table};
///
/// let mut table = Table::new(["Answer", "Share"]).align(1, Align::Right).title("Q1");
/// table.push_row(["Yes", "49.0%"]);
/// table.push_row(["No", "51.0%"]);
/// assert_eq!(table.to_text(), "Q1\nAnswer  Share\n------  -----\nYes     49.0%\nNo      51.0%\n");
/// assert!(table.to_markdown().contains("| Yes | 49.0% |"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    title: Option<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    align: Vec<Align>,
    notes: Vec<String>,
}

impl Table {
    /// A table with these column headings; every column starts left-aligned.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Table;
    ///
    /// let table = Table::new(["Answer", "Share"]);
    /// assert!(table.rows().is_empty());
    /// assert_eq!(table.to_text(), "Answer  Share\n------  -----\n");
    /// ```
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let align = vec![Align::Left; header.len()];
        Self {
            header,
            align,
            ..Self::default()
        }
    }

    /// Sets a title line printed above the table.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Table;
    ///
    /// let table = Table::new(["Answer"]).title("Q1: Knows how impact is measured");
    /// assert!(table.to_text().starts_with("Q1: Knows how impact is measured\nAnswer\n"));
    /// assert!(table.to_markdown().starts_with("**Q1: Knows how impact is measured**\n\n"));
    /// ```
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the alignment of column `column` (ignored past the last column).
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Align, Table};
    ///
    /// let mut table = Table::new(["Answer", "Share"]).align(1, Align::Right);
    /// table.push_row(["Yes", "9.0%"]);
    /// assert_eq!(table.to_text(), "Answer  Share\n------  -----\nYes      9.0%\n");
    /// // A column past the last is ignored.
    /// assert_eq!(Table::new(["Answer"]).align(3, Align::Right), Table::new(["Answer"]));
    /// ```
    pub fn align(mut self, column: usize, align: Align) -> Self {
        if let Some(slot) = self.align.get_mut(column) {
            *slot = align;
        }
        self
    }

    /// Appends a row; it is padded with empty cells or cut to the header's width.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Table;
    ///
    /// let mut table = Table::new(["Answer", "Share"]);
    /// table.push_row(["Yes"]); // padded
    /// table.push_row(["No", "51.0%", "extra"]); // cut
    /// assert_eq!(table.rows(), [vec!["Yes", ""], vec!["No", "51.0%"]]);
    /// ```
    pub fn push_row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    /// Appends a note printed below the table.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Table;
    ///
    /// let mut table = Table::new(["Answer"]);
    /// table.push_row(["Yes"]);
    /// table.note("Base: 830");
    /// assert!(table.to_text().ends_with("Yes\nBase: 830\n"));
    /// assert!(table.to_markdown().ends_with("| Yes |\n\nBase: 830\n\n"));
    /// ```
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The rows, as given.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::Table;
    ///
    /// let mut table = Table::new(["Answer", "Share"]);
    /// table.push_row(["Yes", "49.0%"]);
    /// table.note("not a row");
    /// assert_eq!(table.rows(), [vec!["Yes", "49.0%"]]);
    /// ```
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    fn widths(&self) -> Vec<usize> {
        (0..self.header.len())
            .map(|c| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .filter_map(|row| row.get(c))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Aligned plain text: columns padded with spaces and separated by two, the header underlined.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Align, Table};
    ///
    /// let mut table = Table::new(["Answer", "Share"]).align(1, Align::Right);
    /// table.push_row(["Individual contributor", "18.0%"]);
    /// table.push_row(["Leader", "40.8%"]);
    /// let expected = "\
    /// Answer                  Share
    /// ----------------------  -----
    /// Individual contributor  18.0%
    /// Leader                  40.8%
    /// ";
    /// assert_eq!(table.to_text(), expected);
    /// assert_eq!(table.to_string(), expected); // `Display` prints the same
    /// ```
    pub fn to_text(&self) -> String {
        let widths = self.widths();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&self.align)
                .map(|((cell, &width), align)| match align {
                    Align::Left => format!("{cell:<width$}"),
                    Align::Right => format!("{cell:>width$}"),
                })
                .collect();
            padded.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(title);
            out.push('\n');
        }
        out.push_str(&line(&self.header));
        let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        out.push_str(&line(&rules));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        for note in &self.notes {
            out.push_str(note);
            out.push('\n');
        }
        out
    }

    /// GitHub-flavoured Markdown, with `|` in cells escaped.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Align, Table};
    ///
    /// let mut table = Table::new(["Answer", "Share"]).align(1, Align::Right).title("Q1");
    /// table.push_row(["Yes | mostly", "49.0%"]);
    /// let expected = "**Q1**\n\n| Answer | Share |\n|:---|---:|\n| Yes \\| mostly | 49.0% |\n";
    /// assert_eq!(table.to_markdown(), expected);
    /// ```
    pub fn to_markdown(&self) -> String {
        let escape = |cell: &String| cell.replace('|', "\\|");
        let line = |cells: &[String]| {
            format!(
                "| {} |\n",
                cells.iter().map(escape).collect::<Vec<_>>().join(" | ")
            )
        };
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(&format!("**{}**\n\n", title.replace('*', "\\*")));
        }
        out.push_str(&line(&self.header));
        let rules: Vec<String> = self
            .align
            .iter()
            .map(|a| match a {
                Align::Left => ":---".to_string(),
                Align::Right => "---:".to_string(),
            })
            .collect();
        out.push_str(&format!("|{}|\n", rules.join("|")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                out.push_str(&format!("{note}\n\n"));
            }
        }
        out
    }
}

impl fmt::Display for Table {
    /// The aligned text rendering.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}
