"""The public page of the 双随机 results (公示办法 第七条第三款): ``/random-inspections``
searches the published results by year, batch, 检查结果 and the 检查对象's name or
统一社会信用代码; each result's page is the portal's ``/p/<id>`` like every publication.

Reads the portal's own tables only (``publicity.portal.decisions``: entries of kind
``inspection``), so the portal-only process serves it too. Batch and result are matched
as phrases of the entry's text (the bigram index; the vocabulary's labels are not
substrings of one another, so a chosen result finds exactly its entries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, render
from zhifa.inspection.tasks.rules import RESULTS
from zhifa.publicity.portal import decisions as portal_decisions
from zhifa.publicity.rules import KIND_LABELS
from zhifa.web.portal import MAX_TEXT

router = APIRouter(tags=["公示门户（无需登录）"])
KIND = "inspection"
FIRST_YEAR = 2015  # 国办发〔2015〕58号: the 双随机、一公开 supervision began


@dataclass(frozen=True)
class ResultSearch:
    year: str = ""
    batch: str = ""
    result: str = ""
    who: str = ""  # 检查对象名称 or 统一社会信用代码
    page: int = 1

    def filters(self) -> portal_decisions.Filters:
        start = end = None
        if self.year:
            start, end = date(int(self.year), 1, 1), date(int(self.year), 12, 31)
        code = self.who.isascii() and self.who.isalnum()
        words = " ".join(w for w in (self.batch, self.result, self.who if code else "") if w)
        party = "" if code else self.who
        return portal_decisions.Filters(q=words, kind=KIND, date_from=start, date_to=end,
                                        party=party)  # fmt: skip

    def link(self, page: int) -> str:
        pairs = {"year": self.year, "batch": self.batch, "result": self.result, "who": self.who}
        return "/random-inspections?" + urlencode(
            {**{k: v for k, v in pairs.items() if v}, "page": page}
        )


def _asked(request: Request) -> ResultSearch:
    params = request.query_params
    text = {k: " ".join(params.get(k, "").split()) for k in ("batch", "who")}
    for key, value in text.items():
        if len(value) > MAX_TEXT:
            raise DomainError(f"检索内容最多 {MAX_TEXT} 个字", key)
    year = params.get("year", "").strip()
    if year and not (year.isascii() and year.isdigit() and FIRST_YEAR <= int(year) <= 2100):
        raise DomainError(f"年度应为 {FIRST_YEAR} 年以后的四位数字", "year")
    result = params.get("result", "")
    if result and result not in RESULTS:
        raise DomainError("检查结果不在可选范围内", "result")
    page = params.get("page", "1") or "1"
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= portal_decisions.MAX_PAGE):
        raise DomainError(f"页码应为 1 至 {portal_decisions.MAX_PAGE}", "page")
    return ResultSearch(year, text["batch"], result, text["who"], int(page))


@router.get("/random-inspections", response_class=HTMLResponse, summary="双随机抽查结果查询")
def random_inspections(request: Request, db: Db) -> Response:
    form, error, found = ResultSearch(), None, None
    try:
        form = _asked(request)
        found = portal_decisions.search(db, form.filters(), form.page)
    except DomainError as exc:
        error = exc
    years = list(range(today().year, FIRST_YEAR - 1, -1))
    return render(request, "portal_inspection.html", 422 if error else 200, form=form,
                  error=error, results=found, outcomes=RESULTS, years=years,
                  kinds=KIND_LABELS)  # fmt: skip
