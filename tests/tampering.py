"""Tokens changed by one character, as someone guessing or editing a link would."""


def last_character_changed(token: str) -> str:
    """The token with its last character replaced by another one: never the token itself (a signature whose last
    character already is the replacement would otherwise come back unchanged, one run in sixteen)."""
    return token[:-1] + ("B" if token.endswith("A") else "A")
