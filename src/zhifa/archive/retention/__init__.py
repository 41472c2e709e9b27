"""归档范围和保管期限表: one row per record class, versioned, approved by a leader and
ledgered; the longest applicable period wins and the rule table computes every date."""
