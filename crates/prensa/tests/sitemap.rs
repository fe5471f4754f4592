//! End-to-end over HTTP, on SQLite and PostgreSQL: the crawlers' files of
//! a network — English at the root of `news.example`, German under its
//! `/de` prefix on the same host, Spanish on `es.example`. `robots.txt`
//! speaks for every publication of its host; the sitemap index lists the
//! pages part and one part per month; every sitemap (index, months, pages,
//! news) validates against the sitemaps.org and Google News schemas with
//! lxml; parts list only visible articles, with hreflang alternates and
//! lastmod in the article's offset; a scheduled article appears when it
//! comes due and an article published in the admin at once (cached parts
//! purged); the news sitemap holds the last 48 hours; search, previews and
//! the admin say `noindex`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use common::admin::{accept_invite, at, between, first_choices, invite, post, save_as, version_of};
use common::*;

const EN: &str = "news.example";
const ES: &str = "es.example";

fn w(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn article(dir: &Path, slug: &str, date: &str, status: &str, extra: &str) {
    w(
        dir,
        &format!("articles/{slug}.md"),
        &format!(
            "+++\ntitle = \"Headline {slug} & co\"\nstandfirst = \"Standfirst\"\nauthors = [\"ana\"]\nsection = \"labor\"\n\
             tags = [\"Strikes\"]\ndate = \"{date}\"\nstatus = \"{status}\"\n{extra}\n+++\nBody of {slug}.\n"
        ),
    );
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The three publications; returns their directories. `soon` is due
/// `due` from now.
fn write_network(root: &Path, now: DateTime<Utc>, due: chrono::Duration) -> Vec<PathBuf> {
    for (dir, lang, base) in
        [("en", "en", "http://news.example"), ("de", "de", "http://news.example/de"), ("es", "es", "http://es.example")]
    {
        let d = root.join(dir);
        w(
            &d,
            "publication.toml",
            &format!("slug = \"pub-{lang}\"\nname = \"Pub {lang} & Söhne\"\ntagline = \"t\"\nlanguage = \"{lang}\"\nbase_url = \"{base}\"\n"),
        );
        w(&d, "authors/ana.md", "+++\nname = \"Ana\"\n+++\nAna.\n");
        w(&d, "sections/labor.toml", "name = \"Labor\"\n");
    }
    let (en, de, es) = (root.join("en"), root.join("de"), root.join("es"));
    article(&en, "chile", "2025-01-01T10:00:00+01:00", "published", "");
    article(&en, "other", "2025-02-10T10:00:00-03:00", "published", "updated = \"2025-03-01T09:00:00-03:00\"");
    article(&en, "hidden-draft", "2025-02-11T10:00:00+00:00", "draft", "");
    article(&en, "fresh", &rfc3339(now - chrono::Duration::hours(1)), "published", "");
    article(&en, "stale", &rfc3339(now - chrono::Duration::hours(50)), "published", "");
    article(&en, "soon", &rfc3339(now + due), "published", "");
    article(&de, "chile-de", "2025-01-03T10:00:00+01:00", "published", "translation_of = \"en:chile\"");
    article(&es, "chile-es", "2025-01-04T10:00:00+01:00", "published", "translation_of = \"de:chile-de\"");
    vec![en, de, es]
}

fn get(server: &Server, host: &str, path: &str) -> Response {
    server.get_with(path, &[("Host", host)])
}

fn xml(server: &Server, host: &str, path: &str) -> String {
    let r = get(server, host, path);
    assert_eq!(r.status, 200, "{host}{path}: {}", r.text());
    assert_eq!(r.header("content-type"), Some("application/xml; charset=utf-8"), "{host}{path}");
    r.text()
}

/// The `<loc>`s of a sitemap, in order.
fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).map(str::to_owned).collect()
}

/// The `<url>` entry of `loc` in a part.
fn entry<'a>(xml: &'a str, loc: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<url><loc>{loc}</loc>"))?;
    let end = xml[start..].find("</url>")? + start;
    Some(&xml[start..end])
}

fn link(lang: &str, url: &str) -> String {
    format!(r#"<xhtml:link rel="alternate" hreflang="{lang}" href="{url}"/>"#)
}

fn month_path(t: DateTime<Utc>) -> String {
    format!("/sitemap/articles-{:04}-{:02}.xml", t.year(), t.month())
}

/// Validates sitemaps with lxml against the schemas of
/// `tests/fixtures/xsd/`: `(kind, xml)` with kind `index` (siteindex.xsd,
/// root `sitemapindex`) or `urlset` (sitemap.xsd with the xhtml and news
/// extensions, root `urlset`).
const VALIDATE: &str = r#"
import sys
from lxml import etree
xsd = sys.argv[1]
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
schemas = {
    "index": (etree.XMLSchema(etree.parse(xsd + "/siteindex.xsd")), NS + "sitemapindex"),
    "urlset": (etree.XMLSchema(etree.parse(xsd + "/urlset.xsd")), NS + "urlset"),
}
bad = 0
for arg in sys.argv[2:]:
    kind, path = arg.split("=", 1)
    schema, root = schemas[kind]
    doc = etree.parse(path)
    if doc.getroot().tag != root or not schema.validate(doc):
        bad += 1
        print("INVALID", path, doc.getroot().tag, schema.error_log, file=sys.stderr)
print("validated", len(sys.argv) - 2, "invalid", bad)
sys.exit(1 if bad else 0)
"#;

fn validate(files: &[(&str, String)]) {
    let Some(python) = prensa_test_support::gate::server_url(prensa_test_support::gate::Server::Python) else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/xsd");
    let mut args = vec!["-c".to_owned(), VALIDATE.to_owned(), xsd.display().to_string()];
    for (i, (kind, body)) in files.iter().enumerate() {
        let path = dir.path().join(format!("{i}.xml"));
        std::fs::write(&path, body).expect("write sitemap");
        args.push(format!("{kind}={}", path.display()));
    }
    let out = std::process::Command::new(&python).args(&args).output().expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "lxml: {stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim(), format!("validated {} invalid 0", files.len()));
}

fn crawlers(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    // Whole seconds, as the articles' dates are written.
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now");
    let due = chrono::Duration::seconds(30);
    let dirs = write_network(root.path(), now, due);
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import_all(&dirs);
    let link_to_admin = invite(&db.args(), "ed@example.org", "administrator");
    // The admin is reached at the server's own address: the English
    // publication answers it.
    let server = Server::serve_db_with(db, &["--default-publication", "pub-en"]);

    // robots.txt: the whole host, each publication under its prefix.
    let robots = get(&server, EN, "/robots.txt");
    assert_eq!(robots.status, 200);
    assert_eq!(robots.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        robots.text(),
        "User-agent: *\nDisallow: /admin/\nDisallow: /search/\nDisallow: /preview/\n\
         Disallow: /de/admin/\nDisallow: /de/search/\nDisallow: /de/preview/\n\n\
         Sitemap: http://news.example/sitemap.xml\nSitemap: http://news.example/sitemap/news.xml\n\
         Sitemap: http://news.example/de/sitemap.xml\nSitemap: http://news.example/de/sitemap/news.xml\n"
    );
    assert_eq!(get(&server, EN, "/de/robots.txt").text(), robots.text(), "one answer per host");
    let es_robots = get(&server, ES, "/robots.txt").text();
    assert!(
        es_robots.contains("Disallow: /admin/\n") && es_robots.contains("Sitemap: http://es.example/sitemap.xml\n")
    );
    assert!(!es_robots.contains("news.example"), "{es_robots}");

    // The index: the pages part, then each month, newest first.
    let index = xml(&server, EN, "/sitemap.xml");
    let mut months: Vec<String> = [now - chrono::Duration::hours(1), now - chrono::Duration::hours(50)]
        .iter()
        .map(|t| format!("http://news.example{}", month_path(*t)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .rev()
        .collect();
    months.extend([
        "http://news.example/sitemap/articles-2025-02.xml".into(),
        "http://news.example/sitemap/articles-2025-01.xml".into(),
    ]);
    let mut want = vec!["http://news.example/sitemap/pages.xml".to_owned()];
    want.extend(months);
    assert_eq!(locs(&index), want, "{index}");
    assert!(
        index.contains(
            "<loc>http://news.example/sitemap/articles-2025-02.xml</loc><lastmod>2025-03-01T12:00:00Z</lastmod>"
        ),
        "{index}"
    );

    // Every part the index names, plus the news sitemap; the German ones too.
    let mut files: Vec<(&str, String)> = vec![("index", index.clone())];
    for loc in locs(&index) {
        let path = loc.strip_prefix("http://news.example").expect("on the host");
        files.push(("urlset", xml(&server, EN, path)));
    }
    let de_index = xml(&server, EN, "/de/sitemap.xml");
    assert_eq!(
        locs(&de_index),
        ["http://news.example/de/sitemap/pages.xml", "http://news.example/de/sitemap/articles-2025-01.xml"]
    );
    files.push(("index", de_index.clone()));
    for loc in locs(&de_index) {
        let path = loc.strip_prefix("http://news.example").expect("on the host");
        files.push(("urlset", xml(&server, EN, path)));
    }
    let es_index = xml(&server, ES, "/sitemap.xml");
    files.push(("index", es_index));
    let news = xml(&server, EN, "/sitemap/news.xml");
    files.push(("urlset", news.clone()));
    validate(&files);

    // January: the translated article with its whole group, x-default the
    // original; lastmod in the article's own offset.
    let jan = xml(&server, EN, "/sitemap/articles-2025-01.xml");
    let chile = entry(&jan, "http://news.example/chile/").expect("chile listed");
    assert!(chile.contains("<lastmod>2025-01-01T10:00:00+01:00</lastmod>"), "{chile}");
    for (lang, url) in [
        ("en", "http://news.example/chile/"),
        ("de", "http://news.example/de/chile-de/"),
        ("es", "http://es.example/chile-es/"),
        ("x-default", "http://news.example/chile/"),
    ] {
        assert!(chile.contains(&link(lang, url)), "{lang}: {chile}");
    }
    let de_jan = xml(&server, EN, "/de/sitemap/articles-2025-01.xml");
    let chile_de = entry(&de_jan, "http://news.example/de/chile-de/").expect("chile-de listed");
    assert!(chile_de.contains(&link("x-default", "http://news.example/chile/")), "{chile_de}");
    assert_eq!(locs(&de_jan), ["http://news.example/de/chile-de/"]);
    // February: `other` with its update as lastmod; never the draft.
    let feb = xml(&server, EN, "/sitemap/articles-2025-02.xml");
    assert_eq!(locs(&feb), ["http://news.example/other/"]);
    assert!(feb.contains("<lastmod>2025-03-01T09:00:00-03:00</lastmod>"), "{feb}");
    assert!(!feb.contains("<xhtml:link"), "no translations, no alternates");
    for (host, path) in [
        (EN, "/sitemap/articles-1999-01.xml"),
        (EN, "/sitemap/articles-2025-01-2.xml"),
        (EN, "/sitemap/articles-2025-13.xml"),
    ] {
        assert_eq!(get(&server, host, path).status, 404, "{path}");
    }

    // The pages part: home (with its sisters), the section, author and tag.
    let pages = xml(&server, EN, "/sitemap/pages.xml");
    assert_eq!(
        locs(&pages),
        [
            "http://news.example/",
            "http://news.example/section/labor/",
            "http://news.example/author/ana/",
            "http://news.example/tag/strikes/"
        ]
    );
    let home = entry(&pages, "http://news.example/").expect("home");
    assert!(
        home.contains(&link("de", "http://news.example/de/"))
            && home.contains(&link("x-default", "http://news.example/")),
        "{home}"
    );
    let de_pages = xml(&server, EN, "/de/sitemap/pages.xml");
    assert!(de_pages.contains("<loc>http://news.example/de/section/labor/</loc>"), "{de_pages}");

    // News: the last 48 hours, publication name escaped, language code.
    assert_eq!(locs(&news), ["http://news.example/fresh/"]);
    assert!(news.contains("<news:name>Pub en &amp; Söhne</news:name><news:language>en</news:language>"), "{news}");
    assert!(news.contains("<news:title>Headline fresh &amp; co</news:title>"), "{news}");

    // Cached with an ETag: a conditional request gets 304, the news too.
    let first = get(&server, EN, "/sitemap.xml");
    let etag = first.header("etag").expect("etag").to_owned();
    assert_eq!(server.get_with("/sitemap.xml", &[("Host", EN), ("If-None-Match", &etag)]).status, 304);
    let news_etag = get(&server, EN, "/sitemap/news.xml").header("etag").expect("etag").to_owned();
    assert_eq!(server.get_with("/sitemap/news.xml", &[("Host", EN), ("If-None-Match", &news_etag)]).status, 304);

    // The scheduled article: absent until its time, then listed without a
    // restart or a write (the watcher purges).
    let soon_at = now + due;
    let soon_part = month_path(soon_at);
    let soon_loc = "http://news.example/soon/";
    assert!(Utc::now() < soon_at, "the test ran too slowly to see `soon` before its time");
    assert!(!locs(&xml(&server, EN, &soon_part)).contains(&soon_loc.to_owned()));
    assert!(!locs(&xml(&server, EN, "/sitemap/news.xml")).contains(&soon_loc.to_owned()));
    assert!(
        eventually(Duration::from_secs(60), || locs(&xml(&server, EN, &soon_part)).contains(&soon_loc.to_owned())),
        "`soon` never appeared in {soon_part}"
    );
    assert!(Utc::now() >= soon_at, "listed before its time");
    assert!(locs(&xml(&server, EN, "/sitemap/news.xml")).contains(&soon_loc.to_owned()));

    // Published in the admin: the cached parts are purged at once.
    let part_now = month_path(Utc::now());
    let before = xml(&server, EN, &part_now);
    assert!(!before.contains("/breaking/"));
    let editor = accept_invite(&at(&server.base, &link_to_admin));
    let (section, author) = first_choices(&editor);
    let created = save_as(&editor, 0, 0, "Breaking", "breaking", &section, &author, "save").expect("created");
    assert_eq!(created.status, 303, "{}", created.text);
    let id: i64 = created.location.split('/').nth(3).expect("id").parse().expect("number");
    // A draft is in no sitemap.
    assert!(!xml(&server, EN, &part_now).contains("/breaking/"));
    let published = save_as(&editor, id, version_of(&editor, id), "Breaking", "breaking", &section, &author, "publish")
        .expect("published");
    assert_eq!(published.status, 303, "{}", published.text);
    let after = xml(&server, EN, &part_now);
    assert!(after.contains("<loc>http://news.example/breaking/</loc>"), "{after}");
    assert!(xml(&server, EN, "/sitemap/news.xml").contains("<loc>http://news.example/breaking/</loc>"));
    let index_after = xml(&server, EN, "/sitemap.xml");
    assert_ne!(
        get(&server, EN, "/sitemap.xml").header("etag"),
        Some(etag.as_str()),
        "the index changed: {index_after}"
    );

    // noindex: search (root and prefix), the admin, a secret preview.
    for path in ["/search/?q=chile", "/de/search/?q=chile"] {
        // 503 only while the index is still being built after start.
        assert!(eventually(Duration::from_secs(10), || get(&server, EN, path).status == 200), "{path}");
        let page = get(&server, EN, path);
        assert!(page.text().contains(r#"<meta name="robots" content="noindex">"#), "{path}");
    }
    for path in ["/admin/login", "/de/admin/login"] {
        let page = get(&server, EN, path);
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.header("x-robots-tag"), Some("noindex"), "{path}");
        assert!(page.text().contains(r#"<meta name="robots" content="noindex">"#), "{path}");
    }
    let draft = save_as(&editor, 0, 0, "Draft to preview", "draft-preview", &section, &author, "save").expect("saved");
    assert_eq!(draft.status, 303, "{}", draft.text);
    let id = draft.location.split('/').nth(3).expect("id").to_owned();
    let made = post(
        &format!("{}/admin/articles/{id}/preview-link", editor.base),
        &editor.cookie,
        &[("csrf", &editor.csrf), ("action", "create")],
    )
    .expect("preview link");
    assert_eq!(made.status, 200, "{}", made.text);
    // The template escapes `/` inside attributes; browsers read it back.
    let text = made.text.replace("&#x2f;", "/");
    let token = between(&text, "http://news.example/preview/", "\"").expect("a preview link");
    assert_eq!(token.len(), 43, "{token}");
    let preview = server.get(&format!("/preview/{token}"));
    assert_eq!(preview.status, 200);
    assert_eq!(preview.header("x-robots-tag"), Some("noindex"));
    assert!(preview.text().contains(r#"<meta name="robots" content="noindex">"#));
    // And the draft is in no sitemap.
    assert!(!xml(&server, EN, &part_now).contains("draft-preview"));
}

#[test]
fn crawlers_sqlite() {
    crawlers(Backend::Sqlite);
}

#[test]
fn crawlers_postgres() {
    crawlers(Backend::Postgres);
}
