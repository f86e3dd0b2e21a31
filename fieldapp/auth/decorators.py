"""Role checks for views."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from fieldapp.auth.models import Role
from fieldapp.extensions import login_manager


def role_required(*roles: Role):
    """Allow the view to signed-in, active users with one of ``roles``; 401/403 otherwise."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = role_required(*Role)
