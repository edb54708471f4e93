from tests.browser.journey import _english_texts, journey  # noqa: F401  (fixtures for the journey tests)
