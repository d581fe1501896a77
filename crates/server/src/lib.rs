//! TalentLib server: the JSON API and the HTML pages over one service layer, plus the operators'
//! command line. `main.rs` is a thin shell over `cli::run`.

pub mod api;
pub mod auth;
pub mod cli;
pub mod cli_error;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod error;
pub mod files;
pub mod i18n;
pub mod jobs;
pub mod memo;
pub mod middleware;
pub mod seed;
pub mod service;
pub mod session_cache;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;

pub use config::Config;
pub use startup::Application;
