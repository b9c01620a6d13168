"""What mining keeps in the database: the tables (``models``), stored analysis runs (``results``) and
the versioned model registry with its artifact files (``registry``)."""
