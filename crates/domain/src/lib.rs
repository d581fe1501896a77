//! TalentLib's domain core: the rules of Chongqing's Thousand Talents Library of outstanding
//! industrial designers, as pure functions over plain types.
//!
//! This crate owns types, validation, eligibility and permissions. It must not do I/O: time,
//! randomness and configuration arrive as arguments, so every rule is unit-testable without mocks.

pub mod accounts;
pub mod application;
pub mod assignment;
pub mod batch;
pub mod eligibility;
pub mod error;
pub mod form;
pub mod identity;
pub mod ids;
pub mod paging;
pub mod permissions;
pub mod points;
pub mod reference;
pub mod review;
pub mod roles;
pub mod rubric;
pub mod scoring;
pub mod search;
pub mod text;

pub use error::{FieldError, Problem, RuleError};
