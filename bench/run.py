"""`make bench`: run each benchmark on SQLite and on PostgreSQL, then write a markdown report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

RESULTS = Path("bench/results")
POSTGRES_SERVER = os.environ.get(
    "COMPTOIR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/comptoir"
)
BENCH_PG_DB = "comptoir_bench"


def fresh_postgres() -> str | None:
    server = POSTGRES_SERVER.rsplit("/", 1)[0]
    try:
        with psycopg.connect(server + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_PG_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_PG_DB}")
    except psycopg.OperationalError as error:
        print(f"SKIPPED: PostgreSQL benchmarks — {str(error).splitlines()[0]}")
        return None
    return f"{server}/{BENCH_PG_DB}"


def run(script: str, database_url: str) -> None:
    env = {**os.environ, "COMPTOIR_DATABASE_URL": database_url, "COMPTOIR_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, script], env=env, check=True)


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    sqlite_file = Path("var/bench.sqlite3").resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    databases = [f"sqlite:///{sqlite_file}"]
    postgres = fresh_postgres()
    if postgres:
        databases.append(postgres)
    for database in databases:
        run("bench/outbox.py", database)
    write_report()


def write_report() -> None:
    rows = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("outbox-*.json"))]
    lines = [
        "# Benchmarks",
        "",
        "One process, one connection, each write its own transaction (median of rounds).",
        "",
        "| database | writes/s, no outbox | writes/s, outbox | overhead | events drained/s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['database']} | {row['baseline_writes_per_second']} "
            f"| {row['outbox_writes_per_second']} | ×{row['outbox_overhead_ratio']} "
            f"| {row['drain_events_per_second']} |"
        )
    (RESULTS / "report.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
