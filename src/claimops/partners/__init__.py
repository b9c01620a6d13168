"""Partners: insurers (contacts, emergency chain, meetings, responsibilities), third-party service
providers (selection, agreements, assignments to claims, scorecards)."""
