#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kdkmp.settings")
    # A machine without a SECRET_KEY is a developer's: commands run in development mode there.
    # Production sets SECRET_KEY (and DEBUG=false); the served app (wsgi.py) never gets this default.
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
