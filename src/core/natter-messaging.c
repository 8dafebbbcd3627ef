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
#include "natter-error.h"
#include "natter-omemo-message.h"

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
 * archive newest first in the background.  Receipts, displayed markers
 * and bounces found in archive pages act like live ones, once the page
 * is committed; states only move forward.
 *
 * Order: a conversation is shown in (timestamp, id) order, and the
 * timestamps are chosen so that this is the order the server delivered
 * or archived the messages in, which for one sender is the order they
 * were written (keep_live_order(), keep_archive_order(),
 * keep_backward_order()).
 *
 * Bounces: a `<message type='error'/>` from the peer that names one of
 * our messages by its id fails it with a readable reason; it is never a
 * message of its own.  natter_messaging_retry() sends a failed message
 * again with the same id.
 *
 * History: natter_messaging_fetch_history_async() pages the archive
 * backwards for one conversation, for natter_message_list_request_older().
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

  gboolean                send_receipts;
  gboolean                send_markers;

  XmppClient             *client;
  XmppMessages           *messages;
  XmppCarbons            *carbons;
  XmppMam                *mam;
  XmppPresence           *presence;
  XmppJid                *own;
  GCancellable           *session;
  gulong                  online_id;
  gulong                  message_id;
  gulong                  resource_removed_id;
  gulong                  announced_id;
  guint                   presence_timeout_id;  /* while the catch-up waits for it */

  GHashTable             *in_flight;  /* origin-id */
  GHashTable             *retried;    /* origin-id → gint64 *, when retried */
  GHashTable             *live_floor;       /* conversation id → gint64 *, see keep_live_order() */
  GHashTable             *archive_floor;    /* conversation id → gint64 *, see keep_archive_order() */
  GHashTable             *archive_ceiling;  /* conversation id → gint64 *, see keep_backward_order() */
  guint                   backfill_limit;
  guint                   backfill_pages;

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
  XmppNode        *stanza;      /* waiting for OMEMO encryption */
} SendData;

static void
send_data_free (SendData *data)
{
  g_object_unref (data->self);
  g_free (data->origin_id);
  g_clear_pointer (&data->stanza, xmpp_node_unref);
  g_free (data);
}

static void transmit (NatterMessaging    *self,
                      NatterStoreMessage *record);
static void advance_sent (NatterMessaging *self,
                          gint64           conversation_id,
                          const char      *origin_id);

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendData *data = user_data;
  NatterMessaging *self = data->self;
  g_autoptr(GError) error = NULL;

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

  advance_sent (self, data->conversation_id, data->origin_id);
  send_data_free (data);
}

/* The bare JID, or the resource the conversation is locked to. */
static const char *
recipient_of (NatterMessaging *self,
              gint64           conversation_id,
              char           **to_free)
{
  NatterConversation *conversation;
  g_autoptr(NatterStoreConversation) record = NULL;

  conversation = natter_conversation_list_lookup_id (self->conversations, conversation_id);
  if (conversation != NULL)
    return natter_conversation_get_reply_to (conversation);
  record = natter_store_get_conversation (self->store, conversation_id, NULL);
  if (record == NULL)
    return NULL;
  *to_free = g_strdup (record->peer);
  return *to_free;
}

/* A message that cannot be encrypted fails, saying why (which devices),
 * and is not sent: the user chose encryption. */
static void
encrypted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SendData *data = user_data;
  NatterMessaging *self = data->self;
  g_autoptr(XmppNode) encrypted = NULL;
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;

  encrypted = natter_omemo_encrypt_finish (NATTER_OMEMO (object), result, &error);
  if (encrypted != NULL && self->client != NULL &&
      xmpp_client_get_state (self->client) == XMPP_CLIENT_ONLINE)
    {
      XmppNode *stanza = g_steal_pointer (&data->stanza);

      natter_omemo_message_seal (stanza, encrypted);
      xmpp_client_send_async (self->client, stanza, self->cancellable, send_cb, data);
      xmpp_node_unref (stanza);
      return;
    }

  if (self->in_flight != NULL)
    g_hash_table_remove (self->in_flight, data->origin_id);
  if (encrypted == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED) && self->store != NULL)
    {
      g_autoptr(GError) store_error = NULL;

      g_debug ("messaging: message %" G_GINT64_FORMAT " not encrypted: %s",
               data->message_id, error->message);
      if (!natter_store_set_message_state (self->store, data->message_id,
                                           NATTER_STORE_MESSAGE_STATE_FAILED, error->message,
                                           &store_error))
        g_warning ("messaging: cannot mark a message as failed: %s", store_error->message);
      conversation = natter_conversation_list_lookup_id (self->conversations,
                                                         data->conversation_id);
      if (conversation != NULL)
        natter_conversation_refresh_message (conversation, data->message_id);
    }
  send_data_free (data);
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
  peer = recipient_of (self, record->conversation_id, &peer_copy);
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
  if (record->encryption == NATTER_STORE_ENCRYPTION_OMEMO)
    {
      /* Encrypted at every attempt (the keys a resend needs may differ);
       * never sent in plaintext instead. */
      g_autoptr(XmppJid) bare = xmpp_jid_dup_bare (to);

      data->stanza = g_steal_pointer (&stanza);
      natter_omemo_encrypt_async (natter_account_get_omemo (self->account),
                                  xmpp_jid_to_bare_string (bare), record->body,
                                  self->cancellable, encrypted_cb, data);
      return;
    }
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
  if (natter_conversation_get_encryption (conversation) == NATTER_MESSAGE_ENCRYPTION_OMEMO)
    record->encryption = NATTER_STORE_ENCRYPTION_OMEMO;

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

/* What a message says about messages already stored: a receipt or a
 * displayed marker from the peer moves ours forward, a bounce fails one
 * of ours, and our own displayed marker (sent by another device) means
 * the peer's messages were read.  Live messages apply them at once;
 * archive pages once the page is committed, since they may name
 * messages of the same page. */
typedef enum {
  EFFECT_DELIVERED,
  EFFECT_READ,
  EFFECT_FAILED,
  EFFECT_SEEN,
} EffectKind;

typedef struct
{
  EffectKind  kind;
  gint64      conversation_id;
  char       *id;
  char       *text;
  gint64      time;  /* the archive's time of a bounce; 0 for a live one */
} Effect;

static void
effect_clear (Effect *effect)
{
  g_free (effect->id);
  g_free (effect->text);
}

static GArray *
effects_new (void)
{
  GArray *effects = g_array_new (FALSE, TRUE, sizeof (Effect));

  g_array_set_clear_func (effects, (GDestroyNotify) effect_clear);
  return effects;
}

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
   * live or in the archive (which files it when it finally arrived).  A
   * claim from the future is not believed.  Where the message goes among
   * the others is settled by keep_live_order() and keep_archive_order(). */
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
  /* An OMEMO message is what it holds for this device, or why it cannot
   * be read; a key transport element is no message at all. */
  if (!natter_omemo_message_open (natter_account_get_omemo (self->account), message, record))
    {
      natter_store_message_unref (record);
      return NULL;
    }
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

/* The server has our message (its ack, or its copy in the archive): sent,
 * unless it bounced meanwhile.  Only the peer's receipt or marker moves
 * a failed message on, since only they prove it arrived. */
static void
advance_sent (NatterMessaging *self,
              gint64           conversation_id,
              const char      *origin_id)
{
  g_autoptr(NatterStoreMessage) record = NULL;
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;
  gint64 message_id = 0;

  record = natter_store_find_message_by_origin_id (self->store, conversation_id,
                                                   NATTER_STORE_DIRECTION_OUT, origin_id, NULL);
  if (record == NULL || record->state == NATTER_STORE_MESSAGE_STATE_FAILED)
    return;
  if (!natter_store_advance_message_state (self->store, conversation_id, origin_id,
                                           NATTER_STORE_MESSAGE_STATE_SENT, &message_id, &error))
    {
      g_debug ("messaging: cannot mark a message as sent: %s", error->message);
      return;
    }
  conversation = natter_conversation_list_lookup_id (self->conversations, conversation_id);
  if (conversation != NULL)
    natter_conversation_refresh_message (conversation, message_id);
}

/* A human-readable reason for a bounce (RFC 6120 §8.3.3), with the
 * server's own text when it gave one. */
static char *
bounce_text (XmppMessage *message)
{
  const char *condition = xmpp_message_get_error_condition (message);
  const char *text = xmpp_message_get_error_text (message);
  const char *reason;

  if (g_strcmp0 (condition, "item-not-found") == 0 ||
      g_strcmp0 (condition, "recipient-unavailable") == 0 ||
      g_strcmp0 (condition, "service-unavailable") == 0 ||
      g_strcmp0 (condition, "gone") == 0)
    reason = _("The recipient does not exist or cannot receive messages");
  else if (g_strcmp0 (condition, "remote-server-not-found") == 0 ||
           g_strcmp0 (condition, "remote-server-timeout") == 0)
    reason = _("The recipient’s server cannot be reached");
  else if (g_strcmp0 (condition, "forbidden") == 0 ||
           g_strcmp0 (condition, "not-allowed") == 0 ||
           g_strcmp0 (condition, "not-authorized") == 0 ||
           g_strcmp0 (condition, "policy-violation") == 0)
    reason = _("The recipient’s server refused the message");
  else if (g_strcmp0 (condition, "resource-constraint") == 0)
    reason = _("The recipient’s server is too busy to take the message");
  else
    reason = _("The message could not be delivered");

  if (text != NULL && text[0] != '\0')
    {
      /* TRANSLATORS: a reason why a message failed, then the server's
       * own explanation. */
      return g_strdup_printf (_("%s: “%s”"), reason, text);
    }
  return g_strdup (reason);
}

/* A bounce of our message @id in @conversation: it failed, unless the
 * peer already confirmed it (a bounce from one of several resources). */
static void
fail_message (NatterMessaging    *self,
              NatterConversation *conversation,
              const char         *id,
              const char         *text,
              gint64              time)
{
  g_autoptr(NatterStoreMessage) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 *retried = g_hash_table_lookup (self->retried, id);

  /* The archive's copy of a bounce that came before the message was sent
   * again (a retry): it answers the old copy.  Archive times have whole
   * seconds, hence the margin. */
  if (time > 0 && retried != NULL && time + G_USEC_PER_SEC < *retried)
    return;

  record = natter_store_find_message_by_origin_id (self->store,
                                                   natter_conversation_get_id (conversation),
                                                   NATTER_STORE_DIRECTION_OUT, id, NULL);
  if (record == NULL)
    {
      g_debug ("messaging: a bounce for a message that is not ours");
      return;
    }
  if (record->state != NATTER_STORE_MESSAGE_STATE_PENDING &&
      record->state != NATTER_STORE_MESSAGE_STATE_SENT)
    return;
  if (!natter_store_set_message_state (self->store, record->id,
                                       NATTER_STORE_MESSAGE_STATE_FAILED, text, &error))
    {
      g_warning ("messaging: cannot mark a message as failed: %s", error->message);
      return;
    }
  natter_conversation_refresh_message (conversation, record->id);
}

/* Receipts, markers and bounces: only the peer of the conversation may
 * move our messages (SECURITY row 19); the conversation is the one of
 * the sender's bare JID, so a stranger finds none of ours, and ids are
 * unguessable UUIDs. */
static void
collect_effects (NatterMessaging *self,
                 XmppMessage     *message,
                 XmppJid         *peer,
                 gboolean         outgoing,
                 GArray          *effects)
{
  NatterConversation *conversation;
  Effect effect = { 0, };

  conversation = natter_conversation_list_lookup (self->conversations, self->account,
                                                  xmpp_jid_to_bare_string (peer));
  if (conversation == NULL)
    return;
  effect.conversation_id = natter_conversation_get_id (conversation);

  if (xmpp_message_get_message_type (message) == XMPP_MESSAGE_TYPE_ERROR)
    {
      const char *id = xmpp_message_get_id (message);

      /* RFC 6120 §8.3.1: the error carries the id of what it answers. */
      if (id == NULL)
        id = xmpp_message_get_origin_id (message);
      if (outgoing || id == NULL)
        return;
      effect.kind = EFFECT_FAILED;
      effect.id = g_strdup (id);
      effect.text = bounce_text (message);
      if (xmpp_message_get_provenance (message) == XMPP_MESSAGE_PROVENANCE_ARCHIVE)
        effect.time = natter_messaging_datetime_to_usec (xmpp_message_get_timestamp (message));
      g_array_append_val (effects, effect);
      return;
    }

  if (outgoing)
    {
      if (xmpp_message_get_marker (message) == XMPP_CHAT_MARKER_DISPLAYED)
        {
          effect.kind = EFFECT_SEEN;
          g_array_append_val (effects, effect);
        }
      return;
    }

  if (xmpp_message_get_receipt_id (message) != NULL)
    {
      effect.kind = EFFECT_DELIVERED;
      effect.id = g_strdup (xmpp_message_get_receipt_id (message));
      g_array_append_val (effects, effect);
    }
  if (xmpp_message_get_marker (message) == XMPP_CHAT_MARKER_DISPLAYED &&
      xmpp_message_get_marker_id (message) != NULL)
    {
      effect.kind = EFFECT_READ;
      effect.id = g_strdup (xmpp_message_get_marker_id (message));
      g_array_append_val (effects, effect);
    }
}

/* Our own displayed markers (EFFECT_SEEN) clear the unread count when
 * they arrive live; an archive page instead counts what follows its last
 * marker (records_for_page()). */
static void
apply_effects (NatterMessaging *self,
               GArray          *effects,
               gboolean         live)
{
  for (guint i = 0; i < effects->len; i++)
    {
      Effect *effect = &g_array_index (effects, Effect, i);
      NatterConversation *conversation;

      conversation = natter_conversation_list_lookup_id (self->conversations,
                                                         effect->conversation_id);
      if (conversation == NULL)
        continue;
      switch (effect->kind)
        {
        case EFFECT_DELIVERED:
          advance (self, conversation, effect->id, NATTER_STORE_MESSAGE_STATE_DELIVERED);
          break;
        case EFFECT_READ:
          advance (self, conversation, effect->id, NATTER_STORE_MESSAGE_STATE_READ);
          break;
        case EFFECT_FAILED:
          fail_message (self, conversation, effect->id, effect->text, effect->time);
          break;
        case EFFECT_SEEN:
          if (live)
            natter_conversation_set_unread (conversation, 0);
          break;
        default:
          g_assert_not_reached ();
        }
    }
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

static gint64 *
floor_of (GHashTable *table,
          gint64      conversation_id,
          gint64      initial)
{
  gpointer key = GINT_TO_POINTER (conversation_id);
  gint64 *floor = g_hash_table_lookup (table, key);

  if (floor == NULL)
    {
      floor = g_new (gint64, 1);
      *floor = initial;
      g_hash_table_insert (table, key, floor);
    }
  return floor;
}

/* The server delivers a conversation's messages in its own order, and
 * for one sender that is the order they were written.  The times we file
 * them by are not: a live arrival gets the local time in microseconds,
 * but a message the server replays on resumption carries a `<delay/>`
 * of the second it queued it (Prosody's mod_smacks), and one the sender
 * resends after a failed resumption the time it was written, which lies
 * before the local arrival time of its predecessors.  Taken at face
 * value both file a message before ones delivered ahead of it.  So a
 * delivered message never goes before the one delivered just before it
 * in its conversation; a claim that does is raised to just after it. */
static void
keep_live_order (NatterMessaging    *self,
                 NatterStoreMessage *record)
{
  gint64 *floor = floor_of (self->live_floor, record->conversation_id, 0);

  if (record->timestamp <= *floor)
    record->timestamp = *floor + 1;
}

static void
raise_live_floor (NatterMessaging *self,
                  gint64           conversation_id,
                  gint64           timestamp)
{
  gint64 *floor = floor_of (self->live_floor, conversation_id, 0);

  *floor = MAX (*floor, timestamp);
}

/* RFC 6121 §5.1: answer the resource that wrote (a body, not a receipt
 * or marker its client sent by itself), as long as its presence says it
 * is there.  Without its presence (no subscription) we would not
 * learn that it left, so replies keep going to the bare JID. */
static void
lock_resource (NatterMessaging    *self,
               NatterConversation *conversation,
               XmppJid            *from)
{
  if (xmpp_jid_is_bare (from) ||
      (self->presence != NULL && xmpp_presence_lookup_resource (self->presence, from) != NULL))
    natter_conversation_lock_resource (conversation, from);
}

static void
message_cb (XmppMessages *messages,
            XmppMessage  *message,
            gpointer      user_data)
{
  NatterMessaging *self = user_data;
  g_autoptr(XmppJid) peer = NULL;
  g_autoptr(NatterStoreMessage) record = NULL;
  g_autoptr(GArray) effects = NULL;
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;
  NatterStoreInsertResult result;
  XmppMessageProvenance provenance = xmpp_message_get_provenance (message);
  XmppMessageType type = xmpp_message_get_message_type (message);
  gboolean outgoing = FALSE;
  gboolean from_peer;

  /* Archive results come in pages, through query_cb(). */
  if (provenance == XMPP_MESSAGE_PROVENANCE_ARCHIVE)
    return;
  if (type != XMPP_MESSAGE_TYPE_ERROR && !is_one_to_one (message))
    return;
  peer = peer_of_message (self, message, &outgoing);
  if (peer == NULL)
    return;

  effects = effects_new ();
  collect_effects (self, message, peer, outgoing, effects);
  apply_effects (self, effects, TRUE);
  /* A bounce is never a message of its own, whatever it carries. */
  if (type == XMPP_MESSAGE_TYPE_ERROR)
    return;

  from_peer = !outgoing && xmpp_message_get_from (message) != NULL;
  conversation = natter_conversation_list_lookup (self->conversations, self->account,
                                                  xmpp_jid_to_bare_string (peer));
  if (conversation != NULL && !outgoing &&
      xmpp_message_get_chat_state (message) != XMPP_CHAT_STATE_NONE)
    natter_conversation_set_chat_state (conversation,
                                        (NatterChatState) xmpp_message_get_chat_state (message));
  if (natter_omemo_message_take_key_transport (natter_account_get_omemo (self->account), message))
    return;
  /* An OMEMO message may come without the customary fallback body. */
  if (xmpp_message_get_body (message) == NULL && xmpp_message_get_encrypted (message) == NULL)
    return;

  conversation = natter_conversation_list_ensure (self->conversations, self->account,
                                                  xmpp_jid_to_bare_string (peer), &error);
  if (conversation == NULL)
    {
      g_warning ("messaging: cannot store a message: %s", error->message);
      return;
    }
  natter_conversation_set_messaging (conversation, self);
  if (from_peer)
    lock_resource (self, conversation, xmpp_message_get_from (message));
  record = record_for_message (self, message, outgoing, conversation);
  if (record == NULL)
    return;
  keep_live_order (self, record);
  /* Committed before the engine counts the stanza as handled (I1). */
  if (!natter_store_insert_message (self->store, record, &result, &error))
    {
      g_warning ("messaging: cannot store a message: %s", error->message);
      return;
    }
  if (result == NATTER_STORE_INSERT_ADDED)
    {
      raise_live_floor (self, record->conversation_id, record->timestamp);
      natter_conversation_add_record (conversation, record, !outgoing);
      natter_conversation_list_touched (self->conversations, conversation);
      if (!outgoing && (record->replaces == 0 || record->replaces == record->id))
        natter_conversation_list_message_received (self->conversations, conversation, record);
    }
  else
    {
      g_autoptr(NatterStoreMessage) stored = natter_store_get_message (self->store, record->id,
                                                                       NULL);

      /* Delivered again: what follows still follows it. */
      if (stored != NULL)
        raise_live_floor (self, record->conversation_id, stored->timestamp);
    }

  /* XEP-0184 §5: not for our own carbons, not for archive copies; and
   * not at all if the user keeps deliveries private. */
  if (!outgoing && self->send_receipts && xmpp_message_get_receipt_requested (message) &&
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
start_backward_pass (NatterMessaging *self)
{
  self->mode = CATCHUP_BACKFILL;
  self->backfill_pages = 0;
  g_hash_table_remove_all (self->archive_ceiling);
}

static void
maybe_done (NatterMessaging *self)
{
  if (!self->queries_done || self->inserts_pending > 0)
    return;
  if (self->mode == CATCHUP_FORWARD && !self->range->complete)
    {
      /* Forward is done; the history before the first fetch is not. */
      start_backward_pass (self);
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
  GArray              *unread;   /* gboolean per record: unread, and announced */
  GArray              *effects;
  GHashTable          *unread_after_seen;  /* conversation id → count, forward pages */
  NatterStoreMamRange *range;    /* for the catch-up */
  GTask               *task;     /* for a history page */
  gboolean             complete; /* the history page reached the start */
} InsertData;

static void
insert_data_free (InsertData *data)
{
  g_object_unref (data->self);
  g_ptr_array_unref (data->records);
  g_array_unref (data->unread);
  g_array_unref (data->effects);
  g_clear_pointer (&data->unread_after_seen, g_hash_table_unref);
  g_clear_pointer (&data->range, natter_store_mam_range_unref);
  g_clear_object (&data->task);
  g_free (data);
}

static char *
history_key (NatterConversation *conversation)
{
  return g_strconcat ("archive-start:", natter_conversation_get_peer (conversation), NULL);
}

static void
history_inserted (InsertData *data,
                  GError     *error)
{
  NatterMessaging *self = data->self;
  NatterConversation *conversation = g_task_get_task_data (data->task);

  if (error != NULL)
    {
      g_task_return_error (data->task, g_error_copy (error));
      return;
    }
  if (data->complete)
    {
      g_autofree char *key = history_key (conversation);
      g_autoptr(GError) local_error = NULL;

      if (!natter_store_set_account_setting (self->store, natter_account_get_id (self->account),
                                             key, "1", &local_error))
        g_debug ("messaging: cannot remember a complete history: %s", local_error->message);
    }
  g_task_return_int (data->task, data->complete);
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
  if (data->task != NULL)
    {
      if (results != NULL)
        {
          apply_effects (self, data->effects, FALSE);
          for (guint i = 0; i < data->records->len && i < results->len; i++)
            {
              NatterStoreMessage *record = g_ptr_array_index (data->records, i);

              if (g_array_index (results, NatterStoreInsertResult, i) != NATTER_STORE_INSERT_ADDED &&
                  record->direction == NATTER_STORE_DIRECTION_OUT && record->origin_id != NULL)
                advance_sent (self, record->conversation_id, record->origin_id);
            }
        }
      /* The list shows the page's rows itself, as one block. */
      history_inserted (data, error);
      insert_data_free (data);
      return;
    }

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

  apply_effects (self, data->effects, FALSE);
  for (guint i = 0; i < data->records->len && i < results->len; i++)
    {
      NatterStoreMessage *record = g_ptr_array_index (data->records, i);
      NatterStoreInsertResult r = g_array_index (results, NatterStoreInsertResult, i);
      gboolean unread = g_array_index (data->unread, gboolean, i);
      NatterConversation *conversation;

      conversation = natter_conversation_list_lookup_id (self->conversations,
                                                         record->conversation_id);
      if (conversation == NULL)
        continue;
      if (r == NATTER_STORE_INSERT_ADDED)
        {
          unread = unread && (record->replaces == 0 || record->replaces == record->id);
          natter_conversation_add_record (conversation, record, unread);
          natter_conversation_list_touched (self->conversations, conversation);
          if (unread)
            natter_conversation_list_message_received (self->conversations, conversation, record);
        }
      else if (record->direction == NATTER_STORE_DIRECTION_OUT && record->origin_id != NULL)
        {
          /* Our own message is in the archive: the server has it (O6). */
          advance_sent (self, record->conversation_id, record->origin_id);
        }
    }

  /* Read on another device: what is unread is what came after. */
  if (data->unread_after_seen != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, data->unread_after_seen);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          NatterConversation *conversation;

          conversation = natter_conversation_list_lookup_id (self->conversations,
                                                             GPOINTER_TO_INT (key));
          if (conversation != NULL)
            natter_conversation_set_unread (conversation, GPOINTER_TO_UINT (value));
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

static NatterStoreMessage *
find_stored_copy (NatterMessaging    *self,
                  NatterStoreMessage *record)
{
  NatterStoreMessage *existing = NULL;

  if (record->stanza_id != NULL)
    existing = natter_store_find_message_by_stanza_id (self->store, record->account_id,
                                                       record->archive, record->stanza_id, NULL);
  if (existing == NULL && record->origin_id != NULL)
    existing = natter_store_find_message_by_origin_id (self->store, record->conversation_id,
                                                       record->direction, record->origin_id, NULL);
  return existing;
}

/* Archive stamps have whole seconds, live arrivals microseconds: within
 * one second a message known only from the archive would sort before live
 * ones the archive lists ahead of it.  The archive's order is the truth,
 * so each new row of a page read forwards is placed after the rows it
 * follows there, anchored on copies we already hold (found by stanza-id
 * or origin-id); @floors carry that across pages. */
static void
keep_archive_order (NatterMessaging    *self,
                    GHashTable         *floors,
                    NatterStoreMessage *record)
{
  g_autoptr(NatterStoreMessage) existing = find_stored_copy (self, record);
  gint64 *floor = floor_of (floors, record->conversation_id, 0);

  if (existing != NULL)
    *floor = MAX (*floor, existing->timestamp);
  else
    {
      if (record->timestamp <= *floor)
        record->timestamp = *floor + 1;
      *floor = record->timestamp;
    }
}

static gint64
oldest_stored_time (NatterMessaging *self,
                    gint64           conversation_id)
{
  g_autoptr(GPtrArray) rows = NULL;

  rows = natter_store_list_messages_after (self->store, conversation_id, -1, 0, 1, NULL);
  if (rows == NULL || rows->len == 0)
    return G_MAXINT64;
  return ((NatterStoreMessage *) g_ptr_array_index (rows, 0))->timestamp;
}

/* The same for pages read backwards (the backfill and history pages):
 * walking each page from its newest row, a new row goes before the rows
 * that follow it in the archive, and before the newer pages.  @ceilings
 * carry that across pages; a conversation met for the first time starts
 * below its oldest stored row, unless @newest (the archive's last page,
 * which may follow what is stored). */
static void
keep_backward_order (NatterMessaging *self,
                     GHashTable      *ceilings,
                     GPtrArray       *records,
                     gboolean         newest)
{
  for (guint i = records->len; i > 0; i--)
    {
      NatterStoreMessage *record = g_ptr_array_index (records, i - 1);
      g_autoptr(NatterStoreMessage) existing = find_stored_copy (self, record);
      gpointer key = GINT_TO_POINTER (record->conversation_id);
      gint64 *ceiling = g_hash_table_lookup (ceilings, key);

      if (ceiling == NULL)
        ceiling = floor_of (ceilings, record->conversation_id,
                            newest ? G_MAXINT64
                                   : oldest_stored_time (self, record->conversation_id));
      if (existing != NULL)
        *ceiling = MIN (*ceiling, existing->timestamp);
      else
        {
          if (record->timestamp >= *ceiling)
            record->timestamp = *ceiling - 1;
          *ceiling = record->timestamp;
        }
    }
}

/* The rows of a page, in archive order, with the effects of all its
 * messages and, per row, whether it is an unread message from the peer
 * (@forward pages only: what arrived while we were away, unless a
 * displayed marker of ours follows it in the page).  @only keeps one
 * conversation's messages (a history page). */
static GPtrArray *
records_for_page (NatterMessaging    *self,
                  XmppMamPage        *page,
                  NatterConversation *only,
                  gboolean            forward,
                  GArray             *effects,
                  GArray             *unread,
                  GHashTable        **unread_after_seen)
{
  GPtrArray *messages = xmpp_mam_page_get_messages (page);
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) last_seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      XmppMessage *message = g_ptr_array_index (messages, i);
      XmppMessageType type = xmpp_message_get_message_type (message);
      g_autoptr(XmppJid) peer = NULL;
      NatterConversation *conversation;
      gboolean outgoing = FALSE;
      guint n_effects = effects->len;

      if (type != XMPP_MESSAGE_TYPE_ERROR && !is_one_to_one (message))
        continue;
      peer = peer_of_message (self, message, &outgoing);
      if (peer == NULL)
        continue;
      if (only != NULL &&
          g_strcmp0 (xmpp_jid_to_bare_string (peer), natter_conversation_get_peer (only)) != 0)
        continue;

      collect_effects (self, message, peer, outgoing, effects);
      for (guint j = n_effects; j < effects->len; j++)
        {
          Effect *effect = &g_array_index (effects, Effect, j);

          if (effect->kind == EFFECT_SEEN)
            g_hash_table_insert (last_seen, GINT_TO_POINTER (effect->conversation_id),
                                 GUINT_TO_POINTER (i + 1));
        }
      if (type == XMPP_MESSAGE_TYPE_ERROR || xmpp_message_get_body (message) == NULL)
        continue;

      conversation = only;
      if (conversation == NULL)
        conversation = natter_conversation_list_ensure (self->conversations, self->account,
                                                        xmpp_jid_to_bare_string (peer), NULL);
      if (conversation == NULL)
        continue;
      natter_conversation_set_messaging (conversation, self);
      {
        NatterStoreMessage *record = record_for_message (self, message, outgoing, conversation);

        if (record == NULL)
          continue;
        g_ptr_array_add (records, record);
      }
      g_array_append_val (positions, i);
    }

  for (guint k = 0; k < records->len; k++)
    {
      NatterStoreMessage *record = g_ptr_array_index (records, k);
      guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (last_seen,
                                                          GINT_TO_POINTER (record->conversation_id)));
      gboolean is_unread = forward && record->direction == NATTER_STORE_DIRECTION_IN &&
                           g_array_index (positions, guint, k) + 1 > seen;

      g_array_append_val (unread, is_unread);
    }

  /* Per conversation with a displayed marker of ours: the peer's rows
   * after the last one are the unread ones. */
  if (forward && g_hash_table_size (last_seen) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      *unread_after_seen = g_hash_table_new (NULL, NULL);
      g_hash_table_iter_init (&iter, last_seen);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint n = 0;

          for (guint k = 0; k < records->len; k++)
            {
              NatterStoreMessage *record = g_ptr_array_index (records, k);

              if (GINT_TO_POINTER (record->conversation_id) == key &&
                  g_array_index (unread, gboolean, k))
                n++;
            }
          g_hash_table_insert (*unread_after_seen, key, GUINT_TO_POINTER (n));
        }
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
  gboolean newest = FALSE;

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
      newest = self->range->from_id == NULL;
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
      /* The rest waits for the next session. */
      if (self->backfill_limit > 0 && ++self->backfill_pages >= self->backfill_limit)
        self->queries_done = TRUE;
    }

  data = g_new0 (InsertData, 1);
  data->self = g_object_ref (self);
  data->effects = effects_new ();
  data->unread = g_array_new (FALSE, FALSE, sizeof (gboolean));
  data->records = records_for_page (self, page, NULL, self->mode == CATCHUP_FORWARD,
                                    data->effects, data->unread, &data->unread_after_seen);
  if (self->mode == CATCHUP_FORWARD)
    {
      for (guint i = 0; i < data->records->len; i++)
        keep_archive_order (self, self->archive_floor, g_ptr_array_index (data->records, i));
    }
  else
    keep_backward_order (self, self->archive_ceiling, data->records, newest);
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
  self->backfill_pages = 0;
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
      start_backward_pass (self);
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

/* Replies go to bare JIDs again: a fresh session knows no presence. */
static void
unlock_all (NatterMessaging *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterConversation) conversation = NULL;

      conversation = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
      if (natter_conversation_get_account (conversation) == self->account)
        natter_conversation_unlock_resource (conversation, NULL);
    }
}

/* RFC 6121 §5.1: a resource that went offline is no longer answered. */
static void
resource_removed_cb (XmppPresence *presence,
                     XmppJid      *jid,
                     gpointer      user_data)
{
  NatterMessaging *self = user_data;
  NatterConversation *conversation;

  conversation = natter_conversation_list_lookup (self->conversations, self->account,
                                                  xmpp_jid_to_bare_string (jid));
  if (conversation != NULL)
    natter_conversation_unlock_resource (conversation, jid);
}

/* The catch-up starts once the initial presence is out.  Prosody, like
 * other servers, stops delivering messages that wait offline to a session
 * that has queried the archive: queried before the presence, a message
 * arriving in between would be neither in the catch-up's pages nor live.
 * After the presence, everything older is in the archive and everything
 * newer comes live.  An account that never announces itself catches up
 * after a while all the same. */
#define PRESENCE_WAIT_S 10

static void
presence_announced_cb (XmppPresence    *presence,
                       GParamSpec      *pspec,
                       NatterMessaging *self)
{
  if (self->presence_timeout_id == 0 || !xmpp_presence_get_announced (presence))
    return;
  g_clear_handle_id (&self->presence_timeout_id, g_source_remove);
  start_catchup (self);
}

static gboolean
presence_timeout_cb (gpointer user_data)
{
  NatterMessaging *self = user_data;

  self->presence_timeout_id = 0;
  start_catchup (self);
  return G_SOURCE_REMOVE;
}

static void
catch_up_after_presence (NatterMessaging *self)
{
  g_clear_handle_id (&self->presence_timeout_id, g_source_remove);
  /* Syncing already: the catch-up is due, and comes next. */
  set_syncing (self, TRUE);
  self->presence_timeout_id = g_timeout_add_seconds (PRESENCE_WAIT_S, presence_timeout_cb, self);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  NatterMessaging *self = user_data;

  /* A resumed session re-sent what was unacked and lost nothing (I5);
   * what was written while it reconnected is still in the outbox, after
   * those, and goes now. */
  if (resumed)
    {
      flush_outbox (self);
      return;
    }

  g_cancellable_cancel (self->session);
  g_clear_object (&self->session);
  self->session = g_cancellable_new ();
  self->mode = CATCHUP_IDLE;
  unlock_all (self);

  /* Carbons before the initial presence, which the account sends once
   * the roster is loaded, and before the catch-up (I5). */
  xmpp_carbons_enable_async (self->carbons, self->session, carbons_enabled_cb, NULL);
  flush_outbox (self);
  if (self->presence != NULL)
    catch_up_after_presence (self);
  else
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
  if (self->presence != NULL)
    {
      g_clear_signal_handler (&self->resource_removed_id, self->presence);
      g_clear_signal_handler (&self->announced_id, self->presence);
    }
  g_clear_object (&self->presence);
  if (self->presence_timeout_id != 0)
    set_syncing (self, FALSE);
  g_clear_handle_id (&self->presence_timeout_id, g_source_remove);
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
  if (natter_account_get_xmpp_presence (self->account) != NULL)
    {
      self->presence = g_object_ref (natter_account_get_xmpp_presence (self->account));
      self->resource_removed_id = g_signal_connect (self->presence, "resource-removed",
                                                    G_CALLBACK (resource_removed_cb), self);
      self->announced_id = g_signal_connect (self->presence, "notify::announced",
                                             G_CALLBACK (presence_announced_cb), self);
    }

  /* Attached to a session that is already up (the account connected
   * first): what arrived before is in the archive, so start as a fresh
   * session would, at once if the presence is out already. */
  if (xmpp_client_get_state (client) == XMPP_CLIENT_ONLINE)
    {
      online_cb (client, FALSE, self);
      if (self->presence != NULL && xmpp_presence_get_announced (self->presence))
        presence_announced_cb (self->presence, NULL, self);
    }
}

/* A contact's new OMEMO device is news in the conversation with them: a
 * notice there, so that a device nobody expected does not go unseen. */
static void
device_added_cb (NatterOmemo     *omemo,
                 const char      *jid,
                 guint            device_id,
                 NatterMessaging *self)
{
  g_autoptr(NatterStoreMessage) record = NULL;
  g_autoptr(GError) error = NULL;
  NatterConversation *conversation;

  if (self->account == NULL || g_strcmp0 (jid, natter_account_get_jid (self->account)) == 0)
    return;
  conversation = natter_conversation_list_lookup (self->conversations, self->account, jid);
  if (conversation == NULL)
    return;

  record = natter_store_message_new ();
  record->conversation_id = natter_conversation_get_id (conversation);
  record->account_id = natter_account_get_id (self->account);
  record->direction = NATTER_STORE_DIRECTION_IN;
  record->sender = g_strdup (jid);
  record->state = NATTER_STORE_MESSAGE_STATE_RECEIVED;
  record->encryption = NATTER_STORE_ENCRYPTION_OMEMO;
  record->sender_device = device_id;
  record->flags = NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE;
  if (!natter_store_insert_message (self->store, record, NULL, &error))
    {
      g_warning ("messaging: cannot note the new device of %s: %s", jid, error->message);
      return;
    }
  natter_conversation_add_record (conversation, record, FALSE);
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
  g_clear_pointer (&self->retried, g_hash_table_unref);
  g_clear_pointer (&self->live_floor, g_hash_table_unref);
  g_clear_pointer (&self->archive_floor, g_hash_table_unref);
  g_clear_pointer (&self->archive_ceiling, g_hash_table_unref);
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
  self->send_receipts = TRUE;
  self->send_markers = TRUE;
  self->cancellable = g_cancellable_new ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->retried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->live_floor = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->archive_floor = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->archive_ceiling = g_hash_table_new_full (NULL, NULL, NULL, g_free);
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
  if (natter_account_get_omemo (account) != NULL)
    g_signal_connect_object (natter_account_get_omemo (account), "device-added",
                             G_CALLBACK (device_added_cb), self, 0);
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

/* Puts a failed message of ours back in the outbox and sends it, with
 * its id and origin-id unchanged (SECURITY.md O1). */
gboolean
natter_messaging_retry (NatterMessaging     *self,
                        NatterConversation  *conversation,
                        gint64               message_id,
                        GError             **error)
{
  g_autoptr(NatterStoreMessage) record = NULL;
  gint64 *when;

  g_return_val_if_fail (NATTER_IS_MESSAGING (self), FALSE);
  g_return_val_if_fail (NATTER_IS_CONVERSATION (conversation), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  record = natter_store_get_message (self->store, message_id, error);
  if (record == NULL)
    return FALSE;
  if (record->conversation_id != natter_conversation_get_id (conversation) ||
      record->direction != NATTER_STORE_DIRECTION_OUT ||
      record->state != NATTER_STORE_MESSAGE_STATE_FAILED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Only a message of yours that failed can be sent again"));
      return FALSE;
    }
  if (!natter_store_set_message_state (self->store, record->id,
                                       NATTER_STORE_MESSAGE_STATE_PENDING, NULL, error))
    return FALSE;
  record->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  g_clear_pointer (&record->error, g_free);
  when = g_new (gint64, 1);
  *when = g_get_real_time ();
  if (record->origin_id != NULL)
    g_hash_table_insert (self->retried, g_strdup (record->origin_id), when);
  else
    g_free (when);
  natter_conversation_refresh_message (conversation, record->id);
  transmit (self, record);
  return TRUE;
}

/**
 * natter_messaging_get_history_complete:
 * @self: the pipelines
 * @conversation: a conversation of the account
 *
 * Whether the archive is known to hold nothing of @conversation older
 * than the store: a history page reached its start, or the background
 * backfill reached the start of the whole archive.
 *
 * Returns: %TRUE if there is nothing older to fetch
 */
gboolean
natter_messaging_get_history_complete (NatterMessaging    *self,
                                       NatterConversation *conversation)
{
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GPtrArray) ranges = NULL;
  gint64 account_id;

  g_return_val_if_fail (NATTER_IS_MESSAGING (self), FALSE);
  g_return_val_if_fail (NATTER_IS_CONVERSATION (conversation), FALSE);

  if (self->account == NULL || self->store == NULL)
    return FALSE;
  account_id = natter_account_get_id (self->account);
  key = history_key (conversation);
  value = natter_store_dup_account_setting (self->store, account_id, key, NULL);
  if (g_strcmp0 (value, "1") == 0)
    return TRUE;
  ranges = natter_store_list_mam_ranges (self->store, account_id,
                                         natter_account_get_jid (self->account), NULL);
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      NatterStoreMamRange *range = g_ptr_array_index (ranges, i);

      if (range->complete)
        return TRUE;
    }
  return FALSE;
}

static void
history_query_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterMessaging *self = g_task_get_source_object (task);
  NatterConversation *conversation = g_task_get_task_data (task);
  g_autoptr(XmppMamPage) page = NULL;
  g_autoptr(GHashTable) ceilings = NULL;
  GError *error = NULL;
  InsertData *data;

  page = xmpp_mam_query_finish (XMPP_MAM (object), result, &error);
  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("The account was removed"));
      return;
    }

  data = g_new0 (InsertData, 1);
  data->self = g_object_ref (self);
  data->effects = effects_new ();
  data->unread = g_array_new (FALSE, FALSE, sizeof (gboolean));
  data->records = records_for_page (self, page, conversation, FALSE, data->effects,
                                    data->unread, &data->unread_after_seen);
  /* Everything of the page goes before everything stored. */
  ceilings = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  keep_backward_order (self, ceilings, data->records, FALSE);
  data->complete = xmpp_mam_page_get_complete (page) || xmpp_mam_page_get_first (page) == NULL;
  data->task = g_steal_pointer (&task);
  natter_store_insert_messages_async (self->store, data->records, NULL,
                                      g_task_get_cancellable (data->task), insert_cb, data);
}

/* The archive id of the conversation's oldest stored message that has
 * one, looking at the oldest few hundred rows. */
static char *
oldest_stanza_id (NatterMessaging    *self,
                  NatterConversation *conversation)
{
  const char *archive = xmpp_jid_to_bare_string (self->own);
  gint64 timestamp = -1, id = 0;

  for (guint page = 0; page < 8; page++)
    {
      g_autoptr(GPtrArray) rows = NULL;

      rows = natter_store_list_messages_after (self->store,
                                               natter_conversation_get_id (conversation),
                                               timestamp, id, NATTER_MESSAGE_LIST_PAGE, NULL);
      if (rows == NULL || rows->len == 0)
        return NULL;
      for (guint i = 0; i < rows->len; i++)
        {
          NatterStoreMessage *row = g_ptr_array_index (rows, i);

          if (row->stanza_id != NULL && g_strcmp0 (row->archive, archive) == 0)
            return g_strdup (row->stanza_id);
          timestamp = row->timestamp;
          id = row->id;
        }
    }
  return NULL;
}

/**
 * natter_messaging_fetch_history_async:
 * @self: the pipelines
 * @conversation: a conversation of the account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the page is stored
 * @user_data: data for @callback
 *
 * Fetches the page of the account's archive (XEP-0313 `with` the peer)
 * before the conversation's oldest stored archive id, newest
 * %NATTER_MESSAGE_LIST_PAGE first, and stores it in one transaction,
 * placed before everything stored.  Its messages are not announced and
 * do not count as unread: they are history.
 */
void
natter_messaging_fetch_history_async (NatterMessaging     *self,
                                      NatterConversation  *conversation,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) with = NULL;
  g_autofree char *before = NULL;
  XmppMamQuery query = { NULL, };

  g_return_if_fail (NATTER_IS_MESSAGING (self));
  g_return_if_fail (NATTER_IS_CONVERSATION (conversation));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_messaging_fetch_history_async);
  g_task_set_task_data (task, g_object_ref (conversation), g_object_unref);

  if (self->client == NULL || self->mam == NULL ||
      xmpp_client_get_state (self->client) != XMPP_CLIENT_ONLINE)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               _("The account is not connected"));
      return;
    }
  with = xmpp_jid_new (natter_conversation_get_peer (conversation), NULL);
  if (with == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The conversation has no valid address"));
      return;
    }

  before = oldest_stanza_id (self, conversation);
  query.with = with;
  query.before_id = before != NULL ? before : "";
  query.max = NATTER_MESSAGE_LIST_PAGE;
  xmpp_mam_query_async (self->mam, self->own, &query, cancellable,
                        history_query_cb, g_steal_pointer (&task));
}

/**
 * natter_messaging_fetch_history_finish:
 * @self: the pipelines
 * @result: the result
 * @complete: (out) (optional): whether the page reached the start of the
 *   conversation in the archive
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the page was stored
 */
gboolean
natter_messaging_fetch_history_finish (NatterMessaging  *self,
                                       GAsyncResult     *result,
                                       gboolean         *complete,
                                       GError          **error)
{
  gssize value;

  g_return_val_if_fail (NATTER_IS_MESSAGING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;
  if (complete != NULL)
    *complete = value != 0;
  return TRUE;
}

void
natter_messaging_set_backfill_limit (NatterMessaging *self,
                                     guint            pages)
{
  g_return_if_fail (NATTER_IS_MESSAGING (self));
  self->backfill_limit = pages;
}

/**
 * natter_messaging_set_privacy:
 * @self: the pipelines
 * @send_receipts: whether to confirm delivery when the sender asks (XEP-0184)
 * @send_markers: whether to tell the sender a message was read (XEP-0333)
 *
 * What this account tells others about the messages it receives.
 */
void
natter_messaging_set_privacy (NatterMessaging *self,
                              gboolean         send_receipts,
                              gboolean         send_markers)
{
  g_return_if_fail (NATTER_IS_MESSAGING (self));

  self->send_receipts = !!send_receipts;
  self->send_markers = !!send_markers;
}

/**
 * natter_messaging_get_send_markers:
 * @self: the pipelines
 *
 * Returns: whether reading a conversation tells the peer (XEP-0333)
 */
gboolean
natter_messaging_get_send_markers (NatterMessaging *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGING (self), FALSE);
  return self->send_markers;
}
