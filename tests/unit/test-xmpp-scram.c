/* test-xmpp-scram.c: SCRAM against RFC 5802/7677 vectors and hostile servers
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-scram-private.h"

/* RFC 5802 §5. */
#define RFC5802_NONCE "fyko+d2lbbFgONRv9qkxdawL"
#define RFC5802_SERVER_FIRST \
  "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"
#define RFC5802_CLIENT_FINAL \
  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
#define RFC5802_SERVER_FINAL "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="

/* RFC 7677 §3. */
#define RFC7677_NONCE "rOprNGfwEbeRWgbNEkqO"
#define RFC7677_SERVER_FIRST \
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define RFC7677_CLIENT_FINAL \
  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," \
  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC7677_SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

/* An independent server side of RFC 5802 §3, written from the RFC with
 * GnuTLS primitives only, to check the client where no RFC vector exists. */
typedef struct
{
  gnutls_mac_algorithm_t    mac;
  gnutls_digest_algorithm_t digest;
  gsize                     length;
} TestHash;

static const TestHash test_sha1 = { GNUTLS_MAC_SHA1, GNUTLS_DIG_SHA1, 20 };
static const TestHash test_sha512 = { GNUTLS_MAC_SHA512, GNUTLS_DIG_SHA512, 64 };

static void
server_compute (const TestHash *hash,
                const char     *password,
                const guint8   *salt,
                gsize           salt_length,
                guint           iterations,
                const char     *auth_message,
                char          **proof_base64,
                char          **signature_base64)
{
  gnutls_datum_t key = { (unsigned char *) password, strlen (password) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, salt_length };
  guint8 salted[64], client_key[64], stored_key[64], client_signature[64];
  guint8 proof[64], server_key[64], server_signature[64];

  g_assert_cmpint (gnutls_pbkdf2 (hash->mac, &key, &salt_datum, iterations, salted,
                                  hash->length), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (hash->mac, salted, hash->length, "Client Key", 10,
                                     client_key), ==, 0);
  g_assert_cmpint (gnutls_hash_fast (hash->digest, client_key, hash->length, stored_key), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (hash->mac, stored_key, hash->length, auth_message,
                                     strlen (auth_message), client_signature), ==, 0);
  for (gsize i = 0; i < hash->length; i++)
    proof[i] = client_key[i] ^ client_signature[i];
  g_assert_cmpint (gnutls_hmac_fast (hash->mac, salted, hash->length, "Server Key", 10,
                                     server_key), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (hash->mac, server_key, hash->length, auth_message,
                                     strlen (auth_message), server_signature), ==, 0);

  *proof_base64 = g_base64_encode (proof, hash->length);
  *signature_base64 = g_base64_encode (server_signature, hash->length);
}

/* Builds a SCRAM client whose client-first has been sent. */
static XmppScram *
started_client (XmppScramHash  hash,
                const char    *nonce)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  XmppScram *scram = xmpp_scram_new (hash, "user", "pencil");

  xmpp_scram_set_client_nonce (scram, nonce);
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client_first);
  return scram;
}

static void
test_rfc5802_sha1_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA1, "user", "pencil");

  xmpp_scram_set_client_nonce (scram, RFC5802_NONCE);
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");

  client_final = xmpp_scram_handle_server_first (scram, RFC5802_SERVER_FIRST,
                                                 strlen (RFC5802_SERVER_FIRST), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_final, ==, RFC5802_CLIENT_FINAL);
  g_assert_false (xmpp_scram_is_verified (scram));

  g_assert_true (xmpp_scram_verify_server_final (scram, RFC5802_SERVER_FINAL,
                                                 strlen (RFC5802_SERVER_FINAL), &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_scram_is_verified (scram));
  g_assert_cmpint (xmpp_scram_get_hash (scram), ==, XMPP_SCRAM_HASH_SHA1);

  g_assert_finalize_object (scram);
}

static void
test_rfc7677_sha256_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA256, "user", "pencil");

  xmpp_scram_set_client_nonce (scram, RFC7677_NONCE);
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");

  client_final = xmpp_scram_handle_server_first (scram, RFC7677_SERVER_FIRST,
                                                 strlen (RFC7677_SERVER_FIRST), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_final, ==, RFC7677_CLIENT_FINAL);

  g_assert_true (xmpp_scram_verify_server_final (scram, RFC7677_SERVER_FINAL,
                                                 strlen (RFC7677_SERVER_FINAL), &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_scram_is_verified (scram));

  g_assert_finalize_object (scram);
}

/* The test's own server must reproduce RFC 5802 before it may judge. */
static void
test_server_helper_matches_rfc5802 (void)
{
  g_autofree char *proof = NULL;
  g_autofree char *signature = NULL;
  g_autofree guint8 *salt = NULL;
  gsize salt_length;

  salt = g_base64_decode ("QSXCR+Q6sek8bf92", &salt_length);
  server_compute (&test_sha1, "pencil", salt, salt_length, 4096,
                  "n=user,r=" RFC5802_NONCE "," RFC5802_SERVER_FIRST ","
                  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j",
                  &proof, &signature);
  g_assert_cmpstr (proof, ==, "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  g_assert_cmpstr (signature, ==, "rmF9pqV8S7suAoZWja4dJRkFsKQ=");
}

static void
test_sha512_round_trip (void)
{
  static const guint8 salt[] = "a salt for SHA-512 that is 40 bytes long";
  static const guint8 exporter[32] = {
    0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f,
    0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) binding = g_bytes_new_static (exporter, sizeof exporter);
  g_autoptr(GByteArray) cbind_input = g_byte_array_new ();
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *salt_base64 = g_base64_encode (salt, sizeof salt - 1);
  g_autofree char *server_first = NULL;
  g_autofree char *cbind = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *expected_final = NULL;
  g_autofree char *server_final = NULL;
  const char *password = "correct horse battery staple";
  XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA512, "juliet", password);

  xmpp_scram_set_channel_binding (scram, XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER, binding);
  xmpp_scram_set_client_nonce (scram, "clientNONCE512");
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, "p=tls-exporter,,n=juliet,r=clientNONCE512");

  server_first = g_strdup_printf ("r=clientNONCE512+server/part,s=%s,i=5000", salt_base64);
  g_byte_array_append (cbind_input, (const guint8 *) "p=tls-exporter,,", 16);
  g_byte_array_append (cbind_input, exporter, sizeof exporter);
  cbind = g_base64_encode (cbind_input->data, cbind_input->len);
  without_proof = g_strdup_printf ("c=%s,r=clientNONCE512+server/part", cbind);
  auth_message = g_strdup_printf ("n=juliet,r=clientNONCE512,%s,%s", server_first, without_proof);
  server_compute (&test_sha512, password, salt, sizeof salt - 1, 5000, auth_message,
                  &proof, &signature);
  g_assert_cmpuint (strlen (proof), ==, 88);
  expected_final = g_strdup_printf ("%s,p=%s", without_proof, proof);

  client_final = xmpp_scram_handle_server_first (scram, server_first, strlen (server_first),
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_final, ==, expected_final);

  server_final = g_strdup_printf ("v=%s", signature);
  g_assert_true (xmpp_scram_verify_server_final (scram, server_final, strlen (server_final),
                                                 &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_scram_is_verified (scram));

  g_assert_finalize_object (scram);
}

static void
test_random_nonce (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first_a = NULL;
  g_autofree char *first_b = NULL;
  XmppScram *a = xmpp_scram_new (XMPP_SCRAM_HASH_SHA256, "user", "pencil");
  XmppScram *b = xmpp_scram_new (XMPP_SCRAM_HASH_SHA256, "user", "pencil");
  gsize nonce_length;

  first_a = xmpp_scram_client_first (a, &error);
  g_assert_no_error (error);
  first_b = xmpp_scram_client_first (b, &error);
  g_assert_no_error (error);

  g_assert_true (g_str_has_prefix (first_a, "n,,n=user,r="));
  nonce_length = strlen (first_a) - strlen ("n,,n=user,r=");
  /* 24 random bytes in base64: at least the 18 bytes RFC 5802 suggests. */
  g_assert_cmpuint (nonce_length, ==, 32);
  g_assert_cmpstr (first_a, !=, first_b);

  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
}

static void
test_username_escaped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA1, "a,b=c", "pencil");

  xmpp_scram_set_client_nonce (scram, "abc");
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, "n,,n=a=2Cb=3Dc,r=abc");

  g_assert_finalize_object (scram);
}

static void
test_username_saslprepped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  /* U+00AD SOFT HYPHEN vanishes, U+2168 ROMAN NUMERAL NINE becomes "IX". */
  XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA1, "I\u00ADX\u2168", "pencil");

  xmpp_scram_set_client_nonce (scram, "abc");
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, "n,,n=IXIX,r=abc");

  g_assert_finalize_object (scram);
}

static void
test_control_characters_rejected (void)
{
  const struct {
    const char *username;
    const char *password;
  } cases[] = {
    { "us\ter", "pencil" },
    { "user\x7f", "pencil" },
    { "user\xc2\x85", "pencil" },
    { "user\u200E", "pencil" },
    { "", "pencil" },
    { "\u00AD", "pencil" },
    { "user", "pen\ncil" },
    { "user", "pencil\uE000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *client_first = NULL;
      XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA256, cases[i].username,
                                         cases[i].password);

      client_first = xmpp_scram_client_first (scram, &error);
      g_assert_null (client_first);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED);
      g_assert_finalize_object (scram);
    }
}

static void
test_saslprep_rfc4013_examples (void)
{
  /* RFC 4013 §3, minus the bidi example (see xmpp-scram.c). */
  const struct {
    const char *input;
    const char *output;
  } cases[] = {
    { "I\u00ADX", "IX" },
    { "user", "user" },
    { "USER", "USER" },
    { "\u00AA", "a" },
    { "\u2168", "IX" },
    { "\x07", NULL },
    { "a\u00A0b", "a b" },
    { "\xff", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *output = xmpp_scram_saslprep (cases[i].input);

      g_assert_cmpstr (output, ==, cases[i].output);
    }
}

static void
test_base64_strict (void)
{
  const struct {
    const char *input;
    const char *output;
  } cases[] = {
    { "", "" },
    { "QQ==", "A" },
    { "QUI=", "AB" },
    { "QUJD", "ABC" },
    { "QUJDRA==", "ABCD" },
    { "QQ=", NULL },
    { "QQ", NULL },
    { "Q===", NULL },
    { "QQ=A", NULL },
    { "=QQA", NULL },
    { "QU I", NULL },
    { "QUJD\n", NULL },
    { "QUJ-", NULL },
    { "QUJD====", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length = 0;
      g_autofree guint8 *output = xmpp_scram_base64_decode (cases[i].input,
                                                            strlen (cases[i].input), &length);

      if (cases[i].output == NULL)
        {
          g_assert_null (output);
          continue;
        }
      g_assert_nonnull (output);
      g_assert_cmpmem (output, length, cases[i].output, strlen (cases[i].output));
    }
}

static void
test_extensions_after_iterations_ignored (void)
{
  const char *server_first = RFC5802_SERVER_FIRST ",x=anything,y=else";
  g_autoptr(GError) error = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

  client_final = xmpp_scram_handle_server_first (scram, server_first, strlen (server_first),
                                                 &error);
  g_assert_no_error (error);
  /* The proof differs from the RFC's: the AuthMessage holds the extensions. */
  g_assert_true (g_str_has_prefix (client_final,
                                   "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p="));
  g_assert_cmpstr (client_final, !=, RFC5802_CLIENT_FINAL);

  g_assert_finalize_object (scram);
}

static void
test_iteration_bounds_accepted (void)
{
  const char *server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=1000000";
  g_autoptr(GError) error = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

  /* 4096 is the RFC examples' count; the maximum is accepted as well. */
  client_final = xmpp_scram_handle_server_first (scram, server_first, strlen (server_first),
                                                 &error);
  g_assert_no_error (error);
  g_assert_nonnull (client_final);

  g_assert_finalize_object (scram);
}

static void
test_bad_server_first_rejected (void)
{
  const char *cases[] = {
    /* nonce not prefixed by ours */
    "r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    /* nonce without a server part */
    "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
    /* nonce shorter than ours */
    "r=fyko+d2,s=QSXCR+Q6sek8bf92,i=4096",
    /* nonce with a non-printable character */
    "r=fyko+d2lbbFgONRv9qkxdawL3rf\x01,s=QSXCR+Q6sek8bf92,i=4096",
    /* iteration counts out of bounds or malformed */
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=0",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4095",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=1000001",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=2147483648",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=18446744073709555712",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=-4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096x",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=",
    /* salt missing, empty or not base64 */
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf9,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXC!+Q6sek8bf92,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXC=+Q6sek8bf92,i=4096",
    /* a mandatory extension, first or later */
    "m=must-understand,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,m=x",
    /* truncated */
    "",
    "r",
    "r=",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,",
    /* out of order, duplicated or malformed attributes */
    "s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,i=4096,s=QSXCR+Q6sek8bf92",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,r=fyko+d2lbbFgONRv9qkxdawLx,i=4096",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,,",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,xyz",
    "rr=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    /* invalid UTF-8 */
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,x=\xc3",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *client_final = NULL;
      g_autofree char *printable = g_strescape (cases[i], NULL);
      XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

      g_test_message ("case %u: %s", i, printable);
      client_final = xmpp_scram_handle_server_first (scram, cases[i], strlen (cases[i]), &error);
      g_assert_null (client_final);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
      g_assert_false (xmpp_scram_is_verified (scram));
      g_assert_finalize_object (scram);
    }
}

static void
test_specific_error_messages (void)
{
  const struct {
    const char *server_first;
    const char *message;
  } cases[] = {
    { "r=XXXX,s=QSXCR+Q6sek8bf92,i=4096", "The server sent a nonce that does not extend ours" },
    { "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4095",
      "The server asked for an unacceptable number of hash iterations" },
    { "r=fyko+d2lbbFgONRv9qkxdawLx,s=Q,i=4096", "The server sent an invalid salt" },
    { "m=x,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096",
      "The server requires a sign-in extension that is not supported" },
    { "r=fyko+d2lbbFgONRv9qkxdawLx", "The server sent a malformed sign-in message" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *client_final = NULL;
      XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

      client_final = xmpp_scram_handle_server_first (scram, cases[i].server_first,
                                                     strlen (cases[i].server_first), &error);
      g_assert_null (client_final);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_finalize_object (scram);
    }
}

static void
test_nul_byte_rejected (void)
{
  static const char server_first[] =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j\0,s=QSXCR+Q6sek8bf92,i=4096";
  g_autoptr(GError) error = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

  client_final = xmpp_scram_handle_server_first (scram, server_first, sizeof server_first - 1,
                                                 &error);
  g_assert_null (client_final);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);

  g_assert_finalize_object (scram);
}

static void
test_huge_message_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_final = NULL;
  g_autoptr(GString) server_first = g_string_new (RFC5802_SERVER_FIRST ",x=");
  XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

  /* Valid apart from its size: an ignored extension of 1 MiB. */
  for (guint i = 0; i < 1024 * 1024; i++)
    g_string_append_c (server_first, 'a');
  client_final = xmpp_scram_handle_server_first (scram, server_first->str, server_first->len,
                                                 &error);
  g_assert_null (client_final);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  g_assert_cmpstr (error->message, ==, "The server sent an overlong sign-in message");

  g_assert_finalize_object (scram);
}

static XmppScram *
client_awaiting_final (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = started_client (XMPP_SCRAM_HASH_SHA1, RFC5802_NONCE);

  client_final = xmpp_scram_handle_server_first (scram, RFC5802_SERVER_FIRST,
                                                 strlen (RFC5802_SERVER_FIRST), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_final, ==, RFC5802_CLIENT_FINAL);
  return scram;
}

static void
test_bad_server_final_rejected (void)
{
  const char *cases[] = {
    /* wrong signature: one character changed */
    "v=rmF9pqV8S7suAoZWja4dJRkFsKA=",
    /* the client proof instead of the server signature */
    "v=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    /* the right signature truncated, or extended */
    "v=rmF9pqV8S7suAoZWja4dJRkF",
    "v=rmF9pqV8S7suAoZWja4dJRkFsKQAAAAA",
    /* a SHA-256-sized signature */
    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    /* not base64 */
    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ",
    "v=rmF9pqV8S7suAoZWja4dJRk!sKQ=",
    "v=",
    /* no verifier at all */
    "",
    "x=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
    "rmF9pqV8S7suAoZWja4dJRkFsKQ=",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
    ",v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      XmppScram *scram = client_awaiting_final ();

      g_test_message ("case %u: %s", i, cases[i]);
      g_assert_false (xmpp_scram_verify_server_final (scram, cases[i], strlen (cases[i]),
                                                      &error));
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
      g_assert_cmpstr (error->message, ==, "The server did not prove that it knows the password");
      g_assert_false (xmpp_scram_is_verified (scram));
      g_assert_finalize_object (scram);
    }
}

static void
test_server_error_is_auth_failure (void)
{
  const struct {
    const char *server_final;
    const char *message;
  } cases[] = {
    { "e=invalid-proof", "The server refused the sign-in: invalid-proof" },
    { "e=unknown-user,x=1", "The server refused the sign-in: unknown-user" },
    { "e=<b>bold</b> text", "The server refused the sign-in: other-error" },
    { "e=", "The server refused the sign-in: other-error" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      XmppScram *scram = client_awaiting_final ();

      g_assert_false (xmpp_scram_verify_server_final (scram, cases[i].server_final,
                                                      strlen (cases[i].server_final), &error));
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_false (xmpp_scram_is_verified (scram));
      g_assert_finalize_object (scram);
    }
}

static void
test_server_final_extension_ignored (void)
{
  const char *server_final = RFC5802_SERVER_FINAL ",x=future";
  g_autoptr(GError) error = NULL;
  XmppScram *scram = client_awaiting_final ();

  g_assert_true (xmpp_scram_verify_server_final (scram, server_final, strlen (server_final),
                                                 &error));
  g_assert_no_error (error);
  g_assert_finalize_object (scram);
}

static void
check_channel_binding (XmppScramChannelBinding  binding,
                       GBytes                  *data,
                       const char              *expected_first,
                       const char              *expected_c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  XmppScram *scram = xmpp_scram_new (XMPP_SCRAM_HASH_SHA1, "user", "pencil");

  xmpp_scram_set_channel_binding (scram, binding, data);
  g_assert_cmpint (xmpp_scram_get_channel_binding (scram), ==, binding);
  xmpp_scram_set_client_nonce (scram, RFC5802_NONCE);
  client_first = xmpp_scram_client_first (scram, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (client_first, ==, expected_first);

  client_final = xmpp_scram_handle_server_first (scram, RFC5802_SERVER_FIRST,
                                                 strlen (RFC5802_SERVER_FIRST), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (client_final, expected_c));
  g_assert_true (g_str_has_prefix (client_final + strlen (expected_c),
                                   ",r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p="));

  g_assert_finalize_object (scram);
}

static void
test_channel_binding_attribute (void)
{
  guint8 bytes[32];
  g_autoptr(GBytes) data = NULL;

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) i;
  data = g_bytes_new (bytes, sizeof bytes);

  check_channel_binding (XMPP_SCRAM_CHANNEL_BINDING_NONE, NULL,
                         "n,,n=user,r=" RFC5802_NONCE, "c=biws");
  /* Binding data is ignored unless the flag is p=. */
  check_channel_binding (XMPP_SCRAM_CHANNEL_BINDING_NONE, data,
                         "n,,n=user,r=" RFC5802_NONCE, "c=biws");
  check_channel_binding (XMPP_SCRAM_CHANNEL_BINDING_NOT_OFFERED, NULL,
                         "y,,n=user,r=" RFC5802_NONCE, "c=eSws");
  check_channel_binding (XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER, data,
                         "p=tls-exporter,,n=user,r=" RFC5802_NONCE,
                         "c=cD10bHMtZXhwb3J0ZXIsLAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
  check_channel_binding (XMPP_SCRAM_CHANNEL_BINDING_TLS_SERVER_END_POINT, data,
                         "p=tls-server-end-point,,n=user,r=" RFC5802_NONCE,
                         "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGB"
                         "kaGxwdHh8=");
}

static void
test_mechanism_enum_types_registered (void)
{
  GEnumClass *klass = g_type_class_ref (XMPP_TYPE_SCRAM_HASH);

  g_assert_nonnull (g_enum_get_value (klass, XMPP_SCRAM_HASH_SHA512));
  g_type_class_unref (klass);
  klass = g_type_class_ref (XMPP_TYPE_SCRAM_CHANNEL_BINDING);
  g_assert_nonnull (g_enum_get_value (klass, XMPP_SCRAM_CHANNEL_BINDING_TLS_EXPORTER));
  g_type_class_unref (klass);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/scram/rfc5802-sha1-example", test_rfc5802_sha1_example);
  g_test_add_func ("/natter/xmpp/scram/rfc7677-sha256-example", test_rfc7677_sha256_example);
  g_test_add_func ("/natter/xmpp/scram/server-helper-matches-rfc5802",
                   test_server_helper_matches_rfc5802);
  g_test_add_func ("/natter/xmpp/scram/sha512-round-trip", test_sha512_round_trip);
  g_test_add_func ("/natter/xmpp/scram/random-nonce", test_random_nonce);
  g_test_add_func ("/natter/xmpp/scram/username-escaped", test_username_escaped);
  g_test_add_func ("/natter/xmpp/scram/username-saslprepped", test_username_saslprepped);
  g_test_add_func ("/natter/xmpp/scram/control-characters-rejected",
                   test_control_characters_rejected);
  g_test_add_func ("/natter/xmpp/scram/saslprep-rfc4013-examples", test_saslprep_rfc4013_examples);
  g_test_add_func ("/natter/xmpp/scram/base64-strict", test_base64_strict);
  g_test_add_func ("/natter/xmpp/scram/extensions-after-iterations-ignored",
                   test_extensions_after_iterations_ignored);
  g_test_add_func ("/natter/xmpp/scram/iteration-bounds-accepted", test_iteration_bounds_accepted);
  g_test_add_func ("/natter/xmpp/scram/bad-server-first-rejected", test_bad_server_first_rejected);
  g_test_add_func ("/natter/xmpp/scram/specific-error-messages", test_specific_error_messages);
  g_test_add_func ("/natter/xmpp/scram/nul-byte-rejected", test_nul_byte_rejected);
  g_test_add_func ("/natter/xmpp/scram/huge-message-rejected", test_huge_message_rejected);
  g_test_add_func ("/natter/xmpp/scram/bad-server-final-rejected", test_bad_server_final_rejected);
  g_test_add_func ("/natter/xmpp/scram/server-error-is-auth-failure",
                   test_server_error_is_auth_failure);
  g_test_add_func ("/natter/xmpp/scram/server-final-extension-ignored",
                   test_server_final_extension_ignored);
  g_test_add_func ("/natter/xmpp/scram/channel-binding-attribute", test_channel_binding_attribute);
  g_test_add_func ("/natter/xmpp/scram/enum-types-registered",
                   test_mechanism_enum_types_registered);

  return g_test_run ();
}
