//! Published rubric versions. The newest is in force; none stored means the built-in default.

use crate::entity::rubric_version;
use crate::{unique_as, Millis, Result};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};

#[derive(Debug, Clone)]
pub struct RubricRow {
    pub version: String,
    /// The rubric file as published (JSON).
    pub body: String,
    pub created_by: Option<String>,
    pub created_at: Millis,
}

fn from_model(m: rubric_version::Model) -> RubricRow {
    RubricRow {
        version: m.version,
        body: m.body,
        created_by: m.created_by,
        created_at: m.created_at,
    }
}

pub async fn insert(c: &impl ConnectionTrait, r: &RubricRow) -> Result<()> {
    rubric_version::Entity::insert(rubric_version::ActiveModel {
        version: Set(r.version.clone()),
        body: Set(r.body.clone()),
        created_by: Set(r.created_by.clone()),
        created_at: Set(r.created_at),
    })
    .exec_without_returning(c)
    .await
    .map_err(unique_as("rubric_version"))?;
    Ok(())
}

pub async fn current(c: &impl ConnectionTrait) -> Result<Option<RubricRow>> {
    Ok(rubric_version::Entity::find()
        .order_by_desc(rubric_version::Column::CreatedAt)
        .order_by_desc(rubric_version::Column::Version)
        .one(c)
        .await?
        .map(from_model))
}

pub async fn get(c: &impl ConnectionTrait, version: &str) -> Result<Option<RubricRow>> {
    Ok(rubric_version::Entity::find_by_id(version.to_string())
        .one(c)
        .await?
        .map(from_model))
}

/// Newest first.
pub async fn list(c: &impl ConnectionTrait) -> Result<Vec<RubricRow>> {
    Ok(rubric_version::Entity::find()
        .order_by_desc(rubric_version::Column::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(from_model)
        .collect())
}
