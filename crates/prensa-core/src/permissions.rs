//! Who may do what in the newsroom. Every admin handler asks these
//! functions before acting, so a role is enforced in the domain layer even
//! if a template forgets to hide a button.
//!
//! | role          | may |
//! |---------------|-----|
//! | Contributor   | write and edit own drafts, submit them for review |
//! | Author        | all of Contributor, upload media, publish and unpublish own articles |
//! | Editor        | all articles, sections, tags, author profiles; schedule and publish anything; review notes |
//! | Administrator | all of Editor, users and roles, publication settings |

use serde::{Deserialize, Serialize};

use crate::model::Id;

/// Staff roles, from least to most trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Contributor,
    Author,
    Editor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Administrator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// A signed-in staff member, as far as permissions care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: Id,
    pub role: Role,
    /// The author profile this account writes as, if any.
    pub author_id: Option<Id>,
}

/// Where an article stands in the editorial flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Draft,
    InReview,
    Scheduled,
    Published,
    Unpublished,
}

/// The facts about an article a decision needs.
#[derive(Debug, Clone, Copy)]
pub struct ArticleFacts<'a> {
    /// Author profile ids on the byline.
    pub authors: &'a [Id],
    pub stage: Stage,
}

impl ArticleFacts<'_> {
    fn is_own(&self, staff: &Staff) -> bool {
        staff.author_id.is_some_and(|me| self.authors.contains(&me))
    }
}

/// Things staff ask to do.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// See the admin at all (dashboard, lists).
    UseAdmin,
    CreateArticle,
    EditArticle(ArticleFacts<'a>),
    SubmitForReview(ArticleFacts<'a>),
    /// Publish now or at a set time.
    Publish(ArticleFacts<'a>),
    Unpublish(ArticleFacts<'a>),
    /// Publish although review notes are still open.
    OverrideOpenNotes,
    WriteReviewNote,
    UploadMedia,
    ManageSections,
    ManageTags,
    /// Edit an author profile; `None` is a new profile.
    EditAuthorProfile(Option<Id>),
    ManageUsers,
    ManageSettings,
}

/// Why an action was refused; the message is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Denied(pub &'static str);

/// Decides whether `staff` may take `action`.
pub fn check(staff: &Staff, action: Action<'_>) -> Result<(), Denied> {
    use Role::*;
    let role = staff.role;
    let at_least = |min: Role, why: &'static str| if role >= min { Ok(()) } else { Err(Denied(why)) };
    match action {
        Action::UseAdmin | Action::CreateArticle => Ok(()),
        Action::EditArticle(a) => {
            if role >= Editor {
                return Ok(());
            }
            if !a.is_own(staff) {
                return Err(Denied("you can only edit articles you write"));
            }
            match (role, a.stage) {
                (Contributor, Stage::Draft | Stage::InReview | Stage::Unpublished) => Ok(()),
                (Contributor, _) => Err(Denied("contributors cannot change a published or scheduled article")),
                _ => Ok(()),
            }
        }
        Action::SubmitForReview(a) => {
            if role >= Editor || a.is_own(staff) {
                Ok(())
            } else {
                Err(Denied("you can only submit your own articles for review"))
            }
        }
        Action::Publish(a) | Action::Unpublish(a) => match role {
            Contributor => Err(Denied("contributors cannot publish; submit the article for review")),
            Author if a.is_own(staff) => Ok(()),
            Author => Err(Denied("authors can only publish and unpublish their own articles")),
            Editor | Administrator => Ok(()),
        },
        Action::OverrideOpenNotes => at_least(Editor, "only editors can publish over open review notes"),
        Action::WriteReviewNote => at_least(Editor, "only editors leave review notes"),
        Action::UploadMedia => at_least(Author, "contributors cannot upload media"),
        Action::ManageSections => at_least(Editor, "only editors manage sections"),
        Action::ManageTags => at_least(Editor, "only editors manage tags"),
        Action::EditAuthorProfile(profile) => {
            if role >= Editor || (profile.is_some() && profile == staff.author_id) {
                Ok(())
            } else {
                Err(Denied("you can only edit your own author profile"))
            }
        }
        Action::ManageUsers => at_least(Administrator, "only administrators manage users and roles"),
        Action::ManageSettings => at_least(Administrator, "only administrators change publication settings"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Id = 7;
    const OTHER: Id = 8;

    fn staff(role: Role) -> Staff {
        Staff { user_id: 1, role, author_id: Some(ME) }
    }

    /// The whole matrix: every action × every role × own/other article ×
    /// stage, against the table in the module docs. A new action or role
    /// makes this fail until it is decided here.
    #[test]
    fn the_role_table() {
        use Role::*;
        let stages = [Stage::Draft, Stage::InReview, Stage::Scheduled, Stage::Published, Stage::Unpublished];
        for role in Role::ALL {
            let s = staff(role);
            let allowed = |a: Action<'_>| check(&s, a).is_ok();
            assert!(allowed(Action::UseAdmin) && allowed(Action::CreateArticle));
            for stage in stages {
                for (own, authors) in [(true, &[ME, OTHER][..]), (false, &[OTHER][..])] {
                    let a = ArticleFacts { authors, stage };
                    let live = matches!(stage, Stage::Scheduled | Stage::Published);
                    let may_edit = role >= Editor || (own && (role >= Author || !live));
                    assert_eq!(allowed(Action::EditArticle(a)), may_edit, "{role:?} edit own={own} {stage:?}");
                    assert_eq!(allowed(Action::SubmitForReview(a)), own || role >= Editor, "{role:?} submit own={own}");
                    let may_publish = role >= Editor || (role == Author && own);
                    assert_eq!(allowed(Action::Publish(a)), may_publish, "{role:?} publish own={own}");
                    assert_eq!(allowed(Action::Unpublish(a)), may_publish, "{role:?} unpublish own={own}");
                }
            }
            assert_eq!(allowed(Action::UploadMedia), role >= Author, "{role:?} upload");
            for editorial in [Action::ManageSections, Action::ManageTags, Action::WriteReviewNote, Action::OverrideOpenNotes] {
                assert_eq!(allowed(editorial), role >= Editor, "{role:?} {editorial:?}");
            }
            assert!(allowed(Action::EditAuthorProfile(Some(ME))), "{role:?} edits own profile");
            assert_eq!(allowed(Action::EditAuthorProfile(Some(OTHER))), role >= Editor);
            assert_eq!(allowed(Action::EditAuthorProfile(None)), role >= Editor);
            assert_eq!(allowed(Action::ManageUsers), role == Administrator);
            assert_eq!(allowed(Action::ManageSettings), role == Administrator);
        }
    }

    #[test]
    fn staff_without_a_profile_own_nothing() {
        let s = Staff { user_id: 2, role: Role::Author, author_id: None };
        let a = ArticleFacts { authors: &[ME], stage: Stage::Draft };
        assert!(check(&s, Action::EditArticle(a)).is_err());
        assert!(check(&s, Action::Publish(a)).is_err());
        assert!(check(&s, Action::EditAuthorProfile(None)).is_err());
    }

    #[test]
    fn refusals_explain_themselves() {
        let a = ArticleFacts { authors: &[ME], stage: Stage::Draft };
        let err = check(&staff(Role::Contributor), Action::Publish(a)).expect_err("refused");
        assert_eq!(err.to_string(), "contributors cannot publish; submit the article for review");
    }

    #[test]
    fn roles_parse() {
        assert_eq!(Role::parse("Editor"), Some(Role::Editor));
        assert_eq!(Role::parse(" administrator "), Some(Role::Administrator));
        assert_eq!(Role::parse("owner"), None);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
