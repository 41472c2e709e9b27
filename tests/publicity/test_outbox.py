"""The transactional outbox against real HTTP receivers (a local server on 127.0.0.1), on
SQLite and PostgreSQL: a receiver that fails for a while (503, connection reset, a reply
lost after it took the message, a reply slower than the time-out) and then recovers gets
every message exactly once; back-off with an injected clock; failure after the maximum and
a manual retry; a failing channel does not hold up another; two workers never deliver
the same delivery twice; the webhook's HMAC signature verifies."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import csrf_of
from tests.enforcement.test_actions import _as
from tests.publicity.test_flow import _decision, _obligation
from zhifa.core.audit import check_rows
from zhifa.core.db import make_engine, make_session_factory, transaction, utcnow
from zhifa.core.settings import Settings
from zhifa.publicity import outbox
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.channels.webhook import SIGNATURE_HEADER
from zhifa.publicity.models import Channel, Delivery, DeliveryStatus, Publication
from zhifa.publicity.outbox import backoff, deliver_due, enqueue
from zhifa.web.app import create_app

SECRET = "test-secret-for-hmac-0123456789"

# ---- a real HTTP receiver -------------------------------------------------------------------


@dataclass
class Receiver:
    """Takes webhook POSTs; `plan` says how to (mis)behave for the next requests, then it
    answers 200. It keeps each idempotency key's message once (a duplicate is answered
    with the same receipt and not stored again), as a well-behaved receiver must."""

    secret: str = ""
    plan: list[str] = field(default_factory=list)
    always: str = "ok"  # the behaviour once the plan is used up
    slow_seconds: float = 1.0
    accepted: dict[str, dict] = field(default_factory=dict)
    stored: list[str] = field(default_factory=list)  # every time a message was stored
    requests: list[tuple[str, str]] = field(default_factory=list)  # (key, behaviour)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def next_mode(self, key: str) -> str:
        with self.lock:
            mode = self.plan.pop(0) if self.plan else self.always
            self.requests.append((key, mode))
            return mode

    def take(self, key: str, body: bytes) -> str:
        with self.lock:
            if key not in self.accepted:
                self.accepted[key] = json.loads(body)
                self.stored.append(key)
            return f"R-{list(self.accepted).index(key) + 1}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        return

    def _reply(self, status: int, data: dict) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _reset(self) -> None:
        # RST instead of a reply: the client sees "connection reset by peer".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_POST(self) -> None:
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers["Idempotency-Key"]
        mode = receiver.next_mode(key)
        if mode.isdigit():  # answer with that status, without taking the message
            return self._reply(int(mode), {"error": "拒收或暂不可用"})
        if mode == "reset":
            return self._reset()
        if receiver.secret:
            expected = (
                "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
            )
            if not hmac.compare_digest(expected, self.headers.get(SIGNATURE_HEADER, "")):
                receiver.bad_signatures += 1
                return self._reply(401, {"error": "签名错误"})
        receipt = receiver.take(key, body)
        if mode == "lost":  # took the message, the reply never arrives
            return self._reset()
        if mode == "slow":  # took the message, replies after the client gave up
            time.sleep(receiver.slow_seconds)
        if mode == "delay":
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            self._reply(200, {"receipt": receipt})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


Serve = Callable[[Receiver], Receiver]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Starts receivers on free loopback ports; stops them after the test."""
    servers: list[_Server] = []

    def start(receiver: Receiver) -> Receiver:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.receiver = receiver
        receiver.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# ---- a configured instance --------------------------------------------------------------------


@dataclass
class Instance:
    client: TestClient
    factory: sessionmaker[Session]
    settings: Settings


def configured(settings: Settings, urls: dict[str, str], **extra: object) -> Settings:
    """The test's instance with channel addresses, no background worker (the test drives
    `deliver_due` with its own clock) and a short HTTP time-out."""
    values: dict[str, object] = {
        "channel_urls": urls,
        "channel_secrets": {code: SECRET for code in urls},
        "outbox_interval_seconds": 0,
        # Generous: a loaded CI machine must not turn a normal reply into a time-out.
        "outbox_timeout_seconds": 5,
        **extra,
    }
    return settings.model_copy(update=values)


@pytest.fixture
def instance_of(settings: Settings) -> Iterator:
    made: list[Instance] = []

    def make(urls: dict[str, str], **extra: object) -> Instance:
        conf = configured(settings, urls, **extra)
        client = TestClient(create_app(conf), follow_redirects=False)
        client.__enter__()
        engine = make_engine(conf.resolved_database_url)
        made.append(
            Instance(client, make_session_factory(engine, actor_key=conf.ledger_actor_key()), conf)
        )
        return made[-1]

    yield make
    for inst in made:
        inst.client.__exit__(None, None, None)
        inst.factory.kw["bind"].dispose()


def enable(client: TestClient, db_factory: sessionmaker[Session], code: str) -> None:
    """An administrator enables the channel through its page."""
    _as(client, "admin")
    with db_factory() as db:
        channel = db.scalar(select(Channel).where(Channel.code == code))
        assert channel is not None
        channel_id = channel.id
    page = client.get("/app/publicity/channels")
    assert page.status_code == 200 and code in page.text
    done = client.post(
        f"/app/publicity/channels/{channel_id}/enabled",
        data={"enabled": "1", "csrf_token": csrf_of(page.text)},
    )
    assert done.status_code == 303, done.text


def publish_one(inst: Instance, db: Session) -> int:
    """A penalty decision drafted, reviewed and published by the legal section; its id."""
    _, document_id, _ = _decision(inst.client, db)
    ob = _obligation(inst.client, document_id)
    _as(inst.client, "legal")
    pub = inst.client.post(
        f"/api/v1/publicity/obligations/{ob['id']}/draft", json={"severity": "general"}
    ).json()
    url = f"/api/v1/publicity/publications/{pub['id']}"
    assert inst.client.post(f"{url}/review", json={}).status_code == 200
    assert inst.client.post(f"{url}/publish").status_code == 200
    return int(pub["id"])


def add_event(inst: Instance, publication_id: int, event: OutboxEvent, note: str = "") -> int:
    with transaction(inst.factory) as db:
        pub = db.get(Publication, publication_id)
        assert pub is not None
        return enqueue(db, pub, event, note).id


def deliveries(inst: Instance, code: str) -> list[Delivery]:
    with inst.factory() as db:
        return list(
            db.scalars(
                select(Delivery)
                .join(Channel, Channel.id == Delivery.channel_id)
                .where(Channel.code == code)
                .order_by(Delivery.id)
            )
        )


OUTBOX_TABLES = (
    "publication_channel",
    "publication_outbox",
    "publication_delivery",
    "credit_export_batch",
    "credit_export_row",
)


def assert_ledgered(inst: Instance) -> None:
    """Every outbox row matches its latest ledger entry (each change was recorded)."""
    with inst.factory() as session:
        findings = [f for f in check_rows(session) if f.subject.startswith(OUTBOX_TABLES)]
    assert findings == []


def run_until_done(inst: Instance, start_at: datetime, rounds: int = 30) -> datetime:
    """Worker rounds, each two hours after the last (past any back-off), until nothing
    is pending on an enabled channel."""
    now = start_at
    for _ in range(rounds):
        report = deliver_due(inst.factory, inst.settings, now=now)
        if report.attempted == 0:
            return now
        now += timedelta(hours=2)
    raise AssertionError("deliveries still pending")


# ---- tests -----------------------------------------------------------------------------------


def test_receiver_down_then_up_gets_each_message_once(
    serve: Serve, instance_of, db: Session
) -> None:
    plan = ["503", "reset", "lost", "slow", "503", "lost"]
    hook = serve(Receiver(secret=SECRET, plan=plan, slow_seconds=4))
    inst = instance_of({"district_portal": hook.url}, outbox_timeout_seconds=2)
    enable(inst.client, inst.factory, "district_portal")
    pub_id = publish_one(inst, db)
    add_event(inst, pub_id, OutboxEvent.correct, "更正：罚款金额笔误")
    add_event(inst, pub_id, OutboxEvent.withdraw, "决定已被撤销")

    sent = deliveries(inst, "district_portal")
    assert len(sent) == 3 and all(d.status is DeliveryStatus.pending for d in sent)
    # the portal (inline) had them at once, in the publishing transaction
    assert all(d.status is DeliveryStatus.delivered for d in deliveries(inst, "portal"))

    run_until_done(inst, utcnow())

    done = deliveries(inst, "district_portal")
    keys = {d.idempotency_key for d in done}
    assert all(d.status is DeliveryStatus.delivered for d in done)
    # every message arrived, and was stored exactly once
    assert set(hook.accepted) == keys and sorted(hook.stored) == sorted(keys)
    # the lost and slow replies made the worker send again: the same key, deduplicated
    sent_keys = [key for key, _ in hook.requests]
    assert len(sent_keys) == 3 + 6 and set(sent_keys) == keys
    assert all(d.receipt.startswith("R-") for d in done)
    assert sum(d.attempts for d in done) == 9
    assert hook.bad_signatures == 0
    # the payload carries the public fields
    events = sorted(body["event"] for body in hook.accepted.values())
    assert events == ["correct", "publish", "withdraw"]
    body = next(b for b in hook.accepted.values() if b["event"] == "withdraw")
    assert body["note"] == "决定已被撤销" and body["publication_id"] == pub_id
    with inst.factory() as session:
        pub = session.get(Publication, pub_id)
        assert pub is not None
        assert body["digest"] == pub.digest and body["ledger_index"] == pub.ledger_index
        assert body["version"] == pub.version and body["snapshot"]["kind"] == "penalty"
    assert_ledgered(inst)


def test_backoff_failure_after_maximum_and_manual_retry(
    serve: Serve, instance_of, db: Session
) -> None:
    hook = serve(Receiver(always="503"))
    inst = instance_of({"district_portal": hook.url}, outbox_max_attempts=3)
    enable(inst.client, inst.factory, "district_portal")
    publish_one(inst, db)
    t0 = utcnow()

    assert deliver_due(inst.factory, inst.settings, now=t0).retrying == 1
    first = deliveries(inst, "district_portal")[0]
    assert first.attempts == 1 and "503" in first.last_error
    assert first.next_attempt_at is not None
    wait = first.next_attempt_at - t0
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=30)
    # not due before its time: nothing is attempted
    assert deliver_due(inst.factory, inst.settings, now=t0 + timedelta(seconds=20)).attempted == 0

    t1 = first.next_attempt_at
    assert deliver_due(inst.factory, inst.settings, now=t1).retrying == 1
    second = deliveries(inst, "district_portal")[0]
    assert second.next_attempt_at is not None
    assert timedelta(seconds=48) <= second.next_attempt_at - t1 <= timedelta(seconds=60)

    t2 = second.next_attempt_at
    assert deliver_due(inst.factory, inst.settings, now=t2).failed == 1
    failed = deliveries(inst, "district_portal")[0]
    assert failed.status is DeliveryStatus.failed and failed.attempts == 3
    assert failed.next_attempt_at is None
    assert deliver_due(inst.factory, inst.settings, now=t2 + timedelta(days=9)).attempted == 0
    assert len(hook.requests) == 3

    # staff see it, and retry once the receiver is back
    _as(inst.client, "legal")
    page = inst.client.get("/app/publicity/deliveries?status=failed")
    assert page.status_code == 200 and "对方返回 HTTP 503" in page.text and "重试" in page.text
    hook.always = "ok"
    retried = inst.client.post(
        f"/app/publicity/deliveries/{failed.id}/retry", data={"csrf_token": csrf_of(page.text)}
    )
    assert retried.status_code == 303
    assert (
        deliver_due(inst.factory, inst.settings, now=utcnow() + timedelta(seconds=1)).delivered == 1
    )
    ok = deliveries(inst, "district_portal")[0]
    assert ok.status is DeliveryStatus.delivered and ok.receipt == "R-1"
    assert list(hook.accepted) == [ok.idempotency_key]
    assert_ledgered(inst)


def test_backoff_doubles_to_a_cap_with_jitter() -> None:
    rng = random.Random(7)
    for attempts, full in [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (30, 3600)]:
        wait = backoff(attempts, rng).total_seconds()
        assert full * 0.8 <= wait <= full


def test_failing_channel_blocks_nothing_else(serve: Serve, instance_of, db: Session) -> None:
    down = serve(Receiver(always="503"))
    up = serve(Receiver(secret=SECRET))
    refuses = serve(Receiver(always="400"))
    inst = instance_of(
        {"district_portal": down.url, "yiwangtongban": up.url, "wechat": refuses.url}
    )
    for code in ("district_portal", "yiwangtongban", "wechat"):
        enable(inst.client, inst.factory, code)
    pub_id = publish_one(inst, db)
    now = utcnow()
    report = deliver_due(inst.factory, inst.settings, now=now)
    assert (report.delivered, report.retrying, report.failed) == (1, 1, 1)
    # a later message goes through on the healthy channel while the other still fails
    add_event(inst, pub_id, OutboxEvent.correct, "更正说明")
    report = deliver_due(inst.factory, inst.settings, now=now + timedelta(minutes=5))
    # the failing channel is tried once per round, then rests: one call, not one per message
    assert (report.delivered, report.retrying, report.failed) == (1, 1, 1)
    assert len(down.requests) == 2
    assert len(up.accepted) == 2 and not down.accepted
    # a 4xx other than 408/429 fails at once: the same request would never be accepted
    refused = deliveries(inst, "wechat")
    assert [d.status for d in refused] == [DeliveryStatus.failed] * 2
    assert all(d.attempts == 1 and "HTTP 400" in d.last_error for d in refused)
    # nothing lost: the failing channel's messages are all still there to deliver
    waiting = deliveries(inst, "district_portal")
    assert len(waiting) == 2 and all(d.status is DeliveryStatus.pending for d in waiting)
    assert [d.attempts for d in waiting] == [1, 1]  # the most overdue went first
    down.always = "ok"
    run_until_done(inst, now + timedelta(hours=2))
    assert len(down.accepted) == 2 and len(down.stored) == 2
    # the JSON API lists them; the refused ones are retried there too
    _as(inst.client, "legal")
    listed = inst.client.get(f"/api/v1/publicity/deliveries?publication={pub_id}&status=failed")
    assert listed.status_code == 200
    assert [(d["channel"], d["attempts"]) for d in listed.json()] == [("wechat", 1)] * 2
    refuses.always = "ok"
    for row in listed.json():
        again = inst.client.post(f"/api/v1/publicity/deliveries/{row['id']}/retry")
        assert again.status_code == 200 and again.json()["status"] == "pending"
    run_until_done(inst, utcnow() + timedelta(seconds=1))
    assert len(refuses.stored) == 2
    assert inst.client.post("/api/v1/publicity/deliveries/999999/retry").status_code == 404


def test_two_workers_never_deliver_the_same_delivery(
    serve: Serve, instance_of, db: Session
) -> None:
    hook = serve(Receiver(secret=SECRET, always="delay"))
    # A retry would be scheduled after the test's fixed clock: no reply may time out here.
    inst = instance_of({"district_portal": hook.url}, outbox_timeout_seconds=30)
    enable(inst.client, inst.factory, "district_portal")
    pub_id = publish_one(inst, db)
    for n in range(11):
        add_event(inst, pub_id, OutboxEvent.update, f"第{n}次更新")
    now = utcnow() + timedelta(seconds=1)
    totals: list[int] = []

    def worker() -> None:
        while True:
            report = deliver_due(inst.factory, inst.settings, now=now, limit=2)
            totals.append(report.delivered)
            if report.attempted == 0:
                return

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    keys = [key for key, _ in hook.requests]
    assert len(keys) == 12 and len(set(keys)) == 12  # each sent once, by one worker
    assert sum(totals) == 12
    assert all(d.status is DeliveryStatus.delivered for d in deliveries(inst, "district_portal"))
    assert all(d.attempts == 1 for d in deliveries(inst, "district_portal"))


def test_worker_dying_after_the_call_is_retried_with_the_same_key(
    serve: Serve, instance_of, db: Session
) -> None:
    hook = serve(Receiver(secret=SECRET))
    inst = instance_of({"district_portal": hook.url})
    enable(inst.client, inst.factory, "district_portal")
    publish_one(inst, db)
    t0 = utcnow()
    # a worker claims the delivery and calls the receiver, then dies before recording it
    with inst.factory() as session:
        channel_id = session.scalar(select(Channel.id).where(Channel.code == "district_portal"))
    job = outbox._claim(inst.factory, inst.settings, channel_id, t0)
    assert job is not None
    receipt, error, _ = outbox._call(inst.factory, job)
    assert receipt == "R-1" and error == ""
    # while its lease runs, nobody else takes the delivery
    assert deliver_due(inst.factory, inst.settings, now=t0 + timedelta(seconds=30)).attempted == 0
    # after the lease another worker retries it, with the same idempotency key
    report = deliver_due(inst.factory, inst.settings, now=t0 + timedelta(minutes=2))
    assert report.delivered == 1
    [done] = deliveries(inst, "district_portal")
    assert done.status is DeliveryStatus.delivered and done.attempts == 2
    assert [key for key, _ in hook.requests] == [done.idempotency_key] * 2
    assert hook.stored == [done.idempotency_key]  # the receiver kept it once
    # the first worker, coming back, finds its claim gone and changes nothing
    late = outbox._record(inst.factory, inst.settings, job, (receipt, "", False), t0, None)
    assert late == "lost"
    assert deliveries(inst, "district_portal")[0].delivered_at == done.delivered_at


def test_status_codes_retry_or_fail(serve: Serve, instance_of, db: Session) -> None:
    """408 and 429 are retried; a redirect is not followed (it would lose the body) and,
    like other 4xx, fails at once."""
    moved = serve(Receiver(always="302"))
    busy = serve(Receiver(always="429"))
    slow = serve(Receiver(always="408"))
    urls = {"district_portal": moved.url, "yiwangtongban": busy.url, "wechat": slow.url}
    inst = instance_of(urls)
    for code in urls:
        enable(inst.client, inst.factory, code)
    publish_one(inst, db)
    report = deliver_due(inst.factory, inst.settings, now=utcnow())
    assert (report.delivered, report.retrying, report.failed) == (0, 2, 1)
    [redirected] = deliveries(inst, "district_portal")
    assert redirected.status is DeliveryStatus.failed and "HTTP 302" in redirected.last_error
    assert len(moved.requests) == 1  # no second (GET) request to the new place
    assert deliveries(inst, "yiwangtongban")[0].status is DeliveryStatus.pending
    assert deliveries(inst, "wechat")[0].status is DeliveryStatus.pending
