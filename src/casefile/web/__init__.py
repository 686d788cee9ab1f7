"""The browser front end: Django pages over the same library functions as the CLI.

Nothing below this package imports it. Django's own database holds only accounts, roles, sessions
and login records; every case fact stays in the dossiers on disk.
"""
