"""Audio, video and photo records (音视频记录, 《全过程记录办法》 第五条至第九条).

- ``tus.py``: resumable uploads by the tus 1.0 protocol at ``/api/v1/uploads/``
  (core, creation, termination, checksum), partial files under ``<data>/uploads/``.
- ``metadata.py``: is this really a photo, an audio or a video? What does the file say
  about itself (duration, codecs, resolution, recording time, device, GPS)? Plus a poster
  frame or thumbnail.
- ``ingest.py``: a finished file becomes a ``Media`` record: checked, put into the
  write-once blob store, registered and ledgered.
- ``routes.py``: the JSON API to list, describe and download (with HTTP ranges) records,
  and a plain multipart upload for small photos.
"""
