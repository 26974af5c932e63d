import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an editor can log in: create a local superuser with a one-time password "
        "if there is none, else say how to reset a password. There is no default password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(
                f"Admin: {url} (user '{existing.get_username()}'). Forgot the password? "
                f"Run: .venv/bin/python manage.py changepassword {existing.get_username()}"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin user '{username}' with the one-time password: {password}\n"
                f"Log in at {url} and change it (top right: 'Change password'). "
                "It is shown only this once."
            )
        )
