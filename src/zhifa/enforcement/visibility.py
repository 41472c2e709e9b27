"""Who may see which record: the one rule, as queries (need to know).

- An **action** (and everything recorded in it: documents, media, activities, its
  publications' drafts) is visible to those who may see every action (`action.all`: the
  legal section, supervision, leaders, the archivist), to the officers assigned to it and
  the one who opened it, and to whoever holds a grant for it in force.
  Belonging to the same unit is not a reason: a squad's officers read each other's cases
  only when assigned or granted.
- A **party**'s full details (身份证号, phone, a person's address) are visible to whoever
  sees one of its actions, to the one who registered it, and to a grantee of the party;
  everybody else with `party.read` finds the party with those details masked.
- **Handling** an action (moving steps, recording, documents) needs more than seeing it:
  an assignment, having opened it, or `action.all` with the handling permissions. A grant
  only ever lets a person read.

Lists, pages, exports and the API ask these queries; nothing loops over records catching
refusals."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, CompoundSelect, Select, select, union
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.grants import GrantRecord, granted_ids
from zhifa.core.permissions import Permission
from zhifa.enforcement.models import Action, ActionOfficer, Party

_Row = TypeVar("_Row", bound=tuple[Any, ...])


def sees_all_actions(who: Principal) -> bool:
    return who.can(Permission.action_all)


def visible_action_ids(who: Principal) -> CompoundSelect | None:
    """The ids of the actions ``who`` may see, or None when that is every action."""
    if sees_all_actions(who):
        return None
    return union(
        select(ActionOfficer.action_id).where(ActionOfficer.officer_id == who.user_id),
        select(Action.id).where(Action.opened_by == who.user_id),
        granted_ids(who, GrantRecord.action),
    )


def visible_actions(who: Principal) -> Select[tuple[Action]]:
    return of_visible_actions(select(Action), Action.id, who)


def of_visible_actions(
    query: Select[_Row], action_id: ColumnElement[int], who: Principal
) -> Select[_Row]:
    """``query`` narrowed to rows whose ``action_id`` names an action ``who`` may see."""
    ids = visible_action_ids(who)
    return query if ids is None else query.where(action_id.in_(ids))


def handles(who: Principal, action: Action) -> bool:
    """May ``who`` record and decide in this action (not only read it)?"""
    if sees_all_actions(who):
        return True
    if action.opened_by == who.user_id:
        return True
    return any(o.officer_id == who.user_id for o in action.officers)


def visible_party_ids(who: Principal) -> CompoundSelect:
    """The ids of the parties whose full details ``who`` may see."""
    actions = visible_action_ids(who)
    of_actions = select(Action.party_id)
    if actions is not None:
        of_actions = of_actions.where(Action.id.in_(actions))
    registered = select(Party.id).where(Party.created_by == who.user_id)
    return union(of_actions, registered, granted_ids(who, GrantRecord.party))


def sees_party(db: Session, who: Principal, party_id: int) -> bool:
    found = db.scalar(
        select(Party.id).where(Party.id == party_id, Party.id.in_(visible_party_ids(who)))
    )
    return found is not None
