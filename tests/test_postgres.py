"""The same end-to-end flows on PostgreSQL, when a server is reachable at
CSBA_TEST_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test); each test
gets a database of its own, dropped afterwards. Skipped with the reason when none is reachable."""

import os
import uuid

import asyncpg
import pytest

from tests.test_case_kinds import (  # noqa: F401
    test_a_deadline_survives_a_restart_to_the_second,
    test_a_reply_after_the_deadline_finds_the_customers_resolution_applied,
)
from tests.test_cases import (  # noqa: F401  (collected again here, on PostgreSQL)
    test_silent_seller_reminded_at_12_hours_and_overruled_at_24,
    test_whole_loop_sms_to_chinese_seller_and_gb18030_reply_back_by_sms,
)
from tests.test_console_conversations import (  # noqa: F401
    test_filters_and_search_find_the_conversations,
    test_take_over_reply_note_flag_review_and_hand_back,
)
from tests.test_email_intake import (  # noqa: F401
    test_customer_email_gets_a_threaded_multipart_answer_through_the_relay,
    test_the_same_message_id_twice_is_stored_and_answered_once,
)
from tests.test_outbox import (  # noqa: F401
    test_a_restart_sends_at_once_what_a_crash_stopped_before_the_hand_over,
    test_a_row_its_live_sender_holds_waits_for_the_lease,
    test_an_sms_twilio_has_is_not_sent_again_after_a_crash,
    test_twilio_5xx_is_retried_with_backoff_and_sent_once,
)
from tests.test_sms_webhook import (  # noqa: F401
    test_concurrent_duplicates_store_one_message_and_reply_once,
    test_three_wrong_postal_codes_end_the_attempt_for_the_day,
    test_where_is_my_order_from_the_buyers_phone,
)

SERVER_URL = os.environ.get("CSBA_TEST_POSTGRES_URL",
                            "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@pytest.fixture
async def postgres_url():
    plain = SERVER_URL.replace("postgresql+asyncpg://", "postgresql://")
    try:
        admin = await asyncpg.connect(plain, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL reachable at {SERVER_URL}: {exc}")
    name = f"csba_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = SERVER_URL.rpartition("/")
    yield f"{base}/{name}"
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture
def settings(settings, postgres_url):
    return settings.with_overrides(db_url=postgres_url)
