"""Teams, members, role history, who may see whose records, and the figures per person and team.

A person sees their own record; a team lead their team's members; managers, admins and auditors
everyone (`visible_ids`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import Conflict, Forbidden, NotFound
from claimops.team.figures import PersonFigures, changes, total
from claimops.team.models import RoleChange, Team, TeamMember
from claimops.team.queries import person_figures
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.roles import Role, can


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username}", code="USER_NOT_FOUND")
    return user


def create_team(*, session: Session, actor: Actor, name: str, lead: str) -> Team:
    actor.require("team.manage")
    name = name.strip()
    if not name:
        raise Conflict("a team needs a name", code="TEAM_NAME_REQUIRED")
    if session.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise Conflict(f"a team named {name} exists", code="TEAM_EXISTS")
    team = Team(name=name, lead_id=user_by_name(session, lead).id)
    session.add(team)
    session.flush()
    return team


def get_team(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise NotFound(f"no team {name}", code="TEAM_NOT_FOUND")
    return team


def add_member(*, session: Session, actor: Actor, team: str, username: str, joined_on: date) -> TeamMember:
    actor.require("team.manage")
    t = get_team(session, team)
    if actor.role is Role.TEAM_LEAD and t.lead_id != actor.id:
        raise Forbidden("a lead adds people to their own team only", code="NOT_YOUR_TEAM")
    user = user_by_name(session, username)
    if session.scalar(select(TeamMember.id).where(TeamMember.user_id == user.id)) is not None:
        raise Conflict(f"{username} is already in a team", code="ALREADY_IN_TEAM")
    member = TeamMember(team_id=t.id, user_id=user.id, joined_on=joined_on)
    session.add(member)
    session.flush()
    return member


def record_role(
    *,
    session: Session,
    actor: Actor,
    username: str,
    role: str,
    authority_limit: Decimal | None,
    effective_from: date,
    note: str = "",
) -> RoleChange:
    """A role change: appended to the history and made the user's current role."""
    actor.require("user.manage")
    user = user_by_name(session, username)
    row = RoleChange(
        user_id=user.id,
        role=Role(role).value,
        authority_limit=authority_limit,
        effective_from=effective_from,
        note=note,
    )
    user.role, user.authority_limit = row.role, authority_limit
    session.add(row)
    session.flush()
    return row


def role_history(session: Session, user_id: int) -> list[RoleChange]:
    return list(
        session.scalars(
            select(RoleChange).where(RoleChange.user_id == user_id).order_by(RoleChange.effective_from)
        )
    )


def led_team_ids(session: Session, actor: Actor) -> list[int]:
    return list(session.scalars(select(Team.id).where(Team.lead_id == actor.id)))


def visible_ids(session: Session, actor: Actor) -> set[int] | None:
    """Whose records `actor` may see: None for everyone (team.read without being a lead)."""
    if can(actor.role, "team.read") and actor.role is not Role.TEAM_LEAD:
        return None
    own = {actor.id} if actor.id is not None else set()
    if actor.role is Role.TEAM_LEAD:
        teams = led_team_ids(session, actor)
        members = session.scalars(select(TeamMember.user_id).where(TeamMember.team_id.in_(teams)))
        return own | set(members)
    return own


def check_visible(session: Session, actor: Actor, user_id: int) -> None:
    seen = visible_ids(session, actor)
    if seen is not None and user_id not in seen:
        raise Forbidden("you may see your own record and your team's only", code="NOT_YOUR_TEAM")


@dataclass(frozen=True)
class PersonRow:
    user: User
    team: str
    now: PersonFigures
    before: PersonFigures

    @property
    def change(self) -> dict[str, float | None]:
        return changes(self.now, self.before)


@dataclass(frozen=True)
class TeamRow:
    team: Team
    lead: User
    people: list[PersonRow]

    @property
    def now(self) -> PersonFigures:
        return total(p.now for p in self.people)

    @property
    def before(self) -> PersonFigures:
        return total(p.before for p in self.people)

    @property
    def change(self) -> dict[str, float | None]:
        return changes(self.now, self.before)


def team_rows(
    session: Session,
    *,
    actor: Actor | None,
    start: datetime,
    end: datetime,
    previous_start: datetime,
    settings: Settings,
) -> list[TeamRow]:
    """Every team the actor may see (None: all, for the deck), with each member's figures for the
    period and the one before it ([previous_start, start))."""
    seen = visible_ids(session, actor) if actor is not None else None
    teams = list(session.scalars(select(Team).order_by(Team.name)))
    members = session.execute(
        select(TeamMember.team_id, User).join(User, User.id == TeamMember.user_id).order_by(User.username)
    ).all()
    leads = {u.id: u for u in session.scalars(select(User).where(User.id.in_([t.lead_id for t in teams])))}
    by_team: dict[int, list[User]] = {}
    for team_id, user in members:
        if seen is None or user.id in seen:
            by_team.setdefault(team_id, []).append(user)
    ids = [u.id for us in by_team.values() for u in us]
    now = person_figures(session, user_ids=ids, start=start, end=end, settings=settings)
    before = person_figures(session, user_ids=ids, start=previous_start, end=start, settings=settings)
    out = []
    for team in teams:
        users = by_team.get(team.id, [])
        if not users and (seen is not None and team.lead_id not in seen):
            continue
        people = [PersonRow(u, team.name, now[u.id], before[u.id]) for u in users]
        out.append(TeamRow(team, leads[team.lead_id], people))
    return out
