//! The editor: the new-article form and creating a draft, an article's
//! editor page (with its review notes, scheduled changes, translations and
//! preview link), and reading the editor's form into a draft, which saving
//! (`save.rs`) and previewing (`preview.rs`) share.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts, Stage};
use prensa_core::{slug, ArticleDraft, Author, DraftImage, EditableArticle, FieldError, Id};
use prensa_store::{ChangeKind, Editorial, Newsroom};
use serde::{Deserialize, Serialize};

use super::{
    change_what, diff_drafts, failure_reason, local_text, stage_label, zone, Choice, DiffLine, ReadableArticle,
};
use crate::admin::form::FormData;
use crate::admin::session::{CsrfForm, Staffer};
use crate::admin::{sees_everything, AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// Byline positions the editor offers.
const AUTHOR_SLOTS: usize = 4;

/// Reads the editor's fields into a draft, with every problem found.
pub(super) fn draft_from_form(form: &FormData, site: &Site, authors: &[Author]) -> (ArticleDraft, Vec<FieldError>) {
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
            None => {
                problems.push(FieldError { field: "authors", message: "an author in the byline does not exist".into() })
            }
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
pub(super) struct EditorPage {
    /// Language versions, "Translate into…" and "the original changed"
    /// (loaded with the editorial parts).
    translation: Option<crate::admin::translations::Panel>,
    chrome: Option<Chrome>,
    is_new: bool,
    action: String,
    id: Id,
    pub(super) version: i64,
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
    image_picker: Option<crate::admin::media::Picker>,
    pub(super) problems: Vec<FieldError>,
    notice: Option<String>,
    pub(super) conflict: Option<ConflictView>,
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
    seo: crate::admin::seo::SeoPanel,
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
pub(super) struct ConflictView {
    pub(super) message: String,
    pub(super) diff: Vec<DiffLine>,
}

/// What every editor page needs besides the draft: the site, the staff
/// member, the authors they may byline, the image picker and the SEO panel.
pub(super) struct EditorContext<'a> {
    site: &'a Site,
    staffer: &'a Staffer,
    authors: &'a [Author],
    /// The newest images, for the lead image picker, and whether there are more.
    images: (Vec<prensa_core::MediaInfo>, bool),
    /// The publication's custom fields, and the article's SEO fields and
    /// values (saved, or as posted).
    pub(super) fields: Vec<prensa_core::CustomField>,
    pub(super) extras: prensa_core::ArticleExtras,
}

pub(super) fn editor_page(
    context: &EditorContext<'_>,
    article: Option<&EditableArticle>,
    draft: &ArticleDraft,
) -> EditorPage {
    let now = Utc::now();
    let staff = context.staffer.user.staff();
    let stage = article.map_or(Stage::Draft, |a| a.stage(now));
    let facts = ArticleFacts { authors: &draft.author_ids, stage };
    let may = |a: Action<'_>| check(&staff, a).is_ok();
    let live = matches!(stage, Stage::Published | Stage::Scheduled);
    let mut slots: Vec<Vec<Choice>> = Vec::with_capacity(AUTHOR_SLOTS);
    for i in 0..AUTHOR_SLOTS.max(draft.author_ids.len()) {
        let chosen = draft.author_ids.get(i).copied();
        let mut choices = vec![Choice { value: String::new(), label: "—".into(), selected: chosen.is_none() }];
        choices.extend(context.authors.iter().map(|a| Choice {
            value: a.id.to_string(),
            label: a.name.clone(),
            selected: chosen == Some(a.id),
        }));
        slots.push(choices);
    }
    let current_key = draft.image.as_ref().map(|i| i.key.as_str());
    let image_picker = crate::admin::media::picker_of("image_key", "No image", &context.images.0, current_key)
        .with_more(context.images.1);
    let tz = zone(context.site);
    let default_at = article.filter(|_| stage == Stage::Scheduled).map_or(now, |a| a.published_at.with_timezone(&Utc));
    EditorPage {
        translation: None,
        chrome: Some(Chrome::new(context.site, context.staffer)),
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
        sections: section_choices(&context.site.sections, draft.section_id),
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
        timezone: context.site.publication.timezone.clone(),
        public_url: article.filter(|_| stage == Stage::Published).map(|a| crate::views::article_path(&a.draft.slug)),
        published_text: article.filter(|_| live).map(|a| local_text(context.site, a.published_at.with_timezone(&Utc))),
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
        seo: crate::admin::seo::panel(context.site, draft, &context.extras, &context.fields, &context.images.0),
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
        .map(|root| NoteView {
            replies: notes.iter().filter(|r| r.reply_to == Some(root.id)).map(view).collect(),
            ..view(root)
        })
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
                ChangeKind::Update(d) => (
                    diff_drafts(&article.draft, d),
                    Some(d.body.clone()),
                    check(&staff, Action::Publish(facts)).is_ok(),
                ),
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
    page.translation = Some(crate::admin::translations::panel(state, site, staffer, article).await?);
    page.editorial_loaded = true;
    Ok(())
}

pub(super) async fn editor_context<'a, S: Newsroom>(
    state: &AppState<S>,
    site: &'a Site,
    staffer: &'a Staffer,
    authors: &'a [Author],
) -> Result<EditorContext<'a>, AdminError> {
    let images = crate::admin::media::newest(&state.store).await?;
    let fields = state.store.custom_fields(site.publication.id).await?;
    Ok(EditorContext { site, staffer, authors, images, fields, extras: Default::default() })
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
    let context = editor_context(&state, &site, &staffer, &authors).await?;
    state.admin.page(StatusCode::OK, "editor.html", editor_page(&context, None, &draft))
}

/// The section picker: the publication's sections, with the draft's one
/// selected, and — while none is (a new article, or a form sent back
/// without one) — a first, empty "Choose a section" entry, so a section is
/// always chosen, never taken by default.
fn section_choices(sections: &[prensa_core::Section], selected: Id) -> Vec<Choice> {
    let chosen = sections.iter().any(|s| s.id == selected);
    let placeholder =
        (!chosen).then(|| Choice { value: String::new(), label: "Choose a section…".into(), selected: true });
    placeholder
        .into_iter()
        .chain(sections.iter().map(|s| Choice {
            value: s.id.to_string(),
            label: s.name.clone(),
            selected: s.id == selected,
        }))
        .collect()
}

/// Staff below editor must stay on the byline of what they write, or they
/// would lose the article the moment they save it.
pub(super) fn byline_rule(staffer: &Staffer, draft: &ArticleDraft) -> Option<FieldError> {
    let staff = staffer.user.staff();
    if sees_everything(staff.role) {
        return None;
    }
    match staff.author_id {
        Some(me) if draft.author_ids.contains(&me) => None,
        Some(_) => {
            Some(FieldError { field: "authors", message: "you must stay on the byline of your own article".into() })
        }
        None => {
            Some(FieldError { field: "authors", message: "your account has no author profile; ask an editor".into() })
        }
    }
}

/// `POST /admin/articles/new`: creates the draft, then continues in its
/// editor.
pub async fn create<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::CreateArticle)?;
    let authors = state.store.authors(site.publication.id).await?;
    let (mut draft, mut problems) = draft_from_form(&form, &site, &authors);
    crate::admin::media::prefill_hero(&state.store, draft.image.as_mut(), &mut problems).await?;
    problems.extend(byline_rule(&staffer, &draft));
    let mut context = editor_context(&state, &site, &staffer, &authors).await?;
    let (extras, more) = crate::admin::seo::extras_from_form(&form, &context.fields);
    problems.extend(more);
    if problems.is_empty() {
        match state.store.create_article(site.publication.id, &draft, staffer.user.id, Utc::now()).await {
            Ok(article) => {
                crate::admin::seo::save(&state, article.id, &extras).await?;
                state.sync_changes().await;
                return Ok(Redirect::to(&format!("/admin/articles/{}/?saved=created", article.id)).into_response());
            }
            Err(prensa_store::StoreError::Invalid(why)) => problems.push(FieldError { field: "form", message: why }),
            Err(e) => return Err(e.into()),
        }
    }
    context.extras = extras;
    let mut page = editor_page(&context, None, &draft);
    page.problems = problems;
    state.admin.page(StatusCode::UNPROCESSABLE_ENTITY, "editor.html", page)
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
    ReadableArticle { site, staffer, params: (_, Query(q)), article }: ReadableArticle<(Path<Id>, Query<EditQuery>)>,
) -> Result<Response, AdminError> {
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
    let mut context = editor_context(state, site, staffer, &authors).await?;
    context.extras = state.store.article_extras(article.id).await?;
    let mut page = editor_page(&context, Some(article), &article.draft);
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
