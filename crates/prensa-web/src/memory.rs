//! Handing memory the process no longer uses back to the system.
//!
//! glibc's allocator keeps freed memory in its arenas for reuse and returns
//! it to the kernel only when the top of a heap is free. A search index
//! build allocates and frees hundreds of megabytes (documents, tantivy's
//! per-segment buffers) spread over many arenas, so after it a node kept
//! ~330 MB of free heap resident at 100,000 articles (measured in
//! BENCHMARKS.md: heap 384 MB when the index was complete, 47 MB after one
//! `malloc_trim`). Two settings bound that:
//!
//! - [`limit_arenas`] at start: at most two arenas per core instead of
//!   glibc's eight, so freed memory is shared by fewer, fuller arenas
//!   (the threads' own caches still serve small allocations without a
//!   lock);
//! - [`release`] after work that frees a lot at once (a search index
//!   build): `malloc_trim(0)`, which returns every free page of every
//!   arena.
//!
//! Both are glibc's own calls (through `libc`: no maintained crate wraps
//! them); elsewhere (musl, macOS) they do nothing.

/// Caps glibc's arenas at two per core (see the module's doc), unless
/// `MALLOC_ARENA_MAX` (glibc's own setting) says otherwise. Call once,
/// early, before threads start.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let arenas = i32::try_from(cores * 2).unwrap_or(i32::MAX).max(2);
        // SAFETY: mallopt only sets a tunable of the allocator; M_ARENA_MAX
        // takes any positive count.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Returns the allocator's free pages to the system; returns whether any
/// were. Takes each arena's lock in turn while it walks it (milliseconds
/// for a few hundred megabytes), so it is for after big frees, not for a
/// request's path.
pub fn release() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim has no preconditions; 0 keeps no padding.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    /// Freed memory comes back: a burst of allocations spread over threads
    /// (and so arenas), all freed, then a release shrinks the resident set.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_release_returns_freed_heap() {
        fn resident_kb() -> u64 {
            let status = std::fs::read_to_string("/proc/self/status").expect("status");
            status
                .lines()
                .find_map(|l| l.strip_prefix("RssAnon:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .expect("RssAnon")
        }
        // Many blocks below the mmap threshold, so they live in the
        // threads' arenas; each thread then makes one more block, which
        // stays at the top of its heap so that glibc cannot give the
        // freed space below it back on its own: only a release can.
        let (held, tops): (Vec<Vec<Vec<u8>>>, Vec<Vec<u8>>) = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let blocks: Vec<Vec<u8>> = (0..20_000).map(|i| vec![i as u8; 4_000]).collect();
                        let top = vec![1u8; 4_000];
                        (blocks, top)
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().expect("thread")).unzip()
        });
        drop(held);
        let before = resident_kb();
        super::release();
        let after = resident_kb();
        assert!(tops.iter().all(|b| b.len() == 4_000));
        assert!(after + 100_000 < before, "resident heap {before} kB before the release, {after} kB after");
    }
}
