"""Schema management: every table's metadata and Alembic upgrades."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

from zhifa.core.db import Base
from zhifa.core.features import registry
from zhifa.ledger import metadata as ledger_metadata


def all_metadata() -> list[MetaData]:
    """Every table: the ledger's and those of the model modules the features' manifests
    name (importing a model module declares its tables on the metadata)."""
    for name in registry().models:
        import_module(name)
    return [Base.metadata, ledger_metadata]


# Tables a migration makes that no model declares, on purpose: SQLite's FTS5 full-text
# table of the public portal (0010) and the shadow tables FTS5 keeps for it.
UNMODELLED_TABLES = ("portal_search",)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """For schema comparison (autogenerate, tests/test_schema.py): skip those tables."""
    unmodelled = type_ == "table" and any(
        name == t or str(name).startswith(f"{t}_") for t in UNMODELLED_TABLES
    )
    return not unmodelled


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
