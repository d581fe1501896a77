//! Which rule of the rubric gave an item its reference points, as data: the pages word it in the
//! reader's language from its parts (rubric row keys such as `national`, `grand`, `lead`), and the
//! API shows its code (`Display`: `awards.national.grand × lead 1`, as API.md's examples do).

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// A title level's points (`points_by_level`); only the highest title counts.
    Title { level: &'static str },
    /// A title below the highest one: no points.
    TitleNotHighest,
    /// An award: its tier and grade's points, times the factor of the applicant's role.
    Award {
        tier: &'static str,
        grade: &'static str,
        role: &'static str,
        factor: f64,
    },
    /// A lower award of a work already counted at a higher one.
    SameWorkCountedOnce,
    /// An article: its kind's points, times the factor of the author's position.
    Article {
        row: &'static str,
        author: &'static str,
        factor: f64,
    },
    /// An IP right: its kind's points, times the factor of the inventor's position; design
    /// patents stop at their sub-cap.
    IpRight {
        row: &'static str,
        inventor: &'static str,
        factor: f64,
        sub_capped: bool,
    },
    /// An honour's level; every honour after the highest counts half.
    Honor { level: &'static str, further: bool },
    /// The income band reached: at least `min_ratio` times the reference wage.
    CompensationBand { min_ratio: f64 },
    /// No reference wage set yet: compensation scores nothing.
    ReferenceWageNotSet,
    /// A project: its level and the applicant's role.
    Project {
        level: &'static str,
        role: &'static str,
    },
    /// An enterprise project under the minimum contract sum: no points.
    EnterpriseBelowMinimum { min_cny: i64 },
    /// A field the rule needs was not given (tier and grade, indexing, kind, level and role,
    /// income): no points.
    Incomplete { category: &'static str },
    /// Older than the look-back window: no points.
    OutsideLookback { category: &'static str },
    /// An IP right not granted yet: no points.
    NotGranted,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Title { level } => write!(f, "titles.{level}"),
            Rule::TitleNotHighest => f.write_str("titles.not_highest"),
            Rule::Award {
                tier,
                grade,
                role,
                factor,
            } => write!(f, "awards.{tier}.{grade} × {role} {factor}"),
            Rule::SameWorkCountedOnce => f.write_str("awards.same_work_counted_once"),
            Rule::Article {
                row,
                author,
                factor,
            } => write!(f, "articles.{row} × {author} {factor}"),
            Rule::IpRight {
                row,
                inventor,
                factor,
                sub_capped,
            } => {
                write!(f, "ip_rights.{row} × {inventor} {factor}")?;
                if *sub_capped {
                    f.write_str(" (design patent sub-cap)")?;
                }
                Ok(())
            }
            Rule::Honor {
                level,
                further: false,
            } => write!(f, "honors.{level}"),
            Rule::Honor {
                level,
                further: true,
            } => write!(f, "honors.{level} × 0.5 (further honour)"),
            Rule::CompensationBand { min_ratio } => write!(f, "compensation.ratio ≥ {min_ratio}"),
            Rule::ReferenceWageNotSet => f.write_str("compensation.reference_wage_not_set"),
            Rule::Project { level, role } => write!(f, "projects.{level}.{role}"),
            Rule::EnterpriseBelowMinimum { min_cny } => {
                write!(f, "projects.enterprise_below_{min_cny}")
            }
            Rule::Incomplete { category } => write!(f, "{category}.incomplete"),
            Rule::OutsideLookback { category } => write!(f, "{category}.outside_lookback"),
            Rule::NotGranted => f.write_str("ip_rights.pending"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_api_ones() {
        let award = Rule::Award {
            tier: "national",
            grade: "grand",
            role: "lead",
            factor: 1.0,
        };
        assert_eq!(award.to_string(), "awards.national.grand × lead 1");
        let ip = Rule::IpRight {
            row: "design_patent",
            inventor: "rank_2",
            factor: 0.6,
            sub_capped: true,
        };
        assert_eq!(
            ip.to_string(),
            "ip_rights.design_patent × rank_2 0.6 (design patent sub-cap)"
        );
        let honor = Rule::Honor {
            level: "provincial",
            further: true,
        };
        assert_eq!(
            honor.to_string(),
            "honors.provincial × 0.5 (further honour)"
        );
        assert_eq!(
            Rule::CompensationBand { min_ratio: 2.0 }.to_string(),
            "compensation.ratio ≥ 2"
        );
        assert_eq!(
            Rule::EnterpriseBelowMinimum { min_cny: 100_000 }.to_string(),
            "projects.enterprise_below_100000"
        );
        assert_eq!(
            Rule::Incomplete { category: "awards" }.to_string(),
            "awards.incomplete"
        );
    }
}
