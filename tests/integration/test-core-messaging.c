/* test-core-messaging.c: one-to-one messaging through the core against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/test-session (keyring).  Each device is a store of
 * its own in the isolated data directory, with its own account list,
 * conversation list and messaging pipeline.  The accounts are dan and
 * eve, which no other test uses.
 */
#include "config.h"

#include <string.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-server.h"
#include "../unit/test-core-helpers.h"

#define WAIT_S 30
#define HOST NATTER_TEST_DOMAIN
#define DAN "dan@" HOST
#define EVE "eve@" HOST

typedef struct
{
  NatterStore            *store;
  NatterAccountList      *accounts;
  NatterConversationList *conversations;
  NatterMessaging        *messaging;
  NatterAccount          *account;
} Device;

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
  GPtrArray        *devices;
  guint             tick;
} Fixture;

#define WAIT_FOR(condition, what) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC; \
    while (!(condition) && g_get_monotonic_time () < deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!(condition)) \
      g_error ("timed out waiting for %s", what); \
  } G_STMT_END

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static void
device_free (Device *device)
{
  natter_account_list_disconnect_all (device->accounts);
  g_clear_object (&device->messaging);
  g_clear_object (&device->conversations);
  g_clear_object (&device->accounts);
  natter_store_close (device->store);
  g_clear_object (&device->store);
  g_free (device);
}

static Device *
device_new (Fixture    *fixture,
            const char *jid,
            const char *resource)
{
  g_autofree char *path = NULL;
  g_autofree char *name = g_strdup_printf ("%s-%s.db", jid, resource);
  g_autoptr(GError) error = NULL;
  NatterAccountOptions options = { NULL, };
  Waiter waiter = { 0, };
  Device *device = g_new0 (Device, 1);

  path = g_build_filename (g_get_user_data_dir (), name, NULL);
  device->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  device->accounts = natter_account_list_new (device->store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (device->accounts, fixture->database);
  device->conversations = natter_conversation_list_new (device->accounts, &error);
  g_assert_no_error (error);

  options.resource = resource;
  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (fixture->server);
  options.direct_tls = TRUE;
  natter_account_list_add_async (device->accounts, jid, "secret", &options, NULL,
                                 waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  device->account = natter_account_list_add_finish (device->accounts, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_object_unref (device->account);
  device->messaging = natter_messaging_new (device->account, device->conversations);
  g_ptr_array_add (fixture->devices, device);

  WAIT_FOR (natter_account_get_state (device->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "the account to be online");
  WAIT_FOR (!natter_messaging_get_syncing (device->messaging), "the catch-up");
  return device;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "dan", "secret", &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "eve", "secret", &error);
  g_assert_no_error (error);
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

static NatterConversation *
open_conversation (Device     *device,
                   const char *peer)
{
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;

  conversation = natter_conversation_list_open (device->conversations, device->account,
                                                peer, &error);
  g_assert_no_error (error);
  return conversation;
}

static NatterMessage *
send_text (NatterConversation *conversation,
           const char         *body)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  NatterMessage *message;

  natter_conversation_send_async (conversation, body, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the message to be stored");
  message = natter_conversation_send_finish (conversation, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  return message;
}

static gint64
count (Device     *device,
       const char *peer)
{
  NatterConversation *conversation;
  g_autoptr(GError) error = NULL;
  gint64 n;

  conversation = natter_conversation_list_lookup (device->conversations, device->account, peer);
  if (conversation == NULL)
    return 0;
  n = natter_store_count_messages (device->store, natter_conversation_get_id (conversation),
                                   &error);
  g_assert_no_error (error);
  return n;
}

static void
check_states (Device     *from,
              Device     *to,
              const char *from_jid,
              const char *to_jid)
{
  NatterConversation *outgoing = open_conversation (from, to_jid);
  NatterConversation *incoming;
  g_autoptr(NatterMessage) message = NULL;
  NatterMessageList *list;
  g_autoptr(GError) error = NULL;

  list = natter_conversation_get_messages (outgoing, &error);
  g_assert_no_error (error);
  message = send_text (outgoing, "hello there");
  g_assert_cmpint (natter_message_get_direction (message), ==, NATTER_MESSAGE_DIRECTION_OUT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >=, 1);
  WAIT_FOR (natter_message_get_state (message) >= NATTER_MESSAGE_STATE_SENT, "sent");
  WAIT_FOR (natter_message_get_state (message) >= NATTER_MESSAGE_STATE_DELIVERED, "delivered");
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_DELIVERED);

  WAIT_FOR ((incoming = natter_conversation_list_lookup (to->conversations, to->account,
                                                         from_jid)) != NULL,
            "the conversation at the peer");
  g_assert_cmpuint (natter_conversation_get_unread (incoming), ==, 1);
  g_assert_cmpstr (natter_conversation_get_preview (incoming), ==, "hello there");
  natter_conversation_mark_read (incoming);
  g_assert_cmpuint (natter_conversation_get_unread (incoming), ==, 0);
  WAIT_FOR (natter_message_get_state (message) == NATTER_MESSAGE_STATE_READ, "read");
  g_assert_cmpint (count (from, to_jid), ==, count (to, from_jid));
}

/* (a) Both ways: pending → sent on the ack → delivered on the receipt →
 * read on the displayed marker. */
static void
test_states_both_ways (Fixture       *fixture,
                       gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  Device *eve = device_new (fixture, EVE, "desk");

  check_states (dan, eve, DAN, EVE);
  check_states (eve, dan, EVE, DAN);
  g_assert_cmpint (count (dan, EVE), ==, 2);
  g_assert_cmpint (count (eve, DAN), ==, 2);
}

/* (c) Sent while the peer was offline: arrives through the archive, on a
 * fresh profile.  A message that arrives live, as a carbon on the other
 * device, and again through the archive on a fresh session is stored
 * once. */
static void
test_offline_through_archive_once (Fixture       *fixture,
                                   gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  NatterConversation *to_eve = open_conversation (dan, EVE);
  Device *eve, *eve2;
  g_autoptr(NatterMessage) live = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("offline %u", i);
      g_autoptr(NatterMessage) message = send_text (to_eve, body);

      WAIT_FOR (natter_message_get_state (message) >= NATTER_MESSAGE_STATE_SENT, "sent");
    }

  eve = device_new (fixture, EVE, "desk");
  WAIT_FOR (count (eve, DAN) == 3, "the archive");
  eve2 = device_new (fixture, EVE, "phone");
  WAIT_FOR (count (eve2, DAN) == 3, "the archive on the second device");

  live = send_text (to_eve, "live");
  WAIT_FOR (count (eve, DAN) == 4 && count (eve2, DAN) == 4, "live and carbon");

  /* A fresh session on each: catch-up from the last stored id. */
  natter_account_set_enabled (eve->account, FALSE);
  natter_account_set_enabled (eve->account, TRUE);
  WAIT_FOR (natter_account_get_state (eve->account) == NATTER_ACCOUNT_STATE_ONLINE, "online");
  WAIT_FOR (!natter_messaging_get_syncing (eve->messaging), "the catch-up");
  g_assert_cmpint (count (eve, DAN), ==, 4);
  g_assert_cmpint (count (eve2, DAN), ==, 4);
  g_assert_cmpint (count (dan, EVE), ==, 4);
}

/* (d) A second device of the same account sees both directions through
 * carbons. */
static void
test_second_device_sees_both_directions (Fixture       *fixture,
                                         gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  Device *dan2 = device_new (fixture, DAN, "phone");
  Device *eve = device_new (fixture, EVE, "desk");
  g_autoptr(NatterMessage) out = NULL;
  g_autoptr(NatterMessage) in = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  NatterConversation *conversation;
  guint n_out = 0, n_in = 0;

  out = send_text (open_conversation (dan, EVE), "from dan's desk");
  in = send_text (open_conversation (eve, DAN), "from eve");
  WAIT_FOR (count (dan2, EVE) == 2, "both carbons on the phone");
  WAIT_FOR (count (dan, EVE) == 2, "eve's message on the desk");

  conversation = natter_conversation_list_lookup (dan2->conversations, dan2->account, EVE);
  rows = natter_store_list_latest_messages (dan2->store, natter_conversation_get_id (conversation),
                                            10, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      NatterStoreMessage *row = g_ptr_array_index (rows, i);

      if (row->direction == NATTER_STORE_DIRECTION_OUT)
        {
          n_out++;
          g_assert_cmpstr (row->body, ==, "from dan's desk");
        }
      else
        {
          n_in++;
          g_assert_cmpstr (row->body, ==, "from eve");
        }
    }
  g_assert_cmpuint (n_out, ==, 1);
  g_assert_cmpuint (n_in, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/messaging/states-both-ways", Fixture, NULL,
              fixture_set_up, test_states_both_ways, fixture_tear_down);
  g_test_add ("/natter/core/messaging/offline-through-archive-once", Fixture, NULL,
              fixture_set_up, test_offline_through_archive_once, fixture_tear_down);
  g_test_add ("/natter/core/messaging/second-device-sees-both-directions", Fixture, NULL,
              fixture_set_up, test_second_device_sees_both_directions, fixture_tear_down);

  return g_test_run ();
}
