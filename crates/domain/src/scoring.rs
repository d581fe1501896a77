//! Aggregating experts' scores (API.md, Aggregation): an expert's total is the sum of their
//! category scores; the application's total is the mean of the experts' totals after dropping one
//! highest and one lowest total when 5 or more experts scored; category figures are means over
//! the same experts; rounding half away from zero to 2 decimals happens at the end only.

use crate::error::{FieldError, Problem};
use crate::points::{div_round_half_away, hundredths_of};
use crate::rubric::{RubricDef, CATEGORY_KEYS};
use std::collections::BTreeMap;

/// One expert's scores per category, in hundredths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreSheet {
    pub scores: BTreeMap<String, i64>,
}

impl ScoreSheet {
    pub fn total(&self) -> i64 {
        self.scores.values().sum()
    }
}

/// Checks a submitted sheet against the rubric: every category present, none unknown, each
/// within `[0, max]` with at most 2 decimals (422 otherwise, every problem at once).
pub fn parse_sheet(
    raw: &serde_json::Map<String, serde_json::Value>,
    rubric: &RubricDef,
) -> Result<ScoreSheet, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut scores = BTreeMap::new();
    for key in raw.keys() {
        if !CATEGORY_KEYS.contains(&key.as_str()) {
            errors.push(FieldError::new(
                format!("scores.{key}"),
                Problem::UnknownField,
            ));
        }
    }
    for key in CATEGORY_KEYS {
        let path = format!("scores.{key}");
        let max = rubric.cap(key).to_hundredths();
        match raw.get(key) {
            None | Some(serde_json::Value::Null) => {
                errors.push(FieldError::new(path, Problem::Required))
            }
            Some(v) => match v.as_f64().map(|x| (x, hundredths_of(x))) {
                Some((_, Some(h))) if (0..=max).contains(&h) => {
                    scores.insert(key.to_string(), h);
                }
                // In range but finer than API.md allows: say so, not "out of range".
                Some((x, None)) if x >= 0.0 && x * 100.0 <= max as f64 => {
                    errors.push(FieldError::new(path, Problem::TooManyDecimals { max: 2 }))
                }
                Some(_) => errors.push(FieldError::new(
                    path,
                    Problem::OutOfRange {
                        min: 0,
                        max: max / 100,
                    },
                )),
                _ => errors.push(FieldError::new(
                    path,
                    Problem::WrongType { expected: "number" },
                )),
            },
        }
    }
    if errors.is_empty() {
        Ok(ScoreSheet { scores })
    } else {
        Err(errors)
    }
}

/// The aggregate of a panel's sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Rounded to hundredths.
    pub total: i64,
    pub categories: BTreeMap<String, i64>,
    /// How many sheets were counted (after trimming).
    pub counted: usize,
}

/// Trim from 5 experts up: with fewer, dropping two would leave too small a panel.
pub const TRIM_FROM: usize = 5;

/// Aggregates the sheets; None when there are none.
pub fn aggregate(sheets: &[ScoreSheet]) -> Option<Aggregate> {
    if sheets.is_empty() {
        return None;
    }
    let mut order: Vec<usize> = (0..sheets.len()).collect();
    // Stable order by total, so which of two equal totals is dropped does not change the result.
    order.sort_by_key(|&i| sheets[i].total());
    let kept: Vec<&ScoreSheet> = if sheets.len() >= TRIM_FROM {
        order[1..order.len() - 1]
            .iter()
            .map(|&i| &sheets[i])
            .collect()
    } else {
        order.iter().map(|&i| &sheets[i]).collect()
    };
    let n = kept.len() as i128;
    let sum: i128 = kept.iter().map(|s| i128::from(s.total())).sum();
    let mut categories = BTreeMap::new();
    for key in CATEGORY_KEYS {
        let c: i128 = kept
            .iter()
            .map(|s| i128::from(s.scores.get(key).copied().unwrap_or(0)))
            .sum();
        categories.insert(key.to_string(), div_round_half_away(c, n) as i64);
    }
    Some(Aggregate {
        total: div_round_half_away(sum, n) as i64,
        categories,
        counted: kept.len(),
    })
}

/// Descriptive statistics of the experts' totals, for reviewers (hundredths).
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    pub mean: i64,
    pub median: i64,
    pub std_dev: i64,
    pub range: i64,
    /// The experts disagree widely: range above a fifth of the maximum total.
    pub disagreement: bool,
}

pub fn spread(totals: &[i64], max_total: i64) -> Option<Spread> {
    if totals.is_empty() {
        return None;
    }
    let mut t = totals.to_vec();
    t.sort_unstable();
    let n = t.len() as i128;
    let sum: i128 = t.iter().map(|x| i128::from(*x)).sum();
    let median = if t.len() % 2 == 1 {
        t[t.len() / 2]
    } else {
        div_round_half_away(
            i128::from(t[t.len() / 2 - 1]) + i128::from(t[t.len() / 2]),
            2,
        ) as i64
    };
    let mean_f = sum as f64 / n as f64;
    let var = t.iter().map(|x| (*x as f64 - mean_f).powi(2)).sum::<f64>() / n as f64;
    let range = t[t.len() - 1] - t[0];
    Some(Spread {
        mean: div_round_half_away(sum, n) as i64,
        median,
        std_dev: var.sqrt().round() as i64,
        range,
        disagreement: range * 5 > max_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sheet(total: i64) -> ScoreSheet {
        // Spread a total over categories; only totals matter for trimming.
        let mut scores = BTreeMap::new();
        for (i, key) in CATEGORY_KEYS.iter().enumerate() {
            scores.insert(key.to_string(), if i == 0 { total } else { 0 });
        }
        ScoreSheet { scores }
    }

    #[test]
    fn trimming_starts_at_five_experts() {
        let four = [1000, 2000, 3000, 9000].map(sheet);
        assert_eq!(aggregate(&four).unwrap().total, 3750);
        let five = [1000, 2000, 3000, 4000, 9000].map(sheet);
        let a = aggregate(&five).unwrap();
        assert_eq!((a.total, a.counted), (3000, 3));
    }

    #[test]
    fn rounding_happens_once_at_the_end() {
        // (10.005 + 10.00 + 10.00) / 3 would round differently if rounded per step.
        let three = [1001, 1000, 1000].map(sheet);
        assert_eq!(aggregate(&three).unwrap().total, 1000);
        let halves = [1001, 1000].map(sheet); // 10.005 → 10.01 half away from zero
        assert_eq!(aggregate(&halves).unwrap().total, 1001);
    }

    #[test]
    fn sheets_are_checked_against_the_rubric() {
        let r = RubricDef::default_rubric();
        let raw = serde_json::json!({"titles": 15, "awards": 30.5, "articles": 1.234, "ip_rights": "x",
            "honors": -1, "compensation": 10, "bogus": 1});
        let errors = parse_sheet(raw.as_object().unwrap(), &r).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "scores.bogus",
                "scores.awards",
                "scores.articles",
                "scores.ip_rights",
                "scores.honors",
                "scores.projects"
            ]
        );
        let problem = |path: &str| errors.iter().find(|e| e.path == path).map(|e| &e.problem);
        assert_eq!(
            problem("scores.articles"),
            Some(&Problem::TooManyDecimals { max: 2 })
        );
        assert!(matches!(
            problem("scores.awards"),
            Some(Problem::OutOfRange { .. })
        ));
        assert!(matches!(
            problem("scores.honors"),
            Some(Problem::OutOfRange { .. })
        ));
        let ok = serde_json::json!({"titles": 15, "awards": 30, "articles": 0, "ip_rights": 7.5,
            "honors": 0.01, "compensation": 10, "projects": 9.99});
        assert_eq!(
            parse_sheet(ok.as_object().unwrap(), &r).unwrap().total(),
            7250
        );
    }

    #[test]
    fn spread_figures() {
        let s = spread(&[6000, 7000, 8000, 9000], 10000).unwrap();
        assert_eq!((s.mean, s.median, s.range), (7500, 7500, 3000));
        assert!(s.disagreement);
        assert!(!spread(&[7000, 7100], 10000).unwrap().disagreement);
    }

    proptest! {
        #[test]
        fn total_ignores_order_and_stays_in_range(mut t in prop::collection::vec(0i64..=10_000, 1..9)) {
            let a = aggregate(&t.iter().map(|x| sheet(*x)).collect::<Vec<_>>()).unwrap().total;
            t.reverse();
            let b = aggregate(&t.iter().map(|x| sheet(*x)).collect::<Vec<_>>()).unwrap().total;
            prop_assert_eq!(a, b);
            prop_assert!(*t.iter().min().unwrap() <= a && a <= *t.iter().max().unwrap());
        }

        #[test]
        fn stars_never_drop_when_total_rises(a in 0i64..=10_000, b in 0i64..=10_000) {
            let r = RubricDef::default_rubric();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(r.stars_for(crate::points::Points::from_hundredths(lo)) <= r.stars_for(crate::points::Points::from_hundredths(hi)));
        }
    }
}
