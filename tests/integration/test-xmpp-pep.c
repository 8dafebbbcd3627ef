/* test-xmpp-pep.c: PEP publish, fetch and notifications against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What OMEMO (XEP-0384 0.3) will do: publish a device list and a bundle
 * with an open access model, have a contact fetch them, and hear of the
 * next device list through +notify; also what Prosody 0.12 does with
 * publish-options on a node configured otherwise.
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-pep-private.h"

#include "natter-test-server.h"

#define HOST NATTER_TEST_DOMAIN
#define AXOLOTL "eu.siacs.conversations.axolotl"
#define DEVICELIST AXOLOTL ".devicelist"
#define BUNDLE AXOLOTL ".bundles:1234"
#define WAIT_S 20

typedef struct
{
  XmppClient   *client;
  XmppDisco    *disco;
  XmppCaps     *caps;
  XmppPresence *presence;
  XmppRoster   *roster;
  XmppPep      *pep;
  gboolean      online;
  GPtrArray    *requests;    /* XmppJid *, from ::subscription-request */
  GPtrArray    *subscribed;  /* XmppJid *, from ::subscribed */
  GPtrArray    *events;      /* char *: "from node id=device,device…" */
} Session;

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
} Fixture;

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @cond holds, failing after WAIT_S seconds; a
 * ticking source lets the loop block instead of spinning. */
#define WAIT_FOR(cond, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC; \
    guint tick_ = g_timeout_add (50, tick_cb, NULL); \
    while (!(cond) && g_get_monotonic_time () < deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (tick_); \
    if (!(cond)) \
      g_error ("timed out waiting for %s", what); \
  } G_STMT_END

static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static XmppJid *
jid (const char *text)
{
  XmppJid *parsed = xmpp_jid_new (text, NULL);

  g_assert_nonnull (parsed);
  return parsed;
}

static gboolean
has_jid (GPtrArray  *jids,
         const char *text)
{
  g_autoptr(XmppJid) wanted = jid (text);

  for (guint i = 0; i < jids->len; i++)
    if (xmpp_jid_equal (g_ptr_array_index (jids, i), wanted))
      return TRUE;
  return FALSE;
}

static gboolean
has_string (GPtrArray  *strings,
            const char *wanted)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_equal (g_ptr_array_index (strings, i), wanted))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------
 * Sessions
 * ------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "alice", "bob", "mallory" };

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      natter_test_server_add_account (fixture->server, names[i], "secret", &error);
      g_assert_no_error (error);
    }
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           Session    *s)
{
  s->online = TRUE;
}

static void
prepare_cb (XmppPresence *presence,
            XmppNode     *stanza,
            Session      *s)
{
  /* As the core does. */
  xmpp_caps_add_to_presence (s->caps, stanza);
}

static void
subscription_request_cb (XmppPresence *presence,
                         XmppJid      *from,
                         const char   *nick,
                         const char   *status,
                         Session      *s)
{
  g_ptr_array_add (s->requests, xmpp_jid_ref (from));
}

static void
subscribed_cb (XmppPresence *presence,
               XmppJid      *from,
               Session      *s)
{
  g_ptr_array_add (s->subscribed, xmpp_jid_ref (from));
}

static void
items_cb (XmppPep    *pep,
          XmppJid    *from,
          const char *node,
          GPtrArray  *items,
          Session    *s)
{
  for (guint i = 0; i < items->len; i++)
    {
      XmppPepItem *item = g_ptr_array_index (items, i);
      g_autoptr(GString) line = g_string_new (NULL);
      guint n;
      XmppNode **devices = xmpp_node_get_children (item->payload, &n);

      g_string_printf (line, "%s %s %s=", xmpp_jid_to_string (from), node, item->id);
      for (guint j = 0; j < n; j++)
        g_string_append_printf (line, "%s%s", j > 0 ? "," : "",
                                xmpp_node_get_attribute (devices[j], "id"));
      g_ptr_array_add (s->events, g_string_free (g_steal_pointer (&line), FALSE));
    }
}

/* A client for @jid_text with the modules OMEMO needs; @notify, if set,
 * is advertised from the start. */
static Session *
session_new (Fixture    *fixture,
             const char *jid_text,
             const char *notify)
{
  g_autoptr(XmppJid) account = jid (jid_text);
  Session *s = g_new0 (Session, 1);

  s->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  s->subscribed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  s->events = g_ptr_array_new_with_free_func (g_free);

  s->client = xmpp_client_new (account);
  xmpp_client_set_host (s->client, "127.0.0.1",
                        natter_test_server_get_direct_tls_port (fixture->server), TRUE);
  xmpp_client_set_tls_database (s->client, fixture->database);
  xmpp_client_set_password (s->client, "secret");
  g_signal_connect (s->client, "online", G_CALLBACK (online_cb), s);

  s->disco = xmpp_disco_new (s->client);
  s->caps = xmpp_caps_new (s->disco);
  s->presence = xmpp_presence_new (s->client);
  /* It asks for the roster, which makes the session "interested" (RFC
   * 6121 §2.1.6): only then does the server route subscription changes
   * to it. */
  s->roster = xmpp_roster_new (s->client);
  s->pep = xmpp_pep_new (s->client);
  g_signal_connect (s->presence, "prepare", G_CALLBACK (prepare_cb), s);
  g_signal_connect (s->presence, "subscription-request", G_CALLBACK (subscription_request_cb), s);
  g_signal_connect (s->presence, "subscribed", G_CALLBACK (subscribed_cb), s);
  g_signal_connect (s->pep, "items", G_CALLBACK (items_cb), s);
  if (notify != NULL)
    g_assert_true (xmpp_pep_subscribe_notify (s->pep, notify));

  xmpp_client_connect (s->client);
  WAIT_FOR (s->online, "online");
  return s;
}

static void
session_free (Session *s)
{
  xmpp_client_disconnect (s->client);
  spin (50);
  g_assert_finalize_object (s->pep);
  g_assert_finalize_object (s->roster);
  g_assert_finalize_object (s->presence);
  g_assert_finalize_object (s->caps);
  g_assert_finalize_object (s->disco);
  g_assert_finalize_object (s->client);
  g_ptr_array_unref (s->requests);
  g_ptr_array_unref (s->subscribed);
  g_ptr_array_unref (s->events);
  g_free (s);
}

/* Subscribed both ways: on Prosody only contacts may read a node with the
 * default access model, and only they receive its notifications. */
static void
make_mutual_contacts (Session    *a,
                      const char *a_bare,
                      Session    *b,
                      const char *b_bare)
{
  g_autoptr(XmppJid) a_jid = jid (a_bare);
  g_autoptr(XmppJid) b_jid = jid (b_bare);

  /* Requests go to available resources only. */
  xmpp_presence_send_own (a->presence);
  xmpp_presence_send_own (b->presence);
  xmpp_presence_subscribe (a->presence, b_jid, NULL, NULL);
  WAIT_FOR (has_jid (b->requests, a_bare), "the first request");
  xmpp_presence_approve (b->presence, a_jid);
  WAIT_FOR (has_jid (a->subscribed, b_bare), "the first approval");

  xmpp_presence_subscribe (b->presence, a_jid, NULL, NULL);
  WAIT_FOR (has_jid (a->requests, b_bare), "the second request");
  xmpp_presence_approve (a->presence, b_jid);
  WAIT_FOR (has_jid (b->subscribed, a_bare), "the second approval");
}

/* ------------------------------------------------------------------------
 * Synchronous wrappers
 * ------------------------------------------------------------------------ */

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static XmppNode *
device_list (const char * const *ids)
{
  XmppNode *list = xmpp_node_new ("list", AXOLOTL);

  for (guint i = 0; ids[i] != NULL; i++)
    xmpp_node_add_child_with_attributes (list, "device", AXOLOTL, "id", ids[i], NULL);
  return list;
}

static XmppNode *
bundle (void)
{
  XmppNode *b = xmpp_node_new ("bundle", AXOLOTL);
  XmppNode *prekeys;

  xmpp_node_add_text_child (b, "signedPreKeyPublic", AXOLOTL, "BQ==");
  xmpp_node_set_attribute (xmpp_node_get_child (b, "signedPreKeyPublic", AXOLOTL),
                           "signedPreKeyId", "1");
  xmpp_node_add_text_child (b, "signedPreKeySignature", AXOLOTL, "c2ln");
  xmpp_node_add_text_child (b, "identityKey", AXOLOTL, "BWlk");
  prekeys = xmpp_node_add_child (b, "prekeys", AXOLOTL);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i);

      xmpp_node_add_text_child (prekeys, "preKeyPublic", AXOLOTL, "BXBr");
      xmpp_node_set_attribute (xmpp_node_get_child_at (prekeys, i - 1), "preKeyId", id);
    }
  return b;
}

static gboolean
publish_full (Session     *s,
              const char  *node,
              const char  *item_id,
              XmppNode    *payload,
              const char  *access_model,
              char       **id,
              GError     **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  xmpp_pep_publish_async (s->pep, node, item_id, payload, access_model, NULL, done_cb, &result);
  WAIT_FOR (result != NULL, "the publish");
  ok = xmpp_pep_publish_finish (s->pep, result, id, error);
  g_object_unref (result);
  return ok;
}

static void
publish (Session    *s,
         const char *node,
         XmppNode   *payload,
         const char *access_model)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (publish_full (s, node, "current", payload, access_model, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "current");
}

static GPtrArray *
fetch_full (Session     *s,
            const char  *owner,
            const char  *node,
            const char  *item_id,
            GError     **error)
{
  g_autoptr(XmppJid) owner_jid = owner != NULL ? jid (owner) : NULL;
  GAsyncResult *result = NULL;
  GPtrArray *items;

  xmpp_pep_fetch_async (s->pep, owner_jid, node, item_id, NULL, done_cb, &result);
  WAIT_FOR (result != NULL, "the fetch");
  items = xmpp_pep_fetch_finish (s->pep, result, error);
  g_object_unref (result);
  return items;
}

static GPtrArray *
fetch (Session    *s,
       const char *owner,
       const char *node,
       const char *item_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = fetch_full (s, owner, node, item_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

/* The device ids in the one item of @items, joined by commas. */
static char *
devices_of (GPtrArray *items)
{
  XmppPepItem *item;
  g_autoptr(GString) ids = g_string_new (NULL);

  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->id, ==, "current");
  g_assert_true (xmpp_node_is (item->payload, "list", AXOLOTL));
  for (guint i = 0; i < xmpp_node_get_n_children (item->payload); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? "," : "",
                            xmpp_node_get_attribute (xmpp_node_get_child_at (item->payload, i),
                                                     "id"));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
command_done (Session  *s,
              gboolean  delete_node,
              const char *node,
              const char *item_id)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  gboolean ok;

  if (delete_node)
    xmpp_pep_delete_node_async (s->pep, node, NULL, done_cb, &result);
  else
    xmpp_pep_retract_async (s->pep, node, item_id, NULL, done_cb, &result);
  WAIT_FOR (result != NULL, "the command");
  ok = delete_node ? xmpp_pep_delete_node_finish (s->pep, result, &error)
                   : xmpp_pep_retract_finish (s->pep, result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_object_unref (result);
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

static void
test_pep_contact_fetches_and_is_notified (Fixture       *fixture,
                                          gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL);
  Session *phone = session_new (fixture, "alice@" HOST "/phone", DEVICELIST);
  Session *bob = session_new (fixture, "bob@" HOST "/desk", NULL);
  const char *first[] = { "1234", NULL };
  const char *second[] = { "1234", "5678", NULL };
  g_autoptr(XmppNode) list = device_list (first);
  g_autoptr(XmppNode) longer = device_list (second);
  g_autoptr(XmppNode) keys = bundle ();
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *devices = NULL;
  XmppPepItem *item;

  make_mutual_contacts (alice, "alice@" HOST, bob, "bob@" HOST);

  /* Alice publishes what OMEMO publishes. */
  publish (alice, DEVICELIST, list, "open");
  publish (alice, BUNDLE, keys, "open");

  /* Bob reads both. */
  items = fetch (bob, "alice@" HOST, DEVICELIST, NULL);
  devices = devices_of (items);
  g_assert_cmpstr (devices, ==, "1234");
  g_clear_pointer (&items, g_ptr_array_unref);
  g_clear_pointer (&devices, g_free);

  items = fetch (bob, "alice@" HOST, BUNDLE, "current");
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->id, ==, "current");
  g_assert_true (xmpp_node_equal (item->payload, keys));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Nodes and items that do not exist are empty, not errors. */
  items = fetch (bob, "alice@" HOST, AXOLOTL ".bundles:99", NULL);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = fetch (alice, NULL, "urn:natter:test:nothing", NULL);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = fetch (bob, "alice@" HOST, DEVICELIST, "no-such-item");
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Bob is online without +notify: nothing comes to him. */
  xmpp_presence_send_own (phone->presence);
  spin (200);
  g_assert_cmpuint (bob->events->len, ==, 0);

  /* Then he asks for notifications: the caps change, so a new presence
   * must tell the server, which sends him the current list at once. */
  g_assert_true (xmpp_pep_subscribe_notify (bob->pep, DEVICELIST));
  g_assert_true (xmpp_presence_get_announced (bob->presence));
  xmpp_presence_send_own (bob->presence);
  WAIT_FOR (has_string (bob->events, "alice@" HOST " " DEVICELIST " current=1234"),
            "the current device list at Bob");

  /* Alice's next list reaches Bob and her other device, from her bare JID. */
  publish (alice, DEVICELIST, longer, "open");
  WAIT_FOR (has_string (bob->events, "alice@" HOST " " DEVICELIST " current=1234,5678"),
            "the new device list at Bob");
  WAIT_FOR (has_string (phone->events, "alice@" HOST " " DEVICELIST " current=1234,5678"),
            "the new device list on Alice's phone");
  /* The laptop never asked. */
  g_assert_cmpuint (alice->events->len, ==, 0);

  /* Mallory cannot speak for Alice: the server stamps his full JID on
   * what he sends, and an event from a full JID is dropped. */
  {
    Session *mallory = session_new (fixture, "mallory@" HOST "/x", NULL);
    g_autoptr(XmppNode) spoof = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                                 "to", "bob@" HOST, "type", "headline", NULL);
    XmppNode *event = xmpp_node_add_child (spoof, "event", XMPP_NS_PUBSUB_EVENT);
    XmppNode *node_items = xmpp_node_add_child_with_attributes (event, "items",
                                                                XMPP_NS_PUBSUB_EVENT,
                                                                "node", DEVICELIST, NULL);
    XmppNode *evil_item = xmpp_node_add_child_with_attributes (node_items, "item",
                                                               XMPP_NS_PUBSUB_EVENT,
                                                               "id", "current", NULL);
    const char *evil[] = { "666", NULL };
    g_autoptr(XmppNode) evil_list = device_list (evil);
    guint before = bob->events->len;

    xmpp_node_append_child (evil_item, evil_list);
    xmpp_client_send (mallory->client, spoof);
    spin (500);
    g_assert_cmpuint (bob->events->len, ==, before);
    session_free (mallory);
  }

  session_free (bob);
  session_free (phone);
  session_free (alice);
}

static void
test_pep_republish_with_other_access_model (Fixture       *fixture,
                                            gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL);
  Session *mallory = session_new (fixture, "mallory@" HOST "/x", NULL);
  const char *ids[] = { "42", NULL };
  g_autoptr(XmppNode) list = device_list (ids);
  g_autoptr(XmppNode) raw = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  g_autoptr(XmppNode) answer = NULL;

  /* Prosody 0.12 says it takes publish-options. */
  WAIT_FOR (xmpp_disco_get_account_info (alice->disco) != NULL, "the account's features");
  g_assert_true (xmpp_disco_account_has_feature (alice->disco, XMPP_NS_PUBSUB_PUBLISH_OPTIONS));

  /* Without an id, the server picks one and says which. */
  {
    g_autofree char *id = NULL;

    g_assert_true (publish_full (alice, "urn:natter:test:anonymous", NULL, list, NULL, &id,
                                 &error));
    g_assert_no_error (error);
    g_assert_nonnull (id);
    items = fetch (alice, NULL, "urn:natter:test:anonymous", id);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpstr (((XmppPepItem *) g_ptr_array_index (items, 0))->id, ==, id);
    g_clear_pointer (&items, g_ptr_array_unref);
  }

  /* Open: anyone may read it, a stranger too. */
  publish (alice, DEVICELIST, list, "open");
  items = fetch (mallory, "alice@" HOST, DEVICELIST, NULL);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Prosody refuses publish-options that do not match the node:
   * <conflict/> with <precondition-not-met/> (XEP-0060 §7.1.5). */
  raw = xmpp_pep_build_publish (DEVICELIST, "current", list, "presence");
  xmpp_client_iq_async (alice->client, raw, NULL, done_cb, &result);
  WAIT_FOR (result != NULL, "the raw publish");
  answer = xmpp_client_iq_finish (alice->client, result, &error);
  g_clear_object (&result);
  g_assert_null (answer);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_true (g_str_has_prefix (error->message, "conflict"));
  g_clear_error (&error);

  /* The module reconfigures the node and publishes again. */
  publish (alice, DEVICELIST, list, "presence");
  items = fetch_full (mallory, "alice@" HOST, DEVICELIST, NULL, &error);
  g_assert_null (items);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_test_message ("a stranger reading a presence node: %s", error->message);
  g_clear_error (&error);
  items = fetch (alice, NULL, DEVICELIST, NULL);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* And back. */
  publish (alice, DEVICELIST, list, "open");
  items = fetch (mallory, "alice@" HOST, DEVICELIST, NULL);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Prosody's PEP knows only presence, whitelist and open. */
  g_assert_false (publish_full (alice, "urn:natter:test:roster", NULL, list, "roster", NULL,
                                &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_test_message ("publishing with access model roster: %s", error->message);
  g_clear_error (&error);

  /* Retracted, the item is gone; deleted, the node; twice is fine. */
  command_done (alice, FALSE, DEVICELIST, "current");
  items = fetch (alice, NULL, DEVICELIST, NULL);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  command_done (alice, TRUE, DEVICELIST, NULL);
  command_done (alice, TRUE, DEVICELIST, NULL);
  items = fetch (alice, NULL, DEVICELIST, NULL);
  g_assert_cmpuint (items->len, ==, 0);

  session_free (mallory);
  session_free (alice);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/natter/xmpp/pep/contact-fetches-and-is-notified", Fixture, NULL,
              fixture_set_up, test_pep_contact_fetches_and_is_notified, fixture_tear_down);
  g_test_add ("/natter/xmpp/pep/republish-with-other-access-model", Fixture, NULL,
              fixture_set_up, test_pep_republish_with_other_access_model, fixture_tear_down);

  return g_test_run ();
}
