/* test-xmpp-messaging.c: messages, carbons and the archive against a real Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each device is a client with the disco, message, carbons and MAM modules,
 * set up as the core layer will: on a fresh session, carbons are enabled
 * before the initial presence (SECURITY I5).  alice has two devices; bob
 * has one and plays the stranger when a test needs one.
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-carbons-private.h"
#include "xmpp/xmpp-mam-private.h"

#include "natter-test-server.h"

#define WAIT_S 30
#define HOST NATTER_TEST_DOMAIN
#define ALICE "alice@" HOST
#define BOB "bob@" HOST

typedef struct
{
  NatterTestServer *server;
  GTlsDatabase     *database;
  guint             tick;
} Fixture;

typedef struct
{
  XmppClient   *client;
  XmppDisco    *disco;
  XmppMessages *messages;
  XmppCarbons  *carbons;
  XmppMam      *mam;
  XmppJid      *full;
  guint         tap_id;
  gboolean      online;
  gboolean      presence_acked;
  gboolean      account_ready;
  GPtrArray    *received;        /* XmppMessage, from ::message */
  gboolean      capture_results; /* the tap keeps <result/>s instead of passing them on */
  GPtrArray    *captured;        /* XmppNode */
} Device;

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const names[] = { "alice", "bob" };
  NatterTestServerOptions options = { .archive_page_max = 250 };
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (&options, &error);
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

/* ------------------------------------------------------------------------
 * Devices
 * ------------------------------------------------------------------------ */

static void
presence_acked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Device *d = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_client_send_finish (XMPP_CLIENT (object), result, &error));
  g_assert_no_error (error);
  d->presence_acked = TRUE;
}

static void
carbons_enabled_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Device *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) presence = NULL;

  g_assert_true (xmpp_carbons_enable_finish (XMPP_CARBONS (object), result, &error));
  g_assert_no_error (error);

  /* The initial presence only once carbons are on (XEP-0280 §6). */
  presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  xmpp_client_send_async (d->client, presence, NULL, presence_acked_cb, d);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           Device     *d)
{
  d->online = TRUE;
  if (!resumed)
    xmpp_carbons_enable_async (d->carbons, NULL, carbons_enabled_cb, d);
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 Device       *d)
{
  d->online = FALSE;
}

static void
account_info_ready_cb (XmppDisco     *disco,
                       XmppDiscoInfo *info,
                       Device        *d)
{
  d->account_ready = TRUE;
}

static void
message_cb (XmppMessages *messages,
            XmppMessage  *message,
            Device       *d)
{
  g_ptr_array_add (d->received, xmpp_message_ref (message));
}

/* Registered before the modules, so it sees archive results first: while
 * capture_results is set it keeps them, otherwise it passes them on. */
static gboolean
tap_cb (XmppClient *client,
        XmppNode   *stanza,
        gpointer    user_data)
{
  Device *d = user_data;

  if (!d->capture_results)
    return FALSE;
  g_ptr_array_add (d->captured, xmpp_node_ref (stanza));
  return TRUE;
}

static Device *
device_new (Fixture    *fixture,
            const char *full_jid)
{
  Device *d = g_new0 (Device, 1);

  d->full = jid (full_jid);
  d->received = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_message_unref);
  d->captured = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);

  d->client = xmpp_client_new (d->full);
  xmpp_client_set_host (d->client, "127.0.0.1",
                        natter_test_server_get_direct_tls_port (fixture->server), TRUE);
  xmpp_client_set_tls_database (d->client, fixture->database);
  xmpp_client_set_password (d->client, "secret");
  d->tap_id = xmpp_client_add_handler (d->client, "message", "result", XMPP_NS_MAM,
                                       tap_cb, d, NULL);

  d->disco = xmpp_disco_new (d->client);
  d->messages = xmpp_messages_new (d->client, d->disco);
  d->carbons = xmpp_carbons_new (d->messages);
  d->mam = xmpp_mam_new (d->messages);

  g_signal_connect (d->client, "online", G_CALLBACK (online_cb), d);
  g_signal_connect (d->client, "disconnected", G_CALLBACK (disconnected_cb), d);
  g_signal_connect (d->disco, "account-info-ready", G_CALLBACK (account_info_ready_cb), d);
  g_signal_connect (d->messages, "message", G_CALLBACK (message_cb), d);

  xmpp_client_connect (d->client);
  WAIT_FOR (d->online, "online");
  WAIT_FOR (d->presence_acked, "carbons and the initial presence");
  WAIT_FOR (d->account_ready, "the account's disco#info");
  g_assert_true (xmpp_carbons_get_enabled (d->carbons));
  g_assert_true (xmpp_disco_account_has_feature (d->disco, XMPP_NS_STANZA_ID));
  g_assert_true (xmpp_disco_account_has_feature (d->disco, XMPP_NS_MAM));
  return d;
}

static void
device_free (Device *d)
{
  xmpp_client_remove_handler (d->client, d->tap_id);
  g_signal_handlers_disconnect_by_data (d->client, d);
  g_signal_handlers_disconnect_by_data (d->disco, d);
  g_signal_handlers_disconnect_by_data (d->messages, d);
  xmpp_client_disconnect (d->client);
  spin (50);
  g_assert_finalize_object (d->mam);
  g_assert_finalize_object (d->carbons);
  g_assert_finalize_object (d->messages);
  g_assert_finalize_object (d->disco);
  g_assert_finalize_object (d->client);
  xmpp_jid_unref (d->full);
  g_ptr_array_unref (d->received);
  g_ptr_array_unref (d->captured);
  g_free (d);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *acked = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_client_send_finish (XMPP_CLIENT (object), result, &error));
  g_assert_no_error (error);
  *acked = TRUE;
}

/* Sends @stanza and waits until the server has it (XEP-0198 ack). */
static void
send_and_wait (Device   *d,
               XmppNode *stanza)
{
  gboolean acked = FALSE;

  xmpp_client_send_async (d->client, stanza, NULL, sent_cb, &acked);
  WAIT_FOR (acked, "the server's ack");
}

/* Sends a chat message with a fresh id; returns the id. */
static char *
send_chat (Device     *from,
           const char *to,
           const char *body)
{
  g_autoptr(XmppJid) to_jid = jid (to);
  char *id = g_uuid_string_random ();
  g_autoptr(XmppNode) message = xmpp_message_build_chat (to_jid, id, body);

  send_and_wait (from, message);
  return id;
}

static XmppMessage *
last_received (Device *d)
{
  g_assert_cmpuint (d->received->len, >, 0);
  return g_ptr_array_index (d->received, d->received->len - 1);
}

static void
assert_jid (XmppJid *actual,
            XmppJid *expected)
{
  g_assert_nonnull (actual);
  if (!xmpp_jid_equal (actual, expected))
    g_error ("expected %s, got %s", xmpp_jid_to_string (expected), xmpp_jid_to_string (actual));
}

/* ------------------------------------------------------------------------
 * Carbons
 * ------------------------------------------------------------------------ */

static void
test_carbons_both_directions (Fixture       *fixture,
                              gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE "/dev1");
  Device *alice2 = device_new (fixture, ALICE "/dev2");
  Device *bob = device_new (fixture, BOB "/pc");
  g_autofree char *to_dev1 = NULL;
  g_autofree char *to_bob = NULL;
  g_autofree char *to_bare = NULL;
  g_autoptr(XmppJid) alice_bare = jid (ALICE);
  const char *live_sid;
  XmppMessage *live;
  XmppMessage *carbon;

  /* bob → alice/dev1: live there, a received carbon on dev2. */
  to_dev1 = send_chat (bob, ALICE "/dev1", "hello dev1");
  WAIT_FOR (alice1->received->len == 1 && alice2->received->len == 1,
            "bob's message on both devices");

  live = last_received (alice1);
  g_assert_cmpint (xmpp_message_get_provenance (live), ==, XMPP_MESSAGE_PROVENANCE_LIVE);
  assert_jid (xmpp_message_get_from (live), bob->full);
  g_assert_cmpstr (xmpp_message_get_body (live), ==, "hello dev1");
  g_assert_cmpstr (xmpp_message_get_id (live), ==, to_dev1);
  g_assert_cmpstr (xmpp_message_get_origin_id (live), ==, to_dev1);
  g_assert_true (xmpp_message_get_receipt_requested (live));
  g_assert_true (xmpp_message_get_markable (live));
  g_assert_cmpint (xmpp_message_get_chat_state (live), ==, XMPP_CHAT_STATE_ACTIVE);
  live_sid = xmpp_messages_get_trusted_stanza_id (alice1->messages, live);
  g_assert_nonnull (live_sid);

  carbon = last_received (alice2);
  g_assert_cmpint (xmpp_message_get_provenance (carbon), ==,
                   XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED);
  assert_jid (xmpp_message_get_from (carbon), bob->full);
  assert_jid (xmpp_message_get_to (carbon), alice1->full);
  g_assert_cmpstr (xmpp_message_get_body (carbon), ==, "hello dev1");
  g_assert_cmpstr (xmpp_message_get_origin_id (carbon), ==, to_dev1);
  /* The same archive id reaches both devices: one row (SECURITY I2). */
  g_assert_cmpstr (xmpp_messages_get_trusted_stanza_id (alice2->messages, carbon), ==, live_sid);

  /* alice/dev1 → bob: live at bob, a sent carbon on dev2, nothing on dev1. */
  to_bob = send_chat (alice1, BOB, "hello bob");
  WAIT_FOR (bob->received->len == 1 && alice2->received->len == 2,
            "alice's message at bob and dev2");
  live = last_received (bob);
  g_assert_cmpint (xmpp_message_get_provenance (live), ==, XMPP_MESSAGE_PROVENANCE_LIVE);
  assert_jid (xmpp_message_get_from (live), alice1->full);
  g_assert_cmpstr (xmpp_message_get_origin_id (live), ==, to_bob);
  /* bob's copy has bob's archive id, and alice's is not his to see
   * (XEP-0313 §2.4). */
  g_assert_nonnull (xmpp_messages_get_trusted_stanza_id (bob->messages, live));
  g_assert_null (xmpp_message_get_stanza_id (live, alice_bare));

  carbon = last_received (alice2);
  g_assert_cmpint (xmpp_message_get_provenance (carbon), ==, XMPP_MESSAGE_PROVENANCE_CARBON_SENT);
  assert_jid (xmpp_message_get_from (carbon), alice1->full);
  g_assert_cmpstr (xmpp_jid_to_bare_string (xmpp_message_get_to (carbon)), ==, BOB);
  g_assert_cmpstr (xmpp_message_get_body (carbon), ==, "hello bob");
  /* SECURITY O6: the reflection carries the origin-id to match the outbox row. */
  g_assert_cmpstr (xmpp_message_get_origin_id (carbon), ==, to_bob);

  /* bob → alice's bare JID: each device once, live; no carbon doubles it. */
  to_bare = send_chat (bob, ALICE, "hello both");
  WAIT_FOR (alice1->received->len == 2 && alice2->received->len == 3,
            "the bare-JID message on both");
  spin (300);
  g_assert_cmpuint (alice1->received->len, ==, 2);
  g_assert_cmpuint (alice2->received->len, ==, 3);
  g_assert_cmpint (xmpp_message_get_provenance (last_received (alice1)), ==,
                   XMPP_MESSAGE_PROVENANCE_LIVE);
  g_assert_cmpint (xmpp_message_get_provenance (last_received (alice2)), ==,
                   XMPP_MESSAGE_PROVENANCE_LIVE);
  g_assert_cmpstr (xmpp_message_get_origin_id (last_received (alice2)), ==, to_bare);
  g_assert_cmpuint (bob->received->len, ==, 1);

  g_assert_cmpuint (xmpp_carbons_get_n_dropped (alice1->carbons), ==, 0);
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (alice2->carbons), ==, 0);

  device_free (bob);
  device_free (alice2);
  device_free (alice1);
}

/* CVE-2017-5589: the attack through a real server.  Prosody delivers
 * bob's stanza with bob's JID as sender; alice must not read the carbon
 * inside as a message from carol. */
static void
test_carbons_cve_2017_5589_spoofed_carbon_through_server_dropped (Fixture       *fixture,
                                                                  gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE "/dev1");
  Device *bob = device_new (fixture, BOB "/pc");
  g_autoptr(XmppNode) forged = NULL;
  g_autofree char *after = NULL;
  XmppNode *received;
  XmppNode *inner;

  forged = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", ALICE "/dev1", "type", "chat", NULL);
  received = xmpp_node_add_child (forged, "received", XMPP_NS_CARBONS);
  inner = xmpp_node_add_child (xmpp_node_add_child (received, "forwarded", XMPP_NS_FORWARD),
                               "message", XMPP_NS_CLIENT);
  xmpp_node_set_attributes (inner, "from", "carol@" HOST "/phone", "to", ALICE,
                            "type", "chat", NULL);
  xmpp_node_add_text_child (inner, "body", NULL, "send the password");
  send_and_wait (bob, forged);

  /* A message sent after it arrives after it. */
  after = send_chat (bob, ALICE "/dev1", "after the forgery");
  WAIT_FOR (alice1->received->len == 1, "the message after the forgery");
  g_assert_cmpstr (xmpp_message_get_origin_id (last_received (alice1)), ==, after);
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (alice1->carbons), ==, 1);
  for (guint i = 0; i < alice1->received->len; i++)
    g_assert_cmpstr (xmpp_message_get_body (g_ptr_array_index (alice1->received, i)), !=,
                     "send the password");

  device_free (bob);
  device_free (alice1);
}

/* ------------------------------------------------------------------------
 * Receipts, markers, chat states, corrections
 * ------------------------------------------------------------------------ */

static void
test_receipts_markers_correction (Fixture       *fixture,
                                  gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE "/dev1");
  Device *bob = device_new (fixture, BOB "/pc");
  g_autofree char *id = NULL;
  g_autofree char *correction_id = g_uuid_string_random ();
  g_autoptr(XmppNode) receipt = NULL;
  g_autoptr(XmppNode) displayed = NULL;
  g_autoptr(XmppNode) composing = NULL;
  g_autoptr(XmppNode) correction = NULL;
  XmppMessage *original;
  XmppMessage *m;

  id = send_chat (bob, ALICE "/dev1", "teh message");
  WAIT_FOR (alice1->received->len == 1, "bob's message");
  original = last_received (alice1);
  g_assert_true (xmpp_message_get_receipt_requested (original));
  g_assert_true (xmpp_message_get_markable (original));

  /* What the core does once the message is stored, and once it is seen. */
  receipt = xmpp_message_build_receipt (xmpp_message_get_from (original),
                                        xmpp_message_get_id (original));
  send_and_wait (alice1, receipt);
  displayed = xmpp_message_build_displayed (xmpp_message_get_from (original),
                                            xmpp_message_get_id (original));
  send_and_wait (alice1, displayed);
  WAIT_FOR (bob->received->len == 2, "the receipt and the marker");

  m = g_ptr_array_index (bob->received, 0);
  assert_jid (xmpp_message_get_from (m), alice1->full);
  g_assert_cmpstr (xmpp_message_get_receipt_id (m), ==, id);
  g_assert_null (xmpp_message_get_body (m));
  m = g_ptr_array_index (bob->received, 1);
  assert_jid (xmpp_message_get_from (m), alice1->full);
  g_assert_cmpint (xmpp_message_get_marker (m), ==, XMPP_CHAT_MARKER_DISPLAYED);
  g_assert_cmpstr (xmpp_message_get_marker_id (m), ==, id);

  /* A chat state on its own. */
  composing = xmpp_message_build_chat_state (alice1->full, XMPP_CHAT_STATE_COMPOSING);
  send_and_wait (bob, composing);
  WAIT_FOR (alice1->received->len == 2, "the chat state");
  m = last_received (alice1);
  g_assert_cmpint (xmpp_message_get_chat_state (m), ==, XMPP_CHAT_STATE_COMPOSING);
  g_assert_null (xmpp_message_get_body (m));

  /* The correction points at the original by its id. */
  correction = xmpp_message_build_correction (alice1->full, correction_id, id, "the message");
  send_and_wait (bob, correction);
  WAIT_FOR (alice1->received->len == 3, "the correction");
  m = last_received (alice1);
  g_assert_cmpstr (xmpp_message_get_replace_id (m), ==, id);
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "the message");
  g_assert_cmpstr (xmpp_message_get_origin_id (m), ==, correction_id);
  assert_jid (xmpp_message_get_from (m), bob->full);

  device_free (bob);
  device_free (alice1);
}

/* ------------------------------------------------------------------------
 * MAM
 * ------------------------------------------------------------------------ */

typedef struct
{
  XmppMamPage *page;
  GError      *error;
  gboolean     done;
} QueryOutcome;

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  QueryOutcome *outcome = user_data;

  outcome->page = xmpp_mam_query_finish (XMPP_MAM (object), result, &outcome->error);
  outcome->done = TRUE;
}

static XmppMamPage *
query (Device             *d,
       const XmppMamQuery *q)
{
  QueryOutcome outcome = { NULL, NULL, FALSE };

  xmpp_mam_query_async (d->mam, NULL, q, NULL, query_cb, &outcome);
  WAIT_FOR (outcome.done, "the archive page");
  g_assert_no_error (outcome.error);
  g_assert_nonnull (outcome.page);
  return outcome.page;
}

#define N_ARCHIVED 300

static void
test_mam_pages_through_300 (Fixture       *fixture,
                            gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE "/dev1");
  Device *bob = device_new (fixture, BOB "/pc");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) live_sids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) archived = NULL;
  g_autoptr(XmppMamPage) first = NULL;
  g_autoptr(XmppMamPage) second = NULL;
  g_autoptr(XmppMamPage) last = NULL;
  g_autoptr(XmppMamPage) flipped = NULL;
  g_autoptr(XmppJid) alice_bare = jid (ALICE);
  XmppMamQuery page_one = { .max = 250 };
  XmppMamQuery page_two = { .max = 250 };
  XmppMamQuery last_ten = { .before_id = "", .max = 10 };
  XmppMamQuery last_ten_flipped = { .before_id = "", .max = 10, .flip_page = TRUE };
  gint64 started;

  /* Each message waits for the server's ack, so archive order is send order. */
  started = g_get_monotonic_time ();
  for (guint i = 0; i < N_ARCHIVED; i++)
    {
      g_autofree char *body = g_strdup_printf ("message %u", i);

      if (i % 2 == 0)
        g_ptr_array_add (ids, send_chat (bob, ALICE, body));
      else
        g_ptr_array_add (ids, send_chat (alice1, BOB, body));
    }
  WAIT_FOR (alice1->received->len == N_ARCHIVED / 2, "bob's messages at alice");
  g_test_message ("sent %u messages in %.2f s", N_ARCHIVED,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  for (guint i = 0; i < alice1->received->len; i++)
    {
      XmppMessage *m = g_ptr_array_index (alice1->received, i);
      const char *sid = xmpp_messages_get_trusted_stanza_id (alice1->messages, m);

      g_assert_nonnull (sid);
      g_hash_table_insert (live_sids, (gpointer) xmpp_message_get_origin_id (m), (gpointer) sid);
    }

  /* after-id paging: 250, then the remaining 50. */
  started = g_get_monotonic_time ();
  first = query (alice1, &page_one);
  g_assert_cmpuint (xmpp_mam_page_get_messages (first)->len, ==, 250);
  g_assert_false (xmpp_mam_page_get_complete (first));
  g_assert_cmpint (xmpp_mam_page_get_count (first), ==, N_ARCHIVED);
  page_two.after_id = xmpp_mam_page_get_last (first);
  second = query (alice1, &page_two);
  g_assert_cmpuint (xmpp_mam_page_get_messages (second)->len, ==, N_ARCHIVED - 250);
  g_assert_true (xmpp_mam_page_get_complete (second));
  g_test_message ("paged %u messages in %.3f s", N_ARCHIVED,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (alice1->mam), ==, 0);

  archived = g_ptr_array_copy (xmpp_mam_page_get_messages (first),
                               (GCopyFunc) xmpp_message_ref, NULL);
  g_ptr_array_set_free_func (archived, (GDestroyNotify) xmpp_message_unref);
  g_ptr_array_extend (archived, xmpp_mam_page_get_messages (second),
                      (GCopyFunc) xmpp_message_ref, NULL);

  /* In send order, with the trusted ids the messages had when live. */
  for (guint i = 0; i < N_ARCHIVED; i++)
    {
      XmppMessage *m = g_ptr_array_index (archived, i);
      g_autofree char *body = g_strdup_printf ("message %u", i);
      const char *sid = xmpp_messages_get_trusted_stanza_id (alice1->messages, m);

      g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_ARCHIVE);
      assert_jid (xmpp_message_get_archive (m), alice_bare);
      g_assert_cmpstr (xmpp_message_get_origin_id (m), ==, g_ptr_array_index (ids, i));
      g_assert_cmpstr (xmpp_message_get_body (m), ==, body);
      g_assert_cmpstr (sid, ==, xmpp_message_get_archive_id (m));
      g_assert_nonnull (xmpp_message_get_query_id (m));
      if (i % 2 == 0)
        {
          assert_jid (xmpp_message_get_from (m), bob->full);
          g_assert_cmpstr (sid, ==, g_hash_table_lookup (live_sids, g_ptr_array_index (ids, i)));
        }
      else
        assert_jid (xmpp_message_get_from (m), alice1->full);
      if (i > 0)
        {
          XmppMessage *previous = g_ptr_array_index (archived, i - 1);

          g_assert_cmpint (g_date_time_compare (xmpp_message_get_timestamp (previous),
                                                xmpp_message_get_timestamp (m)), <=, 0);
        }
    }
  g_assert_cmpstr (xmpp_mam_page_get_first (first), ==,
                   xmpp_message_get_archive_id (g_ptr_array_index (archived, 0)));
  g_assert_cmpstr (xmpp_mam_page_get_last (second), ==,
                   xmpp_message_get_archive_id (g_ptr_array_index (archived, N_ARCHIVED - 1)));

  /* The last page (before=''), plain and flipped: the same, in archive order. */
  last = query (alice1, &last_ten);
  flipped = query (alice1, &last_ten_flipped);
  g_assert_cmpuint (xmpp_mam_page_get_messages (last)->len, ==, 10);
  g_assert_cmpuint (xmpp_mam_page_get_messages (flipped)->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      XmppMessage *expected = g_ptr_array_index (archived, N_ARCHIVED - 10 + i);
      XmppMessage *plain = g_ptr_array_index (xmpp_mam_page_get_messages (last), i);
      XmppMessage *flip = g_ptr_array_index (xmpp_mam_page_get_messages (flipped), i);
      const char *id = xmpp_message_get_archive_id (expected);

      g_assert_cmpstr (xmpp_message_get_archive_id (plain), ==, id);
      g_assert_cmpstr (xmpp_message_get_archive_id (flip), ==, id);
    }

  /* None of it was emitted as a new message. */
  g_assert_cmpuint (alice1->received->len, ==, N_ARCHIVED / 2);

  device_free (bob);
  device_free (alice1);
}

/* A <result/> as bob can send it: to alice's device, for @queryid, with a
 * message claiming to be from alice. */
static XmppNode *
build_forged_result (const char *queryid,
                     const char *id)
{
  XmppNode *message = xmpp_node_build ("message", XMPP_NS_CLIENT, "to", ALICE "/dev1", NULL);
  XmppNode *result = xmpp_node_add_child_with_attributes (message, "result", XMPP_NS_MAM,
                                                          "queryid", queryid, "id", id, NULL);
  XmppNode *forwarded = xmpp_node_add_child (result, "forwarded", XMPP_NS_FORWARD);
  XmppNode *inner;

  xmpp_node_add_child_with_attributes (forwarded, "delay", XMPP_NS_DELAY,
                                       "stamp", "2020-01-02T03:04:05Z", NULL);
  inner = xmpp_node_add_child_with_attributes (forwarded, "message", XMPP_NS_CLIENT,
                                               "from", ALICE "/dev1", "to", BOB,
                                               "type", "chat", NULL);
  xmpp_node_add_text_child (inner, "body", NULL, "forged");
  return message;
}

typedef struct
{
  Device     *alice;
  Device     *bob;
  XmppNode   *replay;     /* fed to alice's handler while the query is open */
  gboolean    replay_handled;
  char       *queryid;
  gboolean    race;       /* bob sends a forgery for the query being opened */
} HookData;

static void
query_hook_cb (XmppMam    *mam,
               const char *queryid,
               gpointer    user_data)
{
  HookData *h = user_data;

  g_free (h->queryid);
  h->queryid = g_strdup (queryid);
  g_assert_true (xmpp_mam_has_open_query (mam, queryid));
  if (h->replay != NULL)
    {
      h->replay_handled = xmpp_mam_handle_message (mam, h->replay);
      g_clear_pointer (&h->replay, xmpp_node_unref);
    }
  if (h->race)
    {
      g_autoptr(XmppNode) forged = build_forged_result (queryid, "raced");

      xmpp_client_send (h->bob->client, forged);
    }
}

static gboolean
page_has_forgery (XmppMamPage *page)
{
  GPtrArray *messages = xmpp_mam_page_get_messages (page);

  for (guint i = 0; i < messages->len; i++)
    if (g_strcmp0 (xmpp_message_get_body (g_ptr_array_index (messages, i)), "forged") == 0)
      return TRUE;
  return FALSE;
}

/* CVE-2019-16237 (Dino), CVE-2020-26547 (Monal); SECURITY row 8.  bob
 * cannot know alice's queryid; the test hook tells him. */
static void
test_mam_cve_2019_16237_forged_result_from_bob_dropped (Fixture       *fixture,
                                                        gconstpointer  data)
{
  Device *alice1 = device_new (fixture, ALICE "/dev1");
  Device *bob = device_new (fixture, BOB "/pc");
  g_autofree char *queryid = g_uuid_string_random ();
  g_autoptr(XmppNode) forged = NULL;
  g_autoptr(XmppNode) late = NULL;
  g_autoptr(XmppMamPage) page = NULL;
  g_autoptr(XmppMamPage) raced_page = NULL;
  g_autoptr(XmppJid) captured_from = NULL;
  HookData hook = { alice1, bob, NULL, FALSE, NULL, FALSE };
  XmppMamQuery q = { .max = 50 };
  guint dropped;

  for (guint i = 0; i < 3; i++)
    g_free (send_chat (bob, ALICE, "real"));
  WAIT_FOR (alice1->received->len == 3, "the real messages");

  /* bob's forgery, as Prosody delivers it, held back until alice's
   * query with that id is open: then it goes to her result handler. */
  alice1->capture_results = TRUE;
  forged = build_forged_result (queryid, "forged-1");
  send_and_wait (bob, forged);
  WAIT_FOR (alice1->captured->len == 1, "bob's forged result at alice");
  alice1->capture_results = FALSE;
  captured_from = jid (xmpp_node_get_attribute (g_ptr_array_index (alice1->captured, 0), "from"));
  assert_jid (captured_from, bob->full);

  hook.replay = xmpp_node_ref (g_ptr_array_index (alice1->captured, 0));
  xmpp_mam_set_query_hook (alice1->mam, query_hook_cb, &hook);
  xmpp_mam_set_next_query_id (alice1->mam, queryid);
  dropped = xmpp_mam_get_n_dropped (alice1->mam);
  page = query (alice1, &q);
  g_assert_cmpstr (hook.queryid, ==, queryid);
  g_assert_true (hook.replay_handled);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (alice1->mam), ==, dropped + 1);
  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 3);
  g_assert_false (page_has_forgery (page));

  /* Too late: the query is closed; the live path drops it too. */
  late = build_forged_result (queryid, "forged-2");
  send_and_wait (bob, late);
  WAIT_FOR (xmpp_mam_get_n_dropped (alice1->mam) == dropped + 2, "the late forgery dropped");

  /* bob races a query that is in flight, with its real random id. */
  hook.race = TRUE;
  raced_page = query (alice1, &q);
  WAIT_FOR (xmpp_mam_get_n_dropped (alice1->mam) == dropped + 3, "the raced forgery dropped");
  g_assert_cmpstr (hook.queryid, !=, queryid);
  g_assert_cmpuint (xmpp_mam_page_get_messages (raced_page)->len, ==, 3);
  g_assert_false (page_has_forgery (raced_page));

  /* Nothing of it was ever emitted as a message. */
  g_assert_cmpuint (alice1->received->len, ==, 3);
  for (guint i = 0; i < alice1->received->len; i++)
    g_assert_cmpstr (xmpp_message_get_body (g_ptr_array_index (alice1->received, i)), ==, "real");

  xmpp_mam_set_query_hook (alice1->mam, NULL, NULL);
  g_free (hook.queryid);
  device_free (bob);
  device_free (alice1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/natter/xmpp/messaging/prosody/" path, Fixture, NULL, \
              fixture_set_up, func, fixture_tear_down)
  ADD ("carbons-both-directions", test_carbons_both_directions);
  ADD ("cve-2017-5589-spoofed-carbon-through-server-dropped",
       test_carbons_cve_2017_5589_spoofed_carbon_through_server_dropped);
  ADD ("receipts-markers-correction", test_receipts_markers_correction);
  ADD ("mam-pages-through-300", test_mam_pages_through_300);
  ADD ("cve-2019-16237-forged-result-from-bob-dropped",
       test_mam_cve_2019_16237_forged_result_from_bob_dropped);
#undef ADD

  return g_test_run ();
}
