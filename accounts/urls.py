from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_two_factor_view, name="login_two_factor"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/start/", views.two_factor_start_view, name="two_factor_start"),
    path("two-factor/confirm/", views.two_factor_confirm_view, name="two_factor_confirm"),
    path("two-factor/remove/", views.two_factor_remove_view, name="two_factor_remove"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("verify/", views.resend_verification_view, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email_view, name="verify_email"),
]
