/* natter-messaging.c: the send and receive pipelines of one account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-messaging.h"

#include <glib/gi18n-lib.h>

#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-account-private.h"
#include "natter-account.h"
#include "natter-conversation-private.h"

/**
 * NatterMessaging:
 *
 * One per account: the message, carbons (XEP-0280) and archive (XEP-0313)
 * modules on the account's client, and the rules of SECURITY.md §2.
 *
 * Receiving: every message, live or carbon, is filed into the
 * conversation of its peer (`to` for a carbon of our own, else `from`),
 * stored once (the store dedups by trusted stanza-id, then origin-id) and
 * only then shown.  Live messages are committed synchronously in the
 * signal handler, before the engine counts the stanza as handled (I1).
 *
 * Sending: a message is stored as pending (O1), sent, and marked sent
 * when the server acks it (O2).  When a session ends without resumption
 * its unacked messages stay pending and are sent again, with the same id
 * and a `<delay/>`, after the next fresh bind (O3).
 *
 * Catch-up: after every fresh bind (not a resumption) carbons are enabled,
 * the outbox is flushed and the own archive is paged from the last stored
 * stanza-id, each page stored in one transaction together with the
 * archive range it covers (I4, I6).  A fresh profile fetches the whole
 * archive newest first in the background.
 */

typedef enum {
  CATCHUP_IDLE,
  CATCHUP_FORWARD,
  CATCHUP_BACKFILL,
} CatchupMode;

struct _NatterMessaging
{
  GObject                 parent_instance;

  NatterAccount          *account;   /* weak */
  NatterStore            *store;
  NatterConversationList *conversations;
  GCancellable           *cancellable;

  XmppClient             *client;
  XmppMessages           *messages;
  XmppCarbons            *carbons;
  XmppMam                *mam;
  XmppJid                *own;
  GCancellable           *session;
  gulong                  online_id;
  gulong                  message_id;

  GHashTable             *in_flight;  /* origin-id */
  GHashTable             *archive_floor;  /* conversation id → gint64 *, see keep_archive_order() */

  CatchupMode             mode;
  NatterStoreMamRange    *range;
  guint                   inserts_pending;
  gboolean                queries_done;
  gboolean                waiting_for_range_id;
  gboolean                fell_back;
  gboolean                syncing;
};

G_DEFINE_FINAL_TYPE (NatterMessaging, natter_messaging, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_SYNCING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void query_next_page (NatterMessaging *self);

gint64
natter_messaging_datetime_to_usec (GDateTime *time)
{
  if (time == NULL)
    return 0;
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static void
set_syncing (NatterMessaging *self,
             gboolean         syncing)
{
  if (self->syncing == syncing)
    return;
  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

/* Sending */

typedef struct
{
  NatterMessaging *self;
  gint64           conversation_id;
  gint64           message_id;
  char            *origin_id;
} SendData;

static void
send_data_free (SendData *data)
{
  g_object_unref (data->self);
  g_free (data->origin_id);
  g_free (data);
}

static void transmit (NatterMessaging    *self,
                      NatterStoreMessage *record);

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendData *data = user_data;
  NatterMessaging *self = data->self;
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;
  gint64 message_id = 0;

  xmpp_client_send_finish (XMPP_CLIENT (object), result, &error);
  if (self->in_flight != NULL)
    g_hash_table_remove (self->in_flight, data->origin_id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
    {
      send_data_free (data);
      return;
    }

  if (error != NULL)
    {
      g_autoptr(NatterStoreMessage) record = NULL;

      /* The session ended without resumption: the message stays pending
       * (SECURITY.md O3).  If a fresh session is already up, its outbox
       * flush skipped this message while it was in flight: send it now. */
      g_debug ("messaging: message %" G_GINT64_FORMAT " not acked: %s",
               data->message_id, error->message);
      if (self->client == XMPP_CLIENT (object) &&
          xmpp_client_get_state (self->client) == XMPP_CLIENT_ONLINE &&
          g_error_matches (error, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED))
        {
          record = natter_store_get_message (self->store, data->message_id, NULL);
          if (record != NULL && record->state == NATTER_STORE_MESSAGE_STATE_PENDING)
            transmit (self, record);
        }
      send_data_free (data);
      return;
    }

  if (natter_store_advance_message_state (self->store, data->conversation_id, data->origin_id,
                                          NATTER_STORE_MESSAGE_STATE_SENT, &message_id, &error))
    {
      conversation = natter_conversation_list_lookup_id (self->conversations,
                                                         data->conversation_id);
      if (conversation != NULL)
        natter_conversation_refresh_message (conversation, message_id);
    }
  else
    g_debug ("messaging: cannot mark a message as sent: %s", error->message);
  send_data_free (data);
}

static const char *
peer_of (NatterMessaging *self,
         gint64           conversation_id,
         char           **to_free)
{
  NatterConversation *conversation;
  g_autoptr(NatterStoreConversation) record = NULL;

  conversation = natter_conversation_list_lookup_id (self->conversations, conversation_id);
  if (conversation != NULL)
    return natter_conversation_get_peer (conversation);
  record = natter_store_get_conversation (self->store, conversation_id, NULL);
  if (record == NULL)
    return NULL;
  *to_free = g_strdup (record->peer);
  return *to_free;
}

static void
transmit (NatterMessaging    *self,
          NatterStoreMessage *record)
{
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(XmppNode) stanza = NULL;
  g_autofree char *peer_copy = NULL;
  const char *peer;
  SendData *data;
  guint attempts = 0;

  if (self->client == NULL || xmpp_client_get_state (self->client) != XMPP_CLIENT_ONLINE)
    return;
  if (record->origin_id == NULL || g_hash_table_contains (self->in_flight, record->origin_id))
    return;
  peer = peer_of (self, record->conversation_id, &peer_copy);
  if (peer == NULL || (to = xmpp_jid_new (peer, NULL)) == NULL)
    return;
  if (!natter_store_record_send_attempt (self->store, record->id, &attempts, NULL))
    return;

  if (record->replaces_ref != NULL)
    stanza = xmpp_message_build_correction (to, record->origin_id, record->replaces_ref,
                                            record->body);
  else
    stanza = xmpp_message_build_chat (to, record->origin_id, record->body);
  /* A resend, or a message written while offline, carries the time it was
   * written (XEP-0198 §4, XEP-0203), so the peer files it in the order it
   * was written rather than the order it arrived. */
  if (attempts > 1 || g_get_real_time () - record->timestamp > G_USEC_PER_SEC / 2)
    {
      g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);
      g_autoptr(GDateTime) time = g_date_time_add (epoch, record->timestamp);
      /* Microseconds: a burst sent within one second keeps its order. */
      g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
      XmppNode *delay = xmpp_node_add_child (stanza, "delay", XMPP_NS_DELAY);

      xmpp_node_set_attribute (delay, "stamp", stamp);
      xmpp_node_set_attribute (delay, "from", xmpp_jid_to_bare_string (self->own));
    }

  g_hash_table_add (self->in_flight, g_strdup (record->origin_id));
  data = g_new0 (SendData, 1);
  data->self = g_object_ref (self);
  data->conversation_id = record->conversation_id;
  data->message_id = record->id;
  data->origin_id = g_strdup (record->origin_id);
  xmpp_client_send_async (self->client, stanza, self->cancellable, send_cb, data);
}

static void
flush_outbox (NatterMessaging *self)
{
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  outbox = natter_store_list_outbox (self->store, natter_account_get_id (self->account), &error);
  if (outbox == NULL)
    {
      g_warning ("messaging: cannot read the outbox: %s", error->message);
      return;
    }
  for (guint i = 0; i < outbox->len; i++)
    transmit (self, g_ptr_array_index (outbox, i));
}

NatterStoreMessage *
natter_messaging_send_body (NatterMessaging     *self,
                            NatterConversation  *conversation,
                            const char          *body,
                            const char          *replace_id,
                            GError             **error)
{
  g_autoptr(NatterStoreMessage) record = NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  g_return_val_if_fail (NATTER_IS_MESSAGING (self), NULL);
  g_return_val_if_fail (NATTER_IS_CONVERSATION (conversation), NULL);
  g_return_val_if_fail (body != NULL, NULL);

  record = natter_store_message_new ();
  record->conversation_id = natter_conversation_get_id (conversation);
  record->account_id = natter_account_get_id (self->account);
  record->direction = NATTER_STORE_DIRECTION_OUT;
  record->sender = g_strdup (self->own != NULL ? xmpp_jid_to_bare_string (self->own)
                                               : natter_account_get_jid (self->account));
  record->body = g_strdup (body);
  record->origin_id = g_strdup (uuid);
  record->message_id = g_strdup (uuid);
  record->timestamp = g_get_real_time ();
  record->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  record->replaces_ref = g_strdup (replace_id);

  /* Write-ahead: stored before anything goes on the wire (O1). */
  if (!natter_store_insert_message (self->store, record, NULL, error))
    return NULL;
  natter_conversation_add_record (conversation, record, FALSE);
  natter_conversation_list_touched (self->conversations, conversation);
  transmit (self, record);
  return g_steal_pointer (&record);
}

void
natter_messaging_send_stanza (NatterMessaging *self,
                              XmppNode        *stanza)
{
  g_return_if_fail (NATTER_IS_MESSAGING (self));

  if (self->client != NULL && xmpp_client_get_state (self->client) == XMPP_CLIENT_ONLINE)
    xmpp_client_send (self->client, stanza);
}

/* Receiving */

static XmppJid *
peer_of_message (NatterMessaging *self,
                 XmppMessage     *message,
                 gboolean        *outgoing)
{
  XmppJid *from = xmpp_message_get_from (message);
  XmppJid *to = xmpp_message_get_to (message);

  switch (xmpp_message_get_provenance (message))
    {
    case XMPP_MESSAGE_PROVENANCE_CARBON_SENT:
      *outgoing = TRUE;
      break;
    case XMPP_MESSAGE_PROVENANCE_ARCHIVE:
      *outgoing = from == NULL || xmpp_jid_equal_bare (from, self->own);
      break;
    case XMPP_MESSAGE_PROVENANCE_LIVE:
    case XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED:
    default:
      *outgoing = FALSE;
      break;
    }
  if (*outgoing)
    return to != NULL ? xmpp_jid_dup_bare (to) : NULL;
  return from != NULL ? xmpp_jid_dup_bare (from) : NULL;
}

static NatterStoreMessage *
record_for_message (NatterMessaging    *self,
                    XmppMessage        *message,
                    gboolean            outgoing,
                    NatterConversation *conversation)
{
  NatterStoreMessage *record = natter_store_message_new ();
  XmppMessageProvenance provenance = xmpp_message_get_provenance (message);
  XmppJid *from = xmpp_message_get_from (message);
  const char *stanza_id = xmpp_messages_get_trusted_stanza_id (self->messages, message);
  gint64 now = g_get_real_time ();
  gint64 delay = natter_messaging_datetime_to_usec (xmpp_message_get_delay (message));

  record->conversation_id = natter_conversation_get_id (conversation);
  record->account_id = natter_account_get_id (self->account);
  record->direction = outgoing ? NATTER_STORE_DIRECTION_OUT : NATTER_STORE_DIRECTION_IN;
  record->sender = g_strdup (from != NULL ? xmpp_jid_to_string (from)
                                          : xmpp_jid_to_bare_string (self->own));
  record->body = g_strdup (xmpp_message_get_body (message));
  if (stanza_id != NULL)
    {
      record->stanza_id = g_strdup (stanza_id);
      record->archive = g_strdup (xmpp_jid_to_bare_string (self->own));
    }
  record->origin_id = g_strdup (xmpp_message_get_origin_id (message));
  record->message_id = g_strdup (xmpp_message_get_id (message));
  record->timestamp = natter_messaging_datetime_to_usec (xmpp_message_get_timestamp (message));
  /* A message resent after a failed resumption carries its original time,
   * live or in the archive (which files it when it finally arrived); it
   * keeps the sender's order.  A claim from the future is not believed. */
  if (delay > 0 && delay < now && delay < record->timestamp)
    record->timestamp = delay;
  record->delay = delay;
  record->received = now;
  record->state = outgoing ? NATTER_STORE_MESSAGE_STATE_SENT : NATTER_STORE_MESSAGE_STATE_RECEIVED;
  record->replaces_ref = g_strdup (xmpp_message_get_replace_id (message));
  if (provenance == XMPP_MESSAGE_PROVENANCE_ARCHIVE)
    record->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
  else if (provenance != XMPP_MESSAGE_PROVENANCE_LIVE)
    record->flags = NATTER_STORE_MESSAGE_FLAG_CARBON;
  return record;
}

static void
advance (NatterMessaging         *self,
         NatterConversation      *conversation,
         const char              *origin_id,
         NatterStoreMessageState  state)
{
  g_autoptr(GError) error = NULL;
  gint64 message_id = 0;

  if (natter_store_advance_message_state (self->store, natter_conversation_get_id (conversation),
                                          origin_id, state, &message_id, &error))
    natter_conversation_refresh_message (conversation, message_id);
  else
    g_debug ("messaging: receipt or marker for an unknown message: %s", error->message);
}

/* Receipts, markers and chat states: only the peer of the conversation
 * may move our messages forward (SECURITY row 19); the conversation is
 * the one of the sender's bare JID, so a stranger finds none of ours. */
static void
handle_payloads (NatterMessaging *self,
                 XmppMessage     *message,
                 XmppJid         *peer,
                 gboolean         outgoing)
{
  NatterConversation *conversation;
  XmppMessageProvenance provenance = xmpp_message_get_provenance (message);

  if (provenance == XMPP_MESSAGE_PROVENANCE_ARCHIVE)
    return;
  conversation = natter_conversation_list_lookup (self->conversations, self->account,
                                                  xmpp_jid_to_bare_string (peer));
  if (conversation == NULL)
    return;

  if (outgoing)
    {
      /* Another device of ours showed the peer's messages. */
      if (xmpp_message_get_marker (message) == XMPP_CHAT_MARKER_DISPLAYED)
        natter_conversation_set_unread (conversation, 0);
      return;
    }

  if (xmpp_message_get_receipt_id (message) != NULL)
    advance (self, conversation, xmpp_message_get_receipt_id (message),
             NATTER_STORE_MESSAGE_STATE_DELIVERED);
  if (xmpp_message_get_marker (message) == XMPP_CHAT_MARKER_DISPLAYED &&
      xmpp_message_get_marker_id (message) != NULL)
    advance (self, conversation, xmpp_message_get_marker_id (message),
             NATTER_STORE_MESSAGE_STATE_READ);
  if (xmpp_message_get_chat_state (message) != XMPP_CHAT_STATE_NONE)
    natter_conversation_set_chat_state (conversation,
                                        (NatterChatState) xmpp_message_get_chat_state (message));
}

static gboolean
is_one_to_one (XmppMessage *message)
{
  XmppMessageType type = xmpp_message_get_message_type (message);

  /* MUC private messages are filed with their room, later (row 5). */
  if (xmpp_message_get_muc_private (message))
    return FALSE;
  return type == XMPP_MESSAGE_TYPE_CHAT || type == XMPP_MESSAGE_TYPE_NORMAL;
}

static void
message_cb (XmppMessages *messages,
            XmppMessage  *message,
            gpointer      user_data)
{
  NatterMessaging *self = user_data;
  g_autoptr(XmppJid) peer = NULL;
  g_autoptr(NatterStoreMessage) record = NULL;
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;
  NatterStoreInsertResult result;
  XmppMessageProvenance provenance = xmpp_message_get_provenance (message);
  gboolean outgoing = FALSE;

  if (!is_one_to_one (message))
    return;
  peer = peer_of_message (self, message, &outgoing);
  if (peer == NULL)
    return;
  handle_payloads (self, message, peer, outgoing);
  if (xmpp_message_get_body (message) == NULL)
    return;

  conversation = natter_conversation_list_ensure (self->conversations, self->account,
                                                  xmpp_jid_to_bare_string (peer), &error);
  if (conversation == NULL)
    {
      g_warning ("messaging: cannot store a message: %s", error->message);
      return;
    }
  natter_conversation_set_messaging (conversation, self);
  record = record_for_message (self, message, outgoing, conversation);
  /* Committed before the engine counts the stanza as handled (I1). */
  if (!natter_store_insert_message (self->store, record, &result, &error))
    {
      g_warning ("messaging: cannot store a message: %s", error->message);
      return;
    }
  if (result == NATTER_STORE_INSERT_ADDED)
    {
      natter_conversation_add_record (conversation, record, !outgoing);
      natter_conversation_list_touched (self->conversations, conversation);
    }

  /* XEP-0184 §5: not for our own carbons, not for archive copies. */
  if (!outgoing && xmpp_message_get_receipt_requested (message) &&
      xmpp_message_get_id (message) != NULL &&
      (provenance == XMPP_MESSAGE_PROVENANCE_LIVE ||
       provenance == XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED) &&
      xmpp_message_get_from (message) != NULL)
    {
      g_autoptr(XmppNode) receipt = xmpp_message_build_receipt (xmpp_message_get_from (message),
                                                                xmpp_message_get_id (message));
      natter_messaging_send_stanza (self, receipt);
    }
}

/* Catch-up (XEP-0313) */

static NatterStoreMamRange *
range_copy (NatterStoreMamRange *range)
{
  NatterStoreMamRange *copy = natter_store_mam_range_new ();

  copy->id = range->id;
  copy->account_id = range->account_id;
  copy->archive = g_strdup (range->archive);
  copy->from_id = g_strdup (range->from_id);
  copy->from_time = range->from_time;
  copy->to_id = g_strdup (range->to_id);
  copy->to_time = range->to_time;
  copy->complete = range->complete;
  return copy;
}

static void
catchup_finish (NatterMessaging *self)
{
  self->mode = CATCHUP_IDLE;
  set_syncing (self, FALSE);
}

static void
maybe_done (NatterMessaging *self)
{
  if (!self->queries_done || self->inserts_pending > 0)
    return;
  if (self->mode == CATCHUP_FORWARD && !self->range->complete)
    {
      /* Forward is done; the history before the first fetch is not. */
      self->mode = CATCHUP_BACKFILL;
      self->queries_done = FALSE;
      query_next_page (self);
      return;
    }
  catchup_finish (self);
}

typedef struct
{
  NatterMessaging     *self;
  GPtrArray           *records;
  NatterStoreMamRange *range;
} InsertData;

static void
insert_data_free (InsertData *data)
{
  g_object_unref (data->self);
  g_ptr_array_unref (data->records);
  natter_store_mam_range_unref (data->range);
  g_free (data);
}

static void
insert_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  InsertData *data = user_data;
  NatterMessaging *self = data->self;
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = natter_store_insert_messages_finish (NATTER_STORE (object), result, &error);
  self->inserts_pending--;
  if (results == NULL)
    {
      /* Nothing of the page or its range was written: the gap stays and
       * the next session fetches it again (I6). */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("messaging: cannot store an archive page: %s", error->message);
      self->queries_done = TRUE;
      self->inserts_pending = 0;
      if (self->mode != CATCHUP_IDLE)
        catchup_finish (self);
      insert_data_free (data);
      return;
    }

  if (self->range != NULL && self->range->id == 0)
    self->range->id = data->range->id;

  for (guint i = 0; i < data->records->len && i < results->len; i++)
    {
      NatterStoreMessage *record = g_ptr_array_index (data->records, i);
      NatterStoreInsertResult r = g_array_index (results, NatterStoreInsertResult, i);
      NatterConversation *conversation;

      conversation = natter_conversation_list_lookup_id (self->conversations,
                                                         record->conversation_id);
      if (conversation == NULL)
        continue;
      if (r == NATTER_STORE_INSERT_ADDED)
        {
          natter_conversation_add_record (conversation, record, FALSE);
          natter_conversation_list_touched (self->conversations, conversation);
        }
      else if (record->direction == NATTER_STORE_DIRECTION_OUT && record->origin_id != NULL)
        {
          /* Our own message is in the archive: the server has it (O6). */
          advance (self, conversation, record->origin_id, NATTER_STORE_MESSAGE_STATE_SENT);
        }
    }

  if (self->waiting_for_range_id)
    {
      self->waiting_for_range_id = FALSE;
      query_next_page (self);
    }
  maybe_done (self);
  insert_data_free (data);
}

/* Archive stamps have whole seconds, live arrivals microseconds: within
 * one second a message known only from the archive would sort before live
 * ones the archive lists ahead of it.  The archive's order is the truth,
 * so each new row is placed after the rows it follows there, anchored on
 * copies we already hold (found by stanza-id or origin-id). */
static void
keep_archive_order (NatterMessaging    *self,
                    NatterStoreMessage *record)
{
  g_autoptr(NatterStoreMessage) existing = NULL;
  gpointer key = GINT_TO_POINTER (record->conversation_id);
  gint64 *floor = g_hash_table_lookup (self->archive_floor, key);

  if (floor == NULL)
    {
      floor = g_new0 (gint64, 1);
      g_hash_table_insert (self->archive_floor, key, floor);
    }
  if (record->stanza_id != NULL)
    existing = natter_store_find_message_by_stanza_id (self->store, record->account_id,
                                                       record->archive, record->stanza_id, NULL);
  if (existing == NULL && record->origin_id != NULL)
    existing = natter_store_find_message_by_origin_id (self->store, record->conversation_id,
                                                       record->direction, record->origin_id, NULL);
  if (existing != NULL)
    *floor = MAX (*floor, existing->timestamp);
  else
    {
      if (record->timestamp <= *floor)
        record->timestamp = *floor + 1;
      *floor = record->timestamp;
    }
}

static GPtrArray *
records_for_page (NatterMessaging *self,
                  XmppMamPage     *page)
{
  GPtrArray *messages = xmpp_mam_page_get_messages (page);
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);

  for (guint i = 0; i < messages->len; i++)
    {
      XmppMessage *message = g_ptr_array_index (messages, i);
      g_autoptr(XmppJid) peer = NULL;
      NatterConversation *conversation;
      gboolean outgoing = FALSE;

      if (!is_one_to_one (message) || xmpp_message_get_body (message) == NULL)
        continue;
      peer = peer_of_message (self, message, &outgoing);
      if (peer == NULL)
        continue;
      conversation = natter_conversation_list_ensure (self->conversations, self->account,
                                                      xmpp_jid_to_bare_string (peer), NULL);
      if (conversation == NULL)
        continue;
      natter_conversation_set_messaging (conversation, self);
      g_ptr_array_add (records, record_for_message (self, message, outgoing, conversation));
      keep_archive_order (self, g_ptr_array_index (records, records->len - 1));
    }
  return records;
}

static gint64
message_time (XmppMamPage *page,
              gboolean     last)
{
  GPtrArray *messages = xmpp_mam_page_get_messages (page);

  if (messages->len == 0)
    return 0;
  return natter_messaging_datetime_to_usec (
    xmpp_message_get_timestamp (g_ptr_array_index (messages, last ? messages->len - 1 : 0)));
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(NatterMessaging) self = user_data;
  g_autoptr(XmppMamPage) page = NULL;
  g_autoptr(GError) error = NULL;
  InsertData *data;
  const char *first, *last;

  page = xmpp_mam_query_finish (XMPP_MAM (object), result, &error);
  if (page == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->mode == CATCHUP_FORWARD && !self->fell_back &&
          g_error_matches (error, XMPP_ERROR, XMPP_ERROR_STANZA) &&
          g_str_has_prefix (error->message, "item-not-found"))
        {
          /* The last id expired: page by time from just before it and
           * let the dedup absorb the overlap (I4). */
          self->fell_back = TRUE;
          g_clear_pointer (&self->range->to_id, g_free);
          query_next_page (self);
          return;
        }
      g_debug ("messaging: archive query failed: %s", error->message);
      self->queries_done = TRUE;
      if (self->inserts_pending == 0)
        catchup_finish (self);
      return;
    }

  first = xmpp_mam_page_get_first (page);
  last = xmpp_mam_page_get_last (page);
  if (self->mode == CATCHUP_FORWARD)
    {
      if (last != NULL)
        {
          g_free (self->range->to_id);
          self->range->to_id = g_strdup (last);
          if (message_time (page, TRUE) > 0)
            self->range->to_time = message_time (page, TRUE);
        }
      self->queries_done = xmpp_mam_page_get_complete (page) || last == NULL;
    }
  else
    {
      if (first != NULL)
        {
          g_free (self->range->from_id);
          self->range->from_id = g_strdup (first);
          self->range->from_time = message_time (page, FALSE);
        }
      if (self->range->to_id == NULL && last != NULL)
        {
          self->range->to_id = g_strdup (last);
          self->range->to_time = message_time (page, TRUE);
        }
      if (xmpp_mam_page_get_complete (page) || first == NULL)
        self->range->complete = TRUE;
      self->queries_done = self->range->complete;
    }

  data = g_new0 (InsertData, 1);
  data->self = g_object_ref (self);
  data->records = records_for_page (self, page);
  data->range = range_copy (self->range);
  self->inserts_pending++;
  natter_store_insert_messages_async (self->store, data->records, data->range,
                                      self->cancellable, insert_cb, data);

  /* Several pages in flight: ask for the next while this one is stored,
   * once the range has a row the next page can update. */
  if (!self->queries_done)
    {
      if (self->range->id == 0)
        self->waiting_for_range_id = TRUE;
      else
        query_next_page (self);
    }
}

static void
query_next_page (NatterMessaging *self)
{
  XmppMamQuery query = { NULL, };
  g_autoptr(GDateTime) start = NULL;

  query.max = XMPP_MAM_MAX_PAGE;
  if (self->mode == CATCHUP_FORWARD)
    {
      if (self->range->to_id != NULL)
        query.after_id = self->range->to_id;
      else
        start = g_date_time_new_from_unix_utc (MAX (self->range->to_time / G_USEC_PER_SEC - 60, 0));
      query.start = start;
    }
  else
    query.before_id = self->range->from_id != NULL ? self->range->from_id : "";

  xmpp_mam_query_async (self->mam, self->own, &query, self->session,
                        query_cb, g_object_ref (self));
}

static void
start_catchup (NatterMessaging *self)
{
  g_autoptr(GPtrArray) ranges = NULL;

  if (self->mode != CATCHUP_IDLE)
    return;
  ranges = natter_store_list_mam_ranges (self->store, natter_account_get_id (self->account),
                                         xmpp_jid_to_bare_string (self->own), NULL);
  g_clear_pointer (&self->range, natter_store_mam_range_unref);
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      NatterStoreMamRange *range = g_ptr_array_index (ranges, i);

      if (self->range == NULL || range->to_time > self->range->to_time)
        {
          g_clear_pointer (&self->range, natter_store_mam_range_unref);
          self->range = natter_store_mam_range_ref (range);
        }
    }

  self->queries_done = FALSE;
  self->inserts_pending = 0;
  self->waiting_for_range_id = FALSE;
  self->fell_back = FALSE;
  if (self->range == NULL)
    {
      self->range = natter_store_mam_range_new ();
      self->range->account_id = natter_account_get_id (self->account);
      self->range->archive = g_strdup (xmpp_jid_to_bare_string (self->own));
      self->mode = CATCHUP_BACKFILL;
    }
  else
    self->mode = CATCHUP_FORWARD;
  set_syncing (self, TRUE);
  query_next_page (self);
}

static void
carbons_enabled_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!xmpp_carbons_enable_finish (XMPP_CARBONS (object), result, &error))
    g_debug ("messaging: carbons not enabled: %s", error->message);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  NatterMessaging *self = user_data;

  /* A resumed session re-sent what was unacked and lost nothing (I5). */
  if (resumed)
    return;

  g_cancellable_cancel (self->session);
  g_clear_object (&self->session);
  self->session = g_cancellable_new ();
  self->mode = CATCHUP_IDLE;

  /* Carbons before the initial presence, which the account sends once
   * the roster is loaded, and before the catch-up (I5). */
  xmpp_carbons_enable_async (self->carbons, self->session, carbons_enabled_cb, NULL);
  flush_outbox (self);
  start_catchup (self);
}

static void
detach (NatterMessaging *self)
{
  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->online_id, self->client);
      g_clear_signal_handler (&self->message_id, self->messages);
    }
  if (self->session != NULL)
    g_cancellable_cancel (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->mam);
  g_clear_object (&self->carbons);
  g_clear_object (&self->messages);
  g_clear_object (&self->client);
  g_clear_pointer (&self->own, xmpp_jid_unref);
  self->mode = CATCHUP_IDLE;
}

static void
attach (NatterMessaging *self)
{
  XmppClient *client = natter_account_get_client (self->account);

  if (client == NULL)
    return;
  self->client = g_object_ref (client);
  self->own = xmpp_jid_dup_bare (xmpp_client_get_jid (client));
  self->messages = xmpp_messages_new (client, natter_account_get_disco (self->account));
  self->carbons = xmpp_carbons_new (self->messages);
  self->mam = xmpp_mam_new (self->messages);
  self->session = g_cancellable_new ();
  self->online_id = g_signal_connect (client, "online", G_CALLBACK (online_cb), self);
  self->message_id = g_signal_connect (self->messages, "message", G_CALLBACK (message_cb), self);

  /* Attached to a session that is already up (the account connected
   * first): what arrived before is in the archive, so start as a fresh
   * session would. */
  if (xmpp_client_get_state (client) == XMPP_CLIENT_ONLINE)
    online_cb (client, FALSE, self);
}

static void
client_changed_cb (NatterAccount *account,
                   GParamSpec    *pspec,
                   gpointer       user_data)
{
  NatterMessaging *self = user_data;

  detach (self);
  attach (self);
}

static void
natter_messaging_dispose (GObject *object)
{
  NatterMessaging *self = NATTER_MESSAGING (object);

  g_cancellable_cancel (self->cancellable);
  detach (self);
  if (self->account != NULL && self->conversations != NULL)
    natter_conversation_list_set_messaging (self->conversations, self->account, NULL);
  if (self->account != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->account, self);
      g_object_remove_weak_pointer (G_OBJECT (self->account), (gpointer *) &self->account);
      self->account = NULL;
    }
  g_clear_pointer (&self->range, natter_store_mam_range_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->archive_floor, g_hash_table_unref);
  g_clear_object (&self->conversations);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (natter_messaging_parent_class)->dispose (object);
}

static void
natter_messaging_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NatterMessaging *self = NATTER_MESSAGING (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_messaging_class_init (NatterMessagingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_messaging_dispose;
  object_class->get_property = natter_messaging_get_property;

  /**
   * NatterMessaging:account:
   *
   * The account whose messages this handles.
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, NATTER_TYPE_ACCOUNT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NatterMessaging:syncing:
   *
   * Whether the archive catch-up is running.
   */
  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_messaging_init (NatterMessaging *self)
{
  self->cancellable = g_cancellable_new ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->archive_floor = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/**
 * natter_messaging_new:
 * @account: an account
 * @conversations: the conversation list to file messages into
 *
 * Starts the message pipelines of @account; they follow its client when
 * it is replaced.  Conversations of @account in @conversations send
 * through it.
 *
 * Returns: (transfer full): the pipelines
 */
NatterMessaging *
natter_messaging_new (NatterAccount          *account,
                      NatterConversationList *conversations)
{
  NatterMessaging *self;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (conversations), NULL);

  self = g_object_new (NATTER_TYPE_MESSAGING, NULL);
  self->account = account;
  g_object_add_weak_pointer (G_OBJECT (account), (gpointer *) &self->account);
  self->store = g_object_ref (natter_account_get_store (account));
  self->conversations = g_object_ref (conversations);
  g_signal_connect (account, "notify::client", G_CALLBACK (client_changed_cb), self);
  attach (self);

  natter_conversation_list_set_messaging (conversations, account, self);
  return self;
}

/**
 * natter_messaging_get_account:
 * @self: the pipelines
 *
 * Returns: (transfer none) (nullable): the account
 */
NatterAccount *
natter_messaging_get_account (NatterMessaging *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGING (self), NULL);
  return self->account;
}

/**
 * natter_messaging_get_syncing:
 * @self: the pipelines
 *
 * Returns: whether the archive catch-up is running
 */
gboolean
natter_messaging_get_syncing (NatterMessaging *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGING (self), FALSE);
  return self->syncing;
}

/**
 * natter_messaging_get_n_in_flight:
 * @self: the pipelines
 *
 * Returns: how many messages are sent and not yet acked
 */
guint
natter_messaging_get_n_in_flight (NatterMessaging *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGING (self), 0);
  return g_hash_table_size (self->in_flight);
}
