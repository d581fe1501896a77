//! The pages each role works on, in the order the navigation shows them. The layout's menu, the
//! home page's shortcuts and the page a user lands on after signing in all come from this one list,
//! so a page a role may use is never left without a way to reach it.

use serde::Serialize;
use talentlib_domain::roles::{Role, Roles};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    /// Locale key of the label.
    pub label: &'static str,
}

/// Every workspace page, with the roles that use it. Order: a person's own work first, then
/// the commission's procedure (review, batches, library), then administration.
const PAGES: &[(NavItem, &[Role])] = &[
    (
        item("/me/application", "nav.my_application"),
        &[Role::Designer],
    ),
    (item("/me/ratings", "nav.my_ratings"), &[Role::Designer]),
    (item("/expert", "nav.assignments"), &[Role::Expert]),
    (item("/district", "nav.district"), &[Role::DistrictOfficer]),
    (
        item("/review", "nav.review"),
        &[Role::Reviewer, Role::Admin],
    ),
    (
        item("/batches", "nav.batches"),
        &[Role::Reviewer, Role::Admin],
    ),
    (
        item("/library", "nav.library"),
        &[
            Role::ServiceStaff,
            Role::Reviewer,
            Role::Admin,
            Role::DistrictOfficer,
            Role::Expert,
        ],
    ),
    (item("/admin/users", "nav.admin_users"), &[Role::Admin]),
    (item("/admin/rubric", "nav.rubric"), &[Role::Admin]),
    (item("/admin/audit", "nav.audit"), &[Role::Admin]),
];

const fn item(href: &'static str, label: &'static str) -> NavItem {
    NavItem { href, label }
}

/// The pages a user with these roles works on, in menu order.
pub fn items(roles: &Roles) -> Vec<NavItem> {
    PAGES
        .iter()
        .filter(|(_, who)| who.iter().any(|r| roles.has(*r)))
        .map(|(item, _)| *item)
        .collect()
}

/// Where a user goes after signing in when they asked for no page: their first workspace page.
pub fn landing(roles: &Roles) -> &'static str {
    items(roles).first().map_or("/", |i| i.href)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(roles: &[Role]) -> Vec<&'static str> {
        items(&Roles::new(roles.to_vec()))
            .iter()
            .map(|i| i.href)
            .collect()
    }

    #[test]
    fn every_role_reaches_its_pages() {
        assert_eq!(hrefs(&[Role::Designer]), ["/me/application", "/me/ratings"]);
        assert_eq!(hrefs(&[Role::Expert]), ["/expert", "/library"]);
        assert_eq!(hrefs(&[Role::ServiceStaff]), ["/library"]);
        assert_eq!(hrefs(&[Role::DistrictOfficer]), ["/district", "/library"]);
        assert_eq!(
            hrefs(&[Role::Reviewer]),
            ["/review", "/batches", "/library"]
        );
        let admin = hrefs(&[Role::Admin]);
        for page in ["/batches", "/admin/users", "/admin/rubric", "/admin/audit"] {
            assert!(admin.contains(&page), "admin reaches {page}");
        }
    }

    #[test]
    fn several_roles_list_each_page_once() {
        let all = hrefs(&Role::ALL);
        let mut unique = all.clone();
        unique.dedup();
        assert_eq!(all, unique);
        assert_eq!(all.len(), PAGES.len());
    }

    #[test]
    fn landing_is_the_first_page() {
        let r = |roles: &[Role]| landing(&Roles::new(roles.to_vec()));
        assert_eq!(r(&[Role::Designer]), "/me/application");
        assert_eq!(r(&[Role::Expert]), "/expert");
        assert_eq!(r(&[Role::ServiceStaff]), "/library");
        assert_eq!(r(&[Role::Reviewer, Role::DistrictOfficer]), "/district");
        assert_eq!(r(&[]), "/");
    }
}
