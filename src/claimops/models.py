"""Imports every model so that Base.metadata is complete (Alembic, tests, create_all)."""

from claimops.claims.models import Claim, ClaimEvent, ClaimFinding, ClaimTiming, Decision
from claimops.customers.models import ClaimMessage, Customer, CustomerAccount
from claimops.db import Base
from claimops.documents.models import Document
from claimops.mining.store.models import MiningModel, MiningResult
from claimops.notifications.models import DeliveryLog, OutboxMessage
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.portal.models import OneTimeCode, PortalRevokedToken
from claimops.reporting.indexes import REPORTING_INDEXES
from claimops.surveys.models import ImprovementAction, SurveyInvitation, SurveyResponse
from claimops.users.models import AccessLog, LoginThrottle, RevokedToken, User

__all__ = [
    "AccessLog",
    "Base",
    "Claim",
    "ClaimEvent",
    "ClaimFinding",
    "ClaimTiming",
    "Customer",
    "Decision",
    "Document",
    "LoginThrottle",
    "MiningModel",
    "MiningResult",
    "Payment",
    "Policy",
    "REPORTING_INDEXES",
    "RevokedToken",
    "User",
    "ClaimMessage",
    "CustomerAccount",
    "DeliveryLog",
    "ImprovementAction",
    "OneTimeCode",
    "OutboxMessage",
    "PortalRevokedToken",
    "SurveyInvitation",
    "SurveyResponse",
]
