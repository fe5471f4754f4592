//! End-to-end: `prensa import wordpress` with the real binary on SQLite and
//! PostgreSQL. A dry run writes nothing; the import creates the site, its
//! German sister gets the Polylang translation; pages render with their
//! figures and embeds; the old WordPress addresses answer 301 to the new
//! pages; a second run updates (an edited title shows) instead of
//! duplicating; hostile and truncated files are refused quickly with
//! nothing written.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

on_every_backend!(blocking:
    a_wordpress_site_moves_in_and_its_old_urls_keep_working,
    hostile_exports_write_nothing,
    a_hand_written_article_keeps_its_slug,
    a_sister_under_a_prefix_answers_its_short_links
);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../prensa-import/tests/fixtures/wordpress")
}

fn wordpress(db: &Database, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import".to_owned(), "wordpress".to_owned(), file.display().to_string()];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.extend(db.args());
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The German sister publication Polylang's items go to, as a content
/// directory, on a host of its own.
fn german_sister(root: &Path) -> PathBuf {
    german_sister_at(root, "https://de.harbour.example")
}

fn german_sister_at(root: &Path, base_url: &str) -> PathBuf {
    let dir = root.join("de");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("publication.toml"),
        format!(
            "slug = \"hafen\"\nname = \"Hafennotizen\"\ntagline = \"Aus dem alten Hafen\"\nlanguage = \"de\"\nbase_url = \"{base_url}\"\n"
        ),
    )
    .expect("write");
    dir
}

fn get_on(server: &Server, host: &str, path: &str) -> Response {
    server.get_with(path, &[("host", host)])
}

fn a_wordpress_site_moves_in_and_its_old_urls_keep_working(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&german_sister(root.path()));
    let site = fixtures().join("site.xml");
    let uploads = fixtures().join("uploads");
    let uploads = uploads.to_str().expect("utf-8");

    let dry = wordpress(&db, &site, &["--media", uploads, "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let report = stdout(&dry);
    assert!(report.contains("Would import harbour-notes from wordpress: 8 articles (8 new, 0 updated)"), "{report}");
    assert!(report.contains("Would import hafen from wordpress: 1 articles (1 new, 0 updated)"), "{report}");
    assert!(report.contains("Dry run: nothing was written."), "{report}");

    let first = wordpress(&db, &site, &["--media", uploads]);
    assert!(first.status.success(), "{}", stderr(&first));
    let report = stdout(&first);
    // The dry run wrote nothing: everything is new now.
    assert!(
        report.contains("Imported harbour-notes from wordpress: 8 articles (8 new, 0 updated), 2 authors, 5 sections"),
        "{report}"
    );
    assert!(report.contains("Linked 1 translation links."), "{report}");
    assert!(report.contains("https://harbour.example/wp-content/uploads/2019/09/lost.jpg"), "{report}");
    assert!(report.contains("[contact-form-7] ×1") && report.contains("block:jetpack/map ×1"), "{report}");
    assert!(report.contains("post 27: status trash"), "{report}");

    // The same export again updates; an edited title shows.
    let edited = root.path().join("edited.xml");
    let text = std::fs::read_to_string(&site).expect("read").replace(
        "<title><![CDATA[The strike begins]]></title>",
        "<title><![CDATA[The strike begins at dawn]]></title>",
    );
    std::fs::write(&edited, text).expect("write");
    let second = wordpress(&db, &edited, &["--media", uploads]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stdout(&second).contains("8 articles (0 new, 8 updated)"), "{}", stdout(&second));

    let server = Server::serve_db(db);
    let en = "harbour.example";
    let page = get_on(&server, en, "/the-strike-begins/");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("The strike begins at dawn"), "updated title");
    assert!(html.contains("<figure") && html.contains("The square at dawn."), "{html}");
    assert!(html.contains("/media/") && html.contains("A crowd fills the harbour square"), "{html}");
    assert!(html.contains("class=\"credit\""), "the caption's credit: {html}");
    assert!(html.contains("embed") && html.contains("youtube"), "the embed card: {html}");
    assert!(html.contains("[contact-form-7"), "the unknown shortcode stays visible");
    assert!(html.contains("hreflang=\"de\""), "linked to its translation: {html}");

    let festival = get_on(&server, en, "/festival-on-the-water/").text();
    assert!(festival.contains("class=\"gallery\"") || festival.contains("gallery"), "{festival}");
    assert!(festival.contains("vimeo"), "{festival}");

    // Drafts, pending, private, password-protected and scheduled posts stay out of sight.
    for slug in ["notes-for-a-later-piece", "waiting-for-review", "staff-only", "members-gallery", "the-port-in-2099"] {
        assert_eq!(get_on(&server, en, &format!("/{slug}/")).status, 404, "{slug}");
    }
    assert_eq!(get_on(&server, en, "/about/").status, 200);

    // Old addresses: permanent redirects to the new pages.
    for (old, new) in [
        ("/2019/09/11/the-strike-begins/", "/the-strike-begins/"),
        ("/2019/09/the-strike-begins/", "/the-strike-begins/"),
        ("/?p=20", "/the-strike-begins/"),
        ("/?p=20&utm_source=mastodon", "/the-strike-begins/"),
        ("/?page_id=30", "/about/"),
        ("/2019/10/01/festival-on-the-water/", "/festival-on-the-water/"),
        ("/category/news/labour/", "/section/labour/"),
        ("/category/culture/", "/section/culture/"),
    ] {
        let r = get_on(&server, en, old);
        assert_eq!(r.status, 301, "{old}");
        assert_eq!(r.header("location"), Some(new), "{old}");
    }
    // Addresses no import brought: the home page, and a 404.
    assert_eq!(get_on(&server, en, "/?p=22").status, 200, "a draft's old address is just the home page");
    assert_eq!(get_on(&server, en, "/2019/09/11/no-such-post/").status, 404);
    assert_eq!(get_on(&server, en, "/category/nothing/").status, 404);

    // The German sister: its article, and its old address.
    let de = "de.harbour.example";
    assert_eq!(get_on(&server, de, "/der-streik-beginnt/").status, 200);
    let r = get_on(&server, de, "/de/2019/09/11/der-streik-beginnt/");
    assert_eq!((r.status, r.header("location")), (301, Some("/der-streik-beginnt/")));
}

/// Polylang in directory mode: the German sister under `/de` of the old
/// site's own host. WordPress answered every post's `/?p=N` at the host's
/// root, whatever its language, so the root publication's home page passes
/// a German post's short link on to the sister; its dated permalink is
/// under `/de` already.
fn a_sister_under_a_prefix_answers_its_short_links(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import(&german_sister_at(root.path(), "https://harbour.example/de"));
    let out = wordpress(&db, &fixtures().join("site.xml"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::serve_db(db);
    let host = "harbour.example";
    for (old, new) in [
        ("/?p=25", "/de/der-streik-beginnt/"),
        ("/de/2019/09/11/der-streik-beginnt/", "/de/der-streik-beginnt/"),
        ("/?p=20", "/the-strike-begins/"),
    ] {
        let r = get_on(&server, host, old);
        assert_eq!((r.status, r.header("location")), (301, Some(new)), "{old}");
    }
    assert_eq!(get_on(&server, host, "/de/der-streik-beginnt/").status, 200);
    // An id no publication of the host imported: the home page, as before.
    assert_eq!(get_on(&server, host, "/?p=99999").status, 200);
    assert_eq!(get_on(&server, host, "/?p=22").status, 200, "a draft's short link");
}

/// The publication the export describes, already written here by hand, with
/// its own article at the slug WordPress's "The strike begins" has.
fn harbour_by_hand(root: &Path) -> PathBuf {
    let dir = root.join("en");
    for sub in ["articles", "authors", "sections"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    let files = [
        (
            "publication.toml",
            "slug = \"harbour-notes\"\nname = \"Harbour Notes\"\ntagline = \"Written here\"\nlanguage = \"en\"\nbase_url = \"https://harbour.example\"\n",
        ),
        ("authors/desk.md", "+++\nname = \"The Desk\"\n+++\n"),
        ("sections/local.toml", "name = \"Local\"\n"),
        (
            "articles/the-strike-begins.md",
            "+++\ntitle = \"Our own account of the strike\"\nstandfirst = \"Written here first.\"\nauthors = [\"desk\"]\nsection = \"local\"\ndate = \"2024-05-01T08:00:00+00:00\"\nstatus = \"published\"\n+++\nWritten in Prensa before the archive moved in.\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    dir
}

fn a_hand_written_article_keeps_its_slug(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    db.import_all(&[harbour_by_hand(root.path()), german_sister(root.path())]);
    let site = fixtures().join("site.xml");

    for _ in 0..2 {
        // Twice: a re-run updates the imported article where the first run put it.
        let out = wordpress(&db, &site, &["--publication", "harbour-notes"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let server = Server::serve_db(db);
    let en = "harbour.example";
    let own = get_on(&server, en, "/the-strike-begins/");
    assert_eq!(own.status, 200);
    assert!(own.text().contains("Our own account of the strike"), "the hand-written article is untouched");
    let imported = get_on(&server, en, "/the-strike-begins-2/");
    assert_eq!(imported.status, 200);
    assert!(imported.text().contains("The strike begins"), "the import took the next free slug");
    assert_eq!(get_on(&server, en, "/the-strike-begins-3/").status, 404, "the re-run made no copy");
    // Its old addresses lead to it, not to the article that was here first.
    for old in ["/?p=20", "/2019/09/11/the-strike-begins/"] {
        let r = get_on(&server, en, old);
        assert_eq!((r.status, r.header("location")), (301, Some("/the-strike-begins-2/")), "{old}");
    }
}

fn hostile_exports_write_nothing(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    for (file, expect) in [
        ("billion_laughs.xml", "DOCTYPE"),
        ("xxe.xml", "DOCTYPE"),
        ("undeclared_entity.xml", "is not defined"),
        ("truncated.xml", "truncated"),
        ("deeply_nested.xml", "nested deeper"),
    ] {
        let started = Instant::now();
        let out = wordpress(&db, &fixtures().join(file), &[]);
        let took = started.elapsed();
        assert!(!out.status.success(), "{file}: {}", stdout(&out));
        assert!(
            stderr(&out).contains(expect) && stderr(&out).contains("nothing was written"),
            "{file}: {}",
            stderr(&out)
        );
        assert!(took < Duration::from_secs(2), "{file} took {took:?}");
    }
    // Nothing was written: the real site still imports as new.
    let out = wordpress(&db, &fixtures().join("site.xml"), &["--dry-run"]);
    // No German sister here: Polylang's `de` items need one, so the run stops.
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Polylang language `de`"), "{}", stderr(&out));
    db.import(&german_sister(root.path()));
    let out = wordpress(&db, &fixtures().join("site.xml"), &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("8 articles (8 new, 0 updated)"), "{}", stdout(&out));
}
