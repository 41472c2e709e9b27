"""The enforcement hub's manifest: parties, actions, steps and their 事中 duties, grants."""

from __future__ import annotations

from zhifa.core.features import Feature, NavLink
from zhifa.core.permissions import Permission
from zhifa.enforcement.actions import duties_requirement
from zhifa.enforcement.models import (
    Acknowledgement,
    Action,
    ActionOfficer,
    ActionTransition,
    Activity,
    ActivityOfficer,
    CertificateShown,
    MattersTold,
    Party,
    PartyVersion,
    PowerItem,
)
from zhifa.enforcement.periods import (
    application_received,
    hearing_held,
    hearing_requested,
    measure_on_site,
    power_cut,
)
from zhifa.enforcement.recompute import recompute_transitions

FEATURE = Feature(
    name="enforcement",
    models=("zhifa.enforcement.models",),
    tracked=(
        Party,
        PartyVersion,
        PowerItem,
        Action,
        ActionOfficer,
        ActionTransition,
        Activity,
        ActivityOfficer,
        CertificateShown,
        MattersTold,
        Acknowledgement,
    ),
    requirements=(("duties", duties_requirement),),
    recompute_hooks=(recompute_transitions,),
    period_starts=(
        ("hearing_held", hearing_held),
        ("measure_on_site", measure_on_site),
        ("power_cut", power_cut),
        ("application_received", application_received),
        ("hearing_requested", hearing_requested),
    ),
    navigation=(
        NavLink("执法办案", "行政相对人", "/app/parties", Permission.party_read),
        NavLink("执法办案", "执法案件", "/app/actions", Permission.action_read),
        NavLink("统计监督", "授权调阅", "/app/grants", Permission.grant_manage),
    ),
    routers=(
        "zhifa.enforcement.routes:pages",
        "zhifa.enforcement.routes:api",
        "zhifa.enforcement.action_routes:pages",
        "zhifa.enforcement.action_routes:api",
        "zhifa.enforcement.grant_routes:pages",
        "zhifa.enforcement.grant_routes:api",
    ),
)
