//! Request parsing for the JSON API: malformed JSON is 400, a well-formed body of the wrong shape
//! is 422 listing every field at fault, an oversized body is 413. Never a 500.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde_json::{Map, Value};
use talentlib_domain::{FieldError, Problem};

/// Any JSON value (an empty body counts as `{}`).
pub struct JsonValue(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonValue {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::Malformed("the body could not be read".into())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonValue(Value::Object(Map::new())));
        }
        serde_json::from_slice(&bytes).map(JsonValue).map_err(|e| {
            AppError::Malformed(format!(
                "the body is not valid JSON ({})",
                e.classify_name()
            ))
        })
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "unexpected end",
        }
    }
}

/// A JSON object body, read field by field with every problem collected.
pub struct Body {
    map: Map<String, Value>,
    pub errors: Vec<FieldError>,
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let JsonValue(v) = JsonValue::from_request(req, state).await?;
        match v {
            Value::Object(map) => Ok(Body {
                map,
                errors: Vec::new(),
            }),
            _ => Err(AppError::invalid(
                "",
                Problem::WrongType { expected: "object" },
            )),
        }
    }
}

impl Body {
    fn present(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A string that must be given (may be empty: the domain judges content).
    pub fn string(&mut self, key: &str) -> String {
        match self.present(key) {
            None => {
                self.errors.push(FieldError::new(key, Problem::Required));
                String::new()
            }
            Some(v) => self.as_string(key, v.clone()).unwrap_or_default(),
        }
    }

    pub fn opt_string(&mut self, key: &str) -> Option<String> {
        let v = self.present(key)?.clone();
        self.as_string(key, v)
    }

    fn as_string(&mut self, key: &str, v: Value) -> Option<String> {
        match v {
            Value::String(s) if s.chars().count() <= 10_000 => Some(s),
            Value::String(_) => {
                self.errors
                    .push(FieldError::new(key, Problem::TooLong { max: 10_000 }));
                None
            }
            _ => {
                self.errors.push(FieldError::new(
                    key,
                    Problem::WrongType { expected: "string" },
                ));
                None
            }
        }
    }

    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.present(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.errors.push(FieldError::new(
                    key,
                    Problem::WrongType {
                        expected: "boolean",
                    },
                ));
                None
            }
        }
    }

    pub fn opt_u64(&mut self, key: &str) -> Option<u64> {
        let v = self.present(key)?;
        match v.as_u64() {
            Some(n) => Some(n),
            None => {
                let expected = "unsigned integer";
                self.errors
                    .push(FieldError::new(key, Problem::WrongType { expected }));
                None
            }
        }
    }

    pub fn string_list(&mut self, key: &str) -> Vec<String> {
        match self.present(key).cloned() {
            None => {
                self.errors.push(FieldError::new(key, Problem::Required));
                Vec::new()
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s),
                        _ => self.errors.push(FieldError::new(
                            format!("{key}[{i}]"),
                            Problem::WrongType { expected: "string" },
                        )),
                    }
                }
                out
            }
            Some(_) => {
                self.errors.push(FieldError::new(
                    key,
                    Problem::WrongType { expected: "array" },
                ));
                Vec::new()
            }
        }
    }

    /// 422 with every problem found so far.
    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }
}

/// A path segment that must be one of our ids; anything else is simply not found.
pub fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}
