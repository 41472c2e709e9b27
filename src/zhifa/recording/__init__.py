"""Documents from templates, media, audio-video recording rules, interruptions, access.

Its requirements on steps (documents, service, recording) are declared in `feature.py`."""
