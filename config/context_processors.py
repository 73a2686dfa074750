from django.conf import settings


def board(request):
    return {"BOARD_NAME": settings.BOARD_NAME}
