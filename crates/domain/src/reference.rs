//! Reference data: Chongqing's districts and functional zones, industrial-design-related majors,
//! professional titles, degrees and named awards. The data is copied from `shared/domain/` into
//! `seed/` (sources in `seed/SOURCES.md`) and compiled into the binary, so it needs no I/O.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct District {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// district, county, autonomous_county or functional_zone.
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Major {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// core (industrial/product design), design, or related.
    pub category: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TitleRow {
    pub code: String,
    pub series: String,
    pub level: String,
    pub level_zh: String,
    pub rank: u8,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DegreeRow {
    pub code: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub gb_t_4658_code: String,
    pub eligible_default: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AwardRow {
    pub name_zh: String,
    pub name_en: String,
    pub organiser: String,
    pub tier: String,
    pub notes: String,
}

/// All reference tables, parsed once.
#[derive(Debug)]
pub struct Reference {
    pub districts: Vec<District>,
    pub majors: Vec<Major>,
    pub titles: Vec<TitleRow>,
    pub degrees: Vec<DegreeRow>,
    pub awards: Vec<AwardRow>,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, csv::Error> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect()
}

impl Reference {
    fn load() -> Result<Reference, csv::Error> {
        Ok(Reference {
            districts: parse_csv(include_str!("../../../seed/districts.csv"))?,
            majors: parse_csv(include_str!("../../../seed/majors.csv"))?,
            titles: parse_csv(include_str!("../../../seed/titles.csv"))?,
            degrees: parse_csv(include_str!("../../../seed/degrees.csv"))?,
            awards: parse_csv(include_str!("../../../seed/awards.csv"))?,
        })
    }

    /// The embedded tables. Their parsing is checked by this module's tests, so it cannot fail
    /// in a built binary.
    #[allow(clippy::expect_used)]
    pub fn get() -> &'static Reference {
        static REFERENCE: OnceLock<Reference> = OnceLock::new();
        REFERENCE.get_or_init(|| Reference::load().expect("embedded reference data parses"))
    }

    pub fn district(&self, code: &str) -> Option<&District> {
        self.districts.iter().find(|d| d.code == code)
    }

    pub fn major(&self, code: &str) -> Option<&Major> {
        self.majors.iter().find(|m| m.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse_completely() {
        let r = Reference::load().unwrap();
        // 38 county-level divisions plus the 3 functional zones of the notice.
        assert_eq!(r.districts.len(), 41);
        assert_eq!(r.district("500103").unwrap().name_zh, "渝中区");
        assert_eq!(
            r.district("FZ-LJXQ").unwrap().name_en,
            "Liangjiang New Area"
        );
        assert_eq!(r.major("080205").unwrap().name_zh, "工业设计");
        assert!(r.majors.iter().any(|m| m.name_en.contains(',')));
        assert!(r.titles.len() > 20 && r.degrees.len() == 9 && r.awards.len() > 15);
    }
}
