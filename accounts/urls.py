from django.urls import path

from . import oidc, views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    # Single sign-on: the redirect URI to register with the provider is the callback's full address.
    path("sso/", oidc.SignInStart.as_view(), name="sso_start"),
    path("sso/callback/", oidc.SignInCallback.as_view(), name="sso_callback"),
]
