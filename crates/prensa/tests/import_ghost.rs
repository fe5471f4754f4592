//! End-to-end: `prensa import ghost` with the real binary on SQLite and on
//! PostgreSQL, from the fixtures of `crates/prensa-import/tests/fixtures/ghost`:
//! a dry run writes nothing; the import serves its articles (byline order,
//! figures, hero alt text); a re-run with an edited export updates the same
//! articles, even one whose Ghost slug changed; hostile exports are refused
//! with nothing written; script in a post's HTML never reaches a page.
//! The PostgreSQL half needs `PRENSA_TEST_POSTGRES_URL` (and fails without
//! it when `PRENSA_TEST_REQUIRE` names `postgres`).

mod common;

use std::path::{Path, PathBuf};

use common::*;

const HOST: &str = "puerto.example";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../prensa-import/tests/fixtures/ghost")
}

fn said(out: &std::process::Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn import(db: &Database, file: &Path, extra: &[&str]) -> std::process::Output {
    let media = fixtures().join("content/images");
    let mut args = vec![
        "import".to_owned(),
        "ghost".to_owned(),
        file.display().to_string(),
        "--media".to_owned(),
        media.display().to_string(),
        "--base-url".to_owned(),
        format!("http://{HOST}"),
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args.extend(db.args());
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn page(server: &Server, path: &str) -> String {
    let r = server.get_with(path, &[("Host", HOST)]);
    assert_eq!(r.status, 200, "{path}");
    r.text()
}

fn ghost_import(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    let site = fixtures().join("site.json");

    // Dry run: the report, and nothing written (not even the SQLite file).
    let out = import(&db, &site, &["--dry-run"]);
    assert!(out.status.success(), "{}", said(&out));
    let text = said(&out);
    assert!(text.contains("Would import el-puerto from ghost: 8 articles (8 new, 0 updated), 2 authors"), "{text}");
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    if backend == Backend::Sqlite {
        assert!(!root.path().join("site.db").exists(), "a dry run created the database");
    }

    let out = import(&db, &site, &[]);
    assert!(out.status.success(), "{}", said(&out));
    let text = said(&out);
    // 8 new after the dry run: it wrote nothing.
    assert!(text.contains("Imported el-puerto from ghost: 8 articles (8 new, 0 updated), 2 authors, 5 sections, 4 tags, 2 media files, 1 old addresses"), "{text}");
    assert!(text.contains("missing.jpg") && text.contains("lexical callout card ×1"), "{text}");

    // Hostile exports: refused with line and column, nothing written.
    for name in ["truncated.json", "wrong-types.json", "deep.json"] {
        let out = import(&db, &fixtures().join(name), &["--publication", "el-puerto"]);
        assert!(!out.status.success(), "{name}: {}", said(&out));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(err.contains(" line ") && err.contains("nothing was written"), "{name}: {err}");
    }

    // A re-run of an edited export: an edited title, a renamed Ghost slug.
    let edited = std::fs::read_to_string(&site)
        .expect("read")
        .replace("\"title\": \"Council votes on the budget\"", "\"title\": \"Council passes the budget\"")
        .replace("\"slug\": \"night-markets\"", "\"slug\": \"night-markets-are-back\"");
    let edited_path = root.path().join("edited.json");
    std::fs::write(&edited_path, edited).expect("write");
    let out = import(&db, &edited_path, &[]);
    assert!(out.status.success(), "{}", said(&out));
    let text = said(&out);
    assert!(
        text.contains("8 articles (0 new, 8 updated), 2 authors, 5 sections, 4 tags, 2 media files, 2 old addresses"),
        "{text}"
    );

    let server = Server::serve_db(db);
    let budget = page(&server, "/council-votes-budget/");
    assert!(budget.contains("Council passes the budget"), "{budget}");
    assert!(!budget.contains("Council votes on the budget"), "the old title stayed");
    // Byline in posts_authors order.
    let tomas = budget.find("Tomás Elgueta").expect("first author");
    let marta = budget.find("Marta Quiroga").expect("second author");
    assert!(tomas < marta, "byline order");
    // Hero with Ghost's alt text; a kg-image-card as a figure with caption and credit.
    assert!(budget.contains("alt=\"Crowd outside city hall\""), "{budget}");
    assert!(budget.contains("<figcaption>Protesters gathered early."), "{budget}");
    assert!(budget.contains("class=\"credit\">Photo: Ana Ruiz"), "{budget}");
    assert!(budget.contains("<figure class=\"gallery\""), "{budget}");
    assert!(budget.contains("/media/"), "{budget}");
    // The embed card (YouTube) and the bookmark link.
    assert!(budget.contains("figure class=\"embed"), "{budget}");
    assert!(budget.contains("href=\"https://budget.example.org/2024\""), "{budget}");
    // The renamed post is the same article, under the slug it was given.
    let markets = page(&server, "/night-markets/");
    assert!(markets.contains("night markets"), "{markets}");
    // Ghost's new slug is an old address of it (recorded, "2 old addresses"
    // above): 404 until prensa-web serves old addresses, then a 301 to it.
    let renamed = server.get_with("/night-markets-are-back/", &[("Host", HOST)]);
    assert!(
        renamed.status == 404
            || (renamed.status == 301 && renamed.header("location").is_some_and(|l| l.ends_with("/night-markets/"))),
        "{} {:?}",
        renamed.status,
        renamed.headers
    );
    // Mobiledoc fallback, section from the primary tag, tag pages as in Ghost.
    let archive = page(&server, "/from-the-archive/");
    assert!(archive.contains("<em>1999</em>") && archive.contains("The <strong>original</strong> notes"), "{archive}");
    let section = page(&server, "/section/city-hall/");
    assert!(section.contains("Council passes the budget"), "{section}");
    let tag = page(&server, "/tag/politics/");
    assert!(tag.contains("Council passes the budget") && tag.contains("From the 1999 archive"), "{tag}");
    let author = page(&server, "/author/marta/");
    assert!(author.contains("Covers city hall since 2015."), "{author}");
    // Drafts, members-only and emailed posts are not public.
    for draft in ["/draft-in-progress/", "/members-ledger/", "/newsletter-only/", "/election-night-plans/"] {
        assert_eq!(server.get_with(draft, &[("Host", HOST)]).status, 404, "{draft}");
    }
}

#[test]
fn ghost_import_sqlite() {
    ghost_import(Backend::Sqlite);
}

#[test]
fn ghost_import_postgres() {
    ghost_import(Backend::Postgres);
}

#[test]
fn script_in_ghost_html_never_reaches_a_page() {
    let root = tempfile::tempdir().expect("tempdir");
    let db = Database::fresh(Backend::Sqlite, root.path()).expect("sqlite");
    let out = import(&db, &fixtures().join("script.json"), &["--publication", "hostile"]);
    assert!(out.status.success(), "{}", said(&out));
    let server = Server::serve_db(db);
    let html = page(&server, "/hello/");
    assert!(html.contains("Hello"), "{html}");
    // The body's script, handler and javascript: links are gone; titles,
    // excerpts and names are text, escaped where they are shown.
    for bad in ["alert(\"owned\")", " onerror=\"", "<img src=x onerror", "javascript:", "<script>alert", "<b>Eve</b>"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<h1 class=\"headline\">Hi &lt;script&gt;alert(5)&lt;/script&gt;</h1>"), "{html}");
}
