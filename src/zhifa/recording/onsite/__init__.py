"""On-site mode (现场执法模式): one phone screen that walks an on-site activity through
亮证, 告知, 告知开始录像, the party's signature, photos and video, and the document, each
step saved as it is done; and the standard words to say (规范执法用语, 记录办法 第四条)
that the legal section keeps as versioned scripts."""
