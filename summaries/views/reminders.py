from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import selectors


@login_required
def messages_sent(request):
    page = Paginator(selectors.reminders_for_user(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "summaries/messages.html", {"page": page})
