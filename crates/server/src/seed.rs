//! `talentlib seed --designers N`: fills the database with N realistic rated designers
//! (accounts, applications with evidence records, verified reviews, expert assignments and
//! scores, ratings in finalized batches) for benchmarks and demos. Rows are built with the
//! domain's own code (form parsing, item ids, rubric, assignment, aggregation, stars) and written
//! in bulk, one transaction per chunk.

use crate::auth::hash_password;
use crate::demo;
use crate::files::Stager;
use crate::state::{new_uuid, now_millis, AppState};
use anyhow::Context;
use serde_json::json;
use std::collections::HashSet;
use talentlib_domain::application::Status;
use talentlib_domain::assignment::{assign, Applicant, Expert, SplitMix64};
use talentlib_domain::batch::BatchStatus;
use talentlib_domain::form::{parse_form, ApplicationForm, Choice, Degree};
use talentlib_domain::identity::check_char;
use talentlib_domain::ids::{ApplicationId, AttachmentId, BatchId, ItemId, UserId};
use talentlib_domain::points::Points;
use talentlib_domain::reference::Reference;
use talentlib_domain::review::ItemCheck;
use talentlib_domain::roles::{Role, Roles};
use talentlib_domain::scoring::{aggregate, ScoreSheet};
use talentlib_store::accounts::{self, Account};
use talentlib_store::applications::{self, ApplicationRow, Event};
use talentlib_store::attachments::{self, AttachmentRow};
use talentlib_store::batches::{self, BatchRow};
use talentlib_store::ratings::{self, RatingRow};
use talentlib_store::reviews;
use talentlib_store::scoring::{self, AssignmentRow, ScoreRow};

const SURNAMES: [&str; 24] = [
    "李", "王", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "唐",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明远", "雪", "晨曦", "子涵",
    "浩然", "思雨", "欣怡", "宇航", "嘉怡", "俊杰", "梓萱", "一鸣", "书瑶",
];
const EMPLOYERS: [&str; 12] = [
    "重庆长安汽车股份有限公司",
    "赛力斯汽车有限公司",
    "重庆大学",
    "四川美术学院",
    "重庆工业设计促进中心",
    "隆鑫通用动力股份有限公司",
    "重庆海尔智能家居有限公司",
    "宗申产业集团",
    "重庆京东方光电科技有限公司",
    "重庆小康工业集团",
    "重庆邮电大学",
    "重庆某工业设计公司",
];
const EXPERTS: usize = 30;
/// Designers written per transaction.
const CHUNK: usize = 5_000;

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub designers: usize,
    /// Applications per batch.
    pub batch_size: usize,
    /// Experts who score each application.
    pub experts_per_application: usize,
    /// Leave the batches in `scoring`, every sheet in but no rating published: what a
    /// finalize benchmark starts from.
    pub unfinalized: bool,
}

impl SeedOptions {
    pub const DEFAULT_BATCH_SIZE: usize = 10_000;
    pub const DEFAULT_EXPERTS_PER_APPLICATION: usize = 3;

    pub fn check(&self) -> Result<(), String> {
        if self.batch_size == 0 {
            return Err("--batch-size must be at least 1".into());
        }
        if !(1..=EXPERTS).contains(&self.experts_per_application) {
            return Err(format!(
                "--experts-per-application must be between 1 and {EXPERTS}"
            ));
        }
        Ok(())
    }
}

pub struct SeedReport {
    pub designers: usize,
    pub batches: usize,
    pub millis: u128,
}

fn pick<'a, T>(rng: &mut SplitMix64, items: &'a [T]) -> &'a T {
    &items[(rng.next_u64() % items.len() as u64) as usize]
}

fn id_number(rng: &mut SplitMix64) -> String {
    let year = 1965 + rng.next_u64() % 35;
    let month = 1 + rng.next_u64() % 12;
    let day = 1 + rng.next_u64() % 28;
    let seq = rng.next_u64() % 1000;
    let first17 = format!("500103{year}{month:02}{day:02}{seq:03}");
    format!("{first17}{}", check_char(first17.as_bytes()).unwrap_or('0'))
}

/// A plausible complete form: personal data, a degree, a title, one to three awards, compensation.
fn form(rng: &mut SplitMix64, name: &str, email: &str) -> ApplicationForm {
    let r = Reference::get();
    let district = &pick(rng, &r.districts).code;
    let major = &pick(rng, &r.majors).code;
    let award = &pick(rng, &r.awards).name_zh;
    let tiers = ["international", "national", "provincial", "municipal"];
    let ranks = [
        "grand",
        "gold",
        "silver",
        "bronze",
        "excellence",
        "finalist",
    ];
    let levels = ["junior", "intermediate", "deputy_senior", "senior"];
    let awards: Vec<serde_json::Value> = (0..1 + rng.next_u64() % 3)
        .map(|i| {
            json!({"name": award, "tier": pick(rng, &tiers), "rank": pick(rng, &ranks), "year": 2018 + (rng.next_u64() % 8) as i64,
                   "work_title": format!("作品{i}"), "role": if rng.next_u64().is_multiple_of(3) { "member" } else { "lead" }})
        })
        .collect();
    let v = json!({
        "personal": {"name": name, "gender": "male", "id_number": id_number(rng), "phone": format!("138{:08}", rng.next_u64() % 100_000_000),
            "email": email, "district_code": district, "connection": "native", "employer": pick(rng, &EMPLOYERS),
            "position": "工业设计师", "work_type": pick(rng, &["services", "research", "management", "related"]),
            "design_years": (3 + rng.next_u64() % 25) as i64, "public_consent": !rng.next_u64().is_multiple_of(4), "clean_record_declared": true},
        "education": [{"degree": pick(rng, Degree::ALL).as_str(), "major_code": major, "institution": "重庆大学", "graduated_on": "2010-07"}],
        "titles": [{"name": "工程师（工业设计）", "level": pick(rng, &levels), "issuer": "重庆市人力资源和社会保障局", "awarded_on": "2019-12-01"}],
        "awards": awards,
        "compensation": {"annual_income_cny": (80_000 + rng.next_u64() % 500_000) as i64, "year": 2025},
        "articles": (0..rng.next_u64() % 4).map(|i| json!({"title": format!("工业设计研究{i}"), "venue": "包装工程",
            "indexing": pick(rng, &["core", "general", "cssci"]), "published_on": "2023-05-01", "author_rank": (1 + rng.next_u64() % 3) as i64})).collect::<Vec<_>>(),
        "ip_rights": (0..rng.next_u64() % 6).map(|i| json!({"kind": pick(rng, &["design_patent", "utility_model", "invention_patent"]),
            "number": format!("ZL2023{i:07}"), "title": "外观设计", "granted_on": "2024-01-01", "inventor_rank": (1 + rng.next_u64() % 2) as i64})).collect::<Vec<_>>(),
        "honors": (0..rng.next_u64() % 3).map(|_| json!({"name": "优秀设计师", "level": pick(rng, &["national", "provincial", "municipal"]), "year": 2022})).collect::<Vec<_>>(),
        "projects": (0..rng.next_u64() % 3).map(|_| json!({"name": "产品设计项目", "level": pick(rng, &["national", "provincial", "municipal"]),
            "role": pick(rng, &["leader", "core", "participant"]), "started_on": "2022-03-01", "status": "completed"})).collect::<Vec<_>>()
    });
    let mut f = parse_form(&v).unwrap_or_default();
    f.personal.gender = None;
    let _ = f.assign_item_ids(
        &ApplicationForm::default(),
        || ItemId::from_uuid(new_uuid()),
    );
    f
}

async fn ensure_staff(st: &AppState, hash: &str) -> anyhow::Result<(UserId, Vec<Expert>)> {
    let db = st.store.db();
    let reviewer_email = "seed-reviewer@seed.talentlib.cn";
    let mut missing = Vec::new();
    let reviewer = match accounts::by_email(db, reviewer_email).await? {
        Some(a) => a.id,
        None => {
            let a = Account {
                id: UserId::from_uuid(new_uuid()),
                email: reviewer_email.into(),
                name: "种子数据审核员".into(),
                password_hash: hash.into(),
                roles: Roles::new(vec![Role::Reviewer]),
                district_code: None,
                employer: None,
                created_at: now_millis(),
            };
            let id = a.id;
            missing.push(a);
            id
        }
    };
    for i in 0..EXPERTS {
        let email = format!("seed-expert-{i}@seed.talentlib.cn");
        if accounts::by_email(db, &email).await?.is_none() {
            missing.push(Account {
                id: UserId::from_uuid(new_uuid()),
                email,
                name: format!("评审专家{i}"),
                password_hash: hash.into(),
                roles: Roles::new(vec![Role::Expert]),
                district_code: None,
                employer: Some(EMPLOYERS[i % EMPLOYERS.len()].to_string()),
                created_at: now_millis(),
            });
        }
    }
    let tx = st.store.write().await?;
    accounts::insert_many(&*tx, &missing).await?;
    tx.commit().await?;
    let experts = accounts::with_role(db, Role::Expert)
        .await?
        .into_iter()
        .filter(|a| a.email.starts_with("seed-expert-"))
        .map(|a| Expert {
            id: a.id,
            employer: a.employer,
        })
        .collect();
    Ok((reviewer, experts))
}

pub async fn seed(st: &AppState, opts: SeedOptions) -> anyhow::Result<SeedReport> {
    opts.check().map_err(anyhow::Error::msg)?;
    let designers = opts.designers;
    let started = std::time::Instant::now();
    let hash = hash_password("talentlib-seed".into())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (reviewer, experts) = ensure_staff(st, &hash).await?;
    let rubric = crate::service::rubrics::current(st.store.db())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // A random tag keeps the seeded emails of several runs apart.
    let tag: u32 = rand::random();
    let run = format!("{tag:08x}");
    let mut rng = SplitMix64::new(u64::from(tag));
    // One sample certificate backs every seeded evidence record.
    let mut stager = Stager::new(&st.files.staging_dir(), st.config.max_upload_bytes).await?;
    stager.push(&demo::sample_certificate()).await?;
    let staged = stager.finish().await?;
    let (sample_key, sample_size, sample_sha) = (
        format!("seed-{run}"),
        staged.size as i64,
        staged.sha256.clone(),
    );
    st.files
        .put(&sample_key, &staged)
        .await
        .context("storing the sample certificate")?;

    let mut written = 0usize;
    let mut batch_count = 0usize;
    while written < designers {
        let in_batch = opts.batch_size.min(designers - written);
        let now = now_millis();
        let batch = BatchRow {
            id: BatchId::from_uuid(new_uuid()),
            name: format!("种子批次 {run}-{}", batch_count + 1),
            status: if opts.unfinalized {
                BatchStatus::Scoring
            } else {
                BatchStatus::Finalized
            },
            created_by: reviewer,
            created_at: now,
            closed_at: Some(now),
            rubric_version: Some(rubric.version.clone()),
        };
        let tx = st.store.write().await?;
        batches::insert(&*tx, &batch).await?;
        tx.commit().await?;
        let mut done_in_batch = 0;
        while done_in_batch < in_batch {
            let n = CHUNK.min(in_batch - done_in_batch);
            write_chunk(
                st,
                &mut rng,
                &run,
                written + done_in_batch,
                n,
                batch.id,
                reviewer,
                &experts,
                &rubric,
                &hash,
                opts,
                (&sample_key, sample_size, &sample_sha),
            )
            .await?;
            done_in_batch += n;
        }
        if !opts.unfinalized {
            // The search index is derived data: a server builds it in the background (or
            // `talentlib reindex` at once); until then text search scans.
            let tx = st.store.write().await?;
            talentlib_store::notifications::enqueue(
                &*tx,
                new_uuid(),
                talentlib_store::library_index::INDEX_JOB,
                &batch.id.to_string(),
                now_millis(),
            )
            .await?;
            tx.commit().await?;
        }
        written += in_batch;
        batch_count += 1;
    }
    st.library_counts.clear();
    Ok(SeedReport {
        designers: written,
        batches: batch_count,
        millis: started.elapsed().as_millis(),
    })
}

#[allow(clippy::too_many_arguments)]
async fn write_chunk(
    st: &AppState,
    rng: &mut SplitMix64,
    run: &str,
    offset: usize,
    n: usize,
    batch_id: BatchId,
    reviewer: UserId,
    experts: &[Expert],
    rubric: &talentlib_domain::rubric::RubricDef,
    hash: &str,
    opts: SeedOptions,
    (sample_key, sample_size, sample_sha): (&str, i64, &str),
) -> anyhow::Result<()> {
    let now = now_millis();
    let year = crate::state::today_in_chongqing().year();
    let mut accounts_rows = Vec::with_capacity(n);
    let mut apps = Vec::with_capacity(n);
    let mut events = Vec::with_capacity(2 * n);
    let mut files = Vec::new();
    let mut checks = Vec::new();
    let mut forms = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("{}{}", pick(rng, &SURNAMES), pick(rng, &GIVEN));
        let email = format!("seed-{run}-{}@seed.talentlib.cn", offset + i);
        let designer = UserId::from_uuid(new_uuid());
        accounts_rows.push(Account {
            id: designer,
            email: email.clone(),
            name: name.clone(),
            password_hash: hash.to_string(),
            roles: Roles::new(vec![Role::Designer]),
            district_code: None,
            employer: None,
            created_at: now,
        });
        let form = form(rng, &name, &email);
        let app = ApplicationId::from_uuid(new_uuid());
        let mut row = ApplicationRow {
            id: app,
            designer_id: designer,
            batch_id,
            status: Status::Accepted,
            form_json: String::new(),
            id_number_enc: None,
            phone_enc: None,
            name: None,
            district_code: None,
            employer: None,
            major_flagged: false,
            review_comment: None,
            submitted_at: Some(now),
            created_at: now,
            updated_at: now,
            major: None,
            work_type: None,
            public_consent: false,
        };
        crate::service::applications::store_form(st, &mut row, &form)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for status in [Status::Submitted, Status::Accepted] {
            events.push((
                new_uuid(),
                Event {
                    application_id: app,
                    at: now,
                    actor_id: if status == Status::Submitted {
                        designer
                    } else {
                        reviewer
                    },
                    status,
                    comment: None,
                    batch_id: Some(batch_id),
                },
            ));
        }
        for item in form.item_ids() {
            files.push(AttachmentRow {
                id: AttachmentId::from_uuid(new_uuid()),
                application_id: app,
                item_id: Some(item),
                filename: "证明材料.pdf".into(),
                size: sample_size,
                sha256: sample_sha.to_string(),
                content_type: "application/pdf".into(),
                storage_key: sample_key.to_string(),
                uploaded_by: designer,
                created_at: now,
            });
            checks.push((
                app,
                ItemCheck {
                    item_id: item,
                    verified: true,
                    note: None,
                },
            ));
        }
        apps.push(row);
        forms.push(form);
    }
    let applicants: Vec<Applicant> = apps
        .iter()
        .map(|a| Applicant {
            application_id: a.id,
            designer_id: a.designer_id,
            name: a.name.clone(),
            employer: a.employer.clone(),
        })
        .collect();
    let k = opts.experts_per_application;
    let drawn =
        assign(&applicants, experts, k, rng.next_u64()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut assignment_rows = Vec::with_capacity(k * n);
    let mut scores = Vec::with_capacity(k * n);
    let mut ratings_rows = Vec::with_capacity(n);
    let mut panels = Vec::with_capacity(n);
    for (a, (row, form)) in drawn.iter().zip(apps.iter().zip(&forms)) {
        let verified: HashSet<ItemId> = form.item_ids().into_iter().collect();
        let reference = rubric.reference_score(form, &verified, year);
        let mut sheets = Vec::new();
        for expert in &a.expert_ids {
            assignment_rows.push(AssignmentRow {
                application_id: a.application_id,
                expert_id: *expert,
                batch_id,
                assigned_at: now,
            });
            let mut sheet = ScoreSheet {
                scores: Default::default(),
            };
            for (key, points) in &reference.categories {
                let cap = rubric.cap(key).to_hundredths();
                let noise = (rng.next_u64() % 401) as i64 - 200; // ±2 points
                sheet
                    .scores
                    .insert(key.clone(), (points.to_hundredths() + noise).clamp(0, cap));
            }
            sheets.push(sheet.clone());
            scores.push(ScoreRow {
                application_id: a.application_id,
                expert_id: *expert,
                batch_id,
                sheet,
                comment: None,
                updated_at: now,
            });
        }
        if let Some(p) = crate::service::scoring::panel_row(row.id, batch_id, &sheets, rubric, now)
        {
            panels.push(p);
        }
        let Some(agg) = aggregate(&sheets).filter(|_| !opts.unfinalized) else {
            continue;
        };
        ratings_rows.push(RatingRow {
            id: new_uuid(),
            designer_id: row.designer_id,
            application_id: row.id,
            batch_id,
            total: agg.total,
            stars: rubric.stars_for(Points::from_hundredths(agg.total)),
            categories: agg.categories,
            rubric_version: rubric.version.clone(),
            rated_at: now,
            is_current: true,
            name: row.name.clone().unwrap_or_default(),
            district_code: row.district_code.clone(),
            employer: row.employer.clone(),
            major: row.major.clone(),
            work_type: row.work_type.clone(),
            public_consent: row.public_consent,
        });
    }
    let tx = st.store.write().await?;
    bulk_cache(st, &tx).await?;
    accounts::insert_many(&*tx, &accounts_rows).await?;
    applications::insert_many(&*tx, &apps).await?;
    applications::insert_events_many(&*tx, &events).await?;
    attachments::insert_many(&*tx, &files).await?;
    reviews::insert_many(&*tx, &checks, reviewer, now).await?;
    scoring::insert_assignments(&*tx, &assignment_rows).await?;
    scoring::insert_scores_many(&*tx, &scores).await?;
    talentlib_store::panels::insert_many(&*tx, &panels).await?;
    ratings::publish(&*tx, &ratings_rows).await?;
    tx.commit().await?;
    Ok(())
}

/// Bulk loading inserts into B-trees keyed by random ids: with SQLite's default 2 MiB page cache
/// nearly every insert reads and rewrites pages through the kernel. The seeding connection gets
/// a large cache (the server's connections keep the default, which its memory budget needs).
async fn bulk_cache(st: &AppState, tx: &talentlib_store::Tx) -> anyhow::Result<()> {
    use talentlib_store::sea_orm::{ConnectionTrait, DbBackend};
    if st.store.backend() == DbBackend::Sqlite {
        tx.execute_unprepared("PRAGMA cache_size = -262144").await?;
    }
    Ok(())
}
