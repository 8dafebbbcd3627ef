/* test-xmpp-error.c: stream error conditions map both ways
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp/xmpp.h"

static void
test_condition_round_trip (void)
{
  for (int code = XMPP_STREAM_ERROR_BAD_FORMAT; code <= XMPP_STREAM_ERROR_UNSUPPORTED_VERSION; code++)
    {
      const char *condition = xmpp_stream_error_to_condition (code);
      XmppStreamError parsed = -1;

      g_assert_true (xmpp_stream_error_from_condition (condition, &parsed));
      g_assert_cmpint (parsed, ==, code);
    }
  g_assert_cmpstr (xmpp_stream_error_to_condition (XMPP_STREAM_ERROR_RESTRICTED_XML), ==,
                   "restricted-xml");
}

static void
test_unknown_condition_is_undefined (void)
{
  XmppStreamError parsed = XMPP_STREAM_ERROR_RESET;

  g_assert_false (xmpp_stream_error_from_condition ("made-up-condition", &parsed));
  g_assert_cmpint (parsed, ==, XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
  g_assert_false (xmpp_stream_error_from_condition (NULL, &parsed));
  g_assert_cmpint (parsed, ==, XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
}

static void
test_enum_type_registered (void)
{
  GEnumClass *klass = g_type_class_ref (XMPP_TYPE_STREAM_ERROR);

  g_assert_nonnull (g_enum_get_value (klass, XMPP_STREAM_ERROR_POLICY_VIOLATION));
  g_type_class_unref (klass);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/error/condition-round-trip", test_condition_round_trip);
  g_test_add_func ("/natter/xmpp/error/unknown-condition-is-undefined",
                   test_unknown_condition_is_undefined);
  g_test_add_func ("/natter/xmpp/error/enum-type-registered", test_enum_type_registered);

  return g_test_run ();
}
