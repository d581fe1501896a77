//! The document review of one application (`GET/POST /review/applications/{id}`): personal
//! data, every evidence item beside its files, a "verified" box and a note per item, the
//! reference score with each item's rule, and the decision. Only a submitted application can be
//! decided; any other is shown read-only with its timeline.

use super::{fmt, path_id, staff_actor};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::service::applications::{self, ApplicationView};
use crate::service::review::{self, ReviewInput};
use crate::service::{rubrics, scoring, Actor};
use crate::state::AppState;
use crate::web::page::{field_errors, redirect_with_flash, PageCtx, PageError};
use crate::web::progress;
use crate::web::rubric::category_name;
use crate::web::staff::common::{district_name, fmt_minutes, time_ctx};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::{context, Value};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::HashMap;
use talentlib_domain::application::Status;
use talentlib_domain::ids::{ApplicationId, ItemId};
use talentlib_domain::reference::Reference;
use talentlib_domain::review::{form_needs_comment, Decision, ItemCheck};
use talentlib_domain::rubric::ItemPoints;
use talentlib_domain::{FieldError, Problem, RuleError};

/// How a stored value is shown.
#[derive(Clone, Copy)]
enum Show {
    Text,
    /// Identity numbers: monospaced, so digits are easy to compare with the documents.
    Mono,
    /// An enum value, labelled by `enum.<list>.<value>`.
    Enum(&'static str),
    District,
    Major,
    YesNo,
    /// Whole yuan with thousands separators.
    Money,
}

use Show::*;

const PERSONAL: &[(&str, Show)] = &[
    ("name", Text),
    ("gender", Enum("gender")),
    ("id_number", Mono),
    ("phone", Mono),
    ("email", Text),
    ("district_code", District),
    ("connection", Enum("connection")),
    ("employer", Text),
    ("position", Text),
    ("work_type", Enum("work_type")),
    ("design_years", Text),
    ("public_consent", YesNo),
    ("clean_record_declared", YesNo),
];

struct SectionShow {
    key: &'static str,
    list: bool,
    /// The field that names an item in its heading.
    heading: Option<&'static str>,
    fields: &'static [(&'static str, Show)],
}

/// The evidence sections in the order of the paper form.
const SECTIONS: [SectionShow; 8] = [
    SectionShow {
        key: "education",
        list: true,
        heading: Some("institution"),
        fields: &[
            ("degree", Enum("degree")),
            ("major_code", Major),
            ("major_name", Text),
            ("institution", Text),
            ("graduated_on", Text),
        ],
    },
    SectionShow {
        key: "titles",
        list: true,
        heading: Some("name"),
        fields: &[
            ("name", Text),
            ("level", Enum("title_level")),
            ("issuer", Text),
            ("awarded_on", Text),
        ],
    },
    SectionShow {
        key: "awards",
        list: true,
        heading: Some("name"),
        fields: &[
            ("name", Text),
            ("tier", Enum("award_tier")),
            ("rank", Enum("award_rank")),
            ("year", Text),
            ("work_title", Text),
            ("role", Enum("award_role")),
        ],
    },
    SectionShow {
        key: "articles",
        list: true,
        heading: Some("title"),
        fields: &[
            ("title", Text),
            ("venue", Text),
            ("indexing", Enum("indexing")),
            ("published_on", Text),
            ("author_rank", Text),
        ],
    },
    SectionShow {
        key: "ip_rights",
        list: true,
        heading: Some("title"),
        fields: &[
            ("kind", Enum("ip_kind")),
            ("number", Mono),
            ("title", Text),
            ("granted_on", Text),
            ("inventor_rank", Text),
        ],
    },
    SectionShow {
        key: "honors",
        list: true,
        heading: Some("name"),
        fields: &[
            ("name", Text),
            ("level", Enum("honor_level")),
            ("issuer", Text),
            ("year", Text),
        ],
    },
    SectionShow {
        key: "compensation",
        list: false,
        heading: None,
        fields: &[("annual_income_cny", Money), ("year", Text)],
    },
    SectionShow {
        key: "projects",
        list: true,
        heading: Some("name"),
        fields: &[
            ("name", Text),
            ("level", Enum("project_level")),
            ("role", Enum("project_role")),
            ("started_on", Text),
            ("status", Enum("project_status")),
            ("funding_cny", Money),
        ],
    },
];

fn plain(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A stored value as text in the page's language; none when not given.
fn shown(lang: Lang, value: Option<&Json>, show: Show) -> Option<String> {
    let v = value.unwrap_or(&Json::Null);
    let text = match show {
        YesNo => Some(i18n::t(
            lang,
            if v.as_bool() == Some(true) {
                "form.yes"
            } else {
                "form.no"
            },
            &[],
        )),
        Enum(list) => v.as_str().map(|s| {
            let key = format!("enum.{list}.{s}");
            if i18n::has(lang, &key) {
                i18n::t(lang, &key, &[])
            } else {
                s.to_string()
            }
        }),
        District => v.as_str().map(|c| district_name(lang, c)),
        Major => v.as_str().map(|code| match Reference::get().major(code) {
            Some(m) => {
                let name = match lang {
                    Lang::Zh => m.name_zh.clone(),
                    Lang::En => m.name_en.clone(),
                };
                i18n::t(
                    lang,
                    "application.major_with_code",
                    &[("name", name), ("code", code.to_string())],
                )
            }
            None => i18n::t(lang, "option.major_other", &[]),
        }),
        Money => v.as_i64().map(fmt::thousands).or_else(|| plain(v)),
        Text | Mono => plain(v),
    };
    text.filter(|s| !s.trim().is_empty())
}

#[derive(Serialize)]
struct Line {
    label: String,
    value: Option<String>,
    mono: bool,
}

fn lines(lang: Lang, section: &str, obj: &Json, fields: &[(&str, Show)]) -> Vec<Line> {
    fields
        .iter()
        .map(|(name, show)| Line {
            label: i18n::t(lang, &format!("field.{section}.{name}"), &[]),
            value: shown(lang, obj.get(*name), *show),
            mono: matches!(show, Mono),
        })
        .collect()
}

#[derive(Serialize)]
struct FileCtx {
    id: String,
    filename: String,
    size: String,
    /// `pdf` (previewed in a frame), `image` (shown) or `other` (linked).
    kind: &'static str,
}

fn file_ctx(a: &talentlib_store::attachments::AttachmentRow) -> FileCtx {
    FileCtx {
        id: a.id.to_string(),
        filename: a.filename.clone(),
        size: fmt::size(a.size),
        kind: match a.content_type.as_str() {
            "application/pdf" => "pdf",
            "image/jpeg" | "image/png" => "image",
            _ => "other",
        },
    }
}

#[derive(Serialize)]
struct RefItem {
    points: String,
    rule: String,
}

#[derive(Serialize)]
struct ItemCtx {
    /// None only for an item saved before ids existed: it cannot be verified.
    id: Option<String>,
    anchor: String,
    number: usize,
    heading: Option<String>,
    /// "Section, item n", for labels and the error summary.
    label: String,
    lines: Vec<Line>,
    files: Vec<FileCtx>,
    /// As ticked on the form (the saved check, or what was just posted).
    verified: bool,
    note: String,
    /// As saved by the last review (the read-only view shows these).
    saved_verified: bool,
    saved_note: Option<String>,
    reference: Option<RefItem>,
}

#[derive(Serialize)]
struct SectionCtx {
    key: &'static str,
    title: String,
    list: bool,
    /// A scoring category (education is checked but not scored).
    scored: bool,
    points: Option<String>,
    cap: Option<String>,
    items: Vec<ItemCtx>,
    verified_count: usize,
}

/// The form as being filled in: the saved review, or what was just posted with its problems.
struct Draft {
    decision: Option<String>,
    comment: String,
    checks: HashMap<ItemId, (bool, String)>,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

impl Draft {
    fn saved(view: &ApplicationView) -> Draft {
        Draft {
            decision: None,
            comment: String::new(),
            checks: view
                .item_checks
                .iter()
                .map(|c| (c.item_id, (c.verified, c.note.clone().unwrap_or_default())))
                .collect(),
            errors: Vec::new(),
            notice: None,
        }
    }
}

fn item_heading(obj: &Json, field: Option<&str>) -> Option<String> {
    field
        .and_then(|f| obj.get(f))
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Every section with its items, their files, checks and reference points.
fn sections(
    lang: Lang,
    view: &ApplicationView,
    values: &Json,
    draft: &Draft,
    reference: &talentlib_domain::rubric::ReferenceScore,
    rubric: &talentlib_domain::rubric::RubricDef,
) -> Vec<SectionCtx> {
    let saved: HashMap<ItemId, &ItemCheck> =
        view.item_checks.iter().map(|c| (c.item_id, c)).collect();
    let points: HashMap<&str, &ItemPoints> = reference
        .items
        .iter()
        .filter_map(|i| i.item_id.as_deref().map(|id| (id, i)))
        .collect();
    let rubric_view = rubric.view();
    SECTIONS
        .iter()
        .map(|s| {
            let title = category_name(lang, &rubric_view, s.key);
            let objects: Vec<&Json> = match values.get(s.key) {
                Some(Json::Array(list)) => list.iter().collect(),
                Some(o @ Json::Object(_)) => vec![o],
                _ => Vec::new(),
            };
            let items: Vec<ItemCtx> = objects
                .iter()
                .enumerate()
                .map(|(i, obj)| {
                    let id: Option<ItemId> = obj
                        .get("id")
                        .and_then(Json::as_str)
                        .and_then(|s| s.parse().ok());
                    let number = i + 1;
                    let label = if s.list {
                        i18n::t(
                            lang,
                            "application.item_label",
                            &[("section", title.clone()), ("number", number.to_string())],
                        )
                    } else {
                        title.clone()
                    };
                    let (verified, note) = id
                        .and_then(|id| draft.checks.get(&id).cloned())
                        .unwrap_or_default();
                    let saved_check = id.and_then(|id| saved.get(&id));
                    ItemCtx {
                        id: id.map(|i| i.to_string()),
                        anchor: format!("item-{}-{number}", s.key),
                        number,
                        heading: item_heading(obj, s.heading),
                        label,
                        lines: lines(lang, s.key, obj, s.fields),
                        files: view
                            .attachments
                            .iter()
                            .filter(|a| a.item_id.is_some() && a.item_id == id)
                            .map(file_ctx)
                            .collect(),
                        verified,
                        note,
                        saved_verified: saved_check.is_some_and(|c| c.verified),
                        saved_note: saved_check.and_then(|c| c.note.clone()),
                        reference: id
                            .and_then(|id| points.get(id.to_string().as_str()))
                            .map(|p| RefItem {
                                points: fmt::points(p.points),
                                rule: fmt::explain_rule(lang, &p.rule),
                            }),
                    }
                })
                .collect();
            let scored = talentlib_domain::rubric::CATEGORY_KEYS.contains(&s.key);
            SectionCtx {
                key: s.key,
                title,
                list: s.list,
                scored,
                points: scored
                    .then(|| reference.categories.get(s.key).copied())
                    .flatten()
                    .map(fmt::points),
                cap: scored.then(|| fmt::points(rubric.cap(s.key))),
                verified_count: items.iter().filter(|i| i.saved_verified).count(),
                items,
            }
        })
        .collect()
}

async fn render(
    st: &AppState,
    page: &PageCtx,
    actor: &Actor,
    view: &ApplicationView,
    draft: Draft,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let db = st.store.db();
    let reference = scoring::reference_score(st, actor, view.id)
        .await
        .map_err(|e| page.error(e))?;
    let rubric = rubrics::for_batch(db, view.batch_id)
        .await
        .map_err(|e| page.error(e))?;
    let batch = talentlib_store::batches::get(db, view.batch_id)
        .await
        .map_err(|e| page.error(e.into()))?;
    let values = serde_json::to_value(&view.form).unwrap_or(Json::Null);
    let personal = values.get("personal").cloned().unwrap_or(Json::Null);
    let sections = sections(lang, view, &values, &draft, &reference, &rubric);
    let rated = progress::rated(st, lang, view.rating.as_ref()).await;
    // A staff member's own application is theirs to follow, never to decide.
    let own = view.designer_id == actor.user.id;
    // Nor, with an application of their own in this batch, a competitor's.
    let party = !own
        && crate::service::impartiality::is_party(db, actor, view.batch_id)
            .await
            .map_err(|e| page.error(e))?;
    let batch_names = &progress::moved_batch_names(st, view)
        .await
        .map_err(|e| page.error(e))?;

    let labels: HashMap<String, String> = sections
        .iter()
        .flat_map(|s| s.items.iter())
        .filter_map(|i| {
            i.id.as_ref().map(|id| {
                (
                    format!("note.{id}"),
                    i18n::t(lang, "review.doc.note_of", &[("item", i.label.clone())]),
                )
            })
        })
        .collect();
    let (errors, errors_list) = field_errors(lang, &draft.errors, |path| match path {
        "comment" => Some(page.t("review.doc.comment")),
        "decision" => Some(page.t("review.doc.decision")),
        "items" => Some(page.t("review.doc.items")),
        other => labels.get(other).cloned(),
    });
    let unlinked: Vec<FileCtx> = view
        .attachments
        .iter()
        .filter(|a| a.item_id.is_none())
        .map(file_ctx)
        .collect();
    let categories: Vec<Value> = sections
        .iter()
        .filter(|s| s.scored)
        .map(|s| {
            context! {
                key => s.key,
                title => &s.title,
                points => s.points.clone().unwrap_or_else(|| "0.00".into()),
                cap => &s.cap,
                counted => s.items.iter().filter(|i| i.reference.is_some()).count(),
            }
        })
        .collect();
    let item_total: usize = sections.iter().map(|s| s.items.len()).sum();
    let verified_total: usize = sections.iter().map(|s| s.verified_count).sum();
    let decisions: Vec<[String; 2]> = Decision::ALL
        .iter()
        .map(|d| {
            [
                d.as_str().to_string(),
                page.t(&format!("review.doc.decision.{}", d.as_str())),
            ]
        })
        .collect();
    let ctx = context! {
        app => context! {
            id => view.id.to_string(),
            status => view.status.as_str(),
            name => personal.get("name").and_then(Json::as_str).filter(|s| !s.trim().is_empty()),
            batch_id => view.batch_id.to_string(),
            submitted_at => time_ctx(view.submitted_at),
            updated_at => time_ctx(Some(view.updated_at)),
            review_comment => &view.review_comment,
            major_flagged => view.major_flagged,
            identity_masked => view.identity_masked,
            can_open_evidence => view.can_open_evidence,
        },
        batch => batch.map(|b| context! { id => b.id.to_string(), name => b.name, status => b.status.as_str() }),
        personal => lines(lang, "personal", &personal, PERSONAL),
        sections => sections,
        unlinked => unlinked,
        reference => context! {
            total => fmt::points(reference.total),
            max => fmt::points(talentlib_domain::rubric::CATEGORY_KEYS.iter().map(|k| rubric.cap(k)).sum()),
            categories => categories,
            rubric_version => &rubric.version,
        },
        item_total => item_total,
        verified_total => verified_total,
        timeline => progress::timeline(lang, view, rated.as_ref(), None, batch_names, fmt_minutes),
        can_decide => view.status == Status::Submitted && !own && !party,
        own => own,
        party => party,
        decisions => decisions,
        values => context! { decision => &draft.decision, comment => &draft.comment },
        errors => errors,
        errors_list => errors_list,
        notice => &draft.notice,
    };
    Ok(page.render_status(st, status, "review_document.html", ctx))
}

pub(super) async fn get_document(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let id: ApplicationId = path_id(&page, &id)?;
    let view = applications::get(&st, &actor, id)
        .await
        .map_err(|e| page.error(e))?;
    let draft = Draft::saved(&view);
    render(&st, &page, &actor, &view, draft, StatusCode::OK).await
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The posted form: the decision, the comment and one check per item listed in `item` fields
/// (`verified.<id>` present when ticked, `note.<id>` the note). Item ids that are not ids at all
/// make the request malformed.
fn read_posted(pairs: &[(String, String)]) -> Result<(Option<String>, String, Vec<ItemCheck>), ()> {
    let decision = first(pairs, "decision")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let comment = first(pairs, "comment").unwrap_or("").to_string();
    let mut items: Vec<ItemCheck> = Vec::new();
    for (k, v) in pairs {
        if k != "item" {
            continue;
        }
        let item_id: ItemId = v.trim().parse().map_err(|_| ())?;
        if items.iter().any(|c| c.item_id == item_id) {
            continue;
        }
        let verified = first(pairs, &format!("verified.{item_id}")).is_some();
        let note = first(pairs, &format!("note.{item_id}"))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        items.push(ItemCheck {
            item_id,
            verified,
            note,
        });
    }
    Ok((decision, comment, items))
}

/// The service's paths (`items[2].note`) renamed to the form's fields (`note.<id>`).
fn renamed(errors: Vec<FieldError>, sent: &[ItemCheck]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let path = e
                .path
                .strip_prefix("items[")
                .and_then(|rest| rest.split_once(']'))
                .map(|(i, field)| match (i.parse::<usize>().ok(), field) {
                    (Some(i), ".note") if i < sent.len() => format!("note.{}", sent[i].item_id),
                    _ => "items".to_string(),
                })
                .unwrap_or(e.path);
            FieldError::new(path, e.problem)
        })
        .collect()
}

pub(super) async fn post_document(
    State(st): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let actor = staff_actor(&page)?;
    let Form(pairs) = form.map_err(|e| page.error(AppError::Malformed(e.body_text())))?;
    page.check_csrf(first(&pairs, "csrf_token").unwrap_or(""))?;
    let id: ApplicationId = path_id(&page, &id)?;
    let (decision_raw, comment, items) =
        read_posted(&pairs).map_err(|()| page.error(AppError::Malformed("item".into())))?;
    let mut draft = Draft {
        decision: decision_raw.clone(),
        comment: comment.clone(),
        checks: items
            .iter()
            .map(|c| (c.item_id, (c.verified, c.note.clone().unwrap_or_default())))
            .collect(),
        errors: Vec::new(),
        notice: None,
    };
    let Some(decision) = decision_raw.as_deref().and_then(Decision::parse) else {
        let view = applications::get(&st, &actor, id)
            .await
            .map_err(|e| page.error(e))?;
        draft
            .errors
            .push(FieldError::new("decision", Problem::Required));
        return render(
            &st,
            &page,
            &actor,
            &view,
            draft,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if form_needs_comment(decision) && comment.trim().is_empty() {
        let view = applications::get(&st, &actor, id)
            .await
            .map_err(|e| page.error(e))?;
        draft
            .errors
            .push(FieldError::new("comment", Problem::CommentRequired));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&st, &page, &actor, &view, draft, status).await;
    }
    let input = ReviewInput {
        decision,
        comment: Some(comment),
        items: items.clone(),
    };
    match review::decide(&st, &actor, id, input).await {
        Ok(view) => Ok(redirect_with_flash(
            &format!("/review?batch_id={}&status=submitted", view.batch_id),
            Some("flash.review_saved"),
        )),
        Err(AppError::Invalid(errors)) => {
            let view = applications::get(&st, &actor, id)
                .await
                .map_err(|e| page.error(e))?;
            draft.errors = renamed(errors, &items);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&st, &page, &actor, &view, draft, status).await
        }
        Err(e @ AppError::Rule(RuleError::NotReviewable)) => {
            let view = applications::get(&st, &actor, id)
                .await
                .map_err(|e| page.error(e))?;
            let mut draft = Draft::saved(&view);
            draft.notice = Some(e.message(page.lang));
            render(&st, &page, &actor, &view, draft, StatusCode::CONFLICT).await
        }
        Err(e) => Err(page.error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_becomes_one_check_per_listed_item() {
        let a = ItemId::from_uuid(uuid::Uuid::new_v4());
        let b = ItemId::from_uuid(uuid::Uuid::new_v4());
        let (a_s, b_s) = (a.to_string(), b.to_string());
        let form = pairs(&[
            ("decision", "accept"),
            ("comment", " ok "),
            ("item", &a_s),
            ("item", &b_s),
            ("item", &a_s),
            (&format!("verified.{a_s}"), "true"),
            (&format!("note.{b_s}"), "  blurry scan "),
            (&format!("note.{a_s}"), "   "),
        ]);
        let (decision, comment, items) = read_posted(&form).unwrap();
        assert_eq!(decision.as_deref(), Some("accept"));
        assert_eq!(comment, " ok ");
        assert_eq!(items.len(), 2);
        assert!(items[0].verified && items[0].note.is_none());
        assert!(!items[1].verified);
        assert_eq!(items[1].note.as_deref(), Some("blurry scan"));
        assert!(read_posted(&pairs(&[("item", "../x")])).is_err());
        let errors = renamed(
            vec![
                FieldError::new("items[1].note", Problem::TooLong { max: 1000 }),
                FieldError::new("items[0].item_id", Problem::UnknownItem),
                FieldError::new("comment", Problem::CommentRequired),
            ],
            &items,
        );
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, [format!("note.{b_s}").as_str(), "items", "comment"]);
    }
}
