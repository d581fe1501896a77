//! The checks made when a designer submits (API.md `POST /applications/{id}/submit`, the notice's
//! section II "Scope of collection" and criterion III(1)). Every problem is reported at once, at
//! the path of the field it concerns, so the form can show each one beside its field.

use crate::error::{FieldError, Problem};
use crate::form::{ApplicationForm, Day, ItemRef, Month};
use crate::identity::{Mobile, ResidentId};
use crate::ids::ItemId;
use crate::reference::Reference;
use std::collections::HashSet;
use time::Date;

/// What the reviewer should look at although it does not block submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewFlags {
    /// A degree's major is outside the reference list (API.md: flagged, not refused).
    pub major_outside_list: bool,
}

/// Checks the form for submission. `evidence` holds the item ids that have at least one attachment.
pub fn check_submission(
    form: &ApplicationForm,
    evidence: &HashSet<ItemId>,
    today: Date,
) -> Result<ReviewFlags, Vec<FieldError>> {
    let mut c = Checker {
        errors: Vec::new(),
        today,
    };
    let reference = Reference::get();
    let p = &form.personal;

    c.required("personal.name", &p.name);
    c.required("personal.gender", &p.gender);
    match p.id_number.as_deref() {
        None => c.push("personal.id_number", Problem::Required),
        Some(raw) => match ResidentId::parse(raw, today) {
            Ok(id)
                if p.gender
                    .is_some_and(|g| (g == crate::form::Gender::Male) != id.is_male()) =>
            {
                c.push("personal.gender", Problem::IdNumberGenderMismatch)
            }
            Ok(_) => {}
            Err(problem) => c.push("personal.id_number", problem),
        },
    }
    match p.phone.as_deref() {
        None => c.push("personal.phone", Problem::Required),
        Some(raw) => {
            if let Err(problem) = Mobile::parse(raw) {
                c.push("personal.phone", problem)
            }
        }
    }
    if let Some(email) = p.email.as_deref() {
        if !is_plausible_email(email) {
            c.push("personal.email", Problem::InvalidEmail);
        }
    }
    match p.district_code.as_deref() {
        None => c.push("personal.district_code", Problem::Required),
        Some(code) if reference.district(code).is_none() => {
            c.push("personal.district_code", Problem::UnknownDistrict)
        }
        Some(_) => {}
    }
    c.required("personal.connection", &p.connection);
    c.required("personal.work_type", &p.work_type);
    if !p.clean_record_declared {
        c.push(
            "personal.clean_record_declared",
            Problem::DeclarationRequired,
        );
    }

    let mut flags = ReviewFlags::default();
    if form.education.is_empty() {
        c.push("education", Problem::NoEligibleDegree);
    }
    for (i, e) in form.education.iter().enumerate() {
        let at = |f: &str| format!("education[{i}].{f}");
        c.required(&at("degree"), &e.degree);
        c.required(&at("institution"), &e.institution);
        c.month(&at("graduated_on"), e.graduated_on);
        let listed = e
            .major_code
            .as_deref()
            .is_some_and(|code| reference.major(code).is_some());
        if !listed {
            if e.major_name.is_some() {
                flags.major_outside_list = true;
            } else {
                c.push(&at("major_name"), Problem::MajorNameRequired);
            }
        }
    }

    for (i, t) in form.titles.iter().enumerate() {
        let at = |f: &str| format!("titles[{i}].{f}");
        c.required(&at("name"), &t.name);
        c.required(&at("level"), &t.level);
        c.day(&at("awarded_on"), t.awarded_on);
    }
    for (i, a) in form.awards.iter().enumerate() {
        let at = |f: &str| format!("awards[{i}].{f}");
        c.required(&at("name"), &a.name);
        c.required(&at("tier"), &a.tier);
        c.required(&at("rank"), &a.rank);
        c.year(&at("year"), a.year);
    }
    for (i, a) in form.articles.iter().enumerate() {
        let at = |f: &str| format!("articles[{i}].{f}");
        c.required(&at("title"), &a.title);
        c.required(&at("venue"), &a.venue);
        c.required(&at("indexing"), &a.indexing);
        c.day(&at("published_on"), a.published_on);
    }
    for (i, r) in form.ip_rights.iter().enumerate() {
        let at = |f: &str| format!("ip_rights[{i}].{f}");
        c.required(&at("kind"), &r.kind);
        c.required(&at("number"), &r.number);
        c.required(&at("title"), &r.title);
        if let Some(d) = r.granted_on {
            c.day(&at("granted_on"), Some(d));
        }
    }
    for (i, h) in form.honors.iter().enumerate() {
        let at = |f: &str| format!("honors[{i}].{f}");
        c.required(&at("name"), &h.name);
        c.required(&at("level"), &h.level);
        c.year(&at("year"), h.year);
    }
    if let Some(comp) = &form.compensation {
        c.required("compensation.annual_income_cny", &comp.annual_income_cny);
        c.year("compensation.year", comp.year);
    }
    for (i, p) in form.projects.iter().enumerate() {
        let at = |f: &str| format!("projects[{i}].{f}");
        c.required(&at("name"), &p.name);
        c.required(&at("level"), &p.level);
        c.required(&at("role"), &p.role);
        c.day(&at("started_on"), p.started_on);
        c.required(&at("status"), &p.status);
    }

    for item in form.items() {
        if !item.id.is_some_and(|id| evidence.contains(&id)) {
            c.push(&evidence_path(&item), Problem::EvidenceRequired);
        }
    }

    if c.errors.is_empty() {
        Ok(flags)
    } else {
        Err(c.errors)
    }
}

/// Evidence problems are reported on the item itself (`awards[1]`).
fn evidence_path(item: &ItemRef) -> String {
    item.path()
}

/// A light check: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.len() <= 254
}

struct Checker {
    errors: Vec<FieldError>,
    today: Date,
}

impl Checker {
    fn push(&mut self, path: &str, problem: Problem) {
        self.errors.push(FieldError::new(path, problem));
    }

    fn required<T>(&mut self, path: &str, value: &Option<T>) {
        if value.is_none() {
            self.push(path, Problem::Required);
        }
    }

    fn day(&mut self, path: &str, value: Option<Day>) {
        match value {
            None => self.push(path, Problem::Required),
            Some(Day(d)) if d > self.today => self.push(path, Problem::InFuture),
            Some(_) => {}
        }
    }

    fn month(&mut self, path: &str, value: Option<Month>) {
        match value {
            None => self.push(path, Problem::Required),
            Some(m) if (m.year, m.month) > (self.today.year(), self.today.month() as u8) => {
                self.push(path, Problem::InFuture)
            }
            Some(_) => {}
        }
    }

    fn year(&mut self, path: &str, value: Option<i64>) {
        match value {
            None => self.push(path, Problem::Required),
            Some(y) if y > i64::from(self.today.year()) => self.push(path, Problem::InFuture),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests;
