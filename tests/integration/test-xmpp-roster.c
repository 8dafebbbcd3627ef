/* test-xmpp-roster.c: roster, presence and subscriptions against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each session is a client with its roster and presence modules, set up
 * as the core layer will: the initial presence goes out once the roster
 * has loaded (RFC 6121 §2.2).
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-test-server.h"

#define WAIT_S 20
#define HOST NATTER_TEST_DOMAIN

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
  guint             tick;
} Fixture;

typedef struct
{
  XmppClient   *client;
  XmppRoster   *roster;
  XmppPresence *presence;
  gboolean      online;
  guint         loaded_full;
  guint         loaded_unchanged;
  GPtrArray    *changed;        /* XmppRosterItem * */
  GPtrArray    *removed;        /* XmppJid * */
  GPtrArray    *requests;       /* XmppJid *, from ::subscription-request */
  GPtrArray    *subscribed;     /* XmppJid *, from ::subscribed */
  GPtrArray    *resources;      /* XmppPresenceResource *, from ::resource-changed */
  guint         resources_removed;
} Session;

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const names[] = { "alice", "bob", "carol", "dave" };
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      natter_test_server_add_account (fixture->server, names[i], "secret", &error);
      g_assert_no_error (error);
    }
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  /* Wakes the loop up regularly, so waits notice their deadline. */
  fixture->tick = g_timeout_add (50, tick_cb, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_handle_id (&fixture->tick, g_source_remove);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

#define WAIT_FOR(condition, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC; \
    while (!(condition) && g_get_monotonic_time () < deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!(condition)) \
      g_error ("timed out waiting for %s", what); \
  } G_STMT_END

static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static XmppJid *
jid (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppJid *result = xmpp_jid_new (text, &error);

  g_assert_no_error (error);
  return result;
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           Session    *s)
{
  s->online = TRUE;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 Session      *s)
{
  s->online = FALSE;
}

static void
loaded_cb (XmppRoster *roster,
           gboolean    full,
           Session    *s)
{
  if (full)
    s->loaded_full++;
  else
    s->loaded_unchanged++;

  /* What the core does: available once the roster is in. */
  if (!xmpp_presence_get_announced (s->presence))
    xmpp_presence_send_own (s->presence);
}

static void
item_changed_cb (XmppRoster     *roster,
                 XmppRosterItem *item,
                 Session        *s)
{
  g_ptr_array_add (s->changed, xmpp_roster_item_ref (item));
}

static void
item_removed_cb (XmppRoster *roster,
                 XmppJid    *removed,
                 Session    *s)
{
  g_ptr_array_add (s->removed, xmpp_jid_ref (removed));
  /* As the core does: Prosody sends no unavailable presence after a
   * removal (see xmpp_presence_forget()). */
  xmpp_presence_forget (s->presence, removed);
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
resource_changed_cb (XmppPresence         *presence,
                     XmppJid              *full,
                     XmppPresenceResource *resource,
                     Session              *s)
{
  g_ptr_array_add (s->resources, xmpp_presence_resource_ref (resource));
}

static void
resource_removed_cb (XmppPresence *presence,
                     XmppJid      *full,
                     Session      *s)
{
  s->resources_removed++;
}

/* A client for @jid_text with its modules, online and with its roster
 * loaded; @cached_items restores a roster first, as the store will. */
static Session *
session_new (Fixture    *fixture,
             const char *jid_text,
             const char *cached_version,
             GPtrArray  *cached_items)
{
  g_autoptr(XmppJid) account = jid (jid_text);
  Session *s = g_new0 (Session, 1);

  s->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_roster_item_unref);
  s->removed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  s->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  s->subscribed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  s->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_presence_resource_unref);

  s->client = xmpp_client_new (account);
  xmpp_client_set_host (s->client, "127.0.0.1",
                        natter_test_server_get_direct_tls_port (fixture->server), TRUE);
  xmpp_client_set_tls_database (s->client, fixture->database);
  xmpp_client_set_password (s->client, "secret");
  g_signal_connect (s->client, "online", G_CALLBACK (online_cb), s);
  g_signal_connect (s->client, "disconnected", G_CALLBACK (disconnected_cb), s);

  s->roster = xmpp_roster_new (s->client);
  s->presence = xmpp_presence_new (s->client);
  if (cached_items != NULL)
    xmpp_roster_set_cached (s->roster, cached_version, cached_items);
  g_signal_connect (s->roster, "loaded", G_CALLBACK (loaded_cb), s);
  g_signal_connect (s->roster, "item-changed", G_CALLBACK (item_changed_cb), s);
  g_signal_connect (s->roster, "item-removed", G_CALLBACK (item_removed_cb), s);
  g_signal_connect (s->presence, "subscription-request", G_CALLBACK (subscription_request_cb), s);
  g_signal_connect (s->presence, "subscribed", G_CALLBACK (subscribed_cb), s);
  g_signal_connect (s->presence, "resource-changed", G_CALLBACK (resource_changed_cb), s);
  g_signal_connect (s->presence, "resource-removed", G_CALLBACK (resource_removed_cb), s);

  xmpp_client_connect (s->client);
  WAIT_FOR (s->online, "online");
  WAIT_FOR (s->loaded_full + s->loaded_unchanged > 0, "the roster");
  return s;
}

static void
session_free (Session *s)
{
  xmpp_client_disconnect (s->client);
  spin (50);
  g_assert_finalize_object (s->roster);
  g_assert_finalize_object (s->presence);
  g_assert_finalize_object (s->client);
  g_ptr_array_unref (s->changed);
  g_ptr_array_unref (s->removed);
  g_ptr_array_unref (s->requests);
  g_ptr_array_unref (s->subscribed);
  g_ptr_array_unref (s->resources);
  g_free (s);
}

/* The subscription of @contact in @s's roster; -1 if it is not there. */
static int
subscription_of (Session    *s,
                 const char *contact)
{
  g_autoptr(XmppJid) contact_jid = jid (contact);
  XmppRosterItem *item = xmpp_roster_lookup (s->roster, contact_jid);

  return item != NULL ? (int) xmpp_roster_item_get_subscription (item) : -1;
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

static const char *
best_resource_of (Session    *s,
                  const char *contact)
{
  g_autoptr(XmppJid) contact_jid = jid (contact);
  XmppPresenceResource *best = xmpp_presence_get_best_resource (s->presence, contact_jid);

  return best != NULL ? xmpp_jid_get_resourcepart (xmpp_presence_resource_get_jid (best)) : NULL;
}

static guint
own_device_count (Session *s)
{
  g_autoptr(GPtrArray) own = xmpp_presence_dup_own_resources (s->presence);

  return own->len;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
set_item_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = xmpp_roster_set_item_finish (XMPP_ROSTER (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
remove_item_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = xmpp_roster_remove_item_finish (XMPP_ROSTER (object), result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
item_is (Session            *s,
         XmppJid            *contact,
         const char         *name,
         const char * const *groups)
{
  XmppRosterItem *item = xmpp_roster_lookup (s->roster, contact);
  g_autoptr(XmppRosterItem) wanted = NULL;

  if (item == NULL)
    return FALSE;
  wanted = xmpp_roster_item_new (contact, name, xmpp_roster_item_get_subscription (item),
                                 xmpp_roster_item_get_ask (item),
                                 xmpp_roster_item_get_approved (item), groups);
  return xmpp_roster_item_equal (item, wanted);
}

/* Sets an item and waits for the server's push, which Prosody sends
 * after its answer. */
static void
set_item (Session            *s,
          const char         *contact,
          const char         *name,
          const char * const *groups)
{
  g_autoptr(XmppJid) contact_jid = jid (contact);
  Outcome outcome = { 0, };

  xmpp_roster_set_item_async (s->roster, contact_jid, name, groups, NULL, set_item_cb, &outcome);
  WAIT_FOR (outcome.done, "the roster set");
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  WAIT_FOR (item_is (s, contact_jid, name, groups), "the roster push");
}

static void
remove_item (Session    *s,
             const char *contact)
{
  g_autoptr(XmppJid) contact_jid = jid (contact);
  Outcome outcome = { 0, };

  xmpp_roster_remove_item_async (s->roster, contact_jid, NULL, remove_item_cb, &outcome);
  WAIT_FOR (outcome.done, "the roster removal");
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  WAIT_FOR (xmpp_roster_lookup (s->roster, contact_jid) == NULL, "the roster push");
}

/* Alice and Bob become mutual contacts through the whole RFC 6121 §3.1
 * handshake, each side acting on what its modules signal. */
static void
make_mutual_contacts (Session *alice,
                      Session *bob)
{
  g_autoptr(XmppJid) alice_jid = jid ("alice@" HOST);
  g_autoptr(XmppJid) bob_jid = jid ("bob@" HOST);
  const char *friends[] = { "Friends", NULL };
  XmppRosterItem *item;

  set_item (alice, "bob@" HOST, "Bob", friends);
  item = xmpp_roster_lookup (alice->roster, bob_jid);
  g_assert_nonnull (item);
  g_assert_cmpstr (xmpp_roster_item_get_name (item), ==, "Bob");
  g_assert_true (xmpp_roster_item_has_group (item, "Friends"));
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);

  xmpp_presence_subscribe (alice->presence, bob_jid, "Alice", "Let me see you");
  WAIT_FOR (has_jid (bob->requests, "alice@" HOST), "Alice's request at Bob");
  WAIT_FOR (xmpp_roster_lookup (alice->roster, bob_jid) != NULL &&
            xmpp_roster_item_get_ask (xmpp_roster_lookup (alice->roster, bob_jid)),
            "ask='subscribe' at Alice");

  xmpp_presence_approve (bob->presence, alice_jid);
  WAIT_FOR (has_jid (alice->subscribed, "bob@" HOST), "Bob's approval at Alice");
  WAIT_FOR (subscription_of (alice, "bob@" HOST) == XMPP_ROSTER_SUBSCRIPTION_TO, "subscription to");
  WAIT_FOR (subscription_of (bob, "alice@" HOST) == XMPP_ROSTER_SUBSCRIPTION_FROM,
            "subscription from");

  xmpp_presence_subscribe (bob->presence, alice_jid, NULL, NULL);
  WAIT_FOR (has_jid (alice->requests, "bob@" HOST), "Bob's request at Alice");
  xmpp_presence_approve (alice->presence, bob_jid);
  WAIT_FOR (subscription_of (alice, "bob@" HOST) == XMPP_ROSTER_SUBSCRIPTION_BOTH,
            "subscription both at Alice");
  WAIT_FOR (subscription_of (bob, "alice@" HOST) == XMPP_ROSTER_SUBSCRIPTION_BOTH,
            "subscription both at Bob");
  g_assert_false (xmpp_roster_item_get_ask (xmpp_roster_lookup (alice->roster, bob_jid)));
  /* The name and group survived the handshake. */
  item = xmpp_roster_lookup (alice->roster, bob_jid);
  g_assert_cmpstr (xmpp_roster_item_get_name (item), ==, "Bob");
}

static void
test_subscription_handshake (Fixture       *fixture,
                             gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL, NULL);
  Session *bob = session_new (fixture, "bob@" HOST "/laptop", NULL, NULL);

  /* Fresh accounts: a full, empty roster, and a version to keep. */
  g_assert_cmpuint (alice->loaded_full, ==, 1);
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (alice->roster)), ==, 0);
  g_assert_nonnull (xmpp_roster_get_version (alice->roster));

  make_mutual_contacts (alice, bob);

  /* Each sees the other online once subscribed. */
  WAIT_FOR (best_resource_of (alice, "bob@" HOST) != NULL, "Bob's presence at Alice");
  WAIT_FOR (best_resource_of (bob, "alice@" HOST) != NULL, "Alice's presence at Bob");
  g_assert_cmpstr (best_resource_of (alice, "bob@" HOST), ==, "laptop");

  session_free (bob);
  session_free (alice);
}

static void
test_presence_and_best_resource (Fixture       *fixture,
                                 gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL, NULL);
  Session *bob = session_new (fixture, "bob@" HOST "/laptop", NULL, NULL);
  Session *bob_phone = NULL;
  g_autoptr(XmppJid) bob_laptop = jid ("bob@" HOST "/laptop");
  g_autoptr(GPtrArray) own = NULL;
  XmppPresenceResource *resource;

  make_mutual_contacts (alice, bob);
  WAIT_FOR (best_resource_of (alice, "bob@" HOST) != NULL, "Bob's presence at Alice");

  /* Bob's change of presence reaches Alice with its fields. */
  xmpp_presence_set_own (bob->presence, XMPP_PRESENCE_SHOW_AWAY, "In the garden", 5);
  WAIT_FOR ((resource = xmpp_presence_lookup_resource (alice->presence, bob_laptop)) != NULL &&
            xmpp_presence_resource_get_show (resource) == XMPP_PRESENCE_SHOW_AWAY,
            "Bob away at Alice");
  g_assert_cmpstr (xmpp_presence_resource_get_status (resource), ==, "In the garden");
  g_assert_cmpint (xmpp_presence_resource_get_priority (resource), ==, 5);

  /* A second resource of Bob, with a higher priority, becomes the best
   * one although it is busy. */
  bob_phone = session_new (fixture, "bob@" HOST "/phone", NULL, NULL);
  xmpp_presence_set_own (bob_phone->presence, XMPP_PRESENCE_SHOW_DND, "Driving", 10);
  WAIT_FOR (g_strcmp0 (best_resource_of (alice, "bob@" HOST), "phone") == 0 &&
            xmpp_presence_resource_get_priority (
              xmpp_presence_get_best_resource (alice->presence, bob_laptop)) == 10,
            "Bob's phone as the best resource");
  g_assert_cmpint (xmpp_presence_resource_get_show (
                     xmpp_presence_get_best_resource (alice->presence, bob_laptop)),
                   ==, XMPP_PRESENCE_SHOW_DND);

  /* Bob's laptop knows his phone: our own devices are tracked. */
  WAIT_FOR (own_device_count (bob) == 1, "Bob's phone among his own devices");
  own = xmpp_presence_dup_own_resources (bob->presence);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (
                     xmpp_presence_resource_get_jid (g_ptr_array_index (own, 0))), ==, "phone");

  /* The phone goes offline: the laptop is the best again. */
  xmpp_presence_send_unavailable (bob_phone->presence, "Out of battery");
  WAIT_FOR (g_strcmp0 (best_resource_of (alice, "bob@" HOST), "laptop") == 0,
            "Bob's laptop as the best resource again");

  /* A session that ends for good forgets the presence it knew. */
  xmpp_client_disconnect (alice->client);
  g_assert_null (best_resource_of (alice, "bob@" HOST));

  session_free (bob_phone);
  session_free (bob);
  session_free (alice);
}

static void
test_rename_and_remove (Fixture       *fixture,
                        gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL, NULL);
  Session *bob = session_new (fixture, "bob@" HOST "/laptop", NULL, NULL);
  g_autoptr(XmppJid) bob_jid = jid ("bob@" HOST);
  const char *work[] = { "Work", "Chess", NULL };
  XmppRosterItem *item;
  guint changes;

  make_mutual_contacts (alice, bob);
  WAIT_FOR (best_resource_of (alice, "bob@" HOST) != NULL, "Bob's presence at Alice");

  changes = alice->changed->len;
  set_item (alice, "bob@" HOST, "Robert", work);
  g_assert_cmpuint (alice->changed->len, ==, changes + 1);
  item = xmpp_roster_lookup (alice->roster, bob_jid);
  g_assert_cmpstr (xmpp_roster_item_get_name (item), ==, "Robert");
  g_assert_true (xmpp_roster_item_has_group (item, "Work"));
  g_assert_true (xmpp_roster_item_has_group (item, "Chess"));
  g_assert_false (xmpp_roster_item_has_group (item, "Friends"));
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_BOTH);

  remove_item (alice, "bob@" HOST);
  g_assert_true (has_jid (alice->removed, "bob@" HOST));
  g_assert_null (xmpp_roster_lookup (alice->roster, bob_jid));

  /* Removal ends both subscriptions (RFC 6121 §2.5.2): Bob goes offline
   * for Alice, and Bob's item of Alice is left with none. */
  WAIT_FOR (best_resource_of (alice, "bob@" HOST) == NULL, "Bob offline at Alice");
  WAIT_FOR (subscription_of (bob, "alice@" HOST) == XMPP_ROSTER_SUBSCRIPTION_NONE ||
            subscription_of (bob, "alice@" HOST) == -1,
            "no subscription left at Bob");

  session_free (bob);
  session_free (alice);
}

static GPtrArray *
items_of (Session *s)
{
  return xmpp_roster_dup_items (s->roster);
}

/* RFC 6121 §2.6: with the version of a cached roster, the server sends
 * nothing when nothing changed, and after changes only what differs
 * reaches the listeners. */
static void
test_roster_versioning (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *friends[] = { "Friends", NULL };
  g_autoptr(GPtrArray) cached = NULL;
  g_autoptr(GPtrArray) final = NULL;
  g_autofree char *version = NULL;
  XmppRosterItem *changed;
  Session *alice;
  Session *other;

  alice = session_new (fixture, "alice@" HOST "/laptop", NULL, NULL);
  set_item (alice, "bob@" HOST, "Bob", friends);
  set_item (alice, "carol@" HOST, "Carol", NULL);
  cached = items_of (alice);
  version = g_strdup (xmpp_roster_get_version (alice->roster));
  g_assert_nonnull (version);
  g_assert_cmpuint (cached->len, ==, 2);
  session_free (alice);

  /* Nothing changed: an empty result, no item signals at all. */
  alice = session_new (fixture, "alice@" HOST "/laptop", version, cached);
  g_assert_cmpuint (alice->loaded_unchanged, ==, 1);
  g_assert_cmpuint (alice->loaded_full, ==, 0);
  spin (300);
  g_assert_cmpuint (alice->changed->len, ==, 0);
  g_assert_cmpuint (alice->removed->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (xmpp_roster_get_items (alice->roster)), ==, 2);
  g_assert_cmpstr (xmpp_roster_get_version (alice->roster), ==, version);
  session_free (alice);

  /* Another device changes the roster while this one is away. */
  other = session_new (fixture, "alice@" HOST "/desktop", NULL, NULL);
  remove_item (other, "carol@" HOST);
  set_item (other, "dave@" HOST, "Dave", NULL);
  session_free (other);

  /* Back with the old version: only the differences are signalled,
   * whether the server sends pushes or (as Prosody does) the whole
   * roster. */
  alice = session_new (fixture, "alice@" HOST "/laptop", version, cached);
  spin (300);
  g_assert_cmpuint (alice->changed->len, ==, 1);
  changed = g_ptr_array_index (alice->changed, 0);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_roster_item_get_jid (changed)), ==, "dave@" HOST);
  g_assert_cmpuint (alice->removed->len, ==, 1);
  g_assert_true (has_jid (alice->removed, "carol@" HOST));
  g_assert_cmpstr (xmpp_roster_get_version (alice->roster), !=, version);
  final = items_of (alice);
  g_assert_cmpuint (final->len, ==, 2);
  g_assert_cmpint (subscription_of (alice, "bob@" HOST), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
  g_assert_cmpint (subscription_of (alice, "dave@" HOST), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
  session_free (alice);
}

typedef struct
{
  gboolean  done;
  XmppNode *reply;
  GError   *error;
} IqOutcome;

static void
iq_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  IqOutcome *outcome = user_data;

  outcome->reply = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &outcome->error);
  outcome->done = TRUE;
}

/* Bob, a contact, sends Alice's device a roster push of his own making. */
static void
spoof_push (Session    *bob,
            Session    *alice,
            const char *item_jid,
            const char *subscription)
{
  g_autoptr(XmppNode) iq = NULL;
  XmppNode *query;
  IqOutcome outcome = { 0, };

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        "type", "set",
                        "to", xmpp_jid_to_string (xmpp_client_get_bound_jid (alice->client)),
                        NULL);
  query = xmpp_node_add_child_with_attributes (iq, "query", XMPP_NS_ROSTER, "ver", "999", NULL);
  xmpp_node_add_child_with_attributes (query, "item", NULL,
                                       "jid", item_jid,
                                       "name", "Trust me",
                                       "subscription", subscription,
                                       NULL);
  xmpp_client_iq_async (bob->client, iq, NULL, iq_cb, &outcome);
  WAIT_FOR (outcome.done, "Alice's answer to the spoofed push");

  /* Alice refused it, in so many words (SECURITY.md #6). */
  g_assert_null (outcome.reply);
  g_assert_error (outcome.error, XMPP_ERROR, XMPP_ERROR_STANZA);
  g_assert_true (g_str_has_prefix (outcome.error->message, "service-unavailable"));
  g_clear_error (&outcome.error);
}

/* CVE-2015-8688 (Gajim < 0.16.5, mcabber <= 1.0.3) and CVE-2019-16236
 * (Dino): a contact could rewrite the roster with a push of its own. */
static void
test_cve_2015_8688_spoofed_push_ignored (Fixture       *fixture,
                                         gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL, NULL);
  Session *bob = session_new (fixture, "bob@" HOST "/laptop", NULL, NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *version = NULL;
  guint changes;
  guint removals;

  /* Contacts, so that nothing between them is filtered for strangers. */
  make_mutual_contacts (alice, bob);
  set_item (alice, "carol@" HOST, "Carol", NULL);
  before = items_of (alice);
  version = g_strdup (xmpp_roster_get_version (alice->roster));
  changes = alice->changed->len;
  removals = alice->removed->len;

  spoof_push (bob, alice, "mallory@evil.example", "both");
  spoof_push (bob, alice, "bob@" HOST, "remove");
  spoof_push (bob, alice, "carol@" HOST, "remove");
  spoof_push (bob, alice, "bob@" HOST, "none");

  spin (200);
  after = items_of (alice);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    {
      XmppRosterItem *old = g_ptr_array_index (before, i);
      XmppRosterItem *now = xmpp_roster_lookup (alice->roster, xmpp_roster_item_get_jid (old));

      g_assert_nonnull (now);
      g_assert_true (xmpp_roster_item_equal (old, now));
    }
  g_assert_cmpuint (alice->changed->len, ==, changes);
  g_assert_cmpuint (alice->removed->len, ==, removals);
  g_assert_cmpstr (xmpp_roster_get_version (alice->roster), ==, version);
  g_assert_cmpint (subscription_of (alice, "bob@" HOST), ==, XMPP_ROSTER_SUBSCRIPTION_BOTH);
  g_assert_cmpint (subscription_of (alice, "mallory@evil.example"), ==, -1);

  session_free (bob);
  session_free (alice);
}

/* RFC 6121 §3.4: a pre-approved contact's request is answered by the
 * server, without asking the user. */
static void
test_preapproval (Fixture       *fixture,
                  gconstpointer  data)
{
  Session *alice = session_new (fixture, "alice@" HOST "/laptop", NULL, NULL);
  Session *carol = session_new (fixture, "carol@" HOST "/laptop", NULL, NULL);
  g_autoptr(XmppJid) alice_jid = jid ("alice@" HOST);
  g_autoptr(XmppJid) carol_jid = jid ("carol@" HOST);
  g_autoptr(GError) error = NULL;

  /* Prosody announces <sub xmlns='urn:xmpp:features:pre-approval'/>. */
  g_assert_true (xmpp_presence_can_preapprove (alice->presence));
  g_assert_true (xmpp_presence_preapprove (alice->presence, carol_jid, &error));
  g_assert_no_error (error);
  WAIT_FOR (subscription_of (alice, "carol@" HOST) != -1, "Carol's pre-approved item");

  xmpp_presence_subscribe (carol->presence, alice_jid, NULL, NULL);
  WAIT_FOR (has_jid (carol->subscribed, "alice@" HOST), "the server's approval at Carol");
  WAIT_FOR (subscription_of (alice, "carol@" HOST) == XMPP_ROSTER_SUBSCRIPTION_FROM,
            "subscription from at Alice");
  /* Alice was never asked. */
  g_assert_false (has_jid (alice->requests, "carol@" HOST));

  session_free (carol);
  session_free (alice);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/natter/xmpp/roster/prosody/subscription-handshake", Fixture, NULL,
              fixture_set_up, test_subscription_handshake, fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/prosody/presence-and-best-resource", Fixture, NULL,
              fixture_set_up, test_presence_and_best_resource, fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/prosody/rename-and-remove", Fixture, NULL,
              fixture_set_up, test_rename_and_remove, fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/prosody/versioning", Fixture, NULL,
              fixture_set_up, test_roster_versioning, fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/prosody/cve-2015-8688-spoofed-push-ignored", Fixture, NULL,
              fixture_set_up, test_cve_2015_8688_spoofed_push_ignored, fixture_tear_down);
  g_test_add ("/natter/xmpp/roster/prosody/preapproval", Fixture, NULL,
              fixture_set_up, test_preapproval, fixture_tear_down);

  return g_test_run ();
}
