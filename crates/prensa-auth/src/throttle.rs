//! Login throttling: after too many failures for one account or from one
//! address within a window, further attempts are refused until the oldest
//! failure leaves the window.
//!
//! In memory, per process: enough for one node. (Several nodes behind a
//! load balancer each keep their own count, so an attacker gets
//! `limit × nodes` tries per window; a shared count belongs in the store.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Refused: try again after this long (for `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

#[derive(Debug)]
pub struct Throttle {
    limit: usize,
    window: Duration,
    /// Keyed by e.g. `account:ana@example.org` or `ip:203.0.113.9`.
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Beyond this many keys, old entries are swept before adding, so a
    /// flood of distinct keys cannot grow memory without bound.
    max_keys: usize,
}

impl Throttle {
    /// `limit` failures within `window` (the default: 5 in 15 minutes).
    pub fn new(limit: usize, window: Duration) -> Throttle {
        Throttle { limit: limit.max(1), window, failures: Mutex::new(HashMap::new()), max_keys: 100_000 }
    }

    /// Whether another attempt for every one of `keys` is allowed at `now`.
    pub fn check(&self, keys: &[&str], now: Instant) -> Result<(), Throttled> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = failures.get(*key) {
                let recent: Vec<&Instant> = times.iter().filter(|t| now.duration_since(**t) < self.window).collect();
                if recent.len() >= self.limit {
                    // The attempt is allowed again when enough failures have aged out.
                    let oldest_that_counts = recent[recent.len() - self.limit];
                    let free_at = *oldest_that_counts + self.window;
                    wait = wait.max(free_at.saturating_duration_since(now));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            // Round up to whole seconds: Retry-After carries seconds.
            Err(Throttled { retry_after: Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)) })
        }
    }

    /// Records a failed attempt against every one of `keys`.
    pub fn fail(&self, keys: &[&str], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= self.max_keys {
            let window = self.window;
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for key in keys {
            let times = failures.entry((*key).to_owned()).or_default();
            times.push_back(now);
            while times.len() > self.limit {
                times.pop_front();
            }
        }
    }

    /// A successful login clears the account's count (not the address's:
    /// one good password must not unlock guessing at other accounts).
    pub fn succeed(&self, account_key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(account_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn five_failures_in_fifteen_minutes_lock_out() {
        let t = Throttle::new(5, WINDOW);
        let start = Instant::now();
        let keys = ["account:ana@example.org", "ip:192.0.2.1"];
        for i in 0..5 {
            assert!(t.check(&keys, start + Duration::from_secs(i)).is_ok(), "attempt {i}");
            t.fail(&keys, start + Duration::from_secs(i));
        }
        let refused = t.check(&keys, start + Duration::from_secs(10)).expect_err("sixth attempt refused");
        // The first failure (at 0 s) leaves the window at 900 s.
        assert_eq!(refused.retry_after, Duration::from_secs(890));
        assert!(t.check(&keys, start + WINDOW + Duration::from_secs(1)).is_ok(), "free once it ages out");
    }

    #[test]
    fn keys_are_independent_and_success_clears_the_account_only() {
        let t = Throttle::new(2, WINDOW);
        let now = Instant::now();
        t.fail(&["account:a", "ip:1"], now);
        t.fail(&["account:a", "ip:1"], now);
        assert!(t.check(&["account:a"], now).is_err());
        assert!(t.check(&["ip:1"], now).is_err());
        assert!(t.check(&["account:b", "ip:2"], now).is_ok());
        t.succeed("account:a");
        assert!(t.check(&["account:a"], now).is_ok());
        assert!(t.check(&["account:a", "ip:1"], now).is_err(), "the address stays throttled");
    }

    #[test]
    fn memory_stays_bounded() {
        let mut t = Throttle::new(3, Duration::from_secs(1));
        t.max_keys = 10;
        let start = Instant::now();
        for i in 0..10 {
            t.fail(&[&format!("ip:{i}")], start);
        }
        let later = start + Duration::from_secs(5);
        t.fail(&["ip:new"], later);
        let len = t.failures.lock().map(|f| f.len()).unwrap_or(usize::MAX);
        assert_eq!(len, 1, "expired keys swept when the table is full");
    }
}
