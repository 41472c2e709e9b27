"""Transfer packages (移交): BagIt bags with SHA-256 and SM3 manifests, the 卷内目录, each
item's metadata and its ledger evidence, written in one streaming pass and verified
offline (`verify_bag`) without the database."""

from .source import CatalogueEntry, LedgerEvidence, PackageItem, PackageSource
from .verify import BagReport, Finding, verify_bag
from .writer import PackageRefused, write_bag

__all__ = [
    "BagReport",
    "CatalogueEntry",
    "Finding",
    "LedgerEvidence",
    "PackageItem",
    "PackageRefused",
    "PackageSource",
    "verify_bag",
    "write_bag",
]
