"""Pages run the same number of queries whatever the number of policies."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import PolicyDocumentFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_documents(agency, count: int) -> None:
    for _ in range(count):
        document = PolicyDocumentFactory(agency=agency)
        for _ in range(3):
            PolicyVersionFactory(document=document)


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_policy_list_and_home_queries_do_not_grow(request, northgate, who):
    client = request.getfixturevalue(f"{who}_client")
    add_documents(northgate, 1)
    small = {url: queries(client, url) for url in ["/policies/", "/"]}
    add_documents(northgate, 99)
    large = {url: queries(client, url) for url in ["/policies/", "/"]}
    assert small == large


def test_policy_and_version_pages_queries_do_not_grow(alice_client, northgate):
    document = PolicyDocumentFactory(agency=northgate)
    PolicyVersionFactory(document=document, number=1, pages=["One"])
    urls = [f"/policies/{document.pk}/", f"/policies/{document.pk}/versions/1/"]
    small = [queries(alice_client, url) for url in urls]
    for _ in range(99):
        PolicyVersionFactory(document=document, pages=[f"Page {n}" for n in range(20)])
    add_documents(northgate, 50)
    large = [queries(alice_client, url) for url in urls]
    assert small == large
