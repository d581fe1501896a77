//! How the review pages show numbers and the reference score's rule codes. Presentation only.

use crate::i18n::{self, Lang};
use talentlib_domain::points::Points;
use talentlib_domain::rubric::Rule;

/// Hundredths as a number with exactly 2 decimals: `1234` → `12.34`, `-5` → `-0.05`.
pub fn two_dp(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Points (exact) rounded half away from zero to 2 decimals.
pub fn points(p: Points) -> String {
    two_dp(p.to_hundredths())
}

/// A whole number with thousands separators: `350000` → `350,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A file size for people.
pub fn size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b >= 1_048_576.0 {
        format!("{:.1} MB", b / 1_048_576.0)
    } else if b >= 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// A whole percentage of `part` in `whole` (0 when there is nothing).
pub fn percent(part: u64, whole: u64) -> u64 {
    (part.min(whole) * 100 + whole / 2)
        .checked_div(whole)
        .unwrap_or(0)
}

/// The rule that gave an item its reference points, in words of the reader's language: the
/// rubric rows' labels (`review.rule.<category>.<row>`) joined by " · ", then the factor, e.g.
/// "国家级 · 特等奖、金奖档 · 主创设计师 ×1". Every row the rubric engine can produce has a label
/// (tested below); should one be missing, its key is not shown, only the factor.
pub fn explain_rule(lang: Lang, rule: &Rule) -> String {
    let t = |k: &str, p: &[(&str, String)]| i18n::t(lang, k, p);
    let label = |category: &str, row: &str| -> Option<String> {
        let key = format!("review.rule.{category}.{row}");
        i18n::has(lang, &key).then(|| t(&key, &[]))
    };
    let row_with_factor = |category: &str, rows: &[&str], factor: Option<f64>| -> String {
        let mut text = rows
            .iter()
            .filter_map(|r| label(category, r))
            .collect::<Vec<_>>()
            .join(" · ");
        if let Some(f) = factor {
            text.push_str(&t("review.rule.factor", &[("factor", f.to_string())]));
        }
        text
    };
    let whole = |key: &str| t(&format!("review.rule.{key}"), &[]);
    match rule {
        Rule::Title { level } => row_with_factor("titles", &[level], None),
        Rule::TitleNotHighest => whole("titles.not_highest"),
        Rule::Award {
            tier,
            grade,
            role,
            factor,
        } => row_with_factor("awards", &[tier, grade, role], Some(*factor)),
        Rule::SameWorkCountedOnce => whole("awards.same_work_counted_once"),
        Rule::Article {
            row,
            author,
            factor,
        } => row_with_factor("articles", &[row, author], Some(*factor)),
        Rule::IpRight {
            row,
            inventor,
            factor,
            sub_capped,
        } => {
            let mut text = row_with_factor("ip_rights", &[row, inventor], Some(*factor));
            if *sub_capped {
                text.push_str(&whole("note.design_sub_cap"));
            }
            text
        }
        Rule::Honor { level, further } => {
            let mut text = row_with_factor("honors", &[level], further.then_some(0.5));
            if *further {
                text.push_str(&whole("note.further_honour"));
            }
            text
        }
        Rule::CompensationBand { min_ratio } => t(
            "review.rule.compensation.ratio",
            &[("min", min_ratio.to_string())],
        ),
        Rule::ReferenceWageNotSet => whole("compensation.reference_wage_not_set"),
        Rule::Project { level, role } => row_with_factor("projects", &[level, role], None),
        Rule::EnterpriseBelowMinimum { min_cny } => t(
            "review.rule.projects.enterprise_below",
            &[("min", thousands(*min_cny))],
        ),
        Rule::Incomplete { category } => whole(&format!("{category}.incomplete")),
        Rule::OutsideLookback { category } => whole(&format!("{category}.outside_lookback")),
        Rule::NotGranted => whole("ip_rights.pending"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use talentlib_domain::form::{ApplicationForm, Day};
    use talentlib_domain::form::{
        Article, Award, AwardRank, AwardRole, AwardTier, Compensation, Honor, HonorLevel, Indexing,
        IpKind, IpRight, Project, ProjectLevel, ProjectRole, Title, TitleLevel,
    };
    use talentlib_domain::ids::ItemId;
    use talentlib_domain::rubric::RubricDef;

    #[test]
    fn numbers_have_two_decimals() {
        assert_eq!(two_dp(1234), "12.34");
        assert_eq!(two_dp(5), "0.05");
        assert_eq!(two_dp(-5), "-0.05");
        assert_eq!(two_dp(0), "0.00");
        assert_eq!(points(Points::from_f64(7.2)), "7.20");
        assert_eq!(thousands(350_000), "350,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(5, 0), 0);
        assert_eq!(size(2048), "2 KB");
        assert_eq!(size(15), "15 B");
    }

    fn id() -> Option<ItemId> {
        Some(ItemId::from_uuid(uuid::Uuid::new_v4()))
    }

    fn day(y: i32) -> Option<Day> {
        time::Date::from_calendar_date(y, time::Month::March, 1)
            .ok()
            .map(Day)
    }

    /// Every rule the default rubric can produce reads as words in both languages.
    #[test]
    fn every_rule_of_the_default_rubric_is_explained() {
        let mut form = ApplicationForm::default();
        for level in [TitleLevel::Senior, TitleLevel::Junior] {
            form.titles.push(Title {
                id: id(),
                level: Some(level),
                ..Title::default()
            });
        }
        for (tier, rank, role, year, work) in [
            (
                AwardTier::National,
                AwardRank::Gold,
                AwardRole::Lead,
                2024,
                "a",
            ),
            (
                AwardTier::Provincial,
                AwardRank::Bronze,
                AwardRole::Member,
                2024,
                "a",
            ),
            (
                AwardTier::Municipal,
                AwardRank::Finalist,
                AwardRole::Lead,
                1990,
                "b",
            ),
        ] {
            form.awards.push(Award {
                id: id(),
                tier: Some(tier),
                rank: Some(rank),
                role: Some(role),
                year: Some(year),
                work_title: Some(work.into()),
                ..Award::default()
            });
        }
        form.awards.push(Award {
            id: id(),
            ..Award::default()
        });
        for (indexing, rank) in [(Indexing::Core, 1), (Indexing::General, 2)] {
            form.articles.push(Article {
                id: id(),
                indexing: Some(indexing),
                author_rank: Some(rank),
                published_on: day(2023),
                ..Article::default()
            });
        }
        for i in 0..7 {
            form.ip_rights.push(IpRight {
                id: id(),
                kind: Some(IpKind::DesignPatent),
                inventor_rank: Some(1 + i % 5),
                granted_on: day(2022),
                ..IpRight::default()
            });
        }
        form.ip_rights.push(IpRight {
            id: id(),
            kind: Some(IpKind::Other),
            ..IpRight::default()
        });
        for level in [HonorLevel::National, HonorLevel::District] {
            form.honors.push(Honor {
                id: id(),
                level: Some(level),
                ..Honor::default()
            });
        }
        form.compensation = Some(Compensation {
            id: id(),
            annual_income_cny: Some(300_000),
            year: Some(2024),
        });
        for (level, role, funding) in [
            (ProjectLevel::National, ProjectRole::Leader, 0),
            (ProjectLevel::Enterprise, ProjectRole::Core, 10),
        ] {
            form.projects.push(Project {
                id: id(),
                level: Some(level),
                role: Some(role),
                started_on: day(2021),
                funding_cny: Some(funding),
                ..Project::default()
            });
        }
        let verified: HashSet<ItemId> = form.item_ids().into_iter().collect();
        let mut rubric = RubricDef::default_rubric();
        let mut rules: Vec<Rule> = rubric
            .reference_score(&form, &verified, 2025)
            .items
            .into_iter()
            .map(|i| i.rule)
            .collect();
        rubric.compensation.reference_wage_cny = Some(100_000.0);
        rules.extend(
            rubric
                .reference_score(&form, &verified, 2025)
                .items
                .into_iter()
                .map(|i| i.rule),
        );
        assert!(rules.len() > 15, "{rules:?}");
        for lang in [Lang::Zh, Lang::En] {
            for rule in &rules {
                let text = explain_rule(lang, rule);
                assert!(!text.contains("review.rule"), "{rule} → {text}");
                assert!(!text.trim().is_empty(), "{rule} → {text}");
                assert!(!looks_like_key(&text), "{rule} → {text}");
                // No code word is left untranslated: codes are snake_case ASCII words, and the
                // Chinese texts use no Latin letters at all.
                assert!(!text.contains('_'), "{rule} → {text}");
                if lang == Lang::Zh {
                    assert!(
                        !text.chars().any(|c| c.is_ascii_alphabetic()),
                        "{rule} → {text}"
                    );
                }
            }
        }
    }

    /// A rubric key such as `titles.sub_senior`: lower-case words joined by a dot.
    fn looks_like_key(text: &str) -> bool {
        let c: Vec<char> = text.chars().collect();
        let word = |x: char| x.is_ascii_lowercase() || x == '_';
        c.windows(3)
            .any(|w| word(w[0]) && w[1] == '.' && word(w[2]))
    }

    #[test]
    fn rules_read_as_labels_and_factors() {
        assert!(looks_like_key("计分规则： awards.national.grand"));
        assert!(!looks_like_key(
            "×0.6 Income at least 2 × the reference wage."
        ));
        let award = Rule::Award {
            tier: "national",
            grade: "grand",
            role: "lead",
            factor: 1.0,
        };
        assert_eq!(
            explain_rule(Lang::Zh, &award),
            "国家级 · 特等奖、金奖档 · 主创设计师 ×1"
        );
        assert_eq!(
            explain_rule(Lang::En, &award),
            "National · grand-prize grade · lead designer ×1"
        );
        let title = Rule::Title {
            level: "sub_senior",
        };
        assert_eq!(explain_rule(Lang::Zh, &title), "副高级职称");
        assert_eq!(
            explain_rule(Lang::Zh, &Rule::ReferenceWageNotSet),
            "管理员尚未设置薪酬参照工资，本项暂不计分"
        );
        // A row without a label is left out rather than shown as a key.
        let odd = Rule::Award {
            tier: "galactic",
            grade: "grand",
            role: "lead",
            factor: 0.6,
        };
        assert_eq!(
            explain_rule(Lang::Zh, &odd),
            "特等奖、金奖档 · 主创设计师 ×0.6"
        );
    }
}
