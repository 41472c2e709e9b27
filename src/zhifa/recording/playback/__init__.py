"""Looking at and adding audio, video and photo records in the browser (第九条 可实时调阅):
galleries and players per action and per party, an activity's time line, the upload page
(tus-js-client) and the "音视频记录" hub. Every read goes through ``recording/access``.

- ``timeline.py``: the layout of an activity's segments, photos and gaps (pure).
- ``routes.py``: the pages.
"""
