//! End-to-end: the feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) of a
//! publication and of its sections, authors and tags, served by the real
//! binary over HTTP on SQLite and PostgreSQL, at the root of the host and
//! under a `/de` prefix, read back by two parsers that are not ours:
//! `feed-rs` and Python's `feedparser` (`PRENSA_TEST_PYTHON`).

mod common;

use std::time::Duration;

use common::admin::{self, accept_invite, at, invite, save_as};
use common::*;

on_every_backend!(blocking:
    every_feed_parses_and_holds_the_required_fields,
    feeds_revalidate_with_etag_and_last_modified,
    summary_feeds_carry_no_body,
    a_scheduled_article_enters_the_feeds_when_it_goes_live,
    publishing_purges_exactly_the_feeds_that_list_the_article,
    hostile_text_stays_escaped_and_well_formed,
);

/// The server answers on 127.0.0.1:PORT; a base URL without the port
/// matches that host on any port.
const HOST: &str = "http://127.0.0.1";

/// The four feeds of `prefix`'s publication, each in the three formats:
/// (path, expected content type).
fn feeds(prefix: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for list in ["", "/section/labor", "/author/ana", "/tag/strikes"] {
        for (file, ct) in [
            ("", "application/rss+xml; charset=utf-8"),
            ("atom.xml", "application/atom+xml; charset=utf-8"),
            ("feed.json", "application/feed+json; charset=utf-8"),
        ] {
            out.push((format!("{prefix}{list}/feed/{file}"), ct));
        }
    }
    out
}

fn publication_toml(slug: &str, language: &str, base_url: &str, feed_content: &str) -> String {
    format!(
        "slug = \"{slug}\"\nname = \"Gazette {language}\"\ntagline = \"Tests & more\"\nlanguage = \"{language}\"\n\
         base_url = \"{base_url}\"\ntimezone = \"Europe/Berlin\"\n\n[settings]\npage_size = 2\nfeed_content = \"{feed_content}\"\n"
    )
}

/// An article with everything a feed item carries: two authors, a
/// section, two tags, a hero image, a date with an offset, relative links.
fn feature_article(content: &std::path::Path) {
    std::fs::write(
        content.join("articles/the-feature.md"),
        "+++\ntitle = \"The Feature Headline\"\nstandfirst = \"The feature standfirst.\"\nauthors = [\"ben\", \"ana\"]\n\
         section = \"labor\"\ntags = [\"Strikes\", \"Ports\"]\ndate = \"2025-03-09T09:30:00+01:00\"\nstatus = \"published\"\n\
         image = \"media/dot.png\"\nimage_alt = \"A single dot\"\n+++\n\
         The feature body, with [a root-relative link](/story-01/), [a relative one](notes/) and a note.[^1]\n\n\
         ![An inline image](/media/inline.png)\n\n[^1]: A footnote.\n",
    )
    .expect("write feature");
}

/// Two publications in one database: English at the root of the host,
/// German under `/de`.
fn network(backend: Backend, root: &std::path::Path, feed_content: &str) -> Option<Server> {
    let (en, de) = (root.join("en"), root.join("de"));
    write_site(&en, 3, 2);
    write_site(&de, 3, 2);
    feature_article(&en);
    feature_article(&de);
    std::fs::write(en.join("publication.toml"), publication_toml("gazette", "en", HOST, feed_content)).expect("write");
    std::fs::write(
        de.join("publication.toml"),
        publication_toml("gazette-de", "de", &format!("{HOST}/de"), feed_content),
    )
    .expect("write");
    let db = Database::fresh(backend, root)?;
    db.import(&en);
    db.import(&de);
    Some(Server::serve_db(db))
}

fn parse_feed(path: &str, body: &[u8]) -> feed_rs::model::Feed {
    feed_rs::parser::parse(body)
        .unwrap_or_else(|e| panic!("{path} does not parse with feed-rs: {e}\n{}", String::from_utf8_lossy(body)))
}

/// Every URL a feed-rs feed holds.
fn urls_of(feed: &feed_rs::model::Feed) -> Vec<String> {
    let mut urls: Vec<String> = feed.links.iter().map(|l| l.href.clone()).collect();
    for e in &feed.entries {
        urls.extend(e.links.iter().map(|l| l.href.clone()));
        urls.extend(e.authors.iter().filter_map(|a| a.uri.clone()));
        urls.extend(
            e.media.iter().flat_map(|m| m.content.iter().filter_map(|c| c.url.as_ref().map(|u| u.to_string()))),
        );
    }
    urls
}

fn every_feed_parses_and_holds_the_required_fields(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(server) = network(backend, root.path(), "full") else { return };
    let mut fetched = Vec::new();
    for prefix in ["", "/de"] {
        let base = format!("{HOST}{prefix}");
        for (path, content_type) in feeds(prefix) {
            let r = server.get(&path);
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(r.header("content-type"), Some(content_type), "{path}");
            assert!(r.header("etag").is_some() && r.header("last-modified").is_some(), "{path}");
            let feed = parse_feed(&path, &r.body);
            let title = feed.title.as_ref().map(|t| t.content.clone()).unwrap_or_default();
            assert!(title.contains("Gazette"), "{path}: title {title:?}");
            assert!(!feed.entries.is_empty(), "{path}: no entries");
            for url in urls_of(&feed) {
                assert!(url.starts_with(&format!("{base}/")), "{path}: {url} is not absolute on {base}");
            }
            let feature = feed
                .entries
                .iter()
                .find(|e| e.title.as_ref().is_some_and(|t| t.content == "The Feature Headline"))
                .unwrap_or_else(|| panic!("{path}: the feature is listed"));
            assert_eq!(feature.links[0].href, format!("{base}/the-feature/"), "{path}");
            let published = feature.published.unwrap_or_else(|| panic!("{path}: published"));
            assert_eq!(published.to_rfc3339(), "2025-03-09T08:30:00+00:00", "{path}");
            let names: Vec<&str> = feature.authors.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(names, ["Ben Test", "Ana Test"], "{path}");
            let categories: Vec<String> =
                feature.categories.iter().map(|c| c.label.clone().unwrap_or_else(|| c.term.clone())).collect();
            assert_eq!(categories, ["Labor", "Strikes", "Ports"], "{path}");
            // The hero image: RSS `enclosure` and `media:content`, Atom
            // `link rel="enclosure"`, JSON Feed `image` (which feed-rs skips).
            let mut hero: Vec<String> = feature
                .media
                .iter()
                .flat_map(|m| m.content.iter().filter_map(|c| c.url.as_ref().map(|u| u.to_string())))
                .collect();
            hero.extend(feature.links.iter().filter(|l| l.rel.as_deref() == Some("enclosure")).map(|l| l.href.clone()));
            if path.ends_with(".json") {
                let json: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
                let item = json["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .find(|i| i["title"] == "The Feature Headline")
                    .expect("item");
                hero.extend(item["image"].as_str().map(str::to_owned));
            }
            let expected = if path.ends_with("/feed/") { 2 } else { 1 };
            assert_eq!(hero.len(), expected, "{path}: hero {hero:?}");
            assert!(
                hero.iter().all(|u| u.starts_with(&format!("{base}/media/")) && u.ends_with(".png")),
                "{path}: hero {hero:?}"
            );
            assert_eq!(server.get(&hero[0][HOST.len()..]).status, 200, "{path}: the hero is served at {}", hero[0]);
            let body = feature.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
            assert!(body.contains("The feature body"), "{path}: full text\n{body}");
            // Links in the body resolved as a browser on the article's page would.
            assert!(body.contains(&format!(r#"href="{HOST}/story-01/""#)), "{path}: {body}");
            assert!(body.contains(&format!(r#"href="{base}/the-feature/notes/""#)), "{path}: {body}");
            assert!(body.contains(&format!(r#"src="{HOST}/media/inline.png""#)), "{path}: {body}");
            assert!(!body.contains("=\"/") && !body.contains("=\"#"), "{path}: a relative URL is left: {body}");

            // The dates as written: RFC 822 and RFC 3339 with the article's offset.
            let text = r.text();
            if path.ends_with("/feed/") {
                assert!(text.contains("<pubDate>Sun, 9 Mar 2025 09:30:00 +0100</pubDate>"), "{path}");
                assert!(
                    text.contains(&format!(r#"<atom:link href="{base}{}" rel="self""#, &path[prefix.len()..])),
                    "{path}"
                );
                assert!(text.contains("<language>"), "{path}");
            } else {
                assert!(text.contains("2025-03-09T09:30:00+01:00"), "{path}");
            }
            fetched.push(server.url(&path));
        }
        // The feeds' own pages name them in `<head>`, titled in the language.
        let home = server.get(&format!("{prefix}/")).text();
        let (rss, atom) = if prefix.is_empty() { ("RSS feed", "Atom feed") } else { ("RSS-Feed", "Atom-Feed") };
        let lang = if prefix.is_empty() { "en" } else { "de" };
        assert!(
            home.contains(&format!(
                r#"<link rel="alternate" type="application/rss+xml" title="{rss}: Gazette {lang}" href="{base}/feed/">"#
            )),
            "{home}"
        );
        assert!(home.contains(r#"type="application/feed+json" title="JSON"#), "{home}");
        let section = server.get(&format!("{prefix}/section/labor/")).text();
        assert!(
            section.contains(&format!(
                r#"<link rel="alternate" type="application/atom+xml" title="{atom}: Labor — Gazette {lang}" href="{base}/section/labor/feed/atom.xml">"#
            )),
            "{section}"
        );
        let later = server.get(&format!("{prefix}/section/labor/page/2/")).text();
        assert!(
            later.contains(&format!(r#"href="{base}/section/labor/feed/feed.json""#)),
            "every page of a list links its feed"
        );
        for list in ["/author/ana/", "/tag/strikes/"] {
            let page = server.get(&format!("{prefix}{list}")).text();
            assert!(page.contains(&format!(r#"href="{base}{list}feed/""#)), "{list}");
        }
        // The one spelling of each feed URL.
        let r = server.get(&format!("{prefix}/feed"));
        assert_eq!((r.status, r.header("location")), (301, Some(format!("{prefix}/feed/").as_str())));
        let r = server.get(&format!("{prefix}/tag/strikes/feed"));
        assert_eq!((r.status, r.header("location")), (301, Some(format!("{prefix}/tag/strikes/feed/").as_str())));
        assert_eq!(server.get(&format!("{prefix}/feed/rss.xml")).status, 404);
        assert_eq!(server.get(&format!("{prefix}/section/nowhere/feed/")).status, 404);
        assert_eq!(server.get(&format!("{prefix}/author/nobody/feed/atom.xml")).status, 404);
    }
    let article = server.get("/the-feature/").text();
    assert!(!article.contains("application/rss+xml"), "an article page has no feed of its own");

    // Python's feedparser, fetching over HTTP as a feed reader does.
    let Some(python) = prensa_test_support::gate::server_url(prensa_test_support::gate::Server::Python) else { return };
    let out =
        std::process::Command::new(&python).arg("-c").arg(FEEDPARSER).args(&fetched).output().expect("run python");
    assert!(out.status.success(), "feedparser: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("feedparser's report");
    let report = report.as_array().expect("one entry per feed");
    assert_eq!(report.len(), fetched.len());
    for (url, feed) in fetched.iter().zip(report) {
        assert_eq!(feed["bozo"], 0, "{url}: {feed}");
        let version = feed["version"].as_str().unwrap_or("");
        let expected = if url.ends_with("atom.xml") {
            "atom10"
        } else if url.ends_with("feed.json") {
            "json11"
        } else {
            "rss20"
        };
        assert_eq!(version, expected, "{url}");
        assert!(feed["title"].as_str().is_some_and(|t| t.contains("Gazette")), "{url}: {feed}");
        let lang = feed["language"].as_str().unwrap_or("");
        assert!(lang == "en" || lang == "de", "{url}: language {lang:?}");
        let entries = feed["entries"].as_array().expect("entries");
        assert!(!entries.is_empty(), "{url}");
        for e in entries {
            assert!(e["link"].as_str().is_some_and(|l| l.starts_with("http://127.0.0.1")), "{url}: {e}");
            assert!(e["published"].as_str().is_some_and(|d| !d.is_empty()), "{url}: {e}");
            assert!(e["authors"].as_array().is_some_and(|a| !a.is_empty()), "{url}: {e}");
            assert!(e["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == "Labor")), "{url}: {e}");
        }
        let feature = entries.iter().find(|e| e["title"] == "The Feature Headline").expect("the feature");
        assert!(feature["content"].as_str().is_some_and(|c| c.contains("The feature body")), "{url}: {feature}");
        assert!(feature["enclosures"].as_array().is_some_and(|x| x.len() == 1), "{url}: {feature}");
    }
}

/// Fetches each URL with feedparser and prints what it read, as JSON.
/// feedparser 6.0 (the pinned release) reads RSS and Atom but predates
/// JSON Feed, which it would parse as XML: a `feed.json` is read with
/// Python's `json` instead and checked against JSON Feed 1.1's required
/// members (`version`, `title`, `items`, each with `id` and `content_html`
/// or `content_text`), then reported in feedparser's shape.
const FEEDPARSER: &str = r#"
import json, sys, urllib.request
import feedparser

def json_feed(url):
    with urllib.request.urlopen(url) as r:
        ctype = r.headers.get("content-type")
        doc = json.load(r)
    problems = []
    if ctype != "application/feed+json; charset=utf-8":
        problems.append("content-type " + repr(ctype))
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(doc.get("title"), str) or not isinstance(doc.get("items"), list):
        problems.append("title or items")
    for item in doc.get("items", []):
        if not isinstance(item.get("id"), str):
            problems.append("item id")
        if not isinstance(item.get("content_html", item.get("content_text")), str):
            problems.append("item content")
    return {
        "bozo": int(bool(problems)),
        "error": repr(problems),
        "version": "json11",
        "title": doc.get("title"),
        "language": doc.get("language"),
        "entries": [{
            "title": i.get("title"),
            "link": i.get("url"),
            "published": i.get("date_published"),
            "authors": [a.get("name") for a in i.get("authors", [])],
            "tags": i.get("tags", []),
            "enclosures": [i["image"]] if "image" in i else [],
            "content": i.get("content_html") or i.get("content_text") or "",
            "summary": i.get("summary"),
        } for i in doc.get("items", [])],
    }

out = []
for url in sys.argv[1:]:
    if url.endswith("feed.json"):
        out.append(json_feed(url))
        continue
    d = feedparser.parse(url)
    f = d.feed
    out.append({
        "bozo": int(d.bozo),
        "error": repr(d.get("bozo_exception")),
        "version": d.version,
        "title": f.get("title"),
        "language": f.get("language"),
        "entries": [{
            "title": e.get("title"),
            "link": e.get("link"),
            "published": e.get("published"),
            "authors": [a.get("name") for a in e.get("authors", [])],
            "tags": [t.get("term") for t in e.get("tags", [])],
            "enclosures": [x.get("href") for x in e.get("enclosures", [])],
            "content": " ".join(c.get("value", "") for c in e.get("content", [])),
            "summary": e.get("summary"),
        } for e in d.entries],
    })
print(json.dumps(out))
"#;

fn feeds_revalidate_with_etag_and_last_modified(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(server) = network(backend, root.path(), "full") else { return };
    for path in ["/feed/", "/de/section/labor/feed/atom.xml", "/tag/strikes/feed/feed.json"] {
        let first = server.get(path);
        assert_eq!(first.status, 200);
        let etag = first.header("etag").expect("etag").to_owned();
        let modified = first.header("last-modified").expect("last-modified").to_owned();
        assert!(first.header("cache-control").is_some_and(|c| c.contains("max-age")), "{path}");
        // The newest item of every feed here is the feature (2025-03-09 09:30 +01:00).
        assert_eq!(modified, "Sun, 09 Mar 2025 08:30:00 GMT", "{path}");
        let r = server.get_with(path, &[("if-none-match", &etag)]);
        assert_eq!((r.status, r.body.len()), (304, 0), "{path}");
        assert_eq!(r.header("etag"), Some(etag.as_str()));
        let r = server.get_with(path, &[("if-modified-since", &modified)]);
        assert_eq!((r.status, r.header("last-modified")), (304, Some(modified.as_str())), "{path}");
        let r = server.get_with(path, &[("if-modified-since", "Sun, 09 Mar 2025 08:29:59 GMT")]);
        assert_eq!(r.status, 200, "{path}: changed since");
        let r = server.get_with(path, &[("if-modified-since", "not a date")]);
        assert_eq!(r.status, 200, "{path}: a bad date is ignored");
        // If-None-Match decides when both are sent (RFC 9110 §13.2.2).
        let r = server.get_with(path, &[("if-none-match", "W/\"other\""), ("if-modified-since", &modified)]);
        assert_eq!(r.status, 200, "{path}");
        // Compressed once, like pages: the same bytes, gzipped.
        let gz = server.get_with(path, &[("accept-encoding", "gzip")]);
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.body[..]), &mut plain).expect("gunzip");
        assert_eq!(plain, first.body, "{path}");
    }
}

fn summary_feeds_carry_no_body(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(server) = network(backend, root.path(), "summary") else { return };
    for (path, _) in feeds("").into_iter().chain(feeds("/de")) {
        let r = server.get(&path);
        assert_eq!(r.status, 200, "{path}");
        let text = r.text();
        assert!(text.contains("The feature standfirst."), "{path}: the standfirst stays");
        for body in ["The feature body", "Body of story-0", "content:encoded", "<content", "content_html"] {
            assert!(!text.contains(body), "{path} carries `{body}`:\n{text}");
        }
        let feed = parse_feed(&path, &r.body);
        assert!(feed.entries.iter().all(|e| e
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref())
            .is_none_or(|b| !b.contains("body"))));
    }
}

fn a_scheduled_article_enters_the_feeds_when_it_goes_live(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 2, 12);
    let due = chrono::Utc::now() + chrono::Duration::seconds(4);
    write_article(&content, "coming-soon", &due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "published");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);
    let server = Server::serve_db(db);
    let paths = [
        "/feed/",
        "/feed/atom.xml",
        "/section/labor/feed/feed.json",
        "/author/ana/feed/",
        "/tag/strikes/feed/atom.xml",
    ];
    // Cached before the time comes, without the article.
    for path in paths {
        assert!(!server.get(path).text().contains("coming-soon"), "{path} lists it early");
    }
    assert!(eventually(Duration::from_secs(10), || chrono::Utc::now() > due + chrono::Duration::milliseconds(700)));
    // No write, no restart: the watcher purged the feeds when it came due.
    for path in paths {
        let text = server.get(path).text();
        assert!(text.contains("Headline of coming-soon"), "{path} lists it once live:\n{text}");
    }
}

/// The counter of cache misses on `/metrics`.
fn misses(server: &Server) -> u64 {
    let metrics = server.get("/metrics").text();
    let line = metrics.lines().find(|l| l.starts_with("prensa_page_cache_misses_total")).expect("misses counter");
    line.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("a number")
}

/// The value of the `<option>` labelled `label` in the editor's form.
fn option_value(form: &str, label: &str) -> String {
    let end = form.find(&format!(">{label}</option>")).unwrap_or_else(|| panic!("option {label}"));
    let start = form[..end].rfind("value=\"").expect("value") + 7;
    let value = &form[start..end];
    value[..value.find('"').expect("end of value")].to_owned()
}

fn publishing_purges_exactly_the_feeds_that_list_the_article(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 2, 12);
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);
    let link = invite(&db.args(), "ed@example.org", "administrator");
    let server = Server::serve_db(db);
    let editor = accept_invite(&at(&server.base, &link));
    let form = admin::get(&format!("{}/admin/articles/new", server.base), &editor.cookie).expect("editor").text;
    let (labor, ben) = (option_value(&form, "Labor"), option_value(&form, "Ben Test"));

    let listing = [
        "/feed/",
        "/feed/atom.xml",
        "/section/labor/feed/",
        "/section/labor/feed/feed.json",
        "/author/ben/feed/atom.xml",
    ];
    let not_listing = [
        "/section/culture/feed/",
        "/section/culture/feed/atom.xml",
        "/author/ana/feed/",
        "/tag/strikes/feed/feed.json",
    ];
    for path in listing.iter().chain(&not_listing) {
        assert_eq!(server.get(path).status, 200, "{path}");
    }
    // A draft touches no list.
    let made = save_as(&editor, 0, 0, "Fresh from the newsroom", "fresh", &labor, &ben, "save").expect("create");
    assert_eq!(made.status, 303, "{}", made.text);
    let id: i64 = made.location.split('/').nth(3).expect("id").parse().expect("number");
    let before = misses(&server);
    for path in listing.iter().chain(&not_listing) {
        assert!(!server.get(path).text().contains("Fresh from the newsroom"), "{path}");
    }
    assert_eq!(misses(&server), before, "saving a draft purges no feed");

    let published =
        save_as(&editor, id, 1, "Fresh from the newsroom", "fresh", &labor, &ben, "publish").expect("publish");
    assert_eq!(published.status, 303, "{}", published.text);
    let before = misses(&server);
    for path in not_listing {
        assert_eq!(server.get(path).status, 200, "{path}");
    }
    assert_eq!(misses(&server), before, "the feeds that do not list the article stay cached");
    for path in listing {
        let text = server.get(path).text();
        assert!(text.contains("Fresh from the newsroom"), "{path} lists the new article:\n{text}");
    }
    assert_eq!(misses(&server), before + listing.len() as u64, "each feed that lists it was purged and rendered once");
}

fn hostile_text_stays_escaped_and_well_formed(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 1, 12);
    std::fs::write(
        content.join("articles/hostile.md"),
        "+++\ntitle = \"<script>alert(1)</script> ]]> & \\u0001bell \\u000Bvt\"\nstandfirst = \"\\\"><img src=x onerror=alert(2)> ]]>\"\n\
         authors = [\"ana\"]\nsection = \"labor\"\ntags = [\"<b>Tag</b>\"]\ndate = \"2025-02-01T10:00:00+00:00\"\nstatus = \"published\"\n+++\n\
         <script>alert(3)</script>\n\n<img src=x onerror=\"alert(4)\">\n\n[click](javascript:alert(5))\n\n]]> <![CDATA[ x ]]>\n\n\
         Control \u{1} and \u{FFFF} in the body.\n",
    )
    .expect("write");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&content);
    let server = Server::serve_db(db);
    for (path, _) in feeds("") {
        let path = path.replace("/tag/strikes/", "/tag/b-tag-b/");
        let r = server.get(&path);
        assert_eq!(r.status, 200, "{path}");
        let text = r.text();
        assert!(!text.contains('\u{1}') && !text.contains('\u{b}'), "{path}: raw control characters");
        if path.ends_with(".json") {
            // JSON needs no markup escaped; its HTML is checked below.
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        } else {
            for live in ["<script", "<img src=x", "onerror=\"", "javascript:", "<b>", "]]>", "<![CDATA["] {
                assert!(!text.contains(live), "{path} carries `{live}` unescaped:\n{text}");
            }
            assert!(!text.contains('\u{FFFF}'), "{path}: a character XML forbids");
        }
        let feed = parse_feed(&path, &r.body);
        let hostile = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content.contains("alert(1)")))
            .unwrap_or_else(|| panic!("{path}: the hostile article"));
        let title = &hostile.title.as_ref().expect("title").content;
        assert!(title.starts_with("<script>alert(1)</script> ]]> & "), "{path}: the headline reads as text: {title:?}");
        let body = hostile.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
        for live in ["<script", "onerror", "javascript:"] {
            assert!(!body.contains(live), "{path}: sanitized body carries {live}: {body}");
        }
    }
    if let Some(python) = prensa_test_support::gate::server_url(prensa_test_support::gate::Server::Python) {
        let urls: Vec<String> = ["/feed/", "/feed/atom.xml", "/feed/feed.json"].iter().map(|p| server.url(p)).collect();
        let out = std::process::Command::new(&python).arg("-c").arg(FEEDPARSER).args(&urls).output().expect("python");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
        for feed in report.as_array().expect("array") {
            assert_eq!(feed["bozo"], 0, "{feed}");
        }
    }
}
