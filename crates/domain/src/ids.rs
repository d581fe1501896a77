//! Opaque, unguessable identifiers (API.md: never sequential integers). Each kind of record has
//! its own type so that an application id can never be passed where a user id is expected.

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps fresh randomness supplied by the caller (the domain does not draw it).
            pub fn from_uuid(uuid: Uuid) -> Self { $name(uuid) }
            pub fn as_uuid(&self) -> Uuid { self.0 }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.as_hyphenated())
            }
        }
        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Only the canonical hyphenated form, so one record has exactly one spelling.
                if s.len() != 36 { return Err(InvalidId); }
                Uuid::parse_str(s).map($name).map_err(|_| InvalidId)
            }
        }
    )*};
}

/// The text is not an identifier of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid identifier")]
pub struct InvalidId;

id!(
    UserId,
    ApplicationId,
    BatchId,
    AttachmentId,
    ItemId,
    AuditId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_other_spellings() {
        let id = ApplicationId::from_uuid(Uuid::new_v4());
        assert_eq!(id.to_string().parse::<ApplicationId>().unwrap(), id);
        assert!("123".parse::<ApplicationId>().is_err());
        assert!(id
            .as_uuid()
            .simple()
            .to_string()
            .parse::<ApplicationId>()
            .is_err());
        assert!("../../etc/passwd".parse::<ApplicationId>().is_err());
    }
}
