"""The body-camera dock (执法记录仪采集站): ``zhifa ingest watch`` uploads the files of a
folder where cameras are mounted to the server by tus, resumably, each exactly once.

- ``mapping.py``: which action (and activity) a file belongs to: ``--action`` or a map
  file of rules (pure).
- ``watcher.py``: scanning, the state file, uploading with ``tuspy``, restarts.
- ``progress.py``: progress bars on the terminal (rich).

It is a client of the HTTP API only (an API token of the officer or of the dock), and
runs on the dock's computer, not on the server.
"""
