class ServiceError(Exception):
    """A rule said no. `code` is stable (tests, logs); `message` is for people. Each app's errors derive from it."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self):
        return str(self.message)
