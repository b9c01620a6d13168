from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.customers.models import Customer


def parse_resident_id(id_number: str) -> tuple[date | None, str | None]:
    """Birth date and gender from an 18-digit PRC resident ID, when it is one."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return None, None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None, None
    return born, "M" if int(id_number[16]) % 2 else "F"


def upsert_customer(*, session: Session, name: str, id_number: str, phone: str, region: str = "") -> Customer:
    """One customer per ID number; later details (phone, region) update the record."""
    customer = session.scalar(select(Customer).where(Customer.id_number == id_number))
    if customer is None:
        born, gender = parse_resident_id(id_number)
        customer = Customer(
            name=name, id_number=id_number, phone=phone, region=region, birth_date=born, gender=gender
        )
        session.add(customer)
        session.flush()
        return customer
    customer.name = name
    if phone:
        customer.phone = phone
    if region:
        customer.region = region
    return customer
