"""The action and on-site activity a path names, loaded once for every route module that
works on them (actions, documents, recording, media, playback): each dependency checks the
caller's permission first, then loads the record through the one visibility rule, so a
record the caller may not see answers 404 like a missing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from zhifa.core.auth import Principal
from zhifa.core.http import Db, RecordId, require
from zhifa.core.permissions import Permission
from zhifa.enforcement import actions
from zhifa.enforcement.models import Action, Activity

ActionReader = Annotated[Principal, Depends(require(Permission.action_read))]
ActionWriter = Annotated[Principal, Depends(require(Permission.action_write))]


def action_of_path(action_id: RecordId, db: Db, who: ActionReader) -> Action:
    """The action the path names, if ``who`` may see it."""
    return actions.get_action(db, action_id, who)


def action_to_change(action_id: RecordId, db: Db, who: ActionWriter) -> Action:
    """The action the path names, for a change, if ``who`` may see it (whether they may
    act in it is the service's to say, with its message)."""
    return actions.get_action(db, action_id, who)


def activity_of_path(activity_id: RecordId, db: Db, who: ActionReader) -> tuple[Activity, Action]:
    """The on-site activity the path names and its action, if ``who`` may see them."""
    return actions.visible_activity(db, activity_id, who)


def activity_to_change(activity_id: RecordId, db: Db, who: ActionWriter) -> tuple[Activity, Action]:
    """The on-site activity the path names and its action, for a change."""
    return actions.visible_activity(db, activity_id, who)


ActionOfPath = Annotated[Action, Depends(action_of_path)]
ActionToChange = Annotated[Action, Depends(action_to_change)]
ActivityOfPath = Annotated[tuple[Activity, Action], Depends(activity_of_path)]
ActivityToChange = Annotated[tuple[Activity, Action], Depends(activity_to_change)]
