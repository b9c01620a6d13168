from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from claimops.policies.lines import Line
from claimops.schemas import Day, InputError, MoneyIn, MoneyOut, _no_float

POLICY_NUMBER = r"^[0-9A-Za-z][0-9A-Za-z._-]*$"


class HolderIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=4, max_length=32, pattern=r"^[0-9A-Za-z-]+$")
    phone: str = Field(default="", max_length=20, pattern=r"^[0-9+\- ]*$")
    region: str = Field(default="", max_length=32)


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Letters, digits, - _ and . (not first): a policy number is a path segment of the API
    # (/api/v1/policies/{policy_number}), so / and the segments . and .. cannot be one.
    policy_number: str = Field(min_length=1, max_length=40, pattern=POLICY_NUMBER)
    line: Line
    holder: HolderIn
    effective_from: Day
    effective_to: Day
    sum_insured: MoneyIn
    deductible: MoneyIn = Decimal("0")
    coinsurance_rate: Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, le=1)] = Decimal("0")
    premium: MoneyIn | None = None
    channel: str = Field(default="", max_length=32)

    @model_validator(mode="after")
    def _check(self) -> PolicyIn:
        if self.effective_to < self.effective_from:
            raise InputError("dates_reversed", "effective_to must not be before effective_from")
        if self.sum_insured <= 0:
            raise InputError("sum_insured_positive", "sum_insured must be positive")
        if self.coinsurance_rate != self.coinsurance_rate.quantize(Decimal("0.0001")):
            raise InputError("rate_decimals", "coinsurance_rate has at most four decimal places")
        return self


class HolderOut(BaseModel):
    name: str
    id_number: str
    phone: str
    region: str


class PolicyOut(BaseModel):
    policy_number: str
    line: str
    holder: HolderOut
    effective_from: date
    effective_to: date
    sum_insured: MoneyOut
    deductible: MoneyOut
    coinsurance_rate: Decimal
    premium: MoneyOut | None
    channel: str
    paid_to_date: MoneyOut
    remaining_limit: MoneyOut
