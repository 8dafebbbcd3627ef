/* test-xmpp-disco.c: service discovery and entity capabilities against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-test-server.h"

#define WAIT_S 20
#define EXTRA_FEATURE "urn:natter:test:only-alice"

typedef struct
{
  XmppClient    *client;
  XmppDisco     *disco;
  XmppCaps      *caps;
  gboolean       online;
  gboolean       server_ready;
  gboolean       account_ready;
  guint          server_readies;
  guint          cached;
  GPtrArray     *changed;      /* full JIDs from XmppCaps::resource-changed */
} Peer;

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
  Peer              alice;
  Peer              bob;
} Fixture;

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until *flag is set, failing the test after WAIT_S. */
static void
wait_for_flag (gboolean   *flag,
               const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (WAIT_S, timed_out_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
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

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  Peer *peer = user_data;

  peer->online = TRUE;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  Peer *peer = user_data;

  if (peer->online && error != NULL)
    g_test_message ("disconnected: %s", error->message);
  peer->online = FALSE;
}

static void
server_info_ready_cb (XmppDisco     *disco,
                      XmppDiscoInfo *info,
                      gpointer       user_data)
{
  Peer *peer = user_data;

  peer->server_ready = TRUE;
  peer->server_readies++;
}

static void
account_info_ready_cb (XmppDisco     *disco,
                       XmppDiscoInfo *info,
                       gpointer       user_data)
{
  Peer *peer = user_data;

  peer->account_ready = TRUE;
}

static void
cached_cb (XmppCaps      *caps,
           const char    *ver,
           XmppDiscoInfo *info,
           gpointer       user_data)
{
  Peer *peer = user_data;

  peer->cached++;
}

static void
resource_changed_cb (XmppCaps *caps,
                     XmppJid  *jid,
                     gpointer  user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->changed, xmpp_jid_ref (jid));
}

/* A client with its disco and caps modules, online, with the server's and
 * the account's information fetched.
 */
static void
peer_start (Fixture    *fixture,
            Peer       *peer,
            const char *user,
            const char *extra_feature)
{
  g_autofree char *jid_text = g_strdup_printf ("%s@" NATTER_TEST_DOMAIN, user);
  g_autoptr(XmppJid) jid = xmpp_jid_new (jid_text, NULL);

  memset (peer, 0, sizeof *peer);
  peer->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  peer->client = xmpp_client_new (jid);
  xmpp_client_set_host (peer->client, "127.0.0.1",
                        natter_test_server_get_direct_tls_port (fixture->server), TRUE);
  xmpp_client_set_tls_database (peer->client, fixture->database);
  xmpp_client_set_password (peer->client, "secret");
  xmpp_client_set_auto_reconnect (peer->client, FALSE);
  if (extra_feature != NULL)
    xmpp_client_add_feature (peer->client, extra_feature);

  peer->disco = xmpp_disco_new (peer->client);
  peer->caps = xmpp_caps_new (peer->disco);

  g_signal_connect (peer->client, "online", G_CALLBACK (online_cb), peer);
  g_signal_connect (peer->client, "disconnected", G_CALLBACK (disconnected_cb), peer);
  g_signal_connect (peer->disco, "server-info-ready", G_CALLBACK (server_info_ready_cb), peer);
  g_signal_connect (peer->disco, "account-info-ready", G_CALLBACK (account_info_ready_cb), peer);
  g_signal_connect (peer->caps, "cached", G_CALLBACK (cached_cb), peer);
  g_signal_connect (peer->caps, "resource-changed", G_CALLBACK (resource_changed_cb), peer);

  xmpp_client_connect (peer->client);
  wait_for_flag (&peer->online, "online");
  wait_for_flag (&peer->server_ready, "the server's disco#info");
  wait_for_flag (&peer->account_ready, "the account's disco#info");
}

static void
peer_stop (Peer *peer)
{
  if (peer->client == NULL)
    return;

  xmpp_client_disconnect (peer->client);
  spin (50);
  g_assert_finalize_object (peer->caps);
  g_assert_finalize_object (peer->disco);
  g_assert_finalize_object (peer->client);
  g_clear_pointer (&peer->changed, g_ptr_array_unref);
  memset (peer, 0, sizeof *peer);
}

/* Sends a presence with our caps, to @to (a full JID) or broadcast. */
static void
send_presence (Peer    *peer,
               XmppJid *to)
{
  g_autoptr(XmppNode) presence = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                                                  "to", to != NULL ? xmpp_jid_to_string (to) : NULL,
                                                  NULL);

  xmpp_caps_add_to_presence (peer->caps, presence);
  xmpp_client_send (peer->client, presence);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "alice", "secret", &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "bob", "secret", &error);
  g_assert_no_error (error);
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  peer_stop (&fixture->alice);
  peer_stop (&fixture->bob);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static void
log_info (const char    *what,
          XmppDiscoInfo *info)
{
  const char * const *features = xmpp_disco_info_get_features (info);
  const XmppDiscoIdentity *identities;
  guint n;

  identities = xmpp_disco_info_get_identities (info, &n);
  for (guint i = 0; i < n; i++)
    g_test_message ("%s identity %s/%s %s", what, identities[i].category, identities[i].type,
                    identities[i].name != NULL ? identities[i].name : "");
  for (guint i = 0; features[i] != NULL; i++)
    g_test_message ("%s feature %s", what, features[i]);
}

static void
test_server_and_account_features (Fixture       *fixture,
                                  gconstpointer  data)
{
  Peer *alice = &fixture->alice;
  XmppDiscoInfo *server;
  XmppDiscoInfo *account;
  XmppDiscoInfo *info = NULL;

  peer_start (fixture, alice, "alice", NULL);

  server = xmpp_disco_get_server_info (alice->disco);
  account = xmpp_disco_get_account_info (alice->disco);
  g_assert_nonnull (server);
  g_assert_nonnull (account);
  log_info ("server", server);
  log_info ("account", account);
  g_object_get (alice->disco, "server-info", &info, NULL);
  g_assert_true (info == server);
  g_clear_pointer (&info, xmpp_disco_info_unref);

  /* What the fixture's Prosody (mod_disco, mod_carbons, mod_ping, …) says
   * about its domain.
   */
  g_assert_true (xmpp_disco_info_has_identity (server, "server", "im"));
  g_assert_true (xmpp_disco_server_has_feature (alice->disco, XMPP_NS_DISCO_INFO));
  g_assert_true (xmpp_disco_server_has_feature (alice->disco, XMPP_NS_DISCO_ITEMS));
  g_assert_true (xmpp_disco_server_has_feature (alice->disco, "urn:xmpp:carbons:2"));
  g_assert_true (xmpp_disco_server_has_feature (alice->disco, "urn:xmpp:ping"));
  g_assert_true (xmpp_disco_server_has_feature (alice->disco, "urn:xmpp:blocking"));
  /* Stream management is a stream feature, not a disco feature, and MAM
   * of the user's archive is announced on the account, not the domain.
   */
  g_assert_false (xmpp_disco_server_has_feature (alice->disco, "urn:xmpp:sm:3"));
  g_assert_false (xmpp_disco_server_has_feature (alice->disco, "urn:xmpp:natter:nonexistent"));

  /* The account's own bare JID: PEP and the message archive. */
  g_assert_true (xmpp_disco_info_has_identity (account, "account", "registered"));
  g_assert_true (xmpp_disco_info_has_identity (account, "pubsub", "pep"));
  g_assert_true (xmpp_disco_account_has_feature (alice->disco, "urn:xmpp:mam:2"));
  g_assert_true (xmpp_disco_account_has_feature (alice->disco, "urn:xmpp:sid:0"));
  g_assert_false (xmpp_disco_account_has_feature (alice->disco, "urn:xmpp:carbons:2"));

  /* A resumed session would not fetch again; a fresh one does, and
   * announces it even though nothing changed.
   */
  g_assert_cmpuint (alice->server_readies, ==, 1);
}

static void
info_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static XmppDiscoInfo *
query_info (Peer        *peer,
            XmppJid     *jid,
            const char  *node,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xmpp_disco_info_async (peer->disco, jid, node, NULL, info_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return xmpp_disco_info_finish (peer->disco, result, error);
}

static GPtrArray *
query_items (Peer     *peer,
             XmppJid  *jid,
             GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xmpp_disco_items_async (peer->disco, jid, NULL, NULL, info_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return xmpp_disco_items_finish (peer->disco, result, error);
}

static void
test_peer_answers_with_our_identity (Fixture       *fixture,
                                     gconstpointer  data)
{
  Peer *alice = &fixture->alice;
  Peer *bob = &fixture->bob;
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autoptr(XmppDiscoInfo) at_node = NULL;
  g_autoptr(XmppDiscoInfo) own = NULL;
  g_autoptr(XmppDiscoInfo) wrong = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) server_items = NULL;
  g_autoptr(XmppJid) domain = xmpp_jid_new (NATTER_TEST_DOMAIN, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ver = NULL;
  g_autofree char *node = NULL;
  g_autofree char *node_ver = NULL;
  const XmppDiscoIdentity *identities;
  XmppJid *alice_jid;
  gboolean found_muc = FALSE;
  guint n;

  peer_start (fixture, alice, "alice", EXTRA_FEATURE);
  peer_start (fixture, bob, "bob", NULL);
  alice_jid = xmpp_client_get_bound_jid (alice->client);
  g_assert_false (xmpp_jid_is_bare (alice_jid));

  info = query_info (bob, alice_jid, NULL, &error);
  g_assert_no_error (error);
  identities = xmpp_disco_info_get_identities (info, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (identities[0].category, ==, "client");
  g_assert_cmpstr (identities[0].type, ==, "pc");
  g_assert_cmpstr (identities[0].name, ==, "Natter");
  g_assert_true (xmpp_disco_info_has_feature (info, "http://jabber.org/protocol/disco#info"));
  g_assert_true (xmpp_disco_info_has_feature (info, "http://jabber.org/protocol/disco#items"));
  g_assert_true (xmpp_disco_info_has_feature (info, "http://jabber.org/protocol/caps"));
  g_assert_true (xmpp_disco_info_has_feature (info, EXTRA_FEATURE));
  own = xmpp_disco_dup_own_info (alice->disco);
  g_assert_true (xmpp_disco_info_equal (info, own));

  /* The same at the caps node, which must hash to the ver. */
  ver = xmpp_caps_dup_own_ver (alice->caps);
  node = g_strconcat (XMPP_CAPS_NODE, "#", ver, NULL);
  at_node = query_info (bob, alice_jid, node, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_disco_info_equal (at_node, own));
  node_ver = xmpp_caps_compute_ver (at_node);
  g_assert_cmpstr (node_ver, ==, ver);

  /* A node we do not have. */
  wrong = query_info (bob, alice_jid, XMPP_CAPS_NODE "#bm90IG91ciB2ZXI=", &error);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_nonnull (strstr (error->message, "item-not-found"));
  g_assert_null (wrong);
  g_clear_error (&error);

  /* No items at a client. */
  items = query_items (bob, alice_jid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);

  /* The server lists its components. */
  server_items = query_items (bob, domain, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < server_items->len; i++)
    {
      XmppDiscoItem *item = g_ptr_array_index (server_items, i);

      g_test_message ("server item %s", xmpp_jid_to_string (item->jid));
      if (g_strcmp0 (xmpp_jid_to_string (item->jid), "muc." NATTER_TEST_DOMAIN) == 0)
        found_muc = TRUE;
    }
  g_assert_true (found_muc);
}

static gboolean
changed_contains (Peer    *peer,
                  XmppJid *jid)
{
  for (guint i = 0; i < peer->changed->len; i++)
    if (xmpp_jid_equal (g_ptr_array_index (peer->changed, i), jid))
      return TRUE;
  return FALSE;
}

static void
test_caps_verified_from_presence (Fixture       *fixture,
                                  gconstpointer  data)
{
  Peer *alice = &fixture->alice;
  Peer *bob = &fixture->bob;
  g_autofree char *alice_ver = NULL;
  g_autofree char *bob_ver = NULL;
  XmppJid *alice_jid;
  XmppJid *bob_jid;
  gboolean seen = FALSE;
  gint64 deadline;

  /* Alice has one feature more, so her ver is not Bob's own. */
  peer_start (fixture, alice, "alice", EXTRA_FEATURE);
  peer_start (fixture, bob, "bob", NULL);
  alice_jid = xmpp_client_get_bound_jid (alice->client);
  bob_jid = xmpp_client_get_bound_jid (bob->client);
  alice_ver = xmpp_caps_dup_own_ver (alice->caps);
  bob_ver = xmpp_caps_dup_own_ver (bob->caps);
  g_assert_cmpstr (alice_ver, !=, bob_ver);

  send_presence (bob, NULL);
  send_presence (alice, NULL);
  send_presence (alice, bob_jid);

  /* Bob asks Alice at https://natter.im#ver, checks the hash, caches it. */
  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (!seen && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      seen = xmpp_caps_get_info (bob->caps, alice_jid) != NULL;
    }
  g_assert_true (seen);
  g_assert_cmpstr (xmpp_caps_get_ver (bob->caps, alice_jid), ==, alice_ver);
  g_assert_true (xmpp_caps_has_feature (bob->caps, alice_jid, EXTRA_FEATURE));
  g_assert_true (xmpp_caps_has_feature (bob->caps, alice_jid, "http://jabber.org/protocol/caps"));
  g_assert_false (xmpp_caps_has_feature (bob->caps, alice_jid, "urn:xmpp:natter:nonexistent"));
  g_assert_nonnull (xmpp_caps_lookup (bob->caps, alice_ver));
  g_assert_cmpuint (bob->cached, ==, 1);
  g_assert_true (changed_contains (bob, alice_jid));

  /* Alice's own presence came back to her: her own ver, never asked. */
  spin (200);
  g_assert_cmpuint (alice->cached, ==, 0);

  /* Going away forgets the resource, and says so. */
  g_ptr_array_set_size (bob->changed, 0);
  {
    g_autoptr(XmppNode) gone = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                                                "to", xmpp_jid_to_string (bob_jid),
                                                "type", "unavailable", NULL);

    xmpp_client_send (alice->client, gone);
  }
  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (xmpp_caps_get_info (bob->caps, alice_jid) != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (xmpp_caps_get_info (bob->caps, alice_jid));
  g_assert_true (changed_contains (bob, alice_jid));
  /* The verified entry itself stays cached. */
  g_assert_nonnull (xmpp_caps_lookup (bob->caps, alice_ver));
}

/* Mallory: a bare client that announces the caps of XEP-0115 §5.2 and
 * answers the query for them with one feature more.
 */
#define MALLORY_VER "QgayPKawpkPSDYmwT/WM94uAlu0="
#define MALLORY_NODE "http://code.google.com/p/exodus"

typedef struct
{
  guint queries;
  char *node;
} Mallory;

static gboolean
mallory_disco_cb (XmppClient *client,
                  XmppNode   *stanza,
                  gpointer    user_data)
{
  Mallory *mallory = user_data;
  XmppNode *request = xmpp_node_get_child (stanza, "query", XMPP_NS_DISCO_INFO);
  g_autoptr(XmppNode) reply = NULL;
  XmppNode *query;

  if (g_strcmp0 (xmpp_node_get_attribute (stanza, "type"), "get") != 0)
    return FALSE;

  mallory->queries++;
  g_free (mallory->node);
  mallory->node = g_strdup (xmpp_node_get_attribute (request, "node"));

  reply = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                           "type", "result",
                           "id", xmpp_node_get_attribute (stanza, "id"),
                           "to", xmpp_node_get_attribute (stanza, "from"),
                           NULL);
  query = xmpp_node_add_child_with_attributes (reply, "query", XMPP_NS_DISCO_INFO,
                                               "node", mallory->node, NULL);
  xmpp_node_add_child_with_attributes (query, "identity", NULL,
                                       "category", "client", "type", "pc",
                                       "name", "Exodus 0.9.1", NULL);
  xmpp_node_add_child_with_attributes (query, "feature", NULL,
                                       "var", "http://jabber.org/protocol/caps", NULL);
  xmpp_node_add_child_with_attributes (query, "feature", NULL,
                                       "var", "http://jabber.org/protocol/disco#info", NULL);
  xmpp_node_add_child_with_attributes (query, "feature", NULL,
                                       "var", "http://jabber.org/protocol/disco#items", NULL);
  xmpp_node_add_child_with_attributes (query, "feature", NULL,
                                       "var", "http://jabber.org/protocol/muc", NULL);
  xmpp_node_add_child_with_attributes (query, "feature", NULL, "var", "urn:xmpp:evil", NULL);
  xmpp_client_send (client, reply);
  return TRUE;
}

static void
mallory_presence (XmppClient *mallory,
                  XmppJid    *to,
                  const char *hash,
                  const char *ver)
{
  g_autoptr(XmppNode) presence = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                                                  "to", xmpp_jid_to_string (to), NULL);

  xmpp_node_add_child_with_attributes (presence, "c", XMPP_NS_CAPS,
                                       "hash", hash, "node", MALLORY_NODE, "ver", ver, NULL);
  xmpp_client_send (mallory, presence);
}

static void
mallory_online_cb (XmppClient *client,
                   gboolean    resumed,
                   gpointer    user_data)
{
  gboolean *online = user_data;

  *online = TRUE;
}

/* XEP-0115 §9.3: an answer that does not hash to the announced ver is
 * never cached, however often the ver is announced, and the liar is asked
 * once.
 */
static void
test_caps_poisoned_answer_not_cached (Fixture       *fixture,
                                      gconstpointer  data)
{
  Peer *bob = &fixture->bob;
  g_autoptr(XmppJid) mallory_account = xmpp_jid_new ("mallory@" NATTER_TEST_DOMAIN, NULL);
  XmppClient *mallory;
  g_autoptr(GError) error = NULL;
  Mallory state = { 0, NULL };
  gboolean mallory_online = FALSE;
  XmppJid *mallory_jid;
  XmppJid *bob_jid;
  gint64 deadline;

  natter_test_server_add_account (fixture->server, "mallory", "secret", &error);
  g_assert_no_error (error);
  peer_start (fixture, bob, "bob", NULL);
  bob_jid = xmpp_client_get_bound_jid (bob->client);
  send_presence (bob, NULL);

  mallory = xmpp_client_new (mallory_account);
  xmpp_client_set_host (mallory, "127.0.0.1",
                        natter_test_server_get_direct_tls_port (fixture->server), TRUE);
  xmpp_client_set_tls_database (mallory, fixture->database);
  xmpp_client_set_password (mallory, "secret");
  xmpp_client_set_auto_reconnect (mallory, FALSE);
  xmpp_client_add_handler (mallory, "iq", "query", XMPP_NS_DISCO_INFO,
                           mallory_disco_cb, &state, NULL);
  g_signal_connect (mallory, "online", G_CALLBACK (mallory_online_cb), &mallory_online);
  xmpp_client_connect (mallory);
  wait_for_flag (&mallory_online, "mallory online");
  mallory_jid = xmpp_client_get_bound_jid (mallory);

  /* Three announcements while the first query is under way. */
  for (guint i = 0; i < 3; i++)
    mallory_presence (mallory, bob_jid, "sha-1", MALLORY_VER);

  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (state.queries == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (state.queries, ==, 1);
  g_assert_cmpstr (state.node, ==, MALLORY_NODE "#" MALLORY_VER);
  spin (500);

  /* Asked once, refused, not cached, and not asked again. */
  mallory_presence (mallory, bob_jid, "sha-1", MALLORY_VER);
  spin (500);
  g_assert_cmpuint (state.queries, ==, 1);
  g_assert_cmpstr (xmpp_caps_get_ver (bob->caps, mallory_jid), ==, MALLORY_VER);
  g_assert_null (xmpp_caps_get_info (bob->caps, mallory_jid));
  g_assert_null (xmpp_caps_lookup (bob->caps, MALLORY_VER));
  g_assert_false (xmpp_caps_has_feature (bob->caps, mallory_jid, "urn:xmpp:evil"));
  g_assert_cmpuint (bob->cached, ==, 0);
  g_assert_false (changed_contains (bob, mallory_jid));

  /* Legacy caps (no hash) and unknown hash functions are not asked about,
   * and replace what the resource announced before.
   */
  mallory_presence (mallory, bob_jid, NULL, "0.9.1");
  spin (300);
  g_assert_null (xmpp_caps_get_ver (bob->caps, mallory_jid));
  mallory_presence (mallory, bob_jid, "md5", "X+YuNd5ocvbjhOZJVQRUbA==");
  spin (300);
  g_assert_null (xmpp_caps_get_ver (bob->caps, mallory_jid));
  g_assert_cmpuint (state.queries, ==, 1);

  xmpp_client_disconnect (mallory);
  spin (50);
  g_assert_finalize_object (mallory);
  g_free (state.node);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/natter/xmpp/disco/server-and-account-features", Fixture, NULL,
              fixture_set_up, test_server_and_account_features, fixture_tear_down);
  g_test_add ("/natter/xmpp/disco/peer-answers-with-our-identity", Fixture, NULL,
              fixture_set_up, test_peer_answers_with_our_identity, fixture_tear_down);
  g_test_add ("/natter/xmpp/caps/verified-from-presence", Fixture, NULL,
              fixture_set_up, test_caps_verified_from_presence, fixture_tear_down);
  g_test_add ("/natter/xmpp/caps/poisoned-answer-not-cached", Fixture, NULL,
              fixture_set_up, test_caps_poisoned_answer_not_cached, fixture_tear_down);

  return g_test_run ();
}
