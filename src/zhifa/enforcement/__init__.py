"""Actions (the hub), parties, steps, 事中 duties."""
