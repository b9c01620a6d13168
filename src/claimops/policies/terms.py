"""A policy's terms as the settlement rules read them (pure): the claims package builds on policies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claimops.money import ZERO, to_money


@dataclass(frozen=True)
class PolicyTerms:
    effective_from: date
    effective_to: date
    sum_insured: Decimal
    deductible: Decimal
    coinsurance_rate: Decimal
    paid_to_date: Decimal = ZERO

    @property
    def remaining_limit(self) -> Decimal:
        return max(to_money(self.sum_insured - self.paid_to_date), ZERO)

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to
