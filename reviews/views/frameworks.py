from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from ..models import Expectation, Framework, Section


@login_required
def framework_list(request):
    frameworks = Framework.objects.annotate(expectation_count=Count("expectations"))
    return render(request, "reviews/framework_list.html", {"frameworks": frameworks})


@login_required
def framework_detail(request, code: str, version: int):
    framework = get_object_or_404(
        Framework.objects.prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.prefetch_related(
                    Prefetch("expectations", queryset=Expectation.objects.order_by("order"))
                ).order_by("number"),
            )
        ),
        code=code,
        version=version,
    )
    other_versions = Framework.objects.filter(code=code).exclude(pk=framework.pk)
    return render(
        request,
        "reviews/framework_detail.html",
        {"framework": framework, "other_versions": other_versions},
    )
