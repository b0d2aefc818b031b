from django.utils.functional import SimpleLazyObject

from . import access, notifications, todos
from .navigation import menu_for


def navigation(request):
    """The menu, and beside it `nav_badges`: (entry, to-do count) pairs. The counts are drawn in the page only
    when this request has them already (the home page counts fresh); every other page draws the menu at once
    and fetches the badges after loading (`core:todo-badges`, from the short per-user cache), so no page waits
    for a dozen counts it does not show in its content. API answers, the portal and HTMX partials never count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "nav_badges": [], "nav_badges_later": False}
    menu = menu_for(user)

    def badges():
        if not todos.counted_in_request(user):
            return [(item, None) for item in menu]
        counts = todos.menu_counts(user)
        return [(item, counts.get(item.url_name, 0)) for item in menu]

    nav_badges = SimpleLazyObject(badges)
    return {"nav_menu": menu, "nav_badges": nav_badges, "user_roles": sorted(access.roles_of(user)),
            # not while the password must be changed (the badges' request would be sent to the change page),
            # nor without a menu (it sends the request; the header then counts the unread messages itself)
            "nav_badges_later": SimpleLazyObject(lambda: bool(menu) and not user.must_change_password
                                                 and not todos.counted_in_request(user))}


def notification_badge(request):
    """`notification_unread_count` for the header: one indexed COUNT, run only when a template reads it (the
    home page and the portal; the other pages have it from the badges' request, `core:todo-badges`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notification_unread_count": 0}
    return {"notification_unread_count": SimpleLazyObject(lambda: notifications.notification_unread_count(user))}
