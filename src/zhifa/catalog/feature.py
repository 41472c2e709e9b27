"""The catalogue's manifest (事前公示): laws, power items, guides, random-check items,
officers' public certificates, and the update obligations their changes open."""

from __future__ import annotations

from zhifa.catalog import publishing
from zhifa.catalog.models import (
    Article,
    Citation,
    Law,
    LawChange,
    LawVersion,
    PowerItemVersion,
    RandomCheckItem,
    RandomCheckVersion,
    ServiceGuide,
    ServiceGuideVersion,
)
from zhifa.catalog.updates import service as updates
from zhifa.catalog.updates.models import CatalogueUpdate, OrganisationChange
from zhifa.catalog.updates.recompute import recompute_updates
from zhifa.core.features import DutySource, Feature, NavLink
from zhifa.core.permissions import Permission
from zhifa.publicity.duties import DutyKind

FEATURE = Feature(
    name="catalog",
    models=(
        "zhifa.catalog.models",
        "zhifa.catalog.updates.models",
    ),
    tracked=(
        Law,
        LawVersion,
        Article,
        LawChange,
        PowerItemVersion,
        ServiceGuide,
        ServiceGuideVersion,
        RandomCheckItem,
        RandomCheckVersion,
        Citation,
        OrganisationChange,
        CatalogueUpdate,
    ),
    duty_sources=(DutySource(DutyKind.catalogue_update, updates.update_duties, updates.settle),),
    recompute_hooks=(recompute_updates,),
    # The update obligation a certificate change opens (公示办法 第八条) first, so that the
    # publication of the changed certificate, next, fulfils it.
    certificate_hooks=(updates.on_certificate_changed, publishing.certificate_changed),
    publish_hooks=(updates.on_snapshot_published,),
    navigation=(
        NavLink("事前公示", "执法人员与执法证", "/app/officers", Permission.officer_read),
        NavLink("事前公示", "法律法规", "/app/catalog/laws", Permission.catalog_read),
        NavLink("事前公示", "权力事项", "/app/catalog/power-items", Permission.catalog_read),
        NavLink("事前公示", "办事指南", "/app/catalog/guides", Permission.catalog_read),
        NavLink("事前公示", "随机抽查事项", "/app/catalog/random-checks", Permission.catalog_read),
        NavLink("事前公示", "事前公示发布", "/app/catalog/publish", Permission.publication_publish),
        NavLink("事前公示", "事前公示更新", "/app/catalog/updates", Permission.catalog_read),
    ),
    routers=(
        "zhifa.catalog.routes:pages",
        "zhifa.catalog.routes:api",
        "zhifa.catalog.laws.routes:pages",
        "zhifa.catalog.laws.routes:api",
        "zhifa.catalog.items.routes:pages",
        "zhifa.catalog.items.routes:api",
        "zhifa.catalog.publish_routes:pages",
        "zhifa.catalog.updates.routes:pages",
        "zhifa.catalog.updates.routes:api",
    ),
)
