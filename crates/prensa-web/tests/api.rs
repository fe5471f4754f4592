//! The Content API over HTTP (a real listener, a blocking HTTP client), on
//! SQLite and on PostgreSQL: a network of an English publication at the
//! root and a German one under `/de`, with a translation between them,
//! drafts, a scheduled article and hostile text. Every endpoint, the
//! filters, a cursor walk over the whole list, `fields` and `include`,
//! every error code, keys missing, unknown and revoked (through the
//! store, refused after the watcher's poll), CORS, ETag/304, purging on
//! publish, and what must never show.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prensa_core::permissions::Role;
use prensa_core::{
    ArticleDraft, Id, ImportSet, MediaAsset, NetworkImport, NewArticle, NewAuthor, NewHeroImage, NewPublication,
    NewSection, NewTranslation, NewUser, PublicationSettings, SaveOutcome, SocialLinks, Status, Transition,
};
use prensa_store::{AnyStore, ApiKeys, Newsroom, Store};
use prensa_test_support::{on_every_backend, web, TestDb};
use prensa_web::{AppState, ServerSettings};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

const IMAGE: &str = "00000000000000aa.png";
/// Articles the English publication has published (besides the hostile
/// one): enough for several pages.
const PUBLISHED: usize = 25;
const HOSTILE: &str = "Quotes \" and \\ backslashes </script><b>&amp; \u{2028} \u{7}bell — ünïcödé 🦀";

fn at(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test date")
}

fn article(slug: &str, headline: &str, section: &str, when: &str) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: headline.into(),
        standfirst: format!("Standfirst of {slug}"),
        body: format!("Body of {slug}, see [the section](/section/{section}/) and [below](#end).\n\nEnd."),
        toc: false,
        authors: vec!["ana".into()],
        section: section.into(),
        tags: vec!["Ports".into()],
        image: None,
        status: Status::Published,
        published_at: at(when),
        updated_at: None,
        translation_group: None,
    }
}

fn publication(slug: &str, name: &str, language: &str, base_url: &str) -> NewPublication {
    NewPublication {
        slug: slug.into(),
        name: name.into(),
        tagline: format!("{name} tagline"),
        language: language.into(),
        base_url: base_url.into(),
        timezone: "Europe/Berlin".into(),
        social: SocialLinks::default(),
        settings: PublicationSettings::default(),
        api_cors_origins: vec!["https://app.example".into()],
    }
}

fn author(slug: &str, name: &str) -> NewAuthor {
    NewAuthor {
        slug: slug.into(),
        name: name.into(),
        bio: format!("{name} writes. [More](/about/)."),
        avatar: None,
        social: SocialLinks::default(),
    }
}

/// The English publication: 25 published articles over two sections (two
/// of them at the same second, so the cursor's id tie-break matters), a
/// hostile headline, a draft and an article scheduled far ahead; and a
/// German one with a translation of `a-01`.
fn network(base: &str) -> NetworkImport {
    let mut en_articles: Vec<NewArticle> = (1..=PUBLISHED)
        .map(|n| {
            let section = if n % 2 == 0 { "culture" } else { "labor" };
            // a-24 and a-25 share their second.
            let minute = n.min(24);
            article(
                &format!("a-{n:02}"),
                &format!("Article {n}"),
                section,
                &format!("2026-01-01T10:{minute:02}:00+01:00"),
            )
        })
        .collect();
    en_articles[0].image =
        Some(NewHeroImage { key: IMAGE.into(), alt: "Cranes at dusk".into(), caption: Some("Photo".into()) });
    en_articles[1].authors = vec!["ana".into(), "bo".into()];
    en_articles[1].tags = vec!["Wages".into(), "Ports".into()];
    let mut hostile = article("hostile", HOSTILE, "labor", "2025-12-01T09:00:00-05:00");
    hostile.standfirst = "<script>alert(1)</script>".into();
    hostile.body = "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))".into();
    en_articles.push(hostile);
    let mut draft = article("draft-secret", "Draft secret", "labor", "2025-01-01T10:00:00Z");
    draft.status = Status::Draft;
    en_articles.push(draft);
    en_articles.push(article("scheduled-secret", "Scheduled secret", "labor", "2099-01-01T10:00:00Z"));
    let en = ImportSet {
        publication: publication("meridian", "The Meridian", "en", base),
        media: vec![MediaAsset {
            key: IMAGE.into(),
            content_type: "image/png".into(),
            width: 640,
            height: 360,
            bytes: 10,
        }],
        authors: vec![author("ana", "Ana Ruiz"), author("bo", "Bo Lind")],
        sections: vec![
            NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() },
            NewSection { slug: "culture".into(), name: "Culture".into(), description: String::new() },
        ],
        articles: en_articles,
    };
    let de = ImportSet {
        publication: publication("meridian-de", "Der Meridian", "de", &format!("{base}/de")),
        media: vec![],
        authors: vec![author("ana", "Ana Ruiz")],
        sections: vec![NewSection { slug: "arbeit".into(), name: "Arbeit".into(), description: String::new() }],
        articles: vec![article("bericht", "Bericht", "arbeit", "2026-01-02T10:00:00+01:00")],
    };
    NetworkImport {
        sets: vec![en, de],
        translations: vec![NewTranslation {
            publication: "meridian-de".into(),
            article: "bericht".into(),
            original_language: "en".into(),
            original_slug: "a-01".into(),
            source: "test".into(),
        }],
    }
}

struct Api {
    base: String,
    state: Arc<AppState<AnyStore>>,
    key: String,
    en: Id,
    de: Id,
    _media: tempfile::TempDir,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    text: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The error code of an error answer.
    fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").to_owned()
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// One request over the socket, on the blocking pool.
async fn send(method: &'static str, url: String, headers: Vec<(String, String)>) -> Res<Reply> {
    tokio::task::spawn_blocking(move || -> Result<Reply, String> {
        let mut b = ureq::http::Request::builder().method(method).uri(&url);
        for (k, v) in &headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let req = b.body(()).map_err(|e| e.to_string())?;
        let mut resp = agent().run(req).map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let headers =
            resp.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
        let mut body = Vec::new();
        resp.body_mut().as_reader().read_to_end(&mut body).map_err(|e| e.to_string())?;
        Ok(Reply { status, headers, text: String::from_utf8_lossy(&body).into_owned() })
    })
    .await?
    .map_err(Into::into)
}

impl Api {
    async fn start(backend: &TestDb) -> Res<Api> {
        let store = backend.store().await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        store.apply_network(&network(&base), false).await?;
        let (state, router, media) = web::serve(store).await?;
        state.sync_changes().await;
        prensa_web::spawn_watcher(&state);
        tokio::spawn(prensa_web::serve_until(listener, router, std::future::pending(), ServerSettings::default()));
        let pubs = state.store.publications().await?;
        let id = |slug: &str| pubs.iter().find(|p| p.slug == slug).map(|p| p.id).ok_or("no publication");
        let (en, de) = (id("meridian")?, id("meridian-de")?);
        let key = new_key(&state, en, "tests").await?;
        Ok(Api { base, state, key, en, de, _media: media })
    }

    /// GET `path` with the key as a bearer token.
    async fn get(&self, path: &str) -> Res<Reply> {
        self.get_with(path, &[("authorization", &format!("Bearer {}", self.key))]).await
    }

    async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Res<Reply> {
        self.request("GET", path, headers).await
    }

    async fn request(&self, method: &'static str, path: &str, headers: &[(&str, &str)]) -> Res<Reply> {
        let headers = headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        send(method, format!("{}{path}", self.base), headers).await
    }

    /// The `data` of a successful GET.
    async fn data(&self, path: &str) -> Res<Value> {
        let r = self.get(path).await?;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_eq!(r.header("content-type"), Some("application/json"), "{path}");
        Ok(r.json()["data"].clone())
    }

    /// Walks `path` (a list with a query) page by page; the slugs in order.
    async fn walk(&self, path: &str, from: Option<String>) -> Res<Vec<String>> {
        let mut slugs = Vec::new();
        let mut cursor = from;
        for _ in 0..100 {
            let url = match &cursor {
                Some(c) => format!("{path}&cursor={c}"),
                None => path.to_owned(),
            };
            let r = self.get(&url).await?;
            assert_eq!(r.status, 200, "{url}: {}", r.text);
            let v = r.json();
            slugs.extend(
                v["data"].as_array().into_iter().flatten().filter_map(|a| a["slug"].as_str().map(str::to_owned)),
            );
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return Ok(slugs),
            }
        }
        Err("the walk did not end".into())
    }
}

/// A new key of `publication`, made through the store as `prensa key add`
/// does; the ring reloads it at once (the writer applies its own change).
async fn new_key(state: &AppState<AnyStore>, publication: Id, name: &str) -> Res<String> {
    let key = prensa_auth::new_api_key();
    state.store.create_api_key(publication, name, &key.digest, &key.prefix, None, Utc::now()).await?;
    state.sync_changes().await;
    Ok(key.key)
}

fn slugs(data: &Value) -> Vec<String> {
    data.as_array().into_iter().flatten().filter_map(|a| a["slug"].as_str().map(str::to_owned)).collect()
}

async fn every_endpoint_answers(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let base = api.base.clone();

    // The list: newest first, 20 by default, the hostile one last.
    let r = api.get("/api/content/v1/articles/").await?;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let list = slugs(&v["data"]);
    assert_eq!(list.len(), 20);
    assert_eq!(list[0], "a-25", "same second: the higher id first");
    assert_eq!(list[1], "a-24");
    assert!(v["next_cursor"].is_string());
    assert!(v["data"][0].get("body_html").is_none(), "lists leave the body out by default");
    assert_eq!(r.header("cache-control"), Some("private, max-age=60"));
    assert!(r.header("etag").is_some());

    // One article, complete.
    let a = api.data("/api/content/v1/articles/a-01/").await?;
    assert_eq!(a["url"], format!("{base}/a-01/"));
    assert_eq!(a["language"], "en");
    assert_eq!(a["headline"], "Article 1");
    assert_eq!(a["published_at"], "2026-01-01T10:01:00+01:00", "RFC 3339 with the offset written");
    assert_eq!(a["section"], "labor");
    assert_eq!(a["authors"], serde_json::json!(["ana"]));
    assert_eq!(a["tags"], serde_json::json!(["ports"]));
    assert_eq!(a["image"]["url"], format!("{base}/media/{IMAGE}"));
    assert_eq!((a["image"]["width"].as_u64(), a["image"]["height"].as_u64()), (Some(640), Some(360)));
    assert_eq!(a["image"]["alt"], "Cranes at dusk");
    assert_eq!(a["reading_time_minutes"], 1);
    let body = a["body_html"].as_str().ok_or("body_html")?;
    assert!(body.contains(&format!("href=\"{base}/section/labor/\"")), "{body}");
    assert!(body.contains(&format!("href=\"{base}/a-01/#end\"")), "{body}");
    assert_eq!(
        a["translations"],
        serde_json::json!([{ "language": "de", "url": format!("{base}/de/bericht/"), "publication": "meridian-de", "original": false }])
    );

    let authors = api.data("/api/content/v1/authors/").await?;
    assert_eq!(slugs(&authors), ["ana", "bo"]);
    assert_eq!(authors[0]["url"], format!("{base}/author/ana/"));
    assert!(authors[0]["bio_html"].as_str().is_some_and(|b| b.contains(&format!("{base}/about/"))), "{authors}");
    let sections = api.data("/api/content/v1/sections/").await?;
    assert_eq!(slugs(&sections), ["labor", "culture"]);
    assert_eq!(sections[0]["url"], format!("{base}/section/labor/"));
    let tags = api.data("/api/content/v1/tags/").await?;
    assert_eq!(slugs(&tags), ["ports", "wages"]);
    assert_eq!(tags[0]["article_count"], PUBLISHED as u64 + 1, "published ones only: {tags}");
    let pubs = api.data("/api/content/v1/publications/").await?;
    assert_eq!(slugs(&pubs), ["meridian", "meridian-de"]);
    assert_eq!(pubs[1]["base_url"], format!("{base}/de/"));
    assert_eq!(pubs[1]["api_url"], format!("{base}/de/api/content/v1/"));
    assert_eq!(pubs[1]["language"], "de");

    let r = api.get("/api/content/v1/search/?q=Article+7").await?;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["data"][0]["slug"], "a-07", "{v}");
    assert_eq!(v["data"][0]["url"], format!("{base}/a-07/"));
    assert!(r.header("etag").is_none(), "search is not cached");
    let none = api.data("/api/content/v1/search/?q=secret").await?;
    assert_eq!(none, serde_json::json!([]), "drafts and scheduled articles are not found");

    // Under the German publication's prefix: its own articles, links under
    // its prefix; the English key is not the German publication's.
    let r = api.get("/de/api/content/v1/articles/").await?;
    assert_eq!((r.status, r.code()), (401, "invalid_key".to_owned()));
    let de_key = new_key(&api.state, api.de, "de").await?;
    let r = api.get_with("/de/api/content/v1/articles/", &[("authorization", &format!("Bearer {de_key}"))]).await?;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(slugs(&v["data"]), ["bericht"]);
    assert_eq!(v["data"][0]["url"], format!("{base}/de/bericht/"));
    assert_eq!(v["data"][0]["translations"][0]["url"], format!("{base}/a-01/"));
    assert_eq!(v["data"][0]["translations"][0]["original"], true);

    // The description needs no key and names the publication's API root.
    for (path, root) in [
        ("/api/content/v1/openapi.json", format!("{base}/api/content/v1")),
        ("/de/api/content/v1/openapi.json", format!("{base}/de/api/content/v1")),
    ] {
        let r = api.get_with(path, &[]).await?;
        assert_eq!(r.status, 200, "{path}");
        let doc = r.json();
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
        assert_eq!(doc["servers"][0]["url"], root);
    }
    Ok(())
}

async fn filters_and_cursors(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let all = slugs(&api.data("/api/content/v1/articles/?limit=100").await?);
    assert_eq!(all.len(), PUBLISHED + 1);
    assert!(!all.iter().any(|s| s.contains("secret")), "{all:?}");

    // Walking in pages of 3 gives the whole list once, in order; so does
    // a walk with an article published between its pages.
    assert_eq!(api.walk("/api/content/v1/articles/?limit=3", None).await?, all);
    let first = api.get("/api/content/v1/articles/?limit=3").await?.json();
    let cursor = first["next_cursor"].as_str().ok_or("cursor")?.to_owned();
    publish(&api, "brand-new", "labor", "ana").await?;
    let rest = api.walk("/api/content/v1/articles/?limit=4", Some(cursor)).await?;
    let mut seen: Vec<String> = slugs(&first["data"]);
    seen.extend(rest);
    assert_eq!(seen, all, "an insert neither repeats nor skips an article");
    let now_all = slugs(&api.data("/api/content/v1/articles/?limit=100").await?);
    assert_eq!(now_all[0], "brand-new");

    let labor = slugs(&api.data("/api/content/v1/articles/?section=labor&limit=100").await?);
    assert!(labor.contains(&"a-01".to_owned()) && !labor.contains(&"a-02".to_owned()), "{labor:?}");
    assert_eq!(slugs(&api.data("/api/content/v1/articles/?tag=wages").await?), ["a-02"]);
    assert_eq!(slugs(&api.data("/api/content/v1/articles/?author=bo").await?), ["a-02"]);
    assert_eq!(api.data("/api/content/v1/articles/?section=nope").await?, serde_json::json!([]));
    assert_eq!(api.data("/api/content/v1/articles/?tag=nope&author=nope").await?, serde_json::json!([]));
    // Languages: English is every article; German, those translated.
    assert_eq!(slugs(&api.data("/api/content/v1/articles/?language=EN&limit=100").await?).len(), now_all.len());
    assert_eq!(slugs(&api.data("/api/content/v1/articles/?language=de").await?), ["a-01"]);
    assert_eq!(api.data("/api/content/v1/articles/?language=fr").await?, serde_json::json!([]));
    // Dates: RFC 3339 instants and local dates (Berlin midnight).
    let range =
        "/api/content/v1/articles/?published_after=2026-01-01T10:03:00%2B01:00&published_before=2026-01-01T09:06:00Z";
    assert_eq!(slugs(&api.data(range).await?), ["a-05", "a-04", "a-03"]);
    assert_eq!(slugs(&api.data("/api/content/v1/articles/?published_before=2026-01-01").await?), ["hostile"]);
    Ok(())
}

/// Creates and publishes an article now, as the editor does, and applies
/// the change feed as the writing process does.
async fn publish(api: &Api, slug: &str, section: &str, author: &str) -> Res<Id> {
    let store = &api.state.store;
    let user = match store.users().await?.into_iter().find(|u| u.email == "editor@example.org") {
        Some(u) => u.id,
        None => {
            let new = NewUser {
                email: "editor@example.org".into(),
                name: "Ed".into(),
                role: Role::Editor,
                author_id: None,
                publication: None,
            };
            store.create_user(&new, Utc::now()).await?.id
        }
    };
    let site = api.state.sites();
    let section_id = site
        .by_id(api.en)
        .and_then(|s| s.sections.iter().find(|x| x.slug == section))
        .map(|s| s.id)
        .ok_or("section")?;
    let by = store.author_by_slug(api.en, author).await?.ok_or("author")?.id;
    let draft = ArticleDraft {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: String::new(),
        body: "Fresh.".into(),
        toc: false,
        section_id,
        author_ids: vec![by],
        tags: vec![],
        image: None,
    };
    let a = store.create_article(api.en, &draft, user, Utc::now()).await?;
    let publish = Some(Transition::Publish { at: Utc::now().fixed_offset() });
    let out = store.save_and_transition(a.id, a.version, &draft, publish, user, Utc::now()).await?;
    assert!(matches!(out, SaveOutcome::Saved(_)), "{out:?}");
    api.state.sync_changes().await;
    Ok(a.id)
}

async fn fields_and_include(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let data =
        api.data("/api/content/v1/articles/?limit=2&fields=headline,body_html&include=authors,tags,section").await?;
    let first = data[0].as_object().ok_or("object")?;
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["body_html", "headline", "id", "slug"]);
    let r = api.get("/api/content/v1/articles/?limit=2&fields=headline&include=section,authors,tags").await?.json();
    let inc = &r["included"];
    assert_eq!(slugs(&inc["authors"]), ["ana"]);
    assert_eq!(slugs(&inc["tags"]), ["ports"]);
    assert_eq!(slugs(&inc["sections"]), ["labor", "culture"], "a-25 is labor, a-24 culture, once each");
    let one = api.get("/api/content/v1/articles/a-02/?include=authors").await?.json();
    assert_eq!(slugs(&one["included"]["authors"]), ["ana", "bo"]);
    assert!(one["included"].get("tags").is_none());
    assert!(api.get("/api/content/v1/articles/a-02/").await?.json().get("included").is_none());
    // Different spellings of one query are one cache entry.
    let before = api.state.cache.stats();
    api.get("/api/content/v1/articles/?include=tags,section,authors&fields=headline&limit=2").await?;
    let after = api.state.cache.stats();
    assert_eq!((after.hits - before.hits, after.misses - before.misses), (1, 0));
    Ok(())
}

/// A request (path, headers) and the status and error code it must get.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], u16, &'a str);

async fn errors_are_json_with_stable_codes(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let bearer = format!("Bearer {}", api.key);
    let cases: &[Case] = &[
        ("/api/content/v1/articles/", &[], 401, "missing_key"),
        ("/api/content/v1/articles/", &[("authorization", "Bearer prensa_nope")], 401, "invalid_key"),
        ("/api/content/v1/articles/", &[("authorization", "Basic YTpi")], 401, "invalid_key"),
        ("/api/content/v1/articles/?key=prensa_nope", &[], 401, "invalid_key"),
        ("/api/content/v1/articles/?sectoin=labor", &[("authorization", &bearer)], 400, "unknown_parameter"),
        ("/api/content/v1/authors/?limit=3", &[("authorization", &bearer)], 400, "unknown_parameter"),
        ("/api/content/v1/articles/?limit=1&limit=2", &[("authorization", &bearer)], 400, "duplicate_parameter"),
        ("/api/content/v1/search/", &[("authorization", &bearer)], 400, "missing_parameter"),
        ("/api/content/v1/articles/?limit=0", &[("authorization", &bearer)], 400, "invalid_parameter"),
        ("/api/content/v1/articles/?limit=101", &[("authorization", &bearer)], 400, "invalid_parameter"),
        ("/api/content/v1/articles/?published_after=monday", &[("authorization", &bearer)], 400, "invalid_parameter"),
        ("/api/content/v1/articles/?fields=id,password", &[("authorization", &bearer)], 400, "invalid_parameter"),
        ("/api/content/v1/articles/?include=comments", &[("authorization", &bearer)], 400, "invalid_parameter"),
        ("/api/content/v1/articles/?cursor=bogus", &[("authorization", &bearer)], 400, "invalid_cursor"),
        ("/api/content/v1/articles/no-such-article/", &[("authorization", &bearer)], 404, "not_found"),
        ("/api/content/v1/articles/draft-secret/", &[("authorization", &bearer)], 404, "not_found"),
        ("/api/content/v1/articles/scheduled-secret/", &[("authorization", &bearer)], 404, "not_found"),
        ("/api/content/v1/nothing/", &[("authorization", &bearer)], 404, "not_found"),
        ("/api/content/v1/articles", &[("authorization", &bearer)], 404, "not_found"),
        ("/api/content/v1", &[], 404, "not_found"),
    ];
    for (path, headers, status, code) in cases {
        let r = api.get_with(path, headers).await?;
        assert_eq!((r.status, r.code().as_str()), (*status, *code), "{path}: {}", r.text);
        assert_eq!(r.header("content-type"), Some("application/json"), "{path}");
        assert!(r.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{path}");
        if *status == 401 {
            assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")), "{path}");
        }
    }
    // The key in the query works as the header does.
    assert_eq!(api.get_with(&format!("/api/content/v1/sections/?key={}", api.key), &[]).await?.status, 200);
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let r = api.request(method, "/api/content/v1/articles/", &[("authorization", &bearer)]).await?;
        assert_eq!((r.status, r.code().as_str()), (405, "method_not_allowed"), "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
    }
    // No input is a 500.
    for junk in [
        "/api/content/v1/articles/?cursor=999999999999.999999999999999999",
        "/api/content/v1/articles/?cursor=-999999999999.0",
        "/api/content/v1/articles/?published_after=9999-12-31T23:59:59-23:59",
        "/api/content/v1/articles/?published_before=0000-01-01",
        "/api/content/v1/articles/?section=%00%FF%FE",
        "/api/content/v1/articles/?language=x-very-long-tag-but-valid-1234567",
        "/api/content/v1/articles/%F0%9F%A6%80/",
        "/api/content/v1/articles/%2e%2e/",
        "/api/content/v1/search/?q=%22%22%22((*:-)",
        "/api/content/v1/search/?q=",
    ] {
        let r = api.get(junk).await?;
        assert!(r.status < 500, "{junk}: {} {}", r.status, r.text);
        serde_json::from_str::<Value>(&r.text).map_err(|e| format!("{junk}: {e}"))?;
    }
    Ok(())
}

async fn revoked_keys_are_refused_after_the_watcher_polls(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let key = new_key(&api.state, api.en, "to revoke").await?;
    let bearer = format!("Bearer {key}");
    assert_eq!(api.get_with("/api/content/v1/sections/", &[("authorization", &bearer)]).await?.status, 200);
    // Revoked through the store alone, as another node (or the CLI) would:
    // this process learns of it from the change feed.
    let id = api.state.store.api_keys(api.en).await?.into_iter().find(|k| k.name == "to revoke").ok_or("key")?.id;
    api.state.store.revoke_api_key(api.en, id, Utc::now()).await?;
    let mut refused = None;
    for _ in 0..40 {
        let r = api.get_with("/api/content/v1/sections/", &[("authorization", &bearer)]).await?;
        if r.status == 401 {
            refused = Some(r.code());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(refused.as_deref(), Some("revoked_key"), "refused within the watcher's poll");
    // Cached answers are no way around it.
    let r = api.get_with(&format!("/api/content/v1/sections/?key={key}"), &[]).await?;
    assert_eq!((r.status, r.code().as_str()), (401, "revoked_key"));
    assert_eq!(api.get("/api/content/v1/sections/").await?.status, 200, "other keys still work");
    Ok(())
}

async fn cors_for_listed_origins_only(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let bearer = format!("Bearer {}", api.key);
    let r = api
        .get_with("/api/content/v1/sections/", &[("authorization", &bearer), ("origin", "https://app.example")])
        .await?;
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example"));
    assert_eq!(r.header("vary"), Some("accept-encoding, authorization, origin"), "{:?}", r.headers);
    let r = api
        .get_with("/api/content/v1/sections/", &[("authorization", &bearer), ("origin", "https://evil.example")])
        .await?;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    // Errors carry it too, so the app can read them.
    let r = api.get_with("/api/content/v1/sections/", &[("origin", "https://app.example")]).await?;
    assert_eq!((r.status, r.header("access-control-allow-origin")), (401, Some("https://app.example")));
    // Preflight.
    let pre = [
        ("origin", "https://app.example"),
        ("access-control-request-method", "GET"),
        ("access-control-request-headers", "authorization"),
    ];
    let r = api.request("OPTIONS", "/api/content/v1/articles/", &pre).await?;
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example"));
    assert_eq!(r.header("access-control-allow-methods"), Some("GET, HEAD, OPTIONS"));
    assert!(r.header("access-control-allow-headers").is_some_and(|h| h.contains("Authorization")));
    let r = api
        .request(
            "OPTIONS",
            "/api/content/v1/articles/",
            &[("origin", "https://evil.example"), ("access-control-request-method", "GET")],
        )
        .await?;
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-allow-methods"), None);
    Ok(())
}

async fn etags_and_purge_on_publish(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let bearer = format!("Bearer {}", api.key);
    let list = "/api/content/v1/articles/?section=labor";
    let r = api.get(list).await?;
    let etag = r.header("etag").ok_or("etag")?.to_owned();
    let r = api.get_with(list, &[("authorization", &bearer), ("if-none-match", &etag)]).await?;
    assert_eq!((r.status, r.text.as_str()), (304, ""));
    // A conditional request still needs a key.
    assert_eq!(api.get_with(list, &[("if-none-match", &etag)]).await?.status, 401);
    // Warm an entry publishing in `culture` by Bo must not touch: an
    // article in labor by Ana alone, its own answer.
    api.get("/api/content/v1/articles/a-01/?fields=headline").await?;
    let key = "/api/content/v1/articles/a-01/?fields=headline";
    assert!(api.state.cache.get(api.en, key).is_some(), "cached under its canonical key");
    publish(&api, "fresh-culture", "culture", "bo").await?;
    assert!(api.state.cache.get(api.en, key).is_some(), "an unrelated article stays cached");
    let r = api.get(list).await?;
    assert_eq!(r.status, 200);
    // The culture list changed; labor's list was purged (it carries
    // `recent`) and is made again — the same content, the same ETag.
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let culture = slugs(&api.data("/api/content/v1/articles/?section=culture").await?);
    assert_eq!(culture[0], "fresh-culture");
    let all = slugs(&api.data("/api/content/v1/articles/").await?);
    assert_eq!(all[0], "fresh-culture");
    Ok(())
}

async fn hostile_text_survives_json(backend: TestDb) -> TestResult {
    let api = Api::start(&backend).await?;
    let a = api.data("/api/content/v1/articles/hostile/").await?;
    assert_eq!(a["headline"], HOSTILE);
    assert_eq!(a["standfirst"], "<script>alert(1)</script>", "text fields are text; JSON carries them as given");
    assert_eq!(a["published_at"], "2025-12-01T09:00:00-05:00");
    let body = a["body_html"].as_str().ok_or("body")?;
    assert!(!body.contains("<script") && !body.contains("onerror") && !body.contains("href=\"javascript"), "{body}");
    Ok(())
}

on_every_backend!(db_multi_thread:
    every_endpoint_answers,
    filters_and_cursors,
    fields_and_include,
    errors_are_json_with_stable_codes,
    revoked_keys_are_refused_after_the_watcher_polls,
    cors_for_listed_origins_only,
    etags_and_purge_on_publish,
    hostile_text_survives_json,
);
