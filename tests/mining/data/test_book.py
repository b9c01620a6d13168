"""Paid and incurred triangles of the book, reconciled to a hand-built set of five claims."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy.orm import Session

from claimops.errors import ValidationFailed
from claimops.mining.data.book import book_triangles, quarter_index
from claimops.mining.estimators.reserving import ChainLadder
from factories import Walk, at, make_policy

NAN = np.nan


def five_claims(session: Session, settings: object) -> None:
    """Incidents 2019-Q3 … 2020-Q2 (Shanghai dates; 02:00 UTC is 10:00 there)."""
    policy = make_policy(
        session,
        line="property",
        effective_from="2019-01-01",
        effective_to="2020-12-31",
        deductible="0",
        coinsurance_rate="0",
    )
    # A: 2019-Q3, decided 8,000 on 09-20 (reserve), paid 11-05 (2019-Q4)
    a = Walk(session, settings, policy, at(2019, 8, 12), "10000", incident=date(2019, 8, 10))
    a.do("accept", 1).do("start_review", 1).decide(37, "approved", "8000").pay(46)
    # B: 2019-Q3 incident reported late, 10-03 (2019-Q4); decided 2020-01-10, paid 2020-02-01
    b = Walk(session, settings, policy, at(2019, 10, 3), "5000", incident=date(2019, 9, 25))
    b.do("accept", 1).do("start_review", 1).decide(97, "approved", "5000").pay(22)
    # C: 2019-Q4, rejected at intake three days later
    Walk(session, settings, policy, at(2019, 11, 2), "3000", incident=date(2019, 11, 1)).do(
        "reject", 3, reason_codes=["NOT_COVERED"]
    )
    # D: 2020-Q1, accepted and still open
    Walk(session, settings, policy, at(2020, 1, 16), "2000", incident=date(2020, 1, 15)).do("accept", 1)
    # E: 2020-Q2, denied
    e = Walk(session, settings, policy, at(2020, 4, 11), "1000", incident=date(2020, 4, 10))
    e.do("accept", 1).do("start_review", 1).decide(18, "denied", "1000", ["NOT_COVERED"])
    session.flush()


def test_triangles_equal_the_hand_computed_ones(session: Session, settings: object) -> None:
    five_claims(session, settings)
    tri = book_triangles(
        session, valuation_quarter=quarter_index(date(2020, 6, 30)), origins=4, line="property"
    )
    assert tri.origins == ["2019-Q3", "2019-Q4", "2020-Q1", "2020-Q2"]
    assert tri.valuation == date(2020, 6, 30)
    assert tri.claims == 5
    paid = [[0, 8000, 13000, 13000], [0, 0, 0, NAN], [0, 0, NAN, NAN], [0, NAN, NAN, NAN]]
    np.testing.assert_array_equal(tri.paid.values, np.array(paid, dtype=float))
    # incurred = paid + case reserve: A reserved at its decision, B counted from its (late) report at
    # the claimed amount, C nothing after rejection, D open at the claimed amount, E denied
    incurred = [[8000, 13000, 13000, 13000], [0, 0, 0, NAN], [2000, 2000, NAN, NAN], [0, NAN, NAN, NAN]]
    np.testing.assert_array_equal(tri.incurred.values, np.array(incurred, dtype=float))


def test_an_earlier_valuation_ignores_what_came_after(session: Session, settings: object) -> None:
    five_claims(session, settings)
    tri = book_triangles(
        session, valuation_quarter=quarter_index(date(2020, 3, 31)), origins=3, line="property"
    )
    assert tri.origins == ["2019-Q3", "2019-Q4", "2020-Q1"] and tri.claims == 4  # E happened later
    np.testing.assert_array_equal(tri.paid.values, np.array([[0, 8000, 13000], [0, 0, NAN], [0, NAN, NAN]]))
    incurred = [[8000, 13000, 13000], [0, 0, NAN], [2000, NAN, NAN]]
    np.testing.assert_array_equal(tri.incurred.values, np.array(incurred))


def test_the_triangles_feed_chain_ladder(session: Session, settings: object) -> None:
    five_claims(session, settings)
    tri = book_triangles(
        session, valuation_quarter=quarter_index(date(2020, 6, 30)), origins=4, line="property"
    )
    fitted = ChainLadder().fit(tri.incurred)
    # 2020-Q1 at lag 2 develops by f2 = 13000/13000 = 1 and f3 = 1: no reserve beyond its 2,000
    assert fitted.ldf_[0] == pytest.approx(15000 / 10000)
    assert fitted.ultimate_[2] == pytest.approx(2000)


def test_too_few_quarters_is_not_enough_data(session: Session, settings: object) -> None:
    five_claims(session, settings)
    with pytest.raises(ValidationFailed) as err:
        book_triangles(
            session, valuation_quarter=quarter_index(date(2019, 9, 30)), origins=8, line="property"
        )
    assert err.value.code == "NOT_ENOUGH_DATA" and "found 1" in err.value.message
