"""Documents from templates, media, recording rules, interruptions, access."""
