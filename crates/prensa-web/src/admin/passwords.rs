//! Password hashing and checking, bounded: every argon2 run (19 MiB and
//! tens of milliseconds of CPU each) takes one of a few permits and runs
//! on the blocking pool, so a flood of sign-in, invite or reset posts
//! queues here instead of exhausting memory or stalling the async workers.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use prensa_auth::{hash_password, new_token, verify_password, PasswordError};
use tokio::sync::Semaphore;

use super::AdminError;

/// A hash of a random password, verified when the account does not exist
/// (or has no password yet), so a wrong e-mail costs the same time as a
/// wrong password and answers give nothing away. Made on first use, inside
/// a bounded job like any other hash.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password(&new_token().secret).unwrap_or_default());

/// Permits when none are configured: one per core, at most 4 (76 MiB of
/// argon2 memory at once).
pub fn default_permits() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4)
}

/// The bound on concurrent password work, with counters tests (and
/// curious operators) can read.
#[derive(Debug)]
pub struct PasswordWork {
    permits: Arc<Semaphore>,
    size: usize,
    jobs: AtomicU64,
    running: Arc<AtomicUsize>,
    most_running: Arc<AtomicUsize>,
}

impl PasswordWork {
    pub fn new(permits: usize) -> PasswordWork {
        let size = permits.max(1);
        PasswordWork {
            permits: Arc::new(Semaphore::new(size)),
            size,
            jobs: AtomicU64::new(0),
            running: Arc::new(AtomicUsize::new(0)),
            most_running: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// How many jobs may run at once.
    pub fn permits(&self) -> usize {
        self.size
    }

    /// Jobs started since this process began.
    pub fn jobs(&self) -> u64 {
        self.jobs.load(Ordering::Relaxed)
    }

    /// The most jobs ever seen running at the same time.
    pub fn most_concurrent(&self) -> usize {
        self.most_running.load(Ordering::Relaxed)
    }

    /// Runs `work` on the blocking pool once a permit is free. The permit
    /// moves into the job and is released when the work ends, not when the
    /// request does: a client that hangs up mid-hash cannot free a permit
    /// while argon2 still holds its memory.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AdminError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| AdminError::internal(e.to_string()))?;
        self.jobs.fetch_add(1, Ordering::Relaxed);
        let (running, most) = (self.running.clone(), self.most_running.clone());
        tokio::task::spawn_blocking(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            let out = work();
            running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| AdminError::internal(e.to_string()))
    }

    /// A new password's hash, or why it is refused (too short, too long).
    pub async fn hash(&self, password: String) -> Result<Result<String, PasswordError>, AdminError> {
        self.run(move || hash_password(&password)).await
    }

    /// Whether `password` matches `stored`; against a dummy hash (same
    /// cost, always false) when there is none.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AdminError> {
        self.run(move || match stored {
            Some(hash) => verify_password(&password, &hash).unwrap_or(false),
            None => {
                let _ = verify_password(&password, &DUMMY_HASH);
                false
            }
        })
        .await
    }
}

impl Default for PasswordWork {
    fn default() -> PasswordWork {
        PasswordWork::new(default_permits())
    }
}
