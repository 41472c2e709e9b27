"""双随机 inspection tasks: from a drawn target to an inspection action, its result in a
fixed vocabulary, and the result's publication."""
