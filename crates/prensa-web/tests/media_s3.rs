//! Media in an S3-compatible bucket, through the real router: an upload
//! through the admin lands in the bucket and is served from it, variants
//! made on demand are stored there, and two nodes sharing the bucket (and
//! the database) serve each other's images. Runs against the server whose
//! endpoint is in `PRENSA_TEST_S3_URL` (CI starts a moto server); without
//! it skipped, saying so, or failed when `PRENSA_TEST_REQUIRE` names `s3`
//! (`prensa_test_support::gate`).

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use prensa_core::permissions::Role;
use prensa_core::{ImportSet, NewAuthor, NewPublication, NewSection, NewUser, PublicationSettings, SocialLinks};
use prensa_store::{MediaStore, Newsroom, SqliteStore, Store};
use prensa_test_support::s3::test_bucket;
use prensa_test_support::web;
use prensa_web::admin::session::csrf_for;
use prensa_web::{AppState, WebConfig};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn fixture() -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: "meridian".into(),
            name: "The Meridian".into(),
            tagline: "Tag".into(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "Europe/Berlin".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![NewAuthor {
            slug: "aut".into(),
            name: "Aut".into(),
            bio: "Bio".into(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() }],
        articles: vec![],
    }
}

/// Two nodes: one database, one bucket, two app states and routers.
struct Nodes {
    a: (Arc<AppState<SqliteStore>>, Router),
    b: (Arc<AppState<SqliteStore>>, Router),
    /// An author's session secret.
    secret: String,
}

async fn nodes(media: MediaStore) -> Res<Nodes> {
    let store = SqliteStore::open("sqlite::memory:").await?;
    store.apply_import(&fixture(), false).await?;
    let publication = store.publications().await?.remove(0);
    let author_id = store.authors(publication.id).await?.first().map(|a| a.id);
    let author = NewUser {
        email: "aut@example.org".into(),
        name: "aut".into(),
        role: Role::Author,
        author_id,
        publication: None,
    };
    let (_, secret) = web::sign_in_as(&store, &author).await?;
    let a = web::serve_media(store.clone(), media.clone(), WebConfig::default()).await?;
    let b = web::serve_media(store, media, WebConfig::default()).await?;
    Ok(Nodes { a, b, secret })
}

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

async fn send(router: &Router, req: Request<Body>) -> Res<Answer> {
    let res = router.clone().oneshot(req).await?;
    let (status, headers) = (res.status(), res.headers().clone());
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?.to_vec();
    Ok(Answer { status, headers, body })
}

async fn get(router: &Router, path: &str) -> Res<Answer> {
    send(router, Request::get(path).header(header::HOST, "localhost:8080").body(Body::empty())?).await
}

async fn upload(router: &Router, secret: &str, name: &str, bytes: &[u8]) -> Res<Answer> {
    let boundary = "XBOUNDARYX";
    let csrf = csrf_for(secret);
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/admin/media/")
        .header(header::HOST, "localhost:8080")
        .header(header::COOKIE, format!("prensa_session={secret}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))?;
    send(router, req).await
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// Upload on node A: the original and its variants are in the bucket, and
/// node B serves them with the same bytes and headers as A.
#[tokio::test]
async fn an_upload_lands_in_the_bucket_and_every_node_serves_it() -> TestResult {
    let Some(media) = test_bucket("media").await? else { return Ok(()) };
    let n = nodes(media.clone()).await?;
    let ok = upload(&n.a.1, &n.secret, "wide.png", &png(700, 100)).await?;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", String::from_utf8_lossy(&ok.body));
    let asset = n.a.0.store.media_list(10, 0).await?.items.remove(0);
    let hash = asset.key.split('.').next().ok_or("hash")?.to_owned();
    // In the bucket itself, not only in a node.
    let stored = media.read(&asset.key).await?;
    assert_eq!(stored.len() as u64, asset.bytes);
    for variant in [format!("{hash}-320.png"), format!("{hash}-640.webp")] {
        assert!(media.exists(&variant).await?, "{variant} written at upload");
    }
    for router in [&n.a.1, &n.b.1] {
        let original = get(router, &format!("/media/{}", asset.key)).await?;
        assert_eq!(original.status, StatusCode::OK);
        assert_eq!(original.body, stored.to_vec());
        assert_eq!(original.content_type(), "image/png");
        assert_eq!(
            original.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(original.headers.get(header::X_CONTENT_TYPE_OPTIONS).and_then(|v| v.to_str().ok()), Some("nosniff"));
        let webp = get(router, &format!("/media/{hash}-640.webp")).await?;
        assert_eq!((webp.status, webp.content_type()), (StatusCode::OK, "image/webp"));
    }
    assert_eq!(get(&n.b.1, "/media/0123456789abcdef.png").await?.status, StatusCode::NOT_FOUND);
    Ok(())
}

/// An imported image (in the bucket and the library, no variants) gets a
/// variant on its first request to node B; it is stored in the bucket, and
/// node A then serves the same bytes without making it again.
#[tokio::test]
async fn a_variant_made_on_demand_is_stored_in_the_bucket() -> TestResult {
    let Some(media) = test_bucket("").await? else { return Ok(()) };
    let n = nodes(media.clone()).await?;
    let bytes = png(900, 300);
    let key = "00aa11bb22cc33dd.png";
    media.put(key, bytes.clone().into()).await?;
    n.a.0
        .store
        .add_media(&prensa_core::MediaAsset {
            key: key.into(),
            content_type: "image/png".into(),
            width: 900,
            height: 300,
            bytes: bytes.len() as u64,
        })
        .await?;
    let variant = "00aa11bb22cc33dd-640.webp";
    assert!(!media.exists(variant).await?);
    let made = get(&n.b.1, &format!("/media/{variant}")).await?;
    assert_eq!((made.status, made.content_type()), (StatusCode::OK, "image/webp"));
    assert!(media.exists(variant).await?, "stored for next time");
    assert!(media.exists("00aa11bb22cc33dd-640.png").await?, "with its original-format sibling");
    assert_eq!(media.read(variant).await?.to_vec(), made.body);
    let again = get(&n.a.1, &format!("/media/{variant}")).await?;
    assert_eq!((again.status, again.body), (StatusCode::OK, made.body));
    Ok(())
}
