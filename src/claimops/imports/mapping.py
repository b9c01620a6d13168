"""Column-mapping files for historic imports (TOML): which source column feeds which field."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from claimops.claims.history import SettlementCheck
from claimops.errors import ValidationFailed

# target field -> required?
FIELDS: dict[str, bool] = {
    "claim_ref": True,
    "incident_date": True,
    "reported_at": True,
    "line": True,
    "claimed_amount": True,
    "policy_number": False,
    "accepted_at": False,
    "decided_at": False,
    "paid_at": False,
    "closed_at": False,
    "paid_amount": False,
    "status": False,
    "outcome": False,
    "sum_insured": False,
    "deductible": False,
    "coinsurance_rate": False,
    "effective_from": False,
    "effective_to": False,
    "holder_name": False,
    "holder_id_number": False,
    "region": False,
    "channel": False,
    "description": False,
    "decided_by": False,  # claimops usernames of who decided, approved and paid in the source system
    "approved_by": False,
    "paid_by": False,
    "provider": False,  # a provider's id or exact name (claims.provider_id)
    "insurer": False,  # an insurer's code (policies.insurer_id)
    "provider_type": False,  # with it, a provider claimops lacks is created under the file's name
    "customer_ref": False,  # the source system's customer id: claims of one customer stay one customer
    "customer_name": False,
    "customer_birth_date": False,
    "customer_age": False,  # whole years on the incident day (when no birth date is given)
    "fraud_confirmed": False,  # 1/0, true/false, 是/否 or values translated by [values.fraud_confirmed]
    "investigation_conclusion": False,  # fraud_confirmed, not_confirmed, inconclusive
}
STATUSES = ("open", "closed", "withdrawn", "rejected")


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    claim_prefix: str = "IMP-"
    policy_template: str = "{claim_ref}"
    default_sum_insured: str | None = None
    denial_reason: str = "OTHER"
    decimal_places: int = 2
    # RULE: each paid amount is what claimops's settlement rule gives for the claimed amount and the
    # policy's terms. RECORDED: history from before claimops keeps its amounts, within the sum insured.
    settlement: SettlementCheck = SettlementCheck.RULE
    timezone: str = "Asia/Shanghai"  # of the file's naive times

    def source(self, target: str) -> str | None:
        return self.columns.get(target)


def load_mapping(path: Path) -> Mapping:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationFailed(f"mapping file {path} not found", code="MAPPING_NOT_FOUND") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed(
            f"mapping file {path} is not valid TOML: {exc}", code="MAPPING_INVALID"
        ) from exc
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ValidationFailed(
            f"mapping names unknown field(s): {', '.join(unknown)}; known: {', '.join(FIELDS)}",
            code="MAPPING_INVALID",
        )
    missing = [f for f, required in FIELDS.items() if required and f not in columns]
    if missing:
        raise ValidationFailed(
            f"mapping lacks required field(s): {', '.join(missing)}", code="MAPPING_INVALID"
        )
    policy = data.get("policy", {})
    options = data.get("options", {})
    try:
        settlement = SettlementCheck(str(options.get("settlement", SettlementCheck.RULE.value)))
    except ValueError:
        raise ValidationFailed(
            f"options.settlement is {options['settlement']!r}; one of: "
            + ", ".join(s.value for s in SettlementCheck),
            code="MAPPING_INVALID",
        ) from None
    timezone = str(options.get("timezone", "Asia/Shanghai"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"options.timezone {timezone!r} is not a time zone name (e.g. Asia/Shanghai, UTC)",
            code="MAPPING_INVALID",
        ) from None
    values = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.get("values", {}).items()}
    return Mapping(
        columns=columns,
        values=values,
        claim_prefix=str(options.get("claim_prefix", "IMP-")),
        policy_template=str(policy.get("number_template", "{claim_ref}")),
        default_sum_insured=None if "sum_insured" not in policy else str(policy["sum_insured"]),
        denial_reason=str(options.get("denial_reason", "OTHER")),
        settlement=settlement,
        timezone=timezone,
    )
