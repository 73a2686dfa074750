class PrivateCacheControlMiddleware:
    """Mark every response to a signed-in person `private, no-store`.

    Pages and files behind sign-in hold agencies' policies, reviews and the audit trail: neither a
    shared proxy nor the browser's disk cache (a shared computer's back button) may keep them.
    Downloads are covered too, since only signed-in people can make them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
