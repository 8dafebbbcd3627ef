/* test-core-error.c: the wording users see for errors of every layer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#define DOMAIN "example.org"

static char *
describe (GQuark      domain,
          int         code,
          const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, message);
  char *text = natter_error_dup_message (error, DOMAIN);

  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), >, 10);
  return text;
}

/* The failures the account dialog must tell apart, each with its own
 * wording: which row of the table each domain and code lands in. */
typedef struct
{
  const char *name;
  GQuark      domain;
  int         code;
  const char *engine_message;
  const char *expected;       /* a part of the wording */
} Row;

static void
test_table_tells_failures_apart (void)
{
  const Row rows[] = {
    { "wrong password", XMPP_ERROR, XMPP_ERROR_AUTH_FAILED,
      "The user name or password is wrong", "The user name or password is wrong" },
    { "unknown host", G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
      "Name or service not known", "could not be found" },
    { "unknown host (engine)", XMPP_ERROR, XMPP_ERROR_CONNECT,
      "Could not find the server “example.org”", "Could not find the server" },
    { "no connection", G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
      "Network is unreachable", "No connection" },
    { "refused", G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
      "Connection refused", "refused the connection" },
    { "not an XMPP server", XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
      "not-well-formed at byte 0", "did not answer like an XMPP server" },
    { "not an XMPP server (namespace)", XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_INVALID_NAMESPACE,
      "invalid-namespace", "did not answer like an XMPP server" },
    { "certificate", XMPP_ERROR, XMPP_ERROR_CERTIFICATE,
      "The certificate of “example.org” is not trusted: it is not signed by a known authority",
      "not signed by a known authority" },
    { "certificate (TLS)", G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
      "Unacceptable TLS certificate", "is not trusted" },
    { "TLS required", XMPP_ERROR, XMPP_ERROR_TLS_REQUIRED,
      "no starttls", "encrypted connection (TLS)" },
    { "downgrade", XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM,
      "The server offers only SCRAM-SHA-1, but this account requires at least SCRAM-SHA-256",
      "requires at least" },
    { "conflict", XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONFLICT,
      "conflict", "same resource" },
    { "host unknown", XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_HOST_UNKNOWN,
      "host-unknown", "does not host the domain" },
    { "timeout", XMPP_ERROR, XMPP_ERROR_TIMEOUT,
      "timeout", "stopped answering" },
    { "no keyring", NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE,
      "No keyring (Secret Service) is running", "No keyring" },
    { "disk full", NATTER_STORE_ERROR, NATTER_STORE_ERROR_FULL,
      "The disk is full", "The disk is full" },
  };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *text = describe (rows[i].domain, rows[i].code, rows[i].engine_message);

      g_test_message ("%s: %s", rows[i].name, text);
      if (strstr (text, rows[i].expected) == NULL)
        g_error ("%s: “%s” does not say “%s”", rows[i].name, text, rows[i].expected);
      /* Each kind of failure reads differently from every other; the
       * variants of one kind (the words before a parenthesis) may read
       * alike. */
      {
        g_autofree char *kind = g_strndup (rows[i].name, strcspn (rows[i].name, "("));
        const char *other = g_hash_table_lookup (seen, text);

        if (other != NULL && strcmp (other, g_strstrip (kind)) != 0)
          g_error ("%s reads like %s: %s", rows[i].name, other, text);
        g_hash_table_replace (seen, g_steal_pointer (&text), g_strdup (kind));
      }
    }
}

/* Every code of the engine's domains has a wording, and only the codes
 * whose engine message is the specific one pass it through unchanged. */
static void
test_every_engine_code_is_mapped (void)
{
  const GType types[] = { XMPP_TYPE_ERROR, XMPP_TYPE_STREAM_ERROR };
  const GQuark domains[] = { XMPP_ERROR, XMPP_STREAM_ERROR };
  const char *marker = "ENGINE-MESSAGE";

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      GEnumClass *klass = g_type_class_ref (types[t]);

      for (guint v = 0; v < klass->n_values; v++)
        {
          g_autofree char *text = describe (domains[t], klass->values[v].value, marker);
          gboolean passes_through = strcmp (text, marker) == 0;
          gboolean allowed = domains[t] == XMPP_ERROR &&
                             (klass->values[v].value == XMPP_ERROR_FAILED ||
                              klass->values[v].value == XMPP_ERROR_CONNECT ||
                              klass->values[v].value == XMPP_ERROR_CERTIFICATE ||
                              klass->values[v].value == XMPP_ERROR_AUTH_FAILED ||
                              klass->values[v].value == XMPP_ERROR_AUTH_MECHANISM ||
                              klass->values[v].value == XMPP_ERROR_INVALID_JID ||
                              klass->values[v].value == XMPP_ERROR_INVALID_URI);

          g_test_message ("%s: %s", klass->values[v].value_nick, text);
          if (passes_through != allowed)
            g_error ("%s is %s", klass->values[v].value_name,
                     passes_through ? "not mapped"
                                    : "mapped although the engine's message is the specific one");
          /* Protocol conditions a user cannot act on are explained, not
           * just named, except where they are quoted as the detail. */
          if (domains[t] == XMPP_STREAM_ERROR)
            g_assert_true (g_str_has_prefix (text, "The server") ||
                           g_str_has_prefix (text, "“") ||
                           g_str_has_prefix (text, "Another device"));
        }
      g_type_class_unref (klass);
    }
}

static void
test_unknown_domains_keep_their_message (void)
{
  g_autofree char *text = describe (g_quark_from_static_string ("some-other-error"), 3,
                                    "Something specific went wrong");

  g_assert_cmpstr (text, ==, "Something specific went wrong");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/core/error/table-tells-failures-apart",
                   test_table_tells_failures_apart);
  g_test_add_func ("/natter/core/error/every-engine-code-is-mapped",
                   test_every_engine_code_is_mapped);
  g_test_add_func ("/natter/core/error/unknown-domains-keep-their-message",
                   test_unknown_domains_keep_their_message);

  return g_test_run ();
}
