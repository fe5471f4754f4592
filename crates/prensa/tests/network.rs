//! End-to-end over HTTP: three sister publications (English, German,
//! Spanish) on their own host names, imported in one run in any order or in
//! several runs, linked as translations: hreflang with x-default, "Also
//! in", author bios per language and "Also writes for", "From our sister
//! sites", drafts never linked, and a change in one publication showing on
//! another's cached pages without a restart. On SQLite and PostgreSQL.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

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
            "+++\ntitle = \"Headline {slug}\"\nstandfirst = \"Standfirst {slug}\"\nauthors = [\"ana\"]\nsection = \"labor\"\n\
             date = \"{date}\"\nstatus = \"{status}\"\n{extra}\n+++\nBody of {slug}.\n"
        ),
    );
}

/// `root/en`, `root/de`, `root/es`: the English `chile` translated into
/// German (published) and Spanish (linked through the German one); the
/// English `other` has only a Spanish draft. English shows two articles
/// of its sisters.
fn write_network(root: &Path) {
    for (dir, lang, bio, extra) in [
        ("en", "en", "Ana writes in English.", "[settings]\nfrom_sister_sites = 2\n"),
        ("de", "de", "Ana schreibt auf Deutsch.", ""),
        ("es", "es", "Ana escribe en español.", ""),
    ] {
        let d = root.join(dir);
        w(
            &d,
            "publication.toml",
            &format!(
                "slug = \"pub-{lang}\"\nname = \"Pub {lang}\"\ntagline = \"t\"\nlanguage = \"{lang}\"\nbase_url = \"http://{lang}.example\"\n{extra}"
            ),
        );
        w(&d, "authors/ana.md", &format!("+++\nname = \"Ana\"\n+++\n{bio}\n"));
        w(&d, "sections/labor.toml", "name = \"Labor\"\n");
    }
    article(&root.join("en"), "chile", "2025-01-01T10:00:00+00:00", "published", "");
    article(&root.join("en"), "other", "2025-01-02T10:00:00+00:00", "published", "");
    article(&root.join("de"), "chile-de", "2025-01-03T10:00:00+00:00", "published", "translation_of = \"en:chile\"");
    article(&root.join("es"), "chile-es", "2025-01-04T10:00:00+00:00", "published", "translation_of = \"de:chile-de\"");
    article(&root.join("es"), "other-es", "2025-01-05T10:00:00+00:00", "draft", "translation_of = \"en:other\"");
}

fn import(db: &Database, dirs: &[&Path]) -> std::process::Output {
    let mut args = vec!["import".to_owned(), "dir".to_owned()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(db.args());
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn page(server: &Server, host: &str, path: &str) -> String {
    let r = server.get_with(path, &[("Host", host)]);
    assert_eq!(r.status, 200, "{host}{path}");
    r.text()
}

fn alternate(lang: &str, url: &str) -> String {
    format!(r#"<link rel="alternate" hreflang="{lang}" href="{url}">"#)
}

fn network_pages(backend: Backend) {
    let root = tempfile::tempdir().expect("tempdir");
    write_network(root.path());
    let Some(db) = Database::fresh(backend, root.path()) else { return };
    // Translations before their original, in one run.
    let (en, de, es) = (root.path().join("en"), root.path().join("de"), root.path().join("es"));
    let out = import(&db, &[&es, &de, &en]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = Server::serve_db(db);

    // The original: hreflang for itself and both translations (the Spanish
    // one was linked through the German), x-default itself.
    let html = page(&server, "en.example", "/chile/");
    for (lang, url) in [
        ("en", "http://en.example/chile/"),
        ("de", "http://de.example/chile-de/"),
        ("es", "http://es.example/chile-es/"),
        ("x-default", "http://en.example/chile/"),
    ] {
        assert!(html.contains(&alternate(lang, url)), "{lang} missing:\n{html}");
    }
    let de_name = prensa_render::i18n::locale("de").name().to_owned();
    let de_name = if prensa_render::i18n::locale("de").lang() == "de" { de_name } else { "de".to_owned() };
    let also_in = html.split(r#"<p class="also-in">"#).nth(1).and_then(|s| s.split("</p>").next()).expect("Also in");
    assert!(also_in.starts_with("Also in: "), "{also_in}");
    assert!(
        also_in.contains(&format!(r#"<a href="http://de.example/chile-de/" lang="de" hreflang="de">{de_name}</a>"#)),
        "{also_in}"
    );
    assert!(also_in.contains(r#"href="http://es.example/chile-es/" lang="es" hreflang="es""#), "{also_in}");

    // A translation: x-default is the original, on its own base URL.
    let html = page(&server, "es.example", "/chile-es/");
    assert!(html.contains(&alternate("x-default", "http://en.example/chile/")), "{html}");
    assert!(html.contains(&alternate("es", "http://es.example/chile-es/")), "{html}");
    assert!(html.contains(r#"href="http://de.example/chile-de/" lang="de""#), "{html}");

    // A draft translation is linked from nowhere.
    let html = page(&server, "en.example", "/other/");
    assert!(!html.contains("also-in") && !html.contains("/other-es/"), "{html}");
    assert_eq!(html.matches(r#"<link rel="alternate" hreflang="#).count(), 2, "itself and x-default only:\n{html}");

    // Author box and author page in each publication's language.
    let html = page(&server, "de.example", "/chile-de/");
    assert!(html.contains("Ana schreibt auf Deutsch.") && !html.contains("Ana writes in English."), "{html}");
    let html = page(&server, "de.example", "/author/ana/");
    assert!(html.contains("Ana schreibt auf Deutsch."), "{html}");
    let writes = html
        .split(r#"<p class="also-writes-for">"#)
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .expect("Also writes for");
    assert!(writes.starts_with("Schreibt auch für: "), "{writes}");
    assert!(writes.contains(r#"<a href="http://en.example/author/ana/" hreflang="en">Pub en</a>"#), "{writes}");
    assert!(writes.contains(r#"<a href="http://es.example/author/ana/" hreflang="es">Pub es</a>"#), "{writes}");
    assert!(html.contains(&alternate("en", "http://en.example/author/ana/")), "{html}");
    let html = page(&server, "es.example", "/author/ana/");
    assert!(html.contains("Ana escribe en español."), "{html}");

    // Home and section pages name their counterparts.
    let html = page(&server, "en.example", "/");
    assert!(
        html.contains(&alternate("de", "http://de.example/")) && html.contains(&alternate("es", "http://es.example/")),
        "{html}"
    );
    assert!(html.contains(&alternate("x-default", "http://en.example/")), "{html}");
    let html = page(&server, "de.example", "/section/labor/");
    assert!(html.contains(&alternate("en", "http://en.example/section/labor/")), "{html}");

    // From our sister sites: on English pages only (the others leave it
    // off), the sisters' two latest, each card in its own language.
    for path in ["/", "/chile/"] {
        let html = page(&server, "en.example", path);
        let block = html
            .split(r#"<section class="sister-sites">"#)
            .nth(1)
            .and_then(|s| s.split("</section>").next())
            .expect("sister block");
        assert!(block.contains("<h2>From our sister sites</h2>"), "{block}");
        assert_eq!(block.matches(r#"<article class="card""#).count(), 2, "{block}");
        assert!(block.contains(r#"<article class="card" lang="es">"#), "{block}");
        assert!(
            block.contains(r#"<a href="http://es.example/chile-es/" hreflang="es">Headline chile-es</a>"#),
            "{block}"
        );
        assert!(block.contains(r#"<article class="card" lang="de">"#), "{block}");
        assert!(block.contains(&format!(r#"<span class="language">{de_name}</span>"#)), "{block}");
        assert!(!block.contains("other-es"), "no drafts: {block}");
    }
    assert!(!page(&server, "de.example", "/").contains("sister-sites"));

    // A change in the Spanish publication shows on English pages already
    // cached, without a restart: publishing the draft translation.
    let cached = page(&server, "en.example", "/other/");
    assert!(!cached.contains("also-in"));
    article(&es, "other-es", "2025-01-05T10:00:00+00:00", "published", "translation_of = \"en:other\"");
    let out = import(server.database(), &[&es]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        eventually(Duration::from_secs(10), || page(&server, "en.example", "/other/")
            .contains(r#"href="http://es.example/other-es/" lang="es""#)),
        "the English page should link to the newly published translation"
    );
    assert!(
        eventually(Duration::from_secs(10), || page(&server, "en.example", "/").contains("Headline other-es")),
        "sister block"
    );
}

#[test]
fn network_pages_sqlite() {
    network_pages(Backend::Sqlite);
}

#[test]
fn network_pages_postgres() {
    network_pages(Backend::Postgres);
}

#[test]
fn sisters_imported_in_separate_runs_link_and_bad_links_write_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    write_network(root.path());
    let db = Database::fresh(Backend::Sqlite, root.path()).expect("sqlite");
    let (en, de, es) = (root.path().join("en"), root.path().join("de"), root.path().join("es"));
    for dir in [&en, &de, &es] {
        let out = import(&db, &[dir]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Removing the key and importing again unlinks.
    article(&de, "chile-de", "2025-01-03T10:00:00+00:00", "published", "");
    // A link the database cannot resolve: reported at its line, nothing written.
    article(&de, "new-de", "2025-01-06T10:00:00+00:00", "published", "translation_of = \"fr:chili\"");
    let out = import(&db, &[&de]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}:8: `translation_of` names `fr:chili`, but no publication is in `fr`",
            de.join("articles/new-de.md").display()
        )),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    // `check` cannot know about the database: it says the link was not checked.
    let out = run(&["check", de.to_str().expect("utf-8")]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("not checked: `fr:chili`"));
    // `check` of several directories finds a broken link between them.
    article(&de, "new-de", "2025-01-06T10:00:00+00:00", "published", "translation_of = \"en:nope\"");
    let out = run(&["check", en.to_str().expect("utf-8"), de.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(&format!("{}:8: `translation_of` names `en:nope`", de.join("articles/new-de.md").display())));
    std::fs::remove_file(de.join("articles/new-de.md")).expect("rm");

    let server = Server::serve(&root.path().join("site.db"));
    let html = page(&server, "en.example", "/chile/");
    assert!(
        html.contains(&alternate("de", "http://de.example/chile-de/")) && !html.contains("/new-de/"),
        "the failed run wrote nothing:\n{html}"
    );
    let out = import(&db, &[&de]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        eventually(Duration::from_secs(10), || !page(&server, "en.example", "/chile/")
            .contains(&alternate("de", "http://de.example/chile-de/"))),
        "unlinked"
    );
    // The Spanish translation was linked through the German one: it stays
    // a translation of the English original.
    assert!(page(&server, "en.example", "/chile/").contains(&alternate("es", "http://es.example/chile-es/")));
}
