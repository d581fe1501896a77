//! Configuration, layered: built-in defaults → `talentlib.toml` → `TALENTLIB_*` environment →
//! command-line flags. Parsed and checked once at start; later code never reads the environment.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThrottleConfig {
    pub account_failures: u32,
    pub address_failures: u32,
    pub window_minutes: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// The raw, layered settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RawConfig {
    addr: String,
    data_dir: PathBuf,
    #[serde(default)]
    database_url: Option<String>,
    #[serde(default)]
    encryption_key: Option<String>,
    public_url: String,
    log_format: String,
    session_hours: u32,
    api_token_hours: u32,
    max_upload_mib: u32,
    throttle: ThrottleConfig,
    smtp: SmtpConfig,
}

/// Settings given on the command line; they win over every other layer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CliOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://DATA/talentlib.db?mode=rwc` unless a PostgreSQL URL was given.
    pub database_url: String,
    /// Base64 of 32 bytes; when absent, a key file in `data_dir` is used (created on first start).
    pub encryption_key: Option<SecretString>,
    pub secure_cookies: bool,
    pub log_format: LogFormat,
    pub session_hours: u32,
    pub api_token_hours: u32,
    pub max_upload_bytes: u64,
    pub throttle: ThrottleConfig,
    /// Outgoing mail, when a host is configured.
    pub smtp: Option<SmtpConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration could not be read: {0}")]
    Read(#[from] Box<figment::Error>),
    #[error("invalid setting `{key}`: {why}")]
    Invalid { key: &'static str, why: String },
}

fn invalid(key: &'static str, why: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        why: why.into(),
    }
}

impl Config {
    /// Loads every layer. `file` is the TOML file to read if it exists.
    pub fn load(file: &Path, cli: &CliOverrides) -> Result<Config, ConfigError> {
        let raw: RawConfig = Figment::new()
            .merge(Toml::string(include_str!("../config/default.toml")))
            .merge(Toml::file(file))
            .merge(Env::prefixed("TALENTLIB_").split("__"))
            .merge(Serialized::defaults(cli))
            .extract()
            .map_err(Box::new)?;
        Config::check(raw)
    }

    fn check(raw: RawConfig) -> Result<Config, ConfigError> {
        let addr = raw
            .addr
            .parse()
            .map_err(|_| invalid("addr", format!("`{}` is not HOST:PORT", raw.addr)))?;
        let database_url = match raw.database_url.filter(|u| !u.is_empty()) {
            Some(u)
                if u.starts_with("postgres://")
                    || u.starts_with("postgresql://")
                    || u.starts_with("sqlite:") =>
            {
                u
            }
            Some(_) => {
                return Err(invalid(
                    "database_url",
                    "must start with postgres:// or sqlite:",
                ))
            }
            None => sqlite_url(&raw.data_dir),
        };
        let log_format = match raw.log_format.as_str() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "log_format",
                    format!("`{other}` is neither pretty nor json"),
                ))
            }
        };
        if let Some(key) = &raw.encryption_key {
            crate::crypto::decode_key(key).map_err(|why| invalid("encryption_key", why))?;
        }
        let t = &raw.throttle;
        if t.account_failures == 0 || t.address_failures == 0 || t.window_minutes == 0 {
            return Err(invalid("throttle", "every limit must be at least 1"));
        }
        if raw.session_hours == 0 || raw.api_token_hours == 0 {
            return Err(invalid(
                "session_hours",
                "sessions must last at least an hour",
            ));
        }
        if !(1..=1024).contains(&raw.max_upload_mib) {
            return Err(invalid("max_upload_mib", "must be between 1 and 1024"));
        }
        Ok(Config {
            addr,
            data_dir: raw.data_dir,
            database_url,
            encryption_key: raw.encryption_key.map(SecretString::from),
            secure_cookies: raw.public_url.starts_with("https://"),
            log_format,
            session_hours: raw.session_hours,
            api_token_hours: raw.api_token_hours,
            max_upload_bytes: u64::from(raw.max_upload_mib) * 1024 * 1024,
            throttle: raw.throttle,
            smtp: match raw.smtp {
                s if s.host.trim().is_empty() => None,
                s if s.from.parse::<lettre::message::Mailbox>().is_err() => {
                    return Err(invalid(
                        "smtp.from",
                        format!("`{}` is not a mailbox", s.from),
                    ))
                }
                s => Some(s),
            },
        })
    }

    /// For tests: a data folder, an optional database URL (SQLite in the folder otherwise) and
    /// port 0, so the system picks a free port.
    pub fn for_tests(data_dir: &Path, database_url: Option<String>) -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_path_buf(),
            database_url: database_url.unwrap_or_else(|| sqlite_url(data_dir)),
            encryption_key: None,
            secure_cookies: false,
            log_format: LogFormat::Pretty,
            session_hours: 12,
            api_token_hours: 720,
            max_upload_bytes: 20 * 1024 * 1024,
            throttle: ThrottleConfig {
                account_failures: 5,
                address_failures: 30,
                window_minutes: 15,
            },
            smtp: None,
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("talentlib.db").display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawConfig {
        toml::from_str(include_str!("../config/default.toml")).unwrap()
    }

    #[test]
    fn defaults_are_valid_and_point_at_sqlite_in_the_data_folder() {
        let c = Config::check(raw()).unwrap();
        assert!(c.is_sqlite() && c.database_url.contains("talentlib-data/talentlib.db"));
        assert_eq!(c.max_upload_bytes, 20 * 1024 * 1024);
    }

    #[test]
    fn bad_settings_are_named() {
        let mut r = raw();
        r.addr = "nowhere".into();
        assert!(matches!(
            Config::check(r),
            Err(ConfigError::Invalid { key: "addr", .. })
        ));
        let mut r = raw();
        r.encryption_key = Some("short".into());
        assert!(matches!(
            Config::check(r),
            Err(ConfigError::Invalid {
                key: "encryption_key",
                ..
            })
        ));
        let mut r = raw();
        r.database_url = Some("mysql://x".into());
        assert!(matches!(
            Config::check(r),
            Err(ConfigError::Invalid {
                key: "database_url",
                ..
            })
        ));
    }
}
