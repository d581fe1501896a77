//! The application form as the pages see it: each section's fields, their kind of control and
//! whether submission needs them. One table drives the edit page, the read-only record, the
//! error summary's labels and the form-body converter, so they cannot drift apart.
//!
//! The form's rules stay in the domain (`form::parse_form`, `eligibility`): `required` here only
//! decides where the "(required)" marker shows, mirroring what `check_submission` asks for.

/// The kind of control, and how a posted value turns into JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Email,
    Tel,
    /// A whole number: sent as a JSON integer when it parses, else as the typed text.
    Int,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM`.
    Month,
    /// A select over an enum (`enum.<name>.*`) or reference list (`district`).
    Select(&'static str),
    Radios(&'static str),
    /// Present → true, absent → false.
    Checkbox,
    /// The reference majors plus "other" (a code outside the list: the reviewer judges `major_name`).
    Major,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Email => "email",
            Kind::Tel => "tel",
            Kind::Int => "int",
            Kind::Date => "date",
            Kind::Month => "month",
            Kind::Select(_) => "select",
            Kind::Radios(_) => "radios",
            Kind::Checkbox => "checkbox",
            Kind::Major => "major",
        }
    }

    /// The option list the control offers, if any.
    pub fn options(&self) -> Option<&'static str> {
        match self {
            Kind::Select(o) | Kind::Radios(o) => Some(o),
            Kind::Major => Some("major"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Input width class (`input-short`, `input-medium`) or none for the full width.
    pub width: Option<&'static str>,
    pub autocomplete: Option<&'static str>,
}

const fn f(name: &'static str, kind: Kind, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required,
        width: None,
        autocomplete: None,
    }
}

const fn short(name: &'static str, kind: Kind, required: bool) -> FieldSpec {
    FieldSpec {
        width: Some("short"),
        ..f(name, kind, required)
    }
}

const fn auto(
    name: &'static str,
    kind: Kind,
    required: bool,
    autocomplete: &'static str,
) -> FieldSpec {
    FieldSpec {
        autocomplete: Some(autocomplete),
        ..f(name, kind, required)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SectionSpec {
    pub key: &'static str,
    /// A list of items (`awards[3].year`) rather than one object (`compensation.year`).
    pub list: bool,
    pub fields: &'static [FieldSpec],
}

impl SectionSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

use Kind::*;

pub static PERSONAL: SectionSpec = SectionSpec {
    key: "personal",
    list: false,
    fields: &[
        auto("name", Text, true, "name"),
        f("gender", Radios("gender"), true),
        FieldSpec {
            width: Some("medium"),
            autocomplete: Some("off"),
            ..f("id_number", Text, true)
        },
        FieldSpec {
            width: Some("medium"),
            autocomplete: Some("tel"),
            ..f("phone", Tel, true)
        },
        auto("email", Email, false, "email"),
        f("district_code", Select("district"), true),
        f("connection", Radios("connection"), true),
        auto("employer", Text, false, "organization"),
        auto("position", Text, false, "organization-title"),
        f("work_type", Select("work_type"), true),
        short("design_years", Int, false),
        f("public_consent", Checkbox, false),
        f("clean_record_declared", Checkbox, true),
    ],
};

/// The evidence-bearing sections in the order of the paper form (`form::SECTIONS`).
pub static SECTIONS: [SectionSpec; 8] = [
    SectionSpec {
        key: "education",
        list: true,
        fields: &[
            f("degree", Select("degree"), true),
            f("major_code", Major, true),
            f("major_name", Text, false),
            f("institution", Text, true),
            short("graduated_on", Month, true),
        ],
    },
    SectionSpec {
        key: "titles",
        list: true,
        fields: &[
            f("name", Text, true),
            f("level", Select("title_level"), true),
            f("issuer", Text, false),
            short("awarded_on", Date, true),
        ],
    },
    SectionSpec {
        key: "awards",
        list: true,
        fields: &[
            f("name", Text, true),
            f("tier", Select("award_tier"), true),
            f("rank", Select("award_rank"), true),
            short("year", Int, true),
            f("work_title", Text, false),
            f("role", Select("award_role"), false),
        ],
    },
    SectionSpec {
        key: "articles",
        list: true,
        fields: &[
            f("title", Text, true),
            f("venue", Text, true),
            f("indexing", Select("indexing"), true),
            short("published_on", Date, true),
            short("author_rank", Int, false),
        ],
    },
    SectionSpec {
        key: "ip_rights",
        list: true,
        fields: &[
            f("kind", Select("ip_kind"), true),
            f("number", Text, true),
            f("title", Text, true),
            short("granted_on", Date, false),
            short("inventor_rank", Int, false),
        ],
    },
    SectionSpec {
        key: "honors",
        list: true,
        fields: &[
            f("name", Text, true),
            f("level", Select("honor_level"), true),
            f("issuer", Text, false),
            short("year", Int, true),
        ],
    },
    SectionSpec {
        key: "compensation",
        list: false,
        fields: &[
            // Optional section (API.md: "compensation when given"); both fields are checked
            // once either is filled in, as the section's intro says.
            FieldSpec {
                width: Some("medium"),
                ..f("annual_income_cny", Int, false)
            },
            short("year", Int, false),
        ],
    },
    SectionSpec {
        key: "projects",
        list: true,
        fields: &[
            f("name", Text, true),
            f("level", Select("project_level"), true),
            f("role", Select("project_role"), true),
            short("started_on", Date, true),
            f("status", Select("project_status"), true),
            FieldSpec {
                width: Some("medium"),
                ..f("funding_cny", Int, false)
            },
        ],
    },
];

/// Any section of the form by its key.
pub fn section(key: &str) -> Option<&'static SectionSpec> {
    if key == PERSONAL.key {
        return Some(&PERSONAL);
    }
    SECTIONS.iter().find(|s| s.key == key)
}

/// A list section (one that items can be added to or removed from) by its key.
pub fn list_section(key: &str) -> Option<&'static SectionSpec> {
    SECTIONS.iter().find(|s| s.list && s.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_domain_form() {
        let keys: Vec<&str> = SECTIONS.iter().map(|s| s.key).collect();
        assert_eq!(keys, talentlib_domain::form::SECTIONS);
        assert!(section("personal").is_some() && list_section("compensation").is_none());
    }
}
