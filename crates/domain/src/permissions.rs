//! Who may see or change which application. Handlers never decide this themselves: they ask here.
//! Hidden records answer 404, not 403 (API.md), so callers map `false` to "not found".

use crate::application::Status;
use crate::ids::UserId;
use crate::roles::{Role, Roles};

/// The signed-in person, as far as permissions go.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: UserId,
    pub roles: Roles,
    /// Set for district officers: the one district they serve.
    pub district_code: Option<String>,
}

/// The facts about an application that permissions depend on.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationFacts<'a> {
    pub owner: UserId,
    pub district_code: Option<&'a str>,
    pub status: Status,
    /// Whether the viewer is one of the experts assigned to it.
    pub assigned_to_viewer: bool,
}

impl Viewer {
    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    fn officer_of(&self, district: Option<&str>) -> bool {
        self.has(Role::DistrictOfficer)
            && district.is_some()
            && self.district_code.as_deref() == district
    }

    /// Owner; admin; reviewer once submitted; the district's officer (drafts included, to guide
    /// applicants); an assigned expert.
    pub fn can_view(&self, app: &ApplicationFacts) -> bool {
        app.owner == self.id
            || self.has(Role::Admin)
            || (self.has(Role::Reviewer) && app.status.was_submitted())
            || self.officer_of(app.district_code)
            || (self.has(Role::Expert) && app.assigned_to_viewer)
    }

    /// The whole resident ID and phone number: only the owner, reviewers and admins (issue 2).
    /// Everyone else who may view the application sees them masked.
    pub fn can_see_identity(&self, app: &ApplicationFacts) -> bool {
        app.owner == self.id
            || self.has(Role::Admin)
            || (self.has(Role::Reviewer) && app.status.was_submitted())
    }

    /// Evidence files (API.md `GET /attachments/{id}`): the owner, reviewers, admins and assigned
    /// experts. District officers guide applicants but do not open their certificates.
    pub fn can_open_evidence(&self, app: &ApplicationFacts) -> bool {
        app.owner == self.id
            || self.has(Role::Admin)
            || (self.has(Role::Reviewer) && app.status.was_submitted())
            || (self.has(Role::Expert) && app.assigned_to_viewer)
    }

    /// Deciding on a submitted application (accept, reject, return): reviewers and admins, never
    /// on their own (a designer who also holds a staff role is a party to it).
    pub fn can_decide(&self, app: &ApplicationFacts) -> bool {
        (self.has(Role::Reviewer) || self.has(Role::Admin)) && app.owner != self.id
    }

    /// Whether someone whose own applications have these statuses in a batch is a party to it:
    /// anything submitted there competes with the rest of the batch, so its owner takes no part in
    /// the batch's assignment, scores or publication, whatever roles they hold.
    pub fn party_to_batch(own_statuses: impl IntoIterator<Item = Status>) -> bool {
        own_statuses.into_iter().any(|s| s.was_submitted())
    }

    /// Only the owner edits, and only while the status allows it (checked separately, so that a
    /// stranger gets 404 and the owner of a submitted application gets 409).
    pub fn is_owner(&self, app: &ApplicationFacts) -> bool {
        app.owner == self.id
    }

    /// What the viewer's application lists contain: the union of what each role grants.
    pub fn list_scope(&self) -> ListScope {
        ListScope {
            everything: self.has(Role::Admin),
            own: Some(self.id),
            submitted: self.has(Role::Reviewer),
            district: if self.has(Role::DistrictOfficer) {
                self.district_code.clone()
            } else {
                None
            },
            assigned_to: self.has(Role::Expert).then_some(self.id),
        }
    }

    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }

    /// The part of the library the viewer browses and exports. Commission, service-centre and
    /// expert staff see every current rating (API.md: "staff roles see it all"); a district
    /// officer sees their own district (issue 3: "a district officer exports their district
    /// only"); everyone else, the public directory.
    pub fn library_scope(&self) -> LibraryScope {
        let sees_all = [
            Role::Admin,
            Role::Reviewer,
            Role::ServiceStaff,
            Role::Expert,
        ];
        if sees_all.iter().any(|r| self.has(*r)) {
            LibraryScope::All
        } else if let (true, Some(code)) = (self.has(Role::DistrictOfficer), &self.district_code) {
            LibraryScope::District(code.clone())
        } else {
            LibraryScope::Public
        }
    }
}

/// The part of the library a viewer may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibraryScope {
    /// Consenting designers only, and only their name, district, specialty and stars.
    Public,
    /// Every current rating.
    All,
    /// The current ratings of one district.
    District(String),
}

/// A list filter the store turns into one `WHERE` clause of ORed conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListScope {
    pub everything: bool,
    pub own: Option<UserId>,
    pub submitted: bool,
    pub district: Option<String>,
    pub assigned_to: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user(roles: &[Role], district: Option<&str>) -> Viewer {
        Viewer {
            id: UserId::from_uuid(Uuid::new_v4()),
            roles: Roles::new(roles.to_vec()),
            district_code: district.map(str::to_string),
        }
    }

    fn app(
        owner: UserId,
        district: Option<&'static str>,
        status: Status,
    ) -> ApplicationFacts<'static> {
        ApplicationFacts {
            owner,
            district_code: district,
            status,
            assigned_to_viewer: false,
        }
    }

    #[test]
    fn a_submitted_application_makes_its_owner_a_party_to_the_batch() {
        assert!(!Viewer::party_to_batch([]));
        assert!(!Viewer::party_to_batch([Status::Draft]));
        for s in [
            Status::Submitted,
            Status::Returned,
            Status::Accepted,
            Status::Rejected,
        ] {
            assert!(Viewer::party_to_batch([Status::Draft, s]), "{s:?}");
        }
    }

    #[test]
    fn nobody_decides_on_their_own_application() {
        let reviewer = user(&[Role::Reviewer], None);
        let admin = user(&[Role::Admin], None);
        let designer = user(&[Role::Designer], None);
        let theirs = app(designer.id, None, Status::Submitted);
        assert!(reviewer.can_decide(&theirs) && admin.can_decide(&theirs));
        assert!(!designer.can_decide(&theirs));
        // A designer who is also given the reviewer or admin role.
        for roles in [
            &[Role::Designer, Role::Reviewer][..],
            &[Role::Designer, Role::Admin][..],
        ] {
            let both = Viewer {
                roles: Roles::new(roles.to_vec()),
                ..designer.clone()
            };
            assert!(both.can_view(&theirs), "they still see it");
            assert!(!both.can_decide(&theirs), "{roles:?}");
            assert!(both.can_decide(&app(reviewer.id, None, Status::Submitted)));
        }
    }

    #[test]
    fn who_sees_what() {
        let owner = user(&[Role::Designer], None);
        let other = user(&[Role::Designer], None);
        let officer = user(&[Role::DistrictOfficer], Some("500103"));
        let far_officer = user(&[Role::DistrictOfficer], Some("500112"));
        let reviewer = user(&[Role::Reviewer], None);
        let expert = user(&[Role::Expert], None);
        let draft = app(owner.id, Some("500103"), Status::Draft);
        let submitted = app(owner.id, Some("500103"), Status::Submitted);

        assert!(owner.can_view(&draft) && owner.can_see_identity(&draft));
        assert!(!other.can_view(&draft) && !other.can_view(&submitted));
        assert!(officer.can_view(&draft) && !officer.can_see_identity(&draft));
        assert!(!far_officer.can_view(&draft));
        assert!(!reviewer.can_view(&draft));
        assert!(reviewer.can_view(&submitted) && reviewer.can_see_identity(&submitted));
        assert!(!expert.can_view(&submitted));
        assert!(!officer.can_open_evidence(&draft) && owner.can_open_evidence(&draft));
        assert!(reviewer.can_open_evidence(&submitted) && !reviewer.can_open_evidence(&draft));
        assert!(expert.can_view(&ApplicationFacts {
            assigned_to_viewer: true,
            ..submitted
        }));
        // An officer without a district, or an application without one, matches nothing.
        assert!(!user(&[Role::DistrictOfficer], None).can_view(&app(
            owner.id,
            None,
            Status::Draft
        )));
    }

    #[test]
    fn library_scopes_follow_roles() {
        let officer = user(&[Role::DistrictOfficer], Some("500103"));
        assert_eq!(
            officer.library_scope(),
            LibraryScope::District("500103".into())
        );
        let no_district = user(&[Role::DistrictOfficer], None);
        assert_eq!(no_district.library_scope(), LibraryScope::Public);
        assert_eq!(
            user(&[Role::Designer], None).library_scope(),
            LibraryScope::Public
        );
        for role in [
            Role::Admin,
            Role::Reviewer,
            Role::ServiceStaff,
            Role::Expert,
        ] {
            let both = user(&[role, Role::DistrictOfficer], Some("500103"));
            assert_eq!(both.library_scope(), LibraryScope::All);
        }
    }

    #[test]
    fn list_scopes_follow_roles() {
        let officer = user(&[Role::DistrictOfficer, Role::Reviewer], Some("500103"));
        let scope = officer.list_scope();
        assert!(scope.submitted && !scope.everything);
        assert_eq!(scope.district.as_deref(), Some("500103"));
        assert!(user(&[Role::Admin], None).list_scope().everything);
    }
}
