//! The editorial workflow on top of the newsroom: review notes on articles
//! and changes scheduled for published ones (an update going live, or
//! unpublishing, at a set time).
//!
//! A trait of its own so that it can grow apart from [`Newsroom`]; every
//! backend implements both (the statements are in `editorial_sql.rs`).
//!
//! Translations: [`Editorial::translate_into`] starts a linked draft in a
//! sister publication, [`Editorial::untranslated`] is each publication's
//! queue of its sisters' articles not yet translated into its language,
//! and [`Editorial::translation_state`] tells a translation's editor when
//! its original moved on (the `translations` table of migration 0008,
//! which the import writes too).
//!
//! Scheduled changes are applied by [`Editorial::run_due_changes`], which
//! every node of a cluster may call at the same time: each change is
//! claimed, applied and marked done in one transaction, so exactly one call
//! applies it (PostgreSQL: `FOR UPDATE SKIP LOCKED` on the change's row;
//! SQLite: the database's write lock, taken first).

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{ArticleDraft, EditableArticle, GroupMember, Id, Page, TranslationState, UntranslatedRow};

use crate::{Newsroom, Result};

/// Longest review note the store takes, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;

/// A staff-only note on an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewNote {
    pub id: Id,
    pub article_id: Id,
    /// `None` once the account is gone.
    pub user_id: Option<Id>,
    /// The writer's name (empty once the account is gone).
    pub user_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<Id>,
    /// The thread's first note, for a reply (`None`: the note starts a
    /// thread). Resolving the first note resolves its replies with it.
    pub reply_to: Option<Id>,
}

impl ReviewNote {
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }
}

/// What a scheduled change does to its article.
// Few of these exist at a time; boxing the draft would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Saves this draft over the article's current version.
    Update(ArticleDraft),
    /// The [`prensa_core::Transition::Unpublish`] transition.
    Unpublish,
}

impl ChangeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Update(_) => "update",
            ChangeKind::Unpublish => "unpublish",
        }
    }
}

/// A change waiting for (or past) its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledChange {
    pub id: Id,
    pub article_id: Id,
    pub kind: ChangeKind,
    pub run_at: DateTime<Utc>,
    pub created_by: Option<Id>,
    pub created_at: DateTime<Utc>,
    /// The article version the change was scheduled on: an update applies
    /// only over that version. `None` for changes run before it was kept.
    pub base_version: Option<i64>,
    /// When it ran (or failed); `None` while pending.
    pub done_at: Option<DateTime<Utc>>,
    /// `"applied"`, `"failed: …"` or `"skipped: …"` once run.
    pub outcome: Option<String>,
}

impl ScheduledChange {
    /// Ran but could not apply (its draft is kept for the editor).
    pub fn failed(&self) -> bool {
        self.outcome.as_deref().is_some_and(|o| o.starts_with("failed:"))
    }
}

/// A change that could not apply, with its article's headline, for the
/// dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedChange {
    pub change: ScheduledChange,
    pub headline: String,
}

/// A change [`Editorial::run_due_changes`] took care of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub change: Id,
    pub article: Id,
    /// `"update"` or `"unpublish"`.
    pub kind: &'static str,
    /// Whether the change was made (otherwise `outcome` says why not).
    pub ok: bool,
    /// `"applied"`, `"failed: …"` or `"skipped: …"`, as stored.
    pub outcome: String,
}

pub trait Editorial: Newsroom {
    // --- review notes ---------------------------------------------------

    /// Adds an open note by `user`. [`crate::StoreError::NotFound`] for an
    /// unknown article; [`crate::StoreError::Invalid`] for an empty note or
    /// one over [`MAX_NOTE_CHARS`].
    fn add_note(
        &self,
        article: Id,
        user: Id,
        body: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<ReviewNote>> + Send;

    /// The article's notes, oldest first, with their writers' names.
    fn notes(&self, article: Id) -> impl Future<Output = Result<Vec<ReviewNote>>> + Send;

    /// Marks a note resolved by `user`, with its thread's replies.
    /// [`crate::StoreError::NotFound`] for an unknown note; resolving a
    /// resolved note changes nothing.
    fn resolve_note(&self, note: Id, user: Id, now: DateTime<Utc>) -> impl Future<Output = Result<ReviewNote>> + Send;

    /// How many of the article's notes (threads; replies do not count) are
    /// open.
    fn open_note_count(&self, article: Id) -> impl Future<Output = Result<u64>> + Send;

    // --- scheduled changes ----------------------------------------------

    /// Schedules `kind` for `run_at`, made on article version
    /// `base_version` (the version the editor's text was written against).
    /// [`crate::StoreError::NotFound`] for an unknown article. Whether the
    /// draft still fits is decided when the change runs: an update whose
    /// article is no longer at `base_version` then is not applied.
    fn schedule_change(
        &self,
        article: Id,
        kind: &ChangeKind,
        base_version: i64,
        run_at: DateTime<Utc>,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<ScheduledChange>> + Send;

    /// The article's changes not yet run, soonest first.
    fn pending_changes(&self, article: Id) -> impl Future<Output = Result<Vec<ScheduledChange>>> + Send;

    /// Deletes a change not yet run; `false` when there is no such pending
    /// change (unknown, or already run).
    fn cancel_change(&self, id: Id) -> impl Future<Output = Result<bool>> + Send;

    /// The article's changes that ran and failed (`failed: …`), newest
    /// first, until they are discarded: their drafts are kept for the editor.
    fn failed_changes(&self, article: Id) -> impl Future<Output = Result<Vec<ScheduledChange>>> + Send;

    /// The publication's failed changes not yet discarded, newest first, at
    /// most `limit`, with their articles' headlines (the dashboard).
    fn failed_changes_in(&self, publication: Id, limit: u32) -> impl Future<Output = Result<Vec<FailedChange>>> + Send;

    /// Deletes a failed change (its draft with it), once the editor has
    /// taken what they need; `false` when there is no such failed change.
    fn discard_change(&self, id: Id) -> impl Future<Output = Result<bool>> + Send;

    /// Applies every change due at `now`, each in one transaction that also
    /// marks it done, so that of several processes calling this at the same
    /// moment exactly one applies each change. An update saves its draft
    /// over the article (a new revision by the scheduling user, the version
    /// bumped, the change feed told) if the article is still at the version
    /// it was scheduled on; one edited since, or one that cannot apply (the
    /// slug is now taken …), is marked `failed: …`, not retried, and keeps
    /// its draft (see [`Editorial::failed_changes`]).
    fn run_due_changes(&self, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<Applied>>> + Send;

    // --- translations ---------------------------------------------------

    /// In one transaction, starts a translation of article `article` in
    /// publication `target`: a draft with its headline, standfirst, body,
    /// table-of-contents flag and hero image (alt, caption), its authors
    /// (added to the target publication), its tags mapped to the target's
    /// tags of the same slug (others dropped), its section mapped by slug
    /// (else the target's first section), its slug if free there (else
    /// suffixed with the language); and the `translations` row naming the
    /// group's original, the target's language and the original's current
    /// version. The change feed gets the new draft's keys and every group
    /// member's `article:` key. [`crate::StoreError::Invalid`] (nothing
    /// written) when the group already has an article in the target's
    /// language (its own publication included) or the target has no
    /// section; [`crate::StoreError::NotFound`] for an unknown article or
    /// publication. Who may do it is the caller's check.
    fn translate_into(
        &self,
        article: Id,
        target: Id,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<EditableArticle>> + Send;

    /// The article's group: its original first, then the translations by
    /// language. Empty when the article is in no group.
    fn translation_group(&self, article: Id) -> impl Future<Output = Result<Vec<GroupMember>>> + Send;

    /// The article's `translations` row with its original's current
    /// version; `None` when it is not a translation.
    fn translation_state(&self, article: Id) -> impl Future<Output = Result<Option<TranslationState>>> + Send;

    /// Marks translation `article` as following its original's current
    /// version; returns the new state, `None` when it is not a translation.
    fn mark_translation_current(&self, article: Id) -> impl Future<Output = Result<Option<TranslationState>>> + Send;

    /// Publication `publication`'s translation queue: the published
    /// (by `now`) originals of the other publications whose group has no
    /// article in `language` (this publication's), newest first; only
    /// those written in `only_language` when given. Translations are not
    /// listed: their group's original stands for them.
    fn untranslated(
        &self,
        publication: Id,
        language: &str,
        only_language: Option<&str>,
        limit: u32,
        offset: u32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Page<UntranslatedRow>>> + Send;
}
