from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from contest.demo import DEMO_LOGINS, DEMO_PASSWORD
from demo.services import load_demo


class Command(BaseCommand):
    help = "Load the demo contest « ACTION contre les VSS » (idempotent; refused in production)."

    def handle(self, *args, **options):
        # The demo's mails (films' verdicts, release approvals) go to fictional addresses: kept in memory and told
        # in one line each, rather than printed whole or sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            contest = load_demo()
            sent = list(mail.outbox)
        self.stdout.write(self.style.SUCCESS(f"Demo contest ready: {contest.title_fr} (/c/{contest.slug}/)"))
        for message in sent:
            self.stdout.write(f"Mail to {', '.join(message.to)}: {message.subject}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {role}")
