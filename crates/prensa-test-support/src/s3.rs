//! A bucket of its own for a test's S3 half: created on the S3-compatible
//! test server (a moto server takes any credentials and unsigned bucket
//! creation, so one plain HTTP `PUT` makes it; no S3 client is needed for
//! that one request), then opened through [`MediaStore`] as Prensa opens
//! any bucket.

use std::io;

use prensa_store::MediaStore;

/// For tests: a new, empty bucket on the S3-compatible server whose
/// endpoint is in `PRENSA_TEST_S3_URL` (e.g. `http://127.0.0.1:9000`, a
/// moto server: it takes any credentials and unsigned bucket creation),
/// opened with `prefix`; `None` when the test is to skip its S3 half, as
/// [`crate::gate::server_url`] decides (and says).
pub async fn test_bucket(prefix: &str) -> io::Result<Option<MediaStore>> {
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let Some(endpoint) = crate::gate::server_url(crate::gate::Server::S3) else { return Ok(None) };
    let host = endpoint.strip_prefix("http://").unwrap_or(&endpoint).trim_end_matches('/');
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let bucket = format!("prensa-test-{}-{}-{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut conn = tokio::net::TcpStream::connect(host).await.map_err(|e| {
        io::Error::other(format!("the S3 test server at {endpoint} (PRENSA_TEST_S3_URL) is unreachable: {e}"))
    })?;
    let request = format!("PUT /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    conn.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await?;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(io::Error::other(format!("creating bucket {bucket} at {endpoint}: {answer}")));
    }
    let settings = [
        ("aws_endpoint", endpoint.as_str()),
        ("aws_allow_http", "true"),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
        ("aws_region", "us-east-1"),
    ];
    MediaStore::open_with(&format!("s3://{bucket}/{prefix}"), settings).map(Some)
}
