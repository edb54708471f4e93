from contest.services import ContestError


class JudgingError(ContestError):
    pass
