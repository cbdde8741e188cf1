from rest_framework.permissions import BasePermission


class CanSubmitArticles(BasePermission):
    """Submitting articles needs the ``comparer.add_article`` permission, granted per partner in admin.

    Reading is open to every authenticated account; writing is a separate grant so a read-only
    research token cannot add text to the corpus.
    """

    message = "This account may read but not submit articles; ask an administrator for the 'Can add article' permission."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("comparer.add_article"))
