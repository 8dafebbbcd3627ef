/* test-core-account.c: accounts and the account list without a server
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No Secret Service answers here (the session bus points nowhere), and
 * accounts that connect are pointed at a closed local port, so nothing
 * leaves the machine.
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"

#include "test-core-helpers.h"

#define WAIT_S 20

#define WAIT_FOR(condition, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC; \
    while (!(condition) && g_get_monotonic_time () < deadline_) \
      { \
        if (!g_main_context_iteration (NULL, FALSE)) \
          g_usleep (1000); \
      } \
    if (!(condition)) \
      g_error ("timed out waiting for %s", what); \
  } G_STMT_END

static NatterStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  NatterStore *store;

  store = natter_store_open (NULL, &error);
  g_assert_no_error (error);
  return store;
}

/* A local port nothing listens on. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static gint64
add_row (NatterStore *store,
         const char  *jid,
         const char  *resource,
         gboolean     enabled)
{
  g_autoptr(NatterStoreAccount) record = natter_store_account_new ();
  g_autoptr(GError) error = NULL;

  record->jid = g_strdup (jid);
  record->resource = g_strdup (resource);
  record->enabled = enabled;
  record->host = g_strdup ("127.0.0.1");
  record->port = closed_port ();
  natter_store_add_account (store, record, &error);
  g_assert_no_error (error);
  return record->id;
}

static NatterAccount *
load_account (NatterStore *store,
              gint64       id)
{
  g_autoptr(NatterStoreAccount) record = NULL;
  g_autoptr(GError) error = NULL;
  NatterAccount *account;

  record = natter_store_get_account (store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  account = natter_account_new (store, record, &error);
  g_assert_no_error (error);
  return account;
}

static char *
stored_resource (NatterStore *store,
                 gint64       id)
{
  g_autoptr(NatterStoreAccount) record = natter_store_get_account (store, id, NULL);

  g_assert_nonnull (record);
  return g_strdup (record->resource);
}

static const char *
client_resource (NatterAccount *account)
{
  return xmpp_jid_get_resourcepart (xmpp_client_get_jid (natter_account_get_client (account)));
}

static void
assert_default_resource (const char *resource)
{
  g_assert_nonnull (resource);
  g_assert_true (g_str_has_prefix (resource, NATTER_ACCOUNT_RESOURCE_PREFIX));
  g_assert_cmpuint (strlen (resource), ==,
                    strlen (NATTER_ACCOUNT_RESOURCE_PREFIX) + NATTER_ACCOUNT_RESOURCE_RANDOM_CHARS);
  for (const char *p = resource + strlen (NATTER_ACCOUNT_RESOURCE_PREFIX); *p != '\0'; p++)
    g_assert_true ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static gulong
count_notify (gpointer    object,
              const char *property,
              guint      *count)
{
  g_autofree char *signal = g_strdup_printf ("notify::%s", property);

  return g_signal_connect (object, signal, G_CALLBACK (count_notify_cb), count);
}

static void
test_resource_default_form (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char *resource = natter_account_generate_resource ();

      assert_default_resource (resource);
      g_assert_false (g_hash_table_contains (seen, resource));
      g_hash_table_add (seen, resource);
    }
}

static void
test_resource_generated_once_and_kept (void)
{
  NatterStore *store = open_store ();
  gint64 id = add_row (store, "ann@example.org", NULL, FALSE);
  g_autofree char *first = NULL;
  g_autofree char *stored = NULL;
  NatterAccountList *list;
  NatterAccount *account;

  account = load_account (store, id);
  first = g_strdup (natter_account_get_resource (account));
  assert_default_resource (first);
  stored = stored_resource (store, id);
  g_assert_cmpstr (stored, ==, first);
  g_assert_cmpstr (client_resource (account), ==, first);
  g_assert_finalize_object (account);

  /* A restart finds the same resource. */
  account = load_account (store, id);
  g_assert_cmpstr (natter_account_get_resource (account), ==, first);
  g_assert_finalize_object (account);

  list = natter_account_list_new (store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  account = natter_account_list_lookup (list, "ann@example.org");
  g_assert_cmpstr (natter_account_get_resource (account), ==, first);
  g_assert_finalize_object (list);
  g_assert_finalize_object (store);
}

static void
test_resource_editable (void)
{
  NatterStore *store = open_store ();
  gint64 id = add_row (store, "ann@example.org", "natter.abcd1234", FALSE);
  NatterAccount *account = load_account (store, id);
  g_autofree char *too_long = g_strnfill (1100, 'r');
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  guint resource_notified = 0;
  guint client_notified = 0;
  XmppClient *old_client;

  g_assert_cmpstr (natter_account_get_resource (account), ==, "natter.abcd1234");
  count_notify (account, "resource", &resource_notified);
  count_notify (account, "client", &client_notified);

  /* Bad input changes nothing. */
  g_assert_false (natter_account_set_resource (account, too_long, &error));
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING);
  g_clear_error (&error);
  g_assert_cmpstr (natter_account_get_resource (account), ==, "natter.abcd1234");
  g_assert_cmpuint (resource_notified, ==, 0);

  /* The same resource is no change. */
  g_assert_true (natter_account_set_resource (account, "natter.abcd1234", &error));
  g_assert_cmpuint (resource_notified, ==, 0);
  g_assert_cmpuint (client_notified, ==, 0);

  old_client = natter_account_get_client (account);
  g_object_add_weak_pointer (G_OBJECT (old_client), (gpointer *) &old_client);
  g_assert_true (natter_account_set_resource (account, "laptop", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resource_notified, ==, 1);
  g_assert_cmpuint (client_notified, ==, 1);
  g_assert_null (old_client);   /* the old client is gone, not leaked */
  g_assert_cmpstr (natter_account_get_resource (account), ==, "laptop");
  g_assert_cmpstr (client_resource (account), ==, "laptop");
  stored = stored_resource (store, id);
  g_assert_cmpstr (stored, ==, "laptop");

  /* NULL asks for a new default one. */
  g_assert_true (natter_account_set_resource (account, NULL, &error));
  assert_default_resource (natter_account_get_resource (account));
  g_assert_cmpuint (resource_notified, ==, 2);

  g_assert_finalize_object (account);
  g_assert_finalize_object (store);
}

static void
test_properties_notify_only_on_change (void)
{
  NatterStore *store = open_store ();
  gint64 id = add_row (store, "ann@example.org", NULL, FALSE);
  NatterAccount *account = load_account (store, id);
  guint display_name = 0, enabled = 0, show = 0, status = 0, host = 0, port = 0, direct_tls = 0;

  count_notify (account, "display-name", &display_name);
  count_notify (account, "enabled", &enabled);
  count_notify (account, "show", &show);
  count_notify (account, "status", &status);
  count_notify (account, "host", &host);
  count_notify (account, "port", &port);
  count_notify (account, "direct-tls", &direct_tls);

  natter_account_set_display_name (account, "Work");
  natter_account_set_display_name (account, "Work");
  g_object_set (account, "display-name", "Work", NULL);
  g_assert_cmpuint (display_name, ==, 1);
  natter_account_set_display_name (account, "");
  g_assert_null (natter_account_get_display_name (account));
  g_assert_cmpuint (display_name, ==, 2);

  natter_account_set_enabled (account, FALSE);
  g_assert_cmpuint (enabled, ==, 0);

  /* Offline presence: the account stays disconnected. */
  natter_account_set_presence (account, NATTER_PRESENCE_SHOW_OFFLINE, "Gone");
  natter_account_set_presence (account, NATTER_PRESENCE_SHOW_OFFLINE, "Gone");
  g_assert_cmpuint (show, ==, 1);
  g_assert_cmpuint (status, ==, 1);
  natter_account_set_presence (account, NATTER_PRESENCE_SHOW_OFFLINE, "");
  g_assert_cmpuint (show, ==, 1);
  g_assert_cmpuint (status, ==, 2);
  g_assert_null (natter_account_get_status (account));

  g_assert_true (natter_account_set_server (account, "127.0.0.1", 5223, TRUE, NULL));
  g_assert_true (natter_account_set_server (account, "127.0.0.1", 5223, TRUE, NULL));
  g_assert_cmpuint (host, ==, 0);   /* add_row set it already */
  g_assert_cmpuint (port, ==, 1);
  g_assert_cmpuint (direct_tls, ==, 1);

  g_assert_cmpint (natter_account_get_state (account), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  g_assert_finalize_object (account);
  g_assert_finalize_object (store);
}

static void
test_server_setting_validated_and_kept (void)
{
  NatterStore *store = open_store ();
  gint64 id = add_row (store, "ann@example.org", NULL, FALSE);
  NatterAccount *account = load_account (store, id);
  g_autoptr(NatterStoreAccount) record = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "bad host", "host/path", "user@host", "a..b" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (natter_account_set_server (account, bad[i], 5222, FALSE, &error));
      g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING);
      g_clear_error (&error);
      g_assert_cmpstr (natter_account_get_host (account), ==, "127.0.0.1");
    }

  g_assert_true (natter_account_set_server (account, "xmpp.example.org", 5223, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (natter_account_set_server (account, "::1", 5222, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (natter_account_set_server (account, "xmpp.example.org", 5223, TRUE, &error));
  record = natter_store_get_account (store, id, NULL);
  g_assert_cmpstr (record->host, ==, "xmpp.example.org");
  g_assert_cmpuint (record->port, ==, 5223);
  g_assert_true (record->direct_tls);
  g_clear_pointer (&record, natter_store_account_unref);

  /* No host: the domain's SRV records, and the rest goes with it. */
  g_assert_true (natter_account_set_server (account, NULL, 5223, TRUE, &error));
  g_assert_null (natter_account_get_host (account));
  g_assert_cmpuint (natter_account_get_port (account), ==, 0);
  g_assert_false (natter_account_get_direct_tls (account));
  record = natter_store_get_account (store, id, NULL);
  g_assert_null (record->host);

  g_assert_finalize_object (account);
  g_assert_finalize_object (store);
}

static void
test_presence_kept_across_restarts (void)
{
  NatterStore *store = open_store ();
  gint64 id = add_row (store, "ann@example.org", NULL, FALSE);
  NatterAccount *account = load_account (store, id);

  g_assert_cmpint (natter_account_get_show (account), ==, NATTER_PRESENCE_SHOW_AVAILABLE);
  natter_account_set_presence (account, NATTER_PRESENCE_SHOW_DND, "In a meeting");
  g_assert_finalize_object (account);

  account = load_account (store, id);
  g_assert_cmpint (natter_account_get_show (account), ==, NATTER_PRESENCE_SHOW_DND);
  g_assert_cmpstr (natter_account_get_status (account), ==, "In a meeting");
  g_assert_cmpint (xmpp_presence_get_show (natter_account_get_xmpp_presence (account)),
                   ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpstr (xmpp_presence_get_status (natter_account_get_xmpp_presence (account)),
                   ==, "In a meeting");
  g_assert_finalize_object (account);
  g_assert_finalize_object (store);
}

/* No Secret Service: the account says so and waits for the password;
 * given one, it connects (here to a closed port, so it waits to retry,
 * and says why). */
static void
test_no_secret_service_needs_password (void)
{
  NatterStore *store = open_store ();
  gint64 id = add_row (store, "ann@example.org", NULL, TRUE);
  NatterAccount *account = load_account (store, id);
  g_autofree char *stored_error = NULL;

  g_assert_cmpint (natter_account_get_state (account), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  natter_account_connect (account);
  WAIT_FOR (natter_account_get_state (account) == NATTER_ACCOUNT_STATE_NEEDS_PASSWORD,
            "needs-password");
  g_assert_nonnull (strstr (natter_account_get_error (account), "keyring"));

  natter_account_set_password_for_session (account, "secret");
  g_assert_null (natter_account_get_error (account));
  WAIT_FOR (natter_account_get_state (account) == NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT,
            "waiting-to-reconnect");
  g_test_message ("error: %s", natter_account_get_error (account));
  g_assert_nonnull (strstr (natter_account_get_error (account), "refused"));

  /* The user stops it: clean, and nothing left to report. */
  natter_account_disconnect (account);
  g_assert_cmpint (natter_account_get_state (account), ==, NATTER_ACCOUNT_STATE_OFFLINE);
  g_assert_null (natter_account_get_error (account));

  /* The password is never stored. */
  {
    g_autoptr(NatterStoreAccount) record = natter_store_get_account (store, id, NULL);

    g_assert_nonnull (record);
  }
  stored_error = natter_store_dup_account_setting (store, id, "password", NULL);
  g_assert_null (stored_error);

  g_assert_finalize_object (account);
  g_assert_finalize_object (store);
}

static void
test_list_loads_in_stored_order (void)
{
  NatterStore *store = open_store ();
  const char *jids[] = { "zoe@example.org", "ann@example.org", "mia@example.net" };
  NatterAccountList *list;

  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    add_row (store, jids[i], NULL, FALSE);

  list = natter_account_list_new (store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, G_N_ELEMENTS (jids));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == NATTER_TYPE_ACCOUNT);
  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    {
      g_autoptr(NatterAccount) account = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (natter_account_get_jid (account), ==, jids[i]);
      g_assert_true (natter_account_list_lookup (list, jids[i]) == account);
    }
  g_assert_true (natter_account_list_lookup (list, "MIA@example.net/phone") ==
                 natter_account_list_lookup (list, "mia@example.net"));
  g_assert_null (natter_account_list_lookup (list, "nobody@example.org"));
  g_assert_null (natter_account_list_lookup (list, "not a jid@"));

  g_assert_finalize_object (list);
  g_assert_finalize_object (store);
}

typedef struct
{
  gboolean       done;
  NatterAccount *account;
  gboolean       ok;
  GError        *error;
} Outcome;

static void
add_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->account = natter_account_list_add_finish (NATTER_ACCOUNT_LIST (object), result,
                                                     &outcome->error);
  outcome->done = TRUE;
}

static void
remove_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = natter_account_list_remove_finish (NATTER_ACCOUNT_LIST (object), result,
                                                   &outcome->error);
  outcome->done = TRUE;
}

static NatterAccount *
add_account (NatterAccountList           *list,
             const char                  *jid,
             const char                  *password,
             const NatterAccountOptions  *options,
             GError                     **error)
{
  Outcome outcome = { 0, };

  natter_account_list_add_async (list, jid, password, options, NULL, add_cb, &outcome);
  WAIT_FOR (outcome.done, "the account to be added");
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.account;
}

static guint
count_accounts (NatterStore *store)
{
  g_autoptr(GPtrArray) accounts = natter_store_list_accounts (store, NULL);

  return accounts->len;
}

static void
test_list_add_validates_before_storing (void)
{
  NatterStore *store = open_store ();
  NatterAccountList *list = NULL;
  ModelChecker *checker;
  NatterAccountOptions options = { NULL, };
  g_autofree char *long_resource = g_strnfill (1100, 'r');
  const struct
  {
    const char *jid;
    const char *password;
    int         code;
  } bad[] = {
    { "", "secret", NATTER_ERROR_INVALID_JID },
    { "ann@", "secret", NATTER_ERROR_INVALID_JID },
    { "@example.org", "secret", NATTER_ERROR_INVALID_JID },
    { "example.org", "secret", NATTER_ERROR_INVALID_JID },
    { "ann@exa mple.org", "secret", NATTER_ERROR_INVALID_JID },
    { "ann@example.org", "", NATTER_ERROR_NO_PASSWORD },
    { "ann@example.org", NULL, NATTER_ERROR_NO_PASSWORD },
    { "zoe@example.org", "secret", NATTER_ERROR_EXISTS },
    { "ZOE@example.org/laptop", "secret", NATTER_ERROR_EXISTS },
  };

  add_row (store, "zoe@example.org", NULL, FALSE);
  list = natter_account_list_new (store, NULL);
  checker = model_checker_new (G_LIST_MODEL (list));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      NatterAccount *account = add_account (list, bad[i].jid, bad[i].password, NULL, &error);

      g_test_message ("%s: %s", bad[i].jid, error != NULL ? error->message : "(accepted)");
      g_assert_null (account);
      g_assert_error (error, NATTER_ERROR, bad[i].code);
    }

  options.host = "not a host";
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (add_account (list, "ann@example.org", "secret", &options, &error));
    g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING);
  }
  options.host = NULL;
  options.pinned_certificate = "12:34:56";
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (add_account (list, "ann@example.org", "secret", &options, &error));
    g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING);
  }
  options.pinned_certificate = NULL;
  options.resource = long_resource;
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (add_account (list, "ann@example.org", "secret", &options, &error));
    g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING);
  }

  /* Nothing of it reached the store or the model. */
  g_assert_cmpuint (count_accounts (store), ==, 1);
  g_assert_cmpuint (checker->n_signals, ==, 0);

  model_checker_free (checker);
  g_assert_finalize_object (list);
  g_assert_finalize_object (store);
}

static void
test_list_add_and_remove (void)
{
  NatterStore *store = open_store ();
  NatterAccountOptions options = { NULL, };
  g_autoptr(NatterStoreAccount) record = NULL;
  g_autoptr(NatterStoreContact) contact = natter_store_contact_new ();
  g_autoptr(GPtrArray) contacts = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  NatterAccountList *list;
  ModelChecker *checker;
  NatterAccount *added;
  NatterAccount *middle;
  gint64 middle_id;
  Outcome outcome = { 0, };
  guint n_items = 0;

  add_row (store, "zoe@example.org", NULL, FALSE);
  middle_id = add_row (store, "mia@example.org", NULL, FALSE);
  contact->jid = g_strdup ("friend@example.org");
  g_ptr_array_add (contacts, contact);
  natter_store_replace_roster (store, middle_id, "7", contacts, &error);
  g_assert_no_error (error);
  natter_store_set_account_setting (store, middle_id, NATTER_ACCOUNT_SETTING_STATUS, "Hi", &error);
  g_assert_no_error (error);

  list = natter_account_list_new (store, NULL);
  checker = model_checker_new (G_LIST_MODEL (list));
  count_notify (list, "n-items", &n_items);

  options.host = "127.0.0.1";
  options.port = closed_port ();
  options.display_name = "Ann at work";
  options.pinned_certificate = "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                               "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
  added = add_account (list, " Ann@Example.org/desk ", "secret", &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (added);

  /* Appended, in one change. */
  g_assert_cmpuint (checker->n_signals, ==, 1);
  g_assert_cmpuint (n_items, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_true (checker->shadow->pdata[2] == (gpointer) added);
  g_assert_cmpstr (natter_account_get_jid (added), ==, "ann@example.org");
  g_assert_cmpstr (natter_account_get_resource (added), ==, "desk");
  g_assert_cmpstr (natter_account_get_display_name (added), ==, "Ann at work");
  g_assert_true (natter_account_get_enabled (added));

  record = natter_store_get_account (store, natter_account_get_id (added), NULL);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->jid, ==, "ann@example.org");
  g_assert_cmpstr (record->host, ==, "127.0.0.1");
  g_assert_cmpuint (record->port, ==, options.port);
  g_assert_nonnull (record->pinned_certificates);
  g_assert_cmpstr (record->pinned_certificates[0], ==,
                   "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  g_assert_null (record->pinned_certificates[1]);

  /* Without a Secret Service it uses the password for this session: it
   * tries to connect (to a closed port here). */
  WAIT_FOR (natter_account_get_state (added) == NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT,
            "the new account to try");

  /* Removing the middle one: one change at its place, and its rows gone. */
  middle = natter_account_list_lookup (list, "mia@example.org");
  g_object_add_weak_pointer (G_OBJECT (middle), (gpointer *) &middle);
  natter_account_list_remove_async (list, middle, NULL, remove_cb, &outcome);
  WAIT_FOR (outcome.done, "the removal");
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (checker->n_signals, ==, 2);
  g_assert_cmpuint (n_items, ==, 2);
  g_assert_null (natter_account_list_lookup (list, "mia@example.org"));
  g_assert_null (natter_store_get_account (store, middle_id, &error));
  g_assert_no_error (error);
  g_assert_null (natter_store_load_roster (store, middle_id, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (natter_store_dup_account_setting (store, middle_id,
                                                   NATTER_ACCOUNT_SETTING_STATUS, NULL));
  g_assert_cmpuint (count_accounts (store), ==, 2);
  g_assert_null (middle);   /* nothing kept it */

  g_object_unref (added);
  model_checker_free (checker);
  g_assert_finalize_object (list);
  g_assert_finalize_object (store);
}

int
main (int   argc,
      char *argv[])
{
  /* No Secret Service can answer: a session bus that does not exist. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/natter-test-bus", TRUE);
  test_core_init (&argc, &argv);

  g_test_add_func ("/natter/core/account/resource/default-form", test_resource_default_form);
  g_test_add_func ("/natter/core/account/resource/generated-once-and-kept",
                   test_resource_generated_once_and_kept);
  g_test_add_func ("/natter/core/account/resource/editable", test_resource_editable);
  g_test_add_func ("/natter/core/account/properties/notify-only-on-change",
                   test_properties_notify_only_on_change);
  g_test_add_func ("/natter/core/account/server/validated-and-kept",
                   test_server_setting_validated_and_kept);
  g_test_add_func ("/natter/core/account/presence/kept-across-restarts",
                   test_presence_kept_across_restarts);
  g_test_add_func ("/natter/core/account/password/no-secret-service-needs-password",
                   test_no_secret_service_needs_password);
  g_test_add_func ("/natter/core/account-list/loads-in-stored-order",
                   test_list_loads_in_stored_order);
  g_test_add_func ("/natter/core/account-list/add-validates-before-storing",
                   test_list_add_validates_before_storing);
  g_test_add_func ("/natter/core/account-list/add-and-remove", test_list_add_and_remove);

  return g_test_run ();
}
