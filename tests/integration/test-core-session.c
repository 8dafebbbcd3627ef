/* test-core-session.c: accounts, rosters and presence against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/test-session: a private D-Bus session with an
 * unlocked gnome-keyring (the real Secret Service), and a Prosody per test
 * from tests/lib.  Each test has its own database in isolated directories.
 * The accounts are ann, ben and cat, which no other test uses, since the
 * keyring is shared by the whole run.
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-proxy.h"
#include "natter-test-server.h"
#include "../unit/test-core-helpers.h"
#include "test-core-waiting.h"

#define WAIT_S 30
#define HOST NATTER_TEST_DOMAIN
#define ANN "ann@" HOST
#define BEN "ben@" HOST
#define CAT "cat@" HOST

static const char * const test_jids[] = { ANN, BEN, CAT };

typedef struct
{
  NatterTestServer  *server;
  GTlsDatabase      *database;
  NatterStore       *store;
  NatterAccountList *list;
  guint              tick;
} Fixture;

static char *
keyring_lookup (const char *jid)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  char *password;

  natter_secret_lookup_async (jid, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the keyring");
  password = natter_secret_lookup_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  return password;
}

static void
keyring_clear (const char *jid)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  natter_secret_clear_async (jid, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the keyring");
  natter_secret_clear_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
}

static void
open_list (Fixture  *fixture,
           gboolean  trust_server)
{
  g_autoptr(GError) error = NULL;

  fixture->list = natter_account_list_new (fixture->store, &error);
  g_assert_no_error (error);
  if (trust_server)
    natter_account_list_set_tls_database (fixture->list, fixture->database);
}

static void
close_list (Fixture *fixture)
{
  natter_account_list_disconnect_all (fixture->list);
  spin (50);
  g_assert_finalize_object (fixture->list);
  fixture->list = NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (test_jids); i++)
    {
      g_autofree char *localpart = g_strndup (test_jids[i], strcspn (test_jids[i], "@"));

      natter_test_server_add_account (fixture->server, localpart, "secret", &error);
      g_assert_no_error (error);
    }
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  fixture->tick = g_timeout_add (50, tick_cb, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (test_jids); i++)
    keyring_clear (test_jids[i]);

  fixture->store = natter_store_open (NULL, &error);
  g_assert_no_error (error);
  open_list (fixture, GPOINTER_TO_INT (data) == 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->list != NULL)
    close_list (fixture);
  g_assert_finalize_object (fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (test_jids); i++)
    keyring_clear (test_jids[i]);
  g_clear_handle_id (&fixture->tick, g_source_remove);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static NatterAccountOptions
server_options (Fixture *fixture)
{
  NatterAccountOptions options = { NULL, };

  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (fixture->server);
  options.direct_tls = TRUE;
  return options;
}

static NatterAccount *
add_account (Fixture    *fixture,
             const char *jid,
             const char *password)
{
  NatterAccountOptions options = server_options (fixture);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  NatterAccount *account;

  natter_account_list_add_async (fixture->list, jid, password, &options, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  account = natter_account_list_add_finish (fixture->list, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  /* The list holds it; tests borrow it. */
  g_object_unref (account);
  return account;
}

static const char *
state_name (NatterAccountState state)
{
  GEnumClass *klass = g_type_class_ref (NATTER_TYPE_ACCOUNT_STATE);
  const char *nick = g_enum_get_value (klass, state)->value_nick;

  /* The class stays: the type is static. */
  g_type_class_unref (klass);
  return nick;
}

static void
wait_for_state (NatterAccount      *account,
                NatterAccountState  state)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (natter_account_get_state (account) != state && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (natter_account_get_state (account) != state)
    g_error ("%s: waited for %s, is %s (%s)", natter_account_get_jid (account),
             state_name (state), state_name (natter_account_get_state (account)),
             natter_account_get_error (account));
}

static void
count_connecting_cb (NatterAccount *account,
                     GParamSpec    *pspec,
                     guint         *count)
{
  if (natter_account_get_state (account) == NATTER_ACCOUNT_STATE_CONNECTING)
    (*count)++;
}

static NatterStoreAccount *
stored_account (Fixture       *fixture,
                NatterAccount *account)
{
  g_autoptr(GError) error = NULL;
  NatterStoreAccount *record;

  record = natter_store_get_account (fixture->store, natter_account_get_id (account), &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static NatterContact *
lookup (NatterAccount *account,
        const char    *jid)
{
  return natter_roster_lookup (natter_account_get_roster (account), jid);
}

static void
add_contact (NatterAccount *account,
             const char    *jid,
             const char    *name)
{
  g_autoptr(GError) error = NULL;
  NatterRoster *roster = natter_account_get_roster (account);
  Waiter waiter = { 0, };

  natter_roster_add_contact_async (roster, jid, name, NULL, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the contact to be added");
  g_assert_true (natter_roster_add_contact_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  WAIT_FOR (lookup (account, jid) != NULL && natter_contact_get_in_roster (lookup (account, jid)),
            "the roster push");
}

/* Added with a password: stored in the keyring and the database, online,
 * with the strongest SASL mechanism recorded and the initial presence
 * sent after the roster. */
static void
test_add_goes_online (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(NatterStoreAccount) record = NULL;
  g_autoptr(GPtrArray) roster = NULL;
  g_autofree char *password = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;
  NatterAccount *ann = add_account (fixture, ANN, "secret");
  XmppClient *client;

  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  g_assert_null (natter_account_get_error (ann));
  g_assert_true (g_str_has_prefix (natter_account_get_resource (ann), "natter."));
  client = natter_account_get_client (ann);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_client_get_bound_jid (client)), ==,
                   natter_account_get_resource (ann));
  WAIT_FOR (xmpp_presence_get_announced (natter_account_get_xmpp_presence (ann)),
            "the initial presence");

  password = keyring_lookup (ANN);
  g_assert_cmpstr (password, ==, "secret");

  record = stored_account (fixture, ann);
  g_assert_cmpstr (record->jid, ==, ANN);
  g_assert_cmpstr (record->resource, ==, natter_account_get_resource (ann));
  g_test_message ("mechanism: %s", record->sasl_mechanism);
  g_assert_cmpstr (record->sasl_mechanism, ==, xmpp_client_get_mechanism (client));
  g_assert_true (g_str_has_prefix (record->sasl_mechanism, "SCRAM-"));

  /* The fetched roster (empty) and its version are cached. */
  roster = natter_store_load_roster (fixture->store, natter_account_get_id (ann), &version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roster->len, ==, 0);
  g_assert_nonnull (version);

  /* Disabling disconnects and is stored; enabling connects again. */
  natter_account_set_enabled (ann, FALSE);
  g_assert_cmpint (natter_account_get_state (ann), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  g_clear_pointer (&record, natter_store_account_unref);
  record = stored_account (fixture, ann);
  g_assert_false (record->enabled);
  natter_account_set_enabled (ann, TRUE);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);

  /* A new resource while online: a new client binds it. */
  g_assert_true (natter_account_set_resource (ann, "laptop", &error));
  g_assert_no_error (error);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  client = natter_account_get_client (ann);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_client_get_bound_jid (client)), ==, "laptop");
}

static void
test_wrong_password_is_an_error_without_retries (Fixture       *fixture,
                                                 gconstpointer  data)
{
  NatterAccount *ann;
  guint connecting = 0;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  ann = add_account (fixture, ANN, "not the password");
  g_signal_connect (ann, "notify::state", G_CALLBACK (count_connecting_cb), &connecting);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ERROR);
  g_test_message ("error: %s", natter_account_get_error (ann));
  g_assert_nonnull (strstr (natter_account_get_error (ann), "password"));
  g_assert_null (natter_account_get_untrusted_certificate (ann));

  /* No retry storm: it waits for the user. */
  spin (4000);
  g_assert_cmpint (natter_account_get_state (ann), ==, NATTER_ACCOUNT_STATE_ERROR);
  g_assert_cmpuint (connecting, ==, 0);

  /* The user gives the right one. */
  natter_account_save_password_async (ann, "secret", NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the password to be saved");
  g_assert_true (natter_account_save_password_finish (ann, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  g_assert_null (natter_account_get_error (ann));
}

/* The system's trust store does not know the fixture's CA: the account
 * stops with the certificate for the user to inspect; pinning it
 * connects, now and after a restart. */
static void
test_untrusted_certificate_can_be_pinned (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(NatterStoreAccount) record = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;
  NatterAccount *ann;
  guint connecting = 0;

  ann = add_account (fixture, ANN, "secret");
  g_signal_connect (ann, "notify::state", G_CALLBACK (count_connecting_cb), &connecting);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ERROR);
  g_test_message ("error: %s", natter_account_get_error (ann));
  g_assert_nonnull (strstr (natter_account_get_error (ann), "not trusted"));
  certificate = natter_account_get_untrusted_certificate (ann);
  g_assert_nonnull (certificate);
  fingerprint = xmpp_certificate_dup_fingerprint (certificate);
  g_assert_cmpstr (fingerprint, ==, natter_test_server_get_fingerprint (fixture->server));

  spin (2000);
  g_assert_cmpuint (connecting, ==, 0);

  g_assert_true (natter_account_pin_certificate (ann, certificate, &error));
  g_assert_no_error (error);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  g_assert_null (natter_account_get_untrusted_certificate (ann));
  record = stored_account (fixture, ann);
  g_assert_nonnull (record->pinned_certificates);
  g_assert_cmpstr (record->pinned_certificates[0], ==, fingerprint);

  /* After a restart, the pin holds. */
  close_list (fixture);
  open_list (fixture, FALSE);
  ann = natter_account_list_lookup (fixture->list, ANN);
  natter_account_list_connect_all (fixture->list);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
}

/* A new list over the same database: the same accounts, the same
 * resources, the cached roster before the server answers, and online. */
static void
test_restart_restores_accounts (Fixture       *fixture,
                                gconstpointer  data)
{
  NatterAccount *ann = add_account (fixture, ANN, "secret");
  NatterAccount *ben = add_account (fixture, BEN, "secret");
  g_autofree char *ann_resource = NULL;
  g_autofree char *ben_resource = NULL;
  g_autoptr(GPtrArray) cached = NULL;
  ModelChecker *checker;
  NatterContact *cat;
  XmppClient *client;

  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);
  add_contact (ann, CAT, "Cat");
  ann_resource = g_strdup (natter_account_get_resource (ann));
  ben_resource = g_strdup (natter_account_get_resource (ben));

  /* Written back to the store as the server pushed it. */
  spin (200);
  cached = natter_store_load_roster (fixture->store, natter_account_get_id (ann), NULL, NULL);
  g_assert_cmpuint (cached->len, ==, 1);
  g_assert_cmpstr (((NatterStoreContact *) g_ptr_array_index (cached, 0))->name, ==, "Cat");

  close_list (fixture);
  open_list (fixture, TRUE);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 2);
  ann = natter_account_list_lookup (fixture->list, ANN);
  ben = natter_account_list_lookup (fixture->list, BEN);
  g_assert_cmpstr (natter_account_get_resource (ann), ==, ann_resource);
  g_assert_cmpstr (natter_account_get_resource (ben), ==, ben_resource);

  /* Before any connection, from the cache. */
  g_assert_cmpint (natter_account_get_state (ann), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  cat = lookup (ann, CAT);
  g_assert_nonnull (cat);
  g_assert_cmpstr (natter_contact_get_name (cat), ==, "Cat");
  g_assert_true (natter_contact_get_pending_out (cat));

  checker = model_checker_new (G_LIST_MODEL (natter_account_get_roster (ann)));
  natter_account_list_connect_all (fixture->list);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);
  client = natter_account_get_client (ann);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_client_get_bound_jid (client)), ==, ann_resource);
  WAIT_FOR (xmpp_presence_get_announced (natter_account_get_xmpp_presence (ann)),
            "the initial presence");

  /* The server confirmed the cached version: the same contact object. */
  g_assert_true (lookup (ann, CAT) == cat);
  g_assert_cmpuint (checker->n_signals, ==, 0);
  model_checker_free (checker);
}

static void
test_two_accounts_and_presence_for_all (Fixture       *fixture,
                                        gconstpointer  data)
{
  ModelChecker *checker = model_checker_new (G_LIST_MODEL (fixture->list));
  NatterAccount *ann = add_account (fixture, ANN, "secret");
  NatterAccount *ben = add_account (fixture, BEN, "secret");
  g_autoptr(NatterAccount) first = NULL;

  g_assert_cmpuint (checker->n_signals, ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (fixture->list), 0);
  g_assert_true (first == ann);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);
  g_assert_true (natter_account_get_client (ann) != natter_account_get_client (ben));

  natter_account_list_set_presence (fixture->list, NATTER_PRESENCE_SHOW_DND, "Busy");
  g_assert_cmpint (natter_account_get_show (ann), ==, NATTER_PRESENCE_SHOW_DND);
  g_assert_cmpint (natter_account_get_show (ben), ==, NATTER_PRESENCE_SHOW_DND);
  g_assert_cmpint (xmpp_presence_get_show (natter_account_get_xmpp_presence (ben)),
                   ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpstr (xmpp_presence_get_status (natter_account_get_xmpp_presence (ben)), ==, "Busy");

  /* Offline for all disconnects all, and back. */
  natter_account_list_set_presence (fixture->list, NATTER_PRESENCE_SHOW_OFFLINE, NULL);
  g_assert_cmpint (natter_account_get_state (ann), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  g_assert_cmpint (natter_account_get_state (ben), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  natter_account_list_set_presence (fixture->list, NATTER_PRESENCE_SHOW_AVAILABLE, NULL);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);

  g_assert_cmpuint (checker->n_signals, ==, 2);
  model_checker_free (checker);
}

/* Ann adds Ben; Ben sees her request as a contact, approves, and both
 * end with a subscription both ways and each other's presence. */
static void
test_subscription_handshake_and_presence (Fixture       *fixture,
                                          gconstpointer  data)
{
  NatterAccount *ann = add_account (fixture, ANN, "secret");
  NatterAccount *ben = add_account (fixture, BEN, "secret");
  ModelChecker *ann_checker;
  ModelChecker *ben_checker;
  NatterContact *ben_at_ann;
  NatterContact *ann_at_ben;
  g_autoptr(GError) error = NULL;
  guint ann_signals, ben_signals;
  Waiter waiter = { 0, };

  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);
  WAIT_FOR (xmpp_presence_get_announced (natter_account_get_xmpp_presence (ben)),
            "Ben's initial presence");
  ann_checker = model_checker_new (G_LIST_MODEL (natter_account_get_roster (ann)));
  ben_checker = model_checker_new (G_LIST_MODEL (natter_account_get_roster (ben)));

  add_contact (ann, BEN, "Ben");
  ben_at_ann = lookup (ann, BEN);
  WAIT_FOR (natter_contact_get_pending_out (ben_at_ann), "Ann's request to be pending");

  WAIT_FOR (lookup (ben, ANN) != NULL, "Ann's request at Ben");
  ann_at_ben = lookup (ben, ANN);
  g_assert_true (natter_contact_get_pending_in (ann_at_ben));
  g_assert_false (natter_contact_get_in_roster (ann_at_ben));

  g_assert_true (natter_roster_approve (natter_account_get_roster (ben), ann_at_ben, &error));
  g_assert_no_error (error);
  WAIT_FOR (natter_contact_get_subscription (ben_at_ann) == NATTER_SUBSCRIPTION_BOTH,
            "subscription both at Ann");
  WAIT_FOR (lookup (ben, ANN) != NULL &&
            natter_contact_get_subscription (lookup (ben, ANN)) == NATTER_SUBSCRIPTION_BOTH,
            "subscription both at Ben");
  g_assert_true (lookup (ben, ANN) == ann_at_ben);
  g_assert_true (natter_contact_get_in_roster (ann_at_ben));
  g_assert_false (natter_contact_get_pending_in (ann_at_ben));
  g_assert_false (natter_contact_get_pending_out (ben_at_ann));

  WAIT_FOR (natter_contact_get_online (ben_at_ann), "Ben online at Ann");
  WAIT_FOR (natter_contact_get_online (ann_at_ben), "Ann online at Ben");

  /* Presence is a change of the contact, not of the list. */
  ann_signals = ann_checker->n_signals;
  ben_signals = ben_checker->n_signals;
  natter_account_set_presence (ben, NATTER_PRESENCE_SHOW_AWAY, "Out for lunch");
  WAIT_FOR (natter_contact_get_show (ben_at_ann) == NATTER_PRESENCE_SHOW_AWAY,
            "Ben away at Ann");
  g_assert_cmpstr (natter_contact_get_status (ben_at_ann), ==, "Out for lunch");
  g_assert_cmpuint (g_list_model_get_n_items (natter_contact_get_resources (ben_at_ann)), ==, 1);
  natter_account_set_presence (ann, NATTER_PRESENCE_SHOW_CHAT, "Talk to me");
  WAIT_FOR (natter_contact_get_show (ann_at_ben) == NATTER_PRESENCE_SHOW_CHAT,
            "Ann free to chat at Ben");
  g_assert_cmpstr (natter_contact_get_status (ann_at_ben), ==, "Talk to me");
  g_assert_cmpuint (ann_checker->n_signals, ==, ann_signals);
  g_assert_cmpuint (ben_checker->n_signals, ==, ben_signals);

  /* Ben disconnects: he goes offline at Ann. */
  natter_account_disconnect (ben);
  WAIT_FOR (!natter_contact_get_online (ben_at_ann), "Ben offline at Ann");
  g_assert_cmpint (natter_contact_get_show (ben_at_ann), ==, NATTER_PRESENCE_SHOW_OFFLINE);
  natter_account_connect (ben);
  WAIT_FOR (natter_contact_get_online (ben_at_ann), "Ben back at Ann");

  /* Ann removes Ben: gone from her list, and the subscriptions end. */
  natter_roster_remove_contact_async (natter_account_get_roster (ann), ben_at_ann, NULL,
                                      waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the removal");
  g_assert_true (natter_roster_remove_contact_finish (natter_account_get_roster (ann),
                                                      waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  WAIT_FOR (lookup (ann, BEN) == NULL, "Ben to leave Ann's roster");
  WAIT_FOR (lookup (ben, ANN) == NULL ||
            natter_contact_get_subscription (lookup (ben, ANN)) == NATTER_SUBSCRIPTION_NONE,
            "no subscription left at Ben");

  model_checker_free (ann_checker);
  model_checker_free (ben_checker);
}

static void
test_remove_deletes_everything (Fixture       *fixture,
                                gconstpointer  data)
{
  NatterAccount *ann = add_account (fixture, ANN, "secret");
  NatterAccount *ben = add_account (fixture, BEN, "secret");
  ModelChecker *checker = model_checker_new (G_LIST_MODEL (fixture->list));
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  gint64 id = natter_account_get_id (ann);
  Waiter waiter = { 0, };

  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  add_contact (ann, CAT, "Cat");
  spin (200);
  g_object_add_weak_pointer (G_OBJECT (ann), (gpointer *) &ann);

  natter_account_list_remove_async (fixture->list, ann, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the removal");
  g_assert_true (natter_account_list_remove_finish (fixture->list, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);

  g_assert_null (ann);
  g_assert_cmpuint (checker->n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  g_assert_null (natter_store_get_account (fixture->store, id, &error));
  g_assert_no_error (error);
  g_assert_null (natter_store_load_roster (fixture->store, id, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  password = keyring_lookup (ANN);
  g_assert_null (password);

  /* The other account is untouched. */
  g_clear_pointer (&password, g_free);
  password = keyring_lookup (BEN);
  g_assert_cmpstr (password, ==, "secret");
  wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);

  model_checker_free (checker);
}

typedef struct
{
  GString *events;
  guint    resumed;
} Sequence;

/* An emission hook, which runs before any handler: the account's own
 * handler of ::loaded is what sends the presence. */
static gboolean
sequence_loaded_hook (GSignalInvocationHint *hint,
                      guint                  n_values,
                      const GValue          *values,
                      gpointer               user_data)
{
  Sequence *sequence = user_data;

  g_string_append (sequence->events, "loaded ");
  return TRUE;
}

static void
sequence_prepare_cb (XmppPresence *presence,
                     XmppNode     *stanza,
                     Sequence     *sequence)
{
  g_string_append (sequence->events, "presence ");
}

static void
sequence_online_cb (XmppClient *client,
                    gboolean    resumed,
                    Sequence   *sequence)
{
  g_string_append (sequence->events, resumed ? "resumed " : "online ");
  if (resumed)
    sequence->resumed++;
}

/* RFC 6121 §2.2: a fresh session sends the initial presence once the
 * roster is in; a resumed one (XEP-0198) sends nothing again. */
static void
test_initial_presence_after_roster_not_on_resume (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(NatterTestProxy) proxy = NULL;
  NatterAccountOptions options = { NULL, };
  Sequence sequence = { g_string_new (NULL), 0 };
  g_autoptr(GError) error = NULL;
  NatterAccount *ann;
  Waiter waiter = { 0, };
  guint loaded_signal;
  gulong hook;

  proxy = natter_test_proxy_new (natter_test_server_get_direct_tls_port (fixture->server), &error);
  g_assert_no_error (error);
  options.host = "127.0.0.1";
  options.port = natter_test_proxy_get_port (proxy);
  options.direct_tls = TRUE;
  natter_account_list_add_async (fixture->list, ANN, "secret", &options, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  ann = natter_account_list_add_finish (fixture->list, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_object_unref (ann);

  g_signal_connect (natter_account_get_client (ann), "online",
                    G_CALLBACK (sequence_online_cb), &sequence);
  loaded_signal = g_signal_lookup ("loaded", XMPP_TYPE_ROSTER);
  hook = g_signal_add_emission_hook (loaded_signal, 0, sequence_loaded_hook, &sequence, NULL);
  g_signal_connect (natter_account_get_xmpp_presence (ann), "prepare",
                    G_CALLBACK (sequence_prepare_cb), &sequence);

  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  WAIT_FOR (strstr (sequence.events->str, "presence") != NULL, "the initial presence");
  g_assert_cmpstr (sequence.events->str, ==, "online loaded presence ");
  g_assert_true (xmpp_client_get_stream_management (natter_account_get_client (ann)));

  /* The network drops; the session is resumed. */
  g_assert_cmpuint (natter_test_proxy_cut (proxy), ==, 1);
  WAIT_FOR (sequence.resumed == 1, "the resumption");
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  spin (500);
  g_assert_cmpstr (sequence.events->str, ==, "online loaded presence resumed ");

  /* A fresh session starts over. */
  natter_account_disconnect (ann);
  natter_account_connect (ann);
  wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);
  WAIT_FOR (g_str_has_suffix (sequence.events->str, "presence "), "the second initial presence");
  g_assert_cmpstr (sequence.events->str, ==,
                   "online loaded presence resumed online loaded presence ");

  g_signal_handlers_disconnect_by_data (natter_account_get_client (ann), &sequence);
  g_signal_remove_emission_hook (loaded_signal, hook);
  g_signal_handlers_disconnect_by_data (natter_account_get_xmpp_presence (ann), &sequence);
  g_string_free (sequence.events, TRUE);
}

/* No Secret Service: the account asks for the password and says why;
 * the password for this session connects it.  Runs in a subprocess with
 * a session bus that does not exist. */
static void
test_no_secret_service (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0, };
      g_autoptr(NatterStoreAccount) record = natter_store_account_new ();
      g_autoptr(GError) error = NULL;
      NatterAccount *ann;
      NatterAccount *ben;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/natter-test-bus", TRUE);

      fixture.server = natter_test_server_start (NULL, &error);
      g_assert_no_error (error);
      natter_test_server_add_account (fixture.server, "ann", "secret", &error);
      g_assert_no_error (error);
      natter_test_server_add_account (fixture.server, "ben", "secret", &error);
      g_assert_no_error (error);
      fixture.database = natter_test_server_dup_tls_database (fixture.server, &error);
      g_assert_no_error (error);
      fixture.tick = g_timeout_add (50, tick_cb, NULL);
      fixture.store = natter_store_open (NULL, &error);
      g_assert_no_error (error);

      /* An account from an earlier run, whose password nobody can read. */
      record->jid = g_strdup (ANN);
      record->enabled = TRUE;
      record->host = g_strdup ("127.0.0.1");
      record->port = natter_test_server_get_direct_tls_port (fixture.server);
      record->direct_tls = TRUE;
      natter_store_add_account (fixture.store, record, &error);
      g_assert_no_error (error);

      open_list (&fixture, TRUE);
      ann = natter_account_list_lookup (fixture.list, ANN);
      natter_account_list_connect_all (fixture.list);
      wait_for_state (ann, NATTER_ACCOUNT_STATE_NEEDS_PASSWORD);
      g_test_message ("reason: %s", natter_account_get_error (ann));
      g_assert_nonnull (strstr (natter_account_get_error (ann), "keyring"));

      natter_account_set_password_for_session (ann, "secret");
      wait_for_state (ann, NATTER_ACCOUNT_STATE_ONLINE);

      /* Adding works too, for this session. */
      ben = add_account (&fixture, BEN, "secret");
      wait_for_state (ben, NATTER_ACCOUNT_STATE_ONLINE);

      close_list (&fixture);
      g_assert_finalize_object (fixture.store);
      g_clear_handle_id (&fixture.tick, g_source_remove);
      g_clear_object (&fixture.database);
      natter_test_server_free (fixture.server);
      return;
    }

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

#define TRUST_SERVER GINT_TO_POINTER (0)
#define SYSTEM_TRUST GINT_TO_POINTER (1)

int
main (int   argc,
      char *argv[])
{
  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/account/add-goes-online", Fixture, TRUST_SERVER,
              fixture_set_up, test_add_goes_online, fixture_tear_down);
  g_test_add ("/natter/core/account/wrong-password-is-an-error-without-retries", Fixture,
              TRUST_SERVER, fixture_set_up, test_wrong_password_is_an_error_without_retries,
              fixture_tear_down);
  g_test_add ("/natter/core/account/untrusted-certificate-can-be-pinned", Fixture, SYSTEM_TRUST,
              fixture_set_up, test_untrusted_certificate_can_be_pinned, fixture_tear_down);
  g_test_add ("/natter/core/account/initial-presence-after-roster-not-on-resume", Fixture,
              TRUST_SERVER, fixture_set_up, test_initial_presence_after_roster_not_on_resume,
              fixture_tear_down);
  g_test_add ("/natter/core/account-list/restart-restores-accounts", Fixture, TRUST_SERVER,
              fixture_set_up, test_restart_restores_accounts, fixture_tear_down);
  g_test_add ("/natter/core/account-list/two-accounts-and-presence-for-all", Fixture, TRUST_SERVER,
              fixture_set_up, test_two_accounts_and_presence_for_all, fixture_tear_down);
  g_test_add ("/natter/core/roster/subscription-handshake-and-presence", Fixture, TRUST_SERVER,
              fixture_set_up, test_subscription_handshake_and_presence, fixture_tear_down);
  g_test_add ("/natter/core/account-list/remove-deletes-everything", Fixture, TRUST_SERVER,
              fixture_set_up, test_remove_deletes_everything, fixture_tear_down);
  g_test_add_func ("/natter/core/account/no-secret-service", test_no_secret_service);

  return g_test_run ();
}
