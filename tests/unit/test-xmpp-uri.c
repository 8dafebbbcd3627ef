/* test-xmpp-uri.c: xmpp: URIs per RFC 5122 and XEP-0147
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp/xmpp.h"

typedef struct
{
  const char *uri;
  const char *jid;
  const char *action;
  const char *key;
  const char *value;
} ValidCase;

/* From RFC 5122 §2 and §3 and XEP-0147, plus the OMEMO form phones scan. */
static const ValidCase valid_cases[] = {
  { "xmpp:node@example.com", "node@example.com", NULL, NULL, NULL },
  { "XMPP:node@example.com", "node@example.com", NULL, NULL, NULL },
  { "xmpp:example.com", "example.com", NULL, NULL, NULL },
  { "xmpp:node@example.com/resource", "node@example.com/resource", NULL, NULL, NULL },
  { "xmpp:support@example.com?message", "support@example.com", "message", NULL, NULL },
  { "xmpp:romeo@montague.net?message;subject=Test%20Message;body=Here%27s%20a%20test%20message",
    "romeo@montague.net", "message", "body", "Here's a test message" },
  { "xmpp:romeo@montague.net?message;subject=Test%20Message;body=Here%27s%20a%20test%20message",
    "romeo@montague.net", "message", "subject", "Test Message" },
  { "xmpp:nasty!%23$%25()*+,-.;=%3F%5B%5C%5D%5E_%60%7B%7C%7D~node@example.com",
    "nasty!#$%()*+,-.;=?[\\]^_`{|}~node@example.com", NULL, NULL, NULL },
  { "xmpp:node@example.com/repulsive%20!%23%22$%25&'()*+,-.%2F:;%3C=%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~resource",
    "node@example.com/repulsive !#\"$%&'()*+,-./:;<=>?@[\\]^_`{|}~resource", NULL, NULL, NULL },
  { "xmpp:ji%C5%99i@%C4%8Dechy.example/v%20Praze", "jiři@čechy.example/v Praze", NULL, NULL, NULL },
  { "xmpp://guest@example.com/support@example.com?message", "support@example.com", "message", NULL, NULL },
  { "xmpp:romeo@montague.net?roster;name=Romeo%20Montague;group=Friends",
    "romeo@montague.net", "roster", "group", "Friends" },
  { "xmpp:romeo@montague.net?subscribe", "romeo@montague.net", "subscribe", NULL, NULL },
  { "xmpp:alice@example.org?omemo-sid-1234567=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "alice@example.org", NULL, "omemo-sid-1234567",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
  { "xmpp:bob@example.com?message;body=line%0Aand%20more#ignored-fragment",
    "bob@example.com", "message", "body", "line\nand more" },
  { "xmpp:bob@example.com?message;body=a%3Db%3Bc", "bob@example.com", "message", "body", "a=b;c" },
  { "xmpp:bob@example.com?message;body=", "bob@example.com", "message", "body", "" },
  { "xmpp:ALICE@Example.COM", "alice@example.com", NULL, NULL, NULL },
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppUri) uri = xmpp_uri_parse (c->uri, &error);

      g_test_message ("%s", c->uri);
      g_assert_no_error (error);
      g_assert_nonnull (uri);
      g_assert_cmpstr (xmpp_jid_to_string (xmpp_uri_get_jid (uri)), ==, c->jid);
      g_assert_cmpstr (xmpp_uri_get_action (uri), ==, c->action);
      if (c->key != NULL)
        g_assert_cmpstr (xmpp_uri_get_parameter (uri, c->key), ==, c->value);
    }
}

static void
test_account_authority (void)
{
  g_autoptr(XmppUri) uri = xmpp_uri_parse ("xmpp://guest@example.com/support@example.com?message", NULL);

  g_assert_nonnull (uri);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_uri_get_account (uri)), ==, "guest@example.com");
}

static const char * const invalid_cases[] = {
  "",
  "xmpp:",
  "xmpp:?message",
  "http://example.com",
  "mailto:romeo@montague.net",
  "xmpp:a@b@c",
  "xmpp:node@",
  "xmpp:@example.com",
  "xmpp:node@example.com/",
  "xmpp:a%00b@example.com",
  "xmpp:a%ZZb@example.com",
  "xmpp:a%C0%BC@example.com",
  "xmpp:a%ED%A0%80@example.com",
  "xmpp:te%E2%80%8Fst@example.com",
  "xmpp:node@example.com?message;=value",
  "xmpp:node@example.com?message;body",
  "xmpp:node@example.com?message;body=%00",
  "xmpp:node@example.com?mess%20age",
  "xmpp://guest@example.com",
  "xmpp://@/node@example.com",
};

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppUri) uri = xmpp_uri_parse (invalid_cases[i], &error);

      g_test_message ("%s", invalid_cases[i]);
      g_assert_null (uri);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_URI);
    }
}

static void
test_limits (void)
{
  g_autoptr(GString) many = g_string_new ("xmpp:a@example.com?message");
  g_autoptr(GString) huge = g_string_new ("xmpp:a@example.com?message;body=");
  g_autoptr(XmppUri) uri = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (many, ";k%u=v", i);
  uri = xmpp_uri_parse (many->str, &error);
  g_assert_null (uri);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_URI);
  g_clear_error (&error);

  for (guint i = 0; i < 20000; i++)
    g_string_append_c (huge, 'x');
  uri = xmpp_uri_parse (huge->str, &error);
  g_assert_null (uri);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_URI);
}

static void
test_build_round_trip (void)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new ("nasty;?#%@example.com/res ource?#", NULL);
  g_autofree char *text = NULL;
  g_autofree char *omemo = NULL;
  g_autoptr(XmppUri) uri = NULL;
  g_autoptr(XmppUri) omemo_uri = NULL;
  g_auto(GStrv) keys = NULL;
  const char *body = "50% off; a=b & c?d #tag\nnew line — ünïcode 🙂";

  g_assert_nonnull (jid);
  text = xmpp_uri_build (jid, "message", "body", body, "subject", "hi", NULL);
  uri = xmpp_uri_parse (text, NULL);
  g_assert_nonnull (uri);
  g_assert_true (xmpp_jid_equal (xmpp_uri_get_jid (uri), jid));
  g_assert_cmpstr (xmpp_uri_get_action (uri), ==, "message");
  g_assert_cmpstr (xmpp_uri_get_parameter (uri, "body"), ==, body);
  g_assert_cmpstr (xmpp_uri_get_parameter (uri, "subject"), ==, "hi");

  /* Parameters without an action: the OMEMO fingerprint form. */
  omemo = xmpp_uri_build (jid, NULL, "omemo-sid-1", "aa", "omemo-sid-2", "bb", NULL);
  g_assert_true (g_str_has_suffix (omemo, "?omemo-sid-1=aa;omemo-sid-2=bb"));
  omemo_uri = xmpp_uri_parse (omemo, NULL);
  g_assert_nonnull (omemo_uri);
  g_assert_null (xmpp_uri_get_action (omemo_uri));
  keys = xmpp_uri_dup_keys (omemo_uri);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "omemo-sid-1");
  g_assert_cmpstr (xmpp_uri_get_parameter (omemo_uri, "omemo-sid-2"), ==, "bb");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/uri/valid", test_valid);
  g_test_add_func ("/natter/xmpp/uri/account-authority", test_account_authority);
  g_test_add_func ("/natter/xmpp/uri/invalid", test_invalid);
  g_test_add_func ("/natter/xmpp/uri/limits", test_limits);
  g_test_add_func ("/natter/xmpp/uri/build-round-trip", test_build_round_trip);

  return g_test_run ();
}
