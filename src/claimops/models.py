"""Imports every model so that Base.metadata is complete (Alembic, tests, create_all)."""

from claimops.claims.models import Claim, ClaimEvent, ClaimFinding, ClaimTiming, Decision
from claimops.customers.models import ClaimMessage, Customer, CustomerAccount
from claimops.db import Base
from claimops.disputes.models import Dispute, DisputeStep
from claimops.documents.models import Document
from claimops.investigations.models import Investigation, InvestigationNote
from claimops.mining.store.models import MiningModel, MiningResult
from claimops.notifications.models import DeliveryLog, OutboxMessage
from claimops.partners.models import (
    ActionItem,
    Agreement,
    AgreementFee,
    Assignment,
    EmergencyCall,
    Evaluation,
    Insurer,
    InsurerContact,
    Meeting,
    Provider,
    Responsibility,
    ScorecardReview,
    SelectionCriterion,
)
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.portal.models import OneTimeCode, PortalRevokedToken
from claimops.reporting.indexes import REPORTING_INDEXES
from claimops.surveys.models import ImprovementAction, SurveyInvitation, SurveyResponse
from claimops.team.drills.models import Drill, DrillAttempt
from claimops.team.models import RoleChange, Team, TeamMember
from claimops.team.training.models import (
    Certification,
    Course,
    Enrolment,
    OnboardingPlan,
    RequiredCourse,
    TrainingSession,
)
from claimops.users.models import AccessLog, LoginThrottle, RevokedToken, User

__all__ = [
    "AccessLog",
    "ActionItem",
    "Agreement",
    "AgreementFee",
    "Assignment",
    "Base",
    "Certification",
    "Claim",
    "ClaimEvent",
    "ClaimFinding",
    "ClaimMessage",
    "ClaimTiming",
    "Course",
    "Customer",
    "CustomerAccount",
    "Decision",
    "DeliveryLog",
    "Dispute",
    "DisputeStep",
    "Document",
    "Drill",
    "DrillAttempt",
    "EmergencyCall",
    "Enrolment",
    "Evaluation",
    "ImprovementAction",
    "Investigation",
    "InvestigationNote",
    "Insurer",
    "InsurerContact",
    "LoginThrottle",
    "Meeting",
    "MiningModel",
    "MiningResult",
    "OnboardingPlan",
    "OneTimeCode",
    "OutboxMessage",
    "Payment",
    "Policy",
    "PortalRevokedToken",
    "Provider",
    "REPORTING_INDEXES",
    "RequiredCourse",
    "Responsibility",
    "RevokedToken",
    "RoleChange",
    "ScorecardReview",
    "SelectionCriterion",
    "SurveyInvitation",
    "SurveyResponse",
    "Team",
    "TeamMember",
    "TrainingSession",
    "User",
]
