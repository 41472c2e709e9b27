"""Demo data: a plausible district bureau with its staff, catalogue, actions, media,
publications and figures, seeded through the services. Wires features together; nothing
imports it but the command line and the tests."""
