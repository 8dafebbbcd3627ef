/* test-xmpp-sasl.c: SASL mechanism choice, exchanges and failure mapping
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "xmpp/xmpp.h"

static const guint8 exporter_bytes[32] = {
  0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xe0,
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x00,
};
static const guint8 end_point_bytes[32] = {
  0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e,
  0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed, 0xed,
};

static char *
decode_text (const char *base64)
{
  gsize length;
  guint8 *decoded = g_base64_decode (base64, &length);
  char *text = g_strndup ((const char *) decoded, length);

  g_assert_cmpuint (strlen (text), ==, length);
  g_free (decoded);
  return text;
}

static char *
encode_text (const char *text)
{
  return g_base64_encode ((const guint8 *) text, strlen (text));
}

typedef struct
{
  const char        *offered;
  const char        *cb_types;
  gboolean           tls;
  gboolean           exporter;
  gboolean           end_point;
  XmppSaslMechanism  minimum;
  const char        *mechanism;
  const char        *gs2_header;
} SelectCase;

#define NOT_ADVERTISED NULL
#define ALL "SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512 PLAIN " \
            "SCRAM-SHA-1-PLUS SCRAM-SHA-256-PLUS SCRAM-SHA-512-PLUS"
#define NO_PLUS "SCRAM-SHA-1 SCRAM-SHA-256 PLAIN"
#define NO_MINIMUM XMPP_SASL_MECHANISM_NONE

static const SelectCase select_cases[] = {
  /* Channel binding whenever possible, tls-exporter first. */
  { ALL, NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM, "SCRAM-SHA-512-PLUS", "p=tls-exporter,," },
  { ALL, NOT_ADVERTISED, TRUE, FALSE, TRUE, NO_MINIMUM,
    "SCRAM-SHA-512-PLUS", "p=tls-server-end-point,," },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", NOT_ADVERTISED, TRUE, TRUE, FALSE, NO_MINIMUM,
    "SCRAM-SHA-256-PLUS", "p=tls-exporter,," },
  /* Binding outranks the hash. */
  { "SCRAM-SHA-1-PLUS SCRAM-SHA-512", NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM,
    "SCRAM-SHA-1-PLUS", "p=tls-exporter,," },
  /* XEP-0440 lists are respected. */
  { ALL, "tls-server-end-point", TRUE, TRUE, TRUE, NO_MINIMUM,
    "SCRAM-SHA-512-PLUS", "p=tls-server-end-point,," },
  { ALL, "tls-unique tls-exporter tls-server-end-point", TRUE, TRUE, TRUE, NO_MINIMUM,
    "SCRAM-SHA-512-PLUS", "p=tls-exporter,," },
  { ALL, "tls-exporter", TRUE, FALSE, TRUE, NO_MINIMUM, "SCRAM-SHA-512", "n,," },
  { ALL, "tls-unique", TRUE, TRUE, TRUE, NO_MINIMUM, "SCRAM-SHA-512", "n,," },
  { ALL, "", TRUE, TRUE, TRUE, NO_MINIMUM, "SCRAM-SHA-512", "n,," },
  /* -PLUS offered but we cannot bind: 'n', since 'y' would fail an honest server. */
  { ALL, NOT_ADVERTISED, TRUE, FALSE, FALSE, NO_MINIMUM, "SCRAM-SHA-512", "n,," },
  /* We could bind but no -PLUS is offered: 'y' exposes a stripped list. */
  { NO_PLUS, NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM, "SCRAM-SHA-256", "y,," },
  { NO_PLUS, NOT_ADVERTISED, TRUE, FALSE, TRUE, NO_MINIMUM, "SCRAM-SHA-256", "y,," },
  { "SCRAM-SHA-256", "tls-server-end-point", TRUE, TRUE, FALSE, NO_MINIMUM,
    "SCRAM-SHA-256", "y,," },
  { NO_PLUS, NOT_ADVERTISED, TRUE, FALSE, FALSE, NO_MINIMUM, "SCRAM-SHA-256", "n,," },
  /* Without TLS: no binding (data is ignored) and never PLAIN. */
  { ALL, NOT_ADVERTISED, FALSE, TRUE, TRUE, NO_MINIMUM, "SCRAM-SHA-512", "n,," },
  { "PLAIN SCRAM-SHA-1", NOT_ADVERTISED, FALSE, FALSE, FALSE, NO_MINIMUM, "SCRAM-SHA-1", "n,," },
  { "PLAIN", NOT_ADVERTISED, FALSE, FALSE, FALSE, NO_MINIMUM, NULL, NULL },
  { "PLAIN SCRAM-SHA-1-PLUS", NOT_ADVERTISED, FALSE, TRUE, TRUE, NO_MINIMUM, NULL, NULL },
  /* PLAIN inside TLS, as a last resort. */
  { "PLAIN", NOT_ADVERTISED, TRUE, FALSE, FALSE, NO_MINIMUM, "PLAIN", NULL },
  { "PLAIN DIGEST-MD5", NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM, "PLAIN", NULL },
  /* Names are case-sensitive; unknown ones are ignored. */
  { "scram-sha-1 PLAIN", NOT_ADVERTISED, TRUE, FALSE, FALSE, NO_MINIMUM, "PLAIN", NULL },
  { "DIGEST-MD5 X-OAUTH2 SCRAM-SHA-3", NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM, NULL, NULL },
  { "", NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM, NULL, NULL },
  { NULL, NOT_ADVERTISED, TRUE, TRUE, TRUE, NO_MINIMUM, NULL, NULL },
  /* The minimum refuses downgrades. */
  { NO_PLUS, NOT_ADVERTISED, TRUE, TRUE, TRUE, XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS, NULL, NULL },
  { ALL, NOT_ADVERTISED, TRUE, FALSE, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS, NULL, NULL },
  { "PLAIN", NOT_ADVERTISED, TRUE, FALSE, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_1, NULL, NULL },
  { "SCRAM-SHA-1 PLAIN", NOT_ADVERTISED, TRUE, FALSE, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_256,
    NULL, NULL },
  { "SCRAM-SHA-256 PLAIN", NOT_ADVERTISED, TRUE, FALSE, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_256,
    "SCRAM-SHA-256", "n,," },
  { ALL, NOT_ADVERTISED, TRUE, TRUE, FALSE, XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS,
    "SCRAM-SHA-512-PLUS", "p=tls-exporter,," },
  { "PLAIN", NOT_ADVERTISED, TRUE, FALSE, FALSE, XMPP_SASL_MECHANISM_PLAIN, "PLAIN", NULL },
};

static void
test_selection_table (void)
{
  g_autoptr(GBytes) exporter = g_bytes_new_static (exporter_bytes, sizeof exporter_bytes);
  g_autoptr(GBytes) end_point = g_bytes_new_static (end_point_bytes, sizeof end_point_bytes);

  for (guint i = 0; i < G_N_ELEMENTS (select_cases); i++)
    {
      const SelectCase *c = &select_cases[i];
      g_auto(GStrv) offered = c->offered != NULL ? g_strsplit (c->offered, " ", -1) : NULL;
      g_auto(GStrv) cb_types = c->cb_types != NULL ? g_strsplit (c->cb_types, " ", -1) : NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *response = NULL;
      g_autofree char *decoded = NULL;
      XmppSasl *sasl = xmpp_sasl_new ("user", "pencil", c->tls);

      g_test_message ("case %u: offered '%s', server types '%s'", i,
                      c->offered != NULL ? c->offered : "(null)",
                      c->cb_types != NULL ? c->cb_types : "(not advertised)");
      if (c->exporter)
        xmpp_sasl_set_channel_binding (sasl, XMPP_SASL_CB_TLS_EXPORTER, exporter);
      if (c->end_point)
        xmpp_sasl_set_channel_binding (sasl, XMPP_SASL_CB_TLS_SERVER_END_POINT, end_point);
      xmpp_sasl_set_minimum_mechanism (sasl, c->minimum);

      if (c->mechanism == NULL)
        {
          g_assert_false (xmpp_sasl_select (sasl, (const char * const *) offered,
                                            (const char * const *) cb_types, &error));
          g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM);
          g_assert_null (xmpp_sasl_get_mechanism (sasl));
          g_assert_finalize_object (sasl);
          continue;
        }

      g_assert_true (xmpp_sasl_select (sasl, (const char * const *) offered,
                                       (const char * const *) cb_types, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, c->mechanism);
      g_assert_cmpint (xmpp_sasl_get_mechanism_id (sasl), ==,
                       xmpp_sasl_mechanism_from_string (c->mechanism));

      response = xmpp_sasl_initial_response (sasl, &error);
      g_assert_no_error (error);
      if (c->gs2_header == NULL)
        {
          g_autofree guint8 *plain = NULL;
          gsize length;

          plain = g_base64_decode (response, &length);
          g_assert_cmpmem (plain, length, "\0user\0pencil", 12);
        }
      else
        {
          decoded = decode_text (response);
          g_assert_true (g_str_has_prefix (decoded, c->gs2_header));
          g_assert_true (g_str_has_prefix (decoded + strlen (c->gs2_header), "n=user,r="));
        }
      if (g_str_has_prefix (c->gs2_header != NULL ? c->gs2_header : "", "p=tls-exporter"))
        g_assert_cmpstr (xmpp_sasl_get_channel_binding_type (sasl), ==, "tls-exporter");
      else if (g_str_has_prefix (c->gs2_header != NULL ? c->gs2_header : "", "p=tls-server"))
        g_assert_cmpstr (xmpp_sasl_get_channel_binding_type (sasl), ==, "tls-server-end-point");
      else
        g_assert_null (xmpp_sasl_get_channel_binding_type (sasl));

      g_assert_finalize_object (sasl);
    }
}

static void
test_downgrade_error_message (void)
{
  const char *offered[] = { "SCRAM-SHA-1", "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  XmppSasl *sasl = xmpp_sasl_new ("user", "pencil", TRUE);

  xmpp_sasl_set_minimum_mechanism (sasl, XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS);
  g_assert_false (xmpp_sasl_select (sasl, offered, NULL, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM);
  g_assert_cmpstr (error->message, ==,
                   "The server offers only SCRAM-SHA-1, but this account requires at least "
                   "SCRAM-SHA-256-PLUS; someone may be interfering with the connection");
  g_assert_finalize_object (sasl);
}

static void
test_plain_refused_without_tls_message (void)
{
  const char *offered[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  XmppSasl *sasl = xmpp_sasl_new ("user", "pencil", FALSE);

  g_assert_false (xmpp_sasl_select (sasl, offered, NULL, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM);
  g_assert_cmpstr (error->message, ==, "The server offers only to send the password unencrypted");
  g_assert_finalize_object (sasl);
}

static void
test_plain_initial_response (void)
{
  const char *offered[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  XmppSasl *sasl = xmpp_sasl_new ("user", "pass", TRUE);

  g_assert_true (xmpp_sasl_select (sasl, offered, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "PLAIN");
  response = xmpp_sasl_initial_response (sasl, &error);
  g_assert_no_error (error);
  /* base64 of "\0user\0pass" */
  g_assert_cmpstr (response, ==, "AHVzZXIAcGFzcw==");

  g_assert_true (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (sasl);
}

static void
test_plain_rejects_challenge (void)
{
  const char *offered[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_autofree char *answer = NULL;
  XmppSasl *sasl = xmpp_sasl_new ("user", "pass", TRUE);

  g_assert_true (xmpp_sasl_select (sasl, offered, NULL, &error));
  response = xmpp_sasl_initial_response (sasl, &error);
  g_assert_no_error (error);
  answer = xmpp_sasl_respond (sasl, "cj1hYmM=", &error);
  g_assert_null (answer);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_finalize_object (sasl);
}

static void
test_plain_rejects_control_characters (void)
{
  const char *offered[] = { "PLAIN", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  XmppSasl *sasl = xmpp_sasl_new ("user", "pa\x01ss", TRUE);

  g_assert_true (xmpp_sasl_select (sasl, offered, NULL, &error));
  response = xmpp_sasl_initial_response (sasl, &error);
  g_assert_null (response);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED);
  g_assert_finalize_object (sasl);
}

/* The server side of RFC 5802 §3, independent of xmpp-scram.c. */
static void
server_compute (gnutls_mac_algorithm_t     mac,
                gnutls_digest_algorithm_t  digest,
                gsize                      length,
                const char                *password,
                const char                *salt,
                guint                      iterations,
                const char                *auth_message,
                char                     **proof_base64,
                char                     **signature_base64)
{
  gnutls_datum_t key = { (unsigned char *) password, strlen (password) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, strlen (salt) };
  guint8 salted[64], client_key[64], stored_key[64], client_signature[64];
  guint8 proof[64], server_key[64], server_signature[64];

  g_assert_cmpint (gnutls_pbkdf2 (mac, &key, &salt_datum, iterations, salted, length), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (mac, salted, length, "Client Key", 10, client_key), ==, 0);
  g_assert_cmpint (gnutls_hash_fast (digest, client_key, length, stored_key), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (mac, stored_key, length, auth_message,
                                     strlen (auth_message), client_signature), ==, 0);
  for (gsize i = 0; i < length; i++)
    proof[i] = client_key[i] ^ client_signature[i];
  g_assert_cmpint (gnutls_hmac_fast (mac, salted, length, "Server Key", 10, server_key), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (mac, server_key, length, auth_message,
                                     strlen (auth_message), server_signature), ==, 0);

  *proof_base64 = g_base64_encode (proof, length);
  *signature_base64 = g_base64_encode (server_signature, length);
}

/* Runs a SCRAM-SHA-512-PLUS (tls-exporter) login up to the client-final
 * message, checking it byte for byte, and returns the server-final. */
static XmppSasl *
sasl_at_client_final (char **server_final)
{
  const char *offered[] = { "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", "PLAIN", NULL };
  const char *cb_types[] = { "tls-exporter", NULL };
  g_autoptr(GBytes) exporter = g_bytes_new_static (exporter_bytes, sizeof exporter_bytes);
  g_autoptr(GByteArray) cbind_input = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *server_first_base64 = NULL;
  g_autofree char *response = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *cbind = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *salt_base64 = NULL;
  const char *nonce;
  XmppSasl *sasl = xmpp_sasl_new ("juliet", "s3cr3t p4ss", TRUE);

  xmpp_sasl_set_channel_binding (sasl, XMPP_SASL_CB_TLS_EXPORTER, exporter);
  g_assert_true (xmpp_sasl_select (sasl, offered, cb_types, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_get_mechanism (sasl), ==, "SCRAM-SHA-512-PLUS");
  g_assert_cmpstr (xmpp_sasl_get_channel_binding_type (sasl), ==, "tls-exporter");

  initial = xmpp_sasl_initial_response (sasl, &error);
  g_assert_no_error (error);
  client_first = decode_text (initial);
  g_assert_true (g_str_has_prefix (client_first, "p=tls-exporter,,n=juliet,r="));
  nonce = client_first + strlen ("p=tls-exporter,,n=juliet,r=");
  g_assert_cmpuint (strlen (nonce), ==, 32);

  salt_base64 = encode_text ("NaCl NaCl");
  server_first = g_strdup_printf ("r=%sSERVER,s=%s,i=4096", nonce, salt_base64);
  server_first_base64 = encode_text (server_first);
  response = xmpp_sasl_respond (sasl, server_first_base64, &error);
  g_assert_no_error (error);
  client_final = decode_text (response);

  g_byte_array_append (cbind_input, (const guint8 *) "p=tls-exporter,,", 16);
  g_byte_array_append (cbind_input, exporter_bytes, sizeof exporter_bytes);
  cbind = g_base64_encode (cbind_input->data, cbind_input->len);
  without_proof = g_strdup_printf ("c=%s,r=%sSERVER", cbind, nonce);
  auth_message = g_strdup_printf ("%s,%s,%s", client_first + strlen ("p=tls-exporter,,"),
                                  server_first, without_proof);
  server_compute (GNUTLS_MAC_SHA512, GNUTLS_DIG_SHA512, 64, "s3cr3t p4ss", "NaCl NaCl", 4096,
                  auth_message, &proof, &signature);
  expected = g_strdup_printf ("%s,p=%s", without_proof, proof);
  g_assert_cmpstr (client_final, ==, expected);

  *server_final = g_strdup_printf ("v=%s", signature);
  return sasl;
}

static void
test_scram_plus_exchange (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *success = NULL;
  XmppSasl *sasl = sasl_at_client_final (&server_final);

  success = encode_text (server_final);
  g_assert_true (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_sasl_get_mechanism_id (sasl), ==, XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS);
  g_assert_finalize_object (sasl);
}

static void
test_server_final_in_challenge (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *response = NULL;
  XmppSasl *sasl = sasl_at_client_final (&server_final);

  challenge = encode_text (server_final);
  response = xmpp_sasl_respond (sasl, challenge, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response, ==, "");
  g_assert_true (xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (sasl);
}

static void
test_second_server_final_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *response = NULL;
  XmppSasl *sasl = sasl_at_client_final (&server_final);

  challenge = encode_text (server_final);
  response = xmpp_sasl_respond (sasl, challenge, &error);
  g_assert_no_error (error);
  g_assert_false (xmpp_sasl_verify_success (sasl, challenge, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_finalize_object (sasl);
}

static void
test_success_without_signature_fails (void)
{
  const char *empties[] = { NULL, "", "=" };

  for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *server_final = NULL;
      XmppSasl *sasl = sasl_at_client_final (&server_final);

      g_assert_false (xmpp_sasl_verify_success (sasl, empties[i], &error));
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
      g_assert_cmpstr (error->message, ==, "The server did not prove that it knows the password");
      g_assert_finalize_object (sasl);
    }
}

static void
test_success_with_wrong_signature_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *success = NULL;
  XmppSasl *sasl = sasl_at_client_final (&server_final);

  /* Flip one character of the signature. */
  server_final[2] = server_final[2] == 'A' ? 'B' : 'A';
  success = encode_text (server_final);
  g_assert_false (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_finalize_object (sasl);
}

static void
test_success_with_server_error_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *success = encode_text ("e=invalid-proof");
  XmppSasl *sasl = sasl_at_client_final (&server_final);

  g_assert_false (xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED);
  g_assert_cmpstr (error->message, ==, "The server refused the sign-in: invalid-proof");
  g_assert_finalize_object (sasl);
}

static XmppSasl *
sasl_after_auth (void)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;
  XmppSasl *sasl = xmpp_sasl_new ("user", "pencil", TRUE);

  g_assert_true (xmpp_sasl_select (sasl, offered, NULL, &error));
  initial = xmpp_sasl_initial_response (sasl, &error);
  g_assert_no_error (error);
  return sasl;
}

static void
test_success_before_exchange_fails (void)
{
  const char *data[] = { NULL, "dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9" };

  for (guint i = 0; i < G_N_ELEMENTS (data); i++)
    {
      g_autoptr(GError) error = NULL;
      XmppSasl *sasl = sasl_after_auth ();

      g_assert_false (xmpp_sasl_verify_success (sasl, data[i], &error));
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
      g_assert_finalize_object (sasl);
    }
}

static void
test_bad_challenge_rejected (void)
{
  g_autoptr(GString) huge = g_string_new (NULL);
  const char *cases[] = {
    NULL,            /* empty: no server-first */
    "",
    "=",
    "cj1hYmM",       /* no padding */
    "cj1h YmM=",     /* whitespace */
    "cj1hYmM=\n",
    "cj1h*mM=",
    "cj1hYmM=cj1h",  /* data after padding */
    NULL,            /* replaced by a huge challenge below */
  };

  for (guint i = 0; i < 6000; i++)
    g_string_append (huge, "QUFB");
  cases[G_N_ELEMENTS (cases) - 1] = huge->str;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *response = NULL;
      XmppSasl *sasl = sasl_after_auth ();

      g_test_message ("case %u", i);
      response = xmpp_sasl_respond (sasl, cases[i], &error);
      g_assert_null (response);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
      g_assert_finalize_object (sasl);
    }
}

static void
test_invalid_base64_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  XmppSasl *sasl = sasl_after_auth ();

  response = xmpp_sasl_respond (sasl, "cj1h*mM=", &error);
  g_assert_null (response);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_cmpstr (error->message, ==, "The server sent sign-in data that is not valid base64");
  g_assert_finalize_object (sasl);
}

static void
test_calls_after_failure_fail_cleanly (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  g_autofree char *response = NULL;
  g_autofree char *response2 = NULL;
  XmppSasl *sasl = sasl_after_auth ();

  response = xmpp_sasl_respond (sasl, "bm9uc2Vuc2U=", &error);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  /* A hostile server keeps talking: errors, never criticals. */
  response2 = xmpp_sasl_respond (sasl, "bm9uc2Vuc2U=", &error2);
  g_assert_null (response2);
  g_assert_error (error2, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_false (xmpp_sasl_verify_success (sasl, NULL, &error3));
  g_assert_error (error3, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_finalize_object (sasl);
}

static void
test_third_challenge_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *response = NULL;
  g_autofree char *response2 = NULL;
  XmppSasl *sasl = sasl_at_client_final (&server_final);

  challenge = encode_text (server_final);
  response = xmpp_sasl_respond (sasl, challenge, &error);
  g_assert_no_error (error);
  response2 = xmpp_sasl_respond (sasl, challenge, &error);
  g_assert_null (response2);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_finalize_object (sasl);
}

static void
test_failure_conditions (void)
{
  const struct {
    const char *condition;
    XmppError   code;
    const char *message;
  } cases[] = {
    { "aborted", XMPP_ERROR_FAILED, "The sign-in was aborted" },
    { "account-disabled", XMPP_ERROR_AUTH_FAILED, "The account is disabled" },
    { "credentials-expired", XMPP_ERROR_AUTH_FAILED, "The password has expired" },
    { "encryption-required", XMPP_ERROR_AUTH_MECHANISM,
      "The server requires an encrypted connection for this sign-in mechanism" },
    { "incorrect-encoding", XMPP_ERROR_AUTH_PROTOCOL,
      "The server could not decode the sign-in data" },
    { "invalid-authzid", XMPP_ERROR_AUTH_PROTOCOL,
      "The server refused the identity to sign in as" },
    { "invalid-mechanism", XMPP_ERROR_AUTH_MECHANISM,
      "The server does not support the chosen sign-in mechanism" },
    { "malformed-request", XMPP_ERROR_AUTH_PROTOCOL,
      "The server found the sign-in request malformed" },
    { "mechanism-too-weak", XMPP_ERROR_AUTH_MECHANISM,
      "The server considers the chosen sign-in mechanism too weak" },
    { "not-authorized", XMPP_ERROR_AUTH_FAILED, "The user name or password is wrong" },
    { "temporary-auth-failure", XMPP_ERROR_FAILED,
      "The server cannot sign you in right now because of a temporary problem" },
    { "made-up-condition", XMPP_ERROR_AUTH_FAILED, "The server refused the sign-in" },
    { NULL, XMPP_ERROR_AUTH_FAILED, "The server refused the sign-in" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = xmpp_sasl_failure_to_error (cases[i].condition, NULL);

      g_assert_error (error, XMPP_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_failure_text_appended_and_cleaned (void)
{
  g_autoptr(GError) plain = xmpp_sasl_failure_to_error ("not-authorized", "Bad password");
  g_autoptr(GError) dirty = xmpp_sasl_failure_to_error ("account-disabled",
                                                         "\tLocked\nuntil\x1b[31m Monday \xff");
  g_autoptr(GError) blank = xmpp_sasl_failure_to_error ("not-authorized", " \n ");
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autoptr(GError) shortened = NULL;

  g_assert_error (plain, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED);
  g_assert_cmpstr (plain->message, ==,
                   "The user name or password is wrong (the server said: “Bad password”)");
  g_assert_cmpstr (dirty->message, ==,
                   "The account is disabled "
                   "(the server said: “Locked until [31m Monday \uFFFD”)");
  g_assert_cmpstr (blank->message, ==, "The user name or password is wrong");

  for (guint i = 0; i < 1000; i++)
    g_string_append_c (long_text, 'x');
  shortened = xmpp_sasl_failure_to_error ("not-authorized", long_text->str);
  g_assert_cmpuint (strlen (shortened->message), <,
                    strlen ("The user name or password is wrong (the server said: “”)") + 201);
}

static void
test_mechanism_names_round_trip (void)
{
  for (int m = XMPP_SASL_MECHANISM_PLAIN; m <= XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS; m++)
    g_assert_cmpint (xmpp_sasl_mechanism_from_string (xmpp_sasl_mechanism_to_string (m)), ==, m);

  g_assert_cmpstr (xmpp_sasl_mechanism_to_string (XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS), ==,
                   "SCRAM-SHA-256-PLUS");
  g_assert_null (xmpp_sasl_mechanism_to_string (XMPP_SASL_MECHANISM_NONE));
  g_assert_cmpint (xmpp_sasl_mechanism_from_string ("DIGEST-MD5"), ==, XMPP_SASL_MECHANISM_NONE);
  g_assert_cmpint (xmpp_sasl_mechanism_from_string (NULL), ==, XMPP_SASL_MECHANISM_NONE);
  /* Stronger compares greater: the minimum knob depends on it. */
  g_assert_cmpint (XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS, >, XMPP_SASL_MECHANISM_SCRAM_SHA_512);
  g_assert_cmpint (XMPP_SASL_MECHANISM_SCRAM_SHA_1, >, XMPP_SASL_MECHANISM_PLAIN);
}

static void
test_enum_type_registered (void)
{
  GEnumClass *klass = g_type_class_ref (XMPP_TYPE_SASL_MECHANISM);

  g_assert_nonnull (g_enum_get_value (klass, XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS));
  g_type_class_unref (klass);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/sasl/selection-table", test_selection_table);
  g_test_add_func ("/natter/xmpp/sasl/downgrade-error-message", test_downgrade_error_message);
  g_test_add_func ("/natter/xmpp/sasl/plain-refused-without-tls-message",
                   test_plain_refused_without_tls_message);
  g_test_add_func ("/natter/xmpp/sasl/plain-initial-response", test_plain_initial_response);
  g_test_add_func ("/natter/xmpp/sasl/plain-rejects-challenge", test_plain_rejects_challenge);
  g_test_add_func ("/natter/xmpp/sasl/plain-rejects-control-characters",
                   test_plain_rejects_control_characters);
  g_test_add_func ("/natter/xmpp/sasl/scram-plus-exchange", test_scram_plus_exchange);
  g_test_add_func ("/natter/xmpp/sasl/server-final-in-challenge", test_server_final_in_challenge);
  g_test_add_func ("/natter/xmpp/sasl/second-server-final-rejected",
                   test_second_server_final_rejected);
  g_test_add_func ("/natter/xmpp/sasl/success-without-signature-fails",
                   test_success_without_signature_fails);
  g_test_add_func ("/natter/xmpp/sasl/success-with-wrong-signature-fails",
                   test_success_with_wrong_signature_fails);
  g_test_add_func ("/natter/xmpp/sasl/success-with-server-error-fails",
                   test_success_with_server_error_fails);
  g_test_add_func ("/natter/xmpp/sasl/success-before-exchange-fails",
                   test_success_before_exchange_fails);
  g_test_add_func ("/natter/xmpp/sasl/bad-challenge-rejected", test_bad_challenge_rejected);
  g_test_add_func ("/natter/xmpp/sasl/invalid-base64-message", test_invalid_base64_message);
  g_test_add_func ("/natter/xmpp/sasl/calls-after-failure-fail-cleanly",
                   test_calls_after_failure_fail_cleanly);
  g_test_add_func ("/natter/xmpp/sasl/third-challenge-rejected", test_third_challenge_rejected);
  g_test_add_func ("/natter/xmpp/sasl/failure-conditions", test_failure_conditions);
  g_test_add_func ("/natter/xmpp/sasl/failure-text-appended-and-cleaned",
                   test_failure_text_appended_and_cleaned);
  g_test_add_func ("/natter/xmpp/sasl/mechanism-names-round-trip",
                   test_mechanism_names_round_trip);
  g_test_add_func ("/natter/xmpp/sasl/enum-type-registered", test_enum_type_registered);

  return g_test_run ();
}
