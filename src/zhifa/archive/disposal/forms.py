"""The appraisal form's fields (opinion_<item>, years_<item>, reason_<item>) as the
service's input."""

from __future__ import annotations

from collections.abc import Mapping

from zhifa.archive.disposal.service import OpinionsIn
from zhifa.core.http import record_id_or_none
from zhifa.core.validation import parse


def opinions_in(form: Mapping[str, str]) -> OpinionsIn:
    rows = []
    for name, opinion in form.items():
        if not name.startswith("opinion_"):
            continue
        item = name.removeprefix("opinion_")
        years = form.get(f"years_{item}", "").strip()
        rows.append(
            {
                "disposal_item": record_id_or_none(item) or 0,
                "appraisal_opinion": opinion,
                "extend_years": years or None,
                "reason": form.get(f"reason_{item}", ""),
            }
        )
    return parse(OpinionsIn, {"appraisal_opinions": rows})
