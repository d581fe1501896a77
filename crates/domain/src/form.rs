//! The application form of API.md (`PUT /api/v1/applications/{id}`): its types, the shape parser
//! that reports every problem at once, and item identity across saves.
//!
//! A draft may be incomplete, so every field is optional here; completeness is judged only at
//! submission (`eligibility`). What this module refuses is the wrong *shape*: wrong types, unknown
//! enum values, impossible dates, numbers outside sane ranges, oversized text.

use crate::error::{FieldError, Problem};
use crate::ids::ItemId;
use serde::Serialize;
use serde_json::{Map, Value};
use time::Date;

/// Longest free text accepted in one field, in characters.
pub const MAX_TEXT: usize = 500;
/// Most items accepted in one section.
pub const MAX_ITEMS: usize = 100;

/// A closed set of values spelled in snake_case, as in API.md.
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(&self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
    fn allowed() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }
}

macro_rules! choice {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, utoipa::ToSchema)]
        #[schema(rename_all = "snake_case")]
        pub enum $name { $($variant),* }
        impl Choice for $name {
            const ALL: &'static [Self] = &[$($name::$variant),*];
            fn as_str(&self) -> &'static str { match self { $($name::$variant => $text),* } }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

choice!(Gender { Male = "male", Female = "female" });
choice!(Connection { Native = "native", Resident = "resident" });
choice!(WorkType { Services = "services", Research = "research", Management = "management", Related = "related" });
choice!(Degree { Bachelor = "bachelor", Master = "master", Doctor = "doctor" });
choice!(TitleLevel { Junior = "junior", Intermediate = "intermediate", DeputySenior = "deputy_senior", Senior = "senior" });
choice!(AwardTier { International = "international", National = "national", Provincial = "provincial", Municipal = "municipal" });
choice!(AwardRank { Grand = "grand", Gold = "gold", Silver = "silver", Bronze = "bronze", Excellence = "excellence", Finalist = "finalist" });
choice!(AwardRole { Lead = "lead", Member = "member" });
choice!(Indexing { Sci = "sci", Ssci = "ssci", Ei = "ei", Cssci = "cssci", Core = "core", General = "general" });
choice!(IpKind { InventionPatent = "invention_patent", UtilityModel = "utility_model", DesignPatent = "design_patent", SoftwareCopyright = "software_copyright", Other = "other" });
choice!(HonorLevel { National = "national", Provincial = "provincial", Municipal = "municipal", District = "district" });
choice!(ProjectLevel { National = "national", Provincial = "provincial", Municipal = "municipal", Enterprise = "enterprise" });
choice!(ProjectRole { Leader = "leader", Core = "core", Participant = "participant" });
choice!(ProjectStatus { Ongoing = "ongoing", Completed = "completed" });

/// A calendar date, serialised `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub Date);

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        s.serialize_str(&format!(
            "{:04}-{:02}-{:02}",
            d.year(),
            d.month() as u8,
            d.day()
        ))
    }
}

/// A month, serialised `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:04}-{:02}", self.year, self.month))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Personal {
    pub name: Option<String>,
    pub gender: Option<Gender>,
    /// As typed; validated at submission. Encrypted at rest by the store.
    pub id_number: Option<String>,
    /// As typed; validated at submission. Encrypted at rest by the store.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub district_code: Option<String>,
    pub connection: Option<Connection>,
    pub employer: Option<String>,
    pub position: Option<String>,
    pub work_type: Option<WorkType>,
    pub design_years: Option<i64>,
    pub public_consent: bool,
    pub clean_record_declared: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Education {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub degree: Option<Degree>,
    pub major_code: Option<String>,
    pub major_name: Option<String>,
    pub institution: Option<String>,
    #[schema(value_type = Option<String>, example = "2012-07")]
    pub graduated_on: Option<Month>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Title {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub name: Option<String>,
    pub level: Option<TitleLevel>,
    pub issuer: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub awarded_on: Option<Day>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Award {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub name: Option<String>,
    pub tier: Option<AwardTier>,
    pub rank: Option<AwardRank>,
    pub year: Option<i64>,
    pub work_title: Option<String>,
    pub role: Option<AwardRole>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Article {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub title: Option<String>,
    pub venue: Option<String>,
    pub indexing: Option<Indexing>,
    #[schema(value_type = Option<String>, format = Date)]
    pub published_on: Option<Day>,
    pub author_rank: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IpRight {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub kind: Option<IpKind>,
    pub number: Option<String>,
    pub title: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub granted_on: Option<Day>,
    pub inventor_rank: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Honor {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub name: Option<String>,
    pub level: Option<HonorLevel>,
    pub issuer: Option<String>,
    pub year: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Compensation {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub annual_income_cny: Option<i64>,
    pub year: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Project {
    #[schema(value_type = Option<String>)]
    pub id: Option<ItemId>,
    pub name: Option<String>,
    pub level: Option<ProjectLevel>,
    pub role: Option<ProjectRole>,
    #[schema(value_type = Option<String>, format = Date)]
    pub started_on: Option<Day>,
    pub status: Option<ProjectStatus>,
    pub funding_cny: Option<i64>,
}

/// The whole form. After `assign_item_ids` every item carries an id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApplicationForm {
    pub personal: Personal,
    pub education: Vec<Education>,
    pub titles: Vec<Title>,
    pub awards: Vec<Award>,
    pub articles: Vec<Article>,
    pub ip_rights: Vec<IpRight>,
    pub honors: Vec<Honor>,
    pub compensation: Option<Compensation>,
    pub projects: Vec<Project>,
}

/// The form's evidence-bearing sections, in the order of the paper form.
pub const SECTIONS: [&str; 8] = [
    "education",
    "titles",
    "awards",
    "articles",
    "ip_rights",
    "honors",
    "compensation",
    "projects",
];

/// A reference to one evidence item: its section, its index and its id (when it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    pub section: &'static str,
    pub index: Option<usize>,
    pub id: Option<ItemId>,
}

impl ItemRef {
    /// `awards[1]`, or `compensation` for the single-valued section.
    pub fn path(&self) -> String {
        match self.index {
            Some(i) => format!("{}[{i}]", self.section),
            None => self.section.to_string(),
        }
    }
}

impl ApplicationForm {
    /// Every evidence item in form order.
    pub fn items(&self) -> Vec<ItemRef> {
        fn list<T>(
            out: &mut Vec<ItemRef>,
            section: &'static str,
            v: &[T],
            id: fn(&T) -> Option<ItemId>,
        ) {
            out.extend(v.iter().enumerate().map(|(i, x)| ItemRef {
                section,
                index: Some(i),
                id: id(x),
            }));
        }
        let mut out = Vec::new();
        list(&mut out, "education", &self.education, |x| x.id);
        list(&mut out, "titles", &self.titles, |x| x.id);
        list(&mut out, "awards", &self.awards, |x| x.id);
        list(&mut out, "articles", &self.articles, |x| x.id);
        list(&mut out, "ip_rights", &self.ip_rights, |x| x.id);
        list(&mut out, "honors", &self.honors, |x| x.id);
        if let Some(c) = &self.compensation {
            out.push(ItemRef {
                section: "compensation",
                index: None,
                id: c.id,
            });
        }
        list(&mut out, "projects", &self.projects, |x| x.id);
        out
    }

    fn item_ids_mut(&mut self) -> Vec<(&'static str, Option<usize>, &mut Option<ItemId>)> {
        let mut out: Vec<(&'static str, Option<usize>, &mut Option<ItemId>)> = Vec::new();
        out.extend(
            self.education
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("education", Some(i), &mut x.id)),
        );
        out.extend(
            self.titles
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("titles", Some(i), &mut x.id)),
        );
        out.extend(
            self.awards
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("awards", Some(i), &mut x.id)),
        );
        out.extend(
            self.articles
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("articles", Some(i), &mut x.id)),
        );
        out.extend(
            self.ip_rights
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("ip_rights", Some(i), &mut x.id)),
        );
        out.extend(
            self.honors
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("honors", Some(i), &mut x.id)),
        );
        if let Some(c) = self.compensation.as_mut() {
            out.push(("compensation", None, &mut c.id));
        }
        out.extend(
            self.projects
                .iter_mut()
                .enumerate()
                .map(|(i, x)| ("projects", Some(i), &mut x.id)),
        );
        out
    }

    /// All item ids present in the form.
    pub fn item_ids(&self) -> Vec<ItemId> {
        self.items().into_iter().filter_map(|r| r.id).collect()
    }

    /// Gives ids to new items and checks the ids the client sent back (API.md: items keep their
    /// id across saves; items without one are new). An id must belong to the same section of
    /// the saved form and appear once: otherwise a client could graft another record's evidence
    /// onto its own item.
    pub fn assign_item_ids(
        &mut self,
        saved: &ApplicationForm,
        mut fresh: impl FnMut() -> ItemId,
    ) -> Result<(), Vec<FieldError>> {
        let known: Vec<(&'static str, ItemId)> = saved
            .items()
            .into_iter()
            .filter_map(|r| r.id.map(|id| (r.section, id)))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut errors = Vec::new();
        for (section, index, id) in self.item_ids_mut() {
            let path = ItemRef {
                section,
                index,
                id: None,
            }
            .path()
                + ".id";
            match *id {
                None => *id = Some(fresh()),
                Some(given) if !known.contains(&(section, given)) => {
                    errors.push(FieldError::new(path, Problem::UnknownItem))
                }
                Some(given) if !seen.insert(given) => {
                    errors.push(FieldError::new(path, Problem::DuplicateItem))
                }
                Some(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Parses the request body of `PUT /api/v1/applications/{id}`. Fields not in the form are ignored,
/// so a client may send back what `GET` gave it. Every shape problem is reported at once.
pub fn parse_form(body: &Value) -> Result<ApplicationForm, Vec<FieldError>> {
    let (form, errors) = parse_form_partial(body);
    if errors.is_empty() {
        Ok(form)
    } else {
        Err(errors)
    }
}

/// Like `parse_form`, but also returns what could be read despite the problems, so further
/// checks (item ids) can report their problems in the same answer.
pub fn parse_form_partial(body: &Value) -> (ApplicationForm, Vec<FieldError>) {
    let mut r = Reader::default();
    let form = match body.as_object() {
        Some(root) => read_form(&mut r, root),
        None => {
            r.error("", Problem::WrongType { expected: "object" });
            ApplicationForm::default()
        }
    };
    (form, r.errors)
}

fn read_form(r: &mut Reader, root: &Map<String, Value>) -> ApplicationForm {
    let personal = match r.object(root, "", "personal") {
        Some(p) => read_personal(r, p),
        None => Personal::default(),
    };
    ApplicationForm {
        personal,
        education: r.list(root, "education", |r, m, p| Education {
            id: r.item_id(m, p),
            degree: r.choice(m, p, "degree"),
            major_code: r.text(m, p, "major_code"),
            major_name: r.text(m, p, "major_name"),
            institution: r.text(m, p, "institution"),
            graduated_on: r.month(m, p, "graduated_on"),
        }),
        titles: r.list(root, "titles", |r, m, p| Title {
            id: r.item_id(m, p),
            name: r.text(m, p, "name"),
            level: r.choice(m, p, "level"),
            issuer: r.text(m, p, "issuer"),
            awarded_on: r.date(m, p, "awarded_on"),
        }),
        awards: r.list(root, "awards", |r, m, p| Award {
            id: r.item_id(m, p),
            name: r.text(m, p, "name"),
            tier: r.choice(m, p, "tier"),
            rank: r.choice(m, p, "rank"),
            year: r.int(m, p, "year", YEARS),
            work_title: r.text(m, p, "work_title"),
            role: r.choice(m, p, "role"),
        }),
        articles: r.list(root, "articles", |r, m, p| Article {
            id: r.item_id(m, p),
            title: r.text(m, p, "title"),
            venue: r.text(m, p, "venue"),
            indexing: r.choice(m, p, "indexing"),
            published_on: r.date(m, p, "published_on"),
            author_rank: r.int(m, p, "author_rank", RANKS),
        }),
        ip_rights: r.list(root, "ip_rights", |r, m, p| IpRight {
            id: r.item_id(m, p),
            kind: r.choice(m, p, "kind"),
            number: r.text(m, p, "number"),
            title: r.text(m, p, "title"),
            granted_on: r.date(m, p, "granted_on"),
            inventor_rank: r.int(m, p, "inventor_rank", RANKS),
        }),
        honors: r.list(root, "honors", |r, m, p| Honor {
            id: r.item_id(m, p),
            name: r.text(m, p, "name"),
            level: r.choice(m, p, "level"),
            issuer: r.text(m, p, "issuer"),
            year: r.int(m, p, "year", YEARS),
        }),
        compensation: r.object(root, "", "compensation").map(|m| Compensation {
            id: r.item_id(m, "compensation"),
            annual_income_cny: r.int(m, "compensation", "annual_income_cny", MONEY),
            year: r.int(m, "compensation", "year", YEARS),
        }),
        projects: r.list(root, "projects", |r, m, p| Project {
            id: r.item_id(m, p),
            name: r.text(m, p, "name"),
            level: r.choice(m, p, "level"),
            role: r.choice(m, p, "role"),
            started_on: r.date(m, p, "started_on"),
            status: r.choice(m, p, "status"),
            funding_cny: r.int(m, p, "funding_cny", MONEY),
        }),
    }
}

fn read_personal(r: &mut Reader, m: &Map<String, Value>) -> Personal {
    let p = "personal";
    Personal {
        name: r.text(m, p, "name"),
        gender: r.choice(m, p, "gender"),
        id_number: r.short_text(m, p, "id_number", 32),
        phone: r.short_text(m, p, "phone", 32),
        email: r.short_text(m, p, "email", 254),
        district_code: r.short_text(m, p, "district_code", 16),
        connection: r.choice(m, p, "connection"),
        employer: r.text(m, p, "employer"),
        position: r.text(m, p, "position"),
        work_type: r.choice(m, p, "work_type"),
        design_years: r.int(m, p, "design_years", (0, 80)),
        public_consent: r.boolean(m, p, "public_consent"),
        clean_record_declared: r.boolean(m, p, "clean_record_declared"),
    }
}

const YEARS: (i64, i64) = (1900, 2100);
const RANKS: (i64, i64) = (1, 1000);
/// Whole yuan; a trillion is far beyond any real income or grant.
const MONEY: (i64, i64) = (0, 1_000_000_000_000);

/// Walks a JSON value, collecting every problem with its path.
#[derive(Default)]
struct Reader {
    errors: Vec<FieldError>,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Reader {
    fn error(&mut self, path: impl Into<String>, problem: Problem) {
        self.errors.push(FieldError::new(path, problem));
    }

    /// A present, non-null value, or None.
    fn get<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
        m.get(key).filter(|v| !v.is_null())
    }

    fn object<'a>(
        &mut self,
        m: &'a Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'a Map<String, Value>> {
        let v = Self::get(m, key)?;
        let o = v.as_object();
        if o.is_none() {
            self.error(join(parent, key), Problem::WrongType { expected: "object" });
        }
        o
    }

    fn list<T>(
        &mut self,
        root: &Map<String, Value>,
        key: &'static str,
        mut read: impl FnMut(&mut Self, &Map<String, Value>, &str) -> T,
    ) -> Vec<T> {
        let Some(v) = Self::get(root, key) else {
            return Vec::new();
        };
        let Some(items) = v.as_array() else {
            self.error(key, Problem::WrongType { expected: "array" });
            return Vec::new();
        };
        if items.len() > MAX_ITEMS {
            self.error(key, Problem::TooMany { max: MAX_ITEMS });
            return Vec::new();
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{key}[{i}]");
            match item.as_object() {
                Some(m) => out.push(read(self, m, &path)),
                None => self.error(path, Problem::WrongType { expected: "object" }),
            }
        }
        out
    }

    fn text(&mut self, m: &Map<String, Value>, parent: &str, key: &str) -> Option<String> {
        self.short_text(m, parent, key, MAX_TEXT)
    }

    /// Trimmed text; empty text counts as not given.
    fn short_text(
        &mut self,
        m: &Map<String, Value>,
        parent: &str,
        key: &str,
        max: usize,
    ) -> Option<String> {
        let v = Self::get(m, key)?;
        let Some(s) = v.as_str() else {
            self.error(join(parent, key), Problem::WrongType { expected: "string" });
            return None;
        };
        let s = s.trim();
        if s.chars().count() > max {
            self.error(join(parent, key), Problem::TooLong { max });
            return None;
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.error(join(parent, key), Problem::WrongType { expected: "text" });
            return None;
        }
        (!s.is_empty()).then(|| s.to_string())
    }

    fn choice<C: Choice>(&mut self, m: &Map<String, Value>, parent: &str, key: &str) -> Option<C> {
        let v = Self::get(m, key)?;
        match v.as_str() {
            Some("") => None,
            Some(s) => {
                let c = C::parse(s);
                if c.is_none() {
                    self.error(
                        join(parent, key),
                        Problem::UnknownValue {
                            allowed: C::allowed(),
                        },
                    );
                }
                c
            }
            None => {
                self.error(join(parent, key), Problem::WrongType { expected: "string" });
                None
            }
        }
    }

    fn int(
        &mut self,
        m: &Map<String, Value>,
        parent: &str,
        key: &str,
        (min, max): (i64, i64),
    ) -> Option<i64> {
        let v = Self::get(m, key)?;
        let Some(n) = v.as_i64() else {
            // Integral floats like 2024.0 are still integers; anything else is the wrong type.
            let whole = v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15);
            return match whole {
                Some(f) => self.in_range(parent, key, f as i64, min, max),
                None if v.is_number() => {
                    self.error(join(parent, key), Problem::OutOfRange { min, max });
                    None
                }
                None => {
                    self.error(
                        join(parent, key),
                        Problem::WrongType {
                            expected: "integer",
                        },
                    );
                    None
                }
            };
        };
        self.in_range(parent, key, n, min, max)
    }

    fn in_range(&mut self, parent: &str, key: &str, n: i64, min: i64, max: i64) -> Option<i64> {
        if (min..=max).contains(&n) {
            Some(n)
        } else {
            self.error(join(parent, key), Problem::OutOfRange { min, max });
            None
        }
    }

    fn boolean(&mut self, m: &Map<String, Value>, parent: &str, key: &str) -> bool {
        match Self::get(m, key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.error(
                    join(parent, key),
                    Problem::WrongType {
                        expected: "boolean",
                    },
                );
                false
            }
        }
    }

    fn date(&mut self, m: &Map<String, Value>, parent: &str, key: &str) -> Option<Day> {
        let s = self.short_text(m, parent, key, 10)?;
        let d = parse_day(&s);
        if d.is_none() {
            self.error(join(parent, key), Problem::InvalidDate);
        }
        d
    }

    fn month(&mut self, m: &Map<String, Value>, parent: &str, key: &str) -> Option<Month> {
        let s = self.short_text(m, parent, key, 7)?;
        let d = parse_month(&s);
        if d.is_none() {
            self.error(join(parent, key), Problem::InvalidMonth);
        }
        d
    }

    fn item_id(&mut self, m: &Map<String, Value>, parent: &str) -> Option<ItemId> {
        let v = Self::get(m, "id")?;
        let id = v.as_str().and_then(|s| s.parse().ok());
        if id.is_none() {
            self.error(join(parent, "id"), Problem::UnknownItem);
        }
        id
    }
}

/// `YYYY-MM-DD`, a real date between 1900 and 2100.
pub fn parse_day(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let m = parse_month(&s[..7])?;
    let day: u8 = digits(&s[8..10])?;
    let month = time::Month::try_from(m.month).ok()?;
    Date::from_calendar_date(m.year, month, day).ok().map(Day)
}

/// `YYYY-MM` between 1900 and 2100.
pub fn parse_month(s: &str) -> Option<Month> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let year: i32 = digits(&s[..4])?;
    let month: u8 = digits(&s[5..7])?;
    ((1900..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
}

fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
