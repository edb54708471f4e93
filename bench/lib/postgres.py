"""The PostgreSQL server the benches make their own databases on (BENCH_POSTGRES_URL), and the statements they send
it outside any database of theirs (CREATE and DROP DATABASE)."""

import os

import psycopg

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def admin_sql(statement: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)
