"""统计监督: statistics, dashboards, case review and accountability (公示办法 第十条)."""
