//! End-to-end: the real binary, a content directory, HTTP.

mod common;

use std::time::Duration;

use common::*;

/// Imports `content` into a fresh database of `backend` under `root` and
/// serves it; `None` when that backend is not available (PostgreSQL without
/// `PRENSA_TEST_POSTGRES_URL`), and the test passes, saying it skipped —
/// unless `PRENSA_TEST_REQUIRE` names `postgres`, which fails it.
fn import_and_serve(backend: Backend, root: &std::path::Path, content: &std::path::Path) -> Option<Server> {
    let db = Database::fresh(backend, root)?;
    db.import(content);
    Some(Server::serve_db(db))
}

// Each test runs on both backends: the site must not depend on the database
// it is served from.
on_every_backend!(blocking:
    article_page_has_every_element_in_order,
    unknown_urls_get_a_real_404_and_drafts_never_appear,
    scheduled_article_appears_at_its_time_without_a_request,
    lists_paginate_with_rel_links,
    responses_are_compressed_cached_and_revalidated,
    reimport_while_serving_updates_pages,
    hostile_content_is_escaped_or_sanitized_on_every_page,
    two_publications_one_under_a_prefix_over_http,
);

fn feature_article(content: &std::path::Path) {
    std::fs::write(
        content.join("articles/the-feature.md"),
        "+++\ntitle = \"The Feature Headline\"\nstandfirst = \"The feature standfirst.\"\nauthors = [\"ben\", \"ana\"]\n\
         section = \"labor\"\ntags = [\"Strikes\", \"Ports\"]\ndate = \"2025-03-09T09:30:00+01:00\"\nstatus = \"published\"\n\
         image = \"media/dot.png\"\nimage_alt = \"A single dot\"\nimage_caption = \"The dot, photographed.\"\n+++\n\
         First paragraph of the body.[^1]\n\n## A heading\n\nMore text.\n\n[^1]: A footnote.\n",
    )
    .expect("write feature");
}

fn article_page_has_every_element_in_order(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 9, 12);
    feature_article(&content);
    write_article(&content, "other-section", "2025-03-01T10:00:00+00:00", "published");
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };

    let r = server.get("/the-feature/");
    assert_eq!(r.status, 200);
    let html = r.text();

    // <head>: title, description, canonical, OpenGraph, JSON-LD, hreflang.
    assert!(html.contains("<title>The Feature Headline — Test Gazette</title>"), "{html}");
    assert!(html.contains(r#"<meta name="description" content="The feature standfirst.">"#));
    assert!(html.contains(r#"<link rel="canonical" href="http://gazette.example/the-feature/">"#));
    assert!(html.contains(r#"property="og:type" content="article""#));
    assert!(html.contains(r#"property="og:image" content="http://gazette.example/media/"#));
    assert!(html.contains(r#"hreflang="en" href="http://gazette.example/the-feature/""#));
    assert!(html.contains(r#"<script type="application/ld+json">"#) && html.contains("\"NewsArticle\""));

    // The body of the page, in the order the issue lists.
    let order = [
        ("site header with name", "<header"),
        ("publication name", "Test Gazette"),
        ("section navigation", r#"href="/section/labor/""#),
        ("headline", "The Feature Headline</h1>"),
        ("standfirst", "The feature standfirst."),
        ("byline: first author", r#"href="/author/ben/""#),
        ("byline: second author", r#"href="/author/ana/""#),
        ("publish date", r#"datetime="2025-03-09T09:30:00+01:00""#),
        ("date text", "March 9, 2025"),
        ("share: facebook", "facebook.com/sharer"),
        ("share: x", "x.com/intent/post"),
        ("share: mastodon", "/share/mastodon/?text="),
        ("share: email", "mailto:?subject="),
        ("hero image", r#"alt="A single dot""#),
        ("caption", "The dot, photographed."),
        ("body", "First paragraph of the body."),
        ("footnotes", r#"id="fn-1""#),
        ("share again", "facebook.com/sharer"),
        ("author box: ben", r#"class="author-box"#),
        ("ben's bio", "Ben too."),
        ("author box: ana", "Ana writes <em>tests</em>."),
        ("ana's social", "https://mastodon.example/@ana"),
        ("more from section", "More from Labor"),
        ("most recent", "Most recent"),
        ("footer", "<footer"),
    ];
    let mut at = 0;
    for (what, needle) in order {
        match find_from(&html, needle, at) {
            Some(i) => at = i + needle.len(),
            None => {
                panic!("{what} (`{needle}`) missing or out of order after byte {at}:\n{}", &html[at.min(html.len())..])
            }
        }
    }
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1");
    assert!(!html.contains("<script>") && !html.contains("<script src"), "no JavaScript");

    // "More from Labor" lists 4 other labor articles; "Most recent" 4 others.
    let more = &html[html.find("More from Labor").expect("more")..html.find("Most recent").expect("recent")];
    assert_eq!(more.matches("<article").count(), 4, "{more}");
    assert!(!more.contains("The Feature Headline"));
    let recent = &html[html.find("Most recent").expect("recent")..html.find("<footer").expect("footer")];
    assert_eq!(recent.matches("<article").count(), 4, "{recent}");
    assert!(recent.contains("Headline of story-09"), "newest first");
    for field in ["Ana Test", "<time"] {
        assert!(recent.contains(field), "cards show {field}");
    }
    // Issue 14 (page weight): the article page's cards leave their
    // standfirsts to the home and list pages.
    assert!(!recent.contains("Standfirst of") && !more.contains("Standfirst of"), "{recent}");
}

fn unknown_urls_get_a_real_404_and_drafts_never_appear(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    write_article(&content, "secret-draft", "2025-02-01T10:00:00+00:00", "draft");
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };

    for path in
        ["/no-such-article/", "/section/nowhere/", "/author/nobody/", "/tag/nothing/", "/a/b/c/", "/secret-draft/"]
    {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        let html = r.text();
        assert!(
            html.contains("Not found") && html.contains(r#"<meta name="robots" content="noindex">"#),
            "{path}: {html}"
        );
    }
    for path in ["/", "/section/labor/", "/author/ana/", "/tag/strikes/"] {
        let html = server.get(path).text();
        assert!(!html.contains("secret-draft") && !html.contains("Headline of secret-draft"), "{path} leaks the draft");
    }
    assert_eq!(server.get("/story-01").status, 301);
    assert_eq!(server.get("/story-01").header("location"), Some("/story-01/"));
}

fn scheduled_article_appears_at_its_time_without_a_request(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 2, 12);
    let due = chrono::Utc::now() + chrono::Duration::seconds(4);
    write_article(&content, "coming-soon", &due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "published");
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };

    // Cache the front page and the article's 404 before the time comes.
    assert!(!server.get("/").text().contains("Headline of coming-soon"));
    assert_eq!(server.get("/coming-soon/").status, 404);
    assert!(eventually(Duration::from_secs(10), || chrono::Utc::now() > due + chrono::Duration::milliseconds(700)));
    // No restart, no write: the watcher purged the cache when the article came due.
    assert_eq!(server.get("/coming-soon/").status, 200);
    assert!(server.get("/").text().contains("Headline of coming-soon"));
}

fn lists_paginate_with_rel_links(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 12, 5);
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };

    let p1 = server.get("/section/labor/").text();
    assert_eq!(p1.matches("<article").count(), 5);
    assert!(p1.contains(r#"<link rel="next" href="http://gazette.example/section/labor/page/2/">"#), "{p1}");
    assert!(!p1.contains(r#"rel="prev""#));
    assert!(p1.contains("Page 1 of 3"));

    let p2 = server.get("/section/labor/page/2/").text();
    assert!(p2.contains(r#"<link rel="prev" href="http://gazette.example/section/labor/">"#));
    assert!(p2.contains(r#"<link rel="next" href="http://gazette.example/section/labor/page/3/">"#));
    assert!(p2.contains(r#"<link rel="canonical" href="http://gazette.example/section/labor/page/2/">"#));

    let p3 = server.get("/section/labor/page/3/").text();
    assert_eq!(p3.matches("<article").count(), 2);
    assert_eq!(server.get("/section/labor/page/4/").status, 404);

    let q = server.get("/section/labor/?page=2");
    assert_eq!((q.status, q.header("location")), (301, Some("/section/labor/page/2/")));
    assert_eq!(server.get("/section/labor/page/1/").header("location"), Some("/section/labor/"));
    assert_eq!(server.get("/author/ana/page/3/").status, 200);
    assert_eq!(server.get("/tag/strikes/page/2/").status, 200);
    // The author page shows the bio and social links.
    let author = server.get("/author/ana/").text();
    assert!(author.contains("Ana writes <em>tests</em>.") && author.contains("https://mastodon.example/@ana"));
}

fn responses_are_compressed_cached_and_revalidated(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };

    let plain = server.get("/story-01/");
    let etag = plain.header("etag").expect("etag").to_owned();
    assert!(plain.header("content-encoding").is_none());
    assert!(plain.header("content-security-policy").is_some_and(|c| c.contains("script-src 'none'")));

    let gz = server.get_with("/story-01/", &[("accept-encoding", "gzip")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz.body[..]), &mut unzipped).expect("gunzip");
    assert_eq!(unzipped, plain.text());

    let br = server.get_with("/story-01/", &[("accept-encoding", "gzip, deflate, br")]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert!(br.body.len() < plain.body.len());
    assert_eq!(br.header("vary"), Some("accept-encoding"));

    let again = server.get_with("/story-01/", &[("if-none-match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // Media: the right type, nosniff, cacheable forever.
    let html = plain.text();
    let css = &html[html.find("/assets/style.").expect("css link")..];
    let css = &css[..css.find('"').expect("end")];
    let r = server.get(css);
    assert_eq!((r.status, r.header("content-type")), (200, Some("text/css; charset=utf-8")));
    let author = server.get("/author/ana/").text();
    let img = &author[author.find("/media/").expect("avatar")..];
    let img = &img[..img.find('"').expect("end")];
    let r = server.get(img);
    assert_eq!(
        (r.status, r.header("content-type"), r.header("x-content-type-options")),
        (200, Some("image/png"), Some("nosniff"))
    );
    assert_eq!(r.body, PNG_1X1);
    assert_eq!(server.get("/media/../../etc/passwd").status, 404);
    assert_eq!(server.get("/media/0000.jpg").status, 404);
}

fn reimport_while_serving_updates_pages(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 3, 12);
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };
    assert!(server.get("/story-01/").text().contains("Body of story-01."));

    let path = content.join("articles/story-01.md");
    let text = std::fs::read_to_string(&path).expect("read").replace("Body of story-01.", "A corrected body.");
    std::fs::write(&path, text).expect("write");
    // Another process writes while the server runs.
    server.database().import(&content);
    assert!(
        eventually(Duration::from_secs(5), || server.get("/story-01/").text().contains("A corrected body.")),
        "the running server noticed the import"
    );
}

#[test]
fn check_and_import_report_every_problem_and_write_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 2, 12);
    let db = root.path().join("site.db");
    let url = format!("sqlite://{}", db.display());
    assert!(run(&["import", "dir", content.to_str().expect("utf-8"), "--database", &url]).status.success());

    std::fs::write(
        content.join("articles/broken.md"),
        "+++\ntitle = \"Broken\"\nstandfirst = \"x\"\nauthors = [\"zed\"]\nsection = \"nowhere\"\ndate = \"yesterday\"\nstatus = \"published\"\n+++\nBody\n",
    )
    .expect("write");
    std::fs::write(content.join("articles/story-01.md"), b"+++\ntitle = \"Bad \xff bytes\"\n+++\n").expect("write");

    let out = run(&["check", content.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "articles/broken.md:4:",
        "zed",
        "articles/broken.md:5:",
        "nowhere",
        "articles/broken.md:6:",
        "articles/story-01.md:2:",
    ] {
        assert!(err.contains(expected), "check output lacks {expected}:\n{err}");
    }

    let out = run(&["import", "dir", content.to_str().expect("utf-8"), "--database", &url]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written"));
    let server = Server::serve(&db);
    assert_eq!(server.get("/story-01/").status, 200, "old content still served");
    assert_eq!(server.get("/broken/").status, 404);
}

#[test]
fn demo_serves_the_demo_magazine() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = Server::demo(root.path());
    let home = server.get("/");
    assert_eq!(home.status, 200);
    let html = home.text();
    assert!(html.contains("<h1") && html.contains("/section/"));
    // Canonical URLs point at where the demo runs.
    assert!(html.contains(&format!(r#"<link rel="canonical" href="{}/">"#, server.base)), "{html}");
}

#[test]
fn settings_come_from_flags_then_environment_then_prensa_toml() {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 1, 12);
    let content = content.to_str().expect("utf-8");
    std::fs::write(root.path().join("prensa.toml"), "database = \"sqlite://from-file.db\"\n").expect("toml");

    assert!(run_in(root.path(), &["import", "dir", content], &[]).status.success());
    assert!(root.path().join("from-file.db").exists(), "prensa.toml names the database");
    assert!(root.path().join("media").is_dir(), "media beside the database");

    assert!(run_in(root.path(), &["import", "dir", content], &[("PRENSA_DATABASE", "sqlite://from-env.db")])
        .status
        .success());
    assert!(root.path().join("from-env.db").exists(), "the environment beats the file");

    let out = run_in(
        root.path(),
        &["import", "dir", content, "--database", "sqlite://from-flag.db"],
        &[("PRENSA_DATABASE", "sqlite://from-env-2.db")],
    );
    assert!(out.status.success());
    assert!(
        root.path().join("from-flag.db").exists() && !root.path().join("from-env-2.db").exists(),
        "the flag beats both"
    );

    std::fs::write(root.path().join("prensa.toml"), "databse = \"typo\"\n").expect("toml");
    let out = run_in(root.path(), &["import", "dir", content], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("databse"), "unknown keys are named");
}

/// `prensa user add --publication SLUG`: a role on that publication only;
/// without it, network-wide; an unknown slug is refused, naming the known.
#[test]
fn user_add_gives_a_role_on_one_publication_or_everywhere() {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 1, 12);
    let db = Database::fresh(Backend::Sqlite, root.path()).expect("sqlite");
    db.import(&content);
    let add = |email: &str, extra: &[&str]| {
        let mut args = vec!["user", "add", email, "--role", "editor", "--database", &db.url];
        args.extend_from_slice(extra);
        run(&args)
    };
    let local = add("jo@example.org", &["--publication", "test"]);
    assert!(local.status.success(), "{}", String::from_utf8_lossy(&local.stderr));
    assert!(String::from_utf8_lossy(&local.stdout).starts_with("http://gazette.example/admin/invite/"));
    let wide = add("al@example.org", &[]);
    assert!(wide.status.success(), "{}", String::from_utf8_lossy(&wide.stderr));
    let unknown = add("no@example.org", &["--publication", "nope"]);
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(said.contains("no publication has the slug `nope`") && said.contains("test"), "{said}");

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        use prensa_store::{Newsroom, Store};
        let store = prensa_store::AnyStore::open(&db.url).await.expect("store");
        let publication = store.publications().await.expect("publications").remove(0).id;
        let (jo, _) = store.user_for_login("jo@example.org").await.expect("read").expect("jo");
        assert!(!jo.network_wide);
        assert_eq!(
            store.publication_role(jo.id, publication).await.expect("role"),
            Some(prensa_core::permissions::Role::Editor)
        );
        let (al, _) = store.user_for_login("al@example.org").await.expect("read").expect("al");
        assert!(al.network_wide, "network-wide by default");
        assert!(store.user_for_login("no@example.org").await.expect("read").is_none(), "nothing written");
    });
}

#[test]
fn every_command_explains_itself() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["import", "dir", "--help"],
        &["check", "--help"],
        &["demo", "--help"],
        &["migrate-store", "--help"],
    ] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage:"), "{args:?}: {text}");
    }
    let serve = String::from_utf8_lossy(&run(&["serve", "--help"]).stdout).into_owned();
    assert!(serve.contains("--database") && serve.contains("--bind") && serve.contains("PRENSA_DATABASE"));
}

fn hostile_content_is_escaped_or_sanitized_on_every_page(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let content = root.path().join("content");
    write_site(&content, 2, 12);
    std::fs::write(
        content.join("articles/hostile.md"),
        "+++\ntitle = \"<script>alert('t')</script>\"\nstandfirst = \"\\\"><img src=x onerror=alert('s')>\"\n\
         authors = [\"ana\"]\nsection = \"labor\"\ntags = [\"<b onmouseover=alert('g')>Tag</b>\"]\n\
         date = \"2025-02-01T10:00:00+00:00\"\nstatus = \"published\"\nimage = \"media/dot.png\"\n\
         image_alt = \"\\\" onload=\\\"alert('a')\"\nimage_caption = \"</figcaption><script>alert('c')</script>\"\n+++\n\
         <script>alert('b')</script>\n\n<img src=x onerror=\"alert('b2')\">\n\n[click](javascript:alert('b3'))\n\n\
         <a href=\"jav&#x61;script:alert('b4')\">x</a>\n\n<iframe src=\"//evil.example\"></iframe>\n",
    )
    .expect("write");
    std::fs::write(
        content.join("authors/ana.md"),
        "+++\nname = \"Ana <svg onload=alert('n')>\"\n+++\nBio <script>alert('bio')</script> <a href=\"javascript:alert('bio2')\">me</a>\n",
    )
    .expect("write");
    let Some(server) = import_and_serve(backend, root.path(), &content) else { return };
    for path in ["/hostile/", "/", "/section/labor/", "/author/ana/", "/tag/b-onmouseover-alert-g-tag-b/"] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        let html = r.text().to_ascii_lowercase();
        // Live markup only: the same words may appear as escaped text
        // (`&lt;script&gt;`, `&quot; onload=`), which is harmless.
        for live in [
            "<script>alert",
            "<img src=x",
            "<svg",
            "<iframe",
            "<b onmouseover",
            "\" onload=\"alert",
            "href=\"javascript:",
            "href=\"jav&#x61;script",
            "src=\"javascript:",
        ] {
            assert!(!html.contains(live), "{path} carries live `{live}`:\n{html}");
        }
        assert!(!html.contains("javascript:"), "{path}: no javascript: URL anywhere");
    }
    let article = server.get("/hostile/").text();
    assert!(article.contains("&lt;script&gt;alert("), "headline shown as text");
}

/// Issue 10's routing over real HTTP: two publications imported into one
/// database, one at the root of the host and one under `/de`, served by
/// one process.
fn two_publications_one_under_a_prefix_over_http(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let (en, de) = (root.path().join("en"), root.path().join("de"));
    write_site(&en, 3, 2);
    write_site(&de, 5, 2);
    // The server answers on 127.0.0.1:PORT; a base URL without the port
    // matches that host on any port.
    let toml = |slug: &str, language: &str, base_url: &str| {
        format!("slug = \"{slug}\"\nname = \"Gazette {language}\"\ntagline = \"Tests\"\nlanguage = \"{language}\"\nbase_url = \"{base_url}\"\n\n[settings]\npage_size = 2\n")
    };
    std::fs::write(en.join("publication.toml"), toml("gazette", "en", "http://127.0.0.1")).expect("write");
    std::fs::write(de.join("publication.toml"), toml("gazette-de", "de", "http://127.0.0.1/de")).expect("write");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&en);
    db.import(&de);
    let server = Server::serve_db(db);

    let home = server.get("/de/");
    assert_eq!(home.status, 200);
    let home = home.text();
    assert!(home.contains("<html lang=\"de\"") && home.contains("Gazette de"), "{home}");
    assert!(home.contains("href=\"/de/story-05/\""));
    let en_home = server.get("/").text();
    assert!(en_home.contains("<html lang=\"en\"") && en_home.contains("Gazette en"));

    let p2 = server.get("/de/section/labor/page/2/").text();
    assert!(p2.contains(r#"<link rel="prev" href="http://127.0.0.1/de/section/labor/">"#), "{p2}");
    assert!(p2.contains(r#"href="/de/section/labor/page/3/""#));
    // The index is built in the background after start: found within
    // seconds, "still being built" (503) until then.
    assert!(
        eventually(Duration::from_secs(10), || {
            let found = server.get("/de/search/?q=story");
            found.status == 200 && found.text().contains("href=\"/de/story-0")
        }),
        "the search finds the stories once the index is built"
    );

    // The avatar, linked and served under the prefix.
    let author = server.get("/de/author/ana/").text();
    let at = author.find("src=\"/de/media/").expect("avatar under /de/media/");
    let src = &author[at + 5..];
    let src = &src[..src.find('"').expect("end of src")];
    assert_eq!(server.get(src).status, 200, "{src}");

    let missing = server.get("/de/no-such-story/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<html lang=\"de\""));
    let slash = server.get("/de");
    assert_eq!((slash.status, slash.header("location")), (301, Some("/de/")));
    let canonical = server.get("/de/story-01");
    assert_eq!(canonical.header("location"), Some("/de/story-01/"));
    // story-05 is only in the German publication: not at the root.
    assert_eq!(server.get("/story-05/").status, 404);
    assert_eq!(server.get("/healthz").status, 200);
}
