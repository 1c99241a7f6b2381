#!/usr/bin/env python
"""Django's command-line utility for Homeward."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    from config.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        sys.exit(f"homeward: configuration error: {error}")


if __name__ == "__main__":
    main()
