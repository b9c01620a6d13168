from claimops.cli import app

app()
