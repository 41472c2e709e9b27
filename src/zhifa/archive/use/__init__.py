"""档案利用 (archive use): a request to read, copy or borrow an archive file, its approval
as a grant with an end date, and every use of the file under it, access-logged.

- ``rules.py``: who approves what, how long a grant may last, what a grant lets one do.
- ``models.py``: the requests and the link of each use to its access-log row.
- ``service.py``: request, decide, revoke, lend and return, open an item.
- ``routes.py``: 我的利用申请, 利用审批, the request page, and their JSON twins.
"""
