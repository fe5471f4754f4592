//! Who may do what in the newsroom. Every admin handler asks these
//! functions before acting, so a role is enforced in the domain layer even
//! if a template forgets to hide a button.
//!
//! | role          | may |
//! |---------------|-----|
//! | Contributor   | write and edit own drafts, submit them for review, move own never-published drafts to the trash (and back), reply to review notes on own articles; open their published pieces read-only |
//! | Author        | all of Contributor, upload media, publish and unpublish own articles |
//! | Editor        | all articles, sections, tags, author profiles; schedule and publish anything; review notes (and resolving their threads); trash, restore and delete forever any article; the front page's pins |
//! | Administrator | all of Editor, users and roles, publication settings |
//!
//! Roles are given per publication ([`role_on`]): an account is either
//! network-wide (its one role holds on every publication of the instance)
//! or holds a role on each publication it was given one on, and none
//! elsewhere. [`Staff::role`] is always the role on the publication the
//! request is for, so [`check`] never needs to know which publication that
//! is. Only a network-wide administrator may make network-wide accounts or
//! give roles on other publications ([`Action::ManageNetwork`]).

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
    /// The role on the publication the request is for ([`role_on`]).
    pub role: Role,
    /// The author profile this account writes as, if any.
    pub author_id: Option<Id>,
    /// Whether the account's role holds on every publication.
    pub network_wide: bool,
}

/// The one rule of roles per publication: a network-wide account has its
/// account role (`users.role`) everywhere; any other account has the role
/// it was given on this publication (its `publication_roles` row), or none
/// — no access to that publication's admin.
pub fn role_on(account_role: Role, network_wide: bool, publication_role: Option<Role>) -> Option<Role> {
    if network_wide {
        Some(account_role)
    } else {
        publication_role
    }
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
    /// Open an article's editor page, preview and revisions without changing
    /// anything: its own authors always (a contributor's published piece is
    /// shown read-only), editors any.
    ReadArticle(ArticleFacts<'a>),
    EditArticle(ArticleFacts<'a>),
    SubmitForReview(ArticleFacts<'a>),
    /// Publish now or at a set time.
    Publish(ArticleFacts<'a>),
    Unpublish(ArticleFacts<'a>),
    /// Publish although review notes are still open.
    OverrideOpenNotes,
    /// Start a review note, or resolve a note's thread.
    WriteReviewNote,
    /// Answer in the thread of a review note on the article.
    ReplyToNote(ArticleFacts<'a>),
    /// Move the article to the trash (unpublishing it first), or restore
    /// it from there.
    TrashArticle(ArticleFacts<'a>),
    /// Delete a trashed article for good, before the 30 days are up.
    DeleteForever,
    /// Upload an image, or edit its name, alt text, caption and credit.
    UploadMedia,
    /// Delete an image from the library (the store refuses while a
    /// published article uses it).
    DeleteMedia,
    ManageSections,
    ManageTags,
    /// Edit an author profile; `None` is a new profile.
    EditAuthorProfile(Option<Id>),
    ManageUsers,
    /// Deactivate (or reactivate) the account with this id.
    DeactivateAccount(Id),
    /// Make network-wide accounts, or give roles on a publication other
    /// than the request's.
    ManageNetwork,
    ManageSettings,
    /// Pin, unpin and reorder the home page's lead and featured articles.
    CurateFrontPage,
}

/// Whether staff whose role on a sister publication is `target_role`
/// ([`role_on`] for that publication) may start a translation there: a new
/// draft in that publication, so any role that may create articles there,
/// and none without a role there.
pub fn may_translate_into(staff: &Staff, target_role: Option<Role>) -> Result<(), Denied> {
    let Some(role) = target_role else {
        return Err(Denied("you have no role on that publication"));
    };
    check(&Staff { role, ..staff.clone() }, Action::CreateArticle)
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
        Action::ReadArticle(a) => {
            if role >= Editor || a.is_own(staff) {
                Ok(())
            } else {
                Err(Denied("you can only open articles you write"))
            }
        }
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
        Action::ReplyToNote(a) => {
            if role >= Editor || a.is_own(staff) {
                Ok(())
            } else {
                Err(Denied("you can only reply to review notes on articles you write"))
            }
        }
        Action::TrashArticle(a) => {
            if role >= Editor {
                Ok(())
            } else if !a.is_own(staff) {
                Err(Denied("you can only delete articles you write"))
            } else if a.stage == Stage::Draft {
                Ok(())
            } else {
                Err(Denied("only editors delete an article that was published, scheduled or submitted for review"))
            }
        }
        Action::DeleteForever => at_least(Editor, "only editors delete articles forever"),
        Action::UploadMedia => at_least(Author, "contributors cannot upload media"),
        Action::DeleteMedia => at_least(Editor, "only editors delete media"),
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
        Action::DeactivateAccount(_) if role < Administrator => {
            Err(Denied("only administrators manage users and roles"))
        }
        Action::DeactivateAccount(account) if account == staff.user_id => {
            Err(Denied("you cannot deactivate your own account; ask another administrator"))
        }
        Action::DeactivateAccount(_) => Ok(()),
        Action::ManageNetwork => {
            if staff.network_wide && role == Administrator {
                Ok(())
            } else {
                Err(Denied(
                    "only a network-wide administrator manages other publications' staff and network-wide accounts",
                ))
            }
        }
        Action::ManageSettings => at_least(Administrator, "only administrators change publication settings"),
        Action::CurateFrontPage => at_least(Editor, "only editors curate the front page"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Id = 7;
    const OTHER: Id = 8;

    fn staff(role: Role) -> Staff {
        Staff { user_id: 1, role, author_id: Some(ME), network_wide: false }
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
                    assert_eq!(
                        allowed(Action::ReadArticle(a)),
                        own || role >= Editor,
                        "{role:?} read own={own} {stage:?}"
                    );
                    assert_eq!(allowed(Action::SubmitForReview(a)), own || role >= Editor, "{role:?} submit own={own}");
                    let may_publish = role >= Editor || (role == Author && own);
                    assert_eq!(allowed(Action::Publish(a)), may_publish, "{role:?} publish own={own}");
                    assert_eq!(allowed(Action::Unpublish(a)), may_publish, "{role:?} unpublish own={own}");
                    let may_trash = role >= Editor || (own && stage == Stage::Draft);
                    assert_eq!(allowed(Action::TrashArticle(a)), may_trash, "{role:?} trash own={own} {stage:?}");
                    assert_eq!(allowed(Action::ReplyToNote(a)), own || role >= Editor, "{role:?} reply own={own}");
                }
            }
            assert_eq!(allowed(Action::UploadMedia), role >= Author, "{role:?} upload");
            assert_eq!(allowed(Action::DeleteMedia), role >= Editor, "{role:?} delete media");
            for editorial in [
                Action::ManageSections,
                Action::ManageTags,
                Action::WriteReviewNote,
                Action::OverrideOpenNotes,
                Action::DeleteForever,
            ] {
                assert_eq!(allowed(editorial), role >= Editor, "{role:?} {editorial:?}");
            }
            assert!(allowed(Action::EditAuthorProfile(Some(ME))), "{role:?} edits own profile");
            assert_eq!(allowed(Action::EditAuthorProfile(Some(OTHER))), role >= Editor);
            assert_eq!(allowed(Action::EditAuthorProfile(None)), role >= Editor);
            assert_eq!(allowed(Action::ManageUsers), role == Administrator);
            assert_eq!(allowed(Action::DeactivateAccount(2)), role == Administrator, "{role:?} deactivates another");
            assert!(!allowed(Action::DeactivateAccount(s.user_id)), "{role:?} never deactivates themself");
            assert_eq!(allowed(Action::ManageSettings), role == Administrator);
            assert_eq!(allowed(Action::CurateFrontPage), role >= Editor, "{role:?} curates the front page");
            assert!(!allowed(Action::ManageNetwork), "{role:?} on one publication only");
            let everywhere = Staff { network_wide: true, ..s.clone() };
            assert_eq!(
                check(&everywhere, Action::ManageNetwork).is_ok(),
                role == Administrator,
                "{role:?} network-wide"
            );
        }
    }

    /// Network-wide accounts keep their one role everywhere, whatever rows
    /// they have; other accounts have exactly the row's role, or none.
    #[test]
    fn the_role_on_a_publication() {
        for account in Role::ALL {
            assert_eq!(role_on(account, true, None), Some(account));
            for given in Role::ALL {
                assert_eq!(role_on(account, true, Some(given)), Some(account));
                assert_eq!(role_on(account, false, Some(given)), Some(given), "the row decides, not users.role");
            }
            assert_eq!(role_on(account, false, None), None, "no row: no role");
        }
    }

    #[test]
    fn translating_needs_a_role_on_the_target() {
        let s = staff(Role::Administrator);
        let err = may_translate_into(&s, None).expect_err("no role there");
        assert_eq!(err.to_string(), "you have no role on that publication");
        for role in Role::ALL {
            assert!(may_translate_into(&staff(Role::Contributor), Some(role)).is_ok(), "{role:?} may start drafts");
        }
    }

    #[test]
    fn staff_without_a_profile_own_nothing() {
        let s = Staff { user_id: 2, role: Role::Author, author_id: None, network_wide: true };
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
