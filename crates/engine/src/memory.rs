//! Process-wide memory settings both binaries apply first thing in `main`, before any
//! thread starts.

/// Arenas glibc's malloc may keep when `MALLOC_ARENA_MAX` is not set.
pub const MALLOC_ARENAS: i32 = 2;

/// Caps glibc's malloc arenas at [`MALLOC_ARENAS`] unless the user set `MALLOC_ARENA_MAX`.
/// glibc gives every thread that contends for the heap an arena of its own (up to eight per
/// core) and returns little of them: under load the engine's tokio workers, DuckDB's threads
/// and the blocking pool held ~550 MB this way; with two arenas it held ~340 MB at the same
/// throughput (`make bench`, docs/performance.md). Does nothing on other C libraries.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; it is called before any other
        // thread exists, and an unsupported value is refused with 0, not undefined behaviour.
        unsafe {
            nix::libc::mallopt(nix::libc::M_ARENA_MAX, MALLOC_ARENAS);
        }
    }
}

/// Hands the heap's free pages back to the system. glibc keeps freed memory for reuse, so
/// after a burst of load the engine's RSS stayed at ~200 MB though little was in use; the
/// stats sampler calls this once when the pipeline goes quiet. Does nothing elsewhere.
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages the allocator holds; it takes the
    // allocator's own locks and is safe to call from any thread at any time.
    unsafe {
        nix::libc::malloc_trim(0);
    }
}
