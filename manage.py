#!/usr/bin/env python
import os
import sys

from django.core.management import execute_from_command_line

# Commands that never open a database connection they need (makemigrations only warns when it
# cannot check the history): they run without DATABASE_URL, so checks and editors can call them.
NO_DATABASE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "lifecycle_diagram"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")
    if len(sys.argv) > 1 and sys.argv[1] in NO_DATABASE_COMMANDS:
        os.environ.setdefault("DATABASE_URL", "postgres://unused@localhost:1/unused")
        # Development commands, never a server: the production key checks (titles.checks) would
        # otherwise refuse makemigrations on a developer's machine.
        os.environ.setdefault("DEBUG", "1")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
