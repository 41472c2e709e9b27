"""The public portal's read model, written only by the portal channel from outbox messages
and read by the portal pages (invariant 4).

A publication's path, draft to portal: `publicity.service` (draft, review, publish) →
`publicity.snapshots` (the desensitised snapshot, frozen) → the ledger entry and
`publicity.outbox` (same transaction) → `publicity.channels.portal` →
`publicity.portal.decisions` (decisions: entries, versions, search) or
`publicity.portal.subjects` (catalogue, officers, figures from `publicity.public_snapshots`)
→ `web.portal` pages."""
