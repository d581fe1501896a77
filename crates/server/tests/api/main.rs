//! API integration tests: the real server on a random port with a fresh database (SQLite in a
//! temporary folder, or a new PostgreSQL database when TEST_POSTGRES_URL is set). One binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod applications;
mod attachments;
mod batches;
mod hostile;
mod pages;
mod reference;
mod scoring;
mod seed;
mod visibility;
