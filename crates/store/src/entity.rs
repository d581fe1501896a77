//! SeaORM entities, one module per table. Store-private in spirit: callers use the query
//! functions of the other modules, which speak domain types.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod account {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: String,
        pub email: String,
        pub name: String,
        pub password_hash: String,
        pub roles: String,
        pub district_code: Option<String>,
        pub employer: Option<String>,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub account_id: String,
        pub kind: String,
        pub csrf_token: String,
        pub created_at: i64,
        pub expires_at: i64,
    }
    no_relations!();
}

pub mod throttle {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "throttle")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub throttle_key: String,
        pub window_start: i64,
        pub failures: i32,
    }
    no_relations!();
}

pub mod batch {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "batch")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub batch_id: String,
        pub name: String,
        pub status: String,
        pub created_by: String,
        pub created_at: i64,
        pub closed_at: Option<i64>,
        pub rubric_version: Option<String>,
    }
    no_relations!();
}

pub mod application {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "application")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        pub designer_id: String,
        pub batch_id: String,
        pub status: String,
        pub form: String,
        pub id_number_enc: Option<String>,
        pub phone_enc: Option<String>,
        pub name: Option<String>,
        pub district_code: Option<String>,
        pub employer: Option<String>,
        pub major_flagged: bool,
        pub review_comment: Option<String>,
        pub major: Option<String>,
        pub work_type: Option<String>,
        pub public_consent: bool,
        pub submitted_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
    }
    no_relations!();
}

pub mod application_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "application_event")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: String,
        pub application_id: String,
        pub at: i64,
        pub actor_id: String,
        pub status: String,
        pub comment: Option<String>,
        pub batch_id: Option<String>,
    }
    no_relations!();
}

pub mod attachment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub attachment_id: String,
        pub application_id: String,
        pub item_id: Option<String>,
        pub filename: String,
        pub size: i64,
        pub sha256: String,
        pub content_type: String,
        pub storage_key: String,
        pub uploaded_by: String,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod audit_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub at: i64,
        pub actor_id: Option<String>,
        pub actor_ip: Option<String>,
        pub action: String,
        pub target_type: String,
        pub target_id: Option<String>,
        pub detail: Option<String>,
    }
    no_relations!();
}

pub mod review_item {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_item")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: String,
        pub verified: bool,
        pub note: Option<String>,
        pub reviewed_by: String,
        pub reviewed_at: i64,
    }
    no_relations!();
}

pub mod rubric_version {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rubric_version")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: String,
        pub body: String,
        pub created_by: Option<String>,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod assignment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub expert_id: String,
        pub batch_id: String,
        pub assigned_at: i64,
    }
    no_relations!();
}

pub mod score {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "score")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub expert_id: String,
        pub batch_id: String,
        pub scores: String,
        pub total: i64,
        pub comment: Option<String>,
        pub updated_at: i64,
    }
    no_relations!();
}

pub mod rating {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rating")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub rating_id: String,
        pub designer_id: String,
        pub application_id: String,
        pub batch_id: String,
        pub total: i64,
        pub stars: i32,
        pub categories: String,
        pub rubric_version: String,
        pub rated_at: i64,
        pub is_current: bool,
        pub name: String,
        pub district_code: Option<String>,
        pub employer: Option<String>,
        pub major: Option<String>,
        pub work_type: Option<String>,
        pub public_consent: bool,
    }
    no_relations!();
}

/// The library's search index: one row per bigram of a current rating's name, employer and
/// specialty, with the columns the library filters and sorts by.
pub mod library_term {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "library_term")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub term: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub stars: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub total: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub rating_id: String,
        pub district_code: Option<String>,
        pub work_type: Option<String>,
        pub public_consent: bool,
    }
    no_relations!();
}

pub mod notification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notification")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub notification_id: String,
        pub account_id: String,
        pub kind: String,
        pub application_id: Option<String>,
        pub detail: Option<String>,
        pub created_at: i64,
        pub read_at: Option<i64>,
    }
    no_relations!();
}

pub mod job {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub job_id: String,
        pub kind: String,
        pub payload: String,
        pub run_at: i64,
        pub attempts: i32,
        pub locked_until: Option<i64>,
        pub last_error: Option<String>,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod panel {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "panel")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        pub batch_id: String,
        pub experts_scored: i32,
        pub total: i64,
        pub mean: i64,
        pub median: i64,
        pub std_dev: i64,
        pub spread: i64,
        pub disagreement: bool,
        pub categories: String,
        pub updated_at: i64,
    }
    no_relations!();
}
