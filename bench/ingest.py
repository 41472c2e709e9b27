"""Media ingest benchmark: real H.264 videos of 1 GiB and 4 GiB uploaded with the tus
client (tuspy) over HTTP to a real `zhifa serve` process, beside `sha256sum` of the same
file in the same run, and the server's peak memory growth.

Run: .venv/bin/python bench/ingest.py [--sizes 1,4] [--chunk-mib 64] [--dir DIR]

Nothing is skipped on the server: each upload is hashed as it arrives, checked with PyAV
(start decoded, end read), put into the write-once blob store and recorded. The videos
are real MP4 files (intra-only H.264 frames of random pixels, repeated to the size), made
here in a few seconds. A small clip is uploaded first as a warm-up (it loads PyAV and the
code paths), and memory growth is measured from after it.

Aims (issue 5): wall time ≤ 2 × sha256sum, peak server memory growth < 100 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image
from tusclient.client import TusClient

from zhifa.blobs import open_store
from zhifa.core import schema
from zhifa.core.auth import Principal, issue_api_token
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.keys import ensure_ledger_signer
from zhifa.core.models import User
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.seed import seed_demo
from zhifa.enforcement import actions
from zhifa.enforcement.models import PowerItem
from zhifa.enforcement.parties import find_parties
from zhifa.enforcement.steps import procedure
from zhifa.recording.media.metadata import probe

GIB = 1024**3
MIB = 1024**2
OFFICER, PARTNER = "liuyang", "chenjing"


# ---- a data directory with an action and a token ------------------------------------------


def prepare(data_dir: Path) -> tuple[Settings, str, int]:
    settings = load_settings(data_dir, secret_key="b" * 40, checkpoint_interval_seconds=0)
    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_ledger_signer(settings)
    engine = make_engine(settings.resolved_database_url)
    schema.upgrade(engine)
    db = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    try:
        seed_demo(db)
        users = {
            u.username: u for u in db.query(User).filter(User.username.in_([OFFICER, PARTNER]))
        }
        officer = users[OFFICER]
        who = Principal(officer.id, officer.username, officer.full_name, officer.roles)
        proc = procedure("inspection.on_site")
        item = db.query(PowerItem).filter(PowerItem.kind == proc.kind).order_by(PowerItem.code)
        parties, _ = find_parties(db)
        action = actions.open_action(
            db,
            actions.ActionIn(
                procedure=proc.code,
                party_id=parties[0].party.id,
                power_item_id=item.first().id,
                title="基准测试：执法记录仪视频上传",
                officer_ids=[officer.id, users[PARTNER].id],
            ),
            who,
        )
        token = issue_api_token(db, officer.id, "基准测试", None)
        db.commit()
        return settings, token, action.id
    finally:
        db.close()
        engine.dispose()


# ---- real videos of a given size ------------------------------------------------------------


def make_video(path: Path, target: int, size: tuple[int, int] = (1280, 720)) -> Path:
    """An MP4 of about ``target`` bytes: 24 lossless intra frames of random pixels,
    encoded once, their packets then muxed again and again with running timestamps."""
    template = path.with_suffix(".template.mp4")
    with av.open(str(template), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0", "g": "1", "bf": "0"}
        for _ in range(24):
            image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
            frame = av.VideoFrame.from_image(image).reformat(format="yuv420p")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with av.open(str(template)) as source:
        video = source.streams.video[0]
        packets = [p for p in source.demux(video) if p.size]
        step = packets[1].pts - packets[0].pts
        payloads = [bytes(p) for p in packets]
        with av.open(str(path), "w", format="mp4") as out:
            out.metadata["creation_time"] = "2026-05-01T08:00:00.000000Z"
            copy = out.add_stream_from_template(video)
            written = index = 0
            while written < target:
                packet = av.Packet(payloads[index % len(payloads)])
                packet.stream = copy
                packet.time_base = video.time_base
                packet.pts = packet.dts = index * step
                packet.duration = step
                packet.is_keyframe = True
                out.mux(packet)
                written += packet.size
                index += 1
    template.unlink()
    return path


# ---- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZHIFA_SECRET_KEY": "b" * 40, "ZHIFA_CHECKPOINT_INTERVAL_SECONDS": "0"}
    command = [sys.executable, "-m", "zhifa.cli", "serve", "--data-dir", str(settings.data_dir)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("zhifa serve did not start") from None
            time.sleep(0.2)


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


# ---- measurements --------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    size: int
    sha256sum_s: float
    upload_s: float
    last_patch_s: float  # the final PATCH: its bytes plus the whole ingest
    hwm_growth_kib: int
    digest_ok: bool
    probe_s: float = 0.0  # in-process, same file, after the upload: the PyAV check
    put_s: float = 0.0  # in-process, same file, after the upload: a blob put (copy)


def sha256sum(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    output = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, output.stdout.split()[0]


def upload(
    base: str, token: str, action_id: int, path: Path, chunk: int
) -> tuple[float, float, str]:
    """Upload with tuspy; returns (wall seconds, seconds of the last PATCH, upload URL)."""
    client = TusClient(f"{base}/api/v1/uploads/", headers={"Authorization": f"Bearer {token}"})
    uploader = client.uploader(
        str(path), chunk_size=chunk, metadata={"action": str(action_id), "filename": path.name}
    )
    start = time.perf_counter()
    uploader.set_url(uploader.create_url())
    last = 0.0
    while uploader.offset < uploader.stop_at:
        began = time.perf_counter()
        uploader.upload_chunk()
        last = time.perf_counter() - began
    return time.perf_counter() - start, last, uploader.url


def media_digest(base: str, token: str, url: str) -> str:
    auth = {"Authorization": f"Bearer {token}"}
    head = urllib.request.Request(url, method="HEAD", headers={"Tus-Resumable": "1.0.0", **auth})
    with urllib.request.urlopen(head) as response:
        media_id = response.headers["Zhifa-Media-Id"]
    request = urllib.request.Request(f"{base}/api/v1/media/{media_id}?purpose=case", headers=auth)
    with urllib.request.urlopen(request) as response:
        return str(json.load(response)["digest"])


def parts(path: Path, scratch: Path) -> tuple[float, float]:
    """The two ingest steps timed alone on the same file: PyAV check, blob put."""
    start = time.perf_counter()
    probe(path)
    probed = time.perf_counter()
    store = open_store(f"file://{scratch}", create=True)
    with path.open("rb") as stream:
        store.put(stream)
    put = time.perf_counter()
    shutil.rmtree(scratch)
    return probed - start, put - probed


def measure(label: str, path: Path, server: Server, chunk: int, scratch: Path) -> Run:
    sum_seconds, hexdigest = sha256sum(path)  # also warms the page cache for both
    before = memory_kib(server.pid)
    wall, last, url = upload(server.base, server.token, server.action_id, path, chunk)
    after = memory_kib(server.pid)
    digest = media_digest(server.base, server.token, url)
    probe_s, put_s = parts(path, scratch)
    return Run(
        label=label,
        size=path.stat().st_size,
        sha256sum_s=sum_seconds,
        upload_s=wall,
        last_patch_s=last,
        hwm_growth_kib=after["VmHWM"] - before["VmHWM"],
        digest_ok=digest == f"sha256:{hexdigest}",
        probe_s=probe_s,
        put_s=put_s,
    )


@dataclass
class Server:
    base: str
    pid: int
    token: str
    action_id: int


def report(runs: list[Run], start_kib: dict[str, int], warm_kib: dict[str, int]) -> None:
    print()
    print(f"server after start:   VmHWM {start_kib['VmHWM'] / 1024:7.1f} MiB")
    print(f"server after warm-up: VmHWM {warm_kib['VmHWM'] / 1024:7.1f} MiB")
    print()
    header = (
        f"{'file':<24}{'MiB':>6}{'sha256sum':>11}{'tus upload':>12}{'ratio':>8}"
        f"{'last PATCH':>12}{'MB/s':>7}{'peak +MiB':>11}{'digest':>8}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        ratio = run.upload_s / run.sha256sum_s
        print(
            f"{run.label:<24}{run.size / MIB:>6.0f}{run.sha256sum_s:>10.2f}s"
            f"{run.upload_s:>11.2f}s{ratio:>7.2f}×{run.last_patch_s:>11.2f}s"
            f"{run.size / 1e6 / run.upload_s:>7.0f}{run.hwm_growth_kib / 1024:>11.1f}"
            f"{'ok' if run.digest_ok else 'WRONG':>8}"
        )
    print()
    print("Where the time goes: transfer = wall − last PATCH (measured); PyAV check and blob")
    print("put timed alone on the same file in this process afterwards (warm cache, so the")
    print("put inside the server, racing the upload's own writeback, takes longer).")
    header = (
        f"{'file':<24}{'transfer':>10}{'MB/s':>7}{'PyAV check':>12}{'blob put':>10}"
        f"{'no-copy est.':>14}{'ratio':>8}"
    )
    print(header)
    for run in runs:
        transfer = run.upload_s - run.last_patch_s
        estimate = transfer + run.probe_s
        print(
            f"{run.label:<24}{transfer:>9.2f}s{run.size / 1e6 / transfer:>7.0f}"
            f"{run.probe_s:>11.2f}s{run.put_s:>9.2f}s{estimate:>13.2f}s"
            f"{estimate / run.sha256sum_s:>7.2f}×"
        )
    print()
    print("aims: ratio ≤ 2.00×, peak growth < 100 MiB (VmHWM after − before each upload,")
    print("      measured from after the warm-up). Media validation was NOT skipped.")
    print("'last PATCH' = the final chunk plus the whole ingest (PyAV check, blob put, record).")
    print("'no-copy est.' = transfer + PyAV check: the upload if the blob store could adopt")
    print("      the finished file instead of copying it (an estimate, not a measurement).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="file sizes in GiB, comma-separated")
    parser.add_argument("--chunk-mib", type=int, default=64, help="tus PATCH size in MiB")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s]
    work = Path(tempfile.mkdtemp(prefix="zhifa-bench-ingest-", dir=args.dir))
    need = int(max(sizes) * GIB * 3 + sum(sizes) * GIB + GIB)
    free = shutil.disk_usage(work).free
    if free < need:
        shutil.rmtree(work)
        raise SystemExit(f"not enough disk: {free / GIB:.1f} GiB free, {need / GIB:.1f} needed")
    print(f"work folder {work} ({free / GIB:.0f} GiB free)")
    process = None
    try:
        settings, token, action_id = prepare(work / "data")
        port = free_port()
        process = start_server(settings, port)
        server = Server(f"http://127.0.0.1:{port}", process.pid, token, action_id)
        start_kib = memory_kib(process.pid)
        chunk, scratch = args.chunk_mib * MIB, work / "scratch-store"

        print("making videos …", flush=True)
        warm = make_video(work / "warmup.mp4", 64 * MIB)
        runs = [measure("64 MiB H.264 (warm-up)", warm, server, chunk, scratch)]
        warm_kib = memory_kib(process.pid)
        for size in sizes:
            label = f"{size:g} GiB H.264 MP4"
            path = make_video(work / f"video-{size:g}g.mp4", int(size * GIB))
            print(f"uploading {label} …", flush=True)
            runs.append(measure(label, path, server, chunk, scratch))
            path.unlink()  # keep the disk use down
        report(runs, start_kib, warm_kib)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
