/* test-core-roster.c: NatterRoster and NatterContact, driven through the engine's modules
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Roster pushes, results and presence are fed to the account's engine
 * modules as the server would send them; the list model is checked
 * against a shadow copy at every ::items-changed, and the store against
 * what the pushes said.
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp-presence-private.h"
#include "xmpp/xmpp-roster-private.h"
#include "xmpp/xmpp.h"

#include "test-core-helpers.h"

#define OWN "me@example.org"

typedef struct
{
  NatterStore   *store;
  NatterAccount *account;
  NatterRoster  *roster;
  ModelChecker  *checker;
  gint64         id;
} Fixture;

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
add_cached_roster (NatterStore *store,
                   gint64       id)
{
  const char *names[][2] = {
    { "zed@example.org", NULL },
    { "anna@example.org", "Anna" },
    { "bob@example.net", "bob" },
    { "carl@example.org", "Émile" },
    { "dora@example.org", "Bob" },
  };
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;

  contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_contact_unref);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      NatterStoreContact *contact = natter_store_contact_new ();

      contact->jid = g_strdup (names[i][0]);
      contact->name = g_strdup (names[i][1]);
      contact->subscription = NATTER_STORE_SUBSCRIPTION_BOTH;
      g_ptr_array_add (contacts, contact);
    }
  natter_store_replace_roster (store, id, "5", contacts, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(NatterStoreAccount) record = natter_store_account_new ();
  g_autoptr(GError) error = NULL;

  fixture->store = natter_store_open (NULL, &error);
  g_assert_no_error (error);
  record->jid = g_strdup (OWN);
  record->resource = g_strdup ("desk");
  record->enabled = FALSE;
  natter_store_add_account (fixture->store, record, &error);
  g_assert_no_error (error);
  fixture->id = record->id;
  if (GPOINTER_TO_INT (data))
    add_cached_roster (fixture->store, fixture->id);

  fixture->account = natter_account_new (fixture->store, record, &error);
  g_assert_no_error (error);
  fixture->roster = natter_account_get_roster (fixture->account);
  fixture->checker = model_checker_new (G_LIST_MODEL (fixture->roster));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (fixture->roster), (gpointer *) &fixture->roster);
  model_checker_free (fixture->checker);
  g_assert_finalize_object (fixture->account);
  g_assert_null (fixture->roster);
  g_assert_finalize_object (fixture->store);
}

/* A roster push from our own server (RFC 6121 §2.1.6). */
static void
push (Fixture            *fixture,
      const char         *jid,
      const char         *name,
      const char         *subscription,
      gboolean            ask,
      const char * const *groups,
      const char         *version)
{
  g_autoptr(XmppNode) iq = NULL;
  XmppNode *query;
  XmppNode *item;

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", "id", "push", NULL);
  query = xmpp_node_add_child (iq, "query", XMPP_NS_ROSTER);
  if (version != NULL)
    xmpp_node_set_attribute (query, "ver", version);
  item = xmpp_node_add_child_with_attributes (query, "item", NULL,
                                              "jid", jid,
                                              "subscription", subscription,
                                              NULL);
  if (name != NULL)
    xmpp_node_set_attribute (item, "name", name);
  if (ask)
    xmpp_node_set_attribute (item, "ask", "subscribe");
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    xmpp_node_add_text_child (item, "group", NULL, groups[i]);
  g_assert_true (xmpp_roster_handle_iq (natter_account_get_xmpp_roster (fixture->account), iq));
}

static void
presence (Fixture    *fixture,
          const char *from,
          const char *type,
          const char *show,
          const char *status,
          const char *priority)
{
  g_autoptr(XmppNode) stanza = xmpp_node_build ("presence", XMPP_NS_CLIENT, "from", from, NULL);

  if (type != NULL)
    xmpp_node_set_attribute (stanza, "type", type);
  if (show != NULL)
    xmpp_node_add_text_child (stanza, "show", NULL, show);
  if (status != NULL)
    xmpp_node_add_text_child (stanza, "status", NULL, status);
  if (priority != NULL)
    xmpp_node_add_text_child (stanza, "priority", NULL, priority);
  g_assert_true (xmpp_presence_handle_stanza (natter_account_get_xmpp_presence (fixture->account),
                                              stanza));
}

static NatterContact *
contact_at (Fixture *fixture,
            guint    position)
{
  return g_ptr_array_index (fixture->checker->shadow, position);
}

/* Lowercase, without accents: "Émile" -> "emile". */
static char *
strip_marks (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);
  g_autofree char *decomposed = g_utf8_normalize (lower, -1, G_NORMALIZE_ALL);
  GString *result = g_string_new (NULL);

  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_combining_class (g_utf8_get_char (p)) == 0)
        g_string_append_unichar (result, g_utf8_get_char (p));
    }
  return g_string_free (result, FALSE);
}

/* Sorted by name as people read it (case and accents aside), then JID. */
static void
assert_sorted (Fixture *fixture)
{
  for (guint i = 1; i < fixture->checker->shadow->len; i++)
    {
      NatterContact *a = contact_at (fixture, i - 1);
      NatterContact *b = contact_at (fixture, i);
      g_autofree char *fa = strip_marks (natter_contact_get_name (a));
      g_autofree char *fb = strip_marks (natter_contact_get_name (b));
      int order = g_utf8_collate (fa, fb);

      if (order == 0)
        order = strcmp (natter_contact_get_jid (a), natter_contact_get_jid (b));
      if (order >= 0)
        g_error ("%s (%s) sorts before %s (%s)",
                 natter_contact_get_name (a), natter_contact_get_jid (a),
                 natter_contact_get_name (b), natter_contact_get_jid (b));
    }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_cached_roster_shown_at_once (Fixture       *fixture,
                                  gconstpointer  data)
{
  const char *expected[] = { "Anna", "bob", "Bob", "Émile", "zed" };
  NatterContact *contact;

  /* Before any connection: the cache, sorted. */
  g_assert_cmpint (natter_account_get_state (fixture->account), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  g_assert_cmpuint (fixture->checker->shadow->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (natter_contact_get_name (contact_at (fixture, i)), ==, expected[i]);
  assert_sorted (fixture);

  contact = natter_roster_lookup (fixture->roster, "zed@example.org/phone");
  g_assert_nonnull (contact);
  g_assert_cmpstr (natter_contact_get_jid (contact), ==, "zed@example.org");
  g_assert_null (natter_contact_get_roster_name (contact));
  g_assert_true (natter_contact_get_account (contact) == fixture->account);
  g_assert_true (natter_contact_get_in_roster (contact));
  g_assert_cmpint (natter_contact_get_subscription (contact), ==, NATTER_SUBSCRIPTION_BOTH);
  g_assert_cmpint (natter_contact_get_show (contact), ==, NATTER_PRESENCE_SHOW_OFFLINE);
  g_assert_false (natter_contact_get_online (contact));
  g_assert_null (natter_roster_lookup (fixture->roster, "nobody@example.org"));
  g_assert_null (natter_roster_lookup (fixture->roster, "not a jid@"));
  g_assert_cmpstr (xmpp_roster_get_version (natter_account_get_xmpp_roster (fixture->account)),
                   ==, "5");
}

/* Random pushes over a small set of JIDs and names: every change is one
 * accurate ::items-changed (the checker), the order holds, and the
 * contact objects stay the same while they are in the list. */
static void
test_random_pushes_keep_the_model_exact (Fixture       *fixture,
                                         gconstpointer  data)
{
  const char *names[] = { NULL, "Anna", "anna", "Bob", "Émile", "emile", "Zoë", "ärger", "Ω" };
  const char *subscriptions[] = { "none", "to", "from", "both" };
  const char *groups[] = { "Friends", NULL };
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *stored_version = NULL;
  g_autoptr(GError) error = NULL;
  char version[16];
  guint i;

  for (i = 0; i < 600; i++)
    {
      g_autofree char *jid = g_strdup_printf ("c%02d@example.org", g_rand_int_range (rand, 0, 24));
      gboolean present = g_hash_table_contains (expected, jid);
      guint before = fixture->checker->n_signals;

      g_snprintf (version, sizeof version, "%u", i + 1);
      if (present && g_rand_int_range (rand, 0, 4) == 0)
        {
          push (fixture, jid, NULL, "remove", FALSE, NULL, version);
          g_hash_table_remove (expected, jid);
          g_hash_table_remove (objects, jid);
          g_assert_cmpuint (fixture->checker->n_signals, ==, before + 1);
        }
      else
        {
          const char *name = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
          NatterContact *contact;

          push (fixture, jid, name, subscriptions[g_rand_int_range (rand, 0, 4)],
                g_rand_boolean (rand), g_rand_boolean (rand) ? groups : NULL, version);
          g_hash_table_replace (expected, g_strdup (jid), (gpointer) name);
          contact = natter_roster_lookup (fixture->roster, jid);
          g_assert_nonnull (contact);
          if (present)
            {
              /* The same object, changed in place: at most one move. */
              g_assert_true (g_hash_table_lookup (objects, jid) == contact);
              g_assert_cmpuint (fixture->checker->n_signals, <=, before + 1);
            }
          else
            {
              g_hash_table_insert (objects, g_strdup (jid), contact);
              g_assert_cmpuint (fixture->checker->n_signals, ==, before + 1);
            }
          g_assert_cmpstr (natter_contact_get_roster_name (contact), ==, name);
        }
      assert_sorted (fixture);
      g_assert_cmpuint (fixture->checker->shadow->len, ==, g_hash_table_size (expected));
    }

  /* What the store holds after the idle write-back: exactly the roster,
   * with the last version. */
  spin ();
  stored = natter_store_load_roster (fixture->store, fixture->id, &stored_version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, g_hash_table_size (expected));
  g_assert_cmpstr (stored_version, ==, version);
  for (i = 0; i < stored->len; i++)
    {
      NatterStoreContact *contact = g_ptr_array_index (stored, i);

      g_assert_true (g_hash_table_contains (expected, contact->jid));
      g_assert_cmpstr (contact->name, ==, g_hash_table_lookup (expected, contact->jid));
    }
}

static void
test_rename_moves_the_contact (Fixture       *fixture,
                               gconstpointer  data)
{
  NatterContact *zed = natter_roster_lookup (fixture->roster, "zed@example.org");
  guint name_notified = 0;
  guint before;

  g_signal_connect (zed, "notify::name", G_CALLBACK (count_notify_cb), &name_notified);
  g_assert_true (contact_at (fixture, 4) == zed);

  before = fixture->checker->n_signals;
  push (fixture, "zed@example.org", "Aaron", "both", FALSE, NULL, "6");
  g_assert_cmpuint (fixture->checker->n_signals, ==, before + 1);
  g_assert_true (contact_at (fixture, 0) == zed);
  g_assert_cmpuint (name_notified, ==, 1);
  assert_sorted (fixture);

  /* A change that does not move it is no change of the list. */
  before = fixture->checker->n_signals;
  push (fixture, "zed@example.org", "Aaron", "to", TRUE, NULL, "7");
  g_assert_cmpuint (fixture->checker->n_signals, ==, before);
  g_assert_cmpint (natter_contact_get_subscription (zed), ==, NATTER_SUBSCRIPTION_TO);
  g_assert_true (natter_contact_get_pending_out (zed));
  g_assert_cmpuint (name_notified, ==, 1);
}

static void
test_presence_notifies_the_contact (Fixture       *fixture,
                                    gconstpointer  data)
{
  NatterContact *anna = natter_roster_lookup (fixture->roster, "anna@example.org");
  GListModel *resources = natter_contact_get_resources (anna);
  ModelChecker *resources_checker = model_checker_new (resources);
  guint show = 0, status = 0, online = 0;
  guint before = fixture->checker->n_signals;
  g_autoptr(NatterResource) best = NULL;

  g_signal_connect (anna, "notify::show", G_CALLBACK (count_notify_cb), &show);
  g_signal_connect (anna, "notify::status", G_CALLBACK (count_notify_cb), &status);
  g_signal_connect (anna, "notify::online", G_CALLBACK (count_notify_cb), &online);

  presence (fixture, "anna@example.org/phone", NULL, "away", "On the train", "1");
  g_assert_cmpint (natter_contact_get_show (anna), ==, NATTER_PRESENCE_SHOW_AWAY);
  g_assert_cmpstr (natter_contact_get_status (anna), ==, "On the train");
  g_assert_true (natter_contact_get_online (anna));
  g_assert_cmpuint (show, ==, 1);
  g_assert_cmpuint (status, ==, 1);
  g_assert_cmpuint (online, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (resources), ==, 1);

  /* A better resource comes: it leads, and the contact shows it. */
  presence (fixture, "anna@example.org/laptop", NULL, NULL, "<b>Working</b> & more", "5");
  g_assert_cmpint (natter_contact_get_show (anna), ==, NATTER_PRESENCE_SHOW_AVAILABLE);
  g_assert_cmpstr (natter_contact_get_status (anna), ==, "<b>Working</b> & more");
  g_assert_cmpuint (online, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (resources), ==, 2);
  best = g_list_model_get_item (resources, 0);
  g_assert_cmpstr (natter_resource_get_resource (best), ==, "laptop");
  g_assert_cmpstr (natter_resource_get_jid (best), ==, "anna@example.org/laptop");
  g_assert_cmpint (natter_resource_get_priority (best), ==, 5);

  /* The same presence again changes nothing. */
  presence (fixture, "anna@example.org/laptop", NULL, NULL, "<b>Working</b> & more", "5");
  g_assert_cmpuint (show, ==, 2);
  g_assert_cmpuint (status, ==, 2);

  presence (fixture, "anna@example.org/laptop", "unavailable", NULL, NULL, NULL);
  g_assert_cmpint (natter_contact_get_show (anna), ==, NATTER_PRESENCE_SHOW_AWAY);
  g_assert_cmpuint (g_list_model_get_n_items (resources), ==, 1);
  presence (fixture, "anna@example.org/phone", "unavailable", NULL, NULL, NULL);
  g_assert_cmpint (natter_contact_get_show (anna), ==, NATTER_PRESENCE_SHOW_OFFLINE);
  g_assert_null (natter_contact_get_status (anna));
  g_assert_false (natter_contact_get_online (anna));
  g_assert_cmpuint (online, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (resources), ==, 0);

  /* Presence is never a change of the list. */
  g_assert_cmpuint (fixture->checker->n_signals, ==, before);
  model_checker_free (resources_checker);

  /* Presence of strangers and of ourselves adds nobody. */
  presence (fixture, "stranger@example.com/x", NULL, NULL, NULL, NULL);
  presence (fixture, OWN "/phone", NULL, NULL, NULL, NULL);
  g_assert_cmpuint (fixture->checker->n_signals, ==, before);
}

static void
test_subscription_requests_become_contacts (Fixture       *fixture,
                                            gconstpointer  data)
{
  NatterContact *stranger;
  guint before = fixture->checker->n_signals;
  guint pending = 0;

  presence (fixture, "stranger@example.com", "subscribe", NULL, "Hi, it's me", NULL);
  g_assert_cmpuint (fixture->checker->n_signals, ==, before + 1);
  stranger = natter_roster_lookup (fixture->roster, "stranger@example.com");
  g_assert_nonnull (stranger);
  g_assert_true (natter_contact_get_pending_in (stranger));
  g_assert_false (natter_contact_get_in_roster (stranger));
  g_assert_cmpstr (natter_contact_get_name (stranger), ==, "stranger");
  assert_sorted (fixture);

  /* Asking twice is still one contact. */
  presence (fixture, "stranger@example.com/x", "subscribe", NULL, NULL, NULL);
  g_assert_cmpuint (fixture->checker->n_signals, ==, before + 1);

  /* It gets into the roster (another device approved): same object. */
  g_signal_connect (stranger, "notify::pending-in", G_CALLBACK (count_notify_cb), &pending);
  push (fixture, "stranger@example.com", "Sam", "from", FALSE, NULL, "6");
  g_assert_true (natter_roster_lookup (fixture->roster, "stranger@example.com") == stranger);
  g_assert_true (natter_contact_get_in_roster (stranger));
  g_assert_false (natter_contact_get_pending_in (stranger));
  g_assert_cmpuint (pending, ==, 1);
  g_assert_cmpstr (natter_contact_get_name (stranger), ==, "Sam");

  /* A request answered nowhere and then withdrawn leaves the list. */
  before = fixture->checker->n_signals;
  presence (fixture, "pest@example.com", "subscribe", NULL, NULL, NULL);
  g_assert_cmpuint (fixture->checker->n_signals, ==, before + 1);
  presence (fixture, "pest@example.com", "unsubscribe", NULL, NULL, NULL);
  g_assert_cmpuint (fixture->checker->n_signals, ==, before + 2);
  g_assert_null (natter_roster_lookup (fixture->roster, "pest@example.com"));

  /* A contact in the roster that asks, and is then removed from the
   * roster, stays to be answered. */
  presence (fixture, "bob@example.net", "subscribe", NULL, NULL, NULL);
  g_assert_true (natter_contact_get_pending_in (natter_roster_lookup (fixture->roster,
                                                                     "bob@example.net")));
  push (fixture, "bob@example.net", NULL, "remove", FALSE, NULL, "7");
  g_assert_nonnull (natter_roster_lookup (fixture->roster, "bob@example.net"));
  g_assert_false (natter_contact_get_in_roster (natter_roster_lookup (fixture->roster,
                                                                      "bob@example.net")));

  /* Our own account never asks us. */
  before = fixture->checker->n_signals;
  presence (fixture, OWN, "subscribe", NULL, NULL, NULL);
  g_assert_cmpuint (fixture->checker->n_signals, ==, before);
}

static void
test_actions_need_a_connection (Fixture       *fixture,
                                gconstpointer  data)
{
  NatterContact *anna = natter_roster_lookup (fixture->roster, "anna@example.org");
  g_autoptr(GError) error = NULL;

  g_assert_false (natter_roster_approve (fixture->roster, anna, &error));
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_false (natter_roster_deny (fixture->roster, anna, &error));
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED);
}

static void
add_contact_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (natter_roster_add_contact_finish (NATTER_ROSTER (object), result, error));
}

static void
test_add_contact_validates (Fixture       *fixture,
                            gconstpointer  data)
{
  const struct
  {
    const char *jid;
    int         code;
  } bad[] = {
    { "", NATTER_ERROR_INVALID_JID },
    { "a b@example.org", NATTER_ERROR_INVALID_JID },
    { "@example.org", NATTER_ERROR_INVALID_JID },
    { OWN, NATTER_ERROR_INVALID_JID },
    { "Me@Example.org/other", NATTER_ERROR_INVALID_JID },
    { "anna@example.org", NATTER_ERROR_EXISTS },
    { "new@example.org", NATTER_ERROR_NOT_CONNECTED },
  };
  guint before = fixture->checker->n_signals;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GError *error = NULL;

      natter_roster_add_contact_async (fixture->roster, bad[i].jid, NULL, NULL, NULL,
                                       add_contact_cb, &error);
      while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_test_message ("%s: %s", bad[i].jid, error->message);
      g_assert_error (error, NATTER_ERROR, bad[i].code);
      g_error_free (error);
    }
  g_assert_cmpuint (fixture->checker->n_signals, ==, before);
}

/* A full roster result (a fresh session) replaces the cache in one
 * transaction, version included; the list follows item by item. */
static void
test_full_roster_replaces_the_cache (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(XmppNode) result = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;
  NatterContact *anna = natter_roster_lookup (fixture->roster, "anna@example.org");
  XmppNode *query;

  result = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "result", "id", "r1", NULL);
  query = xmpp_node_add_child_with_attributes (result, "query", XMPP_NS_ROSTER, "ver", "42", NULL);
  xmpp_node_add_child_with_attributes (query, "item", NULL,
                                       "jid", "anna@example.org", "name", "Anna",
                                       "subscription", "both", NULL);
  xmpp_node_add_child_with_attributes (query, "item", NULL,
                                       "jid", "new@example.org", "name", "Newt",
                                       "subscription", "to", NULL);
  xmpp_roster_apply_result (natter_account_get_xmpp_roster (fixture->account), result);

  g_assert_cmpuint (fixture->checker->shadow->len, ==, 2);
  g_assert_true (natter_roster_lookup (fixture->roster, "anna@example.org") == anna);
  g_assert_nonnull (natter_roster_lookup (fixture->roster, "new@example.org"));
  assert_sorted (fixture);

  stored = natter_store_load_roster (fixture->store, fixture->id, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (version, ==, "42");
}

int
main (int   argc,
      char *argv[])
{
  /* No Secret Service can answer: a session bus that does not exist. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/natter-test-bus", TRUE);
  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/roster/cached-roster-shown-at-once", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_cached_roster_shown_at_once, fixture_tear_down);
  g_test_add ("/natter/core/roster/random-pushes-keep-the-model-exact", Fixture,
              GINT_TO_POINTER (FALSE),
              fixture_set_up, test_random_pushes_keep_the_model_exact, fixture_tear_down);
  g_test_add ("/natter/core/roster/rename-moves-the-contact", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_rename_moves_the_contact, fixture_tear_down);
  g_test_add ("/natter/core/roster/presence-notifies-the-contact", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_presence_notifies_the_contact, fixture_tear_down);
  g_test_add ("/natter/core/roster/subscription-requests-become-contacts", Fixture,
              GINT_TO_POINTER (TRUE),
              fixture_set_up, test_subscription_requests_become_contacts, fixture_tear_down);
  g_test_add ("/natter/core/roster/actions-need-a-connection", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_actions_need_a_connection, fixture_tear_down);
  g_test_add ("/natter/core/roster/add-contact-validates", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_add_contact_validates, fixture_tear_down);
  g_test_add ("/natter/core/roster/full-roster-replaces-the-cache", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_full_roster_replaces_the_cache, fixture_tear_down);

  return g_test_run ();
}
