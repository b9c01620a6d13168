"""调查: investigations of claims, their notes and evidence, conclusions and KPIs."""
