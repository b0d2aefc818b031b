from django.contrib.auth import views as auth_views
from django.urls import path

from .views import api_tokens, password_change

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", password_change, name="password_change"),
    path("api-tokens/", api_tokens.api_token_list, name="api-token-list"),
    path("api-tokens/<int:pk>/revoke/", api_tokens.api_token_revoke, name="api-token-revoke"),
]
