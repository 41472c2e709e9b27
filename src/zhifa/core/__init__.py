"""Settings, database, users and roles, the working-day calendar, errors."""
