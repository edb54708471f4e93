"""Locust users for bench/load.py (not run by `make bench` directly: bench/load.py starts the servers and calls
locust with one of these classes). The scenario comes from the JSON file named by BENCH_SCENARIO; each juror's
acknowledged autosaves are written to BENCH_ACKS when the run stops, so that load.py can check none was lost."""

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

SCENARIO = json.loads(Path(os.environ["BENCH_SCENARIO"]).read_text()) if os.environ.get("BENCH_SCENARIO") else {}
# The TLS proxy in front of gunicorn says the request came over HTTPS (production settings redirect plain HTTP).
PROXY = {"X-Forwarded-Proto": "https"}
_jurors = itertools.count()
# (juror email, entry code, criterion id) -> [sequence, value] of the last autosave the server acknowledged.
ACKED: dict[str, list] = {}


class PublicVisitor(FastHttpUser):
    """Announcement day: someone opens the palmarès, then a winner's announcement and its film page."""

    wait_time = constant(0)

    @task(3)
    def palmares(self):
        self.client.get(f"/palmares/{SCENARIO['contest']}/", headers=PROXY, name="palmarès")

    @task(1)
    def film_list(self):
        self.client.get(f"/palmares/{SCENARIO['contest']}/films/", headers=PROXY, name="film list")

    @task(3)
    def announcement(self):
        public_id = random.choice(SCENARIO["released"])
        self.client.get(f"/palmares/{SCENARIO['contest']}/films/{public_id}/", headers=PROXY, name="announcement")

    @task(3)
    def film(self):
        public_id = random.choice(SCENARIO["released"])
        self.client.get(f"/palmares/{SCENARIO['contest']}/films/{public_id}/watch/", headers=PROXY, name="film page")


class Juror(FastHttpUser):
    """Judging week: a juror opens their queue, then scores entries; the page autosaves each change."""

    # The score form autosaves 0.8 s after the last keystroke: a juror typing a comment saves every 1 to 3 s.
    wait_time = between(*(float(x) for x in os.environ.get("BENCH_JUROR_WAIT", "1,3").split(",")))

    def on_start(self):
        # Jurors do not all click at the same millisecond: the first action comes after a wait like every later one
        # (locust starts all users at once, which would make the first second a burst no real jury produces).
        self.wait()
        self.me = SCENARIO["jurors"][next(_jurors) % len(SCENARIO["jurors"])]
        self.sequence = 0
        cookie = f"sessionid={self.me['session']}; csrftoken={self.me['csrf']}"
        self.headers = {**PROXY, "Cookie": cookie}
        self.queue_url = self.me["queue"]

    @task(1)
    def queue(self):
        with self.client.get(self.queue_url, headers=self.headers, name="juror queue", catch_response=True) as response:
            if response.status_code == 200 and self.me["assignments"][0]["code"] not in response.text:
                response.failure("the queue does not list the juror's entries")

    @task(4)
    def autosave(self):
        assignment = random.choice(self.me["assignments"])
        values = {str(criterion): random.randint(low, high) for criterion, low, high in assignment["criteria"]}
        self.sequence += 1
        url = f"{self.queue_url}entries/{assignment['code']}/autosave/"
        headers = {
            **self.headers,
            "X-CSRFToken": self.me["csrf"],
            "Referer": f"{SCENARIO['origin']}{url}",
            "Content-Type": "application/json",
        }
        body = json.dumps({"values": values, "private_comment": f"draft {self.sequence}"})
        with self.client.post(url, data=body, headers=headers, name="score autosave", catch_response=True) as response:
            if response.status_code != 200 or not response.json().get("ok"):
                response.failure(f"autosave refused: {response.status_code} {response.text[:200]}")
                return
            for criterion, value in values.items():
                ACKED[f"{self.me['email']}|{assignment['code']}|{criterion}"] = [self.sequence, value]


@events.test_stop.add_listener
def write_acknowledged(environment, **kwargs):
    path = os.environ.get("BENCH_ACKS")
    if path and ACKED:
        with open(path, "w") as file:
            json.dump(ACKED, file)
