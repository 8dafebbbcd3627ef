/* test-core-blocking.c: blocking contacts through the core against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/test-session (keyring).  Each device of the
 * account is a store and account list of its own in the isolated data
 * directory; the people it blocks are plain engine clients.  The
 * accounts are hugo, iris and jade, which no other test uses.
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-server.h"
#include "natter-test-xmpp.h"
#include "../unit/test-core-helpers.h"
#include "test-core-waiting.h"

#define WAIT_S 30
#define HOST NATTER_TEST_DOMAIN
#define HUGO "hugo@" HOST
#define IRIS "iris@" HOST
#define JADE "jade@" HOST

typedef struct
{
  char              *path;
  NatterStore       *store;
  NatterAccountList *accounts;
  NatterAccount     *account;
  guint              received;   /* messages with a body at its client */
  guint              handler;
} Device;

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
  GPtrArray        *devices;
  guint             tick;
} Fixture;

static gboolean
count_message_cb (XmppClient *client,
                  XmppNode   *stanza,
                  gpointer    user_data)
{
  Device *device = user_data;

  device->received++;
  return FALSE;
}

static void
device_close (Device *device)
{
  if (device->handler != 0)
    xmpp_client_remove_handler (natter_account_get_client (device->account), device->handler);
  device->handler = 0;
  natter_account_list_disconnect_all (device->accounts);
  spin (50);
  g_assert_finalize_object (device->accounts);
  device->accounts = NULL;
  device->account = NULL;
  natter_store_close (device->store);
  g_assert_finalize_object (device->store);
  device->store = NULL;
}

static void
device_free (Device *device)
{
  if (device->accounts != NULL)
    device_close (device);
  g_free (device->path);
  g_free (device);
}

static void
count_messages (Device *device)
{
  device->handler = xmpp_client_add_handler (natter_account_get_client (device->account),
                                             "message", "body", XMPP_NS_CLIENT,
                                             count_message_cb, device, NULL);
}

/* Opens the device's store and account list; a device seen before
 * comes back with its account, which then connects. */
static void
device_open (Fixture *fixture,
             Device  *device)
{
  g_autoptr(GError) error = NULL;

  device->store = natter_store_open (device->path, &error);
  g_assert_no_error (error);
  device->accounts = natter_account_list_new (device->store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (device->accounts, fixture->database);
}

/* A device of Hugo's, online with its blocklist fetched (the server
 * tells only the sessions that fetched it of changes). */
static Device *
device_new (Fixture    *fixture,
            const char *resource)
{
  g_autofree char *name = g_strdup_printf ("hugo-%s.db", resource);
  g_autoptr(GError) error = NULL;
  NatterAccountOptions options = { NULL, };
  Waiter waiter = { 0, };
  Device *device = g_new0 (Device, 1);

  device->path = g_build_filename (g_get_user_data_dir (), name, NULL);
  device_open (fixture, device);

  options.resource = resource;
  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (fixture->server);
  options.direct_tls = TRUE;
  natter_account_list_add_async (device->accounts, HUGO, "secret", &options, NULL,
                                 waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  device->account = natter_account_list_add_finish (device->accounts, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_object_unref (device->account);
  count_messages (device);
  g_ptr_array_add (fixture->devices, device);

  WAIT_FOR (natter_account_get_state (device->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "the account to be online");
  WAIT_FOR (xmpp_blocking_get_loaded (natter_account_get_blocking (device->account)),
            "the blocklist");
  return device;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "hugo", "iris", "jade" };

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      natter_test_server_add_account (fixture->server, names[i], "secret", &error);
      g_assert_no_error (error);
    }
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  fixture->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) device_free);
  fixture->tick = g_timeout_add (50, tick_cb, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->devices, g_ptr_array_unref);
  g_clear_handle_id (&fixture->tick, g_source_remove);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static NatterRoster *
roster_of (Device *device)
{
  return natter_account_get_roster (device->account);
}

static NatterContact *
lookup (Device     *device,
        const char *jid)
{
  return natter_roster_lookup (roster_of (device), jid);
}

static void
add_contact (Device     *device,
             const char *jid)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  natter_roster_add_contact_async (roster_of (device), jid, NULL, NULL, NULL,
                                   waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the contact to be added");
  g_assert_true (natter_roster_add_contact_finish (roster_of (device), waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
}

/* Blocks or unblocks @jid from @device; returns the error, if any. */
static GError *
set_blocked (Device     *device,
             const char *jid,
             gboolean    block)
{
  NatterRoster *roster = roster_of (device);
  GError *error = NULL;
  Waiter waiter = { 0, };
  gboolean done;

  if (block)
    natter_roster_block_async (roster, jid, NULL, waiter_cb, &waiter);
  else
    natter_roster_unblock_async (roster, jid, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, block ? "the block" : "the unblock");
  if (block)
    done = natter_roster_block_finish (roster, waiter.result, &error);
  else
    done = natter_roster_unblock_finish (roster, waiter.result, &error);
  g_object_unref (waiter.result);
  g_assert_true (done == (error == NULL));
  return error;
}

static void
block (Device     *device,
       const char *jid)
{
  g_autoptr(GError) error = set_blocked (device, jid, TRUE);

  g_assert_no_error (error);
}

static void
unblock (Device     *device,
         const char *jid)
{
  g_autoptr(GError) error = set_blocked (device, jid, FALSE);

  g_assert_no_error (error);
}

static void
send_chat (XmppClient *from,
           const char *to,
           const char *body)
{
  g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                                 "to", to, "type", "chat", NULL);

  xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, body);
  xmpp_client_send (from, message);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
count_signal_cb (NatterRoster *roster,
                 guint        *count)
{
  (*count)++;
}

/* Blocked on the laptop: the phone hears it from the server, nothing
 * from the contact arrives on either; unblocked on the phone, the
 * laptop follows and messages arrive again.  A stranger who is in no
 * roster is blocked the same way. */
static void
test_block_follows_devices_and_stops_messages (Fixture       *fixture,
                                               gconstpointer  data)
{
  Device *laptop = device_new (fixture, "laptop");
  Device *phone = device_new (fixture, "phone");
  XmppClient *iris = natter_test_client_new (fixture->server, IRIS "/desk", "secret");
  XmppClient *jade = natter_test_client_new (fixture->server, JADE "/desk", "secret");
  NatterContact *iris_at_laptop;
  NatterContact *iris_at_phone;
  guint laptop_notifies = 0;
  guint phone_list_changes = 0;

  natter_test_client_go_online (iris);
  natter_test_client_go_online (jade);
  add_contact (laptop, IRIS);
  WAIT_FOR (lookup (laptop, IRIS) != NULL && lookup (phone, IRIS) != NULL,
            "Iris in the roster of both devices");
  iris_at_laptop = lookup (laptop, IRIS);
  iris_at_phone = lookup (phone, IRIS);
  g_assert_false (natter_contact_get_blocked (iris_at_laptop));
  g_assert_false (natter_contact_get_blocked (iris_at_phone));
  g_assert_false (natter_roster_is_blocked (roster_of (laptop), IRIS));

  /* Before: Iris gets through. */
  send_chat (iris, HUGO "/laptop", "before");
  WAIT_FOR (laptop->received == 1, "Iris's first message");

  g_signal_connect (iris_at_laptop, "notify::blocked", G_CALLBACK (count_notify_cb),
                    &laptop_notifies);
  g_signal_connect (roster_of (phone), "blocklist-changed", G_CALLBACK (count_signal_cb),
                    &phone_list_changes);
  block (laptop, IRIS);
  WAIT_FOR (natter_contact_get_blocked (iris_at_laptop), "Iris blocked on the laptop");
  WAIT_FOR (natter_contact_get_blocked (iris_at_phone), "Iris blocked on the phone");
  g_assert_cmpuint (laptop_notifies, ==, 1);
  g_assert_cmpuint (phone_list_changes, ==, 1);
  g_assert_true (natter_roster_is_blocked (roster_of (laptop), IRIS));
  g_assert_true (natter_roster_is_blocked (roster_of (phone), IRIS "/desk"));
  /* Still a contact: blocking is not removing. */
  g_assert_true (lookup (laptop, IRIS) == iris_at_laptop);
  g_assert_true (natter_contact_get_in_roster (iris_at_laptop));

  /* The server drops what Iris sends, to either device. */
  send_chat (iris, HUGO "/laptop", "blocked to the laptop");
  send_chat (iris, HUGO "/phone", "blocked to the phone");
  spin (500);
  g_assert_cmpuint (laptop->received, ==, 1);
  g_assert_cmpuint (phone->received, ==, 0);

  /* A stranger who wrote: blocked by address from the phone. */
  send_chat (jade, HUGO "/phone", "hello from a stranger");
  WAIT_FOR (phone->received == 1, "the stranger's message");
  g_assert_null (lookup (phone, JADE));
  block (phone, JADE);
  WAIT_FOR (natter_roster_is_blocked (roster_of (phone), JADE) &&
            natter_roster_is_blocked (roster_of (laptop), JADE),
            "Jade blocked on both devices");
  g_assert_null (lookup (laptop, JADE));
  send_chat (jade, HUGO "/phone", "blocked stranger");
  spin (500);
  g_assert_cmpuint (phone->received, ==, 1);

  /* Unblocked on the phone: the laptop follows, Iris gets through. */
  unblock (phone, IRIS);
  WAIT_FOR (!natter_contact_get_blocked (iris_at_phone), "Iris unblocked on the phone");
  WAIT_FOR (!natter_contact_get_blocked (iris_at_laptop), "Iris unblocked on the laptop");
  g_assert_cmpuint (laptop_notifies, ==, 2);
  g_assert_false (natter_roster_is_blocked (roster_of (laptop), IRIS));
  g_assert_true (natter_roster_is_blocked (roster_of (laptop), JADE));
  send_chat (iris, HUGO "/laptop", "after");
  WAIT_FOR (laptop->received == 2, "Iris's message after the unblock");

  unblock (laptop, JADE);
  WAIT_FOR (!natter_roster_is_blocked (roster_of (phone), JADE), "Jade unblocked on the phone");
  send_chat (jade, HUGO "/phone", "unblocked stranger");
  WAIT_FOR (phone->received == 2, "the stranger's message after the unblock");

  g_signal_handlers_disconnect_by_data (iris_at_laptop, &laptop_notifies);
  g_signal_handlers_disconnect_by_data (roster_of (phone), &phone_list_changes);
  natter_test_client_finish (iris);
  natter_test_client_finish (jade);
}

/* Someone who asked to see our presence and is blocked: the request is
 * gone (the server drops it), and with it the stranger from the list. */
static void
test_block_answers_request (Fixture       *fixture,
                            gconstpointer  data)
{
  Device *laptop = device_new (fixture, "laptop");
  XmppClient *jade = natter_test_client_new (fixture->server, JADE "/desk", "secret");
  g_autoptr(XmppNode) subscribe = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                                                   "to", HUGO, "type", "subscribe", NULL);
  ModelChecker *checker;
  NatterContact *request;

  natter_test_client_go_online (jade);
  xmpp_client_send (jade, subscribe);
  WAIT_FOR (lookup (laptop, JADE) != NULL, "Jade's request");
  request = lookup (laptop, JADE);
  g_assert_true (natter_contact_get_pending_in (request));
  g_assert_false (natter_contact_get_in_roster (request));
  checker = model_checker_new (G_LIST_MODEL (roster_of (laptop)));

  block (laptop, JADE);
  WAIT_FOR (lookup (laptop, JADE) == NULL, "the blocked request to leave the list");
  g_assert_cmpuint (checker->n_signals, ==, 1);
  g_assert_true (natter_roster_is_blocked (roster_of (laptop), JADE));

  model_checker_free (checker);
  natter_test_client_finish (jade);
}

/* Offline, nothing can change, and the error says why; what the server
 * said last still shows.  A device that connects fetches the list. */
static void
test_offline_fails_clearly (Fixture       *fixture,
                            gconstpointer  data)
{
  Device *laptop = device_new (fixture, "laptop");
  g_autoptr(GError) error = NULL;
  NatterContact *iris;

  add_contact (laptop, IRIS);
  WAIT_FOR (lookup (laptop, IRIS) != NULL, "Iris in the roster");
  iris = lookup (laptop, IRIS);
  block (laptop, IRIS);
  WAIT_FOR (natter_contact_get_blocked (iris), "Iris blocked");

  /* Not addresses that can be blocked, online or not. */
  error = set_blocked (laptop, "not an address@", TRUE);
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
  g_clear_error (&error);
  error = set_blocked (laptop, HUGO, TRUE);
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID);
  g_clear_error (&error);

  natter_account_set_enabled (laptop->account, FALSE);
  g_assert_cmpint (natter_account_get_state (laptop->account), ==, NATTER_ACCOUNT_STATE_OFFLINE);

  error = set_blocked (laptop, JADE, TRUE);
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED);
  g_test_message ("block offline: %s", error->message);
  g_assert_nonnull (strstr (error->message, JADE));
  g_assert_nonnull (strstr (error->message, "not connected"));
  g_clear_error (&error);
  g_assert_false (natter_roster_is_blocked (roster_of (laptop), JADE));

  error = set_blocked (laptop, IRIS, FALSE);
  g_assert_error (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED);
  g_test_message ("unblock offline: %s", error->message);
  g_assert_nonnull (strstr (error->message, IRIS));
  g_clear_error (&error);
  g_assert_true (natter_contact_get_blocked (iris));
  g_assert_true (natter_roster_is_blocked (roster_of (laptop), IRIS));

  /* A restart: the roster comes from the cache, the blocklist from the
   * server once online. */
  device_close (laptop);
  device_open (fixture, laptop);
  laptop->account = natter_account_list_lookup (laptop->accounts, HUGO);
  g_assert_nonnull (laptop->account);
  natter_account_set_enabled (laptop->account, TRUE);
  iris = lookup (laptop, IRIS);
  g_assert_nonnull (iris);
  natter_account_list_connect_all (laptop->accounts);
  WAIT_FOR (natter_account_get_state (laptop->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "online again");
  WAIT_FOR (natter_contact_get_blocked (iris), "the fetched blocklist");

  unblock (laptop, IRIS);
  WAIT_FOR (!natter_contact_get_blocked (iris), "Iris unblocked");
}

int
main (int   argc,
      char *argv[])
{
  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/blocking/block-follows-devices-and-stops-messages", Fixture, NULL,
              fixture_set_up, test_block_follows_devices_and_stops_messages, fixture_tear_down);
  g_test_add ("/natter/core/blocking/block-answers-request", Fixture, NULL,
              fixture_set_up, test_block_answers_request, fixture_tear_down);
  g_test_add ("/natter/core/blocking/offline-fails-clearly", Fixture, NULL,
              fixture_set_up, test_offline_fails_clearly, fixture_tear_down);

  return g_test_run ();
}
