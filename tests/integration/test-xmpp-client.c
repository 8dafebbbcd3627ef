/* test-xmpp-client.c: sessions against a real Prosody survive real faults
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-test-ejabberd.h"
#include "natter-test-proxy.h"
#include "natter-test-server.h"

#define WAIT_S 20

/* The same tests run against Prosody and against ejabberd with each of
 * its SCRAM hashes: the engine is proved on two independent servers. */
typedef struct
{
  const char *kind;             /* "prosody" or "ejabberd-sha", "-sha256", "-sha512" */
  NatterTestServer *prosody;
  NatterTestEjabberd *ejabberd;
  GTlsDatabase *database;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "alice", "bob", "mallory" };

  fixture->kind = data;
  if (g_str_has_prefix (fixture->kind, "ejabberd-"))
    {
      NatterTestEjabberdOptions options = { .scram_hash = fixture->kind + strlen ("ejabberd-"),
                                            .hibernation_seconds = 60 };

      fixture->ejabberd = natter_test_ejabberd_start (&options, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          natter_test_ejabberd_add_account (fixture->ejabberd, names[i], "secret", &error);
          g_assert_no_error (error);
        }
      fixture->database = natter_test_ejabberd_dup_tls_database (fixture->ejabberd, &error);
    }
  else
    {
      NatterTestServerOptions options = { .hibernation_seconds = 60 };

      fixture->prosody = natter_test_server_start (&options, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          natter_test_server_add_account (fixture->prosody, names[i], "secret", &error);
          g_assert_no_error (error);
        }
      fixture->database = natter_test_server_dup_tls_database (fixture->prosody, &error);
    }
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->prosody, natter_test_server_free);
  g_clear_pointer (&fixture->ejabberd, natter_test_ejabberd_free);
}

static guint16
direct_tls_port (Fixture *fixture)
{
  return fixture->ejabberd != NULL ? natter_test_ejabberd_get_direct_tls_port (fixture->ejabberd)
                                   : natter_test_server_get_direct_tls_port (fixture->prosody);
}

static guint16
starttls_port (Fixture *fixture)
{
  return fixture->ejabberd != NULL ? natter_test_ejabberd_get_port (fixture->ejabberd)
                                   : natter_test_server_get_port (fixture->prosody);
}

static const char *
server_fingerprint (Fixture *fixture)
{
  return fixture->ejabberd != NULL ? natter_test_ejabberd_get_fingerprint (fixture->ejabberd)
                                   : natter_test_server_get_fingerprint (fixture->prosody);
}

static void
kill_server (Fixture *fixture)
{
  if (fixture->ejabberd != NULL)
    natter_test_ejabberd_kill (fixture->ejabberd);
  else
    natter_test_server_kill (fixture->prosody);
}

static gboolean
restart_server (Fixture  *fixture,
                GError  **error)
{
  return fixture->ejabberd != NULL ? natter_test_ejabberd_restart (fixture->ejabberd, error)
                                   : natter_test_server_restart (fixture->prosody, error);
}

/* The mechanism family the server is configured for. */
static const char *
expected_mechanism (Fixture *fixture)
{
  if (g_str_equal (fixture->kind, "ejabberd-sha256"))
    return "SCRAM-SHA-256";
  if (g_str_equal (fixture->kind, "ejabberd-sha512"))
    return "SCRAM-SHA-512";
  return "SCRAM-SHA-1";
}

/* Spins the main loop until *flag is set, failing the test after WAIT_S. */
static void
wait_for_flag (gboolean   *flag,
               const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!*flag)
    g_error ("timed out waiting for %s", what);
}

static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

typedef struct
{
  gboolean online;
  gboolean resumed;
  guint onlines;
  guint disconnects;
  GError *error;
  GPtrArray *bodies;           /* received message bodies, in order */
  guint connecting;
} Watch;

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  Watch *watch = user_data;

  watch->online = TRUE;
  watch->resumed = resumed;
  watch->onlines++;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  Watch *watch = user_data;

  watch->online = FALSE;
  watch->disconnects++;
  g_clear_error (&watch->error);
  if (error != NULL)
    watch->error = g_error_copy (error);
}

static void
state_cb (XmppClient *client,
          GParamSpec *pspec,
          gpointer    user_data)
{
  Watch *watch = user_data;

  if (xmpp_client_get_state (client) == XMPP_CLIENT_CONNECTING)
    watch->connecting++;
}

static gboolean
message_handler (XmppClient *client,
                 XmppNode   *stanza,
                 gpointer    user_data)
{
  Watch *watch = user_data;
  const char *body = xmpp_node_get_child_text (stanza, "body", XMPP_NS_CLIENT);

  if (body != NULL)
    g_ptr_array_add (watch->bodies, g_strdup (body));
  return body != NULL;
}

static void
watch_clear (Watch *watch)
{
  g_clear_error (&watch->error);
  g_clear_pointer (&watch->bodies, g_ptr_array_unref);
}

static XmppClient *
make_client (Fixture    *fixture,
             const char *jid_text,
             const char *password,
             guint16     port,
             gboolean    direct_tls,
             Watch      *watch)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (jid_text, NULL);
  XmppClient *client = xmpp_client_new (jid);

  xmpp_client_set_host (client, "127.0.0.1", port, direct_tls);
  xmpp_client_set_tls_database (client, fixture->database);
  xmpp_client_set_password (client, password);
  memset (watch, 0, sizeof *watch);
  watch->bodies = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (client, "online", G_CALLBACK (online_cb), watch);
  g_signal_connect (client, "disconnected", G_CALLBACK (disconnected_cb), watch);
  g_signal_connect (client, "notify::state", G_CALLBACK (state_cb), watch);
  xmpp_client_add_handler (client, "message", "body", XMPP_NS_CLIENT, message_handler, watch, NULL);
  return client;
}

static XmppClient *
online_client (Fixture    *fixture,
               const char *jid_text,
               Watch      *watch)
{
  XmppClient *client = make_client (fixture, jid_text, "secret",
                                    direct_tls_port (fixture),
                                    TRUE, watch);

  xmpp_client_connect (client);
  wait_for_flag (&watch->online, "online");
  return client;
}

static void
finish_client (XmppClient *client)
{
  xmpp_client_disconnect (client);
  spin (50);
  g_assert_finalize_object (client);
}

static XmppNode *
chat_message (XmppClient *to,
              const char *body)
{
  XmppNode *message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                       "to", xmpp_jid_to_string (xmpp_client_get_bound_jid (to)),
                                       "type", "chat", NULL);

  xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, body);
  return message;
}

static void
test_login_direct_tls (Fixture       *fixture,
                       gconstpointer  data)
{
  Watch watch;
  XmppClient *client = online_client (fixture, "alice@natter.test/laptop", &watch);

  g_assert_cmpint (xmpp_client_get_state (client), ==, XMPP_CLIENT_ONLINE);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_client_get_bound_jid (client)), ==, "alice@natter.test/laptop");
  /* The strongest offered: with channel binding where the server has it. */
  g_assert_true (g_str_has_prefix (xmpp_client_get_mechanism (client), expected_mechanism (fixture)));
  g_test_message ("%s signed in with %s", fixture->kind, xmpp_client_get_mechanism (client));
  g_assert_true (xmpp_client_get_stream_management (client));
  g_assert_false (watch.resumed);

  finish_client (client);
  g_assert_cmpuint (watch.disconnects, ==, 1);
  g_assert_null (watch.error);
  watch_clear (&watch);
}

static void
test_login_starttls (Fixture       *fixture,
                     gconstpointer  data)
{
  Watch watch;
  XmppClient *client = make_client (fixture, "bob@natter.test/desk", "secret",
                                    starttls_port (fixture), FALSE, &watch);

  xmpp_client_connect (client);
  wait_for_flag (&watch.online, "online over STARTTLS");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_client_get_bound_jid (client)), ==, "bob@natter.test/desk");

  finish_client (client);
  watch_clear (&watch);
}

static void
test_wrong_password_no_retry (Fixture       *fixture,
                              gconstpointer  data)
{
  Watch watch;
  gboolean failed = FALSE;
  XmppClient *client = make_client (fixture, "alice@natter.test/laptop", "wrong",
                                    direct_tls_port (fixture),
                                    TRUE, &watch);

  xmpp_client_connect (client);
  while (watch.disconnects == 0)
    g_main_context_iteration (NULL, TRUE);
  failed = TRUE;
  g_assert_true (failed);
  g_assert_error (watch.error, XMPP_ERROR, XMPP_ERROR_AUTH_FAILED);
  g_assert_cmpint (xmpp_client_get_state (client), ==, XMPP_CLIENT_DISCONNECTED);

  /* No retry storm: nothing happens by itself afterwards. */
  spin (3000);
  g_assert_cmpuint (watch.connecting, ==, 1);
  g_assert_cmpuint (watch.disconnects, ==, 1);

  finish_client (client);
  watch_clear (&watch);
}

static void
test_certificate_pinning (Fixture       *fixture,
                          gconstpointer  data)
{
  Watch watch;
  g_autoptr(XmppJid) jid = xmpp_jid_new ("alice@natter.test/laptop", NULL);
  XmppClient *client = xmpp_client_new (jid);
  g_autofree char *fingerprint = NULL;
  const char *pins[] = { server_fingerprint (fixture), NULL };

  /* Unpinned, and the system store does not know the test CA. */
  memset (&watch, 0, sizeof watch);
  g_signal_connect (client, "disconnected", G_CALLBACK (disconnected_cb), &watch);
  g_signal_connect (client, "online", G_CALLBACK (online_cb), &watch);
  xmpp_client_set_host (client, "127.0.0.1", direct_tls_port (fixture), TRUE);
  xmpp_client_set_password (client, "secret");
  xmpp_client_connect (client);
  while (watch.disconnects == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (watch.error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE);
  g_assert_cmpint (xmpp_client_get_state (client), ==, XMPP_CLIENT_DISCONNECTED);
  g_assert_nonnull (xmpp_client_get_peer_certificate (client));
  fingerprint = xmpp_certificate_dup_fingerprint (xmpp_client_get_peer_certificate (client));
  g_assert_cmpstr (fingerprint, ==, server_fingerprint (fixture));

  /* The user accepted it: pinned, it connects. */
  xmpp_client_set_pinned_fingerprints (client, pins);
  xmpp_client_connect (client);
  wait_for_flag (&watch.online, "online with a pinned certificate");

  finish_client (client);
  watch_clear (&watch);
}

static void
iq_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static XmppNode *
wait_iq (XmppClient    *client,
         GAsyncResult **result,
         GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  XmppNode *answer;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*result);
  answer = xmpp_client_iq_finish (client, *result, error);
  g_clear_object (result);
  return answer;
}

static gboolean
hold_query_handler (XmppClient *client,
                    XmppNode   *stanza,
                    gpointer    user_data)
{
  XmppNode **held = user_data;

  *held = xmpp_node_ref (stanza);
  return TRUE;
}

/* SECURITY row 7: an iq answer is accepted only from where the request went. */
static void
test_spoofed_iq_result_ignored (Fixture       *fixture,
                                gconstpointer  data)
{
  Watch alice_watch, bob_watch, mallory_watch;
  XmppClient *alice = online_client (fixture, "alice@natter.test/laptop", &alice_watch);
  XmppClient *bob = online_client (fixture, "bob@natter.test/desk", &bob_watch);
  XmppClient *mallory = online_client (fixture, "mallory@natter.test/evil", &mallory_watch);
  g_autoptr(XmppNode) request = NULL;
  g_autoptr(XmppNode) spoof = NULL;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(XmppNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  XmppNode *held = NULL;

  xmpp_client_add_handler (bob, "iq", "query", "urn:natter:test", hold_query_handler, &held, NULL);
  request = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", "id", "guessable-id",
                             "to", "bob@natter.test/desk", NULL);
  xmpp_node_add_child (request, "query", "urn:natter:test");
  xmpp_client_iq_async (alice, request, NULL, iq_done_cb, &result);
  while (held == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* Mallory answers first, with the right id. */
  spoof = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "result", "id", "guessable-id",
                           "to", "alice@natter.test/laptop", NULL);
  xmpp_node_add_child (spoof, "query", "urn:natter:test");
  xmpp_node_add_text_child (xmpp_node_get_child (spoof, "query", "urn:natter:test"), "x",
                            "urn:natter:test", "spoofed");
  xmpp_client_send (mallory, spoof);
  spin (500);
  g_assert_null (result);

  /* Bob's real answer completes the request. */
  reply = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "result", "id", "guessable-id",
                           "to", xmpp_node_get_attribute (held, "from"), NULL);
  xmpp_client_send (bob, reply);
  answer = wait_iq (alice, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_node_get_attribute (answer, "from"), ==, "bob@natter.test/desk");
  g_assert_null (xmpp_node_get_child (answer, "query", "urn:natter:test"));

  g_clear_pointer (&held, xmpp_node_unref);
  finish_client (alice);
  finish_client (bob);
  finish_client (mallory);
  watch_clear (&alice_watch);
  watch_clear (&bob_watch);
  watch_clear (&mallory_watch);
}

/* SECURITY row 28: an unknown get is answered service-unavailable. */
static void
test_unknown_iq_answered (Fixture       *fixture,
                          gconstpointer  data)
{
  Watch alice_watch, bob_watch;
  XmppClient *alice = online_client (fixture, "alice@natter.test/laptop", &alice_watch);
  XmppClient *bob = online_client (fixture, "bob@natter.test/desk", &bob_watch);
  g_autoptr(XmppNode) request = NULL;
  g_autoptr(XmppNode) answer = NULL;
  g_autoptr(XmppNode) ping = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  request = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", "to", "alice@natter.test/laptop", NULL);
  xmpp_node_add_child (request, "query", "urn:natter:unknown");
  xmpp_client_iq_async (bob, request, NULL, iq_done_cb, &result);
  answer = wait_iq (bob, &result, &error);
  g_assert_null (answer);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_true (g_str_has_prefix (error->message, "service-unavailable"));
  g_clear_error (&error);

  /* XEP-0199: our clients answer pings. */
  ping = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", "to", "alice@natter.test/laptop", NULL);
  xmpp_node_add_child (ping, "ping", "urn:xmpp:ping");
  xmpp_client_iq_async (bob, ping, NULL, iq_done_cb, &result);
  g_clear_pointer (&answer, xmpp_node_unref);
  answer = wait_iq (bob, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_node_get_attribute (answer, "type"), ==, "result");

  finish_client (alice);
  finish_client (bob);
  watch_clear (&alice_watch);
  watch_clear (&bob_watch);
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
  g_autoptr(GError) error = NULL;

  if (xmpp_client_send_finish (XMPP_CLIENT (object), result, &error))
    count->acked++;
  else
    count->failed++;
}

static void
assert_bodies (GPtrArray  *bodies,
               const char *prefix,
               guint       n)
{
  g_assert_cmpuint (bodies->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%s %u", prefix, i);

      g_assert_cmpstr (g_ptr_array_index (bodies, i), ==, expected);
    }
}

/* The TCP connection dies mid-stream, both ways; the session resumes and
 * every message arrives exactly once, in order. */
static void
test_resumption_loses_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(NatterTestProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  Watch alice_watch, bob_watch;
  XmppClient *alice;
  XmppClient *bob;
  SendCount alice_sent = { 0, }, bob_sent = { 0, };
  const guint n = 60;
  gint64 deadline;

  proxy = natter_test_proxy_new (direct_tls_port (fixture), &error);
  g_assert_no_error (error);
  alice = make_client (fixture, "alice@natter.test/laptop", "secret",
                       natter_test_proxy_get_port (proxy), TRUE, &alice_watch);
  xmpp_client_connect (alice);
  wait_for_flag (&alice_watch.online, "alice online");
  bob = online_client (fixture, "bob@natter.test/desk", &bob_watch);

  /* Alice sends half, the line drops while she sends the rest. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("from alice %u", i);
      g_autoptr(XmppNode) message = chat_message (bob, body);

      xmpp_client_send_async (alice, message, NULL, sent_cb, &alice_sent);
      if (i == n / 2)
        g_assert_cmpuint (natter_test_proxy_cut (proxy), ==, 1);
    }

  /* While alice is away, bob writes to her: the server holds it for her session. */
  spin (100);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("from bob %u", i);
      g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                                     "to", "alice@natter.test/laptop",
                                                     "type", "chat", NULL);

      xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, body);
      xmpp_client_send_async (bob, message, NULL, sent_cb, &bob_sent);
    }

  alice_watch.online = FALSE;
  wait_for_flag (&alice_watch.online, "alice back online");
  g_assert_true (alice_watch.resumed);
  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while ((alice_sent.acked + alice_sent.failed < n || bob_sent.acked < n ||
          alice_watch.bodies->len < n || bob_watch.bodies->len < n) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_test_message ("alice acked %u failed %u, bob acked %u; alice got %u, bob got %u",
                  alice_sent.acked, alice_sent.failed, bob_sent.acked,
                  alice_watch.bodies->len, bob_watch.bodies->len);

  g_assert_cmpuint (alice_sent.failed, ==, 0);
  g_assert_cmpuint (alice_sent.acked, ==, n);
  spin (500);
  assert_bodies (bob_watch.bodies, "from alice", n);
  assert_bodies (alice_watch.bodies, "from bob", n);

  finish_client (alice);
  finish_client (bob);
  watch_clear (&alice_watch);
  watch_clear (&bob_watch);
}

/* The server restarts: the old session is gone, the client comes back by
 * itself with a fresh one, and what was waiting is handed back. */
static void
test_server_restart_reconnects (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Watch watch;
  XmppClient *alice = online_client (fixture, "alice@natter.test/laptop", &watch);
  SendCount sent = { 0, };
  g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                                 "to", "bob@natter.test", "type", "chat", NULL);

  xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, "lost in the crash?");
  kill_server (fixture);
  while (xmpp_client_get_state (alice) != XMPP_CLIENT_WAITING)
    g_main_context_iteration (NULL, TRUE);

  /* Sent while away: it waits for the session to come back. */
  xmpp_client_send_async (alice, message, NULL, sent_cb, &sent);
  g_assert_cmpuint (sent.acked + sent.failed, ==, 0);

  g_assert_true (restart_server (fixture, &error));
  g_assert_no_error (error);
  watch.online = FALSE;
  wait_for_flag (&watch.online, "alice online after the restart");
  g_assert_false (watch.resumed);

  /* The resumption failed, so the message came back to its sender. */
  g_assert_cmpuint (sent.failed, ==, 1);
  g_assert_cmpuint (sent.acked, ==, 0);

  finish_client (alice);
  watch_clear (&watch);
}

typedef void (*ClientTest) (Fixture       *fixture,
                            gconstpointer  data);

static void
add (const char *kind,
     const char *name,
     ClientTest  func)
{
  g_autofree char *path = g_strdup_printf ("/natter/xmpp/client/%s/%s", kind, name);

  g_test_add (path, Fixture, kind, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  const char *ejabberd_kinds[] = { "ejabberd-sha", "ejabberd-sha256", "ejabberd-sha512" };

  g_test_init (&argc, &argv, NULL);

  add ("prosody", "login-direct-tls", test_login_direct_tls);
  add ("prosody", "login-starttls", test_login_starttls);
  add ("prosody", "wrong-password-no-retry", test_wrong_password_no_retry);
  add ("prosody", "certificate-pinning", test_certificate_pinning);
  add ("prosody", "spoofed-iq-result-ignored", test_spoofed_iq_result_ignored);
  add ("prosody", "unknown-iq-answered", test_unknown_iq_answered);
  add ("prosody", "resumption-loses-nothing", test_resumption_loses_nothing);
  add ("prosody", "server-restart-reconnects", test_server_restart_reconnects);

  /* ejabberd: each SCRAM hash, and the stream management paths. */
  for (guint i = 0; i < G_N_ELEMENTS (ejabberd_kinds); i++)
    add (ejabberd_kinds[i], "login-direct-tls", test_login_direct_tls);
  add ("ejabberd-sha256", "login-starttls", test_login_starttls);
  add ("ejabberd-sha256", "wrong-password-no-retry", test_wrong_password_no_retry);
  add ("ejabberd-sha256", "resumption-loses-nothing", test_resumption_loses_nothing);
  add ("ejabberd-sha256", "server-restart-reconnects", test_server_restart_reconnects);

  return g_test_run ();
}
