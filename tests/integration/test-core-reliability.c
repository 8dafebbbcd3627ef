/* test-core-reliability.c: nothing lost, nothing doubled, across cuts and crashes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/test-session (keyring).  Like test-core-messaging,
 * each device is a store of its own with its own account list,
 * conversation list and messaging pipeline; here dan connects through a
 * NatterTestProxy the test cuts, like a bad network.  The accounts are
 * dan and eve on a private Prosody per test.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-proxy.h"
#include "natter-test-server.h"
#include "../unit/test-core-helpers.h"
#include "test-core-waiting.h"

#define WAIT_S 60
#define HOST NATTER_TEST_DOMAIN
#define DAN "dan@" HOST
#define EVE "eve@" HOST
#define HIBERNATION_S 3
#define TORTURE_EACH 1000
#define TORTURE_MIN_CUTS 20
#define CRASH_DB_ENV "NATTER_TEST_CRASH_DB"

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
  NatterTestProxy  *proxy;
  guint             tick;
} Fixture;

static void
device_free (Device *device)
{
  if (device == NULL)
    return;
  natter_account_list_disconnect_all (device->accounts);
  g_clear_object (&device->messaging);
  g_clear_object (&device->conversations);
  g_clear_object (&device->accounts);
  natter_store_close (device->store);
  g_clear_object (&device->store);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

static char *
device_path (const char *jid,
             const char *resource)
{
  g_autofree char *name = g_strdup_printf ("%s-%s.db", jid, resource);

  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

/* Opens an existing store, with its account, without connecting it. */
static Device *
device_open (Fixture    *fixture,
             const char *path,
             const char *jid)
{
  g_autoptr(GError) error = NULL;
  Device *device = g_new0 (Device, 1);

  device->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  device->accounts = natter_account_list_new (device->store, &error);
  g_assert_no_error (error);
  if (fixture != NULL)
    natter_account_list_set_tls_database (device->accounts, fixture->database);
  device->conversations = natter_conversation_list_new (device->accounts, &error);
  g_assert_no_error (error);
  device->account = natter_account_list_lookup (device->accounts, jid);
  g_assert_nonnull (device->account);
  device->messaging = natter_messaging_new (device->account, device->conversations);
  return device;
}

static void
device_wait_online (Device *device)
{
  WAIT_FOR (natter_account_get_state (device->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "the account to be online");
  WAIT_FOR (!natter_messaging_get_syncing (device->messaging), "the catch-up");
}

/* Adds the account to a new store and brings it online, through @proxy
 * when there is one. */
static Device *
device_new (Fixture         *fixture,
            const char      *jid,
            const char      *resource,
            NatterTestProxy *proxy)
{
  g_autofree char *path = device_path (jid, resource);
  g_autoptr(GError) error = NULL;
  NatterAccountOptions options = { NULL, };
  Waiter waiter = { 0, };
  Device *device = g_new0 (Device, 1);

  device->store = natter_store_open (path, &error);
  g_assert_no_error (error);
  device->accounts = natter_account_list_new (device->store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (device->accounts, fixture->database);
  device->conversations = natter_conversation_list_new (device->accounts, &error);
  g_assert_no_error (error);

  options.resource = resource;
  options.host = "127.0.0.1";
  options.port = proxy != NULL ? natter_test_proxy_get_port (proxy)
                               : natter_test_server_get_direct_tls_port (fixture->server);
  options.direct_tls = TRUE;
  natter_account_list_add_async (device->accounts, jid, "secret", &options, NULL,
                                 waiter_cb, &waiter);
  WAIT_FOR (waiter.done, "the account to be added");
  device->account = natter_account_list_add_finish (device->accounts, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  g_object_unref (device->account);
  device->messaging = natter_messaging_new (device->account, device->conversations);
  device_wait_online (device);
  return device;
}

static void
fixture_start (Fixture *fixture)
{
  NatterTestServerOptions options = { .hibernation_seconds = HIBERNATION_S, };
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (&options, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "dan", "secret", &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "eve", "secret", &error);
  g_assert_no_error (error);
  fixture->database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  fixture->proxy = natter_test_proxy_new (natter_test_server_get_direct_tls_port (fixture->server),
                                          &error);
  g_assert_no_error (error);
  fixture->tick = g_timeout_add (50, tick_cb, NULL);
}

static void
fixture_stop (Fixture *fixture)
{
  g_clear_handle_id (&fixture->tick, g_source_remove);
  g_clear_pointer (&fixture->proxy, natter_test_proxy_free);
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_start (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_stop (fixture);
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
conversation_id (Device     *device,
                 const char *peer)
{
  NatterConversation *conversation;

  conversation = natter_conversation_list_lookup (device->conversations, device->account, peer);
  return conversation != NULL ? natter_conversation_get_id (conversation) : 0;
}

static gint64
count (Device     *device,
       const char *peer)
{
  g_autoptr(GError) error = NULL;
  gint64 id = conversation_id (device, peer);
  gint64 n;

  if (id == 0)
    return 0;
  n = natter_store_count_messages (device->store, id, &error);
  g_assert_no_error (error);
  return n;
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
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  rows = natter_store_list_latest_messages (device->store, conversation_id (device, peer),
                                            G_MAXINT, &error);
  g_assert_no_error (error);
  g_ptr_array_sort (rows, compare_rows);
  return rows;
}

static gboolean
is_sent (NatterStoreMessageState state)
{
  return state == NATTER_STORE_MESSAGE_STATE_SENT ||
         state == NATTER_STORE_MESSAGE_STATE_DELIVERED ||
         state == NATTER_STORE_MESSAGE_STATE_READ;
}

static guint
count_unsent (Device     *device,
              const char *peer)
{
  g_autoptr(GPtrArray) rows = all_rows (device, peer);
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      NatterStoreMessage *row = g_ptr_array_index (rows, i);

      if (row->direction == NATTER_STORE_DIRECTION_OUT && !is_sent (row->state))
        n++;
    }
  return n;
}

/* (e) A message sent while the connection is cut is stored once on each
 * side and ends sent, then delivered. */
static void
test_send_while_cut (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Device) dan = device_new (fixture, DAN, "desk", fixture->proxy);
  g_autoptr(Device) eve = device_new (fixture, EVE, "desk", NULL);
  g_autoptr(NatterMessage) first = NULL;
  g_autoptr(NatterMessage) second = NULL;
  guint cut;

  /* Cut, then send before the client has noticed or reconnected: the
   * session is resumed. */
  cut = natter_test_proxy_cut (fixture->proxy);
  g_assert_cmpuint (cut, >=, 1);
  first = send_text (open_conversation (dan, EVE), "sent across a cut");
  WAIT_FOR (natter_message_get_state (first) >= NATTER_MESSAGE_STATE_SENT, "sent after a cut");
  WAIT_FOR (natter_message_get_state (first) >= NATTER_MESSAGE_STATE_DELIVERED,
            "delivered after a cut");

  /* Cut and refuse beyond the hibernation time: the session is lost and
   * the message goes out from the outbox on the fresh session. */
  natter_test_proxy_set_refusing (fixture->proxy, TRUE);
  natter_test_proxy_cut (fixture->proxy);
  second = send_text (open_conversation (dan, EVE), "sent across an outage");
  spin ((HIBERNATION_S + 2) * 1000);
  g_assert_cmpint (natter_message_get_state (second), ==, NATTER_MESSAGE_STATE_PENDING);
  natter_test_proxy_set_refusing (fixture->proxy, FALSE);
  WAIT_FOR_S (natter_message_get_state (second) >= NATTER_MESSAGE_STATE_DELIVERED, 90,
              "delivered after an outage");

  WAIT_FOR (count (eve, DAN) == 2, "both at the peer");
  spin (1000);
  g_assert_cmpint (count (dan, EVE), ==, 2);
  g_assert_cmpint (count (eve, DAN), ==, 2);
  g_assert_cmpuint (count_unsent (dan, EVE), ==, 0);
}

/* (f) The process dies with a message pending; after a restart it goes
 * out once, and not again after a second restart. */
static void
crash_child (void)
{
  const char *path = g_getenv (CRASH_DB_ENV);
  Device *dan;
  g_autoptr(NatterMessage) message = NULL;

  g_assert_nonnull (path);
  dan = device_open (NULL, path, DAN);
  /* Nothing is connected: the message is only written ahead. */
  message = send_text (open_conversation (dan, EVE), "written before the crash");
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_PENDING);
  _exit (0);
}

static void
test_crash_pending (void)
{
  Fixture fixture_ = { NULL, }, *fixture = &fixture_;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  NatterStoreMessage *row;
  Device *dan, *eve;

  if (g_test_subprocess ())
    {
      crash_child ();
      return;
    }

  fixture_start (fixture);
  path = device_path (DAN, "desk");
  eve = device_new (fixture, EVE, "desk", NULL);

  /* The account exists in dan's store; then everything is closed. */
  dan = device_new (fixture, DAN, "desk", NULL);
  device_free (dan);

  g_setenv (CRASH_DB_ENV, path, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_unsetenv (CRASH_DB_ENV);

  /* Restart: the pending message goes out once. */
  dan = device_open (fixture, path, DAN);
  g_assert_cmpint (count (dan, EVE), ==, 1);
  g_assert_cmpuint (count_unsent (dan, EVE), ==, 1);
  natter_account_list_connect_all (dan->accounts);
  device_wait_online (dan);
  WAIT_FOR (count_unsent (dan, EVE) == 0, "the pending message to be sent");
  WAIT_FOR (count (eve, DAN) == 1, "the message at the peer");
  spin (1500);
  g_assert_cmpint (count (eve, DAN), ==, 1);
  rows = all_rows (eve, DAN);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->body, ==, "written before the crash");
  g_clear_pointer (&rows, g_ptr_array_unref);
  device_free (dan);

  /* Restart again: nothing is sent a second time. */
  dan = device_open (fixture, path, DAN);
  natter_account_list_connect_all (dan->accounts);
  device_wait_online (dan);
  spin (2000);
  g_assert_cmpint (count (dan, EVE), ==, 1);
  g_assert_cmpint (count (eve, DAN), ==, 1);
  rows = all_rows (dan, EVE);
  row = g_ptr_array_index (rows, 0);
  g_assert_true (is_sent (row->state));
  device_free (dan);

  device_free (eve);
  fixture_stop (fixture);
}

/* (h) A message written while the client reconnects to resume its
 * session waits in the outbox and goes out once the session is resumed,
 * not only after the next fresh session. */
static void
test_written_while_resuming (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(Device) dan = device_new (fixture, DAN, "desk", fixture->proxy);
  g_autoptr(Device) eve = device_new (fixture, EVE, "desk", NULL);
  g_autoptr(NatterMessage) message = NULL;

  g_assert_cmpuint (natter_test_proxy_cut (fixture->proxy), >=, 1);
  WAIT_FOR (natter_account_get_state (dan->account) != NATTER_ACCOUNT_STATE_ONLINE,
            "dan to notice the cut");
  message = send_text (open_conversation (dan, EVE), "written while resuming");
  g_assert_cmpint (natter_message_get_state (message), ==, NATTER_MESSAGE_STATE_PENDING);
  WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_ONLINE,
            "dan back online");
  g_assert_true (xmpp_client_get_resumed (natter_account_get_client (dan->account)));
  WAIT_FOR_S (natter_message_get_state (message) >= NATTER_MESSAGE_STATE_SENT, 10,
              "the message sent on the resumed session");
  WAIT_FOR (count (eve, DAN) == 1, "the message at eve");
}

/* (g) Messages the server replays on resumption keep their place.
 * Prosody stamps each stanza it queues for a session with a `<delay/>`
 * of whole seconds; one queued while dan's connection was cut must not
 * be filed before the one dan received live just before the cut, within
 * the same second.  Each round starts early in a second so that both fall
 * into it. */
static void
test_resumed_delivery_keeps_order (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(Device) dan = device_new (fixture, DAN, "desk", fixture->proxy);
  g_autoptr(Device) eve = device_new (fixture, EVE, "desk", NULL);
  NatterConversation *to_dan = open_conversation (eve, DAN);
  g_autoptr(GPtrArray) rows = NULL;
  guint sent = 0, same_second = 0;

  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *first = g_strdup_printf ("eve %04u", sent++);
      g_autofree char *second = g_strdup_printf ("eve %04u", sent++);
      g_autoptr(NatterMessage) a = NULL;
      g_autoptr(NatterMessage) b = NULL;
      gint64 start;

      WAIT_FOR (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_ONLINE,
                "dan online");
      while (g_get_real_time () % G_USEC_PER_SEC > G_USEC_PER_SEC / 10)
        g_main_context_iteration (NULL, FALSE);
      start = g_get_real_time () / G_USEC_PER_SEC;

      a = send_text (to_dan, first);
      WAIT_FOR (count (dan, EVE) == sent - 1, "the first message at dan");
      g_assert_cmpuint (natter_test_proxy_cut (fixture->proxy), >=, 1);
      b = send_text (to_dan, second);
      WAIT_FOR (natter_message_get_state (b) >= NATTER_MESSAGE_STATE_SENT, "the second sent");
      if (g_get_real_time () / G_USEC_PER_SEC == start)
        same_second++;
      WAIT_FOR (count (dan, EVE) == sent, "the second message at dan");
    }
  g_test_message ("%u of 3 rounds within one second", same_second);
  g_assert_cmpuint (same_second, >=, 1);

  rows = all_rows (dan, EVE);
  g_assert_cmpuint (rows->len, ==, sent);
  for (guint i = 0; i < rows->len; i++)
    {
      NatterStoreMessage *row = g_ptr_array_index (rows, i);
      g_autofree char *body = g_strdup_printf ("eve %04u", i);

      g_assert_cmpstr (row->body, ==, body);
    }
}

/* (b) The torture test. */

typedef struct
{
  NatterConversation *conversation;
  guint               next;
  guint               stored;
} Sender;

static void
torture_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Sender *sender = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterMessage) message = NULL;

  message = natter_conversation_send_finish (NATTER_CONVERSATION (object), result, &error);
  g_assert_no_error (error);
  sender->stored++;
}

static void
torture_send (Sender     *sender,
              const char *who)
{
  g_autofree char *body = g_strdup_printf ("%s %04u", who, sender->next++);

  natter_conversation_send_async (sender->conversation, body, NULL, torture_sent_cb, sender);
}

/* Checks one database: exactly 2 × TORTURE_EACH messages, each body once,
 * each direction in send order, every outgoing one sent or better.
 * Reports every broken rule before failing. */
static void
torture_check (Device     *device,
               const char *peer,
               const char *own_prefix,
               const char *peer_prefix)
{
  g_autoptr(GPtrArray) rows = all_rows (device, peer);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  int last[2] = { -1, -1 };
  guint lost = 0, doubled = 0, reordered = 0, unsent = 0, foreign = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      NatterStoreMessage *row = g_ptr_array_index (rows, i);
      gboolean out = row->direction == NATTER_STORE_DIRECTION_OUT;
      const char *prefix = out ? own_prefix : peer_prefix;
      size_t len = strlen (prefix);
      int n;

      if (row->body == NULL || strncmp (row->body, prefix, len) != 0 || row->body[len] != ' ')
        {
          g_test_message ("%s: unexpected row %" G_GINT64_FORMAT " body '%s' direction %d",
                          own_prefix, row->id, row->body, row->direction);
          foreign++;
          continue;
        }
      if (!g_hash_table_add (seen, row->body))
        {
          g_test_message ("%s: doubled: '%s' (row %" G_GINT64_FORMAT ")",
                          own_prefix, row->body, row->id);
          doubled++;
        }
      n = atoi (row->body + len + 1);
      if (n <= last[out])
        {
          g_test_message ("%s: reordered: '%s' (row %" G_GINT64_FORMAT ", time %" G_GINT64_FORMAT
                          ") right after %d", own_prefix, row->body, row->id, row->timestamp, last[out]);
          reordered++;
        }
      last[out] = n;
      if (out && !is_sent (row->state))
        {
          g_test_message ("%s: not sent: '%s' state %d", own_prefix, row->body, row->state);
          unsent++;
        }
    }
  for (guint d = 0; d < 2; d++)
    for (guint n = 0; n < TORTURE_EACH; n++)
      {
        g_autofree char *body = g_strdup_printf ("%s %04u", d ? own_prefix : peer_prefix, n);

        if (!g_hash_table_contains (seen, body))
          {
            g_test_message ("%s: lost: '%s'", own_prefix, body);
            lost++;
          }
      }

  g_test_message ("%s: %u rows, %u lost, %u doubled, %u reordered, %u not sent, %u foreign",
                  own_prefix, rows->len, lost, doubled, reordered, unsent, foreign);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_cmpuint (doubled, ==, 0);
  g_assert_cmpuint (reordered, ==, 0);
  g_assert_cmpuint (unsent, ==, 0);
  g_assert_cmpuint (foreign, ==, 0);
  g_assert_cmpuint (rows->len, ==, 2 * TORTURE_EACH);
}

static gboolean
torture_settled (Device *dan,
                 Device *eve)
{
  return count (dan, EVE) >= 2 * TORTURE_EACH && count (eve, DAN) >= 2 * TORTURE_EACH &&
         count_unsent (dan, EVE) == 0 && count_unsent (eve, DAN) == 0;
}

static void
test_torture (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Device) dan = device_new (fixture, DAN, "desk", fixture->proxy);
  g_autoptr(Device) eve = device_new (fixture, EVE, "desk", NULL);
  guint32 seed = g_random_int ();
  g_autoptr(GRand) rand = NULL;
  Sender from_dan = { open_conversation (dan, EVE), 0, 0 };
  Sender from_eve = { open_conversation (eve, DAN), 0, 0 };
  guint cuts = 0, long_cuts = 0, rounds = 0;
  gint64 start = g_get_monotonic_time ();

  if (g_getenv ("NATTER_TORTURE_SEED") != NULL)
    seed = (guint32) g_ascii_strtoull (g_getenv ("NATTER_TORTURE_SEED"), NULL, 10);
  g_test_message ("torture seed %u (NATTER_TORTURE_SEED=%u to repeat)", seed, seed);
  rand = g_rand_new_with_seed (seed);

  while (from_dan.next < TORTURE_EACH || from_eve.next < TORTURE_EACH)
    {
      guint burst = g_rand_int_range (rand, 5, 60);
      guint cut_at = g_rand_int_range (rand, 0, burst);
      gboolean cut = TRUE;
      gboolean long_cut = cut && (long_cuts < 3 ? g_rand_double (rand) < 0.25
                                                : g_rand_double (rand) < 0.05);

      rounds++;
      for (guint i = 0; i < burst; i++)
        {
          /* Both sides send in the same burst, interleaved. */
          if (from_dan.next < TORTURE_EACH)
            torture_send (&from_dan, "dan");
          if (from_eve.next < TORTURE_EACH && g_rand_boolean (rand))
            torture_send (&from_eve, "eve");
          if (cut && i == cut_at)
            {
              if (long_cut)
                natter_test_proxy_set_refusing (fixture->proxy, TRUE);
              /* Only a cut that dropped a live connection counts. */
              if (natter_test_proxy_cut (fixture->proxy) > 0)
                cuts++;
            }
          if (g_rand_int_range (rand, 0, 4) == 0)
            g_main_context_iteration (NULL, FALSE);
        }
      if (long_cut)
        {
          /* Beyond the hibernation time: resumption fails, the full
           * reconnect, outbox and catch-up path runs. */
          spin ((HIBERNATION_S + 2) * 1000 + g_rand_int_range (rand, 0, 1500));
          natter_test_proxy_set_refusing (fixture->proxy, FALSE);
          long_cuts++;
        }
      spin (g_rand_int_range (rand, 20, 600));
      /* The next cut must find a live connection to count. */
      WAIT_FOR_S (natter_account_get_state (dan->account) == NATTER_ACCOUNT_STATE_ONLINE, 90,
                  "dan back online");
    }
  while (from_eve.next < TORTURE_EACH)
    torture_send (&from_eve, "eve");

  g_test_message ("%u rounds, %u cuts (%u beyond hibernation), %u connections accepted, "
                  "sending took %.1f s", rounds, cuts, long_cuts,
                  natter_test_proxy_get_accepted (fixture->proxy),
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (cuts, >=, TORTURE_MIN_CUTS);
  g_assert_cmpuint (long_cuts, >=, 2);

  {
    gint64 deadline = g_get_monotonic_time () + 180 * G_USEC_PER_SEC;

    while (!torture_settled (dan, eve) && g_get_monotonic_time () < deadline)
      spin (250);
  }
  g_assert_cmpuint (from_dan.stored, ==, TORTURE_EACH);
  g_assert_cmpuint (from_eve.stored, ==, TORTURE_EACH);
  /* Late doubles would arrive now. */
  spin (2000);
  g_test_message ("settled after %.1f s: dan holds %" G_GINT64_FORMAT ", eve holds %"
                  G_GINT64_FORMAT ", unsent %u / %u",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                  count (dan, EVE), count (eve, DAN), count_unsent (dan, EVE),
                  count_unsent (eve, DAN));
  torture_check (dan, EVE, "dan", "eve");
  torture_check (eve, DAN, "eve", "dan");
}

int
main (int   argc,
      char *argv[])
{
  test_core_init (&argc, &argv);

  g_test_add ("/natter/core/reliability/send-while-cut", Fixture, NULL,
              fixture_set_up, test_send_while_cut, fixture_tear_down);
  g_test_add_func ("/natter/core/reliability/crash-pending", test_crash_pending);
  g_test_add ("/natter/core/reliability/resumed-delivery-keeps-order", Fixture, NULL,
              fixture_set_up, test_resumed_delivery_keeps_order, fixture_tear_down);
  g_test_add ("/natter/core/reliability/written-while-resuming", Fixture, NULL,
              fixture_set_up, test_written_while_resuming, fixture_tear_down);
  g_test_add ("/natter/core/reliability/torture", Fixture, NULL,
              fixture_set_up, test_torture, fixture_tear_down);

  return g_test_run ();
}
