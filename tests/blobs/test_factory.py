"""``open_store`` URLs: the forms that work and the mistakes that are refused."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from zhifa.blobs import (
    BlobStore,
    LocalBlobStore,
    StoreConfigError,
    StoreUnavailable,
    UnsupportedAlgorithm,
    open_store,
)


def test_file_url_opens_a_local_store(tmp_path: Path) -> None:
    store = open_store(f"file://{tmp_path}")
    assert isinstance(store, LocalBlobStore) and isinstance(store, BlobStore)
    assert (store.root, store.algorithm) == (tmp_path, "sha256")


def test_file_url_with_options(tmp_path: Path) -> None:
    root = tmp_path / "new" / "blobs"
    store = open_store(f"file://localhost{root}?algorithm=sm3&create=true")
    assert store.algorithm == "sm3" and root.is_dir()
    assert store.put(io.BytesIO(b"x")).digest.startswith("sm3:")


def test_file_url_with_a_default_retention(tmp_path: Path) -> None:
    store = open_store(f"file://{tmp_path}?retention_days=30")
    assert isinstance(store, LocalBlobStore)
    assert store.retention == timedelta(days=30)  # not a legal limit: a test setting
    assert open_store(f"file://{tmp_path}").retention is None  # type: ignore[attr-defined]
    with pytest.raises(StoreConfigError):
        open_store(f"file://{tmp_path}?retention_days=0")


def test_keyword_options_override_the_url(tmp_path: Path) -> None:
    store = open_store(f"file://{tmp_path}?algorithm=sm3", algorithm="sha256")
    assert store.algorithm == "sha256"


def test_percent_encoded_path(tmp_path: Path) -> None:
    root = tmp_path / "执法 blobs"
    root.mkdir()
    store = open_store("file://" + str(root).replace(" ", "%20"))
    assert isinstance(store, LocalBlobStore) and store.root == root


def test_missing_folder_is_not_created_silently(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable):
        open_store(f"file://{tmp_path}/absent")


@pytest.mark.parametrize(
    "url",
    [
        "blobs",  # no scheme
        "ftp://host/blobs",
        "file://otherhost/blobs",  # not local
        "file:relative/blobs",
        "file:///tmp?algoritm=sm3",  # typo must not be ignored
        "file:///tmp?create=maybe",
        "file:///tmp?create=1&create=0",
        "s3://bucket",  # no retention
        "s3://bucket?retention_days=0",
        "s3://bucket?retention_days=ten",
        "s3://key:secret@bucket?retention_days=1",  # credentials do not go in URLs
        "s3://bucket?retention_days=1&endpoint_url=http://x",  # misspelt setting
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreConfigError):
        open_store(url)


def test_credentials_never_appear_in_the_error() -> None:
    with pytest.raises(StoreConfigError) as caught:
        open_store("gopher://user:hunter2@host/x")
    assert "hunter2" not in str(caught.value)


def test_unknown_algorithm(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedAlgorithm):
        open_store(f"file://{tmp_path}?algorithm=md5")


def test_unknown_keyword_option(tmp_path: Path) -> None:
    with pytest.raises(StoreConfigError, match="retention_day"):
        open_store(f"file://{tmp_path}", retention_day=3)
