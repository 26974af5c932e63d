"""Helper processes of a Django process (the readers of a bulk import).

Their start-up function lives outside the apps: a process started by forkserver
or spawn unpickles it before Django is set up, and importing any catalog module
would load the models too early.
"""

import os


def start_helper(niceness=0):
    """In a new helper process: lower its priority, set Django up if it is not (forked)."""
    import django
    from django.apps import apps

    os.nice(niceness)
    if not apps.ready:
        django.setup()
