"""Public pages of the news: a list and each announcement. Thin: a selector, a template."""

from __future__ import annotations

import os

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.core.errors import NotFoundError
from motcua.news.models import Announcement
from motcua.news.selectors import announcement_published_get, announcements_published

PAGE_SIZE = 10


def announcement_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(announcements_published(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {"page": page})


def _published(pk: int) -> Announcement:
    try:
        return announcement_published_get(pk=pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


def announcement_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    announcement = _published(pk)
    if slug != announcement.slug:  # the title changed, or the address was cut: the one address
        return redirect(announcement, permanent=True)
    return render(request, "news/detail.html", {"announcement": announcement})


def announcement_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The attached PDF, while the announcement is published (checked as a PDF when uploaded)."""
    announcement = _published(pk)
    if not announcement.attachment:
        raise Http404("No attachment.")
    response = FileResponse(
        announcement.attachment.open("rb"),
        content_type="application/pdf",
        filename=os.path.basename(announcement.attachment.name or "tai-lieu.pdf"),
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
