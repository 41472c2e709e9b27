"""Power items (权力事项), service guides and random-check items: the 事前公示 list of what
the bureau may do, each item versioned and citing the law."""
