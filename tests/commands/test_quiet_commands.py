"""A `comptoir` command on a fresh install prints its own output and nothing else."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

SOURCES = Path(__file__).resolve().parents[2] / "src"


def run_comptoir(*arguments: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "COMPTOIR_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(SOURCES),
        "PYTHONWARNINGS": "default",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("COMPTOIR_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "comptoir", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def test_the_system_check_finds_nothing_and_silences_nothing():
    out, err = io.StringIO(), io.StringIO()

    call_command("check", stdout=out, stderr=err)

    assert err.getvalue() == ""
    assert out.getvalue() == "System check identified no issues (0 silenced).\n"


def test_check_and_migrate_on_a_fresh_install_print_no_warning(tmp_path):
    check = run_comptoir("check", var_dir=tmp_path)
    migrate = run_comptoir("migrate", "--verbosity", "0", var_dir=tmp_path)

    assert (check.returncode, check.stderr) == (0, "")
    assert check.stdout == "System check identified no issues (0 silenced).\n"
    assert (migrate.returncode, migrate.stderr, migrate.stdout) == (0, "", "")
