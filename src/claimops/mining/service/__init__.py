"""Mining use cases for the pages, the deck and the CLI: analyses, forecasts, stored refreshes,
training, scoring and the background jobs. They load with :mod:`claimops.mining.data`, fit
:mod:`claimops.mining.estimators` and save with :mod:`claimops.mining.store`; they never commit."""
