"""调阅 (access) to audio, video and photo records (《全过程记录办法》 第九条): a stated
purpose before anything is served, restriction flags (国家秘密、商业秘密、个人隐私), every
access logged with where it came from, and visible watermarks on exported copies.
See docs/media-access.md.

- ``rules.py``: purposes, purpose memory, who may read or export a restricted record (pure).
- ``models.py``: stated purposes and restriction flags (append-only).
- ``service.py``: authorize a read, log it, flag records, search the access log.
- ``watermark.py``: the visible mark on exported photos and posters (Pillow).
- ``routes.py``: the purpose form, the access log page and API, the flag form and API.
"""
