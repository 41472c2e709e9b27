"""事后公示: publication obligations and their deadlines, desensitised snapshots, review,
publishing, exemptions and the publication period (公示办法 第七条至第十条)."""
