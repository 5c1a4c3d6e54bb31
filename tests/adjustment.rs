//! p-value adjustment against `fixtures/p_adjust.tsv` (statsmodels `multipletests`, cross-checked
//! with the R `p.adjust` definitions by `fixtures/generate_comparisons.py`). Closed forms: 1e-15
//! relative.

mod common;

use common::{Checker, close, load};
use survey_analytics::{PValueAdjustment, adjust_p_values};

#[test]
fn adjusted_p_values_match_statsmodels() {
    let mut checker = Checker::default();
    for row in load("p_adjust.tsv") {
        let method: PValueAdjustment = row.str("method").parse().unwrap();
        let got = adjust_p_values(&row.f64s("p_values"), method).unwrap();
        let want = row.f64s("adjusted");
        let ok =
            got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| close(*g, *w, 1e-15));
        checker.check(ok, || {
            format!("line {}: {method}: got {got:?}, want {want:?}", row.line)
        });
    }
    checker.finish("p-value adjustment");
}
