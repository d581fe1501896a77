//! The roles of API.md. A user may hold several.

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Designer,
    DistrictOfficer,
    Reviewer,
    Expert,
    ServiceStaff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Designer,
        Role::DistrictOfficer,
        Role::Reviewer,
        Role::Expert,
        Role::ServiceStaff,
        Role::Admin,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Designer => "designer",
            Role::DistrictOfficer => "district_officer",
            Role::Reviewer => "reviewer",
            Role::Expert => "expert",
            Role::ServiceStaff => "service_staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Staff roles see the whole library; designers see only their own records.
    pub fn is_staff(&self) -> bool {
        !matches!(self, Role::Designer)
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A set of roles, kept sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(mut roles: Vec<Role>) -> Self {
        roles.sort();
        roles.dedup();
        Roles(roles)
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// Stored as `designer,reviewer`.
    pub fn to_csv(&self) -> String {
        self.0
            .iter()
            .map(Role::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Unknown names are dropped: the database is an input too.
    pub fn from_csv(s: &str) -> Self {
        Roles::new(s.split(',').filter_map(|r| Role::parse(r.trim())).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_storage() {
        let roles = Roles::new(vec![Role::Reviewer, Role::Designer, Role::Reviewer]);
        assert_eq!(roles.to_csv(), "designer,reviewer");
        assert_eq!(Roles::from_csv("reviewer, designer,bogus"), roles);
    }
}
