"""Where publications go (公示办法 第四条): the portal, 信用中国 exports, WeChat, webhooks."""
