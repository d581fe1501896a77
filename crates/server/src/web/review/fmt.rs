//! How the review pages show numbers and the reference score's rule codes. Presentation only.

use crate::i18n::{self, Lang};
use talentlib_domain::points::Points;

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

/// The reference score's rule code (`awards.national.grand × lead 1`, `honors.provincial × 0.5
/// (further honour)`, `compensation.ratio ≥ 2`, `projects.enterprise_below_100000`) in words.
/// Known codes and their parts come from the locale files (`review.rule.*`); a part that is not
/// there shows as it is, so a new rubric row is never hidden.
pub fn explain_rule(lang: Lang, rule: &str) -> String {
    let t = |k: &str, p: &[(&str, String)]| i18n::t(lang, k, p);
    let whole = format!("review.rule.{rule}");
    if i18n::has(lang, &whole) {
        return t(&whole, &[]);
    }
    let (main, note) = match rule.split_once(" (") {
        Some((m, n)) => (m, Some(n.trim_end_matches(')'))),
        None => (rule, None),
    };
    let (base, factor) = match main.split_once(" × ") {
        Some((b, f)) => (b, Some(f)),
        None => (main, None),
    };
    let Some((category, rest)) = base.split_once('.') else {
        return rule.to_string();
    };
    if let Some(min) = rest.strip_prefix("ratio ≥ ") {
        return t(
            "review.rule.compensation.ratio",
            &[("min", min.trim().to_string())],
        );
    }
    if let Some(min) = rest.strip_prefix("enterprise_below_") {
        let min = min.parse::<i64>().map_or(min.to_string(), thousands);
        return t("review.rule.projects.enterprise_below", &[("min", min)]);
    }
    let word = |token: &str| {
        let key = format!("review.rule.{category}.{token}");
        if i18n::has(lang, &key) {
            t(&key, &[])
        } else {
            token.to_string()
        }
    };
    let mut text = rest.split('.').map(word).collect::<Vec<_>>().join(" · ");
    if let Some(f) = factor {
        let mut parts = f.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some(name), Some(number)) => text.push_str(&t(
                "review.rule.factor_named",
                &[("name", word(name)), ("factor", number.to_string())],
            )),
            (Some(number), None) => {
                text.push_str(&t("review.rule.factor", &[("factor", number.to_string())]))
            }
            _ => {}
        }
    }
    if let Some(n) = note {
        let key = match n {
            "design patent sub-cap" => "review.rule.note.design_sub_cap",
            "further honour" => "review.rule.note.further_honour",
            _ => "",
        };
        if i18n::has(lang, key) {
            text.push_str(&t(key, &[]));
        } else {
            text.push_str(&format!(" ({n})"));
        }
    }
    text
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
        let mut rules: Vec<String> = rubric
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

    #[test]
    fn unknown_rules_show_as_they_are() {
        assert_eq!(explain_rule(Lang::Zh, "nonsense"), "nonsense");
        assert_eq!(
            explain_rule(Lang::En, "awards.galactic.grand × lead 1"),
            format!(
                "galactic · {}{}",
                i18n::t(Lang::En, "review.rule.awards.grand", &[]),
                i18n::t(
                    Lang::En,
                    "review.rule.factor_named",
                    &[
                        ("name", i18n::t(Lang::En, "review.rule.awards.lead", &[])),
                        ("factor", "1".into())
                    ]
                )
            )
        );
    }
}
