"""Progress of the dock watcher on a terminal (rich): one bar per file being sent and a
line for each file done or refused."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from zhifa.recording.dock.watcher import Reporter


class RichReporter(Reporter):
    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def start(self, name: str, total: int, done: int) -> None:
        if not self.tasks:
            self.progress.start()
        self.tasks[name] = self.progress.add_task(name, total=total, completed=done)

    def advance(self, name: str, done: int) -> None:
        self.progress.update(self.tasks[name], completed=done)

    def finish(self, name: str) -> None:
        task = self.tasks.pop(name, None)
        if task is not None:
            self.progress.remove_task(task)
        if not self.tasks:
            self.progress.stop()

    def note(self, message: str) -> None:
        self.progress.console.print(message, highlight=False)
