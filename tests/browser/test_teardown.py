"""The browser run ends cleanly: nothing still uses the test database when it is dropped."""


def test_the_live_server_stops_before_the_test_database_is_dropped(page, request):
    # Session fixtures are torn down in the reverse of the order they were set up.
    order = request.fixturenames
    assert order.index("django_db_setup") < order.index("live_server")


def test_no_connection_outlives_the_request_or_task_that_opened_it(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
