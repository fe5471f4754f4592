//! The dashboard, the article list, the editor (create, save, status
//! changes, preview, autosave) and revisions.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts, Staff, Stage};
use prensa_core::{
    decide_transition, slug, AdminArticleRow, AdminQuery, Article, ArticleDraft, Author, DraftImage, EditableArticle,
    FieldError, HeroImage, Id, Image, Refusal, SaveOutcome, StageRequest, Status, Transition,
};
use prensa_store::{ChangeKind, Editorial, Newsroom};
use serde::{Deserialize, Serialize};

use super::form::FormData;
use super::session::{Posted, Staffer};
use super::{sees_everything, AdminError, Chrome};
use crate::state::{AppState, Site};

type Shared<S> = State<Arc<AppState<S>>>;

/// Rows per page of the article list.
const LIST_PAGE: u32 = 25;
/// Byline positions the editor offers.
const AUTHOR_SLOTS: usize = 4;

pub fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Draft => "Draft",
        Stage::InReview => "In review",
        Stage::Scheduled => "Scheduled",
        Stage::Published => "Published",
        Stage::Unpublished => "Unpublished",
    }
}

/// The publication's time zone (UTC when the stored name is unknown).
fn zone(site: &Site) -> chrono_tz::Tz {
    site.publication.timezone.parse().unwrap_or(chrono_tz::UTC)
}

pub(crate) fn local_text(site: &Site, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone(site)).format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Debug, Serialize)]
struct RowView {
    id: Id,
    headline: String,
    section: String,
    authors: String,
    stage: &'static str,
    stage_label: &'static str,
    when: String,
    url: String,
}

/// `staff` decides whether the headline links to the editor: lists show
/// contributors everyone's scheduled and published pieces, but only their
/// own open.
fn row_view(site: &Site, staff: &Staff, r: &AdminArticleRow, now: DateTime<Utc>) -> RowView {
    let stage = r.stage(now);
    let readable = check(staff, Action::ReadArticle(ArticleFacts { authors: &r.author_ids, stage })).is_ok();
    let when = match stage {
        Stage::Scheduled | Stage::Published => local_text(site, r.published_at.with_timezone(&Utc)),
        _ => local_text(site, r.updated_at),
    };
    RowView {
        id: r.id,
        headline: r.headline.clone(),
        section: r.section.clone(),
        authors: r.authors.join(", "),
        stage: stage.as_str(),
        stage_label: stage_label(stage),
        when,
        url: if readable { format!("/admin/articles/{}/", r.id) } else { String::new() },
    }
}

#[derive(Serialize)]
struct Block {
    title: &'static str,
    rows: Vec<RowView>,
    more: String,
}

/// A scheduled change that could not apply, as the dashboard lists it.
#[derive(Debug, Serialize)]
struct FailedRow {
    headline: String,
    what: &'static str,
    when: String,
    why: String,
    url: String,
}

/// The outcome of a failed change without its `failed: ` prefix.
fn failure_reason(outcome: Option<&str>) -> String {
    let outcome = outcome.unwrap_or_default();
    let why = outcome.strip_prefix("failed: ").unwrap_or(outcome);
    let mut chars = why.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn change_what(kind: &ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Update(_) => "Update",
        ChangeKind::Unpublish => "Unpublish",
    }
}

/// `GET /admin/`: my drafts, in review, scheduled, recently published, and
/// any scheduled change that could not apply.
pub async fn dashboard<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::UseAdmin)?;
    let now = Utc::now();
    let mine = staff.author_id;
    let everyone = sees_everything(staff.role);
    let specs: [(&'static str, Stage, Option<Id>); 4] = [
        ("My drafts", Stage::Draft, mine.or(Some(-1))),
        ("In review", Stage::InReview, if everyone { None } else { mine.or(Some(-1)) }),
        ("Scheduled", Stage::Scheduled, None),
        ("Recently published", Stage::Published, None),
    ];
    let mut blocks = Vec::new();
    for (title, stage, author) in specs {
        let q = AdminQuery { stage: Some(stage), author, limit: 5, ..Default::default() };
        let page = state.store.admin_articles(site.publication.id, &q, now).await?;
        let mut more = format!("/admin/articles/?stage={}", stage.as_str());
        if let Some(a) = author.filter(|a| *a > 0) {
            more.push_str(&format!("&author={a}"));
        }
        blocks.push(Block { title, rows: page.items.iter().map(|r| row_view(&site, &staff, r, now)).collect(), more });
    }
    let failed = state
        .store
        .failed_changes_in(site.publication.id, 10)
        .await?
        .into_iter()
        .map(|f| FailedRow {
            what: change_what(&f.change.kind),
            when: local_text(&site, f.change.run_at),
            why: failure_reason(f.change.outcome.as_deref()),
            url: format!("/admin/articles/{}/#failed", f.change.article_id),
            headline: f.headline,
        })
        .collect();
    // The open review notes on this account's own articles.
    let notes: Vec<NotesRow> = match mine {
        Some(author) => state
            .store
            .notes_waiting(site.publication.id, author)
            .await?
            .into_iter()
            .map(|w| NotesRow { url: format!("/admin/articles/{}/#notes", w.article_id), headline: w.headline, open: w.open })
            .collect(),
        None => Vec::new(),
    };
    let open_notes: u64 = notes.iter().map(|n| n.open).sum();
    #[derive(Serialize)]
    struct NotesRow {
        url: String,
        headline: String,
        open: u64,
    }
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        blocks: Vec<Block>,
        failed: Vec<FailedRow>,
        timezone: String,
        notes: Vec<NotesRow>,
        open_notes: u64,
    }
    let timezone = site.publication.timezone.clone();
    let ctx = Ctx { chrome: Chrome::new(&site, &staffer), blocks, failed, timezone, notes, open_notes };
    state.admin.page(StatusCode::OK, "dashboard.html", ctx)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// One option of a filter's `<select>` (the article list's, the
/// translation queue's).
#[derive(Serialize)]
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

/// `GET /admin/articles/`: every article, filtered by stage, section,
/// author and headline, paginated.
pub async fn list<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::UseAdmin)?;
    let now = Utc::now();
    let page: u32 = lq.page.parse().unwrap_or(1).max(1);
    let query = AdminQuery {
        stage: Stage::parse(&lq.stage),
        section: lq.section.parse().ok(),
        author: lq.author.parse().ok(),
        search: Some(lq.q.trim().to_owned()).filter(|s| !s.is_empty()),
        limit: LIST_PAGE,
        offset: (page - 1).saturating_mul(LIST_PAGE),
    };
    let result = state.store.admin_articles(site.publication.id, &query, now).await?;
    let authors = state.store.authors(site.publication.id).await?;
    let pages = u32::try_from(result.total.div_ceil(u64::from(LIST_PAGE))).unwrap_or(u32::MAX).max(1);
    let link = |n: u32| {
        format!(
            "/admin/articles/?stage={}&section={}&author={}&q={}&page={n}",
            crate::views::encode_query(&lq.stage),
            crate::views::encode_query(&lq.section),
            crate::views::encode_query(&lq.author),
            crate::views::encode_query(&lq.q)
        )
    };
    let mut stages = vec![Choice { value: String::new(), label: "Any status".into(), selected: query.stage.is_none() }];
    stages.extend(Stage::ALL.into_iter().map(|s| Choice {
        value: s.as_str().into(),
        label: stage_label(s).into(),
        selected: query.stage == Some(s),
    }));
    let mut sections = vec![Choice { value: String::new(), label: "Any section".into(), selected: query.section.is_none() }];
    sections.extend(site.sections.iter().map(|s| Choice {
        value: s.id.to_string(),
        label: s.name.clone(),
        selected: query.section == Some(s.id),
    }));
    let mut author_choices = vec![Choice { value: String::new(), label: "Any author".into(), selected: query.author.is_none() }];
    author_choices.extend(authors.iter().map(|a| Choice {
        value: a.id.to_string(),
        label: a.name.clone(),
        selected: query.author == Some(a.id),
    }));
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<RowView>,
        total: u64,
        page: u32,
        pages: u32,
        prev: Option<String>,
        next: Option<String>,
        stages: Vec<Choice>,
        sections: Vec<Choice>,
        authors: Vec<Choice>,
        q: String,
    }
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        rows: result.items.iter().map(|r| row_view(&site, &staff, r, now)).collect(),
        total: result.total,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        stages,
        sections,
        authors: author_choices,
        q: lq.q.clone(),
    };
    state.admin.page(StatusCode::OK, "articles.html", ctx)
}

/// Reads the editor's fields into a draft, with every problem found.
fn draft_from_form(form: &FormData, site: &Site, authors: &[Author]) -> (ArticleDraft, Vec<FieldError>) {
    let mut problems = Vec::new();
    let headline = form.get("headline").trim().to_owned();
    let typed_slug = form.get("slug").trim().to_owned();
    let slug = if typed_slug.is_empty() { slug::slugify(&headline) } else { typed_slug };
    let section_id = form.get("section").parse::<Id>().ok().filter(|id| site.sections.iter().any(|s| s.id == *id));
    if section_id.is_none() {
        problems.push(FieldError { field: "section", message: "choose a section".into() });
    }
    let mut author_ids = Vec::new();
    for value in form.all("author").iter().filter(|v| !v.is_empty()) {
        match value.parse::<Id>().ok().filter(|id| authors.iter().any(|a| a.id == *id)) {
            Some(id) => author_ids.push(id),
            None => problems.push(FieldError { field: "authors", message: "an author in the byline does not exist".into() }),
        }
    }
    let mut seen = HashSet::new();
    let tags = form
        .get("tags")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .filter(|t| seen.insert(slug::slugify(t)))
        .map(str::to_owned)
        .collect();
    let image_key = form.get("image_key").trim();
    let image = (!image_key.is_empty()).then(|| DraftImage {
        key: image_key.to_owned(),
        alt: form.get("image_alt").trim().to_owned(),
        caption: Some(form.get("image_caption").trim().to_owned()).filter(|c| !c.is_empty()),
    });
    let draft = ArticleDraft {
        slug,
        headline,
        standfirst: form.get("standfirst").trim().to_owned(),
        // Line endings as browsers send them (CRLF) would make every
        // revision differ from an imported one.
        body: form.get("body").replace("\r\n", "\n"),
        toc: form.has("toc"),
        section_id: section_id.unwrap_or(0),
        author_ids,
        tags,
        image,
    };
    let had_author_problem = problems.iter().any(|q| q.field == "authors");
    problems.extend(draft.problems().into_iter().filter(|p| !(p.field == "authors" && had_author_problem)));
    (draft, problems)
}

#[derive(Serialize, Default)]
struct EditorPage {
    /// Language versions, "Translate into…" and "the original changed"
    /// (loaded with the editorial parts).
    translation: Option<super::translations::Panel>,
    chrome: Option<Chrome>,
    is_new: bool,
    action: String,
    id: Id,
    version: i64,
    stage: &'static str,
    stage_label: &'static str,
    headline: String,
    standfirst: String,
    body: String,
    slug: String,
    toc: bool,
    tags: String,
    image_key: String,
    image_alt: String,
    image_caption: String,
    sections: Vec<Choice>,
    author_slots: Vec<Vec<Choice>>,
    image_picker: Option<super::media::Picker>,
    problems: Vec<FieldError>,
    notice: Option<String>,
    conflict: Option<ConflictView>,
    can_save: bool,
    /// Why the page is read-only (shown when `can_save` is false).
    read_only_reason: String,
    can_submit: bool,
    can_withdraw: bool,
    can_publish: bool,
    can_unpublish: bool,
    is_live: bool,
    autosave: bool,
    publish_at: String,
    timezone: String,
    public_url: Option<String>,
    published_text: Option<String>,
    /// Whether the secret preview link block shows (drafts only).
    has_preview_link: bool,
    /// The link itself: only in the answer to making it (the store keeps
    /// its digest, so it cannot be shown again).
    preview_link: Option<String>,
    /// A link exists (made at `preview_made`, if known).
    preview_exists: bool,
    preview_made: Option<String>,
    // Review notes and scheduled changes (filled by `with_editorial`).
    editorial_loaded: bool,
    notes: Vec<NoteView>,
    open_notes: u64,
    can_write_notes: bool,
    can_override_notes: bool,
    pending: Vec<PendingView>,
    /// Scheduled changes that could not apply, until discarded.
    failed: Vec<FailedView>,
    can_schedule_update: bool,
    can_schedule_unpublish: bool,
    change_at: String,
    /// May reply in review-note threads / move the article to the trash
    /// (set by `with_editorial`).
    can_reply_notes: bool,
    can_trash: bool,
    /// SEO and social fields, custom fields, and their preview.
    seo: super::seo::SeoPanel,
}

#[derive(Serialize)]
struct NoteView {
    id: Id,
    author: String,
    when: String,
    body: String,
    open: bool,
    resolved_text: Option<String>,
    /// The thread's replies, oldest first (a reply has none).
    replies: Vec<NoteView>,
}

#[derive(Serialize)]
struct PendingView {
    id: Id,
    what: &'static str,
    when: String,
    can_cancel: bool,
}

/// A scheduled change that ran and failed: why, and (for an update) its
/// text, so that nothing of it is lost.
#[derive(Serialize)]
struct FailedView {
    id: Id,
    what: &'static str,
    when: String,
    why: String,
    /// The update's text against the article's current one.
    diff: Vec<DiffLine>,
    body: Option<String>,
    can_discard: bool,
}

#[derive(Serialize)]
struct ConflictView {
    message: String,
    diff: Vec<DiffLine>,
}

#[derive(Debug, Serialize)]
pub struct DiffLine {
    tag: &'static str,
    text: String,
}

/// A line diff of two drafts as the revision pages and the conflict view
/// show it: each field as labelled lines, then the body.
pub fn diff_drafts(old: &ArticleDraft, new: &ArticleDraft) -> Vec<DiffLine> {
    fn text(d: &ArticleDraft) -> String {
        let image = d.image.as_ref().map_or(String::new(), |i| format!("{} ({})", i.key, i.alt));
        format!(
            "Headline: {}\nStandfirst: {}\nSlug: {}\nTags: {}\nImage: {image}\n\n{}\n",
            d.headline,
            d.standfirst,
            d.slug,
            d.tags.join(", "),
            d.body.trim_end()
        )
    }
    let (a, b) = (text(old), text(new));
    let diff = similar::TextDiff::from_lines(&a, &b);
    diff.iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                similar::ChangeTag::Delete => "del",
                similar::ChangeTag::Insert => "ins",
                similar::ChangeTag::Equal => "same",
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

struct EditorInputs<'a> {
    site: &'a Site,
    staffer: &'a Staffer,
    authors: &'a [Author],
    /// The newest images, for the lead image picker, and whether there are more.
    images: (Vec<prensa_core::MediaInfo>, bool),
    /// The publication's custom fields, and the article's SEO fields and
    /// values (saved, or as posted).
    fields: Vec<prensa_core::CustomField>,
    extras: prensa_core::ArticleExtras,
}

fn editor_page(inputs: &EditorInputs<'_>, article: Option<&EditableArticle>, draft: &ArticleDraft) -> EditorPage {
    let now = Utc::now();
    let staff = inputs.staffer.user.staff();
    let stage = article.map_or(Stage::Draft, |a| a.stage(now));
    let facts = ArticleFacts { authors: &draft.author_ids, stage };
    let may = |a: Action<'_>| check(&staff, a).is_ok();
    let live = matches!(stage, Stage::Published | Stage::Scheduled);
    let mut slots: Vec<Vec<Choice>> = Vec::with_capacity(AUTHOR_SLOTS);
    for i in 0..AUTHOR_SLOTS.max(draft.author_ids.len()) {
        let chosen = draft.author_ids.get(i).copied();
        let mut choices = vec![Choice { value: String::new(), label: "—".into(), selected: chosen.is_none() }];
        choices.extend(inputs.authors.iter().map(|a| Choice {
            value: a.id.to_string(),
            label: a.name.clone(),
            selected: chosen == Some(a.id),
        }));
        slots.push(choices);
    }
    let current_key = draft.image.as_ref().map(|i| i.key.as_str());
    let image_picker = super::media::picker_of("image_key", "No image", &inputs.images.0, current_key).with_more(inputs.images.1);
    let tz = zone(inputs.site);
    let default_at = article
        .filter(|_| stage == Stage::Scheduled)
        .map_or(now, |a| a.published_at.with_timezone(&Utc));
    EditorPage {
        translation: None,
        chrome: Some(Chrome::new(inputs.site, inputs.staffer)),
        is_new: article.is_none(),
        action: article.map_or_else(|| "/admin/articles/new".to_owned(), |a| format!("/admin/articles/{}/", a.id)),
        id: article.map_or(0, |a| a.id),
        version: article.map_or(0, |a| a.version),
        stage: stage.as_str(),
        stage_label: stage_label(stage),
        headline: draft.headline.clone(),
        standfirst: draft.standfirst.clone(),
        body: draft.body.clone(),
        slug: draft.slug.clone(),
        toc: draft.toc,
        tags: draft.tags.join(", "),
        image_key: draft.image.as_ref().map(|i| i.key.clone()).unwrap_or_default(),
        image_alt: draft.image.as_ref().map(|i| i.alt.clone()).unwrap_or_default(),
        image_caption: draft.image.as_ref().and_then(|i| i.caption.clone()).unwrap_or_default(),
        sections: section_choices(&inputs.site.sections, draft.section_id),
        author_slots: slots,
        image_picker: Some(image_picker),
        problems: Vec::new(),
        notice: None,
        conflict: None,
        can_save: article.is_none() || may(Action::EditArticle(facts)),
        read_only_reason: match article {
            Some(_) => check(&staff, Action::EditArticle(facts)).err().map(|d| format!("{d}.")).unwrap_or_default(),
            None => String::new(),
        },
        can_submit: matches!(stage, Stage::Draft | Stage::Unpublished) && may(Action::SubmitForReview(facts)),
        can_withdraw: stage == Stage::InReview && may(Action::SubmitForReview(facts)),
        // A scheduled article can still be published at once or moved to
        // another time; only a published one has nothing to publish.
        can_publish: stage != Stage::Published && may(Action::Publish(facts)),
        can_unpublish: live && may(Action::Unpublish(facts)),
        is_live: live,
        autosave: article.is_some() && !live,
        publish_at: default_at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
        timezone: inputs.site.publication.timezone.clone(),
        public_url: article
            .filter(|_| stage == Stage::Published)
            .map(|a| crate::views::article_path(&a.draft.slug)),
        published_text: article.filter(|_| live).map(|a| local_text(inputs.site, a.published_at.with_timezone(&Utc))),
        has_preview_link: false,
        preview_link: None,
        preview_exists: false,
        preview_made: None,
        editorial_loaded: false,
        notes: Vec::new(),
        open_notes: 0,
        can_write_notes: article.is_some() && may(Action::WriteReviewNote),
        can_override_notes: !live && may(Action::Publish(facts)) && may(Action::OverrideOpenNotes),
        pending: Vec::new(),
        failed: Vec::new(),
        can_schedule_update: live && may(Action::EditArticle(facts)) && may(Action::Publish(facts)),
        can_schedule_unpublish: live && may(Action::Unpublish(facts)),
        change_at: (now + chrono::Duration::hours(1)).with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
        can_reply_notes: false,
        can_trash: false,
        seo: super::seo::panel(inputs.site, draft, &inputs.extras, &inputs.fields, &inputs.images.0),
    }
}

/// Adds the article's review notes and pending scheduled changes to the
/// editor page.
async fn with_editorial<S: Editorial>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    article: &EditableArticle,
    page: &mut EditorPage,
) -> Result<(), AdminError> {
    let staff = staffer.user.staff();
    let facts = ArticleFacts { authors: &article.draft.author_ids, stage: article.stage(Utc::now()) };
    let notes = state.store.notes(article.id).await?;
    let view = |n: &prensa_store::ReviewNote| NoteView {
        id: n.id,
        author: if n.user_name.is_empty() { "(former staff)".into() } else { n.user_name.clone() },
        when: local_text(site, n.created_at),
        body: n.body.clone(),
        open: n.is_open(),
        resolved_text: n.resolved_at.map(|at| local_text(site, at)),
        replies: Vec::new(),
    };
    // Threads: each first note with its replies.
    page.open_notes = notes.iter().filter(|n| n.is_open() && n.reply_to.is_none()).count() as u64;
    page.notes = notes
        .iter()
        .filter(|n| n.reply_to.is_none())
        .map(|root| NoteView { replies: notes.iter().filter(|r| r.reply_to == Some(root.id)).map(view).collect(), ..view(root) })
        .collect();
    page.can_reply_notes = check(&staff, Action::ReplyToNote(facts)).is_ok();
    page.can_trash = check(&staff, Action::TrashArticle(facts)).is_ok();
    page.pending = state
        .store
        .pending_changes(article.id)
        .await?
        .iter()
        .map(|c| {
            let (what, may) = match &c.kind {
                ChangeKind::Update(_) => ("Update goes live", check(&staff, Action::Publish(facts)).is_ok()),
                ChangeKind::Unpublish => ("Unpublish", check(&staff, Action::Unpublish(facts)).is_ok()),
            };
            PendingView { id: c.id, what, when: local_text(site, c.run_at), can_cancel: may }
        })
        .collect();
    page.failed = state
        .store
        .failed_changes(article.id)
        .await?
        .iter()
        .map(|c| {
            let (diff, body, may) = match &c.kind {
                ChangeKind::Update(d) => {
                    (diff_drafts(&article.draft, d), Some(d.body.clone()), check(&staff, Action::Publish(facts)).is_ok())
                }
                ChangeKind::Unpublish => (Vec::new(), None, check(&staff, Action::Unpublish(facts)).is_ok()),
            };
            FailedView {
                id: c.id,
                what: change_what(&c.kind),
                when: local_text(site, c.run_at),
                why: failure_reason(c.outcome.as_deref()),
                diff,
                body,
                can_discard: may,
            }
        })
        .collect();
    page.translation = Some(super::translations::panel(state, site, staffer, article).await?);
    page.editorial_loaded = true;
    Ok(())
}

async fn inputs<'a, S: Newsroom>(
    state: &AppState<S>,
    site: &'a Site,
    staffer: &'a Staffer,
    authors: &'a [Author],
) -> Result<EditorInputs<'a>, AdminError> {
    let images = super::media::newest(&state.store).await?;
    let fields = state.store.custom_fields(site.publication.id).await?;
    Ok(EditorInputs { site, staffer, authors, images, fields, extras: Default::default() })
}

/// `GET /admin/articles/new`.
pub async fn new_form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::CreateArticle)?;
    let authors = state.store.authors(site.publication.id).await?;
    let draft = ArticleDraft {
        slug: String::new(),
        headline: String::new(),
        standfirst: String::new(),
        body: String::new(),
        toc: false,
        // No section until one is chosen: a default one sent an article
        // live in the wrong section (issue 14).
        section_id: 0,
        author_ids: staffer.user.author_id.into_iter().collect(),
        tags: Vec::new(),
        image: None,
    };
    let inputs = inputs(&state, &site, &staffer, &authors).await?;
    state.admin.page(StatusCode::OK, "editor.html", editor_page(&inputs, None, &draft))
}

/// The section picker: the publication's sections, with the draft's one
/// selected, and — while none is (a new article, or a form sent back
/// without one) — a first, empty "Choose a section" entry, so a section is
/// always chosen, never taken by default.
fn section_choices(sections: &[prensa_core::Section], selected: Id) -> Vec<Choice> {
    let chosen = sections.iter().any(|s| s.id == selected);
    let placeholder = (!chosen).then(|| Choice { value: String::new(), label: "Choose a section…".into(), selected: true });
    placeholder
        .into_iter()
        .chain(sections.iter().map(|s| Choice { value: s.id.to_string(), label: s.name.clone(), selected: s.id == selected }))
        .collect()
}

/// Staff below editor must stay on the byline of what they write, or they
/// would lose the article the moment they save it.
fn byline_rule(staffer: &Staffer, draft: &ArticleDraft) -> Option<FieldError> {
    let staff = staffer.user.staff();
    if sees_everything(staff.role) {
        return None;
    }
    match staff.author_id {
        Some(me) if draft.author_ids.contains(&me) => None,
        Some(_) => Some(FieldError { field: "authors", message: "you must stay on the byline of your own article".into() }),
        None => Some(FieldError { field: "authors", message: "your account has no author profile; ask an editor".into() }),
    }
}

/// `POST /admin/articles/new`: creates the draft, then continues in its
/// editor.
pub async fn create<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    check(&staffer.user.staff(), Action::CreateArticle)?;
    let authors = state.store.authors(site.publication.id).await?;
    let (mut draft, mut problems) = draft_from_form(&form, &site, &authors);
    super::media::prefill_hero(&state.store, draft.image.as_mut(), &mut problems).await?;
    problems.extend(byline_rule(&staffer, &draft));
    let mut inputs = inputs(&state, &site, &staffer, &authors).await?;
    let (extras, more) = super::seo::extras_from_form(&form, &inputs.fields);
    problems.extend(more);
    if problems.is_empty() {
        match state.store.create_article(site.publication.id, &draft, staffer.user.id, Utc::now()).await {
            Ok(article) => {
                super::seo::save(&state, article.id, &extras).await?;
                state.sync_changes().await;
                return Ok(Redirect::to(&format!("/admin/articles/{}/?saved=created", article.id)).into_response());
            }
            Err(prensa_store::StoreError::Invalid(why)) => problems.push(FieldError { field: "form", message: why }),
            Err(e) => return Err(e.into()),
        }
    }
    inputs.extras = extras;
    let mut page = editor_page(&inputs, None, &draft);
    page.problems = problems;
    state.admin.page(StatusCode::UNPROCESSABLE_ENTITY, "editor.html", page)
}

pub(crate) async fn load<S: Newsroom>(state: &AppState<S>, site: &Site, id: Id) -> Result<EditableArticle, AdminError> {
    let article = state
        .store
        .editable_article(id)
        .await?
        .filter(|a| a.publication_id == site.publication.id)
        .ok_or_else(AdminError::not_found)?;
    // A trashed article is edited nowhere until it is restored.
    if state.store.trashed_at(id).await?.is_some() {
        return Err(AdminError::new(
            StatusCode::NOT_FOUND,
            "This article is in the trash. Restore it from the trash (Trash, in the menu) to edit it again.",
        ));
    }
    Ok(article)
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    saved: String,
    /// `earlier`: the time given fell in the hour the clocks go back.
    #[serde(default)]
    dst: String,
}

fn saved_notice(what: &str) -> Option<String> {
    let text = match what {
        "created" => "Draft created.",
        "saved" => "Saved.",
        "submit" => "Saved and submitted for review.",
        "draft" => "Saved and returned to draft.",
        "publish" => "Published.",
        "already_published" => "Saved. The article was already published, so its publish date stays as it was.",
        "schedule" => "Scheduled.",
        "unpublish" => "Unpublished: readers no longer see it.",
        "restored" => "Revision restored (as a new revision).",
        "schedule_update" => "Update scheduled: readers see it at the time set; nothing changed yet.",
        "schedule_unpublish" => "Unpublishing scheduled.",
        "cancelled" => "Scheduled change cancelled.",
        "discarded" => "The change that did not apply was discarded, with its text.",
        "note" => "Review note added.",
        "resolved" => "Review note resolved.",
        "reply" => "Reply added to the review note.",
        "untrashed" => "Restored from the trash, as a draft.",
        "preview_revoked" => "Secret preview link revoked: it no longer opens anything.",
        "translation" => "Translation started: a draft with the original's text, to translate here.",
        "up-to-date" => "Marked as up to date with the original.",
        _ => return None,
    };
    Some(text.to_owned())
}

/// `GET /admin/articles/{id}/`.
pub async fn edit<S: Editorial + prensa_store::Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Path(id): Path<Id>,
    Query(q): Query<EditQuery>,
) -> Result<Response, AdminError> {
    let article = load(&state, &site, id).await?;
    let facts = ArticleFacts { authors: &article.draft.author_ids, stage: article.stage(Utc::now()) };
    // Its authors may open it whatever its stage (the page then offers only
    // what they may do); others need to be editors.
    check(&staffer.user.staff(), Action::ReadArticle(facts))?;
    let mut notice = saved_notice(&q.saved);
    if q.dst == "earlier" {
        if let Some(n) = notice.as_mut() {
            n.push_str(&format!(
                " The time you gave happens twice in {} (the clocks go back an hour that night); \
                 the earlier of the two was taken.",
                site.publication.timezone
            ));
        }
    }
    editor_response(&state, &site, &staffer, &article, notice, None).await
}

/// The editor page of a saved article, with its review notes, scheduled
/// changes and preview link; `fresh_link` is a preview link just made (the
/// only time it can be shown).
pub(crate) async fn editor_response<S: Editorial + prensa_store::Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    article: &EditableArticle,
    notice: Option<String>,
    fresh_link: Option<String>,
) -> Result<Response, AdminError> {
    let authors = state.store.authors(site.publication.id).await?;
    let mut inputs = inputs(state, site, staffer, &authors).await?;
    inputs.extras = state.store.article_extras(article.id).await?;
    let mut page = editor_page(&inputs, Some(article), &article.draft);
    with_editorial(state, site, staffer, article, &mut page).await?;
    page.notice = notice;
    if !page.is_live {
        page.has_preview_link = true;
        let link = state.store.preview_link(article.id).await?;
        page.preview_exists = link.is_some();
        page.preview_made = link.and_then(|l| l.created_at).map(|at| local_text(site, at));
        page.preview_link = fresh_link;
    }
    state.admin.page(StatusCode::OK, "editor.html", page)
}

/// What the editor's buttons ask for besides saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Save,
    Submit,
    Withdraw,
    Publish,
    Schedule,
    Unpublish,
    /// Keep the form's draft to save over the live article later.
    ScheduleUpdate,
    ScheduleUnpublish,
}

impl Intent {
    /// `None` for a value no button sends (a forged or broken form).
    fn parse(s: &str) -> Option<Intent> {
        Some(match s {
            // No button named (Enter in a field of some browsers): a save.
            "" | "save" => Intent::Save,
            "submit" => Intent::Submit,
            "draft" => Intent::Withdraw,
            "publish" => Intent::Publish,
            "schedule" => Intent::Schedule,
            "unpublish" => Intent::Unpublish,
            "schedule_update" => Intent::ScheduleUpdate,
            "schedule_unpublish" => Intent::ScheduleUnpublish,
            _ => return None,
        })
    }

    fn word(self) -> &'static str {
        match self {
            Intent::Save => "saved",
            Intent::Submit => "submit",
            Intent::Withdraw => "draft",
            Intent::Publish => "publish",
            Intent::Schedule => "schedule",
            Intent::Unpublish => "unpublish",
            Intent::ScheduleUpdate => "schedule_update",
            Intent::ScheduleUnpublish => "schedule_unpublish",
        }
    }
}

/// A `datetime-local` time read in the publication's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LocalTime {
    at: DateTime<FixedOffset>,
    /// The wall-clock time happens twice (the hour the clocks go back) and
    /// the earlier one was taken.
    ambiguous: bool,
}

/// Parses `datetime-local` text in the publication's zone: `Ok(None)` when
/// it is not a date and time, an error naming the problem when the time
/// does not exist there (skipped when the clocks go forward), and the
/// earlier of the two when it exists twice (said so to the editor).
fn parse_local(site: &Site, text: &str) -> Result<Option<LocalTime>, AdminError> {
    let Ok(naive) = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
    else {
        return Ok(None);
    };
    local_time(zone(site), &site.publication.timezone, naive).map(Some)
}

/// [`parse_local`] once the text is read: `zone_name` is how the editor
/// knows the zone.
fn local_time(tz: chrono_tz::Tz, zone_name: &str, naive: NaiveDateTime) -> Result<LocalTime, AdminError> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(at) => Ok(LocalTime { at: at.fixed_offset(), ambiguous: false }),
        LocalResult::Ambiguous(earlier, _) => Ok(LocalTime { at: earlier.fixed_offset(), ambiguous: true }),
        LocalResult::None => {
            // The offsets on either side of the gap (a gap never spans
            // hours) tell how far the clocks jump.
            let offset = |n: NaiveDateTime| tz.from_local_datetime(&n).earliest().map(|t| t.fixed_offset().offset().local_minus_utc());
            let (before, after) = (offset(naive - Duration::hours(3)), offset(naive + Duration::hours(3)));
            let suggestion = match (before, after) {
                (Some(b), Some(a)) if a > b => {
                    format!(", such as {}", (naive + Duration::seconds(i64::from(a - b))).format("%H:%M"))
                }
                _ => String::new(),
            };
            Err(AdminError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "There is no {} on {} in {zone_name}: the clocks go forward that night and skip it. \
                     Choose another time{suggestion}. Nothing was saved or scheduled.",
                    naive.format("%H:%M"),
                    naive.format("%Y-%m-%d"),
                ),
            ))
        }
    }
}

/// The stage change an intent asks for, decided by the domain's one rule
/// ([`decide_transition`]) from the article's stage and the staff's role;
/// a refusal is answered before anything is written. Also whether the
/// time given was ambiguous (see [`parse_local`]).
fn transition_for(
    intent: Intent,
    staffer: &Staffer,
    facts: ArticleFacts<'_>,
    form: &FormData,
    site: &Site,
) -> Result<(Option<Transition>, bool), AdminError> {
    let now = Utc::now().with_timezone(&zone(site)).fixed_offset();
    let mut ambiguous = false;
    let request = match intent {
        // Scheduled changes are decided in `save` and change nothing now.
        Intent::Save | Intent::ScheduleUpdate | Intent::ScheduleUnpublish => StageRequest::Keep,
        Intent::Submit => StageRequest::SubmitForReview,
        Intent::Withdraw => StageRequest::ReturnToDraft,
        Intent::Publish => StageRequest::PublishNow,
        Intent::Unpublish => StageRequest::Unpublish,
        Intent::Schedule => {
            let at = parse_local(site, form.get("publish_at"))?.ok_or_else(|| {
                AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, "Give the date and time to publish at.")
            })?;
            ambiguous = at.ambiguous;
            StageRequest::PublishAt(at.at)
        }
    };
    let decided = decide_transition(&staffer.user.staff(), facts, request, now).map_err(|refusal| match refusal {
        Refusal::Denied(d) => AdminError::from(d),
        Refusal::WrongStage(why) => AdminError::new(StatusCode::CONFLICT, format!("{why} Nothing was saved.")),
        Refusal::NotInFuture(why) => AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{why} Nothing was saved.")),
    })?;
    Ok((decided, ambiguous))
}

/// `POST /admin/articles/{id}/`: saves (refusing a stale version with a
/// diff to merge) and applies the button's status change, in one store
/// transaction.
pub async fn save<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    let article = load(&state, &site, id).await?;
    let now = Utc::now();
    let stage = article.stage(now);
    let staff = staffer.user.staff();
    check(&staff, Action::EditArticle(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
    let intent = Intent::parse(form.get("intent"))
        .ok_or_else(|| AdminError::bad_request("The form asked for something the editor does not offer; nothing was saved."))?;
    let authors = state.store.authors(site.publication.id).await?;
    let (mut draft, mut problems) = draft_from_form(&form, &site, &authors);
    super::media::prefill_hero(&state.store, draft.image.as_mut(), &mut problems).await?;
    problems.extend(byline_rule(&staffer, &draft));
    if intent == Intent::ScheduleUnpublish {
        // The form's text plays no part: only the time does.
        check(&staff, Action::Unpublish(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
        return schedule(&state, &site, &staffer, &article, ChangeKind::Unpublish, form.get("unpublish_at"), intent).await;
    }
    let expected: i64 = form.get("version").parse().unwrap_or(-1);
    let mut inputs = inputs(&state, &site, &staffer, &authors).await?;
    // The SEO and custom fields are checked with the article, so a problem
    // in them saves nothing either.
    let (extras, more) = super::seo::extras_from_form(&form, &inputs.fields);
    problems.extend(more);
    inputs.extras = extras.clone();
    if !problems.is_empty() {
        let mut page = editor_page(&inputs, Some(&article), &draft);
        page.problems = problems;
        page.version = expected;
        return state.admin.page(StatusCode::UNPROCESSABLE_ENTITY, "editor.html", page);
    }
    // The status change is decided (role and stage) before anything is
    // written, so a refused one saves nothing either.
    let (transition, ambiguous) =
        transition_for(intent, &staffer, ArticleFacts { authors: &draft.author_ids, stage }, &form, &site)?;
    if expected != article.version {
        // Written against an older version: nothing is saved or scheduled
        // (and the decision above was made on the version loaded here,
        // which the store checks again as it writes).
        return conflict(&state, &inputs, &article, &draft);
    }
    if intent == Intent::ScheduleUpdate {
        // Changing the live article later needs the right to publish it,
        // as it is and as it will be.
        check(&staff, Action::Publish(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
        check(&staff, Action::Publish(ArticleFacts { authors: &draft.author_ids, stage }))?;
        return schedule(&state, &site, &staffer, &article, ChangeKind::Update(draft), form.get("update_at"), intent).await;
    }
    if matches!(transition, Some(Transition::Publish { .. })) {
        // Open review notes hold publication back unless an editor says
        // otherwise; checked before anything is written.
        let open = state.store.open_note_count(id).await?;
        if open > 0 {
            if form.get("override_notes") == "1" {
                check(&staff, Action::OverrideOpenNotes)?;
            } else {
                let notes = if open == 1 { "1 open review note".to_owned() } else { format!("{open} open review notes") };
                let hint = if check(&staff, Action::OverrideOpenNotes).is_ok() {
                    ", or tick \"Publish over open review notes\""
                } else {
                    ""
                };
                return Err(AdminError::new(
                    StatusCode::CONFLICT,
                    format!("Not published: the article has {notes}. Resolve them first{hint}. Nothing was saved."),
                ));
            }
        }
    }
    // The save and the status change are one transaction: a conflict or an
    // error leaves neither, so "nothing was saved" is true when said.
    match state.store.save_and_transition(id, article.version, &draft, transition, staffer.user.id, now).await {
        Ok(SaveOutcome::Saved(_)) => super::seo::save(&state, id, &extras).await?,
        Ok(SaveOutcome::Conflict(current)) => return conflict(&state, &inputs, &current, &draft),
        Err(prensa_store::StoreError::Invalid(why)) => {
            let mut page = editor_page(&inputs, Some(&article), &draft);
            page.problems = vec![FieldError { field: "form", message: why }];
            page.version = expected;
            return state.admin.page(StatusCode::UNPROCESSABLE_ENTITY, "editor.html", page);
        }
        Err(e) => return Err(e.into()),
    }
    state.sync_changes().await;
    let word = if intent == Intent::Publish && transition.is_none() { "already_published" } else { intent.word() };
    let dst = if ambiguous { "&dst=earlier" } else { "" };
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved={word}{dst}")).into_response())
}

/// Stores a change to the live article for the time in `at_text` (the
/// publication's zone), made on the article's current version. The caller
/// has checked the role (and, for an update, that the form's version is
/// the current one).
async fn schedule<S: Editorial>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    article: &EditableArticle,
    kind: ChangeKind,
    at_text: &str,
    intent: Intent,
) -> Result<Response, AdminError> {
    let now = Utc::now();
    if !matches!(article.stage(now), Stage::Published | Stage::Scheduled) {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            "Only a published article can have changes scheduled; save or publish it instead.",
        ));
    }
    let local = parse_local(site, at_text)?
        .ok_or_else(|| AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, "Give the date and time for the change."))?;
    let at = local.at.with_timezone(&Utc);
    if at <= now {
        return Err(AdminError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That time has passed; choose a time in the future. Nothing was scheduled.",
        ));
    }
    state.store.schedule_change(article.id, &kind, article.version, at, staffer.user.id, now).await?;
    let dst = if local.ambiguous { "&dst=earlier" } else { "" };
    Ok(Redirect::to(&format!("/admin/articles/{}/?saved={}{dst}", article.id, intent.word())).into_response())
}

/// The editor again, with what this person typed kept, the other save's
/// changes shown as a diff, and the form now based on the current version
/// (so saving again, after merging, overwrites knowingly).
fn conflict<S: Newsroom>(
    state: &AppState<S>,
    inputs: &EditorInputs<'_>,
    current: &EditableArticle,
    mine: &ArticleDraft,
) -> Result<Response, AdminError> {
    let mut page = editor_page(inputs, Some(current), mine);
    page.conflict = Some(ConflictView {
        message: "Someone else saved this article while you were editing; nothing of yours was saved. \
                  The lines below show how the saved version (−) differs from yours (+). \
                  Merge what you need into the form and save again."
            .into(),
        diff: diff_drafts(&current.draft, mine),
    });
    state.admin.page(StatusCode::CONFLICT, "editor.html", page)
}

#[derive(Serialize)]
pub struct AutosaveReply {
    ok: bool,
    version: i64,
    message: String,
}

/// `POST /admin/articles/{id}/autosave` (from `admin.js`): saves a draft
/// that readers cannot see; refuses live articles (their changes wait for
/// an explicit save) and stale versions.
pub async fn autosave<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    let article = load(&state, &site, id).await?;
    let now = Utc::now();
    let stage = article.stage(now);
    check(&staffer.user.staff(), Action::EditArticle(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
    let reply = |status: StatusCode, version: i64, message: &str| {
        (status, Json(AutosaveReply { ok: status.is_success(), version, message: message.to_owned() })).into_response()
    };
    if matches!(stage, Stage::Published | Stage::Scheduled) {
        return Ok(reply(StatusCode::CONFLICT, article.version, "Live articles are not autosaved; use Update."));
    }
    let authors = state.store.authors(site.publication.id).await?;
    let (mut draft, mut problems) = draft_from_form(&form, &site, &authors);
    super::media::prefill_hero(&state.store, draft.image.as_mut(), &mut problems).await?;
    problems.extend(byline_rule(&staffer, &draft));
    if let Some(p) = problems.first() {
        return Ok(reply(StatusCode::UNPROCESSABLE_ENTITY, article.version, &format!("Not autosaved: {}.", p.message)));
    }
    let expected: i64 = form.get("version").parse().unwrap_or(-1);
    if draft == article.draft && expected == article.version {
        return Ok(reply(StatusCode::OK, article.version, "No changes."));
    }
    match state.store.save_article(id, expected, &draft, staffer.user.id, now).await {
        Ok(SaveOutcome::Saved(a)) => {
            state.sync_changes().await;
            Ok(reply(StatusCode::OK, a.version, &format!("Draft saved at {}.", local_text(&site, now))))
        }
        Ok(SaveOutcome::Conflict(current)) => Ok(reply(
            StatusCode::CONFLICT,
            current.version,
            "Someone else saved this article; autosave stopped. Save to see the differences.",
        )),
        Err(prensa_store::StoreError::Invalid(why)) => Ok(reply(StatusCode::UNPROCESSABLE_ENTITY, expected, &why)),
        Err(e) => Err(e.into()),
    }
}

/// Builds the article the theme renders for a preview.
pub(crate) async fn preview_article<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    id: Id,
    draft: &ArticleDraft,
    authors: &[Author],
) -> Result<Article, AdminError> {
    let section = site
        .sections
        .iter()
        .find(|s| s.id == draft.section_id)
        .or_else(|| site.sections.first())
        .cloned()
        .ok_or_else(|| AdminError::bad_request("The publication has no sections yet."))?;
    let byline = draft.author_ids.iter().filter_map(|id| authors.iter().find(|a| a.id == *id).cloned()).collect();
    let image = match &draft.image {
        Some(i) => state.store.media(&i.key).await?.map(|m| HeroImage {
            image: Image { key: m.key, width: m.width, height: m.height },
            alt: i.alt.clone(),
            caption: i.caption.clone(),
        }),
        None => None,
    };
    let now = Utc::now().with_timezone(&zone(site)).fixed_offset();
    Ok(Article {
        id,
        slug: draft.slug.clone(),
        headline: draft.headline.clone(),
        standfirst: draft.standfirst.clone(),
        body: draft.body.clone(),
        toc: draft.toc,
        authors: byline,
        section,
        tags: draft
            .tags
            .iter()
            .map(|t| prensa_core::Tag { id: 0, slug: slug::slugify(t), name: t.clone() })
            .collect(),
        image,
        status: Status::Draft,
        published_at: now,
        updated_at: now,
        translation_group: None,
        // A preview shows no links to other languages.
        translations: Vec::new(),
    })
}

pub(crate) fn preview_response(html: String) -> Response {
    let mut r = super::with_admin_headers(
        ([(http::header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
    );
    // The preview shows the real theme, which allows no script at all.
    r.headers_mut().insert(http::header::CONTENT_SECURITY_POLICY, http::HeaderValue::from_static(crate::public::CSP));
    r.headers_mut().insert("x-robots-tag", http::HeaderValue::from_static("noindex"));
    r
}

/// `POST /admin/articles/preview`: the editor's current text through the
/// real theme, without saving (the Preview button and the live preview).
pub async fn preview_form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    check(&staffer.user.staff(), Action::CreateArticle)?;
    let authors = state.store.authors(site.publication.id).await?;
    let (draft, _) = draft_from_form(&form, &site, &authors);
    let id = form.get("id").parse().unwrap_or(0);
    let article = preview_article(&state, &site, id, &draft, &authors).await?;
    let html = crate::public::preview(&state, &site, &article).await.map_err(|e| AdminError::internal(e.to_string()))?;
    Ok(preview_response(html))
}

/// `GET /admin/articles/{id}/preview`: the saved version through the theme.
pub async fn preview_saved<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Path(id): Path<Id>,
) -> Result<Response, AdminError> {
    let a = load(&state, &site, id).await?;
    check(&staffer.user.staff(), Action::ReadArticle(ArticleFacts { authors: &a.draft.author_ids, stage: a.stage(Utc::now()) }))?;
    let authors = state.store.authors(site.publication.id).await?;
    let article = preview_article(&state, &site, id, &a.draft, &authors).await?;
    let html = crate::public::preview(&state, &site, &article).await.map_err(|e| AdminError::internal(e.to_string()))?;
    Ok(preview_response(html))
}

#[derive(Serialize)]
struct RevisionRow {
    number: usize,
    who: String,
    when: String,
    url: String,
}

/// An article's revisions with their numbers, newest first. Revisions are
/// numbered per article from the oldest, 1, 2, 3 …, and "Revision 3" lives
/// at `/revisions/3`: the store's row ids run across every article and its
/// versions also count stage changes, so neither reads as a sequence.
async fn numbered_revisions<S: Newsroom>(state: &AppState<S>, id: Id) -> Result<Vec<(usize, prensa_core::Revision)>, AdminError> {
    let list = state.store.revisions(id).await?;
    let count = list.len();
    Ok(list.into_iter().enumerate().map(|(i, r)| (count - i, r)).collect())
}

/// Revision `number` of the article (see [`numbered_revisions`]), or 404.
fn nth_revision(list: &[(usize, prensa_core::Revision)], number: usize) -> Result<&prensa_core::Revision, AdminError> {
    list.iter().find(|(n, _)| *n == number).map(|(_, r)| r).ok_or_else(AdminError::not_found)
}

/// `GET /admin/articles/{id}/revisions/`.
pub async fn revisions<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Path(id): Path<Id>,
) -> Result<Response, AdminError> {
    let a = load(&state, &site, id).await?;
    check(&staffer.user.staff(), Action::ReadArticle(ArticleFacts { authors: &a.draft.author_ids, stage: a.stage(Utc::now()) }))?;
    let rows = numbered_revisions(&state, id)
        .await?
        .iter()
        .map(|(number, r)| RevisionRow {
            number: *number,
            who: if r.user_name.is_empty() { "(import)".into() } else { r.user_name.clone() },
            when: local_text(&site, r.saved_at),
            url: format!("/admin/articles/{id}/revisions/{number}"),
        })
        .collect::<Vec<_>>();
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        id: Id,
        headline: String,
        rows: Vec<RevisionRow>,
    }
    let ctx = Ctx { chrome: Chrome::new(&site, &staffer), id, headline: a.draft.headline.clone(), rows };
    state.admin.page(StatusCode::OK, "revisions.html", ctx)
}

#[derive(Debug, Default, Deserialize)]
pub struct AgainstQuery {
    #[serde(default)]
    against: String,
}

/// `GET /admin/articles/{id}/revisions/{n}?against=M`: revision `n` and its
/// diff against revision `m` (default: the current text).
pub async fn revision<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Path((id, number)): Path<(Id, usize)>,
    Query(q): Query<AgainstQuery>,
) -> Result<Response, AdminError> {
    let a = load(&state, &site, id).await?;
    check(&staffer.user.staff(), Action::ReadArticle(ArticleFacts { authors: &a.draft.author_ids, stage: a.stage(Utc::now()) }))?;
    let list = numbered_revisions(&state, id).await?;
    let r = nth_revision(&list, number)?;
    let (base, base_label) = match q.against.parse::<usize>() {
        Ok(other) => (nth_revision(&list, other)?.draft.clone(), format!("revision {other}")),
        Err(_) => (a.draft.clone(), "the current text".to_owned()),
    };
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        id: Id,
        number: usize,
        current_version: i64,
        who: String,
        when: String,
        base_label: String,
        diff: Vec<DiffLine>,
        others: Vec<usize>,
    }
    let others = list.iter().map(|(n, _)| *n).filter(|n| *n != number).collect();
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        id,
        number,
        current_version: a.version,
        who: r.user_name.clone(),
        when: local_text(&site, r.saved_at),
        base_label,
        diff: diff_drafts(&base, &r.draft),
        others,
    };
    state.admin.page(StatusCode::OK, "revision.html", ctx)
}

/// `POST /admin/articles/{id}/revisions/{n}/restore`: saves revision `n`'s
/// text as a new revision (same rules as a save), once the form's
/// `confirm` box says so — the current text is replaced (and kept as the
/// revision before).
pub async fn restore<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path((id, number)): Path<(Id, usize)>,
    posted: Posted,
) -> Result<Response, AdminError> {
    let Posted { staffer, form } = posted;
    let a = load(&state, &site, id).await?;
    let stage = a.stage(Utc::now());
    check(&staffer.user.staff(), Action::EditArticle(ArticleFacts { authors: &a.draft.author_ids, stage }))?;
    let list = numbered_revisions(&state, id).await?;
    let r = nth_revision(&list, number)?;
    if form.get("confirm") != "yes" {
        return Err(AdminError::new(
            StatusCode::BAD_REQUEST,
            "Nothing was restored: tick “Replace the current text with this revision” to confirm.",
        ));
    }
    let expected: i64 = form.get("version").parse().unwrap_or(-1);
    match state.store.save_article(id, expected, &r.draft, staffer.user.id, Utc::now()).await? {
        SaveOutcome::Saved(_) => {
            state.sync_changes().await;
            Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=restored")).into_response())
        }
        SaveOutcome::Conflict(_) => Err(AdminError::new(
            StatusCode::CONFLICT,
            "The article was saved by someone else since you opened this page; reload and try again.",
        )),
    }
}
