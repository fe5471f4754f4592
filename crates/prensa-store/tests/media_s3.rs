//! The media store on S3-compatible object storage, against the server
//! whose endpoint is in `PRENSA_TEST_S3_URL` (CI starts a moto server);
//! without it skipped, saying so, or failed when `PRENSA_TEST_REQUIRE`
//! names `s3` (`prensa_test_support::gate`). The bad-endpoint case needs no
//! server.

use std::time::{Duration, Instant};

use bytes::Bytes;
use prensa_store::MediaStore;
use prensa_test_support::s3::test_bucket;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The object at `path` in `bucket`, read with `object_store` itself
/// rather than through `MediaStore`: its bytes and Content-Type.
async fn object(bucket: &str, path: &str) -> Result<(Vec<u8>, String), Box<dyn std::error::Error>> {
    use object_store::{Attribute, ObjectStoreExt};
    let endpoint = std::env::var("PRENSA_TEST_S3_URL")?;
    let s3 = object_store::aws::AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_bucket_name(bucket)
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_region("us-east-1")
        .build()?;
    let found = s3.get(&object_store::path::Path::from(path)).await?;
    let content_type = found.attributes.get(&Attribute::ContentType).map(|v| v.to_string()).unwrap_or_default();
    Ok((found.bytes().await?.to_vec(), content_type))
}

#[tokio::test]
async fn bucket_round_trip() -> TestResult {
    let Some(media) = test_bucket("site/media").await? else { return Ok(()) };
    media.check().await?;
    assert!(!media.exists("abc123.png").await?);
    let missing = media.read("abc123.png").await.err().ok_or("read of a missing key")?;
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound, "{missing}");
    assert!(media.put("abc123.png", Bytes::from_static(b"png bytes")).await?, "written");
    assert!(!media.put("abc123.png", Bytes::from_static(b"other")).await?, "a key never changes content");
    assert_eq!(media.read("abc123.png").await?, Bytes::from_static(b"png bytes"));
    assert!(media.exists("abc123.png").await?);
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("in.jpg");
    std::fs::write(&src, b"jpeg bytes")?;
    assert!(media.put_file("def456-640.jpg", &src).await?);
    assert!(!media.put_file("def456-640.jpg", &src).await?);
    assert_eq!(media.read("def456-640.jpg").await?, Bytes::from_static(b"jpeg bytes"));
    assert!(media.put("../escape.png", Bytes::new()).await.is_err(), "keys are checked");

    // The same key as on disk, under the prefix, with its type: a CDN can
    // serve the bucket directly.
    let bucket = media.to_string();
    let bucket = bucket.trim_start_matches("bucket s3://").split('/').next().ok_or("bucket name")?.to_owned();
    let (body, content_type) = object(&bucket, "site/media/abc123.png").await?;
    assert_eq!((body.as_slice(), content_type.as_str()), (&b"png bytes"[..], "image/png"));

    // Deleting (the media library's delete): gone, and again is no error.
    media.delete("def456-640.jpg").await?;
    assert!(!media.exists("def456-640.jpg").await?);
    media.delete("def456-640.jpg").await?;
    assert!(media.exists("abc123.png").await?, "only the key named");
    Ok(())
}

#[tokio::test]
async fn a_missing_bucket_is_named() -> TestResult {
    let Some(media) = test_bucket("x").await? else { return Ok(()) };
    let endpoint = std::env::var("PRENSA_TEST_S3_URL")?;
    let settings = [
        ("aws_endpoint", endpoint.as_str()),
        ("aws_allow_http", "true"),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
        ("aws_region", "us-east-1"),
    ];
    drop(media);
    let missing = MediaStore::open_with("s3://no-such-bucket-prensa/x", settings)?;
    let err = missing.check().await.err().ok_or("a missing bucket must fail the check")?.to_string();
    assert!(err.contains("s3://no-such-bucket-prensa/x") && err.contains("NoSuchBucket"), "{err}");
    Ok(())
}

/// Nothing listens on port 1: the check fails within seconds (no minutes
/// of retries) and says which bucket, where, and why.
#[tokio::test]
async fn an_unreachable_endpoint_fails_fast_and_clearly() -> TestResult {
    let settings = [
        ("aws_endpoint", "http://127.0.0.1:1"),
        ("aws_allow_http", "true"),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
        ("aws_region", "us-east-1"),
    ];
    let media = MediaStore::open_with("s3://media/site", settings)?;
    let started = Instant::now();
    let err = media.check().await.err().ok_or("nothing listens there")?.to_string();
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    assert!(err.contains("bucket s3://media/site at http://127.0.0.1:1: the check request failed"), "{err}");
    assert!(err.to_lowercase().contains("connect"), "says what failed: {err}");
    assert!(!err.contains("test"), "no credentials in messages: {err}");
    Ok(())
}
