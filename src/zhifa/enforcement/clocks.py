"""Which time limits run in a case of each procedure, and from which legal event: the
party's periods (a decision waits until they end) and the bureau's duties, as data.

A clock names its row of the rule table (`core.time_limits`) and its start event: an event
a feature declares in its manifest (`period_starts`: the 告知书 served, the decision
served, the 整改期限, the on-site measure…) or ``end:<code>``, the end of another clock of
the same case (the court application runs from the end of the litigation period).
Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

END = "end:"


@dataclass(frozen=True)
class Clock:
    limit: str  # time-limit code
    start: str  # a start event (`period_starts`) or END + another clock's limit code
    # Steps that may not be entered before the period has ended (a party's period).
    blocks: tuple[str, ...] = ()
    # The duty is done (no longer watched) once the case has entered one of these steps.
    done_at: tuple[str, ...] = ()


_AFTER_DECISION = ("closing",)

CLOCKS: Mapping[str, tuple[Clock, ...]] = MappingProxyType(
    {
        "penalty.general": (
            # 《行政处罚法》第六十二条、第六十四条第一项: no decision (nor its 法制审核)
            # before the party's period, from the service of each notice, has ended.
            Clock("penalty.hearing_request", "notice_served", blocks=("legal_review", "decision")),
            Clock("penalty.hearing_notice", "hearing_held"),
            Clock("penalty.fine_payment", "decision_served", done_at=_AFTER_DECISION),
            Clock("penalty.litigation_period", "decision_served", done_at=_AFTER_DECISION),
            Clock(
                "compulsion.court_application",
                END + "penalty.litigation_period",
                done_at=_AFTER_DECISION,
            ),
        ),
        "penalty.summary": (
            Clock("penalty.fine_payment", "decision_served", done_at=_AFTER_DECISION),
        ),
        "compulsion.seizure": (
            Clock("compulsion.on_site_report", "measure_on_site", done_at=("handling",)),
            Clock("compulsion.seizure_period", "seizure_start", done_at=_AFTER_DECISION),
            Clock("compulsion.handling_after_seizure", "seizure_start", done_at=_AFTER_DECISION),
            Clock(
                "compulsion.seizure_extension",
                END + "compulsion.seizure_period",
                done_at=_AFTER_DECISION,
            ),
        ),
        "compulsion.supply_stop": (Clock("compulsion.power_cut_notice", "power_cut"),),
        "inspection.on_site": (
            Clock("inspection.reinspection", "rectification_deadline", done_at=_AFTER_DECISION),
        ),
        "license.general": (
            Clock("license.supplement_notice", "application_received", done_at=("review",)),
            Clock("license.hearing_organise", "hearing_requested", done_at=("decision",)),
            Clock("license.hearing_notice", "hearing_held"),
        ),
    }
)


def clocks_of(procedure_code: str) -> tuple[Clock, ...]:
    return CLOCKS.get(procedure_code, ())
