"""The app factory, layout, static assets and the public portal."""
