//! The schema, as append-only migrations shared by SQLite and PostgreSQL.
//! Timestamps are Unix milliseconds (BIGINT): one portable type that sorts correctly.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(ReviewItems),
            Box::new(Scoring),
            Box::new(Notifications),
            Box::new(Panels),
            Box::new(BatchRubric),
            Box::new(BatchWalkIndex),
            Box::new(LibrarySearch),
            Box::new(EventBatch),
        ]
    }
}

fn n(name: &str) -> Alias {
    Alias::new(name)
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(n(name)).text().not_null().to_owned()
}
fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(n(name)).text().null().to_owned()
}
fn id_pk(name: &str) -> ColumnDef {
    ColumnDef::new(n(name))
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}
fn id_col(name: &str) -> ColumnDef {
    ColumnDef::new(n(name)).string_len(36).not_null().to_owned()
}
fn millis(name: &str) -> ColumnDef {
    ColumnDef::new(n(name)).big_integer().not_null().to_owned()
}
fn millis_null(name: &str) -> ColumnDef {
    ColumnDef::new(n(name)).big_integer().null().to_owned()
}
fn fk(from_table: &str, col: &str, to_table: &str, cascade: bool) -> ForeignKeyCreateStatement {
    let mut f = ForeignKey::create();
    f.name(format!("fk_{from_table}_{col}"))
        .from(n(from_table), n(col))
        .to(n(to_table), n(col));
    if cascade {
        f.on_delete(ForeignKeyAction::Cascade);
    }
    f.to_owned()
}

struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m0001_initial"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Users of every role. `account`, not `user`: that word is reserved in PostgreSQL.
        m.create_table(
            Table::create()
                .table(n("account"))
                .col(id_pk("account_id"))
                .col(text("email"))
                .col(text("name"))
                .col(text("password_hash"))
                .col(text("roles"))
                .col(text_null("district_code"))
                .col(text_null("employer"))
                .col(millis("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_account_email")
                .table(n("account"))
                .col(n("email"))
                .unique()
                .to_owned(),
        )
        .await?;

        // Web sessions and API tokens; only a hash of the secret is stored, so a database leak
        // gives no usable token. Kept in the database so that several servers share them.
        m.create_table(
            Table::create()
                .table(n("session"))
                .col(
                    ColumnDef::new(n("token_hash"))
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(id_col("account_id"))
                .col(text("kind"))
                .col(text("csrf_token"))
                .col(millis("created_at"))
                .col(millis("expires_at"))
                .foreign_key(&mut fk("session", "account_id", "account", true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_account")
                .table(n("session"))
                .col(n("account_id"))
                .to_owned(),
        )
        .await?;

        // Failed sign-in counters per account and per address, shared by all servers.
        m.create_table(
            Table::create()
                .table(n("throttle"))
                .col(
                    ColumnDef::new(n("throttle_key"))
                        .string_len(300)
                        .not_null()
                        .primary_key(),
                )
                .col(millis("window_start"))
                .col(ColumnDef::new(n("failures")).integer().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(n("batch"))
                .col(id_pk("batch_id"))
                .col(text("name"))
                .col(text("status"))
                .col(id_col("created_by"))
                .col(millis("created_at"))
                .col(millis_null("closed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_batch_name")
                .table(n("batch"))
                .col(n("name"))
                .unique()
                .to_owned(),
        )
        .await?;

        // The form is one JSON document (without the identity fields, which are encrypted in
        // their own columns); the columns beside it are copies for lists and filters.
        m.create_table(
            Table::create()
                .table(n("application"))
                .col(id_pk("application_id"))
                .col(id_col("designer_id"))
                .col(id_col("batch_id"))
                .col(text("status"))
                .col(text("form"))
                .col(text_null("id_number_enc"))
                .col(text_null("phone_enc"))
                .col(text_null("name"))
                .col(text_null("district_code"))
                .col(text_null("employer"))
                .col(
                    ColumnDef::new(n("major_flagged"))
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(text_null("review_comment"))
                .col(millis_null("submitted_at"))
                .col(millis("created_at"))
                .col(millis("updated_at"))
                .foreign_key(&mut fk("application", "batch_id", "batch", false))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_application_designer")
                        .from(n("application"), n("designer_id"))
                        .to(n("account"), n("account_id")),
                )
                .to_owned(),
        )
        .await?;
        // One application per designer per batch (API.md).
        m.create_index(
            Index::create()
                .name("ux_application_designer_batch")
                .table(n("application"))
                .col(n("designer_id"))
                .col(n("batch_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_application_batch_status")
                .table(n("application"))
                .col(n("batch_id"))
                .col(n("status"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_application_district")
                .table(n("application"))
                .col(n("district_code"))
                .col(n("status"))
                .to_owned(),
        )
        .await?;

        // The timeline: every status change with its comment.
        m.create_table(
            Table::create()
                .table(n("application_event"))
                .col(id_pk("event_id"))
                .col(id_col("application_id"))
                .col(millis("at"))
                .col(id_col("actor_id"))
                .col(text("status"))
                .col(text_null("comment"))
                .foreign_key(&mut fk(
                    "application_event",
                    "application_id",
                    "application",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_application_event_app")
                .table(n("application_event"))
                .col(n("application_id"))
                .col(n("at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(n("attachment"))
                .col(id_pk("attachment_id"))
                .col(id_col("application_id"))
                .col(ColumnDef::new(n("item_id")).string_len(36).null())
                .col(text("filename"))
                .col(ColumnDef::new(n("size")).big_integer().not_null())
                .col(text("sha256"))
                .col(text("content_type"))
                .col(text("storage_key"))
                .col(id_col("uploaded_by"))
                .col(millis("created_at"))
                .foreign_key(&mut fk("attachment", "application_id", "application", true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attachment_app_item")
                .table(n("attachment"))
                .col(n("application_id"))
                .col(n("item_id"))
                .to_owned(),
        )
        .await?;

        // Append-only: the application never updates or deletes these rows.
        m.create_table(
            Table::create()
                .table(n("audit_log"))
                .col(
                    ColumnDef::new(n("seq"))
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(millis("at"))
                .col(ColumnDef::new(n("actor_id")).string_len(36).null())
                .col(text_null("actor_ip"))
                .col(text("action"))
                .col(text("target_type"))
                .col(text_null("target_id"))
                .col(text_null("detail"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_at")
                .table(n("audit_log"))
                .col(n("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_actor")
                .table(n("audit_log"))
                .col(n("actor_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_target")
                .table(n("audit_log"))
                .col(n("target_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "attachment",
            "application_event",
            "application",
            "batch",
            "throttle",
            "session",
            "account",
        ] {
            m.drop_table(Table::drop().table(n(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// The reviewer's per-item verification (only verified items count towards the reference score).
struct ReviewItems;

impl MigrationName for ReviewItems {
    fn name(&self) -> &str {
        "m0002_review_items"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ReviewItems {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("review_item"))
                .col(id_col("application_id"))
                .col(id_col("item_id"))
                .col(ColumnDef::new(n("verified")).boolean().not_null())
                .col(text_null("note"))
                .col(id_col("reviewed_by"))
                .col(millis("reviewed_at"))
                .primary_key(Index::create().col(n("application_id")).col(n("item_id")))
                .foreign_key(&mut fk(
                    "review_item",
                    "application_id",
                    "application",
                    true,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(n("review_item")).to_owned())
            .await
    }
}

/// Rubric versions, expert assignments, score sheets and ratings (the scoring issue).
struct Scoring;

impl MigrationName for Scoring {
    fn name(&self) -> &str {
        "m0003_scoring"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Scoring {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Copies from the form for the library's filters and the public directory's consent.
        for col in [
            text_null("major"),
            text_null("work_type"),
            ColumnDef::new(n("public_consent"))
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(n("application"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        // Every published rubric stays readable; the newest is in force.
        m.create_table(
            Table::create()
                .table(n("rubric_version"))
                .col(
                    ColumnDef::new(n("version"))
                        .string_len(50)
                        .not_null()
                        .primary_key(),
                )
                .col(text("body"))
                .col(ColumnDef::new(n("created_by")).string_len(36).null())
                .col(millis("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(n("assignment"))
                .col(id_col("application_id"))
                .col(id_col("expert_id"))
                .col(id_col("batch_id"))
                .col(millis("assigned_at"))
                .primary_key(Index::create().col(n("application_id")).col(n("expert_id")))
                .foreign_key(&mut fk("assignment", "application_id", "application", true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_assignment_expert")
                .table(n("assignment"))
                .col(n("expert_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_assignment_batch")
                .table(n("assignment"))
                .col(n("batch_id"))
                .to_owned(),
        )
        .await?;
        // One sheet per expert and application; scores in hundredths, as JSON by category.
        m.create_table(
            Table::create()
                .table(n("score"))
                .col(id_col("application_id"))
                .col(id_col("expert_id"))
                .col(id_col("batch_id"))
                .col(text("scores"))
                .col(ColumnDef::new(n("total")).big_integer().not_null())
                .col(text_null("comment"))
                .col(millis("updated_at"))
                .primary_key(Index::create().col(n("application_id")).col(n("expert_id")))
                .foreign_key(&mut fk("score", "application_id", "application", true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_score_batch")
                .table(n("score"))
                .col(n("batch_id"))
                .to_owned(),
        )
        .await?;
        // Append-only ratings; `is_current` marks each designer's latest, which the library lists.
        // Name, district, employer, major and consent are copied for the library's filters.
        m.create_table(
            Table::create()
                .table(n("rating"))
                .col(id_pk("rating_id"))
                .col(id_col("designer_id"))
                .col(id_col("application_id"))
                .col(id_col("batch_id"))
                .col(ColumnDef::new(n("total")).big_integer().not_null())
                .col(ColumnDef::new(n("stars")).integer().not_null())
                .col(text("categories"))
                .col(
                    ColumnDef::new(n("rubric_version"))
                        .string_len(50)
                        .not_null(),
                )
                .col(millis("rated_at"))
                .col(ColumnDef::new(n("is_current")).boolean().not_null())
                .col(text("name"))
                .col(text_null("district_code"))
                .col(text_null("employer"))
                .col(text_null("major"))
                .col(text_null("work_type"))
                .col(ColumnDef::new(n("public_consent")).boolean().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_rating_current")
                .table(n("rating"))
                .col(n("is_current"))
                .col(n("stars"))
                .col(n("total"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_rating_designer")
                .table(n("rating"))
                .col(n("designer_id"))
                .col(n("rated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_rating_application")
                .table(n("rating"))
                .col(n("application_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_rating_district")
                .table(n("rating"))
                .col(n("district_code"))
                .col(n("is_current"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["rating", "score", "assignment", "rubric_version"] {
            m.drop_table(Table::drop().table(n(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// In-app notifications and the background job queue (email delivery).
struct Notifications;

impl MigrationName for Notifications {
    fn name(&self) -> &str {
        "m0004_notifications_jobs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Notifications {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("notification"))
                .col(id_pk("notification_id"))
                .col(id_col("account_id"))
                .col(text("kind"))
                .col(ColumnDef::new(n("application_id")).string_len(36).null())
                .col(text_null("detail"))
                .col(millis("created_at"))
                .col(millis_null("read_at"))
                .foreign_key(&mut fk("notification", "account_id", "account", true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notification_account")
                .table(n("notification"))
                .col(n("account_id"))
                .col(n("created_at"))
                .to_owned(),
        )
        .await?;
        // A job is claimed by moving `locked_until` forward; it is deleted when done, or
        // rescheduled with a back-off when it fails, so nothing is lost while a mail server is down.
        m.create_table(
            Table::create()
                .table(n("job"))
                .col(id_pk("job_id"))
                .col(text("kind"))
                .col(text("payload"))
                .col(millis("run_at"))
                .col(ColumnDef::new(n("attempts")).integer().not_null())
                .col(millis_null("locked_until"))
                .col(text_null("last_error"))
                .col(millis("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_job_run_at")
                .table(n("job"))
                .col(n("run_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["job", "notification"] {
            m.drop_table(Table::drop().table(n(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// Each application's panel aggregate, kept current as experts score, so the reviewer's batch
/// page sorts thousands of applications by total with one indexed query.
struct Panels;

impl MigrationName for Panels {
    fn name(&self) -> &str {
        "m0005_panels"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Panels {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("panel"))
                .col(id_pk("application_id"))
                .col(id_col("batch_id"))
                .col(ColumnDef::new(n("experts_scored")).integer().not_null())
                .col(ColumnDef::new(n("total")).big_integer().not_null())
                .col(ColumnDef::new(n("mean")).big_integer().not_null())
                .col(ColumnDef::new(n("median")).big_integer().not_null())
                .col(ColumnDef::new(n("std_dev")).big_integer().not_null())
                .col(ColumnDef::new(n("spread")).big_integer().not_null())
                .col(ColumnDef::new(n("disagreement")).boolean().not_null())
                .col(text("categories"))
                .col(millis("updated_at"))
                .foreign_key(&mut fk("panel", "application_id", "application", true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_panel_batch_total")
                .table(n("panel"))
                .col(n("batch_id"))
                .col(n("total"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(n("panel")).to_owned())
            .await
    }
}

/// The rubric version a batch is scored by, pinned when experts are assigned: a rubric published
/// while experts score applies to later batches, so caps never change under an expert's sheet.
struct BatchRubric;

impl MigrationName for BatchRubric {
    fn name(&self) -> &str {
        "m0006_batch_rubric"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for BatchRubric {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(n("batch"))
                .add_column(text_null("rubric_version"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(n("batch"))
                .drop_column(n("rubric_version"))
                .to_owned(),
        )
        .await
    }
}

/// Walking a batch's accepted applications in id order (finalizing, chunk by chunk) needs the
/// id in the batch/status index; without it every chunk sorts the whole batch again.
struct BatchWalkIndex;

impl MigrationName for BatchWalkIndex {
    fn name(&self) -> &str {
        "m0007_batch_walk_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for BatchWalkIndex {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_application_batch_status_id")
                .table(n("application"))
                .col(n("batch_id"))
                .col(n("status"))
                .col(n("application_id"))
                .to_owned(),
        )
        .await?;
        // The new index answers every query the old one did.
        m.drop_index(
            Index::drop()
                .name("ix_application_batch_status")
                .table(n("application"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_application_batch_status")
                .table(n("application"))
                .col(n("batch_id"))
                .col(n("status"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_application_batch_status_id")
                .table(n("application"))
                .to_owned(),
        )
        .await
    }
}

/// The library at scale: a bigram index for substring search (see `talentlib_domain::search`)
/// and rating indexes that end in the sort order (stars, total, id), so a page of the library,
/// of the public directory or of one district is a walk down an index, not a sort.
struct LibrarySearch;

impl MigrationName for LibrarySearch {
    fn name(&self) -> &str {
        "m0008_library_search"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for LibrarySearch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The primary key is the sort order; on SQLite the rows live in it (WITHOUT ROWID), so
        // counting and paging one term's entries reads one contiguous range.
        let without_rowid = match m.get_database_backend() {
            sea_orm::DbBackend::Sqlite => " WITHOUT ROWID",
            _ => "",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE TABLE library_term (\
                   term TEXT NOT NULL, stars INTEGER NOT NULL, total BIGINT NOT NULL, \
                   rating_id VARCHAR(36) NOT NULL, district_code TEXT NULL, work_type TEXT NULL, \
                   public_consent BOOLEAN NOT NULL, \
                   PRIMARY KEY (term, stars, total, rating_id)){without_rowid}"
            ))
            .await?;
        m.create_index(
            Index::create()
                .name("ix_library_term_rating")
                .table(n("library_term"))
                .col(n("rating_id"))
                .to_owned(),
        )
        .await?;
        for (old, new, cols) in [
            (
                "ix_rating_current",
                "ix_rating_library",
                &["is_current", "stars", "total", "rating_id"][..],
            ),
            (
                "ix_rating_district",
                "ix_rating_district_library",
                &["district_code", "is_current", "stars", "total", "rating_id"][..],
            ),
        ] {
            m.drop_index(Index::drop().name(old).table(n("rating")).to_owned())
                .await?;
            let mut index = Index::create();
            index.name(new).table(n("rating"));
            for c in cols {
                index.col(n(c));
            }
            m.create_index(index.to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("ix_rating_public")
                .table(n("rating"))
                .col(n("is_current"))
                .col(n("public_consent"))
                .col(n("stars"))
                .col(n("total"))
                .col(n("rating_id"))
                .to_owned(),
        )
        .await?;
        crate::library_index::rebuild(m.get_connection())
            .await
            .map_err(|e| match e {
                crate::StoreError::Db(e) => e,
                other => DbErr::Custom(other.to_string()),
            })
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(n("library_term")).to_owned())
            .await?;
        for name in [
            "ix_rating_library",
            "ix_rating_district_library",
            "ix_rating_public",
        ] {
            m.drop_index(Index::drop().name(name).table(n("rating")).to_owned())
                .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_rating_current")
                .table(n("rating"))
                .col(n("is_current"))
                .col(n("stars"))
                .col(n("total"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_rating_district")
                .table(n("rating"))
                .col(n("district_code"))
                .col(n("is_current"))
                .to_owned(),
        )
        .await
    }
}

/// The batch an application was in at each step of its timeline: a returned application
/// resubmitted after its batch closed moves to the open batch, and its timeline says so.
/// Events recorded before this migration have none (the timeline then names no batch).
struct EventBatch;

impl MigrationName for EventBatch {
    fn name(&self) -> &str {
        "m0009_event_batch"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for EventBatch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(n("application_event"))
                .add_column(text_null("batch_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(n("application_event"))
                .drop_column(n("batch_id"))
                .to_owned(),
        )
        .await
    }
}
