"""案卷评查 (case-file review, 记录办法 第十二条、第十三条): versioned scoring templates,
review rounds drawn with the 双随机 chapter's verifiable draw, reviewers' score sheets
pre-filled from the records, grades, rectification tasks and the round report."""
