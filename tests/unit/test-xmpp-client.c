/* test-xmpp-client.c: the session against a scripted, hostile server
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real server never sends most of what is tested here (a stream from
 * the wrong domain, a forged server signature, bytes smuggled behind
 * <success/>, an impossible ack count), so the client talks to a script
 * over a socket pair.  The script implements just enough of a SCRAM-SHA-1
 * server to let the client in.
 */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/socket.h>

#include "xmpp/xmpp.h"

#define HEADER \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams' from='natter.test' id='s1' version='1.0'>"
#define FEATURES_SASL \
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" \
  "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>"
#define FEATURES_BIND \
  "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>" \
  "<sm xmlns='urn:xmpp:sm:3'/></stream:features>"
#define PASSWORD "pencil"

typedef struct
{
  GSocket *socket;            /* the server's end */
  GIOStream *client_stream;   /* the client's end */
  GString *received;          /* everything the client sent */
  XmppClient *client;
  guint disconnects;
  GError *error;
  gboolean online;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  int fds[2];
  g_autoptr(GSocket) client_socket = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_new ("user@natter.test/phone", NULL);

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  fixture->socket = g_socket_new_from_fd (fds[0], NULL);
  client_socket = g_socket_new_from_fd (fds[1], NULL);
  g_assert_nonnull (fixture->socket);
  g_socket_set_blocking (fixture->socket, FALSE);
  fixture->client_stream = G_IO_STREAM (g_socket_connection_factory_create_connection (client_socket));
  fixture->received = g_string_new (NULL);

  fixture->client = xmpp_client_new (jid);
  xmpp_client_set_stream (fixture->client, fixture->client_stream);
  xmpp_client_set_password (fixture->client, PASSWORD);
  xmpp_client_set_allow_plaintext (fixture->client, TRUE);
  xmpp_client_set_iq_timeout (fixture->client, 5);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* A pending idle may keep the client a moment longer than the fixture. */
  g_signal_handlers_disconnect_by_data (fixture->client, fixture);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->client_stream);
  g_socket_close (fixture->socket, NULL);
  g_clear_object (&fixture->socket);
  g_string_free (fixture->received, TRUE);
  g_clear_error (&fixture->error);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  Fixture *fixture = user_data;

  fixture->online = TRUE;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->disconnects++;
  g_clear_error (&fixture->error);
  if (error != NULL)
    fixture->error = g_error_copy (error);
}

static void
start (Fixture *fixture)
{
  g_signal_connect (fixture->client, "online", G_CALLBACK (online_cb), fixture);
  g_signal_connect (fixture->client, "disconnected", G_CALLBACK (disconnected_cb), fixture);
  xmpp_client_connect (fixture->client);
}

static void
server_send (Fixture    *fixture,
             const char *text)
{
  gsize length = strlen (text);
  gsize done = 0;

  while (done < length)
    {
      gssize n = g_socket_send (fixture->socket, text + done, length - done, NULL, NULL);

      if (n > 0)
        done += n;
      else
        g_main_context_iteration (NULL, FALSE);
    }
}

/* Runs the main loop, collecting what the client sends, until @marker has
 * arrived since @from (an offset into everything received). */
static gsize
server_expect (Fixture    *fixture,
               gsize       from,
               const char *marker)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      char buffer[4096];
      gssize n;
      const char *hit = strstr (fixture->received->str + from, marker);

      if (hit != NULL)
        return hit - fixture->received->str + strlen (marker);
      n = g_socket_receive (fixture->socket, buffer, sizeof buffer, NULL, NULL);
      if (n > 0)
        g_string_append_len (fixture->received, buffer, n);
      else
        g_main_context_iteration (NULL, FALSE);
    }
  g_error ("the client never sent '%s'; it sent: %s", marker, fixture->received->str + from);
}

/* Collects what the client sends for a while, without expecting anything. */
static void
server_drain (Fixture *fixture,
              guint    milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      char buffer[4096];
      gssize n = g_socket_receive (fixture->socket, buffer, sizeof buffer, NULL, NULL);

      if (n > 0)
        g_string_append_len (fixture->received, buffer, n);
      else
        g_main_context_iteration (NULL, FALSE);
    }
}

static char *
text_between (const char *haystack,
              const char *open,
              const char *close)
{
  const char *start = strstr (haystack, open);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (open);
  end = strstr (start, close);
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static char *
b64 (const void *data,
     gsize       length)
{
  return g_base64_encode (data, length);
}

/* The server half of SCRAM-SHA-1 (RFC 5802 §3), with a way to lie. */
static void
server_scram (Fixture  *fixture,
              gsize    *offset,
              gboolean  forge_signature,
              gboolean  smuggle_after_success)
{
  static const guint8 salt[] = "natter-salt-1234";
  g_autofree char *auth_b64 = NULL;
  g_autofree guchar *client_first = NULL;
  g_autofree char *client_first_bare = NULL;
  g_autofree char *server_first = NULL;
  g_autofree char *server_first_b64 = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *response_b64 = NULL;
  g_autofree guchar *client_final = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *server_final = NULL;
  g_autofree char *server_final_b64 = NULL;
  g_autofree char *success = NULL;
  g_autofree char *salt_b64 = b64 (salt, sizeof salt - 1);
  g_autofree char *client_nonce = NULL;
  g_autofree char *signature_b64 = NULL;
  guint8 salted[20], server_key[20], signature[20];
  gnutls_datum_t key = { (unsigned char *) PASSWORD, strlen (PASSWORD) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, sizeof salt - 1 };
  gsize length;
  const char *proof;

  *offset = server_expect (fixture, *offset, "</auth>");
  g_assert_nonnull (strstr (fixture->received->str, "mechanism='SCRAM-SHA-1'"));
  auth_b64 = text_between (fixture->received->str, "mechanism='SCRAM-SHA-1'>", "</auth>");
  client_first = g_base64_decode (auth_b64, &length);
  client_first = g_realloc (client_first, length + 1);
  client_first[length] = '\0';
  g_assert_true (g_str_has_prefix ((char *) client_first, "n,,n=user,r="));
  client_first_bare = g_strdup ((char *) client_first + 3);
  client_nonce = g_strdup (strstr (client_first_bare, "r=") + 2);

  server_first = g_strdup_printf ("r=%sSERVERNONCE,s=%s,i=4096", client_nonce, salt_b64);
  server_first_b64 = b64 (server_first, strlen (server_first));
  challenge = g_strdup_printf ("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</challenge>",
                               server_first_b64);
  server_send (fixture, challenge);

  *offset = server_expect (fixture, *offset, "</response>");
  response_b64 = text_between (strstr (fixture->received->str, "<response"), ">", "</response>");
  client_final = g_base64_decode (response_b64, &length);
  client_final = g_realloc (client_final, length + 1);
  client_final[length] = '\0';
  proof = strstr ((char *) client_final, ",p=");
  g_assert_nonnull (proof);
  without_proof = g_strndup ((char *) client_final, proof - (char *) client_final);
  auth_message = g_strdup_printf ("%s,%s,%s", client_first_bare, server_first, without_proof);

  g_assert_cmpint (gnutls_pbkdf2 (GNUTLS_MAC_SHA1, &key, &salt_datum, 4096, salted, sizeof salted), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA1, salted, sizeof salted, "Server Key", 10, server_key), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA1, server_key, sizeof server_key,
                                     auth_message, strlen (auth_message), signature), ==, 0);
  if (forge_signature)
    signature[0] ^= 0x01;

  signature_b64 = b64 (signature, sizeof signature);
  server_final = g_strdup_printf ("v=%s", signature_b64);
  server_final_b64 = b64 (server_final, strlen (server_final));
  success = g_strdup_printf ("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</success>%s",
                             server_final_b64,
                             smuggle_after_success ? "<message from='natter.test'><body>injected</body></message>" : "");
  server_send (fixture, success);
}

/* Brings the client online through the script; returns the offset after bind. */
static gsize
bring_online (Fixture  *fixture,
              gboolean  with_sm)
{
  gsize offset = 0;
  g_autofree char *bind_id = NULL;
  g_autofree char *result = NULL;

  start (fixture);
  offset = server_expect (fixture, offset, "<stream:stream");
  server_send (fixture, HEADER FEATURES_SASL);
  server_scram (fixture, &offset, FALSE, FALSE);
  offset = server_expect (fixture, offset, "<stream:stream");
  server_send (fixture, with_sm ? HEADER FEATURES_BIND
                                : HEADER "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  offset = server_expect (fixture, offset, "</iq>");
  bind_id = text_between (strstr (fixture->received->str, "<iq"), "id='", "'");
  g_assert_nonnull (strstr (fixture->received->str, "<resource>phone</resource>"));
  result = g_strdup_printf ("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                            "<jid>user@natter.test/phone</jid></bind></iq>", bind_id);
  server_send (fixture, result);
  if (with_sm)
    {
      offset = server_expect (fixture, offset, "<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
      server_send (fixture, "<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true'/>");
    }
  while (!fixture->online)
    g_main_context_iteration (NULL, TRUE);
  return offset;
}

static void
wait_disconnected (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (fixture->disconnects == 0 && g_get_monotonic_time () < deadline)
    {
      server_drain (fixture, 10);
    }
  g_assert_cmpuint (fixture->disconnects, ==, 1);
}

static void
test_online_through_scram (Fixture       *fixture,
                           gconstpointer  data)
{
  bring_online (fixture, TRUE);
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_ONLINE);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_client_get_bound_jid (fixture->client)), ==,
                   "user@natter.test/phone");
  g_assert_cmpstr (xmpp_client_get_mechanism (fixture->client), ==, "SCRAM-SHA-1");
  g_assert_true (xmpp_client_get_stream_management (fixture->client));
}

/* SECURITY row 29: without STARTTLS nothing is sent but the header. */
static void
test_starttls_stripped (Fixture       *fixture,
                        gconstpointer  data)
{
  xmpp_client_set_allow_plaintext (fixture->client, FALSE);
  start (fixture);
  server_expect (fixture, 0, "<stream:stream");
  server_send (fixture, HEADER FEATURES_SASL);
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_ERROR, XMPP_ERROR_TLS_REQUIRED);
  g_assert_null (strstr (fixture->received->str, "<auth"));
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_DISCONNECTED);
}

/* PLAIN is never chosen without TLS, even when it is all that is offered. */
static void
test_no_plain_without_tls (Fixture       *fixture,
                           gconstpointer  data)
{
  start (fixture);
  server_expect (fixture, 0, "<stream:stream");
  server_send (fixture, HEADER "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                        "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM);
  g_assert_null (strstr (fixture->received->str, "<auth"));
}

/* SECURITY row 32. */
static void
test_stream_from_wrong_domain (Fixture       *fixture,
                               gconstpointer  data)
{
  start (fixture);
  server_expect (fixture, 0, "<stream:stream");
  server_send (fixture, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                        "xmlns:stream='http://etherx.jabber.org/streams' from='evil.example' "
                        "id='s1' version='1.0'>" FEATURES_SASL);
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_INVALID_FROM);
  g_assert_nonnull (strstr (fixture->received->str, "<invalid-from"));
  g_assert_null (strstr (fixture->received->str, "<auth"));
}

/* SECURITY row 34: a server that cannot prove it knows the password. */
static void
test_forged_server_signature (Fixture       *fixture,
                              gconstpointer  data)
{
  gsize offset = 0;
  gsize after;

  start (fixture);
  offset = server_expect (fixture, offset, "<stream:stream");
  server_send (fixture, HEADER FEATURES_SASL);
  server_scram (fixture, &offset, TRUE, FALSE);
  after = fixture->received->len;
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_ERROR, XMPP_ERROR_AUTH_PROTOCOL);
  /* Nothing was sent after the forged <success/>: no new stream, no bind. */
  g_assert_null (strstr (fixture->received->str + after, "<stream:stream"));
  g_assert_null (strstr (fixture->received->str, "<bind"));
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_DISCONNECTED);
}

/* SECURITY row 36: bytes behind <success/> belong to no stream. */
static void
test_data_smuggled_after_success (Fixture       *fixture,
                                  gconstpointer  data)
{
  gsize offset = 0;

  start (fixture);
  offset = server_expect (fixture, offset, "<stream:stream");
  server_send (fixture, HEADER FEATURES_SASL);
  server_scram (fixture, &offset, FALSE, TRUE);
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
}

/* SECURITY row 36 with STARTTLS: a <success/> smuggled behind <proceed/>
 * must never be acted on; the client fails before starting TLS. */
static void
test_success_smuggled_after_proceed (Fixture       *fixture,
                                     gconstpointer  data)
{
  start (fixture);
  server_expect (fixture, 0, "<stream:stream");
  server_send (fixture, HEADER "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
                        "<required/></starttls></stream:features>");
  server_expect (fixture, 0, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  server_send (fixture, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_null (xmpp_client_get_bound_jid (fixture->client));
  g_assert_null (strstr (fixture->received->str, "<iq"));
}

/* SECURITY row 20: a DTD mid-stream ends the stream with restricted-xml. */
static void
test_doctype_is_restricted_xml (Fixture       *fixture,
                                gconstpointer  data)
{
  bring_online (fixture, FALSE);
  server_send (fixture, "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>");
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  g_assert_nonnull (strstr (fixture->received->str, "<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"));
}

typedef struct
{
  GPtrArray *bodies;
} Collector;

static gboolean
collect_body (XmppClient *client,
              XmppNode   *stanza,
              gpointer    user_data)
{
  Collector *collector = user_data;

  g_ptr_array_add (collector->bodies, g_strdup (xmpp_node_get_child_text (stanza, "body", XMPP_NS_CLIENT)));
  return TRUE;
}

/* SECURITY rows 25 and 28, and I1: a bad stanza is dropped but counted;
 * an unknown request is refused; answers to nothing are not answered. */
static void
test_bad_stanzas_dropped_and_counted (Fixture       *fixture,
                                      gconstpointer  data)
{
  Collector collector = { g_ptr_array_new_with_free_func (g_free) };
  gsize offset;

  xmpp_client_add_handler (fixture->client, "message", "body", XMPP_NS_CLIENT, collect_body, &collector, NULL);
  offset = bring_online (fixture, TRUE);

  server_send (fixture,
               "<message from='room@muc.natter.test/a\xe2\x80\x8f' type='chat'><body>bidi</body></message>"
               "<message from='a@b@c' type='chat'><body>two ats</body></message>"
               "<iq type='result' id='never-asked' from='natter.test'/>"
               "<iq type='get' id='q1' from='friend@natter.test/pc'><query xmlns='urn:natter:unknown'/></iq>"
               "<message from='friend@natter.test/pc' type='chat'><body>fine</body></message>"
               "<r xmlns='urn:xmpp:sm:3'/>");

  offset = server_expect (fixture, offset, "<a xmlns='urn:xmpp:sm:3' h='5'/>");
  g_assert_nonnull (strstr (fixture->received->str, "id='q1'"));
  g_assert_nonnull (strstr (fixture->received->str, "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"));
  g_assert_null (strstr (fixture->received->str, "never-asked"));
  g_assert_cmpuint (collector.bodies->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (collector.bodies, 0), ==, "fine");
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_ONLINE);

  g_ptr_array_unref (collector.bodies);
}

typedef struct
{
  guint acked;
  guint failed;
} SendCount;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendCount *count = user_data;

  if (xmpp_client_send_finish (XMPP_CLIENT (object), result, NULL))
    count->acked++;
  else
    count->failed++;
}

/* SECURITY O2: "sent" means acked, and only what the ack covers. */
static void
test_sent_means_acked (Fixture       *fixture,
                       gconstpointer  data)
{
  SendCount count = { 0, };
  gsize offset = bring_online (fixture, TRUE);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", "friend@natter.test",
                                                     "type", "chat", NULL);

      xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, "hello");
      xmpp_client_send_async (fixture->client, message, NULL, sent_cb, &count);
    }
  /* One ack request for the burst. */
  offset = server_expect (fixture, offset, "<r xmlns='urn:xmpp:sm:3'/>");
  g_assert_cmpuint (count.acked, ==, 0);

  server_send (fixture, "<a xmlns='urn:xmpp:sm:3' h='2'/>");
  server_drain (fixture, 100);
  g_assert_cmpuint (count.acked, ==, 2);

  server_send (fixture, "<a xmlns='urn:xmpp:sm:3' h='3'/>");
  server_drain (fixture, 100);
  g_assert_cmpuint (count.acked, ==, 3);
  g_assert_cmpuint (count.failed, ==, 0);
}

/* XEP-0198 §4: the server counts stanzas from <enable/> on, so one
 * written before <enabled/> arrives is counted, kept and acknowledged
 * like any other - not reported sent at once, and not left out of the
 * count that later acknowledgements are measured against. */
static void
test_sent_during_enable_is_counted (Fixture       *fixture,
                                    gconstpointer  data)
{
  SendCount count = { 0, };
  gsize offset = 0;
  g_autofree char *bind_id = NULL;
  g_autofree char *result = NULL;

  start (fixture);
  offset = server_expect (fixture, offset, "<stream:stream");
  server_send (fixture, HEADER FEATURES_SASL);
  server_scram (fixture, &offset, FALSE, FALSE);
  offset = server_expect (fixture, offset, "<stream:stream");
  server_send (fixture, HEADER FEATURES_BIND);
  offset = server_expect (fixture, offset, "</iq>");
  bind_id = text_between (strstr (fixture->received->str, "<iq"), "id='", "'");
  result = g_strdup_printf ("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                            "<jid>user@natter.test/phone</jid></bind></iq>", bind_id);
  server_send (fixture, result);
  offset = server_expect (fixture, offset, "<enable xmlns='urn:xmpp:sm:3' resume='true'/>");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", "friend@natter.test",
                                                     "type", "chat", NULL);

      xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, i == 0 ? "early" : "later");
      if (i == 1)
        {
          server_send (fixture, "<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true'/>");
          while (!fixture->online)
            g_main_context_iteration (NULL, TRUE);
        }
      xmpp_client_send_async (fixture->client, message, NULL, sent_cb, &count);
      if (i == 0)
        {
          offset = server_expect (fixture, offset, "early");
          server_drain (fixture, 50);
          g_assert_cmpuint (count.acked, ==, 0);
        }
    }
  offset = server_expect (fixture, offset, "<r xmlns='urn:xmpp:sm:3'/>");
  g_assert_cmpuint (count.acked, ==, 0);

  /* The server handled the early one: it is the first counted. */
  server_send (fixture, "<a xmlns='urn:xmpp:sm:3' h='1'/>");
  server_drain (fixture, 100);
  g_assert_cmpuint (count.acked, ==, 1);
  server_send (fixture, "<a xmlns='urn:xmpp:sm:3' h='2'/>");
  server_drain (fixture, 100);
  g_assert_cmpuint (count.acked, ==, 2);
  g_assert_cmpuint (count.failed, ==, 0);
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_ONLINE);
}

/* SECURITY O4: the server cannot have handled more than we sent. */
static void
test_ack_count_too_high (Fixture       *fixture,
                         gconstpointer  data)
{
  bring_online (fixture, TRUE);
  server_send (fixture, "<a xmlns='urn:xmpp:sm:3' h='7'/>");
  wait_disconnected (fixture);

  /* It says what the server claimed and what was sent (XEP-0198 §5). */
  g_assert_nonnull (strstr (fixture->received->str,
                            "<handled-count-too-high xmlns='urn:xmpp:sm:3' h='7' send-count='0'/>"));
}

/* A stream error from the server ends the session with its condition. */
static void
test_stream_error_reported (Fixture       *fixture,
                            gconstpointer  data)
{
  bring_online (fixture, FALSE);
  server_send (fixture, "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new connection</text>"
                        "</stream:error></stream:stream>");
  wait_disconnected (fixture);

  g_assert_error (fixture->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONFLICT);
  g_assert_nonnull (strstr (fixture->error->message, "Replaced by new connection"));
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_DISCONNECTED);
}

static void
iq_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(XmppNode) answer = xmpp_client_iq_finish (XMPP_CLIENT (object), result, error);

  g_assert_null (answer);
}

static void
test_iq_timeout (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(XmppNode) iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", "to", "natter.test", NULL);
  GError *error = NULL;
  gint64 started;

  bring_online (fixture, FALSE);
  xmpp_client_set_iq_timeout (fixture->client, 1);
  xmpp_node_add_child (iq, "query", "http://jabber.org/protocol/disco#info");
  started = g_get_monotonic_time ();
  xmpp_client_iq_async (fixture->client, iq, NULL, iq_done_cb, &error);
  while (error == NULL)
    server_drain (fixture, 10);

  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, G_USEC_PER_SEC);
  g_clear_error (&error);
}

static void
test_iq_cancelled (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(XmppNode) iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", "to", "natter.test", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *late = NULL;
  GError *error = NULL;
  gsize offset;

  offset = bring_online (fixture, FALSE);
  xmpp_node_add_child (iq, "query", "http://jabber.org/protocol/disco#info");
  xmpp_client_iq_async (fixture->client, iq, cancellable, iq_done_cb, &error);
  server_expect (fixture, offset, "disco#info");
  g_cancellable_cancel (cancellable);
  while (error == NULL)
    server_drain (fixture, 10);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The answer that comes after is nobody's: dropped, no crash, no reply. */
  late = g_strdup_printf ("<iq type='result' id='%s' from='natter.test'/>", xmpp_node_get_attribute (iq, "id"));
  server_send (fixture, late);
  server_drain (fixture, 100);
  g_assert_cmpint (xmpp_client_get_state (fixture->client), ==, XMPP_CLIENT_ONLINE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/natter/xmpp/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("online-through-scram", test_online_through_scram);
  ADD ("starttls-stripped", test_starttls_stripped);
  ADD ("no-plain-without-tls", test_no_plain_without_tls);
  ADD ("stream-from-wrong-domain", test_stream_from_wrong_domain);
  ADD ("forged-server-signature", test_forged_server_signature);
  ADD ("data-smuggled-after-success", test_data_smuggled_after_success);
  ADD ("success-smuggled-after-proceed", test_success_smuggled_after_proceed);
  ADD ("doctype-is-restricted-xml", test_doctype_is_restricted_xml);
  ADD ("bad-stanzas-dropped-and-counted", test_bad_stanzas_dropped_and_counted);
  ADD ("sent-means-acked", test_sent_means_acked);
  ADD ("sent-during-enable-is-counted", test_sent_during_enable_is_counted);
  ADD ("ack-count-too-high", test_ack_count_too_high);
  ADD ("stream-error-reported", test_stream_error_reported);
  ADD ("iq-timeout", test_iq_timeout);
  ADD ("iq-cancelled", test_iq_cancelled);
#undef ADD

  return g_test_run ();
}
