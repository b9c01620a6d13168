"""Claims data analysis and mining, in layers; each imports only those below it.

- ``pages``, ``deck``, ``cli``: the edges (the /mining pages, the deck's mining slides, the commands);
- ``service/``: use cases (analyses, forecasts, stored refreshes, training, scoring, background jobs);
- ``estimators/`` (pure, scikit-learn style) and ``store/`` (tables, stored runs, model registry);
- ``data/``: frame shapes (pure) and the SQL loaders that fill them.
"""
