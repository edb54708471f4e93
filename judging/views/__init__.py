"""HTTP only: `jury` (the juror's pages), `organiser` (rounds, assignment, results), `awards`. judging/urls.py names
each view by its module."""
