"""The `comptoir` console script: Django's manage command with our settings."""

import os
import sys

# Commands spelled the way people type them; Django's are module names.
ALIASES = {"mail-in": "mail_in"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
