"""`make run`'s server: the web process, a Celery worker on every queue and the beat scheduler, in one terminal.

Ctrl-C (or SIGTERM) stops all three cleanly."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from contest.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Serve the web app with a Celery worker and beat (development and demo)."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default=os.environ.get("PALMARES_ADDRPORT", "127.0.0.1:8000"))

    def handle(self, *args, addrport, **options):
        for folder in ("broker", "broker-processed", "broker-control"):
            os.makedirs(settings.RUN_DIR / folder, exist_ok=True)
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "config"]
        commands = {
            "web": [python, "manage.py", "runserver", addrport, "--noreload"],
            "worker": celery
            + ["worker", "-Q", "default,checks,transcode", "--concurrency", "2", "--loglevel", "INFO", "-n", "run@%h"],
            "beat": celery
            + ["beat", "--loglevel", "INFO", "--schedule", str(settings.RUN_DIR / "celerybeat-schedule")],
        }
        processes = {name: subprocess.Popen(command, start_new_session=True) for name, command in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"Palmarès is serving at http://{addrport}/ (Ctrl-C stops everything)"))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(email for email, _ in DEMO_LOGINS))

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the others.")
                        stopping = True
                time.sleep(0.5)
        finally:
            # SIGTERM to each main process only: Celery's warm shutdown then stops its own pool children (a signal to
            # the whole group would kill them under it and log errors). What is left after 15 s is killed.
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for name, process in processes.items():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self.stderr.write(f"{name} did not stop within 15 s; killing it.")
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)  # anything it left behind in its session
            self.stdout.write("Stopped.")
