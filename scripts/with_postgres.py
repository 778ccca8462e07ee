"""Run a command (the test suite) against PostgreSQL, or say clearly why it is skipped.

The server comes from COMPTOIR_TEST_POSTGRES_URL (default: the machine's own PostgreSQL).
Unreachable → one visible line and exit 0, except under CI (CI=true), where it fails.
"""

import os
import subprocess
import sys

import psycopg

URL = os.environ.get("COMPTOIR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/comptoir")


def main() -> int:
    try:
        psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        if os.environ.get("CI") == "true":
            print(f"FAILED: PostgreSQL is not reachable at {URL} ({reason}); CI needs it.")
            return 1
        print(f"SKIPPED: PostgreSQL run — not reachable at {URL} ({reason}).")
        return 0
    env = {**os.environ, "COMPTOIR_DATABASE_URL": URL}
    print(f"Running the suite on PostgreSQL ({URL})", flush=True)
    return subprocess.call(sys.argv[1:], env=env)  # noqa: S603 - our own test command


if __name__ == "__main__":
    sys.exit(main())
