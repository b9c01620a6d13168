"""Disputes on claims: raised by the customer, the insurer or a provider, negotiated to an outcome."""
