/* test-ejabberd-smoke.c: the ejabberd fixture serves real, authenticated XMPP
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Talks raw XMPP over blocking GIO sockets, without the engine, so that
 * a fault here is the fixture's and not the code under test.  The SCRAM
 * exchange is written out here (RFC 5802) for the same reason.  Servers
 * are shared within the process where a test does not stop them: one per
 * SCRAM hash.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "natter-test-ejabberd.h"

#define STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream to='" NATTER_TEST_DOMAIN "' version='1.0' " \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define SASL_NS "urn:ietf:params:xml:ns:xmpp-sasl"
#define HIBERNATION_SECONDS 7

/* Shared servers, one per SCRAM hash, each with alice@natter.test. */
static NatterTestEjabberd *shared_servers[3];
static const char * const scram_hashes[] = { "sha", "sha256", "sha512" };

static NatterTestEjabberd *
shared_server (const char *scram_hash)
{
  for (gsize i = 0; i < G_N_ELEMENTS (scram_hashes); i++)
    {
      NatterTestEjabberdOptions options = { 0, };
      g_autoptr(GError) error = NULL;

      if (g_strcmp0 (scram_hash, scram_hashes[i]) != 0)
        continue;
      if (shared_servers[i] != NULL)
        return shared_servers[i];

      options.scram_hash = scram_hash;
      options.hibernation_seconds = HIBERNATION_SECONDS;
      shared_servers[i] = natter_test_ejabberd_start (&options, &error);
      g_assert_no_error (error);
      natter_test_ejabberd_add_account (shared_servers[i], "alice", "wonderland", &error);
      g_assert_no_error (error);
      return shared_servers[i];
    }
  g_assert_not_reached ();
}

static GIOStream *
connect_tcp (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  return G_IO_STREAM (connection);
}

/* A TLS client for natter.test; trusting the fixture's CA if @database is set. */
static GIOStream *
tls_handshake (GIOStream     *base,
               GTlsDatabase  *database,
               GError       **error)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (NATTER_TEST_DOMAIN, 0);
  g_autoptr(GIOStream) tls = NULL;

  tls = g_tls_client_connection_new (base, identity, error);
  if (tls == NULL)
    return NULL;
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  return g_steal_pointer (&tls);
}

static void
send_text (GIOStream  *stream,
           const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Reads until @marker or @other_marker (if not %NULL) has arrived;
 * returns everything read. */
static char *
read_until_either (GIOStream  *stream,
                   const char *marker,
                   const char *other_marker)
{
  GString *received = g_string_new (NULL);

  while (strstr (received->str, marker) == NULL &&
         (other_marker == NULL || strstr (received->str, other_marker) == NULL))
    {
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;

      n = g_input_stream_read (g_io_stream_get_input_stream (stream), buffer, sizeof buffer,
                               NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        g_error ("stream closed before '%s'; received: %s", marker, received->str);
      g_string_append_len (received, buffer, n);
    }

  return g_string_free (received, FALSE);
}

static char *
read_until (GIOStream  *stream,
            const char *marker)
{
  return read_until_either (stream, marker, NULL);
}

/* The text between <@name ...> and </@name> in @xml. */
static char *
element_text (const char *xml,
              const char *name)
{
  g_autofree char *open = g_strdup_printf ("<%s", name);
  g_autofree char *close = g_strdup_printf ("</%s>", name);
  const char *start = strstr (xml, open);
  const char *end;

  g_assert_nonnull (start);
  start = strchr (start, '>');
  g_assert_nonnull (start);
  start++;
  end = strstr (start, close);
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static char *
plain_auth (const char *user,
            const char *password)
{
  g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) raw, 2 + strlen (user) + strlen (password));

  return g_strdup_printf ("<auth xmlns='" SASL_NS "' mechanism='PLAIN'>%s</auth>", encoded);
}

static GIOStream *
open_direct_tls (NatterTestEjabberd *server)
{
  g_autoptr(GIOStream) tcp = connect_tcp (natter_test_ejabberd_get_direct_tls_port (server));
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  database = natter_test_ejabberd_dup_tls_database (server, &error);
  g_assert_no_error (error);
  tls = tls_handshake (tcp, database, &error);
  g_assert_no_error (error);
  return tls;
}

/* Opens a stream over direct TLS and returns its features. */
static char *
open_stream (NatterTestEjabberd  *server,
             GIOStream          **stream)
{
  *stream = open_direct_tls (server);
  send_text (*stream, STREAM_HEADER);
  return read_until (*stream, "</stream:features>");
}

/* Logs in with PLAIN; returns the server's answer. */
static char *
plain_login (NatterTestEjabberd *server,
             const char         *user,
             const char         *password,
             GIOStream         **stream)
{
  g_autofree char *features = open_stream (server, stream);
  g_autofree char *auth = plain_auth (user, password);

  g_assert_nonnull (strstr (features, "<mechanism>PLAIN</mechanism>"));
  send_text (*stream, auth);
  return read_until_either (*stream, "<success", "</failure>");
}

/* SCRAM (RFC 5802) over @type's hash, without channel binding. */

static void
hmac (GChecksumType  type,
      const guint8  *key,
      gsize          key_length,
      const void    *data,
      gsize          data_length,
      guint8        *digest,
      gsize         *digest_length)
{
  g_autoptr(GHmac) mac = g_hmac_new (type, key, key_length);

  g_hmac_update (mac, data, data_length);
  *digest_length = 64;
  g_hmac_get_digest (mac, digest, digest_length);
}

/* Hi() of RFC 5802: PBKDF2 with one block. */
static void
salt_password (GChecksumType  type,
               const char    *password,
               const guint8  *salt,
               gsize          salt_length,
               guint          iterations,
               guint8        *salted,
               gsize         *salted_length)
{
  g_autofree guint8 *first = g_malloc (salt_length + 4);
  guint8 block[64];
  gsize length;

  memcpy (first, salt, salt_length);
  memcpy (first + salt_length, "\0\0\0\1", 4);
  hmac (type, (const guint8 *) password, strlen (password), first, salt_length + 4, block, &length);
  memcpy (salted, block, length);
  for (guint i = 1; i < iterations; i++)
    {
      guint8 next[64];

      hmac (type, (const guint8 *) password, strlen (password), block, length, next, &length);
      memcpy (block, next, length);
      for (gsize j = 0; j < length; j++)
        salted[j] ^= block[j];
    }
  *salted_length = length;
}

static const char *
scram_attribute (char       **attributes,
                 const char  *name)
{
  for (gsize i = 0; attributes[i] != NULL; i++)
    {
      if (attributes[i][0] == name[0] && attributes[i][1] == '=')
        return attributes[i] + 2;
    }
  g_error ("SCRAM message has no %s", name);
}

/* Logs in with SCRAM-SHA-@scram_hash; returns the server's final answer.
 * A success must carry the right server signature. */
static char *
scram_login (GIOStream  *stream,
             const char *scram_hash,
             const char *user,
             const char *password)
{
  GChecksumType type = g_str_equal (scram_hash, "sha512") ? G_CHECKSUM_SHA512
                     : g_str_equal (scram_hash, "sha256") ? G_CHECKSUM_SHA256 : G_CHECKSUM_SHA1;
  const char *mechanism = type == G_CHECKSUM_SHA512 ? "SCRAM-SHA-512"
                        : type == G_CHECKSUM_SHA256 ? "SCRAM-SHA-256" : "SCRAM-SHA-1";
  g_autofree char *client_nonce = g_uuid_string_random ();
  g_autofree char *client_first_bare = g_strdup_printf ("n=%s,r=%s", user, client_nonce);
  g_autofree char *client_first = g_strdup_printf ("n,,%s", client_first_bare);
  g_autofree char *client_first_64 = g_base64_encode ((const guchar *) client_first, strlen (client_first));
  g_autofree char *auth = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *challenge_64 = NULL;
  g_autofree char *server_first = NULL;
  g_auto(GStrv) attributes = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof_64 = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *client_final_64 = NULL;
  g_autofree char *response = NULL;
  g_autofree char *result = NULL;
  const char *nonce;
  gsize salt_length, length, key_length;
  guint8 salted[64], client_key[64], stored_key[64], signature[64], proof[64];
  guint8 server_key[64], server_signature[64];
  guint iterations;

  auth = g_strdup_printf ("<auth xmlns='" SASL_NS "' mechanism='%s'>%s</auth>", mechanism, client_first_64);
  send_text (stream, auth);
  challenge = read_until_either (stream, "</challenge>", "</failure>");
  g_assert_null (strstr (challenge, "<failure"));
  challenge_64 = element_text (challenge, "challenge");
  server_first = (char *) g_base64_decode (challenge_64, &length);
  server_first = g_realloc (server_first, length + 1);
  server_first[length] = '\0';

  attributes = g_strsplit (server_first, ",", -1);
  nonce = scram_attribute (attributes, "r");
  g_assert_true (g_str_has_prefix (nonce, client_nonce));
  g_assert_cmpuint (strlen (nonce), >, strlen (client_nonce));
  salt = g_base64_decode (scram_attribute (attributes, "s"), &salt_length);
  iterations = (guint) g_ascii_strtoull (scram_attribute (attributes, "i"), NULL, 10);
  g_assert_cmpuint (iterations, >=, 4096);

  salt_password (type, password, salt, salt_length, iterations, salted, &key_length);
  hmac (type, salted, key_length, "Client Key", 10, client_key, &length);
  g_assert_cmpuint (length, ==, key_length);
  length = key_length;
  {
    g_autoptr(GChecksum) checksum = g_checksum_new (type);

    g_checksum_update (checksum, client_key, key_length);
    g_checksum_get_digest (checksum, stored_key, &length);
  }
  without_proof = g_strdup_printf ("c=biws,r=%s", nonce);
  auth_message = g_strdup_printf ("%s,%s,%s", client_first_bare, server_first, without_proof);
  hmac (type, stored_key, key_length, auth_message, strlen (auth_message), signature, &length);
  for (gsize i = 0; i < key_length; i++)
    proof[i] = client_key[i] ^ signature[i];
  proof_64 = g_base64_encode (proof, key_length);
  client_final = g_strdup_printf ("%s,p=%s", without_proof, proof_64);
  client_final_64 = g_base64_encode ((const guchar *) client_final, strlen (client_final));
  response = g_strdup_printf ("<response xmlns='" SASL_NS "'>%s</response>", client_final_64);
  send_text (stream, response);

  result = read_until_either (stream, "</success>", "</failure>");
  if (strstr (result, "<success") != NULL)
    {
      g_autofree char *success_64 = element_text (result, "success");
      gsize success_length = 0;
      g_autofree char *success = (char *) g_base64_decode (success_64, &success_length);
      g_autofree char *expected = NULL;
      g_autofree char *expected_64 = NULL;

      hmac (type, salted, key_length, "Server Key", 10, server_key, &length);
      hmac (type, server_key, key_length, auth_message, strlen (auth_message), server_signature, &length);
      expected_64 = g_base64_encode (server_signature, key_length);
      expected = g_strdup_printf ("v=%s", expected_64);
      success = g_realloc (success, success_length + 1);
      success[success_length] = '\0';
      g_assert_cmpstr (success, ==, expected);
    }
  return g_steal_pointer (&result);
}

static void
test_mechanisms (gconstpointer data)
{
  const char *scram_hash = data;
  NatterTestEjabberd *server = shared_server (scram_hash);
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *features = open_stream (server, &tls);

  g_assert_cmpstr (natter_test_ejabberd_get_scram_hash (server), ==, scram_hash);
  g_assert_nonnull (strstr (features, "from='" NATTER_TEST_DOMAIN "'"));
  g_assert_nonnull (strstr (features, "<mechanism>PLAIN</mechanism>"));
  g_assert_null (strstr (features, "X-OAUTH2"));

  /* Credentials are stored for one hash, so only that family is offered
   * (with its channel-binding variant). */
  if (g_str_equal (scram_hash, "sha"))
    {
      g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-1</mechanism>"));
      g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-1-PLUS</mechanism>"));
      g_assert_null (strstr (features, "SCRAM-SHA-256"));
      g_assert_null (strstr (features, "SCRAM-SHA-512"));
    }
  else if (g_str_equal (scram_hash, "sha256"))
    {
      g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-256</mechanism>"));
      g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-256-PLUS</mechanism>"));
      g_assert_null (strstr (features, "SCRAM-SHA-1"));
      g_assert_null (strstr (features, "SCRAM-SHA-512"));
    }
  else
    {
      g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-512</mechanism>"));
      g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-512-PLUS</mechanism>"));
      g_assert_null (strstr (features, "SCRAM-SHA-1"));
      g_assert_null (strstr (features, "SCRAM-SHA-256"));
    }
}

static void
test_scram_login (gconstpointer data)
{
  const char *scram_hash = data;
  NatterTestEjabberd *server = shared_server (scram_hash);
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GIOStream) wrong_tls = NULL;
  g_autofree char *features = open_stream (server, &tls);
  g_autofree char *wrong_features = NULL;
  g_autofree char *result = NULL;
  g_autofree char *wrong_result = NULL;
  g_autofree char *bound_features = NULL;

  result = scram_login (tls, scram_hash, "alice", "wonderland");
  g_assert_nonnull (strstr (result, "<success"));
  send_text (tls, STREAM_HEADER);
  bound_features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (bound_features, "urn:ietf:params:xml:ns:xmpp-bind"));

  wrong_features = open_stream (server, &wrong_tls);
  wrong_result = scram_login (wrong_tls, scram_hash, "alice", "looking-glass");
  g_assert_nonnull (strstr (wrong_result, "<not-authorized/>"));
  g_assert_null (strstr (wrong_result, "<success"));
}

static void
test_direct_tls_login (void)
{
  NatterTestEjabberd *server = shared_server ("sha256");
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *result = plain_login (server, "alice", "wonderland", &tls);
  g_autofree char *bound_features = NULL;
  g_autofree char *bound = NULL;
  g_autofree char *enabled = NULL;
  g_autofree char *max = g_strdup_printf ("max='%u'", HIBERNATION_SECONDS);

  g_assert_nonnull (strstr (result, "<success"));

  /* After SASL the stream restarts and offers binding and stream management. */
  send_text (tls, STREAM_HEADER);
  bound_features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (bound_features, "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'"));
  g_assert_nonnull (strstr (bound_features, "<sm xmlns='urn:xmpp:sm:3'"));

  send_text (tls, "<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
  bound = read_until (tls, "</iq>");
  g_assert_nonnull (strstr (bound, "<jid>alice@" NATTER_TEST_DOMAIN "/"));

  /* The resumption window is the fixture's hibernation option. */
  send_text (tls, "<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
  enabled = read_until (tls, "/>");
  g_assert_nonnull (strstr (enabled, "<enabled"));
  g_assert_nonnull (strstr (enabled, "resume='true'"));
  g_assert_nonnull (strstr (enabled, max));
}

static void
test_wrong_password_rejected (void)
{
  NatterTestEjabberd *server = shared_server ("sha256");
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GIOStream) unknown_tls = NULL;
  g_autofree char *result = plain_login (server, "alice", "looking-glass", &tls);
  g_autofree char *unknown = plain_login (server, "mad-hatter", "wonderland", &unknown_tls);

  g_assert_nonnull (strstr (result, "<not-authorized/>"));
  g_assert_null (strstr (result, "<success"));
  g_assert_nonnull (strstr (unknown, "<not-authorized/>"));
}

static void
test_starttls_offered_and_required (void)
{
  NatterTestEjabberd *server = shared_server ("sha256");
  g_autoptr(GIOStream) tcp = connect_tcp (natter_test_ejabberd_get_port (server));
  g_autoptr(GIOStream) refused_tcp = connect_tcp (natter_test_ejabberd_get_port (server));
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *features = NULL;
  g_autofree char *refused_features = NULL;
  g_autofree char *auth = plain_auth ("alice", "wonderland");
  g_autofree char *refused = NULL;
  g_autofree char *proceed = NULL;
  g_autofree char *tls_features = NULL;

  send_text (tcp, STREAM_HEADER);
  features = read_until (tcp, "</stream:features>");
  g_assert_nonnull (strstr (features, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"));
  /* starttls_required: no mechanisms before TLS... */
  g_assert_null (strstr (features, "<mechanism>"));

  /* ...and a login in the clear is refused. */
  send_text (refused_tcp, STREAM_HEADER);
  refused_features = read_until (refused_tcp, "</stream:features>");
  send_text (refused_tcp, auth);
  refused = read_until_either (refused_tcp, "</failure>", "</stream:error>");
  g_assert_null (strstr (refused, "<success"));
  g_assert_nonnull (strstr (refused, "<encryption-required/>"));

  send_text (tcp, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  proceed = read_until (tcp, "/>");
  g_assert_nonnull (strstr (proceed, "<proceed"));

  database = natter_test_ejabberd_dup_tls_database (server, &error);
  g_assert_no_error (error);
  tls = tls_handshake (tcp, database, &error);
  g_assert_no_error (error);
  send_text (tls, STREAM_HEADER);
  tls_features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (tls_features, "<mechanism>SCRAM-SHA-256</mechanism>"));
  g_assert_null (strstr (tls_features, "<starttls"));
}

static gboolean
accept_pinned_cb (GTlsConnection       *connection,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  gpointer              user_data)
{
  const char *pinned = user_data;
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *fingerprint = NULL;

  g_object_get (peer, "certificate", &der, NULL);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strcmp0 (fingerprint, pinned) == 0;
}

static void
test_certificate_untrusted_unless_pinned (void)
{
  NatterTestEjabberd *server = shared_server ("sha256");
  guint16 port = natter_test_ejabberd_get_direct_tls_port (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GIOStream) pinned_tcp = NULL;
  g_autoptr(GIOStream) pinned = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new (NATTER_TEST_DOMAIN, 0);
  const char *fingerprint = natter_test_ejabberd_get_fingerprint (server);

  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_true (g_file_test (natter_test_ejabberd_get_ca_file (server), G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (natter_test_ejabberd_get_certificate_file (server), G_FILE_TEST_IS_REGULAR));

  /* The system store does not know the fixture's private CA. */
  tcp = connect_tcp (port);
  tls = tls_handshake (tcp, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (tls);
  g_clear_error (&error);

  pinned_tcp = connect_tcp (port);
  pinned = g_tls_client_connection_new (pinned_tcp, identity, &error);
  g_assert_no_error (error);
  g_signal_connect (pinned, "accept-certificate", G_CALLBACK (accept_pinned_cb), (gpointer) fingerprint);
  g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (pinned), NULL, &error));
  g_assert_no_error (error);
}

static void
test_accounts_and_api (void)
{
  NatterTestEjabberd *server = shared_server ("sha256");
  NatterTestEjabberdOptions bad_hash = { .scram_hash = "md5" };
  NatterTestEjabberdOptions bad_page = { .archive_page_max = 100 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GIOStream) old_tls = NULL;
  g_autofree char *users = NULL;
  g_autofree char *result = NULL;
  g_autofree char *old_result = NULL;

  g_assert_true (natter_test_ejabberd_add_account (server, "dormouse", "treacle", &error));
  g_assert_no_error (error);
  g_assert_true (natter_test_ejabberd_call (server, "registered_users",
                                            "{\"host\": \"" NATTER_TEST_DOMAIN "\"}", &users, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (users, "\"alice\""));
  g_assert_nonnull (strstr (users, "\"dormouse\""));

  /* Adding an account again sets its password. */
  g_assert_true (natter_test_ejabberd_add_account (server, "dormouse", "honey \"well\"", &error));
  g_assert_no_error (error);
  result = plain_login (server, "dormouse", "honey \"well\"", &tls);
  g_assert_nonnull (strstr (result, "<success"));
  old_result = plain_login (server, "dormouse", "treacle", &old_tls);
  g_assert_nonnull (strstr (old_result, "<not-authorized/>"));

  g_assert_false (natter_test_ejabberd_call (server, "no_such_command", NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_null (natter_test_ejabberd_start (&bad_hash, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (natter_test_ejabberd_start (&bad_page, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* Process helpers, from /proc.  A zombie counts as gone: whether it is
 * reaped is up to its new parent (init, outside the test's control). */

static gboolean
read_stat (GPid   pid,
           GPid  *parent,
           char **name)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *name_start;
  const char *name_end;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  name_start = strchr (contents, '(');
  name_end = strrchr (contents, ')');
  if (name_start == NULL || name_end == NULL || name_end[1] == '\0')
    return FALSE;
  /* After the name: state, parent, ... */
  fields = g_strsplit (name_end + 2, " ", 3);
  if (g_strv_length (fields) < 2 || fields[0][0] == 'Z' || fields[0][0] == 'X')
    return FALSE;
  if (parent != NULL)
    *parent = (GPid) g_ascii_strtoll (fields[1], NULL, 10);
  if (name != NULL)
    *name = g_strndup (name_start + 1, name_end - name_start - 1);
  return TRUE;
}

static gboolean
process_alive (GPid pid)
{
  return read_stat (pid, NULL, NULL);
}

static gboolean
contains_pid (GArray *pids,
              GPid    pid)
{
  for (guint i = 0; i < pids->len; i++)
    {
      if (g_array_index (pids, GPid, i) == pid)
        return TRUE;
    }
  return FALSE;
}

/* @root and its live descendants. */
static GArray *
list_family (GPid root)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GArray) parents = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;
  gboolean grown = TRUE;

  g_assert_nonnull (proc);
  while ((entry = g_dir_read_name (proc)) != NULL)
    {
      GPid pid = (GPid) g_ascii_strtoll (entry, NULL, 10);
      GPid parent = 0;

      if (pid <= 0 || !read_stat (pid, &parent, NULL))
        continue;
      if (pid == root)
        g_array_append_val (found, pid);
      g_array_append_val (pids, pid);
      g_array_append_val (parents, parent);
    }

  while (grown)
    {
      grown = FALSE;
      for (guint i = 0; i < pids->len; i++)
        {
          GPid pid = g_array_index (pids, GPid, i);

          if (contains_pid (found, g_array_index (parents, GPid, i)) && !contains_pid (found, pid))
            {
              g_array_append_val (found, pid);
              grown = TRUE;
            }
        }
    }
  return found;
}

/* Waits up to five seconds for all of @pids to be gone. */
static void
assert_gone (GArray *pids)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint alive = 0;

  do
    {
      if (alive != 0)
        g_usleep (50 * 1000);
      alive = 0;
      for (guint i = 0; i < pids->len; i++)
        alive += process_alive (g_array_index (pids, GPid, i));
    }
  while (alive != 0 && g_get_monotonic_time () < deadline);

  for (guint i = 0; i < pids->len; i++)
    {
      g_autofree char *name = NULL;

      if (read_stat (g_array_index (pids, GPid, i), NULL, &name))
        g_test_message ("left behind: %d %s", (int) g_array_index (pids, GPid, i), name);
    }
  g_assert_cmpuint (alive, ==, 0);
}

/* The VM's process tree: beam.smp and its helpers, erl_child_setup first. */
static GArray *
server_processes (NatterTestEjabberd *server)
{
  GPid pid = natter_test_ejabberd_get_pid (server);
  GArray *family = list_family (pid);
  gboolean child_setup = FALSE;

  g_assert_true (contains_pid (family, pid));
  for (guint i = 0; i < family->len; i++)
    {
      g_autofree char *name = NULL;

      if (read_stat (g_array_index (family, GPid, i), NULL, &name))
        child_setup = child_setup || g_str_equal (name, "erl_child_setup");
    }
  g_assert_true (child_setup);
  return family;
}

static void
test_restart_and_kill (void)
{
  NatterTestEjabberdOptions options = { .scram_hash = "sha512" };
  g_autoptr(NatterTestEjabberd) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) second = NULL;
  GPid first_pid;

  server = natter_test_ejabberd_start (&options, &error);
  g_assert_no_error (error);
  natter_test_ejabberd_add_account (server, "bob", "builder", &error);
  g_assert_no_error (error);
  first_pid = natter_test_ejabberd_get_pid (server);
  first = server_processes (server);

  natter_test_ejabberd_kill (server);
  g_assert_false (natter_test_ejabberd_is_running (server));
  assert_gone (first);
  g_assert_false (natter_test_ejabberd_add_account (server, "carol", "x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  g_assert_true (natter_test_ejabberd_restart (server, &error));
  g_assert_no_error (error);
  g_assert_true (natter_test_ejabberd_is_running (server));
  g_assert_cmpint (natter_test_ejabberd_get_pid (server), !=, first_pid);
  second = server_processes (server);

  /* Accounts survive a crash: they are in the server's database. */
  {
    g_autoptr(GIOStream) tls = NULL;
    g_autofree char *features = open_stream (server, &tls);
    g_autofree char *result = scram_login (tls, "sha512", "bob", "builder");

    g_assert_nonnull (strstr (result, "<success"));
  }

  /* And a clean restart. */
  g_assert_true (natter_test_ejabberd_restart (server, &error));
  g_assert_no_error (error);
  assert_gone (second);
  {
    g_autoptr(GIOStream) tls = NULL;
    g_autofree char *result = plain_login (server, "bob", "builder", &tls);

    g_assert_nonnull (strstr (result, "<success"));
  }
}

static void
test_no_process_left_behind (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) family = NULL;
  g_autofree char *status = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *pid_text = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *beam = NULL;
  NatterTestEjabberd *server;
  GPid pid;

  server = natter_test_ejabberd_start (NULL, &error);
  g_assert_no_error (error);
  directory = g_strdup (natter_test_ejabberd_get_directory (server));

  /* ejabberd's own record of its pid is the fixture's child. */
  pid_file = g_build_filename (directory, "ejabberd.pid", NULL);
  g_file_get_contents (pid_file, &pid_text, NULL, &error);
  g_assert_no_error (error);
  pid = (GPid) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  g_assert_cmpint (pid, ==, natter_test_ejabberd_get_pid (server));
  g_assert_true (read_stat (pid, NULL, &beam));
  g_assert_cmpstr (beam, ==, "beam.smp");
  family = server_processes (server);

  /* No epmd (which would outlive the test): the VM is not distributed,
   * so it has no node name, and none of its processes is epmd. */
  natter_test_ejabberd_call (server, "status", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (status, "nonode@nohost"));
  for (guint i = 0; i < family->len; i++)
    {
      g_autofree char *name = NULL;

      if (read_stat (g_array_index (family, GPid, i), NULL, &name))
        g_assert_cmpstr (name, !=, "epmd");
    }

  natter_test_ejabberd_free (server);

  assert_gone (family);
  if (g_getenv ("NATTER_TEST_KEEP_SERVER") == NULL)
    g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
}

/* A test process that dies without cleaning up takes its server along. */
static void
test_killed_test_leaves_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) family = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autofree char *report_name = NULL;
  g_autofree char *report = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  /* The child reports its server's directory and processes in a file
   * named after the parent. */
  report_name = g_strdup_printf ("natter-ejabberd-report-%d",
                                 (int) (g_test_subprocess () ? getppid () : getpid ()));
  report = g_build_filename (g_get_tmp_dir (), report_name, NULL);

  if (g_test_subprocess ())
    {
      NatterTestEjabberd *server = natter_test_ejabberd_start (NULL, &error);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GArray) processes = NULL;

      g_assert_no_error (error);
      processes = server_processes (server);
      g_string_append_printf (text, "%s\n", natter_test_ejabberd_get_directory (server));
      for (guint i = 0; i < processes->len; i++)
        g_string_append_printf (text, "%d\n", (int) g_array_index (processes, GPid, i));
      g_file_set_contents (report, text->str, -1, &error);
      g_assert_no_error (error);
      raise (SIGKILL);
      g_assert_not_reached ();
    }

  g_remove (report);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_failed ();

  g_file_get_contents (report, &contents, NULL, &error);
  g_assert_no_error (error);
  g_remove (report);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      GPid pid = (GPid) g_ascii_strtoll (lines[i], NULL, 10);

      g_assert_cmpint (pid, >, 1);
      g_array_append_val (family, pid);
    }
  g_assert_cmpuint (family->len, >=, 2);

  assert_gone (family);

  /* The directory stays, as after any crash: tidy up after the child. */
  if (g_str_has_prefix (lines[0], g_get_tmp_dir ()) && strstr (lines[0], "/natter-ejabberd-") != NULL &&
      g_getenv ("NATTER_TEST_KEEP_SERVER") == NULL)
    {
      g_autoptr(GSubprocess) rm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                                                    "rm", "-rf", "--", lines[0], NULL);

      g_assert_no_error (error);
      g_subprocess_wait_check (rm, NULL, &error);
      g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (scram_hashes); i++)
    {
      g_autofree char *mechanisms = g_strdup_printf ("/natter/fixture/ejabberd/mechanisms/%s", scram_hashes[i]);
      g_autofree char *scram = g_strdup_printf ("/natter/fixture/ejabberd/scram-login/%s", scram_hashes[i]);

      g_test_add_data_func (mechanisms, scram_hashes[i], test_mechanisms);
      g_test_add_data_func (scram, scram_hashes[i], test_scram_login);
    }
  g_test_add_func ("/natter/fixture/ejabberd/direct-tls-login", test_direct_tls_login);
  g_test_add_func ("/natter/fixture/ejabberd/wrong-password-rejected", test_wrong_password_rejected);
  g_test_add_func ("/natter/fixture/ejabberd/starttls-offered-and-required",
                   test_starttls_offered_and_required);
  g_test_add_func ("/natter/fixture/ejabberd/certificate-untrusted-unless-pinned",
                   test_certificate_untrusted_unless_pinned);
  g_test_add_func ("/natter/fixture/ejabberd/accounts-and-api", test_accounts_and_api);
  g_test_add_func ("/natter/fixture/ejabberd/restart-and-kill", test_restart_and_kill);
  g_test_add_func ("/natter/fixture/ejabberd/no-process-left-behind", test_no_process_left_behind);
  g_test_add_func ("/natter/fixture/ejabberd/killed-test-leaves-nothing", test_killed_test_leaves_nothing);

  status = g_test_run ();

  for (gsize i = 0; i < G_N_ELEMENTS (shared_servers); i++)
    g_clear_pointer (&shared_servers[i], natter_test_ejabberd_free);
  return status;
}
