"""事前公示 content: laws, power items, guides, lists, officers and certificates."""
