//! Saving the editor's form: the save itself (refusing a stale version
//! with a diff to merge), the status change its button asks for, changes
//! scheduled on a live article, and the editor script's autosave.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};
use http::StatusCode;
use prensa_core::permissions::{check, Action, ArticleFacts, Stage};
use prensa_core::{
    decide_transition, ArticleDraft, EditableArticle, FieldError, Id, Refusal, SaveOutcome, StageRequest, Transition,
};
use prensa_store::{ChangeKind, Editorial, Newsroom};
use serde::Serialize;

use super::editor::{byline_rule, draft_from_form, editor_context, editor_page, ConflictView, EditorContext};
use super::{diff_drafts, load, local_text, zone};
use crate::admin::form::FormData;
use crate::admin::session::{CsrfForm, Staffer};
use crate::admin::{AdminError, Shared};
use crate::state::{AppState, Site};

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
            let offset = |n: NaiveDateTime| {
                tz.from_local_datetime(&n).earliest().map(|t| t.fixed_offset().offset().local_minus_utc())
            };
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
        Refusal::NotInFuture(why) => {
            AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{why} Nothing was saved."))
        }
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
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let article = load(&state, &site, id).await?;
    let now = Utc::now();
    let stage = article.stage(now);
    let staff = staffer.user.staff();
    check(&staff, Action::EditArticle(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
    let intent = Intent::parse(form.get("intent")).ok_or_else(|| {
        AdminError::bad_request("The form asked for something the editor does not offer; nothing was saved.")
    })?;
    let authors = state.store.authors(site.publication.id).await?;
    let (mut draft, mut problems) = draft_from_form(&form, &site, &authors);
    crate::admin::media::prefill_hero(&state.store, draft.image.as_mut(), &mut problems).await?;
    problems.extend(byline_rule(&staffer, &draft));
    if intent == Intent::ScheduleUnpublish {
        // The form's text plays no part: only the time does.
        check(&staff, Action::Unpublish(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
        return schedule(&state, &site, &staffer, &article, ChangeKind::Unpublish, form.get("unpublish_at"), intent)
            .await;
    }
    let expected: i64 = form.get("version").parse().unwrap_or(-1);
    let mut context = editor_context(&state, &site, &staffer, &authors).await?;
    // The SEO and custom fields are checked with the article, so a problem
    // in them saves nothing either.
    let (extras, more) = crate::admin::seo::extras_from_form(&form, &context.fields);
    problems.extend(more);
    context.extras = extras.clone();
    if !problems.is_empty() {
        let mut page = editor_page(&context, Some(&article), &draft);
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
        return conflict(&state, &context, &article, &draft);
    }
    if intent == Intent::ScheduleUpdate {
        // Changing the live article later needs the right to publish it,
        // as it is and as it will be.
        check(&staff, Action::Publish(ArticleFacts { authors: &article.draft.author_ids, stage }))?;
        check(&staff, Action::Publish(ArticleFacts { authors: &draft.author_ids, stage }))?;
        return schedule(&state, &site, &staffer, &article, ChangeKind::Update(draft), form.get("update_at"), intent)
            .await;
    }
    if matches!(transition, Some(Transition::Publish { .. })) {
        // Open review notes hold publication back unless an editor says
        // otherwise; checked before anything is written.
        let open = state.store.open_note_count(id).await?;
        if open > 0 {
            if form.get("override_notes") == "1" {
                check(&staff, Action::OverrideOpenNotes)?;
            } else {
                let notes =
                    if open == 1 { "1 open review note".to_owned() } else { format!("{open} open review notes") };
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
        Ok(SaveOutcome::Saved(_)) => crate::admin::seo::save(&state, id, &extras).await?,
        Ok(SaveOutcome::Conflict(current)) => return conflict(&state, &context, &current, &draft),
        Err(prensa_store::StoreError::Invalid(why)) => {
            let mut page = editor_page(&context, Some(&article), &draft);
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
    context: &EditorContext<'_>,
    current: &EditableArticle,
    mine: &ArticleDraft,
) -> Result<Response, AdminError> {
    let mut page = editor_page(context, Some(current), mine);
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
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
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
    crate::admin::media::prefill_hero(&state.store, draft.image.as_mut(), &mut problems).await?;
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
