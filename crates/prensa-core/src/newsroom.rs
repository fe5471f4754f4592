//! The newsroom's nouns: staff accounts, the article as the editor holds
//! it, the editorial flow, revisions and the change feed that tells every
//! node which cached pages a write touched.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Id, Status};
use crate::permissions::{Role, Staff, Stage};
use crate::slug;

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Id,
    /// Lower-cased; unique.
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The author profile this account writes as.
    pub author_id: Option<Id>,
    /// False until the invite has been accepted.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
    /// Whether `role` holds on every publication; else the account has
    /// only the roles given per publication
    /// ([`crate::permissions::role_on`]).
    pub network_wide: bool,
    /// Set while the account is deactivated: it cannot sign in, keeps its
    /// articles and revisions, and its e-mail stays taken.
    pub deactivated_at: Option<DateTime<Utc>>,
}

impl User {
    /// Not deactivated.
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }

    /// As far as permissions care. `role` must already be the role on the
    /// request's publication (the admin's session extractor puts it there).
    pub fn staff(&self) -> Staff {
        Staff { user_id: self.id, role: self.role, author_id: self.author_id, network_wide: self.network_wide }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub author_id: Option<Id>,
    /// `None`: a network-wide account, `role` on every publication.
    /// `Some(p)`: an account with `role` on publication `p` only.
    pub publication: Option<Id>,
}

/// Trims and lower-cases an e-mail address and checks its shape (one `@`,
/// something on both sides, a dot in the domain, no spaces). Delivery is
/// what really validates an address; this only catches typos.
pub fn normalize_email(text: &str) -> Result<String, &'static str> {
    let email = text.trim().to_lowercase();
    let Some((local, domain)) = email.split_once('@') else { return Err("an e-mail address needs an @") };
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err("that is not an e-mail address");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err("the e-mail address's domain looks incomplete");
    }
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("that is not an e-mail address");
    }
    Ok(email)
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A new account sets its first password.
    Invite,
    /// An administrator let someone choose a new password.
    Reset,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Invite => "invite",
            TokenKind::Reset => "reset",
        }
    }
}

/// A hero image as the editor sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftImage {
    pub key: String,
    pub alt: String,
    pub caption: Option<String>,
}

/// The fields of an article staff edit: what a save writes and a revision
/// keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDraft {
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    pub toc: bool,
    pub section_id: Id,
    /// Author profile ids in byline order.
    pub author_ids: Vec<Id>,
    /// Tag names in display order; unknown ones are created on save.
    pub tags: Vec<String>,
    pub image: Option<DraftImage>,
}

/// One problem with a field, for showing next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl ArticleDraft {
    pub const MAX_HEADLINE: usize = 300;
    pub const MAX_STANDFIRST: usize = 1_000;
    pub const MAX_BODY: usize = 500_000;

    /// Every problem at once; an empty list means the draft can be saved.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut bad = |field, message: &str| out.push(FieldError { field, message: message.to_owned() });
        if self.headline.trim().is_empty() {
            bad("headline", "a headline is required");
        } else if self.headline.chars().count() > Self::MAX_HEADLINE {
            bad("headline", "the headline is longer than 300 characters");
        }
        if self.standfirst.chars().count() > Self::MAX_STANDFIRST {
            bad("standfirst", "the standfirst is longer than 1,000 characters");
        }
        if self.body.len() > Self::MAX_BODY {
            bad("body", "the body is longer than 500 KB");
        }
        if !slug::is_valid_slug(&self.slug) {
            bad("slug", "the slug may hold only lower-case letters, digits and single dashes");
        } else if slug::RESERVED_ARTICLE_SLUGS.contains(&self.slug.as_str()) {
            bad("slug", "that slug is a reserved address of the site");
        }
        if self.author_ids.is_empty() {
            bad("authors", "an article needs at least one author");
        }
        let mut seen = std::collections::HashSet::new();
        if !self.author_ids.iter().all(|a| seen.insert(*a)) {
            bad("authors", "an author is listed twice");
        }
        for tag in &self.tags {
            if slug::slugify(tag).is_empty() {
                bad("tags", "a tag needs at least one letter or digit");
            }
        }
        if let Some(image) = &self.image {
            if image.alt.trim().is_empty() {
                bad("image_alt", "the image needs alt text describing it");
            }
        }
        out
    }
}

/// An article as the editor opens it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditableArticle {
    pub id: Id,
    pub publication_id: Id,
    /// Goes up by one with every save or status change; a save names the
    /// version it was made on, and a stale one is refused.
    pub version: i64,
    pub draft: ArticleDraft,
    pub status: Status,
    /// Submitted for review and not yet published or sent back.
    pub in_review: bool,
    /// Has been published at some point (so a draft now is "unpublished").
    pub ever_published: bool,
    /// The publish date (set when published or scheduled).
    pub published_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<Utc>,
    /// Who saved last.
    pub updated_by: Option<Id>,
}

impl EditableArticle {
    pub fn stage(&self, now: DateTime<Utc>) -> Stage {
        stage_of(self.status, self.in_review, self.ever_published, self.published_at, now)
    }
}

/// The editorial stage from the stored facts; the one rule behind the
/// dashboard, the list filter and permissions.
pub fn stage_of(
    status: Status,
    in_review: bool,
    ever_published: bool,
    published_at: DateTime<FixedOffset>,
    now: DateTime<Utc>,
) -> Stage {
    match status {
        Status::Published if published_at.with_timezone(&Utc) > now => Stage::Scheduled,
        Status::Published => Stage::Published,
        Status::Draft if in_review => Stage::InReview,
        Status::Draft if ever_published => Stage::Unpublished,
        Status::Draft => Stage::Draft,
    }
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Draft, Stage::InReview, Stage::Scheduled, Stage::Published, Stage::Unpublished];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::InReview => "review",
            Stage::Scheduled => "scheduled",
            Stage::Published => "published",
            Stage::Unpublished => "unpublished",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A status change the editor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    SubmitForReview,
    /// Back to a plain draft (withdraw from review).
    ReturnToDraft,
    /// Publish with this date: now or earlier publishes at once, later
    /// schedules.
    Publish {
        at: DateTime<FixedOffset>,
    },
    Unpublish,
}

/// What a staff member asks of an article's stage (the editor's buttons,
/// or a forged form: every request goes through [`decide_transition`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageRequest {
    /// A plain save: the stage stays as it is.
    Keep,
    SubmitForReview,
    /// Withdraw from review, back to a plain draft.
    ReturnToDraft,
    PublishNow,
    /// Publish at a later time.
    PublishAt(DateTime<FixedOffset>),
    Unpublish,
}

/// Why a stage change was refused, each kind with its own answer: the role
/// may not (403), the article's stage does not allow it (409), or the time
/// given is not in the future (422). Nothing is written on a refusal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Denied(#[from] crate::permissions::Denied),
    #[error("{0}")]
    WrongStage(&'static str),
    #[error("{0}")]
    NotInFuture(&'static str),
}

/// The one rule for moving an article along the editorial flow: from its
/// stage (`facts.stage`), what `staff` asks (`request`) and their role,
/// the transition to apply — `None` when the stage stays as it is — or a
/// named refusal. `now` is the current time in the publication's offset
/// (a publish-now date is written in it).
///
/// | request         | allowed from                               | result |
/// |-----------------|--------------------------------------------|--------|
/// | Keep            | any                                        | no change |
/// | SubmitForReview | draft, unpublished                         | in review |
/// | ReturnToDraft   | in review                                  | draft |
/// | PublishNow      | draft, in review, unpublished, scheduled   | published now |
/// | PublishNow      | published                                  | no change: keeps its publish date |
/// | PublishAt       | draft, in review, unpublished, scheduled   | scheduled (future times only) |
/// | Unpublish       | published, scheduled                       | unpublished |
///
/// Publishing what is already live is not refused (the text is still
/// saved, as by Update) but never moves its date: a live article's date is
/// what readers and feeds have seen. Scheduling a live article would take
/// it off the site until then, so that is refused.
pub fn decide_transition(
    staff: &Staff,
    facts: crate::permissions::ArticleFacts<'_>,
    request: StageRequest,
    now: DateTime<FixedOffset>,
) -> Result<Option<Transition>, Refusal> {
    use crate::permissions::{check, Action};
    let stage = facts.stage;
    match request {
        StageRequest::Keep => Ok(None),
        StageRequest::SubmitForReview => {
            check(staff, Action::SubmitForReview(facts))?;
            match stage {
                Stage::Draft | Stage::Unpublished => Ok(Some(Transition::SubmitForReview)),
                Stage::InReview => Err(Refusal::WrongStage("The article is already in review.")),
                Stage::Scheduled | Stage::Published => Err(Refusal::WrongStage(
                    "Only a draft can be submitted for review; this article is published or scheduled.",
                )),
            }
        }
        StageRequest::ReturnToDraft => {
            check(staff, Action::SubmitForReview(facts))?;
            match stage {
                Stage::InReview => Ok(Some(Transition::ReturnToDraft)),
                _ => Err(Refusal::WrongStage("The article is not in review.")),
            }
        }
        StageRequest::PublishNow => {
            check(staff, Action::Publish(facts))?;
            match stage {
                Stage::Published => Ok(None),
                _ => Ok(Some(Transition::Publish { at: now })),
            }
        }
        StageRequest::PublishAt(at) => {
            check(staff, Action::Publish(facts))?;
            if at <= now {
                return Err(Refusal::NotInFuture(
                    "The scheduled time has passed; choose a time in the future or publish now.",
                ));
            }
            match stage {
                Stage::Published => Err(Refusal::WrongStage(
                    "The article is already published; scheduling it would take it off the site until then. \
                     Unpublish it first, or schedule an update.",
                )),
                _ => Ok(Some(Transition::Publish { at })),
            }
        }
        StageRequest::Unpublish => {
            check(staff, Action::Unpublish(facts))?;
            match stage {
                Stage::Published | Stage::Scheduled => Ok(Some(Transition::Unpublish)),
                _ => Err(Refusal::WrongStage("The article is not published.")),
            }
        }
    }
}

/// A row of the admin's article list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdminArticleRow {
    pub id: Id,
    pub slug: String,
    pub headline: String,
    pub section: String,
    /// Author names in byline order.
    pub authors: Vec<String>,
    pub author_ids: Vec<Id>,
    pub status: Status,
    pub in_review: bool,
    pub ever_published: bool,
    pub published_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<Utc>,
}

impl AdminArticleRow {
    pub fn stage(&self, now: DateTime<Utc>) -> Stage {
        stage_of(self.status, self.in_review, self.ever_published, self.published_at, now)
    }
}

/// Filters of the admin's article list. Every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminQuery {
    pub stage: Option<Stage>,
    pub section: Option<Id>,
    pub author: Option<Id>,
    /// Case-insensitive substring of the headline.
    pub search: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// A kept version of an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    pub id: Id,
    pub article_id: Id,
    /// The article version this revision recorded.
    pub version: i64,
    pub user_id: Option<Id>,
    /// The saver's name at the time of reading (empty if the account is gone).
    pub user_name: String,
    pub saved_at: DateTime<Utc>,
    pub draft: ArticleDraft,
}

/// Where a translation stands against its original (the translation's
/// `translations` row and the original's current version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationState {
    /// The translation.
    pub article_id: Id,
    /// The group's original.
    pub original_id: Id,
    pub original_publication: Id,
    /// The translation's language.
    pub language: String,
    /// The original's version this translation follows.
    pub original_version: i64,
    /// The original's version now.
    pub original_current_version: i64,
}

impl TranslationState {
    /// The original was saved since the translation last caught up.
    pub fn original_changed(&self) -> bool {
        self.original_current_version > self.original_version
    }
}

/// One article of a translation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    pub article_id: Id,
    pub publication_id: Id,
    /// Its publication's language.
    pub language: String,
    /// Whether it is the group's original.
    pub original: bool,
}

/// A published article of a sister publication not yet translated into a
/// publication's language (the translation queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntranslatedRow {
    pub id: Id,
    pub publication_id: Id,
    /// Its publication's language.
    pub language: String,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub published_at: DateTime<FixedOffset>,
}

/// What a save or status change came to.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveOutcome {
    Saved(EditableArticle),
    /// The article changed since the version the editor started from;
    /// nothing was written. Holds the current state to merge against.
    Conflict(EditableArticle),
}

/// One write as the change feed records it: the new content version and
/// the surrogate keys of the pages it touched (`article:12`, `section:3`,
/// `author:5`, `tag:9`, `home`, `recent`, or `all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub version: i64,
    pub keys: Vec<String>,
}

/// What administrators change of a publication in the admin.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicationEdit {
    pub name: String,
    pub tagline: String,
    pub social: crate::SocialLinks,
    pub settings: crate::PublicationSettings,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn draft() -> ArticleDraft {
        ArticleDraft {
            slug: "a-story".into(),
            headline: "A story".into(),
            standfirst: String::new(),
            body: "Text".into(),
            toc: false,
            section_id: 1,
            author_ids: vec![1],
            tags: vec![],
            image: None,
        }
    }

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(normalize_email("  Ana@Example.ORG ").as_deref(), Ok("ana@example.org"));
        for bad in ["", "ana", "@example.org", "ana@", "ana@example", "a b@example.org", "ana@@example.org"] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_good_draft_has_no_problems() {
        assert!(draft().problems().is_empty());
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let d = ArticleDraft {
            slug: "Bad Slug".into(),
            headline: " ".into(),
            author_ids: vec![],
            tags: vec!["!!".into()],
            image: Some(DraftImage { key: "k.png".into(), alt: " ".into(), caption: None }),
            ..draft()
        };
        let fields: Vec<_> = d.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["headline", "slug", "authors", "tags", "image_alt"]);
        let twice = ArticleDraft { author_ids: vec![1, 1], ..draft() };
        assert_eq!(twice.problems()[0].message, "an author is listed twice");
        let reserved = ArticleDraft { slug: "admin".into(), ..draft() };
        assert_eq!(reserved.problems()[0].field, "slug");
    }

    #[test]
    fn stages_follow_the_stored_facts() {
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).single().expect("date");
        let past = now.fixed_offset() - chrono::Duration::hours(1);
        let future = now.fixed_offset() + chrono::Duration::hours(1);
        assert_eq!(stage_of(Status::Draft, false, false, past, now), Stage::Draft);
        assert_eq!(stage_of(Status::Draft, true, true, past, now), Stage::InReview);
        assert_eq!(stage_of(Status::Draft, false, true, past, now), Stage::Unpublished);
        assert_eq!(stage_of(Status::Published, false, true, future, now), Stage::Scheduled);
        assert_eq!(stage_of(Status::Published, false, true, past, now), Stage::Published);
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }

    /// Every request from every stage, for an editor (who may do
    /// everything the roles allow): the table in `decide_transition`'s docs.
    #[test]
    fn every_stage_transition_is_decided() {
        use crate::permissions::{ArticleFacts, Role, Staff};
        let editor = Staff { user_id: 1, role: Role::Editor, author_id: None, network_wide: true };
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).single().expect("date").fixed_offset();
        let later = now + chrono::Duration::hours(2);
        let earlier = now - chrono::Duration::hours(2);
        for stage in Stage::ALL {
            let facts = ArticleFacts { authors: &[9], stage };
            let decide = |r| decide_transition(&editor, facts, r, now);
            assert_eq!(decide(StageRequest::Keep), Ok(None));
            let submit = decide(StageRequest::SubmitForReview);
            match stage {
                Stage::Draft | Stage::Unpublished => assert_eq!(submit, Ok(Some(Transition::SubmitForReview))),
                _ => assert!(matches!(submit, Err(Refusal::WrongStage(_))), "{stage:?} {submit:?}"),
            }
            let withdraw = decide(StageRequest::ReturnToDraft);
            match stage {
                Stage::InReview => assert_eq!(withdraw, Ok(Some(Transition::ReturnToDraft))),
                _ => assert!(matches!(withdraw, Err(Refusal::WrongStage(_))), "{stage:?}"),
            }
            let publish = decide(StageRequest::PublishNow);
            match stage {
                // A live article keeps its date.
                Stage::Published => assert_eq!(publish, Ok(None)),
                _ => assert_eq!(publish, Ok(Some(Transition::Publish { at: now }))),
            }
            let schedule = decide(StageRequest::PublishAt(later));
            match stage {
                Stage::Published => {
                    assert!(matches!(schedule, Err(Refusal::WrongStage(_))), "live articles are not rescheduled")
                }
                _ => assert_eq!(schedule, Ok(Some(Transition::Publish { at: later }))),
            }
            assert!(matches!(decide(StageRequest::PublishAt(earlier)), Err(Refusal::NotInFuture(_))), "{stage:?}");
            assert!(matches!(decide(StageRequest::PublishAt(now)), Err(Refusal::NotInFuture(_))), "{stage:?}");
            let unpublish = decide(StageRequest::Unpublish);
            match stage {
                Stage::Published | Stage::Scheduled => assert_eq!(unpublish, Ok(Some(Transition::Unpublish))),
                _ => assert!(matches!(unpublish, Err(Refusal::WrongStage(_))), "{stage:?}"),
            }
        }
    }

    #[test]
    fn the_role_is_checked_before_the_stage() {
        use crate::permissions::{ArticleFacts, Role, Staff};
        let contributor = Staff { user_id: 1, role: Role::Contributor, author_id: Some(9), network_wide: true };
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).single().expect("date").fixed_offset();
        let facts = ArticleFacts { authors: &[9], stage: Stage::Published };
        for request in [
            StageRequest::PublishNow,
            StageRequest::PublishAt(now + chrono::Duration::hours(1)),
            StageRequest::Unpublish,
        ] {
            let refused = decide_transition(&contributor, facts, request, now);
            assert!(matches!(refused, Err(Refusal::Denied(_))), "{request:?}: {refused:?}");
        }
        let author = Staff { role: Role::Author, author_id: Some(7), ..contributor };
        assert!(
            matches!(decide_transition(&author, facts, StageRequest::PublishNow, now), Err(Refusal::Denied(_))),
            "not theirs"
        );
        let own = Staff { role: Role::Author, ..contributor };
        assert_eq!(decide_transition(&own, facts, StageRequest::PublishNow, now), Ok(None));
    }
}
