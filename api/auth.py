"""Who is asking and what they may reach: a person's session, or a machine client's key and its scopes.

docs/interfaces.md §4: no or a bad credential is 401, a valid key
outside its scopes is 403.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from integrations.models import ApiClient
from integrations.services import api_client_authenticate


class ClientPrincipal:
    """`request.user` for a machine client: authenticated, but no person and no group."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, client: ApiClient):
        self.client = client
        self.username = f"api-client:{client.name}"

    def __str__(self):
        return self.username


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: send `Token <key>`.")
        try:
            token = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The API key is not valid.") from None
        view = request.parser_context.get("view") if request.parser_context else None
        client = api_client_authenticate(token=token, confirmed_later=getattr(view, "logs_answers", False))
        if client is None:
            raise exceptions.AuthenticationFailed("The API key is not valid, or has been revoked.")
        return ClientPrincipal(client), client

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no credential is given.
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a key from `manage.py issue_api_token NAME` or the admin.",
        }


def api_client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


class ScopePermission(BasePermission):
    """A key reaches only the scopes it was issued with; a person reaches what their role shows."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        client = api_client_of(request)
        scope = getattr(view, "required_scope", None)
        if client is None or scope is None or client.has_scope(scope):
            return True
        self.message = f"This API key does not have the `{scope}` scope."
        return False
