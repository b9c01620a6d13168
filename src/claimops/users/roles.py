"""Roles, what each may do, and default decision authority (pure)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Role(StrEnum):
    HANDLER = "handler"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    FINANCE = "finance"
    MANAGER = "manager"
    ADMIN = "admin"
    AUDITOR = "auditor"
    # a claimant acting through the portal (never a staff user: portal/service.py builds the actor)
    CUSTOMER = "customer"
    PARTNER_MANAGER = "partner_manager"
    TEAM_LEAD = "team_lead"


R = Role
SUPERVISORS = frozenset({R.MANAGER, R.ADMIN})

# Permission name -> roles holding it. Auditors read everything and write nothing.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "read": frozenset(Role) - {R.CUSTOMER},
    "policy.write": frozenset({R.HANDLER, *SUPERVISORS}),
    "claim.report": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS, R.CUSTOMER}),
    "claim.accept": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.reject": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.request_documents": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.start_investigation": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.finish_investigation": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.start_review": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.decide": frozenset({R.HANDLER, R.REVIEWER, R.APPROVER, *SUPERVISORS}),
    "claim.approve": frozenset({R.APPROVER, *SUPERVISORS}),
    "claim.close": frozenset({R.HANDLER, R.REVIEWER, R.FINANCE, *SUPERVISORS}),
    "claim.withdraw": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "claim.reopen": frozenset({R.REVIEWER, R.APPROVER, *SUPERVISORS}),
    "document.upload": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS, R.CUSTOMER}),
    "payment.release": frozenset({R.FINANCE, *SUPERVISORS}),
    "user.manage": frozenset({R.ADMIN}),
    "access_log.read": frozenset({R.AUDITOR, R.ADMIN}),
    "report.read": frozenset({R.MANAGER, R.ADMIN, R.AUDITOR, R.APPROVER, R.REVIEWER}),
    "mining.read": frozenset({R.MANAGER, R.ADMIN, R.AUDITOR, R.APPROVER, R.REVIEWER}),
    "mining.run": SUPERVISORS,
    "survey.read": frozenset({R.MANAGER, R.ADMIN, R.AUDITOR, R.APPROVER, R.REVIEWER, R.HANDLER}),
    "survey.write": frozenset({R.HANDLER, R.REVIEWER, *SUPERVISORS}),
    "improvement.manage": SUPERVISORS,
    "notification.read": frozenset({R.MANAGER, R.ADMIN, R.AUDITOR}),
    # partners (claimops.partners, claimops.disputes): the partner manager keeps insurers, providers,
    # agreements and meetings; handlers assign providers and record their visits; managers see and
    # review scorecards; auditors read everything ("read")
    "partner.manage": frozenset({R.PARTNER_MANAGER, *SUPERVISORS}),
    "partner.assign": frozenset({R.HANDLER, R.REVIEWER, R.PARTNER_MANAGER, *SUPERVISORS}),
    "partner.review": frozenset({R.PARTNER_MANAGER, *SUPERVISORS}),
    "partner.scorecard": frozenset({R.PARTNER_MANAGER, R.MANAGER, R.ADMIN, R.AUDITOR, R.APPROVER}),
    "dispute.manage": frozenset({R.HANDLER, R.REVIEWER, R.PARTNER_MANAGER, *SUPERVISORS}),
    # Team and training (claimops.team, .training, .drills). Everyone sees their own record; a team
    # lead sees their team's members, managers, admins and auditors everyone (team.service.visible_ids).
    "team.read": frozenset({R.TEAM_LEAD, R.MANAGER, R.ADMIN, R.AUDITOR}),
    "team.manage": frozenset({R.TEAM_LEAD, *SUPERVISORS}),
    "training.manage": frozenset({R.TEAM_LEAD, *SUPERVISORS}),
    "drill.build": frozenset({R.TEAM_LEAD, *SUPERVISORS}),
    "drill.review": frozenset({R.TEAM_LEAD, *SUPERVISORS}),
    "drill.attempt": frozenset(Role) - {R.AUDITOR},
}


def can(role: Role | str, permission: str) -> bool:
    return Role(role) in PERMISSIONS.get(permission, frozenset())


def default_authority(role: Role | str, limits: dict[str, Decimal]) -> Decimal | None:
    """None means unlimited (admin). Roles that may not decide get zero."""
    role = Role(role)
    if role is R.ADMIN:
        return None
    return limits.get(role.value, Decimal(0))
