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
#include "core/natter-conversation-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-server.h"
#include "natter-test-xmpp.h"
#include "../unit/test-core-helpers.h"
#include "test-core-waiting.h"

#define WAIT_S 30
#define HOST NATTER_TEST_DOMAIN
#define DAN "dan@" HOST
#define EVE "eve@" HOST
#define FAY "fay@" HOST
#define HISTORY_PAGE_MAX 10
#define HISTORY_TOTAL 25

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

/* A device whose background backfill stops after @backfill_pages pages
 * (0: the whole archive). */
static Device *
device_new_full (Fixture    *fixture,
                 const char *jid,
                 const char *resource,
                 guint       backfill_pages)
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
  natter_messaging_set_backfill_limit (device->messaging, backfill_pages);
  g_ptr_array_add (fixture->devices, device);

  WAIT_FOR (natter_account_get_state (device->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "the account to be online");
  WAIT_FOR (!natter_messaging_get_syncing (device->messaging), "the catch-up");
  return device;
}

static Device *
device_new (Fixture    *fixture,
            const char *jid,
            const char *resource)
{
  return device_new_full (fixture, jid, resource, 0);
}

/* A fresh session: the catch-up runs again. */
static void
device_reconnect (Device *device)
{
  natter_account_set_enabled (device->account, FALSE);
  natter_account_set_enabled (device->account, TRUE);
  WAIT_FOR (natter_account_get_state (device->account) == NATTER_ACCOUNT_STATE_ONLINE, "online");
  WAIT_FOR (!natter_messaging_get_syncing (device->messaging), "the catch-up");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (data, &error);
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

/* Privacy: a peer that keeps deliveries and reading private sends
 * neither receipts nor displayed markers; our message stays sent. */
static void
test_private_receipts_and_markers (Fixture       *fixture,
                                   gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  Device *eve = device_new (fixture, EVE, "desk");
  NatterConversation *outgoing = open_conversation (dan, EVE);
  NatterConversation *incoming;
  g_autoptr(NatterMessage) message = NULL;

  natter_messaging_set_privacy (eve->messaging, FALSE, FALSE);
  message = send_text (outgoing, "tell nobody");
  WAIT_FOR ((incoming = natter_conversation_list_lookup (eve->conversations, eve->account,
                                                         DAN)) != NULL &&
            natter_conversation_get_unread (incoming) == 1, "the message at Eve's");
  natter_conversation_mark_read (incoming);
  g_assert_cmpuint (natter_conversation_get_unread (incoming), ==, 0);
  /* A round trip later nothing came back. */
  g_clear_object (&message);
  message = send_text (open_conversation (eve, DAN), "ping");
  WAIT_FOR (natter_conversation_get_unread (outgoing) == 1, "Eve's answer at Dan's");
  {
    NatterMessageList *list = natter_conversation_get_messages (outgoing, NULL);
    g_autoptr(NatterMessage) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (natter_message_get_body (first), ==, "tell nobody");
    g_assert_cmpint (natter_message_get_state (first), ==, NATTER_MESSAGE_STATE_SENT);
  }
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


static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const NatterStoreMessage *x = *(NatterStoreMessage * const *) a;
  const NatterStoreMessage *y = *(NatterStoreMessage * const *) b;

  if (x->timestamp != y->timestamp)
    return x->timestamp < y->timestamp ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Every message of the conversation, in the store's order (timestamp, id). */
static GPtrArray *
all_rows (Device     *device,
          const char *peer)
{
  NatterConversation *conversation;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  conversation = natter_conversation_list_lookup (device->conversations, device->account, peer);
  g_assert_nonnull (conversation);
  rows = natter_store_list_latest_messages (device->store,
                                            natter_conversation_get_id (conversation),
                                            G_MAXINT, &error);
  g_assert_no_error (error);
  g_ptr_array_sort (rows, compare_rows);
  return rows;
}

static NatterStoreMessage *
row_with_body (Device     *device,
               const char *peer,
               const char *body)
{
  g_autoptr(GPtrArray) rows = all_rows (device, peer);

  for (guint i = 0; i < rows->len; i++)
    {
      NatterStoreMessage *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->body, body) == 0)
        return natter_store_message_ref (row);
    }
  return NULL;
}

/* (e) A message delivered after another is filed after it, whatever time
 * it claims: here its sender wrote it (and stamped it) before the first
 * one arrived, as a client resending after a failed resumption does. */
static void
test_delivered_order_beats_claimed_time (Fixture       *fixture,
                                         gconstpointer  data)
{
  Device *eve = device_new (fixture, EVE, "desk");
  XmppClient *dan = natter_test_client_new (fixture->server, DAN "/raw", "secret");
  g_autoptr(XmppJid) to = xmpp_jid_new (EVE, NULL);
  g_autoptr(XmppNode) first = NULL;
  g_autoptr(XmppNode) second = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);
  g_autoptr(GDateTime) written = NULL;
  g_autofree char *stamp = NULL;
  XmppNode *delay;
  gint64 arrived;

  natter_test_client_go_online (dan);
  first = xmpp_message_build_chat (to, "order-first", "first");
  xmpp_client_send (dan, first);
  WAIT_FOR (count (eve, DAN) == 1, "the first message");
  rows = all_rows (eve, DAN);
  arrived = ((NatterStoreMessage *) g_ptr_array_index (rows, 0))->timestamp;
  g_clear_pointer (&rows, g_ptr_array_unref);

  written = g_date_time_add (epoch, arrived - 1000);
  stamp = g_date_time_format (written, "%Y-%m-%dT%H:%M:%S.%fZ");
  second = xmpp_message_build_chat (to, "order-second", "second");
  delay = xmpp_node_add_child (second, "delay", XMPP_NS_DELAY);
  xmpp_node_set_attribute (delay, "stamp", stamp);
  xmpp_node_set_attribute (delay, "from", DAN);
  xmpp_client_send (dan, second);
  WAIT_FOR (count (eve, DAN) == 2, "the second message");

  rows = all_rows (eve, DAN);
  g_assert_cmpstr (((NatterStoreMessage *) g_ptr_array_index (rows, 0))->body, ==, "first");
  g_assert_cmpstr (((NatterStoreMessage *) g_ptr_array_index (rows, 1))->body, ==, "second");
  natter_test_client_finish (dan);
}

static gboolean
retry (NatterConversation  *conversation,
       NatterMessage       *message,
       GError             **error)
{
  Waiter waiter = { 0, };
  gboolean ok;

  natter_conversation_retry_async (conversation, message, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the retry");
  ok = natter_conversation_retry_finish (conversation, waiter.result, error);
  g_object_unref (waiter.result);
  return ok;
}

/* (f) A bounce fails the message it answers, with a reason, and is no
 * message of its own; the server's ack and the archive's copies of the
 * message and of the bounce do not undo that, nor, once it is retried,
 * fail it again.  The retry keeps the message's origin-id. */
static void
test_bounce_fails_and_retry_resends (Fixture       *fixture,
                                     gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  NatterConversation *to_fay = open_conversation (dan, FAY);
  NatterConversation *to_gus = open_conversation (dan, "gus@" HOST);
  g_autoptr(NatterMessage) message = NULL;
  g_autoptr(NatterMessage) lost = NULL;
  g_autoptr(NatterMessage) fine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *origin_id = NULL;
  Device *fay;

  message = send_text (to_fay, "are you there?");
  lost = send_text (to_gus, "hello gus");
  origin_id = g_strdup (natter_message_get_origin_id (message));
  WAIT_FOR (natter_message_get_state (message) == NATTER_MESSAGE_STATE_FAILED &&
            natter_message_get_state (lost) == NATTER_MESSAGE_STATE_FAILED, "the bounces");
  g_assert_nonnull (natter_message_get_error (message));
  g_test_message ("bounced: %s", natter_message_get_error (message));
  spin (1000);
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_FAILED);
  g_assert_cmpint (count (dan, FAY), ==, 1);
  g_assert_cmpint (count (dan, "gus@" HOST), ==, 1);

  /* Only a failed message can be retried. */
  fine = send_text (open_conversation (dan, EVE), "hello eve");
  WAIT_FOR (natter_message_get_state (fine) >= NATTER_MESSAGE_STATE_SENT, "sent to eve");
  g_assert_false (retry (open_conversation (dan, EVE), fine, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (retry (open_conversation (dan, EVE), message, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Fay exists now: the retry goes out and stays sent. */
  natter_test_server_add_account (fixture->server, "fay", "secret", &error);
  g_assert_no_error (error);
  g_assert_true (retry (to_fay, message, &error));
  g_assert_no_error (error);
  g_assert_null (natter_message_get_error (message));
  g_assert_cmpint (natter_message_get_state (message), !=, NATTER_MESSAGE_STATE_FAILED);
  WAIT_FOR (natter_message_get_state (message) == NATTER_MESSAGE_STATE_SENT, "the retry sent");
  spin (1000);
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_SENT);
  g_assert_cmpstr (natter_message_get_origin_id (message), ==, origin_id);
  g_assert_cmpint (count (dan, FAY), ==, 1);

  /* A fresh session pages the archive over both messages and their
   * bounces: the retried message stays sent, the other failed. */
  device_reconnect (dan);
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_SENT);
  g_assert_cmpint (natter_message_get_state (lost), ==, NATTER_MESSAGE_STATE_FAILED);
  g_assert_cmpint (count (dan, FAY), ==, 1);
  g_assert_cmpint (count (dan, "gus@" HOST), ==, 1);

  fay = device_new (fixture, FAY, "desk");
  WAIT_FOR (count (fay, DAN) == 1, "the message at fay");
  {
    g_autoptr(NatterStoreMessage) row = row_with_body (fay, DAN, "are you there?");

    g_assert_nonnull (row);
    g_assert_cmpstr (row->origin_id, ==, origin_id);
  }
}

/* (f2) The archive's copy of a bounce that came before a retry answers
 * the old copy: the catch-up does not fail the retried message. */
static void
test_archived_bounce_spares_retry (Fixture       *fixture,
                                   gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  NatterConversation *to_eve = open_conversation (dan, EVE);
  XmppClient *eve = natter_test_client_new (fixture->server, EVE "/raw", "secret");
  g_autoptr(NatterMessage) message = NULL;
  g_autoptr(XmppNode) bounce = NULL;
  g_autoptr(GError) error = NULL;
  XmppNode *child;

  natter_test_client_go_online (eve);
  message = send_text (to_eve, "bounce me");
  WAIT_FOR (natter_message_get_state (message) == NATTER_MESSAGE_STATE_SENT, "sent");

  /* The peer's side refuses it, with a text of its own. */
  bounce = xmpp_node_build ("message", XMPP_NS_CLIENT, "type", "error",
                            "id", natter_message_get_origin_id (message),
                            "to", DAN "/desk", NULL);
  child = xmpp_node_add_child_with_attributes (bounce, "error", NULL, "type", "cancel", NULL);
  xmpp_node_add_child (child, "not-acceptable", "urn:ietf:params:xml:ns:xmpp-stanzas");
  xmpp_node_add_text_child (child, "text", "urn:ietf:params:xml:ns:xmpp-stanzas", "no thanks");
  xmpp_client_send (eve, bounce);
  WAIT_FOR (natter_message_get_state (message) == NATTER_MESSAGE_STATE_FAILED, "the bounce");
  g_assert_nonnull (strstr (natter_message_get_error (message), "no thanks"));
  g_assert_cmpint (count (dan, EVE), ==, 1);

  spin (1500);
  g_assert_true (retry (to_eve, message, &error));
  g_assert_no_error (error);
  WAIT_FOR (natter_message_get_state (message) == NATTER_MESSAGE_STATE_SENT, "the retry sent");

  device_reconnect (dan);
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_SENT);
  g_assert_cmpint (count (dan, EVE), ==, 1);
  natter_test_client_finish (eve);
}

static NatterContact *
lookup_contact (Device     *device,
                const char *jid)
{
  return natter_roster_lookup (natter_account_get_roster (device->account), jid);
}

static void
add_contact (Device     *device,
             const char *jid,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  NatterRoster *roster = natter_account_get_roster (device->account);
  Waiter waiter = { 0, };

  natter_roster_add_contact_async (roster, jid, name, NULL, NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the contact to be added");
  g_assert_true (natter_roster_add_contact_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  WAIT_FOR (lookup_contact (device, jid) != NULL &&
            natter_contact_get_in_roster (lookup_contact (device, jid)),
            "the roster push");
}

/* Dan and Eve see each other's presence. */
static void
subscribe_both (Device *dan,
                Device *eve)
{
  g_autoptr(GError) error = NULL;

  add_contact (dan, EVE, "Eve");
  WAIT_FOR (lookup_contact (eve, DAN) != NULL &&
            natter_contact_get_pending_in (lookup_contact (eve, DAN)),
            "Dan's request at Eve");
  g_assert_true (natter_roster_approve (natter_account_get_roster (eve->account),
                                        lookup_contact (eve, DAN), &error));
  g_assert_no_error (error);
  WAIT_FOR (natter_contact_get_subscription (lookup_contact (dan, EVE)) == NATTER_SUBSCRIPTION_BOTH,
            "the subscription");
}

/* (g) RFC 6121 §5.1: a reply goes to the resource that wrote, until that
 * resource goes offline; before, and after, to the bare JID, which
 * reaches every device directly. */
static void
test_reply_goes_to_last_resource (Fixture       *fixture,
                                  gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  Device *desk = device_new (fixture, EVE, "desk");
  Device *phone = device_new (fixture, EVE, "phone");
  NatterConversation *to_eve = open_conversation (dan, EVE);
  g_autoptr(NatterMessage) sent = NULL;
  g_autoptr(NatterStoreMessage) row = NULL;
  GListModel *resources;

  subscribe_both (dan, desk);
  resources = natter_contact_get_resources (lookup_contact (dan, EVE));
  WAIT_FOR (g_list_model_get_n_items (resources) == 2, "both of Eve's devices online at Dan");

  g_clear_object (&sent);
  sent = send_text (to_eve, "to both");
  WAIT_FOR (count (desk, DAN) == 1 && count (phone, DAN) == 1, "the message on both devices");
  row = row_with_body (desk, DAN, "to both");
  g_assert_cmpint (row->flags, ==, NATTER_STORE_MESSAGE_FLAG_NONE);
  g_clear_pointer (&row, natter_store_message_unref);
  row = row_with_body (phone, DAN, "to both");
  g_assert_cmpint (row->flags, ==, NATTER_STORE_MESSAGE_FLAG_NONE);
  g_clear_pointer (&row, natter_store_message_unref);

  /* The phone writes: the reply goes to the phone, the desk gets a carbon. */
  g_clear_object (&sent);
  sent = send_text (open_conversation (phone, DAN), "from the phone");
  WAIT_FOR (count (dan, EVE) == 2, "the phone's message at Dan");
  g_assert_true (g_str_has_suffix (natter_conversation_get_reply_to (to_eve), "/phone"));
  g_clear_object (&sent);
  sent = send_text (to_eve, "to the phone");
  WAIT_FOR (count (desk, DAN) == 3 && count (phone, DAN) == 3, "the reply on both devices");
  row = row_with_body (phone, DAN, "to the phone");
  g_assert_cmpint (row->flags, ==, NATTER_STORE_MESSAGE_FLAG_NONE);
  g_clear_pointer (&row, natter_store_message_unref);
  row = row_with_body (desk, DAN, "to the phone");
  g_assert_cmpint (row->flags, ==, NATTER_STORE_MESSAGE_FLAG_CARBON);
  g_clear_pointer (&row, natter_store_message_unref);

  /* The phone goes offline: back to the bare JID. */
  natter_account_set_enabled (phone->account, FALSE);
  WAIT_FOR (g_list_model_get_n_items (resources) == 1, "the phone offline at Dan");
  g_assert_cmpstr (natter_conversation_get_reply_to (to_eve), ==, EVE);
  g_clear_object (&sent);
  sent = send_text (to_eve, "after the phone left");
  WAIT_FOR (count (desk, DAN) == 4, "the message at the desk");
  row = row_with_body (desk, DAN, "after the phone left");
  g_assert_cmpint (row->flags, ==, NATTER_STORE_MESSAGE_FLAG_NONE);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* (h) The title is the contact's roster name, else the JID's local part,
 * and follows renames with notify::title. */
static void
test_title_follows_roster (Fixture       *fixture,
                           gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  NatterConversation *conversation = open_conversation (dan, EVE);
  NatterRoster *roster = natter_account_get_roster (dan->account);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  guint notified = 0;

  g_assert_cmpstr (natter_conversation_get_title (conversation), ==, "eve");
  g_signal_connect (conversation, "notify::title", G_CALLBACK (count_cb), &notified);

  add_contact (dan, EVE, "Eve Example");
  WAIT_FOR (g_strcmp0 (natter_conversation_get_title (conversation), "Eve Example") == 0,
            "the roster name");
  g_assert_cmpuint (notified, ==, 1);

  natter_roster_rename_contact_async (roster, lookup_contact (dan, EVE), "Evelyn", NULL,
                                      waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the rename");
  g_assert_true (natter_roster_rename_contact_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  WAIT_FOR (g_strcmp0 (natter_conversation_get_title (conversation), "Evelyn") == 0,
            "the new name");
  g_assert_cmpuint (notified, ==, 2);

  waiter.done = FALSE;
  natter_roster_remove_contact_async (roster, lookup_contact (dan, EVE), NULL, waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the removal");
  g_assert_true (natter_roster_remove_contact_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  WAIT_FOR (g_strcmp0 (natter_conversation_get_title (conversation), "eve") == 0,
            "the local part again");
  g_assert_cmpuint (notified, ==, 3);
}

static void
received_cb (NatterConversationList *list,
             NatterConversation     *conversation,
             NatterMessage          *message,
             gpointer                user_data)
{
  GPtrArray *bodies = user_data;

  g_assert_true (NATTER_IS_CONVERSATION (conversation));
  g_assert_cmpint (natter_message_get_direction (message), ==, NATTER_MESSAGE_DIRECTION_IN);
  g_ptr_array_add (bodies, g_strdup (natter_message_get_body (message)));
}

static gboolean
is_loading (NatterMessageList *list)
{
  return natter_message_list_get_loading_older (list);
}

/* (i) Archived history older than the store comes in by
 * natter_message_list_request_older(): page by page, once, in order,
 * and at-start only at the very beginning.  It is history: no
 * notification, no unread count. */
static void
test_history_pages_in_from_archive (Fixture       *fixture,
                                    gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  NatterConversation *to_eve = open_conversation (dan, EVE);
  g_autoptr(GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;
  NatterMessageList *list;
  ModelChecker *checker;
  XmppClient *other = natter_test_client_new (fixture->server, EVE "/other", "secret");
  Device *eve;
  guint requests = 0;

  for (guint i = 0; i < HISTORY_TOTAL; i++)
    {
      g_autofree char *body = g_strdup_printf ("history %02u", i);
      g_autoptr(NatterMessage) message = send_text (to_eve, body);

      WAIT_FOR (natter_message_get_state (message) >= NATTER_MESSAGE_STATE_SENT, "sent");
    }

  /* Another client of Eve's was online meanwhile (one that sends no
   * receipts, which would fill the archive's newest page): the history
   * is hers already, in the archive, not waiting offline for whichever
   * device signs in first. */
  natter_test_client_go_online (other);
  {
    g_autoptr(XmppNode) presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);

    xmpp_client_send (other, presence);
  }
  spin (1000);
  natter_test_client_finish (other);

  /* A new device fetches only the newest page in the background. */
  eve = device_new_full (fixture, EVE, "desk", 1);
  g_signal_connect (eve->conversations, "message-received", G_CALLBACK (received_cb), announced);
  g_assert_cmpint (count (eve, DAN), ==, HISTORY_PAGE_MAX);
  conversation = open_conversation (eve, DAN);
  list = natter_conversation_get_messages (conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, HISTORY_PAGE_MAX);
  g_assert_false (natter_message_list_get_at_start (list));
  g_assert_false (natter_message_list_get_loading_older (list));
  checker = model_checker_new (G_LIST_MODEL (list));

  while (!natter_message_list_get_at_start (list))
    {
      guint before = g_list_model_get_n_items (G_LIST_MODEL (list));

      g_assert_cmpuint (++requests, <=, 4);
      natter_message_list_request_older (list);
      g_assert_true (natter_message_list_get_loading_older (list));
      /* Asking again while loading does nothing. */
      natter_message_list_request_older (list);
      WAIT_FOR (!is_loading (list), "the archive page");
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, before);
    }
  g_assert_cmpuint (requests, ==, 2);
  g_assert_cmpuint (checker->n_signals, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, HISTORY_TOTAL);
  for (guint i = 0; i < HISTORY_TOTAL; i++)
    {
      g_autoptr(NatterMessage) message = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_autofree char *body = g_strdup_printf ("history %02u", i);

      g_assert_cmpstr (natter_message_get_body (message), ==, body);
    }
  g_assert_cmpint (count (eve, DAN), ==, HISTORY_TOTAL);

  /* At the start, asking again does nothing. */
  natter_message_list_request_older (list);
  g_assert_false (natter_message_list_get_loading_older (list));
  g_assert_cmpuint (checker->n_signals, ==, 2);
  model_checker_free (checker);

  g_assert_cmpuint (announced->len, ==, 0);
  g_assert_cmpuint (natter_conversation_get_unread (conversation), ==, 0);
}

/* (j) Receipts and displayed markers that reach us only through the
 * archive move our messages forward, and never back. */
static void
test_receipts_and_markers_from_archive (Fixture       *fixture,
                                        gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  NatterConversation *to_eve = open_conversation (dan, EVE);
  XmppClient *eve = natter_test_client_new (fixture->server, EVE "/raw", "secret");
  g_autoptr(XmppJid) to = xmpp_jid_new (DAN, NULL);
  g_autoptr(NatterMessage) one = NULL;
  g_autoptr(NatterMessage) two = NULL;
  const char *stanzas[3];

  natter_test_client_go_online (eve);
  one = send_text (to_eve, "one");
  two = send_text (to_eve, "two");
  WAIT_FOR (natter_message_get_state (one) == NATTER_MESSAGE_STATE_SENT &&
            natter_message_get_state (two) == NATTER_MESSAGE_STATE_SENT, "both sent");

  natter_account_set_enabled (dan->account, FALSE);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_OFFLINE, "offline");

  /* Two is read, then (late) its receipt; one is only delivered. */
  stanzas[0] = natter_message_get_origin_id (two);
  stanzas[1] = natter_message_get_origin_id (two);
  stanzas[2] = natter_message_get_origin_id (one);
  for (guint i = 0; i < G_N_ELEMENTS (stanzas); i++)
    {
      g_autoptr(XmppNode) stanza = i == 0 ? xmpp_message_build_displayed (to, stanzas[i])
                                          : xmpp_message_build_receipt (to, stanzas[i]);

      xmpp_client_send (eve, stanza);
    }
  spin (1000);

  natter_account_set_enabled (dan->account, TRUE);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_ONLINE, "online");
  WAIT_FOR (!natter_messaging_get_syncing (dan->messaging), "the catch-up");
  WAIT_FOR (natter_message_get_state (one) == NATTER_MESSAGE_STATE_DELIVERED, "one delivered");
  g_assert_cmpint (natter_message_get_state (two), ==, NATTER_MESSAGE_STATE_READ);
  natter_test_client_finish (eve);
}

/* (k) ::message-received: once per new message from the peer, live, as
 * a carbon of a message to another device, or from the catch-up after
 * being offline; not for our own messages or their carbons, nor for
 * copies of what is stored. */
static void
test_message_received_signal (Fixture       *fixture,
                              gconstpointer  data)
{
  Device *dan = device_new (fixture, DAN, "desk");
  Device *phone = device_new (fixture, DAN, "phone");
  Device *eve = device_new (fixture, EVE, "desk");
  g_autoptr(GPtrArray) at_desk = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) at_phone = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(NatterMessage) message = NULL;

  g_signal_connect (dan->conversations, "message-received", G_CALLBACK (received_cb), at_desk);
  g_signal_connect (phone->conversations, "message-received", G_CALLBACK (received_cb), at_phone);

  message = send_text (open_conversation (eve, DAN), "live");
  WAIT_FOR (at_desk->len == 1 && at_phone->len == 1, "the live message on both devices");
  g_clear_object (&message);

  /* Our own messages, and their carbons, are not announced. */
  message = send_text (open_conversation (phone, EVE), "from my phone");
  WAIT_FOR (count (dan, EVE) == 2 && count (eve, DAN) == 2, "the carbon and the message");
  g_clear_object (&message);
  message = send_text (open_conversation (dan, EVE), "from my desk");
  WAIT_FOR (count (phone, EVE) == 3 && count (eve, DAN) == 3, "the carbon and the message");
  g_clear_object (&message);

  /* Received while the desk was offline: announced by its catch-up. */
  natter_account_set_enabled (dan->account, FALSE);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_OFFLINE, "offline");
  message = send_text (open_conversation (eve, DAN), "while away");
  WAIT_FOR (at_phone->len == 2, "the message at the phone");
  g_clear_object (&message);
  natter_account_set_enabled (dan->account, TRUE);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_ONLINE, "online");
  WAIT_FOR (!natter_messaging_get_syncing (dan->messaging), "the catch-up");
  WAIT_FOR (at_desk->len == 2, "the catch-up's announcement");
  g_assert_cmpuint (natter_conversation_get_unread (open_conversation (dan, EVE)), ==, 2);

  /* A catch-up over what is stored announces nothing. */
  device_reconnect (dan);
  spin (500);
  g_assert_cmpuint (at_desk->len, ==, 2);

  /* Read on the phone while the desk was away: only what came after is
   * announced, and unread, at the desk. */
  natter_conversation_mark_read (open_conversation (dan, EVE));
  natter_account_set_enabled (dan->account, FALSE);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_OFFLINE, "offline");
  message = send_text (open_conversation (eve, DAN), "read on the phone");
  WAIT_FOR (at_phone->len == 3, "the message at the phone");
  g_clear_object (&message);
  natter_conversation_mark_read (open_conversation (phone, EVE));
  spin (500);
  message = send_text (open_conversation (eve, DAN), "after the phone read it");
  WAIT_FOR (at_phone->len == 4, "the next message at the phone");
  g_clear_object (&message);
  natter_account_set_enabled (dan->account, TRUE);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_ONLINE, "online");
  WAIT_FOR (!natter_messaging_get_syncing (dan->messaging), "the catch-up");
  WAIT_FOR (count (dan, EVE) == 6, "both messages at the desk");
  spin (500);
  g_assert_cmpuint (natter_conversation_get_unread (open_conversation (dan, EVE)), ==, 1);

  g_assert_cmpuint (at_desk->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (at_desk, 0), ==, "live");
  g_assert_cmpstr (g_ptr_array_index (at_desk, 1), ==, "while away");
  g_assert_cmpstr (g_ptr_array_index (at_desk, 2), ==, "after the phone read it");
  g_assert_cmpuint (at_phone->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (at_phone, 0), ==, "live");
  g_assert_cmpstr (g_ptr_array_index (at_phone, 1), ==, "while away");
}

int
main (int   argc,
      char *argv[])
{
  static const NatterTestServerOptions small_pages = { .archive_page_max = HISTORY_PAGE_MAX, };

  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/messaging/private-receipts-and-markers", Fixture, NULL,
              fixture_set_up, test_private_receipts_and_markers, fixture_tear_down);
  g_test_add ("/natter/core/messaging/states-both-ways", Fixture, NULL,
              fixture_set_up, test_states_both_ways, fixture_tear_down);
  g_test_add ("/natter/core/messaging/offline-through-archive-once", Fixture, NULL,
              fixture_set_up, test_offline_through_archive_once, fixture_tear_down);
  g_test_add ("/natter/core/messaging/second-device-sees-both-directions", Fixture, NULL,
              fixture_set_up, test_second_device_sees_both_directions, fixture_tear_down);
  g_test_add ("/natter/core/messaging/delivered-order-beats-claimed-time", Fixture, NULL,
              fixture_set_up, test_delivered_order_beats_claimed_time, fixture_tear_down);
  g_test_add ("/natter/core/messaging/bounce-fails-and-retry-resends", Fixture, NULL,
              fixture_set_up, test_bounce_fails_and_retry_resends, fixture_tear_down);
  g_test_add ("/natter/core/messaging/archived-bounce-spares-retry", Fixture, NULL,
              fixture_set_up, test_archived_bounce_spares_retry, fixture_tear_down);
  g_test_add ("/natter/core/messaging/reply-goes-to-last-resource", Fixture, NULL,
              fixture_set_up, test_reply_goes_to_last_resource, fixture_tear_down);
  g_test_add ("/natter/core/messaging/title-follows-roster", Fixture, NULL,
              fixture_set_up, test_title_follows_roster, fixture_tear_down);
  g_test_add ("/natter/core/messaging/history-pages-in-from-archive", Fixture, &small_pages,
              fixture_set_up, test_history_pages_in_from_archive, fixture_tear_down);
  g_test_add ("/natter/core/messaging/receipts-and-markers-from-archive", Fixture, NULL,
              fixture_set_up, test_receipts_and_markers_from_archive, fixture_tear_down);
  g_test_add ("/natter/core/messaging/message-received-signal", Fixture, NULL,
              fixture_set_up, test_message_received_signal, fixture_tear_down);

  return g_test_run ();
}
