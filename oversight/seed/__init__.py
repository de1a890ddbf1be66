"""Data sets that `manage.py load_…` commands put into the database, and the loading logic."""
