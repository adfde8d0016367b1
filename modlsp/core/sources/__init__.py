"""Version sources: the Go module proxy protocol over HTTP and file://, the module cache, and
the caches in front of them, behind one `Fetcher.get(Key) -> Answer` interface."""
