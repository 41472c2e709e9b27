"""四性检测 (DA/T 70-2018): 真实性、完整性、可用性、安全性, at filing, at transfer and on a
schedule, reported item by item.

- ``rules.py``: the check items with their DA/T 70 basis, the accepted formats, findings
  and the report's verdict and counts; pure decisions from plain data (counts and bytes,
  required metadata, 件号, 归档范围, digests, checkpoints, storage state).
- ``usability.py``: opens one item's content (PDF, photo, audio, video) and says why not.
- ``report_pdf.py`` and ``templates/``: the 四性检测报告 as PDF/A.
"""
