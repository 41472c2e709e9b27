"""The accountability report (记录办法 第十四条, 公示办法 第十条): every instance of a
mandatory recording missing or excepted, a record altered or removed, a publicity duty
not met on time — with unit, person and rule — and the leader's decision on each.

- ``rules.py``: instance kinds, stable keys, decision outcomes and their checks (pure).
- ``models.py``: stored verify failures and the leader's decisions (append-only).
- ``service.py``: collecting the instances from the records, deciding, verify storage.
- ``export.py``: the report as XLSX and PDF for 上一级.
- ``routes.py``: the leader's page, the decision form and the exports.
"""
