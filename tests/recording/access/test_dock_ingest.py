"""`zhifa ingest watch`: a dock folder of generated body-camera clips, a real server, the
watcher killed (SIGKILL) in the middle of a file and started again: every file is
uploaded exactly once. Plus the map file's rules."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.recording.access.conftest import OWNER, ServerProcess, media_of, open_action
from tests.recording.media.conftest import api_token
from tests.recording.media.files import make_jpeg, make_large_video, make_video
from zhifa.recording.dock.mapping import MapError, Target, parse_map, target_for
from zhifa.recording.dock.watcher import STATE_NAME, Options, Watcher


def _dock(folder: Path) -> dict[str, bytes]:
    """Four clips and a photo as two cameras leave them, plus files to ignore."""
    (folder / "DSJ-001").mkdir(parents=True)
    (folder / "DSJ-002").mkdir()
    (folder / ".index").mkdir()
    for i in range(4):
        camera = "DSJ-001" if i < 2 else "DSJ-002"
        path = folder / camera / f"2026050116{i:02d}00.mp4"
        if i % 2:  # large enough (~300 KB) to be caught half-way
            make_large_video(path, 300_000 - 50_000 * i, size=(320, 240))
        else:
            make_video(path, seconds=2, size=(320, 240), shade=40 * i)
    (folder / "DSJ-002" / "IMG_0001.jpg").write_bytes(make_jpeg())
    (folder / "DSJ-001" / "readme.txt").write_text("not a recording")
    (folder / ".index" / "db.mp4").write_bytes(b"camera index")
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in {".mp4", ".jpg"} and ".index" not in p.parts
    }


def _watch(server: ServerProcess, folder: Path, token: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "zhifa.cli", "ingest", "watch", str(folder),
        "--device", "DOCK-SLOT-3", "--server", server.url, "--settle", "0", *extra,
    ]  # fmt: skip


def _state(folder: Path) -> dict[str, dict]:
    path = folder / STATE_NAME
    return json.loads(path.read_text())["files"] if path.exists() else {}


def _offset(url: str, token: str) -> int:
    head = httpx.head(url, headers={"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token}"})
    return int(head.headers.get("Upload-Offset", "0")) if head.status_code == 200 else 0


def test_watcher_killed_mid_file_and_restarted_uploads_each_file_once(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    settings = media_server.settings
    action_id = open_action(settings)
    token = api_token(settings, OWNER)
    folder = tmp_path / "dock"
    files = _dock(folder)
    env = {**os.environ, "ZHIFA_TOKEN": token}

    # Slow (100 KB/s in 16 KB PATCHes) so that it can be caught in the middle of a file.
    slow = _watch(media_server, folder, token, "--action", str(action_id), "--interval", "0.2",
                  "--chunk-mb", "0.015625", "--limit-rate", "100")  # fmt: skip
    watcher = subprocess.Popen(slow, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    try:
        while True:
            assert watcher.poll() is None, watcher.stdout.read().decode() if watcher.stdout else ""
            state = _state(folder)
            done = [k for k, v in state.items() if v["status"] == "done"]
            busy = [v for v in state.values() if v["status"] == "uploading"]
            if done and busy and _offset(busy[0]["upload_url"], token) > 0:
                break
            assert time.monotonic() < deadline, state
            time.sleep(0.05)
        watcher.send_signal(signal.SIGKILL)  # no chance to tidy up
        watcher.wait(timeout=10)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    killed_state = _state(folder)
    partial = next(v for v in killed_state.values() if v["status"] == "uploading")
    assert 0 < _offset(partial["upload_url"], token) < partial["size"]
    assert len(media_of(settings, action_id)) < len(files)

    # Started again (at full speed, one pass): resumes the partial file, sends the rest.
    again = subprocess.run(
        [*_watch(media_server, folder, token, "--action", str(action_id)), "--once"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    records = media_of(settings, action_id)
    assert sorted((m.filename, m.size) for m in records) == sorted(
        (Path(k).name, len(v)) for k, v in files.items()
    )
    by_digest = {m.digest: m for m in records}
    for data in files.values():
        media = by_digest[f"sha256:{hashlib.sha256(data).hexdigest()}"]
        assert media.channel == "tus"
    assert {m.upload_id for m in records} == {
        v["upload_url"].rsplit("/", 1)[1] for v in _state(folder).values()
    }
    state = _state(folder)
    assert set(state) == set(files) and all(v["status"] == "done" for v in state.values())
    assert {v["media_id"] for v in state.values()} == {m.id for m in records}
    # The resumed file is the same upload (same URL), not a new one.
    resumed = next(k for k, v in killed_state.items() if v["status"] == "uploading")
    assert state[resumed]["upload_url"] == partial["upload_url"]

    # A third run finds nothing to do; a new file appears and is sent alone.
    make_video(folder / "DSJ-001" / "2026050117000000.mp4", seconds=1, shade=200)
    third = subprocess.run(
        [*_watch(media_server, folder, token, "--action", str(action_id)), "--once"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert third.returncode == 0, third.stdout + third.stderr
    assert "本轮上传 1 个" in third.stdout
    assert len(media_of(settings, action_id)) == len(files) + 1


def test_an_upload_the_server_forgot_is_not_sent_twice(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    """The state names an upload the server no longer knows (expired in a long outage)
    although its record was made: the action's records are checked before sending."""
    settings = media_server.settings
    action_id = open_action(settings)
    token = api_token(settings, OWNER)
    folder = tmp_path / "dock"
    folder.mkdir()
    make_video(folder / "A.mp4", seconds=1)
    options = Options(folder, media_server.url, token, "DOCK-1", target=Target(action_id),
                      settle_seconds=0)  # fmt: skip
    first = Watcher(options).run_once()
    assert [name for name, _ in first.uploaded] == ["A.mp4"]
    state_path = folder / STATE_NAME
    data = json.loads(state_path.read_text())
    entry = data["files"]["A.mp4"]
    entry["status"] = "uploading"
    entry["upload_url"] = f"{media_server.url}/api/v1/uploads/{'0' * 32}"
    state_path.write_text(json.dumps(data))
    second = Watcher(options).run_once()
    assert second.uploaded == [("A.mp4", entry["media_id"])]
    assert len(media_of(settings, action_id)) == 1


def test_refusals_are_kept_and_a_bad_token_stops_the_watcher(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    settings = media_server.settings
    action_id = open_action(settings)
    token = api_token(settings, OWNER)
    folder = tmp_path / "dock"
    folder.mkdir()
    (folder / "broken.mp4").write_bytes(b"\x00" * 5000)  # not a recording
    make_video(folder / "good.mp4", seconds=1)
    env = {**os.environ, "ZHIFA_TOKEN": token}
    run = subprocess.run(
        [*_watch(media_server, folder, token, "--action", str(action_id)), "--once"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1 and "broken.mp4 被拒绝" in run.stdout, run.stdout
    state = _state(folder)
    assert state["broken.mp4"]["status"] == "refused" and state["good.mp4"]["status"] == "done"
    assert [m.filename for m in media_of(settings, action_id)] == ["good.mp4"]

    bad = subprocess.run(
        [*_watch(media_server, folder, token, "--action", str(action_id)), "--once"],
        env={**os.environ, "ZHIFA_TOKEN": "zf_not-a-token"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    # Nothing left to send for the good file; the refused one is not retried either.
    assert bad.returncode == 0, bad.stdout
    make_video(folder / "new.mp4", seconds=1, shade=90)
    bad = subprocess.run(
        [*_watch(media_server, folder, token, "--action", str(action_id)), "--once"],
        env={**os.environ, "ZHIFA_TOKEN": "zf_not-a-token"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "令牌" in bad.stdout, bad.stdout


def test_map_file_rules() -> None:
    rules = parse_map(
        """
        [[rule]]
        match = "DSJ-001/*"
        action = 12
        activity = 34

        [[rule]]
        match = "*"
        after = "2026-05-01 14:00"
        before = "2026-05-01T18:00"
        action = 13
        """
    )
    at = datetime(2026, 5, 1, 7, 0, tzinfo=UTC)  # 15:00 Beijing time
    assert target_for(rules, "DSJ-001/a/b.mp4", at) == Target(12, 34)
    assert target_for(rules, "DSJ-002/c.mp4", at) == Target(13)
    assert target_for(rules, "DSJ-002/c.mp4", datetime(2026, 5, 1, 10, 0, tzinfo=UTC)) is None
    for text, message in [
        ("", "没有"),
        ("[[rule]]\nmatch='*'\naction=0", "正整数"),
        ("[[rule]]\naction=1", "match"),
        ("[[rule]]\nmatch='*'\naction=1\nfoo=2", "foo"),
        ("[[rule]]\nmatch='*'\naction=1\nafter='x'", "时间"),
        ("[[rule]]\nmatch='*'\naction=1\nafter='2026-05-02'\nbefore='2026-05-01'", "早于"),
        ("[[rule", "TOML"),
    ]:
        with pytest.raises(MapError, match=message):
            parse_map(text)


def test_map_file_sends_files_to_their_actions_and_unmapped_ones_wait(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    settings = media_server.settings
    first, second = open_action(settings), open_action(settings)
    token = api_token(settings, OWNER)
    folder = tmp_path / "dock"
    for camera in ("DSJ-001", "DSJ-002", "DSJ-003"):
        (folder / camera).mkdir(parents=True)
        make_video(folder / camera / "0001.mp4", seconds=1, shade=len(camera) * 7 + ord(camera[-1]))
    rules = tmp_path / "map.toml"
    rules.write_text(
        f'[[rule]]\nmatch = "DSJ-001/*"\naction = {first}\n\n'
        f'[[rule]]\nmatch = "DSJ-002/*"\naction = {second}\n',
        encoding="utf-8",
    )
    options = Options(folder, media_server.url, token, "DOCK-2", map_file=rules, settle_seconds=0)
    summary = Watcher(options).run_once()
    assert summary.waiting == ["DSJ-003/0001.mp4"] and len(summary.uploaded) == 2
    assert [m.filename for m in media_of(settings, first)] == ["0001.mp4"]
    assert [m.filename for m in media_of(settings, second)] == ["0001.mp4"]
    rules.write_text(rules.read_text() + f'\n[[rule]]\nmatch = "*"\naction = {first}\n')
    later = Watcher(options).run_once()
    assert [name for name, _ in later.uploaded] == ["DSJ-003/0001.mp4"] and not later.waiting
    assert len(media_of(settings, first)) == 2
