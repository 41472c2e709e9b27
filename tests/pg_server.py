"""A PostgreSQL server for the suite: the one on 127.0.0.1:5432 when it answers (trust
auth), otherwise a throw-away cluster from Debian's binaries in a temporary folder."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg


def _answers(port: int) -> bool:
    try:
        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=postgres dbname=postgres", connect_timeout=3
        ):
            return True
    except psycopg.Error:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "未找到 PostgreSQL 程序：请安装 Debian 软件包 postgresql（make test 会安装）"
        )
    return Path(found[-1]).parent


def _as_postgres_user(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the postgres user.
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def throwaway_cluster() -> Iterator[int]:
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="zhifa-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    subprocess.run(
        _as_postgres_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off"
    subprocess.run(
        _as_postgres_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if time.monotonic() > deadline:
                raise RuntimeError("临时 PostgreSQL 未能启动")
            time.sleep(0.2)
        yield port
    finally:
        subprocess.run(
            _as_postgres_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            ),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[int]:
    if _answers(5432):
        yield 5432
        return
    with throwaway_cluster() as port:
        yield port


def create_database(port: int, template: str | None = None) -> str:
    """A new database, empty or as a copy of ``template`` (a URL made by this function)."""
    name = f"zhifa_test_{uuid.uuid4().hex[:10]}"
    clause = f' TEMPLATE "{template.rsplit("/", 1)[-1]}"' if template else ""
    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"


def drop_database(port: int, url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
