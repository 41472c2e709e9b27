"""Documents (文书) on the bureau's unified templates: kinds and their fields, drafts,
文号, issued (frozen) PDFs with a verification line, corrections, service (送达).

Importing this package (which importing any of its modules does) registers the
"documents" requirement with the enforcement hub, so a step cannot complete until the
documents it lists are issued — wherever steps are moved (web, API, command line).
"""

from zhifa.recording.documents import requirement as _requirement  # noqa: F401
