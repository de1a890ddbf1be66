"""What the Python benchmarks share: a fresh PostgreSQL database, and production settings
for the processes that measure it (DEBUG off, no TLS on loopback, collected static files)."""

import os

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def production_environment(database: str, **overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",
        "ENV_FILE": "/dev/null",
        # Production's hashed static files need their manifest, which collectstatic writes here.
        "STATIC_ROOT": os.environ.get("BENCH_STATIC_ROOT", "/tmp/oversight_bench_static"),
        **overrides,
    }


def database_recreate(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
