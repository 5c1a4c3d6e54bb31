//! Each cell of a crosstab against a reference, as the significance arrows of tracking reports:
//! the total (which contains the column: the test accounts for the overlap), the rest of the
//! sample, or the same cell in a previous wave (an independent sample).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::alternative::Alternative;
use crate::stats::numerics::normal;
use crate::stats::proportion::Proportion;
use crate::stats::z_test::two_proportion_z_test;
use crate::survey::crosstab::Crosstab;

/// What each cell is compared with.
///
/// # Examples
///
/// ```
/// use survey_analytics::Versus;
/// assert!(matches!(Versus::Total, Versus::Total));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Versus<'a> {
    /// The total's share: every column's respondents together. The column is part of the total,
    /// so the difference `p_c - p_T = (n_r / N)(p_c - p_r)` is tested as the column against the
    /// rest (`n_r`, `p_r`: the other columns' base and share; `N` the total base).
    Total,
    /// The share of the other columns' respondents together.
    Rest,
    /// The same answer and column (matched by label) in a previous wave: an independent sample.
    Previous(&'a Crosstab),
}

/// Whether a cell is significantly above or below its reference.
///
/// # Examples
///
/// ```
/// use survey_analytics::Direction;
/// assert_eq!(Direction::Higher.arrow(), "▲");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Significantly higher.
    Higher,
    /// Significantly lower.
    Lower,
}

impl Direction {
    /// `▲` or `▼`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(survey_analytics::Direction::Lower.arrow(), "▼");
    /// ```
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Higher => "▲",
            Direction::Lower => "▼",
        }
    }
}

/// One cell against its reference.
///
/// # Examples
///
/// ```
/// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, Versus};
/// let counts = CrossCounts::from_table(Categories::new("knows", ["yes", "no"])?,
///     Categories::new("role", ["leader", "ic"])?, &[[53, 72], [77, 328]])?;
/// let table = Crosstab::new(&counts, &CrosstabOptions::default())?;
/// let leaders_yes = table.versus(Versus::Total)?[0][0];
/// assert!(leaders_yes.difference.unwrap() > 0.0 && leaders_yes.p_value.unwrap() < 0.001);
/// # Ok::<(), survey_analytics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CellVersus {
    /// The cell's share minus the reference's (`None` where either base is empty).
    pub difference: Option<f64>,
    /// The two-sided p-value of the test (unadjusted, as tracking arrows are).
    pub p_value: Option<f64>,
    /// The arrow: significant at the table's alpha.
    pub direction: Option<Direction>,
}

impl CellVersus {
    const NONE: Self = Self {
        difference: None,
        p_value: None,
        direction: None,
    };

    fn new(difference: f64, p_value: f64, alpha: f64) -> Self {
        let direction = (p_value < alpha && difference != 0.0).then_some(if difference > 0.0 {
            Direction::Higher
        } else {
            Direction::Lower
        });
        Self {
            difference: Some(difference),
            p_value: Some(p_value),
            direction,
        }
    }
}

impl Crosstab {
    /// Every cell against a reference (rows by columns, in the table's order), with arrows at the
    /// table's alpha, unadjusted. Tables of counts use the pooled two-proportion z-test the
    /// letters use (on effective bases when weighted). Design-based tables compare with the
    /// total or the rest by the contrast of the columns' shares with its design covariance and a
    /// t-test on the design's degrees of freedom (the shares weighted by the columns' weighted
    /// bases), and with a previous wave by `z = (p1 - p2) / sqrt(se1^2 + se2^2)` on their
    /// design-based standard errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_analytics::{Categories, CrossCounts, Crosstab, CrosstabOptions, Direction, Versus};
    /// let q = Categories::new("knows", ["yes", "no"])?;
    /// let role = Categories::new("role", ["leader", "ic"])?;
    /// let now = Crosstab::new(&CrossCounts::from_table(q.clone(), role.clone(), &[[53, 72], [77, 328]])?, &CrosstabOptions::default())?;
    /// let before = Crosstab::new(&CrossCounts::from_table(q, role, &[[30, 70], [100, 330]])?, &CrosstabOptions::default())?;
    /// let arrows = now.versus(Versus::Previous(&before))?;
    /// assert_eq!(arrows[0][0].direction, Some(Direction::Higher)); // leaders: 41% against 23%
    /// # Ok::<(), survey_analytics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCategory`] when a previous wave lacks one of this table's answers or
    /// columns.
    pub fn versus(&self, reference: Versus<'_>) -> Result<Vec<Vec<CellVersus>>> {
        let alpha = self.settings.tests.alpha.value();
        match reference {
            Versus::Previous(previous) => self.versus_previous(previous, alpha),
            Versus::Total | Versus::Rest => {
                let total = matches!(reference, Versus::Total);
                match self.design {
                    Some(design) => {
                        self.versus_others_by_design(total, design.degrees_of_freedom, alpha)
                    }
                    None => self.versus_others(total, alpha),
                }
            }
        }
    }

    fn versus_others(&self, total: bool, alpha: f64) -> Result<Vec<Vec<CellVersus>>> {
        // Each column's weight and sum of squared weights (from its weighted and effective
        // bases), for the rest's effective base.
        let squares = |b: &crate::survey::estimate::Base| {
            if b.effective > 0.0 {
                b.weighted * b.weighted / b.effective
            } else {
                0.0
            }
        };
        let all_weight: f64 = self.columns.iter().map(|c| c.base.weighted).sum();
        let all_squares: f64 = self.columns.iter().map(|c| squares(&c.base)).sum();
        Ok(self
            .rows
            .iter()
            .map(|row| {
                let row_weight: f64 = row.cells.iter().map(|c| c.estimate.weighted_count).sum();
                self.columns
                    .iter()
                    .zip(&row.cells)
                    .map(|(column, cell)| {
                        let (w_c, s_c) = (column.base.weighted, squares(&column.base));
                        let (w_r, s_r) = (all_weight - w_c, all_squares - s_c);
                        if !(w_c > 0.0 && w_r > 0.0 && s_c > 0.0 && s_r > 0.0) {
                            return CellVersus::NONE;
                        }
                        let x_c = cell.estimate.weighted_count;
                        let (p_c, p_r) = (x_c / w_c, ((row_weight - x_c) / w_r).clamp(0.0, 1.0));
                        let (n_c, n_r) = (w_c * w_c / s_c, w_r * w_r / s_r);
                        let (Ok(a), Ok(b)) = (
                            Proportion::from_estimate(p_c.clamp(0.0, 1.0), n_c),
                            Proportion::from_estimate(p_r, n_r),
                        ) else {
                            return CellVersus::NONE;
                        };
                        let test = two_proportion_z_test(a, b, Alternative::TwoSided);
                        let difference = if total {
                            w_r / (w_c + w_r) * test.difference
                        } else {
                            test.difference
                        };
                        CellVersus::new(difference, test.p_value, alpha)
                    })
                    .collect()
            })
            .collect())
    }

    /// Design-based: the column's share against the weighted average of all columns' shares (the
    /// total) or of the others' (the rest), `a' p` with `a = e_c - w`, its variance `a' V a` from
    /// the row's covariance of the columns' shares, and a t-test on the design's degrees of
    /// freedom (R's `svycontrast` on `svyby(covmat = TRUE)`).
    fn versus_others_by_design(
        &self,
        total: bool,
        df: f64,
        alpha: f64,
    ) -> Result<Vec<Vec<CellVersus>>> {
        let g = self.columns.len();
        let weights: Vec<f64> = self.columns.iter().map(|c| c.base.weighted).collect();
        let all: f64 = weights.iter().sum();
        let t = crate::stats::means::StudentT::new(df).ok();
        Ok(self
            .rows
            .iter()
            .zip(&self.covariances)
            .map(|(row, covariance)| {
                (0..g)
                    .map(|c| {
                        let reference = if total { all } else { all - weights[c] };
                        let shares: Option<Vec<f64>> =
                            row.cells.iter().map(|cell| cell.estimate.share).collect();
                        let (Some(shares), Some(t)) = (shares, t) else {
                            return CellVersus::NONE;
                        };
                        if reference <= 0.0 {
                            return CellVersus::NONE;
                        }
                        // The contrast's coefficients.
                        let a: Vec<f64> = (0..g)
                            .map(|d| {
                                let w = if !total && d == c {
                                    0.0
                                } else {
                                    weights[d] / reference
                                };
                                f64::from(u8::from(d == c)) - w
                            })
                            .collect();
                        let difference: f64 = a.iter().zip(&shares).map(|(x, p)| x * p).sum();
                        let mut variance = 0.0;
                        for i in 0..g {
                            for j in 0..g {
                                variance +=
                                    a[i] * a[j] * covariance.get(i * g + j).copied().unwrap_or(0.0);
                            }
                        }
                        let se = variance.max(0.0).sqrt();
                        let p = if se > 0.0 {
                            t.two_sided_p(difference / se)
                        } else if difference == 0.0 {
                            1.0
                        } else {
                            0.0
                        };
                        CellVersus::new(difference, p, alpha)
                    })
                    .collect()
            })
            .collect())
    }

    fn versus_previous(&self, previous: &Crosstab, alpha: f64) -> Result<Vec<Vec<CellVersus>>> {
        let unknown = |dimension: &str, label: &str| Error::UnknownCategory {
            dimension: dimension.to_string(),
            label: label.to_string(),
        };
        let mut out = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            let before = previous
                .rows
                .iter()
                .find(|r| r.label == row.label)
                .ok_or_else(|| unknown(&self.question, &row.label))?;
            let mut cells = Vec::with_capacity(self.columns.len());
            for (column, cell) in self.columns.iter().zip(&row.cells) {
                let c = previous
                    .columns
                    .iter()
                    .position(|p| p.label == column.label)
                    .ok_or_else(|| unknown(&self.group_by, &column.label))?;
                let (Some(now), Some(then)) = (
                    cell.estimate.share,
                    before.cells.get(c).and_then(|b| b.estimate.share),
                ) else {
                    cells.push(CellVersus::NONE);
                    continue;
                };
                let old_base = previous.columns.get(c).map_or(0.0, |b| b.base.effective);
                let compared = match (self.design.is_some(), cell.std_error, before.cells.get(c)) {
                    (true, Some(se), Some(b)) => b.std_error.map(|se_then| {
                        let se = (se * se + se_then * se_then).sqrt();
                        let p = if se > 0.0 {
                            normal::two_sided_p((now - then) / se)
                        } else if now == then {
                            1.0
                        } else {
                            0.0
                        };
                        (now - then, p)
                    }),
                    (true, ..) => None,
                    (false, ..) => {
                        match (
                            Proportion::from_estimate(now, column.base.effective),
                            Proportion::from_estimate(then, old_base),
                        ) {
                            (Ok(a), Ok(b)) => {
                                let test = two_proportion_z_test(a, b, Alternative::TwoSided);
                                Some((test.difference, test.p_value))
                            }
                            _ => None,
                        }
                    }
                };
                cells
                    .push(compared.map_or(CellVersus::NONE, |(d, p)| CellVersus::new(d, p, alpha)));
            }
            out.push(cells);
        }
        Ok(out)
    }
}
