"""Documents from templates, media, recording rules, interruptions, access.

Importing this package registers the "recording" requirement with the enforcement hub
(第五条、第七条: mandatory recordings, the party told, gaps explained), so that it holds
wherever steps are moved (web, API, command line).
"""

from zhifa.recording.av import requirement as _requirement  # noqa: F401
