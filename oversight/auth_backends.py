"""Signing in, and staying signed in, with Django's own accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from oversight.permissions import has_left_group
from oversight.signed_in import KEPT_SIGN_INS


class MemberAwareBackend(ModelBackend):
    """Django's backend, refusing the login of a member who has left the group.

    Checked on every request as well as at sign-in, so a member whose record gets a leaving date
    is signed out on their next request, exactly as a deactivated login is.
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not has_left_group(user)

    def get_user(self, user_id):
        # Kept by the worker until an account changes (oversight/signed_in.py); checked anew.
        user = KEPT_SIGN_INS.user(user_id, lambda: self._load(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        # The member record comes in the same query: checking it costs nothing per request.
        user_model = get_user_model()
        return user_model._default_manager.select_related("group_member").filter(pk=user_id).first()
