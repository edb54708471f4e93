"""The site's addresses plus one view that breaks, to see the 500 page a visitor gets (tests/config/test_error_pages.py)."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [*site_urlpatterns, path("broken/", broken)]
