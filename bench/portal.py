"""Public portal benchmark (issue 6 point 11): search and detail pages of the portal-only
server with N published snapshots, under concurrent keep-alive load, against a minimal
endpoint (/healthz) of the same server in the same run.

Run: .venv/bin/python bench/portal.py [--n 1000000] [--clients 4] [--seconds 5]

The portal tables are filled directly (bulk, varied Chinese content) with the store's own
snapshot form and indexing function (`portal_store.IndexText`), then the search index is
optimised. The database is cached under --cache-dir (one per N), so a rerun starts the
server at once. The server is `create_portal_app` (the `zhifa serve --portal-only` app,
table guard on) under uvicorn in a subprocess, access log off. Each client process holds
one HTTP/1.1 keep-alive connection and sends requests back to back.

Aim (issue 6): search p95 <= 100 ms; detail throughput >= 50% of the minimal endpoint's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from zhifa.core import schema
from zhifa.core.db import make_engine
from zhifa.core.keys import ensure_ledger_signer
from zhifa.core.settings import load_settings
from zhifa.publicity import snapshots
from zhifa.publicity.portal import decisions as portal_store
from zhifa.publicity.rules import ITEMS, KIND_LABELS

SECRET = "bench-portal-" + "x" * 32

# ---- content ------------------------------------------------------------------------------

PLACES = ["长寿", "真如", "长征", "桃浦", "万里", "甘泉", "宜川", "石泉", "曹杨", "长风", "普陀"]
NAMES = ["恒达", "新安", "华润", "振兴", "永盛", "金桥", "宏远", "东方", "信和", "联创", "盛世"]
NAMES += ["嘉禾", "鼎力", "瑞丰", "汇通", "中宁", "天成", "力拓", "百川", "安泰", "昌隆"]
INDUSTRIES = ["化工", "物流", "机械制造", "商贸", "建筑工程", "燃气", "仓储", "印刷", "食品"]
INDUSTRIES += ["金属制品", "家具", "纺织", "电子", "餐饮管理", "物业管理", "涂料"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾")
VIOLATIONS = [
    "未按照规定对从业人员进行安全生产教育和培训",
    "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
    "未建立事故隐患排查治理制度",
    "未按照规定制定生产安全事故应急救援预案或者未定期组织演练",
    "特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业",
    "危险化学品未储存在专用仓库内",
    "未对安全设备进行经常性维护、保养和定期检测",
    "生产经营单位的主要负责人未履行安全生产管理职责",
    "未如实记录安全生产教育和培训情况",
    "使用应当淘汰的危及生产安全的工艺、设备",
]
RARE_VIOLATIONS = ["烟花爆竹批发企业超量储存烟花爆竹", "锅炉压力表未按期校验"]
BASES = [
    "《中华人民共和国安全生产法》第九十七条第三项",
    "《中华人民共和国安全生产法》第九十九条第一项",
    "《中华人民共和国安全生产法》第一百零一条第二项",
    "《危险化学品安全管理条例》第八十条第一款第一项",
    "《生产安全事故应急预案管理办法》第四十五条第一项",
    "《工贸企业粉尘防爆安全规定》第三十条",
]
UNITS = ["上海市普陀区应急管理局"] * 8 + ["上海市普陀区消防救援支队", "上海市普陀区市场监督管理局"]
MEASURES = ["查封", "扣押"]
OBJECTS = ["危险化学品", "液化石油气钢瓶", "违规使用的生产设备", "无证经营的烟花爆竹", "易燃涂料"]
LICENSES = [
    "危险化学品经营许可证",
    "烟花爆竹经营（零售）许可证",
    "非药品类易制毒化学品经营备案证明",
]


def _party(rng: random.Random) -> tuple[str, str, str]:
    if rng.random() < 0.2:
        return f"{rng.choice(SURNAMES)}某某", "自然人", ""
    name = f"上海{rng.choice(PLACES)}{rng.choice(NAMES)}{rng.choice(INDUSTRIES)}有限公司"
    uscc = "91310107" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))
    return name, "法人及非法人组织", uscc


def _violation(rng: random.Random) -> str:
    return rng.choice(RARE_VIOLATIONS) if rng.random() < 0.002 else rng.choice(VIOLATIONS)


def _values(rng: random.Random, kind: str, i: int, decided: date) -> dict[str, str]:
    party, category, uscc = _party(rng)
    unit = rng.choice(UNITS)
    place = f"上海市普陀区{rng.choice(PLACES)}路{rng.randint(1, 2000)}号"
    common = {
        "party_name": party,
        "party_category": category,
        "uscc": uscc,
        "legal_representative": f"{rng.choice(SURNAMES)}某" if uscc else "",
        "decided_on": decided.isoformat(),
        "public_until": (decided + timedelta(days=365)).isoformat(),
        "authority": unit,
        "source": unit,
    }
    if kind == "penalty":
        fine = rng.choice([5000, 10000, 20000, 30000, 50000, 80000, 100000])
        violation = _violation(rng)
        return {
            **common,
            "doc_number": f"（普）应急罚〔{decided.year}〕{i % 9000 + 1}号",
            "violation_type": violation,
            "facts": f"经查，当事人于{decided.year}年{decided.month}月在{place}{violation}。"
            f"执法人员现场检查发现{rng.randint(2, 9)}处问题，当事人对事实无异议。",
            "basis": rng.choice(BASES),
            "category": "罚款" if rng.random() < 0.85 else "警告;罚款",
            "content": f"处以罚款人民币{fine}元"
            if rng.random() < 0.85
            else f"警告，并处罚款{fine}元",
            "fine_wan": f"{fine / 10000:.4f}",
        }
    if kind == "compulsion":
        measure = rng.choice(MEASURES)
        return {
            **common,
            "doc_number": f"（普）应急强〔{decided.year}〕{i % 9000 + 1}号",
            "measure": f"{measure}{rng.choice(OBJECTS)}",
            "facts": f"当事人在{place}{_violation(rng)}，存在重大事故隐患。",
            "basis": "《中华人民共和国安全生产法》第六十五条第一款第四项",
            "objects": f"{rng.choice(OBJECTS)}{rng.randint(1, 80)}件",
            "period": f"自{decided.isoformat()}起30日",
        }
    name = rng.choice(LICENSES)
    return {
        **common,
        "doc_title": "准予行政许可决定书",
        "doc_number": f"（普）应急许〔{decided.year}〕{i % 9000 + 1}号",
        "category": "普通",
        "certificate_name": name,
        "license_number": f"沪普应急经字〔{decided.year}〕{i:07d}",
        "content": f"准予核发{name}，经营场所：{place}",
        "valid_from": decided.isoformat(),
        "valid_until": (decided + timedelta(days=3 * 365)).isoformat(),
        "status": "有效",
    }


def _snapshot(kind: str, values: dict[str, str]) -> dict[str, Any]:
    return {
        "format": snapshots.FORMAT,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "items": [
            {"key": k, "label": label, "value": values.get(k, "")} for k, label in ITEMS[kind]
        ],
    }


# ---- building the cached database ----------------------------------------------------------

_ENTRY_SQL = (
    "INSERT INTO portal_entry (id, seq, sort_key, kind, status, version, publication_id, unit_name,"
    " party_name, doc_number, summary, decided_on, published_on, public_until, snapshot_json,"
    " digest, ledger_index, note, changed_on, search_vector, updated_at)"
    " VALUES (?, ?, ?, ?, 'current', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, NULL, ?)"
)
_VERSION_SQL = (
    "INSERT INTO portal_version (entry_id, version, event, occurred_on, note, digest, ledger_index)"
    " VALUES (?, 1, 'publish', ?, '', ?, ?)"
)
_FTS_SQL = "INSERT INTO portal_search (rowid, body, party, unit, kind) VALUES (?, ?, ?, ?, ?)"


def _rows(n: int, seed: int) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]]:
    rng = random.Random(seed)
    start = date(2023, 1, 2)
    for i in range(1, n + 1):
        kind = rng.choices(["penalty", "compulsion", "license"], [70, 15, 15])[0]
        decided = start + timedelta(days=(i * 1300) // n)  # in order of decision
        values = _values(rng, kind, i, decided)
        snap = _snapshot(kind, values)
        text = snapshots.canonical(snap)
        digest = snapshots.digest(text)
        published = decided + timedelta(days=rng.randint(1, 9))
        words = portal_store.index_text(snap).fts_row()
        summary = portal_store.summary_of(portal_store.item_values(snap))
        until = values["public_until"]
        key = portal_store.sort_key(decided, i)
        entry = (i, i, key, kind, i, values["authority"], values["party_name"])
        entry += (values["doc_number"],)
        entry += (summary, decided.isoformat(), published.isoformat(), until, text, digest, i * 3)
        entry += (f"{published.isoformat()} 02:00:00.000000",)
        yield entry, (i, published.isoformat(), digest, i * 3), (-key, *words.values())


def build(path: Path, n: int, seed: int) -> None:
    settings = load_settings(path.parent, secret_key=SECRET)
    engine = make_engine(settings.resolved_database_url)
    schema.upgrade(engine)
    engine.dispose()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-400000")
    started = time.perf_counter()
    batch: list[Any] = []
    for row in _rows(n, seed):
        batch.append(row)
        if len(batch) == 20_000:
            _write(db, batch)
            print(f"  {row[0][0]:>9,} / {n:,} ({time.perf_counter() - started:.0f} s)", flush=True)
            batch = []
    _write(db, batch)
    print("  optimising the search index …", flush=True)
    db.execute("INSERT INTO portal_search (portal_search) VALUES ('optimize')")
    db.execute("ANALYZE")
    db.close()
    (path.parent / "complete").write_text(str(n))
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def _write(db: sqlite3.Connection, batch: list[Any]) -> None:
    db.execute("BEGIN")
    db.executemany(_ENTRY_SQL, [r[0] for r in batch])
    db.executemany(_VERSION_SQL, [r[1] for r in batch])
    db.executemany(_FTS_SQL, [r[2] for r in batch])
    db.execute("COMMIT")


def database(cache_dir: Path, n: int, seed: int) -> Path:
    folder = cache_dir / f"portal-{n}-{seed}"
    path = folder / "zhifa.sqlite3"
    if (folder / "complete").exists():
        print(f"using cached database {path}")
        return path
    if folder.exists():
        for old in folder.iterdir():
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    print(f"building {n:,} published snapshots into {path}")
    build(path, n, seed)
    return path


# ---- the server ---------------------------------------------------------------------------

_SERVER = """
import sys, uvicorn
from zhifa.core.settings import load_settings
from zhifa.web.app import create_portal_app
settings = load_settings(__import__("pathlib").Path(sys.argv[1]), secret_key=sys.argv[3])
uvicorn.run(create_portal_app(settings), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    # The portal process needs the log's public key (keys/ledger.pub), as `zhifa init`
    # writes it; a data directory built by an earlier version of this script has none.
    ensure_ledger_signer(load_settings(data_dir, secret_key=SECRET))
    port = _free_port()
    args = [sys.executable, "-c", _SERVER, str(data_dir), str(port), SECRET]
    process = subprocess.Popen(args)
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the portal server did not start")


# ---- load ---------------------------------------------------------------------------------


def _request(sock: socket.socket, reader: Any, path: str) -> int:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    reader.read(length)
    return status


def _client(port: int, paths: list[str], seconds: float, offset: int, out: Any) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    i = offset
    while (now := time.perf_counter()) < deadline:
        status = _request(sock, reader, paths[i % len(paths)])
        latencies.append(time.perf_counter() - now)
        errors += status >= 400
        i += 1
    sock.close()
    out.put((latencies, errors))


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    out: Any = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_client, args=(port, paths, seconds, k * 997, out))
        for k in range(clients)
    ]
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    latencies = sorted(x for r in results for x in r[0])
    return {
        "requests": len(latencies),
        "errors": sum(r[1] for r in results),
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def _search(**params: str) -> str:
    return "/search?" + urllib.parse.urlencode(params)


def scenarios(n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed + 1)
    ids = [rng.randint(1, n) for _ in range(2000)]
    return {
        "minimal /healthz": ["/healthz"],
        "search common 2-char 罚款": [_search(q="罚款")],
        "search rare 2-char 校验": [_search(q="校验")],
        "search medium 2-char 爆竹": [_search(q="爆竹")],
        "search no match 地震": [_search(q="地震")],
        "search common longer 安全生产教育": [_search(q="安全生产教育")],
        "search rare longer 压力表未按期校验": [_search(q="压力表未按期校验")],
        "search 1-char 锅": [_search(q="锅")],
        "search 2 terms 罚款 化工": [_search(q="罚款 化工")],
        "search + kind + from date": [_search(q="罚款", kind="penalty", **{"from": "2025-01-01"})],
        "search 罚款 in licences (none)": [_search(q="罚款", kind="license")],
        "search + old date range": [
            _search(q="罚款", **{"from": "2023-01-01", "to": "2023-02-28"})
        ],
        "search party 化工, page 3": [_search(party="化工", page="3")],
        "search mixed (all above)": [
            _search(q=q) for q in ("罚款", "爆竹", "危险化学品", "查封", "许可证", "警示标志")
        ],
        "detail /p/<id>": [f"/p/{i}" for i in ids],
        "detail json /p/<id>.json": [f"/p/{i}.json" for i in ids],
        "home /": ["/"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--n",
        type=int,
        default=20_000,
        help="published snapshots (default 20,000; the issue's figure: 1000000)",
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="concurrent keep-alive client processes (default 4)"
    )
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="seconds of load per scenario (default 3)"
    )
    parser.add_argument("--seed", type=int, default=7, help="content seed (default 7)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "zhifa-bench",
        help="where generated databases are kept between runs (default: $TMPDIR/zhifa-bench)",
    )
    options = parser.parse_args()
    path = database(options.cache_dir, options.n, options.seed)
    server, port = start_server(path.parent)
    try:
        _report(port, options)
    finally:
        server.terminate()
        server.wait(10)


def _report(port: int, options: argparse.Namespace) -> None:
    runs = scenarios(options.n, options.seed)
    for paths in runs.values():  # warm the page cache and the templates
        for path in paths[:3]:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
    print(
        f"\nportal-only server, {options.n:,} published snapshots, {options.clients} keep-alive"
        f" clients x {options.seconds:g} s per row, {os.cpu_count()} CPUs\n"
    )
    print(f"{'scenario':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'rps/minimal':>13}{'errors':>8}")
    base = 0.0
    figures: dict[str, dict[str, float]] = {}
    for name, paths in runs.items():
        row = load(port, paths, options.clients, options.seconds)
        figures[name] = row
        base = base or row["rps"]
        print(
            f"{name:<34}{row['rps']:>9.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}"
            f"{row['rps'] / base:>12.0%}{row['errors']:>8.0f}",
            flush=True,
        )
    worst = max(v["p95"] for k, v in figures.items() if k.startswith("search"))
    detail = figures["detail /p/<id>"]["rps"] / base
    print(f"\nsearch p95 worst: {worst:.1f} ms (aim <= 100 ms): {_met(worst <= 100)}")
    print(f"detail throughput: {detail:.0%} of minimal (aim >= 50%): {_met(detail >= 0.5)}")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
