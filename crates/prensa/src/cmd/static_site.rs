//! `prensa export static DIR`: the public site as plain files, for any
//! static host or CDN and as a permanent archive.
//!
//! There is no second renderer here. The web layer's state is built in
//! this process over the store, and every file is what the server would
//! answer for its URL: pages and feeds come from
//! [`prensa_web::public::render`] (the page cache's miss path, called
//! directly so nothing is compressed: static hosts compress themselves),
//! and everything else (robots.txt, sitemaps, the 404 page, the favicon,
//! the stylesheets, media and their resized variants, the search and
//! Mastodon share forms) is asked of the real router in-process, as the
//! web layer's tests do with `oneshot`.
//!
//! Which URLs exist is found the way a crawler (or `linkchecker`) finds
//! them: starting from each publication's home, sitemap index, news
//! sitemap, favicon and 404 page, every internal URL printed in a file
//! written (`href`, `src`, `srcset`, and any absolute URL on the
//! publication's origin: canonical links, feeds, sitemaps, JSON-LD) is
//! exported in turn. The sitemaps list every published article, section,
//! author and tag, and list pages link their next page, so the whole site
//! is reached, and by construction every internal link of the archive
//! points at a file in it; a link that has no page (a body linking to an
//! article since deleted) is reported at the end, with the page it is on.
//!
//! Layout: a page's canonical URL ends with `/` and is written as
//! `<path>/index.html`; every other file at its own path. The publications
//! exported (one with `--publication`, else all) are laid out by host:
//! when they share one host (a single publication, or a network under path
//! prefixes) `DIR` is that host's root; otherwise `DIR/<host>/` per host
//! (`:` in `host:port` written as `_`). Each publication gets a `404.html`
//! at its root. `--base-url` replaces the stored base URL in every absolute
//! link: with one publication exported, its whole base URL; with several,
//! only the scheme and host, each keeping its path prefix (so a network
//! moves to one host together, and two publications that would then share
//! one address are refused).
//!
//! URLs are rendered concurrently (a few per core: store reads wait on I/O),
//! each file written as soon as it is made. What stays in memory is the set
//! of URLs seen and the reads many pages share, made once for the whole
//! export ([`AppState::keep_shared_reads`]: the lists, "most recent", feed
//! items), since nothing writes to the store meanwhile.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use http::{header, Request, StatusCode};
use indicatif::{ProgressBar, ProgressStyle};
use prensa_store::{redact_url, AnyStore};
use prensa_web::route::{self, Route};
use prensa_web::state::{host_and_root, Resolved, Site};
use prensa_web::{AppError, AppState, WebConfig};
use tower::ServiceExt;

use crate::config::{FileConfig, StoreArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write (created; must be empty if it exists)
    pub dir: PathBuf,
    /// Export only this publication (its slug) [default: every publication of the store]
    #[arg(long)]
    pub publication: Option<String>,
    /// The URL the archive will be hosted at, used in absolute links (canonical, feeds, sitemaps) instead of the stored base URL; with several publications, its scheme and host replace theirs and each keeps its path prefix
    #[arg(long)]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// A path the exporter made up that no publication can have (slugs are
/// lowercase letters, digits and hyphens): what it asks for to get the
/// publication's 404 page.
const MISSING: &str = "/_prensa-export-404_/";

/// What kind of file a response is, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Page,
    Feed,
    Crawler,
    Media,
    Asset,
    Redirect,
}

impl Kind {
    /// By content type first: a tag or article may be called `media`,
    /// and its pages are still pages whose links are followed.
    fn of(path: &str, content_type: &str) -> Kind {
        if content_type.starts_with("application/rss+xml")
            || content_type.starts_with("application/atom+xml")
            || content_type.starts_with("application/feed+json")
        {
            Kind::Feed
        } else if content_type.starts_with("text/html") {
            Kind::Page
        } else if content_type.starts_with("application/xml") || content_type.starts_with("text/plain") {
            Kind::Crawler
        } else if content_type.starts_with("text/") || !path.contains("/media/") {
            Kind::Asset
        } else {
            Kind::Media
        }
    }
}

/// One URL to export: the host it is on and its full path (with the
/// publication's prefix), and the page that linked it (for reports).
#[derive(Debug, Clone)]
struct Job {
    host: String,
    path: String,
    from: Option<String>,
}

/// What one URL gave.
enum Outcome {
    Written {
        kind: Kind,
        bytes: u64,
        links: Vec<(String, String)>,
    },
    /// Nothing to write here: a redirect the static host makes by itself
    /// (the missing trailing slash), followed to its target.
    Follow(Vec<(String, String)>),
    /// Linked but not answered (404, or a URL no file can stand for).
    Broken(String),
}

/// Where each exported host's files go, and which publications are exported.
struct Plan {
    /// Host (as in a `Host` header) → its folder.
    roots: HashMap<String, PathBuf>,
    /// Origins (`scheme://host`) of the exported publications → host.
    origins: Vec<(String, String)>,
    /// Ids of the publications exported.
    exported: HashSet<prensa_core::Id>,
}

pub async fn run(args: Args, file: &FileConfig) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let database = args.store.database(file);
    let name = redact_url(&database);
    let media = args.store.media(file)?;
    if let Some(url) = &args.base_url {
        anyhow::ensure!(
            (url.starts_with("http://") || url.starts_with("https://")) && !host_and_root(url).0.is_empty(),
            "--base-url must be an http:// or https:// URL with a host (got {url})"
        );
    }
    if args.dir.exists()
        && std::fs::read_dir(&args.dir).with_context(|| format!("reading {}", args.dir.display()))?.next().is_some()
    {
        eprintln!("{} is not empty; nothing was written. Export into a new or empty folder.", args.dir.display());
        return Ok(ExitCode::FAILURE);
    }
    let store = AnyStore::open(&database).await.with_context(|| format!("opening {name}"))?;
    let publications = prensa_store::Store::publications(&store).await.with_context(|| format!("reading {name}"))?;
    let chosen: Vec<&prensa_core::Publication> = match &args.publication {
        Some(slug) => match publications.iter().find(|p| &p.slug == slug) {
            Some(p) => vec![p],
            None => {
                let known: Vec<&str> = publications.iter().map(|p| p.slug.as_str()).collect();
                anyhow::bail!("no publication {slug} in {name} (there are: {})", known.join(", "));
            }
        },
        None => publications.iter().collect(),
    };
    anyhow::ensure!(!chosen.is_empty(), "{name} holds no publication: nothing to export");
    let base_urls = moved_base_urls(&chosen, args.base_url.as_deref())?;
    let config = WebConfig { base_urls, search_index: false, ..WebConfig::default() };
    let state = AppState::new(store, media, config).await.map_err(|e| anyhow::anyhow!("loading the site: {e}"))?;
    // Nothing writes to the store while it is exported: what pages share
    // (lists, "most recent", feed items) is read once.
    state.keep_shared_reads();
    let sites = state.sites();
    let exported: Vec<Arc<Site>> =
        sites.list.iter().filter(|s| chosen.iter().any(|p| p.id == s.publication.id)).cloned().collect();
    let plan = plan(&exported, &args.dir)?;
    for dir in plan.roots.values() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let router = prensa_web::router(state.clone());
    let plan = Arc::new(plan);

    // The seeds: each publication's home, crawler files, favicon and 404.
    let mut queue = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for site in &exported {
        let (host, root) = host_and_root(&site.publication.base_url);
        for path in ["/", "/sitemap.xml", "/sitemap/news.xml", "/favicon.ico", MISSING] {
            let path = format!("{root}{path}");
            if seen.insert((host.clone(), path.clone())) {
                queue.push(Job { host: host.clone(), path, from: None });
            }
        }
        if seen.insert((host.clone(), "/robots.txt".to_owned())) {
            queue.push(Job { host: host.clone(), path: "/robots.txt".to_owned(), from: None });
        }
    }

    let bar = ProgressBar::new(queue.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let width = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
    let mut running = tokio::task::JoinSet::new();
    let mut counts: HashMap<Kind, (usize, u64)> = HashMap::new();
    let mut broken: Vec<(String, Option<String>, String)> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    loop {
        while running.len() < width {
            let Some(job) = queue.pop() else { break };
            let (state, router, plan) = (state.clone(), router.clone(), plan.clone());
            running.spawn(async move {
                let outcome = export_one(&state, &router, &plan, &job).await;
                (job, outcome)
            });
        }
        let Some(done) = running.join_next().await else { break };
        let (job, outcome) = done.context("an export task failed")?;
        bar.inc(1);
        let links = match outcome {
            Ok(Outcome::Written { kind, bytes, links }) => {
                let c = counts.entry(kind).or_default();
                c.0 += 1;
                c.1 += bytes;
                links
            }
            Ok(Outcome::Follow(links)) => links,
            Ok(Outcome::Broken(why)) => {
                broken.push((job.path.clone(), job.from.clone(), why));
                Vec::new()
            }
            Err(e) => {
                errors.push(format!("{}{}: {e:#}", job.host, job.path));
                Vec::new()
            }
        };
        // A page links mostly what was seen already (navigation, lists):
        // those cost a lookup, no copies.
        let from = format!("{}{}", job.host, job.path);
        for link in links {
            if !seen.contains(&link) {
                seen.insert(link.clone());
                queue.push(Job { host: link.0, path: link.1, from: Some(from.clone()) });
                bar.inc_length(1);
            }
        }
        let pages = counts.get(&Kind::Page).map_or(0, |c| c.0);
        bar.set_message(format!("({pages} pages)"));
    }
    bar.finish_and_clear();
    let state_store = &state.store;
    state_store.close().await;

    let get = |k: Kind| counts.get(&k).copied().unwrap_or_default();
    let total_bytes: u64 = counts.values().map(|c| c.1).sum();
    let total_files: usize = counts.values().map(|c| c.0).sum();
    println!(
        "exported {} publication(s) into {}: {} pages, {} feeds, {} sitemap/robots files, {} media files, {} assets, {} redirects; {} files, {:.1} MB in {:.1} s",
        exported.len(),
        args.dir.display(),
        get(Kind::Page).0,
        get(Kind::Feed).0,
        get(Kind::Crawler).0,
        get(Kind::Media).0,
        get(Kind::Asset).0,
        get(Kind::Redirect).0,
        total_files,
        total_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    if !broken.is_empty() {
        eprintln!("{} linked URL(s) have no page (links left broken in the archive):", broken.len());
        for (path, from, why) in broken.iter().take(50) {
            eprintln!("  {path} ({why}), linked from {}", from.as_deref().unwrap_or("the start"));
        }
    }
    if !errors.is_empty() {
        eprintln!("{} URL(s) could not be exported:", errors.len());
        for e in errors.iter().take(50) {
            eprintln!("  {e}");
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The base URLs `--base-url` gives the chosen publications, by slug.
fn moved_base_urls(
    chosen: &[&prensa_core::Publication],
    base_url: Option<&str>,
) -> anyhow::Result<Vec<(String, String)>> {
    let Some(url) = base_url else { return Ok(Vec::new()) };
    let url = url.trim_end_matches('/');
    if let [only] = chosen {
        return Ok(vec![(only.slug.clone(), url.to_owned())]);
    }
    let origin = origin(url);
    let mut out: Vec<(String, String)> = Vec::new();
    for p in chosen {
        let (_, root) = host_and_root(&p.base_url);
        let moved = format!("{origin}{root}");
        if let Some((other, _)) = out.iter().find(|(_, u)| host_and_root(u).1 == root) {
            anyhow::bail!(
                "--base-url would put {} and {other} at the same address {moved}; export them one at a time with --publication",
                p.slug
            );
        }
        out.push((p.slug.clone(), moved));
    }
    Ok(out)
}

/// `scheme://host[:port]` of a URL, as written.
fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    match url[after..].find(['/', '?', '#']) {
        Some(i) => &url[..after + i],
        None => url,
    }
}

fn plan(exported: &[Arc<Site>], dir: &Path) -> anyhow::Result<Plan> {
    let hosts: HashSet<String> = exported.iter().map(|s| host_and_root(&s.publication.base_url).0).collect();
    let mut roots = HashMap::new();
    for host in &hosts {
        let folder = if hosts.len() == 1 { dir.to_path_buf() } else { dir.join(host.replace(':', "_")) };
        roots.insert(host.clone(), folder);
    }
    let mut origins: Vec<(String, String)> = exported
        .iter()
        .map(|s| {
            (origin(s.publication.base_url.trim_end_matches('/')).to_owned(), host_and_root(&s.publication.base_url).0)
        })
        .collect();
    origins.sort();
    origins.dedup();
    Ok(Plan { roots, origins, exported: exported.iter().map(|s| s.publication.id).collect() })
}

/// Renders one URL and writes its file.
async fn export_one<S: prensa_store::Newsroom>(
    state: &Arc<AppState<S>>,
    router: &Router,
    plan: &Plan,
    job: &Job,
) -> anyhow::Result<Outcome> {
    let Some(folder) = plan.roots.get(&job.host) else { return Ok(Outcome::Broken("not an exported host".into())) };
    let sites = state.sites();
    let (site, site_path) = match sites.resolve(Some(&job.host), &job.path) {
        Resolved::Site { site, prefix_len } => (site.clone(), job.path[prefix_len..].to_owned()),
        _ => return Ok(Outcome::Broken("no publication here".into())),
    };
    if !plan.exported.contains(&site.publication.id) {
        // Another publication on this host, not asked for.
        return Ok(Outcome::Follow(Vec::new()));
    }
    // Pages and feeds: the page cache's miss path, uncompressed.
    let route = if job.path.ends_with(MISSING) { Route::NotFound } else { route::parse(&site_path, None) };
    let page_route = !matches!(route, Route::NotFound | Route::Redirect(_)) && route::parse_crawl(&site_path).is_none();
    if let Route::Redirect(to) = &route {
        return redirected(plan, &job.host, folder, &job.path, &site.path(to));
    }
    if page_route {
        match prensa_web::public::render(state, &site, route).await {
            Ok(page) if page.status == StatusCode::OK => {
                let kind = Kind::of(&job.path, page.content_type);
                return write(plan, &job.host, folder, &job.path, kind, Bytes::from(page.html));
            }
            Ok(page) => return Ok(Outcome::Broken(format!("status {}", page.status))),
            // A renamed article's old slug, or no such page: the router
            // knows which (a redirect or the 404).
            Err(AppError::NotFound) => {}
            Err(e) => anyhow::bail!("{e}"),
        }
    }
    // Everything else, as the server answers it.
    let request =
        Request::get(&job.path).header(header::HOST, &job.host).body(Body::empty()).context("building a request")?;
    let response = router.clone().oneshot(request).await.context("asking the router")?;
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.context("reading a response")?;
    if status.is_redirection() {
        let Some(to) = location else { return Ok(Outcome::Broken(format!("status {status} without Location"))) };
        return redirected(plan, &job.host, folder, &job.path, &to);
    }
    if job.path.ends_with(MISSING) && status == StatusCode::NOT_FOUND {
        let at = format!("{}/404.html", site.root());
        return write(plan, &job.host, folder, &at, Kind::Page, body);
    }
    if status != StatusCode::OK {
        return Ok(Outcome::Broken(format!("status {status}")));
    }
    write(plan, &job.host, folder, &job.path, Kind::of(&job.path, &content_type), body)
}

/// A redirect: the one a static host makes itself (adding the trailing
/// slash to a folder) is only followed; any other (an article's old slug)
/// becomes a small page at the old address that sends readers on.
fn redirected(plan: &Plan, host: &str, folder: &Path, path: &str, to: &str) -> anyhow::Result<Outcome> {
    let target = internal(plan, host, to);
    let follow: Vec<(String, String)> = target.iter().cloned().collect();
    if to == format!("{path}/") || !path.ends_with('/') {
        return Ok(Outcome::Follow(follow));
    }
    let escaped = to.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    let html = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Moved</title>\
         <link rel=\"canonical\" href=\"{escaped}\"><meta http-equiv=\"refresh\" content=\"0; url={escaped}\">\
         <meta name=\"robots\" content=\"noindex\"></head>\
         <body><p><a href=\"{escaped}\">{escaped}</a></p></body></html>\n"
    );
    match write(plan, host, folder, path, Kind::Redirect, Bytes::from(html))? {
        Outcome::Written { kind, bytes, .. } => Ok(Outcome::Written { kind, bytes, links: follow }),
        other => Ok(other),
    }
}

/// Writes `body` at `path` under `folder` (a page's folder path as its
/// `index.html`) and returns the internal URLs it links.
fn write(plan: &Plan, host: &str, folder: &Path, path: &str, kind: Kind, body: Bytes) -> anyhow::Result<Outcome> {
    let Some(file) = file_for(folder, path) else {
        return Ok(Outcome::Broken("not a plain path (no file can stand for it)".into()));
    };
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&file, &body).with_context(|| format!("writing {}", file.display()))?;
    let links = match kind {
        Kind::Media | Kind::Redirect => Vec::new(),
        _ => match std::str::from_utf8(&body) {
            Ok(text) => links(plan, host, text),
            Err(_) => Vec::new(),
        },
    };
    Ok(Outcome::Written { kind, bytes: body.len() as u64, links })
}

/// The file a URL path is written to, or `None` for a path no file should
/// stand for: anything but plain segments of letters, digits and `-._~`
/// (URLs come from content, so no `..`, no percent-escapes, no NUL).
fn file_for(folder: &Path, path: &str) -> Option<PathBuf> {
    let rest = path.strip_prefix('/')?;
    let mut file = folder.to_path_buf();
    let (dirs, name) = match rest.rsplit_once('/') {
        Some((dirs, name)) => (Some(dirs), name),
        None => (None, rest),
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.len() <= 200
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    };
    if let Some(dirs) = dirs {
        for segment in dirs.split('/') {
            if !plain(segment) {
                return None;
            }
            file.push(segment);
        }
    }
    if name.is_empty() {
        file.push("index.html");
    } else if plain(name) {
        file.push(name);
    } else {
        return None;
    }
    Some(file)
}

/// The internal URLs `text` (a page, feed, sitemap, stylesheet) links:
/// root-relative `href`/`src`/`srcset` values and every absolute URL on an
/// exported origin, each as (host, path) without query or fragment.
fn links(plan: &Plan, host: &str, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut at = 0;
        while let Some(i) = text[at..].find(attr) {
            let start = at + i + attr.len();
            let end = text[start..].find('"').map_or(text.len(), |j| start + j);
            if let Some(link) = internal(plan, host, &text[start..end]) {
                out.push(link);
            }
            at = end;
        }
    }
    let mut at = 0;
    while let Some(i) = text[at..].find("srcset=\"") {
        let start = at + i + "srcset=\"".len();
        let end = text[start..].find('"').map_or(text.len(), |j| start + j);
        for candidate in text[start..end].split(',') {
            if let Some(url) = candidate.split_whitespace().next() {
                if let Some(link) = internal(plan, host, url) {
                    out.push(link);
                }
            }
        }
        at = end;
    }
    for (origin, _) in &plan.origins {
        let mut at = 0;
        while let Some(i) = text[at..].find(origin.as_str()) {
            let start = at + i;
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ',' | '\\'))
                .map_or(text.len(), |j| start + j);
            if let Some(link) = internal(plan, host, &text[start..end]) {
                out.push(link);
            }
            at = end.max(start + origin.len());
        }
    }
    out
}

/// A link as (host, path) if it points into the export: root-relative
/// (on `host`) or absolute on an exported origin. `&amp;` is the only
/// entity URLs carry in Prensa's markup; query and fragment are dropped
/// (a static file answers whatever the query).
fn internal(plan: &Plan, host: &str, link: &str) -> Option<(String, String)> {
    let link = link.replace("&amp;", "&");
    let (host, path) = if link.starts_with('/') && !link.starts_with("//") {
        (host.to_owned(), link.as_str())
    } else {
        let (origin, host) = plan.origins.iter().find(|(o, _)| {
            link.strip_prefix(o.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
        })?;
        let rest = &link[origin.len()..];
        (host.clone(), if rest.is_empty() { "/" } else { rest })
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    if path.is_empty() || !path.starts_with('/') {
        return None;
    }
    Some((host, path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            roots: HashMap::from([("example.org".to_owned(), PathBuf::from("/out"))]),
            origins: vec![("https://example.org".to_owned(), "example.org".to_owned())],
            exported: HashSet::new(),
        }
    }

    #[test]
    fn links_are_found_and_kept_inside() {
        let html = r#"<a href="/x/">x</a> <a href="https://example.org/y/?a=1&amp;b=2#f">y</a>
            <a href="https://elsewhere.example/z/">z</a> <a href="//cdn.example/w">w</a> <a href="mailto:a@b">m</a>
            <img src="/media/a.jpg" srcset="/media/a-320.webp 320w, /media/a-640.webp 640w">
            <loc>https://example.org/sitemap/pages.xml</loc> {"url":"https://example.org/z/"}
            https://example.organic/not-ours/"#;
        let mut found: Vec<String> = links(&plan(), "example.org", html).into_iter().map(|(_, p)| p).collect();
        found.sort();
        found.dedup();
        assert_eq!(
            found,
            ["/media/a-320.webp", "/media/a-640.webp", "/media/a.jpg", "/sitemap/pages.xml", "/x/", "/y/", "/z/"]
        );
    }

    #[test]
    fn files_stay_in_the_folder() {
        let out = Path::new("/out");
        assert_eq!(file_for(out, "/"), Some(PathBuf::from("/out/index.html")));
        assert_eq!(file_for(out, "/a/page/2/"), Some(PathBuf::from("/out/a/page/2/index.html")));
        assert_eq!(file_for(out, "/feed/atom.xml"), Some(PathBuf::from("/out/feed/atom.xml")));
        for bad in ["/../etc/passwd", "/a/../../x/", "/%2e%2e/", "/a//b/", "relative/", "/a/\0/"] {
            assert_eq!(file_for(out, bad), None, "{bad}");
        }
    }

    #[test]
    fn a_network_moves_together() {
        let p = |slug: &str, base: &str| prensa_core::Publication {
            id: 1,
            slug: slug.into(),
            name: slug.into(),
            tagline: String::new(),
            language: "en".into(),
            base_url: base.into(),
            timezone: "UTC".into(),
            social: Default::default(),
            settings: Default::default(),
            api_cors_origins: Vec::new(),
        };
        let (en, de) = (p("en", "https://example.org"), p("de", "https://example.org/de/"));
        let moved = moved_base_urls(&[&en, &de], Some("http://127.0.0.1:9000/")).expect("moves");
        assert_eq!(
            moved,
            [("en".into(), "http://127.0.0.1:9000".into()), ("de".into(), "http://127.0.0.1:9000/de".into())]
        );
        let other = p("other", "https://other.example");
        assert!(moved_base_urls(&[&en, &other], Some("http://127.0.0.1:9000")).is_err(), "two at one address");
        let moved = moved_base_urls(&[&de], Some("https://archive.example/old/")).expect("one");
        assert_eq!(moved, [("de".into(), "https://archive.example/old".into())]);
        assert_eq!(origin("https://a.example:8443/x/"), "https://a.example:8443");
    }
}
