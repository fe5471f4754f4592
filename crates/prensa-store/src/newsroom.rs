//! The admin's half of the store: staff accounts, sessions, single-use
//! links, editing articles with optimistic concurrency, revisions, media
//! uploads and the change feed.
//!
//! A separate trait from [`Store`] because the public site needs none of
//! it; every backend implements both.
//!
//! Tokens (sessions, invites, resets) arrive here already hashed: the
//! store never sees a secret a browser holds, so a leaked database opens
//! no session.

use std::future::Future;

use chrono::{DateTime, Utc};
use prensa_core::{
    AdminArticleRow, AdminQuery, ArticleDraft, Author, Change, EditableArticle, Id, MediaAsset, NewUser, Page,
    Revision, SaveOutcome, Tag, TokenKind, Transition, User,
};

use prensa_core::permissions::Role;

use crate::Result;

/// Keys of the change feed for a write whose reach is unknown (an import).
pub const CHANGE_ALL: &str = "all";

/// Every backend keeps the Content API's keys too ([`crate::ApiKeys`]),
/// so whatever serves the admin can check and manage them; the reads
/// behind the search index and the sitemaps come with it as well.
/// The staff's lifecycle and the trash ([`crate::Staffing`]) come with it too.
pub trait Newsroom:
    crate::SearchSource + crate::SitemapSource + crate::ApiKeys + crate::MediaLibrary + crate::Staffing
{
    // --- accounts -------------------------------------------------------

    /// Creates an account without a password (it gets one through an
    /// invite): network-wide, or with its role on one publication
    /// ([`NewUser::publication`]), in one transaction.
    /// [`crate::StoreError::Invalid`] if the e-mail is taken or the author
    /// profile or publication does not exist.
    fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> impl Future<Output = Result<User>> + Send;

    fn user(&self, id: Id) -> impl Future<Output = Result<Option<User>>> + Send;

    /// The account and its password hash (`None` before the invite is
    /// accepted), for logging in. `email` is already normalized.
    fn user_for_login(&self, email: &str) -> impl Future<Output = Result<Option<(User, Option<String>)>>> + Send;

    /// All accounts, by e-mail.
    fn users(&self) -> impl Future<Output = Result<Vec<User>>> + Send;

    /// Sets the password hash and ends every session of the account (a
    /// password change signs out other browsers).
    fn set_password(&self, user: Id, hash: &str) -> impl Future<Output = Result<()>> + Send;

    /// The account role (`users.role`): the role on every publication of
    /// a network-wide account. [`crate::StoreError::NotFound`] for an
    /// unknown account.
    fn set_role(&self, user: Id, role: Role) -> impl Future<Output = Result<()>> + Send;

    /// The role account `user` was given on `publication`, if any (its
    /// `publication_roles` row; see `prensa_core::permissions::role_on`
    /// for what counts).
    fn publication_role(&self, user: Id, publication: Id) -> impl Future<Output = Result<Option<Role>>> + Send;

    /// Every role given per publication, as (account, publication, role),
    /// by account then publication (the staff page).
    fn publication_roles(&self) -> impl Future<Output = Result<Vec<(Id, Id, Role)>>> + Send;

    /// Gives account `user` `role` on `publication`, or takes its role there
    /// away (`None`). [`crate::StoreError::Invalid`] for a network-wide
    /// account (its role is [`Newsroom::set_role`]'s) or an unknown
    /// publication, [`crate::StoreError::NotFound`] for an unknown account.
    fn set_publication_role(
        &self,
        user: Id,
        publication: Id,
        role: Option<Role>,
    ) -> impl Future<Output = Result<()>> + Send;

    // --- single-use links ----------------------------------------------

    /// Stores a link's token digest; earlier unused links of the same kind
    /// for the account stop working.
    fn create_token(
        &self,
        kind: TokenKind,
        digest: &str,
        user: Id,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The account a still-valid, unused link belongs to (to show its form).
    fn token_user(
        &self,
        kind: TokenKind,
        digest: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<User>>> + Send;

    /// In one transaction: checks the link is valid and unused, marks it
    /// used, sets the password hash and ends the account's sessions.
    /// `None` (nothing written) for an unknown, used or expired link.
    fn redeem_token(
        &self,
        kind: TokenKind,
        digest: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<User>>> + Send;

    // --- sessions -------------------------------------------------------

    fn create_session(
        &self,
        digest: &str,
        user: Id,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The account of a live session: not past its expiry, and used within
    /// `idle` before `now` (a session idle for longer is deleted and
    /// `None`). Using it moves its last use to `now`, written at most once
    /// a minute so that a busy editor's every click is not a write.
    fn session_user(
        &self,
        digest: &str,
        now: DateTime<Utc>,
        idle: std::time::Duration,
    ) -> impl Future<Output = Result<Option<User>>> + Send;

    fn delete_session(&self, digest: &str) -> impl Future<Output = Result<()>> + Send;

    /// Ends every session of an account (role change, revocation); returns
    /// how many there were.
    fn delete_sessions_of(&self, user: Id) -> impl Future<Output = Result<u64>> + Send;

    // --- sign-in throttle -----------------------------------------------

    /// Before a password is checked: refused ([`LoginGate::Throttled`]) if
    /// any of `keys` (opaque: `account:<digest>`, `addr:<ip>`) has `limit`
    /// failures within `window` before `now`; otherwise the attempt is
    /// recorded as a failure against every key *now*, atomically with the
    /// count (so nodes racing for the last try cannot all get it), and is
    /// [`LoginGate::Open`]. A wrong password then needs nothing more; a
    /// right one calls [`Newsroom::login_succeeded`]. Failures older than
    /// the window are deleted on the way.
    fn begin_login(
        &self,
        keys: &[&str],
        limit: u32,
        window: std::time::Duration,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<LoginGate>> + Send;

    /// The password was right: withdraws the attempt and clears every
    /// failure of `account_key` (the address keeps its other failures, so
    /// one good password does not unlock guessing at other accounts).
    fn login_succeeded(&self, attempt: &LoginAttempt, account_key: &str) -> impl Future<Output = Result<()>> + Send;

    /// The secret called `name`, one for every node on this database
    /// (`server_secrets`, migration 0007): stored as `fresh` if there is
    /// none yet — the first caller wins, every later one, on any node, gets
    /// that value. Read once when a server starts; never logged.
    fn server_secret(&self, name: &str, fresh: &str) -> impl Future<Output = Result<String>> + Send;

    // --- articles -------------------------------------------------------

    /// The admin's article list: every stage, newest change first.
    fn admin_articles(
        &self,
        publication: Id,
        query: &AdminQuery,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Page<AdminArticleRow>>> + Send;

    fn editable_article(&self, id: Id) -> impl Future<Output = Result<Option<EditableArticle>>> + Send;

    /// Creates a draft (version 1) and its first revision. Tags are found
    /// by slug or created. [`crate::StoreError::Invalid`] for a taken slug,
    /// an unknown section, author or image.
    fn create_article(
        &self,
        publication: Id,
        draft: &ArticleDraft,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<EditableArticle>> + Send;

    /// Saves `draft` over version `expected_version`, keeping a revision
    /// and bumping the version; [`SaveOutcome::Conflict`] (nothing
    /// written) when the article has moved on. A published article whose
    /// slug changes keeps its old slug as a redirect.
    fn save_article(
        &self,
        id: Id,
        expected_version: i64,
        draft: &ArticleDraft,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<SaveOutcome>> + Send;

    /// The editor's save with a status change, as one transaction: saves
    /// `draft` over `expected_version` as [`Newsroom::save_article`] does,
    /// then applies `transition` (decided by the caller with
    /// `prensa_core::decide_transition` on that version). Both are written
    /// or neither: [`SaveOutcome::Conflict`] writes nothing, and an error
    /// rolls back the save too. With a transition and the text unchanged,
    /// no revision is made (a bare status change).
    fn save_and_transition(
        &self,
        id: Id,
        expected_version: i64,
        draft: &ArticleDraft,
        transition: Option<Transition>,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<SaveOutcome>> + Send;

    /// Moves the article along the editorial flow (same concurrency rule).
    fn transition(
        &self,
        id: Id,
        expected_version: i64,
        transition: Transition,
        user: Id,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<SaveOutcome>> + Send;

    /// The article a former slug of a published article now lives at.
    fn slug_redirect(&self, publication: Id, old_slug: &str) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Revisions of an article, newest first.
    fn revisions(&self, article: Id) -> impl Future<Output = Result<Vec<Revision>>> + Send;

    fn revision(&self, id: Id) -> impl Future<Output = Result<Option<Revision>>> + Send;

    /// Every author profile of the publication, by name (the editor's
    /// byline picker).
    fn authors(&self, publication: Id) -> impl Future<Output = Result<Vec<Author>>> + Send;

    /// Every tag of the publication, by name.
    fn tags(&self, publication: Id) -> impl Future<Output = Result<Vec<Tag>>> + Send;

    // --- media ----------------------------------------------------------

    /// Records an uploaded file (already placed in the media directory).
    /// Adding a key that exists is not an error.
    fn add_media(&self, asset: &MediaAsset) -> impl Future<Output = Result<()>> + Send;

    /// Media rows, newest upload first.
    fn media_list(&self, limit: u32, offset: u32) -> impl Future<Output = Result<Page<MediaAsset>>> + Send;

    // --- change feed ----------------------------------------------------

    /// Writes after content version `version`, oldest first. When the feed
    /// no longer reaches back that far (it keeps the most recent writes
    /// only) the result starts with a change keyed [`CHANGE_ALL`].
    fn changes_since(&self, version: i64) -> impl Future<Output = Result<Vec<Change>>> + Send;
}

/// What [`Newsroom::begin_login`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginGate {
    /// Go ahead and check the password; the attempt counts as a failure
    /// until [`Newsroom::login_succeeded`] withdraws it.
    Open(LoginAttempt),
    /// Too many recent failures: the next attempt is allowed after this
    /// many seconds (at least 1), when the oldest that counts ages out.
    Throttled { retry_after_secs: u64 },
}

/// The failure rows an open attempt wrote, one per key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    pub(crate) rows: Vec<Id>,
}
