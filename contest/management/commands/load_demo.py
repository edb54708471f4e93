from django.core.management.base import BaseCommand

from contest.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo contest « ACTION contre les VSS » (idempotent; refused in production)."

    def handle(self, *args, **options):
        contest = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo contest ready: {contest.title_fr} (/c/{contest.slug}/)"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {role}")
