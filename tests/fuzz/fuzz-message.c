/* fuzz-message.c: libFuzzer target for message parsing, carbon unwrapping and MAM result checks
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the inside of a client stream: the reader turns it into
 * stanzas, and every <message/> goes through what the engine does with
 * one: the parser, the message module's handler, the carbons checks and
 * unwrapping, and the MAM result checks for the own archive and for a
 * room's, with a query open under the result's own queryid so that the
 * checks behind the queryid are reached.  Whatever the input, nothing
 * crashes, every string that comes out is valid UTF-8 within its bounds,
 * every stamp is in UTC and not in the future, and a carbon or result
 * that was accepted came from where it must.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-carbons-private.h"
#include "xmpp/xmpp-mam-private.h"
#include "xmpp/xmpp-message-private.h"
#include "xmpp/xmpp-reader-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define OPEN "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define OWN "me@natter.test"
#define ROOM "room@muc.natter.test"

typedef struct
{
  XmppClient   *client;
  XmppMessages *messages;
  XmppCarbons  *carbons;
  XmppMam      *mam;
  XmppJid      *own;
  XmppJid      *room;
} Engine;

static void
check_string (const char *text,
              gsize       max_bytes)
{
  if (text == NULL)
    return;
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), <=, max_bytes);
}

static void
check_stamp (GDateTime *stamp)
{
  g_autoptr(GDateTime) now = NULL;

  if (stamp == NULL)
    return;
  now = g_date_time_new_now_utc ();
  g_assert_cmpint (g_date_time_get_utc_offset (stamp), ==, 0);
  g_assert_cmpint (g_date_time_compare (stamp, now), <=, 0);
}

static void
check_message (XmppMessage *m)
{
  g_autofree char *xml = NULL;

  check_string (xmpp_message_get_id (m), XMPP_MESSAGE_MAX_ID_BYTES);
  check_string (xmpp_message_get_origin_id (m), XMPP_MESSAGE_MAX_ID_BYTES);
  for (guint i = 0; i < xmpp_message_get_n_stanza_ids (m); i++)
    {
      XmppJid *by = NULL;

      check_string (xmpp_message_get_stanza_id_at (m, i, &by), XMPP_MESSAGE_MAX_ID_BYTES);
      g_assert_nonnull (by);
      g_assert_true (xmpp_message_get_stanza_id (m, by) ==
                     xmpp_message_get_stanza_id_at (m, i, NULL));
    }
  check_string (xmpp_message_get_body (m), XMPP_MESSAGE_MAX_BODY_BYTES);
  check_string (xmpp_message_get_thread (m), XMPP_MESSAGE_MAX_ID_BYTES);
  check_string (xmpp_message_get_receipt_id (m), XMPP_MESSAGE_MAX_ID_BYTES);
  check_string (xmpp_message_get_marker_id (m), XMPP_MESSAGE_MAX_ID_BYTES);
  g_assert_true ((xmpp_message_get_marker (m) == XMPP_CHAT_MARKER_NONE) ==
                 (xmpp_message_get_marker_id (m) == NULL));
  check_string (xmpp_message_get_replace_id (m), XMPP_MESSAGE_MAX_ID_BYTES);
  check_string (xmpp_message_get_oob_url (m), G_MAXSIZE);
  check_string (xmpp_message_get_error_condition (m), XMPP_MESSAGE_MAX_ID_BYTES);
  check_string (xmpp_message_get_error_text (m), G_MAXSIZE);
  g_assert_true ((xmpp_message_get_message_type (m) == XMPP_MESSAGE_TYPE_ERROR) ==
                 (xmpp_message_get_error_condition (m) != NULL));
  g_assert_nonnull (xmpp_message_get_timestamp (m));
  check_stamp (xmpp_message_get_timestamp (m));
  check_stamp (xmpp_message_get_delay (m));
  if (xmpp_message_get_delay (m) == NULL)
    g_assert_null (xmpp_message_get_delay_from (m));
  if (xmpp_message_get_encrypted (m) != NULL)
    g_assert_true (xmpp_node_is (xmpp_message_get_encrypted (m), "encrypted",
                                 XMPP_NS_OMEMO_LEGACY));
  (void) xmpp_message_get_chat_state (m);
  (void) xmpp_message_get_receipt_requested (m);
  (void) xmpp_message_get_markable (m);
  (void) xmpp_message_get_muc_private (m);
  if (xmpp_message_get_from (m) != NULL)
    g_assert_nonnull (xmpp_jid_to_string (xmpp_message_get_from (m)));
  if (xmpp_message_get_to (m) != NULL)
    g_assert_nonnull (xmpp_jid_to_string (xmpp_message_get_to (m)));
  xml = xmpp_node_to_string (xmpp_message_get_node (m));
  g_assert_nonnull (xml);
}

static void
message_cb (XmppMessages *messages,
            XmppMessage  *message,
            guint        *count)
{
  check_message (message);
  (*count)++;
}

static Engine *
engine_get (void)
{
  static Engine *engine;

  if (engine == NULL)
    {
      g_autoptr(XmppJid) full = xmpp_jid_new (OWN "/desk", NULL);

      /* Names the reader interns stay for the life of the process (the
       * budget bounds them); LSan would report GLib's string blocks as
       * leaked at exit, and this target is about what comes after. */
      xmpp_reader_set_intern_budget (0);

      engine = g_new0 (Engine, 1);
      engine->client = xmpp_client_new (full);
      engine->messages = xmpp_messages_new (engine->client, NULL);
      engine->carbons = xmpp_carbons_new (engine->messages);
      engine->mam = xmpp_mam_new (engine->messages);
      engine->own = xmpp_jid_new (OWN, NULL);
      engine->room = xmpp_jid_new (ROOM, NULL);
      g_assert_nonnull (engine->own);
      g_assert_nonnull (engine->room);
    }
  return engine;
}

static void
fuzz_carbon (Engine   *engine,
             XmppNode *stanza)
{
  g_autoptr(XmppMessage) carbon = NULL;

  carbon = xmpp_carbons_unwrap (engine->client, stanza, "en", NULL);
  if (carbon == NULL)
    return;

  /* Accepted only from the account itself, never in a groupchat. */
  g_assert_true (xmpp_client_is_from_account (engine->client, stanza));
  g_assert_cmpstr (xmpp_node_get_attribute (stanza, "type"), !=, "groupchat");
  g_assert_true (xmpp_message_get_provenance (carbon) == XMPP_MESSAGE_PROVENANCE_CARBON_SENT ||
                 xmpp_message_get_provenance (carbon) == XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED);
  check_message (carbon);
}

static void
fuzz_result (Engine     *engine,
             XmppNode   *stanza,
             XmppJid    *archive,
             const char *queryid)
{
  g_autoptr(XmppMessage) result = NULL;
  const char *from = xmpp_node_get_attribute (stanza, "from");

  result = xmpp_mam_parse_result (engine->own, archive, queryid, stanza, "en", NULL);
  if (result == NULL)
    return;

  g_assert_cmpint (xmpp_message_get_provenance (result), ==, XMPP_MESSAGE_PROVENANCE_ARCHIVE);
  g_assert_true (xmpp_jid_equal (xmpp_message_get_archive (result), archive));
  g_assert_cmpstr (xmpp_message_get_query_id (result), ==, queryid);
  g_assert_nonnull (xmpp_message_get_archive_id (result));
  if (xmpp_jid_equal (archive, engine->own))
    {
      g_assert_true (from == NULL || xmpp_client_is_from_account (engine->client, stanza));
      g_assert_cmpint (xmpp_message_get_message_type (result), !=, XMPP_MESSAGE_TYPE_GROUPCHAT);
    }
  else
    {
      g_autoptr(XmppJid) from_jid = from != NULL ? xmpp_jid_new (from, NULL) : NULL;

      g_assert_nonnull (from_jid);
      g_assert_true (xmpp_jid_equal (from_jid, archive));
      g_assert_cmpint (xmpp_message_get_message_type (result), ==, XMPP_MESSAGE_TYPE_GROUPCHAT);
      g_assert_true (xmpp_jid_equal_bare (xmpp_message_get_from (result), archive));
    }
  check_message (result);
}

/* The module path: a query open under the result's id, the result fed to
 * the handler, the query closed with a synthetic <fin/>. */
static void
fuzz_mam_module (Engine     *engine,
                 XmppNode   *stanza,
                 const char *queryid)
{
  g_autoptr(XmppNode) fin = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "result", NULL);
  g_autoptr(XmppMamPage) page = NULL;
  GPtrArray *messages;

  xmpp_node_add_child_with_attributes (fin, "fin", XMPP_NS_MAM, "complete", "true", NULL);
  xmpp_mam_open_query (engine->mam, NULL, queryid, 0);
  g_assert_true (xmpp_mam_handle_message (engine->mam, stanza));
  page = xmpp_mam_close_query (engine->mam, queryid, fin, NULL);
  g_assert_nonnull (page);
  messages = xmpp_mam_page_get_messages (page);
  g_assert_cmpuint (messages->len, <=, 1);
  for (guint i = 0; i < messages->len; i++)
    check_message (g_ptr_array_index (messages, i));
}

static void
stanza_cb (XmppReader *reader,
           XmppNode   *stanza,
           gpointer    user_data)
{
  Engine *engine = user_data;
  g_autoptr(XmppMessage) message = NULL;
  XmppNode *result;
  const char *queryid;
  guint emitted = 0;
  gulong handler;

  if (!xmpp_node_is (stanza, "message", NULL))
    return;

  message = xmpp_message_parse (stanza, "de", NULL);
  if (message != NULL)
    check_message (message);

  handler = g_signal_connect (engine->messages, "message", G_CALLBACK (message_cb), &emitted);
  g_assert_false (xmpp_messages_handle_message (engine->messages, stanza));
  /* A wrapper is never read as a message of its own. */
  if (xmpp_message_stanza_is_wrapper (stanza))
    g_assert_cmpuint (emitted, ==, 0);
  if (xmpp_node_get_child (stanza, "sent", XMPP_NS_CARBONS) != NULL ||
      xmpp_node_get_child (stanza, "received", XMPP_NS_CARBONS) != NULL)
    {
      guint before = emitted;

      g_assert_true (xmpp_carbons_handle_message (engine->carbons, stanza));
      g_assert_cmpuint (emitted - before, <=, 1);
    }
  g_signal_handler_disconnect (engine->messages, handler);

  fuzz_carbon (engine, stanza);

  result = xmpp_node_get_child (stanza, "result", XMPP_NS_MAM);
  queryid = result != NULL ? xmpp_node_get_attribute (result, "queryid") : NULL;
  fuzz_result (engine, stanza, engine->own, "q");
  if (queryid != NULL)
    {
      fuzz_result (engine, stanza, engine->own, queryid);
      fuzz_result (engine, stanza, engine->room, queryid);
      fuzz_mam_module (engine, stanza, queryid);
    }
  /* With no query open, a result goes nowhere. */
  if (result != NULL && (queryid == NULL || !xmpp_mam_has_open_query (engine->mam, queryid)))
    {
      guint dropped = xmpp_mam_get_n_dropped (engine->mam);

      g_assert_true (xmpp_mam_handle_message (engine->mam, stanza));
      g_assert_cmpuint (xmpp_mam_get_n_dropped (engine->mam), ==, dropped + 1);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const XmppReaderCallbacks callbacks = { NULL, stanza_cb, NULL };
  Engine *engine = engine_get ();
  g_autoptr(XmppReader) reader = xmpp_reader_new (&callbacks, engine, NULL);

  if (!xmpp_reader_feed (reader, OPEN, strlen (OPEN), NULL))
    g_error ("the stream header does not parse");
  xmpp_reader_feed (reader, (const char *) data, size, NULL);
  return 0;
}
