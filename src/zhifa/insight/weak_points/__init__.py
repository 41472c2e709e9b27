"""薄弱环节分析 (记录办法 第十二条): the supervision dashboard's figures, read from a fact
table that `facts.refresh` keeps in step with the recorded records."""
