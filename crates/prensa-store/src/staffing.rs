//! Staff from invite to departure (issue 14), as the store keeps it:
//! invitations that create the invitee's author profile in the same
//! transaction, linking an account to a profile later, deactivating and
//! reactivating accounts, replies in review-note threads, and the article
//! trash with its purge job.
//!
//! The statements are written once for both backends in `staffing_sql.rs`
//! (migration 0014 adds the columns and the `job_claims` table).
//!
//! **Once across nodes.** [`Staffing::purge_trash`] is called by every
//! node's watcher tick. The first statement of its transaction is a
//! conditional `UPDATE job_claims SET next_run_at = now + every WHERE
//! name = 'trash_purge' AND next_run_at <= now`: on PostgreSQL a second
//! node's UPDATE waits for the first's row lock and then finds the row
//! moved on (READ COMMITTED re-checks the WHERE), on SQLite the write lock
//! serializes them; either way exactly one caller per period updates the
//! row, and only that caller purges. The claim and the purge commit
//! together, so a purge that fails leaves the claim for the next tick.

use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use prensa_core::{EditableArticle, Id, NewUser, User};

use crate::{Result, ReviewNote};

/// How long an article stays in the trash before the purge job deletes it.
pub const TRASH_DAYS: i64 = 30;

/// How often, at most, one node of the cluster runs the purge.
pub const PURGE_EVERY: Duration = Duration::hours(1);

/// The name of the purge job's row in `job_claims`.
pub const PURGE_JOB: &str = "trash_purge";

/// An author profile created with an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProfile {
    pub name: String,
    pub slug: String,
}

/// An article in the trash, for the trash page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashedArticle {
    pub id: Id,
    pub slug: String,
    pub headline: String,
    /// Author profile ids on the byline (who may restore it).
    pub author_ids: Vec<Id>,
    /// Whether it had been published (then only editors restore it).
    pub ever_published: bool,
    pub trashed_at: DateTime<Utc>,
    /// The name of the account that trashed it ("" once that is gone).
    pub trashed_by: String,
}

impl TrashedArticle {
    /// When the purge job deletes it.
    pub fn purge_at(&self) -> DateTime<Utc> {
        self.trashed_at + Duration::days(TRASH_DAYS)
    }
}

/// An article with open review notes, for its writer's dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesWaiting {
    pub article_id: Id,
    pub headline: String,
    /// Open threads on it.
    pub open: u64,
}

pub trait Staffing {
    // --- accounts -------------------------------------------------------

    /// [`crate::Newsroom::create_user`], and with `profile` first creates
    /// that author profile (empty bio, writing for `profile_publication`)
    /// and makes it the account's, all in one transaction
    /// (`user.author_id` is then ignored). [`crate::StoreError::Invalid`],
    /// nothing written, for an empty name, a bad or taken slug, or what
    /// `create_user` refuses.
    fn invite_user(
        &self,
        user: &NewUser,
        profile: Option<&NewProfile>,
        profile_publication: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<User>> + Send;

    /// Links the account to author profile `author` (or to none).
    /// [`crate::StoreError::NotFound`] for an unknown account,
    /// [`crate::StoreError::Invalid`] for an unknown profile.
    fn set_user_author(&self, user: Id, author: Option<Id>) -> impl Future<Output = Result<User>> + Send;

    /// Deactivates (`active = false`) or reactivates the account. Deactivating
    /// deletes every session of the account (sessions live in the database,
    /// so this signs it out on every node at once) and its unused links, and
    /// is refused ([`crate::StoreError::Invalid`], nothing written) when the
    /// account is the last active network-wide administrator, or the last
    /// active administrator of a publication. The row, its articles,
    /// revisions and notes stay; its e-mail stays taken. Reactivating keeps
    /// the password it had. [`crate::StoreError::NotFound`] for an unknown
    /// account.
    fn set_user_active(&self, user: Id, active: bool, now: DateTime<Utc>) -> impl Future<Output = Result<User>> + Send;

    // --- review-note threads ----------------------------------------------

    /// Adds `user`'s reply to the thread of note `note` of article
    /// `article` (a reply to a reply joins the same thread).
    /// [`crate::StoreError::NotFound`] for a note not on that article,
    /// [`crate::StoreError::Invalid`] for an empty or too long reply or a
    /// resolved thread.
    fn reply_to_note(
        &self,
        article: Id,
        note: Id,
        user: Id,
        body: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<ReviewNote>> + Send;

    /// The publication's articles (not in the trash) with `author` on the
    /// byline and open review-note threads, most recently noted first.
    fn notes_waiting(&self, publication: Id, author: Id) -> impl Future<Output = Result<Vec<NotesWaiting>>> + Send;

    // --- the trash --------------------------------------------------------

    /// When the article was moved to the trash (`None`: it is not there, or
    /// does not exist).
    fn trashed_at(&self, article: Id) -> impl Future<Output = Result<Option<DateTime<Utc>>>> + Send;

    /// In one transaction: unpublishes the article if it is published or
    /// scheduled, cancels its pending scheduled changes, ends its preview
    /// link, moves it to the trash and tells the change feed (a published
    /// article's pages, lists and translations are purged).
    /// [`crate::StoreError::NotFound`] for an unknown article,
    /// [`crate::StoreError::Invalid`] for one already in the trash.
    fn trash_article(
        &self,
        article: Id,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<EditableArticle>> + Send;

    /// Takes the article out of the trash, as an unpublished draft with its
    /// revisions. [`crate::StoreError::NotFound`] when it is not in the trash.
    fn restore_article(
        &self,
        article: Id,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<EditableArticle>> + Send;

    /// The publication's trash, most recently trashed first.
    fn trashed_articles(&self, publication: Id) -> impl Future<Output = Result<Vec<TrashedArticle>>> + Send;

    /// Deletes a trashed article for good with its revisions, notes,
    /// scheduled changes, redirects and translation link (an original's
    /// translations stay a group around the oldest of them). `false` when
    /// it is not in the trash (nothing deleted).
    fn delete_forever(&self, article: Id) -> impl Future<Output = Result<bool>> + Send;

    /// The purge job: if this caller wins the claim for the period (see the
    /// module docs), deletes as [`Staffing::delete_forever`] does every
    /// article trashed at least [`TRASH_DAYS`] before `now`, and returns
    /// their ids; `None` when another caller has the period (nothing done).
    /// The next claim opens at `now + every`.
    fn purge_trash(&self, now: DateTime<Utc>, every: Duration) -> impl Future<Output = Result<Option<Vec<Id>>>> + Send;
}
